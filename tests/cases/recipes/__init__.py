"""The case registry: each recipe module declares its cases with `case(...)`.

A case is a directory of tests/cases: `case.json` (what the case shows, where its data
came from, the gotriage command and the problem ids it must produce) and, for a
hand-built case, its input (a snapshot directory, a log, a binary) written by the
recipe's `build(directory)`.  Cases on real data already in tests/data have no input of
their own: their command names the file with {data}.
"""

CASES = []


class Case(object):
    def __init__(self, name, about, source, command, expect, exit, build):
        self.name = name
        self.about = about
        self.source = source
        self.command = list(command)
        self.expect = sorted(set(expect))
        self.exit = exit
        self.build = build

    def document(self):
        return {"about": self.about, "source": self.source, "command": self.command,
                "expect": self.expect, "exit": self.exit}


def case(name, about, source, command, expect, exit=1, build=None):
    """Declare a case; used as a decorator, the function builds its input."""
    def register(func):
        CASES.append(Case(name, about, source, command, expect, exit, func))
        return func
    if build is not None or callable(about):
        raise TypeError("case(): pass the builder as a decorator")
    return register


def data_case(name, about, source, command, expect, exit=1):
    """A case on files of tests/data (its command names them with {data})."""
    CASES.append(Case(name, about, source, command, expect, exit, None))
