"""The Go toolchain layer: can `go` build here, in every context that runs it?

Contexts (facts/contexts.py): your shell, sudo, systemd services, and with --user NAME
that user's login shell.  Each check looks at every context and says in which ones a
problem appears.  The messages quoted in `predicted_error` are what real toolchains print
(reproduced in tests/test_realgo.py).
"""

import posixpath
import re

from gotriage.checks import check
from gotriage.checks.unanswered import answered_title, hung_doc, hung_findings
from gotriage.findings import Action, Evidence, Finding, is_system_dir, operands
from gotriage.knowledge.go import (
    CACHE_REQUIRED_SINCE,
    CGO_PACKAGES,
    FEATURES,
    GO_DOWNLOAD_URL,
    GOLANG_PACKAGE,
    REFERENCES,
    gopath_is_goroot_warning,
)
from gotriage.parsers.goenv import format_version, parse_version
from gotriage.quoting import shell_word

LAYER = "toolchain"


def _f(id, severity, title, ctx=None, **kw):
    contexts = [ctx.name] if ctx is not None else kw.pop("contexts", [])
    return Finding(id, severity, title, layer=LAYER, contexts=contexts, **kw)


def _probes(facts):
    """(context, probe) for every context whose PATH has a go."""
    for ctx in facts.contexts:
        probe = facts.probe(ctx)
        if probe is not None:
            yield ctx, probe


def _working_probes(facts):
    for ctx, probe in _probes(facts):
        if probe.ok:
            yield ctx, probe


def _env_evidence(ctx, name, value, where, facts):
    """Evidence for a setting, from the environment or the line of the go env file."""
    if where == "env":
        return Evidence.env(name, value, ctx.label)
    envfile = facts.env_file(ctx)
    if envfile is not None and where == envfile.path and name in envfile.values:
        entry = envfile.values[name]
        return Evidence.file(envfile.path, entry.text, entry.line)
    return Evidence.file(where, "%s=%s" % (name, value))


def _unset_action(ctx, name, where, facts):
    """How to remove a setting: unset it in the environment, or `go env -u` it."""
    if where == "env":
        return Action.note("remove %s from the environment of %s (unset %s, and the line "
                           "that exports it in your profile)" % (name, ctx.label, name))
    envfile = facts.env_file(ctx)
    if envfile is not None and where == envfile.path and name in envfile.values:
        return Action.edit(envfile.path, None, old=envfile.values[name].text, syntax="plain",
                           description="every installed Go reads this file; edit it by hand: "
                                       "`go env -u %s` fails while the value is broken, and "
                                       "Go 1.27 refuses it (`go: GOROOT cannot be modified`)" % name
                           if name == "GOROOT" else
                           "every installed Go reads this file; `go env -u %s` does the same" % name)
    return Action.note("remove %s from %s" % (name, where))


# ---------------------------------------------------------------------------------------
@check("GO-INSTALL", LAYER, "a Go toolchain is installed", findings={
    "GO-INSTALL-NONE": (
        "No Go install in the usual places (/usr/local/go, /usr/lib/golang, /usr/lib/go-*, "
        "/opt/go*, ~/sdk/go*, ~/go) nor on any PATH.",
        "the directories searched",
        "`dnf install -y golang` (yum on EL7, from EPEL), or a go.dev release in /usr/local/go."),
    "GO-INSTALL-BROKEN": (
        "A directory has bin/go but is not a usable Go root (no pkg/tool or no VERSION): a "
        "half-copied or half-removed install.",
        "which file is missing, and how the install was found (a PATH, GOROOT...)",
        "reinstall it into an empty directory, or remove it."),
})
def installs(facts):
    """Lists the Go installs on the host (by real path) and flags broken ones."""
    found = facts.installs
    if not found:
        pm = facts.package_manager
        return [_f("GO-INSTALL-NONE", "info", "no Go toolchain installed (only needed to build Go)",
                   why="Running a built Go binary needs no toolchain; building needs one.",
                   fix=[Action.command([pm, "install", "-y", GOLANG_PACKAGE[pm]],
                                       description="the distribution's Go"),
                        Action.note("or a current release from %s, unpacked into /usr/local/go"
                                    % GO_DOWNLOAD_URL)],
                   references=[REFERENCES["install"]])]
    results = []
    for install in found:
        if not install.valid or not install.version:
            missing = "pkg/tool" if not install.valid else "VERSION"
            results.append(_f(
                "GO-INSTALL-BROKEN", "warn", "%s is not a complete Go root (no %s)" % (
                    install.root, missing),
                subject=install.root,
                evidence=[Evidence.fact("%s/bin/go exists; %s/%s does not" % (
                    install.root, install.root, missing))] + [Evidence.fact("found as " + h) for h in install.found_as],
                why="go finds its compiler and standard library under GOROOT/pkg/tool; without "
                    "it every build fails, and a go on PATH from here shadows working installs.",
                fix=[Action.note("reinstall it (unpack the whole release archive into an empty "
                                 "directory) or remove %s" % install.root)]))
    usable = [i for i in found if i.valid and i.version]
    if usable:
        results.append(_f("GO-INSTALL", "ok", "Go installs: %s" % ", ".join(i.describe() for i in usable),
                          evidence=[Evidence.fact("%s (found as %s)" % (i.describe(), "; ".join(i.found_as)))
                                    for i in usable]))
    return results


