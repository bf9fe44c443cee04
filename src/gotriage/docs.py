"""The documentation gotriage carries, for `gotriage docs` (and the man page's SEE ALSO).

It is found, in order: inside the package as `gotriage/_docs/` (the zipapp: scripts/build-pyz
puts docs/*.md, docs/report.schema.json and README.md there; read with pkgutil, which
reads inside a zip); next to the source tree (a checkout, an editable install:
../../docs); and where `pip install` puts setup.cfg's data_files
(PREFIX/share/doc/gotriage).  In the zipapp a Python with a bytecode tree imports gotriage
from `py36/gotriage/...` (and the like), which carries no documents: they are read from
the archive's one `gotriage/_docs/`.
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


def _data(resource):
    """The bytes of gotriage/_docs/`resource` inside the package, or None.  In the zipapp,
    the package imported from a bytecode tree (gotriage.pyz/py36/gotriage/) has no _docs/:
    its zipimporter reads the archive's gotriage/_docs/ (scripts/build-pyz)."""
    import pkgutil

    try:
        return pkgutil.get_data("gotriage", "_docs/" + resource)
    except (OSError, ValueError):
        pass
    loader = getattr(sys.modules.get("gotriage"), "__loader__", None)
    archive = getattr(loader, "archive", None)  # a zipimporter's archive file
    if not archive:
        return None
    try:
        return loader.get_data(os.path.join(archive, "gotriage", "_docs", resource))
    except (OSError, ValueError):
        return None


def _packaged():
    """{name: None} of the documents inside the package (a zipapp), or {}."""
    index = _data("index")
    if index is None:
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
        data = _data(candidate) if candidate in _packaged() else None
        if data is not None:
            return data.decode("utf-8")
        for directory in _directories():
            path = (os.path.join(os.path.dirname(directory), candidate) if candidate == "README.md"
                    else os.path.join(directory, candidate))
            if os.path.isfile(path):
                with open(path, encoding="utf-8") as f:
                    return f.read()
    raise LookupError("no document %r: %s" % (name, ", ".join(known) or WHERE))
