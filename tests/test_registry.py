"""The check registry is the one source of finding ids: every id the code can emit is
registered and documented, and docs/findings.md is generated from it."""

import os
import re
import subprocess
import sys

from conftest import ROOT
from gotriage.checks import all_checks, known_ids

CHECK_SOURCES = os.path.join(ROOT, "src", "gotriage", "checks")


def _emitted_ids():
    ids = set()
    for name in os.listdir(CHECK_SOURCES):
        if name.endswith(".py") and name != "__init__.py":
            with open(os.path.join(CHECK_SOURCES, name)) as f:
                source = f.read()
            # ids passed to _f(...) / Finding(...): the first string argument
            ids.update(re.findall(r'_f\(\s*"([A-Z0-9-]+)"', source))
    return ids


def test_every_emitted_id_is_registered_and_every_registered_id_is_emitted():
    registered = set(known_ids())
    emitted = _emitted_ids()
    assert emitted, "no ids found: the pattern no longer matches the source"
    assert emitted - registered == set()
    assert {i for i in registered} - emitted == set()


def test_every_finding_is_documented():
    for chk in all_checks():
        assert chk.doc, chk.id
        for finding_id, doc in chk.findings.items():
            assert finding_id.startswith(chk.id + "-"), (chk.id, finding_id)
            assert doc.meaning and doc.evidence and doc.fix, finding_id


def test_findings_doc_is_up_to_date():
    proc = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "gen-findings-doc"), "--check"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert proc.returncode == 0, proc.stdout.decode()
