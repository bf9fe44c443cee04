"""What redaction costs `collect` per MB (run by hand, not a test).

    .venv/bin/python bench/bench_redact.py [--size-mb 50] [--runs 5] [--against REV]

Redacts, the way `collect` stores a file read in ranges (redact_stream, a MiB of whole
lines at a time), and reports the median ms per MB of:

- bench log: bench_avc.py's generated audit.log (.cache/bench/audit-<N>mb.log, made once);
- bench log with secrets: the same with every 50th EXECVE and PROCTITLE carrying a
  `mysql -p...` / `--password=...` (hex), so the record rewriting runs;
- RHEL sample: tests/data/selinux/sample-1mb.log, a real RHEL 9 audit.log;
- config text: every text file of tests/data that is not a log, one after the other
  (unit files, repo files, sudoers, file_contexts, firewalld XML, JSON: the text path).

Each for this tree's gotriage.host.redact and, with --against, for redact.py as it was at
that git revision (loaded from `git show`), interleaved run by run.  The two must agree on
the plain inputs (no secret: nothing changes).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
import types

import _common

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "src"))
sys.path.insert(0, os.path.join(ROOT, "bench"))


def load_revision(rev):
    source = subprocess.check_output(["git", "-C", ROOT, "show", "%s:src/gotriage/host/redact.py" % rev])
    module = types.ModuleType("redact_%s" % rev)
    exec(compile(source, "redact.py@%s" % rev, "exec"), module.__dict__)
    return module


def with_secrets(data):
    """The bench log with every 50th EXECVE and PROCTITLE holding a password."""
    out, n = [], 0
    for line in data.splitlines(True):
        if b"type=EXECVE " in line or b"type=PROCTITLE " in line:
            n += 1
            if n % 50 == 0:
                head = line.split(b": ", 1)[0]
                if b"EXECVE" in line:
                    line = head + b': argc=3 a0="mysql" a1="-uroot" a2="-pS3cret%d"\n' % n
                else:
                    line = head + b": proctitle=" + (b"mysqldump\0--password=S3cret%d\0app" % n).hex().upper().encode() + b"\n"
        out.append(line)
    return b"".join(out)


def config_text():
    chunks = []
    for directory, _dirs, names in sorted(os.walk(os.path.join(ROOT, "tests", "data"))):
        for name in sorted(names):
            if name.endswith((".log", ".txt")) or "audit" in name:
                continue
            with open(os.path.join(directory, name), "rb") as f:
                data = f.read()
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                continue
            if b"\0" not in data:
                chunks.append(data if data.endswith(b"\n") else data + b"\n")
    return b"".join(chunks)


def pieces(data, size):
    for at in range(0, len(data), size):
        yield data[at:at + size]


def timed(module, data):
    started = time.perf_counter()
    out = b"".join(module.redact_stream(pieces(data, module.STREAM_PIECE)))
    return time.perf_counter() - started, out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--against", default=None, help="a git revision to compare with")
    args = parser.parse_args()
    _common.as_users_run()
    import bench_avc

    from gotriage.host import redact as current

    cache = os.path.join(ROOT, ".cache", "bench")
    os.makedirs(cache, exist_ok=True)
    log = os.path.join(cache, "audit-%dmb.log" % args.size_mb)
    if not os.path.exists(log):
        bench_avc.generate(log, args.size_mb * 1000 * 1000)
    with open(log, "rb") as f:
        bench = f.read()
    with open(os.path.join(ROOT, "tests", "data", "selinux", "sample-1mb.log"), "rb") as f:
        sample = f.read()
    inputs = [("bench log", bench), ("bench log with secrets", with_secrets(bench)),
              ("RHEL sample", sample), ("config text", config_text())]
    modules = [("this tree", current)]
    if args.against:
        modules.append((args.against, load_revision(args.against)))
    print("Python %s; %d runs each, interleaved; median ms per MB (min-max)" % (
        sys.version.split()[0], args.runs))
    for label, data in inputs:
        times = dict((name, []) for name, _m in modules)
        outputs = {}
        for _ in range(args.runs):
            for name, module in modules:
                seconds, outputs[name] = timed(module, data)
                times[name].append(seconds * 1000 / (len(data) / 1e6))
        cells = ["%s %.1f (%.1f-%.1f)" % (name, statistics.median(t), min(t), max(t))
                 for name, t in times.items()]
        marks = (b"<redacted>", b"<redacted>".hex().upper().encode())  # as text, in hex fields
        changed = ", ".join("%s: %d redacted" % (name, sum(out.count(m) - data.count(m) for m in marks))
                            for name, out in outputs.items())
        print("  %-24s %5.1f MB  %s   [%s]" % (label, len(data) / 1e6, "   ".join(cells), changed))


if __name__ == "__main__":
    main()
