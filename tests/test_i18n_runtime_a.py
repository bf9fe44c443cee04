"""Issue 19, share A: what the toolchain, system, packages, binary, baseline and security
layers write about a host at run time (a finding's title, why and fix descriptions, and
the notes) is in the catalogue (docs/i18n.md).  For every snapshot these layers run on,
the zh_CN report must carry no English message of these layers where the English run has
one: each such text either differs from the English run's or is made of values only (an
allow-list: a setting as go prints it).  The notes are matched against the catalogue's
messages of these layers' files, so a note of another layer is not judged here."""

import json
import os
import re
import shutil
import sys

import pytest

from cli_support import clean_env, run_cli
from conftest import DATA, ROOT
from test_i18n import _entries
from test_i18n_runtime_c import untranslated_evidence

sys.path.insert(0, os.path.join(ROOT, "src"))
from gotriage.checks.packages import LOAD_PROBLEMS  # noqa: E402
from gotriage.i18n import width  # noqa: E402

PO = os.path.join(ROOT, "po", "zh_CN.po")
LAYERS = ("toolchain", "system", "packages", "binary", "baseline", "security")
SHARE = re.compile(r"src/gotriage/(checks/toolchain/|checks/(system|packages|packages_keys|binary|"
                   r"baseline|baseline_lint|security)\.py|facts/(toolchain\w*|contexts|system|packages\w*|"
                   r"binary|baseline|security)\.py)")
SNAPSHOTS = os.path.join(DATA, "snapshots")
SERVICES = os.path.join(DATA, "services")
RUNS = [
    ["--root", os.path.join(SNAPSHOTS, "el7-sudo-path")],
    ["--root", os.path.join(SNAPSHOTS, "el8-old-go"), "--project", "/srv/app"],
    ["--root", os.path.join(SNAPSHOTS, "el9-goroot-envfile"), "--project", "/home/alice"],
    ["--root", os.path.join(SERVICES, "el7-services")],
    ["--root", os.path.join(SERVICES, "el8-services")],
    ["--root", os.path.join(SERVICES, "el9-services")],
    # the security layer (not one of check's default layers)
    ["--root", os.path.join(SERVICES, "el9-services"), "--layer", "security"],
    ["--root", os.path.join(SNAPSHOTS, "el7-sudo-path"), "--layer", "security"],
]
# Texts made of values only: they read the same in every language.
VALUES_ONLY = [
    re.compile(r"^GOPROXY=\S* GOSUMDB=\S*$"),  # GO-PROXY's ✓: the two settings
    re.compile(r"^(GO111MODULE|GOCACHE)=off$"),
    re.compile(r"^\S+:\d+: .*$"),  # GO-MODULES-GOMOD-INVALID: go's own message, at its line
]


def _share_messages():
    """The msgids (singular and plural) whose source is a file of this share."""
    return [message for msgid, plural, _strs, _flags in _entries(PO, SHARE)
            for message in (msgid, plural) if message]


def _template(msgid):
    """A regular expression matching what `msgid % values` can give."""
    parts = re.split(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdrif]|%%", msgid)
    return re.compile("^" + "(.*)".join(re.escape(p) for p in parts) + "$", re.S)


def _report(args, lang):
    done = run_cli(["--lang", lang, "check", "--json"] + args, env=clean_env())
    assert done.stderr == b"", done.stderr
    return json.loads(done.stdout.decode("utf-8"))


def _texts(result):
    yield "title", result["title"]
    if result.get("why"):
        yield "why", result["why"]
    for action in result["fix"]:
        if action.get("description") and action["kind"] != "edit":
            yield "fix", action["description"]
        elif action.get("description"):
            yield "fix (edit)", action["description"]


def test_every_message_of_this_share_is_translated():
    """msgfmt -c (scripts/build-mo) checks placeholders; here: none of this share's
    messages is left untranslated or fuzzy, whoever else is still translating."""
    with open(PO, encoding="utf-8") as f:
        blocks = f.read().split("\n\n")
    mine = [b for b in blocks if SHARE.search(" ".join(
        line for line in b.splitlines() if line.startswith("#:")))]
    assert len(mine) > 250
    for block in mine:
        assert "#, fuzzy" not in block, block
        assert not re.search(r'^msgstr(\[0\])? ""$(?!\n")', block, re.M), block


