"""SVC-LABEL: the program's SELinux label lets systemd (init_t) execute it."""

import posixpath

from gotriage.checks import check
from gotriage.checks.service._common import LAYER, _f, _loaded, _memo, _step
from gotriage.findings import Action, Evidence, is_system_dir
from gotriage.i18n import _
from gotriage.quoting import Unrepresentable, fcontext_pattern
from gotriage.service.labels import DENIED_EXEC_TYPES, context_type, exec_ok


@check("SVC-LABEL", LAYER, "the program's SELinux label lets systemd execute it", findings={
    "SVC-LABEL-DENIED": (
        "The program is labelled user_home_t, user_tmp_t, admin_home_t... (a binary built in a "
        "home directory or /tmp and moved with `mv`, which keeps the label): systemd (init_t) "
        "may not execute it, status=203/EXEC `Permission denied` under enforcing mode.",
        "the security.selinux label, what the policy expects (matchpathcon or file_contexts), "
        "the SELinux mode",
        "`restorecon -v PATH`; for a directory the policy has no executable type for, `semanage "
        "fcontext -a -t bin_t 'DIR(/.*)?'` then `restorecon -Rv DIR`."),
    "SVC-LABEL-MISMATCH": (
        "The program's label differs from what the policy expects for its path (a relabel or "
        "`restorecon` would change it).",
        "the label and the expected one",
        "`restorecon -v PATH`."),
})
def label(facts):
    """The security.selinux xattr of the program against matchpathcon (or the policy's
    file_contexts), and whether init_t may execute that type."""
    results = []
    for unit in _loaded(facts):
        results.extend(_memo(facts, "label", unit, lambda u=unit: _label(facts, u)))
    return results


def _label(facts, unit):
    target = facts.exec_target(unit)
    if target.path is None or target.stat is None:
        return []
    mode, mode_ev = facts.selinux
    path = target.real or target.path
    actual = facts.label(path)
    if actual is None or actual in ("ENOENT", "EACCES", "EPERM"):
        if mode in ("enforcing", "permissive") and actual is None:
            facts.note(_("%(path)s has no SELinux label (no security.selinux attribute)") % {
                "path": path})
        return []
    actual_type = context_type(actual)
    expected, how, expected_ev = facts.expected_label(path)
    expected_type = context_type(expected)
    evidence = [Evidence.fact("%s: security.selinux=%s" % (path, actual))]
    if expected_ev is not None:
        evidence.append(expected_ev)
    if mode_ev is not None:
        evidence.append(mode_ev)
    if mode == "disabled":
        return [_f("SVC-LABEL", "ok", "%s: %s" % (unit.name, _(
            "SELinux is disabled (%(path)s labelled %(type)s)") % {"path": path, "type": actual_type}), unit, evidence=evidence)]
    directory = posixpath.dirname(path)
    if actual_type in DENIED_EXEC_TYPES:
        if expected_type and exec_ok(expected_type):
            fix = [Action.command(["restorecon", "-v", path],
                                  description=_("relabel it %(type)s, as the policy wants") % {
                                      "type": expected_type})]
        elif any(directory == h or directory.startswith(h + "/") for h in ("/home", "/root", "/tmp", "/var/tmp")):
            fix = [Action.command(["install", "-m", "0755", path, "/usr/local/bin/"],
                                  description=_("install copies with the label of the target directory "
                                                "(bin_t)")),
                   Action.note(_("then ExecStart=/usr/local/bin/%(name)s and `systemctl "
                                 "daemon-reload`") % {"name": posixpath.basename(path)})]
        else:
            fix = _bin_t_directory_fix(directory, path)
        enforcing = mode == "enforcing"
        return [_f("SVC-LABEL-DENIED", "error" if enforcing else "warn",
                   "%s: %s" % (unit.name, (
                       _("%(path)s is labelled %(type)s (%(what)s): systemd may not execute it")
                       if enforcing else
                       _("%(path)s is labelled %(type)s (%(what)s): systemd may not execute it once "
                         "SELinux enforces (now %(mode)s)")) % {
                           "path": path, "type": actual_type,
                           "what": _(DENIED_EXEC_TYPES[actual_type]), "mode": mode or "unknown"}),
                   unit, subject="label", evidence=evidence,
                   why=_("`mv` keeps a file's label; the policy lets init_t execute bin_t/usr_t "
                         "and *_exec_t files, not files from home directories or /tmp."),
                   predicted_error="%s\n%s: Main process exited, code=exited, status=203/EXEC\n"
                                   "type=AVC msg=audit(...): avc:  denied  { execute } for ... "
                                   "scontext=system_u:system_r:init_t:s0 tcontext=%s tclass=file" % (
                                       _step("EXEC", target.path, "Permission denied"), unit.name, actual),
                   fix=fix, references=["https://access.redhat.com/documentation/en-us/red_hat_enterprise_linux/9/"
                                        "html/using_selinux/troubleshooting-problems-related-to-selinux_using-selinux"])]
    if expected_type and actual_type != expected_type:
        return [_f("SVC-LABEL-MISMATCH", "info", "%s: %s" % (unit.name, _(
            "%(path)s is labelled %(type)s; the policy expects %(expected)s") % {
                "path": path, "type": actual_type, "expected": expected_type}), unit, subject="label", evidence=evidence,
            fix=[Action.command(["restorecon", "-v", path])])]
    return [_f("SVC-LABEL", "ok", "%s: %s" % (unit.name, (
        _("%(path)s labelled %(type)s (as the policy expects)") if expected_type else
        _("%(path)s labelled %(type)s")) % {"path": path, "type": actual_type}), unit,
        evidence=evidence)]


def _bin_t_directory_fix(directory, path):
    """Label a custom program directory bin_t, never a system directory (whose files
    other policy modules label) and never with an unescaped pattern."""
    if is_system_dir(directory):
        return [Action.command(["install", "-m", "0755", path, "/usr/local/bin/"],
                               description=_("install copies with the label of /usr/local/bin (bin_t)"))]
    try:
        pattern = fcontext_pattern(directory)
    except Unrepresentable as exc:
        return [Action.note(_("move the program into /usr/local/bin (%(reason)s)") % {"reason": exc.reason})]
    return [Action.command(["semanage", "fcontext", "-a", "-t", "bin_t", pattern],
                           description=_("the policy has no executable type for %(path)s") % {
                               "path": directory},
                           safe=False),
            Action.command(["restorecon", "-Rv", directory])]
