"""Issue 19, the rest of the run-time text (docs/i18n.md): Chinese line breaking in
i18n.wrap (closing punctuation never starts a line, an opening bracket never ends one),
English wrapping as it was."""

import doctest
import random
import re

from gotriage import i18n

CLOSING = "，。、：；！？）」"
OPENING = "（「"


def test_the_i18n_doctests():
    from gotriage.selinux import textview

    failed, tried = doctest.testmod(i18n)
    assert tried >= 8 and failed == 0
    failed, tried = doctest.testmod(textview)  # avc's own wrapping, the same rule
    assert tried >= 2 and failed == 0


def test_no_line_starts_with_closing_punctuation_or_ends_with_an_opening_bracket():
    """Every width from 30 to 70 columns (each word with its punctuation fits a line), on
    the verdict lines el9-services printed (`（已见：SVC-JOURNAL-BIND）` used to split as
    `（已见` / `：SVC-JOURNAL-BIND）`)."""
    texts = [
        "web.service: 以 goapp 身份监听端口 80，但没有 CAP_NET_BIND_SERVICE（已见：SVC-JOURNAL-BIND）",
        "dual.service: 有 2 行 ExecStart= 生效（Type=simple）（已见：SVC-JOURNAL-CONFIG）",
        "api.service: /usr/local/bin/api 的标签为 user_home_t（用户家目录中的文件）：systemd 不得执行它",
        "「这一行」，以及“引号”。然后？是的！结束；好：",
    ]
    for text in texts:
        for columns in range(30, 71):
            lines = i18n.wrap(text, columns, "  ", "    ")
            assert "".join(line.strip() for line in lines).replace(" ", "") == text.replace(" ", "")
            for at, line in enumerate(lines):
                body = line.strip()
                assert at == 0 or body[0] not in CLOSING, (columns, lines)
                assert at == len(lines) - 1 or body[-1] not in OPENING, (columns, lines)


def test_a_word_too_wide_for_its_punctuation_leaves_it_to_the_next_line():
    """A Chinese line is never wider than the terminal for the sake of its punctuation: a
    path as wide as the line goes alone, its "；" starts the next one."""
    path = "Environment=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/local/go/bin"
    text = "或在其附加配置的 [Service] 下写 %s；`gotriage service NAME` 会打印" % path
    for columns in range(20, 100):
        lines = i18n.wrap(text, columns, "    ", "    ")
        assert all(i18n.width(line) <= columns or line.strip() == path for line in lines), lines


def _old_wrap(text, columns, initial_indent="", subsequent_indent=""):
    """wrap() before the punctuation rule, for ASCII text (the units split at spaces)."""
    lines, indent = [], initial_indent
    line = indent
    for at, word in enumerate(text.split(" ")):
        for unit in ([" "] if at else []) + ([word] if word else []):
            if unit == " ":
                if line != indent:
                    line += " "
                continue
            if line.strip() and len(line + unit) > columns:
                lines.append(line.rstrip())
                indent = subsequent_indent
                line = indent
            line += unit
    if line.strip():
        lines.append(line.rstrip())
    return lines


def test_english_wraps_as_before():
    rng = random.Random(19)
    words = ["go", "PATH", "(found", "as", "/usr/local/go)", "is:", "not,", "--", "x" * 30, ""]
    for _ in range(2000):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 25)))
        columns = rng.randint(5, 80)
        assert i18n.wrap(text, columns, "  ", "    ") == _old_wrap(text, columns, "  ", "    ")


