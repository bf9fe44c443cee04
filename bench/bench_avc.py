"""gotriage avc vs audit2allow on large synthetic audit.logs (run by hand, not a test).

    .venv/bin/python bench/bench_avc.py [--size-mb 200] [--runs 3] [--shapes few,many,...]
                                        [--commands default,raw,audit2allow] [--policy POLICY]
    .venv/bin/python bench/bench_avc.py --phases [--shapes many]   # CPU of each phase

Bytecode is compiled before measuring (PYTHONDONTWRITEBYTECODE is dropped for the runs).
Generates (once, deterministic) a log of each shape in .cache/bench/: RHEL 8/9-style
events -- SYSCALL, CWD, PATH, PROCTITLE (hex), EXECVE, USER_ACCT/USER_START/CRED_ACQ (PAM),
SERVICE_START/STOP, 80% of lines ENRICHED -- with tens of thousands of AVC denials (and
USER_AVC) of Go-like services, each with its SYSCALL/PATH/PROCTITLE records:

    few         audit-<N>mb.log: drawn from a few hundred denials (380 at 200 MB), the log
                this script always made
    many        audit-many-<N>mb.log: 3,400 templates of 44 domains (about 3,500 distinct
                denials), files named by their path under /srv/SERVICE/...
    user-avc    audit-user-avc-<N>mb.log: the few-denial mix, with USER_AVC of dbus and
                systemd a third of the events
    long-paths  audit-long-paths-<N>mb.log: few denials, each path 400 to 3,000 characters

Then, for each shape and in the same run, interleaved (each run of each command in turn),
measures the CPU time (user + sys, the command and every process it waited for, such as
the SELinux tools gotriage asks) and the peak RSS of each whole process:

    gotriage avc LOG                 (default: the command users run)
    gotriage avc LOG --tools         (tools: the same, this host's tools asked even when
                                      the log names types this policy lacks, as the
                                      bench's logs do: what a host's own log costs)
    gotriage avc LOG --raw-rules     (raw)
    audit2allow -p POLICY -i LOG

gotriage's own peak RSS is measured apart from its tools' (atexit in its process): the
tools' peak is that of the largest of them (audit2why, seinfo, sesearch load the policy).
It prints medians, the ratio of audit2allow's CPU to each gotriage command's (of the
medians, and the median of the ratios of each interleaved pair), and checks that
`--raw-rules` and audit2allow give the same allow rules (per permission; see
tests/test_selinux_policy.py for the one documented difference).
"""

import argparse
import os
import random
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "src"))
GS = "\x1d"

DOMAINS = ["httpd_t", "init_t", "unconfined_service_t", "nginx_t", "postgresql_t", "sshd_t",
           "crond_t", "syslogd_t", "ntpd_t", "rpcbind_t", "systemd_logind_t", "named_t"]
TARGETS = [("user_home_t", "file", ["read", "open", "getattr", "execute"]),
           ("user_tmp_t", "file", ["execute", "read", "write", "open"]),
           ("var_run_t", "sock_file", ["write"]), ("tmp_t", "dir", ["search", "write", "add_name"]),
           ("etc_t", "file", ["write", "append"]), ("var_lib_t", "dir", ["write", "remove_name"]),
           ("unreserved_port_t", "tcp_socket", ["name_bind", "name_connect"]),
           ("http_cache_port_t", "tcp_socket", ["name_bind"]),
           ("default_t", "file", ["read", "getattr", "map"]), ("usr_t", "file", ["execute", "map"]),
           ("proc_t", "file", ["read"]), ("sysfs_t", "file", ["write"])]
COMMS = ["goapi", "billing-svc", "orders", "gateway", "worker", "(goapi)", "exporter"]


def _hex(text):
    return text.encode().hex().upper()


