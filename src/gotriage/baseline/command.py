"""`gotriage baseline init|diff|lint [--repo DIR] [--spec FILE] [--rules FILE] [--root
SNAPSHOT] [--json] [-v]`.

init records what the spec names (docs/baseline.md) in the baseline repository, one
commit per recording whose message says what changed, none when nothing did; diff
reports how the host drifted from the repository's HEAD, as the baseline layer's
findings in the doctor view or --json, with `check`'s exit codes; lint judges the
recorded files against a rule file (baseline/lint.py), without reading the host.
"""

import os
import sys

from gotriage.i18n import N_, _

ACTIONS = ("init", "diff", "lint", "timer", "restore")


class UsageError(Exception):
    """A one-line error for the user (exit 2)."""


def add_parser(sub, add_root_options, add_timeout_option, add_deadline_option, func):
    """The `baseline` subcommand on cli's parser (one parser, ACTION a positional: the
    completion and the man page are generated from flat subcommands)."""
    from gotriage.baseline.gitrepo import DEFAULT_REPO

    p = sub.add_parser("baseline", help=_("record this host's Go environment in a git repository "
                                          "(init), report how it drifted since (diff), or "
                                          "judge the recording against rules (lint), or print "
                                          "a systemd timer that runs diff --notify (timer)"))
    p.add_argument("action", choices=ACTIONS, metavar="ACTION",
                   help=_("init: record (one commit, none when nothing changed); diff: the drift "
                          "from the recorded baseline, as findings; lint: the recorded files "
                          "against a rule file, for CI; timer: print a systemd service and "
                          "timer running `diff --notify` (nothing installed); restore: print "
                          "how to put the drifted files back, --apply does it"))
    p.add_argument("--repo", default=DEFAULT_REPO, metavar="DIR",
                   help=_("the baseline repository (default %s); the only thing gotriage "
                          "writes") % DEFAULT_REPO)
    p.add_argument("--spec", metavar="FILE",
                   help=_("init: what to record, an INI file (docs/baseline.md; default: the "
                          "built-in spec and what `check` finds)"))
    p.add_argument("--rules", metavar="FILE",
                   help=_("lint: the rule file, INI (docs/baseline.md, \"Lint\"; default: the "
                          "built-in rules)"))
    add_root_options(p, _("read a snapshot directory or .tar.gz made by `gotriage collect` "
                          "instead of this host"))
    p.add_argument("--json", action="store_true", help=_("diff, lint: print only JSON "
                                                         "(docs/report.schema.json)"))
    from gotriage.report.output import add_options as add_format_options

    add_format_options(p)  # diff only: --format text|json|prometheus|junit, --output FILE
    p.add_argument("-v", "--verbose", action="store_true",
                   help=_("diff, lint: show evidence (the unified diff of each changed file)"))
    p.add_argument("--fail-on", choices=("info", "warn", "error"), default="warn",
                   help=_("diff, lint: exit 1 when a finding is at least this severe (default: warn)"))
    p.add_argument("--only", action="append", default=[], metavar="PATH",
                   help=_("restore: only this recorded path (repeatable); a file new since "
                          "the baseline is removed only when named here"))
    from gotriage.apply.command import add_apply_options

    add_apply_options(p)
    p.add_argument("--every", metavar="SPAN",
                   help=_("timer: how often the drift check runs, a systemd time span (default "
                          "1h; e.g. 30min, 1d)"))
    from gotriage.notify.command import add_destination_options

    add_destination_options(p, _("notify (diff --notify, restore --apply --notify, timer; "
                                 "docs/notify.md)"),
                            _("diff: when there is drift, send the report as `gotriage "
                              "notify` does; restore --apply: say what was put back, or that "
                              "it failed and was rolled back"), _("timer: /etc/gotriage/notify.to"))
    add_timeout_option(p, "getenforce, semanage, firewall-cmd, rpm...")
    add_deadline_option(p)
    p.add_argument("--no-color", action="store_true", help=_("never use colour"))
    p.set_defaults(func=func)
    return p


def _parse_spec(text):
    from gotriage.baseline.spec import parse_spec
    from gotriage.inputs.baseline import STATE_COMMANDS

    return parse_spec(text, set(STATE_COMMANDS))


