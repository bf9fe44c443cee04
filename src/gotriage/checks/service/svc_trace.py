"""SVC-TRACE: with --trace (live, explicit), the program started under strace."""

from gotriage.checks import check
from gotriage.checks.service._common import LAYER, _f, _goarch, _loaded, _memo, _step
from gotriage.findings import Action, Evidence
from gotriage.i18n import _


@check("SVC-TRACE", LAYER, "under strace (--trace), the program starts", findings={
    "SVC-TRACE-INTERP": (
        "execve of the program fails with ENOENT although the file exists: its ELF interpreter "
        "(loader) is missing.",
        "the execve line of the strace and PT_INTERP",
        "rebuild with CGO_ENABLED=0, or for this host's glibc."),
    "SVC-TRACE-LIBRARY": (
        "The loader cannot find a shared library the program needs (every openat of it fails).",
        "the failed openat lines and the loader's message",
        "install the package that provides it (`dnf provides '*/LIB'`), or rebuild without it."),
    "SVC-TRACE-EACCES": (
        "execve fails with EACCES: permissions, a noexec mount or the SELinux label.",
        "the execve line",
        "see SVC-EXEC and SVC-LABEL."),
    "SVC-TRACE-ENOEXEC": (
        "execve fails with ENOEXEC (Exec format error): another architecture, or not a program.",
        "the execve line",
        "rebuild for this host's architecture."),
    "SVC-TRACE-EXIT": (
        "The program exited with a failure status under strace; the last failing system call "
        "before the exit is shown.",
        "the exit status and the last failing system calls",
        "what that system call says (a missing file, a refused port...)."),
    "SVC-TRACE-SIGNAL": (
        "The program was killed by a signal under strace.",
        "the signal line",
        "see the program's output; a SIGSEGV in a Go program points at cgo."),
    "SVC-TRACE-UNAVAILABLE": (
        "The trace could not be run: not on a live host, strace missing, or the program cannot "
        "be started.",
        "why",
        "install strace (`dnf install -y strace`), run as root on the host itself."),
})
def trace(facts):
    """With --trace (live, explicit): starts ExecStart='s command under `strace -f` as the
    unit's user, with its environment and working directory, for a few seconds; reads
    execve, failed opens, the loader's messages and the exit."""
    results = []
    if not facts.trace_enabled:
        return results
    for unit in _loaded(facts):
        results.extend(_memo(facts, "trace", unit, lambda u=unit: _trace(facts, u)))
    return results


def _trace(facts, unit):
    result = facts.trace(unit)
    if result is None:
        return []
    if result.unavailable:
        return [_f("SVC-TRACE-UNAVAILABLE", "info", "%s: %s" % (unit.name, _("not traced: %(why)s") % {
            "why": result.unavailable}),
                   unit, subject="trace", fix=[Action.note(result.unavailable_fix)] if result.unavailable_fix else [])]
    a = result.analysis
    evidence = [Evidence.command(result.command, "\n".join(a.excerpt))] if result.command else []
    title_cmd = " ".join(result.argv[:3])
    if a.exec_errno == "ENOENT" and result.program_exists:
        interp = facts.probe(result.program).interp
        return [_f("SVC-TRACE-INTERP", "error", "%s: %s" % (unit.name, _(
            "execve(%(program)s) = ENOENT although it exists: its loader %(loader)s is missing") % {
                "program": result.program, "loader": interp or "(PT_INTERP)"}), unit, subject="trace", evidence=evidence,
            predicted_error=_step("EXEC", result.program, "No such file or directory"),
            fix=[Action.note(_("rebuild with CGO_ENABLED=0 (no loader), or against this host's "
                              "glibc"))])]
    if a.exec_errno == "EACCES":
        return [_f("SVC-TRACE-EACCES", "error", "%s: execve(%s) = EACCES" % (unit.name, result.program), unit,
                   subject="trace", evidence=evidence,
                   predicted_error=_step("EXEC", result.program, "Permission denied"),
                   fix=[Action.note(_("see the SVC-EXEC and SVC-LABEL findings of this unit"))])]
    if a.exec_errno == "ENOEXEC":
        return [_f("SVC-TRACE-ENOEXEC", "error", "%s: execve(%s) = ENOEXEC (Exec format error)" % (
            unit.name, result.program), unit, subject="trace", evidence=evidence,
            predicted_error=_step("EXEC", result.program, "Exec format error"),
            fix=[Action.note(_("rebuild for %(machine)s (GOARCH=%(arch)s)") % {
                "machine": facts.machine, "arch": _goarch(facts.machine or "")})])]
    if a.exec_errno:
        return [_f("SVC-TRACE-EXIT", "error", "%s: execve(%s) = %s" % (unit.name, result.program, a.exec_errno),
                   unit, subject="trace", evidence=evidence)]
    if a.missing_library:
        return [_f("SVC-TRACE-LIBRARY", "error", "%s: %s" % (unit.name, _("the loader cannot find %(library)s") % {
            "library": a.missing_library}),
                   unit, subject="trace", evidence=evidence,
                   predicted_error="%s: error while loading shared libraries: %s: cannot open shared object "
                                   "file: No such file or directory" % (result.program, a.missing_library),
                   fix=[Action.command(["dnf", "provides", "*/%s" % a.missing_library]),
                        Action.note(_("or rebuild with CGO_ENABLED=0"))])]
    if a.signal:
        return [_f("SVC-TRACE-SIGNAL", "error", "%s: %s" % (unit.name, _("killed by %(signal)s under strace") % {
            "signal": a.signal}), unit,
                   subject="trace", evidence=evidence)]
    if a.exit_status not in (None, 0):
        last = a.last_failure
        return [_f("SVC-TRACE-EXIT", "error", "%s: %s" % (unit.name, (
            _("exited with status %(status)d; last failing call: %(call)s") if last else
            _("exited with status %(status)d")) % {"status": a.exit_status, "call": last}), unit,
            subject="trace", evidence=evidence,
            why=_("The program started (execve succeeded) and then gave up itself."))]
    if result.killed:
        return [_f("SVC-TRACE", "ok", "%s: %s" % (unit.name, _(
            "%(command)s started and was still running after %(seconds).0f s (stopped by "
            "gotriage)") % {"command": title_cmd, "seconds": result.seconds}), unit, evidence=evidence)]
    return [_f("SVC-TRACE", "ok", "%s: %s" % (unit.name, _(
        "%(command)s ran and exited with status 0") % {"command": title_cmd}), unit,
               evidence=evidence)]
