"""A Host that passes every request to another host and records it as a snapshot.

`gotriage collect` runs the same checks as `gotriage check` through a RecordingHost, so
the snapshot holds exactly what `check` reads, and `check --root SNAPSHOT` sees the same
host.  Secrets are redacted on the way out (see redact.py).
"""

import datetime
import io
import json
import os
import posixpath
import tarfile
import time

from gotriage import __version__
from gotriage.host.base import DEFAULT_MAX_READ, DEFAULT_TIMEOUT, Host, HostError, stdin_digest
from gotriage.host.redact import redact_bytes, redact_env
from gotriage.host.snapshot import FORMAT_VERSION, MANIFEST, command_key, encode_output


class RecordingHost(Host):
    kind = "live"

    def __init__(self, inner):
        Host.__init__(self)
        self.inner = inner
        self.description = inner.description
        self.denied = inner.denied
        self.paths = {}
        self.contents = {}
        self.ranges = {}  # path -> [(offset, bytes)] read with read_range
        self.commands = []

    def _entry(self, path):
        return self.paths.setdefault(path, {})

    def _call(self, op, path, func, *args):
        try:
            value = func(*args)
        except HostError as err:
            self._entry(path)[op] = {"error": err.code}
            raise
        return value

    def read(self, path, max_bytes=DEFAULT_MAX_READ):
        data = self._call("read", path, self.inner.read, path, max_bytes)
        self._entry(path)["read"] = True
        previous = self.contents.get(path)
        if previous is None or len(data) > len(previous):
            self.contents[path] = data
        return data

    def read_range(self, path, offset, length):
        data = self._call("read", path, self.inner.read_range, path, offset, length)
        self._entry(path)["read"] = True
        self.ranges.setdefault(path, []).append((offset, data))
        return data

    def stat(self, path):
        st = self._call("stat", path, self.inner.stat, path)
        self._entry(path)["stat"] = st.to_dict()
        return st

    def lstat(self, path):
        st = self._call("lstat", path, self.inner.lstat, path)
        self._entry(path)["lstat"] = st.to_dict()
        return st

    def listdir(self, path):
        names = self._call("listdir", path, self.inner.listdir, path)
        self._entry(path)["listdir"] = list(names)
        return names

    def readlink(self, path):
        target = self._call("readlink", path, self.inner.readlink, path)
        self._entry(path)["readlink"] = target
        return target

    def realpath(self, path):
        real = self.inner.realpath(path)
        self._entry(path)["realpath"] = real
        return real

    def getxattr(self, path, name):
        import base64

        xattrs = self._entry(path).setdefault("xattr", {})
        try:
            value = self.inner.getxattr(path, name)
        except HostError as err:
            xattrs[name] = {"error": err.code}
            raise
        xattrs[name] = {"b64": base64.b64encode(value).decode("ascii")}
        return value

    def run(self, argv, env=None, cwd="/", timeout=DEFAULT_TIMEOUT, input=None):
        if input is None:
            result = self.inner.run(argv, env=env, cwd=cwd, timeout=timeout)
        else:
            result = self.inner.run(argv, env=env, cwd=cwd, timeout=timeout, input=input)
            # The replay computes the input from the snapshot's files, which are redacted:
            # the key is the digest of the redacted input.
            result.stdin_sha256 = stdin_digest(redact_bytes(input))
        self.commands.append(result)
        return result

    def connect(self, address, port, timeout=5.0):
        result = self.inner.connect(address, port, timeout)
        self.commands.append(result)
        return result

    def identity(self):
        return self.inner.identity()

    def environ(self):
        return self.inner.environ()

    def hostname(self):
        return self.inner.hostname()

    # -- writing ---------------------------------------------------------------------------
    def snapshot_members(self):
        """(relative path, bytes) of every file of the snapshot, secrets redacted."""
        manifest = {
            "format": FORMAT_VERSION,
            "tool": "gotriage %s" % __version__,
            "created": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "hostname": self.hostname(),
            "identity": self.identity().to_dict(),
            "environ": redact_env(self.environ()),
            "redacted": True,
        }
        yield MANIFEST, _dump(manifest)
        yield "paths.json", _dump(self.paths)
        for path in sorted(set(self.contents) | set(self.ranges)):
            rel = posixpath.normpath(path).lstrip("/")
            yield "files/" + rel, redact_bytes(self._content(path))
        seen = set()
        number = 0
        for result in self.commands:
            env = redact_env(result.env)
            key = command_key(result.argv, env, result.cwd, result.stdin_sha256)
            if key in seen:
                continue
            seen.add(key)
            number += 1
            entry = {"argv": result.argv, "env": env, "cwd": result.cwd,
                     "returncode": result.returncode, "duration": result.duration,
                     "error": result.error}
            if result.stdin_sha256 is not None:
                entry["stdin_sha256"] = result.stdin_sha256
            encode_output(redact_bytes(result.stdout), "stdout", entry)
            encode_output(redact_bytes(result.stderr), "stderr", entry)
            yield "commands/%04d.json" % number, _dump(entry)

    def _content(self, path):
        """The bytes to store for `path`: what read() returned, with the parts read by
        read_range() laid over it (other bytes of a partly read file are zeros; a replay
        asks for the same parts)."""
        whole = self.contents.get(path, b"")
        pieces = self.ranges.get(path)
        if not pieces:
            return whole
        size = max([len(whole)] + [offset + len(data) for offset, data in pieces])
        buf = bytearray(size)
        buf[:len(whole)] = whole
        for offset, data in pieces:
            buf[offset:offset + len(data)] = data
        return bytes(buf)

    def save(self, dest):
        """Write the snapshot to a new directory, or to a .tar.gz (mode 0600)."""
        if dest.endswith((".tar.gz", ".tgz")):
            return self._save_archive(dest)
        return self._save_directory(dest)

    def _save_directory(self, dest):
        if os.path.exists(dest) and os.listdir(dest):
            raise OSError("%s exists and is not empty" % dest)
        os.makedirs(dest, 0o700, exist_ok=True)
        os.chmod(dest, 0o700)
        for rel, data in self.snapshot_members():
            path = os.path.join(dest, *rel.split("/"))
            _makedirs_private(os.path.dirname(path))
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
        return dest

    def _save_archive(self, dest):
        top = posixpath.basename(dest)
        for suffix in (".tar.gz", ".tgz"):
            if top.endswith(suffix):
                top = top[: -len(suffix)]
        fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        os.fchmod(fd, 0o600)
        now = time.time()
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            for rel, data in self.snapshot_members():
                info = tarfile.TarInfo(top + "/" + rel)
                info.size = len(data)
                info.mode = 0o600
                info.mtime = now
                tar.addfile(info, io.BytesIO(data))
        return dest


def _makedirs_private(path):
    """os.makedirs with mode 0700 for every directory it creates (since Python 3.7,
    os.makedirs gives the mode to the last one only)."""
    if not os.path.isdir(path):
        _makedirs_private(os.path.dirname(path))
        os.mkdir(path, 0o700)


def _dump(obj):
    return (json.dumps(obj, indent=1, sort_keys=True) + "\n").encode("utf-8")
