"""What the system layer reads: the distribution and release, the kernel, the machine and
glibc, the repositories' mirrors, kernel modules, conntrack, limits (facts/system.py)."""

from gotriage.i18n import N_
from gotriage.inputs.spec import QUICK, Command, File, Layer, Listing, Need

STUCK = N_("a basic tool hangs: a stuck file system, or a wrapper in its place")
# the *-release files, for a host without os-release (EL5, EL6, a damaged one) or whose
# os-release says ID=rhel for a rebuild (Scientific Linux 7.0-7.5); the most precise first
RELEASE_FILES = ("/etc/centos-release", "/etc/rocky-release", "/etc/almalinux-release",
                 "/etc/oracle-release", "/etc/enterprise-release", "/etc/sl-release",
                 "/etc/cloudlinux-release", "/etc/fedora-release", "/etc/redhat-release",
                 "/etc/system-release")

INPUTS = Layer("system", [
    File("os-release", "/etc/os-release", "the distribution and release"),
    File("os-release-lib", "/usr/lib/os-release", "the same, where /etc/os-release is missing"),
    File("release-file", "{path}", "a *-release file (%s), where os-release is missing"
         % ", ".join(RELEASE_FILES)),
    File("release-cpe", "/etc/system-release-cpe", "the release's CPE name, where no "
                                                   "*-release file names it"),
    Command("release-package", ["rpm", "-q", "--whatprovides", "system-release",
                                "redhat-release"],
            "the package that provides the release (rpm database), where no release file "
            "was read", need=Need(("SYS-DISTRO",), STUCK, N_("the release is named from the "
                                                          "repository files, or not at all"))),
    File("kernel", "/proc/sys/kernel/osrelease", "the running kernel, against Go's minimum"),
    Command("machine", ["uname", "-m"], "the host's architecture ($basearch, a binary's "
                                        "machine)", timeout=QUICK,
            need=Need(("SVC-EXEC", "PKG-REPOS", "PKG-CACHE", "PKG-GOLANG"), STUCK,
                      N_("the host's architecture is unknown: $basearch and a service binary's "
                      "architecture are not checked"))),
    Command("glibc", ["getconf", "GNU_LIBC_VERSION"], "the host's glibc version",
            timeout=QUICK),
    Listing("repo-dir", "/etc/yum.repos.d", "the repository files (dead CentOS mirrors)"),
    File("repo-file", "/etc/yum.repos.d/{name}", "a repository file", max_bytes=1024 * 1024),
    File("proc-modules", "/proc/modules", "the loaded kernel modules"),
    File("modules-builtin", "/lib/modules/{kernel}/modules.builtin",
         "the modules built into the running kernel"),
    File("modules-dep", "/lib/modules/{kernel}/modules.dep", "the modules it can load"),
    Listing("modules-load-dir", "/etc/modules-load.d", "modules loaded at boot (merged "
                                                       "conntrack module names)"),
    File("modules-load", "/etc/modules-load.d/{name}", "a modules-load.d file"),
    File("sysctl", "/proc/sys/{name}", "a kernel setting (the conntrack table's size and "
                                       "use)"),
    File("limits-conf", "/etc/security/limits.conf", "pam_limits' rules (nofile, nproc)"),
    Listing("limits-dir", "/etc/security/limits.d", "the same, in limits.d"),
    File("limits-file", "/etc/security/limits.d/{name}", "a limits.d file"),
    File("own-limits", "/proc/self/limits", "the limits gotriage runs with"),
])
