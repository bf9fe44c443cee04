"""The service layer: systemd units of Go services, from unit file to first syscall.

For every unit examined (`gotriage service UNIT`, or in `check --layer service` every
enabled or failed unit whose ExecStart= is a Go binary or runs `go`):

- SVC-UNIT     the unit file and drop-ins: found, loadable, known directives and
               specifiers for this systemd, `systemd-analyze verify`
- SVC-EXEC     the program ExecStart= starts: written so systemd runs it, there,
               executable by the unit's user, not on a noexec mount, an ELF that runs here
- SVC-WORKDIR  WorkingDirectory=
- SVC-USER     User= and Group=
- SVC-ENV      Environment= and EnvironmentFile=
- SVC-GO       for units that run `go`: the build cache in the unit's environment
- SVC-LIMITS   LimitNOFILE=, LimitNPROC=, TasksMax= against what the Go runtime needs
- SVC-PORT     ports below 1024 for a non-root User= without CAP_NET_BIND_SERVICE
- SVC-SANDBOX  ReadWritePaths= and friends, ProtectHome=
- SVC-LABEL    the SELinux label of the program against the policy's
- SVC-JOURNAL  what the journal says, mapped to the findings above
- SVC-TRACE    (--trace) what the program does under strace

Messages in `predicted_error` are systemd's own (the strings compiled into systemd 252
and systemd 219's sources, see knowledge/systemd.py) and the Go runtime's.
"""

import posixpath
import re

from gotriage.checks import check
from gotriage.checks.unanswered import answered_title, hung_doc, hung_findings
from gotriage.findings import Action, Evidence, Finding, is_system_dir, operands
from gotriage.knowledge import systemd as K
from gotriage.knowledge.go import NOFILE_MIN, NPROC_MIN
from gotriage.parsers.systemd_unit import (
    EXEC_KEYS,
    WordError,
    expand_env,
    parse_exec,
    specifiers_in,
    split_words,
)
from gotriage.quoting import (
    Unrepresentable,
    fcontext_pattern,
    shell_word,
    systemd_environment,
    systemd_exec_line,
    systemd_exec_word,
    systemd_path,
)
from gotriage.service.labels import DENIED_EXEC_TYPES, context_type, exec_ok

LAYER = "service"
REFS = [K.SOURCES["service"], K.SOURCES["exec"]]


def _f(id, severity, title, unit=None, subject=None, **kw):
    if unit is not None:
        subject = "%s:%s" % (unit.name, subject) if subject else unit.name
    return Finding(id, severity, title, layer=LAYER, subject=subject, **kw)


def _dropin(unit):
    return "/etc/systemd/system/%s.d/override.conf" % unit.name


def _reload(unit):
    return Action.command(["systemctl", "daemon-reload"],
                          description="then `systemctl restart %s`" % unit.name)


def _memo(facts, name, unit, compute):
    return facts._memo(("svc", name, unit.name), compute)


def _loaded(facts):
    """The units that exist and can be examined further."""
    return [u for u in facts.units if u.found and not u.masked]


def _step(step, path, error):
    return "Failed at step %s spawning %s: %s" % (step, path, error)


# ---------------------------------------------------------------------------------------
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
    if not facts.units and not facts.requested:
        results.append(_f("SVC-UNIT", "ok", "no enabled or failed service runs a Go binary or go "
                          "(%d service units looked at)" % len(facts.candidates), subject="discovery"))
    return results


