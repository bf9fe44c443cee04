"""The firewalld model: which zone handles a client, and which of its rules decides.

`FirewalldConfig` holds one configuration -- the permanent one from the XML files
(/etc/firewalld overriding same-named files of /usr/lib/firewalld), or the runtime one
from `firewall-cmd` -- and `decide()` walks it for one new connection in firewalld's
real order (checked on the test bed, firewalld 1.3.3):

1. forward ports (nat prerouting): a matching forward-port to a local port is accepted
   by `ct status dnat accept` before any zone rule;
2. zone selection: source bindings (zones in alphabetical order of their names, each
   zone's sources in order), then interface bindings (same order, `+` wildcards), then
   the default zone;
3. inside the zone: policies with priority < 0 (ingress zone ANY or this zone, egress
   HOST or ANY), the zone's pre (rich rules priority < 0, by priority), log, deny (rich
   reject/drop, icmp blocks), allow (services, ports, protocols, rich accepts), post
   (priority > 0), policies with priority > 0, then the zone's target;
4. firewalld < 1.0: a zone with target "default" does not reject itself; a source zone
   then drifts to the interface/default zone (always before 0.8, with
   AllowZoneDrifting=yes on 0.8/0.9), and INPUT's final reject answers
   (host-prohibited: "no route to host").
"""

import ipaddress

from gotriage.i18n import _
from gotriage.knowledge.firewall import FIREWALLD, ZONE_TARGET_REJECT
from gotriage.parsers.firewalld_xml import PortSpec


def version_tuple(text):
    parts = []
    for piece in str(text or "").split("."):
        digits = "".join(ch for ch in piece if "0" <= ch <= "9")  # int() refuses "²"
        if not digits:
            break
        parts.append(int(digits))
    return tuple(parts) if parts else None


class FirewalldConfig(object):
    def __init__(self, origin):
        self.origin = origin  # "permanent" / "runtime"
        self.version = None  # (1, 3, 3)
        self.version_source = None
        self.backend = "nftables"
        self.default_zone = "public"
        self.drifting = False
        self.conf = None
        self.zones = {}
        self.services = {}
        self.policies = {}
        self.ipsets = {}
        self.direct = []
        self.errors = []  # (path, message)
        self.overrides = []  # (kind, name, /etc path, /usr/lib path)
        self.bad_rules = []  # (where, rule text, error)

    @property
    def modern(self):
        """firewalld >= 1.0: zones reject themselves, no drifting."""
        return self.version is None or self.version >= FIREWALLD["zone_reject_since"]

    def zone_target_errno(self, family):
        if not self.modern:
            return ZONE_TARGET_REJECT["legacy"][family]
        return ZONE_TARGET_REJECT["iptables" if self.backend == "iptables" else "nftables"][family]

    def service(self, name, _seen=None):
        """The service's ports, protocols, source ports and destinations, includes resolved."""
        svc = self.services.get(name)
        if svc is None:
            return None
        seen = _seen or set()
        seen.add(name)
        ports, protocols, sports = list(svc.ports), list(svc.protocols), list(svc.source_ports)
        for inc in svc.includes:
            if inc in seen:
                continue
            sub = self.service(inc, seen)
            if sub is not None:
                ports += sub[0]
                protocols += sub[1]
                sports += sub[2]
        return ports, protocols, sports, dict(svc.destination)


class Client(object):
    """A client of the model: where a connection comes from and goes to."""

    def __init__(self, family, saddr, iif, daddr, proto, dport):
        self.family = family
        self.saddr = ipaddress.ip_address(saddr)
        self.daddr = ipaddress.ip_address(daddr) if daddr else None
        self.iif = iif
        self.proto = proto
        self.dport = dport


class Decision(object):
    """The model's answer for one client."""

    def __init__(self):
        self.zone = None
        self.zone_reason = None  # "source 10.0.0.0/8", "interface eth0", "default zone"
        self.verdict = None  # accept / reject / drop
        self.errno = None  # for reject
        self.by = None  # what decided: "rich rule", "port", "service", "target"...
        self.text = None  # its text
        self.owner = None  # ("zone", name) / ("policy", name) / ("direct", None)
        self.rule = None  # the RichRule, when a rich rule decided
        self.direct = None  # the DirectRule, when a direct rule decided
        self.steps = []  # the walk, for -v
        self.notes = []
        self.dport = None  # after a forward port
        self.forwarded = None  # ForwardPort text when one applied
        self.drifted_from = None
        self.near_misses = []  # (what, text): e.g. the port is open for udp, not tcp

    def describe(self):
        where = ""
        if self.owner and self.owner[0] == "policy":
            where = _("policy %(name)s: ") % {"name": self.owner[1]}
        elif self.zone:
            where = _("zone %(name)s: ") % {"name": self.zone}
        return "%s%s" % (where, self.text or self.verdict)


