"""A run ends on time, a hang is a finding, and the tools gotriage runs are the system's
(issue 11 §5).

Hung commands are real: a program that never answers is bind-mounted over each real
tool in a private mount namespace (tests/hung_support.py; root).  The bound on a run's
length is functional (the run must end near its deadline, not after the sum of its
commands' timeouts), with a wide margin: bench/bench_hung.py measures it.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

from conftest import ROOT, make_snapshot, need, run_gotriage
from gotriage.host.base import TOOL_DIRS, tool_candidates
from gotriage.host.live import LiveHost
from gotriage.host.recorder import RecordingHost
from gotriage.host.snapshot import open_snapshot
from hung_support import alive, group_alive, have_unshare, present, run_with_hung_tools

DEADLINE = 6
MARGIN = 15  # far above the few tenths of a second a run takes past its deadline

# checks whose verdicts rest on a command that hangs in every hung run below (when they
# give an ok result, it must not be ✓)
RESTING = ("FW-CONFIG", "FW-LISTEN", "FW-PORT", "SYS-DISTRO", "SVC-UNIT", "SVC-EXEC",
           "SVC-JOURNAL", "SEL-MODE", "SEL-BOOL")


def _need_hung_bed():
    need(have_unshare(), "root and unshare, for a private mount namespace")
    need(len(present()) >= 15, "the tools gotriage runs (scripts/setup installs them): %s"
         % sorted(set(p for p in present())))


def _results(proc):
    return json.loads(proc.stdout.decode())["results"]


def _hung_commands(results):
    """The commands named by the -INPUT-HUNG findings, and the go probes of GO-PROBE-FAILED
    (a go that hangs is a finding about go; one per context it hung in)."""
    out = []
    for r in results:
        if r["id"].endswith("-INPUT-HUNG"):
            out.extend(e["argv"] for e in r["evidence"] if e["kind"] == "command")
        elif r["id"] == "GO-PROBE-FAILED":
            out.extend([e["argv"] for e in r["evidence"] if e["kind"] == "command"][:1] * len(r["contexts"]))
    return out


def _nothing_left(fakes):
    """The fake tools, or the children they started, that outlived gotriage: by PID, and
    by process group (any live process left in a fake's group)."""
    left = [pid for pid, _pgid, _what in fakes if alive(pid)]
    return left + sorted(set(pgid for _pid, pgid, _what in fakes if group_alive(pgid)))


# -- the tool rule ----------------------------------------------------------------------

def test_tool_candidates_are_the_system_directories_and_path_only_for_other_users():
    hostile = "/tmp/evil:relative:/opt/tools/:/usr/bin"
    assert tool_candidates("rpm", 0, hostile) == [d + "/rpm" for d in TOOL_DIRS]
    assert tool_candidates("rpm", 1000, hostile) == \
        [d + "/rpm" for d in TOOL_DIRS] + ["/tmp/evil/rpm", "/opt/tools/rpm"]
    assert "/usr/local/bin/rpm" not in tool_candidates("rpm", 0, "/usr/local/bin")


def _hostile_dir(names):
    """A directory of programs named like the system's tools that leave a marker."""
    directory = tempfile.mkdtemp(prefix="gotriage-hostile-")
    os.chmod(directory, 0o755)
    marker = os.path.join(directory, "RAN")
    for name in names:
        path = os.path.join(directory, name)
        with open(path, "w") as f:
            f.write('#!/bin/sh\necho "$0 $*" >> %s\nexit 0\n' % marker)
        os.chmod(path, 0o755)
    return directory, marker


def test_a_tool_named_bare_is_the_systems_not_the_one_first_on_path(monkeypatch):
    need(os.geteuid() == 0, "root (the rule for root)")
    directory, marker = _hostile_dir(["true", "uname"])
    try:
        monkeypatch.setenv("PATH", directory + ":/usr/bin:/bin")
        host = LiveHost()
        result = host.run(["uname", "-m"])
        assert result.ok and result.text.strip() == os.uname()[4]
        assert result.argv == ["uname", "-m"] and result.executable in [d + "/uname" for d in TOOL_DIRS]
        result = host.run(["true"], env={"PATH": directory})
        assert result.ok and os.path.dirname(result.executable) in TOOL_DIRS
        missing = host.run(["gotriage-no-such-tool"])
        assert missing.error == "not-found" and b"/usr/sbin, /usr/bin, /sbin, /bin" in missing.stderr
        assert not os.path.exists(marker)
    finally:
        shutil.rmtree(directory)


def _python_for_nobody():
    # this Python (a venv under /root may be closed to nobody), else the system's
    for python in (sys.executable, "/usr/bin/python3", shutil.which("python3")):
        if python and subprocess.run(["setpriv", "--reuid", "65534", "--regid", "65534",
                                      "--clear-groups", python, "-c", "pass"],
                                     stderr=subprocess.DEVNULL).returncode == 0:
            return python
    return None


def test_another_user_falls_back_to_path_only_for_a_tool_the_system_lacks():
    need(os.geteuid() == 0 and shutil.which("setpriv"), "root and setpriv, to run as nobody")
    python = _python_for_nobody()
    need(python is not None, "a Python that the user nobody can run")
    directory, marker = _hostile_dir(["true", "gotriage-only-on-path"])
    os.chmod(directory, 0o1777)  # nobody writes the marker
    try:
        code = ("import json; from gotriage.host.live import LiveHost; h = LiveHost(); "
                "print(json.dumps([[r.error, r.executable] for r in "
                "(h.run(['true']), h.run(['gotriage-only-on-path']))]))")
        env = {"PATH": directory + ":/usr/bin:/bin", "PYTHONPATH": os.path.join(ROOT, "src")}
        proc = subprocess.run(["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups",
                               python, "-c", code], env=env, stdout=subprocess.PIPE, cwd="/")
        (true_error, true_exe), (own_error, own_exe) = json.loads(proc.stdout.decode())
        assert true_error is None and os.path.dirname(true_exe) in TOOL_DIRS
        assert own_error is None and own_exe == os.path.join(directory, "gotriage-only-on-path")
        with open(marker) as f:
            assert [line.split()[0] for line in f] == [own_exe]  # only the tool the system lacks
    finally:
        shutil.rmtree(directory)


def test_a_hostile_path_runs_nothing_when_gotriage_runs_as_root(tmp_path):
    """A directory first on PATH holding every tool gotriage runs by name: as root none of
    them runs, and the system's answered instead."""
    need(os.geteuid() == 0, "root (the rule for root)")
    names = ["firewall-cmd", "rpm", "systemctl", "nft", "ss", "ip", "getconf", "uname", "sh",
             "grep", "journalctl", "systemd-analyze", "matchpathcon", "ipset", "su",
             "iptables-legacy-save", "ip6tables-legacy-save", "iptables-nft-save",
             "ip6tables-nft-save", "iptables-save", "ip6tables-save", "getenforce", "getsebool"]
    directory, marker = _hostile_dir(names)
    unit = tmp_path / "hostile-path.service"
    unit.write_text("[Service]\nExecStart=/usr/bin/true\n")
    try:
        env = dict(os.environ, PATH=directory + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
        check = run_gotriage(["check", "--json"], env=env)
        service = run_gotriage(["service", str(unit), "--json"], env=env)
        port = run_gotriage(["port", "1", "--from", "127.0.0.1", "--json"], env=env)
        assert not os.path.exists(marker), open(marker).read()
        answered = {r["id"]: r["title"] for run in (check, service, port) for r in run.json["results"]
                    if r["id"].endswith("-INPUT")}
        need(shutil.which("firewall-cmd", path="/usr/bin:/usr/sbin") is not None, "firewalld")
        assert "firewall-cmd" in answered["FW-INPUT"] and "ss" in answered["FW-INPUT"]
        assert "systemctl" in answered["SVC-INPUT"]
    finally:
        shutil.rmtree(directory)


# -- the deadline on one host -------------------------------------------------------------

def test_the_deadline_cuts_a_command_short_and_skips_the_next(tmp_path):
    host = LiveHost()
    host.set_deadline(1.0)
    cut = host.run(["sleep", "30"], timeout=30)
    assert cut.error == "timeout"  # its own 30 s were cut to what the run had left
    marker = tmp_path / "started"
    skipped = host.run(["sh", "-c", "touch %s" % marker], timeout=30)
    assert skipped.error == "deadline" and skipped.timed_out and skipped.duration == 0
    assert b"deadline of 1 s had passed" in skipped.stderr
    assert not marker.exists()
    assert host.connect("127.0.0.1", 9).error == "deadline"
    assert "was not started" in skipped.hang_text()


def test_a_recording_keeps_what_the_deadline_skipped_and_a_snapshot_is_not_bound(tmp_path):
    recorder = RecordingHost(LiveHost(), spill_dir=str(tmp_path))
    recorder.set_deadline(30)
    answered = recorder.run(["uname", "-m"])
    recorder.set_deadline(1e-9)  # passed at once
    skipped = recorder.run(["uname", "-r"])
    assert answered.ok and skipped.error == "deadline"
    recorder.save(str(tmp_path / "snap"))
    recorder.close()
    entries = [json.load(open(str(p))) for p in sorted((tmp_path / "snap" / "commands").iterdir())]
    assert [(e["argv"], e["error"], e.get("executable")) for e in entries] == [
        (["uname", "-m"], None, answered.executable), (["uname", "-r"], "deadline", None)]
    snap = open_snapshot(str(tmp_path / "snap"))
    snap.set_deadline(1e-9)  # a replay is not bound by it
    replay = snap.run(["uname", "-m"])
    assert replay.ok and replay.text == answered.text
    assert snap.run(["uname", "-r"]).error == "deadline"
    snap.close()


# -- every command hung -------------------------------------------------------------------

def _assert_hung_run(proc, elapsed, fakes, deadline=DEADLINE):
    results = _results(proc)
    assert elapsed < deadline + MARGIN, elapsed
    started = [f for f in fakes if not f[2].endswith("(child)")]
    named = _hung_commands(results)
    # every hung command that started is named by a finding (by its tool: the fake was
    # bind-mounted over the file the tool resolves to)
    tools = {os.path.basename(argv[0]) for argv in named}
    for _pid, _pgid, what in started:
        assert os.path.basename(what) in tools or os.path.realpath(what) in \
            {os.path.realpath(shutil.which(t) or t) for t in tools}, (what, tools)
    for r in results:
        if r["id"].endswith("-INPUT-HUNG"):
            assert r["severity"] == "warn"
    ok = [r for r in results if r["severity"] == "ok" and r["check"] in RESTING]
    assert ok == [], ok
    assert not _nothing_left(fakes)
    return results, named, started


def test_check_with_every_command_hung_ends_at_its_deadline(tmp_path):
    _need_hung_bed()
    proc, elapsed, fakes = run_with_hung_tools(
        tmp_path, ["check", "--json", "--timeout", "1", "--deadline", str(DEADLINE)])
    results, named, started = _assert_hung_run(proc, elapsed, fakes)
    sys.stderr.write("check, every command hung: %.1f s, %d hung commands named (%d started)\n"
                     % (elapsed, len(named), len(started)))
    assert len(named) >= 15 and len(started) >= 3, (named, started)
    skipped = [r for r in results if r["id"].endswith("-INPUT-HUNG") and r["subject"] == "deadline"]
    assert skipped, "the deadline passed before every command ran: some must be reported skipped"
    # the checks whose ok results rest on what hung say so instead of ✓
    unconfirmed = {r["check"] for r in results if "(unconfirmed: no answer from" in r["title"]}
    assert {"FW-CONFIG", "SVC-UNIT", "SYS-DISTRO"} <= unconfirmed, unconfirmed


def test_service_with_every_command_hung_ends_at_its_deadline(tmp_path):
    _need_hung_bed()
    unit = tmp_path / "hung-app.service"
    unit.write_text("[Unit]\nDescription=x\n\n[Service]\nExecStart=/usr/bin/sleep 1\n")
    proc, elapsed, fakes = run_with_hung_tools(
        tmp_path, ["service", str(unit), "--json", "--timeout", "3", "--deadline", str(DEADLINE)])
    results, named, _ = _assert_hung_run(proc, elapsed, fakes)
    # each input of the unit's verdicts that did not arrive is a finding (timed out, or not
    # started once the deadline had passed), the journal too: not a note
    assert {"systemctl", "systemd-analyze", "journalctl"} <= {argv[0] for argv in named}, named


def test_collect_with_commands_hung_replays_the_same_findings(tmp_path):
    _need_hung_bed()
    snap = str(tmp_path / "snap")
    proc, elapsed, fakes = run_with_hung_tools(
        tmp_path, ["collect", "-o", snap, "--layer", "firewall", "--layer", "system",
                   "--timeout", "2", "--deadline", str(DEADLINE)])
    assert proc.returncode == 0, proc.stderr.decode()
    assert elapsed < DEADLINE + MARGIN, elapsed
    assert not _nothing_left(fakes)
    entries = [json.load(open(os.path.join(snap, "commands", n)))
               for n in sorted(os.listdir(os.path.join(snap, "commands")))]
    unanswered = [e["argv"] for e in entries if e["error"] in ("timeout", "deadline")]
    # commands are recorded by the name typed, not the path found, but for firewalld's
    # client: its interpreter is firewall-cmd's #! line, a path by design
    typed = [e["argv"] for e in entries if e["argv"][1:] != ["-Es", "-"]]
    assert unanswered and typed and all("/" not in argv[0] for argv in typed), typed
    replay = run_gotriage(["check", "--root", snap, "--json", "--layer", "firewall",
                           "--layer", "system", "--deadline", "1"])
    named = _hung_commands(replay.json["results"])
    assert sorted(map(tuple, named)) == sorted(map(tuple, unanswered))


# -- §6: the note about socket owners as root ------------------------------------------------

TCP_LISTEN = ("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
              "timeout inode\n   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 "
              "00000000     0        0 4242 1 0000000000000000 100 0 0 10 0\n")


def test_sockets_without_a_visible_owner_are_explained_for_root_and_for_a_user(tmp_path):
    notes = {}
    for who, identity in (("root", None), ("user", {"user": "alice", "uid": 1000, "gid": 1000,
                                                    "home": "/home/alice"})):
        snap = make_snapshot(tmp_path / who, files={"/proc/net/tcp": TCP_LISTEN,
                                                    "/proc/net/tcp6": "", "/proc/1/comm": "init\n"},
                             identity=identity)
        run = run_gotriage(["check", "--root", str(snap), "--layer", "firewall", "--json"])
        notes[who] = [n for n in run.json["notes"] if "no process owns" in n]
        [listen] = [r for r in run.json["results"] if r["check"] == "FW-LISTEN"]
        assert listen["severity"] == "info" and "not visible" in listen["title"]
    assert notes["root"] and "run as root" not in notes["root"][0]
    assert "another PID namespace" in notes["root"][0]
    assert notes["user"] and "run as root" in notes["user"][0]
