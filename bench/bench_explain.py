"""`gotriage explain` as users run it (run by hand, not a test).

    .venv/bin/python bench/bench_explain.py [--runs 5] [--mb 10]

Measures, as whole processes with bytecode cached (_common.as_users_run), the median of
--runs runs of:

- the catalogue's load: a process that imports explain and builds its catalogue (the
  time inside it, from before the import to after the build), against the same process
  that only imports gotriage;
- `gotriage explain FILE` on generated logs of --mb MB in several shapes: a busy
  service's journal with a few failures in it, a CI log of `go build` with module
  downloads, the real audit log tests/data/selinux/sample-1mb.log repeated (AVC records
  to explain), a log of lines that look like errors and that no signature knows, and a
  log whose lines do not repeat (random words: the worst case of the search of distinct
  line shapes, explain/search.py), a service's journal whose every line carries its
  own trace, span and request ids (hexadecimal, a UUID) with a few failures, and a
  `go test -v` log of subtests with random names and hashes; against `grep -E` of the
  words people search a log for (the real alternative on the same file, in the same
  run);
- `gotriage explain --root SNAPSHOT` with the confirmation of three causes on the
  el9-services snapshot.
Wall and CPU seconds (children's rusage), the peak RSS and the size of the distinct
shapes of each log's lines (what explain searches) are printed.
"""

import argparse
import os
import random
import resource
import statistics
import string
import subprocess
import sys
import time

import _common

ROOT = _common.ROOT
CACHE = os.path.join(ROOT, ".cache", "bench", "explain")
SERVICES = os.path.join(ROOT, "tests", "data", "services", "el9-services")
AUDIT = os.path.join(ROOT, "tests", "data", "selinux", "sample-1mb.log")
GREP = ["grep", "-E", "-i", "-c", "error|fail|denied|refused|timeout|not found"]