def zone_reason_text(reason):
    """Why a zone handles a client (Decision.zone_reason: "default zone", "interface eth0",
    "source 10.0.0.0/8", kept in English because code reads it), in the run's language."""
    what, _space, value = (reason or "").partition(" ")
    if reason == "default zone":
        return _("default zone")
    if what == "interface":
        return _("interface %(name)s") % {"name": value}
    if what == "source":
        return _("source %(address)s") % {"address": value}
    return reason


def _match_addr(value, spec, cfg, family):
    """Whether address `value` is matched by a source/destination spec (address, ipset)."""
    if spec.startswith("ipset:"):
        ipset = cfg.ipsets.get(spec[6:])
        if ipset is None:
            return None
        return _in_entries(value, ipset.entries)
    try:
        net = ipaddress.ip_network(spec, strict=False)
    except ValueError:
        return None  # a MAC address: the client's MAC is not known
    return net.version == value.version and value in net


def _in_entries(value, entries):
    for entry in entries:
        first = entry.split(",")[0].strip()
        try:
            if "-" in first and "/" not in first:
                low, high = first.split("-", 1)
                if ipaddress.ip_address(low) <= value <= ipaddress.ip_address(high):
                    return True
            elif value in ipaddress.ip_network(first, strict=False):
                return True
        except (ValueError, TypeError):
            continue
    return False


def _iface_match(pattern, name):
    if pattern.endswith("+"):
        return (name or "").startswith(pattern[:-1])
    return pattern == name


def select_zone(cfg, client, decision, after=None):
    """The zone that handles `client`: (zone name, reason, kind) where kind is source,
    interface or default.  `after` skips source zones (drifting)."""
    if after is None:
        for name in sorted(cfg.zones):
            zone = cfg.zones[name]
            for src in zone.sources:
                hit = _match_addr(client.saddr, src, cfg, client.family)
                if hit is None and not src.startswith("ipset:"):
                    decision.notes.append(_("zone %(zone)s is bound to source %(source)s (a MAC "
                                            "address): the client's MAC is not known") % {
                                                "zone": name, "source": src})
                if hit:
                    return name, "source %s" % src, "source"
    for name in sorted(cfg.zones):
        for iface in cfg.zones[name].interfaces:
            if _iface_match(iface, client.iif):
                return name, "interface %s" % iface, "interface"
    return cfg.default_zone, "default zone", "default"


def _rule_matches(rule, client, cfg):
    """Whether a rich rule's conditions (family, source, destination, element) match:
    True / False / None (unknown, e.g. a MAC source)."""
    if rule.family and rule.family != client.family:
        return False
    for where, value in ((rule.source, client.saddr), (rule.destination, client.daddr)):
        if where is None:
            continue
        if where.address is not None:
            hit = _match_addr(value, where.address, cfg, client.family) if value is not None else None
        elif where.ipset is not None:
            hit = _match_addr(value, "ipset:" + where.ipset, cfg, client.family)
        else:
            hit = None  # mac
        if hit is None:
            return None
        if hit == where.invert:
            return False
    el = rule.element
    if el is None:
        return True
    if el.kind == "port":
        return PortSpec(el.get("port"), el.get("protocol")).matches(client.proto, client.dport)
    if el.kind == "service":
        svc = cfg.service(el.get("name"))
        if svc is None:
            return False
        return _service_matches(svc, client)
    if el.kind == "protocol":
        value = (el.get("value") or "").lower()
        return value == client.proto or value == {"tcp": "6", "udp": "17"}.get(client.proto)
    if el.kind == "source-port":
        return None
    return False  # icmp-block, icmp-type, masquerade, tcp-mss-clamp, forward-port


def _service_matches(svc, client):
    ports, protocols, sports, dest = svc
    if dest.get(client.family) and client.daddr is not None:
        try:
            if client.daddr not in ipaddress.ip_network(dest[client.family], strict=False):
                return False
        except ValueError:
            pass
    if any(p.matches(client.proto, client.dport) for p in ports):
        return True
    if client.proto in [(p or "").lower() for p in protocols]:
        return True
    return False


