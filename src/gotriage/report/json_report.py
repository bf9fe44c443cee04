"""`--json`: the report as one JSON document (schema in docs/report.schema.json).

schema_version follows semantic versioning: a new optional field bumps the minor
version, a removed or changed field the major one.

The document is written by `dumps` below, byte for byte what json.dumps(doc, indent=2)
writes, without importing json (it imports re, and with datetime that is more than a
whole `gotriage binary` run costs otherwise); tests/test_binary.py compares the two.
"""

import time

from gotriage import __version__

SCHEMA_VERSION = "1.2"


def to_dict(report):
    host = report.host
    counts = report.counts()
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "gotriage", "version": __version__},
        "generated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "host": {
            "hostname": host.hostname(),
            "source": host.kind,
            "origin": getattr(host, "origin", None),
            "identity": host.identity().to_dict(),
        },
        "layers": report.layers,
        "contexts": [{"name": c.name, "label": c.label, "user": c.identity.user,
                      "path": c.path} for c in report.contexts],
        "results": [f.to_dict() for f in report.findings],
        "notes": report.notes,
        "summary": {
            "counts": counts,
            "worst": report.worst,
            "fail_on": report.fail_on,
            "tool_errors": report.tool_errors,
            "ignored": getattr(report, "ignored", 0),
            "exit_code": report.exit_code,
        },
    }


def render(report):
    return dumps(to_dict(report)) + "\n"


try:
    from _json import encode_basestring_ascii as _quote
except ImportError:  # pragma: no cover - CPython always has _json
    _quote = None


def dumps(value, level=0):
    """json.dumps(value, indent=2) for dicts (str keys), lists, str, int, float, bool
    and None."""
    if _quote is None:  # pragma: no cover
        import json

        return json.dumps(value, indent=2)
    if isinstance(value, str):
        return _quote(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if value in (float("inf"), float("-inf")):
            return "Infinity" if value > 0 else "-Infinity"
        return float.__repr__(value)
    pad = "\n" + "  " * (level + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{" + ",".join(pad + _quote(key if isinstance(key, str) else str(key)) + ": "
                              + dumps(item, level + 1) for key, item in value.items()) \
            + "\n" + "  " * level + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        return "[" + ",".join(pad + dumps(item, level + 1) for item in value) \
            + "\n" + "  " * level + "]"
    raise TypeError("Object of type %s is not JSON serializable" % type(value).__name__)
