"""What the fuzz tests share: a bounded, reproducible hypothesis profile, real samples
from tests/data, and strategies that mutate them.

The contract every fuzz test checks: a parser returns records or raises only its
documented error type (ConfigError, RichRuleError, ElfError, PgpError...), never anything
else, whatever the input.  Random text alone rarely gets past a format's first line, so
most examples are real files (tests/data, this machine's own binaries) mutated a few times:
bytes flipped, cut, a word replaced by a hostile token ("²", a NUL, an unknown encoding,
a 20-digit number), a range deleted or doubled.

The example count is bounded so the fuzz suite stays a few seconds per Python in CI:
GOTRIAGE_FUZZ_EXAMPLES (default FUZZ_EXAMPLES) is the count per test; a long local run
sets it higher, e.g. `GOTRIAGE_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest -q
tests/test_fuzz_parsers.py`.  Examples are derandomized (the same inputs on every run,
no example database), so a CI failure reproduces locally; GOTRIAGE_FUZZ_SEED picks
another fixed sequence.
"""

import json
import os
import random
import re

from hypothesis import HealthCheck, seed, settings
from hypothesis import strategies as st

from conftest import DATA

FUZZ_EXAMPLES = 50
EXAMPLES = int(os.environ.get("GOTRIAGE_FUZZ_EXAMPLES") or FUZZ_EXAMPLES)
SEED = os.environ.get("GOTRIAGE_FUZZ_SEED")

FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=SEED is None,
                suppress_health_check=list(HealthCheck), print_blob=False)


def fuzz(test, share=1):
    """The fuzz profile on one test (and the seed of GOTRIAGE_FUZZ_SEED when it is set);
    a slow test takes a `share` of the examples (at least 20)."""
    test = settings(FUZZ, max_examples=max(20, int(EXAMPLES * share)) if share != 1 else EXAMPLES)(test)
    if SEED is not None:
        test = seed(int(SEED))(test)
    return test


def fuzz_share(share):
    """@fuzz_share(1 / 3): the fuzz profile with a share of the examples."""
    return lambda test: fuzz(test, share)


# Inputs that broke real parsers: a digit str.isdigit() accepts and int() refuses, an
# encoding Python does not know, NUL and the ENRICHED separator, numbers past every
# range, quotes and brackets, a character that is not UTF-8 once encoded, long runs.
TOKENS = [
    "²", "٣", "①", "\x00", "\x1d", "\n", "\r", "\r\n", "\t", "", " ", '"', "'", "=", "-", ":",
    "/", "{", "}", "[", "]", "<", ">", "&", "&#0;", "&amp;", "%", "%%", "$", "${", "\\", "\\x",
    "ÿ", "\ufffd", "\u2028", "\x85", "é", "#", ";", ",", ".", "..", "*", "@",
    "99999999999999999999", "4294967296", "65536", "-1", "0", "00", "0x1F", "1e999", "nan",
    "q", "utf-16", "latin-1", "ebcdic", "yes", "no", "true", "NOT", "not", "type=", "avc:",
    "<rule/>", "<!--", "]]>", "<![CDATA[", "x" * 3000, "\n" * 50,
]
BYTE_TOKENS = [t.encode("utf-8") for t in TOKENS] + [
    b"\xff", b"\xfe\xff", b"\xc3", b"\xed\xa0\x80", b"\x80" * 8, b"\x00" * 16, b"\x7fELF",
    b"\xff" * 8, b"\x01\x00\x00\x00", b"\x00\x00\x00\x80",
]

_WORD = re.compile(r"[A-Za-z0-9_.\-]+")
_WORD_B = re.compile(br"[A-Za-z0-9_.\-]+")


def read_data(*parts):
    with open(os.path.join(DATA, *parts), "rb") as f:
        return f.read()


def text_data(*parts):
    return read_data(*parts).decode("utf-8", "replace")


def data_files(directory, suffix="", limit=None):
    """The texts of the files under tests/data/DIRECTORY whose names end in suffix."""
    out = []
    base = os.path.join(DATA, directory)
    for root, _dirs, names in sorted(os.walk(base)):
        for name in sorted(names):
            if name.endswith(suffix):
                with open(os.path.join(root, name), "rb") as f:
                    out.append(f.read().decode("utf-8", "replace"))
    return out[:limit] if limit else out


def excerpts(texts, max_lines=40):
    """Windows of at most max_lines lines of each text (a big log is fuzzed piece by
    piece: an example stays small and fast)."""
    out = []
    for text in texts:
        lines = text.splitlines(True)
        if len(lines) <= max_lines:
            out.append(text)
            continue
        for start in range(0, len(lines), max_lines):
            out.append("".join(lines[start:start + max_lines]))
    return out


