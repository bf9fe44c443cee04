"""`--format prometheus`: a report as a node_exporter textfile (docs/metrics.md).

Pure: a Report (and the time of the run) in, the exposition text out.  The names follow
https://prometheus.io/docs/practices/naming/: a `gotriage_` prefix, base units in the
name (`_seconds`), gauges only (each run replaces the file: nothing here only grows, so
nothing is a counter), and labels whose values come from a closed set (layer names,
check and finding ids, the four severities): no title, path or host name ever becomes a
label, so the number of series is bounded by the catalogue of checks.

Every metric is always written with its HELP and TYPE lines, even when it has no sample
(a clean host has no `gotriage_findings` series), so that a dashboard or promtool sees
the same families on every host.
"""

from gotriage import __version__

# The value of gotriage_check_status and the order of gotriage_results: the findings'
# severity rank (findings.SEVERITY_RANK), so that max() over a check is its worst result.
STATUS_OF_SEVERITY = (("ok", 0), ("info", 1), ("warn", 2), ("error", 3))

# (name, help) of every family, in the order written.  All are gauges.
METRICS = (
    ("gotriage_info", "gotriage's version, as a label (always 1)."),
    ("gotriage_last_run_timestamp_seconds",
     "When the run that wrote this report ended, in seconds since the Unix epoch."),
    ("gotriage_run_duration_seconds", "How long the run took, in seconds."),
    ("gotriage_exit_code",
     "The run's exit code: 0 clean, 1 a finding at or above --fail-on, 2 a tool error."),
    ("gotriage_results", "Results of the run by severity (ok results included)."),
    ("gotriage_check_status",
     "Worst result of each check: 0 ok, 1 info, 2 warn, 3 error."),
    ("gotriage_findings",
     "Number of problems (info, warn or error) of each finding id, by severity."),
)


def escape_label_value(value):
    r"""A label value as the text exposition format writes it between double quotes:
    backslash, double quote and line feed escaped.

    >>> escape_label_value('a"b\\c\nd')
    'a\\"b\\\\c\\nd'
    """
    return str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def escape_help(text):
    r"""HELP text: backslash and line feed escaped (a double quote stays as it is).

    >>> escape_help('say "a\\b"\nthen')
    'say "a\\\\b"\\nthen'
    """
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def sample(name, labels, value):
    """One sample line: `name{k="v",...} value` (labels in the order given).

    >>> sample("gotriage_check_status", [("layer", "toolchain"), ("check", "GO-ROOT")], 2)
    'gotriage_check_status{layer="toolchain",check="GO-ROOT"} 2'
    >>> sample("gotriage_run_duration_seconds", [], 0.25)
    'gotriage_run_duration_seconds 0.25'
    """
    if isinstance(value, float):
        text = repr(value) if value == value and abs(value) != float("inf") else (
            "NaN" if value != value else ("+Inf" if value > 0 else "-Inf"))
    else:
        text = str(int(value))
    if not labels:
        return "%s %s" % (name, text)
    return "%s{%s} %s" % (name, ",".join(
        '%s="%s"' % (key, escape_label_value(val)) for key, val in labels), text)


def samples(report, now, duration):
    """{metric name: [(labels, value)...]} of a report: the records the text is made
    of (tests and the bench read them too)."""
    out = {name: [] for name, _ in METRICS}
    out["gotriage_info"].append(([("version", __version__)], 1))
    out["gotriage_last_run_timestamp_seconds"].append(([], float(now)))
    out["gotriage_run_duration_seconds"].append(([], float(duration)))
    out["gotriage_exit_code"].append(([], report.exit_code))
    counts = report.counts()
    for severity, _ in STATUS_OF_SEVERITY:
        out["gotriage_results"].append(([("severity", severity)], counts.get(severity, 0)))
    rank = dict(STATUS_OF_SEVERITY)
    status, problems = {}, {}
    for f in report.findings:
        layer = f.layer or "gotriage"
        key = (layer, f.check or f.id)
        status[key] = max(status.get(key, 0), rank[f.severity])
        if f.severity != "ok":
            problem = (layer, f.id, f.severity)
            problems[problem] = problems.get(problem, 0) + 1
    for (layer, check), value in sorted(status.items(), key=_layer_order(report)):
        out["gotriage_check_status"].append(([("layer", layer), ("check", check)], value))
    for (layer, finding, severity), count in sorted(problems.items(), key=_layer_order(report)):
        out["gotriage_findings"].append(
            ([("layer", layer), ("id", finding), ("severity", severity)], count))
    return out


def _layer_order(report):
    """A sort key: the report's layer order, then the ids (a stable file: a diff of two
    runs shows what changed)."""
    order = {name: i for i, name in enumerate(report.layers)}
    return lambda item: (order.get(item[0][0], len(order)), item[0][1:])


def render(report, now, duration):
    """The textfile of `report`, which ended at `now` (epoch seconds) after `duration`
    seconds.  Every family has HELP and TYPE; the text ends with a line feed (the
    exposition format requires it)."""
    lines = []
    families = samples(report, now, duration)
    for name, help_text in METRICS:
        lines.append("# HELP %s %s" % (name, escape_help(help_text)))
        lines.append("# TYPE %s gauge" % name)
        lines.extend(sample(name, labels, value) for labels, value in families[name])
    return "\n".join(lines) + "\n"
