"""The system layer: will Go binaries run here?  Distribution and end of life, kernel
against Go's minimum, kernel modules, limits."""

from gotriage.checks import check
from gotriage.findings import Evidence, Finding

LAYER = "system"


def _f(id, severity, title, **kw):
    return Finding(id, severity, title, layer=LAYER, **kw)


@check("SYS-DISTRO", LAYER, "the distribution is identified and supported", findings={
    "SYS-DISTRO-UNKNOWN": (
        "Neither /etc/os-release nor a *-release file names the distribution.",
        "the files read",
        "nothing to fix: checks that depend on the release (glibc, EOL, packages) are skipped."),
})
def distro(facts):
    """Identifies the distribution and release from os-release and *-release files."""
    d = facts.distro
    if d is None:
        return [_f("SYS-DISTRO-UNKNOWN", "info", "the distribution could not be identified",
                   evidence=[Evidence.fact("no /etc/os-release, /usr/lib/os-release or *-release file")],
                   why="Release-specific checks (glibc, end of life, repositories) are skipped.")]
    extra = " (EL%d compatible)" % d.el if d.el and d.id not in ("rhel",) else ""
    glibc = facts.glibc[0]
    return [_f("SYS-DISTRO", "ok", "%s%s, glibc %s, kernel %s" % (
        d.describe(), extra, glibc or "?", facts.kernel or "?"), evidence=list(d.evidence))]
