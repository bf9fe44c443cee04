#!/usr/bin/env python3
"""`gotriage fix` (the dry run: the plan printed) against `gotriage check`, as whole
processes, run by hand, not a test.  Target (issue 16): the plan costs at most the time
of `check` + 50 ms.

    .venv/bin/python bench/bench_fix.py [--runs 15] [--python /usr/bin/python3]

Inputs of several shapes, each run interleaved (check, fix, check, fix...) so that a
noisy neighbour slows both alike:
  - this host, live, every layer;
  - el9-goroot-envfile (toolchain findings whose fixes are edits: files read for the plan);
  - el9-services (units of Go services: notes and commands, most of them manual);
  - el7-sudo-path (an edit of the whole sudoers file, with its diff).
Prints the medians, the difference fix - check and the ratio.  Standard library only.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

import _common

ROOT = _common.ROOT
DATA = os.path.join(ROOT, "tests", "data")


def inputs():
    return [
        ("live host, every layer", []),
        ("el9-goroot-envfile", ["--root", os.path.join(DATA, "snapshots", "el9-goroot-envfile"),
                                "--project", "/home/alice"]),
        ("el9-services", ["--root", os.path.join(DATA, "services", "el9-services")]),
        ("el7-sudo-path", ["--root", os.path.join(DATA, "snapshots", "el7-sudo-path")]),
    ]


def run(python, command, args):
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    proc = subprocess.run([python, "-m", "gotriage", command] + args, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          stdin=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit("%s %s: exit %d: %s" % (command, args, proc.returncode, proc.stderr.decode()))
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--only", help="only the inputs whose label contains this")
    opts = parser.parse_args()
    _common.as_users_run(opts.python)
    print("python: %s; runs: %d each, interleaved; load %s" % (
        subprocess.check_output([opts.python, "--version"]).decode().strip(), opts.runs,
        _common.loadavg()))
    print("| input | check (median) | fix, the plan (median) | fix - check | fix / check |")
    print("|---|---|---|---|---|")
    for label, args in inputs():
        if opts.only and opts.only not in label:
            continue
        for command in ("check", "fix"):
            run(opts.python, command, args)  # warm-up
        times = {"check": [], "fix": []}
        for _ in range(opts.runs):
            for command in ("check", "fix"):
                times[command].append(run(opts.python, command, args))
        med = {c: statistics.median(t) for c, t in times.items()}
        print("| %s | %.0f ms | %.0f ms | %+.0f ms | %.2f |" % (
            label, med["check"] * 1e3, med["fix"] * 1e3, (med["fix"] - med["check"]) * 1e3,
            med["fix"] / med["check"]))


if __name__ == "__main__":
    main()
