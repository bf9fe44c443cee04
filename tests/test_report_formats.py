"""`--format prometheus|junit|json|text` and `--output FILE` (docs/metrics.md).

The oracles are the real readers: prometheus-node-exporter's textfile collector scraped
over loopback, `promtool check metrics`, prometheus_client's parser, junitparser; the
expected values come from the same run's `--json`, not from this file.
"""

import doctest
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import xml.etree.ElementTree as ET

import pytest

from cli_support import ROOT, clean_env, run_cli
from conftest import need

SNAPSHOT = os.path.join(ROOT, "tests", "data", "snapshots", "el9-goroot-envfile")
CHECK = ["check", "--root", SNAPSHOT, "--project", "/home/alice"]
DASHBOARD = os.path.join(ROOT, "contrib", "grafana", "gotriage.json")
RANK = {"ok": 0, "info": 1, "warn": 2, "error": 3}


def _check(*extra, **kw):
    done = run_cli(CHECK + list(extra), **kw)
    return done.returncode, done.stdout.decode(), done.stderr.decode()


def _families(text):
    """{name: [(labels dict, value)]} read by prometheus_client's parser."""
    from prometheus_client.parser import text_string_to_metric_families  # the test extra

    out = {}
    for family in text_string_to_metric_families(text):
        assert family.type == "gauge" or not family.name.startswith("gotriage_"), family
        out.setdefault(family.name, []).extend((dict(s.labels), s.value) for s in family.samples)
    return out


def _expected_from_json():
    code, out, err = _check("--json")
    assert code == 1, err
    doc = json.loads(out)
    status, problems = {}, {}
    for r in doc["results"]:
        key = (r["layer"], r["check"])
        status[key] = max(status.get(key, 0), RANK[r["severity"]])
        if r["severity"] != "ok":
            problems[(r["layer"], r["id"], r["severity"])] = problems.get(
                (r["layer"], r["id"], r["severity"]), 0) + 1
    return doc, status, problems


@pytest.fixture(scope="module")
def prom_text():
    code, out, err = _check("--format", "prometheus")
    assert code == 1 and err == "", err
    return out


def test_prometheus_output_has_the_values_of_the_json_report(prom_text):
    doc, status, problems = _expected_from_json()
    families = _families(prom_text)
    assert {(labels["layer"], labels["check"]): value for labels, value in
            families["gotriage_check_status"]} == status
    assert {(labels["layer"], labels["id"], labels["severity"]): value for labels, value in
            families["gotriage_findings"]} == problems
    assert {labels["severity"]: value for labels, value in families["gotriage_results"]} == \
        doc["summary"]["counts"]
    assert families["gotriage_exit_code"] == [({}, doc["summary"]["exit_code"])]
    assert families["gotriage_info"] == [({"version": doc["tool"]["version"]}, 1)]
    (_, ended), = families["gotriage_last_run_timestamp_seconds"]
    assert abs(ended - time.time()) < 120
    (_, duration), = families["gotriage_run_duration_seconds"]
    assert 0 < duration < 60
    # the snapshot's known problems are there (and it has some: this test can fail)
    assert problems[("toolchain", "GO-ROOT-MISMATCH", "error")] == 1
    assert status[("toolchain", "GO-ROOT")] == 3


def test_every_family_has_help_and_type_and_no_free_text_label(prom_text):
    from gotriage.report.prometheus import METRICS

    for name, _ in METRICS:
        assert "# HELP %s " % name in prom_text and "# TYPE %s gauge\n" % name in prom_text
    labels = set(re.findall(r'[{,]([a-z_]+)="', prom_text))
    assert labels == {"version", "severity", "layer", "check", "id"}
    assert prom_text.endswith("\n") and "ms" not in re.findall(r"_(\w+)\{?", prom_text)