def _read_spec(path):
    from gotriage.baseline.spec import DEFAULT_SPEC, SpecError

    if path is None:
        return DEFAULT_SPEC, _parse_spec(DEFAULT_SPEC)
    try:
        with open(path, "rb") as f:
            text = f.read(1 << 20).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError("--spec %s: %s" % (path, getattr(exc, "strerror", None) or exc)) from None
    try:
        return text, _parse_spec(text)
    except SpecError as exc:
        raise UsageError("--spec %s: %s" % (path, exc)) from None


def _facts_of(host, options):
    """A runner-like facts_of for init (diff goes through the runner): the baseline
    layer asks the toolchain and service layers what `check` finds."""
    from gotriage.runner import make_facts

    cache = {}

    def facts_of(layer):
        if layer not in cache:
            cache[layer] = make_facts(layer, host, options)
        return cache[layer]
    options["facts_of"] = facts_of
    return facts_of


def run(args, open_host, write, unicode_ok=True, colour=False):
    from gotriage.baseline.gitrepo import RepoError

    if args.action == "init":
        for flag, name in ((args.json, "--json"), (args.fail_on != "warn", "--fail-on")):
            if flag:
                raise UsageError(_("%s is an option of `baseline diff`") % name)
    elif args.spec:
        raise UsageError(_("--spec is an option of `baseline init` (%s uses the recorded "
                           "one)") % args.action)
    for flag, name in ((args.format, "--format"), (args.output, "--output")):
        if flag and args.action != "diff":
            raise UsageError(_("%s is an option of `baseline diff`") % name)
    if args.rules and args.action != "lint":
        raise UsageError(_("--rules is an option of `baseline lint`"))
    if args.action == "lint" and args.root:
        raise UsageError(_("lint judges the recorded files, not a host: no --root"))
    wants_notify = args.to or args.to_file or args.secret_file or args.kind
    if args.action == "timer":
        return _timer(args, write)
    if args.action != "restore" and args.apply:
        raise UsageError(_("--apply is an option of `baseline restore` and `baseline timer`"))
    if args.action == "restore":
        return _restore_checked(args, open_host, write)
    for flag, name in ((args.only, "--only"), (args.yes, "--yes"),
                       (args.state_dir, "--state-dir")):
        if flag:
            raise UsageError(_("%s is an option of `baseline restore`") % name)
    if args.every:
        raise UsageError(_("--every is an option of `baseline timer`"))
    if (args.notify or wants_notify) and args.action not in ("diff", "restore"):
        raise UsageError(_("--notify is an option of `baseline diff` and `baseline restore "
                           "--apply`"))
    if wants_notify and not args.notify:
        raise UsageError(_("--to, --to-file, --kind and --secret-file go with --notify"))
    try:
        if args.action == "init":
            return _init(args, open_host, write)
        if args.action == "lint":
            return _lint(args, open_host, write, unicode_ok, colour)
        return _diff(args, open_host, write, unicode_ok, colour)
    except RepoError as exc:
        raise UsageError(str(exc)) from None


def _init(args, open_host, write):
    from gotriage.baseline import gitrepo
    from gotriage.baseline.compare import compare, summary
    from gotriage.facts.baseline import BaselineFacts

    repo = os.path.abspath(args.repo)
    spec_text, spec = _read_spec(args.spec)
    gitrepo.check_repo(repo)  # refuse a foreign or newer repository before reading the host
    previous = None
    if os.path.isdir(os.path.join(repo, ".git")):
        previous = gitrepo.load(repo, _parse_spec)
    host = open_host(args.root)
    try:
        options = {"timeout": args.timeout}
        facts = BaselineFacts(host, spec=spec, timeout=args.timeout,
                              facts_of=_facts_of(host, options))
        seen = facts.observe()
    finally:
        host.close()
    if seen.missing_required:
        raise UsageError(_("the spec names files that do not exist: %s (mark their group "
                           "`optional = yes`, or remove them)") % ", ".join(seen.missing_required))
    for note in facts.notes:
        sys.stderr.write("gotriage: note: %s\n" % note)
    if previous is None:
        message = "baseline: first recording (%d files, %d Go installs, %d state outputs)" % (
            len(seen.files), len(seen.go), len(seen.state))
    else:
        message = "baseline: " + summary(compare(previous, seen))
    where = "snapshot %s" % args.root if args.root else "host %s" % os.uname()[1]
    commit = gitrepo.record(repo, spec_text, seen, "%s\n\nRecorded from the %s by gotriage." % (
        message, where))
    if commit is None:
        write("nothing changed since the baseline at %s: no commit\n" % repo)
    else:
        write("recorded %d files, %d Go installs, %d state outputs in %s: commit %s\n  %s\n" % (
            len(seen.files), len(seen.go), len(seen.state), repo, commit, message))
    return 0


