"""gotriage avc vs audit2allow on a large synthetic audit.log (run by hand, not a test).

    .venv/bin/python bench/bench_avc.py [--size-mb 200] [--runs 3] [--policy POLICY]

Bytecode is compiled before measuring (PYTHONDONTWRITEBYTECODE is dropped for the runs).
Generates (once, deterministic) .cache/bench/audit-<N>mb.log: RHEL 8/9-style events —
SYSCALL, CWD, PATH, PROCTITLE (hex), EXECVE, USER_ACCT/USER_START/CRED_ACQ (PAM),
SERVICE_START/STOP, 80% of lines ENRICHED — with tens of thousands of AVC denials (and
some USER_AVC) drawn from a few hundred denials of Go-like services, each with its
SYSCALL/PATH/PROCTITLE records.  Then, in the same run and interleaved, measures the CPU
time (user + sys) and peak RSS of each whole process:

    gotriage avc LOG --raw-rules
    audit2allow -p POLICY -i LOG

and checks that both give the same allow rules (per permission; see
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


def generate(path, size):
    gen = Generator()
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        written = 0
        while written < size:
            batch = "".join(gen.event() for _ in range(2000))
            f.write(batch)
            written += len(batch)
    os.rename(tmp, path)


def measure(argv):
    """(cpu seconds, peak RSS MB, stdout, stderr) of argv, run under a fresh wrapper
    process whose RUSAGE_CHILDREN covers that one command only."""
    import json
    import tempfile

    wrapper = ("import json, resource, subprocess, sys\n"
               "p = subprocess.run(sys.argv[2:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)\n"
               "r = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
               "json.dump([r.ru_utime + r.ru_stime, r.ru_maxrss / 1024.0], open(sys.argv[1], 'w'))\n"
               "sys.stdout.buffer.write(p.stdout); sys.stderr.buffer.write(p.stderr)\n")
    with tempfile.NamedTemporaryFile(suffix=".json") as tmp:
        proc = subprocess.run([sys.executable, "-c", wrapper, tmp.name] + argv,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        with open(tmp.name) as f:
            cpu, rss = json.load(f)
    return cpu, rss, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--policy", default=None)
    parser.add_argument("--no-audit2allow", action="store_true")
    args = parser.parse_args()
    policy = args.policy or max((os.path.join("/etc/selinux/default/policy", n)
                                 for n in os.listdir("/etc/selinux/default/policy")), default=None)
    cache = os.path.join(ROOT, ".cache", "bench")
    os.makedirs(cache, exist_ok=True)
    log = os.path.join(cache, "audit-%dmb.log" % args.size_mb)
    if not os.path.exists(log):
        t = time.time()
        generate(log, args.size_mb * 1000 * 1000)
        print("generated %s in %.0f s" % (log, time.time() - t))
    with open(log, "rb") as f:
        data_avc = sum(chunk.count(b"avc:  denied") for chunk in iter(lambda: f.read(1 << 24), b""))
    print("log: %s, %.0f MB, %d denial records" % (log, os.path.getsize(log) / 1e6, data_avc))
    gotriage = [sys.executable, "-m", "gotriage", "avc", log, "--raw-rules"]
    os.environ["PYTHONPATH"] = os.path.join(ROOT, "src")
    # as on a host, bytecode is cached (a sandbox may set PYTHONDONTWRITEBYTECODE, which
    # would add the compilation of every module to each run); one warm-up run writes it
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-m", "gotriage", "--version"], stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, "-m", "gotriage", "avc", os.devnull, "--raw-rules"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    a2a = ["audit2allow", "-p", policy, "-i", log]
    results = {"gotriage": [], "audit2allow": []}
    outputs = {}
    for _ in range(args.runs):
        for name, argv in (("gotriage", gotriage), ("audit2allow", a2a)):
            if name == "audit2allow" and args.no_audit2allow:
                continue
            cpu, rss, out, err = measure(argv)
            results[name].append((cpu, rss))
            outputs[name] = (out, err)
            print("  %-11s cpu %6.2f s  peak RSS %6.1f MB" % (name, cpu, rss))
    from gotriage.selinux.rules import parse_rules

    for name, runs in results.items():
        if runs:
            cpus = sorted(r[0] for r in runs)
            print("%-11s median cpu %.2f s, max peak RSS %.1f MB" % (
                name, cpus[len(cpus) // 2], max(r[1] for r in runs)))
    if results["audit2allow"]:
        g = sorted(r[0] for r in results["gotriage"])[len(results["gotriage"]) // 2]
        a = sorted(r[0] for r in results["audit2allow"])[len(results["audit2allow"]) // 2]
        # the machine's speed drifts between runs; each audit2allow run is paired with the
        # gotriage run just before it, and the median of those ratios is printed too
        pairs = sorted(ar[0] / gr[0] for gr, ar in zip(results["gotriage"], results["audit2allow"]))
        print("audit2allow / gotriage CPU: %.1fx (medians); per interleaved pair: median %.1fx, "
              "%d of %d pairs at 10x or more" % (a / g, pairs[len(pairs) // 2],
                                                 sum(1 for r in pairs if r >= 10), len(pairs)))
        mine = parse_rules(outputs["gotriage"][0])
        theirs = parse_rules(outputs["audit2allow"][0])
        invalid = set(re.findall(r"could not convert (\S+) to sid", outputs["audit2allow"][1]))
        bad_types = {c.split(":")[2] for c in invalid}
        comparable = {r for r in mine if r[0] == "role" or not ({r[0], r[1]} & bad_types)}
        print("same allow rules: %s (%d rules per permission; %d more for types %s that "
              "policy lacks)" % (comparable == theirs, len(theirs), len(mine - comparable),
                                 ", ".join(sorted(bad_types)) or "-"))


if __name__ == "__main__":
    main()
