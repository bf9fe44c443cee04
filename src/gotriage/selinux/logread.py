"""Read audit logs through the Host in one streaming pass: the file and its rotations
(audit.log.N, audit.log.N.gz), oldest first, in CHUNK-sized `read_range` calls, gzip
decompressed incrementally.  Memory stays flat whatever the size of the logs."""

import re
import zlib

from gotriage.host.base import HostError
from gotriage.parsers.audit import CHUNK, Scanner

AUDIT_DIR = "/var/log/audit"
AUDIT_LOG = AUDIT_DIR + "/audit.log"
_ROTATED = re.compile(r"^audit\.log\.(\d+)(\.gz)?$")
MAX_INFLATE = 4 * CHUNK  # decompressed bytes handed on at a time
# what makes a line an audit record (in audit.log, syslog and dmesg forms alike): its stamp
_RECORD = re.compile(br"audit\(\d{1,11}\.\d{1,9}:\d+\)")
_RECORD_MAX = 64  # the longest stamp looked for across two chunks


def default_logs(host):
    """audit.log and its rotations, oldest first (audit.log.9 ... audit.log.1, audit.log)."""
    rotated = []
    for name in host.try_listdir(AUDIT_DIR):
        match = _ROTATED.match(name)
        if match:
            rotated.append((int(match.group(1)), name))
    return [AUDIT_DIR + "/" + name for _n, name in sorted(rotated, reverse=True)] + [AUDIT_LOG]


def _chunks(host, path):
    """The file's bytes in chunks (decompressed when it is gzip), until a read returns
    nothing."""
    offset = 0
    inflater = None
    fed = False  # the current gzip member has had input
    while True:
        data = host.read_range(path, offset, CHUNK)
        if not data:
            break
        if offset == 0 and data[:2] == b"\x1f\x8b":
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        offset += len(data)
        if inflater is None:
            yield data
            continue
        while data and inflater is not None:
            fed = True
            out = inflater.decompress(data, MAX_INFLATE)
            if out:
                yield out
            data = inflater.unconsumed_tail
            if inflater.eof:
                data = inflater.unused_data + data
                inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
                fed = False
                if data and data[:2] != b"\x1f\x8b":
                    inflater = None  # trailing garbage after the last member, as gzip ignores
        if inflater is None:
            break
    if inflater is not None:
        rest = inflater.flush()
        if rest:
            yield rest
        if fed and not inflater.eof:
            raise EOFError("the compressed file ends before its end-of-stream marker")


def scan(host, paths=None, since=None, explicit=False):
    """Scan `paths` (default: the audit log and its rotations) into a ScanResult.
    A missing default rotation is skipped; a log that cannot be read is recorded with
    its error (an explicit log that is missing is an error too).

    Each file read is judged on the way: its entry says whether it holds any audit
    record (`records`); a file whose first chunk has NUL bytes and no audit record is
    binary data (error EBINARY), and is not read further (a program, /dev/zero)."""
    scanner = Scanner(since=since)
    for path in paths or default_logs(host):
        scanner.start_file(path)
        entry = scanner.result.files[-1]
        records = False
        tail = b""
        try:
            for data in _chunks(host, path):
                if not records:
                    records = bool(_RECORD.search(tail + data[:_RECORD_MAX])
                                   or _RECORD.search(data))
                    tail = data[-_RECORD_MAX:]
                    if not records and not entry["bytes"] and b"\0" in data:
                        entry["error"] = "EBINARY"
                        entry["message"] = "binary data"
                        break
                scanner.feed(data)
            else:
                entry["records"] = records
        except HostError as err:
            entry["error"] = err.code
            entry["message"] = err.message
            if err.denied:
                host._note_denied(err)
        except (zlib.error, EOFError) as exc:
            entry["error"] = "EBADGZ"
            entry["message"] = "not a valid gzip file past byte %d: %s" % (entry["bytes"], exc)
        scanner.finish()
    return scanner.result
