"""Command help and usage errors in Simplified Chinese (docs/i18n.md): every help text of
every command is translated, argparse's own words too (Python 3.6 words some of them
differently from 3.10+: "optional arguments"), and English stays argparse's, byte for byte
(the man page and the completion scripts are generated from it)."""

import argparse
import os
import subprocess
import sys

import pytest

from conftest import ROOT
from gotriage import cli, i18n

# Help texts that read the same in both languages (none today: a text added here must
# be one that has nothing to translate, such as a list of values).
SAME_IN_BOTH = set()


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    i18n.setup("en")


def _parsers(parser, path=()):
    """(command path, parser) of the top level and of every command and subcommand."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _parsers(sub, path + (name,))


def _texts(lang):
    """{(command path, what): text} of every text a parser shows, built in `lang`."""
    assert i18n.setup(lang) == lang
    texts = {}
    for path, parser in _parsers(cli.build_parser()):
        texts[path, "description"] = parser.description
        texts[path, "epilog"] = parser.epilog
        for group in parser._action_groups:
            texts[path, "group " + ",".join(a.dest for a in group._group_actions)] = group.title
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._choices_actions:
                    texts[path, "command " + choice.dest] = choice.help
            else:
                texts[path, "option " + (",".join(action.option_strings) or action.dest)] = \
                    action.help
    return texts


def test_every_help_text_of_every_command_is_translated():
    english, chinese = _texts("en"), _texts("zh_CN")
    assert english.keys() == chinese.keys()
    assert len([k for k in english if k[1].startswith("option ")]) > 150
    paths = {path for path, _what in english}
    assert {(), ("check",), ("fleet",), ("fleet", "report"), ("baseline",), ("fix",)} <= paths
    left = sorted((" ".join(path), what, text) for (path, what), text in english.items()
                  if text and text == chinese[path, what] and text not in SAME_IN_BOTH)
    assert not left, "help left in English:\n" + "\n".join("%s: %s: %s" % t for t in left)


def _run(capsys, argv):
    """(exit code, stdout, stderr) of cli.main(argv), argparse's exit included."""
    try:
        code = cli.main(argv)
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_help_in_chinese_has_none_of_argparses_english(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")  # (argparse's width)
    for path, _parser in _parsers(cli.build_parser()):
        code, out, _err = _run(capsys, ["--lang", "zh_CN"] + list(path) + ["--help"])
        assert code == 0 and out.startswith("用法：gotriage"), (path, out[:200])
        for english in ("usage:", "options:", "optional arguments:", "positional arguments:",
                        "show this help message"):
            assert english not in out, (path, english)
        assert "选项：\n" in out or "可选参数：\n" in out, path
        # lines wrap by columns (a Chinese character takes two); only a word longer than
        # a line (a list of values) is not broken
        wide = [line for line in out.splitlines() if i18n.width(line) > 80]
        assert all(" " not in line.strip() for line in wide), (path, wide)


@pytest.mark.parametrize("argv, english, chinese", [
    (["check", "--fail-on", "bogus"],
     "gotriage check: error: argument --fail-on: invalid choice: 'bogus' (choose from "
     "'info', 'warn', 'error')\n",
     "gotriage check：错误：参数 --fail-on：无效的选择：'bogus'（可选：'info', 'warn', "
     "'error'）\n"),
    (["check", "--layer"],
     "gotriage check: error: argument --layer: expected one argument\n",
     "gotriage check：错误：参数 --layer：需要一个值\n"),
    (["collect"],
     "gotriage collect: error: the following arguments are required: -o/--output\n",
     "gotriage collect：错误：缺少以下必需参数：-o/--output\n"),
    (["check", "--bogus"],
     "gotriage check: error: unrecognized arguments: --bogus\n",
     "gotriage check：错误：无法识别的参数：--bogus\n"),
    (["check", "--timeout", "0.5"],
     "gotriage check: error: argument --timeout: needs a number of seconds, at least 1: "
     "not '0.5'\n",
     "gotriage check：错误：参数 --timeout：需要一个秒数，至少 1：不是 '0.5'\n"),
])
def test_usage_errors_in_both_languages(capsys, argv, english, chinese):
    for lang, wanted in (("en", english), ("zh_CN", chinese)):
        code, out, err = _run(capsys, ["--lang", lang] + argv)
        assert code == 2 and out == "", (lang, out)
        assert err.endswith(wanted), (lang, err)
        assert err.startswith("用法：" if lang == "zh_CN" else "usage:"), (lang, err)


def test_our_own_errors_in_both_languages(capsys, tmp_path):
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "x").write_text("")
    code, _out, err = _run(capsys, ["--lang", "en", "collect", "-o", str(taken)])
    assert (code, err) == (2, "gotriage: error: %s already exists: give a new path\n" % taken)
    code, _out, err = _run(capsys, ["--lang", "zh_CN", "collect", "-o", str(taken)])
    assert (code, err) == (2, "gotriage：错误：%s 已存在：请给出一个新路径\n" % taken)
    code, _out, err = _run(capsys, ["--lang", "zh_CN", "binary", "/bin/sh", "--target", "el99"])
    assert code == 2 and err.startswith("gotriage：错误：未知的 --target 'el99'：请使用 host、el5"), err


@pytest.mark.parametrize("argv, english, chinese", [
    (["checks", "NOPE-ID"], "unknown check or finding id: NOPE-ID (see `gotriage checks`)",
     "未知的检查或发现 id：NOPE-ID（见 `gotriage checks`）"),
    (["baseline", "lint", "--root", "/nonexistent"],
     "lint judges the recorded files, not a host: no --root",
     "lint 评判的是所记录的文件，而不是主机：不要 --root"),
    (["explain", "--text", ""], "no text to explain (the input is empty)",
     "没有要解释的文本（输入是空的）"),
    (["service", "--root", "/nonexistent", "--trace", "app"],
     "--trace runs the program on this host: it cannot be used with --root",
     "--trace 在这台主机上运行程序：不能与 --root 同用"),
])
def test_command_errors_in_both_languages(capsys, argv, english, chinese):
    for lang, prefix, wanted in (("en", "gotriage: error: ", english),
                                 ("zh_CN", "gotriage：错误：", chinese)):
        code, out, err = _run(capsys, ["--lang", lang] + argv)
        assert (code, out, err) == (2, "", prefix + wanted + "\n"), lang


def test_the_man_page_is_english_under_a_chinese_locale():
    env = dict(os.environ, LANG="zh_CN.UTF-8", LC_ALL="zh_CN.UTF-8")
    done = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "gen-man"), "--check"],
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
