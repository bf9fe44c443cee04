"""/etc/*-release files of hosts without os-release (EL5/EL6) or to confirm it.

Samples::

    CentOS release 6.10 (Final)                                  (/etc/centos-release)
    Red Hat Enterprise Linux Server release 6.5 (Santiago)       (/etc/redhat-release)
    CentOS Linux release 7.9.2009 (Core)                         (/etc/centos-release)
    CentOS Stream release 8                                      (/etc/centos-release)
    Rocky Linux release 9.3 (Blue Onyx)                          (/etc/rocky-release)
"""

import re

_RELEASE = re.compile(r"^(?P<name>.+?)\s+release\s+(?P<version>[0-9][0-9.]*)", re.I)

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
