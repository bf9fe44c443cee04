"""gotriage probe's pure parts: targets and limits, nearest-rank percentiles, the gate on
both sides of every threshold, the Go wording of failures (real sockets), usage errors."""

import doctest
import math
import socket
import ssl

import pytest

from conftest import run_gotriage
from gotriage.probe import gate, outcome, prober, render, stats, targets
from gotriage.probe.gate import Thresholds, judge
from gotriage.probe.stats import Summary, nearest_rank


@pytest.mark.parametrize("module", [targets, outcome, stats, gate, prober, render])
def test_doctests(module):
    failed, attempted = doctest.testmod(module)
    assert failed == 0
    if module is not render:
        assert attempted > 0


@pytest.mark.parametrize("text, host, port, path", [
    ("http://127.0.0.1:8080/healthz", "127.0.0.1", 8080, "/healthz"),
    ("http://example.com", "example.com", 80, "/"),
    ("HTTPS://example.com?x=1", "example.com", 443, "/?x=1"),
    ("https://[::1]:8443/a/b", "::1", 8443, "/a/b"),
    ("tcp://db:5432", "db", 5432, ""),
    ("tcp://[fe80::1]:1", "fe80::1", 1, ""),
])
def test_targets(text, host, port, path):
    t = targets.parse_target(text)
    assert (t.host, t.port, t.path) == (host, port, path)


@pytest.mark.parametrize("text, words", [
    ("http:///x", "no host"),
    ("http://:80/", "no host"),
    ("tcp://h:0", "port 0 is not from 1 to 65535"),
    ("tcp://h:70000", "port 70000 is not from 1 to 65535"),
    ("http://h:8o/", "not a number"),
    ("ftp://h/", "unknown scheme 'ftp'"),
    ("127.0.0.1:8080", "not a target"),
    ("tcp://h", "needs a port"),
    ("tcp://h:1/x", "has no path"),
    ("http://::1:80/", "IPv6 address needs brackets"),
    ("http://[::1/", "brackets"),
    ("http://u:p@h/", "user or password"),
    ("http://h/a b", "space"),
])
def test_bad_targets(text, words):
    with pytest.raises(ValueError) as info:
        targets.parse_target(text)
    assert words in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("count, concurrency, timeout, interval, words", [
    ("0", "1", "1", "0", "--count"), ("10001", "1", "1", "0", "--count"), ("x", "1", "1", "0", "--count"),
    ("1", "0", "1", "0", "--concurrency"), ("1", "65", "1", "0", "--concurrency"),
    ("1", "1", "-1", "0", "--timeout"), ("1", "1", "0", "0", "--timeout"), ("1", "1", "nan", "0", "--timeout"),
    ("1", "1", "1", "-0.5", "--interval"),
])
def test_bad_limits(count, concurrency, timeout, interval, words):
    with pytest.raises(ValueError) as info:
        targets.parse_limits(count, concurrency, timeout, interval, 60)
    assert str(info.value).startswith(words)


def test_nearest_rank_is_the_definition():
    """Against the definition, for every n up to 60 and every whole p: the smallest value
    with at least p% of the values at or below it."""
    for n in range(1, 61):
        values = [v * 1.5 for v in range(n)]
        for p in range(1, 101):
            expected = next(v for i, v in enumerate(values) if (i + 1) * 100 >= p * n)
            assert nearest_rank(values, p) == expected, (n, p)
            assert nearest_rank(values, p) == values[int(math.ceil(p * n / 100.0 - 1e-12)) - 1]
    assert nearest_rank([], 50) is None
    with pytest.raises(ValueError):
        nearest_rank([1], 0)


def _summary(error_rate=0.0, p95=0.050, finished=100, ok=None):
    failed = int(round(finished * error_rate / 100.0)) if error_rate is not None else 0
    ok = finished - failed if ok is None else ok
    lat = p95 if ok else None
    return Summary(finished, finished, ok, failed, error_rate, lat, lat, lat, lat, lat, lat, [])


def _decision(decisions, rule, target=None):
    found = [d for d in decisions if d.rule == rule and (target is None or d.target == target)]
    assert len(found) == 1, decisions
    return found[0]


