"""The catalogue of error messages `gotriage explain` recognises: one Signature per real
failure, as data.

A signature says which lines are that failure's message (`keys`, plain substrings that
every matching line contains, so that a 10 MB log is searched once per key with
str.find, and `patterns`, regular expressions tried only on those lines, whose named
groups are the values the fix needs), what causes it in plain words, the finding ids
whose checks confirm it on a host (`confirm`), the fix as steps whose commands take
those values (never a placeholder: a step whose value the text did not give becomes
its `otherwise` words), how certain the message alone makes the cause, and where the
message was seen.  `examples` are real messages, each with the tool and version that
printed it; tests/test_explain_catalogue.py proves that every signature recognises its
own examples as its cause, and that every error a finding predicts (`predicted_error`,
tested elsewhere against real Go, real loaders, real dnf, real systemd) comes back from
`explain` as that finding's cause.

The modules of this package hold the signatures of one layer each; ALL lists them in
the order they are tried.  A signature's `id` is the finding id that names the cause
when a check of gotriage can confirm it (docs/findings.md), or an id of the same
shape that only `explain` uses (docs/explain.md lists them).
"""

HIGH, MEDIUM, LOW = "high", "medium", "low"
CONFIDENCES = (HIGH, MEDIUM, LOW)
CONFIDENCE_RANK = {HIGH: 3, MEDIUM: 2, LOW: 1}
MODULES = ("toolchain", "loader", "packages", "selinux", "network", "systemd", "benign")


class Step(object):
    """One step of a fix as a template: a command (argv, each word a template), a note,
    or a line to add to a file.  Templates name values as {name}; a step that names a
    value the text did not give is shown as `otherwise` (prose), or left out."""

    __slots__ = ("kind", "argv", "text", "path", "otherwise", "safe", "why")

    def __init__(self, kind, argv=None, text=None, path=None, otherwise=None, safe=True,
                 why=None):
        self.kind, self.argv, self.text, self.path = kind, argv, text, path
        self.otherwise, self.safe, self.why = otherwise, safe, why


def C(*argv, **kw):
    """A command step: C("restorecon", "-v", "{path}", otherwise="restorecon -v ...")."""
    return Step("command", argv=list(argv), otherwise=kw.get("otherwise"),
                safe=kw.get("safe", True), why=kw.get("why"))


def N(text, otherwise=None):
    """A note step: what to do in words (with values in it)."""
    return Step("note", text=text, otherwise=otherwise)


def E(path, line, otherwise=None, why=None):
    """Add `line` to the file at `path` (both templates)."""
    return Step("edit", text=line, path=path, otherwise=otherwise, why=why)


class Signature(object):
    __slots__ = ("id", "variant", "layer", "title", "keys", "patterns", "cause", "fix",
                 "confirm", "confidence", "benign", "beats", "seen", "examples", "consequence",
                 "harmless_with", "_regexes")

    def __init__(self, id, layer, title, keys, patterns, cause, fix=(), confirm=None,
                 confidence=HIGH, benign=False, beats=(), seen=(), examples=(), variant=None,
                 consequence=False, harmless_with=()):
        assert confidence in CONFIDENCES, confidence
        self.id = id  # the cause: a finding id, or an explain-only id of the same shape
        self.variant = variant  # a second signature of one cause (another message of it)
        self.layer = layer
        self.title = title  # the cause in a few words, a template
        self.keys = tuple(keys)  # substrings one of which every matching line contains
        self.patterns = tuple(patterns)  # regular expressions, named groups = values
        self.cause = cause  # why it happens, in plain words (a template)
        self.fix = tuple(fix)  # Steps
        # finding ids whose checks confirm (or rule out) the cause on a host; by default
        # the id itself when it is a finding id (explain.confirm decides)
        self.confirm = tuple(confirm) if confirm is not None else None
        self.confidence = confidence  # how sure the message alone makes the cause
        self.benign = benign  # the message is no fault (`cause` says why)
        self.beats = tuple(beats)  # ids of less specific causes this one explains away
        # the message reports a failure whose cause another message names (203/EXEC, a
        # unit that gave up restarting): shown under the cause when one is found
        self.consequence = consequence
        # text that, when the paste also holds it, shows the message did no harm (dnf's
        # "not registered" notice above "Complete!" on a UBI image)
        self.harmless_with = tuple(harmless_with)
        self.seen = tuple(seen)  # where the message was seen: links, tool versions
        self.examples = tuple(examples)  # real messages, each one line or several
        self._regexes = None

    @property
    def name(self):
        return self.id + ("/" + self.variant if self.variant else "")

    def regexes(self):
        """The compiled patterns (compiled when first needed: loading the catalogue
        compiles nothing)."""
        if self._regexes is None:
            import re

            self._regexes = [re.compile(p) for p in self.patterns]
        return self._regexes

    def match(self, line):
        """The values a line gives ({} when it names none), or None when it is not this
        signature's message."""
        for regex in self.regexes():
            m = regex.search(line)
            if m is not None:
                return {k: v for k, v in m.groupdict().items() if v}
        return None

    def __repr__(self):
        return "Signature(%s)" % self.name


def load():
    """Every signature, in the order they are tried (the modules of MODULES)."""
    import importlib

    out = []
    for name in MODULES:
        out.extend(importlib.import_module("gotriage.knowledge.signatures." + name).SIGNATURES)
    return out
