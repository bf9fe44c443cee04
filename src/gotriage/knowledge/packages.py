"""dnf and yum as data: defaults, cache layout, what each release's golang comes from, and
which crypto policies reject SHA-1 key signatures.  Each fact names its source; the
messages quoted were printed by real dnf 4.14 in tests/test_packages_realdnf.py.
"""

# -- defaults ------------------------------------------------------------------------------
# dnf: doc/conf_ref.rst of dnf 4 ("metadata_expire ... The default is 48 hours", gpgcheck
# and repo_gpgcheck default False, reposdir default /etc/yum.repos.d, /etc/yum/repos.d,
# /etc/distro.repos.d; varsdir /etc/dnf/vars, /etc/yum/vars); the EL8+ /etc/dnf/dnf.conf
# sets gpgcheck=1 in [main].  Cache layout: libdnf Repo::Impl::getCachedir():
# CACHEDIR/<repoid>-<first 16 hex digits of sha256(metalink or mirrorlist or first baseurl)>,
# metadata in its repodata/ (checked: the directory real dnf creates).
# yum 3.4.3 (EL7): yum/config.py `metadata_expire = SecondsOption(60 * 60 * 6)` (6 hours),
# cachedir /var/cache/yum/$basearch/$releasever, repomd.xml directly in
# CACHEDIR/<repoid>/, age from CACHEDIR/<repoid>/cachecookie (yumRepo.py metadataCurrent).
DNF = {
    "name": "dnf",
    "config": ("/etc/dnf/dnf.conf", "/etc/yum.conf"),
    "reposdir": ("/etc/yum.repos.d", "/etc/yum/repos.d", "/etc/distro.repos.d"),
    "varsdir": ("/etc/dnf/vars", "/etc/yum/vars"),
    "cachedir": "/var/cache/dnf",
    "metadata_expire": 48 * 3600,
    "gpgcheck": False,
    "repo_gpgcheck": False,
}
YUM = {
    "name": "yum",
    "config": ("/etc/yum.conf",),
    "reposdir": ("/etc/yum.repos.d", "/etc/yum/repos.d"),
    "varsdir": ("/etc/yum/vars",),
    "cachedir": "/var/cache/yum/$basearch/$releasever",
    "metadata_expire": 6 * 3600,
    "gpgcheck": False,
    "repo_gpgcheck": False,
}

# What the messages look like (real dnf 4.14, tests/test_packages_realdnf.py).
MSG_NO_URL = "Error: Cannot find a valid baseurl for repo: %s"
MSG_FILE_SKIPPED = "Warning: failed loading '%s', skipping."
# The traceback's last line depends on what is not UTF-8 (dnf 4.14, measured).
MSG_CRASH = {
    "the section name is not UTF-8": "TypeError: in method 'ConfigParser_substitute', argument 1 of type "
                                     "'std::string &'",
    "the key is not UTF-8": "TypeError: in method 'ConfigParser_getSubstitutedValue', argument 3 of type "
                            "'std::string const &'",
    "the value is not UTF-8": "TypeError: in method 'OptionBinds_Item_newString', argument 3 of type "
                              "'std::string const &'",
}
MSG_DUPLICATE = "Repository %s is listed more than once in the configuration"
MSG_NO_CACHE = "Error: Cache-only enabled but no cache for '%s'"
MSG_BAD_SIGNATURE = ("Error: Failed to download metadata for repo '%s': repomd.xml GPG signature "
                     "verification error: Bad GPG signature")
MSG_KEY_MISSING = ("Error: Failed to retrieve GPG key for repo '%s': Curl error (37): Couldn't read a "
                   "file:// file for file://%s [Couldn't open file %s]")
MSG_NO_REPOS = "Error: There are no enabled repositories in \"%s\"."
MSG_NO_MATCH = {"dnf": "Error: Unable to find a match: golang",
                "yum": "No package golang available."}


def parse_seconds(value):
    """A dnf/yum time option ("6h", "2d", "90m", "3600", "-1", "never") in seconds; -1 means
    never expires; None when it cannot be read (dnf.conf(5): units s, m, h, d)."""
    text = (value or "").strip().lower()
    if text in ("never", "-1"):
        return -1
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    factor = 1
    if text and text[-1] in units:
        factor, text = units[text[-1]], text[:-1]
    try:
        number = float(text)
    except ValueError:
        return None
    number *= factor
    if number != number or number in (float("inf"), float("-inf")):
        return None  # "nan", "inf", "1e999", "1e308d": float() reads them, dnf does not
    return int(number) if number >= 0 else -1


# -- where golang comes from ---------------------------------------------------------------
class GolangSource(object):
    __slots__ = ("repo", "match", "enable", "source")

    def __init__(self, repo, match, enable, source):
        self.repo = repo  # the repository's usual name
        self.match = match  # substrings of repo ids that are that repository
        self.enable = enable  # argv that makes it available
        self.source = source


