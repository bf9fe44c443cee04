"""Shell completion, the man page and the docs gotriage carries, all generated from (or
shipped with) the same definitions: a new option appears in each by itself."""

import configparser
import glob
import os
import subprocess
import sys

import pytest

from conftest import ROOT, need, run_gotriage
from gotriage.cli import build_parser
from gotriage.completion import commands, options


def bash_complete(script, words):
    """COMPREPLY of the real bash for the command line `words` (the last is being typed)."""
    program = script + "\nCOMP_WORDS=(%s)\nCOMP_CWORD=%d\n_gotriage\nprintf '%%s\\n' \"${COMPREPLY[@]}\"\n" % (
        " ".join("'%s'" % w for w in words), len(words) - 1)
    proc = subprocess.run(["bash", "--norc", "--noprofile", "-c", program],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr.decode()
    return [line for line in proc.stdout.decode().splitlines() if line]


@pytest.fixture(scope="module")
def bash_script():
    run = run_gotriage(["completion", "bash"])
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_bash_completes_commands_options_and_choices(bash_script):
    assert set(bash_complete(bash_script, ["gotriage", ""])) >= {
        "check", "collect", "binary", "avc", "service", "port", "checks", "docs", "completion"}
    assert bash_complete(bash_script, ["gotriage", "check", "--la"]) == ["--layer"]
    assert bash_complete(bash_script, ["gotriage", "check", "--layer", "se"]) == [
        "selinux", "service", "security"]
    assert bash_complete(bash_script, ["gotriage", "check", "--fail-on", ""]) == [
        "info", "warn", "error"]
    assert bash_complete(bash_script, ["gotriage", "check", "--project", "do"]) == ["docs"]
    assert bash_complete(bash_script, ["gotriage", "completion", ""]) == ["bash", "zsh"]


def test_every_option_of_every_command_is_in_each_generated_text(bash_script):
    parser = build_parser()
    zsh_script = run_gotriage(["completion", "zsh"]).stdout
    with open(os.path.join(ROOT, "man", "gotriage.1"), encoding="utf-8") as f:
        man_page = f.read()
    for name, _help, sub in commands(parser):
        for names, _takes, _choices, _kind, _help in options(sub):
            for option in names:
                assert option in bash_script, (name, option)
                assert option in zsh_script, (name, option)
                if option not in ("-h", "--help"):
                    assert option.replace("-", "\\-") in man_page, (name, option)


def test_the_zsh_script_parses():
    need(os.path.exists("/usr/bin/zsh"), "zsh (apt: zsh)")
    script = run_gotriage(["completion", "zsh"]).stdout
    proc = subprocess.run(["zsh", "-n", "-c", script], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=30)
    assert proc.returncode == 0, proc.stderr.decode()
    # and loads under the completion system without an error
    proc = subprocess.run(["zsh", "-f", "-c", "autoload -U compinit; compinit -u; "
                           "eval \"$(cat)\"; whence -w _gotriage"], input=script.encode(),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    assert proc.returncode == 0 and b"function" in proc.stdout, proc.stderr.decode()


def test_the_man_page_is_generated_and_renders_without_warnings():
    proc = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "gen-man"), "--check"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    assert proc.returncode == 0, proc.stdout.decode()
    need(os.path.exists("/usr/bin/groff"), "groff (apt: groff-base)")
    proc = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z",
                           os.path.join(ROOT, "man", "gotriage.1")],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    assert proc.returncode == 0 and proc.stderr == b"", proc.stderr.decode()


def test_docs_lists_and_prints_what_it_carries():
    listed = run_gotriage(["docs"]).stdout.split()
    expected = ["README.md"] + sorted(os.path.basename(p) for p in
                                      glob.glob(os.path.join(ROOT, "docs", "*.md")) +
                                      glob.glob(os.path.join(ROOT, "docs", "*.json")))
    assert listed == expected
    with open(os.path.join(ROOT, "docs", "binary.md"), encoding="utf-8") as f:
        assert run_gotriage(["docs", "binary"]).stdout == f.read()
    run = run_gotriage(["docs", "nope"])
    assert run.returncode == 2 and run.stderr.startswith("gotriage: error: no document 'nope': ")


def test_an_installed_package_carries_every_doc_and_the_man_page():
    config = configparser.ConfigParser()
    config.read(os.path.join(ROOT, "setup.cfg"))
    data = {k: [v.strip() for v in value.split("\n") if v.strip()]
            for k, value in config.items("options.data_files")}
    shipped = set(data["share/doc/gotriage"])
    wanted = {"README.md"} | {os.path.relpath(p, ROOT) for p in
                              glob.glob(os.path.join(ROOT, "docs", "*.md")) +
                              glob.glob(os.path.join(ROOT, "docs", "*.json"))}
    assert shipped == wanted
    assert data["share/man/man1"] == ["man/gotriage.1"]
