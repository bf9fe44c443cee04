"""The command line's output conventions, run as real processes: colour only on a
terminal and never with NO_COLOR, ASCII symbols where the locale cannot encode others
(Python 3.6 under LANG=C, as on a minimal EL7/EL8 host), the `checks` listing, --version,
usage errors and -v."""

import errno
import json
import os
import pty
import re
import select
import subprocess
import sys
import time

import pytest

from cli_support import (
    ANSI,
    IN_CI,
    ROOT,
    VENV36_PYTHON,
    clean_env,
    make_broken_go_snapshot,
    make_no_go_snapshot,
    run_cli,
)
from gotriage import __version__
from gotriage.checks import documented_checks

UNICODE_SYMBOLS = {"ok": "\u2713", "info": "\u00b7", "warn": "!", "error": "\u2717"}
ASCII_SYMBOLS = {"ok": "ok", "info": "i", "warn": "!", "error": "x"}
RESULT_LINE = re.compile(r"^  (\S+) ([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*)  ", re.M)


@pytest.fixture
def broken_go(tmp_path):
    return make_broken_go_snapshot(tmp_path / "el9-broken-go")


@pytest.fixture
def no_go(tmp_path):
    return make_no_go_snapshot(tmp_path / "el9-no-go")


def python36():
    """The Python 3.6 of .venv36 (gotriage installed in it); skipped when there is none,
    except in CI where it is required."""
    if os.path.exists(VENV36_PYTHON):
        return VENV36_PYTHON
    if IN_CI:
        pytest.fail("CI=true but %s is missing (scripts/setup makes it)" % VENV36_PYTHON)
    pytest.skip("no .venv36 (Python 3.6): run scripts/setup with pyenv's 3.6 installed")


