"""`gotriage fleet report`: load many hosts' results and aggregate them (docs/fleet.md).

An input is a `check --json` report (a .json file) or a snapshot (a directory with
gotriage-snapshot.json, or an archive `collect` made), which is analysed here through the
same runner as `check --root`, one process per core.  Each input becomes one host record;
a broken input becomes a host record with its error, never the end of the run.

The aggregation (aggregate) is pure: host records in, the summary document out.
"""

import json
import os

from gotriage.findings import SEVERITY_RANK
from gotriage.quoting import one_line

SUMMARY_SCHEMA = "gotriage-fleet-summary/1.0"
REPORT_SUFFIXES = (".json",)
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar.xz", ".tar.bz2", ".tar")
SNAPSHOT_MANIFEST = "gotriage-snapshot.json"
OTHER_LAYER = "other"  # a finding that names no layer
# `fleet run`'s result directory (fleet/run.py): DIR/HOST/ holds one of these, the first
# preferred (the host's own live report says more than its snapshot); DIR/run.json
RUN_MEMBERS = (("report.json", "report"), ("snapshot.tar.gz", "snapshot"),
               ("error.json", "run-error"))
RUN_SUMMARY = "run.json"
SUMMARY_NAME = "fleet.json"  # what fleet report writes: in a directory read, not a host


class Input(object):
    """One host's input: `kind` report or snapshot, the path, the host's label."""

    __slots__ = ("kind", "path", "name")

    def __init__(self, kind, path, name):
        self.kind, self.path, self.name = kind, path, name

    def __repr__(self):
        return "Input(%r, %r, %r)" % (self.kind, self.path, self.name)


def _label(path):
    """A host's label: its input's file name without the suffix, shown as one line (a
    byte that is not UTF-8 as \\xNN)."""
    base = os.path.basename(os.path.normpath(path))
    for suffix in REPORT_SUFFIXES + ARCHIVE_SUFFIXES:
        if base.lower().endswith(suffix) and len(base) > len(suffix):
            base = base[:-len(suffix)]
            break
    return one_line(base)


def _kind_of(path):
    lower = path.lower()
    if os.path.isdir(path):
        return "snapshot"
    if lower.endswith(REPORT_SUFFIXES):
        return "report"
    if lower.endswith(ARCHIVE_SUFFIXES):
        return "snapshot"
    return None


def _run_host(path, name):
    """The Input of a host directory as `fleet run` writes it (HOST/report.json, else
    HOST/snapshot.tar.gz, else HOST/error.json), or None when `path` is not one."""
    for member, kind in RUN_MEMBERS:
        full = os.path.join(path, member)
        if os.path.isfile(full) and not os.path.exists(os.path.join(path, SNAPSHOT_MANIFEST)):
            return Input(kind, full, one_line(name))
    return None


def find_inputs(paths):
    """The inputs the command line names: a report or snapshot as itself; a directory
    that is not a snapshot as the reports and snapshots it holds (one level, sorted).
    A path that does not exist is kept (as a report or snapshot by its name) so that
    its host is listed with the error."""
    found = []
    for path in paths:
        if os.path.isdir(path) and not os.path.exists(os.path.join(path, SNAPSHOT_MANIFEST)):
            try:
                names = sorted(os.listdir(path))
            except OSError:  # (unreadable: its host is listed with the error)
                found.append(Input("snapshot", path, _label(path)))
                continue
            run_hosts = [_run_host(os.path.join(path, name), name) for name in names]
            for name, run_host in zip(names, run_hosts):
                full = os.path.join(path, name)
                if run_host is not None:
                    found.append(run_host)
                elif name == RUN_SUMMARY and any(run_hosts) or name == SUMMARY_NAME:
                    continue  # (fleet run's summary, or a fleet report's: not a host)
                elif os.path.isdir(full) and not os.path.exists(os.path.join(full, SNAPSHOT_MANIFEST)):
                    continue  # (a directory that is no snapshot: not a host)
                elif _kind_of(full) is not None:
                    found.append(Input(_kind_of(full), full, _label(full)))
            continue
        found.append(Input(_kind_of(path) or "report", path, _label(path)))
    seen = {}
    for item in found:  # two inputs of one name: the second is "name (2)"
        n = seen.get(item.name, 0) + 1
        seen[item.name] = n
        if n > 1:
            item.name = "%s (%d)" % (item.name, n)
    return found


