"""What the packages layer reads: the package manager and its configuration, repository
files and variables, keys (files, the rpm database, dnf's keyrings, and with --network the
gpgkey= URLs), the crypto policy, the metadata caches and what they offer as golang
(facts/packages.py).  Directories and the cache location come from dnf.conf or
yum.conf, so most paths are templates."""

from gotriage.i18n import N_
from gotriage.inputs.spec import Command, File, Layer, Listing, Meta, Need

MAX_CONFIG = 1024 * 1024
MAX_KEYFILE = 4 * 1024 * 1024
MAX_REPOMD = 4 * 1024 * 1024
GREP_TIMEOUT = 60.0
GREP_PATTERN = "<name>golang</name>"
FETCH_SECONDS = 20
# rpm's query format for the keys (a parameter: its braces are not the template's)
RPM_KEYS_FORMAT = "%{NAME}-%{VERSION}-%{RELEASE}\\t%{SUMMARY}\\n%{DESCRIPTION}\\n"
GOLANG_NEED = Need(("PKG-GOLANG",), N_("reading the cached metadata hangs: a stuck file system "
                                    "under the cache, or a decompressor that waits"),
                   N_("whether the repositories offer golang is unknown"))

INPUTS = Layer("packages", [
    Meta("manager", "{path}", "which package manager is installed (/usr/bin/dnf, "
                              "/usr/bin/yum)"),
    Meta("repo-dir", "{dir}", "whether a repository directory exists"),
    File("config", "{path}", "the manager's configuration ([main]: reposdir, cachedir, "
                             "gpgcheck...), or a repository file", max_bytes=MAX_CONFIG),
    Meta("config-stat", "{path}", "a repository file's time (dnf compares it with the cache)"),
    Listing("vars-dir", "{dir}", "the variables directories (/etc/dnf/vars, /etc/yum/vars)"),
    File("var", "{path}", "a variable's value ($releasever, $contentdir...)", max_bytes=4096),
    Listing("repos-dir", "{dir}", "the repository files of a reposdir"),
    Meta("repo-file-real", "{path}", "a repository file's real path (one file, one read)"),
    File("key", "{path}", "a gpgkey= file (the keys that verify a repository)",
         max_bytes=MAX_KEYFILE),
    Command("rpm-keys", ["rpm", "-q", "gpg-pubkey", "--qf", "{format}"],
            "the keys imported into the rpm database, each with its name, user id and the key "
            "(format %s): an old or expired copy of a repository's key" % RPM_KEYS_FORMAT,
            need=Need(("PKG-GPG",), N_("the rpm database is locked (a dnf or rpm that runs) or its "
                                    "files are stuck"), N_("the keys of the rpm database are not "
                                                       "compared with the repositories'"))),
    Command("key-fetch", ["curl", "--silent", "--show-error", "--fail", "--location",
                          "--max-time", str(FETCH_SECONDS), "--max-filesize", str(MAX_KEYFILE),
                          "--proto", "=https,http", "--proto-redir", "=https,http",
                          "--url", "{url}"],
            "--network only: a gpgkey=https://... key, fetched as dnf would, to read it",
            timeout=FETCH_SECONDS + 5,
            need=Need(("PKG-GPG",), N_("the key's server or the network does not answer"),
                      N_("that key is not examined"))),
    File("crypto-policy", "/etc/crypto-policies/config", "the system crypto policy (SHA-1 "
                                                         "keys under DEFAULT)", max_bytes=4096),
    Listing("cache-dir", "{dir}", "the metadata cache: one directory per repository"),
    Meta("cache", "{path}", "a cached repository: its directory, keyring, files and their "
                            "times"),
    File("repomd", "{path}", "a cached repomd.xml (what the mirror served, when)",
         max_bytes=MAX_REPOMD),
    File("repomd-signature", "{path}", "its detached signature (repo_gpgcheck)",
         max_bytes=256 * 1024),
    File("keyring", "{path}", "dnf's own keyring of a repository (pubring.kbx)",
         max_bytes=MAX_KEYFILE),
    Command("golang-grep", ["grep", "-F", "-A3", GREP_PATTERN, "{primary}"],
            "the golang packages a cached primary.xml offers", timeout=GREP_TIMEOUT,
            need=GOLANG_NEED),
    Command("golang-unpack-grep", ["sh", "-c", '"$1" -dc -- "$2" | grep -F -A3 "%s"'
                                   % GREP_PATTERN, "sh", "{tool}", "{primary}"],
            "the same, from a compressed primary.xml (gzip, xz, bzip2, zstd)",
            timeout=GREP_TIMEOUT, need=GOLANG_NEED),
], uses=("system/os-release", "system/machine", "toolchain/go-mod"))
