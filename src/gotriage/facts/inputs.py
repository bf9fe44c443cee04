"""The commands a layer's verdicts read, and which of them gave no answer.

A facts class that runs commands keeps an `Inputs` (its `inputs` attribute) and gives it
to its inputs reader (`reader_of(host).layer(INPUTS, self.inputs)`), which passes every
command's result through `inputs.note(result, need)`.  A command that timed out, or was
not started because the run's deadline had passed, is kept as `Unanswered`, with the
checks whose verdicts rest on it and what those verdicts fall back to; the layer's
`<PREFIX>-INPUT` check reports each as a warn finding (`<PREFIX>-INPUT-HUNG`), and the
runner turns the ok results of those checks into unconfirmed ones (runner.settle_inputs):
a check whose input did not arrive never shows ✓.

What each command is read for is declared with the command (inputs/NAME.py):
`Need(checks, cause, consequence)`: `checks`, the check ids whose verdicts rest on it
(None: every check of the layer); `cause`, what a hang of this tool usually means;
`consequence`, what the verdicts do without it.  A call site may give another Need for
one command (the same tool read for another purpose), and a layer may keep a table of
tool name -> Need for commands declared without one.
"""

import posixpath

from gotriage.i18n import _
from gotriage.inputs.spec import DEFAULT_NEED, Need, Words, translated  # noqa: F401 (Need, Words: for the facts)


class Unanswered(object):
    """A command that gave no answer, and what rests on it."""

    __slots__ = ("result", "tool", "need")

    def __init__(self, result, tool, need):
        self.result, self.tool, self.need = result, tool, need

    @property
    def key(self):
        """One finding per tool and purpose: four hung firewall-cmd calls are one."""
        return (self.tool, self.need.consequence)

    def title(self):
        """'`CMD` did not answer in 10 s: CAUSE; CONSEQUENCE' (or was not started), in the
        language in effect."""
        result = self.result
        values = {"command": command_text(result.argv), "cause": translated(self.need.cause),
                  "consequence": translated(self.need.consequence)}
        if result.error == "deadline":
            return _("`%(command)s` was not started: the run's deadline (--deadline) had "
                     "passed; %(consequence)s") % values
        seconds = result.duration or 0.0
        values["seconds"] = "%.0f" % seconds if seconds >= 1 else "%.1f" % seconds
        return _("`%(command)s` did not answer in %(seconds)s s: %(cause)s; "
                 "%(consequence)s") % values


def tool_name(argv):
    return posixpath.basename(str(argv[0])) if argv else "?"


def command_text(argv, width=60):
    """A command as a title names it: its words, cut to `width` characters."""
    text = " ".join(str(a) for a in argv)
    return text if len(text) <= width else text[:width - 3] + "..."


class Inputs(object):
    def __init__(self, table=None):
        self.table = dict(table or {})
        self.answered = []  # tool names that answered, in the order they were first read
        self.unanswered = []  # Unanswered
        self._noted = []
        self._noted_ids = set()

    def note(self, result, need=None):
        """Record the answer of a command the layer read (or its absence); returns
        `result`, so a call site reads `result = self.inputs.note(self.host.run(...))`.
        Results that did not run (not found, not recorded, denied) are neither: the
        layer already reports those its own way."""
        if result is None or id(result) in self._noted_ids:
            return result
        self._noted.append(result)  # kept: an id is unique only while its object lives
        self._noted_ids.add(id(result))
        tool = tool_name(result.argv)
        if result.timed_out:
            self.unanswered.append(Unanswered(result, tool, need or self.table.get(tool, DEFAULT_NEED)))
        elif result.error is None and tool not in self.answered:
            self.answered.append(tool)
        return result

    def grouped(self):
        """[[Unanswered, ...]] one list per tool and purpose, in the order first seen."""
        groups = {}
        order = []
        for item in self.unanswered:
            if item.key not in groups:
                groups[item.key] = []
                order.append(item.key)
            groups[item.key].append(item)
        return [groups[k] for k in order]
