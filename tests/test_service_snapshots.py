"""The service layer on the snapshot fixtures of tests/data/services (EL7 systemd 219, EL8
239, EL9 252; built by make_service_snapshots.py from real release files, with journal
excerpts in systemd's own formats): each failure is found, explained and linked from the
journal; `check --layer service` finds the Go services; output is schema-valid JSON and
never a traceback."""

import filecmp
import json
import os
import shutil
import subprocess
import sys

import pytest

from cli_support import clean_env, parse_report, run_cli
from conftest import DATA, need
from gotriage import runner
from gotriage.host.snapshot import open_snapshot

SERVICES = os.path.join(DATA, "services")
EL7 = os.path.join(SERVICES, "el7-services")
EL8 = os.path.join(SERVICES, "el8-services")
EL9 = os.path.join(SERVICES, "el9-services")


def service(snapshot, unit, journal_text=None):
    host = open_snapshot(snapshot)
    try:
        report = runner.run(host, ["service"], {"units": [unit], "journal_text": journal_text})
    finally:
        host.close()
    return {f.id: f for f in report.findings if f.severity != "ok"}, report


def test_fixtures_are_what_the_script_writes(tmp_path):
    """tests/data/services is exactly the output of make_service_snapshots.py."""
    subprocess.check_call([sys.executable, os.path.join(SERVICES, "make_service_snapshots.py"),
                           str(tmp_path)])
    for name in ("el7-services", "el8-services", "el9-services"):
        pending = [(os.path.join(SERVICES, name), str(tmp_path / name))]
        while pending:
            left, right = pending.pop()
            cmp = filecmp.dircmp(left, right)
            assert not (cmp.diff_files or cmp.left_only or cmp.right_only), (left, cmp.diff_files,
                                                                            cmp.left_only, cmp.right_only)
            pending.extend((os.path.join(left, d), os.path.join(right, d)) for d in cmp.common_dirs)


def test_fixture_programs_are_real_elf_and_go_binaries(toolchains, tmp_path):
    """readelf and the real `go version` accept the hand-written ELF files."""
    need(shutil.which("readelf"), "binutils (readelf)")
    report = os.path.join(EL8, "files", "usr", "local", "bin", "report")
    musl = os.path.join(EL8, "files", "usr", "local", "bin", "alpine-built")
    out = subprocess.check_output(["readelf", "-h", "-l", report]).decode()
    assert "AArch64" in out and "LOAD" in out
    out = subprocess.check_output(["readelf", "-l", musl]).decode()
    assert "[Requesting program interpreter: /lib/ld-musl-x86_64.so.1]" in out
    for version in ("1.21", "1.27"):
        exe = os.path.join(str(tmp_path), "report")
        shutil.copy(report, exe)
        os.chmod(exe, 0o755)  # go version skips files that are not executable
        out = subprocess.check_output([toolchains[version].go, "version", exe]).decode()
        assert out.strip().endswith(": go1.22.12"), (version, out)


# ---------------------------------------------------------------------------------------
def test_el9_label_gives_203_exec_and_restorecon():
    found, _ = service(EL9, "api")
    label = found["SVC-LABEL-DENIED"]
    assert label.severity == "error"
    assert "user_home_t" in label.title
    assert [a.argv for a in label.fix] == [["restorecon", "-v", "/usr/local/bin/api"]]
    assert "status=203/EXEC" in label.predicted_error
    journal = found["SVC-JOURNAL-EXEC"]
    assert "status=203/EXEC (Permission denied)" in journal.title
    assert "cause: SVC-LABEL-DENIED" in journal.title
    assert journal.fix[0].argv == ["restorecon", "-v", "/usr/local/bin/api"]


