"""scripts/build-pyz makes one file that bare interpreters run with nothing installed:
pyenv's Python 3.6 (what EL7/EL8 hosts have) and the default python3, both isolated
(-I), run as `python3 gotriage.pyz` and as `./gotriage.pyz`.  The Pythons of EL hosts
(3.6, 3.9, 3.11, 3.12) start from the bytecode tree built for them and write nothing; any
other runs the source; the same input builds the same bytes, whichever Python builds."""

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import zipfile

import pytest

from cli_support import (
    ROOT,
    clean_env,
    make_broken_go_snapshot,
    make_no_go_snapshot,
    schema_errors,
)
from conftest import need
from gotriage import __version__
from gotriage.checks import all_checks
from requirements_external import install_hint

# The Pythons of RHEL-family hosts, each with its bytecode tree in the archive
EL_PYTHONS = {"3.6": "py36", "3.9": "py39", "3.11": "py311", "3.12": "py312"}


def _run(argv, **kw):
    kw.setdefault("env", clean_env())
    kw.setdefault("timeout", 120)
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          stdin=subprocess.DEVNULL, **kw)


def _pyenv_python(version):
    """pyenv's newest CPython `version` ("3.9"), or None."""
    pyenv = shutil.which("pyenv")
    if pyenv:
        root = _run([pyenv, "root"]).stdout.decode().strip()
        versions = _run([pyenv, "versions", "--bare"]).stdout.decode().split()
        found = sorted((v for v in versions if re.match(r"^%s\.\d+$" % re.escape(version), v)),
                       key=lambda v: [int(p) for p in v.split(".")])
        for release in reversed(found):
            python = os.path.join(root, "versions", release, "bin", "python3")
            if os.access(python, os.X_OK):
                return python
    return None


def _pyenv_python36():
    return _pyenv_python("3.6")


def _default_python3():
    """The python3 on PATH, or the interpreter a virtualenv's python3 was made from (so
    that nothing installed in a venv can be imported)."""
    python = shutil.which("python3")
    if python is None:
        return None
    out = _run([python, "-I", "-c", "import sys; print(sys.prefix != sys.base_prefix); "
                "print(sys.base_prefix)"]).stdout.decode().split("\n")
    if out[0] == "True":
        base = os.path.join(out[1], "bin", "python3")
        return base if os.access(base, os.X_OK) else None
    return python


@pytest.fixture(scope="module")
def interpreters():
    found = {}
    py36 = _pyenv_python36()
    if py36:
        found["python3.6"] = py36
    default = _default_python3()
    if default:
        found["python3"] = default
    return found


@pytest.fixture(params=["python3.6", "python3"])
def bare_python(request, interpreters):
    """An interpreter that cannot import gotriage by itself."""
    python = interpreters.get(request.param)
    need(python is not None, "no %s here: %s" % (request.param, install_hint(
        "python3" if request.param == "python3" else "python3.6")))
    proc = _run([python, "-I", "-c", "import gotriage"], cwd="/")
    assert proc.returncode != 0 and b"No module named 'gotriage'" in proc.stderr, \
        "%s -I can import gotriage without the .pyz: the test would prove nothing" % python
    return python


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    """A copy of what the build reads (scripts/build-pyz, src/gotriage, docs/, README.md):
    the input of every build here, which no edit of the checkout changes meanwhile."""
    root = tmp_path_factory.mktemp("tree")
    os.makedirs(str(root / "scripts"))
    shutil.copy2(os.path.join(ROOT, "scripts", "build-pyz"), str(root / "scripts"))
    shutil.copy2(os.path.join(ROOT, "scripts", "build-mo"), str(root / "scripts"))
    shutil.copytree(os.path.join(ROOT, "src", "gotriage"), str(root / "src" / "gotriage"),
                    ignore=shutil.ignore_patterns("__pycache__", "locale"))
    shutil.copytree(os.path.join(ROOT, "po"), str(root / "po"))
    shutil.copytree(os.path.join(ROOT, "docs"), str(root / "docs"))
    shutil.copy2(os.path.join(ROOT, "README.md"), str(root))
    return root


def _build(tree, out, python=sys.executable, *args):
    proc = _run([python, "-I", str(tree / "scripts" / "build-pyz"), "-o", str(out)] + list(args),
                cwd="/")
    assert proc.returncode == 0, proc.stderr.decode()
    assert os.path.isfile(str(out))
    return proc


