"""gotriage probe against real Go servers on 127.0.0.1 (tests/probe_support.py: built with
Debian's Go 1.19, random ports, killed by PID), its wording against a real Go client's
(built with Go 1.27), and its --json against docs/probe.schema.json.

Tolerances: the injected error rate is exact (the server fails requests spread evenly,
so N requests hold exactly floor(N*F) failures); each measured latency is at least the
injected delay (the server sleeps after reading the request, the clock started before the
connect), so a measured percentile is at least the injected one and at most it plus
OVERHEAD (loopback connect, Go's handler, Python's threads on a shared 2-core machine).
"""

import json
import os
import re
import shutil
import ssl
import sys
import time

import pytest

import probe_support
from conftest import ROOT, need, run_gotriage
from gotriage.probe import outcome
from gotriage.probe.stats import nearest_rank

OVERHEAD_MS = 40.0


@pytest.fixture(scope="module")
def programs(tmp_path_factory, toolchains):
    go = probe_support.find_go()
    need(go is not None, "Debian's Go 1.19 at /usr/lib/go-1.19 (golang-go)")
    work = str(tmp_path_factory.mktemp("probe-go"))
    return {
        "server": probe_support.build(go, work, "probesrv", probe_support.SERVER_GO),
        "errclient": probe_support.build(toolchains["1.27"].go, work, "errclient",
                                         probe_support.ERRCLIENT_GO),
        "work": work,
    }


def probe(*args, timeout=120):
    run = run_gotriage(["probe"] + list(args) + ["--json"], timeout=timeout)
    assert run.returncode in (0, 1), (run.stdout, run.stderr)
    doc = run.json
    assert doc["exit_code"] == run.returncode
    assert schema_errors(doc) == []
    return doc


