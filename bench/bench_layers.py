#!/usr/bin/env python3
"""`gotriage check --json` on this host, live, in this checkout and another, run for run.

    .venv/bin/python bench/bench_layers.py --other CHECKOUT [--runs 7] [--layer service ...]

Whole processes of this Python (`python -m gotriage`, PYTHONPATH=TREE/src, bytecode
cached), every layer and then each --layer given alone, the two trees interleaved run by
run (a noisy neighbour slows both alike).  Prints for each the median and min wall time
(time.perf_counter around subprocess.run) and CPU time (user+sys of the process and the
commands it waited for, from getrusage(RUSAGE_CHILDREN)), the load average at the start
and the end, and whether both trees gave the same findings (the report without its
"generated" time).  Standard library only; Python 3.6+.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

import _common

ROOT = _common.ROOT


def run(src, args):
    """(wall s, CPU s, report without its time) of `python -m gotriage check --json ARGS`."""
    env = dict(os.environ, PYTHONPATH=src)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "gotriage", "check", "--json"] + args,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          stdin=subprocess.DEVNULL, env=env, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    try:
        report = json.loads(proc.stdout.decode())
        report.pop("generated", None)
    except ValueError:
        report = None
    return wall, cpu, report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--other", required=True, help="the checkout to compare with")
    parser.add_argument("--runs", type=int, default=7, help="runs of each (7)")
    parser.add_argument("--layer", action="append", default=[],
                        help="also this layer alone (repeatable)")
    args = parser.parse_args(argv)
    _common.as_users_run()
    trees = [("this", os.path.join(ROOT, "src")),
             ("other", os.path.join(os.path.abspath(args.other), "src"))]
    cases = [("every layer", [])] + [("--layer " + name, ["--layer", name]) for name in args.layer]
    for _label, src in trees:  # bytecode and page cache, outside the measure
        run(src, [])
    sys.stdout.write("Python %s; load average at the start: %s\n" % (
        sys.version.split()[0], _common.loadavg()))
    results = {(case, tree): ([], [], []) for case, _ in cases for tree, _ in trees}
    for _ in range(args.runs):
        for case, extra in cases:
            for tree, src in trees:
                wall, cpu, report = run(src, extra)
                cell = results[(case, tree)]
                cell[0].append(wall)
                cell[1].append(cpu)
                cell[2].append(report)
    sys.stdout.write("| check --json | tree | wall median (min) | CPU median (min) | same findings |\n")
    sys.stdout.write("|---|---|---|---|---|\n")
    for case, _ in cases:
        same = results[(case, "this")][2][-1] == results[(case, "other")][2][-1]
        for tree, _ in trees:
            wall, cpu, _reports = results[(case, tree)]
            sys.stdout.write("| %s | %s | %.2f s (%.2f) | %.2f s (%.2f) | %s |\n" % (
                case, tree, statistics.median(wall), min(wall), statistics.median(cpu), min(cpu),
                "yes" if same else "NO"))
    sys.stdout.write("load average at the end: %s\n" % _common.loadavg())
    return 0


if __name__ == "__main__":
    sys.exit(main())
