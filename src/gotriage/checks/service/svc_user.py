"""SVC-USER: User=, Group= and SupplementaryGroups= exist."""

from gotriage.checks import check
from gotriage.checks.service._common import (
    _USER_NAME,
    LAYER,
    REFS,
    _f,
    _loaded,
    _memo,
    _reload,
    _step,
)
from gotriage.findings import Action, Evidence
from gotriage.i18n import _
from gotriage.knowledge import systemd as K


@check("SVC-USER", LAYER, "User= and Group= exist", findings={
    "SVC-USER-MISSING": (
        "User= names a user that does not exist: status=217/USER, `Failed to determine user "
        "credentials: No such process`.",
        "the line and /etc/passwd",
        "create the user (`useradd -r -s /sbin/nologin NAME`) or correct User=."),
    "SVC-USER-GROUP-MISSING": (
        "Group= or SupplementaryGroups= names a group that does not exist: status=216/GROUP.",
        "the line and /etc/group",
        "create the group (`groupadd -r NAME`) or correct the line."),
})
def user_group(facts):
    """User=, Group= and SupplementaryGroups= against /etc/passwd and /etc/group
    (DynamicUser=yes allocates its own)."""
    results = []
    for unit in _loaded(facts):
        results.extend(_memo(facts, "user", unit, lambda u=unit: _user(facts, u)))
    return results


def _user(facts, unit):
    if (unit.value("DynamicUser") or "").lower() in ("yes", "true", "1", "on"):
        return [_f("SVC-USER", "ok", "%s: %s" % (unit.name, _("DynamicUser=yes (systemd allocates the user)")), unit)]
    out = []
    user = facts.expand(unit, unit.value("User") or "")
    program = unit.main.path if unit.main else "?"
    if user and facts.user_entry(user) is None and not user.isdecimal():
        a = unit.assignment("User")
        out.append(_f("SVC-USER-MISSING", "error", "%s: %s" % (unit.name, _("User=%(user)s does not exist") % {"user": user}), unit,
                      subject="user", evidence=[Evidence.file(a.path, a.text, a.line),
                                                Evidence.fact(_("no %(user)s in /etc/passwd") % {"user": user})],
                      why=_("systemd looks the user up before it starts the program."),
                      predicted_error="%s: Failed to determine user credentials: No such process\n%s\n"
                                      "%s: Main process exited, code=exited, status=217/USER" % (
                                          unit.name, _step("USER", program, "No such process"), unit.name),
                      fix=([Action.command(["useradd", "-r", "-s", K.DYNAMIC_USER_SHELL, user])]
                           if _USER_NAME.match(user) else
                           [Action.note(_("correct User= (%(user)s is not a name useradd accepts)") % {
                               "user": user})])
                      + [_reload(unit)],
                      references=REFS))
    for key in ("Group", "SupplementaryGroups"):
        for a in unit.assignments(key):
            for group in facts.expand(unit, a.value).split():
                if facts.group_exists(group):
                    continue
                out.append(_f("SVC-USER-GROUP-MISSING", "error", "%s: %s" % (
                    unit.name, _("%(key)s=%(group)s does not exist") % {"key": key, "group": group}), unit, subject="group:%s" % group,
                    evidence=[Evidence.file(a.path, a.text, a.line), Evidence.fact(_("no %(group)s in /etc/group") % {"group": group})],
                    predicted_error="%s: Failed to determine group credentials: No such process\n%s\n"
                                    "%s: Main process exited, code=exited, status=216/GROUP" % (
                                        unit.name, _step("GROUP", program, "No such process"), unit.name),
                    fix=([Action.command(["groupadd", "-r", group])] if _USER_NAME.match(group) else
                         [Action.note(_("correct %(key)s= (%(group)s is not a name groupadd accepts)")
                                      % {"key": key, "group": group})])
                    + [_reload(unit)], references=REFS))
    if not out:
        out.append(_f("SVC-USER", "ok", "%s: %s" % (unit.name, _("runs as %(user)s") % {"user": user or "root"}), unit))
    return out
