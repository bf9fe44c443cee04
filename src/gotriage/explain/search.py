"""Which lines of a text hold which keys of the catalogue, searched over the text's
distinct line shapes rather than over the text itself.

A log repeats itself: a busy service's journal, a CI log, an audit log are a few dozen
(or a few thousand) kinds of line whose numbers change.  Each line's shape is the line
with every digit made 0 (and every character beyond Latin-1 made "?"); the distinct
shapes, joined, are a few kilobytes of the bench's 10 MB journal or CI log (560 kB of
its 10.5 MB audit log), and each key group is searched there (str.find) instead of in
the whole text: 231 passes over the shapes instead of 231 over the text.  A shape that
holds a group's needle (its shape, digits made 0) gives its lines, in the text's order;
a needle with digits (or characters beyond Latin-1) is checked again on each such line,
since its shape stands for more than it.  The lines are then read exactly as a search
of the text would read them: the first `limit` lines that hold the needle, per group,
the keys looked for in their first MAX_LINE characters.

Not done, measured on the bench's logs (bench/bench_explain.py) when this was written:
one `re` alternation of all the needles takes 0.25-0.5 s per MB, factored as a trie
0.05-0.1 s per MB (sre tries the alternatives at nearly every position), and the loop
per character of an Aho-Corasick automaton in Python 0.1 s per MB for its transitions
alone: all slower than 231 str.find passes over 10 MB.  A text whose shapes are still
large (lines that do not repeat) is searched by forked workers, each taking a share of
the groups.  Pure functions: no I/O but the workers' pipes.
"""

from bisect import bisect_right
from itertools import chain

DIGITS = bytes.maketrans(b"0123456789", b"0000000000")
PARALLEL_MIN = 2 * 1024 * 1024  # bytes of distinct shapes above which workers search them
MAX_WORKERS = 4


def shape_of(text):
    """The shape of `text`: one byte per character, digits 0, beyond Latin-1 "?".

    >>> shape_of("audit(1709370847.123:456): pid=2211 comm=\\"api\\" \\u00e9\\u4e0a")
    b'audit(0000000000.000:000): pid=0000 comm="api" \\xe9?'
    """
    return text.encode("latin-1", "replace").translate(DIGITS)


def found_lines(text, haystack, groups, max_line, cpus=1):
    """{line start: (line end, {signature name: signature})} of the lines that hold a key
    of `groups` [(needle, [(key, [signature])], line limit)]: per group, the first `limit`
    lines whose text in `haystack` (the lowered text, or the text) holds the needle, each
    given the signatures of the keys its first `max_line` characters of `text` hold, in
    the order of the groups, then of the lines, then of the keys.  `haystack` has the
    length of `text` and its newlines where the text has them."""
    mlines = shape_of(haystack).split(b"\n")
    distinct = list(dict.fromkeys(mlines))
    joined = b"\n".join(distinct)
    # where each distinct shape starts in `joined`, and one past the last
    dstarts = [0] * (len(distinct) + 1)
    at = 0
    for k, shape in enumerate(distinct):
        at += len(shape) + 1
        dstarts[k + 1] = at
    needles, exact = [], []
    for needle, _keys, limit in groups:
        mneedle = shape_of(needle)
        # without digits, "?" or characters beyond Latin-1, a line whose shape holds the
        # needle's holds the needle: the first `limit` shapes give the first `limit` lines
        exact.append(mneedle == needle.encode("latin-1", "replace") and b"?" not in mneedle)
        needles.append((mneedle, limit if exact[-1] else len(distinct)))
    # a needle with a character the shapes do not hold is not searched for (a character
    # is looked for with memchr: a log without "$", "*" or "_" spares a third of them)
    alphabet = set(chain.from_iterable(mneedle for mneedle, _most in needles))
    absent = {c for c in alphabet if bytes((c,)) not in joined}
    needles = [(mneedle, 0 if absent.intersection(mneedle) else most) for mneedle, most in needles]
    per_group = _shapes_in_parallel(joined, dstarts, needles, cpus)

    hit = set(chain.from_iterable(per_group))
    if not hit:
        return {}
    index = {distinct[k]: k for k in hit}
    lines_of = {k: [] for k in hit}
    for number, shape in enumerate(mlines):
        k = index.get(shape)
        if k is not None:
            lines_of[k].append(number)
    candidates = []
    needed = set()
    for (_needle, _keys, limit), exactly, shapes in zip(groups, exact, per_group):
        if exactly:
            lines = sorted(chain.from_iterable(lines_of[k][:limit] for k in shapes))[:limit]
        else:
            lines = sorted(chain.from_iterable(lines_of[k] for k in shapes))
        candidates.append((exactly, lines))
        needed.update(lines)
    starts = {}
    at, previous = 0, 0
    for number in sorted(needed):
        at += sum(map(len, mlines[previous:number])) + (number - previous)
        starts[number] = at
        previous = number

    found = {}
    for (needle, keys, limit), (exactly, lines) in zip(groups, candidates):
        seen = 0
        for number in lines:
            if seen >= limit:
                break
            start = starts[number]
            end = start + len(mlines[number])
            if not exactly and needle not in haystack[start:end]:
                continue
            seen += 1
            line = text[start:min(end, start + max_line)]
            for key, sigs in keys:
                if key in line:
                    entry = found.setdefault(start, (end, {}))
                    for sig in sigs:
                        entry[1].setdefault(sig.name, sig)
    return found


def _shapes(joined, dstarts, needles):
    """[[index of a distinct shape that holds the needle]] per (needle shape, at most);
    none for a needle of at most 0."""
    out = []
    for mneedle, most in needles:
        shapes = []
        at = joined.find(mneedle) if most else -1
        while at != -1 and len(shapes) < most:
            k = bisect_right(dstarts, at) - 1
            shapes.append(k)
            at = joined.find(mneedle, dstarts[k + 1])
        out.append(shapes)
    return out


def _shapes_in_parallel(joined, dstarts, needles, cpus):
    """_shapes over all needles, shared among forked processes when the distinct shapes
    are large and there are cores for it (str.find holds the GIL, so threads would not
    help); any trouble with a worker and its share is searched here."""
    import os

    workers = min(MAX_WORKERS, cpus)
    if workers < 2 or len(joined) < PARALLEL_MIN or not hasattr(os, "fork"):
        return _shapes(joined, dstarts, needles)
    import pickle

    children = []
    for share in range(1, workers):
        try:
            read, write = os.pipe()
            pid = os.fork()
        except OSError:
            break
        if pid == 0:  # the worker: its share's shape lists, then exit
            code = 1
            try:
                os.close(read)
                data = pickle.dumps(_shapes(joined, dstarts, needles[share::workers]))
                with os.fdopen(write, "wb") as out:
                    out.write(data)
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        children.append((share, pid, read))
    results = {0: _shapes(joined, dstarts, needles[0::workers])}
    for share, pid, read in children:
        with os.fdopen(read, "rb") as f:
            data = f.read()
        _pid, status = os.waitpid(pid, 0)
        if status == 0 and data:
            results[share] = pickle.loads(data)
    out = [None] * len(needles)
    for share in range(workers):
        mine = results.get(share)
        if mine is None:
            mine = _shapes(joined, dstarts, needles[share::workers])
        out[share::workers] = mine
    return out