def _diff(args, open_host, write, unicode_ok, colour):
    from gotriage import runner
    from gotriage.baseline import gitrepo

    # the destinations and the secret are read first: a mistake there is a usage error
    # before the host is read, not a drift that nobody hears of
    destinations = _destinations(args) if args.notify else None
    repo = os.path.abspath(args.repo)
    recorded = gitrepo.load(repo, _parse_spec)
    host = open_host(args.root)
    try:
        options = {"baseline": recorded, "timeout": args.timeout}
        report = runner.run(host, ["baseline"], options, fail_on=args.fail_on)
        # check's renderers and writer (docs/metrics.md): the doctor view, --json,
        # a node_exporter textfile, JUnit XML; --output written atomically
        from gotriage.report import output

        try:
            code = output.emit(report, args, write, unicode_ok,
                               colour and not os.environ.get("NO_COLOR"))
        except output.UsageError as exc:
            raise UsageError(str(exc)) from None
        # the message is made while the host is open (the report's host line reads it)
        message = _drift_message(report) if destinations is not None else None
    finally:
        host.close()
    if destinations is not None:
        code = _notify(message, destinations, code)
    return code


def _destinations(args):
    from gotriage.notify import command as notify_command

    try:
        return notify_command.destinations(args, os.environ)
    except notify_command.UsageError as exc:
        raise UsageError(str(exc)) from None


def _drift_message(report):
    """The notify Message of a report with drift (a problem of any severity, or a check
    that failed), else None."""
    from gotriage.notify.message import message_from_report

    if not any(f.severity != "ok" for f in report.findings):
        return None
    message = message_from_report(report)
    message.event = "drift"
    return message


def _notify(message, destinations, code):
    from gotriage.notify.command import send_all

    return send_all(message, destinations, code)

def _restore_checked(args, open_host, write):
    from gotriage.apply import command as apply_command
    from gotriage.baseline.gitrepo import RepoError

    for flag, name in ((args.json, "--json"), (args.spec, "--spec"), (args.rules, "--rules"),
                       (args.every, "--every")):
        if flag:
            raise UsageError(_("%s is not an option of `baseline restore`") % name)
    try:
        apply_command.check_apply_args(args)
        return _restore(args, open_host, write)
    except apply_command.UsageError as exc:
        raise UsageError(str(exc)) from None
    except RepoError as exc:
        raise UsageError(str(exc)) from None


