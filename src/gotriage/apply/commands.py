"""The commands `--apply` may run (pure): for each, how its effect is learnt before it
runs, whether it is already in effect, and how it is undone.

A fix command gotriage runs for the user must be one it can take back: when a later
step fails, the engine undoes the earlier ones (docs/apply.md, "Rollback").  So --apply
runs only the kinds below, each bound to the argv a check printed; any other command
(`useradd`, `go mod tidy`, `rpm -e`, `touch /.autorelabel`...) is a manual step: the
plan prints it and says why it is not run.

A bound command has
  query    what to run before it to learn the state it changes (None: nothing to learn,
           or `capture` says what the engine reads itself: labels, modes)
  applied  query result -> True when the change is already in effect (the step is
           skipped: a second --apply changes nothing)
  undo     query result -> the operations that put the state back:
           ("run", argv) | ("label", path, label) | ("mode", path, mode) |
           ("owner", path, uid, gid)

>>> bind(["setsebool", "-P", "httpd_can_network_connect", "on"]).query
['getsebool', 'httpd_can_network_connect']
>>> bind(["useradd", "-r", "api"]) is None
True
>>> reload_of(["firewall-cmd", "--reload"])
'firewalld'
"""

import re

TRUE_WORDS = ("1", "on", "true")
FALSE_WORDS = ("0", "off", "false")

# What --apply reloads, by name: the argv that reloads it.
RELOADS = {
    "systemd": ["systemctl", "daemon-reload"],
    "firewalld": ["firewall-cmd", "--reload"],
}


class Query(object):
    """What the engine learnt before running a command: the query's exit status and
    output, or what it captured itself (`captured`: a dict)."""

    __slots__ = ("status", "out", "captured")

    def __init__(self, status=0, out="", captured=None):
        self.status, self.out, self.captured = status, out, captured or {}


class Bound(object):
    """A fix command --apply can run, undo and skip when already done."""

    __slots__ = ("argv", "name", "query", "capture", "applied", "undo", "after_reload")

    def __init__(self, argv, name, query=None, capture=None, applied=None, undo=None,
                 after_reload=False):
        self.argv, self.name, self.query, self.capture = list(argv), name, query, capture
        self.applied = applied or (lambda q: False)
        self.undo = undo or (lambda q: [])
        # runs after the reloads (enabling a unit systemd must have read first)
        self.after_reload = after_reload


def reload_of(argv):
    """The reload (a RELOADS key) that `argv` is, or None."""
    for name, reload_argv in RELOADS.items():
        if list(argv) == reload_argv:
            return name
    return None


def restart_of(argv):
    """The unit `systemctl restart UNIT` restarts, or None."""
    if len(argv) == 3 and argv[:2] == ["systemctl", "restart"] and not argv[2].startswith("-"):
        return argv[2]
    return None


def bind(argv):
    """The Bound of a fix command, or None when --apply does not run it."""
    argv = list(argv)
    for binder in (_setsebool, _firewall, _semanage_port, _semanage_fcontext, _restorecon,
                   _chmod, _chown, _chcon, _enable_now):
        bound = binder(argv)
        if bound is not None:
            return bound
    return None


def _bool_word(value):
    value = value.lower()
    if value in TRUE_WORDS:
        return "on"
    if value in FALSE_WORDS:
        return "off"
    return None


def _getsebool_value(out):
    """'httpd_can_network_connect --> off' -> 'off'."""
    match = re.search(r"-->\s*(on|off)\b", out)
    return match.group(1) if match else None


def _setsebool(argv):
    if len(argv) != 4 or argv[:2] != ["setsebool", "-P"] or not re.match(r"^\w+$", argv[2]):
        return None
    name, wanted = argv[2], _bool_word(argv[3])
    if wanted is None:
        return None

    def undo(q):
        old = _getsebool_value(q.out)
        return [("run", ["setsebool", "-P", name, old])] if old else []
    return Bound(argv, "setsebool", query=["getsebool", name],
                 applied=lambda q: q.status == 0 and _getsebool_value(q.out) == wanted,
                 undo=undo)


_FIREWALL_CHANGE = re.compile(r"^--(add|remove)-(port|service|rich-rule|source-port)=(.+)$",
                              re.S)


def _firewall(argv):
    """firewall-cmd --permanent [--zone=Z] --add-port=P/PROTO (or service, rich rule,
    source port; or --remove-...): the permanent configuration, queried with --query-."""
    if not argv or argv[0] != "firewall-cmd" or "--permanent" not in argv:
        return None
    rest = [a for a in argv[1:] if a != "--permanent"]
    zone = [a for a in rest if a.startswith("--zone=")]
    change = [a for a in rest if not a.startswith("--zone=")]
    if len(zone) > 1 or len(change) != 1:
        return None
    match = _FIREWALL_CHANGE.match(change[0])
    if not match:
        return None
    verb, what, value = match.groups()
    head = ["firewall-cmd", "--permanent"] + zone
    opposite = "remove" if verb == "add" else "add"

    def applied(q):
        # --query-* exits 0 when the item is in the configuration, 1 when it is not
        present = q.status == 0
        return present if verb == "add" else (q.status == 1)
    return Bound(argv, "firewall-cmd", query=head + ["--query-%s=%s" % (what, value)],
                 applied=applied,
                 undo=lambda q: [("run", head + ["--%s-%s=%s" % (opposite, what, value)])])


