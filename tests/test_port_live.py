"""`gotriage port` on the live host the tests run on: a loopback-only listener, a hung
firewall-cmd (a fake one that sleeps, bind-mounted over the real one in a private mount
namespace: root), a recording that replays the same.  Only loopback is ever connected to."""

import json
import os
import re
import socket

from cli_support import clean_env, parse_report, run_cli, schema_errors
from conftest import need
from hung_support import alive, have_unshare, run_with_hung_tools


def _listener(host="127.0.0.1", family=socket.AF_INET):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.bind((host, 0))
    s.listen(4)
    return s


def test_loopback_listener_is_found_and_named(tmp_path):
    s = _listener()
    port = s.getsockname()[1]
    try:
        proc = run_cli(["port", str(port), "--json", "--from", "127.0.0.1"])
    finally:
        s.close()
    report = parse_report(proc)
    assert schema_errors(report) == []
    ids = [r["id"] for r in report["results"]]
    assert "FW-LISTEN-LOOPBACK" in ids, ids
    loop = [r for r in report["results"] if r["id"] == "FW-LISTEN-LOOPBACK"][0]
    assert "127.0.0.1:%d" % port in loop["title"]
    assert '":%d"' % port in loop["fix"][0]["description"]
    verdict = [r for r in report["results"] if r["id"].startswith("FW-PORT")][0]
    assert verdict["id"] == "FW-PORT" and "open" in verdict["title"]  # from this host it works


def test_hung_firewall_cmd_is_reported_and_the_rest_still_runs(tmp_path):
    """A firewall-cmd that never answers (bind-mounted over the real one in a private mount
    namespace: gotriage runs the system's tool, not one on PATH): FW-INPUT-HUNG, FW-CONFIG
    not ✓, and the listener and the verdict still come."""
    need(have_unshare(), "root and unshare, for a private mount namespace")
    need(os.path.exists("/usr/bin/firewall-cmd"), "firewalld's firewall-cmd (scripts/setup)")
    s = _listener()
    port = s.getsockname()[1]
    try:
        proc, elapsed, fakes = run_with_hung_tools(
            tmp_path, ["port", str(port), "--timeout", "1", "--from", "127.0.0.1"],
            tools=["/usr/bin/firewall-cmd"], env=clean_env())
    finally:
        s.close()
    out = proc.stdout.decode()
    assert [f[2] for f in fakes if not f[2].endswith("(child)")][:1] == ["/usr/bin/firewall-cmd"]
    flat = re.sub(r"\n {6,}", " ", out)  # a title wrapped at 100 columns, as one line
    assert "FW-INPUT-HUNG  `firewall-cmd --list-all-zones` did not answer in 1 s: D-Bus or " \
        "firewalld is stuck" in flat, out
    [config] = [line for line in out.splitlines() if " FW-CONFIG  " in line]
    assert config.split()[0] in ("\u00b7", "i"), config  # info, not ✓: its input hung
    assert "FW-LISTEN-LOOPBACK" in out and "FW-PORT" in out
    assert not [f for f in fakes if alive(f[0])]


def test_nothing_listening(tmp_path):
    s = _listener()
    port = s.getsockname()[1]
    s.close()  # now nothing listens there
    proc = run_cli(["port", str(port), "--json", "--from", "127.0.0.1"])
    report = parse_report(proc)
    ids = [r["id"] for r in report["results"]]
    assert "FW-LISTEN-NONE" in ids
    refused = [r for r in report["results"] if r["id"] == "FW-PORT-REFUSED"]
    assert refused and refused[0]["predicted_error"] == "dial tcp 127.0.0.1:%d: connect: connection refused" % port
    assert json.loads(json.dumps(report))  # plain JSON
