"""`gotriage fleet run` and the gotriage.triage collection (ansible/) with the real
ansible-core and ansible-runner (the fleet extra) on one inventory of 25 hosts:

- 20 through ansible_connection=local, each examining its own snapshot (--root; the
  fixtures of tests/data/snapshots copied with a hostname of its own);
- 2 over real ssh into a network namespace running sshd, whose Python is pyenv's 3.6
  (what EL7/EL8 have; current ansible-core runs no module there: the role uses none);
- one down (an address in that namespace's network where nothing answers), one that
  hangs (its interpreter answers the version probe, then sleeps), one without Python 3
  (collect.sh, its snapshot examined on the controller): each reported, none stopping
  the others.

Workstation only: ansible-core 2.17 needs Python 3.10 on the controller, so the module
is skipped under Python 3.6.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time

import pytest

from conftest import need

pytestmark = pytest.mark.skipif(sys.version_info < (3, 7), reason="workstation side: "
                                "ansible-core needs Python 3.10+")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SNAPSHOTS = os.path.join(ROOT, "tests", "data", "snapshots")
FIXTURES = ("el7-sudo-path", "el8-old-go", "el9-goroot-envfile")
PY36 = os.path.expanduser("~/.pyenv/versions/3.6.15/bin/python3")
LOCAL_HOSTS = 20
HUNG_TIMEOUT = 5

# The fake interpreter of the hung host: the role's version probe (`-c ...`) gets a real
# Python, gotriage's run never ends (a host stuck on a dead NFS mount, say).
SLEEPY_PYTHON = """#!/bin/sh
case "$1" in -c) exec %s "$@" ;; esac
exec sleep 3607
"""


def _have_fleet():
    try:
        import ansible_runner  # noqa: F401
    except ImportError:
        return False
    # ansible-playbook of the same venv (PyPI's ansible-core), which fleet run starts
    return os.access(os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), os.X_OK)


def _snapshot_copies(base, count):
    """count snapshots, fixture i % 3 with hostname fleet-host-NN; name -> (path, fixture)."""
    made = {}
    for i in range(count):
        fixture = FIXTURES[i % len(FIXTURES)]
        name = "fleet-host-%02d" % i
        path = os.path.join(base, name)
        shutil.copytree(os.path.join(SNAPSHOTS, fixture), path, symlinks=True)
        manifest = os.path.join(path, "gotriage-snapshot.json")
        with open(manifest) as f:
            data = json.load(f)
        data["hostname"] = name
        with open(manifest, "w") as f:
            json.dump(data, f, indent=1, sort_keys=True)
        made[name] = (path, fixture)
    return made


def _check_json(args):
    proc = subprocess.run([sys.executable, "-m", "gotriage", "check", "--json"] + args,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout.decode())


class SshNamespace(object):
    """sshd -D in a new network namespace, reached over a veth pair; a throwaway key."""

    def __init__(self, tmp):
        self.tmp = tmp
        tag = "%d" % (os.getpid() % 10000)
        self.ns = "gtfleet" + tag
        self.outer, self.inner = "gtfa" + tag, "gtfb" + tag
        octet = 100 + os.getpid() % 100
        self.net = "10.%d.77" % octet
        self.address, self.port = self.net + ".2", 2222
        self.down_address = self.net + ".9"
        self.proc = None

    def _ip(self, *args):
        subprocess.run(("ip",) + args, check=True, timeout=20)

    def start(self):
        self._ip("netns", "add", self.ns)
        self._ip("link", "add", self.outer, "type", "veth", "peer", "name", self.inner)
        self._ip("link", "set", self.inner, "netns", self.ns)
        self._ip("addr", "add", self.net + ".1/24", "dev", self.outer)
        self._ip("link", "set", self.outer, "up")
        self._ip("-n", self.ns, "addr", "add", self.address + "/24", "dev", self.inner)
        self._ip("-n", self.ns, "link", "set", self.inner, "up")
        self._ip("-n", self.ns, "link", "set", "lo", "up")
        for key_file in ("host_key", "id"):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                            os.path.join(self.tmp, key_file)], check=True, timeout=30)
        shutil.copy(os.path.join(self.tmp, "id.pub"), os.path.join(self.tmp, "authorized_keys"))
        config = os.path.join(self.tmp, "sshd_config")
        with open(config, "w") as f:
            f.write("Port %d\nListenAddress %s\nHostKey %s\nPidFile %s\n"
                    "AuthorizedKeysFile %s\nPermitRootLogin prohibit-password\n"
                    "PasswordAuthentication no\nKbdInteractiveAuthentication no\n"
                    "UsePAM no\nStrictModes no\nMaxStartups 100\nMaxSessions 100\n"
                    "Subsystem sftp internal-sftp\n" % (
                        self.port, self.address, os.path.join(self.tmp, "host_key"),
                        os.path.join(self.tmp, "sshd.pid"),
                        os.path.join(self.tmp, "authorized_keys")))
        # privilege separation directory: what the openssh-server package's unit makes
        os.makedirs("/run/sshd", 0o755, exist_ok=True)
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", self.ns, shutil.which("sshd", path="/usr/sbin:/usr/bin"),
             "-D", "-e", "-f", config],
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.tmp, "sshd.log"), "w"))
        deadline = time.time() + 15
        while time.time() < deadline:
            try:
                socket.create_connection((self.address, self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("sshd did not listen: %s" % open(
            os.path.join(self.tmp, "sshd.log")).read())

    def host_vars(self):
        return ("ansible_connection=ssh\nansible_user=root\nansible_port=%d\n"
                "ansible_ssh_private_key_file=%s\nansible_ssh_common_args='-o "
                "StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=5'"
                % (self.port, os.path.join(self.tmp, "id")))

    def stop(self):
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        subprocess.run(["ip", "link", "del", self.outer], stderr=subprocess.DEVNULL, timeout=20)
        subprocess.run(["ip", "netns", "del", self.ns], stderr=subprocess.DEVNULL, timeout=20)


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    need(_have_fleet(), "ansible-runner and ansible-core (pip install -e '.[fleet]')")
    for name in ("ip", "ssh", "ssh-keygen", "timeout", "base64"):
        need(shutil.which(name), "%s is missing" % name)
    need(os.path.exists("/usr/sbin/sshd"), "sshd is missing (openssh-server)")
    need(os.path.exists(PY36), "pyenv's Python 3.6.15 is missing")
    need(os.geteuid() == 0, "network namespaces need root")
    base = str(tmp_path_factory.mktemp("fleet"))
    snapshots = _snapshot_copies(os.path.join(base, "snapshots"), LOCAL_HOSTS + 2)
    sleepy = os.path.join(base, "sleepy-python")
    with open(sleepy, "w") as f:
        f.write(SLEEPY_PYTHON % sys.executable)
    os.chmod(sleepy, 0o755)
    ssh = SshNamespace(os.path.join(base, "ssh"))
    os.makedirs(ssh.tmp)
    ssh.start()
    try:
        lines = ["[local]"]
        names = sorted(snapshots)
        for name in names[:LOCAL_HOSTS]:
            lines.append("%s gotriage_args='[\"--root\", \"%s\"]'" % (name, snapshots[name][0]))
        lines.append("hung ansible_python_interpreter=%s gotriage_timeout=%d" % (
            sleepy, HUNG_TIMEOUT))
        lines.append("nopy gotriage_python_candidates='[\"/nonexistent/python3\"]' "
                     "gotriage_args='[\"--layer\", \"system\"]'")
        lines += ["[local:vars]", "ansible_connection=local", "[ssh]"]
        for name in names[LOCAL_HOSTS:]:
            lines.append("%s ansible_host=%s gotriage_args='[\"--root\", \"%s\"]'" % (
                name, ssh.address, snapshots[name][0]))
        lines.append("down ansible_host=%s" % ssh.down_address)
        lines += ["[ssh:vars]", ssh.host_vars(), "ansible_python_interpreter=%s" % PY36]
        inventory = os.path.join(base, "inventory.ini")
        with open(inventory, "w") as f:
            f.write("\n".join(lines) + "\n")
        out = os.path.join(base, "out")
        started = time.time()
        proc = subprocess.run(
            [sys.executable, "-m", "gotriage", "fleet", "run", "-i", inventory, "--forks", "8",
             "-o", out], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=900)
        elapsed = time.time() - started
        yield {"proc": proc, "out": out, "snapshots": snapshots, "elapsed": elapsed,
               "ssh": ssh, "names": names}
    finally:
        ssh.stop()


def _read(path):
    with open(path) as f:
        return json.load(f)


def test_every_host_reported_and_the_run_says_which_failed(fleet):
    proc = fleet["proc"]
    run = _read(os.path.join(fleet["out"], "run.json"))
    assert proc.returncode == 1, (proc.stderr.decode(), run)
    assert sorted(run["hosts"]) == sorted(fleet["names"] + ["down", "hung", "nopy"])
    statuses = {h: e["status"] for h, e in run["hosts"].items()}
    assert statuses.pop("down") == "down", run
    assert statuses.pop("hung") == "hung"
    assert set(statuses.values()) == {"ok"}, run
    text = proc.stdout.decode()
    assert "25 hosts, 2 without a report" in text


def test_each_local_and_ssh_host_report_is_its_own_snapshot(fleet):
    expected = {}
    for name, (path, fixture) in sorted(fleet["snapshots"].items()):
        report = _read(os.path.join(fleet["out"], name, "report.json"))
        assert report["host"]["hostname"] == name
        assert report["host"]["origin"] == path
        if fixture not in expected:
            expected[fixture] = _check_json(["--root", path])
        want = expected[fixture]
        assert [(r["id"], r["severity"]) for r in report["results"]] == \
            [(r["id"], r["severity"]) for r in want["results"]]
        assert report["summary"]["counts"] == want["summary"]["counts"]
    assert len({e["summary"]["worst"] for e in expected.values()}) > 1  # fixtures differ


def test_ssh_hosts_ran_gotriage_with_python36_over_real_ssh(fleet):
    # the sshd log shows the key logins; the reports' tool ran under 3.6 (zipapp source)
    log = open(os.path.join(fleet["ssh"].tmp, "sshd.log")).read()
    assert "Accepted publickey for root" in log
    run = _read(os.path.join(fleet["out"], "run.json"))
    for name in fleet["names"][LOCAL_HOSTS:]:
        assert os.path.isfile(os.path.join(fleet["out"], name, "report.json"))
        assert run["hosts"][name]["python"] == PY36, run["hosts"][name]
        assert run["hosts"][name]["path"] == "python"
    for name in fleet["names"][:LOCAL_HOSTS]:
        assert run["hosts"][name]["path"] == "python"
    assert run["hosts"]["nopy"]["path"] == "sh"


def test_down_and_hung_hosts_have_error_files_and_did_not_stop_the_rest(fleet):
    down = _read(os.path.join(fleet["out"], "down", "error.json"))
    assert down["status"] == "down" and down["host"] == "down"
    assert fleet["ssh"].down_address in down["message"] or "ssh" in down["message"].lower()
    hung = _read(os.path.join(fleet["out"], "hung", "error.json"))
    assert hung["status"] == "hung"
    assert hung.get("rc") == 124 or "time" in hung["message"].lower()
    assert not os.path.exists(os.path.join(fleet["out"], "hung", "report.json"))
    # the sleeper was cut at its timeout, not left behind
    left = subprocess.run(["pgrep", "-f", "^sleep 3607$"],
                          stdout=subprocess.PIPE, timeout=10).stdout.split()
    assert left == []


def test_host_without_python3_took_the_collect_sh_path(fleet):
    host = os.path.join(fleet["out"], "nopy")
    report = _read(os.path.join(host, "report.json"))
    assert report["host"]["hostname"] == socket.gethostname()
    assert report["host"]["source"] == "snapshot"
    import tarfile

    with tarfile.open(os.path.join(host, "snapshot.tar.gz")) as tar:
        manifest = [m for m in tar.getnames() if m.endswith("gotriage-snapshot.json")]
        assert manifest
        data = json.load(tar.extractfile(manifest[0]))
    assert "collect.sh" in json.dumps(data.get("tool"))
    assert {r["layer"] for r in report["results"]} == {"system"}


def test_usage_errors_are_one_line(tmp_path):
    need(_have_fleet(), "ansible-runner and ansible-core (pip install -e '.[fleet]')")
    proc = subprocess.run([sys.executable, "-m", "gotriage", "fleet", "run", "-i",
                           str(tmp_path / "missing.ini")],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.decode().strip().count("\n") == 0
    assert "no inventory" in proc.stderr.decode()


def test_role_facts_group_by_and_fail_on_errors_in_a_playbook(tmp_path):
    """ansible/playbooks/fail-on-errors.yml as a user runs it: the host whose report has
    errors fails, the one whose worst is a warning is in gotriage_warn for the next play."""
    need(_have_fleet(), "ansible-runner and ansible-core (pip install -e '.[fleet]')")
    collections = tmp_path / "collections" / "ansible_collections" / "gotriage"
    collections.mkdir(parents=True)
    os.symlink(os.path.join(ROOT, "ansible"), str(collections / "triage"))
    from gotriage.fleet.run import build_source_pyz

    pyz = build_source_pyz(str(tmp_path / "gotriage.pyz"))
    inventory = tmp_path / "inventory.ini"
    inventory.write_text(
        "with_errors gotriage_args='[\"--root\", \"%s\"]' ansible_connection=local\n"
        "with_warnings gotriage_args='[\"--root\", \"%s\"]' ansible_connection=local\n"
        % (os.path.join(SNAPSHOTS, "el9-goroot-envfile"), os.path.join(SNAPSHOTS, "el7-sudo-path")))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(tmp_path / "collections"),
               ANSIBLE_NOCOLOR="1", ANSIBLE_RETRY_FILES_ENABLED="0")
    proc = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", str(inventory),
         os.path.join(ROOT, "ansible", "playbooks", "fail-on-errors.yml"),
         "-e", "gotriage_pyz=" + pyz, "-e", "gotriage_dest=%s" % (tmp_path / "out")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, timeout=600)
    out = proc.stdout.decode()
    assert proc.returncode == 2, out  # a host failed
    errors = _read(str(tmp_path / "out" / "with_errors" / "report.json"))["summary"]["counts"]
    assert "gotriage found %d error(s) on with_errors" % errors["error"] in out
    # only the warning host reached the second play, through its group
    second = out[out.index("PLAY [hosts whose worst finding is a warning]"):]
    assert "ok: [with_warnings]" in second and "with_errors" not in second.split("PLAY RECAP")[0]
    warn = _read(str(tmp_path / "out" / "with_warnings" / "report.json"))["summary"]
    assert warn["worst"] == "warn"


def test_collect_brings_back_a_snapshot_check_reads(tmp_path):
    """--collect on one live host (--limit): the role's `collect -o` on the host, the
    archive back as base64, and a snapshot `check --root` reads as this host."""
    need(_have_fleet(), "ansible-runner and ansible-core (pip install -e '.[fleet]')")
    inventory = tmp_path / "inventory.ini"
    inventory.write_text("live ansible_connection=local\nother ansible_connection=local\n")
    out = str(tmp_path / "out")
    proc = subprocess.run(
        [sys.executable, "-m", "gotriage", "fleet", "run", "-i", str(inventory), "--limit",
         "live", "--collect", "--layer", "system", "-o", out, "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=900)
    assert proc.returncode == 0, proc.stderr.decode()
    run = json.loads(proc.stdout.decode())
    assert sorted(run["hosts"]) == ["live"]  # --limit
    assert run == _read(os.path.join(out, "run.json"))
    report = _read(os.path.join(out, "live", "report.json"))
    assert {r["layer"] for r in report["results"]} == {"system"}  # --layer
    snapshot = os.path.join(out, "live", "snapshot.tar.gz")
    assert oct(os.stat(snapshot).st_mode & 0o777) == "0o600"
    recorded = _check_json(["--root", snapshot, "--layer", "system"])
    assert recorded["host"]["hostname"] == socket.gethostname() == report["host"]["hostname"]
    assert [r["id"] for r in recorded["results"]] == [r["id"] for r in report["results"]]


STUB_SPEC = """Name:           el9-python3-stub
Version:        1
Release:        1
Summary:        EL9's interpreter and shell in the test's repository, owned without content
License:        Apache-2.0
BuildArch:      noarch

