"""Bad input is a one-line usage error (exit 2), on every command (issue 13, "Input
checked, errors alike"): the real CLI in a subprocess, as a user runs it."""

import os
import tarfile

import pytest

from conftest import DATA, run_gotriage
from firewall_scenarios import GENERATED, scenario_snapshot

EL9 = os.path.join(DATA, "snapshots", "el9-goroot-envfile")


def one_line_error(run, text):
    """exit 2, nothing on stdout, exactly `gotriage: error: TEXT` on stderr."""
    assert run.returncode == 2, (run.returncode, run.stdout[:300], run.stderr)
    assert run.stdout == ""
    assert run.stderr == "gotriage: error: %s\n" % text


@pytest.mark.parametrize("value", ["-1", "0", "0.001", "nan", "inf", "soon"])
def test_timeout_needs_at_least_one_second(value):
    run = run_gotriage(["check", "--root", EL9, "--timeout", value])
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.startswith("usage: gotriage check ")
    assert run.stderr.endswith("gotriage check: error: argument --timeout: needs a number of "
                               "seconds, at least 1: not %r\n" % value)


def test_binary_timeout_is_checked_like_the_others():
    run = run_gotriage(["binary", "/bin/ls", "--timeout", "0.01"])
    assert run.returncode == 2 and run.stderr.startswith("usage: gotriage binary ")
    assert "argument --timeout: needs a number of seconds, at least 1" in run.stderr


def test_deadline_is_zero_for_none_or_at_least_one_second():
    run = run_gotriage(["check", "--root", EL9, "--deadline", "0.5"])
    assert run.returncode == 2
    assert run.stderr.endswith("argument --deadline: needs a number of seconds, at least 1 "
                               "(or 0: no deadline): not '0.5'\n")
    assert run_gotriage(["check", "--root", EL9, "--layer", "system", "--deadline", "0"]
                        ).returncode in (0, 1)


@pytest.mark.parametrize("argv,usage", [
    (["check", "--bogus"], "usage: gotriage check "),
    (["checks", "-v"], "usage: gotriage checks "),
    (["port", "80", "--bogus"], "usage: gotriage port "),
])
def test_an_unknown_option_shows_the_command_usage(argv, usage):
    run = run_gotriage(argv)
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.startswith(usage), run.stderr
    assert run.stderr.endswith("error: unrecognized arguments: %s\n" % argv[-1])


def test_project_that_does_not_exist(tmp_path):
    missing = str(tmp_path / "nope")
    one_line_error(run_gotriage(["check", "--project", missing, "--layer", "toolchain"]),
                   "--project %s: no such file or directory on this host" % missing)


def test_project_that_is_a_file(tmp_path):
    path = tmp_path / "go.mod"
    path.write_text("module x\n")
    one_line_error(run_gotriage(["check", "--project", str(path), "--layer", "toolchain"]),
                   "--project %s is not a directory" % path)


def test_collect_checks_the_project_before_recording(tmp_path):
    missing = str(tmp_path / "nope")
    out = tmp_path / "snap"
    one_line_error(run_gotriage(["collect", "-o", str(out), "--project", missing]),
                   "--project %s: no such file or directory on this host" % missing)
    assert not out.exists()


def test_unknown_user_in_a_snapshot():
    one_line_error(run_gotriage(["check", "--root", EL9, "--user", "nosuchuser"]),
                   "--user nosuchuser: no such user in the snapshot (not in /etc/passwd)")


@pytest.mark.parametrize("target", ["9.99", "2.99", "el4", "el9:x-y"])
def test_binary_target_is_one_of_the_known(target):
    one_line_error(run_gotriage(["binary", "/bin/ls", "--target", target]),
                   "unknown --target %r: use host, el5, el6, el7, el8, el9, el10 (elN:ARCH for "
                   "another architecture), a release by name (rocky8, alinux3, openeuler22.03, "
                   "centos7, amzn2023, fedora40...; NAME:ARCH too), musl (an Alpine container; "
                   "musl:ARCH), or a glibc version 2.0 to 2.45 such as 2.28" % target)