def _unit(facts, unit):
    out = []
    if not unit.found:
        return [_f("SVC-UNIT-NOT-FOUND", "error", "%s: no such unit file" % unit.name, unit,
                   evidence=[Evidence.fact("searched %s" % ", ".join(K.UNIT_PATH))
                             if "/" not in unit.requested else Evidence.fact(
                                 "%s does not exist" % unit.requested)],
                   predicted_error="Unit %s could not be found." % unit.name,
                   fix=[Action.command(["systemctl", "list-unit-files", "--type=service"],
                                       description="find its real name")])]
    if unit.masked:
        return [_f("SVC-UNIT-MASKED", "error", "%s is masked" % unit.name, unit,
                   evidence=[Evidence.fact("%s -> /dev/null" % unit.fragment)],
                   predicted_error="Failed to start %s: Unit %s is masked." % (unit.name, unit.name),
                   fix=[Action.command(["systemctl", "unmask"] + operands(unit.name))])]
    for path, err in unit.read_errors:
        out.append(_f("SVC-UNIT-UNREADABLE", "warn", "%s: cannot read %s" % (unit.name, path),
                      unit, subject=path, evidence=[Evidence.fact("%s: %s" % (path, err.message))],
                      fix=[Action.note("run gotriage as root")]))
    version = facts.version
    for f in unit.files:
        if f.problems and not f.sections and not f.assignments:
            # Nothing in it reads as a unit file: say so once, and propose no line edits
            # in a file that is not what gotriage took it for.
            first = f.problems[0]
            out.append(_f("SVC-UNIT-SYNTAX", "error", "%s is not a unit file: no line reads as "
                          "a [Section] or a Key=value" % f.path, unit, subject=f.path,
                          evidence=[Evidence.file(p.path, p.text, p.line) for p in f.problems[:3]],
                          why="systemd refuses a file with no valid section.",
                          predicted_error="Unit %s failed to load properly: Bad message." % unit.name,
                          fix=[Action.note("check that %s is the unit file you meant (first line: "
                                           "%s)" % (f.path, first.text[:80]))]))
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
                message = "Missing '='. (systemd %d refuses the whole file: Bad message)" % version
            else:
                message = p.message
            out.append(_f(
                "SVC-UNIT-SYNTAX", "error" if fatal else "warn",
                "%s line %d: %s" % (p.path, p.line, message), unit, subject="%s:%d" % (p.path, p.line),
                evidence=[Evidence.file(p.path, p.text, p.line)],
                why="systemd %s this line%s." % (
                    "refuses the unit because of" if fatal else "ignores",
                    "" if fatal else ", so what it meant to set is not set"),
                predicted_error=("Unit %s failed to load properly: Bad message." % unit.name) if fatal else None,
                fix=_syntax_fix(p) + [_reload(unit)]))
    out.extend(_unknown_keys(facts, unit))
    out.extend(_specifiers(facts, unit))
    out.extend(_execstart_count(facts, unit))
    out.extend(_verify(facts, unit, out + _memo(facts, "exec", unit, lambda: _exec(facts, unit))
                       + _memo(facts, "workdir", unit, lambda: _workdir(facts, unit))))
    if not [f for f in out if f.severity in ("error", "warn")]:
        drops = len(unit.dropins)
        out.append(_f("SVC-UNIT", "ok", "%s: %s%s" % (
            unit.name, unit.fragment, " + %d drop-in%s" % (drops, "" if drops == 1 else "s") if drops else ""),
            unit, evidence=[Evidence.fact("loaded in this order: %s" % ", ".join(f.path for f in unit.files))]
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
        return [Action.note("correct the section header on line %d ([Unit], [Service] or "
                            "[Install]); systemd refuses the file until then" % p.line)]
    if p.kind == "missing-equals":
        key, _, value = text.partition(" ")
        if key and value.strip() and _known_directive(key):
            return [Action.edit(p.path, "%s=%s" % (key, value.strip()), old=p.text,
                                syntax="systemd")]
    if p.kind == "outside-section":
        section = _section_of(text.partition("=")[0].strip())
        if section is not None:
            return [Action.edit(p.path, "[%s]" % section, syntax="systemd",
                                description="insert it before line %d" % p.line)]
    return [Action.edit(p.path, None, old=p.text, syntax="systemd",
                        description="or correct it")]


_USER_NAME = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")


def _owner_args(unit):
    """`-o USER [-g GROUP]` for `install -d`: the unit's own User= and Group=."""
    args = ["-o", unit.value("User") or "root"]
    if unit.value("Group"):
        args += ["-g", unit.value("Group")]
    return args


def _setting_fix(a, key, path, prefix="", description=None):
    """Replace the line `a` with KEY=PREFIXPATH, the path written as systemd reads a
    single path (literally, '%' doubled)."""
    try:
        line = "%s=%s%s" % (key, prefix, systemd_path(path))
    except Unrepresentable as exc:
        return [Action.note("write %s= with the path %s (%s)" % (key, shell_word(path), exc.reason))]
    return [Action.edit(a.path, line, old=a.text, syntax="systemd", description=description)]


def _cache_directory_fix(facts, unit, user):
    """A cache of the unit's own for go: CacheDirectory= (systemd 235+) or a directory
    created once, and GOCACHE/GOMODCACHE pointing into it."""
    cache = "/var/cache/%s" % unit.prefix
    try:
        env = systemd_environment([("GOCACHE", cache + "/go-build"), ("GOMODCACHE", cache + "/mod")])
    except Unrepresentable as exc:
        return [Action.note("give the unit a cache directory and GOCACHE= (%s)" % exc.reason)]
    if facts.supports(235):
        first = Action.edit(_dropin(unit), "CacheDirectory=%s" % systemd_exec_word(unit.prefix),
                            syntax="systemd",
                            description="under [Service] (systemd 235+: creates %s)" % cache)
    else:
        first = Action.command(["install", "-d", "-o", user, cache])
    return [first, Action.edit(_dropin(unit), env, syntax="systemd", description="under [Service]"),
            _reload(unit)]


def _home_fix(facts, unit):
    """HOME and XDG_CACHE_HOME for a program that asks for them (os.UserHomeDir,
    os.UserCacheDir), which a service without User= does not get."""
    cache = "/var/cache/%s" % unit.prefix
    try:
        env = systemd_environment([("HOME", cache), ("XDG_CACHE_HOME", cache)])
    except Unrepresentable as exc:
        return [Action.note("set HOME= for the unit (%s)" % exc.reason)]
    if facts.supports(235):
        first = Action.edit(_dropin(unit), "CacheDirectory=%s" % systemd_exec_word(unit.prefix),
                            syntax="systemd",
                            description="under [Service]: systemd creates %s for the unit's user"
                                        % cache)
    else:
        first = Action.command(["install", "-d"] + _owner_args(unit) + [cache],
                               description="once: systemd %s has no CacheDirectory=" % facts.version)
    return [first, Action.edit(_dropin(unit), env, syntax="systemd",
                               description="the program asks for a home or cache directory "
                                           "(Go's os.UserHomeDir/os.UserCacheDir), which a service "
                                           "without User= does not get"),
            _reload(unit)]


def _go_path_fix(unit, tf, ctx):
    """Environment=PATH= with the bin directory of an installed Go first."""
    installs = [i for i in tf.installs if i.valid and i.version]
    if not installs:
        return [Action.note("install Go, then use its absolute path in ExecStart="), _reload(unit)]
    bindir = installs[0].bindir
    try:
        line = systemd_environment([("PATH", "%s:%s" % (bindir, ctx.path))])
    except Unrepresentable as exc:
        return [Action.note("use go's absolute path %s in ExecStart= (%s)" % (
            shell_word(posixpath.join(bindir, "go")), exc.reason)), _reload(unit)]
    return [Action.edit(_dropin(unit), line, syntax="systemd",
                        description="under [Service]: %s is where %s is installed" % (
                            bindir, installs[0].version)), _reload(unit)]


def _workdir_access_fix(unit, identity, path, where):
    """Let User= into its working directory without opening a system or home directory
    to everyone."""
    if where == path and not is_system_dir(path):
        return [Action.command(["chown"] + operands(identity.user, path))]
    home_like = where in ("/root", "/home") or where.startswith("/home/")
    if is_system_dir(where) or home_like:
        return [Action.note("%s is not for %s to enter: move the working directory to a "
                            "directory of its own (e.g. /var/lib/%s, owned by %s)" % (
                                where, identity.user, unit.prefix, identity.user))]
    return [Action.command(["chmod", "o+x", where], safe=False,
                           description="lets every user pass through %s" % where)]


def _bin_t_directory_fix(directory, path):
    """Label a custom program directory bin_t, never a system directory (whose files
    other policy modules label) and never with an unescaped pattern."""
    if is_system_dir(directory):
        return [Action.command(["install", "-m", "0755", path, "/usr/local/bin/"],
                               description="install copies with the label of /usr/local/bin (bin_t)")]
    try:
        pattern = fcontext_pattern(directory)
    except Unrepresentable as exc:
        return [Action.note("move the program into /usr/local/bin (%s)" % exc.reason)]
    return [Action.command(["semanage", "fcontext", "-a", "-t", "bin_t", pattern],
                           description="the policy has no executable type for %s" % directory,
                           safe=False),
            Action.command(["restorecon", "-Rv", directory])]


def _el7_alternative(unit, a):
    """What systemd 219 does instead of a directive it ignores, as commands."""
    if a.key == "DynamicUser":
        if not _USER_NAME.match(unit.prefix):
            return [Action.note("create a system user for the service (useradd -r -s %s) and "
                                "set User= to it" % K.DYNAMIC_USER_SHELL)]
        return [Action.command(["useradd", "-r", "-s", K.DYNAMIC_USER_SHELL, unit.prefix],
                               description="a system user instead of DynamicUser="),
                Action.edit(a.path, "User=%s" % unit.prefix, old=a.text, syntax="systemd")]
    root = K.MANAGED_DIRECTORY_ROOTS[a.key]
    names = [w for w, _ in _words(a.value)] or [unit.prefix]
    if a.key == "ConfigurationDirectory":
        return [Action.note("use %s directly (systemd 219 does not create it)" % ", ".join(
            posixpath.join(root, n) for n in names))]
    fix = []
    for name in names:
        path = posixpath.normpath(posixpath.join(root, name))
        if not path.startswith(root + "/"):
            continue
        fix.append(Action.command(["install", "-d", "-m", "0755"] + _owner_args(unit) + [path],
                                  description="once: systemd 219 does not create it"))
    return fix or [Action.note("create the directory under %s once, owned by the unit's user"
                               % root)]


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
            title = "%s: %s= is unknown to systemd %d (this host), ignored" % (unit.name, a.key, version)
            why = ("%s= first appears in the systemd %d directive table gotriage knows (%s); "
                   "systemd %d ignores the line, so the service starts without it." % (
                       a.key, added, K.DIRECTIVES[added][1], version))
            fix = []
            if alt:
                fix.append(Action.edit(a.path, "%s=%s" % (alt.split(" ")[0], a.value), old=a.text,
                                       syntax="systemd",
                                       description="the older name%s" % (
                                           "" if " " not in alt else alt[alt.index(" "):])))
            if el7:
                fix.extend(_el7_alternative(unit, a))
            if not fix:
                fix.append(Action.note("remove %s= and do what it does by hand on this release" % a.key))
            predicted = ("[%s:%d] Unknown lvalue '%s' in section '%s'" % (a.path, a.line, a.key, a.section)
                         if version < 240 else
                         "%s:%d: Unknown key '%s' in section [%s], ignoring." % (a.path, a.line, a.key, a.section))
        else:
            title = "%s: %s= is not a systemd directive in [%s]" % (unit.name, a.key, a.section)
            why = "No systemd version gotriage knows has it in [%s]: a typo, or the wrong section." % a.section
            fix = [Action.note("correct the name (see `man systemd.directives`) or move it to its section")]
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
                meaning = "%%%s (%s) needs systemd %d; this host has %d" % (letter, known[1], known[0], version)
            else:
                meaning = "%%%s is not a systemd specifier" % letter
            if rejected:
                effect = ("the unit does not load" if exec_line else "the assignment is ignored")
                predicted = "Failed to resolve unit specifiers in %s: Invalid slot" % a.value
            else:
                effect = "it stays literally %%%s in the value" % letter
                predicted = None
            value = K.SPECIFIER_VALUES.get(letter)
            fix = [Action.edit(a.path, _replace_specifier(a.text, letter, value), old=a.text,
                               syntax="systemd", description="write the path out")] if value else [
                Action.edit(a.path, _replace_specifier(a.text, letter, "%%" + letter), old=a.text,
                            syntax="systemd", description="or %% for a literal percent sign")]
            out.append(_f("SVC-UNIT-SPECIFIER", "error", "%s: %s= uses %%%s: %s" % (
                unit.name, a.key, letter, effect), unit, subject="%s:%d:%s" % (a.path, a.line, letter),
                evidence=[Evidence.file(a.path, a.text, a.line), Evidence.fact(meaning)],
                why="Specifiers are expanded by systemd itself; this version %s." % (
                    "rejects unknown ones" if rejected else "leaves unknown ones as they are"),
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
            return [_f("SVC-UNIT-NO-EXECSTART", "error", "%s: no ExecStart= in effect" % unit.name,
                       unit, evidence=[Evidence.fact("files read: %s" % ", ".join(f.path for f in unit.files))],
                       why="An empty `ExecStart=` in a drop-in resets the list; without a new line after it "
                           "the service has nothing to run.",
                       predicted_error="Service has no ExecStart= setting, which is only allowed for "
                                       "Type=oneshot services. Refusing.",
                       fix=[Action.note("give the service one ExecStart= line, with the absolute "
                                        "path of its program, after the empty `ExecStart=` in %s"
                                        % shell_word(_dropin(unit))), _reload(unit)])]
        return []
    if len(unit.exec_start) > 1:
        return [_f("SVC-UNIT-MULTIPLE-EXECSTART", "error", "%s: %d ExecStart= lines in effect (Type=%s)" % (
            unit.name, len(unit.exec_start), service_type), unit,
            evidence=[Evidence.file(a.path, a.text, a.line) for a in lines],
            why="A drop-in that sets ExecStart= adds a second command unless it first resets the "
                "list with an empty `ExecStart=`.",
            predicted_error="Service has more than one ExecStart= setting, which is only allowed "
                            "for Type=oneshot services. Refusing.",
            fix=[Action.edit(lines[-1].path, "ExecStart=", syntax="systemd", description="insert this empty line "
                             "just before `%s`" % lines[-1].text), _reload(unit)])]
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
        facts.note("systemd-analyze verify %s timed out" % unit.name)
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
        why="This is systemd's own reading of the unit on this host.",
        fix=[Action.note("fix what systemd reports, then `systemctl daemon-reload`")])]


# -- rewriting an Exec line ---------------------------------------------------------------
# A fix that rewrites an ExecStart= line keeps the user's own words as they are written
# (quotes, escapes, $VARIABLES) and writes only what it adds with gotriage.quoting.


def _exec_line(key, cmd, words):
    return "%s=%s" % (key, " ".join(words))


def _env_prefix_fix(facts, unit, line, cmd, count):
    """Move the leading VAR=value words to Environment= and keep the rest of the line as
    written.  A value holding '$' cannot move unchanged: ExecStart= expands `$$` and
    `${NAME}`, Environment= does not."""
    rest = cmd.raw_words[count:]
    # the values as systemd has them once specifiers are expanded (%% is one %)
    pairs = [tuple(facts.expand(unit, word).split("=", 1)) for word in cmd.argv[:count]]
    if not rest:
        return [Action.note("ExecStart= has no program after %s: give it the absolute path of "
                            "the program" % " ".join(cmd.argv[:count]))]
    try:
        if any("$" in value for _, value in pairs):
            raise Unrepresentable(pairs, "systemd", "'$' means something else in Environment=")
        environment = systemd_environment(pairs)
    except Unrepresentable as exc:
        return [Action.note("move %s to an Environment= line under [Service] and start "
                            "ExecStart= with the program (%s)" % (
                                ", ".join(name for name, _ in pairs), exc.reason)), _reload(unit)]
    return [Action.edit(line.path, environment, syntax="systemd", description="under [Service]"),
            Action.edit(line.path, _exec_line(line.key, cmd, [cmd.prefixes + rest[0]] + rest[1:]),
                        old=line.text, syntax="systemd"),
            _reload(unit)]


def _shell_wrap_fix(unit, line, cmd):
    """ExecStart=/bin/sh -c '...': the words become a shell command line (plain words
    quoted for the shell, the shell syntax kept), written as one systemd word."""
    script = " ".join(w if _SHELL_SYNTAX.search(w) else shell_word(w) for w in cmd.argv)
    try:
        value = systemd_exec_line(["/bin/sh", "-c", script], cmd.prefixes)
    except Unrepresentable as exc:
        return [Action.note("run it through /bin/sh -c (%s)" % exc.reason)]
    return [Action.edit(line.path, "%s=%s" % (line.key, value), old=line.text, syntax="systemd"),
            _reload(unit)]


def _absolute_fix(unit, line, cmd, target):
    if target.found_at is None:
        return [Action.note("use the absolute path of %s in ExecStart= (`command -v %s`; "
                            "not found in %s)" % (cmd.path, shell_word(cmd.path),
                                                 ":".join(target.searched) or "systemd's PATH")),
                _reload(unit)]
    raw = list(cmd.raw_words)
    try:
        raw[0] = cmd.prefixes + systemd_exec_word(target.found_at, program=True)
    except Unrepresentable as exc:
        return [Action.note("use the absolute path %s in ExecStart= (%s)" % (
            target.found_at, exc.reason))]
    return [Action.edit(line.path, _exec_line(line.key, cmd, raw), old=line.text, syntax="systemd",
                        description="%s is where systemd's default PATH has it" % target.found_at),
            _reload(unit)]


# ---------------------------------------------------------------------------------------
_SHELL_SYNTAX = re.compile(r"^(?:\||\|\||&&|;;|>|>>|<|2>&1|&>|2>|&)$|\$\(|`")


@check("SVC-EXEC", LAYER, "ExecStart= starts a program that runs here", findings={
    "SVC-EXEC-QUOTING": (
        "ExecStart= has an unbalanced quote: systemd ignores the line.",
        "the line",
        "balance the quotes."),
    "SVC-EXEC-ENV-PREFIX": (
        "ExecStart= begins with `VAR=value`, which is shell syntax: systemd takes `VAR=value` as "
        "the program's name (status=203/EXEC, `Failed to locate executable VAR=value`; EL7: "
        "`Executable path is not absolute, ignoring`).",
        "the line",
        "move the variable to an `Environment=VAR=value` line."),
    "SVC-EXEC-PREFIX": (
        "ExecStart= uses a prefix (+, !, !!, :) that this systemd does not know: on EL7's 219 "
        "only - and @ exist, and the line is ignored (`Executable path is not absolute`).",
        "the line and the host's systemd version",
        "drop the prefix (PermissionsStartOnly=yes is the 219 way to run ExecStartPre= as root)."),
    "SVC-EXEC-RELATIVE": (
        "ExecStart= names a program without a path: systemd 219 ignores the line, systemd 239+ "
        "looks it up in its own PATH (not Environment=PATH) and fails with 203/EXEC when it is "
        "not there.",
        "the line and the directories searched",
        "use the absolute path of the program."),
    "SVC-EXEC-SHELL": (
        "ExecStart= contains shell syntax (|, &&, >, $(...)) that systemd does not interpret: it "
        "reaches the program as arguments.",
        "the line",
        "wrap it in `/bin/sh -c '...'`, or use StandardOutput=/separate ExecStartPre= lines."),
    "SVC-EXEC-MISSING": (
        "The program does not exist: status=203/EXEC, `Failed at step EXEC spawning PATH: No "
        "such file or directory`.",
        "the path",
        "install the binary there, or correct ExecStart=."),
    "SVC-EXEC-NOT-EXECUTABLE": (
        "The program is not an executable regular file (no x bit, or a directory): status=203/EXEC, "
        "`Permission denied`.",
        "its mode",
        "`chmod 0755 PATH`."),
    "SVC-EXEC-DENIED": (
        "The unit's User= cannot reach the program: a directory on its path is not searchable "
        "(e.g. a binary left in /root or a 0700 home): status=203/EXEC, `Permission denied`.",
        "the directory, its mode and owner, and the user",
        "install the binary into /usr/local/bin (`install -m 0755 SRC /usr/local/bin/`)."),
    "SVC-EXEC-NOEXEC": (
        "The program is on a file system mounted noexec: status=203/EXEC, `Permission denied`.",
        "the mount from /proc/self/mountinfo",
        "install it elsewhere (/usr/local/bin), or remount without noexec."),
    "SVC-EXEC-ARCH": (
        "The program is built for another machine (GOARCH=arm64 on x86_64...): status=203/EXEC, "
        "`Exec format error`.",
        "the ELF machine and the host's `uname -m`",
        "rebuild with GOARCH for this host (GOARCH=amd64 for x86_64, arm64 for aarch64)."),
    "SVC-EXEC-INTERP": (
        "The program's ELF interpreter (PT_INTERP, e.g. /lib/ld-musl-x86_64.so.1 from an Alpine "
        "build) does not exist here: the kernel says `No such file or directory` about a file "
        "that exists (status=203/EXEC).",
        "PT_INTERP and the missing path",
        "rebuild with CGO_ENABLED=0 (a static Go binary), or on a system with this glibc."),
    "SVC-EXEC-SCRIPT": (
        "The program is a script whose #! interpreter does not exist: status=203/EXEC, `No such "
        "file or directory`.",
        "the #! line",
        "install the interpreter or correct the #! line."),
    "SVC-EXEC-BINARY": (
        "The binary layer (`gotriage binary`) finds the program will not run here (glibc too "
        "old, a missing library...).",
        "the binary layer's finding",
        "as the binary layer says."),
})
def exec_start(facts):
    """Where systemd finds ExecStart='s program (absolute, or searched in systemd's own
    PATH on 239+), and whether it can execute it: exists, executable, reachable by the
    unit's user, not noexec, an ELF for this machine with an existing loader; then the
    binary layer's analysis when it is installed."""
    results = []
    for unit in _loaded(facts):
        results.extend(_memo(facts, "exec", unit, lambda u=unit: _exec(facts, u)))
    return results


def _exec(facts, unit):
    out = []
    for a, message in unit.exec_errors:
        out.append(_f("SVC-EXEC-QUOTING", "error", "%s: ExecStart= cannot be parsed: %s" % (
            unit.name, message), unit, subject="%s:%d" % (a.path, a.line),
            evidence=[Evidence.file(a.path, a.text, a.line)],
            why="systemd ignores an Exec line it cannot split into words.",
            predicted_error="Invalid command line, ignoring: %s" % a.value,
            fix=[Action.note("balance the quotes in that line")]))
    cmd = unit.main
    if cmd is None:
        return out
    line = unit.assignments("ExecStart")[0]
    ev = Evidence.file(line.path, line.text, line.line)
    version = facts.version
    # VAR=value as the program
    if re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", cmd.path):
        names = []
        for word in cmd.argv:
            if re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", word):
                names.append(word)
            else:
                break
        old_style = version is not None and version < K.RELATIVE_EXEC_SINCE
        out.append(_f(
            "SVC-EXEC-ENV-PREFIX", "error", "%s: ExecStart= starts with %s, which systemd runs as "
            "the program" % (unit.name, names[0]), unit, subject="env-prefix", evidence=[ev],
            why="`VAR=value cmd` is shell syntax; systemd does not use a shell, so the first word "
                "is the program's name.",
            predicted_error=("[%s:%d] Executable path is not absolute, ignoring: %s" % (
                line.path, line.line, line.value)) if old_style else
            "%s: Failed to locate executable %s: No such file or directory\n%s: Main process "
            "exited, code=exited, status=203/EXEC" % (unit.name, names[0], unit.name),
            fix=_env_prefix_fix(facts, unit, line, cmd, len(names)), references=REFS))
        return out
    out.extend(_prefixes(facts, unit))
    shell = [w for w in cmd.args if _SHELL_SYNTAX.search(w)]
    if shell and posixpath.basename(cmd.path) not in ("sh", "bash", "dash", "ksh", "zsh", "env"):
        out.append(_f("SVC-EXEC-SHELL", "warn", "%s: ExecStart= contains %r, which is shell syntax "
                      "systemd passes to the program as an argument" % (unit.name, shell[0]),
                      unit, subject="shell", evidence=[ev],
                      why="systemd splits the line into words itself; there is no shell to run "
                          "pipes, redirections or command substitution.",
                      fix=_shell_wrap_fix(unit, line, cmd)))
    target = facts.exec_target(unit)
    if target.how == "ignored-relative":
        out.append(_f("SVC-EXEC-RELATIVE", "error", "%s: ExecStart=%s is not an absolute path: systemd "
                      "%d ignores the line" % (unit.name, cmd.path, version), unit, subject="relative",
                      evidence=[ev, facts.systemd_version[1]],
                      why="Only systemd 239 and later look a program name up in a PATH.",
                      predicted_error="[%s:%d] Executable path is not absolute, ignoring: %s" % (
                          line.path, line.line, line.value),
                      fix=_absolute_fix(unit, line, cmd, target), references=REFS))
        return out
    if target.how == "not-found":
        out.append(_f("SVC-EXEC-RELATIVE", "error", "%s: ExecStart=%s is not found in systemd's PATH" % (
            unit.name, cmd.path), unit, subject="relative",
            evidence=[ev, Evidence.fact("searched %s" % ":".join(target.searched))],
            why="systemd looks a program name up in its own compiled-in PATH, not in "
                "Environment=PATH= nor your shell's.",
            predicted_error="%s: Failed to locate executable %s: No such file or directory" % (unit.name, cmd.path),
            fix=[Action.note("use the absolute path of %s in ExecStart=" % cmd.path), _reload(unit)],
            references=REFS))
        return out
    path = target.path
    step = lambda error: "%s\n%s: Main process exited, code=exited, status=203/EXEC" % (  # noqa: E731
        _step("EXEC", path, error), unit.name)
    if target.stat is None:
        if target.error is not None and not target.error.missing:
            out.append(_f("SVC-EXEC-DENIED", "warn", "%s: cannot examine %s: %s" % (
                unit.name, path, target.error.message), unit, subject="stat",
                evidence=[ev], fix=[Action.note("run gotriage as root")]))
            return out
        out.append(_f("SVC-EXEC-MISSING", "error", "%s: %s does not exist" % (unit.name, path), unit,
                      subject="missing", evidence=[ev, Evidence.fact("%s: no such file" % path)],
                      why="systemd cannot execute a program that is not there.",
                      predicted_error=step("No such file or directory"),
                      fix=[Action.note("install the program at %s, or correct ExecStart=" % path)],
                      references=REFS))
        return out
    st = target.stat
    identity = facts.identity(unit)
    if not st.is_file or not st.perms & 0o111:
        out.append(_f("SVC-EXEC-NOT-EXECUTABLE", "error", "%s: %s is not executable (mode %04o%s)" % (
            unit.name, path, st.perms, ", a directory" if st.is_dir else ""), unit, subject="mode",
            evidence=[ev, Evidence.fact("%s: mode %04o, uid %d" % (path, st.perms, st.uid))],
            why="execve needs an x bit for the user the program runs as.",
            predicted_error=step("Permission denied"),
            fix=[Action.command(["chmod", "0755", path])] if st.is_file else
            [Action.note("ExecStart= must name a program, not a directory")], references=REFS))
        return out
    if identity is not None and identity.uid != 0:
        blocked = facts.access_path(target.real or path, identity)
        if blocked is None and not st.permits(identity, "x"):
            blocked = (path, st)
        if blocked:
            where, bst = blocked
            out.append(_f("SVC-EXEC-DENIED", "error", "%s: User=%s cannot reach %s (%s is mode %04o, owner uid %d)" % (
                unit.name, identity.user, path, where, bst.perms, bst.uid), unit, subject="access",
                evidence=[ev, unit.evidence("User") or Evidence.fact("User=%s" % identity.user),
                          Evidence.fact("%s: mode %04o, uid %d gid %d" % (where, bst.perms, bst.uid, bst.gid))],
                why="systemd switches to User= before execve, so every directory on the way must be "
                    "searchable by that user.",
                predicted_error=step("Permission denied"),
                fix=[Action.command(["install", "-m", "0755", path, "/usr/local/bin/"],
                                    description="then ExecStart=/usr/local/bin/%s" % posixpath.basename(path))],
                references=REFS))
    mount = facts.mount_of(target.real or path)
    if mount and "noexec" in mount[1]:
        out.append(_f("SVC-EXEC-NOEXEC", "error", "%s: %s is on %s, mounted noexec" % (
            unit.name, path, mount[0]), unit, subject="noexec",
            evidence=[ev, Evidence.file("/proc/self/mountinfo", "%s %s (%s)" % (
                mount[0], ",".join(sorted(mount[1])), mount[2]))],
            why="The kernel refuses to execute any file on a noexec mount.",
            predicted_error=step("Permission denied"),
            fix=[Action.command(["install", "-m", "0755", path, "/usr/local/bin/"],
                                description="then ExecStart=/usr/local/bin/%s" % posixpath.basename(path)),
                 Action.note("or remove noexec from the mount of %s in /etc/fstab" % mount[0])],
            references=REFS))
    probe = facts.probe(target.real or path)
    if probe.kind == "script" and probe.shebang:
        interp = probe.shebang.split()[0]
        if interp.startswith("/") and facts.host.try_stat(interp) is None:
            out.append(_f("SVC-EXEC-SCRIPT", "error", "%s: %s starts with #!%s, which does not exist" % (
                unit.name, path, interp), unit, subject="shebang",
                evidence=[ev, Evidence.file(path, "#!" + probe.shebang, 1)],
                predicted_error=step("No such file or directory"),
                fix=[Action.note("install %s or change the #! line" % interp)]))
    if probe.kind == "elf":
        machine = facts.machine
        if machine and probe.machine and probe.machine != machine:
            out.append(_f("SVC-EXEC-ARCH", "error", "%s: %s is built for %s; this host is %s" % (
                unit.name, path, probe.machine, machine), unit, subject="arch",
                evidence=[ev, Evidence.fact("ELF e_machine: %s" % probe.machine),
                          Evidence.fact("uname -m: %s" % machine)],
                why="The kernel cannot execute another architecture's code (without binfmt_misc/qemu).",
                predicted_error=step("Exec format error"),
                fix=[Action.command(["go", "build", "-o", posixpath.basename(path), "."],
                                    description="on the build machine, with GOOS=linux GOARCH=%s" % _goarch(machine))]))
        elif probe.interp and facts.host.try_stat(probe.interp) is None:
            out.append(_f("SVC-EXEC-INTERP", "error", "%s: %s needs the loader %s, which does not exist here" % (
                unit.name, path, probe.interp), unit, subject="interp",
                evidence=[ev, Evidence.fact("PT_INTERP: %s" % probe.interp),
                          Evidence.fact("%s: no such file" % probe.interp)],
                why="The kernel starts the ELF interpreter first; when it is missing execve fails with "
                    "ENOENT although the program itself exists.",
                predicted_error=step("No such file or directory"),
                fix=[Action.note("rebuild with CGO_ENABLED=0 (no loader needed), or build it on a "
                                 "release with this host's glibc")]))
    if probe.kind == "elf" and not [f for f in out if f.id in ("SVC-EXEC-ARCH", "SVC-EXEC-INTERP")]:
        analysis = facts.analysis(target.real or path)
        if isinstance(analysis, list):
            for finding in analysis:
                if finding.severity in ("error", "warn") and finding.id != "GOTRIAGE-CHECK-FAILED":
                    out.append(_f("SVC-EXEC-BINARY", finding.severity, "%s: %s" % (unit.name, finding.title),
                                  unit, subject="binary:%s:%s" % (finding.id, finding.subject or ""),
                                  evidence=[ev, Evidence.fact("the binary layer: %s" % finding.id)] + finding.evidence,
                                  why=finding.why, predicted_error=finding.predicted_error,
                                  fix=finding.fix, references=finding.references))
    if not [f for f in out if f.severity in ("error", "warn")]:
        what = {"elf": "ELF %s%s" % (probe.machine or "?", ", %s" % probe.go_version if probe.go_version
                                     else (", Go" if probe.go else "")),
                "script": "script (#!%s)" % (probe.shebang or "")}.get(probe.kind, probe.kind or "?")
        out.append(_f("SVC-EXEC", "ok", "%s: %s (%s, mode %04o)" % (unit.name, path, what, st.perms), unit,
                      evidence=[ev] + ([Evidence.fact("found in systemd's PATH (%s)" % ":".join(target.searched))]
                                       if target.how == "searched" else [])))
    return out


def _prefixes(facts, unit):
    """Exec*= prefixes (+, !, !!, :) the host's systemd does not know: the line is ignored."""
    out = []
    version = facts.version
    for key in EXEC_KEYS:
        for a in unit.assignments(key):
            try:
                commands = parse_exec(a.value)
            except WordError:
                continue
            for cmd in commands:
                bad = [p for p in ("!!", "+", "!", ":")
                       if p in cmd.prefixes and not facts.supports(K.EXEC_PREFIX_SINCE[p])]
                if not bad:
                    continue
                out.append(_f(
                    "SVC-EXEC-PREFIX", "error", "%s: %s=%s... uses the %s prefix (systemd %d+), unknown "
                    "to systemd %d: the line is ignored" % (unit.name, key, cmd.prefixes, bad[0],
                                                            K.EXEC_PREFIX_SINCE[bad[0]], version),
                    unit, subject="prefix:%s:%d" % (a.path, a.line),
                    evidence=[Evidence.file(a.path, a.text, a.line), facts.systemd_version[1]],
                    why="systemd %d takes only - and @ before the path; anything else makes the path "
                        "not absolute, and the whole line is dropped." % version,
                    predicted_error="[%s:%d] Executable path is not absolute, ignoring: %s" % (
                        a.path, a.line, a.value),
                    fix=[Action.edit(a.path, a.text.replace(cmd.prefixes, cmd.prefixes.replace(bad[0], ""), 1),
                                     old=a.text, syntax="systemd",
                                     description="PermissionsStartOnly=yes runs ExecStartPre= "
                                     "as root on systemd 219" if bad[0] == "+" else None), _reload(unit)],
                    references=REFS))
    return out


def _goarch(machine):
    return {"x86_64": "amd64", "aarch64": "arm64", "i686": "386", "ppc64le": "ppc64le",
            "s390x": "s390x", "armv7l": "arm"}.get(machine, machine)


# ---------------------------------------------------------------------------------------
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
        return [_f("SVC-WORKDIR-QUOTED", "error", "%s: WorkingDirectory=%s is quoted: %s" % (
            unit.name, value, "systemd %d ignores it and runs the service in /" % version if old
            else "systemd refuses the unit"), unit, subject="quoted", evidence=[ev],
            why="systemd takes the value literally, quotes included, so it is not an absolute path.",
            predicted_error=("[%s:%d] Not an absolute path, ignoring: %s" % (a.path, a.line, value)) if old
            else "%s:%d: WorkingDirectory= path is not absolute: %s\nUnit %s has a bad unit file setting." % (
                a.path, a.line, value, unit.name),
            fix=_setting_fix(a, "WorkingDirectory", inner) + [_reload(unit)],
            references=REFS)]
    optional = value.startswith("-")
    path = value[1:] if optional else value
    if old and (optional or path == "~"):
        return [_f("SVC-WORKDIR-UNSUPPORTED", "error", "%s: WorkingDirectory=%s needs systemd 227; "
                   "systemd %d ignores it and runs the service in /" % (unit.name, value, version), unit,
                   subject="unsupported", evidence=[ev, facts.systemd_version[1]],
                   predicted_error="[%s:%d] Not an absolute path, ignoring: %s" % (a.path, a.line, value),
                   fix=[Action.note("write the absolute path of the directory (and create it)"), _reload(unit)])]
    identity = facts.identity(unit)
    if path == "~":
        path = identity.home if identity else None
        if not path:
            return []
    st = facts.host.try_stat(path)
    step = lambda error: "%s: Changing to the requested working directory failed: %s\n%s\n%s: Main process " \
        "exited, code=exited, status=200/CHDIR" % (unit.name, error, _step("CHDIR", unit.main.path if unit.main else "?", error),  # noqa: E731
                                                  unit.name)
    if st is None or not st.is_dir:
        if optional:
            return [_f("SVC-WORKDIR", "ok", "%s: WorkingDirectory=%s does not exist (optional: the "
                       "service runs in /)" % (unit.name, value), unit, evidence=[ev])]
        return [_f("SVC-WORKDIR-MISSING", "error", "%s: WorkingDirectory=%s does not exist" % (unit.name, path),
                   unit, subject="missing", evidence=[ev, Evidence.fact("%s: %s" % (
                       path, "not a directory" if st is not None else "no such file or directory"))],
                   why="systemd changes into the directory before it starts the program.",
                   predicted_error=step("No such file or directory"),
                   fix=[Action.command(["install", "-d"] + _owner_args(unit) + [path]), _reload(unit)],
                   references=REFS)]
    if identity is not None and identity.uid != 0:
        blocked = facts.access_path(path.rstrip("/") + "/.", identity)
        if blocked:
            where, bst = blocked
            return [_f("SVC-WORKDIR-DENIED", "error", "%s: User=%s cannot enter %s (%s: mode %04o, uid %d)" % (
                unit.name, identity.user, path, where, bst.perms, bst.uid), unit, subject="denied",
                evidence=[ev, Evidence.fact("%s: mode %04o, uid %d gid %d" % (where, bst.perms, bst.uid, bst.gid))],
                predicted_error=step("Permission denied"),
                fix=_workdir_access_fix(unit, identity, path, where), references=REFS)]
    return [_f("SVC-WORKDIR", "ok", "%s: WorkingDirectory=%s" % (unit.name, path), unit, evidence=[ev])]


# ---------------------------------------------------------------------------------------
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
        return [_f("SVC-USER", "ok", "%s: DynamicUser=yes (systemd allocates the user)" % unit.name, unit)]
    out = []
    user = facts.expand(unit, unit.value("User") or "")
    program = unit.main.path if unit.main else "?"
    if user and facts.user_entry(user) is None and not user.isdecimal():
        a = unit.assignment("User")
        out.append(_f("SVC-USER-MISSING", "error", "%s: User=%s does not exist" % (unit.name, user), unit,
                      subject="user", evidence=[Evidence.file(a.path, a.text, a.line),
                                                Evidence.fact("no %s in /etc/passwd" % user)],
                      why="systemd looks the user up before it starts the program.",
                      predicted_error="%s: Failed to determine user credentials: No such process\n%s\n"
                                      "%s: Main process exited, code=exited, status=217/USER" % (
                                          unit.name, _step("USER", program, "No such process"), unit.name),
                      fix=([Action.command(["useradd", "-r", "-s", K.DYNAMIC_USER_SHELL, user])]
                           if _USER_NAME.match(user) else
                           [Action.note("correct User= (%s is not a name useradd accepts)" % user)])
                      + [_reload(unit)],
                      references=REFS))
    for key in ("Group", "SupplementaryGroups"):
        for a in unit.assignments(key):
            for group in facts.expand(unit, a.value).split():
                if facts.group_exists(group):
                    continue
                out.append(_f("SVC-USER-GROUP-MISSING", "error", "%s: %s=%s does not exist" % (
                    unit.name, key, group), unit, subject="group:%s" % group,
                    evidence=[Evidence.file(a.path, a.text, a.line), Evidence.fact("no %s in /etc/group" % group)],
                    predicted_error="%s: Failed to determine group credentials: No such process\n%s\n"
                                    "%s: Main process exited, code=exited, status=216/GROUP" % (
                                        unit.name, _step("GROUP", program, "No such process"), unit.name),
                    fix=([Action.command(["groupadd", "-r", group])] if _USER_NAME.match(group) else
                         [Action.note("correct %s= (%s is not a name groupadd accepts)" % (key, group))])
                    + [_reload(unit)], references=REFS))
    if not out:
        out.append(_f("SVC-USER", "ok", "%s: runs as %s" % (unit.name, user or "root"), unit))
    return out


# ---------------------------------------------------------------------------------------
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
                          "%s: EnvironmentFile=%s %s" % (unit.name, path, "does not exist" if err.missing
                                                         else "cannot be read: %s" % err.message),
                          unit, subject="envfile:%s" % path,
                          evidence=[Evidence.file(a.path, a.text, a.line)],
                          why="A required environment file that cannot be read stops the start.",
                          predicted_error="%s: Failed to load environment files: %s\n%s: Failed with result "
                                          "'resources'." % (unit.name, err.message, unit.name),
                          fix=[Action.command(["touch", path], description="or create it with its NAME=value lines")]
                          + _setting_fix(a, "EnvironmentFile", path, prefix="-",
                                         description="or make it optional"), references=REFS))
        elif kind == "bad-assignment":
            out.append(_f("SVC-ENV-BAD", "warn", "%s: Environment= word %r is not NAME=value: ignored" % (
                unit.name, detail), unit, subject="env:%s:%d" % (a.path, a.line),
                evidence=[Evidence.file(a.path, a.text, a.line)],
                predicted_error="Invalid environment assignment, ignoring: %s" % detail,
                fix=[Action.note('quote whole assignments: Environment="NAME=value with spaces"')]))
        elif kind == "envfile-bad-line":
            path, line, text = detail
            out.append(_f("SVC-ENV-BAD", "warn", "%s: %s line %d is not NAME=value: ignored" % (
                unit.name, path, line), unit, subject="envfile:%s:%d" % (path, line),
                evidence=[Evidence.file(path, text, line)],
                why="An environment file is not a shell script: `export`, `$(...)` and the like are "
                    "not understood.",
                fix=[Action.edit(path, text[7:].strip(), old=text, syntax="plain")]
                if text.startswith("export ") else
                [Action.note("write it as NAME=value (an environment file is not a shell script)")]))
    if unit.main is not None and ":" not in unit.main.prefixes:
        _, missing = expand_env(unit.main.argv, env)
        if missing:
            a = unit.assignments("ExecStart")[0]
            out.append(_f("SVC-ENV-UNSET", "warn", "%s: ExecStart= uses $%s, which the unit does not set" % (
                unit.name, missing[0]), unit, subject="unset:%s" % ",".join(sorted(set(missing))),
                evidence=[Evidence.file(a.path, a.text, a.line),
                          Evidence.fact("not set: %s" % ", ".join(sorted(set(missing))))],
                why="Your shell's variables are not a service's: systemd expands $NAME from the unit's "
                    "own environment only.",
                fix=[Action.note("set %s under [Service] in %s (Environment=%s=... with its value), "
                                 "or in an EnvironmentFile=" % (missing[0], shell_word(_dropin(unit)),
                                                                missing[0])), _reload(unit)]))
    if not out:
        set_by_unit = sorted(n for n, e in origins.items() if e is not None and e.kind == "file"
                             and not (e.text or "").startswith(("User=", "DynamicUser=")))
        out.append(_f("SVC-ENV", "ok", "%s: environment %s" % (
            unit.name, ("sets " + ", ".join(set_by_unit[:8])) if set_by_unit else "is systemd's default"), unit))
    return out


