"""`gotriage fix [--layer L] [--only ID ...] [--apply [--yes] [--restart]]`, and what it
shares with `gotriage baseline restore`: the confirmation, the engine's report, the exit
code (docs/apply.md).

Without --apply nothing changes: the plan is printed as one POSIX shell script.  Exit
codes: 0 nothing to do, or everything applied and the findings gone; 1 a plan with steps
(dry run), or findings or manual steps left after --apply; 2 usage error, a refusal
(a file changed since the plan, a validator missing) or a failure (rolled back).
"""

import os
import sys
import time

from gotriage.i18n import _

MAX_EDITED = 4 << 20  # a file a fix edits is read whole, up to this size


class UsageError(Exception):
    """A one-line error for the user (exit 2)."""


def add_parser(sub, kit):
    from gotriage.checks import LAYERS

    p = sub.add_parser("fix", help=_("print the fixes of what `check` finds as one reviewable "
                                     "shell script; --apply runs them with validation, "
                                     "backups and rollback"))
    kit.add_host_options(p, LAYERS)
    p.add_argument("--only", action="append", default=[], metavar="ID",
                   help=_("fix only this finding or check id (repeatable)"))
    kit.add_root_options(p, _("make the plan from a snapshot (printed only: --apply changes "
                              "this host)"))
    add_apply_options(p)
    from gotriage.notify.command import add_destination_options

    add_destination_options(p, _("notify (--apply --notify; docs/notify.md)"),
                            _("--apply: say what was fixed, or that it failed and was rolled "
                              "back"))
    p.add_argument("--restart", action="store_true",
                   help=_("--apply: also restart the units a fix restarts (default: printed "
                          "as a manual step)"))
    p.add_argument("--no-color", action="store_true", help=_("never use colour"))
    p.set_defaults(func=kit.runner("gotriage.apply.command"), options_of=kit.options,
                   validate_subjects=kit.validate_subjects)
    return p


def add_apply_options(p):
    group = p.add_argument_group(_("apply (docs/apply.md)"))
    group.add_argument("--apply", action="store_true",
                       help=_("change this host: run the plan with validation, backups and "
                              "rollback (default: print it, change nothing)"))
    group.add_argument("--yes", action="store_true",
                       help=_("--apply without asking (needed when stdin is not a terminal)"))
    group.add_argument("--state-dir", metavar="DIR", default=None,
                       help=_("where --apply keeps its journal and, for fix, its backups "
                              "(default /var/lib/gotriage)"))


def run(args, open_host, write, unicode_ok=True, colour=False):
    from gotriage import runner
    from gotriage.apply.build import fix_plan
    from gotriage.checks import LAYERS, known_ids

    check_apply_args(args)
    destinations = notify_destinations(args)
    wanted = [i.strip().upper() for i in args.only]
    layers = list(args.layer or LAYERS)
    if wanted:  # only the layers of the ids named (known_ids imports every layer's checks)
        known = known_ids()
        unknown = [i for i in wanted if i not in known]
        if unknown:
            raise UsageError(_("--only: unknown check or finding id: %s (see `gotriage "
                               "checks`)") % ", ".join(unknown))
        layers = [layer for layer in layers if any(known[i].layer == layer for i in wanted)]
    options = args.options_of(args)
    host = open_host(args.root)
    try:
        args.validate_subjects(host, args)
        report = runner.run(host, layers, options)
        findings = [f for f in report.findings if f.severity != "ok" and (
            f.id in wanted or f.check in wanted if wanted else f.severity != "info")]
        plan = fix_plan(findings, _reader(host), restart=args.restart)
        where = host.hostname() if host.kind != "snapshot" else "snapshot %s" % args.root
    finally:
        host.close()
    header = ["gotriage fix for %s, %s: %d problems with a fix (layers: %s)" % (
        where, time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        len([f for f in findings if f.fix]), ", ".join(layers))]
    if not args.apply:
        from gotriage.apply.script import render

        write(render(plan, header))
        return 1 if plan.manual or plan.has_work else 0
    state_dir = args.state_dir or default_state_dir()
    backup_dir = os.path.join(state_dir, "backups", stamp())

    def recheck():
        fresh = open_host(None)
        try:
            return runner.run(fresh, layers, options, only=set(f.check for f in findings))
        finally:
            fresh.close()
    return apply_plan(plan, args, write, header, backup_dir, state_dir,
                      recheck=lambda: _still(recheck(), findings),
                      notify=notifier("fix", destinations))


def notify_destinations(args):
    """The destinations of --notify (None without it), read before the host is: a
    mistake there is a usage error before anything changes."""
    from gotriage.notify import command as notify_command

    wants = args.to or args.to_file or args.secret_file or args.kind
    if (args.notify or wants) and not args.apply:
        raise UsageError(_("--notify goes with --apply: a dry run changes nothing to tell of"))
    if wants and not args.notify:
        raise UsageError(_("--to, --to-file, --kind and --secret-file go with --notify"))
    if not args.notify:
        return None
    try:
        return notify_command.destinations(args, os.environ)
    except notify_command.UsageError as exc:
        raise UsageError(str(exc)) from None


