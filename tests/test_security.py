"""The security layer (docs/security.md) against the real OpenSCAP.

Each state is this machine's real /etc with one change, seen only inside a mount
namespace the test makes (`unshare -m`, a copy of /etc bind-mounted over /etc): nothing
on the host changes.  In it, `oscap oval eval` evaluates the rule's OVAL definition from
Debian's SCAP content (ssg-debian11-oval.xml; `xccdf eval` would call every rule
notapplicable on Debian 12) with a variables file for its external values, and gotriage
judges the same files live and through a snapshot `collect` wrote there: the three must
agree on pass/fail for every rule both evaluate.

Where they differ by design (docs/security.md): Debian 11's content reads PermitRootLogin
in sshd_config alone, gotriage the first value sshd reads with the Include'd drop-ins;
so the sshd states here are those of sshd_config itself, and the drop-ins are the
cases' (tests/cases/sec-*).
"""

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, need
from gotriage.host.redact_shadow import redact_shadow
from gotriage.knowledge.scap_rules import CONTENT_COMMIT, RELEASES, RULES

OVAL = "/usr/share/xml/scap/ssg/content/ssg-debian11-oval.xml"
# rule -> the gotriage finding whose absence is the rule's pass
RULE_FINDING = {
    "sshd_disable_root_login": "SEC-SSH-ROOT-LOGIN",
    "no_empty_passwords": "SEC-EMPTY-PW-NULLOK",
    "no_empty_passwords_etc_shadow": "SEC-EMPTY-PW-ACCOUNT",
    "selinux_state": "SEC-SELINUX-NOT-ENFORCING",
}
VARIABLES = """<?xml version="1.0" encoding="UTF-8"?>
<oval_variables xmlns="http://oval.mitre.org/XMLSchema/oval-variables-5"
    xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5">
  <generator><oval:schema_version>5.11.2</oval:schema_version>
    <oval:timestamp>2026-12-07T00:00:00</oval:timestamp></generator>
  <variables>
    <variable id="oval:ssg-sshd_required:var:1" datatype="int" comment="unset"><value>0</value></variable>
    <variable id="oval:ssg-var_selinux_state:var:1" datatype="string" comment="selinux_state">
      <value>enforcing</value></variable>
  </variables>
</oval_variables>
"""
SYSTEM_AUTH = ("auth        required      pam_env.so\n"
               "auth        sufficient    pam_unix.so%s\n"
               "auth        required      pam_deny.so\n")
HASH = "$6$gotriagetest$Zm9yYmlkZGVuLWhhc2gtbXVzdC1uZXZlci1iZS1zdG9yZWQ"
SHADOW = "root:%s:19700:0:99999:7:::\nbin:*:19469:0:99999:7:::\n" % HASH
SSHD = "Include /etc/ssh/sshd_config.d/*.conf\n%s\nSubsystem sftp /usr/lib/openssh/sftp-server\n"

# name -> {file under /etc: content}
STATES = {
    "hardened": {"ssh/sshd_config": SSHD % "PermitRootLogin no",
                 "pam.d/system-auth": SYSTEM_AUTH % "", "pam.d/password-auth": SYSTEM_AUTH % "",
                 "shadow": SHADOW, "selinux/config": "SELINUX=enforcing\nSELINUXTYPE=targeted\n"},
    "root-yes": {"ssh/sshd_config": SSHD % "PermitRootLogin yes"},
    "root-unset": {"ssh/sshd_config": SSHD % "#PermitRootLogin prohibit-password"},
    "root-match-only": {"ssh/sshd_config": SSHD % "PermitRootLogin   no  # hardened"},
    "nullok": {"pam.d/system-auth": SYSTEM_AUTH % " nullok"},
    "nullok-commented": {"pam.d/password-auth": "#" + SYSTEM_AUTH % " nullok"},
    "empty-password": {"shadow": SHADOW + "builder::19700:0:99999:7:::\n"},
    "permissive": {"selinux/config": "SELINUX=permissive\nSELINUXTYPE=targeted\n"},
}


