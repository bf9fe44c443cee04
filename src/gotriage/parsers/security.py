"""Parsers of the files the security layer reads: sshd_config (and its Include'd
drop-ins), PAM files' nullok, /etc/shadow as the host gives it (hashes already dropped:
host/redact_shadow.py).  Pure: text in, records out."""

import re


class SshdLine(object):
    """One keyword line of an sshd_config file: the keyword lower-cased, its value,
    where it is, and whether it is inside a Match block (then it is not a global value)."""

    __slots__ = ("keyword", "value", "path", "line", "text", "in_match")

    def __init__(self, keyword, value, path, line, text, in_match):
        self.keyword, self.value, self.path = keyword, value, path
        self.line, self.text, self.in_match = line, text, in_match


def parse_sshd_config(text, path="/etc/ssh/sshd_config"):
    """The keyword lines of an sshd_config file, in order (comments and blank lines
    left out; `Keyword=value` is read as sshd reads it).  A real RHEL 9 sample:

    >>> lines = parse_sshd_config(
    ...     "# To modify the system-wide sshd configuration, create a  *.conf  file under\\n"
    ...     "Include /etc/ssh/sshd_config.d/*.conf\\n"
    ...     "#PermitRootLogin prohibit-password\\n"
    ...     "PermitRootLogin no   # set by hand\\n"
    ...     "Match User anoncvs\\n"
    ...     "\\tPermitRootLogin yes\\n")
    >>> [(l.keyword, l.value, l.line, l.in_match) for l in lines]
    [('include', '/etc/ssh/sshd_config.d/*.conf', 2, False), ('permitrootlogin', 'no', 4, False), \
('match', 'User anoncvs', 5, True), ('permitrootlogin', 'yes', 6, True)]
    """
    out = []
    in_match = False
    for number, raw in enumerate((text or "").splitlines(), 1):
        stripped = raw.split("#", 1)[0].strip()
        if not stripped:
            continue
        match = re.match(r"([A-Za-z][A-Za-z0-9]*)\s*(?:=\s*|\s+)(.*)$", stripped)
        if not match:
            continue
        keyword, value = match.group(1).lower(), match.group(2).strip()
        if keyword == "match":
            in_match = True
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        out.append(SshdLine(keyword, value, path, number, raw.strip(), in_match))
    return out


def nullok_lines(text):
    """(line number, line) of the PAM lines that use `nullok` (comments left out).  The
    pam_unix lines of a real RHEL 9 system-auth (authselect's sssd profile):

    >>> nullok_lines("auth        sufficient    pam_unix.so nullok\\n"
    ...              "#password  sufficient    pam_unix.so nullok\\n"
    ...              "password    sufficient    pam_unix.so sha512 shadow use_authtok\\n")
    [(1, 'auth        sufficient    pam_unix.so nullok')]
    """
    found = []
    for number, raw in enumerate((text or "").splitlines(), 1):
        body = raw.split("#", 1)[0]
        if re.search(r"\bnullok\b", body):
            found.append((number, raw.strip()))
    return found


def parse_shadow(text):
    """(account, state, line) for each account of a shadow file as the host gives it
    (hashes already replaced by <hash>): state "empty" (no password: anyone logs in
    where PAM allows nullok), "locked" ("!" or "*" in front) or "password".

    >>> parse_shadow("root:<hash>:19000:0:99999:7:::\\nbin:*:19000:0:99999:7:::\\n"
    ...              "guest::19000::::::\\nold:!!<hash>:19000::::::\\n")
    [('root', 'password', 1), ('bin', 'locked', 2), ('guest', 'empty', 3), ('old', 'locked', 4)]
    """
    out = []
    for number, raw in enumerate((text or "").splitlines(), 1):
        fields = raw.split(":")
        if len(fields) < 2 or not fields[0]:
            continue
        password = fields[1]
        state = "empty" if password == "" else "locked" if password[0] in "!*" else "password"
        out.append((fields[0], state, number))
    return out
