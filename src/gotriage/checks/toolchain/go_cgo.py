"""GO-CGO: cgo has a C compiler and libc headers."""

from gotriage.checks import check
from gotriage.checks.toolchain._common import LAYER, _f, _working_probes
from gotriage.findings import Action, Evidence
from gotriage.i18n import _
from gotriage.knowledge.go import CGO_PACKAGES, FEATURES
from gotriage.parsers.goenv import parse_version


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
        if compiler is None and explicit == "0":
            results.append(_f("GO-CGO", "ok", _(
                "cgo is off on purpose (CGO_ENABLED=0 set in %(where)s): no C compiler "
                "needed") % {"where": _("the environment") if where in (None, "env") else where},
                ctx))
            continue
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
                _("no C compiler %(cc)r for cgo (CGO_ENABLED=%(enabled)s)") % {
                    "cc": cc, "enabled": probe.get("CGO_ENABLED") or "?"}, ctx,
                evidence=[Evidence.command(probe.result, "CC=%s CGO_ENABLED=%s" % (
                    cc, probe.get("CGO_ENABLED"))), Evidence.env("PATH", ctx.path, ctx.label)],
                why=_("Packages with import \"C\" (sqlite3, many drivers) need a C compiler; "
                      "Go 1.20+ quietly builds without cgo when none is found."),
                predicted_error=predicted,
                fix=[Action.command([pm, "install", "-y", pkgs["cc"], pkgs["headers"]]),
                     # not "set CGO_ENABLED=0" when go already runs with it (Go 1.20+ without a
                     # compiler): say it on purpose, which ends this warning
                     Action.note(_("or, if the project needs no cgo, say so: `go env -w "
                                   "CGO_ENABLED=0`")
                                 if probe.get("CGO_ENABLED") == "0" else
                                 _("or build without cgo on purpose: CGO_ENABLED=0"))]))
            continue
        if facts.libc_headers is None and probe.get("CGO_ENABLED") == "1":
            results.append(_f(
                "GO-CGO-NO-HEADERS", ctx.severity("warn"),
                _("C compiler %(cc)s found but glibc headers are missing") % {"cc": compiler},
                ctx, subject="headers",
                evidence=[Evidence.fact(_("%(path)s does not exist") % {"path": "/usr/include/stdlib.h"})],
                why=_("cgo compiles C code that includes libc headers; without the package "
                      "every cgo build stops at the first #include."),
                predicted_error="fatal error: stdlib.h: No such file or directory",
                fix=[Action.command([pm, "install", "-y", pkgs["headers"]])]))
            continue
        results.append(_f("GO-CGO", "ok", _("CGO_ENABLED=%(enabled)s, C compiler %(cc)s") % {
            "enabled": probe.get("CGO_ENABLED"), "cc": compiler}, ctx))

    return results
