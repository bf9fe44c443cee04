"""The doctor view: one line per result, grouped by layer, then a summary line.

    Toolchain
      ✓ GO-PATH  your shell (alice): go is /usr/local/go/bin/go (go1.22.1)
      ✗ GO-PATH-NOT-FOUND  go is not on the PATH of sudo (root, secure_path) ...
          fix: in /etc/sudoers, replace the line ...

Symbols fall back to ASCII when the output cannot encode them (Python 3.6 under LANG=C),
and colour is used only on a terminal and never with NO_COLOR.
"""

from gotriage.checks import LAYER_BY_NAME
from gotriage.quoting import one_line
from gotriage.report.words import count

SYMBOLS = {"ok": "\u2713", "info": "\u00b7", "warn": "!", "error": "\u2717"}
ASCII_SYMBOLS = {"ok": "ok", "info": "i", "warn": "!", "error": "x"}
COLOURS = {"ok": "32", "info": "36", "warn": "33", "error": "31"}


class Style(object):
    def __init__(self, unicode_ok=True, colour=False):
        self.symbols = SYMBOLS if unicode_ok else ASCII_SYMBOLS
        self.colour = colour
        self.unicode_ok = unicode_ok

    def paint(self, text, severity=None, code=None):
        code = code or COLOURS.get(severity)
        if not self.colour or not code:
            return text
        return "\033[%sm%s\033[0m" % (code, text)

    def bold(self, text):
        return self.paint(text, code="1")


def layer_title(name):
    """A layer's heading (its record in checks.LAYER_TABLE); "Other" for findings that
    name no layer."""
    layer = LAYER_BY_NAME.get(name)
    return layer.title if layer is not None else name.capitalize()


def _indent(text, prefix):
    return "\n".join(prefix + line if line else line for line in text.splitlines())


def render(report, style, verbose=False):
    lines = []
    host = report.host
    ident = host.identity()
    source = "live" if host.kind == "live" else host.description
    lines.append("gotriage: %s (%s, as %s)" % (host.hostname(), source, ident.user))
    if report.contexts:
        lines.append("contexts: " + "; ".join(c.label for c in report.contexts))
    by_layer = {}
    for f in report.findings:
        by_layer.setdefault(f.layer or "other", []).append(f)
    for layer in report.layers + sorted(set(by_layer) - set(report.layers)):
        items = by_layer.get(layer, [])
        lines.append("")
        lines.append(style.bold(layer_title(layer)))
        if not items:
            lines.append("  (nothing examined%s)" % (": see Not examined" if report.notes else ""))
        for f in items:
            symbol = style.paint(style.symbols[f.severity], f.severity)
            where = "  [%s]" % ", ".join(f.contexts) if f.contexts else ""
            lines.append("  %s %s  %s%s" % (symbol, f.id, one_line(f.title), style.paint(where, code="2")))
            if f.severity == "ok" and not verbose:
                continue
            body = []
            if verbose and f.why:
                body.append("why: " + f.why)
            if verbose:
                for e in f.evidence:
                    body.append("evidence: " + _indent(e.describe(), "  ").lstrip())
            if f.predicted_error and f.severity != "ok":
                body.append("you will see: " + "\n  ".join(f.predicted_error.splitlines()[:4]))
            for action in f.fix:
                label = "fix" if action.safe else "fix (caution)"
                if action.description and action.kind != "note":
                    body.append("%s: %s  (%s)" % (label, action.render(), action.description))
                else:
                    body.append("%s: %s" % (label, action.render()))
            if verbose and f.severity != "ok" and f.id != "GOTRIAGE-CHECK-FAILED":
                # each id leads to its documentation, installed or not (cli: checks ID)
                body.append("about: `gotriage checks %s` (meaning, evidence, fix)" % f.id)
            for item in body:
                lines.append(_indent(item, "      "))
    if report.notes:
        lines.append("")
        lines.append(style.bold("Not examined"))
        for note in report.notes:
            lines.append("  - " + note)
    lines.append("")
    lines.append(summary_line(report, style))
    return "\n".join(lines) + "\n"


def summary_line(report, style):
    """The last line of every doctor view (`gotriage avc`'s too): 'Summary: 1 error,
    2 warnings, 0 info, 5 ok', in the colour of the worst result."""
    counts = report.counts()
    summary = "%s, %s, %d info, %d ok" % (
        count(counts["error"], "error"), count(counts["warn"], "warning"), counts["info"],
        counts["ok"])
    if getattr(report, "ignored", 0):
        summary += " (%d left out by --ignore)" % report.ignored
    if report.tool_errors:
        summary += "; %s failed inside gotriage" % count(report.tool_errors, "check")
    return style.paint("Summary: " + summary, report.worst if report.worst != "ok" else "ok")
