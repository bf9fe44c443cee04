"""Repository keys after a key rotation (issue 14), against real dnf 4.14 (librepo 1.14,
gpgme), real rpm 4.18 and real gpg: a vendor key made in 2020 that expired a year later
(gpg --faked-system-time), then extended by its vendor (`gpg --quick-set-expire`: the same
key, a new self-signature), with the repository's repomd.xml signed today.

- dnf's keyring of the repository holds the expired copy: dnf refuses repomd.xml (`Bad
  GPG signature`), and neither the extended key in the gpgkey= file, nor `dnf clean
  metadata`, nor `dnf clean all` changes that (dnf imports only a key whose id it lacks).
  gotriage, on a snapshot of exactly what dnf left, names the expired key and the keyring;
  its fix, applied, makes real dnf succeed.
- The rpm database holds the expired copy: `rpm --import` of the extended key leaves it
  (the same gpg-pubkey name); gotriage names it, and its fix (`rpm -e NAME`, `rpm --import`)
  applied for real replaces it.
- A gpgkey=http://127.0.0.1 key: not examined offline (a note says so); with --network
  gotriage fetches it with the host's curl (live, in a private mount namespace where
  /etc/os-release and /etc/dnf/dnf.conf are the sandbox's, and HOME's rpm database the
  test's own), and compares it with the rpm database."""

import json
import os
import subprocess

import pytest

from conftest import DATA, need
from gotriage.inputs.packages import INPUTS, RPM_KEYS_FORMAT
from hung_support import have_unshare, run_with_hung_tools
from packages_support import (
    _GNUPG_HOMES,
    GNUPG_BATCH,
    DnfSandbox,
    machine_state,
    require_tools,
    stop_agents,
)
from test_packages_realdnf import _check, _repo, _snapshot


@pytest.fixture(autouse=True, scope="module")
def _no_gpg_agent_left():
    yield
    stop_agents()


@pytest.fixture
def sandbox(tmp_path):
    require_tools()
    before = machine_state()
    box = DnfSandbox(tmp_path)
    yield box
    box.close()
    assert machine_state() == before, "dnf in the sandbox touched the machine's own files"


