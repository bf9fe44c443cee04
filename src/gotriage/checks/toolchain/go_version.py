"""GO-VERSION: the local Go is new enough for the project (go.mod's go and toolchain
lines, features it uses) and GOTOOLCHAIN lets it build."""

import re

from gotriage.checks import NotExamined, check
from gotriage.checks.toolchain._common import LAYER, _env_evidence, _f, _probes, _unset_action
from gotriage.findings import Action, Evidence
from gotriage.knowledge.go import FEATURES, GO_DOWNLOAD_URL, REFERENCES
from gotriage.parsers.goenv import format_version, parse_version

_TOOLCHAIN_VALUE = re.compile(r"^(local|auto|path|go\d+(\.\d+){0,2}((rc|beta)\d+)?(\+(auto|path))?)$")


def _switch_outcome(facts, ctx, probe):
    """Whether go may download a toolchain in ctx: (allowed, GOTOOLCHAIN value, evidence)."""
    value, where = facts.setting(ctx, "GOTOOLCHAIN")
    value = value or "local"
    evidence = [_env_evidence(ctx, "GOTOOLCHAIN", value, where, facts)] if where else [
        Evidence.fact("GOTOOLCHAIN is not set (local)")]
    if value == "local" or value.endswith("+path") or value == "path":
        return False, value, evidence
    evidence.append(Evidence.env("GOPROXY", probe.get("GOPROXY"), ctx.label))
    return True, value, evidence


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
        "go.mod uses syntax that Go before 1.21 cannot parse: a go line with a patch release "
        "(`invalid go version '1.21.1': must match format 1.23`) or a toolchain line "
        "(`unknown directive: toolchain`).",
        "the go.mod line",
        "install Go 1.21 or newer, or write `go 1.N` and drop the toolchain line."),
    "GO-VERSION-FEATURE": (
        "The project uses a feature newer than the local Go: //go:embed in its sources, or "
        "`go install pkg@version` in its Makefile or scripts (both need Go 1.16).",
        "the source, Makefile or script line",
        "install a newer Go."),
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
        raise NotExamined("GO-VERSION skipped: no go.mod in %s, so no Go version to compare "
                          "(--project DIR names a project)" % facts.project.directory)
    if not probes:
        raise NotExamined("GO-VERSION skipped: no Go toolchain answered to compare with %s"
                          % facts.project.gomod_path)
    return [_f("GO-VERSION", "ok", "local Go is new enough for %s" % facts.project.gomod_path)]


_INSTALL = re.compile(r"^install Go (\d+(?:\.\d+){1,2}) or newer")


def _one_release(found):
    """Several needs of one context (//go:embed 1.16, go.mod's go 1.21.1, its toolchain
    line 1.21) each said "install Go X or newer" with its own X: each now names the one
    release that satisfies them all, and which needs that covers."""
    needs = []
    for f in found:
        for action in f.fix[:1]:
            m = _INSTALL.match(action.description or "") if action.kind == "note" else None
            if m:
                needs.append((parse_version(m.group(1)), m.group(1), f, action))
    if len({n[1] for n in needs}) < 2:
        return
    top = max(needs, key=lambda n: n[0])[1]
    covers = ", ".join(sorted({n[1] for n in needs}, key=parse_version))
    for _version, old, _finding, action in needs:
        action.description = action.description.replace(
            "install Go %s or newer" % old, "install Go %s or newer" % top, 1) + (
            "; it meets every need here (Go %s)" % covers)


