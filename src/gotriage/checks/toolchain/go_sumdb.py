"""GO-SUMDB: the checksum database can verify what go downloads: no private module left to
it (a GONOSUMDB/GOPRIVATE gap), and with --network, its route answers (an air-gapped
host reaches no sum.golang.org)."""

import posixpath
import re

from gotriage.checks import check
from gotriage.checks.toolchain._common import (
    LAYER,
    _f,
    _working_probes,
    china_proxy_actions,
    china_sumdb_action,
)
from gotriage.facts.toolchain_sumdb import proxy_entries
from gotriage.findings import Action, Evidence
from gotriage.i18n import _, ngettext
from gotriage.knowledge.china_network import (
    CHINA_GOSUMDB,
    OFFICIAL_SUMDB,
    is_official_proxy,
    names_china_proxy,
)
from gotriage.parsers.gosum import escape_path, match_prefix_patterns

REFERENCE = "https://go.dev/ref/mod#checksum-database"
PRIVATE_REFERENCE = "https://go.dev/ref/mod#private-modules"
# names no public DNS resolves (RFC 6761, 6762, 8375; ICANN's .internal) and the ones
# companies use inside: a module there is private, whatever else says so
_PRIVATE_SUFFIXES = (".local", ".localdomain", ".internal", ".intranet", ".corp", ".lan",
                     ".home.arpa", ".private", ".test", ".invalid")
_CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org")


@check("GO-SUMDB", LAYER, "the checksum database can verify what go downloads", findings={
    "GO-SUMDB-PRIVATE": (
        "go.mod requires a module that looks private (its host is in ~/.netrc, GONOPROXY "
        "names it, or its name is not public DNS) and is not yet in go.sum, while GONOSUMDB "
        "(GOPRIVATE) does not cover it: go asks the checksum database about it, which "
        "cannot know it (`verifying module: ...: 410 Gone`).",
        "the go.mod line, go env GONOSUMDB/GOPRIVATE/GONOPROXY, why the module looks private",
        "`go env -w GONOSUMDB=PATTERN` (the proxy serves it) or `go env -w GOPRIVATE=PATTERN` "
        "(fetched directly)."),
    "GO-SUMDB-MISMATCH": (
        "The module cache holds a required module whose hash is not the one go.sum "
        "recorded: every build stops with `verifying MOD@VER: checksum mismatch ... SECURITY "
        "ERROR This download does NOT match an earlier download recorded in go.sum` (a "
        "re-tagged version, or a copy from another proxy).",
        "the go.sum line and the cache's VERSION.ziphash",
        "find out which one the module's author published before changing anything; a "
        "stale cache goes with `go clean -modcache`; never edit go.sum to match."),
    "GO-SUMDB-UNREACHABLE": (
        "With --network only: go's route to the checksum database does not answer "
        "(no GOPROXY entry serves /sumdb/NAME/supported, and NAME itself cannot be "
        "reached: an air-gapped host), so every module not in go.sum, and every toolchain "
        "download, fails `verifying module: ... dial tcp: lookup sum.golang.org ...`.",
        "each request of the route (GOPROXY/sumdb/NAME/supported, NAME/latest) and its answer",
        "a GOPROXY that serves the checksum database, GOSUMDB=\"NAME URL\" of a reachable "
        "mirror, or GOSUMDB=off (then nothing is verified, and toolchains cannot be "
        "downloaded)."),
})
def sumdb(facts):
    """GOSUMDB against go.mod and go.sum in each context; with --network, the route."""
    results = []
    for ctx, probe in _working_probes(facts):
        gosumdb = probe.get("GOSUMDB")
        if gosumdb == "off":
            # GO-PROXY-SUMDB-OFF; go.sum is still checked against what go downloads
            mismatch = _mismatch(facts, ctx, probe)
            results.extend([mismatch] if mismatch else [])
            continue
        pending = _pending(facts, probe)
        count = len(results)
        private = [(m, why) for m in pending or ()
                   for why in [_private(facts, ctx, probe, m[0])] if why]
        if private:
            results.append(_private_finding(facts, ctx, probe, private))
        mismatch = _mismatch(facts, ctx, probe)
        if mismatch is not None:
            results.append(mismatch)
        route = facts.sumdb_route(ctx, probe)
        if route is not None and route.unknown:
            facts.note(_("the snapshot has no answer for `http-get %(url)s`: the checksum "
                         "database's route is not judged (collect --network records it)") % {
                             "url": route.unknown})
            route = None
        if route is not None and not route.ok:
            results.append(_unreachable(facts, ctx, probe, route, pending))
        if len(results) == count and (pending is not None or route is not None):
            results.append(_f("GO-SUMDB", "ok", _ok_title(gosumdb, pending, route), ctx))
    return results


