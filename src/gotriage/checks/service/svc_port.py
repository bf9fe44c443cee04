"""SVC-PORT: a port below 1024 the program listens on can be bound (User=, the
capability sets, file capabilities, NoNewPrivileges=)."""

import re

from gotriage.checks import check
from gotriage.checks.service._common import LAYER, _dropin, _f, _loaded, _memo, _reload
from gotriage.findings import Action, Evidence
from gotriage.i18n import _
from gotriage.knowledge import systemd as K
from gotriage.parsers.systemd_unit import expand_env

_PORT_FLAG = re.compile(r"^--?[\w.-]*(?:addr|listen|bind|port|http|https|web|address)[\w.-]*$", re.I)
_ADDR = re.compile(r"^(?:[\w.-]*|\[[0-9a-fA-F:.]*\]|[0-9.]+):(\d{1,5})$")
_PORT_ENV = re.compile(r"(?:^|_)(?:PORT|ADDR|ADDRESS|LISTEN|BIND)(?:_|$)")


def listen_ports(facts, unit):
    """[(port, Evidence)] the unit's program will probably listen on: ExecStart= flags
    (-addr :80, --listen=0.0.0.0:443, --port 80), PORT/ADDR/LISTEN variables, and the
    journal's `listen tcp :80: bind: ...`."""
    found = []
    env = facts.environment(unit)[0]
    if unit.main is not None:
        argv, _missing = expand_env(unit.main.argv, env)
        a = unit.assignments("ExecStart")[0]
        for i, word in enumerate(argv[1:], 1):
            flag, sep, value = word.partition("=")
            candidates = []
            if sep and _PORT_FLAG.match(flag):
                candidates.append(value)
            elif i > 1 and _PORT_FLAG.match(argv[i - 1]):
                candidates.append(word)
            elif word.startswith(":"):
                candidates.append(word)
            for value in candidates:
                m = _ADDR.match(value)
                port = int(m.group(1)) if m else (int(value) if value.isdecimal() and "port" in (
                    flag if sep else argv[i - 1]).lower() else None)
                if port and 0 < port < 65536:
                    found.append((port, Evidence.file(a.path, a.text, a.line)))
    origins = facts.environment(unit)[1]
    for name, value in sorted(env.items()):
        if not _PORT_ENV.search(name.upper()):
            continue
        m = _ADDR.match(value)
        port = int(m.group(1)) if m else (int(value) if value.isdecimal() and "PORT" in name.upper() else None)
        if port and 0 < port < 65536:
            found.append((port, origins.get(name) or Evidence.env(name, value)))
    journal = facts.journal(unit)[0] if unit.found else None
    if journal is not None:
        for event in journal.of("bind"):
            if event.get("error") == "permission denied":
                found.append((event.get("port"), Evidence.fact(event.text)))
    out, seen = [], set()
    for port, ev in found:
        if port not in seen:
            seen.add(port)
            out.append((port, ev))
    return out


class CapSet(object):
    """A capability set from CapabilityBoundingSet=/AmbientCapabilities= lines: the first
    line sets it ("~" = every capability but these), later lines add (or with "~" remove)."""

    def __init__(self, assignments, everything):
        self.only = None if everything else set()  # None: all but self.excluded
        self.excluded = set()
        self.set_at = None
        for a in assignments:
            value = a.value.strip()
            invert = value.startswith("~")
            names = {w.upper() for w in value.lstrip("~").split()}
            if self.set_at is None:
                self.only, self.excluded = (None, set(names)) if invert else (set(names), set())
            elif invert:
                if self.only is not None:
                    self.only -= names
                else:
                    self.excluded |= names
            elif self.only is not None:
                self.only |= names
            else:
                self.excluded -= names
            self.set_at = a

    def has(self, cap):
        return cap in self.only if self.only is not None else cap not in self.excluded


def _known(facts, section, key):
    """Whether the host's systemd knows a directive (unknown version: assume yes)."""
    version = facts.version
    table = K.directive_table(version) if version is not None else None
    if table is None or version >= 253:
        return True
    return key in table[0].get(section, ())


