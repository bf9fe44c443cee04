"""The recorded firewall scenarios (tests/data/firewall/generated) as gotriage snapshots.

Each scenario holds what a real firewalld 1.3.3 host showed (see
tests/data/firewall/generated/README.md): its /etc/firewalld, `nft -j list ruleset`,
iptables dumps, `firewall-cmd` outputs, `ss -ltn`, /proc/net/tcp{,6}, `ip -j addr`, and in
expected.json what real clients saw.  `scenario_snapshot()` lays these out as the snapshot
gotriage would have recorded there: the files under their real paths, the stock
/usr/lib/firewalld from upstream firewalld 1.3.3 (the package that ran), and each output
as the command gotriage runs.  The recorder left out empty outputs (no active zones, an
empty dump): those commands are recorded as having printed nothing.
"""

import json
import os
import shutil

from conftest import DATA, make_snapshot

FIREWALL = os.path.join(DATA, "firewall")
GENERATED = os.path.join(FIREWALL, "generated")
UPSTREAM = os.path.join(FIREWALL, "upstream")

# scenario file -> the command gotriage runs for it
COMMANDS = {
    "ss-ltn.txt": ["ss", "-ltn"],
    "ip-addr.json": ["ip", "-j", "addr"],
    "nft-list-ruleset.json": ["nft", "-j", "list", "ruleset"],
    "iptables-nft-save.txt": ["iptables-nft-save"],
    "iptables-legacy-save.txt": ["iptables-legacy-save"],
    "fwcmd-get-default-zone.txt": ["firewall-cmd", "--get-default-zone"],
    "fwcmd-list-all-zones.txt": ["firewall-cmd", "--list-all-zones"],
    "fwcmd-list-all-policies.txt": ["firewall-cmd", "--list-all-policies"],
    "fwcmd-direct-get-all-rules.txt": ["firewall-cmd", "--direct", "--get-all-rules"],
    "fwcmd-get-active-zones.txt": ["firewall-cmd", "--get-active-zones"],
}
FILES = {"proc-net-tcp.txt": "/proc/net/tcp", "proc-net-tcp6.txt": "/proc/net/tcp6"}


def scenarios():
    """(backend, name, directory) of every recorded scenario."""
    found = []
    for backend in sorted(os.listdir(GENERATED)):
        base = os.path.join(GENERATED, backend)
        if not os.path.isdir(base) or backend == "harness":
            continue
        for name in sorted(os.listdir(base)):
            if os.path.exists(os.path.join(base, name, "expected.json")):
                found.append((backend, name, os.path.join(base, name)))
    return found


def port_runs(base):
    """(label, argv) of `gotriage port` on every recorded scenario, laid out as a snapshot
    under `base` (a pathlib directory): the scenario's own port (8080 in most) from every
    client it was probed from."""
    runs = []
    for backend, name, directory in scenarios():
        snapshot = str(scenario_snapshot(directory, base / ("%s-%s" % (backend, name))))
        probes = expected(directory)["probes"]
        for dport in sorted({p["dport"] for p in probes}, key=lambda d: d != 8080)[:1]:
            argv = ["port", str(dport), "--root", snapshot]
            for src in sorted({p["src"] for p in probes if p["dport"] == dport}):
                argv += ["--from", src]
            runs.append(("port %s %s/%s" % (dport, backend, name), argv))
    return runs


def expected(directory):
    with open(os.path.join(directory, "expected.json")) as f:
        return json.load(f)


def _read(path):
    with open(path, "rb") as f:
        return f.read()


def scenario_snapshot(directory, target, stock="firewalld-v1.3.3", extra_files=None, extra_commands=()):
    """A snapshot directory at `target` for the scenario in `directory`."""
    files = {}
    etc = os.path.join(directory, "etc-firewalld")
    for root, _dirs, names in os.walk(etc):
        for name in names:
            full = os.path.join(root, name)
            files["/etc/firewalld/" + os.path.relpath(full, etc)] = _read(full)
    stock_dir = os.path.join(UPSTREAM, stock)
    for kind in ("zones", "services", "policies", "ipsets"):
        sub = os.path.join(stock_dir, kind)
        if os.path.isdir(sub):
            for name in os.listdir(sub):
                files["/usr/lib/firewalld/%s/%s" % (kind, name)] = _read(os.path.join(sub, name))
    for name, path in FILES.items():
        if os.path.exists(os.path.join(directory, name)):
            files[path] = _read(os.path.join(directory, name))
    commands = []
    for name, argv in COMMANDS.items():
        full = os.path.join(directory, name)
        if name == "ss-ltn.txt" and not os.path.exists(full):
            continue
        text = _read(full).decode("utf-8") if os.path.exists(full) else ""
        commands.append({"argv": argv, "returncode": 0, "stdout": text, "stderr": ""})
    files.update(extra_files or {})
    replaced = [c["argv"] for c in extra_commands]
    commands = [c for c in commands if c["argv"] not in replaced] + list(extra_commands)
    if os.path.exists(str(target)):
        shutil.rmtree(str(target))
    return make_snapshot(target, files=files, commands=commands, hostname="rfw-srv")
