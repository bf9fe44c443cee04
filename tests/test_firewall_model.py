"""The firewalld model and the packet evaluator beyond the recorded scenarios: zone
dispatch order (checked on a live firewalld 1.3.3), firewalld 0.6 (EL7) and 0.8 zone
drifting, policies and ipsets in the model, iptables-save dumps from real hosts, and nft
features firewalld's own rules do not use (recorded from a real nft)."""

import ipaddress
import os

import pytest

from conftest import DATA
from gotriage.firewall.firewalld import Client, FirewalldConfig, decide, select_zone
from gotriage.firewall.netfilter import HostNet, Packet, Ruleset
from gotriage.knowledge.firewall import go_dial_error, reject_errno
from gotriage.parsers.firewalld_rich import parse_rich_rule
from gotriage.parsers.firewalld_xml import (
    IPSet,
    PortSpec,
    Service,
    ZoneLike,
    parse_service,
    parse_zone,
)
from gotriage.parsers.iptables_save import parse_iptables_save
from gotriage.parsers.nft_json import parse_nft_json
from gotriage.parsers.proc_net import Interface

FW = os.path.join(DATA, "firewall")


def _read(*parts):
    with open(os.path.join(FW, *parts)) as f:
        return f.read()


def stock(version, backend="nftables"):
    cfg = FirewalldConfig("permanent")
    cfg.version = version
    cfg.backend = backend
    base = {(0, 6, 3): "firewalld-v0.6.3", (0, 8, 2): "firewalld-v0.6.3"}.get(version, "firewalld-v1.3.3")
    for name in os.listdir(os.path.join(FW, "upstream", base, "zones")):
        cfg.zones[name[:-4]] = parse_zone(_read("upstream", base, "zones", name), name[:-4])
    for name in ("ssh", "dhcpv6-client", "http", "https", "mdns", "freeipa-4", "kerberos", "kpasswd", "ldap", "ldaps"):
        cfg.services[name] = parse_service(_read("upstream", "firewalld-v1.3.3", "services", name + ".xml"), name)
    return cfg


def client(saddr, iif="eth0", port=8080, proto="tcp", daddr=None):
    family = "ipv4" if ipaddress.ip_address(saddr).version == 4 else "ipv6"
    return Client(family, saddr, iif, daddr or ("192.0.2.1" if family == "ipv4" else "2001:db8::1"), proto, port)


# -- zone dispatch -------------------------------------------------------------------------

def test_sources_by_zone_name_then_interfaces_then_default():
    """firewalld 1.3.3 dispatches source bindings in the alphabetical order of the zone
    names (then each zone's sources in order), then interface bindings the same way,
    then the default zone -- seen on the test bed's filter_INPUT_ZONES."""
    cfg = stock((1, 3, 3))
    for name in ("zzz", "aaa", "mmm"):
        cfg.zones[name] = ZoneLike(name)
    cfg.zones["zzz"].sources = ["10.199.1.0/24"]
    cfg.zones["aaa"].sources = ["10.199.1.2"]
    cfg.zones["mmm"].sources = ["10.199.0.0/16"]
    cfg.zones["aaa"].interfaces = ["eth+"]
    cfg.zones["zzz"].interfaces = ["eth0"]
    pick = lambda addr, iif="eth0": select_zone(cfg, client(addr, iif), decide(cfg, client(addr, iif)))[:2]  # noqa: E731
    assert pick("10.199.1.2") == ("aaa", "source 10.199.1.2")
    assert pick("10.199.1.3") == ("mmm", "source 10.199.0.0/16")
    assert pick("172.16.0.1") == ("aaa", "interface eth+")  # a wildcard in "aaa" beats eth0 in "zzz"
    assert pick("172.16.0.1", "wlan0") == ("public", "default zone")


