"""Archives from elsewhere, read so that nothing is written before every limit is checked.

An archive is read twice, forward only and with the same rules: first its headers (a
compressed archive is decompressed into nothing; nothing is written), then, once every
rule has passed, its files into a directory.  A rule is checked at the header or the
chunk that breaks it, so a bomb is refused as soon as it shows itself, never at the end:

- names: absolute, `..`, a NUL byte, deeper than `depth`, longer than `name`, a
  component longer than 255 bytes;
- kinds: symlinks, hard links, devices, FIFOs, sparse files, unknown types;
- sizes: one file over `member`, all files over `size` (as their headers declare them,
  before any data is read), more than `members` members or directories;
- compression: more than `ratio` bytes out per byte in (judged in two tiers, see
  RATIO_FLOOR);
  a truncated or corrupt archive, or a wrong checksum.

tarfile is not used: it keeps every member in a list (memory grows with their count),
reads a pax or GNU long-name header whole whatever size it declares, and stops quietly
at a bad header in the middle.  See docs/snapshot-format.md, "Reading archives safely".
"""

import errno
import gzip
import os
import stat as _stat
import zlib


class ArchiveError(Exception):
    """An archive refused; the message is one line for the user."""

    def __init__(self, message):
        Exception.__init__(self, " ".join(
            line.strip() for line in str(message).splitlines() if line.strip()))


KiB, MiB, GiB = 1 << 10, 1 << 20, 1 << 30
BLOCK = 512
CHUNK = MiB  # data is read a MiB at a time; an all-zero MiB is left as a hole
READ_AHEAD = 64 * KiB  # headers are cut from a buffer this size
# The ratio is judged in two tiers.  Data other than all-zero MiBs, against `ratio`, once
# 32 MiB of it came out (before, an archive of small files, a 512-byte header and a padded
# block each, can be far above any sane ratio).  Everything, zeros included, against
# ZEROS_RATIO_FACTOR times `ratio`, once 64 MiB came out: collect records a Go binary with
# the parts nothing read as zeros, and such a file compresses 195:1 (Debian's go 1.19,
# dynamic) to 275:1 (go 1.27, static) in gzip, where a gzip of zeros is about 1000:1.
RATIO_FLOOR = 32 * MiB
ZEROS_RATIO_FLOOR = 64 * MiB
ZEROS_RATIO_FACTOR = 2.5
MAX_TRAILING_BYTES = 16 * MiB  # after the end-of-archive blocks (tar pads to 10 KiB records)
MAX_EXTENDED_BYTES = MiB  # one pax extended header: a path, times, xattrs
MAX_EXTENDED_IN_A_ROW = 8  # pax/GNU headers in front of one member
NAME_MAX = 255  # one component of a path (Linux file systems)
_ZERO_BLOCK = bytes(BLOCK)
_ZERO_CHUNK = bytes(CHUNK)
_UNITS = {"k": KiB, "m": MiB, "g": GiB, "t": 1 << 40}


