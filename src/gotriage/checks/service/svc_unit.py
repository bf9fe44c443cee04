"""SVC-UNIT: the unit file and its drop-ins load as intended (found, not masked,
readable, parsable, directives and specifiers this systemd knows, one ExecStart=,
`systemd-analyze verify`)."""

import posixpath
import re

from gotriage.checks import check
from gotriage.checks.service._common import (
    _USER_NAME,
    LAYER,
    _dropin,
    _f,
    _memo,
    _owner_args,
    _reload,
)
from gotriage.findings import Action, Evidence, operands
from gotriage.i18n import _, ngettext
from gotriage.knowledge import systemd as K
from gotriage.parsers.systemd_unit import WordError, specifiers_in, split_words
from gotriage.quoting import shell_word


@check("SVC-UNIT", LAYER, "the unit file and its drop-ins load as intended", findings={
    "SVC-UNIT-NOT-FOUND": (
        "No unit file of that name in /etc/systemd/system, /run/systemd/system or "
        "/usr/lib/systemd/system: `Unit app.service could not be found.`",
        "the directories searched",
        "check the name (`systemctl list-unit-files | grep NAME`), or install the unit file "
        "into /etc/systemd/system and run `systemctl daemon-reload`."),
    "SVC-UNIT-MASKED": (
        "The unit is masked (its file is a symlink to /dev/null): it cannot be started.",
        "the symlink",
        "`systemctl unmask UNIT`."),
    "SVC-UNIT-UNREADABLE": (
        "A unit file or drop-in could not be read (run gotriage as root).",
        "the file and the error",
        "run gotriage as root."),
    "SVC-UNIT-SYNTAX": (
        "A line systemd cannot parse: an invalid section header (the whole file is refused), "
        "a line without `=` (refused on systemd 219, ignored later), an assignment before "
        "any section, or bytes that are not UTF-8.",
        "the file, line and systemd's message",
        "fix or delete the line, then `systemctl daemon-reload`."),
    "SVC-UNIT-NO-EXECSTART": (
        "A service other than Type=oneshot has no ExecStart= (or its only ExecStart= line "
        "was ignored): `Service has no ExecStart= setting, which is only allowed for "
        "Type=oneshot services. Refusing.`",
        "the effective ExecStart= lines",
        "give the service one ExecStart= line with an absolute path."),
    "SVC-UNIT-MULTIPLE-EXECSTART": (
        "More than one ExecStart= for a service that is not Type=oneshot, usually a drop-in "
        "that adds an ExecStart= without first resetting it with an empty `ExecStart=`: "
        "`Service has more than one ExecStart= setting, which is only allowed for "
        "Type=oneshot services. Refusing.`",
        "every ExecStart= line in effect, with its file",
        "in the drop-in, put an empty `ExecStart=` line before the new one."),
    "SVC-UNIT-UNKNOWN-KEY": (
        "A directive this host's systemd does not know (a typo, or one added in a newer "
        "systemd, e.g. StateDirectory= on EL7's systemd 219): systemd logs `Unknown lvalue` "
        "/ `Unknown key` and ignores it, so the service runs without it.",
        "the line, the host's systemd version and the version that added it",
        "fix the name, or do what it does another way on this release."),
    "SVC-UNIT-SPECIFIER": (
        "A % specifier this systemd does not know: before 236 it is kept literally "
        "(`%S/app` stays `%S/app`); from 236 it is an error and the setting (or, in an "
        "Exec line, the unit) is refused.",
        "the line and the specifier",
        "write the path out (%S = /var/lib, %C = /var/cache, %L = /var/log, %T = /tmp, "
        "%E = /etc), or `%%` for a literal percent sign."),
    "SVC-UNIT-VERIFY": (
        "`systemd-analyze verify` reports a problem with the unit.",
        "the command and its output",
        "as systemd says."),
})
def unit_files(facts):
    """Finds each unit's fragment and drop-ins in systemd's precedence, parses them,
    and checks directives and specifiers against the host's systemd version; runs
    `systemd-analyze verify` when it is installed."""
    results = []
    for unit in facts.units:
        results.extend(_memo(facts, "unit", unit, lambda u=unit: _unit(facts, u)))
    if not facts.requested:
        _note_skipped(facts)
        if not facts.candidates:
            facts.note(_("service layer: no enabled or failed service unit in this snapshot "
                         "(none in /etc/systemd/system/*.wants): nothing to examine")
                       if facts.live is False else
                       _("service layer: no enabled or failed service unit here (none in "
                         "/etc/systemd/system/*.wants): nothing to examine"))
    if not facts.units and not facts.requested and facts.candidates:
        results.append(_f("SVC-UNIT", "ok", _(
            "no enabled or failed service runs a Go binary or go (%(n)d service units looked at)")
            % {"n": len(facts.candidates)}, subject="discovery"))
    return results


