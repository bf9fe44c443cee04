"""Signatures of the Go toolchain: go not found, GOROOT, go.mod and the go line,
GOTOOLCHAIN, modules and GOPATH, cgo, the build cache, the module proxy and the
checksum database.  The messages are cmd/go's own (go1.16 to go1.27), as the real
toolchains in tests/test_realgo*.py print them where a test reproduces them."""

from gotriage.knowledge.signatures import HIGH, MEDIUM, C, N, Signature

GO_DL = "https://go.dev/dl/"
# What a failed download also shows that the module proxy's or the checksum database's
# cause explains (the same dial error, seen as a client's).
NETWORK = ("FW-PORT-TIMEOUT", "FW-LISTEN-NONE", "FW-PORT-UNREACHABLE", "NET-DNS-NXDOMAIN",
           "NET-DNS-UNREACHABLE", "FW-CLIENT-NO-IPV6", "NET-NO-ROUTE")
# The standard library's top-level packages (go1.27): "package fmt is not in GOROOT" is a
# broken Go tree, "package myapp/utils is not in GOROOT" an import path outside the module.
STD = ("(?:archive|bufio|bytes|cmp|compress|container|context|crypto|database|debug|embed|"
       "encoding|errors|expvar|flag|fmt|go|hash|html|image|index|io|iter|log|maps|math|mime|"
       "net|os|path|plugin|reflect|regexp|runtime|slices|sort|strconv|strings|structs|sync|"
       "syscall|testing|text|time|unicode|unique|unsafe|weak)")

