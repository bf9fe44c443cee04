"""`gotriage avc` on the large real logs is readable (issue 13): the denials that share a
fix are one finding (selinux/groups.py), the default view shows the first groups within
100 columns, -v every denial, --json every denial and the groups; a denial without comm
reads naturally; a note about a label agrees with the fix beside it; a log from another
host's policy is not judged by this host's tools; the dontaudit hint reads as a hint.

Before groups, `avc sepolgen-httpd.log` printed 12,974 lines (2,073 entries, the widest
1,010 columns) and `avc sample-1mb.log` 1,848 lines (216 entries, 870 columns)."""

import json
import os
import posixpath
import re
import shlex
import shutil

import pytest

from cli_support import schema_errors
from conftest import DATA, need, run_gotriage
from gotriage.host.live import LiveHost
from gotriage.selinux import logread
from gotriage.selinux.analyzers import View, explain
from gotriage.selinux.command import FOREIGN_SHARE, foreign_policy
from gotriage.selinux.groups import RECURSIVE_PATHS, group_denials, who
from gotriage.selinux.textview import TOP_GROUPS, WIDTH, wrap, wrap_command
from requirements_external import install_hint

SEL = os.path.join(DATA, "selinux")
HTTPD = os.path.join(SEL, "sepolgen-httpd.log")
SAMPLE = os.path.join(SEL, "sample-1mb.log")
POLICY = "/etc/selinux/default/policy/policy.33"


def avc(*args):
    run = run_gotriage(["avc"] + list(args), timeout=300)
    assert run.returncode == 1, run.stderr
    assert run.stderr == ""
    return run


def _report(*args):
    run = avc("--json", *args)
    assert not schema_errors(run.json), schema_errors(run.json)
    return run.json


# -- the default view, -v and --json on the large logs -----------------------------------------
def test_the_default_view_of_the_large_logs_is_short_and_narrow():
    for log, groups, denials in ((HTTPD, 127, 2073), (SAMPLE, 35, 216)):
        text = avc("--no-tools", log).stdout
        lines = text.splitlines()
        assert max(len(line) for line in lines) <= WIDTH, log
        assert len(lines) < 250, (log, len(lines))
        entries = [line for line in lines if re.match(r"^\S+ SEL-AVC-", line)]
        assert len(entries) == TOP_GROUPS
        more = [line for line in lines if line.endswith("not shown: -v or --json")]
        assert more == ["%d more groups (%d distinct denials) not shown: -v or --json" % (
            groups - TOP_GROUPS, denials - _shown(log))], (log, more)
        assert "None" not in text


CASES = os.path.join(os.path.dirname(DATA), "cases")


@pytest.mark.parametrize("args", [["--no-tools", os.path.join(SEL, name)]
                                  for name in sorted(os.listdir(SEL)) if name.endswith(".log")] +
                         [["--root", os.path.join(CASES, name, "snapshot")]
                          for name in ("sel-avc-constraint", "sel-avc-unparsed",
                                       "sel-mode-permissive-mismatch")],
                         ids=lambda args: os.path.basename(args[-1].replace("/snapshot", "")))
def test_every_line_of_the_default_view_is_within_100_columns(args):
    """Every real log (sample-1mb's NUL run in "Not read" included) and the snapshots of
    the SELinux cases."""
    run = run_gotriage(["avc"] + args, timeout=300)
    assert run.returncode in (0, 1) and run.stderr == "", run.stderr
    wide = [line for line in run.stdout.splitlines() if len(line) > WIDTH]
    assert not wide, wide[:3]


def _shown(log):
    report = _report("--no-tools", log)
    return sum(len(g["denials"]) for g in report["avc"]["groups"][:TOP_GROUPS])