class Vendor(object):
    """A vendor's signing key: made on 2020-01-01, expired on 2020-12-31, then extended."""

    def __init__(self, tmp):
        self.home = str(tmp / "vendor-gnupg")
        os.makedirs(self.home, mode=0o700)
        _GNUPG_HOMES.append(self.home)
        self.gpg("--faked-system-time", "20200101T000000", "--quick-gen-key",
                 "gotriage rotation test <repo@example.invalid>", "rsa2048", "sign", "1y")
        out = self.gpg("--list-keys", "--with-colons")
        self.fpr = [line.split(":")[9] for line in out.splitlines() if line.startswith("fpr")][0]
        self.old = self.export()
        self.gpg("--quick-set-expire", self.fpr, "2y")
        self.new = self.export()

    def gpg(self, *args):
        proc = subprocess.run(["gpg"] + GNUPG_BATCH + list(args), env=dict(os.environ, GNUPGHOME=self.home),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
        assert proc.returncode == 0, proc.stdout.decode()
        return proc.stdout.decode()

    def export(self):
        return subprocess.run(["gpg", "--armor", "--export", self.fpr], env=dict(os.environ, GNUPGHOME=self.home),
                              stdout=subprocess.PIPE, timeout=60).stdout

    def sign(self, path):
        self.gpg("--detach-sign", "--armor", "-o", str(path) + ".asc", str(path))

    @property
    def keyid(self):
        return self.fpr[-16:]


class RpmDb(object):
    """An rpm database of the test's own (rpm --dbpath)."""

    def __init__(self, path):
        self.path = str(path)
        os.makedirs(self.path)

    def rpm(self, *args):
        proc = subprocess.run(["rpm", "--dbpath", self.path] + list(args), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=120)
        return proc.returncode, proc.stdout.decode()

    def recorded(self):
        """`rpm -q gpg-pubkey --qf FORMAT` run for real on it, recorded as gotriage's own
        command (the declared argv)."""
        argv = INPUTS["rpm-keys"].argv({"format": RPM_KEYS_FORMAT})
        proc = subprocess.run(argv[:1] + ["--dbpath", self.path] + argv[1:], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=120)
        return {"argv": argv, "returncode": proc.returncode, "stdout": proc.stdout.decode(),
                "stderr": proc.stderr.decode(), "duration": 0.05}


def _expired(run):
    return run.results("PKG-GPG-KEY-EXPIRED")


def test_extended_key_is_not_taken_by_dnfs_keyring(sandbox):
    box = sandbox
    vendor = Vendor(box.tmp)
    keyfile = box.tmp / "RPM-GPG-KEY-vendor"
    keyfile.write_bytes(vendor.old)
    vendor.sign(box.createrepo())
    box.write_repo("local.repo", _repo(box.serve(), "gpgcheck=1\nrepo_gpgcheck=1\ngpgkey=file://%s\n" % keyfile))
    rc, out = box.dnf("-y", "makecache")  # dnf imports the key it is given: expired
    message = "Error: Failed to download metadata for repo 'local': repomd.xml GPG signature " \
              "verification error: Bad GPG signature"
    assert rc == 1 and message in out, out
    keyfile.write_bytes(vendor.new)  # the vendor's extended key arrives (a key package update)
    for tried in (["makecache"], ["clean", "metadata"], ["clean", "all"]):
        box.dnf("-y", *tried)
        rc, out = box.dnf("-y", "makecache")
        assert rc == 1 and message in out, (tried, out)  # real dnf: none of these helps
    run = _check(_snapshot(box, keys={str(keyfile): keyfile}))
    [expired] = _expired(run)
    [repo_dir] = [d for d in os.listdir(str(box.cachedir)) if d.startswith("local-")]
    pubring = "/var/cache/dnf/%s/pubring" % repo_dir
    assert expired["severity"] == "error"
    assert expired["title"] == "key %s of local expired on 2020-12-31 in dnf's keyring of the repository (%s)" % (
        vendor.keyid, pubring)
    assert expired["predicted_error"] == message
    assert "gpgkey=file://%s has the same key, valid until " % keyfile in [e["text"] for e in expired["evidence"]][1]
    [missing] = run.results("PKG-CACHE-MISSING")
    assert missing["caused_by"] == {"id": "PKG-GPG-KEY-EXPIRED", "subject": expired["subject"]}
    argvs = [a.get("argv") for a in expired["fix"]]
    assert argvs == [["rm", "-r", "--", pubring], ["dnf", "makecache"]]
    assert ["dnf", "clean", "metadata"] not in argvs
    # the fix, applied to the sandbox's cache, makes real dnf succeed
    subprocess.run(["rm", "-r", "--", str(box.cachedir / repo_dir / "pubring")], check=True, timeout=60)
    rc, out = box.dnf("-y", "makecache")
    assert rc == 0 and "Metadata cache created." in out, out
    fixed = _check(_snapshot(box, "fixed", keys={str(keyfile): keyfile}))
    assert not _expired(fixed) and not fixed.results("PKG-CACHE-MISSING")
    assert "signature good (%s)" % vendor.keyid in fixed.results("PKG-CACHE")[0]["title"]


def test_extended_key_is_not_taken_by_the_rpm_database(sandbox):
    box = sandbox
    vendor = Vendor(box.tmp)
    keyfile = box.tmp / "RPM-GPG-KEY-vendor"
    keyfile.write_bytes(vendor.new)
    (box.tmp / "old.asc").write_bytes(vendor.old)
    db = RpmDb(box.tmp / "rpmdb")
    assert db.rpm("--import", str(box.tmp / "old.asc"))[0] == 0
    assert db.rpm("--import", str(keyfile))[0] == 0  # real rpm 4.18: accepted, and ignored
    rc, names = db.rpm("-q", "gpg-pubkey")
    name = "gpg-pubkey-%s-5e0be100" % vendor.keyid[-8:].lower()  # 0x5e0be100: 2020-01-01
    assert names.split() == [name]
    box.createrepo()
    box.write_repo("local.repo", _repo(box.serve(), "gpgcheck=1\ngpgkey=file://%s\n" % keyfile))
    run = _check(_snapshot(box, keys={str(keyfile): keyfile}, commands=[db.recorded()]))
    [expired] = _expired(run)
    assert expired["title"] == "key %s of local expired on 2020-12-31 and is still %s in the rpm database" % (
        vendor.keyid, name)
    assert [a.get("argv") for a in expired["fix"]] == [["rpm", "-e", name], ["rpm", "--import", str(keyfile)]]
    # the fix, for real, on the test's rpm database
    for action in expired["fix"]:
        assert db.rpm(*action["argv"][1:])[0] == 0
    after = _check(_snapshot(box, "fixed", keys={str(keyfile): keyfile}, commands=[db.recorded()]))
    assert not _expired(after), after.stdout


def _live_packages(tmp_path, box, home, *extra):
    """`gotriage check --layer packages` live, in a private mount namespace where the
    sandbox is the host's dnf configuration and a Rocky 9.3 os-release is /etc/os-release;
    rpm's database is HOME's (Debian's rpm: ~/.rpmdb)."""
    need(have_unshare(), "root and unshare, for a private mount namespace")
    conf = tmp_path / "host-dnf.conf"
    conf.write_text("[main]\ngpgcheck=1\nreposdir=%s\ncachedir=%s\n" % (box.reposd, box.cachedir))
    overlay = [(os.path.join(DATA, "el", "rocky-9.3", "etc", "os-release"), "/etc/os-release"),
               (str(conf), "/etc/dnf/dnf.conf")]
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(home)}
    proc, _, _ = run_with_hung_tools(tmp_path, ["check", "--json", "--layer", "packages"] + list(extra),
                                     tools=[], overlay=overlay, env=env)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return json.loads(proc.stdout.decode())


