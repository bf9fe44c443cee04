"""One bounded HTTP GET for the --network opt-in (LiveHost.http_get): the checksum
database's route, as go finds it (GOPROXY/sumdb/NAME/supported, then NAME/latest).

Standard library only (http.client, ssl with the system's CA bundle), at most a few
redirects, the body cut at 1 KB, the whole of it (redirects included) bounded by the
timeout.  The
result is a CommandResult of the pseudo-command ["http-get", url] so that a snapshot
records and replays it: stdout "STATUS REASON\\n" and the body's start, or stderr in go's
words where it can ("lookup HOST: ...", "connect: connection refused", "i/o timeout").
"""

import time

from gotriage.host.base import CommandResult, http_get_argv

MAX_BODY = 1024
MAX_REDIRECTS = 3


class _Failure(Exception):
    def __init__(self, text, error=None):
        Exception.__init__(self, text)
        self.error = error


def _split(url):
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _Failure("unsupported URL: %s" % url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return parts.scheme, parts.hostname, port, path


def _connection(url, proxy, timeout):
    import http.client
    import ssl

    scheme, host, port, path = _split(url)
    context = ssl.create_default_context() if scheme == "https" else None
    if proxy:
        pscheme, phost, pport, _ = _split(proxy)
        if scheme == "https":
            conn = http.client.HTTPSConnection(phost, pport, timeout=timeout, context=context)
            conn.set_tunnel(host, port)
        else:
            conn = http.client.HTTPConnection(phost, pport, timeout=timeout)
            path = url  # an HTTP proxy takes the absolute URL
    elif scheme == "https":
        conn = http.client.HTTPSConnection(host, port, timeout=timeout, context=context)
    else:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
    return conn, host, port, path


def _get(url, proxy, timeout):
    """(status, reason, body) of a GET, following a few redirects."""
    import socket
    import ssl

    deadline = time.monotonic() + timeout  # for the whole GET, redirects included
    for _ in range(MAX_REDIRECTS + 1):
        left = deadline - time.monotonic()
        if left <= 0:
            raise _Failure("no answer in %g s" % timeout, "timeout")
        conn, host, port, path = _connection(url, proxy, left)
        try:
            conn.request("GET", path, headers={"User-Agent": "gotriage (--network)"})
            response = conn.getresponse()
            body = response.read(MAX_BODY)
            location = response.getheader("Location")
            status, reason = response.status, response.reason
        except socket.gaierror as exc:
            raise _Failure("lookup %s: %s" % (host, exc.strerror or exc)) from None
        except socket.timeout:
            raise _Failure("dial tcp %s:%d: i/o timeout" % (host, port), "timeout") from None
        except ConnectionRefusedError:
            raise _Failure("dial tcp %s:%d: connect: connection refused" % (host, port)) from None
        except ssl.SSLError as exc:
            raise _Failure("tls: %s" % (exc.reason or exc)) from None
        except OSError as exc:
            raise _Failure("dial tcp %s:%d: %s" % (host, port, exc.strerror or exc)) from None
        except Exception as exc:  # http.client's protocol errors
            raise _Failure("%s: %s" % (type(exc).__name__, exc)) from None
        finally:
            conn.close()
        if status in (301, 302, 303, 307, 308) and location:
            from urllib.parse import urljoin

            url = urljoin(url, location)
            continue
        return status, reason, body
    raise _Failure("stopped after %d redirects" % MAX_REDIRECTS)


def http_get(url, proxy=None, timeout=5.0):
    argv = http_get_argv(url, proxy)
    started = time.monotonic()
    try:
        status, reason, body = _get(url, proxy, timeout)
        out, err, code, error = ("%d %s\n" % (status, reason)).encode() + body, b"", 0, None
    except _Failure as exc:
        out, err, code, error = b"", (str(exc) + "\n").encode(), (
            None if exc.error else 1), exc.error
    duration = round(time.monotonic() - started, 4)
    return CommandResult(argv, None, "/", code, out, err, duration, error)
