"""`gotriage check --json` as a process: stdout is one JSON document valid against
docs/report.schema.json, its exit code is summary.exit_code, and --fail-on, --ignore and
errors behave as documented (cli.py: 0 clean, 1 findings at or above --fail-on, 2 usage
or tool error)."""

import copy
import json
import os
import re
import tarfile

import pytest

from cli_support import (
    assert_one_line_error,
    load_schema,
    make_broken_go_snapshot,
    make_no_go_snapshot,
    parse_report,
    run_cli,
    schema_errors,
)
from conftest import DATA, ROOT
from gotriage.checks import LAYERS, all_checks
from gotriage.findings import SEVERITIES, SEVERITY_RANK
from gotriage.report.json_report import SCHEMA_VERSION


@pytest.fixture
def no_go(tmp_path):
    return make_no_go_snapshot(tmp_path / "el9-no-go")


@pytest.fixture
def broken_go(tmp_path):
    return make_broken_go_snapshot(tmp_path / "el9-broken-go")


def check_json(*args, **kw):
    proc = run_cli(["check", "--json"] + list(args), **kw)
    assert proc.stderr == b"", proc.stderr.decode("utf-8", "replace")
    return proc, parse_report(proc)


def assert_consistent(report):
    """What the schema cannot say: counts, worst and exit code agree with the results."""
    results = report["results"]
    summary = report["summary"]
    assert report["schema_version"] == SCHEMA_VERSION
    assert summary["counts"] == {s: sum(r["severity"] == s for r in results) for s in SEVERITIES}
    problems = [r["severity"] for r in results if r["severity"] != "ok"]
    assert summary["worst"] == (max(problems, key=SEVERITY_RANK.get) if problems else "ok")
    threshold = SEVERITY_RANK[summary["fail_on"]]
    expected = 2 if summary["tool_errors"] else (
        1 if any(SEVERITY_RANK[s] >= threshold for s in problems) else 0)
    assert summary["exit_code"] == expected
    context_names = {c["name"] for c in report["contexts"]}
    for r in results:
        assert r["layer"] in report["layers"], r
        assert set(r["contexts"]) <= context_names, (r["contexts"], context_names)
    assert not [r for r in results if r["id"] == "GOTRIAGE-CHECK-FAILED"], \
        "a check failed inside gotriage: %s" % [r["title"] for r in results]


# -- the schema ----------------------------------------------------------------------------
def _walk(schema, path="#"):
    if isinstance(schema, dict):
        yield path, schema
        for key, value in schema.items():
            for item in _walk(value, path + "/" + key):
                yield item
    elif isinstance(schema, list):
        for i, value in enumerate(schema):
            for item in _walk(value, "%s/%d" % (path, i)):
                yield item


def test_schema_is_draft7_and_documents_every_field():
    import jsonschema

    schema = load_schema()
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)
    undocumented = []
    for path, node in _walk(schema):
        if re.search(r"/(if|then|else)(/|$)", path):
            continue  # conditions restate fields that are documented where they are defined
        for name, sub in (node.get("properties") or {}).items():
            if isinstance(sub, dict) and "$ref" not in sub and "description" not in sub:
                undocumented.append("%s/properties/%s" % (path, name))
    for name, sub in schema["definitions"].items():
        if "description" not in sub:
            undocumented.append("#/definitions/" + name)
    assert not undocumented, undocumented


def test_schema_version_pattern_matches_the_code():
    pattern = load_schema()["properties"]["schema_version"]["pattern"]
    assert pattern == r"^1\.[0-9]+$"
    assert re.match(pattern, SCHEMA_VERSION)


