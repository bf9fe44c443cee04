"""ELF executables, read from the program headers alone (section headers may be stripped).

Everything here is a pure function over a *reader*: a callable ``read(offset, length)``
that returns up to `length` bytes of the file from `offset` (fewer at its end), e.g.
``lambda o, n: host.read_range(path, o, n)`` or a slice of bytes in a test.  Only what
the dynamic loader itself reads is read, so a 75 MB Go binary with 170,000 dynamic
symbols costs a few small reads:

- the ELF header and the program headers (PT_LOAD, PT_INTERP, PT_DYNAMIC, PT_GNU_RELRO);
- the dynamic segment: DT_NEEDED, DT_RPATH/DT_RUNPATH, DT_FLAGS_1 (DF_1_PIE) and the
  addresses of DT_STRTAB, DT_SYMTAB, DT_VERSYM, DT_VERNEED/DT_VERNEEDNUM and
  DT_GNU_HASH/DT_HASH, turned into file offsets through the PT_LOAD segments;
- the version needs (what `readelf -V` shows as .gnu.version_r): per library, the
  versions it must provide (GLIBC_2.34, ...) and the index each has in the versym array;
- the symbol count, from DT_HASH's nchain or by walking DT_GNU_HASH's last chain;
- the versym array (2 bytes per symbol) in one read, searched with bytes.find for the
  indexes of the needed versions, and then the names of only those symbols.

Sample (`readelf -l -d -V -W` of a cgo binary built by Go 1.21 on glibc 2.36)::

    INTERP  0x000350 0x0000000000400350 ... [Requesting program interpreter: /lib64/ld-linux-x86-64.so.2]
    LOAD    0x000000 0x0000000000400000 0x0000000000400000 0x0010a8 0x0010a8 R   0x1000
    0x0000000000000001 (NEEDED)             Shared library: [libc.so.6]
    Version needs section '.gnu.version_r' contains 1 entry:
      000000: Version: 1  File: libc.so.6  Cnt: 4
      0x0010:   Name: GLIBC_2.32  Flags: none  Version: 5
      0x0030:   Name: GLIBC_2.34  Flags: none  Version: 3

A dynamic x86-64 program as small as it gets, read the same way: its ELF header, two
program headers (PT_INTERP and the PT_LOAD that maps it) and the loader's path:

>>> header = (b"\\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
...           + struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, 0x401000, 64, 0, 0, 64, 56, 2, 64, 0, 0))
>>> interp = b"/lib64/ld-linux-x86-64.so.2\\0"
>>> size = 64 + 2 * 56 + len(interp)
>>> data = (header + struct.pack("<IIQQQQQQ", PT_INTERP, PF_R, 176, 0x4000B0, 0x4000B0, len(interp), len(interp), 1)
...         + struct.pack("<IIQQQQQQ", PT_LOAD, PF_R | PF_X, 0, 0x400000, 0x400000, size, size, 0x1000) + interp)
>>> elf = parse_elf(lambda offset, length: data[offset:offset + length], len(data))
>>> elf.bits, elf.endian, elf.machine, elf.type_name, elf.interp, elf.static, elf.pie
(64, 'little', 'x86_64', 'executable', '/lib64/ld-linux-x86-64.so.2', False, False)
>>> [s.describe() for s in elf.segments]
['offset 0xb0 vaddr 0x4000b0 filesz 0x1c memsz 0x1c R--', 'offset 0x0 vaddr 0x400000 filesz 0xcc memsz 0xcc R-E']

Malformed input raises `ElfError` with kind "not-elf" (no ELF magic, empty file) or
"truncated" (the ELF header or the program headers end early); damage further in (a
segment or the dynamic table beyond the end of the file, a bad address) is recorded in
`Elf.problems` and the rest is still read, as far as it can be:

>>> try:
...     parse_elf(lambda offset, length: data[:150][offset:offset + length], 150)
... except ElfError as exc:
...     print(exc.kind, exc.message)
truncated program headers cut short: 86 of 112 bytes at offset 64
>>> parse_header(b"<!DOCTYPE html>")
Traceback (most recent call last):
    ...
gotriage.parsers.elf.ElfError: no ELF magic (starts with '<!DO')
"""

import struct

ELF_MAGIC = b"\x7fELF"

ET_NAMES = {0: "none", 1: "relocatable", 2: "executable", 3: "shared object", 4: "core"}
ET_EXEC, ET_DYN = 2, 3

