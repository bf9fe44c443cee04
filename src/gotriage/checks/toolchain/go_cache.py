"""GO-CACHE: the build and module caches are set, absolute and writable by the user
of each context (the service layer applies it to a unit's own context)."""

import posixpath

from gotriage.checks import check
from gotriage.checks.toolchain._common import LAYER, _f, _unset_action, _working_probes
from gotriage.findings import Action, Evidence, is_system_dir, operands
from gotriage.i18n import _
from gotriage.knowledge.go import CACHE_REQUIRED_SINCE
from gotriage.parsers.goenv import parse_version


@check("GO-CACHE", LAYER, "build and module caches are usable", findings={
    "GO-CACHE-NO-HOME": (
        "No GOCACHE, XDG_CACHE_HOME or HOME in a context (systemd units, cron): `build cache is "
        "required, but could not be located`.",
        "`go env GOCACHE` in that context",
        "Environment=GOCACHE=... (and GOMODCACHE) in the unit, or HOME."),
    "GO-CACHE-OFF": (
        "GOCACHE=off: the build cache is required since Go 1.12.",
        "`go env GOCACHE` and where it is set",
        "unset GOCACHE."),
    "GO-CACHE-RELATIVE": (
        "GOCACHE, GOMODCACHE or GOPATH is a relative path, which go refuses.",
        "the `go env` value",
        "an absolute path, or unset it."),
    "GO-CACHE-NOT-WRITABLE": (
        "GOCACHE, GOMODCACHE or GOPATH is not writable by the user that runs go, often "
        "root-owned after a `sudo go build`: `permission denied`.",
        "the directory (or its nearest existing parent), its mode and owner, and the user",
        "`chown -R USER: DIR`."),
})
def caches(facts):
    """GOCACHE, GOMODCACHE and GOPATH in each context: set, absolute, and writable by the
    user of that context (by the mode bits of the directory or its nearest parent)."""
    results = []
    for ctx, probe in _working_probes(facts):
        gocache = probe.get("GOCACHE")
        local = parse_version(probe.version) or (0,)
        problems = 0
        explicit_cache = facts.setting(ctx, "GOCACHE")[0]
        # Go before 1.20 reports GOCACHE=off when it cannot place a cache (no HOME).
        derived_off = gocache == "off" and explicit_cache is None
        if (not gocache or derived_off) and local[:2] >= CACHE_REQUIRED_SINCE:
            problems += 1
            results.append(_f(
                "GO-CACHE-NO-HOME", ctx.severity("error"),
                _("no build cache location: GOCACHE, XDG_CACHE_HOME and HOME are unset"), ctx,
                subject=ctx.name,
                evidence=[Evidence.command(probe.result, "GOCACHE=%s (HOME, XDG_CACHE_HOME "
                                           "and GOCACHE not set)" % (gocache or '""'))],
                why=_("go needs a build cache; with no HOME (systemd services, cron) it cannot "
                      "place one."),
                predicted_error="build cache is required, but could not be located: GOCACHE is "
                                "not defined and neither $XDG_CACHE_HOME nor $HOME are defined",
                fix=_cache_fix(ctx)))
        elif gocache == "off":
            problems += 1
            results.append(_f(
                "GO-CACHE-OFF", ctx.severity("error"), "GOCACHE=off", ctx,
                subject="off",
                evidence=[Evidence.command(probe.result, "GOCACHE=off")],
                why=_("The build cache is required since Go 1.12."),
                predicted_error="build cache is disabled by GOCACHE=off, but required as of Go 1.12",
                fix=[_unset_action(ctx, "GOCACHE", facts.setting(ctx, "GOCACHE")[1] or "env", facts)]))
        for name in ("GOCACHE", "GOMODCACHE", "GOPATH"):
            value = probe.get(name)
            if name == "GOCACHE" and value in ("", "off"):
                continue
            # only GOPATH is a list (":"-separated); GOCACHE and GOMODCACHE are one path
            first = (value.split(":")[0] if name == "GOPATH" else value) if value else ""
            if not first:
                continue
            if not first.startswith("/"):
                problems += 1
                results.append(_f(
                    "GO-CACHE-RELATIVE", ctx.severity("error"),
                    _("%(name)s=%(value)s is a relative path") % {"name": name, "value": first},
                    ctx,
                    subject="%s:%s" % (name, first),
                    evidence=[Evidence.command(probe.result, "%s=%s" % (name, value))],
                    why=_("go refuses relative cache and module paths."),
                    predicted_error="go: %s entry is relative; must be absolute path: \"%s\"." % (
                        name, first) if name != "GOCACHE" else
                    "build cache is required, but could not be located: GOCACHE is not an absolute path",
                    fix=[Action.note(_("set %(name)s to an absolute path or unset it") % {
                        "name": name})]))
                continue
            writable, owner_path, st = _writable(facts, ctx, first)
            if not writable:
                problems += 1
                results.append(_f(
                    "GO-CACHE-NOT-WRITABLE", ctx.severity("error"),
                    _("%(name)s %(path)s is not writable by %(user)s") % {
                        "name": name, "path": first, "user": ctx.identity.user},
                    ctx, subject="%s:%s:%s" % (name, first, ctx.identity.user),
                    evidence=[Evidence.fact(_(
                        "%(path)s: mode %(mode)04o, owner uid %(uid)d gid %(gid)d; %(user)s is uid "
                        "%(user_uid)d") % {"path": owner_path, "mode": st.perms, "uid": st.uid,
                                           "gid": st.gid, "user": ctx.identity.user,
                                           "user_uid": ctx.identity.uid})],
                    why=_("Often left behind by a `sudo go build` or `sudo go mod download`, "
                          "which creates root-owned directories in the user's home."),
                    predicted_error="open %s/...: permission denied" % first,
                    fix=_not_writable_fix(ctx, name, first, owner_path, st)))
        if not problems:
            results.append(_f("GO-CACHE", "ok", _("GOCACHE %(cache)s, GOMODCACHE %(modcache)s") % {
                "cache": probe.get("GOCACHE"), "modcache": probe.get("GOMODCACHE") or _("(none)")},
                ctx))
    return results


