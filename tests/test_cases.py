"""Every finding id has a case (tests/cases, README.md there): an input, the gotriage
command and the problem ids it must produce, like setroubleshoot's one log per plugin.

- each case runs in this process (`gotriage.cli.main` with --json) and must produce
  exactly its problem ids (ok results are not counted) with its exit status;
- every registered problem id (gotriage.checks.known_ids(), not the ok ids) is in some
  case's ids, or in KNOWN_GAPS, which may only shrink: an id that gets a case must leave
  it, and a new id needs a case;
- the committed cases are exactly what tests/cases/make_cases.py writes.
"""

import contextlib
import filecmp
import io
import json
import os
import re
import sys

import pytest

from conftest import DATA, ROOT
from declared_only import DeclaredOnly
from gotriage import cli
from gotriage.checks import all_checks, known_ids

CASES_DIR = os.path.join(ROOT, "tests", "cases")
sys.path.insert(0, CASES_DIR)

# Problem ids no case can produce yet, each with why.  This list may only shrink.
KNOWN_GAPS = {
    # `service --trace` starts the unit's program under strace: live host only, as root
    # (tests/test_service_live.py traces real programs for each of them).
    "SVC-TRACE-EACCES": "--trace is live only",
    "SVC-TRACE-ENOEXEC": "--trace is live only",
    "SVC-TRACE-EXIT": "--trace is live only",
    "SVC-TRACE-INTERP": "--trace is live only",
    "SVC-TRACE-LIBRARY": "--trace is live only",
    "SVC-TRACE-SIGNAL": "--trace is live only",
    "SVC-TRACE-UNAVAILABLE": "--trace is live only",
}

# the declared inputs each case read (test_the_case_produces_its_ids fills it in)
USED = {}

# Declared inputs (src/gotriage/inputs/, docs/inputs.md) that no case reads yet, with the
# tests that do read them.  This list may only shrink.
KNOWN_UNREAD = {
    "binary/binfmt": "qemu's binfmt_misc: test_binary (live, with qemu-user-binfmt)",
    "binary/binfmt-entry": "the same",
    "binary/whatprovides": "rpm -q --whatprovides: test_binary (a recorded rpm answer)",
    "firewall/ip6tables-save": "the iptables backend: test_firewall_model, test_deadline",
    "firewall/ipset": "the same",
    "firewall/firewalld-client": "firewall-cmd's client library in one process, asked of a real "
                                 "firewalld only: test_firewall_live (each listing equal to "
                                 "firewall-cmd's own); the cases' scenarios recorded the four "
                                 "firewall-cmd calls, the fallback it keeps",
    "firewall/iptables-save": "the same",
    "packages/golang-grep": "the metadata grep: test_packages_realdnf (real createrepo_c)",
    "packages/var": "a variables file (/etc/dnf/vars): no test yet",
    "selinux/getenforce": "the SELinux tools: test_deadline, test_selinux_tools",
    "selinux/getsebool": "the same",
    "selinux/matchpathcon": "the same",
    "selinux/policy-xml": "the booleans' descriptions, read only when a policy file parses and "
                          "a verdict names a boolean: test_selinux_tools, test_avc_cost (live, "
                          "Debian's policy.xml; the cases' policy.33 are placeholders)",
    "selinux/seinfo-types": "the same",
    "selinux/sesearch": "the same",
    "service/failed-units": "systemd's answers: test_inputs (the services snapshots)",
    "service/file-contexts": "the same",
    "service/selinuxfs": "the same",
    "toolchain/c-compiler": "CC as a path: test_realgo",
    "toolchain/group": "--user: test_optins",
    "toolchain/login-environment": "--user: test_optins",
    "toolchain/os-release-lib": "a host without /etc/os-release: no test yet",
}

_ID = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")


def load_cases():
    cases = []
    for name in sorted(os.listdir(CASES_DIR)):
        path = os.path.join(CASES_DIR, name, "case.json")
        if os.path.exists(path):
            with open(path) as f:
                cases.append((name, json.load(f)))
    return cases


CASES = load_cases()


def problem_ids():
    """Every registered id but the checks' own (ok) ones."""
    return set(known_ids()) - ok_ids()


def ok_ids():
    return {c.id for c in all_checks()}


