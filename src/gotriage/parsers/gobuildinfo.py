"""The Go build information blob of a Go binary (what `go version -m` prints).

The linker writes a 32-byte header at a 16-byte aligned address in the writable data
(section .go.buildinfo, which may be stripped: it is found from the program headers,
like Go's own debug/buildinfo up to Go 1.21 did)::

    magic    [14]byte  "\\xff Go buildinf:"
    ptrSize  uint8     4 or 8
    flags    uint8     bit 0: big-endian pointers; bit 1: strings inline (Go >= 1.18)
    versPtr  uintptr   (Go < 1.18) address of the Go version string header
    modPtr   uintptr   (Go < 1.18) address of the module info string header

Since Go 1.18 (flag bit 1), the header is followed by the version and the module info as
uvarint-length-prefixed strings.  Before, the two pointers point at Go string headers
(data pointer, length) elsewhere in the image.  The module info is framed by 16 bytes
of sentinel on each side and reads, for a binary built by Go 1.21.13 with cgo (its
dependency's h1: sum and the revision shortened here; fields are separated by tabs):

>>> info = BuildInfo("go1.21.13", '''path\\texample.com/app
... mod\\texample.com/app\\t(devel)\\t
... dep\\tgolang.org/x/sys\\tv0.13.0\\th1:...
... build\\t-buildmode=exe
... build\\t-compiler=gc
... build\\t-ldflags="-s -w"
... build\\tCGO_ENABLED=1
... build\\tGOARCH=amd64
... build\\tGOOS=linux
... build\\tGOAMD64=v1
... build\\tvcs=git
... build\\tvcs.revision=0123abcd...
... build\\tvcs.time=2024-05-01T12:00:00Z
... build\\tvcs.modified=false
... ''', "inline", 0, 0)
>>> info.path, info.main.describe(), [d.describe() for d in info.deps]
('example.com/app', 'example.com/app (devel)', ['golang.org/x/sys v0.13.0'])
>>> info.setting("-ldflags"), info.cgo_enabled, info.setting("GOARCH"), info.setting("vcs.modified")
('-s -w', True, 'amd64', 'false')

Values (and keys) holding spaces, tabs, quotes or newlines are Go-quoted
(strconv.Quote); `=>` lines replace the module above them.  Pure functions: the blob is
read through the ELF record of parsers/elf.py and a reader ``read(offset, length)``:
a program of one writable PT_LOAD whose data starts with a Go 1.18+ blob (16-byte aligned
at 0x500080), found and read as Go's debug/buildinfo does:

>>> import struct
>>> from gotriage.parsers.elf import parse_elf
>>> modinfo = bytes(16) + b"path\\texample.com/app\\nbuild\\tCGO_ENABLED=0\\n" + bytes(16)
>>> blob = MAGIC + bytes([8, FLAG_INLINE]) + bytes(16) + bytes([9]) + b"go1.21.13" + bytes([len(modinfo)]) + modinfo
>>> size = 128 + len(blob)
>>> data = (b"\\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
...         + struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, 0x500000, 64, 0, 0, 64, 56, 1, 64, 0, 0)
...         + struct.pack("<IIQQQQQQ", PT_LOAD, 6, 0, 0x500000, 0x500000, size, size, 0x1000)
...         + bytes(8) + blob)
>>> read = lambda offset, length: data[offset:offset + length]
>>> info = read_buildinfo(parse_elf(read, len(data)), read)
>>> info.go_version, info.layout, hex(info.vaddr), info.path, info.cgo_enabled
('go1.21.13', 'inline', '0x500080', 'example.com/app', False)
"""

import struct

from gotriage.parsers.elf import PF_W, PF_X, PT_GNU_RELRO, PT_LOAD

MAGIC = b"\xff Go buildinf:"
HEADER_SIZE = 32
ALIGN = 16
SCAN_CHUNK = 1 << 20
FIRST_CHUNK = 64 << 10
MAX_SCAN = 256 << 20  # bytes of writable segments searched for the magic, at most

FLAG_BIG_ENDIAN = 0x1
FLAG_INLINE = 0x2


