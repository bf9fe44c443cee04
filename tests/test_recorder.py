"""RecordingHost round trip (record the live host, save, reopen as a snapshot, get the same
answers, with secrets redacted) and LiveHost.run's process handling."""

import gzip
import os
import shutil
import signal
import socket
import stat
import sys
import tarfile
import time

import pytest

from conftest import need
from gotriage.host import live as live_module
from gotriage.host.base import HostError
from gotriage.host.live import LiveHost
from gotriage.host.recorder import RecordingHost
from gotriage.host.redact import MARK, redact_bytes, redact_env
from gotriage.host.snapshot import MANIFEST, open_snapshot
from requirements_external import install_hint

PASSWORD = "Sup3rS3cretPw"
ENV_TOKEN = "envT0kenValue9876"
NETRC_PASSWORD = "netrcPa55w0rd"


def outcome(host, op, *args, **kwargs):
    """A comparable record of what an operation did: its value or its errno name."""
    try:
        value = getattr(host, op)(*args, **kwargs)
    except HostError as err:
        return ("error", err.code, err.op, err.path)
    if hasattr(value, "to_dict"):
        return ("ok", value.to_dict())
    if op in ("run", "connect"):
        return ("ran", value.argv, value.cwd, value.returncode, value.stdout, value.stderr,
                value.error, value.duration)
    return ("ok", value)


@pytest.fixture
def tree(tmp_path):
    src = tmp_path / "src"
    (src / "sub" / "deeper").mkdir(parents=True)
    (src / "hello.txt").write_bytes(b"hello\nworld\n")
    (src / "binary.dat").write_bytes(b"\x7fELF\x00\x01\xff\xfe" + bytes(bytearray(range(256))))
    (src / "sub" / "a").write_bytes(b"a")
    (src / "sub" / "b").write_bytes(b"")
    (src / "sub" / "deeper" / "c").write_bytes(b"c" * 5000)
    (src / "netrc").write_bytes(("machine proxy.corp login bob password %s\n"
                                 % NETRC_PASSWORD).encode("ascii"))
    os.symlink("hello.txt", str(src / "link"))
    os.symlink("nowhere", str(src / "dangling"))
    os.chmod(str(src / "sub" / "a"), 0o751)
    return src


@pytest.fixture
def listener():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    yield server.getsockname()[1]
    server.close()


def closed_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def file_ops(src):
    s = str(src)
    j = os.path.join
    return [
        ("read", (j(s, "hello.txt"),), {}),
        ("read", (j(s, "binary.dat"),), {}),
        ("read", (j(s, "sub", "deeper", "c"),), {}),
        ("read", (j(s, "sub", "b"),), {}),
        ("read", (j(s, "link"),), {}),
        ("read", (j(s, "missing"),), {}),
        ("read", (j(s, "sub"),), {}),
        ("stat", (j(s, "hello.txt"),), {}),
        ("stat", (j(s, "sub", "a"),), {}),
        ("stat", (j(s, "sub"),), {}),
        ("stat", (j(s, "link"),), {}),
        ("stat", (j(s, "dangling"),), {}),
        ("stat", (j(s, "missing"),), {}),
        ("stat", (j(s, "hello.txt", "x"),), {}),
        ("lstat", (j(s, "link"),), {}),
        ("lstat", (j(s, "dangling"),), {}),
        ("lstat", (j(s, "binary.dat"),), {}),
        ("lstat", (j(s, "missing"),), {}),
        ("listdir", (s,), {}),
        ("listdir", (j(s, "sub"),), {}),
        ("listdir", (j(s, "hello.txt"),), {}),
        ("listdir", (j(s, "missing"),), {}),
        ("readlink", (j(s, "link"),), {}),
        ("readlink", (j(s, "dangling"),), {}),
        ("readlink", (j(s, "hello.txt"),), {}),
        ("realpath", (j(s, "link"),), {}),
        ("realpath", (j(s, "sub", "..", "sub", "a"),), {}),
        ("getxattr", (j(s, "hello.txt"), "user.gotriage-none"), {}),
        ("getxattr", (j(s, "missing"), "user.gotriage-none"), {}),
    ]


