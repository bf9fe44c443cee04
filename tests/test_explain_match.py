"""explain's search itself (explain/match.py, explain/search.py): a large log whose lines
do not repeat is searched by several processes, and finds exactly what one process finds; what a line's prefix hides, a case
the lowered search cannot take, and a key at the very start and end of the text."""

import pytest

from gotriage.explain import match, search
from gotriage.explain.command import analyzers

MESSAGES = ["go: go.mod requires go >= 1.22.0 (running go 1.21.13; GOTOOLCHAIN=local)",
            "dial tcp 10.0.0.5:8080: connect: no route to host",
            "api.service: Failed to determine user credentials: No such process",
            "./api: /lib64/libc.so.6: version `GLIBC_2.34' not found (required by ./api)"]
FILLER = "2026-12-07T10:00:00+0000 web1 api[2211]: GET /api/v1/items/%s 200 1234 bytes in 5ms\n"


def _letters(n):
    """n in letters: a line that holds it has a shape of its own (digits are made 0)."""
    out = ""
    while True:
        n, digit = divmod(n, 26)
        out += "abcdefghijklmnopqrstuvwxyz"[digit]
        if not n:
            return out


def _log(lines):
    """A log of `lines` filler lines, each of its own shape, with the messages at its
    start, middle and end."""
    body = [FILLER % _letters(n) for n in range(lines)]
    body[0] = MESSAGES[0] + "\n"
    body[lines // 3] = MESSAGES[1] + "\n"
    body[2 * lines // 3] = MESSAGES[2] + "\n"
    body[-1] = MESSAGES[3]  # the last line, without a newline
    return "".join(body)


def _answer(result):
    return [(c.id, [h.line for h in c.hits], sorted(c.values.items())) for c in result.candidates]


@pytest.fixture
def serial(monkeypatch):
    def explain(text):
        monkeypatch.setattr(search, "PARALLEL_MIN", 10 ** 12)
        try:
            return match.explain_text(text, analyzers)
        finally:
            monkeypatch.undo()
    return explain


def test_a_large_log_is_searched_in_parallel_with_the_same_answer(serial, monkeypatch):
    import os

    text = _log(60000)  # about 5 MB of distinct shapes: above PARALLEL_MIN
    assert len(text) > search.PARALLEL_MIN
    forks, real_fork = [], os.fork

    def fork():
        forks.append(1)
        return real_fork()
    monkeypatch.setattr(os, "fork", fork)
    monkeypatch.setattr(match, "_cpus", lambda: 2)
    parallel = match.explain_text(text, analyzers)
    monkeypatch.undo()
    assert forks, "the search did not fork"
    assert _answer(parallel) == _answer(serial(text))
    ids = [c.id for c in parallel.candidates]
    assert set(ids) == {"GO-VERSION-GOMOD-NEWER", "FW-PORT-UNREACHABLE", "SVC-USER-MISSING",
                        "BIN-GLIBC-TOO-OLD"}
    lines = {c.id: c.hits[0].line for c in parallel.candidates}
    assert lines["GO-VERSION-GOMOD-NEWER"] == 1 and lines["BIN-GLIBC-TOO-OLD"] == 60000


def test_a_worker_that_fails_leaves_its_share_to_the_parent(serial, monkeypatch):
    import pickle

    text = _log(60000)
    monkeypatch.setattr(match, "_cpus", lambda: 2)

    def broken(obj):
        raise RuntimeError("worker broken")
    monkeypatch.setattr(pickle, "dumps", broken)
    result = match.explain_text(text, analyzers)
    monkeypatch.undo()
    assert _answer(result) == _answer(serial(text))


def test_a_text_whose_lower_case_is_longer_is_searched_key_by_key():
    # U+0130 lowers to two characters: the lowered text no longer lines up
    text = "\u0130stanbul\n" + MESSAGES[1] + "\n" + MESSAGES[0] + "\n"
    assert len(text.lower()) != len(text)
    ids = {c.id for c in match.explain_text(text, analyzers).candidates}
    assert ids == {"FW-PORT-UNREACHABLE", "GO-VERSION-GOMOD-NEWER"}


def test_a_prefix_is_taken_off_before_the_patterns_see_the_line():
    for prefix in ("Mar 02 10:14:07 web1 systemd[1]: ", "2026-12-07T10:00:00+0000 web1 x[1]: ",
                   "2024/05/02 10:00:00 ", "#12 3.456 ", "> ", "$ "):
        result = match.explain_text(prefix + "sudo: go: command not found\n", analyzers)
        assert [c.id for c in result.candidates] == ["GO-PATH-NOT-FOUND"], prefix
