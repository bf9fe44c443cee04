"""The one door to a machine.

Every check reads the host through a `Host`: the live machine (read-only, every command
bounded by a timeout), a snapshot directory or archive recorded elsewhere, or a recorder
that wraps the live host and writes what it was asked into a snapshot.  A check never
opens a file or starts a process itself, which is what makes `check --root SNAPSHOT`
give the same answer as `check` on the host the snapshot came from.

Operations and their results are plain data so that they can be recorded:

  read(path)      -> bytes                  (HostError on failure)
  read_range(path, offset, length) -> bytes  (part of a large file)
  stat(path)      -> StatResult             (follows symlinks)
  lstat(path)     -> StatResult
  listdir(path)   -> sorted list of names
  readlink(path)  -> str
  realpath(path)  -> str                    (never fails: like os.path.realpath)
  getxattr(path, name) -> bytes
  run(argv, env=None, cwd="/", timeout=..., input=None) -> CommandResult   (never raises;
                  `input`: bytes given on the command's stdin, else it reads /dev/null;
                  a bare argv[0] such as "firewall-cmd" is the system's tool: TOOL_DIRS)
  identity()      -> Identity of the user gotriage runs as
  environ()       -> the environment gotriage was started with

A run has a deadline (set_deadline, `--deadline`, gotriage.deadline.DEFAULT_DEADLINE seconds by default):
each command is bounded by its own timeout and by the time left before the deadline, and
a command asked for after it is not started (its CommandResult's error is 'deadline').
A snapshot replays recorded results, which the deadline does not bound.
"""

import errno as _errno
import posixpath
import stat as _stat
import time

from gotriage.i18n import _, ngettext

DEFAULT_TIMEOUT = 10.0
# Probes that answer at once or not at all (systemctl --version, uname, getconf): this long
# at most, and never more than --timeout.
QUICK_TIMEOUT = 5.0
DEFAULT_MAX_READ = 16 * 1024 * 1024

# Where a tool that gotriage names without a path (firewall-cmd, systemctl, rpm, sh...)
# is run from: the distribution's own directories, in this order.  gotriage runs as root,
# so the caller's PATH is never searched then (a directory on it that someone else can
# write would run their program as root); another user's run falls back to the absolute
# entries of PATH for a tool that is nowhere here.  /usr/local is not searched: what it
# holds is not the system's tool.  A command named by its absolute path (the go under
# test, found on a context's PATH on purpose) runs as named.
TOOL_DIRS = ("/usr/sbin", "/usr/bin", "/sbin", "/bin")


def tool_candidates(name, euid, path_value=None):
    """The paths where the tool `name` (no slash) is looked for, in order: TOOL_DIRS,
    then, for a user other than root, the absolute entries of `path_value`."""
    found = [posixpath.join(d, name) for d in TOOL_DIRS]
    if euid != 0:
        for entry in (path_value or "").split(":"):
            if entry.startswith("/") and entry.rstrip("/") not in TOOL_DIRS:
                candidate = posixpath.join(entry, name)
                if candidate not in found:
                    found.append(candidate)
    return found


class HostError(Exception):
    """A file operation failed; `code` is an errno name such as ENOENT or EACCES."""

    def __init__(self, code, path, op="read", message=None):
        self.code = code
        self.path = path
        self.op = op
        self.message = message or _describe_errno(code)
        # a snapshot that says nothing about the path (it was not recorded): not known to
        # be missing on the host it came from
        self.unrecorded = False
        Exception.__init__(self, "%s: %s" % (path, self.message))

    @property
    def missing(self):
        return self.code in ("ENOENT", "ENOTDIR")

    @property
    def denied(self):
        return self.code in ("EACCES", "EPERM")


def _describe_errno(code):
    number = getattr(_errno, code, None)
    if number is None:
        return code
    import os

    return os.strerror(number)


