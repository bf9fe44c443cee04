"""Who can connect to PORT, and why: listeners, clients, and one verdict per client.

For each client the verdict comes from the packets when the live ruleset was read (the
truth), and from the firewalld model otherwise; both are kept, and a disagreement is
reported (trust the packets).  The result is plain data for checks/firewall.py:

    analyse(facts, port, proto, froms, iface) -> PortAnalysis
        .listeners  sockets on the port (owner, Go version)
        .verdicts   [Verdict]: client, outcome (open/refused/unreachable/timeout...),
                    errno, what Go prints, the deciding rule, the fix
"""

import ipaddress

from gotriage.firewall.firewalld import Client, decide
from gotriage.firewall.netfilter import Packet
from gotriage.i18n import _
from gotriage.knowledge.firewall import ERRNO_VERDICT, go_dial_error, reject_errno


class ClientSpec(object):
    """A client as asked for (`--from ADDR`, `--iface IF`) or as chosen by gotriage."""

    def __init__(self, addr, iface=None, why=None):
        self.addr = addr
        self.iface = iface
        self.why = why  # "a host on eth0's network", "source 10.0.0.0/8 of zone trusted"...


class Verdict(object):
    def __init__(self, spec, family, saddr, iif, daddr, proto, port):
        self.spec = spec
        self.family, self.saddr, self.iif, self.daddr = family, saddr, iif, daddr
        self.proto, self.port = proto, port
        self.outcome = "unknown"  # open, refused, unreachable, timeout, forwarded, unknown
        self.errno = None
        self.go_error = None
        self.decided_by = None  # what decided, as a sentence
        self.decider = None  # "listener", "firewalld", "nft", "iptables-legacy"...
        self.packet = None  # netfilter Outcome
        self.model = None  # firewalld Decision (the configuration in force)
        self.permanent = None  # Decision from the permanent configuration (when runtime known)
        self.listener = None
        self.disagreement = None
        self.runtime_only = None
        self.notes = []
        self.delivered_port = port
        self.published = None  # docker.Published: a container port the connection is DNATed to
        self.zone_unseen = None  # the zone's Decision a DNATed, forwarded connection never meets

    @property
    def blocked(self):
        return self.outcome in ("refused", "unreachable", "timeout")

    def label(self):
        return "%s via %s" % (self.saddr, self.iif)


class PortAnalysis(object):
    def __init__(self, port, proto):
        self.port, self.proto = port, proto
        self.listeners = []
        self.elsewhere = []  # (netns, Socket) in other network namespaces
        self.verdicts = []
        self.notes = []


# -- listeners ---------------------------------------------------------------------------

def accepting_socket(sockets, proto, family, daddr, dport, iif):
    """The socket that takes a connection to daddr:dport, or None (the kernel answers RST)."""
    daddr = ipaddress.ip_address(daddr)
    best = None
    for s in sockets:
        if s.proto != proto or s.port != dport:
            continue
        if s.iface and s.iface != iif:
            continue
        if family == "ipv4":
            if s.family == "ipv4" and s.address in ("0.0.0.0", str(daddr)):
                return s
            if s.family == "ipv6" and s.address == "::" and s.v6only is not True:
                best = best or s
            if s.family == "ipv6" and s.address == "::ffff:%s" % daddr:
                best = best or s
        else:
            if s.family == "ipv6" and (s.address == "::" or ipaddress.ip_address(s.address.split("%")[0]) == daddr):
                return s
    return best


# -- clients -----------------------------------------------------------------------------

def _is_ip(text):
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return False


def _family(addr):
    return "ipv4" if ipaddress.ip_address(addr).version == 4 else "ipv6"


def _local_for(interfaces, iif, family, client):
    """The local address a client reaches through iif (same subnet first)."""
    version = 4 if family == "ipv4" else 6
    client = ipaddress.ip_address(client)
    candidates = []
    for iface in interfaces:
        if iif and iface.name != iif:
            continue
        for a in iface.addresses:
            if a.version != version:
                continue
            score = 0 if client in a.network else 1
            if version == 6 and a.ip.is_link_local != client.is_link_local:
                score += 2
            candidates.append((score, str(a.ip)))
    if not candidates and iif:
        return _local_for(interfaces, None, family, client)
    return sorted(candidates)[0][1] if candidates else None


def _route_iface(facts, addr):
    from gotriage.firewall.netfilter import HostNet

    net = HostNet(facts.interfaces, facts.routes)
    ip = ipaddress.ip_address(addr)
    if ip.is_loopback:
        return "lo"
    return net.route_iface(addr)


