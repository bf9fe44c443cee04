"""The release table (knowledge/release_data.py) against real release files: every release
directory of tests/data/el is identified — distro, EL major, glibc, the end of life on a
given day, the archive — and the table agrees with the SUPPORT_END the releases' own
os-release files carry (issue 14)."""

import datetime
import os

import pytest

from conftest import DATA, make_snapshot
from gotriage.checks import system as system_checks
from gotriage.facts.system import SystemFacts
from gotriage.host.snapshot import open_snapshot
from gotriage.knowledge import release_data, releases
from gotriage.parsers.os_release import parse_os_release
from test_system import release_files

EL = os.path.join(DATA, "el")
TODAY = datetime.date(2026, 12, 7)
CENTOS_VAULT = "https://vault.centos.org/"

# directory: (id, EL major, glibc, end: "line" (the line ended), "own" (its minor or
# service pack ended, the line goes on), "no" (supported), None (no date known),
# the archive, or None)
TABLE = {
    "almalinux-10.0": ("almalinux", 10, "2.39", "own", "https://repo.almalinux.org/vault"),
    "almalinux-8.3": ("almalinux", 8, "2.28", "own", "https://repo.almalinux.org/vault"),
    "almalinux-8.3-beta": ("almalinux", 8, "2.28", "own", "https://repo.almalinux.org/vault"),
    "amazon-2": ("amzn", 7, "2.26", "line", None),
    "amazon-2018.03": ("amzn", None, "2.17", "line", None),
    "amazon-2023": ("amzn", 9, "2.34", "no", None),
    "centos-5.11": ("centos", 5, "2.5", "line", CENTOS_VAULT + "5.11"),
    "centos-7-altarch": ("centos", 7, "2.17", "line", CENTOS_VAULT + "7.9.2009"),
    "centos-7.1.1503": ("centos", 7, "2.17", "line", CENTOS_VAULT + "7.9.2009"),
    "centos-8.0.1905": ("centos", 8, "2.28", "line", CENTOS_VAULT + "8.5.2111"),
    "centos-8.1.1911": ("centos", 8, "2.28", "line", CENTOS_VAULT + "8.5.2111"),
    "centos-8.3plus": ("centos", 8, "2.28", "line", CENTOS_VAULT + "8.5.2111"),
    "centos-stream-10": ("centos-stream", 10, "2.39", "no", None),
    "centos-stream-8": ("centos-stream", 8, "2.28", "line", CENTOS_VAULT + "8-stream"),
    "centos-stream-9": ("centos-stream", 9, "2.34", "no", None),
    "cloudlinux-8.4": ("cloudlinux", 8, "2.28", "no", None),
    "eurolinux-8.5": ("eurolinux", 8, "2.28", "line", None),
    "fedora-31": ("fedora", None, "2.30", "line",
                  "https://archives.fedoraproject.org/pub/archive/fedora/linux"),
    "fedora-42": ("fedora", None, "2.41", "line",
                  "https://archives.fedoraproject.org/pub/archive/fedora/linux"),
    "kylin-v10": ("kylin", 8, "2.28", None, None),
    "miraclelinux-8.10": ("miraclelinux", 8, "2.28", None, None),
    "miraclelinux-8.4": ("miraclelinux", 8, "2.28", None, None),
    "miraclelinux-9.2": ("miraclelinux", 9, "2.34", None, None),
    "openeuler-20.03-lts": ("openEuler", 8, "2.28", "line", "https://archives.openeuler.openatom.cn"),
    "openeuler-20.03-lts-sp2": ("openEuler", 8, "2.28", "line",
                                "https://archives.openeuler.openatom.cn"),
    "rhel-10.0": ("rhel", 10, "2.39", "no", None),
    "rhel-6.5": ("rhel", 6, "2.12", "line", None),
    "rhel-6.7": ("rhel", 6, "2.12", "line", None),
    "rhel-7.0": ("rhel", 7, "2.17", "line", None),
    "rhel-7.7": ("rhel", 7, "2.17", "line", None),
    "rhel-9.6": ("rhel", 9, "2.34", "no", None),
    "rhel-ai-9.4": ("rhel", 9, "2.34", "no", None),
    "rocky-10.0": ("rocky", 10, "2.39", "own", "https://dl.rockylinux.org/vault/rocky"),
    "rocky-8.4": ("rocky", 8, "2.28", "own", "https://dl.rockylinux.org/vault/rocky"),
    "rocky-9.2-ciq-lts": ("rocky", 9, "2.34", "own", "https://dl.rockylinux.org/vault/rocky"),
    "rocky-9.3": ("rocky", 9, "2.34", "own", "https://dl.rockylinux.org/vault/rocky"),
    "scientific-7.5": ("scientific", 7, "2.17", "line",
                       "http://ftp.scientificlinux.org/linux/scientific/obsolete/7.9"),
    "tencentos-3.1": ("tencentos", 8, "2.28", None, None),
    # the Debian-based edition: not of the EL family, its glibc is read on the host
    "uos-server-20": ("uos", None, None, None, None),
    "uos-server-20-uelc20": ("uos", 8, "2.28", None, None),
    "virtuozzo-7.3": ("virtuozzo", 7, "2.17", None, None),
}
# Directories that hold no release information at all: fedora-40 is only Fedora 40's
# /etc/sudoers (from its sudo SRPM), for the toolchain layer's sudo tests.
NOT_RELEASES = {"fedora-40"}




