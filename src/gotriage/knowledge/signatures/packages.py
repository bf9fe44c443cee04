"""Signatures of dnf and yum: dead mirrors of ended releases, unreachable repositories,
registration, packages in no enabled repository, modular filtering, GPG keys (missing,
rotated, SHA-1 under EL9's crypto policy), the rpm database and the metadata cache.
Messages of yum 3.4 (EL7), dnf 4 (EL8-10) and rpm 4.11-4.19, also as printed under a
zh_CN locale (`错误：`)."""

from gotriage.knowledge.signatures import LOW, MEDIUM, C, N, Signature

VAULT = ("point the repositories at the archive: comment out mirrorlist= and set baseurl= to "
         "https://vault.centos.org (sed -i -e 's/^mirrorlist=/#mirrorlist=/' -e "
         "'s|^#\\?baseurl=http://mirror.centos.org|baseurl=https://vault.centos.org|' "
         "/etc/yum.repos.d/CentOS-*.repo), then dnf clean all")

SIGNATURES = [
    Signature(
        "SYS-DISTRO-DEAD-MIRROR", "packages", "the release has ended and its mirrors are gone",
        keys=("No URLs in mirrorlist", "mirrorlist.centos.org", "mirror.centos.org",
              "Cannot find a valid baseurl for repo", "with no valid mirrors",
              "All mirror URLs are not using"),
        patterns=(r"(?:for repo|为仓库) '(?P<repo>[^']+)'.*Cannot prepare internal mirrorlist: No URLs in mirrorlist",
                  r"Cannot find a valid baseurl for repo: (?P<repo>(?:base|updates|extras|centosplus|"
                  r"centos-sclo-\w+)(?:/[5-8]\S*)?)\s*$",
                  r"removing mirrorlist with no valid mirrors: \S+/(?P<repo>[\w-]+)/mirrorlist\.txt",
                  r"All mirror URLs are not using ftp, http\[s\] or file",
                  r"Cannot prepare internal mirrorlist: No URLs in mirrorlist",
                  r"Could not (?:resolve|retrieve) (?:host: )?mirrorlist\.centos\.org",
                  r"(?:Could not retrieve mirrorlist|resolve host(?: name)? for) https?://mirrorlist\.centos\.org",
                  r"Couldn't resolve host name for https?://mirror(?:list)?\.centos\.org",
                  r"https?://mirror\.centos\.org/\S+: \[Errno 14\]"),
        cause="CentOS Linux 8 ended on 2021-12-31 and CentOS 7 on 2024-06-30: mirrorlist.centos.org "
              "and mirror.centos.org no longer serve them, so every repository "
              "{repo} of the release fails.  Their last packages are on vault.centos.org.",
        fix=(N(VAULT),
             N("and plan the move to a supported release (Rocky, Alma, RHEL, CentOS Stream): "
               "an ended release gets no security fixes")),
        confirm=("SYS-DISTRO-DEAD-MIRROR", "SYS-DISTRO-EOL"),
        beats=("PKG-REPO-UNREACHABLE", "PKG-GOLANG-NO-REPO", "PKG-PACKAGE-NO-REPO"),
        examples=("Error: Failed to download metadata for repo 'appstream': Cannot prepare internal "
                  "mirrorlist: No URLs in mirrorlist",
                  "错误：为仓库 'appstream' 下载元数据失败 : Cannot prepare internal mirrorlist: No URLs in mirrorlist",
                  'Could not retrieve mirrorlist http://mirrorlist.centos.org/?release=7&arch=x86_64&repo=os'
                  '&infra=stock error was',
                  '14: curl#6 - "Could not resolve host: mirrorlist.centos.org; Unknown error"')),
    Signature(
        "SYS-DISTRO-DEAD-MIRROR", "packages", "EPEL 7 has been archived",
        variant="epel7",
        keys=("metalink for repository: epel",),
        patterns=(r"Cannot retrieve metalink for repository: (?P<repo>epel\S*)",),
        cause="EPEL 7 ended with EL7 (2024-06-30): its mirrors were withdrawn and the metalink "
              "lists none; the packages are on archives.fedoraproject.org.",
        fix=(N("set baseurl=https://archives.fedoraproject.org/pub/archive/epel/7/$basearch in "
               "/etc/yum.repos.d/epel.repo and comment out metalink="),),
        confirm=("SYS-DISTRO-DEAD-MIRROR",),
        confidence=MEDIUM,
        examples=("Error: Cannot retrieve metalink for repository: epel/x86_64. Please verify its path and try again",)),
    Signature(
        "PKG-RHEL-NOT-REGISTERED", "packages", "RHEL is not registered: no repositories",
        keys=("not registered with an entitlement server", "not registered to Red Hat Subscription Management"),
        patterns=(r"This system is not registered (?:with an entitlement server|to Red Hat Subscription Management)",),
        cause="A RHEL host gets its repositories from its subscription; unregistered, it has "
              "none, so nothing can be installed.",
        fix=(C("subscription-manager", "register", why="with your Red Hat account or activation key"),
             N("or, on an air-gapped host, a repository from the RHEL DVD or an internal mirror")),
        beats=("PKG-REPO-UNREACHABLE",),
        confidence=MEDIUM,
        harmless_with=("Nothing to do", "Complete!", "Installed:", "Dependencies resolved",
                       "is already installed"),
        examples=("This system is not registered with an entitlement server. You can use "
                  "subscription-manager to register.",)),
    Signature(
        "PKG-REPOS-NONE", "packages", "no repository is enabled",
        keys=("There are no enabled repositories", "There are no enabled repos"),
        patterns=(r"There are no enabled repos(?:itories)?",),
        cause="Every repository is disabled (enabled=0) or there are no .repo files, so dnf "
              "has nowhere to install from.",
        fix=(C("dnf", "repolist", "--all", why="lists the disabled ones"),
             N("then enable the one you need: dnf config-manager --set-enabled NAME")),
        confirm=("PKG-REPOS-NONE",),
        examples=('Error: There are no enabled repositories in "/etc/yum.repos.d", "/etc/yum/repos.d", '
                  '"/etc/distro.repos.d".',)),
    Signature(
        "PKG-GOLANG-NO-REPO", "packages", "golang is in no enabled repository",
        keys=("golang", "go-toolset"),
        patterns=(r"(?:No match for argument|Unable to find a match|未找到匹配的参数|没有任何匹配): "
                  r"(?P<package>golang\S*|go-toolset\S*)",
                  r"No package (?P<package>golang\S*|go-toolset\S*) available"),
        cause="{package} comes from AppStream on EL8 and later (EPEL on EL7), and no enabled "
              "repository (or their cached metadata) lists it.",
        fix=(C("dnf", "config-manager", "--set-enabled", "appstream",
               why="EL8+; on EL7: yum install epel-release, then yum install golang"),
             N("or install a release from https://go.dev/dl/ into /usr/local/go")),
        confirm=("PKG-GOLANG-NO-REPO",),
        beats=("PKG-PACKAGE-NO-REPO",),
        examples=("No match for argument: golang", "Error: Unable to find a match: golang",
                  "No package golang available.")),
    Signature(
        "PKG-PINNED-VERSION-GONE", "packages", "a pinned package build is no longer in the repository",
        keys=("No match for argument", "Unable to find a match", "No package "),
        patterns=(r"(?:No match for argument|Unable to find a match): (?P<package>\S+-\d[\w.]*-\d[\w.]*\.el\d\S*)",
                  r"No package (?P<package>\S+-\d[\w.]*-\d[\w.]*\.el\d\S*) available"),
        cause="{package} names an exact build that the repository no longer carries: EL "
              "repositories keep only their current builds.",
        fix=(N("pin without the release part (name-version), or the build `dnf list --showduplicates "
               "NAME` lists"),),
        beats=("PKG-PACKAGE-NO-REPO", "PKG-GOLANG-NO-REPO"),
        examples=("No package golang-bin-1.16.13-2.el7 available.",)),
    Signature(
        "PKG-NAME-NOT-IN-DISTRO", "packages", "a package name of another distribution",
        keys=("No match for argument", "Unable to find a match", "No package "),
        patterns=(r"(?:No match for argument|Unable to find a match): (?P<package>lib\S+-dev|\S+-dev|"
                  r"build-essential|lib32gcc-s1|lib32stdc\+\+6|pkg-config-dev)\s*$",),
        cause="{package} is a Debian/Ubuntu package name; RHEL-family releases name it "
              "otherwise (-devel, not -dev).",
        fix=(N("use the RHEL name (-devel instead of -dev; `dnf provides '*/FILE'` finds the "
               "package of a file)"),),
        beats=("PKG-PACKAGE-NO-REPO",),
        examples=("No match for argument: lib32gcc-s1",)),
    Signature(
        "PKG-REPO-NOT-ENABLED", "packages", "the package is in a repository that is off by default",
        keys=("No match for argument", "Unable to find a match"),
        patterns=(r"(?:No match for argument|Unable to find a match): (?P<package>\S+-(?:devel|static))\s*$",),
        cause="{package} is in a repository of the release that is disabled by default (CRB "
              "on EL9, PowerTools on EL8, EPEL not installed).",
        fix=(C("dnf", "config-manager", "--set-enabled", "crb", why="EL9; EL8: powertools"),
             N("or EPEL: dnf install -y epel-release; then install it again")),
        beats=("PKG-PACKAGE-NO-REPO",),
        confidence=MEDIUM,
        examples=("No match for argument: libbpf-devel",)),
    Signature(
        "PKG-PACKAGE-NO-REPO", "packages", "the package is in no enabled repository",
        keys=("No match for argument", "Unable to find a match", "No package ", "未找到匹配的参数"),
        patterns=(r"(?:No match for argument|Unable to find a match|未找到匹配的参数): (?P<package>\S+)",
                  r"No package (?P<package>\S+) available"),
        cause="No enabled repository lists {package}: a typo, a repository to enable (CRB/"
              "PowerTools for -devel packages, EPEL), or a name this release does not use.",
        fix=(C("dnf", "provides", "{package}", why="finds the package that has a file or capability"),
             N("CRB (EL9: dnf config-manager --set-enabled crb; EL8: powertools) carries most "
               "-devel packages; EPEL the rest (dnf install epel-release)")),
        confidence=MEDIUM,
        examples=("Error: Unable to find a match: htop",)),
    Signature(
        "PKG-MODULE-FILTERED", "packages", "a module stream hides the package",
        keys=("filtered out by modular filtering",),
        patterns=(r"filtered out by modular filtering for argument: (?P<package>\S+)",),
        cause="On EL8 a module stream that is enabled (or the default of another) hides the "
              "versions of {package} outside it.",
        fix=(C("dnf", "module", "list", why="shows which stream is enabled"),
             N("then dnf module reset NAME and dnf module enable NAME:STREAM")),
        examples=("All matches were filtered out by modular filtering for argument: golang",)),
    Signature(
        "PKG-REPO-UNREACHABLE", "packages", "a repository cannot be reached",
        keys=("Curl error (", "All mirrors were tried", "Errors during downloading metadata",
              "Cannot find a valid baseurl", "Failed to download metadata for repo",
              "下载元数据失败"),
        patterns=(r"(?:for repo|为仓库|repository) '(?P<repo>[^']+)'.*(?:Curl error \((?P<curl>\d+)\)|"
                  r"Cannot download repomd\.xml|All mirrors were tried)",
                  r"Curl error \((?P<curl>6|7|28|35|56|60)\): (?P<why>[^\]]+)",
                  r"Cannot find a valid baseurl for repo: (?P<repo>\S+)",
                  r"Errors during downloading metadata for repository '(?P<repo>[^']+)'",
                  r"Failed to download metadata for repo '(?P<repo>[^']+)'"),
        cause="dnf cannot reach the repository {repo}: no route to the internet (an air-gapped "
              "host), DNS, an HTTP proxy that dnf does not know, or a TLS failure.",
        fix=(N("on an air-gapped host: point the repositories at an internal mirror (baseurl=), "
               "or install from a local repository (createrepo_c DIR, baseurl=file:///DIR)"),
             N("behind a proxy: proxy=http://HOST:PORT in /etc/dnf/dnf.conf (/etc/yum.conf)"),
             N("or skip it for now: dnf --disablerepo={repo} ...",
               otherwise="or skip it for now: dnf --disablerepo=NAME ...")),
        confirm=("PKG-CACHE-EXPIRED", "PKG-CACHE-MISSING", "PKG-REPOS-NO-URL"),
        confidence=MEDIUM,
        examples=("Curl error (6): Couldn't resolve host name for https://mirrors.rockylinux.org/"
                  "mirrorlist?arch=x86_64&repo=BaseOS-9 [Could not resolve host: mirrors.rockylinux.org]",
                  "Error: Failed to download metadata for repo 'baseos': Cannot download repomd.xml: "
                  "Cannot download repodata/repomd.xml: All mirrors were tried")),
    Signature(
        "PKG-GPG-NO-KEY", "packages", "the repository's signing key is not imported",
        keys=("is not installed", "NOKEY"),
        patterns=(r"Public key for (?P<package>\S+) is not installed",
                  r"Header V\d \w+/\w+ Signature, key ID (?P<keyid>[0-9a-f]+): NOKEY"),
        cause="The package is signed with a key that is not in the rpm database, and the "
              "repository names no gpgkey= dnf could import it from.",
        fix=(N("import the vendor's key (rpm --import /etc/pki/rpm-gpg/RPM-GPG-KEY-... or its "
               "https URL), or add gpgkey= to the .repo file"),),
        confirm=("PKG-GPG-NO-KEY", "PKG-GPG-KEY-MISSING", "PKG-GPG-KEY-INVALID"),
        examples=("Public key for golang-1.22.7-2.el9.x86_64.rpm is not installed",
                  "warning: /var/cache/dnf/x/golang.rpm: Header V4 RSA/SHA256 Signature, key ID "
                  "fd431d51: NOKEY")),
    Signature(
        "PKG-GPG-KEY-MISSING", "packages", "the key file a repository names does not exist",
        keys=("Couldn't open file", "Couldn't read a file:// file", "GPG key retrieval failed"),
        patterns=(r"GPG key retrieval failed: .*Couldn't open file (?P<path>/\S+?)\"?$",
                  r"Couldn't read a file:// file for file://(?P<path>/\S+)",
                  r"Couldn't open file (?P<path>/etc/pki/\S+?)\]?$"),
        cause="gpgkey=file://{path} names a file that does not exist, so dnf cannot import "
              "the key.",
        fix=(C("dnf", "provides", "{path}", why="the release package that installs it"),
             N("or fix gpgkey= in the .repo file")),
        confirm=("PKG-GPG-KEY-MISSING",),
        examples=('GPG key retrieval failed: [Errno 14] curl#37 - "Couldn\'t open file '
                  '/etc/pki/rpm-gpg/RPM-GPG-KEY-EPEL-7"',)),
    Signature(
        "PKG-GPG-KEY-SHA1", "packages", "a SHA-1 signature or key refused by the crypto policy",
        keys=("SHA1", "Policy rejects", "SHA-1"),
        patterns=(r"Hash algorithm SHA1 not available",
                  r"Signature not supported\. Hash algorithm SHA1",
                  r"Certificate (?P<keyid>[0-9A-F]+): Policy rejects",
                  r"SHA1 signature(?:s)? (?:is|are) not (?:allowed|supported)"),
        cause="EL9 and later (DEFAULT crypto policy) refuse SHA-1 signatures: the package or "
              "the key ({keyid}) was signed with SHA-1 by a third-party repository.",
        fix=(N("get the vendor's key re-signed with SHA-256 (most vendors published one) and "
               "import it"),
             C("update-crypto-policies", "--set", "DEFAULT:SHA1", safe=False,
               why="only as a stopgap: it weakens the whole host's policy; reboot or restart "
                   "services for it to apply")),
        confirm=("PKG-GPG-KEY-SHA1",),
        examples=("warning: Signature not supported. Hash algorithm SHA1 not available.",)),
    Signature(
        "PKG-CACHE-BAD-SIGNATURE", "packages", "the repository metadata's signature does not verify",
        keys=("GPG signature verification error", "Bad GPG signature"),
        patterns=(r"(?:for repo '(?P<repo>[^']+)': )?repomd\.xml GPG signature verification error: (?P<why>.+)",),
        cause="repomd.xml's signature does not verify with the key dnf has for {repo}: a "
              "proxy or mirror served changed metadata, or the vendor rotated (or let expire) "
              "its key.  Cleaning the metadata alone does not help when the key changed.",
        fix=(C("rpm", "-q", "gpg-pubkey", "--qf", "%{NAME}-%{VERSION}-%{RELEASE} %{SUMMARY}\\n",
               why="lists the imported keys: find the old one"),
             N("remove it (rpm -e gpg-pubkey-KEYID-DATE) and import the vendor's current key "
               "(rpm --import URL-or-FILE)")),
        confirm=("PKG-CACHE-BAD-SIGNATURE", "PKG-GPG-KEY-EXPIRED"),
        beats=("PKG-REPO-UNREACHABLE",),
        examples=("Error: Failed to download metadata for repo 'remi-safe': repomd.xml GPG signature "
                  "verification error: Bad GPG signature",)),
    Signature(
        "PKG-GPG-KEY-WRONG", "packages", "the repository's key is not the one that signed its packages",
        keys=("are already installed but they are not correct for this package",),
        patterns=(r"The GPG keys listed for the \"(?P<repo>[^\"]+)\" repository are already installed "
                  r"but they are not correct for this package",),
        cause="The key that gpgkey= names for {repo} is imported, and the packages are signed "
              "by another one: the vendor rotated its key, or the URL names another key.",
        fix=(N("configure the key whose ID the signature names (the NOKEY line above), from the "
               "vendor, and rpm --import it"),),
        confirm=("PKG-GPG-KEY-EXPIRED",),
        beats=("PKG-GPG-NO-KEY",),
        examples=('The GPG keys listed for the "Docker CE Stable - x86_64" repository are already '
                  'installed but they are not correct for this package.',)),
    Signature(
        "PKG-GPG-PACKAGE-SHA1", "packages", "packages signed with SHA-1, refused by EL9's crypto policy",
        keys=("/SHA1 Signature",),
        patterns=(r"(?:package (?P<package>\S+) does not verify: )?Header V\d \w+/SHA1 Signature, key ID "
                  r"(?P<keyid>[0-9a-f]+): BAD",),
        cause="The packages carry SHA-1 header signatures, which EL9's crypto policy (DEFAULT, "
              "FUTURE, FIPS) distrusts; --nogpgcheck does not help there.",
        fix=(N("ask the vendor for packages re-signed with SHA-256"),
             C("update-crypto-policies", "--set", "DEFAULT:SHA1", safe=False,
               why="only as a stopgap: it weakens the whole host's policy")),
        confirm=("PKG-GPG-KEY-SHA1",),
        beats=("PKG-GPG-KEY-SHA1",),
        examples=("package xnba-undi-1.21.1-1.noarch does not verify: Header V4 RSA/SHA1 Signature, "
                  "key ID ca548a47: BAD",)),
    Signature(
        "PKG-GPG-KEY-URL-404", "packages", "the repository's gpgkey= URL serves no key",
        keys=("GPG key retrieval failed", "La obtención de la llave GPG ha fallado"),
        patterns=(r"(?:GPG key retrieval failed|La obtención de la llave GPG ha fallado): ?"
                  r"\[Errno 14\] HTTPS? Error (?P<status>404|403|410)",),
        cause="gpgkey= of the repository is an http(s) URL that does not serve the key ({status}): "
              "no package of the repository passes its signature check.",
        fix=(N("correct gpgkey= in the .repo file to the vendor's real key URL"),),
        beats=("PKG-GPG-NO-KEY", "PKG-GPG-KEY-MISSING"),
        examples=("GPG key retrieval failed: [Errno 14] HTTPS Error 404 - Not Found",)),
    Signature(
        "SYS-CLOCK-WRONG", "system", "this host's clock is wrong: certificates look not yet valid",
        keys=("certificate is not yet valid", "not yet valid"),
        patterns=(r"certificate is not yet valid", r"x509: certificate has expired or is not yet valid: "
                  r"current time (?P<now>\S+) is before (?P<start>\S+)"),
        cause="The host's clock is behind, so servers' TLS certificates look not yet valid and "
              "every HTTPS download fails.",
        fix=(C("date", why="is the time right?"),
             N("synchronise it: chronyc makestep (chronyd running, an NTP server reachable)")),
        beats=("PKG-REPO-UNREACHABLE", "SYS-CERT-EXPIRED"),
        examples=("Curl error (60): SSL peer certificate or SSH remote key was not OK for "
                  "https://mirrors.fedoraproject.org/metalink?repo=epel-9 [SSL certificate problem: "
                  "certificate is not yet valid]",)),
    Signature(
        "PKG-REPO-CERT-EXPIRED", "packages", "the repository server's certificate has expired",
        keys=("certificate has expired",),
        patterns=(r"Curl error \(60\).*certificate has expired",),
        cause="The repository server's TLS certificate has expired (when this host's clock is "
              "right): every download from it fails.",
        fix=(C("date", why="first make sure this host's clock is right"),
             N("then the vendor must renew it; do not switch off sslverify")),
        beats=("PKG-REPO-UNREACHABLE", "SYS-CERT-EXPIRED"),
        examples=("[MIRROR] x.rpm: Curl error (60): SSL peer certificate or SSH remote key was not OK "
                  "for https://repo.example.com/x.rpm [SSL certificate problem: certificate has expired]",)),
    Signature(
        "PKG-GPG-KEY-INVALID", "packages", "the key file is not an OpenPGP public key",
        keys=("import read failed", "import failed."),
        patterns=(r"(?P<path>\S+): import read failed\((?P<code>-?\d+)\)",
                  r"(?P<path>/\S+): key \d+ import failed\."),
        cause="rpm could not read {path} as a key: an empty or truncated download, an HTML "
              "error page, or a certificate instead of an OpenPGP public key.",
        fix=(N("look at what was downloaded (head -c 200 the file: it must begin with -----BEGIN "
               "PGP PUBLIC KEY BLOCK-----) and fetch the vendor's real key"),),
        confirm=("PKG-GPG-KEY-INVALID",),
        examples=("error: https://repo.example.io/key.asc: import read failed(0).",)),
    Signature(
        "PKG-REPOS-DUPLICATE", "packages", "a repository is defined twice",
        keys=("is listed more than once in the configuration",),
        patterns=(r"Repository (?P<repo>\S+) is listed more than once in the configuration",),
        cause="Two .repo files (often a backup copy like CentOS-Base.repo.bak left with the .repo "
              "suffix, or a repo file from another release) define {repo}: dnf uses one of them.",
        fix=(C("grep", "-l", "^\\[{repo}\\]", "-r", "/etc/yum.repos.d", why="finds both files",
               otherwise="grep -rl '^\\[REPO\\]' /etc/yum.repos.d"),
             N("remove or rename (not to *.repo) the copy you do not want")),
        confirm=("PKG-REPOS-DUPLICATE",),
        confidence=MEDIUM,
        examples=("Repository AppStream is listed more than once in the configuration",)),
    Signature(
        "PKG-RPMDB-BROKEN", "packages", "the rpm database is damaged",
        keys=("rpmdb open failed", "BDB0113", "DB_RUNRECOVERY", "rpmdb: "),
        patterns=(r"rpmdb open failed", r"BDB0113 Thread/process", r"DB_RUNRECOVERY"),
        cause="rpm's database is damaged (an interrupted transaction, a full disk, a killed rpm).",
        fix=(N("back it up, then rebuild it: cp -a /var/lib/rpm /var/lib/rpm.bak && rpm --rebuilddb"),),
        examples=("Error: rpmdb open failed",)),
    Signature(
        "PKG-CACHE-MISSING", "packages", "cache-only mode without a cache",
        keys=("Cache-only enabled but no cache",),
        patterns=(r"Cache-only enabled but no cache for '(?P<repo>[^']+)'",),
        cause="dnf -C (or metadata_expire=never offline) found no cached metadata for {repo}.",
        fix=(C("dnf", "makecache", why="where the repository is reachable"),),
        confirm=("PKG-CACHE-MISSING", "PKG-CACHE-NO-SIGNATURE"),
        examples=("Error: Cache-only enabled but no cache for 'appstream'",)),
    Signature(
        "PKG-CACHE-CORRUPT", "packages", "the cached metadata is damaged",
        keys=("does not match checksum", "parser error", "Metadata file does not match"),
        patterns=(r"Metadata file does not match checksum", r"repomd\.xml parser error"),
        cause="The cached repository metadata is damaged (a download cut short, a proxy "
              "serving an error page).",
        fix=(C("dnf", "clean", "metadata"),),
        confirm=("PKG-CACHE-CORRUPT",),
        confidence=MEDIUM,
        examples=("Metadata file does not match checksum",)),
    Signature(
        "PKG-LOCKED", "packages", "another dnf/yum (or PackageKit) holds the lock",
        keys=("holding the yum lock", "Waiting for process with pid"),
        patterns=(r"Another app is currently holding the yum lock", r"Waiting for process with pid \d+ to finish"),
        cause="Another package manager run (often PackageKit or dnf-automatic) holds the lock; "
              "this one waits for it, which is no fault unless it never ends.",
        fix=(N("wait, or see what it is: ps -fp $(cat /var/run/yum.pid 2>/dev/null) or "
               "systemctl status packagekit dnf-automatic"),),
        confidence=LOW,
        examples=("Another app is currently holding the yum lock; waiting for it to exit...",)),
    Signature(
        "PKG-DEPENDENCY", "packages", "a dependency of the package cannot be installed",
        keys=("but none of the providers can be installed", "nothing provides "),
        patterns=(r"package (?P<package>\S+) requires (?P<needs>.+?), but none of the providers can be installed",
                  r"nothing provides (?P<needs>\S+)(?: needed by (?P<package>\S+))?"),
        cause="{package} needs {needs}, which no enabled repository provides (a repository to "
              "enable, a package built for another release, or a conflict with what is installed).",
        fix=(N("enable the repository that has it (CRB/PowerTools, EPEL, the vendor's), or install a "
               "build of the package for this release; dnf install --best --allowerasing shows "
               "the conflict"),),
        confidence=MEDIUM,
        examples=("  - nothing provides libssl.so.3()(64bit) needed by api-1.0-1.el9.x86_64",)),
    Signature(
        "PKG-REPOS-BAD-ID", "packages", "a repository id dnf refuses",
        keys=("Bad id for repo",),
        patterns=(r"Bad id for repo: (?P<repo>.+?), byte = +(?P<byte>\d+)",),
        cause="The section name [{repo}] of a .repo file has a character dnf does not allow in "
              "an id (a space, a slash...): the repository is skipped.",
        fix=(N("rename the section to letters, digits, -, _, . and : only (e.g. [corp-tools])"),),
        confirm=("PKG-REPOS-BAD-ID",),
        examples=("Bad id for repo: corp tools, byte =   4",)),
    Signature(
        "PKG-REPOS-CRASH", "packages", "dnf crashes on a value of a .repo file",
        keys=("OptionBinds_Item_newString",),
        patterns=(r"TypeError: in method 'OptionBinds_Item_newString'",),
        cause="dnf's option parser crashed on a .repo value it cannot take (bytes that are not "
              "UTF-8, an empty or malformed option).",
        fix=(N("find the file: dnf -v repolist 2>&1 | tail, or check each /etc/yum.repos.d/*.repo "
               "for non-UTF-8 bytes (grep -axv '.*' FILE)"),),
        confirm=("PKG-REPOS-CRASH",),
        examples=("TypeError: in method 'OptionBinds_Item_newString', argument 3 of type "
                  "'std::string const &'",)),
    Signature(
        "PKG-REPOS-FILE-SKIPPED", "packages", "dnf skipped a whole .repo file",
        keys=("Warning: failed loading",),
        patterns=(r"failed loading '(?P<path>[^']+)', skipping",),
        cause="dnf could not parse {path} (a line outside a section, a broken continuation) "
              "and ignores every repository in it.",
        fix=(N("fix the file's syntax: every option inside a [section], one option per line"),),
        confirm=("PKG-REPOS-FILE-SKIPPED",),
        examples=("Warning: failed loading '/etc/yum.repos.d/internal.repo', skipping.",)),
]
