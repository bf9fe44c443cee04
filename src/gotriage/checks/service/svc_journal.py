"""SVC-JOURNAL: what the journal says about the unit, mapped to the findings of the
other checks that explain it."""

from gotriage.checks import check
from gotriage.checks.service._common import LAYER, _dropin, _f, _loaded, _memo, _owner_args, _reload
from gotriage.checks.service.svc_env import _env
from gotriage.checks.service.svc_exec import _exec
from gotriage.checks.service.svc_go import _go
from gotriage.checks.service.svc_label import _label
from gotriage.checks.service.svc_limits import _limits
from gotriage.checks.service.svc_port import _ports
from gotriage.checks.service.svc_sandbox import _sandbox
from gotriage.checks.service.svc_unit import _unit
from gotriage.checks.service.svc_user import _user
from gotriage.checks.service.svc_workdir import _workdir
from gotriage.findings import Action, Evidence, Finding, operands
from gotriage.i18n import _, ngettext
from gotriage.knowledge import systemd as K
from gotriage.quoting import Unrepresentable, systemd_environment, systemd_exec_word
from gotriage.service.logpaths import log_paths

# Exit statuses and the findings that explain them.
_CAUSES = {
    203: ("exec", "env", "label", "sandbox"), 200: ("workdir", "sandbox"), 217: ("user",),
    216: ("user",), 226: ("sandbox",), 209: (), 2: ("limits", "port"),
}
_CAUSE_FUNCS = {"exec": _exec, "workdir": _workdir, "user": _user, "env": _env, "label": _label,
                "sandbox": _sandbox, "limits": _limits, "port": _ports, "go": None}


def _go_causes(facts, unit):
    return _go(facts, unit) if facts.runs_go(unit) else []


def _causes(facts, unit, groups, ids=None):
    found = []
    for group in groups:
        func = _CAUSE_FUNCS[group] or _go_causes
        for finding in _memo(facts, group, unit, lambda f=func: f(facts, unit)):
            if finding.severity in ("error", "warn") and (ids is None or finding.id in ids):
                found.append(finding)
    return found


