"""The RHEL-family release table as data (knowledge/releases.py reads it): every line the
system layer knows, with its glibc, its support phases, where its packages went after its
end, and the source of each row.

Rows are (id, version, name, el, glibc, full, eol, extended, archive, source, note):
- id: the os-release ID (CentOS Stream apart as "centos-stream", Scientific Linux, which
  says ID=rhel on 7.0-7.5, as "scientific");
- version: the line ("8", "20.03", "2023"), or a minor release or service pack of it
  ("9.3", "20.03 SP2") when the vendor ends those on their own dates;
- el: the EL major it is binary compatible with (None: Fedora, Amazon Linux AMI, UOS's
  Debian edition, whose userland is their own);
- glibc: the glibc its packages ship (for lines: the release's own glibc package);
- full: end of full support (RHEL "Full Support", Rocky/AlmaLinux "active support",
  Amazon "standard support"), or None;
- eol: end of the updates this install gets (RHEL "Maintenance Support", the last day of
  an openEuler service pack, the day a Rocky/AlmaLinux minor is superseded); None: no
  date published (or none found on CHECKED);
- extended: end of paid extended support (RHEL ELS add-on, Oracle Extended Support,
  CloudLinux ELS), or None;
- archive: where the packages are kept after the end ("vault"); the archive rules
  (which repository URLs stop answering, what replaces them) are in releases.py;
- source: a key of SOURCES; note: why a date differs from the release's own os-release
  SUPPORT_END, or what is not known.

Dates were compared with their sources on CHECKED.  endoflife.date (the endoflife-date/
endoflife.date repository, products/*.md) collects the vendors' pages with links; its
commit is named where a row comes from it.
"""

CHECKED = "2026-12-07"

