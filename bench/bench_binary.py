#!/usr/bin/env python3
"""`gotriage binary` on Debian's dockerd (75 MB, ~170,000 dynamic symbols) vs readelf.

    .venv/bin/python bench/bench_binary.py [--runs 30] [--readelf-runs 10]

Gets the binary first if needed: `apt-get download docker.io` into .cache/bench (the
machine's own apt, as root) and `dpkg-deb -x` it there.  Then, in one run and
interleaved (so that a noisy neighbour slows both alike), wall times of whole processes
with time.perf_counter around subprocess.run, output discarded:

  - `gotriage binary dockerd --json`, median of --runs (30), as each entry point starts
    it: the console script of .venv (pip's wrapper, which imports re), `python -m
    gotriage` (runpy), and `python -m gotriage` under the system python3 when there is one;
  - `readelf -V -W dockerd`, median of --readelf-runs (10);
  - `python -c pass` of the same interpreters, for comparison;
  - inside one process (this one): analyse_binary + the JSON rendering on an already
    imported gotriage, median of --runs: the work itself, without interpreter start-up.

--breakdown adds where gotriage's own time goes, from --runs fresh processes of the
.venv Python (median and min): the imports of `gotriage binary`, reading and judging the
binary, the JSON report; and the reads a run makes (Host.read and Host.read_range
through a counting host): their number and bytes, of dockerd itself and in all.

Bytecode is compiled before measuring (PYTHONDONTWRITEBYTECODE is dropped for the runs).
Prints the medians and readelf's median divided by each gotriage median, and the CPU
time (user+sys) of each gotriage command and bare interpreter.  Standard
library only; Python 3.6+.
"""

import argparse
import glob
import os
import shutil
import statistics
import subprocess
import sys
import time

import _common

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, ".cache", "bench")
VENV_BIN = os.path.join(ROOT, ".venv", "bin")


def dockerd():
    """Path to dockerd from Debian's docker.io package, downloaded and unpacked once."""
    unpacked = os.path.join(BENCH, "docker.io")
    path = os.path.join(unpacked, "usr", "sbin", "dockerd")
    if os.path.exists(path):
        return path
    os.makedirs(BENCH, exist_ok=True)
    debs = glob.glob(os.path.join(BENCH, "docker.io_*.deb"))
    if not debs:
        if shutil.which("apt-get") is None:
            raise SystemExit("bench_binary: needs apt-get (a Debian machine) to get docker.io")
        subprocess.run(["apt-get", "-q", "-o", "APT::Sandbox::User=root", "download",
                        "docker.io"], cwd=BENCH, check=True)
        debs = glob.glob(os.path.join(BENCH, "docker.io_*.deb"))
    subprocess.run(["dpkg-deb", "-x", sorted(debs)[-1], unpacked], check=True)
    return path


CPU = {}  # label -> CPU seconds (user+sys, getrusage of the children) of each timed run


def run_once(argv, env, label=None):
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   stdin=subprocess.DEVNULL, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if label is not None:
        CPU.setdefault(label, []).append(after.ru_utime - before.ru_utime +
                                         after.ru_stime - before.ru_stime)
    return wall


def report(label, times):
    median = statistics.median(times)
    sys.stdout.write("%-44s median %7.1f ms  (min %.1f, max %.1f, n=%d)\n" % (
        label, median * 1000, min(times) * 1000, max(times) * 1000, len(times)))
    return median


def in_process(target, runs):
    sys.path.insert(0, os.path.join(ROOT, "src"))
    from gotriage.binary import analyse_binary
    from gotriage.host.live import LiveHost
    from gotriage.report import json_report
    from gotriage.runner import Report

    host = LiveHost()
    times = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        notes = []
        findings = analyse_binary(host, target, "host", notes)
        json_report.render(Report(host, ["binary"], findings, notes))
        times.append(time.perf_counter() - start)
    return times[1:]


BREAKDOWN = r'''
import sys, time
t0 = time.perf_counter()
import gotriage.cli
from gotriage.binary import analyse_binary
from gotriage.host.live import LiveHost
from gotriage.report import json_report
from gotriage.runner import Report
t1 = time.perf_counter()
host = LiveHost()
notes = []
findings = analyse_binary(host, sys.argv[1], "host", notes)
t2 = time.perf_counter()
json_report.render(Report(host, ["binary"], findings, notes))
t3 = time.perf_counter()
print("%r %r %r" % (t1 - t0, t2 - t1, t3 - t2))
'''


