"""What every bench shares: run gotriage as users run it, and say how loaded the machine was.

Users run gotriage from an installed package whose bytecode is cached (pip compiles it;
a venv's first run writes it).  A sandbox or CI may set PYTHONDONTWRITEBYTECODE, which
would make every measured process compile every module it imports.  as_users_run()
drops it from this process's environment (so that every process a bench starts inherits
the same) and compiles src/ with each Python the bench measures, before any run.
Standard library only; Python 3.6+.
"""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "src")


def as_users_run(*pythons):
    """Drop PYTHONDONTWRITEBYTECODE and compile src/ with this Python and each of pythons."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    sys.dont_write_bytecode = False
    seen = set()
    for python in (sys.executable,) + pythons:
        if not python or not os.path.exists(python) or os.path.realpath(python) in seen:
            continue
        seen.add(os.path.realpath(python))
        subprocess.run([python, "-m", "compileall", "-q", SRC], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)


def loadavg():
    """The 1, 5 and 15 minute load averages, as /proc/loadavg gives them."""
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "unknown"
