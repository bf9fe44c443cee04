"""The one place where the facts read a host: by the key of a declared input.

A `Reader` wraps the Host for one run and is shared by every layer (runner.run makes it):
it fills the declaration's template, applies the command's timeout (the user's
--timeout when given, else the declared one), remembers each answer so that a file or a
command read by two layers is read once (systemctl show-environment, /etc/os-release),
passes the declared redaction class to the host (which `collect` uses), and sets the
declaration in effect around each call (`current_input()`: the test host of
tests/test_inputs.py refuses any access made outside one, or not matching it).

Each layer reads through its `LayerReader` (`reader.layer(spec, inputs)`), which also
passes each command's answer to the layer's Inputs with the declaration's Need: a
command that did not answer becomes that layer's -INPUT-HUNG finding.
"""

import _thread
import posixpath

from gotriage.host.base import DEFAULT_MAX_READ, DEFAULT_TIMEOUT, QUICK_TIMEOUT, HostError
from gotriage.inputs.spec import QUICK

_LOCAL = _thread._local()


def current_input():
    """The declaration the calling thread is reading through, or None."""
    return getattr(_LOCAL, "input", None)


class _Declared(object):
    """`with _Declared(decl):` marks the host calls inside as made for `decl`."""

    __slots__ = ("decl", "before")

    def __init__(self, decl):
        self.decl = decl

    def __enter__(self):
        self.before = getattr(_LOCAL, "input", None)
        _LOCAL.input = self.decl

    def __exit__(self, *exc):
        _LOCAL.input = self.before


_NONE = object()


class _Failed(object):
    """A remembered HostError."""

    __slots__ = ("error",)

    def __init__(self, error):
        self.error = error


class Reader(object):
    """The host's inputs for one run, shared by the layers."""

    def __init__(self, host, timeout=None):
        self.host = host
        self.user_timeout = timeout  # --timeout when the user gave it, else None
        self._answers = {}
        self._running = {}  # key -> lock held while a command runs (firewall's threads)
        self._lock = _thread.allocate_lock()

    def layer(self, spec, inputs=None):
        return LayerReader(self, spec, inputs)

    def timeout_of(self, decl):
        """A command's timeout: --timeout when given, else 10 s; a quick probe at most 5 s;
        a command slow by nature (loading the whole SELinux policy, reading a repository's
        metadata) at least its own."""
        user = self.user_timeout
        if decl.timeout == QUICK:
            return min(QUICK_TIMEOUT, user) if user is not None else QUICK_TIMEOUT
        if decl.timeout is not None:
            return max(decl.timeout, user) if user is not None else decl.timeout
        return user if user is not None else DEFAULT_TIMEOUT

    def answer(self, key, decl, compute):
        """The remembered answer to `key`, computed once under `decl` (errors too)."""
        value = self._answers.get(key, _NONE)  # (one dict lookup, atomic: no lock for
        if value is not _NONE:                  # what is already answered)
            return _unwrap(value)
        with self._lock:
            if key in self._answers:
                return _unwrap(self._answers[key])
            running = self._running.get(key)
            if running is None:
                running = self._running[key] = _thread.allocate_lock()
        with running:  # a second thread asking for the same command waits for the first
            with self._lock:
                if key in self._answers:
                    return _unwrap(self._answers[key])
            with _Declared(decl):
                try:
                    value = compute()
                except HostError as err:
                    value = _Failed(err)
            with self._lock:
                self._answers[key] = value
        return _unwrap(value)


def _unwrap(value):
    if isinstance(value, _Failed):
        raise value.error
    return value


