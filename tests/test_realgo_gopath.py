"""GOPATH mode (issue 14): GO111MODULE=off (or auto without go.mod) with a project
outside $GOPATH/src/IMPORT/PATH.  Each layout is built with the real go1.19.8, 1.21.13
and 1.27.3, and GO-MODULES-GOPATH-MODE must say what go printed, or nothing where go
builds (the project where GOPATH mode looks, a symlink there, standard imports only)."""

import os

import pytest

from conftest import base_env, run_go
from test_realgo import gotriage

VERSIONS = ["1.19", "1.21", "1.27"]
MAIN = ('package main\n\nimport (\n\t"fmt"\n\n\t"example.com/app/util"\n)\n\n'
        'func main() { fmt.Println(util.X) }\n')


def project_at(directory, gomod=True):
    (directory / "util").mkdir(parents=True)
    if gomod:
        (directory / "go.mod").write_text("module example.com/app\n\ngo 1.19\n")
    (directory / "main.go").write_text(MAIN)
    (directory / "util" / "util.go").write_text("package util\n\nconst X = 1\n")
    return directory


@pytest.fixture
def home(tmp_path):
    h = tmp_path / "home"
    h.mkdir()
    return h


def gopath_mode(run):
    return run.results("GO-MODULES-GOPATH-MODE", context="shell")


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("gopath", ["default", "two entries"])
def test_go111module_off_outside_gopath(tmp_path, home, toolchains, version, gopath):
    t = toolchains[version]
    project = project_at(tmp_path / "work" / "app")
    extra = {"GOPATH": "%s:%s" % (tmp_path / "gp1", tmp_path / "gp2")} if gopath != "default" else {}
    env = base_env(home, [t.bindir], GO111MODULE="off", **extra)
    code, out = run_go(t.go, ["build", "-o", os.devnull, "."], env, project)
    assert code != 0
    run = gotriage(env, project)
    [f] = gopath_mode(run)
    assert f["severity"] == "error"
    # every line go prints, with the directories it looked in
    for line in f["predicted_error"].splitlines():
        assert line in out, (line, out)
    assert f["evidence"][0]["source"] == str(project / "main.go") and f["evidence"][0]["line"] == 6
    # the cause: GO111MODULE=off, folded under it
    [off] = run.results("GO-MODULES-OFF", context="shell")
    assert f["caused_by"] == {"id": "GO-MODULES-OFF", "subject": off["subject"]}
    assert f["fix"][0]["description"].startswith("remove GO111MODULE from the environment")
    moved = [a for a in f["fix"] if "mv " in a.get("description", "")]
    target = (tmp_path / "gp1" if extra else home / "go") / "src" / "example.com" / "app"
    assert moved and moved[0]["description"].endswith("mv %s %s" % (project, target))
    # the fix works: the same project moved there builds in GOPATH mode
    target.parent.mkdir(parents=True)
    os.rename(str(project), str(target))
    code, out = run_go(t.go, ["build", "-o", os.devnull, "."], env, target)
    assert code == 0, out
    assert not gopath_mode(gotriage(env, target))


@pytest.mark.parametrize("version", ["1.21", "1.27"])
def test_auto_without_go_mod_is_gopath_mode_too(tmp_path, home, toolchains, version):
    t = toolchains[version]
    project = project_at(tmp_path / "app", gomod=False)
    env = base_env(home, [t.bindir], GO111MODULE="auto")
    code, out = run_go(t.go, ["build", "-o", os.devnull, "."], env, project)
    assert code != 0
    [f] = gopath_mode(gotriage(env, project))
    assert f["predicted_error"].splitlines()[0] in out
    # the project's import path is read from its imports: example.com/app/util, util/
    assert ["go", "mod", "init", "example.com/app"] in [a.get("argv") for a in f["fix"]]


@pytest.mark.parametrize("version", VERSIONS)
def test_a_symlink_in_gopath_is_enough(tmp_path, home, toolchains, version):
    t = toolchains[version]
    project = project_at(tmp_path / "app")
    link = home / "go" / "src" / "example.com" / "app"
    link.parent.mkdir(parents=True)
    os.symlink(str(project), str(link))
    env = base_env(home, [t.bindir], GO111MODULE="off")
    code, out = run_go(t.go, ["build", "-o", os.devnull, "."], env, project)
    assert code == 0, out
    assert not gopath_mode(gotriage(env, project))


@pytest.mark.parametrize("version", ["1.19", "1.27"])
def test_standard_imports_only_build_anywhere(tmp_path, home, toolchains, version):
    t = toolchains[version]
    project = tmp_path / "tool"
    project.mkdir()
    (project / "main.go").write_text('package main\n\nimport "fmt"\n\nfunc main() { fmt.Println() }\n')
    env = base_env(home, [t.bindir], GO111MODULE="off")
    code, out = run_go(t.go, ["build", "-o", os.devnull, "."], env, project)
    assert code == 0, out
    assert not gopath_mode(gotriage(env, project))


def test_module_mode_is_not_judged(tmp_path, home, toolchains):
    t = toolchains["1.27"]
    project = project_at(tmp_path / "app")
    env = base_env(home, [t.bindir])
    code, out = run_go(t.go, ["build", "-o", os.devnull, "."], env, project)
    assert code == 0, out
    assert not gopath_mode(gotriage(env, project))


def test_a_third_party_import_missing_from_gopath(tmp_path, home, toolchains):
    t = toolchains["1.21"]
    project = tmp_path / "app"
    (project / "cmd" / "tool").mkdir(parents=True)
    (project / "cmd" / "tool" / "main.go").write_text(
        'package main\n\nimport "github.com/pkg/errors"\n\nfunc main() { _ = errors.New("x") }\n')
    env = base_env(home, [t.bindir], GO111MODULE="off")
    code, out = run_go(t.go, ["build", "-o", os.devnull, "./..."], env, project)
    assert code != 0
    [f] = gopath_mode(gotriage(env, project))
    assert "github.com/pkg/errors" in f["title"]
    for line in f["predicted_error"].splitlines():
        assert line in out, (line, out)


def test_a_home_directory_is_not_walked_into_its_module_cache(tmp_path):
    """Run from $HOME in GOPATH mode: its Go sources are the project's, never the module
    cache's ($HOME/go/pkg/mod holds other modules)."""
    from gotriage.facts.toolchain import ToolchainFacts
    from gotriage.host.live import LiveHost

    home = tmp_path / "home"
    (home / "go" / "pkg" / "mod" / "example.com" / "m@v1.0.0").mkdir(parents=True)
    (home / "go" / "pkg" / "mod" / "example.com" / "m@v1.0.0" / "m.go").write_text("package m\n")
    (home / "tools" / "cmd" / "tool").mkdir(parents=True)
    (home / "tools" / "cmd" / "tool" / "main.go").write_text("package main\n")
    facts = ToolchainFacts(LiveHost(), project_dir=str(home))
    assert facts.sources is None  # no module: nothing to hold against the local Go
    assert [f.relative for f in facts.gopath_sources.files] == ["tools/cmd/tool/main.go"]
