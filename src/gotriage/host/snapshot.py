"""Snapshots: a host recorded to a directory or a .tar.gz, read back as a Host.

The layout is documented in docs/snapshot-format.md; in short:

  gotriage-snapshot.json   format version, who recorded it, identity and environment
  paths.json               per absolute path: stat, lstat, listdir, readlink, realpath,
                           read and xattr results (or the errno name they failed with)
  files/<absolute path>    the contents of every file that was read
  commands/NNNN.json       one command each: argv, env, cwd, the SHA-256 of its stdin
                           (when it was given input), exit code, output, timing

A hand-built snapshot may leave out paths.json: a file under files/ then reads as a
regular root-owned 0644 file and a directory under files/ lists its entries.  A command
file may leave out `env` or `cwd`, which then match any value.  A command given input
on stdin is found by the SHA-256 of that input (`stdin_sha256`); the input itself is not
stored (it is what the checks computed from the recorded files, e.g. audit log lines).
"""

import base64
import json
import os
import posixpath
import stat as _stat

from gotriage.host.base import (
    DEFAULT_MAX_READ,
    DEFAULT_TIMEOUT,
    CommandResult,
    Host,
    HostError,
    Identity,
    StatResult,
    fs_path,
    fs_text,
    stdin_digest,
)

FORMAT_VERSION = 1
MANIFEST = "gotriage-snapshot.json"



class SnapshotError(Exception):
    """A snapshot that cannot be used; the message is one line for the user."""

    def __init__(self, message):
        # tarfile (3.11+) explains an unreadable archive over several lines: keep one.
        Exception.__init__(self, " ".join(
            line.strip() for line in str(message).splitlines() if line.strip()))


def command_key(argv, env, cwd, stdin_sha256=None):
    key = {"argv": list(argv), "env": env, "cwd": cwd}
    if stdin_sha256 is not None:  # commands without input keep the keys they always had
        key["stdin_sha256"] = stdin_sha256
    return json.dumps(key, sort_keys=True)


def decode_output(entry, name):
    if name + "_b64" in entry:
        return base64.b64decode(entry[name + "_b64"])
    return (entry.get(name) or "").encode("utf-8")


def encode_output(data, name, into):
    try:
        into[name] = data.decode("utf-8")
    except UnicodeDecodeError:
        into[name + "_b64"] = base64.b64encode(data).decode("ascii")


class LayersNotRecorded(dict):
    """Why each layer a snapshot did not record is not examined (runner.run asks by
    layer name, and by check id, which is never one), and the checks of a recorded layer
    that rest on what it left out (`checks`: check id -> why)."""

    def __init__(self, recorded, collector=None, checks=None):
        dict.__init__(self)
        self.recorded = [layer for layer in recorded if isinstance(layer, str)]
        self.collector = collector if isinstance(collector, str) else "its collector"
        self.checks = dict((k, v) for k, v in (checks or {}).items()
                           if isinstance(k, str) and isinstance(v, str)) \
            if isinstance(checks, dict) else {}

    def get(self, key, default=None):
        if key.islower() and key not in self.recorded:
            return "the %s layer is not recorded in this snapshot (%s records %s)" % (
                key, self.collector, " and ".join(self.recorded) or "no layer")
        return self.checks.get(key, default)

    def __bool__(self):
        return True