@pytest.fixture(scope="module")
def pyz(tree, tmp_path_factory):
    out = tmp_path_factory.mktemp("dist") / "gotriage.pyz"
    _build(tree, out)
    return str(out)


def _read(path):
    with open(str(path), "rb") as f:
        return f.read()


def test_build_with_python36(tmp_path, interpreters, tree, pyz):
    """The build script itself runs on Python 3.6, and builds the very same bytes."""
    python = interpreters.get("python3.6")
    need(python is not None, "no Python 3.6 here: %s" % install_hint("python3.6"))
    out = tmp_path / "sub" / "g.pyz"
    _build(tree, out, python)
    assert _run([python, "-I", str(out), "--version"]).stdout.decode() == \
        "gotriage %s\n" % __version__
    assert _read(out) == _read(pyz)


def test_reproducible(tmp_path, tree, pyz):
    """Same input, same bytes: fixed zip times and modes, sources' mtimes not recorded (3.6's
    .pyc gets a fixed one), no path of the build in the bytecode."""
    for dirpath, _dirs, names in os.walk(str(tree / "src")):
        for name in names:
            os.utime(os.path.join(dirpath, name), (1700000000, 1700000000))
    out = tmp_path / "elsewhere" / "other-name.pyz"
    _build(tree, out)
    assert _read(out) == _read(pyz)
    with zipfile.ZipFile(pyz) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert {i.external_attr >> 16 for i in z.infolist()} == {0o644}
        pycs = [n for n in z.namelist() if n.endswith(".pyc")]
        assert not [n for n in pycs if str(tree).encode() in z.read(n)]


def test_contents(pyz, tree):
    with open(pyz, "rb") as f:
        assert f.readline() == b"#!/usr/bin/env python3\n"
    assert os.stat(pyz).st_mode & stat.S_IXUSR
    with zipfile.ZipFile(pyz) as z:
        names = [n for n in z.namelist() if not n.endswith("/")]
        main = z.read("__main__.py").decode("utf-8")
    # the bytecode trees: one per Python found (the EL ones), the .pyc of every module
    trees = {n.split("/")[0] for n in names if n.split("/")[0] in EL_PYTHONS.values()}
    compiled = [n for n in names if n.split("/")[0] in trees]
    names = [n for n in names if n not in compiled]
    assert all(n == "__main__.py" or n.startswith("gotriage/") for n in names), names
    assert not [n for n in names + compiled if "__pycache__" in n
                or set(n.split("/")) & {"tests", "test", "conftest.py"}
                or n.split("/")[-1].startswith("test_")]
    docs = [n for n in names if n.startswith("gotriage/_docs/")]
    # the catalogues, compiled from po/ by the build (scripts/build-mo)
    catalogues = [n for n in names if n.startswith("gotriage/locale/")]
    assert catalogues == ["gotriage/locale/zh_CN/LC_MESSAGES/gotriage.mo"]
    names = [n for n in names if n not in docs and n not in catalogues]
    assert all(n.endswith(".py") for n in names), names
    # the documentation `gotriage docs` reads inside the zipapp: docs/, README.md, an index
    with zipfile.ZipFile(pyz) as z:
        index = z.read("gotriage/_docs/index").decode("utf-8").split()
    assert sorted(docs) == sorted(["gotriage/_docs/index"] + ["gotriage/_docs/" + n for n in index])
    assert "README.md" in index and "findings.md" in index and "report.schema.json" in index
    package = str(tree / "src" / "gotriage")
    expected = set()
    for dirpath, dirnames, filenames in os.walk(package):
        dirnames[:] = [d for d in dirnames if d != "__pycache__"]
        for name in filenames:
            if name.endswith(".py"):
                rel = os.path.relpath(os.path.join(dirpath, name), os.path.dirname(package))
                expected.add(rel.replace(os.sep, "/"))
    assert set(names) - {"__main__.py"} == expected
    for name in trees:
        assert {n for n in compiled if n.startswith(name + "/")} == \
            {"%s/%sc" % (name, n) for n in expected}
    assert "from gotriage.cli import main" in main and "sys.exit(main())" in main
    # __main__.py maps each tree's magic number to it, and knows no other
    mapping = re.search(r"^TREES = (\{.*\})$", main, re.M).group(1)
    assert sorted(re.findall(r"'(py\d+)'", mapping)) == sorted(trees)