def notifier(command, destinations):
    """notify(outcome, manual, remaining, backup_dir, code) -> code for apply_plan, or
    None without destinations."""
    if destinations is None:
        return None

    def notify(outcome, manual, remaining, backup_dir, code):
        import socket

        from gotriage import __version__
        from gotriage.notify.command import send_all
        from gotriage.notify.message import message_from_apply

        message = message_from_apply(
            command, socket.gethostname(), outcome, manual, remaining, backup_dir,
            generated=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            tool={"name": "gotriage", "version": __version__})
        return send_all(message, destinations, code)
    return notify


def default_state_dir():
    from gotriage.apply.engine import DEFAULT_STATE_DIR

    return DEFAULT_STATE_DIR


def stamp():
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())


def check_apply_args(args):
    if not args.apply:
        for flag, name in ((args.yes, "--yes"), (getattr(args, "restart", False),
                                                 "--restart")):
            if flag:
                raise UsageError(_("%s goes with --apply") % name)
        return
    if args.root:
        raise UsageError(_("--apply changes this host: a plan made from a snapshot is "
                           "printed only (drop --root, or --apply)"))
    if os.geteuid() != 0:
        raise UsageError(_("--apply changes system files: run it as root (the dry run, "
                           "without --apply, needs no root)"))
    if not args.yes and not (sys.stdin and sys.stdin.isatty()):
        raise UsageError(_("--apply asks before it changes anything, and stdin is not a "
                           "terminal: add --yes to apply without asking"))


def _reader(host):
    from gotriage.apply.build import FileNow
    from gotriage.host.base import HostError

    def read(path):
        try:
            data = host.read(path, max_bytes=MAX_EDITED + 1)
        except HostError as err:
            if err.missing:
                return FileNow(None)
            raise OSError(0, err.message) from None
        if len(data) > MAX_EDITED:  # read whole or not at all: a cut file written back is lost
            raise OSError(0, "larger than %d MB" % (MAX_EDITED >> 20))
        return FileNow(data)
    return read


def _still(report, findings):
    """[(finding id, subject, gone?)] for the findings the plan was made for."""
    now = set((f.id, f.subject) for f in report.findings if f.severity != "ok")
    return [(f.id, f.subject, (f.id, f.subject) not in now) for f in findings if f.fix]


def confirm(plan):
    """Ask on the terminal; True to go on."""
    steps = len(plan.runnable)
    sys.stderr.write("gotriage: apply %d step%s to this host? [y/N] " % (
        steps, "" if steps == 1 else "s"))
    sys.stderr.flush()
    answer = sys.stdin.readline().strip().lower()
    return answer in ("y", "yes")


def apply_plan(plan, args, write, header, backup_dir, state_dir, recheck=None,
               after=None, notify=None):
    """Print the plan, confirm, run the engine, report; the exit code."""
    from gotriage.apply.engine import (
        ApplyError,
        Engine,
        interrupted_note,
        read_interrupted,
        take_interrupted,
    )
    from gotriage.apply.script import render

    previous = read_interrupted(state_dir)
    if previous is not None:
        plan.extra_reloads.update(previous.get("reloads") or ())
        plan.extra_validations += [tuple(v) for v in previous.get("validations") or ()]
    write(render(plan, header))
    if previous is not None:
        write("\nnote: %s\n" % interrupted_note(previous))
    manual = len(plan.manual)
    if not plan.has_work:
        if previous is not None:
            stray = take_interrupted(state_dir, previous)
            if stray:
                write("removed the temporary file %s of the killed run\n" % stray)
        write("\nnothing for --apply to run%s\n" % (
            ": %d manual steps above" % manual if manual else ""))
        return 1 if manual else 0
    if not args.yes and not confirm(plan):
        write("\nnot applied: nothing changed\n")
        return 2
    engine = Engine(plan, backup_dir, state_dir=state_dir, timeout=args.timeout or 60.0,
                    restart=getattr(args, "restart", False), log=write)
    write("\n")
    try:
        outcome = engine.apply(interrupted=previous)
    except ApplyError as exc:
        raise UsageError(str(exc)) from None
    for note in outcome.notes:
        write("note: %s\n" % note)
    for line in outcome.skipped:
        write("skipped: %s\n" % line)
    for line in outcome.validated:
        write("validated: %s\n" % line)
    for line in outcome.reloaded:
        write("reloaded: %s\n" % line)
    for unit in outcome.restarted:
        write("restarted: %s\n" % unit)
    if not outcome.ok:
        write("FAILED: %s\n" % outcome.failure)
        for line in outcome.undone:
            write("rolled back: %s\n" % line)
        for line in outcome.rollback_errors:
            write("ROLLBACK INCOMPLETE: %s (the backups are in %s)\n" % (line, backup_dir))
        write("the host is as it was%s\n" % ("" if not outcome.rollback_errors else
                                             " EXCEPT for the lines above"))
        return notify(outcome, manual, [], backup_dir, 2) if notify else 2
    if outcome.done and os.path.isdir(backup_dir):
        write("backups of what was replaced: %s\n" % backup_dir)
    if after is not None:
        after(outcome)
    code = 1 if manual else 0
    remaining = []
    if recheck is not None:
        for ident, subject, gone in recheck():
            write("%s %s%s\n" % ("fixed:" if gone else "STILL:", ident,
                                 " " + subject if subject else ""))
            if not gone:
                remaining.append((ident, subject))
                code = 1
    write("applied %d, skipped %d (already in effect), %d manual\n" % (
        len(outcome.done), len(outcome.skipped), manual))
    return notify(outcome, manual, remaining, backup_dir, code) if notify else code
