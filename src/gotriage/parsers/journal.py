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

The formats are the messages compiled into systemd (libsystemd-core-252.so:
"%s: %s exited, code=%s, status=%i/%s%s", "%s: Failed at step %s spawning %s: %m",
"%s: Failed to locate executable %s: %m", "Changing to the requested working directory
failed: %m", "Failed to determine user credentials: %m", "Failed to set up mount
namespacing%s%s: %m"; systemd 219's execute.c "Failed at step %s spawning %s: %s")
and what the Go runtime prints (panic:, fatal error:, goroutine N [running]:).

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
_GOROUTINE = re.compile(r"^goroutine \d+ \[(?P<state>[^\]]+)\]:")
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
    oom, start-limit, restart (count), panic (message), fatal (message), thread, bind
    (addr, port, error), nofile, no-home, loader (lib, error), glibc (version),
    goroutine (state), go-signal."""

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
    for number, raw in enumerate(_text(data).splitlines()[:MAX_LINES], 1):
        journal.lines += 1
        raw = raw[:MAX_LINE]
        printable = sum(1 for c in raw if c.isprintable() or c == "\t")
        if raw and (printable < len(raw) * 0.7 or raw.count("\ufffd") > len(raw) // 4):
            journal.garbage += 1
            continue
        line = "".join(c if c.isprintable() or c == "\t" else "?" for c in raw)
        match = _PREFIX.match(line)
        if match:
            journal.entries += 1
            message = match.group("msg")
            ident = match.group("ident")
            if ident not in ("systemd", "kernel", "audit") and not ident.startswith("("):
                journal.program.append((number, message.strip()))
        else:
            message = line.strip()
        _classify(journal, number, line, message.strip())
    return journal


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