def _context_versions(facts, ctx, probe):
    """The GO-VERSION findings of one context."""
    results = []
    project = facts.project
    mod = project.gomod
    value, where = facts.setting(ctx, "GOTOOLCHAIN")
    if value is not None and not _TOOLCHAIN_VALUE.match(value):
        results.append(_f(
            "GO-VERSION-TOOLCHAIN-INVALID", ctx.severity("error"),
            "GOTOOLCHAIN=%s is not valid" % value, ctx,
            subject="%s@%s" % (value, where),
            evidence=[_env_evidence(ctx, "GOTOOLCHAIN", value, where, facts)],
            why="GOTOOLCHAIN must be local, auto, path, or goVERSION with an optional "
                "+auto or +path.",
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
        predicted = _download_failure(probe.get("GOPROXY"), target, _platform(probe))
        results.append(_f(
            "GO-VERSION-TOOLCHAIN-PINNED", ctx.severity("error" if predicted else "warn"),
            "GOTOOLCHAIN=%s: every go command switches from %s to %s" % (
                value, probe.version, target), ctx, subject="%s@%s" % (value, where),
            evidence=[_env_evidence(ctx, "GOTOOLCHAIN", value, where, facts),
                      Evidence.env("GOPROXY", probe.get("GOPROXY"), ctx.label)],
            why="GOTOOLCHAIN=goVERSION runs exactly that release (fetched through GOPROXY "
                "unless it is the local one), whatever go.mod says.",
            predicted_error=predicted,
            fix=[_unset_action(ctx, "GOTOOLCHAIN", where, facts),
                 Action.note("or install %s locally and put it first on PATH" % target)],
            references=[REFERENCES["toolchains"]]))
    if project.install_at_version and local[:2] < FEATURES["install-at-version"][0]:
        path, line, text = project.install_at_version
        results.append(_f(
            "GO-VERSION-FEATURE", ctx.severity("error"),
            "%s runs `go install pkg@version`, which needs Go 1.16; the local go is %s" % (
                path, probe.version), ctx, subject="install-at:" + probe.go_real,
            evidence=[Evidence.file(path, text, line)],
            # No predicted_error: no toolchain older than 1.16 is at hand to confirm
            # its exact wording, and gotriage quotes only messages it has seen.
            why="Go 1.16 added `go install pkg@version`; older releases refuse the "
                "path@version syntax outside `go get`.",
            fix=[Action.note("install Go 1.16 or newer (%s)" % GO_DOWNLOAD_URL)]))
    if project.embed and local[:2] < FEATURES["embed"][0]:
        path, line = project.embed
        results.append(_f(
            "GO-VERSION-FEATURE", ctx.severity("error"),
            "%s uses //go:embed, which needs Go 1.16; the local go is %s" % (
                path, probe.version), ctx, subject="embed:" + probe.go_real,
            evidence=[Evidence.file(path, "//go:embed", line)],
            why="//go:embed arrived in Go 1.16.",
            fix=[Action.note("install Go 1.16 or newer (%s)" % GO_DOWNLOAD_URL)]))
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
    if local[:2] < (1, 21):
        if mod.go and mod.go.count(".") >= 2:
            syntax.append((mod.go_line, "invalid go version '%s': must match format 1.23" % mod.go))
        if mod.toolchain:
            syntax.append((mod.toolchain_line, "unknown directive: toolchain"))
        for line, message in syntax:
            results.append(_f(
                "GO-VERSION-SYNTAX", ctx.severity("error"),
                "%s cannot read %s: %s" % (probe.version, project.gomod_path, message),
                ctx, subject="%s:%d" % (project.gomod_path, line),
                evidence=[Evidence.file(project.gomod_path, message, line)],
                why="Go before 1.21 knows neither patch releases in the go line nor the "
                    "toolchain directive (go.dev/doc/toolchain).",
                predicted_error="go: errors parsing go.mod:\n%s:%d: %s" % (
                    project.gomod_path, line, message),
                fix=[Action.note("install Go %s or newer (%s)" % (
                    needed if need and need > (1, 21) else "1.21", GO_DOWNLOAD_URL)),
                     Action.note("or, if the project allows, write the go line as "
                                 "'go 1.N' and drop the toolchain line")]))
    if need is not None and local[:2] >= (1, 21) and need > local:
        will_switch, mode, evidence = _switch_outcome(facts, ctx, probe)
        evidence.insert(0, Evidence.file(project.gomod_path, "go %s" % mod.go, mod.go_line))
        if will_switch:
            # Go 1.21+ names a bare "go 1.N" line as release 1.N.0 (seen: go1.99.0).
            target = "go" + format_version(need)
            predicted = _download_failure(probe.get("GOPROXY"), target, _platform(probe))
            title = "%s needs Go %s; %s will try to download %s" % (
                project.gomod_path, needed, probe.version, target)
            why = ("GOTOOLCHAIN=%s lets go fetch the toolchain go.mod asks for, through "
                   "GOPROXY; on an air-gapped host that fails." % mode)
            severity = "warn" if predicted is None else "error"
        else:
            predicted = "go: go.mod requires go >= %s (running go %s; GOTOOLCHAIN=%s)" % (
                needed, probe.version[2:], mode)
            title = "%s needs Go %s; the local go is %s" % (
                project.gomod_path, needed, probe.version)
            why = "GOTOOLCHAIN=%s forbids switching, so go refuses the module." % mode
            severity = "error"
        results.append(_f(
            "GO-VERSION-GOMOD-NEWER", ctx.severity(severity), title, ctx,
            subject="%s:%s" % (project.gomod_path, probe.go_real), evidence=evidence, why=why,
            predicted_error=predicted,
            fix=[Action.note("install Go %s or newer (%s) and put it first on PATH"
                             % (needed, GO_DOWNLOAD_URL)),
                 Action.note("or, with a reachable module proxy, let go fetch it: "
                             "GOTOOLCHAIN=auto and a GOPROXY that serves golang.org/toolchain")],
            references=[REFERENCES["toolchains"]]))
    elif need is not None and local[:2] < (1, 21) and need[:2] > local[:2] and not syntax:
        # (when this go cannot even read go.mod, GO-VERSION-SYNTAX says so: it does not
        # "only warn")
        results.append(_f(
            "GO-VERSION-GOMOD-NEWER", ctx.severity("warn"),
            "%s says go %s; %s is older and only warns" % (
                project.gomod_path, mod.go, probe.version), ctx,
            subject="%s:%s" % (project.gomod_path, probe.go_real),
            evidence=[Evidence.file(project.gomod_path, "go %s" % mod.go, mod.go_line)],
            why="Go before 1.21 builds a module that asks for a newer Go and fails only on "
                "newer language or library features, with `note: module requires Go %s`."
                % mod.go,
            predicted_error="note: module requires Go %s" % mod.go,
            fix=[Action.note("install Go %s or newer (%s)" % (mod.go, GO_DOWNLOAD_URL))]))
    return results


def _download_failure(proxy, target, platform):
    """The error go prints when a toolchain switch downloads through `proxy` (None when the
    download might work, e.g. through a reachable proxy: only --network can tell)."""
    entries = [e for e in re.split(r"[,|]", proxy or "") if e]
    if not entries or entries[0] == "off":
        return "go: download %s for %s: toolchain not available" % (target, platform)
    if entries[0].startswith("file://"):
        return "go: download %s for %s: toolchain not available" % (target, platform)
    host = re.sub(r"^[a-z]+://", "", entries[0]).split("/")[0]
    if host.endswith(".invalid"):
        # go names the toolchain as a module of golang.org/toolchain; the resolver's address
        # follows "lookup HOST" and differs per host, so the prediction stops there.
        base = entries[0] if "://" in entries[0] else "https://" + entries[0]
        zipname = "v0.0.1-%s.%s.zip" % (target, platform.replace("/", "-"))
        return ('go: download %s: golang.org/toolchain@%s: Get "%s/golang.org/toolchain/@v/%s": '
                "dial tcp: lookup %s" % (target, zipname[:-4], base.rstrip("/"), zipname, host))
    return None
