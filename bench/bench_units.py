"""`check --root` on snapshots with many service units: does the time grow with the work
(run by hand, not a test).

    .venv/bin/python bench/bench_units.py [--units 100,1000,3000] [--runs 5] [--other CHECKOUT]

Generates (once, deterministic) .cache/bench/units-<N>/: tests/data/services/el9-services
with N more enabled units, each running its own Go binary (a copy of that snapshot's api
binary, labelled bin_t) with its own `matchpathcon` and `journalctl -u` outputs recorded as
a real `collect` records them (commands without env/cwd).  Then measures, as whole
processes with bytecode cached, `gotriage check --root DIR --layer service` (and the
same in --other's src/ when given, interleaved run by run): the median wall time and CPU
time (user+sys of the process, from getrusage), the time per unit above the smallest
snapshot, the load average, and that both give the same findings.  --profile N writes
cProfile's top functions (by CPU time) of one in-process run on units-N (this tree).
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

import _common

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BASE = os.path.join(ROOT, "tests", "data", "services", "el9-services")
CACHE = os.path.join(ROOT, ".cache", "bench")
UNIT = """[Unit]
Description=Go service %(n)d

[Service]
User=goapp
ExecStart=/usr/local/bin/app%(n)d -listen :%(port)d
Restart=on-failure

[Install]
WantedBy=multi-user.target
"""
JOURNAL = ("2025-03-02T10:14:%02d+0100 web1 systemd[1]: Started Go service %d.\n")


def make(units):
    target = os.path.join(CACHE, "units-%d" % units)
    if os.path.exists(os.path.join(target, "done")):
        return target
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(BASE, target, symlinks=True)
    files = os.path.join(target, "files")
    with open(os.path.join(target, "paths.json")) as f:
        paths = json.load(f)
    api = paths["/usr/local/bin/api"]
    label = {"security.selinux": {"b64": paths["/usr/local/bin/cgo-app"]["xattr"]["security.selinux"]["b64"]}}
    commands = os.path.join(target, "commands")
    number = len(os.listdir(commands))
    with open(os.path.join(files, "usr", "local", "bin", "api"), "rb") as f:
        binary = f.read()
    wants = os.path.join(files, "etc", "systemd", "system", "multi-user.target.wants")
    for n in range(units):
        name = "app%d.service" % n
        with open(os.path.join(files, "etc", "systemd", "system", name), "w") as f:
            f.write(UNIT % {"n": n, "port": 10000 + n})
        os.symlink("/etc/systemd/system/" + name, os.path.join(wants, name))
        program = "/usr/local/bin/app%d" % n
        with open(os.path.join(files, program.lstrip("/")), "wb") as f:
            f.write(binary)
        paths[program] = {"stat": dict(api["stat"]), "xattr": label}
        for argv, out in ((["matchpathcon", "-n", program], "system_u:object_r:bin_t:s0\n"),
                          (["journalctl", "-u", name, "--no-pager", "-n", "200", "-o", "short-iso"],
                           JOURNAL % (n % 60, n))):
            number += 1
            with open(os.path.join(commands, "%04d.json" % number), "w") as f:
                json.dump({"argv": argv, "returncode": 0, "stdout": out, "stderr": ""}, f)
    with open(os.path.join(target, "paths.json"), "w") as f:
        json.dump(paths, f)
    open(os.path.join(target, "done"), "w").close()
    return target


def run(src, snapshot):
    """(wall seconds, CPU seconds, findings) of one check --root on `snapshot`."""
    import resource

    env = dict(os.environ, PYTHONPATH=src, NO_COLOR="1")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as users run: bytecode cached
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "gotriage", "check", "--root", snapshot, "--layer",
                           "service", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    if proc.returncode not in (0, 1):
        raise SystemExit("gotriage failed (%s): %s" % (src, proc.stderr.decode()[-500:]))
    report = json.loads(proc.stdout.decode())
    return elapsed, cpu, sorted((r["id"], r.get("subject") or r["title"]) for r in report["results"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", default="100,1000,3000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--other", help="another checkout to compare with (its src/ is run)")
    parser.add_argument("--profile", type=int, metavar="N",
                        help="only: cProfile of one run on units-N, in process")
    args = parser.parse_args()
    _common.as_users_run()
    if args.profile:
        return profile(make(args.profile))
    sizes = [int(n) for n in args.units.split(",")]
    trees = [("this", os.path.join(ROOT, "src"))]
    if args.other:
        trees.append(("other", os.path.join(os.path.abspath(args.other), "src")))
    snapshots = {n: make(n) for n in sizes}
    times = {(label, n): [] for label, _ in trees for n in sizes}
    cpus = {(label, n): [] for label, _ in trees for n in sizes}
    print("load average at the start: %s" % _common.loadavg())
    for _label, src in trees:  # compile once, outside the measure
        run(src, snapshots[sizes[0]])
    for _ in range(args.runs):
        for n in sizes:
            results = {}
            for label, src in trees:
                elapsed, cpu, found = run(src, snapshots[n])
                times[(label, n)].append(elapsed)
                cpus[(label, n)].append(cpu)
                results[label] = found
            if len(results) == 2 and results["this"] != results["other"]:
                raise SystemExit("the two trees disagree on units-%d" % n)
    for what, table in (("wall", times), ("CPU (user+sys)", cpus)):
        print("%s, medians of %d:" % (what, args.runs))
        print("units  " + "  ".join("%-24s" % label for label, _ in trees) + ("  ratio" if args.other else ""))
        for n in sizes:
            cells, medians = [], []
            for label, _ in trees:
                med = statistics.median(table[(label, n)])
                medians.append(med)
                per = (med - statistics.median(table[(label, sizes[0])])) / (n - sizes[0]) * 1000 if n != sizes[0] else 0
                cells.append("%7.0f ms (%.2f ms/unit)" % (med * 1000, per))
            ratio = "  %.2f" % (medians[0] / medians[1]) if args.other else ""
            print("%5d  %s%s" % (n, "  ".join("%-24s" % c for c in cells), ratio))
    print("load average at the end: %s" % _common.loadavg())


def profile(snapshot, top=25):
    """cProfile's top functions (by own time, then cumulative) of one check on `snapshot`."""
    import cProfile
    import io
    import pstats

    sys.path.insert(0, os.path.join(ROOT, "src"))
    from gotriage.cli import main as gotriage

    # CPU time, not the wall clock: on a loaded machine the wall clock charges each file
    # read with the wait for a core
    prof = cProfile.Profile(time.process_time)
    with open(os.devnull, "w") as devnull:
        stdout, sys.stdout = sys.stdout, devnull
        prof.enable()
        try:
            gotriage(["check", "--root", snapshot, "--layer", "service", "--json"])
        except SystemExit:
            pass
        prof.disable()
        sys.stdout = stdout
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats(order).print_stats(top)
        sys.stdout.write(out.getvalue())


if __name__ == "__main__":
    main()