# ---------------------------------------------------------------------------------------
@check("SVC-GO", LAYER, "a service that runs `go` has a usable build cache", findings={
    "SVC-GO-CACHE": (
        "The service runs `go` with no usable build cache: no HOME (services without User= get "
        "none), GOCACHE=off, relative, or not writable by the unit's user: `build cache is "
        "required, but could not be located: GOCACHE is not defined and neither "
        "$XDG_CACHE_HOME nor $HOME are defined`.",
        "`go env GOCACHE` in the unit's environment (the toolchain layer's GO-CACHE check)",
        "Environment=GOCACHE=/var/cache/NAME/go-build (and GOMODCACHE, GOPATH), or "
        "CacheDirectory=NAME on systemd 235+."),
    "SVC-GO-NOT-FOUND": (
        "A shell command in ExecStart= runs `go`, but go is not on the PATH systemd gives the "
        "service (its compiled-in PATH, not your shell's): `go: command not found`.",
        "the unit's PATH",
        "use go's absolute path, or Environment=PATH=... with its directory."),
})
def go_in_service(facts):
    """For units that run `go` (ExecStart= is go, or a shell/script running go): asks
    `go env` in the unit's environment and applies the toolchain layer's cache check."""
    results = []
    for unit in _loaded(facts):
        if facts.runs_go(unit):
            results.extend(_memo(facts, "go", unit, lambda u=unit: _go(facts, u)))
    return results


