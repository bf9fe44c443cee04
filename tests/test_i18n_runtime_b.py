"""Issue 19, the run-time text of the service, SELinux and firewall layers, of the runner
and of findings.Action in Simplified Chinese (docs/i18n.md): every case of those layers
(tests/cases: svc-*, sel-*, avc-*, fw-*) runs in-process in English and in zh_CN, and
each title, why and fix description of those layers that zh_CN writes is either not the
English one or in MUST_STAY (text that is not gotriage's to translate: a tool's own
message, another layer's words).  English stays as it was (the other tests assert it)."""

import contextlib
import io
import json
import os
import re

import pytest

from conftest import ROOT
from gotriage import cli, i18n
from gotriage.findings import Action
from test_cases import CASES, argv_of
from test_i18n_runtime_c import untranslated_evidence

LAYERS = ("service", "selinux", "firewall")
MINE = [(name, spec) for name, spec in CASES if name.startswith(("svc-", "sel-", "avc-", "fw-"))]
# three or more English words in a row: a sentence gotriage wrote (a path, an id or a
# command alone is not one)
ENGLISH = re.compile(r"\b[a-z]{2,} [a-z]{2,} [a-z]{2,}\b")
# (finding id, field, pattern of the English text that stays, why)
MUST_STAY = [
    ("SVC-UNIT-VERIFY", "title", r"^\S+: systemd-analyze verify: ",
     "systemd-analyze's own message, quoted"),
    ("SVC-EXEC-BINARY", None, r"", "the binary layer's words (issue 19, the other share)"),
]
SRC = os.path.join(ROOT, "src")


def _run(argv, lang):
    """The JSON report of `gotriage --lang LANG ARGV --json`, in this process, written to
    a UTF-8 stream (as a terminal that can show Chinese)."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        try:
            cli.main(["--lang", lang] + argv + ["--json"])
        finally:
            i18n.setup("en")  # the next test speaks English
    out.flush()
    return json.loads(out.buffer.getvalue().decode("utf-8"))


def _findings(document):
    found = []

    def walk(value):
        if isinstance(value, dict):
            if "id" in value and "severity" in value and "title" in value:
                found.append(value)
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
    walk(document)
    return found


def _texts(finding):
    yield "title", finding.get("title")
    yield "why", finding.get("why")
    for action in finding.get("fix", []):
        yield "fix", action.get("description")


def _must_stay(fid, field, text):
    return any(fid == i and (f is None or f == field) and re.search(p, text)
               for i, f, p, _why in MUST_STAY)


def test_the_cases_of_these_layers_are_there():
    assert len(MINE) > 90, len(MINE)


@pytest.mark.parametrize("name,spec", MINE, ids=[name for name, _ in MINE])
def test_every_run_time_text_of_these_layers_is_translated(name, spec, tmp_path_factory):
    i18n.setup("zh_CN")
    if i18n.current() != "zh_CN":
        pytest.fail("no compiled catalogue: run scripts/build-mo (msgfmt)")
    i18n.setup("en")
    argv = argv_of(name, spec["command"], tmp_path_factory)
    english, chinese = _run(argv, "en"), _run(argv, "zh_CN")
    assert english["language"] == "en" and chinese["language"] == "zh_CN"
    en, zh = _findings(english), _findings(chinese)
    assert [f["id"] for f in en] == [f["id"] for f in zh]
    left = []
    for e, z in zip(en, zh):
        left.extend(untranslated_evidence(e, z))  # every layer's evidence
        if e.get("layer") not in LAYERS and e["id"] != "GOTRIAGE-CHECK-FAILED":
            continue
        for (field, text), (_field, translated) in zip(_texts(e), _texts(z)):
            if text and translated == text and ENGLISH.search(text) and \
                    not _must_stay(e["id"], field, text):
                left.append((e["id"], field, text))
    assert not left, left


def test_the_runner_and_the_fixes_speak_chinese():
    """The words of runner.py (a check that crashes, what the commands did not answer)
    and of Action.render (a file edit), with the values kept as they are."""
    from gotriage.checks import Check
    from gotriage.runner import run_check

    class Facts(object):
        notes = []

        def note(self, text):
            self.notes.append(text)

    def broken(facts):
        raise KeyError("GOFLAGS")

    chk = Check("SVC-DEMO", "service", "demo", {}, broken)
    english = run_check(chk, Facts())[0][0]
    try:
        i18n.setup("zh_CN")
        chinese = run_check(chk, Facts())[0][0]
        edit = Action.edit("/etc/profile.d/go.sh", 'export PATH="$PATH:/usr/local/go/bin"')
        delete = Action.edit("/etc/sudoers.d/go", None, old="Defaults secure_path=/usr/bin")
        rendered = (edit.render(), delete.render())
    finally:
        i18n.setup("en")
    assert english.title == "internal error in check SVC-DEMO: KeyError: 'GOFLAGS'"
    assert chinese.title != english.title and "SVC-DEMO" in chinese.title
    assert "KeyError: 'GOFLAGS'" in chinese.title and chinese.why != english.why
    assert rendered[0] != edit.render()
    assert rendered[0].startswith("向 /etc/profile.d/go.sh ")
    assert rendered[0].endswith('\n    export PATH="$PATH:/usr/local/go/bin"')
    assert "/etc/sudoers.d/go" in rendered[1] and rendered[1].endswith(
        "\n    Defaults secure_path=/usr/bin") and rendered[1] != delete.render()


def test_the_doctor_view_of_the_services_in_chinese_fits_100_columns():
    """el9-services in zh_CN: the service layer's own lines (titles, why, fix
    descriptions, not the evidence or commands quoted as they are) are Chinese and no
    wider than 100 columns; file edits say where in Chinese."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    snapshot = os.path.join("tests", "data", "services", "el9-services")
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            cli.main(["--lang", "zh_CN", "check", "--root", snapshot, "--no-color"])
    finally:
        i18n.setup("en")
        os.chdir(cwd)
    out.flush()
    text = out.buffer.getvalue().decode("utf-8")
    section = text.split("服务（systemd）", 1)[1].split("总结：", 1)[0]
    assert "worker.service: WorkingDirectory=/srv/worker 不存在" in section
    assert "向 /etc/systemd/system/dual.service.d/10-args.conf 添加这一行" in section
    assert "然后运行 `systemctl restart web.service`" in section
    for line in section.splitlines():
        if i18n.width(line) != len(line):  # a line with Chinese in it
            assert i18n.width(line) <= 100, line
        if re.match(r"^  [✗!·] SVC-", line):  # a problem's title: in Chinese
            assert i18n.width(line) != len(line), line
