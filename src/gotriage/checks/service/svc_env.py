"""SVC-ENV: the environment systemd gives the program (Environment=, EnvironmentFile=)
and the $VARIABLES ExecStart= uses."""

from gotriage.checks import check
from gotriage.checks.service._common import (
    LAYER,
    REFS,
    _dropin,
    _f,
    _loaded,
    _memo,
    _reload,
    _setting_fix,
)
from gotriage.findings import Action, Evidence
from gotriage.i18n import _
from gotriage.parsers.systemd_unit import expand_env
from gotriage.quoting import shell_word


@check("SVC-ENV", LAYER, "Environment= and EnvironmentFile= are what the service gets", findings={
    "SVC-ENV-FILE-MISSING": (
        "An EnvironmentFile= does not exist (and has no `-` prefix): the service does not "
        "start, `Failed to load environment files: No such file or directory`.",
        "the line and the path",
        "create the file, or write `EnvironmentFile=-PATH` to make it optional."),
    "SVC-ENV-BAD": (
        "An Environment= word or EnvironmentFile= line systemd ignores: no `=`, an invalid "
        "name, or shell syntax such as `export NAME=value`.",
        "the line",
        "write plain NAME=value."),
    "SVC-ENV-UNSET": (
        "ExecStart= uses $NAME or ${NAME} that the unit's environment does not set: systemd "
        "substitutes an empty string (a word that is only $NAME disappears).",
        "the line and the variables",
        "set it with Environment= or EnvironmentFile=, or write the value."),
})
def environment(facts):
    """Builds the environment systemd gives the program (manager, User=, Environment=,
    EnvironmentFile=) and reports missing files, ignored lines and $VARs ExecStart= uses
    without a value."""
    results = []
    for unit in _loaded(facts):
        results.extend(_memo(facts, "env", unit, lambda u=unit: _env(facts, u)))
    return results


def _env(facts, unit):
    env, origins, problems = facts.environment(unit)
    out = []
    for kind, a, detail in problems:
        if kind == "envfile-missing":
            path, err = detail
            out.append(_f("SVC-ENV-FILE-MISSING", "error" if err.missing else "warn",
                          "%s: %s" % (unit.name, (
                              _("EnvironmentFile=%(path)s does not exist") if err.missing else
                              _("EnvironmentFile=%(path)s cannot be read: %(error)s")) % {
                                  "path": path, "error": err.message}),
                          unit, subject="envfile:%s" % path,
                          evidence=[Evidence.file(a.path, a.text, a.line)],
                          why=_("A required environment file that cannot be read stops the start."),
                          predicted_error="%s: Failed to load environment files: %s\n%s: Failed with result "
                                          "'resources'." % (unit.name, err.message, unit.name),
                          fix=[Action.command(["touch", path], description=_("or create it with its NAME=value lines"))]
                          + _setting_fix(a, "EnvironmentFile", path, prefix="-",
                                         description=_("or make it optional")), references=REFS))
        elif kind == "bad-assignment":
            out.append(_f("SVC-ENV-BAD", "warn", "%s: %s" % (unit.name, _(
                "Environment= word %(word)r is not NAME=value: ignored") % {"word": detail}), unit, subject="env:%s:%d" % (a.path, a.line),
                evidence=[Evidence.file(a.path, a.text, a.line)],
                predicted_error="Invalid environment assignment, ignoring: %s" % detail,
                fix=[Action.note(_('quote whole assignments: Environment="NAME=value with spaces"'))]))
        elif kind == "envfile-bad-line":
            path, line, text = detail
            out.append(_f("SVC-ENV-BAD", "warn", "%s: %s" % (unit.name, _(
                "%(path)s line %(line)d is not NAME=value: ignored") % {"path": path, "line": line}), unit, subject="envfile:%s:%d" % (path, line),
                evidence=[Evidence.file(path, text, line)],
                why=_("An environment file is not a shell script: `export`, `$(...)` and the like "
                      "are not understood."),
                fix=[Action.edit(path, text[7:].strip(), old=text, syntax="plain")]
                if text.startswith("export ") else
                [Action.note(_("write it as NAME=value (an environment file is not a shell script)"))]))
    if unit.main is not None and ":" not in unit.main.prefixes:
        _expanded, missing = expand_env(unit.main.argv, env)
        if missing:
            a = unit.assignments("ExecStart")[0]
            out.append(_f("SVC-ENV-UNSET", "warn", "%s: %s" % (unit.name, _(
                "ExecStart= uses $%(name)s, which the unit does not set") % {"name": missing[0]}), unit, subject="unset:%s" % ",".join(sorted(set(missing))),
                evidence=[Evidence.file(a.path, a.text, a.line),
                          Evidence.fact(_("not set: %(names)s") % {
                              "names": ", ".join(sorted(set(missing)))})],
                why=_("Your shell's variables are not a service's: systemd expands $NAME from the "
                      "unit's own environment only."),
                fix=[Action.note(_("set %(name)s under [Service] in %(path)s (Environment=%(name)s=... "
                                   "with its value), or in an EnvironmentFile=") % {
                                       "name": missing[0], "path": shell_word(_dropin(unit))}), _reload(unit)]))
    if not out:
        set_by_unit = sorted(n for n, e in origins.items() if e is not None and e.kind == "file"
                             and not (e.text or "").startswith(("User=", "DynamicUser=")))
        out.append(_f("SVC-ENV", "ok", "%s: %s" % (unit.name, (
            _("environment sets %(names)s") % {"names": ", ".join(set_by_unit[:8])}) if set_by_unit
            else _("environment is systemd's default")), unit))
    return out
