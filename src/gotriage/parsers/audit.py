"""Linux audit records (audit.log), the SELinux part: AVC and USER_AVC denials with the
records of their event, in one streaming pass with flat memory.

A real sample (RHEL 9, auditd `log_format = ENRICHED`; `^]` is the 0x1D byte that
separates the raw record from auditd's translations):

    type=AVC msg=audit(1700000000.300:7): avc:  denied  { execute } for  pid=1201
        comm="(goapi)" name="goapi" dev="dm-0" ino=1234
        scontext=system_u:system_r:init_t:s0
        tcontext=unconfined_u:object_r:user_home_t:s0 tclass=file permissive=0
    type=SYSCALL msg=audit(1700000000.300:7): arch=c000003e syscall=59 success=no exit=-13
        ... comm="(goapi)" exe="/usr/lib/systemd/systemd" subj=system_u:system_r:init_t:s0
        key=(null)^]ARCH=x86_64 SYSCALL=execve AUID="unset" UID="root" ...
    type=PROCTITLE msg=audit(1700000000.300:7): proctitle="(goapi)"

(each record is one line).  Read by the scanner: the event of
tests/data/selinux/go-home-exec.log (this project's own log, in those exact formats): a
Go service moved from a home directory, denied execute, and the unit that failed:

>>> log = b'''type=AVC msg=audit(1718000000.120:4411): avc:  denied  { execute } for  pid=2201 comm="(goapi)" name="goapi" dev="dm-0" ino=393349 scontext=system_u:system_r:init_t:s0 tcontext=unconfined_u:object_r:user_home_t:s0 tclass=file permissive=0
... type=SYSCALL msg=audit(1718000000.120:4411): arch=c000003e syscall=59 success=no exit=-13 a0=5597c4a1e6d0 a1=5597c4a8f1a0 a2=5597c4a7e2c0 a3=0 items=1 ppid=1 pid=2201 auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm="(goapi)" exe="/usr/lib/systemd/systemd" subj=system_u:system_r:init_t:s0 key=(null)\\x1dARCH=x86_64 SYSCALL=execve AUID="unset" UID="root" GID="root" EUID="root" SUID="root" FSUID="root" EGID="root" SGID="root" FSGID="root"
... type=CWD msg=audit(1718000000.120:4411): cwd="/"
... type=PATH msg=audit(1718000000.120:4411): item=0 name="/usr/local/bin/goapi" inode=393349 dev=fd:00 mode=0100755 ouid=1000 ogid=1000 rdev=00:00 obj=unconfined_u:object_r:user_home_t:s0 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0\\x1dOUID="alice" OGID="alice"
... type=PROCTITLE msg=audit(1718000000.120:4411): proctitle="(goapi)"
... type=SERVICE_START msg=audit(1718000000.124:4412): pid=1 uid=0 auid=4294967295 ses=4294967295 subj=system_u:system_r:init_t:s0 msg='unit=goapi comm="systemd" exe="/usr/lib/systemd/systemd" hostname=? addr=? terminal=? res=failed'\\x1dUID="root" AUID="unset"
... '''
>>> scanner = Scanner()
>>> scanner.start_file("/var/log/audit/audit.log")
>>> scanner.feed(log)
>>> scanner.finish()
>>> [denial] = scanner.result.distinct()
>>> denial.stype, denial.ttype, denial.tclass, denial.perms, denial.comm, denial.path
('init_t', 'user_home_t', 'file', ('execute',), '(goapi)', '/usr/local/bin/goapi')
>>> denial.syscall, denial.success, denial.exit, denial.count, sorted(denial.permissive), denial.where
('execve', 'no', '-13', 1, [0], ('/var/log/audit/audit.log', 0))
>>> [(u.unit, u.count, u.explained) for u in scanner.result.failed_units.values()]
[('goapi', 1, True)]

The parts, one record at a time:

>>> parse_header(log.split(b"\\n")[0])
('', 'AVC', 1718000000, 120, 4411)
>>> avc = parse_avc_body(log.split(b"\\n")[0].decode().split("): ", 1)[1])
>>> avc.kind, avc.result, avc.perms, avc.scontext, avc.permissive, avc.fields["name"]
('AVC', 'denied', ('execute',), 'system_u:system_r:init_t:s0', 0, 'goapi')
>>> split_context("staff_u:staff_r:staff_t:s0-s0:c0.c1023")
('staff_u', 'staff_r', 'staff_t', 's0-s0:c0.c1023')
>>> decode_value("proctitle", "2F7573722F6C6F63616C2F62696E2F676F617069002D2D6C697374656E003A38303830")
'/usr/local/bin/goapi --listen :8080'

What the format allows and this module handles:

- records of one event share `audit(SECONDS.MILLIS:SERIAL)` (and `node=` on aggregated
  logs); they may come in any order and interleave with other events' records;
- old logs put SYSCALL before AVC, reuse serials, add AVC_PATH records, prefix `node=`
  or `host=`; dmesg/syslog lines carry `audit(...): avc: ...` without `type=`;
- USER_AVC (dbus-daemon, systemd) wraps the denial in `msg='avc: ... '`;
- string fields (comm, exe, path, name, cwd, proctitle...) are written in hex when
  they hold a space, a quote or a control character; `proctitle` separates arguments
  with NUL bytes;
- MLS/MCS contexts have more colons: `staff_u:staff_r:staff_t:s0-s0:c0.c1023`;
- lines are split on `\\n` only (a `\\r` or 0x1D inside a line is data).

The scanner does not split the log into lines: it searches large chunks for the few
byte strings that matter (`avc:`, `type=SELINUX_ERR`, `res=failed'`, `type=MAC_POLICY_LOAD`)
and parses only those lines; the other records of a denial's event are looked up near
it, only the first time an identical denial is seen.  Lines that are not audit records
at all (binary garbage, another log's lines) are counted with `bytes.count`, and located
only to show a few samples.  Nothing is dropped silently: every line that is not an
audit record, every AVC it could not parse, every line longer than MAX_LINE and every
record with a stray 0x1D is counted and reported.

One record's parts (fields, header, contexts, an AVC body) and the records a scan fills
(Denial, ScanResult) are in audit_records.py; this module is the scanner, and every name
of audit_records is read here too.
"""