class Module(object):
    __slots__ = ("path", "version", "sum", "replace")

    def __init__(self, path, version="", sum=""):
        self.path, self.version, self.sum = path, version, sum
        self.replace = None

    def describe(self):
        text = "%s %s" % (self.path, self.version) if self.version else self.path
        if self.replace is not None:
            text += " => " + self.replace.describe()
        return text


class BuildInfo(object):
    """The Go version and module information of a binary."""

    def __init__(self, go_version, modinfo, layout, vaddr, offset):
        self.go_version = go_version  # "go1.21.13"
        self.modinfo = modinfo  # the raw module info text ("" when built without modules)
        self.layout = layout  # "inline" (Go >= 1.18) or "pointer" (Go < 1.18)
        self.vaddr = vaddr
        self.offset = offset
        self.path = None  # the main package path
        self.main = None  # Module
        self.deps = []
        self.settings = []  # [(key, value)] in order
        parse_modinfo(modinfo, self)

    def setting(self, key, default=None):
        for k, v in self.settings:
            if k == key:
                return v
        return default

    @property
    def cgo_enabled(self):
        """True/False from the CGO_ENABLED build setting; None when not recorded (Go < 1.18)."""
        value = self.setting("CGO_ENABLED")
        if value is None:
            return None
        return value == "1"


def locate(elf, read, max_scan=MAX_SCAN):
    """(file offset, vaddr) of the build info header, or None.

    Searches the writable PT_LOAD segments, as Go's debug/buildinfo does without section
    headers.  In an internally linked binary the blob is the first thing in the data
    segment; with external linking (cgo) it follows .data.rel.ro, .got and .data, so
    the part after PT_GNU_RELRO is searched first."""
    relro_ends = [s.vaddr + s.memsz for s in elf.segments if s.type == PT_GNU_RELRO]
    ranges = []
    for seg in elf.segments:
        if seg.type != PT_LOAD or seg.flags & (PF_W | PF_X) != PF_W or not seg.filesz:
            continue
        start, end = seg.vaddr, seg.vaddr + seg.filesz
        cut = [r for r in relro_ends if start < r < end]
        if cut:
            ranges.append((seg, cut[0], end))
            ranges.append((seg, start, cut[0]))
        else:
            ranges.append((seg, start, end))
    budget = max_scan
    for seg, start, end in ranges:
        found, scanned = _scan(seg, start, end, read, budget)
        if found is not None:
            return found
        budget -= scanned
        if budget <= 0:
            break
    return None


def _scan(seg, start, end, read, budget):
    vaddr = (start + ALIGN - 1) & ~(ALIGN - 1)
    scanned = 0
    chunk = FIRST_CHUNK  # the blob is usually near the start: read a little first
    while vaddr + HEADER_SIZE <= end and scanned < budget:
        length = min(chunk, end - vaddr)
        chunk = min(chunk * 4, SCAN_CHUNK)
        data = read(seg.offset + (vaddr - seg.vaddr), length)
        scanned += len(data)
        i = data.find(MAGIC)
        while i >= 0:
            if (vaddr + i) % ALIGN == 0:
                return (seg.offset + (vaddr - seg.vaddr) + i, vaddr + i), scanned
            i = data.find(MAGIC, i + 1)
        if len(data) < length:
            break  # end of file
        # The magic is 16-byte aligned, so it never straddles two 16-aligned chunks.
        vaddr += length
    return None, scanned


