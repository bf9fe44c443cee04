"""The targets and limits of `gotriage probe`, read from the command line: pure functions
that raise ValueError with the one-line message the user sees (command.py turns it into a
usage error, exit 2)."""

import collections

SCHEMES = {"http": 80, "https": 443, "tcp": None}
MAX_COUNT = 10000        # requests per target: the prober stays bounded whatever is asked
MAX_CONCURRENCY = 64     # threads
MAX_TARGETS = 16

Target = collections.namedtuple("Target", "url scheme host port path")
Target.__doc__ = """One target: `url` as given, `host` without brackets, `path` with its
query ("/" when none; "" for tcp://)."""

Limits = collections.namedtuple("Limits", "count concurrency timeout interval deadline")


def parse_target(text):
    """A Target from `http://HOST[:PORT][/PATH]`, `https://...` or `tcp://HOST:PORT`.

    >>> parse_target("http://127.0.0.1:8080/healthz?full=1")
    Target(url='http://127.0.0.1:8080/healthz?full=1', scheme='http', host='127.0.0.1', port=8080, path='/healthz?full=1')
    >>> parse_target("https://[::1]/").port
    443
    >>> parse_target("tcp://db.internal:5432").host
    'db.internal'
    >>> parse_target("tcp://db.internal")
    Traceback (most recent call last):
    ...
    ValueError: tcp://db.internal: a tcp:// target needs a port (tcp://HOST:PORT)
    """
    scheme, sep, rest = text.partition("://")
    if not sep:
        raise ValueError("%s: not a target: give http://HOST[:PORT]/PATH, https://... or "
                         "tcp://HOST:PORT" % text)
    scheme = scheme.lower()
    if scheme not in SCHEMES:
        raise ValueError("%s: unknown scheme %r: probe knows http, https and tcp" % (text, scheme))
    authority, slash, path = rest.partition("/")
    authority, _, query = authority.partition("?")
    path = slash + path
    if query:
        path = (path or "/") + "?" + query
    if "@" in authority:
        raise ValueError("%s: a user or password in the target is not supported" % text)
    if authority.startswith("["):
        host, bracket, port_text = authority[1:].partition("]")
        if not bracket or (port_text and not port_text.startswith(":")):
            raise ValueError("%s: an IPv6 address needs brackets around it alone, "
                             "like [::1]:8080" % text)
        port_text = port_text[1:] if port_text else None
    else:
        host, colon, port_text = authority.partition(":")
        if ":" in port_text:
            raise ValueError("%s: an IPv6 address needs brackets, like [::1]:8080" % text)
        port_text = port_text if colon else None
    if not host:
        raise ValueError("%s: no host in the target" % text)
    if any(c.isspace() or ord(c) < 33 or c in "%\\" for c in host):
        raise ValueError("%s: %r is not a host name or address" % (text, host))
    if port_text is None:
        port = SCHEMES[scheme]
        if port is None:
            raise ValueError("%s: a tcp:// target needs a port (tcp://HOST:PORT)" % text)
    else:
        port = parse_port(port_text, text)
    if scheme == "tcp":
        if path not in ("", "/"):
            raise ValueError("%s: a tcp:// target has no path" % text)
        path = ""
    elif not path:
        path = "/"
    if any(ord(c) < 33 or ord(c) == 127 for c in path):
        raise ValueError("%s: the path has a space or a control character: write it "
                         "percent-encoded" % text)
    return Target(text, scheme, host, port, path)


def parse_port(text, where):
    """A port from 1 to 65535.

    >>> parse_port("70000", "tcp://h:70000")
    Traceback (most recent call last):
    ...
    ValueError: tcp://h:70000: port 70000 is not from 1 to 65535
    """
    if not text.isdigit():
        raise ValueError("%s: port %r is not a number" % (where, text))
    port = int(text)
    if not 1 <= port <= 65535:
        raise ValueError("%s: port %s is not from 1 to 65535" % (where, text))
    return port


def go_address(target):
    """HOST:PORT as Go's net package writes it (`[::1]:8080` for IPv6).

    >>> go_address(parse_target("http://[::1]:8080/"))
    '[::1]:8080'
    """
    host = "[%s]" % target.host if ":" in target.host else target.host
    return "%s:%d" % (host, target.port)


def parse_limits(count, concurrency, timeout, interval, deadline):
    """Limits from the option values as typed (strings; deadline a number already).

    >>> parse_limits("100", "4", "2.5", "0", 60)
    Limits(count=100, concurrency=4, timeout=2.5, interval=0.0, deadline=60)
    >>> parse_limits("0", "4", "2", "0", 60)
    Traceback (most recent call last):
    ...
    ValueError: --count needs a whole number from 1 to 10000: not '0'
    """
    return Limits(
        _whole("--count", count, 1, MAX_COUNT),
        _whole("--concurrency", concurrency, 1, MAX_CONCURRENCY),
        _seconds("--timeout", timeout, minimum=0.001, maximum=3600),
        _seconds("--interval", interval, minimum=0, maximum=3600),
        deadline)


def _whole(option, text, low, high):
    text = str(text).strip()
    if not text.isdigit() or not low <= int(text) <= high:
        raise ValueError("%s needs a whole number from %d to %d: not %r" % (option, low, high, text))
    return int(text)


def _seconds(option, text, minimum, maximum):
    try:
        value = float(text)
    except (TypeError, ValueError):
        value = None
    if value is None or not minimum <= value <= maximum:
        raise ValueError("%s needs a number of seconds %s %g and at most %g: not %r" % (
            option, "above" if minimum else "from", 0 if minimum else minimum, maximum, text))
    return value


def parse_percent(option, text):
    """A percentage from 0 to 100 (a float): --max-error-rate, --max-error-increase."""
    try:
        value = float(text)
    except (TypeError, ValueError):
        value = None
    if value is None or not 0 <= value <= 100:
        raise ValueError("%s needs a percentage from 0 to 100: not %r" % (option, text))
    return value


def parse_positive(option, text, what):
    """A number above 0 (milliseconds for --max-p95, a ratio for --max-p95-ratio)."""
    try:
        value = float(text)
    except (TypeError, ValueError):
        value = None
    if value is None or not 0 < value < float("inf"):
        raise ValueError("%s needs %s above 0: not %r" % (option, what, text))
    return value
