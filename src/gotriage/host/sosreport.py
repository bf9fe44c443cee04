"""A sosreport read as a Host: `check --root sosreport-HOST-DATE.tar.xz` (or its directory).

A sosreport (sos 3.x and 4.x) holds copies of files under their host paths (etc/,
var/log/, proc/, sys/, usr/...), the output of its plugins' commands as
sos_commands/<plugin>/<mangled command line> (host/sos_commands.py), and its own records:
sos_logs/, sos_reports/ (sos 4: manifest.json, with each command's exit code),
version.txt.  It is told by that layout, not by its name.

What it does not hold it does not know: a path it did not copy is "not recorded"
(HostError.unrecorded), never missing, and a command no row of SOS_COMMANDS answers is
"not-recorded".  The layers and checks that rest on what no sosreport holds (a Go install
tree, a user's go env, a binary's bytes) are not run on one: NOT_EXAMINED, each with its
reason, which the runner gives as a note per check (docs/sosreport.md).

Links: sos copies symbolic links as links (etc/os-release -> ../usr/lib/os-release, the
enabled units, the top-level shortcuts).  They are resolved here, inside the report: an
absolute target is taken from the report's root, as on the host, and a name that would
leave the report is not recorded.  An archive's links are never written to disk
(host/archive.py keeps them in a dict); a directory's are read with os.readlink and never
followed by the OS.
"""

import json
import os
import posixpath
import stat as _stat

from gotriage.host import sos_commands
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

# sos's own records: a directory holding sos_commands/ and one of the others is a sosreport
LAYOUT = ("sos_commands", "sos_reports", "sos_logs", "version.txt")
MAX_LINKS = 40  # links followed in one path, as the kernel's ELOOP

# What a sosreport cannot tell, by layer or by check: the runner skips them and says why.
NOT_EXAMINED = {
    "toolchain": "a sosreport holds no Go installation, no user's environment and no "
                 "`go env` (no sos plugin runs go)",
    "packages": "a sosreport copies no dnf or yum cache and runs no repository query",
    "SYS-KERNEL": "needs the Go release the toolchain layer finds, which a sosreport "
                  "does not hold",
    "SYS-GOBIN": "needs the Go installs, which a sosreport does not hold",
    "SYS-LIMITS": "reads the limits gotriage's own process runs with (/proc/self), which "
                  "in a sosreport are sos's",
    "service": "which units run Go is told from their programs (ELF headers, Go build "
               "info), which a sosreport does not copy; nor does it keep `journalctl -u`",
    "SEL-BOOL": "sos keeps the booleans as `sestatus -b` and `semanage boolean -l`, not "
                "the selinuxfs files or `getsebool -a` gotriage reads",
    "FW-CONFIG": "firewalld's own zones and services (/usr/lib/firewalld) are not in a "
                 "sosreport: a zone the configuration names cannot be told from a missing one",
    "FW-LISTEN": "needs which programs are Go and their sockets' owners: sos keeps "
                 "`ss -peaonmi`, not the listening sockets gotriage reads, nor the programs",
    "FW-PORT": "judges the ports the Go programs listen on, which a sosreport cannot tell "
               "(FW-LISTEN)",
    "FW-DOCKER": "needs the containers' published ports and nft's JSON ruleset; sos keeps "
                 "`nft -a list ruleset` as text",
}


# What a layer or a check needs in the report, any of these paths: without it (a Debian
# sos has no selinux or firewalld plugin; auditd's may not have run) it is not examined.
REQUIRES = {
    "system": (("sos_commands/kernel", "sos_commands/release"),
               "sos's kernel and release plugins did not run"),
    "selinux": (("sos_commands/selinux",), "sos's selinux plugin did not run"),
    "firewall": (("sos_commands/firewalld",), "sos's firewalld plugin did not run"),
    "SEL-PERMISSIVE": (("var/lib/selinux",), "the report has no copy of /var/lib/selinux "
                       "(the policy store's modules)"),
    "SEL-AVC": (("var/log/audit",), "the report has no /var/log/audit (sos's auditd "
                "plugin did not run)"),
}