def _go(facts, unit):
    from gotriage.checks import toolchain as toolchain_checks

    tf = facts.go_toolchain(unit)
    ctx = tf.contexts[0]
    probe = tf.probe(ctx)
    if probe is None:
        return [_f("SVC-GO-NOT-FOUND", "error", "%s: runs go, but go is not on its PATH" % unit.name, unit,
                   subject="go", evidence=[Evidence.env("PATH", ctx.path, ctx.label)],
                   predicted_error="go: command not found",
                   fix=_go_path_fix(unit, tf, ctx))]
    out = []
    for finding in toolchain_checks.caches(tf):
        if finding.severity == "ok":
            continue
        fix = list(finding.fix)
        if finding.id == "GO-CACHE-NO-HOME":
            fix = _cache_directory_fix(facts, unit, ctx.identity.user)
        out.append(_f("SVC-GO-CACHE", "error", "%s: %s" % (unit.name, finding.title), unit,
                      subject=finding.subject, evidence=finding.evidence + [
                          Evidence.fact("the toolchain layer's %s, in the unit's environment" % finding.id)],
                      why=finding.why, predicted_error=finding.predicted_error, fix=fix,
                      references=finding.references))
    if not out:
        out.append(_f("SVC-GO", "ok", "%s: runs %s with GOCACHE=%s" % (
            unit.name, probe.version or "go", probe.get("GOCACHE")), unit,
            evidence=[Evidence.command(probe.result)]))
    return out