def _uvarint(data, pos):
    value = shift = 0
    while pos < len(data) and shift < 64:
        b = data[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        if b < 0x80:
            return value, pos
        shift += 7
    return None, pos


def read_buildinfo(elf, read, max_scan=MAX_SCAN):
    """The BuildInfo of a Go binary, or None when there is no (readable) blob."""
    where = locate(elf, read, max_scan)
    if where is None:
        return None
    offset, vaddr = where
    header = read(offset, HEADER_SIZE)
    if len(header) < HEADER_SIZE:
        return None
    ptr_size, flags = header[14], header[15]
    if flags & FLAG_INLINE:
        strings = []
        pos = offset + HEADER_SIZE
        for _ in range(2):
            head = read(pos, 10)
            length, used = _uvarint(head, 0)
            if length is None or length > 1 << 24:
                return None
            data = read(pos + used, length)
            if len(data) < length:
                return None
            strings.append(data)
            pos += used + length
        version, mod = strings
        layout = "inline"
    else:
        if ptr_size not in (4, 8):
            return None
        order = ">" if flags & FLAG_BIG_ENDIAN else "<"
        fmt = order + ("I" if ptr_size == 4 else "Q")
        vers_ptr = struct.unpack_from(fmt, header, 16)[0]
        mod_ptr = struct.unpack_from(fmt, header, 16 + ptr_size)[0]
        version = _go_string(elf, read, fmt, ptr_size, vers_ptr)
        mod = _go_string(elf, read, fmt, ptr_size, mod_ptr)
        layout = "pointer"
    if not version:
        return None
    if len(mod) >= 33 and mod[-17:-16] == b"\n":
        mod = mod[16:-16]
    else:
        mod = b""
    return BuildInfo(version.decode("utf-8", "replace"), mod.decode("utf-8", "replace"),
                     layout, vaddr, offset)


def _go_string(elf, read, fmt, ptr_size, addr):
    """The bytes of the Go string whose header (data, len) is at `addr`, or b""."""
    at = elf.vaddr_to_offset(addr, 2 * ptr_size)
    if at is None:
        return b""
    header = read(at, 2 * ptr_size)
    if len(header) < 2 * ptr_size:
        return b""
    data_addr = struct.unpack_from(fmt, header, 0)[0]
    length = struct.unpack_from(fmt, header, ptr_size)[0]
    if length > 1 << 24:
        return b""
    data_at = elf.vaddr_to_offset(data_addr, max(length, 1))
    if data_at is None:
        return b""
    data = read(data_at, length)
    return data if len(data) == length else b""


def parse_modinfo(text, info):
    """Fill info.path, .main, .deps and .settings from the module info text."""
    last = None
    for line in text.split("\n"):
        fields = line.split("\t")
        kind = fields[0]
        if kind == "path" and len(fields) >= 2:
            info.path = fields[1]
        elif kind in ("mod", "dep") and len(fields) >= 2:
            module = Module(fields[1], *fields[2:4])
            if kind == "mod":
                info.main = module
            else:
                info.deps.append(module)
            last = module
        elif kind == "=>" and len(fields) >= 2 and last is not None:
            last.replace = Module(fields[1], *fields[2:4])
        elif kind == "build" and len(fields) >= 2:
            setting = parse_build_setting("\t".join(fields[1:]))
            if setting is not None:
                info.settings.append(setting)


def parse_build_setting(text):
    """'CGO_ENABLED=1' -> ('CGO_ENABLED', '1'); '-ldflags="-s -w"' -> ('-ldflags', '-s -w')."""
    if text.startswith('"'):
        key, rest = _unquote_prefix(text)
        if key is None or not rest.startswith("="):
            return None
        value = rest[1:]
    else:
        key, sep, value = text.partition("=")
        if not sep:
            return None
    if value.startswith('"'):
        unquoted, rest = _unquote_prefix(value)
        if unquoted is not None and not rest:
            value = unquoted
    return key, value


_SIMPLE_ESCAPES = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92,
                   "'": 39, '"': 34}


def _unquote_prefix(text):
    """Decode the Go double-quoted string at the start of `text`: (value, rest) or
    (None, text) when it is not one."""
    try:
        return _unquote(text)
    except ValueError:  # a bad \x, \u or octal escape
        return None, text


def _unquote(text):
    out = bytearray()
    i, n = 1, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            return out.decode("utf-8", "replace"), text[i + 1:]
        if c != "\\":
            out += c.encode("utf-8")
            i += 1
            continue
        if i + 1 >= n:
            break
        e = text[i + 1]
        if e in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[e])
            i += 2
        elif e == "x" and i + 4 <= n:
            out.append(int(text[i + 2:i + 4], 16))
            i += 4
        elif e in "uU":
            width = 4 if e == "u" else 8
            out += chr(int(text[i + 2:i + 2 + width], 16)).encode("utf-8", "replace")
            i += 2 + width
        elif e in "01234567" and i + 4 <= n:
            out.append(int(text[i + 1:i + 4], 8) & 0xFF)
            i += 4
        else:
            break
    return None, text