_EOLD = "endoflife.date products/%s.md (endoflife-date/endoflife.date @%s), from "
SOURCES = {
    "rhel": _EOLD % ("rhel", "a70eca3") +
    "Red Hat Enterprise Linux Life Cycle, https://access.redhat.com/support/policy/updates/errata",
    "centos": _EOLD % ("centos", "a70eca3") + "https://wiki.centos.org/About(2f)Product.html",
    "centos-stream": _EOLD % ("centos-stream", "a70eca3") + "https://blog.centos.org "
    "(Stream 8: wiki.centos.org/Manuals/ReleaseNotes/CentOSStream; 9, 10: their announcements)",
    "rocky": "Rocky Linux wiki, https://wiki.rockylinux.org/rocky/version/ (rocky-linux/"
    "wiki.rockylinux.org include/releng/version_table.md @6586ddb); " +
    _EOLD % ("rocky-linux", "a70eca3") + "the same page",
    "almalinux": "AlmaLinux wiki, https://wiki.almalinux.org/release-notes/ (AlmaLinux/wiki "
    "docs/release-notes/README.md @555643f: 'Each minor version reaches end of life when "
    "the new version is released')",
    "ol": _EOLD % ("oracle-linux", "a70eca3") + "Oracle Linux lifetime support policy, "
    "https://www.oracle.com/a/ocom/docs/elsp-lifetime-069338.pdf (Oracle Linux 5: Premier "
    "Support to June 2017, Extended Support to November 2020, as that policy lists it)",
    "scientific": _EOLD % ("scientific-linux", "fb4654c") + "the SCIENTIFIC-LINUX-ANNOUNCE "
    "list; archive: http://ftp.scientificlinux.org/linux/scientific/obsolete/",
    "cloudlinux": _EOLD % ("cloudlinux", "016aaca") + "https://docs.cloudlinux.com/"
    "introduction/cloudlinux-os-editions/#cloudlinux-os-life-cycle",
    "eurolinux": _EOLD % ("eurolinux", "a70eca3") + "https://web.archive.org/web/"
    "20240916162852/https://euro-linux.com/en/software/eurolinux/specification/",
    "fedora": _EOLD % ("fedora", "a70eca3") + "https://docs.fedoraproject.org/en-US/releases/"
    "lifecycle/ and fedorapeople.org/groups/schedule; glibc: the glibc package each release "
    "shipped (packages.fedoraproject.org/pkgs/glibc/), the glibc of February for a spring "
    "release and of August for an autumn one since Fedora 21",
    "amzn": _EOLD % ("amazon-linux", "a70eca3") + "AWS: https://aws.amazon.com/amazon-linux-2/"
    "faqs/, https://aws.amazon.com/linux/amazon-linux-2023/faqs/, "
    "https://aws.amazon.com/amazon-linux-ami/faqs/",
    "openEuler": "openEuler download archive, https://www.openeuler.org/en/download/archive/ "
    "(the 'Planned EOL' month of each release: opensourceways-portal/openeuler-portal-mirror "
    "app/.vitepress/src-new/data/download/download.ts @c8f128e, PLANNED_EOL); " +
    _EOLD % ("openeuler", "d9ab232") + "the same table (24.03 LTS SP4)",
    "anolis": _EOLD % ("anolis-os", "d563145") + "https://gitee.com/anolis/rnotes/blob/master/"
    "anolis/policy/life-cycle.md",
    "opencloudos": _EOLD % ("opencloudos", "52be684") + "https://docs.opencloudos.org/release/"
    "oc_intro/",
    "alinux": "Alibaba Cloud ECS docs, 'Alibaba Cloud Linux' lifecycle table, "
    "https://www.alibabacloud.com/help/en/ecs/user-guide/solution-for-alibaba-cloud-linux-2-"
    "entering-the-els-phase (updated 2025-11-13)",
    "tencentos": "TencentOS Server release files (ansible/ansible test fixture "
    "tencentos_3_1.json: PLATFORM_ID=platform:el8); no end date published by Tencent found",
    "kylin": "Kylin Linux Advanced Server V10 release files (ansible/ansible fixture "
    "kylin_linux_advanced_server_v10.json, kernel 4.19.90-*.ky10); built on openEuler 20.03 "
    "(glibc 2.28); no end date per service pack published by KylinSoft found",
    "uos": "UnionTech OS Server 20 release files (ansible/ansible fixtures uos_20.json: no "
    "PLATFORM_ID, /etc/lsb-release, classified Debian; uniontech_os_server_20_uelc20.json: "
    "PLATFORM_ID=platform:uelc20, classified RedHat; ..._uel20.json: platform:uel20); no end "
    "date published by UnionTech found",
    "miraclelinux": "MIRACLE LINUX release files (os-release PLATFORM_ID=platform:el8/el9); no "
    "end date found",
    "virtuozzo": "Virtuozzo Linux 7 release files (ansible/ansible fixture virtuozzo_7.3.json: "
    "ID_LIKE=rhel, VERSION_ID=7); no end date found",
    "el-rebuild": "a rebuild of the RHEL release of the same major (its os-release "
    "PLATFORM_ID / ID_LIKE): glibc as RHEL; no end date of its own found",
}

# (minor, the day it stopped getting updates) of Rocky Linux (the wiki's version table:
# "End of Life" of each minor) and AlmaLinux (the release date of the next minor).
ROCKY_MINORS = (
    ("8.3", "2021-06-21"), ("8.4", "2021-11-15"), ("8.5", "2022-05-15"),
    ("8.6", "2022-11-11"), ("8.7", "2023-05-20"), ("8.8", "2023-11-11"),
    ("8.9", "2024-05-31"), ("9.0", "2022-11-26"), ("9.1", "2023-05-16"),
    ("9.2", "2023-11-20"), ("9.3", "2024-05-09"), ("9.4", "2024-11-19"),
    ("9.5", "2025-06-04"), ("9.6", "2025-11-30"), ("9.7", "2026-05-31"),
    ("10.0", "2025-11-25"), ("10.1", "2026-05-31"),
)
ALMA_MINORS = (
    ("8.3", "2021-05-26"), ("8.4", "2021-11-12"), ("8.5", "2022-05-12"),
    ("8.6", "2022-11-10"), ("8.7", "2023-05-18"), ("8.8", "2023-11-21"),
    ("8.9", "2024-05-28"), ("9.0", "2022-11-16"), ("9.1", "2023-05-10"),
    ("9.2", "2023-11-13"), ("9.3", "2024-05-06"), ("9.4", "2024-11-18"),
    ("9.5", "2025-05-20"), ("9.6", "2025-11-17"), ("9.7", "2026-05-26"),
    ("10.0", "2025-11-24"), ("10.1", "2026-05-26"),
)
MINOR_NOTE = {
    "rocky": "a minor release ends when the next one is out; `dnf upgrade` moves the host "
             "to it (the wiki gives the months of 9.6 and 9.7/10.1: their last day is used)",
    "almalinux": "a minor release ends when the next one is out (its release date here); "
                 "`dnf upgrade` moves the host to it",
}

