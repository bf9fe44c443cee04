"""The binary layer: will this Go binary run on the target, and what will the user see?

`check` does not run this layer on its own (it has no file to give it): `gotriage binary
FILE [--target ...]` runs these checks through binary.analyse_binary, on the facts of
facts/binary.py's BinaryFacts (the ELF read from its program headers, the Go build
information, and the target: this host, elN, or a glibc version).  The messages in `predicted_error` are what the kernel,
bash and glibc's loader print (knowledge/loader.py; reproduced in tests/test_binary.py
with real Go binaries, a real glibc 2.31 loader, and real exec failures).
"""

import posixpath

from gotriage.checks import NotExamined, check
from gotriage.findings import Action, Evidence, Finding
from gotriage.i18n import _
from gotriage.knowledge import loader as L
from gotriage.parsers.elf import GOARCH, symbols_needing
from gotriage.versions import version_tuple

LAYER = "binary"
MAX_SYMBOLS = 8


def _f(id, severity, title, **kw):
    return Finding(id, severity, title, layer=LAYER, **kw)


def _names(items, limit=MAX_SYMBOLS):
    items = list(items)
    text = ", ".join(items[:limit])
    if len(items) > limit:
        text += " (+%d more)" % (len(items) - limit)
    return text


def _setting(facts, key):
    return facts.buildinfo.setting(key) if facts.buildinfo is not None else None


def _output_name(facts):
    return posixpath.basename(facts.name) or "app"


def _is_go_toolchain(facts):
    """Go's own commands (cmd/go, cmd/gofmt...): built by Go's release process, not from a
    project with `go build`."""
    info = facts.buildinfo
    return info is not None and (info.path or "").startswith("cmd/")


def _rebuild(facts, env, extra=(), description=None):
    """The rebuild command, or for Go's own toolchain the release to install instead (a
    `go build -o go .` in some directory would not give a working toolchain)."""
    if _is_go_toolchain(facts):
        return Action.note(_("%(name)s is Go's own %(path)s: install the Go release built for "
                             "this machine (https://go.dev/dl/, or the distribution's golang "
                             "package) instead of rebuilding it") % {
                                 "name": facts.name, "path": facts.buildinfo.path})
    return Action.command(_go_build(facts, env, extra), description=description)


def _go_build(facts, env, extra=()):
    """`env VAR=... go build [-tags T] -o NAME .`: the rebuild command, keeping the
    original build tags."""
    argv = ["env"] + list(env) + ["go", "build"]
    tags = _setting(facts, "-tags")
    if tags:
        argv += ["-tags", tags]
    argv += list(extra) + ["-o", _output_name(facts), "."]
    return argv


def _glibc_needs(elf):
    """[(VersionNeed, version tuple)] of the glibc version needs, in file order."""
    out = []
    for need in elf.verneed:
        version = L.glibc_need_version(need.name)
        if version is not None:
            out.append((need, version))
    return out


def _max_glibc(elf):
    needs = _glibc_needs(elf)
    if not needs:
        return None
    best = max(v for _, v in needs)
    return best, [n for n, v in needs if v == best]


def _format_version(version):
    return ".".join(str(p) for p in version)


