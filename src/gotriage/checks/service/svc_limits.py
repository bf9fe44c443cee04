"""SVC-LIMITS: LimitNOFILE=, LimitNPROC= and TasksMax= leave the Go runtime room, and the
running server really has the open files the unit gives it (/proc/PID/limits)."""

import re

from gotriage.checks import check
from gotriage.checks.service._common import LAYER, _dropin, _f, _loaded, _memo, _reload
from gotriage.findings import Action, Evidence, operands
from gotriage.i18n import _
from gotriage.knowledge import systemd as K
from gotriage.knowledge.go import NOFILE_MIN, NPROC_MIN


def _limit(value):
    """LimitX= value -> (soft, hard); None for infinity; raises ValueError."""
    def one(text):
        text = text.strip().lower()
        if text in ("infinity", "unlimited"):
            return None
        return int(text)
    soft, sep, hard = value.partition(":")
    soft_v = one(soft)
    return soft_v, (one(hard) if sep else soft_v)


@check("SVC-LIMITS", LAYER, "the unit's limits leave the Go runtime room", findings={
    "SVC-LIMITS-NOFILE": (
        "LimitNOFILE= gives a hard limit below what a Go server needs; Go 1.19+ raises the soft "
        "limit to the hard one, but not past it: `accept4: too many open files`.",
        "the LimitNOFILE= line",
        "LimitNOFILE=65536 (or remove the line: systemd 240+ gives a hard limit of 524288)."),
    "SVC-LIMITS-NPROC": (
        "LimitNPROC= (per user) or TasksMax= (per unit) is low: the Go runtime starts OS threads "
        "as it needs them and dies with `runtime: failed to create new OS thread` / "
        "`fatal error: newosproc`.",
        "the line",
        "raise or remove LimitNPROC=/TasksMax=."),
    "SVC-LIMITS-RUNNING": (
        "The running server may open few files: its own limit (/proc/PID/limits of the unit's "
        "main process) is what counts, whatever limits.conf, `ulimit -n` or the unit file say. "
        "limits.conf does not apply to services (pam_limits sets the limits of login sessions; "
        "systemd starts services without PAM), a process started outside systemd has the limits "
        "of what started it, and a program that is not Go 1.19+ keeps its soft limit: "
        "`accept4: too many open files`.",
        "/proc/PID/limits of the main process (`systemctl show -p MainPID`, else the process "
        "that runs the unit's program), where its limit comes from (LimitNOFILE=, systemd's "
        "DefaultLimitNOFILE=), and the limits.conf rule that does not reach it",
        "LimitNOFILE=65536 in a drop-in, then `systemctl daemon-reload` and `systemctl restart "
        "UNIT` (Go 1.19+ raises its soft limit to that hard one itself)."),
    "SVC-LIMITS-STALE": (
        "The running server's open-files limit is not what the unit gives now: the unit file "
        "changed after the server started (with NeedDaemonReload=yes, also after systemd loaded "
        "it), and a change applies only from the next start.",
        "/proc/PID/limits against the LimitNOFILE= line and what systemd loaded (`systemctl show`)",
        "`systemctl daemon-reload` (when the unit file changed since it was loaded), then "
        "`systemctl restart UNIT`."),
})
def limits(facts):
    """LimitNOFILE=, LimitNPROC= and TasksMax= of the unit against the system layer's
    minimums (nofile 4096, nproc 1024)."""
    results = []
    for unit in _loaded(facts):
        results.extend(_memo(facts, "limits", unit, lambda u=unit: _limits(facts, u)))
    return results


