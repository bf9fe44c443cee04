"""explain's search of distinct line shapes (explain/search.py) finds exactly the lines,
and gives them exactly the signatures, that one str.find pass per key group over the
whole text finds (the search explain made before, kept here as the definition): on
texts made of the catalogue's own examples with their digits, cases and characters
beyond Latin-1 changed, repeated past the groups' line limits; and the lines that look
like errors (the "nothing recognised" answer) are those a regular expression tried on
every line finds."""

import random

import pytest

from gotriage.explain import match, search
from gotriage.knowledge.signatures import load

MAX_LINE = match.MAX_LINE


def _reference(text, low, groups):
    """One pass per group over the text: the first `limit` lines holding the needle."""
    haystack = low if low is not None else text
    found = {}
    for needle, keys, limit in groups:
        at = haystack.find(needle)
        seen = 0
        while at != -1 and seen < limit:
            start = text.rfind("\n", 0, at) + 1
            end = text.find("\n", at)
            end = len(text) if end == -1 else end
            seen += 1
            line = text[start:min(end, start + MAX_LINE)]
            for key, sigs in keys:
                if key in line:
                    entry = found.setdefault(start, (end, {}))
                    for sig in sigs:
                        entry[1].setdefault(sig.name, sig)
            at = haystack.find(needle, end)
    return found


def _groups(lowered):
    _signatures, by_key, by_anchor = match.catalogue()
    if lowered:
        return [(anchor, keys, limit) for anchor, (keys, limit) in by_anchor.items()]
    return [(key, [(key, sigs)], match.MAX_LINES_PER_KEY) for key, sigs in by_key.items()]


def _plain(found):
    return {start: (end, list(sigs)) for start, (end, sigs) in found.items()}


EXAMPLES = [line for sig in load() for example in sig.examples for line in example.split("\n")]
CHANGES = [
    lambda line: line,
    lambda line: line.upper(),
    lambda line: "".join(str((int(c) + 1) % 10) if c.isdigit() else c for c in line),
    lambda line: line.replace("0", "\u4e0a"),  # a digit where a CJK character was
    lambda line: "\u00e9t\u00e9 " + line,  # Latin-1
    lambda line: line.replace("e", "\u0435"),  # a Cyrillic e: beyond Latin-1
    lambda line: "? " + line.replace(" ", "?", 1),
    lambda line: "x" * (MAX_LINE - 10) + line,  # the key past MAX_LINE
    lambda line: line + "\r",
]
FILLER = ["2026-12-07T10:00:%02d+0000 web1 api[2211]: GET /items/%d 200",
          "go: downloading github.com/example/mod%d v1.%d.0", "Started api.service%d (%d)."]


def _text(rng, lines):
    out = []
    for _ in range(lines):
        if rng.random() < 0.5:
            out.append(rng.choice(FILLER) % (rng.randint(0, 99), rng.randint(0, 9999)))
        else:
            out.append(rng.choice(CHANGES)(rng.choice(EXAMPLES)))
    text = "\n".join(out)
    return text if rng.random() < 0.5 else text + "\n"


@pytest.mark.parametrize("seed", range(12))
def test_the_shapes_find_what_a_pass_per_group_finds(seed):
    rng = random.Random(seed)
    text = _text(rng, rng.choice([5, 200, 3000]))
    low = text.lower()
    lowered = len(low) == len(text)
    groups = _groups(lowered)
    if seed % 2:  # every group's line limit reached: lines that hold its shape, not its needle
        groups = [(needle, keys, rng.randint(1, 3)) for needle, keys, _limit in groups]
    want = _reference(text, low if lowered else None, groups)
    got = search.found_lines(text, low if lowered else text, groups, MAX_LINE)
    assert _plain(got) == _plain(want)
    assert want  # the examples are found at all


@pytest.mark.parametrize("seed", range(6))
def test_lines_that_never_repeat_find_what_a_pass_per_group_finds(seed, monkeypatch):
    # an id in hexadecimal (or a UUID) on every line: the shapes are the lines, each
    # line is its own shape, a needle with digits is searched for in the text itself,
    # and most needles are never searched for (their words are not the text's)
    monkeypatch.setattr(search, "SAMPLE_LINES", 40)
    rng = random.Random(seed)
    lines = []
    for n in range(rng.choice([60, 400, 2500])):
        ids = "trace_id=%032x span=%016x" % (rng.getrandbits(128), rng.getrandbits(64))
        if rng.random() < 0.1:
            lines.append(rng.choice(CHANGES)(rng.choice(EXAMPLES)) + " " + ids)
        else:
            lines.append("2026-12-07T10:00:%02d+0000 web1 api[2211]: GET /items/%d %s" % (
                n % 60, n, ids))
    text = "\n".join(lines) + "\n"
    low = text.lower()
    lowered = len(low) == len(text)
    groups = _groups(lowered)
    if seed % 2:
        groups = [(needle, keys, rng.randint(1, 3)) for needle, keys, _limit in groups]
    want = _reference(text, low if lowered else None, groups)
    searched, real = [], search._lines_holding
    monkeypatch.setattr(search, "_lines_holding", lambda *a: searched.append(a[2]) or real(*a))
    got = search.found_lines(text, low if lowered else text, groups, MAX_LINE)
    assert _plain(got) == _plain(want)
    assert want and searched  # needles with digits were searched for in the text


