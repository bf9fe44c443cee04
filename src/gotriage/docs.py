"""The documentation gotriage carries, for `gotriage docs` (and the man page's SEE ALSO).

It is found, in order: inside the package as `gotriage/_docs/` (the zipapp: scripts/build-pyz
puts docs/*.md, docs/report.schema.json and README.md there; read with pkgutil, which
reads inside a zip); next to the source tree (a checkout, an editable install:
../../docs); and where `pip install` puts setup.cfg's data_files
(PREFIX/share/doc/gotriage).
"""

import os
import sys

WHERE = "no gotriage/_docs in the package, no docs/ beside its source, no %s" % os.path.join(
    sys.prefix, "share", "doc", "gotriage")
SUFFIXES = ("", ".md", ".json")


def _directories():
    here = os.path.dirname(os.path.abspath(__file__))
    found = []
    if os.path.basename(os.path.dirname(here)) == "src":  # a checkout: <root>/src/gotriage
        found.append(os.path.join(os.path.dirname(os.path.dirname(here)), "docs"))
    found.append(os.path.join(sys.prefix, "share", "doc", "gotriage"))
    return found


def _packaged():
    """{name: None} of the documents inside the package (a zipapp), or {}."""
    import pkgutil

    try:
        index = pkgutil.get_data("gotriage", "_docs/index")
    except (OSError, ValueError):
        return {}
    return {n: None for n in index.decode("utf-8").split()}


def names():
    """The documents' names, sorted (README first)."""
    found = set(_packaged())
    for directory in _directories():
        if os.path.isdir(directory):
            found.update(n for n in os.listdir(directory) if n.endswith((".md", ".json")))
            readme = os.path.join(os.path.dirname(directory), "README.md")
            if os.path.isfile(readme):
                found.add("README.md")
    return sorted(found, key=lambda n: (n != "README.md", n))


def read(name):
    """The text of a document by its name, with or without .md; LookupError if none."""
    known = names()
    for candidate in (name + s for s in SUFFIXES):
        if candidate not in known:
            continue
        if candidate in _packaged():
            import pkgutil

            return pkgutil.get_data("gotriage", "_docs/" + candidate).decode("utf-8")
        for directory in _directories():
            path = (os.path.join(os.path.dirname(directory), candidate) if candidate == "README.md"
                    else os.path.join(directory, candidate))
            if os.path.isfile(path):
                with open(path, encoding="utf-8") as f:
                    return f.read()
    raise LookupError("no document %r: %s" % (name, ", ".join(known) or WHERE))