def breakdown(python, target, runs, env):
    """Imports, analysis and JSON inside fresh processes; reads through a counting host."""
    parts = [[], [], []]
    for _ in range(runs):
        out = subprocess.run([python, "-c", BREAKDOWN, target], stdout=subprocess.PIPE,
                             stdin=subprocess.DEVNULL, env=env).stdout.decode().split()
        for i, value in enumerate(out):
            parts[i].append(float(value))
    for label, t in zip(("imports (gotriage.cli, binary, host, report)",
                         "read and judge the binary", "JSON report"), parts):
        sys.stdout.write("  %-44s median %5.1f ms  (min %.1f, n=%d)\n" % (
            label, statistics.median(t) * 1e3, min(t) * 1e3, len(t)))

    sys.path.insert(0, os.path.join(ROOT, "src"))
    from gotriage.binary import analyse_binary
    from gotriage.host.live import LiveHost

    reads = []

    class CountingHost(LiveHost):
        def read(self, path, *a, **kw):
            data = LiveHost.read(self, path, *a, **kw)
            reads.append((path, len(data or b"")))
            return data

        def read_range(self, path, offset, length, *a, **kw):
            data = LiveHost.read_range(self, path, offset, length, *a, **kw)
            reads.append((path, len(data or b"")))
            return data

    analyse_binary(CountingHost(), target, "host", [])
    own = [n for p, n in reads if p == target]
    sys.stdout.write("  reads of dockerd: %d, %.2f MB of its %.1f MB; in all: %d reads, %.2f MB\n"
                     % (len(own), sum(own) / 1e6, os.path.getsize(target) / 1e6, len(reads),
                        sum(n for _, n in reads) / 1e6))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="runs of gotriage (30)")
    parser.add_argument("--readelf-runs", type=int, default=10, help="runs of readelf (10)")
    parser.add_argument("--breakdown", action="store_true",
                        help="also: imports, analysis, JSON and the reads (see above)")
    args = parser.parse_args(argv)
    _common.as_users_run(os.path.join(VENV_BIN, "python3"), "/usr/bin/python3")

    target = dockerd()
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    src_env = dict(env, PYTHONPATH=os.path.join(ROOT, "src"))
    venv_python = os.path.join(VENV_BIN, "python3")
    commands = [
        ("gotriage binary dockerd --json (.venv script)",
         [os.path.join(VENV_BIN, "gotriage"), "binary", target, "--json"], env),
        ("python -m gotriage binary ... (.venv)",
         [venv_python, "-m", "gotriage", "binary", target, "--json"], env),
    ]
    baselines = [("python -c pass (.venv)", [venv_python, "-c", "pass"], env)]
    system = "/usr/bin/python3"
    if os.path.exists(system) and os.path.realpath(system) != os.path.realpath(venv_python):
        commands.append(("python -m gotriage binary ... (/usr/bin/python3)",
                         [system, "-m", "gotriage", "binary", target, "--json"], src_env))
        baselines.append(("python -c pass (/usr/bin/python3)", [system, "-c", "pass"], env))
    readelf = ("readelf -V -W dockerd", ["readelf", "-V", "-W", target], env)
    for _label, cmd, e in commands + baselines + [readelf]:
        run_once(cmd, e)  # warm-up: page cache, bytecode
    out = subprocess.run([venv_python, "--version"], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT).stdout.decode().strip()
    sys.stdout.write("%s; %s (%.1f MB)\n" % (out, target, os.path.getsize(target) / 1e6))

    times = {label: [] for label, _, _ in commands + baselines + [readelf]}
    every = max(1, args.runs // max(1, args.readelf_runs))
    for i in range(args.runs):
        for label, cmd, e in commands + baselines:
            times[label].append(run_once(cmd, e, label))
        if i % every == 0 and len(times[readelf[0]]) < args.readelf_runs:
            times[readelf[0]].append(run_once(readelf[1], readelf[2]))
    medians = {label: report(label, t) for label, t in times.items()}
    medians["in-process"] = report("in-process analyse + JSON (warm, no start-up)",
                                   in_process(target, args.runs))
    for label in [c[0] for c in commands] + ["in-process"]:
        sys.stdout.write("readelf / %s: %.1fx\n" % (label, medians[readelf[0]] / medians[label]))
    for (label, _, _), (bare, _, _) in zip(commands[1:], baselines):
        # the target of issue 14: at most 10 ms above the bare start of the same interpreter
        sys.stdout.write("%s - %s: %+.1f ms (medians, n=%d)\n" % (
            label, bare, (medians[label] - medians[bare]) * 1e3, args.runs))
    sys.stdout.write("%s - %s: %+.1f ms (medians, n=%d)\n" % (
        commands[0][0], baselines[0][0], (medians[commands[0][0]] - medians[baselines[0][0]]) * 1e3,
        args.runs))
    # CPU time is what a loaded machine distorts least (its wall time waits for a core)
    for label in [c[0] for c in commands] + [b[0] for b in baselines]:
        sys.stdout.write("CPU (user+sys) %-44s median %5.1f ms  (min %.1f)\n" % (
            label, statistics.median(CPU[label]) * 1e3, min(CPU[label]) * 1e3))
    if args.breakdown:
        sys.stdout.write("where the time goes (load average %s):\n" % _common.loadavg())
        breakdown(venv_python, target, args.runs, env)
    sys.stdout.write("load average at the end: %s\n" % _common.loadavg())
    return 0


if __name__ == "__main__":
    sys.exit(main())
