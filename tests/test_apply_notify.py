"""Notifications of --apply (docs/apply.md, docs/notify.md): `baseline restore --apply
--notify` sends one message saying what was put back (event "restore"); an apply that
fails sends event "failure" saying it was rolled back; a dry run sends nothing; the
payload validates against docs/notify-payload.schema.json.  A real HTTP receiver on
127.0.0.1 (tests/test_notify.py's), the real git; the failure is a real EROFS from a
read-only bind mount in a private mount namespace."""

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT, need, run_gotriage
from test_apply import NEW, OLD, _files, _read_all, drifted  # noqa: F401 (a fixture)
from test_notify import Receiver

SCHEMA = os.path.join(ROOT, "docs", "notify-payload.schema.json")


@pytest.fixture
def receiver():
    r = Receiver([(200, b"ok")])
    yield r
    r.close()


def _payloads(receiver):
    import jsonschema

    with open(SCHEMA) as f:
        schema = json.load(f)
    out = []
    for _path, _headers, body, _when in receiver.requests:
        doc = json.loads(body.decode())
        jsonschema.validate(doc, schema)
        out.append(doc)
    return out


def test_restore_apply_notify_says_what_was_put_back(drifted, receiver):  # noqa: F811
    need(os.geteuid() == 0, "needs root")
    tmp, repo = drifted
    base = ["baseline", "restore", "--repo", repo, "--state-dir", os.path.join(tmp, "state"),
            "--notify", "--to", receiver.url("/hook"), "--kind", "webhook"]
    dry = run_gotriage(base)
    assert dry.returncode == 2 and "--notify goes with --apply" in dry.stderr
    assert receiver.requests == []
    done = run_gotriage(base + ["--apply", "--yes"])
    assert done.returncode == 0, done.stdout + done.stderr
    assert _read_all(tmp) == OLD
    (doc,) = _payloads(receiver)
    assert doc["event"] == "restore" and doc["severity"] == "ok", doc
    assert doc["title"].endswith("baseline restore applied 3 steps")
    assert "Backups: %s/backups/" % repo in doc["text"]
    assert "gotriage: notify: " in done.stderr


def test_a_failed_apply_sends_failure_and_says_it_rolled_back(drifted, receiver):  # noqa: F811
    need(os.geteuid() == 0, "needs root")
    tmp, repo = drifted
    etc = os.path.join(tmp, "etc")
    argv = [sys.executable, "-m", "gotriage", "baseline", "restore", "--repo", repo,
            "--state-dir", os.path.join(tmp, "state"), "--apply", "--yes", "--notify", "--to",
            receiver.url("/hook"), "--kind", "webhook"]
    script = ("mount --bind %s %s && mount -o remount,ro,bind %s && exec \"$@\"" % (
        etc, etc, etc))
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))
    done = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script,
                           "sh"] + argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=env, timeout=120)
    out = done.stdout.decode()
    assert done.returncode == 2, out + done.stderr.decode()
    assert "FAILED: " in out and "Read-only file system" in out, out
    assert _read_all(tmp) == NEW  # nothing changed
    (doc,) = _payloads(receiver)
    assert doc["event"] == "failure" and doc["severity"] == "error", doc
    assert "FAILED" in doc["title"] and "rolled back" in doc["text"], doc
    assert doc["findings"][0]["id"] == "APPLY-FAILED"
    assert "Read-only file system" in doc["findings"][0]["title"]
