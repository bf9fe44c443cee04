"""The layer table (gotriage.checks.LAYER_TABLE) is the one description of the layers:
the CLI's --layer choices, the runner, the doctor view's headings, `gotriage checks`
and docs/findings.md read it, and adding a layer is adding one record (and the layer's
own facts and checks modules)."""

import importlib
import json
import os
import shutil
import subprocess
import sys

from cli_support import clean_env, run_cli
from conftest import DATA, ROOT
from gotriage.checks import ALL_LAYERS, LAYER_BY_NAME, LAYER_TABLE, LAYERS, all_checks

SNAPSHOT = os.path.join(DATA, "snapshots", "el9-goroot-envfile")


def test_every_record_names_modules_that_exist():
    assert [layer.name for layer in LAYER_TABLE] == list(ALL_LAYERS)
    assert len(set(ALL_LAYERS)) == len(ALL_LAYERS)
    assert len({layer.prefix for layer in LAYER_TABLE}) == len(LAYER_TABLE)
    for layer in LAYER_TABLE:
        module, _, name = layer.facts.partition(":")
        assert callable(getattr(importlib.import_module(module), name).from_options), \
            layer.name
        assert [c for c in all_checks((layer.name,))], "no check registers layer %s" % layer.name
        assert layer.title and (layer.inputs is None or isinstance(layer.inputs, str)), layer.name


def test_every_check_id_starts_with_its_layers_prefix():
    for chk in all_checks():
        layer = LAYER_BY_NAME[chk.layer]
        assert chk.id.startswith(layer.prefix + "-"), (chk.id, layer.name)


def test_check_offers_and_runs_the_layers_the_table_says():
    assert LAYERS == tuple(layer.name for layer in LAYER_TABLE if layer.in_check)
    assert "binary" in ALL_LAYERS and "binary" not in LAYERS
    usage = run_cli(["check", "--layer", "nope"]).stderr.decode()
    assert "choose from %s" % ", ".join("'%s'" % name for name in LAYERS) in usage, usage
    report = json.loads(run_cli(["check", "--root", SNAPSHOT, "--json"]).stdout.decode())
    assert report["layers"] == list(LAYERS)


DEMO_FACTS = '''
class DemoFacts(object):
    def __init__(self, host):
        self.host = host
        self.answer = 42
        self.notes = ["the demo layer looked at nothing else"]

    @classmethod
    def from_options(cls, host, options):
        return cls(host)
'''
DEMO_CHECKS = '''
from gotriage.checks import check
from gotriage.findings import Finding


@check("DEMO-ANSWER", "demo", "the demo layer answers", findings={
    "DEMO-ANSWER-WRONG": ("It does not.", "the answer", "ask again."),
})
def answer(facts):
    """Proves that a layer is one record."""
    return [Finding("DEMO-ANSWER", "ok", "the answer is %d" % facts.answer)]
'''
DEMO_RECORD = ('    Layer("demo", "Demo layer", "DEMO", "gotriage.checks.demo",\n'
               '          "gotriage.facts.demo:DemoFacts"),\n')


def test_adding_a_layer_is_adding_a_record(tmp_path):
    """A copy of the package with one more record in the table and the layer's two
    modules: `check` runs it by default and with --layer, the doctor view heads it with
    its title, `checks` and docs/findings.md list its ids."""
    src = tmp_path / "src"
    shutil.copytree(os.path.join(ROOT, "src", "gotriage"), str(src / "gotriage"),
                    ignore=shutil.ignore_patterns("__pycache__"))
    (src / "gotriage" / "facts" / "demo.py").write_text(DEMO_FACTS)
    (src / "gotriage" / "checks" / "demo.py").write_text(DEMO_CHECKS)
    table = src / "gotriage" / "checks" / "__init__.py"
    text = table.read_text()
    anchor = "LAYER_TABLE = (\n"
    assert text.count(anchor) == 1
    table.write_text(text.replace(anchor, anchor + DEMO_RECORD))
    (tmp_path / "scripts").mkdir()
    (tmp_path / "docs").mkdir()
    shutil.copy(os.path.join(ROOT, "scripts", "gen-findings-doc"), str(tmp_path / "scripts"))
    env = clean_env(PYTHONPATH=str(src))

    def gotriage(*args):
        proc = run_cli(list(args), env=env, cwd=str(tmp_path))
        assert b"Traceback" not in proc.stderr, proc.stderr.decode()
        return proc.stdout.decode()

    report = json.loads(gotriage("check", "--root", SNAPSHOT, "--json"))
    assert report["layers"] == ["demo"] + list(LAYERS)
    [demo] = [r for r in report["results"] if r["layer"] == "demo"]
    assert (demo["id"], demo["title"]) == ("DEMO-ANSWER", "the answer is 42")
    assert "the demo layer looked at nothing else" in report["notes"]
    text = gotriage("check", "--root", SNAPSHOT, "--layer", "demo")
    assert "\nDemo layer\n  \u2713 DEMO-ANSWER  the answer is 42\n" in text, text
    assert "DEMO-ANSWER-WRONG" in gotriage("checks")
    subprocess.run([sys.executable, str(tmp_path / "scripts" / "gen-findings-doc")], check=True,
                   env=env)
    doc = (tmp_path / "docs" / "findings.md").read_text()
    assert "## Layer `demo`\n\n### `DEMO-ANSWER`: the demo layer answers\n" in doc
    assert doc.index("## Layer `demo`") < doc.index("## Layer `toolchain`")
