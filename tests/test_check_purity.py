"""Checks do no I/O, and only the inputs reader reads a host (docs/architecture.md).

A static reading (ast) of the source:
- checks/ imports no os, subprocess, socket, shutil, glob, pathlib or tempfile, calls no
  open(), and touches neither a host nor the facts' private parts (`.host`, `.io`,
  `facts._x`) nor appends to their notes: a check asks the facts, and adds a note with
  facts.note() (the runner gives it a CheckView, facts/base.py);
- outside host/ and the inputs reader, nothing calls a Host primitive (read, stat, run...):
  the facts read by the key of a declared input (tests/test_inputs.py).  The one
  exception is an action, not an input: `service --trace` starts the program under strace
  (service/trace.py, live only, asked first);
- each layer's facts module reads the inputs its record in the layer table names.
And at run time: the view a check is given refuses the host, and a check that raises
NotExamined adds its reason to the notes and produces no finding.
"""

import ast
import os

import pytest

from conftest import ROOT
from gotriage import runner
from gotriage.checks import LAYER_TABLE, Check, NotExamined
from gotriage.facts.base import CheckView, Facts, view_of

SRC = os.path.join(ROOT, "src", "gotriage")
PRIMITIVES = {"read", "read_text", "read_range", "stat", "lstat", "try_stat", "try_lstat",
              "listdir", "try_listdir", "glob", "exists", "is_dir", "is_file", "readlink",
              "realpath", "getxattr", "run", "connect", "which"}
NO_IO_MODULES = {"os", "subprocess", "socket", "shutil", "glob", "pathlib", "tempfile"}
# module (relative to src/gotriage) -> why it may call the host's primitives
READS_THE_HOST = {
    "inputs/reader.py": "the one reader: every declared input is read here",
    "service/trace.py": "an action, not an input: --trace starts the unit's program under "
                        "strace (live only, asked first)",
    "notify/deliver.py": "an action, not an input: `gotriage notify` gives a report to the "
                         "system's sendmail (live only, asked for by a mailto: destination)",
    "apply/command.py": "an action, not an input: `fix` reads the files its edits change, "
                        "whole and unredacted (the bytes --apply replaces and whose hash it "
                        "checks), when it makes the plan",
    "selinux/logread.py": "reads audit logs in ranges from what it is given: the SELinux "
                          "facts give it their declared inputs (facts/selinux.py _AuditLogs)",
}


def _modules(under):
    for directory, _dirs, names in os.walk(os.path.join(SRC, under)):
        for name in sorted(names):
            if name.endswith(".py"):
                path = os.path.join(directory, name)
                with open(path) as f:
                    yield os.path.relpath(path, SRC), ast.parse(f.read(), path)


def _receiver(node):
    """The name an attribute is taken of: `host` for host.read and self.host.read."""
    value = node.value
    if isinstance(value, ast.Attribute):
        return value.attr
    if isinstance(value, ast.Name):
        return value.id
    return None


def _check_module_problems(rel, tree):
    problems = []
    for node in ast.walk(tree):
        where = "%s:%d" % (rel, getattr(node, "lineno", 0))
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in NO_IO_MODULES:
                    problems.append("%s imports %s" % (where, alias.name))
        elif isinstance(node, ast.ImportFrom):
            if (node.module or "").split(".")[0] in NO_IO_MODULES:
                problems.append("%s imports from %s" % (where, node.module))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == "open":
            problems.append("%s calls open()" % where)
        elif isinstance(node, ast.Attribute):
            if node.attr in ("host", "io"):
                problems.append("%s uses .%s" % (where, node.attr))
            elif node.attr.startswith("_") and not node.attr.startswith("__") \
                    and _receiver(node) == "facts":
                problems.append("%s uses facts.%s" % (where, node.attr))
            elif node.attr in ("append", "extend") and isinstance(node.value, ast.Attribute) \
                    and node.value.attr == "notes":
                problems.append("%s changes .notes (use facts.note())" % where)
    return problems


def test_checks_do_no_io():
    problems = []
    count = 0
    for rel, tree in _modules("checks"):
        count += 1
        problems += _check_module_problems(rel, tree)
    assert count >= 20
    assert not problems, "\n".join(problems)


def test_the_static_test_catches_what_it_forbids():
    bad = ast.parse("import os\nimport subprocess as sp\nfrom shutil import which\n"
                    "def c(facts):\n    open('/etc/passwd')\n    facts.host.read('/x')\n"
                    "    facts._memo(1, 2)\n    facts.notes.append('x')\n    facts.io.read('k')\n")
    found = _check_module_problems("bad.py", bad)
    assert len(found) == 8, found
    good = ast.parse("import posixpath\ndef c(facts):\n    facts.note('x')\n"
                     "    return facts.memo('k', lambda: facts.modules_load)\n")
    assert _check_module_problems("good.py", good) == []


def _host_calls(rel, tree):
    return ["%s:%d %s.%s()" % (rel, node.lineno, _receiver(node.func), node.func.attr)
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in PRIMITIVES and _receiver(node.func) in ("host", "inner")]


def test_only_the_inputs_reader_reads_the_host():
    calls = []
    for rel, tree in _modules(""):
        if rel.startswith("host/") or rel in READS_THE_HOST:
            continue
        calls += _host_calls(rel, tree)
    assert not calls, "read through a declared input (gotriage.inputs): %s" % calls
    for rel in READS_THE_HOST:  # the exceptions still exist, and still read
        with open(os.path.join(SRC, rel)) as f:
            assert _host_calls(rel, ast.parse(f.read())), rel


@pytest.mark.parametrize("layer", [layer for layer in LAYER_TABLE], ids=lambda layer: layer.name)
def test_each_layer_reads_the_inputs_its_record_names(layer):
    assert layer.inputs, "%s declares no inputs" % layer.name
    module = layer.facts.partition(":")[0]
    path = os.path.join(SRC, *module.split(".")[1:]) + ".py"
    with open(path) as f:
        tree = ast.parse(f.read())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert layer.inputs in imported, (layer.name, sorted(m for m in imported if m))


class _FakeFacts(Facts):
    def __init__(self):
        self.notes = []
        self.host = object()

    @property
    def answer(self):
        return 42


def test_a_check_sees_the_facts_without_the_host():
    facts = _FakeFacts()
    view = view_of(facts)
    assert isinstance(view, CheckView) and view_of(view) is view
    assert view.answer == 42
    for name in ("host", "io", "_cache"):
        with pytest.raises(AttributeError, match="checks do no I/O"):
            getattr(view, name)
    with pytest.raises(AttributeError):
        view.answer = 1
    view.note("not examined: x")
    view.note("not examined: x")
    assert facts.notes == ["not examined: x"] and view.notes == ("not examined: x",)
    assert view.memo("k", lambda: [1]) is view.memo("k", lambda: [2])


def test_not_examined_becomes_a_note_and_no_finding():
    def func(facts):
        facts.note("first")
        raise NotExamined("the snapshot does not record /x: not checked")
    facts = _FakeFacts()
    produced, failed = runner.run_check(Check("SYS-X", "system", "x", {}, func), facts)
    assert produced == [] and failed is False
    assert facts.notes == ["first", "the snapshot does not record /x: not checked"]

    def crash(facts):
        return facts.host
    produced, failed = runner.run_check(Check("SYS-Y", "system", "y", {}, crash), facts)
    assert failed and produced[0].id == "GOTRIAGE-CHECK-FAILED"
    assert "checks do no I/O" in produced[0].title
