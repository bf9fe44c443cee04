"""net.ipv6.bindv6only against the real kernel (issue 14): in a network namespace made
for the test (`unshare --net --mount`, root), bindv6only is set, a real server listens on
[::]:8080 (a Python socket that leaves IPV6_V6ONLY alone, or a Go program built with the
real go1.21: `net.Listen("tcp", ":8080")`), a real client connects over 127.0.0.1 and ::1,
and `gotriage port 8080 --from 127.0.0.1` must predict what that client saw: refused for
Python under bindv6only=1 (FW-LISTEN-V6ONLY, the refusal folded under it), open for Go
(Go sets IPV6_V6ONLY=0 itself), open for Python under bindv6only=0.

Each is run twice: with the real ss, which shows the socket's own flag (`v6only:1`), and
with an ss that fails (bind-mounted over the real one in the namespace), where the
sockets come from /proc/net, which does not show the flag: then the sysctl and the
owner's being a Go program decide.  The listener is stopped by its PID and the namespace
ends with the script; nothing of the machine's own network is touched."""

import json
import os
import subprocess
import sys

import pytest

from binary_support import _build, _module
from conftest import ROOT, need
from hung_support import have_unshare

GO_SERVER = """package main

import (
	"fmt"
	"net"
	"os"
)

func main() {
	l, err := net.Listen("tcp", os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("listening", l.Addr())
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		c.Close()
	}
}
"""

PY_SERVER = """import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)  # IPV6_V6ONLY left as the kernel sets it
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("::", 8080))
s.listen(16)
print("listening", flush=True)
while True:
    c, _ = s.accept()
    c.close()
"""

CLIENT = """import socket
for host in ("127.0.0.1", "::1"):
    try:
        socket.create_connection((host, 8080), 2).close()
        print(host, "open")
    except OSError as err:
        print(host, "refused" if isinstance(err, ConnectionRefusedError) else "error %s" % err)
"""

SCRIPT = """set -e
ip link set lo up
echo {bindv6only} > /proc/sys/net/ipv6/bindv6only
{mount_ss}
{server} > "{tmp}/server.out" 2>&1 &
SERVER=$!
i=0
until grep -q listening "{tmp}/server.out"; do
    i=$((i + 1)); [ $i -lt 100 ] || {{ kill $SERVER; echo "server did not start" >&2; exit 3; }}
    sleep 0.05
done
"$PY" "{tmp}/client.py" > "{tmp}/client.out"
set +e
"$PY" -m gotriage port 8080 --json --from 127.0.0.1 > "{tmp}/report.json"
echo $? > "{tmp}/gotriage.rc"
kill $SERVER
wait $SERVER
exit 0
"""


@pytest.fixture(scope="module")
def go_server(toolchains, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("v6server")
    return _build(toolchains["1.21"], _module(tmp / "src", "v6server", GO_SERVER), tmp / "v6server", {})


def _run(tmp_path, server, bindv6only, ss_fails):
    need(have_unshare(), "root and unshare, for a network and a mount namespace of the test's own")
    (tmp_path / "client.py").write_text(CLIENT)
    (tmp_path / "server.py").write_text(PY_SERVER)
    mount_ss = ""
    if ss_fails:
        fake = tmp_path / "ss"
        fake.write_text("#!/bin/sh\necho 'Cannot open netlink socket: Protocol not supported' >&2\nexit 1\n")
        fake.chmod(0o755)
        real = [p for p in ("/usr/bin/ss", "/usr/sbin/ss", "/bin/ss", "/sbin/ss") if os.path.exists(p)]
        mount_ss = "\n".join('mount --bind "%s" "%s"' % (fake, p) for p in real)
    command = '"$PY" "%s/server.py"' % tmp_path if server == "python" else '"%s" :8080' % server
    script = SCRIPT.format(bindv6only=bindv6only, mount_ss=mount_ss, server=command, tmp=tmp_path)
    env = dict(os.environ, PY=sys.executable, PYTHONPATH=os.path.join(ROOT, "src"))
    proc = subprocess.run(["unshare", "--net", "--mount", "--propagation", "private", "sh", "-c", script],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=180)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    client = dict(line.split(" ", 1) for line in (tmp_path / "client.out").read_text().splitlines())
    report = json.loads((tmp_path / "report.json").read_text())
    return client, report, int((tmp_path / "gotriage.rc").read_text())


def _by_id(report):
    out = {}
    for r in report["results"]:
        out.setdefault(r["id"], []).append(r)
    return out


@pytest.mark.parametrize("ss_fails", [False, True], ids=["ss", "proc-net"])
def test_python_listener_under_bindv6only_refuses_ipv4(tmp_path, ss_fails):
    client, report, rc = _run(tmp_path, "python", 1, ss_fails)
    assert client == {"127.0.0.1": "refused", "::1": "open"}, client  # what the kernel did
    found = _by_id(report)
    [v6only] = found["FW-LISTEN-V6ONLY"]
    [refused] = found["FW-PORT-REFUSED"]
    assert rc == 1
    assert refused["predicted_error"] == "dial tcp 127.0.0.1:8080: connect: connection refused"
    assert refused["caused_by"] == {"id": "FW-LISTEN-V6ONLY", "subject": "tcp/8080"}
    assert {"kind": "file", "source": "/proc/sys/net/ipv6/bindv6only", "text": "1"} in [
        {k: e.get(k) for k in ("kind", "source", "text")} for e in v6only["evidence"]]
    assert "net.ipv6.bindv6only=1" in v6only["why"]
    assert [a.get("argv") for a in v6only["fix"]][1] == ["sysctl", "-w", "net.ipv6.bindv6only=0"]
    socket_evidence = v6only["evidence"][0]["text"]
    if ss_fails:  # /proc/net: the flag is the sysctl's default, and says so
        assert "[::]:8080" in socket_evidence and "/proc/net" in socket_evidence
        assert "its own flag is not in /proc/net" in socket_evidence
        assert "not visible here" in v6only["why"]
    else:  # ss -e shows the socket's own flag
        assert "ss -ltune" in socket_evidence and "not visible here" not in v6only["why"]


@pytest.mark.parametrize("ss_fails", [False, True], ids=["ss", "proc-net"])
def test_go_listener_stays_dual_stack_under_bindv6only(tmp_path, go_server, ss_fails):
    client, report, rc = _run(tmp_path, str(go_server), 1, ss_fails)
    assert client == {"127.0.0.1": "open", "::1": "open"}, client  # Go clears IPV6_V6ONLY itself
    found = _by_id(report)
    assert "FW-LISTEN-V6ONLY" not in found and "FW-PORT-REFUSED" not in found, sorted(found)
    [verdict] = found["FW-PORT"]
    assert verdict["title"].startswith("8080/tcp from 127.0.0.1 via lo: open"), verdict["title"]
    [listener] = found["FW-LISTEN"]
    assert "*:8080 (pid " in listener["title"] and "v6server" in listener["title"], listener["title"]
    if ss_fails:
        assert "Go sets IPV6_V6ONLY itself" in listener["evidence"][0]["text"]


def test_python_listener_without_bindv6only_is_dual_stack(tmp_path):
    client, report, rc = _run(tmp_path, "python", 0, True)
    assert client == {"127.0.0.1": "open", "::1": "open"}, client
    found = _by_id(report)
    assert "FW-LISTEN-V6ONLY" not in found and "FW-PORT-REFUSED" not in found, sorted(found)
    [verdict] = found["FW-PORT"]
    assert ": open" in verdict["title"]
