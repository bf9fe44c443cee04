"""`--json`: the report as one JSON document (schema in docs/report.schema.json).

schema_version follows semantic versioning: a new optional field bumps the minor
version, a removed or changed field the major one.
"""

import datetime
import json

from gotriage import __version__

SCHEMA_VERSION = "1.0"


def to_dict(report):
    host = report.host
    counts = report.counts()
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "gotriage", "version": __version__},
        "generated": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
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
            "exit_code": report.exit_code,
        },
    }


def render(report):
    return json.dumps(to_dict(report), indent=2, sort_keys=False) + "\n"
