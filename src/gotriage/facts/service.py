"""Facts for the service layer, gathered through the Host.

For each unit: its fragment and drop-ins in systemd's precedence, the effective
settings, the program ExecStart= starts (where systemd finds it, what kind of file it
is, on which mount, with which SELinux label), the user, group, environment and working
directory it runs with, what `systemd-analyze verify` and the journal say, and (opt-in,
live only) what the program does under strace.

Which units: `gotriage service UNIT` names one (a unit name, or the path of a unit file);
`gotriage check --layer service` takes every unit enabled under /etc/systemd/system/
*.wants/ and every failed unit (`systemctl list-units --failed`, when systemd runs),
and keeps those whose ExecStart= is a Go binary or runs `go`.
"""

import posixpath
import re

from gotriage.facts.base import Facts
from gotriage.facts.inputs import Inputs, Need, Words
from gotriage.facts.service_labels import MountsAndLabels
from gotriage.facts.service_running import RunningServer
from gotriage.findings import Evidence
from gotriage.host.base import HostError, Identity
from gotriage.i18n import N_, _
from gotriage.inputs.reader import reader_of
from gotriage.inputs.service import INPUTS, SYSTEMD_STUCK
from gotriage.knowledge import systemd as K
from gotriage.knowledge.go import systemd_default_path
from gotriage.parsers.passwd import parse_group, parse_passwd
from gotriage.parsers.systemd_unit import (
    WordError,
    effective,
    expand_specifiers,
    order_dropins,
    parse_environment,
    parse_environment_file,
    parse_exec,
    parse_unit,
    split_unit_name,
)
from gotriage.service import binprobe

# the checks whose verdicts depend on the systemd version (directives, specifiers, Exec
# prefixes, WorkingDirectory=, default limits, AmbientCapabilities=)
_VERSIONED_CHECKS = ("SVC-UNIT", "SVC-EXEC", "SVC-WORKDIR", "SVC-LIMITS", "SVC-PORT")
_GO_COMMAND = re.compile(r"(?:^|[\s;&|(`])(?:\S*/)?go\s+(?:run|build|test|install|generate|mod|get|vet|tool)\b")
SHELLS = ("sh", "bash", "dash", "ksh", "zsh")


class Unit(object):
    """One unit as systemd would load it."""

    def __init__(self, name, requested):
        self.name = name
        self.requested = requested
        self.fragment = None  # the unit file's path
        self.fragment_real = None  # where a symlinked fragment points
        self.masked = False
        self.files = []  # [UnitFile]: the fragment, then drop-ins in applied order
        self.effective = effective([])
        self.exec_start = []  # [ExecCommand] of the effective ExecStart= lines
        self.exec_errors = []  # (Assignment, message) of ExecStart= lines that do not parse
        self.read_errors = []  # (path, HostError)
        self.why_examined = None  # for `check --layer service`: enabled, or failed

    @property
    def found(self):
        return self.fragment is not None

    @property
    def dropins(self):
        return self.files[1:]

    @property
    def main(self):
        """The command systemd starts as the main process (the first ExecStart=)."""
        return self.exec_start[0] if self.exec_start else None

    def value(self, key, section="Service", default=None):
        return self.effective.value(section, key, default)

    def assignment(self, key, section="Service"):
        return self.effective.assignment(section, key)

    def assignments(self, key, section="Service"):
        return self.effective.get(section, key)

    def evidence(self, key, section="Service"):
        a = self.assignment(key, section)
        return Evidence.file(a.path, a.text, a.line) if a else None

    @property
    def prefix(self):
        return split_unit_name(self.name)[0]

    @property
    def instance(self):
        return split_unit_name(self.name)[1]


class ExecTarget(object):
    """Where systemd finds the program of an ExecStart= command."""

    def __init__(self, command):
        self.command = command
        self.path = None  # the file systemd executes (None: not found)
        self.real = None  # with symlinks resolved
        self.how = None  # "absolute", "searched", "ignored-relative", "not-found"
        self.searched = []  # directories looked in (relative names)
        self.stat = None
        self.error = None  # HostError of the stat
        # for a relative name that this systemd ignores: where its default PATH has it
        self.found_at = None


