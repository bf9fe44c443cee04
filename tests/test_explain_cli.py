"""`gotriage explain` as users run it: the inputs (files, stdin, --text), the doctor
view, --json against the report schema, the exit codes (0 no fault, 1 a problem, 2 usage,
3 nothing recognised), values from the text in the fix, and confirmation on a snapshot
(--root) where each cause is confirmed or ruled out by the host's own checks."""

import json
import os
import subprocess
import sys

import pytest

from cli_support import validator as schema_validator
from conftest import DATA, ROOT
from gotriage import cli

SERVICES = os.path.join(DATA, "services", "el9-services")
# what the el9-services snapshot's api.service and web.service print (tests/data/services)
JOURNAL = ("Mar 02 10:14:07 web1 systemd[1]: api.service: Failed at step EXEC spawning "
           "/usr/local/bin/api: Permission denied\n"
           "Mar 02 10:14:07 web1 systemd[1]: api.service: Main process exited, code=exited, "
           "status=203/EXEC\n")
AVC = ("type=AVC msg=audit(1709370847.123:456): avc:  denied  { execute } for  pid=2211 "
       "comm=\"(api)\" name=\"api\" dev=\"dm-0\" ino=123 scontext=system_u:system_r:init_t:s0 "
       "tcontext=unconfined_u:object_r:user_home_t:s0 tclass=file permissive=0\n")


def cli_run(argv, stdin=None, capsys=None, monkeypatch=None):
    """(exit code, stdout, stderr) of the command line in this process."""
    if stdin is not None:
        import io

        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8"))))
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_problem_exits_1_with_the_fix_taking_the_texts_values(tmp_path, capsys):
    code, out, err = cli_run(["explain", write(tmp_path, "j.txt", JOURNAL + AVC)], capsys=capsys)
    assert code == 1 and not err
    lines = out.splitlines()
    assert lines[0].startswith("gotriage explain: 1 problem in 3 lines")
    assert any(line.startswith("\u2717 SEL-AVC-EXEC-LABEL") for line in lines)
    # the denial names only "api"; the journal line gives the path: the fix uses it
    assert "restorecon -v /usr/local/bin/api" in out
    assert "also explains: SVC-JOURNAL-EXEC (line 2)" in out
    assert lines[-1].startswith("Summary: 1 problem (1 high confidence); first: SEL-AVC-EXEC-LABEL")


def test_only_messages_that_are_no_fault_exit_0(tmp_path, capsys):
    text = ("go: downloading github.com/google/uuid v1.6.0\n"
            "Last metadata expiration check: 0:12:03 ago on Mon 07 Dec 2026 10:00:00 AM UTC.\n"
            "Dependencies resolved.\nNothing to do.\nComplete!\n")
    code, out, _err = cli_run(["explain", write(tmp_path, "ok.txt", text)], capsys=capsys)
    assert code == 0
    assert out.startswith("gotriage explain: no fault in 5 lines")
    assert "Not a fault:" in out and "Summary: no problem" in out


def test_a_permissive_denial_is_no_fault(tmp_path, capsys):
    code, out, _err = cli_run(["explain", write(tmp_path, "p.txt", AVC.replace("permissive=0", "permissive=1"))],
                          capsys=capsys)
    assert code == 0, out
    assert "logged, not blocked" in out


def test_text_it_does_not_know_exits_3_with_the_nearest_causes(tmp_path, capsys):
    text = "frobnicator: error: flux capacitor failed to engage (code 88)\n"
    code, out, _err = cli_run(["explain", write(tmp_path, "x.txt", text)], capsys=capsys)
    assert code == 3
    assert "nothing recognised" in out.splitlines()[0]
    assert "line 1: frobnicator" in out
    assert "Summary: nothing recognised (exit 3)" in out
    # a near message gets a hint, marked as such, never a diagnosis
    code, out, _err = cli_run(["explain", "--text", "sudo: gofmtx: command not found at all"], capsys=capsys)
    assert code == 3 and "low confidence, for a hint only" in out


@pytest.mark.parametrize("argv,message", [
    (["explain", "--text", "   "], "no text to explain"),
    (["explain", "/nonexistent/log"], "cannot read /nonexistent/log"),
    (["explain", "/"], "is a directory"),
])
def test_bad_input_is_a_one_line_usage_error(argv, message, capsys):
    code, out, err = cli_run(argv, capsys=capsys)
    assert code == 2 and not out
    assert err.startswith("gotriage: error: ") and message in err and err.count("\n") == 1


