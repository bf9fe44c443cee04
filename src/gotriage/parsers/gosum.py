"""go.sum, and the module path patterns of GOPRIVATE, GONOSUMDB and GONOPROXY.

go.sum holds two lines per module version go has verified: the hash of its zip and the
hash of its go.mod (`/go.mod` after the version).  A module that go.mod requires and
go.sum lacks is looked up in the checksum database on its first download (GOSUMDB),
unless GONOSUMDB (by default GOPRIVATE) matches its path.

>>> sums = parse_gosum('''golang.org/x/sys v0.20.0 h1:Od9JTbYCk261bKm4M/mw7AklTlFYIa0bIp9BgSm1S8Y=
... golang.org/x/sys v0.20.0/go.mod h1:/VUhepiaJMQUp4+oa/7Zr1D23ma6VTLIYjOOTFZPUcA=
... git.corp.example.com/team/lib v1.2.0/go.mod h1:AAAA=
... ''')
>>> sums[("golang.org/x/sys", "v0.20.0")]["zip"]
'h1:Od9JTbYCk261bKm4M/mw7AklTlFYIa0bIp9BgSm1S8Y='
>>> lib = sums[("git.corp.example.com/team/lib", "v1.2.0")]
>>> lib["zip"], lib["mod"], lib["mod_line"]
(None, 'h1:AAAA=', 3)

The module cache keeps a module under its path escaped (an upper-case letter is "!" and
its lower case), and the hash go computed for its zip in VERSION.ziphash:

>>> escape_path("github.com/BurntSushi/toml")
'github.com/!burnt!sushi/toml'

Patterns are comma-separated globs, each matched (as path.Match) against as many
leading elements of the module path as it has (cmd/go's module.MatchPrefixPatterns):

>>> match_prefix_patterns("*.corp.example.com,github.com/acme", "git.corp.example.com/team/lib")
True
>>> match_prefix_patterns("github.com/acme", "github.com/acmecorp/tool")
False
"""

import fnmatch


def parse_gosum(text):
    """{(module path, version): {"zip": hash, "mod": hash, "zip_line": n, "mod_line": n}},
    a hash None where go.sum lacks that line (malformed lines skipped)."""
    out = {}
    for number, line in enumerate((text or "").splitlines(), 1):
        words = line.split()
        if len(words) != 3 or not words[2].startswith("h"):
            continue
        path, version = words[0], words[1]
        kind = "zip"
        if version.endswith("/go.mod"):
            version, kind = version[:-len("/go.mod")], "mod"
        entry = out.setdefault((path, version), {"zip": None, "mod": None, "zip_line": None,
                                                 "mod_line": None})
        entry[kind], entry[kind + "_line"] = words[2], number
    return out


def escape_path(path):
    """module.EscapePath (and EscapeVersion): the name go gives a module in its cache."""
    return "".join("!" + c.lower() if "A" <= c <= "Z" else c for c in path)


def match_prefix_patterns(globs, target):
    """Whether a path matches one of the comma-separated glob patterns (module.Match-
    PrefixPatterns: a pattern of N elements matches the first N elements of `target`)."""
    for glob in (globs or "").split(","):
        glob = glob.strip().rstrip("/")
        if not glob:
            continue
        parts = glob.split("/")
        elements = target.split("/")
        if len(elements) < len(parts):
            continue
        if all(_match_element(p, e) for p, e in zip(parts, elements)):
            return True
    return False


def _match_element(pattern, element):
    """path.Match for one element ('*' and '?' never match a '/', which is absent)."""
    try:
        return fnmatch.fnmatchcase(element, pattern)
    except Exception:  # a malformed class: go ignores the pattern (path.ErrBadPattern)
        return False
