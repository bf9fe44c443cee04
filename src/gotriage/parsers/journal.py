"""`journalctl -u UNIT --no-pager -o short-iso` text (or any saved journal excerpt) ->
the events that explain why a service failed.

Sample (EL9, systemd 252, a binary moved from a home directory):

>>> journal = parse_journal('''2025-03-02T10:14:07+0100 web1 systemd[1]: Started app.service - Example Go API.
... 2025-03-02T10:14:07+0100 web1 (app)[2211]: app.service: Failed to locate executable /usr/local/bin/app: Permission denied
... 2025-03-02T10:14:07+0100 web1 (app)[2211]: app.service: Failed at step EXEC spawning /usr/local/bin/app: Permission denied
... 2025-03-02T10:14:07+0100 web1 systemd[1]: app.service: Main process exited, code=exited, status=203/EXEC
... 2025-03-02T10:14:07+0100 web1 systemd[1]: app.service: Failed with result 'exit-code'.
... ''')
>>> [(e.line, e.kind) for e in journal.events]
[(2, 'locate'), (3, 'step'), (4, 'exit'), (5, 'result')]
>>> step, exited = journal.first("step"), journal.first("exit")
>>> step.get("step"), step.get("path"), step.get("error"), exited.get("status"), exited.get("name")
('EXEC', '/usr/local/bin/app', 'Permission denied', 203, 'EXEC')

EL7 (systemd 219) says the same things differently:

>>> journal = parse_journal('''Mar 02 10:14:07 web1 systemd[2211]: Failed at step EXEC spawning /usr/local/bin/app: Permission denied
... Mar 02 10:14:07 web1 systemd[1]: app.service: main process exited, code=exited, status=203/EXEC
... ''')
>>> [(e.kind, e.get("status") or e.get("step")) for e in journal.events]
[('step', 'EXEC'), ('exit', 203)]

And what a Go program itself prints before it dies:

>>> journal = parse_journal('''2025-03-02T11:00:00+0100 web1 crashy[2401]: panic: runtime error: invalid memory address or nil pointer dereference
... 2025-03-02T11:00:00+0100 web1 crashy[2401]: goroutine 1 [running]:
... 2025-03-02T11:20:00+0100 web1 web[2501]: 2025/03/02 11:20:00 listen tcp :80: bind: permission denied
... ''')
>>> journal.first("panic").get("message"), journal.first("goroutine").get("state"), journal.first("bind").get("port")
('runtime error: invalid memory address or nil pointer dereference', 'running', 80)

A crash's trace, as journalctl 252 printed what a Go 1.27 program wrote to the real
journald (which drops the empty lines; journalctl shows a tab as 8 spaces, a journald
before systemd/systemd#1937 strips the indentation): the first frame of the crashing
goroutine outside the runtime (tests/data/go-crashes has the recordings).

>>> journal = parse_journal('''2026-12-07T06:39:18+0000 vm mapwrites[25859]: fatal error: concurrent map writes
... 2026-12-07T06:39:18+0000 vm mapwrites[25859]: goroutine 20 [running]:
... 2026-12-07T06:39:18+0000 vm mapwrites[25859]: internal/runtime/maps.fatal({0x4807f0?, 0x0?})
... 2026-12-07T06:39:18+0000 vm mapwrites[25859]:         /usr/local/go/src/runtime/panic.go:1195 +0x18
... 2026-12-07T06:39:18+0000 vm mapwrites[25859]: main.main.func1()
... 2026-12-07T06:39:18+0000 vm mapwrites[25859]:         /srv/mapwrites/main.go:8 +0x2d
... 2026-12-07T06:39:18+0000 vm mapwrites[25859]: created by main.main in goroutine 1
... 2026-12-07T06:39:18+0000 vm mapwrites[25859]:         /srv/mapwrites/main.go:6 +0x2b
... ''')
>>> fatal = journal.first("fatal")
>>> fatal.get("message"), fatal.get("frame"), fatal.get("location"), fatal.get("caller")
('concurrent map writes', 'main.main.func1', '/srv/mapwrites/main.go:8', None)

A panic raised in the standard library also names its caller outside it; a saved excerpt
may also be the program's stderr itself (Go 1.21's, with its tabs and empty line):

>>> panic = parse_journal('''panic: regexp: Compile(`^/api/(v1|v2/`): error parsing regexp: missing closing ): `^/api/(v1|v2/`
...
... goroutine 1 [running]:
... regexp.MustCompile({0x48538d, 0xd})
... \\t/usr/local/go/src/regexp/regexp.go:319 +0xb4
... main.init()
... \\t/srv/regexp/main.go:5 +0x1f
... ''').first("panic")
>>> panic.get("frame"), panic.get("location"), panic.get("caller"), panic.get("caller_location")
('regexp.MustCompile', '/usr/local/go/src/regexp/regexp.go:319', 'main.init', '/srv/regexp/main.go:5')

The formats are the messages compiled into systemd (libsystemd-core-252.so:
"%s: %s exited, code=%s, status=%i/%s%s", "%s: Failed at step %s spawning %s: %m",
"%s: Failed to locate executable %s: %m", "Changing to the requested working directory
failed: %m", "Failed to determine user credentials: %m", "Failed to set up mount
namespacing%s%s: %m"; systemd 219's execute.c "Failed at step %s spawning %s: %s")
and what the Go runtime prints (panic:, fatal error:, SIGSEGV: segmentation violation,
goroutine N [running]: and its frames; runtime/traceback.go, runtime/signal_unix.go).

Pure: text in, events out; binary garbage is decoded with replacement characters and
never raises.
"""

