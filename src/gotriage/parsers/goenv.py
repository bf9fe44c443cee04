"""Go's own configuration formats: `go env -json` output, the go env file, go.env.

`go env -json GOROOT GOVERSION` (Go 1.21.13; go indents with a tab):

>>> values = parse_go_env_json('''{
... \\t"GOROOT": "/usr/local/go",
... \\t"GOVERSION": "go1.21.13"
... }
... ''')
>>> print(values["GOROOT"], values["GOVERSION"])
/usr/local/go go1.21.13
>>> parse_version(values["GOVERSION"]), language_version("go1.21.13"), format_version((1, 22, 0, 1, 2))
((1, 21, 13, 2, 0), (1, 21), '1.22.0rc2')
>>> read_version_file("go1.21.13\\ntime 2024-07-30T19:34:31Z\\n")   # $GOROOT/VERSION
'go1.21.13'

The go env file (`go env GOENV`, by default ~/.config/go/env) and `$GOROOT/go.env`
(Go 1.21+) hold NAME=VALUE lines; `go env -w` writes them.  Sample of go1.27.3's go.env:

>>> lines = parse_go_env_file('''# This file contains the initial defaults for go command configuration.
... GOPROXY=https://proxy.golang.org,direct
... GOSUMDB=sum.golang.org
... GOTOOLCHAIN=auto
... ''')
>>> for entry in lines:
...     print(entry.line, entry.name, entry.value, entry.valid)
2 GOPROXY https://proxy.golang.org,direct True
3 GOSUMDB sum.golang.org True
4 GOTOOLCHAIN auto True
>>> sorted(env_file_values(lines))
['GOPROXY', 'GOSUMDB', 'GOTOOLCHAIN']
"""

import json
import re

_VERSION = re.compile(r"^(?:go)?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:(rc|beta)(\d+))?")


def parse_go_env_json(text):
    """The dict printed by `go env -json NAME...`, or None if it is not a JSON object of strings."""
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if not isinstance(value, dict):
        return None
    return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in value.items()}


class EnvFileLine(object):
    __slots__ = ("line", "name", "value", "text", "valid")

    def __init__(self, line, name, value, text, valid):
        self.line, self.name, self.value, self.text, self.valid = line, name, value, text, valid


def parse_go_env_file(text):
    """Lines of a go env file.  Go reads `NAME=VALUE` lines and skips the others; we keep
    them (valid=False) so that a report can point at them."""
    lines = []
    for number, raw in enumerate((text or "").splitlines(), 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        name, sep, value = stripped.partition("=")
        name = name.strip()
        valid = bool(sep) and bool(re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", name))
        lines.append(EnvFileLine(number, name if valid else None, value if valid else None,
                                 raw, valid))
    return lines


def env_file_values(lines):
    """{NAME: EnvFileLine} of the valid lines (the last one wins, as in Go)."""
    values = {}
    for entry in lines:
        if entry.valid:
            values[entry.name] = entry
    return values


def parse_version(text):
    """'go1.21.13' / '1.22' / '1.22rc1' -> a comparable tuple (1, 21, 13, 2, 0) or None.

    The fourth item orders beta (0) < rc (1) < release (2), as Go's own gover package."""
    if not text:
        return None
    match = _VERSION.match(text.strip())
    if not match:
        return None
    major, minor, patch, kind, pre = match.groups()
    stage = {"beta": 0, "rc": 1}.get(kind, 2)
    return (int(major), int(minor or 0), int(patch or 0), stage, int(pre or 0))


def language_version(text):
    """'go1.21.13' -> (1, 21): the language version that a go line compares against."""
    version = parse_version(text)
    return version[:2] if version else None


def format_version(version):
    """(1, 21, 0, 2, 0) -> '1.21.0'."""
    text = "%d.%d.%d" % version[:3]
    if version[3] < 2:
        text += ("beta", "rc")[version[3]] + str(version[4])
    return text


def read_version_file(text):
    """The version in a $GOROOT/VERSION file: its first line ('go1.21.13'); newer files
    add a 'time ...' line after it."""
    for line in (text or "").splitlines():
        line = line.strip()
        if line.startswith("go") or line.startswith("devel"):
            return line
        if line:
            return None
    return None