# ---------------------------------------------------------------------------------------
@check("GO-PATH", LAYER, "go is on PATH in every context", findings={
    "GO-PATH-NOT-FOUND": (
        "In a context (your shell, sudo, systemd services, a user's login shell) `go` is not "
        "on PATH although a Go install exists: `go: command not found`.",
        "the PATH of that context and where it comes from (the sudoers secure_path line, "
        "systemd's default PATH, the environment), and the installs found",
        "the exact line to add: /etc/profile.d/go.sh or ~/.bash_profile, the sudoers "
        "secure_path line (with visudo), or the unit's Environment=PATH= drop-in."),
    "GO-PATH-SHADOWED": (
        "Several go binaries are on one PATH; the first one wins and is older than another "
        "install later on the same PATH.",
        "the PATH and every go on it with its real path",
        "a PATH line that puts the newer install first, or removing the old one."),
    "GO-PATH-DIFFERS": (
        "sudo (or another user's login shell) runs a different Go release than your shell, so "
        "`sudo go install` or `sudo make` builds with the other one.",
        "both PATHs and where they come from",
        "put your Go first on that context's PATH (e.g. the secure_path line), or call it by "
        "its full path."),
})
def go_on_path(facts):
    """Resolves `go` on the PATH of every context, as execvp would."""
    results = []
    installs = [i for i in facts.installs if i.valid and i.version]
    if not installs:
        return results
    best = installs[0]
    for ctx in facts.contexts:
        probe = facts.probe(ctx)
        if probe is None:
            skipped = facts.path_skipped(ctx)
            evidence = list(ctx.path_evidence)
            evidence += [Evidence.fact("%s exists but is not executable" % s) for s in skipped]
            evidence.append(Evidence.fact("Go installed: " + ", ".join(i.describe() for i in installs)))
            if ctx.name == "systemd":
                predicted = ("a unit running `go` fails with status=203/EXEC "
                             "(Failed to execute command: No such file or directory)")
                why = ("systemd gives services its own PATH, not your shell's; a unit that runs "
                       "go needs the full path or an Environment=PATH= line.")
            else:
                predicted = "go: command not found"  # bash; sudo says "sudo: go: command not found"
                why = ("The Go install is there, but its bin directory is not on this "
                       "context's PATH.")
            results.append(_f(
                "GO-PATH-NOT-FOUND", ctx.severity("error"),
                "go is not on PATH (installed: %s)" % best.describe(),
                ctx, subject=ctx.name, evidence=evidence, why=why,
                predicted_error=predicted, fix=ctx.fix_path(best.bindir),
                references=[REFERENCES["install"]]))
            continue
        on_path = facts.go_on_path_all(ctx)
        first_install = probe.install
        later = [facts.install_of(real) for _, real in on_path[1:]]
        newer = [i for i in later if i is not None and first_install is not None
                 and (i.version_tuple or (0,)) > (first_install.version_tuple or (0,))]
        if newer:
            results.append(_f(
                "GO-PATH-SHADOWED", "warn",
                "PATH runs %s from %s, shadowing %s later on PATH" % (
                    first_install.version_text, probe.go_path, newer[0].describe()),
                ctx, subject="%s>%s" % (probe.go_path, newer[0].root),
                evidence=[Evidence.env("PATH", ctx.path, ctx.label)]
                + [Evidence.fact("%s -> %s" % pair) for pair in on_path],
                why="The first go on PATH wins; builds use the older toolchain without saying so.",
                fix=ctx.fix_path(newer[0].bindir, first=True)[:1] + [Action.note(
                    "put %s before %s in PATH (or remove the older install)" % (
                        newer[0].bindir, posixpath.dirname(probe.go_path)))]))
        else:
            results.append(_f("GO-PATH", "ok", "go is %s (%s)" % (
                probe.go_path, probe.version or "version unknown"), ctx))
    results.extend(_differs_from_shell(facts))
    return results


def _differs_from_shell(facts):
    """sudo and login shells that run another Go release than the shell does."""
    shell = facts.contexts[0]
    mine = facts.probe(shell)
    if mine is None or mine.install is None:
        return []
    out = []
    for ctx in facts.contexts[1:]:
        if ctx.name == "systemd":
            continue  # services are the services layer's business
        other = facts.probe(ctx)
        if other is None or other.install is None or other.install.root == mine.install.root:
            continue
        if other.install.version == mine.install.version:
            continue
        out.append(_f(
            "GO-PATH-DIFFERS", "warn",
            "%s runs %s (%s); your shell runs %s (%s)" % (
                ctx.label, other.install.version_text, other.go_path, mine.install.version_text,
                mine.go_path), ctx, subject="%s:%s" % (ctx.name, other.install.root),
            evidence=list(ctx.path_evidence) + [Evidence.env("PATH", shell.path, shell.label)],
            why="The same command builds with a different compiler and standard library "
                "depending on how it is run; `sudo go install` also leaves root-owned files "
                "in caches.",
            fix=ctx.fix_path(mine.install.bindir, first=True)[:1] + [Action.note(
                "or run it as `sudo %s ...` with the full path" % mine.go_path)]))
    return out


