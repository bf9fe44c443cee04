"""The system layer on real release files (tests/data/el), and the kernel minimum against
a real Go binary whose epoll_create1 fails as on an old kernel (strace fault injection)."""

import datetime
import os
import shutil
import subprocess

import pytest

from conftest import DATA, base_env, make_snapshot, need, run_go, run_gotriage, write_module
from gotriage.checks import system as system_checks
from gotriage.facts.system import SystemFacts
from gotriage.host.snapshot import open_snapshot

EL = os.path.join(DATA, "el")
TODAY = datetime.date(2026, 11, 27)


def release_files(release):
    """{absolute path: text} of a release directory under tests/data/el."""
    out = {}
    root = os.path.join(EL, release)
    for directory, _, names in os.walk(root):
        for name in names:
            path = os.path.join(directory, name)
            with open(path, "rb") as f:
                out["/" + os.path.relpath(path, root)] = f.read()
    return out


def facts_for(tmp_path, files, today=TODAY):
    snap = make_snapshot(tmp_path / "snap", files=files)
    return SystemFacts(open_snapshot(str(snap)), today=today)


def test_eol_centos8_dead_mirrors_get_the_vault_lines(tmp_path):
    files = release_files("centos-8.1.1911")
    files.update({p: t for p, t in release_files("centos-8.3plus").items() if p.endswith(".repo")})
    facts = facts_for(tmp_path, files)
    results = system_checks.distro(facts)
    ids = [r.id for r in results]
    assert "SYS-DISTRO-EOL" in ids
    dead = {r.subject.split(":")[1]: r for r in results if r.id == "SYS-DISTRO-DEAD-MIRROR"}
    assert sorted(dead) == ["appstream", "baseos", "extras"]
    base = dead["baseos"]
    assert base.severity == "error"
    edits = [a for a in base.fix if a.kind == "edit"]
    assert edits[0].old.startswith("mirrorlist=http://mirrorlist.centos.org/?release=$releasever")
    assert edits[0].line == "#" + edits[0].old
    assert edits[1].old == "#baseurl=http://mirror.centos.org/$contentdir/$releasever/BaseOS/$basearch/os/"
    assert edits[1].line == "baseurl=https://vault.centos.org/8.5.2111/BaseOS/$basearch/os/"
    assert base.fix[-1].argv == ["dnf", "clean", "all"]
    assert base.predicted_error.startswith("Could not retrieve mirrorlist http://mirrorlist.centos.org")


def test_eol_centos7_altarch_baseurl(tmp_path):
    files = release_files("centos-7.1.1503")
    files.update(release_files("centos-7-altarch"))
    results = system_checks.distro(facts_for(tmp_path, files))
    dead = [r for r in results if r.id == "SYS-DISTRO-DEAD-MIRROR"]
    assert dead
    base = [r for r in dead if r.subject.endswith(":base")][0]
    edit = [a for a in base.fix if a.kind == "edit"][0]
    assert edit.old == "baseurl=http://mirror.centos.org/altarch/$releasever/os/$basearch/"
    assert edit.line == "baseurl=https://vault.centos.org/altarch/7.9.2009/os/$basearch/"
    assert base.fix[-1].argv == ["yum", "clean", "all"]


def test_supported_release_with_vault_repos_is_clean(tmp_path):
    files = release_files("rocky-9.3")
    files.update({p: t for p, t in release_files("rocky-9.2-ciq-lts").items() if p.endswith(".repo")})
    results = system_checks.distro(facts_for(tmp_path, files))
    # Rocky 9.3 itself was replaced by 9.4 (an info: `dnf upgrade`); no dead mirror
    assert [r.id for r in results] == ["SYS-DISTRO-OLD-MINOR", "SYS-DISTRO"]
    assert results[0].severity == "info" and results[0].fix[0].argv == ["dnf", "upgrade"]


def test_before_eol_no_finding(tmp_path):
    facts = facts_for(tmp_path, release_files("centos-7.1.1503"), today=datetime.date(2024, 6, 30))
    assert [r.id for r in system_checks.distro(facts)] == ["SYS-DISTRO"]