class Generator(object):
    def __init__(self, seed=7):
        self.rng = random.Random(seed)
        self.t = 1700000000.0
        self.serial = 1000
        self.templates = []
        for _ in range(300):
            stype = self.rng.choice(DOMAINS)
            ttype, tclass, perms = self.rng.choice(TARGETS)
            perm = self.rng.sample(perms, self.rng.choice([1, 1, 1, 2]) if len(perms) > 1 else 1)
            comm = self.rng.choice(COMMS)
            self.templates.append((stype, ttype, tclass, perm, comm, self.rng.randrange(1000, 900000)))

    def _head(self, rtype):
        return "type=%s msg=audit(%.3f:%d): " % (rtype, self.t, self.serial)

    def _enrich(self, line, tail):
        return line + (GS + tail if self.rng.random() < 0.8 else "")

    def event(self):
        self.t += self.rng.random() * 0.05
        self.serial += 1
        roll = self.rng.random()
        pid = self.rng.randrange(300, 400000)
        return self._body(roll, pid)

    def _body(self, roll, pid):
        out = []
        if roll < 0.12:
            stype, ttype, tclass, perms, comm, ino = self.rng.choice(self.templates)
            extra = ('src=%d ' % self.rng.choice([8080, 8085, 9090])) if tclass == "tcp_socket" else \
                ('name="%s" dev="dm-0" ino=%d ' % (comm.strip("()"), ino))
            out.append(self._head("AVC") + 'avc:  denied  { %s } for  pid=%d comm="%s" %s'
                       'scontext=system_u:system_r:%s:s0 tcontext=%s:object_r:%s:s0 tclass=%s '
                       'permissive=0' % (" ".join(perms), pid, comm, extra, stype,
                                         "unconfined_u" if "user" in ttype else "system_u", ttype, tclass))
            out.append(self._enrich(self._head("SYSCALL") + 'arch=c000003e syscall=59 success=no exit=-13 '
                       'a0=55d0c1a2b3c0 a1=55d0c1a2b400 a2=55d0c1a2b480 a3=0 items=1 ppid=1 pid=%d '
                       'auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 '
                       'tty=(none) ses=4294967295 comm="%s" exe="/usr/local/bin/%s" subj=system_u:system_r:%s:s0 '
                       'key=(null)' % (pid, comm, comm.strip("()"), stype),
                       'ARCH=x86_64 SYSCALL=execve AUID="unset" UID="root" GID="root" EUID="root"'))
            out.append(self._head("PATH") + 'item=0 name="/usr/local/bin/%s" inode=%d dev=fd:00 mode=0100755 '
                       'ouid=0 ogid=0 rdev=00:00 obj=system_u:object_r:%s:s0 nametype=NORMAL cap_fp=0 '
                       'cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0' % (comm.strip("()"), ino, ttype))
            out.append(self._head("PROCTITLE") + "proctitle=" + _hex("/usr/local/bin/%s\0--listen\0:8080" % comm))
        elif roll < 0.125:
            out.append(self._head("USER_AVC") + "pid=1 uid=0 auid=4294967295 ses=4294967295 "
                       "subj=system_u:system_r:init_t:s0 msg='avc:  denied  { status } for auid=n/a "
                       "uid=0 gid=0 cmdline=\"/usr/bin/systemctl status goapi\" "
                       "scontext=system_u:system_r:httpd_t:s0 tcontext=system_u:system_r:init_t:s0 "
                       "tclass=system permissive=0  exe=\"/usr/lib/systemd/systemd\" sauid=0 "
                       "hostname=? addr=? terminal=?'")
        elif roll < 0.55:
            comm = self.rng.choice(["bash", "go", "sshd", "crond", "systemd", "dnf"])
            out.append(self._enrich(self._head("SYSCALL") + "arch=c000003e syscall=%d success=yes exit=0 "
                       "a0=%x a1=%x a2=%x a3=0 items=2 ppid=%d pid=%d auid=1000 uid=0 gid=0 euid=0 suid=0 "
                       "fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 comm=\"%s\" exe=\"/usr/bin/%s\" "
                       "subj=unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023 key=\"exec\"" % (
                           self.rng.choice([2, 59, 257, 42]), pid, pid * 3, pid * 7, pid - 1, pid, comm, comm),
                       'ARCH=x86_64 SYSCALL=execve AUID="alice" UID="root" GID="root"'))
            out.append(self._head("EXECVE") + 'argc=3 a0="%s" a1="-c" a2=%s' % (comm, _hex("echo avc: test")))
            out.append(self._head("CWD") + 'cwd="/home/alice/src/app"')
            for item in range(2):
                out.append(self._enrich(self._head("PATH") + 'item=%d name="/usr/bin/%s" inode=%d dev=fd:00 '
                           'mode=0100755 ouid=0 ogid=0 rdev=00:00 obj=system_u:object_r:bin_t:s0 '
                           'nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0' % (
                               item, comm, pid), 'OUID="root" OGID="root"'))
            out.append(self._head("PROCTITLE") + "proctitle=" + _hex("%s\0-c\0make build" % comm))
        elif roll < 0.85:
            rtype = self.rng.choice(["USER_ACCT", "USER_START", "CRED_ACQ", "USER_END", "CRED_DISP", "USER_LOGIN"])
            out.append(self._enrich(self._head(rtype) + "pid=%d uid=0 auid=1000 ses=3 "
                       "subj=unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023 msg='op=PAM:session_open "
                       "grantors=pam_unix acct=\"alice\" exe=\"/usr/bin/sudo\" hostname=? addr=? "
                       "terminal=/dev/pts/0 res=success'" % pid, 'UID="root" AUID="alice"'))
        else:
            rtype = self.rng.choice(["SERVICE_START", "SERVICE_STOP"])
            out.append(self._enrich(self._head(rtype) + "pid=1 uid=0 auid=4294967295 ses=4294967295 "
                       "subj=system_u:system_r:init_t:s0 msg='unit=%s comm=\"systemd\" "
                       "exe=\"/usr/lib/systemd/systemd\" hostname=? addr=? terminal=? res=success'" % (
                           self.rng.choice(["sshd", "crond", "goapi", "dnf-makecache"])),
                       'UID="root" AUID="unset"'))
        return "\n".join(out) + "\n"


