"""The packages layer on snapshots built from real EL repository files (tests/data/el, see
tests/data/SOURCES.md): CentOS 7 (yum), CentOS 8.0 and 8.3+, Rocky 9.2 (CIQ LTS vault
repositories); keys made by real gpg; and bad input of every kind, which must give a
finding or a note, never a traceback."""

import os
import subprocess
import time

import pytest

from conftest import DATA, make_snapshot, need, run_gotriage

EL = os.path.join(DATA, "el")
NOW = 1795000000  # 2026-11-18, fixed so that ages do not depend on the clock
CREATED = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(NOW))
UNAME = {"argv": ["uname", "-m"], "returncode": 0, "stdout": "x86_64\n", "stderr": ""}


@pytest.fixture(autouse=True, scope="module")
def _no_gpg_agent_left():
    yield
    from packages_support import stop_agents
    stop_agents()


def real(release, path):
    with open(os.path.join(EL, release, path.lstrip("/")), "rb") as f:
        return f.read()


def repo_files(release):
    directory = os.path.join(EL, release, "etc", "yum.repos.d")
    return {"/etc/yum.repos.d/" + n: real(release, "/etc/yum.repos.d/" + n) for n in sorted(os.listdir(directory))}


def snapshot(tmp_path, os_release, files, paths=None, commands=(), identity=None):
    files = dict(files)
    files["/etc/os-release"] = real(os_release, "/etc/os-release")
    snap = make_snapshot(tmp_path / "snap", files=files, paths=paths, commands=[UNAME] + list(commands),
                         identity=identity)
    manifest = os.path.join(str(snap), "gotriage-snapshot.json")
    import json
    with open(manifest) as f:
        data = json.load(f)
    data["created"] = CREATED
    with open(manifest, "w") as f:
        json.dump(data, f)
    return snap


