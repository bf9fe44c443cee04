"""Sending a Message: one POST (or one sendmail) per attempt, each bounded by a timeout,
retried with exponential backoff within a bounded total, and one clear error at the end.

Nothing a caller prints comes from here unredacted: every text that leaves this module
(results, NotifyError) has gone through the destination's Scrubber, so a robot key, an
access_token, a DingTalk sign or a secret never reaches stdout, stderr or a log.
"""

import threading
import time

from gotriage.notify import KINDS, formats
from gotriage.notify.redaction import Scrubber, redact_url

BACKOFF_FIRST = 1.0  # seconds before the first retry; doubled each time
BACKOFF_MAX = 30.0
# Robot answers (HTTP 200 with a JSON errcode) that mean "too fast, try later"
# (WeCom 45009: API freq out of limit; DingTalk 130101: send too fast)
RATE_LIMIT_ERRCODES = frozenset([45009, 130101])


class NotifyError(Exception):
    """Delivery to a destination failed: a one-line reason with no secret in it."""


def guess_kind(url):
    """The channel a destination's URL names: mailto: is email, WeCom's and DingTalk's
    robot hosts their formats, anything else the generic webhook."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return "webhook"
    if parts.scheme == "mailto":
        return "email"
    if host == "qyapi.weixin.qq.com" and parts.path.startswith("/cgi-bin/webhook/send"):
        return "wecom"
    if host == "oapi.dingtalk.com" and parts.path.startswith("/robot/send"):
        return "dingtalk"
    return "webhook"


class Destination(object):
    """Where a message goes: its kind, its URL (mailto:ADDR[,ADDR] for email), the
    secret that signs it (DingTalk; the generic webhook's HMAC header), and the Scrubber
    that hides them."""

    def __init__(self, url, kind=None, secret=None):
        self.url = url
        self.kind = kind or guess_kind(url)
        if self.kind not in KINDS:
            raise ValueError("unknown kind %r (one of %s)" % (self.kind, ", ".join(KINDS)))
        self.secret = secret or None
        self.scrub = Scrubber([secret] if secret else [])
        self.scrub.add_url(url)

    @property
    def shown(self):
        """The URL as it may be printed."""
        return self.scrub(redact_url(self.url))

    def recipients(self):
        from urllib.parse import unquote

        return [unquote(a.strip()) for a in self.url[len("mailto:"):].split("?")[0].split(",")
                if a.strip()]


class Request(object):
    """One attempt's request: the URL (signed anew for DingTalk), headers and body; or,
    for email, the bytes given to sendmail."""

    def __init__(self, url, headers, body):
        self.url = url
        self.headers = headers
        self.body = body


def payload_of(destination, message):
    """The JSON value (or, for email, the message bytes) the destination receives."""
    if destination.kind == "email":
        return formats.email_bytes(message, destination.recipients())
    return {"webhook": formats.webhook_payload, "wecom": formats.wecom_payload,
            "dingtalk": formats.dingtalk_payload}[destination.kind](message)


def build_request(destination, message, now_ms=None):
    """The request of one attempt (`now_ms`: DingTalk's timestamp, the clock by default)."""
    from gotriage import __version__

    body = payload_of(destination, message)
    if destination.kind == "email":
        return Request(destination.url, {}, body)
    body = formats.json_bytes(body)
    headers = {"Content-Type": "application/json; charset=utf-8",
               "User-Agent": "gotriage/%s (notify)" % __version__}
    url = destination.url
    if destination.kind == "dingtalk" and destination.secret:
        stamp = int(time.time() * 1000) if now_ms is None else now_ms
        url = formats.dingtalk_signed_url(url, destination.secret, stamp)
        destination.scrub.add(formats.dingtalk_sign(destination.secret, stamp))
    elif destination.kind == "webhook" and destination.secret:
        headers[formats.SIGNATURE_HEADER] = formats.webhook_signature(destination.secret, body)
        destination.scrub.add(headers[formats.SIGNATURE_HEADER])
    return Request(url, headers, body)


class Outcome(object):
    """How one attempt ended: ok, or a reason and whether to try again."""

    def __init__(self, ok, reason="", retry=False):
        self.ok = ok
        self.reason = reason
        self.retry = retry


def post(request, timeout):
    """POST the request once; the Outcome (never raises for network trouble).  The
    timeout bounds the whole attempt: connecting, sending, the answer."""
    import http.client
    import socket
    import ssl
    from urllib.parse import urlsplit

    parts = urlsplit(request.url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return Outcome(False, "not an http(s) URL")
    path = (parts.path or "/") + ("?" + parts.query if parts.query else "")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(parts.hostname, port, timeout=timeout,
                                           context=ssl.create_default_context())
    else:
        conn = http.client.HTTPConnection(parts.hostname, port, timeout=timeout)
    # the socket's timeout bounds each operation; the watchdog the whole attempt (a server
    # that trickles its answer a byte at a time never lets one operation time out)
    fired = []  # (Timer.finished is also set by cancel: not a sign that it fired)
    sockets = []  # the connection's socket (getresponse forgets it when the server closes)
    watchdog = threading.Timer(timeout, _abort, [conn, sockets, fired])
    watchdog.daemon = True
    watchdog.start()
    try:
        conn.request("POST", path, body=request.body, headers=request.headers)
        sockets.append(conn.sock)
        response = conn.getresponse()
        answer = response.read(65536)
        status, reason = response.status, response.reason
    except socket.timeout:
        return Outcome(False, "no answer in %g s" % timeout, retry=True)
    except ssl.SSLError as exc:
        return Outcome(False, "TLS: %s" % (exc.reason or exc), retry=False)
    except socket.gaierror as exc:
        return Outcome(False, "lookup %s: %s" % (parts.hostname, exc.strerror or exc),
                       retry=True)
    except (OSError, http.client.HTTPException) as exc:
        if fired:
            return Outcome(False, "no answer in %g s" % timeout, retry=True)
        return Outcome(False, "%s" % (getattr(exc, "strerror", None) or exc or
                                      type(exc).__name__), retry=True)
    finally:
        watchdog.cancel()
        conn.close()
    if fired:  # what was read may be cut short
        return Outcome(False, "no answer in %g s" % timeout, retry=True)
    if status >= 300:
        retry = status >= 500 or status in (408, 429)
        return Outcome(False, "HTTP %d %s" % (status, reason), retry=retry)
    return _robot_answer(answer)


def _abort(conn, sockets, fired):
    """The watchdog's end of an attempt: the socket's next wait times out at once (a
    shutdown alone does not stop Linux from reading what keeps arriving), and it is shut
    down so that the peer sees it too."""
    import socket

    fired.append(True)
    sock = conn.sock or (sockets[0] if sockets else None)
    if sock is not None:
        try:
            sock.settimeout(0.001)
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _robot_answer(answer):
    """WeCom and DingTalk answer HTTP 200 with {"errcode": N, "errmsg": ...}: N != 0 is
    a refusal (a wrong key, a bad signature, a message too long)."""
    import json

    try:
        doc = json.loads(answer.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return Outcome(True)  # a plain webhook's answer: its status said it all
    if isinstance(doc, dict) and isinstance(doc.get("errcode"), int) and doc["errcode"] != 0:
        return Outcome(False, "refused: errcode %d %s" % (doc["errcode"],
                                                         str(doc.get("errmsg", ""))[:200]),
                       retry=doc["errcode"] in RATE_LIMIT_ERRCODES)
    return Outcome(True)


def sendmail(request, timeout, sendmail_path="sendmail", host=None):
    """Give the message to `sendmail -t -i` (the system's, from /usr/sbin and the other
    system directories, unless a path is given) through the host's command runner, which
    kills it at the timeout.  Exit 75 (EX_TEMPFAIL) is worth a retry."""
    if host is None:
        from gotriage.host.live import LiveHost

        host = LiveHost()
    result = host.run([sendmail_path, "-t", "-i"], timeout=timeout, input=request.body)
    if result.error == "timeout":
        return Outcome(False, "%s gave no answer in %g s" % (sendmail_path, timeout), retry=True)
    if result.error == "not-found":
        return Outcome(False, "no sendmail: %s (install an MTA such as postfix, or give "
                              "--sendmail PATH)" % result.stderr.decode("utf-8", "replace"))
    if result.error:
        return Outcome(False, "%s: %s" % (sendmail_path,
                                          result.stderr.decode("utf-8", "replace").strip()))
    if result.returncode != 0:
        said = result.stderr.decode("utf-8", "replace").strip().splitlines()
        return Outcome(False, "%s exited %d%s" % (sendmail_path, result.returncode,
                                                  ": " + said[-1] if said else ""),
                       retry=result.returncode == 75)
    return Outcome(True)


class Delivery(object):
    """What happened to one destination: sent or not, attempts, seconds, last reason."""

    def __init__(self, destination, ok, attempts, seconds, reason=""):
        self.destination = destination
        self.ok = ok
        self.attempts = attempts
        self.seconds = seconds
        self.reason = reason

    def line(self):
        """One line, redacted: 'sent to URL (wecom, 1 attempt, 0.1 s)' or the error."""
        d = self.destination
        if self.ok:
            return d.scrub("sent to %s (%s, %d attempt%s, %.1f s)" % (
                d.shown, d.kind, self.attempts, "" if self.attempts == 1 else "s",
                self.seconds))
        return d.scrub("%s (%s): %s, after %d attempt%s in %.1f s" % (
            d.shown, d.kind, self.reason, self.attempts, "" if self.attempts == 1 else "s",
            self.seconds))


def deliver(destination, message, timeout=10.0, retries=3, backoff=BACKOFF_FIRST,
            sendmail_path="sendmail", sleep=time.sleep, host=None):
    """Send `message` to `destination`: up to 1 + `retries` attempts, each bounded by
    `timeout`, waiting backoff, 2*backoff, ... (at most BACKOFF_MAX) between them; so the
    whole is bounded by (1 + retries) * timeout plus the waits.  Returns a Delivery; never raises for a failed send."""
    started = time.monotonic()
    attempts = 0
    wait = backoff
    outcome = Outcome(False, "not attempted")
    while attempts <= retries:
        if attempts:
            sleep(min(wait, BACKOFF_MAX))
            wait *= 2
        attempts += 1
        try:
            request = build_request(destination, message)
            if destination.kind == "email":
                outcome = sendmail(request, timeout, sendmail_path, host)
            else:
                outcome = post(request, timeout)
        except Exception as exc:  # a library's surprise must not print the URL either
            outcome = Outcome(False, "%s: %s" % (type(exc).__name__, exc))
        if outcome.ok or not outcome.retry:
            break
    return Delivery(destination, outcome.ok, attempts, time.monotonic() - started,
                    destination.scrub(outcome.reason))