def test_rich_rule_priorities_and_chain_order():
    cfg = stock((1, 3, 3))
    public = cfg.zones["public"]
    public.ports.append(PortSpec("8080", "tcp"))
    public.rules = [parse_rich_rule('rule family="ipv4" source address="10.0.0.0/8" port port="8080" protocol="tcp" reject'),
                    parse_rich_rule('rule priority="-1" family="ipv4" source address="10.1.1.1" accept'),
                    parse_rich_rule('rule priority="5" family="ipv4" source address="10.2.0.0/16" drop')]
    assert decide(cfg, client("10.3.3.3")).verdict == "reject"  # deny before allow
    d = decide(cfg, client("10.1.1.1"))
    assert d.verdict == "accept" and d.by == "rich rule" and "priority" in d.text  # pre before deny
    d = decide(cfg, client("192.168.1.1", port=9999))
    assert d.verdict == "reject" and d.by == "target" and d.errno == "EHOSTUNREACH"
    assert decide(cfg, client("10.2.2.2", port=9999)).verdict == "drop"  # post, before the target
    d = decide(cfg, client("10.2.2.2", port=8080))
    assert d.verdict == "reject" and "10.0.0.0/8" in d.text  # the deny rule (priority 0) before post


def test_services_includes_destinations_and_protocol_mistakes():
    cfg = stock((1, 3, 3))
    cfg.zones["public"].services = ["freeipa-4", "mdns"]
    assert decide(cfg, client("10.0.0.9", port=443)).by == "service"  # via <include service="https"/>
    d = decide(cfg, client("10.0.0.9", port=5353, proto="udp"))
    assert d.verdict == "reject"  # mdns only to 224.0.0.251
    d = decide(cfg, client("10.0.0.9", port=5353, proto="udp", daddr="224.0.0.251"))
    assert d.verdict == "accept"
    cfg.zones["public"].ports = [PortSpec("8080", "udp")]
    d = decide(cfg, client("10.0.0.9", port=8080))
    assert d.verdict == "reject" and d.near_misses == ["zone public opens port 8080/udp, not 8080/tcp"]


def test_policies_by_priority_and_ingress():
    cfg = stock((1, 3, 3))
    cfg.zones["internal"].interfaces = ["eth1"]
    pol = ZoneLike("gopol", "policy")
    pol.priority, pol.ingress_zones, pol.egress_zones = -10, ["internal"], ["HOST"]
    pol.ports = [PortSpec("8080", "tcp")]
    cfg.policies["gopol"] = pol
    assert decide(cfg, client("10.0.0.1", "eth1")).owner == ("policy", "gopol")
    assert decide(cfg, client("10.0.0.1", "eth0")).verdict == "reject"
    deny = ZoneLike("deny", "policy")
    deny.priority, deny.ingress_zones, deny.egress_zones, deny.target = -20, ["ANY"], ["HOST"], "DROP"
    cfg.policies["deny"] = deny
    d = decide(cfg, client("10.0.0.1", "eth1"))
    assert d.verdict == "drop" and d.owner == ("policy", "deny")
    assert FirewalldConfig("permanent").modern  # no version known: firewalld 1.x rules


def test_ipset_sources_and_rules():
    cfg = stock((1, 3, 3))
    ipset = IPSet("goclients")
    ipset.entries = ["10.9.0.0/16", "192.0.2.50-192.0.2.60"]
    cfg.ipsets["goclients"] = ipset
    trusted = cfg.zones["trusted"]
    trusted.sources = ["ipset:goclients"]
    assert decide(cfg, client("192.0.2.55")).zone == "trusted"
    assert decide(cfg, client("192.0.2.61")).zone == "public"
    cfg.zones["public"].rules = [parse_rich_rule('rule source ipset="goclients" port port="8080" protocol="tcp" accept')]
    trusted.sources = []
    assert decide(cfg, client("10.9.8.7")).by == "rich rule"


def test_forward_port_in_the_model():
    cfg = stock((1, 3, 3))
    from gotriage.parsers.firewalld_xml import ForwardPort

    cfg.zones["public"].forward_ports = [ForwardPort("80", "tcp", "8080", ""), ForwardPort("81", "tcp", "", "198.51.100.7")]
    d = decide(cfg, client("10.0.0.1", port=80))
    assert d.verdict == "accept" and d.dport == 8080 and d.by == "forward-port"
    assert decide(cfg, client("10.0.0.1", port=81)).verdict == "forward"


# -- firewalld before 1.0 ------------------------------------------------------------------