# -- the other shapes (issue 13): the same kinds of events, other mixes of denials ------------
MANY_DOMAINS = DOMAINS + [
    "dovecot_t", "postfix_master_t", "mysqld_t", "redis_t", "squid_t", "smbd_t", "openvpn_t",
    "avahi_t", "cupsd_t", "dhcpd_t", "exim_t", "ftpd_t", "memcached_t", "mongod_t", "munin_t",
    "nagios_t", "rsync_t", "snmpd_t", "spamd_t", "tftpd_t", "varnishd_t", "zabbix_t", "chronyd_t",
    "udev_t", "system_dbusd_t", "systemd_resolved_t", "policykit_t", "dnsmasq_t", "slapd_t",
    "certmonger_t", "puppet_t", "colord_t"]
MANY_TARGETS = TARGETS + [
    ("var_log_t", "file", ["write", "append", "create"]), ("usr_t", "dir", ["write", "add_name"]),
    ("home_root_t", "dir", ["search", "getattr"]), ("var_t", "file", ["read", "write", "lock"]),
    ("etc_runtime_t", "file", ["write"]), ("unlabeled_t", "file", ["read", "getattr"]),
    ("user_home_dir_t", "dir", ["search", "read"]), ("var_lib_t", "file", ["create", "write"]),
    ("reserved_port_t", "tcp_socket", ["name_bind"]), ("unreserved_port_t", "udp_socket", ["name_bind"])]
# USER_AVC of dbus-daemon and systemd: what a permissive desktop or a busy fleet logs
USER_AVC_TARGETS = [("system_dbusd_t", "dbus", ["send_msg"]), ("init_t", "system", ["status"]),
                    ("init_t", "service", ["start"]), ("init_t", "service", ["stop", "status"]),
                    ("init_t", "system", ["reload"]), ("policykit_t", "dbus", ["send_msg"]),
                    ("systemd_logind_t", "dbus", ["send_msg"])]
# name: (distinct AVC templates, domains, targets, share of events that are an AVC, share that
# are a USER_AVC, distinct USER_AVC templates, path length range, services)
SHAPES = {
    "few": None,  # Generator as it always was: .cache/bench/audit-<N>mb.log
    "many": (3400, MANY_DOMAINS, MANY_TARGETS, 0.22, 0.035, 120, (20, 60), 60),
    "user-avc": (300, DOMAINS, TARGETS, 0.12, 0.15, 200, (20, 60), 7),
    "long-paths": (300, DOMAINS, TARGETS, 0.12, 0.005, 1, (400, 3000), 7),
}