def argv_of(name, command, tmp_path_factory, cases_dir=CASES_DIR):
    """The case's command with {case}, {data} and {scenario:BACKEND/NAME} (a recorded
    firewall scenario laid out as a snapshot, tests/firewall_scenarios.py) filled in;
    {scenario:BACKEND/NAME+overlay} lays the case's overlay/ over that snapshot."""
    out = []
    for word in command:
        scenario = re.match(r"^\{scenario:([\w-]+)/([\w-]+)(\+overlay)?\}$", word)
        if scenario:
            from firewall_scenarios import GENERATED, scenario_snapshot

            target = tmp_path_factory.mktemp("scenario") / "snap"
            word = str(scenario_snapshot(os.path.join(GENERATED, *scenario.groups()[:2]), target))
            if scenario.group(3):
                apply_overlay(word, os.path.join(cases_dir, name, "overlay"))
        baseline = re.match(r"^\{baseline:([\w-]+)\}$", word)
        if baseline:
            word = baseline_repo(os.path.join(cases_dir, name, baseline.group(1)),
                                 tmp_path_factory.mktemp("baseline") / "repo")
        out.append(word.replace("{case}", os.path.join(cases_dir, name)).replace("{data}", DATA))
    return out


def baseline_repo(snapshot, repo):
    """{baseline:DIR}: a baseline repository recorded from the case's snapshot DIR by
    `gotriage baseline init` (a git repository is made at test time, not committed)."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = cli.main(["baseline", "init", "--repo", str(repo), "--root", snapshot])
    assert code == 0, snapshot
    return str(repo)


def apply_overlay(snapshot, overlay):
    """Lay `overlay` (a partial snapshot: files/, paths.json, commands/) over the snapshot
    directory `snapshot`: its files replace or add files, its paths.json entries replace
    those of the same path, and its commands replace the commands of the same argv."""
    import shutil

    for directory, _dirs, names in os.walk(os.path.join(overlay, "files")):
        for name in names:
            source = os.path.join(directory, name)
            target = os.path.join(snapshot, os.path.relpath(source, overlay))
            if not os.path.isdir(os.path.dirname(target)):
                os.makedirs(os.path.dirname(target))
            shutil.copyfile(source, target)
    if os.path.exists(os.path.join(overlay, "paths.json")):
        paths = {}
        if os.path.exists(os.path.join(snapshot, "paths.json")):
            with open(os.path.join(snapshot, "paths.json")) as f:
                paths = json.load(f)
        with open(os.path.join(overlay, "paths.json")) as f:
            paths.update(json.load(f))
        with open(os.path.join(snapshot, "paths.json"), "w") as f:
            json.dump(paths, f)
    commands = os.path.join(snapshot, "commands")
    added = []
    if os.path.isdir(os.path.join(overlay, "commands")):
        for entry in sorted(os.listdir(os.path.join(overlay, "commands"))):
            with open(os.path.join(overlay, "commands", entry)) as f:
                added.append(json.load(f))
    kept = []
    for entry in sorted(os.listdir(commands)) if os.path.isdir(commands) else ():
        with open(os.path.join(commands, entry)) as f:
            command = json.load(f)
        if all(command["argv"] != new["argv"] for new in added):
            kept.append(command)
        os.remove(os.path.join(commands, entry))
    if kept or added:
        if not os.path.isdir(commands):
            os.makedirs(commands)
        for number, command in enumerate(kept + added, 1):
            with open(os.path.join(commands, "%04d.json" % number), "w") as f:
                json.dump(command, f)


def produced(document, ok):
    """The problem ids anywhere in a JSON report (check/service/port/binary results, avc
    explanations): every "id" that is a finding id and not a check's ok id."""
    found = set()

    def walk(value):
        if isinstance(value, dict):
            ident = value.get("id")
            if isinstance(ident, str) and _ID.match(ident) and ident not in ok:
                found.add(ident)
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
    walk(document)
    return found


def run_case(argv, hosts=None):
    """(exit code, JSON report) of the case's command, run in this process; each host the
    command opens is a DeclaredOnly, appended to `hosts` when a list is given."""
    import gotriage.host

    opened = hosts if hosts is not None else []
    real_open = gotriage.host.open_host

    def open_host(*args, **kwargs):
        host = DeclaredOnly(real_open(*args, **kwargs))
        opened.append(host)
        return host
    out, err = io.StringIO(), io.StringIO()
    gotriage.host.open_host = open_host
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(argv + ["--json"])
    finally:
        gotriage.host.open_host = real_open
    assert out.getvalue().strip(), (argv, code, err.getvalue())
    return code, json.loads(out.getvalue())