def test_el7_firewalld_0_6_zone_files_and_drifting():
    """firewalld 0.6 (EL7): a source zone that does not accept lets the packet drift to
    the interface/default zone; what nothing accepts meets INPUT's reject
    host-prohibited: "no route to host"."""
    cfg = stock((0, 6, 3), backend="iptables")
    assert cfg.zones["public"].services == ["ssh", "dhcpv6-client"]
    cfg.zones["work"].sources = ["10.0.0.0/8"]
    cfg.zones["public"].ports = [PortSpec("8080", "tcp")]
    d = decide(cfg, client("10.1.2.3"))
    assert d.verdict == "accept" and d.zone == "public" and d.drifted_from == "work"
    d = decide(cfg, client("10.1.2.3", port=9000))
    assert d.verdict == "reject" and d.errno == "EHOSTUNREACH"
    cfg.zones["public"].rules = [parse_rich_rule('rule priority="-1" family="ipv4" source address="10.1.2.3" drop')]
    assert decide(cfg, client("10.1.2.3")).verdict == "drop"  # (0.6 has no priorities: in deny)


@pytest.mark.parametrize("drifting,verdict", [(True, "accept"), (False, "reject")])
def test_allow_zone_drifting_on_0_8(drifting, verdict):
    cfg = stock((0, 8, 2))
    cfg.drifting = drifting
    cfg.zones["work"].sources = ["10.0.0.0/8"]
    cfg.zones["public"].ports = [PortSpec("8080", "tcp")]
    d = decide(cfg, client("10.1.2.3"))
    assert d.verdict == verdict
    assert d.zone == ("public" if drifting else "work")


def test_firewalld_1_never_drifts():
    cfg = stock((1, 3, 3))
    cfg.drifting = True  # ignored from 1.0
    cfg.zones["work"].sources = ["10.0.0.0/8"]
    cfg.zones["public"].ports = [PortSpec("8080", "tcp")]
    d = decide(cfg, client("10.1.2.3"))
    assert d.verdict == "reject" and d.zone == "work" and d.errno == "EHOSTUNREACH"


# -- packets: iptables-save dumps from real hosts ------------------------------------------

def fedora_net():
    iface = Interface("wlp58s0")
    iface.addresses = [ipaddress.ip_interface("192.168.1.20/24"), ipaddress.ip_interface("2001:db8:1::20/64")]
    return HostNet([iface])


@pytest.mark.parametrize("port,verdict,errno", [(22, "accept", None), (8080, "accept", None),
                                                (80, "reject", "EHOSTUNREACH")])
def test_fedora27_firewalld_iptables_dump(port, verdict, errno):
    """Fedora 27 with firewalld's old iptables backend (zone FedoraWorkstation allows
    1025-65535): the final INPUT reject is host-prohibited."""
    ruleset = Ruleset(fedora_net())
    ruleset.add_iptables(parse_iptables_save(_read("upstream", "iptables-dumps", "ipt-save--fedora27-iptables")),
                         "iptables-legacy")
    out = ruleset.evaluate(Packet("ipv4", "192.168.1.7", "192.168.1.20", "tcp", port, "wlp58s0"))
    assert out.verdict == verdict
    if errno:
        assert reject_errno(out.reject, "ipv4") == errno
        assert out.hit.chain == "INPUT" and "icmp-host-prohibited" in out.hit.text


def test_fedora27_ip6tables_dump_answers_permission_denied():
    ruleset = Ruleset(fedora_net())
    ruleset.add_iptables(parse_iptables_save(_read("upstream", "iptables-dumps", "ipt-save--fedora27-ip6tables"),
                                             "ipv6"), "iptables-legacy")
    out = ruleset.evaluate(Packet("ipv6", "2001:db8:1::7", "2001:db8:1::20", "tcp", 80, "wlp58s0"))
    assert out.verdict == "reject" and reject_errno(out.reject, "ipv6") == "EACCES"
    assert go_dial_error("tcp", "2001:db8:1::20", 80, "EACCES", "ipv6") == \
        "dial tcp [2001:db8:1::20]:80: connect: permission denied"


def test_policy_drop_dump_times_out():
    ruleset = Ruleset(fedora_net())
    ruleset.add_iptables(parse_iptables_save(_read("upstream", "iptables-dumps", "ipt-save--policy-drop.txt")),
                         "iptables-legacy")
    out = ruleset.evaluate(Packet("ipv4", "192.168.1.7", "192.168.1.20", "tcp", 8080, "wlp58s0"))
    assert out.verdict == "drop" and out.hit.text == ":INPUT DROP"


# -- packets: nft features (recorded from nft 1.0.6: tests/data/firewall/nft-features) ----