class ArchiveLimits(object):
    """What an archive from elsewhere may hold; `--archive-limits` changes any of them.
    Each is the largest value accepted: a member of exactly `member` bytes passes.

    members  members in the archive, counting the directories their names imply
    size     bytes of all the files together, as their headers declare them
    member   bytes of one file
    depth    path components of one name
    name     bytes of one name
    ratio    decompressed bytes per compressed byte (see RATIO_FLOOR)
    """

    DEFAULTS = (("members", 10000), ("size", 2 * GiB), ("member", 512 * MiB),
                ("depth", 64), ("name", 1024), ("ratio", 200))
    IN_BYTES = ("size", "member")
    # depth: removing the directory afterwards (shutil.rmtree) recurses once per level;
    # name: with the temporary directory in front, it must stay under PATH_MAX (4096)
    CEILINGS = {"depth": 256, "name": 3072}

    def __init__(self, **values):
        for key, default in self.DEFAULTS:
            setattr(self, key, values.pop(key, default))
        if values:
            raise TypeError("unknown archive limit: %s" % ", ".join(sorted(values)))

    @classmethod
    def parse(cls, text):
        """Limits from `members=N,size=4G,...` (any subset; the others keep their
        defaults); ValueError with a one-line reason for anything else."""
        keys = [key for key, _ in cls.DEFAULTS]
        values = {}
        for item in text.split(","):
            if not item.strip():
                continue
            key, eq, value = item.partition("=")
            key, value = key.strip().lower(), value.strip().lower()
            if key not in keys:
                raise ValueError("unknown limit %r (the limits are %s)" % (key, ", ".join(keys)))
            unit = 1
            if key in cls.IN_BYTES and value[-1:] in _UNITS:
                value, unit = value[:-1], _UNITS[value[-1]]
            # ASCII digits only ('²'.isdigit() is true, and int() refuses it)
            if not eq or not value or value.strip("0123456789"):
                raise ValueError("%s needs a whole number%s, as in %s=%s" % (
                    key, " of bytes (K, M, G or T after it for KiB...)" if key in cls.IN_BYTES
                    else "", key, cls.describe_value(key, dict(cls.DEFAULTS)[key])))
            number = int(value) * unit
            if number < 1:
                raise ValueError("%s must be at least 1" % key)
            if number > cls.CEILINGS.get(key, number):
                raise ValueError("%s can be at most %d" % (key, cls.CEILINGS[key]))
            values[key] = number
        return cls(**values)

    @classmethod
    def describe_value(cls, key, value):
        if key in cls.IN_BYTES:
            for suffix in "TGMK":
                if value % _UNITS[suffix.lower()] == 0:
                    return "%d%s" % (value // _UNITS[suffix.lower()], suffix)
        return "%d" % value

    def describe(self):
        return ",".join("%s=%s" % (key, self.describe_value(key, getattr(self, key)))
                        for key, _ in self.DEFAULTS)


def _amount(value):
    """A byte count for a message: exact, and in binary units when large."""
    for unit, size in (("GiB", GiB), ("MiB", MiB), ("KiB", KiB)):
        if value >= size:
            return "%d bytes (%.4g %s)" % (value, value / float(size), unit)
    return "%d bytes" % value


def _shown(name):
    """A member name for a one-line message: quoted, escaped, and cut when long."""
    text = os.fsdecode(name)
    return repr(text if len(text) <= 100 else text[:80] + "...")


def _over(origin, what, key):
    """A refusal for going over the limit `key`, saying how to allow more."""
    return ArchiveError("%s: %s: refused (--archive-limits %s=N to allow more)"
                        % (origin, what, key))


def _optional(module):
    """bz2 or lzma, imported only for an archive that needs it; None when this Python
    was built without it."""
    try:
        return __import__(module)
    except ImportError:
        return None


class _Counting(object):
    """The archive file as its decompressor sees it: counts the bytes read."""

    mode = "rb"

    def __init__(self, f):
        self.f = f
        self.count = 0

    def read(self, size=-1):
        data = self.f.read(size)
        self.count += len(data)
        return data

    def readable(self):
        return True


class _TarStream(object):
    """The tar data of an archive file (gzip, bzip2, xz or none, told by its first bytes,
    not its name), read forward only.  Any error of the decompressor becomes a one-line
    ArchiveError, and so does a ratio of tar data to compressed bytes above the limit."""

    def __init__(self, f, origin, limits):
        self.file, self.origin, self.limits = f, origin, limits
        self.raw = _Counting(f)
        magic = f.read(6)
        f.seek(0)
        self.size = os.fstat(f.fileno()).st_size
        self.out = 0  # tar bytes delivered (or skipped) so far
        self.pulled = 0  # bytes taken from the decompressor or the file
        self.zeros = 0  # of which in all-zero pulls of at least READ_AHEAD bytes
        self.buf, self.pos = b"", 0
        self.kind, self.source = "tar", self.raw
        # what a decompressor raises for corrupt or truncated data
        self.errors = (OSError, EOFError, ValueError, zlib.error)
        if magic[:2] == b"\x1f\x8b":
            self.kind, self.source = "gzip", gzip.GzipFile(fileobj=self.raw, mode="rb")
        elif magic[:3] == b"BZh":
            bz2 = _optional("bz2")
            if bz2 is not None:  # else read as a tar, and refused as not one
                self.kind, self.source = "bzip2", bz2.BZ2File(self.raw)
        elif magic == b"\xfd7zXZ\x00":
            lzma = _optional("lzma")
            if lzma is not None:
                self.kind, self.source = "xz", lzma.LZMAFile(self.raw)
                self.errors += (lzma.LZMAError,)
        self.compressed = self.kind != "tar"

    def _pull(self, size):
        """Up to `size` bytes from the decompressor (or the file), fewer only at the end."""
        try:
            data = self.source.read(size)
            if 0 < len(data) < size:
                pieces = [data]
                got = len(data)
                while got < size:
                    more = self.source.read(size - got)
                    if not more:
                        break
                    pieces.append(more)
                    got += len(more)
                data = b"".join(pieces)
        except self.errors as exc:
            if isinstance(exc, EOFError):
                raise ArchiveError("%s: truncated archive: the %s data ends early (%s)"
                                   % (self.origin, self.kind, exc)) from None
            raise ArchiveError("%s: corrupt archive: %s" % (self.origin, exc)) from None
        self.pulled += len(data)
        if not self.compressed:
            return data
        if len(data) >= READ_AHEAD and not data.strip(b"\0"):
            self.zeros += len(data)
        most = self.limits.ratio * self.raw.count
        other = self.pulled - self.zeros
        if other > RATIO_FLOOR and other > most:
            raise ArchiveError(
                "%s: %d bytes of %s data decompress to %s besides runs of zeros, more than "
                "%d times as many: refused as a decompression bomb (--archive-limits ratio=N "
                "to allow more)" % (self.origin, self.raw.count, self.kind, _amount(other),
                                    self.limits.ratio))
        if self.pulled > ZEROS_RATIO_FLOOR and self.pulled > most * ZEROS_RATIO_FACTOR:
            raise ArchiveError(
                "%s: %d bytes of %s data decompress to %s, zeros included, more than %g "
                "times as many (%g x the ratio limit): refused as a decompression bomb "
                "(--archive-limits ratio=N to allow more, e.g. for a snapshot of large Go "
                "binaries, which collect records mostly as zeros)"
                % (self.origin, self.raw.count, self.kind, _amount(self.pulled),
                   self.limits.ratio * ZEROS_RATIO_FACTOR, ZEROS_RATIO_FACTOR))
        return data

    def read(self, size):
        """`size` bytes of tar data, fewer only at its end.  Headers come from a buffer
        of READ_AHEAD bytes (a call to the decompressor per header is most of a scan's
        time), data straight from the decompressor."""
        pos = self.pos
        if pos + size <= len(self.buf):
            self.pos = pos + size
            data = self.buf[pos:pos + size]
        else:
            data = self.buf[pos:]
            self.buf, self.pos = b"", 0
            need = size - len(data)
            if need >= READ_AHEAD:
                data += self._pull(need)
            else:
                self.buf = self._pull(READ_AHEAD)
                self.pos = min(need, len(self.buf))
                data += self.buf[:self.pos]
        self.out += len(data)
        return data

    def skip(self, size):
        """Pass over `size` bytes of tar data (an uncompressed archive by seeking);
        returns how many there were."""
        buffered = min(size, len(self.buf) - self.pos)
        self.pos += buffered
        self.out += buffered
        rest = size - buffered
        if not rest:
            return size
        self.buf, self.pos = b"", 0
        if not self.compressed:
            rest = max(0, min(rest, self.size - self.pulled))
            self.file.seek(rest, os.SEEK_CUR)
            self.pulled += rest
            self.out += rest
            return buffered + rest
        done = 0
        while done < rest:
            data = self._pull(min(CHUNK, rest - done))
            if not data:
                break
            done += len(data)
        self.out += done
        return buffered + done

    def close(self):
        if self.compressed:
            self.source.close()


class _Member(object):
    __slots__ = ("name", "parts", "kind", "size")

    def __init__(self, name, parts, kind, size):
        self.name, self.parts, self.kind, self.size = name, parts, kind, size


class Tally(object):
    """What a scan learnt: counts, sizes, and whether the file named `marker` (a
    snapshot's manifest) is at the top or in the one top-level directory."""

    def __init__(self, marker=None, watch=()):
        self.members = self.dirs = self.bytes = self.to_write = 0
        self.marker = os.fsencode(marker) if marker else None
        # names looked for at the top or in a top-level directory (a sosreport's layout:
        # sos_commands, version.txt...), with the depth they were seen at
        self.watch = frozenset(os.fsencode(name) for name in watch)
        self.seen = set()
        self.marker_at_top = False
        self.top_dirs = set()  # at most 2 kept: only "exactly one" matters
        self.marker_dirs = set()

    def note(self, parts, kind):
        if self.watch:
            for depth, part in enumerate(parts[:2]):
                if part in self.watch:
                    self.seen.add((depth, os.fsdecode(part)))
        if len(parts) == 1:
            if kind == "file" and parts[0] == self.marker:
                self.marker_at_top = True
            if kind != "dir":
                return
        if parts and len(self.top_dirs) < 2:
            self.top_dirs.add(parts[0])
        if (len(parts) == 2 and kind == "file" and parts[1] == self.marker
                and len(self.marker_dirs) < 2):
            self.marker_dirs.add(parts[0])

    def has_marker(self):
        return self.marker_at_top or (len(self.top_dirs) == 1
                                      and self.top_dirs <= self.marker_dirs)


def _number(field):
    """A numeric header field: octal text, or base-256 (GNU) when its first byte says so."""
    if field[:1] in (b"\x80", b"\xff"):
        value = int.from_bytes(field[1:], "big")
        return value - 256 ** (len(field) - 1) if field[:1] == b"\xff" else value
    text = field.split(b"\0", 1)[0].strip()
    if text.translate(None, b"01234567"):
        raise ValueError("not an octal number: %r" % text)
    return int(text, 8) if text else 0


def _header(block):
    """(name, type flag, size, link target) of a 512-byte tar header, or None when it is
    not one."""
    try:
        checksum = _number(block[148:156])
        size = _number(block[124:136])
    except ValueError:
        return None
    unsigned = 256 + sum(block) - sum(block[148:156])  # the checksum field as spaces
    if checksum != unsigned:
        high = sum(1 for b in block[:148] + block[156:] if b > 127)
        if checksum != unsigned - 256 * high:  # some old tars summed signed chars
            return None
    name = block[:100].split(b"\0", 1)[0]
    typeflag = block[156:157]
    prefix = block[345:500].split(b"\0", 1)[0]
    if prefix and block[257:263] == b"ustar\0":  # POSIX ustar splits a long name in two
        name = prefix + b"/" + name
    return name, typeflag, size, block[157:257].split(b"\0", 1)[0]


def _pax_records(data, origin):
    """The key=value records of a pax extended header (values are bytes, as in the name)."""
    records = {}
    pos = 0
    while pos < len(data) and data[pos:pos + 1] != b"\0":
        space = data.find(b" ", pos)
        length = data[pos:space]
        if space < 0 or not length.isdigit() or int(length) <= space - pos:
            raise ArchiveError("%s: corrupt archive: a pax header is malformed" % origin)
        end = pos + int(length)
        record = data[space + 1:end]
        if end > len(data) or not record.endswith(b"\n") or b"=" not in record:
            raise ArchiveError("%s: corrupt archive: a pax header is malformed" % origin)
        key, _, value = record[:-1].partition(b"=")
        records[key] = value
        pos = end
    return records


_KINDS = {b"0": "file", b"\0": "file", b"7": "file", b"5": "dir", b"1": "link", b"2": "link",
          b"3": "special file", b"4": "special file", b"6": "special file",
          b"S": "sparse file"}


def _member_parts(name, origin, limits):
    """The components of a member's name, after the rules on names."""
    if b"\0" in name:
        raise ArchiveError("%s: member %s has a NUL byte in its name: refused"
                           % (origin, _shown(name)))
    parts = [p for p in name.split(b"/") if p not in (b"", b".")]
    if name.startswith(b"/") or b".." in parts:
        raise ArchiveError("%s: member %s would escape the snapshot: refused"
                           % (origin, _shown(name)))
    if len(parts) > limits.depth:
        raise _over(origin, "member %s is %d directories deep (the limit is %d)"
                    % (_shown(name), len(parts), limits.depth), "depth")
    if len(name) > limits.name:
        raise _over(origin, "member %s has a name of %d bytes (the limit is %d)"
                    % (_shown(name), len(name), limits.name), "name")
    if any(len(part) > NAME_MAX for part in parts):
        raise ArchiveError("%s: member %s has a path component longer than %d bytes "
                           "(no file system takes it): refused" % (origin, _shown(name), NAME_MAX))
    return parts


def _walk(stream, limits, origin, tally, links=None):
    """Each member of the archive, once every rule on its header has passed.  The caller
    may read the member's data (at most its size) before asking for the next; what it did
    not read is skipped.  With `links` (a dict), a symbolic link is not refused but kept
    there, its name's components -> its target (bytes), and never written: a sosreport
    holds hundreds (sos copies /etc/os-release and the enabled units as the links they
    are), which its host resolves inside the report (host/sosreport.py).  Ends by reading what follows the end-of-archive block (at most
    MAX_TRAILING_BYTES), so that the decompressor verifies the archive's checksum."""
    extended = {}  # pax and GNU long-name values for the next member
    in_a_row = 0
    previous_dirs = ()
    first = True
    while True:
        block = stream.read(BLOCK)
        if not block and not first:
            break  # no end-of-archive block: tarfile and GNU tar accept that too
        if block == _ZERO_BLOCK:
            break
        header = _header(block) if len(block) == BLOCK else None
        if first and header is None:
            raise ArchiveError("%s: not a snapshot directory or archive (%s)" % (origin, (
                "an empty file" if not block else "the %s data is not a tar" % stream.kind
                if stream.compressed else "no gzip, bzip2, xz or tar header")))
        if header is None:
            if len(block) < BLOCK:
                raise ArchiveError("%s: truncated archive: it ends inside a header" % origin)
            raise ArchiveError("%s: corrupt archive: a bad tar header %d bytes in"
                               % (origin, stream.out - BLOCK))
        first = False
        name, typeflag, size, linkname = header
        if size < 0:
            raise ArchiveError("%s: corrupt archive: a header declares %d bytes" % (origin, size))
        if typeflag in (b"x", b"g", b"L", b"K"):  # about the next member (or all, for g)
            in_a_row += 1
            if in_a_row > MAX_EXTENDED_IN_A_ROW:
                raise ArchiveError("%s: corrupt archive: %d extended headers in a row"
                                   % (origin, in_a_row))
            if typeflag == b"L" and size > limits.name + 1:
                raise _over(origin, "a member has a name of %d bytes (the limit is %d)"
                            % (size - 1, limits.name), "name")
            if size > MAX_EXTENDED_BYTES:
                raise ArchiveError("%s: an extended header of %s, over the limit of %s: "
                                   "refused" % (origin, _amount(size), _amount(MAX_EXTENDED_BYTES)))
            data = stream.read(size)
            if len(data) < size or stream.skip(-size % BLOCK) < -size % BLOCK:
                raise ArchiveError("%s: truncated archive: it ends inside a header" % origin)
            if typeflag in (b"L", b"K"):
                extended[b"path" if typeflag == b"L" else b"linkpath"] = data.split(b"\0", 1)[0]
                continue
            records = _pax_records(data, origin)
            if typeflag == b"x":
                extended.update(records)
            elif any(k in (b"path", b"size") or k.startswith(b"GNU.sparse.") for k in records):
                raise ArchiveError("%s: a global pax header sets a name or a size for every "
                                   "member: unsupported, refused" % origin)
            continue
        in_a_row = 0
        name = extended.get(b"path", name)
        linkname = extended.get(b"linkpath", linkname)
        if b"size" in extended:
            if not extended[b"size"].isdigit():
                raise ArchiveError("%s: corrupt archive: a pax size is not a number" % origin)
            size = int(extended[b"size"])
        sparse = any(k.startswith(b"GNU.sparse.") for k in extended)
        if sparse:  # GNU tar's pax sparse formats hide the real name here
            name = extended.get(b"GNU.sparse.name", name)
        extended = {}

        parts = _member_parts(name, origin, limits)
        kind = "sparse file" if sparse else _KINDS.get(typeflag)
        if kind is None:
            raise ArchiveError("%s: member %s has the unsupported type %r: refused"
                               % (origin, _shown(name), typeflag.decode("latin-1")))
        if kind == "file" and typeflag == b"\0" and name.endswith(b"/"):
            kind = "dir"
        if kind == "link" and links is not None and typeflag == b"2" and not size:
            if b"\0" in linkname or len(linkname) > limits.name or not linkname:
                raise ArchiveError("%s: member %s is a link to a bad target: refused"
                                   % (origin, _shown(name)))
            tally.members += 1
            if tally.members + tally.dirs > limits.members:
                raise _over(origin, "more than %d members, counting the directories their "
                            "names imply" % limits.members, "members")
            links[tuple(parts)] = linkname
            tally.note(parts, "link")
            continue
        if kind == "link":
            raise ArchiveError("%s: member %s is a link: refused" % (origin, _shown(name)))
        if kind not in ("file", "dir"):
            raise ArchiveError("%s: member %s is a %s: refused" % (origin, _shown(name), kind))
        # What unpacking makes: this member, and the directories its name implies that the
        # previous member's did not (an upper bound of the distinct ones; exact for an
        # archive that lists a directory's files together, as collect and tar write them).
        parents = tuple(parts[:-1])
        shared = 0
        while (shared < min(len(parents), len(previous_dirs))
               and parents[shared] == previous_dirs[shared]):
            shared += 1
        tally.members += 1
        tally.dirs += len(parents) - shared
        previous_dirs = tuple(parts) if kind == "dir" else parents
        if tally.members + tally.dirs > limits.members:
            raise _over(origin, "more than %d members, counting the directories their names "
                        "imply" % limits.members, "members")
        if kind == "dir" and size:
            raise ArchiveError("%s: corrupt archive: directory %s declares %d bytes of data"
                               % (origin, _shown(name), size))
        if size > limits.member:
            raise _over(origin, "member %s is %s, over the limit of %s"
                        % (_shown(name), _amount(size), _amount(limits.member)), "member")
        tally.bytes += size
        if tally.bytes > limits.size:
            raise _over(origin, "its files add up to more than %s" % _amount(limits.size),
                        "size")
        tally.note(parts, kind)

        start = stream.out
        if parts:
            yield _Member(name, parts, kind, size)
        rest = size - (stream.out - start) + (-size % BLOCK)
        if stream.skip(rest) < rest:
            raise ArchiveError("%s: truncated archive: member %s ends early"
                               % (origin, _shown(name)))
    if stream.compressed:
        trailing = 0
        while True:
            data = stream.read(CHUNK)
            if not data:
                break
            trailing += len(data)
            if trailing > MAX_TRAILING_BYTES:
                break
    else:
        trailing = stream.size - stream.out
    if trailing > MAX_TRAILING_BYTES:
        raise ArchiveError("%s: more than %s after the end of the archive: refused"
                           % (origin, _amount(MAX_TRAILING_BYTES)))


def _data(stream, member, origin):
    """A member's data, a CHUNK at a time."""
    left = member.size
    while left:
        data = stream.read(min(CHUNK, left))
        if not data:
            raise ArchiveError("%s: truncated archive: member %s ends early"
                               % (origin, _shown(member.name)))
        left -= len(data)
        yield data


def open_archive(path):
    """The archive file, open for reading; a FIFO or a device is refused (an archive is
    read twice, and opening a FIFO would wait for a writer)."""
    if not os.path.exists(path):
        raise ArchiveError("%s: no such file or directory" % path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise ArchiveError("%s: cannot read: %s" % (path, exc.strerror or exc)) from None
    if not _stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise ArchiveError("%s: not a snapshot directory or archive file" % path)
    return os.fdopen(fd, "rb")


def scan_archive(f, origin, limits, marker=None, links=None, watch=()):
    """Pass 1: every header of the open archive `f` against `limits`, writing nothing.
    Returns the Tally; to_write leaves out the all-zero MiBs that unpacking leaves as
    holes (for an uncompressed archive, whose data is skipped by seeking, it is the size).
    `links`: a dict that keeps the symbolic links instead of refusing them (_walk);
    `watch`: names whose presence near the top the Tally notes (Tally.seen)."""
    tally = Tally(marker, watch)
    stream = _TarStream(f, origin, limits)
    try:
        for member in _walk(stream, limits, origin, tally, links):
            if member.kind != "file":
                continue
            if not stream.compressed:
                tally.to_write += member.size
                continue
            for data in _data(stream, member, origin):  # read anyway: it must be decompressed
                if data != _ZERO_CHUNK:
                    tally.to_write += len(data)
    finally:
        stream.close()
    return tally


def unpack_archive(f, origin, limits, target, links=None):
    """Pass 2: the files of the open archive `f` into the empty directory `target`, with
    the same rules.  Files are created O_EXCL|O_NOFOLLOW, mode 0600 (a duplicate, or
    anything already there, is refused); directories 0700, one level at a time.  `links`:
    a dict that gets the symbolic links, which are never written (_walk)."""
    base = os.fsencode(target)
    stream = _TarStream(f, origin, limits)
    made = None  # the last directory made or found: archives list a directory's files together
    try:
        for member in _walk(stream, limits, origin, Tally(), links):
            dest = os.path.join(base, *member.parts)
            try:
                if member.kind == "dir":
                    _makedirs(base, member.parts)
                    continue
                if member.parts[:-1] != made:
                    _makedirs(base, member.parts[:-1])
                    made = member.parts[:-1]
                fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
                with os.fdopen(fd, "wb") as out:
                    holes = False
                    for data in _data(stream, member, origin):
                        if data == _ZERO_CHUNK:
                            out.seek(CHUNK, os.SEEK_CUR)
                            holes = True
                        else:
                            out.write(data)
                    if holes:
                        out.truncate(member.size)
            except OSError as exc:
                reason = ("it is in the archive twice, or clashes with a directory"
                          if exc.errno == errno.EEXIST else exc.strerror or str(exc))
                raise ArchiveError("%s: cannot unpack member %s: %s: refused"
                                   % (origin, _shown(member.name), reason)) from None
    finally:
        stream.close()


def _makedirs(base, parts):
    """base/parts..., each level made 0700 if missing, without recursion (a deep name
    must not exhaust the stack) and never through something that is not a directory."""
    path = base
    for part in parts:
        path = os.path.join(path, part)
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            if not _stat.S_ISDIR(os.lstat(path).st_mode):
                raise OSError(errno.ENOTDIR, "a file of that name is in the way") from None


def check_room(directory, tally, origin):
    """Refuse before unpacking what the temporary directory's file system cannot hold."""
    try:
        st = os.statvfs(directory)
    except OSError:
        return  # mkdtemp will say what is wrong with it
    free = st.f_bavail * st.f_frsize
    needed = tally.to_write + 4096 * (tally.members + tally.dirs)
    if needed > free:
        raise ArchiveError("%s: unpacking needs about %s in %s, which has %s free: refused "
                           "(set TMPDIR to a directory with room)"
                           % (origin, _amount(needed), directory, _amount(free)))
