"""GO-VERSION-FEATURE over the whole module (issue 14): a feature the local Go lacks, in
any package of the module, is named with its file, line and the release that brought it;
what gotriage predicts is what the real go1.19.8 and go1.21.13 print when they build it.
Files go would not compile (another GOOS, a `//go:build go1.23` file on an older Go,
vendor/, testdata/, a nested module) are not held against it."""

import os

import pytest

from conftest import base_env, run_go
from test_realgo import gotriage

# feature, Go line, source of the package example.com/app/deep/pkg, what the title names
PROGRAMS = {
    "min-max": "package pkg\n\nfunc F(a, b int) int {\n\treturn min(a, b)\n}\n",
    "clear": "package pkg\n\nfunc F(m map[int]int) {\n\tclear(m)\n}\n",
    "unsafe-string": 'package pkg\n\nimport "unsafe"\n\nfunc F(b []byte) string {\n'
                     '\treturn unsafe.String(&b[0], len(b))\n}\n',
    "range-int": "package pkg\n\nfunc F() (n int) {\n\tfor i := range 10 {\n\t\tn += i\n\t}\n"
                 "\treturn\n}\n",
    "range-int-len": "package pkg\n\nfunc F(s []int) (n int) {\n\tfor i := range len(s) {\n"
                     "\t\tn += i\n\t}\n\treturn\n}\n",
    "range-func": "package pkg\n\nfunc F() {\n\tfor i := range func(yield func(int) bool) {} {\n"
                  "\t\t_ = i\n\t}\n}\n",
    "range-func-maps": 'package pkg\n\nimport "maps"\n\nfunc F(m map[int]int) {\n'
                       '\tfor k := range maps.Keys(m) {\n\t\t_ = k\n\t}\n}\n',
    "strings-seq": 'package pkg\n\nimport "strings"\n\nfunc F(s string) {\n'
                   '\tfor p := range strings.SplitSeq(s, ",") {\n\t\t_ = p\n\t}\n}\n',
    "generic-alias": "package pkg\n\ntype Set[T comparable] = map[T]struct{}\n",
    "import:slices": 'package pkg\n\nimport "slices"\n\nfunc F(s []int) bool {\n'
                     '\treturn slices.Contains(s, 1)\n}\n',
    "import:iter": 'package pkg\n\nimport "iter"\n\nvar S iter.Seq[int]\n',
}
# (Go release, what it lacks); go1.19 also lacks "maps", so maps.Keys is an import there
CASES = [("1.19", k) for k in ("min-max", "clear", "unsafe-string", "range-int", "range-func",
                               "strings-seq", "generic-alias", "import:slices")] + \
        [("1.21", k) for k in ("range-int", "range-int-len", "range-func", "range-func-maps",
                               "strings-seq", "generic-alias", "import:iter")]


def module(tmp_path, go_line, files):
    root = tmp_path / "app"
    root.mkdir()
    (root / "go.mod").write_text("module example.com/app\n\ngo %s\n" % go_line)
    (root / "main.go").write_text('package main\n\nimport _ "example.com/app/deep/pkg"\n\n'
                                  'func main() {}\n')
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.fixture
def home(tmp_path):
    h = tmp_path / "home"
    h.mkdir()
    return h


def features(run):
    return run.results("GO-VERSION-FEATURE", context="shell")


@pytest.mark.parametrize("version,name", CASES)
def test_a_feature_in_a_deep_package_is_found_with_what_go_prints(tmp_path, home, toolchains,
                                                                  version, name):
    t = toolchains[version]
    project = module(tmp_path, version, {"deep/pkg/pkg.go": PROGRAMS[name]})
    env = base_env(home, [t.bindir])
    code, out = run_go(t.go, ["build", "-o", os.devnull, "./..."], env, project)
    assert code != 0, out
    [f] = features(gotriage(env, project))
    key = name.split("-len")[0].split("-maps")[0]
    assert f["subject"].startswith(key + ":"), f
    source = str(project / "deep" / "pkg" / "pkg.go")
    assert f["evidence"][0]["source"] == source
    line = f["evidence"][0]["line"]
    assert "%s:%d:" % (source, line) in f["title"] and "the local go is %s" % t.version in f["title"]
    # go names the same line
    assert "deep/pkg/pkg.go:%d:" % line in out, (line, out)
    assert f["severity"] == "error"
    assert f["predicted_error"], f
    assert f["predicted_error"] in out, (f["predicted_error"], out)
    assert f["references"][0].startswith("https://go.dev/")


def test_nothing_is_held_against_a_go_that_has_it_all(tmp_path, home, toolchains):
    t = toolchains["1.27"]
    files = {"p%d/pkg.go" % i: text.replace("package pkg", "package p%d" % i)
             for i, text in enumerate(PROGRAMS.values())}
    project = module(tmp_path, "1.24", files)
    (project / "main.go").write_text("package main\n\nfunc main() {}\n")
    env = base_env(home, [t.bindir])
    code, out = run_go(t.go, ["build", "./..."], env, project)
    assert code == 0, out
    assert not features(gotriage(env, project))


