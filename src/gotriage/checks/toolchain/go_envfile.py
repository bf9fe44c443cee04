"""GO-ENVFILE: the go env file of each context is readable and holds Go settings
only (and no GOROOT)."""

import re

from gotriage.checks import check
from gotriage.checks.toolchain._common import LAYER, _f, _unset_action
from gotriage.findings import Action, Evidence
from gotriage.i18n import _
from gotriage.knowledge.go import REFERENCES

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
                "GO-ENVFILE-UNREADABLE", "warn",
                _("go env file %(path)s cannot be read (%(error)s)") % {
                    "path": envfile.path, "error": envfile.error.message},
                ctx, subject=envfile.path,
                evidence=[Evidence.file(envfile.path, envfile.error.message)],
                why=_("go reads this file on every command."),
                fix=[Action.command(["ls", "-l", envfile.path]),
                     Action.note(_("make it readable by its owner, or remove it"))]))
            continue
        root = envfile.values.get("GOROOT")
        if root is not None:
            results.append(_f(
                "GO-ENVFILE-GOROOT", ctx.severity("warn") if root.value else "warn",
                _("GOROOT=%(value)s is written in the go env file %(path)s") % {
                    "value": root.value, "path": envfile.path}, ctx,
                subject=envfile.path,
                evidence=[Evidence.file(envfile.path, root.text, root.line)],
                why=_("The go env file is shared by every Go version the user runs: any other "
                      "install will now use this root's compiler and fail."),
                fix=[_unset_action(ctx, "GOROOT", envfile.path, facts)],
                references=[REFERENCES["environment"]]))
        for entry in envfile.lines:
            problem = None
            if not entry.valid:
                problem = _("not a NAME=VALUE line")
            elif not _KNOWN_VARS.match(entry.name):
                problem = _("%(name)s is not a Go setting") % {"name": entry.name}
            if problem:
                results.append(_f(
                    "GO-ENVFILE-INVALID", "warn", _("%(path)s line %(line)d: %(problem)s") % {
                        "path": envfile.path, "line": entry.line, "problem": problem}, ctx,
                    subject="%s:%d" % (envfile.path, entry.line),
                    evidence=[Evidence.file(envfile.path, entry.text, entry.line)],
                    why=_("go ignores or rejects such lines; someone meant something by it."),
                    fix=[Action.edit(envfile.path, None, old=entry.text, syntax="plain")]))
        if not results or all(r.subject != envfile.path for r in results):
            results.append(_f("GO-ENVFILE", "ok", (_("go env file %(path)s") if envfile.exists
                                                   else _("go env file %(path)s (none)")) % {
                "path": envfile.path}, ctx))

    return results