# -- one host ---------------------------------------------------------------------------
def host_record(name, item_kind, path, doc):
    """The host record of a report document (a dict as `check --json` writes it).
    Raises ValueError when it is not one."""
    if not isinstance(doc, dict) or not isinstance(doc.get("results"), list):
        raise ValueError("not a gotriage report (no results list)")
    layers = doc.get("layers")
    if not isinstance(layers, list) or not all(isinstance(x, str) for x in layers):
        raise ValueError("not a gotriage report (no layers list)")
    host = doc.get("host") if isinstance(doc.get("host"), dict) else {}
    cells = {layer: "ok" for layer in layers}
    counts = {s: 0 for s in SEVERITY_RANK}
    findings = []
    for f in doc["results"]:
        if not isinstance(f, dict) or f.get("severity") not in SEVERITY_RANK \
                or not isinstance(f.get("id"), str):
            raise ValueError("a result without an id or a known severity")
        sev = f["severity"]
        counts[sev] += 1
        layer = f.get("layer") if isinstance(f.get("layer"), str) else OTHER_LAYER
        if SEVERITY_RANK[sev] > SEVERITY_RANK[cells.get(layer, "ok")] or layer not in cells:
            cells[layer] = sev
        if sev != "ok":
            findings.append(dict(f, layer=layer))
    seen = [s for s in counts if counts[s] and s != "ok"]
    return {
        "name": name, "input": one_line(path), "kind": item_kind,
        "hostname": host.get("hostname") if isinstance(host.get("hostname"), str) else None,
        "error": None, "layers": layers, "cells": cells, "counts": counts,
        "worst": max(seen, key=SEVERITY_RANK.get) if seen else "ok",
        "findings": findings,
    }


def broken_record(name, item_kind, path, message):
    return {"name": name, "input": one_line(path), "kind": item_kind, "hostname": None,
            "error": one_line(message), "layers": [], "cells": {}, "counts": {},
            "worst": None, "findings": []}


def load_report(path):
    """A `check --json` report file as a dict; ValueError with a one-line reason if not."""
    try:
        with open(path, "rb") as f:
            data = f.read(256 * 1024 * 1024 + 1)
    except OSError as exc:
        raise ValueError("cannot read: %s" % (exc.strerror or exc)) from None
    if len(data) > 256 * 1024 * 1024:
        raise ValueError("larger than 256 MiB: not a report")
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValueError("not UTF-8: not a JSON report") from None
    except ValueError as exc:
        raise ValueError("not JSON: %s" % str(exc).splitlines()[0]) from None


def run_error(doc):
    """Why `fleet run` got no report from a host, from its error.json: "down: ..."."""
    if not isinstance(doc, dict):
        return "fleet run: no report (error.json is not an object)"
    return "fleet run: %s: %s" % (doc.get("status") or "failed",
                                  doc.get("message") or "no report came back")


def analyse_snapshot(path, archive_limits=None):
    """What `check --root PATH --json` reports, as a dict (every offered layer)."""
    from gotriage import runner
    from gotriage.checks import LAYERS
    from gotriage.host import open_host
    from gotriage.report import json_report

    host = open_host(path, archive_limits)
    try:
        report = runner.run(host, list(LAYERS), {"project": None, "users": [],
                                                 "network": False, "timeout": None})
        return json_report.to_dict(report)
    finally:
        host.close()


def load_host(task):
    """One input's host record, never an exception (a broken input is a record with its
    error).  `task`: (Input, archive limits); a top-level function for the process pool."""
    item, limits = task
    try:
        if item.kind == "run-error":
            raise ValueError(run_error(load_report(item.path)))
        if item.kind == "report":
            doc = load_report(item.path)
        else:
            doc = analyse_snapshot(item.path, limits)
        return host_record(item.name, item.kind, item.path, doc)
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # noqa: BLE001 - one host's failure is that host's error
        message = str(exc) or exc.__class__.__name__
        return broken_record(item.name, item.kind, item.path, message.splitlines()[0])


