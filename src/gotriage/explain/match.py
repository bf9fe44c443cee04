"""Pasted text -> the causes it shows (Candidates), most certain first.

The keys of the catalogue are searched (str.find, grouped under shared words) in the
distinct shapes of the text's lines, digits made 0 (explain/search.py: a 10 MB log is
mostly a few kinds of line); only the lines that hold a key are given to the regular
expressions of the signatures that named it, after their log prefix (journal, syslog,
Go's log package, CI runners) is taken off.  AVC and USER_AVC records are read by the
audit log's scanner and explained by `gotriage avc`'s analyzers instead
(explain/denials.py).  Pure functions: no I/O.
"""

import re

from gotriage.knowledge.signatures import CONFIDENCE_RANK, load

MAX_LINES_PER_KEY = 5000  # lines examined per key: a log with more repeats itself
MAX_EVIDENCE = 5  # lines quoted per cause
MAX_LINE = 4096  # characters of one line examined

# What comes before the message on a line: the journal's and syslog's prefix ("Mar 02
# 10:14:07 web1 systemd[1]: "), Go's log package ("2024/05/02 10:00:00 "), a CI
# runner's timestamps and step numbers, a quoting "> " and a shell prompt.
_PREFIXES = (
    re.compile(r"^(?:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:[.,]\d+)?(?:[+-]\d\d:?\d\d|Z)?"
               r"|[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d(?:\.\d+)?)\s+\S+\s+[^\s\[]+(?:\[\d+\])?:\s?"),
    re.compile(r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d(?:\.\d+)? "),
    re.compile(r"^(?:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z? |#\d+ \d+(?:\.\d+)? |\[\d+/\d+\] )"),
    re.compile(r"^(?:>\s?|\$ |# |[-*] )"),
)
_QUOTES = "`'\""
_UNIT = re.compile(r"(?<![\w@.-])([\w@:.-]+\.(?:service|socket|timer))\b")


class Hit(object):
    __slots__ = ("signature", "line", "text", "values", "offset")

    def __init__(self, signature, line, text, values, offset=0):
        self.signature, self.line, self.text, self.values = signature, line, text, values
        self.offset = offset  # where the line begins in the text


class Candidate(object):
    """One cause the text shows: its signature (or, for AVC denials, the finding `gotriage
    avc` makes of them), the lines that show it and the values they give."""

    __slots__ = ("id", "signature", "hits", "values", "finding", "status", "host_evidence",
                 "consequences", "extra_lines", "harmless")

    def __init__(self, id, signature=None, finding=None):
        self.id = id
        self.signature = signature
        self.finding = finding  # a Finding (AVC denials), else None
        self.hits = []
        self.values = {}
        self.status = None  # with a host: "confirmed", "ruled out" or "not examined"
        self.host_evidence = []  # what the host said (Findings)
        self.consequences = []  # candidates this cause explains (folded under it)
        self.extra_lines = 0  # matching lines beyond those kept as evidence
        # why the message did no harm here (denials only logged, permissive=1; a notice the
        # output goes on past), or None
        self.harmless = None

    @property
    def confidence(self):
        if self.finding is not None:
            return "high"
        return self.signature.confidence

    @property
    def benign(self):
        return bool(self.harmless) or (self.signature is not None and self.signature.benign)

    @property
    def first_line(self):
        return self.hits[0].line if self.hits else 0

    def add(self, hit):
        if len(self.hits) < MAX_EVIDENCE:
            self.hits.append(hit)
        else:
            self.extra_lines += 1
        for key, value in hit.values.items():
            self.values.setdefault(key, value)

    def sort_key(self):
        status = {"confirmed": 0, None: 1, "not examined": 1, "ruled out": 2}[self.status]
        return (status, -CONFIDENCE_RANK[self.confidence], self.first_line)


class Result(object):
    def __init__(self, candidates, benign, lines, error_lines):
        self.candidates = candidates  # problems, most certain first
        self.benign = benign  # Candidates whose message is no fault
        self.lines = lines  # lines in the text
        self.error_lines = error_lines  # (line, text) that look like errors, none explained

    @property
    def recognised(self):
        return bool(self.candidates or self.benign)


# Words that many keys contain: each is searched for once (in the shapes of the lowered
# text's lines, explain/search.py) instead of every key that holds it: 231 passes, not
# 354.  Words common in healthy logs ("error", "failed", "go: ") are not anchors: a key
# without an anchor is searched for on its own.
ANCHORS = ("denied", "not found", "no such", "refused", "timed out", "timeout", "unreachable",
           "glibc", "mirror", "gpg", "selinux", "unknown ", "not absolute", "go.mod", "goroot",
           "gopath", "gocache", "goproxy", "golang", "sum.golang", "toolchain", "nor $home",
           "certificate", "module", "exec format", "cannot ", "invalid", "does not", "no route",
           "text file busy", "unable to find", "no match", "too many", "out of memory",
           "not registered", "failed to load", "failed to set up", "failed to determine",
           "failed to execute", "failed to locate", "failed to download", "failed at step",
           "already", "not yet valid", "not absolute", "could not", "couldn't", "is not in ",
           "fatal error", "executable file", "error while loading", "no chain")
MAX_BENIGN_LINES = 50  # lines that are no fault, shown: a few say it all

_CATALOGUE = None


def catalogue():
    """(signatures, {key: [signature]}, {anchor: ([(key, [signature])], line limit)}),
    built once."""
    global _CATALOGUE
    if _CATALOGUE is None:
        signatures = load()
        by_key = {}
        for sig in signatures:
            for key in sig.keys:
                by_key.setdefault(key, []).append(sig)
        by_anchor = {}
        for key, sigs in by_key.items():
            lowered = key.lower()
            benign = all(sig.benign for sig in sigs)
            anchor = lowered if benign else next((a for a in ANCHORS if a in lowered), lowered)
            entry = by_anchor.setdefault(anchor, ([], MAX_BENIGN_LINES if benign else MAX_LINES_PER_KEY))
            entry[0].append((key, sigs))
        _CATALOGUE = (signatures, by_key, by_anchor)
    return _CATALOGUE


def message_of(line):
    """The line without its log prefixes."""
    for prefix in _PREFIXES:
        m = prefix.match(line)
        if m:
            line = line[m.end():]
    line = line.strip()
    # a message quoted in prose or Markdown: `sh: ./foo: not found`
    if len(line) > 2 and line[0] in _QUOTES and line[-1] == line[0]:
        line = line[1:-1].strip()
    return line


def explain_text(text, denials=None):
    """The Result for `text` (str).  `denials`: a callable(text) -> [Candidate] for the
    AVC records and the go env listing (explain/command.py analyzers), or None."""
    text = normalise(text)
    words = []  # the Words of the text's line shapes, when it was searched lowered
    hits = _hits(text, words)
    candidates = _candidates(hits, text)
    _one_unit(candidates)
    if denials is not None:
        candidates.extend(denials(text))
    for cand in candidates:
        sig = cand.signature
        if sig is not None and sig.harmless_with and any(k in text for k in sig.harmless_with):
            cand.harmless = "the output goes on to succeed (%s)" % next(
                k for k in sig.harmless_with if k in text)
    problems = [c for c in candidates if not c.benign]
    benign = [c for c in candidates if c.benign]
    problems = fold(problems)
    problems.sort(key=Candidate.sort_key)
    error_lines = [] if problems else _error_lines(text, words=words[0] if words else None)
    lines = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    return Result(problems, benign, lines, error_lines)


_ANSI = re.compile(r"(?:\x1b|#033)\[[0-9;?]*[A-Za-z]")


def normalise(text):
    """The text as the tool that printed it wrote it: without a terminal's colour codes
    (also as journald escapes them, `#033[31m`), and without the HTML escapes a web page
    puts in a pasted message (`exec: &quot;go&quot;`).  Neither changes the lines."""
    # a character is searched with memchr, a string far more slowly: a log without ESC,
    # "#" or "&" is read by three memchr passes instead of seven string searches
    if ("\x1b" in text and "\x1b[" in text) or ("#" in text and "#033[" in text):
        text = _ANSI.sub("", text)
    if "&" in text and ("&quot;" in text or "&#39;" in text or "&gt;" in text or "&lt;" in text
                        or "&amp;" in text):
        import html

        text = html.unescape(text)
    return text


def _hits(text, words_out=None):
    """Every (signature, line) match, in the order of the lines.  Each anchor is searched
    once (in the shapes of the lowered text's lines, explain/search.py); on a line that
    holds it, the keys it stands for are looked for, and the signatures of those found
    are tried.  The Words of the lowered text's shapes are appended to `words_out`."""
    from gotriage.explain.search import found_lines

    _signatures, by_key, by_anchor = catalogue()
    low = text.lower()
    if len(low) == len(text):
        groups = [(anchor, keys, limit) for anchor, (keys, limit) in by_anchor.items()]
    else:  # a character whose lower case is longer: each key searched as it is written
        low = text
        words_out = None  # the words of the text as written: not the lowered text's
        groups = [(key, [(key, sigs)], MAX_LINES_PER_KEY) for key, sigs in by_key.items()]
    found = found_lines(text, low, groups, MAX_LINE, _cpus(), words_out)
    hits = []
    number, last = 1, 0
    for start in sorted(found):
        number += text.count("\n", last, start)
        last = start
        end, sigs = found[start]
        line_text = text[start:min(end, start + MAX_LINE)].rstrip("\r")
        message = message_of(line_text)
        for sig in sigs.values():
            values = sig.match(message)
            if values is None and message != line_text.strip():
                values = sig.match(line_text)
            if values is not None:
                hits.append(Hit(sig, number, line_text, values, start))
    return hits


def _cpus():
    import os

    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _candidates(hits, text):
    """One Candidate per signature (per cause and variant), its values filled and
    derived (the unit a journal line names, a module's host and organisation...)."""
    by_name = {}
    order = []
    for hit in hits:
        cand = by_name.get(hit.signature.name)
        if cand is None:
            cand = by_name[hit.signature.name] = Candidate(hit.signature.id, hit.signature)
            order.append(cand)
        cand.add(hit)
    for cand in order:
        _derive(cand, text)
    return order


def _one_unit(candidates):
    """When the text names one systemd unit (a journal of one service), the causes whose
    own lines do not name it (the program's panic, printed under its own name) are
    about that unit too."""
    units = {c.values["unit"] for c in candidates if "unit" in c.values}
    if len(units) != 1:
        return
    unit = units.pop()
    for cand in candidates:
        if "unit" not in cand.values:
            cand.values["unit"] = unit
            cand.values["unit_stem"] = unit.rsplit(".", 1)[0]


def _derive(cand, text):
    values = cand.values
    if "unit" not in values:
        for hit in cand.hits:
            m = _UNIT.search(hit.text)
            if m:
                values["unit"] = m.group(1)
                break
    if "unit" in values:
        values.setdefault("unit_stem", values["unit"].rsplit(".", 1)[0])
    _china_values(values)
    module = values.get("module")
    if module and "/" in module:
        values.setdefault("module_root", "/".join(module.split("/")[:2]))
    if "target" not in values and "target2" in values:
        values["target"] = values.pop("target2")
    target = values.get("target")
    if target and target.startswith("/"):
        values.setdefault("target_path", target)
    if cand.id == "SVC-JOURNAL-PANIC" and cand.hits:
        _crash_frame(cand, text)


def _china_values(values):
    """The mainland China alternatives (knowledge/china_network.py) when the text names
    Go's own proxy or checksum database: their values exist only then, so the steps
    that use them are left out for any other host."""
    from gotriage.knowledge.china_network import (
        CHINA_GOPROXIES,
        CHINA_GOSUMDB,
        OFFICIAL_PROXY_HOST,
        OFFICIAL_SUMDB,
    )
    if OFFICIAL_PROXY_HOST in (values.get("proxy"), values.get("sumdb_via")) or \
            OFFICIAL_PROXY_HOST in values.get("url", "").split("/")[2:3]:
        values.setdefault("china_goproxy", CHINA_GOPROXIES[0][0])
        values.setdefault("china_goproxy_aliyun", CHINA_GOPROXIES[1][0])
    if values.get("sumdb") == OFFICIAL_SUMDB:
        values.setdefault("china_gosumdb", CHINA_GOSUMDB)
        values.setdefault("china_goproxy", CHINA_GOPROXIES[0][0])


def _crash_frame(cand, text):
    """The first frame of the crashing goroutine (parsers/journal.py reads the trace
    that follows the panic line)."""
    from gotriage.parsers.journal import parse_journal

    begin = end = cand.hits[0].offset
    for _ in range(400):
        end = text.find("\n", end + 1)
        if end == -1:
            end = len(text)
            break
    journal = parse_journal(text[begin:end])
    event = journal.first("panic", "fatal", "crash")
    if event is None:
        return
    # a panic raised in the standard library (regexp.MustCompile) is the caller's doing
    frame = event.get("caller") or event.get("frame")
    location = event.get("caller_location") if event.get("caller") else event.get("location")
    if frame and location:
        cand.values.setdefault("frame", frame)
        cand.values.setdefault("location", location)


def fold(candidates):
    """The candidates with those another one explains folded under it: a signature's
    `beats`, and a consequence (203/EXEC, a unit that stopped restarting) under any cause
    found beside it."""
    from gotriage.knowledge.signatures.selinux import DENIAL_BEATS as BEATS

    def beats(o):
        return o.signature.beats if o.signature is not None else BEATS.get(o.id, ())

    kept = []
    for cand in candidates:
        beaters = [o for o in candidates if o is not cand and cand.id in beats(o) and o.id != cand.id]
        if not beaters and cand.finding is None:
            # a message of the cause a denial already names (the same id): the denial's
            # finding has the narrowest fix
            beaters = [o for o in candidates if o.finding is not None and o.id == cand.id]
        if not beaters and cand.signature is not None and cand.signature.consequence:
            beaters = [o for o in candidates if o is not cand and not (
                o.signature is not None and o.signature.consequence)]
        if beaters and beaters[0].id == cand.id:
            # the same cause, seen by a denial's finding: its lines are that finding's evidence
            for hit in cand.hits:
                if hit.line not in {h.line for h in beaters[0].hits}:
                    beaters[0].add(hit)
            beaters[0].consequences.extend(cand.consequences)
        elif beaters:
            # another reading of the same lines is no consequence: it is dropped
            if {h.line for h in cand.hits} - {h.line for h in beaters[0].hits}:
                beaters[0].consequences.append(cand)
        else:
            kept.append(cand)
    # two signatures of one cause are one problem (the evidence of both)
    merged, by_id = [], {}
    for cand in kept:
        first = by_id.get(cand.id)
        if first is None or cand.finding is not None or first.finding is not None:
            by_id.setdefault(cand.id, cand)
            merged.append(cand)
            continue
        lines = {h.line for h in first.hits}
        for hit in cand.hits:
            if hit.line not in lines:
                first.add(hit)
        first.consequences.extend(cand.consequences)
        for key, value in cand.values.items():
            first.values.setdefault(key, value)
    return merged


_ERRORISH = re.compile(r"\b(?:error|failed|failure|fatal|denied|cannot|can't|unable|refused|"
                       r"timeout|timed out|not found|panic|invalid)\b", re.I)


# A word one of which (lower case) every line _ERRORISH matches holds.
_ERROR_WORDS = ("error", "fail", "fatal", "denied", "cannot", "can't", "unable", "refused",
                "timeout", "timed out", "not found", "panic", "invalid")
# What str.splitlines breaks a line at besides "\n", in ASCII.
_OTHER_BREAKS = ("\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e")
FIRST_WINDOW = 1 << 18  # characters of the text searched for the words first


def _error_lines(text, limit=20, words=None):
    """Lines that look like errors (for the "nothing recognised" answer), the first
    `limit` of them.  `words`: the Words of the lowered text (explain/search.py), to
    look only for the error words it may hold."""
    if _ascii(text) and not any(c in text for c in _OTHER_BREAKS):
        return _error_lines_by_word(text, limit, words)
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        if _ERRORISH.search(line[:MAX_LINE]):
            out.append((number, line[:MAX_LINE]))
            if len(out) >= limit:
                break
    return out


def _error_lines_by_word(text, limit, words=None):
    """_error_lines of an ASCII text whose lines end in "\n" only: the regular
    expression is tried only on the lines that hold one of its words (found with
    str.find in the lowered text, a window at a time, growing: the first lines that look
    like errors are often near the start), not on each of a 10 MB log's lines; a word
    `words` cannot hold is not looked for (a log of random words holds none)."""
    wanted = _ERROR_WORDS if words is None else [
        w for w in _ERROR_WORDS if words.may_hold(w.encode("ascii"))]
    if not wanted:
        return []
    low = text.lower()
    out = []
    number, last, done, hi, window = 1, 0, 0, 0, FIRST_WINDOW
    following = {}  # word -> its next occurrence before the window's end, or -1
    while len(out) < limit:
        live = [p for p in following.values() if p != -1]
        if not live:
            if hi >= len(low):
                break
            start, hi = max(hi, done), max(hi, done) + window
            window *= 2
            following = {w: low.find(w, start, hi + len(w) - 1) for w in wanted}
            continue
        at = min(live)
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        done = end = len(text) if end == -1 else end
        number += text.count("\n", last, start)
        last = start
        line = text[start:min(end, start + MAX_LINE)]
        if _ERRORISH.search(line):
            out.append((number, line))
        for word, p in following.items():
            if p != -1 and p < end:
                following[word] = low.find(word, end, hi + len(word) - 1)
    return out


def _ascii(text):
    try:
        text.encode("ascii")
    except UnicodeEncodeError:
        return False
    return True


def nearest(error_lines, limit=3):
    """The signatures closest to the lines that look like errors, as (signature, score):
    the share of an example's words that the lines hold.  Low confidence by nature: a
    hint where to look, never a diagnosis."""
    signatures = catalogue()[0]
    words = set()
    for _n, line in error_lines:
        words.update(w.lower() for w in re.findall(r"[A-Za-z_][\w.-]{2,}", line))
    if not words:
        return []
    scored = []
    for sig in signatures:
        if sig.benign:
            continue
        best = 0.0
        for example in sig.examples:
            ex = set(w.lower() for w in re.findall(r"[A-Za-z_][\w.-]{2,}", example))
            if ex:
                best = max(best, len(ex & words) / float(len(ex)))
        if best >= 0.34:
            scored.append((sig, best))
    scored.sort(key=lambda item: -item[1])
    out, seen = [], set()
    for sig, score in scored:
        if sig.id not in seen:
            seen.add(sig.id)
            out.append((sig, score))
        if len(out) >= limit:
            break
    return out

