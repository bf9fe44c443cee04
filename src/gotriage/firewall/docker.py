"""Docker beside firewalld: its bridges, the ports it publishes, and what a client of a
container or of a published port meets.

What dockerd writes (moby v20.10.24, vendor/github.com/docker/libnetwork; the same chains
through 28.x), read here from the iptables dumps the firewall layer already reads:

- nat: `PREROUTING -m addrtype --dst-type LOCAL -j DOCKER`, and in DOCKER one
  `! -i BRIDGE -p tcp -m tcp --dport HOSTPORT -j DNAT --to-destination CONTAINER:PORT`
  per published port (`-d HOSTIP` when published on one address), `-i BRIDGE -j RETURN`,
  and `POSTROUTING -s SUBNET ! -o BRIDGE -j MASQUERADE` (containers leave with the
  host's address);
- filter: FORWARD jumps to DOCKER-USER, DOCKER-ISOLATION-STAGE-1 and, for `-o BRIDGE`,
  DOCKER, whose `-d CONTAINER ! -i BRIDGE -o BRIDGE -p tcp --dport PORT -j ACCEPT` lets a
  published port's connection through; FORWARD's policy becomes DROP when dockerd turned
  ip_forward on;
- firewalld (iptables/firewalld.go): when firewalld runs, dockerd creates the zone
  `docker` (target ACCEPT) in the permanent configuration and adds each bridge to it at
  runtime; Docker 27+ also adds the policy `docker-forwarding` (ANY -> docker, ACCEPT).
  firewalld ships no such zone: before Docker 20.10, or when dockerd started without
  firewalld, the bridge is in no zone and its clients fall into the default zone.

A published port's connection is DNATed in PREROUTING, before the input hook: it goes
through FORWARD, so firewalld's zone ports never see it -- firewalld's own forward chain
accepts DNATed connections (`ct status dnat accept`) unless StrictForwardPorts=yes
(firewalld 2.3+).  A container's connection to the host arrives on the bridge: the
bridge's zone decides (tests/data/firewall/generated/docker-*, recorded with a real
dockerd 20.10.24 and firewalld 1.3.3).
"""

import ipaddress

from gotriage.findings import Action
from gotriage.i18n import _


class Published(object):
    """One published port: HOSTIP:HOSTPORT/PROTO -> CONTAINER:PORT on BRIDGE."""

    def __init__(self, proto, host_port, container, container_port, host_ip, bridge, rule, source):
        self.proto, self.host_port = proto, host_port
        self.container, self.container_port = container, container_port
        self.host_ip = host_ip  # None: every address of the host
        self.bridge = bridge
        self.rule = rule  # the DNAT rule's text
        self.source = source  # iptables-nft, iptables-legacy...

    def describe(self):
        return "%s%d/%s -> %s:%d" % ("%s:" % self.host_ip if self.host_ip else "", self.host_port, self.proto,
                                     self.container, self.container_port)


class DockerNet(object):
    """Docker's bridges ({name: subnet or None}) and published ports on this host."""

    def __init__(self):
        self.bridges = {}
        self.addresses = {}  # bridge -> its IPv4 address (the containers' gateway)
        self.published = []
        self.masquerade = []  # (subnet, bridge, rule text)
        self.zone = None  # the zone `docker` when firewalld has one

    def __bool__(self):
        return bool(self.bridges or self.published)

    __nonzero__ = __bool__

    def published_port(self, proto, port):
        return [p for p in self.published if p.proto == proto and p.host_port == port]

    def bridge_of(self, iface):
        return iface if iface in self.bridges else None


def _opt(rule, option):
    for m in rule.matches:
        if m.option == option:
            return m
    return None


def _dnat_target(text):
    addr, _colon, port = (text or "").rpartition(":")
    try:
        return str(ipaddress.ip_address(addr)), int(port.split("-")[0])
    except ValueError:
        return None


def docker_net(facts):
    """What Docker set up here, from the iptables dumps and the interfaces (memoised)."""
    def compute():
        net = DockerNet()
        # IPv4 only: Docker writes ip6tables rules only with --ip6tables (off by default)
        for source, save in sorted(facts.iptables_dumps("ipv4").items()):
            _read_save(net, save, source)
        subnets = {}
        for iface in facts.interfaces:
            for a in iface.addresses:
                if a.version == 4 and iface.name not in subnets:
                    subnets[iface.name] = a.network
                    net.addresses[iface.name] = a.ip
        cfg = facts.config
        if cfg is not None and "docker" in cfg.zones:
            net.zone = cfg.zones["docker"]
            for name in net.zone.interfaces:
                net.bridges.setdefault(name, None)
        for iface in facts.interfaces:
            if iface.name == "docker0" or (iface.name.startswith("br-") and len(iface.name) == 15):
                net.bridges.setdefault(iface.name, None)
        for name in net.bridges:
            if net.bridges[name] is None and name in subnets:
                net.bridges[name] = subnets[name]
        if not any(i.name in net.bridges for i in facts.interfaces) and not net.published:
            net.bridges = {}  # a zone `docker` left behind, no bridge: no Docker here
        return net
    return facts.memo("docker_net", compute)