def fs_path(path):
    """A path as the bytes the kernel gets: UTF-8, with surrogate escapes (PEP 383) turned
    back into the bytes they stand for.  Never the locale's encoding: Python 3.6 under
    LANG=C encodes a str path as ASCII and raises UnicodeEncodeError (not OSError) on
    "/opt/caf\u00e9", and gotriage reads paths out of files as UTF-8."""
    if isinstance(path, bytes):
        return path
    return path.encode("utf-8", "surrogateescape")


def fs_text(raw):
    """A file name or value from the kernel as text: UTF-8, undecodable bytes kept as
    surrogate escapes (fs_path gives them back)."""
    return raw.decode("utf-8", "surrogateescape") if isinstance(raw, bytes) else raw


def errno_name(exc):
    """The errno name of an OSError (ENOENT, EACCES...), or EIO when there is none."""
    if getattr(exc, "errno", None) in _errno.errorcode:
        return _errno.errorcode[exc.errno]
    return "EIO"


class StatResult(object):
    __slots__ = ("mode", "uid", "gid", "size", "mtime")

    def __init__(self, mode, uid=0, gid=0, size=0, mtime=0.0):
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.size = size
        self.mtime = mtime

    @classmethod
    def from_os(cls, st):
        return cls(st.st_mode, st.st_uid, st.st_gid, st.st_size, st.st_mtime)

    @classmethod
    def from_dict(cls, d):
        return cls(d["mode"], d.get("uid", 0), d.get("gid", 0), d.get("size", 0), d.get("mtime", 0.0))

    def to_dict(self):
        return {"mode": self.mode, "uid": self.uid, "gid": self.gid, "size": self.size,
                "mtime": self.mtime}

    @property
    def is_dir(self):
        return _stat.S_ISDIR(self.mode)

    @property
    def is_file(self):
        return _stat.S_ISREG(self.mode)

    @property
    def is_link(self):
        return _stat.S_ISLNK(self.mode)

    @property
    def perms(self):
        return _stat.S_IMODE(self.mode)

    def permits(self, identity, want):
        """Whether `identity` may `want` ('r', 'w' or 'x') by the mode bits.

        root may read and write anything and execute anything with an x bit, as the kernel
        decides (ACLs and SELinux are not modelled here).
        """
        bit = {"r": 4, "w": 2, "x": 1}[want]
        if identity.uid == 0:
            return want != "x" or bool(self.perms & 0o111) or self.is_dir
        if identity.uid == self.uid:
            return bool(self.perms & (bit << 6))
        if self.gid in identity.gids:
            return bool(self.perms & (bit << 3))
        return bool(self.perms & bit)


class Identity(object):
    """Who a command runs as (user, uid, gid, groups, home)."""

    __slots__ = ("user", "uid", "gid", "gids", "home", "shell")

    def __init__(self, user, uid, gid, gids=(), home=None, shell=None):
        self.user = user
        self.uid = uid
        self.gid = gid
        self.gids = sorted(set(gids) | {gid})
        self.home = home
        self.shell = shell

    def to_dict(self):
        return {"user": self.user, "uid": self.uid, "gid": self.gid, "gids": self.gids,
                "home": self.home, "shell": self.shell}

    @classmethod
    def from_dict(cls, d):
        return cls(d.get("user"), d.get("uid", 0), d.get("gid", 0), d.get("gids", ()),
                   d.get("home"), d.get("shell"))


def stdin_digest(data):
    """The hex SHA-256 of bytes given to a command on stdin (None for no input): how a
    snapshot records and finds such a command without storing its input."""
    if data is None:
        return None
    import hashlib

    return hashlib.sha256(data).hexdigest()


def http_get_argv(url, proxy=None):
    """The pseudo-command of Host.http_get (a proxy's user:password@ left out)."""
    argv = ["http-get", url]
    if proxy:
        scheme, sep, rest = proxy.rpartition("://")
        argv += ["--proxy", scheme + sep + rest.rsplit("@", 1)[-1]]
    return argv