# Files a sosreport does not copy whose contents a command it ran gives: the host path,
# the table row's sos command, and the pure function of its output.
DERIVED_FILES = {
    "/sys/fs/selinux/enforce": ("sestatus", "selinux", sos_commands.sestatus_enforce),
}


def is_sosreport_dir(path):
    """Whether `path` is a sosreport directory: sos_commands/ and one of sos's records."""
    return (os.path.isdir(os.path.join(path, "sos_commands"))
            and any(os.path.exists(os.path.join(path, name)) for name in LAYOUT[1:]))


def find_report_dir(directory):
    """The sosreport in `directory` (itself, or its one top-level directory), or None."""
    if is_sosreport_dir(directory):
        return directory
    entries = [e for e in os.listdir(directory) if os.path.isdir(os.path.join(directory, e))]
    if len(entries) == 1 and is_sosreport_dir(os.path.join(directory, entries[0])):
        return os.path.join(directory, entries[0])
    return None


def layout_seen(tally):
    """Whether an archive's scan saw a sosreport's layout (Tally.seen, with LAYOUT
    watched): sos_commands and another of sos's names, at the top or one level down."""
    for depth in (0, 1):
        names = {name for d, name in tally.seen if d == depth}
        if "sos_commands" in names and names & set(LAYOUT[1:]):
            return True
    return False