@pytest.fixture(scope="module")
def features():
    net = HostNet([_iface("gtfeat-a", "10.80.0.1/24"), _iface("gtfeat-b", "10.81.0.1/24"),
                   _iface("gtfeat-c", "10.70.0.1/24"), _iface("eth0", "203.0.113.1/24")])
    ruleset = Ruleset(net)
    ruleset.add_nft(parse_nft_json(_read("nft-features", "ruleset.json")))
    return ruleset


def _iface(name, addr):
    iface = Interface(name)
    iface.addresses = [ipaddress.ip_interface(addr)]
    return iface


@pytest.mark.parametrize("saddr,iif,proto,port,verdict,detail", [
    ("10.50.3.4", "eth0", "tcp", 8080, "accept", None),          # interval set, prefix
    ("192.0.2.15", "eth0", "tcp", 8080, "accept", None),         # interval set, range
    ("192.0.2.21", "eth0", "tcp", 8080, "drop", ":policy"),      # outside: the chain's policy
    ("10.60.0.5", "eth0", "tcp", 8443, "accept", None),          # concatenation set
    ("10.60.0.5", "eth0", "tcp", 9443, "drop", ":policy"),
    ("10.80.0.9", "gtfeat-a", "tcp", 8081, "accept", None),      # verdict map -> jump
    ("10.80.0.9", "gtfeat-a", "tcp", 8082, "reject", "icmpx port-unreachable"),
    ("10.80.0.9", "gtfeat-a", "tcp", 8083, "drop", ":policy"),   # return, then policy drop
    ("10.81.0.9", "gtfeat-b", "tcp", 8080, "drop", "vmap"),      # verdict map -> drop
    ("203.0.113.9", "eth0", "tcp", 2222, "accept", None),        # redirect to :22 + ct status dnat
    ("203.0.113.9", "eth0", "tcp", 3333, "forward", None),       # dnat elsewhere
    ("203.0.113.9", "eth0", "tcp", 9000, "reject", "tcp reset"),
    ("203.0.113.9", "eth0", "udp", 9001, "reject", "icmpx host-unreachable"),
    ("203.0.113.9", "eth0", "tcp", 9002, "reject", "icmp admin-prohibited"),  # meta mark set earlier
    ("203.0.113.9", "eth0", "tcp", 7005, "accept", None),        # "limit rate over" does not fire
    ("10.70.0.66", "gtfeat-c", "tcp", 8080, "drop", "ingress"),  # netdev ingress
])
def test_nft_features(features, saddr, iif, proto, port, verdict, detail):
    daddr = {"gtfeat-a": "10.80.0.1", "gtfeat-b": "10.81.0.1", "gtfeat-c": "10.70.0.1"}.get(iif, "203.0.113.1")
    out = features.evaluate(Packet("ipv4", saddr, daddr, proto, port, iif))
    assert out.verdict == verdict, (out.hit.describe() if out.hit else None, out.notes)
    if detail == ":policy":
        assert out.hit.text == "policy drop"
    elif detail == "vmap":
        assert "vmap" in out.hit.text
    elif detail == "ingress":
        assert out.hit.table == "netdev gtfeatdev"
    elif detail:
        assert str(out.reject) == detail
    if verdict == "accept" and port == 2222:
        assert out.packet.dport == 22 and out.dnat is not None


def test_reject_errnos():
    from gotriage.firewall.netfilter import Reject

    assert reject_errno(Reject("icmpx", "admin-prohibited"), "ipv4") == "EHOSTUNREACH"
    assert reject_errno(Reject("icmpx", "admin-prohibited"), "ipv6") == "EACCES"
    assert reject_errno(Reject("icmpx", "no-route"), "ipv6") == "ENETUNREACH"
    assert reject_errno(Reject("icmp", "net-unreachable"), "ipv4") == "ENETUNREACH"
    assert reject_errno(Reject("tcp-reset", None), "ipv6") == "ECONNREFUSED"
    assert go_dial_error("tcp", "10.0.0.1", 8080, None) == "dial tcp 10.0.0.1:8080: i/o timeout"


def test_service_xml_with_includes_is_resolved_once():
    cfg = FirewalldConfig("permanent")
    a, b = Service("a"), Service("b")
    a.includes, b.includes = ["b"], ["a"]
    a.ports, b.ports = [PortSpec("1", "tcp")], [PortSpec("2", "tcp")]
    cfg.services.update({"a": a, "b": b})
    ports = cfg.service("a")[0]
    assert sorted(str(p) for p in ports) == ["1/tcp", "2/tcp"]