# ---------------------------------------------------------------------------------------
@check("GO-PROBE", LAYER, "go env answers in every context", findings={
    "GO-PROBE-FAILED": (
        "`go env -json` failed or timed out in a context: every go command there fails the "
        "same way.",
        "the command, its exit status and output (or the timeout)",
        "the message names the cause; see the other findings of that context."),
})
def probe_runs(facts):
    """Runs `go env -json NAME...` (GOTOOLCHAIN=local, bounded by a timeout) in each context."""
    results = []
    for ctx, probe in _probes(facts):
        if probe.ok:
            continue
        result = probe.result
        if result.error == "not-recorded":
            facts.notes.append("the snapshot has no `go env` output for %s" % ctx.label)
            continue
        if result.error == "deadline":
            continue  # not started before the run's deadline: GO-INPUT says so
        message = result.errtext.strip().splitlines()
        first = message[0] if message else result.excerpt(1)
        if result.timed_out:
            title = "`go env` did not answer within %.0f s" % result.duration
            why = ("A go that hangs on `go env` hangs on every command: a stuck network "
                   "filesystem under GOROOT, GOCACHE or GOPATH, or a wrapper script that waits.")
        else:
            title = "`go env` fails: %s" % first
            why = "Every go command in this context fails before doing anything."
        results.append(_f("GO-PROBE-FAILED", ctx.severity("error"), title, ctx,
                          subject="%s:%s" % (probe.go_real, first),
                          evidence=[Evidence.command(result)], why=why,
                          predicted_error=first if not result.timed_out else None,
                          fix=[Action.note("see the other findings for %s; the message above "
                                           "names the cause" % ctx.label)]))
    for ctx, _probe in _working_probes(facts):
        results.append(_f("GO-PROBE", "ok", "`go env` answers", ctx))
    return results


# ---------------------------------------------------------------------------------------
_CANNOT_FIND_GOROOT = re.compile(r"cannot find GOROOT directory: (.*)")


@check("GO-ROOT", LAYER, "GOROOT matches the go that runs", findings={
    "GO-ROOT-MISSING": (
        "GOROOT (environment or go env file) names a directory that does not exist (`go: "
        "cannot find GOROOT directory`) or holds no Go (`package fmt is not in std`).",
        "the GOROOT setting and where it is set (variable or go env file line)",
        "unset GOROOT (go finds its own root) or delete the go env file line."),
    "GO-ROOT-MISMATCH": (
        "The go binary and the GOROOT it uses are different releases: builds fail with "
        "`compile: version \"goX\" does not match go tool version \"goY\"`.",
        "`go env GOROOT GOVERSION`, the root's VERSION file, and the GOROOT setting that caused it",
        "unset GOROOT or delete the go env file line; for a copied binary, replace it with a "
        "symlink."),
    "GO-ROOT-TRIMMED": (
        "A go binary copied out of its Go root (cp, not ln -s) with no GOROOT set cannot find "
        "its standard library.",
        "the failing `go env` and the binary's location",
        "remove the copy and symlink the real bin/go."),
})
def goroot(facts):
    """Compares the go on PATH, GOROOT (environment, go env file), `go env GOROOT` and the
    VERSION file of that root."""
    results = []
    for ctx, probe in _probes(facts):
        value, where = facts.setting(ctx, "GOROOT")
        if where is not None and where.endswith("/go.env"):
            value, where = None, None
        stderr = probe.result.errtext
        missing = _CANNOT_FIND_GOROOT.search(stderr) if not probe.ok else None
        if value:
            st_root = facts.install_at(value)
            if st_root is None or not st_root.valid:
                if facts.host.is_dir(value):
                    # An existing directory is taken as GOROOT; the standard library is
                    # then missing from it (go1.19: "not in GOROOT", go1.21+: "not in std").
                    where_word = "std" if (parse_version(probe.version) or (0,))[:2] >= (1, 21) \
                        else "GOROOT"
                    predicted = "package fmt is not in %s (%s/src/fmt)" % (
                        where_word, value.rstrip("/"))
                else:
                    predicted = "go: cannot find GOROOT directory: %s" % value
                if missing:
                    predicted = missing.group(0).strip()
                    if not predicted.startswith("go: "):
                        predicted = "go: " + predicted
                fix = [_unset_action(ctx, "GOROOT", where, facts)]
                if probe.install is not None:
                    fix.append(Action.note("go finds its own root (%s) when GOROOT is unset"
                                           % probe.install.root))
                results.append(_f(
                    "GO-ROOT-MISSING", ctx.severity("error"),
                    "GOROOT=%s is not a Go root" % value, ctx,
                    subject="%s@%s" % (value, where),
                    evidence=[_env_evidence(ctx, "GOROOT", value, where, facts)]
                    + ([Evidence.command(probe.result)] if not probe.ok else []),
                    why="go looks for its compiler and standard library under GOROOT; a wrong "
                        "GOROOT breaks every command, and a GOROOT in the go env file breaks "
                        "every installed Go at once.",
                    predicted_error=predicted, fix=fix, references=[REFERENCES["environment"]]))
                continue
        if missing and not value:
            results.append(_f(
                "GO-ROOT-TRIMMED", ctx.severity("error"),
                "%s cannot find its GOROOT" % probe.go_path, ctx,
                subject=probe.go_real,
                evidence=[Evidence.command(probe.result),
                          Evidence.fact("%s is not inside a Go root (no ../pkg/tool next to it)"
                                        % probe.go_real)],
                why="A go binary finds GOROOT from its own location; copied elsewhere (not "
                    "symlinked), it has no standard library.",
                predicted_error=stderr.strip().splitlines()[0] if stderr.strip() else None,
                fix=_trimmed_fix(facts, probe)))
            continue
        if not probe.ok:
            continue
        used_root = probe.get("GOROOT")
        root_install = facts.install_at(used_root)
        tool_version = probe.get("GOVERSION")
        root_version = root_install.version if root_install else None
        if tool_version and root_version and tool_version != root_version:
            cause = []
            if value:
                cause.append(_env_evidence(ctx, "GOROOT", value, where, facts))
            fix = []
            if value:
                fix.append(_unset_action(ctx, "GOROOT", where, facts))
            elif probe.install is None:
                fix.extend(_trimmed_fix(facts, probe))
            results.append(_f(
                "GO-ROOT-MISMATCH", ctx.severity("error"),
                "%s is %s but uses GOROOT %s (%s)" % (
                    probe.go_path, tool_version, used_root, root_version), ctx,
                subject="%s@%s" % (probe.go_real, used_root),
                evidence=cause + [Evidence.command(probe.result, "GOROOT=%s GOVERSION=%s" % (
                    used_root, tool_version)),
                    Evidence.file(posixpath.join(used_root, "VERSION"), root_version, 1)],
                why="The go command runs the compiler and linker of GOROOT; a different release "
                    "refuses to work with it.",
                predicted_error='compile: version "%s" does not match go tool version "%s"' % (
                    root_version, tool_version),
                fix=fix, references=[REFERENCES["environment"]]))
        else:
            results.append(_f("GO-ROOT", "ok", "GOROOT %s (%s)" % (
                used_root, root_version or tool_version), ctx))
    return results