@check("SVC-JOURNAL", LAYER, "the journal explains why the service stopped", findings={
    "SVC-JOURNAL-EXEC": (
        "The journal shows status=203/EXEC: systemd could not execute the program (missing, "
        "not executable, noexec, wrong architecture, missing loader, SELinux label, VAR=value "
        "as program).",
        "the journal lines, and the finding that explains them",
        "the fix of the linked finding."),
    "SVC-JOURNAL-CHDIR": (
        "The journal shows status=200/CHDIR: WorkingDirectory= is missing or not accessible.",
        "the journal lines", "see SVC-WORKDIR."),
    "SVC-JOURNAL-USER": (
        "The journal shows status=217/USER or 216/GROUP: User=/Group= does not exist.",
        "the journal lines", "see SVC-USER."),
    "SVC-JOURNAL-NAMESPACE": (
        "The journal shows status=226/NAMESPACE: the file system sandbox could not be set up "
        "(a ReadWritePaths= entry that does not exist...).",
        "the journal lines", "see SVC-SANDBOX."),
    "SVC-JOURNAL-SIGNAL": (
        "The program was killed by a signal (code=killed/dumped: SEGV, ABRT, KILL...), or by "
        "the OOM killer.",
        "the journal lines",
        "a core dump: `coredumpctl info COREDUMP_UNIT=UNIT`, then for a Go program "
        "Environment=GOTRACEBACK=crash (every goroutine's stack in the journal), for another "
        "`coredumpctl gdb COREDUMP_UNIT=UNIT`; an ABRT follows GOTRACEBACK=crash; the OOM "
        "killer: MemoryMax= or the host's memory."),
    "SVC-JOURNAL-PANIC": (
        "The Go program panicked, hit a `fatal error:` or a signal the runtime could not turn "
        "into a panic (`SIGSEGV: segmentation violation` in cgo code), exit status 2: the "
        "journal has the message and the goroutine trace, whose first frame outside the "
        "runtime the title names.",
        "the panic line, the goroutine and the frame",
        "fix the program there; runtime errors about threads or memory point at the unit's "
        "limits; a signal in cgo code: GOTRACEBACK=crash for a core dump."),
    "SVC-JOURNAL-BIND": (
        "The program could not listen: `bind: permission denied` (a port below 1024) or "
        "`address already in use`.",
        "the journal line",
        "see SVC-PORT; for `address already in use`, `ss -ltnp 'sport = :PORT'` shows who has it."),
    "SVC-JOURNAL-NOFILE": (
        "The program ran out of file descriptors: `too many open files`.",
        "the journal line", "see SVC-LIMITS; LimitNOFILE=65536."),
    "SVC-JOURNAL-LOADER": (
        "The dynamic loader could not start the program: a missing shared library or a glibc "
        "too old (`version GLIBC_2.34 not found`).",
        "the journal line",
        "rebuild with CGO_ENABLED=0, or on the oldest release it must run on."),
    "SVC-JOURNAL-EXIT": (
        "The program exited with a failure status systemd did not cause, or one of the "
        "other statuses (209/STDOUT: systemd could not open StandardOutput=; when SELinux "
        "denied the unit's log file, that denial is named as the cause).",
        "the journal lines",
        "read the program's own messages just before it (journalctl -u UNIT); the fix of "
        "the linked cause when there is one."),
    "SVC-JOURNAL-START-LIMIT": (
        "systemd gave up restarting the service: `Start request repeated too quickly`.",
        "the journal line",
        "fix the failure above it, then `systemctl reset-failed UNIT`."),
    "SVC-JOURNAL-CONFIG": (
        "systemd reported a problem with the unit file when loading it (bad setting, no "
        "ExecStart=, an ignored line).",
        "the journal line",
        "see SVC-UNIT."),
    "SVC-JOURNAL-UNREADABLE": (
        "The journal text holds lines that are not text (binary garbage, another encoding): "
        "they are skipped.",
        "how many lines",
        "nothing to fix; read the journal with `journalctl -u UNIT -o short-iso`."),
})
def journal(facts):
    """Reads `journalctl -u UNIT` (or the text given with --journal) and maps what it
    says (status=203/EXEC, 200/CHDIR, 217/USER, 226/NAMESPACE, signals, Go panics and
    fatal errors, bind and file-descriptor errors) to the findings that explain it."""
    results = []
    for unit in _loaded(facts):
        results.extend(_memo(facts, "journal", unit, lambda u=unit: _journal(facts, u)))
    return results


def _clip(text, width=100):
    return text if len(text) <= width else text[:width].rsplit(" ", 1)[0] + " ..."


def _first(causes):
    return causes[0] if causes else None


def _link(causes):
    if not causes:
        return ""
    # (the cause's title after its "UNIT: ", which every service title starts with)
    return _("; cause: %(id)s (%(title)s)") % {
        "id": causes[0].id, "title": causes[0].title.split(": ", 1)[-1]}