def check(snap, *extra):
    run = run_gotriage(["check", "--json", "--layer", "packages", "--root", str(snap)] + list(extra),
                       env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
    assert run.returncode in (0, 1), run.stderr + run.stdout
    assert "Traceback" not in run.stderr and "GOTRIAGE-CHECK-FAILED" not in run.stdout
    return run


def repomd_bytes(tmp_path):
    from shutil import which
    need(which("createrepo_c"), "createrepo_c is not installed (scripts/setup installs createrepo-c)")
    target = tmp_path / "createrepo"
    target.mkdir()
    subprocess.run(["createrepo_c", "-q", str(target)], check=True, timeout=120)
    repodata = target / "repodata"
    return {n: (repodata / n).read_bytes() for n in os.listdir(str(repodata))}


def test_centos7_yum_without_epel_and_missing_keys(tmp_path):
    snap = snapshot(tmp_path, "centos-7.1.1503", dict(repo_files("centos-7-altarch"),
                    **{"/etc/yum.conf": "[main]\ncachedir=/var/cache/yum/$basearch/$releasever\ngpgcheck=1\n"}),
                    paths={"/usr/bin/yum": {"stat": {"mode": 0o100755}}})
    run = check(snap)
    [ok] = run.results("PKG-REPOS")
    assert ok["title"] == "3 enabled repositories: base, updates, extras"
    [golang] = run.results("PKG-GOLANG-NO-REPO")
    assert golang["title"] == "golang comes from EPEL on CentOS Linux 7, which is not enabled"
    assert golang["fix"][0]["argv"] == ["yum", "install", "-y", "epel-release"]
    assert golang["predicted_error"] == "No package golang available."
    [key] = run.results("PKG-GPG-KEY-MISSING")  # one finding for the one key file
    assert key["title"] == "/etc/pki/rpm-gpg/RPM-GPG-KEY-CentOS-7 (gpgkey of base) does not exist"
    assert key["fix"][0]["argv"] == ["yum", "reinstall", "-y", "centos-release"]
    assert key["evidence"][0] == {"kind": "file", "source": "/etc/yum.repos.d/CentOS-Base.repo", "line": 17,
                                  "text": "gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-CentOS-7"}
    # yum's cache: CACHEDIR/$basearch/$releasever/ID: nothing cached here.
    missing = {f["title"] for f in run.results("PKG-CACHE-MISSING")}
    assert missing == {"no cached metadata for base", "no cached metadata for updates", "no cached metadata for extras"}
    [f] = [f for f in run.results("PKG-CACHE-MISSING") if "base" in f["title"]]
    assert f["evidence"][0]["text"] == "/var/cache/yum/x86_64/7/base/repomd.xml does not exist"


def test_centos7_yum_cache_expires_after_six_hours(tmp_path):
    md = repomd_bytes(tmp_path)
    files = dict(repo_files("centos-7-altarch"))
    files["/etc/yum.conf"] = "[main]\ngpgcheck=1\n"
    paths = {"/usr/bin/yum": {"stat": {"mode": 0o100755}}}
    for repo, age in (("base", 7 * 3600), ("updates", 3600)):
        base = "/var/cache/yum/x86_64/7/%s/" % repo
        files[base + "repomd.xml"] = md["repomd.xml"]
        files[base + "cachecookie"] = b""
        paths[base + "cachecookie"] = {"stat": {"mode": 0o100644, "mtime": NOW - age}}
    run = check(snapshot(tmp_path, "centos-7.1.1503", files, paths=paths))
    [expired] = run.results("PKG-CACHE-EXPIRED")
    assert expired["title"] == "the cached metadata of base has expired (metadata is 7 h old; metadata_expire is 6 h)"
    assert expired["evidence"][0]["source"] == "/var/cache/yum/x86_64/7/base/cachecookie"
    assert expired["evidence"][1]["text"] == "metadata_expire is not set: the default is 21600"
    assert expired["fix"][0]["argv"] == ["yum", "makecache"]
    [ok] = run.results("PKG-CACHE")
    assert ok["title"] == "cached metadata: updates 1 h old"
    # yum also expires every cache older than the newest .repo file or yum.conf.
    paths["/etc/yum.conf"] = {"stat": {"mode": 0o100644, "mtime": NOW - 60}}
    run = check(snapshot(tmp_path / "edited", "centos-7.1.1503", files, paths=paths))
    titles = sorted(f["title"] for f in run.results("PKG-CACHE-EXPIRED"))
    assert titles == ["the cached metadata of base has expired (metadata is 7 h old; metadata_expire is 6 h)",
                      "the cached metadata of updates has expired (/etc/yum.conf was changed after the "
                      "metadata was downloaded)"]


@pytest.mark.parametrize("release", ["centos-8.0.1905", "centos-8.3plus"])
def test_centos8_appstream_provides_golang(tmp_path, release):
    snap = snapshot(tmp_path, "centos-8.1.1911", dict(repo_files(release), **{"/etc/dnf/dnf.conf": "[main]\ngpgcheck=1\n"}))
    run = check(snap)
    # 8.0 ships [extras] disabled; 8.3+ enables it.
    enabled = run.results("PKG-REPOS")[0]["title"].split(": ")[1].split(", ")
    assert {r.lower() for r in enabled} == ({"appstream", "baseos"} if release == "centos-8.0.1905"
                                            else {"appstream", "baseos", "extras"})
    [golang] = run.results("PKG-GOLANG")
    assert golang["title"].startswith("golang comes from AppStream (")
    [key] = run.results("PKG-GPG-KEY-MISSING")
    assert key["title"].startswith("/etc/pki/rpm-gpg/RPM-GPG-KEY-centosofficial (gpgkey of ")
    assert key["fix"][0]["argv"] == ["dnf", "reinstall", "-y", "centos-gpg-keys"]


@pytest.fixture(scope="module")
def sha1_key(tmp_path_factory):
    need(__import__("shutil").which("gpg"), "gpg is not installed (scripts/setup installs gnupg)")
    from packages_support import Keyring
    base = tmp_path_factory.mktemp("sha1key")
    ring = Keyring(base / "home", uid="Old Vendor <rpm@example.invalid>", digest="SHA1")
    ring.export(base / "key.asc")
    return (base / "key.asc").read_bytes()


@pytest.mark.parametrize("os_release,policy,expected", [
    ("rocky-9.3", None, "error"), ("rocky-9.3", "DEFAULT:SHA1\n", None), ("rocky-9.3", "LEGACY\n", None),
    ("rocky-9.3", "FUTURE\n", "error"), ("rocky-10.0", "DEFAULT\n", "error"), ("rocky-8.4", "DEFAULT\n", None),
    ("rocky-9.3", "MYCORP:SHA1-ISH\n", "warn")])
def test_sha1_self_signed_key_against_the_crypto_policy(tmp_path, sha1_key, os_release, policy, expected):
    files = dict(repo_files("rocky-9.2-ciq-lts"))
    files["/etc/dnf/dnf.conf"] = "[main]\ngpgcheck=1\n"
    files["/etc/pki/rpm-gpg/RPM-GPG-KEY-Rocky-9"] = sha1_key
    if policy is not None:
        files["/etc/crypto-policies/config"] = policy
    run = check(snapshot(tmp_path, os_release, files))
    found = run.results("PKG-GPG-KEY-SHA1")
    if expected is None:
        assert found == []
        assert "SHA1" in run.results("PKG-GPG")[0]["evidence"][0]["text"]
        return
    [f] = found
    assert f["severity"] == expected
    assert 'user id "Old Vendor <rpm@example.invalid>": self-signature hash SHA1' in [e.get("text") for e in f["evidence"]]
    if expected == "error":
        el = 10 if os_release == "rocky-10.0" else 9
        assert f["predicted_error"] == {9: "warning: Signature not supported. Hash algorithm SHA1 not available.",
                                        10: "because: SHA1 is not considered secure"}[el]
        assert f["fix"][1]["argv"] == ["update-crypto-policies", "--set", "DEFAULT:SHA1" if el == 9 else "LEGACY"]
        assert f["fix"][1]["safe"] is False


def test_rocky92_vault_repositories_with_a_good_key(tmp_path):
    need(__import__("shutil").which("gpg"), "gpg is not installed (scripts/setup installs gnupg)")
    from packages_support import Keyring
    ring = Keyring(tmp_path / "home", uid="Rocky Test <rocky@example.invalid>", algo="rsa4096")
    ring.export(tmp_path / "key.asc")
    files = dict(repo_files("rocky-9.2-ciq-lts"))
    files["/etc/dnf/dnf.conf"] = "[main]\ngpgcheck=1\ninstallonly_limit=3\n"
    files["/etc/pki/rpm-gpg/RPM-GPG-KEY-Rocky-9"] = (tmp_path / "key.asc").read_bytes()
    run = check(snapshot(tmp_path, "rocky-9.3", files))
    problems = sorted({r["id"] for r in run.json["results"] if r["severity"] != "ok"})
    assert problems == ["PKG-CACHE-MISSING"]
    assert run.results("PKG-REPOS")[0]["title"] == "3 enabled repositories: extras, baseos, appstream"
    assert run.results("PKG-GOLANG")[0]["title"].startswith("golang comes from AppStream (appstream enabled")


def test_bad_input_gives_findings_and_notes_never_a_traceback(tmp_path):
    md = repomd_bytes(tmp_path)
    files = {
        "/etc/dnf/dnf.conf": "[main]\ngpgcheck=1\n",
        "/etc/yum.repos.d/garbage.repo": "this is not a repo file\n[also broken\n",
        "/etc/yum.repos.d/binary.repo": b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)),
        "/etc/yum.repos.d/secret.repo": "[secret]\nbaseurl=http://x/\n",
        "/etc/yum.repos.d/good.repo": ("[appstream]\nname=AppStream\nbaseurl=http://mirror.example/9/AppStream/\n"
                                       "gpgcheck=1\ngpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-html\n"
                                       "[corrupt]\nname=Corrupt cache\nbaseurl=http://mirror.example/c/\n"
                                       "gpgcheck=1\nrepo_gpgcheck=1\ngpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-html\n"),
        "/etc/pki/rpm-gpg/RPM-GPG-KEY-html": "<html><head><title>404 Not Found</title></head></html>\n",
        "/etc/crypto-policies/config": "\x00\x01 not a policy\n",
    }
    import hashlib
    digest = hashlib.sha256(b"http://mirror.example/c/").hexdigest()[:16]
    files["/var/cache/dnf/corrupt-%s/repodata/repomd.xml" % digest] = md["repomd.xml"][:200]
    files["/var/cache/dnf/corrupt-%s/repodata/repomd.xml.asc" % digest] = b"-----BEGIN PGP SIGNATURE-----\n"
    paths = {"/etc/yum.repos.d/secret.repo": {"read": {"error": "EACCES"}, "stat": {"mode": 0o100600}}}
    identity = {"user": "alice", "uid": 1000, "gid": 1000, "home": "/home/alice"}
    snap = snapshot(tmp_path, "rocky-9.3", files, paths=paths, identity=identity)
    run = check(snap)
    ids = sorted({r["id"] for r in run.json["results"]})
    assert "PKG-REPOS-FILE-SKIPPED" in ids and "PKG-GPG-KEY-INVALID" in ids and "PKG-CACHE-CORRUPT" in ids
    skipped = {r["subject"]: r for r in run.results("PKG-REPOS-FILE-SKIPPED")}
    assert set(skipped) == {"/etc/yum.repos.d/garbage.repo", "/etc/yum.repos.d/binary.repo"}
    assert skipped["/etc/yum.repos.d/binary.repo"]["fix"][0]["argv"] == [
        "mv", "/etc/yum.repos.d/binary.repo", "/etc/yum.repos.d/binary.repo.disabled"]
    [invalid] = run.results("PKG-GPG-KEY-INVALID")
    assert "not OpenPGP data" in invalid["title"]
    [corrupt] = run.results("PKG-CACHE-CORRUPT")
    assert "not well-formed XML" in corrupt["title"]
    assert any("secret.repo" in n and "permission denied" in n for n in run.json["notes"])
    text = run_gotriage(["check", "--layer", "packages", "-v", "--root", str(snap)],
                        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
    assert text.returncode == 1 and "Traceback" not in text.stderr + text.stdout
    assert "dnf skips /etc/yum.repos.d/garbage.repo entirely (line 1" in text.stdout


def test_not_an_rpm_host(tmp_path):
    snap = make_snapshot(tmp_path / "snap", files={"/etc/os-release": 'ID=debian\nVERSION_ID="12"\nNAME="Debian"\n'})
    run = check(snap)
    assert run.json["results"] == [] or all(r["layer"] != "packages" for r in run.json["results"])
    assert any("no dnf or yum" in n for n in run.json["notes"])


def test_empty_repo_directory_on_rhel_means_not_registered(tmp_path):
    snap = snapshot(tmp_path, "rhel-9.6", {"/etc/dnf/dnf.conf": "[main]\ngpgcheck=1\n",
                                           "/etc/yum.repos.d/redhat.repo": "#\n# Certificate-Based Repositories\n#\n"})
    run = check(snap)
    [none] = run.results("PKG-REPOS-NONE")
    assert none["severity"] == "error"
    assert none["fix"][0]["argv"] == ["subscription-manager", "register"]
    assert none["predicted_error"] == 'Error: There are no enabled repositories in "/etc/yum.repos.d".'


def test_snapshot_without_repository_directory_is_not_examined(tmp_path):
    run = check(snapshot(tmp_path, "rocky-9.3", {}))
    assert [r for r in run.json["results"] if r["layer"] == "packages"] == []
    assert any("no repository directory" in n for n in run.json["notes"])


def test_reposdir_and_main_options_are_followed(tmp_path):
    conf = "[main]\ngpgcheck=0\nreposdir=/etc/myrepos\nmetadata_expire=2h\ncachedir=/srv/dnfcache\n"
    md = repomd_bytes(tmp_path)
    import hashlib
    url = "http://mirror.example/9/AppStream/"
    cache = "/srv/dnfcache/appstream-%s/repodata/" % hashlib.sha256(url.encode()).hexdigest()[:16]
    primary = [n for n in md if n.endswith("-primary.xml.gz")][0]
    files = {"/etc/dnf/dnf.conf": conf, "/etc/myrepos/appstream.repo": "[appstream]\nname=A\nbaseurl=%s\n" % url,
             "/etc/yum.repos.d/ignored.repo": "[ignored]\nname=I\nbaseurl=http://x/\n",
             cache + "repomd.xml": md["repomd.xml"], cache + primary: md[primary]}
    paths = {cache + primary: {"stat": {"mode": 0o100644, "mtime": NOW - 3 * 3600}}}
    run = check(snapshot(tmp_path, "rocky-9.3", files, paths=paths))
    assert run.results("PKG-REPOS")[0]["title"] == "1 enabled repositories: appstream"
    [off] = run.results("PKG-GPG-OFF")
    assert off["evidence"][0] == {"kind": "file", "source": "/etc/dnf/dnf.conf", "line": 2, "text": "gpgcheck=0"}
    [expired] = run.results("PKG-CACHE-EXPIRED")
    assert "metadata is 3 h old; metadata_expire is 2 h" in expired["title"]
    assert expired["evidence"][1] == {"kind": "file", "source": "/etc/dnf/dnf.conf", "line": 4,
                                      "text": "metadata_expire=2h"}
