"""Cases of the service layer (SVC-*).

Real data: the service snapshots of tests/data/services (EL7, EL8, EL9 hosts with broken
Go services and the journal lines systemd writes for each failure).  The hand-built
cases are one unit each, on a Rocky 9.3 host (systemd 252, SELinux enforcing) built the
same way (tests/data/services/make_service_snapshots.py): the program a minimal Go ELF
labelled bin_t, the journal in systemd 252's own message formats, `systemd-analyze
verify` output as Debian 12's systemd-analyze 252 printed it for the same unit.
"""

import os
import re

from recipes import case, data_case
from recipes.build import ALICE, data, el_host, elf, journal

SNAPSHOT = "{case}/snapshot"
HAND_BUILT = ("hand-built snapshot (tests/cases/recipes/service.py): Rocky 9.3's real "
              "os-release, systemd 252's journal formats")
SERVICES = "tests/data/services/%s (tests/data/services/make_service_snapshots.py)"
MOUNTINFO = ("22 1 253:0 / / rw,relatime shared:1 - xfs /dev/mapper/rl-root rw,attr2,inode64\n"
             "23 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n"
             "40 22 0:33 / /tmp rw,nosuid,nodev,noexec shared:17 - tmpfs tmpfs rw,seclabel\n"
             "41 22 253:2 / /home rw,relatime shared:18 - xfs /dev/mapper/rl-home rw,attr2\n")
BIN_T = "system_u:object_r:bin_t:s0"
STAMP = "2025-03-02T10:14:07+0100 HOST "


def service(unit, *extra):
    return ["service", unit, "--root", SNAPSHOT] + list(extra)


# -- the service snapshots of tests/data/services ----------------------------------------
for _name, _expect in (
        # tagger.service too: its ExecStart=GOMAXPROCS=2 /usr/local/bin/tagger runs nothing,
        # but the Go program it names makes it a Go service `check` examines
        ("el7-services", ["SVC-EXEC-ENV-PREFIX", "SVC-EXEC-PREFIX", "SVC-JOURNAL-CONFIG",
                          "SVC-JOURNAL-EXIT", "SVC-UNIT-SPECIFIER", "SVC-UNIT-UNKNOWN-KEY",
                          "SVC-WORKDIR-QUOTED"]),
        ("el8-services", ["SVC-ENV-FILE-MISSING", "SVC-EXEC-ARCH", "SVC-EXEC-INTERP",
                          "SVC-JOURNAL-EXEC", "SVC-JOURNAL-USER", "SVC-USER-MISSING"]),
        ("el9-services", ["SVC-GO-CACHE", "SVC-JOURNAL-BIND", "SVC-JOURNAL-CHDIR",
                          "SVC-JOURNAL-CONFIG", "SVC-JOURNAL-EXEC", "SVC-JOURNAL-EXIT",
                          "SVC-JOURNAL-NAMESPACE", "SVC-JOURNAL-PANIC", "SVC-JOURNAL-SIGNAL",
                          "SVC-JOURNAL-START-LIMIT", "SVC-LABEL-DENIED", "SVC-PORT-PRIVILEGED",
                          "SVC-SANDBOX-PATH-MISSING", "SVC-UNIT-MULTIPLE-EXECSTART",
                          "SVC-WORKDIR-MISSING"])):
    data_case("svc-check-" + _name,
              "`check --layer service` on the %s host: every enabled Go service, each broken "
              "its own way, with the journal lines systemd wrote." % _name.split("-")[0].upper(),
              SERVICES % _name, ["check", "--root", "{data}/services/" + _name, "--layer", "service"],
              _expect)
data_case("svc-readme-api",
          "The README's example: api.service fails with 203/EXEC because the binary moved with "
          "`mv` kept its user_home_t label.", SERVICES % "el9-services",
          ["service", "api", "--root", "{data}/services/el9-services"],
          ["SVC-JOURNAL-EXEC", "SVC-LABEL-DENIED"])
for _name, _unit, _about, _expect in (
        ("el7-services", "tagger", "An EL7 unit whose ExecStart= starts with GOMAXPROCS=2, "
         "which systemd takes as the program (check examines it all the same: the Go program "
         "it names), and quotes its WorkingDirectory=.", ["SVC-EXEC-ENV-PREFIX", "SVC-JOURNAL-CONFIG", "SVC-WORKDIR-QUOTED"]),
        ("el7-services", "broken", "A disabled EL7 unit with a broken section header and a line "
         "without '='.", ["SVC-UNIT-SYNTAX"]),
        ("el9-services", "noisy", "A disabled EL9 unit whose journal holds binary garbage.",
         ["SVC-JOURNAL-EXIT", "SVC-JOURNAL-UNREADABLE"])):
    data_case("svc-%s-%s" % (_name.split("-")[0], _unit), _about, SERVICES % _name,
              ["service", _unit, "--root", "{data}/services/" + _name], _expect)