def _journal(facts, unit):
    journal, source = facts.journal(unit)
    if journal is None:
        return []
    out = []
    ev = lambda *events: [Evidence.fact(e.text) for e in events if e is not None] + (  # noqa: E731
        [source] if source is not None and source.kind == "command" else [])
    step_of = {}
    for e in journal.of("step"):
        step_of.setdefault(e.get("step"), e)
    exits = journal.of("exit")
    last_exit = exits[-1] if exits else None
    status = last_exit.get("status") if last_exit else None
    if journal.garbage:
        out.append(_f("SVC-JOURNAL-UNREADABLE", "info", "%s: %s" % (unit.name, ngettext(
            "%(n)d journal line not text, skipped", "%(n)d journal lines not text, skipped",
            journal.garbage) % {"n": journal.garbage}), unit, subject="garbage"))
    spawn_steps = {203: "EXEC", 200: "CHDIR", 217: "USER", 216: "GROUP", 226: "NAMESPACE"}
    statuses = [e.get("status") for e in exits] + [
        code for code, name in spawn_steps.items() if name in step_of]
    for code in (203, 200, 217, 216, 226):
        if code not in statuses:
            continue
        step = step_of.get(spawn_steps[code])
        exit_event = next((e for e in reversed(exits) if e.get("status") == code), None)
        causes = _causes(facts, unit, _CAUSES.get(code, ()))
        fid = {203: "SVC-JOURNAL-EXEC", 200: "SVC-JOURNAL-CHDIR", 217: "SVC-JOURNAL-USER",
               216: "SVC-JOURNAL-USER", 226: "SVC-JOURNAL-NAMESPACE"}[code]
        detail = step.get("error") if step else None
        title = "%s: status=%d/%s%s%s" % (unit.name, code, K.exit_status_name(code),
                                         " (%s)" % detail if detail else "", _link(causes))
        evidence = ev(step, exit_event, journal.first("locate", "chdir", "credentials", "namespace"))
        fix = list(causes[0].fix) if causes else _unexplained(unit, code)
        why = _("%(meaning)s.") % {"meaning": _(K.EXIT_STATUS[code][1])}
        if not causes and code == 203 and detail and "Permission denied" in detail:
            why += _(" Nothing else explains the denial: check the SELinux label and AVCs "
                     "(`ausearch -m AVC -ts recent`).")
        if fid == "SVC-JOURNAL-EXEC":
            out.append(_f("SVC-JOURNAL-EXEC", "error", title, unit, subject="status:%d" % code,
                          evidence=evidence, why=why, fix=fix, cause=_first(causes)))
        elif fid == "SVC-JOURNAL-CHDIR":
            out.append(_f("SVC-JOURNAL-CHDIR", "error", title, unit, subject="status:%d" % code,
                          evidence=evidence, why=why, fix=fix, cause=_first(causes)))
        elif fid == "SVC-JOURNAL-USER":
            out.append(_f("SVC-JOURNAL-USER", "error", title, unit, subject="status:%d" % code,
                          evidence=evidence, why=why, fix=fix, cause=_first(causes)))
        else:
            out.append(_f("SVC-JOURNAL-NAMESPACE", "error", title, unit, subject="status:%d" % code,
                          evidence=evidence, why=why, fix=fix, cause=_first(causes)))
    for e in journal.of("signal")[-1:]:
        name = e.get("name") or "signal %d" % e.get("status")
        why, fix = _signal_advice(facts, unit, e)
        out.append(_f("SVC-JOURNAL-SIGNAL", "error", "%s: %s" % (unit.name, _(
            "killed by SIG%(signal)s (code=%(code)s)") % {"signal": name, "code": e.get("code")}), unit, subject="signal", evidence=ev(e), why=why, fix=fix))
    oom = journal.first("oom")
    if oom is not None:
        out.append(_f("SVC-JOURNAL-SIGNAL", "error", "%s: %s" % (unit.name, _("killed by the OOM killer")), unit,
                      subject="oom", evidence=ev(oom),
                      fix=[Action.note(_("raise MemoryMax= (or the host's memory), or reduce the "
                                         "program's use (GOMEMLIMIT=... on Go 1.19+)"))]))
    panic = journal.first("panic", "fatal", "crash")
    if panic is not None:
        out.append(_panic(facts, unit, journal, panic, source))
    for e in journal.of("bind")[:1]:
        causes = _causes(facts, unit, ("port",)) if e.get("error") == "permission denied" else []
        out.append(_f("SVC-JOURNAL-BIND", "error", "%s: %s" % (unit.name, _(
            "cannot listen on port %(port)d: %(error)s%(cause)s") % {
                "port": e.get("port"), "error": e.get("error"), "cause": _link(causes)}), unit, subject="bind",
            cause=_first(causes), evidence=ev(e), fix=list(causes[0].fix) if causes else [
                Action.command(["ss", "-ltnp", "sport = :%d" % e.get("port")],
                               description=_("who has the port"))]))
    nofile = journal.first("nofile")
    if nofile is not None:
        causes = _causes(facts, unit, ("limits",), ids=("SVC-LIMITS-NOFILE", "SVC-LIMITS-RUNNING",
                                                        "SVC-LIMITS-STALE"))
        out.append(_f("SVC-JOURNAL-NOFILE", "error", "%s: %s" % (unit.name, _("too many open files%(cause)s") % {
                          "cause": _link(causes)}),
                      unit, subject="nofile", evidence=ev(nofile), cause=_first(causes),
                      fix=list(causes[0].fix) if causes else [
                          Action.edit(_dropin(unit), "LimitNOFILE=65536", syntax="systemd",
                                      description=_("under [Service]"))]))
    loader = journal.first("loader", "glibc")
    if loader is not None:
        what = loader.get("lib") or loader.get("version")
        out.append(_f("SVC-JOURNAL-LOADER", "error", "%s: %s" % (unit.name, _(
            "the loader cannot start the program: %(what)s") % {"what": what}), unit, subject="loader", evidence=ev(loader),
            fix=[Action.note(_("rebuild with CGO_ENABLED=0, or on the oldest release it must run "
                              "on"))]))
    start_limit = journal.first("start-limit")
    if start_limit is not None:
        out.append(_f("SVC-JOURNAL-START-LIMIT", "warn", "%s: %s" % (
            unit.name, _("systemd stopped restarting it (start limit)")),
                      unit, subject="start-limit", evidence=ev(start_limit),
                      cause=next((f for f in out if f.severity == "error"), None),
                      fix=[Action.command(["systemctl", "reset-failed"] + operands(unit.name),
                                          description=_("after fixing the failure"))]))
    config = journal.of("no-execstart", "bad-setting") + journal.of("config")
    if config:
        out.append(_f("SVC-JOURNAL-CONFIG", "error" if journal.first("bad-setting", "no-execstart") else "warn",
                      "%s: %s" % (unit.name, _("systemd reported: %(text)s") % {
                          "text": config[0].text.split(": ", 1)[-1][:160]}),
                      unit, subject="config", evidence=ev(*config[:4]),
                      cause=next((f for f in _memo(facts, "unit", unit, lambda: _unit(facts, unit))
                                  if f.severity == "error"), None)))
    explained = {203, 200, 217, 216, 226}
    if last_exit is not None and status not in explained and status != 0 and \
            not [f for f in out if f.id in ("SVC-JOURNAL-PANIC", "SVC-JOURNAL-BIND", "SVC-JOURNAL-LOADER",
                                            "SVC-JOURNAL-NOFILE")]:
        name = last_exit.get("name") or K.exit_status_name(status)
        no_home = journal.first("no-home")
        said = no_home.text.split(": ", 1)[-1] if no_home else journal.program_before(last_exit.line)
        causes = _causes(facts, unit, ("go", "env")) if no_home else []
        if not causes and (status == 209 or _names_log(unit, said)):
            causes = _log_causes(facts, unit)
        if said and not causes:
            # a specifier systemd left as it was, now in the program's error message
            causes = [f for f in _memo(facts, "unit", unit, lambda: _unit(facts, unit))
                      if f.id == "SVC-UNIT-SPECIFIER" and "%" + f.subject.rsplit(":", 1)[-1] in said]
        out.append(_f("SVC-JOURNAL-EXIT", "error", "%s: %s" % (unit.name, (
            _("exited with status %(status)d%(name)s after: %(said)s%(cause)s") if said else
            _("exited with status %(status)d%(name)s%(cause)s")) % {
                "status": status, "name": "/" + name if name else "", "said": _clip(said or ""),
                "cause": _link(causes)}),
            unit, subject="exit:%d" % status, cause=_first(causes),
            evidence=ev(no_home, last_exit), why=_(K.EXIT_STATUS[status][1]) if K.EXIT_STATUS.get(status, ("", ""))[1] else None,
            fix=list(causes[0].fix) if causes else _home_fix(facts, unit) if no_home else [
                Action.command(["journalctl", "-u", unit.name, "-n", "50", "--no-pager"],
                               description=_("the program's own messages before it exited"))]))
    if not [f for f in out if f.severity in ("error", "warn")]:
        if journal.no_entries:
            out.append(_f("SVC-JOURNAL", "ok", "%s: %s" % (
                unit.name, _("the journal has no entries for it")), unit))
        else:
            out.append(_f("SVC-JOURNAL", "ok", "%s: %s" % (unit.name, _(
                "no failure in the last %(n)d journal lines") % {"n": journal.lines}), unit))
    return out


