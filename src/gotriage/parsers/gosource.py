"""Go source files: what a file imports and which newer language features it uses, for
GO-VERSION-FEATURE (a feature the local Go lacks) and GO-MODULES-GOPATH-MODE (imports
that GOPATH mode cannot find).

Not a Go parser: comments, strings and rune literals are blanked first (every position
kept), then each feature is a pattern on what is left, written to miss rather than to
invent: `min(` is the builtin only where the file declares no `min` of its own (and the
facts drop it when another file of the package declares one), `range 10` and
`range len(x)` are ranges over integers but `range n` is not judged.

Sample (tabs as gofmt writes them):

>>> src = scan_go_source('''package main
...
... import (
... \\t"fmt"
... \\tstd "slices"
... )
...
... //go:embed static
... var static embed.FS
...
... func Map[T any](xs []T) []T { return xs }
...
... func main() {
... \\tfor i := range 10 {
... \\t\\tfmt.Println(min(i, 3), "for range func() {} // in a string")
... \\t}
... }
... ''')
>>> src.package, [(i.path, i.line, i.column) for i in src.imports]
('main', [('fmt', 4, 2), ('slices', 5, 6)])
>>> for use in src.uses:
...     print(use.feature, use.line, use.column, use.text)
embed 8 1 //go:embed static
generics 11 1 func Map[T any]
any 11 12 any
range-int 14 11 range 10
min-max 15 15 min(

A file behind a build constraint is compiled only where it holds (`ignore`: never; a
`go1.N` tag: by Go 1.N and later):

>>> build = scan_go_source("//go:build linux && go1.23\\n\\npackage main\\n").build
>>> build, build_satisfied(build, "linux", "amd64", (1, 22)), build_satisfied(build, "linux", "amd64", (1, 23))
('linux && go1.23', False, True)
>>> build_satisfied("ignore", "linux", "amd64", (1, 27)), build_satisfied("!windows", "linux", "amd64", (1, 27))
(False, True)
"""

import re

# comments, interpreted and raw strings, runes (an unterminated one runs to the line's end)
_TOKENS = re.compile(r'//[^\n]*|/\*.*?(?:\*/|\Z)|"(?:\\.|[^"\\\n])*"?|`[^`]*`?|'
                     r"'(?:\\.|[^'\\\n])*'?", re.S)
_PACKAGE = re.compile(r"^[ \t]*package[ \t]+(\w+)", re.M)
_IMPORT = re.compile(r"\bimport\b")
_BLOCK = re.compile(r"\s*\(")
_EMBED = re.compile(r"^//go:embed\s.*$", re.M)
_BUILD = re.compile(r"^//go:build\s+(.*?)\s*$", re.M)

# At each keyword: the pattern that makes it a feature (matched where the keyword starts).
_AT = {
    "func": [("generics", re.compile(r"func\s+\w+\s*\[\s*\w+(?:\s*,\s*\w+)*\s+~?[A-Za-z_]")),
             ("generics", re.compile(r"func\s*\(\s*(?:\w+\s+)?\*?\s*\w+\s*\[[\w\s,]+\]\s*\)\s*"
                                     r"\w+\s*\("))],
    "type": [("generics", re.compile(r"type\s+\w+\s*\[\s*\w+(?:\s*,\s*\w+)*\s+~?[A-Za-z_]"))],
    "range": [("range-int", re.compile(r"range\s+(?:\d[\d_]*(?![\w.])|(?:len|cap)\s*\()")),
              ("range-func", re.compile(r"range\s+func\s*\(")),
              ("range-func", re.compile(r"range\s+(maps|slices)\.(?:All|Keys|Values|Backward)\s*\(")),
              ("range-int", re.compile(r"range\s+(\w+)\.N\b"))],
    "unsafe": [("unsafe-add", re.compile(r"unsafe\.(?:Add|Slice)\s*\(")),
               ("unsafe-string", re.compile(r"unsafe\.(?:String|StringData|SliceData)\s*\("))],
    "strings": [("strings-seq", re.compile(r"strings\.(?:Lines|SplitSeq|SplitAfterSeq|FieldsSeq|"
                                           r"FieldsFuncSeq)\s*\("))],
    "bytes": [("strings-seq", re.compile(r"bytes\.(?:Lines|SplitSeq|SplitAfterSeq|FieldsSeq|"
                                         r"FieldsFuncSeq)\s*\("))],
}
_NUMBER = re.compile(r"0[bBoO][0-9_]+|0[xX][0-9a-fA-F_.]*(?:_[0-9a-fA-F_.]*|[pP][+-]?\d+)|\d[\d_]*_\d[\d_]*")
# predeclared names that code written before them often declares itself
_PREDECLARED = (("min-max", "min"), ("min-max", "max"), ("clear", "clear"), ("any", "any"))
_CALL = re.compile(r"\s*\(\s*[^)\s]")  # a builtin call has an argument
_DECLARED_AFTER = re.compile(r"(?:\s*,[\w\s,]*)?\s*(?::=|=(?!=))|[ \t]+[*\[\]]*[A-Za-z_]")
_DECLARED_BEFORE = re.compile(r"\b(?:func|var|const|type)\s+$")
_METHOD_BEFORE = re.compile(r"\bfunc\s*\([^()]*\)\s*$")


