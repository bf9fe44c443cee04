"""Simplified Chinese (docs/i18n.md): the catalogue is complete and current, checked by
the real gettext tools (xgettext, msgcmp, msgattrib, msgfmt -c); the doctor view in
zh_CN fits a real terminal (tmux, 100 columns: capture-pane shows exactly the lines
written); GB18030 and LANG=C; --json in both languages against the schema; the language
chosen by --lang and the locale as gettext reads it."""

import json
import os
import re
import shutil
import subprocess
import sys
import time

import pytest

from cli_support import schema_errors
from conftest import ROOT, need

SRC = os.path.join(ROOT, "src")
PO = os.path.join(ROOT, "po", "zh_CN.po")
POT = os.path.join(ROOT, "po", "gotriage.pot")
SNAPSHOT = os.path.join(ROOT, "tests", "data", "snapshots", "el7-sudo-path")
SERVICES = os.path.join(ROOT, "tests", "data", "services", "el9-services")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdrif]")


def _tool(name):
    need(shutil.which(name) is not None, "%s (gettext)" % name)


def _gotriage(args, lang_env, python=sys.executable, timeout=120):
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": SRC, "HOME": "/root"}
    env.update(lang_env)
    return subprocess.run([python, "-m", "gotriage"] + args, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=timeout, cwd=ROOT)


