"""`gotriage baseline timer` (docs/baseline.md, "A timer"): the printed service and timer
pass the real `systemd-analyze verify` (systemd 252), and the real systemd reads back
from the service exactly the `baseline diff --notify` argv gotriage meant, with paths
that need systemd's quoting (a space, a '%')."""

import os
import shutil
import subprocess
import sys

import pytest

from cli_support import run_cli
from conftest import need
from test_quoting import _decode_command_line, _systemd_test, unit_dir  # noqa: F401

MARK = "# ---- "


def timer(*args):
    done = run_cli(["baseline", "timer"] + [str(a) for a in args])
    return done.returncode, done.stdout.decode(), done.stderr.decode()


def split_units(out):
    """{path: text} of the output's '# ---- PATH' sections."""
    units, path = {}, None
    for line in out.splitlines(True):
        if line.startswith(MARK):
            path = line[len(MARK):].strip()
            units[path] = ""
        elif path is not None:
            units[path] += line
    for path in units:
        units[path] = units[path].rstrip("\n") + "\n"
    return units


def _verify(directory, names):
    need(shutil.which("systemd-analyze"), "systemd-analyze (systemd)")
    proc = subprocess.run(["systemd-analyze", "verify", "--man=no"] +
                          [os.path.join(directory, n) for n in names],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    return proc.returncode, proc.stdout.decode("utf-8", "replace")


def _write(directory, units):
    names = []
    for path, text in units.items():
        name = os.path.basename(path)
        with open(os.path.join(directory, name), "w") as f:
            f.write(text)
        names.append(name)
    return names


def test_the_units_pass_systemd_analyze_verify_and_read_back_exactly(unit_dir, tmp_path):  # noqa: F811
    repo = str(tmp_path / "base line%1")
    to_file = str(tmp_path / "notify to")
    code, out, err = timer("--repo", repo, "--every", "2h", "--to-file", to_file,
                           "--secret-file", "/etc/gotriage/notify.secret", "--kind", "wecom")
    assert code == 0 and err == "", err
    assert "--apply` does it, with validation and rollback" in out
    units = split_units(out)
    assert sorted(units) == ["/etc/systemd/system/gotriage-baseline.service",
                             "/etc/systemd/system/gotriage-baseline.timer"]
    names = _write(unit_dir, units)
    rc, text = _verify(unit_dir, sorted(names))
    assert rc == 0 and "gotriage-baseline" not in text, text
    timer_text = units["/etc/systemd/system/gotriage-baseline.timer"]
    assert "OnUnitActiveSec=2h\n" in timer_text and "Unit=gotriage-baseline.service\n" in \
        timer_text
    # what systemd will run, as systemd itself parsed it
    block, complaints = _systemd_test(unit_dir, "gotriage-baseline.service")
    assert not complaints, complaints
    shown = [line for line in block.splitlines() if "Command Line:" in line]
    assert len(shown) == 1, block
    argv = _decode_command_line(shown[0].split("Command Line: ", 1)[1])
    assert [w.decode() if isinstance(w, bytes) else w for w in argv] == [
        sys.executable, "-m", "gotriage", "baseline", "diff", "--notify", "--repo", repo,
        "--to-file", to_file, "--secret-file", "/etc/gotriage/notify.secret", "--kind", "wecom"]
    assert "Description: gotriage: drift of this host from its baseline %s, notified" % repo \
        in block


def test_verify_catches_a_broken_unit_so_the_test_above_can_fail(tmp_path):
    code, out, _err = timer("--repo", "/var/lib/gotriage/baseline")
    assert code == 0
    units = split_units(out)
    service = "/etc/systemd/system/gotriage-baseline.service"
    units[service] = units[service].replace("ExecStart=" + sys.executable,
                                            "ExecStart=" + sys.executable + "-missing")
    names = _write(str(tmp_path), units)
    rc, text = _verify(str(tmp_path), sorted(names))
    assert rc != 0 and "gotriage-baseline.service" in text, text


def test_the_defaults(tmp_path):
    code, out, _err = timer()
    assert code == 0
    units = split_units(out)
    service = units["/etc/systemd/system/gotriage-baseline.service"]
    assert ("ExecStart=%s -m gotriage baseline diff --notify --repo /var/lib/gotriage/baseline "
            "--to-file /etc/gotriage/notify.to\n" % sys.executable) in service
    assert "OnUnitActiveSec=1h\n" in units["/etc/systemd/system/gotriage-baseline.timer"]


@pytest.mark.parametrize("argv,words", [
    (["--every", "30s"], "a number and a unit"),
    (["--every", "0h"], "a number and a unit"),
    (["--every", "1h; rm"], "a number and a unit"),
    (["--every", "400d"], "at most a year"),
    (["--to", "https://example.com/hook"], "readable by every user"),
    (["--notify"], "no --notify"),
    (["--json"], "--json is not an option of `baseline timer`"),
    (["--repo", "/srv/new\nline"], "systemd cannot run this command as written"),
])
def test_timer_mistakes_are_one_line_errors(argv, words):
    code, out, err = timer(*argv)
    assert code == 2 and words in err and len(err.strip().splitlines()) == 1, err
    assert out == ""


def test_every_is_an_option_of_timer_only():
    done = run_cli(["baseline", "diff", "--every", "1h", "--repo", "/nonexistent"])
    assert done.returncode == 2 and "--every is an option of `baseline timer`" in \
        done.stderr.decode()


def test_the_pure_module_doctests():
    import doctest

    from gotriage.baseline import timer as module

    assert doctest.testmod(module).failed == 0
