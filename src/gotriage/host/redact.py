"""Secrets out of snapshots.

`collect` passes every environment value, command output and text file through `redact`
before it writes anything.  Redaction is deterministic, so a command keyed by a redacted
environment is found again when `check --root` rebuilds that environment from the
redacted manifest.
"""

import re

MARK = "<redacted>"

# scheme://user:password@host  and  scheme://token@host
_URL_USERINFO = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^/\s@'\"]+)@")
# .netrc: "password SECRET", "account SECRET" (login names are kept: they say who)
_NETRC = re.compile(r"(?P<key>\b(?:password|passwd|account)\s+)(?P<value>\S+)")
# key=value or key: value where the key names a secret (GOFLAGS -ldflags=-X main.token=..)
# The lookbehind starts a key only where a word starts: from every position inside a long
# run of letters (a base64 blob) the search would be quadratic, minutes for 100 KB.
_KEY_VALUE = re.compile(
    r"(?P<key>(?<![A-Za-z0-9_.-])(?i:[A-Za-z0-9_.-]*(?:token|passwd|password|secret|api[_-]?key|access[_-]?key))"
    r"[\"']?\s*[=:]\s*[\"']?)(?P<value>[^\s\"'&,;]+)")
# Well-known token shapes (GitHub, GitLab)
_TOKENS = re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,})")

# Environment variables whose whole value is a secret.
_SECRET_NAME = re.compile(r"(?i)(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|ACCESS_?KEY|PRIVATE_KEY|CREDENTIAL)")


# Words each expression needs (its literal parts), looked for first with `in`: the
# expressions start with \b or a lookbehind, so the regular expression engine tries them
# at every character (about 0.25 s per MB of an audit log for the four), while `in` is a
# fast search: a text without any of these words is returned as it is.
_NETRC_ACCOUNT = re.compile(r"account\s")  # not "accounting", in every PAM audit record
_KEY_WORDS = ("token", "passw", "secret", "apikey", "api_key", "api-key", "accesskey",
              "access_key", "access-key")  # looked for in _folded(text)
_TOKEN_WORDS = ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-")


def _has(text, words):
    return any(word in text for word in words)


def _folded(text):
    """text as _KEY_VALUE's case-insensitive matching sees it: casefold (which, like the
    engine, folds the long s to s and the Kelvin sign to k), and the two letters the
    engine also matches to i (dotless i; dotted capital I, which casefolds to i and a
    combining dot)."""
    folded = text.casefold()
    if "\u0131" in folded or "\u0307" in folded:
        folded = folded.replace("\u0131", "i").replace("\u0307", "")
    return folded


def redact(text):
    """`text` with credentials replaced by <redacted>."""
    if not text:
        return text
    if "@" in text and "://" in text:  # "@", one byte, is found with memchr
        text = _URL_USERINFO.sub(lambda m: m.group("scheme") + MARK + "@", text)
    if "passw" in text or _NETRC_ACCOUNT.search(text):
        text = _NETRC.sub(lambda m: m.group("key") + MARK, text)
    if _has(_folded(text), _KEY_WORDS):
        text = _KEY_VALUE.sub(lambda m: m.group("key") + MARK
                              if m.group("value") != MARK else m.group(0), text)
    if _has(text, _TOKEN_WORDS):
        text = _TOKENS.sub(MARK, text)
    return text


def redact_env(env):
    """A copy of an environment with secret values redacted (None stays None)."""
    if env is None:
        return None
    out = {}
    for name, value in env.items():
        out[name] = MARK if (_SECRET_NAME.search(name) and value) else redact(value)
    return out


def redact_bytes(data):
    """Redact a file or output if it is text; binary data (an ELF...) is left alone."""
    if b"\0" in data[:8192]:
        return data
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    new = redact(text)
    return data if new == text else new.encode("utf-8")


STREAM_PIECE = 1 << 20


def redact_stream(pieces, piece_size=STREAM_PIECE):
    """redact_bytes over a file given as an iterable of byte pieces, with bounded memory:
    the text is redacted about `piece_size` bytes of whole lines at a time, so a secret on
    one line is never split (only a .netrc-style `password` with its value on the next
    line, which no log writes, could fall on a cut), and a run of 4 * piece_size bytes
    without a line end is passed on as one piece.  Yields the redacted pieces."""
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
