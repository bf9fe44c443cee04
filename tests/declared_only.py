"""A host that answers only what a declared input asks for (src/gotriage/inputs/).

`DeclaredOnly` wraps a host and refuses (records, then answers anyway, so that one run
shows every refusal) any file, directory or command that is not read through a
declaration of the layer (gotriage.inputs.reader sets the declaration in effect around
each call), or whose concrete path or argv its template does not name.
tests/test_inputs.py runs every layer on the fixtures through it, tests/test_cases.py
every case.
"""

from gotriage.host.base import Host
from gotriage.inputs.reader import current_input

# what kind of declaration each host primitive may be made for
ALLOWED = {"read": ("file",), "read_range": ("file",), "stat": ("meta", "file", "listing"),
           "lstat": ("meta", "file", "listing"), "readlink": ("meta",), "realpath": ("meta",),
           "getxattr": ("meta", "file"), "listdir": ("listing",), "run": ("command",),
           "connect": ("connect",), "http_get": ("connect",)}


class DeclaredOnly(Host):
    """A host that answers only what a declared input asks for (see the module doc)."""

    def __init__(self, inner):
        Host.__init__(self)
        self.inner = inner
        self.denied = inner.denied
        self.kind, self.description = inner.kind, inner.description
        self.refused = []  # (primitive, path or argv, the declaration in effect)
        self.used = set()  # declaration ids

    def _check(self, op, what):
        decl = current_input()
        if decl is None or decl.kind not in ALLOWED[op] or not decl.matches(what):
            self.refused.append((op, what, decl.id if decl is not None else None))
        else:
            self.used.add(decl.id)

    def read(self, path, max_bytes=None, redact=None):
        self._check("read", path)
        return self.inner.read(path, max_bytes) if max_bytes else self.inner.read(path)

    def read_range(self, path, offset, length, redact=None):
        self._check("read_range", path)
        return self.inner.read_range(path, offset, length)

    def stat(self, path):
        self._check("stat", path)
        return self.inner.stat(path)

    def lstat(self, path):
        self._check("lstat", path)
        return self.inner.lstat(path)

    def listdir(self, path):
        self._check("listdir", path)
        return self.inner.listdir(path)

    def readlink(self, path):
        self._check("readlink", path)
        return self.inner.readlink(path)

    def realpath(self, path):
        self._check("realpath", path)
        return self.inner.realpath(path)

    def getxattr(self, path, name):
        self._check("getxattr", path)
        return self.inner.getxattr(path, name)

    def run(self, argv, env=None, cwd="/", timeout=None, input=None):
        self._check("run", [str(a) for a in argv])
        return self.inner.run(argv, env=env, cwd=cwd, timeout=timeout, input=input)

    def connect(self, address, port, timeout=5.0):
        self._check("connect", ["tcp-connect", str(address), str(port)])
        return self.inner.connect(address, port, timeout)

    def http_get(self, url, proxy=None, timeout=5.0):
        from gotriage.host.base import http_get_argv

        self._check("http_get", http_get_argv(url, proxy))
        return self.inner.http_get(url, proxy, timeout)

    def identity(self):
        return self.inner.identity()

    def environ(self):
        return self.inner.environ()

    def hostname(self):
        return self.inner.hostname()

    def close(self):
        self.inner.close()

    def set_deadline(self, seconds):
        self.inner.set_deadline(seconds)

    @property
    def manifest(self):
        """A snapshot's manifest (when it was made: the packages layer's "now")."""
        return getattr(self.inner, "manifest", None)

    @property
    def origin(self):
        """A snapshot's directory (the SELinux tools are given it with --root)."""
        return getattr(self.inner, "origin", "")
