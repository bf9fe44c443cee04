"""GO-VERSION: the local Go is new enough for the project (go.mod's go and toolchain
lines, features it uses) and GOTOOLCHAIN lets it build."""

import posixpath
import re

from gotriage.checks import NotExamined, check
from gotriage.checks.toolchain._common import (
    LAYER,
    _env_evidence,
    _f,
    _probes,
    _unset_action,
    china_download_action,
    china_proxy_actions,
)
from gotriage.findings import Action, Evidence
from gotriage.i18n import N_, _, ngettext
from gotriage.knowledge.china_network import is_official_proxy
from gotriage.knowledge.go import (
    FEATURES,
    GO_DOWNLOAD_URL,
    GOMOD_DIRECTIVES,
    LANG_GATED,
    REFERENCES,
    SOURCE_FEATURES,
    STD_PACKAGES,
    missing_std_package,
)
from gotriage.parsers.goenv import parse_version
from gotriage.parsers.gosource import build_satisfied

_TOOLCHAIN_VALUE = re.compile(r"^(local|auto|path|go\d+(\.\d+){0,2}((rc|beta)\d+)?(\+(auto|path))?)$")


_GOVER = re.compile(r"^(?:go)?(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta)(\d+))?$")


def gover(text):
    """A version in Go's own order (its gover package): 1.22 < 1.22rc1 < 1.22.0 < 1.22.1,
    a toolchain name's suffix (-custom, +auto) dropped; None when it is not one.  Before
    Go 1.21 a release had no .0 (go1.20), so 1.20 is a release, not a language version.

    >>> gover("1.22") < gover("go1.22rc1") < gover("1.22.0") < gover("go1.22.1-custom")
    True
    >>> gover("go1.20") == gover("1.20.0"), is_language_version("go1.22")
    (True, True)
    """
    m = _GOVER.match(re.split(r"[-+]", (text or "").strip(), maxsplit=1)[0])
    if not m:
        return None
    major, minor, patch, kind, pre = m.groups()
    major, minor = int(major), int(minor)
    if kind:
        return (major, minor, {"beta": 1, "rc": 2}[kind], 0, int(pre))
    if patch is None and (major, minor) >= (1, 21):
        return (major, minor, 0, 0, 0)
    return (major, minor, 3, int(patch or 0), 0)


def is_language_version(text):
    """go1.22 (1.21 or later, no patch, no prerelease): a language, not a toolchain."""
    v = gover(text)
    return v is not None and v[2] == 0


def _toolchain_mode(value):
    """GOTOOLCHAIN as go reads it: (the minimum toolchain, 'local' or a name; how go may
    switch past it: None, 'auto' or 'path').  auto is local+auto, path local+path."""
    name, _sep, suffix = (value or "local").partition("+")
    if name in ("auto", "path"):
        name, suffix = "local", name
    return name, suffix or None


def _switch_target(mod, minimum, switching):
    """(toolchain go switches to, go.mod line that asks for it) when go.mod asks for more
    than `minimum`, else (None, None).  As cmd/go/internal/toolchain/select.go: a newer
    toolchain line first (only when switching is allowed), then a go line newer still;
    a go line that is a language version (go 1.22) means its first release, go1.22.0
    (Go 1.21.1 and later: golang.org/issue/62278)."""
    target, line, current = None, None, minimum
    if switching and mod.toolchain and mod.toolchain.startswith("go"):
        version = gover(mod.toolchain)
        if version and version > current:
            target, line, current = mod.toolchain, mod.toolchain_line, version
    version = gover(mod.go)
    if version and version > current:
        target = "go" + mod.go + (".0" if is_language_version(mod.go) else "")
        line = mod.go_line
    return target, line


def _platform(probe):
    return "%s/%s" % (probe.get("GOOS") or "linux", probe.get("GOARCH") or "amd64")


