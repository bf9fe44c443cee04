"""go.mod: the lines that decide which Go can build a module.

Sample (go.mod indents a block with a tab):

>>> mod = parse_gomod(b'''module example.com/hello
...
... go 1.22.1
...
... toolchain go1.23.4
...
... require (
... \\tgolang.org/x/sys v0.20.0
... )
... ''')
>>> mod.module, mod.go, mod.go_line, mod.toolchain, mod.toolchain_line
('example.com/hello', '1.22.1', 3, 'go1.23.4', 5)
>>> mod.requires, mod.errors
([('golang.org/x/sys', 'v0.20.0', 8)], [])
>>> parse_gomod(b"module m\\nreplace example.com/lib => ../lib\\n").replaced
[('example.com/lib', True)]
>>> mod = parse_gomod(b"module m\\ngo 1.22\\ngodebug default=go1.21\\ntool golang.org/x/tools/cmd/stringer\\n")
>>> mod.directives[2:], mod.texts[3]
([(3, 'godebug'), (4, 'tool')], 'godebug default=go1.21')
>>> parse_gomod(b"<<<<<<< HEAD\\nmodule example.com/hello\\n").errors
[(1, 'unknown directive: <<<<<<<')]

The parser is tolerant: a binary or garbled file gives `errors` (with line numbers), not
an exception.  Only `module`, `go`, `toolchain`, `require`, `replace` (counted) and which
directives are where (with their lines' text) are kept; a full go.mod grammar is not
needed to diagnose a host.
"""

import re

_GO_LINE = re.compile(r"^\d+(\.\d+){1,2}((rc|beta)\d+)?$")
_TOOLCHAIN = re.compile(r"^(go\d+(\.\d+){1,2}((rc|beta)\d+)?([-+].*)?|default|local)$")
_DIRECTIVES = {"module", "go", "toolchain", "require", "replace", "exclude", "retract",
               "godebug", "tool", "ignore"}


class GoMod(object):
    def __init__(self):
        self.module = None
        self.go = None
        self.go_line = None
        self.toolchain = None
        self.toolchain_line = None
        self.requires = []  # (path, version, line)
        self.replaces = 0
        self.replaced = []  # (module path, whether by a local directory)
        self.errors = []  # (line, message)
        self.directives = []  # (line, directive)
        self.texts = {}  # line -> the directive's line as written (a fix deletes it)


def parse_gomod(data):
    """Parse go.mod bytes or text into a GoMod."""
    mod = GoMod()
    if isinstance(data, bytes):
        if b"\0" in data:
            mod.errors.append((1, "binary data (NUL bytes): not a go.mod file"))
            return mod
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            mod.errors.append((1, "not UTF-8 text"))
            data = data.decode("utf-8", "replace")
    block = None
    for number, raw in enumerate(data.splitlines(), 1):
        line = raw.split("//", 1)[0].strip()
        if not line:
            continue
        if block:
            if line == ")":
                block = None
                continue
            _block_item(mod, block, line, number)
            continue
        words = line.split()
        directive = words[0]
        if directive not in _DIRECTIVES:
            mod.errors.append((number, "unknown directive: %s" % directive))
            continue
        mod.directives.append((number, directive))
        mod.texts[number] = raw
        rest = words[1:]
        if rest == ["("]:
            block = directive
            continue
        if directive == "module" and rest:
            mod.module = rest[0].strip('"')
        elif directive == "go":
            if len(rest) != 1 or not _GO_LINE.match(rest[0]):
                mod.errors.append((number, "invalid go version %r" % " ".join(rest)))
            else:
                mod.go, mod.go_line = rest[0], number
        elif directive == "toolchain":
            if len(rest) != 1 or not _TOOLCHAIN.match(rest[0]):
                mod.errors.append((number, "invalid toolchain %r" % " ".join(rest)))
            else:
                mod.toolchain, mod.toolchain_line = rest[0], number
        elif directive in ("require", "replace"):
            _block_item(mod, directive, " ".join(rest), number)
    if mod.module is None and not mod.errors:
        mod.errors.append((1, "no module directive"))
    return mod


def _block_item(mod, directive, line, number):
    words = line.split()
    if directive == "require" and len(words) >= 2:
        mod.requires.append((words[0].strip('"'), words[1], number))
    elif directive == "replace":
        mod.replaces += 1
        old, arrow, new = line.partition("=>")
        target = new.split()
        if arrow and old.split() and target:
            # a directory (./x, ../x, /x): go reads it from disk, never from a proxy or
            # the checksum database
            local = target[0].startswith(("./", "../", "/")) or target[0] in (".", "..")
            mod.replaced.append((old.split()[0].strip('"'), local))
