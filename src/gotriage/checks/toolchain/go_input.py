"""GO-INPUT: the commands the toolchain verdicts read answered (runs last: the
runner's rule for -INPUT checks)."""

from gotriage.checks import check
from gotriage.checks.toolchain._common import LAYER, _f
from gotriage.checks.unanswered import answered_title, hung_doc, hung_findings


@check("GO-INPUT", LAYER, "the commands the toolchain verdicts read answered", findings={
    "GO-INPUT-HUNG": hung_doc("the toolchain verdicts (systemctl show-environment for the "
                              "systemd context, su for --user, go env when the run's deadline "
                              "had passed)"),
})
def inputs(facts):
    """Runs after the other toolchain checks (the runner's rule for -INPUT checks): every
    command the contexts were built from that timed out, and every `go env` not started
    before the run's deadline (a go that hangs is GO-PROBE-FAILED)."""
    hung = [_f("GO-INPUT-HUNG", "warn", title, **kw) for title, kw in hung_findings(facts.inputs)]
    if hung or not facts.inputs.answered:
        return hung
    return [_f("GO-INPUT", "ok", answered_title(facts.inputs))]