def facts_for(tmp_path, files, commands=()):
    snap = make_snapshot(tmp_path / "snap", files=files, commands=commands)
    return SystemFacts(open_snapshot(str(snap)), today=TODAY)


def test_every_release_directory_is_in_the_table():
    directories = {d for d in os.listdir(EL) if os.path.isdir(os.path.join(EL, d))}
    assert directories - NOT_RELEASES == set(TABLE)


@pytest.mark.parametrize("directory", sorted(TABLE))
def test_release_directory(tmp_path, directory):
    distro_id, el, glibc, end, archive = TABLE[directory]
    facts = facts_for(tmp_path, release_files(directory))
    d = facts.distro
    assert d is not None and d.release is not None, "%s is not identified" % directory
    assert (d.id, d.el, d.glibc) == (distro_id, el, glibc)
    assert facts.glibc[0] == glibc  # no getconf recorded: the release's glibc
    line = d.release.line or d.release
    state = None
    if line.past_eol(TODAY):
        state = "line"
    elif d.release.past_eol(TODAY):
        state = "own"
    elif d.release.eol is not None:
        state = "no"
    assert state == end
    assert (d.release.vault or line.vault) == archive
    results = system_checks.distro(facts)
    ids = [r.id for r in results]
    assert ids[-1] == "SYS-DISTRO" and ids[0] in {
        "line": ("SYS-DISTRO-EOL",), "own": ("SYS-DISTRO-OLD-MINOR", "SYS-DISTRO-EOL"),
        "no": ("SYS-DISTRO",), None: ("SYS-DISTRO",)}[end]
    # the version is said once ("UnionTech OS Server 20", not "... 20 20")
    title = results[-1].title
    assert " 20 20" not in title and d.describe().split()[0] in title


