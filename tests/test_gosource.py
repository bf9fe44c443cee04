"""parsers/gosource.py: the features it finds, and the ones it must not invent.

The precision test reads real Go: the standard library of each toolchain at hand
compiles with that toolchain, so a scan of go1.19's sources may find no feature newer
than Go 1.19, and go1.21's none newer than 1.21; go1.27's sources use every one."""

import os

import pytest

from conftest import need
from gotriage.knowledge.go import FEATURES, SOURCE_FEATURES
from gotriage.parsers.gosource import blank, build_satisfied, scan_go_source


def uses(text):
    return [(u.feature, u.line, u.text) for u in scan_go_source(text).uses]


@pytest.mark.parametrize("text", [
    # arrays, not type parameters
    "package p\n\ntype A [N]int\ntype B [N * 2]int\n\nfunc f(in [N]int) {}\n",
    # methods and fields named like the builtins
    "package p\n\nfunc (s *S) min(a int) int { return a }\nfunc g(s *S) { s.min(1); s.clear(2) }\n",
    # an interface method: no argument, not the builtin
    "package p\n\ntype I interface {\n\tmax() int\n\tclear()\n}\n",
    # the file's own min, max, clear and any
    "package p\n\nfunc min(a, b int) int { return a }\n\nfunc g() int { return min(1, 2) }\n",
    "package p\n\nfunc g(lo, max int) int {\n\tif lo > max {\n\t\treturn max\n\t}\n\treturn lo\n}\n",
    "package p\n\nfunc g() {\n\tclear := func(x int) {}\n\tclear(1)\n}\n",
    "package p\n\nfunc g() {\n\tvar any = 1\n\t_ = any\n}\n",
    "package p\n\ntype T struct {\n\tany int\n}\n",
    # inside comments and strings
    "package p\n\n// for i := range 10 { min(1, 2) }\n/* func F[T any]() */\n"
    "var s = `for range func() {} 0b101 1_000`\nvar r = \"range len(x)\"\n",
    # identifiers with digits and underscores, hex without separators
    "package p\n\nvar x1_2 = 0xFF\nvar GOOS_linux = 0x10\n",
    # a range over a variable is not judged
    "package p\n\nfunc g(n int) {\n\tfor i := range n {\n\t\t_ = i\n\t}\n}\n",
    # golang.org/x/exp/maps.Keys returns a slice
    'package p\n\nimport "golang.org/x/exp/maps"\n\nfunc g(m map[int]int) {\n'
    '\tfor _, k := range maps.Keys(m) {\n\t\t_ = k\n\t}\n}\n',
])
def test_what_is_not_a_feature(text):
    assert uses(text) == []


@pytest.mark.parametrize("text,expected", [
    ("package p\n\nfunc (s *Set[T]) Add(v T) {}\n", ("generics", 3, "func (s *Set[T]")),
    ("package p\n\ntype Pair[K comparable, V cmp.Ordered] struct{}\n",
     ("generics", 3, "type Pair[K comparable, V cmp.Ordered]")),
    ("package p\n\ntype Set[T comparable] = map[T]struct{}\n",
     ("generic-alias", 3, "type Set[T comparable]")),
    ("package p\n\nvar mask = 0b1010\n", ("number-literals", 3, "0b1010")),
    ("package p\n\nvar big = 1_000_000\n", ("number-literals", 3, "1_000_000")),
    ("package p\n\nvar f = 0x1p-2\n", ("number-literals", 3, "0x1p-2")),
    ("package p\n\nfunc g(s []int) {\n\tfor range len(s) {\n\t}\n}\n",
     ("range-int", 4, "range len(s)")),
    ('package p\n\nimport "testing"\n\nfunc BenchmarkX(b *testing.B) {\n\tfor range b.N {\n\t}\n}\n',
     ("range-int", 6, "range b.N")),
    ('package p\n\nimport "slices"\n\nfunc g(s []int) {\n\tfor i, v := range slices.All(s) {\n'
     '\t\t_, _ = i, v\n\t}\n}\n', ("range-func", 6, "range slices.All(")),
    ('package p\n\nimport "bytes"\n\nvar L = bytes.Lines(nil)\n', ("strings-seq", 5, "bytes.Lines(")),
    ('package p\n\nimport "unsafe"\n\nvar p = unsafe.Add(nil, 1)\n', ("unsafe-add", 5, "unsafe.Add(")),
    ("package p\n\nfunc g(xs ...any) {}\n", ("any", 3, "any")),
])
def test_what_is_a_feature(text, expected):
    assert uses(text) == [expected]


