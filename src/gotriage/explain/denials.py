"""AVC and USER_AVC records in pasted text -> Candidates, explained as `gotriage avc`
explains a log: the audit log's scanner reads them (whatever the line prefix: ausearch,
journalctl, /var/log/messages), the analyzers give each denial its narrowest fix, and the
denials that share a fix are one cause.  No policy is asked: the text may come from
another host; with a host, explain.confirm asks its checks."""

from gotriage.explain.match import Candidate, Hit

MARKERS = ("avc:", "type=AVC", "type=USER_AVC", "USER_AVC")


def has_denials(text):
    return any(marker in text for marker in MARKERS)


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
    for d in denials:
        _path_from_text(d, text)
    view = View(rerun=["gotriage", "avc", "-"], log_paths=_log_paths(denials, text))
    explained = [(d, explain(d, view)) for d in denials]
    out = []
    for group, finding in group_findings(explained, None):
        cand = Candidate(finding.id, finding=finding)
        for d in group.denials:
            line = _line_of(data, d)
            cand.add(Hit(None, line, d.lines[0] if d.lines else "", {}))
        if group.logged_only:
            cand.harmless = "logged, not blocked: the process ran in permissive mode (permissive=1)"
        out.append(cand)
    return out


def _log_paths(denials, text):
    """[(unit, LogPath)] of the log files the denials write and the paste names outside its
    AVC records (a journal's "open /var/log/app/x.log: permission denied"), for the one unit
    the paste names: the log-file analyzer then fixes the log directory's type first."""
    import re

    from gotriage.service.logpaths import LogPath

    units = set(re.findall(r"(?<![\w@.-])([\w@:.-]+\.service)\b", text))
    if len(units) != 1:
        return []
    unit = units.pop()
    out = []
    for d in denials:
        path = d.path
        if not path or d.tclass != "file" or not path.endswith(".log"):
            continue
        named = [line for line in text.splitlines() if path in line and "avc:" not in line]
        if named:
            out.append((unit, LogPath(path, "named in the text: %s" % named[0].strip()[:120])))
    return out


def _records(text):
    """The text with each AVC record made whole again as a paste breaks it: a record
    folded over several lines (a terminal's width, `fold -s`, a quote's indentation) is
    joined up to its tclass=; an elided timestamp `audit(...)` becomes a neutral one.
    The line count stays: the joined lines are left empty after it."""
    import re

    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if "avc:" in line and "tclass=" not in line:
            j = i + 1
            while j < len(lines) and j - i <= 6 and "tclass=" not in lines[i]:
                nxt = lines[j].strip()
                if not nxt or nxt.startswith("type=") or "avc:" in nxt:
                    break
                lines[i] = lines[i].rstrip() + (" " if not lines[i].endswith("=") else "") + nxt
                lines[j] = ""
                j += 1
        if "audit(...)" in lines[i]:
            lines[i] = lines[i].replace("audit(...)", "audit(0.000:0)")
        lines[i] = re.sub(r"^\s+(type=)", r"\1", lines[i])
        i += 1
    return "\n".join(lines)


def _path_from_text(denial, text):
    """A denial records the file's name, not its path, unless a PATH record came with it;
    the other lines of a paste often name it (systemd's "Failed to execute
    /usr/local/bin/api"): the one absolute path in the text that ends in that name."""
    if denial.path or not denial.name or "/" in denial.name:
        return
    import re

    found = set(re.findall(r"(?<![\w.-])(/[\w.@+-]+(?:/[\w.@+-]+)*/%s)(?![\w/.-])"
                           % re.escape(denial.name), text))
    if len(found) == 1:
        denial.path = found.pop()


def _line_of(data, denial):
    """The line number of a denial's first record in the text (1-based), 0 unknown."""
    where = denial.where
    if not where or where[1] is None:
        return 0
    return data.count(b"\n", 0, where[1]) + 1
