"""GOTOOLCHAIN as the user meets it (issue 14): the automatic switch and its failures,
`go 1.N` against `go 1.N.0`, a toolchain line that names a language version, path mode,
and GOSUMDB=off stopping a toolchain download; each checked against what the real go
1.19.8, 1.21.13 and 1.27.3 print.  Nothing leaves the host: GOPROXY is off, an empty
file:// proxy, or a module proxy on 127.0.0.1 (tests/goproxy_support.py)."""

import os

import pytest

from conftest import base_env, run_go, write_module
from goproxy_support import ModuleProxy
from test_realgo import gotriage

NEWER = [("1.21", "go1.21.13"), ("1.27", "go1.27.3")]


def findings(run, finding_id):
    return run.results(finding_id, context="shell")


def assert_every_line(predicted, out):
    """Every line go is predicted to print is in what it printed (not only the first)."""
    assert predicted, predicted
    for line in predicted.splitlines():
        assert line in out, (line, out)


@pytest.fixture
def home(tmp_path):
    h = tmp_path / "home"
    h.mkdir()
    return h


def _go(tmp_path, home, toolchains, version, gomod_tail, **env):
    t = toolchains[version]
    project = write_module(tmp_path / "p", go_line=gomod_tail)
    environ = base_env(home, [t.bindir], **env)
    code, out = run_go(t.go, ["build", "-o", os.devnull, "."], environ, project)
    return project, environ, code, out


@pytest.mark.parametrize("version,_name", NEWER)
@pytest.mark.parametrize("goline,target", [("1.99", "go1.99.0"), ("1.99.0", "go1.99.0"),
                                           ("1.99rc1", "go1.99rc1")])
def test_auto_switch_offline_prints_downloading_then_not_available(
        tmp_path, home, toolchains, version, _name, goline, target):
    project, env, code, out = _go(tmp_path, home, toolchains, version, goline,
                                  GOTOOLCHAIN="auto", GOPROXY="off")
    assert code != 0
    [f] = findings(gotriage(env, project), "GO-VERSION-GOMOD-NEWER")
    assert f["severity"] == "error"
    assert f["predicted_error"] == ("go: downloading %s (linux/amd64)\n"
                                    "go: download %s for linux/amd64: toolchain not available"
                                    % (target, target))
    assert_every_line(f["predicted_error"], out)
    if goline == "1.99":
        # the language version, explained: go 1.99 is any 1.99 release, fetched as 1.99.0
        assert "`go 1.99` names a language version" in f["why"] and "go1.99.0" in f["why"]


@pytest.mark.parametrize("version,name", NEWER)
@pytest.mark.parametrize("goline", ["1.99", "1.99.0"])
def test_local_refuses_with_the_go_line_as_written(tmp_path, home, toolchains, version, name,
                                                   goline):
    project, env, code, out = _go(tmp_path, home, toolchains, version, goline,
                                  GOTOOLCHAIN="local")
    assert code != 0
    [f] = findings(gotriage(env, project), "GO-VERSION-GOMOD-NEWER")
    assert f["predicted_error"] == ("go: go.mod requires go >= %s (running go %s; "
                                    "GOTOOLCHAIN=local)" % (goline, name[2:]))
    assert_every_line(f["predicted_error"], out)


@pytest.mark.parametrize("version,_name", NEWER)
def test_toolchain_line_is_ignored_without_switching(tmp_path, home, toolchains, version, _name):
    """GOTOOLCHAIN=local: a newer toolchain line does not stop the build (only the go
    line counts), so there is nothing to report."""
    project, env, code, out = _go(tmp_path, home, toolchains, version,
                                  "1.21\n\ntoolchain go1.99.1", GOTOOLCHAIN="local")
    assert code == 0, out
    assert not findings(gotriage(env, project), "GO-VERSION-GOMOD-NEWER")


@pytest.mark.parametrize("version,_name", NEWER)
def test_toolchain_line_with_a_language_version_cannot_be_downloaded(
        tmp_path, home, toolchains, version, _name):
    project, env, code, out = _go(tmp_path, home, toolchains, version,
                                  "1.21\n\ntoolchain go1.99", GOTOOLCHAIN="auto", GOPROXY="off")
    assert code != 0
    [f] = findings(gotriage(env, project), "GO-VERSION-GOMOD-NEWER")
    assert f["predicted_error"].endswith("go: invalid toolchain: go1.99 is a language version "
                                         "but not a toolchain version (go1.99.x)")
    assert_every_line(f["predicted_error"], out)
    assert f["fix"][0]["description"].startswith("write the toolchain line as a release: "
                                                 "toolchain go1.99.0")
    assert f["evidence"][0]["text"] == "toolchain go1.99" and f["evidence"][0]["line"] == 5


