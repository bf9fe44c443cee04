"""`gotriage baseline lint` (docs/baseline.md, "Lint"): a baseline recorded by the real
`baseline init` (real git) from a hand-made snapshot, judged by the default rules and by
a team's rule file; each rule's violation is exactly its finding, and a recording that
keeps every rule is clean."""

import json
import os

import pytest

from cli_support import make_snapshot, run_cli, schema_errors

SAFE = {
    "/etc/profile.d/go.sh": "export PATH=$PATH:/usr/local/go/bin\n",
    "/etc/sudoers.d/go": 'Defaults secure_path="/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/go/bin"\n',
    "/etc/selinux/config": "SELINUX=enforcing\nSELINUXTYPE=targeted\n",
    "/etc/firewalld/firewalld.conf": "DefaultZone=public\n",
    "/etc/firewalld/zones/public.xml": '<?xml version="1.0" encoding="utf-8"?>\n<zone>\n'
                                       '  <service name="ssh"/>\n  <port port="8080" '
                                       'protocol="tcp"/>\n</zone>\n',
    "/etc/systemd/system/app.service": "[Service]\nExecStart=/opt/app/bin/app\nUser=app\n",
    "/etc/systemd/system/agent.service": "[Service]\nExecStart=/opt/agent\n",
    "/etc/systemd/system/agent.service.d/user.conf": "[Service]\nDynamicUser=yes\n",
    "/usr/local/go/VERSION": "go1.22.12\n",
    "/usr/local/go/bin/go": "#!/bin/sh\n",
    "/usr/local/go/pkg/tool/linux_amd64/compile": "#!/bin/sh\n",
}
RULES = """\
[lint]
format = 1
[rule goroot]
forbidden-under = /home /tmp
[rule secure-path]
go-bin = auto
[rule selinux]
modes = enforcing
[rule firewall]
zone = public
allowed-ports = 8080/tcp 9000-9100/tcp
[rule services]
root-allowed = backup
"""


def _repo(tmp_path, changes=(), name="host"):
    """A baseline recorded from SAFE with `changes` (None: the file is absent), by the
    built-in spec and a group for the units' drop-ins (which it does not record for a
    unit that runs no Go)."""
    from gotriage.baseline.spec import DEFAULT_SPEC

    files = dict(SAFE)
    files.update(changes)
    snapshot = make_snapshot(tmp_path / name, {k: v for k, v in files.items() if v is not None})
    repo = tmp_path / (name + "-repo")
    spec = tmp_path / (name + "-spec.ini")
    spec.write_text(DEFAULT_SPEC + "\n[group dropins]\npaths = /etc/systemd/system/"
                    "agent.service.d/*.conf\n  /etc/systemd/system/app.service.d/*.conf\n"
                    "optional = yes\n")
    done = run_cli(["baseline", "init", "--repo", str(repo), "--root", snapshot,
                    "--spec", str(spec)])
    assert done.returncode == 0, done.stderr
    return str(repo)


def lint(repo, *args):
    done = run_cli(["baseline", "lint", "--repo", repo, "--json"] + [str(a) for a in args])
    report = json.loads(done.stdout.decode())
    assert not schema_errors(report)
    problems = sorted((r["id"], r.get("subject")) for r in report["results"]
                      if r["severity"] != "ok")
    return done.returncode, problems, report


@pytest.fixture
def rules(tmp_path):
    path = tmp_path / "rules.ini"
    path.write_text(RULES)
    return str(path)


def test_a_recording_that_keeps_every_rule_is_clean(tmp_path, rules):
    repo = _repo(tmp_path)
    code, problems, report = lint(repo, "--rules", rules)
    assert (code, problems) == (0, [])
    oks = sorted(r["id"] for r in report["results"])
    assert oks == ["BASE-LINT-GOROOT", "BASE-LINT-PORT", "BASE-LINT-ROOT",
                   "BASE-LINT-SELINUX", "BASE-LINT-SUDO"]
    # the drift checks are not run by lint
    assert not [r for r in report["results"] if not r["id"].startswith("BASE-LINT")]


def test_each_violation_is_exactly_its_finding(tmp_path, rules):
    repo = _repo(tmp_path, {
        "/etc/profile.d/go.sh": "export GOROOT=/home/dev/go\n# GOROOT=/tmp/old (a comment)\n",
        "/etc/sudoers.d/go": 'Defaults secure_path="/sbin:/bin:/usr/sbin:/usr/bin"\n',
        "/etc/selinux/config": "SELINUX=permissive\nSELINUXTYPE=targeted\n",
        "/etc/firewalld/zones/public.xml": '<zone>\n  <port port="8080" protocol="tcp"/>\n'
                                           '  <port port="9050" protocol="tcp"/>\n'
                                           '  <port port="5432" protocol="tcp"/>\n</zone>\n',
        "/etc/systemd/system/db.service": "[Service]\nExecStart=/opt/db\nUser=root\n",
        "/etc/systemd/system/backup.service": "[Service]\nExecStart=/opt/backup\n",
        "/etc/systemd/system/agent.service.d/user.conf": "[Service]\nUser=agent\n",
        "/etc/systemd/system/app.service.d/zz-root.conf": "[Service]\nUser=\n",
    })
    code, problems, report = lint(repo, "--rules", rules)
    assert code == 1
    assert problems == [
        ("BASE-LINT-GOROOT-UNSAFE", "/home/dev/go@/etc/profile.d/go.sh:1"),
        ("BASE-LINT-PORT-UNLISTED", "5432/tcp"),
        ("BASE-LINT-ROOT-SERVICE", "app.service"),  # a drop-in's empty User= resets it
        ("BASE-LINT-ROOT-SERVICE", "db.service"),
        ("BASE-LINT-SELINUX-WEAK", "/etc/selinux/config"),
        ("BASE-LINT-SUDO-NO-GO", "/etc/sudoers.d/go"),
    ]
    sudo = [r for r in report["results"] if r["id"] == "BASE-LINT-SUDO-NO-GO"][0]
    edit = [a for a in sudo["fix"] if a["kind"] == "edit"][0]
    assert (edit["path"], edit["old"], edit["line"]) == (
        "/etc/sudoers.d/go", 'Defaults secure_path="/sbin:/bin:/usr/sbin:/usr/bin"',
        "Defaults    secure_path = /sbin:/bin:/usr/sbin:/usr/bin:/usr/local/go/bin")


