"""GO-MODULES: module mode (GO111MODULE, GOPATH, GOFLAGS) and the project's go.mod."""

import posixpath
import re

from gotriage.checks import check
from gotriage.checks.toolchain._common import (
    LAYER,
    _env_evidence,
    _f,
    _probes,
    _unset_action,
    china_download_action,
)
from gotriage.findings import Action, Evidence
from gotriage.i18n import _
from gotriage.knowledge.go import REFERENCES, gopath_is_goroot_warning
from gotriage.parsers.goenv import parse_version
from gotriage.quoting import shell_word


@check("GO-MODULES", LAYER, "module mode and the project's go.mod", findings={
    "GO-MODULES-OFF": (
        "GO111MODULE=off: go ignores go.mod and works in GOPATH mode; module commands fail "
        "with `go: modules disabled by GO111MODULE=off`.",
        "the setting and where it is set",
        "unset it (module mode is the default since Go 1.16)."),
    "GO-MODULES-INVALID": (
        "GO111MODULE has a value other than on, off or auto: `go: unknown environment setting`.",
        "the setting and where it is set",
        "unset it."),
    "GO-MODULES-NO-GOMOD": (
        "The project has .go files but no go.mod in it or above it: `go: go.mod file not found "
        "in current directory or any parent directory`.",
        "the project directory and its .go files",
        "`go mod init MODULE-PATH` then `go mod tidy` in the project."),
    "GO-MODULES-GOMOD-INVALID": (
        "go.mod cannot be parsed (binary data, not UTF-8, an unknown directive).",
        "the go.mod line",
        "fix or regenerate go.mod."),
    "GO-MODULES-VENDOR-MISSING": (
        "GOFLAGS has -mod=vendor but the module has no vendor/modules.txt.",
        "GOFLAGS and where it is set; the missing vendor directory",
        "`go mod vendor` in the module, or remove -mod=vendor from GOFLAGS."),
    "GO-MODULES-GOPATH": (
        "GOPATH is relative (`go: GOPATH entry is relative; must be absolute path`) or the "
        "same directory as GOROOT (go warns and mixes downloads into the Go install).",
        "`go env GOPATH GOROOT`",
        "unset GOPATH (default $HOME/go) or make it absolute and separate."),
    "GO-MODULES-GOFLAGS": (
        "GOFLAGS holds something that is not a flag: every go command fails with `go: parsing "
        "$GOFLAGS: non-flag`.",
        "GOFLAGS and where it is set",
        "unset GOFLAGS or write it as -flag=value words."),
    "GO-MODULES-GOPATH-MODE": (
        "go works in GOPATH mode here (GO111MODULE=off; GO111MODULE=auto without go.mod; a "
        "Go before 1.11) and the project is not where GOPATH mode looks for it: an import "
        "(the project's own packages, a dependency) is in no $GOROOT/src or $GOPATH/src "
        "directory, `cannot find package \"...\" in any of: ...`.",
        "the import (file:line), the directories go looks in, and what put go in GOPATH mode",
        "module mode: unset GO111MODULE (with `go mod init` where go.mod is missing); or move "
        "the project to $GOPATH/src/IMPORT/PATH."),
})
def modules(facts):
    """GO111MODULE, GOPATH, GOFLAGS in each context, and the project's go.mod."""
    results = []
    gopath_modes = []
    project = facts.project
    # Settings are read from the environment and go env file, so they are judged even when
    # `go env` itself fails because of them (GO-PROBE-FAILED then has the message).
    for ctx, probe in _probes(facts):
        value, where = facts.setting(ctx, "GO111MODULE")
        if value is not None:
            mode = value.strip()
            if mode == "off":
                results.append(_f(
                    "GO-MODULES-OFF", ctx.severity("warn"), "GO111MODULE=off", ctx,
                    subject="%s@%s" % (mode, where),
                    evidence=[_env_evidence(ctx, "GO111MODULE", value, where, facts)],
                    why=_("Module mode is how Go has built since 1.16; with it off, go.mod is "
                          "ignored and imports are looked up in GOPATH/src."),
                    predicted_error="go: modules disabled by GO111MODULE=off; see 'go help modules'",
                    fix=[_unset_action(ctx, "GO111MODULE", where, facts)],
                    references=[REFERENCES["modules"]]))
            elif mode not in ("", "on", "auto"):
                results.append(_f(
                    "GO-MODULES-INVALID", ctx.severity("error"),
                    _("GO111MODULE=%(value)s is not on, off or auto") % {"value": value}, ctx,
                    subject="%s@%s" % (value, where),
                    evidence=[_env_evidence(ctx, "GO111MODULE", value, where, facts)],
                    why=_("go refuses to run with an unknown GO111MODULE value."),
                    predicted_error='go: unknown environment setting GO111MODULE=%s' % value,
                    fix=[_unset_action(ctx, "GO111MODULE", where, facts)]))
        gopath = probe.get("GOPATH") if probe.ok else (facts.setting(ctx, "GOPATH")[0] or "")
        goroot_used = probe.get("GOROOT") if probe.ok else (
            probe.install.root if probe.install else "")
        for entry in [p for p in gopath.split(":") if p]:
            if not entry.startswith("/"):
                results.append(_f(
                    "GO-MODULES-GOPATH", ctx.severity("error"),
                    _("GOPATH entry %(entry)r is relative") % {"entry": entry}, ctx,
                    subject="relative:" + entry,
                    evidence=[Evidence.command(probe.result, "GOPATH=%s" % gopath) if probe.ok
                              else Evidence.env("GOPATH", gopath, ctx.label)],
                    why=_("go refuses a relative GOPATH."),
                    predicted_error='go: GOPATH entry is relative; must be absolute path: "%s".' % entry,
                    fix=[Action.note(_("set GOPATH to an absolute path, or unset it "
                                       "(the default is $HOME/go)"))]))
            elif goroot_used and posixpath.normpath(entry) == posixpath.normpath(goroot_used):
                results.append(_f(
                    "GO-MODULES-GOPATH", ctx.severity("warn"),
                    _("GOPATH is the same as GOROOT (%(path)s)") % {"path": entry}, ctx,
                    subject="goroot:" + entry,
                    evidence=[Evidence.command(probe.result, "GOPATH=%s GOROOT=%s" % (gopath, goroot_used))],
                    why=_("GOPATH holds your downloads and builds; pointing it at GOROOT mixes "
                          "them into the Go install and go ignores it."),
                    predicted_error=gopath_is_goroot_warning(probe.version, entry),
                    fix=[Action.note(_("unset GOPATH (default $HOME/go) or point it "
                                       "elsewhere"))]))
        flags_value, flags_where = facts.setting(ctx, "GOFLAGS")
        flags = (flags_value or "").split()
        bad = [f for f in flags if not f.startswith("-")]
        if bad:
            results.append(_f(
                "GO-MODULES-GOFLAGS", ctx.severity("error"),
                _("GOFLAGS has %(word)r, which is not a flag") % {"word": bad[0]}, ctx,
                subject="%s@%s" % (flags_value, flags_where),
                evidence=[_env_evidence(ctx, "GOFLAGS", flags_value, flags_where, facts)],
                why=_("GOFLAGS is a space-separated list of -flag=value settings; anything else "
                      "makes every go command fail."),
                predicted_error='go: parsing $GOFLAGS: non-flag "%s"' % bad[0],
                fix=[_unset_action(ctx, "GOFLAGS", flags_where, facts)]))
        if ("-mod=vendor" in flags and project.gomod is not None and not project.vendor):
            module_root = posixpath.dirname(project.gomod_path)
            results.append(_f(
                "GO-MODULES-VENDOR-MISSING", ctx.severity("error"),
                _("GOFLAGS=-mod=vendor but %(root)s has no vendor directory") % {
                    "root": module_root}, ctx,
                subject=module_root,
                evidence=[_env_evidence(ctx, "GOFLAGS", flags_value, flags_where, facts),
                          Evidence.fact(_("%(path)s does not exist") % {
                              "path": "%s/vendor/modules.txt" % module_root})],
                why=_("-mod=vendor builds only from vendor/; without it dependencies are not "
                      "found."),
                fix=[Action.command(["go", "mod", "vendor"],
                                    description=_("in %(dir)s") % {"dir": module_root}),
                     _unset_action(ctx, "GOFLAGS", flags_where, facts)]))
        if probe.ok:
            gopath_modes.append(_gopath_reason(facts, ctx, probe) is not None)
        results.extend(_gopath_mode(facts, ctx, probe, results))
    # (where go works in GOPATH mode in every context, it never looks for go.mod)
    if project.exists and project.go_files and project.gomod is None and not (
            gopath_modes and all(gopath_modes)):
        results.append(_f(
            "GO-MODULES-NO-GOMOD", "warn",
            _("%(dir)s has Go files but no go.mod") % {"dir": project.directory},
            subject=project.directory,
            evidence=[Evidence.fact("%s: %s" % (project.directory, ", ".join(project.go_files[:5]))),
                      Evidence.fact(_("no go.mod in %(dir)s or any parent directory") % {
                          "dir": project.directory})],
            why=_("Since Go 1.16 go builds only modules."),
            predicted_error="go: go.mod file not found in current directory or any parent "
                            "directory; see 'go help modules'",
            fix=_mod_init_fix(project.directory)))
    if project.gomod is not None and project.gomod.errors:
        line, message = project.gomod.errors[0]
        results.append(_f(
            "GO-MODULES-GOMOD-INVALID", "error", "%s:%d: %s" % (project.gomod_path, line, message),
            subject=project.gomod_path,
            evidence=[Evidence.file(project.gomod_path, message, line)],
            why=_("go reads go.mod before anything else; a broken one stops every build."),
            fix=[Action.note(_("fix or regenerate %(path)s (go mod init, go mod tidy)") % {
                "path": project.gomod_path})]))
    if not results:
        where = project.gomod_path or _("no go.mod (not a Go project directory)")
        results.append(_f("GO-MODULES", "ok", _("module mode on; project %(dir)s: %(gomod)s") % {
            "dir": project.directory, "gomod": where}))
    return results