def command_ops(src, port, refused_port):
    env = {"HTTPS_PROXY": "http://u:%s@h:3128" % PASSWORD, "LANG": "C", "PATH": "/usr/bin:/bin"}
    plain = {"LANG": "C"}
    return [
        ("run", (["/bin/echo", "hi"],), {"env": env, "cwd": str(src)}),
        ("run", (["/bin/echo", "hi"],), {}),
        ("run", (["/bin/sh", "-c", "echo out; echo err >&2; exit 3"],), {"env": plain}),
        ("run", (["/bin/sh", "-c", "printf '\\000\\377\\376bin'"],), {"env": plain}),
        ("run", (["/bin/pwd"],), {"cwd": str(src / "sub")}),
        ("run", (["/nonexistent/gotriage-cmd", "x"],), {}),
        ("run", (["/bin/sleep", "5"],), {"timeout": 0.5}),
        ("connect", ("127.0.0.1", port), {}),
        ("connect", ("127.0.0.1", refused_port), {}),
    ]


def replay_kwargs(op, kwargs):
    """How `check --root` asks a snapshot: the environment as the snapshot has it."""
    if op == "run" and "env" in kwargs:
        kwargs = dict(kwargs, env=redact_env(kwargs["env"]))
    return kwargs


@pytest.fixture
def recorded(tmp_path, tree, listener, monkeypatch):
    monkeypatch.setenv("GOTRIAGE_TEST_API_TOKEN", ENV_TOKEN)
    monkeypatch.setenv("GOTRIAGE_TEST_PROXY", "http://bob:%s@proxy.corp:3128" % PASSWORD)
    host = RecordingHost(LiveHost())
    ops = file_ops(tree) + command_ops(tree, listener, closed_port())
    results = []
    for op, args, kwargs in ops:
        started = time.monotonic()
        results.append(outcome(host, op, *args, **kwargs))
        if args == (["/bin/sleep", "5"],):
            assert time.monotonic() - started < 3, "the timed-out command was not killed"
    # reading a secret file is recorded too, but replayed redacted
    netrc = host.read(str(tree / "netrc"))
    assert NETRC_PASSWORD.encode("ascii") in netrc
    secret_out = host.run(["/bin/sh", "-c", "echo $HTTPS_PROXY; echo $HTTPS_PROXY >&2"],
                          env={"HTTPS_PROXY": "http://u:%s@h:3128" % PASSWORD})
    assert PASSWORD.encode("ascii") in secret_out.stdout
    return {"host": host, "ops": ops, "results": results, "tree": tree, "tmp": tmp_path}


def all_bytes_of_directory(root):
    chunks = []
    for directory, _dirs, files in os.walk(root):
        for name in files:
            with open(os.path.join(directory, name), "rb") as f:
                chunks.append(f.read())
    return b"\n".join(chunks)


def assert_no_secrets(blob):
    for secret in (PASSWORD, ENV_TOKEN, NETRC_PASSWORD):
        assert secret.encode("ascii") not in blob, secret


def test_live_results_are_what_the_host_said(recorded):
    by_call = dict(((op, repr(args)), res) for (op, args, _), res in zip(recorded["ops"], recorded["results"]))
    tree = str(recorded["tree"])
    assert by_call[("read", repr((os.path.join(tree, "hello.txt"),)))] == ("ok", b"hello\nworld\n")
    missing = by_call[("stat", repr((os.path.join(tree, "missing"),)))]
    assert missing[:2] == ("error", "ENOENT")
    assert by_call[("readlink", repr((os.path.join(tree, "hello.txt"),)))][:2] == ("error", "EINVAL")
    assert by_call[("listdir", repr((os.path.join(tree, "hello.txt"),)))][:2] == ("error", "ENOTDIR")
    sleep = [r for (op, args, _), r in zip(recorded["ops"], recorded["results"])
             if args == (["/bin/sleep", "5"],)][0]
    assert sleep[3] is None and sleep[6] == "timeout"
    cmds = recorded["host"].commands
    assert [c.error for c in cmds if c.argv[0] == "/nonexistent/gotriage-cmd"] == ["not-found"]