def test_host_and_root_together_are_refused(capsys):
    code, out, err = cli_run(["explain", "--host", "--root", SERVICES, "--text", "x"], capsys=capsys)
    assert code == 2 and not out and "give one" in err


def test_stdin_and_text_and_several_files_keep_their_line_numbers(tmp_path, capsys, monkeypatch):
    a = write(tmp_path, "a.txt", "all fine here\n")
    b = write(tmp_path, "b.txt", "first line\nlisten tcp :80: bind: permission denied\n")
    code, out, _err = cli_run(["explain", a, b], capsys=capsys)
    assert code == 1 and "b.txt:2: listen tcp :80" in out
    code, out, _err = cli_run(["explain", "-"], stdin="dial tcp 10.0.0.5:8080: connect: no route to host\n",
                          capsys=capsys, monkeypatch=monkeypatch)
    assert code == 1 and "FW-PORT-UNREACHABLE" in out and "firewall-cmd --permanent --add-port=8080/tcp" in out
    code, out, _err = cli_run(["explain", "--text", "sudo: go: command not found"], capsys=capsys)
    assert code == 1 and "GO-PATH-NOT-FOUND" in out and "secure_path" in out


def test_json_is_the_report_schema_with_the_explain_object(tmp_path, capsys):
    code, out, err = cli_run(["explain", "--json", write(tmp_path, "j.txt", JOURNAL + AVC +
                                                      "go: downloading x v1.0.0\n")], capsys=capsys)
    assert code == 1 and not err
    doc = json.loads(out)
    schema_validator().validate(doc)
    from gotriage.report.json_report import SCHEMA_VERSION

    assert doc["schema_version"] == SCHEMA_VERSION and doc["language"] == "en"
    assert doc["summary"]["exit_code"] == 1
    assert [r["id"] for r in doc["results"]] == ["SEL-AVC-EXEC-LABEL"]
    explain = doc["explain"]
    assert explain["recognised"] and not explain["host_examined"]
    top = explain["candidates"][0]
    # the denial, then the journal line that shows the same cause
    assert top["confidence"] == "high" and top["status"] is None and top["lines"] == [3, 1]
    assert {"id": "SVC-JOURNAL-EXEC", "lines": [2]} in top["explains"]
    assert [n["id"] for n in explain["not_a_fault"]] == ["OK-GO-DOWNLOADING"]
    code, out, _err = cli_run(["explain", "--json", "--text", "flux capacitor failed"], capsys=capsys)
    doc = json.loads(out)
    schema_validator().validate(doc)
    assert code == 3 and doc["summary"]["exit_code"] == 3 and not doc["explain"]["recognised"]


def test_root_confirms_or_rules_out_each_cause_with_the_hosts_checks(tmp_path, capsys):
    text = ("api.service: Failed at step EXEC spawning /usr/local/bin/api: Permission denied\n"
            "listen tcp :80: bind: permission denied\n"
            "api.service: Failed to determine user credentials: No such process\n")
    code, out, _err = cli_run(["explain", "--json", "--root", SERVICES, write(tmp_path, "t.txt", text)],
                          capsys=capsys)
    doc = json.loads(out)
    schema_validator().validate(doc)
    status = {c["id"]: c["status"] for c in doc["explain"]["candidates"]}
    assert status["SVC-PORT-PRIVILEGED"] == "confirmed"
    assert status["SEL-AVC-EXEC-LABEL"] == "confirmed"
    # every unit of the snapshot has a user that exists: ruled out, and ranked last
    assert status["SVC-USER-MISSING"] == "ruled out"
    assert doc["explain"]["candidates"][-1]["id"] == "SVC-USER-MISSING"
    web = [r for r in doc["results"] if r["id"] == "SVC-PORT-PRIVILEGED"][0]
    # confirmed: the host's own fix, with the unit it found
    assert any("web.service" in (a.get("path") or a.get("shell") or "") for a in web["fix"])
    assert doc["explain"]["host_examined"] and code == 1