# ---------------------------------------------------------------------------------------
@check("BIN-ELF", LAYER, "the file is a complete ELF program", findings={
    "BIN-ELF-NOT-ELF": (
        "The file is not an ELF program: an archive, a script, an HTML page from a failed "
        "download, a macOS or Windows build, or an empty file.  The kernel refuses it "
        "(ENOEXEC) and bash then runs it as a shell script or prints `cannot execute "
        "binary file: Exec format error`.",
        "the first bytes of the file and what they are",
        "unpack the archive, or download or build the linux build of the program."),
    "BIN-ELF-TRUNCATED": (
        "The ELF file is cut short (an interrupted download or copy): its headers, or a "
        "segment the kernel maps, end past the end of the file.  A cut ELF header gives "
        "`Exec format error`; a cut segment crashes at start (`Segmentation fault` or "
        "`Bus error`).",
        "which header or segment ends where, and the file's size",
        "copy or download the file again and compare its checksum."),
    "BIN-ELF-NOT-PROGRAM": (
        "The ELF file is not a program: a relocatable object (.o), a core dump, or a shared "
        "library.",
        "the ELF type and whether it has a loader (PT_INTERP) or the DF_1_PIE flag",
        "run the program that was built from it, not the object or library."),
    "BIN-ELF-NOT-EXECUTABLE": (
        "The file has no execute permission: `bash: ./app: Permission denied`.",
        "the file's mode",
        "chmod +x FILE."),
})
def elf_file(facts):
    """Reads the ELF header and program headers (never the section headers, which may be
    stripped) and sums up what the binary is and needs."""
    if facts.error is not None:
        return [_not_elf(facts)]
    elf = facts.elf
    results = []
    if elf.truncated:
        return [_f(
            "BIN-ELF-TRUNCATED", "error", _("%(name)s is cut short: %(problem)s") % {
                "name": facts.name, "problem": elf.problems[0]},
            subject=facts.name,
            evidence=[Evidence.fact(p) for p in elf.problems]
            + [Evidence.fact("file size %d bytes" % facts.size)] + _summary_evidence(facts),
            why=_("The kernel maps the program's segments from the file; a segment that ends "
                  "past the end of the file faults as soon as it is touched."),
            predicted_error="Segmentation fault (core dumped)   (or: Bus error)",
            fix=[_copy_again(facts)])]
    if elf.type not in (2, 3) or elf.is_library:
        what = elf.type_name if elf.type not in (2, 3) else _(
            "shared library (no PT_INTERP, no DF_1_PIE)")
        results.append(_f(
            "BIN-ELF-NOT-PROGRAM", "error", _("%(name)s is an ELF %(type)s, not a program") % {
                "name": facts.name, "type": what},
            subject=facts.name,
            evidence=[Evidence.fact("e_type %d (%s)" % (elf.type, elf.type_name))],
            why=_("Only ELF executables (ET_EXEC, or ET_DYN with a loader or DF_1_PIE) start as "
                  "programs."),
            predicted_error=None if elf.type == 3 else L.exec_format_error(facts.prog),
            fix=[Action.note(_("run the program built from it instead"))]))
    if facts.live and facts.target.kind == "host" and facts.stat is not None \
            and not facts.stat.perms & 0o111:
        results.append(_f(
            "BIN-ELF-NOT-EXECUTABLE", "error", _("%(name)s is not executable (mode %(mode)04o)") % {
                "name": facts.name, "mode": facts.stat.perms}, subject=facts.name,
            evidence=[Evidence.fact("mode %04o: no x bit" % facts.stat.perms)],
            why=_("execve() needs an execute permission bit; downloads and copies often lose "
                  "it."),
            predicted_error="bash: %s: Permission denied" % facts.prog,
            fix=[Action.command(["chmod", "+x", facts.name])]))
    results.append(_f("BIN-ELF", "ok", _summary(facts), subject=facts.name,
                      evidence=_summary_evidence(facts)))
    return results


def _not_elf(facts):
    err = facts.error
    if err.kind == "truncated":
        return _f("BIN-ELF-TRUNCATED", "error", _("%(name)s is cut short: %(problem)s") % {
                      "name": facts.name, "problem": err.message},
                  subject=facts.name,
                  evidence=[Evidence.fact("%s; file size %d bytes" % (err.message, facts.size))],
                  why=_("The kernel cannot read the ELF header or the program headers."),
                  predicted_error=L.exec_format_error(facts.prog),
                  fix=[_copy_again(facts)])
    from gotriage.checks.binary_kinds import non_elf  # (here: a Go binary is an ELF file)

    what, runs = non_elf(facts.head)
    script = facts.head.startswith(b"#!")
    first = facts.head[:16]
    return _f(
        "BIN-ELF-NOT-ELF", "info" if script else "error",
        _("%(name)s is not an ELF program: %(what)s") % {"name": facts.name, "what": what},
        subject=facts.name,
        evidence=[Evidence.fact("%s; first bytes: %s" % (err.message, " ".join(
            "%02x" % b for b in first) or "(none)"))],
        why=_("Linux runs ELF programs; for anything else execve() fails with ENOEXEC and the "
              "shell decides what to do with the file.")
            + (_(" A script is run by its interpreter: examine the program it starts.")
               if script else ""),
        predicted_error=(runs % facts.prog) if runs and "%s" in runs else runs,
        fix=[] if script else [Action.note(
            _("get the linux build of the program (a release asset for linux, or `GOOS=linux go "
              "build`), and unpack it if it is an archive"))])


def _copy_again(facts):
    return Action.note(_("copy or download %(name)s again and compare its checksum (sha256sum) "
                         "with the original") % {"name": facts.name})


def _summary(facts):
    elf = facts.elf
    parts = ["ELF %d-bit %s %s" % (elf.bits, "LSB" if elf.little else "MSB", elf.machine)]
    if elf.pie:
        parts.append("static-pie" if elf.static_pie else "PIE")
    parts.append("static" if elf.static else "dynamic")
    if elf.interp:
        parts.append("loader " + elf.interp)
    if elf.needed:
        parts.append("needs " + ", ".join(elf.needed))
    top = _max_glibc(elf)
    if top is not None:
        parts.append("max %s" % top[1][0].name)
    bi = facts.buildinfo
    if bi is not None:
        go = bi.go_version
        if bi.path:
            go += " " + bi.path
        if bi.setting("CGO_ENABLED") is not None:
            go += " CGO_ENABLED=" + bi.setting("CGO_ENABLED")
        parts.append(go)
    return ", ".join(parts)


