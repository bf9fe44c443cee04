"""Cases of the SELinux layer (SEL-*).

Every audit log of tests/data/selinux (setroubleshoot's per-plugin logs, sepolgen's and
auparse's test logs, this project's Go-service logs; sources in tests/data/SOURCES.md)
is a case of `gotriage avc --no-tools LOG`, like setroubleshoot's one log per plugin.
The state cases are hosts built around those logs: the mode and booleans as
/sys/fs/selinux shows them, the policy store's files, and the reference policy's real
file_contexts where a label must be looked up.
"""

import hashlib
import os

from recipes import case, data_case
from recipes.build import ALICE, Snapshot, data, el_host

SNAPSHOT = "{case}/snapshot"
SELINUX = ["check", "--root", SNAPSHOT, "--layer", "selinux"]
HAND_BUILT = ("hand-built snapshot (tests/cases/recipes/selinux.py): Rocky 9.3's real "
              "os-release, SELinux state as selinuxfs and the policy store show it")
LOG_SOURCE = "tests/data/selinux/%s (see tests/data/SOURCES.md)"
POLICY = "/etc/selinux/targeted/policy/policy.33"

# The logs and the problem ids `avc --no-tools` explains their denials with.  The large
# corpora (sample-1mb, sepolgen-audit, sepolgen-httpd: 1 MB and more) add no id and would
# cost most of the case run; tests/test_selinux_avc.py and test_fix_safety.py read them.
LOGS = {
    "allow_execmod.log": ["SEL-AVC-BOOLEAN", "SEL-AVC-FILE-LABEL"],
    "allow_postfix_local_write_mail_spool.log": ["SEL-AVC-FILE-LABEL"],
    "audit2allow-test.log": ["SEL-AVC-BOOLEAN", "SEL-AVC-EXEC-LABEL", "SEL-AVC-FILE-LABEL",
                             "SEL-AVC-MODULE", "SEL-AVC-PORT"],
    "auparse-test.log": ["SEL-AVC-MODULE"],
    "auparse-test2.log": ["SEL-AVC-MODULE"],
    "automount_exec_config.log": ["SEL-AVC-FILE-LABEL"],
    "bind_ports.log": ["SEL-AVC-PORT"],
    "connect_ports.log": ["SEL-AVC-PORT"],
    "ftp_home_dir.log": ["SEL-AVC-BOOLEAN", "SEL-AVC-FILE-LABEL"],
    "go-8080.log": ["SEL-AVC-PORT"],
    "go-home-exec.log": ["SEL-AVC-EXEC-LABEL"],
    "go-service-denials.log": ["SEL-AVC-BOOLEAN", "SEL-AVC-EXEC-LABEL", "SEL-AVC-MODULE",
                               "SEL-AVC-PORT"],
    "go-socket-module.log": ["SEL-AVC-BOOLEAN", "SEL-AVC-MODULE"],
    "go-tmp-exec.log": ["SEL-AVC-EXEC-LABEL"],
    "http_connect_ports.log": ["SEL-AVC-BOOLEAN", "SEL-AVC-PORT"],
    "httpd_bad_labels.log": ["SEL-AVC-EXEC-LABEL"],
    "httpd_can_network_connect.log": ["SEL-AVC-BOOLEAN", "SEL-AVC-PORT"],
    "httpd_can_network_connect_db.log": ["SEL-AVC-BOOLEAN", "SEL-AVC-PORT"],
    "httpd_enable_cgi.log": ["SEL-AVC-BOOLEAN"],
    "httpd_unified.log": ["SEL-AVC-BOOLEAN"],
    "public_content.log": ["SEL-AVC-BOOLEAN", "SEL-AVC-FILE-LABEL"],
    "qemu_blk_image.log": ["SEL-AVC-MODULE"],
    "restorecon.log": ["SEL-AVC-FILE-LABEL"],
    "samba_home_dir.log": ["SEL-AVC-BOOLEAN"],
    "samba_share.log": ["SEL-AVC-BOOLEAN", "SEL-AVC-FILE-LABEL"],
    "sepolgen-short.log": ["SEL-AVC-FILE-LABEL", "SEL-AVC-MODULE"],
}

for _log, _ids in sorted(LOGS.items()):
    data_case("avc-" + _log[:-4].replace("_", "-"),
              "`gotriage avc` on the real audit log %s: each distinct denial explained with "
              "the narrowest fix (the log is from another host: no local tools asked)." % _log,
              LOG_SOURCE % _log, ["avc", "--no-tools", "{data}/selinux/" + _log], _ids)