def _trimmed_fix(facts, probe):
    best = facts.installs[0] if facts.installs else None
    fix = [Action.command(["rm", probe.go_path], safe=False,
                          description="remove the copy, then link the real one")]
    if best is not None:
        fix.append(Action.command(["ln", "-s", best.go, probe.go_path]))
    return fix


# ---------------------------------------------------------------------------------------
_KNOWN_VARS = re.compile(r"^(GO[A-Z0-9_]*|CGO_[A-Z_]+|CC|CXX|AR|PKG_CONFIG|GCCGO|FC)$")


@check("GO-ENVFILE", LAYER, "the go env file is sane", findings={
    "GO-ENVFILE-GOROOT": (
        "GOROOT is written in the go env file (`go env -w GOROOT=`, still allowed by Go 1.19): "
        "every installed Go reads that file and uses that root.",
        "the file and line",
        "delete the line (or `go env -u GOROOT`)."),
    "GO-ENVFILE-INVALID": (
        "The go env file has a line go cannot use: not NAME=VALUE, or not a Go setting.",
        "the file and line",
        "delete the line."),
    "GO-ENVFILE-UNREADABLE": (
        "The go env file exists but cannot be read by the user that runs go.",
        "the file and the error",
        "make it readable by its owner, or remove it."),
})
def env_file(facts):
    """Reads the go env file of each context (`go env GOENV`) and checks its lines."""
    results = []
    for ctx in facts.contexts:
        envfile = facts.env_file(ctx)
        if envfile is None:
            continue
        if envfile.error is not None and not envfile.error.missing:
            results.append(_f(
                "GO-ENVFILE-UNREADABLE", "warn", "go env file %s cannot be read (%s)" % (
                    envfile.path, envfile.error.message), ctx, subject=envfile.path,
                evidence=[Evidence.file(envfile.path, envfile.error.message)],
                why="go reads this file on every command.",
                fix=[Action.command(["ls", "-l", envfile.path]),
                     Action.note("make it readable by its owner, or remove it")]))
            continue
        root = envfile.values.get("GOROOT")
        if root is not None:
            results.append(_f(
                "GO-ENVFILE-GOROOT", ctx.severity("warn") if root.value else "warn",
                "GOROOT=%s is written in the go env file %s" % (root.value, envfile.path), ctx,
                subject=envfile.path,
                evidence=[Evidence.file(envfile.path, root.text, root.line)],
                why="The go env file is shared by every Go version the user runs: any other "
                    "install will now use this root's compiler and fail.",
                fix=[_unset_action(ctx, "GOROOT", envfile.path, facts)],
                references=[REFERENCES["environment"]]))
        for entry in envfile.lines:
            problem = None
            if not entry.valid:
                problem = "not a NAME=VALUE line"
            elif not _KNOWN_VARS.match(entry.name):
                problem = "%s is not a Go setting" % entry.name
            if problem:
                results.append(_f(
                    "GO-ENVFILE-INVALID", "warn", "%s line %d: %s" % (
                        envfile.path, entry.line, problem), ctx,
                    subject="%s:%d" % (envfile.path, entry.line),
                    evidence=[Evidence.file(envfile.path, entry.text, entry.line)],
                    why="go ignores or rejects such lines; someone meant something by it.",
                    fix=[Action.edit(envfile.path, None, old=entry.text, syntax="plain")]))
        if not results or all(r.subject != envfile.path for r in results):
            results.append(_f("GO-ENVFILE", "ok", "go env file %s%s" % (
                envfile.path, "" if envfile.exists else " (none)"), ctx))
    return results