@check("GO-VERSION", LAYER, "the local Go is new enough for the project", findings={
    "GO-VERSION-GOMOD-NEWER": (
        "go.mod's go or toolchain line asks for a newer Go than the local one.  With "
        "GOTOOLCHAIN=local go refuses (`go.mod requires go >= X`); with auto it tries a download "
        "that fails offline (`toolchain not available`, a DNS error); Go before 1.21 builds "
        "and fails only on new features.",
        "the go.mod line, GOTOOLCHAIN and GOPROXY and where they are set",
        "install that Go release and put it first on PATH, or allow a reachable proxy."),
    "GO-VERSION-SYNTAX": (
        "go.mod uses syntax the local Go cannot parse: before Go 1.21 a go line with a patch "
        "release (`invalid go version '1.21.1': must match format 1.23`); a directive newer "
        "than the local Go (`go.mod:5: unknown directive: godebug`): toolchain 1.21, godebug "
        "1.23, tool 1.24, ignore 1.25.",
        "the go.mod line",
        "install a Go that reads it (the newest directive's release, or the go line's), or "
        "write `go 1.N` / delete the directive's line, with what that costs."),
    "GO-VERSION-GOLINE-LOW": (
        "go.mod's go line is lower than a language feature the module uses, which the local "
        "Go has: the compiler refuses it below that language version (`type parameter "
        "requires go1.18 or later (-lang was set to go1.17; check go.mod)`; range over int "
        "1.22, min/max 1.21, //go:embed 1.16...).",
        "the go line and the file:line:column of each feature's first use",
        "`go mod edit -go=1.N go.mod` (older Go then refuses the module; crossing 1.22 changes "
        "loop variables), or write the code without the feature."),
    "GO-VERSION-FEATURE": (
        "A package of the module (any directory, not only the top one) uses a language "
        "feature or standard package newer than the local Go (//go:embed 1.16, generics "
        "1.18, min/max/clear 1.21, range over int 1.22, range over func 1.23, slices 1.21, "
        "iter 1.23...), or its Makefile or scripts run `go install pkg@version` (1.16).",
        "the file:line:column of its first use, the release that brought it and its release "
        "notes",
        "install that Go release or newer (one release that meets every need)."),
    "GO-VERSION-TOOLCHAIN-PINNED": (
        "GOTOOLCHAIN=goVERSION names another release than the local Go: every go command "
        "switches to it, downloading it through GOPROXY, which fails offline (`toolchain not "
        "available`).",
        "GOTOOLCHAIN and GOPROXY and where they are set",
        "unset GOTOOLCHAIN, or install that release locally."),
    "GO-VERSION-TOOLCHAIN-INVALID": (
        "GOTOOLCHAIN has a value go rejects (only local, auto, path, goX.Y[.Z][+auto|+path]).",
        "the setting and where it is set",
        "unset it."),
})
def project_version(facts):
    """The project's go and toolchain lines, and GOTOOLCHAIN, against the local Go."""
    results = []
    probes = list(_probes(facts))
    for ctx, probe in probes:
        found = _context_versions(facts, ctx, probe)
        _one_release(found)
        results.extend(found)
    if results:
        return results
    # ✓ only for what was compared: a go.mod against a Go that answered
    if not facts.project.gomod_path:
        raise NotExamined(_("GO-VERSION skipped: no go.mod in %(dir)s, so no Go version to "
                            "compare (--project DIR names a project)") % {
                                "dir": facts.project.directory})
    if not probes:
        raise NotExamined(_("GO-VERSION skipped: no Go toolchain answered to compare with "
                            "%(gomod)s") % {"gomod": facts.project.gomod_path})
    return [_f("GO-VERSION", "ok", _("local Go is new enough for %(gomod)s") % {
        "gomod": facts.project.gomod_path})]


# The fix steps that name the Go to install.  _one_release finds them by their message
# (in the language of the run: the pattern is made from the message as translated) and
# writes them again with the one release that meets every need.
_INSTALL_NOTES = (N_("install Go %(version)s or newer (%(url)s)"),
                  N_("install Go %(version)s or newer (%(url)s) and put it first on PATH"))


def _install_note(version, template=_INSTALL_NOTES[0]):
    return Action.note(_(template) % {"version": version, "url": GO_DOWNLOAD_URL})


def _install_match(description):
    """(template, version, url) of an install step, else None."""
    for template in _INSTALL_NOTES:
        pattern = re.escape(_(template)).replace(
            re.escape("%(version)s"), r"(\d+(?:\.\d+){1,2})").replace(
            re.escape("%(url)s"), "(.*)")
        m = re.match(pattern + "$", description, re.S)
        if m:
            return template, m.group(1), m.group(2)
    return None


def _one_release(found):
    """Several needs of one context (//go:embed 1.16, go.mod's go 1.21.1, its toolchain
    line 1.21) each said "install Go X or newer" with its own X: each now names the one
    release that satisfies them all, and which needs that covers."""
    needs = []
    for f in found:
        for action in f.fix[:1]:
            m = _install_match(action.description or "") if action.kind == "note" else None
            if m:
                needs.append((parse_version(m[1]), m[1], m, action))
    if len({n[1] for n in needs}) < 2:
        return
    top = max(needs, key=lambda n: n[0])[1]
    covers = ", ".join(sorted({n[1] for n in needs}, key=parse_version))
    for _version, _old, (template, _v, url), action in needs:
        action.description = (_(template) % {"version": top, "url": url}) + (
            _("; it meets every need here (Go %(versions)s)") % {"versions": covers})


