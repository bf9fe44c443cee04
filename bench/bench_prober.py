#!/usr/bin/env python3
"""gotriage probe's own cost per request, over the server's time, against the real
alternatives in the same run: a Go client loop (net/http, a new connection per request,
the body read; built here with Debian's Go) and `curl` in a shell loop.

    .venv/bin/python bench/bench_prober.py [--runs 3] [--count 200] [--delay-ms 5]

(Named bench_prober.py: bench/bench_probe.py is the `go env` probe's bench.)  The server
is tests/probe_support.py's Go server on 127.0.0.1 with a fixed delay; every request is
sequential (--concurrency 1) with a new connection, for the three clients alike.  For
each run, interleaved: the median per-request latency each client measures itself, minus
the server's delay ("overhead"); and, for gotriage probe, the wall time of the whole
process divided by the requests, minus the delay (start-up amortised, Python's time
between requests included), and that minus a one-request run's wall, over count - 1 (the
marginal cost of a request, start-up excluded).  Prints medians over the runs and the
ratios to Go's.
Target: gotriage probe's overhead <= 2 ms per request.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import _common

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))

import probe_support  # noqa: E402


def gotriage_run(url, count):
    """(median latency it measured, wall ms per request, marginal wall ms per request: the
    whole process for `count` requests minus one for a single request, over count - 1)."""
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))
    walls = {}
    for n in (1, count):
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "gotriage", "probe", url, "--count", str(n),
                               "--concurrency", "1", "--json"], stdout=subprocess.PIPE, env=env,
                              check=True)
        walls[n] = (time.perf_counter() - start) * 1000.0
        target = json.loads(proc.stdout.decode())["targets"][0]
        assert target["ok"] == n, target
    marginal = (walls[count] - walls[1]) / (count - 1)
    return target["latency_ms"]["p50"], walls[count] / count, marginal


def go_run(client, url, count):
    start = time.perf_counter()
    out = subprocess.run([client, url, str(count)], stdout=subprocess.PIPE, check=True).stdout
    wall = time.perf_counter() - start
    times = [float(line) * 1000.0 for line in out.decode().split()]
    return statistics.median(times), wall * 1000.0 / count


def curl_run(curl, url, count):
    script = 'for i in $(seq %d); do "$0" -s -o /dev/null -w "%%{time_total}\\n" "$1"; done' % count
    start = time.perf_counter()
    out = subprocess.run(["sh", "-c", script, curl, url], stdout=subprocess.PIPE, check=True).stdout
    wall = time.perf_counter() - start
    times = [float(line) * 1000.0 for line in out.decode().split()]
    return statistics.median(times), wall * 1000.0 / count


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--delay-ms", type=float, default=5.0)
    args = parser.parse_args()
    _common.as_users_run()
    go = probe_support.find_go()
    if go is None:
        sys.exit("needs Debian's Go 1.19 (/usr/lib/go-1.19/bin/go)")
    work = tempfile.mkdtemp(prefix="bench-prober-")
    try:
        server_bin = probe_support.build(go, work, "probesrv", probe_support.SERVER_GO)
        client = probe_support.build(go, work, "goclient", probe_support.CLIENT_GO)
        curl = shutil.which("curl")
        results = {"gotriage probe": [], "Go net/http loop": []}
        if curl:
            results["curl loop"] = []
        with probe_support.Server(server_bin, "-delay", "%gms" % args.delay_ms) as server:
            for _ in range(args.runs):
                results["gotriage probe"].append(gotriage_run(server.url, args.count))
                results["Go net/http loop"].append(go_run(client, server.url, args.count))
                if curl:
                    results["curl loop"].append(curl_run(curl, server.url, args.count))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("%d runs x %d sequential requests, server delay %g ms, load %s, %s" % (
        args.runs, args.count, args.delay_ms, _common.loadavg(), sys.version.split()[0]))
    print("%-20s %14s %14s %16s %16s" % ("client", "median (ms)", "overhead (ms)",
                                          "wall/req (ms)", "wall overhead"))
    base = None
    for name, runs in results.items():
        median = statistics.median(r[0] for r in runs)
        wall = statistics.median(r[1] for r in runs)
        over, wall_over = median - args.delay_ms, wall - args.delay_ms
        if name == "Go net/http loop":
            base = (over, wall_over)
        print("%-20s %14.3f %14.3f %16.3f %16.3f" % (name, median, over, wall, wall_over))
    for name, runs in results.items():
        over = statistics.median(r[0] for r in runs) - args.delay_ms
        wall_over = statistics.median(r[1] for r in runs) - args.delay_ms
        print("%s / Go: overhead %.2fx, wall overhead %.2fx" % (
            name, over / base[0], wall_over / base[1]))
    marginal = statistics.median(r[2] for r in results["gotriage probe"]) - args.delay_ms
    print("gotriage probe, marginal wall overhead per request (start-up excluded): %.3f ms "
          "(%.2fx Go's wall overhead)" % (marginal, marginal / base[1]))


if __name__ == "__main__":
    main()
