"""The security layer's facts (docs/security.md): the host settings a Go service's
security rests on, each read through the layer's declared inputs (inputs/security.py)
into plain records the checks judge against the SCAP Security Guide's rules
(knowledge/scap_rules.py).

A value the host did not give is None, and `unknown(key)` says why (a snapshot that did
not record it, a file that cannot be read): the check then raises NotExamined.
"""

import fnmatch
import posixpath

from gotriage.facts.base import Facts
from gotriage.host.base import HostError
from gotriage.i18n import _
from gotriage.inputs.reader import reader_of
from gotriage.inputs.security import INPUTS, PAM_FILES, SSHD_CONFIG
from gotriage.parsers.security import nullok_lines, parse_shadow, parse_sshd_config
from gotriage.parsers.yumrepo import parse_repo_file

MAX_SSHD_FILES = 64  # Include'd files followed, in all (sshd refuses deeper nesting too)
MAX_INCLUDE_DEPTH = 16  # sshd's own limit (servconf.c: SERVCONF_MAX_DEPTH)
# the world-writable walk looks at most this many entries in all (a GOROOT has ~15,000)
MAX_WALK_ENTRIES = 40000


class Missing(object):
    """A file that is not there (on the host, or recorded as missing)."""

    __slots__ = ("path",)

    def __init__(self, path):
        self.path = path