def _journal_line(n):
    return ("2026-12-07T10:%02d:%02d+0000 web1 api[2211]: 2026/12/07 10:00:00 GET /api/v1/items/%d "
            "200 %d bytes in %dms\n" % (n // 60 % 60, n % 60, n, 1000 + n % 977, n % 97))


# Lines that do not repeat, digits aside (explain searches the distinct shapes of the
# lines, digits made 0: this is its worst case): a request log whose words vary.
_RANDOM = random.Random(15)
_WORDS = ["".join(_RANDOM.choice(string.ascii_lowercase) for _ in range(_RANDOM.randint(3, 9)))
          for _ in range(4000)]


def _distinct_line(n):
    words = [_RANDOM.choice(_WORDS) for _ in range(4)]
    return ("2026-12-07T10:%02d:%02d+0000 web1 app[2211]: user %s fetched %s/%s from %s in %dms\n"
            % (n // 60 % 60, n % 60, words[0], words[1], words[2], words[3], n % 97))


# the ids' own generator, seeded again for each log: a log is the same whichever logs
# were made before it
_IDS = random.Random(16)


def _hex(bits):
    return "%0*x" % (bits // 4, _IDS.getrandbits(bits))


def _uuid():
    h = _hex(128)
    return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])


def _traced_line(n):
    """A journal line with ids of its own (an OpenTelemetry trace and span, a request
    UUID): no two lines have the same shape; every 5000th line a failure."""
    line = ("2026-12-07T10:%02d:%02d+0000 web1 api[2211]: level=info msg=\"request done\" "
            "trace_id=%s span_id=%s request_id=%s method=GET path=/api/v1/items/%d status=200 "
            "duration_ms=%d\n" % (n // 60 % 60, n % 60, _hex(128), _hex(64), _uuid(), n, n % 97))
    if n % 5000 == 0:
        line += ("2026-12-07T10:00:01+0000 web1 api[2211]: level=error msg=\"db\" trace_id=%s "
                 "error=\"dial tcp 10.0.0.7:5432: connect: connection refused\"\n" % _hex(128))
    return line


def _go_test_lines(n):
    """`go test -v` of table-driven subtests named from random words, each logging a
    content hash and its temporary directory; a failing test every 7000 subtests."""
    name = "%s_%s" % (_IDS.choice(_WORDS), _IDS.choice(_WORDS))
    lines = ("=== RUN   TestResolve/%s\n"
             "    resolve_test.go:%d: cache key sha256:%s for /tmp/TestResolve%d/%03d/%s.json\n"
             "--- PASS: TestResolve/%s (0.%02ds)\n" % (name, 40 + n % 60, _hex(256), n, n % 1000,
                                                     _hex(32), name, n % 100))
    if n % 7000 == 0:
        lines += ("=== RUN   TestServe\n    serve_test.go:31: listen tcp 127.0.0.1:8080: bind: "
                  "address already in use\n--- FAIL: TestServe (0.00s)\n")
    return lines


SHAPES = {
    "journal": lambda n: _journal_line(n) if n % 5000 else (
        "2026-12-07T10:00:00+0000 web1 systemd[1]: api.service: Failed at step EXEC spawning "
        "/usr/local/bin/api: Permission denied\n"
        "2026-12-07T10:00:01+0000 web1 api[2211]: http: Accept error: accept tcp [::]:8080: accept4: "
        "too many open files; retrying in 5ms\n"),
    "ci-build": lambda n: ("go: downloading github.com/example/mod%d v1.%d.0\n" % (n, n % 40)) if n % 7000 else (
        "go: go.mod requires go >= 1.23.0 (running go 1.21.13; GOTOOLCHAIN=local)\n"),
    "distinct-lines": _distinct_line,
    "traced-journal": _traced_line,
    "go-test": _go_test_lines,
    "unknown-errors": lambda n: ("2026-12-07 10:00:00 worker-%d ERROR job %d failed: upstream said no "
                                 "(code %d)\n" % (n % 8, n, n % 500)),
}


def make(shape, mb):
    os.makedirs(CACHE, exist_ok=True)
    path = os.path.join(CACHE, "%s-%dmb.log" % (shape, mb))
    if os.path.exists(path):
        return path
    size = mb * 1024 * 1024
    with open(path, "w") as out:
        if shape == "audit":
            with open(AUDIT) as f:
                sample = f.read()
            while out.tell() < size:
                out.write(sample)
        else:
            _IDS.seed(16)
            n = 0
            while out.tell() < size:
                out.write(SHAPES[shape](n))
                n += 1
    return path


def measure(argv, runs, env=None):
    """Median wall, median CPU (user+sys of the child) and the largest peak RSS (MB)."""
    walls, cpus, rss = [], [], 0
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        rss = max(rss, after.ru_maxrss / 1024.0)
        if proc.returncode not in (0, 1, 3):
            raise SystemExit("%s: exit %d: %s" % (argv, proc.returncode, proc.stderr[-500:]))
    return statistics.median(walls), statistics.median(cpus), rss


def inside(code, runs):
    """The median of what `code` prints (a time measured inside the process)."""
    values = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], stdout=subprocess.PIPE, check=True,
                             env=dict(os.environ, PYTHONPATH=_common.SRC)).stdout
        values.append(float(out))
    return statistics.median(values)


def shapes_kb(path):
    """The size of the distinct shapes of the log's lines (digits made 0), which explain
    searches instead of the log (explain/search.py), in kB."""
    sys.path.insert(0, _common.SRC)
    try:
        from gotriage.explain.search import shape_of
    except ImportError:  # a checkout from before explain/search.py
        return float("nan")

    with open(path, "rb") as f:
        text = f.read().decode("utf-8", "replace")
    return len(b"\n".join(dict.fromkeys(shape_of(text.lower()).split(b"\n")))) / 1024.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--mb", type=int, default=10)
    args = parser.parse_args()
    _common.as_users_run()
    env = dict(os.environ, PYTHONPATH=_common.SRC)
    gotriage = [sys.executable, "-m", "gotriage", "explain"]
    print("python %s, load %s, %d runs each (medians)" % (sys.version.split()[0], _common.loadavg(), args.runs))

    load = inside("import time; t = time.perf_counter(); from gotriage.explain.match import catalogue; "
                  "catalogue(); print(time.perf_counter() - t)", args.runs)
    bare = inside("import time; t = time.perf_counter(); import gotriage; print(time.perf_counter() - t)",
                  args.runs)
    print("catalogue load: %.1f ms (import gotriage alone: %.1f ms)" % (load * 1000, bare * 1000))

    print("%-16s %6s %9s %9s %8s %9s %9s %7s %9s" % ("log", "MB", "wall s", "CPU s", "RSS MB",
                                                       "grep wall", "grep CPU", "ratio", "shapes kB"))
    for shape in ("journal", "ci-build", "audit", "unknown-errors", "distinct-lines", "traced-journal",
                  "go-test"):
        path = make(shape, args.mb)
        wall, cpu, rss = measure(gotriage + [path], args.runs, env)
        gwall, gcpu, _ = measure(GREP + [path], args.runs)
        print("%-16s %6.1f %9.3f %9.3f %8.1f %9.3f %9.3f %6.1fx %9.1f" % (
            shape, os.path.getsize(path) / 1048576.0, wall, cpu, rss, gwall, gcpu, wall / gwall,
            shapes_kb(path)))

    text = os.path.join(CACHE, "confirm.txt")
    with open(text, "w") as f:
        f.write("api.service: Failed at step EXEC spawning /usr/local/bin/api: Permission denied\n"
                "listen tcp :80: bind: permission denied\n"
                "api.service: Failed to determine user credentials: No such process\n")
    wall, cpu, rss = measure(gotriage + ["--root", SERVICES, text], args.runs, env)
    plain, pcpu, _ = measure(gotriage + [text], args.runs, env)
    print("explain --root el9-services (3 causes confirmed or ruled out): wall %.3f s, CPU %.3f s, "
          "RSS %.1f MB; without --root %.3f s, CPU %.3f s" % (wall, cpu, rss, plain, pcpu))


if __name__ == "__main__":
    main()
