"""A live firewall test bed: a real firewalld (with its own D-Bus) in a server network
namespace, two client namespaces, real connects (after the shared harness in
tests/data/firewall/generated/harness, rebuilt for the tests).

    server ns  SRV   s1 10.231.1.1/24 fd31:1::1/64 <-veth-> p1 10.231.1.2, .3  fd31:1::2   ns C1
                     s2 10.231.2.1/24 fd31:2::1/64 <-veth-> p2 10.231.2.2      fd31:2::2   ns C2

Every address exists only inside namespaces the bed creates; nothing else is ever a
target.  firewalld runs in a private mount namespace whose /run is a tmpfs (for its
dbus-daemon) and whose /etc/firewalld is a bind mount of the bed's own directory, so the
host's /etc/firewalld and D-Bus are untouched and gotriage, run in that mount namespace,
reads the same files firewalld does.  `close()` kills what the bed started, by PID, and
deletes its namespaces.

Listeners in SRV (mimicking Go's net.Listen choices): 8080 tcp4 0.0.0.0, 8081 127.0.0.1,
8082 [::] dual-stack, 8083 [::] IPv6-only, 8090 udp 0.0.0.0 (echo), 8091 udp [::]
dual-stack (echo); nothing on 8000, 8099.
"""

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

LISTENER = r'''
import os, select, socket, sys, time
def mk(kind, fam, addr, port, v6only=None):
    s = socket.socket(fam, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if v6only is not None:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, v6only)
    s.bind((addr, port))
    if kind == socket.SOCK_STREAM:
        s.listen(64)
    return s
T, U = socket.SOCK_STREAM, socket.SOCK_DGRAM
S = [mk(T, socket.AF_INET, "0.0.0.0", 8080), mk(T, socket.AF_INET, "127.0.0.1", 8081),
     mk(T, socket.AF_INET6, "::", 8082, 0), mk(T, socket.AF_INET6, "::", 8083, 1),
     mk(U, socket.AF_INET, "0.0.0.0", 8090), mk(U, socket.AF_INET6, "::", 8091, 0)]
print(os.getpid(), flush=True)
deadline = time.time() + float(sys.argv[1])
while time.time() < deadline:
    r, _, _ = select.select(S, [], [], 1.0)
    for s in r:
        if s.type == socket.SOCK_STREAM:
            c, _ = s.accept(); c.close()
        else:
            data, peer = s.recvfrom(2048); s.sendto(data, peer)
'''

PROBE = r'''
import errno, json, socket, sys, threading
items = json.loads(sys.argv[1])
out = [None] * len(items)
def one(i, src, dst, port, proto):
    fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM)
    s.settimeout(1.5)
    try:
        s.bind((src, 0))
        s.connect((dst, port))
        if proto == "udp":
            s.send(b"ping")
            s.recv(64)
        out[i] = "OPEN"
    except socket.timeout:
        out[i] = "TIMEOUT"
    except OSError as e:
        out[i] = errno.errorcode.get(e.errno, str(e))
    finally:
        s.close()
threads = [threading.Thread(target=one, args=[i] + item) for i, item in enumerate(items)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(json.dumps(out))
'''


class BedError(Exception):
    pass


def available():
    """None when the bed can run here, else why not."""
    if os.geteuid() != 0:
        return "needs root"
    for tool in ("ip", "nsenter", "unshare", "firewalld", "firewall-cmd", "firewall-offline-cmd",
                 "dbus-daemon", "nft"):
        if shutil.which(tool) is None:
            return "%s is not installed" % tool
    if not os.path.isdir("/etc/firewalld"):
        return "/etc/firewalld is missing (the bind-mount target)"
    return None