def test_garbage_is_no_traceback(tmp_path, capsys):
    path = tmp_path / "bin"
    path.write_bytes(bytes(range(256)) * 64 + b"\xff\xfe avc: denied { \x00")
    code, out, err = cli_run(["explain", str(path)], capsys=capsys)
    assert code in (0, 3) and "Traceback" not in out + err


def test_zh_cn_dnf_output(tmp_path, capsys):
    text = "错误：为仓库 'appstream' 下载元数据失败 : Cannot prepare internal mirrorlist: No URLs in mirrorlist\n"
    code, out, _err = cli_run(["explain", write(tmp_path, "zh.txt", text)], capsys=capsys)
    assert code == 1 and "SYS-DISTRO-DEAD-MIRROR" in out and "vault.centos.org" in out


def test_as_a_process_under_python36_too(tmp_path):
    """The command as a host runs it (a separate process, the stock python3 of EL8 where
    there is one here), on stdin."""
    pythons = [sys.executable]
    py36 = os.path.join(ROOT, ".venv36", "bin", "python")
    if os.path.exists(py36):
        pythons.append(py36)
    for python in pythons:
        proc = subprocess.run([python, "-m", "gotriage", "explain", "-"], input=(JOURNAL + AVC).encode(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"), LANG="C"))
        assert proc.returncode == 1, proc.stderr
        assert b"restorecon -v /usr/local/bin/api" in proc.stdout and not proc.stderr


def test_a_go_crash_in_the_journal_names_its_first_frame_of_the_program(capsys):
    """The real journals of tests/data/go-crashes (Go 1.19, 1.21, 1.27 programs that
    panic, fault or throw, as journald recorded them)."""
    crashes = os.path.join(DATA, "go-crashes")
    journals = sorted(f for f in os.listdir(crashes) if f.endswith(".journal"))
    assert len(journals) >= 30
    for name in journals:
        code, out, _err = cli_run(["explain", "--json", os.path.join(crashes, name)], capsys=capsys)
        top = json.loads(out)["explain"]["candidates"][0]
        assert code == 1 and top["id"] == "SVC-JOURNAL-PANIC", name
        assert top["values"]["location"].startswith("/srv/"), (name, top["values"])


def test_colour_codes_and_html_escapes_of_a_paste_are_read_through(capsys):
    code, out, _err = cli_run(["explain", "--text", "\x1b[31mexec: &quot;gcc&quot;: executable file not found "
                           "in $PATH\x1b[0m"], capsys=capsys)
    assert code == 1 and "GO-CGO-NO-CC" in out and "dnf install -y gcc" in out


def test_a_service_log_denied_is_fixed_with_the_log_directorys_type(tmp_path, capsys):
    text = ("Dec 07 10:00:01 web1 api[2211]: 2026/12/07 10:00:01 open /srv/api/logs/api.log: "
            "permission denied\n"
            "Dec 07 10:00:01 web1 systemd[1]: api.service: Main process exited, code=exited, "
            "status=1/FAILURE\n"
            "type=AVC msg=audit(1765101601.123:456): avc:  denied  { append } for  pid=2211 "
            "comm=\"api\" path=\"/srv/api/logs/api.log\" dev=\"dm-0\" ino=1234 "
            "scontext=system_u:system_r:httpd_t:s0 tcontext=unconfined_u:object_r:var_t:s0 "
            "tclass=file permissive=0\n")
    code, out, _err = cli_run(["explain", write(tmp_path, "log.txt", text)], capsys=capsys)
    assert code == 1
    assert "semanage fcontext -a -t httpd_log_t '/srv/api/logs(/.*)?'" in out
    assert "restorecon -Rv /srv/api/logs" in out
    assert "also explains: SYS-FILE-DENIED (line 1), SVC-JOURNAL-EXIT (line 2)" in out


def test_a_system_directory_from_the_text_goes_into_no_fix(capsys):
    """A paste naming /usr as the build cache must not be answered with a recursive chown
    of /usr, even in a note (Action.command refuses such a command; notes are prose)."""
    code, out, _err = cli_run(["explain", "--text", "go: failed to initialize build cache at /usr: "
                               "mkdir /usr/x: permission denied"], capsys=capsys)
    fix = out[out.index("fix:"):]
    assert code == 1 and "GO-CACHE-NOT-WRITABLE" in out
    assert "/usr" not in fix.split("more:")[0]
