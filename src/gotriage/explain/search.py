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

A log whose lines do not repeat (an id in hexadecimal or a UUID on each line, random
names) has shapes as large as itself, but few words: the words of the shapes (runs of
ASCII letters, class Words, made a quarter of a megabyte at a time, half of them by a
forked worker on a large text) rule out every needle whose words the text does not
hold, and only the others are searched for (on the bench's 10 MB logs of such lines,
7-10 of the 231).  Then each line is its own shape (when the first SAMPLE_LINES do not
repeat: making them distinct would spare nothing), and a needle with digits is
searched for in the text itself, not by its shape (which every line with a number in
the same place would hold).

Not done, measured on the bench's logs (bench/bench_explain.py) when this was written:
one `re` alternation of all the needles takes 0.25-0.5 s per MB, factored as a trie
0.05-0.1 s per MB (sre tries the alternatives at nearly every position), and the loop
per character of an Aho-Corasick automaton in Python 0.1 s per MB for its transitions
alone: all slower than 231 str.find passes over 10 MB; the words of 10 MB found by
`re.findall` take twice as long as by bytes.translate and split.  Shapes still large
with many needles to search for (words that are the catalogue's) are searched by forked
workers, each taking a share of the groups.  Pure functions: no I/O but the workers'
pipes.
"""

import re
from bisect import bisect_right
from itertools import accumulate, chain, compress, count

DIGITS = bytes.maketrans(b"0123456789", b"0000000000")
PARALLEL_MIN = 2 * 1024 * 1024  # bytes of distinct shapes above which workers search them
PARALLEL_NEEDLES = 16  # needles to search for, at least, for workers to be worth forking
MAX_WORKERS = 4
WORDS_CHUNK = 256 * 1024  # bytes split into words at a time (Words)
WORDS_PARALLEL_MIN = 2 * 1024 * 1024  # bytes above which a worker makes half the words
SAMPLE_LINES = 2000  # lines whose shapes tell whether the text's lines repeat
EXACT, SHAPE, RAW = "exact", "shape", "raw"  # how a group's lines are found
_LETTERS = bytes(range(ord("a"), ord("z") + 1)) + bytes(range(ord("A"), ord("Z") + 1))
# every byte but an ASCII letter made a space: the text's words are its split()
_WORDS_ONLY = bytes(c if c in _LETTERS else 32 for c in range(256))
_RUN = re.compile(b"[a-zA-Z]+")


def shape_of(text):
    """The shape of `text`: one byte per character, digits 0, beyond Latin-1 "?".

    >>> shape_of("audit(1709370847.123:456): pid=2211 comm=\\"api\\" \\u00e9\\u4e0a")
    b'audit(0000000000.000:000): pid=0000 comm="api" \\xe9?'
    """
    return text.encode("latin-1", "replace").translate(DIGITS)


class Words(object):
    """The words of a text (runs of ASCII letters, whatever is around them), to tell
    which needles it cannot hold without searching for them: a needle's words must be
    words of the text (a word the needle begins with ends one, a word it ends with
    begins one).  A log whose lines never repeat (random words, an id in hexadecimal
    on each line) has few words: most needles are then never searched for.

    >>> words = Words(b"type=avc msg=audit(0000:0): avc:  denied  { execute }")
    >>> [words.may_hold(n) for n in (b"denied", b"avc:  denied", b"ied  {", b"not found")]
    [True, True, True, False]
    >>> [words.may_hold(n) for n in (b"exec", b"execute", b"cute }", b" execut ", b"0000")]
    [True, True, True, False, True]
    """

    def __init__(self, data, start=0, end=None, cpus=1):
        """The words of data[start:end]; when it is large and there are cores for it, a
        forked worker makes those of its second half (any trouble with it, and they are
        made here)."""
        end = len(data) if end is None else end
        self.words = set()
        middle = data.find(b"\n", start + (end - start) // 2, end)
        if cpus < 2 or end - start < WORDS_PARALLEL_MIN or middle == -1:
            self._add(data, start, end)
        else:
            self._add_in_parallel(data, start, middle, end)
        self.joined = b"\n" + b"\n".join(self.words) + b"\n"

    def _add(self, data, start, end):
        # a quarter of a megabyte at a time, ended at a newline (never inside a word): the
        # words of 10 MB at once are a million objects (100 MB, and slower to make)
        while start < end:
            stop = data.find(b"\n", start + WORDS_CHUNK, end)
            stop = end if stop == -1 else stop
            self.words.update(data[start:stop].translate(_WORDS_ONLY).split())
            start = stop

    def _add_in_parallel(self, data, start, middle, end):
        import os
        import pickle

        try:
            read, write = os.pipe()
            pid = os.fork()
        except (OSError, AttributeError):
            self._add(data, start, end)
            return
        if pid == 0:  # the worker: the words of the second half, then exit
            code = 1
            try:
                os.close(read)
                self._add(data, middle, end)
                with os.fdopen(write, "wb") as out:
                    out.write(pickle.dumps(self.words))
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        self._add(data, start, middle)
        with os.fdopen(read, "rb") as f:
            got = f.read()
        _pid, status = os.waitpid(pid, 0)
        if status == 0 and got:
            self.words.update(pickle.loads(got))
        else:
            self._add(data, middle, end)

    def may_hold(self, needle):
        """False when the text cannot hold `needle` (bytes), else True."""
        for m in _RUN.finditer(needle):
            word = m.group()
            if m.start() and m.end() < len(needle):  # the whole word
                held = word in self.words
            elif m.start():  # a word begins with it
                held = b"\n" + word in self.joined
            elif m.end() < len(needle):  # a word ends with it
                held = word + b"\n" in self.joined
            else:
                held = word in self.joined
            if not held:
                return False
        return True


def found_lines(text, haystack, groups, max_line, cpus=1, words_out=None):
    """{line start: (line end, {signature name: signature})} of the lines that hold a key
    of `groups` [(needle, [(key, [signature])], line limit)]: per group, the first `limit`
    lines whose text in `haystack` (the lowered text, or the text) holds the needle, each
    given the signatures of the keys its first `max_line` characters of `text` hold, in
    the order of the groups, then of the lines, then of the keys.  `haystack` has the
    length of `text` and its newlines where the text has them."""
    raw = haystack.encode("latin-1", "replace")
    shaped = raw.translate(DIGITS)
    mlines = shaped.split(b"\n")
    sample = mlines[:SAMPLE_LINES]
    # lines whose first thousands do not repeat (an id on each line) are not made
    # distinct (it would spare nothing): each line is its own shape
    each_line = len(mlines) > SAMPLE_LINES and len(set(sample)) * 10 > len(sample) * 9
    if each_line:
        distinct, joined = mlines, shaped
    else:
        distinct = list(dict.fromkeys(mlines))
        joined = b"\n".join(distinct)
    # where each distinct shape starts in `joined`, and one past the last
    dstarts = [0]
    dstarts.extend(accumulate(map((1).__add__, map(len, distinct))))
    # shapes that are most of the text (lines that do not repeat): a needle with digits
    # is searched for in the text itself (its shape would be found on many more lines)
    unrepeated = len(joined) * 2 > len(raw)
    needles, modes = [], []
    for needle, _keys, limit in groups:
        mneedle = shape_of(needle)
        rneedle = needle.encode("latin-1", "replace")
        if mneedle == rneedle and b"?" not in mneedle:
            # without digits, "?" or characters beyond Latin-1, a line whose shape holds
            # the needle's holds the needle: the first `limit` shapes give the first
            # `limit` lines
            modes.append(EXACT)
        elif unrepeated and b"?" not in rneedle:
            modes.append(RAW)
        else:
            modes.append(SHAPE)
        needles.append((mneedle, limit if modes[-1] == EXACT else len(distinct)))
    # a needle with a character the shapes do not hold is not searched for (a character
    # is looked for with memchr: a log without "$", "*" or "_" spares a third of them)
    alphabet = set(chain.from_iterable(mneedle for mneedle, _most in needles)).difference(_LETTERS)
    absent = {c for c in alphabet if bytes((c,)) not in joined}
    # nor is a needle whose words the shapes do not hold (Words)
    words = Words(joined, cpus=cpus)
    if words_out is not None:
        words_out.append(words)
    needles = [(mneedle, 0 if absent.intersection(mneedle) or not words.may_hold(mneedle) else most)
               for mneedle, most in needles]
    line_starts = dstarts if each_line else None
    raw_lines = {}
    for k, ((needle, _keys, limit), mode, (mneedle, most)) in enumerate(zip(groups, modes, needles)):
        if mode == RAW:
            needles[k] = (mneedle, 0)
            if most:
                if line_starts is None:
                    line_starts = [0]
                    line_starts.extend(accumulate(map((1).__add__, map(len, mlines))))
                raw_lines[k] = _lines_holding(raw, line_starts, needle.encode("latin-1"), limit)
    per_group = _shapes_in_parallel(joined, dstarts, needles, cpus)

    hit = set(chain.from_iterable(per_group))
    if not hit and not any(raw_lines.values()):
        return {}
    if each_line:
        lines_of = {k: [k] for k in hit}
    else:
        index = {distinct[k]: k for k in hit}
        lines_of = {k: [] for k in hit}
        for number in compress(count(), map(index.__contains__, mlines)):
            lines_of[index[mlines[number]]].append(number)
    candidates = []
    needed = set()
    for k, ((_needle, _keys, limit), mode, shapes) in enumerate(zip(groups, modes, per_group)):
        if mode == EXACT:
            lines = sorted(chain.from_iterable(lines_of[s][:limit] for s in shapes))[:limit]
        elif mode == RAW:
            lines = raw_lines.get(k, [])
        else:
            lines = sorted(chain.from_iterable(lines_of[s] for s in shapes))
        candidates.append((mode != SHAPE, lines))
        needed.update(lines)
    if line_starts is not None:
        starts = line_starts
    else:
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


def _lines_holding(raw, line_starts, needle, limit):
    """The numbers of the first `limit` lines of `raw` that hold `needle`."""
    lines = []
    at = raw.find(needle)
    while at != -1 and len(lines) < limit:
        number = bisect_right(line_starts, at) - 1
        lines.append(number)
        at = raw.find(needle, line_starts[number + 1])
    return lines


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
    if workers < 2 or len(joined) < PARALLEL_MIN or not hasattr(os, "fork") or \
            sum(1 for _mneedle, most in needles if most) < PARALLEL_NEEDLES:
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
