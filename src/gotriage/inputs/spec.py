"""What a layer reads from a host, declared once.

Like an sos plugin's `add_copy_spec`/`add_cmd_output` or an insights-core spec, each layer
lists the files, directories and commands it reads, each with a key and a one-line
reason; the facts ask for them by key (gotriage.inputs.reader), and from the one list
come the live run, the recording, docs/inputs.md (scripts/gen-inputs-doc) and the test
host that refuses anything not declared (tests/test_inputs.py).

A path is a template: "/etc/os-release", or "{root}/VERSION" where the facts give `root`.
An argv is a list of templates; "{name*}" stands for any number of words.  Kinds:

  File     read whole (up to max_bytes), or in ranges (ranged=True: audit logs, ELF files)
  Listing  a directory's entries
  Meta     stat/lstat/readlink/realpath/xattrs: what a path is, not what it holds
  Command  run a program, with its timeout and what its verdicts rest on (Need)
  Connect  a TCP connection (the --network opt-in)

`redact` says how `collect` stores a file it read: "text" (secrets redacted, the
default), "none" (binary contents: ELF programs, stored as read), "shadow" (/etc/shadow:
the live host drops every password hash as it reads it, host/redact_shadow.py, so no
hash reaches the facts or a snapshot).  A command's output is always redacted.
"""

from gotriage.i18n import N_

KINDS = ("file", "listing", "meta", "command", "connect")
REDACT = ("text", "none", "shadow")
# Timeouts: None is every command's default (10 s, or the user's --timeout); "quick" is
# a probe that answers at once when anything answers (uname, systemctl --version: at most
# 5 s, or --timeout when it is lower); a number is this command's own.
QUICK = "quick"


_PARTS = {}  # template -> its parts: a run fills the same few templates thousands of times


def _parts(template):
    """A template as (literal, (name, star), literal, ...) (no `re`: `gotriage binary`,
    which reads through declarations too, does without that import)."""
    parts = _PARTS.get(template)
    if parts is None:
        parts = _PARTS[template] = tuple(_split(template))
    return parts


def _split(template):
    out, at = [], 0
    while True:
        start = template.find("{", at)
        end = template.find("}", start + 1) if start >= 0 else -1
        if start < 0 or end < 0:
            out.append(template[at:])
            return out
        out.append(template[at:start])
        name = template[start + 1:end]
        out.append((name.rstrip("*"), name.endswith("*")))
        at = end + 1


class Words(str):
    """English built from a message and values, translated where it is shown
    (`translated`): `Words(N_("the journal of %(unit)s is not read"), unit="web.service")`
    is the English text itself (a key, docs/inputs.md), and keeps its message and values.

    >>> words = Words("the journal of %(unit)s is not read", unit="web.service")
    >>> words, translated(words), translated("")
    ('the journal of web.service is not read', 'the journal of web.service is not read', '')
    """

    def __new__(cls, message, **values):
        self = str.__new__(cls, message % values if values else message)
        self.message, self.values = message, values
        return self


def translated(text):
    """A Need's cause or consequence in the language in effect: a Words with its values,
    or a message marked N_() where it is declared ("" stays "": gettext's "" is the
    catalogue's header)."""
    if not text:
        return text
    from gotriage.i18n import _

    if isinstance(text, Words):
        return _(text.message) % text.values if text.values else _(text.message)
    return _(text)


class Need(object):
    """What a command is read for: the checks whose verdicts rest on it (None: every
    check of the layer), what its hang usually means (`cause`), and what those verdicts
    fall back to without it (`consequence`).  `context`: only the findings of this
    toolchain context."""

    __slots__ = ("checks", "cause", "consequence", "context")

    def __init__(self, checks, cause, consequence, context=None):
        self.checks = tuple(checks) if checks is not None else None
        self.cause = cause
        self.consequence = consequence
        self.context = context

    def for_context(self, context, consequence=None):
        return Need(self.checks, self.cause, consequence or self.consequence, context)


DEFAULT_NEED = Need((), N_("it hangs, or is only slow"), N_("what it would have said is unknown"))


