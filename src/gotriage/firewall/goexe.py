"""Is this executable a Go program?  Cheaply: find the `.go.buildinfo` section through
the ELF section headers (three small reads) and check its magic `\\xff Go buildinf:`
(go/src/debug/buildinfo/buildinfo.go; every Go binary since Go 1.13).  When the section
headers are gone, the first bytes of the writable PT_LOAD segment are tried, where Go's
linker puts .go.buildinfo.  `read(offset, length)` returns bytes of the file.

The build info also holds the Go version: `go1.22.1` follows the magic's header (Go 1.18+
inline format: flags byte 0x2, then a varint length and the string); older binaries and
binaries without section headers go through parsers/gobuildinfo.py.
"""

import struct

from gotriage.knowledge.firewall import GO_BUILDINFO_MAGIC


class ElfError(ValueError):
    pass


def _header(read):
    ident = read(0, 64)
    if len(ident) < 52 or ident[:4] != b"\x7fELF":
        raise ElfError("not ELF")
    is64 = ident[4] == 2
    endian = "<" if ident[5] == 1 else ">"
    if is64:
        (phoff, shoff) = struct.unpack(endian + "QQ", ident[32:48])
        (phentsize, phnum, shentsize, shnum, shstrndx) = struct.unpack(endian + "HHHHH", ident[54:64])
    else:
        (phoff, shoff) = struct.unpack(endian + "II", ident[28:36])
        (phentsize, phnum, shentsize, shnum, shstrndx) = struct.unpack(endian + "HHHHH", ident[42:52])
    return is64, endian, phoff, shoff, phentsize, phnum, shentsize, shnum, shstrndx


def _sections(read, is64, endian, shoff, shentsize, shnum):
    if not shoff or not shnum or shnum > 4096 or shentsize < (64 if is64 else 40):
        return []
    table = read(shoff, shentsize * shnum)
    out = []
    for i in range(shnum):
        raw = table[i * shentsize:(i + 1) * shentsize]
        if len(raw) < (64 if is64 else 40):
            break
        if is64:
            name, _type, _flags, _addr, offset, size = struct.unpack(endian + "IIQQQQ", raw[:40])
        else:
            name, _type, _flags, _addr, offset, size = struct.unpack(endian + "IIIIII", raw[:24])
        out.append((name, offset, size))
    return out


def buildinfo_offset(read):
    """(file offset of .go.buildinfo or None, whether the file has section headers)."""
    is64, endian, phoff, shoff, phentsize, phnum, shentsize, shnum, shstrndx = _header(read)
    sections = _sections(read, is64, endian, shoff, shentsize, shnum)
    if sections and shstrndx < len(sections):
        _, str_off, str_size = sections[shstrndx]
        names = read(str_off, min(str_size, 65536))
        for name, offset, _size in sections:
            end = names.find(b"\0", name)
            if names[name:end] == b".go.buildinfo":
                return offset, True
        return None, True
    return None, False


def go_version(read, max_scan=8 << 20):
    """The Go version string ("go1.22.1") when `read(offset, length)` reads a Go
    binary, None when it is not Go.  Three small reads decide for a binary with section
    headers; without them (or for the pre-1.18 pointer layout) the shared parsers
    (parsers/elf.py, parsers/gobuildinfo.py) search the writable segments."""
    try:
        offset, has_sections = buildinfo_offset(read)
    except (ElfError, struct.error):
        return None
    if has_sections and offset is None:
        return None
    if offset is not None:
        head = read(offset, 64)
        if not head.startswith(GO_BUILDINFO_MAGIC):
            return None
        if len(head) > 33 and head[15] & 0x2 and head[32] < 0x80:
            try:
                return head[33:33 + head[32]].decode("ascii")
            except UnicodeDecodeError:
                pass
    try:
        from gotriage.parsers.elf import parse_elf
        from gotriage.parsers.gobuildinfo import read_buildinfo

        elf = parse_elf(read, count_symbols=False)
        info = read_buildinfo(elf, read, max_scan)
    except Exception:  # noqa: BLE001 - a malformed file is simply not a Go program we can name
        return "go" if offset is not None else None
    if info is None:
        return "go" if offset is not None else None
    return info.go_version or "go"
