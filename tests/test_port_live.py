"""`gotriage port` on the live host the tests run on (no namespaces, no root needed):
a loopback-only listener, a hung firewall-cmd (a fake one on PATH that sleeps), a
recording that replays the same.  Only loopback is ever connected to."""

import json
import os
import socket
import time

from cli_support import clean_env, parse_report, run_cli, schema_errors


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
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "firewall-cmd").write_text("#!/bin/sh\nexec sleep 60\n")
    (fake / "firewall-cmd").chmod(0o755)
    env = clean_env(PATH="%s:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" % fake)
    s = _listener()
    port = s.getsockname()[1]
    try:
        started = time.monotonic()
        proc = run_cli(["port", str(port), "--timeout", "1", "--from", "127.0.0.1"], env=env)
        elapsed = time.monotonic() - started
    finally:
        s.close()
    out = proc.stdout.decode()
    assert elapsed < 10, elapsed
    if os.path.isdir("/etc/firewalld") or os.path.isdir("/usr/lib/firewalld"):
        assert "FW-CONFIG-HUNG" in out and "did not answer in 1 s" in out, out
    assert "FW-LISTEN-LOOPBACK" in out and "FW-PORT" in out


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
