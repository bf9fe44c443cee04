"""The apply engine against a real firewalld (the live bed of tests/firewall_testbed.py:
its own D-Bus, network and mount namespaces): a fix's `firewall-cmd --permanent
--add-port` is queried, run, reloaded and then really lets a client in; a second apply
skips it; a later step that firewalld refuses (`firewall-cmd --check-config`) takes the
port out again, and the client is turned away as before."""

import json
import os
import sys

import pytest

from conftest import ROOT
from test_firewall_live import bed  # noqa: F401 (the live bed, one per module)

pytestmark = pytest.mark.root

HERE = os.path.dirname(os.path.abspath(__file__))
ADD = ["firewall-cmd", "--permanent", "--zone=public", "--add-port=8080/tcp"]




def _apply(tb, steps, name):
    plan = os.path.join(tb.dir, name + ".json")
    with open(plan, "w") as f:
        json.dump({"state_dir": os.path.join(tb.dir, "state"),
                   "backup_dir": os.path.join(tb.dir, "backup-" + name), "steps": steps}, f)
    out = tb.srvx(["env", "PYTHONPATH=" + os.path.join(ROOT, "src"), sys.executable,
                    os.path.join(HERE, "apply_driver.py"), plan], timeout=180)
    return json.loads(out)


def _seen(tb):
    return tb.probe([("c1", 8080, "tcp")])[0]


def test_add_port_applies_skips_when_done_and_rolls_back(bed):  # noqa: F811
    bed.reset()
    assert _seen(bed) != "OPEN"  # the public zone does not let 8080 in
    out = _apply(bed, [{"kind": "command", "argv": ADD}], "add")
    assert out["ok"], out
    assert out["done"] == [" ".join(ADD)] and out["reloaded"] == ["firewall-cmd --reload"]
    assert _seen(bed) == "OPEN"

    again = _apply(bed, [{"kind": "command", "argv": ADD}], "again")
    assert again["ok"] and again["done"] == [], again
    assert again["skipped"] == ["%s (already in effect)" % " ".join(ADD)]

    bed.fw("--permanent", "--zone=public", "--remove-port=8080/tcp")
    bed.fw("--reload")
    assert _seen(bed) != "OPEN"
    broken = _apply(bed, [
        {"kind": "command", "argv": ADD},
        {"kind": "file", "path": "/etc/firewalld/zones/gotriage-test.xml",
         "content": "<?xml version=\"1.0\"?>\n<zone><service name=\"no-such-service\"/></zone>\n"},
    ], "broken")
    assert not broken["ok"], broken
    assert "firewall-cmd --check-config" in broken["failure"], broken
    assert broken["undone"] == ["put back /etc/firewalld/zones/gotriage-test.xml",
                                "undid `%s`" % " ".join(ADD)], broken
    assert not broken["rollback_errors"], broken
    assert not os.path.exists(os.path.join(bed.etc, "zones", "gotriage-test.xml"))
    query = bed.fw("--permanent", "--zone=public", "--query-port=8080/tcp", check=False)
    assert query.strip() == "no"
    bed.fw("--reload")
    assert _seen(bed) != "OPEN"