@pytest.mark.parametrize("value, limit, passes", [
    (5.0, 5, True), (5.0, 4.999, False), (5.0, 5.001, True), (0.0, 0, True), (1.0, 0, False),
    (100.0, 100, True),
])
def test_gate_error_rate_both_sides(value, limit, passes):
    d = _decision(judge([("u", _summary(value))], Thresholds(max_error_rate=limit)), "error-rate")
    assert d.passed is passes
    assert ("<=" in d.text) is passes and (">" in d.text.replace("<=", "")) is not passes


@pytest.mark.parametrize("p95_s, limit_ms, passes", [
    (0.050, 50, True), (0.050, 49.999, False), (0.0501, 50, False), (0.3, 300, True),
])
def test_gate_p95_both_sides(p95_s, limit_ms, passes):
    d = _decision(judge([("u", _summary(p95=p95_s))], Thresholds(max_p95_ms=limit_ms)), "p95")
    assert d.passed is passes


@pytest.mark.parametrize("canary, base, limit, passes", [
    (7.0, 2.0, 5, True),      # 7.0 - 2.0 is 5.0 exactly: at the limit
    (7.1, 2.0, 5, False),
    (2.0, 7.0, 0, True),      # better than the baseline
    (0.3, 0.1, 0.2, True),    # 0.19999999999999998 or 0.20000000000000004: at the limit
    (0.31, 0.1, 0.2, False),
])
def test_gate_error_increase_both_sides(canary, base, limit, passes):
    decisions = judge([("c", _summary(canary))],
                      Thresholds(max_error_increase=limit, max_p95_ratio=100), ("b", _summary(base)))
    assert _decision(decisions, "error-increase").passed is passes
    assert gate.passed(decisions) is passes


@pytest.mark.parametrize("canary_ms, base_ms, ratio, passes", [
    (75, 50, 1.5, True), (75.01, 50, 1.5, False), (30, 60, 0.5, True), (31, 60, 0.5, False),
])
def test_gate_p95_ratio_both_sides(canary_ms, base_ms, ratio, passes):
    decisions = judge([("c", _summary(p95=canary_ms / 1000.0))],
                      Thresholds(max_error_increase=100, max_p95_ratio=ratio),
                      ("b", _summary(p95=base_ms / 1000.0)))
    assert _decision(decisions, "p95-ratio").passed is passes


def test_gate_a_target_that_never_answered_fails_and_cannot_be_compared():
    dead = _summary(100.0, ok=0)
    decisions = judge([("c", dead)], Thresholds(max_p95_ms=1000, max_error_increase=100,
                                                max_p95_ratio=100), ("b", _summary()))
    assert not _decision(decisions, "answered", "c").passed
    assert _decision(decisions, "answered", "b").passed
    assert not _decision(decisions, "p95").passed
    assert "not measured" in _decision(decisions, "p95-ratio").text
    assert not gate.passed(decisions)
    # the baseline itself must answer, or nothing is compared
    decisions = judge([("c", _summary())], Thresholds(max_error_increase=100, max_p95_ratio=100),
                      ("b", dead))
    assert [d.passed for d in decisions if d.target == "b"] == [False]


def test_no_threshold_only_asks_for_an_answer():
    assert [d.rule for d in judge([("c", _summary(50.0))], Thresholds())] == ["answered"]


def test_summary_counts_and_groups():
    A = prober.Attempt
    attempts = [A(0, i, i % 4 != 3, 0.001 * (i + 1), None if i % 4 != 3 else "http-5xx",
                  None if i % 4 != 3 else "500 Internal Server Error", 200) for i in range(20)]
    s = stats.summarize(attempts, 25)
    assert (s.planned, s.finished, s.ok, s.failed, s.error_rate) == (25, 20, 15, 5, 25.0)
    oks = sorted(a.latency for a in attempts if a.ok)
    assert (s.p50, s.p95, s.p99) == (oks[7], oks[14], oks[14])
    assert [(g.kind, g.count, [seq for seq, _ in g.samples]) for g in s.errors] == \
        [("http-5xx", 5, [3, 7, 11])]


