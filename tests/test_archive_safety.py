"""Snapshot archives come from elsewhere: open_snapshot and extract_archive must refuse
anything that could write outside their temporary directory, anything over a limit
(members, sizes, depth, name length, compression ratio) and corrupt data, with a
one-line SnapshotError, and leave nothing behind.  Limits are checked on the headers
before a byte is written: for those refusals no temporary directory is ever made.

The crafted archives are built here, small: a header can declare 1 GiB that the
archive does not hold (it is refused at that header), an uncompressed archive can be a
sparse file, and gzip, bzip2 and xz streams can be concatenated, so a GiB of zeros is a
thousand copies of one compressed MiB.  How fast each is refused is measured by
bench/bench_archive.py, never here."""

import bz2
import gzip
import io
import json
import os
import random
import subprocess
import sys
import tarfile
import tempfile

import pytest

from archive_support import (
    DEFAULTS,
    END,
    MANIFEST_BYTES,
    OS_RELEASE,
    GiB,
    MiB,
    all_files,
    assert_cli_refuses,
    assert_refused,
    build_tar,
    concatenated,
    file_member,
    gnu_tar_snapshot,
    header,
    mutations,
    noise,
    pad,
    run_cli,
    special,
    valid_members,
    valid_raw,
    write_bytes,
)
from gotriage import cli
from gotriage.host import archive as archive_module
from gotriage.host import snapshot
from gotriage.host.archive import (
    ArchiveError,
    ArchiveLimits,
    Tally,
    check_room,
    open_archive,
    scan_archive,
)
from gotriage.host.snapshot import MANIFEST, SnapshotError, extract_archive, open_snapshot


