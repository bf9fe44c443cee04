"""The doctor view read end to end (issue 13): the verdict first, the problems in causal
order, a failure the journal shows folded under its cause and counted once, fixes as
numbered steps with alternatives, one passing line per unit, nothing wider than 100
columns but the commands, sudo for what a non-root user must run as root.

Each test runs the real CLI on the recorded snapshots (tests/data/snapshots,
tests/data/services) and reads its text and its --json side by side."""

import json
import os
import re

import pytest

from cli_support import run_cli
from conftest import DATA

SNAPSHOTS = os.path.join(DATA, "snapshots")
SERVICES = os.path.join(DATA, "services")
EL9_SERVICES = os.path.join(SERVICES, "el9-services")
ALICE = ["check", "--root", os.path.join(SNAPSHOTS, "el9-goroot-envfile"), "--project", "/home/alice"]
RESULT_LINE = re.compile(r"^  (\S+) ([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*)  ", re.M)
VERDICT_LINE = re.compile(r"^\s+(\d+)\. (\S+) ([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*)  ", re.M)

RUNS = [ALICE,
        ["check", "--root", os.path.join(SNAPSHOTS, "el8-old-go"), "--project", "/srv/app"],
        ["check", "--root", os.path.join(SNAPSHOTS, "el7-sudo-path")],
        ["check", "--root", os.path.join(SERVICES, "el7-services")],
        ["check", "--root", os.path.join(SERVICES, "el8-services")],
        ["check", "--root", EL9_SERVICES],
        ["service", "web", "--root", EL9_SERVICES],
        ["service", "api", "--root", EL9_SERVICES]]


def both(args, verbose=False):
    text = run_cli(args + (["-v"] if verbose else []))
    assert text.stderr == b"", text.stderr
    report = json.loads(run_cli(args + ["--json"]).stdout.decode("utf-8"))
    return text.stdout.decode("utf-8"), report


def folded(report):
    """The results the JSON says are caused by another problem of the report."""
    problems = {(r["id"], r.get("subject")) for r in report["results"] if r["severity"] in ("error", "warn")}
    return [r for r in report["results"] if r["severity"] in ("error", "warn") and r.get("caused_by")
            and (r["caused_by"]["id"], r["caused_by"]["subject"]) in problems]


def ids_first(text):
    return VERDICT_LINE.findall(text)[0][2]


def test_the_verdict_comes_first_with_the_confirmed_causes_on_top():
    text, report = both(["check", "--root", EL9_SERVICES])
    lines = text.splitlines()
    assert lines[3].startswith("Verdict: 9 problems, most likely cause first"), lines[:5]
    verdict = VERDICT_LINE.findall(text)
    assert [int(n) for n, _, _ in verdict] == list(range(1, 10))
    ids = [i for _, _, i in verdict]
    # before the issue the first error was GO-PATH-NOT-FOUND [shell], the first service
    # error at line 41: now every cause the journal confirms comes first
    confirmed = {r["caused_by"]["id"] for r in folded(report)}
    assert len(confirmed) == 7 and set(ids[:7]) == confirmed
    # then the crash seen without a known cause, then what the configuration predicts
    assert ids[7:] == ["SVC-JOURNAL-SIGNAL", "GO-PATH-NOT-FOUND"]


