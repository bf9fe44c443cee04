"""A Host that passes every request to another host and records it as a snapshot.

`gotriage collect` runs the same checks as `gotriage check` through a RecordingHost, so
the snapshot holds exactly what `check` reads, and `check --root SNAPSHOT` sees the same
host.  Secrets are redacted on the way out (see redact.py).

Memory stays flat whatever the size of what is read in ranges (the SELinux layer reads
every audit log whole, a MiB at a time): the bytes of read_range() calls go to a spill
file (unnamed, mode 0600, in `spill_dir`, which `collect` sets to the directory of its
output), and are streamed from there into the snapshot.  Whole reads (read(), at most
DEFAULT_MAX_READ each) and command outputs (at most MAX_OUTPUT) stay in memory.
"""

import datetime
import heapq
import io
import json
import os
import posixpath
import tarfile
import tempfile
import time

from gotriage import __version__
from gotriage.host.base import (
    DEFAULT_MAX_READ,
    DEFAULT_TIMEOUT,
    Host,
    HostError,
    fs_path,
    stdin_digest,
)
from gotriage.host.redact import STREAM_PIECE, redact_bytes, redact_env, redact_stream
from gotriage.host.snapshot import FORMAT_VERSION, MANIFEST, command_key, encode_output

# The archives `collect` writes (and `check --root` reads: host/archive.py), by suffix.
ARCHIVE_SUFFIXES = ((".tar.gz", "w:gz"), (".tgz", "w:gz"), (".tar.xz", "w:xz"),
                    (".txz", "w:xz"), (".tar.bz2", "w:bz2"), (".tbz2", "w:bz2"), (".tar", "w"))
# What looks like an archive it does not write: refused rather than made a directory.
OTHER_ARCHIVES = (".zip", ".gz", ".xz", ".bz2", ".zst", ".7z", ".rar", ".cpio", ".rpm")


def archive_mode(dest):
    """tarfile's write mode for an archive named `dest`, or None (a directory)."""
    for suffix, mode in ARCHIVE_SUFFIXES:
        if dest.endswith(suffix):
            return mode
    return None