PT_LOAD, PT_DYNAMIC, PT_INTERP, PT_PHDR, PT_TLS = 1, 2, 3, 6, 7
PT_GNU_STACK, PT_GNU_RELRO = 0x6474E551, 0x6474E552
PF_X, PF_W, PF_R = 1, 2, 4

DT_NULL, DT_NEEDED, DT_HASH, DT_STRTAB, DT_SYMTAB = 0, 1, 4, 5, 6
DT_STRSZ, DT_SYMENT, DT_SONAME, DT_RPATH, DT_FLAGS, DT_RUNPATH = 10, 11, 14, 15, 30, 29
DT_GNU_HASH, DT_VERSYM, DT_FLAGS_1 = 0x6FFFFEF5, 0x6FFFFFF0, 0x6FFFFFFB
DT_VERNEED, DT_VERNEEDNUM, DT_RELR = 0x6FFFFFFE, 0x6FFFFFFF, 36
DT_VERDEF, DT_VERDEFNUM = 0x6FFFFFFC, 0x6FFFFFFD
VER_FLG_BASE = 0x1
DF_BIND_NOW, DF_1_NOW, DF_1_PIE = 0x8, 0x1, 0x08000000
VER_FLG_WEAK = 0x2

# e_machine -> how `uname -m` names the machine (and the class/byte order variants).
EM_386, EM_MIPS, EM_PPC, EM_PPC64, EM_S390, EM_ARM = 3, 8, 20, 21, 22, 40
EM_SPARCV9, EM_X86_64, EM_AARCH64, EM_RISCV, EM_LOONGARCH = 43, 62, 183, 243, 258


def machine_name(e_machine, bits, little):
    """The architecture as `uname -m` prints it (x86_64, aarch64, ppc64le, s390x, i386,
    arm...), or "EM_<n>" for one gotriage does not know."""
    if e_machine == EM_X86_64:
        return "x86_64" if bits == 64 else "x32"
    if e_machine == EM_386:
        return "i386"
    if e_machine == EM_AARCH64:
        return "aarch64" if little else "aarch64_be"
    if e_machine == EM_PPC64:
        return "ppc64le" if little else "ppc64"
    if e_machine == EM_PPC:
        return "ppc"
    if e_machine == EM_S390:
        return "s390x" if bits == 64 else "s390"
    if e_machine == EM_ARM:
        return "arm"
    if e_machine == EM_RISCV:
        return "riscv64" if bits == 64 else "riscv32"
    if e_machine == EM_LOONGARCH:
        return "loongarch64"
    if e_machine == EM_MIPS:
        return ("mips64" if bits == 64 else "mips") + ("el" if little else "")
    if e_machine == EM_SPARCV9:
        return "sparc64"
    return "EM_%d" % e_machine


# uname -m name -> GOARCH (for the fix commands).
GOARCH = {"x86_64": "amd64", "i386": "386", "aarch64": "arm64", "ppc64le": "ppc64le",
          "ppc64": "ppc64", "s390x": "s390x", "arm": "arm", "riscv64": "riscv64",
          "loongarch64": "loong64", "mips64el": "mips64le", "mips64": "mips64",
          "mipsel": "mipsle", "mips": "mips"}


class ElfError(Exception):
    """Not an ELF file at all ("not-elf") or one cut short in its headers ("truncated")."""

    def __init__(self, kind, message):
        Exception.__init__(self, message)
        self.kind = kind
        self.message = message


class Segment(object):
    __slots__ = ("type", "flags", "offset", "vaddr", "filesz", "memsz")

    def __init__(self, type, flags, offset, vaddr, filesz, memsz):
        self.type, self.flags, self.offset = type, flags, offset
        self.vaddr, self.filesz, self.memsz = vaddr, filesz, memsz

    def describe(self):
        perms = "".join(c if self.flags & bit else "-" for c, bit in
                        (("R", PF_R), ("W", PF_W), ("E", PF_X)))
        return "offset 0x%x vaddr 0x%x filesz 0x%x memsz 0x%x %s" % (
            self.offset, self.vaddr, self.filesz, self.memsz, perms)


