"""Each channel's payload for a Message (docs/notify.md has every format).  Pure.

- webhook: gotriage's own JSON document, versioned (PAYLOAD_VERSION): the message, the
  report's summary and every problem; optionally signed (X-Gotriage-Signature);
- wecom: the WeCom (企业微信) group robot's markdown message, its content at most
  WECOM_CONTENT_LIMIT bytes of UTF-8 (the robot refuses longer ones);
- dingtalk: the DingTalk (钉钉) robot's markdown message, and its signed URL;
- email: an RFC 5322 message for `sendmail -t`, UTF-8 text.
"""

import base64
import hashlib
import hmac

PAYLOAD_NAME = "gotriage-notify"
PAYLOAD_VERSION = 1
WECOM_CONTENT_LIMIT = 4096  # bytes, WeCom's documented bound of markdown.content
DINGTALK_TEXT_LIMIT = 4096  # bytes: the same bound, so both robots show the same lines
SIGNATURE_HEADER = "X-Gotriage-Signature"

SEVERITY_WORDS = {"error": "error", "warn": "warning", "info": "info", "ok": "ok"}


def json_bytes(value):
    """The bytes posted: compact JSON, UTF-8 (Chinese as itself, not \\u escapes), keys in
    the order written.  Receivers may parse it any way; the tests compare bytes."""
    import json

    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def webhook_payload(message):
    """The generic webhook's document (version 1, docs/notify.md)."""
    return {
        "payload": PAYLOAD_NAME,
        "version": PAYLOAD_VERSION,
        "event": message.event,
        "title": message.title,
        "severity": message.severity,
        "text": message.text,
        "host": message.host,
        "tool": message.tool,
        "generated": message.generated,
        "summary": message.summary,
        "findings": [f.to_dict() for f in message.findings],
    }


def webhook_signature(secret, body):
    """The value of X-Gotriage-Signature: "sha256=" and the hex HMAC-SHA256 of the body
    with the secret (as GitHub signs its webhooks), for a receiver to check."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def markdown_text(message, limit):
    """The chat robots' markdown: a heading, the short text, one line per problem, the
    report's provenance; problems that do not fit in `limit` bytes are counted instead
    ("... and 12 more")."""
    head = ["### %s" % message.title, "", message.text, ""]
    tail = ["", "> %s %s, report %s" % (message.tool.get("name", "gotriage"),
                                        message.tool.get("version", ""),
                                        message.generated or "")]
    lines = ["- **%s** `%s` %s" % (SEVERITY_WORDS.get(f.severity, f.severity), f.id,
                                   _one_line(f.title)) for f in message.findings]
    shown = len(lines)
    while True:
        body = lines[:shown]
        if shown < len(lines):
            body.append("- ... and %d more (see the report)" % (len(lines) - shown))
        text = "\n".join(head + body + tail)
        if len(text.encode("utf-8")) <= limit or shown == 0:
            break
        shown -= 1
    return truncate_utf8(text, limit)


def _one_line(text):
    return " ".join(text.split())


def truncate_utf8(text, limit):
    """`text` cut to at most `limit` bytes of UTF-8, never inside a character."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", "ignore")


def wecom_payload(message):
    return {"msgtype": "markdown",
            "markdown": {"content": markdown_text(message, WECOM_CONTENT_LIMIT)}}


def dingtalk_payload(message):
    return {"msgtype": "markdown",
            "markdown": {"title": message.title,
                         "text": markdown_text(message, DINGTALK_TEXT_LIMIT)}}


def dingtalk_sign(secret, timestamp_ms):
    """DingTalk's signature of a robot request (its "加签" security setting): HMAC-SHA256
    of "timestamp\\nsecret" keyed by the secret, base64, then URL-encoded."""
    from urllib.parse import quote_plus

    digest = hmac.new(secret.encode("utf-8"),
                      ("%d\n%s" % (timestamp_ms, secret)).encode("utf-8"),
                      hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode("ascii"))


def dingtalk_signed_url(url, secret, timestamp_ms):
    """The robot URL with &timestamp=..&sign=.. appended (DingTalk refuses a timestamp
    more than an hour from its clock, so each attempt signs anew)."""
    return "%s%stimestamp=%d&sign=%s" % (url, "&" if "?" in url else "?", timestamp_ms,
                                         dingtalk_sign(secret, timestamp_ms))


def email_bytes(message, recipients):
    """The message for `sendmail -t -i`: To and Subject headers (the subject encoded as
    RFC 2047 when it is not ASCII; the addresses are ASCII, command.py checks), a UTF-8
    text body (8bit)."""
    from email.charset import Charset
    from email.header import Header
    from email.mime.text import MIMEText

    charset = Charset("utf-8")
    charset.body_encoding = None  # 8bit: readable in --dry-run, and every MTA takes it

    lines = [message.text, ""]
    lines.extend("%-5s %s  %s" % (f.severity, f.id, _one_line(f.title)) for f in message.findings)
    lines.extend(["", "-- %s %s, report %s" % (message.tool.get("name", "gotriage"),
                                                message.tool.get("version", ""),
                                                message.generated or "")])
    mime = MIMEText("\n".join(lines) + "\n", "plain", charset)
    mime["To"] = ", ".join(recipients)
    mime["Subject"] = Header(message.title, "utf-8").encode() if not _ascii(message.title) \
        else message.title
    mime["X-Gotriage-Severity"] = message.severity
    return mime.as_bytes()


def _ascii(text):
    try:
        text.encode("ascii")
        return True
    except UnicodeEncodeError:
        return False