class CommandResult(object):
    """What a command did.  `error` is set when it did not run to an exit code:
    'not-found' (no such executable), 'denied', 'timeout' (killed at its timeout, or at
    the run's deadline), 'deadline' (not started: the run's deadline had passed),
    'not-recorded' (a snapshot holds no output for it) or 'failed' (any other reason, in
    `stderr`).  `argv` is the command as asked (a tool by its bare name); `executable` is
    the file the live host ran for it."""

    __slots__ = ("argv", "env", "cwd", "returncode", "stdout", "stderr", "duration", "error",
                 "context_label", "stdin_sha256", "executable")

    def __init__(self, argv, env=None, cwd="/", returncode=None, stdout=b"", stderr=b"",
                 duration=0.0, error=None):
        self.argv = list(argv)
        self.env = env
        self.cwd = cwd
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.duration = duration
        self.error = error
        self.context_label = None
        self.stdin_sha256 = None  # hex SHA-256 of the bytes given on stdin, if any
        self.executable = None

    @property
    def ok(self):
        return self.error is None and self.returncode == 0

    @property
    def timed_out(self):
        """It gave no answer in time: killed at its timeout or the run's deadline, or not
        started at all because the deadline had passed."""
        return self.error in ("timeout", "deadline")

    def hang_text(self):
        """How it did not answer, for a finding: 'did not answer in 10 s' or 'was not
        started: the run's deadline had passed'."""
        if self.error == "deadline":
            return "was not started: the run's deadline (--deadline) had passed"
        seconds = self.duration or 0.0
        return "did not answer in %s s" % ("%.0f" % seconds if seconds >= 1 else "%.1f" % seconds)

    @property
    def text(self):
        return self.stdout.decode("utf-8", "replace")

    @property
    def errtext(self):
        return self.stderr.decode("utf-8", "replace")

    def excerpt(self, max_lines=8):
        """A short view of the output for evidence: stderr first, it says why."""
        if self.error and self.error != "failed":
            if self.error == "timeout":
                return _("(timed out after %(seconds).1f s, killed)") % {"seconds": self.duration}
            return {"not-found": _("(no such executable)"), "denied": _("(permission denied)"),
                    "deadline": _("(not started: the run's deadline had passed)"),
                    "not-recorded": _("(not recorded in the snapshot)")}.get(self.error, self.error)
        lines = (self.errtext.strip() + "\n" + self.text.strip()).strip().splitlines()
        if len(lines) > max_lines:
            more = len(lines) - max_lines
            lines = lines[:max_lines] + [ngettext("... (%(n)d more line)", "... (%(n)d more lines)",
                                                  more) % {"n": more}]
        return "\n".join(lines)