# -- kernel -------------------------------------------------------------------------------
@pytest.mark.parametrize("kernel,version,too_old", [
    ("2.6.18-398.el5", "go1.22.12", True),     # EL5: older than 2.6.32
    ("2.6.32-754.el6.x86_64", "go1.23.4", False),
    ("2.6.32-754.el6.x86_64", "go1.24.1", True),  # Go 1.24 needs 3.2
    ("3.10.0-1160.el7.x86_64", "go1.27.3", False),
])
def test_kernel_against_go_minimum(tmp_path, kernel, version, too_old):
    snap = make_snapshot(tmp_path / "s", files={
        "/proc/sys/kernel/osrelease": kernel + "\n", "/usr/local/go/bin/go": "x",
        "/usr/local/go/VERSION": version + "\n", "/usr/local/go/pkg/tool/linux_amd64/compile": "x"},
        environ={"PATH": "/usr/local/go/bin:/usr/bin", "HOME": "/root"})
    run = run_gotriage(["check", "--json", "--layer", "system", "--root", str(snap)],
                       env={"PATH": "/usr/bin:/bin"})
    found = run.results("SYS-KERNEL-TOO-OLD")
    assert bool(found) is too_old, run.ids()


def test_kernel_older_than_every_go_release(tmp_path):
    """EL5's 2.6.18: no Go release runs there, so the fix is a newer kernel, not an older
    Go (issue 14)."""
    snap = make_snapshot(tmp_path / "s", files={
        "/proc/sys/kernel/osrelease": "2.6.18-398.el5\n", "/usr/local/go/bin/go": "x",
        "/usr/local/go/VERSION": "go1.22.12\n", "/usr/local/go/pkg/tool/linux_amd64/compile": "x"},
        environ={"PATH": "/usr/local/go/bin:/usr/bin", "HOME": "/root"})
    run = run_gotriage(["check", "--json", "--layer", "system", "--root", str(snap)],
                       env={"PATH": "/usr/bin:/bin"})
    [found] = run.results("SYS-KERNEL-TOO-OLD")
    texts = [a["description"] for a in found["fix"]]
    assert texts[0].startswith("no Go release supports Linux 2.6.18") and "EL6" in texts[1]


def test_epoll_enosys_message_is_what_go_prints(tmp_path, toolchains):
    """An old kernel has no epoll_create1: strace makes the call fail with ENOSYS (38) as
    such a kernel does, and the real Go runtime prints what gotriage predicts."""
    need(shutil.which("strace") is not None, "strace")
    t = toolchains["1.27"]
    project = write_module(tmp_path / "p", source=(
        'package main\n\nimport (\n\t"fmt"\n\t"net"\n)\n\n'
        'func main() { l, err := net.Listen("tcp", "127.0.0.1:0"); fmt.Println(l, err) }\n'))
    env = base_env(tmp_path, [t.bindir], CGO_ENABLED="0")
    code, out = run_go(t.go, ["build", "-o", str(tmp_path / "server"), "."], env, project)
    assert code == 0, out
    proc = subprocess.run(["strace", "-f", "-qq", "-o", os.devnull, "-e", "inject=epoll_create1:error=ENOSYS",
                           str(tmp_path / "server")], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          timeout=60)
    assert proc.returncode != 0
    from gotriage.knowledge.go_kernel import EPOLL_ENOSYS

    assert EPOLL_ENOSYS in proc.stdout.decode()


# -- modules ------------------------------------------------------------------------------
PROC_MODULES = ("nf_conntrack 188416 6 nft_ct,nf_nat,xt_conntrack, Live 0xffffffffc0a1c000\n"
                "nf_defrag_ipv6 24576 1 nf_conntrack, Live 0xffffffffc0a14000\n")


@pytest.mark.parametrize("files,expect", [
    ({"/proc/modules": PROC_MODULES}, "SYS-MODULES"),
    ({"/proc/modules": "xfs 1 0 - Live 0x0\n",
      "/lib/modules/5.14.0-362.el9.x86_64/modules.dep":
          "kernel/net/netfilter/nf_conntrack.ko.xz: kernel/net/ipv6/netfilter/nf_defrag_ipv6.ko.xz\n"},
     "SYS-MODULES"),
    ({"/proc/modules": "xfs 1 0 - Live 0x0\n",
      "/lib/modules/5.14.0-362.el9.x86_64/modules.builtin": "kernel/net/netfilter/nf_conntrack.ko\n"},
     "SYS-MODULES"),
    ({"/proc/modules": "xfs 1 0 - Live 0x0\n",
      "/lib/modules/5.14.0-362.el9.x86_64/modules.dep": "kernel/fs/xfs/xfs.ko.xz:\n"},
     "SYS-MODULES-MISSING"),
])
def test_nf_conntrack(tmp_path, files, expect):
    files = dict(files, **{"/proc/sys/kernel/osrelease": "5.14.0-362.el9.x86_64\n"})
    files.update(release_files("rocky-9.3"))
    results = system_checks.modules(facts_for(tmp_path, files))
    assert [r.id for r in results] == [expect]
    if expect == "SYS-MODULES-MISSING":
        assert results[0].fix[0].argv == ["dnf", "install", "-y",
                                          "kernel-modules-core-5.14.0-362.el9.x86_64"]


