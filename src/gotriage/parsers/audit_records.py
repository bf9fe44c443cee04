"""One audit record at a time, for the scanner in audit.py (which re-exports every name
here): a record's `name=value` fields (hex decoded), its header, a security context,
the body of an AVC, SELINUX_ERR's compute_sid, a SOCKADDR; and the records a scan fills
(Denial, FailedUnit, ScanResult).

A real SELINUX_ERR record (tests/data/selinux/sepolgen-httpd.log, from SELinux's
sepolgen tests) and a SOCKADDR as auditd writes it with `log_format = ENRICHED`
(tests/data/selinux/go-8080.log; `\\x1d` is the 0x1D byte before auditd's translation):

>>> parse_header(b"type=SELINUX_ERR msg=audit(1163774199.777:11573): security_compute_sid:  invalid context staff_u:staff_r:staff_userhelper_t:s0 for scontext=staff_u:staff_r:staff_t:s0 tcontext=system_u:object_r:userhelper_exec_t:s0 tclass=process")
('', 'SELINUX_ERR', 1163774199, 777, 11573)
>>> parse_compute_sid("security_compute_sid:  invalid context staff_u:staff_r:staff_userhelper_t:s0 for scontext=staff_u:staff_r:staff_t:s0 tcontext=system_u:object_r:userhelper_exec_t:s0 tclass=process")
('staff_r', 'staff_userhelper_t', 'staff_u:staff_r:staff_t:s0', 'system_u:object_r:userhelper_exec_t:s0', 'process')
>>> record = "saddr=0A001F90000000000000000000000000000000000000000000000000\\x1dSADDR={ saddr_fam=inet6 laddr=:: lport=8080 }"
>>> raw, enriched = record.split("\\x1d")
>>> parse_sockaddr(parse_fields(raw), enriched)
('inet6', '::', 8080)
>>> parse_sockaddr(parse_fields(raw))
('inet6', '0000:0000:0000:0000:0000:0000:0000:0000', 8080)
"""

import re
from sys import intern

# Fields the kernel and auditd write in hex when their value needs it
# (audit_log_untrustedstring and friends).
HEX_FIELDS = frozenset(["comm", "exe", "path", "name", "cwd", "proctitle", "cmd", "acct",
                        "data", "key", "dir", "file", "new", "old", "ocomm", "root_dir",
                        "cmdline", "old-chardev", "new-chardev", "vm", "watch", "unit"])
_HEX = re.compile(r"^(?:[0-9A-F]{2})+$")
# A name starts where a word does: without the look-behind, findall tried every position
# of a long run of letters, each a scan to the run's end (a 1 MB line took hours).
_FIELD = re.compile(r"(?<![\w-])([A-Za-z_][\w-]*)=(\"[^\"]*\"?|'[^']*'?|\S*)")
_HEADER = re.compile(
    br"(?:(?:node|host)=(\S*) )?type=(\S+) (?:msg=)?audit\((\d{1,11})\.(\d{1,9}):(\d+)\)")
_PERMS = re.compile(r"\b(denied|granted)\s+\{([^}]*)\}")


class AuditParseError(ValueError):
    pass