def test_a_failure_the_journal_shows_is_folded_under_its_cause_and_counted_once():
    text, report = both(["check", "--root", EL9_SERVICES])
    consequences = folded(report)
    assert {r["id"] for r in consequences} >= {"SVC-JOURNAL-EXEC", "SVC-JOURNAL-CHDIR", "SVC-JOURNAL-BIND",
                                               "SVC-JOURNAL-NAMESPACE", "SVC-JOURNAL-EXIT",
                                               "SVC-JOURNAL-CONFIG", "SVC-JOURNAL-START-LIMIT"}
    shown = {i for _, i in RESULT_LINE.findall(text)}
    for r in consequences:
        assert r["id"] not in shown
        assert "      seen: \u2717 %s  %s" % (r["id"], r["unit"]) in text or \
            "      seen: ! %s  %s" % (r["id"], r["unit"]) in text
    # web.service's 4 fix steps are printed once, under SVC-PORT-PRIVILEGED
    assert text.count("AmbientCapabilities=CAP_NET_BIND_SERVICE") == 1
    # counted once: 15 errors in the JSON, 9 problems in the view
    counts = report["summary"]["counts"]
    errors = sum(1 for r in report["results"] if r["severity"] == "error")
    assert counts["error"] == errors == 15
    summary = text.splitlines()[-1]
    assert summary.startswith("Summary: %d errors, 1 warning" % (errors - len(consequences) + 1)) or \
        summary.startswith("Summary: %d errors, 0 warnings" % (errors - len(consequences) + 1)), summary
    assert summary.endswith(", %d ok, %d consequences; first: %s" % (counts["ok"], len(consequences), ids_first(text)))
    # the JSON keeps every result, linked
    link = next(r for r in consequences if r["id"] == "SVC-JOURNAL-EXEC")
    cause = next(r for r in report["results"] if r["id"] == link["caused_by"]["id"]
                 and r.get("subject") == link["caused_by"]["subject"])
    assert cause["id"] == "SVC-LABEL-DENIED" and cause["unit"] == "api.service"


def test_a_consequence_adds_its_own_steps_after_its_cause():
    """crashy.service: a panic (no fix of its own: the program's bug), then systemd's start
    limit, whose reset-failed is the step left."""
    text, _ = both(["check", "--root", EL9_SERVICES])
    block = text.split("SVC-JOURNAL-PANIC  crashy.service", 2)[2].split("\n  \u2717 ", 1)[0]
    assert "seen: ! SVC-JOURNAL-START-LIMIT  crashy.service" in block
    assert "systemctl reset-failed crashy.service" in block


def test_fixes_are_numbered_steps_with_alternatives():
    text, _ = both(["check", "--root", EL9_SERVICES])
    block = text.split("SVC-PORT-PRIVILEGED  web.service", 2)[2]
    steps = [line for line in block.splitlines()[:16] if re.match(r"^ {8}(\d\. |   )?[A-C]: |^ {8}\d\. ", line)]
    assert steps[0].startswith("        1. A: add to /etc/systemd/system/web.service.d/override.conf"), steps
    assert steps[1].startswith("           B: setcap cap_net_bind_service=+ep /usr/local/bin/web"), steps
    assert steps[2].startswith("           C: listen on a port >= 1024"), steps
    assert steps[3] == "        2. systemctl daemon-reload", steps
    # the description is its own line, the "or" of an alternative is its letter
    assert "give the binary the capability (again after every update)" in block
    assert "or give the binary" not in block


def test_one_fix_is_printed_once():
    """GO-ROOT-MISMATCH and GO-ENVFILE-GOROOT printed the same edit twice."""
    text, report = both(ALICE)
    assert text.count("delete the line\n            GOROOT=/usr/local/go") == 1
    fixes = {}
    for r in report["results"]:
        if r["id"] in ("GO-ROOT-MISMATCH", "GO-ENVFILE-GOROOT"):
            fixes[r["id"]] = r["fix"]
    assert fixes["GO-ROOT-MISMATCH"] == fixes["GO-ENVFILE-GOROOT"]  # both still in the JSON


def test_sudo_when_the_user_is_not_root_and_only_then():
    text, report = both(ALICE)
    assert report["host"]["identity"]["user"] == "alice"
    assert "        A: sudo dnf install -y gcc glibc-devel" in text
    assert "        sudo chown -R alice: /home/alice/.cache" in text
    assert "1. as root: add to /etc/profile.d/go.sh the line" in text
    assert "# as root" not in text
    root_text, _ = both(["check", "--root", EL9_SERVICES])
    assert "sudo " not in root_text and "as root:" not in root_text


