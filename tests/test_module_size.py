"""Modules a person can read in one sitting (issue 12 §4): no module of src/gotriage is
over LIMIT lines.  A module that outgrows it is split by what it holds: a layer's checks
become a package with one check per module (checks/service/, checks/toolchain/), an
engine one module per concern (firewall/netfilter/), a parser its scanner and its
records (parsers/audit.py, parsers/audit_records.py)."""

import os

from conftest import ROOT

LIMIT = 800
PACKAGE = os.path.join(ROOT, "src", "gotriage")
# Modules over the limit, with the size they may not pass and who takes them under it.
# Empty since facts/service.py (813 lines) gave its mounts and SELinux labels to
# facts/service_labels.py: it may stay empty.
KNOWN_LONG = {}


def module_sizes(top=PACKAGE):
    """{path under the package: lines} of every .py file."""
    sizes = {}
    for directory, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(directory, name)
                with open(path, "rb") as f:
                    sizes[os.path.relpath(path, top).replace(os.sep, "/")] = f.read().count(b"\n")
    return sizes


def test_no_module_is_over_the_limit():
    sizes = module_sizes()
    assert len(sizes) > 50 and "cli.py" in sizes and "checks/service/svc_exec.py" in sizes, sorted(sizes)
    over = sorted((n, path) for path, n in sizes.items() if n > KNOWN_LONG.get(path, LIMIT))
    assert not over, "modules over %d lines (split them by what they hold): %s" % (
        LIMIT, ", ".join("%s (%d)" % (path, n) for n, path in over))


def test_the_size_is_counted_in_lines(tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n" * 801)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.py").write_text("y = 2\n")
    (tmp_path / "sub" / "notes.txt").write_text("\n" * 900)
    assert module_sizes(str(tmp_path)) == {"a.py": 801, "sub/b.py": 1}