def _context_versions(facts, ctx, probe):
    """The GO-VERSION findings of one context."""
    results = []
    project = facts.project
    mod = project.gomod
    value, where = facts.setting(ctx, "GOTOOLCHAIN")
    if value is not None and not _TOOLCHAIN_VALUE.match(value):
        results.append(_f(
            "GO-VERSION-TOOLCHAIN-INVALID", ctx.severity("error"),
            _("GOTOOLCHAIN=%(value)s is not valid") % {"value": value}, ctx,
            subject="%s@%s" % (value, where),
            evidence=[_env_evidence(ctx, "GOTOOLCHAIN", value, where, facts)],
            why=_("GOTOOLCHAIN must be local, auto, path, or goVERSION with an optional "
                  "+auto or +path."),
            predicted_error='go: invalid GOTOOLCHAIN "%s"' % value,
            fix=[_unset_action(ctx, "GOTOOLCHAIN", where, facts)],
            references=[REFERENCES["toolchains"]]))
    if not probe.ok:
        return results
    local = parse_version(probe.version)
    if local is None:
        return results
    pinned = re.match(r"^(go\d+(?:\.\d+){0,2}(?:(?:rc|beta)\d+)?)(\+auto)?$", value or "")
    if pinned and pinned.group(1) != probe.version and local[:2] >= (1, 21):
        target = pinned.group(1)
        predicted = _download_failure(probe, target, probe.get("GOSUMDB"))
        results.append(_f(
            "GO-VERSION-TOOLCHAIN-PINNED", ctx.severity("error" if predicted else "warn"),
            _("GOTOOLCHAIN=%(value)s: every go command switches from %(local)s to "
              "%(target)s") % {"value": value, "local": probe.version, "target": target},
            ctx, subject="%s@%s" % (value, where),
            evidence=[_env_evidence(ctx, "GOTOOLCHAIN", value, where, facts),
                      Evidence.env("GOPROXY", probe.get("GOPROXY"), ctx.label)],
            why=_("GOTOOLCHAIN=goVERSION runs exactly that release (fetched through GOPROXY "
                  "unless it is the local one), whatever go.mod says.") + (
                    _(" %(target)s is a language version, not a release: go cannot download "
                      "it (write %(target)s.0, or the patch release you want)") % {
                          "target": target}
                    if is_language_version(target) else ""),
            predicted_error=predicted,
            fix=[_unset_action(ctx, "GOTOOLCHAIN", where, facts),
                 Action.note(_("or install %(target)s locally and put it first on PATH") % {
                     "target": target})],
            references=[REFERENCES["toolchains"]]))
    if project.install_at_version and local[:2] < FEATURES["install-at-version"][0]:
        path, line, text = project.install_at_version
        results.append(_f(
            "GO-VERSION-FEATURE", ctx.severity("error"),
            _("%(path)s runs `go install pkg@version`, which needs Go 1.16; the local go is "
              "%(local)s") % {"path": path, "local": probe.version},
            ctx, subject="install-at:" + probe.go_real,
            evidence=[Evidence.file(path, text, line)],
            # No predicted_error: no toolchain older than 1.16 is at hand to confirm
            # its exact wording, and gotriage quotes only messages it has seen.
            why=_("Go 1.16 added `go install pkg@version`; older releases refuse the "
                  "path@version syntax outside `go get`."),
            fix=[_install_note("1.16"), china_download_action()]))
    results.extend(_feature_findings(facts, ctx, probe, local))
    if mod is None:
        return results
    syntax = []
    # what go.mod asks for: its go line, or its toolchain line when that is newer
    needed = mod.go
    if mod.toolchain and mod.toolchain.startswith("go"):
        tool = parse_version(mod.toolchain)
        if tool and parse_version(needed or "0") and tool > parse_version(needed):
            needed = mod.toolchain[2:].split("-")[0].split("+")[0]
    need = parse_version(needed) if needed else None
    syntax = _syntax_findings(facts, ctx, probe, local, mod, value, need, needed)
    results.extend(syntax)
    if local[:2] >= (1, 21) and not syntax:
        newer = _newer_gomod(facts, ctx, probe, value, where)
        if newer is not None:
            results.append(newer)
    if not syntax and mod.go and (need is None or need[:2] <= local[:2]):
        results.extend(_goline_findings(facts, ctx, probe, local, mod))
    if need is not None and local[:2] < (1, 21) and need[:2] > local[:2] and not syntax:
        # (when this go cannot even read go.mod, GO-VERSION-SYNTAX says so: it does not
        # "only warn")
        results.append(_f(
            "GO-VERSION-GOMOD-NEWER", ctx.severity("warn"),
            _("%(gomod)s says go %(go)s; %(local)s is older and only warns") % {
                "gomod": project.gomod_path, "go": mod.go, "local": probe.version}, ctx,
            subject="%s:%s" % (project.gomod_path, probe.go_real),
            evidence=[Evidence.file(project.gomod_path, "go %s" % mod.go, mod.go_line)],
            why=_("Go before 1.21 builds a module that asks for a newer Go and fails only on "
                  "newer language or library features, with %(note)s.") % {
                      "note": "`note: module requires Go %s`" % mod.go},
            predicted_error="note: module requires Go %s" % mod.go,
            fix=[_install_note(mod.go), china_download_action()]))
    _fold_features(results)
    return results