def _names_log(unit, said):
    """Whether the program's last words are a permission denied on one of its logs
    ("open /var/log/api/api.log: permission denied", Go's *PathError)."""
    if not said or "permission denied" not in said.lower():
        return False
    return any(p.path in said or p.directory in said for p in log_paths(unit))


def _log_causes(facts, unit):
    """The SELinux denials of the unit's log files, as the findings the SELinux layer
    reports them (SEL-AVC-FILE-LABEL about "log:DIR"): the cause the doctor view folds
    this exit under, and whose fix it repeats (a file context for the log directory)."""
    return [Finding(e.id, "error", e.title, layer="selinux", check="SEL-AVC", subject=e.subject,
                    unit=unit.name, why=e.why, fix=e.fix)
            for e in facts.selinux_log_causes(unit)]


def _panic(facts, unit, journal, panic, source):
    """SVC-JOURNAL-PANIC: the message, and where: the first frame of the goroutine that
    panicked outside the runtime (with its caller when that frame is the standard
    library's), as the parser read it from the trace."""
    kind = {"panic": _("panicked"), "fatal": _("fatal error"), "crash": _("crashed")}[panic.kind]
    where = ""
    if panic.get("frame"):
        where = _(" in %(frame)s (%(location)s)") % {
            "frame": panic.get("frame"), "location": panic.get("location")}
        if panic.get("caller"):
            where += _(" called from %(frame)s (%(location)s)") % {
                "frame": panic.get("caller"), "location": panic.get("caller_location")}
    message = panic.get("message")
    if panic.get("cgo"):
        message += _(" (signal arrived during cgo execution)")
    causes = _causes(facts, unit, ("limits",)) if journal.first("thread") else []
    evidence = [Evidence.fact(text) for text in (panic.text, panic.get("goroutine")) +
                tuple(panic.get("frame_text") or ()) if text]
    thread = journal.first("thread")
    if thread is not None:
        evidence.append(Evidence.fact(thread.text))
    if source is not None and source.kind == "command":
        evidence.append(source)
    if panic.get("frame"):
        why = _("The program's own failure, at the first frame of the failing goroutine outside "
                "the Go runtime; the journal lines after it hold the whole trace.")
    else:
        why = _("The program's own failure.")
    fix = list(causes[0].fix) if causes else []
    if panic.kind == "crash" and panic.get("cgo") and not fix:
        why += _(" The signal came from C code the program calls through cgo: the Go runtime "
                 "prints the Go side and exits with status 2, without a core dump.")
        fix = _gotraceback_fix(facts, unit) or []
    return _f("SVC-JOURNAL-PANIC", "error", "%s: %s" % (unit.name, _(
        "%(kind)s%(where)s: %(message)s%(cause)s") % {
            "kind": kind, "where": where, "message": message, "cause": _link(causes)}), unit, subject="panic",
        evidence=evidence, why=why, fix=fix, cause=_first(causes))