# -- Go wording, from real sockets ---------------------------------------------------------

def _closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_refused_from_a_real_connect_is_worded_as_go():
    port = _closed_port()
    with pytest.raises(OSError) as info:
        socket.create_connection(("127.0.0.1", port), 2)
    address = "127.0.0.1:%d" % port
    assert outcome.classify(info.value, "tcp", "tcp://" + address, address, "127.0.0.1",
                            outcome.DIAL) == \
        ("refused", "dial tcp %s: connect: connection refused" % address)
    url = "http://%s/x" % address
    assert outcome.classify(info.value, "http", url, address, "127.0.0.1", outcome.DIAL) == \
        ("refused", 'Get "%s": dial tcp %s: connect: connection refused' % (url, address))


def test_unknown_host_is_a_lookup_error():
    try:
        socket.getaddrinfo("nosuch.invalid", 80)
    except socket.gaierror as exc:
        kind, message = outcome.classify(exc, "tcp", "tcp://nosuch.invalid:80",
                                         "nosuch.invalid:80", "nosuch.invalid", outcome.DIAL)
        assert kind == "dns"
        assert message.startswith("dial tcp: lookup nosuch.invalid: ")
    else:  # pragma: no cover - a resolver that answers for .invalid (RFC 6761 says none does)
        pytest.skip("this resolver answers for .invalid")


def test_ssl_verify_failure_without_verify_code_is_unknown_authority():
    """Python 3.6 raises a plain SSLError (no verify_code); the wording is the same."""
    exc = ssl.SSLError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self "
                          "signed certificate (_ssl.c:1056)")
    exc.reason = "CERTIFICATE_VERIFY_FAILED"
    assert outcome.classify(exc, "https", "https://h/", "h:443", "h", outcome.HANDSHAKE) == (
        "tls", 'Get "https://h/": tls: failed to verify certificate: x509: certificate signed '
               'by unknown authority')


@pytest.mark.parametrize("validity, words", [
    ((0, 2 ** 40, True), "x509: certificate signed by unknown authority"),
    ((0, 1000, True), "x509: certificate has expired or is not yet valid"),
    ((2 ** 40, 2 ** 41, False), "x509: certificate has expired or is not yet valid"),
    (None, "x509: certificate verify failed"),
])
def test_python36_verify_failure_is_told_by_the_certificates_dates(validity, words):
    exc = ssl.SSLError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed (_ssl.c:852)")
    exc.reason = "CERTIFICATE_VERIFY_FAILED"
    exc.peer_validity = validity
    kind, message = outcome.classify(exc, "https", "https://h/", "h:443", "h", outcome.HANDSHAKE)
    assert (kind, message) == ("tls", 'Get "https://h/": tls: failed to verify certificate: ' + words)


@pytest.mark.parametrize("args, words", [
    (["http:///x"], "no host in the target"),
    (["tcp://127.0.0.1:0"], "port 0 is not from 1 to 65535"),
    (["tcp://127.0.0.1:70000"], "port 70000"),
    (["gopher://h/"], "unknown scheme"),
    (["http://h/", "--count", "0"], "--count needs a whole number"),
    (["http://h/", "--timeout", "-1"], "--timeout needs a number of seconds"),
    (["http://h/", "--max-error-increase", "1"], "give --baseline URL"),
    (["http://h/", "--max-error-rate", "101"], "--max-error-rate needs a percentage"),
    (["http://h/", "--max-p95", "0"], "--max-p95 needs a number of milliseconds above 0"),
    (["https://h/", "--cacert", "/nonexistent/ca.pem"], "--cacert /nonexistent/ca.pem"),
])
def test_usage_errors_are_one_line_exit_2(args, words):
    run = run_gotriage(["probe"] + args, timeout=60)
    assert run.returncode == 2, (run.stdout, run.stderr)
    assert run.stdout == ""
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("gotriage: error: "), run.stderr
    assert words in run.stderr