_MODULE_ELEMENT = re.compile(r"^[A-Za-z0-9_~][A-Za-z0-9._~-]*$")


def _gopath_reason(facts, ctx, probe):
    """Why go works in GOPATH mode in ctx, or None when it uses modules: (reason, the
    GO-MODULES-OFF finding's key or None).  As cmd/go decides: off always; auto (or,
    before Go 1.16, unset) only without a go.mod, and in Go 1.11 and 1.12 also inside
    GOPATH/src; before Go 1.11 there are no modules."""
    value, where = facts.setting(ctx, "GO111MODULE")
    mode = (value or "").strip()
    version = parse_version(probe.version)
    if version is None:
        return None
    if version[:2] < (1, 11):
        return _("%(version)s predates modules (Go 1.11)") % {"version": probe.version}, None
    if mode == "off":
        return "GO111MODULE=off", ("GO-MODULES-OFF", "off@%s" % where)
    if mode == "on" or (mode == "" and version[:2] >= (1, 16)):
        return None
    gomod = facts.project.gomod_path
    shown = "GO111MODULE=%s" % mode if mode else _("GO111MODULE unset (auto before Go 1.16)")
    if gomod is None:
        return _("%(setting)s and no go.mod") % {"setting": shown}, None
    if version[:2] < (1, 13) and any(
            facts.project.directory.startswith(posixpath.join(p, "src") + "/")
            for p in probe.get("GOPATH").split(":") if p):
        return _("%(setting)s inside GOPATH/src (%(version)s)") % {
            "setting": shown, "version": probe.version}, None
    return None


