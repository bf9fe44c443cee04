"""gotriage notify (issue 16, part 4) against a real HTTP receiver on 127.0.0.1.

The receiver (http.server in a thread, closed after each test) records every request
and answers as the test scripts it: 200, 500 then 200, a robot's errcode, or no answer at
all.  The report is the real --json of `gotriage check` on a recorded Rocky 9 snapshot;
the command runs as a process under the interpreter of the test run (3.11 and 3.6).
Each format is compared byte for byte with what docs/notify.md specifies, the DingTalk
signature is recomputed here with hmac, and no run may print a key, token or secret.
"""

import base64
import email
import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import threading
import time
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, HTTPServer
from socketserver import ThreadingMixIn
from urllib.parse import parse_qs, urlsplit

import pytest

from cli_support import ROOT, assert_one_line_error, clean_env, run_cli

SNAPSHOT = os.path.join(ROOT, "tests", "data", "snapshots", "el9-goroot-envfile")
WECOM_KEY = "693a91f6-7a1b-4bc4-97a0-0ec2b1fa5aaa"
DING_TOKEN = "9a4b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b"
DING_SECRET = "SEC3b1f0c2e9d8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1"
HOOK_TOKEN = "tok-4f1e2d3c4b5a69788796a5b4"
HOOK_SECRET = "hmac-key-0a1b2c3d4e5f"
SECRETS = (WECOM_KEY, DING_TOKEN, DING_SECRET, HOOK_TOKEN, HOOK_SECRET)


class _Server(ThreadingMixIn, HTTPServer):
    daemon_threads = True  # (3.6 has no ThreadingHTTPServer)


