"""Which file of a sosreport answers which command gotriage declares.

sos runs each command of its plugins once and stores its output (stdout and stderr
together) as sos_commands/<plugin>/<name>, the name being the command line mangled by
sos's `_mangle_command` (sos/report/plugins/__init__.py; the same rule in sos 3.9,
sos/plugins/__init__.py, and in the sos 4.0 of Debian 12):

    a leading /bin/, /sbin/, /usr/bin/ or /usr/sbin/ removed; every run of characters
    other than letters, digits, _, -, . and / made one _; / made .; spaces, dots,
    underscores and dashes stripped from both ends; cut at the file system's NAME_MAX.

So `firewall-cmd --list-all-zones` is sos_commands/firewalld/firewall-cmd_--list-all-zones.

SOS_COMMANDS is the declared table, read from sos at commit
5c7e63ee22a96435d16e07c1bcb53faa8020a498 (4.12.0, 2026-08-21) and its tag 3.9: each row is
gotriage's command line (a tool named by its bare name: gotriage's `{dir}/getenforce`
is `getenforce`), the command sos runs for it, in which plugin, and how its output answers
gotriage's command.  `same`: sos runs the same command line.  Otherwise the row names the
pure function that turns sos's output into what gotriage's command would print, used only
because it answers the same question (the differences are in the docstrings).  A command
of gotriage's that no row names is "not recorded" in a sosreport (docs/sosreport.md).
tests/test_sosreport.py checks every row's file name against the real sos's
_mangle_command, and against insights-core's sos_archive specs where they name the
command too.
"""

SOS_SOURCE = "sos 4.12.0 (commit 5c7e63ee22a96435d16e07c1bcb53faa8020a498) and 3.9"

_SYSTEM_TOOL_DIRS = ("/usr/sbin/", "/usr/bin/", "/sbin/", "/bin/")


def mangle_command(command, name_max=255):
    """The file name sos gives a command's output (sos's _mangle_command).

    >>> mangle_command("firewall-cmd --list-all-zones")
    'firewall-cmd_--list-all-zones'
    >>> mangle_command("/usr/sbin/semanage port -l")
    'semanage_port_-l'
    >>> mangle_command("ls -lR /lib/systemd")
    'ls_-lR_.lib.systemd'
    """
    import re

    name = re.sub(r"^/(usr/|)(bin|sbin)/", "", command)
    name = re.sub(r"[^\w\-\.\/]+", "_", name)
    name = re.sub(r"/", ".", name).strip(" ._-")
    return name[:name_max]


def uname_machine(text):
    """`uname -m` from `uname -a`: the word before the operating system (GNU uname
    prints -a as kernel, node, release, version (several words), machine, then the
    processor and the platform unless they are unknown, then the operating system; all
    three are the machine on Linux, so the word before the last is it).

    >>> uname_machine("Linux rhel9 5.14.0-362.8.1.el9_3.x86_64 #1 SMP PREEMPT_DYNAMIC "
    ...               "Tue Oct 3 11:12:36 EDT 2023 x86_64 x86_64 x86_64 GNU/Linux\\n")
    'x86_64\\n'
    >>> uname_machine("Linux vm 6.1.0-13-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.55-1 "
    ...               "(2023-09-29) aarch64 GNU/Linux\\n")
    'aarch64\\n'
    >>> uname_machine("uname: not found") is None
    True
    """
    words = text.split()
    if len(words) < 5 or words[0] != "Linux" or "/" not in words[-1] and words[-1] != "Linux":
        return None
    return words[-2] + "\n"


def sestatus_mode(text):
    """`getenforce` from `sestatus`: "Current mode:" as getenforce words it, and
    Disabled when sestatus says "SELinux status: disabled" (then it prints no mode).

    >>> sestatus_mode('''SELinux status:                 enabled
    ... SELinuxfs mount:                /sys/fs/selinux
    ... SELinux root directory:         /etc/selinux
    ... Loaded policy name:             targeted
    ... Current mode:                   enforcing
    ... Mode from config file:          enforcing
    ... ''')
    'Enforcing\\n'
    >>> sestatus_mode("SELinux status:                 disabled\\n")
    'Disabled\\n'
    >>> sestatus_mode("sestatus: command not found") is None
    True
    """
    mode = None
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        key, value = key.strip().lower(), value.strip().lower()
        if not sep:
            continue
        if key == "selinux status" and value == "disabled":
            return "Disabled\n"
        if key == "current mode" and value in ("enforcing", "permissive"):
            mode = value.capitalize() + "\n"
    return mode


