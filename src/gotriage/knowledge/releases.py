"""RHEL-family releases as data: glibc, end of life, where the packages went after EOL.

One row per (distribution id, major release).  Sources:
- glibc per EL major: the glibc package of each release (EL6 2.12, EL7 2.17, EL8 2.28,
  EL9 2.34, EL10 2.39); Amazon Linux 2 2.26, AL2023 2.34; Alibaba Cloud Linux 3 2.32;
  openEuler 20.03 2.28, 22.03 2.34, 24.03 2.38.
- CentOS Linux 6 EOL 2020-11-30, 8 EOL 2021-12-31, 7 EOL 2024-06-30 (CentOS project
  announcement of 2020-12-08, as quoted by Alibaba Cloud's "Options for dealing with CentOS
  Linux EOL"); CentOS Stream 8 EOL 2024-05-31, Stream 9 2027-05-31 (centos.org).
- RHEL maintenance end: 7 2024-06-30 (ELS to 2028), 8 2029-05-31, 9 2032-05-31,
  10 2035-05-31 (Red Hat Enterprise Linux Life Cycle); Rocky and AlmaLinux follow them.
- Oracle Linux premier support: 7 2024-12-31, 8 2029-07-31, 9 2032-06-30 (Oracle Linux
  lifetime support policy).
- Alibaba Cloud Linux 2: mainstream support ended 2024-03-31, EOL 2026-03-31; Alibaba
  Cloud Linux 3: 2031-03-31 (Alibaba Cloud ECS docs, "Alibaba Cloud Linux lifecycle").
- openEuler LTS: maintained 4 years from release (openEuler community software
  management policy): 20.03 LTS to 2024-03-31, 22.03 LTS to 2026-03-31, 24.03 LTS to
  2028-03-31.
- Fedora: each release ends four weeks after the release two versions later (Fedora
  release life cycle): 31 2020-11-24, 40 2025-05-13, 41 2025-12-15, 42 2026-05-13.
- Amazon Linux 2 EOL 2026-06-30, Amazon Linux 2023 2029-06-30 (AWS FAQ).
- Vault/archive locations: vault.centos.org (CentOS 6/7/8, Stream 8),
  dl.rockylinux.org/vault/rocky, repo.almalinux.org/vault.
EOL dates are compared with the host's clock; a date of None means "not known to be past".
"""

import datetime

# glibc of each EL major release (the baseline that binaries for "elN" target).
EL_GLIBC = {6: "2.12", 7: "2.17", 8: "2.28", 9: "2.34", 10: "2.39"}


class Release(object):
    __slots__ = ("key", "name", "el", "glibc", "eol", "vault", "dead_hosts", "source")

    def __init__(self, key, name, el, glibc, eol, vault=None, dead_hosts=(), source=""):
        self.key = key
        self.name = name
        self.el = el  # the EL major it is compatible with (None for Fedora)
        self.glibc = glibc
        self.eol = datetime.date(*eol) if eol else None
        self.vault = vault  # baseurl prefix that keeps the packages after EOL
        self.dead_hosts = tuple(dead_hosts)  # mirror hosts that stopped answering at EOL
        self.source = source

    def past_eol(self, today):
        return self.eol is not None and today > self.eol


_CENTOS_DEAD = ("mirrorlist.centos.org", "mirror.centos.org")