def _pending(facts, probe):
    """[(path, version, go.mod line)] that go will look up in the checksum database: the
    modules go.mod requires that go.sum lacks (either line), not replaced by a directory,
    not matched by GONOSUMDB (go env reports GOPRIVATE's value when it is unset); None
    without a go.mod."""
    mod = facts.project.gomod
    if mod is None or facts.gosum is None:
        return None
    local = {path for path, by_directory in mod.replaced if by_directory}
    nosumdb = probe.get("GONOSUMDB")
    out = []
    for path, version, line in mod.requires:
        sums = facts.gosum.get((path, version))
        if sums and sums["zip"] and sums["mod"]:
            continue
        if path in local or match_prefix_patterns(nosumdb, path):
            continue
        out.append((path, version, line))
    return out


def _private(facts, ctx, probe, path):
    """Why a module path looks private, or None."""
    host = path.split("/", 1)[0].lower()
    if match_prefix_patterns(probe.get("GONOPROXY"), path):
        return _("GONOPROXY=%(value)s names it (go fetches it directly, not through the "
                 "proxy)") % {"value": probe.get("GONOPROXY")}
    netrc = facts.netrc(ctx)
    if netrc is not None and host in [m.lower() for m in netrc[2]]:
        return _("%(netrc)s has credentials for %(host)s") % {"netrc": netrc[0], "host": host}
    if host.endswith(_PRIVATE_SUFFIXES) or re.match(r"^[\d.]+(:\d+)?$", host):
        return _("%(host)s is not a public DNS name") % {"host": host}
    return None


def _pattern(path):
    """The GONOSUMDB pattern for a module: its host, or host/owner on a public code host."""
    parts = path.split("/")
    return "/".join(parts[:2]) if parts[0] in _CODE_HOSTS and len(parts) > 1 else parts[0]


def _base(probe, route):
    """The URL go reads lookups from, when it is known without asking: the route probed,
    or GOPROXY's first entry being direct/off (the database itself) or proxy.golang.org
    (which serves sum.golang.org); else None."""
    if route is not None and route.base:
        return route.base
    name = probe.get("GOSUMDB") or "sum.golang.org"
    if " " in name:
        return name.split()[1].rstrip("/")
    entries = proxy_entries(probe.get("GOPROXY"))
    first = entries[0][0] if entries else "direct"
    if first in ("direct", "off"):
        return "https://" + name.split("+")[0]
    if first.rstrip("/") == "https://proxy.golang.org" and name == "sum.golang.org":
        return "https://proxy.golang.org/sumdb/sum.golang.org"
    return None


def _private_finding(facts, ctx, probe, private):
    (path, version, line), why = private[0]
    gomod = facts.project.gomod_path
    pattern = _pattern(path)
    served = not match_prefix_patterns(probe.get("GONOPROXY"), path)
    base = _base(probe, facts.sumdb_route(ctx, probe))
    head = "%s@%s: verifying module: %s@%s: " % (path, version, path, version)
    predicted = head + ("reading %s/lookup/%s@%s" % (base, path, version) if base else "")
    others = ", ".join("%s@%s" % (m[0], m[1]) for m, _ in private[1:4])
    fix = [Action.command(["go", "env", "-w", "GONOSUMDB=%s" % _joined(probe, "GONOSUMDB", pattern)],
                          description=_("the checksum database is not asked about %(pattern)s; "
                                        "GOPROXY still serves it") % {"pattern": pattern}),
           Action.command(["go", "env", "-w", "GOPRIVATE=%s" % _joined(probe, "GOPRIVATE", pattern)],
                          description=_("or, when go fetches it straight from its repository: "
                                        "GOPRIVATE also sends it around GOPROXY (GONOPROXY)"))]
    if not served:
        fix.reverse()
    return _f(
        "GO-SUMDB-PRIVATE", ctx.severity("error"),
        # (the reason without its parenthesis, in either language)
        _("%(module)s looks private (%(why)s) but GONOSUMDB does not cover it: go asks "
          "%(sumdb)s about it") % {
              "module": path, "why": re.split(" \\(|\uff08", why)[0],
              "sumdb": probe.get("GOSUMDB") or "sum.golang.org"}, ctx,
        subject="%s:%s" % (path, probe.go_real),
        evidence=[Evidence.file(gomod, "%s %s" % (path, version), line),
                  Evidence.command(probe.result, "GOSUMDB=%s GONOSUMDB=%s GOPRIVATE=%s "
                                   "GONOPROXY=%s" % tuple(probe.get(n) for n in (
                                       "GOSUMDB", "GONOSUMDB", "GOPRIVATE", "GONOPROXY"))),
                  Evidence.fact(_("%(module)s is not in go.sum: its first download is verified "
                                  "against the checksum database") % {"module": path})] +
                 ([Evidence.fact(_("also: %(others)s") % {"others": others})] if others else []),
        why=_("It looks private: %(why)s.  The checksum database only knows public modules: "
              "for a private one it answers 404 or 410 Gone and the download fails (go mod "
              "download and go get say 'verifying go.mod: %(module)s@%(version)s/go.mod: "
              "...').  GONOSUMDB (by default GOPRIVATE) names the modules go must not ask it "
              "about.") % {"why": why, "module": path, "version": version},
        predicted_error=predicted, fix=fix, references=[PRIVATE_REFERENCE, REFERENCE])


