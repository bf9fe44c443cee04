"""SVC-EXEC: ExecStart= starts a program that runs here (written so systemd runs it,
there, executable by the unit's user, not on a noexec mount, an ELF for this machine
with its loader), and the fixes that rewrite an Exec line."""

import posixpath
import re

from gotriage.checks import check
from gotriage.checks.service._common import LAYER, REFS, _f, _goarch, _loaded, _memo, _reload, _step
from gotriage.findings import Action, Evidence
from gotriage.i18n import _
from gotriage.knowledge import systemd as K
from gotriage.parsers.systemd_unit import EXEC_KEYS, WordError, parse_exec
from gotriage.quoting import (
    Unrepresentable,
    shell_word,
    systemd_environment,
    systemd_exec_line,
    systemd_exec_word,
)

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
        out.append(_f("SVC-EXEC-QUOTING", "error", "%s: %s" % (unit.name, _(
            "ExecStart= cannot be parsed: %(error)s") % {"error": message}), unit, subject="%s:%d" % (a.path, a.line),
            evidence=[Evidence.file(a.path, a.text, a.line)],
            why=_("systemd ignores an Exec line it cannot split into words."),
            predicted_error="Invalid command line, ignoring: %s" % a.value,
            fix=[Action.note(_("balance the quotes in that line"))]))
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
            "SVC-EXEC-ENV-PREFIX", "error", "%s: %s" % (unit.name, _(
                "ExecStart= starts with %(word)s, which systemd runs as the program") % {
                    "word": names[0]}), unit, subject="env-prefix", evidence=[ev],
            why=_("`VAR=value cmd` is shell syntax; systemd does not use a shell, so the first "
                  "word is the program's name."),
            predicted_error=("[%s:%d] Executable path is not absolute, ignoring: %s" % (
                line.path, line.line, line.value)) if old_style else
            "%s: Failed to locate executable %s: No such file or directory\n%s: Main process "
            "exited, code=exited, status=203/EXEC" % (unit.name, names[0], unit.name),
            fix=_env_prefix_fix(facts, unit, line, cmd, len(names)), references=REFS))
        return out
    out.extend(_prefixes(facts, unit))
    shell = [w for w in cmd.args if _SHELL_SYNTAX.search(w)]
    if shell and posixpath.basename(cmd.path) not in ("sh", "bash", "dash", "ksh", "zsh", "env"):
        out.append(_f("SVC-EXEC-SHELL", "warn", "%s: %s" % (unit.name, _(
                          "ExecStart= contains %(word)r, which is shell syntax systemd passes to "
                          "the program as an argument") % {"word": shell[0]}),
                      unit, subject="shell", evidence=[ev],
                      why=_("systemd splits the line into words itself; there is no shell to run "
                            "pipes, redirections or command substitution."),
                      fix=_shell_wrap_fix(unit, line, cmd)))
    target = facts.exec_target(unit)
    if target.how == "ignored-relative":
        out.append(_f("SVC-EXEC-RELATIVE", "error", "%s: %s" % (unit.name, _(
                          "ExecStart=%(path)s is not an absolute path: systemd %(version)d ignores "
                          "the line") % {"path": cmd.path, "version": version}), unit, subject="relative",
                      evidence=[ev, facts.systemd_version[1]],
                      why=_("Only systemd 239 and later look a program name up in a PATH."),
                      predicted_error="[%s:%d] Executable path is not absolute, ignoring: %s" % (
                          line.path, line.line, line.value),
                      fix=_absolute_fix(unit, line, cmd, target), references=REFS))
        return out
    if target.how == "not-found":
        out.append(_f("SVC-EXEC-RELATIVE", "error", "%s: %s" % (unit.name, _(
            "ExecStart=%(path)s is not found in systemd's PATH") % {"path": cmd.path}), unit, subject="relative",
            evidence=[ev, Evidence.fact(_("searched %(dirs)s") % {"dirs": ":".join(target.searched)})],
            why=_("systemd looks a program name up in its own compiled-in PATH, not in "
                  "Environment=PATH= nor your shell's."),
            predicted_error="%s: Failed to locate executable %s: No such file or directory" % (unit.name, cmd.path),
            fix=[Action.note(_("use the absolute path of %(path)s in ExecStart=") % {"path": cmd.path}),
                 _reload(unit)],
            references=REFS))
        return out
    path = target.path
    step = lambda error: "%s\n%s: Main process exited, code=exited, status=203/EXEC" % (  # noqa: E731
        _step("EXEC", path, error), unit.name)
    if target.stat is None:
        if target.error is not None and not target.error.missing:
            out.append(_f("SVC-EXEC-DENIED", "warn", "%s: %s" % (unit.name, _(
                "cannot examine %(path)s: %(error)s") % {"path": path, "error": target.error.message}), unit, subject="stat",
                evidence=[ev], fix=[Action.note(_("run gotriage as root"))]))
            return out
        out.append(_f("SVC-EXEC-MISSING", "error", "%s: %s" % (unit.name, _("%(path)s does not exist") % {"path": path}), unit,
                      subject="missing", evidence=[ev, Evidence.fact(_("%(path)s: no such file") % {"path": path})],
                      why=_("systemd cannot execute a program that is not there."),
                      predicted_error=step("No such file or directory"),
                      fix=[Action.note(_("install the program at %(path)s, or correct ExecStart=") % {
                          "path": path})],
                      references=REFS))
        return out
    st = target.stat
    identity = facts.identity(unit)
    if not st.is_file or not st.perms & 0o111:
        out.append(_f("SVC-EXEC-NOT-EXECUTABLE", "error", "%s: %s" % (unit.name, (
            _("%(path)s is not executable (mode %(mode)04o, a directory)") if st.is_dir else
            _("%(path)s is not executable (mode %(mode)04o)")) % {"path": path, "mode": st.perms}), unit, subject="mode",
            evidence=[ev, Evidence.fact(_("%(path)s: mode %(mode)04o, uid %(uid)d") % {
                "path": path, "mode": st.perms, "uid": st.uid})],
            why=_("execve needs an x bit for the user the program runs as."),
            predicted_error=step("Permission denied"),
            fix=[Action.command(["chmod", "0755", path])] if st.is_file else
            [Action.note(_("ExecStart= must name a program, not a directory"))], references=REFS))
        return out
    if identity is not None and identity.uid != 0:
        blocked = facts.access_path(target.real or path, identity)
        if blocked is None and not st.permits(identity, "x"):
            blocked = (path, st)
        if blocked:
            where, bst = blocked
            out.append(_f("SVC-EXEC-DENIED", "error", "%s: %s" % (unit.name, _(
                "User=%(user)s cannot reach %(path)s (%(where)s is mode %(mode)04o, owner uid "
                "%(uid)d)") % {"user": identity.user, "path": path, "where": where,
                               "mode": bst.perms, "uid": bst.uid}), unit, subject="access",
                evidence=[ev, unit.evidence("User") or Evidence.fact("User=%s" % identity.user),
                          Evidence.fact(_("%(path)s: mode %(mode)04o, uid %(uid)d gid %(gid)d") % {
                              "path": where, "mode": bst.perms, "uid": bst.uid, "gid": bst.gid})],
                why=_("systemd switches to User= before execve, so every directory on the way "
                      "must be searchable by that user."),
                predicted_error=step("Permission denied"),
                fix=[Action.command(["install", "-m", "0755", path, "/usr/local/bin/"],
                                    description=_("then ExecStart=/usr/local/bin/%(name)s") % {
                                        "name": posixpath.basename(path)})],
                references=REFS))
    mount = facts.mount_of(target.real or path)
    if mount and "noexec" in mount[1]:
        out.append(_f("SVC-EXEC-NOEXEC", "error", "%s: %s" % (unit.name, _(
            "%(path)s is on %(mount)s, mounted noexec") % {"path": path, "mount": mount[0]}), unit, subject="noexec",
            evidence=[ev, Evidence.file("/proc/self/mountinfo", "%s %s (%s)" % (
                mount[0], ",".join(sorted(mount[1])), mount[2]))],
            why=_("The kernel refuses to execute any file on a noexec mount."),
            predicted_error=step("Permission denied"),
            fix=[Action.command(["install", "-m", "0755", path, "/usr/local/bin/"],
                                description=_("then ExecStart=/usr/local/bin/%(name)s") % {
                                    "name": posixpath.basename(path)}),
                 Action.note(_("or remove noexec from the mount of %(mount)s in /etc/fstab") % {
                     "mount": mount[0]})],
            references=REFS))
    probe = facts.probe(target.real or path)
    if probe.kind == "script" and probe.shebang:
        interp = probe.shebang.split()[0]
        if interp.startswith("/") and facts.path_stat(interp) is None:
            out.append(_f("SVC-EXEC-SCRIPT", "error", "%s: %s" % (unit.name, _(
                "%(path)s starts with #!%(interp)s, which does not exist") % {
                    "path": path, "interp": interp}), unit, subject="shebang",
                evidence=[ev, Evidence.file(path, "#!" + probe.shebang, 1)],
                predicted_error=step("No such file or directory"),
                fix=[Action.note(_("install %(interp)s or change the #! line") % {"interp": interp})]))
    if probe.kind == "elf":
        machine = facts.machine
        if machine and probe.machine and probe.machine != machine:
            out.append(_f("SVC-EXEC-ARCH", "error", "%s: %s" % (unit.name, _(
                "%(path)s is built for %(arch)s; this host is %(machine)s") % {
                    "path": path, "arch": probe.machine, "machine": machine}), unit, subject="arch",
                evidence=[ev, Evidence.fact("ELF e_machine: %s" % probe.machine),
                          Evidence.fact("uname -m: %s" % machine)],
                why=_("The kernel cannot execute another architecture's code (without "
                      "binfmt_misc/qemu)."),
                predicted_error=step("Exec format error"),
                fix=[Action.command(["go", "build", "-o", posixpath.basename(path), "."],
                                    description=_("on the build machine, with GOOS=linux GOARCH=%(arch)s")
                                    % {"arch": _goarch(machine)})]))
        elif probe.interp and facts.path_stat(probe.interp) is None:
            out.append(_f("SVC-EXEC-INTERP", "error", "%s: %s" % (unit.name, _(
                "%(path)s needs the loader %(loader)s, which does not exist here") % {
                    "path": path, "loader": probe.interp}), unit, subject="interp",
                evidence=[ev, Evidence.fact("PT_INTERP: %s" % probe.interp),
                          Evidence.fact(_("%(path)s: no such file") % {"path": probe.interp})],
                why=_("The kernel starts the ELF interpreter first; when it is missing execve "
                      "fails with ENOENT although the program itself exists."),
                predicted_error=step("No such file or directory"),
                fix=[Action.note(_("rebuild with CGO_ENABLED=0 (no loader needed), or build it on "
                                   "a release with this host's glibc"))]))
    if probe.kind == "elf" and not [f for f in out if f.id in ("SVC-EXEC-ARCH", "SVC-EXEC-INTERP")]:
        analysis = facts.analysis(target.real or path)
        if isinstance(analysis, list):
            for finding in analysis:
                if finding.severity in ("error", "warn") and finding.id != "GOTRIAGE-CHECK-FAILED":
                    out.append(_f("SVC-EXEC-BINARY", finding.severity, "%s: %s" % (unit.name, finding.title),
                                  unit, subject="binary:%s:%s" % (finding.id, finding.subject or ""),
                                  evidence=[ev, Evidence.fact(_("the binary layer: %(id)s") % {"id": finding.id})] + finding.evidence,
                                  why=finding.why, predicted_error=finding.predicted_error,
                                  fix=finding.fix, references=finding.references))
    if not [f for f in out if f.severity in ("error", "warn")]:
        what = {"elf": "ELF %s%s" % (probe.machine or "?", ", %s" % probe.go_version if probe.go_version
                                     else (", Go" if probe.go else "")),
                "script": _("script (#!%(interp)s)") % {"interp": probe.shebang or ""}}.get(probe.kind, probe.kind or "?")
        out.append(_f("SVC-EXEC", "ok", "%s: %s" % (unit.name, _("%(path)s (%(what)s, mode %(mode)04o)") % {
            "path": path, "what": what, "mode": st.perms}), unit,
                      evidence=[ev] + ([Evidence.fact(_("found in systemd's PATH (%(path)s)") % {
                          "path": ":".join(target.searched)})]
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
                    "SVC-EXEC-PREFIX", "error", "%s: %s" % (unit.name, _(
                        "%(key)s=%(prefixes)s... uses the %(prefix)s prefix (systemd %(since)d+), "
                        "unknown to systemd %(version)d: the line is ignored") % {
                            "key": key, "prefixes": cmd.prefixes, "prefix": bad[0],
                            "since": K.EXEC_PREFIX_SINCE[bad[0]], "version": version}),
                    unit, subject="prefix:%s:%d" % (a.path, a.line),
                    evidence=[Evidence.file(a.path, a.text, a.line), facts.systemd_version[1]],
                    why=_("systemd %(version)d takes only - and @ before the path; anything else "
                          "makes the path not absolute, and the whole line is dropped.") % {
                              "version": version},
                    predicted_error="[%s:%d] Executable path is not absolute, ignoring: %s" % (
                        a.path, a.line, a.value),
                    fix=[Action.edit(a.path, a.text.replace(cmd.prefixes, cmd.prefixes.replace(bad[0], ""), 1),
                                     old=a.text, syntax="systemd",
                                     description=_("PermissionsStartOnly=yes runs ExecStartPre= as root on "
                                                   "systemd 219") if bad[0] == "+" else None), _reload(unit)],
                    references=REFS))
    return out


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
        return [Action.note(_("ExecStart= has no program after %(words)s: give it the absolute "
                              "path of the program") % {"words": " ".join(cmd.argv[:count])})]
    try:
        if any("$" in value for _name, value in pairs):
            raise Unrepresentable(pairs, "systemd", "'$' means something else in Environment=")
        environment = systemd_environment(pairs)
    except Unrepresentable as exc:
        return [Action.note(_("move %(names)s to an Environment= line under [Service] and start "
                              "ExecStart= with the program (%(reason)s)") % {
                                  "names": ", ".join(name for name, _value in pairs),
                                  "reason": exc.reason}), _reload(unit)]
    return [Action.edit(line.path, environment, syntax="systemd", description=_("under [Service]")),
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
        return [Action.note(_("run it through /bin/sh -c (%(reason)s)") % {"reason": exc.reason})]
    return [Action.edit(line.path, "%s=%s" % (line.key, value), old=line.text, syntax="systemd"),
            _reload(unit)]


def _absolute_fix(unit, line, cmd, target):
    if target.found_at is None:
        return [Action.note(_("use the absolute path of %(path)s in ExecStart= (`command -v "
                              "%(word)s`; not found in %(searched)s)") % {
                                  "path": cmd.path, "word": shell_word(cmd.path),
                                  "searched": ":".join(target.searched) or _("systemd's PATH")}),
                _reload(unit)]
    raw = list(cmd.raw_words)
    try:
        raw[0] = cmd.prefixes + systemd_exec_word(target.found_at, program=True)
    except Unrepresentable as exc:
        return [Action.note(_("use the absolute path %(path)s in ExecStart= (%(reason)s)") % {
            "path": target.found_at, "reason": exc.reason})]
    return [Action.edit(line.path, _exec_line(line.key, cmd, raw), old=line.text, syntax="systemd",
                        description=_("%(path)s is where systemd's default PATH has it") % {
                            "path": target.found_at}),
            _reload(unit)]
