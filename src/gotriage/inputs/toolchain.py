"""What the toolchain layer reads: where Go is installed, the execution contexts, what go
says in each, the go env files, the project (facts/toolchain.py, facts/contexts.py)."""

from gotriage.i18n import N_
from gotriage.inputs.spec import (
    QUICK,
    Command,
    Connect,
    File,
    Input,
    Layer,
    Listing,
    Meta,
    Need,
)

SYSTEMD_STUCK = N_("systemd (PID 1) or D-Bus is stuck")

INPUTS = Layer("toolchain", [
    # the release, for package names and systemd's compiled-in PATH
    File("os-release", "/etc/os-release", "which release this is: package names, systemd's "
                                          "compiled-in PATH"),
    File("os-release-lib", "/usr/lib/os-release", "the same, where /etc/os-release is missing"),
    # contexts
    File("passwd", "/etc/passwd", "users, their homes and shells (the contexts' users)"),
    File("group", "/etc/group", "a --user's groups (what it may write)"),
    File("sudoers", "/etc/sudoers", "sudo's policy: env_reset, env_keep, secure_path"),
    File("sudoers-include", "{path}", "a file sudoers includes (#include, @include)"),
    Listing("sudoers-includedir", "{dir}", "a directory sudoers includes (#includedir)"),
    Command("systemd-environment", ["systemctl", "show-environment"],
            "the environment systemd gives services (their PATH)", timeout=QUICK,
            need=Need(None, SYSTEMD_STUCK, N_("the systemd context below uses systemd's "
                                           "compiled-in PATH for this release"),
                      context="systemd")),
    Command("login-environment", ["su", "-", "{user}", "-c", "env -0"],
            "a --user's login environment (an explicit opt-in)", timeout=15),
    # installs
    Listing("homes", "/home", "users' homes: Go under ~/go, ~/sdk/go*"),
    Listing("install-parent", "{dir}", "hand-made installs: /usr/lib/go-*, /opt/go*, "
                                       "/usr/local/go*, ~/sdk/go*"),
    Meta("install-go", "{root}/bin/go", "whether a directory is a Go root"),
    Meta("install-root", "{root}", "a Go root's real path (symlinks resolved)"),
    File("install-version", "{root}/VERSION", "a Go root's release"),
    Meta("install-tools", "{root}/pkg/tool", "Go's own test of a complete root"),
    File("install-defaults", "{root}/go.env", "a Go root's default settings (Go 1.21+)"),
    Meta("go-on-path", "{dir}/{name}", "which go (or C compiler) each context's PATH runs"),
    Meta("go-binary", "{path}", "the real path of a go found on PATH"),
    # what go says
    Command("go-env", ["{go}", "env", "-json", "{vars*}"],
            "what go says in a context: GOROOT, GOVERSION, caches, proxies (GOTOOLCHAIN=local, "
            "from /)"),
    Meta("setting-dir", "{path}", "whether a GOROOT that is not a Go root is a directory "
                                  "(go then looks for the standard library in it)"),
    File("go-env-file", "{path}", "the go env file of a context ($GOENV, "
                                  "~/.config/go/env)", max_bytes=1024 * 1024),
    Meta("cache-dir", "{path}", "whether a context's user can write GOCACHE, GOMODCACHE, "
                                "GOPATH (the directory or its nearest parent)"),
    # the project
    Meta("project", "{dir}", "the project directory (--project, else the current one)"),
    Listing("project-files", "{dir}", "its .go files, Makefiles and scripts"),
    File("go-mod", "{dir}/go.mod", "the module's go.mod (go and toolchain lines)",
         max_bytes=4 * 1024 * 1024),
    Meta("vendor", "{dir}/vendor/modules.txt", "whether the module is vendored"),
    File("project-file", "{dir}/{name}", "a Makefile or script (`go install pkg@version`)",
         max_bytes=1024 * 1024),
    # the module's packages, when a check needs them (facts/toolchain_sources.py): at most
    # 1,000 directories, 2,000 .go files and 8 MB, vendor/ and testdata/ left out
    Listing("module-dir", "{dir}", "each directory of the module: its .go files and "
                                   "subdirectories (packages)"),
    Meta("module-entry", "{dir}/{name}", "whether an entry of a module directory is a "
                                         "directory (a package)"),
    File("go-source", "{dir}/{name}", "a .go file of the module: its imports and the "
                                      "language features it uses (//go:embed, generics, "
                                      "min/max, range over int or func...)",
         max_bytes=1024 * 1024),
    # GOPATH mode: where it looks for an import
    Meta("gopath-package", "{root}/src/{path}", "GOPATH mode: whether an import is in "
                                                "$GOROOT/src or a $GOPATH/src (a directory)"),
    Meta("gopath-vendor", "{root}/vendor/{path}", "GOPATH mode: whether a project inside "
                                                  "$GOPATH/src vendors an import"),
    # cgo, proxies
    Meta("c-compiler", "{path}", "the C compiler CC names, when CC is a path"),
    Meta("libc-headers", "/usr/include/stdlib.h", "glibc's headers (cgo)"),
    File("netrc", "{path}", "the .netrc go reads ($NETRC, ~/.netrc): its machines and its "
                            "mode (passwords are never kept)", max_bytes=1024 * 1024),
    Connect("proxy", "--network only: a TCP connection to the module proxy go would use"),
    File("go-sum", "{dir}/go.sum", "the module's go.sum: which required modules go has "
                                   "verified (the others are looked up in GOSUMDB)",
         max_bytes=16 * 1024 * 1024),
    File("module-ziphash", "{cache}/cache/download/{path}/@v/{version}.ziphash",
         "the hash go computed for a required module it has in its cache (go.sum must "
         "agree: SECURITY ERROR), at most 300 modules", max_bytes=4096),
    Input("connect", "sumdb", ["http-get", "{url}", "{via*}"],
          "--network only: the checksum database's route as go finds it: "
          "GOPROXY/sumdb/NAME/supported, then NAME/latest (never a module lookup)"),
])
