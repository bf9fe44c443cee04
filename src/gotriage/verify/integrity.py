"""Is a Go install what it claims to be?  Pure functions over bytes and records.

A release's programs (bin/go, bin/gofmt, pkg/tool/GOOS_GOARCH/*) carry a Go build ID,
`actionID/.../contentID`, in their ELF note "Go" of type 4.  The go command computes the
last part, the content ID, as the SHA-256 of the file with every copy of the build ID
replaced by zeros, its first 15 bytes in unpadded base64url (cmd/go/internal/work/buildid.go,
`hashToString`; `go tool buildid -w` rewrites it the same way).  A program whose bytes
changed after it was linked no longer hashes to its own content ID: that is checked here
without any list of the release's files.  (Debian's and Fedora's packages strip their
binaries after the build, so their content IDs do not match: rpm -V checks those.)
Newer releases (go1.27.3 here, not go1.21.13) also derive the GNU build ID note from the Go
build ID (`-B gobuildid`) and rewrite it with it, so that note is zeroed as well when the
plain hash does not match.
"""

import base64
import collections
import hashlib

NOTE_SCAN = 1 << 16  # the Go note sits in the first pages of the file

ToolCheck = collections.namedtuple("ToolCheck", "path build_id ok problem host_id_zeroed")
ToolCheck.__new__.__defaults__ = (False,)
ToolCheck.__doc__ = """One program of a Go tree: `ok` True when its content ID matches,
False when it does not, None when it has no Go build ID (`problem` says why);
`host_id_zeroed` whether it matched with its GNU build ID note zeroed."""


def go_build_id(data):
    """The Go build ID in the ELF note of `data` (the file's first bytes suffice), or None.

    >>> note = (4).to_bytes(4, "little") + (7).to_bytes(4, "little") + (4).to_bytes(4, "little")
    >>> go_build_id(b"\\x7fELF" + b"\\0" * 12 + note + b"Go\\0\\0" + b"abc/def" + b"\\0")
    'abc/def'
    >>> go_build_id(b"\\x7fELF not go") is None
    True
    """
    head = data[:NOTE_SCAN]
    i = head.find(b"Go\x00\x00")
    while i >= 12:
        namesz = int.from_bytes(head[i - 12:i - 8], "little")
        descsz = int.from_bytes(head[i - 8:i - 4], "little")
        kind = int.from_bytes(head[i - 4:i], "little")
        if namesz == 4 and kind == 4 and 0 < descsz < 512:
            try:
                return head[i + 4:i + 4 + descsz].decode("ascii")
            except UnicodeDecodeError:
                return None
        i = head.find(b"Go\x00\x00", i + 1)
    return None


def content_id(data, build_id, zero_host_id=False):
    """The content ID the go command computes for `data` whose build ID is `build_id`.
    With `zero_host_id`, the GNU build ID note (which the linker derives from the Go build
    ID, `-B gobuildid`, and go rewrites with it) is zeroed too, as go excludes it.

    >>> content_id(b"xx/yy" + b"hello", "xx/yy")
    'TYeuVGAEdFki-_uk3x8f'
    """
    raw = build_id.encode("ascii")
    spans = []  # (offset, length) to hash as zeros: no copy of a 20 MiB program
    i = data.find(raw)
    while i >= 0:
        spans.append((i, len(raw)))
        i = data.find(raw, i + len(raw))
    if zero_host_id:
        start, length = _gnu_build_id(data)
        if start is not None:
            spans.append((start, length))
    digest = hashlib.sha256()
    view = memoryview(data)
    at = 0
    for start, length in sorted(spans):
        if start < at:
            continue
        digest.update(view[at:start])
        digest.update(bytes(length))
        at = start + length
    digest.update(view[at:])
    return base64.urlsafe_b64encode(digest.digest()[:15]).decode("ascii").rstrip("=")


CHUNK = 1 << 20  # a program is hashed 1 MiB at a time: never held whole


