"""Facts for the system layer: which distribution and release, its kernel, architecture
and glibc, gathered through the Host.  Other layers use them too (the packages layer for
the release, `gotriage binary --target host` for glibc and the architecture)."""

import datetime
import re

from gotriage.facts.base import Facts
from gotriage.facts.inputs import Inputs, Need, Words
from gotriage.findings import Evidence
from gotriage.i18n import N_, _
from gotriage.inputs.reader import reader_of
from gotriage.inputs.system import INPUTS, RELEASE_FILES, STUCK
from gotriage.knowledge.releases import EL_GLIBC, lookup
from gotriage.parsers.kmod import parse_module_paths, parse_proc_modules
from gotriage.parsers.limits import parse_limits_conf, parse_proc_limits
from gotriage.parsers.os_release import parse_os_release
from gotriage.parsers.release_files import (
    parse_cpe,
    parse_release_line,
    parse_rpm_release,
    repo_release,
)
from gotriage.parsers.yumrepo import parse_repo_file


class Distro(object):
    """The identified distribution: `id` as os-release spells it (with CentOS Stream told
    apart from CentOS Linux as "centos-stream", and Scientific Linux, whose 7.0-7.5 say
    ID=rhel, as "scientific"), the version, the EL release it is compatible with, and the
    data row about it (knowledge/releases.py): the minor release or service pack's row
    when the table has one, else the line's."""

    def __init__(self, id, version, name, evidence, like=(), platform="", sub=None,
                 support_end=None, el=None, variant=None):
        self.id = id
        self.version = version or ""
        self.name = name
        self.evidence = evidence
        self.like = list(like)
        self.sub = sub  # "SP2", "GA" (openEuler), "9.3" (a minor with its own row)
        self.support_end = support_end  # os-release SUPPORT_END, as written
        self.variant = variant  # what tells an edition apart (UOS: "uelc20"...)
        head = re.match(r"\d+", self.version.lstrip("Vv"))
        self.major = int(head.group(0)) if head else None
        if sub is None and id in ("rocky", "almalinux") and re.match(r"\d+\.\d+$", self.version):
            self.sub = self.version  # a minor release with its own end
        self.release = lookup(self.id, self.line, self.sub) if self.line else None
        platform_el = re.match(r"platform:el(\d+)$", platform or "")
        self.el = el if el is not None else (
            self.release.el if self.release else
            int(platform_el.group(1)) if platform_el else self._el_from_like())

    @property
    def line(self):
        """The table's name of this release line: "8", "20.03" (openEuler), "1" (every
        Amazon Linux AMI release), or None when the version is unknown."""
        if self.major is None:
            return None
        if self.id == "openEuler":
            return ".".join(self.version.split(".")[:2])
        if self.id == "amzn" and 2010 <= self.major < 2023:
            return "1"
        return str(self.major)

    def _el_from_like(self):
        if self.major is not None and ({"rhel", "centos", "fedora"} & set(self.like)) and \
                self.id != "fedora" and self.major in EL_GLIBC:
            return self.major
        return None

    @property
    def glibc(self):
        """The glibc version the release ships ("2.34"), or None when unknown."""
        if self.release and self.release.glibc:
            return self.release.glibc
        return EL_GLIBC.get(self.el)

    def describe(self):
        version = self.version
        if self.id == "openEuler" and self.sub and self.sub != "GA":
            version = "%s LTS %s" % (version, self.sub)
        if not version or self.name.endswith(" " + version) or self.name == version:
            return self.name  # "UnionTech OS Server 20" says its version already
        return "%s %s" % (self.name, version)


_SP = re.compile(r"LTS[- ](SP\d+)", re.I)
_DERIVED_BY_NAME = (("scientific linux", "scientific"),)


def identify(os_release, os_release_path, release_files, cpe=None, rpm=None, repos=None):
    """A Distro from the parsed os-release (may be {}), {path: text} of *-release files,
    and where those are missing the CPE name (text of /etc/system-release-cpe), the
    release package rpm names (its output) and the repository sections; None when none
    of them names the release."""
    if os_release.get("ID"):
        return _from_os_release(os_release, os_release_path, release_files)
    for path, text in release_files.items():
        parsed = parse_release_line(text)
        if parsed:
            distro_id, version, line = parsed
            return Distro(distro_id, version, line.split(" release")[0],
                          [Evidence.file(path, line, 1)], ["rhel"])
    found = parse_cpe(cpe) if cpe else None
    if found:
        distro_id, major = found
        return Distro(distro_id, major, _name_of(distro_id, major),
                      [Evidence.file("/etc/system-release-cpe", cpe.strip(), 1)], ["rhel"])
    found = parse_rpm_release(rpm.text) if rpm is not None and rpm.ok else None
    if found:
        distro_id, major, el, package = found
        return Distro(distro_id, major, _name_of(distro_id, major),
                      [Evidence.command(rpm, package)], ["rhel"], el=el)
    found = repo_release(repos or [])
    if found:
        distro_id, version, section, key = found
        line = section.lines.get(key)
        return Distro(distro_id, version, _name_of(distro_id, version.split(".")[0]),
                      [Evidence.file(section.path, "%s=%s" % (key, section.get(key)), line)],
                      ["rhel"])
    return None