@pytest.mark.parametrize("target", ["el5", "el6", "2.45", "2.17:aarch64", "rocky8", "musl"])
def test_binary_accepts_each_documented_target(target):
    run = run_gotriage(["binary", "/bin/ls", "--target", target, "--json"])
    assert run.returncode in (0, 1), run.stderr
    assert run.json["results"]


@pytest.mark.parametrize("name", ["x.zip", "x.gz", "x.tar.zst"])
def test_collect_refuses_an_archive_it_does_not_write(tmp_path, name):
    out = tmp_path / name
    one_line_error(run_gotriage(["collect", "-o", str(out), "--layer", "system"]),
                   "%s: collect writes a directory, or a .tar.gz, .tgz, .tar.xz, .tar.bz2 or "
                   ".tar archive (what check --root reads)" % out)
    assert not out.exists()


@pytest.mark.parametrize("name", ["host.tar", "host.tar.xz", "host.tar.bz2"])
def test_collect_writes_every_archive_check_reads(tmp_path, name):
    out = tmp_path / name
    run = run_gotriage(["collect", "-o", str(out), "--layer", "system"])
    assert run.returncode == 0, run.stderr
    assert tarfile.is_tarfile(str(out)) and (out.stat().st_mode & 0o777) == 0o600
    with tarfile.open(str(out)) as tar:
        names = tar.getnames()
    top = name.split(".")[0]
    assert "%s/gotriage-snapshot.json" % top in names
    replay = run_gotriage(["check", "--root", str(out), "--layer", "system", "--json"])
    assert replay.returncode in (0, 1), replay.stderr
    assert replay.json["host"]["source"] == "snapshot"


def test_root_that_is_not_a_snapshot(tmp_path):
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    one_line_error(run_gotriage(["check", "--root", str(empty)]),
                   "%s: not a snapshot directory or archive (an empty file)" % empty)
    text = tmp_path / "notes.txt"
    text.write_text("hello\n")
    one_line_error(run_gotriage(["check", "--root", str(text)]),
                   "%s: not a snapshot directory or archive (no gzip, bzip2, xz or tar header)"
                   % text)


def test_service_with_an_empty_unit():
    one_line_error(run_gotriage(["service", "", "--root", EL9]),
                   "UNIT is empty: give a unit name (app, app.service) or the path of a "
                   "NAME.service file")


def test_port_with_an_interface_the_host_does_not_have(tmp_path):
    snapshot = scenario_snapshot(os.path.join(GENERATED, "nftables-backend", "A_port_open"),
                                 tmp_path / "snap")
    run = run_gotriage(["port", "8080", "--iface", "nosuchif", "--root", str(snapshot)])
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.startswith("gotriage: error: --iface nosuchif: no such interface on the "
                                 "recorded host (it has lo, ")
    assert run.stderr.count("\n") == 1


def test_a_program_the_snapshot_did_not_record_is_not_recorded_not_broken():
    # make_el_snapshots.py records bin/go by its stat only (its probe is what go says)
    one_line_error(run_gotriage(["binary", "/usr/local/go/bin/go", "--root", EL9]),
                   "/usr/local/go/bin/go not examined: its contents are not recorded in the "
                   "snapshot")
    run = run_gotriage(["check", "--root", EL9, "--project", "/home/alice", "--layer", "system",
                        "--json"])
    assert not run.results("SYS-GOBIN-WONT-RUN") and not run.results("SYS-GOBIN")
    assert "/usr/local/go/bin/go not examined: its contents are not recorded in the " \
           "snapshot" in run.json["notes"]


