"""Helpers of tests/test_archive_safety.py: archives crafted in memory (whatever their
headers declare), and the assertions that a refusal is one line and leaves nothing."""

import bz2
import gzip
import io
import json
import lzma
import os
import random
import shutil
import subprocess
import sys
import tarfile

import pytest

from conftest import need
from gotriage.host.archive import ArchiveLimits
from gotriage.host.snapshot import MANIFEST, SnapshotError, open_snapshot

MiB, GiB = 1 << 20, 1 << 30
MANIFEST_BYTES = json.dumps({"format": 1, "environ": {"PATH": "/usr/bin"}}).encode("utf-8")
OS_RELEASE = b'NAME="AlmaLinux"\nVERSION_ID="8.9"\n'
DEFAULTS = ArchiveLimits()


def file_member(name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o644
    return info, io.BytesIO(data)


def valid_members(top="snap"):
    prefix = top + "/" if top else ""
    return [file_member(prefix + MANIFEST, MANIFEST_BYTES),
            file_member(prefix + "files/etc/os-release", OS_RELEASE)]


def build_tar(path, members, mode="w:gz", fmt=tarfile.PAX_FORMAT):
    """Write `members` ((TarInfo, fileobj or None), ...) to an archive at `path`."""
    with tarfile.open(str(path), mode, format=fmt) as tar:
        for info, data in members:
            tar.addfile(info, data)
    return str(path)


def special(name, kind, **attrs):
    info = tarfile.TarInfo(name)
    info.type = kind
    for key, value in attrs.items():
        setattr(info, key, value)
    return info, None


def noise(size, seed=0):
    """Incompressible but reproducible bytes."""
    rnd = random.Random(seed)
    return bytes(bytearray(rnd.getrandbits(8) for _ in range(size)))


def header(name, size=0, kind=tarfile.REGTYPE, fmt=tarfile.GNU_FORMAT, **attrs):
    """The raw header block(s) of one member, whatever size it declares."""
    info = tarfile.TarInfo(name)
    info.size = size
    info.type = kind
    info.mode = 0o644
    for key, value in attrs.items():
        setattr(info, key, value)
    return info.tobuf(fmt, "utf-8", "surrogateescape")


def pad(size):
    return bytes(-size % 512)


def valid_raw():
    """The valid members as raw tar bytes (headers, data, padding), no end blocks."""
    out = b""
    for info, data in valid_members():
        out += header(info.name, info.size) + data.getvalue() + pad(info.size)
    return out


END = bytes(1024)
COMPRESS = {"gzip": gzip.compress, "bzip2": bz2.compress, "xz": lzma.compress}


def concatenated(kind, pieces):
    """A compressed stream as concatenated members (gzip) or streams (bzip2, xz), which
    every reader joins: `pieces` is a list of (bytes, repeat)."""
    compress = COMPRESS[kind]
    out = []
    for data, repeat in pieces:
        out.append(compress(data) * repeat)
    return b"".join(out)


def write_bytes(path, data):
    with open(str(path), "wb") as f:
        f.write(data)
    return str(path)


def all_files(root):
    found = []
    for directory, dirs, files in os.walk(str(root)):
        found.extend(os.path.join(directory, name) for name in dirs + files)
    return found


def assert_refused(work, archive, *fragments, **kw):
    """open_snapshot refuses `archive` with a one-line SnapshotError naming it, TMPDIR
    is empty afterwards and nothing named 'evil' appeared anywhere; unless
    unpacked=True, no temporary directory was even made (refused on the headers)."""
    limits = kw.pop("limits", None)
    unpacked = kw.pop("unpacked", False)
    assert not kw
    before = len(work["made"])
    with pytest.raises(SnapshotError) as info:
        open_snapshot(archive, limits)
    made = work["made"][before:]
    text = str(info.value)
    assert "\n" not in text
    assert text.startswith(archive + ": ")
    for fragment in fragments:
        assert fragment in text
    if unpacked:
        assert len(made) == 1 and not os.path.exists(made[0])
    else:
        assert made == [], "a temporary directory was made before the refusal"
    assert os.listdir(str(work["area"])) == []
    assert [p for p in all_files(work["tmp"]) if "evil" in os.path.basename(p)] == []
    return text


def run_cli(work, *args):
    env = dict(os.environ)
    env.pop("GOTRIAGE_DEBUG", None)
    env["TMPDIR"] = str(work["area"])
    return subprocess.run([sys.executable, "-m", "gotriage"] + list(args), env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)


def assert_cli_refuses(work, archive, *fragments, **kw):
    """`gotriage COMMAND --root archive`: one line on stderr, exit 2, no traceback,
    nothing left in its TMPDIR."""
    command = kw.pop("command", ["check"])
    extra = kw.pop("extra", [])
    assert not kw
    proc = run_cli(work, *(command + ["--root", archive] + extra))
    stderr = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 2, stderr
    assert "Traceback" not in stderr and "internal error" not in stderr
    assert stderr.startswith("gotriage: error: "), stderr
    assert stderr.count("\n") == 1 and stderr.endswith("\n"), stderr
    for fragment in fragments:
        assert fragment in stderr
    assert os.listdir(str(work["area"])) == []
    return stderr


def gnu_tar_snapshot(work, name, *options):
    """A snapshot directory packed by the real GNU tar with `options`."""
    need(shutil.which("tar") is not None, "GNU tar (Debian's tar package)")
    snap = work["tmp"] / "made-by-tar" / "snap"
    if not snap.exists():
        deep = snap / "files" / "usr" / "share" / ("x" * 90) / ("y" * 90)
        deep.mkdir(parents=True)
        (snap / MANIFEST).write_bytes(MANIFEST_BYTES)
        (snap / "files" / "etc").mkdir()
        (snap / "files" / "etc" / "os-release").write_bytes(OS_RELEASE)
        (deep / "long").write_bytes(b"a long name")
        with open(str(snap / "files" / "app"), "wb") as f:  # sparse on disk: 8 MiB, 2 blocks
            f.write(b"\x7fELF")
            f.seek(8 * MiB)
            f.write(b"end")
    archive = str(work["dir"] / name)
    subprocess.run(["tar"] + list(options) + ["-f", archive, "-C", str(snap.parent), "snap"],
                   check=True)
    return archive


def mutations(data, rnd, count):
    """`count` damaged copies of `data`: bytes flipped or overwritten (half of them in the
    first header blocks, where the numbers and names are), cut, a piece repeated."""
    for _ in range(count):
        out = bytearray(data)
        op = rnd.choice(("flip", "flip", "set", "cut", "repeat"))
        if op == "cut":
            del out[rnd.randrange(len(out)):]
        elif op == "repeat":
            at = rnd.randrange(len(out))
            out[at:at] = out[at:at + rnd.choice((1, 7, 512, 1024))]
        else:
            for _ in range(rnd.randint(1, 4)):
                at = rnd.randrange(min(len(out), 4096) if rnd.random() < 0.5 else len(out))
                out[at] = rnd.randrange(256) if op == "set" else out[at] ^ (1 << rnd.randrange(8))
        yield op, bytes(out)
