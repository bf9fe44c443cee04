"""Snapshot archives come from elsewhere: extract_archive and open_snapshot must refuse
anything that could write outside their temporary directory, absurd sizes and corrupt
data, with a one-line SnapshotError, and leave nothing behind."""

import io
import json
import os
import random
import subprocess
import sys
import tarfile

import pytest

from gotriage.host import snapshot
from gotriage.host.snapshot import MANIFEST, SnapshotError, extract_archive, open_snapshot

MANIFEST_BYTES = json.dumps({"format": 1, "environ": {"PATH": "/usr/bin"}}).encode("utf-8")
OS_RELEASE = b'NAME="AlmaLinux"\nVERSION_ID="8.9"\n'


def file_member(name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o644
    return info, io.BytesIO(data)


def valid_members(top="snap"):
    prefix = top + "/" if top else ""
    return [file_member(prefix + MANIFEST, MANIFEST_BYTES),
            file_member(prefix + "files/etc/os-release", OS_RELEASE)]


def build_tar(path, members, mode="w:gz"):
    """Write `members` ((TarInfo, fileobj or None), ...) to an archive at `path`."""
    with tarfile.open(str(path), mode) as tar:
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


@pytest.fixture
def work(tmp_path, monkeypatch):
    """open_snapshot's temporary directory, made where the test can watch it."""
    made = []
    area = tmp_path / "area"
    area.mkdir()

    def mkdtemp(prefix="tmp", suffix="", dir=None):
        path = str(area / ("extract%d" % len(made)))
        os.mkdir(path, 0o700)
        made.append(path)
        return path

    monkeypatch.setattr(snapshot.tempfile, "mkdtemp", mkdtemp)
    return {"tmp": tmp_path, "area": area, "made": made}


def all_files(root):
    found = []
    for directory, dirs, files in os.walk(str(root)):
        found.extend(os.path.join(directory, name) for name in dirs + files)
    return found


def assert_refused(work, archive, *fragments):
    """open_snapshot refuses `archive` with a one-line SnapshotError, removes its
    temporary directory, and nothing named 'evil' appeared anywhere under tmp_path."""
    with pytest.raises(SnapshotError) as info:
        open_snapshot(archive)
    text = str(info.value)
    assert "\n" not in text
    assert text.startswith(archive)
    for fragment in fragments:
        assert fragment in text
    assert len(work["made"]) == 1, "open_snapshot should have made one temporary directory"
    assert not os.path.exists(work["made"][0]), "temporary directory left behind"
    assert os.listdir(str(work["area"])) == []
    evil = [p for p in all_files(work["tmp"]) if "evil" in os.path.basename(p)]
    assert evil == []
    return text


def run_cli(*args):
    env = dict(os.environ)
    env.pop("GOTRIAGE_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "gotriage"] + list(args), env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)


def assert_cli_refuses(archive):
    proc = run_cli("check", "--root", archive)
    stderr = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 2, stderr
    assert "Traceback" not in stderr
    assert stderr.startswith("gotriage: error: "), stderr
    assert stderr.count("\n") == 1 and stderr.endswith("\n"), stderr
    assert "internal error" not in stderr


# -- the good case, so that refusals below are not refusing everything --------------------------

def test_valid_archive_opens_and_cleans_up(work, tmp_path):
    archive = build_tar(tmp_path / "ok.tar.gz", valid_members())
    host = open_snapshot(archive)
    try:
        assert host.read("/etc/os-release") == OS_RELEASE
        assert host.environ() == {"PATH": "/usr/bin"}
        assert work["made"] and os.path.isdir(work["made"][0])
        extracted = os.path.join(work["made"][0], "snap", "files", "etc", "os-release")
        assert os.stat(extracted).st_mode & 0o777 == 0o600
    finally:
        host.close()
    assert not os.path.exists(work["made"][0])
    host.close()  # twice is harmless


@pytest.mark.parametrize("mode", ["w", "w:gz", "w:bz2", "w:xz"])
def test_valid_archive_in_every_compression(work, tmp_path, mode):
    archive = build_tar(tmp_path / "ok.tar", valid_members(top=""), mode)
    host = open_snapshot(archive)
    try:
        assert host.read("/etc/os-release") == OS_RELEASE
    finally:
        host.close()


def test_dot_and_directory_members_are_fine(work, tmp_path):
    members = [special(".", tarfile.DIRTYPE, mode=0o755), special("./snap", tarfile.DIRTYPE),
               special("./snap/files/etc", tarfile.DIRTYPE)]
    members += [(file_member("./" + i.name, d.getvalue())) for i, d in valid_members()]
    archive = build_tar(tmp_path / "dots.tar.gz", members)
    host = open_snapshot(archive)
    try:
        assert host.listdir("/etc") == ["os-release"]
    finally:
        host.close()


# -- names that escape -------------------------------------------------------------------------

def test_dotdot_member(work):
    archive = build_tar(work["tmp"] / "a.tar.gz", valid_members() + [file_member("../evil", b"x")])
    assert_refused(work, archive, "would escape")
    assert_cli_refuses(archive)


def test_absolute_member(work):
    # absolute, but inside tmp_path: even a broken check could not write to the real /
    target = str(work["tmp"] / "abs" / "evil")
    os.makedirs(os.path.dirname(target))
    archive = build_tar(work["tmp"] / "a.tar.gz", [file_member(target, b"x")] + valid_members())
    assert_refused(work, archive, "would escape")
    assert not os.path.exists(target)
    assert_cli_refuses(archive)


@pytest.mark.parametrize("name", ["a/../../evil", "snap/../../evil", "./../evil",
                                  "snap/files/../../../evil", "a/b/c/../../../../evil", "..",
                                  "//evil"])
def test_dotdot_in_the_middle(work, name):
    archive = build_tar(work["tmp"] / "a.tar.gz", valid_members() + [file_member(name, b"x")])
    assert_refused(work, archive, "would escape")


def test_extract_archive_directly_refuses_escape(tmp_path):
    target = tmp_path / "t" / "inner"
    target.mkdir(parents=True)
    archive = build_tar(tmp_path / "a.tar.gz", [file_member("x/../../evil", b"x")])
    with pytest.raises(SnapshotError):
        extract_archive(archive, str(target))
    assert not (tmp_path / "t" / "evil").exists()
    assert os.listdir(str(target)) == []


# -- links and special files --------------------------------------------------------------------

def test_symlink_member(work):
    outside = work["tmp"] / "outside"
    outside.mkdir()
    members = valid_members() + [
        special("snap/files/link", tarfile.SYMTYPE, linkname=str(outside)),
        file_member("snap/files/link/evil", b"written through the link"),
    ]
    archive = build_tar(work["tmp"] / "a.tar.gz", members)
    text = assert_refused(work, archive, "is a link")
    assert "snap/files/link" in text
    assert os.listdir(str(outside)) == []
    assert_cli_refuses(archive)


def test_relative_symlink_member_is_refused_too(work):
    archive = build_tar(work["tmp"] / "a.tar.gz", valid_members() + [
        special("snap/files/etc/passwd", tarfile.SYMTYPE, linkname="os-release")])
    assert_refused(work, archive, "is a link")


def test_hardlink_member(work):
    victim = work["tmp"] / "victim"
    victim.write_bytes(b"original")
    members = valid_members() + [
        special("snap/files/hard", tarfile.LNKTYPE, linkname=str(victim)),
        file_member("snap/files/hard", b"evil overwrite"),
    ]
    archive = build_tar(work["tmp"] / "a.tar.gz", members)
    assert_refused(work, archive, "is a link")
    assert victim.read_bytes() == b"original"
    assert_cli_refuses(archive)


@pytest.mark.parametrize("kind", [tarfile.CHRTYPE, tarfile.BLKTYPE, tarfile.FIFOTYPE])
def test_device_and_fifo_members(work, kind):
    info, data = special("snap/files/dev/evil", kind, devmajor=1, devminor=3)
    archive = build_tar(work["tmp"] / "a.tar.gz", valid_members() + [(info, data)])
    assert_refused(work, archive, "special file")
    assert_cli_refuses(archive)


# -- sizes ---------------------------------------------------------------------------------------

def test_too_many_members(work, monkeypatch):
    monkeypatch.setattr(snapshot, "MAX_MEMBERS", 10)
    members = valid_members() + [file_member("snap/files/f%02d" % i, b"x") for i in range(9)]
    assert len(members) == 11
    archive = build_tar(work["tmp"] / "many.tar.gz", members)
    assert_refused(work, archive, "more than 10 members")


def test_member_count_at_the_limit_is_fine(work, monkeypatch):
    monkeypatch.setattr(snapshot, "MAX_MEMBERS", 10)
    members = valid_members() + [file_member("snap/files/f%02d" % i, b"x") for i in range(8)]
    archive = build_tar(work["tmp"] / "ten.tar.gz", members)
    open_snapshot(archive).close()


def test_member_too_big(work, monkeypatch):
    monkeypatch.setattr(snapshot, "MAX_MEMBER_BYTES", 1000)
    members = valid_members() + [file_member("snap/files/big", b"y" * 1001)]
    archive = build_tar(work["tmp"] / "big.tar.gz", members)
    assert_refused(work, archive, "snap/files/big", "1001 bytes")
    # the size is refused before anything is written
    members = [file_member("snap/files/big", b"y" * 1001)] + valid_members()
    target = work["tmp"] / "direct"
    target.mkdir()
    with pytest.raises(SnapshotError):
        extract_archive(build_tar(work["tmp"] / "big2.tar.gz", members), str(target))
    assert all_files(target) == []


def test_member_at_the_size_limit_is_fine(work, monkeypatch):
    monkeypatch.setattr(snapshot, "MAX_MEMBER_BYTES", 1000)
    members = valid_members() + [file_member("snap/files/big", b"y" * 1000)]
    host = open_snapshot(build_tar(work["tmp"] / "ok.tar.gz", members))
    try:
        assert len(host.read("/big")) == 1000
    finally:
        host.close()


def test_total_too_big(work, monkeypatch):
    monkeypatch.setattr(snapshot, "MAX_TOTAL_BYTES", 1000)
    members = valid_members() + [file_member("snap/files/part%d" % i, b"z" * 400)
                                 for i in range(3)]
    archive = build_tar(work["tmp"] / "total.tar.gz", members)
    assert_refused(work, archive, "more than 1000 bytes unpacked")


def test_size_limits_are_checked_on_the_header_not_the_data(work, monkeypatch):
    # a header that claims a huge size: refused without reading (or writing) the data
    monkeypatch.setattr(snapshot, "MAX_MEMBER_BYTES", 1000)
    info = tarfile.TarInfo("snap/files/huge")
    info.size = 10 ** 6
    archive = build_tar(work["tmp"] / "huge.tar", valid_members() + [(info, io.BytesIO(b"\0" * 10 ** 6))],
                        mode="w")
    assert_refused(work, archive, "snap/files/huge")


# -- corrupt data ------------------------------------------------------------------------------

@pytest.fixture
def sound_archive(tmp_path):
    members = valid_members() + [file_member("snap/files/usr/local/go/bin/go", noise(40000))]
    data = open(build_tar(tmp_path / "sound.tar.gz", members), "rb").read()
    return data


def write_bytes(path, data):
    with open(str(path), "wb") as f:
        f.write(data)
    return str(path)


def test_truncated_in_half(work, sound_archive):
    archive = write_bytes(work["tmp"] / "half.tar.gz", sound_archive[:len(sound_archive) // 2])
    assert_refused(work, archive)
    assert_cli_refuses(archive)


@pytest.mark.parametrize("keep", [10, 100, 512, -8, -4, -1])
def test_truncated_anywhere(work, sound_archive, keep):
    # -8/-4/-1: everything but (part of) the gzip trailer, after the tar end marker
    archive = write_bytes(work["tmp"] / "cut.tar.gz", sound_archive[:keep])
    assert_refused(work, archive)


def test_flipped_byte_is_detected(work, sound_archive):
    data = bytearray(sound_archive)
    data[len(data) // 2] ^= 0xFF
    archive = write_bytes(work["tmp"] / "flip.tar.gz", bytes(data))
    assert_refused(work, archive)


@pytest.mark.parametrize("mode", ["w:xz", "w:bz2"])
def test_other_compressions_corrupt(work, tmp_path, mode):
    members = valid_members() + [file_member("snap/files/blob", noise(40000, seed=1))]
    data = bytearray(open(build_tar(tmp_path / "c.tar", members, mode), "rb").read())
    data[len(data) // 2] ^= 0xFF
    archive = write_bytes(work["tmp"] / "corrupt.tar", bytes(data))
    assert_refused(work, archive)
    assert_cli_refuses(archive)


def test_random_garbage(work):
    archive = write_bytes(work["tmp"] / "garbage.tar.gz", noise(5000, seed=7))
    assert_refused(work, archive, "not a readable tar archive")
    assert_cli_refuses(archive)


def test_empty_file(work):
    archive = write_bytes(work["tmp"] / "empty.tar.gz", b"")
    assert_refused(work, archive)
    assert_cli_refuses(archive)


def test_gzip_that_is_not_a_tar(work):
    import gzip

    archive = write_bytes(work["tmp"] / "notar.tar.gz",
                          gzip.compress(b"just some text, not a tar archive\n" * 50))
    assert_refused(work, archive)
    assert_cli_refuses(archive)


def test_archive_without_manifest(work):
    archive = build_tar(work["tmp"] / "nomanifest.tar.gz",
                        [file_member("snap/files/etc/os-release", OS_RELEASE)])
    assert_refused(work, archive, "not a gotriage snapshot")
    assert_cli_refuses(archive)


def test_empty_tar(work):
    archive = build_tar(work["tmp"] / "nothing.tar.gz", [])
    assert_refused(work, archive, "not a gotriage snapshot")


def test_newer_format_inside_archive_cleans_up(work):
    newer = json.dumps({"format": snapshot.FORMAT_VERSION + 1}).encode("utf-8")
    archive = build_tar(work["tmp"] / "newer.tar.gz", [file_member("snap/" + MANIFEST, newer)])
    assert_refused(work, archive, "upgrade gotriage")
    assert_cli_refuses(archive)


def test_duplicate_member_is_refused(work):
    archive = build_tar(work["tmp"] / "dup.tar.gz",
                        valid_members() + [file_member("snap/files/etc/os-release", b"second")])
    assert_refused(work, archive)


def test_file_then_directory_of_the_same_name(work):
    archive = build_tar(work["tmp"] / "clash.tar.gz", valid_members() + [
        file_member("snap/files/etc/os-release/evil", b"x")])
    assert_refused(work, archive)


def test_interrupt_during_extraction_cleans_up(work, monkeypatch):
    archive = build_tar(work["tmp"] / "ok.tar.gz", valid_members())

    def interrupted(archive, target):
        with open(os.path.join(target, "partial"), "wb") as f:
            f.write(b"half")
        raise KeyboardInterrupt

    monkeypatch.setattr(snapshot, "extract_archive", interrupted)
    with pytest.raises(KeyboardInterrupt):
        open_snapshot(archive)
    assert not os.path.exists(work["made"][0])