def test_port_on_a_snapshot_without_socket_tables_does_not_say_nothing_listens():
    run = run_gotriage(["port", "8080", "--root", EL9, "--json"])
    assert run.returncode == 0, run.stderr
    assert not run.results("FW-LISTEN-NONE")
    assert ("the socket tables were not read (no `ss -ltune`, no /proc/net/tcp; a snapshot that "
            "did not record them): whether anything listens on 8080/tcp is unknown"
            in run.json["notes"])


def test_a_path_is_named_once_under_not_examined():
    run = run_gotriage(["check", "--root", EL9, "--project", "/home/alice", "--json"])
    mentions = [n for n in run.json["notes"] if "/etc/sudoers" in n]
    assert mentions == ["sudo context not examined: /etc/sudoers is not readable (run gotriage "
                        "as root)"], mentions


def test_checks_explains_one_id_as_the_docs_do():
    run = run_gotriage(["checks", "sel-mode-relabel"])
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == ("SEL-MODE-RELABEL  (check SEL-MODE, layer selinux: SELinux mode, now "
                        "and after a reboot)")
    assert lines[1].startswith("  meaning:  SELinux is disabled now but the config enables it")
    assert any(line.startswith("  fix:      `touch /.autorelabel`") for line in lines)
    as_json = run_gotriage(["checks", "SVC-WORKDIR", "--json"]).json
    ids = [e["id"] for e in as_json]
    assert ids[0] == "SVC-WORKDIR" and ids[1:] == sorted(ids[1:]) and len(ids) >= 3
    assert all(i.startswith("SVC-WORKDIR-") for i in ids[1:])
    assert all(e["meaning"] and e["check"] == "SVC-WORKDIR" for e in as_json)
    one_line_error(run_gotriage(["checks", "NOPE-X"]),
                   "unknown check or finding id: NOPE-X (see `gotriage checks`)")


def test_the_summary_says_how_many_problems_ignore_left_out():
    base = ["check", "--root", EL9, "--project", "/home/alice", "--layer", "toolchain"]
    full = run_gotriage(base + ["--json"]).json
    assert full["summary"].get("ignored") == 0
    ignored = run_gotriage(base + ["--json", "--ignore", "GO-ROOT-MISMATCH", "--ignore",
                                   "GO-CACHE"]).json
    left = [r for r in full["results"] if r["id"] == "GO-ROOT-MISMATCH"
            or r["check"] == "GO-CACHE" and r["severity"] != "ok"]
    assert left and ignored["summary"]["ignored"] == len(left)
    assert tuple(int(p) for p in ignored["schema_version"].split(".")) >= (1, 2)  # since 1.2
    text = run_gotriage(base + ["--ignore", "GO-ROOT-MISMATCH"]).stdout
    assert text.splitlines()[-1].endswith("(1 left out by --ignore)")


def test_predicted_errors_name_the_host_address_a_client_dials(tmp_path):
    snapshot = scenario_snapshot(os.path.join(GENERATED, "nftables-backend", "A_port_open"),
                                 tmp_path / "snap")
    run = run_gotriage(["port", "9", "--root", str(snapshot), "--json"])
    [none] = run.results("FW-LISTEN-NONE")
    address = none["predicted_error"].split()[2].rstrip(":")  # dial tcp ADDRESS:PORT: ...
    assert "<" not in address and address.rsplit(":", 1)[1] == "9"
    import ipaddress

    ipaddress.ip_address(address.rsplit(":", 1)[0].strip("[]"))  # a real address of the host


def test_each_problem_in_the_verbose_view_points_at_its_documentation():
    out = run_gotriage(["check", "--root", EL9, "--project", "/home/alice", "--layer",
                        "toolchain", "-v"]).stdout
    problems = [line.split()[1] for line in out.splitlines()
                if line.startswith(("  \u2717 ", "  ! ", "  \u00b7 "))]
    assert problems
    for ident in problems:
        assert "      about: `gotriage checks %s` (meaning, evidence, fix)" % ident in out
    assert out.count("about: `gotriage checks") == len(problems)  # not for the ✓ lines
