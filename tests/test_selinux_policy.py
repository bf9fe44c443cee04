"""Against the real tools and Debian's reference policy (selinux-policy-default):
--raw-rules gives audit2allow's rule set on every shared log, every module gotriage
writes compiles with checkmodule/semodule_package, and the Go-service modules load into
a COPY of the policy store (semodule -p ALTROOT -n -i), the check that its types exist.

The one documented difference from `audit2allow -p POLICY`: audit2allow drops a denial
whose context is not valid in POLICY ("could not convert CTX to sid") or whose
permission the class lacks ("could not convert PERM to av bit") -- the log came from
another policy.  gotriage explains every denial of the log, so the comparison removes
exactly the denials audit2allow reported as invalid, from gotriage's JSON.  audit2allow
also splits one (source, target, class) over several lines when audit2why classes its
permissions differently (allowed / boolean / missing), so rules are compared one
permission at a time."""

import glob
import os
import re
import shutil
import subprocess

import pytest

from conftest import DATA, need, run_gotriage
from gotriage.host.live import LiveHost
from gotriage.selinux import logread
from gotriage.selinux.rules import parse_rules

SEL = os.path.join(DATA, "selinux")
STORE = "/var/lib/selinux/default"


def _policy():
    found = sorted(glob.glob("/etc/selinux/default/policy/policy.*"))
    return found[-1] if found else None


def _tool(name):
    return shutil.which(name, path="/usr/sbin:/usr/bin:/sbin:/bin")


def _need_tools(*names):
    missing = [n for n in names if not _tool(n)]
    need(not missing, "SELinux tools %s (apt: checkpolicy semodule-utils policycoreutils "
                      "policycoreutils-python-utils)" % missing)
    need(_policy(), "Debian's reference policy (apt: selinux-policy-default)")


LOGS = sorted(os.path.basename(p) for p in glob.glob(os.path.join(SEL, "*.log")) +
              glob.glob(os.path.join(SEL, "*.txt")))


