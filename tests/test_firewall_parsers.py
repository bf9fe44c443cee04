"""Parsers of the firewall layer on real data: firewalld's own files from 0.6.3 (EL7) to
2.5.0, what firewall-cmd, nft, iptables-save, ss and /proc printed on the test bed, and
iptables-save dumps from netfilter's test suite."""

import glob
import os

import pytest

from conftest import DATA
from gotriage.parsers.firewalld_cmd import parse_active_zones, parse_direct_rules, parse_list_all
from gotriage.parsers.firewalld_conf import parse_firewalld_conf
from gotriage.parsers.firewalld_xml import (
    ConfigError,
    parse_direct,
    parse_ipset,
    parse_policy,
    parse_service,
    parse_zone,
)
from gotriage.parsers.iptables_save import parse_iptables_save
from gotriage.parsers.nft_json import NftError, parse_nft_json
from gotriage.parsers.proc_net import (
    parse_ip_addr_json,
    parse_ip_addr_oneline,
    parse_proc_ipv6_route,
    parse_proc_net,
    parse_proc_route,
    parse_ss,
)

FW = os.path.join(DATA, "firewall")
UP = os.path.join(FW, "upstream")
GEN = os.path.join(FW, "generated")


def _read(path):
    with open(path) as f:
        return f.read()


@pytest.mark.parametrize("version", ["firewalld-v0.6.3", "firewalld-v1.3.3", "firewalld-v2.5.0"])
def test_stock_zones(version):
    zones = {}
    for path in glob.glob(os.path.join(UP, version, "zones", "*.xml")):
        name = os.path.basename(path)[:-4]
        zones[name] = parse_zone(_read(path), name, path)
    assert set(zones) == {"block", "dmz", "drop", "external", "home", "internal", "public", "trusted", "work"}
    assert zones["public"].services == ["ssh", "dhcpv6-client"]
    assert zones["trusted"].target == "ACCEPT"
    assert zones["drop"].target == "DROP"
    assert zones["block"].target == "%%REJECT%%"
    assert zones["public"].target == "default"
    assert zones["external"].masquerade


def test_stock_services_1_3_3():
    paths = glob.glob(os.path.join(UP, "firewalld-v1.3.3", "services", "*.xml"))
    assert len(paths) > 200
    services = {os.path.basename(p)[:-4]: parse_service(_read(p), os.path.basename(p)[:-4], p) for p in paths}
    assert [str(p) for p in services["ssh"].ports] == ["22/tcp"]
    assert services["mdns"].destination == {"ipv4": "224.0.0.251", "ipv6": "ff02::fb"}
    assert "http" in services["freeipa-4"].includes


@pytest.mark.parametrize("version", ["firewalld-v1.3.3", "firewalld-v2.5.0"])
def test_stock_policies(version):
    path = os.path.join(UP, version, "policies", "allow-host-ipv6.xml")
    pol = parse_policy(_read(path), "allow-host-ipv6", path)
    assert pol.priority == -15000 and pol.target == "CONTINUE"
    assert pol.ingress_zones == ["ANY"] and pol.egress_zones == ["HOST"]
    assert all(r.family == "ipv6" and r.element.kind == "icmp-type" for r in pol.rules)


def test_firewalld_conf_versions():
    old = parse_firewalld_conf(_read(os.path.join(UP, "firewalld-v0.6.3", "firewalld.conf")))
    # upstream 0.6 already defaulted to nftables (RHEL 7's package patches it to iptables)
    assert old.get("DefaultZone") == "public" and old.get("FirewallBackend") == "nftables"
    mid = parse_firewalld_conf(_read(os.path.join(UP, "firewalld-v0.8.2", "firewalld.conf")))
    assert mid.get("FirewallBackend") == "nftables" and mid.flag("AllowZoneDrifting") is False
    assert mid.lines["AllowZoneDrifting"] > 1
    new = parse_firewalld_conf(_read(os.path.join(UP, "firewalld-v2.5.0", "firewalld.conf")))
    assert new.get("DefaultZone") == "public"


