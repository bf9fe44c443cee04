"""Facts for the binary layer: one ELF file and the target it should run on.

A target is where the binary is meant to run:

- ``host`` (the default): the host gotriage examines (the live machine, or a snapshot
  given with --root).  gotriage asks what the loader itself would find: where each
  DT_NEEDED library resolves (DT_RPATH, LD_LIBRARY_PATH, DT_RUNPATH, /etc/ld.so.cache,
  the default directories) and which symbol versions that very library defines
  (DT_VERDEF of the host's libc.so.6, libsystemd.so.0...); whether the ELF interpreter
  exists; the kernel (/proc/sys/kernel/osrelease) and the architecture
  (/proc/sys/kernel/arch, else the ELF machine of /bin/sh, confirmed with `uname -m` when
  they differ from the binary's).  When the files do not answer (a snapshot that did
  not record them), the system facts do: `uname -m`, `getconf GNU_LIBC_VERSION` or the
  release's glibc (facts/system.py).  A missing library is looked up with `rpm -q
  --whatprovides` when the host has an rpm database;
- ``el7`` ... ``el10`` (``el6`` too): a stock install of that release, x86_64 unless an
  architecture is given as ``el9:aarch64``: its glibc (knowledge.releases.EL_GLIBC), its
  kernel (knowledge.go_kernel.EL_KERNEL) and the loaders it ships;
- a glibc version such as ``2.28`` (``2.28:aarch64`` to also compare the
  architecture): only the glibc requirements are judged.

`BinaryFacts` reads everything through the layer's declared inputs (inputs/binary.py;
files are read with read_range in small pieces, never whole); the checks in checks/binary.py turn it into findings, run by
the runner (`runner.examine`, through gotriage.binary.analyse_binary).  Nothing here
imports `re`, `subprocess` or the system facts until a question needs them: a whole
`gotriage binary` process stays close to the interpreter's own start-up.
"""

import posixpath

from gotriage.facts.base import Facts
from gotriage.findings import Evidence
from gotriage.host.base import HostError
from gotriage.i18n import _
from gotriage.inputs.binary import INPUTS
from gotriage.inputs.reader import reader_of
from gotriage.knowledge import loader as L
from gotriage.parsers.elf import CachedReader, ElfError, parse_elf, parse_header
from gotriage.runner import NotExaminable


def target_help():
    """What --target accepts, in the one wording its help and its errors use (the EL
    releases and release names from knowledge.releases; imported here, not at start-up)."""
    from gotriage.knowledge.releases import EL_GLIBC, name_examples

    return _("host, %(els)s (elN:ARCH for another architecture), a release by name "
             "(%(names)s...; NAME:ARCH too), musl (an Alpine container; musl:ARCH), or a glibc "
             "version 2.0 to 2.%(newest)d such as 2.28") % {
        "els": ", ".join("el%d" % k for k in sorted(EL_GLIBC)), "names": name_examples(),
        "newest": L.NEWEST_GLIBC[1] + L.GLIBC_TARGET_SLACK}


_RPM_DBS = ("/var/lib/rpm/rpmdb.sqlite", "/var/lib/rpm/Packages", "/var/lib/rpm/Packages.db",
            "/usr/lib/sysimage/rpm/rpmdb.sqlite")


class BinaryError(NotExaminable):
    """The file cannot be examined at all (missing, a directory, unreadable) or the
    target is not understood: a one-line error, exit 2."""


def _is_version(text):
    # ASCII digits: str.isdigit() is also true for "²", which int() refuses
    return all(p and not p.strip("0123456789") for p in text.split(".")) and 2 <= len(text.split(".")) <= 3


def _is_glibc_release(text):
    """2.N, N at most a release or two past the newest glibc gotriage knows (2.x since 1997)."""
    parts = [int(p) for p in text.split(".")]
    return parts[0] == 2 and parts[1] <= L.NEWEST_GLIBC[1] + L.GLIBC_TARGET_SLACK