@pytest.mark.parametrize("unit,cause,journal_id,status", [
    ("worker", "SVC-WORKDIR-MISSING", "SVC-JOURNAL-CHDIR", "200/CHDIR"),
    ("store", "SVC-SANDBOX-PATH-MISSING", "SVC-JOURNAL-NAMESPACE", "226/NAMESPACE"),
])
def test_el9_journal_status_linked_to_cause(unit, cause, journal_id, status):
    found, _ = service(EL9, unit)
    assert cause in found
    assert "status=%s" % status in found[journal_id].title
    assert "cause: %s" % cause in found[journal_id].title
    assert "status=%s" % status in found[cause].predicted_error


def test_el8_user_missing_217_and_environment_file():
    found, _ = service(EL8, "billing")
    assert found["SVC-USER-MISSING"].fix[0].argv == ["useradd", "-r", "-s", "/sbin/nologin", "billing"]
    assert "status=217/USER" in found["SVC-JOURNAL-USER"].title
    assert "cause: SVC-USER-MISSING" in found["SVC-JOURNAL-USER"].title
    assert "Failed to load environment files" in found["SVC-ENV-FILE-MISSING"].predicted_error


def test_el8_wrong_arch_and_missing_loader():
    found, _ = service(EL8, "report")
    assert "aarch64" in found["SVC-EXEC-ARCH"].title
    assert "cause: SVC-EXEC-ARCH" in found["SVC-JOURNAL-EXEC"].title
    found, _ = service(EL8, "alpine-built")
    assert "/lib/ld-musl-x86_64.so.1" in found["SVC-EXEC-INTERP"].title
    assert "cause: SVC-EXEC-INTERP" in found["SVC-JOURNAL-EXEC"].title


def test_el9_panic_signal_bind_and_start_limit():
    found, _ = service(EL9, "crashy")
    assert "nil pointer dereference" in found["SVC-JOURNAL-PANIC"].title
    assert "SVC-JOURNAL-START-LIMIT" in found
    assert "SVC-JOURNAL-EXIT" not in found  # the panic explains the exit status 2
    found, _ = service(EL9, "cgo-app")
    assert "SIGSEGV (code=dumped)" in found["SVC-JOURNAL-SIGNAL"].title
    found, _ = service(EL9, "web")
    assert "port 80 as goapp" in found["SVC-PORT-PRIVILEGED"].title
    assert "cause: SVC-PORT-PRIVILEGED" in found["SVC-JOURNAL-BIND"].title
    fix = [a.line for a in found["SVC-PORT-PRIVILEGED"].fix if a.kind == "edit"]
    assert fix == ["AmbientCapabilities=CAP_NET_BIND_SERVICE"]


def test_el9_go_run_without_home():
    found, _ = service(EL9, "devapp")
    cache = found["SVC-GO-CACHE"]
    assert "could not be located" in cache.predicted_error
    assert any(a.line == "CacheDirectory=devapp" for a in cache.fix)
    assert "cause: SVC-GO-CACHE" in found["SVC-JOURNAL-EXIT"].title


def test_el9_go_binary_without_home_in_a_saved_journal():
    """A Go binary (not go itself) that asks os.UserCacheDir in a unit without User=."""
    journal = ("2025-03-02T11:40:00+0100 web1 crashy[2801]: mkdir cache: neither $XDG_CACHE_HOME "
               "nor $HOME are defined\n2025-03-02T11:40:00+0100 web1 systemd[1]: crashy.service: "
               "Main process exited, code=exited, status=1/FAILURE\n")
    found, _ = service(EL9, "crashy", journal_text=journal)
    exit_ = found["SVC-JOURNAL-EXIT"]
    assert "after: mkdir cache: neither $XDG_CACHE_HOME nor $HOME are defined" in exit_.title
    assert [a.line for a in exit_.fix if a.kind == "edit"] == [
        "CacheDirectory=crashy", "Environment=HOME=/var/cache/crashy XDG_CACHE_HOME=/var/cache/crashy"]