def default_clients(facts, port, proto, iface=None):
    """Representative clients: one on each interface's network, and one inside each
    zone source binding (its zone wins over the interface's)."""
    specs = []
    cfg = facts.config
    bound = []
    if cfg is not None:
        for name in sorted(cfg.zones):
            for src in cfg.zones[name].sources:
                try:
                    bound.append((name, ipaddress.ip_network(src, strict=False)))
                except ValueError:
                    continue
    for ifc in facts.interfaces:
        if ifc.loopback or (iface and ifc.name != iface):
            continue
        for a in ifc.addresses:
            if a.version == 6 and a.ip.is_link_local:
                continue
            candidate = _pick_host(a.network, a.ip, [n for _addr, n in bound])
            if candidate is not None:
                specs.append(ClientSpec(str(candidate), ifc.name, "a host on %s's network %s" % (ifc.name, a.network)))
    local = {a.ip for i in facts.interfaces for a in i.addresses}
    for zone, net in bound:
        host = net.network_address if net.num_addresses == 1 else _pick_host(net, None, [])
        if host is None or host in local:
            host = _pick_host(net, None, [ipaddress.ip_network(a) for a in local]) if net.num_addresses > 2 else None
        if host is None:
            continue
        where = iface or _route_iface(facts, host)
        if where is None:
            continue
        specs.append(ClientSpec(str(host), where, "source %s bound to zone %s" % (net, zone)))
    return specs


def _pick_host(network, own, avoid):
    if network.num_addresses <= 2:
        return None
    for i, host in enumerate(network.hosts()):
        if network.num_addresses > 2 ** 16 and i == 0:
            continue
        if i > 64:
            break
        if host == own or any(host in n for n in avoid):
            continue
        return host
    return None


# -- verdicts ----------------------------------------------------------------------------

def _outcome_of_errno(errno):
    return ERRNO_VERDICT.get(errno, "unreachable")


def _delivered(sockets, proto, family, daddr, dport, iif, verdict):
    sock = accepting_socket(sockets, proto, family, daddr, dport, iif)
    verdict.listener = sock
    if sock is not None:
        return "open", None
    return "refused", "ECONNREFUSED"


def _model_outcome(decision, sockets, v):
    """(outcome, errno) the firewalld model predicts."""
    if decision is None or decision.verdict in (None, "unknown"):
        return None, None
    if decision.verdict == "accept":
        port = decision.dport or v.port
        sock = accepting_socket(sockets, v.proto, v.family, v.daddr, port, v.iif)
        return ("open", None) if sock is not None else ("refused", "ECONNREFUSED")
    if decision.verdict == "drop":
        return "timeout", None
    if decision.verdict == "forward":
        return "forwarded", None
    errno = decision.errno or "ECONNREFUSED"
    return _outcome_of_errno(errno), errno


def verdict_for(facts, spec, port, proto, sockets):
    family = _family(spec.addr)
    saddr = str(ipaddress.ip_address(spec.addr))
    iif = spec.iface or _route_iface(facts, saddr)
    if iif is None:
        iif = next((i.name for i in facts.interfaces if not i.loopback), "eth0")
    if ipaddress.ip_address(saddr).is_loopback:
        iif = "lo"
        daddr = saddr
    else:
        daddr = _local_for(facts.interfaces, iif, family, saddr)
    v = Verdict(spec, family, saddr, iif, daddr, proto, port)
    if daddr is None:
        v.notes.append(_("this host has no %(family)s address on %(interface)s") % {
            "family": family, "interface": iif})
        daddr = v.daddr = "0.0.0.0" if family == "ipv4" else "::"
    # the firewalld model (configuration in force, and the permanent one)
    cfg = facts.config
    client = Client(family, saddr, iif, daddr, proto, port)
    if cfg is not None and iif != "lo" and facts.running is not False:
        v.model = decide(cfg, client)
        if facts.runtime is not None and facts.permanent is not None:
            v.permanent = decide(facts.permanent, client)
    model_outcome, model_errno = _model_outcome(v.model, sockets, v)
    # the packets
    ruleset = facts.ruleset
    if ruleset is not None:
        packet = Packet(family, saddr, daddr, proto, port, iif)
        out = ruleset.evaluate(packet)
        v.packet = out
        v.notes.extend(n for n in out.notes if n not in v.notes)
        if out.verdict == "accept":
            v.delivered_port = packet.dport
            v.outcome, v.errno = _delivered(sockets, proto, family, str(packet.daddr), packet.dport, iif, v)
            v.decider = "listener"
        elif out.verdict == "drop":
            v.outcome, v.decider = "timeout", out.hit.source
        elif out.verdict == "reject":
            v.errno = reject_errno(out.reject, family)
            if proto == "udp" and out.reject.kind == "tcp-reset":
                v.errno = None
            v.outcome, v.decider = (_outcome_of_errno(v.errno) if v.errno else "timeout"), out.hit.source
        elif out.verdict == "forward":
            v.outcome, v.decider = "forwarded", "routing"
            if out.forward is not None:
                _forwarded(facts, v, packet, out)
        else:
            v.outcome, v.decider = "unknown", out.hit.source if out.hit else None
            v.notes.append(_("the packet is queued to a userspace program (%(rule)s): it decides") % {
                "rule": out.hit.describe() if out.hit else "queue"})
    elif model_outcome is not None:
        v.outcome, v.errno, v.decider = model_outcome, model_errno, "firewalld"
        if model_outcome in ("open", "refused") and v.model.verdict == "accept":
            v.listener = accepting_socket(sockets, proto, family, daddr, v.model.dport or port, iif)
            v.decider = "listener"
        v.notes.append(_("the live ruleset could not be read: this verdict comes from the "
                         "firewalld configuration only"))
    else:
        v.outcome, v.errno = _delivered(sockets, proto, family, daddr, port, iif, v)
        v.decider = "listener"
        if iif != "lo":
            v.notes.append(_("no firewall rules could be read (firewalld absent, nft/iptables not "
                             "readable): the verdict assumes nothing filters"))
    if v.packet is not None and _foreign_dnat(v.packet):
        # DNATed by another program's rule before the input hook (Docker's published
        # port): the forward hook decided, firewalld's zone ports and target never see it
        v.zone_unseen, v.model, v.permanent, model_outcome = v.model, None, None, None
    # compare the model with the packets
    if ruleset is not None and model_outcome is not None and facts.running is not False:
        if model_outcome != v.outcome and not (v.outcome == "unknown"):
            v.disagreement = (model_outcome, model_errno)
    if v.permanent is not None and v.model is not None:
        perm_outcome, _errno = _model_outcome(v.permanent, sockets, v)
        if perm_outcome is not None and perm_outcome != model_outcome and not _docker_binding(facts, v):
            v.runtime_only = perm_outcome
    v.go_error = _go_error(v)
    return v