# The newest feature the sources are searched for: a local Go at least this recent has
# them all, and the sources are not read for this check.
_NEWEST = max([v[0] for k, v in FEATURES.items() if k in SOURCE_FEATURES] +
              list(STD_PACKAGES.values()))


def _feature_findings(facts, ctx, probe, local):
    """GO-VERSION-FEATURE for each language feature or standard package that the module's
    sources use (every package: facts.sources) and the local Go lacks: its first use, in
    a file that this Go would compile (its build constraint holds), a test file only when
    nothing else uses it."""
    if local[:2] >= _NEWEST or facts.sources is None:
        return []
    sources = facts.sources
    goarch = probe.get("GOARCH") or "amd64"
    first = {}  # key -> (need, file, line, column, text, count)

    def keep(key, need, f, line, column, text):
        if local[:2] >= need or not build_satisfied(f.source.build, "linux", goarch, local[:2]):
            return
        old = first.get(key)
        count = (old[5] if old else 0) + 1
        if old is None or (old[1].test and not f.test):
            first[key] = (need, f, line, column, text, count)
        else:
            first[key] = old[:5] + (count,)
    for f, use in sources.uses():
        keep(use.feature, FEATURES[use.feature][0], f, use.line, use.column, use.text)
    for f, imp in sources.imports():
        if imp.path in STD_PACKAGES:
            keep("import:" + imp.path, STD_PACKAGES[imp.path], f, imp.line, imp.column,
                 'import "%s"' % imp.path)
    results = []
    # the newest release first; of one release, imports first (go loads packages before
    # it compiles them, so their error is the one printed)
    for key, (need, f, line, column, text, count) in sorted(
            first.items(), key=lambda kv: (kv[1][0], kv[0].startswith("import:"), kv[0]),
            reverse=True):
        version = "%d.%d" % need
        if key.startswith("import:"):
            what = _("the standard package %(package)s") % {"package": key[7:]}
            reference = "https://go.dev/doc/go%s" % version
        else:
            what, reference = FEATURES[key][1], FEATURES[key][2]
        where = "%s:%d:%d" % (f.path, line, column)
        others = ngettext(" (and %(count)d more place)", " (and %(count)d more places)",
                          count - 1) % {"count": count - 1} if count > 1 else ""
        evidence = [Evidence.file(f.path, text, line)]
        if sources.capped:
            evidence.append(Evidence.fact("only %s of %s were read" % (sources.capped,
                                                                        sources.root)))
        fix = [_install_note(version), china_download_action()]
        if f.test:
            fix.append(Action.note(_("only tests use it: go build works, go test and go vet "
                                     "fail")))
        results.append(_f(
            "GO-VERSION-FEATURE", ctx.severity("warn" if f.test else "error"),
            _("%(where)s uses %(what)s (Go %(version)s)%(others)s; the local go is "
              "%(local)s") % {"where": where, "what": what, "version": version,
                              "others": others, "local": probe.version},
            ctx, subject="%s:%s" % (key, probe.go_real), evidence=evidence,
            why=_("%(what)s arrived in Go %(version)s; %(local)s does not know it, so the "
                  "package at %(dir)s does not compile%(test)s.") % {
                      "what": what[0].upper() + what[1:], "version": version,
                      "local": probe.version, "dir": posixpath.dirname(f.relative) or ".",
                      "test": _(" (a test file: go build leaves it out)") if f.test else ""},
            predicted_error=_feature_error(key, text, probe),
            fix=fix, references=[reference]))
    return results


