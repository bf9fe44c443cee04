"""The release artifacts of scripts/build-release: the zipapp with its SHA-256 and the
noarch RPM of packaging/rpm/gotriage.spec, built by the real rpmbuild for EL7, EL8, EL9
and EL10, read back with `rpm -qp`, installed with `rpm --root DIR --nodeps -i` into a
throwaway root and run from there (chroot, this machine's python3 and libraries
bind-mounted in a private mount namespace)."""

import hashlib
import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import need, workstation

pytestmark = workstation

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RELEASES = (7, 8, 9, 10)
INTERPRETER = {7: "/usr/bin/python3", 8: "/usr/libexec/platform-python",
               9: "/usr/bin/python3", 10: "/usr/bin/python3"}
SNAPSHOT = os.path.join(ROOT, "tests", "data", "snapshots", "el8-old-go")


def _rpm_q(path, *query):
    return subprocess.run(["rpm", "-qp"] + list(query) + [path], check=True,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          timeout=60).stdout.decode().split("\n")


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    need(shutil.which("rpmbuild"), "rpmbuild (Debian package rpm)")
    need(shutil.which("rpm"), "rpm")
    out = str(tmp_path_factory.mktemp("release"))
    argv = [sys.executable, os.path.join(ROOT, "scripts", "build-release"), "-o", out]
    for n in RELEASES:
        argv += ["--rhel", str(n)]
    subprocess.run(argv, check=True, stdout=subprocess.PIPE, timeout=900)
    rpms = {n: os.path.join(out, "gotriage-%s-1.el%d.noarch.rpm" % (_version(), n))
            for n in RELEASES}
    return {"dir": out, "pyz": os.path.join(out, "gotriage.pyz"), "rpms": rpms}


def _version():
    from gotriage import __version__

    return __version__


def test_sha256_file_is_the_zipapps(release):
    with open(release["pyz"] + ".sha256") as f:
        digest, name = f.read().split()
    with open(release["pyz"], "rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == digest
    assert name == "gotriage.pyz"
    proc = subprocess.run(["sha256sum", "-c", "gotriage.pyz.sha256"], cwd=release["dir"],
                          stdout=subprocess.PIPE, timeout=60)
    assert proc.returncode == 0


@pytest.mark.parametrize("rhel", RELEASES)
def test_each_release_requires_its_own_interpreter(release, rhel, tmp_path):
    requires = [r.strip() for r in _rpm_q(release["rpms"][rhel], "--requires") if r.strip()]
    assert INTERPRETER[rhel] in requires
    others = set(INTERPRETER.values()) - {INTERPRETER[rhel]}
    assert not others & set(requires), requires
    assert not [r for r in requires if "python3." in r or r.startswith("python(abi)")]
    # the launcher names the same interpreter
    root = str(tmp_path / "root")
    os.makedirs(root)
    subprocess.run(["rpm", "--root", root, "--nodeps", "-i", release["rpms"][rhel]],
                   check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    with open(os.path.join(root, "usr/bin/gotriage")) as f:
        launcher = f.read().splitlines()
    assert launcher[1].split()[:3] == ["exec", INTERPRETER[rhel],
                                       "/usr/share/gotriage/gotriage.pyz"]

def test_contents(release):
    files = set(f for f in _rpm_q(release["rpms"][9], "--list") if f)
    for path in ("/usr/bin/gotriage", "/usr/share/gotriage/gotriage.pyz",
                 "/usr/share/gotriage/collect.sh",
                 "/usr/share/bash-completion/completions/gotriage",
                 "/usr/share/zsh/site-functions/_gotriage",
                 "/usr/share/licenses/gotriage/LICENSE"):
        assert path in files, sorted(files)
    assert [f for f in files if f.startswith("/usr/share/man/man1/gotriage.1")]
    info = "\n".join(_rpm_q(release["rpms"][9], "--info"))
    assert "Architecture: noarch" in info


@pytest.fixture(scope="module")
def installed(release, tmp_path_factory):
    need(shutil.which("unshare") and shutil.which("chroot"), "unshare and chroot (util-linux, "
                                                             "coreutils)")
    need(os.geteuid() == 0, "chroot and mount need root")
    root = str(tmp_path_factory.mktemp("rpmroot"))
    subprocess.run(["rpm", "--root", root, "--nodeps", "-i", release["rpms"][9]], check=True,
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    shutil.copytree(SNAPSHOT, os.path.join(root, "snap"), symlinks=True)
    return root


def _in_chroot(root, *argv):
    """argv run by chroot into root, with this machine's /usr/lib, /usr/lib64, python3
    and sh bind-mounted in a private mount namespace (the root is what the RPM holds)."""
    for d in ("usr/lib", "usr/lib64", "dev"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    for link in ("bin", "lib", "lib64"):
        if not os.path.lexists(os.path.join(root, link)):
            os.symlink("usr/" + link, os.path.join(root, link))
    binds = [("/usr/lib", "usr/lib"), ("/usr/lib64", "usr/lib64"),
             (os.path.realpath("/usr/bin/python3"), "usr/bin/python3"),
             (os.path.realpath("/bin/sh"), "usr/bin/sh"), ("/dev/null", "dev/null")]
    script = ["set -e"]
    for source, target in binds:
        full = os.path.join(root, target)
        if not os.path.exists(full):
            open(full, "w").close()
        script.append("mount --bind %s %s" % (source, full))
    script.append('exec chroot "$0" "$@"')
    return subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                           "\n".join(script), root] + list(argv),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)


def test_installed_gotriage_runs_from_the_rpm_root(installed):
    proc = _in_chroot(installed, "/usr/bin/gotriage", "--version")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode().strip() == "gotriage " + _version()
    # the same report as this tree gives on the same snapshot
    proc = _in_chroot(installed, "/usr/bin/gotriage", "check", "--json", "--root", "/snap")
    assert proc.returncode in (0, 1), proc.stderr
    got = json.loads(proc.stdout.decode())
    want = json.loads(subprocess.run(
        [sys.executable, "-m", "gotriage", "check", "--json", "--root", SNAPSHOT],
        stdout=subprocess.PIPE, timeout=300).stdout.decode())
    assert [(r["id"], r["severity"]) for r in got["results"]] == \
        [(r["id"], r["severity"]) for r in want["results"]]


def test_installed_completions_and_man_page_are_gotriages(installed):
    with open(os.path.join(installed, "usr/share/bash-completion/completions/gotriage"),
              "rb") as f:
        bash = f.read()
    want = subprocess.run([sys.executable, "-m", "gotriage", "completion", "bash"],
                          stdout=subprocess.PIPE, timeout=60).stdout
    assert bash == want
    man = [n for n in os.listdir(os.path.join(installed, "usr/share/man/man1"))
           if n.startswith("gotriage.1")]
    assert man