import re

MAX_LINES = 5000
# What is read of one line: the messages that matter are short, and several expressions
# below cost the square of a line's length when it does not match (journald's own
# LineMax is 48 KiB).
MAX_LINE = 4096

# "2025-03-02T10:14:07+0100 host ident[pid]: message" or "Mar 02 10:14:07 host ident[pid]: message"
_PREFIX = re.compile(
    r"^(?P<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:[.,]\d+)?(?:[+-]\d\d:?\d\d|Z)?"
    r"|[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d(?:\.\d+)?)\s+(?P<host>\S+)\s+"
    r"(?P<ident>[^\s\[]+)(?:\[(?P<pid>\d+)\])?:\s?(?P<msg>.*)$")

# No `(?:(?P<unit>\S+): )?` before the phrases searched for: the unit is never read, and
# with .search such an optional prefix rescans the rest of a long line from every
# position (a 300 KB line without spaces took minutes).
_EXITED = re.compile(r"(?P<who>main|control) process exited, "
                     r"code=(?P<code>exited|killed|dumped), status=(?P<status>\d+)"
                     r"(?:/(?P<name>[A-Z_0-9]+))?", re.I)
_STEP = re.compile(r"Failed at step (?P<step>[A-Z_]+) spawning "
                   r"(?P<path>.+?): (?P<error>.+)$")
_LOCATE = re.compile(r"Failed to (?:locate|execute) executable "
                     r"(?P<path>.+?): (?P<error>.+)$")
_EXECUTE = re.compile(r"Failed to execute (?:command|(?P<path>/\S+)): "
                      r"(?P<error>.+)$")
_CHDIR = re.compile(r"Changing to the requested working directory failed: (?P<error>.+)$")
_CREDS = re.compile(r"Failed to determine (?P<what>user|group) credentials: (?P<error>.+)$")
_NAMESPACE = re.compile(r"Failed to set up mount namespacing(?::\s*(?P<path>/\S*))?: "
                        r"(?P<error>.+)$")
_RESULT = re.compile(r"Failed with result '(?P<result>[a-z-]+)'")
_ENVFILE = re.compile(r"Failed to load environment files: (?P<error>.+)$")
_BAD_SETTING = re.compile(r"(?:Unit \S+ has a bad unit file setting|: Unit configuration has fatal error)")
_LACKS = re.compile(r"lacks both ExecStart= and ExecStop=|Service has no ExecStart=")
_NOT_ABSOLUTE = re.compile(r"\[(?P<file>[^\]:\[]+):(?P<line>\d+)\] (?P<message>Executable path "
                           r"is not absolute.*|Not an absolute path.*|Unknown lvalue .*)$")
_CONFIG = re.compile(r"^(?P<file>/\S+?):(?P<line>\d+): (?P<message>.+)$")
_OOM = re.compile(r"killed by the OOM killer|Failed with result 'oom-kill'", re.I)
_START_LIMIT = re.compile(r"Start request repeated too quickly|start-limit-hit")
_RESTART = re.compile(r"Scheduled restart job, restart counter is at (?P<count>\d+)")

