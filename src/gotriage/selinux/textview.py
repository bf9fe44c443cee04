"""avc's doctor view of the groups of denials (selinux/groups.py): lines within WIDTH
columns, the TOP_GROUPS first groups, each with its counts, a few of its denials and its
fix; `-v` shows every group and every denial of each, with its evidence.

Prose is wrapped at spaces (a word longer than a line is cut); a command is wrapped
between its shell words with a trailing ` \\`, so that it can be pasted as it is printed.
A `setsebool` and the caution that it affects the whole host, a `quoted command` in
prose, a set of permissions `{ read write }` and a time span are never split over two
lines (unless longer than a line).  Raw audit records (`-v` evidence) are printed
as the log has them.
"""

import datetime
import re

from gotriage.i18n import N_, _, _is_ascii, _keep_punctuation, char_width, ngettext
from gotriage.i18n import width as columns
from gotriage.quoting import shell_join, shell_word, visible
from gotriage.selinux.groups import sentence

WIDTH = 100
TOP_GROUPS = 10  # groups in the default view; the rest with -v or --json
EXAMPLES = 3  # denials shown under a group of several in the default view
TOP_RULES = 5  # allow rules shown under a module group in the default view
VERDICT_WORDS = {"confirmed": N_("confirms the fix below"),
                 "contradicted": N_("contradicts the fix below"),
                 "neutral": N_("says nothing of the fix below"), "added": N_("names this boolean")}

# spans that must stay on one line: a setsebool and its caution, a `command` in prose
_KEEP = re.compile(r"setsebool -P \S+ \S+(?:;? +\(?(?:caution: )?(?:it )?affects the whole host)?"
                   r"|[^ `]*`[^`]*`[^ ]*"
                   r"|\{ [^{}]* \}[^ ]*"
                   r"|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?: \.\. \d{4}-\d\d-\d\d \d\d:\d\d:\d\d)?(?: UTC)?")


def wrap(text, indent="", more="    ", width=WIDTH):
    """`text` as lines of at most `width` columns: the first starts with `indent`, the
    others with `more`; spaces kept as they are inside a line.  Characters a terminal
    would not show are counted as the escapes the output shows them as (quoting.visible);
    a newline starts a line.  A Chinese character takes two columns, and Chinese text
    breaks between characters (i18n.wrap's rule).

    >>> wrap("没有范围更窄的修复：只含 `allow a_t b_t:file read;` 的最小模块", "", "  ", 30)
    ['没有范围更窄的修复：只含', '  `allow a_t b_t:file read;`', '  的最小模块']
    """
    text = visible(text)
    if "\n" in text:
        first, rest = text.split("\n", 1)
        return wrap(first, indent, more, width) + wrap(rest, more, more, width)
    lines = []
    line = indent
    fresh = True  # nothing but the indent on the line yet
    for sep, word in _words(text, width - len(more)):
        if not fresh and columns(line) + len(sep) + columns(word) <= width:
            line += sep + word
            continue
        if not fresh:
            lines.append(line)
            line, fresh = more, True
        while columns(line) + columns(word) > width:  # a word longer than a line: cut it
            cut = width - columns(line)
            lines.append(line + word[:cut])
            line, word = more, word[cut:]
        line += word
        fresh = not word
    lines.append(line)
    return [x.rstrip(" ") for x in lines]


def _words(text, room):
    """(separator, word) pairs of `text`: the spaces before each word and the word; a
    span that must stay on one line (_KEEP) is one word when it fits in `room`."""
    for match in re.finditer(r"( *)(%s|[^ ]+)" % _KEEP.pattern, text):
        sep, word = match.group(1), match.group(2)
        if columns(word) > room and " " in word:  # too long to keep whole: its words
            for index, part in enumerate(word.split(" ")):
                for piece_index, piece in enumerate(_pieces(part)):
                    yield (sep if index == 0 else " ") if piece_index == 0 else "", piece
        else:
            for piece_index, piece in enumerate(_pieces(word)):
                yield sep if piece_index == 0 else "", piece


def _pieces(word):
    """A word cut where a line may break: before and after each wide (Chinese)
    character, but closing punctuation stays with what precedes it and an opening bracket
    with what follows (i18n.wrap's rule); a word without one is whole.

    >>> _pieces("原因（其中）：x")
    ['原', '因', '（其', '中）：', 'x']
    """
    if _is_ascii(word):
        return [word]
    return ["".join(group) for group in _keep_punctuation(_cut(word))]


