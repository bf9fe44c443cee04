"""Secrets out of snapshots: the entry points.

`collect` passes every environment value (`redact_env`), command output and text file
(`redact_bytes`; `redact_stream` for a file read in ranges) through `redact` before it
writes anything.  A secret is recognised by its shape, by the name it is assigned to
and by the command that takes it: the rules are in redact_rules.py, and
docs/snapshot-format.md, "Secrets", lists every one and what is deliberately kept.  An
audit log is judged through its EXECVE, PROCTITLE, USER_CMD and TTY records, whose hex
fields are decoded to be judged and rewritten whole when they hold a secret
(redact_audit.py, imported on first use, not with this module: its expressions are
compiled then).  redact_audit.py imports only redact_rules.py; the lines of a log that
are not records it judges as text with `_redact_text`, which `_redact` hands to
`audit_log` (and which may itself call `audit_records`), so there is no import cycle.

Redaction is deterministic, and it is the same on a value and on the file it came from:
a unit's environment, built on replay from the redacted unit file and EnvironmentFile,
equals the recorded environment passed through `redact_env`, so the `go env` probe keyed
by it is found again (tests/test_redact.py checks this with the project's own parsers).
Text without a secret comes out byte for byte as it went in.
"""

import re

from gotriage.host.redact_rules import (
    AUDIT_HINTS,
    MARK,
    _each_line,
    _netrc,
    _netrc_like,
    _shapes,
    _value_rule,
    _whole_line,
    is_secret,
)


# -- the entry points ---------------------------------------------------------------------------
def _redact_value(text, prefilter=True):
    """The rules for a value (an environment variable's, one audit field's): shapes, and
    names and command lines inside it."""
    if not text:
        return text
    return _each_line(_shapes(text, prefilter), _value_rule, prefilter)


def _redact_text(text, prefilter):
    text = _shapes(text, prefilter)
    if _netrc_like(text):
        text = _netrc(text)
    if not prefilter or any(hint in text for hint in AUDIT_HINTS):
        from gotriage.host.redact_audit import audit_records

        text = audit_records(text, prefilter)
    return _each_line(text, _whole_line, prefilter)


def _redact(text, prefilter=True):
    """redact(); without the prefilter, every rule runs on every line (the reference the
    tests compare the fast paths with)."""
    if not text:
        return text
    if prefilter:
        from gotriage.host.redact_audit import audit_log

        audit = audit_log(text, _redact_text)
        if audit is not None:
            return audit
    return _redact_text(text, prefilter)


def redact(text):
    """`text` with credentials replaced by <redacted>."""
    return _redact(text)


def env_value(name, value):
    """An environment variable's value as a snapshot stores it."""
    if value is None:
        return None
    if is_secret(name, value):
        return MARK
    return _redact_value(value)


def redact_env(env):
    """A copy of an environment with secret values redacted (None stays None)."""
    if env is None:
        return None
    return dict((name, env_value(name, value)) for name, value in env.items())


_ENV_RECORD = re.compile(r"\n*[A-Za-z_][A-Za-z0-9_]*=")
_ENV_RECORD_BYTES = re.compile(br"\n*[A-Za-z_][A-Za-z0-9_]*=")


def _env_dump(text):
    """`env -0` output (NUL-separated NAME=value records: a login environment) with each
    value as redact_env stores it, or None when `text` is not one."""
    records = text.split("\0")
    named = sum(1 for r in records if _ENV_RECORD.match(r))
    if named * 10 < 9 * sum(1 for r in records if r):
        return None
    out = []
    for record in records:
        name, sep, value = record.partition("=")
        if sep:
            out.append(name + "=" + env_value(name.lstrip("\n"), value))
        else:
            out.append(redact(record))
    return "\0".join(out)


MAX_TEXT_NULS = 8  # a text (a log) may hold a stray NUL; an ELF holds thousands


def redact_bytes(data):
    """Redact a file or output if it is text or an environment dump (`env -0`); binary
    data (more than MAX_TEXT_NULS NULs in its first 8 KiB: an ELF, an archive) is left
    alone.  Bytes that are not UTF-8 are carried through unchanged."""
    nuls = data.count(b"\0", 0, 8192)
    new = None
    if nuls:
        if _ENV_RECORD_BYTES.match(data):
            text = data.decode("utf-8", "surrogateescape")
            new = _env_dump(text)
        if new is None and nuls > MAX_TEXT_NULS:
            return data
    if new is None:
        text = data.decode("utf-8", "surrogateescape")
        new = redact(text)
    return data if new == text else new.encode("utf-8", "surrogateescape")


STREAM_PIECE = 1 << 20


def redact_stream(pieces, piece_size=STREAM_PIECE):
    """redact_bytes over a file given as an iterable of byte pieces, with bounded memory:
    the text is redacted about `piece_size` bytes of whole lines at a time, so a secret on
    one line is never split (only a secret over several lines: a .netrc-style `password`
    with its value on the next line, a PEM block, which no log writes, could fall on a
    cut), and a run of 4 * piece_size bytes without a line end is passed on as one piece.
    Yields the redacted pieces."""
    pending = b""
    for piece in pieces:
        pending = pending + piece if pending else piece
        if len(pending) < piece_size:
            continue
        cut = pending.rfind(b"\n") + 1
        if cut == 0:
            if len(pending) < 4 * piece_size:
                continue
            cut = len(pending)
        yield redact_bytes(pending[:cut])
        pending = pending[cut:]
    if pending:
        yield redact_bytes(pending)