@check("SVC-PORT", LAYER, "ports below 1024 can be bound", findings={
    "SVC-PORT-PRIVILEGED": (
        "The service listens on a port below net.ipv4.ip_unprivileged_port_start (1024) as a "
        "non-root User= without CAP_NET_BIND_SERVICE: `listen tcp :80: bind: permission denied`.",
        "the port (ExecStart= flag, environment, or the journal), User= and the capability lines",
        "AmbientCapabilities=CAP_NET_BIND_SERVICE in the unit (or `setcap "
        "cap_net_bind_service=+ep BINARY` when NoNewPrivileges= is off), or a port >= 1024."),
    "SVC-PORT-BOUNDING": (
        "CapabilityBoundingSet= leaves out CAP_NET_BIND_SERVICE, so not even root (nor "
        "AmbientCapabilities=) can bind a port below 1024.",
        "the CapabilityBoundingSet= line",
        "add CAP_NET_BIND_SERVICE to CapabilityBoundingSet=."),
})
def privileged_ports(facts):
    """Ports below ip_unprivileged_port_start that the unit's program listens on, against
    User=, AmbientCapabilities=, CapabilityBoundingSet=, file capabilities and
    NoNewPrivileges=."""
    results = []
    for unit in _loaded(facts):
        results.extend(_memo(facts, "port", unit, lambda u=unit: _ports(facts, u)))
    return results


def _ports(facts, unit):
    threshold, sysctl_ev = facts.unprivileged_port_start
    low = [(p, ev) for p, ev in listen_ports(facts, unit) if p < threshold]
    if not low:
        return []
    port, ev = low[0]
    identity = facts.identity(unit)
    bounding = CapSet(unit.assignments("CapabilityBoundingSet"), everything=True)
    ambient = CapSet(unit.assignments("AmbientCapabilities"), everything=False)
    cap = "CAP_NET_BIND_SERVICE"
    predicted = "listen tcp :%d: bind: permission denied" % port
    evidence = [ev] + ([sysctl_ev] if sysctl_ev else [])
    if not bounding.has(cap):
        a = bounding.set_at
        return [_f("SVC-PORT-BOUNDING", "error", "%s: %s" % (unit.name, _(
            "listens on port %(port)d but CapabilityBoundingSet= drops %(cap)s") % {
                "port": port, "cap": cap}), unit, subject="bounding:%d" % port,
            evidence=evidence + ([Evidence.file(a.path, a.text, a.line)] if a else []),
            why=_("The bounding set limits every capability the process can ever have, root "
                  "included."),
            predicted_error=predicted,
            fix=[Action.edit(a.path, "CapabilityBoundingSet=%s" % cap, old=a.text, syntax="systemd",
                             description=_("keep %(cap)s in the set") % {"cap": cap}) if a else
                 Action.note(_("add %(cap)s") % {"cap": cap}),
                 _reload(unit)])]
    if identity is None or identity.uid == 0:
        return []
    if ambient.has(cap):
        return [_f("SVC-PORT", "ok", "%s: %s" % (unit.name, _(
            "port %(port)d as %(user)s with AmbientCapabilities=%(cap)s") % {
                "port": port, "user": identity.user, "cap": cap}), unit)]
    target = facts.exec_target(unit)
    nnp = (unit.value("NoNewPrivileges") or "").lower() in ("yes", "true", "1", "on")
    if target.path and facts.file_capabilities(target.real or target.path) and not nnp:
        return [_f("SVC-PORT", "ok", "%s: %s" % (unit.name, _(
            "port %(port)d as %(user)s: %(path)s has file capabilities") % {
                "port": port, "user": identity.user, "path": target.path}), unit)]
    fix = []
    if _known(facts, "Service", "AmbientCapabilities"):
        fix.append(Action.edit(_dropin(unit), "AmbientCapabilities=%s" % cap, syntax="systemd",
                               description=_("under [Service] (`systemctl edit %(unit)s`)") % {
                                   "unit": unit.name}))
    if target.path and not nnp:
        fix.append(Action.command(["setcap", "cap_net_bind_service=+ep", target.path],
                                  description=_("or give the binary the capability (again after every "
                                                "update)")))
    fix.append(Action.note(_("or listen on a port >= %(port)d (and redirect with the firewall)") % {
        "port": threshold}))
    fix.append(_reload(unit))
    return [_f("SVC-PORT-PRIVILEGED", "error", "%s: %s" % (unit.name, _(
        "listens on port %(port)d as %(user)s without %(cap)s") % {
            "port": port, "user": identity.user, "cap": cap}), unit, subject="port:%d" % port,
        evidence=evidence + [unit.evidence("User") or Evidence.fact("User=%s" % identity.user)],
        why=_("Binding a port below %(port)d needs CAP_NET_BIND_SERVICE, which a non-root user "
              "only has when the unit gives it.") % {"port": threshold},
        predicted_error=predicted, fix=fix, references=[K.SOURCES["exec"]])]