def test_before_and_after_the_issue():
    """The releases issue 14 names, as the system layer reports them now."""
    assert releases.lookup("openEuler", "20.03", "SP1").eol == datetime.date(2022, 12, 31)
    assert releases.lookup("openEuler", "22.03", "SP4").eol == datetime.date(2026, 6, 30)
    assert releases.lookup("openEuler", "24.03", "SP3").eol == datetime.date(2027, 12, 31)
    alma8 = releases.lookup("almalinux", 8)
    # the wiki said 01 Mar 2029 until its correction of 2024-04-01; 31 May 2029 since
    assert alma8.eol == datetime.date(2029, 5, 31) and "01 Mar 2029" in alma8.note
    for number in range(19, 44):
        fedora = releases.lookup("fedora", number)
        assert fedora.glibc and fedora.eol, number
    for line in ("5", "6", "7", "8", "9", "10"):
        rhel = releases.lookup("rhel", line)
        assert rhel.full and rhel.eol and rhel.extended, line
        assert releases.lookup("ol", line) is not None
    assert releases.lookup("rhel", 7).phase(TODAY) == "extended"  # ELS to 2029-05-31
    for distro_id, lines in (("cloudlinux", "6789"), ("scientific", "67"), ("amzn", ["1", "2", "2023"]),
                             ("alinux", "23"), ("anolis", ["7", "8", "23"]), ("eurolinux", "89"),
                             ("opencloudos", "89"), ("tencentos", "23"),
                             ("centos-stream", ["8", "9", "10"]), ("centos", "5678")):
        for line in lines:
            assert releases.lookup(distro_id, line) is not None, (distro_id, line)


def test_every_row_has_a_source_and_sane_dates():
    for release in releases.RELEASES:
        assert release.source_key in release_data.SOURCES, release
        if release.full and release.eol:
            assert release.full <= release.eol, release
        if release.extended:
            assert release.eol < release.extended, release
        if release.el is not None:
            assert release.glibc in (None, releases.EL_GLIBC[release.el]) or \
                release.id in ("amzn", "alinux", "openEuler"), release  # their own glibc


@pytest.mark.parametrize("directory", sorted(d for d in TABLE if any(
    "SUPPORT_END" in parse_os_release(t.decode()) for p, t in release_files(d).items()
    if p.endswith("os-release"))))
def test_support_end_agrees_with_the_table(directory):
    """Where a release's own os-release names its end, the table has that day, or says
    in the row why not."""
    texts = [t.decode() for p, t in release_files(directory).items() if p.endswith("os-release")]
    values = parse_os_release(texts[0])
    line = releases.lookup(values["ID"], values["VERSION_ID"].split(".")[0])
    assert line is not None
    if line.eol.isoformat() != values["SUPPORT_END"]:
        assert "SUPPORT_END=%s" % values["SUPPORT_END"] in line.note, (directory, line.note)


# -- identified without os-release ---------------------------------------------------------
def test_el5_and_el6_from_their_release_files(tmp_path):
    d = facts_for(tmp_path / "a", release_files("centos-5.11")).distro
    assert (d.id, d.major, d.el, d.glibc, d.describe()) == ("centos", 5, 5, "2.5", "CentOS 5.11")
    d = facts_for(tmp_path / "b", release_files("rhel-6.5")).distro
    assert (d.id, d.el, d.release.key) == ("rhel", 6, ("rhel", "6"))


def test_cpe_name_alone(tmp_path):
    files = {p: t for p, t in release_files("almalinux-10.0").items() if p.endswith("-cpe")}
    d = facts_for(tmp_path, files).distro
    assert (d.id, d.el, d.glibc) == ("almalinux", 10, "2.39")
    assert d.evidence[0].source == "/etc/system-release-cpe"


def test_rpm_database_when_no_release_file(tmp_path):
    rpm = {"argv": ["rpm", "-q", "--whatprovides", "system-release", "redhat-release"],
           "returncode": 0, "stdout": "centos-release-7-9.2009.1.el7.centos.x86_64\n"
                                      "centos-release-7-9.2009.1.el7.centos.x86_64\n",
           "stderr": "", "duration": 0.1, "error": None}
    d = facts_for(tmp_path, {"/etc/hostname": "x\n"}, commands=[rpm]).distro
    assert (d.id, d.el, d.release.key) == ("centos", 7, ("centos", "7"))
    assert "centos-release-7-9.2009.1.el7.centos.x86_64" in d.evidence[0].text