def host(log=b"", enforce="1", config="enforcing", booleans=None, file_contexts=False,
         identity=None, environ=None):
    """A Rocky 9 host with the targeted policy: selinuxfs, config, booleans, audit.log."""
    s = el_host("rocky-9.3", "web1", identity=identity, environ=environ)
    s.file("/etc/selinux/config", "# This file controls the state of SELinux on the system.\n"
           "SELINUX=%s\nSELINUXTYPE=targeted\n" % config)
    if enforce is not None:
        s.dir("/sys/fs/selinux")
        s.file("/sys/fs/selinux/enforce", enforce)
        for name, value in sorted((booleans or {"httpd_can_network_connect": "0 0",
                                                "deny_execmem": "0 0"}).items()):
            s.file("/sys/fs/selinux/booleans/" + name, value)
    if file_contexts:
        base = "/etc/selinux/targeted/contexts/files/"
        s.real(base + "file_contexts", "selinux/refpolicy-file_contexts")
        s.real(base + "file_contexts.homedirs", "selinux/refpolicy-file_contexts.homedirs")
    s.file("/var/log/audit/audit.log", log, mode=0o600)
    return s


def save(s, directory):
    s.write(os.path.join(directory, "snapshot"))


# -- mode --------------------------------------------------------------------------------
@case("sel-mode-disabled",
      "SELINUX=disabled in the config and no selinuxfs: nothing is denied (info).",
      HAND_BUILT, SELINUX, ["SEL-MODE-DISABLED"], exit=0)
def sel_mode_disabled(directory):
    save(host(enforce=None, config="disabled"), directory)


@case("sel-mode-relabel",
      "SELinux disabled at boot (selinux=0 once) while the config says enforcing: files "
      "created meanwhile have no label, relabel before that reboot.",
      HAND_BUILT, SELINUX, ["SEL-MODE-RELABEL"])
def sel_mode_relabel(directory):
    save(host(enforce=None), directory)


@case("sel-mode-relabel-selinux-0",
      "An EL host booted with selinux=0 on the kernel command line (the kernel then has no "
      "selinuxfs) while the config says enforcing: relabel, and take selinux=0 off first.",
      HAND_BUILT + "; /proc/filesystems of a real kernel without SELinux "
      "(tests/data/proc/filesystems-no-selinux), a hand-written RHEL-style /proc/cmdline",
      SELINUX, ["SEL-MODE-RELABEL"])
def sel_mode_relabel_selinux_0(directory):
    s = host(enforce=None)
    s.real("/proc/filesystems", "proc/filesystems-no-selinux")
    s.file("/proc/cmdline", "BOOT_IMAGE=(hd0,gpt2)/vmlinuz-5.14.0-362.8.1.el9_3.x86_64 "
                            "root=/dev/mapper/rl-root ro selinux=0 rhgb quiet\n")
    save(s, directory)


@case("sel-mode-not-in-kernel",
      "Debian with its SELinux policy package installed but never activated: "
      "/etc/selinux/config says permissive, the kernel runs without SELinux; no relabel "
      "(that would fix nothing), only the fact.",
      "hand-built snapshot (tests/cases/recipes/selinux.py): this machine's real Debian 12 "
      "os-release and /proc/filesystems (tests/data/other, tests/data/proc), the config file "
      "Debian's selinux-policy-default installs", SELINUX, ["SEL-MODE-DISABLED"], exit=0)
def sel_mode_not_in_kernel(directory):
    s = Snapshot("debian-dev")
    s.real("/etc/os-release", "other/debian-12/etc/os-release")
    s.file("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n")
    s.file("/etc/selinux/config", "SELINUX=permissive\nSELINUXTYPE=default\nSETLOCALDEFS=0\n")
    s.real("/proc/filesystems", "proc/filesystems-no-selinux")
    s.file("/proc/cmdline", "BOOT_IMAGE=/boot/vmlinuz-6.1.0-28-amd64 root=/dev/sda1 ro quiet\n")
    save(s, directory)


@case("sel-mode-permissive-mismatch",
      "`setenforce 0` while debugging a Go service: permissive now, enforcing after a "
      "reboot, and the denial it logged (permissive=0 before) still waits for its fix.",
      HAND_BUILT + "; audit.log is tests/data/selinux/go-home-exec.log and the reference "
      "policy's real file_contexts (Debian 12 selinux-policy-default)", SELINUX,
      ["SEL-AVC-EXEC-LABEL", "SEL-MODE-MISMATCH", "SEL-MODE-PERMISSIVE"])
def sel_mode_permissive(directory):
    save(host(data("selinux/go-home-exec.log"), enforce="0", file_contexts=True), directory)


# -- booleans and permissive domains -----------------------------------------------------
@case("sel-bool-and-permissive-domain",
      "Debugging left traces: `semanage permissive -a httpd_t`, a boolean staged but not "
      "committed, and one set without -P that a reboot resets.",
      HAND_BUILT, SELINUX,
      ["SEL-BOOL-NOT-PERSISTENT", "SEL-BOOL-PENDING", "SEL-PERMISSIVE-DOMAINS"])
def sel_bool(directory):
    s = host(booleans={"httpd_execmem": "0 1", "deny_execmem": "0 0",
                       "httpd_can_network_connect": "1 1"})
    s.file("/var/lib/selinux/targeted/active/booleans.local",
           "deny_execmem=1\nhttpd_can_network_connect=0\n")
    s.file("/var/lib/selinux/targeted/active/modules/400/permissive_httpd_t/cil",
           "(typepermissive httpd_t)\n")
    s.file("/var/lib/selinux/targeted/active/modules/400/permissive_httpd_t/lang_ext", "cil\n")
    save(s, directory)


