"""SnapshotHost on hand-built snapshot directories, as the docs tell a user to write them,
and the format version checks."""

import base64
import json
import os
import subprocess
import sys
import tarfile

import pytest

from gotriage.host.base import CommandResult, HostError, Identity, StatResult
from gotriage.host.snapshot import (
    FORMAT_VERSION,
    MANIFEST,
    SnapshotError,
    SnapshotHost,
    open_snapshot,
)

OS_RELEASE = b'NAME="Rocky Linux"\nVERSION_ID="9.3"\nID="rocky"\nID_LIKE="rhel centos fedora"\n'


def write(path, data):
    path = str(path)
    if not os.path.isdir(os.path.dirname(path)):
        os.makedirs(os.path.dirname(path))
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


def make_snapshot(root, manifest=None, files=None, paths=None, commands=None):
    """A snapshot directory written by hand: manifest, files/..., optional paths.json and
    commands/NNNN.json."""
    root = str(root)
    if not os.path.isdir(root):
        os.makedirs(root)
    if manifest is None:
        manifest = {"format": 1,
                    "identity": {"user": "alice", "uid": 1000, "gid": 1000, "gids": [10],
                                 "home": "/home/alice", "shell": "/bin/bash"},
                    "environ": {"PATH": "/usr/bin:/bin", "HOME": "/home/alice"},
                    "hostname": "build01"}
    if manifest is not False:
        write(os.path.join(root, MANIFEST),
              manifest if isinstance(manifest, (bytes, str)) else json.dumps(manifest))
    for path, data in (files or {}).items():
        write(os.path.join(root, "files", path.lstrip("/")), data)
    if paths is not None:
        write(os.path.join(root, "paths.json"), paths if isinstance(paths, str) else json.dumps(paths))
    for number, entry in enumerate(commands or [], 1):
        write(os.path.join(root, "commands", "%04d.json" % number), json.dumps(entry))
    return root


@pytest.fixture
def basic(tmp_path):
    root = make_snapshot(tmp_path / "snap", files={
        "/etc/os-release": OS_RELEASE,
        "/etc/profile.d/go.sh": b"export PATH=$PATH:/usr/local/go/bin\n",
        "/usr/local/go/VERSION": b"go1.22.1\ntime 2024-03-01T19:51:17Z\n",
    })
    host = open_snapshot(root)
    yield host
    host.close()


# -- hand-built snapshot without paths.json --------------------------------------------------

def test_read_file(basic):
    assert basic.read("/etc/os-release") == OS_RELEASE
    assert basic.read("/etc/os-release", max_bytes=4) == b"NAME"
    assert basic.read_text("/usr/local/go/VERSION").startswith("go1.22.1\n")


def test_path_spellings_are_normalised(basic):
    assert basic.read("//etc/./os-release") == OS_RELEASE
    assert basic.read("/usr/../etc/os-release") == OS_RELEASE
    # ".." cannot climb above the snapshot's root
    assert basic.read("/../../../etc/os-release") == OS_RELEASE


def test_stat_of_file_and_directory_without_paths_json(basic):
    st = basic.stat("/etc/os-release")
    assert isinstance(st, StatResult)
    assert st.is_file and not st.is_dir
    assert st.perms == 0o644
    assert (st.uid, st.gid) == (0, 0)
    assert st.size == len(OS_RELEASE)
    lst = basic.lstat("/etc/os-release")
    assert lst.is_file and lst.size == len(OS_RELEASE)
    d = basic.stat("/etc")
    assert d.is_dir and not d.is_file
    assert basic.is_dir("/usr/local/go")
    assert basic.is_file("/usr/local/go/VERSION")
    assert basic.exists("/")


def test_listdir(basic):
    assert basic.listdir("/etc") == ["os-release", "profile.d"]
    assert basic.listdir("/") == ["etc", "usr"]
    assert basic.glob("/etc/profile.d", lambda n: n.endswith(".sh")) == ["/etc/profile.d/go.sh"]


