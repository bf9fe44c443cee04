"""scripts/build-pyz makes one file that bare interpreters run with nothing installed:
pyenv's Python 3.6 (what EL7/EL8 hosts have) and the default python3, both isolated
(-I), run as `python3 gotriage.pyz` and as `./gotriage.pyz`."""

import json
import os
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

BUILD = os.path.join(ROOT, "scripts", "build-pyz")
PACKAGE = os.path.join(ROOT, "src", "gotriage")


def _run(argv, **kw):
    kw.setdefault("env", clean_env())
    kw.setdefault("timeout", 120)
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          stdin=subprocess.DEVNULL, **kw)


def _pyenv_python36():
    pyenv = shutil.which("pyenv")
    if pyenv:
        root = _run([pyenv, "root"]).stdout.decode().strip()
        versions = _run([pyenv, "versions", "--bare"]).stdout.decode().split()
        found = sorted((v for v in versions if v.startswith("3.6.")),
                       key=lambda v: [int(p) for p in v.split(".") if p.isdigit()])
        for version in reversed(found):
            python = os.path.join(root, "versions", version, "bin", "python3")
            if os.access(python, os.X_OK):
                return python
    return None


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
def pyz(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("dist") / "gotriage.pyz")
    proc = _run([sys.executable, BUILD, "-o", out], cwd=ROOT)
    assert proc.returncode == 0, proc.stderr.decode()
    assert os.path.isfile(out)
    return out


def test_build_with_python36(tmp_path, interpreters):
    """The build script itself runs on Python 3.6 (zipapp there has no `compressed`)."""
    python = interpreters.get("python3.6")
    need(python is not None, "no Python 3.6 here: %s" % install_hint("python3.6"))
    out = str(tmp_path / "sub" / "g.pyz")
    proc = _run([python, "-I", BUILD, "-o", out], cwd="/")
    assert proc.returncode == 0, proc.stderr.decode()
    assert _run([python, "-I", out, "--version"]).stdout.decode() == "gotriage %s\n" % __version__


def test_contents(pyz):
    with open(pyz, "rb") as f:
        assert f.readline() == b"#!/usr/bin/env python3\n"
    assert os.stat(pyz).st_mode & stat.S_IXUSR
    with zipfile.ZipFile(pyz) as z:
        names = [n for n in z.namelist() if not n.endswith("/")]
        main = z.read("__main__.py").decode("utf-8")
    assert all(n == "__main__.py" or n.startswith("gotriage/") for n in names), names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")
                or set(n.split("/")) & {"tests", "test", "conftest.py"}
                or n.split("/")[-1].startswith("test_")]
    docs = [n for n in names if n.startswith("gotriage/_docs/")]
    names = [n for n in names if n not in docs]
    assert all(n.endswith(".py") for n in names), names
    # the documentation `gotriage docs` reads inside the zipapp: docs/, README.md, an index
    with zipfile.ZipFile(pyz) as z:
        index = z.read("gotriage/_docs/index").decode("utf-8").split()
    assert sorted(docs) == sorted(["gotriage/_docs/index"] + ["gotriage/_docs/" + n for n in index])
    assert "README.md" in index and "findings.md" in index and "report.schema.json" in index
    expected = set()
    for dirpath, dirnames, filenames in os.walk(PACKAGE):
        dirnames[:] = [d for d in dirnames if d != "__pycache__"]
        for name in filenames:
            if name.endswith(".py"):
                rel = os.path.relpath(os.path.join(dirpath, name), os.path.dirname(PACKAGE))
                expected.add(rel.replace(os.sep, "/"))
    assert set(names) - {"__main__.py"} == expected
    assert "from gotriage.cli import main" in main and "sys.exit(main())" in main


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