def _gopath_mode(facts, ctx, probe, results):
    """GO-MODULES-GOPATH-MODE: in GOPATH mode, the first import of the project's sources
    that go finds neither in $GOROOT/src nor in any $GOPATH/src (nor, inside GOPATH, in a
    vendor directory), with what go prints (measured with go1.19.8, 1.21.13, 1.27.3)."""
    if not probe.ok:
        return []
    reason = _gopath_reason(facts, ctx, probe)
    sources = facts.gopath_sources if reason else None
    if sources is None:
        return []
    goroot = probe.get("GOROOT")
    gopath = [p for p in probe.get("GOPATH").split(":") if p.startswith("/")]
    checked = set()
    for f, imp in sources.imports():
        if f.test or imp.path in checked or imp.path == "C":
            continue
        checked.add(imp.path)
        if len(checked) > 200:
            break
        if any(facts.gopath_package(root, imp.path) for root in [goroot] + gopath):
            continue
        if _vendored(facts, sources.root, gopath, imp.path):
            continue
        relative = posixpath.relpath(f.path, facts.project.directory)
        looked = ["\t%s/src/%s (from $GOROOT)" % (goroot, imp.path)] + [
            "\t%s/src/%s%s" % (root, imp.path, " (from $GOPATH)" if n == 0 else "")
            for n, root in enumerate(gopath)]
        predicted = '%s:%d:%d: cannot find package "%s" in any of:\n%s' % (
            relative, imp.line, imp.column, imp.path, "\n".join(looked))
        text, cause = reason
        own = _own_import_path(facts, sources, imp.path)
        off = [r for r in results if cause and (r.id, r.subject) == cause]
        for r in off:  # GO111MODULE=off is no longer a habit to drop: it breaks this build
            r.severity = ctx.severity("error")
        return [_f(
            "GO-MODULES-GOPATH-MODE", ctx.severity("error"),
            _("GOPATH mode (%(reason)s) cannot find package %(package)s") % {
                "reason": text, "package": imp.path}, ctx,
            subject="%s:%s" % (imp.path, probe.go_real),
            evidence=[Evidence.file(f.path, 'import "%s"' % imp.path, imp.line),
                      Evidence.command(probe.result, "GOPATH=%s GOROOT=%s" % (
                          probe.get("GOPATH"), goroot)),
                      Evidence.fact(_("%(dir)s is not under %(gopath)s") % {
                          "dir": sources.root, "gopath": _(" or ").join(
                              posixpath.join(p, "src", own) for p in gopath)}) if own else
                      Evidence.fact((_("%(package)s is in no GOPATH src directory nor in "
                                       "%(dir)s/vendor") if _in_gopath(sources.root, gopath) else
                                     _("%(package)s is in no GOPATH src directory")) % {
                          "package": imp.path, "dir": sources.root})],
            why=_("In GOPATH mode go ignores go.mod and looks for every import in $GOROOT/src "
                  "and $GOPATH/src only; %(package)s is in neither%(own)s.") % {
                "package": imp.path,
                "own": _(" (it is the project's own package: the project is not at "
                         "$GOPATH/src/%(path)s)") % {"path": own} if own else ""},
            predicted_error=predicted,
            fix=_gopath_fixes(facts, ctx, probe, reason, own, gopath),
            cause=cause if off else None,
            references=[REFERENCES["modules"], "https://go.dev/wiki/GOPATH"])]
    return []


