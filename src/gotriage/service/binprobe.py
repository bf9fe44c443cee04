"""A quick look at a service's program: is it ELF, for which machine, which loader
(PT_INTERP), and is it a Go binary (the "\\xff Go buildinf:" blob that `go version -m`
reads)?  Also: is it a script, and which interpreter does its #! line name.

This is only what the service layer needs to pick Go services and explain 203/EXEC; the
whole analysis (glibc versions, libraries) is the binary layer's `analyse_binary`
(gotriage.binary), used through `analyse()` when it is there.

`read(offset, length)` returns up to `length` bytes of the file (fewer at its end), e.g.
``lambda o, n: host.read_range(path, o, n)``.
"""

import struct

ELF_MAGIC = b"\x7fELF"
GO_MAGIC = b"\xff Go buildinf:"
PT_LOAD, PT_INTERP = 1, 3
PF_W = 2
SCAN_LIMIT = 64 << 20  # bytes of writable segments searched for the Go blob
CHUNK = 1 << 20

# e_machine -> `uname -m`
MACHINES = {3: "i686", 8: "mips", 20: "ppc", 21: "ppc64", 22: "s390x", 40: "armv7l",
            62: "x86_64", 183: "aarch64", 243: "riscv64", 258: "loongarch64"}
# `uname -m` spellings of the same machine.
SAME_MACHINE = {"i386": "i686", "i486": "i686", "i586": "i686", "amd64": "x86_64",
                "arm64": "aarch64", "armv8l": "armv7l", "armhf": "armv7l"}


def normalise_machine(name):
    return SAME_MACHINE.get(name, name) if name else name


class Probe(object):
    def __init__(self):
        self.kind = None  # "elf", "script", "empty", "other"
        self.machine = None
        self.bits = None
        self.interp = None
        self.go = False
        self.go_version = None
        self.shebang = None  # the #! line's interpreter and argument
        self.error = None  # why it could not be read as far as wanted


def probe(read, size=None):
    """A Probe of the file behind `read`.  Never raises on malformed input."""
    p = Probe()
    try:
        head = read(0, 4096)
    except Exception as exc:  # a HostError from the reader
        p.error = str(exc)
        return p
    if not head:
        p.kind = "empty"
        return p
    if head.startswith(b"#!"):
        p.kind = "script"
        line = head[2:].split(b"\n", 1)[0].decode("utf-8", "replace").strip()
        p.shebang = line
        return p
    if not head.startswith(ELF_MAGIC) or len(head) < 52:
        p.kind = "other"
        return p
    p.kind = "elf"
    try:
        _elf(p, head, read, size)
    except (struct.error, ValueError, IndexError) as exc:
        p.error = "malformed ELF headers: %s" % exc
    except Exception as exc:
        p.error = str(exc)
    return p


def _elf(p, head, read, size):
    cls, data = head[4], head[5]
    p.bits = 64 if cls == 2 else 32
    end = "<" if data == 1 else ">"
    if p.bits == 64:
        e_machine, = struct.unpack_from(end + "H", head, 18)
        phoff, = struct.unpack_from(end + "Q", head, 32)
        phentsize, phnum = struct.unpack_from(end + "HH", head, 54)
    else:
        e_machine, = struct.unpack_from(end + "H", head, 18)
        phoff, = struct.unpack_from(end + "I", head, 28)
        phentsize, phnum = struct.unpack_from(end + "HH", head, 42)
    name = MACHINES.get(e_machine, "machine %d" % e_machine)
    if e_machine == 21 and data == 1:
        name = "ppc64le"
    p.machine = name
    if phnum == 0 or phnum > 512 or phentsize < (56 if p.bits == 64 else 32):
        return
    table = read(phoff, phentsize * phnum)
    segments = []
    for i in range(phnum):
        off = i * phentsize
        if off + phentsize > len(table):
            break
        if p.bits == 64:
            p_type, flags, offset, vaddr, _, filesz = struct.unpack_from(end + "IIQQQQ", table, off)
        else:
            p_type, offset, vaddr, _, filesz, _, flags = struct.unpack_from(end + "IIIIIII", table, off)
        segments.append((p_type, flags, offset, filesz))
    for p_type, _flags, offset, filesz in segments:
        if p_type == PT_INTERP and 0 < filesz < 4096:
            p.interp = read(offset, filesz).split(b"\0", 1)[0].decode("utf-8", "replace")
    budget = SCAN_LIMIT
    for p_type, flags, offset, filesz in segments:
        if p_type != PT_LOAD or not flags & PF_W or budget <= 0:
            continue
        pos, end_at = offset, offset + min(filesz, budget)
        while pos < end_at:
            chunk = read(pos, min(CHUNK, end_at - pos) + len(GO_MAGIC))
            if not chunk:
                break
            at = chunk.find(GO_MAGIC)
            while at >= 0:
                if (pos + at) % 16 == 0:
                    p.go = True
                    p.go_version = _go_version(read, pos + at)
                    return
                at = chunk.find(GO_MAGIC, at + 1)
            pos += CHUNK
        budget -= filesz


def _go_version(read, offset):
    """The version string of a Go >= 1.18 blob (inline strings), else None."""
    blob = read(offset, 32 + 64)
    if len(blob) < 34 or not blob[15] & 0x2:
        return None
    length, pos = 0, 32
    shift = 0
    while pos < len(blob):
        byte = blob[pos]
        length |= (byte & 0x7F) << shift
        pos += 1
        if not byte & 0x80:
            break
        shift += 7
    text = blob[pos:pos + length]
    try:
        version = text.decode("ascii")
    except UnicodeDecodeError:
        return None
    return version if version.startswith("go") else None


def analyse(host, path, notes=None):
    """The binary layer's findings about `path` on `host` ("will it run here"), or None
    when gotriage.binary is not there; a one-line reason (str) when the binary layer
    cannot examine the file."""
    try:
        from gotriage.binary import BinaryError, analyse_binary
    except ImportError:
        return None
    try:
        return analyse_binary(host, path, "host", notes=notes)
    except BinaryError as exc:
        return str(exc)