def test_no_cgo_fix_that_is_already_in_effect():
    text, report = both(ALICE)
    cgo = next(r for r in report["results"] if r["id"] == "GO-CGO-NO-CC")
    assert "(CGO_ENABLED=0)" in cgo["title"]
    assert "build without cgo on purpose: CGO_ENABLED=0" not in text
    assert "B: if the project needs no cgo, say so: `go env -w CGO_ENABLED=0`" in text


def test_passing_checks_collapse_to_one_line_per_unit():
    text, report = both(["check", "--root", EL9_SERVICES])
    services = text.split("\nServices (systemd)\n", 1)[1].split("\n\n", 1)[0]
    units = sorted({r["unit"] for r in report["results"] if r.get("unit") and r["severity"] == "ok"})
    ok_lines = [line for line in services.splitlines() if line.startswith("  \u2713 ")]
    assert sorted(line.split()[1] for line in ok_lines) == units
    ok = [r for r in report["results"] if r["severity"] == "ok" and r.get("unit")]
    assert len(ok) > 3 * len(units)  # the lines it replaces
    assert "SVC-INPUT" not in services  # "answered in time" says nothing without -v
    api = next(line for line in ok_lines if line.split()[1] == "api.service")
    assert "SVC-UNIT" in api and "SVC-LABEL" not in api  # its label is the problem
    verbose, _ = both(["check", "--root", EL9_SERVICES], verbose=True)
    assert len(re.findall(r"^  \u2713 SVC-", verbose, re.M)) == len(
        [r for r in report["results"] if r["severity"] == "ok" and r["layer"] == "service"])


def test_nothing_compared_is_not_a_pass():
    """"✓ GO-VERSION local Go is new enough (no go.mod)": without a go.mod GO-VERSION is
    skipped, and says so."""
    text, report = both(ALICE)
    assert "GO-VERSION" not in {r["id"] for r in report["results"]}
    assert "GO-VERSION skipped: no go.mod in /home/alice" in text
    assert any(n.startswith("GO-VERSION skipped") for n in report["notes"])


@pytest.mark.parametrize("args", RUNS, ids=lambda a: "-".join(os.path.basename(x) for x in a[:3]))
def test_lines_fit_in_100_columns_but_commands(args):
    text, report = both(args)
    pasted = set()
    for r in report["results"]:
        for action in r["fix"]:
            for key in ("shell", "line", "old"):
                if action.get(key):
                    pasted.add(action[key])
    for line in text.splitlines():
        if len(line) > 100:
            body = line.strip()
            if " " not in body:
                continue  # one word (a path, NAME=value) is never broken
            assert body.startswith("sudo ") and body[5:] in pasted or \
                re.sub(r"^(\d\. )?([A-J]: )?", "", body) in pasted, line
    # every problem of the verdict is shown in its layer, once
    verdict = [i for _, _, i in VERDICT_LINE.findall(text)]
    shown = [i for _, i in RESULT_LINE.findall(text.split("\n\n", 2)[2])]
    for fid in verdict:
        assert fid in shown


def test_a_general_condition_comes_after_the_direct_cause_and_the_summary_names_the_first():
    """CentOS 7 with its stock repositories (tests/cases/pkg-centos7-no-epel): two warnings,
    the release's end of life and golang in no enabled repository; the one that says why
    `yum install golang` fails comes first."""
    case = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases", "pkg-centos7-no-epel", "snapshot")
    text, report = both(["check", "--root", case])
    ids = [i for _, _, i in VERDICT_LINE.findall(text)]
    assert ids.index("PKG-GOLANG-NO-REPO") < ids.index("SYS-DISTRO-EOL"), ids
    # the JSON keeps the checks' order: the layers' (system before packages)
    order = [r["id"] for r in report["results"]]
    assert order.index("SYS-DISTRO-EOL") < order.index("PKG-GOLANG-NO-REPO")
    assert text.splitlines()[-1].endswith("; first: %s" % ids[0])


def test_the_general_conditions_are_finding_ids():
    from gotriage.checks import all_checks
    from gotriage.report.doctor import GENERAL_CONDITIONS

    known = {i for c in all_checks() for i in c.ids()}
    assert GENERAL_CONDITIONS <= known, GENERAL_CONDITIONS - known