def _limits(facts, unit):
    out = []
    a = unit.assignment("LimitNOFILE")
    if a is not None:
        try:
            soft, hard = _limit(a.value)
        except ValueError:
            soft = hard = None
        if hard is not None and hard < NOFILE_MIN:
            out.append(_f("SVC-LIMITS-NOFILE", "warn", "%s: %s" % (unit.name, _(
                "LimitNOFILE=%(value)s (hard limit %(hard)d)") % {"value": a.value, "hard": hard}), unit, subject="nofile",
                evidence=[Evidence.file(a.path, a.text, a.line)],
                why=_("Each connection, file and pipe is a descriptor; Go can raise its soft limit "
                      "only up to this hard limit."),
                predicted_error="http: Accept error: accept tcp [::]:PORT: accept4: too many open files",
                fix=[Action.edit(a.path, "LimitNOFILE=65536", old=a.text, syntax="systemd"), _reload(unit)]))
    identity = facts.identity(unit)
    a = unit.assignment("LimitNPROC")
    if a is not None and (identity is None or identity.uid != 0):
        try:
            soft, hard = _limit(a.value)
        except ValueError:
            soft = None
        if soft is not None and soft < NPROC_MIN:
            out.append(_f("SVC-LIMITS-NPROC", "warn", "%s: %s" % (unit.name, _(
                "LimitNPROC=%(value)s for %(user)s") % {
                    "value": a.value, "user": identity.user if identity else _("its user")}), unit, subject="nproc",
                evidence=[Evidence.file(a.path, a.text, a.line)],
                why=_("RLIMIT_NPROC counts every thread of every process of the user, and the Go "
                      "runtime creates threads for blocking system calls."),
                predicted_error="runtime: failed to create new OS thread (have N already; errno=11)\n"
                                "runtime: may need to increase max user processes (ulimit -u)\nfatal error: newosproc",
                fix=[Action.edit(a.path, "LimitNPROC=%d" % (NPROC_MIN * 16), old=a.text, syntax="systemd"), _reload(unit)]))
    a = unit.assignment("TasksMax")
    if a is not None and a.value.isdecimal() and int(a.value) < 64:
        out.append(_f("SVC-LIMITS-NPROC", "warn", "%s: TasksMax=%s" % (unit.name, a.value), unit,
                      subject="tasks", evidence=[Evidence.file(a.path, a.text, a.line)],
                      why=_("TasksMax= caps the threads of the whole unit; a Go server under load "
                            "needs dozens."),
                      predicted_error="runtime: failed to create new OS thread (have N already; errno=11)",
                      fix=[Action.edit(a.path, "TasksMax=4096", old=a.text, syntax="systemd"), _reload(unit)]))
    out.extend(_running(facts, unit, out))
    if not [f for f in out if f.severity != "info"]:
        a = unit.assignment("LimitNOFILE")
        soft, hard = K.default_nofile(facts.version)
        run = facts.running(unit)
        now = _(" (pid %(pid)d has soft %(soft)s, hard %(hard)s)") % {
            "pid": run.pid, "soft": _n(run.nofile()[0]), "hard": _n(run.nofile()[1])} \
            if run is not None and run.nofile() is not None else ""
        out.append(_f("SVC-LIMITS", "ok", "%s: %s" % (unit.name, (
            _("open files LimitNOFILE=%(value)s%(now)s") if a else
            _("open files soft %(soft)d, hard %(hard)d (systemd's default; Go 1.19+ raises the soft "
              "limit to the hard one)%(now)s")) % {
                "value": a.value if a else "", "soft": soft, "hard": hard, "now": now}), unit,
            evidence=run.evidence if now else ()))
    return out


def _n(value):
    return _("unlimited") if value == float("inf") else "%d" % value


def _expected(facts, unit):
    """(soft, hard, evidence, assignment or None): what systemd gives the unit at its next
    start (its LimitNOFILE= line, else systemd's default), or None when unreadable."""
    a = unit.assignment("LimitNOFILE")
    if a is None:
        soft, hard, evidence = facts.default_nofile
        return soft, hard, evidence, None
    try:
        soft, hard = _limit(a.value)
    except ValueError:
        return None
    inf = float("inf")
    return (inf if soft is None else soft), (inf if hard is None else hard), \
        Evidence.file(a.path, a.text, a.line), a


def _go_raises(facts, run, unit):
    """Whether the program raises its soft limit to the hard one (Go 1.19+): True, False
    (Go before 1.19, or not Go), None (unknown)."""
    target = facts.exec_target(unit)
    path = run.exe or target.real or target.path
    if not path:
        return None
    probe = facts.probe(path)
    if not probe.go:
        return False if probe.kind == "elf" else None
    match = re.match(r"go(\d+)\.(\d+)", probe.go_version or "")
    return bool(match) and (int(match.group(1)), int(match.group(2))) >= (1, 19)


_PREDICTED = "http: Accept error: accept tcp [::]:PORT: accept4: too many open files"