def _tools():
    need(shutil.which("oscap"), "oscap (openscap-scanner)")
    need(os.path.exists(OVAL), "Debian's SCAP content (ssg-debian)")
    need(shutil.which("unshare"), "unshare (util-linux)")
    need(os.geteuid() == 0, "root: a mount namespace over /etc")
    need(os.path.exists("/usr/sbin/sshd"), "sshd (openssh-server)")


def _in_namespace(etc, script, tmp):
    """Run `script` (sh) with `etc` bind-mounted over /etc in a new mount namespace."""
    wrapper = ("set -e; mount --make-rprivate /; mount --bind %s /etc; %s" % (etc, script))
    return subprocess.run(["unshare", "-m", "sh", "-c", wrapper], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=300, cwd=tmp)


def _state(tmp, name):
    etc = os.path.join(str(tmp), "etc-" + name)
    shutil.copytree("/etc", etc, symlinks=True)
    files = dict(STATES["hardened"])
    files.update(STATES[name])
    for rel, content in files.items():
        path = os.path.join(etc, rel)
        if not os.path.isdir(os.path.dirname(path)):
            os.makedirs(os.path.dirname(path))
        with open(path, "w") as f:
            f.write(content)
    os.chmod(os.path.join(etc, "shadow"), 0o640)
    return etc


def _gotriage(args):
    return "PYTHONPATH=%s %s -m gotriage %s" % (
        os.path.join(ROOT, "src"), sys.executable, args)


def _failed(report):
    return {r["id"] for r in report["results"] if r["severity"] != "ok"}


