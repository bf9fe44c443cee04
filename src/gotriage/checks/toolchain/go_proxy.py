"""GO-PROXY: the module proxy settings (GOPROXY, GOSUMDB, HTTP(S)_PROXY, .netrc)
can work; with --network, the proxy answers."""

import re

from gotriage.checks import check
from gotriage.checks.toolchain._common import LAYER, _f, _working_probes, china_proxy_actions
from gotriage.findings import Action, Evidence
from gotriage.i18n import _
from gotriage.knowledge.china_network import is_official_proxy
from gotriage.knowledge.go import REFERENCES

_PROXY_URL = re.compile(r"^(?:(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://)?(?:[^@/\s]+@)?"
                        r"(?:\[[0-9A-Fa-f:.]+\]|[^\s/:@\[\]]+)(?::\d{1,5})?/?$")


def _http_proxy_problem(value):
    """What go prints through an HTTP(S)_PROXY it cannot parse, else None.  Go (net/http's
    ProxyFromEnvironment) re-parses a failing value as http://VALUE, so the host it dials
    is the scheme's name: 'proxyconnect tcp: dial tcp: lookup http ...' (seen with 1.27)."""
    if not value or _PROXY_URL.match(value):
        return None
    scheme = value.split("://", 1)[0] if "://" in value else None
    if scheme:
        return "proxyconnect tcp: dial tcp: lookup %s" % scheme
    return "proxyconnect tcp: dial tcp: lookup"


def _proxy_problem(proxy, entries):
    """(entry, what go prints, fix) for a GOPROXY that cannot work, else None.  Go reads
    an entry without a scheme as https://ENTRY; the messages are go1.27's."""
    if proxy.strip() == "" and proxy != "":
        return (proxy, "GOPROXY list is not the empty string, but contains no entries",
                _("unset GOPROXY or set it to https://proxy.golang.org,direct"))
    for entry in entries:
        if entry in ("direct", "off"):
            continue
        scheme, sep, rest = entry.partition("://")
        if not sep:
            if "//" in entry or entry.startswith(("http:", "https:", "file:")):
                return (entry, 'Get "https://%s/' % entry.replace("//", "/"),
                        _("a scheme is missing its colon or slashes: write https://HOST"))
            continue
        if scheme not in ("https", "http", "file"):
            return (entry, "invalid proxy URL scheme (must be https, http, file): %s" % entry,
                    _("use an https:// (or http://, file://) URL"))
        if scheme == "file" and not rest.startswith("/"):
            return (entry, "invalid file:// proxy URL with non-path elements: %s" % entry,
                    _("a file proxy is file:///ABSOLUTE/PATH (three slashes)"))
        if scheme != "file" and not rest.split("/")[0]:
            return (entry, "http: no Host in request URL", _("write the proxy's host name"))
    return None