def test_positions_count_bytes_as_go_does():
    code, strings = blank('package p\n\nvar s = "é // no comment"\n// x\n')
    assert len(code) == len('package p\n\nvar s = "é // no comment"\n// x\n')
    assert code.count("\n") == 4 and "comment" not in code
    assert [s[1] for s in strings] == ['"é // no comment"']


def test_imports_with_names_and_single_lines():
    src = scan_go_source('package p\n\nimport "fmt"\nimport x "os"\n\nimport (\n\t_ "embed"\n'
                         '\t. "strings" // dot\n\t"net/http"\n)\n')
    assert [(i.path, i.name, i.line, i.column) for i in src.imports] == [
        ("fmt", None, 3, 8), ("os", "x", 4, 10), ("embed", "_", 7, 4), ("strings", ".", 8, 4),
        ("net/http", None, 9, 2)]


@pytest.mark.parametrize("expr,version,holds", [
    ("go1.21", (1, 21), True), ("go1.22", (1, 21), False), ("!go1.22", (1, 21), True),
    ("linux && (amd64 || arm64)", (1, 21), True), ("darwin || windows", (1, 27), False),
    ("unix && !cgo", (1, 27), False), ("custom", (1, 27), False), ("gc", (1, 27), True),
])
def test_build_constraints(expr, version, holds):
    assert build_satisfied(expr, "linux", "amd64", version) is holds


# the packages whose sources exercise the features (the whole tree takes seconds)
PACKAGES = ["runtime", "slices", "maps", "math/big", "unicode/utf8", "net/http", "syscall",
            "log/slog", "strings", "bytes", "cmd/dist", "cmd/compile/internal/ssa", "iter",
            "go/types", "crypto/internal"]


def _scan_std(goroot):
    """The feature uses of a GOROOT's packages, as facts/toolchain_sources.py would keep
    them (a package's own min() in another file drops its uses)."""
    found = {}
    for package in PACKAGES:
        top = os.path.join(goroot, "src", package)
        for directory, dirs, files in os.walk(top):
            dirs[:] = [d for d in dirs if d not in ("testdata", "vendor")]
            scans = [(f, scan_go_source(open(os.path.join(directory, f), "rb").read()))
                     for f in sorted(files) if f.endswith(".go")]
            declared = set()
            for _, src in scans:
                declared |= src.declares
            for name, src in scans:
                if src.build and not build_satisfied(src.build, "linux", "amd64", (1, 99)):
                    continue
                for use in src.uses:
                    if use.name not in declared:
                        found.setdefault(use.feature, "%s/%s:%d" % (directory, name, use.line))
    return found


@pytest.mark.parametrize("version", ["1.19", "1.21"])
def test_a_release_s_own_sources_use_nothing_newer_than_it(toolchains, version):
    t = toolchains[version]
    need(os.path.isdir(os.path.join(t.root, "src", "runtime")), "the sources of %s" % t.version)
    found = _scan_std(t.root)
    newer = {k: where for k, where in found.items() if FEATURES[k][0] > (1, int(version[2:]))}
    assert newer == {}
    assert {"generics", "any", "number-literals", "unsafe-add"} <= set(found)


def test_the_newest_release_s_sources_use_every_feature_but_the_alias(toolchains):
    found = _scan_std(toolchains["1.27"].root)
    assert set(SOURCE_FEATURES) - set(found) <= {"generic-alias", "embed"}, sorted(found)