# EL7: golang is not in CentOS/RHEL 7 base repositories, it is EPEL 7's golang package
# (Fedora EPEL, https://docs.fedoraproject.org/en-US/epel/); RHEL 7's own Go was the
# go-toolset-7 Software Collection (devtools repository).  EL8: the go-toolset module
# (golang package) in AppStream; EL9/EL10: the golang and go-toolset packages in AppStream
# (Red Hat "Using Go Toolset" for RHEL 8, 9, 10).  openEuler ships golang in its OS and
# everything repositories; Amazon Linux 2 in amzn2-core, AL2023 in amazonlinux; Fedora in
# fedora/updates.
GOLANG_BY_EL = {
    7: GolangSource("EPEL", ("epel",), ["yum", "install", "-y", "epel-release"], "EPEL 7 golang package"),
    8: GolangSource("AppStream", ("appstream",), ["dnf", "config-manager", "--set-enabled", "appstream"],
                    "RHEL 8 Go Toolset (go-toolset module in AppStream)"),
    9: GolangSource("AppStream", ("appstream",), ["dnf", "config-manager", "--set-enabled", "appstream"],
                    "RHEL 9 Go Toolset (AppStream)"),
    10: GolangSource("AppStream", ("appstream",), ["dnf", "config-manager", "--set-enabled", "appstream"],
                     "RHEL 10 Go Toolset (AppStream)"),
}
GOLANG_BY_DISTRO = {
    "openEuler": GolangSource("OS / everything", ("os", "everything", "update"), None,
                              "openEuler golang package (OS and everything repositories)"),
    "amzn": GolangSource("amzn2-core / amazonlinux", ("amzn", "amazonlinux"), None,
                         "Amazon Linux golang package"),
    "fedora": GolangSource("fedora", ("fedora", "updates"), None, "Fedora golang package"),
}


def golang_source(distro_id, el):
    return GOLANG_BY_DISTRO.get(distro_id) or GOLANG_BY_EL.get(el)


# -- SHA-1 in OpenPGP key self-signatures ----------------------------------------------------
# Sources:
# - RHEL 8 and older accept SHA-1 signatures in packages and keys by default: Red Hat blog
#   "RHEL security: SHA-1 package signatures distrusted in RHEL 9" ("The packaging stack on
#   RHEL 8 (and older) accepts SHA-1 signatures without complaints").
# - RHEL 9: rpm checks signatures through the system crypto policy; DEFAULT (and FUTURE,
#   FIPS) reject SHA-1, so keys whose self-signatures use SHA-1 fail to import: "warning:
#   Signature not supported. Hash algorithm SHA1 not available." / "error: KEY: key 1
#   import failed." (rpm-software-management/rpm#1977, SHA-1 subkey binding, CentOS Stream
#   9; kopia/kopia#2624 on Rocky 9).  LEGACY or the SHA1 sub-policy (`update-crypto-policies
#   --set DEFAULT:SHA1`) allow them again (Red Hat solution 6868611).
# - RHEL 10: rpm uses rpm-sequoia, which follows the crypto policy: "Policy rejected
#   non-revocation signature (PositiveCertification) requiring second pre-image resistance
#   because: SHA1 is not considered secure" (CISOfy/lynis#1638, RHEL 10 / Rocky 10).  The
#   RHEL 10 LEGACY policy "allows SHA-1 signatures outside TLS" (RHEL 10 Security
#   hardening, "Using system-wide cryptographic policies").
# - A NO-SHA1 sub-policy removes SHA-1 from any policy (rspamd/rspamd#6183, AlmaLinux 9).
SHA1_ALLOWED_BASES = ("LEGACY",)
SHA1_ALLOWING_MODULES = ("SHA1",)
SHA1_REJECTING_MODULES = ("NO-SHA1",)
SHA1_REJECTING_BASES = ("DEFAULT", "FUTURE", "FIPS")
SHA1_KEY_ERROR = {
    9: "warning: Signature not supported. Hash algorithm SHA1 not available.",
    10: "because: SHA1 is not considered secure",
}


def sha1_rejected(el, policy):
    """Whether rpm on an EL `el` host with crypto `policy` (parsers.crypto_policy.Policy)
    rejects SHA-1 key signatures: True, False, or None when the policy is a custom one."""
    if el is None or el < 9:
        return False
    if any(m in SHA1_REJECTING_MODULES for m in policy.modules):
        return True
    if any(m in SHA1_ALLOWING_MODULES for m in policy.modules):
        return False
    if policy.base in SHA1_ALLOWED_BASES:
        return False
    if policy.base in SHA1_REJECTING_BASES:
        return True
    return None


REFERENCES = {
    "dnf.conf": "https://dnf.readthedocs.io/en/latest/conf_ref.html",
    "sha1": "https://www.redhat.com/en/blog/rhel-security-sha-1-package-signatures-distrusted-rhel-9",
    "crypto-policies": "https://docs.redhat.com/en/documentation/red_hat_enterprise_linux/9/html/"
                       "security_hardening/using-the-system-wide-cryptographic-policies_security-hardening",
    "epel": "https://docs.fedoraproject.org/en-US/epel/",
    "go": "https://go.dev/dl/",
}