def test_repository_files_when_nothing_else(tmp_path):
    d = facts_for(tmp_path, release_files("rocky-9.2-ciq-lts")).distro
    assert (d.id, d.version, d.release.key) == ("rocky", "9.2", ("rocky", "9.2"))
    assert d.evidence[0].source == "/etc/yum.repos.d/rocky-addons.repo"
    d = facts_for(tmp_path / "c7", release_files("centos-7-altarch")).distro
    assert (d.id, d.release.key) == ("centos", ("centos", "7"))


def test_scientific_linux_says_rhel(tmp_path):
    d = facts_for(tmp_path, release_files("scientific-7.5")).distro
    assert (d.id, d.release.name) == ("scientific", "Scientific Linux 7")
    assert d.evidence[0].text == 'ID="rhel" VERSION_ID="7.5"'


# -- archives --------------------------------------------------------------------------------
@pytest.mark.parametrize("distro_id,line,url,archive", [
    # Scientific Linux's repo files (sl.repo, sl7x... as Fermilab's images rewrite them)
    ("scientific", "7", "http://ftp.scientificlinux.org/linux/scientific/$slreleasever/$basearch/os/",
     "http://ftp.scientificlinux.org/linux/scientific/obsolete/$slreleasever/$basearch/os/"),
    ("scientific", "7", "http://ftp1.scientificlinux.org/linux/scientific/7x/$basearch/updates/security/",
     "http://ftp1.scientificlinux.org/linux/scientific/obsolete/7x/$basearch/updates/security/"),
    ("scientific", "6", "http://ftp.scientificlinux.org/linux/scientific/mirrorlist/sl-base-6x.txt", None),
    # Fedora's fedora.repo / fedora-updates.repo: the commented baseurl and the metalink
    ("fedora", "31", "http://download.example/pub/fedora/linux/releases/$releasever/Everything/$basearch/os/",
     "https://archives.fedoraproject.org/pub/archive/fedora/linux/releases/$releasever/Everything/$basearch/os/"),
    ("fedora", "31", "https://mirrors.fedoraproject.org/metalink?repo=updates-released-f$releasever&arch=$basearch",
     "https://archives.fedoraproject.org/pub/archive/fedora/linux/updates/$releasever/Everything/$basearch/"),
    ("centos", "5", "http://mirror.centos.org/centos/$releasever/os/$basearch/",
     "https://vault.centos.org/5.11/os/$basearch/"),
])
def test_archive_urls(distro_id, line, url, archive):
    release = releases.lookup(distro_id, line)
    assert releases.stale_url(release, url)
    assert releases.archive_url(release, url) == archive


def test_live_trees_are_not_stale():
    assert not releases.stale_url(releases.lookup("scientific", 7),
                                  "http://ftp.scientificlinux.org/linux/scientific/obsolete/7.9/x86_64/os/")
    assert not releases.stale_url(releases.lookup("rocky", 9),
                                  "https://dl.rockylinux.org/vault/rocky/9.2/BaseOS/x86_64/os/")


# -- --target by name ------------------------------------------------------------------------
@pytest.mark.parametrize("name,key", [
    ("rocky8", ("rocky", "8")), ("alinux3", ("alinux", "3")), ("openeuler22.03", ("openEuler", "22.03")),
    ("centos7", ("centos", "7")), ("centos-stream9", ("centos-stream", "9")), ("amzn2023", ("amzn", "2023")),
    ("fedora40", ("fedora", "40")), ("oracle9", ("ol", "9")), ("rhel10", ("rhel", "10")),
])
def test_release_by_name(name, key):
    assert releases.by_name(name).key == key


def test_unknown_release_names():
    assert releases.by_name("rocky7") is None and releases.names_of("rocky") == ["8", "9", "10"]
    assert releases.by_name("ubuntu22.04") is None and releases.names_of("ubuntu") is None