data_case("svc-unit-not-found",
          "`gotriage service` asked about a unit that does not exist on the host.",
          SERVICES % "el9-services", ["service", "nosuch", "--root", "{data}/services/el9-services"],
          ["SVC-UNIT-NOT-FOUND"])


# -- a Rocky 9 host with one unit --------------------------------------------------------
def host(identity=None, environ=None, version="252 (252-18.el9)"):
    s = el_host("rocky-9.3", "web1", identity=identity, environ=environ)
    s.file("/proc/self/mountinfo", MOUNTINFO)
    s.file("/etc/selinux/config", "SELINUX=enforcing\nSELINUXTYPE=targeted\n")
    s.dir("/sys/fs/selinux")
    s.file("/sys/fs/selinux/enforce", "1")
    s.command(["uname", "-m"], "x86_64\n")
    s.command(["systemctl", "--version"], "systemd %s\n+PAM +AUDIT +SELINUX -APPARMOR\n" % version)
    s.command(["systemctl", "show-environment"],
              "LANG=C.UTF-8\nPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin\n")
    return s


def program(s, path="/usr/local/bin/app", label=BIN_T, mode=0o755, **kw):
    """The unit's program: a minimal Go ELF, its label, and matchpathcon's answer."""
    s.exe(path, elf(**kw), label=label, mode=mode)
    s.command(["matchpathcon", "-n", path], BIN_T + "\n")
    return path


def unit(s, text, name="app.service", dropins=None):
    s.file("/etc/systemd/system/" + name, text)
    s.file("/etc/systemd/system/multi-user.target.wants/" + name,
           "(symlink to /etc/systemd/system/%s)\n" % name)
    for dropin, body in sorted((dropins or {}).items()):
        s.file("/etc/systemd/system/%s.d/%s" % (name, dropin), body)


def quiet_journal(s, name="app.service"):
    """journalctl with nothing logged for the unit."""
    s.commands.append(journal(name, ["-- No entries --"]))


def logged(s, lines, name="app.service"):
    s.commands.append(journal(name, [STAMP + line for line in lines], host="web1"))


def save(s, directory):
    s.write(os.path.join(directory, "snapshot"))


UNIT = ("[Unit]\nDescription=Example Go API\nAfter=network-online.target\n\n[Service]\n%s"
        "\n[Install]\nWantedBy=multi-user.target\n")


def simple(service_lines):
    return UNIT % "".join(line + "\n" for line in service_lines)


# -- the unit file -----------------------------------------------------------------------
@case("svc-unit-masked",
      "app.service is masked (a symlink to /dev/null in /etc/systemd/system).",
      HAND_BUILT, service("app"), ["SVC-UNIT-MASKED"])
def svc_unit_masked(directory):
    s = host()
    program(s)
    s.file("/usr/lib/systemd/system/app.service", simple(["ExecStart=/usr/local/bin/app"]))
    s.link("/etc/systemd/system/app.service", "/dev/null", target_mode=0o20666)
    quiet_journal(s)
    save(s, directory)


@case("svc-unit-no-execstart",
      "A drop-in resets ExecStart= with an empty line and sets no new one: nothing to run.",
      HAND_BUILT, service("app"), ["SVC-UNIT-NO-EXECSTART"])
def svc_unit_no_execstart(directory):
    s = host()
    program(s)
    unit(s, simple(["ExecStart=/usr/local/bin/app -addr :8080"]),
         dropins={"override.conf": "[Service]\nExecStart=\nEnvironment=GOMAXPROCS=2\n"})
    quiet_journal(s)
    save(s, directory)


@case("svc-unit-unreadable",
      "gotriage run as alice: a drop-in that holds a secret is mode 0600, she cannot read it.",
      HAND_BUILT, service("app"), ["SVC-UNIT-UNREADABLE"])
def svc_unit_unreadable(directory):
    s = host(identity=ALICE, environ={"PATH": "/usr/bin:/bin", "HOME": "/home/alice"})
    program(s)
    unit(s, simple(["ExecStart=/usr/local/bin/app -addr :8080"]),
         dropins={"secrets.conf": "[Service]\nEnvironment=DB_PASSWORD=<redacted>\n"})
    s.fail("/etc/systemd/system/app.service.d/secrets.conf", "read", "EACCES")
    quiet_journal(s)
    save(s, directory)


@case("svc-unit-verify",
      "LimitNOFILE=lots: systemd ignores it, and only `systemd-analyze verify` says so.",
      HAND_BUILT + "; systemd-analyze verify's message as Debian 12's systemd 252 printed it "
      "for this unit file", service("app"), ["SVC-UNIT-VERIFY"])
def svc_unit_verify(directory):
    s = host()
    program(s)
    unit(s, simple(["ExecStart=/usr/local/bin/app -addr :8080", "LimitNOFILE=lots"]))
    s.command(["systemd-analyze", "verify", "--man=no", "/etc/systemd/system/app.service"],
              stderr="/etc/systemd/system/app.service:7: Failed to parse resource value, "
                     "ignoring: lots\n")
    quiet_journal(s)
    save(s, directory)


