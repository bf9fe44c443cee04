"""The baseline layer's facts: what the host holds now of what a baseline spec names
(`observe`), read through the declared inputs (inputs/baseline.py), and, for `baseline
diff`, the recorded baseline it is compared with (given in the options by the command:
the repository is gotriage's own store, not the host) and the drifts between the two.

An observation is plain data, the same shape as a recording (baseline/compare.py):

  files     {path: {"group", "type", "mode", "uid", "gid", "size", "sha256", "label"}}
            and, beside it, contents {path: bytes} (what the repository stores)
  unrecorded [path]: a snapshot that did not record it (neither present nor missing)
  unreadable {path: reason}
  go        {root: {"version", "go_sha256", "tree_digest", "tree_entries"}}
  state     {key: output text} of the state commands that answered
"""

import hashlib
import posixpath
import stat as _stat

from gotriage.baseline.spec import is_glob
from gotriage.facts.base import Facts
from gotriage.facts.inputs import Inputs
from gotriage.host.base import HostError
from gotriage.inputs.baseline import INPUTS, MAX_RECORDED_BYTES
from gotriage.inputs.reader import reader_of

# A Go tree's digest walks at most this many entries (a GOROOT has about 15,000).
MAX_TREE_ENTRIES = 100000
_TYPES = ((_stat.S_ISREG, "file"), (_stat.S_ISDIR, "dir"), (_stat.S_ISLNK, "link"))


def file_type(mode):
    for test, name in _TYPES:
        if test(mode):
            return name
    return "other"


class Observation(object):
    __slots__ = ("files", "contents", "unrecorded", "unreadable", "go", "state",
                 "missing_required")

    def __init__(self):
        self.files, self.contents, self.unreadable = {}, {}, {}
        self.unrecorded, self.missing_required = [], []
        self.go, self.state = {}, {}


