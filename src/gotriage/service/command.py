"""`gotriage service UNIT [--trace] [--yes] [--journal FILE] [--root SNAPSHOT] [--json] [-v]`.

The service layer's checks for one unit, as a report.  --trace starts the unit's
program: it says so on stderr and asks on a terminal; without a terminal (scripts, CI)
it refuses unless --yes is given.
"""

import os
import sys

from gotriage.i18n import _

MAX_JOURNAL_BYTES = 16 * 1024 * 1024


class UsageError(Exception):
    """A one-line error for the user (exit 2)."""


def _confirm(args, question, stdin=None, stderr=None):
    stdin = stdin or sys.stdin
    stderr = stderr or sys.stderr
    stderr.write(question)
    stderr.flush()
    if args.yes:
        stderr.write("yes (--yes)\n")
        return True
    if not (hasattr(stdin, "isatty") and stdin.isatty()):
        stderr.write("no (stdin is not a terminal)\n")
        raise UsageError(_("--trace starts the service's program and stdin is not a terminal "
                           "to ask on: add --yes to confirm"))
    answer = stdin.readline().strip().lower()
    return answer in ("y", "yes")


# systemd's unit name rules (unit_name_is_valid): these characters, at most 255 of them,
# and a type suffix; `gotriage service` examines services.
_UNIT_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                             "0123456789:-_.\\@")
_UNIT_SUFFIXES = ("service",)


def _unit_file_stat(host, path):
    """What the UNIT argument names on the host, read as the service layer's declared
    unit file (inputs/service.py), or None."""
    from gotriage.inputs.reader import reader_of
    from gotriage.inputs.service import INPUTS

    return reader_of(host).layer(INPUTS).try_stat("unit", path=path)


def check_unit_argument(unit, host):
    """Refuse (UsageError) a UNIT argument that is not a service: a name systemd would not
    accept, or a path that is not a regular file named NAME.service (`gotriage service
    /etc/passwd` must not read the password file as a unit and propose line deletions)."""
    from gotriage.quoting import visible

    if not unit.strip():
        raise UsageError(_("UNIT is empty: give a unit name (app, app.service) or the path of "
                           "a NAME.service file"))
    base = unit.rstrip("/").rpartition("/")[2] if "/" in unit else unit
    shown = visible(unit)
    if "/" in unit:
        path = unit
        if not path.startswith("/") and host.kind == "live":
            path = os.path.abspath(path)
        st = _unit_file_stat(host, path) if path.startswith("/") else None
        if st is not None and not st.is_file:
            raise UsageError((_("%s is not a unit file (it is a directory): give a unit name "
                                "or the path of a NAME.service file") if st.is_dir else
                              _("%s is not a unit file (it is a special file): give a unit "
                                "name or the path of a NAME.service file")) % shown)
        if not base.endswith(".service"):
            raise UsageError(_("%s is not a unit file: a service's unit file is named "
                               "NAME.service") % shown)
    name = base if "." in base else base + ".service"
    if not name or len(name) > 255 or any(c not in _UNIT_NAME_CHARS for c in name) \
            or name.rpartition(".")[2] not in _UNIT_SUFFIXES or name.startswith("."):
        raise UsageError(_("%s is not a service name: systemd's names are letters, digits and "
                           "\":-_.\\@\" ending in .service (see systemd.unit(5))") % shown)


def run(args, open_host, write, unicode_ok=True, colour=False):
    from gotriage import runner

    if args.trace and args.root:
        raise UsageError(_("--trace runs the program on this host: it cannot be used with --root"))
    journal_text = None
    if args.journal:
        try:
            with open(args.journal, "rb") as f:
                journal_text = f.read(MAX_JOURNAL_BYTES)
        except OSError as exc:
            raise UsageError(_("cannot read %(path)s: %(error)s") % {
                "path": args.journal, "error": exc.strerror or exc}) from None
    host = open_host(args.root)
    try:
        check_unit_argument(args.unit, host)
        options = {"units": [args.unit], "journal_text": journal_text, "trace": False,
                   "timeout": args.timeout}
        if args.trace:
            from gotriage.facts.service import ServiceFacts
            from gotriage.service.trace import TRACE_SECONDS, describe

            facts = ServiceFacts(host, units=[args.unit], timeout=args.timeout)
            unit = facts.units[0]
            if unit.found and not unit.masked and unit.main is not None:
                question = ("gotriage: --trace will START %s under strace for up to %.0f s, then "
                            "kill it.\n  It is the service's own program: it may write files, "
                            "bind ports or contact other systems.\n  Continue? [y/N] " % (
                                describe(facts, unit), TRACE_SECONDS))
                if not _confirm(args, question):
                    raise UsageError(_("--trace not confirmed: nothing was started"))
                options["trace"] = True
        report = runner.run(host, ["service"], options, fail_on=args.fail_on)
        from gotriage.report import output  # --json, --format, --output (docs/metrics.md)

        try:
            return output.emit(report, args, write, unicode_ok,
                               colour and not os.environ.get("NO_COLOR"))
        except output.UsageError as exc:
            raise UsageError(str(exc)) from None
    finally:
        host.close()
