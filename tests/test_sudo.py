"""The sudo context, against real sudo and real sudoers files.

gotriage never runs sudo: it predicts sudo's environment from /etc/sudoers.  Here the
prediction is compared with what the real sudo (Debian's 1.9) gives a command, and the
parser is run on the EL10 and Fedora 40 sudoers shipped by their sudo packages.
"""

import os
import shutil
import subprocess

import pytest

from conftest import DATA, base_env, need, run_go, run_gotriage, write_module
from gotriage.parsers.sudoers import effective_policy, parse_sudoers, sudo_environment

DROPIN = "/etc/sudoers.d/zz-gotriage-test"


def _real_sudo_env(env):
    proc = subprocess.run(["sudo", "-n", "/usr/bin/env"], env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=30)
    assert proc.returncode == 0, proc.stderr
    return dict(line.split("=", 1) for line in proc.stdout.decode().splitlines() if "=" in line)


@pytest.fixture
def real_sudo():
    need(shutil.which("sudo") is not None and os.path.exists("/etc/sudoers"),
         "sudo (apt-get install sudo)")
    need(os.getuid() == 0, "root, to run sudo without a password")


def test_predicted_sudo_environment_is_what_sudo_gives(tmp_path, real_sudo, toolchains):
    home = tmp_path / "home"
    home.mkdir()
    env = base_env(home, [toolchains["1.27"].bindir], GOPATH=tmp_path / "gopath",
                   GOFLAGS="-mod=mod", LANG="C.UTF-8")
    real = _real_sudo_env(env)
    run = run_gotriage(["check", "--json", "--project", str(tmp_path)], env=env)
    [ctx] = [c for c in run.json["contexts"] if c["name"] == "sudo"]
    assert ctx["path"] == real["PATH"]
    # env_reset drops what env_keep does not list: GOPATH and GOFLAGS are gone under sudo.
    assert "GOPATH" not in real and "GOFLAGS" not in real


def test_sudo_runs_another_go_than_the_shell(tmp_path, real_sudo, toolchains):
    t27 = toolchains["1.27"]
    home = tmp_path / "home"
    home.mkdir()
    project = write_module(tmp_path / "p")
    env = base_env(home, [t27.bindir])
    real = subprocess.run(["sudo", "-n", "go", "version"], env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT).stdout.decode()
    shell = run_go(t27.go, ["version"], env, project)[1]
    assert real != shell  # the real sudo finds Debian's /usr/bin/go (1.19)
    run = run_gotriage(["check", "--json", "--project", str(project)], env=env)
    [f] = run.results("GO-PATH-DIFFERS", context="sudo")
    assert real.split()[2] in f["title"] and t27.version in f["title"]
    edit = f["fix"][0]
    assert edit["kind"] == "edit" and edit["path"] == "/etc/sudoers"
    assert edit["line"].startswith("Defaults    secure_path = %s:" % t27.bindir)


def test_go_not_on_sudo_secure_path(tmp_path, real_sudo, toolchains):
    """A secure_path without any go, set by a drop-in that the test removes again."""
    home = tmp_path / "home"
    home.mkdir()
    project = write_module(tmp_path / "p")
    env = base_env(home, [toolchains["1.27"].bindir])
    dropin = 'Defaults secure_path="/usr/local/sbin:/usr/sbin:/sbin"\n'
    assert not os.path.exists(DROPIN)
    with open(DROPIN, "w") as f:
        f.write(dropin)
    os.chmod(DROPIN, 0o440)
    try:
        check = subprocess.run(["visudo", "-cf", DROPIN], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        assert check.returncode == 0, check.stdout
        real = subprocess.run(["sudo", "-n", "go", "version"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT).stdout.decode()
        run = run_gotriage(["check", "--json", "--project", str(project)], env=env)
    finally:
        os.unlink(DROPIN)
    assert "sudo: go: command not found" in real
    [f] = run.results("GO-PATH-NOT-FOUND", context="sudo")
    assert f["severity"] == "warn"
    assert f["predicted_error"] in real
    assert any(e.get("source") == DROPIN and e.get("line") == 1 for e in f["evidence"])
    edit = f["fix"][0]
    assert edit["path"] == DROPIN and edit["old"] == dropin.strip()
    assert edit["line"].endswith(":%s" % toolchains["1.27"].bindir)


@pytest.mark.parametrize("release,secure_path,keeps", [
    ("rhel-10.0", "/sbin:/bin:/usr/sbin:/usr/bin", "LC_ALL"),
    ("fedora-40", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/var/lib/snapd/snap/bin",
     "LC_ALL"),
])
def test_el_sudoers(release, secure_path, keeps):
    with open(os.path.join(DATA, "el", release, "etc", "sudoers")) as f:
        sudoers = parse_sudoers(f.read())
    policy = effective_policy(sudoers, "alice")
    assert policy.env_reset is True
    assert policy.secure_path == secure_path
    assert keeps in policy.env_keep
    assert ("includedir", "/etc/sudoers.d") in [(k, p) for k, p, _, _ in sudoers.includes]
    env = sudo_environment(policy, {"PATH": "/home/alice/bin:/usr/local/go/bin", "GOPATH": "/x",
                                    "LC_ALL": "C", "HOME": "/home/alice"})
    assert env["PATH"] == secure_path and "GOPATH" not in env
    assert env["HOME"] == "/root" and env["LC_ALL"] == "C"


def test_sudoers_details():
    text = ('Defaults env_reset, secure_path="/a:/b"\n'
            'Defaults:alice !env_reset\n'
            'Defaults env_keep += "GOPATH \\\n  GOFLAGS"\n'
            '#includedir /etc/sudoers.d\n')
    sudoers = parse_sudoers(text)
    alice = effective_policy(sudoers, "alice")
    bob = effective_policy(sudoers, "bob")
    assert alice.env_reset is False and bob.env_reset is True
    assert bob.env_keep == ["GOPATH", "GOFLAGS"]
    assert sudo_environment(bob, {"GOPATH": "/g", "GOROOT": "/r"})["GOPATH"] == "/g"
    assert "GOROOT" not in sudo_environment(bob, {"GOPATH": "/g", "GOROOT": "/r"})
    assert sudo_environment(alice, {"GOROOT": "/r", "PATH": "/x"}) == {"GOROOT": "/r", "PATH": "/a:/b"}