# -- ExecStart= --------------------------------------------------------------------------
@case("svc-exec-quoting",
      "An ExecStart= line with an unbalanced quote: systemd ignores the line.",
      HAND_BUILT, service("app"), ["SVC-EXEC-QUOTING"])
def svc_exec_quoting(directory):
    s = host()
    program(s)
    unit(s, simple(['ExecStart=/usr/local/bin/app -name "Example API']))
    quiet_journal(s)
    save(s, directory)


@case("svc-exec-shell",
      "ExecStart= redirects output with `>` and `2>&1`: systemd has no shell, the program "
      "gets them as arguments.", HAND_BUILT, service("app"), ["SVC-EXEC-SHELL"])
def svc_exec_shell(directory):
    s = host()
    program(s)
    unit(s, simple(["ExecStart=/usr/local/bin/app -addr :8080 > /var/log/app.log 2>&1"]))
    quiet_journal(s)
    save(s, directory)


@case("svc-exec-relative",
      "ExecStart=app: systemd 252 looks it up in its own PATH, where it is not.",
      HAND_BUILT, service("app"), ["SVC-EXEC-RELATIVE"])
def svc_exec_relative(directory):
    s = host()
    program(s, "/opt/app/bin/app")
    unit(s, simple(["ExecStart=app -addr :8080"]))
    quiet_journal(s)
    save(s, directory)


@case("svc-exec-missing",
      "ExecStart= names a program that is not there (the deploy copied it elsewhere); "
      "the journal has the 203/EXEC it causes.",
      HAND_BUILT, service("app"), ["SVC-EXEC-MISSING", "SVC-JOURNAL-EXEC"])
def svc_exec_missing(directory):
    s = host()
    program(s, "/usr/local/bin/app-v2")
    unit(s, simple(["ExecStart=/usr/local/bin/app -addr :8080"]))
    logged(s, ["(app)[2211]: app.service: Failed to locate executable /usr/local/bin/app: No such file or directory",
               "(app)[2211]: app.service: Failed at step EXEC spawning /usr/local/bin/app: No such file or directory",
               "systemd[1]: app.service: Main process exited, code=exited, status=203/EXEC",
               "systemd[1]: app.service: Failed with result 'exit-code'."])
    save(s, directory)


@case("svc-exec-not-executable",
      "The program was copied with mode 0644 (no x bit).",
      HAND_BUILT, service("app"), ["SVC-EXEC-NOT-EXECUTABLE"])
def svc_exec_not_executable(directory):
    s = host()
    program(s, mode=0o644)
    unit(s, simple(["ExecStart=/usr/local/bin/app -addr :8080"]))
    quiet_journal(s)
    save(s, directory)


@case("svc-exec-denied",
      "User=goapp runs a program under /home/alice, whose home is mode 0700.",
      HAND_BUILT, service("app"), ["SVC-EXEC-DENIED", "SVC-LABEL-MISMATCH"])
def svc_exec_denied(directory):
    s = host()
    s.dir("/home/alice", mode=0o700, uid=1000, gid=1000)
    s.dir("/home/alice/bin", mode=0o755, uid=1000, gid=1000)
    program(s, "/home/alice/bin/app", label="unconfined_u:object_r:home_bin_t:s0")
    unit(s, simple(["User=goapp", "ExecStart=/home/alice/bin/app -addr :8080"]))
    quiet_journal(s)
    save(s, directory)


@case("svc-exec-noexec",
      "The program is in /tmp (built there with `go build -o /tmp/app`), which is mounted "
      "noexec.", HAND_BUILT + "; /proc/self/mountinfo of a Rocky 9 host",
      service("app"), ["SVC-EXEC-NOEXEC"])
def svc_exec_noexec(directory):
    s = host()
    program(s, "/tmp/app")
    unit(s, simple(["ExecStart=/tmp/app -addr :8080"]))
    quiet_journal(s)
    save(s, directory)


@case("svc-exec-script",
      "ExecStart= runs a wrapper script whose #! names an interpreter the host lacks.",
      HAND_BUILT, service("app"), ["SVC-EXEC-SCRIPT"])
def svc_exec_script(directory):
    s = host()
    program(s)
    s.exe("/usr/local/bin/run-app", "#!/usr/bin/zsh\nexec /usr/local/bin/app -addr :8080\n",
          label=BIN_T)
    s.command(["matchpathcon", "-n", "/usr/local/bin/run-app"], BIN_T + "\n")
    unit(s, simple(["ExecStart=/usr/local/bin/run-app"]))
    quiet_journal(s)
    save(s, directory)


@case("svc-exec-binary",
      "A cgo binary linked on a newer glibc (it needs GLIBC_2.34) on Rocky 8's glibc 2.28: "
      "the binary layer's analysis, as the service layer reports it.",
      HAND_BUILT + ": Rocky 8.4, a minimal cgo ELF with glibc version needs, and a libc.so.6 "
      "that defines the versions up to GLIBC_2.28", service("app"), ["SVC-EXEC-BINARY"])
