"""The requests of `gotriage probe`: standard library sockets (and ssl), on threads.

Each attempt is bounded as a whole by --timeout, as Go's http.Client.Timeout bounds a
request: the name lookup and connect, the TLS handshake, sending the request, and reading
the response, each socket operation given the time that is left.  Latency is measured with
time.perf_counter() from the start of the connect (the name lookup included) to the end of
the response: for tcp:// the completed connect; for http(s):// the last byte of the body
(read up to MAX_BODY, then the connection is closed), as `http.Get` followed by reading
the body takes.  The request is `GET PATH HTTP/1.1` with `Connection: close`: one new
connection per attempt, so that every attempt measures what a new client sees.

The run is bounded by --count per target and by the run's deadline: no attempt starts
after it, one in flight gets at most the time left (an attempt the deadline cut short is
"not finished", not a timeout), and the workers are daemon threads that the run stops
waiting for a second after the deadline.  Only the targets given are contacted.
"""

import collections
import socket
import ssl
import threading
import time

from gotriage.probe import outcome
from gotriage.probe.targets import go_address

MAX_BODY = 1 << 20        # bytes of a response body read before the connection is closed
MAX_HEAD = 64 * 1024      # bytes of status line and headers before the response is refused
USER_AGENT = "gotriage-probe"
GRACE = 1.0               # seconds the run waits after the deadline for threads to end

Attempt = collections.namedtuple("Attempt", "target seq ok latency kind message status")
Attempt.__doc__ = """One request: `target` (index), `seq` (its number for that target, from
0), `ok`, `latency` (seconds; also for a failure, until it failed), `kind` and `message`
(outcome.py; None when ok), `status` (the HTTP status code, or None)."""

Run = collections.namedtuple("Run", "attempts unfinished elapsed cut")
Run.__doc__ = """What run_probes did: the finished `attempts`, `unfinished` (per target, the
attempts not started or cut short by the deadline), `elapsed` seconds, `cut` (True when
the deadline ended the run early)."""


class _Cut(Exception):
    """The run's deadline, not the attempt's timeout, ended this attempt."""


def ssl_context(cafile=None):
    """The client TLS context: the system's trust store (or `cafile`), host names checked,
    as Go's crypto/tls verifies by default."""
    context = ssl.create_default_context(cafile=cafile)
    context.check_hostname = True
    return context


def probe_once(target, index, seq, timeout, context, run_deadline=None, clock=time.perf_counter):
    """One request to `target`; an Attempt.  Raises _Cut when `run_deadline` (a clock
    value) came before `timeout` did."""
    start = clock()
    limit = start + timeout
    cut_by_run = run_deadline is not None and run_deadline < limit
    if cut_by_run:
        limit = run_deadline
    phase = outcome.DIAL
    sock = None
    try:
        sock = socket.create_connection((target.host, target.port), _left(limit, clock))
        if target.scheme == "tcp":
            return Attempt(index, seq, True, clock() - start, None, None, None)
        if target.scheme == "https":
            phase = outcome.HANDSHAKE
            sock.settimeout(_left(limit, clock))
            sock = context.wrap_socket(sock, server_hostname=target.host)
        phase = outcome.HEADERS
        sock.settimeout(_left(limit, clock))
        sock.sendall(request_bytes(target))
        code, reason, phase = _read_response(sock, limit, clock)
        ok, kind, message = outcome.status_outcome(code, reason)
        if not ok and target.scheme != "tcp" and kind == "protocol":
            message = outcome.go_get(target.url, message)
        return Attempt(index, seq, ok, clock() - start, kind, message, code)
    except _Timeout as exc:
        if cut_by_run:
            raise _Cut() from None
        kind, message = outcome.classify(socket.timeout("timed out"), target.scheme, target.url,
                                         go_address(target), target.host, exc.phase)
        return Attempt(index, seq, False, clock() - start, kind, message, None)
    except Exception as exc:  # every failure is an outcome, never a traceback
        if isinstance(exc, socket.timeout) and cut_by_run:
            raise _Cut() from None
        if getattr(exc, "reason", None) == "CERTIFICATE_VERIFY_FAILED" and \
                getattr(exc, "verify_code", None) is None:
            exc.peer_validity = _peer_validity(target, limit, clock)
        kind, message = outcome.classify(exc, target.scheme, target.url, go_address(target),
                                         target.host, phase)
        return Attempt(index, seq, False, clock() - start, kind, message, None)
    finally:
        if sock is not None:
            try:
                sock.close()
            except OSError:
                pass


class _Timeout(Exception):
    def __init__(self, phase):
        Exception.__init__(self, phase)
        self.phase = phase