def test_scenario_zone_files():
    path = os.path.join(GEN, "nftables-backend", "E_priority_negative", "etc-firewalld", "zones", "public.xml")
    zone = parse_zone(_read(path), "public", path)
    assert [str(p) for p in zone.ports] == ["8080/tcp"]
    assert [r.priority for r in zone.rules] == [0, -5]
    assert [r.chain for r in zone.rules] == ["deny", "pre"]
    assert zone.forward


def test_direct_and_policy_files():
    direct = parse_direct(_read(os.path.join(GEN, "nftables-backend", "K_direct_rule", "etc-firewalld", "direct.xml")))
    assert [str(r) for r in direct.rules] == ["ipv4 filter INPUT 0 -s 10.199.1.2 -p tcp --dport 8080 -j REJECT"]
    path = os.path.join(GEN, "iptables-backend", "L_policy", "etc-firewalld", "policies", "gohost.xml")
    pol = parse_policy(_read(path), "gohost", path)
    assert pol.priority == -100 and str(pol.rules[0]).endswith("reject")


def test_ipset_file():
    text = ('<?xml version="1.0" encoding="utf-8"?>\n<ipset type="hash:net"><option name="family" '
            'value="inet6"/><entry>fd00::/8</entry><entry>fd31:1::2</entry></ipset>')
    ipset = parse_ipset(text, "goclients")
    assert ipset.family == "ipv6" and ipset.entries == ["fd00::/8", "fd31:1::2"]


@pytest.mark.parametrize("text,what", [
    ("<zone><service name='ssh'>", "not valid XML"),
    ("<service/>", "root element is <service>"),
    ("", "not valid XML"),
])
def test_malformed_xml(text, what):
    with pytest.raises(ConfigError) as err:
        parse_zone(text, "broken", "/etc/firewalld/zones/broken.xml")
    assert what in str(err.value) and "/etc/firewalld/zones/broken.xml" in str(err.value)


def test_zone_with_a_bad_rich_rule_keeps_the_rest():
    text = ('<zone><port port="8080" protocol="tcp"/><rule family="ipv4"><source address="10.0.0.1"/>'
            '<frobnicate/><accept/></rule><rule family="ipv4"><source address="10.0.0.2"/><drop/></rule></zone>')
    zone = parse_zone(text, "z")
    assert [str(p) for p in zone.ports] == ["8080/tcp"]
    assert len(zone.rules) == 1 and len(zone.bad_rules) == 1
    assert zone.bad_rules[0][1].code == "INVALID_RULE"


def test_firewall_cmd_list_all_zones():
    text = _read(os.path.join(GEN, "nftables-backend", "K_direct_rule", "fwcmd-list-all-zones.txt"))
    zones = {z.name: z for z in parse_list_all(text)}
    assert zones["goapp"].interfaces == ["rfw-s2"] and zones["goapp"].sources == ["10.199.1.0/24"]
    assert zones["goapp"].active and [str(p) for p in zones["goapp"].ports] == ["8080/tcp"]
    assert zones["work"].sources == ["10.199.2.2"] and zones["work"].services == ["dhcpv6-client", "ssh"]
    assert zones["block"].target == "%%REJECT%%"
    text = _read(os.path.join(GEN, "nftables-backend", "E_priority_negative", "fwcmd-list-all-zones.txt"))
    public = {z.name: z for z in parse_list_all(text)}["public"]
    assert [r.priority for r in public.rules] == [-5, 0]


def test_firewall_cmd_policies_active_zones_direct():
    pols = parse_list_all(_read(os.path.join(GEN, "iptables-backend", "L_policy", "fwcmd-list-all-policies.txt")),
                          "policy")
    gohost = {p.name: p for p in pols}["gohost"]
    assert gohost.priority == -100 and gohost.ingress_zones == ["ANY"] and gohost.egress_zones == ["HOST"]
    assert len(gohost.rules) == 1
    active = parse_active_zones(_read(os.path.join(GEN, "nftables-backend", "K_direct_rule", "fwcmd-get-active-zones.txt")))
    assert active == {"goapp": {"interfaces": ["rfw-s2"], "sources": ["10.199.1.0/24"]},
                      "work": {"interfaces": [], "sources": ["10.199.2.2"]}}
    direct = parse_direct_rules(_read(os.path.join(GEN, "nftables-backend", "K_direct_rule",
                                                   "fwcmd-direct-get-all-rules.txt")))
    assert direct[0].args == "-s 10.199.1.2 -p tcp --dport 8080 -j REJECT" and direct[0].priority == 0