class Input(object):
    """One declared input of a layer."""

    __slots__ = ("kind", "key", "template", "reason", "max_bytes", "ranged", "redact",
                 "timeout", "need", "layer")

    def __init__(self, kind, key, template, reason, max_bytes=None, ranged=False, redact="text",
                 timeout=None, need=None):
        assert kind in KINDS and redact in REDACT, (kind, redact)
        self.kind, self.key, self.template, self.reason = kind, key, template, reason
        self.max_bytes, self.ranged, self.redact = max_bytes, ranged, redact
        self.timeout, self.need = timeout, need
        self.layer = None  # set by Layer

    @property
    def id(self):
        return "%s/%s" % (self.layer, self.key)

    def params(self):
        """The names the template needs, in order."""
        words = self.template if isinstance(self.template, list) else [self.template]
        return [p[0] for w in words for p in _parts(w) if isinstance(p, tuple)]

    def path(self, params):
        """The concrete path of a path template."""
        parts = _parts(self.template)
        if len(parts) == 3 and not parts[0] and not parts[2]:  # "{path}", "{dir}": the
            name = parts[1][0]                                  # commonest, filled per unit
            if name in params:
                value = params[name]
                return value if type(value) is str else str(value)
        return _fill(self.template, params, self)

    def argv(self, params):
        """The concrete argv of a command template ("{x*}" takes a list of words)."""
        argv = []
        for word in self.template:
            parts = _parts(word)
            if len(parts) == 3 and parts[0] == parts[2] == "" and parts[1][1]:
                argv.extend(str(w) for w in _value(params, parts[1][0], self))
            else:
                argv.append(_fill(word, params, self))
        return argv

    def matches(self, concrete):
        """Whether a concrete path (or argv) is one this declaration names: how the test
        host recognises what a read was declared as."""
        if isinstance(self.template, list):  # a command's argv, a connection
            return _argv_pattern(self.template).fullmatch("\0".join(concrete)) is not None
        return _path_pattern(self.template).fullmatch(concrete) is not None

    def shown(self):
        """The template as docs/inputs.md shows it."""
        if isinstance(self.template, list):
            return " ".join(self.template)
        return self.template


def _value(params, name, decl):
    if name not in params:
        raise KeyError("%s needs the parameter %r" % (decl.id, name))
    return params[name]


def _fill(template, params, decl):
    if "{" not in template:
        return template
    return "".join(p if isinstance(p, str) else str(_value(params, p[0], decl))
                   for p in _parts(template))


def _word_pattern(template, any_char):
    import re

    return "".join(re.escape(p) if isinstance(p, str) else "(?:%s+)" % any_char
                   for p in _parts(template))


def _path_pattern(template):
    import re

    return re.compile(_word_pattern(template, "."), re.S)


def _argv_pattern(words):
    """A pattern over the argv joined with NULs: a "{x*}" word takes any number of
    words (none included), any other template one word.  (NUL is written \\x00: a \\0
    before a digit would be read as an octal escape.)"""
    import re

    pattern = ""
    for number, word in enumerate(words):
        parts = _parts(word)
        if len(parts) == 3 and parts[0] == parts[2] == "" and parts[1][1]:
            pattern += r"(?:\x00[^\x00]*)*" if number else r"(?:[^\x00]*(?:\x00[^\x00]*)*)?"
        else:
            pattern += (r"\x00" if number else "") + _word_pattern(word, r"[^\x00]")
    return re.compile(pattern, re.S)


def File(key, template, reason, max_bytes=None, ranged=False, redact="text"):
    return Input("file", key, template, reason, max_bytes=max_bytes, ranged=ranged, redact=redact)


def Listing(key, template, reason):
    return Input("listing", key, template, reason)


def Meta(key, template, reason):
    return Input("meta", key, template, reason)


def Command(key, argv, reason, timeout=None, need=None):
    return Input("command", key, list(argv), reason, timeout=timeout, need=need)


def Connect(key, reason):
    return Input("connect", key, ["tcp-connect", "{address}", "{port}"], reason)


class Layer(object):
    """The declared inputs of one layer, by key."""

    def __init__(self, name, inputs, uses=()):
        self.name = name
        self.inputs = {}
        for item in inputs:
            assert item.key not in self.inputs, "%s declares %s twice" % (name, item.key)
            item.layer = name
            self.inputs[item.key] = item
        # the inputs of other layers this one reads (another layer's facts, or a shared
        # declaration such as /etc/os-release), for the docs
        self.uses = tuple(uses)

    def __getitem__(self, key):
        return self.inputs[key]

    def __iter__(self):
        return iter(self.inputs.values())