# Evidence gotriage quotes: the same in every language.  A "fact" evidence line of a zh_CN
# report that equals the English run's must be one of these (a file's line, a command's
# output and a NAME=value are values by kind, and not judged).
EVIDENCE_VALUES = [
    re.compile(r"^\S+: security\.selinux=\S+$"),  # a file's label, as the kernel gives it
    re.compile(r"^(PT_INTERP|ELF e_machine|uname -m): \S+$"),  # what readelf/uname would say
    re.compile(r"^\S+ -> \S+$"),  # a symbolic link and its target
    re.compile(r"^\S+: E[A-Z]+$"),  # a path and its errno name
    re.compile(r"^[\w.-]+=\S*$"),  # a setting as gotriage read it
    re.compile(r"^(node=\S+ )?type=[A-Z_]+ msg=audit\("),  # an audit record
    re.compile(r"^/\S+: \S+=\S*$"),  # a setting in a file (/proc/cmdline: selinux=0)
    re.compile(r"^\S+: (Permission denied|No such file or directory)$"),  # strerror, as Python has it
    # a rule, where the ruleset has it (nft's table and chain, or iptables-save's)
    re.compile(r"^(iptables-\w+ )?table \S+ (\S+ )?chain \S+: "),
    re.compile(r'^[0-9A-F]{8,} \S+ \d+ "'),  # a key: its id, algorithm, size and user id
    re.compile(r"^\S+ not OpenPGP data$"),  # what the key parser says of a file
    re.compile(r"^/\S+ \d{3,4}/? \(\w+\)$"),  # a path, its mode, whose it is (GOROOT)
    re.compile(r"^/\S+: [\w.-]+(, [\w.-]+)*$"),  # a directory: the files found in it
    # a socket: protocol, address, network namespace, owner, where it was read
    re.compile(r"^(tcp|udp)6? \S+( in net:\[\d+\])?( \([^()]*\))?( \[[^\[\]]*\])?$"),
    # a journal line (short-iso or the classic short format)
    re.compile(r"^(\d{4}-\d\d-\d\dT\S+|[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) \S+ \S+: "),
]


def untranslated_evidence(english, chinese):
    """The "fact" evidence lines of finding `english` (a report's JSON) that `chinese`, the
    same finding of the zh_CN run, left as they were and that are not values."""
    left = []
    for en, zh in zip(english.get("evidence", ()), chinese.get("evidence", ())):
        text = en.get("text")
        if en["kind"] == "fact" and text and zh.get("text") == text and \
                not any(p.match(text) for p in EVIDENCE_VALUES):
            left.append((english["id"], text))
    return left


# The views' own words (`gotriage avc`, `port`, `service`): a line of the zh_CN view equal
# to the English view's line, with an English phrase in it, must be a value.
VIEW_CASES = [("avc-go-socket-module", []), ("avc-audit2allow-test", ["-v"]),
              ("avc-httpd-enable-cgi", []), ("sel-avc-constraint", []),
              ("fw-port-refused-rich-reject", ["-v"]), ("svc-limits-running-outside", ["-v"])]
ENGLISH = re.compile(r"\b[a-z]{2,} [a-z]{2,} [a-z]{2,}\b")
VIEW_VALUES = [
    re.compile(r"^\s*audit2why: "),  # audit2why's verdict, in its own words
    # the tools asked about the denials (selinux/command.py tool_lines): not translated yet
    re.compile(r"^\s*(asked: )?/\S+ .*\(|^\s+\S.*(stdin|used|questions? of the analyzers)"),
    re.compile(r"^\s*(\d+\. )?(gotriage|systemctl|nft|iptables\S*|firewall-cmd|restorecon|"
               r"semanage|setsebool|chcon|install) "),  # a command
    re.compile(r"^\s*(node=\S+ )?type=[A-Z_]+ msg=audit\("),  # an audit record
]


def _view(argv, lang):
    import contextlib
    import io

    from gotriage import cli

    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        try:
            cli.main(["--lang", lang] + argv + ["--no-color"])
        except SystemExit:
            pass
        finally:
            i18n.setup("en")
    out.flush()
    return out.buffer.getvalue().decode("utf-8").splitlines()


def test_the_views_own_words_are_translated(tmp_path_factory):
    from test_cases import CASES, argv_of

    specs = dict(CASES)
    left, judged = [], 0
    for name, extra in VIEW_CASES:
        argv = argv_of(name, specs[name]["command"], tmp_path_factory) + extra
        english, chinese = _view(argv, "en"), _view(argv, "zh_CN")
        assert len(chinese) > 3 and chinese != english, name
        # (a line may start with "（": only a closing mark may not)
        assert not [line for line in chinese if line.strip() and line.strip()[0] in CLOSING], name
        same = set(english)
        for line in chinese:
            judged += 1
            if line in same and ENGLISH.search(line) and \
                    not any(p.match(line) for p in VIEW_VALUES):
                left.append((name, line))
    assert judged > 100 and not left, left