class Target(object):
    """Where the binary should run.  `kind` is "host", "el" (an EL major, or a release by
    name from the release table: `release` is its row), "musl" (an Alpine-style musl
    system: no glibc, musl's loader) or "glibc"."""

    def __init__(self, spec):
        self.spec = (spec or "host").strip()
        if self.spec.lower() == "host":
            self.spec = "host"
        self.kind = "host"
        self.el = None
        self.release = None  # the release table's row of a target named "rocky8"
        self.name = None  # "el8", "rocky8", "musl"
        self.arch = None  # an architecture given with :ARCH
        self.glibc_version = None
        if self.spec == "host":
            return
        base, _sep, arch = self.spec.strip().lower().partition(":")
        if arch:
            if not arch.replace("_", "").isalnum():
                raise BinaryError(_("unknown --target %(target)r: use %(targets)s") % {
                    "target": spec, "targets": target_help()})
            self.arch = L.normalise_machine(arch)
        if base.startswith("el") and base[2:] and not base[2:].strip("0123456789"):
            from gotriage.knowledge.releases import EL_GLIBC

            self.kind, self.el, self.name = "el", int(base[2:]), base
            if self.el not in EL_GLIBC:
                raise BinaryError(_("unknown --target %(target)r: use %(targets)s") % {
                    "target": spec, "targets": target_help()})
            self.glibc_version = EL_GLIBC[self.el]
            self.arch = self.arch or "x86_64"
        elif base == "musl":
            self.kind, self.name = "musl", "musl"
            self.arch = self.arch or "x86_64"
        elif _is_version(base) and _is_glibc_release(base):
            self.kind, self.glibc_version = "glibc", base
        else:
            self._by_name(spec, base)

    def _by_name(self, spec, base):
        from gotriage.knowledge.releases import by_name, names_of

        release = by_name(base)
        if release is None or not release.glibc:
            word = base.rstrip("0123456789.").rstrip("-")
            known = names_of(word) if word else None
            names = [word + v for v in known or ()]
            if len(names) > 6:
                names = [names[0], "...", names[-1]]
            hint = _("%(name)s is known as %(names)s; ") % {
                "name": word, "names": ", ".join(names)} if names else ""
            raise BinaryError(_("unknown --target %(target)r: %(hint)suse %(targets)s") % {
                "target": spec, "hint": hint, "targets": target_help()})
        self.kind, self.release, self.name = "el", release, base
        self.el, self.glibc_version = release.el, release.glibc
        self.arch = self.arch or "x86_64"

    @property
    def label(self):
        if self.kind == "el" and self.release is not None:
            return "%s (%s, %s, glibc %s)" % (self.name, self.release.name, self.arch,
                                              self.glibc_version)
        if self.kind == "el":
            return "el%d (%s, glibc %s)" % (self.el, self.arch, self.glibc_version)
        if self.kind == "musl":
            return _("musl (an Alpine-style system, %(arch)s: no glibc)") % {"arch": self.arch}
        if self.kind == "glibc":
            return "glibc %s%s" % (self.glibc_version, " (%s)" % self.arch if self.arch else "")
        return _("this host")

    @property
    def short(self):
        """The target as the subject of a sentence: "this host", "el8", "rocky8", "the
        target"."""
        if self.name:
            return self.name
        return _("this host") if self.kind == "host" else _("the target")

    @property
    def loaders(self):
        """The ELF interpreters a stock install of the target has, for `machine`."""
        if self.kind == "musl":
            return lambda machine: (L.MUSL_LOADER_PREFIX + "%s.so.1" % machine,)
        return lambda machine: L.EL_DEFAULT_LOADERS.get(machine, ())


class LibraryLookup(object):
    """Where the loader finds one library on the host (path None: nowhere)."""

    def __init__(self, name):
        self.name = name
        self.path = None
        self.via = None  # "DT_RPATH", "LD_LIBRARY_PATH", "DT_RUNPATH", "ld.so.cache", "default"
        self.searched = []  # directories looked in
        self.skipped = []  # (path, why) found but unusable (wrong class or machine)
        self.providers = None  # installed packages that provide it (rpm), when asked
        self.provider_result = None
        self.unrecorded = []  # candidates a snapshot says nothing about

    @property
    def state(self):
        """"found", "missing", or "unknown" (a snapshot that recorded none of the places)."""
        if self.path:
            return "found"
        return "unknown" if self.unrecorded else "missing"


