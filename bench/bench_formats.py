#!/usr/bin/env python3
"""What `check --format prometheus` (and junit) costs over `--json`, on a snapshot.

    .venv/bin/python bench/bench_formats.py [--runs 15] [--python .venv36/bin/python]

Two measures, each format interleaved with the others (a noisy neighbour slows all
alike):

  - the whole process: `python -m gotriage check --root tests/data/snapshots/
    el9-goroot-envfile --project /home/alice` with --json, --format prometheus,
    --format junit, output discarded; median and min wall time;
  - the formatter alone, in this process: the same Report rendered by json_report,
    prometheus and junit (report/output.render) 200 times; median time per render.

docs/benchmarks.md, "Report formats", has its figures.  Standard library only; 3.6+.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

import _common

ROOT = _common.ROOT
SNAPSHOT = os.path.join(ROOT, "tests", "data", "snapshots", "el9-goroot-envfile")
CHECK = ["check", "--root", SNAPSHOT, "--project", "/home/alice"]
FORMATS = (("json", ["--json"]), ("prometheus", ["--format", "prometheus"]),
           ("junit", ["--format", "junit"]))


def processes(python, runs):
    times = {name: [] for name, _ in FORMATS}
    env = dict(os.environ, PYTHONPATH=_common.SRC)
    for _ in range(runs):
        for name, flags in FORMATS:
            started = time.perf_counter()
            done = subprocess.run([python, "-m", "gotriage"] + CHECK + flags, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  stdin=subprocess.DEVNULL, cwd=ROOT)
            times[name].append(time.perf_counter() - started)
            if done.returncode != 1:
                sys.exit("%s: exit %d: %s" % (name, done.returncode, done.stderr.decode()))
    return times


def renders(repeat=200):
    sys.path.insert(0, _common.SRC)
    from gotriage import runner
    from gotriage.checks import LAYERS
    from gotriage.host.snapshot import open_snapshot
    from gotriage.report import output

    host = open_snapshot(SNAPSHOT)
    report = runner.run(host, list(LAYERS), {"project": "/home/alice", "users": [],
                                             "network": False, "timeout": None})
    times = {name: [] for name, _ in FORMATS}
    for _ in range(repeat):
        for name, _ in FORMATS:
            started = time.perf_counter()
            output.render(report, name)
            times[name].append(time.perf_counter() - started)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args()
    _common.as_users_run(args.python)
    print("load average before: %s; python %s; %d runs" % (_common.loadavg(), args.python,
                                                           args.runs))
    wall = processes(args.python, args.runs)
    base = statistics.median(wall["json"])
    for name, _ in FORMATS:
        median = statistics.median(wall[name])
        print("process  %-10s median %.3f s  min %.3f s  (%+.1f ms over --json)" % (
            name, median, min(wall[name]), (median - base) * 1000))
    alone = renders()
    for name, _ in FORMATS:
        print("render   %-10s median %.2f ms" % (name, statistics.median(alone[name]) * 1000))
    print("load average after: %s" % _common.loadavg())


if __name__ == "__main__":
    main()
