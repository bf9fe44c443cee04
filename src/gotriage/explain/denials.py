"""AVC and USER_AVC records in pasted text -> Candidates, explained as `gotriage avc`
explains a log: the audit log's scanner reads them (whatever the line prefix: ausearch,
journalctl, /var/log/messages), the analyzers give each denial its narrowest fix, and the
denials that share a fix are one cause.  No policy is asked: the text may come from
another host; with a host, explain.confirm asks its checks."""

import re

from gotriage.explain.match import Candidate, Hit


def has_denials(text):
    """Whether the text may hold a denial: "avc:", "type=AVC", "type=USER_AVC" or
    "USER_AVC" (the last three hold "AVC", and "V" is looked for first: memchr)."""
    return ("V" in text and "AVC" in text) or "avc:" in text


def candidates(text):
    if not has_denials(text):
        return []
    from gotriage.checks.selinux import group_findings
    from gotriage.parsers.audit import Scanner
    from gotriage.selinux.analyzers import View, explain

    data = _records(text).encode("utf-8", "surrogateescape")
    scanner = Scanner()
    scanner.start_file("<pasted text>")
    scanner.feed(data)
    scanner.finish()
    denials = sorted(scanner.result.distinct(), key=lambda d: (-d.count, d.index))
    if not denials:
        return []
    if len(text) <= MAX_PATH_SEARCH:
        found = {}
        for d in denials:
            _path_from_text(d, text, found)
    view = View(rerun=["gotriage", "avc", "-"], log_paths=_log_paths(denials, text))
    explained = [(d, explain(d, view)) for d in denials]
    out = []
    line_of = _lines_of(data, denials)
    for group, finding in group_findings(explained, None):
        cand = Candidate(finding.id, finding=finding)
        for d in group.denials:
            cand.add(Hit(None, line_of.get(id(d), 0), d.lines[0] if d.lines else "", {}))
        if group.logged_only:
            cand.harmless = "logged, not blocked: the process ran in permissive mode (permissive=1)"
        out.append(cand)
    return out


def _log_paths(denials, text):
    """[(unit, LogPath)] of the log files the denials write and the paste names outside its
    AVC records (a journal's "open /var/log/app/x.log: permission denied"), for the one unit
    the paste names: the log-file analyzer then fixes the log directory's type first."""
    logs = [d for d in denials if d.path and d.tclass == "file" and d.path.endswith(".log")]
    if not logs:
        return []
    from gotriage.service.logpaths import LogPath

    unit = _one_unit(text)
    if unit is None:
        return []
    out = []
    for d in logs:
        named = [line for line in text.splitlines() if d.path in line and "avc:" not in line]
        if named:
            out.append((unit, LogPath(d.path, "named in the text: %s" % named[0].strip()[:120])))
    return out


_UNIT_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@:.-")


def _one_unit(text, limit=2000):
    """The one systemd service the text names (NAME.service), or None when it names none
    or several; found with str.find, not a regular expression over a whole audit log."""
    unit, at, seen = None, text.find(".service"), 0
    while at != -1 and seen < limit:
        seen += 1
        end = at + len(".service")
        start = at
        while start > 0 and text[start - 1] in _UNIT_CHARS:
            start -= 1
        name = text[start:end]
        if end < len(text) and text[end] in _UNIT_CHARS - set(".:-@"):
            name = None  # x.services, x.service_foo: not a unit name
        if name and name != ".service":
            if unit is None:
                unit = name
            elif name != unit:
                return None
        at = text.find(".service", end)
    return unit


_INDENTED_RECORD = re.compile(r"(?m)^[ \t]+(?=type=)")
_FOLDED_AVC = re.compile(r"avc:(?![^\n]*tclass=)")


def _records(text):
    """The text with each AVC record made whole again as a paste breaks it: a record
    folded over several lines (a terminal's width, `fold -s`, a quote's indentation) is
    joined up to its tclass=; an elided timestamp `audit(...)` becomes a neutral one.
    The line count stays: the joined lines are left empty after it."""
    if "audit(...)" in text:
        text = text.replace("audit(...)", "audit(0.000:0)")
    if " type=" in text or "\ttype=" in text:
        text = _INDENTED_RECORD.sub("", text)
    if not _FOLDED_AVC.search(text):
        return text
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if "avc:" not in line or "tclass=" in line:
            continue
        j = i + 1
        while j < len(lines) and j - i <= 6 and "tclass=" not in lines[i]:
            nxt = lines[j].strip()
            if not nxt or nxt.startswith("type=") or "avc:" in nxt:
                break
            lines[i] = lines[i].rstrip() + (" " if not lines[i].endswith("=") else "") + nxt
            lines[j] = ""
            j += 1
    return "\n".join(lines)


# A paste this small is searched for the path of each denial that names only its file (a
# whole audit log has its PATH records, and one pass over it per denial costs seconds).
MAX_PATH_SEARCH = 1024 * 1024


def _path_from_text(denial, text, found):
    """A denial records the file's name, not its path, unless a PATH record came with it;
    the other lines of a paste often name it (systemd's "Failed to execute
    /usr/local/bin/api"): the one absolute path in the text that ends in that name."""
    if denial.path or not denial.name or "/" in denial.name:
        return
    if denial.name not in found:
        found[denial.name] = set(re.findall(r"(?<![\w.-])(/[\w.@+-]+(?:/[\w.@+-]+)*/%s)(?![\w/.-])"
                                            % re.escape(denial.name), text))
    paths = found[denial.name]
    if len(paths) == 1:
        denial.path = next(iter(paths))


def _lines_of(data, denials):
    """{id(denial): the line number of its first record in the text (1-based)}, the
    lines counted once through the text in the order of the records (not from the start
    for each of hundreds of denials)."""
    offsets = sorted((d.where[1], id(d)) for d in denials if d.where and d.where[1] is not None)
    out = {}
    line, last = 1, 0
    for offset, key in offsets:
        line += data.count(b"\n", last, offset)
        last = offset
        out[key] = line
    return out
