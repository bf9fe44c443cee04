"""parsers/elf.py and parsers/gobuildinfo.py against real binaries, cross-checked with
pyelftools, binutils' readelf and `go version -m` on every one of them (including the
copies whose section headers were removed: there the tools see less, and what they can
see must agree), plus hand-made inputs for what real toolchains do not produce."""

import os
import re
import shutil
import struct
import subprocess

import pytest

from binary_support import MUSL_LOADER, built_binaries
from conftest import need
from gotriage.parsers import gobuildinfo
from gotriage.parsers.elf import (
    CachedReader,
    ElfError,
    parse_elf,
    parse_header,
    symbols_needing,
)
from gotriage.parsers.ldcache import lookup

NAMES = ["static", "cgo", "arm64", "musl", "nosections", "nosections_static", "go119",
         "go127", "go127pie", "go117", "notgo"]
STRIPPED = {"nosections": "cgo", "nosections_static": "static"}


@pytest.fixture(scope="session")
def binaries(toolchains, tmp_path_factory):
    return built_binaries(toolchains, tmp_path_factory)


def file_reader(path):
    def read(offset, length):
        with open(path, "rb") as f:
            f.seek(offset)
            return f.read(length)
    return read


def parse(path):
    reader = CachedReader(file_reader(path))
    elf = parse_elf(reader, os.path.getsize(path))
    return elf, reader


def bytes_reader(data):
    return lambda offset, length: data[offset:offset + length]


# -- pyelftools ------------------------------------------------------------------------------
def pyelf(path):
    """What pyelftools reads: header, interpreter, dynamic tags, symbol versions."""
    from elftools.elf.dynamic import DynamicSegment
    from elftools.elf.elffile import ELFFile

    out = {"needed": [], "rpath": None, "runpath": None, "flags_1": 0, "interp": None,
           "verneed": None, "symbols": None, "nsyms": None}
    with open(path, "rb") as f:
        ef = ELFFile(f)
        out["bits"] = ef.elfclass
        out["little"] = ef.little_endian
        out["e_machine"] = ef["e_machine"]
        out["e_type"] = ef["e_type"]
        out["sections"] = ef.num_sections()
        for seg in ef.iter_segments():
            if seg["p_type"] == "PT_INTERP":
                out["interp"] = seg.get_interp_name()
            if isinstance(seg, DynamicSegment):
                for tag in seg.iter_tags():
                    kind = tag.entry.d_tag
                    if kind == "DT_NEEDED":
                        out["needed"].append(tag.needed)
                    elif kind == "DT_RPATH":
                        out["rpath"] = tag.rpath
                    elif kind == "DT_RUNPATH":
                        out["runpath"] = tag.runpath
                    elif kind == "DT_FLAGS_1":
                        out["flags_1"] = tag["d_val"]
                try:
                    out["nsyms"] = seg.num_symbols()
                    out["dynsym_names"] = [seg.get_symbol(i).name for i in range(out["nsyms"])]
                except Exception:  # no DT_SYMTAB (a static binary)
                    out["nsyms"] = None
        verneed = ef.get_section_by_name(".gnu.version_r")
        # (Go's internal linker leaves an empty PROGBITS .gnu.version_r in a PIE)
        if verneed is not None and hasattr(verneed, "iter_versions"):
            out["verneed"] = [(vn.name, aux.name, aux["vna_other"])
                              for vn, auxes in verneed.iter_versions() for aux in auxes]
            versym = ef.get_section_by_name(".gnu.version")
            dynsym = ef.get_section_by_name(".dynsym")
            by_index = {}
            for i, sym in enumerate(dynsym.iter_symbols()):
                ndx = versym.get_symbol(i)["ndx"]
                if isinstance(ndx, int):
                    by_index.setdefault(ndx & 0x7FFF, []).append(sym.name)
            out["symbols"] = by_index
    return out


EM = {"EM_X86_64": "x86_64", "EM_AARCH64": "aarch64"}