def normalise_unit_name(name):
    base = posixpath.basename(name.rstrip("/"))
    if "." not in base:
        base += ".service"
    return base


class ServiceFacts(Facts, MountsAndLabels, RunningServer):
    def __init__(self, host, units=None, journal_text=None, trace=False, trace_seconds=None,
                 timeout=None, facts_of=None):
        self.host = host
        self.requested = list(units or [])
        self.journal_text = journal_text
        self.trace_enabled = trace
        self.trace_seconds = trace_seconds
        self.timeout = timeout  # --timeout, or None: each command's own (inputs/service.py)
        self._facts_of = facts_of
        self._cache = {}
        self.notes = []
        self.inputs = Inputs()
        # every read of the host goes through the declared inputs (inputs/service.py)
        self.io = reader_of(host, {"timeout": timeout}).layer(INPUTS, self.inputs)

    @classmethod
    def from_options(cls, host, options):
        return cls(host, units=options.get("units"), journal_text=options.get("journal_text"),
                   trace=options.get("trace", False), trace_seconds=options.get("trace_seconds"),
                   timeout=options.get("timeout"), facts_of=options.get("facts_of"))

    def _memo(self, key, compute):
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def path_stat(self, path):
        """The stat of a path a unit names (WorkingDirectory=, ReadWritePaths=..., a
        program's ELF interpreter), or None when it does not exist (or is not recorded)."""
        return self.io.try_stat("path", path=path)

    # -- other layers --------------------------------------------------------------------
    @property
    def system(self):
        if self._facts_of is not None:
            return self._facts_of("system")
        from gotriage.facts.system import SystemFacts

        return self._memo("system", lambda: SystemFacts(self.host))

    @property
    def el(self):
        distro = self.system.distro
        return distro.el if distro is not None else None

    @property
    def machine(self):
        return binprobe.normalise_machine(self.system.machine)

    # -- systemd ---------------------------------------------------------------------------
    @property
    def systemd_version(self):
        """(version, evidence): `systemctl --version`, else the release's systemd, else
        (None, None)."""
        def compute():
            result = self.io.run("systemd-version", note=False)
            match = re.match(r"systemd (\d+)", result.text) if result.ok else None
            if match:
                self.inputs.note(result)
                return int(match.group(1)), Evidence.command(result, result.text.splitlines()[0])
            el = self.el
            self.inputs.note(result, Need((), SYSTEMD_STUCK, Words(
                N_("systemd %(version)d is taken from EL%(el)d"), version=K.EL_SYSTEMD[el],
                el=el)) if el in K.EL_SYSTEMD else Need(
                _VERSIONED_CHECKS, SYSTEMD_STUCK, N_("the systemd version is unknown: units are "
                                                     "judged by the newest systemd gotriage knows")))
            if el in K.EL_SYSTEMD:
                return K.EL_SYSTEMD[el], Evidence.fact(_(
                    "EL%(el)d ships systemd %(version)d (%(source)s)") % {
                        "el": el, "version": K.EL_SYSTEMD[el], "source": K.EL_SYSTEMD_SOURCE})
            self.note(_("systemd version unknown (no `systemctl --version`, release not "
                        "identified): judged as the newest systemd gotriage knows"))
            return None, None
        return self._memo("systemd_version", compute)

    @property
    def version(self):
        return self.systemd_version[0]

    def supports(self, since):
        """Whether the host's systemd is at least `since` (unknown: assume yes)."""
        return self.version is None or self.version >= since

    @property
    def booted(self):
        """systemd runs as PID 1 (sd_booted(): /run/systemd/system exists)."""
        return self._memo("booted", lambda: self.io.is_dir("booted"))

    @property
    def default_path(self):
        """The PATH systemd gives services and searches for a relative ExecStart=."""
        return systemd_default_path(self.el)

    @property
    def manager_env(self):
        """The service manager's environment ({} when it cannot be asked)."""
        def compute():
            env = {}
            if self.booted:
                result = self.io.run("manager-environment")
                if result.ok:
                    from gotriage.parsers.envdump import parse_show_environment

                    env.update(parse_show_environment(result.text))
            env.setdefault("PATH", self.default_path)
            return env
        return self._memo("manager_env", compute)

    # -- users -----------------------------------------------------------------------------
    @property
    def passwd(self):
        return self._memo("passwd", lambda: parse_passwd(self.io.read_text("passwd") or ""))

    @property
    def groups(self):
        return self._memo("group", lambda: parse_group(self.io.read_text("group") or ""))

    def user_entry(self, name):
        for entry in self.passwd:
            if entry.name == name or (name.isdecimal() and entry.uid == int(name)):
                return entry
        return None

    def group_exists(self, name):
        if name in self.groups:
            return True
        return name.isdecimal() and any(gid == int(name) for gid, _ in self.groups.values())

    def identity(self, unit):
        """Who the unit's program runs as: an Identity, or None when User= names a user
        that does not exist (or is allocated dynamically)."""
        user = self.expand(unit, unit.value("User") or "")
        if not user or user in ("root", "0"):
            entry = self.user_entry("root")
            return Identity("root", 0, 0, (), entry.home if entry else "/root",
                            entry.shell if entry else "/bin/sh")
        entry = self.user_entry(user)
        if entry is None:
            return None
        gids = [gid for _, (gid, members) in self.groups.items() if entry.name in members]
        group = self.expand(unit, unit.value("Group") or "")
        gid = entry.gid
        if group and group in self.groups:
            gid = self.groups[group][0]
        return Identity(entry.name, entry.uid, gid, gids, entry.home, entry.shell)

    # -- units -----------------------------------------------------------------------------
    def load(self, requested):
        """A Unit for a unit name ("app", "app.service", "app@x.service") or the path of a
        unit file."""
        return self._memo(("unit", requested), lambda: self._load(requested))

    def _load(self, requested):
        name = normalise_unit_name(requested)
        unit = Unit(name, requested)
        prefix, instance, suffix = split_unit_name(name)
        template = "%s@.%s" % (prefix, suffix) if instance is not None else None
        extra_dirs = []
        if "/" in requested:
            path = requested if requested.startswith("/") else posixpath.normpath(
                posixpath.join(self.host.environ().get("PWD", "/"), requested))
            if self.io.exists("unit", path=path):
                unit.fragment = path
            extra_dirs = [posixpath.dirname(path)]
        else:
            for directory in K.UNIT_PATH:
                # Each unit directory's names, listed once (as _dropin_paths lists them):
                # not an lstat per unit in every directory before the one that holds it.
                # A directory that cannot be listed is asked name by name.
                present = self._memo(("unit-dir-names", directory),
                                     lambda d=directory: self._listed_names(d))
                for candidate in (name, template):
                    if candidate is None or (present is not None and candidate not in present):
                        continue
                    path = posixpath.join(directory, candidate)
                    st = self.io.try_lstat("unit", path=path)
                    if st is None:
                        continue
                    unit.fragment = path
                    if st.is_link:
                        try:
                            target = self.io.readlink("unit", path=path)
                        except HostError:
                            target = None
                        if target == "/dev/null":
                            unit.masked = True
                        unit.fragment_real = self.io.realpath("unit", path=path)
                    break
                if unit.fragment:
                    break
        if unit.fragment is None or unit.masked:
            return unit
        files = [self._read_unit_file(unit, unit.fragment)]
        for path in self._dropin_paths(unit, name, template, extra_dirs):
            files.append(self._read_unit_file(unit, path))
        unit.files = [f for f in files if f is not None]
        unit.effective = effective(unit.files)
        for assignment in unit.assignments("ExecStart"):
            try:
                unit.exec_start.extend(parse_exec(assignment.value))
            except WordError as exc:
                unit.exec_errors.append((assignment, str(exc)))
        return unit

    def _read_unit_file(self, unit, path):
        try:
            data = self.io.read("unit-file", path=path)
        except HostError as err:
            self.host._note_denied(err)
            unit.read_errors.append((path, err))
            return None
        return parse_unit(data, path)

    def _dropin_paths(self, unit, name, template, extra_dirs):
        """Drop-in .conf files in systemd's order (systemd.unit(5))."""
        prefix, instance, suffix = split_unit_name(name)
        dirnames = [name + ".d"]
        if template:
            dirnames.insert(0, template + ".d")
        if self.supports(K.PREFIX_DROPINS_SINCE):
            parts = prefix.split("-")
            for i in range(len(parts) - 1, 0, -1):
                dirnames.insert(0, "%s-.%s.d" % ("-".join(parts[:i]), suffix))
        if self.supports(K.TYPE_DROPINS_SINCE):
            dirnames.insert(0, suffix + ".d")
        found = []
        search = [(-1, d) for d in extra_dirs] + list(enumerate(K.UNIT_PATH))
        for priority, directory in search:
            # A unit directory is listed once (remembered by the reader), and only the
            # drop-in directories it holds are listed: not 8 x 4 listings per unit, most
            # of them of directories that do not exist.  When the unit directory cannot
            # be listed (not readable, or a snapshot that recorded only the directories
            # under it), each one is asked.
            present = self._memo(("unit-dir-names", directory),
                                 lambda d=directory: self._listed_names(d))
            for dirname in dirnames:
                if present is not None and dirname not in present:
                    continue
                base = posixpath.join(directory, dirname)
                for entry in self.io.try_listdir("unit-dir", dir=base):
                    if entry.endswith(".conf"):
                        found.append((priority, base, entry))
        ordered = order_dropins([(p, d, n) for p, d, n in found])
        # order_dropins sorts by file name across all the directories, as systemd does.
        return [posixpath.join(d, n) for d, n in ordered]

    def _listed_names(self, directory):
        """The names in a unit directory as a set; an empty set when it does not exist;
        None when that is not known (unreadable, not recorded)."""
        try:
            return set(self.io.listdir("unit-dir", dir=directory))
        except HostError as err:
            return set() if err.missing and not err.unrecorded else None

    # -- which units ---------------------------------------------------------------------
    @property
    def units(self):
        """The units to examine: the requested ones, else the Go services found."""
        def compute():
            if self.requested:
                units = [self.load(name) for name in self.requested]
            else:
                units = self.discovered
            self._prefetch(units)
            return units
        return self._memo("units", compute)

    def _prefetch(self, units):
        """Start each unit's `systemd-analyze verify` and journal now, a few at a time,
        while the checks read its files: the checks ask for both of every unit examined
        (verify() and journal() below; each ~0.25 s and ~0.05 s, one after the other
        before)."""
        loaded = [unit for unit in units if unit.found and not unit.masked]
        options = ["--man=no"] if self.supports(235) else []
        calls = [("verify", {"options": options, "path": unit.fragment}) for unit in loaded]
        if self.journal_text is None:
            calls += [("journal", {"unit": unit.name}) for unit in loaded]
        self.io.prefetch(calls)

    @property
    def candidates(self):
        """(name, why) of every enabled or failed service unit."""
        def compute():
            names, seen = [], set()
            for wants in self.io.glob("unit-dir", lambda n: n.endswith((".wants", ".requires")),
                                      dir="/etc/systemd/system"):
                for entry in self.io.try_listdir("unit-dir", dir=wants):
                    if entry.endswith(".service") and entry not in seen:
                        seen.add(entry)
                        names.append((entry, _("enabled (%(link)s)") % {
                            "link": posixpath.join(wants, entry)}))
            if self.booted:
                result = self.io.run("failed-units")
                if result.ok:
                    for line in result.text.splitlines():
                        words = line.replace("\u25cf", " ").replace("*", " ").split()
                        if words and words[0].endswith(".service") and words[0] not in seen:
                            seen.add(words[0])
                            names.append((words[0], _("failed (systemctl list-units --failed)")))
                elif not result.timed_out:  # SVC-INPUT says that one
                    self.note(_("failed units not listed: `systemctl list-units --failed`: "
                                "%(error)s") % {"error": result.excerpt(1)})
            else:
                self.note(_("systemd is not running here (no /run/systemd/system): failed units "
                            "not listed, only enabled ones"))
            return names
        return self._memo("candidates", compute)

    @property
    def discovered(self):
        """The enabled or failed units that run Go (a Go program, or go itself), each with
        why it was examined; `skipped` says why each other candidate was not."""
        def compute():
            found, skipped = [], []
            for name, why in self.candidates:
                unit = self.load(name)
                reason = ("no unit file" if not unit.found else "masked" if unit.masked
                          else "no ExecStart=" if unit.main is None else None)
                if reason is None:
                    verdict = self.go_verdict(unit)
                    if verdict is True:
                        unit.why_examined = why
                        found.append(unit)
                        continue
                    if verdict.startswith("examine: "):
                        unit.why_examined = "%s; %s" % (why, verdict[len("examine: "):])
                        found.append(unit)
                        continue
                    reason = verdict
                skipped.append((name, reason))
            self.skipped_units = skipped
            return found
        return self._memo("discovered", compute)

    skipped_units = ()  # (name, why) of the candidates `check` did not examine

    @property
    def live(self):
        """Whether the host is the machine gotriage runs on (not a snapshot)."""
        return self.host.kind == "live"

    def go_verdict(self, unit):
        """True when the unit runs Go; "examine: WHY" when it should be examined anyway (its
        ExecStart= program cannot be resolved, but a word of the line is a Go program: e.g.
        `ExecStart=GOMAXPROCS=2 /usr/local/bin/app`, which systemd refuses); else why not."""
        target = self.exec_target(unit)
        if target.path is None:
            for word in (unit.main.argv or [])[1:]:
                if word.startswith("/") and self.probe(word).go:
                    return "examine: " + _(
                        "its ExecStart= program %(program)s cannot be run as written, and "
                        "%(word)s is a Go program") % {"program": unit.main.path, "word": word}
            return "its ExecStart= program %s is not found" % unit.main.path
        if self.runs_go(unit):
            return True
        probe = self.probe(target.real or target.path)
        return True if probe.go else "%s is not a Go program" % (target.real or target.path)

    def runs_go(self, unit):
        """Whether the unit runs the go command: ExecStart= is go itself, a shell -c with
        a go command, or a script that runs one."""
        def compute():
            cmd = unit.main
            if cmd is None:
                return False
            target = self.exec_target(unit)
            base = posixpath.basename(cmd.path)
            if base == "go" or (target.real or "").endswith("/bin/go"):
                return True
            if base in SHELLS and "-c" in cmd.args:
                script = cmd.args[cmd.args.index("-c") + 1:cmd.args.index("-c") + 2]
                return bool(script and _GO_COMMAND.search(script[0]))
            if target.path is not None:
                probe = self.probe(target.real or target.path)
                if probe.kind == "script":
                    text = self.io.read_text("script", path=target.path) or ""
                    return bool(_GO_COMMAND.search(text))
            return False
        return self._memo(("runs_go", unit.name), compute)

    # -- specifiers and environment ------------------------------------------------------
    def specifier_values(self, unit):
        prefix, instance, suffix = split_unit_name(unit.name)
        values = dict(K.SPECIFIER_VALUES)
        values.update({"n": unit.name, "N": unit.name.rsplit(".", 1)[0], "p": prefix,
                       "P": prefix, "i": instance or "", "I": instance or "",
                       "j": prefix.rsplit("-", 1)[-1], "J": prefix.rsplit("-", 1)[-1]})
        return values

    def expand(self, unit, value):
        return expand_specifiers(value, self.specifier_values(unit))[0]

    def environment(self, unit):
        """(env, origins, problems) as systemd builds the program's environment: the
        manager's, then User='s HOME/USER/LOGNAME/SHELL, then Environment= lines, then
        EnvironmentFile= files (which override Environment=).  `origins` maps each name to
        its Evidence; `problems` lists (kind, Assignment, detail)."""
        return self._memo(("env", unit.name), lambda: self._environment(unit))

    def _environment(self, unit):
        env, origins, problems = dict(self.manager_env), {}, []
        for name in env:
            origins[name] = Evidence.fact("systemd's default environment: %s=%s" % (name, env[name]))
        if unit.value("User") or unit.value("DynamicUser") in ("yes", "true", "1", "on"):
            ident = self.identity(unit)
            if ident is not None:
                for name, value in (("HOME", ident.home), ("USER", ident.user),
                                    ("LOGNAME", ident.user), ("SHELL", ident.shell)):
                    if value:
                        env[name] = value
                        origins[name] = unit.evidence("User")
        for assignment in unit.assignments("Environment"):
            pairs, bad = parse_environment(self.expand(unit, assignment.value))
            for name, value in pairs:
                env[name] = value
                origins[name] = Evidence.file(assignment.path, assignment.text, assignment.line)
            for word in bad:
                problems.append(("bad-assignment", assignment, word))
        for assignment in unit.assignments("EnvironmentFile"):
            value = self.expand(unit, assignment.value)
            optional = value.startswith("-")
            path = value[1:] if optional else value
            try:
                data = self.io.read("environment-file", path=path)
            except HostError as err:
                self.host._note_denied(err)
                problems.append(("envfile-missing" if not optional else "envfile-optional",
                                 assignment, (path, err)))
                continue
            pairs, bad = parse_environment_file(data)
            for name, val, line in pairs:
                env[name] = val
                origins[name] = Evidence.file(path, "%s=%s" % (name, val), line)
            for line, text in bad:
                problems.append(("envfile-bad-line", assignment, (path, line, text)))
        for assignment in unit.assignments("UnsetEnvironment"):
            for word in assignment.value.split():
                env.pop(word.split("=", 1)[0], None)
        return env, origins, problems

    # -- the program ---------------------------------------------------------------------
    def exec_target(self, unit, command=None):
        command = command or unit.main
        key = ("target", unit.name, command.raw if command else None,
               command.path if command else None)
        return self._memo(key, lambda: self._exec_target(unit, command))

    def _exec_target(self, unit, command):
        target = ExecTarget(command)
        if command is None:
            return target
        path = self.expand(unit, command.path)
        if path.startswith("/"):
            target.how = "absolute"
            candidate = path
        elif not self.supports(K.RELATIVE_EXEC_SINCE):
            target.how = "ignored-relative"
            target.found_at = self._search(path, self.default_path, target)
            return target
        else:
            search = self.default_path
            if unit.value("ExecSearchPath") and self.supports(K.EXEC_SEARCH_PATH_SINCE):
                search = unit.value("ExecSearchPath")
            candidate = self._search(path, search, target)
            target.how = "searched" if candidate else "not-found"
            if candidate is None:
                return target
        try:
            target.stat = self.io.stat("program", path=candidate)
        except HostError as err:
            target.error = err
            self.host._note_denied(err)
        target.path = candidate
        target.real = self.io.realpath("program", path=candidate)
        return target

    def _search(self, name, search, target):
        """The first executable file `name` in the directories of `search`."""
        for directory in search.split(":"):
            if not directory.startswith("/"):
                continue
            target.searched.append(directory)
            full = posixpath.join(directory, name)
            st = self.io.try_stat("program", path=full)
            if st is not None and st.is_file and st.perms & 0o111:
                return full
        return None

    def probe(self, path):
        def compute():
            st = self.io.try_stat("program", path=path)
            size = st.size if st else None

            def read(offset, length):
                if size:  # a hand-built snapshot may record no size
                    if offset >= size:
                        return b""
                    length = min(length, size - offset)
                return self.io.read_range("program-contents", offset, length, path=path)
            return binprobe.probe(read, size)
        return self._memo(("probe", path), compute)

    def analysis(self, path):
        """The binary layer's findings for `path` (None when that layer is absent)."""
        notes = []

        def compute():
            result = binprobe.analyse(self.host, path, notes)
            for n in notes:
                self.note(n)
            return result
        return self._memo(("analysis", path), compute)

    def access_path(self, path, identity):
        """The first directory on the way to `path` that `identity` may not search (x), or
        None: systemd's execve fails with EACCES there."""
        current = "/"
        for part in [p for p in path.split("/") if p][:-1]:
            current = posixpath.join(current, part)
            st = self.io.try_stat("program", path=current)
            if st is None:
                return None
            if st.is_dir and not st.permits(identity, "x"):
                return current, st
        return None

    # -- journal and verify ----------------------------------------------------------------
    def journal(self, unit):
        """(Journal or None, evidence): a saved text given with --journal, else
        `journalctl -u UNIT`."""
        def compute():
            if self.journal_text is not None:
                from gotriage.parsers.journal import parse_journal  # 27 patterns: when asked

                return parse_journal(self.journal_text), Evidence.fact("journal text given with --journal")
            argv = self.io.decl("journal").argv({"unit": unit.name})
            result = self.io.run("journal", unit=unit.name, need=Need(
                ("SVC-JOURNAL",), N_("the journal is large, or its files are stuck"),
                Words(N_("the journal of %(unit)s is not read"), unit=unit.name)))
            if result.error == "not-recorded":
                self.note(_("the snapshot has no journal for %(unit)s (`%(command)s`)") % {
                    "unit": unit.name, "command": " ".join(argv)})
                return None, None
            if result.timed_out:
                return None, None  # SVC-INPUT says so
            if result.error:
                self.note(_("journal of %(unit)s not read: %(error)s") % {
                    "unit": unit.name, "error": result.excerpt(1)})
                return None, None
            from gotriage.parsers.journal import parse_journal

            journal = parse_journal(result.stdout)
            return journal, Evidence.command(result, "")
        return self._memo(("journal", unit.name), compute)

    def verify(self, unit):
        """`systemd-analyze verify FRAGMENT` (a CommandResult), None when there is no
        systemd-analyze (or no fragment)."""
        def compute():
            if not unit.found or unit.masked:
                return None
            result = self.io.run("verify", options=["--man=no"] if self.supports(235) else [],
                                 path=unit.fragment, need=Need(
                                     ("SVC-UNIT",), N_("it loads every unit the file names: "
                                                       "slow, or stuck"),
                                     Words(N_("%(unit)s is not verified by systemd itself"),
                                           unit=unit.name)))
            if result.timed_out:
                return None  # SVC-INPUT says so
            if result.error in ("not-found", "not-recorded"):
                if result.error == "not-found":
                    self.note(_("systemd-analyze is not installed: units are not verified by "
                                "systemd itself"))
                return None
            return result
        return self._memo(("verify", unit.name), compute)

    # -- go in a service -------------------------------------------------------------------
    def go_context(self, unit):
        """The unit as a toolchain context (facts/contexts.Context), to ask `go env` and
        judge its caches the way the toolchain layer does."""
        def compute():
            from gotriage.facts.contexts import Context

            env = dict(self.environment(unit)[0])
            identity = self.identity(unit) or Identity("root", 0, 0)
            label = "service %s (%s)" % (unit.name, identity.user)
            return Context("unit:" + unit.name, label, env, identity,
                           [Evidence.fact("the environment systemd gives %s" % unit.name)],
                           severity_weight="error")
        return self._memo(("go_context", unit.name), compute)

    def go_toolchain(self, unit):
        """A ToolchainFacts whose only context is this unit: the toolchain layer's probe
        and cache logic, applied to the service."""
        def compute():
            from gotriage.facts.toolchain import ToolchainFacts

            ctx = self.go_context(unit)
            target = self.exec_target(unit)
            go = None
            if unit.main is not None and posixpath.basename(unit.main.path) == "go" and target.path:
                go = target.path
            if go is not None and posixpath.dirname(go) not in ctx.path.split(":"):
                # The probe finds go on PATH: put the ExecStart= go first, for the probe only.
                ctx.env = dict(ctx.env, PATH="%s:%s" % (posixpath.dirname(go), ctx.path))

            class UnitToolchain(ToolchainFacts):
                @property
                def contexts(inner):
                    return [ctx]
            return UnitToolchain(self.host, timeout=self.timeout)
        return self._memo(("go_toolchain", unit.name), compute)

    @property
    def unprivileged_port_start(self):
        """net.ipv4.ip_unprivileged_port_start (Linux 4.11+; 1024 when absent)."""
        def compute():
            text = self.io.read_text("unprivileged-port-start")
            try:
                return int(text.strip()), Evidence.file(
                    "/proc/sys/net/ipv4/ip_unprivileged_port_start", text.strip())
            except (AttributeError, ValueError):
                return 1024, None
        return self._memo("unpriv_port", compute)

    # -- trace (opt-in) --------------------------------------------------------------------
    def trace(self, unit):
        """The strace of the unit's program (service/trace.py), or None unless --trace."""
        def compute():
            if not self.trace_enabled:
                return None
            from gotriage.service.trace import trace_unit

            return trace_unit(self, unit)
        return self._memo(("trace", unit.name), compute)