@st.composite
def mutated(draw, samples, max_ops=6, binary=False):
    """A sample (str, or bytes when binary) with up to max_ops mutations."""
    data = draw(st.sampled_from(samples))
    tokens = BYTE_TOKENS if binary else TOKENS
    word = _WORD_B if binary else _WORD
    for _ in range(draw(st.integers(0, max_ops))):
        op = draw(st.sampled_from(("insert", "replace-word", "replace", "delete", "double",
                                   "truncate", "flip", "swap-lines", "random")))
        n = len(data)
        pos = draw(st.integers(0, n))
        if op == "insert":
            data = data[:pos] + draw(st.sampled_from(tokens)) + data[pos:]
        elif op == "replace-word":
            found = [m for m in word.finditer(data)]
            if found:
                m = found[draw(st.integers(0, len(found) - 1))]
                data = data[:m.start()] + draw(st.sampled_from(tokens)) + data[m.end():]
        elif op == "replace" and n:
            pos = min(pos, n - 1)
            data = data[:pos] + draw(st.sampled_from(tokens)) + data[pos + 1:]
        elif op == "delete":
            end = draw(st.integers(pos, min(n, pos + 64)))
            data = data[:pos] + data[end:]
        elif op == "double":
            end = draw(st.integers(pos, min(n, pos + 200)))
            data = data[:end] + data[pos:end] + data[end:]
        elif op == "truncate":
            data = data[:pos]
        elif op == "flip" and n:
            pos = min(pos, n - 1)
            bit = 1 << draw(st.integers(0, 7))
            if binary:
                data = data[:pos] + bytes([data[pos] ^ bit]) + data[pos + 1:]
            else:
                flipped = chr(ord(data[pos]) ^ bit)
                data = data[:pos] + flipped + data[pos + 1:]
        elif op == "swap-lines":
            sep = b"\n" if binary else "\n"
            lines = data.split(sep)
            if len(lines) > 1:
                i = draw(st.integers(0, len(lines) - 1))
                j = draw(st.integers(0, len(lines) - 1))
                lines[i], lines[j] = lines[j], lines[i]
                data = sep.join(lines)
        elif op == "random":
            noise = draw(st.binary(max_size=40) if binary else st.text(max_size=40))
            data = data[:pos] + noise + data[pos:]
    return data


def fuzzed_text(samples, **kw):
    """Mutated real samples, mostly; plain random text now and then."""
    return st.one_of(mutated(samples, **kw), mutated(samples, **kw), mutated(samples, **kw),
                     st.text(max_size=300))


def fuzzed_bytes(samples, **kw):
    return st.one_of(mutated(samples, binary=True, **kw), mutated(samples, binary=True, **kw),
                     st.binary(max_size=300))


# -- JSON documents: the tree is mutated, not only the text ---------------------------------
JSON_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(-2 ** 70, 2 ** 70),
                        st.floats(allow_nan=False), st.sampled_from(TOKENS), st.text(max_size=20))
JSON_VALUES = st.recursive(JSON_LEAVES, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=8)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key in node:
            for p in _paths(node[key], prefix + (key,)):
                yield p
    elif isinstance(node, list):
        for index, item in enumerate(node):
            for p in _paths(item, prefix + (index,)):
                yield p


@st.composite
def mutated_json(draw, documents, max_ops=4):
    """A JSON document (parsed) with up to max_ops nodes replaced, deleted or retyped,
    as text (sometimes with its text mutated too)."""
    doc = json.loads(json.dumps(draw(st.sampled_from(documents))))
    for _ in range(draw(st.integers(1, max_ops))):
        paths = list(_paths(doc))
        path = paths[draw(st.integers(0, len(paths) - 1))]
        value = draw(JSON_VALUES)
        if not path:
            doc = value
            continue
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        if draw(st.booleans()) and isinstance(parent, (dict, list)):
            del parent[path[-1]]
        else:
            parent[path[-1]] = value
    text = json.dumps(doc)
    if draw(st.integers(0, 4)) == 0:
        text = draw(mutated([text], max_ops=2))
    return text


def rng(tag):
    """A random.Random with a fixed seed per use (the CLI mutation tests)."""
    return random.Random("%s:%s" % (SEED or "gotriage-fuzz", tag))


def docstring_samples(module):
    """The samples of a module's docstring, as text (each parser documents its format with
    a real sample): the string a doctest gives a function of the module (a literal first
    argument, bytes decoded), then the indented sample blocks, dedented."""
    import ast
    import doctest
    import textwrap

    samples = []
    for example in doctest.DocTestParser().get_examples(module.__doc__ or ""):
        try:
            tree = ast.parse(example.source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            first = node.args[0] if isinstance(node, ast.Call) and node.args and isinstance(
                node.func, ast.Name) else None
            # ast.Str/ast.Bytes up to Python 3.7, ast.Constant from 3.8
            value = getattr(first, "value", getattr(first, "s", None)) if type(first).__name__ in (
                "Constant", "Str", "Bytes") else None
            if isinstance(value, bytes):
                value = value.decode("utf-8", "replace")
            if isinstance(value, str):
                samples.append(value)
    blocks, current = [], []
    for line in (module.__doc__ or "").splitlines():
        if line.startswith("    ") or (current and not line.strip()):
            current.append(line)
            continue
        if current:
            blocks.append(textwrap.dedent("\n".join(current)).strip("\n") + "\n")
            current = []
    if current:
        blocks.append(textwrap.dedent("\n".join(current)).strip("\n") + "\n")
    return samples + [b for b in blocks if b.strip()]


def command_outputs(argv0):
    """The stdout of every recorded command named argv0 in the snapshots under tests/data."""
    import base64
    import glob

    out = []
    for path in sorted(glob.glob(os.path.join(DATA, "*", "*", "commands", "*.json"))):
        with open(path) as f:
            entry = json.load(f)
        if entry["argv"][0].rsplit("/", 1)[-1] == argv0:
            if "stdout_b64" in entry:
                out.append(base64.b64decode(entry["stdout_b64"]).decode("utf-8", "replace"))
            else:
                out.append(entry.get("stdout") or "")
    return out