def test_firewall_cmd_0_6_style_one_line_values():
    text = ("public (active)\n  target: default\n  interfaces: eth0\n  services: ssh dhcpv6-client\n"
            "  ports: 8080/tcp 9000-9010/udp\n  forward-ports: port=80:proto=tcp:toport=8080:toaddr=\n"
            "  rich rules: \n\trule family=\"ipv4\" source address=\"10.0.0.0/8\" drop\n")
    zone = parse_list_all(text)[0]
    assert [str(p) for p in zone.ports] == ["8080/tcp", "9000-9010/udp"]
    assert zone.forward_ports[0].to_port == "8080"
    assert str(zone.rules[0]) == 'rule family="ipv4" source address="10.0.0.0/8" drop'


def test_nft_json_of_every_scenario():
    for path in glob.glob(os.path.join(GEN, "*", "*", "nft-list-ruleset.json")):
        ruleset = parse_nft_json(_read(path))
        assert ruleset.schema == 1 and ruleset.version == "1.0.6"
        assert not ruleset.unknown
        if "nftables-backend" in path:
            table = ruleset.table("inet", "firewalld")
            assert table.chains["filter_INPUT"].hook == "input" and table.chains["filter_INPUT"].prio == 10


def test_nft_json_errors_and_newer_schema():
    with pytest.raises(NftError):
        parse_nft_json("nft: command not found")
    with pytest.raises(NftError):
        parse_nft_json('{"something": []}')
    newer = parse_nft_json('{"nftables": [{"metainfo": {"version": "9.9", "json_schema_version": 7}},'
                           '{"table": {"family": "inet", "name": "t", "handle": 1}},'
                           '{"flowtable": {"name": "f"}}]}')
    assert newer.newer_schema and newer.unknown == ["flowtable"]


@pytest.mark.parametrize("name", sorted(os.listdir(os.path.join(UP, "iptables-dumps"))))
def test_upstream_iptables_dumps(name):
    save = parse_iptables_save(_read(os.path.join(UP, "iptables-dumps", name)),
                               "ipv6" if "ip6" in name else "ipv4")
    assert not save.errors, save.errors[:3]
    assert save.rule_count > 0
    for table in save.tables.values():
        for chain in table.chains.values():
            for rule in chain.rules:
                assert rule.target or rule.matches, rule.text


def test_fedora27_dump_details():
    save = parse_iptables_save(_read(os.path.join(UP, "iptables-dumps", "ipt-save--fedora27-iptables")))
    inp = save.tables["filter"].chains["INPUT"]
    assert inp.policy == "ACCEPT"
    last = inp.rules[-1]
    assert last.target == "REJECT" and last.target_options["--reject-with"] == "icmp-host-prohibited"
    zones = save.tables["filter"].chains["INPUT_ZONES"].rules
    assert zones[0].goto and zones[0].target == "IN_FedoraWorkstation"
    allow = save.tables["filter"].chains["IN_FedoraWorkstation_allow"].rules
    assert [m.option for m in allow[-1].matches] == ["protocol", "dport", "ctstate"]


def test_iptables_scenario_dumps():
    save = parse_iptables_save(_read(os.path.join(GEN, "nftables-backend", "O_iptables_legacy",
                                                  "iptables-legacy-save.txt")), source="iptables-legacy")
    rule = save.tables["filter"].chains["INPUT"].rules[0]
    assert rule.target == "DROP" and rule.matches[0].value == "10.199.2.2/32"