def _note_skipped(facts):
    """Which enabled or failed units `check` did not examine, and why: the ones that are
    not Go programs in one line, each other (masked, no unit file, a program not found)
    on its own."""
    not_go = [name for name, why in facts.skipped_units if why.endswith("is not a Go program")]
    if not_go:
        shown = ", ".join(not_go[:6]) + (_(" and %(n)d more") % {"n": len(not_go) - 6}
                                         if len(not_go) > 6 else "")
        facts.note(_("service units not examined, their programs are not Go: %(units)s "
                     "(`gotriage service UNIT` examines any unit)") % {"units": shown})
    for name, why in facts.skipped_units:
        if name not in not_go:
            facts.note(_("%(check)s not examined: %(why)s") % {"check": name, "why": why})


def _unit(facts, unit):
    out = []
    if not unit.found:
        return [_f("SVC-UNIT-NOT-FOUND", "error", "%s: %s" % (unit.name, _("no such unit file")), unit,
                   evidence=[Evidence.fact(_("searched %(dirs)s") % {"dirs": ", ".join(K.UNIT_PATH)})
                             if "/" not in unit.requested else Evidence.fact(
                                 _("%(path)s does not exist") % {"path": unit.requested})],
                   predicted_error="Unit %s could not be found." % unit.name,
                   fix=[Action.command(["systemctl", "list-unit-files", "--type=service"],
                                       description=_("find its real name"))])]
    if unit.masked:
        return [_f("SVC-UNIT-MASKED", "error", _("%(unit)s is masked") % {"unit": unit.name}, unit,
                   evidence=[Evidence.fact("%s -> /dev/null" % unit.fragment)],
                   predicted_error="Failed to start %s: Unit %s is masked." % (unit.name, unit.name),
                   fix=[Action.command(["systemctl", "unmask"] + operands(unit.name))])]
    for path, err in unit.read_errors:
        out.append(_f("SVC-UNIT-UNREADABLE", "warn", "%s: %s" % (unit.name, _("cannot read %(path)s") % {"path": path}),
                      unit, subject=path, evidence=[Evidence.fact("%s: %s" % (path, err.message))],
                      fix=[Action.note(_("run gotriage as root"))]))
    version = facts.version
    for f in unit.files:
        if f.problems and not f.sections and not f.assignments:
            # Nothing in it reads as a unit file: say so once, and propose no line edits
            # in a file that is not what gotriage took it for.
            first = f.problems[0]
            out.append(_f("SVC-UNIT-SYNTAX", "error", _("%(path)s is not a unit file: no line reads as a "
                                                  "[Section] or a Key=value") % {"path": f.path}, unit, subject=f.path,
                          evidence=[Evidence.file(p.path, p.text, p.line) for p in f.problems[:3]],
                          why=_("systemd refuses a file with no valid section."),
                          predicted_error="Unit %s failed to load properly: Bad message." % unit.name,
                          fix=[Action.note(_("check that %(path)s is the unit file you meant (first "
                                             "line: %(line)s)") % {
                                                 "path": f.path, "line": first.text[:80]})]))
            continue
        after_bad_header = False
        for p in f.problems:
            if p.kind == "bad-section":
                after_bad_header = True
            elif p.kind == "outside-section" and after_bad_header:
                continue  # the invalid header above is the cause: fixing it fixes this line
            fatal = p.kind == "bad-section" or (
                p.kind == "missing-equals" and version is not None and
                version < K.MISSING_EQUALS_FATAL_BEFORE)
            if p.kind == "missing-equals" and version is not None and version < K.MISSING_EQUALS_FATAL_BEFORE:
                message = "Missing '='. " + _("(systemd %(version)d refuses the whole file: Bad "
                                              "message)") % {"version": version}
            else:
                message = p.message
            out.append(_f(
                "SVC-UNIT-SYNTAX", "error" if fatal else "warn",
                _("%(path)s line %(n)d: %(message)s") % {
                    "path": p.path, "n": p.line, "message": message}, unit, subject="%s:%d" % (p.path, p.line),
                evidence=[Evidence.file(p.path, p.text, p.line)],
                why=_("systemd refuses the unit because of this line.") if fatal else
                _("systemd ignores this line, so what it meant to set is not set."),
                predicted_error=("Unit %s failed to load properly: Bad message." % unit.name) if fatal else None,
                fix=_syntax_fix(p) + [_reload(unit)]))
    out.extend(_unknown_keys(facts, unit))
    out.extend(_specifiers(facts, unit))
    out.extend(_execstart_count(facts, unit))
    # Imported here: importing them at the top would register SVC-EXEC and SVC-WORKDIR
    # before SVC-UNIT, and the order of registration is the order of the report.
    from gotriage.checks.service.svc_exec import _exec
    from gotriage.checks.service.svc_workdir import _workdir

    out.extend(_verify(facts, unit, out + _memo(facts, "exec", unit, lambda: _exec(facts, unit))
                       + _memo(facts, "workdir", unit, lambda: _workdir(facts, unit))))
    if not [f for f in out if f.severity in ("error", "warn")]:
        drops = len(unit.dropins)
        out.append(_f("SVC-UNIT", "ok", "%s: %s%s" % (
            unit.name, unit.fragment, ngettext(" + %(n)d drop-in", " + %(n)d drop-ins", drops) % {
                "n": drops} if drops else ""),
            unit, evidence=[Evidence.fact(_("loaded in this order: %(files)s") % {
                "files": ", ".join(f.path for f in unit.files)})]
            + ([Evidence.fact(unit.why_examined)] if unit.why_examined else [])))
    return out