# ---------------------------------------------------------------------------------------
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
})
def modules(facts):
    """GO111MODULE, GOPATH, GOFLAGS in each context, and the project's go.mod."""
    results = []
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
                    why="Module mode is how Go has built since 1.16; with it off, go.mod is "
                        "ignored and imports are looked up in GOPATH/src.",
                    predicted_error="go: modules disabled by GO111MODULE=off; see 'go help modules'",
                    fix=[_unset_action(ctx, "GO111MODULE", where, facts)],
                    references=[REFERENCES["modules"]]))
            elif mode not in ("", "on", "auto"):
                results.append(_f(
                    "GO-MODULES-INVALID", ctx.severity("error"),
                    "GO111MODULE=%s is not on, off or auto" % value, ctx,
                    subject="%s@%s" % (value, where),
                    evidence=[_env_evidence(ctx, "GO111MODULE", value, where, facts)],
                    why="go refuses to run with an unknown GO111MODULE value.",
                    predicted_error='go: unknown environment setting GO111MODULE=%s' % value,
                    fix=[_unset_action(ctx, "GO111MODULE", where, facts)]))
        gopath = probe.get("GOPATH") if probe.ok else (facts.setting(ctx, "GOPATH")[0] or "")
        goroot_used = probe.get("GOROOT") if probe.ok else (
            probe.install.root if probe.install else "")
        for entry in [p for p in gopath.split(":") if p]:
            if not entry.startswith("/"):
                results.append(_f(
                    "GO-MODULES-GOPATH", ctx.severity("error"),
                    "GOPATH entry %r is relative" % entry, ctx,
                    subject="relative:" + entry,
                    evidence=[Evidence.command(probe.result, "GOPATH=%s" % gopath) if probe.ok
                              else Evidence.env("GOPATH", gopath, ctx.label)],
                    why="go refuses a relative GOPATH.",
                    predicted_error='go: GOPATH entry is relative; must be absolute path: "%s".' % entry,
                    fix=[Action.note("set GOPATH to an absolute path, or unset it "
                                     "(the default is $HOME/go)")]))
            elif goroot_used and posixpath.normpath(entry) == posixpath.normpath(goroot_used):
                results.append(_f(
                    "GO-MODULES-GOPATH", ctx.severity("warn"),
                    "GOPATH is the same as GOROOT (%s)" % entry, ctx,
                    subject="goroot:" + entry,
                    evidence=[Evidence.command(probe.result, "GOPATH=%s GOROOT=%s" % (gopath, goroot_used))],
                    why="GOPATH holds your downloads and builds; pointing it at GOROOT mixes them "
                        "into the Go install and go ignores it.",
                    predicted_error=gopath_is_goroot_warning(probe.version, entry),
                    fix=[Action.note("unset GOPATH (default $HOME/go) or point it elsewhere")]))
        flags_value, flags_where = facts.setting(ctx, "GOFLAGS")
        flags = (flags_value or "").split()
        bad = [f for f in flags if not f.startswith("-")]
        if bad:
            results.append(_f(
                "GO-MODULES-GOFLAGS", ctx.severity("error"),
                "GOFLAGS has %r, which is not a flag" % bad[0], ctx,
                subject="%s@%s" % (flags_value, flags_where),
                evidence=[_env_evidence(ctx, "GOFLAGS", flags_value, flags_where, facts)],
                why="GOFLAGS is a space-separated list of -flag=value settings; anything else "
                    "makes every go command fail.",
                predicted_error='go: parsing $GOFLAGS: non-flag "%s"' % bad[0],
                fix=[_unset_action(ctx, "GOFLAGS", flags_where, facts)]))
        if ("-mod=vendor" in flags and project.gomod is not None and not project.vendor):
            module_root = posixpath.dirname(project.gomod_path)
            results.append(_f(
                "GO-MODULES-VENDOR-MISSING", ctx.severity("error"),
                "GOFLAGS=-mod=vendor but %s has no vendor directory" % module_root, ctx,
                subject=module_root,
                evidence=[_env_evidence(ctx, "GOFLAGS", flags_value, flags_where, facts),
                          Evidence.fact("%s/vendor/modules.txt does not exist" % module_root)],
                why="-mod=vendor builds only from vendor/; without it dependencies are not found.",
                fix=[Action.command(["go", "mod", "vendor"], description="in %s" % module_root),
                     _unset_action(ctx, "GOFLAGS", flags_where, facts)]))
    if project.exists and project.go_files and project.gomod is None:
        results.append(_f(
            "GO-MODULES-NO-GOMOD", "warn", "%s has Go files but no go.mod" % project.directory,
            subject=project.directory,
            evidence=[Evidence.fact("%s: %s" % (project.directory, ", ".join(project.go_files[:5]))),
                      Evidence.fact("no go.mod in %s or any parent directory" % project.directory)],
            why="Since Go 1.16 go builds only modules.",
            predicted_error="go: go.mod file not found in current directory or any parent "
                            "directory; see 'go help modules'",
            fix=_mod_init_fix(project.directory)))
    if project.gomod is not None and project.gomod.errors:
        line, message = project.gomod.errors[0]
        results.append(_f(
            "GO-MODULES-GOMOD-INVALID", "error", "%s:%d: %s" % (project.gomod_path, line, message),
            subject=project.gomod_path,
            evidence=[Evidence.file(project.gomod_path, message, line)],
            why="go reads go.mod before anything else; a broken one stops every build.",
            fix=[Action.note("fix or regenerate %s (go mod init, go mod tidy)" % project.gomod_path)]))
    if not results:
        where = project.gomod_path or "no go.mod (not a Go project directory)"
        results.append(_f("GO-MODULES", "ok", "module mode on; project %s: %s" % (
            project.directory, where)))
    return results


# ---------------------------------------------------------------------------------------
_TOOLCHAIN_VALUE = re.compile(r"^(local|auto|path|go\d+(\.\d+){0,2}((rc|beta)\d+)?(\+(auto|path))?)$")