# ---------------------------------------------------------------------------------------
def _limit(value):
    """LimitX= value -> (soft, hard); None for infinity; raises ValueError."""
    def one(text):
        text = text.strip().lower()
        if text in ("infinity", "unlimited"):
            return None
        return int(text)
    soft, sep, hard = value.partition(":")
    soft_v = one(soft)
    return soft_v, (one(hard) if sep else soft_v)


@check("SVC-LIMITS", LAYER, "the unit's limits leave the Go runtime room", findings={
    "SVC-LIMITS-NOFILE": (
        "LimitNOFILE= gives a hard limit below what a Go server needs; Go 1.19+ raises the soft "
        "limit to the hard one, but not past it: `accept4: too many open files`.",
        "the LimitNOFILE= line",
        "LimitNOFILE=65536 (or remove the line: systemd 240+ gives a hard limit of 524288)."),
    "SVC-LIMITS-NPROC": (
        "LimitNPROC= (per user) or TasksMax= (per unit) is low: the Go runtime starts OS threads "
        "as it needs them and dies with `runtime: failed to create new OS thread` / "
        "`fatal error: newosproc`.",
        "the line",
        "raise or remove LimitNPROC=/TasksMax=."),
})
def limits(facts):
    """LimitNOFILE=, LimitNPROC= and TasksMax= of the unit against the system layer's
    minimums (nofile 4096, nproc 1024)."""
    results = []
    for unit in _loaded(facts):
        results.extend(_memo(facts, "limits", unit, lambda u=unit: _limits(facts, u)))
    return results


def _limits(facts, unit):
    out = []
    a = unit.assignment("LimitNOFILE")
    if a is not None:
        try:
            soft, hard = _limit(a.value)
        except ValueError:
            soft = hard = None
        if hard is not None and hard < NOFILE_MIN:
            out.append(_f("SVC-LIMITS-NOFILE", "warn", "%s: LimitNOFILE=%s (hard limit %d)" % (
                unit.name, a.value, hard), unit, subject="nofile",
                evidence=[Evidence.file(a.path, a.text, a.line)],
                why="Each connection, file and pipe is a descriptor; Go can raise its soft limit only "
                    "up to this hard limit.",
                predicted_error="http: Accept error: accept tcp [::]:PORT: accept4: too many open files",
                fix=[Action.edit(a.path, "LimitNOFILE=65536", old=a.text, syntax="systemd"), _reload(unit)]))
    identity = facts.identity(unit)
    a = unit.assignment("LimitNPROC")
    if a is not None and (identity is None or identity.uid != 0):
        try:
            soft, hard = _limit(a.value)
        except ValueError:
            soft = None
        if soft is not None and soft < NPROC_MIN:
            out.append(_f("SVC-LIMITS-NPROC", "warn", "%s: LimitNPROC=%s for %s" % (
                unit.name, a.value, identity.user if identity else "its user"), unit, subject="nproc",
                evidence=[Evidence.file(a.path, a.text, a.line)],
                why="RLIMIT_NPROC counts every thread of every process of the user, and the Go "
                    "runtime creates threads for blocking system calls.",
                predicted_error="runtime: failed to create new OS thread (have N already; errno=11)\n"
                                "runtime: may need to increase max user processes (ulimit -u)\nfatal error: newosproc",
                fix=[Action.edit(a.path, "LimitNPROC=%d" % (NPROC_MIN * 16), old=a.text, syntax="systemd"), _reload(unit)]))
    a = unit.assignment("TasksMax")
    if a is not None and a.value.isdecimal() and int(a.value) < 64:
        out.append(_f("SVC-LIMITS-NPROC", "warn", "%s: TasksMax=%s" % (unit.name, a.value), unit,
                      subject="tasks", evidence=[Evidence.file(a.path, a.text, a.line)],
                      why="TasksMax= caps the threads of the whole unit; a Go server under load needs "
                          "dozens.",
                      predicted_error="runtime: failed to create new OS thread (have N already; errno=11)",
                      fix=[Action.edit(a.path, "TasksMax=4096", old=a.text, syntax="systemd"), _reload(unit)]))
    if not out:
        a = unit.assignment("LimitNOFILE")
        soft, hard = K.default_nofile(facts.version)
        out.append(_f("SVC-LIMITS", "ok", "%s: open files %s" % (
            unit.name, "LimitNOFILE=%s" % a.value if a else "soft %d, hard %d (systemd's default; "
            "Go 1.19+ raises the soft limit to the hard one)" % (soft, hard)), unit))
    return out


# ---------------------------------------------------------------------------------------
_PORT_FLAG = re.compile(r"^--?[\w.-]*(?:addr|listen|bind|port|http|https|web|address)[\w.-]*$", re.I)
_ADDR = re.compile(r"^(?:[\w.-]*|\[[0-9a-fA-F:.]*\]|[0-9.]+):(\d{1,5})$")
_PORT_ENV = re.compile(r"(?:^|_)(?:PORT|ADDR|ADDRESS|LISTEN|BIND)(?:_|$)")


