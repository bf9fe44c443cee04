"""GO-ROOT: the GOROOT the go on PATH uses is a Go root of the same release."""

import posixpath
import re

from gotriage.checks import check
from gotriage.checks.toolchain._common import LAYER, _env_evidence, _f, _probes, _unset_action
from gotriage.findings import Action, Evidence
from gotriage.i18n import _
from gotriage.knowledge.go import REFERENCES
from gotriage.parsers.goenv import parse_version

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
                if facts.is_dir(value):
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
                    fix.append(Action.note(_("go finds its own root (%(root)s) when GOROOT is "
                                             "unset") % {"root": probe.install.root}))
                results.append(_f(
                    "GO-ROOT-MISSING", ctx.severity("error"),
                    _("GOROOT=%(value)s is not a Go root") % {"value": value}, ctx,
                    subject="%s@%s" % (value, where),
                    evidence=[_env_evidence(ctx, "GOROOT", value, where, facts)]
                    + ([Evidence.command(probe.result)] if not probe.ok else []),
                    why=_("go looks for its compiler and standard library under GOROOT; a "
                          "wrong GOROOT breaks every command, and a GOROOT in the go env file "
                          "breaks every installed Go at once."),
                    predicted_error=predicted, fix=fix, references=[REFERENCES["environment"]]))
                continue
        if missing and not value:
            results.append(_f(
                "GO-ROOT-TRIMMED", ctx.severity("error"),
                _("%(go)s cannot find its GOROOT") % {"go": probe.go_path}, ctx,
                subject=probe.go_real,
                evidence=[Evidence.command(probe.result),
                          Evidence.fact(_("%(path)s is not inside a Go root (no ../pkg/tool next "
                                          "to it)") % {"path": probe.go_real})],
                why=_("A go binary finds GOROOT from its own location; copied elsewhere (not "
                      "symlinked), it has no standard library."),
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
                _("%(go)s is %(version)s but uses GOROOT %(root)s (%(root_version)s)") % {
                    "go": probe.go_path, "version": tool_version, "root": used_root,
                    "root_version": root_version}, ctx,
                subject="%s@%s" % (probe.go_real, used_root),
                evidence=cause + [Evidence.command(probe.result, "GOROOT=%s GOVERSION=%s" % (
                    used_root, tool_version)),
                    Evidence.file(posixpath.join(used_root, "VERSION"), root_version, 1)],
                why=_("The go command runs the compiler and linker of GOROOT; a different "
                      "release refuses to work with it."),
                predicted_error='compile: version "%s" does not match go tool version "%s"' % (
                    root_version, tool_version),
                fix=fix, references=[REFERENCES["environment"]],
                # GOROOT written in the go env file is the problem GO-ENVFILE-GOROOT reports
                cause=("GO-ENVFILE-GOROOT", where) if value and where not in (None, "env") and
                not where.endswith("/go.env") else None))
        else:
            results.append(_f("GO-ROOT", "ok", _("GOROOT %(root)s (%(version)s)") % {
                "root": used_root, "version": root_version or tool_version}, ctx))
    return results


def _trimmed_fix(facts, probe):
    best = facts.installs[0] if facts.installs else None
    fix = [Action.command(["rm", probe.go_path], safe=False,
                          description=_("remove the copy, then link the real one"))]

    if best is not None:
        fix.append(Action.command(["ln", "-s", best.go, probe.go_path]))
    return fix