# What Go programs print when they die.
_PANIC = re.compile(r"^panic: (?P<text>.*)$")
_FATAL = re.compile(r"^fatal error: (?P<text>.*)$")
# A signal the runtime cannot turn into a panic (one in C code called through cgo, or
# SIGQUIT/SIGABRT sent to it): the runtime's own names (runtime/sigtab_linux_generic.go),
# then "PC=0x... m=0 sigcode=1" and the goroutines; exit status 2.
_CRASH = re.compile(r"^SIG(?:QUIT: quit|ILL: illegal instruction|TRAP: trace trap|ABRT: abort|"
                    r"BUS: bus error|FPE: floating-point exception|SEGV: segmentation violation|"
                    r"STKFLT: stack fault|SYS: bad system call)$")
# "goroutine 1 [running]:"; with GOTRACEBACK=system or crash Go 1.23+ adds the g and m:
# "goroutine 1 gp=0xc000002380 m=0 mp=0x5365a0 [running]:".
_GOROUTINE = re.compile(r"^goroutine \d+(?: [a-z]+=\S+)* \[(?P<state>[^\]]+)\]:")
_THREAD = re.compile(r"^runtime: (?:failed to create new OS thread|may need to increase max "
                     r"user processes).*")
_BIND = re.compile(r"listen (?:tcp|tcp4|tcp6|udp)[46]? (?P<addr>\S*?):(?P<port>\d+): bind: "
                   r"(?P<error>permission denied|address already in use|cannot assign "
                   r"requested address)", re.I)
_NOFILE = re.compile(r"(?:accept4?|open|socket|dial \S+).*: too many open files", re.I)
_NO_HOME = re.compile(r"(?:neither \$XDG_CACHE_HOME nor \$HOME are defined|\$HOME is not defined"
                      r"|GOCACHE is not defined)")
_SIGNAL = re.compile(r"^(?:SIG[A-Z]+: .+|signal (?:arrived during cgo execution|SIG\S+))")
_LOADER = re.compile(r"error while loading shared libraries: (?P<lib>[^:]+): (?P<error>.+)$")
_GLIBC = re.compile(r"version [`'](?P<version>GLIBC_[\d.]+)' not found")


class Event(object):
    """One thing the journal says (`text` is the whole line).  `kind` is one of: exit
    (status, name, code), signal (status, name), step (step, path, error), locate (path,
    error), chdir (error), credentials (what, error), namespace (path, error), envfile
    (error), result (result), bad-setting, no-execstart, config (file, line_no, message),
    oom, start-limit, restart (count), panic (message), fatal (message), crash (message:
    "SIGSEGV: segmentation violation"), thread, bind (addr, port, error), nofile, no-home,
    loader (lib, error), glibc (version), goroutine (state), go-signal.

    A panic, fatal or crash event also gets from the trace that follows it (the lines of
    the same process): frame, location ("FILE:LINE") and frame_text (its two journal
    lines) of the first frame of the panicking goroutine outside the Go runtime; caller
    and caller_location when that frame is in the standard library (the first frame
    outside it); goroutine (the journal line "goroutine N [running]:"); cgo (True) when
    the runtime said "signal arrived during cgo execution"."""

    __slots__ = ("kind", "line", "text", "info")

    def __init__(self, kind, line, text, **info):
        self.kind, self.line, self.text, self.info = kind, line, text, info

    def get(self, name, default=None):
        return self.info.get(name, default)

    def __repr__(self):
        return "Event(%s, %d, %r)" % (self.kind, self.line, self.info)


class Journal(object):
    def __init__(self):
        self.events = []
        self.lines = 0
        self.garbage = 0  # lines that were not text
        self.entries = 0  # lines with a journal prefix
        self.program = []  # (line number, message) of what the program itself printed

    def program_before(self, line):
        """The last message the program printed before journal line `line`."""
        found = [m for n, m in self.program if n < line and m]
        return found[-1] if found else None

    def of(self, *kinds):
        return [e for e in self.events if e.kind in kinds]

    def first(self, *kinds):
        found = self.of(*kinds)
        return found[0] if found else None

    def last(self, *kinds):
        found = self.of(*kinds)
        return found[-1] if found else None

    @property
    def no_entries(self):
        return self.entries == 0 and not self.events


def _text(data):
    if isinstance(data, bytes):
        return data.decode("utf-8", "replace")
    return data or ""