def _feature_error(key, text, probe):
    """What go prints for a feature it lacks, where measured (go1.19.8 and go1.21.13 in
    tests/test_realgo_features.py); None where no release at hand lacks it."""
    local = parse_version(probe.version)[:2]
    if key.startswith("import:"):
        return missing_std_package(probe.version, key[7:], probe.get("GOROOT") or "$GOROOT")
    if key in ("min-max", "clear") and local >= (1, 18):
        return "undefined: %s" % text.rstrip("(")
    if key in ("unsafe-string", "strings-seq") and local >= (1, 18):
        return "undefined: %s" % text.rstrip("( ")
    if key == "generic-alias" and local >= (1, 18):
        return "generic type cannot be alias"
    if key == "range-int" and local >= (1, 18):
        expr = text[len("range"):].strip()
        if expr[:1].isdigit():
            return "cannot range over %s (untyped int constant)" % expr
        if expr.startswith(("len(", "cap(")):
            return "cannot range over %s (value of type int)" % expr
    if key == "range-func" and local >= (1, 18):
        called = re.match(r"range\s+((?:maps|slices)\.\w+)", text)
        if called:
            return "undefined: %s" % called.group(1) if local >= (1, 21) else None
        return "cannot range over func("
    return None


def _fold_features(results):
    """go reads go.mod before it compiles: where go.mod already stops it (or asks for a
    newer Go), the features that need that Go are folded under that finding (the doctor
    view shows them beneath it, as one problem)."""
    first = next((f for f in results if f.id in ("GO-VERSION-SYNTAX", "GO-VERSION-GOMOD-NEWER")
                  and f.severity == "error"), None)
    for f in results:
        if first is not None and f.id == "GO-VERSION-FEATURE" and f.cause is None:
            f.cause = (first.id, first.subject)


def _syntax_findings(facts, ctx, probe, local, mod, value, need, needed):
    """GO-VERSION-SYNTAX: the go.mod lines the local go cannot read, each as the real go
    prints it (measured with go1.19.8 and go1.21.13: tests/test_realgo_gomod.py): a patch
    release in the go line before Go 1.21, and every directive newer than it (toolchain
    1.21, godebug 1.23, tool 1.24, ignore 1.25), `go.mod:N: unknown directive: godebug`.
    Go 1.21 and later that switch toolchains by the go line do so before they read the
    rest (GO-VERSION-GOMOD-NEWER), and a pinned GOTOOLCHAIN runs another release: then
    nothing here."""
    project = facts.project
    syntax = []  # (line, message, directive)
    if local[:2] < (1, 21) and mod.go and mod.go.count(".") >= 2:
        syntax.append((mod.go_line, "invalid go version '%s': must match format 1.23" % mod.go, None))
    minimum, switching = _toolchain_mode(value)
    if local[:2] >= (1, 21) and (minimum not in ("local", probe.version) or (
            switching and _switch_target(mod, gover(probe.version), switching)[0])):
        return []
    for line, directive in mod.directives:
        since = GOMOD_DIRECTIVES.get(directive, ((0, 0),))[0]
        if local[:2] < since:
            syntax.append((line, "unknown directive: %s" % directive, directive))
    if not syntax:
        return []
    top = max([need[:2] if need else (1, 21)] + [GOMOD_DIRECTIVES[d][0] for _l, _m, d in syntax if d] +
              [(1, 21)])
    release = needed if need and need[:2] == top else "%d.%d" % top
    # Go 1.21 and later name go.mod as the user's directory sees it, older ones by its path
    shown = project.gomod_path if local[:2] < (1, 21) else posixpath.relpath(
        project.gomod_path, project.directory or posixpath.dirname(project.gomod_path))
    out = []
    for line, message, directive in syntax:
        if directive is None or directive == "toolchain":
            why = _("Go before 1.21 knows neither patch releases in the go line nor the "
                    "toolchain directive (go.dev/doc/toolchain).")
            other = Action.note(_older_syntax(mod, line))
        else:
            since = GOMOD_DIRECTIVES[directive]
            why = _("The %(directive)s directive arrived in Go %(major)d.%(minor)d "
                    "(%(reference)s); %(local)s stops at the first line of go.mod it cannot "
                    "read, before it builds anything.") % {
                        "directive": directive, "major": since[0][0], "minor": since[0][1],
                        "reference": since[1], "local": probe.version}
            other = Action.edit(project.gomod_path, None, old=mod.texts.get(line, directive),
                                description=_(_DROP[directive]))
        out.append(_f(
            "GO-VERSION-SYNTAX", ctx.severity("error"),
            _("%(local)s cannot read %(gomod)s: %(error)s") % {
                "local": probe.version, "gomod": project.gomod_path, "error": message},
            ctx, subject="%s:%d" % (project.gomod_path, line),
            evidence=[Evidence.file(project.gomod_path, mod.texts.get(line, message), line)],
            why=why, predicted_error="go: errors parsing %s:\n%s:%d: %s" % (
                "go.mod" if local[:2] < (1, 21) else shown, shown, line, message),
            fix=[_install_note(release), china_download_action(), other],
            references=[GOMOD_DIRECTIVES[directive][1]] if directive else []))
    return out