class _Walker(object):
    def __init__(self, cfg, client, decision):
        self.cfg, self.client, self.decision = cfg, client, decision

    def rich(self, rules, owner):
        """Walk rich rules in order; a Decision filled and True when one decides."""
        d = self.decision
        for rule in rules:
            hit = _rule_matches(rule, self.client, self.cfg)
            if hit is None:
                d.notes.append(_("cannot tell whether `%(rule)s` applies to this client") % {
                    "rule": rule})
                continue
            if not hit:
                continue
            action = rule.action
            if action is None:
                d.steps.append("%s: %s (logs only)" % (owner[1], rule))
                continue
            if action.kind == "mark":
                d.steps.append("%s: %s (marks, goes on)" % (owner[1], rule))
                continue
            if action.limit is not None:
                d.notes.append(_("`%(rule)s` is rate-limited (%(limit)s): above the rate it does not "
                                 "apply") % {"rule": rule, "limit": action.limit})
            d.by, d.text, d.owner, d.rule = "rich rule", str(rule), owner, rule
            if action.kind == "accept":
                d.verdict = "accept"
            elif action.kind == "drop":
                d.verdict = "drop"
            else:
                d.verdict = "reject"
                d.errno = _rich_reject_errno(action.type, self.client.family, self.cfg)
            return True
        return False

    def allow(self, obj, owner):
        """Services, ports, protocols (firewalld's _allow chain, rich accepts apart)."""
        d, c = self.decision, self.client
        for name in obj.services:
            svc = self.cfg.service(name)
            if svc is None:
                d.notes.append((_("policy %(owner)s uses service %(service)s, which is not defined "
                                  "(firewalld refuses to load such a zone)") if owner[0] == "policy"
                                else _("zone %(owner)s uses service %(service)s, which is not "
                                       "defined (firewalld refuses to load such a zone)")) % {
                                           "owner": owner[1], "service": name})
                continue
            if _service_matches(svc, c):
                d.verdict, d.by, d.owner = "accept", "service", owner
                d.text = _("service %(name)s (%(ports)s)") % {
                    "name": name, "ports": " ".join(str(p) for p in svc[0]) or _("protocols")}
                return True
            for p in svc[0]:
                if p.low is not None and p.low <= c.dport <= p.high and p.protocol != c.proto:
                    d.near_misses.append(_("service %(name)s opens %(port)s, not %(proto)s") % {
                        "name": name, "port": p, "proto": c.proto})
        for spec in obj.ports:
            if spec.matches(c.proto, c.dport):
                d.verdict, d.by, d.owner, d.text = "accept", "port", owner, _("port %(port)s") % {
                    "port": spec}
                return True
            if spec.low is not None and spec.low <= c.dport <= spec.high and spec.protocol != c.proto:
                d.near_misses.append((_("policy %(owner)s opens port %(port)s, not %(dport)d/%(proto)s")
                                      if owner[0] == "policy" else
                                      _("zone %(owner)s opens port %(port)s, not %(dport)d/%(proto)s"))
                                     % {"owner": owner[1], "port": spec, "dport": c.dport,
                                        "proto": c.proto})
        for proto in obj.protocols:
            if (proto or "").lower() == c.proto:
                d.verdict, d.by, d.owner, d.text = "accept", "protocol", owner, _(
                    "protocol %(name)s") % {"name": proto}
                return True
        return False

    def chains(self, obj, owner):
        """pre, log, deny, allow, post of a zone or policy."""
        cfg = self.cfg
        rules = obj.rules
        with_prio = cfg.version is None or cfg.version >= FIREWALLD["rich_priority_since"]
        pre = sorted([r for r in rules if with_prio and r.priority < 0], key=lambda r: r.priority)
        post = sorted([r for r in rules if with_prio and r.priority > 0], key=lambda r: r.priority)
        zero = [r for r in rules if not with_prio or r.priority == 0]
        if self.rich(pre, owner):
            return True
        # without priorities (firewalld < 0.7) a rule's chain is its action's
        if self.rich([r for r in zero if _action_chain(r) == "deny"], owner):
            return True
        accepts = [r for r in zero if _action_chain(r) == "allow"]
        if self.allow(obj, owner):
            return True
        if self.rich(accepts, owner):
            return True
        if self.rich(post, owner):
            return True
        return False

    def policies(self, zone_name, negative):
        cfg, d = self.cfg, self.decision
        if cfg.version is not None and cfg.version < FIREWALLD["policies_since"]:
            return False
        chosen = []
        for pol in cfg.policies.values():
            if (pol.priority < 0) != negative:
                continue
            ingress_ok = "ANY" in pol.ingress_zones or any(
                self._ingress_of(z) for z in pol.ingress_zones)
            egress_ok = "HOST" in pol.egress_zones or "ANY" in pol.egress_zones
            if ingress_ok and egress_ok:
                chosen.append(pol)
        for pol in sorted(chosen, key=lambda p: (p.priority, p.name)):
            owner = ("policy", pol.name)
            if self.chains(pol, owner):
                return True
            if pol.target in ("ACCEPT", "REJECT", "DROP", "%%REJECT%%"):
                d.by, d.owner, d.text = "target", owner, "target %s" % pol.target
                d.verdict = "accept" if pol.target == "ACCEPT" else "drop" if pol.target == "DROP" else "reject"
                if d.verdict == "reject":
                    d.errno = cfg.zone_target_errno(self.client.family)
                return True
        return False

    def _ingress_of(self, zone_name):
        """Whether the client is in `zone_name` as policy dispatch sees it: by the zone's
        own sources or interfaces.  The default zone's catch-all does not count: a policy
        whose ingress zone is the default zone without bindings never applies (test bed,
        firewalld 1.3.3: no dispatch rule is generated for it)."""
        zone = self.cfg.zones.get(zone_name)
        if zone is None:
            return False
        for src in zone.sources:
            if _match_addr(self.client.saddr, src, self.cfg, self.client.family):
                return True
        return any(_iface_match(i, self.client.iif) for i in zone.interfaces)


