"""The firewall layer's Docker check (registered by gotriage.checks.firewall): Docker's
bridges are in a firewalld zone that lets their containers reach the host, and the
ports Docker publishes -- which firewalld's zones never see -- are named.

gotriage.firewall.docker reads what dockerd wrote (its bridges, DNATs, masquerade); the
packet walk (gotriage.firewall.analysis) already follows a published port's connection
through the forward hook.  This module only words it.
"""

import ipaddress

from gotriage.checks import check
from gotriage.findings import Action, Evidence, Finding
from gotriage.firewall.docker import container_fixes, docker_net
from gotriage.i18n import _

LAYER = "firewall"


def _f(id, severity, title, **kw):
    return Finding(id, severity, title, layer=LAYER, **kw)


@check("FW-DOCKER", LAYER, "Docker's bridges and published ports are what firewalld lets through", findings={
    "FW-DOCKER-ZONE": (
        "A Docker bridge (docker0, br-...) is in no firewalld zone of its own, or in one whose "
        "target is not ACCEPT: a container's connection to a service of the host falls into "
        "that zone (the default zone when none) and is rejected -- `no route to host` with "
        "the nftables backend, `connection refused` with iptables.  Docker 20.10+ puts its "
        "bridges into the zone `docker` (target ACCEPT) it creates, at runtime; before 20.10, "
        "or when dockerd started without firewalld, nothing does.",
        "the bridge, its subnet, and the zone firewalld's runtime configuration gives it",
        "`firewall-cmd --permanent --zone=docker --change-interface=docker0` (the zone "
        "`trusted` where there is no zone docker) and `firewall-cmd --reload`; or "
        "`--zone=trusted --add-source=SUBNET`; or a rich rule for the one port."),
    "FW-DOCKER-PUBLISHED": (
        "A port Docker publishes (`docker run -p HOSTPORT:PORT`) is DNATed to the container "
        "before the input hook: firewalld's zone ports and targets never see it, so it is "
        "reachable from every zone although no zone opens it (and closing it in a zone "
        "does nothing).  Docker's FORWARD rules decide; the DOCKER-USER chain is where "
        "Docker lets you filter it.  A port published on 127.0.0.1 is reachable from this "
        "host only.",
        "the DNAT rule in nat chain DOCKER and the container address it leads to",
        "to restrict it: publish on one address (`-p 127.0.0.1:8088:80`), or a DOCKER-USER "
        "rule (`iptables -I DOCKER-USER -p tcp -m conntrack --ctorigdstport 8088 ! -s "
        "ALLOWED -j DROP`); with firewalld 2.3+, StrictForwardPorts=yes makes firewalld "
        "filter published ports too."),
})
def docker(facts):
    """Only where Docker runs: each bridge's zone, and what is published."""
    dnet = docker_net(facts)
    if not dnet:
        return []
    results = bridge_findings(facts, dnet, "warn")
    results.extend(published_findings(facts, dnet, dnet.published))
    if not results:
        results.append(_f("FW-DOCKER", "ok", _("Docker's bridges: %(bridges)s; nothing published")
                          % {"bridges": ", ".join(sorted(dnet.bridges))}))
    return results


def _zone_of(facts, bridge, subnet):
    """(zone name, why, target) that handles a container on `bridge` (runtime config)."""
    from gotriage.firewall.firewalld import Client, decide, zone_reason_text

    cfg = facts.config
    if cfg is None or subnet is None or subnet.num_addresses < 4:
        return None
    container = subnet.network_address + 2
    decision = decide(cfg, Client("ipv4", str(container), bridge, str(subnet.network_address + 1), "tcp", 1))
    zone = cfg.zones.get(decision.zone) if decision.zone else None
    return decision.zone, zone_reason_text(decision.zone_reason), \
        zone.target if zone is not None else None