@pytest.mark.parametrize("op", ["read", "stat", "lstat", "listdir"])
def test_missing_paths_raise_enoent(basic, op):
    with pytest.raises(HostError) as info:
        getattr(basic, op)("/etc/no-such-file")
    assert info.value.code == "ENOENT"
    assert info.value.missing
    assert not info.value.denied
    assert info.value.path == "/etc/no-such-file"
    assert basic.denied == []


def test_missing_helpers_do_not_raise(basic):
    assert basic.read_text("/nope") is None
    assert basic.try_stat("/nope") is None
    assert basic.try_listdir("/nope") == []
    assert not basic.exists("/nope")


def test_read_of_directory_and_listdir_of_file(basic):
    with pytest.raises(HostError) as info:
        basic.read("/etc")
    assert info.value.code == "EISDIR"
    with pytest.raises(HostError) as info:
        basic.listdir("/etc/os-release")
    assert info.value.code == "ENOENT"


def test_readlink_realpath_getxattr_defaults(basic):
    with pytest.raises(HostError) as info:
        basic.readlink("/etc/os-release")
    assert info.value.code == "EINVAL"
    assert basic.realpath("/usr/local/go/../go/bin") == "/usr/local/go/bin"
    with pytest.raises(HostError) as info:
        basic.getxattr("/etc/os-release", "security.selinux")
    assert info.value.code == "ENODATA"


def test_identity_environ_hostname(basic):
    ident = basic.identity()
    assert isinstance(ident, Identity)
    assert (ident.user, ident.uid, ident.gid) == ("alice", 1000, 1000)
    assert ident.gids == [10, 1000]
    assert ident.home == "/home/alice"
    assert basic.environ() == {"PATH": "/usr/bin:/bin", "HOME": "/home/alice"}
    # a copy: a check that edits it does not change the snapshot
    basic.environ()["PATH"] = "x"
    assert basic.environ()["PATH"] == "/usr/bin:/bin"
    assert basic.hostname() == "build01"
    assert basic.kind == "snapshot"


def test_minimal_manifest_defaults(tmp_path):
    root = make_snapshot(tmp_path / "s", manifest={"format": 1})
    host = SnapshotHost(root)
    assert host.identity().user == "root"
    assert host.identity().uid == 0
    assert host.environ() == {}
    assert host.hostname() == "unknown"
    for op in ("read", "stat", "listdir"):
        with pytest.raises(HostError) as info:
            getattr(host, op)("/etc/os-release")
        assert info.value.code == "ENOENT"
    with pytest.raises(HostError):
        host.listdir("/")


def test_which_uses_snapshot_modes(tmp_path):
    root = make_snapshot(tmp_path / "s", files={"/usr/bin/go": b"\x7fELF", "/opt/go/bin/go": b"x"},
                         paths={"/usr/bin/go": {"stat": {"mode": 0o100644, "size": 4}},
                                "/opt/go/bin/go": {"stat": {"mode": 0o100755, "size": 1}}})
    host = SnapshotHost(root)
    found, skipped = host.which("go", "/usr/bin:/opt/go/bin")
    assert found == "/opt/go/bin/go"
    assert skipped == ["/usr/bin/go"]


def test_open_snapshot_finds_manifest_one_level_down(tmp_path):
    make_snapshot(tmp_path / "outer" / "gotriage-snap-1", files={"/etc/os-release": OS_RELEASE})
    host = open_snapshot(str(tmp_path / "outer"))
    try:
        assert host.read("/etc/os-release") == OS_RELEASE
        assert host.origin == str(tmp_path / "outer")
    finally:
        host.close()
    # the directory a user handed in is never removed by close()
    assert os.path.isdir(str(tmp_path / "outer" / "gotriage-snap-1"))


