"""sudoers(5): the `Defaults` that decide the environment of `sudo go ...`, and includes.

Sample (RHEL 10 /etc/sudoers, from the sudo SRPM; its rule line has tabs):

>>> sudoers = parse_sudoers('''Defaults    env_reset
... Defaults    env_keep =  "COLORS DISPLAY HOSTNAME HISTSIZE KDEDIR LS_COLORS"
... Defaults    env_keep += "MAIL PS1 PS2 QTDIR USERNAME LANG LC_ADDRESS LC_CTYPE"
... Defaults    secure_path = /sbin:/bin:/usr/sbin:/usr/bin
... root\\tALL=(ALL) \\tALL
... #includedir /etc/sudoers.d
... ''')
>>> for d in sudoers.defaults:
...     print(d.line, d.name, d.op, d.value)
1 env_reset None None
2 env_keep = COLORS DISPLAY HOSTNAME HISTSIZE KDEDIR LS_COLORS
3 env_keep += MAIL PS1 PS2 QTDIR USERNAME LANG LC_ADDRESS LC_CTYPE
4 secure_path = /sbin:/bin:/usr/sbin:/usr/bin
>>> sudoers.includes
[('includedir', '/etc/sudoers.d', '/etc/sudoers', 6)]

What `sudo go` gets from alice's shell, as root:

>>> policy = effective_policy(sudoers, "alice")
>>> policy.env_reset, policy.secure_path_line.line, "LANG" in policy.env_keep
(True, 4, True)
>>> env = sudo_environment(policy, {"PATH": "/home/alice/go/bin:/usr/bin", "GOPATH": "/home/alice/go",
...                                 "LANG": "C.UTF-8", "HOME": "/home/alice"})
>>> print(env["PATH"], env["HOME"], env["LANG"], "GOPATH" in env)
/sbin:/bin:/usr/sbin:/usr/bin /root C.UTF-8 False

Only what matters for the environment is modelled: Defaults (with their binding, such
as `Defaults:alice`), `#include`/`@include` and `#includedir`/`@includedir`.
"""

import re

_DEFAULTS = re.compile(r"^Defaults(?P<binding>[:>@!]\s*\S+)?\s+(?P<body>.*)$")
_INCLUDE = re.compile(r"^[#@](?P<kind>include|includedir)\s+(?P<path>\S.*?)\s*$")
_SETTING = re.compile(r"^(?P<neg>!*)\s*(?P<name>[A-Za-z_]+)\s*(?:(?P<op>\+=|-=|=)\s*(?P<value>.*))?$")


class SudoDefault(object):
    """One setting of a Defaults line."""

    __slots__ = ("name", "op", "value", "negated", "binding", "source", "line", "text")

    def __init__(self, name, op, value, negated, binding, source, line, text):
        self.name = name
        self.op = op  # None for a flag, "=", "+=" or "-="
        self.value = value
        self.negated = negated
        self.binding = binding  # None, or ":alice", ">root", "@host", "!cmnd"
        self.source = source
        self.line = line
        self.text = text

    def __repr__(self):
        return "SudoDefault(%s %s %r)" % (self.name, self.op, self.value)


class Sudoers(object):
    def __init__(self):
        self.defaults = []
        self.includes = []  # (kind, path, source, line)


def _logical_lines(text):
    """(line number, text) with backslash continuations joined."""
    pending, start = "", None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        if start is None:
            start = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        yield start, pending + line
        pending, start = "", None
    if pending:
        yield start, pending


def _split_settings(body):
    """Split `a, b="x, y", c` on commas outside quotes."""
    parts, current, quoted, escaped = [], [], False, False
    for ch in body:
        if escaped:
            current.append(ch)
            escaped = False
        elif ch == "\\":
            current.append(ch)
            escaped = True
        elif ch == '"':
            quoted = not quoted
            current.append(ch)
        elif ch == "," and not quoted:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    parts.append("".join(current).strip())
    return [p for p in parts if p]