class FirewallBed(object):
    def __init__(self):
        tag = secrets.token_hex(2)
        self.tag = "gtf" + tag
        self.srv, self.c1, self.c2 = self.tag + "-srv", self.tag + "-c1", self.tag + "-c2"
        self.s1, self.s2, self.p1, self.p2 = self.tag + "-s1", self.tag + "-s2", self.tag + "-p1", self.tag + "-p2"
        self.dir = tempfile.mkdtemp(prefix="gotriage-fwbed-")
        self.etc = os.path.join(self.dir, "etc")
        os.makedirs(self.etc)
        self.namespaces = []
        self.fw_pid = None
        self.fw_proc = None
        self.listener = None
        self.backend = "nftables"
        self.logs = []

    # -- plumbing ---------------------------------------------------------------------------
    def sh(self, argv, check=True, timeout=60, input=None):
        proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout,
                              input=input)
        self.logs.append((argv, proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:]))
        if check and proc.returncode != 0:
            raise BedError("%s failed (%d): %s" % (" ".join(argv), proc.returncode,
                                                   proc.stderr.decode("utf-8", "replace").strip()))
        return proc.stdout.decode("utf-8", "replace")

    def srvx(self, argv, **kw):
        """A command in the server's network and mount namespaces (firewalld's view)."""
        return self.sh(["nsenter", "-t", str(self.fw_pid), "-m", "-n"] + list(argv), **kw)

    def fw(self, *args, **kw):
        return self.srvx(["firewall-cmd"] + list(args), **kw)

    def offline(self, *args):
        return self.srvx(["firewall-offline-cmd"] + list(args))

    # -- life cycle ---------------------------------------------------------------------------
    def up(self):
        for ns in (self.srv, self.c1, self.c2):
            self.sh(["ip", "netns", "add", ns])
            self.namespaces.append(ns)
            self.sh(["ip", "-n", ns, "link", "set", "lo", "up"])
        for s, p, c in ((self.s1, self.p1, self.c1), (self.s2, self.p2, self.c2)):
            self.sh(["ip", "link", "add", s, "netns", self.srv, "type", "veth", "peer", "name", p, "netns", c])
        plan = [(self.srv, self.s1, ["10.231.1.1/24", "fd31:1::1/64"]),
                (self.srv, self.s2, ["10.231.2.1/24", "fd31:2::1/64"]),
                (self.c1, self.p1, ["10.231.1.2/24", "10.231.1.3/24", "fd31:1::2/64"]),
                (self.c2, self.p2, ["10.231.2.2/24", "fd31:2::2/64"])]
        for ns, dev, addrs in plan:
            for addr in addrs:
                extra = ["nodad"] if ":" in addr else []
                self.sh(["ip", "-n", ns, "addr", "add", addr, "dev", dev] + extra)
            self.sh(["ip", "-n", ns, "link", "set", dev, "up"])
        # ICMP errors are rate limited per destination (a burst of 6): probes in parallel
        # would see some rejects as timeouts.  Off in the bed's server namespace only.
        self.sh(["ip", "netns", "exec", self.srv, "sysctl", "-q", "-w", "net.ipv4.icmp_ratelimit=0",
                 "net.ipv6.icmp.ratelimit=0"])
        self.write_conf()
        self.start_firewalld()
        self.listener = subprocess.Popen(["ip", "netns", "exec", self.srv, sys.executable, "-c", LISTENER, "3600"],
                                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.listener.stdout.readline()
        time.sleep(0.3)
        return self

    def write_conf(self, backend="nftables", default_zone="public", extra=""):
        for name in os.listdir(self.etc):
            path = os.path.join(self.etc, name)
            shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
        with open(os.path.join(self.etc, "firewalld.conf"), "w") as f:
            f.write("DefaultZone=%s\nCleanupOnExit=yes\nLockdown=no\nIPv6_rpfilter=yes\n"
                    "IndividualCalls=no\nLogDenied=off\nFirewallBackend=%s\nFlushAllOnReload=yes\n%s"
                    % (default_zone, backend, extra))
        self.backend = backend

    def start_firewalld(self):
        script = ("mount -t tmpfs tmpfs /run && mkdir -p /run/dbus && "
                  "mount --bind %s /etc/firewalld && "
                  "dbus-daemon --system --fork --print-pid > %s/dbus.pid && "
                  "exec firewalld --nofork --nopid --log-target file --log-file %s/firewalld.log"
                  % (self.etc, self.dir, self.dir))
        self.fw_proc = subprocess.Popen(["ip", "netns", "exec", self.srv, "unshare", "--mount",
                                         "--propagation", "private", "--", "bash", "-c", script],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        start_new_session=True)
        self.fw_pid = self.fw_proc.pid
        for _ in range(120):
            time.sleep(0.25)
            if self.fw_proc.poll() is not None:
                raise BedError("firewalld exited (%s): %s" % (self.fw_proc.returncode, self._log_tail()))
            proc = subprocess.run(["nsenter", "-t", str(self.fw_pid), "-m", "-n", "firewall-cmd", "--state"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            if proc.returncode == 0:
                return
        raise BedError("firewalld did not start: %s" % self._log_tail())

    def _log_tail(self):
        try:
            with open(os.path.join(self.dir, "firewalld.log")) as f:
                return f.read()[-1500:]
        except OSError:
            return "(no log)"

    def stop_firewalld(self):
        if self.fw_proc is not None and self.fw_proc.poll() is None:
            self.fw_proc.send_signal(signal.SIGTERM)
            try:
                self.fw_proc.wait(20)
            except subprocess.TimeoutExpired:
                self.fw_proc.kill()
                self.fw_proc.wait(5)
        self.fw_proc = None
        pid_file = os.path.join(self.dir, "dbus.pid")
        if os.path.exists(pid_file):
            try:
                pid = int(open(pid_file).read().strip() or 0)
                if pid:
                    os.kill(pid, signal.SIGTERM)
            except (ValueError, OSError):
                pass
            os.remove(pid_file)

    def restart(self, backend="nftables", default_zone="public", extra=""):
        self.stop_firewalld()
        self.write_conf(backend, default_zone, extra)
        self.start_firewalld()

    def reset(self, default_zone="public"):
        """A fresh permanent configuration, loaded; foreign rules removed."""
        self.srvx(["nft", "delete", "table", "inet", "gtftest"], check=False)
        self.srvx(["iptables-legacy", "-F", "INPUT"], check=False)
        self.srvx(["ip6tables-legacy", "-F", "INPUT"], check=False)
        self.write_conf(self.backend, default_zone)
        self.fw("--reload")

    def close(self):
        if self.listener is not None and self.listener.poll() is None:
            self.listener.kill()
            self.listener.wait(5)
        self.stop_firewalld()
        for ns in self.namespaces:
            subprocess.run(["ip", "netns", "del", ns], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.namespaces = []
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- probing --------------------------------------------------------------------------
    CLIENTS = {  # name -> (namespace attr, source address, server interface attr, server address)
        "c1": ("c1", "10.231.1.2", "s1", "10.231.1.1"),
        "c1b": ("c1", "10.231.1.3", "s1", "10.231.1.1"),
        "c2": ("c2", "10.231.2.2", "s2", "10.231.2.1"),
        "c1v6": ("c1", "fd31:1::2", "s1", "fd31:1::1"),
        "c2v6": ("c2", "fd31:2::2", "s2", "fd31:2::1"),
    }

    def probe(self, probes):
        """Real connects: probes is [(client name, port, proto)] -> [observed]."""
        by_ns = {}
        for i, (client, port, proto) in enumerate(probes):
            ns_attr, src, _iif, dst = self.CLIENTS[client]
            by_ns.setdefault(getattr(self, ns_attr), []).append((i, [src, dst, port, proto]))
        results = [None] * len(probes)

        def run(ns, items):
            out = self.sh(["ip", "netns", "exec", ns, sys.executable, "-c", PROBE,
                           json.dumps([x for _, x in items])], timeout=120)
            for (i, _), res in zip(items, json.loads(out)):
                results[i] = res

        threads = [threading.Thread(target=run, args=(ns, items)) for ns, items in by_ns.items()]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return results

    def gotriage(self, probes, timeout=10.0, hung=()):
        """gotriage's verdicts for the same probes, computed in the server namespaces
        (tests/firewall_bed_driver.py) and recorded into a snapshot.  `hung`: (fake, real)
        pairs of programs bind-mounted over the real tools in a private mount namespace of
        the server's (gotriage runs the system's tools, whatever PATH says)."""
        items = []
        for client, port, proto in probes:
            _ns, src, iif_attr, _dst = self.CLIENTS[client]
            items.append({"src": src, "iif": getattr(self, iif_attr), "dport": port, "proto": proto})
        probe_file = os.path.join(self.dir, "probes.json")
        with open(probe_file, "w") as f:
            json.dump(items, f)
        snap = os.path.join(self.dir, "snap-%d" % int(time.time() * 1000))
        argv = ["nsenter", "-t", str(self.fw_pid), "-m", "-n"]
        if hung:
            argv += ["unshare", "--mount", "--propagation", "private", "sh", "-c",
                     "".join('mount --bind "%s" "%s" && ' % pair for pair in hung) + 'exec "$@"',
                     "sh"]
        argv += [sys.executable, os.path.join(HERE, "firewall_bed_driver.py"), probe_file, snap, str(timeout)]
        out = self.sh(argv, timeout=300)
        data = json.loads(out)
        data["snapshot"] = snap
        return data


def observed_of(verdict):
    """A gotriage verdict in the probe's words (OPEN, ECONNREFUSED, TIMEOUT...)."""
    if verdict["outcome"] == "open":
        return "OPEN"
    if verdict["outcome"] == "timeout":
        return "TIMEOUT"
    return verdict["errno"] or verdict["outcome"]