def _summary_evidence(facts):
    elf = facts.elf
    ev = [Evidence.fact("ELF header: class %d-bit, %s endian, type %s, machine %s (e_machine %d), "
                        "%d program headers%s" % (
                            elf.bits, elf.endian, elf.type_name, elf.machine, elf.e_machine,
                            len(elf.segments),
                            ", section headers stripped" if elf.sections_stripped else ""))]
    ev.append(Evidence.fact("PT_INTERP: %s" % (elf.interp or "none (no loader)")))
    if elf.needed:
        ev.append(Evidence.fact("DT_NEEDED: %s" % ", ".join(elf.needed)))
    if elf.rpath is not None:
        ev.append(Evidence.fact("DT_RPATH: %s" % elf.rpath))
    if elf.runpath is not None:
        ev.append(Evidence.fact("DT_RUNPATH: %s" % elf.runpath))
    if elf.nsyms is not None:
        ev.append(Evidence.fact("%d dynamic symbols (from %s)" % (elf.nsyms, elf.nsyms_from)))
    top = _max_glibc(elf)
    if top is not None:
        version, needs = top
        symbols = []
        for need in needs:
            symbols.extend(symbols_needing(elf, need))
        ev.append(Evidence.fact("highest glibc version needed: %s (%s)%s" % (
            needs[0].name, _format_version(version),
            " for " + _names(symbols) if symbols else "")))
    if elf.verneed:
        ev.append(Evidence.fact("version needs: %s" % "; ".join(
            "%s %s" % (n.library, n.name) for n in elf.verneed)))
    bi = facts.buildinfo
    if bi is not None:
        ev.append(Evidence.fact("Go build info (%s format, at 0x%x): %s%s" % (
            bi.layout, bi.vaddr, bi.go_version,
            ", module " + bi.main.describe() if bi.main else "")))
    return ev


# ---------------------------------------------------------------------------------------
@check("BIN-GO", LAYER, "the Go build information of the binary", findings={
    "BIN-GO-NOT-GO": (
        "No Go build information (the `\\xff Go buildinf:` blob) in the binary's data: it "
        "was not built by the Go toolchain, or was rewritten.  The other checks still run.",
        "the writable PT_LOAD segments that were searched",
        "nothing to fix; gotriage cannot tell the Go version, so the kernel check is skipped."),
})
def go_build_info(facts):
    """Finds the `.go.buildinfo` blob in the writable PT_LOAD segments (no section headers
    needed) and reads the Go version, the module and the build settings (CGO_ENABLED,
    -ldflags, -tags, GOARCH, GOAMD64, vcs...)."""
    if not facts.usable:
        return []
    bi = facts.buildinfo
    if bi is None:
        return [_f("BIN-GO-NOT-GO", "info",
                   _("%(name)s is not a Go binary (no Go build information)") % {
                       "name": facts.name}, subject=facts.name,
                   evidence=[Evidence.fact("no 16-byte aligned \"\\xff Go buildinf:\" in the "
                                           "writable PT_LOAD segments")],
                   why=_("Only the ELF and loader checks apply; the Go version (and so the "
                         "minimum kernel) is unknown."))]
    title = bi.go_version
    if bi.path:
        title += ", " + bi.path
    interesting = [(k, v) for k, v in bi.settings
                   if k in ("CGO_ENABLED", "GOARCH", "GOOS", "GOAMD64", "GOARM", "-tags",
                            "-trimpath", "vcs.revision", "vcs.modified")]
    if interesting:
        title += " (%s)" % ", ".join("%s=%s" % kv for kv in interesting)
    evidence = [Evidence.fact("go %s (%s format)" % (bi.go_version, bi.layout))]
    if bi.main is not None:
        evidence.append(Evidence.fact("main module %s" % bi.main.describe()))
    if bi.deps:
        evidence.append(Evidence.fact("%d dependencies" % len(bi.deps)))
    evidence += [Evidence.fact("build %s=%s" % kv) for kv in bi.settings]
    if bi.layout == "pointer":
        evidence.append(Evidence.fact("built before Go 1.18: no build settings recorded "
                                      "(CGO_ENABLED unknown)"))
    return [_f("BIN-GO", "ok", title, subject=facts.name, evidence=evidence)]