def test_el9_dropin_precedence_and_multiple_execstart():
    """/etc's 10-args.conf masks the vendor's 10-args.conf (which reset ExecStart=): two
    ExecStart= lines remain, and systemd refuses the unit."""
    found, report = service(EL9, "dual")
    multi = found["SVC-UNIT-MULTIPLE-EXECSTART"]
    assert [e.source for e in multi.evidence] == ["/usr/lib/systemd/system/dual.service",
                                                  "/etc/systemd/system/dual.service.d/10-args.conf"]
    assert multi.fix[0].line == "ExecStart="
    assert "bad unit file setting" in found["SVC-JOURNAL-CONFIG"].title


def test_el9_garbage_journal():
    found, _ = service(EL9, "noisy")
    assert found["SVC-JOURNAL-UNREADABLE"].severity == "info"
    assert "status 1/FAILURE" in found["SVC-JOURNAL-EXIT"].title


def test_el7_systemd_219_directives_specifiers_prefixes():
    found, report = service(EL7, "ledger")
    unknown = found["SVC-UNIT-UNKNOWN-KEY"]
    assert "StateDirectory= is unknown to systemd 219" in unknown.title
    assert "Unknown lvalue 'StateDirectory' in section 'Service'" in unknown.predicted_error
    assert "it stays literally %S" in found["SVC-UNIT-SPECIFIER"].title
    assert found["SVC-UNIT-SPECIFIER"].fix[0].line == "ExecStart=/usr/local/bin/ledger -data /var/lib/ledger"
    assert "the + prefix (systemd 231+)" in found["SVC-EXEC-PREFIX"].title
    assert "cause: SVC-UNIT-SPECIFIER" in found["SVC-JOURNAL-EXIT"].title
    # 219 from the release (no `systemctl --version` recorded)
    assert "EL7 ships systemd 219" in [e.text for e in unknown.evidence if e.kind == "fact"][0]


def test_el7_env_prefix_and_quoted_working_directory():
    found, _ = service(EL7, "tagger")
    assert "Executable path is not absolute, ignoring: GOMAXPROCS=2" in found["SVC-EXEC-ENV-PREFIX"].predicted_error
    assert [a.line for a in found["SVC-EXEC-ENV-PREFIX"].fix if a.kind == "edit"] == [
        "Environment=GOMAXPROCS=2", "ExecStart=/usr/local/bin/tagger"]
    quoted = found["SVC-WORKDIR-QUOTED"]
    assert "systemd 219 ignores it and runs the service in /" in quoted.title
    assert quoted.fix[0].line == "WorkingDirectory=/srv/tagger data"
    assert "lacks both ExecStart=" in found["SVC-JOURNAL-CONFIG"].title


def test_el7_syntax_errors_are_findings():
    found, report = service(EL7, "broken")
    syntax = {f.evidence[0].line: f for f in report.findings if f.id == "SVC-UNIT-SYNTAX"}
    # line 2 (Description=broken) is outside any section only because of the header on
    # line 1: one finding for the cause, none for the consequence
    assert {(f.severity, line) for line, f in syntax.items()} == {("error", 1), ("error", 5)}
    # the fixes correct the lines instead of deleting them
    header, missing = syntax[1].fix[0], syntax[5].fix[0]
    assert (header.old, header.line, header.syntax) == ("[Unit", "[Unit]", "systemd")
    assert (missing.old, missing.line) == ("Restart always", "Restart=always")
    assert not [f for f in report.findings if f.id == "GOTRIAGE-CHECK-FAILED"]


def test_same_unit_on_el9_is_not_a_219_problem(tmp_path):
    """StateDirectory= and %S are fine on 252: the version decides."""
    found, _ = service(EL7, "ledger")
    assert "SVC-UNIT-UNKNOWN-KEY" in found
    snap = tmp_path / "el9"
    shutil.copytree(EL9, str(snap))
    unit_text = open(os.path.join(EL7, "files", "etc", "systemd", "system", "ledger.service")).read()
    (snap / "files" / "etc" / "systemd" / "system" / "ledger.service").write_text(unit_text)
    shutil.copy(os.path.join(EL7, "files", "usr", "local", "bin", "ledger"),
                str(snap / "files" / "usr" / "local" / "bin" / "ledger"))
    found, _ = service(str(snap), "ledger", journal_text="")
    assert not {"SVC-UNIT-UNKNOWN-KEY", "SVC-UNIT-SPECIFIER", "SVC-EXEC-PREFIX"} & set(found)