def svc_exec_binary(directory):
    s = el_host("rocky-8.4", "app8")
    s.file("/proc/self/mountinfo", MOUNTINFO)
    s.command(["uname", "-m"], "x86_64\n")
    s.command(["getconf", "GNU_LIBC_VERSION"], "glibc 2.28\n")
    s.command(["systemctl", "--version"], "systemd 239 (239-45.el8_4.3)\n+PAM +AUDIT +SELINUX\n")
    loader = "/lib64/ld-linux-x86-64.so.2"
    s.exe(loader, elf(e_type=3, go_version=None))
    versions = ["GLIBC_2.2.5", "GLIBC_2.3", "GLIBC_2.3.4", "GLIBC_2.4", "GLIBC_2.14",
                "GLIBC_2.17", "GLIBC_2.28"]
    s.exe("/usr/lib64/libc.so.6", elf(e_type=3, go_version=None, verdef=versions))
    s.link("/lib64/libc.so.6", "../usr/lib64/libc.so.6", "/usr/lib64/libc.so.6")
    program(s, interp=loader, needed=["libc.so.6"],
            verneed=[("libc.so.6", ["GLIBC_2.2.5", "GLIBC_2.34"])],
            settings=[("CGO_ENABLED", "1"), ("GOARCH", "amd64"), ("GOOS", "linux")])
    unit(s, simple(["ExecStart=/usr/local/bin/app -addr :8080"]))
    quiet_journal(s)
    save(s, directory)


# -- WorkingDirectory=, User=, Environment= ----------------------------------------------
@case("svc-workdir-denied",
      "User=goapp with WorkingDirectory= in alice's home (mode 0700): status=200/CHDIR.",
      HAND_BUILT, service("app"), ["SVC-WORKDIR-DENIED"])
def svc_workdir_denied(directory):
    s = host()
    program(s)
    s.dir("/home")
    s.dir("/home/alice", mode=0o700, uid=1000, gid=1000)
    s.dir("/home/alice/app", mode=0o755, uid=1000, gid=1000)
    unit(s, simple(["User=goapp", "WorkingDirectory=/home/alice/app",
                    "ExecStart=/usr/local/bin/app -addr :8080"]))
    quiet_journal(s)
    save(s, directory)


@case("svc-workdir-unsupported",
      "WorkingDirectory=~ on CentOS 7: systemd 219 does not know ~ (227+) and runs the "
      "service in /.", HAND_BUILT.replace("Rocky 9.3", "CentOS 7") + " (219)",
      service("app"), ["SVC-WORKDIR-UNSUPPORTED"])
def svc_workdir_unsupported(directory):
    s = el_host("centos-7.1.1503", "centos7")
    s.file("/proc/self/mountinfo", MOUNTINFO)
    s.command(["uname", "-m"], "x86_64\n")
    s.command(["systemctl", "--version"], "systemd 219\n+PAM +AUDIT +SELINUX +IMA -APPARMOR\n")
    program(s)
    s.dir("/var/lib/goapp", mode=0o750, uid=990, gid=990)
    unit(s, "[Unit]\nDescription=Example Go API\n\n[Service]\nUser=goapp\nWorkingDirectory=~\n"
            "ExecStart=/usr/local/bin/app -addr :8080\n\n[Install]\nWantedBy=multi-user.target\n")
    quiet_journal(s)
    save(s, directory)


@case("svc-user-group-missing",
      "Group=gobuild names a group that does not exist: status=216/GROUP.",
      HAND_BUILT, service("app"), ["SVC-USER-GROUP-MISSING"])
def svc_user_group_missing(directory):
    s = host()
    program(s)
    unit(s, simple(["User=goapp", "Group=gobuild", "ExecStart=/usr/local/bin/app -addr :8080"]))
    quiet_journal(s)
    save(s, directory)


@case("svc-env-bad",
      "Environment=GOMAXPROCS 4 (a space for the =), and an EnvironmentFile= written as a "
      "shell script (`export NAME=value`).", HAND_BUILT, service("app"), ["SVC-ENV-BAD"])
def svc_env_bad(directory):
    s = host()
    program(s)
    s.file("/etc/sysconfig/app", "# app settings\nexport GOMEMLIMIT=512MiB\nAPP_ADDR=:8080\n")
    unit(s, simple(['Environment="GOMAXPROCS 4"', "EnvironmentFile=/etc/sysconfig/app",
                    "ExecStart=/usr/local/bin/app -addr ${APP_ADDR}"]))
    quiet_journal(s)
    save(s, directory)


@case("svc-env-unset",
      "ExecStart= uses $LISTEN_ADDR, set in the admin's shell profile but not in the unit.",
      HAND_BUILT, service("app"), ["SVC-ENV-UNSET"])
def svc_env_unset(directory):
    s = host()
    program(s)
    unit(s, simple(["ExecStart=/usr/local/bin/app -addr $LISTEN_ADDR"]))
    quiet_journal(s)
    save(s, directory)