@pytest.mark.parametrize("layout", ["go1.23-tag", "windows-file", "vendor", "testdata",
                                    "hidden", "underscore", "nested-module", "own-min"])
def test_files_go_does_not_compile_are_not_held_against_it(tmp_path, home, toolchains, layout):
    t = toolchains["1.21"] if layout != "own-min" else toolchains["1.19"]
    rangefunc = PROGRAMS["range-func"]
    files = {
        "go1.23-tag": {"deep/pkg/pkg.go": "package pkg\n",
                       "deep/pkg/iter.go": "//go:build go1.23\n\n" + rangefunc},
        "windows-file": {"deep/pkg/pkg.go": "package pkg\n",
                         "deep/pkg/iter_windows.go": rangefunc},
        "vendor": {"deep/pkg/pkg.go": "package pkg\n", "vendor/x/x.go": rangefunc},
        "testdata": {"deep/pkg/pkg.go": "package pkg\n", "deep/pkg/testdata/x.go": rangefunc},
        "hidden": {"deep/pkg/pkg.go": "package pkg\n", ".git/x.go": rangefunc},
        "underscore": {"deep/pkg/pkg.go": "package pkg\n", "_old/x.go": rangefunc},
        "nested-module": {"deep/pkg/pkg.go": "package pkg\n",
                          "tools/go.mod": "module example.com/tools\n\ngo 1.23\n",
                          "tools/x.go": rangefunc},
        # a package of code written before Go 1.21 declares its own min, in another file
        "own-min": {"deep/pkg/pkg.go": PROGRAMS["min-max"],
                    "deep/pkg/util.go": "package pkg\n\nfunc min(a, b int) int {\n"
                                        "\tif a < b {\n\t\treturn a\n\t}\n\treturn b\n}\n"},
    }[layout]
    project = module(tmp_path, t.version[2:6].rstrip("."), files)
    env = base_env(home, [t.bindir])
    if layout not in ("vendor", "nested-module", "hidden"):  # (not a build of ./... there)
        code, out = run_go(t.go, ["build", "-o", os.devnull, "./..."], env, project)
        assert code == 0, out
    assert not features(gotriage(env, project))


def test_a_test_file_only_warns(tmp_path, home, toolchains):
    t = toolchains["1.21"]
    project = module(tmp_path, "1.21", {"deep/pkg/pkg.go": "package pkg\n",
                                        "deep/pkg/pkg_test.go": PROGRAMS["range-int"]})
    env = base_env(home, [t.bindir])
    code, out = run_go(t.go, ["build", "-o", os.devnull, "./..."], env, project)
    assert code == 0, out
    code, out = run_go(t.go, ["vet", "./..."], env, project)
    assert code != 0
    [f] = features(gotriage(env, project))
    assert f["severity"] == "warn" and f["predicted_error"] in out
    assert any("go build works" in a["description"] for a in f["fix"])


def test_several_features_name_one_release_that_has_them_all(tmp_path, home, toolchains):
    t = toolchains["1.19"]
    project = module(tmp_path, "1.19", {"deep/pkg/pkg.go": PROGRAMS["min-max"],
                                        "deep/pkg/seq.go": PROGRAMS["strings-seq"]})
    env = base_env(home, [t.bindir])
    found = features(gotriage(env, project))
    assert sorted(f["subject"].split(":")[0] for f in found) == ["min-max", "strings-seq"]
    for f in found:
        assert f["fix"][0]["description"].startswith("install Go 1.24 or newer")
        assert "it meets every need here (Go 1.21, 1.24)" in f["fix"][0]["description"]


def test_features_fold_under_the_go_mod_that_asks_for_their_release(tmp_path, home, toolchains):
    """With go.mod asking for Go 1.22 and GOTOOLCHAIN=local, go1.21 stops at go.mod; the
    range over an integer is why go.mod asks for it."""
    t = toolchains["1.21"]
    project = module(tmp_path, "1.22", {"deep/pkg/pkg.go": PROGRAMS["range-int"]})
    env = base_env(home, [t.bindir])
    run = gotriage(env, project)
    [newer] = run.results("GO-VERSION-GOMOD-NEWER", context="shell")
    [f] = features(run)
    assert f["caused_by"] == {"id": newer["id"], "subject": newer["subject"]}


def test_the_walk_is_bounded_and_says_so(tmp_path, monkeypatch):
    from gotriage.facts import toolchain_sources
    from gotriage.facts.toolchain import ToolchainFacts
    from gotriage.host.live import LiveHost

    project = tmp_path / "app"
    for i in range(6):
        d = project / ("p%d" % i)
        d.mkdir(parents=True)
        (d / "a.go").write_text("package p%d\n" % i)
    (project / "go.mod").write_text("module example.com/app\n\ngo 1.21\n")
    monkeypatch.setattr(toolchain_sources, "MAX_FILES", 3)
    facts = ToolchainFacts(LiveHost(), project_dir=str(project))
    sources = facts.sources
    assert len(sources.files) == 3 and sources.capped == "the first 3 .go files (33 bytes)"
    assert any("gotriage read only the first 3 .go files" in n for n in facts.notes)