%description
Owns /usr/bin/python3 and /bin/sh as %ghost files: this machine's rpm database is empty,
so nothing else provides what the gotriage RPM requires; installing it writes nothing.

%install
mkdir -p %{buildroot}/usr/bin %{buildroot}/bin

%files
%ghost /usr/bin/python3
%ghost /bin/sh
"""
# the host's /etc, /usr, /var and /root (the rpm database: Debian's %_dbpath is
# /root/.rpmdb) as overlays in a private mount namespace: dnf installs for real, into the
# overlays' upper directories, and the host is left as it was
OVERLAID = r"""
set -e
mount --make-rprivate /
for d in etc usr var root; do
    mkdir -p "$TOP/up-$d" "$TOP/work-$d"
    mount -t overlay overlay -o "lowerdir=/$d,upperdir=$TOP/up-$d,workdir=$TOP/work-$d" "/$d"
done
mkdir -p /etc/yum.repos.d
printf '[internal]\nname=internal tools\nbaseurl=file://%s\ngpgcheck=0\n' "$REPO" \
    > /etc/yum.repos.d/gotriage-internal.repo
"$@"
"""


def test_role_installs_the_rpm_with_dnf_from_an_internal_repository(tmp_path):
    """gotriage_install_rpm: the role's own task runs the real dnf, which installs the EL9
    RPM (scripts/build-release) from a createrepo_c repository; the role then runs
    /usr/bin/gotriage from it, and its report is check --root's."""
    need(_have_fleet(), "ansible-runner and ansible-core (pip install -e '.[fleet]')")
    need(os.geteuid() == 0, "root, for overlays in a private mount namespace")
    for tool in ("dnf", "createrepo_c", "rpmbuild", "unshare"):
        need(shutil.which(tool), "%s (scripts/setup installs it)" % tool)
    need(not os.path.exists("/usr/bin/gotriage"), "no gotriage installed on this machine")
    repo = tmp_path / "repo"
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "build-release"), "-o",
                    str(repo), "--rhel", "9"], check=True, stdout=subprocess.PIPE, timeout=600)
    top = tmp_path / "stub"
    (top / "SPECS").mkdir(parents=True)
    (top / "SPECS" / "stub.spec").write_text(STUB_SPEC)
    subprocess.run(["rpmbuild", "-bb", "--define", "_topdir %s" % top,
                    str(top / "SPECS" / "stub.spec")], check=True, stdout=subprocess.PIPE,
                   stderr=subprocess.PIPE, timeout=120)
    for rpm in (top / "RPMS" / "noarch").iterdir():
        shutil.copy(str(rpm), str(repo))
    subprocess.run(["createrepo_c", "-q", str(repo)], check=True, timeout=120)
    collections = tmp_path / "collections" / "ansible_collections" / "gotriage"
    collections.mkdir(parents=True)
    os.symlink(os.path.join(ROOT, "ansible"), str(collections / "triage"))
    snapshot = os.path.join(SNAPSHOTS, "el8-old-go")
    inventory = tmp_path / "inventory.ini"
    inventory.write_text("rpmhost gotriage_args='[\"--root\", \"%s\"]' ansible_connection=local\n"
                         % snapshot)
    overlays = tmp_path / "overlays"
    overlays.mkdir()
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(tmp_path / "collections"),
               ANSIBLE_NOCOLOR="1", ANSIBLE_RETRY_FILES_ENABLED="0", TOP=str(overlays),
               REPO=str(repo))
    proc = subprocess.run(
        ["unshare", "-m", "sh", "-c", OVERLAID, "overlaid",
         os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", str(inventory),
         os.path.join(ROOT, "ansible", "playbooks", "run.yml"), "-e", "gotriage_install_rpm=true",
         "-e", "gotriage_dest=%s" % (tmp_path / "out")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, timeout=600)
    out = proc.stdout.decode()
    assert proc.returncode == 0, out
    assert "changed: [rpmhost]" in out.split("install the RPM")[1].split("TASK")[0], out
    # dnf installed it (into the overlays: the host has no gotriage), and the role ran it
    assert (overlays / "up-usr" / "bin" / "gotriage").exists()
    assert (overlays / "up-usr" / "share" / "gotriage" / "gotriage.pyz").exists()
    assert not os.path.exists("/usr/bin/gotriage")
    report = _read(str(tmp_path / "out" / "rpmhost" / "report.json"))
    expected = json.loads(subprocess.run(
        [sys.executable, "-m", "gotriage", "check", "--root", snapshot, "--json"],
        stdout=subprocess.PIPE, env=dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src")),
        timeout=300).stdout.decode())
    assert sorted((r["id"], r.get("subject")) for r in report["results"]) == \
        sorted((r["id"], r.get("subject")) for r in expected["results"])
