"""The catalogue of `gotriage explain` (src/gotriage/knowledge/signatures): every
signature recognises the real messages it was written from, every value its texts name
is one its patterns (or explain) give, every id is a finding or a documented
explain-only cause, and every error a finding predicts on the fixtures the other tests
use (real Go, loaders, systemd, firewalld recordings) comes back from explain as that
finding's cause: the two cannot drift apart."""

import os
import re

import pytest

from conftest import ROOT
from gotriage.checks import known_ids
from gotriage.explain.command import analyzers
from gotriage.explain.match import explain_text, message_of
from gotriage.knowledge.signatures import MODULES, load

SIGNATURES = load()
KNOWN = known_ids()
# values explain adds to what the patterns give (explain/match.py _derive, confirm.py)
DERIVED = {"unit", "unit_stem", "module_root", "target_path", "frame", "location",
           "china_goproxy", "china_goproxy_aliyun", "china_gosumdb"}  # explain/match.py _china_values


def _ids_of(cand):
    ids = {cand.id}
    for other in cand.consequences:
        ids |= _ids_of(other)
    return ids


def _explained(text):
    result = explain_text(text, analyzers)
    ids = set()
    for cand in result.candidates + result.benign:
        ids |= _ids_of(cand)
    return result, ids


def _confirms(cand):
    from gotriage.explain.confirm import confirm_ids

    ids = set(confirm_ids(cand, KNOWN)) | {cand.id}
    for other in cand.consequences:
        ids |= _confirms(other)
    return ids


def test_the_catalogue_covers_every_layer():
    layers = {s.layer for s in SIGNATURES}
    assert {"toolchain", "loader", "packages", "selinux", "firewall", "systemd", "benign"} <= layers
    assert len(SIGNATURES) >= 100
    assert len(MODULES) == len(set(MODULES))


def test_names_are_unique():
    names = [s.name for s in SIGNATURES]
    assert len(names) == len(set(names)), [n for n in names if names.count(n) > 1]


@pytest.mark.parametrize("sig", SIGNATURES, ids=lambda s: s.name)
def test_every_signature_recognises_its_own_examples(sig):
    assert sig.examples, "%s has no real message" % sig.name
    for example in sig.examples:
        result, ids = _explained(example)
        assert sig.id in ids, (sig.name, example, [c.id for c in result.candidates])
        if sig.benign:
            assert not result.candidates, (sig.name, example)


@pytest.mark.parametrize("sig", [s for s in SIGNATURES if s.keys], ids=lambda s: s.name)
def test_every_matching_line_holds_a_key(sig):
    """The key search is what finds a line: a pattern that matched a line holding none of
    the keys would never be tried in a real paste."""
    for example in sig.examples:
        for line in example.splitlines():
            if sig.match(message_of(line)) is not None or sig.match(line) is not None:
                assert any(k in line for k in sig.keys), (sig.name, line)


@pytest.mark.parametrize("sig", SIGNATURES, ids=lambda s: s.name)
def test_templates_name_only_values_that_exist(sig):
    groups = set(DERIVED)
    for regex in sig.regexes():
        groups |= set(regex.groupindex)
    if not sig.keys:  # the go env reader's signatures
        groups |= {"goroot"}
    texts = [sig.title, sig.cause]
    for step in sig.fix:
        texts.extend(t for t in (step.text, step.path, step.why) if t)
        texts.extend(step.argv or ())
    for text in texts:
        for name in re.findall(r"\{([a-z_]+)\}", text):
            assert name in groups, (sig.name, name, text)


def test_every_id_names_real_findings():
    for sig in SIGNATURES:
        for finding_id in sig.confirm or ():
            assert finding_id in KNOWN, (sig.name, finding_id)
        for beaten in sig.beats:
            assert beaten in {s.id for s in SIGNATURES} or beaten in KNOWN, (sig.name, beaten)


def test_the_catalogue_doc_is_up_to_date():
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "gen-explain-doc"), "--check"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.returncode == 0, proc.stderr


# -- every error a finding predicts comes back as its cause -----------------------------
def _predicted_errors(base):
    """{(finding id, predicted error)} of every fixture of tests/test_fix_safety.py (the
    EL snapshots, every unit of the service snapshots, every audit log), of the recorded
    firewall scenarios, and of every case of tests/cases."""
    from firewall_scenarios import port_runs
    from test_fix_safety import FIXTURES, _gotriage_json

    pairs = {}
    runs = list(FIXTURES) + [argv for _label, argv in port_runs(base)]
    for argv in runs:
        for r in _gotriage_json(argv)["results"]:
            if r.get("predicted_error"):
                pairs.setdefault((r["id"], r["predicted_error"]), " ".join(argv))
    # and every case of tests/cases (one per finding id, tests/test_cases.py)
    from test_cases import CASES, argv_of, run_case

    class Temp(object):
        def mktemp(self, name):
            import pathlib
            import tempfile

            return pathlib.Path(tempfile.mkdtemp(prefix=name, dir=str(base)))
    for name, spec in CASES:
        _code, document = run_case(argv_of(name, spec["command"], Temp()))
        for r in document["results"]:
            if r.get("predicted_error"):
                pairs.setdefault((r["id"], r["predicted_error"]), "case " + name)
    return pairs


@pytest.fixture(scope="module")
def predicted(tmp_path_factory):
    return _predicted_errors(tmp_path_factory.mktemp("fw"))


def test_the_fixtures_predict_many_errors(predicted):
    assert len(predicted) >= 140
    assert len({fid for fid, _ in predicted}) >= 100


def test_every_predicted_error_is_recognised_as_its_cause(predicted):
    missed = []
    for (finding_id, text), where in sorted(predicted.items()):
        result = explain_text(text, analyzers)
        found = set()
        for cand in result.candidates + result.benign:
            found |= _confirms(cand)
        if finding_id not in found:
            missed.append((finding_id, text, where, [c.id for c in result.candidates]))
    assert not missed, "\n".join(map(repr, missed))