@pytest.fixture
def snapshots(tmp_path):
    return {"no-go": make_no_go_snapshot(tmp_path / "no-go"),
            "broken-go": make_broken_go_snapshot(tmp_path / "broken-go")}


def test_runs_on_a_bare_interpreter(pyz, bare_python, snapshots):
    run = lambda *args: _run([bare_python, "-I", pyz] + list(args), cwd="/")  # noqa: E731

    proc = run("--version")
    assert (proc.returncode, proc.stdout.decode()) == (0, "gotriage %s\n" % __version__), proc.stderr

    proc = run("checks")
    assert proc.returncode == 0, proc.stderr
    for chk in all_checks():
        for finding_id in chk.ids():
            assert finding_id.encode() in proc.stdout

    for name, expected in (("no-go", 0), ("broken-go", 1)):
        proc = run("check", "--json", "--root", snapshots[name])
        assert proc.stderr == b"", proc.stderr.decode()
        report = json.loads(proc.stdout.decode("utf-8"))
        assert not schema_errors(report), schema_errors(report)
        assert report["host"]["origin"] == snapshots[name]
        # The exit code is main()'s, not always 0 (zipapp's own --main would lose it).
        assert proc.returncode == report["summary"]["exit_code"] == expected

    proc = run("check", "--root", snapshots["no-go"], "--fail-on", "info")
    assert proc.returncode == 1 and b"GO-INSTALL-NONE" in proc.stdout

    proc = run("check", "--ignore", "NO-SUCH-ID")
    assert proc.returncode == 2 and b"Traceback" not in proc.stderr
    assert proc.stderr.decode().count("\n") == 1

    # the documentation travels inside the zip (bare interpreter, from /: no checkout near)
    proc = run("docs", "report.schema.json")
    assert proc.returncode == 0 and json.loads(proc.stdout.decode())["title"] == "gotriage report"
    proc = run("docs")
    assert proc.returncode == 0 and b"findings.md\n" in proc.stdout

    proc = run("check", "--layer", "toolchain")  # the live host, from the zip
    assert proc.returncode in (0, 1), proc.stderr
    assert b"Traceback" not in proc.stderr and b"internal error" not in proc.stderr


def test_runs_as_python3_file_and_as_executable(pyz, tmp_path, snapshots):
    """`python3 gotriage.pyz` and `./gotriage.pyz` (found through its shebang)."""
    local = tmp_path / "gotriage.pyz"
    shutil.copy2(pyz, str(local))
    os.chmod(str(local), 0o755)
    env = clean_env()
    for argv in (["python3", "gotriage.pyz"], ["./gotriage.pyz"]):
        proc = _run(argv + ["--version"], cwd=str(tmp_path), env=env)
        assert proc.returncode == 0, (argv, proc.stderr.decode())
        assert proc.stdout.decode() == "gotriage %s\n" % __version__
        proc = _run(argv + ["check", "--json", "--root", snapshots["broken-go"]],
                    cwd=str(tmp_path), env=env)
        report = json.loads(proc.stdout.decode("utf-8"))
        assert not schema_errors(report)
        assert proc.returncode == report["summary"]["exit_code"] == 1


# `python -v` names where each module came from: "import gotriage.cli # loaded from Zip
# /x/gotriage.pyz/py36/gotriage/cli.pyc" (3.6-3.9) or "import 'gotriage.cli' #
# <zipimporter object "/x/gotriage.pyz/py311/gotriage/">" (3.10+).
IMPORTED = re.compile(r"^import '?(gotriage[\w.]*)'? # (.*)$", re.M)
# What writes: an open for writing, a new directory, file or name.  Not /dev/null or a tty.
WRITES = re.compile(r"^\d+ +(open(at)?\(.*O_(WRONLY|RDWR|CREAT)|creat\(|mkdir(at)?\(|"
                    r"rename(at2?)?\(|(sym)?link(at)?\()")


def _imported_from(stderr):
    """{module: where} from `python -v`'s stderr."""
    return dict(IMPORTED.findall(stderr.decode("utf-8", "replace")))


