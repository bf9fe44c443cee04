"""/etc/ld.so.cache: the loader's list of libraries (what `ldconfig -p` prints).

Two layouts are in use (glibc sysdeps/generic/dl-cache.h):

- "new" (glibc 2.32 and later write only this): the header ``glibc-ld.so.cache1.1``,
  nlibs, len_strings, flags, extension offset, three unused words (48 bytes), then
  nlibs entries of 24 bytes (int32 flags, uint32 key, uint32 value, uint32 osversion,
  uint64 hwcap) and the strings;
- "compat" (EL7, EL8): an old ``ld.so-1.7.0`` table (12-byte entries) followed by the
  new one.  String offsets of the new entries count from the new header.

`ldconfig -p` on Debian 12 shows an entry as::

    libsystemd.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libsystemd.so.0

where "libc6,x86-64" are the flags 0x0303 (knowledge.loader.LD_CACHE_FLAGS).  Only the
names asked for are looked up: a byte search for each name, then one pass over the
entries' key offsets.  (ldconfig stores a key as the tail of its path when it can.)

A "new" cache with one entry, laid out as ldconfig writes it: the header, the entry (its
key is the tail of its path, 7 bytes into the strings), the strings:

>>> path = b"/lib64/libc.so.6\\0"
>>> cache = (NEW_MAGIC + struct.pack("<IIB3xI3I", 1, len(path), 2, 0, 0, 0, 0)
...          + struct.pack("<iIIIQ", 0x0303, NEW_HEADER + NEW_ENTRY + 7, NEW_HEADER + NEW_ENTRY, 0, 0) + path)
>>> lookup(cache, ["libc.so.6", "libsqlite3.so.0"])
{'libc.so.6': [(771, '/lib64/libc.so.6')]}
>>> print(lookup(b"not a cache", ["libc.so.6"]))
None
"""

import struct

NEW_MAGIC = b"glibc-ld.so.cache1.1"
OLD_MAGIC = b"ld.so-1.7.0"
NEW_HEADER = 48
NEW_ENTRY = 24


def lookup(data, names):
    """{name: [(flags, path), ...]} for the library names (sonames) in `names` that the
    cache lists; names it does not list are absent.  None when `data` is not a cache."""
    start = data.find(NEW_MAGIC, 0, 1 << 20)
    if start < 0 or (start > 0 and not data.startswith(OLD_MAGIC)):
        return None
    order = None
    for candidate in ("<", ">"):
        if len(data) < start + NEW_HEADER:
            return None
        nlibs = struct.unpack_from(candidate + "I", data, start + 20)[0]
        if start + NEW_HEADER + nlibs * NEW_ENTRY <= len(data):
            order = candidate
            break
    if order is None:
        return None
    entries_at = start + NEW_HEADER
    entries_end = entries_at + nlibs * NEW_ENTRY
    wanted = {}
    for name in names:
        needle = name.encode("utf-8", "replace") + b"\0"
        pos = data.find(needle, entries_end)
        while pos >= 0:
            # ldconfig merges a key into the tail of a path ("/lib64/libc.so.6" holds
            # "libc.so.6"), so any occurrence may be a key: the entries decide.
            wanted[pos - start] = name
            pos = data.find(needle, pos + 1)
    found = {}
    if not wanted:
        return found
    entry = struct.Struct(order + "iIIIQ")
    for flags, key, value, _os, _hwcap in entry.iter_unpack(data[entries_at:entries_end]):
        name = wanted.get(key)
        if name is None:
            continue
        end = data.find(b"\0", start + value)
        if end < 0:
            continue
        path = data[start + value:end].decode("utf-8", "replace")
        found.setdefault(name, []).append((flags, path))
    return found