MAX_CACHED = 300


def _mismatch(facts, ctx, probe):
    """GO-SUMDB-MISMATCH for the first required module whose cached zip hash differs from
    go.sum's (go1.21.13 and go1.27.3 stop the build on it: tests/test_realgo_sumdb.py)."""
    mod, sums, cache = facts.project.gomod, facts.gosum, probe.get("GOMODCACHE")
    if mod is None or not sums or not cache.startswith("/"):
        return None
    local = {path for path, by_directory in mod.replaced if by_directory}
    checked = 0
    for path, version, _line in mod.requires:
        recorded = (sums.get((path, version)) or {}).get("zip")
        if not recorded or path in local:
            continue
        checked += 1
        if checked > MAX_CACHED:
            break
        cached = facts.cached_ziphash(cache, path, version)
        if not cached or cached == recorded:
            continue
        gosum = posixpath.join(posixpath.dirname(facts.project.gomod_path), "go.sum")
        ziphash = "%s/cache/download/%s/@v/%s.ziphash" % (cache, escape_path(path),
                                                          escape_path(version))
        return _f(
            "GO-SUMDB-MISMATCH", ctx.severity("error"),
            _("%(module)s@%(version)s in the module cache is not the one go.sum recorded") % {
                "module": path, "version": version}, ctx,
            subject="%s@%s:%s" % (path, version, cache),
            evidence=[Evidence.file(gosum, "%s %s %s" % (path, version, recorded),
                                    sums[(path, version)]["zip_line"]),
                      Evidence.file(ziphash, cached)],
            why=_("go.sum records the hash of the module as it was first downloaded for this "
                  "project; the copy in %(cache)s hashes differently, so go refuses to build "
                  "with it.  Either the version was re-tagged at its origin (its author "
                  "published different code under the same version), or the cache was filled "
                  "from a proxy that serves other bits.") % {"cache": cache},
            predicted_error="verifying %s@%s: checksum mismatch\n\tdownloaded: %s\n\tgo.sum:"
                            "     %s\n\nSECURITY ERROR\nThis download does NOT match an "
                            "earlier download recorded in go.sum." % (path, version, cached,
                                                                      recorded),
            fix=[Action.note(_("find out which hash the module's author published before "
                               "changing anything: %(command)s through a proxy you trust "
                               "prints its Sum") % {
                                   "command": "`go mod download -json %s@%s`" % (path, version)}),
                 Action.command(["go", "clean", "-modcache"],
                                description=_("when the cache is the stale one: it removes "
                                              "every cached module (go downloads them again, "
                                              "checked against go.sum)")),
                 Action.note(_("when the origin changed (a re-tagged version): ask its owner "
                               "for a new version; never edit go.sum to match"))],
            references=["https://go.dev/ref/mod#go-sum-files", REFERENCE])
    return None


def _joined(probe, name, pattern):
    current = [p for p in (probe.get(name) or "").split(",") if p]
    return ",".join(current + [pattern]) if pattern not in current else ",".join(current)


