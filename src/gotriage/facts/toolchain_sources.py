"""The Go sources of the project's module, every package of it, read once and bounded:
what they import (GOPATH mode) and which newer language features they use (the local
Go may lack them).  Read through the toolchain layer's declared inputs (module-dir,
module-entry, go-source); facts/toolchain.py asks for it only when a check needs it.

Walked like go walks a module: from the directory of go.mod (or the project directory
when there is none) into every subdirectory but vendor/, testdata/, the ones go ignores
(names starting with . or _), nested modules (a directory with its own go.mod) and
node_modules/; a directory without go.mod is not walked into a module cache (pkg/mod).  A
file for another GOOS (name_windows.go) is left out; the build constraint of the others
is kept, for the checks to judge against each Go release.
"""

import posixpath

from gotriage.host.base import HostError
from gotriage.i18n import _
from gotriage.parsers.gosource import scan_go_source

MAX_DIRS = 1000
MAX_FILES = 2000
MAX_BYTES = 8 * 1024 * 1024
MAX_FILE_BYTES = 1024 * 1024

_GOOS = {"aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js",
         "linux", "nacl", "netbsd", "openbsd", "plan9", "solaris", "wasip1", "windows", "zos"}
_GOARCH = {"386", "amd64", "amd64p32", "arm", "arm64", "arm64be", "armbe", "loong64", "mips",
           "mips64", "mips64le", "mips64p32", "mips64p32le", "mipsle", "ppc", "ppc64",
           "ppc64le", "riscv", "riscv64", "s390", "s390x", "sparc", "sparc64", "wasm"}


def for_other_os(name, goos="linux"):
    """Whether a file name's _GOOS (or _GOOS_GOARCH) suffix keeps it out of a build for
    `goos` (go/build's goodOSArchFile; android and illumos also build _linux and _solaris
    files, which is not our case)."""
    parts = name[:-3].split("_")
    if parts and parts[-1] == "test":
        parts = parts[:-1]
    if len(parts) >= 3 and parts[-2] in _GOOS and parts[-1] in _GOARCH:
        return parts[-2] != goos
    if len(parts) >= 2 and parts[-1] in _GOOS:
        return parts[-1] != goos
    return False


class SourceFile(object):
    __slots__ = ("path", "relative", "directory", "test", "source")

    def __init__(self, path, relative, directory, source):
        self.path, self.relative, self.directory, self.source = path, relative, directory, source
        self.test = path.endswith("_test.go")


class Sources(object):
    """What the walk found: the files with their scans, and whether a cap stopped it."""

    def __init__(self, root):
        self.root = root
        self.files = []  # SourceFile, in walk order
        self.dirs = 0
        self.bytes = 0
        self.capped = None  # why the walk stopped early, for a note and the findings
        self.unreadable = []

    def uses(self):
        """(file, use) for each feature use, a predeclared name dropped where another file
        of the same package declares it (cmd/dist's own min())."""
        declared = {}
        for f in self.files:
            key = (f.directory, f.source.package)
            declared.setdefault(key, set()).update(f.source.declares)
        for f in self.files:
            for use in f.source.uses:
                if use.name and use.name in declared[(f.directory, f.source.package)]:
                    continue
                yield f, use

    def imports(self):
        for f in self.files:
            for imp in f.source.imports:
                yield f, imp

    def describe(self):
        return "%d .go files in %d directories under %s" % (len(self.files), self.dirs, self.root)


def walk_module(io, root, host=None, give_up=None):
    """Scan the module at `root` through the layer reader `io` (see the module doc).
    `give_up`: a directory without go.mod is a Go project only if a .go file turns up in
    its first `give_up` directories (else None: the current directory was $HOME)."""
    sources = Sources(root)
    queue = [root]
    while queue:
        directory = queue.pop(0)
        if give_up is not None and sources.dirs >= give_up and not sources.files:
            return None
        if sources.dirs >= MAX_DIRS:
            sources.capped = _("the first %(count)d directories") % {"count": MAX_DIRS}
            break
        sources.dirs += 1
        names = sorted(io.try_listdir("module-dir", dir=directory))
        for name in names:
            if name.startswith((".", "_")) or name in ("vendor", "testdata", "node_modules"):
                continue
            if give_up is not None and name == "mod" and posixpath.basename(directory) == "pkg":
                continue  # GOPATH's module cache ($HOME/go/pkg/mod): not this project
            if name.endswith(".go"):
                if for_other_os(name):
                    continue
                if len(sources.files) >= MAX_FILES or sources.bytes >= MAX_BYTES:
                    sources.capped = (_("the first %(count)d .go files (%(bytes)d bytes)")
                                      % {"count": len(sources.files), "bytes": sources.bytes})

                    queue = []
                    break
                _read(io, sources, directory, name, host)
                continue
            st = io.try_stat("module-entry", dir=directory, name=name)
            if st is None or not st.is_dir:
                continue
            sub = posixpath.join(directory, name)
            if io.is_file("go-mod", dir=sub):
                continue  # another module
            queue.append(sub)
    return sources


def _read(io, sources, directory, name, host):
    path = posixpath.join(directory, name)
    try:
        data = io.read("go-source", dir=directory, name=name)
    except HostError as err:
        if host is not None:
            host._note_denied(err)
        sources.unreadable.append(path)
        return
    sources.bytes += len(data)
    relative = posixpath.relpath(path, sources.root)
    sources.files.append(SourceFile(path, relative, directory, scan_go_source(data)))
