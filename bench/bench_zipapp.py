#!/usr/bin/env python3
"""gotriage.pyz as hosts run it: an archive without bytecode, one with a bytecode tree per
Python (scripts/build-pyz), and the source tree with its bytecode cached, under each
Python that RHEL-family hosts have.

    scripts/build-pyz -o /tmp/new.pyz
    .venv/bin/python bench/bench_zipapp.py --old /tmp/old.pyz --new /tmp/new.pyz [--runs 15]

For each interpreter (pyenv's newest 3.6, 3.9, 3.11 and 3.12, or --python PATH...), as
whole processes timed with time.perf_counter around subprocess.run (output discarded),
and the CPU time (user + system) each process used (getrusage of the children), which a
loaded machine inflates far less than the wall time:

  - `PYTHON OLD.pyz ARGS`                   --old: an archive of .py files only
  - `PYTHON NEW.pyz ARGS`                   --new: the archive to compare
  - `PYTHON bin/gotriage ARGS`, PYTHONPATH=SRC   what a venv runs: the source tree
    (--src, default src/), its __pycache__ written by an untimed run first

with ARGS each of `--version`, `check --root SNAPSHOT` and `check --layer toolchain
--root SNAPSHOT` (SNAPSHOT: tests/data/snapshots/el9-goroot-envfile).  The runs are
interleaved, the order of the three rotated from one round to the next, so that a noisy
neighbour slows them alike.  PYTHON* variables are removed from the environment
(PYTHONDONTWRITEBYTECODE too: bytecode is cached as on a host); the three must give the
same output and exit code (checked once per Python and command).  Prints a Markdown
table of medians (ms; wall, then CPU) and ratios, the archives' sizes, and, inside one
process, what reading each archive's zip directory costs (the part of a start that grows
with the number of entries; median of 50, the cache cleared before each) and what getting
the bytes of every module of the new archive's tree costs (median of 20).  Standard
library only; Python 3.6+.
"""

import argparse
import glob
import os
import re
import resource
import statistics
import subprocess
import sys
import time
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SNAPSHOT = os.path.join(ROOT, "tests", "data", "snapshots", "el9-goroot-envfile")
LAUNCHER = os.path.join(ROOT, "bin", "gotriage")
VERSIONS = ("3.6", "3.9", "3.11", "3.12")
COMMANDS = (
    ("--version", ["--version"]),
    ("check --root", ["check", "--root", SNAPSHOT]),
    ("check --layer toolchain --root", ["check", "--layer", "toolchain", "--root", SNAPSHOT]),
)
VARIANTS = ("old", "new", "source")