def _known_directive(key):
    newest = K.DIRECTIVES[max(K.DIRECTIVES)][0]
    return any(key in keys for keys in newest.values())


def _section_of(key):
    newest = K.DIRECTIVES[max(K.DIRECTIVES)][0]
    for section in ("Unit", "Service", "Install"):
        if key in newest.get(section, ()):
            return section
    return None


def _syntax_fix(p):
    """The correction of a line systemd cannot read, when what was meant is clear (a
    header missing its ']', `Key value` for a directive, a directive before any section);
    else the line to delete."""
    text = p.text.strip()
    if p.kind == "bad-section":
        name = text[1:].split("]", 1)[0].strip()
        if name in ("Unit", "Service", "Install") or name.startswith("X-"):
            return [Action.edit(p.path, "[%s]" % name, old=p.text, syntax="systemd")]
        return [Action.note(_("correct the section header on line %(n)d ([Unit], [Service] "
                              "or [Install]); systemd refuses the file until then") % {"n": p.line})]
    if p.kind == "missing-equals":
        key, _space, value = text.partition(" ")
        if key and value.strip() and _known_directive(key):
            return [Action.edit(p.path, "%s=%s" % (key, value.strip()), old=p.text,
                                syntax="systemd")]
    if p.kind == "outside-section":
        section = _section_of(text.partition("=")[0].strip())
        if section is not None:
            return [Action.edit(p.path, "[%s]" % section, syntax="systemd",
                                description=_("insert it before line %(n)d") % {"n": p.line})]
    return [Action.edit(p.path, None, old=p.text, syntax="systemd",
                        description=_("or correct it"))]


def _el7_alternative(unit, a):
    """What systemd 219 does instead of a directive it ignores, as commands."""
    if a.key == "DynamicUser":
        if not _USER_NAME.match(unit.prefix):
            return [Action.note(_("create a system user for the service (useradd -r -s "
                                  "%(shell)s) and set User= to it") % {"shell": K.DYNAMIC_USER_SHELL})]
        return [Action.command(["useradd", "-r", "-s", K.DYNAMIC_USER_SHELL, unit.prefix],
                               description=_("a system user instead of DynamicUser=")),
                Action.edit(a.path, "User=%s" % unit.prefix, old=a.text, syntax="systemd")]
    root = K.MANAGED_DIRECTORY_ROOTS[a.key]
    names = [w for w, _quoted in _words(a.value)] or [unit.prefix]
    if a.key == "ConfigurationDirectory":
        return [Action.note(_("use %(paths)s directly (systemd 219 does not create it)") % {
            "paths": ", ".join(posixpath.join(root, n) for n in names)})]
    fix = []
    for name in names:
        path = posixpath.normpath(posixpath.join(root, name))
        if not path.startswith(root + "/"):
            continue
        fix.append(Action.command(["install", "-d", "-m", "0755"] + _owner_args(unit) + [path],
                                  description=_("once: systemd 219 does not create it")))
    return fix or [Action.note(_("create the directory under %(path)s once, owned by the unit's "
                                 "user") % {"path": root})]


def _words(value):
    try:
        return split_words(value)
    except WordError:
        return []