_MODULE_ELEMENT = re.compile(r"^[A-Za-z0-9_~][A-Za-z0-9._~-]*$")


def _mod_init_fix(directory):
    """`go mod init` with the directory's name as a local module path, when it is one."""
    name = posixpath.basename(directory.rstrip("/"))
    if not _MODULE_ELEMENT.match(name):
        return [Action.note("in %s: go mod init with the module's import path (e.g. "
                            "github.com/you/project), then go mod tidy" % shell_word(directory))]
    return [Action.command(["go", "mod", "init", name],
                           description="in %s; a repository's module takes its import path "
                                       "instead (e.g. github.com/you/%s)" % (directory, name)),
            Action.command(["go", "mod", "tidy"])]


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
    project = facts.project
    mod = project.gomod
    for ctx, probe in _probes(facts):
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
            continue
        local = parse_version(probe.version)
        if local is None:
            continue
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
            continue
        if local[:2] < (1, 21):
            syntax = []
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
                    fix=[Action.note("install Go 1.21 or newer (%s)" % GO_DOWNLOAD_URL),
                         Action.note("or, if the project allows, write the go line as "
                                     "'go 1.N' and drop the toolchain line")]))
        needed = mod.go
        if mod.toolchain and mod.toolchain.startswith("go"):
            tool = parse_version(mod.toolchain)
            if tool and parse_version(needed or "0") and tool > parse_version(needed):
                needed = mod.toolchain[2:].split("-")[0].split("+")[0]
        need = parse_version(needed) if needed else None
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
        elif need is not None and local[:2] < (1, 21) and need[:2] > local[:2]:
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
    if not results:
        results.append(_f("GO-VERSION", "ok", "local Go is new enough for %s" % (
            project.gomod_path or "the project (no go.mod)")))
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


# ---------------------------------------------------------------------------------------
@check("GO-CGO", LAYER, "cgo has a C compiler and libc headers", findings={
    "GO-CGO-NO-CC": (
        "No C compiler for cgo.  With CGO_ENABLED=1 (or Go before 1.20) cgo builds fail: `cgo: "
        "C compiler \"gcc\" not found`; Go 1.20+ silently turns cgo off, so cgo-only packages "
        "give the misleading `build constraints exclude all Go files`.",
        "`go env CC CGO_ENABLED` and the PATH searched",
        "`dnf install -y gcc glibc-devel` (yum on EL7), or CGO_ENABLED=0 on purpose."),
    "GO-CGO-NO-HEADERS": (
        "gcc is there but glibc's headers are not: `fatal error: stdlib.h: No such file or "
        "directory`.",
        "/usr/include/stdlib.h is missing",
        "`dnf install -y glibc-devel`."),
})
def cgo(facts):
    """The effective CGO_ENABLED, the C compiler (CC) on PATH, and /usr/include/stdlib.h."""
    results = []
    pm = facts.package_manager
    pkgs = CGO_PACKAGES.get(pm, CGO_PACKAGES["dnf"])
    for ctx, probe in _working_probes(facts):
        cc = probe.get("CC") or "gcc"
        explicit, where = facts.setting(ctx, "CGO_ENABLED")
        compiler = facts.c_compiler(ctx, cc)
        if compiler is None:
            local = parse_version(probe.version) or (0,)
            if explicit == "1" or local[:2] < FEATURES["cgo-auto-off"][0]:
                # cgo stays on (set explicitly, or Go before 1.20): every cgo build fails.
                severity, predicted = "error", (
                    'cgo: C compiler "%s" not found: exec: "%s": executable file not found in $PATH'
                    % (cc, cc))
            else:
                severity = "warn"
                predicted = ("build constraints exclude all Go files in <package> "
                             "(for packages that need cgo); net and os/user fall back to pure Go")
            results.append(_f(
                "GO-CGO-NO-CC", ctx.severity(severity),
                "no C compiler %r for cgo (CGO_ENABLED=%s)" % (
                    cc, probe.get("CGO_ENABLED") or "?"), ctx,
                evidence=[Evidence.command(probe.result, "CC=%s CGO_ENABLED=%s" % (
                    cc, probe.get("CGO_ENABLED"))), Evidence.env("PATH", ctx.path, ctx.label)],
                why="Packages with import \"C\" (sqlite3, many drivers) need a C compiler; "
                    "Go 1.20+ quietly builds without cgo when none is found.",
                predicted_error=predicted,
                fix=[Action.command([pm, "install", "-y", pkgs["cc"], pkgs["headers"]]),
                     Action.note("or build without cgo on purpose: CGO_ENABLED=0")]))
            continue
        if facts.libc_headers is None and probe.get("CGO_ENABLED") == "1":
            results.append(_f(
                "GO-CGO-NO-HEADERS", ctx.severity("warn"),
                "C compiler %s found but glibc headers are missing" % compiler, ctx,
                subject="headers",
                evidence=[Evidence.fact("/usr/include/stdlib.h does not exist")],
                why="cgo compiles C code that includes libc headers; without the package every "
                    "cgo build stops at the first #include.",
                predicted_error="fatal error: stdlib.h: No such file or directory",
                fix=[Action.command([pm, "install", "-y", pkgs["headers"]])]))
            continue
        results.append(_f("GO-CGO", "ok", "CGO_ENABLED=%s, C compiler %s" % (
            probe.get("CGO_ENABLED"), compiler), ctx))
    return results