def _entries(path, source=None):
    """[(msgid, msgid_plural or None, [msgstr...], flags)] of a .po file (no obsolete);
    with `source` (a compiled pattern), only the entries whose #: locations it finds."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    out = []
    for block in text.split("\n\n"):
        if source is not None and not source.search(
                " ".join(line for line in block.splitlines() if line.startswith("#:"))):
            continue
        fields, flags, key = {}, "", None
        for line in block.splitlines():
            if line.startswith("#,"):
                flags = line
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                fields[key] += json.loads(line)
            else:
                key, _, value = line.partition(" ")
                fields[key] = json.loads(value)
        if fields.get("msgid"):
            strs = [v for k, v in sorted(fields.items()) if k.startswith("msgstr")]
            out.append((fields["msgid"], fields.get("msgid_plural"), strs, flags))
    return out


def test_the_template_is_current():
    _tool("xgettext")
    done = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "gen-pot"), "--check"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert done.returncode == 0, (done.stdout + done.stderr).decode()


def test_the_catalogue_is_complete_and_msgfmt_accepts_it(tmp_path):
    for tool in ("msgcmp", "msgattrib", "msgfmt"):
        _tool(tool)
    cmp_ = subprocess.run(["msgcmp", PO, POT], stderr=subprocess.PIPE)
    assert cmp_.returncode == 0, cmp_.stderr.decode()
    for flag in ("--untranslated", "--only-fuzzy"):
        left = subprocess.run(["msgattrib", flag, "--no-obsolete", PO], stdout=subprocess.PIPE)
        assert left.stdout.strip() == b"", (flag, left.stdout.decode()[:800])
    done = subprocess.run(["msgfmt", "-c", "--statistics", "-o", str(tmp_path / "zh.mo"), PO],
                          stderr=subprocess.PIPE)
    assert done.returncode == 0, done.stderr.decode()
    assert "untranslated" not in done.stderr.decode() and "fuzzy" not in done.stderr.decode()


def test_every_translation_keeps_the_placeholders_of_its_message():
    entries = _entries(PO)
    assert len(entries) >= 100
    for msgid, plural, strs, _flags in entries:
        wanted = set(PLACEHOLDER.findall(msgid)) | set(PLACEHOLDER.findall(plural or ""))
        for text in strs:
            assert text, msgid
            assert set(PLACEHOLDER.findall(text)) == wanted, (msgid, text)
    # the Chinese forms are one (nplurals=1): a plural message has one translation
    assert all(len(strs) == 1 for _m, plural, strs, _f in entries if plural)


def test_what_must_stay_verbatim_does():
    """Every `...` piece of a message (a command, a path, a quoted error) is in its
    translation unchanged; finding ids too."""
    ids = re.compile(r"\b[A-Z]{2,5}(?:-[A-Z0-9]+)+\b")
    for msgid, _plural, strs, _flags in _entries(PO):
        for text in strs:
            assert set(re.findall(r"`[^`]+`", msgid)) == set(re.findall(r"`[^`]+`", text)), \
                (msgid, text)
            assert set(ids.findall(msgid)) <= set(ids.findall(text)), (msgid, text)


def test_a_findings_documentation_in_chinese():
    done = _gotriage(["--lang", "zh_CN", "checks", "SVC-LABEL-DENIED"], {"LANG": "C.UTF-8"})
    text = done.stdout.decode("utf-8")
    assert text.startswith("SVC-LABEL-DENIED  （检查 SVC-LABEL，层 service：")
    assert "含义：" in text and "修复：" in text and "`restorecon -v PATH`" in text
    sys.path.insert(0, SRC)
    from gotriage.i18n import width

    assert max(width(line) for line in text.splitlines()) <= 100


@pytest.mark.parametrize("env, lang", [
    ({"LANG": "zh_CN.UTF-8"}, "zh_CN"), ({"LC_ALL": "zh_SG.UTF-8", "LANG": "C"}, "zh_CN"),
    ({"LANG": "zh_TW.UTF-8"}, "en"), ({"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}, "en"),
    ({"LC_MESSAGES": "zh_CN.UTF-8"}, "zh_CN"), ({}, "en"),
])
def test_the_locale_chooses_the_language_as_gettext_reads_it(env, lang):
    done = _gotriage(["check", "--root", SNAPSHOT, "--json"], dict(env, PYTHONIOENCODING="utf-8"))
    report = json.loads(done.stdout.decode("utf-8"))
    assert report["language"] == lang
    assert not schema_errors(report)


def test_lang_option_wins_and_a_bad_one_is_a_usage_error():
    done = _gotriage(["check", "--root", SNAPSHOT, "--lang", "en"], {"LANG": "zh_CN.UTF-8"})
    assert done.stdout.decode("utf-8").startswith("gotriage: centos7-build (snapshot")
    done = _gotriage(["--lang=zh_CN", "checks", "--json"], {"LANG": "C.UTF-8"})
    titles = {c["id"]: c["title"] for c in json.loads(done.stdout.decode("utf-8"))}
    assert titles["GO-ROOT"] == "GOROOT 与实际运行的 go 一致"
    done = _gotriage(["check", "--lang", "fr"], {})
    assert done.returncode == 2
    assert done.stderr.decode() == "gotriage: error: --lang fr: one of en, zh_CN\n"


def test_the_doctor_view_in_chinese_and_its_json(tmp_path):
    done = _gotriage(["check", "--root", SERVICES, "-v"], {"LANG": "zh_CN.UTF-8"})
    text = done.stdout.decode("utf-8")
    assert text.startswith("gotriage：")
    for word in ("结论：", "修复：", "证据：", "服务（systemd）", "总结："):
        assert word in text, word
    assert "Verdict" not in text and "Summary" not in text
    # ids, commands and quoted messages stay as the tools print them
    assert "SVC-" in text and "systemctl" in text
    as_json = _gotriage(["check", "--root", SERVICES, "--json"], {"LANG": "zh_CN.UTF-8"})
    report = json.loads(as_json.stdout.decode("utf-8"))
    assert report["language"] == "zh_CN" and not schema_errors(report)
    english = _gotriage(["check", "--root", SERVICES, "--json"], {"LANG": "C.UTF-8"})
    assert sorted(r["id"] for r in json.loads(english.stdout.decode())["results"]) == \
        sorted(r["id"] for r in report["results"])


def test_chinese_that_the_output_cannot_carry_is_english():
    """Python 3.6 under LANG=C writes ASCII: --lang zh_CN would print "???"; it prints
    English (the JSON says so)."""
    need(os.path.exists(os.path.expanduser("~/.pyenv/versions/3.6.15/bin/python3")) or
         sys.version_info < (3, 7), "pyenv's Python 3.6")
    python = sys.executable if sys.version_info < (3, 7) else \
        os.path.expanduser("~/.pyenv/versions/3.6.15/bin/python3")
    done = _gotriage(["--lang", "zh_CN", "check", "--root", SNAPSHOT], {"LANG": "C"},
                     python=python)
    text = done.stdout.decode("ascii")
    assert text.startswith("gotriage: centos7-build") and "?" not in text.splitlines()[0]
    as_json = _gotriage(["--lang", "zh_CN", "check", "--root", SNAPSHOT, "--json"],
                        {"LANG": "C"}, python=python)
    assert json.loads(as_json.stdout.decode("ascii"))["language"] == "en"


def test_gb18030_and_lang_c():
    locales = subprocess.run(["locale", "-a"], stdout=subprocess.PIPE).stdout.decode().lower()
    need("zh_cn.gb18030" in locales.split(), "the zh_CN.GB18030 locale (scripts/setup: "
                                             "localedef)")
    done = _gotriage(["check", "--root", SNAPSHOT], {"LANG": "zh_CN.GB18030"})
    assert done.returncode == 1, done.stderr
    text = done.stdout.decode("gb18030")
    assert "结论：2 个问题" in text and "总结：" in text
    with pytest.raises(UnicodeDecodeError):
        done.stdout.decode("utf-8")  # written in the terminal's encoding, not UTF-8
    plain = _gotriage(["check", "--root", SNAPSHOT], {"LANG": "C"})
    # (3.7+ coerces the C locale to UTF-8, PEP 538: the symbols may be there; English)
    text = plain.stdout.decode("utf-8")
    assert text.startswith("gotriage: centos7-build") and "Verdict: 2 problems" in text


def test_a_real_terminal_shows_every_line_whole(tmp_path):
    """tmux 100 columns wide, zh_CN.UTF-8: the screen (capture-pane) holds exactly the
    lines gotriage wrote, so no line is wider than the terminal counts it."""
    need(shutil.which("tmux") is not None, "tmux")
    locales = subprocess.run(["locale", "-a"], stdout=subprocess.PIPE).stdout.decode().lower()
    need("zh_cn.utf8" in locales.split(), "the zh_CN.UTF-8 locale (scripts/setup: localedef)")
    out = tmp_path / "out.txt"
    socket = str(tmp_path / "tmux.sock")
    # the snapshot named relative to the checkout: the header line quotes it, and its width
    # must not depend on where the suite was cloned (CI's clone is deeper than this one)
    command = ("cd %s && LANG=zh_CN.UTF-8 PYTHONPATH=%s %s -m gotriage check --root %s "
               "--no-color > %s; clear; cat %s; sleep 30") % (
                   ROOT, SRC, sys.executable, os.path.relpath(SNAPSHOT, ROOT), out, out)
    subprocess.run(["tmux", "-S", socket, "-f", "/dev/null", "new-session", "-d", "-x", "100",
                    "-y", "200", "env", "LANG=zh_CN.UTF-8", "sh", "-c", command], check=True)
    try:
        deadline = time.time() + 60
        screen = ""
        while time.time() < deadline:
            time.sleep(0.5)
            if out.exists() and out.stat().st_size:
                screen = subprocess.run(["tmux", "-S", socket, "capture-pane", "-p", "-t", "0"],
                                        stdout=subprocess.PIPE).stdout.decode("utf-8")
                if "总结：" in screen:
                    break
        written = out.read_text(encoding="utf-8").splitlines()
        rows = screen.rstrip("\n").splitlines()
        # each line takes the rows its width in columns (i18n.width) says, on the real
        # terminal too; a line with Chinese in it fits one row (only a command or a line
        # to write, never wrapped by design, may be wider than 100 columns)
        sys.path.insert(0, SRC)
        from gotriage.i18n import width

        at = 0
        for line in written:
            taken = max(1, -(-width(line) // 100))
            assert "".join(rows[at:at + taken]).rstrip() == line.rstrip(), (at, line)
            if width(line) != len(line):
                assert taken == 1, line
            at += taken
        assert not "".join(rows[at:]).strip()
        assert any("结论" in line for line in written)
    finally:
        subprocess.run(["tmux", "-S", socket, "kill-server"], stderr=subprocess.DEVNULL)
