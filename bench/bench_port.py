#!/usr/bin/env python3
"""How fast is a `gotriage port` verdict, against asking firewalld itself?

    .venv/bin/python bench/bench_port.py [--runs 30] [--no-bed]

1. Offline (any machine): a recorded firewalld 1.3.3 scenario (tests/data/firewall,
   K_direct_rule) as a snapshot with the stock /usr/lib/firewalld (9 zones, 221
   services, 1 policy): the verdict for one client from the files and the nft JSON
   (FirewallFacts without firewall-cmd), in process, fresh facts each run; the same with
   the recorded firewall-cmd outputs; and `gotriage port` as a whole process.
2. Live (root; the test bed of tests/firewall_testbed.py): in the server namespace of a
   real firewalld 1.3.3, in the same run: `firewall-cmd --list-all-zones`, the live verdict
   from files and `nft -j list ruleset` (in process), and `gotriage port` as a whole process
   (which also asks firewalld for the runtime configuration); then `gotriage port 8080`
   as users type it (the console script beside the Python) and `firewall-cmd
   --list-all-zones`, interleaved run by run, wall time and CPU (user+sys of each process
   and its children).  It is firewalld of the test bed, in its own
   namespaces: the machine's own firewall is never started or changed.

Prints medians (ms) and the ratio firewall-cmd / verdict.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import _common

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "src"))
sys.path.insert(0, os.path.join(ROOT, "tests"))


def median_ms(func, runs):
    func()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, min(times) * 1000, max(times) * 1000


def verdict(host, port, src, iface, use_firewall_cmd):
    from gotriage.checks.firewall import port_findings
    from gotriage.facts.firewall import FirewallFacts

    facts = FirewallFacts(host, use_firewall_cmd=use_firewall_cmd)
    findings = port_findings(facts, port, "tcp", [src], iface)
    return [f.id for f in findings if f.id.startswith("FW-PORT")]


def offline(runs):
    import pathlib

    from firewall_scenarios import GENERATED, scenario_snapshot
    from gotriage.host.snapshot import SnapshotHost

    directory = os.path.join(GENERATED, "nftables-backend", "K_direct_rule")
    snap = str(scenario_snapshot(directory, pathlib.Path(tempfile.mkdtemp()) / "snap"))
    host = SnapshotHost(snap)
    ids = verdict(host, 8080, "10.199.1.2", "rfw-s1", False)
    files, fmin, fmax = median_ms(lambda: verdict(SnapshotHost(snap), 8080, "10.199.1.2", "rfw-s1", False), runs)
    runtime, rmin, rmax = median_ms(lambda: verdict(SnapshotHost(snap), 8080, "10.199.1.2", "rfw-s1", True), runs)
    argv = [sys.executable, "-m", "gotriage", "port", "8080", "--from", "10.199.1.2", "--iface", "rfw-s1",
            "--root", snap]
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))
    cli, cmin, cmax = median_ms(lambda: subprocess.run(argv, stdout=subprocess.DEVNULL, env=env), max(5, runs // 3))
    services = len(os.listdir(os.path.join(snap, "files", "usr", "lib", "firewalld", "services")))
    print("offline: snapshot of K_direct_rule (stock zones, %d services), verdict %s" % (services, ids))
    print("  verdict from files + nft JSON, in process     median %7.1f ms  (min %.1f, max %.1f)" % (files, fmin, fmax))
    print("  ... plus the recorded firewall-cmd outputs    median %7.1f ms  (min %.1f, max %.1f)" % (runtime, rmin, rmax))
    print("  gotriage port --root SNAPSHOT, whole process  median %7.1f ms  (min %.1f, max %.1f)" % (cli, cmin, cmax))
    return {"files": files, "runtime": runtime, "cli": cli}


INSIDE = r'''
import json, os, resource, statistics, subprocess, sys, time
sys.path.insert(0, os.path.join(sys.argv[1], "src")); sys.path.insert(0, os.path.join(sys.argv[1], "bench"))
from bench_port import median_ms, verdict
from gotriage.host.live import LiveHost
runs, src, iface = int(sys.argv[2]), sys.argv[3], sys.argv[4]
fwcmd = median_ms(lambda: subprocess.run(["firewall-cmd", "--list-all-zones"], stdout=subprocess.DEVNULL), runs)
live = median_ms(lambda: verdict(LiveHost(), 8080, src, iface, False), runs)
env = dict(os.environ, PYTHONPATH=os.path.join(sys.argv[1], "src"))
argv = [sys.executable, "-m", "gotriage", "port", "8080", "--from", src, "--iface", iface]
cli = median_ms(lambda: subprocess.run(argv, stdout=subprocess.DEVNULL, env=env), max(5, runs // 3))
nft = median_ms(lambda: subprocess.run(["nft", "-j", "list", "ruleset"], stdout=subprocess.DEVNULL), runs)
# as users type it, against firewall-cmd, interleaved run by run
script = os.path.join(os.path.dirname(sys.executable), "gotriage")
typed = [script, "port", "8080"] if os.path.exists(script) else [sys.executable, "-m", "gotriage", "port", "8080"]
pair = {"typed": [], "fwcmd": [], "typed_cpu": [], "fwcmd_cpu": []}
subprocess.run(typed, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
for _ in range(max(5, runs // 2)):
    for key, argv_ in (("typed", typed), ("fwcmd", ["firewall-cmd", "--list-all-zones"])):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv_, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        pair[key].append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the process and its children
        pair[key + "_cpu"].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
with open("/proc/loadavg") as f:
    load = " ".join(f.read().split()[:3])
print(json.dumps({"fwcmd": fwcmd, "live": live, "cli": cli, "nft": nft, "pair": pair, "load": load,
                  "ids": verdict(LiveHost(), 8080, src, iface, False)}))
'''


def live(runs):
    from firewall_testbed import FirewallBed, available

    why = available()
    if why:
        print("live: skipped (%s)" % why)
        return None
    bed = FirewallBed()
    try:
        bed.up()
        bed.offline("--zone=public", "--add-port=8080/tcp")
        bed.offline("--zone=public", "--add-rich-rule="
                    'rule family="ipv4" source address="10.231.1.3" port port="8080" protocol="tcp" reject')
        bed.offline("--new-zone=goapp")
        bed.offline("--zone=goapp", "--add-source=10.231.2.0/24")
        bed.offline("--zone=goapp", "--add-service=http")
        bed.fw("--reload")
        out = bed.srvx([sys.executable, "-c", INSIDE, ROOT, str(runs), "10.231.1.3", bed.s1], timeout=900)
        data = json.loads(out.strip().splitlines()[-1])
    finally:
        bed.close()
    fw, lv, cli, nft = data["fwcmd"], data["live"], data["cli"], data["nft"]
    print("live: test bed, firewalld 1.3.3 (nftables), verdict %s" % data["ids"])
    print("  firewall-cmd --list-all-zones                 median %7.1f ms  (min %.1f, max %.1f)" % tuple(fw))
    print("  verdict from files + nft -j (live, in process) median %7.1f ms  (min %.1f, max %.1f)" % tuple(lv))
    print("    of which nft -j list ruleset                median %7.1f ms" % nft[0])
    print("  gotriage port (whole process, + firewall-cmd)  median %7.1f ms  (min %.1f, max %.1f)" % tuple(cli))
    print("  ratio firewall-cmd --list-all-zones / verdict: %.1fx" % (fw[0] / lv[0]))
    typed, fwcmd = data["pair"]["typed"], data["pair"]["fwcmd"]
    print("  interleaved, n=%d each, load average %s at the end:" % (len(typed), data["load"]))
    print("    gotriage port 8080 (as typed, whole process) median %7.1f ms  (min %.1f, max %.1f)" % (
        statistics.median(typed) * 1e3, min(typed) * 1e3, max(typed) * 1e3))
    print("    firewall-cmd --list-all-zones               median %7.1f ms  (min %.1f, max %.1f)" % (
        statistics.median(fwcmd) * 1e3, min(fwcmd) * 1e3, max(fwcmd) * 1e3))
    print("    gotriage port 8080 / firewall-cmd: %.2fx (medians)" % (
        statistics.median(typed) / statistics.median(fwcmd)))
    for key, what in (("typed", "gotriage port 8080"), ("fwcmd", "firewall-cmd --list-all-zones")):
        cpu = data["pair"][key + "_cpu"]
        print("    CPU (user+sys of the process and its children) %-30s median %6.0f ms "
              "(min %.0f, max %.0f)" % (what, statistics.median(cpu) * 1e3, min(cpu) * 1e3, max(cpu) * 1e3))
    return data


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--no-bed", action="store_true", help="only the offline part")
    args = parser.parse_args()
    _common.as_users_run()
    result = offline(args.runs)
    print("  (offline verdict %.1f ms against the 100 ms target)" % result["files"])
    if not args.no_bed:
        live(args.runs)


if __name__ == "__main__":
    main()