class SnapshotHost(Host):
    kind = "snapshot"

    def __init__(self, directory, cleanup=None, origin=None):
        Host.__init__(self)
        self.directory = directory
        self._cleanup = cleanup
        self.origin = origin or directory
        self.description = "snapshot %s" % self.origin
        manifest_path = os.path.join(directory, MANIFEST)
        self.manifest = _load_json(manifest_path, "manifest")
        if not isinstance(self.manifest, dict):
            raise SnapshotError("%s: the manifest is not a JSON object" % self.origin)
        version = self.manifest.get("format")
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise SnapshotError("%s: no valid snapshot format version in %s" % (self.origin, MANIFEST))
        if version > FORMAT_VERSION:
            raise SnapshotError(
                "%s: snapshot format %d is newer than this gotriage reads (%d): upgrade gotriage"
                % (self.origin, version, FORMAT_VERSION))
        paths_file = os.path.join(directory, "paths.json")
        self.paths = _load_json(paths_file, "paths index") if os.path.exists(paths_file) else {}
        if not isinstance(self.paths, dict):
            raise SnapshotError("%s: paths.json is not a JSON object" % self.origin)
        bad = [p for p, entry in self.paths.items() if not isinstance(entry, dict)]
        if bad:
            raise SnapshotError("%s: paths.json entry for %s is not an object" % (self.origin, bad[0]))
        self._exact, self._loose = self._load_commands(os.path.join(directory, "commands"))
        # the commands recorded without env/cwd, by argv: a lookup is not a scan of them all
        self._exact_argvs = set(tuple(entry["argv"]) for entry in self._exact.values())
        self._loose_by_argv = {}
        for entry in self._loose:
            self._loose_by_argv.setdefault(tuple(entry["argv"]), []).append(entry)
        self._real_dirs = {}  # a directory under files/ -> its realpath
        self._file_paths = {}  # host path -> _file_path's answer
        self._local_kinds = {}  # a path under files/ -> _local_kind's answer
        # a snapshot that lists the layers it recorded (collect.sh, docs/collect-sh.md):
        # the others are not examined (runner.run), never judged from what it left out
        layers = self.manifest.get("layers")
        if isinstance(layers, list):
            self.not_examined = LayersNotRecorded(layers, self.manifest.get("collector"),
                                                  self.manifest.get("not_examined"))

    # -- loading -------------------------------------------------------------------------
    def _load_commands(self, directory):
        exact, loose = {}, []
        if not os.path.isdir(directory):
            return exact, loose
        for name in sorted(os.listdir(directory)):
            if not name.endswith(".json"):
                continue
            entry = _load_json(os.path.join(directory, name), "command " + name)
            if not isinstance(entry, dict) or not isinstance(entry.get("argv"), list):
                raise SnapshotError("%s: commands/%s has no argv list" % (self.origin, name))
            if "env" in entry and "cwd" in entry:
                exact[command_key(entry["argv"], entry["env"], entry["cwd"],
                                  entry.get("stdin_sha256"))] = entry
            else:
                loose.append(entry)
        return exact, loose

    def _entry(self, path):
        return self.paths.get(path) or {}

    def _file_path(self, path):
        """Where the contents of host path `path` live inside the snapshot (as bytes:
        base.fs_path), or None.  Memoised: a snapshot does not change while it is read."""
        try:
            return self._file_paths[path]
        except KeyError:
            local = self._file_paths[path] = self._find_file_path(path)
            return local

    def _local_kind(self, local):
        """"file", "dir" or "" (neither, or absent) for a path under files/: one stat,
        remembered (a snapshot does not change while it is read, and a unit's program is
        read a dozen times)."""
        kind = self._local_kinds.get(local)
        if kind is None:
            try:
                mode = os.stat(local).st_mode
            except (OSError, ValueError):
                mode = 0
            kind = "file" if _stat.S_ISREG(mode) else "dir" if _stat.S_ISDIR(mode) else ""
            self._local_kinds[local] = kind
        return kind

    def _real(self, local):
        """os.path.realpath(local), with the realpath of each directory computed once (a
        check of 3,000 units asks about thousands of files in a few directories)."""
        parent, name = os.path.split(local)
        real_parent = self._real_dir(parent)
        if os.path.islink(local):
            return os.path.realpath(local)
        return os.path.join(real_parent, name)

    def _real_dir(self, directory):
        """os.path.realpath(directory), from its parent's (computed once each): one lstat
        per directory, not one per component of every directory (fleet report)."""
        real = self._real_dirs.get(directory)
        if real is None:
            parent, name = os.path.split(directory)
            if not name or parent == directory or name in (b".", b"..", ".", ".."):
                real = os.path.realpath(directory)
            else:
                joined = os.path.join(self._real_dir(parent), name)
                real = os.path.realpath(joined) if os.path.islink(joined) else joined
            self._real_dirs[directory] = real
        return real

    def _find_file_path(self, path):
        norm = posixpath.normpath("/" + path.lstrip("/"))
        files = os.path.join(fs_path(self.directory), b"files")
        local = os.path.join(files, fs_path(norm.lstrip("/")))
        # A hand-made snapshot directory could hold symlinks: never leave it.
        base = self.__dict__.get("_files_real")
        if base is None:  # (once: the snapshot's own files/ does not move)
            base = self._files_real = os.path.realpath(files)
        real = self._real(local)
        if real != base and not real.startswith(base + b"/"):
            return None
        return local

    def _result(self, path, op):
        value = self._entry(path).get(op)
        if isinstance(value, dict) and "error" in value:
            err = HostError(value["error"], path, op)
            self._note_denied(err)
            raise err
        return value

    # -- primitives ------------------------------------------------------------------------
    def read(self, path, max_bytes=DEFAULT_MAX_READ, redact=None):
        self._result(path, "read")
        local = self._file_path(path)
        if local and self._local_kind(local) == "file":
            with open(local, "rb") as f:
                # a read of max_bytes allocates max_bytes (1 MiB for a unit file) first
                if os.fstat(f.fileno()).st_size < max_bytes:
                    return f.read()
                return f.read(max_bytes)
        raise self._no_contents(path, local)

    def read_range(self, path, offset, length, redact=None):
        self._result(path, "read")
        local = self._file_path(path)
        if local and self._local_kind(local) == "file":
            with open(local, "rb") as f:
                f.seek(offset)
                return f.read(length)
        raise self._no_contents(path, local)

    def _no_contents(self, path, local):
        """The error for a read the snapshot cannot answer: a directory; a file it says
        exists but whose contents it did not record (ENODATA, unrecorded: not a missing
        file, not a broken one); or a path it says nothing about (ENOENT, unrecorded
        unless it recorded the path as missing)."""
        if local and self._local_kind(local) == "dir":
            return HostError("EISDIR", path, "read")
        st = self._entry(path).get("stat")
        if isinstance(st, dict) and _stat.S_ISREG(st.get("mode") or 0):
            err = HostError("ENODATA", path, "read", "not recorded in the snapshot")
            err.unrecorded = True
            return err
        err = HostError("ENOENT", path, "read")
        err.unrecorded = not self._recorded_missing(path)
        return err

    def _stat(self, path, op):
        value = self._result(path, op)
        if value is not None:
            return StatResult.from_dict(value)
        if op == "lstat":
            st = self._entry(path).get("stat")
            if isinstance(st, dict) and "mode" in st and not self._entry(path).get("readlink"):
                return StatResult.from_dict(st)
        local = self._file_path(path)
        if local and self._local_kind(local) == "file":
            return StatResult(_stat.S_IFREG | 0o644, 0, 0, os.path.getsize(local))
        if local and self._local_kind(local) == "dir":
            return StatResult(_stat.S_IFDIR | 0o755)
        err = HostError("ENOENT", path, op)
        err.unrecorded = not self._recorded_missing(path)
        raise err

    def _recorded_missing(self, path):
        """Whether the snapshot recorded that `path` does not exist (a stat, lstat or
        read that failed with ENOENT or ENOTDIR on the host)."""
        entry = self._entry(path)
        return any(isinstance(entry.get(op), dict) and entry[op].get("error") in (
            "ENOENT", "ENOTDIR") for op in ("stat", "lstat", "read"))

    def stat(self, path):
        return self._stat(path, "stat")

    def lstat(self, path):
        return self._stat(path, "lstat")

    def listdir(self, path):
        value = self._result(path, "listdir")
        if value is not None:
            return sorted(value)
        local = self._file_path(path)
        if local and self._local_kind(local) == "dir":
            return sorted(fs_text(n) for n in os.listdir(local))
        err = HostError("ENOENT", path, "listdir")
        # not listed, but paths below it are recorded (a collect that listed only the
        # directories under it): not known to be missing on the host
        err.unrecorded = posixpath.normpath(path) in self._parents_recorded()
        raise err

    def _parents_recorded(self):
        """Every directory above a path paths.json records (computed once)."""
        parents = self.__dict__.get("_parents")
        if parents is None:
            parents = self._parents = set()
            for recorded in self.paths:
                parent = posixpath.dirname(posixpath.normpath(recorded))
                while parent not in parents and parent != "/":
                    parents.add(parent)
                    parent = posixpath.dirname(parent)
            parents.add("/")
        return parents

    def readlink(self, path):
        value = self._result(path, "readlink")
        if value is not None:
            return value
        raise HostError("EINVAL", path, "readlink")

    def realpath(self, path):
        value = self._entry(path).get("realpath")
        return value if isinstance(value, str) else posixpath.normpath(path)

    def getxattr(self, path, name):
        value = (self._entry(path).get("xattr") or {}).get(name)
        if value is None:
            raise HostError("ENODATA", path, "getxattr")
        if "error" in value:
            raise HostError(value["error"], path, "getxattr")
        return base64.b64decode(value["b64"])

    def run(self, argv, env=None, cwd="/", timeout=DEFAULT_TIMEOUT, input=None):
        digest = stdin_digest(input)
        entry = None
        if tuple(argv) in self._exact_argvs:  # (command_key's json.dumps only then)
            entry = self._exact.get(command_key(argv, env, cwd, digest))
        if entry is None:
            for candidate in self._loose_by_argv.get(tuple(argv), ()):
                if (candidate["argv"] == list(argv)
                        and candidate.get("env", env) == env and candidate.get("cwd", cwd) == cwd
                        and candidate.get("stdin_sha256") == digest):
                    entry = candidate
                    break
        if entry is None:
            result = CommandResult(argv, env, cwd, error="not-recorded")
        else:
            result = CommandResult(argv, env, cwd, entry.get("returncode"),
                                   decode_output(entry, "stdout"), decode_output(entry, "stderr"),
                                   entry.get("duration", 0.0), entry.get("error"))
        result.stdin_sha256 = digest
        return result

    def connect(self, address, port, timeout=5.0):
        return self.run(["tcp-connect", address, str(port)])

    def identity(self):
        return Identity.from_dict(self.manifest.get("identity") or {"user": "root"})

    def environ(self):
        return dict(self.manifest.get("environ") or {})

    def hostname(self):
        return self.manifest.get("hostname") or "unknown"

    def close(self):
        if self._cleanup:
            import shutil

            shutil.rmtree(self._cleanup, ignore_errors=True)
            self._cleanup = None


