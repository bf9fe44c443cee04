"""Cases of the firewall layer (FW-*).

Most cases are `gotriage port` on the scenarios recorded on a real firewalld 1.3.3 test
bed (tests/data/firewall/generated: its /etc/firewalld, nft and iptables dumps,
firewall-cmd outputs, sockets and addresses, and what real clients saw), laid out as a
snapshot at test time ({scenario:BACKEND/NAME}, tests/firewall_scenarios.py).  Where a
case needs one more fact than a scenario recorded, its overlay/ adds it (a Go program
owning the socket, a process in another network namespace, a global IPv6 address, a
permanent zone file not yet loaded, a command that hung).  The configuration cases are
small hand-built hosts around firewalld's own files (tests/data/firewall/upstream).
"""

import os

from recipes import case, data_case
from recipes.build import Snapshot, data, el_host, elf

SCENARIO_SOURCE = ("the scenario %s recorded on a real firewalld 1.3.3 test bed "
                   "(tests/data/firewall/generated, see its README.md)")
OVERLAY_SOURCE = SCENARIO_SOURCE + "; overlay/ (tests/cases/recipes/firewall.py) adds %s"
HAND_BUILT = ("hand-built snapshot (tests/cases/recipes/firewall.py) around firewalld's own "
              "files (tests/data/firewall/upstream)")
FIREWALL = ["check", "--root", "{case}/snapshot", "--layer", "firewall"]
GO_PID = "3100"
GO_EXE = "/usr/local/bin/goapi"


def port(number, scenario, overlay=False, *extra):
    return ["port", str(number), "--root",
            "{scenario:%s%s}" % (scenario, "+overlay" if overlay else "")] + list(extra)


def scenario_case(name, about, scenario, number, expect, exit=1):
    data_case(name, about, SCENARIO_SOURCE % scenario, port(number, scenario), expect, exit)


# -- the recorded scenarios, as they are -------------------------------------------------
scenario_case("fw-port-unreachable-default-zone",
              "firewalld's defaults: 8080 is not open in the public zone, so clients get "
              "`no route to host` (the zone's reject, nftables backend).",
              "nftables-backend/A0_defaults", 8080, ["FW-PORT-UNREACHABLE"])
scenario_case("fw-port-refused-rich-reject",
              "A rich rule rejects the client's network on 8080: `connection refused`.",
              "nftables-backend/B_rich_reject", 8080, ["FW-PORT-REFUSED"])
scenario_case("fw-port-refused-rich-reject-iptables",
              "The same rich rule with the iptables backend (the CentOS 7 model).",
              "iptables-backend/B_rich_reject", 8080, ["FW-PORT-REFUSED"])
scenario_case("fw-port-timeout-rich-drop",
              "A rich rule drops the client's packets on 8080: Go's `i/o timeout`.",
              "nftables-backend/C_rich_drop", 8080, ["FW-PORT-TIMEOUT"])
scenario_case("fw-port-mismatch-foreign-nft-table",
              "firewalld opens 8080, but an nft table of its own (not firewalld's) drops it: "
              "the configuration and the packets disagree, the packets win.",
              "nftables-backend/M_foreign_nft_table", 8080,
              ["FW-PORT-MISMATCH", "FW-PORT-TIMEOUT", "FW-PORT-UNREACHABLE"])
scenario_case("fw-port-mismatch-iptables-legacy",
              "firewalld opens 8080, but an iptables-legacy rule (which nft does not show) "
              "drops it.", "nftables-backend/O_iptables_legacy", 8080,
              ["FW-PORT-MISMATCH", "FW-PORT-TIMEOUT"])
scenario_case("fw-listen-loopback",
              "The server listens on 127.0.0.1:8081 only: other hosts are refused whatever "
              "the firewall says.", "nftables-backend/A_port_open", 8081,
              ["FW-LISTEN-LOOPBACK", "FW-PORT-UNREACHABLE"])
scenario_case("fw-listen-v6only",
              "The server listens on [::]:8083 with IPV6_V6ONLY (Go's \"tcp6\"): IPv4 clients "
              "are refused.", "nftables-backend/A_port_open", 8083,
              ["FW-LISTEN-V6ONLY", "FW-PORT-UNREACHABLE"])
scenario_case("fw-listen-none",
              "The default zone is trusted (everything gets in) and nothing listens on 8000.",
              "nftables-backend/T_default_zone_trusted", 8000, ["FW-LISTEN-NONE", "FW-PORT-REFUSED"])


