"""The doctor view: one line per result, grouped by layer, then a summary line.

    Toolchain
      ✓ GO-PATH  your shell (alice): go is /usr/local/go/bin/go (go1.22.1)
      ✗ GO-PATH-NOT-FOUND  go is not on the PATH of sudo (root, secure_path) ...
          fix: in /etc/sudoers, replace the line ...

Symbols fall back to ASCII when the output cannot encode them (Python 3.6 under LANG=C),
and colour is used only on a terminal and never with NO_COLOR.
"""

import textwrap

from gotriage import i18n
from gotriage.checks import LAYER_BY_NAME
from gotriage.findings import shell_join
from gotriage.i18n import _, ngettext
from gotriage.quoting import one_line
from gotriage.report import doctor

SYMBOLS = {"ok": "\u2713", "info": "\u00b7", "warn": "!", "error": "\u2717"}
ASCII_SYMBOLS = {"ok": "ok", "info": "i", "warn": "!", "error": "x"}
COLOURS = {"ok": "32", "info": "36", "warn": "33", "error": "31"}
WIDTH = 100  # no line of the view is wider, but a command or an edited line


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
    return _(layer.title) if layer is not None else name.capitalize()


def _indent(text, prefix):
    return "\n".join(prefix + line if line else line for line in text.splitlines())


def _wrap(text, first, rest, width=WIDTH, symbol=None):
    """Prose wrapped within `width` columns (words are never broken: a long path stays
    whole), first line after `first`, the others after `rest`.  `symbol`, (style,
    severity): the first "{}" of the first line is that severity's symbol, painted after
    the wrapping (colour codes take no column)."""
    if symbol is not None:
        style, severity = symbol
        plain = style.symbols[severity]
        at = first.index("{}") if "{}" in first else len(first) + text.index("{}")
        lines = _wrap(text.replace("{}", plain, 1) if "{}" in text else text,
                      first.replace("{}", plain, 1), rest, width)
        lines[0] = lines[0][:at] + style.paint(plain, severity) + lines[0][at + len(plain):]
        return lines
    out = []
    for n, paragraph in enumerate(text.splitlines() or [""]):
        head = first if n == 0 else rest
        if i18n.width(paragraph) != len(paragraph):  # wide characters: count columns
            out.extend(i18n.wrap(paragraph, width, head, rest) or [head.rstrip()])
            continue
        out.extend(textwrap.wrap(paragraph, width=width, initial_indent=head,
                                 subsequent_indent=rest, break_long_words=False,
                                 break_on_hyphens=False) or [head.rstrip()])
    return out


def _action_lines(action, label, indent, identity, pad=None):
    """One step: the command or edit as it is pasted (never wrapped), its description
    on its own line under it.  `label` ("2. ", "A: ") follows `indent` on the first line;
    the other lines start at `pad` (default: under the text after the label)."""
    caution = "" if action.safe else _("(caution) ")
    pad = indent + " " * len(label) if pad is None else pad
    if action.kind == "note":
        return _wrap(caution + doctor.without_or(action.description), indent + label, pad)
    text = action.render()
    if action.as_user == "root" and identity.uid != 0:
        text = "sudo " + shell_join(action.argv)
    elif doctor.needs_root(action, identity.user if identity.uid != 0 else "root", identity.home):
        if action.kind == "command":
            text = "sudo " + text
        else:
            caution += _("as root: ")
    head, _sep, more = text.partition("\n")
    lines = [indent + label + caution + head] + [pad + line for line in more.splitlines()]
    if action.description:
        lines.extend(_wrap(doctor.without_or(action.description), pad, pad))
    return lines


def fix_lines(actions, indent, identity):
    """A fix as numbered steps, a step's alternatives as A, B, C."""
    steps = doctor.steps(actions)
    lines = []
    for number, (action, alternatives) in enumerate(steps, 1):
        label = "%d. " % number if len(steps) > 1 else ""
        if not alternatives:
            lines.extend(_action_lines(action, label, indent, identity))
            continue
        for letter, alt in zip("ABCDEFGHIJ", [action] + alternatives):
            first = indent + (label if letter == "A" else " " * len(label))
            lines.extend(_action_lines(alt, "%s: " % letter, first, identity,
                                       pad=indent + " " * (len(label) + 3)))
    return lines