def _not_writable_fix(ctx, name, path, judged, st):
    """The narrowest fix for a cache or module directory the context's user cannot write:
    give back what is the user's own (under their home), create what is missing with the
    user as owner, and never change a system directory (/, /home, /usr...)."""
    user = ctx.identity.user
    home = (ctx.env.get("HOME") or ctx.identity.home or "").rstrip("/")
    in_home = bool(home) and judged.startswith(home + "/")
    other_way = _point_elsewhere(ctx, name)
    as_root = "root" if st.uid != ctx.identity.uid else None
    if judged == path or in_home:
        if in_home and not is_system_dir(judged):
            return [Action.command(["chown", "-R"] + operands("%s:" % user, judged),
                                   description=_("give it back to %(user)s") % {"user": user},
                                   as_user=as_root)]
        if judged == path and not is_system_dir(judged):
            return [Action.command(["chown", "-R"] + operands("%s:" % user, judged),
                                   description=_("only if %(path)s is meant for %(user)s alone")
                                   % {"path": judged, "user": user},
                                   as_user=as_root, safe=False), other_way]
        return [other_way]
    # `path` does not exist and its nearest parent is not the user's: create the first
    # missing directory for the user, go creates the rest.
    rest = path[len(judged.rstrip("/")):].lstrip("/")
    missing = posixpath.join(judged, rest.split("/")[0])
    return [Action.command(["install", "-d", "-m", "0700", "-o"] + operands(user, missing),
                           description=_("create it for %(user)s") % {"user": user},
                           as_user="root"), other_way]


def _point_elsewhere(ctx, name):
    if ctx.name == "systemd" or ctx.name.startswith("unit:"):
        return Action.note(_("or give the unit a cache of its own: CacheDirectory= and "
                             "Environment=%(name)s= in its drop-in (`gotriage service NAME` "
                             "prints them)") % {"name": name})
    return Action.note(_("or set %(name)s to a directory %(user)s owns (unset, go uses one under "
                         "HOME)") % {"name": name, "user": ctx.identity.user})


def _writable(facts, ctx, path):
    """Whether ctx's user may create files at `path`: the directory if it exists, else its
    nearest existing parent.  Returns (writable, path judged, stat)."""
    current, st = facts.nearest_existing(path)
    if st is None:
        return True, current, None
    if not st.is_dir:
        return False, current, st
    return st.permits(ctx.identity, "w") and st.permits(ctx.identity, "x"), current, st


def _cache_fix(ctx):
    if ctx.name == "systemd":
        return [Action.note(_("a unit that runs go needs a cache of its own: CacheDirectory= "
                              "and Environment=GOCACHE= in its drop-in (`gotriage service "
                              "NAME` prints them for the unit)"))]
    return [Action.note(_("set HOME, or GOCACHE to a directory %(user)s can write, in "
                          "%(context)s") % {"user": ctx.identity.user, "context": ctx.label})]

