"""How a command prints its report: `--format text|json|prometheus|junit` and
`--output FILE` (docs/metrics.md).

`--json` stays what it was, `--format json`.  With --output the report is written
atomically: a temporary file in the same directory (named `.NAME.PID.tmp`, which
node_exporter's textfile collector, reading `*.prom`, never reads), written whole,
fsync'd, given mode 0644, then renamed over NAME and the directory fsync'd: a reader
sees the old file or the new one, never a part; a run killed half-way leaves the old
file (and its temporary one, which the next run does not need).
"""

import os

from gotriage.i18n import _

FORMATS = ("text", "json", "prometheus", "junit")


class UsageError(Exception):
    """A one-line error for the user (exit 2)."""


def add_options(p):
    """--format and --output on a command that prints a report."""
    p.add_argument("--format", choices=FORMATS, default=None,
                   help=_("text (the default), json (= --json), prometheus (a node_exporter "
                          "textfile) or junit (JUnit XML for CI servers): docs/metrics.md"))
    p.add_argument("--output", metavar="FILE",
                   help=_("write the report to FILE (atomically, mode 0644) instead of "
                          "standard output"))


def format_of(args):
    """The format asked for: --format, or json for --json, else text."""
    chosen = getattr(args, "format", None)
    if getattr(args, "json", False):
        if chosen not in (None, "json"):
            raise UsageError(_("--json is --format json: not with --format %s") % chosen)
        return "json"
    return chosen or "text"


def render(report, fmt, now=None, text_style=None, verbose=False):
    """The text of `report` in `fmt` (the formatters are pure; the clock is read here)."""
    import time

    duration = getattr(report, "duration", 0.0) or 0.0
    if fmt == "json":
        from gotriage.report import json_report

        return json_report.render(report)
    if fmt == "prometheus":
        from gotriage.report import prometheus

        return prometheus.render(report, time.time() if now is None else now, duration)
    if fmt == "junit":
        from gotriage.checks import all_checks, command_checks
        from gotriage.report import junit

        # the layers' checks, and a command's own (`verify`'s VERIFY-*: COMMAND_CHECKS)
        titles = {c.id: (c.layer, c.title) for c in all_checks(
            tuple(layer for layer in report.layers if _is_layer(layer)))
            + command_checks(report.layers)}
        return junit.render(report, titles, duration)
    from gotriage.report import text

    return text.render(report, text_style or text.Style(unicode_ok=True, colour=False),
                       verbose=verbose)


def _is_layer(name):
    from gotriage.checks import LAYER_BY_NAME

    return name in LAYER_BY_NAME


def emit(report, args, write, unicode_ok, colour, text_view=None):
    """Print (or write to --output) `report` as `args` ask; returns its exit code.
    `text_view(style)`: the doctor view of a command that words it its own way (`port`
    heads it with the port), instead of report/text.py's."""
    fmt = format_of(args)
    path = getattr(args, "output", None)
    if fmt == "text":
        from gotriage.report import text

        style = text.Style(unicode_ok=unicode_ok or path is not None,
                           colour=colour and path is None)
        content = text_view(style) if text_view else render(
            report, fmt, text_style=style, verbose=getattr(args, "verbose", False))
    else:
        content = render(report, fmt)
    if path is None:
        write(content)
    else:
        write_atomic(path, content)
    return report.exit_code


def write_atomic(path, content, mode=0o644):
    """Replace `path` with `content` (str, written as UTF-8) so that no reader ever sees
    a part of it; raises UsageError with one line when it cannot."""
    path = os.path.abspath(path)
    directory, name = os.path.split(path)
    if os.path.isdir(path):
        raise UsageError(_("--output %s is a directory: give a file name") % path)
    temporary = os.path.join(directory, ".%s.%d.tmp" % (name, os.getpid()))
    data = content.encode("utf-8", "surrogateescape")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_TRUNC, mode)
    except FileExistsError:  # left by a killed run that had this pid: stale, ours now
        try:
            os.unlink(temporary)
        except OSError as exc:
            raise UsageError(_("cannot write %(path)s: %(error)s") % {
                "path": path, "error": exc.strerror or exc}) from None
        return write_atomic(path, content, mode)
    except OSError as exc:
        raise UsageError(_("cannot write %(path)s: %(error)s") % {
            "path": path, "error": exc.strerror or exc}) from None
    try:
        try:
            os.fchmod(fd, mode)  # whatever the umask: node_exporter may run as another user
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.rename(temporary, path)
    except OSError as exc:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise UsageError(_("cannot write %(path)s: %(error)s") % {
            "path": path, "error": exc.strerror or exc}) from None
    try:  # the rename itself survives a crash only once the directory is on disk
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass  # some filesystems refuse fsync on a directory; the file is in place