class VersionNeed(object):
    """One version a library must provide (a Vernaux entry): its name, the index that
    versym entries use for it, whether it is weak, and the symbols that need it."""

    __slots__ = ("library", "name", "index", "weak", "symbols")

    def __init__(self, library, name, index, weak):
        self.library, self.name, self.index, self.weak = library, name, index, weak
        self.symbols = None  # filled by symbols_needing()

    def __repr__(self):
        return "VersionNeed(%s, %s, %d)" % (self.library, self.name, self.index)


class Elf(object):
    """What was read from an ELF file (plain data)."""

    def __init__(self):
        self.size = None  # the file's size, when known
        self.bits = None  # 32 or 64
        self.little = True
        self.osabi = 0
        self.type = None  # e_type
        self.e_machine = None
        self.machine = None  # uname -m style
        self.entry = 0
        self.phoff = self.phnum = self.phentsize = 0
        self.shoff = self.shnum = 0
        self.segments = []
        self.interp = None
        self.dynamic_segment = None
        self.needed = []
        self.rpath = None
        self.runpath = None
        self.soname = None
        self.flags = 0
        self.flags_1 = 0
        self.dynamic_tags = {}  # tag -> value (the last of each; DT_NEEDED kept in .needed)
        self.verneed = []  # [VersionNeed] in file order
        self.verdef = []  # version names a library defines (GLIBC_2.34...), base name excluded
        self.nsyms = None
        self.nsyms_from = None  # "DT_HASH", "DT_GNU_HASH" or "estimate"
        self.problems = []  # damage found past the headers (truncated segments...)
        self.truncated = False
        self._dyn = self._reader = self._versym = None  # for symbols_needing()

    # -- derived facts -------------------------------------------------------------------
    @property
    def endian(self):
        return "little" if self.little else "big"

    @property
    def type_name(self):
        return ET_NAMES.get(self.type, "type %s" % self.type)

    @property
    def dynamic(self):
        """Linked against shared libraries or started by a loader."""
        return self.interp is not None or bool(self.needed)

    @property
    def static(self):
        return not self.dynamic

    @property
    def pie(self):
        """Position independent executable: ET_DYN with a loader, or flagged DF_1_PIE
        (which also covers static-pie)."""
        return self.type == ET_DYN and (self.interp is not None or bool(self.flags_1 & DF_1_PIE))

    @property
    def static_pie(self):
        return self.pie and self.interp is None

    @property
    def is_library(self):
        return self.type == ET_DYN and not self.pie

    @property
    def sections_stripped(self):
        return self.shoff == 0 or self.shnum == 0

    def versions_of(self, prefix="GLIBC_"):
        return [v for v in self.verneed if v.name.startswith(prefix)]

    def load_segments(self):
        return [s for s in self.segments if s.type == PT_LOAD]

    def segment_of(self, p_type):
        for s in self.segments:
            if s.type == p_type:
                return s
        return None

    def vaddr_to_offset(self, vaddr, length=1):
        """The file offset of a virtual address (through the PT_LOAD that maps it from the
        file), or None when no segment holds it in its file part."""
        for s in self.segments:
            if s.type == PT_LOAD and s.vaddr <= vaddr and vaddr + length <= s.vaddr + s.filesz:
                return s.offset + (vaddr - s.vaddr)
        return None

    def file_extent(self, vaddr):
        """(offset, bytes available in the file from there within its segment) or None."""
        for s in self.segments:
            if s.type == PT_LOAD and s.vaddr <= vaddr < s.vaddr + s.filesz:
                return s.offset + (vaddr - s.vaddr), s.vaddr + s.filesz - vaddr
        return None


class CachedReader(object):
    """Wraps a reader: small reads are served from aligned blocks read once (the loader's
    strings and symbols sit close together), large ones go straight through."""

    def __init__(self, read, block=16384):
        self.raw = read
        self.block = block
        self.blocks = {}
        self.calls = 0

    def _block(self, index):
        data = self.blocks.get(index)
        if data is None:
            self.calls += 1
            data = self.blocks[index] = self.raw(index * self.block, self.block)
        return data

    def __call__(self, offset, length):
        if offset < 0 or length <= 0:
            return b""
        if length > self.block:
            self.calls += 1
            return self.raw(offset, length)
        first, last = offset // self.block, (offset + length - 1) // self.block
        start = offset - first * self.block
        if first == last:
            return self._block(first)[start:start + length]
        data = self._block(first)[start:]
        if len(data) < self.block - start:
            return data  # end of file
        return data + self._block(last)[:offset + length - last * self.block]

    def cstring(self, offset, limit=4096):
        """The NUL-terminated string at `offset` (without the NUL), or None when it runs
        past the end of the file or past `limit` bytes."""
        out = b""
        step = 256
        while len(out) < limit:
            chunk = self(offset + len(out), step)
            if not chunk:
                return None
            end = chunk.find(b"\0")
            if end >= 0:
                return (out + chunk[:end]).decode("utf-8", "replace")
            out += chunk
            step = min(step * 4, self.block)
        return None


