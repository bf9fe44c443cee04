"""Cases of the baseline layer (`gotriage baseline diff`): a host recorded (`recorded/`,
made a baseline repository at test time by `baseline init`: tests/test_cases.py's
{baseline:recorded}) and the same host later (`snapshot/`) with one drift of each kind."""

import os

from recipes import case
from recipes.build import el_host

HAND_BUILT = ("hand-built in the documented snapshot format (docs/snapshot-format.md); "
              "getenforce's and rpm's outputs as they print them")
UNIT = "[Unit]\nDescription=Go app\n\n[Service]\nExecStart=/opt/app/bin/app\nUser=goapp\n"
SELINUX_POLICY = "selinux-policy-38.1.23-1.el9.noarch"
UNIT_LABEL = "system_u:object_r:systemd_unit_file_t:s0"


def _host(later):
    s = el_host("rocky-9.3", "app-host")
    s.file("/usr/local/go/VERSION", "go1.22.12\n" if not later else "go1.23.4\n")
    s.exe("/usr/local/go/bin/go", "#!/bin/sh\n")
    s.file("/usr/local/go/pkg/tool/linux_amd64/compile", "#!/bin/sh\n")
    s.file("/etc/profile.d/go.sh", "export PATH=$PATH:/usr/local/go/bin\n" if not later
           else "export PATH=$PATH:/opt/go/bin\n")
    s.file("/etc/systemd/system/app.service", UNIT, mode=0o644 if not later else 0o666,
           label=UNIT_LABEL if not later else "unconfined_u:object_r:user_home_t:s0")
    if not later:
        s.file("/etc/sudoers.d/go", 'Defaults secure_path="/sbin:/bin:/usr/sbin:/usr/bin:'
                                    '/usr/local/go/bin"\n')
    else:
        s.fail("/etc/sudoers.d/go", "lstat", "ENOENT")
        s.file("/etc/security/limits.d/90-app.conf", "goapp soft nofile 65536\n")
        s.dir("/etc/security/limits.d", listing=["90-app.conf"])
    s.file("/etc/selinux/config", "SELINUX=%s\nSELINUXTYPE=targeted\n" % (
        "permissive" if later else "enforcing"))
    s.command(["getenforce"], "Enforcing\n" if not later else "Permissive\n")
    if later:
        # what rpm answers of the drifted files (rpm 4.16's wording)
        s.command(["rpm", "-qf", "--", "/etc/selinux/config"], SELINUX_POLICY + "\n")
        s.command(["rpm", "-Vf", "--", "/etc/selinux/config"],
                  "S.5....T.  c /etc/selinux/config\n", rc=1)
        for path in ("/etc/profile.d/go.sh", "/etc/systemd/system/app.service",
                     "/etc/sudoers.d/go"):
            s.command(["rpm", "-qf", "--", path], "file %s is not owned by any package\n"
                      % path, rc=1)
    return s


@case("base-drift",
      "A host recorded as a baseline, then changed: a profile.d file edited, a unit's mode "
      "and label changed, a sudoers drop-in gone, a limits file added, Go upgraded in place "
      "and SELinux made permissive in /etc/selinux/config (a file of selinux-policy, which `rpm -V` "
      "says was edited, not updated).",
      HAND_BUILT,
      ["baseline", "diff", "--repo", "{baseline:recorded}", "--root", "{case}/snapshot"],
      ["BASE-FILE-CHANGED", "BASE-FILE-MISSING", "BASE-FILE-NEW", "BASE-GO-CHANGED",
       "BASE-LABEL-CHANGED", "BASE-MODE-CHANGED", "BASE-STATE-CHANGED"])
def base_drift(directory):
    _host(False).write(os.path.join(directory, "recorded"))
    _host(True).write(os.path.join(directory, "snapshot"))


def _linted():
    """A host as a baseline records it, breaking every lint rule of the built-in set."""
    s = el_host("rocky-9.3", "lint-host")
    s.file("/usr/local/go/VERSION", "go1.22.12\n")
    s.exe("/usr/local/go/bin/go", "#!/bin/sh\n")
    s.file("/usr/local/go/pkg/tool/linux_amd64/compile", "#!/bin/sh\n")
    s.file("/etc/profile.d/go.sh", "export GOROOT=/home/dev/go\nexport PATH=$PATH:$GOROOT/bin\n")
    s.file("/etc/sudoers.d/go", 'Defaults secure_path="/sbin:/bin:/usr/sbin:/usr/bin"\n')
    s.file("/etc/selinux/config", "SELINUX=permissive\nSELINUXTYPE=targeted\n")
    s.file("/etc/firewalld/firewalld.conf", "DefaultZone=public\n")
    s.file("/etc/firewalld/zones/public.xml", '<?xml version="1.0" encoding="utf-8"?>\n<zone>\n'
           '  <service name="ssh"/>\n  <port port="8080" protocol="tcp"/>\n</zone>\n')
    s.dir("/etc/firewalld/zones", listing=["public.xml"])
    s.file("/etc/systemd/system/app.service", "[Unit]\nDescription=Go app\n\n[Service]\n"
                                              "ExecStart=/opt/app/bin/app\n")
    return s


@case("base-lint",
      "A baseline whose recorded files break each rule of `baseline lint`'s built-in set: "
      "GOROOT=/home/dev/go in a profile script, a secure_path without /usr/local/go/bin, "
      "SELINUX=permissive, port 8080/tcp open in the public zone, a unit with no User=.",
      HAND_BUILT,
      ["baseline", "lint", "--repo", "{baseline:recorded}"],
      ["BASE-LINT-GOROOT-UNSAFE", "BASE-LINT-PORT-UNLISTED", "BASE-LINT-ROOT-SERVICE",
       "BASE-LINT-SELINUX-WEAK", "BASE-LINT-SUDO-NO-GO"])
def base_lint(directory):
    _linted().write(os.path.join(directory, "recorded"))