def _restore(args, open_host, write):
    """The plan that puts the drifted files back (apply/build.py restore_plan), printed;
    with --apply, run, its backups committed in the baseline repository."""
    from gotriage.apply import command as apply_command
    from gotriage.apply.build import restore_plan
    from gotriage.baseline import gitrepo
    from gotriage.baseline.compare import compare
    from gotriage.facts.baseline import BaselineFacts

    only = [os.path.normpath(p) for p in args.only]
    unknown = [p for p in only if not p.startswith("/")]
    if unknown:
        raise UsageError(_("--only takes absolute paths: %s") % ", ".join(unknown))
    destinations = apply_command.notify_destinations(args)  # (before the host is read)
    repo = os.path.abspath(args.repo)
    recorded = gitrepo.load(repo, _parse_spec)

    def plan_now(host):
        facts = BaselineFacts(host, recorded=recorded, timeout=args.timeout)
        seen = facts.observe()
        drifts = compare(recorded, seen)
        outside = [p for p in only if p not in recorded.files and p not in seen.files]
        if outside:
            raise UsageError(_("--only %s: not a file the baseline records or its spec "
                               "matches") % ", ".join(outside))
        recorded.prefetch([d.subject for d in drifts if d.kind in ("changed", "missing")
                           and recorded.files.get(d.subject, {}).get("sha256")])
        return restore_plan(recorded, seen, drifts, only=only), len(drifts)

    host = open_host(args.root)
    try:
        plan, drifted = plan_now(host)
        where = "snapshot %s" % args.root if args.root else "host %s" % host.hostname()
    finally:
        host.close()
    header = ["gotriage baseline restore of %s to %s at commit %s (%s): %d drifts" % (
        where, repo, recorded.short, recorded.date[:10], drifted)]
    if not args.apply:
        from gotriage.apply.script import render

        write(render(plan, header))
        return 1 if plan.manual or plan.has_work else 0
    state_dir = args.state_dir or apply_command.default_state_dir()
    stamp = apply_command.stamp()
    backup_dir = os.path.join(repo, "backups", stamp)

    def recheck():
        fresh = open_host(None)
        try:
            again, _ = plan_now(fresh)
        finally:
            fresh.close()
        left = set(s.path for s in again.file_steps)
        return [(s.why, s.path, s.path not in left) for s in plan.file_steps]

    def commit_backups(outcome):
        if os.path.isdir(backup_dir):
            commit = gitrepo.commit_paths(repo, ["backups/" + stamp], (
                "restore: backups of %d files replaced at %s\n\nThe files as they were "
                "before `gotriage baseline restore --apply` put back the recording of "
                "commit %s." % (len(outcome.done), stamp, recorded.short)))
            write("backups committed in %s: %s\n" % (repo, commit))
    return apply_command.apply_plan(plan, args, write, header, backup_dir, state_dir,
                                    recheck=recheck, after=commit_backups,
                                    notify=apply_command.notifier(
                                        "baseline restore", destinations))


def _read_rules(path):
    from gotriage.baseline.lint import DEFAULT_RULES, RulesError, parse_rules

    if path is None:
        return parse_rules(DEFAULT_RULES)
    try:
        with open(path, "rb") as f:
            text = f.read(1 << 20).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError("--rules %s: %s" % (path, getattr(exc, "strerror", None) or exc)) \
            from None
    try:
        return parse_rules(text)
    except RulesError as exc:
        raise UsageError("--rules %s: %s" % (path, exc)) from None


def _lint(args, open_host, write, unicode_ok, colour):
    """The lint rules over the repository's HEAD.  The runner wants a host for its
    report: the live one is opened but never read (the lint checks ask only the
    recording), and the header says what was judged."""
    from gotriage import runner
    from gotriage.baseline import gitrepo
    from gotriage.checks.baseline_lint import LINT_CHECKS

    rules = _read_rules(args.rules)
    repo = os.path.abspath(args.repo)
    recorded = gitrepo.load(repo, _parse_spec)
    host = open_host(None)
    try:
        options = {"baseline": recorded, "lint_rules": rules, "timeout": args.timeout}
        report = runner.run(host, ["baseline"], options, fail_on=args.fail_on,
                            only=set(LINT_CHECKS))
        if not args.json:
            write("baseline lint: %s at commit %s (%s), %s; the host is not read\n" % (
                repo, recorded.short, recorded.date[:10],
                "rules " + args.rules if args.rules else "the built-in rules"))
        _render(report, args, write, unicode_ok, colour)
        return report.exit_code
    finally:
        host.close()


def _render(report, args, write, unicode_ok, colour):
    if args.json:
        from gotriage.report import json_report

        write(json_report.render(report))
    else:
        from gotriage.report import text

        style = text.Style(unicode_ok=unicode_ok, colour=colour and not os.environ.get("NO_COLOR"))
        write(text.render(report, style, verbose=args.verbose))


def _program():
    """The argv that runs this gotriage: the Python running it and the zipapp it runs
    from, else `-m gotriage` (an installed gotriage: pip install, or the package)."""
    import gotriage

    here = os.path.abspath(gotriage.__file__)
    at = here.find(".pyz" + os.sep)
    if at >= 0:
        return [sys.executable, here[:at + 4]]
    return [sys.executable, "-m", "gotriage"]