def _is_word(ch):
    return ch.isalnum() or ch == "_"


def _occurrences(code, word, dot_before=False):
    """Offsets of `word` as a whole identifier (not part of a longer one; with
    dot_before False, not a selector either: x.min)."""
    at = code.find(word)
    while at >= 0:
        before = code[at - 1] if at else " "
        after = code[at + len(word)] if at + len(word) < len(code) else " "
        selector = before == "." and code[at - 2:at - 1] != "."  # x.min, not ...any
        if not _is_word(before) and not _is_word(after) and (dot_before or not selector):
            yield at
        at = code.find(word, at + len(word))


class Import(object):
    __slots__ = ("path", "name", "line", "column")

    def __init__(self, path, name, line, column):
        self.path, self.name, self.line, self.column = path, name, line, column


class Use(object):
    """A feature used at line:column (1-based, as go reports them); `name` is the
    predeclared name for min/max/clear/any (None otherwise)."""

    __slots__ = ("feature", "line", "column", "text", "name")

    def __init__(self, feature, line, column, text, name=None):
        self.feature, self.line, self.column, self.text, self.name = (
            feature, line, column, text, name)


_UNIX = {"aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "linux",
         "netbsd", "openbsd", "solaris"}


def build_satisfied(expr, goos, goarch, version, cgo=True):
    """Whether a //go:build expression holds for GOOS/GOARCH and a Go release (a
    (major, minor) tuple): its tags are goos, goarch, unix, gc, cgo and go1.1 to the
    release; any other tag (ignore, a custom one) is false, as go build sees it by
    default.  An expression that cannot be read counts as satisfied."""
    if not expr:
        return True
    tokens = re.findall(r"&&|\|\||[!()]|[\w.]+", expr)

    def tag(word):
        m = re.match(r"^go1\.(\d+)$", word)
        if m:
            return (1, int(m.group(1))) <= tuple(version[:2])
        return word in (goos, goarch, "gc") or (word == "unix" and goos in _UNIX) or \
            (word == "cgo" and cgo)
    pos = [0]

    def peek():
        return tokens[pos[0]] if pos[0] < len(tokens) else None

    def take():
        pos[0] += 1
        return tokens[pos[0] - 1]

    def primary():
        word = take()
        if word == "!":
            return not primary()
        if word == "(":
            value = disjunction()
            take()
            return value
        return tag(word)

    def conjunction():
        value = primary()
        while peek() == "&&":
            take()
            value = primary() and value
        return value

    def disjunction():
        value = conjunction()
        while peek() == "||":
            take()
            value = conjunction() or value
        return value
    try:
        return disjunction()
    except IndexError:
        return True


def _applies(feature, match, code, paths):
    """The conditions a pattern's match needs beyond itself."""
    if feature == "range-func" and match.lastindex:  # maps.Keys...: the std package's
        return match.group(1) in paths
    if feature == "range-int" and match.lastindex:  # range b.N: b is a *testing.B
        return re.search(r"\b%s\s+\*testing\.B\b" % re.escape(match.group(1)), code) is not None
    return True


def _closing(code, at):
    """The offset of the bracket that closes the one at `at` (or the line's end)."""
    depth, pairs = 0, {"(": ")", "[": "]", "{": "}"}
    opening = code[at]
    for i in range(at, min(len(code), at + 400)):
        if code[i] == opening:
            depth += 1
        elif code[i] == pairs[opening]:
            depth -= 1
            if depth == 0:
                return i
        elif code[i] == "\n":
            break
    return i


def _numbers(code):
    """Offsets of the number literals Go 1.13 brought (0b1, 0o7, 1_000, 0x1p-2)."""
    for marker in ("0b", "0B", "0o", "0O", "0x", "0X", "_"):
        for at in _occurrences_raw(code, marker):
            start = at
            if marker == "_":
                if not (at and code[at - 1].isdigit()):
                    continue
                while start and (code[start - 1].isalnum() or code[start - 1] in "_."):
                    start -= 1
                if not code[start].isdigit():
                    continue  # part of an identifier (x1_2)
            elif start and (_is_word(code[start - 1]) or code[start - 1] == "."):
                continue
            if _NUMBER.match(code, start):
                yield start