# ---------------------------------------------------------------------------------------
@check("BIN-ARCH", LAYER, "the binary is for the target's architecture and OS", findings={
    "BIN-ARCH-WRONG": (
        "The binary is for another architecture (e.g. arm64 on x86_64) or another OS "
        "(GOOS): execve() fails with ENOEXEC, `bash: ./app: cannot execute binary file: "
        "Exec format error` (EL7's bash 4.2 omits \": Exec format error\").  With qemu-user "
        "registered in binfmt_misc it runs under emulation instead (info).",
        "the ELF machine (and GOOS/GOARCH from the build info) and the target's `uname -m`",
        "rebuild for the target: `CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build` (cgo "
        "cross builds need a cross C compiler), or download the build for that "
        "architecture."),
})
def architecture(facts):
    """Compares the ELF machine (and the GOOS build setting) with the target's
    architecture; a live host's binfmt_misc qemu handlers count as able to run it."""
    if not facts.usable:
        return []
    elf = facts.elf
    goos = _setting(facts, "GOOS")
    if goos and goos not in ("linux", "android"):
        return [_f("BIN-ARCH-WRONG", "error", _("%(name)s is built for GOOS=%(goos)s, not linux")
                   % {"name": facts.name, "goos": goos}, subject="goos",
            evidence=[Evidence.fact("build GOOS=%s" % goos)],
            why=_("A program for another OS makes system calls Linux does not have (and a "
                  "dynamic one names a loader Linux does not have: see BIN-INTERP)."),
            fix=[_rebuild(facts, ["GOOS=linux", "GOARCH=" + GOARCH.get(
                elf.machine, "amd64")]), Action.note(_("or download the linux build"))])]
    machine, evidence = facts.target_machine
    if machine is None:
        return []
    native = L.RUNS_NATIVELY.get(machine, (machine,))
    if elf.machine in native:
        return [_f("BIN-ARCH", "ok", _("%(machine)s binary on a %(target)s target") % {
                    "machine": elf.machine, "target": machine},
                   subject=facts.name, evidence=[evidence])]
    qemu = facts.qemu_handler(elf.machine)
    ev = [Evidence.fact("ELF e_machine %d: %s (%d-bit %s endian)" % (
        elf.e_machine, elf.machine, elf.bits, elf.endian)), evidence]
    if qemu:
        return [_f("BIN-ARCH-WRONG", "info", _("%(machine)s binary runs on this %(target)s host "
                                               "only under qemu emulation (binfmt_misc)") % {
                       "machine": elf.machine, "target": machine}, subject=facts.name,
                   evidence=ev + [Evidence.file(qemu, "enabled")],
                   why=_("binfmt_misc hands it to qemu-user: it runs, many times slower, and "
                         "fails elsewhere."),
                   fix=[_rebuild(facts, ["CGO_ENABLED=0", "GOOS=linux",
                                                         "GOARCH=" + GOARCH.get(machine, machine)],
                                       description=_("a native build"))])]
    goarch = GOARCH.get(machine, machine)
    return [_f(
        "BIN-ARCH-WRONG", "error", _("%(name)s is built for %(machine)s; the target is "
                                     "%(target)s") % {
            "name": facts.name, "machine": elf.machine, "target": machine},
        subject=facts.name, evidence=ev,
        why=_("The kernel only runs programs for its own architecture (x86_64 also runs i386); "
              "execve() fails with ENOEXEC (Exec format error)."),
        predicted_error=L.exec_format_error(facts.prog, el7=facts.target_el == 7),
        fix=[_rebuild(facts, ["CGO_ENABLED=0", "GOOS=linux", "GOARCH=" + goarch],
                            description=_("cross-compile for %(machine)s (a cgo build also "
                                          "needs a C cross compiler in CC)") % {
                                              "machine": machine}),
             Action.note(_("or download the linux-%(arch)s build of the program") % {
                 "arch": goarch})])]