def test_the_words_of_a_text_rule_out_only_needles_it_does_not_hold():
    rng = random.Random(3)
    text = _text(rng, 300).lower().encode("latin-1", "replace")
    words = search.Words(text)
    needles = {key.lower().encode("latin-1", "replace") for sig in load() for key in sig.keys}
    needles.update(text[i:i + rng.randint(1, 30)] for i in rng.sample(range(len(text)), 300))
    held = [n for n in needles if n in text]
    assert held and all(words.may_hold(n) for n in held)
    assert not words.may_hold(b"permission denied by a word that is not there")


def test_the_words_of_a_large_text_are_made_half_by_a_worker_with_the_same_answer(monkeypatch):
    import os
    import pickle

    text = _text(random.Random(9), 3000).lower().encode("latin-1", "replace")
    want = search.Words(text).words
    forks, real_fork = [], os.fork

    def fork():
        forks.append(1)
        return real_fork()
    monkeypatch.setattr(os, "fork", fork)
    monkeypatch.setattr(search, "WORDS_PARALLEL_MIN", 1000)
    monkeypatch.setattr(search, "WORDS_CHUNK", 700)  # chunks end at newlines, not in words
    assert search.Words(text, cpus=2).words == want and forks == [1]
    assert search.Words(text, cpus=1).words == want and forks == [1]

    def broken(obj):
        raise RuntimeError("worker broken")
    monkeypatch.setattr(pickle, "dumps", broken)  # the worker's half is made by the parent
    assert search.Words(text, cpus=2).words == want and forks == [1, 1]


def test_a_group_stops_at_its_line_limit_in_the_order_of_the_lines():
    # "go: downloading " (no fault) is read on its first 50 lines; digits vary the line,
    # not its shape, and a needle with digits (203/exec) is told from 204/exec
    lines = ["go: downloading example.com/m%d v1.0.%d" % (n, n % 7) for n in range(120)]
    lines[70:70] = ["api.service: Main process exited, code=exited, status=204/EXEC",
                    "api.service: Main process exited, code=exited, status=203/EXEC"]
    text = "\n".join(lines) + "\n"
    groups = _groups(True)
    got = search.found_lines(text, text.lower(), groups, MAX_LINE)
    assert _plain(got) == _plain(_reference(text, text.lower(), groups))
    downloads = [s for s, (_e, sigs) in got.items() if "OK-GO-DOWNLOADING" in sigs]
    assert len(downloads) == 50 and max(downloads) < text.index("m50 ")
    by_line = {text[s:e]: sorted(sigs) for s, (e, sigs) in got.items()}
    assert "SVC-JOURNAL-EXEC" in by_line[lines[71]]
    assert by_line[lines[70]] == ["SVC-JOURNAL-EXIT"]  # 204/EXEC: its shape, not its key


def test_shapes_that_do_not_repeat_are_searched_by_workers_with_the_same_answer(monkeypatch):
    import os

    rng = random.Random(7)
    text = _text(rng, 4000)
    groups = _groups(True)
    want = _plain(search.found_lines(text, text.lower(), groups, MAX_LINE))
    forks, real_fork = [], os.fork

    def fork():
        forks.append(1)
        return real_fork()
    monkeypatch.setattr(os, "fork", fork)
    monkeypatch.setattr(search, "PARALLEL_MIN", 1000)
    got = _plain(search.found_lines(text, text.lower(), groups, MAX_LINE, cpus=3))
    assert len(forks) == 2
    assert got == want


def test_a_failing_worker_leaves_its_share_to_the_parent(monkeypatch):
    import pickle

    text = _text(random.Random(8), 3000)
    groups = _groups(True)
    want = _plain(search.found_lines(text, text.lower(), groups, MAX_LINE))

    def broken(obj):
        raise RuntimeError("worker broken")
    monkeypatch.setattr(pickle, "dumps", broken)
    monkeypatch.setattr(search, "PARALLEL_MIN", 1000)
    assert _plain(search.found_lines(text, text.lower(), groups, MAX_LINE, cpus=2)) == want


def _error_lines_reference(text, limit=20):
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        if match._ERRORISH.search(line[:MAX_LINE]):
            out.append((number, line[:MAX_LINE]))
            if len(out) >= limit:
                break
    return out


@pytest.mark.parametrize("seed,window", [(0, 3), (1, 40), (2, match.FIRST_WINDOW)])
def test_the_lines_that_look_like_errors_are_those_the_expression_finds_line_by_line(
        seed, window, monkeypatch):
    monkeypatch.setattr(match, "FIRST_WINDOW", window)  # a word across a window's end
    rng = random.Random(seed)
    parts = ["error", "ERROR", "xerror", "failed", "Failure", "fail", "timed out", "timeout",
             "not found", "nothing", "can't", "Cannot", "x", " ", "\n", "\n\n", "panic:",
             "invalid", "a" * 5000 + "error", "Fatal", "b" * 150000, "b" * 150000 + "\n",
             "\r\n", "\u017fome", "refu\u017fed", "\u00e9rror"]
    for _ in range(100):  # texts past the first window of 256 kB among them
        text = "".join(rng.choice(parts) for _ in range(rng.randint(0, 40)))
        limit = rng.randint(1, 5)
        want = _error_lines_reference(text, limit)
        assert match._error_lines(text, limit) == want, text
        # with the words of the text: the error words it cannot hold are not looked for
        words = search.Words(search.shape_of(text.lower()))
        assert match._error_lines(text, limit, words) == want, text


def test_the_modules_samples_hold():
    import doctest

    results = doctest.testmod(search)
    assert results.failed == 0 and results.attempted >= 4
