"""Facts about Go that the toolchain checks compare a host against.

Each fact notes where it comes from; the messages quoted are what real toolchains print
(tests/test_realgo_*.py reproduce them with Go 1.19, 1.21 and 1.27).
"""

# Where Go installs live on RHEL-family hosts (and on Debian, for the test machine):
#   /usr/local/go     the go.dev tarball's documented location
#   /usr/lib/golang   the EL golang package (EPEL on EL7, AppStream on EL8+)
#   /usr/lib/go-1.NN  Debian/Ubuntu golang-1.NN-go
#   /opt/go*          hand-made installs
#   ~/sdk/go1.NN.N    golang.org/dl/go1.NN.N ("go1.22.1 download")
#   ~/go              the default GOPATH, but also where people untar the tarball
SYSTEM_INSTALL_DIRS = ("/usr/local/go", "/usr/lib/golang", "/usr/lib/go")
SYSTEM_INSTALL_GLOBS = (("/usr/lib", "go-"), ("/opt", "go"), ("/usr/local", "go"))
HOME_INSTALL_GLOBS = (("sdk", "go"),)
HOME_INSTALL_DIRS = ("go", ".go", "go/go")

# systemd's compiled-in PATH for services (DEFAULT_PATH in systemd's path-util.h):
# split-/usr builds (EL7, systemd 219) append /sbin:/bin; later EL releases do not.
SYSTEMD_PATH_SPLIT_USR = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
SYSTEMD_PATH_MERGED_USR = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"


def systemd_default_path(el_major):
    if el_major is not None and el_major <= 7:
        return SYSTEMD_PATH_SPLIT_USR
    return SYSTEMD_PATH_MERGED_USR


# The Go variables that gotriage asks `go env -json` for.  Naming them keeps the probe
# under 10 ms; the full `go env` runs the C compiler (100-200 ms).  Variables a toolchain
# does not know come back as "" (they are just environment look-ups).
PROBE_VARS = ("GOROOT", "GOVERSION", "GOPATH", "GOCACHE", "GOMODCACHE", "GOENV", "GOFLAGS",
              "GO111MODULE", "GOTOOLCHAIN", "GOPROXY", "GOSUMDB", "GOPRIVATE", "GONOSUMDB",
              "GONOPROXY", "CGO_ENABLED", "CC", "GOOS", "GOARCH")

# Language and tool features, by the Go release that brought them: (release, what it is,
# the release notes that say so).  The language features are what parsers/gosource.py
# finds in a project's sources (GO-VERSION-FEATURE names the file, line and release).
FEATURES = {
    "number-literals": ((1, 13), "binary/octal literals and _ digit separators (0b1, 0o7, "
                                 "1_000)", "https://go.dev/doc/go1.13#language"),
    "embed": ((1, 16), "//go:embed and package embed", "https://go.dev/doc/go1.16#library-embed"),
    "install-at-version": ((1, 16), "go install pkg@version",
                           "https://go.dev/doc/go1.16#go-command"),
    "modules-default": ((1, 16), "module mode by default (GO111MODULE=on)",
                        "https://go.dev/doc/go1.16#modules"),
    "unsafe-add": ((1, 17), "unsafe.Add and unsafe.Slice", "https://go.dev/doc/go1.17#language"),
    "generics": ((1, 18), "type parameters (generics)", "https://go.dev/doc/go1.18#generics"),
    "any": ((1, 18), "the predeclared any (alias of interface{})",
            "https://go.dev/doc/go1.18#generics"),
    "cgo-auto-off": ((1, 20), "cgo off by default when no C compiler is found",
                     "https://go.dev/doc/go1.20#cgo"),
    "unsafe-string": ((1, 20), "unsafe.String, unsafe.StringData and unsafe.SliceData",
                      "https://go.dev/doc/go1.20#language"),
    "min-max": ((1, 21), "the min and max builtins", "https://go.dev/doc/go1.21#language"),
    "clear": ((1, 21), "the clear builtin", "https://go.dev/doc/go1.21#language"),
    "toolchain-directive": ((1, 21), "the go.mod toolchain line and GOTOOLCHAIN switching",
                            "https://go.dev/doc/go1.21#tools"),
    "three-part-go-line": ((1, 21), "a go line with a patch release (go 1.21.0)",
                           "https://go.dev/doc/toolchain#version"),
    "go-env-file-in-goroot": ((1, 21), "$GOROOT/go.env defaults", "https://go.dev/doc/go1.21#tools"),
    "range-int": ((1, 22), "range over an integer (for i := range 10)",
                  "https://go.dev/doc/go1.22#language"),
    "range-func": ((1, 23), "range over a function (an iterator: range seq, "
                            "maps.Keys(m)...)", "https://go.dev/doc/go1.23#language"),
    "strings-seq": ((1, 24), "the iterator functions of strings and bytes (Lines, SplitSeq, "
                             "FieldsSeq...)", "https://go.dev/api/go1.24.txt"),
    "generic-alias": ((1, 24), "generic type aliases (type A[T any] = ...)",
                      "https://go.dev/doc/go1.24#language"),
}

