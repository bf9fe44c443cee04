"""The real SELinux tools in the SELinux layer: audit2why (why the policy denied each
denial) and matchpathcon (the label a path should have), run when present, by absolute
path, with a timeout, never required; and Host.run's `input=` (stdin) that audit2why
needs, recorded and replayed by snapshots.

The tools are Debian's (policycoreutils 3.4, selinux-utils, selinux-policy-default's
policy.33 and file_contexts); the logs are the real ones of tests/data/selinux."""

import json
import os

from conftest import DATA, make_snapshot, need
from gotriage.host.base import CommandResult, stdin_digest
from gotriage.host.live import LiveHost
from gotriage.host.recorder import RecordingHost
from gotriage.host.snapshot import SnapshotHost
from gotriage.parsers.audit2why import parse_audit2why

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


# -- the audit2why parser, on real output --------------------------------------------------------
AUDIT2WHY = "/usr/bin/audit2why"
POLICY = "/etc/selinux/default/policy/policy.33"
CAPTURED_FROM = ["httpd_can_network_connect.log", "allow_execmod.log", "sepolgen-short.log",
                 "go-service-denials.log"]


def _read(name, mode="r"):
    with open(os.path.join(SEL, name), mode) as f:
        return f.read()


def _avc_lines(names):
    return [line for name in names for line in _read(name).splitlines()
            if "avc:" in line and "denied" in line]


def test_parser_on_captured_output():
    verdicts = parse_audit2why(_read("audit2why-debian12.txt"))
    by_event = {v.event: v for v in verdicts}
    # httpd name_connect on reserved_port_t: two booleans, each with its description
    v = by_event["1165963069.244:853"]
    assert v.reason == "boolean" and v.node == "judy.example.com"
    assert v.booleans == [
        ("httpd_can_network_connect", 1,
         "Determine whether httpd scripts and modules can connect to the network using TCP."),
        ("allow_ypbind", 1, "Allow system to run with NIS")]
    assert "setsebool -P httpd_can_network_connect 1" in v.summary()
    # execmod of an unconfined program: the reference policy's allow_execmod
    assert by_event["1166045975.667:1128"].boolean_names == ["allow_execmod"]
    # sepolgen's short.log: dontaudit, allowed, a missing TE rule, constraints
    assert [by_event[e].reason for e in ("1162850331.422:978", "1162850332.318:979",
                                         "1162850333.186:980", "1162850335.022:981",
                                         "1162850343.419:985")] == [
        "dontaudit", "allowed", "te-rule", "constraint", "constraint"]
    c = by_event["1162850335.022:981"]
    assert c.causes == ["source user (staff_u) and target user (user_u) are different"]
    assert c.constraint.startswith("constrain file {") and c.constraint.endswith("Constraint DENIED")
    # go-service-denials.log: the unconfined_service_t line is unknown to Debian's policy,
    # so audit2why says nothing about it (libsepol complains on stderr)
    assert "1700000001.400:9" not in by_event
    assert by_event["1700000002.500:10"].reason == "te-rule"
    # every line echoed is one of the lines fed, unchanged
    fed = set(_avc_lines(CAPTURED_FROM))
    assert all(v.line in fed for v in verdicts) and len(verdicts) == len(fed) - 1


def test_parser_never_raises_on_garbage():
    assert parse_audit2why("") == []
    assert parse_audit2why("\tWas caused by:\n\x00\x1d garbage\n#Constraint rule:\n") == []
    v = parse_audit2why("type=AVC msg=audit(1.2:3): avc: denied { x }\n\tWas caused by:\n"
                        "\tsomething new\n")[0]
    assert v.reason == "unknown" and v.event == "1.2:3" and v.summary() == "no reason given"


def test_real_audit2why_still_prints_what_was_captured():
    need(os.access(AUDIT2WHY, os.X_OK) and os.path.exists(POLICY),
         "audit2why and Debian's policy.33 (policycoreutils-python-utils, selinux-policy-default)")
    lines = "".join(line + "\n" for line in _avc_lines(CAPTURED_FROM)).encode()
    result = LiveHost().run([AUDIT2WHY, "-p", POLICY], input=lines, timeout=60)
    assert result.ok, result.errtext
    assert "unconfined_service_t is not defined" in result.errtext
    fresh = [v.to_dict() for v in parse_audit2why(result.text)]
    assert fresh == [v.to_dict() for v in parse_audit2why(_read("audit2why-debian12.txt"))]