@pytest.mark.parametrize("name,spec", CASES, ids=[name for name, _ in CASES])
def test_the_case_produces_its_ids(name, spec, tmp_path_factory):
    argv = argv_of(name, spec["command"], tmp_path_factory)
    hosts = []
    code, document = run_case(argv, hosts)
    ids = sorted(produced(document, ok_ids()))
    assert ids == spec["expect"], (name, argv)
    assert code == spec["exit"], (name, code)
    # every read the case made was a declared input (tests/test_inputs.py)
    refused = [r for host in hosts for r in host.refused]
    assert not refused, (name, refused[:10])
    USED[name] = set().union(*(host.used for host in hosts)) if hosts else set()


def test_every_problem_id_has_a_case_or_is_a_known_gap():
    covered = set()
    for _name, spec in CASES:
        covered.update(spec["expect"])
    registered = problem_ids()
    missing = sorted(registered - covered - set(KNOWN_GAPS))
    assert not missing, "problem ids with no case (add one in tests/cases/recipes): %s" % missing
    no_longer_gaps = sorted(set(KNOWN_GAPS) & covered)
    assert not no_longer_gaps, "these have a case now: take them out of KNOWN_GAPS: %s" % no_longer_gaps
    unknown = sorted(set(KNOWN_GAPS) - registered)
    assert not unknown, "KNOWN_GAPS names ids that are not registered: %s" % unknown
    assert not covered - registered - ok_ids(), "cases expect ids that are not registered"


def test_every_declared_input_is_read_by_a_case_or_is_known_unread(tmp_path_factory):
    from gotriage.checks import LAYER_TABLE, load

    for name, spec in CASES:
        if name not in USED:  # a run with -k: run the rest here
            hosts = []
            run_case(argv_of(name, spec["command"], tmp_path_factory), hosts)
            USED[name] = set().union(*(host.used for host in hosts)) if hosts else set()
    declared = {decl.id for layer in LAYER_TABLE if layer.inputs
                for decl in load(layer.inputs).INPUTS}
    read = set().union(*USED.values())
    unread = sorted(declared - read - set(KNOWN_UNREAD))
    assert not unread, "declared inputs no case reads (add a case, tests/cases/recipes): %s" % unread
    now_read = sorted(set(KNOWN_UNREAD) & read)
    assert not now_read, "a case reads these now: take them out of KNOWN_UNREAD: %s" % now_read
    assert not set(KNOWN_UNREAD) - declared, "KNOWN_UNREAD names undeclared inputs"


def test_every_case_says_where_its_data_came_from():
    assert len(CASES) >= 150
    for name, spec in CASES:
        assert set(spec) == {"about", "source", "command", "expect", "exit"}, name
        assert spec["about"] and spec["source"] and spec["command"], name
        assert spec["expect"] == sorted(set(spec["expect"])), name
        assert spec["exit"] in (0, 1), name
        for word in spec["command"]:
            scenario = re.match(r"^\{scenario:([\w-]+/[\w-]+)(\+overlay)?\}$", word)
            if scenario:
                from firewall_scenarios import GENERATED

                assert os.path.isdir(os.path.join(GENERATED, scenario.group(1))), (name, word)
                if scenario.group(2):
                    assert os.path.isdir(os.path.join(CASES_DIR, name, "overlay")), name
            elif "{case}" in word or "{data}" in word:
                path = word.replace("{case}", os.path.join(CASES_DIR, name)).replace("{data}", DATA)
                assert os.path.exists(path), (name, word)


def test_the_committed_cases_are_what_make_cases_writes(tmp_path):
    import make_cases

    written = make_cases.main(str(tmp_path))
    assert sorted(c.name for c in written) == [name for name, _ in CASES]
    for case in written:
        _same_tree(os.path.join(str(tmp_path), case.name), os.path.join(CASES_DIR, case.name))


def _same_tree(fresh, committed):
    comparison = filecmp.dircmp(fresh, committed, ignore=[])
    assert not comparison.left_only and not comparison.right_only, (
        committed, comparison.left_only, comparison.right_only,
        "run python3 tests/cases/make_cases.py")
    _, mismatch, errors = filecmp.cmpfiles(fresh, committed, comparison.common_files, shallow=False)
    assert not mismatch and not errors, (committed, mismatch, errors,
                                         "run python3 tests/cases/make_cases.py")
    for sub in comparison.common_dirs:
        _same_tree(os.path.join(fresh, sub), os.path.join(committed, sub))