RELEASES = [
    Release(("centos", 6), "CentOS Linux 6", 6, "2.12", (2020, 11, 30),
            "https://vault.centos.org/6.10", _CENTOS_DEAD, "CentOS EOL announcement"),
    Release(("centos", 7), "CentOS Linux 7", 7, "2.17", (2024, 6, 30),
            "https://vault.centos.org/7.9.2009", _CENTOS_DEAD, "CentOS EOL announcement"),
    Release(("centos", 8), "CentOS Linux 8", 8, "2.28", (2021, 12, 31),
            "https://vault.centos.org/8.5.2111", _CENTOS_DEAD, "CentOS EOL announcement"),
    Release(("centos-stream", 8), "CentOS Stream 8", 8, "2.28", (2024, 5, 31),
            "https://vault.centos.org/8-stream", _CENTOS_DEAD, "centos.org"),
    Release(("centos-stream", 9), "CentOS Stream 9", 9, "2.34", (2027, 5, 31), None, (), "centos.org"),
    Release(("centos-stream", 10), "CentOS Stream 10", 10, "2.39", None, None, (), "centos.org"),
    Release(("rhel", 6), "Red Hat Enterprise Linux 6", 6, "2.12", (2020, 11, 30), None, (), "RHEL life cycle"),
    Release(("rhel", 7), "Red Hat Enterprise Linux 7", 7, "2.17", (2024, 6, 30), None, (), "RHEL life cycle"),
    Release(("rhel", 8), "Red Hat Enterprise Linux 8", 8, "2.28", (2029, 5, 31), None, (), "RHEL life cycle"),
    Release(("rhel", 9), "Red Hat Enterprise Linux 9", 9, "2.34", (2032, 5, 31), None, (), "RHEL life cycle"),
    Release(("rhel", 10), "Red Hat Enterprise Linux 10", 10, "2.39", (2035, 5, 31), None, (), "RHEL life cycle"),
    Release(("rocky", 8), "Rocky Linux 8", 8, "2.28", (2029, 5, 31),
            "https://dl.rockylinux.org/vault/rocky", (), "Rocky Linux release notes"),
    Release(("rocky", 9), "Rocky Linux 9", 9, "2.34", (2032, 5, 31),
            "https://dl.rockylinux.org/vault/rocky", (), "Rocky Linux release notes"),
    Release(("rocky", 10), "Rocky Linux 10", 10, "2.39", (2035, 5, 31),
            "https://dl.rockylinux.org/vault/rocky", (), "Rocky Linux release notes"),
    Release(("almalinux", 8), "AlmaLinux 8", 8, "2.28", (2029, 5, 31),
            "https://repo.almalinux.org/vault", (), "AlmaLinux life cycle"),
    Release(("almalinux", 9), "AlmaLinux 9", 9, "2.34", (2032, 5, 31),
            "https://repo.almalinux.org/vault", (), "AlmaLinux life cycle"),
    Release(("almalinux", 10), "AlmaLinux 10", 10, "2.39", (2035, 5, 31),
            "https://repo.almalinux.org/vault", (), "AlmaLinux life cycle"),
    Release(("ol", 7), "Oracle Linux 7", 7, "2.17", (2024, 12, 31), None, (), "Oracle Linux support policy"),
    Release(("ol", 8), "Oracle Linux 8", 8, "2.28", (2029, 7, 31), None, (), "Oracle Linux support policy"),
    Release(("ol", 9), "Oracle Linux 9", 9, "2.34", (2032, 6, 30), None, (), "Oracle Linux support policy"),
    Release(("alinux", 2), "Alibaba Cloud Linux 2", 7, "2.17", (2026, 3, 31), None, (),
            "Alibaba Cloud Linux lifecycle"),
    Release(("alinux", 3), "Alibaba Cloud Linux 3", 8, "2.32", (2031, 3, 31), None, (),
            "Alibaba Cloud Linux lifecycle"),
    Release(("anolis", 7), "Anolis OS 7", 7, "2.17", None, None, (), "OpenAnolis"),
    Release(("anolis", 8), "Anolis OS 8", 8, "2.28", None, None, (), "OpenAnolis"),
    Release(("openEuler", 20), "openEuler 20.03 LTS", 8, "2.28", (2024, 3, 31), None, (),
            "openEuler LTS policy (4 years)"),
    Release(("openEuler", 22), "openEuler 22.03 LTS", 9, "2.34", (2026, 3, 31), None, (),
            "openEuler LTS policy (4 years)"),
    Release(("openEuler", 24), "openEuler 24.03 LTS", 9, "2.38", (2028, 3, 31), None, (),
            "openEuler LTS policy (4 years)"),
    Release(("kylin", 10), "Kylin Linux Advanced Server V10", 8, "2.28", None, None, (), "Kylin V10"),
    Release(("tencentos", 2), "TencentOS Server 2", 7, "2.17", None, None, (), "TencentOS"),
    Release(("tencentos", 3), "TencentOS Server 3", 8, "2.28", None, None, (), "TencentOS"),
    Release(("amzn", 2), "Amazon Linux 2", 7, "2.26", (2026, 6, 30), None, (), "AWS Amazon Linux 2 FAQ"),
    Release(("amzn", 2023), "Amazon Linux 2023", 9, "2.34", (2029, 6, 30), None, (), "AWS AL2023 FAQ"),
    Release(("fedora", 31), "Fedora 31", None, "2.30", (2020, 11, 24), None, (), "Fedora life cycle"),
    Release(("fedora", 40), "Fedora 40", None, "2.39", (2025, 5, 13), None, (), "Fedora life cycle"),
    Release(("fedora", 41), "Fedora 41", None, "2.40", (2025, 12, 15), None, (), "Fedora life cycle"),
    Release(("fedora", 42), "Fedora 42", None, "2.41", (2026, 5, 13), None, (), "Fedora life cycle"),
]

_BY_KEY = {r.key: r for r in RELEASES}


def lookup(distro_id, major):
    """The Release of (os-release ID, major version), or None."""
    return _BY_KEY.get((distro_id, major))
