"""/etc/*-release files of hosts without os-release (EL5/EL6) or to confirm it.

Samples, each with (distro id, version, line):

>>> parse_release_line("CentOS release 6.10 (Final)\\n")          # /etc/centos-release
('centos', '6.10', 'CentOS release 6.10 (Final)')
>>> parse_release_line("Red Hat Enterprise Linux Server release 6.5 (Santiago)\\n")[:2]
('rhel', '6.5')
>>> parse_release_line("CentOS Linux release 7.9.2009 (Core)\\n")[:2]
('centos', '7.9.2009')
>>> parse_release_line("CentOS Stream release 8\\n")[:2]
('centos-stream', '8')
>>> parse_release_line("Rocky Linux release 9.3 (Blue Onyx)\\n")[:2]   # /etc/rocky-release
('rocky', '9.3')
>>> parse_release_line("Scientific Linux release 6.10 (Carbon)\\n")[:2]
('scientific', '6.10')
>>> parse_release_line("Amazon Linux AMI release 2018.03\\n")[:2]
('amzn', '2018.03')
>>> parse_release_line("Kylin Linux Advanced Server release V10 (Sword)\\n")[:2]
('kylin', 'V10')

The CPE name in /etc/system-release-cpe (EL6 and later, also where os-release is missing):

>>> parse_cpe("cpe:/o:redhat:enterprise_linux:6server:ga:server\\n")
('rhel', '6')
>>> parse_cpe("cpe:/o:almalinux:almalinux:10::baseos")
('almalinux', '10')

What `rpm -q --whatprovides system-release redhat-release` printed (one NEVRA per line,
or "no package provides ..."):

>>> parse_rpm_release("centos-release-7-9.2009.1.el7.centos.x86_64\\n")
('centos', '7', 7, 'centos-release-7-9.2009.1.el7.centos.x86_64')
>>> parse_rpm_release("no package provides system-release\\nredhat-release-5Server-5.11.0.2.x86_64\\n")[:3]
('rhel', '5', None)
"""

import re

_RELEASE = re.compile(r"^(?P<name>.+?)\s+release\s+(?P<version>V?[0-9][0-9.]*)", re.I)

# The first words of a release line -> os-release ID.
_NAMES = (
    ("centos stream", "centos-stream"),
    ("centos", "centos"),
    ("red hat enterprise linux", "rhel"),
    ("rocky linux", "rocky"),
    ("almalinux", "almalinux"),
    ("oracle linux", "ol"),
    ("fedora", "fedora"),
    ("alibaba cloud linux", "alinux"),
    ("anolis", "anolis"),
    ("openeuler", "openEuler"),
    ("kylin", "kylin"),
    ("tencentos", "tencentos"),
    ("scientific linux", "scientific"),
    ("cloudlinux", "cloudlinux"),
    ("eurolinux", "eurolinux"),
    ("virtuozzo", "virtuozzo"),
    ("miracle linux", "miraclelinux"),
    ("enterprise linux enterprise linux", "ol"),  # Oracle Linux 5's /etc/enterprise-release
    ("amazon linux", "amzn"),
    ("uniontech os", "uos"),
    ("uos", "uos"),
    ("circle linux", "circle"),
    ("navy linux", "navylinux"),
    ("opencloudos", "opencloudos"),
)


def parse_release_line(text):
    """(distro id, version string, the line) from a *-release file, or None."""
    for line in (text or "").splitlines():
        line = line.strip()
        match = _RELEASE.match(line)
        if not match:
            continue
        name = match.group("name").lower()
        for prefix, distro_id in _NAMES:
            if name.startswith(prefix):
                return distro_id, match.group("version"), line
        return name.split()[0], match.group("version"), line
    return None


# (vendor, product) of a CPE name -> os-release ID.
_CPE = {
    ("redhat", "enterprise_linux"): "rhel", ("centos", "linux"): "centos",
    ("centos", "centos"): "centos", ("rocky", "rocky"): "rocky",
    ("almalinux", "almalinux"): "almalinux", ("oracle", "linux"): "ol",
    ("scientificlinux", "scientificlinux"): "scientific", ("fedoraproject", "fedora"): "fedora",
    ("amazon", "amazon_linux"): "amzn", ("amazon", "linux"): "amzn",
    ("cloudlinux", "cloudlinux"): "cloudlinux", ("eurolinux", "eurolinux"): "eurolinux",
    ("cybertrust_japan", "miracle_linux"): "miraclelinux",
}


