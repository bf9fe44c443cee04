"""Cases of the packages layer (PKG-*).

Real data: the release and .repo files of tests/data/el, and in recipes/data/packages/
what real tools wrote once (record.sh there): a createrepo_c repository holding a
golang 1.20.10 package, its repomd.xml signed by a gpg RSA key, a key whose
self-signature uses SHA-1 (as old vendor keys do), and the output of the golang lookup
gotriage runs on the host.  The clean base: Rocky 9.3 with one AppStream mirror whose
fresh, signed metadata is cached where dnf keeps it.
"""

import hashlib
import os

from recipes import case
from recipes.build import el_host, release_files

HERE = os.path.dirname(os.path.abspath(__file__))
RECORDED = os.path.join(HERE, "data", "packages")
SNAPSHOT = "{case}/snapshot"
PACKAGES = ["check", "--root", SNAPSHOT, "--layer", "packages"]
CREATED = "2026-11-18T12:00:00Z"
NOW = 1795003200  # CREATED as seconds: the layer's clock on a snapshot
MIRROR = "http://mirror.corp.example/rocky/9/AppStream/x86_64/os/"
KEY = "/etc/pki/rpm-gpg/RPM-GPG-KEY-case"
SOURCE = ("hand-built snapshot (tests/cases/recipes/packages.py): Rocky 9.3's real "
          "os-release; repository metadata, keys and signature recorded with createrepo_c and "
          "gpg (tests/cases/recipes/data/packages/record.sh)")
REAL_REPOS = "the real .repo files of %s (tests/data/el/%s, see tests/data/SOURCES.md)"


def recorded(name):
    with open(os.path.join(RECORDED, name), "rb") as f:
        return f.read()


def cache_dir(repo_id, url):
    """dnf's cache directory of a repository: ID-<first 16 hex of sha256(baseurl)>."""
    return "/var/cache/dnf/%s-%s" % (repo_id, hashlib.sha256(url.encode()).hexdigest()[:16])


def appstream_repo(gpgcheck=1, repo_gpgcheck=1, key=KEY, extra=""):
    lines = ["[appstream]", "name=Rocky Linux $releasever - AppStream (corp mirror)",
             "baseurl=" + MIRROR, "gpgcheck=%d" % gpgcheck, "repo_gpgcheck=%d" % repo_gpgcheck]
    if key:
        lines.append("gpgkey=file://" + key)
    return "\n".join(lines) + "\n" + extra


def host(release="rocky-9.3", repo=None, cached=True, age=3600, signed=True, key=True,
         lookup=True):
    """Rocky 9.3 with the corp AppStream mirror: its .repo file, key and cached metadata
    (`age` seconds old when the snapshot was made)."""
    s = el_host(release, "build9", created=CREATED)
    s.command(["uname", "-m"], "x86_64\n")
    s.file("/etc/dnf/dnf.conf", "[main]\ngpgcheck=1\ninstallonly_limit=3\nclean_requirements_on_remove=True\n"
                                "best=True\nskip_if_unavailable=False\n")
    s.file("/etc/yum.repos.d/appstream.repo", appstream_repo() if repo is None else repo,
           mode=0o644, mtime=NOW - 30 * 86400)
    if key:
        s.file(KEY, recorded("RPM-GPG-KEY-case"))
    if cached:
        base = cache_dir("appstream", MIRROR) + "/repodata/"
        for name in ("repomd.xml", "primary.xml.gz", "filelists.xml.gz", "other.xml.gz"):
            s.file(base + name, recorded("repo/repodata/" + name), mode=0o644, mtime=NOW - age)
        if signed:
            s.file(base + "repomd.xml.asc", recorded("repo/repodata/repomd.xml.asc"))
        if lookup:
            golang_lookup(s, base + "primary.xml.gz")
    return s


def golang_lookup(s, primary, hung=False):
    argv = ["sh", "-c", '"$1" -dc -- "$2" | grep -F -A3 "<name>golang</name>"', "sh", "gzip", primary]
    env = {"LC_ALL": "C", "PATH": "/usr/bin:/bin"}
    if hung:
        return s.hung(argv, 10, env=env, cwd="/")
    return s.command(argv, recorded("golang-lookup.txt"), env=env, cwd="/")


def save(s, directory):
    s.write(os.path.join(directory, "snapshot"))


