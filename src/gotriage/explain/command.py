"""`gotriage explain [FILE ...] [--text MESSAGE] [--host | --root SNAPSHOT] [--json] [-v]
[--fail-on LEVEL]`: pasted error text -> each problem it shows, with the lines that show
it, the confidence, and the fix with the values taken from the text; with a host, only
the checks that can confirm the candidates run, and each is marked confirmed or ruled
out.

Exit codes: 0 nothing wrong (or only messages that are no fault), 1 a problem at or
above --fail-on, 2 usage or tool error, 3 nothing recognised (docs/explain.md)."""

import os
import sys

from gotriage.i18n import _
from gotriage.report.words import count

EXIT_CLEAN, EXIT_PROBLEMS, EXIT_USAGE, EXIT_UNRECOGNISED = 0, 1, 2, 3
MAX_INPUT = 256 * 1024 * 1024  # bytes read from all inputs together


class UsageError(Exception):
    """A one-line error for the user (exit 2)."""


class Sources(object):
    """The inputs as one text, and where each line of it came from."""

    def __init__(self):
        self.parts = []  # (name, first line in the joined text, lines)
        self.chunks = []
        self.lines = 0

    def add(self, name, text):
        if text and not text.endswith("\n"):
            text += "\n"
        lines = text.count("\n")
        self.parts.append((name, self.lines + 1, lines))
        self.chunks.append(text)
        self.lines += lines

    @property
    def text(self):
        # one input (a 10 MB log) is not copied
        return self.chunks[0] if len(self.chunks) == 1 else "".join(self.chunks)

    def where(self, line):
        """(input name, its line number) of a line of the joined text."""
        for name, first, lines in self.parts:
            if first <= line < first + max(lines, 1):
                return name, line - first + 1
        return (self.parts[-1][0] if self.parts else "<text>"), line

    def describe(self):
        names = [name for name, _f, _l in self.parts]
        what = names[0] if len(names) == 1 else "%d inputs" % len(names)
        return "%s in %s" % (count(self.lines, "line"), what)


def _decode(data):
    return data.decode("utf-8", "replace")


def read_inputs(args, stdin=None):
    stdin = sys.stdin if stdin is None else stdin
    sources = Sources()
    total = 0
    texts = list(args.text or ())
    for number, text in enumerate(texts, 1):
        sources.add("--text" if len(texts) == 1 else "--text#%d" % number, text)
    files = list(args.files or ())
    if not files and not args.text:
        if hasattr(stdin, "isatty") and stdin.isatty():
            raise UsageError(_("paste the error on standard input (end with Ctrl-D), or give "
                               "FILE or --text MESSAGE"))
        files = ["-"]
    for name in files:
        try:
            if name == "-":
                data = getattr(stdin, "buffer", stdin).read(MAX_INPUT + 1 - total)
                if isinstance(data, str):
                    data = data.encode("utf-8", "surrogateescape")
                label = "<stdin>"
            else:
                if os.path.isdir(name):
                    raise UsageError(_("%s is a directory: give the file that holds the text")
                                     % name)
                with open(name, "rb") as handle:
                    data = handle.read(MAX_INPUT + 1 - total)
                label = name
        except (IOError, OSError) as exc:
            raise UsageError(_("cannot read %(path)s: %(error)s") % {
                "path": name, "error": exc.strerror or exc}) from None
        total += len(data)
        if total > MAX_INPUT:
            raise UsageError(_("more than %d MB of text: give the part of the log around the "
                               "failure") % (MAX_INPUT // (1024 * 1024)))
        sources.add(label, _decode(data))
    if all(not chunk or chunk.isspace() for chunk in sources.chunks):  # strip() would copy
        raise UsageError(_("no text to explain (the input is empty)"))
    return sources


def analyse(sources, host=None, options=None):
    """(Result, confirmation Report or None)."""
    from gotriage.explain.confirm import confirm
    from gotriage.explain.match import Candidate, explain_text

    result = explain_text(sources.text, analyzers)
    report = None
    if host is not None and result.candidates:
        report = confirm(result.candidates, host, options)
        result.candidates.sort(key=Candidate.sort_key)
    return result, report


def analyzers(text):
    """The candidates that no single line's signature gives: AVC records (explained by
    `gotriage avc`'s analyzers) and a `go env` listing's lines compared."""
    from gotriage.explain import denials, goenv

    return denials.candidates(text) + goenv.candidates(text)


def run(args, open_host, write, unicode_ok=True, colour=False):
    if args.root and args.host:
        raise UsageError(_("--host examines this host, --root a snapshot: give one"))
    sources = read_inputs(args)
    host = None
    if args.root or args.host:
        host = open_host(args.root)
    try:
        options = {"timeout": args.timeout, "network": False, "users": [], "project": None}
        result, report = analyse(sources, host, options)
        findings = _findings(result, sources)
        code = exit_code(result, findings, args.fail_on)
        if args.json:
            write(to_json(result, findings, sources, host, report, args.fail_on, code))
        else:
            from gotriage.explain import textview
            from gotriage.report.text import Style

            write(textview.render(result, findings, sources, host, Style(unicode_ok, colour),
                                  verbose=args.verbose))
        return code
    finally:
        if host is not None:
            host.close()


def _findings(result, sources):
    from gotriage.explain.render import finding_of

    return [finding_of(c, sources.where) for c in result.candidates]


def exit_code(result, findings, fail_on):
    """3 when nothing was recognised, else what --fail-on makes of the findings (the
    runner's rule, as every command)."""
    if not result.recognised:
        return EXIT_UNRECOGNISED
    from gotriage.runner import Report

    return Report(None, [], findings, [], fail_on).exit_code


def to_json(result, findings, sources, host, report, fail_on, code):
    """The report schema's document (json_report.to_dict, with the host explain ran on
    when none was examined), its exit code explain's own (3: nothing recognised), and
    explain's detail in its `explain` object."""
    from gotriage.explain.match import nearest
    from gotriage.explain.render import candidate_json
    from gotriage.report import json_report
    from gotriage.runner import Report

    shown = host
    if shown is None:
        from gotriage.host.live import LiveHost

        shown = LiveHost()
    doc = json_report.to_dict(Report(shown, sorted(set(f.layer for f in findings)), findings,
                                     list(report.notes) if report is not None else [], fail_on))
    doc["summary"]["exit_code"] = code
    doc["explain"] = {
        "input": [{"name": name, "first_line": first, "lines": lines}
                  for name, first, lines in sources.parts],
        "lines": sources.lines,
        "recognised": result.recognised,
        "host_examined": host is not None,
        "candidates": [candidate_json(c, sources.where) for c in result.candidates],
        "not_a_fault": [dict(candidate_json(c, sources.where), title=_benign_title(c),
                             why=c.harmless or c.signature.cause)
                        for c in result.benign],
        "nearest": [{"id": sig.id, "title": sig.title, "score": round(score, 2)}
                    for sig, score in (nearest(result.error_lines)
                                       if not result.recognised else [])],
    }
    return json_report.dumps(doc) + "\n"


def _benign_title(cand):
    return cand.signature.title if cand.signature is not None else cand.finding.title