def _unquote(value):
    """A Defaults value as sudo reads it (checked with sudo 1.9.13): in double quotes only
    \\" is an escape (every other backslash stays); unquoted, a backslash escapes the next
    character (`/b\\ c` is "/b c")."""
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1].replace('\\"', '"')
    out, escaped = [], False
    for ch in value:
        if escaped or ch != "\\":
            out.append(ch)
            escaped = False
        else:
            escaped = True
    return "".join(out)


def parse_sudoers(text, source="/etc/sudoers", into=None):
    """Parse one sudoers file; pass `into` to accumulate included files in order."""
    result = into if into is not None else Sudoers()
    for number, line in _logical_lines(text or ""):
        stripped = line.strip()
        match = _INCLUDE.match(stripped)
        if match:
            result.includes.append((match.group("kind"), match.group("path"), source, number))
            continue
        if not stripped or stripped.startswith("#"):
            continue
        match = _DEFAULTS.match(stripped)
        if not match:
            continue
        binding = (match.group("binding") or "").replace(" ", "") or None
        for setting in _split_settings(match.group("body")):
            m = _SETTING.match(setting)
            if not m:
                continue
            value = _unquote(m.group("value")) if m.group("value") is not None else None
            result.defaults.append(SudoDefault(
                m.group("name"), m.group("op"), value, len(m.group("neg")) % 2 == 1,
                binding, source, number, stripped))
    return result


# sudo's built-in defaults on EL (sudo -V as root): env_reset on, no secure_path.
_KEPT_WITH_ENV_RESET = ("TERM", "PATH", "HOME", "MAIL", "SHELL", "LOGNAME", "USER", "USERNAME")


class SudoPolicy(object):
    """The environment-related Defaults in effect for one invoking user (running a command
    as root), with the lines that set them (for evidence)."""

    def __init__(self):
        self.env_reset = True
        self.env_reset_line = None
        self.secure_path = None
        self.secure_path_line = None
        self.env_keep = []
        self.env_keep_lines = []
        self.always_set_home = False


def effective_policy(sudoers, user=None, groups=()):
    """Apply the Defaults lines that bind to everyone or to `user` (by name or %group)."""
    policy = SudoPolicy()
    for d in sudoers.defaults:
        if d.binding:
            if d.binding.startswith(":"):
                names = [n.strip() for n in d.binding[1:].split(",")]
                if not any(n == user or (n.startswith("%") and n[1:] in groups) or n == "ALL"
                           for n in names):
                    continue
            elif d.binding.startswith(">"):
                if d.binding[1:] not in ("root", "ALL"):
                    continue
            # Defaults@host and Defaults!cmnd are taken to apply (the common case).
        if d.name == "env_reset":
            policy.env_reset = not d.negated
            policy.env_reset_line = d
        elif d.name == "secure_path":
            policy.secure_path = None if d.negated else d.value
            policy.secure_path_line = d
        elif d.name == "env_keep":
            names = (d.value or "").split()
            if d.negated:
                policy.env_keep = []
            elif d.op == "=":
                policy.env_keep = names
            elif d.op == "+=":
                policy.env_keep = policy.env_keep + [n for n in names if n not in policy.env_keep]
            elif d.op == "-=":
                policy.env_keep = [n for n in policy.env_keep if n not in names]
            policy.env_keep_lines.append(d)
        elif d.name == "always_set_home":
            policy.always_set_home = not d.negated
    return policy


def sudo_environment(policy, invoking_env, target_home="/root", target_user="root",
                     target_shell="/bin/bash"):
    """The environment `sudo CMD` gives CMD (running as root), per sudoers(5)."""
    if policy.env_reset:
        env = {}
        for name in _KEPT_WITH_ENV_RESET:
            if name in invoking_env:
                env[name] = invoking_env[name]
        for pattern in policy.env_keep:
            for name, value in invoking_env.items():
                if name == pattern or (pattern.endswith("*") and name.startswith(pattern[:-1])):
                    env[name] = value
        # With env_reset, HOME, SHELL, LOGNAME and USER are set for the target user.
        env.update({"HOME": target_home, "SHELL": target_shell, "LOGNAME": target_user,
                    "USER": target_user})
    else:
        env = dict(invoking_env)
        if policy.always_set_home:
            env["HOME"] = target_home
    if policy.secure_path:
        env["PATH"] = policy.secure_path
    return env