def parse_header(data):
    """An Elf with the ELF header fields filled from the first bytes of a file."""
    if len(data) == 0:
        raise ElfError("not-elf", "empty file")
    if len(data) < 4 and ELF_MAGIC.startswith(data):
        raise ElfError("truncated", "ELF header cut short: the file has %d bytes" % len(data))
    if not data.startswith(ELF_MAGIC):
        raise ElfError("not-elf", "no ELF magic (starts with %s)" % _show_magic(data))
    if len(data) < 6:
        raise ElfError("truncated", "ELF header cut short: the file has %d bytes" % len(data))
    ei_class, ei_data = data[4], data[5]
    if ei_class not in (1, 2):
        raise ElfError("not-elf", "bad ELF class byte %d (1 = 32-bit, 2 = 64-bit)" % ei_class)
    if ei_data not in (1, 2):
        raise ElfError("not-elf", "bad ELF data byte %d (1 = little, 2 = big endian)" % ei_data)
    elf = Elf()
    elf.bits = 32 if ei_class == 1 else 64
    elf.little = ei_data == 1
    elf.osabi = data[7] if len(data) > 7 else 0
    e = "<" if elf.little else ">"
    if elf.bits == 64:
        fmt, need = e + "HHIQQQIHHHHHH", 64
    else:
        fmt, need = e + "HHIIIIIHHHHHH", 52
    if len(data) < need:
        raise ElfError("truncated", "ELF header cut short: %d of its %d bytes" % (len(data), need))
    (elf.type, elf.e_machine, _version, elf.entry, elf.phoff, elf.shoff, _flags, _ehsize,
     elf.phentsize, elf.phnum, _shentsize, elf.shnum, _shstrndx) = struct.unpack_from(fmt, data, 16)
    elf.machine = machine_name(elf.e_machine, elf.bits, elf.little)
    return elf


def _show_magic(data):
    head = data[:4]
    if all(32 <= b < 127 for b in head):
        return repr(head.decode("ascii"))
    return " ".join("%02x" % b for b in head)


def parse_elf(read, size=None, count_symbols=True):
    """Read an ELF file through `read(offset, length)`; `size` is the file's size when
    known (to tell a truncated file).  The symbols that need a version are read later,
    on demand: symbols_needing(elf, need).  A library's version definitions (DT_VERDEF)
    are read too; `count_symbols` false skips the hash table walk."""
    reader = read if isinstance(read, CachedReader) else CachedReader(read)
    head = reader(0, 4096 if size is None else max(0, min(4096, size)))
    elf = parse_header(head)
    elf.size = size
    _parse_program_headers(elf, reader, head)
    if size is not None:
        for index, s in enumerate(elf.segments):
            if s.type == PT_LOAD and s.offset + s.filesz > size:
                elf.truncated = True
                elf.problems.append(
                    "segment %d (PT_LOAD, %s) ends at byte %d but the file has %d bytes" % (
                        index, s.describe(), s.offset + s.filesz, size))
    _parse_interp(elf, reader)
    dyn = _parse_dynamic(elf, reader)
    if dyn is not None:
        _parse_verneed(elf, reader, dyn)
        _parse_verdef(elf, reader, dyn)
        if elf.verneed and count_symbols:
            _count_symbols(elf, reader, dyn)
    elf._dyn, elf._reader = dyn, reader
    return elf