class ShapedGenerator(Generator):
    """A log of another shape (SHAPES): distinct denials on files under /srv/SERVICE/...,
    each named by its path (PATH record) as well as by its name (the AVC), USER_AVC drawn
    from their own templates."""

    def __init__(self, shape, seed=11):
        (count, domains, targets, self.avc_share, self.user_share, user_count, lengths,
         services) = SHAPES[shape]
        self.rng = random.Random(seed)
        self.t = 1700000000.0
        self.serial = 1000
        rng = self.rng
        self.services = ["svc%02d" % i for i in range(services)] if services > len(COMMS) else COMMS
        self.templates = []
        for _ in range(count):
            stype = rng.choice(domains)
            ttype, tclass, perms = rng.choice(targets)
            perm = rng.sample(perms, rng.choice([1, 1, 1, 2]) if len(perms) > 1 else 1)
            comm = rng.choice(self.services)
            path = "/srv/" + comm.strip("()")
            while len(path) < rng.randrange(*lengths):
                path += "/" + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789_-.")
                                      for _ in range(rng.randrange(4, 40)))
            self.templates.append((stype, ttype, tclass, perm, comm, rng.randrange(1000, 900000), path))
        self.user_templates = []
        for _ in range(user_count):
            ttype, tclass, perms = rng.choice(USER_AVC_TARGETS)
            stype = rng.choice(domains)
            unit = rng.choice(self.services).strip("()")
            self.user_templates.append((stype, ttype, tclass, perms, unit))

    def event(self):
        self.t += self.rng.random() * 0.05
        self.serial += 1
        roll = self.rng.random()
        pid = self.rng.randrange(300, 400000)
        if roll < self.avc_share:
            return self._denial(pid)
        if roll < self.avc_share + self.user_share:
            stype, ttype, tclass, perms, unit = self.rng.choice(self.user_templates)
            return self._head("USER_AVC") + (
                "pid=1 uid=0 auid=4294967295 ses=4294967295 subj=system_u:system_r:%s:s0 "
                "msg='avc:  denied  { %s } for auid=n/a uid=0 gid=0 cmdline=\"/usr/bin/systemctl "
                "status %s\" scontext=system_u:system_r:%s:s0 tcontext=system_u:system_r:%s:s0 "
                "tclass=%s permissive=0  exe=\"/usr/lib/systemd/systemd\" sauid=0 hostname=? "
                "addr=? terminal=?'\n" % (ttype, " ".join(perms), unit, stype, ttype, tclass))
        # the other events as Generator makes them, in its proportions (its branches past 0.125)
        rest = (roll - self.avc_share - self.user_share) / (1 - self.avc_share - self.user_share)
        return self._body(0.125 + rest * 0.875, pid)

    def _denial(self, pid):
        stype, ttype, tclass, perms, comm, ino, path = self.rng.choice(self.templates)
        name = path.rsplit("/", 1)[1]
        extra = ("src=%d " % self.rng.choice([8080, 8085, 9090])) if tclass.endswith("_socket") else \
            'name="%s" dev="dm-0" ino=%d ' % (name, ino)
        out = [self._head("AVC") + 'avc:  denied  { %s } for  pid=%d comm="%s" %s'
               'scontext=system_u:system_r:%s:s0 tcontext=%s:object_r:%s:s0 tclass=%s '
               'permissive=0' % (" ".join(perms), pid, comm, extra, stype,
                                 "unconfined_u" if "user" in ttype else "system_u", ttype, tclass)]
        out.append(self._enrich(self._head("SYSCALL") + 'arch=c000003e syscall=257 success=no exit=-13 '
                   'a0=ffffff9c a1=55d0c1a2b400 a2=80000 a3=0 items=1 ppid=1 pid=%d '
                   'auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 '
                   'tty=(none) ses=4294967295 comm="%s" exe="/usr/local/bin/%s" subj=system_u:system_r:%s:s0 '
                   'key=(null)' % (pid, comm, comm.strip("()"), stype),
                   'ARCH=x86_64 SYSCALL=openat AUID="unset" UID="root" GID="root" EUID="root"'))
        if not tclass.endswith("_socket"):
            out.append(self._head("CWD") + 'cwd="/"')
            out.append(self._head("PATH") + 'item=0 name="%s" inode=%d dev=fd:00 mode=0100644 '
                       'ouid=0 ogid=0 rdev=00:00 obj=system_u:object_r:%s:s0 nametype=NORMAL cap_fp=0 '
                       'cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0' % (path, ino, ttype))
        out.append(self._head("PROCTITLE") + "proctitle=" + _hex("/usr/local/bin/%s\0--data\0%s" % (
            comm.strip("()"), path)))
        return "\n".join(out) + "\n"


