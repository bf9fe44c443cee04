"""The view of `gotriage probe`: doctor-style text (✓/!/✗ lines, the gate's decisions, a
one-line summary; -v adds each error's samples) and the --json document
(docs/probe.schema.json).  Pure: strings and dicts from the run's records."""

import time

from gotriage import __version__
from gotriage.probe.gate import _msec, _num
from gotriage.probe.outcome import KIND_TITLES
from gotriage.probe.stats import PERCENTILES
from gotriage.report.text import Style

SCHEMA_VERSION = "1.0"
WIDTH = 100
LATENCY = {"tcp": "connect", "http": "full-response", "https": "full-response"}


class Probed(object):
    """Everything the view says: the targets (with their role), their Summaries, the
    limits, the thresholds, the decisions and the Run."""

    def __init__(self, targets, roles, summaries, limits, thresholds, decisions, run):
        self.targets = targets
        self.roles = roles
        self.summaries = summaries
        self.limits = limits
        self.thresholds = thresholds
        self.decisions = decisions
        self.run = run

    @property
    def passed(self):
        return all(d.passed for d in self.decisions)

    @property
    def exit_code(self):
        return 0 if self.passed else 1


def _ms(seconds):
    return None if seconds is None else round(seconds * 1000.0, 3)


def _wrapped(indent, body, symbol=None, style=None, severity=None):
    """`body` wrapped to WIDTH columns after `indent` (and a symbol, painted after the
    wrapping so that its colour codes are not counted), continued 4 columns further in; a
    word longer than a line (a URL) is never broken."""
    import textwrap

    lead = indent + (style.symbols[severity] + " " if symbol else "")
    lines = textwrap.wrap(body, WIDTH, initial_indent=lead, subsequent_indent=indent + "    ",
                          break_long_words=False, break_on_hyphens=False) or [lead.rstrip()]
    if symbol:
        mark = style.symbols[severity]
        lines[0] = indent + style.paint(mark, severity) + lines[0][len(indent) + len(mark):]
    return lines


def text(probed, verbose=False, unicode_ok=True, colour=False):
    """The doctor-style view: lines of at most WIDTH columns but a URL or a word longer
    than a line; the summary one line."""
    style = Style(unicode_ok, colour)
    limits = probed.limits
    total = limits.count * len(probed.targets)
    lines = _wrapped("", "gotriage probe: %d target%s, %d request%s each, %d at once, timeout %s s, "
                         "%s" % (len(probed.targets), "" if len(probed.targets) == 1 else "s",
                                 limits.count, "" if limits.count == 1 else "s",
                                 min(limits.concurrency, total), _num(limits.timeout),
                                 "deadline %s s" % _num(limits.deadline) if limits.deadline
                                 else "no deadline"))
    lines.append("")
    lines.append(style.bold("Targets"))
    times = "\u00d7" if unicode_ok else "x"
    for target, role, summary, unfinished in zip(probed.targets, probed.roles,
                                                 probed.summaries, probed.run.unfinished):
        severity = "ok" if summary.failed == 0 and summary.ok else \
            "error" if summary.ok == 0 else "warn"
        lines.extend(_wrapped("  ", target.url + ("  (baseline)" if role == "baseline" else ""),
                              True, style, severity))
        numbers = "%d of %d answered" % (summary.ok, summary.finished)
        if summary.error_rate is not None:
            numbers += ", %s%% errors" % _num(summary.error_rate)
        lines.extend(_wrapped("      ", numbers))
        if summary.p50 is not None:
            lines.extend(_wrapped("      ", "latency (%s): " % LATENCY[target.scheme].replace("-", " ")
                                  + "  ".join("p%d %s" % (p, _msec(_ms(getattr(summary, "p%d" % p))))
                                              for p in PERCENTILES)))
        if verbose and summary.ok:
            lines.append("      min %s  mean %s  max %s" % (
                _msec(_ms(summary.min)), _msec(_ms(summary.mean)), _msec(_ms(summary.max))))
        if unfinished:
            lines.append("      %d not finished: the deadline (--deadline) came first" % unfinished)
        for group in summary.errors:
            lines.extend(_wrapped("      ", "%d%s %s: %s" % (
                group.count, times, KIND_TITLES.get(group.kind, group.kind), group.message)))
            if verbose:
                lines.extend(_wrapped("          ", "e.g. " + ", ".join(
                    "attempt %d after %s" % (seq + 1, _msec(_ms(latency)))
                    for seq, latency in group.samples)))
    lines.append("  %d requests in %s s" % (sum(s.finished for s in probed.summaries),
                                            _num(round(probed.run.elapsed, 2))))
    lines.append("")
    lines.append(style.bold("Gate"))
    for decision in probed.decisions:
        lines.extend(_wrapped("  ", decision.text, True, style,
                              "ok" if decision.passed else "error"))
    failed = [d for d in probed.decisions if not d.passed]
    requests = sum(s.finished for s in probed.summaries)
    took = "%d request%s" % (requests, "" if requests == 1 else "s")
    lines.append("")
    if failed:
        lines.append("Summary: %s, %d of %d rules, %s; first: %s of %s" % (
            style.paint("gate failed", "error"), len(failed), len(probed.decisions), took,
            failed[0].rule, failed[0].target))
    else:
        lines.append("Summary: %s, %d rules met, %s" % (
            style.paint("gate passed", "ok"), len(probed.decisions), took))
    return "\n".join(lines) + "\n"


def to_dict(probed):
    limits = probed.limits
    targets = []
    for target, role, summary, unfinished in zip(probed.targets, probed.roles,
                                                 probed.summaries, probed.run.unfinished):
        targets.append({
            "url": target.url,
            "role": role,
            "latency_to": LATENCY[target.scheme],
            "planned": summary.planned,
            "finished": summary.finished,
            "unfinished": unfinished,
            "ok": summary.ok,
            "failed": summary.failed,
            "error_rate": summary.error_rate,
            "latency_ms": {name: _ms(getattr(summary, name))
                           for name in ("p50", "p95", "p99", "min", "max", "mean")},
            "errors": [{"kind": g.kind, "message": g.message, "count": g.count,
                        "samples": [{"attempt": seq + 1, "latency_ms": _ms(latency)}
                                    for seq, latency in g.samples]}
                       for g in summary.errors],
        })
    thresholds = probed.thresholds
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "gotriage", "version": __version__},
        "generated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "settings": {
            "count": limits.count, "concurrency": limits.concurrency,
            "timeout_s": limits.timeout, "interval_s": limits.interval,
            "deadline_s": limits.deadline or None,
            "percentile_method": "nearest-rank",
        },
        "targets": targets,
        "gate": {
            "passed": probed.passed,
            "thresholds": {
                "max_error_rate": thresholds.max_error_rate,
                "max_p95_ms": thresholds.max_p95_ms,
                "max_error_increase": thresholds.max_error_increase,
                "max_p95_ratio": thresholds.max_p95_ratio,
            },
            "decisions": [{"rule": d.rule, "target": d.target,
                           "value": None if d.value is None or d.value == float("inf") else float(d.value),
                           "limit": float(d.limit), "passed": d.passed, "text": d.text}
                          for d in probed.decisions],
        },
        "elapsed_s": round(probed.run.elapsed, 3),
        "cut_by_deadline": probed.run.cut,
        "exit_code": probed.exit_code,
    }


def render_json(probed):
    from gotriage.report.json_report import dumps

    return dumps(to_dict(probed)) + "\n"