def save_overlay(s, directory):
    s.write(os.path.join(directory, "overlay"), manifest=False)


def go_owner(s, inode, pid=GO_PID):
    """A Go program (a minimal Go ELF) owning the socket `inode`, as /proc shows it."""
    s.file("/proc/%s/comm" % pid, "goapi\n")
    s.file("/proc/%s/exe" % pid, elf(go_version="go1.22.12", path="example.com/goapi"))
    s.link("/proc/%s/exe" % pid, GO_EXE)
    s.dir("/proc/%s/fd" % pid, mode=0o500, listing=["0", "1", "2", "3"])
    for fd, target in (("0", "/dev/null"), ("1", "socket:[181800]"), ("2", "socket:[181800]"),
                       ("3", "socket:[%s]" % inode)):
        s.link("/proc/%s/fd/%s" % (pid, fd), target)


# -- a recorded scenario and one more fact -----------------------------------------------
@case("fw-check-go-service-blocked",
      "`check` on the default firewall with a Go program listening on 0.0.0.0:8080: the "
      "firewall layer finds it by the Go build info of /proc/PID/exe and judges its port.",
      OVERLAY_SOURCE % ("nftables-backend/A0_defaults", "the Go program owning the 8080 "
                        "socket (inode 181868 of the recorded /proc/net/tcp)"),
      ["check", "--root", "{scenario:nftables-backend/A0_defaults+overlay}", "--layer", "firewall"],
      ["FW-PORT-UNREACHABLE"])
def fw_check_go_service(directory):
    s = Snapshot()
    go_owner(s, "181868")
    save_overlay(s, directory)


@case("fw-listen-netns",
      "A podman container (another network namespace) listens on 9000, published without "
      "-p: the host's 9000 has no listener, so clients are refused.",
      OVERLAY_SOURCE % ("nftables-backend/T_default_zone_trusted", "the container's process: "
                        "its /proc/PID/ns/net and /proc/PID/net/tcp"),
      port(9000, "nftables-backend/T_default_zone_trusted", True),
      ["FW-LISTEN-NETNS", "FW-PORT-REFUSED"])
def fw_listen_netns(directory):
    s = Snapshot()
    s.link("/proc/self/ns/net", "net:[4026531840]")
    s.link("/proc/4242/ns/net", "net:[4026532301]")
    s.file("/proc/4242/comm", "goapi\n")
    s.link("/proc/4242/exe", GO_EXE)
    s.file("/proc/4242/net/tcp",
           "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
           "timeout inode\n   0: 00000000:2328 00000000:0000 0A 00000000:00000000 00:00000000 "
           "00000000  1000        0 52201 1 0000000012ab34cd 100 0 0 10 0\n")
    s.file("/proc/4242/net/tcp6", "  sl  local_address                         remote_address"
           "                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n")
    save_overlay(s, directory)


@case("fw-listen-v4only",
      "The host has a global IPv6 address, and the server listens on 0.0.0.0:8080 only "
      "(Go's \"tcp4\"): IPv6 clients are refused.",
      OVERLAY_SOURCE % ("nftables-backend/A_port_open", "a global IPv6 address on rfw-s1 "
                        "(`ip -j addr` as iproute2 prints it)"),
      port(8080, "nftables-backend/A_port_open", True), ["FW-LISTEN-V4ONLY", "FW-PORT-REFUSED"])
def fw_listen_v4only(directory):
    import json

    recorded = data("firewall/generated/nftables-backend/A_port_open/ip-addr.json").decode()
    addresses = json.loads(recorded)
    for iface in addresses:
        if iface["ifname"] == "rfw-s1":
            iface["addr_info"].insert(1, {"family": "inet6", "local": "2001:db8:199:1::1",
                                          "prefixlen": 64, "scope": "global",
                                          "valid_life_time": 4294967295,
                                          "preferred_life_time": 4294967295})
    s = Snapshot()
    s.command(["ip", "-j", "addr"], json.dumps(addresses, separators=(",", ":")) + "\n")
    save_overlay(s, directory)


