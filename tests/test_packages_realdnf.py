"""The packages layer against real dnf: each case is set up for real (createrepo_c, rpmbuild,
gpg, dnf in a sandbox, tests/packages_support.py), dnf's own verdict is taken from its exit
status and messages, and gotriage, run on a snapshot of exactly the files dnf wrote, must
come to the same verdict."""

import os
import re
import time

import pytest

from conftest import run_gotriage
from packages_support import (
    DnfSandbox,
    Keyring,
    build_rpm,
    golang_lookup,
    machine_state,
    require_tools,
    snapshot_of,
)


@pytest.fixture(autouse=True, scope="module")
def _no_gpg_agent_left():
    yield
    from packages_support import stop_agents
    stop_agents()


@pytest.fixture
def sandbox(tmp_path):
    require_tools()
    before = machine_state()
    box = DnfSandbox(tmp_path)
    yield box
    box.close()
    assert machine_state() == before, "dnf in the sandbox touched the machine's own files"


def _repo(url, extra=""):
    return "[local]\nname=gotriage test repository\nbaseurl=%s\nenabled=1\n%s" % (url, extra)


def _snapshot(box, name="snap", keys=None, created=None, commands=(), files=None, os_release="rocky-9.3"):
    mapping = {"/etc/yum.repos.d": box.reposd, "/etc/dnf/dnf.conf": box.conf}
    if box.cachedir.exists():
        mapping["/var/cache/dnf"] = box.cachedir
    for host_path, local in (keys or {}).items():
        mapping[host_path] = local
    return snapshot_of(box.tmp / name, mapping, files=files, commands=commands, created=created,
                       os_release=os_release)


