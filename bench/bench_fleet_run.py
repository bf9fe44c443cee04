#!/usr/bin/env python3
"""The Ansible run's cost per host: the gotriage.triage role (ansible/, what `gotriage
fleet run` drives) against Ansible's own `raw` and `ping` on the same inventory, run by
hand, not a test.

    .venv/bin/python bench/bench_fleet_run.py [--hosts 10] [--forks 5] [--runs 3]

The inventory: HOSTS hosts through ansible_connection=local, each examining one of the
snapshot fixtures (--root), so gotriage's own work is small and the same every run.
Each round runs, interleaved so a noisy neighbour slows all alike:
  - raw: one play, `raw: true` (the floor: Ansible's start, one command per host);
  - ping: one play, the `ping` module (what a Python module costs per host);
  - role: the gotriage.triage.run role (probe, the zipapp copied by `script` and run,
    report.json written on the controller, facts, group_by);
  - check: `gotriage check --root` of the same snapshots, one process each, in a row
    (gotriage's own work without Ansible).
Prints medians and the per-host overhead (role - raw) / HOSTS and (role - check) / HOSTS,
with the hosts run FORKS at a time.  Needs the fleet extra (ansible-core) in this venv.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import _common

ROOT = _common.ROOT
SNAPSHOTS = [os.path.join(ROOT, "tests", "data", "snapshots", name)
             for name in ("el7-sudo-path", "el8-old-go", "el9-goroot-envfile")]
PLAYS = {
    "raw": "- hosts: all\n  gather_facts: false\n  tasks:\n"
           "    - ansible.builtin.raw: 'true'\n",
    "ping": "- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.ping:\n",
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hosts", type=int, default=10)
    parser.add_argument("--forks", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    playbook_bin = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
    if not os.access(playbook_bin, os.X_OK):
        raise SystemExit("no ansible-playbook beside %s: pip install -e '.[fleet]'" % sys.executable)
    work = tempfile.mkdtemp(prefix="bench-fleet-run-")
    try:
        return bench(args, playbook_bin, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def bench(args, playbook_bin, work):
    collections = os.path.join(work, "collections", "ansible_collections", "gotriage")
    os.makedirs(collections)
    os.symlink(os.path.join(ROOT, "ansible"), os.path.join(collections, "triage"))
    pyz = os.path.join(work, "gotriage.pyz")
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "build-pyz"), "-o", pyz],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    hosts = ["h%02d" % i for i in range(args.hosts)]
    inventory = os.path.join(work, "inventory.ini")
    with open(inventory, "w") as f:
        f.write("[all]\n")
        for i, host in enumerate(hosts):
            f.write("%s gotriage_args='[\"--root\", \"%s\"]'\n" % (host, SNAPSHOTS[i % 3]))
        # a Python that ping's module runs on (interpreter discovery would find pyenv's shim)
        f.write("[all:vars]\nansible_connection=local\nansible_python_interpreter=%s\n"
                % os.path.realpath("/usr/bin/python3"))
    plays = {}
    for name, text in PLAYS.items():
        plays[name] = os.path.join(work, name + ".yml")
        with open(plays[name], "w") as f:
            f.write(text)
    plays["role"] = os.path.join(ROOT, "ansible", "playbooks", "run.yml")
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(work, "collections"),
               ANSIBLE_RETRY_FILES_ENABLED="0", ANSIBLE_NOCOLOR="1",
               PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    times = {name: [] for name in ("raw", "ping", "role", "check")}
    for run in range(args.runs):
        for name in ("raw", "ping", "role"):
            dest = os.path.join(work, "out-%s-%d" % (name, run))
            argv = [playbook_bin, "-i", inventory, "-f", str(args.forks), plays[name],
                    "-e", "gotriage_pyz=" + pyz, "-e", "gotriage_dest=" + dest]
            started = time.perf_counter()
            proc = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            times[name].append(time.perf_counter() - started)
            if proc.returncode != 0:
                raise SystemExit("%s failed:\n%s" % (name, proc.stdout.decode()[-3000:]))
        started = time.perf_counter()
        for i in range(args.hosts):
            subprocess.run([sys.executable, pyz, "check", "--json", "--root", SNAPSHOTS[i % 3]],
                           stdout=subprocess.DEVNULL)
        times["check"].append(time.perf_counter() - started)
    med = {name: statistics.median(values) for name, values in times.items()}
    print("python %s, %d hosts (ansible_connection=local), forks %d, %d runs, load %.1f" % (
        sys.version.split()[0], args.hosts, args.forks, args.runs, os.getloadavg()[0]))
    for name in ("raw", "ping", "role", "check"):
        print("  %-5s median %6.2f s  (%s)" % (name, med[name],
                                               ", ".join("%.2f" % t for t in times[name])))
    print("  role - raw:   %.2f s per host" % ((med["role"] - med["raw"]) / args.hosts))
    print("  role - ping:  %.2f s per host" % ((med["role"] - med["ping"]) / args.hosts))
    print("  ping - raw:   %.2f s per host" % ((med["ping"] - med["raw"]) / args.hosts))
    print("  check alone:  %.2f s per host (one after another)" % (med["check"] / args.hosts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