def _parse_program_headers(elf, reader, head):
    if elf.phnum == 0:
        return
    entsize = 56 if elf.bits == 64 else 32
    if elf.phentsize < entsize:
        raise ElfError("not-elf", "program header entries of %d bytes (expected %d)" % (
            elf.phentsize, entsize))
    phnum = elf.phnum
    if phnum == 0xFFFF:
        raise ElfError("not-elf", "more than 65534 program headers (PN_XNUM): not a program")
    total = elf.phentsize * phnum
    if elf.phoff + total <= len(head):
        table = head[elf.phoff:elf.phoff + total]
    else:
        table = reader(elf.phoff, total)
    if len(table) < total:
        raise ElfError("truncated", "program headers cut short: %d of %d bytes at offset %d" % (
            len(table), total, elf.phoff))
    e = "<" if elf.little else ">"
    if elf.bits == 64:
        fmt = struct.Struct(e + "IIQQQQQQ")
        for i in range(phnum):
            p_type, p_flags, off, vaddr, _paddr, filesz, memsz, _align = fmt.unpack_from(
                table, i * elf.phentsize)
            elf.segments.append(Segment(p_type, p_flags, off, vaddr, filesz, memsz))
    else:
        fmt = struct.Struct(e + "IIIIIIII")
        for i in range(phnum):
            p_type, off, vaddr, _paddr, filesz, memsz, p_flags, _align = fmt.unpack_from(
                table, i * elf.phentsize)
            elf.segments.append(Segment(p_type, p_flags, off, vaddr, filesz, memsz))


def _parse_interp(elf, reader):
    seg = elf.segment_of(PT_INTERP)
    if seg is None:
        return
    data = reader(seg.offset, min(seg.filesz, 4096))
    if len(data) < min(seg.filesz, 4096):
        elf.truncated = True
        elf.problems.append("PT_INTERP (the loader's path) at offset %d is past the end of "
                            "the file" % seg.offset)
    elf.interp = data.split(b"\0", 1)[0].decode("utf-8", "replace")


class _Dynamic(object):
    """The dynamic table's addresses as file offsets (None when absent or unmapped)."""

    def __init__(self):
        self.strtab = self.symtab = self.versym = self.verneed = None
        self.gnu_hash = self.hash = None
        self.verneednum = 0
        self.verdef = None
        self.verdefnum = 0
        self.syment = 0
        self.strsz = None


def _parse_dynamic(elf, reader):
    seg = elf.segment_of(PT_DYNAMIC)
    if seg is None:
        return None
    elf.dynamic_segment = seg
    data = reader(seg.offset, seg.filesz)
    if len(data) < seg.filesz:
        elf.truncated = True
        elf.problems.append("the dynamic segment (offset %d, %d bytes) runs past the end of "
                            "the file" % (seg.offset, seg.filesz))
    e = "<" if elf.little else ">"
    fmt = struct.Struct(e + ("qQ" if elf.bits == 64 else "iI"))
    tags = elf.dynamic_tags
    needed, rpath, runpath, soname = [], None, None, None
    for (tag, value) in fmt.iter_unpack(data[:len(data) - len(data) % fmt.size]):
        if tag == DT_NULL:
            break
        if tag == DT_NEEDED:
            needed.append(value)
        elif tag == DT_RPATH:
            rpath = value
        elif tag == DT_RUNPATH:
            runpath = value
        elif tag == DT_SONAME:
            soname = value
        else:
            tags[tag] = value
    elf.flags = tags.get(DT_FLAGS, 0)
    elf.flags_1 = tags.get(DT_FLAGS_1, 0)
    dyn = _Dynamic()
    dyn.syment = tags.get(DT_SYMENT) or (24 if elf.bits == 64 else 16)
    dyn.strsz = tags.get(DT_STRSZ)

    def where(tag, name):
        if tag not in tags:
            return None
        off = elf.vaddr_to_offset(tags[tag])
        if off is None:
            elf.problems.append("%s address 0x%x is not in the file part of any PT_LOAD "
                                "segment" % (name, tags[tag]))
        return off

    dyn.strtab = where(DT_STRTAB, "DT_STRTAB")
    dyn.symtab = where(DT_SYMTAB, "DT_SYMTAB")
    dyn.versym = where(DT_VERSYM, "DT_VERSYM")
    dyn.verneed = where(DT_VERNEED, "DT_VERNEED")
    dyn.gnu_hash = where(DT_GNU_HASH, "DT_GNU_HASH")
    dyn.hash = where(DT_HASH, "DT_HASH")
    dyn.verneednum = tags.get(DT_VERNEEDNUM, 0)
    dyn.verdef = where(DT_VERDEF, "DT_VERDEF")
    dyn.verdefnum = tags.get(DT_VERDEFNUM, 0)

    def string(value, name):
        if dyn.strtab is None:
            return None
        if dyn.strsz is not None and value >= dyn.strsz:
            elf.problems.append("%s string offset %d is beyond DT_STRSZ" % (name, value))
            return None
        text = reader.cstring(dyn.strtab + value)
        if text is None:
            elf.truncated = True
            elf.problems.append("%s string at offset %d is past the end of the file" % (
                name, dyn.strtab + value))
        return text

    elf.needed = [n for n in (string(v, "DT_NEEDED") for v in needed) if n is not None]
    if len(elf.needed) < len(needed):
        # A library whose name could not be read is still needed: keep a placeholder.
        elf.needed += ["(unreadable DT_NEEDED entry)"] * (len(needed) - len(elf.needed))
    if rpath is not None:
        elf.rpath = string(rpath, "DT_RPATH")
    if runpath is not None:
        elf.runpath = string(runpath, "DT_RUNPATH")
    if soname is not None:
        elf.soname = string(soname, "DT_SONAME")
    return dyn