import re

from gotriage.parsers.audit_records import (
    _HEADER,
    AVC_FIELDS,
    CONTEXT_FIELDS,
    PERMISSIVE_SETS,
    VALUE,
    AuditParseError,
    Denial,
    FailedUnit,
    ScanResult,
    context_fields,
    parse_avc_body,
    parse_compute_sid,
    parse_fields,
    parse_header,
    parse_sockaddr,
    take_fields,
)

# The record level is part of this module's interface (callers and the samples above
# read it here).
from gotriage.parsers.audit_records import HEX_FIELDS as HEX_FIELDS
from gotriage.parsers.audit_records import AvcRecord as AvcRecord
from gotriage.parsers.audit_records import decode_value as decode_value
from gotriage.parsers.audit_records import split_context as split_context

GS = b"\x1d"  # ENRICHED separator
CHUNK = 1 << 20
WINDOW = 16 * 1024  # how far around a denial its event's other records are looked for
MAX_LINE = 1 << 20  # a "line" longer than this is counted and skipped
MAX_DISTINCT = 5000  # distinct denials kept with their evidence (rules keep counting)
MAX_CACHE = 20000  # identical AVC bodies remembered
MAX_SAMPLES = 5
MAX_SECONDS = 100000  # distinct seconds with a denial remembered (for failed units)

AVC_TYPES = {"AVC": "AVC", "1400": "AVC", "USER_AVC": "USER_AVC", "1107": "USER_AVC"}
CONTEXT_TYPES = tuple(CONTEXT_FIELDS)
_CONTEXT_TYPE_NAMES = {name.encode("ascii"): name for name in CONTEXT_FIELDS}
_SYSCALL_NAME = (("SYSCALL", " SYSCALL="),)
# auditd's translation of the syscall (ENRICHED), as the kernel's fields are read
_SYSCALL_NAME_FAST = re.compile(r"ARCH=\S* SYSCALL=" + VALUE)

# At most 11 digits of seconds (the year 5138) and 9 of their fraction: a time no kernel
# writes (20 digits) would pass int() and fail later, in the date shown for it.
_STAMP = re.compile(br"audit\((\d{1,11})\.(\d{1,9}):(\d+)\)")
_PID = re.compile(br" pid=\d+")
# One pass over a region finds the lines that matter: every AVC and USER_AVC record, the
# rare records read (SELINUX_ERR, MAC_POLICY_LOAD, a failed SERVICE_START) and every
# line that does not start with `type=` (not an audit record, a node=/host= prefixed
# one, an empty line).  The search stops at each newline for a few bytes only, so it
# runs at about the speed of bytes.count (capturing groups here would double that; a
# trie of the record types' first letters gains nothing measurable).
_LINES = re.compile(
    br"\n(?!type=(?!AVC |USER_AVC |SELINUX_ERR |MAC_POLICY_LOAD |SERVICE_START [^\n]*res=failed'))")
