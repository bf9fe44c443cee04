"""Every fix gotriage can print, on every fixture it is tested on, is safe to follow.

gotriage runs as root and its fixes are pasted as root, so each one is checked here as an
SRE would before running it:

- nothing is changed recursively in a system directory (chown -R, chmod -R, restorecon -R,
  rm -r of /, /usr, /etc, /home...), and the last-line guard in Action.command that
  refuses such a command is never needed;
- every value comes from the host: no placeholder (UNIT, USER, <the vendor's key>...)
  in a command or in a line to write;
- every command is valid bash (`bash -n`) and its printed form is the argv it stands for;
- every line to write names the language of its file, and a unit-file line is one
  systemd reads without complaint;
- a command that can break something else (rm, a host-wide SELinux boolean, a firewalld
  restart, a port's type changed) is marked with a caution (safe: false).

The fixtures: the EL snapshots (every layer), every unit of the service snapshots, every
recorded firewall scenario, every audit log (`avc --no-tools`), and the real Debian go
binary judged for EL7 and EL8.
"""

import contextlib
import io
import json
import os
import re
import shlex
import shutil
import subprocess

import pytest

from conftest import DATA, need
from firewall_scenarios import port_runs
from gotriage import cli
from gotriage.findings import shell_join, too_wide
from gotriage.parsers.systemd_unit import parse_unit

SNAPSHOTS = os.path.join(DATA, "snapshots")
SERVICES = os.path.join(DATA, "services")
SELINUX = os.path.join(DATA, "selinux")

SYNTAXES = {"bash", "systemd", "sudoers", "ini", "plain"}
# words that stand for a value the reader is meant to fill in
PLACEHOLDER = re.compile(r"<[^<>]+>|(?<![A-Za-z0-9_])(UNIT|USER|GROUP|NAME|PROGRAM|ARGS|DIR|PORT|"
                         r"MODULE|VALUE|INODE|SRC|FILE|TYPE)(?![A-Za-z0-9_])|/some/|example\.com")
# booleans that change every domain of the host (knowledge/selinux.py has the list the
# SELinux layer uses; this is the test's own)
HOST_WIDE_BOOLEANS = {"deny_execmem", "domain_can_mmap_files", "allow_execmem", "allow_execmod",
                      "allow_execstack", "allow_execheap", "selinuxuser_execmod",
                      "selinuxuser_execstack", "selinuxuser_execheap", "secure_mode",
                      "secure_mode_insmod", "secure_mode_policyload", "domain_kernel_load_modules"}