class Host(object):
    """Base class: path helpers built on the primitive operations."""

    kind = "abstract"
    description = ""

    def __init__(self):
        # (op, path, message) of everything that could not be read for lack of permission,
        # so the report can say what a non-root run could not see.
        self.denied = []
        self.deadline = None  # seconds the run may take (set_deadline), None: unbounded
        self._deadline_at = None  # time.monotonic() when it passes

    # -- primitives, implemented by subclasses ---------------------------------------------
    def read(self, path, max_bytes=DEFAULT_MAX_READ, redact=None):
        """The file's first `max_bytes`.  `redact` ("text", "none": inputs.spec.REDACT)
        says how `collect` stores them; the other hosts ignore it."""
        raise NotImplementedError

    def read_range(self, path, offset, length, redact=None):
        """Up to `length` bytes of the file from `offset` (fewer at its end): how large
        files (ELF binaries, audit logs) are read without loading them whole."""
        raise NotImplementedError

    def stat(self, path):
        raise NotImplementedError

    def lstat(self, path):
        raise NotImplementedError

    def listdir(self, path):
        raise NotImplementedError

    def readlink(self, path):
        raise NotImplementedError

    def realpath(self, path):
        raise NotImplementedError

    def getxattr(self, path, name):
        raise NotImplementedError

    def run(self, argv, env=None, cwd="/", timeout=DEFAULT_TIMEOUT, input=None):
        """Run `argv` and return its CommandResult.  `input` (bytes) is written to its
        stdin, which otherwise reads nothing (/dev/null).  A bare argv[0] is looked for in
        TOOL_DIRS only (tool_candidates); the run's deadline bounds `timeout`."""
        raise NotImplementedError

    def connect(self, address, port, timeout=5.0):
        """Open and close a TCP connection (only for the --network opt-in).  Returns a
        CommandResult whose argv is the pseudo-command ["tcp-connect", address, port], so
        that snapshots record and replay it like any command."""
        raise NotImplementedError

    def http_get(self, url, proxy=None, timeout=5.0):
        """GET `url`, through the HTTP proxy `proxy` when given (only for the --network
        opt-in: the checksum database's route).  A CommandResult whose argv is the
        pseudo-command ["http-get", url] (+ ["--proxy", proxy without credentials]): stdout
        is the status line ("200 OK") and the start of the body, stderr why no answer came.
        A snapshot replays it like any command (this default); the live host asks."""
        return self.run(http_get_argv(url, proxy))

    def identity(self):
        raise NotImplementedError

    def environ(self):
        raise NotImplementedError

    def hostname(self):
        raise NotImplementedError

    # -- the run's deadline ------------------------------------------------------------------
    def set_deadline(self, seconds):
        """Give the run `seconds` from now (None or 0: no deadline).  A command asked for
        after that is not started; one started before gets at most the time left."""
        if seconds:
            self.deadline = float(seconds)
            self._deadline_at = time.monotonic() + self.deadline
        else:
            self.deadline = self._deadline_at = None

    def time_left(self, timeout):
        """The timeout a command started now gets: `timeout`, cut to the time left before
        the deadline; None when the deadline has passed."""
        if self._deadline_at is None:
            return timeout
        left = self._deadline_at - time.monotonic()
        if left <= 0:
            return None
        return min(timeout, left) if timeout else left

    def past_deadline(self, argv, env=None, cwd="/", input=None):
        """The CommandResult of a command not started because the deadline had passed."""
        result = CommandResult(argv, env, cwd, None, b"", (
            "not started: the run's deadline of %g s had passed (--deadline)" % self.deadline
        ).encode(), 0.0, "deadline")
        result.stdin_sha256 = stdin_digest(input)
        return result

    # -- helpers -----------------------------------------------------------------------------
    def _note_denied(self, err):
        if isinstance(err, HostError) and err.denied:
            entry = (err.op, err.path, err.message)
            if entry not in self.denied:
                self.denied.append(entry)

    def read_text(self, path, max_bytes=DEFAULT_MAX_READ):
        """The file as text (UTF-8, undecodable bytes replaced), or None when it cannot be read."""
        try:
            return self.read(path, max_bytes).decode("utf-8", "replace")
        except HostError as err:
            self._note_denied(err)
            return None

    def try_stat(self, path):
        try:
            return self.stat(path)
        except HostError as err:
            self._note_denied(err)
            return None

    def try_lstat(self, path):
        try:
            return self.lstat(path)
        except HostError as err:
            self._note_denied(err)
            return None

    def try_listdir(self, path):
        try:
            return self.listdir(path)
        except HostError as err:
            self._note_denied(err)
            return []

    def exists(self, path):
        return self.try_stat(path) is not None

    def is_dir(self, path):
        st = self.try_stat(path)
        return st is not None and st.is_dir

    def is_file(self, path):
        st = self.try_stat(path)
        return st is not None and st.is_file

    def glob(self, directory, predicate=None):
        """Absolute paths of the entries of `directory` whose names satisfy `predicate`."""
        return [posixpath.join(directory, name) for name in self.try_listdir(directory)
                if predicate is None or predicate(name)]

    def which(self, name, path_value):
        """Where `name` resolves on a PATH string, as execvp would: the first executable
        regular file.  Returns (path, skipped) where skipped lists entries that exist
        but are not executable."""
        skipped = []
        for entry in (path_value or "").split(":"):
            # An empty PATH entry means the current directory; a service's cwd is /.
            directory = entry or "."
            if not directory.startswith("/"):
                continue
            candidate = posixpath.join(directory, name)
            st = self.try_stat(candidate)
            if st is None:
                continue
            if st.is_file and st.perms & 0o111:
                return candidate, skipped
            skipped.append(candidate)
        return None, skipped

    def close(self):
        pass