def listen_ports(facts, unit):
    """[(port, Evidence)] the unit's program will probably listen on: ExecStart= flags
    (-addr :80, --listen=0.0.0.0:443, --port 80), PORT/ADDR/LISTEN variables, and the
    journal's `listen tcp :80: bind: ...`."""
    found = []
    env = facts.environment(unit)[0]
    if unit.main is not None:
        argv, _ = expand_env(unit.main.argv, env)
        a = unit.assignments("ExecStart")[0]
        for i, word in enumerate(argv[1:], 1):
            flag, sep, value = word.partition("=")
            candidates = []
            if sep and _PORT_FLAG.match(flag):
                candidates.append(value)
            elif i > 1 and _PORT_FLAG.match(argv[i - 1]):
                candidates.append(word)
            elif word.startswith(":"):
                candidates.append(word)
            for value in candidates:
                m = _ADDR.match(value)
                port = int(m.group(1)) if m else (int(value) if value.isdecimal() and "port" in (
                    flag if sep else argv[i - 1]).lower() else None)
                if port and 0 < port < 65536:
                    found.append((port, Evidence.file(a.path, a.text, a.line)))
    origins = facts.environment(unit)[1]
    for name, value in sorted(env.items()):
        if not _PORT_ENV.search(name.upper()):
            continue
        m = _ADDR.match(value)
        port = int(m.group(1)) if m else (int(value) if value.isdecimal() and "PORT" in name.upper() else None)
        if port and 0 < port < 65536:
            found.append((port, origins.get(name) or Evidence.env(name, value)))
    journal = facts.journal(unit)[0] if unit.found else None
    if journal is not None:
        for event in journal.of("bind"):
            if event.get("error") == "permission denied":
                found.append((event.get("port"), Evidence.fact(event.text)))
    out, seen = [], set()
    for port, ev in found:
        if port not in seen:
            seen.add(port)
            out.append((port, ev))
    return out


class CapSet(object):
    """A capability set from CapabilityBoundingSet=/AmbientCapabilities= lines: the first
    line sets it ("~" = every capability but these), later lines add (or with "~" remove)."""

    def __init__(self, assignments, everything):
        self.only = None if everything else set()  # None: all but self.excluded
        self.excluded = set()
        self.set_at = None
        for a in assignments:
            value = a.value.strip()
            invert = value.startswith("~")
            names = {w.upper() for w in value.lstrip("~").split()}
            if self.set_at is None:
                self.only, self.excluded = (None, set(names)) if invert else (set(names), set())
            elif invert:
                if self.only is not None:
                    self.only -= names
                else:
                    self.excluded |= names
            elif self.only is not None:
                self.only |= names
            else:
                self.excluded -= names
            self.set_at = a

    def has(self, cap):
        return cap in self.only if self.only is not None else cap not in self.excluded


def _known(facts, section, key):
    """Whether the host's systemd knows a directive (unknown version: assume yes)."""
    version = facts.version
    table = K.directive_table(version) if version is not None else None
    if table is None or version >= 253:
        return True
    return key in table[0].get(section, ())


@check("SVC-PORT", LAYER, "ports below 1024 can be bound", findings={
    "SVC-PORT-PRIVILEGED": (
        "The service listens on a port below net.ipv4.ip_unprivileged_port_start (1024) as a "
        "non-root User= without CAP_NET_BIND_SERVICE: `listen tcp :80: bind: permission denied`.",
        "the port (ExecStart= flag, environment, or the journal), User= and the capability lines",
        "AmbientCapabilities=CAP_NET_BIND_SERVICE in the unit (or `setcap "
        "cap_net_bind_service=+ep BINARY` when NoNewPrivileges= is off), or a port >= 1024."),
    "SVC-PORT-BOUNDING": (
        "CapabilityBoundingSet= leaves out CAP_NET_BIND_SERVICE, so not even root (nor "
        "AmbientCapabilities=) can bind a port below 1024.",
        "the CapabilityBoundingSet= line",
        "add CAP_NET_BIND_SERVICE to CapabilityBoundingSet=."),
})
def privileged_ports(facts):
    """Ports below ip_unprivileged_port_start that the unit's program listens on, against
    User=, AmbientCapabilities=, CapabilityBoundingSet=, file capabilities and
    NoNewPrivileges=."""
    results = []
    for unit in _loaded(facts):
        results.extend(_memo(facts, "port", unit, lambda u=unit: _ports(facts, u)))
    return results


def _ports(facts, unit):
    threshold, sysctl_ev = facts.unprivileged_port_start
    low = [(p, ev) for p, ev in listen_ports(facts, unit) if p < threshold]
    if not low:
        return []
    port, ev = low[0]
    identity = facts.identity(unit)
    bounding = CapSet(unit.assignments("CapabilityBoundingSet"), everything=True)
    ambient = CapSet(unit.assignments("AmbientCapabilities"), everything=False)
    cap = "CAP_NET_BIND_SERVICE"
    predicted = "listen tcp :%d: bind: permission denied" % port
    evidence = [ev] + ([sysctl_ev] if sysctl_ev else [])
    if not bounding.has(cap):
        a = bounding.set_at
        return [_f("SVC-PORT-BOUNDING", "error", "%s: listens on port %d but CapabilityBoundingSet= drops %s" % (
            unit.name, port, cap), unit, subject="bounding:%d" % port,
            evidence=evidence + ([Evidence.file(a.path, a.text, a.line)] if a else []),
            why="The bounding set limits every capability the process can ever have, root included.",
            predicted_error=predicted,
            fix=[Action.edit(a.path, "CapabilityBoundingSet=%s" % cap, old=a.text, syntax="systemd",
                             description="keep %s in the set" % cap) if a else Action.note("add %s" % cap),
                 _reload(unit)])]
    if identity is None or identity.uid == 0:
        return []
    if ambient.has(cap):
        return [_f("SVC-PORT", "ok", "%s: port %d as %s with AmbientCapabilities=%s" % (
            unit.name, port, identity.user, cap), unit)]
    target = facts.exec_target(unit)
    nnp = (unit.value("NoNewPrivileges") or "").lower() in ("yes", "true", "1", "on")
    if target.path and facts.file_capabilities(target.real or target.path) and not nnp:
        return [_f("SVC-PORT", "ok", "%s: port %d as %s: %s has file capabilities" % (
            unit.name, port, identity.user, target.path), unit)]
    fix = []
    if _known(facts, "Service", "AmbientCapabilities"):
        fix.append(Action.edit(_dropin(unit), "AmbientCapabilities=%s" % cap, syntax="systemd",
                               description="under [Service] (`systemctl edit %s`)" % unit.name))
    if target.path and not nnp:
        fix.append(Action.command(["setcap", "cap_net_bind_service=+ep", target.path],
                                  description="or give the binary the capability (again after every update)"))
    fix.append(Action.note("or listen on a port >= %d (and redirect with the firewall)" % threshold))
    fix.append(_reload(unit))
    return [_f("SVC-PORT-PRIVILEGED", "error", "%s: listens on port %d as %s without %s" % (
        unit.name, port, identity.user, cap), unit, subject="port:%d" % port,
        evidence=evidence + [unit.evidence("User") or Evidence.fact("User=%s" % identity.user)],
        why="Binding a port below %d needs CAP_NET_BIND_SERVICE, which a non-root user only has "
            "when the unit gives it." % threshold,
        predicted_error=predicted, fix=fix, references=[K.SOURCES["exec"]])]


# ---------------------------------------------------------------------------------------
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
                if optional or not path.startswith("/") or facts.host.exists(path):
                    continue
                out.append(_f("SVC-SANDBOX-PATH-MISSING", "error", "%s: %s=%s does not exist" % (
                    unit.name, key, path), unit, subject="%s:%s" % (key, path),
                    evidence=[Evidence.file(a.path, a.text, a.line), Evidence.fact("%s: no such file or directory" % path)],
                    why="systemd bind-mounts each listed path into the service's namespace; a missing one "
                        "aborts the start.",
                    predicted_error="%s: Failed to set up mount namespacing: %s: No such file or directory\n%s\n"
                                    "%s: Main process exited, code=exited, status=226/NAMESPACE" % (
                                        unit.name, path, _step("NAMESPACE", program, "No such file or directory"),
                                        unit.name),
                    fix=[Action.command(["install", "-d"] + _owner_args(unit) + [path]),
                         Action.edit(a.path, a.text.replace(word, "-" + word, 1), old=a.text,
                                     syntax="systemd", description="or make it optional")],
                    references=REFS))
    protect = (unit.value("ProtectHome") or "no").lower()
    if protect in ("yes", "true", "1", "on", "tmpfs"):
        a = unit.assignment("ProtectHome")
        target = facts.exec_target(unit)
        for what, path, status in (("program", target.path, "203/EXEC"),
                                   ("WorkingDirectory=", facts.expand(unit, unit.value("WorkingDirectory") or "").lstrip("-"),
                                    "200/CHDIR")):
            if path and any(path == h or path.startswith(h + "/") for h in _HOMES):
                out.append(_f("SVC-SANDBOX-HIDES", "error", "%s: ProtectHome=%s hides the %s %s" % (
                    unit.name, protect, what, path), unit, subject="protecthome:%s" % path,
                    evidence=[Evidence.file(a.path, a.text, a.line)],
                    why="Inside the service's namespace /home, /root and /run/user are empty or inaccessible.",
                    predicted_error="%s: Main process exited, code=exited, status=%s" % (unit.name, status),
                    fix=[Action.command(["install", "-m", "0755", path, "/usr/local/bin/"])
                         if what == "program" else Action.note("move the directory out of home directories"),
                         Action.edit(a.path, "ProtectHome=read-only", old=a.text, syntax="systemd", description="or")]))
    settings = ["%s=%s" % (k, unit.value(k)) for k in ("ProtectSystem", "ProtectHome", "PrivateTmp")
                if unit.value(k)] + ["%s=..." % k for k in _PATH_KEYS if unit.assignments(k)]
    if not out and settings:
        out.append(_f("SVC-SANDBOX", "ok", "%s: %s" % (unit.name, ", ".join(settings)), unit))
    return out


