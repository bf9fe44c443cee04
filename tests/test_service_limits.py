"""The open files a service really has (issue 14): /proc/PID/limits of the running server,
against the real thing on this machine.

- The recorded /proc/PID/limits of tests/data/proc/limits (a shell, Go 1.21 servers
  started with `prlimit --nofile=1024:1024` and `1024:8192`, a C program with 1024:8192)
  read as the kernel lays them out, and the layout is still this kernel's.
- Real servers, started with prlimit outside systemd (no systemd runs here): `gotriage
  service UNIT-FILE` finds each by its program in /proc, reads its real limits, and says
  where they come from.  A Go 1.21 server raises its soft limit to the hard one itself (no
  finding at 1024:8192); at 1024:1024 it cannot, and the predicted `accept4: too many open
  files` is what the real server logs when 1100 clients connect; a C program keeps 1024.
- A limits.conf rule for the unit's user (bind-mounted over /etc/security/limits.conf in a
  private mount namespace) is named as the rule that does not reach the service.

Every server is stopped by its PID."""

import os
import re
import socket
import subprocess
import sys
import time

import pytest

from binary_support import _build, _module
from cli_support import parse_report, run_cli
from conftest import DATA, need
from gotriage.parsers.limits import parse_proc_limits
from hung_support import have_unshare, run_with_hung_tools

LIMITS = os.path.join(DATA, "proc", "limits")
GO_SERVER = """package main

import (
	"fmt"
	"net/http"
	"os"
)

func main() {
	fmt.Println("listening on", os.Args[1])
	if err := http.ListenAndServe(os.Args[1], nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
"""


def test_recorded_limits_are_this_kernels_layout():
    recorded = {name: open(os.path.join(LIMITS, name)).read() for name in sorted(os.listdir(LIMITS))}
    nofile = {name: parse_proc_limits(text)["Max open files"] for name, text in recorded.items()}
    assert nofile == {"go1.21-hard1024": (1024, 1024), "go1.21-hard8192": (8192, 8192),
                      "shell": (20000, 20000), "sleep-1024-8192": (1024, 8192)}
    with open("/proc/self/limits") as f:
        live = f.read()
    names = [line[:26] for line in live.splitlines()]
    for name, text in recorded.items():
        assert [line[:26] for line in text.splitlines()] == names, name  # same rows, same columns
        assert len(parse_proc_limits(text)) == len(names) - 1  # every limit read (not the header)


