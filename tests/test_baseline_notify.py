"""`gotriage baseline diff --notify` (docs/baseline.md, "Notify on drift"): a baseline
recorded by the real `baseline init` (real git), a drifted copy of its snapshot, and a
real HTTP receiver on 127.0.0.1 (tests/test_notify.py's): the drift report is sent once,
signed, with the same destinations and secret sources as `gotriage notify`; no drift
sends nothing; a failed notification is one line, and exit 2 only when no finding
already makes it 1."""

import hashlib
import hmac
import json

import pytest

from cli_support import clean_env, recorded_and_drifted, run_cli
from test_notify import Receiver

HOOK_TOKEN = "tok-9e8d7c6b5a4f3e2d1c0b"
HOOK_SECRET = "hmac-key-5f4e3d2c1b0a"


@pytest.fixture
def receiver():
    made = []

    def make(*answers):
        r = Receiver(answers or [(200, b"ok")])
        made.append(r)
        return r
    yield make
    for r in made:
        r.close()


@pytest.fixture
def hosts(tmp_path):
    """(repo, the recorded snapshot, a drifted copy: go.sh edited)."""
    return recorded_and_drifted(tmp_path)


def diff(repo, root, *args, **kw):
    done = run_cli(["baseline", "diff", "--repo", repo, "--root", root] + list(args),
                   env=kw.get("env"))
    text = done.stdout + done.stderr
    for secret in (HOOK_TOKEN, HOOK_SECRET):
        assert secret.encode() not in text
    return done.returncode, done.stdout.decode(), done.stderr.decode()


def test_drift_is_sent_once_signed_and_the_exit_code_stays_1(hosts, receiver, tmp_path):
    repo, _snapshot, drifted = hosts
    r = receiver((200, b"accepted"))
    secret = tmp_path / "secret"
    secret.write_text(HOOK_SECRET + "\n")
    code, out, err = diff(repo, drifted, "--json", "--notify", "--to",
                          r.url("/hook?token=" + HOOK_TOKEN), "--kind", "webhook",
                          "--secret-file", str(secret))
    assert code == 1
    report = json.loads(out)
    assert len(r.requests) == 1
    _path, headers, body, _ = r.requests[0]
    payload = json.loads(body.decode("utf-8"))
    assert payload["event"] == "drift"
    assert [f["id"] for f in payload["findings"]] == ["BASE-FILE-CHANGED"]
    assert payload["summary"] == report["summary"]
    mac = hmac.new(HOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Gotriage-Signature"] == "sha256=" + mac
    assert err.startswith("gotriage: notify: sent to http://127.0.0.1:%d/hook?token=REDACTED "
                          "(webhook, 1 attempt" % r.port), err
    assert err.count("\n") == 1


def test_no_drift_sends_nothing(hosts, receiver):
    repo, snapshot, _drifted = hosts
    r = receiver()
    code, _out, err = diff(repo, snapshot, "--notify", "--to", r.url("/hook"))
    assert code == 0 and r.requests == []
    assert err == "gotriage: notify: no drift, nothing sent\n"


def test_destinations_and_secret_from_the_environment(hosts, receiver):
    repo, _snapshot, drifted = hosts
    r = receiver()
    env = clean_env(GOTRIAGE_NOTIFY_TO=r.url("/env-hook"), GOTRIAGE_NOTIFY_SECRET=HOOK_SECRET)
    code, _out, err = diff(repo, drifted, "--notify", env=env)
    assert code == 1 and len(r.requests) == 1, err
    _path, headers, body, _ = r.requests[0]
    assert r.requests[0][0] == "/env-hook"
    assert headers["X-Gotriage-Signature"] == "sha256=" + hmac.new(
        HOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()


def test_a_failed_notification_is_one_line_and_2_only_when_nothing_makes_it_1(
        hosts, receiver, tmp_path):
    repo, _snapshot, drifted = hosts
    r = receiver((400, b"no such hook"))
    to_file = tmp_path / "to"
    to_file.write_text("# the team's hook\n%s\n" % r.url("/hook?token=" + HOOK_TOKEN))
    # drift is warn: with the default --fail-on it is exit 1 whatever the notification did
    code, _out, err = diff(repo, drifted, "--notify", "--to-file", str(to_file))
    assert code == 1
    assert err.startswith("gotriage: error: notify: http://127.0.0.1:%d/hook?token=REDACTED "
                          "(webhook): " % r.port) and err.count("\n") == 1, err
    # --fail-on error: the drift alone exits 0, so the failed notification makes it 2
    code, _out, err = diff(repo, drifted, "--notify", "--to-file", str(to_file),
                           "--fail-on", "error")
    assert code == 2 and err.count("\n") == 1 and "error: notify:" in err, err
    assert len(r.requests) == 2  # a 4xx is not retried


@pytest.mark.parametrize("argv,words", [
    (["diff", "--notify"], "no destination"),
    (["diff", "--notify", "--to", "ftp://example.com/x"], "is an http:// or https:// URL"),
    (["diff", "--to", "http://127.0.0.1:9/x"], "go with --notify"),
    (["init", "--notify", "--to", "http://127.0.0.1:9/x"], "--notify is an option of "
                                                           "`baseline diff`"),
    (["lint", "--notify"], "--notify is an option of `baseline diff`"),
])
def test_notify_mistakes_are_usage_errors_before_the_host_is_read(hosts, argv, words):
    repo, _snapshot, drifted = hosts
    done = run_cli(["baseline"] + argv + ["--repo", repo] +
                   (["--root", drifted] if argv[0] != "lint" else []))
    err = done.stderr.decode()
    assert done.returncode == 2 and words in err and len(err.strip().splitlines()) == 1, err
    assert done.stdout == b""  # nothing examined, nothing printed
