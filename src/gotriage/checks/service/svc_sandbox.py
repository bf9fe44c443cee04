"""SVC-SANDBOX: the paths the mount-namespace settings name exist, and ProtectHome=
does not hide the program or its working directory."""

from gotriage.checks import check
from gotriage.checks.service._common import LAYER, REFS, _f, _loaded, _memo, _owner_args, _step
from gotriage.findings import Action, Evidence
from gotriage.i18n import _

_PATH_KEYS = ("ReadWritePaths", "ReadOnlyPaths", "InaccessiblePaths", "ReadWriteDirectories",
              "ReadOnlyDirectories", "InaccessibleDirectories", "ExecPaths", "NoExecPaths")
_HOMES = ("/home", "/root", "/run/user")


@check("SVC-SANDBOX", LAYER, "the unit's sandboxing can be set up and leaves the program visible", findings={
    "SVC-SANDBOX-PATH-MISSING": (
        "A ReadWritePaths=/ReadOnlyPaths=/InaccessiblePaths= entry does not exist (and has no "
        "`-` prefix): status=226/NAMESPACE, `Failed to set up mount namespacing: ...: No such "
        "file or directory`.",
        "the line and the path",
        "create the path, or prefix it with `-` to make it optional."),
    "SVC-SANDBOX-HIDES": (
        "ProtectHome=yes (or tmpfs) hides /home, /root and /run/user from the service, but its "
        "program or WorkingDirectory= is there: status=203/EXEC or 200/CHDIR.",
        "ProtectHome= and the path",
        "install the program outside home directories (/usr/local/bin), or ProtectHome=read-only."),
})
def sandbox(facts):
    """Paths named by the mount-namespace settings exist; ProtectHome= does not hide the
    program or the working directory."""
    results = []
    for unit in _loaded(facts):
        results.extend(_memo(facts, "sandbox", unit, lambda u=unit: _sandbox(facts, u)))
    return results


def _sandbox(facts, unit):
    out = []
    program = unit.main.path if unit.main else "?"
    for key in _PATH_KEYS:
        for a in unit.assignments(key):
            for word in facts.expand(unit, a.value).split():
                optional = word.startswith("-")
                path = word.lstrip("-+")
                if optional or not path.startswith("/") or facts.path_stat(path) is not None:
                    continue
                out.append(_f("SVC-SANDBOX-PATH-MISSING", "error", "%s: %s" % (unit.name, _(
                    "%(key)s=%(path)s does not exist") % {"key": key, "path": path}), unit, subject="%s:%s" % (key, path),
                    evidence=[Evidence.file(a.path, a.text, a.line), Evidence.fact(
                        _("%(path)s: no such file or directory") % {"path": path})],
                    why=_("systemd bind-mounts each listed path into the service's namespace; a "
                          "missing one aborts the start."),
                    predicted_error="%s: Failed to set up mount namespacing: %s: No such file or directory\n%s\n"
                                    "%s: Main process exited, code=exited, status=226/NAMESPACE" % (
                                        unit.name, path, _step("NAMESPACE", program, "No such file or directory"),
                                        unit.name),
                    fix=[Action.command(["install", "-d"] + _owner_args(unit) + [path]),
                         Action.edit(a.path, a.text.replace(word, "-" + word, 1), old=a.text,
                                     syntax="systemd", description=_("or make it optional"))],
                    references=REFS))
    protect = (unit.value("ProtectHome") or "no").lower()
    if protect in ("yes", "true", "1", "on", "tmpfs"):
        a = unit.assignment("ProtectHome")
        target = facts.exec_target(unit)
        for what, path, status in (("program", target.path, "203/EXEC"),
                                   ("WorkingDirectory=", facts.expand(unit, unit.value("WorkingDirectory") or "").lstrip("-"),
                                    "200/CHDIR")):
            if path and any(path == h or path.startswith(h + "/") for h in _HOMES):
                out.append(_f("SVC-SANDBOX-HIDES", "error", "%s: %s" % (unit.name, (
                    _("ProtectHome=%(value)s hides the program %(path)s") if what == "program" else
                    _("ProtectHome=%(value)s hides the WorkingDirectory= %(path)s")) % {
                        "value": protect, "path": path}), unit, subject="protecthome:%s" % path,
                    evidence=[Evidence.file(a.path, a.text, a.line)],
                    why=_("Inside the service's namespace /home, /root and /run/user are empty or "
                          "inaccessible."),
                    predicted_error="%s: Main process exited, code=exited, status=%s" % (unit.name, status),
                    fix=[Action.command(["install", "-m", "0755", path, "/usr/local/bin/"])
                         if what == "program" else Action.note(_("move the directory out of home directories")),
                         Action.edit(a.path, "ProtectHome=read-only", old=a.text, syntax="systemd", description=_("or"))]))
    settings = ["%s=%s" % (k, unit.value(k)) for k in ("ProtectSystem", "ProtectHome", "PrivateTmp")
                if unit.value(k)] + ["%s=..." % k for k in _PATH_KEYS if unit.assignments(k)]
    if not out and settings:
        out.append(_f("SVC-SANDBOX", "ok", "%s: %s" % (unit.name, ", ".join(settings)), unit))
    return out