# Fedora: (release, glibc, end of life).
FEDORA = (
    (19, "2.17", "2015-01-06"), (20, "2.18", "2015-06-23"), (21, "2.20", "2015-12-01"),
    (22, "2.21", "2016-07-19"), (23, "2.22", "2016-12-20"), (24, "2.23", "2017-08-08"),
    (25, "2.24", "2017-12-12"), (26, "2.25", "2018-05-29"), (27, "2.26", "2018-11-30"),
    (28, "2.27", "2019-05-28"), (29, "2.28", "2019-11-26"), (30, "2.29", "2020-05-26"),
    (31, "2.30", "2020-11-24"), (32, "2.31", "2021-05-25"), (33, "2.32", "2021-11-30"),
    (34, "2.33", "2022-06-07"), (35, "2.34", "2022-12-13"), (36, "2.35", "2023-05-16"),
    (37, "2.36", "2023-12-05"), (38, "2.37", "2024-05-21"), (39, "2.38", "2024-11-26"),
    (40, "2.39", "2025-05-13"), (41, "2.40", "2025-12-15"), (42, "2.41", "2026-05-27"),
    (43, "2.42", "2026-12-09"), (44, "2.43", "2027-06-02"),
)
FEDORA_NOTE = {
    42: "the release's os-release says SUPPORT_END=2026-05-13, the date planned at its "
        "release; Fedora 44 came out late (2026-04-28), and a release ends four weeks "
        "after the one two later, so Fedora 42 ran to 2026-05-27",
}

