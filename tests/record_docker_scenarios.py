"""Record the Docker scenarios of tests/data/firewall/generated/docker-{nftables,iptables}:
a real dockerd 20.10 (Debian's docker.io) beside a real firewalld 1.3.3 in the test bed's
namespaces (tests/docker_testbed.py), real containers, and real clients -- from the other
namespaces (c1, c2) and from inside a container.  Each case is written in the layout of
the other recorded scenarios (tests/data/firewall/generated/README.md) plus Docker's own
view (docker-ps.txt, docker-version.txt, dockerd-firewalld.log).

    sudo .venv/bin/python tests/record_docker_scenarios.py [CASE ...]

Needs root, firewalld, nftables, iptables, dbus, docker.io and a Go toolchain (for the
container's server).  Nothing outside the bed's namespaces and directory is touched.
"""

import json
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from docker_testbed import DockerBed, available, build_server  # noqa: E402

OUT = os.path.join(HERE, "data", "firewall", "generated")

# Every case starts from a fresh firewalld (default zone public, nothing opened but ssh
# and dhcpv6-client) and a fresh dockerd that put docker0 into its zone `docker`; then
# `steps` run: ("fw", args) `firewall-cmd --permanent` in the bed (then one --reload for
# all of them), ("fwrt", args) a runtime-only firewall-cmd after that reload, ("ipt",
# args) iptables, ("run", name, publish) a container.  Probes: (client, port) from c1/c2/c1v6, ("ctr", dst, port)
# from inside container `web`.
BASE_PROBES = [("c1", 8088), ("c1", 8089), ("c1", 80), ("c1", 8080), ("c2", 8088), ("c1v6", 8088),
               ("ctr", "172.17.0.1", 8080), ("ctr", "172.17.0.1", 8000), ("ctr", "10.231.1.1", 8080),
               ("ctr", "172.17.0.1", 8088)]
WEB = ("run", "web", ["8088:80", "127.0.0.1:8089:8080"])

CASES = [
    ("docker-nftables", "D1_published", "nftables",
     "dockerd 20.10 with firewalld: web publishes 8088->80 on all addresses and 8089->8080 on "
     "127.0.0.1; no zone opens 8088, yet it is reachable (DNAT in PREROUTING, then FORWARD); "
     "IPv6 is not published (no ip6tables); the container reaches the host through docker0 "
     "in zone docker (target ACCEPT)",
     [WEB], BASE_PROBES),
    ("docker-nftables", "D2_zone_port_not_published", "nftables",
     "zone public opens 80/tcp and 8080/tcp: 80 is the container's port but not published, so a "
     "client of the host is refused (nothing listens on the host's 80); 8080 reaches the host's "
     "own listener",
     [WEB, ("fw", ["--zone=public", "--add-port=80/tcp"]), ("fw", ["--zone=public", "--add-port=8080/tcp"])],
     BASE_PROBES),
    ("docker-nftables", "D3_docker0_no_zone", "nftables",
     "docker0 in no zone (as with Docker before 20.10, or a Docker that started without "
     "firewalld): a container's connection to the host falls into the default zone public and "
     "is rejected (no route to host); published ports still work",
     [WEB, ("fwrt", ["--zone=docker", "--remove-interface=docker0"])], BASE_PROBES),
    ("docker-nftables", "D3b_trusted_source", "nftables",
     "D3 fixed with a source binding: firewall-cmd --zone=trusted --add-source=172.17.0.0/16",
     [WEB, ("fw", ["--zone=trusted", "--add-source=172.17.0.0/16"]),
      ("fwrt", ["--zone=docker", "--remove-interface=docker0"])], BASE_PROBES),
    ("docker-nftables", "D3c_rich_rule", "nftables",
     "D3 fixed for one port: a rich rule in public accepts 172.17.0.0/16 to 8080/tcp only",
     [WEB, ("fw", ["--zone=public", '--add-rich-rule=rule family="ipv4" source address="172.17.0.0/16" '
                               'port port="8080" protocol="tcp" accept']),
      ("fwrt", ["--zone=docker", "--remove-interface=docker0"])],
     BASE_PROBES + [("ctr", "172.17.0.1", 8082)]),
    ("docker-nftables", "D4_docker_user_drop", "nftables",
     "a DOCKER-USER rule (Docker's documented place for filtering published ports) drops "
     "10.231.2.0/24: c2 times out on 8088, c1 gets through",
     [WEB, ("ipt", ["-I", "DOCKER-USER", "-s", "10.231.2.0/24", "-j", "DROP"])], BASE_PROBES),
    ("docker-iptables", "D1_published", "iptables",
     "D1 with firewalld's iptables backend (the CentOS 7 model): Docker's rules and firewalld's "
     "share iptables' FORWARD chain",
     [WEB], BASE_PROBES),
    ("docker-iptables", "D3_docker0_no_zone", "iptables",
     "D3 with the iptables backend: the default zone rejects with port-unreachable",
     [WEB, ("fwrt", ["--zone=docker", "--remove-interface=docker0"])], BASE_PROBES),
]

BED_CLIENTS = {"c1": ("10.231.1.2", "s1", "10.231.1.1"), "c2": ("10.231.2.2", "s2", "10.231.2.1"),
               "c1v6": ("fd31:1::2", "s1", "fd31:1::1")}


def step_text(step):
    kind = step[0]
    if kind in ("fw", "fwrt"):
        return "firewall-cmd %s%s" % ("--permanent " if kind == "fw" else "",
                                      " ".join("'%s'" % a if " " in a else a for a in step[1]))
    if kind == "reload":
        return "firewall-cmd --reload"
    if kind == "ipt":
        return "iptables %s" % " ".join(step[1])
    return "docker run -d --name %s %s gtsrv:1 80 8080" % (step[1], " ".join("-p " + p for p in step[2]))


