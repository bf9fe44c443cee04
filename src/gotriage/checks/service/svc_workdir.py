"""SVC-WORKDIR: WorkingDirectory= as systemd reads it on this version exists and the
unit's user may enter it."""

from gotriage.checks import check
from gotriage.checks.service._common import (
    LAYER,
    REFS,
    _f,
    _loaded,
    _memo,
    _owner_args,
    _reload,
    _setting_fix,
    _step,
)
from gotriage.findings import Action, Evidence, is_system_dir, operands
from gotriage.i18n import _
from gotriage.knowledge import systemd as K


@check("SVC-WORKDIR", LAYER, "WorkingDirectory= exists and is usable", findings={
    "SVC-WORKDIR-QUOTED": (
        "WorkingDirectory= is written in quotes; systemd does not unquote it.  systemd 219 "
        "(EL7) logs `Not an absolute path, ignoring` and runs the service in / (relative "
        "paths then fail); 227 and later refuse the unit (`WorkingDirectory= path is not "
        "absolute`).",
        "the line",
        "remove the quotes (a path with spaces is fine unquoted)."),
    "SVC-WORKDIR-UNSUPPORTED": (
        "WorkingDirectory=~ or a leading `-` on systemd older than 227: not an absolute path, "
        "so the line is ignored and the service runs in /.",
        "the line and the systemd version",
        "write the absolute path."),
    "SVC-WORKDIR-MISSING": (
        "WorkingDirectory= does not exist: status=200/CHDIR, `Changing to the requested working "
        "directory failed: No such file or directory`.",
        "the path",
        "create it (`install -d -o USER DIR`), or prefix it with `-` to make it optional."),
    "SVC-WORKDIR-DENIED": (
        "The unit's user cannot enter WorkingDirectory=: status=200/CHDIR, `Permission denied`.",
        "the directory on the way that blocks, its mode and owner",
        "`chown` the directory to the user, or give it the x bit."),
})
def working_directory(facts):
    """WorkingDirectory= as systemd reads it on this version: quotes, ~ and - prefixes,
    the directory's existence and whether User= may enter it."""
    results = []
    for unit in _loaded(facts):
        results.extend(_memo(facts, "workdir", unit, lambda u=unit: _workdir(facts, u)))
    return results


def _workdir(facts, unit):
    a = unit.assignment("WorkingDirectory")
    if a is None:
        return []
    ev = Evidence.file(a.path, a.text, a.line)
    value = facts.expand(unit, a.value)
    version = facts.version
    old = version is not None and version < K.WORKING_DIRECTORY_PARSER_SINCE
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        inner = value[1:-1]
        return [_f("SVC-WORKDIR-QUOTED", "error", "%s: %s" % (unit.name, (
            _("WorkingDirectory=%(value)s is quoted: systemd %(version)d ignores it and runs the "
              "service in /") if old else
            _("WorkingDirectory=%(value)s is quoted: systemd refuses the unit")) % {
                "value": value, "version": version}), unit, subject="quoted", evidence=[ev],
            why=_("systemd takes the value literally, quotes included, so it is not an absolute path."),
            predicted_error=("[%s:%d] Not an absolute path, ignoring: %s" % (a.path, a.line, value)) if old
            else "%s:%d: WorkingDirectory= path is not absolute: %s\nUnit %s has a bad unit file setting." % (
                a.path, a.line, value, unit.name),
            fix=_setting_fix(a, "WorkingDirectory", inner) + [_reload(unit)],
            references=REFS)]
    optional = value.startswith("-")
    path = value[1:] if optional else value
    if old and (optional or path == "~"):
        return [_f("SVC-WORKDIR-UNSUPPORTED", "error", "%s: %s" % (unit.name, _(
                       "WorkingDirectory=%(value)s needs systemd 227; systemd %(version)d ignores it "
                       "and runs the service in /") % {"value": value, "version": version}), unit,
                   subject="unsupported", evidence=[ev, facts.systemd_version[1]],
                   predicted_error="[%s:%d] Not an absolute path, ignoring: %s" % (a.path, a.line, value),
                   fix=[Action.note(_("write the absolute path of the directory (and create it)")), _reload(unit)])]
    identity = facts.identity(unit)
    if path == "~":
        path = identity.home if identity else None
        if not path:
            return []
    st = facts.path_stat(path)
    step = lambda error: "%s: Changing to the requested working directory failed: %s\n%s\n%s: Main process " \
        "exited, code=exited, status=200/CHDIR" % (unit.name, error, _step("CHDIR", unit.main.path if unit.main else "?", error),  # noqa: E731
                                                  unit.name)
    if st is None or not st.is_dir:
        if optional:
            return [_f("SVC-WORKDIR", "ok", "%s: %s" % (unit.name, _(
                           "WorkingDirectory=%(value)s does not exist (optional: the service runs "
                           "in /)") % {"value": value}), unit, evidence=[ev])]
        return [_f("SVC-WORKDIR-MISSING", "error", "%s: %s" % (
                       unit.name, _("WorkingDirectory=%(path)s does not exist") % {"path": path}),
                   unit, subject="missing", evidence=[ev, Evidence.fact(
                       (_("%(path)s: not a directory") if st is not None else
                        _("%(path)s: no such file or directory")) % {"path": path})],
                   why=_("systemd changes into the directory before it starts the program."),
                   predicted_error=step("No such file or directory"),
                   fix=[Action.command(["install", "-d"] + _owner_args(unit) + [path]), _reload(unit)],
                   references=REFS)]
    if identity is not None and identity.uid != 0:
        blocked = facts.access_path(path.rstrip("/") + "/.", identity)
        if blocked:
            where, bst = blocked
            return [_f("SVC-WORKDIR-DENIED", "error", "%s: %s" % (unit.name, _(
                "User=%(user)s cannot enter %(path)s (%(where)s: mode %(mode)04o, uid %(uid)d)") % {
                    "user": identity.user, "path": path, "where": where, "mode": bst.perms,
                    "uid": bst.uid}), unit, subject="denied",
                evidence=[ev, Evidence.fact(_("%(path)s: mode %(mode)04o, uid %(uid)d gid %(gid)d") % {
                    "path": where, "mode": bst.perms, "uid": bst.uid, "gid": bst.gid})],
                predicted_error=step("Permission denied"),
                fix=_workdir_access_fix(unit, identity, path, where), references=REFS)]
    return [_f("SVC-WORKDIR", "ok", "%s: WorkingDirectory=%s" % (unit.name, path), unit, evidence=[ev])]


def _workdir_access_fix(unit, identity, path, where):
    """Let User= into its working directory without opening a system or home directory
    to everyone."""
    if where == path and not is_system_dir(path):
        return [Action.command(["chown"] + operands(identity.user, path))]
    home_like = where in ("/root", "/home") or where.startswith("/home/")
    if is_system_dir(where) or home_like:
        return [Action.note(_("%(where)s is not for %(user)s to enter: move the working "
                              "directory to a directory of its own (e.g. /var/lib/%(prefix)s, "
                              "owned by %(user)s)") % {
                                  "where": where, "user": identity.user, "prefix": unit.prefix})]
    return [Action.command(["chmod", "o+x", where], safe=False,
                           description=_("lets every user pass through %(path)s") % {"path": where})]