def test_hand_built_snapshot_as_archive(tmp_path):
    root = make_snapshot(tmp_path / "snap", files={"/etc/os-release": OS_RELEASE})
    archive = str(tmp_path / "snap.tar.gz")
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(root, arcname=".")
    host = open_snapshot(archive)
    try:
        assert host.read("/etc/os-release") == OS_RELEASE
        assert host.identity().user == "alice"
        extracted = host._cleanup
        assert extracted and os.path.isdir(extracted)
    finally:
        host.close()
    assert not os.path.exists(extracted)


# -- paths.json --------------------------------------------------------------------------------

@pytest.fixture
def indexed(tmp_path):
    paths = {
        "/etc/shadow": {"read": {"error": "EACCES"},
                        "stat": {"mode": 0o100000, "uid": 0, "gid": 0, "size": 900}},
        "/root": {"listdir": {"error": "EACCES"}, "stat": {"error": "EPERM"}},
        "/root/go": {"stat": {"error": "EACCES"}},
        "/usr/local/go/bin/go": {"stat": {"mode": 0o100755, "uid": 0, "gid": 0, "size": 12345,
                                          "mtime": 1700000000.5},
                                 "read": True},
        "/usr/bin/go": {"lstat": {"mode": 0o120777, "size": 20},
                        "stat": {"mode": 0o100755, "size": 12345},
                        "readlink": "/usr/local/go/bin/go",
                        "realpath": "/usr/local/go/bin/go",
                        "xattr": {"security.selinux": {"b64": base64.b64encode(
                            b"system_u:object_r:bin_t:s0\0").decode("ascii")},
                                  "user.x": {"error": "ENOTSUP"}}},
        "/etc/gone": {"stat": {"error": "ENOENT"}, "read": {"error": "ENOENT"}},
        "/opt": {"listdir": ["b", "a", "c"]},
    }
    root = make_snapshot(tmp_path / "snap", paths=paths, files={
        "/usr/local/go/bin/go": b"\x7fELF\x02\x01\x01\0binary",
        "/etc/gone": b"stale contents the index says are gone",
    })
    return SnapshotHost(root)


def test_denied_read_is_denied_and_noted(indexed):
    with pytest.raises(HostError) as info:
        indexed.read("/etc/shadow")
    err = info.value
    assert err.code == "EACCES"
    assert err.denied and not err.missing
    assert err.op == "read"
    assert err.path == "/etc/shadow"
    assert "Permission denied" in str(err)
    assert ("read", "/etc/shadow", err.message) in indexed.denied
    # the stat of the same path is still there
    assert indexed.stat("/etc/shadow").size == 900


def test_denied_entries_noted_once_per_operation(indexed):
    assert indexed.read_text("/etc/shadow") is None
    assert indexed.read_text("/etc/shadow") is None
    assert indexed.try_listdir("/root") == []
    assert indexed.try_stat("/root") is None
    with pytest.raises(HostError) as info:
        indexed.stat("/root/go")
    assert info.value.denied
    ops = sorted((op, path) for op, path, _ in indexed.denied)
    assert ops == [("listdir", "/root"), ("read", "/etc/shadow"), ("stat", "/root"),
                   ("stat", "/root/go")]


def test_recorded_errors_win_over_files(indexed):
    # files/etc/gone exists, but the index recorded ENOENT: the index is what the host said
    with pytest.raises(HostError) as info:
        indexed.read("/etc/gone")
    assert info.value.code == "ENOENT"
    assert not indexed.exists("/etc/gone")
    assert indexed.denied == []


