"""A `go env` listing in pasted text -> the causes that only two of its lines together
show (GOPATH the same as GOROOT, GOROOT set to the bin directory).  The listing is
`KEY="value"` (Linux, macOS), `KEY='value'` (Go 1.22+), or `set KEY=value` (Windows)."""

import posixpath
import re

from gotriage.explain.match import Candidate, Hit

_LINE = re.compile(r"^\s*(?:set |export )?(GO[A-Z0-9_]+)=(?:\"([^\"]*)\"|'([^']*)'|(\S*))\s*$")
MIN_LINES = 2  # GOPATH and GOROOT at least


def settings(text):
    """{name: (value, line number)} of the go env lines of `text`."""
    found = {}
    if "GOROOT=" not in text:
        return found
    for number, line in enumerate(text.splitlines(), 1):
        if "GO" not in line or "=" not in line:
            continue
        m = _LINE.match(line)
        if m:
            value = next(v for v in m.groups()[1:] if v is not None)
            found.setdefault(m.group(1), (value, number, line.strip()))
    return found


def candidates(text):
    from gotriage.explain.match import catalogue

    env = settings(text)
    if "GOROOT" not in env:
        return []
    signatures = catalogue()[0]
    by_name = {s.name: s for s in signatures}
    goroot, line, raw = env["GOROOT"]
    root = posixpath.normpath(goroot) if goroot else ""
    out = []
    if root and root.endswith("/bin"):
        cand = Candidate("GO-ROOT-MISSING", by_name["GO-ROOT-MISSING/go-env"])
        cand.add(Hit(cand.signature, line, raw, {"goroot": goroot}))
        out.append(cand)
    gopath = env.get("GOPATH")
    if root and gopath and root in [posixpath.normpath(p) for p in gopath[0].split(":") if p]:
        cand = Candidate("GO-MODULES-GOPATH", by_name["GO-MODULES-GOPATH/go-env"])
        cand.add(Hit(cand.signature, gopath[1], gopath[2], {"goroot": goroot}))
        cand.add(Hit(cand.signature, line, raw, {}))
        out.append(cand)
    return out
