"""Cases of the system layer (SYS-*).

The releases are the real release files of tests/data/el.  A host that is not about end
of life runs Rocky 10 (supported until 2035), so that the case stays the same for years.
"""

import os

from recipes import case
from recipes.build import ALICE, el_host, go_root, release_files

SNAPSHOT = "{case}/snapshot"
SYSTEM = ["check", "--root", SNAPSHOT, "--layer", "system"]
HAND_BUILT = "hand-built snapshot (tests/cases/recipes/system.py)"
ROCKY10_KERNEL = "6.12.0-55.9.1.el10_0.x86_64"
NPROC_CONF = ("# Default limit for number of user's processes to prevent\n"
              "# accidental fork bombs.\n# See rhbz #432903 for reasoning.\n\n"
              "*          soft    nproc     4096\nroot       soft    nproc     unlimited\n")


def machine(s, arch="x86_64", glibc="2.39"):
    s.command(["uname", "-m"], arch + "\n")
    s.command(["getconf", "GNU_LIBC_VERSION"], "glibc %s\n" % glibc)
    return s


def rocky10(**kw):
    s = el_host("rocky-10.0", "app10", **kw)
    s.file("/proc/sys/kernel/osrelease", ROCKY10_KERNEL + "\n")
    s.file("/proc/modules", "nf_conntrack 188416 6 nft_ct,nf_nat, Live 0xffffffffc0a1c000\n"
                            "xfs 2306048 2 - Live 0xffffffffc0d9e000\n")
    return machine(s)


@case("sys-distro-dead-mirror",
      "CentOS 8.1, past its end of life, with the CentOS 8.3+ repository files still on "
      "mirrorlist.centos.org: every dnf command fails until they point at the vault.",
      "the real release files of CentOS 8.1.1911 (/etc, kernel osrelease) and the real .repo "
      "files of CentOS 8.3+ (tests/data/el/centos-8.1.1911, centos-8.3plus; see "
      "tests/data/SOURCES.md)",
      SYSTEM, ["SYS-DISTRO-DEAD-MIRROR", "SYS-DISTRO-EOL"])
def sys_distro_dead_mirror(directory):
    s = el_host("centos-8.1.1911", "centos8")
    release_files(s, "centos-8.1.1911")
    release_files(s, "centos-8.3plus")
    machine(s, glibc="2.28")
    s.write(os.path.join(directory, "snapshot"))


@case("sys-distro-unknown",
      "A minimal container image with no os-release and no *-release file.",
      HAND_BUILT, SYSTEM, ["SYS-DISTRO-UNKNOWN"], exit=0)
def sys_distro_unknown(directory):
    s = el_host("rocky-10.0", "box")
    del s.files["/etc/os-release"]
    s.file("/proc/sys/kernel/osrelease", ROCKY10_KERNEL + "\n")
    s.file("/proc/modules", "nf_conntrack 188416 6 nft_ct,nf_nat, Live 0xffffffffc0a1c000\n")
    machine(s)
    s.write(os.path.join(directory, "snapshot"))


@case("sys-kernel-too-old",
      "RHEL 6.5 (kernel 2.6.32) with go.dev's Go 1.24 in /usr/local/go: Go 1.24 needs Linux "
      "3.2, so go itself and everything it builds die at start.",
      HAND_BUILT + ": RHEL 6.5's real os-release (tests/data/el/rhel-6.5), its kernel "
      "release string, a minimal Go ELF as bin/go",
      SYSTEM, ["SYS-DISTRO-EOL", "SYS-GOBIN-WONT-RUN", "SYS-KERNEL-TOO-OLD"])
def sys_kernel_too_old(directory):
    s = el_host("rhel-6.5", "legacy6", environ={"PATH": "/usr/local/go/bin:/usr/bin:/bin",
                                                 "HOME": "/root", "LANG": "en_US.UTF-8"})
    release_files(s, "rhel-6.5")
    s.file("/proc/sys/kernel/osrelease", "2.6.32-431.el6.x86_64\n")
    s.file("/proc/modules", "nf_conntrack 79601 2 nf_conntrack_ipv4,xt_state, Live 0xffffffffa0287000\n")
    machine(s, glibc="2.12")
    go_root(s, "/usr/local/go", "go1.24.1")
    s.write(os.path.join(directory, "snapshot"))