# -- real release and repository files ----------------------------------------------------
@case("pkg-centos7-no-epel",
      "CentOS 7 with its stock repositories: golang comes from EPEL, which is not enabled; "
      "the key the repositories name is not on the host; nothing is cached.",
      REAL_REPOS % ("CentOS 7 (altarch)", "centos-7.1.1503, centos-7-altarch"), PACKAGES,
      ["PKG-CACHE-MISSING", "PKG-GOLANG-NO-REPO", "PKG-GPG-KEY-MISSING"])
def pkg_centos7(directory):
    s = el_host("centos-7.1.1503", "centos7", created=CREATED)
    release_files(s, "centos-7.1.1503")
    release_files(s, "centos-7-altarch")
    s.file("/etc/yum.conf", "[main]\ncachedir=/var/cache/yum/$basearch/$releasever\ngpgcheck=1\n")
    s.exe("/usr/bin/yum", b"#!/usr/bin/python\n")
    s.command(["uname", "-m"], "x86_64\n")
    save(s, directory)


@case("pkg-rhel9-not-registered",
      "RHEL 9.6 never registered: redhat.repo holds no repository, so nothing can be "
      "installed.", REAL_REPOS % ("RHEL 9.6 (os-release)", "rhel-9.6") + "; redhat.repo as "
      "subscription-manager leaves it before registration", PACKAGES, ["PKG-REPOS-NONE"])
def pkg_rhel9(directory):
    s = el_host("rhel-9.6", "rhel9", created=CREATED)
    s.command(["uname", "-m"], "x86_64\n")
    s.file("/etc/dnf/dnf.conf", "[main]\ngpgcheck=1\n")
    s.file("/etc/yum.repos.d/redhat.repo", "#\n# Certificate-Based Repositories\n# Managed by "
           "(rhsm) subscription-manager\n#\n")
    save(s, directory)


# -- repository files --------------------------------------------------------------------
@case("pkg-repos-no-url",
      "An enabled repository whose baseurl was commented out (and no mirrorlist).",
      SOURCE, PACKAGES, ["PKG-REPOS-NO-URL"])
def pkg_repos_no_url(directory):
    s = host()
    s.file("/etc/yum.repos.d/epel.repo", "[epel]\nname=Extra Packages for Enterprise Linux 9\n"
           "#baseurl=https://download.example/pub/epel/9/Everything/$basearch/\n"
           "enabled=1\ngpgcheck=1\ngpgkey=file://%s\n" % KEY)
    save(s, directory)


@case("pkg-repos-file-skipped",
      "A .repo file with a line dnf cannot parse (`key: value`): dnf skips the whole file.",
      SOURCE, PACKAGES, ["PKG-REPOS-FILE-SKIPPED"])
def pkg_repos_file_skipped(directory):
    s = host()
    s.file("/etc/yum.repos.d/internal.repo", "[internal]\nname=Internal tools\n"
           "baseurl: http://repo.corp.example/internal/9/\nenabled=1\n")
    save(s, directory)


@case("pkg-repos-crash",
      "A .repo file with a name in Latin-1 (not UTF-8): every dnf command stops with a "
      "Python traceback.", SOURCE, PACKAGES, ["PKG-REPOS-CRASH"])
def pkg_repos_crash(directory):
    s = host()
    s.file("/etc/yum.repos.d/equipe.repo", b"[equipe]\nname=D\xe9p\xf4t de l'\xe9quipe\n"
           b"baseurl=http://repo.corp.example/equipe/\nenabled=1\ngpgcheck=0\n")
    save(s, directory)


@case("pkg-repos-bad-id",
      "A repository id with a space (`[corp tools]`): dnf skips that repository.",
      SOURCE, PACKAGES, ["PKG-REPOS-BAD-ID"])
def pkg_repos_bad_id(directory):
    s = host()
    s.file("/etc/yum.repos.d/corp.repo", "[corp tools]\nname=Corp tools\n"
           "baseurl=http://repo.corp.example/tools/9/\nenabled=1\ngpgcheck=1\ngpgkey=file://%s\n" % KEY)
    save(s, directory)


@case("pkg-repos-duplicate",
      "[appstream] defined again in a file copied from another host: dnf uses the first.",
      SOURCE, PACKAGES, ["PKG-REPOS-DUPLICATE"])
def pkg_repos_duplicate(directory):
    s = host()
    s.file("/etc/yum.repos.d/rocky.repo.rpmnew.repo", appstream_repo().replace(
        "corp mirror", "copied"), mode=0o644, mtime=NOW - 40 * 86400)
    save(s, directory)