@pytest.mark.parametrize("state", sorted(STATES))
def test_gotriage_agrees_with_openscap(tmp_path, state):
    _tools()
    etc = _state(tmp_path, state)
    variables = tmp_path / "variables.xml"
    variables.write_text(VARIABLES)
    snapshot = tmp_path / "snapshot"
    # one definition per oscap run (`--id` takes one)
    script = "".join("oscap oval eval --id oval:ssg-%s:def:1 --variables %s %s >> oscap.out "
                     "2>> oscap.err || true; " % (rule, variables, OVAL)
                     for rule in sorted(RULE_FINDING))
    script += ("%s --json > live.json || true; %s > collect.out 2>&1; "
               % (_gotriage("check --layer security"),
                 _gotriage("collect --layer security --output %s" % snapshot)))
    done = _in_namespace(etc, script, str(tmp_path))
    assert done.returncode == 0, done.stderr.decode()
    oscap = dict(re.findall(r"Definition oval:ssg-(\S+):def:1: (\w+)",
                            (tmp_path / "oscap.out").read_text()))
    assert sorted(oscap) == sorted(RULE_FINDING), (tmp_path / "oscap.err").read_text()
    assert "gotriagetest" not in (tmp_path / "live.json").read_text()
    live = _failed(json.loads((tmp_path / "live.json").read_text()))
    replay = subprocess.run([sys.executable, "-m", "gotriage", "check", "--root", str(snapshot),
                             "--layer", "security", "--json"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, timeout=60,
                            env=dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src")))
    assert replay.stdout, (replay.stderr.decode(), (tmp_path / "collect.out").read_text())
    recorded = _failed(json.loads(replay.stdout.decode()))
    for rule, finding in sorted(RULE_FINDING.items()):
        assert oscap[rule] in ("true", "false"), (rule, oscap[rule])
        scap_pass = oscap[rule] == "true"
        assert (finding not in live) == scap_pass, (state, rule, oscap[rule], sorted(live))
        assert (finding not in recorded) == scap_pass, (state, rule, sorted(recorded))
    # the snapshot holds no hash: only whether each password is empty or locked
    stored = [os.path.join(top, name) for top, _dirs, names in os.walk(str(snapshot))
              for name in names if b"gotriagetest" in open(os.path.join(top, name), "rb").read()]
    assert stored == [], stored
    assert (snapshot / "files" / "etc" / "shadow").exists()


def test_states_differ_where_they_should():
    """The states are not all alike: each changes a rule's verdict from the hardened one
    (so that the agreement above is not agreement on one answer)."""
    changed = {name: files for name, files in STATES.items() if name != "hardened"}
    assert len(changed) >= 7 and all(changed.values())


def test_shadow_redaction_keeps_only_the_state():
    out = redact_shadow(SHADOW.encode() + b"guest::1::::::\nlocked:!" + HASH.encode() + b":1:::")
    assert HASH.encode() not in out
    assert out.split(b"\n")[0].startswith(b"root:<hash>:")
    assert b"guest::1::::::" in out and b"locked:!<hash>:1:::" in out


def test_scap_rules_table_in_the_docs():
    """docs/security.md's table is the data's: each rule with its CCE for every release."""
    with open(os.path.join(ROOT, "docs", "security.md")) as f:
        doc = f.read()
    assert CONTENT_COMMIT in doc
    for rule in RULES:
        row = "| `%s` | %s |" % (rule.id, " | ".join(rule.cce.get(el, "-") for el in RELEASES))
        assert row in doc, row


DS = "/usr/share/xml/scap/ssg/content/ssg-debian11-ds.xml"
SCAN_RULES = ("no_empty_passwords", "no_empty_passwords_etc_shadow", "selinux_state",
              "sshd_disable_root_login", "package_aide_installed")


def test_scap_results_from_a_real_arf(tmp_path):
    """`check --scap-results` with an ARF report oscap writes: `xccdf eval` over a copy of
    /etc (OSCAP_PROBE_ROOT: Debian's content then sees Debian 11, its platform) in the
    state the same copy shows gotriage in a mount namespace.  The rules both evaluate
    agree; the failed rule gotriage does not evaluate is shown as OpenSCAP's; a truncated
    report is a one-line error."""
    _tools()
    need(os.path.exists(DS), "Debian's SCAP data stream (ssg-debian)")
    need(not os.path.exists("/usr/bin/aide"), "aide not installed: package_aide_installed fails")
    etc = _state(tmp_path, "nullok")
    with open(os.path.join(etc, "debian_version"), "w") as f:
        f.write("11.9\n")
    probe_root = tmp_path / "probe-root"
    os.makedirs(str(probe_root / "var" / "lib"))
    os.symlink(etc, str(probe_root / "etc"))
    os.symlink("/var/lib/dpkg", str(probe_root / "var" / "lib" / "dpkg"))
    arf = tmp_path / "arf.xml"
    argv = ["oscap", "xccdf", "eval", "--results-arf", str(arf)]
    for rule in SCAN_RULES:
        argv += ["--rule", "xccdf_org.ssgproject.content_rule_" + rule]
    scan = subprocess.run(argv + [DS], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=dict(os.environ, OSCAP_PROBE_ROOT=str(probe_root)), timeout=300)
    assert arf.exists(), scan.stderr.decode()
    printed = dict(re.findall(r"Rule\s+xccdf_org\.ssgproject\.content_rule_(\S+)\nResult\s+(\w+)",
                              scan.stdout.decode()))
    assert printed["no_empty_passwords"] == "fail" and printed["package_aide_installed"] == "fail"
    script = "%s --json --scap-results %s > live.json || true" % (
        _gotriage("check --layer security"), arf)
    done = _in_namespace(etc, script, str(tmp_path))
    assert done.returncode == 0, done.stderr.decode()
    results = json.loads((tmp_path / "live.json").read_text())["results"]
    by_id = {}
    for result in results:
        by_id.setdefault(result["id"], []).append(result)
    assert "SEC-SCAP-DISAGREES" not in by_id, by_id["SEC-SCAP-DISAGREES"]
    assert [r["title"] for r in by_id["SEC-SCAP-FAILED"]] == [
        "from OpenSCAP: package_aide_installed fail (Install AIDE)"]
    assert "SEC-EMPTY-PW-NULLOK" in by_id
    failed = sorted(rule for rule, result in printed.items() if result == "fail")
    assert by_id["SEC-SCAP"][0]["title"].startswith(
        "OpenSCAP's results: %d rule(s) failed" % len(failed))

    truncated = tmp_path / "truncated.xml"
    truncated.write_bytes(arf.read_bytes()[:200000])
    run = subprocess.run([sys.executable, "-m", "gotriage", "check", "--layer", "security",
                          "--scap-results", str(truncated)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, timeout=60,
                         env=dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src")))
    lines = run.stderr.decode().splitlines()
    assert run.returncode == 2 and len(lines) == 1 and "truncated or damaged" in lines[0], lines
    assert run.stdout == b""


WALK_SCRIPT = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
from gotriage.facts.security import SecurityFacts
from gotriage.facts.service import ServiceFacts
from gotriage.facts.system import SystemFacts
from gotriage.facts.toolchain import ToolchainFacts
from gotriage.host.live import LiveHost

host, made, options = LiveHost(), {}, {}
CLASSES = {"toolchain": ToolchainFacts, "service": ServiceFacts, "system": SystemFacts}


def facts_of(name):
    if name not in made:
        made[name] = CLASSES[name].from_options(host, options)
    return made[name]


options["facts_of"] = facts_of
facts = SecurityFacts.from_options(host, options)
print(json.dumps([[root, recursive] for root, recursive, _why in facts.walk_roots]))
"""


def test_world_writable_walk_finds_what_find_finds(tmp_path):
    """The walk against find(1) over the same directories, with a world-writable file and
    directory made inside a real GOROOT (a tmpfs over one of its directories, in a mount
    namespace the test makes: the host's GOROOT does not change)."""
    need(shutil.which("unshare"), "unshare (util-linux)")
    need(shutil.which("find"), "find (findutils)")
    need(os.geteuid() == 0, "root: a mount namespace")
    script = tmp_path / "roots.py"
    script.write_text(WALK_SCRIPT)
    roots = json.loads(subprocess.run([sys.executable, str(script), os.path.join(ROOT, "src")],
                                      stdout=subprocess.PIPE, check=True,
                                      timeout=120).stdout.decode())
    # a real directory (not a link: Debian's GOROOT links most of its tree into
    # /usr/share, and neither find nor the walk follows a link) of a GOROOT; not bin/,
    # without whose go the install is not one
    dirs = [os.path.join(root, name) for root, recursive in roots if recursive
            for name in sorted(os.listdir(root))
            if name != "bin" and os.path.isdir(os.path.join(root, name)) and
            not os.path.islink(os.path.join(root, name))]
    need(dirs, "a Go install with a directory of its own")
    misc = dirs[0]
    inside = ("mount -t tmpfs none {misc}; mkdir {misc}/shared; chmod 0777 {misc}/shared; "
              "touch {misc}/shared/gen.go {misc}/ok.go; chmod 0666 {misc}/shared/gen.go; "
              "mkdir {misc}/tmp; chmod 1777 {misc}/tmp; ln -s /tmp {misc}/link; "
              "%s --json > live.json || true; " % _gotriage("check --layer security")
              ).format(misc=misc)
    for root, recursive in roots:
        inside += ("find %s -mindepth 1 %s ! -type l -perm -0002 ! \\( -type d -perm -1000 \\) "
                   ">> find.out 2>/dev/null || true; " % (root, "" if recursive else "-maxdepth 1"))
    done = subprocess.run(["unshare", "-m", "sh", "-c", "mount --make-rprivate /; " + inside],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300,
                          cwd=str(tmp_path))
    assert done.returncode == 0, done.stderr.decode()
    found_by_find = set((tmp_path / "find.out").read_text().split())
    assert {misc + "/shared", misc + "/shared/gen.go"} <= found_by_find
    results = json.loads((tmp_path / "live.json").read_text())["results"]
    walked = [r for r in results if r["id"].startswith("SEC-WORLD-WRITABLE")]
    assert walked and walked[0]["id"] == "SEC-WORLD-WRITABLE-FILE", walked
    shown = {e["text"].split()[0] for e in walked[0]["evidence"]}
    assert shown == found_by_find, (shown, found_by_find)
    assert [a["argv"] for a in walked[0]["fix"]] == [["chmod", "o-w", p] for p in sorted(
        shown, key=[e["text"].split()[0] for e in walked[0]["evidence"]].index)]


def test_a_damaged_results_file_is_a_results_error_only():
    """Every truncation of a real TestResult, and bytes flipped in it, give ScanResults or
    ResultsError (the one-line error), never another exception."""
    from gotriage.parsers.xccdf_results import ResultsError, parse_xccdf_results

    with open(os.path.join(ROOT, "tests", "data", "scap", "debian11-testresult.xml"), "rb") as f:
        whole = f.read()
    assert len(parse_xccdf_results(whole).results) == 6
    variants = [whole[:cut] for cut in range(0, len(whole), 7)]
    variants += [whole[:at] + bytes([whole[at] ^ 0x5A]) + whole[at + 1:]
                 for at in range(0, len(whole), 13)]
    variants += [b"<!DOCTYPE x [<!ENTITY a 'aaaa'>]>" + whole, b"\xff\xfe" + whole, b""]
    errors = 0
    for data in variants:
        try:
            parse_xccdf_results(data)
        except ResultsError as exc:
            errors += 1
            assert "\n" not in str(exc)
    assert errors > len(variants) // 2


# sshd_config and its drop-ins -> what the real sshd resolves PermitRootLogin to
INCLUDE = "Include /etc/ssh/sshd_config.d/*.conf\n"
SSHD_STATES = {
    "dropin-first": (INCLUDE + "PermitRootLogin yes\n", {"01-root.conf": "PermitRootLogin no\n"}),
    "main-first": ("PermitRootLogin no\n" + INCLUDE, {"50-cloud.conf": "PermitRootLogin yes\n"}),
    "dropin-yes": (INCLUDE + "PermitRootLogin no\n", {"50-cloud.conf": "PermitRootLogin yes\n"}),
    "dropins-sorted": (INCLUDE, {"20-b.conf": "PermitRootLogin no\n",
                                 "10-a.conf": "PermitRootLogin yes\n"}),
    "match-only": (INCLUDE + "Match User admin\n    PermitRootLogin no\n", {}),
    "equals-and-case": ("permitrootlogin=no\n" + INCLUDE, {}),
    "relative-include": ("Include sshd_config.d/*.conf\nPermitRootLogin yes\n",
                         {"00-root.conf": "PermitRootLogin no\n"}),
    "nested-include": (INCLUDE, {"05-outer.conf": "Include /etc/ssh/inner.d/*.conf\n"},
                       {"inner.d/x.conf": "PermitRootLogin no\n"}),
    "not-conf": (INCLUDE + "PermitRootLogin yes\n", {"01-root.conf.rpmsave": "PermitRootLogin no\n"}),
}


@pytest.mark.parametrize("state", sorted(SSHD_STATES))
def test_permitrootlogin_is_what_sshd_resolves(tmp_path, state):
    """gotriage's PermitRootLogin against the real sshd's `sshd -T` (OpenSSH 9.2) on the
    same files, in a mount namespace over a copy of /etc."""
    _tools()
    main, dropins = SSHD_STATES[state][:2]
    others = SSHD_STATES[state][2] if len(SSHD_STATES[state]) > 2 else {}
    etc = str(tmp_path / "etc")
    shutil.copytree("/etc", etc, symlinks=True)
    ssh = os.path.join(etc, "ssh")
    shutil.rmtree(os.path.join(ssh, "sshd_config.d"))
    os.makedirs(os.path.join(ssh, "sshd_config.d"))
    for rel, text in [("sshd_config", main)] + [
            ("sshd_config.d/" + name, body) for name, body in dropins.items()] + list(
            others.items()):
        path = os.path.join(ssh, rel)
        if not os.path.isdir(os.path.dirname(path)):
            os.makedirs(os.path.dirname(path))
        with open(path, "w") as f:
            f.write(text)
    script = ("mount -t tmpfs none /run; mkdir -m 0755 /run/sshd; "
              "/usr/sbin/sshd -T -f /etc/ssh/sshd_config >> sshd.out 2> sshd.err || true; "
              "%s --json > live.json || true" % _gotriage("check --layer security"))
    done = _in_namespace(etc, script, str(tmp_path))
    assert done.returncode == 0, done.stderr.decode()
    resolved = re.search(r"^permitrootlogin (\S+)$", (tmp_path / "sshd.out").read_text(), re.M)
    assert resolved, (tmp_path / "sshd.err").read_text()
    results = json.loads((tmp_path / "live.json").read_text())["results"]
    ssh_results = [r for r in results if r["id"].startswith("SEC-SSH-ROOT")]
    assert len(ssh_results) == 1, ssh_results
    if resolved.group(1) == "no":
        assert ssh_results[0]["id"] == "SEC-SSH-ROOT", (state, ssh_results)
    else:
        assert ssh_results[0]["id"] == "SEC-SSH-ROOT-LOGIN", (state, resolved.group(1))
        title = ssh_results[0]["title"]
        assert ("PermitRootLogin %s" % resolved.group(1)) in title or (
            "not set" in title and resolved.group(1) == "without-password"), (state, title)
        # the fix, applied to the same files, makes sshd refuse root
        _apply_edits(etc, ssh_results[0]["fix"])
        (tmp_path / "live.json").unlink()
        done = _in_namespace(etc, script, str(tmp_path))
        assert done.returncode == 0, done.stderr.decode()
        fixed = re.findall(r"^permitrootlogin (\S+)$", (tmp_path / "sshd.out").read_text(), re.M)
        assert fixed[-1] == "no", (state, ssh_results[0]["fix"])
        after = [r["id"] for r in json.loads((tmp_path / "live.json").read_text())["results"]
                 if r["id"].startswith("SEC-SSH-ROOT")]
        assert after == ["SEC-SSH-ROOT"], after


def _apply_edits(etc, actions):
    """Apply a finding's file edits to a copy of /etc, as a user would: replace the old
    line, or add the line (at the top of an existing file: "above any Match block")."""
    edits = [a for a in actions if a["kind"] == "edit"]
    assert edits, actions
    for action in edits:
        path = os.path.join(etc, action["path"][len("/etc/"):])
        text = open(path).read() if os.path.exists(path) else ""
        if action.get("old"):
            assert action["old"] in text.splitlines(), (action, text)
            lines = [action["line"] if line == action["old"] else line
                     for line in text.splitlines()]
            text = "\n".join(lines) + "\n"
        else:
            text = action["line"] + "\n" + text
        with open(path, "w") as f:
            f.write(text)


def test_every_edit_replaces_a_line_the_file_has():
    """On every security case, each printed edit's old line is a line of the file it names,
    as written (so that `replace the line X` can be followed)."""
    cases = os.path.join(ROOT, "tests", "cases")
    edits = 0
    for name in sorted(os.listdir(cases)):
        snapshot = os.path.join(cases, name, "snapshot")
        if not name.startswith("sec-") or not os.path.isdir(snapshot):
            continue
        run = subprocess.run([sys.executable, "-m", "gotriage", "check", "--root", snapshot,
                              "--layer", "security", "--json"], stdout=subprocess.PIPE,
                             env=dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src")),
                             timeout=120)
        for result in json.loads(run.stdout.decode())["results"]:
            for action in result.get("fix", []):
                if action["kind"] != "edit" or not action.get("old"):
                    continue
                with open(os.path.join(snapshot, "files", action["path"].lstrip("/"))) as f:
                    lines = [line.strip() for line in f.read().splitlines()]
                assert action["old"] in lines, (name, result["id"], action)
                edits += 1
    assert edits >= 7