def test_restorecon_on_the_paths_of_one_directory_is_one_finding():
    """sepolgen-httpd.log: 57 denials on 18 files of /sbin, each fixed by restorecon -v of
    its path, are one finding whose fix is one restorecon naming the 18 (not -R: /sbin is a
    system directory)."""
    report = _report("--no-tools", HTTPD)
    detail = report["avc"]
    (group,) = [g for g in detail["groups"] if g["title"].startswith("restorecon -v on 18 paths "
                                                                     "under /sbin")]
    assert len(group["denials"]) == 57
    (fix,) = group["fix"]
    paths = fix["argv"][2:]
    assert fix["argv"][:2] == ["restorecon", "-v"] and len(paths) == 18
    assert {posixpath.dirname(p) for p in paths} == {"/sbin"}
    for n in group["denials"]:
        ex = detail["denials"][n]["explanations"][0]
        assert [a["argv"][:2] for a in ex["fix"]] == [["restorecon", "-v"]]
        assert ex["fix"][0]["argv"][2] in paths
    (result,) = [r for r in report["results"] if r["subject"] == group["subject"]]
    assert result["fix"][0] == fix
    text = avc("--no-tools", HTTPD).stdout
    assert "SEL-AVC-FILE-LABEL  restorecon -v on 18 paths under /sbin" in text


def test_one_allow_rule_split_over_permissions_is_one_finding():
    """sample-1mb.log: 13 programs as httpd_t denied create or getattr on var_log_t files
    (13 distinct denials, 13 results before groups), only a module fixes each: one group,
    one result, its rule merged."""
    report = _report("--no-tools", SAMPLE)
    detail = report["avc"]
    split = [n for n, d in enumerate(detail["denials"])
             if d["scontext"].split(":")[2] == "httpd_t" and ":var_log_t:" in d["tcontext"]
             and d["tclass"] == "file" and d["explanations"][0]["id"] == "SEL-AVC-MODULE"]
    assert len(split) >= 5
    assert len({detail["denials"][n]["group"] for n in split}) == 1
    group = detail["groups"][detail["denials"][split[0]]["group"]]
    assert set(split) <= set(group["denials"])
    assert len([r for r in report["results"] if r["id"] == "SEL-AVC-MODULE"]) == 1
    perms = sorted({p for n in split for p in detail["denials"][n]["permissions"]})
    text = avc("--no-tools", "-v", SAMPLE).stdout
    assert "allow httpd_t var_log_t:file { %s };" % " ".join(perms) in text


def test_verbose_shows_every_denial_and_json_keeps_them():
    report = _report("--no-tools", SAMPLE)
    detail = report["avc"]
    assert len(detail["denials"]) == detail["scan"]["distinct_denials"] == 216
    assert len(report["results"]) == len(detail["groups"]) == 35
    text = avc("--no-tools", "-v", SAMPLE).stdout
    assert text.count("evidence (") == 216
    assert "not shown" not in text
    assert "None" not in text


def test_a_denial_without_comm_reads_naturally():
    """31 denials of sample-1mb.log and dbus-daemon's USER_AVC in sepolgen-httpd.log have
    no comm: the program, else the domain, never 'None'."""
    report = _report("--no-tools", SAMPLE)
    nameless = [d for d in report["avc"]["denials"] if d["comm"] is None]
    assert len(nameless) == 31
    text = avc("--no-tools", "-v", SAMPLE).stdout
    assert "comm=None" not in text and "None" not in text
    assert "/usr/lib/systemd/systemd as httpd_t was denied service { start } on" in " ".join(
        text.split())
    httpd = " ".join(avc("--no-tools", HTTPD).stdout.split())
    assert "/bin/dbus-daemon as staff_t was denied dbus { send_msg } on itself" in httpd


class _D(object):
    """What who() reads of a denial."""

    def __init__(self, comm, exe, stype="httpd_t"):
        self.comm, self.exe, self.stype = comm, exe, stype


def test_who():
    assert who(_D("goapi", "/usr/local/bin/goapi")) == "goapi (/usr/local/bin/goapi)"
    assert who(_D(None, "/bin/dbus-daemon")) == "/bin/dbus-daemon"
    assert who(_D("goapi", None)) == "goapi"
    assert who(_D(None, None, "staff_t")) == "a process of domain staff_t"
    assert who(_D("(goapi)", "/usr/lib/systemd/systemd", "init_t")) == \
        "systemd (/usr/lib/systemd/systemd) starting goapi"


