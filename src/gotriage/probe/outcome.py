"""What went wrong with one request, worded as a Go client prints it, so that `probe` and
`explain` (knowledge/signatures/network.py) name a failure the same way: pure functions
from an exception (or a status line) and where the request was to a (kind, message).

Kinds: refused, timeout, unreachable, dns, tls, reset, eof, protocol, http-4xx, http-5xx,
other.  The message of an http(s) request is Go's `*url.Error`: `Get "URL": ` before the
cause, as `http.Get` returns it (once the headers came, the error of reading the body,
which Go does not wrap); a tcp:// target's is the net.Dialer's alone.  The local
address Go puts in a read error (`read tcp 127.0.0.1:54321->...`) is left out, so that one
kind of failure is one line however many connections had it.
"""

import errno as errno_names
import socket
import ssl
import time

from gotriage.knowledge.firewall import GO_TIMEOUT, go_dial_error

KIND_TITLES = {
    "refused": "connection refused", "timeout": "timeout", "unreachable": "unreachable",
    "dns": "name not resolved", "tls": "TLS error", "reset": "connection reset",
    "eof": "EOF", "protocol": "malformed response", "http-4xx": "HTTP 4xx",
    "http-5xx": "HTTP 5xx", "other": "other error",
}

# Phases of an http(s) request, for the wording of a timeout (net/http's Client.Timeout
# messages: client.go, "Client.Timeout exceeded while awaiting headers" and, once the
# headers came, "Client.Timeout or context cancellation while reading body").
DIAL, HANDSHAKE, HEADERS, BODY = "dial", "handshake", "headers", "body"

_ERRNO_NAMES = {errno_names.ECONNREFUSED: "ECONNREFUSED", errno_names.EHOSTUNREACH: "EHOSTUNREACH",
                errno_names.ENETUNREACH: "ENETUNREACH", errno_names.EACCES: "EACCES"}
_ERRNO_KIND = {"ECONNREFUSED": "refused", "EHOSTUNREACH": "unreachable",
               "ENETUNREACH": "unreachable", "EACCES": "unreachable"}

# OpenSSL's verify codes (x509_vfy.h) as crypto/x509's errors word them.
_X509 = {
    18: "x509: certificate signed by unknown authority",   # depth zero self-signed
    19: "x509: certificate signed by unknown authority",   # self-signed in chain
    20: "x509: certificate signed by unknown authority",   # unable to get local issuer
    21: "x509: certificate signed by unknown authority",   # unable to verify leaf signature
    9: "x509: certificate has expired or is not yet valid",
    10: "x509: certificate has expired or is not yet valid",
}


def go_get(url, cause):
    """`Get "URL": cause`, as http.Get's *url.Error prints.

    >>> go_get("http://127.0.0.1:8080/", "EOF")
    'Get "http://127.0.0.1:8080/": EOF'
    """
    return 'Get "%s": %s' % (url, cause)


def classify(exc, scheme, url, address, host, phase):
    """(kind, message) for an exception raised while probing `url` (address: Go's
    HOST:PORT; host: the name asked; phase: how far the request got).

    >>> classify(ConnectionRefusedError(111, "Connection refused"), "tcp", "tcp://127.0.0.1:9",
    ...          "127.0.0.1:9", "127.0.0.1", DIAL)
    ('refused', 'dial tcp 127.0.0.1:9: connect: connection refused')
    >>> classify(socket.timeout("timed out"), "http", "http://10.0.0.5/", "10.0.0.5:80",
    ...          "10.0.0.5", HEADERS)[1]
    'Get "http://10.0.0.5/": context deadline exceeded (Client.Timeout exceeded while awaiting headers)'
    """
    kind, cause = _cause(exc, scheme, address, host, phase)
    if scheme == "tcp" or phase == BODY:
        # reading the body, Go's error is resp.Body.Read's, not http.Get's *url.Error
        return kind, cause
    return kind, go_get(url, cause)


def _cause(exc, scheme, address, host, phase):
    if isinstance(exc, socket.timeout):
        if scheme == "tcp":
            return "timeout", GO_TIMEOUT % address
        if phase == BODY:
            return "timeout", "context deadline exceeded (Client.Timeout or context cancellation " \
                              "while reading body)"
        return "timeout", "context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
    if isinstance(exc, socket.gaierror):
        # Go: `dial tcp: lookup nosuch.example on 10.0.0.1:53: no such host` (the resolver's
        # address is Go's own; gotriage asks the C library, so it names none)
        why = "no such host" if exc.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", -5)) \
            else "server misbehaving"
        return "dns", "dial tcp: lookup %s: %s" % (host, why)
    if isinstance(exc, ssl.CertificateError) or \
            getattr(exc, "reason", None) == "CERTIFICATE_VERIFY_FAILED":
        # 3.7+: SSLCertVerificationError (verify_code); 3.6: SSLError with the reason only
        return "tls", "tls: failed to verify certificate: " + _x509_text(exc, host)
    if isinstance(exc, ssl.SSLEOFError):
        return "eof", "EOF"
    if isinstance(exc, ssl.SSLError):
        reason = str(getattr(exc, "reason", None) or exc)
        words = reason.lower().replace("_", " ")
        if "alert" in words:
            return "tls", "remote error: tls: %s" % words.replace("tlsv1 alert ", "").replace(
                "sslv3 alert ", "")
        return "tls", "tls: %s" % words
    if isinstance(exc, ConnectionResetError) or getattr(exc, "errno", None) == errno_names.ECONNRESET:
        if phase in (DIAL, HANDSHAKE) and scheme != "https":
            return "reset", "dial tcp %s: connect: connection reset by peer" % address
        return "reset", "read tcp ->%s: read: connection reset by peer" % address
    if isinstance(exc, EOFError):
        return "eof", "EOF"
    if isinstance(exc, ProtocolError):
        return "protocol", "net/http: HTTP/1.x transport connection broken: %s" % exc
    name = _ERRNO_NAMES.get(getattr(exc, "errno", None))
    if name is not None and phase == DIAL:
        return _ERRNO_KIND[name], go_dial_error("tcp", address.rsplit(":", 1)[0].strip("[]"),
                                                address.rsplit(":", 1)[1], name,
                                                "ipv6" if address.startswith("[") else "ipv4")
    if isinstance(exc, OSError) and exc.strerror:
        verb = "dial tcp %s: connect" % address if phase == DIAL else "read tcp ->%s: read" % address
        return "other", "%s: %s" % (verb, exc.strerror.lower())
    return "other", str(exc) or type(exc).__name__