# Signals whose default action is a core dump (signal(7)): what the kernel may have kept.
_CORE_SIGNALS = ("QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "SEGV", "SYS", "XCPU", "XFSZ")


def _signal_advice(facts, unit, event):
    """(why, fix) for a program killed by a signal: for a core dump, coredumpctl's record
    of it (matched by COREDUMP_UNIT=: a bare word is taken as the command's name,
    COREDUMP_COMM=), then for a Go program GOTRACEBACK=crash, for another gdb."""
    name, dumped = event.get("name"), event.get("code") == "dumped"
    go = _is_go(facts, unit)
    if name == "KILL":
        why = _("SIGKILL comes from another process: the OOM killer, or systemd after "
                "TimeoutStopSec=.")
    elif name == "ABRT" and go:
        why = _("A Go program dies of SIGABRT when GOTRACEBACK=crash is set (the journal lines "
                "before this one then hold every goroutine's stack) or when C code it calls "
                "aborts.")
    elif name in _CORE_SIGNALS and go:
        why = _("The Go runtime turns a SIGSEGV in Go code into a panic and one in C code "
                "called through cgo into a `SIGSEGV: segmentation violation` trace, both exit "
                "status 2; killed by the signal, the program crashed where the runtime could not "
                "catch it (a thread C code started, a signal handler C code installed).")
    else:
        why = _("The program crashed, or another process sent it the signal.")
    if not dumped:
        return why, []
    match = "COREDUMP_UNIT=" + unit.name
    fix = [Action.command(["coredumpctl", "info", match],
                          description=_("the core dump: signal, executable and the stack of the "
                                        "thread that crashed; COREDUMP_UNIT= because coredumpctl "
                                        "takes a bare name for the command's"))]
    if facts.el == 7:
        fix.append(Action.note(_("EL7's systemd does not make systemd-coredump the kernel's "
                                 "core_pattern: the core is where /proc/sys/kernel/core_pattern "
                                 "says (with abrt: `abrt-cli list`)")))
    if go:
        fix.extend(_gotraceback_fix(facts, unit) or [
            Action.command(["coredumpctl", "gdb", match],
                           description=_("GOTRACEBACK=crash is set: every goroutine's stack is "
                                         "in the journal before the exit; in gdb, Go's "
                                         "runtime-gdb.py adds `info goroutines`"))])
    else:
        fix.append(Action.command(["coredumpctl", "gdb", match],
                                  description=_("the core in gdb: `bt` shows where it crashed "
                                                "(with the debuginfo packages gdb names)")))
    return why, fix


def _is_go(facts, unit):
    """Whether the unit's program is a Go program (a Go binary, or go itself)."""
    target = facts.exec_target(unit)
    if target.path is None:
        return False
    return facts.runs_go(unit) or facts.probe(target.real or target.path).go


def _gotraceback_fix(facts, unit):
    """Environment=GOTRACEBACK=crash in a drop-in, or None when the unit has it already."""
    env = facts.environment(unit)[0]
    if env.get("GOTRACEBACK") == "crash":
        return None
    return [Action.edit(_dropin(unit), "Environment=GOTRACEBACK=crash", syntax="systemd",
                        description=_("under [Service]: at the next crash the Go runtime prints "
                                      "every goroutine's stack to the journal, not only the one "
                                      "that crashed, and dumps core with SIGABRT")),
            _reload(unit)]


def _home_fix(facts, unit):
    """HOME and XDG_CACHE_HOME for a program that asks for them (os.UserHomeDir,
    os.UserCacheDir), which a service without User= does not get."""
    cache = "/var/cache/%s" % unit.prefix
    try:
        env = systemd_environment([("HOME", cache), ("XDG_CACHE_HOME", cache)])
    except Unrepresentable as exc:
        return [Action.note(_("set HOME= for the unit (%(reason)s)") % {"reason": exc.reason})]
    if facts.supports(235):
        first = Action.edit(_dropin(unit), "CacheDirectory=%s" % systemd_exec_word(unit.prefix),
                            syntax="systemd",
                            description=_("under [Service]: systemd creates %(path)s for the unit's "
                                          "user") % {"path": cache})
    else:
        first = Action.command(["install", "-d"] + _owner_args(unit) + [cache],
                               description=_("once: systemd %(version)s has no CacheDirectory=") % {
                                   "version": facts.version})
    return [first, Action.edit(_dropin(unit), env, syntax="systemd",
                               description=_("the program asks for a home or cache directory "
                                             "(Go's os.UserHomeDir/os.UserCacheDir), which a "
                                             "service without User= does not get")),
            _reload(unit)]


# What to look at when the journal names a spawn step that failed and nothing gotriage
# read explains it: a next step, not the status's meaning again.
def _unexplained(unit, code):
    from gotriage.quoting import shell_join

    name = unit.name
    if code == 203:
        text = _("nothing in the unit, the program or its label explains it: `%(command)s` "
                 "starts the program as the unit's user under strace and shows the failing call "
                 "(live host, asks first)") % {
                     "command": shell_join(["gotriage", "service", name, "--trace"])}
    elif code == 200:
        text = _("nothing gotriage read explains it: check that WorkingDirectory=%(path)s "
                 "exists and that the unit's user may enter every directory on its way "
                 "(namei -l)") % {"path": unit.value("WorkingDirectory") or ""}
    elif code in (217, 216):
        key, db = ("User", "passwd") if code == 217 else ("Group", "group")
        value = unit.value(key)
        text = (_("nothing gotriage read explains it: the user may come from LDAP or SSSD, "
                  "not /etc/%(db)s: %(command)s on the host") if code == 217 else
                _("nothing gotriage read explains it: the group may come from LDAP or SSSD, "
                  "not /etc/%(db)s: %(command)s on the host")) % {
                      "db": db, "command": "`%s`" % shell_join(["getent", db, value]) if value
                      else "getent " + db}
    else:
        text = _("nothing gotriage read explains it: `%(command)s`, and each ReadWritePaths=, "
                 "ReadOnlyPaths= and BindPaths= entry must exist") % {
                     "command": shell_join(["systemd-analyze", "security", name])}
    return [Action.note(text)]