@pytest.mark.parametrize("version,_name", NEWER)
def test_toolchain_line_newer_than_the_go_line_is_the_target(tmp_path, home, toolchains,
                                                             version, _name):
    project, env, code, out = _go(tmp_path, home, toolchains, version,
                                  "1.21\n\ntoolchain go1.99.1", GOTOOLCHAIN="auto", GOPROXY="off")
    assert code != 0
    [f] = findings(gotriage(env, project), "GO-VERSION-GOMOD-NEWER")
    assert "go1.99.1" in f["title"]
    assert_every_line(f["predicted_error"], out)


@pytest.mark.parametrize("version,_name", NEWER)
@pytest.mark.parametrize("mode", ["path", "go%s+path"])
def test_path_mode_looks_for_the_release_on_path(tmp_path, home, toolchains, version, _name,
                                                 mode):
    mode = mode % toolchains[version].version[2:] if "%" in mode else mode
    project, env, code, out = _go(tmp_path, home, toolchains, version, "1.99",
                                  GOTOOLCHAIN=mode)
    assert code != 0
    [f] = findings(gotriage(env, project), "GO-VERSION-GOMOD-NEWER")
    assert f["predicted_error"] == 'go: cannot find "go1.99.0" in PATH'
    assert_every_line(f["predicted_error"], out)
    # with a go1.99.0 on PATH (as golang.org/dl installs one) go runs it: nothing to report
    bindir = tmp_path / "dl"
    bindir.mkdir()
    fake = bindir / "go1.99.0"
    fake.write_text("#!/bin/sh\necho fake go1.99.0 \"$@\"\n")
    fake.chmod(0o755)
    env["PATH"] = "%s:%s" % (bindir, env["PATH"])
    code, out = run_go(toolchains[version].go, ["build", "-o", os.devnull, "."], env, project)
    assert code == 0 and "fake go1.99.0 build" in out, out
    assert not findings(gotriage(env, project), "GO-VERSION-GOMOD-NEWER")


@pytest.mark.parametrize("version,_name", NEWER)
def test_gotoolchain_pinned_to_a_language_version(tmp_path, home, toolchains, version, _name):
    project, env, code, out = _go(tmp_path, home, toolchains, version, "1.21",
                                  GOTOOLCHAIN="go1.99", GOPROXY="off")
    assert code != 0
    [f] = findings(gotriage(env, project), "GO-VERSION-TOOLCHAIN-PINNED")
    assert_every_line(f["predicted_error"], out)
    assert "language version" in f["why"]


@pytest.mark.parametrize("version,_name", NEWER)
def test_gosumdb_off_stops_the_toolchain_download(tmp_path, home, toolchains, version, _name):
    """A proxy that serves the toolchain (an internal mirror) and GOSUMDB=off: go
    downloads it and then refuses it, as toolchains are always verified."""
    zipped = ("golang.org/toolchain", "v0.0.1-go1.99.0.linux-amd64")
    with ModuleProxy([zipped]) as proxy:
        project, env, code, out = _go(tmp_path, home, toolchains, version, "1.99",
                                      GOTOOLCHAIN="auto", GOPROXY=proxy.url, GOSUMDB="off")
        assert code != 0
        assert proxy.requests == ["/golang.org/toolchain/@v/%s.zip" % zipped[1]]
    [f] = findings(gotriage(env, project), "GO-VERSION-GOMOD-NEWER")
    assert f["severity"] == "error"
    assert f["predicted_error"].endswith("verifying module: checksum database disabled by "
                                         "GOSUMDB=off")
    assert_every_line(f["predicted_error"], out)
    assert any("GOSUMDB=off stops every toolchain download" in a["description"]
               for a in f["fix"])


def test_go_119_builds_go_1_n_and_cannot_read_go_1_n_0(tmp_path, home, toolchains):
    """Before Go 1.21 `go 1.99` only warns (the build goes on), `go 1.99.0` cannot be
    parsed; the syntax finding says what writing `go 1.99` means to newer releases."""
    project, env, code, out = _go(tmp_path, home, toolchains, "1.19", "1.99")
    assert code == 0, out
    [f] = findings(gotriage(env, project), "GO-VERSION-GOMOD-NEWER")
    assert f["severity"] == "warn"
    project, env, code, out = _go(tmp_path, home, toolchains, "1.19", "1.99.0")
    assert code != 0
    [f] = findings(gotriage(env, project), "GO-VERSION-SYNTAX")
    assert_every_line(f["predicted_error"].split("\n", 1)[1].split("/")[-1], out)
    assert any("write `go 1.99` instead of `go 1.99.0`" in a.get("description", "")
               for a in f["fix"][1:])


def test_gover_orders_versions_as_go_does():
    from gotriage.checks.toolchain.go_version import gover, is_language_version

    order = ["1.20", "1.20.1", "1.21", "1.21rc1", "1.21rc2", "1.21.0", "go1.21.13", "1.22",
             "1.22beta1", "1.22rc1", "1.22.0"]
    assert sorted(order, key=gover) == order
    assert gover("go1.21.1-custom") == gover("1.21.1") and gover("bogus") is None
    assert is_language_version("go1.22") and not is_language_version("go1.20")
    assert not is_language_version("1.22.0") and not is_language_version("1.22rc1")