def log_path(cache, shape, size_mb):
    if shape == "few":
        return os.path.join(cache, "audit-%dmb.log" % size_mb)
    return os.path.join(cache, "audit-%s-%dmb.log" % (shape, size_mb))


def generate(path, size, shape="few"):
    gen = Generator() if shape == "few" else ShapedGenerator(shape)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        written = 0
        while written < size:
            batch = "".join(gen.event() for _ in range(2000))
            f.write(batch)
            written += len(batch)
    os.rename(tmp, path)


_SELF = ("import atexit, json, resource, runpy, sys\n"
         "out = sys.argv[1]\n"
         "sys.argv = ['gotriage'] + sys.argv[2:]\n"
         "def dump():\n"
         "    me = resource.getrusage(resource.RUSAGE_SELF)\n"
         "    kids = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
         "    json.dump([me.ru_maxrss / 1024.0, kids.ru_maxrss / 1024.0], open(out, 'w'))\n"
         "atexit.register(dump)\n"
         "runpy.run_module('gotriage', run_name='__main__', alter_sys=True)\n")


# the CPU of the phases of one `gotriage avc LOG` run, in its process (--phases): each
# function wrapped with a timer; what is left is start-up and the rest of the command
_PHASES = ("import atexit, collections, resource, sys, time\n"
           "sys.path.insert(0, sys.argv[1])\n"
           "import gotriage.selinux.command as cmd, gotriage.facts.selinux as fs\n"
           "import gotriage.selinux.policydb as pdb, gotriage.selinux.logread as lr\n"
           "cpu, calls = collections.Counter(), collections.Counter()\n"
           "def wrap(owner, name, label):\n"
           "    func = getattr(owner, name)\n"
           "    def timed(*a, **k):\n"
           "        t = time.process_time()\n"
           "        try:\n"
           "            return func(*a, **k)\n"
           "        finally:\n"
           "            cpu[label] += time.process_time() - t; calls[label] += 1\n"
           "    setattr(owner, name, timed)\n"
           "for owner, name, label in ((lr, 'scan', 'scan of the log'),\n"
           "        (pdb, 'read_policy', 'policy read (symbols, then whole)'),\n"
           "        (fs.SELinuxFacts, 'view', 'facts for the denials (policy read included)'),\n"
           "        (fs.SELinuxFacts, 'local_port_types', 'ports the user labelled'),\n"
           "        (cmd, 'explain', 'explain (analyzers, verdicts)'),\n"
           "        (cmd, 'group_all', 'grouping into findings'),\n"
           "        (cmd, 'render_text', 'rendering')):\n"
           "    wrap(owner, name, label)\n"
           "def dump():\n"
           "    me = resource.getrusage(resource.RUSAGE_SELF)\n"
           "    kids = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
           "    sys.stderr.write('%.2f s in gotriage, %.2f s in its tools, peak RSS %.1f MB\\n' % (\n"
           "        me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime, me.ru_maxrss / 1024.0))\n"
           "    for label, seconds in cpu.most_common():\n"
           "        sys.stderr.write('%s: %.3f s (%d calls)\\n' % (label, seconds, calls[label]))\n"
           "atexit.register(dump)\n"
           "sys.argv = ['gotriage', 'avc', sys.argv[2]]\n"
           "from gotriage.cli import main\n"
           "main()\n")