# -- go, limits, ports, sandbox, label ---------------------------------------------------
@case("svc-go-not-found",
      "ExecStart=/bin/sh -c 'go run .': go is in /usr/local/go/bin, not on systemd's PATH.",
      HAND_BUILT, service("devapp"), ["SVC-GO-NOT-FOUND"])
def svc_go_not_found(directory):
    s = host()
    s.exe("/bin/sh", b"(bash not recorded)\n", label="system_u:object_r:shell_exec_t:s0")
    s.command(["matchpathcon", "-n", "/bin/sh"], "system_u:object_r:shell_exec_t:s0\n")
    s.exe("/usr/local/go/bin/go", elf(go_version="go1.22.12", path="cmd/go"), label=BIN_T)
    s.file("/usr/local/go/VERSION", "go1.22.12\ntime 2025-02-04T20:42:03Z\n")
    s.dir("/usr/local/go/pkg/tool")
    s.file("/srv/devapp/go.mod", "module example.com/devapp\n\ngo 1.22\n")
    unit(s, "[Service]\nWorkingDirectory=/srv/devapp\nEnvironment=GOCACHE=/var/cache/devapp\n"
            "ExecStart=/bin/sh -c 'go run .'\n", name="devapp.service")
    quiet_journal(s, "devapp.service")
    save(s, directory)


@case("svc-limits-nofile",
      "LimitNOFILE=1024 (copied from an old unit): Go cannot raise its soft limit past it.",
      HAND_BUILT, service("app"), ["SVC-LIMITS-NOFILE"])
def svc_limits_nofile(directory):
    s = host()
    program(s)
    unit(s, simple(["User=goapp", "LimitNOFILE=1024", "ExecStart=/usr/local/bin/app -addr :8080"]))
    quiet_journal(s)
    save(s, directory)


@case("svc-limits-nproc",
      "LimitNPROC=64 for goapp and TasksMax=32: the Go runtime needs more threads.",
      HAND_BUILT, service("app"), ["SVC-LIMITS-NPROC"])
def svc_limits_nproc(directory):
    s = host()
    program(s)
    unit(s, simple(["User=goapp", "LimitNPROC=64", "TasksMax=32",
                    "ExecStart=/usr/local/bin/app -addr :8080"]))
    quiet_journal(s)
    save(s, directory)


@case("svc-port-bounding",
      "The server listens on :443 but CapabilityBoundingSet= keeps only CAP_NET_RAW.",
      HAND_BUILT, service("app"), ["SVC-PORT-BOUNDING"])
def svc_port_bounding(directory):
    s = host()
    program(s)
    unit(s, simple(["CapabilityBoundingSet=CAP_NET_RAW", "ExecStart=/usr/local/bin/app -addr :443"]))
    quiet_journal(s)
    save(s, directory)


@case("svc-sandbox-hides",
      "ProtectHome=yes while the program lives in /home/goapp/bin: status=203/EXEC.",
      HAND_BUILT, service("app"), ["SVC-LABEL-MISMATCH", "SVC-SANDBOX-HIDES"])
def svc_sandbox_hides(directory):
    s = host()
    program(s, "/home/goapp/bin/app", label="unconfined_u:object_r:home_bin_t:s0")
    unit(s, simple(["User=goapp", "ProtectHome=yes", "ExecStart=/home/goapp/bin/app -addr :8080"]))
    quiet_journal(s)
    save(s, directory)


@case("svc-label-mismatch",
      "The program is labelled usr_t (copied with cp -a from /usr/share): systemd may run it, "
      "but the policy expects bin_t (info).", HAND_BUILT, service("app"),
      ["SVC-LABEL-MISMATCH"], exit=0)
def svc_label_mismatch(directory):
    s = host()
    program(s, label="system_u:object_r:usr_t:s0")
    unit(s, simple(["ExecStart=/usr/local/bin/app -addr :8080"]))
    quiet_journal(s)
    save(s, directory)


# -- the journal -------------------------------------------------------------------------
@case("svc-journal-loader",
      "The loader cannot find a library the program was linked with: exit status 127.",
      HAND_BUILT, service("app"), ["SVC-JOURNAL-LOADER"])
def svc_journal_loader(directory):
    s = host()
    program(s)
    unit(s, simple(["ExecStart=/usr/local/bin/app -addr :8080"]))
    logged(s, ["app[2301]: /usr/local/bin/app: error while loading shared libraries: "
               "libsqlite3.so.0: cannot open shared object file: No such file or directory",
               "systemd[1]: app.service: Main process exited, code=exited, status=127/n/a",
               "systemd[1]: app.service: Failed with result 'exit-code'."])
    save(s, directory)


@case("svc-journal-nofile",
      "The server logs `accept4: too many open files` under load; LimitNOFILE=2048 is why.",
      HAND_BUILT, service("app"), ["SVC-JOURNAL-NOFILE", "SVC-LIMITS-NOFILE"])