# -- groups --------------------------------------------------------------------------------------
def _scan(tmp_path, text):
    log = tmp_path / "audit.log"
    log.write_text(text)
    scan = logread.scan(LiveHost(), [str(log)])
    return sorted(scan.distinct(), key=lambda d: (-d.count, d.index))


AVC = ('type=AVC msg=audit(1718000300.%03d:%d): avc:  denied  { %s } for  pid=1 comm="app" '
       'path="%s" dev="dm-0" ino=%d scontext=system_u:system_r:httpd_t:s0 '
       'tcontext=unconfined_u:object_r:user_home_t:s0 tclass=file permissive=0\n')


def _restorecon_view(paths):
    """A view in which every path should be httpd_sys_content_t: each denial's fix is
    restorecon -v of its path."""
    return View(labels=dict((p, "system_u:object_r:httpd_sys_content_t:s0") for p in paths))


def test_restorecon_groups_name_every_path_or_the_directory(tmp_path):
    few = ["/srv/app/f%02d" % n for n in range(3)]
    many = ["/srv/www/f%02d" % n for n in range(RECURSIVE_PATHS + 1)]
    system = ["/usr/bin/f%02d" % n for n in range(RECURSIVE_PATHS + 1)]
    paths = few + many + system
    text = "".join(AVC % (n % 1000, 100 + n, "read", p, 10 + n) for n, p in enumerate(paths))
    text += AVC % (999, 999, "getattr", few[0], 10)  # the same file, another permission
    view = _restorecon_view(paths)
    groups = group_denials([(d, explain(d, view)) for d in _scan(tmp_path, text)])
    by_dir = dict((g.directory, g) for g in groups)
    assert sorted(by_dir) == ["/srv/app", "/srv/www", "/usr/bin"]
    assert len(by_dir["/srv/app"].members) == 4
    assert [a.argv for a in by_dir["/srv/app"].fix] == [["restorecon", "-v"] + few]
    assert by_dir["/srv/app"].title == (
        "restorecon -v on 3 paths under /srv/app, not labelled as the policy says")
    # past RECURSIVE_PATHS paths, the directory, unless it is a system one
    assert [a.argv for a in by_dir["/srv/www"].fix] == [["restorecon", "-Rv", "/srv/www"]]
    assert [a.argv for a in by_dir["/usr/bin"].fix] == [["restorecon", "-v"] + system]


def test_a_group_of_one_keeps_the_denials_own_finding(tmp_path):
    """A denial alone in its group is reported as before groups: its own title and
    subject."""
    from gotriage.checks.selinux import denial_finding, group_finding

    view = _restorecon_view(["/srv/app/one"])
    (d,) = _scan(tmp_path, AVC % (1, 1, "read", "/srv/app/one", 7))
    (group,) = group_denials([(d, explain(d, view))])
    mine, before = group_finding(group, "enforcing"), denial_finding(d, explain(d, view), "enforcing")
    assert mine.to_dict() == before.to_dict()


# -- wrapping --------------------------------------------------------------------------------------
def test_wrap_keeps_the_caution_beside_its_setsebool_and_commands_pasteable():
    text = ("boolean allow_execmem allows it (value unknown): setsebool -P allow_execmem on; it "
            "affects the whole host " * 3)
    for line in wrap(text, "    ", "        "):
        assert len(line) <= WIDTH
        if "setsebool" in line:
            assert "affects the whole host" in line
    argv = ["restorecon", "-v"] + ["/srv/app/a file %02d" % n for n in range(30)]
    lines = wrap_command(argv, "    fix: ", "        ")
    assert all(len(line) <= WIDTH for line in lines)
    assert all(line.endswith(" \\") for line in lines[:-1]) and not lines[-1].endswith("\\")
    pasted = " ".join(line[:-2] if line.endswith(" \\") else line for line in lines)
    assert shlex.split(pasted[len("    fix: "):]) == argv
    assert wrap("x" * 250, "", "  ") == ["x" * 100, "  " + "x" * 98, "  " + "x" * 52]


# -- a log from another host's policy ------------------------------------------------------------------
class _T(object):
    def __init__(self, stype, ttype):
        self.stype, self.ttype = stype, ttype