def sestatus_enforce(text):
    """/sys/fs/selinux/enforce from `sestatus`, which reads it: 1 when the current mode is
    enforcing, 0 when permissive; None when SELinux is disabled (no selinuxfs) or the
    text says neither.

    >>> sestatus_enforce("SELinux status:  enabled\\nCurrent mode:  permissive\\n")
    '0'
    >>> sestatus_enforce("SELinux status:  disabled\\n") is None
    True
    """
    mode = sestatus_mode(text)
    return {"Enforcing\n": "1", "Permissive\n": "0"}.get(mode)


def failed_units(text):
    """`systemctl list-units --failed --plain --no-legend --no-pager` from
    `systemctl list-units --failed`: the rows without the header, the legend and the
    "●" or "*" in front of a failed unit.

    >>> failed_units('''  UNIT          LOAD   ACTIVE SUB    DESCRIPTION
    ... ● app.service   loaded failed failed My Go app
    ...
    ... LOAD   = Reflects whether the unit definition was properly loaded.
    ... ACTIVE = The high-level unit activation state, i.e. generalization of SUB.
    ... SUB    = The low-level unit activation state, values depend on unit type.
    ... 1 loaded units listed.
    ... ''')
    'app.service loaded failed failed My Go app\\n'
    >>> failed_units("0 loaded units listed.\\n")
    ''
    >>> failed_units("System has not been booted with systemd as init system (PID 1).") is None
    True
    """
    rows, table = [], False
    for line in text.splitlines():
        words = line.split()
        if words[:1] == ["UNIT"]:
            table = True
            continue
        if words[:1] in (["\u25cf"], ["*"]):
            words = words[1:]
        if len(words) >= 4 and "." in words[0] and words[1] in (
                "loaded", "not-found", "bad-setting", "error", "masked"):
            rows.append(" ".join(words))
            table = True
        elif words and words[-1:] == ["listed."]:
            table = True
    if not table:
        return None
    return "".join(row + "\n" for row in rows)


SAME = "same"

# gotriage's command line, the command sos runs (its output's file is mangle_command of
# it), the plugin, and how it answers: SAME, or a function of the text above.
SOS_COMMANDS = (
    ("systemctl show-environment", "systemctl show-environment", "systemd", SAME),
    ("systemctl list-units --failed --plain --no-legend --no-pager",
     "systemctl list-units --failed", "systemd", failed_units),
    ("firewall-cmd --list-all-zones", "firewall-cmd --list-all-zones", "firewalld", SAME),
    ("firewall-cmd --list-all-policies", "firewall-cmd --list-all-policies", "firewalld",
     SAME),
    ("firewall-cmd --direct --get-all-rules", "firewall-cmd --direct --get-all-rules",
     "firewalld", SAME),
    ("ip -o addr", "ip -o addr", "networking", SAME),
    ("semanage port -l", "semanage port -l", "selinux", SAME),
    ("uname -m", "uname -a", "kernel", uname_machine),
    ("getenforce", "sestatus", "selinux", sestatus_mode),
)

# What gotriage asks that no sos plugin runs, or runs so that it does not answer the same
# question (docs/sosreport.md lists them with the reason).
NOT_IN_SOS = (
    ("nft -j list ruleset", "sos runs `nft -a list ruleset`: text, not the JSON the "
     "firewall layer evaluates"),
    ("ss -ltune", "sos runs `ss -peaonmi` (and netstat -neopa): no IPV6_V6ONLY column"),
    ("getsebool -a", "sos runs `sestatus -b` only where SELinux is not disabled"),
    ("getconf GNU_LIBC_VERSION", "not run by sos (installed-rpms has glibc's package)"),
    ("systemctl --version", "not run by sos"),
    ("go env -json ...", "no sos plugin runs go; a user's go env is never in a sosreport"),
    ("journalctl -u UNIT", "sos's logs plugin keeps the whole journal's text only by option"),
    ("rpm -q ...", "sos's rpm plugin lists every package (installed-rpms), not these queries"),
)


def tool_line(argv):
    """gotriage's command line as the table writes it: a system tool by its bare name."""
    words = list(argv)
    if words and words[0].startswith(_SYSTEM_TOOL_DIRS):
        words[0] = words[0].rsplit("/", 1)[1]
    return " ".join(words)


_BY_LINE = {row[0]: row for row in SOS_COMMANDS}


def lookup(argv):
    """The table's row answering `argv`, or None."""
    return _BY_LINE.get(tool_line(argv))


def output_path(row):
    """The path in a sosreport of the output that answers `row`."""
    return "sos_commands/%s/%s" % (row[2], mangle_command(row[1]))
