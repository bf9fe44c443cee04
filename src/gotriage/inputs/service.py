"""What the service layer reads: systemd's version and environment, the units (files,
drop-ins, enabled and failed ones), their programs, users, environment files, mounts,
SELinux labels, the running server's process and limits, journal and `systemd-analyze
verify` (facts/service.py).  `--trace` is not
an input: it starts the program (service/trace.py, live only, asked first)."""

from gotriage.i18n import N_
from gotriage.inputs.spec import QUICK, Command, File, Layer, Listing, Meta, Need

SYSTEMD_STUCK = N_("systemd (PID 1) or D-Bus is stuck")
MAX_UNIT_BYTES = 1024 * 1024
JOURNAL_LINES = 200

INPUTS = Layer("service", [
    # systemd itself
    Command("systemd-version", ["systemctl", "--version"], "the host's systemd (which "
                                                           "directives and specifiers exist)",
            timeout=QUICK),
    Meta("booted", "/run/systemd/system", "whether systemd runs as PID 1"),
    Command("manager-environment", ["systemctl", "show-environment"],
            "the service manager's environment (a unit's PATH)", timeout=QUICK,
            need=Need(("SVC-ENV", "SVC-EXEC", "SVC-GO"), SYSTEMD_STUCK,
                      N_("the service manager's environment is taken as systemd's default"))),
    Command("failed-units", ["systemctl", "list-units", "--failed", "--plain", "--no-legend",
                             "--no-pager"], "the failed units (with the enabled ones, the "
                                            "units examined)",
            need=Need(("SVC-UNIT",), SYSTEMD_STUCK, N_("failed units are not listed, only "
                                                    "enabled ones"))),
    # units
    Listing("unit-dir", "{dir}", "the unit directories: enabled units (*.wants, *.requires), "
                                 "drop-ins (NAME.d)"),
    Meta("unit", "{path}", "a unit file: a symlink to /dev/null (masked), its real path"),
    File("unit-file", "{path}", "a unit file or drop-in", max_bytes=MAX_UNIT_BYTES),
    # programs, users, environment
    File("passwd", "/etc/passwd", "User= and Group= (their ids, homes, shells)"),
    File("group", "/etc/group", "Group= and SupplementaryGroups="),
    Meta("program", "{path}", "the program ExecStart= starts (and each directory on its "
                              "way: can User= reach it)"),
    Meta("path", "{path}", "a path a unit names: WorkingDirectory=, ReadWritePaths= and the "
                           "like, a program's ELF interpreter (does it exist?)"),
    File("program-contents", "{path}", "its ELF header, loader and Go build info (never run)",
         ranged=True, redact="none"),
    File("script", "{path}", "a script ExecStart= runs (does it run go?)", max_bytes=64 * 1024),
    File("environment-file", "{path}", "an EnvironmentFile=", max_bytes=MAX_UNIT_BYTES),
    File("mountinfo", "/proc/self/mountinfo", "the mounts (a program on a noexec mount)"),
    File("unprivileged-port-start", "/proc/sys/net/ipv4/ip_unprivileged_port_start",
         "the first port a user may bind"),
    # SELinux labels
    File("selinux-enforce", "/sys/fs/selinux/enforce", "the SELinux mode now"),
    Meta("selinuxfs", "/sys/fs/selinux", "whether SELinux is enabled in the kernel"),
    File("selinux-config", "/etc/selinux/config", "the SELinux mode and policy after a reboot"),
    Meta("label", "{path}", "a program's security.selinux label, and its file capabilities "
                            "(security.capability)"),
    Command("matchpathcon", ["matchpathcon", "-n", "{path}"], "the label the policy wants on "
                                                              "a program", timeout=QUICK,
            need=Need(("SVC-LABEL",), N_("it loads the policy's file contexts: slow, or stuck"),
                      N_("the labels the policy wants come from the file_contexts files"))),
    File("file-contexts", "/etc/selinux/{policy}/contexts/files/{name}",
         "the policy's file contexts and their substitutions", max_bytes=16 * 1024 * 1024),
    # the running server (its real limits)
    Command("unit-state", ["systemctl", "show", "-p", "MainPID", "-p", "LimitNOFILE", "-p",
                           "LimitNOFILESoft", "-p", "NeedDaemonReload", "--", "{unit}"],
            "the unit's main process and the open-files limit systemd loaded for it (and "
            "whether the unit file changed since)", timeout=QUICK,
            need=Need(("SVC-LIMITS",), SYSTEMD_STUCK, N_("the running server is looked for by "
                                                      "its program in /proc"))),
    Command("manager-limits", ["systemctl", "show", "-p", "DefaultLimitNOFILE", "-p",
                               "DefaultLimitNOFILESoft"],
            "the open-files limit systemd gives a unit without LimitNOFILE= (system.conf's "
            "DefaultLimitNOFILE=)", timeout=QUICK,
            need=Need(("SVC-LIMITS",), SYSTEMD_STUCK, N_("systemd's default is taken from its "
                                                      "version"))),
    Listing("processes", "/proc", "the processes, where systemd does not name the unit's "
                                  "main process: which run its program"),
    Meta("process-exe", "/proc/{pid}/exe", "the program a process runs"),
    File("process-cgroup", "/proc/{pid}/cgroup", "whether systemd started that process for "
                                                 "the unit (its cgroup)"),
    File("process-limits", "/proc/{pid}/limits", "the limits the running server really has "
                                                 "(open files: the connections it can take)"),
    # what systemd says
    Command("journal", ["journalctl", "-u", "{unit}", "--no-pager", "-n", str(JOURNAL_LINES),
                        "-o", "short-iso"], "the unit's last journal lines"),
    Command("verify", ["systemd-analyze", "verify", "{options*}", "{path}"],
            "systemd's own reading of the unit file"),
], uses=("system/os-release", "system/machine", "toolchain/go-env", "system/limits-conf",
         "system/limits-dir", "system/limits-file", "system/own-limits"))
