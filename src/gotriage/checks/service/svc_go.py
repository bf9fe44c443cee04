"""SVC-GO: a unit that runs `go` has a usable build cache in its own environment (the
toolchain layer's cache check, applied to the unit's context)."""

import posixpath

from gotriage.checks import check
from gotriage.checks.service._common import LAYER, _dropin, _f, _loaded, _memo, _reload
from gotriage.findings import Action, Evidence
from gotriage.i18n import _
from gotriage.quoting import Unrepresentable, shell_word, systemd_environment, systemd_exec_word


@check("SVC-GO", LAYER, "a service that runs `go` has a usable build cache", findings={
    "SVC-GO-CACHE": (
        "The service runs `go` with no usable build cache: no HOME (services without User= get "
        "none), GOCACHE=off, relative, or not writable by the unit's user: `build cache is "
        "required, but could not be located: GOCACHE is not defined and neither "
        "$XDG_CACHE_HOME nor $HOME are defined`.",
        "`go env GOCACHE` in the unit's environment (the toolchain layer's GO-CACHE check)",
        "Environment=GOCACHE=/var/cache/NAME/go-build (and GOMODCACHE, GOPATH), or "
        "CacheDirectory=NAME on systemd 235+."),
    "SVC-GO-NOT-FOUND": (
        "A shell command in ExecStart= runs `go`, but go is not on the PATH systemd gives the "
        "service (its compiled-in PATH, not your shell's): `go: command not found`.",
        "the unit's PATH",
        "use go's absolute path, or Environment=PATH=... with its directory."),
})
def go_in_service(facts):
    """For units that run `go` (ExecStart= is go, or a shell/script running go): asks
    `go env` in the unit's environment and applies the toolchain layer's cache check."""
    results = []
    for unit in _loaded(facts):
        if facts.runs_go(unit):
            results.extend(_memo(facts, "go", unit, lambda u=unit: _go(facts, u)))
    return results


def _go(facts, unit):
    from gotriage.checks.toolchain.go_cache import caches

    tf = facts.go_toolchain(unit)
    ctx = tf.contexts[0]
    probe = tf.probe(ctx)
    if probe is None:
        return [_f("SVC-GO-NOT-FOUND", "error", "%s: %s" % (unit.name, _("runs go, but go is not on its PATH")), unit,
                   subject="go", evidence=[Evidence.env("PATH", ctx.path, ctx.label)],
                   predicted_error="go: command not found",
                   fix=_go_path_fix(unit, tf, ctx))]
    out = []
    for finding in caches(tf):
        if finding.severity == "ok":
            continue
        fix = list(finding.fix)
        if finding.id == "GO-CACHE-NO-HOME":
            fix = _cache_directory_fix(facts, unit, ctx.identity.user)
        out.append(_f("SVC-GO-CACHE", "error", "%s: %s" % (unit.name, finding.title), unit,
                      subject=finding.subject, evidence=finding.evidence + [
                          Evidence.fact(_("the toolchain layer's %(id)s, in the unit's environment") % {
                              "id": finding.id})],
                      why=finding.why, predicted_error=finding.predicted_error, fix=fix,
                      references=finding.references))
    if not out:
        out.append(_f("SVC-GO", "ok", "%s: %s" % (unit.name, _("runs %(go)s with GOCACHE=%(cache)s") % {
            "go": probe.version or "go", "cache": probe.get("GOCACHE")}), unit,
            evidence=[Evidence.command(probe.result)]))
    return out


def _cache_directory_fix(facts, unit, user):
    """A cache of the unit's own for go: CacheDirectory= (systemd 235+) or a directory
    created once, and GOCACHE/GOMODCACHE pointing into it."""
    cache = "/var/cache/%s" % unit.prefix
    try:
        env = systemd_environment([("GOCACHE", cache + "/go-build"), ("GOMODCACHE", cache + "/mod")])
    except Unrepresentable as exc:
        return [Action.note(_("give the unit a cache directory and GOCACHE= (%(reason)s)") % {
            "reason": exc.reason})]
    if facts.supports(235):
        first = Action.edit(_dropin(unit), "CacheDirectory=%s" % systemd_exec_word(unit.prefix),
                            syntax="systemd",
                            description=_("under [Service] (systemd 235+: creates %(path)s)") % {
                                "path": cache})
    else:
        first = Action.command(["install", "-d", "-o", user, cache])
    return [first, Action.edit(_dropin(unit), env, syntax="systemd", description=_("under [Service]")),
            _reload(unit)]


def _go_path_fix(unit, tf, ctx):
    """Environment=PATH= with the bin directory of an installed Go first."""
    installs = [i for i in tf.installs if i.valid and i.version]
    if not installs:
        return [Action.note(_("install Go, then use its absolute path in ExecStart=")), _reload(unit)]
    bindir = installs[0].bindir
    try:
        line = systemd_environment([("PATH", "%s:%s" % (bindir, ctx.path))])
    except Unrepresentable as exc:
        return [Action.note(_("use go's absolute path %(path)s in ExecStart= (%(reason)s)") % {
            "path": shell_word(posixpath.join(bindir, "go")), "reason": exc.reason}), _reload(unit)]
    return [Action.edit(_dropin(unit), line, syntax="systemd",
                        description=_("under [Service]: %(path)s is where %(go)s is installed") % {
                            "path": bindir, "go": installs[0].version}), _reload(unit)]