class Receiver(object):
    """A loopback HTTP server: `answers` is consumed one per request, each (status,
    body bytes) or "hang" (no answer until the test ends); the last one repeats."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.requests = []  # (path, headers dict, body bytes, time received)
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.requests.append((self.path, dict(self.headers.items()), body,
                                          time.time()))
                answer = receiver.answers.pop(0) if len(receiver.answers) > 1 \
                    else receiver.answers[0]
                if answer == "hang":
                    receiver.release.wait(30)
                    return
                if answer == "trickle":  # headers, then a byte every 0.2 s: no read times out
                    self.send_response(200)
                    self.send_header("Content-Length", "1000")
                    self.end_headers()
                    for _ in range(150):
                        if receiver.release.wait(0.2):
                            return
                        try:
                            self.wfile.write(b" ")
                            self.wfile.flush()
                        except OSError:
                            return
                    return
                status, payload = answer
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def receiver():
    made = []

    def make(*answers):
        r = Receiver(answers or [(200, b'{"errcode":0,"errmsg":"ok"}')])
        made.append(r)
        return r
    yield make
    for r in made:
        r.close()


@pytest.fixture(scope="module")
def report_path(tmp_path_factory):
    """The real --json report of `gotriage check` on a Rocky 9 snapshot."""
    proc = run_cli(["check", "--root", SNAPSHOT, "--project", "/home/alice", "--json"])
    assert proc.returncode == 1, proc.stderr
    path = tmp_path_factory.mktemp("notify") / "report.json"
    path.write_bytes(proc.stdout)
    return str(path)


@pytest.fixture(scope="module")
def report(report_path):
    with open(report_path, encoding="utf-8") as f:
        return json.load(f)


def chinese_report(report, tmp_path, problems=None):
    """The real report with a Chinese host name and finding titles (what a report in
    Simplified Chinese looks like to notify), and `problems` copies of its first problem
    when given."""
    doc = json.loads(json.dumps(report))
    doc["host"]["hostname"] = "生产-01"
    results = [r for r in doc["results"] if r["severity"] != "ok"]
    for number, r in enumerate(results):
        r["title"] = "第%d个问题：GOROOT 指向 /usr/local/go（版本不一致）" % number
    if problems:
        doc["results"] = [dict(results[0], id="GO-X-%03d" % n) for n in range(problems)]
    path = tmp_path / "report-zh.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return str(path), doc


def schema_errors(payload):
    """Where `payload` breaks docs/notify-payload.schema.json."""
    import jsonschema

    with open(os.path.join(ROOT, "docs", "notify-payload.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft7Validator.check_schema(schema)
    return [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(payload)]


def notify(args, env=None, timeout=60):
    proc = run_cli(["notify"] + list(args), env=env, timeout=timeout)
    assert_no_secret(proc)
    return proc


def assert_no_secret(proc):
    text = proc.stdout + proc.stderr
    for secret in SECRETS:
        for form in (secret, secret[4:-4]):
            assert form.encode() not in text, (secret, text.decode("utf-8", "replace"))


def problems_of(doc):
    rank = {"info": 1, "warn": 2, "error": 3}
    found = [{"id": r["id"], "severity": r["severity"], "title": r["title"]}
             for r in doc["results"] if r["severity"] != "ok"]
    return sorted(found, key=lambda f: -rank[f["severity"]])  # stable: report order kept


def compact(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def secret_file(tmp_path, value, name="secret"):
    path = tmp_path / name
    path.write_text(value + "\n")
    os.chmod(str(path), 0o600)
    return str(path)


# -- the generic webhook ---------------------------------------------------------------

def test_webhook_payload_is_the_documented_document_byte_for_byte_and_signed(
        receiver, report_path, report, tmp_path):
    r = receiver((200, b"accepted"))
    proc = notify([report_path, "--to", r.url("/hook?token=" + HOOK_TOKEN), "--kind",
                   "webhook", "--secret-file", secret_file(tmp_path, HOOK_SECRET)])
    assert proc.returncode == 0, proc.stderr
    assert len(r.requests) == 1
    path, headers, body, _ = r.requests[0]
    assert path == "/hook?token=" + HOOK_TOKEN
    problems = problems_of(report)
    counts = report["summary"]["counts"]
    expected = {
        "payload": "gotriage-notify", "version": 1, "event": "report",
        "title": "gotriage: rocky9-dev: %d problems (worst: error)" % len(problems),
        "severity": "error",
        "text": "gotriage examined the snapshot %s: %d errors, %d warnings, %d info. "
                "Exit code 1." % (SNAPSHOT, counts["error"], counts["warn"], counts["info"]),
        "host": {"hostname": "rocky9-dev", "source": "snapshot", "origin": SNAPSHOT},
        "tool": report["tool"], "generated": report["generated"],
        "summary": report["summary"], "findings": problems,
    }
    assert body == compact(expected)
    assert schema_errors(json.loads(body.decode("utf-8"))) == []
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    mac = hmac.new(HOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Gotriage-Signature"] == "sha256=" + mac
    assert proc.stdout == b""
    err = proc.stderr.decode()
    assert err.startswith("gotriage: notify: sent to http://127.0.0.1:%d/hook?token=REDACTED "
                          "(webhook, 1 attempt" % r.port), err
    assert err.count("\n") == 1


def test_chinese_titles_travel_as_utf8_not_escapes(receiver, report, tmp_path):
    path, doc = chinese_report(report, tmp_path)
    r = receiver((204, b""))
    proc = notify([path, "--to", r.url("/h"), "--kind", "webhook"])
    assert proc.returncode == 0, proc.stderr
    body = r.requests[0][2]
    assert "生产-01".encode("utf-8") in body and b"\\u" not in body
    sent = json.loads(body.decode("utf-8"))
    assert sent["findings"] == problems_of(doc)
    assert schema_errors(sent) == []
    assert "X-Gotriage-Signature" not in r.requests[0][1]  # no secret, no signature


# -- WeCom -----------------------------------------------------------------------------

def test_wecom_markdown_message(receiver, report_path, report):
    r = receiver()
    proc = notify([report_path, "--to", r.url("/cgi-bin/webhook/send?key=" + WECOM_KEY),
                   "--kind", "wecom"])
    assert proc.returncode == 0, proc.stderr
    path, _, body, _ = r.requests[0]
    assert parse_qs(urlsplit(path).query) == {"key": [WECOM_KEY]}
    sent = json.loads(body.decode("utf-8"))
    assert body == compact(sent)
    assert list(sent) == ["msgtype", "markdown"] and sent["msgtype"] == "markdown"
    assert list(sent["markdown"]) == ["content"]
    content = sent["markdown"]["content"]
    lines = content.split("\n")
    problems = problems_of(report)
    assert lines[0] == "### gotriage: rocky9-dev: %d problems (worst: error)" % len(problems)
    words = {"error": "error", "warn": "warning", "info": "info"}
    listed = [line for line in lines if line.startswith("- ")]
    assert listed == ["- **%s** `%s` %s" % (words[p["severity"]], p["id"], p["title"])
                      for p in problems]
    assert lines[-1] == "> gotriage %s, report %s" % (report["tool"]["version"],
                                                      report["generated"])
    assert "key=REDACTED" in proc.stderr.decode()


def test_wecom_content_stays_within_4096_bytes_cut_between_lines(receiver, report, tmp_path):
    path, doc = chinese_report(report, tmp_path, problems=300)
    r = receiver()
    proc = notify([path, "--to", r.url("/cgi-bin/webhook/send?key=" + WECOM_KEY),
                   "--kind", "wecom"])
    assert proc.returncode == 0, proc.stderr
    content = json.loads(r.requests[0][2].decode("utf-8"))["markdown"]["content"]
    size = len(content.encode("utf-8"))
    assert 3500 < size <= 4096, size
    listed = [line for line in content.split("\n") if line.startswith("- **")]
    more = [line for line in content.split("\n") if line.startswith("- ... and ")]
    assert more == ["- ... and %d more (see the report)" % (300 - len(listed))]
    assert listed[-1].endswith(doc["results"][0]["title"])  # whole lines only


# -- DingTalk --------------------------------------------------------------------------

def dingtalk_sign_here(secret, timestamp):
    """DingTalk's documented algorithm, written again here: HmacSHA256 over
    timestamp + "\\n" + secret, keyed by the secret, base64."""
    digest = hmac.new(secret.encode("utf-8"), ("%s\n%s" % (timestamp, secret)).encode("utf-8"),
                      hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def test_dingtalk_signed_url_and_markdown(receiver, report_path, report, tmp_path):
    r = receiver()
    before = int(time.time() * 1000)
    proc = notify([report_path, "--to", r.url("/robot/send?access_token=" + DING_TOKEN),
                   "--kind", "dingtalk", "--secret-file", secret_file(tmp_path, DING_SECRET)])
    after = int(time.time() * 1000)
    assert proc.returncode == 0, proc.stderr
    path, _, body, _ = r.requests[0]
    query = urlsplit(path).query
    assert query.startswith("access_token=%s&timestamp=" % DING_TOKEN)
    fields = parse_qs(query)  # decodes the URL-encoding of sign
    assert sorted(fields) == ["access_token", "sign", "timestamp"]
    timestamp = fields["timestamp"][0]
    assert before <= int(timestamp) <= after  # milliseconds
    assert fields["sign"] == [dingtalk_sign_here(DING_SECRET, timestamp)]
    sent = json.loads(body.decode("utf-8"))
    assert body == compact(sent)
    assert list(sent) == ["msgtype", "markdown"] and list(sent["markdown"]) == ["title", "text"]
    assert sent["markdown"]["title"] == "gotriage: rocky9-dev: %d problems (worst: error)" % (
        len(problems_of(report)))
    assert sent["markdown"]["text"].startswith("### " + sent["markdown"]["title"] + "\n")
    err = proc.stderr.decode()
    assert "access_token=REDACTED" in err and "sign=" not in err


def test_dingtalk_each_attempt_signs_anew_and_secret_can_come_from_the_environment(
        receiver, report_path, tmp_path):
    r = receiver((503, b"busy"), (200, b'{"errcode":0,"errmsg":"ok"}'))
    env = clean_env(GOTRIAGE_NOTIFY_TO=r.url("/robot/send?access_token=" + DING_TOKEN),
                    GOTRIAGE_NOTIFY_SECRET=DING_SECRET)
    proc = notify([report_path, "--kind", "dingtalk", "--retries", "2"], env=env)
    assert proc.returncode == 0, proc.stderr
    assert len(r.requests) == 2
    for path, _, _, _ in r.requests:
        fields = parse_qs(urlsplit(path).query)
        assert fields["sign"] == [dingtalk_sign_here(DING_SECRET, fields["timestamp"][0])]
    assert "2 attempts" in proc.stderr.decode()


def test_a_robot_refusal_is_an_error_without_retry(receiver, report_path):
    r = receiver((200, b'{"errcode":310000,"errmsg":"sign not match"}'))
    proc = notify([report_path, "--to", r.url("/robot/send?access_token=" + DING_TOKEN),
                   "--kind", "dingtalk"])
    assert_one_line_error(proc, "errcode 310000 sign not match", "after 1 attempt",
                          "access_token=REDACTED")
    assert len(r.requests) == 1


# -- delivery: retries, timeouts, errors -----------------------------------------------

def test_500_then_200_is_retried_with_backoff(receiver, report_path):
    r = receiver((500, b"oops"), (200, b"ok"))
    proc = notify([report_path, "--to", r.url("/h?token=" + HOOK_TOKEN), "--kind", "webhook"])
    assert proc.returncode == 0, proc.stderr
    assert len(r.requests) == 2
    assert r.requests[1][2] == r.requests[0][2]  # the same payload
    gap = r.requests[1][3] - r.requests[0][3]
    assert 0.9 <= gap < 5, gap  # the first backoff is 1 s
    assert "(webhook, 2 attempts" in proc.stderr.decode()


def test_always_500_gives_up_with_one_clear_line(receiver, report_path):
    r = receiver((500, b"oops"))
    started = time.monotonic()
    proc = notify([report_path, "--to", r.url("/h?token=" + HOOK_TOKEN), "--retries", "2"])
    elapsed = time.monotonic() - started
    assert_one_line_error(proc, "gotriage: error: notify: http://127.0.0.1:%d/h?token=REDACTED "
                          "(webhook): HTTP 500 Internal Server Error, after 3 attempts" % r.port)
    assert len(r.requests) == 3
    assert elapsed < 1 + 2 + 10, elapsed  # waits of 1 s and 2 s, plus the start-up


def test_a_receiver_that_hangs_times_out_in_bounded_time(receiver, report_path):
    r = receiver("hang")
    started = time.monotonic()
    proc = notify([report_path, "--to", r.url("/robot/send?access_token=" + DING_TOKEN),
                   "--kind", "dingtalk", "--timeout", "1", "--retries", "1"])
    elapsed = time.monotonic() - started
    assert_one_line_error(proc, "no answer in 1 s", "after 2 attempts")
    assert len(r.requests) == 2
    assert elapsed < 1 + 1 + 1 + 10, elapsed  # two attempts of 1 s, a 1 s wait, start-up


def test_an_answer_trickling_in_is_cut_at_the_timeout(receiver, report_path):
    r = receiver("trickle")
    started = time.monotonic()
    proc = notify([report_path, "--to", r.url("/h?token=" + HOOK_TOKEN), "--timeout", "1",
                   "--retries", "0"])
    elapsed = time.monotonic() - started
    assert_one_line_error(proc, "no answer in 1 s", "after 1 attempt")
    assert elapsed < 1 + 10, elapsed  # not the 30 s the server would take


def test_connection_refused_names_the_redacted_url_only(report_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed when the block ends: nobody listens
    proc = notify([report_path, "--to", "http://127.0.0.1:%d/cgi-bin/webhook/send?key=%s" % (
        port, WECOM_KEY), "--kind", "wecom", "--retries", "0"])
    assert_one_line_error(proc, "key=REDACTED", "refused", "after 1 attempt")


def test_every_destination_is_tried_and_one_failure_makes_exit_2(receiver, report_path,
                                                                  tmp_path):
    good, bad = receiver(), receiver((404, b"no"))
    to_file = tmp_path / "to"
    to_file.write_text("# the team's robots\n%s\n\n%s\n" % (
        good.url("/a?key=" + WECOM_KEY), bad.url("/b?key=" + WECOM_KEY)))
    proc = notify([report_path, "--to-file", str(to_file), "--kind", "wecom"])
    assert proc.returncode == 2
    lines = proc.stderr.decode().splitlines()
    assert lines[0].startswith("gotriage: notify: sent to ")
    assert lines[1].startswith("gotriage: error: notify: ") and "HTTP 404" in lines[1]
    assert len(good.requests) == 1 and len(bad.requests) == 1  # 404 is not retried


def test_dry_run_sends_nothing_and_prints_the_requests_redacted(receiver, report_path,
                                                                 tmp_path):
    r = receiver()
    proc = notify([report_path, "--dry-run", "--to", r.url("/robot/send?access_token=" +
                                                             DING_TOKEN),
                   "--kind", "dingtalk", "--secret-file", secret_file(tmp_path, DING_SECRET)])
    assert proc.returncode == 0 and r.requests == []
    out = proc.stdout.decode()
    assert "POST http://127.0.0.1:%d/robot/send?access_token=REDACTED&timestamp=REDACTED&" \
           "sign=REDACTED\n" % r.port in out
    body = out.split("\n\n", 1)[1].strip()
    assert json.loads(body)["msgtype"] == "markdown"


def test_report_from_standard_input(receiver, report_path):
    r = receiver()
    with open(report_path, "rb") as f:
        proc = subprocess.run([sys.executable, "-m", "gotriage", "notify", "-", "--to",
                               r.url("/h"), "--kind", "webhook"], stdin=f,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=clean_env(),
                              cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(r.requests[0][2].decode())["host"]["hostname"] == "rocky9-dev"


@pytest.mark.parametrize("content, fragment", [
    (b"", "is empty"),
    (b"<html>", "is not JSON"),
    (b'{"schema_version": "2.0", "host": {}, "results": [], "summary": {}}',
     "schema_version 2.0: this gotriage reads 1.x"),
    (b'{"schema_version": "1.6", "host": {}, "summary": {}}', "has no results list"),
])
def test_what_is_not_a_report_is_a_one_line_usage_error(tmp_path, content, fragment):
    path = tmp_path / "r.json"
    path.write_bytes(content)
    proc = notify([str(path), "--to", "http://127.0.0.1:9/h"])
    assert_one_line_error(proc, fragment)


def test_no_destination_is_a_usage_error(report_path):
    env = clean_env(GOTRIAGE_NOTIFY_TO=None)
    assert_one_line_error(notify([report_path], env=env), "no destination", "GOTRIAGE_NOTIFY_TO")


# -- email through sendmail -t ---------------------------------------------------------

def fake_sendmail(tmp_path, script):
    """A sendmail that records its argv and standard input in tmp_path, then runs
    `script` (shell)."""
    path = tmp_path / "sendmail"
    path.write_text("#!/bin/sh\nprintf '%%s\\n' \"$@\" > %s/argv\ncat > %s/stdin.$$\n%s\n" % (
        tmp_path, tmp_path, script))
    os.chmod(str(path), 0o755)
    return str(path)


def received_mail(tmp_path):
    return sorted(p for p in os.listdir(str(tmp_path)) if p.startswith("stdin."))


def test_email_goes_to_sendmail_t_as_utf8(report, tmp_path):
    path, doc = chinese_report(report, tmp_path)
    sendmail = fake_sendmail(tmp_path, "exit 0")
    proc = notify([path, "--to", "mailto:ops@example.com,oncall@example.cn",
                   "--sendmail", sendmail])
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "argv").read_text().split() == ["-t", "-i"]
    [name] = received_mail(tmp_path)
    mail = email.message_from_bytes((tmp_path / name).read_bytes())
    assert mail["To"] == "ops@example.com, oncall@example.cn"
    subject = str(make_header(decode_header(mail["Subject"])))
    assert subject == "gotriage: 生产-01: %d problems (worst: error)" % len(problems_of(doc))
    assert mail.get_content_charset() == "utf-8"
    text = mail.get_payload(decode=True).decode("utf-8")
    for p in problems_of(doc):
        assert "%s  %s" % (p["id"], p["title"]) in text
    assert "sent to mailto:ops@example.com,oncall@example.cn (email, 1 attempt" in \
        proc.stderr.decode()


def test_sendmail_tempfail_is_retried_and_a_hang_is_killed(report_path, tmp_path):
    flag = tmp_path / "failed-once"
    sendmail = fake_sendmail(tmp_path, "[ -e %s ] && exit 0; touch %s; echo 'try later' >&2; "
                                       "exit 75" % (flag, flag))
    proc = notify([report_path, "--to", "mailto:ops@example.com", "--sendmail", sendmail])
    assert proc.returncode == 0, proc.stderr
    assert len(received_mail(tmp_path)) == 2 and "2 attempts" in proc.stderr.decode()

    slow = tmp_path / "slow"
    slow.mkdir()
    sendmail = fake_sendmail(slow, "sleep 30")
    started = time.monotonic()
    proc = notify([report_path, "--to", "mailto:ops@example.com", "--sendmail", sendmail,
                   "--timeout", "1", "--retries", "0"])
    assert time.monotonic() - started < 15
    assert_one_line_error(proc, "gave no answer in 1 s", "after 1 attempt")


def test_sendmail_refusal_is_not_retried(report_path, tmp_path):
    sendmail = fake_sendmail(tmp_path, "echo 'ops@example.com... User unknown' >&2; exit 67")
    proc = notify([report_path, "--to", "mailto:ops@example.com", "--sendmail", sendmail])
    assert_one_line_error(proc, "exited 67: ops@example.com... User unknown", "after 1 attempt")
    assert len(received_mail(tmp_path)) == 1


def test_a_non_ascii_address_is_refused(report_path):
    proc = notify([report_path, "--to", "mailto:李雷@example.cn", "--dry-run"])
    assert_one_line_error(proc, "each address ASCII")


# -- the library, in-process -----------------------------------------------------------

@pytest.mark.parametrize("url, shown", [
    ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + WECOM_KEY,
     "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=REDACTED"),
    ("https://oapi.dingtalk.com/robot/send?access_token=%s&msgtype=x" % DING_TOKEN,
     "https://oapi.dingtalk.com/robot/send?access_token=REDACTED&msgtype=x"),
    ("https://hooks.slack.com/services/T0001/B0002/%s" % HOOK_TOKEN,
     "https://hooks.slack.com/services/REDACTED/REDACTED/REDACTED"),
    ("https://open.feishu.cn/open-apis/bot/v2/hook/%s" % HOOK_TOKEN,
     "https://open.feishu.cn/open-apis/bot/v2/hook/REDACTED"),
    ("https://bot:%s@hooks.example.com/in" % HOOK_SECRET,
     "https://bot:REDACTED@hooks.example.com/in"),
    ("mailto:ops@example.com", "mailto:ops@example.com"),
])
def test_redact_url(url, shown):
    from gotriage.notify.deliver import Destination
    from gotriage.notify.redaction import redact_url

    assert redact_url(url) == shown
    d = Destination(url)
    assert d.shown == shown
    for secret in SECRETS:  # and a text quoting the URL loses every credential in it
        assert secret not in d.scrub("POST %s failed" % url)


def test_the_scrubber_removes_url_quoted_forms():
    from urllib.parse import quote, quote_plus

    from gotriage.notify.redaction import Scrubber

    secret = "SEC+/a=b c&d"
    scrub = Scrubber([secret])
    for form in (secret, quote(secret, safe=""), quote_plus(secret)):
        assert scrub("x %s y" % form) == "x REDACTED y"


def test_message_of_a_runner_report_is_that_of_its_json(report):
    from gotriage import runner
    from gotriage.checks import LAYERS
    from gotriage.host import open_host
    from gotriage.notify.formats import webhook_payload
    from gotriage.notify.message import message_from_document, message_from_report

    host = open_host(SNAPSHOT)
    try:
        live = runner.run(host, list(LAYERS), {"project": "/home/alice", "users": [],
                                               "network": False, "timeout": None})
        from_report = webhook_payload(message_from_report(live))
    finally:
        host.close()
    from_json = webhook_payload(message_from_document(report))
    for payload in (from_report, from_json):
        payload.pop("generated")
    assert from_report == from_json


def test_deliver_backs_off_exponentially_and_is_bounded(receiver):
    from gotriage.notify.deliver import Destination, deliver
    from gotriage.notify.message import FindingLine, Message

    r = receiver((502, b"bad gateway"))
    waits = []
    message = Message("t", "warn", "x", {"hostname": "h"}, [FindingLine("A-B", "warn", "t")])
    delivery = deliver(Destination(r.url("/h?token=" + HOOK_TOKEN)), message, timeout=1,
                       retries=7, backoff=1.0, sleep=waits.append)
    assert not delivery.ok and delivery.attempts == 8 and len(r.requests) == 8
    assert waits == [1, 2, 4, 8, 16, 30, 30]  # doubled, capped at 30 s
    assert "HTTP 502 Bad Gateway" in delivery.line() and HOOK_TOKEN not in delivery.line()


# -- properties (the bounded, derandomized fuzz profile of tests/fuzz_support.py) -------

from hypothesis import assume, given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from fuzz_support import fuzz  # noqa: E402

REDACTED_WORD = "REDACTED"

TITLES = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=300)


@fuzz
@given(st.lists(st.tuples(st.sampled_from(["info", "warn", "error"]), TITLES), max_size=120),
       TITLES)
def test_robot_markdown_is_within_its_limit_and_cut_between_whole_lines(problems, hostname):
    from gotriage.notify.formats import WECOM_CONTENT_LIMIT, markdown_text, wecom_payload
    from gotriage.notify.message import message_from_document

    doc = {"schema_version": "1.6", "host": {"hostname": hostname, "source": "live",
                                              "origin": None},
           "results": [{"id": "X-%d" % n, "severity": s, "title": t}
                       for n, (s, t) in enumerate(problems)],
           "summary": {}, "tool": {"name": "gotriage", "version": "0"}, "generated": "g"}
    message = message_from_document(doc)
    content = wecom_payload(message)["markdown"]["content"]
    assert len(content.encode("utf-8")) <= WECOM_CONTENT_LIMIT
    assert content == markdown_text(message, WECOM_CONTENT_LIMIT)
    listed = [line for line in content.split("\n") if line.startswith("- **")]
    whole = ["- **%s** `%s` %s" % ({"warn": "warning"}.get(f.severity, f.severity), f.id,
                                   " ".join(f.title.split())) for f in message.findings]
    if content.endswith("report g"):  # the tail fits: every listed line is whole
        assert listed == whole[:len(listed)]
        more = len(whole) - len(listed)
        assert ("- ... and %d more (see the report)" % more in content) == (more > 0)


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4) |
                    st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=20)


@fuzz
@given(st.sampled_from(["schema_version", "host", "results", "summary", "tool", "generated",
                        "severity", "id", "title", "hostname"]), JSON)
def test_a_damaged_report_gives_a_message_or_report_error_only(field, value):
    from gotriage.notify.message import Message, ReportError, message_from_document

    doc = {"schema_version": "1.6", "host": {"hostname": "h", "source": "live",
                                              "origin": None},
           "results": [{"id": "A-B", "severity": "warn", "title": "t"}],
           "summary": {"worst": "warn"}, "tool": {}, "generated": "g"}
    if field in ("severity", "id", "title"):
        doc["results"][0][field] = value
    elif field == "hostname":
        doc["host"]["hostname"] = value
    else:
        doc[field] = value
    try:
        assert isinstance(message_from_document(doc), Message)
    except ReportError:
        pass


@fuzz
@given(st.text(st.characters(min_codepoint=33, max_codepoint=0x2FFF,
                             blacklist_categories=("Cs",)), min_size=8, max_size=40),
       st.sampled_from(["https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=%s",
                        "https://oapi.dingtalk.com/robot/send?access_token=%s",
                        "https://hooks.example.com/in?a=1&token=%s",
                        "https://hooks.slack.com/services/T01/B02/%s"]))
def test_no_form_of_a_secret_survives_the_scrubber(secret, template):
    from urllib.parse import quote, quote_plus

    from gotriage.notify.deliver import Destination

    assume(REDACTED_WORD not in secret and secret not in REDACTED_WORD)  # (found: "REDACTED")
    url = template % quote(secret, safe="")
    d = Destination(url, secret=secret)
    for form in (secret, quote(secret, safe=""), quote_plus(secret)):
        text = d.scrub("POST %s: refused (%s) %s" % (url, form, d.shown))
        assert form not in text, (form, text)