# ---------------------------------------------------------------------------------------
@check("BIN-INTERP", LAYER, "the ELF interpreter (dynamic loader) exists on the target", findings={
    "BIN-INTERP-MISSING": (
        "The binary's PT_INTERP loader is not on the target (typically a musl build, "
        "/lib/ld-musl-x86_64.so.1, or a 32-bit binary without glibc.i686).  execve() fails "
        "with ENOENT although the file exists: EL's bash prints `bad ELF interpreter: No "
        "such file or directory`, bash 5.2 `cannot execute: required file not found`, "
        "older shells `No such file or directory`.",
        "PT_INTERP and the target (a failed stat on the host, or the loaders elN ships)",
        "rebuild with CGO_ENABLED=0 (no loader at all), or link statically (`-ldflags "
        "'-linkmode external -extldflags -static'`), or install the loader's package "
        "(glibc.i686; a musl runtime)."),
})
def interpreter(facts):
    """Checks that PT_INTERP exists: with stat on the host, or against the loaders a stock
    elN install has."""
    elf = facts.elf
    if not facts.usable or facts.target.kind == "glibc" and not elf.interp:
        return []
    if not elf.interp:
        return [_f("BIN-INTERP", "ok", _("static-pie: no loader needed") if elf.static_pie
                   else _("statically linked: no loader needed"), subject=facts.name)]
    interp = elf.interp
    t = facts.target
    if t.kind == "host":
        state = facts.path_state(interp)
        if state == "present":
            return [_f("BIN-INTERP", "ok", _("loader %(loader)s is present") % {
                "loader": interp}, subject=interp,
                       evidence=[Evidence.fact("PT_INTERP %s exists on the host" % interp)])]
        if state == "unknown":
            raise NotExamined(_("the snapshot does not record the loader %(loader)s: not "
                                "checked") % {"loader": interp})
        evidence = [Evidence.fact("PT_INTERP %s: no such file on the host" % interp)]
        where = _("this host")
    else:
        machine = facts.target_machine[0] or elf.machine
        if t.kind in ("el", "musl"):
            shipped = t.loaders(machine)
        else:
            shipped = tuple(L.GLIBC_LOADERS.values())
        if interp in shipped:
            return [_f("BIN-INTERP", "ok", _("loader %(loader)s is part of %(target)s") % {
                "loader": interp, "target": t.label},
                       subject=interp)]
        evidence = [Evidence.fact("PT_INTERP %s; %s has %s" % (
            interp, t.label, ", ".join(shipped) or "no known loader"))]
        where = t.label
        if interp == L.GLIBC_LOADERS.get("i386") and machine == "x86_64" and t.kind == "el":
            return [_f("BIN-INTERP-MISSING", "warn",
                       _("%(name)s needs %(loader)s, which %(target)s has only with glibc.i686 "
                         "installed") % {"name": facts.name, "loader": interp,
                                         "target": t.label},
                       subject=interp, evidence=evidence,
                       why=_("32-bit programs need the 32-bit glibc, not installed by default."),
                       predicted_error="\n".join(L.missing_interpreter(facts.prog, interp)),
                       fix=[Action.command([facts.package_manager, "install", "-y", "glibc.i686"]),
                            _rebuild(facts, ["CGO_ENABLED=0", "GOARCH=amd64"],
                                           description=_("or a 64-bit pure-Go build"))])]
    musl = t.kind == "musl"
    return [_f("BIN-INTERP-MISSING", "error",
               _("%(name)s needs the loader %(loader)s, which %(target)s does not have") % {
                   "name": facts.name, "loader": interp, "target": where},
               subject=interp, evidence=evidence,
        why=_("The kernel starts a dynamic program through its PT_INTERP loader; when that "
              "file is missing, execve() fails with ENOENT, which shells report as if the "
              "program itself were missing.") + (
                _(" A musl system (Alpine) has no glibc and no glibc loader: a program linked "
                  "against glibc (cgo) cannot start there.") if musl else ""),

        predicted_error="\n".join(L.musl_missing_interpreter(facts.prog) if musl else
                                  L.missing_interpreter(facts.prog, interp,
                                                        el_first=facts.target_el is not None)),
        fix=_musl_fix(facts, interp) if musl else _interp_fix(facts, interp))]


def _musl_fix(facts, interp):
    """How a glibc-linked program runs on a musl system (Alpine)."""
    fix = []
    if _setting(facts, "CGO_ENABLED") != "0":
        fix.append(_rebuild(facts, ["CGO_ENABLED=0"],
                            description=_("a pure-Go build needs no C library at all (if the "
                                          "program does not need cgo)")))
    fix.append(Action.note(_("or build it on the musl system (golang:alpine, with gcc and "
                             "musl-dev for cgo), so that it links against musl")))
    fix.append(Action.note(_("or base the image on a glibc distribution instead of Alpine")))
    fix.append(Action("note", description=_("or `apk add gcompat` (Alpine's glibc "
                                            "compatibility layer, which provides %(loader)s): "
                                            "it runs simple glibc programs, not every one") % {
                                                "loader": interp},
                      safe=False))
    return fix


def _interp_fix(facts, interp):
    elf = facts.elf
    fix = []
    if interp.startswith(L.MUSL_LOADER_PREFIX) or interp not in L.GLIBC_LOADERS.values():
        if _setting(facts, "CGO_ENABLED") == "0":
            # pure Go already (a CGO_ENABLED=0 fix would change nothing): what asked for a
            # loader is how it was linked
            flags = ["%s %s" % (k, _setting(facts, k)) for k in ("-ldflags", "-buildmode")
                     if _setting(facts, k)]
            fix.append(Action.note(_("it is a pure-Go build already (CGO_ENABLED=0): rebuild "
                                     "it without %(flags)s, which gave it a loader") % {
                                         "flags": " and ".join(flags) or _("the linker flags")}))
        else:
            fix.append(_rebuild(facts, ["CGO_ENABLED=0"],
                                description=_("a pure-Go build needs no loader (if the program "
                                              "does not need cgo)")))
            fix.append(_rebuild(facts, ["CGO_ENABLED=1"], [
                "-ldflags", "-linkmode external -extldflags -static"],
                description=_("or link the C parts statically (with the C library of the "
                              "build host)")))
        if interp.startswith(L.MUSL_LOADER_PREFIX):
            fix.append(Action.note(_("or install a musl runtime that provides %(loader)s on the "
                                     "target (e.g. EPEL's musl-libc)") % {"loader": interp}))
        else:
            native = L.GLIBC_LOADERS.get(elf.machine)
            if native:
                fix.append(Action.note(_("or start it through the system loader: %(command)s")
                                       % {"command": "%s %s" % (native, facts.prog)}))
    else:
        machine = [m for m, p in L.GLIBC_LOADERS.items() if p == interp][0]
        package = L.LOADER_PACKAGE.get(machine, "glibc")
        fix.append(Action.command([facts.package_manager, "install", "-y", package]))
    return fix