def _probed(decisions_passed=True):
    t = targets.parse_target("http://127.0.0.1:8080/healthz")
    b = targets.parse_target("http://127.0.0.1:8081/healthz")
    A = prober.Attempt
    attempts = [A(0, i, i % 5 != 4, 0.05 + i / 1000.0, None if i % 5 != 4 else "timeout",
                  None if i % 5 != 4 else 'Get "http://127.0.0.1:8080/healthz": context deadline '
                                          'exceeded (Client.Timeout exceeded while awaiting headers)',
                  None) for i in range(20)]
    base = [A(1, i, True, 0.01, None, None, 200) for i in range(20)]
    summaries = [stats.summarize(attempts, 20), stats.summarize(base, 20)]
    limits = targets.parse_limits("20", "4", "2", "0", 60)
    thresholds = Thresholds(max_error_rate=5, max_p95_ms=100, max_error_increase=1, max_p95_ratio=1.5)
    decisions = judge([(t.url, summaries[0])], thresholds, (b.url, summaries[1]))
    run = prober.Run(attempts + base, [0, 0], 1.5, False)
    return render.Probed([t, b], ["canary", "baseline"], summaries, limits, thresholds, decisions, run)


def test_text_view_is_within_100_columns_and_ascii_without_unicode():
    probed = _probed()
    for unicode_ok in (True, False):
        out = render.text(probed, verbose=True, unicode_ok=unicode_ok)
        assert max(len(line) for line in out.splitlines()) <= 100, out
        assert "\033[" not in out
        last = out.rstrip().splitlines()[-1]
        assert last.startswith("Summary: gate failed, 3 of 6 rules, 40 requests; first: error-rate of "
                               "http://127.0.0.1:8080/healthz"), last
        if not unicode_ok:
            out.encode("ascii")
    coloured = render.text(probed, colour=True)
    assert "\033[31m" in coloured and "\033[32m" in coloured


def test_json_view_matches_the_schema():
    import json
    import os

    jsonschema = pytest.importorskip("jsonschema")
    from conftest import ROOT

    doc = json.loads(render.render_json(_probed()))
    with open(os.path.join(ROOT, "docs", "probe.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    assert [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(doc)] == []
    assert doc["exit_code"] == 1 and doc["gate"]["passed"] is False
    assert doc["targets"][0]["errors"][0]["samples"] == [
        {"attempt": 5, "latency_ms": 54.0}, {"attempt": 10, "latency_ms": 59.0},
        {"attempt": 15, "latency_ms": 64.0}]


def _verify_failed():
    exc = ssl.SSLError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    exc.reason = "CERTIFICATE_VERIFY_FAILED"
    exc.peer_validity = (0, 2 ** 40, True)
    return exc


@pytest.mark.parametrize("exc, scheme, phase, finding", [
    (ConnectionRefusedError(111, "Connection refused"), "http", outcome.DIAL, "FW-LISTEN-NONE"),
    (socket.timeout("timed out"), "tcp", outcome.DIAL, "FW-PORT-TIMEOUT"),
    (socket.timeout("timed out"), "http", outcome.HEADERS, "FW-PORT-TIMEOUT"),
    (_verify_failed(), "https", outcome.HANDSHAKE, "SYS-CA-UNTRUSTED"),
    (socket.gaierror(socket.EAI_NONAME, "Name or service not known"), "tcp", outcome.DIAL,
     "NET-DNS-NXDOMAIN"),
    (OSError(113, "No route to host"), "tcp", outcome.DIAL, "FW-PORT-UNREACHABLE"),
])
def test_probe_and_explain_agree(exc, scheme, phase, finding):
    """What probe prints for a failure is a message `gotriage explain` recognises."""
    url = "%s://10.0.0.5:8080%s" % (scheme, "" if scheme == "tcp" else "/healthz")
    kind, message = outcome.classify(exc, scheme, url, "10.0.0.5:8080", "10.0.0.5", phase)
    run = run_gotriage(["explain", "--text", message, "--json"], timeout=120)
    assert finding in {r["id"] for r in run.json["results"]}, (message, run.stdout[:500])