def test_schema_knows_every_layer():
    pattern = load_schema()["definitions"]["layer"]["pattern"]
    for layer in LAYERS:
        assert re.match(pattern, layer), layer
    for chk in all_checks():
        assert re.match(load_schema()["definitions"]["finding"]["properties"]["id"]["pattern"],
                        chk.id)
        for finding_id in chk.findings:
            assert re.match(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$", finding_id), finding_id


def test_schema_is_strict(no_go, broken_go):
    """Undocumented fields, unknown severities and kinds, and a bad version are caught."""
    base = check_json("--root", broken_go)[1]
    finding = next(r for r in base["results"] if r["evidence"] and r["fix"])
    index = base["results"].index(finding)

    def broken(mutate):
        doc = copy.deepcopy(base)
        mutate(doc)
        return schema_errors(doc)

    assert not broken(lambda d: None)
    assert broken(lambda d: d.update(extra=1))
    assert broken(lambda d: d.pop("summary"))
    assert broken(lambda d: d.update(schema_version="2.0"))
    assert broken(lambda d: d.update(schema_version="1"))
    assert broken(lambda d: d["summary"].update(exit_code=4))  # (3 is explain's "nothing recognised")
    assert broken(lambda d: d["summary"].update(extra=0))
    assert broken(lambda d: d["summary"]["counts"].update(fatal=0))
    assert broken(lambda d: d["host"].update(source="mirror"))
    assert broken(lambda d: d["host"]["identity"].update(extra="x"))
    assert broken(lambda d: d["results"][index].update(severity="fatal"))
    assert broken(lambda d: d["results"][index].update(undocumented=True))
    assert broken(lambda d: d["results"][index].pop("title"))
    assert broken(lambda d: d["results"][index]["evidence"][0].update(kind="blob"))
    assert broken(lambda d: d["results"][index]["evidence"][0].update(extra=1))
    assert broken(lambda d: d["results"][index]["fix"][0].update(kind="script"))
    assert broken(lambda d: d["results"][index]["fix"][0].pop("safe"))
    assert broken(lambda d: d["results"][index]["fix"].append({"kind": "command", "safe": True}))
    assert broken(lambda d: d["results"][index]["evidence"].append({"kind": "file"}))


# -- real runs -----------------------------------------------------------------------------
LIVE_VARIANTS = [
    [],
    ["--layer", "toolchain"],
    ["-v"],
    ["--ignore", "GO-PROXY"],
    ["--fail-on", "error"],
    ["--fail-on", "info", "-v", "--layer", "toolchain"],
]


@pytest.mark.parametrize("args", LIVE_VARIANTS, ids=lambda a: " ".join(a) or "default")
def test_live_host(args):
    proc, report = check_json(*args)
    assert report["host"]["source"] == "live"
    assert report["host"]["origin"] is None
    assert report["layers"] == (["toolchain"] if "--layer" in args else list(LAYERS))
    assert_consistent(report)
    if "--ignore" in args:
        assert not [r for r in report["results"] if r["check"] == "GO-PROXY"]


@pytest.mark.parametrize("args", LIVE_VARIANTS, ids=lambda a: " ".join(a) or "default")
def test_snapshot(broken_go, args):
    proc, report = check_json("--root", broken_go, *args)
    assert report["host"] == {
        "hostname": "el9-test", "source": "snapshot", "origin": broken_go,
        "identity": {"user": "root", "uid": 0, "gid": 0, "gids": [0], "home": "/root",
                     "shell": None}}
    assert report["layers"] == (["toolchain"] if "--layer" in args else list(LAYERS))
    assert_consistent(report)
    assert report["results"], "a snapshot with a broken Go install produced no results"


def test_snapshot_archive(tmp_path, no_go):
    archive = str(tmp_path / "snap.tar.gz")
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(no_go, arcname="snap")
    proc, report = check_json("--root", archive)
    assert report["host"]["origin"] == archive
    assert_consistent(report)


def test_verbose_changes_nothing_in_json(broken_go):
    plain = check_json("--root", broken_go)[1]
    verbose = check_json("--root", broken_go, "-v")[1]
    plain.pop("generated")
    verbose.pop("generated")
    assert plain == verbose


def test_ignore_a_finding_and_a_check(no_go, broken_go):
    report = check_json("--root", no_go)[1]
    assert "GO-INSTALL-NONE" in [r["id"] for r in report["results"]]
    report = check_json("--root", no_go, "--ignore", "GO-INSTALL-NONE")[1]
    assert "GO-INSTALL-NONE" not in [r["id"] for r in report["results"]]
    assert_consistent(report)

    before = check_json("--root", broken_go)[1]
    assert {"GO-INSTALL", "GO-PATH"} <= {r["check"] for r in before["results"]}
    after = check_json("--root", broken_go, "--ignore", "GO-INSTALL", "--ignore", "GO-PATH")[1]
    assert not {"GO-INSTALL", "GO-PATH"} & {r["check"] for r in after["results"]}
    assert [r for r in before["results"] if r["check"] not in ("GO-INSTALL", "GO-PATH")] == \
        after["results"]


# -- exit codes ----------------------------------------------------------------------------
@pytest.mark.parametrize("json_flag", [["--json"], []], ids=["json", "text"])
def test_fail_on_with_only_an_info_finding(no_go, json_flag):
    report = check_json("--root", no_go)[1]
    severities = {r["id"]: r["severity"] for r in report["results"]}
    assert severities.get("GO-INSTALL-NONE") == "info"
    assert report["summary"]["counts"]["warn"] == report["summary"]["counts"]["error"] == 0, \
        "the fixture should produce nothing worse than info: %s" % severities
    for fail_on, expected in (("info", 1), ("warn", 0), ("error", 0), (None, 0)):
        args = ["check", "--root", no_go] + json_flag
        if fail_on:
            args += ["--fail-on", fail_on]
        proc = run_cli(args)
        assert proc.returncode == expected, (fail_on, proc.stdout.decode(), proc.stderr.decode())
        if json_flag:
            report = json.loads(proc.stdout.decode())
            assert report["summary"]["fail_on"] == (fail_on or "warn")
    # Ignoring its non-ok findings (GO-INSTALL-NONE; SYS-DISTRO-OLD-MINOR: the fixture's
    # Rocky 9.x is no longer the current minor) makes the strictest run clean.
    ignore = []
    for fid in sorted(i for i, severity in severities.items() if severity != "ok"):
        ignore += ["--ignore", fid]
    proc = run_cli(["check", "--root", no_go, "--fail-on", "info"] + ignore + json_flag)
    assert proc.returncode == 0, proc.stdout.decode()


def test_fail_on_with_a_warn_finding(broken_go):
    # Without the GO-PATH check the broken install is a warning and nothing is an error.
    base = ["--root", broken_go, "--ignore", "GO-PATH"]
    report = check_json(*base)[1]
    counts = report["summary"]["counts"]
    assert counts["warn"] >= 1 and counts["error"] == 0, report["results"]
    assert "GO-INSTALL-BROKEN" in [r["id"] for r in report["results"] if r["severity"] == "warn"]
    for fail_on, expected in (("info", 1), ("warn", 1), ("error", 0)):
        proc, report = check_json(*(base + ["--fail-on", fail_on]))
        assert proc.returncode == expected, fail_on
        assert report["summary"]["fail_on"] == fail_on


def test_error_finding_fails_at_every_threshold(broken_go):
    report = check_json("--root", broken_go)[1]
    assert report["summary"]["counts"]["error"] >= 1
    for fail_on in ("info", "warn", "error"):
        assert check_json("--root", broken_go, "--fail-on", fail_on)[0].returncode == 1


@pytest.mark.parametrize("json_flag", [["--json"], []], ids=["json", "text"])
def test_unknown_ignore_id(no_go, json_flag):
    assert_one_line_error(run_cli(["check", "--ignore", "NO-SUCH-ID"] + json_flag),
                          "NO-SUCH-ID")
    assert_one_line_error(
        run_cli(["check", "--root", no_go, "--ignore", "GO-PATH", "--ignore", "BOGUS"] + json_flag),
        "BOGUS")


@pytest.mark.parametrize("json_flag", [["--json"], []], ids=["json", "text"])
def test_missing_root(json_flag):
    assert_one_line_error(run_cli(["check", "--root", "/nonexistent"] + json_flag),
                          "/nonexistent")


def test_root_that_is_not_a_snapshot(tmp_path):
    (tmp_path / "empty").mkdir()
    assert_one_line_error(run_cli(["check", "--json", "--root", str(tmp_path / "empty")]),
                          "not a gotriage snapshot")


# -- gotriage avc: the same report, its detail in `avc` --------------------------------------
SELINUX_LOGS = os.path.join(DATA, "selinux")

AVC_VARIANTS = [
    ["go-home-exec.log"],  # an execute denied: an error
    ["go-service-denials.log", "-v"],
    ["go-socket-module.log", "--fail-on", "error"],  # warnings only
    ["go-8080.log", "--raw-rules"],
    ["sepolgen-short.log", "--since", "2000-01-01"],
    ["audit2allow-test.log", "--fail-on", "info"],
    ["auparse-test3.log"],  # audit records, no denial
]


def avc_report(args, cwd=None):
    """`gotriage avc --json --no-tools LOG ARGS`: the report, checked against the schema
    and the exit code (parse_report), with nothing on stderr."""
    log, rest = args[0], list(args[1:])
    proc = run_cli(["avc", "--json", "--no-tools", os.path.join(SELINUX_LOGS, log)] + rest,
                   cwd=cwd or ROOT)
    assert proc.stderr == b"", proc.stderr.decode("utf-8", "replace")
    return proc, parse_report(proc)


@pytest.mark.parametrize("args", AVC_VARIANTS, ids=lambda a: " ".join(a))
def test_avc_json_is_the_report(args):
    """avc --json is a report like every command's: layers ["selinux"], a result for each
    group of denials that share a fix (its id and subject; a denial alone in its group has
    its own subject), the ok result of the layer when there is none, summary and exit code
    by --fail-on; avc's detail in `avc`, every denial in exactly one group."""
    proc, report = avc_report(args)
    assert_consistent(report)
    assert report["layers"] == ["selinux"] and report["contexts"] == []
    assert report["summary"]["fail_on"] == (args[args.index("--fail-on") + 1]
                                            if "--fail-on" in args else "warn")
    detail = report["avc"]
    denials = detail["denials"]
    results = report["results"]
    groups = detail["groups"]
    if denials:
        assert [(r["id"], r["subject"], r["check"], r["severity"]) for r in results] == [
            (g["id"], g["subject"], "SEL-AVC", g["severity"]) for g in groups]
        assert {r["severity"] for r in results} <= {"warn", "error"}
        assert sorted(n for g in groups for n in g["denials"]) == list(range(len(denials)))
        for number, group in enumerate(groups):
            for n in group["denials"]:
                assert denials[n]["group"] == number
                assert denials[n]["explanations"][0]["id"] == group["id"]
            if len(group["denials"]) == 1:
                assert group["subject"] == denials[group["denials"][0]]["subject"]
            assert group["records"] == sum(denials[n]["count"] for n in group["denials"])
    else:
        assert [(r["id"], r["severity"]) for r in results] == [("SEL-AVC", "ok")]
    assert detail["scan"]["distinct_denials"] == len(denials)
    assert ("raw_rules" in detail) == ("--raw-rules" in args)
    assert report["notes"] == [p for p in detail["problems"] if not p.startswith(" ")]


def test_avc_module_json_is_the_report(tmp_path):
    proc, report = avc_report(["go-socket-module.log", "--module", "local_go"], cwd=str(tmp_path))
    assert_consistent(report)
    module = report["avc"]["module"]
    assert module["files"] == ["local_go.te"] and (tmp_path / "local_go.te").exists()


@pytest.mark.parametrize("json_flag", [["--json"], []], ids=["json", "text"])
@pytest.mark.parametrize("log,worst", [("go-home-exec.log", "error"),
                                       ("go-socket-module.log", "warn"),
                                       ("auparse-test3.log", "ok")])
def test_avc_fail_on(log, worst, json_flag):
    """--fail-on means what it means for every command: exit 1 when a result is at least
    that severe (default warn); --raw-rules alone too.  The text view ends with the same
    Summary line as the others."""
    rank = SEVERITY_RANK[worst]
    for fail_on in (None, "info", "warn", "error"):
        for extra in ([], ["--raw-rules"]):
            args = ["avc", "--no-tools", os.path.join(SELINUX_LOGS, log)] + extra + json_flag
            if fail_on:
                args += ["--fail-on", fail_on]
            proc = run_cli(args)
            expected = 1 if worst != "ok" and rank >= SEVERITY_RANK[fail_on or "warn"] else 0
            assert proc.returncode == expected, (args, proc.stderr.decode())
            if json_flag:
                assert json.loads(proc.stdout.decode())["summary"]["exit_code"] == expected
            elif not extra:
                last = proc.stdout.decode().splitlines()[-1]
                assert last == {
                    "error": "Summary: 1 error, 0 warnings, 0 info, 0 ok",
                    # its two denials share one fix, the module: one finding
                    "warn": "Summary: 0 errors, 1 warning, 0 info, 0 ok",
                    "ok": "Summary: 0 errors, 0 warnings, 0 info, 1 ok"}[worst], last


def test_avc_fail_on_is_checked():
    """argparse's usage error, as for `check --fail-on fatal`."""
    for command in (["check"], ["avc", "/dev/null"]):
        proc = run_cli(command + ["--fail-on", "fatal"])
        assert (proc.returncode, proc.stdout) == (2, b"")
        assert "argument --fail-on: invalid choice: 'fatal'" in proc.stderr.decode()