def _unreachable(facts, ctx, probe, route, pending):
    failed = route.failed
    evidence = [Evidence.command(s.result, "%s (%s)" % (
        ((s.result.text if s.result.ok else s.result.errtext) or "no answer").strip()
        .split("\n", 1)[0], s.meaning)) for s in route.steps]
    if route.invalid:
        evidence = [Evidence.command(probe.result, "GOSUMDB=%s" % probe.get("GOSUMDB"))]
    text = (failed.result.errtext or failed.result.text or "").strip() if failed else route.invalid
    target = pending[0] if pending else None
    predicted = None
    if target and failed is not None and failed.url.endswith("/latest"):
        path, version = target[0], target[1]
        lookup = "%s/lookup/%s@%s" % (route.base, path, version)
        head = "%s@%s: verifying module: %s@%s: " % (path, version, path, version)
        if failed.result.ok:  # an answer, not the one go needs
            predicted = head + "reading %s" % lookup
        else:
            predicted = head + 'Get "%s": dial tcp' % lookup
            host = route.base.split("://", 1)[-1].split("/", 1)[0].split(":")[0]
            if text.startswith("lookup "):
                predicted += ": lookup %s" % host
    # a module that needs the database makes it an error; without one, only a new
    # dependency (or a toolchain switch, which always verifies) will meet it
    severity = "error" if pending else "warn"
    cause = None
    entries = [e.strip() for e in re.split(r"[,|]", probe.get("GOPROXY")) if e.strip()]
    if failed is not None and entries and entries[0].startswith(("http://", "https://")) and \
            failed.url.startswith(entries[0]) and not facts.proxy_reachable(ctx, entries[0]).ok:
        cause = ("GO-PROXY-UNREACHABLE", entries[0])  # (GO-PROXY's finding, same probe)
    return _f(
        "GO-SUMDB-UNREACHABLE", ctx.severity(severity),
        _("the checksum database %(sumdb)s cannot be reached (%(how)s: %(error)s)") % {
            "sumdb": route.name or probe.get("GOSUMDB"), "how": route.how or "GOSUMDB",
            "error": text.splitlines()[0] if text else _("no answer")}, ctx,
        subject="%s:%s" % (probe.get("GOSUMDB"), probe.get("GOPROXY")),
        evidence=evidence + ([Evidence.fact(ngettext(
            "%(n)d required module is not in go.sum, first %(module)s@%(version)s (%(gomod)s "
            "line %(line)d)", "%(n)d required modules are not in go.sum, first "
            "%(module)s@%(version)s (%(gomod)s line %(line)d)", len(pending)) % {
                "n": len(pending), "module": target[0], "version": target[1],
                "gomod": facts.project.gomod_path, "line": target[2]})] if pending else
                             [Evidence.fact("go.sum lists every module go.mod requires: builds "
                                            "work until a new module (or toolchain) is needed")]),
        why=_("go checks every module it downloads, and every toolchain, against GOSUMDB.  It "
              "reaches the database through the first GOPROXY entry that serves "
              "/sumdb/%(name)s/supported, else directly at https://%(name)s; here that route "
              "fails.") % {"name": route.name},
        predicted_error=predicted,
        fix=[Action.note(_("use a GOPROXY that serves the checksum database (its "
                           "/sumdb/%(name)s/supported answers 200: proxy.golang.org, or an "
                           "internal Athens/Artifactory/Nexus set to proxy %(name)s); go then "
                           "never dials %(name)s") % {"name": route.name})] +
            _china_alternative(ctx, probe, route) +
            [Action.note(_("or point GOSUMDB at a mirror you can reach: %(command)s") % {
                "command": 'go env -w GOSUMDB="%s https://MIRROR/sumdb/%s"' % (
                    route.name, route.name)}),
             Action.note(_("or, for private modules only, GONOSUMDB=PATTERN; GOSUMDB=off turns "
                           "verification off for everything (and toolchain downloads then "
                           "always fail)"))],
        cause=cause, references=[REFERENCE, "https://go.dev/design/25530-sumdb#proxying-a-"
                                            "checksum-database"])


def _china_alternative(ctx, probe, route):
    """The step for mainland China, as an alternative, when the database that fails is
    sum.golang.org (not when the user already chose a route that serves China): through
    proxy.golang.org, a domestic proxy (goproxy.cn serves /sumdb/sum.golang.org too, so
    go never dials sum.golang.org); directly, GOSUMDB=sum.golang.google.cn.  go asks the
    GOPROXY entries first, so GOSUMDB alone does not help while the proxy fails."""
    if route.name != OFFICIAL_SUMDB or CHINA_GOSUMDB in (route.base or "") or \
            (probe.get("GOSUMDB") or "").startswith(CHINA_GOSUMDB) or \
            names_china_proxy(probe.get("GOPROXY")):
        return []
    if (route.how or "").startswith("through ") and is_official_proxy(route.how[8:]):
        return china_proxy_actions(ctx)[:1]
    if route.how == "direct":
        return [china_sumdb_action(ctx)]
    return []


def _ok_title(gosumdb, pending, route):
    parts = ["GOSUMDB=%s" % (gosumdb or _("(unset)"))]
    if route is not None:
        parts.append(_("answers %(how)s") % {"how": route.how})
    if pending is not None:
        parts.append(ngettext("%(count)d module to verify on first download",
                              "%(count)d modules to verify on first download",
                              len(pending)) % {"count": len(pending)} if pending else
                     _("go.sum lists every required module"))
    return "; ".join(parts)