def svc_journal_nofile(directory):
    s = host()
    program(s)
    unit(s, simple(["User=goapp", "LimitNOFILE=2048", "ExecStart=/usr/local/bin/app -addr :8080"]))
    logged(s, ["app[2401]: 2025/03/02 10:14:07 http: Accept error: accept tcp [::]:8080: "
               "accept4: too many open files; retrying in 5ms"])
    save(s, directory)


LIMITS = os.path.join("proc", "limits")
LIMITS_SOURCE = (HAND_BUILT + "; /proc/4242/limits is tests/data/proc/limits/%s (a real process "
                 "on Debian 12) with its open files %s, `systemctl show` written as systemd 252 "
                 "prints it")


def running(s, pid, recorded, soft, hard, show, manager=("524288", "1024")):
    """systemd as PID 1 naming the unit's main process, and that process's /proc/PID/limits
    (a real recording, its open files set to soft/hard)."""
    s.dir("/run/systemd/system")
    text = data(os.path.join(LIMITS, recorded)).decode()
    # the kernel's own layout (fs/proc/base.c: "%-25s %-20lu %-20lu %-10s")
    text = re.sub(r"(?m)^Max open files .*$", "%-25s %-20s %-20s %-10s" % (
        "Max open files", soft, hard, "files"), text)
    s.file("/proc/%d/limits" % pid, text)
    s.command(["systemctl", "show", "-p", "MainPID", "-p", "LimitNOFILE", "-p", "LimitNOFILESoft",
               "-p", "NeedDaemonReload", "--", "app.service"],
              "".join("%s=%s\n" % kv for kv in [("MainPID", pid)] + list(show)))
    s.command(["systemctl", "show", "-p", "DefaultLimitNOFILE", "-p", "DefaultLimitNOFILESoft"],
              "DefaultLimitNOFILE=%s\nDefaultLimitNOFILESoft=%s\n" % manager)
    s.command(["systemctl", "list-units", "--failed", "--plain", "--no-legend", "--no-pager"], "")


@case("svc-limits-running",
      "\"I raised the limit and nothing changed\": limits.d gives goapp 65536 open files, but "
      "the service (Go 1.18, which does not raise its soft limit) runs with systemd's default, "
      "soft 1024: limits.conf does not apply to services; the journal shows the failure.",
      LIMITS_SOURCE % ("sleep-1024-8192", "1024/524288"), service("app"),
      ["SVC-JOURNAL-NOFILE", "SVC-LIMITS-RUNNING"])
def svc_limits_running(directory):
    s = host()
    program(s, go_version="go1.18.10")
    unit(s, simple(["User=goapp", "ExecStart=/usr/local/bin/app -addr :8080"]))
    s.file("/etc/security/limits.d/90-goapp.conf", "goapp  soft  nofile  65536\n"
                                                  "goapp  hard  nofile  65536\n")
    running(s, 4242, "sleep-1024-8192", 1024, 524288,
            [("LimitNOFILE", "524288"), ("LimitNOFILESoft", "1024"), ("NeedDaemonReload", "no")])
    logged(s, ["app[4242]: 2025/03/02 10:14:07 http: Accept error: accept tcp [::]:8080: "
               "accept4: too many open files; retrying in 5ms"])
    save(s, directory)


@case("svc-limits-running-outside",
      "systemd is not PID 1 here (a container): the unit's program runs, started from a shell "
      "with 1024 open files, outside the unit; gotriage finds it by its program in /proc.",
      (HAND_BUILT + "; /proc/4242/limits is the real file of a Go 1.21 server started with "
       "`prlimit --nofile=1024:1024` on the Debian 12 test machine (tests/data/proc/limits/"
       "go1.21-hard1024), /proc/4242/cgroup the unified-hierarchy line that process had (0::/)"),
      service("app"), ["SVC-LIMITS-RUNNING"])
def svc_limits_running_outside(directory):
    s = host()
    path = program(s, go_version="go1.21.13")
    unit(s, simple(["User=goapp", "ExecStart=/usr/local/bin/app -addr :8080"]))
    s.dir("/proc", listing=["1", "4242", "self"])
    s.link("/proc/1/exe", "/usr/bin/tini")
    s.link("/proc/4242/exe", path)
    s.file("/proc/4242/cgroup", "0::/\n")
    s.file("/proc/4242/limits", data(os.path.join(LIMITS, "go1.21-hard1024")).decode())
    quiet_journal(s)
    save(s, directory)


@case("svc-limits-stale",
      "LimitNOFILE=65536 was put in a drop-in, but neither `systemctl daemon-reload` nor a "
      "restart followed: the running server (Go 1.18) still has soft 1024.",
      LIMITS_SOURCE % ("sleep-1024-8192", "1024/524288"), service("app"), ["SVC-LIMITS-STALE"])
def svc_limits_stale(directory):
    s = host()
    program(s, go_version="go1.18.10")
    unit(s, simple(["User=goapp", "ExecStart=/usr/local/bin/app -addr :8080"]),
         dropins={"limits.conf": "[Service]\nLimitNOFILE=65536\n"})
    running(s, 4242, "sleep-1024-8192", 1024, 524288,
            [("LimitNOFILE", "524288"), ("LimitNOFILESoft", "1024"), ("NeedDaemonReload", "yes")])
    quiet_journal(s)
    save(s, directory)