class SosreportHost(Host):
    """The host a sosreport was made on, as far as the report tells (module docstring).
    Its kind is "snapshot": everything gotriage does with a recorded host applies."""

    kind = "snapshot"
    sosreport = True

    def __init__(self, directory, origin, links=None, cleanup=None):
        Host.__init__(self)
        self.directory = directory
        self.origin = origin
        self._root = fs_path(os.path.realpath(directory))
        self._links = links  # None: a directory (read its links); a dict: an archive's
        self._cleanup = cleanup
        self.manifest = self._load_manifest()
        self.sos_version = self._sos_version()
        self.not_examined = dict(NOT_EXAMINED)
        for name, (paths, why) in REQUIRES.items():
            if name not in self.not_examined and not any(
                    self._resolve(p, True) is not None and os.path.exists(self._resolve(p, True))
                    for p in paths):
                self.not_examined[name] = "%s (no %s in it)" % (why, " nor ".join(paths))
        self.description = "sosreport (sos %s) of %s, %s" % (
            self.sos_version or "version unknown", self.hostname(), self._date() or "date unknown")

    # -- the report's own records ----------------------------------------------------------
    def _local_text(self, rel):
        local = self._resolve(rel, True)
        if local is None or not os.path.isfile(local):
            return None
        with open(local, "rb") as f:
            return f.read(DEFAULT_MAX_READ).decode("utf-8", "replace")

    def _load_manifest(self):
        text = self._local_text("sos_reports/manifest.json")
        try:
            manifest = json.loads(text) if text else {}
        except ValueError:
            manifest = {}
        return manifest if isinstance(manifest, dict) else {}

    def _sos_version(self):
        version = self.manifest.get("version")
        if isinstance(version, str) and version:
            return version
        for line in (self._local_text("version.txt") or "").splitlines():
            key, _, value = line.partition(":")
            if key.strip() in ("sosreport", "sos") and value.strip():
                return value.strip()
        return None

    def _date(self):
        start = self.manifest.get("start_time")
        if isinstance(start, str) and start:
            return start.split(".")[0]
        text = (self._local_text("sos_commands/date/date") or "").strip()
        return text.splitlines()[0] if text else None

    def _manifest_commands(self):
        """exec line -> (filepath, return code) of sos 4's manifest."""
        found = {}
        plugins = ((self.manifest.get("components") or {}).get("report") or {}).get("plugins")
        for plugin in (plugins or {}).values():
            for entry in (plugin or {}).get("commands") or ():
                if isinstance(entry, dict) and isinstance(entry.get("filepath"), str):
                    found[entry.get("exec")] = (entry["filepath"], entry.get("return_code"))
        return found

    # -- paths inside the report -----------------------------------------------------------
    def _link_of(self, parts):
        """The target of the report's link at `parts` (a tuple of bytes), or None."""
        if self._links is not None:
            return self._links.get(parts)
        local = os.path.join(self._root, *parts) if parts else self._root
        try:
            if _stat.S_ISLNK(os.lstat(local).st_mode):
                return os.readlink(local)
        except OSError:
            return None
        return None

    def _resolve(self, path, follow_last):
        """The local path (bytes) holding host path `path`, its links resolved inside the
        report; None when it leaves the report or loops."""
        pending = [p for p in fs_path(path).split(b"/") if p not in (b"", b".")]
        done = []
        hops = 0
        while pending:
            part = pending.pop(0)
            if part == b"..":
                if done:
                    done.pop()
                continue
            candidate = tuple(done + [part])
            target = self._link_of(candidate) if (pending or follow_last) else None
            if target is None:
                done.append(part)
                continue
            hops += 1
            if hops > MAX_LINKS:
                return None
            if target.startswith(b"/"):
                done = []
            pending[:0] = [p for p in target.split(b"/") if p not in (b"", b".")]
        local = os.path.join(self._root, *done) if done else self._root
        # a directory's own links were resolved above; anything else (a link in the report
        # this walk did not see) must not lead out
        real = os.path.realpath(local if follow_last else os.path.dirname(local))
        if real != self._root and not real.startswith(self._root + b"/"):
            return None
        return local

    def _missing(self, path, op):
        err = HostError("ENOENT", path, op, "not in the sosreport")
        err.unrecorded = True  # sos copies what its plugins name: absent is not missing
        return err

    # -- primitives ----------------------------------------------------------------------
    def _derived(self, path):
        """The contents of a file the report does not hold but a command's output gives
        (DERIVED_FILES), or None."""
        entry = DERIVED_FILES.get(posixpath.normpath("/" + path.lstrip("/")))
        if entry is None:
            return None
        text = self._local_text("sos_commands/%s/%s" % (
            entry[1], sos_commands.mangle_command(entry[0])))
        value = entry[2](text) if text is not None else None
        return value.encode("utf-8") if value is not None else None

    def read(self, path, max_bytes=DEFAULT_MAX_READ, redact=None):
        local = self._resolve(path, True)
        if local is not None and os.path.isfile(local):
            with open(local, "rb") as f:
                return f.read(max_bytes)
        derived = self._derived(path)
        if derived is not None:
            return derived[:max_bytes]
        if local is not None and os.path.isdir(local):
            raise HostError("EISDIR", path, "read")
        raise self._missing(path, "read")

    def read_range(self, path, offset, length, redact=None):
        local = self._resolve(path, True)
        if local is not None and os.path.isfile(local):
            with open(local, "rb") as f:
                f.seek(offset)
                return f.read(length)
        raise self._missing(path, "read")

    def _stat(self, path, op):
        local = self._resolve(path, op == "stat")
        if local is None or not os.path.lexists(local):
            derived = self._derived(path)
            if derived is not None:
                return StatResult(_stat.S_IFREG | 0o644, 0, 0, len(derived))
        if local is None:
            raise self._missing(path, op)
        parts = tuple(p for p in fs_path(posixpath.normpath("/" + path)).split(b"/") if p)
        if op == "lstat" and self._links is not None and parts in self._links:
            return StatResult(_stat.S_IFLNK | 0o777)
        try:
            st = os.lstat(local)
        except OSError:
            raise self._missing(path, op) from None
        if _stat.S_ISLNK(st.st_mode):  # a directory's link that could not be resolved
            if op == "lstat":
                return StatResult(_stat.S_IFLNK | 0o777)
            raise self._missing(path, op)
        # sos keeps modes and owners (tar does; an unpacking as root keeps them too)
        return StatResult(st.st_mode, st.st_uid, st.st_gid, st.st_size, st.st_mtime)

    def stat(self, path):
        return self._stat(path, "stat")

    def lstat(self, path):
        return self._stat(path, "lstat")

    def listdir(self, path):
        local = self._resolve(path, True)
        if local is not None and os.path.isdir(local):
            names = set(fs_text(n) for n in os.listdir(local))
            if self._links is not None:  # an archive's links are entries too
                prefix = tuple(p for p in fs_path(os.path.relpath(local, self._root)).split(b"/")
                               if p not in (b"", b"."))
                names.update(fs_text(k[-1]) for k in self._links if k[:-1] == prefix)
            return sorted(names)
        raise self._missing(path, "listdir")

    def readlink(self, path):
        parts = tuple(p for p in fs_path(posixpath.normpath("/" + path)).split(b"/") if p)
        parent = self._resolve(fs_text(b"/".join(parts[:-1])), True) if parts else None
        if parent is not None:
            rel = os.path.relpath(parent, self._root)
            key = tuple(p for p in rel.split(b"/") if p not in (b"", b".")) + parts[-1:]
            target = self._link_of(key)
            if target is not None:
                return fs_text(target)
        raise HostError("EINVAL", path, "readlink")

    def realpath(self, path):
        local = self._resolve(path, True)
        if local is None:
            return posixpath.normpath(path)
        rel = fs_text(os.path.relpath(local, self._root))
        return "/" if rel == "." else "/" + rel

    def getxattr(self, path, name):
        raise HostError("ENODATA", path, "getxattr")  # tar keeps no SELinux labels here

    def run(self, argv, env=None, cwd="/", timeout=DEFAULT_TIMEOUT, input=None):
        row = sos_commands.lookup(argv) if input is None else None
        result = None
        if row is not None:
            result = self._answer(argv, env, cwd, row)
        if result is None:
            result = CommandResult(argv, env, cwd, error="not-recorded",
                                   stderr=b"not recorded in the sosreport")
        result.stdin_sha256 = stdin_digest(input)
        return result

    def _answer(self, argv, env, cwd, row):
        filepath, code = self._manifest_commands().get(row[1], (None, None))
        text = self._local_text(filepath or sos_commands.output_path(row))
        if text is None:
            return None
        if row[3] != sos_commands.SAME:
            text = row[3](text)
            if text is None:  # sos's output does not answer it (an error, another format)
                return None
        # sos 3.x records no exit code: what it kept is taken as an answer
        code = code if isinstance(code, int) else 0
        data = text.encode("utf-8")
        # sos keeps stdout and stderr together: a failure's text is also its stderr
        return CommandResult(argv, env, cwd, code, data, data if code else b"")

    def connect(self, address, port, timeout=5.0):
        return self.run(["tcp-connect", address, str(port)])

    def identity(self):
        return Identity("root", 0, 0, (0,), "/root", "/bin/bash")  # sos runs as root

    def environ(self):
        return {}  # sos's own environment says nothing of anyone's (toolchain: NOT_EXAMINED)

    def hostname(self):
        text = (self._local_text("hostname") or self._local_text("sos_commands/host/hostname")
                or self._local_text("etc/hostname") or "").strip()
        return text.splitlines()[0] if text else "unknown"

    def close(self):
        if self._cleanup:
            import shutil

            shutil.rmtree(self._cleanup, ignore_errors=True)
            self._cleanup = None