def bridge_findings(facts, dnet, severity):
    results = []
    if facts.config is None or facts.running is False:
        return results
    for bridge in sorted(dnet.bridges):
        subnet = dnet.bridges[bridge]
        where = _zone_of(facts, bridge, subnet)
        if where is None:
            continue
        zone, why, target = where
        text = "%s (%s)" % (bridge, subnet)
        if target == "ACCEPT":
            results.append(_f("FW-DOCKER", "ok", _(
                "Docker's bridge %(bridge)s is in zone %(zone)s (%(why)s, target ACCEPT): its "
                "containers reach the host") % {"bridge": text, "zone": zone, "why": why},
                subject=bridge))
            continue
        probe = _Probe(bridge, str(subnet.network_address + 2), zone)
        fix = container_fixes(facts, probe) or []
        results.append(_f(
            "FW-DOCKER-ZONE", severity, _(
                "Docker's bridge %(bridge)s is in zone %(zone)s (%(why)s, target %(target)s): a "
                "container's connection to a service of the host is rejected") % {
                    "bridge": text, "zone": zone, "why": why, "target": target}, subject=bridge,
            evidence=[Evidence.fact("firewalld (%s configuration): %s -> zone %s (%s), target %s" % (
                facts.config.origin, bridge, zone, why, target))],
            why=_("Containers reach the host's services through the bridge, so the bridge's zone "
                  "decides; Docker 20.10+ puts it in its zone docker at runtime when firewalld runs, "
                  "older Docker (or a dockerd started before firewalld) leaves it to the default "
                  "zone."),
            predicted_error="dial tcp %s:PORT: connect: %s" % (
                dnet.addresses.get(bridge, subnet.network_address + 1),
                "no route to host" if facts.config.backend == "nftables" else "connection refused"),
            fix=fix))
    return results


class _Probe(object):
    """A container client of the bridge's zone, as container_fixes reads a verdict."""

    def __init__(self, bridge, saddr, zone):
        from gotriage.firewall.firewalld import Decision

        self.iif, self.saddr, self.family, self.proto = bridge, saddr, "ipv4", "tcp"
        self.delivered_port = 0
        self.model = Decision()
        self.model.by, self.model.zone, self.model.owner = "target", zone, ("zone", zone)


def published_findings(facts, dnet, published):
    results = []
    for p in published:
        local = p.host_ip is not None and ipaddress.ip_address(p.host_ip).is_loopback
        values = {"port": p.host_port, "proto": p.proto, "address": p.host_ip,
                  "container": p.container, "container_port": p.container_port}
        if local:
            title = _("%(port)d/%(proto)s is published by Docker on %(address)s only (to "
                      "%(container)s:%(container_port)d): other hosts cannot reach it") % values
        elif p.host_ip:
            title = _("%(port)d/%(proto)s is published by Docker to %(container)s:%(container_port)d "
                      "on %(address)s: reachable from every zone, firewalld's zones do not filter "
                      "it") % values
        else:
            title = _("%(port)d/%(proto)s is published by Docker to %(container)s:%(container_port)d: "
                      "reachable from every zone, firewalld's zones do not filter it") % values
        fix = [Action.note(_("to limit who reaches it: publish it on one address (%(publish)s), or "
                             "filter in DOCKER-USER: %(filter)s") % {
            "publish": "docker run -p 127.0.0.1:%d:%d ..." % (p.host_port, p.container_port),
            "filter": "iptables -I DOCKER-USER -p %s -m conntrack --ctorigdstport %d ! -s "
                      "ALLOWED_NETWORK -j DROP" % (p.proto, p.host_port)})]
        if local:
            fix = [Action.note(_("to reach it from other hosts, publish it on every address: "
                                 "%(publish)s") % {
                "publish": "docker run -p %d:%d ..." % (p.host_port, p.container_port)})]
        results.append(_f(
            "FW-DOCKER-PUBLISHED", "info", title, subject="%s/%d" % (p.proto, p.host_port),
            evidence=[Evidence.fact("%s table nat chain DOCKER: %s" % (p.source, p.rule))],
            why=_("Docker's DNAT (nat PREROUTING -> DOCKER) rewrites the connection to the container "
                  "before the input hook: it is forwarded, and firewalld accepts forwarded DNATed "
                  "connections (`ct status dnat accept`), so no zone port is needed and none closes "
                  "it."),
            fix=fix))
    return results


def port_docker_findings(facts, port, proto):
    """What `gotriage port PORT` adds where Docker runs: the port is published."""
    dnet = docker_net(facts)
    if not dnet:
        return []
    return published_findings(facts, dnet, dnet.published_port(proto, port))
