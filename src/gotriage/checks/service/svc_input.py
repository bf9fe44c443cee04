"""SVC-INPUT: the commands the service verdicts read answered (runs last: the runner's
rule for -INPUT checks)."""

from gotriage.checks import check
from gotriage.checks.service._common import LAYER, _f
from gotriage.checks.unanswered import answered_title, hung_doc, hung_findings


@check("SVC-INPUT", LAYER, "the commands the service verdicts read answered", findings={
    "SVC-INPUT-HUNG": hung_doc("the service verdicts (systemctl, journalctl, systemd-analyze, "
                               "matchpathcon)"),
})
def inputs(facts):
    """Runs after the other service checks (the runner's rule for -INPUT checks): every
    command they read that timed out or was not started before the run's deadline."""
    hung = [_f("SVC-INPUT-HUNG", "warn", title, **kw) for title, kw in hung_findings(facts.inputs)]
    if hung or not facts.inputs.answered:
        return hung
    return [_f("SVC-INPUT", "ok", answered_title(facts.inputs))]
