"""RHEL-family releases: glibc, support phases, where the packages went after the end.

The rows and their sources are data (knowledge/release_data.py, checked on its CHECKED
date); this module looks them up.  A host is matched to the most precise row there is:
an openEuler service pack ("20.03 SP2") or a Rocky/AlmaLinux minor ("9.3") before its
line ("20.03", "9").  EOL dates are compared with the host's clock; a date of None means
"not known to be past".

The archive rules say which repository URLs stop answering when a line ends and what
replaces them:
- CentOS Linux 5-8 and Stream 8: mirrorlist.centos.org and mirror.centos.org no longer
  serve them; the packages are on vault.centos.org/<last minor>/ (CentOS EOL
  announcement, the vault's layout; AltArch under vault.centos.org/altarch/).
- Scientific Linux: ftp.scientificlinux.org keeps answering, but the trees of ended
  releases moved to linux/scientific/obsolete/ (Fermilab's SL 7 images repoint their yum
  repositories there: fermilab docker images' README, "updated to point to the obsolete
  location"), and the mirror lists under linux/scientific/mirrorlist/ went with them.
- Fedora: an ended release leaves the mirror network (the metalink lists it no more) and
  its trees move to archives.fedoraproject.org/pub/archive/fedora/linux/ (Fedora
  "How to use the archive": releases/N/Everything/ARCH/os/, updates/N/Everything/ARCH/).
"""

import datetime
import re

from gotriage.knowledge import release_data as _data

CHECKED = _data.CHECKED
SOURCES = _data.SOURCES

# glibc of each EL major release (the baseline that binaries for "elN" target).
EL_GLIBC = {5: "2.5", 6: "2.12", 7: "2.17", 8: "2.28", 9: "2.34", 10: "2.39"}


def _date(text):
    return datetime.date(*(int(p) for p in text.split("-"))) if text else None


class Release(object):
    """One row of the table (a line, or a minor release / service pack of it)."""

    __slots__ = ("id", "version", "name", "el", "glibc", "full", "eol", "extended", "vault",
                 "source_key", "note", "line")

    def __init__(self, row):
        (self.id, self.version, self.name, self.el, self.glibc, full, eol, extended,
         self.vault, self.source_key, self.note) = row
        self.full, self.eol, self.extended = _date(full), _date(eol), _date(extended)
        self.line = None  # the line's Release, for a minor or service pack

    @property
    def key(self):
        return (self.id, self.version)

    @property
    def source(self):
        return SOURCES[self.source_key]

    @property
    def is_line(self):
        return self.line is None

    def past_eol(self, today):
        return self.eol is not None and today > self.eol

    def phase(self, today):
        """"full", "maintenance", "extended" (paid add-on only), "ended", or None when the
        row has no end date."""
        if self.eol is None:
            return None
        if self.full is not None and today <= self.full:
            return "full"
        if today <= self.eol:
            return "maintenance"
        if self.extended is not None and today <= self.extended:
            return "extended"
        return "ended"

    @property
    def dead_hosts(self):
        """Mirror hosts that stopped answering at this line's end."""
        line = self.line or self
        if line.id == "centos" or (line.id == "centos-stream" and line.version == "8"):
            return ("mirrorlist.centos.org", "mirror.centos.org")
        return ()

    def __repr__(self):
        return "Release(%s %s)" % (self.id, self.version)


def _build():
    rows = list(_data.ROWS)
    for distro_id, minors in (("rocky", _data.ROCKY_MINORS), ("almalinux", _data.ALMA_MINORS)):
        lines = {r[1]: r for r in rows if r[0] == distro_id}
        for minor, eol in minors:
            line = lines[minor.split(".")[0]]
            rows.append((distro_id, minor, "%s %s" % (line[2].rsplit(" ", 1)[0], minor), line[3],
                         line[4], None, eol, None, line[8], line[9], _data.MINOR_NOTE[distro_id]))
    for number, glibc, eol in _data.FEDORA:
        rows.append(("fedora", str(number), "Fedora %d" % number, None, glibc, None, eol, None,
                     "https://archives.fedoraproject.org/pub/archive/fedora/linux", "fedora",
                     _data.FEDORA_NOTE.get(number, "")))
    releases = [Release(r) for r in rows]
    by_key = {r.key: r for r in releases}
    for r in releases:
        head = r.version.split(" ")[0] if " " in r.version else r.version.split(".")[0]
        if head != r.version and (r.id, head) in by_key:
            r.line = by_key[(r.id, head)]
    return releases, by_key


RELEASES, _BY_KEY = _build()
LINES = [r for r in RELEASES if r.is_line]


