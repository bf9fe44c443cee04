"""How long collect.sh takes on this machine, under each shell, against
`gotriage collect --layer L ...` of the layers it records (gotriage.collect_sh.LAYERS: system,
firewall, selinux, service) (run by hand, not a test).

    .venv/bin/python bench/bench_collect_sh.py [--runs 7]

Each run is a whole process writing a new snapshot directory and its .tar.gz into a
temporary directory (removed after); the runs of the shells and of Python are
interleaved, and the median and range of each are printed, with the load average.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "contrib", "collect.sh")


def commands():
    out = {}
    for name, argv in (("dash", ["dash"]), ("busybox sh", ["busybox", "sh"]),
                       ("bash", ["bash"])):
        if shutil.which(argv[0]):
            # whole runs: no deadline (the default 60 s can pass on a loaded machine)
            out[name] = lambda dest, argv=argv: argv + [SCRIPT, "--deadline", "0", "-o", dest]
    sys.path.insert(0, os.path.join(ROOT, "src"))
    from gotriage.collect_sh import LAYERS

    layers = [name for name, _spec in LAYERS]
    words = [w for name in layers for w in ("--layer", name)]
    out["python collect (%s)" % ", ".join(layers)] = lambda dest: [
        sys.executable, "-m", "gotriage", "collect"] + words + ["-o", dest + ".tar.gz"]
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))
    times = {}
    for _ in range(args.runs):
        for name, make in commands().items():
            top = tempfile.mkdtemp(prefix="bench-collect-sh-")
            try:
                started = time.monotonic()
                subprocess.run(make(os.path.join(top, "snap")), env=env, check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                times.setdefault(name, []).append(time.monotonic() - started)
            finally:
                shutil.rmtree(top)
    print("load average: %s" % " ".join("%.2f" % x for x in os.getloadavg()))
    for name, values in times.items():
        print("%-32s median %.2f s (%.2f-%.2f, %d runs)" % (
            name, statistics.median(values), min(values), max(values), len(values)))


if __name__ == "__main__":
    main()