def measure(argv, own=False, stdin=None):
    """(cpu seconds, peak RSS MB, own peak RSS MB or None, tools' peak RSS MB or None, wall
    seconds, stdout, stderr) of argv, run under a fresh wrapper process whose
    RUSAGE_CHILDREN covers that one command only (and what it waited for).  With `own`,
    argv is gotriage's arguments: it runs `python -m gotriage` in a process that notes its
    own peak RSS and its children's at exit.  `stdin`: bytes for its standard input."""
    import json
    import tempfile

    wrapper = ("import json, resource, subprocess, sys, time\n"
               "t = time.time()\n"
               "p = subprocess.run(sys.argv[2:], stdout=subprocess.PIPE, stderr=subprocess.PIPE,\n"
               "                   stdin=subprocess.DEVNULL if sys.stdin is None else sys.stdin)\n"
               "t = time.time() - t\n"
               "r = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
               "json.dump([r.ru_utime + r.ru_stime, r.ru_maxrss / 1024.0, t], open(sys.argv[1], 'w'))\n"
               "sys.stdout.buffer.write(p.stdout); sys.stderr.buffer.write(p.stderr)\n")
    with tempfile.NamedTemporaryFile(suffix=".json") as tmp, \
            tempfile.NamedTemporaryFile(suffix=".json") as inner:
        if own:
            argv = [sys.executable, "-c", _SELF, inner.name] + argv
        proc = subprocess.run([sys.executable, "-c", wrapper, tmp.name] + argv, input=stdin,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        with open(tmp.name) as f:
            cpu, rss, wall = json.load(f)
        mine = tools = None
        if own:
            with open(inner.name) as f:
                mine, tools = json.load(f)
    return (cpu, rss, mine, tools, wall, proc.stdout.decode("utf-8", "replace"),
            proc.stderr.decode("utf-8", "replace"))


def _median(values):
    values = sorted(values)
    return values[len(values) // 2] if len(values) % 2 else (
        values[len(values) // 2 - 1] + values[len(values) // 2]) / 2.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--shapes", default=",".join(SHAPES),
                        help="comma-separated, of: %s" % ", ".join(SHAPES))
    parser.add_argument("--commands", default="default,tools,raw,audit2allow",
                        help="comma-separated, of: default (gotriage avc LOG), tools (--tools), "
                             "raw (--raw-rules), audit2allow")
    parser.add_argument("--policy", default=None)
    parser.add_argument("--src", default=os.path.join(ROOT, "src"),
                        help="the gotriage to measure (another tree's src/, e.g. before a change)")
    parser.add_argument("--tool-costs", action="store_true",
                        help="also measure each SELinux tool `avc --tools` runs, alone")
    parser.add_argument("--no-audit2allow", action="store_true", help="the same as leaving "
                        "audit2allow out of --commands")
    parser.add_argument("--policy-load", action="store_true",
                        help="only measure selinux/policydb.py reading the policy, as it is and "
                             "written by checkpolicy -b -c 24..33, then exit")
    parser.add_argument("--phases", action="store_true",
                        help="only print the CPU of each phase of `gotriage avc LOG` (one run in "
                             "process per shape: scan, policy, explain, grouping...), then exit")
    args = parser.parse_args()
    if args.policy_load:
        policy_load(args.policy or "/etc/selinux/default/policy/policy.33", args.runs)
        return
    if args.phases:
        cache = os.path.join(ROOT, ".cache", "bench")
        for shape in args.shapes.split(","):
            log = log_path(cache, shape, args.size_mb)
            if not os.path.exists(log):
                generate(log, args.size_mb * 1000 * 1000, shape)
            out = subprocess.run([sys.executable, "-c", _PHASES, args.src, log],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            print("%s: %s" % (shape, out.stderr.decode().strip().replace("\n", "\n    ")))
        return
    commands = [c for c in args.commands.split(",") if c]
    helptext = subprocess.run([sys.executable, "-m", "gotriage", "avc", "--help"],
                              stdout=subprocess.PIPE, env=dict(os.environ, PYTHONPATH=args.src)
                              ).stdout.decode()
    if "tools" in commands and "--tools" not in helptext:
        commands.remove("tools")  # a gotriage without the option asks its tools anyway
    if args.no_audit2allow and "audit2allow" in commands:
        commands.remove("audit2allow")
    policy = args.policy or max((os.path.join("/etc/selinux/default/policy", n)
                                 for n in os.listdir("/etc/selinux/default/policy")), default=None)
    cache = os.path.join(ROOT, ".cache", "bench")
    os.makedirs(cache, exist_ok=True)
    os.environ["PYTHONPATH"] = args.src
    # as on a host, bytecode is cached (a sandbox may set PYTHONDONTWRITEBYTECODE, which
    # would add the compilation of every module to each run); one warm-up run writes it
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-m", "gotriage", "--version"], stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, "-m", "gotriage", "avc", os.devnull, "--raw-rules"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print("python %s, gotriage from %s, policy %s, %d MB logs, %d runs, interleaved: %s" % (
        sys.version.split()[0], args.src, policy, args.size_mb, args.runs, ", ".join(commands)))
    rows = []
    for shape in args.shapes.split(","):
        rows.extend(bench_shape(shape, args, commands, cache, policy))
    print()
    print("| shape | log | command | CPU median (min-max) | wall median | peak RSS | gotriage's own "
          "peak RSS | its tools' peak RSS | audit2allow / it: ratio of medians, median per pair |")
    print("|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print("| %s |" % " | ".join(row))


def policy_load(policy, runs):
    """CPU of read_policy() (whole, and the symbol tables alone) and the memory its Policy
    keeps, on `policy` and on the same policy written as every version 24-33 by the real
    checkpolicy (`checkpolicy -b -M -c N`), each in a fresh process, median of `runs`."""
    import tempfile

    code = ("import json, resource, sys, time, tracemalloc\n"
            "sys.path.insert(0, sys.argv[1])\n"
            "from gotriage.selinux.policydb import read_policy\n"
            "data = open(sys.argv[2], 'rb').read()\n"
            "t = time.process_time(); read_policy(data, symbols_only=True)\n"
            "symbols = time.process_time() - t\n"
            "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
            "t = time.process_time(); p = read_policy(data); whole = time.process_time() - t\n"
            "grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before\n"
            "tracemalloc.start(); q = read_policy(data)\n"
            "kept = tracemalloc.get_traced_memory()[0]\n"
            "print(json.dumps([whole, symbols, grown / 1024.0, kept / 1e6, len(p.allow)]))\n")
    with tempfile.TemporaryDirectory() as tmp:
        files = [("as installed", policy)]
        for version in range(24, 34):
            path = os.path.join(tmp, "policy.%d" % version)
            subprocess.run(["checkpolicy", "-b", "-M", "-c", str(version), "-o", path, policy],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            files.append(("version %d" % version, path))
        print("| policy | bytes | read_policy CPU (median of %d) | symbol tables alone | RSS "
              "grown | kept (tracemalloc) | allow entries |" % runs)
        print("|---|---|---|---|---|---|---|")
        import json

        for name, path in files:
            got = [json.loads(subprocess.run([sys.executable, "-c", code, os.environ.get(
                "PYTHONPATH", os.path.join(ROOT, "src")), path], stdout=subprocess.PIPE,
                check=True).stdout) for _ in range(runs)]
            print("| %s | %d | %.3f s | %.3f s | %.1f MB | %.1f MB | %d |" % (
                name, os.path.getsize(path), _median([g[0] for g in got]),
                _median([g[1] for g in got]), _median([g[2] for g in got]),
                _median([g[3] for g in got]), got[0][4]))


def tool_costs(log, runs):
    """[(tool command, median CPU s, peak RSS MB)] of each SELinux tool `gotriage avc LOG
    --tools` runs, each run alone (the same argv and stdin), `runs` times."""
    from gotriage.host.live import LiveHost
    from gotriage.selinux.command import analyse

    asked = []

    class Noting(LiveHost):
        def run(self, argv, env=None, cwd="/", timeout=10.0, input=None):
            if os.path.basename(argv[0]) in ("audit2why", "matchpathcon", "seinfo", "sesearch",
                                             "semanage", "getsebool"):
                asked.append((argv, input))
            return LiveHost.run(self, argv, env=env, cwd=cwd, timeout=timeout, input=input)

    analyse(Noting(), [log])
    out = []
    for argv, data in asked:
        got = [measure(list(argv), stdin=data) for _ in range(runs)]
        words = [os.path.basename(argv[0])] + [a if len(a) < 40 else a[:37] + "..." for a in argv[1:]]
        out.append((" ".join(words), _median([g[0] for g in got]), max(g[1] for g in got)))
    return out


def bench_shape(shape, args, commands, cache, policy):
    log = log_path(cache, shape, args.size_mb)
    if not os.path.exists(log):
        t = time.time()
        generate(log, args.size_mb * 1000 * 1000, shape)
        print("generated %s in %.0f s" % (log, time.time() - t))
    argvs = {"default": ["avc", log], "tools": ["avc", log, "--tools"],
             "raw": ["avc", log, "--raw-rules"],
             "audit2allow": ["audit2allow", "-p", policy, "-i", log]}
    results = {name: [] for name in commands}
    outputs = {}
    for _ in range(args.runs):
        for name in commands:
            own = name != "audit2allow"
            got = measure(argvs[name], own=own)
            results[name].append(got[:5])
            outputs[name] = got[5:]
            print("  %-10s %-11s cpu %6.2f s  wall %6.2f s  peak RSS %6.1f MB%s" % (
                shape, name, got[0], got[4], got[1],
                "  (own %.1f MB, tools %.1f MB)" % (got[2], got[3]) if own else ""))
    summary = ""
    for name in ("raw", "default", "tools"):
        if name in outputs:
            summary = next((line for line in outputs[name][1].splitlines()
                            if "distinct denial" in line), "") or next(
                (line for line in outputs[name][0].splitlines() if "distinct denial" in line), "")
            break
    match = re.search(r"(\d+) distinct denials? \((\d+) denial records?(?:, (\d+) USER_AVC)?", summary)
    what = "%.0f MB" % (os.path.getsize(log) / 1e6)
    if match:
        what += ", %s distinct, %s denial records, %s USER_AVC" % (
            match.group(1), match.group(2), match.group(3) or 0)
    print("%s: %s" % (shape, what))
    rows = []
    a2a = results.get("audit2allow")
    for name in commands:
        runs = results[name]
        cpus = [r[0] for r in runs]
        line = "%-11s median cpu %.2f s (%.2f-%.2f), wall %.2f s, max peak RSS %.1f MB" % (
            name, _median(cpus), min(cpus), max(cpus), _median([r[4] for r in runs]),
            max(r[1] for r in runs))
        own = tools = "-"
        if runs[0][2] is not None:
            own = "%.1f MB" % max(r[2] for r in runs)
            tools = "%.1f MB" % max(r[3] for r in runs) if max(r[3] for r in runs) else "-"
            line += " (own %s, tools %s)" % (own, tools)
        ratio = "-"
        if a2a and name != "audit2allow":
            pairs = [ar[0] / gr[0] for gr, ar in zip(runs, a2a)]
            ratio = "%.1fx, %.1fx" % (_median([r[0] for r in a2a]) / _median(cpus), _median(pairs))
            line += "; audit2allow / %s: %s" % (name, ratio)
        print(line)
        rows.append([shape, what, name, "%.2f s (%.2f-%.2f)" % (_median(cpus), min(cpus), max(cpus)),
                     "%.2f s" % _median([r[4] for r in runs]), "%.1f MB" % max(r[1] for r in runs),
                     own, tools, ratio])
    for name in ("tools", "default"):
        # the policy file gotriage read in place of seinfo, sesearch, semanage, audit2why
        read = re.search(r"(\S+ read by gotriage +\([^)]*)", " ".join(
            outputs.get(name, ("", ""))[0].split()))
        if read:
            print("%s: %s: %s)" % (shape, name, read.group(1)[:120]))
    if args.tool_costs:
        for words, cpu, rss in tool_costs(log, args.runs):
            print("%s: alone, %s: cpu %.2f s, peak RSS %.1f MB" % (shape, words, cpu, rss))
    if "raw" in outputs and "audit2allow" in outputs:
        from gotriage.selinux.rules import parse_rules

        mine = parse_rules(outputs["raw"][0])
        theirs = parse_rules(outputs["audit2allow"][0])
        invalid = set(re.findall(r"could not convert (\S+) to sid", outputs["audit2allow"][1]))
        bad_types = {c.split(":")[2] for c in invalid}
        comparable = {r for r in mine if r[0] == "role" or not ({r[0], r[1]} & bad_types)}
        print("%s: same allow rules: %s (%d rules per permission; %d more for types %s that "
              "policy lacks)" % (shape, comparable == theirs, len(theirs), len(mine - comparable),
                                 ", ".join(sorted(bad_types)) or "-"))
    return rows


if __name__ == "__main__":
    main()