# go.mod directives newer than the first go.mod grammar, by the release that reads them:
# an older go stops at them (`go.mod:N: unknown directive: godebug`, measured with go1.19.8
# and go1.21.13 in tests/test_realgo_gomod.py).  Release notes: go.dev/doc/go1.21#tools
# (toolchain), go1.23#go-command (godebug), go1.24#tools (tool), go1.25#go-command (ignore).
GOMOD_DIRECTIVES = {
    "toolchain": ((1, 21), "https://go.dev/doc/go1.21#tools"),
    "godebug": ((1, 23), "https://go.dev/doc/go1.23#go-command"),
    "tool": ((1, 24), "https://go.dev/doc/go1.24#tools"),
    "ignore": ((1, 25), "https://go.dev/doc/go1.25#go-command"),
}

# The FEATURES the compiler refuses below the go line's language version ("type parameter
# requires go1.18 or later (-lang was set to go1.17; check go.mod)", measured with go1.19.8,
# go1.21.13 and go1.27.3: tests/test_realgo_gomod.py).  Not these: a standard-library
# function (strings.SplitSeq) is the toolchain's, and go1.27.3 builds a generic alias in a
# module whose go line is 1.23.
LANG_GATED = ("number-literals", "embed", "unsafe-add", "generics", "any", "unsafe-string",
              "min-max", "clear", "range-int", "range-func")

# The FEATURES that parsers/gosource.py finds in source files.
SOURCE_FEATURES = ("number-literals", "embed", "unsafe-add", "generics", "any", "unsafe-string",
                   "min-max", "clear", "range-int", "range-func", "strings-seq", "generic-alias")

# Standard-library packages newer than Go 1.12, by the release whose api/go1.N.txt first
# lists them (go.dev/api/go1.N.txt; go.dev/doc/go1.N names each "new package").
# Experiments (arena, encoding/json/v2) are left out: no release has them by default.
STD_PACKAGES = {
    "crypto/ed25519": (1, 13), "hash/maphash": (1, 14), "io/fs": (1, 16),
    "runtime/metrics": (1, 16), "testing/fstest": (1, 16), "go/build/constraint": (1, 16),
    "debug/buildinfo": (1, 18), "net/netip": (1, 18), "go/doc/comment": (1, 19),
    "crypto/ecdh": (1, 20), "cmp": (1, 21), "log/slog": (1, 21), "maps": (1, 21),
    "slices": (1, 21), "testing/slogtest": (1, 21), "go/version": (1, 22),
    "math/rand/v2": (1, 22), "iter": (1, 23), "structs": (1, 23), "unique": (1, 23),
    "crypto/fips140": (1, 24), "crypto/hkdf": (1, 24), "crypto/mlkem": (1, 24),
    "crypto/pbkdf2": (1, 24), "crypto/sha3": (1, 24), "weak": (1, 24),
    "testing/synctest": (1, 25), "crypto/hpke": (1, 26),
}


def missing_std_package(version, path, goroot):
    """What go prints for an import of a standard package its release does not have, in
    module mode (measured: go1.19.8 'is not in GOROOT', go1.21.13 'is not in std'; the
    wording changed in Go 1.21)."""
    from gotriage.parsers.goenv import parse_version

    v = (parse_version(version) or (0, 0))[:2]
    return "package %s is not in %s (%s/src/%s)" % (
        path, "std" if v >= (1, 21) else "GOROOT", goroot.rstrip("/"), path)


def gopath_is_goroot_warning(version, path):
    """What go prints on a build when GOPATH equals GOROOT, by release (measured with real
    toolchains: 1.19.8, 1.22.10 and 1.23.9 print the first form, 1.24.11 to 1.27.3 the
    second; 1.21.13 prints nothing in module mode).  None when it prints nothing."""
    from gotriage.parsers.goenv import parse_version

    v = (parse_version(version) or (0, 0))[:2]
    if v >= (1, 24):
        return ("warning: both GOPATH and GOROOT are the same directory (%s); see "
                "https://go.dev/wiki/InstallTroubleshooting" % path)
    if v == (1, 21):
        return None
    return "warning: GOPATH set to GOROOT (%s) has no effect" % path


# Go 1.12 made the build cache mandatory.
CACHE_REQUIRED_SINCE = (1, 12)

# The limits below which a Go server runs out of room: open files (a descriptor per
# connection, file and pipe; Go 1.19+ raises its soft limit to the hard one, not past it,
# go.dev/doc/go1.19) and processes (RLIMIT_NPROC counts every thread of the user, and
# the runtime starts OS threads for blocking system calls).  gotriage's own thresholds,
# used by the system layer (limits.conf, this session) and the service layer (Limit*=).
NOFILE_MIN = 4096
NPROC_MIN = 1024

# Package names that provide the C toolchain cgo needs, by package manager.
CGO_PACKAGES = {
    "dnf": {"cc": "gcc", "headers": "glibc-devel"},
    "yum": {"cc": "gcc", "headers": "glibc-devel"},
    "apt-get": {"cc": "gcc", "headers": "libc6-dev"},
}

# A golang package per package manager (EL7: EPEL; EL8+: AppStream).
GOLANG_PACKAGE = {"dnf": "golang", "yum": "golang", "apt-get": "golang-go"}

GO_DOWNLOAD_URL = "https://go.dev/dl/"
REFERENCES = {
    "toolchains": "https://go.dev/doc/toolchain",
    "install": "https://go.dev/doc/install",
    "modules": "https://go.dev/ref/mod",
    "gocache": "https://pkg.go.dev/cmd/go#hdr-Build_and_test_caching",
    "cgo": "https://pkg.go.dev/cmd/cgo",
    "goproxy": "https://go.dev/ref/mod#goproxy-protocol",
    "environment": "https://pkg.go.dev/cmd/go#hdr-Environment_variables",
}
