"""The sample outputs in README.md and docs/*.md are what gotriage prints today: each
`$ gotriage ... --root SNAPSHOT` block is run and compared (scripts/gen-doc-samples
rewrites them), so a sample cannot go stale."""

import os
import subprocess
import sys

from conftest import ROOT


def test_the_doc_samples_are_current():
    script = os.path.join(ROOT, "scripts", "gen-doc-samples")
    proc = subprocess.run([sys.executable, script, "--check"], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=600)
    assert proc.returncode == 0, proc.stdout.decode()


def test_the_readme_has_a_sample_the_script_runs():
    sys.path.insert(0, os.path.join(ROOT, "scripts"))
    import importlib.machinery
    import importlib.util

    loader = importlib.machinery.SourceFileLoader(
        "gen_doc_samples", os.path.join(ROOT, "scripts", "gen-doc-samples"))
    spec = importlib.util.spec_from_loader("gen_doc_samples", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        found = module.samples(f.read().split("\n"))
    assert [args[:3] for _start, _end, args in found][:1] == [
        ["check", "--root", "tests/data/snapshots/el9-goroot-envfile"]]
