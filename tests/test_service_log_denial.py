"""A service denied its own log file by SELinux (issue 14): the denial is linked to the
unit, its fix is a file context for the log directory before any module, and the unit's
failure in the journal folds under it.

The hosts are the cases svc-log-selinux-stdout (StandardOutput=append:, opened by systemd
as init_t, status=209/STDOUT) and svc-log-selinux-program (the program's own -log= flag,
confined as httpd_t, Go's "open ...: permission denied"), built by
tests/cases/recipes/service.py; the journal lines are checked against the strings of the
real libsystemd-core-252.so, and the log type a confined domain gets against the real
sesearch on Debian's reference policy."""

import json
import os
import re
import shutil
import subprocess

from conftest import ROOT, need
from gotriage.cli import main
from gotriage.findings import too_wide
from gotriage.host.live import LiveHost
from gotriage.parsers.sesearch import parse_sesearch_allow
from gotriage.selinux import logread
from gotriage.selinux.analyzers import View, explain
from gotriage.service.logpaths import argument_paths, log_paths
from requirements_external import install_hint

CASES = os.path.join(ROOT, "tests", "cases")
STDOUT_CASE = os.path.join(CASES, "svc-log-selinux-stdout", "snapshot")
PROGRAM_CASE = os.path.join(CASES, "svc-log-selinux-program", "snapshot")
LIBSYSTEMD_CORE = "/usr/lib/x86_64-linux-gnu/systemd/libsystemd-core-252.so"
POLICY = "/etc/selinux/default/policy/policy.33"


def _run(args, capsys):
    code = main(args)
    return code, capsys.readouterr().out


def _json(args, capsys):
    code, out = _run(args + ["--json"], capsys)
    return code, json.loads(out)


def _by_id(report, fid):
    return [f for f in report["results"] if f["id"] == fid]


class _Unit(object):
    def __init__(self, values, argv=None):
        self.values = values
        self.main = type("Exec", (), {"argv": argv})() if argv else None

    def value(self, key):
        return self.values.get(key)


# -- where a unit's logs are ----------------------------------------------------------------
def test_log_paths_of_a_unit():
    unit = _Unit({"StandardOutput": "append:/srv/app/logs/out.log",
                  "StandardError": "file:/srv/app/logs/err.log"},
                 ["/usr/local/bin/app", "-addr", ":8080", "--log-file", "/var/log/app/app.log",
                  "-log_dir=/var/log/app2", "--config", "/etc/app.toml", "/srv/x/extra.log"])
    found = [(p.path, p.directory, p.is_dir, p.by_systemd) for p in log_paths(unit)]
    assert found == [
        ("/srv/app/logs/out.log", "/srv/app/logs", False, True),
        ("/srv/app/logs/err.log", "/srv/app/logs", False, True),
        ("/var/log/app/app.log", "/var/log/app", False, False),
        ("/var/log/app2", "/var/log/app2", True, False),
        ("/srv/x/extra.log", "/srv/x", False, False)]
    # the journal, inherit, a config flag, a relative path: no log file
    assert log_paths(_Unit({"StandardOutput": "journal", "StandardError": "inherit"},
                           ["/usr/local/bin/app", "--config", "/etc/app/catalog",
                            "-log", "app.log"])) == []
    assert [p.path for p in argument_paths(["app", "--error-log=/srv/a/e.log",
                                            "-logfile", "/srv/b/b.txt"])] == [
        "/srv/a/e.log", "/srv/b/b.txt"]


def test_the_journal_lines_are_systemd_252s_own():
    """The case's journal says what systemd 252 compiles in (status 209's name, STDOUT,
    is knowledge/systemd.py's table of systemd's exit statuses)."""
    need(os.path.exists(LIBSYSTEMD_CORE), install_hint(LIBSYSTEMD_CORE))
    strings = subprocess.run(["strings", LIBSYSTEMD_CORE], stdout=subprocess.PIPE,
                             universal_newlines=True, check=True).stdout.splitlines()
    assert "Failed to set up standard output: %m" in strings
    assert "MESSAGE=%s: Failed at step %s spawning %s: %m" in strings
    assert "MESSAGE=%s: %s exited, code=%s, status=%i/%s%s" in strings
    journal = [json.load(open(os.path.join(STDOUT_CASE, "commands", name)))
               for name in sorted(os.listdir(os.path.join(STDOUT_CASE, "commands")))]
    text = next(c["stdout"] for c in journal if c["argv"][0] == "journalctl")
    assert "app.service: Failed to set up standard output: Permission denied" in text
    assert "app.service: Failed at step STDOUT spawning /usr/local/bin/app: Permission denied" in text


