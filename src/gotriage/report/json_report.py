"""`--json`: the report as one JSON document (schema in docs/report.schema.json).

schema_version follows semantic versioning: a new optional field bumps the minor
version, a removed or changed field the major one.

The document is written by `dumps` below, byte for byte what json.dumps(doc, indent=2)
writes, without importing json (it imports re, and with datetime that is more than a
whole `gotriage binary` run costs otherwise); tests/test_binary.py compares the two.
"""

import time

from gotriage import __version__, i18n

SCHEMA_VERSION = "1.7"


def to_dict(report):
    host = report.host
    counts = report.counts()
    return {
        "schema_version": SCHEMA_VERSION,
        "language": i18n.current(),
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
    and None.  Built as a list of parts, the scalars inside a container written where
    they are met (no call each): `gotriage avc --json` on thousands of denials writes
    megabytes."""
    if _quote is None:  # pragma: no cover
        import json

        return json.dumps(value, indent=2)
    text = _scalar(value)
    if text is not None:
        return text
    out = []
    _container(value, level, out)
    return "".join(out)


def _scalar(value):
    """The JSON text of a str, None, bool, int or float; None for anything else."""
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
    return None


def _container(value, level, out):
    """Append the text of a dict or a list (or tuple) at indentation `level` to `out`.
    The commonest values (str, int, None, bool, dict, list) are told by their exact type,
    without a call: check --root on 3,000 units writes 10 MB."""
    append = out.append
    quote = _quote
    inner = "\n" + "  " * (level + 1)
    if isinstance(value, dict):
        if not value:
            append("{}")
            return
        sep, comma = "{" + inner, "," + inner
        for key, item in value.items():
            kind = type(item)
            head = sep + quote(key if type(key) is str or isinstance(key, str) else str(key)) + ": "
            sep = comma
            if kind is str:
                append(head + quote(item))
            elif kind is dict or kind is list:
                append(head)
                _container(item, level + 1, out)
            elif kind is int:
                append(head + int.__repr__(item))
            elif item is None:
                append(head + "null")
            elif kind is bool:
                append(head + ("true" if item else "false"))
            else:
                text = _scalar(item)
                append(head + (text if text is not None else ""))
                if text is None:
                    _container(item, level + 1, out)
        append("\n" + "  " * level + "}")
    elif isinstance(value, (list, tuple)):
        if not value:
            append("[]")
            return
        sep, comma = "[" + inner, "," + inner
        for item in value:
            kind = type(item)
            if kind is str:
                append(sep + quote(item))
            elif kind is dict or kind is list:
                append(sep)
                _container(item, level + 1, out)
            else:
                text = _scalar(item)
                if text is not None:
                    append(sep + text)
                else:
                    append(sep)
                    _container(item, level + 1, out)
            sep = comma
        append("\n" + "  " * level + "]")
    else:
        raise TypeError("Object of type %s is not JSON serializable" % type(value).__name__)