def record(bed, backend_dir, name, backend, description, steps, probes):
    bed.fresh(backend)
    if any(s[0] == "fw" for s in steps):
        last = max(i for i, s in enumerate(steps) if s[0] == "fw")
        steps = steps[:last + 1] + [("reload",)] + steps[last + 1:]
    for step in steps:
        if step[0] == "fw":
            bed.fw("--permanent", *step[1])
        elif step[0] == "reload":
            bed.reload_firewalld()
        elif step[0] == "fwrt":
            bed.fw(*step[1])
        elif step[0] == "ipt":
            bed.srvx(["iptables"] + step[1])
        else:
            bed.run_container(step[1], step[2])
    target = os.path.join(OUT, backend_dir, name)
    if os.path.exists(target):
        shutil.rmtree(target)
    os.makedirs(target)

    def save(fname, text):
        with open(os.path.join(target, fname), "w") as f:
            f.write(text)

    ctr_addr = bed.containers["web"][1]
    out = []
    plain = [(p[0], p[1], "tcp") for p in probes if p[0] != "ctr"]
    seen = dict(zip(plain, bed.probe(plain)))
    inside = [(p[1], p[2], "tcp") for p in probes if p[0] == "ctr"]
    seen_ctr = dict(zip(inside, bed.probe_from("web", inside)))
    for probe in probes:
        if probe[0] == "ctr":
            _, dst, port = probe
            out.append({"client": "ctr", "src": ctr_addr, "server_iif": "docker0", "dst": dst, "proto": "tcp",
                        "dport": port, "observed": seen_ctr[(dst, port, "tcp")]})
        else:
            client, port = probe
            src, iif, dst = BED_CLIENTS[client]
            out.append({"client": client, "src": src, "server_iif": iif, "dst": dst, "proto": "tcp",
                        "dport": port, "observed": seen[(client, port, "tcp")]})
    # the bed's interface names carry a random tag: the recording names them rfw-s1/rfw-s2
    names = {bed.s1: "rfw-s1", bed.s2: "rfw-s2"}

    def rename(text):
        for old, new in names.items():
            text = text.replace(old, new)
        return text
    for p in out:
        p["server_iif"] = {"s1": "rfw-s1", "s2": "rfw-s2"}.get(p["server_iif"], p["server_iif"])
    save("expected.json", json.dumps({"case": name, "description": description, "probes": out}, indent=1) + "\n")
    save("commands.txt", "".join(step_text(s) + "\n" for s in steps))
    for fname, argv in (
            ("nft-list-ruleset.json", ["nft", "-j", "list", "ruleset"]),
            ("nft-list-ruleset.txt", ["nft", "list", "ruleset"]),
            ("iptables-nft-save.txt", ["iptables-nft-save"]),
            ("ip6tables-nft-save.txt", ["ip6tables-nft-save"]),
            ("iptables-legacy-save.txt", ["iptables-legacy-save"]),
            ("ip6tables-legacy-save.txt", ["ip6tables-legacy-save"]),
            ("fwcmd-get-default-zone.txt", ["firewall-cmd", "--get-default-zone"]),
            ("fwcmd-get-active-zones.txt", ["firewall-cmd", "--get-active-zones"]),
            ("fwcmd-list-all-zones.txt", ["firewall-cmd", "--list-all-zones"]),
            ("fwcmd-permanent-list-all-zones.txt", ["firewall-cmd", "--permanent", "--list-all-zones"]),
            ("fwcmd-list-all-policies.txt", ["firewall-cmd", "--list-all-policies"]),
            ("fwcmd-direct-get-all-rules.txt", ["firewall-cmd", "--direct", "--get-all-rules"]),
            ("ss-ltn.txt", ["ss", "-ltn"]),
            ("proc-net-tcp.txt", ["cat", "/proc/net/tcp"]),
            ("proc-net-tcp6.txt", ["cat", "/proc/net/tcp6"]),
            ("ip-addr.json", ["ip", "-j", "addr"])):
        text = bed.srvx(argv, check=False)
        if text.strip() or fname.startswith(("fwcmd-", "ss-")):
            save(fname, rename(text))
    save("docker-ps.txt", bed.docker("ps", "--format", "{{.Names}}\t{{.Ports}}\t{{.Networks}}"))
    save("docker-version.txt", bed.docker("version", "--format",
                                          "client {{.Client.Version}}, server {{.Server.Version}}"))
    save("dockerd-firewalld.log", "".join(line.split(" msg=", 1)[-1] + "\n" for line in bed.firewalld_lines()))
    shutil.copytree(bed.etc, os.path.join(target, "etc-firewalld"))
    print("%s/%s: %s" % (backend_dir, name, " ".join("%s:%s=%s" % (p["client"], p["dport"], p["observed"])
                                                     for p in out)), flush=True)


def main():
    why = available()
    if why:
        sys.exit("cannot record: %s" % why)
    wanted = set(sys.argv[1:])
    work = tempfile.mkdtemp(prefix="gotriage-docker-rec-")
    go = shutil.which("go") or "/usr/lib/go-1.19/bin/go"
    binary = build_server(go, work)
    bed = DockerBed(binary)
    try:
        bed.up()
        for backend_dir, name, backend, description, steps, probes in CASES:
            if wanted and name not in wanted and "%s/%s" % (backend_dir, name) not in wanted:
                continue
            record(bed, backend_dir, name, backend, description, steps, probes)
    finally:
        bed.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