def lookup(distro_id, major, minor=None):
    """The Release of (os-release ID, line) — line "8", "20.03", "2023" (an int is taken
    as its text) — and, when the table has one, of its minor release or service pack
    ("9.3", "SP2", "GA"); None when the line is unknown."""
    line = _BY_KEY.get((distro_id, str(major)))
    if line is None or not minor:
        return line
    key = "%s %s" % (line.version, minor) if not minor[:1].isdigit() else minor
    return _BY_KEY.get((distro_id, key), line)


# -- releases by name (`gotriage binary --target rocky8`) ----------------------------------
# The words a release is named by, beside its os-release ID.
ALIASES = {"almalinux": ("alma",), "ol": ("oracle", "oraclelinux", "oel"),
           "amzn": ("amazon", "al", "amazonlinux"), "alinux": ("alibaba",),
           "centos-stream": ("stream", "centosstream"), "openEuler": ("openeuler", "euler"),
           "scientific": ("sl",), "rhel": ("redhat",), "cloudlinux": ("cl",)}


def by_name(text):
    """The line a name such as "rocky8", "alinux3", "openeuler22.03", "centos-stream9",
    "amzn2023" or "fedora40" stands for, else None."""
    match = re.match(r"([a-z][a-z-]*?)-?(\d[\d.]*)$", text.lower())
    if not match:
        return None
    word, version = match.groups()
    for distro_id in sorted({r.id for r in LINES}):
        if word in (distro_id.lower(),) + ALIASES.get(distro_id, ()):
            release = _BY_KEY.get((distro_id, version))
            return release if release is not None and release.is_line else None
    return None


def names_of(word):
    """The versions the table knows for a release name ("rocky" -> ["8", "9", "10"]), or
    None when the word names no release."""
    word = word.lower()
    for distro_id in sorted({r.id for r in LINES}):
        if word in (distro_id.lower(),) + ALIASES.get(distro_id, ()):
            return [r.version for r in LINES if r.id == distro_id]
    return None


def name_examples():
    return "rocky8, alinux3, openeuler22.03, centos7, amzn2023, fedora40"


# -- archives --------------------------------------------------------------------------------
_CENTOS_PATH = re.compile(
    r"^https?://(?:mirror|mirrorlist)\.centos\.org/(?P<alt>altarch/|centos-altarch/)?"
    r"(?:centos/|\$contentdir/)?(?:\$releasever|\$stream|[0-9][0-9.]*(?:-stream)?)/(?P<rest>.*)$")
_SL_TREE = re.compile(r"^(https?://ftp[0-9]*\.scientificlinux\.org/linux/scientific/)"
                      r"(?!obsolete/)(?P<rest>.*)$")
_FEDORA_TREE = re.compile(r"^https?://(?:download\.example|download\.fedoraproject\.org|"
                          r"dl\.fedoraproject\.org)/pub/fedora/linux/(?P<rest>.*)$")
_FEDORA_METALINK = {"fedora": "releases/$releasever/Everything/$basearch/os/",
                    "updates-released": "updates/$releasever/Everything/$basearch/"}


def stale_url(release, url):
    """Whether an ended release's repository URL no longer answers (a dead mirror host,
    a tree that moved to the archive, a mirror list that no longer lists it)."""
    line = release.line or release
    if any("//%s" % host in url for host in release.dead_hosts):
        return True
    if line.id == "scientific":
        return bool(_SL_TREE.match(url))
    if line.id == "fedora":
        return "//mirrors.fedoraproject.org/" in url or bool(_FEDORA_TREE.match(url))
    return False


def archive_url(release, url):
    """The archive URL that replaces an ended release's `url` (a baseurl, a mirror list,
    or a commented-out baseurl), or None when there is no such rule."""
    line = release.line or release
    if release.dead_hosts:
        match = _CENTOS_PATH.match(url)
        base = line.vault
        if match and base:
            if match.group("alt"):
                base = base.replace("vault.centos.org/", "vault.centos.org/altarch/")
            return "%s/%s" % (base, match.group("rest"))
        repo = re.search(r"[?&]repo=([^&]+)", url)
        if repo and "mirrorlist" in url and base:
            layout = "%s/$basearch/" if line.el == 7 else "%s/$basearch/os/"
            return "%s/%s" % (base, layout % repo.group(1))
        return None
    if line.id == "scientific":
        match = _SL_TREE.match(url)
        if match and not match.group("rest").startswith("mirrorlist/"):
            return "%sobsolete/%s" % (match.group(1), match.group("rest"))
        return None
    if line.id == "fedora":
        match = _FEDORA_TREE.match(url)
        if match:
            return "%s/%s" % (line.vault, match.group("rest"))
        repo = re.search(r"[?&]repo=([a-z-]+?)-(?:f?\$releasever|f?\d+)(?:&|$)", url)
        if repo and repo.group(1) in _FEDORA_METALINK:
            return "%s/%s" % (line.vault, _FEDORA_METALINK[repo.group(1)])
    return None
