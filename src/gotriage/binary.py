"""`gotriage binary FILE`: will this Go binary run there, and if not, what will the user see?

The binary layer is a layer like the others (checks.LAYER_TABLE): its facts are
facts/binary.py's BinaryFacts (one ELF file and its target: this host, elN, or a glibc
version; docs/binary.md), its checks are in checks/binary.py, and the runner runs them.
`check` does not run it on its own: it has no file to look at.  `analyse_binary` is what
the CLI and the service layer (a unit's program, through service/binprobe.py) call; the
system layer asks the runner for it by name (`runner.examine`, for the installs' bin/go).
The path that answers "it runs" imports nothing heavy (no re,
no subprocess): a whole `gotriage binary` process stays close to the interpreter's own
start-up.
"""

from gotriage.facts.binary import BinaryError, BinaryFacts, Target, target_help  # noqa: F401
from gotriage.runner import examine

LAYER = "binary"


def analyse_binary(host, path, target="host", notes=None, options=None, name=None):
    """Findings about whether the ELF file at `path` (on `host`) runs on `target` (a
    Target or its spec: "host", "el9", "el9:aarch64", "2.28").  `name` is how the user
    named the file (a relative path: titles and predicted messages use it).  Raises
    BinaryError when the file cannot be examined at all.  What could not be examined is
    appended to `notes` when a list is given."""
    subject = dict(options or {}, path=path, target=target, name=name)
    return examine(LAYER, host, subject, notes)