# ---------------------------------------------------------------------------------------
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
                "no build cache location: GOCACHE, XDG_CACHE_HOME and HOME are unset", ctx, subject=ctx.name,
                evidence=[Evidence.command(probe.result, "GOCACHE=%s (HOME, XDG_CACHE_HOME "
                                           "and GOCACHE not set)" % (gocache or '""'))],
                why="go needs a build cache; with no HOME (systemd services, cron) it cannot "
                    "place one.",
                predicted_error="build cache is required, but could not be located: GOCACHE is "
                                "not defined and neither $XDG_CACHE_HOME nor $HOME are defined",
                fix=_cache_fix(ctx)))
        elif gocache == "off":
            problems += 1
            results.append(_f(
                "GO-CACHE-OFF", ctx.severity("error"), "GOCACHE=off", ctx,
                subject="off",
                evidence=[Evidence.command(probe.result, "GOCACHE=off")],
                why="The build cache is required since Go 1.12.",
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
                    "%s=%s is a relative path" % (name, first), ctx,
                    subject="%s:%s" % (name, first),
                    evidence=[Evidence.command(probe.result, "%s=%s" % (name, value))],
                    why="go refuses relative cache and module paths.",
                    predicted_error="go: %s entry is relative; must be absolute path: \"%s\"." % (
                        name, first) if name != "GOCACHE" else
                    "build cache is required, but could not be located: GOCACHE is not an absolute path",
                    fix=[Action.note("set %s to an absolute path or unset it" % name)]))
                continue
            writable, owner_path, st = _writable(facts, ctx, first)
            if not writable:
                problems += 1
                results.append(_f(
                    "GO-CACHE-NOT-WRITABLE", ctx.severity("error"),
                    "%s %s is not writable by %s" % (name, first, ctx.identity.user),
                    ctx, subject="%s:%s:%s" % (name, first, ctx.identity.user),
                    evidence=[Evidence.fact("%s: mode %04o, owner uid %d gid %d; %s is uid %d" % (
                        owner_path, st.perms, st.uid, st.gid, ctx.identity.user, ctx.identity.uid))],
                    why="Often left behind by a `sudo go build` or `sudo go mod download`, which "
                        "creates root-owned directories in the user's home.",
                    predicted_error="open %s/...: permission denied" % first,
                    fix=_not_writable_fix(ctx, name, first, owner_path, st)))
        if not problems:
            results.append(_f("GO-CACHE", "ok", "GOCACHE %s, GOMODCACHE %s" % (
                probe.get("GOCACHE"), probe.get("GOMODCACHE") or "(none)"), ctx))
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
                                   description="give it back to %s" % user, as_user=as_root)]
        if judged == path and not is_system_dir(judged):
            return [Action.command(["chown", "-R"] + operands("%s:" % user, judged),
                                   description="only if %s is meant for %s alone" % (judged, user),
                                   as_user=as_root, safe=False), other_way]
        return [other_way]
    # `path` does not exist and its nearest parent is not the user's: create the first
    # missing directory for the user, go creates the rest.
    rest = path[len(judged.rstrip("/")):].lstrip("/")
    missing = posixpath.join(judged, rest.split("/")[0])
    return [Action.command(["install", "-d", "-m", "0700", "-o"] + operands(user, missing),
                           description="create it for %s" % user, as_user="root"), other_way]


def _point_elsewhere(ctx, name):
    if ctx.name == "systemd" or ctx.name.startswith("unit:"):
        return Action.note("or give the unit a cache of its own: CacheDirectory= and "
                           "Environment=%s= in its drop-in (`gotriage service NAME` prints them)"
                           % name)
    return Action.note("or set %s to a directory %s owns (unset, go uses one under HOME)"
                       % (name, ctx.identity.user))


def _writable(facts, ctx, path):
    """Whether ctx's user may create files at `path`: the directory if it exists, else its
    nearest existing parent.  Returns (writable, path judged, stat)."""
    current = path
    while True:
        st = facts.host.try_stat(current)
        if st is not None:
            if not st.is_dir:
                return False, current, st
            return st.permits(ctx.identity, "w") and st.permits(ctx.identity, "x"), current, st
        parent = posixpath.dirname(current)
        if parent == current:
            return True, current, None
        current = parent


def _cache_fix(ctx):
    if ctx.name == "systemd":
        return [Action.note("a unit that runs go needs a cache of its own: CacheDirectory= "
                            "and Environment=GOCACHE= in its drop-in (`gotriage service NAME` "
                            "prints them for the unit)")]
    return [Action.note("set HOME, or GOCACHE to a directory %s can write, in %s" % (
        ctx.identity.user, ctx.label))]


