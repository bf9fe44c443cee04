"""`gotriage avc` on bad input (issue 13): the rule of every command, one line on stderr
starting `gotriage: error: `, nothing on stdout, exit 2; and its counts in good English.

Each case runs the real CLI (conftest.run_gotriage), as a user does."""

import gzip
import os
import sys

import pytest

from conftest import DATA, make_snapshot, run_gotriage
from gotriage.report.words import count, plural

SEL = os.path.join(DATA, "selinux")
GO_8080 = os.path.join(SEL, "go-8080.log")  # one denial, which a module also fixes
HOME_EXEC = os.path.join(SEL, "go-home-exec.log")
# audit records, none of them a denial
NO_DENIAL = (b"type=SYSCALL msg=audit(1718000400.100:5): arch=c000003e syscall=2 success=yes "
             b"exit=3 a0=7ffd items=1 ppid=1 pid=4242 comm=\"app\" exe=\"/usr/local/bin/app\"\n")
AUDIT_LOG = "/var/log/audit/audit.log"


def _read(path):
    with open(path, "rb") as f:
        return f.read()


def refused(args, line, cwd=None, env=None):
    """Run `gotriage avc ARGS`: exactly `gotriage: error: LINE` on stderr, nothing on
    stdout, exit 2."""
    run = run_gotriage(["avc"] + list(args), cwd=cwd, env=env, timeout=60)
    assert (run.returncode, run.stdout, run.stderr) == (2, "", "gotriage: error: %s\n" % line)
    return run


def snapshot(tmp_path, files, name="snap", paths=None):
    return str(make_snapshot(tmp_path / name, files=files, paths=paths))


# -- logs that are not there, not files, not audit logs -----------------------------------------
def test_missing_log():
    refused(["/nonexistent/audit.log"], "/nonexistent/audit.log: no such file")


def test_directory(tmp_path):
    refused([str(tmp_path)], "%s is a directory, not an audit log" % tmp_path)


def test_a_relative_log_is_named_by_its_full_path(tmp_path):
    refused(["nothing.log"], "%s: no such file" % (tmp_path / "nothing.log"), cwd=str(tmp_path))


@pytest.mark.skipif(os.path.exists(AUDIT_LOG), reason="this host has an audit log")
def test_no_audit_log_on_this_host():
    refused(["--no-tools"], "%s: no such file (is auditd running? else name the logs to read)"
            % AUDIT_LOG)


def test_no_audit_log_in_the_snapshot(tmp_path):
    snap = snapshot(tmp_path, {"/etc/os-release": "ID=rhel\n"})
    refused(["--root", snap], "%s: no such file in the snapshot" % AUDIT_LOG)


def test_unreadable_audit_log_in_the_snapshot(tmp_path):
    snap = snapshot(tmp_path, {AUDIT_LOG: b""}, paths={AUDIT_LOG: {"read": {"error": "EACCES"}}})
    refused(["--root", snap], "cannot read %s: Permission denied" % AUDIT_LOG)


def test_a_program_is_binary_data():
    program = os.path.realpath(sys.executable)
    refused([program], "%s is not an audit log (binary data)" % program)


def test_an_endless_device_is_refused_promptly():
    refused(["/dev/zero"], "/dev/zero is not an audit log (binary data)")


def test_binary_data_in_a_gzip_file(tmp_path):
    path = tmp_path / "audit.log.1.gz"
    path.write_bytes(gzip.compress(b"\x7fELF\x02\x01\x01\x00" * 1000))
    refused([str(path)], "%s is not an audit log (binary data)" % path)


def test_a_text_file_without_records(tmp_path):
    path = tmp_path / "passwd"
    path.write_text("root:x:0:0:root:/root:/bin/bash\nbin:x:1:1:bin:/bin:/sbin/nologin\n")
    refused([str(path)], "no audit records in %s" % path)


@pytest.mark.parametrize("path", ["/dev/null", "/etc/passwd"])
def test_system_files_without_records(path):
    if not os.path.exists(path):
        pytest.skip("%s is not on this host" % path)
    refused([path], "no audit records in %s" % path)


def test_an_empty_file(tmp_path):
    path = tmp_path / "empty.log"
    path.write_bytes(b"")
    refused([str(path)], "no audit records in %s" % path)