# ---------------------------------------------------------------------------------------
@check("BIN-LIBS", LAYER, "the shared libraries (DT_NEEDED) are found", findings={
    "BIN-LIBS-TOO-OLD": (
        "A library is found but does not define a symbol version the binary needs (e.g. "
        "LIBSYSTEMD_246 from an older libsystemd.so.0): `./app: /lib64/libsystemd.so.0: "
        "version `LIBSYSTEMD_246' not found (required by ./app)`.  (glibc's own versions are "
        "BIN-GLIBC-TOO-OLD.)",
        "the library the loader finds, the versions it defines and the symbols that need the "
        "missing one",
        "update the library's package, or build the program against the older library."),
    "BIN-LIBS-MISSING": (
        "The loader cannot find a DT_NEEDED library in DT_RPATH, LD_LIBRARY_PATH, "
        "DT_RUNPATH, /etc/ld.so.cache or the default directories: `./app: error while "
        "loading shared libraries: libfoo.so.1: cannot open shared object file: No such "
        "file or directory` (exit 127).",
        "the library, every directory searched, and the package that provides it when the "
        "host's rpm knows one",
        "install the package that provides it (`dnf provides 'libfoo.so.1()(64bit)'`), or "
        "add its directory to /etc/ld.so.conf.d and run ldconfig, or rebuild with "
        "CGO_ENABLED=0."),
})
def libraries(facts):
    """Searches each DT_NEEDED library as glibc's loader does (DT_RPATH, LD_LIBRARY_PATH,
    DT_RUNPATH with $ORIGIN, /etc/ld.so.cache for the binary's machine, /lib64 and
    /usr/lib64 or the multiarch directories), skipping files of the wrong class; asks
    `rpm -q --whatprovides` about a missing one when the host has an rpm database."""
    elf = facts.elf
    if not facts.usable or not elf.needed:
        return []
    if facts.target.kind != "host":
        others = [n for n in elf.needed if n not in L.GLIBC_LIBRARIES and not (
            facts.target.kind == "musl" and n.startswith("libc.musl-"))]
        if not others:
            return [_f("BIN-LIBS", "ok", _("needs only glibc's libraries (%(libraries)s)") % {
                "libraries": ", ".join(elf.needed)},
                       subject=facts.name)]
        return [_f("BIN-LIBS", "ok", _("needs %(libraries)s besides glibc: not checked for "
                                       "%(target)s (they must be installed there)") % {
                       "libraries": ", ".join(others), "target": facts.target.label},
                   subject=facts.name,
                   evidence=[Evidence.fact("DT_NEEDED: %s" % ", ".join(elf.needed))])]
    results = []
    found = []
    for lk in facts.libraries:
        if lk.path is not None:
            found.append("%s (%s, via %s)" % (lk.name, lk.path, lk.via))
            results.extend(_library_versions(facts, lk))
        elif lk.state == "missing":
            results.append(_missing_library(facts, lk))
    if found:
        results.append(_f("BIN-LIBS", "ok", _("libraries found: %(libraries)s") % {
            "libraries": ", ".join(lk.name for lk in facts.libraries if lk.path)},
            subject=facts.name,
            evidence=[Evidence.fact(text) for text in found]))
    return results


def _library_versions(facts, lk):
    """BIN-LIBS-TOO-OLD for the version needs of a found non-glibc library that it does
    not define."""
    needs = [n for n in facts.elf.verneed if n.library == lk.name and not n.weak
             and not n.name.startswith("GLIBC_")]
    if not needs:
        return []
    defined = facts.defined_versions(lk.path)
    if defined is None:
        return []
    absent = [n for n in needs if n.name not in defined]
    if not absent:
        return []
    ev = [Evidence.fact("%s (via %s) defines %s" % (lk.path, lk.via, _names(sorted(defined), 12)))]
    for need in absent:
        ev.append(Evidence.fact("needs %s for %s" % (need.name, _names(
            symbols_needing(facts.elf, need)) or "(no symbol)")))
    return [_f(
        "BIN-LIBS-TOO-OLD", "error",
        _("%(name)s needs %(versions)s from %(library)s, which %(path)s does not define") % {
            "name": facts.name, "versions": ", ".join(n.name for n in absent),
            "library": lk.name, "path": lk.path},
        subject=lk.name, evidence=ev,
        why=_("The loader checks every version a binary needs from each library; this one "
              "was built against a newer %(library)s.") % {"library": lk.name},
        predicted_error="\n".join(L.loader_missing_version(facts.prog, lk.path, n.name)
                                  for n in absent),
        fix=[Action.command([facts.package_manager, "update", facts.capability(lk.name)],
                            description=_("a newer %(library)s, if the release has one") % {
                                "library": lk.name}),
             Action.note(_("or build the program on a host with this %(library)s") % {
                 "library": lk.name})])]