def run_in_pty(args, env, python=None, timeout=60):
    """Run `python -m gotriage ARGS` with stdout on a pseudo-terminal.  Returns
    (exit code, stdout bytes with \\r\\n as \\n, stderr bytes)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([python or sys.executable, "-m", "gotriage"] + list(args),
                            stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.PIPE,
                            env=env, cwd=ROOT)
    os.close(slave)
    chunks = []
    deadline = time.time() + timeout
    try:
        while True:
            ready, _, _ = select.select([master], [], [], max(0.0, deadline - time.time()))
            if not ready:
                proc.kill()
                pytest.fail("gotriage %s did not finish within %ss on a pty" % (args, timeout))
            try:
                data = os.read(master, 65536)
            except OSError as exc:  # EIO: the child closed the terminal
                if exc.errno != errno.EIO:
                    raise
                break
            if not data:
                break
            chunks.append(data)
        stderr = proc.stderr.read()
        code = proc.wait(timeout=timeout)
    finally:
        os.close(master)
        proc.stderr.close()
    return code, b"".join(chunks).replace(b"\r\n", b"\n"), stderr


def symbols_and_ids(text):
    return RESULT_LINE.findall(text)


def expected_symbols(snapshot, symbols, python=None, verbose=False):
    """The results the doctor view shows on a line of their own, from the JSON report:
    all but a failure folded under its cause (`caused_by`, shown under it), and without -v
    the ok results of a unit (one line per unit) and of the input checks."""
    proc = run_cli(["check", "--json", "--root", snapshot], python=python)
    report = json.loads(proc.stdout.decode("utf-8"))
    problems = {(r["id"], r.get("subject")) for r in report["results"]
                if r["severity"] in ("error", "warn")}
    shown = []
    for r in report["results"]:
        cause = r.get("caused_by")
        if r["severity"] in ("error", "warn") and cause and (cause["id"], cause["subject"]) in problems:
            continue
        if r["severity"] == "ok" and not verbose and (r.get("unit") or r["check"].endswith("-INPUT")):
            continue
        shown.append((symbols[r["severity"]], r["id"]))
    return sorted(shown)


# -- colour --------------------------------------------------------------------------------
def test_tty_gets_colour_and_only_colour(broken_go):
    code, out, err = run_in_pty(["check", "--root", broken_go], clean_env(TERM="xterm"))
    assert code == 1, err
    assert ANSI.search(out), out
    piped = run_cli(["check", "--root", broken_go], env=clean_env(TERM="xterm"))
    assert piped.returncode == code
    # Colour adds escapes and changes nothing else.
    assert ANSI.sub(b"", out) == piped.stdout


@pytest.mark.parametrize("how", ["NO_COLOR=1", "--no-color", "TERM=dumb"])
def test_tty_without_colour(broken_go, how):
    env = clean_env(TERM="xterm")
    args = ["check", "--root", broken_go, "-v"]
    if how == "--no-color":
        args.append(how)
    else:
        name, value = how.split("=")
        env[name] = value
    code, out, err = run_in_pty(args, env)
    assert code == 1, err
    assert b"GO-INSTALL-BROKEN" in out
    assert b"\x1b" not in out, out


@pytest.mark.parametrize("root", [None, "snapshot"])
@pytest.mark.parametrize("no_color", [None, "1"])
def test_pipe_never_gets_colour(broken_go, root, no_color):
    args = ["check", "-v"] + (["--root", broken_go] if root else [])
    proc = run_cli(args, env=clean_env(TERM="xterm", NO_COLOR=no_color))
    assert proc.returncode in (0, 1), proc.stderr
    assert b"Summary: " in proc.stdout
    assert b"\x1b" not in proc.stdout
    assert b"\x1b" not in proc.stderr


def test_no_color_on_live_tty():
    code, out, err = run_in_pty(["check", "-v"], clean_env(TERM="xterm", NO_COLOR="1"))
    assert code in (0, 1), err
    assert b"Summary: " in out
    assert b"\x1b" not in out


# -- symbols and locales -------------------------------------------------------------------
def test_utf8_locale_uses_unicode_symbols(broken_go):
    proc = run_cli(["check", "--root", broken_go])
    text = proc.stdout.decode("utf-8")
    assert "\u2713" in text
    assert sorted(symbols_and_ids(text)) == expected_symbols(broken_go, UNICODE_SYMBOLS)


def test_python36_utf8_locale_uses_unicode_symbols(broken_go):
    py = python36()
    proc = run_cli(["check", "--root", broken_go], python=py)
    assert proc.returncode == 1, proc.stderr
    text = proc.stdout.decode("utf-8")
    assert "\u2713" in text
    assert sorted(symbols_and_ids(text)) == expected_symbols(broken_go, UNICODE_SYMBOLS, py)


def _c_locale():
    return clean_env(LANG="C", LC_ALL="C")


def test_python36_c_locale_uses_ascii_symbols(broken_go):
    py = python36()
    proc = run_cli(["check", "--root", broken_go, "-v"], python=py, env=_c_locale())
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 1, err
    assert "Traceback" not in err and err == "", err
    text = proc.stdout.decode("ascii")  # nothing but ASCII
    found = symbols_and_ids(text)
    assert sorted(found) == expected_symbols(broken_go, ASCII_SYMBOLS, py, verbose=True)
    # The fixture has a result of every severity, so every ASCII symbol shows.
    assert {symbol for symbol, _ in found} == {"ok", "x", "!", "i"}


@pytest.mark.parametrize("args", [["check"], ["check", "-v"], ["checks"], ["check", "--json"]])
def test_python36_c_locale_live_does_not_crash(args):
    proc = run_cli(args, python=python36(), env=_c_locale())
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode in (0, 1), err
    assert "Traceback" not in err and "internal error" not in err, err
    proc.stdout.decode("ascii")
    if args == ["check", "--json"]:
        json.loads(proc.stdout.decode("ascii"))
    if args[0] == "check" and "--json" not in args:
        assert "\u2713".encode("utf-8") not in proc.stdout
        assert b"Summary: " in proc.stdout


def test_python36_c_locale_on_a_tty(broken_go):
    py = python36()
    env = _c_locale()
    env["TERM"] = "xterm"
    code, out, err = run_in_pty(["check", "--root", broken_go], env, python=py)
    assert code == 1, err
    assert ANSI.search(out)
    text = ANSI.sub(b"", out).decode("ascii")
    assert {s for s, _ in symbols_and_ids(text)} == {"ok", "x", "!", "i"}


# -- commands ------------------------------------------------------------------------------
def test_checks_lists_every_check_and_finding_id():
    proc = run_cli(["checks"])
    assert proc.returncode == 0, proc.stderr
    listed = re.findall(r"^\s*([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*)\s", proc.stdout.decode("utf-8"), re.M)
    expected = [i for c in documented_checks() for i in c.ids()]
    assert expected and sorted(listed) == sorted(expected)
    assert len(set(listed)) == len(listed), "an id is listed twice"


def test_checks_json_lists_every_check():
    proc = run_cli(["checks", "--json"])
    assert proc.returncode == 0, proc.stderr
    listed = json.loads(proc.stdout.decode("utf-8"))
    assert [(c["id"], c["layer"], sorted(c["findings"])) for c in listed] == [
        (c.id, c.layer, sorted(c.findings)) for c in documented_checks()]


def test_version():
    proc = run_cli(["--version"])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode("utf-8") == "gotriage %s\n" % __version__
    assert re.match(r"^\d+\.\d+\.\d+", __version__)


def test_no_command_is_a_usage_error():
    proc = run_cli([])
    assert proc.returncode == 2
    assert proc.stdout == b""
    assert b"usage: gotriage" in proc.stderr
    assert b"Traceback" not in proc.stderr


def test_bad_option_is_a_usage_error():
    proc = run_cli(["check", "--fail-on", "sometimes"])
    assert proc.returncode == 2
    assert proc.stdout == b""
    assert b"Traceback" not in proc.stderr


def test_verbose_shows_evidence(broken_go):
    quiet = run_cli(["check", "--root", broken_go]).stdout.decode("utf-8")
    verbose = run_cli(["check", "--root", broken_go, "-v"]).stdout.decode("utf-8")
    assert "evidence:" not in quiet
    evidence = [line for line in verbose.splitlines() if line.strip().startswith("evidence: ")]
    assert evidence, verbose
    assert any("/usr/local/go" in line for line in evidence), evidence
    assert "why: " in verbose and "why: " not in quiet
    # -v adds lines and removes none.
    assert set(quiet.splitlines()) <= set(verbose.splitlines())


def test_verbose_live_host_shows_evidence_or_nothing_to_show():
    proc = run_cli(["check", "-v", "--fail-on", "error"])
    assert proc.returncode in (0, 1), proc.stderr
    text = proc.stdout.decode("utf-8")
    report = json.loads(run_cli(["check", "--json"]).stdout.decode("utf-8"))
    if any(r["evidence"] for r in report["results"]):
        assert "evidence: " in text
