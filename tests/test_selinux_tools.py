"""The real SELinux tools in the SELinux layer: audit2why (why the policy denied each
denial) and matchpathcon (the label a path should have), run when present, by absolute
path, with a timeout, never required; and Host.run's `input=` (stdin) that audit2why
needs, recorded and replayed by snapshots.

The tools are Debian's (policycoreutils 3.4, selinux-utils, selinux-policy-default's
policy.33 and file_contexts); the logs are the real ones of tests/data/selinux."""

import json
import os
import subprocess

import pytest

from conftest import DATA, make_snapshot, need, run_gotriage
from gotriage.host.base import CommandResult, HostError, stdin_digest
from gotriage.host.live import LiveHost
from gotriage.host.recorder import RecordingHost
from gotriage.host.snapshot import SnapshotHost
from gotriage.parsers.audit2why import parse_audit2why
from gotriage.parsers.seinfo import parse_seinfo_names
from requirements_external import install_hint

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
POLICY_XML = "/usr/share/selinux/devel/policy.xml"
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


def need_policy_xml():
    """audit2why takes the booleans' descriptions from the policy's policy.xml; without it
    it makes one up from the name ("Allow allow to ypbind")."""
    need(os.path.exists(POLICY_XML), install_hint(POLICY_XML))


def test_real_audit2why_still_prints_what_was_captured():
    need(os.access(AUDIT2WHY, os.X_OK) and os.path.exists(POLICY),
         "audit2why and Debian's policy.33 (policycoreutils-python-utils, selinux-policy-default)")
    need_policy_xml()
    lines = "".join(line + "\n" for line in _avc_lines(CAPTURED_FROM)).encode()
    result = LiveHost().run([AUDIT2WHY, "-p", POLICY], input=lines, timeout=60)
    assert result.ok, result.errtext
    assert "unconfined_service_t is not defined" in result.errtext
    fresh = [v.to_dict() for v in parse_audit2why(result.text)]
    assert fresh == [v.to_dict() for v in parse_audit2why(_read("audit2why-debian12.txt"))]


# -- audit2why in gotriage avc, live, on real logs ------------------------------------------------
MATCHPATHCON = "/usr/sbin/matchpathcon"
FILE_CONTEXTS = "/etc/selinux/default/contexts/files/file_contexts"


def need_audit2why():
    need(os.access(AUDIT2WHY, os.X_OK) and os.path.exists(POLICY),
         "audit2why and Debian's policy.33 (policycoreutils-python-utils, selinux-policy-default)")
    need("SELINUXTYPE=default" in (_file("/etc/selinux/config") or ""),
         "/etc/selinux/config naming the default policy (selinux-policy-default writes it)")


def need_matchpathcon():
    need(os.access(MATCHPATHCON, os.X_OK) and os.path.exists(FILE_CONTEXTS),
         "matchpathcon and Debian's file_contexts (selinux-utils, selinux-policy-default)")
    need("SELINUXTYPE=default" in (_file("/etc/selinux/config") or ""),
         "/etc/selinux/config naming the default policy (selinux-policy-default writes it)")