# -- keys --------------------------------------------------------------------------------
@case("pkg-gpg-off",
      "A repository with gpgcheck=0: packages are installed unchecked (info).",
      SOURCE, PACKAGES, ["PKG-GPG-OFF"], exit=0)
def pkg_gpg_off(directory):
    s = host(repo=appstream_repo(gpgcheck=0, repo_gpgcheck=0, key=None), key=False)
    save(s, directory)


@case("pkg-gpg-no-key",
      "gpgcheck=1 and no gpgkey= line: installs work only if the key was imported before.",
      SOURCE, PACKAGES, ["PKG-GPG-NO-KEY"])
def pkg_gpg_no_key(directory):
    s = host(repo=appstream_repo(repo_gpgcheck=0, key=None), key=False)
    save(s, directory)


@case("pkg-gpg-key-invalid",
      "The key file is the HTML 404 page a failed download saved.",
      SOURCE, PACKAGES, ["PKG-GPG-KEY-INVALID"])
def pkg_gpg_key_invalid(directory):
    s = host(repo=appstream_repo(repo_gpgcheck=0), key=False)
    s.file(KEY, "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n"
                "<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n"
                "</body>\r\n</html>\r\n")
    save(s, directory)


@case("pkg-gpg-key-sha1",
      "The repository key's self-signature uses SHA-1 and Rocky 9's DEFAULT crypto policy "
      "rejects it: rpm cannot import the key.",
      SOURCE, PACKAGES, ["PKG-GPG-KEY-SHA1"])
def pkg_gpg_key_sha1(directory):
    s = host(repo=appstream_repo(repo_gpgcheck=0, key="/etc/pki/rpm-gpg/RPM-GPG-KEY-vendor"),
             key=False)
    s.file("/etc/pki/rpm-gpg/RPM-GPG-KEY-vendor", recorded("RPM-GPG-KEY-sha1"))
    s.file("/etc/crypto-policies/config", "DEFAULT\n")
    save(s, directory)


ROTATION = ("hand-built snapshot (tests/cases/recipes/packages.py): Rocky 9.3's real "
            "os-release; a vendor key that expired on 2020-12-31 and its extended copy, dnf's "
            "keyring and the rpm database's answer recorded with gpg and rpm "
            "(tests/cases/recipes/data/packages/record-rotation.sh)")
VENDOR_KEY = "/etc/pki/rpm-gpg/RPM-GPG-KEY-vendor"
RPM_KEYS_ARGV = ["rpm", "-q", "gpg-pubkey", "--qf",
                 "%{NAME}-%{VERSION}-%{RELEASE}\\t%{SUMMARY}\\n%{DESCRIPTION}\\n"]


@case("pkg-gpg-key-expired-keyring",
      "After the vendor extended its key, dnf's keyring of the repository still holds the "
      "copy that expired on 2020-12-31: repomd.xml fails `Bad GPG signature` and nothing is "
      "cached; dnf never imports the extended key (the same key id) from gpgkey=.",
      ROTATION, PACKAGES, ["PKG-CACHE-MISSING", "PKG-GPG-KEY-EXPIRED"])
def pkg_gpg_key_expired_keyring(directory):
    s = host(repo=appstream_repo(key=VENDOR_KEY), key=False, cached=False)
    s.file(VENDOR_KEY, recorded("rotation/RPM-GPG-KEY-vendor"))
    s.file(cache_dir("appstream", MIRROR) + "/pubring/pubring.kbx", recorded("rotation/pubring.kbx"))
    save(s, directory)


@case("pkg-gpg-key-expired-rpmdb",
      "After the vendor extended its key, the rpm database still holds the copy that "
      "expired on 2020-12-31 (`rpm --import` of the extended key kept it): remove it, then "
      "import the key again.",
      ROTATION, PACKAGES, ["PKG-GPG-KEY-EXPIRED"])
def pkg_gpg_key_expired_rpmdb(directory):
    s = host(repo=appstream_repo(repo_gpgcheck=0, key=VENDOR_KEY), key=False)
    s.file(VENDOR_KEY, recorded("rotation/RPM-GPG-KEY-vendor"))
    s.command(RPM_KEYS_ARGV, recorded("rotation/rpm-keys.txt"))
    save(s, directory)