class BaselineFacts(Facts):
    def __init__(self, host, spec=None, recorded=None, timeout=None, facts_of=None,
                 lint_rules=None):
        self.host = host
        self.lint_rules = lint_rules  # baseline.lint.Rules, for `baseline lint` only
        self.spec = spec if spec is not None else (recorded.spec if recorded else None)
        self.recorded = recorded  # baseline.gitrepo.Recorded, for `diff`
        self._facts_of = facts_of
        self._cache = {}
        self.notes = []
        self.inputs = Inputs()
        self.io = reader_of(host, {"timeout": timeout}).layer(INPUTS, self.inputs)

    @classmethod
    def from_options(cls, host, options):
        return cls(host, spec=options.get("baseline_spec"), recorded=options.get("baseline"),
                   timeout=options.get("timeout"), facts_of=options.get("facts_of"),
                   lint_rules=options.get("lint_rules"))

    def _memo(self, key, compute):
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    # -- what the host holds now -----------------------------------------------------
    @property
    def now(self):
        return self._memo("now", self.observe)

    def observe(self):
        """The Observation of the spec on the host now."""
        seen = Observation()
        for group in self.spec.groups:
            for pattern in group.paths:
                if is_glob(pattern):
                    for path in self._glob(pattern, seen):
                        self._record(path, group.name, seen)
                elif not self._record(pattern, group.name, seen) and not group.optional:
                    seen.missing_required.append(pattern)
                elif pattern in seen.unrecorded and not group.optional:
                    # a snapshot that does not hold it: the spec cannot be followed here
                    seen.missing_required.append(pattern + " (not in the snapshot)")
        if self.spec.go_units:
            for path in self._go_unit_files():
                if path not in seen.files:
                    self._record(path, "go-units", seen)
        if self.spec.go_installs:
            for install in self._go_installs():
                seen.go[install.root] = self._go_install(install.root, install.version)
        for key in self.spec.commands:
            result = self.io.run("state-" + key)
            if result.ok:
                seen.state[key] = result.text
            else:
                self.note("state %s not recorded: `%s`: %s" % (
                    key, " ".join(result.argv), result.excerpt(1)))
        return seen

    def _glob(self, pattern, seen):
        import fnmatch

        directory, _sep, name = pattern.rpartition("/")
        try:
            entries = self.io.listdir("dir", dir=directory or "/")
        except HostError as err:
            if err.unrecorded:
                seen.unrecorded.append(pattern)
            return []
        return [posixpath.join(directory or "/", e) for e in entries
                if fnmatch.fnmatchcase(e, name)]

    def _record(self, path, group, seen):
        """Record `path` in `seen`; False when it does not exist (or is not recorded)."""
        if path in seen.files:
            return True
        try:
            st = self.io.lstat("path", path=path)
        except HostError as err:
            if err.unrecorded:
                seen.unrecorded.append(path)
                return True  # not known to be missing
            if not err.missing:
                seen.unreadable[path] = err.message
                return True
            return False
        entry = {"group": group, "type": file_type(st.mode), "mode": "%04o" % st.perms,
                 "uid": st.uid, "gid": st.gid, "size": st.size}
        entry["label"] = self._label(path)
        if entry["type"] == "link":
            try:
                entry["target"] = self.io.readlink("path", path=path)
            except HostError:
                pass
        elif entry["type"] == "file":
            if st.size > MAX_RECORDED_BYTES:
                entry["sha256"] = None
                self.note("%s is larger than %d bytes: its content is not recorded, only "
                          "its metadata" % (path, MAX_RECORDED_BYTES))
            else:
                try:
                    data = self.io.read("file", path=path)
                except HostError as err:
                    seen.unreadable[path] = err.message
                    data = None
                if data is not None:
                    entry["sha256"] = hashlib.sha256(data).hexdigest()
                    seen.contents[path] = data
        seen.files[path] = entry
        return True

    def _label(self, path):
        try:
            raw = self.io.getxattr("path", "security.selinux", path=path)
        except HostError:
            return None  # no label, SELinux off, or not recorded: not compared
        return raw.rstrip(b"\0").decode("utf-8", "replace")

    # -- what `check` finds: Go installs, Go services ----------------------------------
    def _facts(self, layer):
        if self._facts_of is not None:
            return self._facts_of(layer)
        return None

    def _go_installs(self):
        toolchain = self._facts("toolchain")
        return list(toolchain.installs) if toolchain is not None else []

    def _go_unit_files(self):
        service = self._facts("service")
        if service is None:
            return []
        return [f.path for unit in service.units for f in unit.files]

    def _go_install(self, root, version):
        """Version (as the toolchain layer read it from VERSION), SHA-256 of bin/go and a
        cheap digest of the tree: names, types, sizes and mtimes (whole seconds) of every
        entry, never their contents."""
        try:
            go_sha = hashlib.sha256(self.io.read("go-binary", root=root)).hexdigest()
        except HostError:
            go_sha = None
        digest, count = hashlib.sha256(), 0
        stack = [""]
        while stack and count < MAX_TREE_ENTRIES:
            rel = stack.pop()
            try:
                names = self.io.listdir("dir", dir=posixpath.join(root, rel) if rel else root)
            except HostError:
                continue
            for name in names:
                child = posixpath.join(rel, name) if rel else name
                try:
                    st = self.io.lstat("path", path=posixpath.join(root, child))
                except HostError:
                    continue
                count += 1
                kind = file_type(st.mode)
                digest.update(("%s\0%s\0%d\0%d\n" % (child, kind, st.size, int(st.mtime)))
                              .encode("utf-8", "surrogateescape"))
                if kind == "dir":
                    stack.append(child)
        return {"version": version, "go_sha256": go_sha,
                "tree_digest": digest.hexdigest() if count else None, "tree_entries": count}

    # -- for `diff` --------------------------------------------------------------------
    @property
    def drifts(self):
        from gotriage.baseline.compare import compare

        return self._memo("drifts", lambda: compare(self.recorded, self.now))

    def package_of(self, path):
        """What rpm says of `path`: (owner or None, verdict sentence)."""
        def compute():
            owner = self.io.run("rpm-qf", path=path, note=False)
            if owner.error in ("not-found", "not-recorded", "denied") or owner.timed_out:
                return None, "package ownership not examined (%s)" % owner.excerpt(1)
            if not owner.ok:
                return None, "no package owns it: rpm -qf: %s" % (
                    owner.excerpt(1) or "exit %s" % owner.returncode)
            name = owner.text.strip().splitlines()[0]
            verify = self.io.run("rpm-verify", path=path, note=False)
            if verify.error is not None:
                return name, "owned by %s; rpm -V not examined (%s)" % (name, verify.excerpt(1))
            lines = [line for line in verify.text.splitlines() if line.rstrip().endswith(path)]
            if lines:
                return name, ("owned by %s, and differs from the package's own record "
                              "(`rpm -V`: %s): changed by hand or by a script, not by a "
                              "package update" % (name, lines[0].strip()))
            return name, ("owned by %s, and matches the package's own record (`rpm -V` "
                          "is silent): a package update changed it" % name)
        return self._memo(("rpm", path), compute)
