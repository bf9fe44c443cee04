"""systemd unit files and drop-ins: sections, assignments, effective values, specifiers,
Exec*= command lines, Environment= and EnvironmentFile= (systemd.syntax(7),
systemd.unit(5), systemd.service(5), systemd.exec(5)).

Sample (a Go service with a drop-in, as `systemctl cat app` shows it):

>>> unit = parse_unit(b'''[Unit]
... Description=Example Go API
... After=network-online.target
...
... [Service]
... User=app
... WorkingDirectory=/srv/app
... ExecStart=/usr/local/bin/app -addr :8080
... Restart=on-failure
...
... [Install]
... WantedBy=multi-user.target
... ''', "/etc/systemd/system/app.service")
>>> dropin = parse_unit(b'''[Service]
... ExecStart=
... ExecStart=/usr/local/bin/app -addr :80
... ''', "/etc/systemd/system/app.service.d/override.conf")
>>> unit.sections, [(a.line, a.key, a.value) for a in unit.assignments if a.section == "Service"], unit.problems
(['Unit', 'Service', 'Install'], [(6, 'User', 'app'), (7, 'WorkingDirectory', '/srv/app'), (8, 'ExecStart', '/usr/local/bin/app -addr :8080'), (9, 'Restart', 'on-failure')], [])

The drop-in's empty `ExecStart=` resets the list, so one command is in effect:

>>> values = effective([unit, dropin])
>>> [(a.path, a.line) for a in values.get("Service", "ExecStart")], values.value("Service", "User")
([('/etc/systemd/system/app.service.d/override.conf', 3)], 'app')
>>> [cmd] = parse_exec(values.value("Service", "ExecStart"))
>>> cmd.path, cmd.argv, cmd.prefixes
('/usr/local/bin/app', ['/usr/local/bin/app', '-addr', ':80'], '')

Specifiers, the environment and unit names:

>>> expand_specifiers("%S/app/%i.db", {"S": "/var/lib", "i": "blue"})
('/var/lib/app/blue.db', [])
>>> parse_environment('"GOMAXPROCS=4" GODEBUG=madvdontneed=1 "GOMAXPROCS 4"')
([('GOMAXPROCS', '4'), ('GODEBUG', 'madvdontneed=1')], ['GOMAXPROCS 4'])
>>> parse_environment_file(b"# app\\nGOMEMLIMIT=512MiB\\nexport APP_ADDR=:8080\\n")
([('GOMEMLIMIT', '512MiB', 2)], [(3, 'export APP_ADDR=:8080')])
>>> expand_env(["/usr/local/bin/app", "-addr", "${LISTEN_ADDR}"], {})
(['/usr/local/bin/app', '-addr', ''], ['LISTEN_ADDR'])
>>> split_unit_name("app@blue.service")
('app', 'blue', 'service')

Everything here is pure: the facts layer reads the files through the Host.
"""

import re

COMMENTS = ("#", ";")

# Settings whose assignments add to a list (an empty assignment resets it); every other
# setting takes its last assignment.
LIST_KEYS = frozenset("""
ExecStartPre ExecStart ExecStartPost ExecReload ExecStop ExecStopPost ExecCondition
Environment EnvironmentFile PassEnvironment UnsetEnvironment ReadWritePaths ReadOnlyPaths
InaccessiblePaths ReadWriteDirectories ReadOnlyDirectories InaccessibleDirectories
BindPaths BindReadOnlyPaths TemporaryFileSystem ExecPaths NoExecPaths ExecSearchPath
SupplementaryGroups CapabilityBoundingSet AmbientCapabilities SystemCallFilter
RestrictAddressFamilies DeviceAllow StateDirectory CacheDirectory LogsDirectory
RuntimeDirectory ConfigurationDirectory LoadCredential LoadCredentialEncrypted
SetCredential SetCredentialEncrypted SuccessExitStatus RestartPreventExitStatus
RestartForceExitStatus IPAddressAllow IPAddressDeny After Before Wants Requires Requisite
BindsTo PartOf Conflicts OnFailure OnSuccess Documentation RequiresMountsFor WantedBy
RequiredBy Alias Also
""".split())
EXEC_KEYS = ("ExecCondition", "ExecStartPre", "ExecStart", "ExecStartPost", "ExecReload",
             "ExecStop", "ExecStopPost")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class Assignment(object):
    """One `Key=value` line (continuations joined) of one file."""

    __slots__ = ("section", "key", "value", "path", "line", "text")

    def __init__(self, section, key, value, path, line, text):
        self.section, self.key, self.value = section, key, value
        self.path, self.line, self.text = path, line, text

    def __repr__(self):
        return "Assignment(%s.%s=%r @%s:%d)" % (self.section, self.key, self.value, self.path, self.line)