def _name_of(distro_id, major):
    release = lookup(distro_id, major)
    return release.name.rsplit(" ", 1)[0] if release else distro_id


def _from_os_release(os_release, os_release_path, release_files):
    distro_id = os_release["ID"]
    name = os_release.get("NAME", distro_id)
    version = os_release.get("VERSION_ID", "")
    evidence = [Evidence.file(os_release_path, 'ID="%s" VERSION_ID="%s"' % (
        os_release.get("ID"), version))]
    if distro_id == "centos" and "stream" in name.lower():
        distro_id = "centos-stream"
    for word, derived in _DERIVED_BY_NAME:
        if name.lower().startswith(word):
            distro_id = derived  # NAME="Scientific Linux" with ID="rhel" (7.0-7.5)
    if distro_id == "rhel" and not name.lower().startswith("red hat"):
        # a rebuild that calls itself rhel: its release file names it
        for path, text in release_files.items():
            parsed = parse_release_line(text)
            if parsed and parsed[0] != "rhel":
                distro_id = parsed[0]
                evidence.append(Evidence.file(path, parsed[2], 1))
                break
    sub, el, variant = None, None, None
    platform = os_release.get("PLATFORM_ID", "")
    if distro_id == "openEuler":
        sp = _SP.search(os_release.get("VERSION", ""))
        sub = sp.group(1).upper() if sp else "GA" if "LTS" in os_release.get("VERSION", "") else None
    elif distro_id.lower() == "uos":
        distro_id = "uos"
        variant = platform.split(":", 1)[1] if platform.startswith("platform:") else "Debian edition"
        el = 8 if variant == "uelc20" else None
    like = os_release.get("ID_LIKE", "").split()
    return Distro(distro_id, version, name, evidence, like, platform, sub,
                  os_release.get("SUPPORT_END") or None, el=el, variant=variant)


class ModuleState(object):
    """Where a kernel module stands: loaded, built into the kernel, available on disk."""

    def __init__(self, name, loaded, builtin, available, known):
        self.name, self.loaded, self.builtin, self.available = name, loaded, builtin, available
        self.known = known  # False when the module lists could not be read at all


