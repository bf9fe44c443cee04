"""The real SELinux tools in the SELinux layer: audit2why (why the policy denied each
denial) and matchpathcon (the label a path should have), run when present, by absolute
path, with a timeout, never required; and Host.run's `input=` (stdin) that audit2why
needs, recorded and replayed by snapshots.

The tools are Debian's (policycoreutils 3.4, selinux-utils, selinux-policy-default's
policy.33 and file_contexts); the logs are the real ones of tests/data/selinux."""

import json
import os

from conftest import DATA, make_snapshot
from gotriage.host.base import CommandResult, stdin_digest
from gotriage.host.live import LiveHost
from gotriage.host.recorder import RecordingHost
from gotriage.host.snapshot import SnapshotHost

SEL = os.path.join(DATA, "selinux")


# -- Host.run(input=...) --------------------------------------------------------------------------
def test_live_run_gives_input_on_stdin_and_none_by_default():
    host = LiveHost()
    r = host.run(["/bin/cat"], input=b"line one\nline two\n", timeout=5)
    assert r.ok and r.stdout == b"line one\nline two\n"
    assert r.stdin_sha256 == stdin_digest(b"line one\nline two\n")
    r = host.run(["/bin/cat"], timeout=5)  # /dev/null: cat ends at once
    assert r.ok and r.stdout == b"" and r.stdin_sha256 is None


def test_live_run_with_input_is_still_bounded():
    # the program never reads its input: the timeout still kills it
    r = LiveHost().run(["/bin/sleep", "5"], input=b"x" * 1000000, timeout=0.5)
    assert r.error == "timeout" and r.duration < 4


def test_live_run_with_input_of_a_program_that_exits_at_once():
    r = LiveHost().run(["/bin/true"], input=b"y" * 1000000, timeout=5)
    assert r.ok


def test_recorded_input_replays_only_for_the_same_input(tmp_path):
    recorder = RecordingHost(LiveHost())
    recorder.run(["/usr/bin/tr", "a-z", "A-Z"], input=b"abc\n")
    recorder.run(["/usr/bin/tr", "a-z", "A-Z"], input=b"xyz\n")
    recorder.run(["/bin/echo", "plain"])
    snap = recorder.save(str(tmp_path / "snap"))
    entries = [json.load(open(os.path.join(snap, "commands", n)))
               for n in sorted(os.listdir(os.path.join(snap, "commands")))]
    assert [e.get("stdin_sha256") for e in entries] == [
        stdin_digest(b"abc\n"), stdin_digest(b"xyz\n"), None]
    assert "stdin_sha256" not in entries[2]  # commands without input are written as before
    host = SnapshotHost(snap)
    assert host.run(["/usr/bin/tr", "a-z", "A-Z"], input=b"abc\n").stdout == b"ABC\n"
    assert host.run(["/usr/bin/tr", "a-z", "A-Z"], input=b"xyz\n").stdout == b"XYZ\n"
    assert host.run(["/usr/bin/tr", "a-z", "A-Z"], input=b"other\n").error == "not-recorded"
    assert host.run(["/usr/bin/tr", "a-z", "A-Z"]).error == "not-recorded"
    assert host.run(["/bin/echo", "plain"]).stdout == b"plain\n"
    assert host.run(["/bin/echo", "plain"], input=b"").error == "not-recorded"


def test_hand_built_loose_command_with_a_stdin_digest(tmp_path):
    snap = make_snapshot(tmp_path / "s", commands=[
        {"argv": ["/usr/bin/audit2why", "-p", "/p"], "stdin_sha256": stdin_digest(b"L\n"),
         "returncode": 0, "stdout": "answer\n"},
        {"argv": ["/usr/bin/audit2why", "-p", "/p"], "returncode": 0, "stdout": "no input\n"}])
    host = SnapshotHost(str(snap))
    assert host.run(["/usr/bin/audit2why", "-p", "/p"], input=b"L\n").stdout == b"answer\n"
    assert host.run(["/usr/bin/audit2why", "-p", "/p"]).stdout == b"no input\n"
    assert host.run(["/usr/bin/audit2why", "-p", "/p"], input=b"M\n").error == "not-recorded"


def test_recorder_digest_is_of_the_redacted_input(tmp_path):
    secret = b"token=ghp_" + b"a" * 36 + b"\n"
    recorder = RecordingHost(LiveHost())
    recorder.run(["/bin/cat"], input=secret)
    snap = recorder.save(str(tmp_path / "snap"))
    entry = json.load(open(os.path.join(snap, "commands", "0001.json")))
    from gotriage.host.redact import redact_bytes
    assert entry["stdin_sha256"] == stdin_digest(redact_bytes(secret))
    assert b"ghp_" not in json.dumps(entry).encode()  # the output is redacted as always
    assert isinstance(CommandResult(["x"]).stdin_sha256, type(None))