def test_merged_conntrack_modules_and_full_table(tmp_path):
    files = release_files("rocky-8.4")
    files.update({"/proc/modules": PROC_MODULES,
                  "/etc/modules-load.d/firewall.conf": "# old script\nnf_conntrack_ipv4\n",
                  "/proc/sys/net/netfilter/nf_conntrack_count": "240000\n",
                  "/proc/sys/net/netfilter/nf_conntrack_max": "262144\n"})
    results = {r.id: r for r in system_checks.modules(facts_for(tmp_path, files))}
    merged = results["SYS-MODULES-MERGED"]
    assert merged.fix[0].path == "/etc/modules-load.d/firewall.conf" and merged.fix[0].line == "nf_conntrack"
    assert "nf_conntrack_ipv4 not found" in merged.predicted_error
    full = results["SYS-MODULES-CONNTRACK-FULL"]
    assert full.severity == "warn" and "91%" in full.title


# -- limits -------------------------------------------------------------------------------
NPROC_CONF = ("# Default limit for number of user's processes to prevent\n"
              "# accidental fork bombs.\n# See rhbz #432903 for reasoning.\n\n"
              "*          soft    nproc     4096\nroot       soft    nproc     unlimited\n")


def test_limits_rules_and_session(tmp_path):
    files = {"/etc/security/limits.d/20-nproc.conf": NPROC_CONF,
             "/etc/security/limits.conf": "alice hard nofile 1024\nalice soft nproc 512\nbogus line\n",
             "/proc/self/limits": ("Limit                     Soft Limit           Hard Limit           Units\n"
                                   "Max processes             9                    99                   processes\n"
                                   "Max open files            1024                 4096                 files\n")}
    snap = make_snapshot(tmp_path / "s", files=files,
                         identity={"user": "alice", "uid": 1000, "gid": 1000, "home": "/home/alice"})
    facts = SystemFacts(open_snapshot(str(snap)), today=TODAY)
    results = {r.id: r for r in system_checks.limits(facts)}
    assert results["SYS-LIMITS-NOFILE"].evidence[0].source == "/etc/security/limits.conf"
    assert results["SYS-LIMITS-NOFILE"].predicted_error == "accept4: too many open files"
    # limits.d is read after limits.conf, but alice's own rule beats the '*' one.
    assert results["SYS-LIMITS-NPROC"].title == "nproc soft limit for alice is 512"
    assert results["SYS-LIMITS-BAD-LINE"].evidence[0].line == 3


def test_root_ignores_wildcard_limits(tmp_path):
    snap = make_snapshot(tmp_path / "s", files={"/etc/security/limits.d/20-nproc.conf": NPROC_CONF,
                                                "/etc/security/limits.conf": "* hard nofile 512\n"})
    facts = SystemFacts(open_snapshot(str(snap)), today=TODAY)
    ids = [r.id for r in system_checks.limits(facts)]
    assert "SYS-LIMITS-NOFILE" not in ids and "SYS-LIMITS-NPROC" not in ids


def test_go_install_for_another_arch_will_not_run(tmp_path, toolchains):
    """A Go install unpacked from the wrong tarball (linux-arm64 on x86_64): the system
    layer runs the binary analysis on its bin/go, and bash really fails as predicted."""
    t = toolchains["1.27"]
    project = write_module(tmp_path / "src")
    root = tmp_path / "go-arm64"
    (root / "bin").mkdir(parents=True)
    (root / "pkg" / "tool").mkdir(parents=True)
    (root / "VERSION").write_text(t.version + "\n")
    env = base_env(tmp_path, [t.bindir], GOARCH="arm64", CGO_ENABLED="0")
    code, out = run_go(t.go, ["build", "-o", str(root / "bin" / "go"), "."], env, project)
    assert code == 0, out
    real = subprocess.run(["/bin/bash", "-c", str(root / "bin" / "go")], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT).stdout.decode()
    run = run_gotriage(["check", "--json", "--layer", "system"],
                       env=base_env(tmp_path, [root / "bin"]))
    [f] = [r for r in run.results("SYS-GOBIN-WONT-RUN") if str(root) in r["title"]]
    assert f["severity"] == "error"
    if not os.path.exists("/proc/sys/fs/binfmt_misc/qemu-aarch64"):
        assert "Exec format error" in real
        assert f["predicted_error"] and f["predicted_error"].split(": ")[-1] in real