def _in_gopath(root, gopath):
    """The import path of `root` when it is inside a $GOPATH/src, else None."""
    for entry in gopath:
        src = posixpath.join(entry, "src") + "/"
        if root.startswith(src):
            return root[len(src):]
    return None


def _vendored(facts, root, gopath, path):
    """Inside $GOPATH/src, a vendor directory at the project's root serves imports too."""
    return _in_gopath(root, gopath) is not None and facts.gopath_package(root, path, vendor=True)


def _own_import_path(facts, sources, path):
    """The project's import path when `path` is one of its own packages: go.mod's module
    path, or `path` less the project subdirectory it names (example.com/app/util and a
    util/ directory: example.com/app)."""
    mod = facts.project.gomod
    if mod is not None and mod.module and (path == mod.module or path.startswith(mod.module + "/")):
        return mod.module
    directories = {posixpath.dirname(f.relative) for f in sources.files}
    for sub in sorted(directories, key=len, reverse=True):
        if sub and sub != "." and path.endswith("/" + sub):
            return path[:-len(sub) - 1]
    return None


def _gopath_fixes(facts, ctx, probe, reason, own, gopath):
    text, cause = reason
    fixes = []
    version = parse_version(probe.version)
    if version[:2] < (1, 11):
        fixes.append(Action.note(_("install a Go with modules (1.16 or newer builds in module "
                                   "mode by default): https://go.dev/dl/")))
        fixes.append(china_download_action())
    elif cause is not None:
        value, where = facts.setting(ctx, "GO111MODULE")
        fixes.append(_unset_action(ctx, "GO111MODULE", where, facts))
    else:
        fixes.append(Action.note(_("build in module mode: GO111MODULE=on (or unset it with Go "
                                   "1.16 and later)")))
    if facts.project.gomod is None and version[:2] >= (1, 11):
        path = own or _in_gopath(facts.gopath_sources.root, gopath) or "IMPORT/PATH"
        fixes.append(Action.command(["go", "mod", "init", path],
                                    description=_("in %(dir)s: modules need a go.mod, then go "
                                                  "mod tidy") % {"dir": facts.project.directory}))
    if own and gopath:
        target = posixpath.join(gopath[0], "src", own)
        fixes.append(Action.note(_("or keep GOPATH mode and move the project where it looks: "
                                   "%(command)s") % {"command": "mkdir -p %s && mv %s %s" % (
                                       shell_word(posixpath.dirname(target)),
                                       shell_word(facts.gopath_sources.root),
                                       shell_word(target))}))
    return fixes


def _mod_init_fix(directory):
    """`go mod init` with the directory's name as a local module path, when it is one."""
    name = posixpath.basename(directory.rstrip("/"))
    if not _MODULE_ELEMENT.match(name):
        return [Action.note(_("in %(dir)s: go mod init with the module's import path (e.g. "
                              "github.com/you/project), then go mod tidy") % {
                                  "dir": shell_word(directory)})]
    return [Action.command(["go", "mod", "init", name],
                           description=_("in %(dir)s; a repository's module takes its import "
                                         "path instead (e.g. github.com/you/%(name)s)") % {
                                             "dir": directory, "name": name}),

            Action.command(["go", "mod", "tidy"])]