# ---------------------------------------------------------------------------------------
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
            facts.note("%s has no SELinux label (no security.selinux attribute)" % path)
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
        return [_f("SVC-LABEL", "ok", "%s: SELinux is disabled (%s labelled %s)" % (
            unit.name, path, actual_type), unit, evidence=evidence)]
    directory = posixpath.dirname(path)
    if actual_type in DENIED_EXEC_TYPES:
        if expected_type and exec_ok(expected_type):
            fix = [Action.command(["restorecon", "-v", path],
                                  description="relabel it %s, as the policy wants" % expected_type)]
        elif any(directory == h or directory.startswith(h + "/") for h in ("/home", "/root", "/tmp", "/var/tmp")):
            fix = [Action.command(["install", "-m", "0755", path, "/usr/local/bin/"],
                                  description="install copies with the label of the target directory (bin_t)"),
                   Action.note("then ExecStart=/usr/local/bin/%s and `systemctl daemon-reload`" % posixpath.basename(path))]
        else:
            fix = _bin_t_directory_fix(directory, path)
        enforcing = mode == "enforcing"
        return [_f("SVC-LABEL-DENIED", "error" if enforcing else "warn",
                   "%s: %s is labelled %s (%s): systemd may not execute it%s" % (
                       unit.name, path, actual_type, DENIED_EXEC_TYPES[actual_type],
                       "" if enforcing else " once SELinux enforces (now %s)" % (mode or "unknown")),
                   unit, subject="label", evidence=evidence,
                   why="`mv` keeps a file's label; the policy lets init_t execute bin_t/usr_t and "
                       "*_exec_t files, not files from home directories or /tmp.",
                   predicted_error="%s\n%s: Main process exited, code=exited, status=203/EXEC\n"
                                   "type=AVC msg=audit(...): avc:  denied  { execute } for ... "
                                   "scontext=system_u:system_r:init_t:s0 tcontext=%s tclass=file" % (
                                       _step("EXEC", target.path, "Permission denied"), unit.name, actual),
                   fix=fix, references=["https://access.redhat.com/documentation/en-us/red_hat_enterprise_linux/9/"
                                        "html/using_selinux/troubleshooting-problems-related-to-selinux_using-selinux"])]
    if expected_type and actual_type != expected_type:
        return [_f("SVC-LABEL-MISMATCH", "info", "%s: %s is labelled %s; the policy expects %s" % (
            unit.name, path, actual_type, expected_type), unit, subject="label", evidence=evidence,
            fix=[Action.command(["restorecon", "-v", path])])]
    return [_f("SVC-LABEL", "ok", "%s: %s labelled %s%s" % (
        unit.name, path, actual_type, " (as the policy expects)" if expected_type else ""), unit,
        evidence=evidence)]


# ---------------------------------------------------------------------------------------
# Exit statuses and the findings that explain them.
_CAUSES = {
    203: ("exec", "env", "label", "sandbox"), 200: ("workdir", "sandbox"), 217: ("user",),
    216: ("user",), 226: ("sandbox",), 209: (), 2: ("limits", "port"),
}
_CAUSE_FUNCS = {"exec": _exec, "workdir": _workdir, "user": _user, "env": _env, "label": _label,
                "sandbox": _sandbox, "limits": _limits, "port": _ports, "go": None}


def _go_causes(facts, unit):
    return _go(facts, unit) if facts.runs_go(unit) else []


def _causes(facts, unit, groups, ids=None):
    found = []
    for group in groups:
        func = _CAUSE_FUNCS[group] or _go_causes
        for finding in _memo(facts, group, unit, lambda f=func: f(facts, unit)):
            if finding.severity in ("error", "warn") and (ids is None or finding.id in ids):
                found.append(finding)
    return found


@check("SVC-JOURNAL", LAYER, "the journal explains why the service stopped", findings={
    "SVC-JOURNAL-EXEC": (
        "The journal shows status=203/EXEC: systemd could not execute the program (missing, "
        "not executable, noexec, wrong architecture, missing loader, SELinux label, VAR=value "
        "as program).",
        "the journal lines, and the finding that explains them",
        "the fix of the linked finding."),
    "SVC-JOURNAL-CHDIR": (
        "The journal shows status=200/CHDIR: WorkingDirectory= is missing or not accessible.",
        "the journal lines", "see SVC-WORKDIR."),
    "SVC-JOURNAL-USER": (
        "The journal shows status=217/USER or 216/GROUP: User=/Group= does not exist.",
        "the journal lines", "see SVC-USER."),
    "SVC-JOURNAL-NAMESPACE": (
        "The journal shows status=226/NAMESPACE: the file system sandbox could not be set up "
        "(a ReadWritePaths= entry that does not exist...).",
        "the journal lines", "see SVC-SANDBOX."),
    "SVC-JOURNAL-SIGNAL": (
        "The program was killed by a signal (code=killed/dumped: SEGV, ABRT, KILL...), or by "
        "the OOM killer.",
        "the journal lines",
        "a SEGV of a Go program is usually in cgo code; an ABRT follows GOTRACEBACK=crash; "
        "the OOM killer: MemoryMax= or the host's memory."),
    "SVC-JOURNAL-PANIC": (
        "The Go program panicked or hit a `fatal error:` (exit status 2): the journal has the "
        "message and the goroutine trace.",
        "the panic line",
        "fix the program; runtime errors about threads or memory point at the unit's limits."),
    "SVC-JOURNAL-BIND": (
        "The program could not listen: `bind: permission denied` (a port below 1024) or "
        "`address already in use`.",
        "the journal line",
        "see SVC-PORT; for `address already in use`, `ss -ltnp 'sport = :PORT'` shows who has it."),
    "SVC-JOURNAL-NOFILE": (
        "The program ran out of file descriptors: `too many open files`.",
        "the journal line", "see SVC-LIMITS; LimitNOFILE=65536."),
    "SVC-JOURNAL-LOADER": (
        "The dynamic loader could not start the program: a missing shared library or a glibc "
        "too old (`version GLIBC_2.34 not found`).",
        "the journal line",
        "rebuild with CGO_ENABLED=0, or on the oldest release it must run on."),
    "SVC-JOURNAL-EXIT": (
        "The program exited with a failure status systemd did not cause.",
        "the journal lines",
        "read the program's own messages just before it (journalctl -u UNIT)."),
    "SVC-JOURNAL-START-LIMIT": (
        "systemd gave up restarting the service: `Start request repeated too quickly`.",
        "the journal line",
        "fix the failure above it, then `systemctl reset-failed UNIT`."),
    "SVC-JOURNAL-CONFIG": (
        "systemd reported a problem with the unit file when loading it (bad setting, no "
        "ExecStart=, an ignored line).",
        "the journal line",
        "see SVC-UNIT."),
    "SVC-JOURNAL-UNREADABLE": (
        "The journal text holds lines that are not text (binary garbage, another encoding): "
        "they are skipped.",
        "how many lines",
        "nothing to fix; read the journal with `journalctl -u UNIT -o short-iso`."),
})
def journal(facts):
    """Reads `journalctl -u UNIT` (or the text given with --journal) and maps what it
    says (status=203/EXEC, 200/CHDIR, 217/USER, 226/NAMESPACE, signals, Go panics and
    fatal errors, bind and file-descriptor errors) to the findings that explain it."""
    results = []
    for unit in _loaded(facts):
        results.extend(_memo(facts, "journal", unit, lambda u=unit: _journal(facts, u)))
    return results


def _clip(text, width=100):
    return text if len(text) <= width else text[:width].rsplit(" ", 1)[0] + " ..."


def _link(causes):
    if not causes:
        return ""
    return "; cause: %s (%s)" % (causes[0].id, causes[0].title.split(": ", 1)[-1])