def _check(snapshot, *extra):
    run = run_gotriage(["check", "--json", "--layer", "packages", "--root", str(snapshot)] + list(extra),
                       env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
    assert run.returncode in (0, 1), run.stderr + run.stdout
    return run


def _problem_ids(run):
    """Problems found, apart from where golang comes from (the sandbox has no AppStream)."""
    return sorted({r["id"] for r in run.json["results"] if r["severity"] != "ok"
                   and not r["id"].startswith("PKG-GOLANG")})


def _cache_files(box):
    [repo_dir] = [d for d in os.listdir(str(box.cachedir)) if re.match(r"^local-[0-9a-f]{16}$", d)]
    return box.cachedir / repo_dir / "repodata"


def test_fresh_cache_and_expired_cache_agree_with_dnf(sandbox):
    box = sandbox
    box.createrepo()
    box.write_repo("local.repo", _repo(box.serve(), "gpgcheck=0\nmetadata_expire=1h\n"))
    rc, out = box.dnf("-v", "makecache")
    assert rc == 0 and "Metadata cache created." in out, out
    fresh = _check(_snapshot(box, "fresh"))
    assert _problem_ids(fresh) == ["PKG-GPG-OFF"]
    [ok] = fresh.results("PKG-CACHE")
    assert ok["title"].startswith("cached metadata: local ")
    # dnf's verdict: it uses a fresh cache as is and asks the server for nothing; an
    # expired one is checked against the server's repomd.xml (`makecache` always refreshes,
    # so it is no witness; the server's request log is).
    del box.server.requests[:]
    rc, out = box.dnf("-v", "repoquery")
    assert rc == 0 and box.server.requests == [], (box.server.requests, out)

    # Age the cache by two hours, as the clock would: dnf measures from the primary file.
    repodata = _cache_files(box)
    old = time.time() - 7200
    for name in os.listdir(str(repodata)):
        os.utime(str(repodata / name), (old, old))
    os.utime(str(box.reposd / "local.repo"), (old - 3600, old - 3600))
    expired = _check(_snapshot(box, "expired"))
    [finding] = expired.results("PKG-CACHE-EXPIRED")
    assert "metadata is 2 h old; metadata_expire is 1 h" in finding["title"]
    assert finding["evidence"][1]["text"] == "metadata_expire=1h"
    # dnf prints the same date: "local: using metadata from <date>." (-v makecache).
    assert finding["evidence"][2]["text"].startswith("revision ")
    assert finding["fix"][0]["argv"] == ["dnf", "makecache", "--refresh"]
    rc, out = box.dnf("-v", "repoquery")
    assert rc == 0 and "/repodata/repomd.xml" in box.server.requests, (box.server.requests, out)


def test_no_cache_is_what_dnf_cacheonly_refuses(sandbox):
    box = sandbox
    box.createrepo()
    box.write_repo("local.repo", _repo(box.serve(), "gpgcheck=0\n"))
    run = _check(_snapshot(box))
    [finding] = run.results("PKG-CACHE-MISSING")
    rc, out = box.dnf("-C", "-v", "repolist")
    assert rc == 1
    assert finding["predicted_error"] in out


def _signed_repo(box, tamper=None):
    keyring = Keyring(box.tmp / "gnupg")
    keyfile = keyring.export(box.tmp / "RPM-GPG-KEY-test")
    repomd = box.createrepo()
    keyring.sign(repomd)
    if tamper == "server":
        repomd.write_text(repomd.read_text().replace("<revision>", "<revision>9"))
    box.write_repo("local.repo", _repo(box.serve(), "gpgcheck=1\nrepo_gpgcheck=1\ngpgkey=file://%s\n" % keyfile))
    return keyring, keyfile


def test_signed_metadata_verifies_like_gpg_and_dnf(sandbox):
    box = sandbox
    keyring, keyfile = _signed_repo(box)
    rc, out = box.dnf("-y", "-v", "makecache")
    assert rc == 0 and "Metadata cache created." in out, out
    repodata = _cache_files(box)
    rc, gpg_out = keyring.verify(repodata / "repomd.xml.asc", repodata / "repomd.xml")
    assert rc == 0 and "Good signature" in gpg_out
    run = _check(_snapshot(box, keys={str(keyfile): keyfile}))
    assert _problem_ids(run) == []
    [ok] = run.results("PKG-CACHE")
    key_id = keyring.gpg("--list-keys", "--with-colons")[1].split("pub:")[1].split(":")[3]
    assert "signature good (%s)" % key_id in ok["title"]
    # Without the key file (an https:// gpgkey, or a key deleted since), the keyring dnf
    # imported it into (CACHEDIR/ID-HASH/pubring/pubring.kbx) still verifies the cache.
    run = _check(_snapshot(box, "nokeyfile"))
    assert _problem_ids(run) == ["PKG-GPG-KEY-MISSING"]
    assert "signature good (%s)" % key_id in run.results("PKG-CACHE")[0]["title"]


def test_tampered_cache_is_refused_by_dnf_and_reported(sandbox):
    box = sandbox
    keyring, keyfile = _signed_repo(box)
    rc, out = box.dnf("-y", "makecache")
    assert rc == 0, out
    repodata = _cache_files(box)
    repomd = repodata / "repomd.xml"
    stat = os.stat(str(repomd))
    repomd.write_text(repomd.read_text().replace("<revision>", "<revision>9"))
    os.utime(str(repomd), (stat.st_atime, stat.st_mtime))
    rc, gpg_out = keyring.verify(repodata / "repomd.xml.asc", repomd)
    assert rc != 0 and "BAD signature" in gpg_out
    run = _check(_snapshot(box, keys={str(keyfile): keyfile}))
    [finding] = run.results("PKG-CACHE-BAD-SIGNATURE")
    assert "the signed data was changed" in finding["evidence"][0]["text"]
    assert [a.get("argv") for a in finding["fix"][:2]] == [["dnf", "clean", "metadata"],
                                                           ["dnf", "makecache", "--refresh"]]
    # The fix works: after it, dnf and gotriage both find a good cache.
    for action in finding["fix"][:2]:
        rc, out = box.dnf(*(action["argv"][1:] + ["-y"]))
        assert rc == 0, out
    assert "Metadata cache created." in out
    assert _problem_ids(_check(_snapshot(box, "fixed", keys={str(keyfile): keyfile}))) == []
    repomd.write_text(repomd.read_text().replace("<revision>", "<revision>9"))
    # dnf refuses the cache (and deletes it: gotriage must never run dnf on a host).
    rc, out = box.dnf("-C", "-v", "repolist")
    assert rc == 1 and "Cache-only enabled but no cache for 'local'" in out, out
    assert not repodata.exists()


def test_tampered_server_metadata_fails_the_download(sandbox):
    box = sandbox
    _keyring, keyfile = _signed_repo(box, tamper="server")
    rc, out = box.dnf("-y", "makecache")
    assert rc == 1
    message = "Error: Failed to download metadata for repo 'local': repomd.xml GPG signature " \
              "verification error: Bad GPG signature"
    assert message in out, out
    run = _check(_snapshot(box, keys={str(keyfile): keyfile}))
    [finding] = run.results("PKG-CACHE-MISSING")
    assert "pubring" in finding["why"] and message in finding["why"]


def test_missing_signature_in_cache(sandbox):
    box = sandbox
    _keyring, keyfile = _signed_repo(box)
    rc, out = box.dnf("-y", "makecache")
    assert rc == 0, out
    os.remove(str(_cache_files(box) / "repomd.xml.asc"))
    run = _check(_snapshot(box, keys={str(keyfile): keyfile}))
    assert run.results("PKG-CACHE-NO-SIGNATURE")
    rc, out = box.dnf("-C", "-v", "repolist")
    assert rc == 1 and "Cache-only enabled but no cache for 'local'" in out, out


def test_missing_key_file(sandbox):
    box = sandbox
    box.createrepo()
    missing = str(box.tmp / "no-such-key")
    box.write_repo("local.repo", _repo(box.serve(), "repo_gpgcheck=1\ngpgkey=file://%s\n" % missing))
    rc, out = box.dnf("-y", "makecache")
    assert rc == 1
    run = _check(_snapshot(box))
    [finding] = run.results("PKG-GPG-KEY-MISSING")
    assert finding["predicted_error"] in out, (finding["predicted_error"], out)


def test_repo_without_url(sandbox):
    box = sandbox
    box.createrepo()
    box.write_repo("local.repo", _repo(box.serve(), "gpgcheck=0\n"))
    box.write_repo("nourl.repo", "[nourl]\nname=No URL\nenabled=1\ngpgcheck=0\n"
                                 "#baseurl=http://127.0.0.1:9/\n")
    rc, out = box.dnf("makecache")
    assert rc == 1
    run = _check(_snapshot(box))
    [finding] = run.results("PKG-REPOS-NO-URL")
    assert finding["predicted_error"] in out
    assert finding["fix"][0] == {"kind": "edit", "safe": True, "syntax": "ini", "path": "/etc/yum.repos.d/nourl.repo",
                                 "old": "#baseurl=http://127.0.0.1:9/", "line": "baseurl=http://127.0.0.1:9/",
                                 "description": finding["fix"][0]["description"]}


# Repo files dnf takes in different ways; gotriage must predict each (measured by dnf below).
REPO_FILE_CASES = [
    ("continuation", b"[t]\nname=x\nbaseurl=URL\n  URL\n", None),
    ("bare word", b"[t]\nname=x\nbaseurl=URL\nfoo\n", "PKG-REPOS-FILE-SKIPPED"),
    ("key with a space", b"[t]\nname=x\nbaseurl=URL\nfoo bar = 1\n", None),
    ("CRLF", b"[t]\r\nname=x\r\nbaseurl=URL\r\n", None),
    ("not UTF-8 in a comment", b"# \xff\xfe\n[t]\nname=x\nbaseurl=URL\n", None),
    ("not UTF-8 in a value", b"[t]\nname=x\xff\nbaseurl=URL\n", "PKG-REPOS-CRASH"),
    ("not UTF-8 in a key", b"[t]\nn\xffame=x\nbaseurl=URL\n", "PKG-REPOS-CRASH"),
    ("text after the section", b"[t] trailing\nname=x\nbaseurl=URL\n", "PKG-REPOS-FILE-SKIPPED"),
    ("space in the id", b"[t b]\nname=x\nbaseurl=URL\n", "PKG-REPOS-BAD-ID"),
    ("empty section", b"[]\nname=x\n", "PKG-REPOS-FILE-SKIPPED"),
    ("indented first key", b"[t]\n  name=x\nbaseurl=URL\n", "PKG-REPOS-FILE-SKIPPED"),
    ("indented after a blank line", b"[t]\nname=x\nbaseurl=URL\n\n  foo\n", "PKG-REPOS-FILE-SKIPPED"),
    ("empty key", b"[t]\n=x\nbaseurl=URL\n", "PKG-REPOS-FILE-SKIPPED"),
    ("key before the first section", b"key=value\n[t]\nname=x\nbaseurl=URL\n", "PKG-REPOS-FILE-SKIPPED"),
    ("unclosed section", b"[broken\n[t]\nname=x\nbaseurl=URL\n", "PKG-REPOS-FILE-SKIPPED"),
    ("colon separator", b"[t]\nname=x\nbaseurl=URL\nfoo: bar\n", "PKG-REPOS-FILE-SKIPPED"),
    ("indented section", b"[a]\nname=x\nbaseurl=URL\n[b]\n  [t]\nname=c\nbaseurl=URL\n", None),
    ("binary file", b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00\x01\x00",
     "PKG-REPOS-FILE-SKIPPED"),
]


@pytest.mark.parametrize("name,content,expected", REPO_FILE_CASES, ids=[c[0] for c in REPO_FILE_CASES])
def test_repo_files_as_dnf_reads_them(sandbox, name, content, expected):
    box = sandbox
    box.createrepo()
    url = box.serve().encode()
    (box.reposd / "t.repo").write_bytes(content.replace(b"URL", url))
    rc, out = box.dnf("-C", "repolist")
    dnf_says = ("PKG-REPOS-FILE-SKIPPED" if "failed loading" in out else
                "PKG-REPOS-CRASH" if "TypeError" in out else
                "PKG-REPOS-BAD-ID" if "Bad id for repo" in out else None)
    assert dnf_says == expected, out
    run = _check(_snapshot(box))
    found = [i for i in ("PKG-REPOS-FILE-SKIPPED", "PKG-REPOS-CRASH", "PKG-REPOS-BAD-ID") if run.results(i)]
    assert found == ([expected] if expected else []), run.stdout
    if expected == "PKG-REPOS-BAD-ID":
        assert run.results(expected)[0]["predicted_error"] in out
    if expected == "PKG-REPOS-CRASH":
        assert rc == 1 and run.results(expected)[0]["predicted_error"] in out


def test_duplicate_repository_first_file_wins(sandbox):
    box = sandbox
    box.createrepo()
    url = box.serve()
    box.write_repo("local.repo", _repo(url, "gpgcheck=0\n"))
    box.write_repo("aa.repo", "[local]\nname=Second copy\nbaseurl=%s\ngpgcheck=0\n" % url)
    rc, out = box.dnf("-C", "repolist")
    assert "Repository local is listed more than once in the configuration" in out
    assert "Second copy" in out  # aa.repo sorts first and wins
    run = _check(_snapshot(box))
    [finding] = run.results("PKG-REPOS-DUPLICATE")
    assert finding["predicted_error"] in out
    assert "dnf uses /etc/yum.repos.d/aa.repo" in finding["title"]


@pytest.mark.parametrize("go_line,too_old", [("1.22", True), ("1.21", False)])
def test_golang_version_from_the_cache_matches_repoquery(sandbox, go_line, too_old):
    box = sandbox
    box.createrepo([build_rpm(box.tmp, "golang", "1.21.13", "1.el9_4")])
    box.write_repo("appstream.repo", _repo(box.serve(), "gpgcheck=0\n").replace("[local]", "[appstream]"))
    rc, out = box.dnf("makecache")
    assert rc == 0, out
    rc, version = box.dnf("-q", "-C", "repoquery", "--qf", "%{version}", "golang")
    assert rc == 0 and version.strip() == "1.21.13", version
    [repo_dir] = [d for d in os.listdir(str(box.cachedir)) if re.match(r"^appstream-[0-9a-f]{16}$", d)]
    repodata = box.cachedir / repo_dir / "repodata"
    [primary] = [n for n in os.listdir(str(repodata)) if "primary" in n]
    command = golang_lookup("/var/cache/dnf/%s/repodata/%s" % (repo_dir, primary), str(repodata / primary))
    snap = _snapshot(box, commands=[command],
                     files={"/srv/app/go.mod": "module example.com/app\n\ngo %s\n" % go_line})
    run = _check(snap, "--project", "/srv/app")
    if too_old:
        [finding] = run.results("PKG-GOLANG-TOO-OLD")
        assert "gives Go 1.21.13 (appstream)" in finding["title"]
        assert finding["evidence"][-1] == {"kind": "file", "source": "/srv/app/go.mod", "line": 3,
                                           "text": "go 1.22"}
    else:
        [ok] = run.results("PKG-GOLANG")
        assert ok["title"] == "golang 1.21.13-1.el9_4 available from appstream"
