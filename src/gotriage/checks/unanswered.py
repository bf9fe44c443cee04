"""How each layer's `<PREFIX>-INPUT` check words the commands its verdicts read that gave
no answer (facts/inputs.py; the runner runs these checks last and marks the ok results
that rest on such a command unconfirmed)."""

from gotriage.deadline import DEFAULT_DEADLINE
from gotriage.findings import Action, Evidence
from gotriage.i18n import _
from gotriage.inputs.spec import translated


def hung_doc(what):
    """The registry entry (meaning, evidence, fix) of a layer's -INPUT-HUNG finding;
    `what` names the layer's verdicts ("the firewall verdicts")."""
    return (
        "A command that %s rest on gave no answer: it was killed at its timeout (--timeout, "
        "or less for quick probes), or not started because the run's deadline had passed "
        "(--deadline, %g s by default).  The checks that needed it do not show ✓: their ok "
        "results are marked unconfirmed, and the title says what they fall back to." % (
            what, DEFAULT_DEADLINE),
        "the command, how long it was given, the checks resting on it",
        "find what the command waits for (the title names the usual cause) by running it by "
        "hand; if it is only slow, run gotriage again with a larger --timeout or --deadline.")


def hung_findings(inputs, fixes=None):
    """(title, keyword arguments for the layer's _f) of the commands of `inputs` that gave
    no answer: one per tool and purpose that timed out, and one for all those not started
    because the run's deadline had passed.  `fixes` ({tool: [Action]}) adds what to do
    about a tool that hangs, before the generic steps."""
    skipped = []
    for group in inputs.grouped():
        first = group[0]
        if first.result.error == "deadline":
            skipped.append(first)
            continue
        need = first.need
        evidence = [Evidence.command(item.result) for item in group]
        if need.checks:
            evidence.append(Evidence.fact(_("the verdicts of %(checks)s rest on it") % {
                "checks": ", ".join(need.checks)}))
        kwargs = {"subject": "%s:%s" % first.key, "evidence": evidence, "fix": list(
            (fixes or {}).get(first.tool, ())) + [Action.note(
                _("run `%(command)s` by hand to see whether it answers at all, and what it "
                  "waits for (strace -f -p PID); if it is only slow, run gotriage again with a "
                  "larger --timeout") % {"command": " ".join(str(a) for a in first.result.argv)})],
            "why": _("gotriage gives each command a timeout (--timeout, less for quick probes) "
                     "and the whole run a deadline (--deadline): `%(tool)s` gave no answer before "
                     "them, and was killed with every process it started.") % {"tool": first.tool}}
        if need.context is not None:
            kwargs["contexts"] = [need.context]
        yield first.title(), kwargs
    if not skipped:
        return
    if len(skipped) == 1:
        title = skipped[0].title()
    else:
        title = _("%(n)d commands were not started: the run's deadline (--deadline) had passed: "
                  "%(tools)s; the verdicts resting on them are unconfirmed") % {
                      "n": len(skipped), "tools": ", ".join(_unique(item.tool for item in skipped))}
    kwargs = {"subject": "deadline",
              "evidence": [Evidence.command(item.result) for item in skipped] + [
                  Evidence.fact(_("without `%(tool)s`: %(consequence)s") % {
                      "tool": item.tool, "consequence": translated(item.need.consequence)})
                  for item in skipped],
              "why": _("The run had used its whole deadline (--deadline) on the commands before "
                       "these (others hung): they were not started, so that gotriage ends on "
                       "time."),
              "fix": [Action.note(_("see the other -INPUT-HUNG findings for what used the time; "
                                    "or run gotriage again with a larger --deadline"))]}
    contexts = _unique(item.need.context for item in skipped if item.need.context)
    if contexts:
        kwargs["contexts"] = contexts
    yield title, kwargs


def _unique(items):
    out = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


def answered_title(inputs):
    """The ok title of a layer's -INPUT check: which tools answered."""
    return _("%(tools)s answered in time") % {"tools": ", ".join(inputs.answered)}