def _journal(facts, unit):
    journal, source = facts.journal(unit)
    if journal is None:
        return []
    out = []
    ev = lambda *events: [Evidence.fact(e.text) for e in events if e is not None] + (  # noqa: E731
        [source] if source is not None and source.kind == "command" else [])
    step_of = {}
    for e in journal.of("step"):
        step_of.setdefault(e.get("step"), e)
    exits = journal.of("exit")
    last_exit = exits[-1] if exits else None
    status = last_exit.get("status") if last_exit else None
    if journal.garbage:
        out.append(_f("SVC-JOURNAL-UNREADABLE", "info", "%s: %d journal line%s not text, skipped" % (
            unit.name, journal.garbage, "" if journal.garbage == 1 else "s"), unit, subject="garbage"))
    spawn_steps = {203: "EXEC", 200: "CHDIR", 217: "USER", 216: "GROUP", 226: "NAMESPACE"}
    statuses = [e.get("status") for e in exits] + [
        code for code, name in spawn_steps.items() if name in step_of]
    for code in (203, 200, 217, 216, 226):
        if code not in statuses:
            continue
        step = step_of.get(spawn_steps[code])
        exit_event = next((e for e in reversed(exits) if e.get("status") == code), None)
        causes = _causes(facts, unit, _CAUSES.get(code, ()))
        fid = {203: "SVC-JOURNAL-EXEC", 200: "SVC-JOURNAL-CHDIR", 217: "SVC-JOURNAL-USER",
               216: "SVC-JOURNAL-USER", 226: "SVC-JOURNAL-NAMESPACE"}[code]
        detail = step.get("error") if step else None
        title = "%s: status=%d/%s%s%s" % (unit.name, code, K.exit_status_name(code),
                                         " (%s)" % detail if detail else "", _link(causes))
        evidence = ev(step, exit_event, journal.first("locate", "chdir", "credentials", "namespace"))
        fix = list(causes[0].fix) if causes else [Action.note(K.EXIT_STATUS[code][1])]
        why = K.EXIT_STATUS[code][1] + "."
        if not causes and code == 203 and detail and "Permission denied" in detail:
            why += " Nothing else explains the denial: check the SELinux label and AVCs (`ausearch -m AVC -ts recent`)."
        if fid == "SVC-JOURNAL-EXEC":
            out.append(_f("SVC-JOURNAL-EXEC", "error", title, unit, subject="status:%d" % code,
                          evidence=evidence, why=why, fix=fix))
        elif fid == "SVC-JOURNAL-CHDIR":
            out.append(_f("SVC-JOURNAL-CHDIR", "error", title, unit, subject="status:%d" % code,
                          evidence=evidence, why=why, fix=fix))
        elif fid == "SVC-JOURNAL-USER":
            out.append(_f("SVC-JOURNAL-USER", "error", title, unit, subject="status:%d" % code,
                          evidence=evidence, why=why, fix=fix))
        else:
            out.append(_f("SVC-JOURNAL-NAMESPACE", "error", title, unit, subject="status:%d" % code,
                          evidence=evidence, why=why, fix=fix))
    for e in journal.of("signal")[-1:]:
        name = e.get("name") or "signal %d" % e.get("status")
        out.append(_f("SVC-JOURNAL-SIGNAL", "error", "%s: killed by SIG%s (code=%s)" % (
            unit.name, name, e.get("code")), unit, subject="signal", evidence=ev(e),
            why="A Go program catches SIGSEGV in Go code and panics instead; a raw SEGV/ABRT comes "
                "from cgo code, GOTRACEBACK=crash, or another process (SIGKILL: the OOM killer "
                "or a stop timeout)."))
    oom = journal.first("oom")
    if oom is not None:
        out.append(_f("SVC-JOURNAL-SIGNAL", "error", "%s: killed by the OOM killer" % unit.name, unit,
                      subject="oom", evidence=ev(oom),
                      fix=[Action.note("raise MemoryMax= (or the host's memory), or reduce the program's "
                                       "use (GOMEMLIMIT=... on Go 1.19+)")]))
    panic = journal.first("panic", "fatal")
    if panic is not None:
        kind = "panicked" if panic.kind == "panic" else "fatal error"
        causes = []
        if journal.first("thread"):
            causes = _causes(facts, unit, ("limits",))
        out.append(_f("SVC-JOURNAL-PANIC", "error", "%s: %s: %s%s" % (
            unit.name, kind, panic.get("message"), _link(causes)), unit, subject="panic",
            evidence=ev(panic, journal.first("goroutine"), journal.first("thread")),
            why="The program's own failure; the lines after it in the journal show the goroutine "
                "and the code.", fix=list(causes[0].fix) if causes else []))
    for e in journal.of("bind")[:1]:
        causes = _causes(facts, unit, ("port",)) if e.get("error") == "permission denied" else []
        out.append(_f("SVC-JOURNAL-BIND", "error", "%s: cannot listen on port %d: %s%s" % (
            unit.name, e.get("port"), e.get("error"), _link(causes)), unit, subject="bind",
            evidence=ev(e), fix=list(causes[0].fix) if causes else [
                Action.command(["ss", "-ltnp", "sport = :%d" % e.get("port")],
                               description="who has the port")]))
    nofile = journal.first("nofile")
    if nofile is not None:
        causes = _causes(facts, unit, ("limits",), ids=("SVC-LIMITS-NOFILE",))
        out.append(_f("SVC-JOURNAL-NOFILE", "error", "%s: too many open files%s" % (unit.name, _link(causes)),
                      unit, subject="nofile", evidence=ev(nofile),
                      fix=list(causes[0].fix) if causes else [
                          Action.edit(_dropin(unit), "LimitNOFILE=65536", syntax="systemd", description="under [Service]")]))
    loader = journal.first("loader", "glibc")
    if loader is not None:
        what = loader.get("lib") or loader.get("version")
        out.append(_f("SVC-JOURNAL-LOADER", "error", "%s: the loader cannot start the program: %s" % (
            unit.name, what), unit, subject="loader", evidence=ev(loader),
            fix=[Action.note("rebuild with CGO_ENABLED=0, or on the oldest release it must run on")]))
    start_limit = journal.first("start-limit")
    if start_limit is not None:
        out.append(_f("SVC-JOURNAL-START-LIMIT", "warn", "%s: systemd stopped restarting it (start limit)" % unit.name,
                      unit, subject="start-limit", evidence=ev(start_limit),
                      fix=[Action.command(["systemctl", "reset-failed"] + operands(unit.name),
                                          description="after fixing the failure")]))
    config = journal.of("no-execstart", "bad-setting") + journal.of("config")
    if config:
        out.append(_f("SVC-JOURNAL-CONFIG", "error" if journal.first("bad-setting", "no-execstart") else "warn",
                      "%s: systemd reported: %s" % (unit.name, config[0].text.split(": ", 1)[-1][:160]),
                      unit, subject="config", evidence=ev(*config[:4])))
    explained = {203, 200, 217, 216, 226}
    if last_exit is not None and status not in explained and status != 0 and \
            not [f for f in out if f.id in ("SVC-JOURNAL-PANIC", "SVC-JOURNAL-BIND", "SVC-JOURNAL-LOADER",
                                            "SVC-JOURNAL-NOFILE")]:
        name = last_exit.get("name") or K.exit_status_name(status)
        no_home = journal.first("no-home")
        said = no_home.text.split(": ", 1)[-1] if no_home else journal.program_before(last_exit.line)
        causes = _causes(facts, unit, ("go", "env")) if no_home else []
        if said and not causes:
            # a specifier systemd left as it was, now in the program's error message
            causes = [f for f in _memo(facts, "unit", unit, lambda: _unit(facts, unit))
                      if f.id == "SVC-UNIT-SPECIFIER" and "%" + f.subject.rsplit(":", 1)[-1] in said]
        out.append(_f("SVC-JOURNAL-EXIT", "error", "%s: exited with status %d%s%s%s" % (
            unit.name, status, "/" + name if name else "",
            " after: %s" % _clip(said) if said else "", _link(causes)),
            unit, subject="exit:%d" % status,
            evidence=ev(no_home, last_exit), why=K.EXIT_STATUS.get(status, ("", ""))[1] or None,
            fix=list(causes[0].fix) if causes else _home_fix(facts, unit) if no_home else [
                Action.command(["journalctl", "-u", unit.name, "-n", "50", "--no-pager"],
                               description="the program's own messages before it exited")]))
    if not [f for f in out if f.severity in ("error", "warn")]:
        if journal.no_entries:
            out.append(_f("SVC-JOURNAL", "ok", "%s: the journal has no entries for it" % unit.name, unit))
        else:
            out.append(_f("SVC-JOURNAL", "ok", "%s: no failure in the last %d journal lines" % (
                unit.name, journal.lines), unit))
    return out


# ---------------------------------------------------------------------------------------
@check("SVC-TRACE", LAYER, "under strace (--trace), the program starts", findings={
    "SVC-TRACE-INTERP": (
        "execve of the program fails with ENOENT although the file exists: its ELF interpreter "
        "(loader) is missing.",
        "the execve line of the strace and PT_INTERP",
        "rebuild with CGO_ENABLED=0, or for this host's glibc."),
    "SVC-TRACE-LIBRARY": (
        "The loader cannot find a shared library the program needs (every openat of it fails).",
        "the failed openat lines and the loader's message",
        "install the package that provides it (`dnf provides '*/LIB'`), or rebuild without it."),
    "SVC-TRACE-EACCES": (
        "execve fails with EACCES: permissions, a noexec mount or the SELinux label.",
        "the execve line",
        "see SVC-EXEC and SVC-LABEL."),
    "SVC-TRACE-ENOEXEC": (
        "execve fails with ENOEXEC (Exec format error): another architecture, or not a program.",
        "the execve line",
        "rebuild for this host's architecture."),
    "SVC-TRACE-EXIT": (
        "The program exited with a failure status under strace; the last failing system call "
        "before the exit is shown.",
        "the exit status and the last failing system calls",
        "what that system call says (a missing file, a refused port...)."),
    "SVC-TRACE-SIGNAL": (
        "The program was killed by a signal under strace.",
        "the signal line",
        "see the program's output; a SIGSEGV in a Go program points at cgo."),
    "SVC-TRACE-UNAVAILABLE": (
        "The trace could not be run: not on a live host, strace missing, or the program cannot "
        "be started.",
        "why",
        "install strace (`dnf install -y strace`), run as root on the host itself."),
})
def trace(facts):
    """With --trace (live, explicit): starts ExecStart='s command under `strace -f` as the
    unit's user, with its environment and working directory, for a few seconds; reads
    execve, failed opens, the loader's messages and the exit."""
    results = []
    if not facts.trace_enabled:
        return results
    for unit in _loaded(facts):
        results.extend(_memo(facts, "trace", unit, lambda u=unit: _trace(facts, u)))
    return results


def _trace(facts, unit):
    result = facts.trace(unit)
    if result is None:
        return []
    if result.unavailable:
        return [_f("SVC-TRACE-UNAVAILABLE", "info", "%s: not traced: %s" % (unit.name, result.unavailable),
                   unit, subject="trace", fix=[Action.note(result.unavailable_fix)] if result.unavailable_fix else [])]
    a = result.analysis
    evidence = [Evidence.command(result.command, "\n".join(a.excerpt))] if result.command else []
    title_cmd = " ".join(result.argv[:3])
    if a.exec_errno == "ENOENT" and result.program_exists:
        interp = facts.probe(result.program).interp
        return [_f("SVC-TRACE-INTERP", "error", "%s: execve(%s) = ENOENT although it exists: its loader %s is missing" % (
            unit.name, result.program, interp or "(PT_INTERP)"), unit, subject="trace", evidence=evidence,
            predicted_error=_step("EXEC", result.program, "No such file or directory"),
            fix=[Action.note("rebuild with CGO_ENABLED=0 (no loader), or against this host's glibc")])]
    if a.exec_errno == "EACCES":
        return [_f("SVC-TRACE-EACCES", "error", "%s: execve(%s) = EACCES" % (unit.name, result.program), unit,
                   subject="trace", evidence=evidence,
                   predicted_error=_step("EXEC", result.program, "Permission denied"),
                   fix=[Action.note("see the SVC-EXEC and SVC-LABEL findings of this unit")])]
    if a.exec_errno == "ENOEXEC":
        return [_f("SVC-TRACE-ENOEXEC", "error", "%s: execve(%s) = ENOEXEC (Exec format error)" % (
            unit.name, result.program), unit, subject="trace", evidence=evidence,
            predicted_error=_step("EXEC", result.program, "Exec format error"),
            fix=[Action.note("rebuild for %s (GOARCH=%s)" % (facts.machine, _goarch(facts.machine or "")))])]
    if a.exec_errno:
        return [_f("SVC-TRACE-EXIT", "error", "%s: execve(%s) = %s" % (unit.name, result.program, a.exec_errno),
                   unit, subject="trace", evidence=evidence)]
    if a.missing_library:
        return [_f("SVC-TRACE-LIBRARY", "error", "%s: the loader cannot find %s" % (unit.name, a.missing_library),
                   unit, subject="trace", evidence=evidence,
                   predicted_error="%s: error while loading shared libraries: %s: cannot open shared object "
                                   "file: No such file or directory" % (result.program, a.missing_library),
                   fix=[Action.command(["dnf", "provides", "*/%s" % a.missing_library]),
                        Action.note("or rebuild with CGO_ENABLED=0")])]
    if a.signal:
        return [_f("SVC-TRACE-SIGNAL", "error", "%s: killed by %s under strace" % (unit.name, a.signal), unit,
                   subject="trace", evidence=evidence)]
    if a.exit_status not in (None, 0):
        last = a.last_failure
        return [_f("SVC-TRACE-EXIT", "error", "%s: exited with status %d%s" % (
            unit.name, a.exit_status, "; last failing call: %s" % last if last else ""), unit,
            subject="trace", evidence=evidence,
            why="The program started (execve succeeded) and then gave up itself.")]
    if result.killed:
        return [_f("SVC-TRACE", "ok", "%s: %s started and was still running after %.0f s (stopped by gotriage)" % (
            unit.name, title_cmd, result.seconds), unit, evidence=evidence)]
    return [_f("SVC-TRACE", "ok", "%s: %s ran and exited with status 0" % (unit.name, title_cmd), unit,
               evidence=evidence)]


# ---------------------------------------------------------------------------------------
@check("SVC-INPUT", LAYER, "the commands the service verdicts read answered", findings={
    "SVC-INPUT-HUNG": hung_doc("the service verdicts (systemctl, journalctl, systemd-analyze, "
                               "matchpathcon)"),
})
def inputs(facts):
    """Runs after the other service checks (the runner's rule for -INPUT checks): every
    command they read that timed out or was not started before the run's deadline."""
    hung = [_f("SVC-INPUT-HUNG", "warn", title, **kw) for title, kw in hung_findings(facts.inputs)]
    if hung or not facts.inputs.answered:
        return hung
    return [_f("SVC-INPUT", "ok", answered_title(facts.inputs))]
