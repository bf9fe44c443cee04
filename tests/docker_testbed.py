"""A real Docker beside the firewall test bed (tests/firewall_testbed.py): Debian's dockerd
(docker.io) runs in the bed's server network namespace, talks to the bed's firewalld over
the bed's own D-Bus, and writes its real iptables rules there; containers are real (runc,
an image imported from a static Go server, no registry).

    server ns  SRV   s1 10.231.1.1/24 ... c1, c2 as in FirewallBed
                     docker0 172.17.0.1/16 (dockerd's bridge, in SRV only) <-veth-> a container

Nothing of the host is touched: dockerd's data root, exec root, socket, pid file and
config are in the bed's directory; its network is the bed's server namespace, its D-Bus
the bed's (DBUS_SYSTEM_BUS_ADDRESS into firewalld's mount namespace), so the zone it
creates lands in the bed's /etc/firewalld; its cgroups go under a parent named after the
bed (removed at close).  dockerd runs in a private mount namespace whose /sys is that
network namespace's sysfs with the cgroup hierarchies mounted again (`ip netns exec`
gives firewalld's namespace a bare /sys).  `close()` removes the containers, stops
dockerd by its PID, then the bed.

What Docker writes (Docker 20.10's vendored libnetwork, moby v20.10.24
vendor/github.com/docker/libnetwork): iptables/firewalld.go creates the zone `docker`
(target ACCEPT) over D-Bus when firewalld runs and adds the bridge to it, and passes its
iptables rules through firewalld (direct.passthrough); drivers/bridge/setup_ip_tables.go
the DOCKER, DOCKER-USER, DOCKER-ISOLATION-STAGE-1/2 chains of filter FORWARD, nat
PREROUTING/OUTPUT's jump to DOCKER and the subnet's MASQUERADE; drivers/bridge/
port_mapping.go + iptables.go one DNAT in nat DOCKER and one ACCEPT in filter DOCKER per
published port; setup_ip_forwarding.go turns ip_forward on and sets FORWARD's policy to
DROP when it was off.
"""

import json
import os
import subprocess
import sys
import tarfile
import time

from firewall_testbed import PROBE, BedError, FirewallBed
from firewall_testbed import available as bed_available

DOCKERD = "/usr/sbin/dockerd"
DOCKER = "/usr/bin/docker"  # the client of the same package (20.10), not another on PATH
CGROUPS = ("cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids")

# The container's program: a Go server that accepts on every port it is given.
SERVER_GO = r'''// A container's server: accepts TCP on every port given, closes each connection.
package main

import (
	"net"
	"os"
)

func main() {
	for _, p := range os.Args[1:] {
		l, err := net.Listen("tcp", ":"+p)
		if err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(1)
		}
		go func(l net.Listener) {
			for {
				if c, err := l.Accept(); err == nil {
					c.Close()
				}
			}
		}(l)
	}
	select {}
}
'''


def available():
    why = bed_available()
    if why:
        return why
    for tool in (DOCKERD, DOCKER, "/usr/bin/containerd", "/usr/sbin/runc"):
        if not os.path.exists(tool):
            return "%s is not installed (Debian's docker.io)" % tool
    if not os.path.isdir("/sys/fs/cgroup/devices"):
        return "no cgroup v1 devices hierarchy at /sys/fs/cgroup/devices (runc needs one here)"
    return None


