"""`strace -f -s 256 -o FILE` output -> what happened when a program was started.

Sample (a Go binary built with -ldflags=-I/lib/ld-musl-x86_64.so.1, run as nobody through
setpriv, strace 6.1)::

    4242 execve("/usr/bin/setpriv", ["setpriv", "--reuid", "65534", ...], 0x7ffc... /* 3 vars */) = 0
    ...
    4242 execve("/srv/app/app", ["/srv/app/app", "-addr", ":8080"], 0x7ffe... /* 3 vars */) = -1 ENOENT (No such file or directory)
    4242 write(2, "setpriv: failed to execute /srv/app/app"..., 40) = 40
    4242 exit_group(127)                   = ?
    4242 +++ exited with 127 +++

A library the loader cannot find::

    4243 openat(AT_FDCWD, "/lib/x86_64-linux-gnu/libgone.so.1", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory)
    4243 writev(2, [{iov_base="/srv/app/app", iov_len=12}, {iov_base=": ", iov_len=2}, {iov_base="error while loading shared libraries", iov_len=36}, ...], 10) = 111

Pure: text in, a StraceAnalysis out.
"""

import re

_LINE = re.compile(r"^(?:(?P<pid>\d+)\s+|\[pid\s+(?P<pid2>\d+)\]\s+)?(?P<rest>.*)$")
_CALL = re.compile(r"^(?P<name>[a-z_0-9]+)\((?P<args>.*)$")
_RESUMED = re.compile(r"^<\.\.\. (?P<name>[a-z_0-9]+) resumed>(?P<args>.*)$")
_RESULT = re.compile(r"\)\s+=\s+(?P<ret>-?\d+|\?|0x[0-9a-f]+)(?:\s+(?P<errno>E[A-Z0-9_]+)\s+\((?P<desc>[^)]*)\))?")
_EXITED = re.compile(r"^\+\+\+ exited with (?P<status>\d+) \+\+\+")
_KILLED = re.compile(r"^\+\+\+ killed by (?P<signal>SIG[A-Z0-9]+)(?P<core> \(core dumped\))? \+\+\+")
_SIGNAL = re.compile(r"^--- (?P<signal>SIG[A-Z0-9]+) ")
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_LOADER = re.compile(r"error while loading shared libraries: ?(?P<lib>[^:\s]+): (?P<error>[^\n\"]+)")

# Errors that say nothing about why a program fails (retries, timeouts, interrupted calls).
UNINFORMATIVE = {"EAGAIN", "EINTR", "ETIMEDOUT", "ERESTARTSYS", "ERESTARTNOINTR",
                 "ERESTARTNOHAND", "ERESTART_RESTARTBLOCK", "ECHILD", "EINPROGRESS"}


class Syscall(object):
    __slots__ = ("pid", "name", "args", "ret", "errno", "desc", "line")

    def __init__(self, pid, name, args, ret, errno, desc, line):
        self.pid, self.name, self.args, self.ret = pid, name, args, ret
        self.errno, self.desc, self.line = errno, desc, line

    def first_string(self):
        m = _STRING.search(self.args)
        return _unescape(m.group(1)) if m else None

    def describe(self):
        return self.line.strip()

    def summary(self):
        """A short form: `bind(port 80) = -1 EACCES (Permission denied)`."""
        port = re.search(r"htons\((\d+)\)", self.args)
        what = self.first_string()
        inner = "port %s" % port.group(1) if port else ('"%s"' % what if what else "...")
        result = "-1 %s (%s)" % (self.errno, self.desc) if self.errno else self.ret
        return "%s(%s) = %s" % (self.name, inner, result)


class StraceAnalysis(object):
    def __init__(self):
        self.calls = []
        self.execs = []  # execve/execveat calls
        self.exec_errno = None  # errno of the program's execve, None when it succeeded
        self.exec_call = None
        self.missing_library = None
        self.library_opens = []  # failed opens of what the loader looked for
        self.exit_status = None  # of the main process
        self.signal = None
        self.failures = []  # informative failed calls, in order
        self.pids = set()
        self.excerpt = []

    @property
    def last_failure(self):
        return self.failures[-1].summary() if self.failures else None


def _unescape(text):
    try:
        return bytes(text, "utf-8").decode("unicode_escape")
    except (UnicodeDecodeError, ValueError):
        return text


def parse_strace(text, program=None, stderr=""):
    """Analyse strace output; `program` is the path the service executes (to tell its
    execve from setpriv's), `stderr` what the program wrote (the loader's message)."""
    a = StraceAnalysis()
    main_pid = None
    pending = {}
    for raw in (text or "").splitlines():
        m = _LINE.match(raw)
        pid = int(m.group("pid") or m.group("pid2") or 0)
        rest = m.group("rest")
        if pid:
            a.pids.add(pid)
        if main_pid is None and pid:
            main_pid = pid
        e = _EXITED.match(rest)
        if e:
            if pid == main_pid or main_pid is None:
                a.exit_status = int(e.group("status"))
            continue
        k = _KILLED.match(rest)
        if k:
            if pid == main_pid or main_pid is None:
                a.signal = k.group("signal") + (" (core dumped)" if k.group("core") else "")
            continue
        if _SIGNAL.match(rest):
            continue
        if rest.endswith("<unfinished ...>"):
            c = _CALL.match(rest)
            if c:
                pending[pid] = (c.group("name"), c.group("args"))
            continue
        r = _RESUMED.match(rest)
        if r:
            name, before = pending.pop(pid, (r.group("name"), ""))
            rest = "%s(%s%s" % (name, before.replace("<unfinished ...>", ""), r.group("args"))
        c = _CALL.match(rest)
        if not c:
            continue
        res = _RESULT.search(rest)
        call = Syscall(pid, c.group("name"), c.group("args"), res.group("ret") if res else None,
                       res.group("errno") if res else None, res.group("desc") if res else None, raw)
        a.calls.append(call)
        if call.name in ("execve", "execveat"):
            a.execs.append(call)
        if call.errno and call.errno not in UNINFORMATIVE:
            if call.name in ("open", "openat") and ".so" in (call.first_string() or ""):
                a.library_opens.append(call)
            else:
                a.failures.append(call)
        if call.name in ("write", "writev") and call.args.startswith(("2,", "2 ,")):
            joined = "".join(_unescape(s) for s in _STRING.findall(call.args))
            lm = _LOADER.search(joined)
            if lm:
                a.missing_library = lm.group("lib")
    target = None
    for call in a.execs:
        if program and call.first_string() == program:
            target = call
    if target is None and a.execs:
        target = a.execs[-1]
    if target is not None:
        a.exec_call = target
        a.exec_errno = target.errno
    lm = _LOADER.search(stderr or "")
    if lm and not a.missing_library:
        a.missing_library = lm.group("lib")
    excerpt = []
    if target is not None:
        excerpt.append(target.describe())
    excerpt.extend(c.describe() for c in a.library_opens[-3:])
    excerpt.extend(c.describe() for c in a.failures[-4:])
    if a.exit_status is not None:
        excerpt.append("+++ exited with %d +++" % a.exit_status)
    if a.signal:
        excerpt.append("+++ killed by %s +++" % a.signal)
    seen = set()
    a.excerpt = []
    for line in excerpt:
        if line not in seen:
            seen.add(line)
            a.excerpt.append(line[:300])
    return a