class BinaryFacts(Facts):
    """Everything the binary checks need about the file at `path` (named `name` by the
    user: titles and predicted messages use it) and `target` (a Target or its spec), read
    once through the Host.  Raises BinaryError when the file cannot be examined at all."""

    def __init__(self, host, path, target="host", options=None, name=None):
        self.host = host
        self.options = options or {}
        self.io = reader_of(host, self.options).layer(INPUTS)
        self.path = path  # where it is read
        self.name = name or path  # how the user named it (in titles)
        self.prog = self.name if "/" in self.name else "./" + self.name  # argv[0] as typed
        self.target = target if isinstance(target, Target) else Target(target)
        self.notes = []
        self._cache = {}
        self.elf = None
        self.error = None  # ElfError when it is not (a readable) ELF
        self.buildinfo = None
        self.glibc_from_libc = None  # set when the host's glibc is read from its libc.so.6
        self.head = b""
        self.stat = self._stat()
        self.size = self.stat.size
        self.reader = CachedReader(self._read)
        try:
            self.head = self.reader(0, 512)
            try:
                self.elf = parse_elf(self.reader, self.size)
            except ElfError as exc:
                self.error = exc
            if self.elf is not None:
                from gotriage.parsers.gobuildinfo import read_buildinfo

                self.buildinfo = read_buildinfo(self.elf, self.reader)
        except HostError as err:
            if err.unrecorded:  # a snapshot that kept the file's stat, not its contents
                raise BinaryError(_("%(path)s not examined: its contents are not recorded in "
                                    "the snapshot") % {"path": path}) from None
            raise BinaryError(_("cannot read %(path)s: %(error)s") % {
                "path": path, "error": err.message}) from None

    @classmethod
    def from_options(cls, host, options):
        """The runner's way in (the layer table): the subject is in the options, "path",
        "target" (default "host") and "name"."""
        return cls(host, options["path"], options.get("target") or "host", options,
                   options.get("name"))

    def _stat(self):
        try:
            st = self.io.stat("program", path=self.path)
        except HostError as err:
            if err.missing:
                raise BinaryError(_("%(path)s: no such file") % {"path": self.path}) from None
            raise BinaryError(_("cannot examine %(path)s: %(error)s") % {
                "path": self.path, "error": err.message}) from None
        if st.is_dir:
            raise BinaryError(_("%(path)s is a directory, not a program") % {"path": self.path})
        if not st.is_file:
            raise BinaryError("%s is not a regular file" % self.path)
        return st

    def _read(self, offset, length):
        if offset >= self.size:
            return b""
        return self.io.read_range("program-elf", offset, min(length, self.size - offset),
                                  path=self.path)

    def _memo(self, key, compute):
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    @property
    def live(self):
        """Whether the file is on the machine gotriage runs on (its mode is then what
        execve sees; a snapshot's copy keeps no mode worth judging)."""
        return self.host.kind == "live"

    @property
    def usable(self):
        """An ELF file that is complete enough to judge (not cut short)."""
        return self.elf is not None and not self.elf.truncated

    # -- the target -----------------------------------------------------------------------
    @property
    def system(self):
        """facts/system.py's SystemFacts of the host (uname, getconf, the release): only
        for what the host's files do not answer, and for the wording of problems."""
        def compute():
            from gotriage.facts.system import SystemFacts

            return SystemFacts(self.host)
        return self._memo("system", compute)

    @property
    def target_el(self):
        """The EL major of the target, or None (a non-EL host, a bare glibc version)."""
        if self.target.kind == "el":
            return self.target.el
        if self.target.kind == "host":
            distro = self.system.distro
            return distro.el if distro is not None else None
        return None

    @property
    def package_manager(self):
        el = self.target_el
        return "yum" if el is not None and el <= 7 else "dnf"

    @property
    def target_machine(self):
        """(machine, evidence) of the target, or (None, None) when unknown."""
        return self._memo("machine", self._machine)

    def _machine(self):
        t = self.target
        if t.arch:
            return t.arch, Evidence.fact("target %s" % t.label)
        if t.kind != "host":
            return None, None
        arch = self.io.read_text("arch")  # Linux >= 6.1: uname -m
        if arch and arch.strip():
            return L.normalise_machine(arch), Evidence.file("/proc/sys/kernel/arch", arch.strip())
        machine, evidence = self.elf_machine_of("/bin/sh")
        if machine is not None and (self.elf is None or self.elf.machine in
                                    L.RUNS_NATIVELY.get(machine, (machine,))):
            return machine, evidence
        # The binary would not run on what /bin/sh is built for (or /bin/sh is not
        # readable): ask the kernel, as `uname -m`.
        uname = self.system.machine
        if uname:
            return L.normalise_machine(uname), Evidence.fact("uname -m: %s" % uname)
        if machine is not None:
            return machine, evidence
        self.notes.append(_("the host's architecture is unknown (no /proc/sys/kernel/arch, "
                            "/bin/sh not readable, `uname -m` not answered or not recorded): "
                            "not compared with the binary's"))
        return None, None

    def elf_machine_of(self, path):
        """(machine, evidence) from the ELF header of a host file, or (None, None).
        Remembered for the run (the reader's memo): check --root asks it of /bin/sh once
        per Go service."""
        return self.io.reader.answer(("elf-machine", path), self.io.decl("elf-header"),
                                     lambda: self._elf_machine_of(path))

    def _elf_machine_of(self, path):
        try:
            head = parse_header(self.io.read_range("elf-header", 0, 64, path=path))
        except (ElfError, HostError):
            return None, None
        return head.machine, Evidence.fact("%s on the host is an ELF %d-bit %s program" % (
            path, head.bits, head.machine))

    @property
    def target_glibc(self):
        """(version string, evidence) of the target's glibc, or (None, None).  On the host:
        the highest GLIBC_x.y that the loader's libc.so.6 defines, else getconf or the
        release (SystemFacts)."""
        return self._memo("glibc", self._glibc)

    def _glibc(self):
        t = self.target
        if t.kind == "el":
            return t.glibc_version, Evidence.fact("%s ships glibc %s" % (
                t.release.name if t.release else t.name, t.glibc_version))
        if t.kind == "musl":
            return None, None  # musl, not glibc: BIN-INTERP says what fails
        if t.kind == "glibc":
            return t.glibc_version, Evidence.fact("target glibc %s (--target)" % t.glibc_version)
        libc = self.find_library("libc.so.6")
        defined = self.defined_versions(libc.path) if libc.path else None
        if defined:
            versions = [v for v in (L.glibc_need_version(d) for d in defined
                                    if d.startswith("GLIBC_2")) if v]
            if versions:
                top = ".".join(str(p) for p in max(versions))
                self.glibc_from_libc = _("libc.so.6 with symbol versions up to "
                                         "GLIBC_%(version)s") % {"version": top}

                return top, Evidence.fact(_("%(path)s defines symbol versions up to "
                                            "GLIBC_%(version)s (a release that adds no symbols "
                                            "adds no version)") % {"path": libc.path, "version": top})
        version, evidence = self.system.glibc
        if version is None:
            self.notes.append(_("the host's glibc version is unknown (libc.so.6 not found, no "
                                "`getconf GNU_LIBC_VERSION`, release not known): glibc needs "
                                "not compared"))
        return version, evidence

    @property
    def target_glibc_text(self):
        """The target's glibc for a title: "glibc 2.28", or what the host's libc.so.6
        defines (a release that adds no symbols, like 2.31, defines no GLIBC_2.31)."""
        version = self.target_glibc[0]
        return self.glibc_from_libc or ("glibc %s" % version if version else "an unknown glibc")

    @property
    def target_kernel(self):
        """(release string, evidence) of the target's kernel, or (None, None)."""
        return self._memo("kernel", self._kernel)

    def _kernel(self):
        t = self.target
        if t.kind == "el":
            from gotriage.knowledge.go_kernel import EL_KERNEL
            from gotriage.knowledge.releases import EL_GLIBC

            if t.release is not None and EL_GLIBC.get(t.el) != t.glibc_version:
                return None, None  # its own kernel (Amazon, Alibaba, openEuler): unknown
            kernel = EL_KERNEL.get(t.el)
            if kernel is None:
                return None, None
            return kernel, Evidence.fact("%s ships Linux %s" % (
                t.release.name if t.release else t.name, kernel))
        if t.kind in ("glibc", "musl"):
            return None, None
        text = self.io.read_text("kernel")
        if not text or not text.strip():
            return None, None
        return text.strip(), Evidence.file("/proc/sys/kernel/osrelease", text.strip())

    def qemu_handler(self, machine):
        """The enabled binfmt_misc handler that runs `machine` programs on the host, or None."""
        name = L.QEMU_BINFMT.get(machine)
        if name is None or self.target.kind != "host":
            return None
        # qemu-user-binfmt registers "qemu-aarch64"; some packagings add a suffix
        for entry in self.io.try_listdir("binfmt"):
            if entry == name or entry.startswith(name + "-"):
                text = self.io.read_text("binfmt-entry", name=entry)
                if text and text.splitlines()[0].strip() == "enabled":
                    return "/proc/sys/fs/binfmt_misc/" + entry
        return None

    def exists(self, path):
        return self.io.try_stat("path", path=path) is not None

    def path_state(self, path):
        """"present", "absent", or "unknown": a snapshot only knows the paths it recorded
        (`collect` does not run these checks), so a path it says nothing about is not
        taken for missing (HostError.unrecorded)."""
        try:
            self.io.stat("path", path=path)
            return "present"
        except HostError as err:
            self.host._note_denied(err)
            if err.unrecorded or (self.host.kind == "snapshot" and not err.missing):
                return "unknown"
            return "absent"

    # -- libraries on the host ----------------------------------------------------------------
    def _expand(self, entry):
        elf = self.elf
        if "$" not in entry:
            return entry
        origin = posixpath.dirname(self.io.realpath("program", path=self.path))
        lib = L.lib_dir_name(elf.bits)
        for token, value in (("${ORIGIN}", origin), ("$ORIGIN", origin), ("${LIB}", lib),
                             ("$LIB", lib), ("${PLATFORM}", elf.machine),
                             ("$PLATFORM", elf.machine)):
            entry = entry.replace(token, value)
        return entry

    def _usable(self, path):
        """None if `path` is a library the binary can load, else why not ("missing",
        "unrecorded" in a snapshot that does not know it, or what is wrong with it)."""
        st = self.io.try_stat("path", path=path)
        if st is None:
            return "missing" if self.path_state(path) == "absent" else "unrecorded"
        if not st.is_file:
            return "not a file"
        try:
            head = parse_header(self.io.read_range("elf-header", 0, 64, path=path))
        except (ElfError, HostError) as exc:
            return "not a readable ELF file (%s)" % (getattr(exc, "message", exc))
        if head.bits != self.elf.bits or head.e_machine != self.elf.e_machine:
            return "wrong ELF class or machine (%d-bit %s)" % (head.bits, head.machine)
        return None

    @property
    def libraries(self):
        """[LibraryLookup] for every DT_NEEDED entry, searched as the host's loader would
        (only for the host target); missing ones are looked up in the rpm database."""
        def compute():
            lookups = [self.find_library(name) for name in self.elf.needed]
            missing = [lk for lk in lookups if lk.state == "missing"]
            if missing:
                self._ask_rpm(missing)
            unknown = [lk.name for lk in lookups if lk.state == "unknown"]
            if unknown:
                self.notes.append(_("the snapshot does not record where %(libraries)s would be "
                                    "found: not checked") % {"libraries": ", ".join(unknown)})
            return lookups
        return self._memo("libraries", compute)

    def find_library(self, name):
        """A LibraryLookup: where the host's loader would find `name` for this binary."""
        key = "lib:" + name
        if key not in self._cache:
            self._cache[key] = self._search(name)
        return self._cache[key]

    def _search(self, name):
        elf = self.elf
        lk = LibraryLookup(name)
        if "/" in name:
            if self._usable(name) is None:
                lk.path, lk.via = name, "path"
            return lk
        rpath = [] if elf.runpath is not None else _split_path(elf.rpath)
        ld_path = _split_path(self.host.environ().get("LD_LIBRARY_PATH"))
        runpath = _split_path(elf.runpath)
        for via, dirs in (("DT_RPATH", rpath), ("LD_LIBRARY_PATH", ld_path),
                          ("DT_RUNPATH", runpath), ("ld.so.cache", None),
                          ("default", L.default_lib_dirs(elf.machine, elf.bits))):
            if dirs is None:
                candidates = self._ld_cache().get(name, ())
            else:
                candidates = []
                for d in dirs:
                    d = self._expand(d)
                    lk.searched.append(d)
                    candidates.append(posixpath.join(d, name))
            for candidate in candidates:
                why = self._usable(candidate)
                if why is None:
                    lk.path, lk.via = candidate, via
                    return lk
                if why == "unrecorded":
                    lk.unrecorded.append(candidate)
                elif why != "missing":
                    lk.skipped.append((candidate, why))
        return lk

    def _ld_cache(self):
        """{name: [path]} from the host's /etc/ld.so.cache, for this binary's machine, for
        the libraries the binary needs (and libc.so.6)."""
        return self._memo("ld.so.cache", self._read_ld_cache)

    def _read_ld_cache(self):
        names = [n for n in self.elf.needed if "/" not in n]
        if "libc.so.6" not in names:
            names.append("libc.so.6")
        try:
            data = self.io.read("ld-so-cache")
        except HostError as err:
            if not err.missing:
                self.notes.append(_("could not read /etc/ld.so.cache: %(error)s") % {
                    "error": err.message})
            return {}
        from gotriage.parsers.ldcache import lookup

        found = lookup(data, names)
        if found is None:
            self.notes.append(_("/etc/ld.so.cache is not in a format gotriage knows"))
            return {}
        want = L.LD_CACHE_FLAGS.get(self.elf.machine)
        out = {}
        for name, entries in found.items():
            out[name] = [path for flags, path in entries
                         if (flags & 0xFFFF) == want or (want is None and flags & 0xFF == 3)]
        return out

    def defined_versions(self, path):
        """The symbol versions the library at `path` defines (DT_VERDEF), or None when it
        cannot be read."""
        key = "verdef:" + path
        if key not in self._cache:
            def read(offset, length):
                return self.io.read_range("library-elf", offset, length, path=path)
            try:
                lib = parse_elf(CachedReader(read, 4096), None, count_symbols=False)
                self._cache[key] = set(lib.verdef)
            except (ElfError, HostError):
                self._cache[key] = None
        return self._cache[key]

    def _ask_rpm(self, missing):
        if self.target.kind != "host":
            return
        if not any(self.exists(db) for db in _RPM_DBS):
            self.notes.append(_("no rpm database on the host: the packages that provide "
                                "%(libraries)s were not looked up") % {
                                    "libraries": ", ".join(lk.name for lk in missing)})
            return
        for lk in missing:
            capability = self.capability(lk.name)
            result = self.io.run("whatprovides", capability=capability)
            lk.provider_result = result
            if result.ok:
                lk.providers = [line.strip() for line in result.text.splitlines() if line.strip()]
            elif result.error in ("not-found", "not-recorded", "timeout", "deadline"):
                # the verdict stands (the library is missing); only the package to install
                # for it is unknown
                self.notes.append({
                    "not-found": _("%(command)s could not run (no rpm command)"),
                    "not-recorded": _("%(command)s is not recorded in the snapshot"),
                    "timeout": _("%(command)s did not answer in %(seconds).0f s (the rpm "
                                 "database is locked?)"),
                    "deadline": _("%(command)s was not started: the run's deadline (--deadline) "
                                  "had passed"),
                }[result.error] % {"command": "`rpm -q --whatprovides %s`" % capability,
                                   "seconds": result.duration})

            else:
                lk.providers = []

    def capability(self, library):
        """The rpm capability that provides a library: 'libfoo.so.1()(64bit)' for 64-bit."""
        return library + ("()(64bit)" if self.elf.bits == 64 else "")

    def library_path_on_target(self, library):
        """Where the target keeps a library, for the loader's message."""
        if self.target.kind == "host" and self.elf is not None:
            lk = self.find_library(library)
            if lk.path:
                return lk.path
        bits = self.elf.bits if self.elf is not None else 64
        return ("/lib64/" if bits == 64 else "/lib/") + library


def _split_path(value):
    return [p for p in (value or "").split(":") if p]
