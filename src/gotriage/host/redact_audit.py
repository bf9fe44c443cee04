"""Secrets out of audit logs (redact_rules.py's rules, applied to audit records).

A raw audit log is read through the records that carry a command line or typed text:
EXECVE (its arguments), PROCTITLE (the argv, NUL-separated), USER_CMD (sudo's `cmd`) and
TTY/USER_TTY (`data`).  Their fields are decoded from hex, judged as a command line and by
every rule of redact_rules.py, and a field that holds a secret is rewritten whole (hex
stays hex, quoted stays quoted).  The other fields of a record (numbers, names, paths and
contexts that the kernel and auditd write) are not judged; a line that is not a raw
record is judged as text, by the function `audit_log` is given (redact.py's
`_redact_text`, which calls `audit_records` for a text with audit fields: this module
imports only redact_rules.py, and redact.py imports it).

Most logs have no trigger word in their commands: the command records are checked 32 at
a time, with one regular expression for their fields and one call that decodes all their
hex, and nothing more is done for a block without one.
"""

import bisect
import codecs
import itertools
import re

from gotriage.host.redact_rules import (
    AUDIT_HINTS,
    _each_line,
    _hot_positions,
    _judge_argv,
    _line_numbers,
    _shapes,
    _shapes_hint,
    _whole_line,
)

# (starting with the separator lets the engine skip to the next space: a leading
# lookbehind is tried at every character, 20 ms per MB of log)
_AUDIT_FIELD = re.compile(  # groups: the name, the value
    r"[ '\x1d](a\d+(?:\[\d+\])?|proctitle|cmd|cmdline|data)="
    r"(\"[^\"\n]*\"|[0-9A-Fa-f]+)(?=[ '\x1d\n]|\Z)")
_AUDIT_PLAIN = re.compile(r"[\x21\x23-\x7e]+\Z")  # what auditd leaves unquoted-in-hex


def _encode_field(text, was_hex):
    if not was_hex and _AUDIT_PLAIN.match(text):
        return '"%s"' % text
    return codecs.encode(text.encode("utf-8", "surrogateescape"), "hex").decode("ascii").upper()


_COMMAND_RECORD = re.compile(
    r"\n(?:node=\S+ )?type=(?:EXECVE|PROCTITLE|USER_CMD|TTY|USER_TTY) [^\n]*")


def _command_lines(text, records_only):
    """(start, end) of the lines of `text` that may carry a command line or typed text:
    in a raw audit log, its EXECVE, PROCTITLE, USER_CMD, TTY and USER_TTY records (one
    regular expression: 1 ms a MB); in other text, any line with such a field."""
    if records_only:  # (the expression starts at a newline: one before the first line)
        return [(m.start(), m.end() - 1) for m in _COMMAND_RECORD.finditer("\n" + text)]
    spans, at = [], 0
    for line in text.split("\n"):
        if any(hint in line for hint in AUDIT_HINTS):
            spans.append((at, at + len(line)))
        at += len(line) + 1
    return spans


def _audit_fields(text, spans):
    """[[start, end, name, decoded, was hex]] per line of `spans` that carries a command
    line or typed text; offsets are into `text`.  Hex values are decoded all at once."""
    records, raw = [], []
    for start, end in spans:
        record = [list(m.span(2) + m.group(1, 2)) + [False]
                  for m in _AUDIT_FIELD.finditer(text, start, end)]
        if record:
            records.append(record)
            raw.extend(record)
    hexes = [f for f in raw if not f[3].startswith('"')]
    try:
        decoded = bytes.fromhex("0A".join(f[3] for f in hexes)).decode(
            "utf-8", "surrogateescape").split("\n")
    except ValueError:  # one is not hex (odd length): each on its own
        decoded = None
    if decoded is None or len(decoded) != len(hexes):
        decoded = []
        for f in hexes:
            try:
                decoded.append(bytes.fromhex(f[3]).decode("utf-8", "surrogateescape"))
            except ValueError:
                decoded.append(None)
    for f, value in zip(hexes, decoded):
        f[3], f[4] = value, True
    for f in raw:
        if not f[4]:
            f[3] = f[3][1:-1]
    records = [[f for f in record if f[3] is not None] for record in records]
    return [record for record in records if record]


COMMAND_BLOCK = 32  # command records judged together by _may_hold_secrets


def _may_hold_secrets(text, spans):
    """Whether a trigger word or a shape's word is in the command fields of these record
    lines: the fields found with one expression, the hex values decoded at once, searched
    together (most logs have none: then nothing more is done)."""
    values = _AUDIT_FIELD.findall("\n".join(text[start:end] for start, end in spans))
    if not values:
        return False
    try:
        decoded = bytes.fromhex("0A".join(v for _n, v in values if not v.startswith('"')))
    except ValueError:
        return True  # one is not hex: the fields one by one
    blob = "\n".join([v[1:-1] for _n, v in values if v.startswith('"')] +
                      [decoded.decode("utf-8", "surrogateescape").replace("\0", "\n")])
    return bool(_hot_positions(blob)) or _shapes_hint(blob)


