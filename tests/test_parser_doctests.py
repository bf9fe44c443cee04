"""The parsers' samples run (issue 12 §7): each module of gotriage.parsers documents its
format with a real sample as a doctest (`>>> parse_x(SAMPLE)` and the record fields it
yields), and every one of them runs here, under each Python the suite runs on."""

import doctest
import importlib
import io
import pkgutil

import pytest

import gotriage.parsers

MODULES = sorted(name for _finder, name, _ispkg in pkgutil.iter_modules(gotriage.parsers.__path__))


def test_every_parser_module_is_found():
    assert len(MODULES) >= 28 and "os_release" in MODULES and "audit" in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_the_samples_of_the_module_run(name):
    module = importlib.import_module("gotriage.parsers." + name)
    out = io.StringIO()
    runner = doctest.DocTestRunner(verbose=False)
    tests = doctest.DocTestFinder().find(module, module.__name__)
    for test in tests:
        runner.run(test, out=out.write)
    results = runner.summarize(verbose=False)
    assert results.attempted > 0, "gotriage.parsers.%s has no doctest: turn its sample into one" % name
    assert results.failed == 0, out.getvalue()