def decode_value(name, value):
    """One field's value as text: quotes removed, hex decoded where the field may be hex
    (NUL-separated proctitle arguments become spaces), `(null)` and `?` kept as they are."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    if value[:1] in "\"'":
        return value[1:]  # truncated quoted value
    if name in HEX_FIELDS and _HEX.match(value):
        raw = bytes(bytearray.fromhex(value))
        return raw.rstrip(b"\0").replace(b"\0", b" ").decode("utf-8", "replace")
    return value.rstrip(",')")


def parse_fields(text, wanted=None):
    """{name: value} of the `name=value` fields of a record's text (only the names in
    `wanted`, when given); the first occurrence of a name wins (a record glued to the
    next one keeps its own fields).  A field whose raw value holds a NUL byte is left
    out."""
    fields = {}
    for name, value in _FIELD.findall(text):
        if name not in fields and (wanted is None or name in wanted):
            if "\0" in value:
                # the kernel writes a value holding a NUL in hex; a raw NUL is a damaged
                # record (a crash's zero-filled block): no path, comm or context has one
                continue
            fields[name] = decode_value(name, value)
    return fields


# a field's value, as _FIELD reads it (a group, for the patterns made of it)
VALUE = r"(\"[^\"]*\"?|'[^']*'?|\S*)"
_VALUE = re.compile(VALUE)


def take_fields(text, names):
    """parse_fields(text, names) for a kernel record, without reading the fields that are
    not wanted: each name is looked for after a space (or at the start).  The kernel
    writes a value holding a space or a quote in hex, so what follows a space is a field;
    a record with a `'`, a name not found that way, or found after an odd number of `"`
    (inside a quoted value) is read by parse_fields.  `names`: (name, " name=") pairs.

    >>> take_fields('arch=c000003e syscall=59 success=no comm="goapi" exe="/usr/bin/x"',
    ...             (("comm", " comm="), ("syscall", " syscall=")))
    {'comm': 'goapi', 'syscall': '59'}
    """
    if "'" in text:
        return parse_fields(text, [name for name, _needle in names])
    fields = {}
    for name, needle in names:
        if text.startswith(needle[1:]):
            at, start = 0, len(needle) - 1
        else:
            at = text.find(needle)
            start = at + len(needle)
        while True:
            if at == -1 or text.count('"', 0, at) % 2:
                return parse_fields(text, [n for n, _needle in names])
            value = _VALUE.match(text, start).group()
            if "\0" not in value:
                fields[name] = decode_value(name, value)
                break
            at = text.find(needle, start)
            start = at + len(needle)
    return fields


# The other records of a denial's event that the scanner reads, and the fields taken
# from each.
CONTEXT_FIELDS = {
    "SYSCALL": frozenset(["comm", "exe", "syscall", "success", "exit"]),
    "PATH": frozenset(["name", "inode"]),
    "CWD": frozenset(["cwd"]),
    "PROCTITLE": frozenset(["proctitle"]),
    "SOCKADDR": frozenset(["saddr"]),
    "AVC_PATH": frozenset(["path"]),
}
# the same as take_fields wants them, in the order they come in the kernel's records
_CONTEXT_NEEDLES = {
    rtype: tuple((name, " %s=" % name) for name in sorted(
        names, key=["syscall", "success", "exit", "comm", "exe", "name", "inode"].index
        if rtype in ("SYSCALL", "PATH") else None))
    for rtype, names in CONTEXT_FIELDS.items()}
# The fields of the records read most, in the order the kernel writes them: one match
# reads them all (a record written otherwise, or with a NUL in a value, is read by
# take_fields).  No quote may come before them: outside a quoted value, a name after a
# space is a field (the values are matched as parse_fields matches them).
_FAST_FIELDS = {
    "SYSCALL": (re.compile(r"[^\"']*? syscall=%s success=%s exit=%s [^\"']*? comm=%s exe=%s" % (
        (VALUE,) * 5)), ("syscall", "success", "exit", "comm", "exe")),
    "PATH": (re.compile(r"[^\"']*? name=%s inode=%s" % (VALUE, VALUE)), ("name", "inode")),
    "CWD": (re.compile(r"cwd=%s" % VALUE), ("cwd",)),
    "PROCTITLE": (re.compile(r"proctitle=%s" % VALUE), ("proctitle",)),
}


def context_fields(rtype, text):
    """The CONTEXT_FIELDS of a record of type `rtype` from its text after the header:
    parse_fields(text, CONTEXT_FIELDS[rtype]), sooner for a record as the kernel writes
    it (the sample of take_fields, as a SYSCALL record):

    >>> context_fields("SYSCALL", 'arch=c000003e syscall=59 success=no exit=-13 a0=1 '
    ...                'comm="goapi" exe="/usr/bin/x" subj=system_u:system_r:init_t:s0')
    {'syscall': '59', 'success': 'no', 'exit': '-13', 'comm': 'goapi', 'exe': '/usr/bin/x'}
    """
    fast = _FAST_FIELDS.get(rtype)
    if fast is not None:
        match = fast[0].match(text)
        if match is not None:
            values = match.groups()
            if not any("\0" in value for value in values):
                return {name: decode_value(name, value) for name, value in zip(fast[1], values)}
    return take_fields(text, _CONTEXT_NEEDLES[rtype])


def parse_header(line):
    """(node, type, seconds, millis, serial) of a record line (bytes), or None."""
    match = _HEADER.match(line)
    if not match:
        return None
    node, rtype, sec, ms, serial = match.groups()
    return ((node or b"").decode("ascii", "replace"), rtype.decode("ascii", "replace"),
            int(sec), int(ms), int(serial))


def split_context(context):
    """(user, role, type, level) of a security context; the level keeps its colons
    (`s0-s0:c0.c1023`).  Raises AuditParseError when it has fewer than three fields."""
    parts = context.split(":")
    if len(parts) < 3 or not parts[2]:
        raise AuditParseError("not a security context: %r" % context)
    return parts[0], parts[1], parts[2], ":".join(parts[3:]) or None


class AvcRecord(object):
    """One parsed AVC or USER_AVC record."""

    __slots__ = ("kind", "result", "perms", "scontext", "tcontext", "stype", "ttype", "tclass",
                 "permissive", "fields")

    def __init__(self, kind, result, perms, scontext, tcontext, tclass, permissive, fields):
        self.kind = kind
        self.result = result
        self.perms = perms
        self.scontext = scontext
        self.tcontext = tcontext
        self.stype = split_context(scontext)[2]
        self.ttype = split_context(tcontext)[2]
        self.tclass = tclass
        self.permissive = permissive
        self.fields = fields


def parse_avc_body(body, kind="AVC", wanted=None):
    """An AvcRecord from the text that starts at `avc:` (str), with the fields named in
    `wanted` (default: all of them; scontext, tcontext, tclass and permissive are always
    read).  Raises AuditParseError when a required part (the permission set, scontext,
    tcontext, tclass) is missing."""
    match = _PERMS.search(body)
    if not match:
        raise AuditParseError("no { permissions }")
    perms = tuple(sorted(set(match.group(2).split())))
    if not perms:
        raise AuditParseError("empty permission set")
    fields = parse_fields(body[match.end():], wanted)
    for name in ("scontext", "tcontext", "tclass"):
        if not fields.get(name):
            raise AuditParseError("no %s" % name)
    permissive = fields.get("permissive")
    permissive = int(permissive) if permissive in ("0", "1") else None
    return AvcRecord(kind, match.group(1), perms, fields["scontext"], fields["tcontext"],
                     fields["tclass"], permissive, fields)


def parse_compute_sid(text):
    """(role, type, scontext, tcontext, tclass) of a SELINUX_ERR `security_compute_sid:
    invalid context CTX for scontext=... tcontext=... tclass=...` record, or None."""
    match = re.search(r"security_compute_sid:\s+invalid context (\S+) for (.*)", text)
    if not match:
        return None
    try:
        _user, role, ctype, _level = split_context(match.group(1))
    except AuditParseError:
        return None
    fields = parse_fields(match.group(2))
    return role, ctype, fields.get("scontext"), fields.get("tcontext"), fields.get("tclass")


def parse_sockaddr(fields, enriched=""):
    """(family, address, port) of a SOCKADDR record: from auditd's translation when the
    line is ENRICHED, else from the hex sockaddr (AF_INET 2, AF_INET6 10)."""
    match = re.search(r"lport=(\d+)", enriched)
    if match:
        fam = re.search(r"(?:saddr_)?fam=(\S+)", enriched)
        addr = re.search(r"laddr=(\S+)", enriched)
        return (fam.group(1) if fam else None, addr.group(1) if addr else None,
                int(match.group(1)))
    raw = fields.get("saddr", "")
    if not _HEX.match(raw) or len(raw) < 8:
        return None
    data = bytes(bytearray.fromhex(raw))
    family = data[0] | (data[1] << 8)
    port = (data[2] << 8) | data[3]
    if family == 2 and len(data) >= 8:
        return "inet", ".".join(str(b) for b in bytearray(data[4:8])), port
    if family == 10 and len(data) >= 24:
        words = [data[8 + i:10 + i].hex() for i in range(0, 16, 2)]
        return "inet6", ":".join(words), port
    return None


_NO_NODES = frozenset()
# the four sets of permissive= values a denial can have, one instance of each
PERMISSIVE_SETS = {values: values for values in (
    frozenset(), frozenset([0]), frozenset([1]), frozenset([0, 1]))}
# the fields of an AVC record the scanner reads (parse_avc_body's `wanted`)
AVC_FIELDS = frozenset(["comm", "exe", "path", "name", "ino", "dev", "pid", "src", "dest",
                        "scontext", "tcontext", "tclass", "permissive"])


class Denial(object):
    """One distinct denial: the same (scontext, tcontext, tclass, permissions, comm, exe,
    path, port) counted over the whole log, with when it was first and last seen, where, and
    the evidence lines of its first event."""

    __slots__ = ("kind", "scontext", "tcontext", "stype", "ttype", "tclass", "perms", "comm",
                 "exe", "path", "name", "count", "first", "last", "where", "lines",
                 "permissive", "syscall", "success", "exit", "port", "ino", "dev", "pid",
                 "proctitle", "cwd", "nodes", "granted", "index", "counted")

    def __init__(self, avc, comm, exe, path):
        # thousands of distinct denials share a few dozen contexts, classes and
        # programs: one string each (interned) instead of one per denial
        self.kind = avc.kind
        self.scontext = intern(avc.scontext)
        self.tcontext = intern(avc.tcontext)
        self.stype = intern(avc.stype)
        self.ttype = intern(avc.ttype)
        self.tclass = intern(avc.tclass)
        self.perms = avc.perms
        self.comm = comm if comm is None else intern(comm)
        self.exe = exe if exe is None else intern(exe)
        self.path = path
        self.name = avc.fields.get("name")
        self.count = 0
        self.first = self.last = None
        self.where = None  # (file, byte offset) of its first record
        self.lines = []  # evidence: the AVC line and the other records of its first event
        self.permissive = PERMISSIVE_SETS[frozenset()]  # the permissive= values seen
        self.syscall = self.success = self.exit = None
        self.port = None
        self.ino = avc.fields.get("ino")
        self.dev = avc.fields.get("dev")
        self.pid = avc.fields.get("pid")
        self.proctitle = self.cwd = None
        self.nodes = _NO_NODES  # a set of its own once a node is added
        self.granted = avc.result == "granted"
        self.index = 0
        self.counted = False

    @property
    def key(self):
        # the port is to a socket what the path is to a file: binding 8080 and 9090 are
        # two denials with two fixes (semanage port for each)
        return (self.scontext, self.tcontext, self.tclass, self.perms, self.comm, self.exe,
                self.path, self.port)

    def rule(self):
        """(source type, target type, class) of the allow rule audit2allow would write."""
        return self.stype, self.ttype, self.tclass

    def to_dict(self):
        d = {"kind": self.kind, "scontext": self.scontext, "tcontext": self.tcontext,
             "tclass": self.tclass, "permissions": list(self.perms), "comm": self.comm,
             "exe": self.exe, "path": self.path, "name": self.name, "count": self.count,
             "first_seen": self.first, "last_seen": self.last,
             "permissive": sorted(self.permissive), "syscall": self.syscall,
             "success": self.success, "port": self.port, "evidence": list(self.lines)}
        if self.where:
            d["file"], d["offset"] = self.where
        if self.nodes:
            d["nodes"] = sorted(self.nodes)
        return d


class FailedUnit(object):
    __slots__ = ("unit", "count", "first", "last", "explained", "where", "line", "times")

    def __init__(self, unit):
        self.unit = unit
        self.count = 0
        self.first = self.last = None
        self.explained = False
        self.where = None
        self.line = None
        self.times = []  # the latest failure times (at most 64)


class ScanResult(object):
    """Everything one pass over the logs found."""

    def __init__(self):
        self.files = []  # {"path", "bytes", "error", "message"}
        self.denials = {}  # key -> Denial
        self.rules = {}  # (stype, ttype, tclass) -> set of permissions (every denial)
        self.role_types = {}  # (role, type) -> count, from SELINUX_ERR compute_sid
        self.avc_records = 0  # AVC + USER_AVC denial records counted
        self.user_avc_records = 0
        self.granted = 0
        self.notices = 0  # USER_AVC "received policyload notice" and the like
        self.skipped_since = 0  # denial records older than --since
        self.overflow = 0  # denial records of distinct denials past MAX_DISTINCT
        self.bytes = 0
        self.unrecognized = 0  # lines that are not audit records
        self.unrecognized_samples = []  # (file, byte offset, text)
        self.bad_avc = 0  # AVC-like records that could not be parsed
        self.bad_avc_samples = []
        self.stray_gs = 0  # records with a 0x1D where it does not belong
        self.stray_gs_samples = []
        self.too_long = 0
        self.glued = 0  # a record that starts inside another line (a truncated write)
        self.policy_loads = 0
        self.last_policy_load = None
        self.failed_units = {}
        self.first = self.last = None  # time span of the denials read
        self.notes = []

    def distinct(self):
        """The itemised denials in the order of their first record in the logs."""
        order = {}
        for number, entry in enumerate(self.files):
            order.setdefault(entry["path"], number)
        return sorted(self.denials.values(), key=lambda d: (
            (order.get(d.where[0], 0), d.where[1]) if d.where else (len(order), 0), d.index))

    def to_dict(self):
        return {
            "files": self.files, "bytes": self.bytes,
            "denial_records": self.avc_records, "user_avc_records": self.user_avc_records,
            "granted_records": self.granted, "avc_notices": self.notices,
            "older_than_since": self.skipped_since,
            "distinct_denials": len(self.denials), "not_itemised": self.overflow,
            "unrecognized_lines": self.unrecognized,
            "unrecognized_samples": [list(s) for s in self.unrecognized_samples],
            "unparsed_avc_records": self.bad_avc,
            "unparsed_avc_samples": [list(s) for s in self.bad_avc_samples],
            "stray_separator_records": self.stray_gs,
            "stray_separator_samples": [list(s) for s in self.stray_gs_samples],
            "lines_too_long": self.too_long, "glued_records": self.glued,
            "policy_loads": self.policy_loads,
            "failed_units": [{"unit": u.unit, "count": u.count, "first": u.first,
                              "last": u.last, "explained_by_denial": u.explained}
                             for u in self.failed_units.values()],
        }
