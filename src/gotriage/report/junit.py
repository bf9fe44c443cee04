"""`--format junit`: a report as JUnit XML, the shape Jenkins and GitLab read
(docs/metrics.md, "JUnit").

Pure: a Report in, the XML text out.  One <testsuite> per layer, one <testcase> per
check (classname: the layer; name: the check's id and title).  A check whose worst
problem is at or above --fail-on fails (<failure>, its message the worst finding's
title, its text every problem's title, what you will see, evidence and fix), so the CI
server's verdict agrees with the exit code; a check that crashed is an <error>; a check
that produced nothing (its input was not recorded, a snapshot without it) is <skipped>;
problems below --fail-on leave the test passing and are listed in its <system-out>.
The report's notes (what was not examined) go in the first suite's <system-out>.

Every text passes through quoting.visible, so a host's control characters, which XML
1.0 cannot hold at all, arrive as \\xNN escapes; the rest is escaped as XML requires.
"""

from gotriage.findings import SEVERITY_RANK
from gotriage.quoting import visible

CRASH_ID = "GOTRIAGE-CHECK-FAILED"


def _xml(text, attribute=False):
    """`text` escaped for XML content (or a double-quoted attribute).

    >>> _xml('a < b & "c"\\x1b', attribute=True)
    'a &lt; b &amp; &quot;c&quot;\\\\x1b'
    """
    text = visible(str(text)).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if attribute:
        text = text.replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")
    return text


def _attrs(pairs):
    return "".join(' %s="%s"' % (key, _xml(value, attribute=True)) for key, value in pairs)


def describe(finding):
    """A finding as the text of a failure: severity, id and title, then what you will
    see, the evidence and the fix, one item a line."""
    lines = ["%s %s: %s" % (finding.severity, finding.id, finding.title)]
    if finding.contexts:
        lines.append("contexts: " + ", ".join(finding.contexts))
    if finding.predicted_error:
        lines.append("you will see: " + finding.predicted_error)
    if finding.why:
        lines.append("why: " + finding.why)
    if finding.evidence:
        lines.append("evidence:")
        lines.extend("  " + line for e in finding.evidence for line in e.describe().split("\n"))
    if finding.fix:
        lines.append("fix:")
        for number, action in enumerate(finding.fix, 1):
            step = action.render().split("\n")
            lines.append("  %d. %s" % (number, step[0]))
            lines.extend("     " + line for line in step[1:])
    return "\n".join(lines)


def cases(report, titles):
    """[(layer, check id, title, findings)] in the report's order: every check of its
    layers that `titles` ({check id: (layer, title)}) names, then any check a finding
    names that `titles` does not (a layer added on the way)."""
    by_check, order = {}, []
    for f in report.findings:
        key = f.check or f.id
        if key not in by_check:
            by_check[key] = []
            order.append(key)
        by_check[key].append(f)
    out = []
    for check_id, (layer, title) in titles.items():
        if layer in report.layers and (check_id in by_check or not check_id.endswith("-INPUT")):
            out.append((layer, check_id, title, by_check.pop(check_id, [])))
    for check_id in order:
        if check_id in by_check:
            first = by_check[check_id][0]
            out.append((first.layer or "gotriage", check_id, "", by_check[check_id]))
    layer_order = {name: i for i, name in enumerate(report.layers)}
    out.sort(key=lambda case: layer_order.get(case[0], len(layer_order)))  # stable
    return out


def outcome(findings, fail_on):
    """("error"|"failure"|"skipped"|"passed", the findings it names) of a check."""
    if not findings:
        return "skipped", []
    problems = sorted((f for f in findings if f.severity != "ok"), key=lambda f: -f.rank)
    crashed = [f for f in problems if f.id == CRASH_ID]
    if crashed:
        return "error", crashed
    failing = [f for f in problems if f.rank >= SEVERITY_RANK[fail_on]]
    if failing:
        return "failure", failing
    return "passed", problems


def render(report, titles, duration):
    """The JUnit XML of `report`.  `titles`: {check id: (layer, title)} of the checks
    registered (checks.all_checks), `duration`: the run's seconds."""
    suites, totals = [], {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    grouped = {}
    for layer, check_id, title, findings in cases(report, titles):
        grouped.setdefault(layer, []).append((check_id, title, findings))
    notes_written = False
    for layer in sorted(grouped, key=lambda name: (name not in report.layers,
                                                   report.layers.index(name)
                                                   if name in report.layers else 0)):
        body, counts = [], {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for check_id, title, findings in grouped[layer]:
            kind, named = outcome(findings, report.fail_on)
            counts["tests"] += 1
            name = ("%s %s" % (check_id, title)).strip()
            body.append("    <testcase%s>" % _attrs([("classname", layer), ("name", name),
                                                     ("time", "0")]))
            if kind in ("failure", "error"):
                counts[kind + "s"] += 1
                body.append("      <%s%s>%s</%s>" % (
                    kind, _attrs([("message", named[0].title), ("type", named[0].id)]),
                    _xml("\n\n".join(describe(f) for f in named)), kind))
            elif kind == "skipped":
                counts["skipped"] += 1
                body.append("      <skipped%s/>" % _attrs([(
                    "message", "no result: not examined (see the report's notes)")]))
            elif named:
                body.append("      <system-out>%s</system-out>" % _xml(
                    "\n\n".join(describe(f) for f in named)))
            body.append("    </testcase>")
        if report.notes and not notes_written:
            body.append("    <system-out>%s</system-out>" % _xml(
                "not examined:\n" + "\n".join("- " + n for n in report.notes)))
            notes_written = True
        for key in totals:
            totals[key] += counts[key]
        suites.append("  <testsuite%s>" % _attrs(
            [("name", layer)] + [(key, counts[key]) for key in
                                 ("tests", "failures", "errors", "skipped")] + [("time", "0")]))
        suites.extend(body)
        suites.append("  </testsuite>")
    head = "<testsuites%s>" % _attrs([("name", "gotriage")] + [
        (key, totals[key]) for key in ("tests", "failures", "errors", "skipped")] + [
        ("time", "%.3f" % duration)])
    return "\n".join(['<?xml version="1.0" encoding="UTF-8"?>', head] + suites +
                     ["</testsuites>"]) + "\n"
