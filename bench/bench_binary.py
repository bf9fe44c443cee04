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

Bytecode is compiled before measuring (PYTHONDONTWRITEBYTECODE is dropped for the runs).
Prints the medians and readelf's median divided by each gotriage median.  Standard
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


def run_once(argv, env):
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   stdin=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="runs of gotriage (30)")
    parser.add_argument("--readelf-runs", type=int, default=10, help="runs of readelf (10)")
    args = parser.parse_args(argv)

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
            times[label].append(run_once(cmd, e))
        if i % every == 0 and len(times[readelf[0]]) < args.readelf_runs:
            times[readelf[0]].append(run_once(readelf[1], readelf[2]))
    medians = {label: report(label, t) for label, t in times.items()}
    medians["in-process"] = report("in-process analyse + JSON (warm, no start-up)",
                                   in_process(target, args.runs))
    for label in [c[0] for c in commands] + ["in-process"]:
        sys.stdout.write("readelf / %s: %.1fx\n" % (label, medians[readelf[0]] / medians[label]))
    with open("/proc/loadavg") as f:
        sys.stdout.write("load average at the end: %s\n" % " ".join(f.read().split()[:3]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