def build_server(go, workdir):
    """The container's server, static (CGO_ENABLED=0), built with `go`."""
    src = os.path.join(workdir, "ctrsrv")
    os.makedirs(src, exist_ok=True)
    with open(os.path.join(src, "main.go"), "w") as f:
        f.write(SERVER_GO)
    with open(os.path.join(src, "go.mod"), "w") as f:
        f.write("module ctrsrv\n\ngo 1.19\n")
    out = os.path.join(workdir, "ctrsrv.bin")
    env = dict(os.environ, CGO_ENABLED="0", GOFLAGS="-mod=mod", GOTOOLCHAIN="local", GOPROXY="off")
    subprocess.run([go, "build", "-trimpath", "-ldflags=-s", "-o", out, "."], cwd=src, env=env, check=True,
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    return out


class DockerBed(FirewallBed):
    """FirewallBed + a real dockerd in its server namespace."""

    def __init__(self, server_binary):
        FirewallBed.__init__(self)
        self.server_binary = server_binary
        self.docker_dir = os.path.join(self.dir, "docker")
        self.sock = os.path.join(self.docker_dir, "docker.sock")
        self.dockerd = None
        self.cgroup_parent = "gotriage-" + self.tag
        self.containers = {}  # name -> (pid, address)

    # -- dockerd -----------------------------------------------------------------------
    def start_dockerd(self, extra=None):
        os.makedirs(self.docker_dir, exist_ok=True)
        conf = {"cgroup-parent": self.cgroup_parent}
        conf.update(extra or {})
        with open(os.path.join(self.docker_dir, "daemon.json"), "w") as f:
            json.dump(conf, f)
        mounts = ["mount -t sysfs sysfs /sys", "mount -t tmpfs cgroup /sys/fs/cgroup"]
        for c in CGROUPS:
            mounts.append("mkdir /sys/fs/cgroup/%s && mount -t cgroup -o %s cgroup /sys/fs/cgroup/%s" % (c, c, c))
        mounts.append("mkdir /sys/fs/cgroup/systemd && mount -t cgroup -o none,name=systemd cgroup "
                      "/sys/fs/cgroup/systemd")
        d = self.docker_dir
        script = " && ".join(mounts) + (
            " && exec %s --config-file %s/daemon.json --data-root %s/root --exec-root %s/exec "
            "--pidfile %s/dockerd.pid -H unix://%s --storage-driver vfs" % (DOCKERD, d, d, d, d, self.sock))
        env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS="unix:path=/proc/%d/root/run/dbus/system_bus_socket"
                   % self.fw_pid)
        log = open(os.path.join(d, "dockerd.log"), "a")
        # nsenter and unshare exec, and so does the script's last command: the PID is dockerd's
        self.dockerd = subprocess.Popen(["nsenter", "--net=/run/netns/" + self.srv, "unshare", "--mount",
                                         "--propagation", "private", "--", "sh", "-c", script],
                                        stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        log.close()
        for _ in range(120):
            time.sleep(0.25)
            if self.dockerd.poll() is not None:
                raise BedError("dockerd exited (%s): %s" % (self.dockerd.returncode, self.dockerd_log()[-1500:]))
            if subprocess.run([DOCKER, "-H", "unix://" + self.sock, "version"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, timeout=30).returncode == 0:
                break
        else:
            raise BedError("dockerd did not answer: %s" % self.dockerd_log()[-1500:])
        if "gtsrv:1" not in self.docker("images", "--format", "{{.Repository}}:{{.Tag}}"):
            self._import_image()

    def fresh(self, backend="nftables", extra_conf="", daemon=None):
        """As after a boot: no dockerd, firewalld started anew on a fresh configuration
        (`backend`), no iptables rules, no docker0, ip_forward off; then dockerd."""
        self.stop_dockerd()
        self.stop_firewalld()
        ns = ["ip", "netns", "exec", self.srv]
        for tool in ("iptables-nft", "ip6tables-nft"):
            for table in ("filter", "nat", "mangle", "raw"):
                self.sh(ns + [tool, "-t", table, "-F"], check=False)
                self.sh(ns + [tool, "-t", table, "-X"], check=False)
            for chain in ("INPUT", "FORWARD", "OUTPUT"):
                self.sh(ns + [tool, "-P", chain, "ACCEPT"], check=False)
        for family in ("ip", "ip6"):
            for table in ("filter", "nat", "mangle", "raw"):
                self.sh(ns + ["nft", "delete", "table", family, table], check=False)
        self.sh(ns + ["ip", "link", "del", "docker0"], check=False)
        self.sh(ns + ["sysctl", "-q", "-w", "net.ipv4.ip_forward=0"])
        self.write_conf(backend, "public", extra_conf)
        self.start_firewalld()
        self.start_dockerd(daemon)

    def reload_firewalld(self):
        """`firewall-cmd --reload`, then wait until dockerd has answered firewalld's
        Reloaded signal: it puts its rules and the bridge's zone back asynchronously, and
        until it has, a published port is refused (seen: EHOSTUNREACH right after the
        reload) and a runtime change to the zone may be undone."""
        seen = len(self.firewalld_lines())
        self.fw("--reload")
        for _ in range(80):
            time.sleep(0.25)
            nat = self.srvx(["iptables-save", "-t", "nat"], check=False)
            if len(self.firewalld_lines()) > seen and (not self.containers or "DNAT" in nat):
                break
        time.sleep(1.0)

    def dockerd_log(self):
        try:
            with open(os.path.join(self.docker_dir, "dockerd.log")) as f:
                return f.read()
        except OSError:
            return ""

    def firewalld_lines(self):
        """dockerd's log lines about firewalld (what it did to the zone)."""
        return [line for line in self.dockerd_log().splitlines() if "irewalld" in line]

    def docker(self, *args, **kw):
        return self.sh([DOCKER, "-H", "unix://" + self.sock] + list(args), timeout=120, **kw)

    def _import_image(self):
        tar = os.path.join(self.docker_dir, "image.tar")
        with tarfile.open(tar, "w") as t:
            t.add(self.server_binary, arcname="srv")
        with open(tar, "rb") as f:
            self.sh([DOCKER, "-H", "unix://" + self.sock, "import", "-c", 'ENTRYPOINT ["/srv"]', "-", "gtsrv:1"],
                    input=f.read(), timeout=120)

    def run_container(self, name, publish=(), ports=(80, 8080)):
        """A container serving `ports`, with `publish` ("8088:80", "127.0.0.1:8089:8080")."""
        args = ["run", "-d", "--name", name]
        for p in publish:
            args += ["-p", p]
        self.docker(*(args + ["gtsrv:1"] + [str(p) for p in ports]))
        pid = int(self.docker("inspect", "-f", "{{.State.Pid}}", name).strip())
        addr = self.docker("inspect", "-f", "{{.NetworkSettings.IPAddress}}", name).strip()
        self.containers[name] = (pid, addr)
        time.sleep(0.3)
        return pid, addr

    def remove_containers(self):
        for name in list(self.containers):
            self.docker("rm", "-f", name, check=False)
            del self.containers[name]

    def stop_dockerd(self):
        if self.dockerd is None:
            return
        if self.dockerd.poll() is None:
            self.remove_containers()
            self.dockerd.terminate()
            try:
                self.dockerd.wait(30)
            except subprocess.TimeoutExpired:
                self.dockerd.kill()
                self.dockerd.wait(10)
        self.dockerd = None
        for c in CGROUPS + ("systemd",):
            path = os.path.join("/sys/fs/cgroup", c, self.cgroup_parent)
            if os.path.isdir(path):
                for sub in sorted(os.listdir(path), reverse=True):
                    if os.path.isdir(os.path.join(path, sub)):
                        try:
                            os.rmdir(os.path.join(path, sub))
                        except OSError:
                            pass
                try:
                    os.rmdir(path)
                except OSError:
                    pass

    def close(self):
        try:
            self.stop_dockerd()
        finally:
            FirewallBed.close(self)

    # -- probing from a container ---------------------------------------------------------
    def probe_from(self, name, items):
        """Real connects from inside container `name`'s network namespace: items are
        [(destination, port, proto)] -> [observed]."""
        pid, addr = self.containers[name]
        payload = json.dumps([[addr, dst, port, proto] for dst, port, proto in items])
        out = self.sh(["nsenter", "-t", str(pid), "-n", sys.executable, "-c", PROBE, payload], timeout=120)
        return json.loads(out)

    def gotriage_from(self, items, timeout=10.0):
        """gotriage's verdicts for clients given as {"src", "iif", "dport", "proto"}
        (tests/firewall_bed_driver.py, in the server's namespaces)."""
        probe_file = os.path.join(self.dir, "probes.json")
        with open(probe_file, "w") as f:
            json.dump(items, f)
        snap = os.path.join(self.dir, "snap-%d" % int(time.time() * 1000))
        here = os.path.dirname(os.path.abspath(__file__))
        out = self.srvx([sys.executable, os.path.join(here, "firewall_bed_driver.py"), probe_file, snap,
                         str(timeout)], timeout=300)
        data = json.loads(out)
        data["snapshot"] = snap
        return data