@pytest.mark.parametrize("kind", ["directory", "archive"])
def test_round_trip(recorded, kind):
    host = recorded["host"]
    tmp = recorded["tmp"]
    dest = str(tmp / ("snap" if kind == "directory" else "snap.tar.gz"))
    assert host.save(dest) == dest

    if kind == "directory":
        for directory, _dirs, files in os.walk(dest):
            assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700, directory
            for name in files:
                path = os.path.join(directory, name)
                assert stat.S_IMODE(os.lstat(path).st_mode) == 0o600, path
        assert os.path.isfile(os.path.join(dest, MANIFEST))
        blob = all_bytes_of_directory(dest)
    else:
        assert stat.S_IMODE(os.stat(dest).st_mode) == 0o600
        with tarfile.open(dest, "r:gz") as tar:
            members = tar.getmembers()
        assert members and all(m.isfile() and m.mode == 0o600 for m in members)
        assert all(m.name.startswith("snap/") for m in members)
        with gzip.open(dest, "rb") as f:
            blob = f.read()
    assert_no_secrets(blob)

    snap = open_snapshot(dest)
    try:
        replayed = [outcome(snap, op, *args, **replay_kwargs(op, kwargs))
                    for op, args, kwargs in recorded["ops"]]
        for (op, args, kwargs), live, again in zip(recorded["ops"], recorded["results"], replayed):
            assert again == live, (op, args, kwargs)

        # the secret is redacted in the stored environment, and the command is still found
        env = recorded["ops"][len(file_ops(recorded["tree"]))][2]["env"]
        assert PASSWORD in env["HTTPS_PROXY"]
        stored = [e for e in snap._exact.values() if e["argv"] == ["/bin/echo", "hi"] and e["env"]]
        assert len(stored) == 1
        assert stored[0]["env"]["HTTPS_PROXY"] == "http://<redacted>@h:3128"
        assert stored[0]["env"]["LANG"] == "C"
        found = snap.run(["/bin/echo", "hi"], env=redact_env(env), cwd=str(recorded["tree"]))
        assert found.ok and found.stdout == b"hi\n"
        # the original secret-bearing environment is not what the snapshot holds
        assert snap.run(["/bin/echo", "hi"], env=env, cwd=str(recorded["tree"])).error == "not-recorded"

        # secret output and files come back redacted
        out = snap.run(["/bin/sh", "-c", "echo $HTTPS_PROXY; echo $HTTPS_PROXY >&2"],
                       env=redact_env({"HTTPS_PROXY": "http://u:%s@h:3128" % PASSWORD}))
        assert out.stdout == b"http://<redacted>@h:3128\n"
        assert out.stderr == b"http://<redacted>@h:3128\n"
        netrc = snap.read(str(recorded["tree"] / "netrc"))
        assert netrc == b"machine proxy.corp login bob password <redacted>\n"
        assert netrc == redact_bytes(host.inner.read(str(recorded["tree"] / "netrc")))

        # who, where and the environment
        assert snap.identity().to_dict() == host.identity().to_dict()
        assert snap.hostname() == host.hostname()
        environ = snap.environ()
        assert environ == redact_env(host.environ())
        assert environ["GOTRIAGE_TEST_API_TOKEN"] == MARK
        assert environ["GOTRIAGE_TEST_PROXY"] == "http://<redacted>@proxy.corp:3128"
        assert environ.get("PATH") == os.environ.get("PATH")
        assert snap.manifest["redacted"] is True
    finally:
        snap.close()


def test_save_writes_each_command_once(tmp_path, tree):
    host = RecordingHost(LiveHost())
    for _ in range(3):
        host.run(["/bin/echo", "again"], env={"A": "1"})
    host.run(["/bin/echo", "again"], env={"A": "2"})
    # two secrets that redact to the same environment are one command in the snapshot
    host.run(["/bin/echo", "x"], env={"TOKEN": "one"})
    host.run(["/bin/echo", "x"], env={"TOKEN": "two"})
    dest = host.save(str(tmp_path / "snap"))
    assert sorted(os.listdir(os.path.join(dest, "commands"))) == [
        "0001.json", "0002.json", "0003.json"]


def test_longest_read_is_kept(tmp_path, tree):
    host = RecordingHost(LiveHost())
    path = str(tree / "sub" / "deeper" / "c")
    assert host.read(path, max_bytes=10) == b"c" * 10
    assert len(host.read(path)) == 5000
    assert host.read(path, max_bytes=3) == b"ccc"
    dest = host.save(str(tmp_path / "snap"))
    snap = open_snapshot(dest)
    assert snap.read(path) == b"c" * 5000
    assert snap.read(path, max_bytes=3) == b"ccc"


