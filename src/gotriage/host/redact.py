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


def redact(text):
    """`text` with credentials replaced by <redacted>."""
    if not text:
        return text
    text = _URL_USERINFO.sub(lambda m: m.group("scheme") + MARK + "@", text)
    text = _NETRC.sub(lambda m: m.group("key") + MARK, text)
    text = _KEY_VALUE.sub(lambda m: m.group("key") + MARK
                          if m.group("value") != MARK else m.group(0), text)
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