def _file(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


def real_audit2why(names):
    """What the real audit2why says of the AVC lines of these logs: {event: Verdict}."""
    lines = "".join(line + "\n" for line in _avc_lines(names)).encode()
    result = LiveHost().run([AUDIT2WHY, "-p", POLICY], input=lines, timeout=60)
    assert result.ok, result.errtext
    return {v.event: v for v in parse_audit2why(result.text)}


def avc(*args):
    run = run_gotriage(["avc"] + list(args))
    assert run.returncode in (0, 1), run.stderr
    assert "Traceback" not in run.stderr
    return run


def flat(text):
    """The text view with its lines joined and runs of spaces as one: what it says, however
    it is wrapped (at 100 columns)."""
    return " ".join(text.split())


def denial_of(report, **match):
    for d in report["denials"]:
        if all(d.get(k) == v for k, v in match.items()):
            return d
    raise AssertionError("no denial %r" % (match,))


def test_boolean_named_by_audit2why_is_confirmed_and_the_missed_one_added():
    need_audit2why()
    need_policy_xml()
    log = os.path.join(SEL, "httpd_can_network_connect.log")
    real = real_audit2why(["httpd_can_network_connect.log"])["1165963069.244:853"]
    assert real.reason == "boolean"
    assert real.boolean_names == ["httpd_can_network_connect", "allow_ypbind"]

    report = avc("--json", log).json["avc"]
    # audit2why's reasoning on the policy file gotriage read (issue 13): the same verdict
    assert report["policy_read"]["used"] is True and report["policy_read"]["path"] == POLICY
    assert "audit2why" not in report.get("tools", {})
    d = denial_of(report, tclass="tcp_socket")
    assert d["audit2why"] == real.to_dict()
    ex = {(e["analyzer"], e["title"].split()[1] if e["id"] == "SEL-AVC-BOOLEAN" else e["id"]):
          e for e in d["explanations"]}
    # the port fix stays first (narrower); audit2why has no opinion on it
    assert d["explanations"][0]["id"] == "SEL-AVC-PORT"
    assert d["explanations"][0]["audit2why"] == "neutral"
    assert ex[("boolean", "httpd_can_network_connect")]["audit2why"] == "confirmed"
    added = ex[("audit2why", "allow_ypbind")]
    assert added["audit2why"] == "added" and added["id"] == "SEL-AVC-BOOLEAN"
    assert [a["shell"] for a in added["fix"]] == ["setsebool -P allow_ypbind on"]
    assert "Allow system to run with NIS" in added["why"]

    text = flat(avc(log).stdout)
    assert ("asked: /etc/selinux/default/policy/policy.33 read by gotriage (2.1 MB, ") in text
    assert "audit2why -p" not in text
    # the caution beside the command of the boolean that changes every domain
    assert ("audit2why: a boolean allows it: setsebool -P httpd_can_network_connect 1 or "
            "setsebool -P allow_ypbind 1 (affects the whole host)") in text
    assert "or (audit2why, medium, audit2why: added): boolean allow_ypbind allows it" in text


def test_execmod_boolean_in_the_policys_own_name():
    need_audit2why()
    real = real_audit2why(["allow_execmod.log"])["1166045975.667:1128"]
    assert real.boolean_names == ["allow_execmod"]
    d = denial_of(avc("--json", os.path.join(SEL, "allow_execmod.log")).json["avc"], tclass="file")
    assert d["audit2why"]["booleans"][0]["name"] == "allow_execmod"
    by = {e["analyzer"]: e for e in d["explanations"]}
    assert d["explanations"][0]["analyzer"] == "textrel_label"  # the narrowest fix stays first
    # with no booleans readable, gotriage guessed the RHEL name; audit2why says what this
    # policy calls it
    assert by["boolean"]["audit2why"] == "contradicted" and by["boolean"]["confidence"] == "low"
    assert any("this policy calls it allow_execmod" in n for n in by["boolean"]["notes"])
    assert by["audit2why"]["fix"][0]["argv"] == ["setsebool", "-P", "allow_execmod", "on"]


def test_missing_te_rule_confirms_the_port_fix():
    need_audit2why()
    real = real_audit2why(["bind_ports.log"])["1165963069.244:851"]
    assert real.reason == "te-rule"
    d = denial_of(avc("--json", os.path.join(SEL, "bind_ports.log")).json["avc"], tclass="tcp_socket")
    assert d["audit2why"]["reason"] == "te-rule"
    best = d["explanations"][0]
    assert best["id"] == "SEL-AVC-PORT" and best["audit2why"] == "confirmed"
    assert [a["shell"] for a in best["fix"] if a["kind"] == "command"] == [
        "semanage port -a -t http_port_t -p tcp 81"]
    assert any(n.startswith("audit2why (/etc/selinux/default/policy/policy.33): missing type "
                            "enforcement (TE) allow rule") for n in best["notes"])


def test_constraint_violation_replaces_the_module():
    need_audit2why()
    real = real_audit2why(["sepolgen-short.log"])
    assert real["1162850335.022:982"].reason == "constraint"
    report = avc("--json", os.path.join(SEL, "sepolgen-short.log")).json["avc"]
    lock = denial_of(report, permissions=["lock"])
    assert lock["audit2why"]["causes"] == [
        "source user (staff_u) and target user (user_u) are different"]
    ids = [e["id"] for e in lock["explanations"]]
    assert ids[0] == "SEL-AVC-CONSTRAINT" and "SEL-AVC-MODULE" not in ids
    best = lock["explanations"][0]
    assert "an allow rule will not fix it" in best["title"]
    assert [a["shell"] for a in best["fix"] if a["kind"] == "command"] == [
        "restorecon -F -v /tmp/orbit-kmacmill/bonobo-activation-register.lock"]
    # a missing TE rule keeps the module, confirmed; dontaudit/allowed keep it, neutral
    sysctl = denial_of(report, tcontext="system_u:object_r:sysctl_fs_t:s0")["explanations"]
    assert [(e["id"], e["audit2why"]) for e in sysctl] == [("SEL-AVC-MODULE", "confirmed")]
    xdm = denial_of(report, tcontext="system_u:object_r:xdm_tmp_t:s0")["explanations"]
    assert [(e["id"], e["audit2why"]) for e in xdm] == [("SEL-AVC-MODULE", "neutral")]
    text = flat(avc(os.path.join(SEL, "sepolgen-short.log")).stdout)
    assert "SEL-AVC-CONSTRAINT a policy constraint forbids it (source user (staff_u) and " \
           "target user (user_u) are different)" in text


def test_module_leaves_constraint_violations_out(tmp_path):
    need_audit2why()
    run = run_gotriage(["avc", os.path.join(SEL, "sepolgen-short.log"), "--module", "shortlog"],
                       cwd=str(tmp_path))
    assert run.returncode == 1, run.stderr
    te = (tmp_path / "shortlog.te").read_text()
    assert "allow staff_t sysctl_fs_t:file read;" in te  # missing TE rule: the module's job
    assert "user_tmp_t" not in te and "user_home_dir_t" not in te  # constraints: not its job


def test_check_layer_evidence_carries_the_verdict():
    need_audit2why()
    from gotriage.checks.selinux import avc as avc_check
    from gotriage.facts.selinux import SELinuxFacts

    # audit2why itself (the policy file not read by gotriage): its command is the evidence
    facts = SELinuxFacts(LiveHost(), logs=[os.path.join(SEL, "bind_ports.log")],
                         read_policy=False)
    findings = [f for f in avc_check(facts) if f.id == "SEL-AVC-PORT"]
    assert len(findings) == 1
    evidence = [e for e in findings[0].evidence if e.kind == "command"]
    assert evidence[0].argv == [AUDIT2WHY, "-p", POLICY]
    assert evidence[0].text == ("(its AVC line on stdin) missing type enforcement (TE) allow "
                                "rule; confirmed the explanation")
    assert "$ /usr/bin/audit2why -p /etc/selinux/default/policy/policy.33" in evidence[0].describe()


# -- matchpathcon ---------------------------------------------------------------------------------
AVC_TEMPLATE = ('type=AVC msg=audit(1718000300.%03d:%d): avc:  denied  { %s } for  pid=1 '
                'comm="systemd" path="%s" dev="dm-0" ino=%d scontext=system_u:system_r:init_t:s0 '
                'tcontext=unconfined_u:object_r:%s:s0 tclass=file permissive=0\n')


def write_log(tmp_path, denials):
    text = "".join(AVC_TEMPLATE % (n, 5000 + n, perm, path, 100 + n, ttype)
                   for n, (perm, path, ttype) in enumerate(denials))
    log = tmp_path / "audit.log"
    log.write_text(text)
    return str(log)


def test_matchpathcon_agrees_with_gotriages_own_lookup():
    need_matchpathcon()
    log = os.path.join(SEL, "restorecon.log")
    real = LiveHost().run([MATCHPATHCON, "-n", "/opt/real/RealPlayer/mozilla/nphelix.so"])
    assert real.text == "system_u:object_r:lib_t:s0\n"
    # its one denial is Fedora's nsplugin_t, a type this policy lacks: another host's log,
    # for which avc asks no tool unless told to
    assert "tools" not in avc("--json", log).json["avc"]
    report = avc("--json", "--tools", log).json["avc"]
    assert report["tools"]["matchpathcon"]["argv"] == [
        MATCHPATHCON, "-n", "/opt/real/RealPlayer/mozilla/nphelix.so"]
    best = denial_of(report, tclass="file")["explanations"][0]
    assert best["id"] == "SEL-AVC-FILE-LABEL" and "should be lib_t" in best["title"]
    assert ("matchpathcon confirms the label lib_t for /opt/real/RealPlayer/mozilla/nphelix.so"
            in best["notes"])


def test_matchpathcon_wins_over_gotriages_own_lookup(tmp_path):
    """Debian's file_contexts.subs_dist aliases /etc/systemd/system to
    /usr/lib/systemd/system: matchpathcon applies it (systemd_unit_t), gotriage's own
    lookup of the file_contexts files does not (etc_t)."""
    need_matchpathcon()
    unit = "/etc/systemd/system/goapi.service"
    real = LiveHost().run([MATCHPATHCON, "-n", unit])
    assert real.text == "system_u:object_r:systemd_unit_t:s0\n"
    from gotriage.facts.selinux import SELinuxFacts

    assert SELinuxFacts(LiveHost()).fcontexts.type_of(unit) == "etc_t"

    log = write_log(tmp_path, [("read", unit, "user_home_t")])
    best = denial_of(avc("--json", log).json["avc"], tclass="file")["explanations"][0]
    assert best["id"] == "SEL-AVC-FILE-LABEL"
    assert best["title"] == ("%s is labelled user_home_t, should be systemd_unit_t: restorecon"
                             % unit)
    assert ("matchpathcon says systemd_unit_t for %s; gotriage's own file_contexts reading said "
            "etc_t (matchpathcon's answer is used)" % unit) in best["notes"]

    # a unit labelled etc_t: gotriage's own lookup sees nothing wrong (a module), the tool a
    # wrong label
    log = write_log(tmp_path, [("read", unit, "etc_t")])
    best = denial_of(avc("--json", log).json["avc"], tclass="file")["explanations"][0]
    assert best["id"] == "SEL-AVC-FILE-LABEL"
    assert [a["shell"] for a in best["fix"] if a["kind"] == "command"] == ["restorecon -v " + unit]


def test_matchpathcon_none_means_no_restorecon(tmp_path):
    """/var/run is aliased to /run, which the policy leaves unlabelled (<<none>>):
    gotriage's own lookup says var_t."""
    need_matchpathcon()
    sock = "/var/run/goapi/goapi.sock"
    assert LiveHost().run([MATCHPATHCON, "-n", sock]).text == "<<none>>\n"
    log = write_log(tmp_path, [("write", sock, "user_home_t")])
    ex = denial_of(avc("--json", log).json["avc"], tclass="file")["explanations"]
    assert not any("restorecon -v" in a["shell"] for e in ex for a in e["fix"]
                   if a["kind"] == "command")
    notes = [n for e in ex for n in e["notes"]]
    assert any(n.startswith("matchpathcon says <<none>> (restorecon leaves it alone) for %s; "
                            "gotriage's own file_contexts reading said var_t" % sock) for n in notes)


def test_matchpathcon_is_one_run_for_at_most_32_paths(tmp_path):
    need_matchpathcon()
    log = write_log(tmp_path, [("read", "/srv/app%02d/data" % n, "user_home_t") for n in range(40)])
    report = avc("--json", log).json["avc"]
    argv = report["tools"]["matchpathcon"]["argv"]
    assert argv[:2] == [MATCHPATHCON, "-n"] and len(argv) == 2 + 32
    notes = [n for d in report["denials"] for e in d["explanations"] for n in e["notes"]]
    assert sum("matchpathcon" in n for n in notes) == 32


# -- without the tools: exactly the previous results ----------------------------------------------
SEINFO = "/usr/bin/seinfo"
TOOL_PATHS = {AUDIT2WHY, MATCHPATHCON, SEINFO}
TOOL_NAMES = ("audit2why", "matchpathcon", "seinfo")
LOGS = [os.path.join(SEL, name) for name in (
    "go-home-exec.log", "restorecon.log", "httpd_can_network_connect.log", "sepolgen-short.log",
    "bind_ports.log", "allow_execmod.log", "httpd_bad_labels.log")]


class ToolsAnswer(LiveHost):
    """The live host, except that audit2why and matchpathcon answer `how`."""

    def __init__(self, how):
        LiveHost.__init__(self)
        self.how = how
        self.asked = []

    def stat(self, path):
        if self.how == "absent" and os.path.basename(path) in TOOL_NAMES:  # /usr/sbin, /sbin...
            raise HostError("ENOENT", path, "stat")
        return LiveHost.stat(self, path)

    def run(self, argv, env=None, cwd="/", timeout=10.0, input=None):
        if os.path.basename(argv[0]) not in TOOL_NAMES:
            return LiveHost.run(self, argv, env=env, cwd=cwd, timeout=timeout)
        self.asked.append((argv, timeout, input))
        return {
            "missing": CommandResult(argv, error="not-found"),
            "failing": CommandResult(argv, returncode=1, stderr=b"SELinux is disabled\n"),
            "timeout": CommandResult(argv, error="timeout", duration=timeout),
            "garbage": CommandResult(argv, returncode=0, stdout=b"what?\n"),
        }[self.how]


def _previous(host):
    """The explanations as gotriage gave them before the tools: the view without denials."""
    from gotriage.facts.selinux import SELinuxFacts
    from gotriage.selinux.analyzers import explain

    facts = SELinuxFacts(host, LOGS, read_policy=False)
    denials = sorted(facts.scan.distinct(), key=lambda d: (-d.count, d.index))
    view = facts.view(need_ports=True)
    assert not view.labels and not view.verdicts
    return [[e.to_dict() for e in explain(d, view)] for d in denials]


@pytest.fixture(scope="module")
def previous():
    return _previous(ToolsAnswer("absent"))


@pytest.mark.parametrize("how", ["absent", "missing", "failing", "timeout", "garbage"])
def test_without_working_tools_the_results_are_the_previous_ones(how, previous):
    from gotriage.selinux.command import analyse, details

    host = ToolsAnswer(how)
    facts, scan, explained = analyse(host, LOGS, read_policy=False)
    assert [[e.to_dict() for e in ex] for _d, ex in explained] == previous
    assert all("audit2why" not in e for ex in previous for e in ex)
    assert facts.verdicts == {}
    if how == "absent":
        assert host.asked == []
    else:  # one run each, bounded
        assert sorted(argv[0] for argv, _t, _i in host.asked) == sorted(TOOL_PATHS)
        for argv, timeout, data in host.asked:
            if argv[0] == AUDIT2WHY:
                assert argv == [AUDIT2WHY, "-p", POLICY] and timeout == 30.0
                assert data.decode("ascii").count("\n") == len(
                    [d for d, _ex in explained if d.lines and "avc:" in d.lines[0]])
            elif argv[0] == SEINFO:
                assert argv == [SEINFO, POLICY, "--flat", "-t", "-x", "-c", "--common"] and timeout == 30.0 and data is None
            else:
                assert argv[1] == "-n" and timeout == 10.0 and data is None
    report = details(facts, scan, explained, type("A", (), {"raw_rules": False})(), None)
    assert "audit2why" not in json.dumps(report["denials"])
    # the runs that were tried are listed, not used
    assert sorted(report.get("tools", {})) == ([] if how == "absent" else list(TOOL_NAMES))
    assert not any(t["used"] for t in report.get("tools", {}).values())


def test_snapshot_without_the_tools_is_unchanged(tmp_path):
    """A hand-built snapshot has no tools: nothing is run, the JSON has no tool keys."""
    snap = make_snapshot(tmp_path / "s", files={
        "/etc/selinux/config": "SELINUX=enforcing\nSELINUXTYPE=targeted\n",
        "/sys/fs/selinux/enforce": "1",
        "/etc/selinux/targeted/contexts/files/file_contexts": _read("refpolicy-file_contexts"),
        "/etc/selinux/targeted/policy/policy.33": "not really",
        "/var/log/audit/audit.log": _read("httpd_can_network_connect.log") + _read("restorecon.log")})
    report = avc("--json", "--root", str(snap)).json["avc"]
    assert "tools" not in report and "audit2why" not in json.dumps(report)
    # its policy.33 is not a policy: read, said so, not used
    assert report["policy_read"]["used"] is False and "magic" in report["policy_read"]["error"]
    text = flat(avc("--root", str(snap)).stdout)
    assert "asked: /etc/selinux/targeted/policy/policy.33 read by gotriage (10 B, " in text
    assert text.count(" read by gotriage ") == 1 and "audit2why" not in text


def test_recorded_tools_replay_from_the_snapshot(tmp_path):
    need_audit2why()
    need_matchpathcon()
    from gotriage.selinux.command import analyse

    recorder = RecordingHost(LiveHost())
    # the same printed module command on both (a replay's names its --root)
    facts, _scan, explained = analyse(recorder, LOGS, rerun=["gotriage", "avc"])
    assert facts.verdicts and facts.tool_runs["matchpathcon"][0].ok
    live = [[e.to_dict() for e in ex] for _d, ex in explained]
    snap = recorder.save(str(tmp_path / "snap"))
    replay_host = SnapshotHost(snap)
    facts2, _scan, explained2 = analyse(replay_host, LOGS, rerun=["gotriage", "avc"])
    assert [[e.to_dict() for e in ex] for _d, ex in explained2] == live
    assert {k: v.to_dict() for k, v in facts2.verdicts.items()} == {
        k: v.to_dict() for k, v in facts.verdicts.items()}


def test_audit2why_answers_are_matched_on_enriched_and_space_padded_lines(tmp_path):
    """An ENRICHED record (0x1D then the translations) and a record ending in a space, as
    real logs have them: audit2why echoes them, and the verdict finds its denial."""
    need_audit2why()
    from gotriage.selinux.command import analyse

    line = [x for x in _avc_lines(["bind_ports.log"])][0]
    enriched = line.replace("1165963069.244:851", "1165963070.100:900") + \
        '\x1dAUID="unset" UID="root"'
    padded = line.replace("1165963069.244:851", "1165963071.100:901").replace(
        "name_bind", "name_connect").replace("node=james.example.com ", "") + " "
    log = tmp_path / "audit.log"
    log.write_bytes((enriched + "\n" + padded + "\n").encode())
    facts, _scan, explained = analyse(LiveHost(), [str(log)])
    assert len(explained) == 2
    assert sorted(facts.verdicts[d.key].event for d, _ex in explained) == [
        "1165963070.100:900", "1165963071.100:901"]
    reasons = {d.perms[0]: facts.verdicts[d.key].reason for d, _ex in explained}
    assert reasons == {"name_bind": "te-rule", "name_connect": "boolean"}


def test_no_tools_runs_none_of_them():
    """`avc --no-tools` (a log from another host): no real tool is even looked for, and
    the explanations are those of a host without any of them."""
    from gotriage.facts.selinux import TOOLS
    from gotriage.selinux.command import analyse

    class Watch(LiveHost):
        def __init__(self):
            LiveHost.__init__(self)
            self.touched = []

        def stat(self, path):
            if os.path.basename(path) in TOOLS:
                self.touched.append(path)
            return LiveHost.stat(self, path)

        def run(self, argv, env=None, cwd="/", timeout=10.0, input=None):
            self.touched.append(argv[0])
            return LiveHost.run(self, argv, env=env, cwd=cwd, timeout=timeout, input=input)

    class NoTools(LiveHost):
        def stat(self, path):
            if os.path.basename(path) in TOOLS:
                raise HostError("ENOENT", path, "stat")
            return LiveHost.stat(self, path)

    host = Watch()
    facts, _scan, explained = analyse(host, LOGS, use_tools=False)
    assert host.touched == [] and facts.tool_runs == {}
    without = analyse(NoTools(), LOGS, read_policy=False)[2]
    assert [[e.to_dict() for e in ex] for _d, ex in explained] == \
        [[e.to_dict() for e in ex] for _d, ex in without]
    run = run_gotriage(["avc", "--no-tools", LOGS[0]])
    assert run.returncode == 1 and "asked:" not in run.stdout


# -- seinfo: the policy's types confirm the types the fixes name --------------------------------
def test_seinfo_lists_the_real_policy_types():
    need(os.access(SEINFO, os.X_OK) and os.path.exists(POLICY),
         "setools (seinfo) and selinux-policy-default")
    out = subprocess.run([SEINFO, POLICY, "--flat", "-t"], stdout=subprocess.PIPE,
                         timeout=60).stdout.decode()
    types = parse_seinfo_names(out)
    assert types and {"bin_t", "http_port_t", "user_home_t", "init_t"} <= types
    assert len(types) == len([line for line in out.splitlines() if line.strip()])
    # the counted form (no --flat) and garbage are not a list of names
    counted = subprocess.run([SEINFO, POLICY, "-t", "bin_t"], stdout=subprocess.PIPE,
                             timeout=60).stdout.decode()
    assert "Types: 1" in counted and parse_seinfo_names(counted) is None
    assert parse_seinfo_names("what?\n") is None and parse_seinfo_names("") is None


def test_real_seinfo_confirms_the_types_of_the_fixes():
    need(os.access(SEINFO, os.X_OK) and os.path.exists(POLICY),
         "setools (seinfo) and selinux-policy-default")
    need("SELINUXTYPE=default" in (_file("/etc/selinux/config") or ""),
         "/etc/selinux/config naming the default (reference) policy")
    report = json.loads(run_gotriage(["avc", "--json", os.path.join(SEL, "go-8080.log")]).stdout)["avc"]
    # the policy file read by gotriage lists the types (issue 13), in place of seinfo
    assert report["policy_read"]["used"] is True and "seinfo" not in report.get("tools", {})
    (denial,) = report["denials"]
    assert not any(n.startswith("seinfo") for e in denial["explanations"] for n in e["notes"])


def test_a_type_the_policy_lacks_is_flagged():
    """A policy without http_port_t (seinfo's list): the port fix would fail, says so."""
    from gotriage.selinux.command import analyse

    class Policy(LiveHost):
        def stat(self, path):
            if os.path.basename(path) in ("audit2why", "matchpathcon"):
                raise HostError("ENOENT", path, "stat")
            return LiveHost.stat(self, path)

        def run(self, argv, env=None, cwd="/", timeout=10.0, input=None):
            if os.path.basename(argv[0]) == "seinfo":
                return CommandResult(argv, returncode=0, stdout=b"httpd_t\nhttp_cache_port_t\n")
            return LiveHost.run(self, argv, env=env, cwd=cwd, timeout=timeout, input=input)

    need(os.access(SEINFO, os.X_OK) and os.path.exists(POLICY),
         "setools (seinfo) and selinux-policy-default")
    _facts, _scan, explained = analyse(Policy(), [os.path.join(SEL, "bind_ports.log")],
                                       read_policy=False)
    (best_fix,) = [ex[0] for d, ex in explained if d.tclass == "tcp_socket"]
    assert best_fix.id == "SEL-AVC-PORT" and best_fix.confidence == "low"
    assert [a.render() for a in best_fix.fix] == ["semanage port -a -t http_port_t -p tcp 81"]
    assert any(n.startswith("seinfo: http_port_t is not a type of the loaded policy") for n in best_fix.notes)