def audit_records(text, prefilter=True, records_only=False):
    """EXECVE arguments, PROCTITLE, USER_CMD `cmd` and TTY `data`, decoded, judged as a
    command line and as text, and written again (hex stays hex) where they changed.
    The decoded values are searched together, one a line, for the trigger words; only
    the records they are found in are judged."""
    spans = _command_lines(text, records_only)
    if prefilter and records_only:  # only the blocks of records where something is
        blocks = [spans[at:at + COMMAND_BLOCK] for at in range(0, len(spans), COMMAND_BLOCK)]
        spans = [span for block in blocks if _may_hold_secrets(text, block) for span in block]
    records = _audit_fields(text, spans)
    if not records:
        return text
    fields = [f for record in records for f in record]
    values = [f[3] for f in fields]
    joined = "\n".join(values)
    one_line_each = joined.count("\n") == len(values) - 1  # no value holds a newline
    if "\0" in joined:
        joined = joined.replace("\0", "\n")  # PROCTITLE's arguments, one a line
    first = list(itertools.accumulate([0] + [len(r) for r in records]))  # of each record
    if not prefilter or not one_line_each:
        hot = range(len(records))
    else:
        hits = _hot_positions(joined)
        if not hits and not _shapes_hint(joined):
            return text
        # the field of a position: the newlines before it, NULs not counted
        raw = "\n".join(values)
        hot = sorted(set(bisect.bisect_right(first, field) - 1
                         for field in _line_numbers(raw, hits)))
    for r in hot:  # a command line: EXECVE's arguments, PROCTITLE's NULs
        record, at = records[r], first[r]
        args = [i for i, f in enumerate(record) if f[2][0] == "a"]
        for i, new in zip(args, _judge_argv([record[i][3] for i in args])):
            values[at + i] = new
        for i, f in enumerate(record):
            if f[2] == "proctitle":
                values[at + i] = "\0".join(_judge_argv(f[3].split("\0")))
    joined = "\n".join(values).replace("\0", "\n")
    redacted = _each_line(_shapes(joined, prefilter), _whole_line, prefilter)
    if redacted != joined:  # the text rules, on every value at once, a line each
        lines, at = redacted.split("\n"), 0
        for i, value in enumerate(values):
            parts = value.split("\0")
            count = sum(p.count("\n") + 1 for p in parts)
            values[i] = _rejoin(parts, lines[at:at + count])
            at += count
    out, last = [], 0
    for f, new in zip(fields, values):
        if new != f[3]:
            out.append(text[last:f[0]])
            out.append(_encode_field(new, f[4]))
            last = f[1]
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def _rejoin(parts, pieces):
    """The NUL-separated value whose parts (each possibly several lines) became pieces."""
    out, at = [], 0
    for part in parts:
        count = part.count("\n") + 1
        out.append("\n".join(pieces[at:at + count]))
        at += count
    return "\0".join(out)


# A raw audit record (what auditd writes; `ausearch -i` output, whose records say
# "msg=audit(DATE TIME) : ", is judged as text).  Lines are told apart by their first
# bytes only: the search stops at each newline for a few bytes.
_RECORD = re.compile(r"(?:node=\S+ )?type=\S+ msg=audit\(\d+\.\d+:\d+\): ")
_NOT_RECORD = re.compile(r"\n(?!type=|node=|\Z)")
MAX_OTHER_LINES = 256  # more lines that are not records: the text is judged as text


def audit_log(text, redact_text):
    """`text` redacted as an audit log, or None when it is not one.  In a record, the
    fields that carry a command line or typed text (EXECVE arguments, PROCTITLE, USER_CMD
    cmd, TTY data) are decoded and judged by every rule; the other fields are numbers,
    names, paths and contexts that the kernel and auditd write, and are kept.  Lines that
    are not records (a syslog line, an `ausearch -i` line) are judged as text, one by one,
    with `redact_text(line, True)` (redact.py's `_redact_text`, given by the caller)."""
    if not _RECORD.match(text) or ") : " in text:
        return None
    others = []
    for match in _NOT_RECORD.finditer(text):
        others.append(match.start() + 1)
        if len(others) > MAX_OTHER_LINES:
            return None
    out, last = [], 0
    for start in others:
        end = text.find("\n", start)
        end = len(text) if end == -1 else end
        line = text[start:end]
        new = redact_text(line, True)
        if new != line:
            out.append(text[last:start])
            out.append(new)
            last = end
    if out:
        out.append(text[last:])
        text = "".join(out)
    return audit_records(text, records_only=True)
