#!/usr/bin/env python3
"""Write every case of tests/cases: one directory per case with its case.json and, for a
hand-built case, its input (tests/cases/README.md describes the format).

The recipes are in tests/cases/recipes/, one module per layer.  Run it again after
changing a recipe (tests/test_cases.py fails while the committed cases differ from what
this writes):

    python3 tests/cases/make_cases.py [OUTPUT_DIR]
"""

import json
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)
try:  # one recipe asks gotriage what it gives a tool on stdin (recipes/selinux.py)
    import gotriage  # noqa: F401
except ImportError:
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "src"))

from recipes import CASES  # noqa: E402

RECIPE_MODULES = ("toolchain", "system", "packages", "selinux", "firewall", "service", "binary",
                  "baseline", "security")


def load():
    """Every declared case, in the order of the recipe modules."""
    import importlib

    for name in RECIPE_MODULES:
        importlib.import_module("recipes." + name)
    names = [c.name for c in CASES]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SystemExit("cases declared twice: %s" % ", ".join(duplicates))
    return list(CASES)


def write_case(case, directory):
    if os.path.exists(directory):
        shutil.rmtree(directory)
    os.makedirs(directory)
    if case.build is not None:
        case.build(directory)
    with open(os.path.join(directory, "case.json"), "w") as f:
        json.dump(case.document(), f, indent=1)
        f.write("\n")


def main(out=HERE):
    cases = load()
    wanted = {c.name for c in cases}
    if os.path.isdir(out):
        for name in os.listdir(out):  # a case removed from the recipes goes too
            if name not in wanted and os.path.exists(os.path.join(out, name, "case.json")):
                shutil.rmtree(os.path.join(out, name))
    for c in cases:
        write_case(c, os.path.join(out, c.name))
    return cases


if __name__ == "__main__":
    written = main(sys.argv[1] if len(sys.argv) > 1 else HERE)
    print("%d cases" % len(written))
