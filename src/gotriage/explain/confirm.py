"""Confirm the candidates on a host (live, or a snapshot): only the checks that can
report their finding ids run (runner.run(only=...)), and each candidate becomes
"confirmed" (a check reports one of its ids), "ruled out" (every check that could
report it ran and did not) or "not examined" (no check of gotriage reports that cause,
or one could not run)."""

CONFIRMED, RULED_OUT, NOT_EXAMINED = "confirmed", "ruled out", "not examined"


def confirm_ids(cand, known):
    """The finding ids whose checks confirm `cand` (those gotriage has)."""
    from gotriage.knowledge.signatures.selinux import DENIAL_CONFIRMS as CONFIRMS

    sig = cand.signature
    if sig is not None:
        ids = sig.confirm if sig.confirm is not None else (cand.id,)
    else:
        ids = CONFIRMS.get(cand.id, (cand.id,))
    return [i for i in ids if i in known]


def plan(candidates):
    """(layers, check ids) that confirm `candidates`, in the layers' order."""
    from gotriage.checks import ALL_LAYERS, LAYERS, known_ids

    known = known_ids()
    checks, layers = set(), set()
    for cand in candidates:
        for finding_id in confirm_ids(cand, known):
            chk = known[finding_id]
            checks.add(chk.id)
            layers.add(chk.layer)
    # the binary layer needs a file to examine: `check` never runs it on its own
    ordered = [layer for layer in ALL_LAYERS if layer in layers and layer in LAYERS]
    return ordered, checks, known


def confirm(candidates, host, options=None):
    """Mark each candidate; returns the Report of the checks that ran (None when no
    candidate has a check)."""
    from gotriage import runner

    layers, checks, known = plan(candidates)
    for cand in candidates:
        cand.status = NOT_EXAMINED
    if not layers:
        return None
    report = runner.run(host, layers, options or {}, only=checks)
    problems, ran = {}, set()
    for f in report.findings:
        if f.id == "GOTRIAGE-CHECK-FAILED":
            continue
        ran.add(f.check)
        if f.severity in ("warn", "error"):
            problems.setdefault(f.id, []).append(f)
    failed = {f.check for f in report.findings if f.id == "GOTRIAGE-CHECK-FAILED"}
    for cand in candidates:
        ids = confirm_ids(cand, known)
        found = [f for i in ids for f in problems.get(i, ())]
        if found:
            cand.status = CONFIRMED
            cand.host_evidence = found[:3]
            if found[0].unit:
                cand.values.setdefault("unit", found[0].unit)
            continue
        owners = {known[i].id for i in ids if known[i].layer in layers}
        if owners and owners <= ran and not owners & failed:
            cand.status = RULED_OUT
            cand.host_evidence = [f for f in report.findings if f.check in owners
                                  and f.severity == "ok"][:2]
    return report
