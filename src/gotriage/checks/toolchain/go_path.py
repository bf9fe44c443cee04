"""GO-PATH: `go` on the PATH of every context, as execvp resolves it (not found,
shadowed by an older one, another release than your shell's)."""

import posixpath

from gotriage.checks import check
from gotriage.checks.toolchain._common import LAYER, _f
from gotriage.findings import Action, Evidence
from gotriage.i18n import _
from gotriage.knowledge.go import REFERENCES


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
            evidence += [Evidence.fact(_("%(path)s exists but is not executable") % {"path": s})
                         for s in skipped]
            evidence.append(Evidence.fact(_("Go installed: %(installs)s") % {
                "installs": ", ".join(i.describe() for i in installs)}))
            if ctx.name == "systemd":
                predicted = ("a unit running `go` fails with status=203/EXEC "
                             "(Failed to execute command: No such file or directory)")
                why = _("systemd gives services its own PATH, not your shell's; a unit that "
                        "runs go needs the full path or an Environment=PATH= line.")
            else:
                predicted = "go: command not found"  # bash; sudo says "sudo: go: command not found"
                why = _("The Go install is there, but its bin directory is not on this "
                        "context's PATH.")
            results.append(_f(
                "GO-PATH-NOT-FOUND", ctx.severity("error"),
                _("go is not on PATH (installed: %(install)s)") % {"install": best.describe()},
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
                _("PATH runs %(version)s from %(go)s, shadowing %(newer)s later on PATH") % {
                    "version": first_install.version_text, "go": probe.go_path,
                    "newer": newer[0].describe()},
                ctx, subject="%s>%s" % (probe.go_path, newer[0].root),
                evidence=[Evidence.env("PATH", ctx.path, ctx.label)]
                + [Evidence.fact("%s -> %s" % pair) for pair in on_path],
                why=_("The first go on PATH wins; builds use the older toolchain without "
                      "saying so."),
                fix=ctx.fix_path(newer[0].bindir, first=True)[:1] + [Action.note(
                    _("put %(newer)s before %(older)s in PATH (or remove the older install)") % {
                        "newer": newer[0].bindir, "older": posixpath.dirname(probe.go_path)})]))
        else:
            results.append(_f("GO-PATH", "ok", _("go is %(go)s (%(version)s)") % {
                "go": probe.go_path, "version": probe.version or _("version unknown")}, ctx))
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
            _("%(context)s runs %(version)s (%(go)s); your shell runs %(mine)s (%(my_go)s)") % {
                "context": ctx.label, "version": other.install.version_text,
                "go": other.go_path, "mine": mine.install.version_text, "my_go": mine.go_path},
            ctx, subject="%s:%s" % (ctx.name, other.install.root),
            evidence=list(ctx.path_evidence) + [Evidence.env("PATH", shell.path, shell.label)],
            why=_("The same command builds with a different compiler and standard library "
                  "depending on how it is run; `sudo go install` also leaves root-owned files "
                  "in caches."),
            fix=ctx.fix_path(mine.install.bindir, first=True)[:1] + [Action.note(
                _("or run it as `sudo %(go)s ...` with the full path") % {"go": mine.go_path})]))

    return out