SIGNATURES = [
    Signature(
        "GO-PATH-NOT-FOUND", "toolchain", "sudo cannot find go: its secure_path lacks Go's bin",
        keys=("sudo: go: command not found", "sudo: gofmt: command not found"),
        patterns=(r"^sudo: (?P<program>go|gofmt): command not found",),
        variant="sudo",
        cause="sudo runs commands with the PATH of the secure_path line in /etc/sudoers, "
              "not yours, and Go's bin directory (e.g. /usr/local/go/bin) is not on it.",
        fix=(N("run it with your PATH once: sudo env \"PATH=$PATH\" go ..."),
             N("or, for good, add Go's bin directory to the secure_path line (run `visudo`; "
               "e.g. Defaults secure_path = /sbin:/bin:/usr/sbin:/usr/bin:/usr/local/go/bin)")),
        confirm=("GO-PATH-NOT-FOUND", "GO-PATH-DIFFERS"),
        examples=("sudo: go: command not found",)),
    Signature(
        "GO-PATH-NOT-FOUND", "toolchain", "go is not on the PATH of this shell",
        keys=("go: command not found", "go: not found", "command not found: go",
              'exec: "go": executable file not found', "go: Command not found", "未找到命令",
              "找不到命令"),
        patterns=(r"(?:^|\s|:)(?P<program>go|gofmt): (?:[Cc]ommand )?not found\s*$",
                  r"(?:^|\s|[:：])(?P<program>go|gofmt)[:：] ?(?:未找到命令|找不到命令)\s*$",
                  r"command not found: (?P<program>go|gofmt)\s*$",
                  r'exec: "(?P<program>go)": executable file not found in \$PATH'),
        variant="shell",
        cause="The shell (or the program) looked for `{program}` on its PATH and did not find "
              "it: Go is not installed, or its bin directory (/usr/local/go/bin for a go.dev "
              "tarball) is not on PATH in this context (a login shell, cron, CI, a unit).",
        fix=(N("if Go is installed in /usr/local/go: export PATH=$PATH:/usr/local/go/bin "
               "(and add that line to ~/.bash_profile or /etc/profile.d/go.sh)"),
             N("or install Go: dnf install -y golang (EL8 and later; EPEL on EL7), or a "
               "release from " + GO_DL)),
        confirm=("GO-PATH-NOT-FOUND", "GO-INSTALL-NONE", "SVC-GO-NOT-FOUND"),
        examples=("-bash: go: command not found", "bash: line 1: go: command not found",
                  "-bash: go: 未找到命令",
                  "/bin/sh: go: command not found", "zsh: command not found: go",
                  'exec: "go": executable file not found in $PATH')),
    Signature(
        "GO-ROOT-MISSING", "toolchain", "GOROOT names a directory that does not exist",
        keys=("cannot find GOROOT directory",),
        patterns=(r"cannot find GOROOT directory: (?P<goroot>/\S+)",),
        cause="GOROOT is set (in the environment, a profile script or `go env -w`) to "
              "{goroot}, which does not exist, often left over from a removed or moved Go.",
        fix=(C("go", "env", "-u", "GOROOT", why="if it was set with go env -w"),
             N("and remove the GOROOT={goroot} line from ~/.bashrc, ~/.bash_profile or "
               "/etc/profile.d/*.sh, then `unset GOROOT` (go finds its own root)",
               otherwise="and remove the GOROOT= line from your profile, then `unset GOROOT`")),
        confirm=("GO-ROOT-MISSING", "GO-ENVFILE-GOROOT", "GO-PROBE-FAILED"),
        beats=("GO-ROOT-MISMATCH",),
        examples=("go: cannot find GOROOT directory: /usr/local/go1.19",)),
    Signature(
        "GO-ROOT-TRIMMED", "toolchain", "a copied go binary without its GOROOT",
        keys=("binary is trimmed and GOROOT is not set",),
        patterns=(r"cannot find GOROOT directory: 'go' binary is trimmed and GOROOT is not set",),
        cause="This go binary was copied out of its Go tree (or built with -trimpath) and "
              "cannot find the tree it belongs to.",
        fix=(N("run go from a complete Go install (the whole go/ directory of a release from "
               + GO_DL + "), not a copied bin/go"),),
        confirm=("GO-ROOT-TRIMMED", "GO-PROBE-FAILED"),
        examples=("go: cannot find GOROOT directory: 'go' binary is trimmed and GOROOT is not set",)),
    Signature(
        "GO-ROOT-MISMATCH", "toolchain", "GOROOT points at another Go release's tree",
        keys=("does not match go tool version",),
        patterns=(r'version "(?P<built>go[^"]+)" does not match go tool version "(?P<version>go[^"]+)"',),
        cause="The go command ({version}) compiles with the tools and standard library of "
              "another release ({built}): GOROOT is set to another install's tree, or two "
              "installs were unpacked over each other.",
        fix=(C("go", "env", "-u", "GOROOT", why="if it was set with go env -w"),
             N("and `unset GOROOT`, removing it from your profile scripts; if you unpacked a "
               "new Go over an old one, remove the directory and unpack it again "
               "(rm -rf /usr/local/go && tar -C /usr/local -xzf go*.tar.gz)")),
        confirm=("GO-ROOT-MISMATCH", "GO-ENVFILE-GOROOT"),
        examples=('compile: version "go1.21.13" does not match go tool version "go1.22.1"',)),
    Signature(
        "GO-VERSION-FEATURE", "toolchain", "a standard package newer than the local Go",
        variant="std",
        keys=("is not in GOROOT", "is not in std"),
        patterns=(r"package (?P<package>embed|io/fs|testing/fstest|net/netip|slices|maps|cmp|log/slog|"
                  r"math/rand/v2|iter|unique|structs|weak|"
                  r"crypto/(?:mlkem|hkdf|pbkdf2|sha3|fips140)|testing/synctest|os/root|encoding/json/v2|"
                  r"go/version|testing/slogtest) is not in (?:GOROOT|std)",),
        cause="The code imports {package}, which a newer Go added (embed and io/fs in 1.16; "
              "net/netip in 1.18; slices, maps, cmp and log/slog "
              "in 1.21; math/rand/v2 and go/version in 1.22; iter, unique and structs in 1.23; "
              "weak and crypto/mlkem, hkdf, pbkdf2, sha3 in 1.24): the local Go is older.",
        fix=(N("install the Go that go.mod's go line names, or newer (" + GO_DL + ")"),),
        confirm=("GO-VERSION-FEATURE", "GO-VERSION-GOMOD-NEWER"),
        beats=("GO-ROOT-MISMATCH",),
        examples=("package slices is not in GOROOT (/usr/lib/golang/src/slices)",)),
    Signature(
        "GO-ROOT-MISMATCH", "toolchain", "the standard library is missing from GOROOT",
        variant="std",
        keys=("is not in GOROOT", "is not in std", "(from $GOROOT)"),
        patterns=(r"package (?P<package>" + STD + r"(?:/[\w/]+)?) is not in (?:GOROOT|std) "
                  r"\((?P<dir>/\S+?)\)",
                  r"^\s*(?P<dir>/\S+/src/(?P<package>[a-z]+(?:/[a-z]+)*)) \(from \$GOROOT\)",
                  r"cannot find module for path (?P<package>" + STD + r"(?:/[\w/]+)?)\s*$"),
        cause="go looked for the standard package {package} in {dir} and it is not there: "
              "GOROOT points at a directory that is not a whole Go tree (a removed, partial "
              "or other install).",
        fix=(C("go", "env", "-u", "GOROOT"),
             N("and `unset GOROOT`; if the tree itself is incomplete, install Go again "
               "into an empty directory")),
        confirm=("GO-ROOT-MISMATCH", "GO-ROOT-MISSING", "GO-INSTALL-BROKEN", "GO-ENVFILE-GOROOT"),
        confidence=MEDIUM,
        examples=("package fmt is not in GOROOT (/usr/lib/golang/src/fmt)",
                  "package net/http is not in std (/usr/local/go/src/net/http)")),
    Signature(
        "GO-MODULES-IMPORT-PATH", "toolchain", "a local package imported by a path outside the module",
        keys=("is not in GOROOT", "is not in std"),
        patterns=(r"package (?!" + STD + r"(?:/|\s))(?P<package>[^\s.]+) is not in (?:GOROOT|std) \(",),
        cause="The import path {package} has no domain, so go looks for it in the standard "
              "library.  A package of your own module is imported as MODULE-PATH/{package}, "
              "where MODULE-PATH is the `module` line of go.mod (or there is no go.mod).",
        fix=(N("import it as \"<the module line of go.mod>/{package}\"; without a go.mod, run "
               "`go mod init example.com/app` in the project's top directory first"),),
        confirm=("GO-MODULES-NO-GOMOD",),
        confidence=MEDIUM,
        examples=("main.go:5:2: package myapp/utils is not in GOROOT (/usr/local/go/src/myapp/utils)",
                  "package api/handlers is not in std (/usr/lib/golang/src/api/handlers)")),
    Signature(
        "GO-VERSION-GOMOD-NEWER", "toolchain", "go.mod asks for a newer Go than the local one",
        keys=("requires go >= ",),
        patterns=(r"(?P<what>\S+) requires go >= (?P<need>[\w.]+) \(running go (?P<version>[\w.]+)"
                  r"(?:; GOTOOLCHAIN=(?P<gotoolchain>[^)]+))?\)",),
        cause="{what} says `go {need}` (its minimum Go) and the local Go is {version}"
              ", and GOTOOLCHAIN={gotoolchain} does not let go fetch a newer one.",
        fix=(N("install Go {need} or newer (" + GO_DL + ", or dnf's golang where the release "
               "has it) and put it first on PATH"),
             N("or, where a module proxy is reachable, let go fetch it: go env -w GOTOOLCHAIN=auto")),
        confirm=("GO-VERSION-GOMOD-NEWER", "PKG-GOLANG-TOO-OLD"),
        examples=("go: go.mod requires go >= 1.22.0 (running go 1.21.13; GOTOOLCHAIN=local)",
                  "go: github.com/x/y@v1.4.0 requires go >= 1.23 (running go 1.21.13; GOTOOLCHAIN=local)")),
    Signature(
        "GO-VERSION-GOMOD-NEWER", "toolchain", "a module needs a newer Go (Go 1.20 or older)",
        variant="note",
        keys=("note: module requires Go",),
        patterns=(r"note: module requires Go (?P<need>[\w.]+)",),
        cause="The build failed and go.mod says `go {need}`: the code uses what Go {need} "
              "added, and the local Go is older.",
        fix=(N("install Go {need} or newer (" + GO_DL + ")"),),
        confirm=("GO-VERSION-GOMOD-NEWER",),
        examples=("note: module requires Go 1.21",)),
    Signature(
        "GO-VERSION-GOMOD-NEWER", "toolchain", "go.mod is newer than what tidy supports",
        variant="tidy",
        keys=("but maximum version supported by tidy is", "but maximum supported version is"),
        patterns=(r"go\.mod file indicates go (?P<need>[\w.]+), but maximum (?:version supported "
                  r"by tidy|supported version) is (?P<version>[\w.]+)",),
        cause="go.mod says `go {need}` and this Go ({version}) is older.",
        fix=(N("install Go {need} or newer (" + GO_DL + ")"),),
        confirm=("GO-VERSION-GOMOD-NEWER",),
        examples=("go: go.mod file indicates go 1.21, but maximum version supported by tidy is 1.20",)),
    Signature(
        "GO-VERSION-SYNTAX", "toolchain", "go.mod written by Go 1.21+ read by an older Go",
        keys=("must match format 1.23", "unknown directive: ", "unknown block type: "),
        patterns=(r"(?:(?P<file>\S*go\.mod):(?P<line>\d+): )?invalid go version '(?P<need>[\w.]+)': "
                  r"must match format 1\.23",
                  r"(?:(?P<file>\S*go\.mod):(?P<line>\d+): )?unknown directive: "
                  r"(?P<directive>toolchain|godebug|tool|ignore)\b",
                  r"(?:(?P<file>\S*go\.mod):(?P<line>\d+): )?unknown block type: (?P<directive>tool|ignore|godebug)\b"),
        cause="go.mod uses syntax that this older Go cannot read (a go line with a patch "
              "release such as 1.21.0, or a toolchain/godebug/tool/ignore line: Go 1.21, 1.23, "
              "1.24 and 1.25 added them).",
        fix=(N("install Go {need} or newer, the Go that go.mod asks for (" + GO_DL + ")",
               otherwise="install the Go that go.mod asks for (" + GO_DL + ")"),
             N("or, if the project really builds with the older Go, edit {file} line {line}: "
               "write the go line as 1.N and delete the newer directive",
               otherwise="or, if the project really builds with the older Go, write the go "
                         "line as 1.N and delete the newer directive")),
        confirm=("GO-VERSION-SYNTAX", "GO-VERSION-GOMOD-NEWER"),
        examples=("go.mod:3: invalid go version '1.21.0': must match format 1.23",
                  "/src/app/go.mod:5: unknown directive: toolchain")),
    Signature(
        "GO-VERSION-GOMOD-NEWER", "toolchain", "go could not download the Go that go.mod asks for",
        variant="toolchain-download",
        keys=("toolchain not available", "go: download go1"),
        patterns=(r"go: download (?P<toolchain>go1[\w.]*)(?: for [\w/]+)?: (?P<why>toolchain not available)",
                  r"go: download (?P<toolchain>go1[\w.]*)(?: for [\w/]+)?: (?P<why>.+)"),
        cause="go.mod (its go or toolchain line) or GOTOOLCHAIN asks for {toolchain}, newer "
              "than the local Go, so go tried to download it through GOPROXY and could not "
              "({why}).  `toolchain not available` also means that no release has that exact "
              "name: `go 1.21` in go.mod names the release candidate go1.21, write `go 1.21.0`.",
        fix=(N("install {toolchain} (or newer) locally from " + GO_DL + " and put it first on PATH"),
             N("or let go download it: GOPROXY must reach a proxy that serves golang.org/toolchain"),
             N("or build with the local Go: GOTOOLCHAIN=local, after lowering go.mod's go/toolchain line")),
        confirm=("GO-VERSION-GOMOD-NEWER", "GO-VERSION-TOOLCHAIN-PINNED", "GO-PROXY-UNREACHABLE"),
        examples=("go: download go1.22.0 for linux/amd64: toolchain not available",
                  "go: download go1.21 for linux/amd64: toolchain not available")),
    Signature(
        "GO-VERSION-TOOLCHAIN-INVALID", "toolchain", "GOTOOLCHAIN has a value go does not accept",
        keys=("invalid GOTOOLCHAIN",),
        patterns=(r'invalid GOTOOLCHAIN "(?P<value>[^"]*)"',),
        cause="GOTOOLCHAIN={value} is none of local, auto, goVERSION, goVERSION+auto or "
              "goVERSION+path.",
        fix=(C("go", "env", "-u", "GOTOOLCHAIN"),
             N("and unset GOTOOLCHAIN in the environment (or set it to local or auto)")),
        examples=('go: invalid GOTOOLCHAIN "go1.22"x"',)),
    Signature(
        "GO-VERSION-GOLINE-LOW", "toolchain", "the go line of go.mod is lower than the code needs",
        keys=("-lang was set to",),
        patterns=(r"requires (?P<need>go1[\w.]*) or later \(-lang was set to (?P<lang>go1[\w.]*); "
                  r"check go\.mod\)",
                  r"(?P<feature>type parameters|predeclared \w+|generic type) requires? "
                  r"(?P<need>go1[\w.]*) or later \(-lang was set to (?P<lang>go1[\w.]*)"),
        cause="The code uses a language feature of {need}, and go.mod's go line says {lang}: "
              "the compiler keeps to the language of the go line.",
        fix=(C("go", "mod", "edit", "-go={need}", otherwise="raise go.mod's go line",
               why="then Go older than that refuses the module"),),
        confirm=("GO-VERSION-GOLINE-LOW", "GO-VERSION-FEATURE"),
        examples=("./main.go:9:6: type parameters require go1.18 or later (-lang was set to go1.17; check go.mod)",
                  "./loop.go:4:12: cannot range over 10 (untyped int constant): requires go1.22 or later "
                  "(-lang was set to go1.21; check go.mod)")),
    Signature(
        "GO-VERSION-FEATURE", "toolchain", "the code needs a newer Go than the local one",
        keys=("undefined: min", "undefined: max", "undefined: clear", "undefined: maps.",
              "undefined: slices.", "undefined: cmp.", "undefined: iter.", "undefined: strings.",
              "undefined: bytes.", "undefined: sync.", "undefined: errors.", "undefined: context.",
              "undefined: os.", "undefined: time.", "undefined: unique."),
        patterns=(r"undefined: (?P<feature>min|max|clear)\s*$",
                  r"undefined: (?P<feature>(?:maps|slices|cmp|iter|strings|bytes|sync|errors|context|os|"
                  r"time|unique)\.[A-Z]\w*)\s*$"),
        cause="{feature} is part of a newer Go than the local one (the builtins min, max and "
              "clear, and packages such as maps and slices, came in Go 1.21; functions are "
              "added to the standard library in every release).",
        fix=(N("install Go 1.21 or newer (" + GO_DL + ")"),),
        confirm=("GO-VERSION-FEATURE", "GO-VERSION-GOMOD-NEWER"),
        confidence=MEDIUM,
        examples=("./main.go:12:7: undefined: min", "./main.go:9:14: undefined: maps.Keys")),
    Signature(
        "GO-MODULES-NO-GOMOD", "toolchain", "no go.mod here: not inside a module",
        keys=("go.mod file not found in current directory", "cannot find main module"),
        patterns=(r"go\.mod file not found in current directory or any parent directory",
                  r"cannot find main module, but found (?P<found>\S+) in (?P<dir>/\S+)",
                  r"cannot find main module; see 'go help modules'"),
        cause="go runs in module mode and found no go.mod in this directory or above it: "
              "the command ran in the wrong directory, or the project was never made a module.",
        fix=(N("cd to the directory that holds go.mod"),
             C("go", "mod", "init", "example.com/app",
               why="or make this project a module (use your real module path)")),
        confirm=("GO-MODULES-NO-GOMOD",),
        examples=("go: go.mod file not found in current directory or any parent directory; see 'go help modules'",
                  "go: cannot find main module, but found .git/config in /home/alice/src/app")),
    Signature(
        "GO-MODULES-OFF", "toolchain", "modules are turned off (GO111MODULE=off)",
        keys=("modules disabled by GO111MODULE=off", "cannot use path@version syntax in GOPATH mode"),
        patterns=(r"modules disabled by GO111MODULE=off", r"cannot use path@version syntax in GOPATH mode"),
        cause="GO111MODULE=off puts go in GOPATH mode, where go.mod, `go mod` and "
              "`go install pkg@version` do not work.",
        fix=(C("go", "env", "-u", "GO111MODULE"),
             N("and unset GO111MODULE in the environment and profile scripts")),
        confirm=("GO-MODULES-OFF",),
        examples=("go: modules disabled by GO111MODULE=off; see 'go help modules'",
                  "go: cannot use path@version syntax in GOPATH mode")),
    Signature(
        "GO-MODULES-GOPATH-MODE", "toolchain", "GOPATH mode cannot find a non-standard package",
        keys=("in any of:", "(from $GOPATH)"),
        patterns=(r'cannot find package "(?P<package>[^"]*\.[^"]*)" in any of',),
        cause="go is in GOPATH mode (GO111MODULE=off, or a Go before 1.11) and looks for "
              "{package} only under $GOPATH/src; the project is not there, or it is a module.",
        fix=(C("go", "env", "-w", "GO111MODULE=on", why="use modules (Go 1.11+), with a go.mod; "
               "on Go 1.16+ unsetting it does the same"),
             N("or move the project to $GOPATH/src/ under its import path")),
        confirm=("GO-MODULES-GOPATH-MODE", "GO-MODULES-OFF"),
        confidence=MEDIUM,
        examples=('main.go:4:2: cannot find package "github.com/gorilla/mux" in any of:',)),
    Signature(
        "GO-MODULES-GOPATH", "toolchain", "GOPATH is relative, or the same as GOROOT",
        keys=("GOPATH entry is relative", "has no effect", "$GOPATH/go.mod exists but should not"),
        patterns=(r'GOPATH entry is relative; must be absolute path: "(?P<gopath>[^"]*)"',
                  r"warning: GOPATH set to GOROOT \((?P<gopath>[^)]+)\) has no effect",
                  r"\$GOPATH/go\.mod exists but should not"),
        cause="GOPATH must be an absolute directory of its own (not relative, not Go's install "
              "tree, not a module).",
        fix=(C("go", "env", "-u", "GOPATH", why="the default is ~/go"),
             N("and remove GOPATH= from the environment and profile scripts")),
        confirm=("GO-MODULES-GOPATH", "GO-PROBE-FAILED"),
        examples=('go: GOPATH entry is relative; must be absolute path: "go".',
                  "warning: GOPATH set to GOROOT (/usr/local/go) has no effect")),
    Signature(
        "GO-MODULES-GOFLAGS", "toolchain", "GOFLAGS holds a flag go does not accept",
        keys=("parsing $GOFLAGS", "go: invalid -mod="),
        patterns=(r"parsing \$GOFLAGS: (?P<why>.+)", r"go: invalid -mod=(?P<why>\S+)"),
        cause="GOFLAGS (environment or `go env -w`) has a flag this go rejects: {why}.",
        fix=(C("go", "env", "-u", "GOFLAGS"), N("and fix or unset GOFLAGS in the environment")),
        confirm=("GO-MODULES-GOFLAGS",),
        examples=("go: parsing $GOFLAGS: unknown flag -mode",)),
    Signature(
        "GO-MODULES-VENDOR-MISSING", "toolchain", "vendor/ is missing or out of date",
        keys=("inconsistent vendoring", "vendor/modules.txt"),
        patterns=(r"inconsistent vendoring in (?P<dir>/\S+?):?$",
                  r"(?P<dir>/\S+)/vendor/modules\.txt: open .*no such file"),
        cause="The build reads vendor/ (go.mod says go 1.14+ and vendor/ exists, or "
              "-mod=vendor), and vendor/modules.txt does not match go.mod.",
        fix=(C("go", "mod", "vendor", why="in {dir}, on a machine that can download the modules"),
             N("or build from the module cache instead: -mod=mod (needs the modules)")),
        confirm=("GO-MODULES-VENDOR-MISSING",),
        examples=("go: inconsistent vendoring in /home/alice/src/app:",)),
    Signature(
        "GO-MODULES-SUM-MISSING", "toolchain", "go.sum lacks an entry for a dependency",
        keys=("missing go.sum entry",),
        patterns=(r"missing go\.sum entry (?:for module providing package (?P<package>\S+)|for (?P<module>\S+))",),
        cause="go.sum has no checksum for a module the build needs (go.mod changed without "
              "`go mod tidy`, or go.sum was not committed); since Go 1.16 the build does not "
              "add it by itself.",
        fix=(C("go", "mod", "tidy", why="where the module proxy is reachable; commit go.sum"),
             C("go", "mod", "download", "{module}", otherwise="or go mod download the module")),
        confidence=HIGH,
        examples=("main.go:6:2: missing go.sum entry for module providing package github.com/google/uuid "
                  "(imported by example.com/app); to add:",)),
    Signature(
        "GO-GET-INSTALL", "toolchain", "go get no longer installs programs",
        keys=("'go get' is no longer supported outside a module",
              "installing executables with 'go get' in module mode is deprecated"),
        patterns=(r"'go get' is no longer supported outside a module",
                  r"installing executables with 'go get' in module mode is deprecated"),
        cause="Since Go 1.17 `go get` only changes go.mod; programs are installed with "
              "`go install PACKAGE@VERSION` (from Go 1.18 `go get` refuses outside a module).",
        fix=(N("go install PACKAGE@latest (e.g. go install golang.org/x/tools/gopls@latest)"),),
        examples=("go: 'go get' is no longer supported outside a module.",)),
    Signature(
        "GO-CGO-NO-CC", "toolchain", "cgo needs a C compiler and there is none",
        keys=('executable file not found in $PATH', 'C compiler "'),
        patterns=(r'C compiler "(?P<cc>[^"]+)" not found',
                  r'exec: "(?P<cc>gcc|cc|clang|x86_64-linux-gnu-gcc|aarch64-linux-gnu-gcc)": '
                  r'executable file not found in \$PATH'),
        cause="A package uses cgo (CGO_ENABLED defaults to 1 when go finds a C compiler on "
              "the build host, and to 1 always for `go run`/`go test` of cgo code), and {cc} "
              "is not installed.",
        fix=(C("dnf", "install", "-y", "gcc", why="yum on EL7"),
             N("or build without cgo where the code allows it: CGO_ENABLED=0 go build")),
        confirm=("GO-CGO-NO-CC",),
        examples=('cgo: C compiler "gcc" not found: exec: "gcc": executable file not found in $PATH',
                  'exec: "gcc": executable file not found in $PATH')),
    Signature(
        "GO-CGO-NO-CC", "toolchain", "a cgo-only package with cgo off", variant="constraints",
        keys=("build constraints exclude all Go files in",),
        patterns=(r"build constraints exclude all Go files in (?P<dir>\S+)",),
        cause="No file of {dir} is built for this configuration: with cgo off (CGO_ENABLED=0, "
              "the default when no C compiler is found) a package that has only cgo files is "
              "empty; otherwise its build tags exclude this GOOS/GOARCH.",
        fix=(N("install a C compiler (dnf install -y gcc) so that cgo is on, or use a pure-Go "
               "package; for GOOS/GOARCH, build for the platform the package supports"),),
        confirm=("GO-CGO-NO-CC",),
        confidence=MEDIUM,
        examples=("package github.com/mattn/go-sqlite3: build constraints exclude all Go files in "
                  "/root/go/pkg/mod/github.com/mattn/go-sqlite3@v1.14.22",)),
    Signature(
        "GO-CGO-NO-HEADERS", "toolchain", "a C header of a cgo package is not installed",
        keys=(".h: No such file or directory",),
        patterns=(r"fatal error: (?P<header>[\w./+-]+\.h): No such file or directory",),
        cause="cgo compiles C code that includes {header}, and no installed -devel package "
              "provides it (stdlib.h and the like: glibc-devel).",
        fix=(C("dnf", "provides", "*/{header}", why="names the -devel package to install"),
             N("then dnf install -y that package (glibc-devel for stdlib.h, stdio.h...; on "
               "Debian/Ubuntu libc6-dev)")),
        confirm=("GO-CGO-NO-HEADERS",),
        examples=("/usr/include/features.h:424:12: fatal error: sys/cdefs.h: No such file or directory",
                  "sqlite3-binding.c:33:10: fatal error: stdlib.h: No such file or directory")),
    Signature(
        "GO-CGO-NO-HEADERS", "toolchain", "the linker cannot find a C library",
        variant="link",
        keys=("cannot find -l",),
        patterns=(r"(?:ld|ld\.bfd|ld\.gold|collect2)(?:\.\S+)?: (?:error: )?cannot find -l(?P<lib>[\w.+-]+)",),
        cause="The cgo link needs lib{lib} and only a static or development copy would do: "
              "-lc, -lpthread or -ldl in a static build (-extldflags -static) need glibc-static; "
              "others their -devel package.",
        fix=(C("dnf", "provides", "*/lib{lib}.so", why="or */lib{lib}.a for a static build"),
             N("or build without cgo: CGO_ENABLED=0 go build")),
        confirm=("GO-CGO-NO-HEADERS",),
        confidence=MEDIUM,
        examples=("/usr/bin/ld: cannot find -lpthread",)),
    Signature(
        "GO-CACHE-NO-HOME", "toolchain", "no HOME, so no build cache (a service or a bare environment)",
        keys=("neither $XDG_CACHE_HOME nor $HOME are defined", "neither GOMODCACHE nor GOPATH is set",
              "$HOME is not defined"),
        patterns=(r"GOCACHE is not defined and (?:neither \$XDG_CACHE_HOME nor \$HOME are defined|"
                  r"\$HOME is not defined)",
                  r"module cache not found: neither GOMODCACHE nor GOPATH is set"),
        beats=("SVC-ENV-NO-HOME",),
        cause="go keeps its build cache under $HOME/.cache and its modules under $HOME/go; "
              "without HOME (a systemd unit without User=, cron, `env -i`) it has neither.",
        fix=(N("set them where go runs: Environment=HOME=/var/lib/SERVICE (or GOCACHE=/var/cache/"
               "SERVICE/go-build and GOMODCACHE=...) in the unit, or export HOME in the script"),),
        confirm=("GO-CACHE-NO-HOME", "SVC-GO-CACHE"),
        examples=("build cache is required, but could not be located: GOCACHE is not defined and "
                  "neither $XDG_CACHE_HOME nor $HOME are defined",)),
    Signature(
        "GO-CACHE-OFF", "toolchain", "GOCACHE=off",
        keys=("disabled by GOCACHE=off",),
        patterns=(r"build cache is disabled by GOCACHE=off",),
        cause="Since Go 1.12 the build cache is required and GOCACHE=off (once the way to turn "
              "caching off) is refused; Go 1.12's pre-releases also said this when HOME was unset.",
        fix=(C("go", "env", "-u", "GOCACHE"), N("and unset GOCACHE in the environment")),
        confirm=("GO-CACHE-OFF", "SVC-GO-CACHE"),
        examples=("build cache is disabled by GOCACHE=off, but required as of Go 1.12",)),
    Signature(
        "GO-CACHE-RELATIVE", "toolchain", "GOCACHE is a relative path",
        keys=("GOCACHE is not an absolute path", "entry is relative; must be absolute path"),
        patterns=(r"GOCACHE is not an absolute path",
                  r"(?P<var>GOMODCACHE|GOCACHE) entry is relative; must be absolute path: \"(?P<value>[^\"]*)\""),
        cause="GOCACHE must be an absolute path.",
        fix=(N("set GOCACHE to an absolute directory, or unset it (default ~/.cache/go-build)"),),
        confirm=("GO-CACHE-RELATIVE", "GO-PROBE-FAILED"),
        examples=("build cache is required, but could not be located: GOCACHE is not an absolute path",)),
    Signature(
        "GO-CACHE-NOT-WRITABLE", "toolchain", "the build or module cache is not writable by this user",
        keys=("go-build", "could not create module cache", "failed to initialize build cache",
              "initializing cache in $GOCACHE"),
        patterns=(r"failed to initialize build cache at (?P<dir>/\S+): .*permission denied",
                  r"initializing cache in \$GOCACHE: mkdir (?P<dir>\S+): permission denied",
                  r"open (?P<dir>/\S+/go-build)/\S+: permission denied",
                  r"could not create module cache: mkdir (?P<dir>/\S+): permission denied"),
        cause="{dir} belongs to another user, usually root after a `sudo go build` or "
              "`sudo go get` wrote it, or it is on a read-only file system.",
        fix=(N("give it back to the user who builds: sudo chown -R \"$(id -un):\" {dir}",
               otherwise="give the cache back to the user who builds (sudo chown -R)"),
             N("or point GOCACHE at a directory this user may write; and never run go under "
               "sudo: sudo install the result instead")),
        confirm=("GO-CACHE-NOT-WRITABLE", "SVC-GO-CACHE"),
        beats=("SYS-FILE-DENIED",),
        examples=("go: failed to initialize build cache at /home/alice/.cache/go-build: "
                  "mkdir /home/alice/.cache/go-build/2a: permission denied",)),
    Signature(
        "GO-PROXY-INVALID", "toolchain", "GOPROXY names a URL go cannot use",
        keys=("invalid proxy URL",),
        patterns=(r"invalid proxy URL (?:scheme )?(?:\(must be [^)]*\))?:? ?(?P<url>\S*)",),
        cause="GOPROXY holds {url}, which is not an https, http or file URL (or off/direct).",
        fix=(N("set GOPROXY to a usable URL: go env -w GOPROXY=https://HOST/...,direct (or unset it: "
               "go env -u GOPROXY)"),),
        confirm=("GO-PROXY-INVALID",),
        examples=("go: invalid proxy URL scheme (must be https, http, file): ftp://mirror.corp.example/go",)),
    Signature(
        "GO-PROXY-OFF", "toolchain", "GOPROXY=off: go may not download modules",
        keys=("disabled by GOPROXY=off",),
        patterns=(r"module lookup disabled by GOPROXY=off",),
        cause="GOPROXY=off forbids every download, and the build needs a module that is not "
              "in the module cache or vendor/.",
        fix=(N("vendor the modules on a connected machine (go mod vendor) and copy the tree, or "
               "fill the module cache there and copy $GOMODCACHE"),
             N("or point GOPROXY at a module proxy this host can reach: go env -w GOPROXY=URL")),
        confirm=("GO-PROXY-OFF",),
        examples=("go: github.com/google/uuid@v1.6.0: module lookup disabled by GOPROXY=off",)),
    Signature(
        "GO-SUMDB-MISMATCH", "toolchain", "a module's checksum does not match",
        keys=("checksum mismatch",),
        patterns=(r"verifying (?P<module>[^@\s]+)@(?P<mversion>[^:\s]+?)(?:/go\.mod)?: checksum mismatch",),
        cause="The code downloaded for {module}@{mversion} is not what go.sum or the checksum "
              "database recorded: a retagged release, a proxy serving other content, or a "
              "corrupt module cache.",
        fix=(C("go", "clean", "-modcache", why="then build again; if it persists, the source changed"),
             N("never delete the go.sum line to silence it: find out why the content changed (a "
               "GOPROXY or GOPRIVATE path that serves other content, a retagged version)")),
        confirm=("GO-SUMDB-MISMATCH",),
        examples=("verifying github.com/x/y@v1.2.3: checksum mismatch",)),
    Signature(
        "GO-SUMDB-PRIVATE", "toolchain", "a private module was checked against the public checksum database",
        keys=("/lookup/",),
        patterns=(r"verifying (?:module: )?(?P<module>[^@\s]+)@(?P<mversion>\S+?)(?:/go\.mod)?: "
                  r"reading https://(?P<sumdb>\S+?)/lookup/\S+?(?:: (?:404 Not Found|410 Gone))?\s*$",),
        cause="{module} is not public, so {sumdb} does not know it; go checks every module "
              "that GOPRIVATE/GONOSUMDB do not exclude.",
        fix=(C("go", "env", "-w", "GOPRIVATE={module_root}/*", otherwise="go env -w GOPRIVATE=your.company.host/*"),),
        confirm=("GO-SUMDB-PRIVATE",),
        examples=("verifying module: git.corp.example/team/lib@v1.0.0: reading "
                  "https://sum.golang.org/lookup/git.corp.example/team/lib@v1.0.0: 404 Not Found",)),
    Signature(
        "GO-SUMDB-UNREACHABLE", "toolchain", "the checksum database cannot be reached",
        keys=("sum.golang.org", "verifying module", "verifying go.mod"),
        patterns=(r"verifying (?:module: |go\.mod: )?(?P<module>[^@\s]+)@(?P<mversion>\S+?)(?:/go\.mod)?: "
                  r"(?:\S+@\S+: )?(?:reading|Get) \"?https://(?P<sumdb>[^/\s\"]+)/(?:lookup|tile)\S*:? "
                  r"(?P<why>(?!404 Not Found|410 Gone).+)",
                  r"Get \"?https://(?P<sumdb>sum\.golang\.org)/[^\"\s]*\"?: (?P<why>.+)"),
        beats=NETWORK + ("GO-PROXY-UNREACHABLE",),
        cause="go checks downloaded modules against {sumdb} and cannot reach it ({why}); on "
              "an air-gapped host or behind a proxy that only serves modules this fails.",
        fix=(N("use a proxy that also serves the checksum database: "
               "go env -w GOSUMDB='sum.golang.org https://YOUR-PROXY/sumdb/sum.golang.org'"),
             # only when the text names sum.golang.org (explain/match.py, _china_values)
             C("go", "env", "-w", "GOPROXY={china_goproxy}",
               why="or, from mainland China, where sum.golang.org usually does not answer: "
                   "goproxy.cn serves its checksum database too (go asks the GOPROXY first)"),
             C("go", "env", "-w", "GOSUMDB={china_gosumdb}",
               why="or, from mainland China with GOPROXY=direct: the same sum.golang.org "
                   "database served from China (go knows its key)"),
             N("or exclude your private modules: go env -w GONOSUMDB=your.company.host/*"),
             N("or, accepting no verification, go env -w GOSUMDB=off (go.sum still checks "
               "what it lists)")),
        confirm=("GO-SUMDB-UNREACHABLE",),
        examples=("verifying module: github.com/google/uuid@v1.6.0: Get "
                  "\"https://sum.golang.org/lookup/github.com/google/uuid@v1.6.0\": dial tcp: "
                  "lookup sum.golang.org on 10.0.0.2:53: no such host",)),
    Signature(
        "GO-PROXY-UNREACHABLE", "toolchain", "the module proxy cannot be reached",
        keys=("proxy.golang.org", "/@v/", "proxyconnect tcp", "goproxy"),
        patterns=(r"Get \"?(?P<url>https?://(?P<proxy>[^/\"\s]+)/[^\"\s]*/@(?:v|latest)[^\"\s]*)\"?: (?P<why>.+)",
                  r"(?:dial tcp: )?lookup (?P<proxy>proxy\.golang\.org|goproxy\.\S+?)(?: on \S+)?: (?P<why>.+)",
                  r"Get \"?(?P<url>https?://(?P<proxy>proxy\.golang\.org|goproxy\.[^/\"\s]+)[^\"\s]*)\"?: (?P<why>.+)",
                  r"proxyconnect tcp: (?P<why>.+)"),
        beats=NETWORK,
        cause="go downloads modules through GOPROXY ({proxy}) and could not reach it ({why}).",
        fix=(N("point GOPROXY at a module proxy this host can reach: go env -w GOPROXY=URL,direct "
               "(a company mirror)"),
             # only when the text names proxy.golang.org (explain/match.py, _china_values)
             C("go", "env", "-w", "GOPROXY={china_goproxy}",
               why="or, from mainland China, where proxy.golang.org usually does not answer: "
                   "the goproxy.cn module proxy"),
             C("go", "env", "-w", "GOPROXY={china_goproxy_aliyun}",
               why="or, from mainland China: Alibaba Cloud's module proxy"),
             N("or vendor the modules on a connected machine (go mod vendor) and build with "
               "-mod=vendor"),
             N("behind an HTTP proxy: export HTTPS_PROXY=http://HOST:PORT for go")),
        confirm=("GO-PROXY-UNREACHABLE", "GO-PROXY-HTTP-PROXY-INVALID"),
        examples=("go: github.com/google/uuid@v1.6.0: Get \"https://proxy.golang.org/github.com/google/uuid/@v/v1.6.0.mod\": "
                  "dial tcp 142.250.72.81:443: i/o timeout",
                  "dial tcp: lookup proxy.golang.org on 127.0.0.53:53: server misbehaving")),
    Signature(
        "GO-PRIVATE-AUTH", "toolchain", "git cannot authenticate to a private repository",
        keys=("could not read Username for", "terminal prompts disabled"),
        patterns=(r"could not read Username for '(?P<url>https?://[^']+)': terminal prompts disabled",),
        cause="go fetches modules that GOPRIVATE (or a 404 from the proxy) sends to git "
              "directly, and git has no credentials for {url} (go disables git's prompt).",
        fix=(N("give git credentials for {url}: a ~/.netrc line (machine HOST login USER password TOKEN), "
               "or git config --global url.\"git@HOST:\".insteadOf \"https://HOST/\" with an ssh key"),
             N("and mark the modules private: go env -w GOPRIVATE=HOST/ORG/*")),
        confirm=("GO-SUMDB-PRIVATE", "GO-PROXY-CREDENTIALS"),
        examples=("fatal: could not read Username for 'https://github.com': terminal prompts disabled",)),
    Signature(
        "GO-BUILDVCS", "toolchain", "go cannot stamp the build with its git status",
        keys=("error obtaining VCS status", "detected dubious ownership in repository"),
        patterns=(r"error obtaining VCS status: (?P<why>.+)",
                  r"detected dubious ownership in repository at '(?P<dir>[^']+)'"),
        cause="Go 1.18+ records the git revision in the binary and runs git for it: git refuses "
              "a repository owned by another user (a CI checkout, a volume, sudo), or is missing.",
        fix=(N("tell git the directory is safe: git config --global --add safe.directory {dir}",
               otherwise="tell git the directory is safe: git config --global --add safe.directory DIR"),
             N("or build without the stamp: go build -buildvcs=false (GOFLAGS=-buildvcs=false)")),
        examples=("error obtaining VCS status: exit status 128",
                  "fatal: detected dubious ownership in repository at '/src/app'")),
    Signature(
        "GO-NO-GIT", "toolchain", "go needs git to fetch a module and git is not installed",
        keys=('exec: "git": executable file not found', "missing Git command"),
        patterns=(r'exec: "git": executable file not found in \$PATH', r"missing Git command"),
        cause="A module is fetched from its repository directly (GOPRIVATE, GOPROXY=direct, or "
              "a proxy that did not have it) and git is not installed (minimal images lack it).",
        fix=(C("dnf", "install", "-y", "git"),
             N("or fetch through a module proxy: go env -w GOPROXY=https://proxy.golang.org,direct")),
        examples=('go: github.com/x/y@v1.2.3: git init --bare in /root/go/pkg/mod/cache/vcs/abc: exec: '
                  '"git": executable file not found in $PATH',
                  "go: missing Git command. See https://golang.org/s/gogetcmd")),
    Signature(
        "GO-TMP-NOEXEC", "toolchain", "go run / go test cannot execute what it built in /tmp",
        keys=("go-build",),
        patterns=(r"fork/exec (?P<path>/\S*/go-build\S+): permission denied",),
        cause="`go run` and `go test` build the program under TMPDIR (/tmp) and execute it "
              "there; /tmp is mounted noexec (hardened hosts, CIS profiles).",
        fix=(N("build in a directory that allows executing: export GOTMPDIR=$HOME/.cache/go-tmp "
               "(mkdir -p it), or go env -w GOTMPDIR=..."),),
        beats=("BIN-ELF-NOT-EXECUTABLE", "SVC-EXEC-NOEXEC"),
        examples=("fork/exec /tmp/go-build2937461/b001/exe/main: permission denied",)),
    Signature(
        "SYS-DISK-FULL", "system", "the disk is full",
        keys=("no space left on device", "No space left on device"),
        patterns=(r"(?i)(?:(?P<path>/\S+?): )?no space left on device",),
        cause="A file system is full{path}: builds (the Go build cache, /tmp), downloads and "
              "logs fail where they write.",
        fix=(C("df", "-h", why="which file system"),
             N("free space there: go clean -cache (the build cache, often gigabytes), dnf clean "
               "all, journalctl --vacuum-size=500M; or point GOCACHE/GOTMPDIR at a larger disk")),
        examples=("go: creating work dir: mkdir /tmp/go-build12345: no space left on device",)),
    Signature(
        "SYS-OOM-BUILD", "toolchain", "the compiler was killed for memory",
        keys=("signal: killed",),
        patterns=(r"(?P<tool>/\S+/(?:compile|link|asm|cgo|vet)): signal: killed",
                  r"^(?:# \S+\n)?(?:compile|link): signal: killed"),
        cause="The kernel's OOM killer (or a container's memory limit) killed {tool}: building "
              "this package needs more memory than the host or container has.",
        fix=(N("build with fewer parallel jobs: go build -p 1 (or GOFLAGS=-p=1), and close other "
               "memory users; or give the build host/container more memory or swap"),),
        examples=("/usr/local/go/pkg/tool/linux_amd64/compile: signal: killed",)),
    Signature(
        "GO-MOD-TIDY", "toolchain", "go.mod is out of date with the code",
        keys=("updates to go.mod needed",),
        patterns=(r"updates to go\.mod needed",),
        cause="The code imports what go.mod does not require (or go.mod has changed), and since "
              "Go 1.16 the build does not update go.mod by itself.",
        fix=(C("go", "mod", "tidy", why="where the module proxy is reachable; commit go.mod and go.sum"),),
        confidence=HIGH,
        examples=("go: updates to go.mod needed; to update it:",)),
    Signature(
        "GO-MODULE-PRIVATE", "toolchain", "the public proxy does not have a (private) module",
        keys=("410 Gone", "404 Not Found"),
        patterns=(r"(?P<module>[^\s@]+)@(?P<mversion>\S+): reading https://(?P<proxy>[^/\s]+)/\S+/@v/\S+: "
                  r"(?P<status>410 Gone|404 Not Found)",),
        cause="{proxy} does not serve {module}@{mversion}: a private module (the public proxy "
              "cannot see it), or a version that does not exist.",
        fix=(C("go", "env", "-w", "GOPRIVATE={module_root}/*", otherwise="go env -w GOPRIVATE=your.host/*",
               why="private modules are fetched from their repository, with git's credentials"),
             N("or check the version exists: git ls-remote the repository")),
        beats=("GO-SUMDB-PRIVATE",),
        confidence=MEDIUM,
        examples=("go: git.corp.example/team/lib@v1.0.0: reading https://proxy.golang.org/git.corp.example/"
                  "team/lib/@v/v1.0.0.mod: 410 Gone",)),
    Signature(
        "GO-MODULES-INVALID", "toolchain", "GO111MODULE has a value go does not know",
        keys=("unknown environment setting GO111MODULE",),
        patterns=(r"unknown environment setting GO111MODULE=(?P<value>\S*)",),
        cause="GO111MODULE={value} is none of on, off and auto.",
        fix=(C("go", "env", "-u", "GO111MODULE"), N("and unset GO111MODULE in the environment")),
        confirm=("GO-MODULES-INVALID", "GO-PROBE-FAILED"),
        examples=("go: unknown environment setting GO111MODULE=yes",)),
]

