"""`gotriage check` with a baseline (docs/baseline.md, "check and the baseline"): with
--baseline-repo (or the default repository, on the live host) the baseline layer's
drift joins the doctor view and --json; without one nothing changes, nothing is noted
and git is not run.  Real git, a hand-made snapshot as the host."""

import json
import os
import shutil
import stat

import pytest

from cli_support import (
    BASELINE_FILES,
    clean_env,
    make_snapshot,
    recorded_and_drifted,
    run_cli,
    schema_errors,
)
from gotriage.baseline import command, gitrepo


@pytest.fixture
def hosts(tmp_path):
    """(repo, the recorded snapshot, a drifted copy: go.sh edited)."""
    return recorded_and_drifted(tmp_path)


def check(*args, **kw):
    done = run_cli(["check"] + [str(a) for a in args], env=kw.get("env"))
    return done.returncode, done.stdout.decode(), done.stderr.decode()


def _problems(report, layer):
    return sorted(r["id"] for r in report["results"]
                  if r["layer"] == layer and r["severity"] != "ok")


def test_check_reports_the_drift_beside_the_other_layers(hosts):
    repo, snapshot, drifted = hosts
    code, out, _err = check("--root", drifted, "--baseline-repo", repo, "--json")
    report = json.loads(out)
    assert not schema_errors(report)
    assert report["layers"][-1] == "baseline" and "toolchain" in report["layers"]
    assert _problems(report, "baseline") == ["BASE-FILE-CHANGED"]
    assert code == 1
    # the same check without the baseline: the other layers' results are the same
    code0, out0, _ = check("--root", drifted, "--json")
    plain = json.loads(out0)
    assert "baseline" not in plain["layers"]
    assert [r["id"] for r in plain["results"]] == [r["id"] for r in report["results"]
                                                    if r["layer"] != "baseline"]
    # the baseline layer's notes are its own (the state commands this snapshot lacks)
    extra = [n for n in report["notes"] if n not in plain["notes"]]
    assert [n for n in report["notes"] if n in plain["notes"]] == plain["notes"]
    assert extra and all(n.startswith("state ") for n in extra), extra
    # an unchanged host: the baseline's ok results, no problem
    _code, out, _ = check("--root", snapshot, "--baseline-repo", repo, "--json")
    assert _problems(json.loads(out), "baseline") == []


def test_the_doctor_view_shows_the_drift_in_its_verdict(hosts):
    repo, _snapshot, drifted = hosts
    code, out, _err = check("--root", drifted, "--baseline-repo", repo)
    verdict = out.split("Verdict", 1)[1].split("\n\n", 1)[0]
    assert "BASE-FILE-CHANGED" in verdict and "/etc/profile.d/go.sh changed" in " ".join(
        verdict.split())
    assert "\nBaseline drift\n" in out
    assert code == 1


def test_an_explicit_repository_that_is_not_one_is_a_usage_error(tmp_path, hosts):
    _repo, snapshot, _drifted = hosts
    for repo, words in ((tmp_path / "absent", "no baseline at"),
                        (tmp_path, "is not a gotriage baseline")):
        code, out, err = check("--root", snapshot, "--baseline-repo", repo)
        assert code == 2 and out == "" and words in err and len(err.strip().splitlines()) == 1


@pytest.fixture
def git_spy(tmp_path, monkeypatch):
    """A `git` first on PATH that logs each call and then runs the real one."""
    real = shutil.which("git")
    bindir = tmp_path / "spybin"
    bindir.mkdir()
    log = tmp_path / "git-calls"
    spy = bindir / "git"
    spy.write_text('#!/bin/sh\necho "$@" >> %s\nexec %s "$@"\n' % (log, real))
    spy.chmod(spy.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", "%s:%s" % (bindir, os.environ.get("PATH", "")))
    return log


def test_without_a_baseline_git_is_not_run_and_nothing_is_said(tmp_path, monkeypatch, git_spy):
    monkeypatch.setattr(gitrepo, "DEFAULT_REPO", str(tmp_path / "none"))
    assert command.baseline_for_check(None, None) == (None, None)
    (tmp_path / "empty").mkdir()
    monkeypatch.setattr(gitrepo, "DEFAULT_REPO", str(tmp_path / "empty"))
    assert command.baseline_for_check(None, None) == (None, None)
    assert not git_spy.exists(), "git ran without a baseline"
    # and the spy does see git when there is one (so the assertion above can fail)
    repo = str(tmp_path / "repo")
    done = run_cli(["baseline", "init", "--repo", repo, "--root",
                    make_snapshot(tmp_path / "snap", BASELINE_FILES)],
                   env=clean_env(PATH=os.environ["PATH"]))
    assert done.returncode == 0 and git_spy.exists()


def test_the_default_repository_is_for_the_live_host_only(hosts, monkeypatch):
    repo, snapshot, _drifted = hosts
    monkeypatch.setattr(gitrepo, "DEFAULT_REPO", repo)
    recorded, note = command.baseline_for_check(None, None)
    assert note is None and recorded.repo == repo and recorded.files
    # a snapshot is another host: the default repository (this host's) is not its baseline
    assert command.baseline_for_check(None, snapshot) == (None, None)
    # an explicit one is used for a snapshot
    recorded, _ = command.baseline_for_check(repo, snapshot)
    assert recorded.repo == repo


def test_a_default_repository_that_cannot_be_read_is_a_note(tmp_path, monkeypatch):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / gitrepo.MARKER).write_text('{"format": 1}\n')  # a marker, no git repository
    monkeypatch.setattr(gitrepo, "DEFAULT_REPO", str(broken))
    recorded, note = command.baseline_for_check(None, None)
    assert recorded is None
    assert note.startswith("baseline drift not examined: %s" % broken), note
    with pytest.raises(command.UsageError):
        command.baseline_for_check(str(broken), None)