# What deleting a directive an older go cannot read costs (the fix's other way).
_DROP = {
    "godebug": N_("or, if the project allows, delete the line: the GODEBUG defaults are then "
                  "the go line's (a //go:debug line in the main package sets them too, and Go "
                  "1.21 reads it)"),
    "tool": N_("or, if the project allows, delete the line: `go tool NAME` no longer runs "
               "that tool; run it with `go run PKG@VERSION`, or keep it in a tools.go file "
               "with a blank import (the way before Go 1.24)"),
    "ignore": N_("or, if the project allows, delete the line: go then walks that directory "
                 "again for ./... (the packages in it, node_modules and the like, are matched "
                 "and built)"),
}


def _file_lang(build):
    """The language version a file's //go:build line gives it (Go 1.21 and later compile a
    file constrained to go1.N with -lang go1.N), or (0, 0)."""
    found = [(int(a), int(b)) for a, b in re.findall(r"\bgo(\d+)\.(\d+)\b", build or "")]
    return max(found) if found else (0, 0)


def _goline_findings(facts, ctx, probe, local, mod):
    """GO-VERSION-GOLINE-LOW: go.mod's go line is lower than a language feature the module
    uses, which the local go has: the compiler refuses it below that language version
    ("requires go1.18 or later (-lang was set to go1.17; check go.mod)", go1.19.8,
    go1.21.13 and go1.27.3 in tests/test_realgo_gomod.py).  One finding per module, the
    newest such feature first, each feature's first use as evidence."""
    lang = gover(mod.go)
    if lang is None:
        return []
    lang = lang[:2]
    gated = [k for k in LANG_GATED if lang < FEATURES[k][0] <= local[:2]]
    if not gated or facts.sources is None:
        return []
    project = facts.project
    goarch = probe.get("GOARCH") or "amd64"
    first = {}  # key -> (file, use)
    for f, use in facts.sources.uses():
        need = FEATURES.get(use.feature, ((99, 0),))[0]
        if use.feature not in gated or _file_lang(f.source.build) >= need or \
                not build_satisfied(f.source.build, "linux", goarch, local[:2]):
            continue
        old = first.get(use.feature)
        if old is None or (old[0].test and not f.test):
            first[use.feature] = (f, use)
    if not first:
        return []
    ordered = sorted(first.items(), key=lambda kv: (FEATURES[kv[0]][0], kv[0]), reverse=True)
    top = FEATURES[ordered[0][0]][0]
    release = "%d.%d" % top
    f, use = ordered[0][1]
    others = len(ordered) - 1
    evidence = [Evidence.file(project.gomod_path, "go %s" % mod.go, mod.go_line)]
    evidence.extend(Evidence.file(g.path, u.text, u.line) for _k, (g, u) in ordered[:5])
    tests_only = all(g.test for _k, (g, _u) in ordered)
    consequence = (_("every Go older than %(release)s then refuses the module: Go 1.21 and "
                     "later say %(refusal)s (or, with GOTOOLCHAIN=auto, download "
                     "go%(release)s.0), older ones build it and add %(note)s when a compile "
                     "fails") % {
                         "release": release,
                         "refusal": "`go: go.mod requires go >= %s`" % release,
                         "note": "`note: module requires Go %s`" % release}
                   if top >= (1, 21) else
                   _("every Go older than %(release)s then notes %(note)s when it fails to "
                     "compile the module") % {
                         "release": release, "note": "`module requires Go %s`" % release})
    if lang < (1, 22) <= top:
        consequence += _("; from go 1.22 on each iteration of a for loop has its own loop "
                         "variables (go.dev/doc/go1.22#language): code that shared them "
                         "changes meaning")
    return [_f(
        "GO-VERSION-GOLINE-LOW", ctx.severity("warn" if tests_only else "error"),
        _("%(gomod)s says go %(go)s, but %(where)s uses %(what)s (Go %(release)s)%(others)s")
        % {"gomod": project.gomod_path, "go": mod.go,
           "where": "%s:%d:%d" % (f.path, use.line, use.column),
           "what": FEATURES[ordered[0][0]][1], "release": release,
           "others": ngettext(" and %(count)d more feature newer than go %(go)s",
                              " and %(count)d more features newer than go %(go)s", others) % {
                                  "count": others, "go": mod.go} if others else ""},
        ctx, subject="goline:%s:%s" % (project.gomod_path, probe.go_real), evidence=evidence,
        why=_("The go line is the module's language version: %(local)s compiles every package "
              "with -lang=go%(major)d.%(minor)d and refuses what a later language brought, "
              "whatever the toolchain knows.") % {
                  "local": probe.version, "major": lang[0], "minor": lang[1]},
        predicted_error="requires go%s or later (-lang was set to go%d.%d; check go.mod)" % (
            release, lang[0], lang[1]),
        fix=[Action.command(["go", "mod", "edit", "-go=" + release, project.gomod_path],
                            description=_("raise the go line to %(release)s, the language the "
                                          "code is written in; %(consequence)s") % {
                                              "release": release, "consequence": consequence}),
             Action.note(_("or write the code without it (the go line stays)"))],
        references=[FEATURES[ordered[0][0]][2]])]