@pytest.mark.parametrize("version", sorted(EL_PYTHONS, key=lambda v: [int(p) for p in v.split(".")]))
def test_starts_from_bytecode(pyz, version, snapshots, tmp_path):
    """Each EL host's Python imports every gotriage module from its own tree, compiled, for
    every command, and writes nothing: no .pyc, no __pycache__, nowhere (strace), without
    PYTHONDONTWRITEBYTECODE."""
    python = _pyenv_python(version)
    need(python is not None, "no Python %s in pyenv: %s" % (
        version, install_hint("python" + version)))
    with zipfile.ZipFile(pyz) as z:
        trees = {n.split("/")[0] for n in z.namelist()}
    need(EL_PYTHONS[version] in trees,
         "the archive has no %s/: the build found no Python %s" % (EL_PYTHONS[version], version))
    home = tmp_path / "home"  # HOME and the working directory, which stay empty
    home.mkdir()
    env = clean_env(HOME=str(home))
    assert "PYTHONDONTWRITEBYTECODE" not in env
    tree_prefix = "gotriage.pyz/%s/" % EL_PYTHONS[version]
    for args in (["--version"], ["check", "--json", "--root", snapshots["broken-go"]],
                 ["check", "--layer", "toolchain", "--root", snapshots["no-go"]],
                 ["docs", "report.schema.json"]):
        proc = _run([python, "-I", "-v", pyz] + args, cwd=str(home), env=env)
        assert proc.returncode in (0, 1), (args, proc.stderr.decode()[-2000:])
        imported = _imported_from(proc.stderr)
        assert "gotriage.cli" in imported, (args, proc.stderr.decode()[-2000:])
        elsewhere = {m: w for m, w in imported.items() if tree_prefix not in w
                     or ("loaded from Zip" in w and not w.endswith(".pyc"))}
        assert not elsewhere, (args, elsewhere)
    assert json.loads(proc.stdout.decode())["title"] == "gotriage report"

    strace = shutil.which("strace")
    need(strace is not None, install_hint("strace"))
    log = tmp_path / "strace.log"
    proc = _run([strace, "-f", "-o", str(log), "-e",
                 "trace=open,openat,creat,mkdir,mkdirat,rename,renameat,renameat2,link,linkat,"
                 "symlink,symlinkat", python, "-I", pyz, "check", "--root", snapshots["broken-go"]],
                cwd=str(home), env=env)
    assert proc.returncode == 1, proc.stderr.decode()
    trace = log.read_text()
    assert "gotriage.pyz" in trace
    writes = [line for line in trace.splitlines()
              if WRITES.match(line) and not re.search(r'"/dev/(null|tty)"', line)]
    assert not writes, writes
    assert os.listdir(str(home)) == []


def test_a_python_without_a_tree(tmp_path, tree, interpreters):
    """A Python the build cannot find: it says so, ships the source for it, and succeeds;
    that Python runs the source (and any other Python 3.6+ too)."""
    py36 = interpreters.get("python3.6")
    need(py36 is not None, "no Python 3.6 here: %s" % install_hint("python3.6"))
    other = _pyenv_python("3.12") or interpreters.get("python3")
    out = tmp_path / "g.pyz"
    proc = _build(tree, out, sys.executable, "--python", py36)
    stderr = proc.stderr.decode()
    for version in ("3.9", "3.11", "3.12"):
        assert "no Python %s found" % version in stderr, stderr
    assert "no Python 3.6 " not in stderr
    assert b"bytecode for 3.6;" in proc.stdout
    with zipfile.ZipFile(str(out)) as z:
        tops = {n.split("/")[0] for n in z.namelist()}
    assert tops == {"__main__.py", "gotriage", "py36"}
    if other is not None and "3.6" not in _run([other, "-V"]).stdout.decode():
        proc = _run([other, "-I", "-v", str(out), "--version"], cwd=str(tmp_path))
        assert proc.stdout.decode() == "gotriage %s\n" % __version__
        imported = _imported_from(proc.stderr)
        assert imported and all("g.pyz/" in w and "g.pyz/py" not in w
                                for w in imported.values()), imported

    proc = _run([sys.executable, "-I", str(tree / "scripts" / "build-pyz"), "-o",
                 str(tmp_path / "no.pyz"), "--python", "/bin/false"], cwd="/")
    assert proc.returncode != 0 and b"/bin/false is not a CPython" in proc.stderr
    assert not os.path.exists(str(tmp_path / "no.pyz"))
