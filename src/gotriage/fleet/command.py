"""`gotriage fleet ACTION`: commands about many hosts, run on a workstation (docs/fleet.md).

`fleet` is one parser with a subcommand per action; ACTIONS maps each action's name to
the module that has its `add_parser(sub, kit)` and `run(args, open_host, write,
unicode_ok, colour)`.  Adding an action (`fleet run`) is one line in ACTIONS and that
module: nothing else here changes.
"""

from gotriage.i18n import _

ACTIONS = {
    "report": "gotriage.fleet.command",  # this module: report_add_parser / run_report
    "run": "gotriage.fleet.run",
}


class UsageError(Exception):
    """A one-line usage error (exit 2)."""


def add_parser(sub, kit):
    p = sub.add_parser("fleet", help=_("about many hosts at once, on a workstation: `fleet report` "
                                       "aggregates reports and snapshots into one HTML page"))
    actions = p.add_subparsers(dest="fleet_action", metavar="ACTION",
                               help=_("one of: %s (docs/fleet.md; `gotriage fleet ACTION --help`)")
                               % ", ".join(sorted(ACTIONS)))
    p.set_defaults(func=kit.runner("gotriage.fleet.command"), fleet_parser=p)
    for name in sorted(ACTIONS):
        module = __import__(ACTIONS[name], fromlist=["add_parser"])
        if module.__name__ == __name__:
            report_add_parser(actions, kit)
        else:
            module.add_parser(actions, kit)


def report_add_parser(actions, kit):
    p = actions.add_parser(
        "report", help=_("aggregate `check --json` reports and snapshots (directories or "
                         "archives `collect` made, analysed here as `check --root` does) into "
                         "fleet.json and one offline HTML page, fleet.html"))
    p.add_argument("inputs", nargs="+", metavar="DIR|FILE",
                   help=_("a report (.json), a snapshot (a directory or .tar.gz), or a "
                          "directory holding them (one level)"))
    p.add_argument("-o", "--output", default=".", metavar="OUTDIR",
                   help=_("where to write fleet.json and fleet.html (default: the current "
                          "directory; made if missing)"))
    p.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                   help=_("analyse snapshots in N processes (default: one per core)"))
    p.add_argument("--archive-limits", metavar="LIMITS",
                   help=_("what a snapshot archive may hold before it is refused unread "
                          "(as check --root; docs/snapshot-format.md)"))
    p.set_defaults(func=kit.runner("gotriage.fleet.command"), fleet_action="report")


def run(args, open_host, write, unicode_ok=True, colour=False):
    action = getattr(args, "fleet_action", None)
    if action is None:
        raise UsageError(_("fleet needs an action: %s (see `gotriage fleet --help`)")
                         % ", ".join(sorted(ACTIONS)))
    if action == "report":
        return run_report(args, write)
    module = __import__(ACTIONS[action], fromlist=["run"])
    try:
        return module.run(args, open_host, write, unicode_ok, colour)
    except module.UsageError as exc:
        raise UsageError(str(exc)) from None


def run_report(args, write):
    import os
    import time

    from gotriage.fleet import html, report

    limits = None
    if args.archive_limits is not None:
        from gotriage.host.archive import ArchiveLimits

        try:
            limits = ArchiveLimits.parse(args.archive_limits)
        except ValueError as exc:
            raise UsageError("--archive-limits: %s" % exc) from None
    if args.jobs is not None and args.jobs < 1:
        raise UsageError(_("--jobs needs a whole number, at least 1: not %d") % args.jobs)
    inputs = report.find_inputs(args.inputs)
    if not inputs:
        raise UsageError(_("no report (.json) nor snapshot in %s") % ", ".join(args.inputs))
    try:
        os.makedirs(args.output, exist_ok=True)
    except OSError as exc:
        raise UsageError(_("cannot make %(path)s: %(error)s") % {
            "path": args.output, "error": exc.strerror or exc}) from None
    started = time.time()
    hosts = report.load_hosts(inputs, limits, args.jobs)
    summary = report.aggregate(hosts, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    text = report.dumps(summary)
    paths = [os.path.join(args.output, report.SUMMARY_NAME),
             os.path.join(args.output, "fleet.html")]
    try:
        for path, data in zip(paths, (text, html.render(text))):
            with open(path + ".tmp", "w", encoding="utf-8") as f:
                f.write(data)
            os.replace(path + ".tmp", path)
    except OSError as exc:
        raise UsageError(_("cannot write in %(dir)s: %(error)s") % {
            "dir": args.output, "error": exc.strerror or exc}) from None
    totals = summary["totals"]
    write("%d hosts (%d not analysed) in %.1f s: %s, %s\n" % (
        totals["hosts"], totals["broken"], time.time() - started, paths[0], paths[1]))
    for h in summary["hosts"]:
        if h["error"]:
            write("not analysed: %s: %s\n" % (h["name"], h["error"]))
    return 0