class Problem(object):
    """A line systemd complains about while reading the file.  `kind`: 'missing-equals',
    'bad-section', 'outside-section', 'unknown-section', 'not-utf8', 'control-chars'."""

    __slots__ = ("kind", "path", "line", "text", "message")

    def __init__(self, kind, path, line, text, message):
        self.kind, self.path, self.line, self.text, self.message = kind, path, line, text, message


class UnitFile(object):
    def __init__(self, path):
        self.path = path
        self.assignments = []
        self.problems = []
        self.sections = []


def parse_unit(data, path):
    """A UnitFile from the bytes (or text) of a unit file or drop-in.  Never raises:
    binary garbage gives problems, not exceptions."""
    unit = UnitFile(path)
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("utf-8", "replace")
    else:
        text = data
    section = None
    pending, pending_line = None, 0
    for number, raw in enumerate(text.split("\n"), 1):
        raw = raw.rstrip("\r")
        if pending is not None:
            stripped = raw.strip()
            if stripped.startswith(COMMENTS):
                continue  # comment lines inside a continuation are skipped
            line, first = pending + raw, pending_line
            pending = None
        else:
            line, first = raw, number
        if _ends_in_backslash(line):
            pending, pending_line = line[:-1] + " ", first
            continue
        section = _parse_line(unit, line, first, section)
    if pending is not None:
        section = _parse_line(unit, pending, pending_line, section)
    return unit


def _ends_in_backslash(line):
    count = len(line) - len(line.rstrip("\\"))
    return count % 2 == 1


def _parse_line(unit, line, number, section):
    stripped = line.strip()
    if not stripped or stripped.startswith(COMMENTS):
        return section
    if "\ufffd" in stripped:
        unit.problems.append(Problem("not-utf8", unit.path, number, stripped,
                                     "not valid UTF-8, ignoring the line"))
        return section
    # (isprintable: one C loop for the common line; a tab or any other character it
    # refuses is looked at one by one)
    if not stripped.isprintable() and any(ord(c) < 32 and c != "\t" for c in stripped):
        unit.problems.append(Problem("control-chars", unit.path, number, stripped,
                                     "control characters in the line"))
        return section
    if stripped.startswith("["):
        if not stripped.endswith("]") or len(stripped) < 3:
            unit.problems.append(Problem("bad-section", unit.path, number, stripped,
                                         "Invalid section header '%s'" % stripped))
            return None
        name = stripped[1:-1]
        unit.sections.append(name)
        return name
    if section is None:
        unit.problems.append(Problem("outside-section", unit.path, number, stripped,
                                     "Assignment outside of section. Ignoring."))
        return section
    key, sep, value = stripped.partition("=")
    if not sep:
        unit.problems.append(Problem("missing-equals", unit.path, number, stripped,
                                     "Missing '=', ignoring line."))
        return section
    unit.assignments.append(Assignment(section, key.strip(), value.strip(), unit.path,
                                       number, stripped))
    return section


class Effective(object):
    """The effective settings of a unit after its fragment and drop-ins, in order.

    `get(section, key)` is the list of assignments in effect: for a list setting every
    assignment since the last empty one; for any other setting the last assignment (an
    empty one means the default), so the list has at most one element."""

    def __init__(self):
        self._values = {}
        self.order = []  # every assignment, in the order systemd applied them

    def apply(self, assignment):
        self.order.append(assignment)
        key = (assignment.section, assignment.key)
        if assignment.key in LIST_KEYS:
            if assignment.value == "":
                self._values[key] = []
            else:
                self._values.setdefault(key, []).append(assignment)
        else:
            self._values[key] = [] if assignment.value == "" else [assignment]

    def get(self, section, key):
        return list(self._values.get((section, key), []))

    def value(self, section, key, default=None):
        found = self.get(section, key)
        return found[-1].value if found else default

    def assignment(self, section, key):
        found = self.get(section, key)
        return found[-1] if found else None

    def keys(self):
        return sorted(self._values)


def effective(files):
    """Apply UnitFiles (the fragment first, then drop-ins in systemd's order)."""
    result = Effective()
    for unit in files:
        for assignment in unit.assignments:
            result.apply(assignment)
    return result


def order_dropins(found):
    """systemd's drop-in order from [(directory priority, directory, name)]: a name in a
    higher-priority directory masks the same name elsewhere, and the survivors are applied
    sorted by file name (systemd.unit(5))."""
    best = {}
    for priority, directory, name in found:
        if name not in best or priority < best[name][0]:
            best[name] = (priority, directory)
    return [(best[name][1], name) for name in sorted(best)]