def _parse_verneed(elf, reader, dyn):
    if dyn.verneed is None or dyn.strtab is None or not dyn.verneednum:
        return
    e = "<" if elf.little else ">"
    vn = struct.Struct(e + "HHIII")
    vna = struct.Struct(e + "IHHII")
    offset = dyn.verneed
    for _ in range(min(dyn.verneednum, 1024)):
        entry = reader(offset, vn.size)
        if len(entry) < vn.size:
            elf.truncated = True
            elf.problems.append("version needs (DT_VERNEED) cut short at offset %d" % offset)
            return
        _version, cnt, vn_file, vn_aux, vn_next = vn.unpack(entry)
        library = reader.cstring(dyn.strtab + vn_file) or "?"
        aux = offset + vn_aux
        for _ in range(min(cnt, 1024)):
            item = reader(aux, vna.size)
            if len(item) < vna.size:
                elf.truncated = True
                elf.problems.append("version needs (DT_VERNEED) cut short at offset %d" % aux)
                return
            _hash, flags, other, name, nxt = vna.unpack(item)
            elf.verneed.append(VersionNeed(library, reader.cstring(dyn.strtab + name) or "?",
                                           other & 0x7FFF, bool(flags & VER_FLG_WEAK)))
            if not nxt:
                break
            aux += nxt
        if not vn_next:
            break
        offset += vn_next


def _parse_verdef(elf, reader, dyn):
    """The version names a library defines (Elf_Verdef + the first Elf_Verdaux of each),
    without the VER_FLG_BASE entry that names the file itself."""
    if dyn.verdef is None or dyn.strtab is None or not dyn.verdefnum:
        return
    e = "<" if elf.little else ">"
    vd = struct.Struct(e + "HHHHIII")
    offset = dyn.verdef
    for _ in range(min(dyn.verdefnum, 4096)):
        entry = reader(offset, vd.size)
        if len(entry) < vd.size:
            elf.truncated = True
            elf.problems.append("version definitions (DT_VERDEF) cut short at offset %d" % offset)
            return
        _version, flags, _ndx, cnt, _hash, aux, nxt = vd.unpack(entry)
        if cnt and not flags & VER_FLG_BASE:
            name_at = reader(offset + aux, 4)
            if len(name_at) == 4:
                name = reader.cstring(dyn.strtab + struct.unpack(e + "I", name_at)[0])
                if name:
                    elf.verdef.append(name)
        if not nxt:
            break
        offset += nxt


def _count_symbols(elf, reader, dyn):
    """The number of dynamic symbols: DT_HASH's nchain, else walk DT_GNU_HASH (the
    highest bucket's chain ends at the last symbol), else (strtab - symtab) / syment."""
    e = "<" if elf.little else ">"
    if dyn.hash is not None:
        data = reader(dyn.hash, 8)
        if len(data) == 8:
            elf.nsyms = struct.unpack(e + "II", data)[1]
            elf.nsyms_from = "DT_HASH"
            return
    estimate = None
    if dyn.symtab is not None and dyn.strtab is not None and dyn.strtab > dyn.symtab:
        estimate = (dyn.strtab - dyn.symtab) // dyn.syment  # .dynstr usually follows .dynsym
    if dyn.gnu_hash is not None:
        count = _gnu_hash_count(elf, reader, dyn.gnu_hash, estimate)
        if count is not None:
            elf.nsyms, elf.nsyms_from = count, "DT_GNU_HASH"
            return
    if estimate is not None:
        elf.nsyms, elf.nsyms_from = estimate, "estimate"