def _cut(word):
    out, run = [], ""
    for ch in word:
        if char_width(ch) == 2:
            if run:
                out.append(run)
                run = ""
            out.append(ch)
        else:
            run += ch
    if run:
        out.append(run)
    return out or [word]


def wrap_command(argv, indent, more, tail="", width=WIDTH):
    """A command wrapped between its shell words, each line but the last ending in ` \\`;
    `tail` (its caution) follows the last word."""
    words = [shell_join(argv[:1])] + [shell_word(a) for a in argv[1:]]
    lines = []
    lead, body = indent, words[0]
    for word in words[1:]:
        if len(lead) + len(body) + 1 + len(word) + 2 > width:
            lines.append(lead + body + " \\")
            lead, body = more, word
        else:
            body += " " + word
    if not tail or len(lead) + len(body) + len(tail) <= width:
        return lines + [lead + body + tail]
    if len(lead) + len(body) > width:  # one shell word longer than a line: never cut
        return lines + [lead + body] + wrap(tail.strip(), more, more, width)
    return lines + [lead + body] + wrap(tail.strip(), more, more, width) \
        if not _KEEP.match(body + tail) else lines + wrap(body + tail, lead, more, width)


def _times(n):
    return ngettext("%(n)d time", "%(n)d times", n) % {"n": n}


def _denials(n):
    return ngettext("%(n)d denial", "%(n)d denials", n) % {"n": n}


def when(stamp):
    if stamp is None:
        return "?"
    return datetime.datetime.utcfromtimestamp(stamp).strftime("%Y-%m-%d %H:%M:%S")


def span(first, last):
    return "%s .. %s UTC" % (when(first), when(last))


def _caution_tail(caution):
    return "   " + _("(caution: %(caution)s)") % {"caution": caution} if caution else ""


def action_lines(action, caution, prefix=None, more="        "):
    """An action of a fix: a command (wrapped between words, its caution after it) or a
    note."""
    prefix = "    " + _("fix: ") if prefix is None else prefix
    tail = _caution_tail(caution)
    if action.kind == "command":
        return wrap_command(action.argv, prefix, more, tail)
    return wrap(action.render() + tail, prefix, more)


def group_lines(group, finding, style, verdicts, summarise, caution_of, verbose=False):
    """The lines of one group: its finding's id and title, counts, its denials (a few,
    or with -v each), audit2why's verdicts, why, the fix, notes, other fixes."""
    best = group.best
    members = group.members
    n = len(members)
    symbol = style.symbols.get(finding.severity, "")
    lines = wrap("%s %s  %s" % (symbol, finding.id, group.title), "", "    ")
    if n == 1:
        d = members[0][0]
        lines.extend(wrap(sentence(d), "    ", "      "))
        lines.append("    " + _("%(times)s, %(span)s   confidence: %(confidence)s") % {
            "times": _times(d.count), "span": span(d.first, d.last),
            "confidence": best.confidence} + (_("   permissive=1 (logged, not blocked)")
                                              if d.permissive == {1} else ""))
    else:
        logged = all(d.permissive == {1} for d in group.denials)
        lines.extend(wrap(_("%(denials)s, %(times)s, %(span)s   confidence: %(confidence)s") % {
            "denials": _denials(n), "times": _times(group.records),
            "span": span(group.first, group.last), "confidence": best.confidence} + (
                _("   permissive=1 (logged, not blocked)") if logged else ""), "    "))
        if group.kind == "module":
            rules = group.rules()
            shown = rules if verbose else rules[:TOP_RULES]
            lines.append("    " + ngettext("its allow rule, commonest first:",
                                           "its allow rules, commonest first:", len(rules)))
            for rule, denials, records in shown:
                lines.extend(wrap("%s  (%s)" % (rule, _("%(denials)s, %(times)s") % {
                    "denials": _denials(denials), "times": _times(records)}), "      ", "        "))
            if len(rules) > len(shown):
                more = len(rules) - len(shown)
                lines.append("      " + ngettext("%(n)d more rule: -v or --json",
                                                 "%(n)d more rules: -v or --json", more) % {"n": more})
        if not verbose:
            example = _("e.g. ")
            for d in group.denials[:EXAMPLES]:
                lines.extend(wrap(_("%(denial)s, %(times)s") % {"denial": sentence(d),
                                                                "times": _times(d.count)},
                                  "    " + example if d is members[0][0] else
                                  "    " + " " * columns(example), "           "))
            if n > EXAMPLES:
                lines.append("         " + ngettext("%(n)d more denial: -v or --json",
                                                    "%(n)d more denials: -v or --json",
                                                    n - EXAMPLES) % {"n": n - EXAMPLES})
    if best.predicted_error:
        lines.extend(wrap(_("you will see: %(error)s") % {"error": best.predicted_error},
                          "    ", "        "))
    said = {}  # (verdict in words, what it says of the fix) -> [denials], in order
    for d, ex in members:
        verdict = verdicts.get(d.key)
        if verdict is not None:
            said.setdefault((summarise(verdict), ex[0].audit2why), []).append(d)
    for (text, status), denials in sorted(said.items(), key=lambda kv: -len(kv[1])):
        words = _(VERDICT_WORDS[status]) if status in VERDICT_WORDS else status
        lines.extend(wrap("audit2why: %s  (%s)" % (text, words if n == 1 else _(
            "%(denials)s: %(verdict)s") % {"denials": _denials(len(denials)), "verdict": words}),
            "    ", "        "))
    alike = all(ex[0].why == best.why for _d, ex in members)
    lines.extend(wrap((_("why: %(why)s") if alike else _("why (its commonest denial): %(why)s"))
                      % {"why": best.why}, "    ", "        "))
    for action in group.fix:
        lines.extend(action_lines(action, caution_of(action)))
    notes = _notes(group, verdicts)
    for note in notes:
        lines.extend(wrap(_("note: %(note)s") % {"note": note}, "    ", "        "))
    if n > 1 and not verbose:
        differ = set()
        for _d, ex in members:
            differ.update(x for x in ex[0].notes if x not in notes and not _audit2why_note(x))
        if differ:
            lines.append("    " + ngettext(
                "(%(n)d more note for some of these denials only: -v)",
                "(%(n)d more notes for some of these denials only: -v)", len(differ)) % {
                    "n": len(differ)})
    lines.extend(_others(group, caution_of))
    if verbose:
        for d, ex in members:
            lines.extend(_denial_lines(d, ex, notes, verdicts, summarise, n > 1))
    return lines