def test_promtool_accepts_the_textfile(prom_text):
    promtool = shutil.which("promtool")
    need(promtool, "promtool (Debian package prometheus)")
    done = subprocess.run([promtool, "check", "metrics"], input=prom_text.encode(),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    assert done.returncode == 0 and done.stdout == b"", done.stdout.decode()
    # and it does complain about a broken copy: the oracle can fail
    broken = prom_text.replace("gotriage_run_duration_seconds", "gotriage_run_duration_ms")
    done = subprocess.run([promtool, "check", "metrics"], input=broken.encode(),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    assert done.returncode != 0 and b"abbreviated units" in done.stdout, done.stdout.decode()


def test_label_values_are_escaped_as_the_exposition_format_reads_them():
    from gotriage.report.prometheus import sample

    hostile = 'a"b\\c\nd}e,f="g'
    line = sample("gotriage_check_status", [("layer", hostile), ("check", "X")], 2)
    families = _families("# TYPE gotriage_check_status gauge\n" + line + "\n")
    assert families["gotriage_check_status"] == [({"layer": hostile, "check": "X"}, 2)]


def test_the_formatters_doctests():
    from gotriage.report import junit, prometheus

    for module in (prometheus, junit):
        failed, tried = doctest.testmod(module)
        assert tried and not failed, module


# -- node_exporter --------------------------------------------------------------------------

def _free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture
def node_exporter(tmp_path):
    binary = shutil.which("prometheus-node-exporter")
    need(binary, "prometheus-node-exporter (Debian package prometheus-node-exporter)")
    directory = tmp_path / "textfile"
    directory.mkdir()
    port = _free_port()
    proc = subprocess.Popen([binary, "--collector.disable-defaults", "--collector.textfile",
                             "--collector.textfile.directory", str(directory),
                             "--web.listen-address", "127.0.0.1:%d" % port],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = "http://127.0.0.1:%d/metrics" % port
    try:
        deadline = time.time() + 20
        while True:
            try:
                urllib.request.urlopen(url, timeout=5).read()
                break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.1)

        def scrape():
            return urllib.request.urlopen(url, timeout=10).read().decode()
        yield str(directory), scrape
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()


def _scraped(text):
    """{(name, frozenset(labels)): value} of a scrape, gotriage's series only."""
    return {(name, frozenset(labels.items())): value
            for name, rows in _families(text).items() if name.startswith("gotriage_")
            for labels, value in rows}


def test_node_exporter_serves_the_run_written_with_output(node_exporter):
    directory, scrape = node_exporter
    path = os.path.join(directory, "gotriage.prom")
    code, out, err = _check("--format", "prometheus", "--output", path)
    assert code == 1 and out == "" and err == "", err
    assert os.stat(path).st_mode & 0o777 == 0o644
    assert os.listdir(directory) == ["gotriage.prom"]  # no temporary file left
    text = scrape()
    assert "node_textfile_scrape_error 0" in text
    served = _scraped(text)
    with open(path) as f:
        assert served == _scraped(f.read())
    _, status, problems = _expected_from_json()
    for (layer, check), value in status.items():
        assert served[("gotriage_check_status",
                       frozenset({"layer": layer, "check": check}.items()))] == value
    for (layer, finding, severity), count in problems.items():
        assert served[("gotriage_findings", frozenset(
            {"layer": layer, "id": finding, "severity": severity}.items()))] == count


KILL_IN_THE_WRITE = r"""
import os, sys, time
real_fsync = os.fsync
def fsync_then_hang(fd):
    real_fsync(fd)
    sys.stderr.write("WRITTEN\n"); sys.stderr.flush()
    time.sleep(300)
os.fsync = fsync_then_hang
from gotriage.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_run_killed_in_the_middle_of_the_write_leaves_the_old_file(node_exporter):
    directory, scrape = node_exporter
    path = os.path.join(directory, "gotriage.prom")
    old = "# HELP gotriage_exit_code old\n# TYPE gotriage_exit_code gauge\ngotriage_exit_code 0\n"
    with open(path, "w") as f:
        f.write(old)
    proc = subprocess.Popen([sys.executable, "-c", KILL_IN_THE_WRITE] + CHECK + [
        "--format", "prometheus", "--output", path], cwd=ROOT, env=clean_env(),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert proc.stderr.readline() == b"WRITTEN\n"  # the new text is in its temporary file
        temporary = [n for n in os.listdir(directory) if n != "gotriage.prom"]
        assert temporary == [".gotriage.prom.%d.tmp" % proc.pid]
        assert os.path.getsize(os.path.join(directory, temporary[0])) > len(old)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    with open(path) as f:
        assert f.read() == old
    text = scrape()  # node_exporter reads *.prom only: the old value, no error
    assert "node_textfile_scrape_error 0" in text
    assert _scraped(text) == {("gotriage_exit_code", frozenset()): 0}
    # the next run replaces it
    code, _, err = _check("--format", "prometheus", "--output", path)
    assert code == 1 and err == ""
    assert _scraped(scrape())[("gotriage_exit_code", frozenset())] == 1


def test_a_reader_never_sees_a_part_of_the_file(tmp_path):
    from gotriage.report.output import write_atomic

    path = str(tmp_path / "g.prom")
    versions = ["a" * 2000000 + "\n", "b" * 3000000 + "\n"]
    write_atomic(path, versions[0])
    seen, stop = [], threading.Event()

    def read():
        while not stop.is_set():
            with open(path) as f:
                seen.append(f.read())
    reader = threading.Thread(target=read)
    reader.start()
    try:
        for i in range(30):
            write_atomic(path, versions[i % 2])
    finally:
        stop.set()
        reader.join()
    assert seen and all(text in versions for text in seen), {len(t) for t in seen}
    assert os.listdir(str(tmp_path)) == ["g.prom"]


def test_the_file_is_0644_whatever_the_umask(tmp_path):
    path = str(tmp_path / "g.prom")
    env = clean_env()
    done = subprocess.run(["sh", "-c", 'umask 077 && exec "$@"', "sh", sys.executable, "-m",
                           "gotriage"] + CHECK + ["--format", "prometheus", "--output", path],
                          cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=120)
    assert done.returncode == 1, done.stderr
    assert os.stat(path).st_mode & 0o777 == 0o644


def test_an_unwritable_directory_is_a_one_line_error(tmp_path):
    directory = tmp_path / "ro"
    directory.mkdir()
    path = str(directory / "gotriage.prom")
    os.chmod(str(directory), 0o555)
    argv = [sys.executable, "-m", "gotriage"] + CHECK + ["--format", "prometheus",
                                                         "--output", path]
    if os.geteuid() == 0:  # root writes anywhere: without the capability that lets it
        need(shutil.which("setpriv"), "setpriv (util-linux)")
        argv = ["setpriv", "--bounding-set=-dac_override", "--"] + argv
    done = subprocess.run(argv, cwd=ROOT, env=clean_env(PYTHONDONTWRITEBYTECODE="1"),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    err = done.stderr.decode()
    assert done.returncode == 2 and done.stdout == b"", err
    assert err == "gotriage: error: cannot write %s: Permission denied\n" % path
    assert os.listdir(str(directory)) == []


def test_output_to_a_directory_and_json_with_another_format_are_usage_errors(tmp_path):
    code, out, err = _check("--format", "prometheus", "--output", str(tmp_path))
    assert code == 2 and out == "" and err.count("\n") == 1 and "is a directory" in err
    code, out, err = _check("--json", "--format", "junit")
    assert code == 2 and out == "" and err == \
        "gotriage: error: --json is --format json: not with --format junit\n"


def test_format_json_is_json_and_text_is_the_default(tmp_path):
    def without_time(text):
        doc = json.loads(text)
        doc.pop("generated")
        return doc
    code1, json1, _ = _check("--json")
    code2, json2, _ = _check("--format", "json")
    assert code1 == code2 == 1 and without_time(json1) == without_time(json2)
    code3, text, _ = _check("--no-color")
    code4, text2, _ = _check("--format", "text", "--no-color")
    assert code3 == code4 == 1 and text == text2 and text.startswith("gotriage: rocky9-dev")
    path = str(tmp_path / "report.txt")
    code5, out, _ = _check("--format", "text", "--output", path)
    with open(path) as f:
        assert code5 == 1 and out == "" and f.read() == text


# -- JUnit ----------------------------------------------------------------------------------

def _junit(fail_on):
    code, out, err = _check("--format", "junit", "--fail-on", fail_on)
    assert err == "" and code in (0, 1), err
    return out


@pytest.mark.parametrize("fail_on", ["warn", "error", "info"])
def test_junit_counts_as_junitparser_reads_them(tmp_path, fail_on):
    import junitparser  # the test extra (4.x on 3.6, 5.x on 3.11)

    _, status, _ = _expected_from_json()
    path = str(tmp_path / "junit.xml")
    with open(path, "w") as f:
        f.write(_junit(fail_on))
    xml = junitparser.JUnitXml.fromfile(path)
    suites = list(xml) if hasattr(xml, "__iter__") else [xml]
    cases = [case for suite in suites for case in suite]
    failed = {case.name.split(" ")[0] for case in cases
              if any(isinstance(r, junitparser.Failure) for r in case.result)}
    expected = {check for (_, check), rank in status.items() if rank >= RANK[fail_on]}
    assert failed == expected and expected  # the snapshot fails some checks at every level
    assert sum(suite.failures for suite in suites) == len(expected)
    assert sum(suite.errors for suite in suites) == 0
    assert sum(suite.tests for suite in suites) == len(cases) >= len(status)
    for case in cases:
        check = case.name.split(" ")[0]
        if (case.classname, check) in status:
            assert not any(isinstance(r, junitparser.Skipped) for r in case.result)
    go_root = [c for c in cases if c.name.startswith("GO-ROOT ")]
    assert [c.classname for c in go_root] == ["toolchain"]
    if fail_on != "info":
        failure, = go_root[0].result
        assert failure.type == "GO-ROOT-MISMATCH"
        assert failure.message.startswith("/usr/bin/go is go1.21.13 but uses GOROOT")
        assert "fix:\n  1. in /home/alice/.config/go/env, delete the line" in failure.text
        assert "evidence:\n  /home/alice/.config/go/env:1: GOROOT=/usr/local/go" in failure.text


def test_junit_of_hostile_titles_and_a_crashed_check_is_well_formed():
    from gotriage.findings import Evidence, Finding
    from gotriage.report import junit
    from gotriage.runner import Report

    hostile = 'a <b> & "c" ]]> \x1b[31m \x00 \udcff'
    findings = [
        Finding("GO-ROOT-MISMATCH", "error", hostile, check="GO-ROOT", layer="toolchain",
                evidence=[Evidence.fact(hostile)]),
        Finding("GOTRIAGE-CHECK-FAILED", "error", "internal error", check="GO-PATH",
                layer="toolchain"),
        Finding("GO-PROXY", "ok", "fine", check="GO-PROXY", layer="toolchain"),
    ]
    titles = {"GO-ROOT": ("toolchain", "root"), "GO-PATH": ("toolchain", "path"),
              "GO-PROXY": ("toolchain", "proxy"), "GO-CACHE": ("toolchain", "cache")}
    report = Report(None, ["toolchain"], findings, ["a note <x>"])
    text = junit.render(report, titles, 1.5)
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "testsuites" and root.get("tests") == "4"
    assert (root.get("failures"), root.get("errors"), root.get("skipped")) == ("1", "1", "1")
    failure = root.find(".//failure")
    assert failure.get("message") == 'a <b> & "c" ]]> \\x1b[31m \\x00 \\xff'
    assert root.find("testsuite/system-out").text == "not examined:\n- a note <x>"


# -- the Grafana dashboard --------------------------------------------------------------------

PROMQL_WORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and",
                "or", "unless", "offset", "inf", "nan"}


def promql_metric_names(expr):
    """The metric names a PromQL expression (or Grafana's label_values()) selects: its
    identifiers, less strings, label matchers, ranges, grouping clauses, functions,
    keywords and Grafana's $variables."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    expr = re.sub(r"\$\{?\w+\}?", "", expr)
    expr = re.sub(r"\{[^}]*\}", "", expr)
    expr = re.sub(r"\[[^\]]*\]", "", expr)
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", expr)
    expr = re.sub(r"label_values\(\s*([a-zA-Z_:][\w:]*)\s*,[^)]*\)", r"\1", expr)
    names = set()
    for match in re.finditer(r"(?<![\w.])([a-zA-Z_:][\w:]*)\s*(\()?", expr):
        if not match.group(2) and match.group(1).lower() not in PROMQL_WORDS:
            names.add(match.group(1))
    return names


def test_the_metric_name_extraction_itself():
    assert promql_metric_names('sum by (instance) (rate(foo_total{a="b{"}[5m])) / bar') == \
        {"foo_total", "bar"}
    assert promql_metric_names("label_values(gotriage_info, instance)") == {"gotriage_info"}
    assert promql_metric_names('count(x{i=~"$instance"} > 0) or vector(0)') == {"x"}


def _dashboard_queries():
    with open(DASHBOARD) as f:
        dashboard = json.load(f)
    queries = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    for variable in dashboard["templating"]["list"]:
        if variable["type"] == "query":
            query = variable["query"]
            queries.append(query["query"] if isinstance(query, dict) else query)
    return queries


def test_every_metric_the_dashboard_queries_is_exported(prom_text):
    exported = set(_families(prom_text))
    queries = _dashboard_queries()
    assert len(queries) >= 10
    used = set()
    for expr in queries:
        names = promql_metric_names(expr)
        assert names, expr  # every query reads some metric of ours
        assert names <= exported, (expr, names - exported)
        used |= names
    # and the real scrape's families are the same, whatever is empty on this host
    assert used >= {"gotriage_findings", "gotriage_check_status", "gotriage_results",
                    "gotriage_info", "gotriage_last_run_timestamp_seconds"}


# -- service and port ---------------------------------------------------------------------------

def test_service_and_port_take_the_same_formats(tmp_path):
    services = os.path.join(ROOT, "tests", "data", "services", "el9-services")
    done = run_cli(["service", "api", "--root", services, "--json"])
    doc = json.loads(done.stdout.decode())
    done = run_cli(["service", "api", "--root", services, "--format", "prometheus"])
    assert done.returncode == doc["summary"]["exit_code"] == 1, done.stderr
    families = _families(done.stdout.decode())
    assert {labels["severity"]: value for labels, value in families["gotriage_results"]} == \
        doc["summary"]["counts"]
    assert {labels["layer"] for labels, _ in families["gotriage_check_status"]} == {"service"}
    # port, live on loopback: its doctor view keeps its header line, in a file too
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    path = str(tmp_path / "port.txt")
    try:
        text = run_cli(["port", str(port), "--from", "127.0.0.1", "--format", "text",
                        "--output", path])
        junit = run_cli(["port", str(port), "--from", "127.0.0.1", "--format", "junit"])
    finally:
        server.close()
    assert text.returncode in (0, 1) and text.stdout == b"", text.stderr
    with open(path) as f:
        assert f.read().split("\n")[1] == "port %d/tcp from 127.0.0.1" % port
    root = ET.fromstring(junit.stdout)
    assert [suite.get("name") for suite in root] == ["firewall"]
    assert any(case.get("name").startswith("FW-PORT ") for case in root.iter("testcase"))
    assert float(root.get("time")) > 0
