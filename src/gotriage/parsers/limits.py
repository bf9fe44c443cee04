"""Resource limits: limits.conf(5) rules and /proc/PID/limits.

limits.conf sample (EL7 /etc/security/limits.d/20-nproc.conf):

>>> rules, bad = parse_limits_conf('''*          soft    nproc     4096
... root       soft    nproc     unlimited
... ''', "/etc/security/limits.d/20-nproc.conf")
>>> for r in rules:
...     print(r.line, r.domain, r.type, r.item, r.value)
1 * soft nproc 4096
2 root soft nproc inf
>>> bad
[]

Which rule applies: root's own one for root, the '*' one (not root's) for alice:

>>> applicable(rules, "root")[("nproc", "soft")].value, applicable(rules, "alice")[("nproc", "soft")].value
(inf, 4096)

/proc/self/limits sample:

>>> limits = parse_proc_limits('''Limit                     Soft Limit           Hard Limit           Units
... Max processes             9                    99                   processes
... Max open files            1024                 4096                 files
... ''')
>>> limits["Max open files"], limits["Max processes"]
((1024, 4096), (9, 99))

A Go 1.21 server started with `prlimit --nofile=1024:8192` (Go 1.19+ raised its soft
limit to the hard one; tests/data/proc/limits/go1.21-hard8192, recorded on Debian 12):

>>> parse_proc_limits('''Limit                     Soft Limit           Hard Limit           Units
... Max stack size            8388608              unlimited            bytes
... Max open files            8192                 8192                 files
... ''')
{'Max stack size': (8388608, inf), 'Max open files': (8192, 8192)}

`systemctl show -p MainPID -p LimitNOFILE -p LimitNOFILESoft -p NeedDaemonReload UNIT`
(systemd 252: a unit whose file was edited after it was loaded, not running):

>>> props = parse_show('''MainPID=0
... LimitNOFILE=2048
... LimitNOFILESoft=2048
... NeedDaemonReload=yes
... ''')
>>> props["MainPID"], limit_pair(props, "LimitNOFILE"), props["NeedDaemonReload"]
('0', (2048, 2048), 'yes')
>>> limit_pair({"DefaultLimitNOFILE": "524288", "DefaultLimitNOFILESoft": "1024"}, "DefaultLimitNOFILE")
(1024, 524288)

The unit a process runs in, from /proc/PID/cgroup (cgroup v2, and v1's name=systemd
hierarchy on EL7); a process no unit started (a shell of the test machine) has none:

>>> cgroup_unit("0::/system.slice/app.service\\n"), cgroup_unit("1:name=systemd:/system.slice/app.service\\n")
('app.service', 'app.service')
>>> cgroup_unit("9:name=systemd:/\\n4:memory:/process_api/bcba0ed1\\n0::/\\n") is None
True
"""

import re

UNLIMITED = float("inf")


class LimitRule(object):
    __slots__ = ("domain", "type", "item", "value", "path", "line", "text")

    def __init__(self, domain, type, item, value, path, line, text):
        self.domain, self.type, self.item, self.value = domain, type, item, value
        self.path, self.line, self.text = path, line, text


_DIGITS = re.compile(r"[0-9]+\Z")  # not str.isdigit(): "²" is a digit to it, not to int()


def _value(text):
    if text in ("unlimited", "infinity", "-1"):
        return UNLIMITED
    return int(text) if _DIGITS.match(text) else None


def parse_limits_conf(text, path="/etc/security/limits.conf"):
    """(rules, bad lines): rules as LimitRule, bad lines as (line number, text)."""
    rules, bad = [], []
    for number, raw in enumerate((text or "").splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        fields = line.split()
        if len(fields) != 4 or fields[1] not in ("soft", "hard", "-"):
            bad.append((number, raw))
            continue
        value = _value(fields[3])
        if value is None:
            bad.append((number, raw))
            continue
        rules.append(LimitRule(fields[0], fields[1], fields[2], value, path, number, raw.strip()))
    return rules, bad


def applicable(rules, user, groups=()):
    """{(item, 'soft'|'hard'): rule} in effect for `user`, as pam_limits decides: a rule
    for the user beats one for its @group, which beats the '*' default; later files
    (limits.d in order, read after limits.conf) win among equals.  Group and wildcard
    rules do not apply to root (limits.conf(5))."""
    ranked = {}
    for rule in rules:
        if rule.domain == user:
            rank = 3
        elif rule.domain.startswith("@") and rule.domain[1:] in groups and user != "root":
            rank = 2
        elif rule.domain == "*" and user != "root":  # '*' does not apply to root
            rank = 1
        else:
            continue
        for kind in (("soft", "hard") if rule.type == "-" else (rule.type,)):
            key = (rule.item, kind)
            if key not in ranked or rank >= ranked[key][0]:
                ranked[key] = (rank, rule)
    return {k: v[1] for k, v in ranked.items()}


_PROC_LINE = re.compile(r"^(?P<name>Max [a-z ]+?)\s{2,}(?P<soft>\S+)\s+(?P<hard>\S+)")


def parse_proc_limits(text):
    """{'Max open files': (soft, hard)} from /proc/PID/limits (unlimited = inf)."""
    out = {}
    for line in (text or "").splitlines():
        match = _PROC_LINE.match(line)
        if match:
            out[match.group("name")] = (_value(match.group("soft")), _value(match.group("hard")))
    return out


def parse_show(text):
    """{property: value} from `systemctl show -p ...` (one NAME=value a line)."""
    out = {}
    for line in (text or "").splitlines():
        name, sep, value = line.partition("=")
        if sep and name and " " not in name:
            out[name] = value
    return out


def limit_pair(props, name):
    """(soft, hard) of a limit property of `systemctl show` (NAME is the hard limit,
    NAMESoft the soft one since systemd 229; before, NAME alone), unlimited = inf; None
    when absent or not a number."""
    hard = _value(props.get(name, "").strip())
    if hard is None:
        return None
    soft = _value(props.get(name + "Soft", "").strip())
    return (soft if soft is not None else hard), hard


def cgroup_unit(text):
    """The service or scope unit a process runs in, from /proc/PID/cgroup (the unified
    hierarchy `0::`, else systemd's own `name=systemd`), or None."""
    paths = {}
    for line in (text or "").splitlines():
        parts = line.split(":", 2)
        if len(parts) == 3:
            paths[parts[1]] = parts[2]
    for key in ("", "name=systemd"):
        for part in reversed(paths.get(key, "").split("/")):
            if part.endswith((".service", ".scope")):
                return part
    return None