class RecordingHost(Host):
    kind = "live"

    def __init__(self, inner, spill_dir=None):
        Host.__init__(self)
        self.inner = inner
        self.description = inner.description
        self.denied = inner.denied
        self.paths = {}
        self.contents = {}
        # path -> [(offset, length, where in the spill file)] of each read_range call
        self.ranges = {}
        # path -> True when every read declared it binary (stored as read, not redacted)
        self.as_read = {}
        self.commands = []
        self._spill_dir = spill_dir
        # Created now: a directory that cannot take it fails before any check runs.
        self._spill = tempfile.TemporaryFile(prefix=".gotriage-collect-", dir=spill_dir)
        self._spilled = 0
        self._spill_error = None

    def close(self):
        self._spill.close()

    def _entry(self, path):
        return self.paths.setdefault(path, {})

    def _call(self, op, path, func, *args):
        try:
            value = func(*args)
        except HostError as err:
            self._entry(path)[op] = {"error": err.code}
            raise
        return value

    def read(self, path, max_bytes=DEFAULT_MAX_READ, redact=None):
        data = self._call("read", path, self.inner.read, path, max_bytes)
        if redact == "shadow":  # no hash is kept, whatever the inner host gave
            from gotriage.host.redact_shadow import redact_shadow

            data = redact_shadow(data)
        self._entry(path)["read"] = True
        self._redact_class(path, redact)
        previous = self.contents.get(path)
        if previous is None or len(data) > len(previous):
            self.contents[path] = data
        return data

    def read_range(self, path, offset, length, redact=None):
        data = self._call("read", path, self.inner.read_range, path, offset, length)
        self._entry(path)["read"] = True
        self._redact_class(path, redact)
        if self._spill_error is None:
            try:
                self._spill.seek(self._spilled)
                self._spill.write(data)
            except OSError as exc:  # a full disk: the check goes on, save() reports it
                self._spill_error = exc
            self.ranges.setdefault(path, []).append((offset, len(data), self._spilled))
            self._spilled += len(data)
        return data

    def _redact_class(self, path, redact):
        """A file declared as binary (redact "none": an ELF program) is stored as it
        was read; one also read as text by another input is redacted."""
        if redact == "none":
            self.as_read.setdefault(path, True)
        else:
            self.as_read[path] = False

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

    def set_deadline(self, seconds):
        # The live host under it applies the deadline; a command it did not start is
        # recorded as such ('deadline'), so the replay says what the live run said.
        Host.set_deadline(self, seconds)
        self.inner.set_deadline(seconds)

    def run(self, argv, env=None, cwd="/", timeout=DEFAULT_TIMEOUT, input=None):
        result = self.inner.run(argv, env=env, cwd=cwd, timeout=timeout, input=input)
        if input is not None:
            # The replay computes the input from the snapshot's files, which are redacted:
            # the key is the digest of the redacted input.
            result.stdin_sha256 = stdin_digest(redact_bytes(input))
        self.commands.append(result)
        return result

    def connect(self, address, port, timeout=5.0):
        result = self.inner.connect(address, port, timeout)
        self.commands.append(result)
        return result

    def http_get(self, url, proxy=None, timeout=5.0):
        result = self.inner.http_get(url, proxy, timeout)
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
        """(relative path, size or None, byte pieces) of every file of the snapshot,
        secrets redacted.  The size is known (not None) for the files held in memory; a
        file read in ranges comes as a stream of redacted pieces of at most a few MiB."""
        manifest = {
            "format": FORMAT_VERSION,
            "tool": "gotriage %s" % __version__,
            "created": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "hostname": self.hostname(),
            "identity": self.identity().to_dict(),
            "environ": redact_env(self.environ()),
            "redacted": True,
        }
        yield _member(MANIFEST, _dump(manifest))
        yield _member("paths.json", _dump(self.paths))
        for path in sorted(set(self.contents) | set(self.ranges)):
            rel = "files/" + posixpath.normpath(path).lstrip("/")
            keep = self.as_read.get(path, False)
            if self.ranges.get(path):
                yield rel, None, self._pieces(path) if keep else redact_stream(self._pieces(path))
            else:
                data = self.contents.get(path, b"")
                yield _member(rel, data if keep else redact_bytes(data))
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
            if result.executable is not None and result.executable != result.argv[0]:
                entry["executable"] = result.executable  # what ran for a bare tool name
            encode_output(redact_bytes(result.stdout), "stdout", entry)
            encode_output(redact_bytes(result.stderr), "stderr", entry)
            yield _member("commands/%04d.json" % number, _dump(entry))

    def _pieces(self, path):
        """The bytes to store for `path`, in pieces of at most STREAM_PIECE: what read()
        returned, with the parts read by read_range() laid over it in the order they were
        read (where two overlap, the later read wins; bytes of a partly read file that
        nothing read are zeros: a replay asks for the same parts)."""
        whole = self.contents.get(path, b"")
        layers = [(0, len(whole), None)] + self.ranges[path]  # layer i is read after i-1
        size = max(offset + length for offset, length, _where in layers)
        starts = sorted((offset, i) for i, (offset, length, _w) in enumerate(layers) if length)
        active = []  # heap of (-layer, end): the latest layer covering the position wins
        pos, nxt = 0, 0
        while pos < size:
            while nxt < len(starts) and starts[nxt][0] <= pos:
                i = starts[nxt][1]
                heapq.heappush(active, (-i, layers[i][0] + layers[i][1]))
                nxt += 1
            while active and active[0][1] <= pos:
                heapq.heappop(active)  # ended
            # the segment ends where the top layer ends or the next layer starts
            end = min(active[0][1] if active else size,
                      starts[nxt][0] if nxt < len(starts) else size)
            if active:
                top = -active[0][0]
                offset, _length, where = layers[top]
                for at in range(pos, end, STREAM_PIECE):
                    n = min(STREAM_PIECE, end - at)
                    if where is None:
                        yield whole[at:at + n]
                    else:
                        self._spill.seek(where + at - offset)
                        yield self._spill.read(n)
            else:
                for at in range(pos, end, STREAM_PIECE):
                    yield bytes(min(STREAM_PIECE, end - at))
            pos = end

    def save(self, dest):
        """Write the snapshot to a new directory, or to an archive (mode 0600) whose name
        says its compression: ARCHIVE_SUFFIXES."""
        if self._spill_error is not None:
            raise OSError("could not keep what was read in the spill file in %s: %s" % (
                self._spill_dir or tempfile.gettempdir(), self._spill_error))
        self._spill.flush()
        if archive_mode(dest) is not None:
            return self._save_archive(dest)
        return self._save_directory(dest)

    def _save_directory(self, dest):
        if os.path.exists(dest) and os.listdir(dest):
            raise OSError("%s exists and is not empty" % dest)
        os.makedirs(dest, 0o700, exist_ok=True)
        os.chmod(dest, 0o700)
        for rel, _size, pieces in self.snapshot_members():
            # bytes: a recorded path that is not ASCII under Python 3.6 and LANG=C
            path = os.path.join(fs_path(dest), *[fs_path(p) for p in rel.split("/")])
            _makedirs_private(os.path.dirname(path))
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
            with os.fdopen(fd, "wb") as f:
                for piece in pieces:
                    f.write(piece)
        return dest

    def _save_archive(self, dest):
        top = posixpath.basename(dest)
        mode = archive_mode(dest)
        for suffix, _mode in ARCHIVE_SUFFIXES:
            if top.endswith(suffix):
                top = top[: -len(suffix)]
                break
        fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        os.fchmod(fd, 0o600)
        now = time.time()
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode=mode,
                                                            encoding="utf-8") as tar:
            for rel, size, pieces in self.snapshot_members():
                info = tarfile.TarInfo(top + "/" + rel)
                info.mode = 0o600
                info.mtime = now
                if size is not None:
                    info.size = size
                    tar.addfile(info, io.BytesIO(pieces[0]))
                    continue
                # a tar header holds the size, which redaction may change: the redacted
                # stream goes to an unnamed file beside the spill first
                with tempfile.TemporaryFile(prefix=".gotriage-collect-", dir=self._spill_dir) as tmp:
                    for piece in pieces:
                        tmp.write(piece)
                    info.size = tmp.tell()
                    tmp.seek(0)
                    tar.addfile(info, tmp)
        return dest


def _member(rel, data):
    """A snapshot member held in memory: (relative path, size, [data])."""
    return rel, len(data), [data]


def _makedirs_private(path):
    """os.makedirs with mode 0700 for every directory it creates (since Python 3.7,
    os.makedirs gives the mode to the last one only)."""
    if not os.path.isdir(path):
        _makedirs_private(os.path.dirname(path))
        os.mkdir(path, 0o700)


def _dump(obj):
    return (json.dumps(obj, indent=1, sort_keys=True) + "\n").encode("utf-8")