def render(report, style, verbose=False):
    lines = []
    host = report.host
    ident = host.identity()
    source = _("live") if host.kind == "live" else host.description
    # wrapped like the rest: a snapshot's path can be long (a deep checkout, a fleet's tree)
    lines.extend(_wrap(_("gotriage: %(host)s (%(source)s, as %(user)s)") % {
        "host": host.hostname(), "source": source, "user": ident.user}, "", "  "))
    if report.contexts:
        lines.extend(_wrap(_("contexts: ") + "; ".join(c.label for c in report.contexts), "",
                           "  "))
    the_plan = doctor.plan(report)
    lines.append("")
    lines.extend(verdict_lines(the_plan, style))
    by_layer = {}
    for f in report.findings:
        by_layer.setdefault(f.layer or "other", []).append(f)
    printed_fixes = {}  # the fixes already shown -> the id that showed them
    for layer in report.layers + sorted(set(by_layer) - set(report.layers)):
        items = by_layer.get(layer, [])
        lines.append("")
        lines.append(style.bold(layer_title(layer)))
        if not items:
            lines.append("  " + (_("(nothing examined: see Not examined)") if report.notes
                                 else _("(nothing examined)")))
        if not verbose:
            single, per_unit = doctor.collapse_ok(items)
            shown = set(id(f) for f in single)
            items = [f for f in items if f.severity != "ok" or id(f) in shown]
            for unit, ids in per_unit:
                lines.extend(_wrap(ngettext("%(unit)s  %(n)d check passes: %(ids)s",
                                            "%(unit)s  %(n)d checks pass: %(ids)s", len(ids)) % {
                    "unit": unit, "n": len(ids), "ids": ", ".join(ids)},
                    "  {} ", "      ", symbol=(style, "ok")))
        # the problems in the verdict's order, then the rest as the checks gave them
        items = sorted((f for f in items if id(f) not in the_plan.folded),  # folded: under its cause
                       key=lambda f: _place(f, the_plan))
        for f in items:
            lines.extend(_finding_lines(f, the_plan, style, verbose, ident, printed_fixes))
    if report.notes:
        lines.append("")
        lines.append(style.bold(_("Not examined")))
        for note in report.notes:
            lines.extend(_wrap(note, "  - ", "    "))
    lines.append("")
    lines.append(summary_line(report, style, the_plan))
    return "\n".join(lines) + "\n"


def _place(f, the_plan):
    if f.severity == "ok":
        return (0, 0)
    problem = the_plan.problem_of.get(id(f))
    return (1, problem.number) if problem is not None else (2, 0)


def verdict_lines(the_plan, style):
    """The verdict, first: how many problems, then one line each, most likely cause first
    (report/doctor.py: causal order)."""
    problems = the_plan.problems
    if not problems:
        return [style.bold(_("Verdict: no problem found"))]
    if len(problems) == 1:
        out = [style.bold(_("Verdict: 1 problem"))]
    else:  # ("most likely cause first" says nothing of one problem)
        out = [style.bold(ngettext("Verdict: %(n)d problem, most likely cause first",
                                   "Verdict: %(n)d problems, most likely cause first",
                                   len(problems)) % {"n": len(problems)})]
    for p in problems:
        f = p.finding
        seen = ""
        if p.consequences:
            seen = _(" (seen: %(ids)s)") % {
                "ids": ", ".join(sorted(set(c.id for c in p.consequences)))}
        label = "%3d. " % p.number
        out.extend(_wrap("{} %s  %s%s" % (f.id, one_line(f.title), seen), label,
                         " " * (len(label) + 2), symbol=(style, p.severity)))
    return out


