"""Real hung commands for the deadline tests (tests/test_deadline.py) and the bench
(bench/bench_hung.py): gotriage runs as a process in a private mount namespace
(`unshare --mount`, root only) where a fake program that never answers is bind-mounted
over each real tool it would run (/usr/bin/firewall-cmd, /usr/bin/systemctl, ...).

Each fake writes "PID PGID PATH" to a log when it starts and starts a child that sleeps
in its process group (what a stuck D-Bus client looks like: a program waiting on
another), so a test can tell which tools ran and check that none of them, nor their
children, outlived gotriage."""

import os
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Every tool gotriage runs on a host, by the path this Debian machine has it at (tools
# that are symlinks to a multi-call binary hang through it: the bind mount follows links).
HUNG_TOOLS = (
    "/usr/bin/firewall-cmd", "/usr/bin/systemctl", "/usr/sbin/nft", "/usr/bin/ss",
    "/usr/bin/ip", "/usr/bin/journalctl", "/usr/bin/rpm", "/usr/bin/dnf",
    "/usr/sbin/semanage", "/usr/sbin/xtables-legacy-multi", "/usr/sbin/xtables-nft-multi",
    "/usr/sbin/ipset", "/usr/sbin/getenforce", "/usr/sbin/getsebool", "/usr/bin/getconf",
    "/usr/bin/uname", "/usr/sbin/matchpathcon", "/usr/bin/sesearch", "/usr/bin/seinfo",
    "/usr/bin/audit2allow", "/usr/bin/systemd-analyze", "/usr/lib/go-1.19/bin/go",
)

# A stuck client: note who started, start a child in the same process group, wait.
FAKE_HUNG = """#!/bin/sh
echo "$$ $(ps -o pgid= -p $$ | tr -d ' ') $0" >> {log}
sleep 100000 &
echo "$! $(ps -o pgid= -p $$ | tr -d ' ') $0 (child)" >> {log}
wait
"""


def present(paths=HUNG_TOOLS):
    return [p for p in paths if os.path.exists(p)]


def gotriage_argv(args):
    return [sys.executable, "-m", "gotriage"] + list(args)


def run_with_hung_tools(tmp_path, args, tools=None, env=None, overlay=None, limit=300):
    """Run `gotriage ARGS` in a private mount namespace where every path of `tools`
    (default: every HUNG_TOOLS present) is a program that never answers, and every
    (fake, real) pair of `overlay` is bind-mounted too.  Returns (CompletedProcess,
    elapsed seconds, [(pid, pgid, what)] of the fakes and their children)."""
    tools = present() if tools is None else list(tools)
    log = os.path.join(str(tmp_path), "hung.log")
    fake = os.path.join(str(tmp_path), "hung-tool")
    with open(fake, "w") as f:
        f.write(FAKE_HUNG.format(log=log))
    os.chmod(fake, 0o755)
    mounts = [(fake, path) for path in tools] + list(overlay or ())
    script = "set -e\n" + "".join('mount --bind "%s" "%s"\n' % pair for pair in mounts) + \
        'exec "$@"\n'
    run_env = dict(env if env is not None else os.environ)
    run_env["PYTHONPATH"] = os.path.join(ROOT, "src")
    started = time.monotonic()
    proc = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh"]
        + gotriage_argv(args),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=run_env, timeout=limit)
    elapsed = time.monotonic() - started
    if proc.returncode not in (0, 1, 2):  # the namespace or a bind mount failed
        raise RuntimeError("could not run gotriage with hung tools (exit %d): %s" % (
            proc.returncode, proc.stderr.decode("utf-8", "replace")[-2000:]))
    started_fakes = []
    if os.path.exists(log):
        with open(log) as f:
            for line in f:
                pid, pgid, what = line.rstrip("\n").split(" ", 2)
                started_fakes.append((int(pid), int(pgid), what))
    return proc, elapsed, started_fakes


def alive(pid):
    """Whether `pid` is a live process (a zombie is dead: it only waits to be reaped)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def group_alive(pgid):
    """Whether a live process (not a zombie) is left in process group `pgid`: read from
    /proc, as kill(-pgid, 0) also counts zombies (a container's PID 1 may never reap the
    orphans it inherits)."""
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 2 and int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            return True
    return False


def have_unshare():
    return os.geteuid() == 0 and shutil.which("unshare") is not None