# The head of a plain kernel denial up to its pid: the time and the permissions.  What
# identifies a repeat is the record without its time and pid (the kernel writes untrusted
# strings with a space in hex, so DENIED cannot occur again in the line).
_PLAIN = re.compile(br"type=AVC msg=audit\((\d{1,11}\.\d{1,9}):\d+\): (avc:  denied  \{[^}\n]*\} for ) pid=\d+")
# The same for a USER_AVC of dbus-daemon or systemd: the time and where the denial starts.
_PLAIN_USER = re.compile(br"type=USER_AVC msg=audit\((\d{1,11}\.\d{1,9}):\d+\): [^\n']*msg='(avc:  denied  \{)")
DENIED = b"avc:  denied  {"
# The same lines told apart, for a region that needs the general reading (node= prefixes,
# syslog lines, a denial inside another line).
_RARE_PREFIXED = re.compile(
    br"\n(?:(?!$|\n|(?:(?:node|host)=\S+ )?type=)"
    br"|(?:(?:node|host)=\S+ )?type=(?:SELINUX_ERR|MAC_POLICY_LOAD) "
    br"|(?:(?:node|host)=\S+ )?type=SERVICE_START [^\n]*res=failed')")
_VERDICT = re.compile(br"avc:\s+(?:denied|granted)")
_NODE_PREFIX = re.compile(br"(?<![^\s])(?:node|host)=(\S+) $")


def size_text(n):
    """A byte count for people: 512 B, 190.9 MB."""
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return ("%d %s" % (n, unit)) if unit == "B" else ("%.1f %s" % (n, unit))
        n /= 1024.0


def _text(data, limit=2000):
    text = data[:limit].decode("utf-8", "replace")
    return text + ("..." if len(data) > limit else "")


def _sample(samples, where, line, text):
    if len(samples) < MAX_SAMPLES:
        samples.append((where, line, text))