# ---------------------------------------------------------------------------------------
# Words, as systemd's extract_first_word(EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE) splits them.

_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v",
            "\\": "\\", '"': '"', "'": "'", "s": " ", " ": " ", ";": ";"}


class WordError(ValueError):
    pass


def split_words(text):
    """Split a value into words: whitespace separates, single and double quotes group
    (the quotes are removed), backslash escapes as in C (systemd.syntax(7)).  Raises
    WordError on an unbalanced quote.  Returns [(word, was_quoted)].

    \\xNN and \\NNN stand for one byte, as in systemd: a word is built as bytes and
    decoded with surrogate escapes, so `\\xff` is the byte 0xFF of a file name (U+DCFF
    here, which the Host turns back into that byte), not the character U+00FF, and
    `\\xc3\\xa9` is "\u00e9"."""
    words = []
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in " \t\n":
            i += 1
        if i >= n:
            return words
        out, quoted, quote = bytearray(), False, None
        while i < n:
            c = text[i]
            if quote:
                if c == quote:
                    quote = None
                elif c == "\\" and i + 1 < n:
                    i = _unescape_into(out, text, i + 1) - 1
                else:
                    out += c.encode("utf-8", "surrogateescape")
            elif c in " \t\n":
                break
            elif c in "\"'":
                quote, quoted = c, True
            elif c == "\\" and i + 1 < n:
                i = _unescape_into(out, text, i + 1) - 1
            else:
                out += c.encode("utf-8", "surrogateescape")
            i += 1
        if quote:
            raise WordError("unbalanced quote %s in: %s" % (quote, text))
        words.append((bytes(out).decode("utf-8", "surrogateescape"), quoted))


_HEX = frozenset("0123456789abcdefABCDEF")


def _unescape_into(out, text, i):
    """Append what the escape at text[i] (the character after the backslash) stands for
    to the bytearray `out`; return the index after the escape."""
    c = text[i]
    if c == "x" and len(text) >= i + 3 and all(h in _HEX for h in text[i + 1:i + 3]):
        out.append(int(text[i + 1:i + 3], 16))
        return i + 3
    if c in "0123" and len(text) >= i + 3 and all(o in "01234567" for o in text[i:i + 3]):
        out.append(int(text[i:i + 3], 8))
        return i + 3
    for letter, digits in (("u", 4), ("U", 8)):
        if c == letter and len(text) >= i + 1 + digits and \
                all(h in _HEX for h in text[i + 1:i + 1 + digits]):
            code = int(text[i + 1:i + 1 + digits], 16)
            if code <= 0x10ffff and not 0xd800 <= code <= 0xdfff:
                out += chr(code).encode("utf-8")
                return i + 1 + digits
    out += _ESCAPES.get(c, c).encode("utf-8", "surrogateescape")
    return i + 1


# ---------------------------------------------------------------------------------------
class ExecCommand(object):
    """One command of an Exec*= line.

    `prefixes` is the string of special characters before the path ("-", "@", "+", "!",
    "!!", ":"), `path` the program as written (after the prefixes), `argv` the words
    (argv[0] first; with "@" the second word), `raw` the assignment's value."""

    def __init__(self, raw, prefixes, path, argv, raw_words=None):
        self.raw = raw
        self.prefixes = prefixes
        self.path = path
        self.argv = argv
        # each word as written in the unit (quotes, escapes, $VAR kept; prefixes on the
        # first): how a fix rewrites a line without changing what the user meant
        self.raw_words = raw_words or []

    @property
    def ignore_failure(self):
        return "-" in self.prefixes

    @property
    def absolute(self):
        return self.path.startswith("/")

    @property
    def args(self):
        return self.argv[1:]

    def __repr__(self):
        return "ExecCommand(%r, %r)" % (self.prefixes, self.argv)


def parse_exec(value):
    """The commands of an Exec*= value: [ExecCommand].  Raises WordError on a quoting
    error.  A lone ";" separates commands ("\\;" is a literal ";")."""
    commands = []
    raw_words = _raw_words(value)
    current = []
    for raw, (word, quoted) in raw_words:
        if raw == ";":
            if current:
                commands.append(current)
            current = []
            continue
        current.append((raw, word, quoted))
    if current:
        commands.append(current)
    result = []
    for words in commands:
        first_raw, first, _ = words[0]
        prefixes = ""
        while first and first[0] in "-@+!:":
            if first.startswith("!!"):
                prefixes += "!!"
                first = first[2:]
            else:
                prefixes += first[0]
                first = first[1:]
        rest = [w for _, w, _ in words[1:]]
        if "@" in prefixes:
            path = first
            argv = rest or [first]
        else:
            path = first
            argv = [first] + rest
        result.append(ExecCommand(value, prefixes, path, argv, [r for r, _, _ in words]))
    return result