@pytest.mark.parametrize("name", NAMES)
def test_matches_pyelftools(binaries, name):
    b = binaries[name]
    elf, reader = parse(b.path)
    ref = pyelf(b.path)
    assert elf.bits == ref["bits"]
    assert elf.little == ref["little"]
    assert elf.machine == EM[ref["e_machine"]]
    assert {2: "ET_EXEC", 3: "ET_DYN"}[elf.type] == ref["e_type"]
    assert elf.interp == ref["interp"]
    assert elf.needed == ref["needed"]
    assert (elf.rpath, elf.runpath) == (ref["rpath"], ref["runpath"])
    assert elf.flags_1 == ref["flags_1"]
    assert elf.sections_stripped == (ref["sections"] == 0)
    if elf.verneed:
        # pyelftools counts the symbols from DT_HASH/DT_GNU_HASH too (num_symbols)
        assert elf.nsyms == ref["nsyms"]
        for need in elf.verneed:
            names = symbols_needing(elf, need)
            # the index -> name mapping, read independently through the dynamic segment
            assert all(n in ref["dynsym_names"] for n in names)
    if ref["verneed"] is not None:
        assert [(v.library, v.name, v.index) for v in elf.verneed] == ref["verneed"]
        for need in elf.verneed:
            assert sorted(symbols_needing(elf, need)) == sorted(ref["symbols"].get(need.index, []))
    if name in STRIPPED:
        original, _ = parse(binaries[STRIPPED[name]].path)
        assert ref["verneed"] is None  # pyelftools needs the sections for versions
        assert [(v.library, v.name, v.index) for v in elf.verneed] == \
            [(v.library, v.name, v.index) for v in original.verneed]
        for mine, theirs in zip(elf.verneed, original.verneed):
            assert symbols_needing(elf, mine) == symbols_needing(original, theirs)


# -- readelf ---------------------------------------------------------------------------------
def readelf(path, *flags):
    need(shutil.which("readelf") is not None, "readelf (binutils)")
    proc = subprocess.run(["readelf", "-W"] + list(flags) + [path], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT)
    return proc.stdout.decode("utf-8", "replace")


READELF_MACHINE = {"Advanced Micro Devices X86-64": "x86_64", "AArch64": "aarch64"}


@pytest.mark.parametrize("name", NAMES)
def test_matches_readelf(binaries, name):
    b = binaries[name]
    elf, reader = parse(b.path)
    header = readelf(b.path, "-h")
    assert re.search(r"Class:\s+ELF%d" % elf.bits, header)
    assert ("little endian" if elf.little else "big endian") in header
    machine = re.search(r"Machine:\s+(.*)", header).group(1).strip()
    assert READELF_MACHINE[machine] == elf.machine
    kind = re.search(r"Type:\s+(\w+)", header).group(1)
    assert kind == {2: "EXEC", 3: "DYN"}[elf.type]
    if elf.pie:
        assert "Position-Independent Executable" in header
    program = readelf(b.path, "-l")
    interp = re.search(r"\[Requesting program interpreter: (.*)\]", program)
    assert (interp.group(1) if interp else None) == elf.interp
    loads = re.findall(r"^\s+LOAD\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+0x[0-9a-f]+\s+(0x[0-9a-f]+)",
                       program, re.M)
    assert [(int(o, 16), int(v, 16), int(s, 16)) for o, v, s in loads] == [
        (s.offset, s.vaddr, s.filesz) for s in elf.load_segments()]
    dynamic = readelf(b.path, "-d")  # from PT_DYNAMIC when there are no sections
    assert re.findall(r"\(NEEDED\)\s+Shared library: \[(.*)\]", dynamic) == elf.needed
    versions = readelf(b.path, "-V")
    listed = re.findall(r"Name: (\S+)\s+Flags: \S+\s+Version: (\d+)", versions)
    if elf.sections_stripped:
        assert listed == []  # readelf -V reads sections only: nothing to compare
        return
    assert listed == [(v.name, str(v.index)) for v in elf.verneed]
    # every symbol readelf shows as name@VERSION (a needed version: one @)
    syms = readelf(b.path, "--dyn-syms")
    by_version = {}
    for sym, version in re.findall(r"\s([^\s@]+)@([^\s@(]+)(?: \(\d+\))?$", syms, re.M):
        by_version.setdefault(version, []).append(sym)
    for version_need in elf.verneed:
        assert sorted(symbols_needing(elf, version_need)) == \
            sorted(by_version.get(version_need.name, []))


# -- go version -m ---------------------------------------------------------------------------
def go_version_m(go, path):
    proc = subprocess.run([go, "version", "-m", path], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, env=dict(os.environ, GOTOOLCHAIN="local"))
    text = proc.stdout.decode("utf-8", "replace")
    if proc.returncode != 0 or "not a Go executable" in text:
        return None
    lines = text.splitlines()
    version = lines[0].split(": ", 1)[1].strip()
    return version, [line[1:].rstrip() for line in lines[1:] if line.startswith("\t")]