def _action_chain(rule):
    """deny / allow / log by the rule's action, whatever its priority."""
    kind = rule.element.kind if rule.element else None
    if kind in ("masquerade", "forward-port") or (rule.action and rule.action.kind in ("accept", "mark")):
        return "allow"
    if kind == "icmp-block" or (rule.action and rule.action.kind in ("reject", "drop")):
        return "deny"
    return "log"


def _rich_reject_errno(reject_type, family, cfg):
    from gotriage.firewall.netfilter import _ipt_reject
    from gotriage.knowledge.firewall import reject_errno

    if not reject_type:
        # a plain `reject`: nftables `reject` (port unreachable), iptables REJECT's default
        return "ECONNREFUSED"
    return reject_errno(_ipt_reject(reject_type, family), family)


def forward_port(cfg, zone, client):
    """The forward-port (zone element or rich rule) that rewrites this connection, or None:
    (text, new port, to-addr)."""
    for fp in zone.forward_ports:
        if PortSpec(fp.port, fp.protocol).matches(client.proto, client.dport):
            return ("forward-port %s" % fp, int(fp.to_port.split("-")[0]) if fp.to_port else client.dport,
                    fp.to_addr or None)
    for rule in zone.rules:
        el = rule.element
        if el is None or el.kind != "forward-port":
            continue
        if rule.family and rule.family != client.family:
            continue
        if not PortSpec(el.get("port"), el.get("protocol")).matches(client.proto, client.dport):
            continue
        ok = True
        for where, value in ((rule.source, client.saddr), (rule.destination, client.daddr)):
            if where is not None and where.address is not None and value is not None:
                hit = _match_addr(value, where.address, cfg, client.family)
                if hit is None or hit == where.invert:
                    ok = False
        if ok:
            to_port = el.get("to-port")
            return (str(rule), int(to_port.split("-")[0]) if to_port else client.dport, el.get("to-addr") or None)
    return None