def _read_save(net, save, source):
    nat = save.tables.get("nat")
    if nat is not None and "DOCKER" in nat.chains:
        for rule in nat.chains["DOCKER"].rules:
            iif = _opt(rule, "in-interface")
            if rule.target == "RETURN" and iif is not None and not iif.negated:
                net.bridges.setdefault(iif.value, None)
            if rule.target != "DNAT":
                continue
            target = _dnat_target(rule.target_options.get("--to-destination"))
            dport = _opt(rule, "dport") or _opt(rule, "destination-port")
            proto = _opt(rule, "protocol")
            if target is None or dport is None or proto is None or not (dport.value or "").isdigit():
                continue
            dest = _opt(rule, "destination")
            host_ip = dest.value.split("/")[0] if dest is not None and not dest.negated else None
            bridge = iif.value if iif is not None and iif.negated else None
            net.published.append(Published(proto.value, int(dport.value), target[0], target[1], host_ip,
                                           bridge, rule.text, source))
    if nat is not None and "POSTROUTING" in nat.chains:
        for rule in nat.chains["POSTROUTING"].rules:
            src, oif = _opt(rule, "source"), _opt(rule, "out-interface")
            if rule.target == "MASQUERADE" and src is not None and oif is not None and oif.negated:
                net.masquerade.append((src.value, oif.value, rule.text))
                net.bridges.setdefault(oif.value, None)
    flt = save.tables.get("filter")
    if flt is not None and "FORWARD" in flt.chains:
        for rule in flt.chains["FORWARD"].rules:
            oif = _opt(rule, "out-interface")
            if rule.target == "DOCKER" and oif is not None and not oif.negated:
                net.bridges.setdefault(oif.value, None)


def is_docker_dnat(hit):
    """Whether the DNAT that rewrote a packet is Docker's (nat chain DOCKER)."""
    return hit is not None and hit.source.startswith("iptables") and hit.chain == "DOCKER"


# -- fixes ------------------------------------------------------------------------------

def container_fixes(facts, v):
    """The fixes for a container (a client on a Docker bridge) that the bridge's zone
    turns away from a port of the host, or None when that is not the case."""
    m = v.model
    dnet = docker_net(facts)
    bridge = dnet.bridge_of(v.iif)
    if bridge is None or m is None or m.by != "target" or (m.owner and m.owner[0] == "policy"):
        return None
    subnet = dnet.bridges.get(bridge) or ipaddress.ip_network(v.saddr)
    zone = "docker" if dnet.zone is not None else "trusted"
    why = (_("the zone docker (target ACCEPT) that Docker 20.10+ creates") if zone == "docker"
           else _("the zone trusted (target ACCEPT): this firewalld has no zone docker (Docker "
                  "older than 20.10, or it started without firewalld)"))
    port = str(v.delivered_port) if v.delivered_port else "PORT"
    rich = ("firewall-cmd --permanent --zone=%s --add-rich-rule='rule family=\"%s\" source "
            "address=\"%s\" port port=\"%s\" protocol=\"%s\" accept'" % (
                m.zone, v.family, subnet, port, v.proto))
    return [
        Action.command(["firewall-cmd", "--permanent", "--zone=%s" % zone, "--change-interface=%s" % bridge],
                       description=_("put Docker's bridge %(bridge)s in %(zone)s: its containers "
                                     "reach every port of the host (Docker adds it at runtime only, "
                                     "which a restart of firewalld without dockerd loses)") % {
                                         "bridge": bridge, "zone": why}),
        Action.command(["firewall-cmd", "--reload"], description=_("apply the permanent configuration")),
        Action.note(_("or bind the containers' subnet instead: %(command)s (a source binding wins "
                      "over the interface's zone)") % {
                          "command": "firewall-cmd --permanent --zone=trusted --add-source=%s" % subnet}),
        Action.note((_("or open this port only to them: %(command)s") if v.delivered_port else
                     _("or open one port only to them: %(command)s")) % {"command": rich}),
    ]


def docker_notes(facts, v):
    """Notes for a blocked client where Docker runs: a port no host socket takes may be a
    container's that is not published; an IPv6 client of a port Docker publishes for
    IPv4 only meets the zone (Docker writes no ip6tables rules unless --ip6tables)."""
    dnet = docker_net(facts)
    if not dnet or not v.blocked:
        return []
    published = [p for p in dnet.published if p.host_port == v.port and p.proto == v.proto]
    if v.family == "ipv6" and published and not any(":" in p.container for p in published):
        return [Action.note(_("Docker publishes %(port)d/%(proto)s for IPv4 only (its DNAT is an "
                              "iptables rule; no ip6tables one): an IPv6 client meets the zone like "
                              "any port of the host, and docker-proxy's [::]:%(port)d answers it once "
                              "the zone lets it in") % {"port": v.port, "proto": v.proto})]
    if v.outcome != "refused" or v.decider != "listener" or published:
        return []
    return [Action.note(_("if a container serves %(port)d/%(proto)s, it is not published: a zone "
                          "port opens only the host's own sockets; publish it (%(publish)s) -- "
                          "`docker ps` shows what is") % {
                              "port": v.delivered_port, "proto": v.proto,
                              "publish": "docker run -p %d:%d ..." % (v.delivered_port,
                                                                     v.delivered_port)})]
