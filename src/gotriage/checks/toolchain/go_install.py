"""GO-INSTALL: the Go installs on the host, and the broken ones."""

from gotriage.checks import check
from gotriage.checks.toolchain._common import LAYER, _f, china_download_action
from gotriage.findings import Action, Evidence
from gotriage.i18n import _
from gotriage.knowledge.go import GO_DOWNLOAD_URL, GOLANG_PACKAGE, REFERENCES


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
        return [_f("GO-INSTALL-NONE", "info",
                   _("no Go toolchain installed (only needed to build Go)"),
                   why=_("Running a built Go binary needs no toolchain; building needs one."),
                   fix=[Action.command([pm, "install", "-y", GOLANG_PACKAGE[pm]],
                                       description=_("the distribution's Go")),
                        Action.note(_("or a current release from %(url)s, unpacked into "
                                      "/usr/local/go") % {"url": GO_DOWNLOAD_URL}),
                        china_download_action()],
                   references=[REFERENCES["install"]])]
    results = []
    for install in found:
        if not install.valid or not install.version:
            missing = "pkg/tool" if not install.valid else "VERSION"
            results.append(_f(
                "GO-INSTALL-BROKEN", "warn",
                _("%(root)s is not a complete Go root (no %(missing)s)") % {
                    "root": install.root, "missing": missing},
                subject=install.root,
                evidence=[Evidence.fact(_("%(root)s/bin/go exists; %(root)s/%(missing)s does not") % {
                    "root": install.root, "missing": missing})] + [
                        Evidence.fact(_("found as %(how)s") % {"how": h}) for h in install.found_as],
                why=_("go finds its compiler and standard library under GOROOT/pkg/tool; "
                      "without it every build fails, and a go on PATH from here shadows working "
                      "installs."),
                fix=[Action.note(_("reinstall it (unpack the whole release archive into an "
                                   "empty directory) or remove %(root)s") % {
                                       "root": install.root})]))
    usable = [i for i in found if i.valid and i.version]
    if usable:
        results.append(_f("GO-INSTALL", "ok", _("Go installs: %(installs)s") % {
            "installs": ", ".join(i.describe() for i in usable)},

                          evidence=[Evidence.fact(_("%(install)s (found as %(how)s)") % {
                              "install": i.describe(), "how": "; ".join(i.found_as)})
                                    for i in usable]))
    return results
