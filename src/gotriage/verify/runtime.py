"""`gotriage verify --build`: the real go builds and runs a pure-Go and a cgo hello
program in the environment of each context (shell, sudo, systemd: facts/contexts.py), in
a private temporary directory (mkdtemp: mode 0700) that is removed afterwards whatever
happens.  Only with --build: it is the one part of verify that writes (its own directory
under $TMPDIR) and starts programs beyond the read-only queries.

The build cache is the directory's own (GOCACHE), GOTOOLCHAIN=local and GOPROXY=off: a
verify run neither fills the user's cache nor downloads anything.  A failure keeps go's
own words and the cause explain's catalogue finds in them (explain/match.py)."""

import collections
import os
import posixpath
import shutil
import tempfile

PURE = """package main

import "fmt"

func main() { fmt.Println("hello from pure Go") }
"""

CGO = """package main

// static int answer(void) { return 42; }
import "C"

import "fmt"

func main() { fmt.Println("hello from cgo", int(C.answer())) }
"""

PROGRAMS = (("pure", PURE, "0"), ("cgo", CGO, "1"))
OUTPUT_LIMIT = 4000  # characters of go's output kept as evidence

Attempt = collections.namedtuple(
    "Attempt", "go program context severity step ok argv returncode output explained")
Attempt.__doc__ = """One program built (and run) with one go in one context: `step`
"build" or "run", `explained` the finding ids explain finds in the output."""


def build_env(context_env, workdir, cgo):
    """The environment go runs with: the context's, with the run's own cache and no
    network or toolchain switch (pure).

    >>> sorted(build_env({"PATH": "/usr/bin", "GOFLAGS": "-x"}, "/tmp/v", "1").items())[:3]
    [('CGO_ENABLED', '1'), ('GO111MODULE', 'auto'), ('GOCACHE', '/tmp/v/cache')]
    """
    env = dict(context_env)
    env.update({"GOCACHE": posixpath.join(workdir, "cache"), "GOTOOLCHAIN": "local",
                "GOPROXY": "off", "CGO_ENABLED": cgo, "GO111MODULE": "auto"})
    return env


def explained_ids(output):
    """The finding ids explain's catalogue finds in go's output, most certain first."""
    from gotriage.explain.match import explain_text

    return [c.id for c in explain_text(output).candidates]


def run_builds(host, gos, contexts, build_timeout=120.0, run_timeout=10.0, tmpdir=None):
    """[Attempt] for every go (paths of bin/go) x context x program.  `contexts`:
    [(label, env, severity)].  The temporary directory is removed even when a build fails
    or is interrupted; its path is returned too, so tests can see it is gone."""
    attempts = []
    workdir = tempfile.mkdtemp(prefix="gotriage-verify-", dir=tmpdir)  # mode 0700
    try:
        for go in gos:
            for label, env, severity in contexts:
                for name, source, cgo in PROGRAMS:
                    attempts.append(_one(host, go, label, env, severity, name, source, cgo,
                                         workdir, build_timeout, run_timeout))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return attempts, workdir


def _reader(host, build_timeout, run_timeout):
    """verify's inputs, with go build's and the program's bounds as the user set them."""
    from gotriage.inputs.reader import reader_of
    from gotriage.inputs.spec import Input, Layer
    from gotriage.inputs.verify import INPUTS

    decls = []
    for decl in INPUTS:
        if decl.key in ("go-build", "hello-run"):
            decl = Input(decl.kind, decl.key, decl.template, decl.reason,
                         timeout=build_timeout if decl.key == "go-build" else run_timeout)
        decls.append(decl)
    return reader_of(host).layer(Layer("verify", decls))


def _one(host, go, label, context_env, severity, name, source, cgo, workdir, build_timeout,
         run_timeout):
    src_dir = tempfile.mkdtemp(prefix=name + "-", dir=workdir)
    with open(os.path.join(src_dir, "hello.go"), "w") as f:
        f.write(source)
    env = build_env(context_env, workdir, cgo)
    out = posixpath.join(src_dir, "hello")
    io = _reader(host, build_timeout, run_timeout)
    result = io.run("go-build", env=env, cwd=src_dir, remember=False, note=False, go=go, out=out)
    argv = result.argv
    step = "build"
    if result.ok:
        step = "run"
        result = io.run("hello-run", env=env, cwd=src_dir, remember=False, note=False,
                        program=out)
        argv = result.argv
        ok = result.ok and b"hello" in result.stdout
    else:
        ok = False
    output = (result.stdout + result.stderr).decode("utf-8", "replace")
    if result.timed_out:
        output += "\n(killed after %.0f s)" % (build_timeout if step == "build" else run_timeout)
    output = output.strip()[-OUTPUT_LIMIT:]
    return Attempt(go, name, label, severity, step, ok, argv, result.returncode, output,
                   [] if ok else explained_ids(output))