def _same_findings_and_fixes(english, chinese):
    """The same findings in both languages, and what each fix runs or writes (argv,
    path, line) the same too: only a fix's description is translated."""
    assert [r["id"] for r in english["results"]] == [r["id"] for r in chinese["results"]]
    for en, zh in zip(english["results"], chinese["results"]):
        runnable = [[{k: v for k, v in a.items() if k != "description"} for a in r.get("fix") or ()]
                    for r in (en, zh)]
        assert runnable[0] == runnable[1], en["id"]


@pytest.mark.parametrize("args", RUNS, ids=lambda a: "-".join([os.path.basename(a[1])] + a[2:]))
def test_the_chinese_report_has_no_english_message_of_these_layers(args):
    english, chinese = _report(args, "en"), _report(args, "zh_CN")
    assert chinese["language"] == "zh_CN"
    _same_findings_and_fixes(english, chinese)
    templates = [_template(m) for m in _share_messages()]
    judged = 0
    # every layer's evidence lines
    assert not [left for en, zh in zip(english["results"], chinese["results"])
                for left in untranslated_evidence(en, zh)]
    for en, zh in zip(english["results"], chinese["results"]):
        if en["layer"] not in LAYERS:
            continue
        for (part, en_text), (_part, zh_text) in zip(_texts(en), _texts(zh)):
            if any(p.match(en_text) for p in VALUES_ONLY):
                continue
            judged += 1
            assert zh_text != en_text, (en["id"], part, en_text)
    assert judged > 0
    assert len(english["notes"]) == len(chinese["notes"])
    for en_note, zh_note in zip(english["notes"], chinese["notes"]):
        if any(t.match(en_note) for t in templates):
            assert zh_note != en_note, en_note


@pytest.mark.parametrize("args", RUNS[:3], ids=lambda a: os.path.basename(a[1]))
def test_the_chinese_doctor_view_fits_100_columns(args, tmp_path):
    """A line wider than the terminal is only one that cannot be broken: a single long
    path or setting after the indentation.  The snapshot is read from a deep directory, as
    in a CI checkout, so the header that names it must wrap too."""
    deep = tmp_path.joinpath(*["checkout-of-the-project"] * 4, os.path.basename(args[1]))
    shutil.copytree(args[1], str(deep), symlinks=True)
    args = [args[0], str(deep)] + args[2:]
    done = run_cli(["--lang", "zh_CN", "check", "--no-color"] + args, env=clean_env())
    text = done.stdout.decode("utf-8")
    assert "Go 工具链" in text
    for line in text.splitlines():
        if width(line) > 100:
            assert len(line.split()) == 1 or line.lstrip().startswith("$ "), line


def _binary_cases(tmp_path):
    """Files for the binary layer: an archive, a script, an empty file, a library, and the
    interpreter running this test (ELF, dynamic) against targets that lack its glibc."""
    (tmp_path / "app.zip").write_bytes(b"PK\x03\x04" + b"\0" * 60)
    (tmp_path / "run.sh").write_bytes(b"#!/bin/sh\necho hi\n")
    (tmp_path / "empty").write_bytes(b"")
    (tmp_path / "page").write_bytes(b"<!doctype html><html></html>\n")
    program = os.path.realpath(sys.executable)
    return [[str(tmp_path / n)] for n in ("app.zip", "run.sh", "empty", "page")] + [
        [program], [program, "--target", "el7"], [program, "--target", "musl"],
        [str(tmp_path)]]