@case("pkg-gpg-key-expired-url",
      "gpgkey= is an https:// URL: offline it is not examined; with --network gotriage "
      "fetches it (the host's curl) and finds that the rpm database keeps the copy of that "
      "key that expired on 2020-12-31.",
      ROTATION + "; the curl answer is the extended key file as the vendor's server serves it "
      "(tests/test_packages_keys.py fetches it for real from a server on 127.0.0.1)",
      ["check", "--root", SNAPSHOT, "--layer", "packages", "--network"], ["PKG-GPG-KEY-EXPIRED"])
def pkg_gpg_key_expired_url(directory):
    from gotriage.inputs.packages import INPUTS

    url = "https://mirror.corp.example/keys/RPM-GPG-KEY-vendor"
    s = host(repo=appstream_repo(repo_gpgcheck=0, key=None, extra="gpgkey=%s\n" % url), key=False)
    s.command(INPUTS["key-fetch"].argv({"url": url}), recorded("rotation/RPM-GPG-KEY-vendor"))
    s.command(RPM_KEYS_ARGV, recorded("rotation/rpm-keys.txt"))
    save(s, directory)


# -- the metadata cache ------------------------------------------------------------------
@case("pkg-cache-missing",
      "Nothing cached for the repository (never downloaded, or `dnf clean all`): offline "
      "installs fail (info).", SOURCE, PACKAGES, ["PKG-CACHE-MISSING"], exit=0)
def pkg_cache_missing(directory):
    save(host(cached=False), directory)


@case("pkg-cache-expired",
      "The cached metadata is three days old, past dnf's 48 h metadata_expire (info).",
      SOURCE, PACKAGES, ["PKG-CACHE-EXPIRED"], exit=0)
def pkg_cache_expired(directory):
    save(host(age=3 * 86400), directory)


@case("pkg-cache-corrupt",
      "The cached repomd.xml is cut short (a full disk during `dnf makecache`).",
      SOURCE, PACKAGES, ["PKG-CACHE-CORRUPT"])
def pkg_cache_corrupt(directory):
    s = host(signed=False, repo=appstream_repo(repo_gpgcheck=0))
    path = cache_dir("appstream", MIRROR) + "/repodata/repomd.xml"
    s.file(path, recorded("repo/repodata/repomd.xml")[:200], mode=0o644, mtime=NOW - 3600)
    save(s, directory)


@case("pkg-cache-no-signature",
      "repo_gpgcheck=1 but the cache holds no repomd.xml.asc: dnf refuses the cache.",
      SOURCE, PACKAGES, ["PKG-CACHE-NO-SIGNATURE"])
def pkg_cache_no_signature(directory):
    save(host(signed=False), directory)


@case("pkg-cache-bad-signature",
      "The cached repomd.xml was changed after it was signed (its revision edited): the "
      "signature does not verify with the repository's key.",
      SOURCE + "; repomd.xml edited after signing", PACKAGES, ["PKG-CACHE-BAD-SIGNATURE"])
def pkg_cache_bad_signature(directory):
    s = host()
    path = cache_dir("appstream", MIRROR) + "/repodata/repomd.xml"
    edited = recorded("repo/repodata/repomd.xml").replace(b"<revision>1730000000</revision>",
                                                          b"<revision>1730000001</revision>")
    assert edited != recorded("repo/repodata/repomd.xml")
    s.file(path, edited, mode=0o644, mtime=NOW - 3600)
    save(s, directory)


# -- golang ------------------------------------------------------------------------------
@case("pkg-golang-too-old",
      "The mirror's newest golang is 1.20.10; the project's go.mod says go 1.22.",
      SOURCE, PACKAGES + ["--project", "/srv/app"], ["PKG-GOLANG-TOO-OLD"])
def pkg_golang_too_old(directory):
    s = host()
    s.file("/srv/app/go.mod", "module example.com/app\n\ngo 1.22\n")
    save(s, directory)


@case("pkg-input-hung",
      "The golang lookup in the cached metadata never answers (a stuck file system under "
      "/var/cache).", SOURCE + "; the hang recorded as collect records a command it killed",
      PACKAGES, ["PKG-INPUT-HUNG"])
def pkg_input_hung(directory):
    s = host(lookup=False)
    golang_lookup(s, cache_dir("appstream", MIRROR) + "/repodata/primary.xml.gz", hung=True)
    save(s, directory)
