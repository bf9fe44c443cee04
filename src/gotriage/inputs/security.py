"""What the security layer reads (docs/security.md): sshd's configuration with its
Include'd drop-ins, the PAM files of the password rules, /etc/shadow (through the
"shadow" redaction class: the live host drops every hash as it reads it, so only an
account's name and whether its password is empty reach the facts or a snapshot),
firewalld's and SELinux's configuration, dnf/yum's gpgcheck settings and the automatic
updates' configuration, and which of their units are enabled (the wants/ links
`systemctl enable` makes).  No command is run: everything is a file."""

from gotriage.inputs.spec import File, Layer, Listing, Meta

SSHD_CONFIG = "/etc/ssh/sshd_config"
# The PAM files SCAP's no_empty_passwords reads (authselect's, on EL8+ links into
# /etc/authselect).
PAM_FILES = ("/etc/pam.d/system-auth", "/etc/pam.d/password-auth")
SMALL = 1024 * 1024
# a unit is enabled when its [Install] target's .wants directory links it
WANTS = "/etc/systemd/system/{target}.wants/{unit}"

INPUTS = Layer("security", [
    File("sshd-config", "{path}", "sshd_config and the files its Include lines name "
                                  "(PermitRootLogin: the first value sshd reads wins)",
         max_bytes=SMALL),
    Listing("sshd-include-dir", "{dir}", "a directory an sshd Include glob names "
                                         "(/etc/ssh/sshd_config.d)"),
    File("pam", "{path}", "the PAM files with pam_unix's nullok (%s)" % ", ".join(PAM_FILES),
         max_bytes=SMALL),
    File("shadow", "/etc/shadow", "the accounts whose password field is empty (read with the "
                                  "hashes dropped: only names and empty/locked are kept)",
         max_bytes=16 * SMALL, redact="shadow"),
    Meta("unit-wants", WANTS, "whether a unit is enabled: firewalld.service, "
                              "dnf-automatic*.timer, yum-cron.service"),
    File("firewalld-conf", "/etc/firewalld/firewalld.conf", "firewalld's DefaultZone"),
    File("selinux-config", "/etc/selinux/config", "SELINUX= and SELINUXTYPE="),
    File("selinux-enforce", "/sys/fs/selinux/enforce", "SELinux's mode now (1: enforcing)"),
    File("dnf-conf", "/etc/dnf/dnf.conf", "dnf's [main] gpgcheck"),
    File("yum-conf", "/etc/yum.conf", "yum's [main] gpgcheck (EL7; a link to dnf.conf on EL8+)"),
    Listing("repo-dir", "/etc/yum.repos.d", "the repository files"),
    File("repo-file", "/etc/yum.repos.d/{name}", "a repository file's gpgcheck= lines",
         max_bytes=SMALL),
    File("dnf-automatic-conf", "/etc/dnf/automatic.conf", "dnf-automatic's upgrade_type and "
                                                          "apply_updates (EL8+)"),
    File("yum-cron-conf", "/etc/yum/yum-cron.conf", "yum-cron's update_cmd and apply_updates "
                                                    "(EL7)"),
    Listing("walk-dir", "{dir}", "a directory of the bounded walk for world-writable files: "
                                 "each Go install's GOROOT, each Go service's "
                                 "WorkingDirectory= and its program's directory"),
    Meta("walk-entry", "{path}", "an entry of that walk: its mode (never its contents)"),
], uses=("system/os-release", "toolchain/install-root", "service/unit-file",
         "service/program"))
