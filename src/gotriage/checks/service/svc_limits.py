"""SVC-LIMITS: LimitNOFILE=, LimitNPROC= and TasksMax= leave the Go runtime room."""

from gotriage.checks import check
from gotriage.checks.service._common import LAYER, _f, _loaded, _memo, _reload
from gotriage.findings import Action, Evidence
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
            out.append(_f("SVC-LIMITS-NOFILE", "warn", "%s: LimitNOFILE=%s (hard limit %d)" % (
                unit.name, a.value, hard), unit, subject="nofile",
                evidence=[Evidence.file(a.path, a.text, a.line)],
                why="Each connection, file and pipe is a descriptor; Go can raise its soft limit only "
                    "up to this hard limit.",
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
            out.append(_f("SVC-LIMITS-NPROC", "warn", "%s: LimitNPROC=%s for %s" % (
                unit.name, a.value, identity.user if identity else "its user"), unit, subject="nproc",
                evidence=[Evidence.file(a.path, a.text, a.line)],
                why="RLIMIT_NPROC counts every thread of every process of the user, and the Go "
                    "runtime creates threads for blocking system calls.",
                predicted_error="runtime: failed to create new OS thread (have N already; errno=11)\n"
                                "runtime: may need to increase max user processes (ulimit -u)\nfatal error: newosproc",
                fix=[Action.edit(a.path, "LimitNPROC=%d" % (NPROC_MIN * 16), old=a.text, syntax="systemd"), _reload(unit)]))
    a = unit.assignment("TasksMax")
    if a is not None and a.value.isdecimal() and int(a.value) < 64:
        out.append(_f("SVC-LIMITS-NPROC", "warn", "%s: TasksMax=%s" % (unit.name, a.value), unit,
                      subject="tasks", evidence=[Evidence.file(a.path, a.text, a.line)],
                      why="TasksMax= caps the threads of the whole unit; a Go server under load needs "
                          "dozens.",
                      predicted_error="runtime: failed to create new OS thread (have N already; errno=11)",
                      fix=[Action.edit(a.path, "TasksMax=4096", old=a.text, syntax="systemd"), _reload(unit)]))
    if not out:
        a = unit.assignment("LimitNOFILE")
        soft, hard = K.default_nofile(facts.version)
        out.append(_f("SVC-LIMITS", "ok", "%s: open files %s" % (
            unit.name, "LimitNOFILE=%s" % a.value if a else "soft %d, hard %d (systemd's default; "
            "Go 1.19+ raises the soft limit to the hard one)" % (soft, hard)), unit))
    return out