@check("GO-PROXY", LAYER, "module proxy settings can work", findings={
    "GO-PROXY-INVALID": (
        "A GOPROXY entry go cannot use: a scheme other than https/http/file, a file:// URL "
        "that is not a path, no host, only spaces.",
        "`go env GOPROXY`",
        "write the entry as https://HOST[/PATH] or file:///PATH."),
    "GO-PROXY-OFF": (
        "GOPROXY=off: no module is ever downloaded (fine on purpose on an air-gapped host with "
        "vendor/ or a filled module cache).",
        "`go env GOPROXY`",
        "nothing, if intended."),
    "GO-PROXY-CREDENTIALS": (
        "A proxy URL in the environment carries a password or token, readable by every "
        "process of the user.",
        "the variable, with the secret redacted",
        "move the credentials to ~/.netrc (mode 0600)."),
    "GO-PROXY-SUMDB-OFF": (
        "GOSUMDB=off: downloads are not checked against the checksum database.",
        "`go env GOSUMDB`",
        "GOPRIVATE/GONOSUMDB for private modules only."),
    "GO-PROXY-HTTP-PROXY-INVALID": (
        "HTTP_PROXY or HTTPS_PROXY cannot be parsed as a proxy URL.",
        "the variable",
        "write it as http://HOST:PORT."),
    "GO-PROXY-NETRC-READABLE": (
        "The .netrc that go reads for proxy and private-module credentials can be read by "
        "other users (group or world permission bits).",
        "the file, its mode and owner, and the machines it has entries for (never the passwords)",
        "`chmod 600` the file."),
    "GO-PROXY-UNREACHABLE": (
        "With --network only: the GOPROXY host (or the HTTP(S)_PROXY in front of it) does not "
        "accept a TCP connection.",
        "the connection attempt and its error",
        "a reachable proxy, or GOPROXY=off with vendor/; for proxy.golang.org, from mainland "
        "China, https://goproxy.cn or https://mirrors.aliyun.com/goproxy/ as alternatives."),
})
def proxies(facts):
    """GOPROXY, GOSUMDB, GOPRIVATE, GOFLAGS and HTTP(S)_PROXY in each context; with
    --network only, a bounded TCP probe of the proxy."""
    results = []
    for ctx, probe in _working_probes(facts):
        proxy = probe.get("GOPROXY")
        entries = [e.strip() for e in re.split(r"[,|]", proxy) if e.strip()]
        count = len(results)
        problem = _proxy_problem(proxy, entries)
        if problem:
            entry, message, fix = problem
            results.append(_f(
                "GO-PROXY-INVALID", ctx.severity("error"),
                _("GOPROXY entry %(entry)r cannot work") % {"entry": entry}, ctx,
                subject=proxy,
                evidence=[Evidence.command(probe.result, "GOPROXY=%s" % proxy)],
                why=_("go tries the GOPROXY entries in order; this one fails every module "
                      "download (the error appears only when something must be downloaded)."),
                predicted_error=message, fix=[Action.note(fix)],
                references=[REFERENCES["goproxy"]]))
        elif entries[:1] == ["off"]:
            results.append(_f(
                "GO-PROXY-OFF", "info", _("GOPROXY=off: modules are never downloaded"),
                ctx, subject="proxy-off",
                evidence=[Evidence.command(probe.result, "GOPROXY=%s" % proxy)],
                why=_("Builds work only from vendor/ or the module cache."),
                predicted_error="module lookup disabled by GOPROXY=off"))
        for name in ("GOPROXY", "HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy",
                     "GOFLAGS"):
            value = ctx.env.get(name) if name != "GOPROXY" else proxy
            if value and re.search(r"://[^/@\s]+@", value):
                results.append(_f(
                    "GO-PROXY-CREDENTIALS", "warn",
                    _("%(name)s carries credentials") % {"name": name}, ctx,
                    subject="%s:%s" % (name, value),
                    evidence=[Evidence.fact("%s=%s" % (name, re.sub(r"://[^/@\s]+@", "://<redacted>@", value)))],
                    why=_("Every process of the user can read them (/proc/PID/environ); go "
                          "reads credentials from ~/.netrc (mode 0600) or GOAUTH instead."),
                    fix=[Action.note(_("move the credentials to ~/.netrc (chmod 600) and drop "
                                       "them from %(name)s") % {"name": name})]))
            bad_proxy = _http_proxy_problem(value) if name.lower().endswith("_proxy") else None
            if bad_proxy:
                results.append(_f(
                    "GO-PROXY-HTTP-PROXY-INVALID", ctx.severity("error"),
                    _("%(name)s=%(value)s is not a valid proxy URL") % {
                        "name": name, "value": value}, ctx,
                    subject="%s:%s" % (name, value),
                    evidence=[Evidence.env(name, value, ctx.label)],
                    why=_("Go cannot parse it, retries it as http://VALUE, and ends up dialling "
                          "a host named after the scheme: every download fails."),
                    predicted_error=bad_proxy,
                    fix=[Action.note(_("write it as http://HOST:PORT (numeric port, no "
                                       "spaces)"))]))
        netrc = facts.netrc(ctx)
        if netrc is not None and netrc[1].perms & 0o077:
            path, st, machines = netrc
            results.append(_f(
                "GO-PROXY-NETRC-READABLE", "warn",
                _("%(path)s is readable by other users (mode %(mode)04o)") % {
                    "path": path, "mode": st.perms}, ctx, subject=path,
                evidence=[Evidence.fact(_("%(path)s: mode %(mode)04o, owner uid %(uid)d; entries for: "
                                        "%(machines)s") % {
                    "path": path, "mode": st.perms, "uid": st.uid,
                    "machines": ", ".join(machines) or _("(none)")})],
                why=_("It holds the passwords or tokens go sends to proxies and private module "
                      "hosts."),
                fix=[Action.command(["chmod", "600", path])]))
        sumdb = probe.get("GOSUMDB")
        if sumdb == "off":
            results.append(_f(
                "GO-PROXY-SUMDB-OFF", "info", _("GOSUMDB=off: module downloads are not "
                                                "checked against the checksum database"), ctx,
                evidence=[Evidence.command(probe.result, "GOSUMDB=off")],
                why=_("Fine for a private proxy that you trust; otherwise prefer "
                      "GONOSUMDB/GOPRIVATE for private modules only."),
                fix=[Action.note(_("set GOPRIVATE=your.private.domain instead of "
                                   "GOSUMDB=off"))]))
        if facts.network and entries and entries[0].startswith(("http://", "https://")):
            reach = facts.proxy_reachable(ctx, entries[0])
            if reach is not None and not reach.ok:
                results.append(_f(
                    "GO-PROXY-UNREACHABLE", ctx.severity("error"),
                    _("GOPROXY %(proxy)s does not answer from this host") % {
                        "proxy": entries[0]}, ctx,
                    subject=entries[0], evidence=[Evidence.command(reach)],
                    why=_("Module and toolchain downloads go through it."),
                    predicted_error="dial tcp: i/o timeout / connection refused",
                    fix=[Action.note(_("use a reachable proxy, or GOPROXY=off with a vendor/ "
                                       "tree"))] +
                    # proxy.golang.org is what mainland China cannot reach: its proxies as
                    # alternatives (a proxy the user chose is not second-guessed, and
                    # through a failing HTTPS_PROXY another GOPROXY would fail the same way)
                    (china_proxy_actions(ctx) if is_official_proxy(entries[0]) and not (
                        ctx.env.get("HTTPS_PROXY") or ctx.env.get("https_proxy")) else [])))
        if len(results) == count:
            results.append(_f("GO-PROXY", "ok", "GOPROXY=%s GOSUMDB=%s" % (
                proxy or _("(unset)"), sumdb or _("(unset)")), ctx))

    return results
