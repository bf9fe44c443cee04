"""How long `gotriage baseline diff` takes with 200 recorded files (target: 0.5 s), run by
hand, not a test.

    .venv/bin/python bench/bench_baseline.py [--runs 15] [--files 200] [--drifted 10]

Three hosts, each recorded first with `baseline init` into a fresh repository:
  snapshot  a snapshot directory holding FILES files under /etc/app.d (a spec with a
            glob), and no Go install;
  live      this machine, a spec naming FILES files in a temporary directory;
  default   this machine with the built-in spec: the Go installs `check` finds (bin/go's
            SHA-256 and the tree digest: every entry of each GOROOT lstat'ed), the Go
            services, the state commands there are.
and for the first two the same after DRIFTED files were changed (each drifted file costs
a `git log` for its commit, a `git show` for its diff and, live, `rpm -qf`/`rpm -V`).
Prints the median and the range of whole processes, interleaved run by run.
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

ROOT = _common.ROOT


def gotriage(*args):
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "gotriage"] + list(args), cwd=ROOT,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    return time.perf_counter() - started, done


def make_snapshot(directory, files):
    os.makedirs(os.path.join(directory, "files", "etc", "app.d"))
    with open(os.path.join(directory, "gotriage-snapshot.json"), "w") as f:
        json.dump({"format": 1, "hostname": "bench", "tool": "bench_baseline.py",
                   "identity": {"user": "root", "uid": 0, "gid": 0, "home": "/root"},
                   "environ": {"PATH": "/usr/bin:/bin", "HOME": "/root"}}, f)
    for i in range(files):
        with open(os.path.join(directory, "files", "etc", "app.d", "f%03d.conf" % i), "w") as f:
            f.write("setting_%d = %d\n" % (i, i) * 20)


def spec_for(directory, pattern):
    path = os.path.join(directory, "spec.ini")
    with open(path, "w") as f:
        f.write("[baseline]\ngo-installs = no\ngo-units = no\n\n[group app]\npaths = %s\n"
                % pattern)
    return path


def drift(directory, count):
    for name in sorted(os.listdir(directory))[:count]:
        with open(os.path.join(directory, name), "a") as f:
            f.write("changed = 1\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--drifted", type=int, default=10)
    args = parser.parse_args()
    _common.as_users_run()
    tmp = tempfile.mkdtemp(prefix="bench-baseline-")
    try:
        snap = os.path.join(tmp, "snap")
        make_snapshot(snap, args.files)
        live = os.path.join(tmp, "live")
        os.makedirs(live)
        for i in range(args.files):
            with open(os.path.join(live, "f%03d.conf" % i), "w") as f:
                f.write("setting_%d = %d\n" % (i, i) * 20)
        hosts = {
            "snapshot": ["--root", snap, "--spec", spec_for(snap, "/etc/app.d/*.conf")],
            "live": ["--spec", spec_for(tmp, live + "/*")],
            "default": [],
        }
        repos = {}
        for name, options in hosts.items():
            repos[name] = os.path.join(tmp, "repo-" + name)
            _t, done = gotriage("baseline", "init", "--repo", repos[name], *options)
            assert done.returncode == 0, done.stderr.decode()
        diff_args = {name: ["baseline", "diff", "--repo", repos[name]] +
                     (["--root", snap] if name == "snapshot" else []) for name in hosts}
        times = {name: [] for name in hosts}
        codes = {}
        for _ in range(args.runs):
            for name in hosts:
                elapsed, done = gotriage(*diff_args[name])
                times[name].append(elapsed)
                codes[name] = done.returncode
        drift(os.path.join(snap, "files", "etc", "app.d"), args.drifted)
        drift(live, args.drifted)
        for name in ("snapshot", "live"):
            times[name + "+drift"] = []
        for _ in range(args.runs):
            for name in ("snapshot", "live"):
                elapsed, done = gotriage(*diff_args[name])
                times[name + "+drift"].append(elapsed)
                codes[name + "+drift"] = done.returncode
        with open(os.path.join(repos["default"], "metadata.json")) as f:
            meta = json.load(f)
        print("python %s, %d runs, load %s" % (sys.version.split()[0], args.runs,
                                                _common.loadavg()))
        print("default spec recorded %d files, Go installs %s" % (
            len(meta["files"]), ", ".join("%s (%d entries)" % (root, g["tree_entries"])
                                          for root, g in sorted(meta["go"].items())) or "none"))
        for name, values in times.items():
            print("%-16s median %6.3f s  (min %.3f, max %.3f)  exit %d" % (
                name, statistics.median(values), min(values), max(values), codes[name]))
        # what the default spec's state commands cost on their own (the system's tools)
        sys.path.insert(0, os.path.join(ROOT, "src"))
        from gotriage.inputs.baseline import STATE_COMMANDS

        for key, (argv, _timeout, _why) in sorted(STATE_COMMANDS.items()):
            spent = []
            for _ in range(min(args.runs, 5)):
                started = time.perf_counter()
                try:
                    done = subprocess.run(argv, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
                    code = done.returncode
                except OSError:
                    code = "absent"
                spent.append(time.perf_counter() - started)
            print("state %-18s median %6.3f s  exit %s  (`%s`)" % (
                key, statistics.median(spent), code, " ".join(argv)))
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