def _gotriage_json(argv):
    """Run the command line in this process (as a user would, with --json)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = cli.main(argv + ["--json"])
    assert code in (0, 1), (argv, code)
    return json.loads(out.getvalue())


def _actions(document, where):
    """Every fix action in a JSON document (any command's), with where it came from."""
    found = []

    def walk(value, finding):
        if isinstance(value, dict):
            if "id" in value and "fix" in value:
                finding = value["id"]
            if value.get("kind") in ("command", "edit", "note") and "safe" in value:
                found.append((where, finding, value))
            for item in value.values():
                walk(item, finding)
        elif isinstance(value, list):
            for item in value:
                walk(item, finding)
    walk(document, None)
    return found


def _fixtures():
    runs = []
    for name in ("el7-sudo-path", "el8-old-go", "el9-goroot-envfile"):
        project = {"el8-old-go": "/srv/app", "el9-goroot-envfile": "/home/alice"}.get(name, "/root")
        runs.append(["check", "--root", os.path.join(SNAPSHOTS, name), "--project", project])
    for name in ("el7-services", "el8-services", "el9-services"):
        root = os.path.join(SERVICES, name)
        runs.append(["check", "--root", root, "--layer", "service"])
        unit_dir = os.path.join(root, "files", "etc", "systemd", "system")
        for unit in sorted(os.listdir(unit_dir)):
            if unit.endswith(".service"):
                runs.append(["service", "--root", root, unit])
    for log in sorted(os.listdir(SELINUX)):
        if log.endswith(".log"):
            runs.append(["avc", "--no-tools", os.path.join(SELINUX, log)])
    return runs


FIXTURES = _fixtures()


@pytest.fixture(scope="module")
def every_fix(tmp_path_factory):
    """(fixture, finding id, action) of every fix printed on every fixture."""
    found = []
    for argv in FIXTURES:
        found.extend(_actions(_gotriage_json(argv), " ".join(argv[:2] + argv[-1:])))
    for label, argv in port_runs(tmp_path_factory.mktemp("fw")):
        found.extend(_actions(_gotriage_json(argv), label))
    go = "/usr/lib/go-1.19/bin/go"
    need(os.path.exists(go), "Debian's golang-go (scripts/setup installs it)")
    for target in ("el7", "el8", "host"):
        found.extend(_actions(_gotriage_json(["binary", go, "--target", target]), "binary " + target))
    return found


def test_the_fixtures_print_many_fixes_of_every_kind(every_fix):
    kinds = [a["kind"] for _, _, a in every_fix]
    assert kinds.count("command") >= 100 and kinds.count("edit") >= 20, (
        kinds.count("command"), kinds.count("edit"))
    ids = {finding for _, finding, _ in every_fix}
    assert len(ids) >= 40, sorted(ids)


def test_no_fix_changes_a_system_directory_recursively(every_fix):
    for where, finding, action in every_fix:
        if action["kind"] == "command":
            assert too_wide(action["argv"]) is None, (where, finding, action["shell"])
        assert "(not printed:" not in action.get("description", ""), (where, finding, action)


def test_no_fix_holds_a_placeholder(every_fix):
    for where, finding, action in every_fix:
        if action["kind"] == "command":
            texts = action["argv"]
        elif action["kind"] == "edit":
            texts = [action["path"], action.get("line") or ""]
        else:
            continue
        for text in texts:
            assert not PLACEHOLDER.search(text), (where, finding, text)


def test_every_command_is_the_bash_line_it_prints(every_fix, tmp_path):
    need(shutil.which("bash"), "bash")
    lines = []
    for where, finding, action in every_fix:
        if action["kind"] != "command":
            continue
        assert action["argv"] and all(isinstance(a, str) and a for a in action["argv"][:1])
        assert action["shell"] == shell_join(action["argv"]), (where, finding)
        if not any(ord(c) < 32 for c in action["shell"]):
            assert shlex.split(action["shell"]) == action["argv"], (where, finding, action["shell"])
        lines.append(action["shell"])
    script = tmp_path / "fixes.sh"
    script.write_text("\n".join(lines) + "\n")
    proc = subprocess.run(["bash", "-n", str(script)], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=30)
    assert proc.returncode == 0, proc.stdout


def test_every_line_to_write_is_in_its_file_language(every_fix, tmp_path):
    for where, finding, action in every_fix:
        if action["kind"] != "edit":
            continue
        assert action.get("syntax") in SYNTAXES, (where, finding, action)
        assert action["path"].startswith("/"), (where, finding, action)
        line = action.get("line")
        if line is None:
            continue
        if action["syntax"] == "systemd" and not line.startswith("["):
            unit = parse_unit("[Service]\n%s\n" % line, "/x.service")
            assert not unit.problems, (where, finding, line)
        if action["syntax"] == "bash":
            proc = subprocess.run(["bash", "-n", "-c", line], stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, timeout=30)
            assert proc.returncode == 0, (where, finding, line, proc.stdout)


def test_what_can_break_something_else_is_marked_with_a_caution(every_fix):
    risky = 0
    for where, finding, action in every_fix:
        if action["kind"] != "command":
            continue
        argv = action["argv"]
        program = os.path.basename(argv[0])
        # (a new file context for a path the policy does not label is the narrow fix:
        # tests/test_selinux_fixes.py checks against the real policy that it is one)
        if program == "rm" or (program == "setsebool" and set(argv) & HOST_WIDE_BOOLEANS) or \
                argv[:2] == ["systemctl", "restart"] or argv[:3] == ["semanage", "port", "-m"]:
            risky += 1
            assert action["safe"] is False, (where, finding, action["shell"])
    assert risky, "the fixtures print no risky command: the rule above checks nothing"
