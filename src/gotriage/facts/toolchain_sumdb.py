"""The checksum database as go reaches it (--network only), read through the toolchain
layer's declared input `sumdb` (an HTTP GET: host/httpget.py live, replayed from a
snapshot).

As cmd/go/internal/modfetch/sumdb.go does: GOSUMDB names the database (sum.golang.org,
a full "name+hash+key", "off") and may give its URL; otherwise each GOPROXY entry in
turn is asked for PROXY/sumdb/NAME/supported: 200 means the proxy serves the database
(go then never dials it directly), 404 or 410 (or any failure after a `|`) means the
next entry, any other answer means the database is unavailable; `direct`, `off` or the
end of the list mean https://NAME itself.  The route found is then asked for NAME/latest
(the signed tree head: harmless, names no module; lookups would tell the database which
private modules exist, so gotriage never makes one).
"""

import ipaddress
import re

# GOSUMDB=sum.golang.google.cn is an alias that go rewrites (sumdb.go)
_ALIASES = {"sum.golang.google.cn": "sum.golang.org https://sum.golang.google.cn"}


def proxy_entries(goproxy):
    """[(entry, falls back on any error)] of GOPROXY, with https:// added where go adds it."""
    out = []
    for match in re.finditer(r"([^,|]+)([,|]?)", goproxy or ""):
        entry = match.group(1).strip()
        if not entry:
            continue
        if entry not in ("direct", "off") and "://" not in entry:
            entry = "https://" + entry
        out.append((entry, match.group(2) == "|"))
    return out


def _host(url):
    rest = url.split("://", 1)[-1].split("/", 1)[0].rsplit("@", 1)[-1]
    if rest.startswith("["):
        return rest[1:].split("]", 1)[0]
    return rest.rsplit(":", 1)[0] if rest.count(":") == 1 else rest


def proxy_for(env, url):
    """The HTTP proxy go uses for `url` in an environment (net/http's ProxyFromEnvironment:
    HTTPS_PROXY or HTTP_PROXY by scheme, NO_PROXY, never for localhost or a loopback
    address), or None."""
    https = url.startswith("https://")
    names = ("HTTPS_PROXY", "https_proxy") if https else ("HTTP_PROXY", "http_proxy")
    proxy = next((env[n] for n in names if env.get(n)), None)
    if not proxy:
        return None
    host = _host(url).lower()
    try:
        if host == "localhost" or ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:
        pass
    for entry in re.split(r"[,\s]+", env.get("NO_PROXY") or env.get("no_proxy") or ""):
        entry = entry.strip().lower()
        if not entry:
            continue
        if entry == "*":
            return None
        entry = _host("x://" + entry) if ":" in entry and not entry.startswith("[") else entry
        if "/" in entry:
            try:
                if ipaddress.ip_address(host) in ipaddress.ip_network(entry, strict=False):
                    return None
            except ValueError:
                pass
            continue
        bare = entry.lstrip("*").lstrip(".")
        if host == bare or host.endswith("." + bare):
            return None
    return proxy if "://" in proxy else "http://" + proxy


def status_of(result):
    """The HTTP status of an http-get result, or None when no answer came."""
    if result is None or not result.ok:
        return None
    first = result.text.split("\n", 1)[0].split()
    return int(first[0]) if first and first[0].isdigit() else None


class Step(object):
    __slots__ = ("url", "result", "meaning")

    def __init__(self, url, result, meaning):
        self.url, self.result, self.meaning = url, result, meaning


class SumdbRoute(object):
    """How go reaches the checksum database in one environment."""

    def __init__(self, gosumdb):
        self.gosumdb = gosumdb
        self.name = None
        self.base = None  # the URL go reads NAME/lookup/... from
        self.how = None  # "through PROXY", "direct", "GOSUMDB's URL"
        self.steps = []
        self.failed = None  # the Step that failed, when go cannot reach the database
        self.invalid = None  # a GOSUMDB go rejects
        self.unknown = None  # a request a snapshot holds no answer for

    @property
    def ok(self):
        return self.failed is None and self.invalid is None and self.base is not None

    def _unrecorded(self, url, result):
        if result is not None and result.error == "not-recorded":
            self.unknown = url
            return True
        return False


def sumdb_name(gosumdb):
    """(database name, explicit URL or None, error or None) of a GOSUMDB value."""
    value = _ALIASES.get(gosumdb, gosumdb)
    fields = value.split()
    if not fields:
        return None, None, "missing GOSUMDB"
    if len(fields) > 2:
        return None, None, "invalid GOSUMDB: too many fields"
    return fields[0].split("+", 1)[0], (fields[1] if len(fields) == 2 else None), None


def probe_route(get, env, goproxy, gosumdb):
    """The route to the database, asked with get(url, proxy) -> CommandResult."""
    route = SumdbRoute(gosumdb)
    route.name, explicit, route.invalid = sumdb_name(gosumdb)
    if route.invalid:
        return route
    if explicit:
        route.base, route.how = explicit.rstrip("/"), "the URL in GOSUMDB"
    else:
        for entry, fallback in proxy_entries(goproxy):
            if entry in ("direct", "off"):
                break
            if entry.startswith("file://"):
                continue  # a directory: no /sumdb/ in it is go's "not found"
            url = "%s/sumdb/%s/supported" % (entry.rstrip("/"), route.name)
            result = get(url, proxy_for(env, url))
            if route._unrecorded(url, result):
                return route
            status = status_of(result)
            if status == 200:
                route.steps.append(Step(url, result, "the proxy serves the database"))
                route.base = "%s/sumdb/%s" % (entry.rstrip("/"), route.name)
                route.how = "through %s" % entry
                break
            if status in (404, 410) or fallback:
                route.steps.append(Step(url, result, "not served here: go asks the next entry"))
                continue
            route.steps.append(Step(url, result, "go takes this as 'database unavailable'"))
            route.failed = route.steps[-1]
            return route
        if route.base is None:
            route.base, route.how = "https://" + route.name, "direct"
    url = route.base + "/latest"
    result = get(url, proxy_for(env, url))
    if route._unrecorded(url, result):
        return route
    ok = status_of(result) == 200
    route.steps.append(Step(url, result, "the database answers" if ok else
                            "the database does not answer"))
    if not ok:
        route.failed = route.steps[-1]
    return route