def _load_json(path, what):
    try:
        with open(path, "rb") as f:
            return json.loads(f.read().decode("utf-8"))
    except FileNotFoundError:
        raise SnapshotError("%s: no %s (%s): not a gotriage snapshot" % (
            os.path.dirname(path), what, os.path.basename(path))) from None
    except (OSError, ValueError) as exc:
        raise SnapshotError("%s: unreadable %s: %s" % (path, what, exc)) from None


def extract_archive(archive, target, limits=None):
    """Check the archive at `archive` whole against `limits` (ArchiveLimits), then unpack
    it into the empty directory `target`: anything that could write outside it (absolute
    names, `..`, links, devices, FIFOs) and anything over a limit is refused before a byte
    is written (host/archive.py)."""
    from gotriage.host.archive import (
        ArchiveError,
        ArchiveLimits,
        open_archive,
        scan_archive,
        unpack_archive,
    )

    limits = limits or ArchiveLimits()
    try:
        with open_archive(archive) as f:
            scan_archive(f, archive, limits)
            f.seek(0)
            unpack_archive(f, archive, limits, target)
    except ArchiveError as exc:
        raise SnapshotError(str(exc)) from None


def open_snapshot(path, limits=None):
    """A SnapshotHost for a snapshot directory, or for an archive (.tar, .tar.gz, .tgz;
    bzip2 and xz too): the archive is checked whole against `limits` (ArchiveLimits)
    before anything is written, then unpacked into a private temporary directory that
    close() removes."""
    if os.path.isdir(path):
        return _open_directory(path)
    # an archive: its machinery (tarfile, the decompressors, tempfile) is imported only
    # here, so that reading a snapshot directory does without it
    import shutil
    import tempfile

    from gotriage.host import sosreport
    from gotriage.host.archive import (
        ArchiveError,
        ArchiveLimits,
        check_room,
        open_archive,
        scan_archive,
        unpack_archive,
    )

    limits = limits or ArchiveLimits()
    try:
        with open_archive(path) as f:
            # links are kept aside, not refused, until the archive is known to be a
            # sosreport (sos copies links as links); a snapshot holds none
            links = {}
            tally = scan_archive(f, path, limits, marker=MANIFEST, links=links,
                                 watch=sosreport.LAYOUT)
            if not tally.has_marker() and sosreport.layout_seen(tally):
                return sosreport.unpack_sosreport(f, path, limits, tally, links)
            if links:
                raise SnapshotError("%s: member %s is a link: refused" % (
                    path, repr(os.fsdecode(b"/".join(next(iter(links)))))))
            if not tally.has_marker():
                raise SnapshotError("%s: not a gotriage snapshot (no %s) nor a sosreport (no "
                                    "sos_commands/ with sos_logs/, sos_reports/ or version.txt)"
                                    % (path, MANIFEST))
            check_room(tempfile.gettempdir(), tally, path)
            try:
                target = tempfile.mkdtemp(prefix="gotriage-snapshot-")
            except OSError as exc:
                raise SnapshotError("%s: cannot make a temporary directory in %s: %s" % (
                    path, tempfile.gettempdir(), exc.strerror or exc)) from None
            try:
                f.seek(0)
                unpack_archive(f, path, limits, target)
                return SnapshotHost(_find_manifest_dir(target, path), cleanup=target, origin=path)
            except BaseException:
                shutil.rmtree(target, ignore_errors=True)
                raise
    except ArchiveError as exc:
        raise SnapshotError(str(exc)) from None


def _open_directory(path):
    """A snapshot directory, or a sosreport's (host/sosreport.py)."""
    try:
        directory = _find_manifest_dir(path, path)
    except SnapshotError:
        from gotriage.host import sosreport

        report = sosreport.find_report_dir(path)
        if report is None:
            raise SnapshotError("%s: not a gotriage snapshot (no %s) nor a sosreport (no "
                                "sos_commands/ with sos_logs/, sos_reports/ or version.txt)"
                                % (path, MANIFEST)) from None
        return sosreport.SosreportHost(report, path)
    return SnapshotHost(directory, origin=path)


def _find_manifest_dir(directory, origin):
    if os.path.exists(os.path.join(directory, MANIFEST)):
        return directory
    entries = [e for e in os.listdir(directory) if os.path.isdir(os.path.join(directory, e))]
    if len(entries) == 1 and os.path.exists(os.path.join(directory, entries[0], MANIFEST)):
        return os.path.join(directory, entries[0])
    raise SnapshotError("%s: not a gotriage snapshot (no %s)" % (origin, MANIFEST))