GO_CRASHES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                          "data", "go-crashes")
CRASH_SOURCE = ("the program's lines: what journalctl 252 printed of the real Go %s program "
                "tests/data/go-crashes/src/%s/main.go run on a real journald (%s; "
                "tests/data/go-crashes/README.md), its identifier and pid made app[2401]; "
                "systemd's lines in systemd 252's formats, on a hand-built Rocky 9.3 snapshot "
                "(tests/cases/recipes/service.py)")


def recorded(name):
    """The messages of a recording of tests/data/go-crashes as app[2401] printed them."""
    with open(os.path.join(GO_CRASHES, name + ".journal")) as f:
        return ["app[2401]: " + re.match(r"^\S+ \S+ [^\[]+\[\d+\]: (.*)$", line).group(1)
                for line in f.read().splitlines()]


@case("svc-journal-panic-frame",
      "The Go program panics in a method (`assignment to entry in nil map` in "
      "main.(*Server).Start): the finding names the frame and its file and line.",
      CRASH_SOURCE % ("1.27.3", "method", "go1.27.3-method.journal"), service("app"),
      ["SVC-JOURNAL-PANIC"])
def svc_journal_panic_frame(directory):
    s = host()
    program(s)
    unit(s, simple(["ExecStart=/usr/local/bin/app -addr :8080"]))
    logged(s, recorded("go1.27.3-method") + [
        "systemd[1]: app.service: Main process exited, code=exited, status=2/INVALIDARGUMENT",
        "systemd[1]: app.service: Failed with result 'exit-code'."])
    save(s, directory)


@case("svc-journal-cgo-crash",
      "C code the Go program calls through cgo writes to NULL: the Go runtime prints "
      "`SIGSEGV: segmentation violation`, `signal arrived during cgo execution` and the Go "
      "side of the stack, then exits with status 2; GOTRACEBACK=crash would get a core dump.",
      CRASH_SOURCE % ("1.21.13", "segv", "go1.21.13-segv.journal") + "; the program a "
      "minimal Go ELF built with CGO_ENABLED=1", service("app"), ["SVC-JOURNAL-PANIC"])
def svc_journal_cgo_crash(directory):
    s = host()
    program(s, settings=[("CGO_ENABLED", "1"), ("GOARCH", "amd64"), ("GOOS", "linux")])
    unit(s, simple(["ExecStart=/usr/local/bin/app -addr :8080"]))
    logged(s, recorded("go1.21.13-segv") + [
        "systemd[1]: app.service: Main process exited, code=exited, status=2/INVALIDARGUMENT",
        "systemd[1]: app.service: Failed with result 'exit-code'."])
    save(s, directory)


@case("svc-journal-core-dump",
      "With Environment=GOTRACEBACK=crash the Go program's panic dumps core (code=dumped, "
      "status=6/ABRT): the next step is the core's record in coredumpctl, matched by "
      "COREDUMP_UNIT=, and gdb on it; the panic's frame is named too.",
      CRASH_SOURCE % ("1.27.3", "nilmap", "GOTRACEBACK=crash, go1.27.3-nilmap-crash.journal"),
      service("app"), ["SVC-JOURNAL-PANIC", "SVC-JOURNAL-SIGNAL"])
def svc_journal_core_dump(directory):
    s = host()
    program(s)
    unit(s, simple(["Environment=GOTRACEBACK=crash", "ExecStart=/usr/local/bin/app -addr :8080"]))
    logged(s, recorded("go1.27.3-nilmap-crash") + [
        "systemd[1]: app.service: Main process exited, code=dumped, status=6/ABRT",
        "systemd[1]: app.service: Failed with result 'core-dump'."])
    save(s, directory)


@case("svc-input-hung",
      "`journalctl -u app.service` never answers (a huge or damaged journal): the journal "
      "verdict is unconfirmed.",
      HAND_BUILT + "; the hang recorded as collect records a command it killed",
      service("app"), ["SVC-INPUT-HUNG"])
def svc_input_hung(directory):
    s = host()
    program(s)
    unit(s, simple(["ExecStart=/usr/local/bin/app -addr :8080"]))
    s.hung(journal("app.service", [])["argv"], 10)
    save(s, directory)



# -- a unit's log file denied by SELinux (issue 14) ----------------------------------------
LOG_SOURCE = (HAND_BUILT + "; the journal lines in systemd 252's formats (\"Failed to set up "
              "standard output: %m\" and \"Failed at step %s spawning %s: %m\" are strings of "
              "Debian 12's libsystemd-core-252.so; the same two lines are in systemd issue "
              "#24149, a StandardOutput=file: denied by SELinux on Fedora 36), the AVC in the "
              "audit.log format of tests/data/selinux/go-service-denials.log")
BOTH = ["check", "--root", SNAPSHOT, "--layer", "selinux", "--layer", "service"]