def pyenv_python(version):
    """pyenv's newest CPython `version`, or None."""
    try:
        root = subprocess.run(["pyenv", "root"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL).stdout.decode().strip()
    except OSError:
        root = os.path.expanduser("~/.pyenv")
    found = []
    for path in glob.glob(os.path.join(root, "versions", version + ".*")):
        m = re.match(r"^%s\.(\d+)$" % re.escape(version), os.path.basename(path))
        python = os.path.join(path, "bin", "python3")
        if m and os.access(python, os.X_OK):
            found.append((int(m.group(1)), python))
    return max(found)[1] if found else None


# Run by each interpreter: median ms of reading the zip directory of the old and the new
# archive, then of getting the bytes of every .pyc in the new archive's tree for this
# Python through zipimport (open, seek, inflate: what loading costs besides unmarshal).
IN_PROCESS = """\
import statistics, sys, time, zipimport
def median_ms(func, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return "%.2f" % (statistics.median(times) * 1000)
def read_directory(path):
    zipimport._zip_directory_cache.clear()
    zipimport.zipimporter(path)
old, new = sys.argv[1:]
out = [median_ms(lambda: read_directory(p), 50) for p in (old, new)]
tree = "py%d%d/" % sys.version_info[:2]
z = zipimport.zipimporter(new)
pycs = [n for n in zipimport._zip_directory_cache[new] if n.startswith(tree) and n.endswith(".pyc")]
def read_tree():
    for name in pycs:
        z.get_data(name)
out.append("%s (%d modules)" % (median_ms(read_tree, 20), len(pycs)) if pycs else "-")
print(" ".join(out))
"""


def argv_env(variant, python, args, opts, base_env):
    if variant == "source":
        return [python, LAUNCHER] + args, dict(base_env, PYTHONPATH=opts.src)
    return [python, getattr(opts, variant)] + args, base_env


def run(argv, env, capture=False):
    out = subprocess.PIPE if capture else subprocess.DEVNULL
    return subprocess.run(argv, stdout=out, stderr=out, stdin=subprocess.DEVNULL, env=env,
                          cwd=ROOT)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", required=True, help="the archive to compare against")
    parser.add_argument("--new", default=os.path.join(ROOT, "dist", "gotriage.pyz"),
                        help="the archive to measure (default: dist/gotriage.pyz)")
    parser.add_argument("--src", default=os.path.join(ROOT, "src"),
                        help="the source tree run by PYTHONPATH (default: src/)")
    parser.add_argument("--runs", type=int, default=15, help="timed runs of each (15)")
    parser.add_argument("--python", action="append", metavar="PATH",
                        help="interpreters to run (default: pyenv's %s)" % ", ".join(VERSIONS))
    opts = parser.parse_args(argv)
    opts.old, opts.new, opts.src = (os.path.abspath(p) for p in (opts.old, opts.new, opts.src))

    pythons = []
    for python in opts.python or [pyenv_python(v) for v in VERSIONS]:
        if python is None:
            sys.stderr.write("bench_zipapp: a Python of %s is missing from pyenv: skipped\n"
                             % ", ".join(VERSIONS))
            continue
        version = run([python, "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
                      None, capture=True).stdout.decode().strip()
        pythons.append((version, python))
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}

    # Untimed: caches the source tree's bytecode, and checks that all three agree.
    for version, python in pythons:
        for label, args in COMMANDS:
            results = {}
            for variant in VARIANTS:
                proc = run(*argv_env(variant, python, args, opts, base_env), capture=True)
                results[variant] = (proc.returncode, proc.stdout)
            if len(set(results.values())) != 1:
                sys.stderr.write("bench_zipapp: %s `%s`: the three differ (exit codes %s)\n" % (
                    version, label, [results[v][0] for v in VARIANTS]))
                return 1

    times = {}
    for i in range(opts.runs):
        order = VARIANTS[i % 3:] + VARIANTS[:i % 3]
        for version, python in pythons:
            for label, args in COMMANDS:
                for variant in order:
                    argv, env = argv_env(variant, python, args, opts, base_env)
                    before = resource.getrusage(resource.RUSAGE_CHILDREN)
                    start = time.perf_counter()
                    run(argv, env)
                    wall = time.perf_counter() - start
                    after = resource.getrusage(resource.RUSAGE_CHILDREN)
                    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
                    times.setdefault((version, label, variant), []).append((wall, cpu))

    sizes = []
    for path in (opts.old, opts.new):
        with zipfile.ZipFile(path) as z:
            sizes.append("%s: %d bytes, %d entries (%d bytes uncompressed)" % (
                path, os.path.getsize(path), len(z.infolist()),
                sum(i.file_size for i in z.infolist())))
    sys.stdout.write("old %s; new %s; %d runs each, load average %s\n\n" % (
        sizes[0], sizes[1], opts.runs, " ".join("%.1f" % x for x in os.getloadavg())))
    sys.stdout.write("| Python | command | old pyz | new pyz | source, cached | "
                     "old / source | new / source | new / old |\n")
    sys.stdout.write("|---|---|---|---|---|---|---|---|\n")
    for version, _ in pythons:
        for label, _ in COMMANDS:
            wall, cpu = ({v: statistics.median(t[i] for t in times[(version, label, v)]) * 1000
                          for v in VARIANTS} for i in (0, 1))
            sys.stdout.write("| %s | `%s` | %s | %s | %s | %s | %s | %s |\n" % ((version, label) + tuple(
                "%.0f / %.0f" % (wall[v], cpu[v]) for v in VARIANTS) + tuple(
                "%.2f / %.2f" % (wall[a] / wall[b], cpu[a] / cpu[b])
                for a, b in (("old", "source"), ("new", "source"), ("new", "old")))))
    sys.stdout.write("\nIn one process (medians, ms): reading the zip directory of the old "
                     "and the new archive; reading and inflating every .pyc of the new "
                     "archive's tree for that Python\n")
    for version, python in pythons:
        out = run([python, "-c", IN_PROCESS, opts.old, opts.new], base_env, capture=True)
        old_ms, new_ms, tree_ms = out.stdout.decode().strip().split(" ", 2)
        sys.stdout.write("  %s: directory old %s, new %s; the tree's .pyc %s\n" % (
            version, old_ms, new_ms, tree_ms))
    return 0


if __name__ == "__main__":
    sys.exit(main())