def parse_journal(data):
    """A Journal from journalctl text (bytes or str)."""
    journal = Journal()
    traces = {}  # (ident, pid) -> the _Trace of the crash that process is printing
    for number, raw in enumerate(_text(data).splitlines()[:MAX_LINES], 1):
        journal.lines += 1
        raw = raw[:MAX_LINE]
        clean = raw.isprintable()  # (the common line: one C loop, not one per character)
        printable = len(raw) if clean else sum(1 for c in raw if c.isprintable() or c == "\t")
        if raw and (printable < len(raw) * 0.7 or raw.count("\ufffd") > len(raw) // 4):
            journal.garbage += 1
            continue
        line = raw if clean else "".join(c if c.isprintable() or c == "\t" else "?" for c in raw)
        match = _PREFIX.match(line)
        key = None
        if match:
            journal.entries += 1
            message = match.group("msg")
            ident = match.group("ident")
            key = (ident, match.group("pid"))
            if ident not in ("systemd", "kernel", "audit") and not ident.startswith("("):
                journal.program.append((number, message.strip()))
        else:
            message = line.strip()
        message = message.strip()
        trace = traces.get(key)
        if trace is not None and not trace.feed(line, message):
            del traces[key]
            trace = None
        count = len(journal.events)
        _classify(journal, number, line, message)
        if len(journal.events) > count and journal.events[-1].kind in ("panic", "fatal", "crash") \
                and (trace is None or trace.goroutines):
            # a new crash; a `panic:` line before the first goroutine belongs to the one
            # being read ("panic: X [recovered]" then "\tpanic: Y")
            traces[key] = _Trace(journal.events[-1])
    return journal


# How many lines of one process a trace is read for: the first goroutine comes first,
# and GOTRACEBACK=crash prints every goroutine after it.
_TRACE_LINES = 400
_LINE_NUMBER = re.compile(r"[0-9]{1,9}\Z")
# What the runtime prints between a panic's first line and its goroutine that is not the
# rest of the panic's message (a message with newlines goes on over several lines).
_NOT_MESSAGE = ("[signal ", "panic: ", "PC=", "runtime stack:", "signal arrived ", "runtime: ")
_MESSAGE_MAX = 500


class _Trace(object):
    """The goroutine trace after a panic, read line by line for the first frame of the
    panicking goroutine that is not the runtime's (nor cgo's generated glue)."""

    __slots__ = ("event", "goroutines", "pending", "seen")

    def __init__(self, event):
        self.event, self.goroutines, self.pending, self.seen = event, 0, None, 0

    def feed(self, text, msg):
        """One more line of the process; False when the trace has nothing more to say."""
        self.seen += 1
        if self.seen > _TRACE_LINES:
            return False
        if _GOROUTINE.match(msg):
            self.goroutines += 1
            if self.goroutines == 1:
                self.event.info["goroutine"] = text
            return self.goroutines == 1  # the next goroutine: the panicking one has ended
        if not self.goroutines:
            info = self.event.info
            if msg == "signal arrived during cgo execution":
                info["cgo"] = True
            elif self.event.kind == "panic" and msg and not msg.startswith(_NOT_MESSAGE) and \
                    len(info["message"]) < _MESSAGE_MAX:
                info["message"] = ("%s %s" % (info["message"], msg))[:_MESSAGE_MAX]  # panic("a\nb")
            return True  # [signal ...], a repanic's "panic: ...", PC=..., runtime stack:
        if msg.startswith("created by "):
            return False  # the goroutine's frames have ended
        pending, self.pending = self.pending, None
        where = _location(msg) if pending is not None else None
        if where is None:
            function = _function(msg)
            self.pending = (function, text) if function else None
            return True
        function, function_text = pending
        if _in_runtime(function, where[0]):
            return True
        info = self.event.info
        location = "%s:%d" % where
        if "frame" not in info:
            info.update(frame=function, location=location, frame_text=(function_text, text))
            return _in_std(function, where[0])  # go on to the caller of the library
        if _in_std(function, where[0]):
            return True
        info.update(caller=function, caller_location=location)
        return False


def _function(msg):
    """The function of a frame's first line: "main.(*Server).Start(0xc000010000, 0x3)",
    "main.pick(...)", "panic({0x45e480?, 0x4c73c0?})" (Go 1.17+), "runtime.goexit({})"."""
    if not msg.endswith(")"):
        return None
    function = msg[:msg.rfind("(")]
    if not function or any(c.isspace() for c in function) or "(" in msg[len(function) + 1:] \
            or function.count("(") != function.count(")"):  # only "(*T)" has them
        return None
    return function if "." in function or function == "panic" else None


def _location(msg):
    """(file, line) of a frame's second line: "/build/main.go:12 +0x1d", "/build/main.go:6"
    (an inlined call), "... +0x4b fp=0xc00002c708 sp=0xc00002c6d0 pc=0x4048cb"."""
    cut = msg.find(" fp=")
    if cut > 0:
        msg = msg[:cut]
    cut = msg.rfind(" +0x")
    if cut > 0:
        msg = msg[:cut]
    path, _, number = msg.rpartition(":")
    if not path.endswith((".go", ".s")) or not _LINE_NUMBER.match(number):
        return None
    return path, int(number)


def _package(function):
    """The import path of a function's package: "main" of "main.(*Server).Start",
    "github.com/x/y" of "github.com/x/y.(*T).M"."""
    dot = function.find(".", function.rfind("/") + 1)
    return function[:dot] if dot > 0 else ""


def _in_runtime(function, path):
    package = _package(function)
    return (package in ("", "runtime") or package.startswith(("runtime/internal/", "internal/runtime/"))
            or "._Cfunc_" in function or path.endswith("_cgo_gotypes.go"))


def _in_std(function, path):
    """A standard library frame: a package without a dot in its first element, and a file
    under GOROOT/src/PACKAGE (or PACKAGE/ with -trimpath)."""
    package = _package(function)
    return package != "main" and "." not in package.split("/", 1)[0] and (
        "/src/%s/" % package in path or path.startswith(package + "/"))


def _classify(journal, number, line, msg):
    add = journal.events.append
    m = _EXITED.search(msg)
    if m:
        status = int(m.group("status"))
        name = m.group("name") or ""
        if m.group("code").lower() in ("killed", "dumped"):
            add(Event("signal", number, line, status=status, name=name,
                      code=m.group("code").lower(), who=m.group("who").lower()))
        else:
            add(Event("exit", number, line, status=status, name=name, code="exited",
                      who=m.group("who").lower()))
        return
    for regex, kind in ((_STEP, "step"), (_LOCATE, "locate"), (_CHDIR, "chdir"),
                        (_CREDS, "credentials"), (_NAMESPACE, "namespace"),
                        (_ENVFILE, "envfile"), (_EXECUTE, "execute")):
        m = regex.search(msg)
        if m:
            info = {k: v for k, v in m.groupdict().items() if v is not None}
            add(Event(kind, number, line, **info))
            return
    m = _RESULT.search(msg)
    if m:
        add(Event("oom" if m.group("result") == "oom-kill" else
                  "start-limit" if m.group("result") == "start-limit-hit" else "result",
                  number, line, result=m.group("result")))
        return
    if _BAD_SETTING.search(msg):
        add(Event("bad-setting", number, line))
        return
    if _LACKS.search(msg):
        add(Event("no-execstart", number, line))
        return
    m = _NOT_ABSOLUTE.search(msg) or _CONFIG.match(msg)
    if m:
        add(Event("config", number, line, file=m.group("file"), line_no=int(m.group("line")),
                  message=m.group("message")))
        return
    if _OOM.search(msg):
        add(Event("oom", number, line))
        return
    if _START_LIMIT.search(msg):
        add(Event("start-limit", number, line))
        return
    m = _RESTART.search(msg)
    if m:
        add(Event("restart", number, line, count=int(m.group("count"))))
        return
    # The program's own output (Go runtime messages).
    for regex, kind in ((_PANIC, "panic"), (_FATAL, "fatal")):
        m = regex.match(msg)
        if m:
            add(Event(kind, number, line, message=m.group("text")))
            return
    if _CRASH.match(msg):
        add(Event("crash", number, line, message=msg))
        return
    if _THREAD.match(msg):
        add(Event("thread", number, line))
        return
    m = _BIND.search(msg)
    if m:
        add(Event("bind", number, line, addr=m.group("addr"), port=int(m.group("port")),
                  error=m.group("error").lower()))
        return
    if "too many open files" in msg.lower() and _NOFILE.search(msg):  # the cheap test first
        add(Event("nofile", number, line))
        return
    if _NO_HOME.search(msg):
        add(Event("no-home", number, line))
        return
    m = _LOADER.search(msg)
    if m:
        add(Event("loader", number, line, lib=m.group("lib").strip(), error=m.group("error")))
        return
    m = _GLIBC.search(msg)
    if m:
        add(Event("glibc", number, line, version=m.group("version")))
        return
    m = _GOROUTINE.match(msg)
    if m:
        add(Event("goroutine", number, line, state=m.group("state")))
        return
    if _SIGNAL.match(msg):
        add(Event("go-signal", number, line))