def test_denied_list_is_shared_with_inner_host():
    inner = LiveHost()
    host = RecordingHost(inner)
    assert host.denied is inner.denied


def test_save_refuses_non_empty_directory(tmp_path):
    host = RecordingHost(LiveHost())
    dest = tmp_path / "busy"
    dest.mkdir()
    (dest / "keep").write_bytes(b"mine")
    with pytest.raises(OSError):
        host.save(str(dest))
    assert os.listdir(str(dest)) == ["keep"]
    empty = tmp_path / "empty"
    empty.mkdir(mode=0o755)
    host.save(str(empty))
    assert stat.S_IMODE(os.stat(str(empty)).st_mode) == 0o700
    assert os.path.isfile(str(empty / MANIFEST))


def test_save_archive_does_not_follow_a_symlink(tmp_path):
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious")
    os.symlink(str(victim), str(tmp_path / "out.tar.gz"))
    host = RecordingHost(LiveHost())
    with pytest.raises(OSError):
        host.save(str(tmp_path / "out.tar.gz"))
    assert victim.read_bytes() == b"precious"


def test_tgz_suffix_and_umask(tmp_path):
    old = os.umask(0)
    try:
        host = RecordingHost(LiveHost())
        host.read(__file__)
        archive = host.save(str(tmp_path / "x.tgz"))
        directory = host.save(str(tmp_path / "d"))
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(archive).st_mode) == 0o600
    with tarfile.open(archive) as tar:
        assert all(m.name.startswith("x/") for m in tar.getmembers())
    for root, _dirs, files in os.walk(directory):
        assert stat.S_IMODE(os.stat(root).st_mode) == 0o700
        for name in files:
            assert stat.S_IMODE(os.stat(os.path.join(root, name)).st_mode) == 0o600
    snap = open_snapshot(archive)
    try:
        with open(__file__, "rb") as f:
            assert snap.read(__file__) == redact_bytes(f.read())
    finally:
        snap.close()


# -- LiveHost.run --------------------------------------------------------------------------------

def alive(pid):
    """Whether `pid` is a running process (a zombie nobody reaped yet counts as dead)."""
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    try:
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def wait_dead(pid, seconds=3.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.05)
    return not alive(pid)