def _docker_binding(facts, v):
    """A container's client in zone docker by its bridge: dockerd binds the bridge at
    runtime only, and again whenever firewalld reloads or starts while it runs."""
    from gotriage.firewall.docker import docker_net

    return v.model.zone == "docker" and (v.model.zone_reason or "").startswith("interface") and \
        v.iif in docker_net(facts).bridges


def _foreign_dnat(out):
    """Whether a rule outside firewalld DNATed the packet to another address (so it went
    through the forward hook, not input)."""
    hit, packet = out.dnat, out.packet
    if hit is None or packet is None or packet.oif is None:
        return False
    if hit.source == "nft":
        return hit.table != "inet firewalld"
    return not any(c.startswith(("PRE_", "PREROUTING_ZONES")) for c in hit.trail + [hit.chain])


def _forwarded(facts, v, packet, out):
    """A connection DNATed to another address that the forward hook let through: to a
    container's published port (open: the container answers), or on to another host."""
    from gotriage.firewall.docker import docker_net, is_docker_dnat

    v.delivered_port = packet.dport
    target = "%s:%d" % (packet.daddr, packet.dport)
    dnet = docker_net(facts) if is_docker_dnat(out.dnat) else None
    published = [p for p in (dnet.published if dnet else []) if p.rule == out.dnat.text]
    if published:
        v.published = published[0]
        v.outcome, v.decider = "open", "docker"
        v.notes.append(_("published by Docker: the connection goes to the container %(target)s via "
                         "%(interface)s (it answers if the container listens on %(port)d); "
                         "firewalld's zone ports do not apply to it") % {
                             "target": target, "interface": out.forward, "port": packet.dport})
    else:
        v.notes.append(_("DNATed to %(target)s and forwarded via %(interface)s: whether it answers "
                         "is up to that host") % {"target": target, "interface": out.forward})


def _go_error(v):
    if v.outcome == "open":
        return None
    if v.outcome == "timeout":
        return go_dial_error(v.proto, v.daddr, v.port, None, v.family)
    if v.errno:
        return go_dial_error(v.proto, v.daddr, v.port, v.errno, v.family)
    return None


def analyse(facts, port, proto="tcp", froms=(), iface=None):
    result = PortAnalysis(port, proto)
    if hasattr(facts, "prefetch"):
        families = {_family(a) for a in froms if _is_ip(a)} or {"ipv4", "ipv6"}
        facts.prefetch(sorted(families))
    sockets = facts.sockets
    result.listeners = facts.attach_owners([s for s in sockets if s.proto == proto and s.port == port])
    if not result.listeners:
        result.elsewhere = facts.other_netns_listeners(proto, port)
    if froms:
        specs = [ClientSpec(a, iface, "asked for") for a in froms]
    else:
        specs = default_clients(facts, port, proto, iface)
    for spec in specs:
        try:
            ipaddress.ip_address(spec.addr)
        except ValueError:
            result.notes.append(_("not an IP address: %(address)s") % {"address": spec.addr})
            continue
        result.verdicts.append(verdict_for(facts, spec, port, proto, sockets))
    return result