def parse_cpe(text):
    """(distro id, major version) from a CPE name (cpe:/o:... or cpe:2.3:o:...), or None."""
    for line in (text or "").splitlines():
        parts = line.strip().split(":")
        if parts[:2] == ["cpe", "2.3"]:
            parts = ["cpe", "/o"] + parts[3:]
        if len(parts) < 5 or parts[1] != "/o":
            continue
        distro_id = _CPE.get((parts[2], parts[3]))
        major = re.match(r"\d+", parts[4])
        if distro_id and major:
            return distro_id, major.group(0)
    return None


# The package that provides system-release (redhat-release on EL5) -> os-release ID.
_RELEASE_PACKAGES = {
    "centos-release": "centos", "centos-linux-release": "centos",
    "centos-stream-release": "centos-stream", "redhat-release": "rhel",
    "redhat-release-server": "rhel", "redhat-release-workstation": "rhel",
    "rocky-release": "rocky", "almalinux-release": "almalinux", "oraclelinux-release": "ol",
    "enterprise-release": "ol", "sl-release": "scientific", "fedora-release": "fedora",
    "fedora-release-common": "fedora", "system-release": "amzn",
    "cloudlinux-release": "cloudlinux", "eurolinux-release": "eurolinux",
    "openEuler-release": "openEuler", "anolis-release": "anolis", "alinux-release": "alinux",
    "kylin-release": "kylin", "tencentos-release": "tencentos",
    "miraclelinux-release": "miraclelinux", "virtuozzo-release": "virtuozzo",
    "opencloudos-release": "opencloudos",
}


_ARCHES = (".noarch", ".x86_64", ".aarch64", ".i386", ".i686", ".ppc64le", ".s390x")


def parse_rpm_release(text):
    """(distro id, major version, EL major from the package's .elN, package) of the first
    known release package in rpm's output, or None."""
    for line in (text or "").splitlines():
        nevr = line.strip()
        if nevr.endswith(_ARCHES):
            nevr = nevr.rsplit(".", 1)[0]
        words = nevr.rsplit("-", 2)
        if len(words) != 3 or words[0] not in _RELEASE_PACKAGES:
            continue
        name, version, release = words
        major = re.match(r"V?\d+", version)
        el = re.search(r"\.el(\d+)", release)
        return (_RELEASE_PACKAGES[name], major.group(0) if major else version,
                int(el.group(1)) if el else None, line.strip())
    return None


# Repository files: the release a section's name or key names ("CentOS Linux $releasever
# - BaseOS", RPM-GPG-KEY-CentOS-7, RPM-GPG-KEY-Rocky-9, /vault/rocky/9.2/).
_REPO_NAMES = (("centos stream", "centos-stream"), ("centos", "centos"), ("rocky linux", "rocky"),
               ("almalinux", "almalinux"), ("oracle linux", "ol"), ("scientific linux", "scientific"),
               ("fedora", "fedora"), ("openeuler", "openEuler"), ("anolis", "anolis"),
               ("cloudlinux", "cloudlinux"), ("eurolinux", "eurolinux"))
_REPO_KEYS = (
    (re.compile(r"RPM-GPG-KEY-CentOS-(\d+)"), "centos"),
    (re.compile(r"RPM-GPG-KEY-centosofficial\b"), "centos"),
    (re.compile(r"RPM-GPG-KEY-Rocky-(\d+)"), "rocky"),
    (re.compile(r"RPM-GPG-KEY-AlmaLinux-(\d+)"), "almalinux"),
    (re.compile(r"RPM-GPG-KEY-sl(\d+)"), "scientific"),
    (re.compile(r"RPM-GPG-KEY-fedora-(\d+)"), "fedora"),
)
_VAULT_MINOR = re.compile(r"/(?:vault/rocky|vault|scientific/obsolete)/(\d+\.\d+)[./]")


def repo_release(sections):
    """(distro id, version, section, key) that the enabled repository sections name: the
    release word of a section's name=, the major of its gpgkey (CentOS's
    RPM-GPG-KEY-centosofficial is CentOS 8's), a minor from a vault URL; None when they
    name none."""
    for section in sections:
        name = (section.get("name") or "").lower()
        distro_id = None
        for word, candidate in _REPO_NAMES:
            if name.startswith(word):
                distro_id = candidate
                break
        gpgkey = section.get("gpgkey") or ""
        version = None
        for pattern, candidate in _REPO_KEYS:
            match = pattern.search(gpgkey)
            if match and (distro_id in (None, candidate) or
                          (candidate == "centos" and distro_id == "centos-stream")):
                distro_id = distro_id or candidate
                version = match.group(1) if match.groups() else "8"
                break
        for key in ("baseurl", "mirrorlist"):
            for url in section.urls(key):
                minor = _VAULT_MINOR.search(url)
                if minor and distro_id and (version is None or minor.group(1).split(".")[0] == version):
                    version = minor.group(1)
        if distro_id and version:
            return distro_id, version, section, "gpgkey" if gpgkey else "name"
    return None