class Scanner(object):
    """Feed one file's bytes in chunks with `feed`, then `finish`; start the next file
    with `start_file`.  Results accumulate in `self.result` across files.

    `since` (epoch seconds) skips older denials.  Memory stays flat: the buffer holds one
    chunk plus a WINDOW either side, and the tables are capped (MAX_DISTINCT, MAX_CACHE).
    """

    def __init__(self, since=None, result=None):
        self.since = since
        self.result = result or ScanResult()
        self._cache = {}  # AVC body without its pid -> Denial, or False (granted)
        self._repeats = {}  # the same, for itemised kernel denials only (the fast path)
        self._seconds = set()  # the seconds in which a denial was logged (for failed units)
        self._path = None

    # -- file boundaries ------------------------------------------------------------------
    def start_file(self, path):
        self._path = path
        self._buf = b"\n"  # a sentinel newline: every line starts after a b"\n"
        self._pos = 1  # where the unprocessed part of the buffer starts
        self._buf_offset = -1  # the file offset of _buf[0] (the sentinel is before byte 0)
        self._skipping = False  # inside an over-long line
        self._file = {"path": path, "bytes": 0}
        self.result.files.append(self._file)

    def feed(self, data):
        fed = self._file["bytes"]  # the file offset of data[0]
        self._file["bytes"] += len(data)
        self.result.bytes += len(data)
        if self._skipping:
            cut = data.find(b"\n")
            if cut == -1:
                return
            data = data[cut + 1:]
            self._skipping = False
            self._buf, self._pos, self._buf_offset = b"\n", 1, fed + cut
            fed += cut + 1
        if len(data) < 4 * WINDOW or not self._feed_in_place(data, fed):
            self._feed_joined(self._buf + data)

    def _feed_joined(self, buf):
        """Process what buf (the kept bytes and the new ones) holds up to a WINDOW before
        its end; keep the rest, with a WINDOW of context before it."""
        limit = buf.rfind(b"\n", self._pos, max(self._pos, len(buf) - WINDOW)) + 1
        if limit == 0:
            if len(buf) - self._pos > MAX_LINE + WINDOW and buf.find(b"\n", self._pos) == -1:
                self._too_long(buf)
                return
            self._buf = buf
            return
        self._process(buf, self._pos, limit)
        self._keep(buf, limit)

    def _keep(self, buf, limit):
        keep = buf.find(b"\n", max(0, limit - WINDOW - 1), limit)
        self._buf = buf[keep:]
        self._buf_offset += keep
        self._pos = limit - keep

    def _feed_in_place(self, data, fed):
        """The same as _feed_joined(self._buf + data) without copying the chunk: the kept
        bytes are joined to the head of data only, and the rest of data is processed where
        it is.  False (nothing done) when the head holds no usable line end."""
        carry = self._buf
        head = carry + data[:3 * WINDOW]
        limit = head.rfind(b"\n", self._pos, len(head) - WINDOW) + 1
        start = limit - len(carry)  # where data's own region starts
        if limit == 0 or start < WINDOW:
            return False
        self._process(head, self._pos, limit)
        self._buf_offset = fed
        end = data.rfind(b"\n", start, len(data) - WINDOW) + 1
        if end > start:
            self._process(data, start, end)
        else:
            end = start
        self._keep(data, end)
        return True

    def finish(self):
        self._skipping = False
        buf = self._buf
        if self._pos < len(buf):
            if not buf.endswith(b"\n"):
                buf += b"\n"  # the last line had no newline (a truncated write)
            self._process(buf, self._pos, len(buf))
        self._explain_failures()
        self._buf = b"\n"
        self._pos = 1

    def note(self, text):
        if text not in self.result.notes:
            self.result.notes.append(text)

    # -- the scan -------------------------------------------------------------------------
    def _too_long(self, buf):
        self.result.too_long += 1
        self.result.unrecognized += 1
        _sample(self.result.unrecognized_samples, self._path, self._offset(self._pos),
                "(a line longer than %d bytes) %s" % (MAX_LINE, _text(buf[self._pos:self._pos + 120], 120)))
        self._skipping = True
        self._buf, self._pos = b"\n", 1

    def _offset(self, pos):
        """The file offset (of the decompressed stream, for a .gz) of buffer position pos."""
        return self._buf_offset + pos

    def _process(self, buf, start, limit):
        """Handle the complete lines in buf[start:limit] (limit is just past a newline).

        Two passes in C over the bytes: _LINES, and a count of DENIED that proves every
        denial of the region is on a line _LINES found; when it is not (a denial glued
        inside another record), the denials elsewhere are looked up one by one.  A region
        of an aggregated log (node=/host= prefixes: every line is "other") is read the
        general way."""
        if buf.startswith((b"node=", b"host="), start):
            self._process_general(buf, start, limit)  # an aggregated log: every line is "other"
            return
        find = buf.find
        plain = _PLAIN.match
        repeats = self._repeats
        res = self.result
        since = self.since
        seconds = self._seconds
        last_second = None
        denials = 0
        counted = user_counted = 0
        for line in _LINES.finditer(buf, start - 1, limit - 1):
            ls = line.end()
            m = plain(buf, ls)
            if m is None:
                le = find(b"\n", ls, limit)
                here = buf.count(DENIED, ls, le)
                denials += here
                m = _PLAIN_USER.match(buf, ls, le) if here == 1 else None
                if m is not None:
                    i = m.start(2)
                    end = find(GS, i, le)
                    entry = repeats.get(buf[i:le if end == -1 else end])
                    if entry is not None and entry.kind == "USER_AVC":
                        # a repeated USER_AVC: counted as a repeated AVC is, below
                        stamp = float(m.group(1))
                        if since is not None and stamp < since:
                            res.skipped_since += 1
                            continue
                        counted += 1
                        user_counted += 1
                        entry.count += 1
                        if stamp > entry.last:
                            entry.last = stamp
                            if stamp > res.last:
                                res.last = stamp
                        elif stamp < entry.first:
                            entry.first = stamp
                            if stamp < res.first:
                                res.first = stamp
                        second = int(stamp)
                        if second != last_second and len(seconds) < MAX_SECONDS:
                            seconds.add(second)
                            last_second = second
                        continue
                self._other_line(buf, ls, le)
                continue
            denials += 1
            tail = m.end()
            le = find(b"\n", tail, limit)
            end = find(GS, tail, le)
            entry = repeats.get(m.group(2) + buf[tail:le if end == -1 else end])
            if entry is None:
                # not seen yet (or not itemised): the long way
                self._avc(buf, ls, m.start(2), le)
                continue
            # a repeat: only its time is read, and counted as _count does (inline: this
            # runs for every record of a large log)
            stamp = float(m.group(1))
            if since is not None and stamp < since:
                res.skipped_since += 1
                continue
            counted += 1
            entry.count += 1
            if stamp > entry.last:
                entry.last = stamp
                if stamp > res.last:
                    res.last = stamp
            elif stamp < entry.first:
                entry.first = stamp
                if stamp < res.first:
                    res.first = stamp
            second = int(stamp)
            if second != last_second and len(seconds) < MAX_SECONDS:
                seconds.add(second)
                last_second = second
        res.avc_records += counted
        res.user_avc_records += user_counted
        if denials != _count_denied(buf, start, limit, denials):
            self._denials_elsewhere(buf, start, limit)

    def _denials_elsewhere(self, buf, start, limit):
        """The denials of buf[start:limit] on lines _LINES does not find (and _process
        did not read): a record glued after a truncated one, inside another line."""
        i = buf.find(DENIED, start, limit)
        while i != -1:
            ls = buf.rfind(b"\n", start - 1, i) + 1
            le = buf.find(b"\n", i, limit)
            if _LINES.match(buf, ls - 1, limit - 1) is None:
                self._avc(buf, ls, i, le)  # inside a line _process did not look at
            else:
                plain = _PLAIN.match(buf, ls)
                if plain is not None and i != plain.start(2):
                    self._avc(buf, ls, i, le)  # glued after a plain denial, which was read
            i = buf.find(DENIED, i + len(DENIED), limit)

    def _other_line(self, buf, ls, le, read_avcs=True):
        """A line that is not a plain kernel denial: another AVC or USER_AVC form (read
        here unless `read_avcs` is False), a rare record, or not an audit record."""
        if ls == le:
            return  # an empty line
        rec = ls
        if buf.startswith((b"node=", b"host="), ls):
            sp = buf.find(b" ", ls, le)
            rec = sp + 1 if sp != -1 else le
        if buf.startswith(b"type=", rec):
            sp = buf.find(b" ", rec, le)
            rtype = buf[rec + 5:sp if sp != -1 else le]
            if rtype in (b"AVC", b"USER_AVC", b"1400", b"1107"):
                if read_avcs:
                    self._avc_line(buf, ls, le)
            elif rtype == b"SELINUX_ERR":
                self._compute_sid(buf[ls:le])
            elif rtype == b"MAC_POLICY_LOAD":
                self._policy_load(buf[ls:le])
            elif rtype == b"SERVICE_START":
                if buf.find(b"res=failed'", rec, le) != -1:
                    self._failed(buf, ls, le)
            return
        if b"avc:" in buf[ls:le] and _STAMP.search(buf, ls, le):
            if read_avcs:
                self._avc_line(buf, ls, le)  # a syslog or dmesg line
            return
        res = self.result
        res.unrecognized += 1
        _sample(res.unrecognized_samples, self._path, self._offset(ls), _text(buf[ls:le], 200))

    def _avc_line(self, buf, ls, le):
        """Every `avc:` of one line (a record glued after it ends it)."""
        i = buf.find(b"avc:", ls, le)
        while i != -1:
            self._avc(buf, ls, i, le)
            glued = buf.find(b" type=", i, le)
            if glued == -1:
                return
            i = buf.find(b"avc:", glued, le)

    def _process_general(self, buf, start, limit):
        """The general reading of a region: every `avc:` (found with bytes.find), and the
        lines _RARE_PREFIXED finds."""
        self._rare_lines(buf, start, limit)
        find = buf.find
        i = find(b"avc:", start, limit)
        while i != -1:
            ls = buf.rfind(b"\n", start - 1, i) + 1
            line_end = find(b"\n", i, limit)
            self._avc_line(buf, ls, line_end)
            i = find(b"avc:", line_end, limit)

    def _count(self, denial, stamp, seconds):
        """Count one denial record of `denial` at `stamp`."""
        res = self.result
        res.avc_records += 1
        if denial.kind == "USER_AVC":
            res.user_avc_records += 1
        if res.first is None or stamp < res.first:
            res.first = stamp
        if res.last is None or stamp > res.last:
            res.last = stamp
        if denial.index < 0:
            res.overflow += 1
        else:
            denial.count += 1
            if denial.first is None or stamp < denial.first:
                denial.first = stamp
            if denial.last is None or stamp > denial.last:
                denial.last = stamp
        if len(seconds) < MAX_SECONDS:
            seconds.add(int(stamp))

    def _rare_lines(self, buf, start, limit):
        """The lines of buf[start:limit] that are not plain audit records, and the rare
        records read besides AVCs (the general reading finds the AVCs itself)."""
        for match in _RARE_PREFIXED.finditer(buf, start - 1, limit - 1):
            ls = match.start() + 1
            self._other_line(buf, ls, buf.find(b"\n", ls, limit), read_avcs=False)

    def _avc(self, buf, ls, i, le):
        """Handle the `avc:` found at i in the line buf[ls:le] the long way: any header
        form (node= prefix, syslog, a record glued after a truncated line), a 0x1D that
        does not belong, a denial not seen before."""
        res = self.result
        parsed = self._avc_header(buf, ls, i, le)
        if parsed is None:
            return
        kind, node, sec, ms, event, ls = parsed
        stamp_value = sec + ms / 1000.0
        if self.since is not None and stamp_value < self.since:
            res.skipped_since += 1
            return
        end = le
        glued = buf.find(b"type=", i, le)
        if glued != -1:
            glued = buf.find(b" type=", i, le)
            if glued != -1:
                end = glued  # another record glued to this one: it ends here
        body = buf[i:end]
        gs = body.find(GS)
        stray = False
        if gs != -1:
            # ENRICHED: auditd's translations follow the 0x1D; the raw record is before it
            stray = body.count(GS) > 1 or b"tclass=" not in body[:gs]
            if stray:
                res.stray_gs += 1
                _sample(res.stray_gs_samples, self._path, self._offset(ls),
                        _text(buf[ls:le], 300))
                body = body.replace(GS, b" ")
            else:
                body = body[:gs]
        key = _PID.sub(b"", body, 1)
        denial = self._cache.get(key)
        if denial is None:
            if not _VERDICT.match(body):
                res.notices += 1  # "avc:  received policyload notice", "avc:  op=..."
                return
            try:
                avc = parse_avc_body(body.decode("utf-8", "replace"), kind, AVC_FIELDS)
            except AuditParseError as exc:
                self._bad(buf, ls, le, str(exc))
                return
            if avc.result == "granted":
                denial = False
            else:
                denial = self._new_denial(avc, buf, ls, le, node, event)
            if len(self._cache) >= MAX_CACHE:
                self._cache.clear()
                self._repeats.clear()
            self._cache[key] = denial
        if denial is False:
            res.granted += 1
            return
        if not denial.counted:
            denial.counted = True
            rule = res.rules.get(denial.rule())
            if rule is None:
                rule = res.rules[denial.rule()] = set()
            rule.update(denial.perms)
        if denial.index >= 0:
            if not stray:
                self._repeats[key] = denial
            if denial.where is None:
                denial.where = (self._path, self._offset(ls))
            permissive = _permissive(body)
            if permissive is not None and permissive not in denial.permissive:
                denial.permissive = PERMISSIVE_SETS[denial.permissive | {permissive}]
            if node and len(denial.nodes) < 16:
                if not denial.nodes:
                    denial.nodes = set()
                denial.nodes.add(node)
        self._count(denial, stamp_value, self._seconds)

    def _avc_header(self, buf, ls, i, le):
        """(kind, node, seconds, millis, event, record start) of an AVC line that is not
        the plain `type=AVC msg=audit(...)` form, or None when it is no denial."""
        res = self.result
        if not buf.startswith((b"type=", b"node=", b"host="), ls):  # a syslog or dmesg line
            stamp = _STAMP.search(buf, ls, i)
            if stamp is None:
                return None  # "avc:" in some other text
            kind = "USER_AVC" if b"type=1107" in buf[ls:i] else "AVC"
            return (kind, "", int(stamp.group(1)), int(stamp.group(2)),
                    stamp.group(0)[6:-1], ls)
        own = buf.find(b"type=", ls, i)
        last = buf.rfind(b"type=", ls, i)
        if last != own:
            # a record glued after an unfinished line (a truncated write)
            if not _HEADER.match(buf, last, i):
                return None
            res.glued += 1
            ls = last
        head = _HEADER.match(buf, ls, i)
        if head is None:
            self._bad(buf, ls, le, "no audit(...) header")
            return None
        kind = AVC_TYPES.get(head.group(2).decode("ascii", "replace"))
        if kind is None:
            return None  # "avc:" inside another record (an EXECVE argument...)
        node = (head.group(1) or b"").decode("ascii", "replace")
        event = b"%s.%s:%s" % (head.group(3), head.group(4), head.group(5))
        return kind, node, int(head.group(3)), int(head.group(4)), event, ls

    def _bad(self, buf, ls, le, why):
        res = self.result
        res.bad_avc += 1
        _sample(res.bad_avc_samples, self._path, self._offset(ls),
                "%s: %s" % (why, _text(buf[ls:le], 300)))

    def _new_denial(self, avc, buf, ls, le, node, event):
        """A Denial for a record seen for the first time, with its event's records."""
        res = self.result
        ctx = self._event_records(buf, ls, le, node, event, avc.fields.get("comm"))
        syscall = ctx.get("SYSCALL", {})
        comm = avc.fields.get("comm") or syscall.get("comm")
        exe = avc.fields.get("exe") or syscall.get("exe")
        path = avc.fields.get("path") or ctx.get("AVC_PATH", {}).get("path")
        if not path:
            path = _path_from_records(ctx.get("PATH", ()), avc, ctx.get("CWD", {}).get("cwd"))
        probe = Denial(avc, comm, exe, path)
        port = avc.fields.get("src") if "name_bind" in avc.perms else None
        port = port or avc.fields.get("dest") or avc.fields.get("src")
        if port is None and "SOCKADDR" in ctx:
            port = ctx["SOCKADDR"].get("_port")
        if port is not None:
            try:
                probe.port = int(port)
            except ValueError:
                pass
        existing = res.denials.get(probe.key)
        if existing is not None:
            return existing
        if len(res.denials) >= MAX_DISTINCT:
            probe.index = -1  # counted in the rules and totals, not itemised
            if len(res.denials) == MAX_DISTINCT:
                self.note("more than %d distinct denials: the rest are counted in the totals "
                          "and the rules but not listed one by one" % MAX_DISTINCT)
            return probe
        probe.index = len(res.denials)
        probe.syscall = syscall.get("_syscall_name") or syscall.get("syscall")
        probe.success = syscall.get("success")
        probe.exit = syscall.get("exit")
        probe.cwd = ctx.get("CWD", {}).get("cwd")
        probe.proctitle = ctx.get("PROCTITLE", {}).get("proctitle")
        probe.lines = [_text(buf[ls:le], 2000)] + ctx.get("_lines", [])
        res.denials[probe.key] = probe
        return probe

    def _event_records(self, buf, ls, le, node, event, comm=None):
        """The other records of the event (node, stamp:serial), looked for in a WINDOW
        either side of the AVC line: {type: fields}, PATH as a list.  Old logs reuse
        serials, so of several SYSCALL records the one with the AVC's comm and nearest
        to it wins."""
        needle = b"audit(" + event + b")"
        lo, hi = max(0, ls - WINDOW), min(len(buf), le + WINDOW)
        found = {"_lines": []}
        candidates = []
        own_comm = None if comm is None else b'comm="%s"' % comm.encode("utf-8", "replace")
        find = buf.find
        at = find(needle, lo, hi)
        while at != -1:
            line_start = buf.rfind(b"\n", lo, at) + 1
            rec_start = buf.rfind(b"type=", max(line_start, at - 64), at)
            if rec_start != -1:
                line_end = find(b"\n", at)
                if line_end == -1:
                    line_end = len(buf)
                same = own_comm is None or find(own_comm, at, min(line_end, hi)) != -1
                candidates.append((not same, abs(at - ls), line_start, rec_start, at, line_end))
            at = find(needle, at + len(needle), hi)
        candidates.sort()
        for _other, _distance, line_start, rec_start, at, line_end in candidates:
            self._take_record(buf, line_start, rec_start, at, line_end, node, found, ls)
        return found

    def _take_record(self, buf, line_start, rec_start, at, line_end, node, found, avc_line):
        if rec_start != line_start:
            prefix = _NODE_PREFIX.search(buf, max(line_start, rec_start - 300), rec_start)
            if (prefix.group(1).decode("ascii", "replace") if prefix else "") != node:
                return
        elif node:
            return
        sp = buf.find(b" ", rec_start, at)
        rtype = _CONTEXT_TYPE_NAMES.get(buf[rec_start + 5:sp]) if sp != -1 else None
        if rtype is None or rtype in found and rtype != "PATH":
            return  # not read, or a nearer one was taken
        line = buf[line_start:line_end]
        whole = line.decode("utf-8", "replace")
        nxt = line.find(b" type=", at - line_start)
        end = nxt if nxt != -1 else len(line)
        gs = line.find(GS, at - line_start, end)
        if len(whole) == len(line):  # ASCII: the text's offsets are the bytes'
            text = whole[at - line_start:end if gs == -1 else gs]
            enriched = whole[gs + 1:end] if gs != -1 else ""
        else:
            text = line[at - line_start:end if gs == -1 else gs].decode("utf-8", "replace")
            enriched = line[gs + 1:end].decode("utf-8", "replace") if gs != -1 else ""
        fields = context_fields(rtype, text[text.find("): ") + 3:])
        if enriched and rtype == "SYSCALL":
            fast = _SYSCALL_NAME_FAST.match(enriched)
            if fast is not None and "\0" not in fast.group(1):
                name = decode_value("SYSCALL", fast.group(1))
            else:
                name = take_fields(enriched, _SYSCALL_NAME).get("SYSCALL")
            if name:
                fields["_syscall_name"] = name
        if rtype == "SOCKADDR":
            sock = parse_sockaddr(fields, enriched)
            if sock:
                fields["_port"] = sock[2]
        if rtype == "PATH":
            found.setdefault("PATH", []).append(fields)
        else:
            found[rtype] = fields
        if line_start != avc_line and len(found["_lines"]) < 8:
            found["_lines"].append(whole if len(line) <= 2000 else _text(line, 2000))

    def _compute_sid(self, line):
        parsed = parse_compute_sid(line.decode("utf-8", "replace"))
        if parsed:
            key = (parsed[0], parsed[1])
            self.result.role_types[key] = self.result.role_types.get(key, 0) + 1

    def _failed(self, buf, ls, le):
        line = buf[ls:le]
        head = parse_header(line)
        if head is None or head[1] != "SERVICE_START":
            return
        text = line.split(GS, 1)[0].decode("utf-8", "replace")
        fields = parse_fields(text[text.find("): ") + 3:])
        match = re.search(r"unit=(\S+)", fields.get("msg", ""))
        if not match:
            return
        unit = match.group(1)
        stamp = head[2] + head[3] / 1000.0
        entry = self.result.failed_units.get(unit)
        if entry is None:
            if len(self.result.failed_units) >= 200:
                return
            entry = self.result.failed_units[unit] = FailedUnit(unit)
            entry.where = (self._path, self._offset(ls))
            entry.line = _text(line, 600)
        entry.count += 1
        entry.first = stamp if entry.first is None else min(entry.first, stamp)
        entry.last = stamp if entry.last is None else max(entry.last, stamp)
        entry.times.append(stamp)
        if len(entry.times) > 64:
            del entry.times[0]

    def _policy_load(self, line):
        head = parse_header(line)
        if head is not None:
            self.result.policy_loads += 1
            stamp = head[2] + head[3] / 1000.0
            if self.result.last_policy_load is None or stamp > self.result.last_policy_load:
                self.result.last_policy_load = stamp

    def _explain_failures(self):
        """A failed start is explained by a denial logged from ten seconds before it to
        a second after it."""
        seconds = self._seconds
        for unit in self.result.failed_units.values():
            if not unit.explained:
                unit.explained = any(int(t) + d in seconds for t in unit.times
                                     for d in range(-10, 2))