_RHEL = "Red Hat Enterprise Linux"
ROWS = [
    # id, version, name, el, glibc, full, eol, extended, archive, source, note
    ("rhel", "5", _RHEL + " 5", 5, "2.5", "2013-01-08", "2017-03-31", "2020-11-30", None, "rhel", ""),
    ("rhel", "6", _RHEL + " 6", 6, "2.12", "2016-05-10", "2020-11-30", "2024-06-30", None, "rhel", ""),
    ("rhel", "7", _RHEL + " 7", 7, "2.17", "2019-08-06", "2024-06-30", "2029-05-31", None, "rhel", ""),
    ("rhel", "8", _RHEL + " 8", 8, "2.28", "2024-05-31", "2029-05-31", "2033-05-31", None, "rhel", ""),
    ("rhel", "9", _RHEL + " 9", 9, "2.34", "2027-05-31", "2032-05-31", "2036-05-31", None, "rhel", ""),
    ("rhel", "10", _RHEL + " 10", 10, "2.39", "2030-05-31", "2035-05-31", "2039-05-31", None, "rhel", ""),
    ("centos", "5", "CentOS 5", 5, "2.5", "2014-01-31", "2017-03-31", None,
     "https://vault.centos.org/5.11", "centos", ""),
    ("centos", "6", "CentOS Linux 6", 6, "2.12", "2017-05-10", "2020-11-30", None,
     "https://vault.centos.org/6.10", "centos", ""),
    ("centos", "7", "CentOS Linux 7", 7, "2.17", "2020-08-06", "2024-06-30", None,
     "https://vault.centos.org/7.9.2009", "centos", ""),
    ("centos", "8", "CentOS Linux 8", 8, "2.28", "2021-12-31", "2021-12-31", None,
     "https://vault.centos.org/8.5.2111", "centos", ""),
    ("centos-stream", "8", "CentOS Stream 8", 8, "2.28", "2024-05-31", "2024-05-31", None,
     "https://vault.centos.org/8-stream", "centos-stream", ""),
    ("centos-stream", "9", "CentOS Stream 9", 9, "2.34", "2027-05-31", "2027-05-31", None, None,
     "centos-stream", ""),
    ("centos-stream", "10", "CentOS Stream 10", 10, "2.39", "2030-05-31", "2030-05-31", None, None,
     "centos-stream", ""),
    ("rocky", "8", "Rocky Linux 8", 8, "2.28", "2024-05-31", "2029-05-31", None,
     "https://dl.rockylinux.org/vault/rocky", "rocky", ""),
    ("rocky", "9", "Rocky Linux 9", 9, "2.34", "2027-05-31", "2032-05-31", None,
     "https://dl.rockylinux.org/vault/rocky", "rocky", ""),
    ("rocky", "10", "Rocky Linux 10", 10, "2.39", "2030-05-31", "2035-05-31", None,
     "https://dl.rockylinux.org/vault/rocky", "rocky", ""),
    ("almalinux", "8", "AlmaLinux 8", 8, "2.28", "2024-05-31", "2029-05-31", None,
     "https://repo.almalinux.org/vault", "almalinux",
     "security support to 31 May 2029 since the wiki's correction of 2024-04-01 (AlmaLinux/"
     "wiki 9bb57d1, 'Fixed support dates'); before it the page said 01 Mar 2029"),
    ("almalinux", "9", "AlmaLinux 9", 9, "2.34", "2027-05-31", "2032-05-31", None,
     "https://repo.almalinux.org/vault", "almalinux", ""),
    ("almalinux", "10", "AlmaLinux 10", 10, "2.39", "2030-05-31", "2035-05-31", None,
     "https://repo.almalinux.org/vault", "almalinux",
     "AlmaLinux 10's os-release says SUPPORT_END=2035-06-01, the first day without support; "
     "the wiki's last day is 31 May 2035"),
    ("ol", "5", "Oracle Linux 5", 5, "2.5", None, "2017-06-30", "2020-11-30", None, "ol", ""),
    ("ol", "6", "Oracle Linux 6", 6, "2.12", None, "2021-03-31", "2024-12-31", None, "ol", ""),
    ("ol", "7", "Oracle Linux 7", 7, "2.17", None, "2024-12-31", "2028-06-30", None, "ol", ""),
    ("ol", "8", "Oracle Linux 8", 8, "2.28", None, "2029-07-31", "2032-07-31", None, "ol", ""),
    ("ol", "9", "Oracle Linux 9", 9, "2.34", None, "2032-06-30", "2035-06-30", None, "ol", ""),
    ("ol", "10", "Oracle Linux 10", 10, "2.39", None, None, None, None, "ol",
     "Oracle has not published the end of Oracle Linux 10 (endoflife.date: eol false)"),
    ("scientific", "5", "Scientific Linux 5", 5, "2.5", None, "2017-03-31", None,
     "http://ftp.scientificlinux.org/linux/scientific/obsolete/511", "scientific", ""),
    ("scientific", "6", "Scientific Linux 6", 6, "2.12", None, "2020-11-30", None,
     "http://ftp.scientificlinux.org/linux/scientific/obsolete/6.10", "scientific", ""),
    ("scientific", "7", "Scientific Linux 7", 7, "2.17", None, "2024-06-30", None,
     "http://ftp.scientificlinux.org/linux/scientific/obsolete/7.9", "scientific", ""),
    ("cloudlinux", "6", "CloudLinux OS 6", 6, "2.12", None, "2020-11-30", "2024-06-30", None,
     "cloudlinux", ""),
    ("cloudlinux", "7", "CloudLinux OS 7", 7, "2.17", None, "2024-06-30", "2027-06-30", None,
     "cloudlinux", ""),
    ("cloudlinux", "8", "CloudLinux OS 8", 8, "2.28", None, "2029-05-31", None, None, "cloudlinux", ""),
    ("cloudlinux", "9", "CloudLinux OS 9", 9, "2.34", None, "2032-05-31", None, None, "cloudlinux", ""),
    ("cloudlinux", "10", "CloudLinux OS 10", 10, "2.39", None, "2035-05-31", None, None, "cloudlinux", ""),
    ("eurolinux", "6", "EuroLinux 6", 6, "2.12", None, "2020-12-31", None, None, "eurolinux", ""),
    ("eurolinux", "7", "EuroLinux 7", 7, "2.17", None, "2024-07-31", None, None, "eurolinux", ""),
    ("eurolinux", "8", "EuroLinux 8", 8, "2.28", "2024-10-23", "2024-11-03", None, None, "eurolinux", ""),
    ("eurolinux", "9", "EuroLinux 9", 9, "2.34", "2024-10-23", "2024-11-03", None, None, "eurolinux", ""),
    ("amzn", "1", "Amazon Linux AMI", None, "2.17", "2020-12-31", "2023-12-31", None, None, "amzn",
     "every AMI release (2010.11 to 2018.03) shares the one end"),
    ("amzn", "2", "Amazon Linux 2", 7, "2.26", "2026-06-30", "2026-06-30", None, None, "amzn", ""),
    ("amzn", "2023", "Amazon Linux 2023", 9, "2.34", "2027-06-30", "2029-06-30", None, None, "amzn",
     "the release's os-release says SUPPORT_END=2028-03-01, the end AWS announced at its "
     "release; AWS has since moved the end of maintenance to 2029-06-30"),
    ("alinux", "2", "Alibaba Cloud Linux 2", 7, "2.17", "2024-03-31", "2026-03-31", None, None,
     "alinux", "mainstream support to 2024-03-31, then Extended Life Support to 2026-03-31"),
    ("alinux", "3", "Alibaba Cloud Linux 3", 8, "2.32", None, "2031-03-31", None, None, "alinux", ""),
    ("anolis", "7", "Anolis OS 7", 7, "2.17", None, None, None, None, "el-rebuild",
     "the Anolis OS life-cycle policy names an end only for Anolis OS 8"),
    ("anolis", "8", "Anolis OS 8", 8, "2.28", "2026-03-31", "2031-03-31", None, None, "anolis",
     "5 years of development support, then 5 of maintenance support"),
    ("anolis", "23", "Anolis OS 23", None, None, None, None, None, None, "anolis",
     "Anolis OS 23 is the community's own base (no EL major); no end date published"),
    ("opencloudos", "8", "OpenCloudOS 8", 8, "2.28", "2027-05-31", "2029-05-31", None, None,
     "opencloudos", ""),
    ("opencloudos", "9", "OpenCloudOS 9", None, None, "2030-04-30", "2033-04-30", None, None,
     "opencloudos", "OpenCloudOS 9 is built independently (no EL major, its own glibc: read "
     "with getconf on the host)"),
    ("tencentos", "2", "TencentOS Server 2", 7, "2.17", None, None, None, None, "tencentos", ""),
    ("tencentos", "3", "TencentOS Server 3", 8, "2.28", None, None, None, None, "tencentos", ""),
    ("kylin", "10", "Kylin Linux Advanced Server V10", 8, "2.28", None, None, None, None, "kylin",
     "service packs (SP1, SP2, SP3) share the line's data: KylinSoft publishes no end per "
     "service pack"),
    ("uos", "20", "UnionTech OS Server 20", None, None, None, None, None, None, "uos",
     "three editions say VERSION_ID=20: the Debian-based one (no PLATFORM_ID), uelc20 "
     "(EL8 compatible) and uel20 (openEuler based); facts/system.py tells them apart"),
    ("miraclelinux", "8", "MIRACLE LINUX 8", 8, "2.28", None, None, None, None, "miraclelinux", ""),
    ("miraclelinux", "9", "MIRACLE LINUX 9", 9, "2.34", None, None, None, None, "miraclelinux", ""),
    ("virtuozzo", "7", "Virtuozzo Linux 7", 7, "2.17", None, None, None, None, "virtuozzo", ""),
    ("circle", "8", "Circle Linux 8", 8, "2.28", None, None, None, None, "el-rebuild", ""),
    ("circle", "9", "Circle Linux 9", 9, "2.34", None, None, None, None, "el-rebuild", ""),
    ("navylinux", "8", "Navy Linux 8", 8, "2.28", None, None, None, None, "el-rebuild", ""),
    ("navylinux", "9", "Navy Linux 9", 9, "2.34", None, None, None, None, "el-rebuild", ""),
    # openEuler: each LTS release and service pack ends on its own date (the download
    # archive's "Planned EOL" month, its last day).
    ("openEuler", "20.03", "openEuler 20.03 LTS", 8, "2.28", None, "2025-11-30", None,
     "https://archives.openeuler.openatom.cn", "openEuler",
     "the line ends with its last service pack (SP4)"),
    ("openEuler", "20.03 GA", "openEuler 20.03 LTS", 8, "2.28", None, "2021-03-31", None,
     "https://archives.openeuler.openatom.cn", "openEuler", ""),
    ("openEuler", "20.03 SP1", "openEuler 20.03 LTS SP1", 8, "2.28", None, "2022-12-31", None,
     "https://archives.openeuler.openatom.cn", "openEuler", ""),
    ("openEuler", "20.03 SP2", "openEuler 20.03 LTS SP2", 8, "2.28", None, "2022-04-30", None,
     "https://archives.openeuler.openatom.cn", "openEuler", ""),
    ("openEuler", "20.03 SP3", "openEuler 20.03 LTS SP3", 8, "2.28", None, "2023-12-31", None,
     "https://archives.openeuler.openatom.cn", "openEuler", ""),
    ("openEuler", "20.03 SP4", "openEuler 20.03 LTS SP4", 8, "2.28", None, "2025-11-30", None,
     "https://archives.openeuler.openatom.cn", "openEuler", ""),
    ("openEuler", "22.03", "openEuler 22.03 LTS", 9, "2.34", None, "2026-06-30", None,
     "https://archives.openeuler.openatom.cn", "openEuler",
     "the line ends with its last service pack (SP4)"),
    ("openEuler", "22.03 GA", "openEuler 22.03 LTS", 9, "2.34", None, "2024-03-31", None,
     "https://archives.openeuler.openatom.cn", "openEuler", ""),
    ("openEuler", "22.03 SP1", "openEuler 22.03 LTS SP1", 9, "2.34", None, "2024-12-31", None,
     "https://archives.openeuler.openatom.cn", "openEuler", ""),
    ("openEuler", "22.03 SP2", "openEuler 22.03 LTS SP2", 9, "2.34", None, "2024-03-31", None,
     "https://archives.openeuler.openatom.cn", "openEuler", ""),
    ("openEuler", "22.03 SP3", "openEuler 22.03 LTS SP3", 9, "2.34", None, "2025-12-31", None,
     "https://archives.openeuler.openatom.cn", "openEuler", ""),
    ("openEuler", "22.03 SP4", "openEuler 22.03 LTS SP4", 9, "2.34", None, "2026-06-30", None,
     "https://archives.openeuler.openatom.cn", "openEuler", ""),
    ("openEuler", "24.03", "openEuler 24.03 LTS", 9, "2.38", None, None, None,
     "https://archives.openeuler.openatom.cn", "openEuler",
     "the line runs on with its service packs: no date for the line as a whole"),
    ("openEuler", "24.03 GA", "openEuler 24.03 LTS", 9, "2.38", None, "2026-05-31", None,
     "https://archives.openeuler.openatom.cn", "openEuler", ""),
    ("openEuler", "24.03 SP1", "openEuler 24.03 LTS SP1", 9, "2.38", None, "2026-12-31", None,
     "https://archives.openeuler.openatom.cn", "openEuler", ""),
    ("openEuler", "24.03 SP2", "openEuler 24.03 LTS SP2", 9, "2.38", None, "2026-03-31", None,
     "https://archives.openeuler.openatom.cn", "openEuler", ""),
    ("openEuler", "24.03 SP3", "openEuler 24.03 LTS SP3", 9, "2.38", None, "2027-12-31", None,
     "https://archives.openeuler.openatom.cn", "openEuler", ""),
    ("openEuler", "24.03 SP4", "openEuler 24.03 LTS SP4", 9, "2.38", None, "2027-03-31", None,
     "https://archives.openeuler.openatom.cn", "openEuler", ""),
]
