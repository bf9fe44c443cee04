"""Run inside the test bed's server namespace (tests/firewall_testbed.py): gotriage's
verdicts for a list of probes, from the live host, recorded into a snapshot as it goes.

    python firewall_bed_driver.py PROBES.json SNAPSHOT_DIR [TIMEOUT] > verdicts.json

PROBES.json: [{"src": ..., "iif": ..., "dport": ..., "proto": ...}, ...].  One
FirewallFacts for all probes: firewall-cmd, nft and the dumps run once, as in one
`gotriage port` run with several clients.
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src"))

from gotriage.checks.firewall import port_findings  # noqa: E402
from gotriage.facts.firewall import FirewallFacts  # noqa: E402
from gotriage.firewall.analysis import analyse  # noqa: E402
from gotriage.host.live import LiveHost  # noqa: E402
from gotriage.host.recorder import RecordingHost  # noqa: E402
from gotriage.runner import settle_inputs  # noqa: E402


def main():
    probes = json.load(open(sys.argv[1]))
    snapshot = sys.argv[2]
    timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 10.0
    host = RecordingHost(LiveHost())
    facts = FirewallFacts(host, timeout=timeout)
    started = time.monotonic()
    out = []
    for p in probes:
        a = analyse(facts, p["dport"], p.get("proto", "tcp"), [p["src"]], p["iif"])
        v = a.verdicts[0]
        out.append({"src": p["src"], "iif": p["iif"], "dport": p["dport"], "proto": p.get("proto", "tcp"),
                    "outcome": v.outcome, "errno": v.errno, "go_error": v.go_error,
                    "model": v.model.describe() if v.model else None,
                    "zone": v.model.zone if v.model else None,
                    "disagreement": list(v.disagreement) if v.disagreement else None,
                    "runtime_only": v.runtime_only,
                    "hit": v.packet.hit.describe() if v.packet is not None and v.packet.hit else None,
                    "notes": v.notes})
    elapsed = time.monotonic() - started
    findings = [f for p in probes[:1] for f in port_findings(facts, p["dport"], p.get("proto", "tcp"),
                                                              [p["src"]], p["iif"])]
    ids = sorted({f.id for f in settle_inputs(findings, {"firewall": facts}, ["firewall"])[0]})
    host.save(snapshot)
    json.dump({"verdicts": out, "seconds": elapsed, "ids": ids,
               "problems": [[pr.kind, pr.where, pr.message] for pr in facts.problems],
               "unanswered": [u.tool for u in facts.inputs.unanswered]}, sys.stdout)


if __name__ == "__main__":
    main()
