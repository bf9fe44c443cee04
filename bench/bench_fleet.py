#!/usr/bin/env python3
"""`gotriage fleet report` on 1,000 snapshots, and its page for 1,000 hosts in a headless
Chromium; run by hand, not a test.  Targets (issue 18): the report in at most 60 s on the
2-core machine; the page opens and filters in at most 2 s.

    .venv/bin/python bench/bench_fleet.py [--hosts 1000] [--runs 3] [--page-runs 5]

The fleet: the repository's six real snapshots (tests/data/snapshots: el7-sudo-path,
el8-old-go, el9-goroot-envfile, 15 to 17 results each; tests/data/services: el7-, el8-,
el9-services, 29, 33 and 77 results) copied in turn under the names host-0000...host-0999,
as directories, into a temporary directory (TMPDIR).  Each run is
the whole `gotriage fleet report DIR -o OUT` process (analysing every snapshot as
`check --root` does, one process per core): its wall time, and its CPU time with its
workers' (user + system), which divided by the cores is what the wall time would be on a
machine nobody else loads.

The page: Chromium (`--headless --dump-dom`, no --virtual-time-budget, which would
virtualise the page's clock), network disabled, opens fleet.html from file:// unfiltered,
then with a filter in its URL; the page writes performance.now() (milliseconds since
the navigation began) into the DOM when it has drawn everything: that is the time
measured.  Prints medians.  Standard library only.

`--profile N` instead: N of those snapshots analysed one after another in this process
(as one pool worker does, after one to warm up) under cProfile: the CPU time per
snapshot, the calls of lstat and of thread starts (the waste bench runs have cut), and the
functions that cost most.
"""

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import _common

ROOT = _common.ROOT
DATA = os.path.join(ROOT, "tests", "data")
SNAPSHOTS = [os.path.join(DATA, "snapshots", n) for n in ("el7-sudo-path", "el8-old-go",
                                                          "el9-goroot-envfile")] + \
            [os.path.join(DATA, "services", n) for n in ("el7-services", "el8-services",
                                                         "el9-services")]
FILTERS = ["", "#severity=error", "#layer=service&severity=error",
           "#id=SYS-DISTRO-OLD-MINOR", "#host=host-0500"]


def make_fleet(where, hosts):
    fleet = os.path.join(where, "fleet")
    os.mkdir(fleet)
    for n in range(hosts):
        shutil.copytree(SNAPSHOTS[n % len(SNAPSHOTS)], os.path.join(fleet, "host-%04d" % n))
    return fleet


def report_once(python, fleet, out):
    """Wall time, CPU time (the process and its pool's workers: user + system) and its
    summary line."""
    env = dict(os.environ, PYTHONPATH=_common.SRC)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.time()
    proc = subprocess.run([python, "-m", "gotriage", "fleet", "report", fleet, "-o", out],
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    took = time.time() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit("fleet report failed: %s" % proc.stderr.decode("utf-8", "replace"))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return took, cpu, proc.stdout.decode("utf-8").splitlines()[0]


def page_once(page, fragment):
    profile = tempfile.mkdtemp(prefix="gotriage-chromium-")
    try:
        proc = subprocess.run(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--user-data-dir=" + profile, "--host-resolver-rules=MAP * ~NOTFOUND",
             "--window-size=1200,900", "--dump-dom", "file://" + page + fragment],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=300)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    dom = proc.stdout.decode("utf-8")
    found = re.search(r'<span id="render-ms" data-filter-ms="([0-9.]+)" '
                      r'data-total-ms="([0-9.]+)"', dom)
    if not found or 'data-state="ready"' not in dom:
        sys.exit("the page did not draw itself (%s)" % fragment)
    rows = dom.count("<tr data-host=")
    return float(found.group(2)), float(found.group(1)), rows


def profile(where, hosts):
    """One worker's cost per snapshot, under cProfile (see the module's docstring)."""
    import cProfile
    import pstats

    sys.path.insert(0, _common.SRC)
    from gotriage.fleet import report

    inputs = report.find_inputs([make_fleet(where, hosts + 1)])
    report.load_host((inputs[0], None))  # imports and first-time costs, paid once a worker
    profiler = cProfile.Profile()
    started = time.process_time()
    profiler.enable()
    for item in inputs[1:]:
        report.load_host((item, None))
    profiler.disable()
    cpu = time.process_time() - started
    stats = pstats.Stats(profiler)
    calls = {}
    for (_filename, _line, name), (_cc, ncalls, _tt, _ct, _callers) in stats.stats.items():
        if name in ("<built-in method posix.lstat>", "<built-in method _thread.start_new_thread>"):
            calls[name.split(".")[-1].rstrip(">")] = ncalls
    print("load: %s; %d snapshots in one process, profiled: %.1f ms of CPU each (with the "
          "profiler's cost); lstat %d calls, thread starts %d" % (
              _common.loadavg(), hosts, cpu * 1000 / hosts, calls.get("lstat", 0),
              calls.get("start_new_thread", 0)))
    stats.sort_stats("tottime").print_stats(15)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hosts", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--page-runs", type=int, default=5)
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--profile", type=int, metavar="N",
                    help="profile N snapshots in this process instead")
    args = ap.parse_args()
    if args.profile:
        where = tempfile.mkdtemp(prefix="bench-fleet-")
        try:
            profile(where, args.profile)
        finally:
            shutil.rmtree(where, ignore_errors=True)
        return
    _common.as_users_run(args.python)
    where = tempfile.mkdtemp(prefix="bench-fleet-")
    try:
        fleet = make_fleet(where, args.hosts)
        print("load before: %s; %d snapshots; %s" % (_common.loadavg(), args.hosts, args.python))
        times, cpus = [], []
        out = os.path.join(where, "out")
        for _ in range(args.runs):
            load = _common.loadavg()
            took, cpu, line = report_once(args.python, fleet, out)
            times.append(took)
            cpus.append(cpu)
            print("  report: %.1f s, %.1f s of CPU, at load %s (%s)" % (took, cpu, load, line))
        page = os.path.join(out, "fleet.html")
        print("fleet report, %d snapshots: median %.1f s (target 60 s), median CPU %.1f s "
              "(/ %d cores: %.1f s on an idle machine); page %.1f MB, fleet.json %.1f MB" % (
                  args.hosts, statistics.median(times), statistics.median(cpus),
                  os.cpu_count(), statistics.median(cpus) / os.cpu_count(),
                  os.path.getsize(page) / 1e6,
                  os.path.getsize(os.path.join(out, "fleet.json")) / 1e6))
        for fragment in FILTERS:
            totals, draws = [], []
            for _ in range(args.page_runs):
                total, draw, rows = page_once(page, fragment)
                totals.append(total)
                draws.append(draw)
            print("page %-32s open+draw median %6.0f ms (target 2000), draw %5.0f ms, %d rows"
                  % (fragment or "(unfiltered)", statistics.median(totals),
                     statistics.median(draws), rows))
        print("load after: %s" % _common.loadavg())
    finally:
        shutil.rmtree(where, ignore_errors=True)


if __name__ == "__main__":
    main()