def schema_errors(doc):
    import jsonschema

    with open(os.path.join(ROOT, "docs", "probe.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft7Validator.check_schema(schema)
    return [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(doc)]


def injected_ms(count, fail, delay_ms, jitter_ms):
    """The delays (ms) the server adds to its answered requests 0..count-1, sorted, and
    how many it fails (probe_support's formulas)."""
    answered, failed = [], 0
    for n in range(count):
        if int((n + 1) * fail) > int(n * fail):
            failed += 1
        else:
            answered.append(delay_ms + jitter_ms * ((n * 37) % 100) / 100.0)
    return sorted(answered), failed


def decision(doc, rule, target=None):
    found = [d for d in doc["gate"]["decisions"] if d["rule"] == rule and
             (target is None or d["target"] == target)]
    assert len(found) == 1, doc["gate"]
    return found[0]


def test_measured_error_rate_and_percentiles_match_the_injected(programs):
    count, fail, delay, jitter = 100, 0.2, 40, 30
    with probe_support.Server(programs["server"], "-fail", str(fail), "-delay", "%dms" % delay,
                              "-jitter", "%dms" % jitter) as server:
        doc = probe(server.url, "--count", str(count), "--concurrency", "4", "--timeout", "5")
    target = doc["targets"][0]
    answered, failed = injected_ms(count, fail, delay, jitter)
    assert (target["finished"], target["failed"], target["error_rate"]) == (count, failed, 20.0)
    assert [(e["kind"], e["message"], e["count"]) for e in target["errors"]] == \
        [("http-5xx", "500 Internal Server Error", failed)]
    for p in (50, 95, 99):
        expected = nearest_rank(answered, p)
        measured = target["latency_ms"]["p%d" % p]
        assert expected - 1 <= measured <= expected + OVERHEAD_MS, (p, expected, measured)
    assert doc["settings"]["percentile_method"] == "nearest-rank"


def test_the_gate_on_both_sides_of_error_rate_and_p95(programs):
    count, fail, delay = 40, 0.25, 60
    answered, failed = injected_ms(count, fail, delay, 0)
    assert failed == 10
    for limit, passes in (("25", True), ("24.9", False)):
        with probe_support.Server(programs["server"], "-fail", str(fail),
                                  "-delay", "%dms" % delay) as server:
            doc = probe(server.url, "--count", str(count), "--concurrency", "8",
                        "--max-error-rate", limit,
                        "--max-p95", str(delay + OVERHEAD_MS) if passes else str(delay - 1))
        assert decision(doc, "error-rate")["passed"] is passes, doc["gate"]
        assert decision(doc, "error-rate")["value"] == 25.0
        assert decision(doc, "p95")["passed"] is passes, doc["gate"]
        assert doc["exit_code"] == (0 if passes else 1)


def test_canary_against_baseline_on_both_sides(programs):
    """Canary: 10% errors, 100 ms; baseline: none, 10 ms.  The error increase is exactly 10
    points; the p95 ratio is at least 100/(10+OVERHEAD) and at most (100+OVERHEAD)/10."""
    low = 100.0 / (10 + OVERHEAD_MS)
    high = (100 + OVERHEAD_MS) / 10.0
    for increase, ratio, passes in (("10", "%.2f" % (high + 0.1), True),
                                    ("9.9", "%.2f" % (low - 0.1), False)):
        with probe_support.Server(programs["server"], "-fail", "0.1", "-delay", "100ms") as canary, \
                probe_support.Server(programs["server"], "-delay", "10ms") as baseline:
            doc = probe(canary.url, "--baseline", baseline.url, "--count", "20",
                        "--concurrency", "4", "--max-error-increase", increase,
                        "--max-p95-ratio", ratio)
        inc = decision(doc, "error-increase")
        assert (inc["value"], inc["passed"]) == (10.0, passes), doc["gate"]
        rat = decision(doc, "p95-ratio")
        assert low <= rat["value"] <= high and rat["passed"] is passes, doc["gate"]
        assert [t["role"] for t in doc["targets"]] == ["canary", "baseline"]
        assert doc["exit_code"] == (0 if passes else 1)


def test_refused_port_is_worded_as_the_go_client_words_it(programs):
    port = probe_support.free_port()
    url, tcp = "http://127.0.0.1:%d/" % port, "tcp://127.0.0.1:%d" % port
    doc = probe(url, tcp, "--count", "3")
    messages = [t["errors"][0]["message"] for t in doc["targets"]]
    assert [t["errors"][0]["kind"] for t in doc["targets"]] == ["refused", "refused"]
    assert messages == [probe_support.go_says(programs["errclient"], url),
                        probe_support.go_says(programs["errclient"], tcp)]
    assert messages[1] == "dial tcp 127.0.0.1:%d: connect: connection refused" % port
    assert doc["exit_code"] == 1


def test_a_server_that_never_answers_times_out_within_the_timeout(programs):
    with probe_support.Server(programs["server"], "-hang") as server:
        start = time.monotonic()
        doc = probe(server.url, "--count", "4", "--concurrency", "2", "--timeout", "0.5")
        took = time.monotonic() - start
        go = probe_support.go_says(programs["errclient"], server.url, "500ms")
    target = doc["targets"][0]
    assert target["failed"] == 4
    (error,) = target["errors"]
    assert error["kind"] == "timeout"
    assert error["message"] == go == 'Get "%s": context deadline exceeded (Client.Timeout ' \
                                     'exceeded while awaiting headers)' % server.url
    assert all(500 <= s["latency_ms"] <= 500 + 200 for s in error["samples"]), error
    assert took < 10, took  # two rounds of 0.5 s, plus the interpreter's start


@pytest.mark.parametrize("mode, kind", [("eof", "eof"), ("reset", "reset")])
def test_a_closed_or_reset_connection_is_worded_as_go(programs, mode, kind):
    """EOF exactly as Go prints it; a reset as Go prints it but for the local address and
    port, which probe leaves out (one line for every connection it happened to)."""
    with probe_support.Server(programs["server"], "-mode", mode) as server:
        doc = probe(server.url, "--count", "3")
        go = probe_support.go_says(programs["errclient"], server.url)
    (error,) = doc["targets"][0]["errors"]
    assert (error["kind"], error["count"]) == (kind, 3)
    assert error["message"] == re.sub(r"read tcp 127\.0\.0\.1:\d+->", "read tcp ->", go), go


def test_latency_is_to_the_last_byte_and_a_slow_body_times_out_as_go_says(programs):
    with probe_support.Server(programs["server"], "-mode", "slowbody", "-bodydelay", "600ms") as server:
        whole = probe(server.url, "--count", "2", "--timeout", "5")
        cut = probe(server.url, "--count", "2", "--timeout", "0.3")
        go = probe_support.go_says(programs["errclient"], server.url, "300ms")
    assert whole["targets"][0]["ok"] == 2
    assert 600 <= whole["targets"][0]["latency_ms"]["p50"] <= 600 + OVERHEAD_MS * 5
    (error,) = cut["targets"][0]["errors"]
    assert error["kind"] == "timeout"
    assert error["message"] == go == "context deadline exceeded (Client.Timeout or context " \
                                     "cancellation while reading body)"


def test_a_large_chunked_body_is_read_to_1_mib_and_answers(programs):
    with probe_support.Server(programs["server"], "-size", str(8 << 20)) as server:
        doc = probe(server.url, "--count", "2")
    assert doc["targets"][0]["ok"] == 2


def test_interval_spaces_a_workers_requests(programs):
    with probe_support.Server(programs["server"]) as server:
        doc = probe(server.url, "--count", "4", "--concurrency", "1", "--interval", "0.25")
    assert doc["targets"][0]["ok"] == 4
    assert 0.75 <= doc["elapsed_s"] < 0.75 + 2  # three pauses between four requests, none after


def test_a_dropped_syn_is_a_dial_timeout_as_go_words_it(programs):
    """A listener whose accept queue is full drops new SYNs (tcp_abort_on_overflow 0): the
    connect itself times out, on loopback, as behind a DROP rule."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    address = "127.0.0.1:%d" % listener.getsockname()[1]
    fillers = []
    try:
        for _ in range(3):
            filler = socket.socket()
            filler.setblocking(False)
            try:
                filler.connect(listener.getsockname())
            except BlockingIOError:
                pass
            fillers.append(filler)
        time.sleep(0.2)
        tcp, url = "tcp://" + address, "http://%s/" % address
        doc = probe(tcp, url, "--count", "2", "--timeout", "0.5")
        go = [probe_support.go_says(programs["errclient"], t, "500ms") for t in (tcp, url)]
    finally:
        for s in fillers + [listener]:
            s.close()
    messages = [(t["errors"][0]["kind"], t["errors"][0]["message"]) for t in doc["targets"]]
    assert messages == [("timeout", go[0]), ("timeout", go[1])]
    assert go[0] == "dial tcp %s: i/o timeout" % address


def test_the_deadline_ends_the_run(programs):
    with probe_support.Server(programs["server"], "-hang") as server:
        start = time.monotonic()
        doc = probe(server.url, "--count", "50", "--concurrency", "2", "--timeout", "30",
                    "--deadline", "1")
        took = time.monotonic() - start
    target = doc["targets"][0]
    assert doc["cut_by_deadline"] is True
    assert target["finished"] == 0 and target["unfinished"] == 50
    assert doc["exit_code"] == 1
    assert took < 8, took


def test_self_signed_tls_is_unknown_authority_and_cacert_trusts_it(programs):
    openssl = shutil.which("openssl")
    need(openssl is not None, "openssl (Debian package openssl)")
    cert, key = probe_support.make_self_signed(programs["work"], openssl)
    dates = probe_support.openssl_dates(openssl, cert)
    with open(cert) as f:
        der = ssl.PEM_cert_to_DER_cert(f.read())
    assert outcome.der_validity(der) == dates + (True,)
    with probe_support.Server(programs["server"], "-tls", "%s,%s" % (cert, key),
                              scheme="https") as server:
        doc = probe(server.url, "--count", "3")
        go = probe_support.go_says(programs["errclient"], server.url)
        trusted = probe(server.url, "--count", "3", "--cacert", cert, "--max-error-rate", "0")
        go_trusted = probe_support.go_says(programs["errclient"], server.url, cafile=cert)
    (error,) = doc["targets"][0]["errors"]
    assert error["kind"] == "tls"
    assert error["message"] == go == 'Get "%s": tls: failed to verify certificate: x509: ' \
                                     'certificate signed by unknown authority' % server.url
    assert go_trusted == "200 OK"
    assert trusted["targets"][0]["ok"] == 3 and trusted["exit_code"] == 0


def test_tcp_target_measures_the_connect(programs):
    with probe_support.Server(programs["server"], "-delay", "200ms") as server:
        doc = probe("tcp://" + server.address, "--count", "5", "--max-p95", "150")
    target = doc["targets"][0]
    assert target["latency_to"] == "connect" and target["ok"] == 5
    assert target["latency_ms"]["p95"] < 150  # the server's delay is after the request


def test_go_wording_is_what_explain_recognises(programs):
    """probe and explain agree: each message probe printed above is a cause explain names."""
    port = probe_support.free_port()
    doc = probe("http://127.0.0.1:%d/" % port, "--count", "1")
    message = doc["targets"][0]["errors"][0]["message"]
    run = run_gotriage(["explain", "--text", message, "--json"], timeout=120)
    assert "FW-LISTEN-NONE" in run.stdout, run.stdout[:2000]


def test_text_view_colour_only_on_a_terminal(programs):
    import pty
    import subprocess

    with probe_support.Server(programs["server"]) as server:
        plain = run_gotriage(["probe", server.url, "--count", "2", "-v"], timeout=60)
        assert plain.returncode == 0 and "\033[" not in plain.stdout
        assert "\u2713 " + server.url in plain.stdout
        assert plain.stdout.rstrip().splitlines()[-1].startswith("Summary: gate passed")
        assert max(len(line) for line in plain.stdout.splitlines()) <= 100, plain.stdout
        for no_color, coloured in ((None, True), ("1", False)):
            master, slave = pty.openpty()
            env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"), TERM="xterm")
            env.pop("NO_COLOR", None)
            if no_color:
                env["NO_COLOR"] = no_color
            proc = subprocess.Popen([sys.executable, "-m", "gotriage", "probe", server.url,
                                     "--count", "2"], stdout=slave, stderr=subprocess.PIPE,
                                    env=env)
            os.close(slave)
            out = b""
            while True:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                out += chunk
            os.close(master)
            assert proc.wait(60) == 0
            proc.stderr.close()
            assert (b"\033[" in out) is coloured, out