def _running(facts, unit, found):
    """SVC-LIMITS-STALE and SVC-LIMITS-RUNNING from the running server's /proc/PID/limits;
    a LimitNOFILE= finding of the unit file that the process confirms gets its evidence."""
    run = facts.running(unit)
    nofile = run.nofile() if run is not None else None
    if nofile is None:
        return []
    soft, hard = nofile
    who = {"unit": unit.name, "pid": run.pid}
    expected = _expected(facts, unit)
    outside = run.how == "program" and run.unit_of != unit.name
    for f in found:
        if f.id == "SVC-LIMITS-NOFILE" and expected is not None and hard == expected[1]:
            f.evidence.extend(run.evidence)  # the unit file's low limit, in force
            return []
    # (LimitNOFILE=infinity is the kernel's fs.nr_open in the process: not compared)
    if expected is not None and not outside and hard != expected[1] and expected[1] != float("inf"):
        props = facts.unit_state(unit)[0] or {}
        reload_first = props.get("NeedDaemonReload") == "yes"
        a = expected[3]
        gives = (_("%(line)s gives soft %(soft)s, hard %(hard)s") if a else
                 _("systemd's default is soft %(soft)s, hard %(hard)s")) % {
                     "line": a.text if a else "", "soft": _n(expected[0]), "hard": _n(expected[1])}
        fix = ([Action.command(["systemctl", "daemon-reload"], description=_(
            "systemd has not loaded the changed unit file yet (NeedDaemonReload=yes)"))]
            if reload_first else [])
        fix.append(Action.command(["systemctl", "restart"] + operands(unit.name),
                                  description=_("the limit applies from the next start")))
        return [_f("SVC-LIMITS-STALE", "warn" if soft < NOFILE_MIN else "info",
                   "%s: %s" % (unit.name, _(
                       "the running server (pid %(pid)d) has open files soft %(soft)s, hard "
                       "%(hard)s; %(gives)s: it started before the change") % dict(
                           who, soft=_n(soft), hard=_n(hard), gives=gives)),
                   unit, subject="nofile-running",
                   evidence=run.evidence + [expected[2]], fix=fix,
                   why=_("A process keeps the limits it was started with; the unit file also "
                         "changed after systemd loaded it (NeedDaemonReload=yes).") if reload_first
                   else _("A process keeps the limits it was started with; systemd applies "
                          "LimitNOFILE= when it starts the program."),
                   predicted_error=_PREDICTED if soft < NOFILE_MIN else None)]
    if soft >= NOFILE_MIN:
        return []
    evidence = list(run.evidence)
    why = []
    raises = _go_raises(facts, run, unit)
    if outside:
        why.append(_("It was not started by systemd for %(unit)s (%(where)s): it has the limits "
                     "of what started it (a shell's `ulimit -n`), not the unit's.") % {
                         "unit": unit.name,
                         "where": _("its cgroup is %(cgroup)s") % {"cgroup": run.unit_of}
                         if run.unit_of else _("it is in no unit's cgroup")})
    elif expected is not None:
        evidence.append(expected[2])
        why.append(_("Its limit comes from %(line)s (%(path)s:%(n)d).") % {
            "line": expected[3].text, "path": expected[3].path, "n": expected[3].line}
            if expected[3] else _("Its limit comes from systemd's default, DefaultLimitNOFILE= "
                                  "(the unit has no LimitNOFILE=)."))
    if soft < hard:
        target = facts.exec_target(unit)
        why.append((_("%(program)s keeps its soft limit of %(soft)s: Go 1.19+ raises it to the "
                      "hard limit (%(hard)s) itself, this program is not Go 1.19+.") if raises is False
                    else _("%(program)s keeps its soft limit of %(soft)s: Go 1.19+ raises it to the "
                           "hard limit (%(hard)s) itself, if this program is Go 1.19+ it has not done "
                           "so.") if raises is None
                    else _("%(program)s keeps its soft limit of %(soft)s: Go 1.19+ raises it to the "
                           "hard limit (%(hard)s) itself, yet it has not.")) % {
            "program": run.exe or target.real or target.path or _("The program"), "soft": _n(soft),
            "hard": _n(hard)})
    rule, own = facts.login_nofile(unit)
    if rule is not None and rule.value > soft:
        evidence.append(Evidence.file(rule.path, rule.text, rule.line))
        why.append(_("%(path)s:%(n)d (`%(rule)s`) does not reach it: limits.conf is read by "
                     "pam_limits for login sessions, and systemd starts services without PAM.") % {
                         "path": rule.path, "n": rule.line, "rule": rule.text})
    if own is not None and own[0] > soft:
        why.append(_("This session has %(n)s open files (`ulimit -n`, /proc/self/limits): a "
                     "shell's limit says nothing about a service's.") % {"n": _n(own[0])})
    a = unit.assignment("LimitNOFILE")
    fix = [Action.edit(a.path, "LimitNOFILE=65536", old=a.text, syntax="systemd") if a is not None else
           Action.edit(_dropin(unit), "LimitNOFILE=65536", syntax="systemd",
                       description=_("under [Service] (`systemctl edit %(unit)s` writes this "
                                     "file)") % {"unit": unit.name}),
           _reload(unit)]
    if outside:
        # what the unit would give it: its hard limit for Go 1.19+, else its soft one
        enough = expected is not None and expected[1 if raises else 0] >= NOFILE_MIN
        fix = [Action.note(_("stop pid %(pid)d and start the program as the unit (`systemctl "
                             "start %(unit)s`), so that the unit's limit applies") % {
                                 "pid": run.pid, "unit": unit.name})] + ([] if enough else fix)
    return [_f("SVC-LIMITS-RUNNING", "warn", "%s: %s" % (unit.name, _(
        "the running server (pid %(pid)d) may open only %(soft)s files (soft %(soft)s, hard "
        "%(hard)s)") % dict(who, soft=_n(soft), hard=_n(hard))), unit, subject="nofile-running", evidence=evidence,
        why=" ".join(why), predicted_error=_PREDICTED, fix=fix)]