def load_hosts(inputs, archive_limits=None, jobs=None):
    """The host records of `inputs`, in their order: analysed in `jobs` processes (default:
    one per core) when there are several snapshots, else in this process."""
    tasks = [(item, archive_limits) for item in inputs]
    jobs = jobs or os.cpu_count() or 1
    snapshots = sum(1 for item in inputs if item.kind == "snapshot")
    if jobs <= 1 or snapshots < 2:
        return [load_host(t) for t in tasks]
    import multiprocessing

    chunk = max(1, min(16, len(tasks) // (jobs * 4)))
    with multiprocessing.Pool(min(jobs, len(tasks))) as pool:
        return list(pool.imap(load_host, tasks, chunksize=chunk))


# -- the fleet --------------------------------------------------------------------------
def fix_lines(finding):
    """A finding's fix as the lines a user would type or do: a command shell-quoted (as
    its report has it), an edit as `edit PATH: LINE`, a note as its text."""
    lines = []
    for action in finding.get("fix") or ():
        if not isinstance(action, dict):
            continue
        if action.get("kind") == "command" and action.get("shell"):
            user = action.get("as_user")
            lines.append(("(as %s) " % user if user else "") + action["shell"])
        elif action.get("kind") == "edit":
            what = action.get("line") or ""
            if action.get("old"):
                what = "replace %r with %r" % (action["old"], what)
            lines.append("edit %s: %s" % (action.get("path"), what))
        elif action.get("description"):
            lines.append(action["description"])
    return lines


def _rank(severity):
    return SEVERITY_RANK.get(severity, -1)


def aggregate(hosts, generated=None):
    """The summary document (docs/fleet.md) of a list of host records.

    Findings identical on several hosts are stored once (`findings`, each host listing
    the indexes of its own); `common` counts the hosts each finding id hits; `causes`
    groups them by id and fix (the same commands fix them all)."""
    hosts = sorted(hosts, key=lambda h: h["name"])
    layers = []
    for h in hosts:
        for layer in list(h["layers"]) + sorted(h["cells"]):
            if layer not in layers:
                layers.append(layer)
    unique, index_of = [], {}
    common, causes = {}, {}
    out_hosts = []
    for number, h in enumerate(hosts):
        refs = []
        for f in h["findings"]:
            key = json.dumps(f, sort_keys=True)
            i = index_of.get(key)
            if i is None:
                i = index_of[key] = len(unique)
                unique.append(f)
            refs.append(i)
            entry = common.setdefault(f["id"], {"id": f["id"], "layer": f["layer"],
                                                "severity": f["severity"],
                                                "title": f.get("title"), "hosts": []})
            if _rank(f["severity"]) > _rank(entry["severity"]):
                entry["severity"] = f["severity"]
            if not entry["hosts"] or entry["hosts"][-1] != number:
                entry["hosts"].append(number)
            fix = fix_lines(f)
            cause = causes.setdefault((f["id"], tuple(fix)), {
                "id": f["id"], "layer": f["layer"], "severity": f["severity"],
                "title": f.get("title"), "fix": fix, "hosts": []})
            if _rank(f["severity"]) > _rank(cause["severity"]):
                cause["severity"] = f["severity"]
            if not cause["hosts"] or cause["hosts"][-1] != number:
                cause["hosts"].append(number)
        out = dict(h, findings=refs)
        out_hosts.append(out)

    def order(entry):
        return (-len(entry["hosts"]), -_rank(entry["severity"]), entry["id"])

    totals = {s: 0 for s in SEVERITY_RANK}
    for h in hosts:
        if h["error"] is None:
            totals[h["worst"]] += 1
    return {
        "schema": SUMMARY_SCHEMA,
        "generated": generated,
        "layers": layers,
        "totals": {"hosts": len(hosts), "broken": sum(1 for h in hosts if h["error"]),
                   "worst": totals},
        "hosts": out_hosts,
        "findings": unique,
        "common": sorted(common.values(), key=order),
        "causes": sorted(causes.values(), key=lambda c: order(c) + (c["fix"],)),
    }


def dumps(summary):
    return json.dumps(summary, indent=1, sort_keys=True) + "\n"