def read_pid(pidfile, seconds=3.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with open(pidfile) as f:
                text = f.read().strip()
            if text:
                return int(text)
        except OSError:
            pass
        time.sleep(0.05)
    raise AssertionError("no pid written to %s" % pidfile)


def kill_quietly(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


def test_run_ok():
    r = LiveHost().run(["/bin/echo", "hi"])
    assert r.ok and r.returncode == 0 and r.error is None
    assert r.stdout == b"hi\n" and r.stderr == b""
    assert r.duration >= 0


def test_run_exit_code_env_and_cwd(tmp_path):
    r = LiveHost().run(["/bin/sh", "-c", 'echo "$GREETING"; pwd; echo oops >&2; exit 7'],
                       env={"GREETING": "hello there"}, cwd=str(tmp_path))
    assert r.returncode == 7 and r.error is None and not r.ok
    assert r.stdout == ("hello there\n%s\n" % os.path.realpath(str(tmp_path))).encode()
    assert r.stderr == b"oops\n"
    assert r.excerpt().startswith("oops")


def test_run_has_no_stdin():
    started = time.monotonic()
    r = LiveHost().run(["/bin/cat"], timeout=5)
    assert r.ok and r.stdout == b""
    assert time.monotonic() - started < 4


def test_run_not_found(tmp_path):
    r = LiveHost().run([str(tmp_path / "no-such-program"), "--version"])
    assert r.error == "not-found"
    assert r.returncode is None and not r.ok
    assert r.excerpt() == "(no such executable)"
    r = LiveHost().run(["gotriage-no-such-program"], env={"PATH": str(tmp_path)})
    assert r.error == "not-found"


def test_run_denied(tmp_path):
    script = tmp_path / "noexec.sh"
    script.write_bytes(b"#!/bin/sh\necho should not run\n")
    os.chmod(str(script), 0o644)  # no x bit at all: even root may not execute it
    r = LiveHost().run([str(script)])
    assert r.error == "denied"
    assert r.stdout == b""


def test_run_output_is_capped(monkeypatch):
    monkeypatch.setattr(live_module, "MAX_OUTPUT", 10)
    r = LiveHost().run(["/bin/sh", "-c", "printf '%0100d' 0; printf '%0100d' 0 >&2"])
    assert r.ok
    assert r.stdout == b"0" * 10 and r.stderr == b"0" * 10


def test_timeout_kills_the_command():
    started = time.monotonic()
    r = LiveHost().run(["/bin/sleep", "5"], timeout=0.5)
    elapsed = time.monotonic() - started
    assert r.error == "timeout" and r.timed_out
    assert r.returncode is None and not r.ok
    assert elapsed < 3
    assert 0.4 <= r.duration < 3
    assert "timed out after" in r.excerpt()


def test_timeout_kills_grandchild_in_the_process_group(tmp_path):
    pidfile = str(tmp_path / "grandchild.pid")
    started = time.monotonic()
    r = LiveHost().run(["/bin/sh", "-c", 'sleep 30 & echo $! > "%s"; wait' % pidfile],
                       timeout=0.5)
    elapsed = time.monotonic() - started
    pid = read_pid(pidfile)
    try:
        assert r.error == "timeout"
        assert elapsed < 5
        assert wait_dead(pid), "grandchild %d still running" % pid
    finally:
        kill_quietly(pid)


def test_timeout_with_output_held_by_a_grandchild(tmp_path):
    need(shutil.which("setsid") is not None, install_hint("setsid"))
    pidfile = str(tmp_path / "grandchild.pid")
    started = time.monotonic()
    # the grandchild runs in a session of its own, where the process group kill cannot reach,
    # and holds stdout and stderr open
    r = LiveHost().run(["/bin/sh", "-c",
                        'echo started; setsid sleep 30 & echo $! > "%s"; wait' % pidfile],
                       timeout=1.0)
    elapsed = time.monotonic() - started
    pid = read_pid(pidfile)
    try:
        assert r.error == "timeout"
        assert elapsed < 5, "run() waited %.1f s for a grandchild holding its pipes" % elapsed
        assert r.returncode is None
    finally:
        kill_quietly(pid)


def test_timeout_with_daemonising_python_grandchild(tmp_path):
    pidfile = str(tmp_path / "daemon.pid")
    code = ("import subprocess, sys, time\n"
            "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)'],"
            " start_new_session=True)\n"
            "open(%r, 'w').write(str(p.pid))\n"
            "sys.stdout.write('parent output\\n'); sys.stdout.flush()\n"
            "time.sleep(30)\n" % pidfile)
    started = time.monotonic()
    r = LiveHost().run([sys.executable, "-c", code], timeout=1.5)
    elapsed = time.monotonic() - started
    pid = read_pid(pidfile)
    try:
        assert r.error == "timeout"
        assert elapsed < 6, "run() waited %.1f s for a grandchild holding its pipes" % elapsed
    finally:
        kill_quietly(pid)


def test_ranges_are_laid_over_in_the_order_they_were_read(tmp_path, monkeypatch):
    """What a snapshot stores for a file read in ranges: the whole read, then each range
    over it in order (a later read wins where two overlap: here the file changed between
    them), zeros where nothing was read; streamed in pieces of STREAM_PIECE bytes."""
    from gotriage.host import recorder as recorder_module

    monkeypatch.setattr(recorder_module, "STREAM_PIECE", 7)
    path = tmp_path / "log"
    first = bytes(bytearray(i % 251 for i in range(3000)))
    path.write_bytes(first)
    host = RecordingHost(LiveHost(), spill_dir=str(tmp_path))
    reads = [("read", 0, 100), ("range", 50, 200), ("range", 2900, 500), ("range", 2000, 10)]
    expected = bytearray()
    for n, (op, offset, length) in enumerate(reads):
        if n == 2:
            path.write_bytes(b"\xaa" * 3000)  # the file changes: the later reads see this
        if op == "read":
            data = host.read(str(path), max_bytes=length)
        else:
            data = host.read_range(str(path), offset, length)
        end = offset + len(data)
        expected.extend(bytes(max(0, end - len(expected))))
        expected[offset:end] = data
    assert host.read_range(str(path), 4000, 10) == b""  # past the end: zeros up to it
    expected.extend(bytes(4000 - len(expected)))
    pieces = list(host._pieces(str(path)))
    assert max(len(p) for p in pieces) <= 7
    assert b"".join(pieces) == bytes(expected)
    assert expected[60:70] == first[60:70] and expected[2000:2010] == b"\xaa" * 10
    host.close()


LARGE_LOG_SCRIPT = r"""
import json, sys
from gotriage.host.live import LiveHost
from gotriage.host.recorder import RecordingHost
from gotriage.selinux import logread

log, spill, out = sys.argv[1:4]
host = RecordingHost(LiveHost(), spill_dir=spill)
result = logread.scan(host, [log])
host.save(out + "/snap")
host.save(out + "/snap.tar.gz")
host.close()
# VmHWM, not ru_maxrss: Linux carries the parent's peak over exec into ru_maxrss
with open("/proc/self/status") as status:
    peak_kb = [int(line.split()[1]) for line in status if line.startswith("VmHWM:")][0]
print(json.dumps({"rss_mb": peak_kb / 1024.0, "records": result.avc_records,
                  "distinct": len(result.distinct())}))
"""


def test_collecting_a_large_audit_log_keeps_memory_flat(tmp_path):
    """`collect` of a 48 MB audit log: what the SELinux layer reads, a MiB at a time, goes
    through the spill file to the snapshot, so the process stays far below the log's
    size (it held the log about three times over before); both snapshots (directory and
    archive) hold the log, whose replay gives the same denials."""
    import json
    import subprocess

    from conftest import DATA, ROOT
    from gotriage.selinux import logread

    with open(os.path.join(DATA, "selinux", "sample-1mb.log"), "rb") as f:
        sample = f.read()
    log = tmp_path / "audit.log"
    with open(str(log), "wb") as f:
        for _ in range(48 * (1 << 20) // len(sample) + 1):
            f.write(sample)
    size = os.path.getsize(str(log))
    out = tmp_path / "out"
    out.mkdir()
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))
    proc = subprocess.run([sys.executable, "-c", LARGE_LOG_SCRIPT, str(log), str(tmp_path),
                           str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr.decode()
    measured = json.loads(proc.stdout.decode())
    assert measured["rss_mb"] < 40, measured  # the log is 48 MB
    live = logread.scan(LiveHost(), [str(log)])
    assert measured["records"] == live.avc_records > 10000
    assert sorted(os.listdir(str(tmp_path))) == ["audit.log", "out"]  # no spill left behind
    stored = os.path.join(str(out), "snap", "files", str(log).lstrip("/"))
    assert os.path.getsize(stored) == size
    for snapshot in ("snap", "snap.tar.gz"):
        snap = open_snapshot(os.path.join(str(out), snapshot))
        try:
            replay = logread.scan(snap, [str(log)])
        finally:
            snap.close()
        assert replay.to_dict() == dict(live.to_dict(), files=replay.to_dict()["files"])
        assert [d.key for d in replay.distinct()] == [d.key for d in live.distinct()]


def test_spill_failure_is_reported_at_save(tmp_path):
    """A spill that cannot be written (a full disk) does not stop the check that read the
    file; save() then refuses, saying why, and collect exits 2."""
    import errno

    class FullDisk(object):
        def seek(self, *args):
            return 0

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

        def close(self):
            pass

    host = RecordingHost(LiveHost(), spill_dir=str(tmp_path))
    host._spill = FullDisk()
    assert host.read_range(__file__, 0, 10) == open(__file__, "rb").read(10)
    with pytest.raises(OSError) as info:
        host.save(str(tmp_path / "snap"))
    assert "No space left" in str(info.value) and str(tmp_path) in str(info.value)


def test_collect_output_in_a_missing_directory_is_a_usage_error(tmp_path):
    from conftest import run_gotriage

    run = run_gotriage(["collect", "--layer", "selinux", "-o", str(tmp_path / "no" / "snap")])
    assert run.returncode == 2
    assert "cannot write in %s" % (tmp_path / "no") in run.stderr
    assert "Traceback" not in run.stderr
