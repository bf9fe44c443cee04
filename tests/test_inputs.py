"""Every read of a host is a declared input (src/gotriage/inputs/).

`DeclaredOnly` (tests/declared_only.py) wraps a snapshot host and refuses any file,
directory or command that is not read through a declaration of the layer, or whose
concrete path or argv its template does not name.  Every layer runs through it on the
fixtures here, and every case of tests/cases in test_cases.py; the list of declarations
cannot drift from the code.  docs/inputs.md is the list, generated (scripts/gen-inputs-doc).
"""

import os
import subprocess
import sys

import pytest

from conftest import DATA, ROOT
from declared_only import DeclaredOnly
from firewall_scenarios import scenario_snapshot, scenarios
from gotriage import runner
from gotriage.checks import LAYERS
from gotriage.host.snapshot import open_snapshot


def _snapshots():
    found = [os.path.join(DATA, "snapshots", n) for n in ("el7-sudo-path", "el8-old-go",
                                                          "el9-goroot-envfile")]
    found += [os.path.join(DATA, "services", n) for n in ("el7-services", "el8-services",
                                                         "el9-services")]
    return found


def _run(snapshot, layers, options):
    host = DeclaredOnly(open_snapshot(snapshot))
    try:
        runner.run(host, layers, options)
    finally:
        host.close()
    return host


@pytest.mark.parametrize("snapshot", _snapshots(), ids=os.path.basename)
def test_every_layer_reads_only_what_it_declares(snapshot):
    host = _run(snapshot, list(LAYERS), {"project": "/srv/app"})
    assert not host.refused, host.refused[:20]


@pytest.mark.parametrize("unit", ["api", "worker", "store", "devapp", "cgo-app", "web"])
def test_the_service_layer_reads_only_what_it_declares(unit):
    host = _run(os.path.join(DATA, "services", "el9-services"), ["service"], {"units": [unit]})
    assert not host.refused, host.refused[:20]


@pytest.mark.parametrize("target", ["host", "el7", "2.17:aarch64"])
@pytest.mark.parametrize("program", ["cgo-app", "api", "dual", "go/bin/go"])
def test_the_binary_layer_reads_only_what_it_declares(program, target):
    host = DeclaredOnly(open_snapshot(os.path.join(DATA, "services", "el9-services")))
    path = "/usr/local/" + (program if "/" in program else "bin/" + program)
    try:
        findings = runner.examine("binary", host, {"path": path, "target": target})
    finally:
        host.close()
    assert not host.refused, host.refused[:20]
    assert any(f.id == "BIN-ELF" for f in findings), [f.id for f in findings]
    assert "binary/program-elf" in host.used


def test_the_firewall_layer_reads_only_what_it_declares(tmp_path):
    used = set()
    for backend, name, directory in scenarios()[:6]:
        snapshot = str(scenario_snapshot(directory, tmp_path / ("%s-%s" % (backend, name))))
        host = _run(snapshot, ["firewall"], {})
        assert not host.refused, (name, host.refused[:20])
        used |= host.used
    assert any(i.startswith("firewall/") for i in used)


def test_the_inputs_page_is_generated_from_the_declarations():
    script = os.path.join(ROOT, "scripts", "gen-inputs-doc")
    proc = subprocess.run([sys.executable, script, "--check"], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=60)
    assert proc.returncode == 0, proc.stdout.decode()