def _missing_library(facts, lk):
    evidence = [Evidence.fact("DT_NEEDED %s" % lk.name),
                Evidence.fact("searched: %s, and /etc/ld.so.cache" % ", ".join(lk.searched))]
    evidence += [Evidence.fact("skipped %s: %s" % pair) for pair in lk.skipped]
    if lk.provider_result is not None:
        evidence.append(Evidence.command(lk.provider_result))
    capability = facts.capability(lk.name)
    pm = facts.package_manager
    fix = []
    if lk.providers:
        fix.append(Action.note(_("the installed package %(package)s provides %(library)s, but "
                                 "not where the loader looks: find it with %(command)s, add its "
                                 "directory to a file in /etc/ld.so.conf.d/ and run "
                                 "ldconfig") % {
                                     "package": lk.providers[0], "library": lk.name,
                                     "command": "`rpm -ql %s`" % lk.providers[0].split()[0]}))
    else:
        fix.append(Action.command([pm, "provides", capability],
                                  description=_("which package has it; then %(command)s that "
                                                "package") % {
                                                    "command": "`%s install -y`" % pm}))
    if lk.name in L.GLIBC_LIBRARIES:
        fix.append(Action.note(_("%(library)s is part of glibc: the binary expects another "
                                 "glibc layout (a different distribution or architecture)") % {
                                     "library": lk.name}))
    elif _setting(facts, "CGO_ENABLED") == "1":
        fix.append(_rebuild(facts, ["CGO_ENABLED=0"],
                                  description=_("or, if the program can do without the C "
                                                "library that needs it, a pure-Go build")))
    return _f(
        "BIN-LIBS-MISSING", "error", _("%(name)s needs %(library)s, which the loader does not "
                                       "find%(installed)s") % {
            "name": facts.name, "library": lk.name,
            "installed": _(" (installed package %(package)s has it)") % {
                "package": lk.providers[0]} if lk.providers else ""},
        subject=lk.name, evidence=evidence,
        why=_("glibc's loader opens every DT_NEEDED library before main() runs; one missing "
              "library stops the program with exit status 127."),
        predicted_error=L.loader_missing_library(facts.prog, lk.name), fix=fix)


# ---------------------------------------------------------------------------------------
@check("BIN-GLIBC", LAYER, "the target's glibc is new enough for the binary", findings={
    "BIN-GLIBC-TOO-OLD": (
        "The binary needs glibc symbol versions newer than the target's glibc (e.g. "
        "GLIBC_2.34 on EL8's 2.28; GLIBC_ABI_DT_RELR means 2.36; GLIBC_PRIVATE is not "
        "compared): the loader prints one line per missing version, `./app: "
        "/lib64/libc.so.6: version `GLIBC_2.34' not found (required by ./app)`, and exits "
        "with status 1.",
        "each missing version with the symbols that need it (from the version needs and "
        "the versym array), and the target's glibc (getconf GNU_LIBC_VERSION, or the "
        "release's)",
        "rebuild with CGO_ENABLED=0 (no glibc needed at all), or build on the oldest release "
        "you deploy to (a container or VM of it), or ship a newer glibc with the program and "
        "start it through that glibc's loader."),
})
def glibc(facts):
    """Compares the highest GLIBC_x.y version need (glibc's libraries only) with the
    target's glibc, and names the symbols that need each missing version."""
    elf = facts.elf
    if not facts.usable:
        return []
    needs = _glibc_needs(elf)
    if not needs:
        if elf.static:
            return [_f("BIN-GLIBC", "ok", _("statically linked: needs no glibc"),
                       subject=facts.name)]
        if elf.needed:
            return [_f("BIN-GLIBC", "ok", _("needs no versioned glibc symbols"),
                       subject=facts.name)]
        return []
    version, evidence = facts.target_glibc
    top, top_needs = _max_glibc(elf)
    missing = _missing_on_host(facts, needs) if facts.target.kind == "host" else None
    if missing is None:
        target = _version(version)
        if target is None:
            return []
        missing = [(n, v) for n, v in needs if v > target and not n.weak]
    if not missing:
        return [_f("BIN-GLIBC", "ok", _("needs glibc %(version)s (%(symbol)s); %(target)s has "
                                        "%(glibc)s") % {
            "version": _format_version(top), "symbol": top_needs[0].name,
            "target": facts.target.short, "glibc": facts.target_glibc_text},
            subject=facts.name, evidence=[evidence] if evidence else [])]
    ev = [evidence] if evidence else []
    lines = []
    seen_versions = []
    for need, _v in missing:
        symbols = symbols_needing(elf, need)
        ev.append(Evidence.fact(_("needs %(version)s (%(library)s) for %(symbols)s") % {
            "version": need.name, "library": need.library,
            "symbols": _names(symbols) or _("(no symbol: a loader requirement)")}))
        lines.append(L.loader_missing_version(facts.prog, facts.library_path_on_target(
            need.library), need.name))
        if need.name not in seen_versions:
            seen_versions.append(need.name)
    oldest = facts.target.short if facts.target.kind == "el" else (
        "el%d" % facts.target_el) if facts.target_el else _("a release with glibc %(version)s") % {
            "version": version}
    fix = []
    if facts.buildinfo is not None and _setting(facts, "CGO_ENABLED") != "0":
        fix.append(_rebuild(facts, ["CGO_ENABLED=0"],
                                  description=_("a pure-Go build needs no glibc at all (if the "
                                                "program does not need cgo: net and os/user "
                                                "fall back to pure Go)")))
    fix.append(Action.note(_("or build it on the oldest release you deploy to (%(oldest)s), "
                             "e.g. in a container or VM of that release: glibc symbol versions "
                             "only ever move forward") % {"oldest": oldest}))
    fix.append(Action("note", description=_("or ship a glibc %(version)s or newer with the "
                                            "program and start it through that glibc's own "
                                            "loader (%(command)s)") % {
                                                "version": _format_version(top),
                                                "command": "ld-linux-*.so.2 --library-path DIR "
                                                           "%s" % facts.prog}, safe=False))
    return [_f(
        "BIN-GLIBC-TOO-OLD", "error", _("%(name)s needs %(versions)s; %(target)s has %(glibc)s")
        % {"name": facts.name, "versions": ", ".join(seen_versions),
           "target": facts.target.short, "glibc": facts.target_glibc_text},
        subject=facts.name, evidence=ev,
        why=_("glibc's loader checks every symbol version the binary was linked against before "
              "main() runs; a binary linked on a newer glibc (cgo, or any C program) asks for "
              "versions an older glibc does not have."),
        predicted_error="\n".join(lines), fix=fix)]