@case("fw-listen-v6only-bindv6only",
      "net.ipv6.bindv6only=1 and no ss: /proc/net shows a server on [::]:8082 but not its own "
      "IPV6_V6ONLY, so the sysctl's default decides: the trusted zone lets IPv4 clients in and "
      "the server refuses them (its owner is unknown: a Go program would clear the flag itself).",
      OVERLAY_SOURCE % ("nftables-backend/T_default_zone_trusted", "/proc/sys/net/ipv6/bindv6only = 1 and "
                        "an ss that is not installed (the sockets come from the recorded "
                        "/proc/net/tcp6); tests/test_ipv6_bindv6only.py checks the same against "
                        "the real kernel in a network namespace"),
      port(8082, "nftables-backend/T_default_zone_trusted", True), ["FW-LISTEN-V6ONLY", "FW-PORT-REFUSED"])
def fw_listen_v6only_bindv6only(directory):
    s = Snapshot()
    s.file("/proc/sys/net/ipv6/bindv6only", "1\n")
    s.command(["ss", "-ltn"], error="not-found")
    s.command(["ss", "-lun"], error="not-found")
    save_overlay(s, directory)


@case("fw-port-runtime-only",
      "`firewall-cmd --permanent --add-port=8080/tcp` without a reload: the zone file opens "
      "8080, the running firewall (default zone) does not; a reload changes the verdict.",
      OVERLAY_SOURCE % ("nftables-backend/A0_defaults", "the permanent public.xml of the "
                        "A_port_open scenario (the same firewalld, 8080 added)"),
      port(8080, "nftables-backend/A0_defaults", True),
      ["FW-PORT-RUNTIME-ONLY", "FW-PORT-UNREACHABLE"])
def fw_port_runtime_only(directory):
    s = Snapshot()
    s.real("/etc/firewalld/zones/public.xml",
           "firewall/generated/nftables-backend/A_port_open/etc-firewalld/zones/public.xml")
    save_overlay(s, directory)


@case("fw-input-hung",
      "`firewall-cmd --list-all-zones` never answers (firewalld or D-Bus stuck): the "
      "verdict comes from the saved configuration and the live ruleset.",
      OVERLAY_SOURCE % ("nftables-backend/A0_defaults", "that firewall-cmd, recorded as collect "
                        "records a command it killed"),
      port(8080, "nftables-backend/A0_defaults", True), ["FW-INPUT-HUNG", "FW-PORT-UNREACHABLE"])
def fw_input_hung(directory):
    s = Snapshot()
    s.hung(["firewall-cmd", "--list-all-zones"], 10)
    save_overlay(s, directory)


# -- the configuration -------------------------------------------------------------------
def el8_firewalld(conf=None, version="0.8.2"):
    """Rocky 8's firewalld: its version file, firewalld.conf (0.8.2's own) and the stock
    zones firewalld 0.6-0.8 ship (tests/data/firewall/upstream/firewalld-v0.6.3)."""
    s = el_host("rocky-8.4", "app8")
    s.file("/usr/lib/python3.6/site-packages/firewall/config/__init__.py",
           '# -*- coding: utf-8 -*-\n#\n# Copyright (C) 2007-2016 Red Hat, Inc.\n\n'
           'DAEMON_NAME = "firewalld"\nVERSION = "%s"\n' % version)
    conf = data("firewall/upstream/firewalld-v0.8.2/firewalld.conf").decode() if conf is None else conf
    s.file("/etc/firewalld/firewalld.conf", conf)
    zones = os.path.join("firewall", "upstream", "firewalld-v0.6.3", "zones")
    for name in ("public.xml", "trusted.xml", "drop.xml", "block.xml", "internal.xml"):
        s.real("/usr/lib/firewalld/zones/" + name, os.path.join(zones, name))
    return s


def save(s, directory):
    s.write(os.path.join(directory, "snapshot"))


@case("fw-config-drift",
      "RHEL 8.3's firewalld 0.8 with AllowZoneDrifting=yes (the value RHEL 8 shipped "
      "before 8.5): clients of a source zone fall through to the default zone.",
      HAND_BUILT + ": firewalld 0.8.2's firewalld.conf with AllowZoneDrifting=yes",
      FIREWALL, ["FW-CONFIG-DRIFT"])
def fw_config_drift(directory):
    conf = data("firewall/upstream/firewalld-v0.8.2/firewalld.conf").decode()
    assert "\nAllowZoneDrifting=no\n" in conf
    save(el8_firewalld(conf.replace("\nAllowZoneDrifting=no\n", "\nAllowZoneDrifting=yes\n")),
         directory)


@case("fw-config-default-zone",
      "DefaultZone=corp in firewalld.conf, and no zone corp exists: firewalld falls back "
      "to public.", HAND_BUILT, FIREWALL, ["FW-CONFIG-DEFAULT-ZONE"])