def test_recorded_stat_lstat_readlink_realpath_xattr(indexed):
    st = indexed.stat("/usr/local/go/bin/go")
    assert st.mode == 0o100755 and st.size == 12345 and st.mtime == 1700000000.5
    assert indexed.read("/usr/local/go/bin/go").startswith(b"\x7fELF")
    # lstat falls back to the recorded stat when the path is not a link
    assert indexed.lstat("/usr/local/go/bin/go").mode == 0o100755
    assert indexed.lstat("/usr/bin/go").is_link
    assert indexed.stat("/usr/bin/go").is_file
    assert indexed.readlink("/usr/bin/go") == "/usr/local/go/bin/go"
    assert indexed.realpath("/usr/bin/go") == "/usr/local/go/bin/go"
    assert indexed.getxattr("/usr/bin/go", "security.selinux") == b"system_u:object_r:bin_t:s0\0"
    with pytest.raises(HostError) as info:
        indexed.getxattr("/usr/bin/go", "user.x")
    assert info.value.code == "ENOTSUP"
    assert indexed.listdir("/opt") == ["a", "b", "c"]


def test_paths_json_must_be_an_object(tmp_path):
    root = make_snapshot(tmp_path / "s", paths="[1, 2]")
    with pytest.raises(SnapshotError, match="paths.json is not a JSON object"):
        SnapshotHost(root)
    root = make_snapshot(tmp_path / "t", paths="{not json")
    with pytest.raises(SnapshotError, match="unreadable paths index"):
        SnapshotHost(root)


# -- commands ------------------------------------------------------------------------------------

GO_ENV = {"PATH": "/usr/local/go/bin:/usr/bin", "HOME": "/home/alice"}


@pytest.fixture
def commanded(tmp_path):
    commands = [
        # env and cwd given: matches only exactly
        {"argv": ["go", "version"], "env": GO_ENV, "cwd": "/srv/app", "returncode": 0,
         "stdout": "go version go1.22.1 linux/amd64\n", "stderr": "", "duration": 0.05},
        # no env, no cwd: matches any
        {"argv": ["uname", "-m"], "returncode": 0, "stdout": "x86_64\n"},
        # env only: any cwd, this env
        {"argv": ["go", "env", "GOROOT"], "env": GO_ENV, "returncode": 0,
         "stdout": "/usr/local/go\n"},
        # cwd only: any env, this cwd
        {"argv": ["git", "status"], "cwd": "/srv/app", "returncode": 128, "stdout": "",
         "stderr": "fatal: not a git repository\n"},
        # binary output
        {"argv": ["cat", "/usr/local/go/bin/go"], "returncode": 0,
         "stdout_b64": base64.b64encode(b"\x7fELF\x00\xff\xfe").decode("ascii"),
         "stderr_b64": base64.b64encode(b"\xc3\x28").decode("ascii")},
        {"argv": ["firewall-cmd", "--state"], "returncode": None, "error": "timeout",
         "duration": 10.0},
        {"argv": ["getenforce"], "error": "not-found", "returncode": None},
    ]
    root = make_snapshot(tmp_path / "snap", commands=commands)
    write(os.path.join(root, "commands", "README.txt"), "not a command file")
    return SnapshotHost(root)


def test_exact_command(commanded):
    r = commanded.run(["go", "version"], env=dict(GO_ENV), cwd="/srv/app")
    assert isinstance(r, CommandResult)
    assert r.ok and r.returncode == 0 and r.error is None
    assert r.stdout == b"go version go1.22.1 linux/amd64\n"
    assert r.stderr == b""
    assert r.duration == 0.05
    assert r.argv == ["go", "version"]
    assert r.env == GO_ENV and r.cwd == "/srv/app"


@pytest.mark.parametrize("env, cwd", [
    (None, "/srv/app"),
    ({"PATH": "/usr/bin"}, "/srv/app"),
    (GO_ENV, "/"),
])
def test_exact_command_needs_same_env_and_cwd(commanded, env, cwd):
    r = commanded.run(["go", "version"], env=env, cwd=cwd)
    assert r.error == "not-recorded"
    assert r.returncode is None and not r.ok
    assert r.stdout == b"" and r.stderr == b""
    assert r.excerpt() == "(not recorded in the snapshot)"


@pytest.mark.parametrize("env, cwd", [(None, "/"), (GO_ENV, "/tmp"), ({"A": "b"}, "/srv")])
def test_command_without_env_and_cwd_matches_any(commanded, env, cwd):
    r = commanded.run(["uname", "-m"], env=env, cwd=cwd)
    assert r.ok and r.stdout == b"x86_64\n"
    assert r.env == env and r.cwd == cwd