@pytest.fixture
def work(tmp_path, monkeypatch):
    """TMPDIR is an empty directory the test watches; every mkdtemp call is recorded."""
    area = tmp_path / "tmpdir"
    area.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(area))
    monkeypatch.setenv("TMPDIR", str(area))
    made = []
    real_mkdtemp = tempfile.mkdtemp

    def mkdtemp(*args, **kwargs):
        made.append(real_mkdtemp(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp)  # snapshot.py imports it when needed
    crafted = tmp_path / "crafted"
    crafted.mkdir()
    return {"tmp": tmp_path, "dir": crafted, "area": area, "made": made}


# -- the good case, so that refusals below are not refusing everything --------------------------

def test_valid_archive_opens_and_cleans_up(work):
    archive = build_tar(work["dir"] / "ok.tar.gz", valid_members())
    host = open_snapshot(archive)
    try:
        assert host.read("/etc/os-release") == OS_RELEASE
        assert host.environ() == {"PATH": "/usr/bin"}
        assert len(work["made"]) == 1 and os.path.dirname(work["made"][0]) == str(work["area"])
        extracted = os.path.join(work["made"][0], "snap", "files", "etc", "os-release")
        assert os.stat(extracted).st_mode & 0o777 == 0o600
        assert os.stat(os.path.dirname(extracted)).st_mode & 0o777 == 0o700
    finally:
        host.close()
    assert os.listdir(str(work["area"])) == []
    host.close()  # twice is harmless


@pytest.mark.parametrize("mode", ["w", "w:gz", "w:bz2", "w:xz"])
@pytest.mark.parametrize("fmt", [tarfile.GNU_FORMAT, tarfile.PAX_FORMAT, tarfile.USTAR_FORMAT])
def test_valid_archive_in_every_compression_and_format(work, mode, fmt):
    # a long name: a GNU 'L' header, a pax 'path' record, or ustar's prefix field
    deep = "snap/files/usr/share/" + "/".join(["directory%02d" % i for i in range(12)]) + "/x"
    members = valid_members() + [file_member(deep, b"deep")]
    archive = build_tar(work["dir"] / "ok.tar", members, mode, fmt)
    host = open_snapshot(archive)
    try:
        assert host.read("/etc/os-release") == OS_RELEASE
        assert host.read(deep[len("snap/files"):]) == b"deep"
    finally:
        host.close()


@pytest.mark.parametrize("options", [["-czf"], ["-cf"], ["-cjf"], ["-cJf"],
                                     ["--format=posix", "-czf"], ["--format=ustar", "-czf"],
                                     ["--format=gnu", "-czf"]],
                         ids=lambda o: " ".join(o))
def test_archives_made_by_gnu_tar(work, options):
    archive = gnu_tar_snapshot(work, "tar.archive", "-c", *options[:-1])
    host = open_snapshot(archive)
    try:
        assert host.read("/etc/os-release") == OS_RELEASE
        assert host.read("/usr/share/%s/%s/long" % ("x" * 90, "y" * 90)) == b"a long name"
        assert host.read_range("/app", 8 * MiB, 3) == b"end"
        assert host.read_range("/app", 0, 4) == b"\x7fELF"
    finally:
        host.close()
    assert os.listdir(str(work["area"])) == []


@pytest.mark.parametrize("fmt", ["gnu", "posix"])
def test_gnu_tar_sparse_member_is_refused(work, fmt):
    archive = gnu_tar_snapshot(work, "sparse.tar.gz", "-c", "-z", "--sparse", "--format=" + fmt)
    assert_refused(work, archive, "'snap/files/app' is a sparse file")


def test_the_content_decides_not_the_name(work):
    # an uncompressed tar named .tar.gz opens; gzip named .tar opens too
    plain = build_tar(work["dir"] / "plain.tar.gz", valid_members(), mode="w")
    packed = build_tar(work["dir"] / "packed.tar", valid_members(), mode="w:gz")
    for archive in (plain, packed):
        host = open_snapshot(archive)
        try:
            assert host.read("/etc/os-release") == OS_RELEASE
        finally:
            host.close()


def test_dot_and_directory_members_are_fine(work):
    members = [special(".", tarfile.DIRTYPE, mode=0o755), special("./snap", tarfile.DIRTYPE),
               special("./snap/files/etc", tarfile.DIRTYPE)]
    members += [(file_member("./" + i.name, d.getvalue())) for i, d in valid_members()]
    archive = build_tar(work["dir"] / "dots.tar.gz", members)
    host = open_snapshot(archive)
    try:
        assert host.listdir("/etc") == ["os-release"]
    finally:
        host.close()


def test_zero_runs_are_unpacked_as_holes(work):
    # what collect writes for the unread parts of a Go binary: mostly zeros, here 64 MiB
    # of them, past the 32 MiB after which data other than zeros is judged by its ratio
    data = b"\x7fELF" + bytes(64 * MiB) + b"buildinfo"
    raw = (valid_raw() + header("snap/files/usr/bin/app", len(data)) + data + pad(len(data))
           + END)
    archive = write_bytes(work["dir"] / "binary.tar.gz", gzip.compress(raw, 1))
    host = open_snapshot(archive)
    try:
        assert host.read_range("/usr/bin/app", 0, 4) == b"\x7fELF"
        assert host.read_range("/usr/bin/app", len(data) - 9, 9) == b"buildinfo"
        assert host.read_range("/usr/bin/app", 32 * MiB, 8) == bytes(8)
        local = os.path.join(work["made"][0], "snap", "files", "usr", "bin", "app")
        st = os.stat(local)
        assert st.st_size == len(data)
        assert st.st_blocks * 512 < 4 * MiB, "the zeros were written, not left as holes"
    finally:
        host.close()


def test_a_member_at_each_limit_is_fine(work):
    # four members, and four directories: snap, snap/files, .../etc, .../etc/a
    limits = ArchiveLimits(members=8, size=3000, member=1000, depth=5, name=40)
    members = valid_members() + [file_member("snap/files/etc/a/big", b"y" * 1000),
                                 file_member("snap/files/" + "n" * 29, b"z" * (1000 - 70))]
    assert len(members[-1][0].name) == 40
    assert sum(i.size for i, _ in members) <= 3000
    host = open_snapshot(build_tar(work["dir"] / "ok.tar.gz", members), limits)
    try:
        assert len(host.read("/etc/a/big")) == 1000
    finally:
        host.close()


def test_sixty_four_levels_deep_is_fine_and_removed(work):
    deep = "snap/files/" + "/".join("d" for _ in range(61)) + "/leaf"
    assert len(deep.split("/")) == 64 == DEFAULTS.depth
    host = open_snapshot(build_tar(work["dir"] / "deep.tar.gz",
                                   valid_members() + [file_member(deep, b"x")]))
    try:
        assert host.read(deep[len("snap/files"):]) == b"x"
    finally:
        host.close()
    assert os.listdir(str(work["area"])) == []


# -- names that escape -------------------------------------------------------------------------

def test_dotdot_member(work):
    archive = build_tar(work["dir"] / "a.tar.gz", valid_members() + [file_member("../evil", b"x")])
    assert_refused(work, archive, "would escape")
    assert_cli_refuses(work, archive, "would escape")


def test_absolute_member(work):
    # absolute, but inside tmp_path: even a broken check could not write to the real /
    target = str(work["tmp"] / "abs" / "evil")
    os.makedirs(os.path.dirname(target))
    archive = build_tar(work["dir"] / "a.tar.gz", [file_member(target, b"x")] + valid_members())
    assert_refused(work, archive, "would escape")
    assert not os.path.exists(target)
    assert_cli_refuses(work, archive)


@pytest.mark.parametrize("name", ["a/../../evil", "snap/../../evil", "./../evil",
                                  "snap/files/../../../evil", "a/b/c/../../../../evil", "..",
                                  "//evil"])
def test_dotdot_in_the_middle(work, name):
    archive = build_tar(work["dir"] / "a.tar.gz", valid_members() + [file_member(name, b"x")])
    assert_refused(work, archive, "would escape")


def test_extract_archive_directly_refuses_escape(tmp_path):
    target = tmp_path / "t" / "inner"
    target.mkdir(parents=True)
    archive = build_tar(tmp_path / "a.tar.gz", [file_member("x/../../evil", b"x")])
    with pytest.raises(SnapshotError):
        extract_archive(archive, str(target))
    assert not (tmp_path / "t" / "evil").exists()
    assert os.listdir(str(target)) == []


def test_extract_archive_writes_nothing_when_a_late_member_is_bad(tmp_path):
    # the escape is the last member: the files before it are not written either
    target = tmp_path / "t"
    target.mkdir()
    archive = build_tar(tmp_path / "a.tar.gz", valid_members() + [file_member("../evil", b"x")])
    with pytest.raises(SnapshotError):
        extract_archive(archive, str(target))
    assert all_files(target) == []


def test_nul_byte_in_a_pax_name(work):
    name = "snap/files/" + "a" * 100 + "\0/evil"  # long: it goes in a pax record
    raw = valid_raw() + header(name, 1, fmt=tarfile.PAX_FORMAT) + b"x" + pad(1) + END
    archive = write_bytes(work["dir"] / "nul.tar", raw)
    assert_refused(work, archive, "NUL byte")


# -- links and special files --------------------------------------------------------------------

def test_symlink_member(work):
    outside = work["tmp"] / "outside"
    outside.mkdir()
    members = valid_members() + [
        special("snap/files/link", tarfile.SYMTYPE, linkname=str(outside)),
        file_member("snap/files/link/evil", b"written through the link"),
    ]
    archive = build_tar(work["dir"] / "a.tar.gz", members)
    text = assert_refused(work, archive, "is a link")
    assert "snap/files/link" in text
    assert os.listdir(str(outside)) == []
    assert_cli_refuses(work, archive, "is a link")


def test_relative_symlink_member_is_refused_too(work):
    archive = build_tar(work["dir"] / "a.tar.gz", valid_members() + [
        special("snap/files/etc/passwd", tarfile.SYMTYPE, linkname="os-release")])
    assert_refused(work, archive, "is a link")


def test_hardlink_member(work):
    victim = work["tmp"] / "victim"
    victim.write_bytes(b"original")
    members = valid_members() + [
        special("snap/files/hard", tarfile.LNKTYPE, linkname=str(victim)),
        file_member("snap/files/hard", b"evil overwrite"),
    ]
    archive = build_tar(work["dir"] / "a.tar.gz", members)
    assert_refused(work, archive, "is a link")
    assert victim.read_bytes() == b"original"
    assert_cli_refuses(work, archive)


@pytest.mark.parametrize("kind", [tarfile.CHRTYPE, tarfile.BLKTYPE, tarfile.FIFOTYPE])
def test_device_and_fifo_members(work, kind):
    info, data = special("snap/files/dev/evil", kind, devmajor=1, devminor=3)
    archive = build_tar(work["dir"] / "a.tar.gz", valid_members() + [(info, data)])
    assert_refused(work, archive, "special file")
    assert_cli_refuses(work, archive, "special file")


def test_sparse_members(work):
    # an old GNU sparse header ('S') and a pax one (GNU.sparse.*): a sparse file can
    # declare any size, and no snapshot holds one
    gnu = valid_raw() + header("snap/files/evil", 0, kind=tarfile.GNUTYPE_SPARSE) + END
    assert_refused(work, write_bytes(work["dir"] / "gnu.tar", gnu), "sparse file")
    info = tarfile.TarInfo("snap/files/evil")
    info.pax_headers = {"GNU.sparse.realsize": "4294967296", "GNU.sparse.name": "evil"}
    members = valid_members() + [(info, io.BytesIO(b""))]
    assert_refused(work, build_tar(work["dir"] / "pax.tar.gz", members), "sparse file")


def test_unknown_member_type(work):
    raw = valid_raw() + header("snap/files/evil", 0, kind=b"V") + END
    assert_refused(work, write_bytes(work["dir"] / "v.tar", raw), "has the unsupported type 'V'")


# -- counts and sizes, at the defaults --------------------------------------------------------

def test_one_more_member_than_the_default(work):
    # 10,001 entries: the members, and the directories snap, snap/files, snap/files/etc
    # and snap/files/f that their names imply
    blocks = [valid_raw()]
    for i in range(DEFAULTS.members + 1 - 2 - 4):
        blocks.append(header("snap/files/f/%05d" % i, 1) + b"x" + pad(1))
    archive = write_bytes(work["dir"] / "many.tar.gz", gzip.compress(b"".join(blocks) + END, 1))
    assert_refused(work, archive, "more than %d members, counting the directories their "
                   "names imply: refused (--archive-limits members=N" % DEFAULTS.members)
    assert_cli_refuses(work, archive, "more than 10000 members")
    # one fewer passes the scan (unpacking 10,000 files is left to the small limits below:
    # it costs seconds on a slow disk)
    blocks.pop()
    with open_archive(write_bytes(work["dir"] / "10k.tar.gz",
                                  gzip.compress(b"".join(blocks) + END, 1))) as f:
        tally = scan_archive(f, "10k.tar.gz", DEFAULTS)
    assert (tally.members, tally.dirs) == (DEFAULTS.members - 4, 4)


def test_directories_count_like_members(work):
    # each member alone in its own new directories: ten thousand files could make
    # hundreds of thousands of directories, which no size limit counts.  2 members and
    # 3 directories, then 3 more entries for each file here (the file, its directories
    # N and N/a): 65 in all.
    limits = ArchiveLimits(members=50)
    blocks = [valid_raw()]
    for i in range(20):
        blocks.append(header("snap/files/%d/a/c" % i, 1) + b"x" + pad(1))
    archive = write_bytes(work["dir"] / "dirs.tar", b"".join(blocks) + END)
    assert_refused(work, archive, "more than 50 members, counting the directories",
                   limits=limits)
    assert_refused(work, archive, "more than 64 members", limits=ArchiveLimits(members=64))
    open_snapshot(archive, ArchiveLimits(members=65)).close()


def test_a_member_declaring_one_gib(work):
    # the header claims 1 GiB; the archive stops right after it: refused at the header,
    # before the missing data could be noticed
    raw = valid_raw() + header("snap/files/usr/bin/big", GiB)
    for name, data in (("big.tar", raw), ("big.tar.gz", gzip.compress(raw))):
        archive = write_bytes(work["dir"] / name, data)
        text = assert_refused(work, archive, "'snap/files/usr/bin/big' is 1073741824 bytes",
                              "over the limit of 536870912 bytes", "member=N")
        assert "truncated" not in text
    assert_cli_refuses(work, archive, "1073741824 bytes")


def test_declared_sizes_that_add_up_past_the_total(work):
    # an uncompressed archive as a sparse file: five members of 500 MiB each, under the
    # member limit, 2.4 GiB together; the fifth header is refused without reading data
    path = str(work["dir"] / "total.tar")
    with open(path, "wb") as f:
        f.write(valid_raw())
        for i in range(5):
            f.write(header("snap/files/part%d" % i, 500 * MiB))
            f.seek(500 * MiB, os.SEEK_CUR)
        f.write(END)
    assert os.stat(path).st_blocks * 512 < MiB  # sparse: nothing was written
    assert_refused(work, path, "its files add up to more than 2147483648 bytes", "size=N")
    assert_cli_refuses(work, path, "add up to more than")


def test_total_too_big_with_a_small_limit(work):
    members = valid_members() + [file_member("snap/files/part%d" % i, b"z" * 400)
                                 for i in range(3)]
    archive = build_tar(work["dir"] / "total.tar.gz", members)
    assert_refused(work, archive, "more than 1000 bytes", limits=ArchiveLimits(size=1000))
    assert_cli_refuses(work, archive, "more than 1000 bytes", extra=["--archive-limits", "size=1000"])


def test_member_too_big_with_a_small_limit(work):
    members = valid_members() + [file_member("snap/files/big", b"y" * 1001)]
    archive = build_tar(work["dir"] / "big.tar.gz", members)
    assert_refused(work, archive, "snap/files/big", "1001 bytes", limits=ArchiveLimits(member=1000))


def test_the_audits_gzip_bomb_four_gib_in_four_mb(work):
    # issue 11: a 4 MB gzip holding 4 x 1 GiB of zeros wrote 4 GiB to /tmp before it
    # was refused.  Now: refused at the first header by the member limit, and, with the
    # old limits (1 GiB a member, 4 GiB in all), by the ratio once 256 MiB came out.
    zeros = gzip.compress(bytes(MiB), 9)
    data = gzip.compress(valid_raw())
    for i in range(4):
        data += gzip.compress(header("snap/files/zero%d" % i, GiB)) + zeros * 1024
    data += gzip.compress(END)
    assert len(data) < 5 * MiB
    archive = write_bytes(work["dir"] / "bomb.tar.gz", data)
    assert_refused(work, archive, "'snap/files/zero0' is 1073741824 bytes")
    assert_cli_refuses(work, archive, "'snap/files/zero0' is 1073741824 bytes")
    old = ArchiveLimits(member=GiB, size=4 * GiB)
    assert_refused(work, archive, "decompression bomb", "zeros included, more than 500 times",
                   limits=old)
    assert_cli_refuses(work, archive, "decompression bomb",
                       extra=["--archive-limits", "member=1G,size=4G"])


@pytest.mark.parametrize("kind", ["gzip", "bzip2", "xz"])
def test_high_ratio_under_every_size_limit(work, kind):
    # 400 MiB in one member (under 512 MiB), of one repeated letter (not zeros: it would
    # be written), compressed about 1000:1 or better
    size = 400 * MiB
    data = concatenated(kind, [(valid_raw() + header("snap/files/letters", size), 1),
                               (b"A" * (4 * MiB), size // (4 * MiB)),
                               (pad(size) + END, 1)])
    assert len(data) < size // 500
    archive = write_bytes(work["dir"] / ("ratio." + kind), data)
    text = assert_refused(work, archive, "decompression bomb", "ratio=N")
    assert kind in text
    assert_refused(work, archive, limits=ArchiveLimits(ratio=10 ** 9, size=size,
                                                       member=size - 1))


def test_zeros_beyond_what_go_binaries_explain(work):
    # collect records Go binaries mostly as zeros, 195:1 to 275:1 in gzip
    # (test_real_go_binaries_as_collect_records_them); zeros alone are 1000:1
    size = 96 * MiB
    data = concatenated("gzip", [(valid_raw() + header("snap/files/zeros", size), 1),
                                 (bytes(MiB), size // MiB), (END, 1)])
    archive = write_bytes(work["dir"] / "zeros.tar.gz", data)
    assert_refused(work, archive, "decompression bomb", "zeros included, more than 500 times",
                   "large Go binaries")


def test_a_ratio_can_be_allowed(work, monkeypatch):
    # the same judgement on 24 MiB, to keep the test quick
    monkeypatch.setattr(archive_module, "ZEROS_RATIO_FLOOR", 16 * MiB)
    size = 24 * MiB
    data = concatenated("gzip", [(valid_raw() + header("snap/files/zeros", size), 1),
                                 (bytes(MiB), size // MiB), (END, 1)])
    archive = write_bytes(work["dir"] / "zeros.tar.gz", data)
    assert_refused(work, archive, "decompression bomb")
    host = open_snapshot(archive, ArchiveLimits(ratio=2000))
    try:
        assert host.read_range("/zeros", size - 4, 4) == bytes(4)
    finally:
        host.close()


@pytest.fixture(scope="module")
def collected(toolchains, tmp_path_factory):
    """A real `gotriage collect` of this machine, with the static go 1.27 first on PATH."""
    go = toolchains["1.27"]
    out = str(tmp_path_factory.mktemp("collect") / "host.tar.gz")
    env = dict(os.environ, PATH=go.bindir + os.pathsep + os.environ.get("PATH", ""))
    subprocess.run([sys.executable, "-m", "gotriage", "collect", "-o", out], env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300, check=True)
    return out, go.go


def test_real_go_binaries_as_collect_records_them(work, collected):
    # what collect writes is never refused by the defaults; its Go binaries, copied until
    # they pass the zeros tier's floor, are judged there (and pass: about 275:1)
    archive, go = collected
    with open(archive, "rb") as f:
        scanned = scan_archive(f, archive, DEFAULTS)
    host = open_snapshot(archive)
    try:
        size = host.stat(go).size
        recorded = host.read_range(go, 0, size)
    finally:
        host.close()
    assert len(recorded) > 10 * MiB and recorded.count(0) > 0.99 * len(recorded)
    assert scanned.to_write < scanned.bytes
    copies = 8
    data = gzip.compress(valid_raw())
    for i in range(copies):
        data += gzip.compress(header("snap/files/usr/local/bin/svc%d" % i, len(recorded))
                              + recorded + pad(len(recorded)))
    data += gzip.compress(END)
    ratio = copies * len(recorded) / float(len(data))
    assert copies * len(recorded) > archive_module.ZEROS_RATIO_FLOOR and 200 < ratio < 400
    services = write_bytes(work["dir"] / "services.tar.gz", data)
    open_snapshot(services).close()
    assert_refused(work, services, "zeros included, more than 250 times",
                   limits=ArchiveLimits(ratio=100))


# -- names: depth and length -----------------------------------------------------------------

def test_three_thousand_directories_deep(work):
    # issue 11: this raised RecursionError (os.makedirs recurses once per level)
    name = "snap/files/" + "d/" * 3000 + "evil"
    # GNU: the long name comes first in an 'L' header, refused by the size it declares
    gnu = build_tar(work["dir"] / "gnu.tar.gz", valid_members() + [file_member(name, b"x")],
                    fmt=tarfile.GNU_FORMAT)
    assert_refused(work, gnu, "a member has a name of 6015 bytes (the limit is 1024)")
    # pax: the name is read (a 6 KB header), then judged
    archive = build_tar(work["dir"] / "pax.tar.gz", valid_members() + [file_member(name, b"x")],
                        fmt=tarfile.PAX_FORMAT)
    assert_refused(work, archive, "3003 directories deep (the limit is 64)", "depth=N")
    assert_cli_refuses(work, archive, "directories deep", extra=["--archive-limits", "depth=256"])
    proc = run_cli(work, "check", "--root", archive, "--archive-limits", "depth=3002")
    assert proc.returncode == 2
    assert proc.stderr.decode() == "gotriage: error: --archive-limits: depth can be at most 256\n"


def test_one_level_too_deep(work):
    deep = "snap/files/" + "/".join("d" for _ in range(62)) + "/evil"
    archive = build_tar(work["dir"] / "deep.tar.gz", valid_members() + [file_member(deep, b"x")])
    assert_refused(work, archive, "65 directories deep")


def test_name_too_long(work):
    name = "snap/files/" + "/".join(["n" * 200] * 6) + "/evil"
    assert len(name) == 1221
    archive = build_tar(work["dir"] / "long.tar.gz", valid_members() + [file_member(name, b"x")])
    assert_refused(work, archive, "has a name of 1221 bytes (the limit is 1024)", "name=N")


def test_component_longer_than_a_file_system_takes(work):
    name = "snap/files/" + "n" * 256
    archive = build_tar(work["dir"] / "comp.tar.gz", valid_members() + [file_member(name, b"x")])
    assert_refused(work, archive, "longer than 255 bytes")


def test_gnu_long_name_declaring_a_gib(work):
    # a GNU 'L' header holds the next member's name; tarfile reads it whole, whatever it
    # declares.  Refused at the header.
    raw = valid_raw() + header("././@LongLink", GiB, kind=tarfile.GNUTYPE_LONGNAME)
    archive = write_bytes(work["dir"] / "longlink.tar.gz", gzip.compress(raw))
    assert_refused(work, archive, "a member has a name of 1073741823 bytes")


def test_pax_header_declaring_a_gib(work):
    raw = valid_raw() + header("snap/PaxHeaders/x", GiB, kind=tarfile.XHDTYPE)
    archive = write_bytes(work["dir"] / "pax.tar.gz", gzip.compress(raw))
    assert_refused(work, archive, "an extended header of 1073741824 bytes")


def test_global_pax_header_naming_every_member(work):
    info = tarfile.TarInfo("snap/evil")
    with tarfile.open(str(work["dir"] / "g.tar"), "w", format=tarfile.PAX_FORMAT,
                      pax_headers={"path": "../evil"}) as tar:
        for member, data in valid_members() + [(info, io.BytesIO(b""))]:
            tar.addfile(member, data)
    assert_refused(work, str(work["dir"] / "g.tar"), "global pax header")


def test_endless_extended_headers(work):
    raw = valid_raw() + header("x", 0, kind=tarfile.XHDTYPE) * 9 + END
    assert_refused(work, write_bytes(work["dir"] / "x.tar", raw), "9 extended headers in a row")


# -- corrupt data ------------------------------------------------------------------------------

@pytest.fixture
def sound_archive(tmp_path):
    members = valid_members() + [file_member("snap/files/usr/local/go/bin/go", noise(40000))]
    with open(build_tar(tmp_path / "sound.tar.gz", members), "rb") as f:
        return f.read()


def test_truncated_in_half(work, sound_archive):
    archive = write_bytes(work["dir"] / "half.tar.gz", sound_archive[:len(sound_archive) // 2])
    assert_refused(work, archive, "truncated archive")
    assert_cli_refuses(work, archive, "truncated archive")


@pytest.mark.parametrize("keep", [10, 100, 512, -8, -4, -1])
def test_truncated_anywhere(work, sound_archive, keep):
    # -8/-4/-1: everything but (part of) the gzip trailer, after the tar end marker
    archive = write_bytes(work["dir"] / "cut.tar.gz", sound_archive[:keep])
    assert_refused(work, archive)


def test_uncompressed_truncated_inside_a_member(work):
    raw = valid_raw() + header("snap/files/blob", 5000) + noise(3000)
    archive = write_bytes(work["dir"] / "cut.tar", raw)
    assert_refused(work, archive, "truncated archive", "'snap/files/blob' ends early")
    assert_cli_refuses(work, archive, "truncated archive")


def test_flipped_byte_is_detected(work, sound_archive):
    data = bytearray(sound_archive)
    data[len(data) // 2] ^= 0xFF
    archive = write_bytes(work["dir"] / "flip.tar.gz", bytes(data))
    assert_refused(work, archive)


def test_gzip_crc_mismatch(work, sound_archive):
    data = bytearray(sound_archive)
    data[-8] ^= 0x01  # the CRC32 of the trailer; the deflate data is intact
    archive = write_bytes(work["dir"] / "crc.tar.gz", bytes(data))
    assert_refused(work, archive, "corrupt archive", "CRC check failed")
    assert_cli_refuses(work, archive, "CRC check failed")


def test_bad_header_checksum_in_the_middle(work):
    # tarfile stops quietly at a bad header in the middle and keeps what came before
    raw = bytearray(valid_raw() + header("snap/files/blob", 1) + b"x" + pad(1) + END)
    raw[len(valid_raw()) + 10] ^= 0x01
    archive = write_bytes(work["dir"] / "chk.tar", bytes(raw))
    assert_refused(work, archive, "corrupt archive: a bad tar header")


@pytest.mark.parametrize("mode", ["w:xz", "w:bz2"])
def test_other_compressions_corrupt(work, tmp_path, mode):
    members = valid_members() + [file_member("snap/files/blob", noise(40000, seed=1))]
    with open(build_tar(tmp_path / "c.tar", members, mode), "rb") as f:
        data = bytearray(f.read())
    data[len(data) // 2] ^= 0xFF
    archive = write_bytes(work["dir"] / "corrupt.tar", bytes(data))
    assert_refused(work, archive)
    assert_cli_refuses(work, archive)


@pytest.mark.parametrize("name,data,fragment", [
    ("garbage.tar.gz", noise(5000, seed=7), "no gzip, bzip2, xz or tar header"),
    ("text.tar.gz", b"just some text, not an archive\n" * 40, "no gzip, bzip2, xz or tar header"),
    ("zip.tar.gz", b"PK\x03\x04" + noise(2000, seed=3), "no gzip, bzip2, xz or tar header"),
    ("notar.tar.gz", gzip.compress(b"just some text, not a tar archive\n" * 50),
     "the gzip data is not a tar"),
    ("notar.tar.bz2", bz2.compress(b"text\n" * 500), "the bzip2 data is not a tar"),
    ("empty.tar.gz", b"", "(an empty file)"),
    ("emptygz.tar.gz", gzip.compress(b""), "(an empty file)"),
])
def test_wrong_magic(work, name, data, fragment):
    archive = write_bytes(work["dir"] / name, data)
    assert_refused(work, archive, "not a snapshot directory or archive", fragment)
    assert_cli_refuses(work, archive, "not a snapshot directory or archive")


@pytest.mark.parametrize("fmt,compress", [(tarfile.PAX_FORMAT, None),
                                          (tarfile.GNU_FORMAT, None),
                                          (tarfile.PAX_FORMAT, gzip.compress)],
                         ids=["pax", "gnu", "pax.gz"])
def test_mutated_archives_are_opened_or_refused_in_one_line(work, fmt, compress):
    members = valid_members() + [file_member("snap/files/" + "long/" * 25 + "x", b"x" * 700),
                                 file_member("snap/files/etc/hosts", b"127.0.0.1 localhost\n")]
    with open(build_tar(work["dir"] / "base.tar", members, mode="w", fmt=fmt), "rb") as f:
        data = f.read()
    if compress:
        data = compress(data)
    rnd = random.Random(11)
    outcomes = {"opened": 0, "refused": 0}
    for i, (op, damaged) in enumerate(mutations(data, rnd, 100)):
        archive = write_bytes(work["dir"] / ("m%03d.tar" % i), damaged)
        try:
            host = open_snapshot(archive)
        except SnapshotError as exc:
            assert "\n" not in str(exc) and str(exc).startswith(archive + ": "), (op, exc)
            outcomes["refused"] += 1
        else:
            host.close()
            outcomes["opened"] += 1
        assert os.listdir(str(work["area"])) == [], op
    # the gzip CRC catches nearly every change; a plain tar opens when only data changed
    assert outcomes["refused"] > 30 and (compress or outcomes["opened"] > 5), outcomes


def test_archive_without_manifest(work):
    archive = build_tar(work["dir"] / "nomanifest.tar.gz",
                        [file_member("snap/files/etc/os-release", OS_RELEASE)])
    assert_refused(work, archive, "not a gotriage snapshot")
    assert_cli_refuses(work, archive, "not a gotriage snapshot")


def test_manifest_beside_a_second_top_directory(work):
    members = valid_members() + [file_member("other/file", b"x")]
    assert_refused(work, build_tar(work["dir"] / "two.tar.gz", members), "not a gotriage snapshot")


def test_empty_tar(work):
    archive = build_tar(work["dir"] / "nothing.tar.gz", [])
    assert_refused(work, archive, "not a gotriage snapshot")


def test_trailing_data_after_the_end(work):
    raw = valid_raw() + END + b"\x01" * (16 * MiB + 1)
    assert_refused(work, write_bytes(work["dir"] / "tail.tar", raw), "after the end of the archive")
    host = open_snapshot(write_bytes(work["dir"] / "ok.tar", valid_raw() + END + b"\x01" * 100))
    host.close()


def test_newer_format_inside_archive_cleans_up(work):
    newer = json.dumps({"format": snapshot.FORMAT_VERSION + 1}).encode("utf-8")
    archive = build_tar(work["dir"] / "newer.tar.gz", [file_member("snap/" + MANIFEST, newer)])
    assert_refused(work, archive, "upgrade gotriage", unpacked=True)
    assert_cli_refuses(work, archive, "upgrade gotriage")


def test_duplicate_member_is_refused(work):
    archive = build_tar(work["dir"] / "dup.tar.gz",
                        valid_members() + [file_member("snap/files/etc/os-release", b"second")])
    assert_refused(work, archive, "in the archive twice", unpacked=True)


def test_file_then_directory_of_the_same_name(work):
    archive = build_tar(work["dir"] / "clash.tar.gz", valid_members() + [
        file_member("snap/files/etc/os-release/evil", b"x")])
    assert_refused(work, archive, "a file of that name is in the way", unpacked=True)


def test_not_a_regular_file(work):
    fifo = str(work["dir"] / "fifo.tar.gz")
    os.mkfifo(fifo)  # opening it for reading would wait for a writer
    assert_refused(work, fifo, "not a snapshot directory or archive file")
    assert_cli_refuses(work, "/dev/zero", "not a snapshot directory or archive file")


def test_no_room_in_tmpdir(work):
    # the real free space of TMPDIR's file system, and a scan that needs more
    free = os.statvfs(str(work["area"])).f_bavail * os.statvfs(str(work["area"])).f_frsize
    tally = Tally()
    tally.to_write = free + GiB
    with pytest.raises(ArchiveError) as info:
        check_room(str(work["area"]), tally, "x.tar.gz")
    assert "set TMPDIR" in str(info.value)
    tally.to_write = 0
    check_room(str(work["area"]), tally, "x.tar.gz")


def test_interrupt_during_extraction_cleans_up(work, monkeypatch):
    archive = build_tar(work["dir"] / "ok.tar.gz", valid_members())

    def interrupted(f, origin, limits, target):
        with open(os.path.join(target, "partial"), "wb") as out:
            out.write(b"half")
        raise KeyboardInterrupt

    from gotriage.host import archive as archive_module  # snapshot.py imports it when needed

    monkeypatch.setattr(archive_module, "unpack_archive", interrupted)
    with pytest.raises(KeyboardInterrupt):
        open_snapshot(archive)
    assert len(work["made"]) == 1 and not os.path.exists(work["made"][0])
    assert os.listdir(str(work["area"])) == []


# -- the option ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("", DEFAULTS.describe()),
    ("members=5", "members=5,size=2G,member=512M,depth=64,name=1024,ratio=200"),
    ("size=4G, member=1g ,ratio=1000", "members=10000,size=4G,member=1G,depth=64,name=1024,ratio=1000"),
    ("size=1000,member=64k,depth=256,name=3072", "members=10000,size=1000,member=64K,depth=256,name=3072,ratio=200"),
    ("MEMBERS=7,size=3T", "members=7,size=3T,member=512M,depth=64,name=1024,ratio=200"),
])
def test_limits_parse(text, expected):
    assert ArchiveLimits.parse(text).describe() == expected


@pytest.mark.parametrize("text,message", [
    ("foo=1", "unknown limit 'foo' (the limits are members, size, member, depth, name, ratio)"),
    ("members", "members needs a whole number, as in members=10000"),
    ("members=", "members needs a whole number"),
    ("members=1k", "members needs a whole number"),
    ("size=4X", "size needs a whole number of bytes"),
    ("size=-1", "size needs a whole number of bytes"),
    ("depth=\u00b2", "depth needs a whole number"),
    ("ratio=0", "ratio must be at least 1"),
    ("depth=257", "depth can be at most 256"),
    ("name=5000", "name can be at most 3072"),
])
def test_limits_refused(text, message):
    with pytest.raises(ValueError) as info:
        ArchiveLimits.parse(text)
    assert message in str(info.value)


def test_help_shows_the_real_defaults():
    commands = cli.build_parser()._subparsers._group_actions[0].choices
    for name in ("check", "binary", "avc", "service", "port"):
        helps = [a.help for a in commands[name]._actions if "--archive-limits" in a.option_strings]
        assert len(helps) == 1 and DEFAULTS.describe() in helps[0]


def test_binary_fast_parser_knows_the_option():
    argv = ["app", "--root", "/tmp/snap", "--archive-limits", "members=5"]
    fast = cli._parse_binary_fast(argv)
    assert fast is not None and fast.archive_limits == "members=5"
    slow = cli.build_parser().parse_args(["binary"] + argv)
    assert {k: getattr(fast, k) for k in vars(slow)} == vars(slow)


@pytest.mark.parametrize("command", [["check"], ["binary", "/usr/bin/true"], ["avc"],
                                     ["service", "app"], ["port", "8080"]])
def test_every_command_with_root_takes_the_limits(work, command):
    archive = build_tar(work["dir"] / "ok.tar.gz", valid_members())
    assert_cli_refuses(work, archive, "more than 1 members", command=command,
                       extra=["--archive-limits", "members=1"])
    stderr = assert_cli_refuses(work, archive, command=command,
                                extra=["--archive-limits", "members=many"])
    assert stderr == ("gotriage: error: --archive-limits: members needs a whole number, "
                      "as in members=10000\n")
    proc = run_cli(work, *(command + ["--root", archive, "--archive-limits", "members=5"]))
    stderr = proc.stderr.decode("utf-8", "replace")
    assert "refused" not in stderr and "Traceback" not in stderr, stderr
    assert os.listdir(str(work["area"])) == []


def test_the_limits_are_checked_without_a_root_too(work):
    proc = run_cli(work, "avc", "/dev/null", "--archive-limits", "size=big")
    assert proc.returncode == 2
    assert proc.stderr.decode().startswith("gotriage: error: --archive-limits: size needs")


def test_snapshot_directories_ignore_the_limits(work):
    snap = work["dir"] / "snapdir"
    (snap / "files" / "etc").mkdir(parents=True)
    (snap / MANIFEST).write_bytes(MANIFEST_BYTES)
    (snap / "files" / "etc" / "os-release").write_bytes(OS_RELEASE)
    host = open_snapshot(str(snap), ArchiveLimits(members=1))
    try:
        assert host.read("/etc/os-release") == OS_RELEASE
    finally:
        host.close()
    assert snap.exists()  # a snapshot directory is the user's: close() leaves it


def test_collect_says_which_ratio_reads_an_archive_of_mostly_zeros(work, monkeypatch):
    """A snapshot made mostly of a large recorded Go binary (zeros where nothing was read)
    can pass the default ratio: collect checks what it wrote and names the option that
    reads it (here on 24 MiB, with the zeros tier's floor lowered to keep the test quick)."""
    monkeypatch.setattr(archive_module, "ZEROS_RATIO_FLOOR", 16 * MiB)
    size = 24 * MiB
    data = concatenated("gzip", [(valid_raw() + header("snap/files/usr/local/bin/svc", size), 1),
                                 (bytes(MiB), size // MiB), (END, 1)])
    archive = write_bytes(work["dir"] / "collected.tar.gz", data)
    advice = cli._archive_advice(str(archive))
    assert advice and "--archive-limits ratio=" in advice
    ratio = int(advice.rsplit("ratio=", 1)[1])
    open_snapshot(str(archive), ArchiveLimits(ratio=ratio)).close()
    assert cli._archive_advice(str(write_bytes(work["dir"] / "plain.tar.gz",
                                               gzip.compress(valid_raw() + END)))) is None