def _timer(args, write):
    """Print the service and the timer (baseline/timer.py); nothing is installed."""
    from gotriage.baseline import timer

    if args.notify:
        raise UsageError(_("timer runs `baseline diff --notify` itself: no --notify"))
    if args.to:
        raise UsageError(_("a URL written in a unit file is readable by every user: give "
                           "--to-file FILE (default %s)") % timer.DEFAULT_TO_FILE)
    for flag, name in ((args.json, "--json"), (args.fail_on != "warn", "--fail-on"),
                       (args.spec, "--spec"), (args.rules, "--rules"), (args.root, "--root"),
                       (args.only, "--only")):
        if flag:
            raise UsageError(_("%s is not an option of `baseline timer`") % name)
    paths = [os.path.abspath(p) if p else None for p in (args.repo, args.to_file,
                                                          args.secret_file)]
    try:
        pairs = timer.units(_program(), paths[0], every=args.every or timer.DEFAULT_EVERY,
                            to_file=paths[1] or timer.DEFAULT_TO_FILE,
                            secret_file=paths[2], kind=args.kind)
    except timer.TimerError as exc:
        raise UsageError(str(exc)) from None
    if not args.apply:
        if args.yes or args.state_dir:
            raise UsageError(_("--yes and --state-dir go with --apply"))
        write(timer.render(pairs))
        return 0
    return _timer_apply(args, pairs, write)


def _timer_apply(args, pairs, write):
    from gotriage.apply import command as apply_command
    from gotriage.apply.engine import current_sha
    from gotriage.baseline import timer

    try:
        apply_command.check_apply_args(args)
    except apply_command.UsageError as exc:
        raise UsageError(str(exc)) from None
    plan = timer.plan(pairs, current_sha)
    state_dir = args.state_dir or apply_command.default_state_dir()
    header = ["gotriage baseline timer --apply: the %s units, every %s" % (
        timer.NAME, args.every or timer.DEFAULT_EVERY)]
    try:
        return apply_command.apply_plan(
            plan, args, write, header, os.path.join(state_dir, "backups",
                                                    apply_command.stamp()), state_dir)
    except apply_command.UsageError as exc:
        raise UsageError(str(exc)) from None


CHECK_OPTION_HELP = N_("also report the drift from this baseline (`gotriage baseline init`); "
                        "default: /var/lib/gotriage/baseline when it holds one (live host, no "
                        "--layer)")


def add_to_check(args, layers, options):
    """`check` with a baseline (docs/baseline.md, "check and the baseline"): the
    baseline layer appended to `layers` and its HEAD put in `options` when a baseline is
    present; returns a note or None.  Without one nothing is read and nothing said."""
    if args.baseline_repo is None and args.layer:
        return None  # a run narrowed by --layer gets the baseline only when named
    recorded, note = baseline_for_check(args.baseline_repo, args.root)
    if recorded is not None:
        layers.append("baseline")
        options["baseline"] = recorded
    return note


def baseline_for_check(repo, root):
    """What `check` compares the host with: (the Recorded baseline or None, a note or
    None).  `repo` is --baseline-repo (None: the default repository, for this live host
    only: a snapshot is another host).  Without a baseline nothing is said and git is
    not run (one stat of the repository's marker file); a default repository that
    cannot be read is a note; an explicit one that cannot be read a UsageError."""
    from gotriage.baseline import gitrepo

    explicit = repo is not None
    if not explicit:
        if root is not None:
            return None, None
        repo = gitrepo.DEFAULT_REPO
    repo = os.path.abspath(repo)
    if not explicit and not os.path.exists(os.path.join(repo, gitrepo.MARKER)):
        return None, None  # no baseline recorded here (an empty or absent directory)
    try:
        return gitrepo.load(repo, _parse_spec), None
    except gitrepo.RepoError as exc:
        if explicit:
            raise UsageError("--baseline-repo: %s" % exc) from None
        return None, "baseline drift not examined: %s" % exc