def test_check_layer_service_finds_the_enabled_go_services():
    proc = run_cli(["check", "--layer", "service", "--root", EL9, "--json"])
    report = parse_report(proc)
    units = sorted({r["subject"].split(":")[0] for r in report["results"] if r["id"] == "SVC-UNIT"
                    or r["id"].startswith("SVC-UNIT-")})
    # noisy.service is not enabled; every enabled one runs a Go binary or go
    assert units == ["api.service", "cgo-app.service", "crashy.service", "devapp.service",
                     "dual.service", "store.service", "web.service", "worker.service"]
    assert proc.returncode == 1


@pytest.mark.parametrize("snapshot,unit", [(EL7, "ledger"), (EL7, "tagger"), (EL7, "broken"),
                                           (EL8, "billing"), (EL9, "api"), (EL9, "noisy"),
                                           (EL9, "no-such-unit")])
def test_cli_json_and_text(snapshot, unit):
    proc = run_cli(["service", unit, "--root", snapshot, "--json"])
    report = parse_report(proc)
    assert report["layers"] == ["service"]
    text = run_cli(["service", unit, "--root", snapshot, "-v"])
    assert b"Traceback" not in text.stderr and text.returncode == proc.returncode
    assert b"internal error" not in text.stdout


def test_cli_unknown_unit():
    proc = run_cli(["service", "no-such-unit", "--root", EL9])
    assert proc.returncode == 1
    assert b"SVC-UNIT-NOT-FOUND" in proc.stdout


def test_cli_saved_journal_with_binary_garbage(tmp_path):
    journal = tmp_path / "journal.txt"
    journal.write_bytes(b"\x00\xff\xfe" * 500 + b"\n2025-03-02T10:14:07+0100 web1 systemd[1]: "
                        b"api.service: Main process exited, code=exited, status=203/EXEC\n"
                        + os.urandom(2000))
    proc = run_cli(["service", "api", "--root", EL9, "--journal", str(journal), "--json"])
    report = parse_report(proc)
    ids = {r["id"] for r in report["results"]}
    assert {"SVC-JOURNAL-EXEC", "SVC-JOURNAL-UNREADABLE"} <= ids


def test_cli_trace_refused_on_a_snapshot():
    proc = run_cli(["service", "api", "--root", EL9, "--trace", "--yes"])
    err = proc.stderr.decode()
    assert proc.returncode == 2 and err.startswith("gotriage: error: --trace runs the program on this host")
    assert err.count("\n") == 1


def test_under_python36_too():
    from cli_support import VENV36_PYTHON

    need(os.path.exists(VENV36_PYTHON), "Python 3.6 venv (.venv36)")
    proc = run_cli(["service", "api", "--root", EL9, "--json"], python=VENV36_PYTHON,
                   env=clean_env())
    report = json.loads(proc.stdout.decode())
    assert "SVC-LABEL-DENIED" in {r["id"] for r in report["results"]}


def test_an_unexplained_exec_failure_gives_a_next_step_not_its_meaning(tmp_path):
    journal = tmp_path / "journal.txt"
    journal.write_text("2024-05-01T10:00:00+0000 web1 systemd[1]: worker.service: Main process "
                       "exited, code=exited, status=203/EXEC\n")
    from conftest import run_gotriage

    run = run_gotriage(["service", "worker", "--root", EL9, "--journal", str(journal), "--json"])
    [finding] = run.results("SVC-JOURNAL-EXEC")
    assert finding["title"] == "worker.service: status=203/EXEC"  # no cause found
    [fix] = finding["fix"]
    assert fix["kind"] == "note"
    assert "`gotriage service worker.service --trace`" in fix["description"]
    assert "could not execute the ExecStart= program" not in fix["description"]
