"""The message a notification carries, built from a report.

Pure: a `--json` document (docs/report.schema.json) or a runner.Report in, a Message
out.  Titles and texts are whatever the report holds (English, Simplified Chinese or
anything else): plain str, encoded as UTF-8 by the formats, never transliterated.
"""

SEVERITIES = ("ok", "info", "warn", "error")


class ReportError(ValueError):
    """The document is not a gotriage report this version can read (one line)."""


class FindingLine(object):
    """One problem of the report, as a notification lists it."""

    __slots__ = ("id", "severity", "title")

    def __init__(self, id, severity, title):
        self.id = id
        self.severity = severity
        self.title = title

    def to_dict(self):
        return {"id": self.id, "severity": self.severity, "title": self.title}


class Message(object):
    """What every channel says: a title, a severity (the report's worst), a short text,
    the host, the problems, and the report's summary and provenance as they were."""

    __slots__ = ("title", "severity", "text", "host", "findings", "summary", "tool",
                 "generated", "event")

    def __init__(self, title, severity, text, host, findings, summary=None, tool=None,
                 generated=None, event="report"):
        self.title = title
        self.severity = severity
        self.text = text
        self.host = host  # {"hostname", "source", "origin"}
        self.findings = list(findings)
        self.summary = summary or {}
        self.tool = tool or {}
        self.generated = generated
        self.event = event


def _need(doc, key, kind, where="report"):
    value = doc.get(key) if isinstance(doc, dict) else None
    if not isinstance(value, kind):
        raise ReportError("not a gotriage report: %s has no %s %s" % (
            where, key, {dict: "object", list: "list", str: "string"}.get(kind, "value")))
    return value


def message_from_document(doc):
    """The Message of a report document (what any gotriage command's --json prints).
    Raises ReportError for anything else, or a report of a major schema version other
    than 1."""
    if not isinstance(doc, dict):
        raise ReportError("not a gotriage report: the JSON is not an object")
    version = _need(doc, "schema_version", str)
    if version.split(".")[0] != "1":
        raise ReportError("report schema_version %s: this gotriage reads 1.x" % version)
    host = _need(doc, "host", dict)
    results = _need(doc, "results", list)
    summary = _need(doc, "summary", dict)
    problems = []
    for number, result in enumerate(results):
        where = "results[%d]" % number
        severity = _need(result, "severity", str, where)
        if severity not in SEVERITIES:
            raise ReportError("not a gotriage report: %s has severity %r" % (where, severity))
        if severity != "ok":
            problems.append(FindingLine(_need(result, "id", str, where), severity,
                                        _need(result, "title", str, where)))
    # worst first, the report's order within a severity (its causal order)
    problems.sort(key=lambda p: -SEVERITIES.index(p.severity))
    worst = summary.get("worst") if summary.get("worst") in SEVERITIES else max(
        [p.severity for p in problems] or ["ok"], key=SEVERITIES.index)
    hostname = host.get("hostname") if isinstance(host.get("hostname"), str) else "unknown"
    title = "gotriage: %s: %s" % (hostname, _count_text(problems, worst))
    text = _summary_text(host, problems, summary)
    return Message(title, worst, text,
                   {"hostname": hostname, "source": host.get("source"),
                    "origin": host.get("origin")},
                   problems, summary, doc.get("tool") if isinstance(doc.get("tool"), dict)
                   else {}, doc.get("generated") if isinstance(doc.get("generated"), str)
                   else None)


def message_from_report(report):
    """The Message of a runner.Report (the same as of its --json document)."""
    from gotriage.report import json_report

    return message_from_document(json_report.to_dict(report))


def _count_text(problems, worst):
    if not problems:
        return "no problems"
    return "%d problem%s (worst: %s)" % (len(problems), "" if len(problems) == 1 else "s",
                                          worst)


def _summary_text(host, problems, summary):
    """One or two sentences: what was examined and what the exit code was."""
    where = "the live host" if host.get("source") == "live" else "the snapshot %s" % (
        host.get("origin") or "")
    counts = summary.get("counts") if isinstance(summary.get("counts"), dict) else {}
    words = {"error": ("error", "errors"), "warn": ("warning", "warnings"),
             "info": ("info", "info")}
    parts = ["%d %s" % (counts[s], words[s][counts[s] != 1]) for s in ("error", "warn", "info")
             if isinstance(counts.get(s), int) and counts[s]]
    text = "gotriage examined %s: %s." % (where.strip(), ", ".join(parts) if parts
                                           else "nothing to report")
    if isinstance(summary.get("exit_code"), int):
        text += " Exit code %d." % summary["exit_code"]
    return text


def message_from_apply(command, hostname, outcome, manual, remaining, backup_dir,
                       generated=None, tool=None):
    """The Message of an --apply (`baseline restore`, `fix`, `baseline timer`): event
    "restore"/"fix"/"timer" when it was applied, "failure" when it failed and was rolled
    back.  `remaining`: [(id, subject)] of what the re-check still finds.

    >>> from types import SimpleNamespace as O
    >>> m = message_from_apply("baseline restore", "web1", O(ok=True, failure=None,
    ...     done=["wrote /etc/sudoers.d/go"], undone=[], rollback_errors=[]), 0, [], "/b")
    >>> m.event, m.severity, m.title
    ('restore', 'ok', 'gotriage: web1: baseline restore applied 1 step')
    """
    event = command.split()[-1]
    host = {"hostname": hostname, "source": "live", "origin": None}
    if not outcome.ok:
        lines = [FindingLine("APPLY-FAILED", "error", outcome.failure)]
        lines += [FindingLine("ROLLBACK-INCOMPLETE", "error", e)
                  for e in outcome.rollback_errors]
        text = "%s failed and was rolled back (%d step%s undone)%s. Backups: %s." % (
            command, len(outcome.undone), "" if len(outcome.undone) == 1 else "s",
            "; the rollback is INCOMPLETE" if outcome.rollback_errors else
            ": the host is as it was", backup_dir)
        return Message("gotriage: %s: %s FAILED" % (hostname, command), "error", text, host,
                       lines, summary={"exit_code": 2}, tool=tool, generated=generated,
                       event="failure")
    lines = [FindingLine(ident, "warn", "still found: %s" % (subject or ident))
             for ident, subject in remaining]
    text = "%s applied %d step%s on %s%s%s. Backups: %s." % (
        command, len(outcome.done), "" if len(outcome.done) == 1 else "s", hostname,
        "; %d left to a person" % manual if manual else "",
        "; %d findings remain" % len(remaining) if remaining else "", backup_dir)
    return Message("gotriage: %s: %s applied %d step%s" % (
        hostname, command, len(outcome.done), "" if len(outcome.done) == 1 else "s"),
        "warn" if remaining or manual else "ok", text, host, lines,
        summary={"exit_code": 1 if remaining or manual else 0}, tool=tool,
        generated=generated, event=event)