def _local_ports(out):
    """`semanage port -l -C` -> {(proto, port text): type}.

    >>> _local_ports("SELinux Port Type  Proto  Port Number\\n\\nhttp_port_t  tcp  8080, 9000-9010\\n")
    {('tcp', '8080'): 'http_port_t', ('tcp', '9000-9010'): 'http_port_t'}
    """
    found = {}
    for line in out.splitlines():
        parts = line.split(None, 2)
        if len(parts) == 3 and parts[1] in ("tcp", "udp", "sctp", "dccp"):
            for port in parts[2].split(","):
                found[(parts[1], port.strip())] = parts[0]
    return found


def _semanage_port(argv):
    if len(argv) != 8 or argv[:2] != ["semanage", "port"] or argv[2] not in ("-a", "-m") \
            or argv[3] != "-t" or argv[5] != "-p":
        return None
    wanted, proto, port = argv[4], argv[6], argv[7]
    if not re.match(r"^\d+(-\d+)?$", port):
        return None

    def undo(q):
        before = _local_ports(q.out).get((proto, port))
        if before is None:
            return [("run", ["semanage", "port", "-d", "-t", wanted, "-p", proto, port])]
        return [("run", ["semanage", "port", "-m", "-t", before, "-p", proto, port])]
    return Bound(argv, "semanage port", query=["semanage", "port", "-l", "-C"],
                 applied=lambda q: q.status == 0 and _local_ports(q.out).get((proto, port))
                 == wanted, undo=undo)


def _local_fcontexts(out):
    """`semanage fcontext -l -C` -> {pattern: type}.

    >>> _local_fcontexts("/srv/api(/.*)?   all files   system_u:object_r:httpd_sys_content_t:s0\\n")
    {'/srv/api(/.*)?': 'httpd_sys_content_t'}
    """
    found = {}
    for line in out.splitlines():
        match = re.match(r"^(\S+)\s+.*?\s(\w+):(\w+):(\w+)(:\S+)?\s*$", line)
        if match and match.group(1).startswith("/"):
            found[match.group(1)] = match.group(4)
    return found


def _semanage_fcontext(argv):
    if len(argv) != 6 or argv[:5] != ["semanage", "fcontext", "-a", "-t", argv[4]] \
            or not argv[5].startswith("/"):
        return None
    wanted, pattern = argv[4], argv[5]
    return Bound(argv, "semanage fcontext", query=["semanage", "fcontext", "-l", "-C"],
                 applied=lambda q: q.status == 0 and _local_fcontexts(q.out).get(pattern)
                 == wanted,
                 undo=lambda q: [("run", ["semanage", "fcontext", "-d", pattern])])


def _restorecon(argv):
    """restorecon [-v] [-R] [-F] PATH: the labels before are captured (a tree's too, up
    to the engine's bound) and set back on undo."""
    if len(argv) < 2 or argv[0] != "restorecon" or not argv[-1].startswith("/"):
        return None
    flags = "".join(a[1:] for a in argv[1:-1] if re.match(r"^-[RvF]+$", a))
    if len(flags) != sum(len(a) - 1 for a in argv[1:-1]):
        return None
    path = argv[-1]
    return Bound(argv, "restorecon", capture=("labels", path, "R" in flags),
                 undo=lambda q: [("label", p, label) for p, label in
                                 sorted(q.captured.get("labels", {}).items())])


def _target(argv, first):
    """The operands of chmod/chown/chcon ARG [--] PATH (one path, absolute)."""
    rest = argv[first:]
    if rest[:1] == ["--"]:
        rest = rest[1:]
    return rest[0] if len(rest) == 1 and rest[0].startswith("/") else None


def _chmod(argv):
    if len(argv) < 3 or argv[0] != "chmod" or not re.match(r"^0?[0-7]{3,4}$", argv[1]):
        return None
    path = _target(argv, 2)
    if path is None:
        return None
    wanted = int(argv[1], 8)
    return Bound(argv, "chmod", capture=("stat", path, False),
                 applied=lambda q: q.captured.get("mode") == wanted,
                 undo=lambda q: [("mode", path, q.captured["mode"])] if "mode" in q.captured
                 else [])


def _chown(argv):
    if len(argv) < 3 or argv[0] != "chown" or not re.match(r"^\d+:\d+$", argv[1]):
        return None
    path = _target(argv, 2)
    if path is None:
        return None
    uid, gid = (int(x) for x in argv[1].split(":"))
    return Bound(argv, "chown", capture=("stat", path, False),
                 applied=lambda q: (q.captured.get("uid"), q.captured.get("gid")) == (uid, gid),
                 undo=lambda q: [("owner", path, q.captured["uid"], q.captured["gid"])]
                 if "uid" in q.captured else [])


def _chcon(argv):
    if len(argv) < 3 or argv[0] != "chcon":
        return None
    rest = argv[1:]
    if rest[:1] == ["--"]:
        rest = rest[1:]
    if len(rest) != 2 or rest[0].count(":") < 3 or not rest[1].startswith("/"):
        return None
    label, path = rest
    return Bound(argv, "chcon", capture=("labels", path, False),
                 applied=lambda q: q.captured.get("labels", {}).get(path) == label,
                 undo=lambda q: [("label", p, old) for p, old in
                                 sorted(q.captured.get("labels", {}).items())])


def _enable_now(argv):
    """systemctl enable --now UNIT: after the reloads; skipped when the unit is enabled
    and active; undone by disable --now."""
    if len(argv) != 4 or argv[:3] != ["systemctl", "enable", "--now"] \
            or argv[3].startswith("-"):
        return None
    unit = argv[3]
    return Bound(argv, "systemctl enable", query=["systemctl", "is-enabled", unit],
                 applied=lambda q: q.status == 0 and q.out.strip() == "enabled",
                 undo=lambda q: [("run", ["systemctl", "disable", "--now", unit])],
                 after_reload=True)