@pytest.mark.parametrize("name", NAMES)
def test_buildinfo_matches_go_version(binaries, toolchains, name):
    b = binaries[name]
    elf, reader = parse(b.path)
    info = gobuildinfo.read_buildinfo(elf, reader)
    source = binaries[STRIPPED[name]].path if name in STRIPPED else b.path
    reference = go_version_m(toolchains["1.27"].go, source)
    if b.go is None:
        assert info is None and reference is None
        return
    assert info is not None and reference is not None
    version, lines = reference
    assert info.go_version == version == b.go
    assert [line.rstrip() for line in info.modinfo.splitlines()] == lines
    assert info.path == b.module
    assert info.layout == ("pointer" if name == "go117" else "inline")
    for key, value in b.settings.items():
        assert info.setting(key) == value, (key, info.settings)
    if name == "go127":
        assert len(info.setting("vcs.revision") or "") == 40
    if name in ("static", "cgo"):
        assert info.cgo_enabled is (name == "cgo")


def test_section_stripped_binary_is_invisible_to_go_version_but_not_to_gotriage(binaries, toolchains):
    """Go >= 1.22's debug/buildinfo looks for the .go.buildinfo section only; gotriage
    finds the blob from the program headers."""
    b = binaries["nosections"]
    assert go_version_m(toolchains["1.27"].go, b.path) is None
    elf, reader = parse(b.path)
    assert gobuildinfo.read_buildinfo(elf, reader).go_version == b.go


# -- what the binaries are -------------------------------------------------------------------
def test_facts_of_each_kind(binaries):
    static, _ = parse(binaries["static"].path)
    assert static.static and not static.pie and static.interp is None and static.needed == []
    cgo, _ = parse(binaries["cgo"].path)
    assert cgo.dynamic and cgo.interp == "/lib64/ld-linux-x86-64.so.2" and cgo.needed == ["libc.so.6"]
    top = max(cgo.versions_of("GLIBC_"), key=lambda v: [int(p) for p in v.name[6:].split(".")])
    assert top.name == "GLIBC_2.34" and "pthread_create" in symbols_needing(cgo, top)
    arm, _ = parse(binaries["arm64"].path)
    assert (arm.machine, arm.bits, arm.little) == ("aarch64", 64, True)
    musl, _ = parse(binaries["musl"].path)
    assert musl.interp == MUSL_LOADER
    pie, _ = parse(binaries["go127pie"].path)
    assert pie.pie and pie.type == 3


# -- hand-made input -------------------------------------------------------------------------
def test_not_elf_and_truncated_headers():
    with pytest.raises(ElfError) as err:
        parse_elf(bytes_reader(b""), 0)
    assert err.value.kind == "not-elf"
    with pytest.raises(ElfError) as err:
        parse_elf(bytes_reader(b"#!/bin/sh\necho hi\n"), 18)
    assert err.value.kind == "not-elf"
    for cut in (1, 3, 5, 20, 63):
        data = b"\x7fELF\x02\x01\x01" + b"\0" * 100
        with pytest.raises(ElfError) as err:
            parse_elf(bytes_reader(data[:cut]), cut)
        assert err.value.kind == "truncated", cut
    with pytest.raises(ElfError) as err:
        parse_header(b"\x7fELF\x03\x01" + b"\0" * 60)
    assert err.value.kind == "not-elf"


def test_cut_copies_of_a_real_binary(binaries):
    data = open(binaries["cgo"].path, "rb").read()
    elf, _ = parse(binaries["cgo"].path)
    dyn = elf.dynamic_segment
    bi = gobuildinfo.read_buildinfo(elf, CachedReader(bytes_reader(data)))
    cuts = {"program headers": elf.phoff + 20, "dynamic segment": dyn.offset + 40,
            "buildinfo": bi.offset + 20}
    for where, cut in cuts.items():
        piece = data[:cut]
        try:
            cut_elf = parse_elf(bytes_reader(piece), len(piece))
        except ElfError as exc:
            assert exc.kind == "truncated" and where == "program headers", (where, exc)
            continue
        assert cut_elf.truncated and cut_elf.problems, where