# Read from a pasted `go env` listing (explain/goenv.py compares its lines): no single
# line is the message, so these have no keys.
SIGNATURES += [
    Signature(
        "GO-MODULES-GOPATH", "toolchain", "GOPATH is the Go install itself", variant="go-env",
        keys=(), patterns=(),
        cause="GOPATH and GOROOT are both {goroot}: downloaded modules (GOMODCACHE) and `go "
              "install`ed programs land inside the Go install, which an upgrade replaces, and "
              "go warns on every run.",
        fix=(C("go", "env", "-u", "GOPATH", why="the default is ~/go"),
             N("and remove GOPATH= from the environment and profile scripts")),
        confirm=("GO-MODULES-GOPATH",),
        examples=('GOPATH="/usr/local/go"\nGOROOT="/usr/local/go"\nGOMODCACHE="/usr/local/go/pkg/mod"',)),
    Signature(
        "GO-ROOT-MISSING", "toolchain", "GOROOT points at Go's bin directory", variant="go-env",
        keys=(), patterns=(),
        cause="GOROOT is {goroot}, the bin directory, not the Go tree above it: go cannot find "
              "the standard library (`cannot find module for path bytes`, `package fmt is not "
              "in GOROOT`).",
        fix=(C("go", "env", "-u", "GOROOT"),
             N("and remove GOROOT= from the environment and profile scripts (go finds its own "
               "root); PATH, not GOROOT, takes the bin directory")),
        confirm=("GO-ROOT-MISSING", "GO-ROOT-MISMATCH", "GO-ENVFILE-GOROOT"),
        beats=("GO-ROOT-MISMATCH",),
        examples=('GOARCH="amd64"\nGOPATH="/home/matt/go"\nGOROOT="/usr/local/go/bin"',)),
]
