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