def big_endian_32bit_elf():
    """A minimal 32-bit big-endian ELF (a PowerPC executable) with a loader, one needed
    library and a version need, laid out by hand: what no toolchain here builds."""
    e = ">"
    strtab = b"\0libc.so.6\0GLIBC_2.4\0/lib/ld.so.1\0puts\0"
    off_libc, off_ver, off_interp, off_puts = (strtab.index(w) for w in (
        b"libc.so.6", b"GLIBC_2.4", b"/lib/ld.so.1", b"puts"))
    phoff, phnum = 52, 4
    data_at = phoff + 32 * phnum  # 180
    interp_at = data_at
    dynstr_at = interp_at  # the interpreter string lives inside .dynstr
    dynsym_at = dynstr_at + len(strtab) + (-len(strtab)) % 4
    dynsym = struct.pack(e + "IIIBBH", 0, 0, 0, 0, 0, 0) + struct.pack(e + "IIIBBH", off_puts, 0, 0, 0x12, 0, 0)
    versym_at = dynsym_at + len(dynsym)
    versym = struct.pack(e + "HH", 0, 2)
    hash_at = versym_at + 4
    hashtab = struct.pack(e + "IIIIII", 1, 2, 0, 0, 0, 0)
    verneed_at = hash_at + len(hashtab)
    verneed = struct.pack(e + "HHIII", 1, 1, off_libc, 16, 0) + \
        struct.pack(e + "IHHII", 0x0D696914, 0, 2, off_ver, 0)
    dynamic_at = verneed_at + len(verneed)
    tags = [(1, off_libc), (5, dynstr_at), (6, dynsym_at), (10, len(strtab)), (11, 16),
            (4, hash_at), (0x6FFFFFF0, versym_at), (0x6FFFFFFE, verneed_at), (0x6FFFFFFF, 1),
            (0, 0)]
    dynamic = b"".join(struct.pack(e + "iI", t, v) for t, v in tags)
    end = dynamic_at + len(dynamic)
    base = 0x10000000
    header = b"\x7fELF\x01\x02\x01" + b"\0" * 9 + struct.pack(
        e + "HHIIIIIHHHHHH", 2, 20, 1, base + 0x100, phoff, 0, 0, 52, 32, phnum, 40, 0, 0)
    phdrs = struct.pack(e + "IIIIIIII", 6, phoff, base + phoff, 0, 32 * phnum, 32 * phnum, 4, 4)
    phdrs += struct.pack(e + "IIIIIIII", 3, interp_at + off_interp, base + interp_at + off_interp,
                         0, 13, 13, 4, 1)
    phdrs += struct.pack(e + "IIIIIIII", 1, 0, base, 0, end, end, 5, 0x1000)
    phdrs += struct.pack(e + "IIIIIIII", 2, dynamic_at, base + dynamic_at, 0, len(dynamic),
                         len(dynamic), 6, 4)
    body = strtab + b"\0" * ((-len(strtab)) % 4) + dynsym + versym + hashtab + verneed + dynamic
    # addresses in the dynamic table are virtual: rebase them
    image = bytearray(header + phdrs + body)
    fixed = b"".join(struct.pack(e + "iI", t, v + base if t in (5, 6, 4, 0x6FFFFFF0, 0x6FFFFFFE)
                                 else v) for t, v in tags)
    image[dynamic_at:dynamic_at + len(fixed)] = fixed
    return bytes(image)


def test_hand_made_32bit_big_endian_elf():
    data = big_endian_32bit_elf()
    elf = parse_elf(bytes_reader(data), len(data))
    assert (elf.bits, elf.little, elf.machine) == (32, False, "ppc")
    assert elf.interp == "/lib/ld.so.1"
    assert elf.needed == ["libc.so.6"] and elf.nsyms == 2 and elf.nsyms_from == "DT_HASH"
    [need] = elf.verneed
    assert (need.library, need.name, need.index) == ("libc.so.6", "GLIBC_2.4", 2)
    assert symbols_needing(elf, need) == ["puts"]
    assert not elf.problems


def test_ld_so_cache_of_this_machine_and_the_old_format(tmp_path):
    """/etc/ld.so.cache (new format) and `ldconfig -c compat` output (EL7/EL8's layout)
    agree with `ldconfig -p`."""
    need(shutil.which("ldconfig") is not None or os.path.exists("/sbin/ldconfig"), "ldconfig")
    ldconfig = shutil.which("ldconfig") or "/sbin/ldconfig"
    listing = subprocess.run([ldconfig, "-p"], stdout=subprocess.PIPE).stdout.decode()
    expected = {}
    for name, path in re.findall(r"^\s+(\S+) \(libc6,x86-64[^)]*\) => (\S+)$", listing, re.M):
        expected.setdefault(name, []).append(path)
    names = sorted(expected)[:40] + ["libdoesnotexist.so.9"]
    compat = tmp_path / "ld.so.cache.compat"
    subprocess.run([ldconfig, "-c", "compat", "-C", str(compat)], check=True)
    for data in (open("/etc/ld.so.cache", "rb").read(), compat.read_bytes()):
        found = lookup(data, names)
        got = {n: sorted(p for f, p in v if f == 0x0303) for n, v in found.items()}
        assert {n: sorted(p) for n, p in expected.items() if n in names} == \
            {n: p for n, p in got.items() if p}
    assert lookup(b"not a cache", ["libc.so.6"]) is None