def _peer_validity(target, limit, clock):
    """Python 3.6 does not say why a certificate failed verification: connect once more
    (to the same target, within the same attempt's time) without verifying, and read the
    certificate's dates (outcome.der_validity).  None when that fails too."""
    try:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT if hasattr(ssl, "PROTOCOL_TLS_CLIENT")
                                 else ssl.PROTOCOL_SSLv23)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        sock = socket.create_connection((target.host, target.port), _left(limit, clock))
        try:
            sock.settimeout(_left(limit, clock))
            with context.wrap_socket(sock, server_hostname=target.host) as tls:
                der = tls.getpeercert(binary_form=True)
        finally:
            sock.close()
        return outcome.der_validity(der) if der else None
    except (OSError, ValueError):
        return None


def _left(limit, clock):
    left = limit - clock()
    if left <= 0:
        raise socket.timeout("timed out")
    return left


def request_bytes(target):
    """The request sent to an http(s) target.

    >>> from gotriage.probe.targets import parse_target
    >>> request_bytes(parse_target("http://[::1]:8080/healthz"))
    b'GET /healthz HTTP/1.1\\r\\nHost: [::1]:8080\\r\\nUser-Agent: gotriage-probe\\r\\nAccept: */*\\r\\nConnection: close\\r\\n\\r\\n'
    """
    default = 443 if target.scheme == "https" else 80
    host = "[%s]" % target.host if ":" in target.host else target.host
    if target.port != default:
        host = "%s:%d" % (host, target.port)
    return ("GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\nAccept: */*\r\n"
            "Connection: close\r\n\r\n" % (target.path, host, USER_AGENT)).encode("ascii")


def _read_response(sock, limit, clock):
    """(status code, reason, phase reached) once the response is read: its head, then its
    body up to Content-Length, the end of a chunked body, MAX_BODY or the server's close."""
    phase = outcome.HEADERS
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = _recv(sock, limit, clock, phase)
        if not chunk:
            if not data:
                raise EOFError()
            raise outcome.ProtocolError("malformed HTTP response %s" % _quoted_line(data))
        data += chunk
        if len(data) > MAX_HEAD and b"\r\n\r\n" not in data:
            raise outcome.ProtocolError("server response headers exceeded %d bytes" % MAX_HEAD)
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    code, reason = outcome.parse_status_line(lines[0])
    length, chunked = body_framing(lines[1:])
    phase = outcome.BODY
    received = len(body)
    tail = body[-5:]
    while received < MAX_BODY:
        if length is not None and received >= length:
            break
        if chunked and tail.endswith(b"0\r\n\r\n"):
            break
        chunk = _recv(sock, limit, clock, phase)
        if not chunk:
            break
        received += len(chunk)
        tail = (tail + chunk)[-5:]
    return code, reason, phase


def body_framing(header_lines):
    """(Content-Length or None, chunked?) from the header lines (bytes).

    >>> body_framing([b"Content-Type: text/plain", b"content-length: 12"])
    (12, False)
    >>> body_framing([b"Transfer-Encoding: chunked"])
    (None, True)
    """
    length, chunked = None, False
    for line in header_lines:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        value = value.strip()
        if name == b"content-length" and value.isdigit():
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    return (None if chunked else length), chunked


def _recv(sock, limit, clock, phase):
    try:
        sock.settimeout(_left(limit, clock))
        return sock.recv(65536)
    except socket.timeout:
        raise _Timeout(phase) from None


def _quoted_line(data):
    return '"%s"' % data.split(b"\r\n", 1)[0][:60].decode("latin-1").replace('"', '\\"')


def run_probes(targets, limits, context, clock=time.perf_counter, sleep=time.sleep):
    """Probe every target `limits.count` times, `limits.concurrency` at once, the targets
    interleaved (attempt 0 of each, then 1 of each...) so that a canary and its baseline
    see the same moments; a Run."""
    start = clock()
    deadline = start + limits.deadline if limits.deadline else None
    jobs = [(i, seq) for seq in range(limits.count) for i in range(len(targets))]
    lock = threading.Lock()
    state = {"next": 0, "cut": False}
    attempts = []

    def worker():
        while True:
            with lock:
                if state["cut"] or state["next"] >= len(jobs):
                    return
                index, seq = jobs[state["next"]]
                state["next"] += 1
            if deadline is not None and clock() >= deadline:
                with lock:
                    state["cut"] = True
                return
            try:
                attempt = probe_once(targets[index], index, seq, limits.timeout, context,
                                     deadline, clock)
            except _Cut:
                with lock:
                    state["cut"] = True
                return
            with lock:
                attempts.append(attempt)
            with lock:
                more = state["next"] < len(jobs)
            if limits.interval and more:
                pause = limits.interval
                if deadline is not None:
                    pause = min(pause, max(0.0, deadline - clock()))
                sleep(pause)

    threads = [threading.Thread(target=worker, name="probe-%d" % n, daemon=True)
               for n in range(min(limits.concurrency, len(jobs)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(None if deadline is None else max(0.0, deadline + GRACE - clock()))
    with lock:
        finished = sorted(attempts, key=lambda a: (a.target, a.seq))
        done = collections.Counter(a.target for a in finished)
        unfinished = [limits.count - done[i] for i in range(len(targets))]
        cut = state["cut"] or any(unfinished)
    return Run(finished, unfinished, clock() - start, cut)