def _raw_words(value):
    """[(raw text, (word, quoted))] so that a bare ';' can be told from '\\;'."""
    out = []
    for raw in _raw_split(value):
        words = split_words(raw)
        out.append((raw, words[0] if words else ("", False)))
    return out


def _raw_split(value):
    """Split at unquoted whitespace, keeping each word's raw text."""
    words, i, n = [], 0, len(value)
    while True:
        while i < n and value[i] in " \t\n":
            i += 1
        if i >= n:
            return words
        start, quote = i, None
        while i < n:
            c = value[i]
            if quote:
                if c == "\\":
                    i += 1
                elif c == quote:
                    quote = None
            elif c in "\"'":
                quote = c
            elif c == "\\":
                i += 1
            elif c in " \t\n":
                break
            i += 1
        if quote:
            raise WordError("unbalanced quote %s in: %s" % (quote, value))
        words.append(value[start:i])


def expand_env(argv, env):
    """Exec*= environment substitution: "${VAR}" inside a word is replaced by the value;
    a word that is exactly "$VAR" becomes the value split at whitespace; "$$" is "$".
    Returns (argv, names of variables that were not set)."""
    missing = []
    out = []

    def repl(match):
        if match.group(0) == "$$":
            return "$"
        name = match.group(1)
        if name not in env:
            missing.append(name)
        return env.get(name, "")

    for word in argv:
        whole = re.match(r"^\$([A-Za-z_][A-Za-z0-9_]*)$", word)
        if whole:
            name = whole.group(1)
            if name not in env:
                missing.append(name)
            out.extend(env.get(name, "").split())
            continue
        out.append(re.sub(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}", repl, word))
    return out, missing


# ---------------------------------------------------------------------------------------
def specifiers_in(value):
    """The specifier letters used in a value ("%%" is not one)."""
    found = []
    i = 0
    while i < len(value) - 1:
        if value[i] == "%":
            found.append(value[i + 1])
            i += 2
        else:
            i += 1
    return found


def expand_specifiers(value, values):
    """Replace %X by values[X] where known; unknown ones stay as written.  Returns
    (expanded, [letters not in values])."""
    out, unknown, i = [], [], 0
    while i < len(value):
        c = value[i]
        if c == "%" and i + 1 < len(value):
            letter = value[i + 1]
            if letter in values:
                out.append(values[letter])
            else:
                out.append("%" + letter)
                unknown.append(letter)
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out), unknown


# ---------------------------------------------------------------------------------------
def parse_environment(value):
    """Environment= value -> ([(name, value)], [bad words]).  Each word is NAME=value;
    quotes group ("Environment="A=1 2" B=3")."""
    pairs, bad = [], []
    try:
        words = split_words(value)
    except WordError:
        return [], [value]
    for word, _ in words:
        name, sep, val = word.partition("=")
        if not sep or not _ENV_NAME.match(name):
            bad.append(word)
            continue
        pairs.append((name, val))
    return pairs, bad


def parse_environment_file(data):
    """An EnvironmentFile= file -> ([(name, value, line)], [(line, text)] bad lines).
    KEY=VALUE lines; '#' and ';' comments; single or double quotes; "export " is not
    shell: systemd rejects the line."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    pairs, bad = [], []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        number = i + 1
        line = lines[i].rstrip("\r")
        while _ends_in_backslash(line) and i + 1 < len(lines):
            i += 1
            line = line[:-1] + lines[i].rstrip("\r")
        i += 1
        stripped = line.strip()
        if not stripped or stripped.startswith(COMMENTS):
            continue
        name, sep, val = stripped.partition("=")
        name = name.strip()
        if not sep or not _ENV_NAME.match(name):
            bad.append((number, stripped))
            continue
        val = val.strip()
        if len(val) >= 2 and val[0] == val[-1] and val[0] in "\"'":
            val = val[1:-1]
            if stripped.split("=", 1)[1].strip()[0] == '"':
                val = re.sub(r"\\(.)", r"\1", val)
        pairs.append((name, val, number))
    return pairs, bad


def split_unit_name(name):
    """('app@x.service') -> ('app', 'x', 'service'); instance None when there is none."""
    base, dot, suffix = name.rpartition(".")
    if not dot:
        base, suffix = name, ""
    prefix, at, instance = base.partition("@")
    return prefix, (instance if at else None), suffix