def unpack_sosreport(f, path, limits, tally, links):
    """A SosreportHost for the sosreport archive open as `f`, which scan_archive has
    checked whole against `limits` (its Tally, and its links kept in `links`): unpacked
    into a private temporary directory that close() removes, its links never written.
    A refusal is an ArchiveError (snapshot.open_snapshot makes it a SnapshotError)."""
    import shutil
    import tempfile

    from gotriage.host.archive import ArchiveError, check_room, unpack_archive

    check_room(tempfile.gettempdir(), tally, path)
    try:
        target = tempfile.mkdtemp(prefix="gotriage-sosreport-")
    except OSError as exc:
        raise ArchiveError("%s: cannot make a temporary directory in %s: %s" % (
            path, tempfile.gettempdir(), exc.strerror or exc)) from None
    try:
        f.seek(0)
        unpack_archive(f, path, limits, target, links={})
        report = find_report_dir(target)
        if report is None:
            raise ArchiveError("%s: not a sosreport (no sos_commands/ with sos_logs/, "
                                "sos_reports/ or version.txt at its top)" % path)
        prefix = tuple(p for p in fs_path(os.path.relpath(report, target)).split(b"/")
                       if p not in (b"", b"."))
        inside = {k[len(prefix):]: v for k, v in links.items()
                  if k[:len(prefix)] == prefix and len(k) > len(prefix)}
        return SosreportHost(report, path, inside, cleanup=target)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
