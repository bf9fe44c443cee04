"""What every layer's facts offer its checks besides their own questions.

A check sees its layer's facts through `CheckView` (runner.run_check makes it): every
public attribute and method of the facts, but not the host (checks do no I/O: each read
is a question the facts answer, through the layer's declared inputs), with `note()` for
a line in the report's notes and `memo()` to share a computation between the checks of
a layer.  tests/test_check_purity.py holds checks/ to it.
"""


class Facts(object):
    """The base of every layer's facts class: `notes` and the two methods checks use."""

    notes = ()  # each class sets a list of its own in __init__

    def note(self, text):
        """Add a line to the report's notes (what could not be examined, and why)."""
        if text not in self.notes:
            self.notes.append(text)

    def memo(self, key, compute):
        """compute(), once per key for these facts: what several checks derive from the
        same facts (the firewall's analysis of a port, a unit's resolved program)."""
        cache = self.__dict__.get("_check_memo")
        if cache is None:
            cache = self.__dict__["_check_memo"] = {}
        if key not in cache:
            cache[key] = compute()
        return cache[key]


class CheckView(object):
    """A layer's facts as a check sees them (see the module docstring)."""

    __slots__ = ("_facts",)

    def __init__(self, facts):
        object.__setattr__(self, "_facts", facts)

    def __getattr__(self, name):
        if name == "host" or name == "io" or name.startswith("_"):
            raise AttributeError("a check does not read %r: checks do no I/O, they ask "
                                 "the facts (facts/base.py)" % name)
        value = getattr(self._facts, name)
        if name == "notes":
            return tuple(value)  # add with note()
        return value

    def __setattr__(self, name, value):
        raise AttributeError("a check does not change its facts (%s)" % name)

    def note(self, text):
        self._facts.note(text)

    def memo(self, key, compute):
        return self._facts.memo(key, compute)


def view_of(facts):
    """The facts as checks see them (facts that are not a Facts, e.g. a test's stand-in,
    are passed as they are)."""
    if isinstance(facts, CheckView) or not isinstance(facts, Facts):
        return facts
    return CheckView(facts)