def test_command_with_env_only(commanded):
    assert commanded.run(["go", "env", "GOROOT"], env=GO_ENV, cwd="/x").text == "/usr/local/go\n"
    assert commanded.run(["go", "env", "GOROOT"], env=GO_ENV).ok
    assert commanded.run(["go", "env", "GOROOT"], env=None).error == "not-recorded"
    assert commanded.run(["go", "env", "GOROOT"], env={"PATH": "/bin"}).error == "not-recorded"


def test_command_with_cwd_only(commanded):
    r = commanded.run(["git", "status"], env={"X": "1"}, cwd="/srv/app")
    assert r.returncode == 128 and not r.ok and r.error is None
    assert "not a git repository" in r.errtext
    assert commanded.run(["git", "status"], cwd="/").error == "not-recorded"


def test_argv_must_match_exactly(commanded):
    assert commanded.run(["uname"]).error == "not-recorded"
    assert commanded.run(["uname", "-m", "-r"]).error == "not-recorded"
    assert commanded.run(["/usr/bin/uname", "-m"]).error == "not-recorded"
    assert commanded.run(("uname", "-m")).ok


def test_binary_output(commanded):
    r = commanded.run(["cat", "/usr/local/go/bin/go"])
    assert r.stdout == b"\x7fELF\x00\xff\xfe"
    assert r.stderr == b"\xc3\x28"


def test_recorded_errors(commanded):
    r = commanded.run(["firewall-cmd", "--state"])
    assert r.timed_out and r.returncode is None
    assert "timed out after 10.0 s" in r.excerpt()
    r = commanded.run(["getenforce"])
    assert r.error == "not-found"
    assert r.excerpt() == "(no such executable)"


def test_unrecorded_command(commanded):
    r = commanded.run(["rpm", "-qa"], env={"LANG": "C"}, cwd="/")
    assert r.error == "not-recorded"
    assert r.argv == ["rpm", "-qa"] and r.env == {"LANG": "C"}


def test_connect_replays_tcp_pseudo_command(tmp_path):
    root = make_snapshot(tmp_path / "s", commands=[
        {"argv": ["tcp-connect", "proxy.golang.org", "443"], "env": None, "cwd": "/",
         "returncode": 0, "stdout": "connected\n"}])
    host = SnapshotHost(root)
    assert host.connect("proxy.golang.org", 443).ok
    assert host.connect("proxy.golang.org", 80).error == "not-recorded"


@pytest.mark.parametrize("entry", [{"env": {}}, {"argv": "go version"}, [1, 2]])
def test_command_without_argv_list_is_refused(tmp_path, entry):
    root = make_snapshot(tmp_path / "s", commands=[entry])
    with pytest.raises(SnapshotError, match="0001.json has no argv list"):
        SnapshotHost(root)


def test_command_file_not_json(tmp_path):
    root = make_snapshot(tmp_path / "s")
    write(os.path.join(root, "commands", "0001.json"), "{oops")
    with pytest.raises(SnapshotError) as info:
        SnapshotHost(root)
    assert "unreadable command 0001.json" in str(info.value)
    assert "\n" not in str(info.value)


# -- symlinks in a hand-made snapshot directory ----------------------------------------------