def test_sockets_from_proc_and_ss():
    d = os.path.join(GEN, "nftables-backend", "N_bind_address")
    v4 = parse_proc_net(_read(os.path.join(d, "proc-net-tcp.txt")), "tcp", "ipv4")
    assert [s.display() for s in v4] == ["0.0.0.0:8080", "127.0.0.1:8081"]
    v6 = parse_proc_net(_read(os.path.join(d, "proc-net-tcp6.txt")), "tcp", "ipv6")
    assert [(s.address, s.port, s.v6only) for s in v6] == [("::", 8082, None), ("::", 8083, None)]
    ss = parse_ss(_read(os.path.join(d, "ss-ltn.txt")), "tcp")
    assert [s.display() for s in ss] == ["0.0.0.0:8080", "127.0.0.1:8081", "*:8082", "[::]:8083"]
    assert [s.v6only for s in ss if s.family == "ipv6"] == [False, True]


def test_ss_variants():
    text = ("Netid State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n"
            "udp   UNCONN 0      0          127.0.0.53%lo:53        0.0.0.0:*    users:((\"systemd-resolve\",pid=612,fd=13))\n"
            "tcp   LISTEN 0      4096               *:8080            *:*    users:((\"server\",pid=4242,fd=3))\n"
            "tcp   LISTEN 0      128      [::ffff:127.0.0.1]:9090     *:*\n")
    tcp = parse_ss(text, "tcp")
    assert tcp[0].display() == "*:8080" and tcp[0].pid == 4242 and tcp[0].process == "server"
    assert tcp[1].address == "::ffff:127.0.0.1" and tcp[1].loopback_only is False
    udp = parse_ss(text, "udp")
    assert udp[0].address == "127.0.0.53" and udp[0].iface == "lo"


def test_big_endian_proc_net():
    line = ("  sl  local_address rem_address   st\n"
            "   0: 7F000001:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1\n")
    assert parse_proc_net(line, "tcp", "ipv4", byteorder="big")[0].address == "127.0.0.1"
    assert parse_proc_net(line, "tcp", "ipv4")[0].address == "1.0.0.127"


def test_addresses_and_routes():
    ifaces = parse_ip_addr_json(_read(os.path.join(GEN, "nftables-backend", "N_bind_address", "ip-addr.json")))
    assert [(i.name, [str(a) for a in i.addresses if a.version == 4]) for i in ifaces] == [
        ("lo", ["127.0.0.1/8"]), ("rfw-s1", ["10.199.1.1/24"]), ("rfw-s2", ["10.199.2.1/24"])]
    oneline = ("1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever\n"
               "2: eth0    inet 192.0.2.2/24 brd 192.0.2.255 scope global eth0\\       valid_lft forever\n"
               "2: eth0    inet6 fd00::2/64 scope global \\       valid_lft forever preferred_lft forever\n")
    parsed = parse_ip_addr_oneline(oneline)
    assert [str(a) for a in parsed[1].addresses] == ["192.0.2.2/24", "fd00::2/64"]
    routes = parse_proc_route("Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\n"
                              "eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\n"
                              "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\n")
    assert [(str(r.network), r.gateway) for r in routes] == [("0.0.0.0/0", "192.0.2.1"), ("192.0.2.0/24", None)]
    v6 = parse_proc_ipv6_route("00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
                               "fd000000000000000000000000000001 00000400 00000002 00000000 00000003     eth0\n")
    assert str(v6[0].network) == "::/0" and v6[0].gateway == "fd00::1"


def test_ss_extended():
    """`ss -ltune` (iproute2 6.1 on the test machine): inode, uid and v6only per socket."""
    text = ("Netid State  Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess\n"
            "tcp   LISTEN 0      128          0.0.0.0:2024       0.0.0.0:*    ino:1599 sk:1 cgroup:/ <->\n"
            "tcp   LISTEN 0      1               [::]:47001         [::]:*    ino:773064 sk:9f cgroup:/ v6only:1 <->\n"
            "tcp   LISTEN 0      1                  *:47002            *:*    uid:1000 ino:773065 sk:a0 cgroup:/ v6only:0 <->\n")
    socks = parse_ss(text, "tcp")
    assert [(s.display(), s.inode, s.uid, s.v6only) for s in socks] == [
        ("0.0.0.0:2024", 1599, None, None), ("[::]:47001", 773064, None, True), ("*:47002", 773065, 1000, False)]