def _occurrences_raw(code, text):
    at = code.find(text)
    while at >= 0:
        yield at
        at = code.find(text, at + 1)


class GoSource(object):
    def __init__(self):
        self.package = None
        self.build = None  # the //go:build expression, if any (build_satisfied judges it)
        self.imports = []
        self.uses = []  # the first use of each feature (per name for predeclared ones)
        self.declares = set()  # which of min, max, clear, any the file declares


def blank(text):
    """The text with comments, strings and runes turned into spaces (newlines kept), and
    the string literals found: (code, [(offset, literal text)])."""
    out, strings, last = [], [], 0
    for match in _TOKENS.finditer(text):
        start, end = match.span()
        token = match.group(0)
        out.append(text[last:start])
        if token[0] in "\"`":
            strings.append((start, token))
        if "\n" in token:
            out.append("".join(c if c == "\n" else " " for c in token))
        else:
            out.append(" " * (end - start))
        last = end
    out.append(text[last:])
    return "".join(out), strings


def _position(text, offset):
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _unquote(literal):
    if literal.startswith("`"):
        return literal.strip("`")
    return literal[1:-1] if literal.endswith('"') and len(literal) > 1 else literal[1:]


def _predeclared(code, name):
    """('declared', None) when the file declares `name` itself (a function, variable,
    constant, type, parameter, field, an assignment to it); else ('used', offset of its
    first use: a call with an argument for min, max and clear, any mention for any), or
    (None, None)."""
    first = None
    for at in _occurrences(code, name):
        line_start = code.rfind("\n", 0, at) + 1
        before = code[line_start:at]
        if _METHOD_BEFORE.search(before):
            continue  # a method of that name: neither the builtin nor a shadow of it
        end = at + len(name)
        if _DECLARED_BEFORE.search(before) or _DECLARED_AFTER.match(code, end):
            return "declared", None
        if first is None and (name == "any" or _CALL.match(code, end)):
            first = at
    return ("used", first) if first is not None else (None, None)


def _imports(code, strings, text):
    out = []
    literals = sorted(strings)
    for match in _IMPORT.finditer(code):
        block = _BLOCK.match(code, match.end())
        if block:  # import ( ... )
            end = code.find(")", block.end())
            end = len(code) if end < 0 else end
            span = [s for s in literals if match.end() <= s[0] < end]
        else:
            line_end = code.find("\n", match.end())
            line_end = len(code) if line_end < 0 else line_end
            span = [s for s in literals if match.end() <= s[0] < line_end][:1]
        for offset, literal in span:
            line, column = _position(text, offset)
            before = code[text.rfind("\n", 0, offset) + 1:offset].split()
            name = before[-1] if before and before[-1] not in ("import", "(") else None
            out.append(Import(_unquote(literal), name, line, column))
    return out


def scan_go_source(text):
    """Scan one .go file's text into a GoSource."""
    src = GoSource()
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    code, strings = blank(text)
    package = _PACKAGE.search(code)
    src.package = package.group(1) if package else None
    build = _BUILD.search(text[:package.start() if package else len(text)])
    src.build = build.group(1) if build else None
    src.imports = _imports(code, strings, text)
    seen = set()

    def add(feature, offset, snippet, name=None):
        key = name or feature
        if key in seen:
            return
        seen.add(key)
        line, column = _position(text, offset)
        src.uses.append(Use(feature, line, column, snippet.strip(), name))
    embed = _EMBED.search(text)
    if embed:
        add("embed", embed.start(), embed.group(0))
    paths = {i.path for i in src.imports}
    for word, checks in _AT.items():
        for at in _occurrences(code, word, dot_before=word in ("func", "type", "range")):
            for feature, pattern in checks:
                if feature in seen and feature != "generics":
                    continue
                match = pattern.match(code, at)
                if match is None or not _applies(feature, match, code, paths):
                    continue
                snippet = match.group(0)
                if snippet.endswith("(") and feature == "range-int":  # range len(x)
                    snippet = code[at:_closing(code, match.end() - 1) + 1]
                if feature == "generics":
                    close = code.find("]", at)
                    snippet = code[at:close + 1] if close >= 0 else snippet
                    if word == "type" and re.match(r"\s*=", code[close + 1:close + 9]):
                        feature = "generic-alias"
                add(feature, at, snippet.split("\n")[0])
    at = min(_numbers(code), default=None)
    if at is not None:
        add("number-literals", at, _NUMBER.match(code, at).group(0))
    for feature, name in _PREDECLARED:
        if name not in code:
            continue
        state, at = _predeclared(code, name)
        if state == "declared":
            src.declares.add(name)
        elif state == "used":
            add(feature, at, name + ("(" if name != "any" else ""), name)
    src.uses.sort(key=lambda u: (u.line, u.column))
    return src
