"""Slow work shows progress on a terminal, and only there (gotriage/progress.py)."""

import io
import time

from gotriage import progress
from gotriage.host.base import CommandResult, Host
from gotriage.inputs.reader import Reader
from gotriage.inputs.system import INPUTS


class Terminal(io.StringIO):
    def isatty(self):
        return True


class SlowHost(Host):
    """Answers `uname -m` after `delay` seconds."""

    kind = "live"

    def __init__(self, delay):
        Host.__init__(self)
        self.delay = delay

    def run(self, argv, env=None, cwd="/", timeout=None, input=None):
        time.sleep(self.delay)
        return CommandResult(argv, env, cwd, returncode=0, stdout=b"x86_64\n", stderr=b"")


def _uname(delay, terminal):
    progress.enable(terminal)
    try:
        return Reader(SlowHost(delay)).layer(INPUTS).run("machine")
    finally:
        progress.disable()


def test_a_command_that_takes_over_a_second_says_what_it_waits_for():
    terminal = Terminal()
    result = _uname(progress.DELAY + 0.4, terminal)
    assert result.ok and result.text == "x86_64\n"
    assert terminal.getvalue() == "\r\x1b[Kgotriage: waiting for `uname -m` ...\r\x1b[K"


def test_a_quick_command_shows_nothing():
    terminal = Terminal()
    _uname(0.0, terminal)
    time.sleep(progress.DELAY + 0.2)  # the timer was cancelled: it never writes
    assert terminal.getvalue() == ""


def test_without_a_terminal_there_is_no_progress():
    progress.disable()
    result = Reader(SlowHost(progress.DELAY + 0.2)).layer(INPUTS).run("machine")
    assert result.ok  # and nothing was written anywhere: there is no sink
