"""The doctor view of `gotriage explain`: a verdict line, then each problem (most
certain first) with the lines that show it, the confidence, what the host said, why,
and the fix as numbered steps; then the lines that are no fault, and the summary."""

from gotriage.report.text import WIDTH, _wrap, fix_lines
from gotriage.report.words import count

MAX_QUOTE = WIDTH - 14  # a quoted line is cut (in full under -v)


def render(result, findings, sources, host, style, verbose=False):
    from gotriage.checks import known_ids

    # the ids a check reports ("more: gotriage checks ID"): known_ids imports every
    # layer's checks (50 ms), for the problems only
    known = known_ids() if result.candidates else {}
    identity = _identity(host)
    lines = []
    n = len(result.candidates)
    if n:
        lines.append("gotriage explain: %s in %s; most certain first" % (
            count(n, "problem"), sources.describe()))
    elif result.benign:
        lines.append("gotriage explain: no fault in %s" % sources.describe())
    else:
        lines.append("gotriage explain: nothing recognised in %s" % sources.describe())
    if n:
        lines.append("host: %s" % (
            "not examined (--host, or --root SNAPSHOT, confirms each cause there)" if host is None
            else "%s (%s): only the checks that confirm these causes ran" % (
                host.hostname(), "live" if host.kind == "live" else host.description)))
    for cand, finding in zip(result.candidates, findings):
        lines.append("")
        lines.extend(_problem(cand, finding, sources, style, verbose, identity, known))
    if result.benign:
        lines.append("")
        lines.append("Not a fault:")
        for cand in result.benign:
            where = _where(sources, cand.hits[0].line) if cand.hits else ""
            title = cand.signature.title if cand.signature else cand.finding.title
            why = cand.harmless or cand.signature.cause
            lines.extend(_wrap("%s %s: %s. %s" % (style.symbols["info"], where, title, why),
                               "  ", "    "))
    if not result.recognised:
        lines.extend(_unrecognised(result, sources, style))
    lines.append("")
    lines.append(summary_line(result, findings))
    return "\n".join(lines) + "\n"


def _identity(host):
    if host is not None:
        return host.identity()
    from gotriage.host.live import LiveHost

    return LiveHost().identity()


def _where(sources, line):
    name, number = sources.where(line)
    return ("line %d" % number) if len(sources.parts) == 1 else "%s:%d" % (name, number)


def _quote(text, verbose):
    text = text.strip()
    if not verbose and len(text) > MAX_QUOTE:
        return text[:MAX_QUOTE - 3] + "..."
    return text


def _problem(cand, finding, sources, style, verbose, identity, known):
    out = _wrap("{} %s  %s" % (finding.id, finding.title), "", "    ",
                symbol=(style, finding.severity))
    status = ""
    if cand.status:
        status = "; this host: %s" % cand.status
    out.append("    confidence: %s%s" % (cand.confidence, status))
    for f in cand.host_evidence:
        out.extend(_wrap("%s %s  %s" % (style.symbols[f.severity], f.id, f.title),
                         "      ", "        "))
    for hit in cand.hits:
        out.append("    %s: %s" % (_where(sources, hit.line), _quote(hit.text, verbose)))
    if cand.extra_lines:
        out.append("    (and %s more)" % count(cand.extra_lines, "line"))
    if finding.why:
        out.extend(_wrap("why: " + finding.why, "    ", "      "))
    if cand.consequences:
        out.extend(_wrap("also explains: " + ", ".join(
            "%s (%s)" % (other.id, ", ".join(_where(sources, h.line) for h in other.hits[:3]))
            for other in cand.consequences), "    ", "      "))
    if finding.fix:
        out.append("    fix:")
        out.extend(fix_lines(finding.fix, "      ", identity))
    if cand.id in known:
        out.append("    more: gotriage checks %s" % cand.id)
    elif verbose and cand.signature is not None and cand.signature.seen:
        out.append("    seen: %s" % ", ".join(cand.signature.seen[:3]))
    return out


def _unrecognised(result, sources, style):
    from gotriage.explain.match import nearest

    out = []
    if result.error_lines:
        out.append("")
        out.append("Lines that look like errors, none of them a message gotriage knows:")
        for number, text in result.error_lines[:5]:
            out.append("  %s: %s" % (_where(sources, number), _quote(text, False)))
        near = nearest(result.error_lines)
        if near:
            out.append("")
            out.append("Nearest known causes (low confidence, for a hint only):")
            for sig, score in near:
                out.extend(_wrap("%s %s  %s (%d%% of its words)" % (
                    style.symbols["info"], sig.id, sig.title, round(score * 100)), "  ", "    "))
    return out


def summary_line(result, findings):
    if not result.recognised:
        return "Summary: nothing recognised (exit 3); `gotriage check` examines a host instead"
    if not result.candidates:
        return "Summary: no problem: %s no fault" % count(len(result.benign), "message is",
                                                          "messages are")
    by = {}
    for cand in result.candidates:
        by[cand.confidence] = by.get(cand.confidence, 0) + 1
    parts = ", ".join("%d %s" % (by[c], c) for c in ("high", "medium", "low") if c in by)
    confirmed = sum(1 for c in result.candidates if c.status == "confirmed")
    ruled = sum(1 for c in result.candidates if c.status == "ruled out")
    host = ""
    if confirmed or ruled:
        host = "; this host: %d confirmed, %d ruled out" % (confirmed, ruled)
    return "Summary: %s (%s confidence)%s; first: %s" % (
        count(len(result.candidates), "problem"), parts, host, findings[0].id)
