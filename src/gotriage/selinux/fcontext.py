"""What label a path should have, from the policy's file_contexts (what matchpathcon and
restorecon answer), computed from the files themselves so that it works on a snapshot.

A real sample (RHEL 9 /etc/selinux/targeted/contexts/files/file_contexts):

    /opt/.*\\.so	system_u:object_r:lib_t:s0
    /opt/(.*/)?bin(/.*)?	system_u:object_r:bin_t:s0
    /usr/local/bin(/.*)?	system_u:object_r:bin_t:s0

Each line is a regular expression anchored at both ends, an optional file type (`--`
regular file, `-d` directory, `-l` symlink...) and a context or `<<none>>`.
libselinux's rule: file_contexts, then file_contexts.homedirs, then file_contexts.local
(`semanage fcontext -a`) are read in that order, entries without regular-expression
characters move to the end, and the last entry that matches wins.
"""

import re

_META = re.compile(r"[.^$?*+|\[({\\]")
FILE_TYPES = {"--": "file", "-d": "dir", "-l": "lnk_file", "-s": "sock_file", "-p": "fifo_file",
              "-c": "chr_file", "-b": "blk_file"}


class Spec(object):
    __slots__ = ("regex", "ftype", "context", "stem", "exact", "_compiled", "source", "line")

    def __init__(self, regex, ftype, context, source=None, line=None):
        self.regex = regex
        self.ftype = ftype
        self.context = context
        meta = _META.search(regex)
        self.stem = regex[:meta.start()] if meta else regex
        self.exact = meta is None
        self._compiled = None
        self.source = source
        self.line = line

    def matches(self, path, tclass):
        if self.ftype and tclass and FILE_TYPES.get(self.ftype) != tclass:
            return False
        if not path.startswith(self.stem):
            return False
        if self.exact:
            return path == self.regex
        if self._compiled is None:
            try:
                self._compiled = re.compile("^(?:%s)$" % self.regex)
            except re.error:
                self._compiled = False
        return bool(self._compiled and self._compiled.match(path))


def parse_file_contexts(text, source=None):
    specs = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) == 2:
            specs.append(Spec(parts[0], None, parts[1], source, number))
        elif len(parts) >= 3:
            specs.append(Spec(parts[0], parts[1], parts[2], source, number))
    return specs


class FileContexts(object):
    """Lookup of the default label of a path (like `matchpathcon -n PATH`)."""

    def __init__(self, specs):
        ordered = [s for s in specs if not s.exact] + [s for s in specs if s.exact]
        self.specs = ordered
        self._found = {}  # (path, tclass) -> its Spec or None: thousands of denials ask again
        # A spec can match only a path that starts with its stem: the specs by stem (each
        # with its place in the order), and the stems' lengths, so that a lookup tries the
        # few specs whose stem begins the path, not all of them (thousands, for each of
        # thousands of distinct denials)
        self._by_stem = {}
        for number, spec in enumerate(ordered):
            self._by_stem.setdefault(spec.stem, []).append(number)
        self._lengths = sorted(set(len(stem) for stem in self._by_stem))

    def __len__(self):
        return len(self.specs)

    def lookup(self, path, tclass="file"):
        """The Spec that labels `path`, or None: the last one in order that matches (the
        same answer as trying every spec from the last, only sooner)."""
        key = (path, tclass)
        if key not in self._found:
            candidates = []
            for length in self._lengths:
                if length > len(path):
                    break
                candidates.extend(self._by_stem.get(path[:length], ()))
            candidates.sort(reverse=True)
            self._found[key] = next((self.specs[n] for n in candidates
                                     if self.specs[n].matches(path, tclass)), None)
        return self._found[key]

    def type_of(self, path, tclass="file"):
        spec = self.lookup(path, tclass)
        if spec is None or spec.context == "<<none>>":
            return None
        parts = spec.context.split(":")
        return parts[2] if len(parts) >= 3 else None