# -- the audit log -----------------------------------------------------------------------
@case("sel-avc-unreadable",
      "gotriage run as alice: /var/log/audit/audit.log (mode 0600, root) cannot be read.",
      HAND_BUILT, SELINUX, ["SEL-AVC-UNREADABLE"])
def sel_avc_unreadable(directory):
    s = host(identity=ALICE, environ={"PATH": "/usr/bin:/bin", "HOME": "/home/alice"})
    s.fail("/var/log/audit/audit.log", "read", "EACCES")
    save(s, directory)


@case("sel-avc-unparsed",
      "An audit log cut short by a full disk: the last AVC record ends mid-line, and a "
      "block of NUL bytes follows; the denial before it is still explained.",
      HAND_BUILT + "; audit.log is tests/data/selinux/go-8080.log, then the damage",
      SELINUX, ["SEL-AVC-PORT", "SEL-AVC-UNPARSED"])
def sel_avc_unparsed(directory):
    log = data("selinux/go-8080.log")
    log += (b"type=AVC msg=audit(1718000260.114:4702): avc:  denied  { name_bind } for  "
            b"pid=2411 comm=\"goapi\" src=80\n" + b"\0" * 512 + b"\n")
    save(host(log), directory)


@case("sel-avc-dontaudit",
      "A unit failed (SERVICE_START res=failed) and no AVC was logged near it: a dontaudit "
      "rule may hide the denial.",
      HAND_BUILT + "; audit.log is the SERVICE_START line of tests/data/selinux/go-home-exec.log",
      SELINUX, ["SEL-AVC-DONTAUDIT"], exit=0)
def sel_avc_dontaudit(directory):
    failed = data("selinux/go-home-exec.log").splitlines(True)[-1]
    save(host(failed), directory)


@case("sel-avc-constraint",
      "sepolgen's short log on a host with audit2why: for the lock denial it answers "
      "\"constraint violation\" (staff_u and user_u differ), which no allow rule fixes.",
      HAND_BUILT + "; audit.log is tests/data/selinux/sepolgen-short.log; audit2why's answer "
      "is Debian 12's real output for those lines (tests/data/selinux/audit2why-debian12.txt)",
      ["avc", "--root", SNAPSHOT], ["SEL-AVC-CONSTRAINT", "SEL-AVC-FILE-LABEL", "SEL-AVC-MODULE"])
def sel_avc_constraint(directory):
    s = host(data("selinux/sepolgen-short.log"), file_contexts=True)
    s.dir("/etc/selinux/targeted/policy", listing=["policy.33"])
    s.file(POLICY, b"(policy not recorded)\n")
    s.exe("/usr/bin/audit2why", b"#!/usr/bin/python3\n")
    lines = tool_input(s, directory, "audit2why")
    answer = audit2why_answer(lines)
    s.command(["/usr/bin/audit2why", "-p", POLICY], answer).update(
        stdin_sha256=hashlib.sha256(lines).hexdigest())
    save(s, directory)


@case("sel-input-hung",
      "`semanage port -l` (asked for the port types a name_bind denial needs) never "
      "answers: the port verdict rests on the policy files alone.",
      HAND_BUILT + "; audit.log is tests/data/selinux/go-8080.log; the hang recorded as "
      "collect records a command it killed",
      SELINUX, ["SEL-AVC-PORT", "SEL-INPUT-HUNG"])
def sel_input_hung(directory):
    s = host(data("selinux/go-8080.log"))
    s.exe("/usr/sbin/semanage", b"#!/usr/bin/python3\n")
    s.hung(["/usr/sbin/semanage", "port", "-l"], 30)
    save(s, directory)


def tool_input(s, directory, tool):
    """What gotriage gives `tool` on stdin for this host: the snapshot is written once and
    `gotriage avc --root` runs on it, its host catching the input (the digest the
    recorded answer is found by)."""
    import contextlib
    import io

    from gotriage import cli
    from gotriage.host.snapshot import SnapshotHost

    path = os.path.join(directory, "probe-snapshot")
    s.write(path)
    seen = []
    original = SnapshotHost.run

    def run(self, argv, *args, **kwargs):
        if argv[0].endswith("/" + tool):
            seen.append(kwargs.get("input"))
        return original(self, argv, *args, **kwargs)

    SnapshotHost.run = run
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            cli.main(["avc", "--root", path, "--json"])
    finally:
        SnapshotHost.run = original
        import shutil
        shutil.rmtree(path)
    assert len(seen) == 1 and seen[0], seen
    return seen[0]


def audit2why_answer(lines):
    """audit2why's real output (Debian 12) for exactly these AVC lines, in their order."""
    blocks, current = {}, None
    for line in data("selinux/audit2why-debian12.txt").decode().splitlines(True):
        if "avc:" in line and not line.startswith("\t"):
            current = line.rstrip("\n")
            blocks[current] = line
        elif current is not None:
            blocks[current] += line
    wanted = lines.decode().splitlines()
    missing = [line for line in wanted if line not in blocks]
    assert not missing, missing
    return "".join(blocks[line] for line in wanted)
