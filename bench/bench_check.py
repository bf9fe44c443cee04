#!/usr/bin/env python3
"""`gotriage check` as a whole process, this tree against another (e.g. before a change).

    .venv/bin/python bench/bench_check.py --other /path/to/old/checkout [--runs 15] [--only live]

Runs, interleaved (so that a noisy neighbour slows both alike), each tree's
`python3 -m gotriage check --json ...` with PYTHONPATH=<tree>/src under the system
python3 (which has no gotriage installed, so nothing but PYTHONPATH decides which tree
runs), on inputs of several shapes:

  - this host, live, every layer (`check`);
  - three snapshots: el9-goroot-envfile (toolchain-heavy), el9-services (units and Go
    programs), el7-sudo-path;
  - `check --root ... --layer firewall` on a recorded firewalld scenario (nft backend).

Prints the median and min wall time of each, and the ratio this tree / other tree.
Output is discarded; both trees must give the same finding ids (checked once per
input).  Standard library only; Python 3.6+.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import _common

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "tests", "data")


def inputs():
    sys.path.insert(0, os.path.join(ROOT, "tests"))
    import pathlib
    import tempfile

    from firewall_scenarios import GENERATED, scenario_snapshot  # noqa: E402

    scenario = scenario_snapshot(os.path.join(GENERATED, "nftables-backend", "A_port_open"),
                                 pathlib.Path(tempfile.mkdtemp(prefix="bench-check-")) / "snap")
    return [
        ("live host, every layer", []),
        ("el9-goroot-envfile", ["--root", os.path.join(DATA, "snapshots", "el9-goroot-envfile"),
                                "--project", "/home/alice"]),
        ("el9-services", ["--root", os.path.join(DATA, "services", "el9-services")]),
        ("el7-sudo-path", ["--root", os.path.join(DATA, "snapshots", "el7-sudo-path")]),
        ("firewall scenario", ["--root", str(scenario), "--layer", "firewall"]),
    ]


def run(python, tree, args):
    env = dict(os.environ, PYTHONPATH=os.path.join(tree, "src"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    proc = subprocess.run([python, "-m", "gotriage", "check", "--json"] + args, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          stdin=subprocess.DEVNULL)
    return time.perf_counter() - start, proc.stdout


def ids(output):
    try:
        return sorted((r["id"], r["severity"]) for r in json.loads(output.decode())["results"])
    except (ValueError, KeyError):
        return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--other", required=True, help="the other checkout (its src/ is run)")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--python", default="/usr/bin/python3")
    parser.add_argument("--only", help="only the inputs whose label contains this")
    opts = parser.parse_args()
    _common.as_users_run(opts.python)
    trees = [("this", ROOT), ("other", os.path.abspath(opts.other))]
    print("python: %s; runs: %d each, interleaved" % (
        subprocess.check_output([opts.python, "--version"]).decode().strip(), opts.runs))
    print("| input | this tree (median / min) | other tree (median / min) | this / other |")
    print("|---|---|---|---|")
    for label, args in inputs():
        if opts.only and opts.only not in label:
            continue
        results = {}
        for name, tree in trees:  # warm-up (bytecode), and the same findings?
            results[name] = ids(run(opts.python, tree, args)[1])
        same = "" if results["this"] == results["other"] else " (findings differ!)"
        times = {name: [] for name, _ in trees}
        for _ in range(opts.runs):
            for name, tree in trees:
                times[name].append(run(opts.python, tree, args)[0])
        med = {n: statistics.median(t) for n, t in times.items()}
        print("| %s%s | %.0f / %.0f ms | %.0f / %.0f ms | %.2f |" % (
            label, same, med["this"] * 1e3, min(times["this"]) * 1e3, med["other"] * 1e3,
            min(times["other"]) * 1e3, med["this"] / med["other"]))


if __name__ == "__main__":
    main()