def audit_log(s, lines):
    s.file("/var/log/audit/audit.log", "".join(line + "\n" for line in lines), mode=0o600)


@case("svc-log-selinux-stdout",
      "StandardOutput=append:/srv/app/logs/app.log, a directory moved with mv from a home "
      "directory (user_home_t): systemd opens the file itself as init_t before it executes "
      "the program and is denied, status=209/STDOUT; the denial is the unit's, its fix a "
      "file context for /srv/app/logs, and the journal's failure folds under it.",
      LOG_SOURCE, BOTH, ["SEL-AVC-FILE-LABEL", "SVC-JOURNAL-EXIT"])
def svc_log_selinux_stdout(directory):
    s = host()
    program(s)
    unit(s, simple(["User=goapp", "ExecStart=/usr/local/bin/app -addr :8080",
                    "StandardOutput=append:/srv/app/logs/app.log", "StandardError=inherit"]))
    s.dir("/srv/app/logs")
    s.file("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"
           "goapp:x:990:990::/home/goapp:/sbin/nologin\n")
    logged(s, ["systemd[1]: Started app.service - Example Go API.",
               "systemd[2211]: app.service: Failed to set up standard output: Permission denied",
               "systemd[2211]: app.service: Failed at step STDOUT spawning /usr/local/bin/app: "
               "Permission denied",
               "systemd[1]: app.service: Main process exited, code=exited, status=209/STDOUT",
               "systemd[1]: app.service: Failed with result 'exit-code'."])
    audit_log(s, [
        'type=AVC msg=audit(1740906847.300:912): avc:  denied  { append } for  pid=2211 '
        'comm="(app)" path="/srv/app/logs/app.log" dev="dm-0" ino=50331779 '
        'scontext=system_u:system_r:init_t:s0 tcontext=unconfined_u:object_r:user_home_t:s0 '
        'tclass=file permissive=0',
        'type=SYSCALL msg=audit(1740906847.300:912): arch=c000003e syscall=257 success=no '
        'exit=-13 a0=ffffff9c a1=55d0c1a2b3c0 a2=80441 a3=1b6 items=1 ppid=1 pid=2211 '
        'auid=4294967295 uid=0 gid=0 euid=990 suid=0 fsuid=990 egid=990 sgid=0 fsgid=990 '
        'tty=(none) ses=4294967295 comm="(app)" exe="/usr/lib/systemd/systemd" '
        'subj=system_u:system_r:init_t:s0 key=(null)',
        'type=SERVICE_START msg=audit(1740906847.310:913): pid=1 uid=0 auid=4294967295 '
        'ses=4294967295 subj=system_u:system_r:init_t:s0 msg=\'unit=app comm="systemd" '
        'exe="/usr/lib/systemd/systemd" hostname=? addr=? terminal=? res=failed\''])
    save(s, directory)


@case("svc-log-selinux-program",
      "The program, confined as httpd_t (its binary labelled httpd_exec_t), opens its own "
      "log -log=/srv/app/logs/app.log (var_t) and exits with Go's `open ...: permission "
      "denied`: the fix is the domain's log type for the directory, then a module.",
      LOG_SOURCE, BOTH, ["SEL-AVC-FILE-LABEL", "SVC-JOURNAL-EXIT"])
def svc_log_selinux_program(directory):
    s = host()
    program(s, label="system_u:object_r:httpd_exec_t:s0")
    # labelled so on purpose (`semanage fcontext -a -t httpd_exec_t /usr/local/bin/app`)
    next(c for c in s.commands if c["argv"][0] == "matchpathcon")["stdout"] = \
        "system_u:object_r:httpd_exec_t:s0\n"
    unit(s, simple(["ExecStart=/usr/local/bin/app -addr :8080 -log=/srv/app/logs/app.log"]))
    s.dir("/srv/app/logs")
    logged(s, ["systemd[1]: Started app.service - Example Go API.",
               "app[2211]: 2025/03/02 10:14:07 open /srv/app/logs/app.log: permission denied",
               "systemd[1]: app.service: Main process exited, code=exited, status=1/FAILURE",
               "systemd[1]: app.service: Failed with result 'exit-code'."])
    audit_log(s, [
        'type=AVC msg=audit(1740906847.300:912): avc:  denied  { append } for  pid=2211 '
        'comm="app" path="/srv/app/logs/app.log" dev="dm-0" ino=50331779 '
        'scontext=system_u:system_r:httpd_t:s0 tcontext=unconfined_u:object_r:var_t:s0 '
        'tclass=file permissive=0',
        'type=SYSCALL msg=audit(1740906847.300:912): arch=c000003e syscall=257 success=no '
        'exit=-13 a0=ffffff9c a1=c000120000 a2=80441 a3=1b6 items=1 ppid=1 pid=2211 '
        'auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 '
        'tty=(none) ses=4294967295 comm="app" exe="/usr/local/bin/app" '
        'subj=system_u:system_r:httpd_t:s0 key=(null)'])
    save(s, directory)