@pytest.fixture
def linked(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    write(outside / "secret.txt", b"outside the snapshot\n")
    root = make_snapshot(tmp_path / "snap", files={"/etc/os-release": OS_RELEASE})
    etc = os.path.join(root, "files", "etc")
    os.symlink("/etc/passwd", os.path.join(etc, "x"))
    os.symlink(str(outside / "secret.txt"), os.path.join(etc, "y"))
    os.symlink("../../../outside/secret.txt", os.path.join(etc, "z"))
    os.symlink(str(outside), os.path.join(etc, "dir"))
    os.symlink("/", os.path.join(root, "files", "slash"))
    os.symlink("os-release", os.path.join(etc, "inside"))
    return SnapshotHost(root)


@pytest.mark.parametrize("path", ["/etc/x", "/etc/y", "/etc/z", "/etc/dir/secret.txt",
                                  "/slash/etc/passwd", "/slash/etc/os-release"])
def test_symlink_out_of_snapshot_is_not_followed(linked, path):
    with pytest.raises(HostError) as info:
        linked.read(path)
    assert info.value.code == "ENOENT"
    for op in ("stat", "lstat"):
        with pytest.raises(HostError) as info:
            getattr(linked, op)(path)
        assert info.value.code == "ENOENT"


@pytest.mark.parametrize("path", ["/etc/dir", "/slash", "/slash/etc"])
def test_symlinked_directory_out_of_snapshot_is_not_listed(linked, path):
    with pytest.raises(HostError) as info:
        linked.listdir(path)
    assert info.value.code == "ENOENT"
    assert not linked.is_dir(path)


def test_symlink_inside_snapshot_still_works(linked):
    assert linked.read("/etc/inside") == OS_RELEASE
    assert linked.read("/etc/os-release") == OS_RELEASE


def test_snapshot_directory_itself_reached_through_a_symlink(tmp_path):
    root = make_snapshot(tmp_path / "real", files={"/etc/os-release": OS_RELEASE})
    os.symlink(root, str(tmp_path / "alias"))
    host = open_snapshot(str(tmp_path / "alias"))
    assert host.read("/etc/os-release") == OS_RELEASE


# -- manifest and format version -------------------------------------------------------------

def one_line(exc):
    text = str(exc)
    assert text and "\n" not in text and "\r" not in text
    return text


def test_newer_format_says_upgrade(tmp_path):
    root = make_snapshot(tmp_path / "s", manifest={"format": FORMAT_VERSION + 1})
    with pytest.raises(SnapshotError) as info:
        open_snapshot(root)
    text = one_line(info.value)
    assert "upgrade gotriage" in text
    assert "format %d" % (FORMAT_VERSION + 1) in text
    assert root in text


def test_current_format_is_accepted(tmp_path):
    root = make_snapshot(tmp_path / "s", manifest={"format": FORMAT_VERSION})
    assert SnapshotHost(root).manifest["format"] == FORMAT_VERSION


def test_missing_manifest(tmp_path):
    root = make_snapshot(tmp_path / "s", manifest=False, files={"/etc/os-release": OS_RELEASE})
    with pytest.raises(SnapshotError) as info:
        open_snapshot(root)
    assert "not a gotriage snapshot" in one_line(info.value)
    with pytest.raises(SnapshotError) as info:
        SnapshotHost(root)
    assert "not a gotriage snapshot" in one_line(info.value)
    assert MANIFEST in str(info.value)


def test_missing_path(tmp_path):
    with pytest.raises(SnapshotError) as info:
        open_snapshot(str(tmp_path / "does-not-exist"))
    assert "no such file or directory" in one_line(info.value)


@pytest.mark.parametrize("content", [b"", b"{", b"format: 1", b"\xff\xfe{}", b'{"format": 1'])
def test_manifest_not_json(tmp_path, content):
    root = make_snapshot(tmp_path / "s", manifest=content)
    with pytest.raises(SnapshotError) as info:
        open_snapshot(root)
    assert "unreadable manifest" in one_line(info.value)


@pytest.mark.parametrize("manifest, message", [
    ({}, "no valid snapshot format version"),
    ({"identity": {"user": "root"}}, "no valid snapshot format version"),
    ({"format": None}, "no valid snapshot format version"),
    ({"format": "1"}, "no valid snapshot format version"),
    ({"format": 0}, "no valid snapshot format version"),
    ({"format": -3}, "no valid snapshot format version"),
    ({"format": 1.5}, "no valid snapshot format version"),
    ([1], "not a JSON object"),
    ("format", "not a JSON object"),
    (None, "not a JSON object"),
])
def test_manifest_without_valid_format(tmp_path, manifest, message):
    root = make_snapshot(tmp_path / "s", manifest=json.dumps(manifest))
    with pytest.raises(SnapshotError) as info:
        open_snapshot(root)
    assert message in one_line(info.value)


def test_snapshot_error_is_always_one_line():
    err = SnapshotError("x.tar.gz: bad: file could not be opened:\n- method gz: A\n- method tar: B\n")
    assert str(err) == "x.tar.gz: bad: file could not be opened: - method gz: A - method tar: B"


def run_cli(*args):
    env = dict(os.environ)
    env.pop("GOTRIAGE_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "gotriage"] + list(args), env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)


@pytest.mark.parametrize("manifest", [{"format": FORMAT_VERSION + 1}, {}, "not json"])
def test_cli_reports_bad_snapshot_in_one_line(tmp_path, manifest):
    root = make_snapshot(tmp_path / "s",
                         manifest=manifest if isinstance(manifest, str) else json.dumps(manifest))
    proc = run_cli("check", "--root", root)
    stderr = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 2, stderr
    assert "Traceback" not in stderr
    assert stderr.startswith("gotriage: error: ")
    assert stderr.endswith("\n") and stderr.count("\n") == 1, stderr
    assert proc.stdout == b""


def test_malformed_paths_entry_and_boolean_format(tmp_path):
    """A paths.json entry that is not an object, and "format": true, are refused whole."""
    import json

    from gotriage.host.snapshot import SnapshotError, open_snapshot

    snap = tmp_path / "s"
    snap.mkdir()
    (snap / "gotriage-snapshot.json").write_text(json.dumps({"format": 1}))
    (snap / "paths.json").write_text(json.dumps({"/etc/os-release": "oops"}))
    with pytest.raises(SnapshotError) as err:
        open_snapshot(str(snap))
    assert "/etc/os-release" in str(err.value) and "\n" not in str(err.value)
    (snap / "paths.json").unlink()
    (snap / "gotriage-snapshot.json").write_text(json.dumps({"format": True}))
    with pytest.raises(SnapshotError):
        open_snapshot(str(snap))


def test_live_run_in_a_missing_directory_is_not_a_missing_command(tmp_path):
    from gotriage.host.live import LiveHost

    result = LiveHost().run(["/bin/true"], cwd=str(tmp_path / "nope"))
    assert result.error == "failed" and b"does not exist" in result.stderr


def test_live_read_of_a_proc_sysctl():
    """/proc/sys files refuse one 16 MiB read (ENOMEM): LiveHost reads in chunks."""
    from gotriage.host.live import LiveHost

    with open("/proc/sys/kernel/osrelease", "rb") as f:
        expected = f.read(4096)
    assert LiveHost().read("/proc/sys/kernel/osrelease") == expected


def test_a_file_recorded_by_its_stat_only_reads_as_not_recorded(tmp_path):
    make_snapshot(tmp_path / "snap", paths={
        "/usr/bin/app": {"stat": {"mode": 0o100755, "size": 4096}},
        "/etc/gone": {"stat": {"error": "ENOENT"}}})
    host = open_snapshot(str(tmp_path / "snap"))
    for read in (lambda p: host.read(p), lambda p: host.read_range(p, 0, 64)):
        with pytest.raises(HostError) as info:
            read("/usr/bin/app")
        assert info.value.code == "ENODATA" and info.value.unrecorded
        assert not info.value.missing and info.value.message == "not recorded in the snapshot"
        with pytest.raises(HostError) as info:
            read("/etc/gone")  # recorded as missing
        assert info.value.missing and not info.value.unrecorded
        with pytest.raises(HostError) as info:
            read("/etc/never-asked")  # the snapshot says nothing of it
        assert info.value.missing and info.value.unrecorded