def content_id_of(read, size, build_id, zero_host_id=False, head=None):
    """content_id() of the `size` bytes that `read(offset, length)` gives, read and hashed
    1 MiB at a time (one pass; a copy of the build ID across two pieces is found in the
    few bytes either side of the cut).

    >>> data = b"xx/yy" + b"hello"
    >>> content_id_of(lambda o, n: data[o:o + n], len(data), "xx/yy") == content_id(data, "xx/yy")
    True
    >>> big = b"a" * (CHUNK - 2) + b"xx/yy" + b"b" * CHUNK + b"xx/yy"
    >>> content_id_of(lambda o, n: big[o:o + n], len(big), "xx/yy") == content_id(big, "xx/yy")
    True
    """
    raw = build_id.encode("ascii")
    keep = len(raw) - 1  # bytes held back unhashed: a copy may start in them
    spans = []  # (offset, length) to hash as zeros, as found
    if zero_host_id:
        start, length = _gnu_build_id(head if head is not None else read(0, NOTE_SCAN))
        if start is not None:
            spans.append((start, length))
    digest = hashlib.sha256()
    pending, at = b"", 0  # the held-back bytes and the file offset they start at
    offset = 0
    while offset < size:
        chunk = read(offset, min(CHUNK, size - offset))
        if not chunk:
            break
        window = pending + chunk[:keep]
        i = window.find(raw)
        while 0 <= i < len(pending):  # a copy across the cut
            spans.append((at + i, len(raw)))
            i = window.find(raw, i + 1)
        i = chunk.find(raw)
        while i >= 0:
            spans.append((offset + i, len(raw)))
            i = chunk.find(raw, i + len(raw))
        _feed(digest, pending, at, spans)
        cut = max(0, len(chunk) - keep)
        view = memoryview(chunk)
        _feed(digest, view[:cut], offset, spans)
        pending, at = bytes(view[cut:]), offset + cut
        offset += len(chunk)
    _feed(digest, pending, at, spans)
    return base64.urlsafe_b64encode(digest.digest()[:15]).decode("ascii").rstrip("=")


def _feed(digest, data, at, spans):
    """Hash `data` (which starts at file offset `at`) with the parts in `spans` as zeros."""
    end = at + len(data)
    view = memoryview(data)
    done = at
    for start, length in sorted(spans):
        stop = start + length
        if stop <= done or start >= end:
            continue
        start = max(start, done)
        digest.update(view[done - at:start - at])
        digest.update(bytes(min(stop, end) - start))
        done = min(stop, end)
    digest.update(view[done - at:])


def _gnu_build_id(data):
    """(offset, length) of the GNU build ID note's descriptor (type 3), or (None, None)."""
    head = data[:NOTE_SCAN]
    i = head.find(b"GNU\x00")
    while i >= 12:
        namesz = int.from_bytes(head[i - 12:i - 8], "little")
        descsz = int.from_bytes(head[i - 8:i - 4], "little")
        kind = int.from_bytes(head[i - 4:i], "little")
        if namesz == 4 and kind == 3 and 0 < descsz <= 64:
            return i + 4, descsz
        i = head.find(b"GNU\x00", i + 1)
    return None, None


def check_program(path, read, size, host_id_first=False):
    """A ToolCheck of the program at `path`, whose `size` bytes `read(offset, length)`
    gives.  Hashing is the cost of verify: a release's programs all hash one way (its GNU
    build ID note zeroed or not), so `host_id_first` (what bin/go matched with) tries that
    way first, and an untouched program is read and hashed once; a changed one is tried
    both ways before it fails."""
    head = read(0, min(size, NOTE_SCAN))
    if not head.startswith(b"\x7fELF"):
        return ToolCheck(path, None, None, "not an ELF program: a release has only Go programs "
                                           "in bin/ and pkg/tool")
    build_id = go_build_id(head)
    if build_id is None:
        return ToolCheck(path, None, None, "no Go build ID: not a program of a Go release")
    want = build_id.rsplit("/", 1)[-1]
    tried = []
    for zero_host_id in ((True, False) if host_id_first else (False, True)):
        got = content_id_of(read, size, build_id, zero_host_id, head)
        if got == want:
            return ToolCheck(path, build_id, True, None, zero_host_id)
        tried.append(got)
    return ToolCheck(path, build_id, False, "its bytes hash to content ID %s, its build ID "
                                            "says %s: changed after it was built"
                     % (tried[-1] if host_id_first else tried[0], want))


def version_file_version(text):
    """The release a GOROOT's VERSION file names (its first line), or None.

    >>> version_file_version("go1.21.13\\ntime 2024-07-31T19:43:06Z\\n")
    'go1.21.13'
    >>> version_file_version("") is None
    True
    """
    first = (text or "").split("\n", 1)[0].strip()
    return first or None


def archive_name_version(name):
    """(version, arch) of a release archive's file name, or None.

    >>> archive_name_version("go1.21.13.linux-amd64.tar.gz")
    ('go1.21.13', 'amd64')
    >>> archive_name_version("hello.tar.gz") is None
    True
    """
    if not (name.startswith("go") and name.endswith(".tar.gz") and ".linux-" in name):
        return None
    version, _, arch = name[:-len(".tar.gz")].rpartition(".linux-")
    return (version, arch) if version and arch else None


def archive_verdict(name, sha256, published):
    """(state, expected) for an archive named `name` whose SHA-256 is `sha256`, against
    `published` (name -> SHA-256): state "match", "mismatch" or "unknown".

    >>> archive_verdict("go1.26.1.linux-amd64.tar.gz", "00", {"go1.26.1.linux-amd64.tar.gz": "ab"})
    ('mismatch', 'ab')
    """
    expected = published.get(name)
    if expected is None:
        return "unknown", None
    return ("match" if expected == sha256.lower() else "mismatch"), expected