def _older_syntax(mod, line):
    """How to write go.mod so that a Go before 1.21 reads it, and what that costs."""
    if line == mod.toolchain_line:
        return _("or, if the project allows, drop the toolchain line (only Go 1.21 and later "
                 "read it; they switch toolchains by it)")
    lang = ".".join(mod.go.split(".")[:2])
    return _("or, if the project allows, write %(short)s instead of %(long)s: Go before 1.21 "
             "reads it (and builds, failing only on newer features), while Go 1.21 and later "
             "take it as 'any %(lang)s release' (a go that must switch fetches go%(lang)s.0; "
             "go%(lang)src1 already satisfies it) instead of 'at least %(go)s'") % {
                 "short": "`go %s`" % lang, "long": "`go %s`" % mod.go, "lang": lang,
                 "go": mod.go}


def _newer_gomod(facts, ctx, probe, value, where):
    """GO-VERSION-GOMOD-NEWER for a go 1.21 or later: what go does with a go.mod that asks
    for more than it is, as GOTOOLCHAIN lets it (measured with go1.21.13 and go1.27.3:
    tests/test_realgo_toolchain.py)."""
    project = facts.project
    mod = project.gomod
    minimum, switching = _toolchain_mode(value)
    if minimum != "local" and minimum != probe.version:
        return None  # GO-VERSION-TOOLCHAIN-PINNED: go runs another release first
    target, line = _switch_target(mod, gover(probe.version), switching)
    if target is None:
        return None
    shown = value or "local"
    text = ("toolchain %s" if line == mod.toolchain_line else "go %s") % (
        mod.toolchain if line == mod.toolchain_line else mod.go)
    evidence = [Evidence.file(project.gomod_path, text, line),
                _env_evidence(ctx, "GOTOOLCHAIN", shown, where, facts) if where else
                Evidence.fact("GOTOOLCHAIN is not set (local)")]
    asked = target[2:]
    install = _install_note(asked if not is_language_version(target) else asked + ".0",
                            _INSTALL_NOTES[1])
    lang_note = ""
    if line == mod.go_line and is_language_version(mod.go):
        lang_note = _(" %(line)s names a language version: go switches to its first release, "
                      "%(target)s (Go 1.21.1 and later; a prerelease go%(go)src1 would already "
                      "do for %(line)s but not for %(line0)s).") % {
                          "line": "`go %s`" % mod.go, "target": target, "go": mod.go,
                          "line0": "`go %s.0`" % mod.go}
    if switching is None:
        # no switching: the go line alone is compared (a toolchain line is ignored)
        predicted = "go: go.mod requires go >= %s (running go %s; GOTOOLCHAIN=%s)" % (
            mod.go, probe.version[2:], shown)
        return _f("GO-VERSION-GOMOD-NEWER", ctx.severity("error"),
                  _("%(gomod)s needs Go %(go)s; the local go is %(local)s") % {
                      "gomod": project.gomod_path, "go": mod.go, "local": probe.version},
                  ctx, subject="%s:%s" % (project.gomod_path, probe.go_real),
                  evidence=evidence,
                  why=_("GOTOOLCHAIN=%(value)s forbids switching, so go refuses the module.") % {
                      "value": shown},
                  predicted_error=predicted,
                  fix=[install, china_download_action(), Action.note(
                      _("or, with a reachable module proxy, let go fetch it: GOTOOLCHAIN=auto "
                        "and a GOPROXY that serves golang.org/toolchain"))],
                  references=[REFERENCES["toolchains"]])
    fix = [install, china_download_action()]
    if switching == "path":
        found = facts.on_path(ctx, target)
        if found:
            return None  # go runs that release from PATH
        predicted = 'go: cannot find "%s" in PATH' % target
        why = _("GOTOOLCHAIN=%(value)s lets go switch only to a %(target)s program on PATH (as "
                "golang.org/dl installs it), and there is none.") % {
                    "value": shown, "target": target}
        severity = "error"
        fix.append(Action.note(_("or install it as %(target)s on PATH: %(command)s") % {
            "target": target, "command": "go install golang.org/dl/%s@latest && %s download" % (
                target, target)}))
    else:
        sumdb = probe.get("GOSUMDB")
        evidence.append(Evidence.env("GOPROXY", probe.get("GOPROXY"), ctx.label))
        failure = _download_failure(probe, target, sumdb)
        predicted = failure
        why = _("GOTOOLCHAIN=%(value)s lets go fetch the toolchain go.mod asks for: it prints "
                "%(message)s, fetches golang.org/toolchain through GOPROXY, checks it against "
                "the checksum database (always, whatever GOSUMDB says) and runs it; on an "
                "air-gapped host that fails.") % {
                    "value": shown,
                    "message": "'go: downloading %s (%s)'" % (target, _platform(probe))}
        if sumdb == "off":
            evidence.append(Evidence.env("GOSUMDB", "off", ctx.label))
            fix.append(Action.note(_("GOSUMDB=off stops every toolchain download (go verifies "
                                     "toolchains against the checksum database even then): "
                                     "unset it, or install the release locally")))
        severity = "warn" if failure is None else "error"
        if is_language_version(target):
            fix.insert(0, Action.note(_("write the toolchain line as a release: toolchain "
                                        "%(target)s.0 (or drop it)") % {"target": target}))
        fix.append(Action.note(_("or, with a reachable module proxy, let go fetch it: a "
                                 "GOPROXY that serves golang.org/toolchain and the checksum "
                                 "database")))
        entries = [e for e in re.split(r"[,|]", probe.get("GOPROXY") or "") if e]
        if entries and is_official_proxy(entries[0]) and failure is None:
            fix.extend(china_proxy_actions(ctx)[:1])  # goproxy.cn serves golang.org/toolchain
    return _f("GO-VERSION-GOMOD-NEWER", ctx.severity(severity),
              _("%(gomod)s needs %(target)s; %(local)s will try to switch to it") % {
                  "gomod": project.gomod_path, "target": target, "local": probe.version},

              ctx, subject="%s:%s" % (project.gomod_path, probe.go_real), evidence=evidence,
              why=why + lang_note, predicted_error=predicted, fix=fix,
              references=[REFERENCES["toolchains"]])


