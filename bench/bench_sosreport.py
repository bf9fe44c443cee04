#!/usr/bin/env python3
"""How long does `gotriage check --root` take on a real sosreport, archive and unpacked?

    .venv/bin/python bench/bench_sosreport.py [--runs 5] [--report FILE.tar.xz]
    .venv36/bin/python bench/bench_sosreport.py --runs 5     # the same under Python 3.6

Without --report it makes one first, as tests/test_sosreport.py does: Debian's sos, as
root, `sos report --batch --only-plugins systemd,logs,kernel,process,networking,release,
host,date` into a temporary directory (timed too), killed by its process group after
300 s.  Then `python -m gotriage check --root REPORT` (this interpreter) --runs times on
the .tar.xz and on a copy unpacked by GNU tar, interleaved, with TMPDIR set to an empty
directory that must be empty again after each run.  Prints the sos run's time, the
report's size and members, and min / median / max wall time of each (docs/sosreport.md).
Standard library only.
"""

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLUGINS = "systemd,logs,kernel,process,networking,release,host,date"


def make_report(directory):
    started = time.perf_counter()
    proc = subprocess.Popen(["sos", "report", "--batch", "--tmp-dir", directory,
                             "--only-plugins", PLUGINS],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        proc.wait(timeout=300)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        sys.exit("sos report did not finish in 300 s")
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit("sos report failed (exit %d)" % proc.returncode)
    name = [n for n in os.listdir(directory) if n.endswith(".tar.xz")][0]
    return os.path.join(directory, name), elapsed


def timed_check(root, tmpdir):
    env = dict(os.environ, TMPDIR=tmpdir, PYTHONPATH=os.path.join(ROOT, "src"))
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "gotriage", "check", "--root", root],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                          timeout=300)
    elapsed = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        sys.exit("check --root %s: exit %d: %s" % (root, proc.returncode, proc.stderr))
    if os.listdir(tmpdir):
        sys.exit("check --root %s left %s in TMPDIR" % (root, os.listdir(tmpdir)))
    return elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--report", help="a sosreport .tar.xz (default: make one)")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="bench-sosreport-")
    try:
        if args.report:
            archive, made = args.report, None
        else:
            archive, made = make_report(work)
        unpacked = os.path.join(work, "unpacked")
        os.mkdir(unpacked)
        subprocess.run(["tar", "-xJf", archive, "-C", unpacked], check=True, timeout=300)
        members = sum(len(d) + len(f) for _, d, f in os.walk(unpacked))
        tmpdir = os.path.join(work, "tmp")
        os.mkdir(tmpdir)
        times = {"archive": [], "unpacked": []}
        for _ in range(args.runs):
            times["archive"].append(timed_check(archive, tmpdir))
            times["unpacked"].append(timed_check(unpacked, tmpdir))
        print("Python %s" % sys.version.split()[0])
        if made is not None:
            print("sos report (%s): %.1f s" % (PLUGINS, made))
        print("report: %d bytes of xz, %d members" % (os.path.getsize(archive), members))
        print("| check --root | min | median | max |")
        print("|---|---|---|---|")
        for kind, values in times.items():
            print("| %s | %.2f s | %.2f s | %.2f s |" % (
                kind, min(values), statistics.median(values), max(values)))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