# -- systemd opens StandardOutput=append: as init_t ----------------------------------------
def test_stdout_denial_is_the_units_and_its_fix_is_the_log_directory(capsys):
    code, report = _json(["check", "--root", STDOUT_CASE, "--layer", "selinux", "--layer",
                          "service"], capsys)
    assert code == 1
    (sel,) = _by_id(report, "SEL-AVC-FILE-LABEL")
    assert sel["unit"] == "app.service" and sel["subject"] == "log:/srv/app/logs"
    assert sel["severity"] == "error"
    commands = [a["argv"] for a in sel["fix"] if a["kind"] == "command"]
    assert commands == [["semanage", "fcontext", "-a", "-t", "var_log_t", r"/srv/app/logs(/.*)?"],
                        ["restorecon", "-Rv", "/srv/app/logs"]]
    assert sel["fix"][0]["shell"] == "semanage fcontext -a -t var_log_t '/srv/app/logs(/.*)?'"
    # then, and only then, the module
    assert sel["fix"][-1]["kind"] == "note" and "--module gotriage_local" in sel["fix"][-1]["description"]
    assert len(sel["fix"]) == 3
    assert "Failed to set up standard output: Permission denied" in sel["predicted_error"]
    assert "init_t" in sel["why"] and "StandardOutput=append:/srv/app/logs/app.log" in sel["why"]
    (exit_,) = _by_id(report, "SVC-JOURNAL-EXIT")
    assert "209/STDOUT" in exit_["title"]
    assert exit_["caused_by"] == {"id": "SEL-AVC-FILE-LABEL", "subject": "log:/srv/app/logs"}
    # the pattern is a file_contexts regular expression for the directory and all below
    pattern = re.compile(commands[0][-1])
    assert pattern.fullmatch("/srv/app/logs") and pattern.fullmatch("/srv/app/logs/app.log")
    assert not pattern.fullmatch("/srv/app/logsX/app.log")


def test_stdout_denial_in_the_doctor_view(capsys):
    code, out = _run(["check", "--root", STDOUT_CASE, "--layer", "selinux", "--layer",
                      "service"], capsys)
    assert code == 1
    verdict = out.split("\n\n")[1]
    assert verdict.startswith("Verdict: 1 problem\n")
    assert "SEL-AVC-FILE-LABEL  app.service: its log /srv/app/logs/app.log is labelled user_home_t" in verdict
    assert "(seen: SVC-JOURNAL-EXIT)" in verdict
    assert "seen: ✗ SVC-JOURNAL-EXIT  app.service: exited with status 209/STDOUT" in out
    steps = out[out.index("fix:"):]
    first = steps.index("semanage fcontext -a -t var_log_t '/srv/app/logs(/.*)?'")
    assert first < steps.index("restorecon -Rv /srv/app/logs") < steps.index("--module")
    assert "1 consequence; first: SEL-AVC-FILE-LABEL" in out


def test_service_alone_names_the_cause_and_gives_its_fix(capsys):
    """`gotriage service app` runs only the service layer: the journal's failure names
    the SELinux cause and carries its fix."""
    code, report = _json(["service", "app", "--root", STDOUT_CASE], capsys)
    assert code == 1
    (exit_,) = _by_id(report, "SVC-JOURNAL-EXIT")
    assert "; cause: SEL-AVC-FILE-LABEL (its log /srv/app/logs/app.log" in exit_["title"]
    assert [a.get("shell") for a in exit_["fix"][:2]] == [
        "semanage fcontext -a -t var_log_t '/srv/app/logs(/.*)?'", "restorecon -Rv /srv/app/logs"]


# -- the program opens its own log ----------------------------------------------------------
def test_program_log_denial_folds_the_programs_own_error(capsys):
    code, report = _json(["check", "--root", PROGRAM_CASE, "--layer", "selinux", "--layer",
                          "service"], capsys)
    assert code == 1
    (sel,) = _by_id(report, "SEL-AVC-FILE-LABEL")
    assert sel["unit"] == "app.service"
    assert sel["fix"][0]["shell"] == "semanage fcontext -a -t httpd_log_t '/srv/app/logs(/.*)?'"
    assert sel["predicted_error"] == "open /srv/app/logs/app.log: permission denied"
    (exit_,) = _by_id(report, "SVC-JOURNAL-EXIT")
    assert "open /srv/app/logs/app.log: permission denied" in exit_["title"]
    assert exit_["caused_by"] == {"id": "SEL-AVC-FILE-LABEL", "subject": "log:/srv/app/logs"}