# ---------------------------------------------------------------------------------------
_SCHEMES = ("https://", "http://", "file://")


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
                "unset GOPROXY or set it to https://proxy.golang.org,direct")
    for entry in entries:
        if entry in ("direct", "off"):
            continue
        scheme, sep, rest = entry.partition("://")
        if not sep:
            if "//" in entry or entry.startswith(("http:", "https:", "file:")):
                return (entry, 'Get "https://%s/' % entry.replace("//", "/"),
                        "a scheme is missing its colon or slashes: write https://HOST")
            continue
        if scheme not in ("https", "http", "file"):
            return (entry, "invalid proxy URL scheme (must be https, http, file): %s" % entry,
                    "use an https:// (or http://, file://) URL")
        if scheme == "file" and not rest.startswith("/"):
            return (entry, "invalid file:// proxy URL with non-path elements: %s" % entry,
                    "a file proxy is file:///ABSOLUTE/PATH (three slashes)")
        if scheme != "file" and not rest.split("/")[0]:
            return (entry, "http: no Host in request URL", "write the proxy's host name")
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
        "a reachable proxy, or GOPROXY=off with vendor/."),
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
                "GOPROXY entry %r cannot work" % entry, ctx,
                subject=proxy,
                evidence=[Evidence.command(probe.result, "GOPROXY=%s" % proxy)],
                why="go tries the GOPROXY entries in order; this one fails every module "
                    "download (the error appears only when something must be downloaded).",
                predicted_error=message, fix=[Action.note(fix)],
                references=[REFERENCES["goproxy"]]))
        elif entries[:1] == ["off"]:
            results.append(_f(
                "GO-PROXY-OFF", "info", "GOPROXY=off: modules are never downloaded",
                ctx, subject="proxy-off",
                evidence=[Evidence.command(probe.result, "GOPROXY=%s" % proxy)],
                why="Builds work only from vendor/ or the module cache.",
                predicted_error="module lookup disabled by GOPROXY=off"))
        for name in ("GOPROXY", "HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy",
                     "GOFLAGS"):
            value = ctx.env.get(name) if name != "GOPROXY" else proxy
            if value and re.search(r"://[^/@\s]+@", value):
                results.append(_f(
                    "GO-PROXY-CREDENTIALS", "warn",
                    "%s carries credentials" % name, ctx,
                    subject="%s:%s" % (name, value),
                    evidence=[Evidence.fact("%s=%s" % (name, re.sub(r"://[^/@\s]+@", "://<redacted>@", value)))],
                    why="Every process of the user can read them (/proc/PID/environ); go reads "
                        "credentials from ~/.netrc (mode 0600) or GOAUTH instead.",
                    fix=[Action.note("move the credentials to ~/.netrc (chmod 600) and drop them "
                                     "from %s" % name)]))
            bad_proxy = _http_proxy_problem(value) if name.lower().endswith("_proxy") else None
            if bad_proxy:
                results.append(_f(
                    "GO-PROXY-HTTP-PROXY-INVALID", ctx.severity("error"),
                    "%s=%s is not a valid proxy URL" % (name, value), ctx,
                    subject="%s:%s" % (name, value),
                    evidence=[Evidence.env(name, value, ctx.label)],
                    why="Go cannot parse it, retries it as http://VALUE, and ends up dialling "
                        "a host named after the scheme: every download fails.",
                    predicted_error=bad_proxy,
                    fix=[Action.note("write it as http://HOST:PORT (numeric port, no spaces)")]))
        netrc = facts.netrc(ctx)
        if netrc is not None and netrc[1].perms & 0o077:
            path, st, machines = netrc
            results.append(_f(
                "GO-PROXY-NETRC-READABLE", "warn",
                "%s is readable by other users (mode %04o)" % (path, st.perms), ctx, subject=path,
                evidence=[Evidence.fact("%s: mode %04o, owner uid %d; entries for: %s" % (
                    path, st.perms, st.uid, ", ".join(machines) or "(none)"))],
                why="It holds the passwords or tokens go sends to proxies and private module "
                    "hosts.",
                fix=[Action.command(["chmod", "600", path])]))
        sumdb = probe.get("GOSUMDB")
        if sumdb == "off":
            results.append(_f(
                "GO-PROXY-SUMDB-OFF", "info", "GOSUMDB=off: module downloads are not "
                "checked against the checksum database", ctx,
                evidence=[Evidence.command(probe.result, "GOSUMDB=off")],
                why="Fine for a private proxy that you trust; otherwise prefer GONOSUMDB/GOPRIVATE "
                    "for private modules only.",
                fix=[Action.note("set GOPRIVATE=your.private.domain instead of GOSUMDB=off")]))
        if facts.network and entries and entries[0].startswith(("http://", "https://")):
            reach = facts.proxy_reachable(ctx, entries[0])
            if reach is not None and not reach.ok:
                results.append(_f(
                    "GO-PROXY-UNREACHABLE", ctx.severity("error"),
                    "GOPROXY %s does not answer from this host" % entries[0], ctx,
                    subject=entries[0], evidence=[Evidence.command(reach)],
                    why="Module and toolchain downloads go through it.",
                    predicted_error="dial tcp: i/o timeout / connection refused",
                    fix=[Action.note("use a reachable proxy, or GOPROXY=off with a vendor/ tree")]))
        if len(results) == count:
            results.append(_f("GO-PROXY", "ok", "GOPROXY=%s GOSUMDB=%s" % (
                proxy or "(unset)", sumdb or "(unset)"), ctx))
    return results


# ---------------------------------------------------------------------------------------
@check("GO-INPUT", LAYER, "the commands the toolchain verdicts read answered", findings={
    "GO-INPUT-HUNG": hung_doc("the toolchain verdicts (systemctl show-environment for the "
                              "systemd context, su for --user, go env when the run's deadline "
                              "had passed)"),
})
def inputs(facts):
    """Runs after the other toolchain checks (the runner's rule for -INPUT checks): every
    command the contexts were built from that timed out, and every `go env` not started
    before the run's deadline (a go that hangs is GO-PROBE-FAILED)."""
    hung = [_f("GO-INPUT-HUNG", "warn", title, **kw) for title, kw in hung_findings(facts.inputs)]
    if hung or not facts.inputs.answered:
        return hung
    return [_f("GO-INPUT", "ok", answered_title(facts.inputs))]