def test_the_default_rules_allow_no_port_and_a_missing_section_is_not_evaluated(tmp_path):
    repo = _repo(tmp_path)
    code, problems, _ = lint(repo)
    assert (code, problems) == (1, [("BASE-LINT-PORT-UNLISTED", "8080/tcp")])
    only_selinux = tmp_path / "selinux.ini"
    only_selinux.write_text("[lint]\n[rule selinux]\nmodes = enforcing permissive\n")
    code, problems, report = lint(repo, "--rules", only_selinux)
    assert (code, problems) == (0, [])
    assert [r["id"] for r in report["results"]] == ["BASE-LINT-SELINUX"]


def test_a_go_install_under_tmp_and_the_packaged_go_through_usr_bin(tmp_path, rules):
    moved = {k: None for k in SAFE if k.startswith("/usr/local/go/")}
    moved.update({"/usr/lib/golang/VERSION": "go1.22.12\n", "/usr/lib/golang/bin/go": "x\n",
                  "/usr/lib/golang/pkg/tool/linux_amd64/compile": "x\n",
                  "/etc/sudoers.d/go": 'Defaults secure_path="/sbin:/bin:/usr/sbin:/usr/bin"\n'})
    code, problems, _ = lint(_repo(tmp_path, moved, "packaged"), "--rules", rules)
    assert (code, problems) == (0, []), "the golang package's go is /usr/bin/go"


def test_what_the_baseline_does_not_record_is_a_note_not_a_finding(tmp_path, rules):
    repo = _repo(tmp_path, {"/etc/sudoers.d/go": None, "/etc/selinux/config": None,
                            "/etc/firewalld/firewalld.conf": None,
                            "/etc/firewalld/zones/public.xml": None})
    code, problems, report = lint(repo, "--rules", rules)
    assert (code, problems) == (0, [])
    notes = " ".join(report["notes"])
    for rule in ("secure-path", "selinux", "firewall"):
        assert "[rule %s] not evaluated" % rule in notes, notes


@pytest.mark.parametrize("text,words", [
    ("[rule goroot]\n", "no [lint] section"),
    ("[lint]\nformat = 2\n", "newer than this gotriage"),
    ("[lint]\n[rule sshd]\n", "unknown section [rule sshd]"),
    ("[lint]\n[rule firewall]\nallowed-ports = 8080\n", "'8080' is not PORT/PROTOCOL"),
    ("[lint]\n[rule selinux]\nmodes = strict\n", "modes are enforcing"),
    ("[lint]\n[rule goroot]\nforbidden = /home\n", "unknown key forbidden"),
    ("[lint]\n[rule goroot]\nforbidden-under = home\n", "not an absolute path"),
])
def test_a_bad_rule_file_is_a_one_line_error(tmp_path, text, words):
    repo = _repo(tmp_path)
    path = tmp_path / "bad.ini"
    path.write_text(text)
    done = run_cli(["baseline", "lint", "--repo", repo, "--rules", str(path)])
    err = done.stderr.decode()
    assert done.returncode == 2 and words in err and len(err.strip().splitlines()) == 1, err


def test_lint_refuses_what_is_not_its_own(tmp_path):
    repo = _repo(tmp_path)
    for argv, words in ((["--root", "/"], "no --root"),):
        done = run_cli(["baseline", "lint", "--repo", repo] + argv)
        assert done.returncode == 2 and words in done.stderr.decode()
    done = run_cli(["baseline", "diff", "--repo", repo, "--rules", "x"])
    assert done.returncode == 2 and "--rules is an option of `baseline lint`" in \
        done.stderr.decode()
    done = run_cli(["baseline", "lint", "--repo", str(tmp_path / "none")])
    assert done.returncode == 2 and "no baseline at" in done.stderr.decode()


def test_the_doctor_view_says_what_was_judged(tmp_path):
    repo = _repo(tmp_path)
    done = run_cli(["baseline", "lint", "--repo", repo])
    out = done.stdout.decode()
    assert done.returncode == 1 and "BASE-LINT-PORT-UNLISTED" in out
    assert out.startswith("baseline lint: %s at commit " % repo), out
    assert "firewall-cmd --permanent --zone=public --remove-port=8080/tcp" in " ".join(
        out.split())


def test_the_pure_module_doctests():
    import doctest

    from gotriage.baseline import lint as module

    assert doctest.testmod(module).failed == 0
    assert os.path.basename(module.__file__) == "lint.py"