def _audit2why_note(note):
    return note.startswith("audit2why (")


def _notes(group, verdicts):
    """The notes of the narrowest explanation every denial of the group has (audit2why's
    own, said on its line above, left out)."""
    notes = [x for x in group.best.notes if not _audit2why_note(x)]
    for _d, ex in group.members[1:]:
        notes = [x for x in notes if x in ex[0].notes]
    return notes


def _others(group, caution_of):
    """The other explanations of the group's commonest denial, 'or (...)', with the
    share of the group's denials each applies to."""
    members = group.members
    n = len(members)
    titles = {}
    for _d, ex in members:
        for other in ex[1:]:
            titles[other.title] = titles.get(other.title, 0) + 1
    lines = []
    for other in members[0][1][1:]:
        share = titles.get(other.title, 0)
        lines.extend(wrap(_("or (%(how)s): %(title)s") % {"how": "".join((
            "%s, %s" % (other.analyzer, other.confidence),
            ", audit2why: %s" % other.audit2why if other.audit2why else "",
            "" if share == n else _(", for %(share)d of the %(n)d denials") % {
                "share": share, "n": n})), "title": other.title},
            "    ", "        "))
        for action in other.fix:
            if action.kind == "command" and shell_join(action.argv) not in other.title:
                tail = _caution_tail(caution_of(action))
                lines.extend(wrap_command(action.argv, "        ", "          ", tail))
    return lines


def _denial_lines(d, ex, common, verdicts, summarise, several):
    """-v: one denial of a group, with what it alone says and its evidence."""
    lines = []
    if several:
        lines.extend(wrap(_("denial: %(denial)s") % {"denial": sentence(d)}, "    ", "        "))
        lines.append("        %s, %s%s" % (_times(d.count), span(d.first, d.last),
                                           "   permissive=1" if d.permissive == {1} else ""))
        verdict = verdicts.get(d.key)
        if verdict is not None:
            lines.extend(wrap("audit2why: %s" % summarise(verdict), "        ", "          "))
        for note in ex[0].notes:
            if note not in common and not _audit2why_note(note):
                lines.extend(wrap(_("note: %(note)s") % {"note": note}, "        ", "          "))
    where = _("%(log)s, byte %(offset)d") % {"log": d.where[0], "offset": d.where[1]} \
        if d.where else "?"
    indent = "        " if several else "    "
    lines.append(indent + _("evidence (%(where)s):") % {"where": where})
    lines.extend(indent + "  " + line for line in d.lines)
    return lines
