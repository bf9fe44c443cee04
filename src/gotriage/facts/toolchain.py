"""Facts for the toolchain layer, gathered through the Host.

This is the only toolchain code that touches the host: it finds Go installs, builds the
execution contexts, runs the one probe (`go env -json NAME...` with GOTOOLCHAIN=local, so
probing never downloads a toolchain), and reads go env files and the project.  The checks
in checks/toolchain.py only look at these records.
"""

import posixpath
import re

from gotriage.facts.base import Facts
from gotriage.facts.contexts import (
    login_context,
    lookup_user,
    shell_context,
    sudo_context,
    systemd_context,
)
from gotriage.facts.inputs import Inputs, Need, Words
from gotriage.facts.toolchain_sources import walk_module
from gotriage.facts.toolchain_sumdb import probe_route
from gotriage.host.base import HostError
from gotriage.i18n import N_, _
from gotriage.inputs.reader import reader_of
from gotriage.inputs.toolchain import INPUTS
from gotriage.knowledge.go import (
    HOME_INSTALL_DIRS,
    HOME_INSTALL_GLOBS,
    PROBE_VARS,
    SYSTEM_INSTALL_DIRS,
    SYSTEM_INSTALL_GLOBS,
)
from gotriage.parsers.goenv import (
    env_file_values,
    parse_go_env_file,
    parse_go_env_json,
    parse_version,
    read_version_file,
)
from gotriage.parsers.gomod import parse_gomod
from gotriage.parsers.gosum import escape_path, parse_gosum
from gotriage.parsers.os_release import el_major, package_manager, parse_os_release

# `go install example.com/cmd/x@v1.2.3` (or @latest) in a Makefile or script: Go 1.16+.
_INSTALL_AT_VERSION = re.compile(r"\bgo\s+install\s+(?:-\S+\s+)*[\w.\-/]+@\S+")


class GoInstall(object):
    """A Go root on the host: <root>/bin/go, <root>/VERSION, <root>/pkg/tool."""

    def __init__(self, root, go, version, valid, found_as):
        self.root = root
        self.go = go
        self.version = version  # "go1.21.13" from VERSION, or None
        self.valid = valid  # Go's own test: <root>/pkg/tool is a directory
        self.found_as = list(found_as)
        self.defaults = {}  # $GOROOT/go.env (Go 1.21+): {NAME: EnvFileLine}

    @property
    def version_tuple(self):
        return parse_version(self.version)

    @property
    def bindir(self):
        return posixpath.join(self.root, "bin")

    @property
    def version_text(self):
        """The version for a sentence: 'an unknown version' rather than None."""
        return self.version or "an unknown version"

    def describe(self):
        return _("%(version)s at %(root)s") % {"version": self.version or _("unknown version"),
                                               "root": self.root}

    def __repr__(self):
        return "GoInstall(%s, %s)" % (self.root, self.version)


class EnvFile(object):
    """The go env file of a context (`go env GOENV`)."""

    def __init__(self, path, text=None, error=None):
        self.path = path
        self.error = error  # a HostError when it exists but cannot be read
        self.lines = parse_go_env_file(text) if text is not None else []
        self.values = env_file_values(self.lines)
        self.exists = text is not None or (error is not None and not error.missing)


class Probe(object):
    """`go env -json` as run in one context by the go that context's PATH finds."""

    def __init__(self, context, go_path, go_real, install, result, values):
        self.context = context
        self.go_path = go_path
        self.go_real = go_real
        self.install = install
        self.result = result
        self.values = values  # dict, or None when the probe failed

    @property
    def ok(self):
        return self.values is not None

    def get(self, name, default=""):
        return (self.values or {}).get(name, default)

    @property
    def version(self):
        return self.get("GOVERSION") or (self.install.version if self.install else "")


class Project(object):
    """The Go project directory (`--project`, default the current directory)."""

    def __init__(self, directory):
        self.directory = directory
        self.exists = False
        self.go_files = []
        self.gomod_path = None
        self.gomod = None
        self.vendor = False
        self.install_at_version = None  # (path, line) of a `go install pkg@version`