def _finding_lines(f, the_plan, style, verbose, ident, printed_fixes):
    lines = []
    where = "  [%s]" % ", ".join(f.contexts) if f.contexts else ""
    problem = the_plan.problem_of.get(id(f))
    lines.extend(_wrap("{} %s  %s%s" % (f.id, one_line(f.title), where), "  ", "      ",
                       symbol=(style, f.severity)))
    if f.severity == "ok" and not verbose:
        return lines
    body = []
    if verbose and f.why:
        body.extend(_wrap(_("why: ") + f.why, "      ", "        "))
    if verbose:
        for e in f.evidence:
            body.append(_indent(_("evidence: ") + _indent(e.describe(), "  ").lstrip(),
                                "      "))
    predicted = f.predicted_error or next(
        (c.predicted_error for c in (problem.consequences if problem is not None else ())
         if c.predicted_error), None)
    if predicted and f.severity != "ok":
        body.extend(_wrap(_("you will see: ") + "\n".join(predicted.splitlines()[:4]),
                          "      ", "        "))
    for c in (problem.consequences if problem is not None else ()):
        body.extend(_wrap(_("seen: ") + "{} %s  %s" % (c.id, one_line(doctor.cause_title(c))),
                          "      ", "        ", symbol=(style, c.severity)))
        if verbose:
            for e in c.evidence:
                body.append(_indent(_("evidence: ") + _indent(e.describe(), "  ").lstrip(),
                                    "        "))
    fix = list(f.fix)
    for c in (problem.consequences if problem is not None else ()):
        # what a consequence adds to its cause's fix (systemctl reset-failed after the
        # start limit), after it
        shown = set(doctor.fix_key(fix))
        fix.extend(a for a in c.fix if a.render() not in shown)
    if fix:
        key = doctor.fix_key(fix)
        if key in printed_fixes and f.severity != "ok":
            body.append("      " + _("fix: the same as %(id)s above") % {"id": printed_fixes[key]})
        else:
            printed_fixes.setdefault(key, f.id)
            body.append("      " + _("fix:"))
            body.extend(fix_lines(fix, "        ", ident))
    if verbose and f.severity != "ok" and f.id != "GOTRIAGE-CHECK-FAILED":
        # each id leads to its documentation, installed or not (cli: checks ID)
        body.append("      " + _("about: `gotriage checks %(id)s` (meaning, evidence, fix)")
                    % {"id": f.id})
    return lines + body


def summary_line(report, style, the_plan=None):
    """The last line of every doctor view (`gotriage avc`'s too): 'Summary: 1 error,
    2 warnings, 0 info, 5 ok', in the colour of the worst result.  A consequence folded
    under its cause is counted once, with it."""
    counts = report.counts()
    folded = the_plan.folded if the_plan is not None else {}
    for f in report.findings:
        if id(f) in folded:
            counts[f.severity] -= 1
    summary = ", ".join([
        ngettext("%(n)d error", "%(n)d errors", counts["error"]) % {"n": counts["error"]},
        ngettext("%(n)d warning", "%(n)d warnings", counts["warn"]) % {"n": counts["warn"]},
        _("%(n)d info") % {"n": counts["info"]}, _("%(n)d ok") % {"n": counts["ok"]}])
    if folded:
        # the failures shown under their cause ("seen:"), not counted above
        summary += ", " + ngettext("%(n)d consequence", "%(n)d consequences", len(folded)) % {
            "n": len(folded)}
    if the_plan is not None and the_plan.problems:
        summary += _("; first: %(id)s") % {"id": the_plan.problems[0].finding.id}
    if getattr(report, "ignored", 0):
        summary += _(" (%(n)d left out by --ignore)") % {"n": report.ignored}
    if report.tool_errors:
        summary += ngettext("; %(n)d check failed inside gotriage",
                            "; %(n)d checks failed inside gotriage", report.tool_errors) % {
            "n": report.tool_errors}
    return style.paint(_("Summary: ") + summary,
                       report.worst if report.worst != "ok" else "ok")
