"""Progress on stderr for slow work, only on a terminal (issue 13): a command gotriage
waits for more than a second (firewall-cmd on a slow D-Bus, sesearch loading the whole
policy, an rpm database under lock) shows what it is waiting for, on one line that is
cleared when the command ends.  The CLI enables it when stderr is a terminal; piped or
redirected output never sees it, and --json's stdout is untouched either way."""

DELAY = 1.0  # seconds a step runs before it is shown
_SINK = None  # the terminal stream, once enabled


def enable(stream):
    global _SINK
    _SINK = stream


def disable():
    global _SINK
    _SINK = None


class step(object):
    """`with step("firewall-cmd --list-all-zones"):` shows "gotriage: waiting for ..."
    after DELAY seconds, and clears it at the end."""

    __slots__ = ("what", "timer", "shown")

    def __init__(self, what):
        self.what = what
        self.timer = None
        self.shown = False

    def __enter__(self):
        if _SINK is not None:
            import threading  # (only on a terminal: `gotriage binary` does without it)

            self.timer = threading.Timer(DELAY, self._show)
            self.timer.daemon = True
            self.timer.start()
        return self

    def _show(self):
        from gotriage.quoting import one_line, visible

        sink = _SINK
        if sink is None:
            return
        text = visible(one_line("gotriage: waiting for %s ..." % self.what))
        try:
            sink.write("\r\x1b[K" + text[:79])
            sink.flush()
            self.shown = True
        except (OSError, ValueError):  # a closed terminal: progress is not worth an error
            pass

    def __exit__(self, *exc):
        if self.timer is not None:
            self.timer.cancel()
        if self.shown and _SINK is not None:
            try:
                _SINK.write("\r\x1b[K")
                _SINK.flush()
            except (OSError, ValueError):
                pass