class SecurityFacts(Facts):
    def __init__(self, host, options=None):
        self.host = host
        self.options = options or {}
        self.notes = []
        self._cache = {}
        self._why = {}
        self._texts = {}  # path -> the text read, for line_text
        self.io = reader_of(host, self.options).layer(INPUTS)

    @classmethod
    def from_options(cls, host, options):
        return cls(host, options)

    def _memo(self, key, compute):
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def line_text(self, path, number):
        """Line `number` (1-based) of a file the layer read, as written, or None: what an
        edit replaces."""
        lines = self._texts.get(path, "").splitlines()
        return lines[number - 1].strip() if number and 0 < number <= len(lines) else None

    def unknown(self, key):
        """Why the fact `key` is None (for NotExamined)."""
        return self._why.get(key) or _("not read")

    # -- reading ---------------------------------------------------------------------------
    def _text(self, why_key, key, **params):
        """The file's text, Missing when it does not exist, None when it is unknown (the
        reason kept under `why_key`)."""
        try:
            text = self.io.read(key, **params).decode("utf-8", "replace")
            self._texts[INPUTS[key].path(params)] = text
            return text
        except HostError as err:
            if err.unrecorded:
                self._why[why_key] = _("%(path)s: not recorded in the snapshot") % {
                    "path": err.path}
                return None
            if err.missing:
                return Missing(err.path)
            self._why[why_key] = "%s: %s" % (err.path, err.message)
            return None

    def _enabled(self, target, unit):
        """Whether `unit` is linked in TARGET.wants (True/False), None when unknown."""
        try:
            self.io.lstat("unit-wants", target=target, unit=unit)
            return True
        except HostError as err:
            if err.missing and not err.unrecorded:
                return False
            return None

    @property
    def scap_results(self):
        """(path, parsers.xccdf_results.ScanResults) given with --scap-results, or None."""
        return self.options.get("scap_results")

    # -- the release ------------------------------------------------------------------------
    @property
    def el(self):
        """The host's EL major release (for the CCEs), or None."""
        def compute():
            facts_of = self.options.get("facts_of")
            if facts_of is not None:
                system = facts_of("system")
            else:
                from gotriage.facts.system import SystemFacts
                system = SystemFacts.from_options(self.host, self.options)
            distro = system.distro
            return distro.el if distro is not None else None
        return self._memo("el", compute)

    # -- sshd ----------------------------------------------------------------------------
    @property
    def sshd_lines(self):
        """The keyword lines sshd reads, in its order (an Include's files in place, its
        glob's matches sorted as glob(3) sorts them), or None when sshd_config is unknown;
        [] when there is no sshd_config (sshd not installed)."""
        def compute():
            text = self._text("sshd", "sshd-config", path=SSHD_CONFIG)
            if text is None:
                return None
            if isinstance(text, Missing):
                self._why["sshd"] = _("%(path)s does not exist (openssh-server not "
                                      "installed)") % {"path": SSHD_CONFIG}
                return []
            seen = [SSHD_CONFIG]
            return self._expand(parse_sshd_config(text, SSHD_CONFIG), seen, 0)
        return self._memo("sshd", compute)

    def _expand(self, lines, seen, depth):
        out = []
        for line in lines:
            if line.keyword != "include" or depth >= MAX_INCLUDE_DEPTH:
                out.append(line)
                continue
            out.append(line)
            for pattern in line.value.split():
                for path in self._include_paths(pattern):
                    if path in seen or len(seen) >= MAX_SSHD_FILES:
                        continue
                    seen.append(path)
                    text = self._text("sshd-include", "sshd-config", path=path)
                    if text is None:
                        self.note("sshd: %s" % self.unknown("sshd-include"))
                        continue
                    if isinstance(text, Missing):
                        continue
                    inner = parse_sshd_config(text, path)
                    if line.in_match:
                        for item in inner:
                            item.in_match = True
                    out.extend(self._expand(inner, seen, depth + 1))
        return out

    def _include_paths(self, pattern):
        """The files an Include pattern names (relative to /etc/ssh, as sshd reads it)."""
        if not pattern.startswith("/"):
            pattern = posixpath.join("/etc/ssh", pattern)
        directory, name = posixpath.split(pattern)
        if not any(c in name for c in "*?["):
            return [pattern]
        try:
            entries = self.io.listdir("sshd-include-dir", dir=directory)
        except HostError as err:
            if err.unrecorded:
                self.note(_("sshd: %(path)s not recorded in the snapshot") % {"path": directory})
            return []
        return [posixpath.join(directory, e) for e in sorted(entries)
                if fnmatch.fnmatchcase(e, name) and not e.startswith(".")]

    def sshd_first(self, keyword):
        """The first global (outside Match) line of `keyword`, the one sshd uses, or None."""
        for line in self.sshd_lines or ():
            if line.keyword == keyword.lower() and not line.in_match:
                return line
        return None

    # -- passwords -----------------------------------------------------------------------
    @property
    def pam_nullok(self):
        """[(path, line number, line)] of the PAM lines with nullok, or None when a PAM
        file is unknown."""
        def compute():
            found = []
            for path in PAM_FILES:
                text = self._text("pam", "pam", path=path)
                if text is None:
                    return None
                if isinstance(text, Missing):
                    continue
                found.extend((path, number, line) for number, line in nullok_lines(text))
            return found
        return self._memo("pam", compute)

    @property
    def shadow(self):
        """[(account, state, line)] of /etc/shadow (no hash: host/redact_shadow.py), or
        None when it is unknown (not root: /etc/shadow is mode 0)."""
        def compute():
            text = self._text("shadow", "shadow")
            if isinstance(text, Missing):
                self._why["shadow"] = _("/etc/shadow does not exist")
                return None
            return parse_shadow(text) if text is not None else None
        return self._memo("shadow", compute)

    # -- firewalld -----------------------------------------------------------------------
    @property
    def firewalld_enabled(self):
        def compute():
            enabled = self._enabled("multi-user.target", "firewalld.service")
            if enabled is None:
                self._why["firewalld"] = _("%(path)s: not recorded in the snapshot") % {
                    "path": "/etc/systemd/system/multi-user.target.wants/firewalld.service"}
            return enabled
        return self._memo("firewalld", compute)

    @property
    def firewalld_default_zone(self):
        """(zone, line number or None, path): DefaultZone= of firewalld.conf ("public",
        firewalld's default, when it does not say), or None when unknown or absent."""
        def compute():
            text = self._text("zone", "firewalld-conf")
            if text is None or isinstance(text, Missing):
                return None
            from gotriage.parsers.firewalld_conf import parse_firewalld_conf
            conf = parse_firewalld_conf(text)
            return conf.get("DefaultZone", "public"), conf.lines.get("DefaultZone"), conf.path
        return self._memo("zone", compute)

    # -- SELinux -------------------------------------------------------------------------
    @property
    def selinux_config(self):
        """facts.selinux.Config of /etc/selinux/config, Missing when there is none, None
        when unknown."""
        def compute():
            text = self._text("selinux", "selinux-config")
            if text is None or isinstance(text, Missing):
                return text
            from gotriage.facts.selinux import parse_config
            return parse_config(text)
        return self._memo("selinux", compute)

    @property
    def selinux_enforcing_now(self):
        """True/False from /sys/fs/selinux/enforce, None when it cannot be read."""
        text = self._text("enforce", "selinux-enforce")
        if text is None or isinstance(text, Missing):
            return None
        return text.strip() == "1"

    # -- packages ------------------------------------------------------------------------
    @property
    def main_conf(self):
        """(path, RepoSection [main] or None) of dnf.conf, else yum.conf; None when
        neither could be read."""
        def compute():
            for key, path in (("dnf-conf", "/etc/dnf/dnf.conf"), ("yum-conf", "/etc/yum.conf")):
                text = self._text("main-conf", key)
                if text is None:
                    return None
                if isinstance(text, Missing):
                    continue
                mains = [s for s in parse_repo_file(text, path) if s.name == "main"]
                return path, (mains[0] if mains else None)
            self._why["main-conf"] = _("neither /etc/dnf/dnf.conf nor /etc/yum.conf exists")
            return None
        return self._memo("main-conf", compute)

    @property
    def repo_sections(self):
        """Every section of every .repo file, or None when the directory is unknown."""
        def compute():
            try:
                names = self.io.listdir("repo-dir")
            except HostError as err:
                if err.missing and not err.unrecorded:
                    return []
                self._why["repos"] = _("%(path)s: not recorded in the snapshot") % {
                    "path": "/etc/yum.repos.d"} if err.unrecorded else "/etc/yum.repos.d: %s" % (
                        err.message)
                return None
            sections = []
            for name in sorted(names):
                if not name.endswith(".repo"):
                    continue
                text = self._text("repo", "repo-file", name=name)
                if text is None or isinstance(text, Missing):
                    continue
                sections.extend(parse_repo_file(text, "/etc/yum.repos.d/" + name))
            return sections
        return self._memo("repos", compute)

    # -- automatic updates ---------------------------------------------------------------
    @property
    def auto_updates(self):
        """What runs the automatic updates: a dict with "tool" (dnf-automatic or
        yum-cron), "enabled" (the unit that is, or None), "conf" (path, [commands]
        section or None, or Missing); None when unknown."""
        def compute():
            el = self.el
            if el == 7:
                units = (("multi-user.target", "yum-cron.service"),)
                tool, key, path = "yum-cron", "yum-cron-conf", "/etc/yum/yum-cron.conf"
            else:
                units = (("timers.target", "dnf-automatic.timer"),
                         ("timers.target", "dnf-automatic-install.timer"))
                tool, key, path = "dnf-automatic", "dnf-automatic-conf", "/etc/dnf/automatic.conf"
            enabled = None
            for target, unit in units:
                state = self._enabled(target, unit)
                if state is None:
                    self._why["updates"] = _("%(path)s: not recorded") % {
                        "path": "/etc/systemd/system/%s.wants/%s" % (target, unit)}

                    return None
                if state and enabled is None:
                    enabled = unit
            text = self._text("updates", key)
            if text is None:
                return None
            if isinstance(text, Missing):
                conf = Missing(path)
            else:
                commands = [s for s in parse_repo_file(text, path) if s.name == "commands"]
                conf = commands[0] if commands else None
            return {"tool": tool, "enabled": enabled, "conf": conf, "path": path}
        return self._memo("updates", compute)

    # -- the Go services and installs (the service and toolchain layers' facts) ----------
    def _layer(self, name):
        facts_of = self.options.get("facts_of")
        if facts_of is not None:
            return facts_of(name)
        return None  # (the runner always gives facts_of; a test's bare facts have no layers)

    @property
    def go_services(self):
        """[(Unit, ExecTarget)] of the Go services the service layer finds (enabled or
        failed units that run Go), or None when the service layer is not available."""
        def compute():
            service = self._layer("service")
            if service is None:
                return None
            return [(unit, service.exec_target(unit)) for unit in service.units
                    if unit.found and unit.main is not None]
        return self._memo("go-services", compute)

    @property
    def go_roots(self):
        """The GOROOT of every Go install the toolchain layer finds."""
        def compute():
            toolchain = self._layer("toolchain")
            return [install.root for install in toolchain.installs] if toolchain else []
        return self._memo("go-roots", compute)

    @property
    def walk_roots(self):
        """(directory, recursive, why) the world-writable walk starts from."""
        def compute():
            roots = [(root, True, "GOROOT") for root in self.go_roots]
            for unit, target in self.go_services or ():
                workdir = (unit.value("WorkingDirectory") or "").lstrip("-")
                if workdir.startswith("/"):
                    roots.append((workdir, True, "%s's WorkingDirectory=" % unit.name))
                program = target.real or target.path
                if program:
                    roots.append((posixpath.dirname(program), False,
                                  "%s's program directory" % unit.name))
            seen, out = set(), []
            for root in roots:
                if root[0] not in seen:
                    seen.add(root[0])
                    out.append(root)
            return out
        return self._memo("walk-roots", compute)

    @property
    def world_writable(self):
        """([(path, mode, is_dir, why)], entries seen, whether the walk stopped at its
        bound) of the entries under walk_roots writable by everyone (a directory with the
        sticky bit, like /tmp, left out; symlinks never followed)."""
        def compute():
            found, seen = [], 0
            for root, recursive, why in self.walk_roots:
                stack = [root]
                while stack:
                    directory = stack.pop()
                    try:
                        names = self.io.listdir("walk-dir", dir=directory)
                    except HostError:
                        continue
                    for name in sorted(names):
                        if seen >= MAX_WALK_ENTRIES:
                            return found, seen, True
                        seen += 1
                        path = posixpath.join(directory, name)
                        try:
                            st = self.io.lstat("walk-entry", path=path)
                        except HostError:
                            continue
                        if st.is_link:
                            continue
                        if st.mode & 0o002 and not (st.is_dir and st.mode & 0o1000):
                            found.append((path, st.mode & 0o7777, st.is_dir, why))
                        if st.is_dir and recursive:
                            stack.append(path)
            return found, seen, False
        return self._memo("world-writable", compute)