def test_a_truncated_gzip_log(tmp_path):
    data = gzip.compress(_read(GO_8080))
    path = tmp_path / "audit.log.2.gz"
    path.write_bytes(data[:len(data) // 2])
    run = run_gotriage(["avc", str(path)])
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr.startswith("gotriage: error: cannot read %s: not a valid gzip file" % path)
    assert run.stderr.count("\n") == 1


def test_each_of_several_logs_is_judged(tmp_path):
    """Every log at fault is named, in the order given, on one line; the good one does not
    save the run."""
    text = tmp_path / "notes.txt"
    text.write_text("hello\n")
    program = os.path.realpath(sys.executable)
    refused([GO_8080, "/nonexistent", program, str(text), str(tmp_path)],
            "/nonexistent: no such file; %s is not an audit log (binary data); "
            "no audit records in %s; %s is a directory, not an audit log"
            % (program, text, tmp_path))


@pytest.mark.parametrize("mode", [["--json"], ["--raw-rules"], ["-v"], ["--module", "m_json"]])
def test_every_output_mode_refuses_alike(tmp_path, mode):
    refused(mode + ["/nonexistent"], "/nonexistent: no such file", cwd=str(tmp_path))
    assert os.listdir(str(tmp_path)) == []


# -- what is a clean result -------------------------------------------------------------------
def test_records_without_denials_are_clean(tmp_path):
    path = tmp_path / "audit.log"
    path.write_bytes(NO_DENIAL)
    run = run_gotriage(["avc", "--no-tools", str(path)])
    assert (run.returncode, run.stderr) == (0, "")
    assert run.stdout.startswith("gotriage avc: 0 distinct denials (0 denial records) in 1 log ")


def test_denials_older_than_since_are_clean():
    run = run_gotriage(["avc", "--no-tools", "--since", "2030-01-01", GO_8080])
    assert (run.returncode, run.stderr) == (0, "")
    assert "1 denial record older than --since skipped" in run.stdout


def test_an_empty_default_audit_log_is_clean(tmp_path):
    """What rotation leaves: audit.log empty, the rotations holding the records."""
    snap = snapshot(tmp_path, {AUDIT_LOG: b"", AUDIT_LOG + ".1": b""})
    run = run_gotriage(["avc", "--root", snap])
    assert (run.returncode, run.stderr) == (0, "")
    assert run.stdout.startswith("gotriage avc: 0 distinct denials (0 denial records) in 2 logs ")


def test_a_bad_default_rotation_is_reported_not_fatal(tmp_path):
    cut = gzip.compress(_read(GO_8080))
    snap = snapshot(tmp_path, {AUDIT_LOG: _read(HOME_EXEC),
                               AUDIT_LOG + ".1": b"\0\0\0\0junk",
                               AUDIT_LOG + ".2.gz": cut[:len(cut) // 2]})
    run = run_gotriage(["avc", "--root", snap])
    assert (run.returncode, run.stderr) == (1, "")
    lines = run.stdout.splitlines()
    at = lines.index("Not read")  # oldest first, as they are read
    # each entry at 2 columns, a long one wrapped below it at 6 (lines within 100 columns)
    entries = [line for line in lines[at + 1:] if line[:2] == "  " and line[2:3] != " "]
    assert entries[0].startswith("  cannot read %s.2.gz: not a valid gzip file" % AUDIT_LOG)
    assert entries[1] == "  %s.1 is not an audit log (binary data)" % AUDIT_LOG
    assert run.stdout.startswith("gotriage avc: 2 distinct denials (2 denial records) in 1 log (")


# -- --module ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["", "9lives", "_local", "go-local", "go.local", "a b", "allow",
                                  "T1", "local/go", "é"])
def test_invalid_module_names(tmp_path, name):
    refused(["--no-tools", GO_8080, "--module", name],
            "--module %r: module names are letters, digits and _, starting with a letter, "
            "and not a policy keyword" % name, cwd=str(tmp_path))
    assert os.listdir(str(tmp_path)) == []


@pytest.mark.parametrize("suffix", [".te", ".fc", ".mod", ".pp"])
def test_an_existing_module_file_is_never_overwritten(tmp_path, suffix):
    mine = tmp_path / ("local_go" + suffix)
    mine.write_text("mine\n")
    refused(["--no-tools", GO_8080, "--module", "local_go"],
            "local_go%s already exists: give a new module name" % suffix, cwd=str(tmp_path))
    assert os.listdir(str(tmp_path)) == [mine.name] and mine.read_text() == "mine\n"


def test_a_dangling_symlink_is_not_written_through(tmp_path):
    (tmp_path / "local_go.te").symlink_to(tmp_path / "elsewhere.te")
    refused(["--no-tools", GO_8080, "--module", "local_go"],
            "local_go.te already exists: give a new module name", cwd=str(tmp_path))
    assert not (tmp_path / "elsewhere.te").exists()


def test_the_module_is_written_once_then_refused(tmp_path):
    args = ["--no-tools", GO_8080, "--module", "local_go"]
    first = run_gotriage(["avc"] + args, cwd=str(tmp_path))
    assert first.returncode == 1, first.stderr
    written = (tmp_path / "local_go.te").read_text()
    refused(args, "local_go.te already exists: give a new module name", cwd=str(tmp_path))
    assert (tmp_path / "local_go.te").read_text() == written


# -- --no-color, NO_COLOR ---------------------------------------------------------------------
def test_no_color_is_accepted_and_changes_nothing():
    plain = run_gotriage(["avc", "--no-tools", GO_8080])
    flagged = run_gotriage(["avc", "--no-tools", "--no-color", GO_8080])
    env = dict(os.environ, NO_COLOR="1")
    by_env = run_gotriage(["avc", "--no-tools", GO_8080], env=env)
    assert plain.returncode == flagged.returncode == by_env.returncode == 1
    assert flagged.stderr == by_env.stderr == ""
    assert plain.stdout == flagged.stdout == by_env.stdout and "\033[" not in plain.stdout


def test_no_color_with_bad_input_is_the_same_error():
    refused(["--no-color", "/nonexistent"], "/nonexistent: no such file")


# -- counts in words --------------------------------------------------------------------------
def test_words():
    assert [count(n, "denial") for n in (0, 1, 2)] == ["0 denials", "1 denial", "2 denials"]
    assert count(1, "line is", "lines are") == "1 line is"
    assert count(3, "line is", "lines are") == "3 lines are"
    assert plural(1, "log") == "log" and plural(0, "log") == "logs"


def test_one_denial_is_singular(tmp_path):
    run = run_gotriage(["avc", "--no-tools", GO_8080, "--module", "local_go"], cwd=str(tmp_path))
    assert run.returncode == 1, run.stderr
    assert run.stdout.startswith("gotriage avc: 1 distinct denial (1 denial record) in 1 log (")
    assert "Module local_go (1 denial nothing narrower fixes): wrote local_go.te\n" in run.stdout
    raw = run_gotriage(["avc", "--no-tools", "--raw-rules", GO_8080])
    assert raw.stderr.startswith("gotriage: 1 distinct denial (1 denial record) in 1 log (")


def test_several_are_plural(tmp_path):
    run = run_gotriage(["avc", "--no-tools", GO_8080, HOME_EXEC])
    assert run.returncode == 1, run.stderr
    first = run.stdout.splitlines()[0]
    assert " in 2 logs (" in first and "denials (" in first and "denial records" in first


def test_one_line_that_is_not_a_record_is_singular(tmp_path):
    path = tmp_path / "audit.log"
    path.write_bytes(_read(GO_8080) + b"not a record\n")
    run = run_gotriage(["avc", "--no-tools", str(path)])
    assert "\n  1 line is not an audit record\n" in run.stdout
    path.write_bytes(_read(GO_8080) + b"not a record\nnor this\n")
    run = run_gotriage(["avc", "--no-tools", str(path)])
    assert "\n  2 lines are not audit records\n" in run.stdout


# -- a log on standard input ------------------------------------------------------------------
def _piped(args, data):
    import subprocess

    return subprocess.run([sys.executable, "-m", "gotriage"] + args, input=data,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120,
                          env=dict(os.environ, NO_COLOR="1"))


@pytest.mark.parametrize("name", ["-", "/dev/stdin"])
@pytest.mark.parametrize("compressed", [False, True], ids=["text", "gzip"])
def test_a_pipe_is_read_like_the_file(name, compressed):
    """`ausearch ... | gotriage avc -` (a pipe cannot seek: it is read once, as it streams)
    gives what the file gives."""
    data = _read(HOME_EXEC)
    expected = _piped(["avc", "--no-tools", "--json", HOME_EXEC], b"")
    got = _piped(["avc", "--no-tools", "--json", name], gzip.compress(data) if compressed else data)
    assert got.returncode == expected.returncode == 1, got.stderr
    import json

    mine, theirs = json.loads(got.stdout.decode()), json.loads(expected.stdout.decode())
    assert [r["title"] for r in mine["results"]] == [r["title"] for r in theirs["results"]]
    assert mine["avc"]["scan"]["denial_records"] == theirs["avc"]["scan"]["denial_records"] > 0


def test_a_pipe_from_another_hosts_policy_is_read_once():
    """The log names types this host's policy lacks: avc analyses it again without the
    tools, from what it read (the pipe is not read a second time)."""
    import shutil

    from conftest import need

    need(shutil.which("seinfo"), "seinfo (setools)")
    data = _read(os.path.join(SEL, "sepolgen-httpd.log"))
    got = _piped(["avc", "--json", "-"], data)
    expected = _piped(["avc", "--json", os.path.join(SEL, "sepolgen-httpd.log")], b"")
    import json

    mine, theirs = json.loads(got.stdout.decode()), json.loads(expected.stdout.decode())
    assert "foreign_policy" in theirs["avc"], "the log should read as another host's"
    assert mine["avc"]["scan"]["denial_records"] == theirs["avc"]["scan"]["denial_records"] > 0
    assert len(mine["results"]) == len(theirs["results"]) > 0


def test_standard_input_is_not_in_a_snapshot(tmp_path):
    root = snapshot(tmp_path, {AUDIT_LOG: _read(HOME_EXEC)})
    proc = _piped(["avc", "--root", root, "-"], b"")
    assert proc.returncode == 2 and proc.stdout == b""
    assert proc.stderr.decode().startswith("gotriage: error: LOG - (standard input) is read on this host")
