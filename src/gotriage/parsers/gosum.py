"""go.sum, and the module path patterns of GOPRIVATE, GONOSUMDB and GONOPROXY.

go.sum holds two lines per module version go has verified: the hash of its zip and the
hash of its go.mod (`/go.mod` after the version).  A module that go.mod requires and
go.sum lacks is looked up in the checksum database on its first download (GOSUMDB),
unless GONOSUMDB (by default GOPRIVATE) matches its path.

>>> sums = parse_gosum('''golang.org/x/sys v0.20.0 h1:Od9JTbYCk261bKm4M/mw7AklTlFYIa0bIp9BgSm1S8Y=
... golang.org/x/sys v0.20.0/go.mod h1:/VUhepiaJMQUp4+oa/7Zr1D23ma6VTLIYjOOTFZPUcA=
... git.corp.example.com/team/lib v1.2.0/go.mod h1:AAAA=
... ''')
>>> sums[("golang.org/x/sys", "v0.20.0")], sums[("git.corp.example.com/team/lib", "v1.2.0")]
({'zip': True, 'mod': True}, {'zip': False, 'mod': True})

Patterns are comma-separated globs, each matched (as path.Match) against as many
leading elements of the module path as it has (cmd/go's module.MatchPrefixPatterns):

>>> match_prefix_patterns("*.corp.example.com,github.com/acme", "git.corp.example.com/team/lib")
True
>>> match_prefix_patterns("github.com/acme", "github.com/acmecorp/tool")
False
"""

import fnmatch


def parse_gosum(text):
    """{(module path, version): {"zip": bool, "mod": bool}} (malformed lines skipped)."""
    out = {}
    for line in (text or "").splitlines():
        words = line.split()
        if len(words) != 3 or not words[2].startswith("h"):
            continue
        path, version = words[0], words[1]
        kind = "zip"
        if version.endswith("/go.mod"):
            version, kind = version[:-len("/go.mod")], "mod"
        entry = out.setdefault((path, version), {"zip": False, "mod": False})
        entry[kind] = True
    return out


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