def _unknown_keys(facts, unit):
    out = []
    version = facts.version
    table = K.directive_table(version) if version is not None else None
    newest = K.DIRECTIVES[max(K.DIRECTIVES)][0]
    for a in unit.effective.order:
        if a.key.startswith("X-") or a.section not in ("Unit", "Service", "Install"):
            continue
        if table is not None and version is not None and version < 253:
            known = table[0].get(a.section, frozenset())
            if a.key in known:
                continue
            added = K.first_version_with(a.section, a.key)
        else:
            if a.key in newest.get(a.section, frozenset()):
                continue
            added = None
        if added is not None and version is not None:
            alt = K.RENAMED.get(a.key)
            el7 = (facts.el == 7 or version < 239) and (
                a.key in K.MANAGED_DIRECTORY_ROOTS or a.key == "DynamicUser")
            title = "%s: %s" % (unit.name, _(
                "%(key)s= is unknown to systemd %(version)d (this host), ignored") % {
                    "key": a.key, "version": version})
            why = _("%(key)s= first appears in the systemd %(added)d directive table gotriage knows "
                    "(%(source)s); systemd %(version)d ignores the line, so the service starts "
                    "without it.") % {"key": a.key, "added": added, "source": K.DIRECTIVES[added][1],
                                      "version": version}
            fix = []
            if alt:
                fix.append(Action.edit(a.path, "%s=%s" % (alt.split(" ")[0], a.value), old=a.text,
                                       syntax="systemd",
                                       description=_("the older name%(note)s") % {
                                           "note": "" if " " not in alt else alt[alt.index(" "):]}))
            if el7:
                fix.extend(_el7_alternative(unit, a))
            if not fix:
                fix.append(Action.note(_("remove %(key)s= and do what it does by hand on this "
                                         "release") % {"key": a.key}))
            predicted = ("[%s:%d] Unknown lvalue '%s' in section '%s'" % (a.path, a.line, a.key, a.section)
                         if version < 240 else
                         "%s:%d: Unknown key '%s' in section [%s], ignoring." % (a.path, a.line, a.key, a.section))
        else:
            title = "%s: %s" % (unit.name, _("%(key)s= is not a systemd directive in [%(section)s]") % {
                "key": a.key, "section": a.section})
            why = _("No systemd version gotriage knows has it in [%(section)s]: a typo, or the wrong "
                    "section.") % {"section": a.section}
            fix = [Action.note(_("correct the name (see `man systemd.directives`) or move it to its "
                                 "section"))]
            predicted = "%s:%d: Unknown key '%s' in section [%s], ignoring." % (a.path, a.line, a.key, a.section)
        out.append(_f("SVC-UNIT-UNKNOWN-KEY", "warn", title, unit, subject="%s:%d" % (a.path, a.line),
                      evidence=[Evidence.file(a.path, a.text, a.line)] +
                      ([facts.systemd_version[1]] if facts.systemd_version[1] else []),
                      why=why, predicted_error=predicted, fix=fix, references=[K.SOURCES["news"]]))
    return out


def _specifiers(facts, unit):
    out = []
    version = facts.version
    if version is None:
        return out
    for a in unit.effective.order:
        for letter in specifiers_in(a.value):
            if letter == "%":
                continue
            known = K.SPECIFIERS.get(letter)
            removed = K.SPECIFIERS_REMOVED.get(letter)
            if known is not None and known[0] <= version and not (removed and version >= removed):
                continue
            rejected = version >= K.UNKNOWN_SPECIFIER_REJECTED_SINCE
            exec_line = a.key.startswith("Exec")
            if known is not None:
                meaning = _("%%%(letter)s (%(meaning)s) needs systemd %(needs)d; this host has "
                            "%(version)d") % {"letter": letter, "meaning": known[1],
                                              "needs": known[0], "version": version}
            else:
                meaning = _("%%%(letter)s is not a systemd specifier") % {"letter": letter}
            if rejected:
                effect = (_("the unit does not load") if exec_line else _("the assignment is ignored"))
                predicted = "Failed to resolve unit specifiers in %s: Invalid slot" % a.value
            else:
                effect = _("it stays literally %%%(letter)s in the value") % {"letter": letter}
                predicted = None
            value = K.SPECIFIER_VALUES.get(letter)
            fix = [Action.edit(a.path, _replace_specifier(a.text, letter, value), old=a.text,
                               syntax="systemd", description=_("write the path out"))] if value else [
                Action.edit(a.path, _replace_specifier(a.text, letter, "%%" + letter), old=a.text,
                            syntax="systemd", description=_("or %% for a literal percent sign"))]
            out.append(_f("SVC-UNIT-SPECIFIER", "error", "%s: %s" % (unit.name, _(
                "%(key)s= uses %%%(letter)s: %(effect)s") % {
                    "key": a.key, "letter": letter, "effect": effect}), unit, subject="%s:%d:%s" % (a.path, a.line, letter),
                evidence=[Evidence.file(a.path, a.text, a.line), Evidence.fact(meaning)],
                why=_("Specifiers are expanded by systemd itself; this version rejects unknown "
                      "ones.") if rejected else
                _("Specifiers are expanded by systemd itself; this version leaves unknown ones as "
                  "they are."),
                predicted_error=predicted, fix=fix + [_reload(unit)], references=[K.SOURCES["unit"]]))
    return out