def direct_rules(cfg, client, d):
    """firewalld's direct rules in the INPUT chain (table filter) for the client's family,
    by priority: True when one of them decides (a drop or reject; an accept too with the
    iptables backend, where INPUT_direct comes before the zones -- with nftables the
    direct rules live in iptables' own INPUT chain, and firewalld's chain still runs)."""
    from gotriage.firewall.netfilter import Packet, _ipt_reject, ipt_match
    from gotriage.knowledge.firewall import reject_errno
    from gotriage.parsers.iptables_save import parse_rule_args

    ipv = "ipv4" if client.family == "ipv4" else "ipv6"
    rules = sorted((r for r in cfg.direct if r.ipv == ipv and r.table == "filter" and
                    r.chain in ("INPUT", "INPUT_direct")), key=lambda r: r.priority)
    if not rules:
        return False
    import shlex

    packet = Packet(client.family, client.saddr, client.daddr or client.saddr, client.proto,
                    client.dport, client.iif)
    for rule in rules:
        try:
            matches, modules, target, options, _goto = parse_rule_args(shlex.split(rule.args))
        except ValueError:
            d.notes.append(_("direct rule not understood: %(rule)s") % {"rule": rule})
            continue
        results = [ipt_match(m, packet, None, None, client.family) for m in matches]
        if any(r is None for r in results):
            d.notes.append(_("cannot tell whether direct rule `%(rule)s` applies") % {"rule": rule})
            continue
        if not all(results):
            continue
        if target in ("DROP", "REJECT") or (target == "ACCEPT" and cfg.backend == "iptables"):
            d.by, d.owner, d.text = "direct rule", ("direct", None), _("direct rule: %(rule)s") % {
                "rule": rule}
            d.direct = rule
            d.verdict = {"DROP": "drop", "ACCEPT": "accept"}.get(target, "reject")
            if target == "REJECT":
                d.errno = reject_errno(_ipt_reject(options.get("--reject-with"), client.family), client.family)
            return True
    return False


def decide(cfg, client):
    """The Decision of configuration `cfg` for `client`."""
    d = Decision()
    if direct_rules(cfg, client, d):
        name, reason, _kind = select_zone(cfg, client, d)
        d.zone, d.zone_reason = name, reason
        return d
    name, reason, kind = select_zone(cfg, client, d)
    d.zone, d.zone_reason = name, reason
    zone = cfg.zones.get(name)
    if zone is None:
        d.verdict, d.by, d.text = "unknown", "zone", _("zone %(name)s is not defined") % {"name": name}
        d.notes.append(_("the %(reason)s %(name)s does not exist in the %(origin)s configuration") % {
            "reason": zone_reason_text(reason), "name": name, "origin": cfg.origin})
        return d
    d.steps.append("zone %s (%s)" % (name, reason))
    fwd = forward_port(cfg, zone, client)
    if fwd is not None:
        text, new_port, to_addr = fwd
        d.forwarded = text
        d.steps.append("zone %s: %s" % (name, text))
        if to_addr is None or _is_same(to_addr, client.daddr):
            d.dport = new_port
            d.verdict, d.by, d.owner, d.text = "accept", "forward-port", ("zone", name), text
            return d
        d.verdict, d.by, d.owner, d.text = "forward", "forward-port", ("zone", name), text
        return d
    walker = _Walker(cfg, client, d)
    visited = []
    while True:
        visited.append(name)
        if walker.policies(name, True):
            return d
        if walker.chains(zone, ("zone", name)):
            return d
        if walker.policies(name, False):
            return d
        target = zone.target
        if target in ("ACCEPT", "DROP", "REJECT", "%%REJECT%%"):
            d.by, d.owner = "target", ("zone", name)
            d.text = _("target %(target)s") % {"target": target}
            d.verdict = {"ACCEPT": "accept", "DROP": "drop"}.get(target, "reject")
            if d.verdict == "reject":
                d.errno = cfg.zone_target_errno(client.family)
            return d
        # target "default"
        if not cfg.modern and kind == "source" and (
                cfg.version < FIREWALLD["drifting_options"][0] or cfg.drifting):
            nxt, nreason, nkind = select_zone(cfg, client, d, after=True)
            if nxt not in visited and nxt in cfg.zones:
                d.drifted_from = name
                d.steps.append("zone %s has target default: the packet drifts to zone %s (%s)" % (
                    name, nxt, nreason))
                name, reason, kind, zone = nxt, nreason, nkind, cfg.zones[nxt]
                d.zone, d.zone_reason = name, reason
                continue
        d.by, d.owner = "target", ("zone", name)
        d.text = _("target default (nothing in the zone accepts %(port)d/%(proto)s)") % {
            "port": client.dport, "proto": client.proto}
        d.verdict = "reject"
        d.errno = cfg.zone_target_errno(client.family)
        return d


def _is_same(addr, other):
    try:
        return other is not None and ipaddress.ip_address(addr) == other
    except ValueError:
        return False
