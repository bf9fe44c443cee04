#!/usr/bin/env python3
"""A whole-host check: `gotriage check` (every layer) against `lynis audit system --quick`.

    .venv/bin/python bench/bench_host.py [--runs 15] [--lynis-runs 3] [--profile]

Both as whole processes, as users type them, on this machine, in one run and
interleaved (lynis's runs are spread over gotriage's, so that a noisy neighbour slows
both alike), with time.perf_counter around subprocess.run, output discarded:

  - `gotriage check --json` (the .venv console script; every layer, live);
  - `lynis audit system --quick --no-colors` (Debian's lynis; installed with apt-get
    when missing and run as root, as `scripts/setup` does).

The target is `check` at 0.5 s median or less.  Prints each command's median, min and
max with the number of runs, the load average after each run (range), and the ratio
lynis / check.  --profile adds where check's time goes: `python -X importtime` (the
imports, summed per top-level package of gotriage) and cProfile's functions with the
most cumulative time, each from one more run.  --layers N adds `check --layer L --json`
for each layer, N runs each, interleaved (what each layer costs alone, start-up included,
and `gotriage --version` for the start-up alone).  Bytecode is cached (bench/_common.py).
Standard library only; Python 3.6+.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

import _common

ROOT = _common.ROOT
VENV_BIN = os.path.join(ROOT, ".venv", "bin")


def lynis():
    path = shutil.which("lynis")
    if path:
        return path
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise SystemExit("bench_host: lynis is missing (apt-get install lynis, as root)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", "lynis"],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    return shutil.which("lynis") or "/usr/sbin/lynis"


CPU = {}  # argv -> [CPU seconds (user+sys of the process and its children) of each run]


def run_once(argv):
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   stdin=subprocess.DEVNULL, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.setdefault(tuple(argv), []).append(after.ru_utime - before.ru_utime +
                                           after.ru_stime - before.ru_stime)
    return wall


def importtime(python):
    """Import time of `gotriage check`, per module of gotriage (self time, microseconds)."""
    proc = subprocess.run([python, "-X", "importtime", "-m", "gotriage", "check", "--json"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          stdin=subprocess.DEVNULL, cwd=ROOT)
    own, total = {}, 0
    for line in proc.stderr.decode(errors="replace").splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if not m:
            continue
        self_us, name = int(m.group(1)), m.group(4)
        total += self_us
        own[name] = self_us
    return total, own


def profile(python, top=15):
    with open(os.devnull, "w") as devnull:
        proc = subprocess.run(
            [python, "-c",
             "import cProfile, pstats, sys, io\n"
             "from gotriage.cli import main\n"
             "p = cProfile.Profile(); p.enable()\n"
             "try:\n    main(['check', '--json'])\nexcept SystemExit:\n    pass\n"
             "p.disable(); s = io.StringIO()\n"
             "pstats.Stats(p, stream=s).sort_stats('cumulative').print_stats(%d)\n"
             "sys.stderr.write(s.getvalue())\n" % top],
            stdout=devnull, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, cwd=ROOT)
    return proc.stderr.decode(errors="replace")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of gotriage check (15)")
    parser.add_argument("--lynis-runs", type=int, default=3, help="runs of lynis (3)")
    parser.add_argument("--profile", action="store_true",
                        help="also: where check's time goes (importtime, cProfile)")
    parser.add_argument("--layers", type=int, default=0, metavar="N",
                        help="also: each layer alone, N runs each, interleaved")
    args = parser.parse_args(argv)
    python = os.path.join(VENV_BIN, "python3")
    _common.as_users_run(python)

    commands = [("gotriage check --json", [os.path.join(VENV_BIN, "gotriage"), "check", "--json"]),
                ("lynis audit system --quick", [lynis(), "audit", "system", "--quick",
                                                "--no-colors"])]
    version = subprocess.run([python, "--version"], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT).stdout.decode().strip()
    lversion = subprocess.run([commands[1][1][0], "show", "version"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL).stdout.decode().strip()
    sys.stdout.write("%s; lynis %s; load average at the start: %s\n" % (
        version, lversion, _common.loadavg()))
    run_once(commands[0][1])  # warm-up: page cache, bytecode
    times = {label: [] for label, _ in commands}
    loads = {label: [] for label, _ in commands}
    every = max(1, args.runs // max(1, args.lynis_runs))
    for i in range(args.runs):
        for label, argv_ in commands:
            if label.startswith("lynis") and (i % every or len(times[label]) >= args.lynis_runs):
                continue
            times[label].append(run_once(argv_))
            loads[label].append(float(_common.loadavg().split()[0]))
            sys.stderr.write("%s: %.2f s\n" % (label, times[label][-1]))
    if args.runs and args.lynis_runs:
        sys.stdout.write("| command | runs | median | min | max | load average (1 min) after the runs |\n")
        sys.stdout.write("|---|---|---|---|---|---|\n")
        medians = {}
        for label, t in times.items():
            medians[label] = statistics.median(t)
            sys.stdout.write("| `%s` | %d | %.2f s | %.2f s | %.2f s | %.1f-%.1f |\n" % (
                label, len(t), medians[label], min(t), max(t), min(loads[label]), max(loads[label])))
        check = medians[commands[0][0]]
        sys.stdout.write("lynis / check (medians): %.0fx; check against the 0.5 s target: %+.2f s\n" % (
            medians[commands[1][0]] / check, check - 0.5))
    if args.profile:
        total, own = importtime(python)
        ours = sum(v for k, v in own.items() if k.startswith("gotriage"))
        sys.stdout.write("imports (python -X importtime, one run): %.0f ms, of which gotriage's "
                         "own modules %.0f ms; the slowest:\n" % (total / 1e3, ours / 1e3))
        for name, us in sorted(own.items(), key=lambda kv: -kv[1])[:10]:
            sys.stdout.write("  %6.1f ms  %s\n" % (us / 1e3, name))
        sys.stdout.write("cProfile, one run of check --json, by cumulative time:\n")
        sys.stdout.write(profile(python))
    if args.layers:
        script = os.path.join(VENV_BIN, "gotriage")
        layers = ["toolchain", "system", "packages", "selinux", "firewall", "service"]
        each = [("--version", [script, "--version"])] + [
            (layer, [script, "check", "--layer", layer, "--json"]) for layer in layers]
        ltimes = {label: [] for label, _ in each}
        for _ in range(args.layers):
            for label, argv_ in each:
                ltimes[label].append(run_once(argv_))
        sys.stdout.write("each layer alone, whole processes, n=%d each, interleaved (load average "
                         "%s at the end):\n" % (args.layers, _common.loadavg()))
        for label, argv_ in each:
            t, cpu = ltimes[label], CPU[tuple(argv_)]
            sys.stdout.write("  %-12s median %6.2f s  (min %.2f, max %.2f)  CPU median %.2f s\n" % (
                label, statistics.median(t), min(t), max(t), statistics.median(cpu)))
    sys.stdout.write("load average at the end: %s\n" % _common.loadavg())
    return 0


if __name__ == "__main__":
    sys.exit(main())
