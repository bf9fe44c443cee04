"""`gotriage explain` on the public corpus: real excerpts from public reports (issue
trackers, forums), each with its link and the cause its thread established
(tests/data/explain/SOURCES.md tells how it was built), and near-misses that look
alarming and are no fault.

What is asserted is what users meet: the top answer is the thread's cause on at least
90 % of the reports, no near-miss raises a problem, the top answer's fix mentions what
the thread's fix needed (a path, a variable, a package), and no fix holds a placeholder
or a recursive change of a system directory.  The misses are printed, so that a change
that loses one shows which."""

import collections
import glob
import os
import re

import pytest

from conftest import DATA
from gotriage.checks import known_ids
from gotriage.explain.command import analyzers
from gotriage.explain.match import explain_text
from gotriage.explain.render import finding_of
from gotriage.findings import too_wide

CORPUS = os.path.join(DATA, "explain", "corpus")
LAYERS = ("toolchain", "loader", "packages", "selinux", "firewall", "systemd")


def _read(path):
    with open(path, encoding="utf-8") as f:
        raw = f.read()
    head, sep, body = raw.partition("\n---\n")
    assert sep, "%s: no --- line" % path
    meta = {}
    for line in head.splitlines():
        key, colon, value = line.partition(":")
        assert colon, "%s: not a header line: %r" % (path, line)
        meta[key.strip()] = value.strip()
    return meta, body


CASES = [(os.path.basename(p),) + _read(p) for p in sorted(glob.glob(os.path.join(CORPUS, "*.txt")))]
REPORTS = [c for c in CASES if c[1]["cause"] != "none"]
NEAR_MISSES = [c for c in CASES if c[1]["cause"] == "none"]


def _causes_documented():
    ids = set()
    for path in glob.glob(os.path.join(DATA, "explain", "CAUSES-*.md")):
        with open(path, encoding="utf-8") as f:
            ids.update(re.findall(r"^## ([A-Z]+-[A-Z0-9-]+)", f.read(), re.M))
    return ids


def test_the_corpus_is_large_and_covers_every_layer():
    assert len(REPORTS) >= 150
    assert len(NEAR_MISSES) >= 20
    by_layer = collections.Counter(name.split("-")[0] for name, _m, _b in REPORTS)
    for layer in LAYERS:
        assert by_layer[layer] >= 25, (layer, by_layer)


@pytest.mark.parametrize("name,meta,body", CASES, ids=[c[0] for c in CASES])
def test_every_case_is_well_formed(name, meta, body):
    assert meta.get("source"), name
    assert meta.get("seen"), name
    assert body.strip(), name
    cause = meta["cause"]
    if cause == "none":
        assert meta.get("why"), name
    else:
        assert cause in known_ids() or cause in _causes_documented(), (name, cause)
        assert meta.get("fix"), name


def test_no_thread_gives_more_than_two_cases():
    sources = collections.Counter(meta["source"] for _n, meta, _b in CASES)
    assert max(sources.values()) <= 2, sources.most_common(3)


def _top(body):
    result = explain_text(body, analyzers)
    return result, (result.candidates[0] if result.candidates else None)


def test_the_top_answer_is_the_threads_cause():
    right, misses = 0, []
    for name, meta, body in REPORTS:
        _result, top = _top(body)
        if top is not None and top.id == meta["cause"]:
            right += 1
        else:
            misses.append("%s: want %s, got %s" % (name, meta["cause"], top.id if top else None))
    share = right / float(len(REPORTS))
    print("top-1: %d of %d (%.1f %%)" % (right, len(REPORTS), 100 * share))
    print("\n".join(misses))
    assert share >= 0.90, "\n".join(misses)


@pytest.mark.parametrize("name,meta,body", NEAR_MISSES, ids=[c[0] for c in NEAR_MISSES])
def test_a_near_miss_raises_no_problem(name, meta, body):
    result = explain_text(body, analyzers)
    assert not result.candidates, (name, [c.id for c in result.candidates])


def _words(finding):
    parts = [finding.title, finding.why or ""]
    for action in finding.fix:
        parts.extend([action.render(), action.description or ""])
    return " ".join(parts).lower()


def test_the_top_fix_mentions_what_the_threads_fix_needed():
    checked, mentioned, misses = 0, 0, []
    for name, meta, body in REPORTS:
        words = [w.strip() for w in meta.get("fix-mentions", "").split(",") if w.strip()]
        _result, top = _top(body)
        if not words or top is None or top.id != meta["cause"]:
            continue
        checked += 1
        if any(w.lower() in _words(finding_of(top, lambda n: ("text", n))) for w in words):
            mentioned += 1
        else:
            misses.append("%s: %s" % (name, words))
    print("fix mentions: %d of %d" % (mentioned, checked))
    print("\n".join(misses))
    assert checked >= 150
    assert mentioned >= 0.8 * checked, "\n".join(misses)


PLACEHOLDER = re.compile(r"<[^<>]+>|\{[a-z_]+\}")


def test_no_fix_holds_a_placeholder_or_a_recursive_system_change():
    for name, _meta, body in CASES:
        result = explain_text(body, analyzers)
        for cand in result.candidates:
            for action in finding_of(cand, lambda n: ("text", n)).fix:
                if action.kind == "command":
                    assert too_wide(action.argv) is None, (name, action.argv)
                    assert not any(PLACEHOLDER.search(a) for a in action.argv), (name, action.argv)
                if action.kind == "note":
                    assert not re.search(r"\{[a-z_]+\}", action.description), (name, action.description)