def test_foreign_policy_share():
    types = frozenset(["httpd_t", "user_home_t", "init_t"])
    local = [_T("httpd_t", "user_home_t")] * (FOREIGN_SHARE - 1)
    assert foreign_policy(local + [_T("container_t", "user_home_t")], types)["unknown_types"] == [
        "container_t"]
    assert foreign_policy(local * 2 + [_T("container_t", "user_home_t")], types) is None
    assert foreign_policy(local, types) is None
    assert foreign_policy(local + [_T("x_t", "y_t")], None) is None  # seinfo did not answer


def test_a_log_from_another_hosts_policy_is_not_judged_by_this_hosts_tools():
    """sample-1mb.log comes from RHEL hosts: container_t, unconfined_service_t... are not
    in Debian's policy.  avc says so once and asks no tool; --tools asks them anyway; a log
    of this policy's types is judged with the tools."""
    need(shutil.which("seinfo", path="/usr/sbin:/usr/bin") is not None, install_hint("seinfo"))
    need(os.path.exists(POLICY), install_hint(POLICY))
    detail = _report(SAMPLE)["avc"]
    foreign = detail["foreign_policy"]
    assert "tools" not in detail
    assert {"container_t", "unconfined_service_t"} <= set(foreign["unknown_types"])
    assert (foreign["denials"], foreign["distinct_denials"]) == (51, 216)
    text = avc(SAMPLE).stdout
    assert " ".join(text.split()).count(" ".join(foreign["note"].split())) == 1
    assert "asked:" not in text
    assert json.dumps(_report("--no-tools", SAMPLE)["avc"]).count("foreign_policy") == 0
    asked = _report("--tools", SAMPLE)["avc"]
    # the policy file is read by gotriage (issue 13): it answers for seinfo and audit2why
    assert "foreign_policy" not in asked and asked["policy_read"]["used"] is True
    assert "audit2why" not in asked.get("tools", {})
    assert sum(1 for d in asked["denials"] for e in d["explanations"] if e.get("audit2why")) > 100
    own = _report(os.path.join(SEL, "go-8080.log"))["avc"]
    assert "foreign_policy" not in own and own["policy_read"]["used"] is True


# -- the dontaudit hint ----------------------------------------------------------------------------------
def test_the_dontaudit_hint_reads_as_a_hint(tmp_path):
    from test_selinux_avc import host_snapshot

    with open(os.path.join(SEL, "go-home-exec.log"), "rb") as f:
        failed = f.read().splitlines(True)[-1]
    snap = host_snapshot(tmp_path, failed)
    check = run_gotriage(["check", "--root", str(snap), "--layer", "selinux", "--json"])
    (hint,) = check.results("SEL-AVC-DONTAUDIT")
    assert hint["severity"] == "info"
    assert hint["title"].startswith("hint: unit goapi failed 1 time with no denial logged near it")
    assert "`semodule -DB`" in hint["title"] and hint["title"].endswith("then `semodule -B`")
    assert [a.get("shell") for a in hint["fix"]][0] == "semodule -DB"
    text = run_gotriage(["avc", "--root", str(snap)]).stdout
    lines = text.splitlines()
    (at,) = [n for n, line in enumerate(lines) if line.startswith("hint: unit goapi failed")]
    assert "SEL-AVC-DONTAUDIT" not in text
    assert "`semodule -B`" in " ".join(lines[at:at + 3])


def test_a_denial_only_logged_says_so_first_and_comes_after_the_blocks():
    """sample-1mb.log holds denials with permissive=1 (logged, not blocked, issue 14):
    the findings whose denials were all only logged say so first, are never errors, and
    come after every block of their severity (a group with one real block is a block)."""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "gotriage", "avc", "--no-tools", "--json",
                           os.path.join(SEL, "sample-1mb.log")], stdout=subprocess.PIPE)
    results = json.loads(proc.stdout.decode())["results"]
    logged = [r for r in results if r["title"].startswith("logged, not blocked (permissive=1): ")]
    assert logged and all(r["severity"] == "warn" for r in logged)
    warnings = [r for r in results if r["severity"] == "warn"]
    first_logged = warnings.index(logged[0])
    assert warnings[first_logged:] == logged  # after every warning that blocked something