def fw_config_default_zone(directory):
    conf = data("firewall/upstream/firewalld-v0.8.2/firewalld.conf").decode()
    save(el8_firewalld(conf.replace("\nDefaultZone=public\n", "\nDefaultZone=corp\n")), directory)


@case("fw-config-xml",
      "A zone file in /etc/firewalld with an unclosed element: firewalld skips it.",
      HAND_BUILT, FIREWALL, ["FW-CONFIG-XML"])
def fw_config_xml(directory):
    s = el8_firewalld()
    s.file("/etc/firewalld/zones/public.xml", '<?xml version="1.0" encoding="utf-8"?>\n<zone>\n'
           "  <short>Public</short>\n  <service name=\"ssh\"/>\n  <port port=\"8080\" "
           "protocol=\"tcp\">\n</zone>\n")
    save(s, directory)


@case("fw-config-rich",
      "A rich rule with no family but an IPv4 source address: firewalld refuses the whole "
      "zone file and runs the stock public zone instead.",
      HAND_BUILT, FIREWALL, ["FW-CONFIG-RICH"])
def fw_config_rich(directory):
    s = el8_firewalld()
    s.file("/etc/firewalld/zones/public.xml", '<?xml version="1.0" encoding="utf-8"?>\n<zone>\n'
           "  <short>Public</short>\n  <service name=\"ssh\"/>\n  <rule>\n"
           "    <source address=\"10.0.0.0/8\"/>\n    <port port=\"8080\" protocol=\"tcp\"/>\n"
           "    <accept/>\n  </rule>\n</zone>\n")
    save(s, directory)


@case("fw-config-nft",
      "`nft -j list ruleset` printed something that is not JSON (a wrapper script's "
      "banner): packet-level verdicts cannot be made.",
      HAND_BUILT, FIREWALL, ["FW-CONFIG-NFT"])
def fw_config_nft(directory):
    s = el8_firewalld()
    s.command(["nft", "-j", "list", "ruleset"], "Warning: nft is a wrapper, see /etc/nft.wrap\n"
              "table inet firewalld {\n")
    save(s, directory)


# -- Docker beside firewalld (scenarios recorded with a real dockerd 20.10.24) -------------
DOCKER_SOURCE = ("the scenario %s recorded with a real dockerd 20.10.24 beside a real firewalld "
                 "1.3.3 (tests/record_docker_scenarios.py, tests/data/firewall/generated)")


def docker_case(name, about, scenario, command, expect, exit=1):
    data_case(name, about, DOCKER_SOURCE % scenario, command, expect, exit)


docker_case("fw-docker-published",
            "Docker publishes 8088 to a container (`-p 8088:80`) and no zone opens it: the client "
            "gets in all the same (DNATed before input, forwarded), and the report says why.",
            "docker-nftables/D1_published",
            port(8088, "docker-nftables/D1_published", False, "--from", "10.231.1.2"),
            ["FW-DOCKER-PUBLISHED"], exit=0)
docker_case("fw-docker-user-drop",
            "A DOCKER-USER rule drops one network's connections to the published 8088: a "
            "timeout, decided in iptables' FORWARD, fixed by removing that rule.",
            "docker-nftables/D4_docker_user_drop",
            port(8088, "docker-nftables/D4_docker_user_drop", False, "--from", "10.231.2.2"),
            ["FW-DOCKER-PUBLISHED", "FW-PORT-TIMEOUT"])
docker_case("fw-docker-container-to-host",
            "docker0 is in no zone (Docker before 20.10, or started without firewalld): a "
            "container's connection to the host's 8080 falls into public and gets `no route to "
            "host`; the fix puts docker0 in the zone docker (or binds its subnet, or a rich rule).",
            "docker-nftables/D3_docker0_no_zone",
            port(8080, "docker-nftables/D3_docker0_no_zone", False, "--from", "172.17.0.2"),
            ["FW-LISTEN-V4ONLY", "FW-PORT-UNREACHABLE"])
docker_case("fw-docker-zone",
            "`check` where docker0 is in no zone: FW-DOCKER-ZONE with the fix, and the ports "
            "Docker publishes.",
            "docker-nftables/D3_docker0_no_zone",
            ["check", "--layer", "firewall", "--root", "{scenario:docker-nftables/D3_docker0_no_zone}"],
            ["FW-DOCKER-PUBLISHED", "FW-DOCKER-ZONE"])
