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
    for directory, _dirs, names in os.walk(CHECK_SOURCES):
        for name in names:
            if name.endswith(".py") and name != "__init__.py":
                with open(os.path.join(directory, name)) as f:
                    source = f.read()
                # ids passed to _f(...) / Finding(...): the first string argument
                ids.update(re.findall(r'(?:_f|\bFinding)\(\s*"([A-Z0-9-]+)"', source))
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


# A layer's checks run and print in the order they are registered; in a layer that is a
# package (checks/toolchain/, checks/service/) that is the order in which its __init__.py
# imports its check modules.
REPORT_ORDER = {
    "toolchain": ["GO-INSTALL", "GO-PATH", "GO-PROBE", "GO-ROOT", "GO-ENVFILE", "GO-MODULES",
                  "GO-VERSION", "GO-CGO", "GO-CACHE", "GO-PROXY", "GO-SUMDB", "GO-INPUT"],
    "service": ["SVC-UNIT", "SVC-EXEC", "SVC-WORKDIR", "SVC-USER", "SVC-ENV", "SVC-GO",
                "SVC-LIMITS", "SVC-PORT", "SVC-SANDBOX", "SVC-LABEL", "SVC-JOURNAL", "SVC-TRACE",
                "SVC-INPUT"],
}


def test_checks_are_registered_in_the_order_of_the_report():
    for layer, ids in REPORT_ORDER.items():
        assert [c.id for c in all_checks((layer,))] == ids, layer


def test_a_layer_package_has_one_check_per_module_named_after_its_id():
    """checks/service/svc_exec.py registers SVC-EXEC and nothing else: a finding id leads
    to its file by name."""
    packages = [name for name in sorted(os.listdir(CHECK_SOURCES))
                if os.path.isfile(os.path.join(CHECK_SOURCES, name, "__init__.py"))]
    assert {"service", "toolchain"} <= set(packages), packages
    for package in packages:
        modules = sorted(name[:-3] for name in os.listdir(os.path.join(CHECK_SOURCES, package))
                         if name.endswith(".py") and not name.startswith("_"))
        registered = {}
        for chk in all_checks():
            registered.setdefault(chk.func.__module__, []).append(chk.id)
        for module in modules:
            ids = registered.get("gotriage.checks.%s.%s" % (package, module), [])
            assert [i.lower().replace("-", "_") for i in ids] == [module], (package, module, ids)
        assert not [m for m in registered if m == "gotriage.checks." + package], \
            "a check registered in %s/__init__.py" % package