def _download_failure(probe, target, sumdb=None):
    """What go prints when a toolchain switch downloads `target` through GOPROXY: the
    'downloading' line, then the failure (None when the download might work, e.g.
    through a reachable proxy: only --network can tell).  Measured with go1.21.13 and
    go1.27.3 against GOPROXY=off, an empty file:// proxy, a .invalid host and a local
    proxy (tests/test_realgo_toolchain.py)."""
    platform = _platform(probe)
    proxy = probe.get("GOPROXY")
    entries = [e for e in re.split(r"[,|]", proxy or "") if e]
    downloading = "go: downloading %s (%s)\n" % (target, platform)
    if is_language_version(target):
        missing = ("go: invalid toolchain: %s is a language version but not a toolchain "
                   "version (%s.x)" % (target, target))
    else:
        missing = "go: download %s for %s: toolchain not available" % (target, platform)
    if not entries or entries[0] == "off":
        return downloading + missing
    if entries[0].startswith("file://"):
        return downloading + missing
    host = re.sub(r"^[a-z]+://", "", entries[0]).split("/")[0]
    zipname = "v0.0.1-%s.%s.zip" % (target, platform.replace("/", "-"))
    if host.endswith(".invalid"):
        # go names the toolchain as a module of golang.org/toolchain; the resolver's address
        # follows "lookup HOST" and differs per host, so the prediction stops there.
        base = entries[0] if "://" in entries[0] else "https://" + entries[0]
        return downloading + (
            'go: download %s: golang.org/toolchain@%s: Get "%s/golang.org/toolchain/@v/%s": '
            "dial tcp: lookup %s" % (target, zipname[:-4], base.rstrip("/"), zipname, host))
    if sumdb == "off" and entries[0] != "direct":
        # (a lone file:// GOPROXY is the one exception go makes, above)
        return downloading + ("go: download %s: golang.org/toolchain@%s: verifying module: "
                              "checksum database disabled by GOSUMDB=off" % (target, zipname[:-4]))
    return None