@case("sys-limits",
      "alice's login limits: a limits.conf rule caps open files at 1024 (hard) and "
      "processes at 512, and one line pam_limits cannot read.",
      HAND_BUILT + "; limits.d/20-nproc.conf is the file EL ships (pam)",
      SYSTEM, ["SYS-DISTRO-OLD-MINOR", "SYS-LIMITS-BAD-LINE", "SYS-LIMITS-NOFILE", "SYS-LIMITS-NPROC"])
def sys_limits(directory):
    s = rocky10(identity=ALICE, environ={"PATH": "/usr/local/bin:/usr/bin:/bin",
                                         "HOME": "/home/alice", "LANG": "C.UTF-8"})
    s.file("/etc/security/limits.d/20-nproc.conf", NPROC_CONF)
    s.file("/etc/security/limits.conf", "# /etc/security/limits.conf\n#\n"
           "alice            hard    nofile          1024\n"
           "alice            soft    nproc           512\n"
           "alice            nofile  4096\n")
    s.write(os.path.join(directory, "snapshot"))


@case("sys-modules-missing",
      "nf_conntrack is neither loaded, built in nor in modules.dep of the running kernel "
      "(kernel-modules-core not installed for it).",
      HAND_BUILT, SYSTEM, ["SYS-DISTRO-OLD-MINOR", "SYS-MODULES-MISSING"])
def sys_modules_missing(directory):
    s = rocky10()
    s.file("/proc/modules", "xfs 2306048 2 - Live 0xffffffffc0d9e000\n")
    s.file("/lib/modules/%s/modules.dep" % ROCKY10_KERNEL,
           "kernel/fs/xfs/xfs.ko.xz: kernel/lib/libcrc32c.ko.xz\nkernel/lib/libcrc32c.ko.xz:\n")
    s.file("/lib/modules/%s/modules.builtin" % ROCKY10_KERNEL, "kernel/fs/ext4/ext4.ko\n")
    s.write(os.path.join(directory, "snapshot"))


@case("sys-modules-merged-conntrack-full",
      "A modules-load.d file from an EL7 script still loads nf_conntrack_ipv4 (merged into "
      "nf_conntrack), and the conntrack table is 91% full.",
      HAND_BUILT, SYSTEM, ["SYS-DISTRO-OLD-MINOR", "SYS-MODULES-CONNTRACK-FULL", "SYS-MODULES-MERGED"])
def sys_modules_merged(directory):
    s = rocky10()
    s.file("/etc/modules-load.d/firewall.conf", "# loaded by the old provisioning script\n"
                                                "nf_conntrack_ipv4\n")
    s.file("/proc/sys/net/netfilter/nf_conntrack_count", "240000\n")
    s.file("/proc/sys/net/netfilter/nf_conntrack_max", "262144\n")
    s.write(os.path.join(directory, "snapshot"))


@case("sys-input-hung",
      "`getconf GNU_LIBC_VERSION` never answers (a wrapper in its place waits): the glibc "
      "version is the release's, and the verdict resting on it is marked unconfirmed.",
      HAND_BUILT + "; the hangs recorded as collect records a command it killed",
      SYSTEM, ["SYS-DISTRO-OLD-MINOR", "SYS-INPUT-HUNG"])
def sys_input_hung(directory):
    s = el_host("rocky-10.0", "app10")
    s.file("/proc/sys/kernel/osrelease", ROCKY10_KERNEL + "\n")
    s.file("/proc/modules", "nf_conntrack 188416 6 nft_ct,nf_nat, Live 0xffffffffc0a1c000\n")
    s.command(["uname", "-m"], "x86_64\n")
    s.hung(["getconf", "GNU_LIBC_VERSION"], 5)
    s.write(os.path.join(directory, "snapshot"))