def _x509_text(exc, host):
    if getattr(exc, "peer_validity", None) is not None:
        # Python 3.6 says only "certificate verify failed": prober.py read the certificate
        # again without verifying it, and its dates tell an expired one from the rest
        not_before, not_after, _ = exc.peer_validity
        now = time.time()
        return _X509[10] if not not_before <= now <= not_after else _X509[18]
    code = getattr(exc, "verify_code", None)
    if code in _X509:
        return _X509[code]
    message = getattr(exc, "verify_message", None) or str(exc)
    lower = message.lower()
    if code == 62 or "match" in lower:
        return "x509: certificate is not valid for %s" % host
    if "self signed" in lower or "self-signed" in lower or "local issuer" in lower:
        return _X509[18]
    if "expired" in lower or "not yet valid" in lower:
        return _X509[10]
    if "CERTIFICATE_VERIFY_FAILED" in message:
        return "x509: certificate verify failed"  # 3.6, and the certificate not re-read
    return "x509: %s" % message


class ProtocolError(Exception):
    """A response that is not HTTP/1.x (its first line quoted, as net/http quotes it)."""


def status_outcome(code, reason):
    """(ok, kind, message) for an HTTP status: 2xx and 3xx answer (redirects are not
    followed), 4xx and 5xx fail, with Go's resp.Status as the message.

    >>> status_outcome(503, "Service Unavailable")
    (False, 'http-5xx', '503 Service Unavailable')
    >>> status_outcome(204, "No Content")
    (True, None, None)
    """
    if 200 <= code < 400:
        return True, None, None
    kind = "http-5xx" if code >= 500 else "http-4xx" if code >= 400 else "protocol"
    return False, kind, ("%d %s" % (code, reason)).strip()


def parse_status_line(line):
    """(code, reason) from an HTTP/1.x status line (bytes, without CRLF).

    >>> parse_status_line(b"HTTP/1.1 503 Service Unavailable")
    (503, 'Service Unavailable')
    >>> parse_status_line(b"SSH-2.0-OpenSSH_8.0")
    Traceback (most recent call last):
    ...
    gotriage.probe.outcome.ProtocolError: malformed HTTP response "SSH-2.0-OpenSSH_8.0"
    """
    text = line.decode("latin-1")
    parts = text.split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit() \
            or len(parts[1]) != 3:
        raise ProtocolError("malformed HTTP response %s" % _go_quote(text[:60]))
    return int(parts[1]), parts[2] if len(parts) > 2 else ""


def _go_quote(text):
    return '"%s"' % text.replace("\\", "\\\\").replace('"', '\\"')


def der_validity(der):
    """(notBefore, notAfter as epoch seconds, self-signed?) of an X.509 certificate in DER
    (issuer and subject compared as encoded); None when it cannot be read.

    >>> der_validity(b"not a certificate") is None
    True
    """
    try:
        cert, _ = _der_item(der, 0, 0x30)
        tbs, _ = _der_item(der, cert[0], 0x30)
        i = tbs[0]
        if der[i] == 0xA0:          # [0] version
            i = _der_item(der, i)[1]
        i = _der_item(der, i, 0x02)[1]  # serialNumber
        i = _der_item(der, i, 0x30)[1]  # signature algorithm
        issuer, i = _der_item(der, i, 0x30)
        validity, i = _der_item(der, i, 0x30)
        subject, _ = _der_item(der, i, 0x30)
        before, j = _der_item(der, validity[0])
        after, _ = _der_item(der, j)
        return (_der_time(der[before[0]:before[1]]), _der_time(der[after[0]:after[1]]),
                der[issuer[0]:issuer[1]] == der[subject[0]:subject[1]])
    except (IndexError, ValueError):
        return None


def _der_item(der, i, tag=None):
    """((content start, content end), next index) of the DER item at i."""
    if tag is not None and der[i] != tag:
        raise ValueError("tag %x, not %x" % (der[i], tag))
    length = der[i + 1]
    start = i + 2
    if length & 0x80:
        count = length & 0x7F
        length = int.from_bytes(der[start:start + count], "big")
        start += count
    if start + length > len(der):
        raise ValueError("truncated")
    return (start, start + length), start + length


def _der_time(raw):
    import calendar

    text = raw.decode("ascii").rstrip("Z")
    if len(text) == 12:   # UTCTime, YYMMDDHHMMSS
        year = int(text[:2])
        text = ("20" if year < 50 else "19") + text
    return calendar.timegm(time.strptime(text[:14], "%Y%m%d%H%M%S"))