class LayerReader(object):
    """One layer's view: its declarations, by key (see the module docstring)."""

    def __init__(self, reader, spec, inputs=None):
        self.reader = reader
        self.host = reader.host
        self.spec = spec
        self.inputs = inputs

    def decl(self, key):
        return self.spec[key]

    def _path(self, key, kind, params):
        decl = self.spec[key]
        assert decl.kind == kind, "%s is a %s input, not %s" % (decl.id, decl.kind, kind)
        return decl, decl.path(params)

    # -- files -------------------------------------------------------------------------
    def read(self, key, max_bytes=None, **params):
        decl, path = self._path(key, "file", params)
        size = max_bytes or decl.max_bytes or DEFAULT_MAX_READ
        return self.reader.answer(("read", path, size), decl,
                                  lambda: self.host.read(path, size, **_redact(decl)))

    def read_text(self, key, max_bytes=None, **params):
        """The file as text (UTF-8, undecodable bytes replaced), or None when it cannot
        be read (a permission error is noted for the report, as Host.read_text does)."""
        try:
            return self.read(key, max_bytes, **params).decode("utf-8", "replace")
        except HostError as err:
            self.host._note_denied(err)
            return None

    def read_range(self, key, offset, length, **params):
        """Part of a large file (not remembered: audit logs and ELF files are read once,
        a piece at a time)."""
        decl, path = self._path(key, "file", params)
        with _Declared(decl):
            return self.host.read_range(path, offset, length, **_redact(decl))

    # -- metadata ------------------------------------------------------------------------
    def _meta(self, key, op, params, *args):
        decl = self.spec[key]
        assert decl.kind in ("meta", "file", "listing"), decl.id
        path = decl.path(params)
        method = getattr(self.host, op)
        return self.reader.answer((op, path) + args, decl, lambda: method(path, *args))

    def stat(self, key, **params):
        return self._meta(key, "stat", params)

    def lstat(self, key, **params):
        return self._meta(key, "lstat", params)

    def readlink(self, key, **params):
        return self._meta(key, "readlink", params)

    def realpath(self, key, **params):
        return self._meta(key, "realpath", params)

    def getxattr(self, key, name, **params):
        return self._meta(key, "getxattr", params, name)

    def try_stat(self, key, **params):
        try:
            return self.stat(key, **params)
        except HostError as err:
            self.host._note_denied(err)
            return None

    def try_lstat(self, key, **params):
        try:
            return self.lstat(key, **params)
        except HostError as err:
            self.host._note_denied(err)
            return None

    def exists(self, key, **params):
        return self.try_stat(key, **params) is not None

    def is_dir(self, key, **params):
        st = self.try_stat(key, **params)
        return st is not None and st.is_dir

    def is_file(self, key, **params):
        st = self.try_stat(key, **params)
        return st is not None and st.is_file

    def which(self, key, name, path_value, **params):
        """Where `name` resolves on a PATH string, as execvp would (Host.which), each
        candidate stat'ed as the declaration `key` ("{dir}/{name}")."""
        skipped = []
        for entry in (path_value or "").split(":"):
            directory = entry or "."
            if not directory.startswith("/"):
                continue
            st = self.try_stat(key, dir=directory, name=name, **params)
            if st is None:
                continue
            candidate = posixpath.join(directory, name)
            if st.is_file and st.perms & 0o111:
                return candidate, skipped
            skipped.append(candidate)
        return None, skipped

    # -- directories -----------------------------------------------------------------------
    def listdir(self, key, **params):
        decl, path = self._path(key, "listing", params)
        return self.reader.answer(("listdir", path), decl, lambda: self.host.listdir(path))

    def try_listdir(self, key, **params):
        try:
            return self.listdir(key, **params)
        except HostError as err:
            self.host._note_denied(err)
            return []

    def glob(self, key, predicate=None, **params):
        """Absolute paths of the entries of the listed directory whose names satisfy
        `predicate`."""
        decl, directory = self._path(key, "listing", params)
        return [posixpath.join(directory, name) for name in self.try_listdir(key, **params)
                if predicate is None or predicate(name)]

    # -- commands ----------------------------------------------------------------------------
    def run(self, key, env=None, cwd="/", input=None, need=None, remember=True, note=True,
            **params):
        """Run the declared command; its answer goes to the layer's Inputs with the
        declaration's Need (or `need`), unless `note` is False (the go under test: its
        hang is a finding of its own).  `remember=False` runs it again each time (a
        command whose answer changes on purpose, e.g. after --trace)."""
        decl = self.spec[key]
        assert decl.kind == "command", decl.id
        argv = decl.argv(params)
        timeout = self.reader.timeout_of(decl)

        def compute():
            from gotriage import progress  # (here: `gotriage binary` runs no command)

            with progress.step("`%s`" % " ".join(argv)):
                return self.host.run(argv, env=env, cwd=cwd, timeout=timeout, input=input)
        if remember:
            memo = ("run", tuple(argv), tuple(sorted(env.items())) if env is not None else None,
                    cwd, input)
            result = self.reader.answer(memo, decl, compute)
        else:
            with _Declared(decl):
                result = compute()
        if note and self.inputs is not None:
            self.inputs.note(result, need or decl.need)
        return result

    def prefetch(self, calls, workers=4):
        """Run the declared commands `calls` ([(key, params)]) at the same time, at most
        `workers` at once, each in a thread and bounded by its timeout; their answers are
        remembered, so that the facts' own run() of each (which notes it) finds it
        answered, or waits for it.  Independent commands (a journal and a verify per
        unit) then cost the slowest of a few, not their sum.  Nothing on a snapshot: a
        recorded answer is a lookup."""
        if self.host.kind == "snapshot" or not calls:
            return
        import threading

        pending = list(calls)
        lock = threading.Lock()

        def work():
            while True:
                with lock:
                    if not pending:
                        return
                    key, params = pending.pop(0)
                try:
                    self.run(key, note=False, **params)
                except Exception:  # the facts' own run() meets it again, and says so
                    pass

        for _ in range(min(workers, len(pending))):
            thread = threading.Thread(target=work)
            thread.daemon = True
            thread.start()

    def connect(self, key, address, port):
        decl = self.spec[key]
        assert decl.kind == "connect", decl.id
        return self.reader.answer(("connect", address, str(port)), decl,
                                  lambda: self.host.connect(address, port, timeout=QUICK_TIMEOUT))

    def http_get(self, key, url, proxy=None):
        """GET `url` (a "connect" declaration of ["http-get", ...]: the --network opt-in)."""
        decl = self.spec[key]
        assert decl.kind == "connect", decl.id
        return self.reader.answer(("http-get", url, proxy), decl,
                                  lambda: self.host.http_get(url, proxy, timeout=QUICK_TIMEOUT))


def _redact(decl):
    """The redaction class, passed only when it is not the default (a test's own Host
    subclass need not know the argument)."""
    return {} if decl.redact == "text" else {"redact": decl.redact}


def reader_of(host, options=None):
    """The run's Reader for `host` (made once and kept on the host, so that every layer's
    facts share it, whoever builds them)."""
    reader = getattr(host, "_inputs_reader", None)
    timeout = (options or {}).get("timeout")
    if reader is None:
        reader = Reader(host, timeout)
        host._inputs_reader = reader
    elif timeout is not None:
        reader.user_timeout = timeout  # the run's --timeout, whoever asked first
    return reader