@pytest.fixture(scope="module")
def go_server(toolchains, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("limits-server")
    return str(_build(toolchains["1.21"], _module(tmp / "src", "limits", GO_SERVER), tmp / "limits-server", {}))


def _free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server(object):
    """A real program started with `prlimit --nofile=SOFT:HARD`, outside systemd."""

    def __init__(self, tmp_path, argv, soft, hard):
        self.log = tmp_path / "server.log"
        self.out = open(str(self.log), "wb")
        self.proc = subprocess.Popen(["prlimit", "--nofile=%d:%d" % (soft, hard)] + argv,
                                     stdout=self.out, stderr=subprocess.STDOUT)
        self.pid = self.proc.pid  # prlimit execs the program: same pid
        ready = "listening" if argv[0].endswith("limits-server") else None
        for _ in range(500):  # until prlimit has become the program (and a server listens)
            try:
                program = os.readlink("/proc/%d/exe" % self.pid)
            except OSError:
                program = None
            if program == argv[0] and (ready is None or ready in self.log.read_text()):
                break
            time.sleep(0.02)

    def stop(self):
        self.proc.kill()
        self.proc.wait(timeout=10)
        self.out.close()


def _unit(tmp_path, program, args=""):
    path = tmp_path / "app.service"
    path.write_text("[Unit]\nDescription=limits test\n\n[Service]\nExecStart=%s %s\n" % (program, args))
    return str(path)


def _limits_results(report):
    return {r["id"]: r for r in report["results"] if r["id"].startswith("SVC-LIMITS")}


def test_go_server_at_1024_1024_is_found_and_its_predicted_error_is_what_it_logs(tmp_path, go_server):
    port = _free_port()
    server = Server(tmp_path, [go_server, "127.0.0.1:%d" % port], 1024, 1024)
    clients = []
    try:
        report = parse_report(run_cli(["service", _unit(tmp_path, go_server, "127.0.0.1:%d" % port), "--json"]))
        found = _limits_results(report)
        running = found["SVC-LIMITS-RUNNING"]
        assert "the running server (pid %d) may open only 1024 files (soft 1024, hard 1024)" % server.pid \
            in running["title"]
        texts = [e["text"] for e in running["evidence"]]
        assert "pid %d runs %s (/proc/%d/exe); not in app.service's cgroup (no unit's)" % (
            server.pid, go_server, server.pid) in texts
        assert "Max open files  1024  1024" in texts
        assert "not started by systemd for app.service" in running["why"]
        assert running["fix"][0]["kind"] == "note" and "systemctl start app.service" in running["fix"][0]["description"]
        # the real server under load says what was predicted
        for _ in range(1100):
            clients.append(socket.create_connection(("127.0.0.1", port), 5))
        for _ in range(250):
            if b"too many open files" in server.log.read_bytes():
                break
            time.sleep(0.02)
        logged = server.log.read_bytes().decode()
        predicted = running["predicted_error"]
        assert predicted.endswith("accept4: too many open files")
        line = re.search(r"http: Accept error: accept tcp (\S+): accept4: too many open files", logged)
        assert line, logged[-2000:]
        assert predicted.replace("[::]:PORT", line.group(1)) in logged
    finally:
        for c in clients:
            c.close()
        server.stop()


def test_go_server_raises_its_soft_limit_itself(tmp_path, go_server):
    port = _free_port()
    server = Server(tmp_path, [go_server, "127.0.0.1:%d" % port], 1024, 8192)
    try:
        with open("/proc/%d/limits" % server.pid) as f:
            assert parse_proc_limits(f.read())["Max open files"] == (8192, 8192)  # what Go 1.19+ does
        report = parse_report(run_cli(["service", _unit(tmp_path, go_server, "127.0.0.1:%d" % port), "--json"]))
        found = _limits_results(report)
        assert "SVC-LIMITS-RUNNING" not in found and "SVC-LIMITS-STALE" not in found, sorted(found)
        assert found["SVC-LIMITS"]["title"].endswith("(pid %d has soft 8192, hard 8192)" % server.pid)
    finally:
        server.stop()


def test_a_c_program_keeps_its_soft_limit(tmp_path):
    sleep = "/usr/bin/sleep" if os.path.exists("/usr/bin/sleep") else "/bin/sleep"
    copy = tmp_path / "worker"  # its own path: no other sleep of the machine is taken for it
    copy.write_bytes(open(sleep, "rb").read())
    copy.chmod(0o755)
    server = Server(tmp_path, [str(copy), "60"], 1024, 8192)
    try:
        report = parse_report(run_cli(["service", _unit(tmp_path, str(copy), "60"), "--json"]))
        running = _limits_results(report)["SVC-LIMITS-RUNNING"]
        assert "(soft 1024, hard 8192)" in running["title"]
        assert "%s keeps its soft limit of 1024: Go 1.19+ raises it to the hard limit (8192) itself, this " \
               "program is not Go 1.19+." % copy in running["why"]
    finally:
        server.stop()


def test_limits_conf_is_named_as_what_does_not_reach_the_service(tmp_path, go_server):
    need(have_unshare(), "root and unshare, for a private mount namespace")
    need(os.path.exists("/etc/security/limits.conf"), "/etc/security/limits.conf (libpam-modules)")
    conf = tmp_path / "limits.conf"
    conf.write_text("# raised for the service, as the threads say\nroot  -  nofile  65536\n")
    port = _free_port()
    server = Server(tmp_path, [go_server, "127.0.0.1:%d" % port], 1024, 1024)
    try:
        proc, _, _ = run_with_hung_tools(
            tmp_path, ["service", _unit(tmp_path, go_server, "127.0.0.1:%d" % port), "--json"], tools=[],
            overlay=[(str(conf), "/etc/security/limits.conf")],
            env=dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + "/src"))
        assert proc.returncode == 1, proc.stderr
        import json

        running = _limits_results(json.loads(proc.stdout.decode()))["SVC-LIMITS-RUNNING"]
        assert {"kind": "file", "source": "/etc/security/limits.conf", "line": 2,
                "text": "root  -  nofile  65536"} in running["evidence"]
        assert "/etc/security/limits.conf:2 (`root  -  nofile  65536`) does not reach it: limits.conf is read " \
               "by pam_limits for login sessions, and systemd starts services without PAM." in running["why"]
    finally:
        server.stop()
    assert sys.executable  # the namespace ran this Python