def test_https_key_offline_then_fetched_with_network(sandbox, tmp_path):
    need(os.path.exists("/etc/dnf/dnf.conf") and os.path.exists("/usr/bin/curl"),
         "dnf's /etc/dnf/dnf.conf and curl (scripts/setup installs dnf and curl)")
    box = sandbox
    vendor = Vendor(box.tmp)
    box.createrepo()
    (box.repo / "RPM-GPG-KEY-vendor").write_bytes(vendor.new)
    url = box.serve()
    key_url = url + "RPM-GPG-KEY-vendor"
    box.write_repo("local.repo", _repo(url, "gpgcheck=1\ngpgkey=%s\n" % key_url))
    home = tmp_path / "home"
    db = RpmDb(home / ".rpmdb")
    (box.tmp / "old.asc").write_bytes(vendor.old)
    assert db.rpm("--import", str(box.tmp / "old.asc"))[0] == 0
    offline = _live_packages(tmp_path, box, home)
    assert "gpgkey=%s of local is not examined offline (dnf fetches it when it imports the key): " \
           "--network fetches and reads it" % key_url in offline["notes"]
    assert not [r for r in offline["results"] if r["id"] == "PKG-GPG-KEY-EXPIRED"]
    assert "/RPM-GPG-KEY-vendor" not in box.server.requests  # nothing fetched offline
    online = _live_packages(tmp_path, box, home, "--network")
    assert "/RPM-GPG-KEY-vendor" in box.server.requests  # the host's curl fetched it
    [expired] = [r for r in online["results"] if r["id"] == "PKG-GPG-KEY-EXPIRED"]
    name = "gpg-pubkey-%s-5e0be100" % vendor.keyid[-8:].lower()
    assert [a.get("argv") for a in expired["fix"]] == [["rpm", "-e", name], ["rpm", "--import", key_url]]
    # the fix for real: rpm fetches the URL itself
    for action in expired["fix"]:
        assert db.rpm(*action["argv"][1:])[0] == 0, action
    fixed = _live_packages(tmp_path, box, home, "--network")
    assert not [r for r in fixed["results"] if r["id"] == "PKG-GPG-KEY-EXPIRED"]