def _count_denied(buf, start, limit, expected):
    """buf.count(DENIED, start, limit), about twice as fast on an audit log: DENIED ends
    with `{`, a byte rare outside denials, which bytes.find locates with memchr, while
    bytes.count must step over the spaces and letters DENIED shares with every record.
    A region with many other braces (more than `expected` denials explain) is counted
    the plain way."""
    find = buf.find
    budget = 2 * expected + 256
    count = 0
    i = find(b"{", start + len(DENIED) - 1, limit)
    while i != -1:
        budget -= 1
        if budget < 0:
            return buf.count(DENIED, start, limit)
        if buf.startswith(DENIED, i - len(DENIED) + 1):
            count += 1
        i = find(b"{", i + 1, limit)
    return count


def _permissive(body):
    at = body.find(b"permissive=")
    if at == -1:
        return None
    value = body[at + 11:at + 12]
    return 1 if value == b"1" else 0 if value == b"0" else None


def _path_from_records(paths, avc, cwd):
    """The full path of a denial's object from the event's PATH records: the item with
    the AVC's inode, else the one with its name."""
    if not paths:
        return None
    ino, name = avc.fields.get("ino"), avc.fields.get("name")
    chosen = None
    for item in paths:
        if ino and item.get("inode") == ino:
            chosen = item
            break
    if chosen is None and name:
        for item in paths:
            if (item.get("name") or "").rsplit("/", 1)[-1] == name:
                chosen = item
                break
    if chosen is None:
        return None
    path = chosen.get("name")
    if not path or path in ("(null)", "?"):
        return None
    if not path.startswith("/") and cwd and cwd.startswith("/"):
        path = cwd.rstrip("/") + "/" + path
    return path