def _missing_on_host(facts, needs):
    """The version needs that the libraries the host's loader would load do not define
    (exactly what the loader checks), or None when a library's definitions cannot be
    read (then the glibc version decides)."""
    missing = []
    for need, v in needs:
        lk = facts.find_library(need.library)
        if lk.state == "unknown":
            return None
        if lk.path is None:
            continue  # BIN-LIBS-MISSING says so; the loader stops there
        defined = facts.defined_versions(lk.path)
        if defined is None:
            return None
        if need.name not in defined and not need.weak:
            missing.append((need, v))
    return missing


def _version(text):
    return version_tuple(text) if text else None


# ---------------------------------------------------------------------------------------
@check("BIN-KERNEL", LAYER, "the target's kernel is new enough for the binary's Go release", findings={
    "BIN-KERNEL-TOO-OLD": (
        "The binary's Go release needs a newer Linux kernel than the target runs (Go 1.0-1.23: "
        "2.6.32; Go 1.24 and later: 3.2; knowledge/go_kernel.py).  Below 2.6.32 the runtime "
        "dies at start (`runtime: epollcreate failed with 38`); between 2.6.32 and 3.2 a "
        "Go >= 1.24 binary is unsupported and fails in ways Go does not test.",
        "the Go version from the build information and the target's kernel release",
        "build with Go 1.23 or older for a 2.6.32 kernel (EL6); below 2.6.32 (EL5's 2.6.18) "
        "no Go release runs: move the program to a newer kernel (EL6+, EL7+ for Go 1.24+)."),
})
def kernel(facts):
    """Compares the minimum kernel of the binary's Go release with the target's kernel."""
    if not facts.usable or facts.buildinfo is None:
        return []
    from gotriage.knowledge.go_kernel import (
        EPOLL_ENOSYS,
        format_kernel,
        kernel_fixes,
        min_kernel,
        parse_kernel,
    )

    go = facts.buildinfo.go_version
    need = min_kernel(go)
    release, evidence = facts.target_kernel
    have = parse_kernel(release)
    if need is None or have is None:
        return []
    if have >= need:
        return [_f("BIN-KERNEL", "ok", _("%(go)s needs Linux %(need)s; %(target)s runs "
                                         "%(kernel)s") % {
            "go": go, "need": format_kernel(need), "target": facts.target.short,
            "kernel": release}, subject=facts.name,
            evidence=[evidence])]
    return [_f(
        "BIN-KERNEL-TOO-OLD", "error", _("%(go)s needs Linux %(need)s or later; %(target)s "
                                         "runs %(kernel)s") % {
            "go": go, "need": format_kernel(need), "target": facts.target.short,
            "kernel": release}, subject=facts.name,
        evidence=[Evidence.fact(_("built by %(go)s (Go build information)") % {"go": go}), evidence],
        why=_("The Go runtime uses system calls its release notes require; older kernels "
              "return ENOSYS (38)."),

        predicted_error=EPOLL_ENOSYS if have < (2, 6, 32) else None,
        fix=[Action.note(text) for text in kernel_fixes(have)])]