def _replace_specifier(text, letter, replacement):
    """`text` with each %LETTER replaced (a %% pair, a literal percent sign, is kept)."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "%" and i + 1 < len(text):
            pair = text[i:i + 2]
            out.append(replacement if pair == "%" + letter else pair)
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _execstart_count(facts, unit):
    service_type = unit.value("Type") or "simple"
    lines = unit.assignments("ExecStart")
    if service_type == "oneshot":
        return []
    if not unit.exec_start and not unit.exec_errors:
        if unit.name.endswith(".service") and not lines:
            return [_f("SVC-UNIT-NO-EXECSTART", "error", "%s: %s" % (unit.name, _("no ExecStart= in effect")),
                       unit, evidence=[Evidence.fact(_("files read: %(files)s") % {
                           "files": ", ".join(f.path for f in unit.files)})],
                       why=_("An empty `ExecStart=` in a drop-in resets the list; without a new line "
                             "after it the service has nothing to run."),
                       predicted_error="Service has no ExecStart= setting, which is only allowed for "
                                       "Type=oneshot services. Refusing.",
                       fix=[Action.note(_("give the service one ExecStart= line, with the absolute "
                                          "path of its program, after the empty `ExecStart=` in "
                                          "%(path)s") % {"path": shell_word(_dropin(unit))}),
                            _reload(unit)])]
        return []
    if len(unit.exec_start) > 1:
        return [_f("SVC-UNIT-MULTIPLE-EXECSTART", "error", "%s: %s" % (unit.name, _(
            "%(n)d ExecStart= lines in effect (Type=%(type)s)") % {
                "n": len(unit.exec_start), "type": service_type}), unit,
            evidence=[Evidence.file(a.path, a.text, a.line) for a in lines],
            why=_("A drop-in that sets ExecStart= adds a second command unless it first resets "
                  "the list with an empty `ExecStart=`."),
            predicted_error="Service has more than one ExecStart= setting, which is only allowed "
                            "for Type=oneshot services. Refusing.",
            fix=[Action.edit(lines[-1].path, "ExecStart=", syntax="systemd", description=_(
                "insert this empty line just before `%(line)s`") % {"line": lines[-1].text}), _reload(unit)])]
    return []


_COVERED = re.compile(r"Unknown (?:key|lvalue)|Missing '='|Invalid section header|more than one ExecStart|"
                      r"has no ExecStart|Failed to resolve unit specifiers|WorkingDirectory= path is not absolute|"
                      r"is not executable: |Executable path is not absolute|Neither a valid executable")


def _verify(facts, unit, others=()):
    """`systemd-analyze verify`: what it says about this unit's files that the other
    findings do not already say (unknown keys, syntax, specifiers, ExecStart= count)."""
    result = facts.verify(unit)
    if result is None:
        return []
    if result.timed_out:
        facts.note(_("systemd-analyze verify %(unit)s timed out") % {"unit": unit.name})
        return []
    ours = [f.path for f in unit.files] + [unit.name, unit.fragment]
    lines = []
    for line in (result.errtext + "\n" + result.text).splitlines():
        line = line.strip()
        if line and any(token in line for token in ours) and line not in lines:
            lines.append(line)
    own = [line for line in lines if not _COVERED.search(line)
           and not re.search(r"bad unit file setting|fatal error, unit will not be started|"
                             r"failed to load properly", line)]
    if not own:
        return []
    fatal = any(re.search(r"bad unit file setting|fatal error|failed to load|Refusing", line, re.I)
                for line in lines) and not [f for f in others if f.severity == "error"]
    return [_f("SVC-UNIT-VERIFY", "error" if fatal else "warn", "%s: systemd-analyze verify: %s" % (
        unit.name, own[0]), unit, subject="verify",
        evidence=[Evidence.command(result, "\n".join(lines[:12]))],
        why=_("This is systemd's own reading of the unit on this host."),
        fix=[Action.note(_("fix what systemd reports, then `systemctl daemon-reload`"))])]