def _denials(tmp_path, lines):
    log = tmp_path / "audit.log"
    log.write_text("".join(line + "\n" for line in lines))
    scan = logread.scan(LiveHost(), [str(log)])
    return sorted(scan.distinct(), key=lambda d: (-d.count, d.index))


def _avc(perms, path_or_name, stype, ttype, tclass="file"):
    where = 'path="%s"' % path_or_name if path_or_name.startswith("/") else 'name="%s"' % path_or_name
    return ('type=AVC msg=audit(1740906847.300:912): avc:  denied  { %s } for  pid=2211 '
            'comm="app" %s dev="dm-0" ino=5 scontext=system_u:system_r:%s:s0 '
            'tcontext=system_u:object_r:%s:s0 tclass=%s permissive=0' % (
                perms, where, stype, ttype, tclass))


def _real_sesearch(stype, tclass, perm):
    proc = subprocess.run(["sesearch", "-A", "-s", stype, "-c", tclass, "-p", perm, POLICY],
                          stdout=subprocess.PIPE, universal_newlines=True, check=True)
    return [t for _s, t, _c, perms in parse_sesearch_allow(proc.stdout) if perm in perms]


def _log_units(*specs):
    return [("app.service", p) for p in argument_paths(["app"] + list(specs))]


def test_the_domains_own_log_type_from_the_real_sesearch(tmp_path):
    """Debian's reference policy lets httpd_t append to httpd_log_t, not var_log_t: the
    fix gives the directory httpd_log_t, confirmed (high)."""
    need(shutil.which("sesearch") is not None and os.path.exists(POLICY),
         install_hint("sesearch"))
    (d,) = _denials(tmp_path, [_avc("append", "/var/log/app/app.log", "httpd_t", "var_log_t")])
    assert "var_log_t" not in _real_sesearch("httpd_t", "file", "append")
    view = View(sesearch=_real_sesearch, log_paths=_log_units("--log-file", "/var/log/app/app.log"))
    best = explain(d, view)[0]
    assert best.analyzer == "log_file" and best.unit == "app.service"
    assert best.confidence == "high"
    assert [a.render() for a in best.fix[:2]] == [
        "semanage fcontext -a -t httpd_log_t '/var/log/app(/.*)?'", "restorecon -Rv /var/log/app"]


def test_var_log_itself_is_never_relabelled(tmp_path):
    """A log directly in /var/log (a system directory): only the file gets the type, with
    a pattern that names only it; nothing recursive on /var/log."""
    (d,) = _denials(tmp_path, [_avc("append", "/var/log/app.log", "httpd_t", "var_log_t")])
    view = View(log_paths=_log_units("-log=/var/log/app.log"))
    best = explain(d, view)[0]
    assert best.analyzer == "log_file" and best.subject == "log:/var/log/app.log"
    assert [a.render() for a in best.fix[:2]] == [
        r"semanage fcontext -a -t httpd_log_t '/var/log/app\.log'", "restorecon -v /var/log/app.log"]
    assert all(too_wide(a.argv) is None for a in best.fix if a.kind == "command")
    assert any("/var/log is not relabelled: /var/log is a system directory" in n for n in best.notes)


def test_creating_the_log_in_its_directory(tmp_path):
    """add_name on the directory, named only by the new file's name: the directory's fix,
    the same finding subject as the file's."""
    (d,) = _denials(tmp_path, [_avc("add_name", "app.log", "init_t", "user_home_t", "dir")])
    unit = _Unit({"StandardOutput": "append:/srv/app/logs/app.log"})
    view = View(log_paths=[("app.service", p) for p in log_paths(unit)])
    best = explain(d, view)[0]
    assert best.analyzer == "log_file" and best.subject == "log:/srv/app/logs"
    assert best.fix[0].render() == "semanage fcontext -a -t var_log_t '/srv/app/logs(/.*)?'"


def test_a_denial_that_is_not_a_units_log_is_left_to_the_other_analyzers(tmp_path):
    (d,) = _denials(tmp_path, [_avc("append", "/srv/other/x.log", "httpd_t", "var_t")])
    view = View(log_paths=_log_units("--log-file", "/srv/app/app.log"))
    assert all(e.analyzer != "log_file" for e in explain(d, view))
    # a read of the log is not a write
    (d,) = _denials(tmp_path, [_avc("read", "/srv/app/app.log", "httpd_t", "var_t")])
    assert all(e.analyzer != "log_file" for e in explain(d, view))