def _words(data, little):
    """The 4-byte words of `data` as a tuple of ints (no array module: it imports
    collections, which costs more than the whole parse)."""
    count = len(data) // 4
    return struct.unpack_from("%s%dI" % ("<" if little else ">", count), data)


def _gnu_hash_count(elf, reader, offset, estimate=None):
    """The symbol count from DT_GNU_HASH: one past the end of the chain of the highest
    bucket.  Linkers (bfd, gold, lld, mold) lay the hashed symbols out in runs ordered by
    bucket, so the highest bucket value is the last non-zero one, found with one
    bytes.rstrip instead of a max() over every bucket; when the result disagrees with
    the table's extent (`estimate`), every bucket is compared."""
    header = reader(offset, 16)
    if len(header) < 16:
        return None
    e = "<" if elf.little else ">"
    nbuckets, symoffset, bloom_size, _shift = struct.unpack(e + "IIII", header)
    if nbuckets == 0 or nbuckets > 1 << 24 or bloom_size > 1 << 24:
        return None
    buckets_at = offset + 16 + bloom_size * (8 if elf.bits == 64 else 4)
    raw = reader(buckets_at, nbuckets * 4)
    if len(raw) < nbuckets * 4:
        elf.truncated = True
        elf.problems.append("DT_GNU_HASH buckets cut short at offset %d" % buckets_at)
        return None
    used = len(raw.rstrip(b"\0"))
    last_word = (used - 1) // 4 if used else None
    last = struct.unpack_from(e + "I", raw, last_word * 4)[0] if used else 0
    count = _chain_end(elf, reader, buckets_at + nbuckets * 4, symoffset, last)
    if count is not None and estimate is not None and count > estimate:
        last = max(_words(raw, elf.little))
        count = _chain_end(elf, reader, buckets_at + nbuckets * 4, symoffset, last)
    return count


def _chain_end(elf, reader, chains_at, symoffset, last):
    if last < symoffset:
        return symoffset
    index = last
    while True:
        chunk = reader(chains_at + (index - symoffset) * 4, 4096)
        words = _words(chunk, elf.little)
        if not words:
            return None
        for i, word in enumerate(words):
            if word & 1:
                return index + i + 1
        index += len(words)


def _find_u16(data, lows, value, little):
    """Indexes of the 2-byte entries of `data` equal to `value` or to `value` with the
    hidden bit (0x8000) set.  `lows` is the low byte of every entry (data[0::2] or
    data[1::2]): a one-byte bytes.find is a memchr, where a two-byte pattern would crawl
    through an array that is mostly b"\\x01\\x00"."""
    found = []
    if value > 0xFF:
        pattern = struct.pack("<H" if little else ">H", value)
        i = data.find(pattern)
        while i >= 0:
            if not i & 1:
                found.append(i >> 1)
            i = data.find(pattern, i + 1)
        return found
    byte = bytes((value,))
    high = 1 if little else 0
    find = lows.find
    i = find(byte)
    while i >= 0:
        if data[2 * i + high] in (0, 0x80):
            found.append(i)
        i = find(byte, i + 1)
    return found


def symbols_needing(elf, need):
    """The names of the dynamic symbols whose versym entry is `need`'s index (the hidden
    bit ignored), read on first use and kept in need.symbols."""
    if need.symbols is not None:
        return need.symbols
    need.symbols = []
    dyn, reader = elf._dyn, elf._reader
    if dyn is None or dyn.versym is None or dyn.symtab is None or dyn.strtab is None \
            or not elf.nsyms:
        return need.symbols
    if elf._versym is None:
        nsyms = min(elf.nsyms, 1 << 24)
        versym = reader(dyn.versym, nsyms * 2)
        if len(versym) < nsyms * 2:
            elf.truncated = True
            elf.problems.append("the versym array (DT_VERSYM, %d symbols) runs past the end "
                                "of the file" % nsyms)
            versym = versym[:len(versym) - len(versym) % 2]
        elf._versym = versym, versym[0::2] if elf.little else versym[1::2]
    versym, lows = elf._versym
    name_at = struct.Struct(("<" if elf.little else ">") + "I")
    for i in _find_u16(versym, lows, need.index & 0x7FFF, elf.little):
        entry = reader(dyn.symtab + i * dyn.syment, 4)
        if len(entry) < 4:
            break
        name = reader.cstring(dyn.strtab + name_at.unpack(entry)[0])
        if name:
            need.symbols.append(name)
    return need.symbols