class SystemFacts(Facts):
    def __init__(self, host, today=None, facts_of=None, timeout=None):
        self.host = host
        self.today = today or datetime.date.today()
        self.notes = []
        self.inputs = Inputs()
        # every read of the host goes through the declared inputs (inputs/system.py)
        self.io = reader_of(host, {"timeout": timeout}).layer(INPUTS, self.inputs)
        self._cache = {}
        self._facts_of = facts_of  # the runner's other layers (for the installed Go)

    @classmethod
    def from_options(cls, host, options):
        return cls(host, today=options.get("today"), facts_of=options.get("facts_of"),
                   timeout=options.get("timeout"))

    @property
    def toolchain(self):
        """The toolchain layer's facts (shared with it when both layers run)."""
        if self._facts_of is not None:
            return self._facts_of("toolchain")
        from gotriage.facts.toolchain import ToolchainFacts

        return self._memo("toolchain", lambda: ToolchainFacts(self.host))

    def _memo(self, key, compute):
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    @property
    def identity(self):
        """Who gotriage runs as (the limits it judges are this user's)."""
        return self.host.identity()

    @property
    def distro(self):
        def compute():
            os_release, where = {}, None
            for key in ("os-release", "os-release-lib"):
                text = self.io.read_text(key)
                if text is not None and parse_os_release(text).get("ID"):
                    os_release, where = parse_os_release(text), self.io.decl(key).template
                    break
            files = {}
            if not os_release or (os_release.get("ID") == "rhel" and not os_release.get(
                    "NAME", "").lower().startswith("red hat")):
                for path in RELEASE_FILES:
                    text = self.io.read_text("release-file", path=path)
                    if text is not None:
                        files[path] = text
            if os_release or any(parse_release_line(t) for t in files.values()):
                return identify(os_release, where, files)
            cpe = self.io.read_text("release-cpe")
            if parse_cpe(cpe):
                return identify({}, None, {}, cpe=cpe)
            # no release file: the rpm database, then the repository files
            rpm = self.io.run("release-package", note=False)
            if rpm.error in ("timeout", "deadline"):
                self.inputs.note(rpm)
            return identify({}, None, {}, rpm=rpm, repos=self.repo_sections)
        return self._memo("distro", compute)

    @property
    def kernel(self):
        """The running kernel's release ("5.14.0-362.el9.x86_64"), or None."""
        def compute():
            text = self.io.read_text("kernel")
            return text.strip() if text else None
        return self._memo("kernel", compute)

    @property
    def machine(self):
        """The host's architecture as `uname -m` prints it (x86_64, aarch64...), or None."""
        def compute():
            result = self.io.run("machine")
            return result.text.strip() if result.ok else None
        return self._memo("machine", compute)

    @property
    def glibc(self):
        """(version, evidence) of the host's glibc: `getconf GNU_LIBC_VERSION`, else the
        release's known glibc, else (None, None)."""
        def compute():
            result = self.io.run("glibc", note=False)
            if result.ok and result.text.startswith("glibc "):
                self.inputs.note(result)
                return result.text.split()[1], Evidence.command(result)
            distro = self.distro
            known = distro.glibc if distro is not None else None
            self.inputs.note(result, Need(("SYS-DISTRO",), STUCK, Words(
                N_("glibc %(version)s is the release's, not read from the host"), version=known)
                if known else N_("the host's glibc version is unknown")))
            if distro is not None and distro.glibc:
                return distro.glibc, Evidence.fact("%s ships glibc %s" % (distro.describe(), distro.glibc))
            return None, None
        return self._memo("glibc", compute)

    # -- repositories (for end-of-life mirrors) ---------------------------------------------
    @property
    def repo_sections(self):
        """Every section of /etc/yum.repos.d/*.repo, in file order."""
        def compute():
            sections = []
            for path in sorted(self.io.glob("repo-dir", lambda n: n.endswith(".repo"))):
                text = self.io.read_text("repo-file", name=path.rsplit("/", 1)[1])
                sections.extend(parse_repo_file(text or "", path))
            return sections
        return self._memo("repos", compute)

    def repo_lines(self, path):
        """The lines of a repo file (to quote the exact line an edit replaces)."""
        return (self.io.read_text("repo-file", name=path.rsplit("/", 1)[1]) or "").splitlines()

    # -- kernel modules ----------------------------------------------------------------------
    @property
    def _module_lists(self):
        def compute():
            loaded_text = self.io.read_text("proc-modules")
            kernel = self.kernel
            # the running kernel's own lists (none to read when the kernel is unknown)
            builtin_text = self.io.read_text("modules-builtin", kernel=kernel) if kernel else None
            dep_text = self.io.read_text("modules-dep", kernel=kernel) if kernel else None
            return (parse_proc_modules(loaded_text) if loaded_text is not None else None,
                    parse_module_paths(builtin_text) if builtin_text is not None else None,
                    parse_module_paths(dep_text) if dep_text is not None else None)
        return self._memo("modules", compute)

    def module(self, name):
        loaded, builtin, available = self._module_lists
        known = not (loaded is None and builtin is None and available is None)
        return ModuleState(name, name in (loaded or ()), name in (builtin or ()),
                           name in (available or ()), known)

    def sysctl(self, name):
        """A /proc/sys value as text ('net/netfilter/nf_conntrack_max'), or None."""
        text = self.io.read_text("sysctl", name=name)
        return text.strip() if text is not None else None

    @property
    def modules_load(self):
        """[(path, [lines])] of /etc/modules-load.d/*.conf, in name order."""
        def compute():
            out = []
            for path in sorted(self.io.glob("modules-load-dir", lambda n: n.endswith(".conf"))):
                text = self.io.read_text("modules-load", name=path.rsplit("/", 1)[1]) or ""
                out.append((path, text.splitlines()))
            return out
        return self._memo("modules_load", compute)

    # -- limits ------------------------------------------------------------------------------
    @property
    def limit_rules(self):
        """(rules, bad lines with their path) of limits.conf and limits.d/*.conf, in the
        order pam_limits reads them."""
        def compute():
            rules, bad = [], []
            paths = [("/etc/security/limits.conf", "limits-conf", {})] + [
                (p, "limits-file", {"name": p.rsplit("/", 1)[1]})
                for p in sorted(self.io.glob("limits-dir", lambda n: n.endswith(".conf")))]
            for path, key, params in paths:
                text = self.io.read_text(key, **params)
                if text is None:
                    continue
                r, b = parse_limits_conf(text, path)
                rules.extend(r)
                bad.extend((path, number, line) for number, line in b)
            return rules, bad
        return self._memo("limits", compute)

    @property
    def own_limits(self):
        """The limits gotriage runs with (those of the shell that started it)."""
        return self._memo("own_limits", lambda: parse_proc_limits(
            self.io.read_text("own-limits") or ""))

    # -- Go binaries of the installs -----------------------------------------------------------
    def install_binary_findings(self, install):
        """The binary layer's findings for an install's bin/go against this host (the
        same analysis as `gotriage binary`), or None when it cannot be examined (the
        notes say why)."""
        def compute():
            from gotriage.runner import NotExaminable, examine  # the binary layer, by name

            try:
                return examine("binary", self.host, {"path": install.go}, self.notes)
            except NotExaminable as err:
                text = str(err)
                # (the binary layer's own message names the file first, in either language)
                self.note(text if text.startswith(install.go) else
                          _("%(path)s not examined: %(why)s") % {"path": install.go, "why": text})
                return None
        return self._memo(("gobin", install.root), compute)
