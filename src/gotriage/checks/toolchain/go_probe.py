"""GO-PROBE: `go env -json` answers in every context."""

from gotriage.checks import check
from gotriage.checks.toolchain._common import LAYER, _f, _probes, _working_probes
from gotriage.findings import Action, Evidence
from gotriage.i18n import _


@check("GO-PROBE", LAYER, "go env answers in every context", findings={
    "GO-PROBE-FAILED": (
        "`go env -json` failed or timed out in a context: every go command there fails the "
        "same way.",
        "the command, its exit status and output (or the timeout)",
        "the message names the cause; see the other findings of that context."),
})
def probe_runs(facts):
    """Runs `go env -json NAME...` (GOTOOLCHAIN=local, bounded by a timeout) in each context."""
    results = []
    for ctx, probe in _probes(facts):
        if probe.ok:
            continue
        result = probe.result
        if result.error == "not-recorded":
            facts.note(_("the snapshot has no `go env` output for %(context)s") % {
                "context": ctx.label})
            continue
        if result.error == "deadline":
            continue  # not started before the run's deadline: GO-INPUT says so
        message = result.errtext.strip().splitlines()
        first = message[0] if message else result.excerpt(1)
        if result.timed_out:
            title = _("`go env` did not answer within %(seconds).0f s") % {
                "seconds": result.duration}
            why = _("A go that hangs on `go env` hangs on every command: a stuck network "
                    "filesystem under GOROOT, GOCACHE or GOPATH, or a wrapper script that "
                    "waits.")
        else:
            title = _("`go env` fails: %(error)s") % {"error": first}
            why = _("Every go command in this context fails before doing anything.")
        results.append(_f("GO-PROBE-FAILED", ctx.severity("error"), title, ctx,
                          subject="%s:%s" % (probe.go_real, first),
                          evidence=[Evidence.command(result)], why=why,
                          predicted_error=first if not result.timed_out else None,
                          fix=[Action.note(_("see the other findings for %(context)s; the "
                                             "message above names the cause") % {
                                                 "context": ctx.label})]))
    for ctx, _probe in _working_probes(facts):
        results.append(_f("GO-PROBE", "ok", _("`go env` answers"), ctx))

    return results