@pytest.mark.parametrize("log", LOGS)
def test_raw_rules_are_audit2allows(log):
    _need_tools("audit2allow")
    path = os.path.join(SEL, log)
    proc = subprocess.run([_tool("audit2allow"), "-p", _policy(), "-i", path],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    out, err = proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")
    theirs = parse_rules(out)
    bad_ctx = set(re.findall(r"could not convert (\S+) to sid", err))
    bad_perm = set(re.findall(r"could not convert (\S+) to av bit", err))
    raw = run_gotriage(["avc", path, "--raw-rules"])
    assert raw.returncode in (0, 1), raw.stderr
    everything = parse_rules(raw.stdout)
    scan = logread.scan(LiveHost(), [path])
    assert scan.overflow == 0
    mine = {r for r in everything if r[0] == "role"}
    for d in scan.distinct():
        if d.scontext in bad_ctx or d.tcontext in bad_ctx or set(d.perms) & bad_perm:
            continue
        mine.update((d.stype, d.ttype, d.tclass, p) for p in d.perms)
    assert mine == theirs
    assert theirs <= everything


GO_CASES = ["go-socket-module.log", "go-service-denials.log"]


MODULE_LOGS = [name for name in LOGS if name.endswith(".log")]


def _module_expected(report):
    """What the log holds decides the module: the denials whose best explanation is the
    module (nothing narrower fixes them, or a port another service owns) and the
    directories a label fix records with `semanage fcontext -a -t TYPE PATTERN` (they
    become its .fc lines)."""
    chosen = [d for d in report["denials"] if d["explanations"][0].get("module")]
    assert all(d["explanations"][0]["id"] in ("SEL-AVC-MODULE", "SEL-AVC-PORT") for d in chosen)
    fc = [a["argv"][5] for d in report["denials"] for a in d["explanations"][0]["fix"]
          if (a.get("argv") or [])[:4] == ["semanage", "fcontext", "-a", "-t"]
          and a["argv"][4] != "TYPE"]
    return chosen, fc


def _type(context):
    return context.split(":")[2]


@pytest.mark.parametrize("log", MODULE_LOGS)
def test_every_module_compiles(log, tmp_path):
    """A module is written exactly when a denial needs one, holds each such denial's rule,
    and compiles; when none does, nothing is written and the output says so."""
    _need_tools("checkmodule", "semodule_package")
    path = os.path.join(SEL, log)
    run = run_gotriage(["avc", path, "--module", "gotriage_test", "--json"], cwd=str(tmp_path))
    assert run.returncode in (0, 1), run.stderr
    report = run.json["avc"]
    with open(path, "rb") as f:
        holds_denials = re.search(rb"avc: +denied", f.read()) is not None
    assert bool(report["denials"]) == holds_denials, log
    chosen, fc = _module_expected(report)
    te, fcfile = tmp_path / "gotriage_test.te", tmp_path / "gotriage_test.fc"
    assert report["module"]["denials"] == len(chosen)
    if not chosen:
        assert not te.exists() and not fcfile.exists() and report["module"]["files"] == []
        text = run_gotriage(["avc", path, "--module", "gotriage_test2"], cwd=str(tmp_path))
        assert ("Module gotriage_test2: not written, %s" % (
            "every denial has a narrower fix" if holds_denials else "the logs hold no denial")
            in text.stdout)
        assert not (tmp_path / "gotriage_test2.te").exists()
        return
    assert te.exists(), "%s needs a module for %d denials, none written" % (log, len(chosen))
    assert fcfile.exists() == bool(fc)
    rules = set(parse_rules(te.read_text()))
    for d in chosen:
        for perm in d["permissions"]:
            rule = (_type(d["scontext"]), _type(d["tcontext"]), d["tclass"], perm)
            assert rule in rules, (rule, sorted(rules))
    for pattern in fc:
        assert pattern in fcfile.read_text()
    _compile(tmp_path, "gotriage_test")


def test_some_logs_need_a_module_and_some_do_not():
    """The per-log module test exercises both outcomes (a suite where no log needs a
    module would compile nothing)."""
    _need_tools("checkmodule", "semodule_package")
    outcomes = set()
    for log in ("go-socket-module.log", "bind_ports.log"):
        run = run_gotriage(["avc", os.path.join(SEL, log), "--json"])
        outcomes.add(bool(_module_expected(run.json["avc"])[0]))
    assert outcomes == {True, False}


def _compile(directory, name):
    subprocess.run([_tool("checkmodule"), "-M", "-m", "-o", name + ".mod", name + ".te"],
                   cwd=str(directory), check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    cmd = [_tool("semodule_package"), "-o", name + ".pp", "-m", name + ".mod"]
    if (directory / (name + ".fc")).exists():
        cmd += ["-f", name + ".fc"]
    subprocess.run(cmd, cwd=str(directory), check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return directory / (name + ".pp")


def _altroot(tmp_path):
    need(os.path.isdir(STORE), "the reference policy's store %s" % STORE)
    alt = tmp_path / "altroot"
    shutil.copytree(STORE, str(alt / "var/lib/selinux/default"), symlinks=True)
    shutil.copytree("/etc/selinux", str(alt / "etc/selinux"), symlinks=True)
    return alt


def test_go_service_modules_load_into_a_copied_store(tmp_path):
    _need_tools("checkmodule", "semodule_package", "semodule")
    packages = []
    for number, log in enumerate(GO_CASES):
        work = tmp_path / ("case%d" % number)
        work.mkdir()
        name = "gotriage_go%d" % number
        # in a RHEL-like snapshot deny_execmem is already off, so the execmem denial
        # needs the module; on this live host the module holds the rules nothing narrower fixes
        run = run_gotriage(["avc", os.path.join(SEL, log), "--module", name], cwd=str(work))
        assert run.returncode == 1, run.stderr
        if (work / (name + ".te")).exists():
            packages.append(str(_compile(work, name)))
    from test_selinux_avc import _log, host_snapshot
    snap = host_snapshot(tmp_path, _log("go-socket-module.log") + _log("go-tmp-exec.log"))
    work = tmp_path / "rhel"
    work.mkdir()
    run = run_gotriage(["avc", "--root", str(snap), "--module", "gotriage_rhel"], cwd=str(work))
    assert "execmem" in (work / "gotriage_rhel.te").read_text()
    packages.append(str(_compile(work, "gotriage_rhel")))
    alt = _altroot(tmp_path)
    shim = os.path.join(SEL, "rhel-names-test-only.cil")
    proc = subprocess.run([_tool("semodule"), "-p", str(alt), "-n", "-i", shim] + packages,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
    assert proc.returncode == 0, proc.stdout.decode()
    listed = subprocess.run([_tool("semodule"), "-p", str(alt), "-l"], stdout=subprocess.PIPE,
                            timeout=120).stdout.decode()
    assert "gotriage_rhel" in listed.split()
    # the real store is untouched
    assert "gotriage_rhel" not in subprocess.run([_tool("semodule"), "-l"], stdout=subprocess.PIPE,
                                                 timeout=120).stdout.decode().split()


def test_a_module_with_an_unknown_type_does_not_load(tmp_path):
    """The load check is real: checkmodule accepts any type, the store refuses it."""
    _need_tools("checkmodule", "semodule_package", "semodule")
    (tmp_path / "gotriage_bad.te").write_text(
        "module gotriage_bad 1.0;\n\nrequire {\n\ttype no_such_type_t;\n\ttype var_t;\n"
        "\tclass file { read };\n}\n\nallow no_such_type_t var_t:file read;\n")
    pp = _compile(tmp_path, "gotriage_bad")
    alt = _altroot(tmp_path)
    proc = subprocess.run([_tool("semodule"), "-p", str(alt), "-n", "-i", str(pp)],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
    assert proc.returncode != 0