def test_the_binary_layer_in_chinese_has_no_english_message(tmp_path):
    judged = 0
    for args in _binary_cases(tmp_path):
        runs = {}
        for lang in ("en", "zh_CN"):
            done = run_cli(["--lang", lang, "binary", "--json"] + args, env=clean_env())
            runs[lang] = done
        if runs["en"].returncode == 2:  # a file that cannot be examined: a one-line error
            assert runs["en"].stderr and runs["zh_CN"].stderr != runs["en"].stderr
            judged += 1
            continue
        english, chinese = [json.loads(runs[lang].stdout.decode("utf-8")) for lang in ("en", "zh_CN")]
        _same_findings_and_fixes(english, chinese)
        for en, zh in zip(english["results"], chinese["results"]):
            for (part, en_text), (_part, zh_text) in zip(_texts(en), _texts(zh)):
                if en["id"] == "BIN-ELF" and part == "title":
                    continue  # the ELF summary, as `file` prints it: values and ELF terms
                judged += 1
                assert zh_text != en_text, (args, en["id"], part, en_text)
        for en_note, zh_note in zip(english["notes"], chinese["notes"]):
            assert zh_note != en_note, (args, en_note)
    assert judged > 20


def test_baseline_lint_in_chinese_has_no_english_message(tmp_path):
    """The baseline layer's lint checks, on test_baseline_lint's recording with one
    violation of each rule and on the clean one."""
    from test_baseline_lint import RULES, _repo

    rules = tmp_path / "rules.ini"
    rules.write_text(RULES)
    bad = _repo(tmp_path, {
        "/etc/profile.d/go.sh": "export GOROOT=/home/dev/go\n",
        "/etc/sudoers.d/go": 'Defaults secure_path="/sbin:/bin:/usr/sbin:/usr/bin"\n',
        "/etc/selinux/config": "SELINUX=permissive\nSELINUXTYPE=targeted\n",
        "/etc/firewalld/zones/public.xml": '<zone>\n  <port port="5432" protocol="tcp"/>\n'
                                           '</zone>\n',
        "/etc/systemd/system/db.service": "[Service]\nExecStart=/opt/db\nUser=root\n",
    }, name="bad")
    judged = 0
    for repo in (bad, _repo(tmp_path)):
        runs = [json.loads(run_cli(["--lang", lang, "baseline", "lint", "--repo", repo,
                                    "--rules", str(rules), "--json"]).stdout.decode("utf-8"))
                for lang in ("en", "zh_CN")]
        for en, zh in zip(runs[0]["results"], runs[1]["results"]):
            assert en["id"] == zh["id"]
            for (part, en_text), (_part, zh_text) in zip(_texts(en), _texts(zh)):
                judged += 1
                assert zh_text != en_text, (en["id"], part, en_text)
    assert judged > 15


CASES = os.path.join(ROOT, "tests", "cases")
PKG_CASES = sorted(n for n in os.listdir(CASES) if n.startswith("pkg-"))


@pytest.mark.parametrize("name", PKG_CASES)
def test_the_packages_layer_in_chinese_has_no_english_message(name):
    """Every pkg- case (one per PKG- finding, tests/cases) in both languages: each title, why
    and fix description of the packages layer differs from the English run's, and so does
    each note of this share, the -INPUT-HUNG titles too (what the command waits for,
    declared with it in src/gotriage/inputs/)."""
    with open(os.path.join(CASES, name, "case.json"), encoding="utf-8") as f:
        command = json.load(f)["command"]
    assert command[0] == "check"
    args = [a.replace("{case}", os.path.join(CASES, name)) for a in command[1:]]
    english, chinese = _report(args, "en"), _report(args, "zh_CN")
    _same_findings_and_fixes(english, chinese)
    assert not [left for en, zh in zip(english["results"], chinese["results"])
                for left in untranslated_evidence(en, zh)]
    judged = 0
    for en, zh in zip(english["results"], chinese["results"]):
        assert en["layer"] == "packages"
        for (part, en_text), (_part, zh_text) in zip(_texts(en), _texts(zh)):
            judged += 1
            assert zh_text != en_text, (name, en["id"], part, en_text)
            # what the .repo parser says of a line dnf cannot load, inside a title
            assert not any(m in zh_text for m in LOAD_PROBLEMS), (name, zh_text)
    templates = [_template(m) for m in _share_messages()]
    for en_note, zh_note in zip(english["notes"], chinese["notes"]):
        if any(t.match(en_note) for t in templates):
            assert zh_note != en_note, (name, en_note)
    assert judged >= 3, (name, judged)