class ToolchainFacts(Facts):
    """Everything the toolchain checks look at, computed once, on demand."""

    def __init__(self, host, project_dir=None, users=(), network=False, timeout=None):
        self.host = host
        self.project_dir = project_dir
        self.users = list(users)
        self.network = network
        self._cache = {}
        self.notes = []  # what could not be examined, for the report
        # the commands read besides the go under test (GO-INPUT; a go that hangs is
        # GO-PROBE-FAILED, one not started before the run's deadline is kept here too)
        self.inputs = Inputs()
        # every read of the host goes through the declared inputs (inputs/toolchain.py)
        self.io = reader_of(host, {"timeout": timeout}).layer(INPUTS, self.inputs)

    @classmethod
    def from_options(cls, host, options):
        return cls(host, project_dir=options.get("project"), users=options.get("users", ()),
                   network=options.get("network", False), timeout=options.get("timeout"))

    def _memo(self, key, compute):
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    # -- the system ------------------------------------------------------------------------
    @property
    def os_release(self):
        def compute():
            for key in ("os-release", "os-release-lib"):
                text = self.io.read_text(key)
                if text is not None:
                    return parse_os_release(text)
            return {}
        return self._memo("os_release", compute)

    @property
    def el_major(self):
        return el_major(self.os_release)

    @property
    def package_manager(self):
        return package_manager(self.os_release)

    # -- contexts --------------------------------------------------------------------------
    @property
    def contexts(self):
        def compute():
            shell = shell_context(self.io)
            contexts = [shell]
            sudo = sudo_context(self.io, shell)
            if sudo is not None:
                contexts.append(sudo)
            elif shell.identity.uid != 0:
                self.notes.append(_("sudo context not examined: /etc/sudoers is not readable "
                                    "(run gotriage as root)"))
            contexts.append(systemd_context(self.io, self.el_major))
            for user in self.users:
                ctx, problem = login_context(self.io, user)
                if ctx is None:
                    if problem:
                        self.notes.append(problem)
                else:
                    contexts.append(ctx)
            return contexts
        return self._memo("contexts", compute)

    def _prefetch_probes(self):
        """Start every context's `go env -json` together when the first is asked for
        (probe() below asks for them one context after another; each is a go process of its
        own).  Not when the contexts are made: the system layer reads them too, and runs
        no go env."""
        calls = []
        for ctx in self.contexts:
            go, _where = self.io.which("go-on-path", "go", ctx.path)
            if go is not None:
                env = dict(ctx.env)
                env["GOTOOLCHAIN"] = "local"  # as probe() runs it, so that it finds the answer
                calls.append(("go-env", {"env": env, "cwd": "/", "go": go, "vars": PROBE_VARS}))
        self.io.prefetch(calls)

    # -- installs --------------------------------------------------------------------------
    def _homes(self):
        homes = []
        for ctx in self.contexts:
            for home in (ctx.env.get("HOME"), ctx.identity.home):
                if home and home not in homes:
                    homes.append(home)
        for name in self.io.try_listdir("homes"):
            path = posixpath.join("/home", name)
            if path not in homes:
                homes.append(path)
        return homes

    @property
    def installs(self):
        """Every Go root found on the host, by its real path, most recent first."""
        def compute():
            candidates = []  # (dir, how it was found)
            for d in SYSTEM_INSTALL_DIRS:
                candidates.append((d, d))
            for parent, prefix in SYSTEM_INSTALL_GLOBS:
                for path in self.io.glob("install-parent", lambda n, p=prefix: n.startswith(p),
                                         dir=parent):
                    candidates.append((path, path))
            for home in self._homes():
                for sub in HOME_INSTALL_DIRS:
                    candidates.append((posixpath.join(home, sub), posixpath.join(home, sub)))
                for sub, prefix in HOME_INSTALL_GLOBS:
                    base = posixpath.join(home, sub)
                    for path in self.io.glob("install-parent", lambda n, p=prefix: n.startswith(p),
                                             dir=base):
                        candidates.append((path, path))
            for ctx in self.contexts:
                go, _where = self.io.which("go-on-path", "go", ctx.path)
                if go:
                    real = self.io.realpath("go-binary", path=go)
                    candidates.append((posixpath.dirname(posixpath.dirname(real)),
                                       "%s (on the PATH of %s)" % (go, ctx.label)))
                goroot = ctx.env.get("GOROOT")
                if goroot:
                    candidates.append((goroot, "GOROOT in %s" % ctx.label))
                envfile = self.env_file(ctx)
                if envfile is not None and "GOROOT" in envfile.values:
                    candidates.append((envfile.values["GOROOT"].value,
                                       "GOROOT in %s" % envfile.path))
            found = {}
            for directory, how in candidates:
                install = self._install_at(directory, how, found)
                if install is not None and how not in install.found_as:
                    install.found_as.append(how)
            return sorted(found.values(), key=lambda i: (i.version_tuple or (0,), i.root),
                          reverse=True)
        return self._memo("installs", compute)

    def _install_at(self, directory, how, found):
        st = self.io.try_stat("install-go", root=directory)
        if st is None or not st.is_file:
            return None
        root = self.io.realpath("install-root", root=directory)
        if root in found:
            return found[root]
        version = read_version_file(self.io.read_text("install-version", root=root))
        valid = self.io.is_dir("install-tools", root=root)
        install = GoInstall(root, posixpath.join(root, "bin", "go"), version, valid, [])
        defaults = self.io.read_text("install-defaults", root=root)
        if defaults is not None:
            install.defaults = env_file_values(parse_go_env_file(defaults))
        found[root] = install
        return install

    def install_of(self, go_real):
        """The install whose bin/go is `go_real` (a real path), if any."""
        for install in self.installs:
            if install.go == go_real:
                return install
        return None

    def nearest_existing(self, path):
        """(path, stat) of `path` if it exists, else of its nearest existing parent; (path
        judged, None) when not even / answers: where go would create a cache directory."""
        current = path
        while True:
            st = self.io.try_stat("cache-dir", path=current)
            if st is not None:
                return current, st
            parent = posixpath.dirname(current)
            if parent == current:
                return current, None
            current = parent

    def is_dir(self, path):
        """Whether a directory a setting names (GOROOT) exists."""
        return self.io.is_dir("setting-dir", path=path)

    def install_at(self, root):
        real = self.io.realpath("install-root", root=root) if root else None
        for install in self.installs:
            if install.root == real:
                return install
        return None

    # -- probes ----------------------------------------------------------------------------
    def probe(self, ctx):
        """The go on ctx's PATH and what `go env -json` says there (None: no go on PATH)."""
        def compute():
            self._memo("probes-prefetched", self._prefetch_probes)
            go, _where = self.io.which("go-on-path", "go", ctx.path)
            if go is None:
                return None
            real = self.io.realpath("go-binary", path=go)
            env = dict(ctx.env)
            env["GOTOOLCHAIN"] = "local"  # never let the probe switch or download toolchains
            # a go that hangs is GO-PROBE-FAILED (go is the subject); one not started before
            # the run's deadline is GO-INPUT-HUNG
            result = self.io.run("go-env", env=env, cwd="/", go=go, vars=PROBE_VARS, note=False)
            result.context_label = ctx.label
            if result.error == "deadline":
                unknown = Words(N_("what go says in %(context)s is unknown"), context=ctx.label)
                self.inputs.note(result, Need(None, "", unknown,
                                              context=ctx.name))
            values = parse_go_env_json(result.text) if result.ok else None
            return Probe(ctx, go, real, self.install_of(real), result, values)
        return self._memo(("probe", ctx.name), compute)

    def path_skipped(self, ctx):
        """PATH entries of ctx holding a 'go' that is not executable."""
        return self.io.which("go-on-path", "go", ctx.path)[1]

    def go_on_path_all(self, ctx):
        """Every executable go on ctx's PATH, in PATH order: [(path, realpath)]."""
        out = []
        for entry in ctx.path.split(":"):
            if not entry.startswith("/"):
                continue
            candidate = posixpath.join(entry, "go")
            st = self.io.try_stat("go-on-path", dir=entry, name="go")
            if st is not None and st.is_file and st.perms & 0o111:
                pair = (candidate, self.io.realpath("go-binary", path=candidate))
                if pair[1] not in [p[1] for p in out]:
                    out.append(pair)
        return out

    # -- go env files ----------------------------------------------------------------------
    def env_file_path(self, ctx):
        """The go env file of ctx, as Go computes it: $GOENV, else os.UserConfigDir()
        ($XDG_CONFIG_HOME, else $HOME/.config) + /go/env; None without either."""
        if ctx.env.get("GOENV"):
            return ctx.env["GOENV"]
        base = ctx.env.get("XDG_CONFIG_HOME")
        if base and not base.startswith("/"):
            return None  # os.UserConfigDir refuses a relative $XDG_CONFIG_HOME: no env file
        if not base and ctx.env.get("HOME"):
            base = posixpath.join(ctx.env["HOME"], ".config")
        return posixpath.join(base, "go", "env") if base else None

    def env_file(self, ctx):
        def compute():
            path = self.env_file_path(ctx)
            if not path or path == "off":
                return None
            try:
                text = self.io.read("go-env-file", path=path).decode("utf-8", "replace")
                return EnvFile(path, text)
            except HostError as err:
                self.host._note_denied(err)
                return EnvFile(path, None, err)
        return self._memo(("envfile", ctx.name), compute)

    def setting(self, ctx, name):
        """(value, where) of a go setting in ctx: the environment beats the go env file,
        which beats $GOROOT/go.env.  `where` is 'env', the env file path, or go.env's."""
        if name in ctx.env:
            return ctx.env[name], "env"
        envfile = self.env_file(ctx)
        if envfile is not None and name in envfile.values:
            return envfile.values[name].value, envfile.path
        probe = self.probe(ctx)
        install = probe.install if probe else None
        if install is not None and name in install.defaults:
            return install.defaults[name].value, posixpath.join(install.root, "go.env")
        return None, None

    # -- project ---------------------------------------------------------------------------
    @property
    def project(self):
        def compute():
            directory = self.project_dir or self.host.environ().get("PWD") or "/"
            project = Project(directory)
            project.exists = self.io.is_dir("project", dir=directory)
            if not project.exists:
                return project
            files = self.io.try_listdir("project-files", dir=directory)
            project.go_files = [n for n in files if n.endswith(".go")]
            current = directory
            while True:
                candidate = posixpath.join(current, "go.mod")
                if self.io.is_file("go-mod", dir=current):
                    project.gomod_path = candidate
                    try:
                        project.gomod = parse_gomod(self.io.read("go-mod", dir=current))
                    except HostError as err:
                        self.host._note_denied(err)
                        project.gomod = parse_gomod(b"")
                        project.gomod.errors[:] = [(1, "cannot read: %s" % err.message)]
                    module_root = current
                    project.vendor = self.io.is_file("vendor", dir=module_root)
                    break
                if current == "/":
                    break
                current = posixpath.dirname(current)
            scripts = [n for n in files
                       if n in ("Makefile", "GNUmakefile", "makefile") or n.endswith(".sh")]
            for name in scripts[:20]:
                path = posixpath.join(directory, name)
                text = self.io.read_text("project-file", dir=directory, name=name) or ""
                for number, line in enumerate(text.splitlines(), 1):
                    if _INSTALL_AT_VERSION.search(line):
                        project.install_at_version = (path, number, line.strip())
                        break
                if project.install_at_version:
                    break
            return project
        return self._memo("project", compute)

    @property
    def sources(self):
        """The Go sources of the project's module, every package of it, bounded
        (facts/toolchain_sources.py); None without a module (go.mod, or .go files in the
        project directory).  Read only when a check asks (a local Go older than a
        feature)."""
        return self._sources(gopath=False)

    @property
    def gopath_sources(self):
        """The same for GOPATH mode, where a project has no go.mod and its packages may all
        be below its directory (cmd/tool/main.go): a Go project if its first directories
        hold .go files."""
        return self._sources(gopath=True)

    def _sources(self, gopath):
        def compute():
            project = self.project
            give_up = None
            if project.gomod_path:
                root = posixpath.dirname(project.gomod_path)
            elif project.exists and (project.go_files or gopath):
                root = project.directory
                give_up = None if project.go_files else 30
            else:
                return None
            sources = walk_module(self.io, root, self.host, give_up)
            if sources is not None and sources.capped:
                self.note(_("Go sources of %(root)s: gotriage read only %(cap)s (its cap), so a "
                            "newer feature or an import past them is not seen") % {
                                "root": root, "cap": sources.capped})

            return sources
        key = "sources" if self.project.gomod_path or self.project.go_files else ("sources", gopath)
        return self._memo(key, compute)

    def gopath_package(self, root, path, vendor=False):
        """Whether GOPATH mode finds the package `path` under `root`: $GOROOT/src/PATH,
        $GOPATH/src/PATH, or (vendor) a project's vendor/PATH: a directory."""
        return self.io.is_dir("gopath-vendor" if vendor else "gopath-package", root=root,
                              path=path)

    def on_path(self, ctx, name):
        """Where ctx's PATH finds the program `name` (GOTOOLCHAIN=path looks for a
        go1.N.M there), or None."""
        return self.io.which("go-on-path", name, ctx.path)[0]

    # -- cgo -------------------------------------------------------------------------------
    def c_compiler(self, ctx, cc):
        """Where ctx's PATH finds the C compiler `cc` (a name or path), or None."""
        name = (cc or "gcc").split()[0]
        if name.startswith("/"):
            return name if self.io.is_file("c-compiler", path=name) else None
        return self.io.which("go-on-path", name, ctx.path)[0]

    @property
    def libc_headers(self):
        """The path of stdlib.h if glibc's headers are installed, else None."""
        def compute():
            if self.io.is_file("libc-headers"):
                return self.io.decl("libc-headers").template
            return None
        return self._memo("libc_headers", compute)

    def proxy_reachable(self, ctx, url):
        """--network only: a TCP connection to the proxy that go would use for `url` (the
        HTTPS_PROXY of ctx when set, else the GOPROXY host itself)."""
        via = ctx.env.get("HTTPS_PROXY") or ctx.env.get("https_proxy") if url.startswith("https") \
            else ctx.env.get("HTTP_PROXY") or ctx.env.get("http_proxy")
        target = via or url
        hostport = target.split("://", 1)[-1].split("/", 1)[0].rsplit("@", 1)[-1]
        default = 443 if target.startswith("https") else 80
        if hostport.startswith("["):
            address, _sep, rest = hostport[1:].partition("]")
            port = rest.lstrip(":") or default
        elif ":" in hostport:
            address, port = hostport.rsplit(":", 1)
        else:
            address, port = hostport, default
        def compute():
            result = self.io.connect("proxy", address, port)
            result.context_label = ctx.label
            return result
        return self._memo(("connect", address, str(port)), compute)

    @property
    def gosum(self):
        """The module's go.sum ({(path, version): {"zip", "mod"}}), {} when it has none,
        None without a go.mod."""
        def compute():
            if not self.project.gomod_path:
                return None
            directory = posixpath.dirname(self.project.gomod_path)
            return parse_gosum(self.io.read_text("go-sum", dir=directory) or "")
        return self._memo("gosum", compute)

    def cached_ziphash(self, cache, path, version):
        """The h1: hash of a module version in the module cache at `cache` (GOMODCACHE),
        None when it is not there."""
        text = self.io.read_text("module-ziphash", cache=cache, path=escape_path(path),
                                 version=escape_path(version))
        return text.strip() if text else None

    def sumdb_route(self, ctx, probe):
        """--network only: how go in ctx reaches its checksum database
        (facts/toolchain_sumdb.py), None without --network or with GOSUMDB=off."""
        gosumdb, goproxy = probe.get("GOSUMDB"), probe.get("GOPROXY")
        if not self.network or gosumdb == "off":
            return None
        names = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy")
        env = {n: ctx.env[n] for n in names if ctx.env.get(n)}

        def compute():
            def get(url, proxy):
                result = self.io.http_get("sumdb", url, proxy)
                result.context_label = ctx.label
                return result
            return probe_route(get, env, goproxy, gosumdb)
        return self._memo(("sumdb", gosumdb, goproxy, tuple(sorted(env.items()))), compute)

    def netrc(self, ctx):
        """(path, stat, machine names) of the .netrc go reads in ctx ($NETRC, else
        $HOME/.netrc), or None.  Passwords are never kept; `collect` redacts the file."""
        def compute():
            path = ctx.env.get("NETRC") or (
                posixpath.join(ctx.env["HOME"], ".netrc") if ctx.env.get("HOME") else None)
            if not path:
                return None
            st = self.io.try_stat("netrc", path=path)
            if st is None:
                return None
            words = (self.io.read_text("netrc", path=path) or "").split()
            machines = [words[i + 1] for i, w in enumerate(words[:-1]) if w == "machine"]
            return path, st, machines
        return self._memo(("netrc", ctx.name), compute)

    def user_identity(self, name):
        return lookup_user(self.io, name=name)
