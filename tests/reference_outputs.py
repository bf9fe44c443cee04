"""What a reference tool (sesearch, seinfo, audit2why...) printed, kept for the rest of
this checkout's test runs.

The oracle tests compare gotriage's answers with a real tool's on the same input.  Run
under both Pythons (.ci/run), the second run would ask the tool the same questions again:
over a minute of sesearch and audit2why on a 2-core machine, for the same bytes.  Its
output is kept under .cache/reference-outputs, keyed by the command line, its input, the
identity (path, size, mtime) of the tool and of every file it reads, and of dpkg's status
file (a package installed, removed or upgraded makes every entry stale).  A fresh clone
has no entries: its first run asks the real tools.
"""

import hashlib
import json
import os
import subprocess

from conftest import ROOT

CACHE = os.path.join(ROOT, ".cache", "reference-outputs")
DPKG_STATUS = "/var/lib/dpkg/status"


def _identity(path):
    try:
        st = os.stat(path)
    except OSError:
        return [path, None]
    return [os.path.realpath(path), st.st_size, st.st_mtime_ns]


def run_reference(argv, stdin=None, reads=(), timeout=300):
    """The stdout of `argv` (text), asserting it exits 0; `reads`: the files it reads
    besides those its arguments name."""
    named = [a for a in argv[1:] if os.path.isabs(a) and os.path.isfile(a)]
    key = json.dumps([list(argv), stdin, [_identity(p) for p in [argv[0]] + named + list(reads)],
                      _identity(DPKG_STATUS)])
    path = os.path.join(CACHE, hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest())
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError:
        pass
    result = subprocess.run(argv, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            universal_newlines=True, timeout=timeout)
    assert result.returncode == 0, result.stderr
    os.makedirs(CACHE, exist_ok=True)
    partial = "%s.%d" % (path, os.getpid())
    with open(partial, "w", encoding="utf-8") as f:
        f.write(result.stdout)
    os.replace(partial, path)
    return result.stdout
