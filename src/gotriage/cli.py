"""Command line: one small function per command.

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or tool error.
Imports are lazy so that `gotriage --version` stays fast.
"""

import os
import sys

from gotriage import __version__
from gotriage.i18n import N_, _

EXIT_USAGE = 2


class ToolError(Exception):
    """A one-line error for the user (exit 2)."""


def _add_deadline_option(p):
    """--deadline, on every command that may run commands on the host."""
    from gotriage.deadline import DEFAULT_DEADLINE

    p.add_argument("--deadline", type=_deadline_seconds, default=DEFAULT_DEADLINE,
                   metavar="SECONDS",
                   help=_("end the run about SECONDS after it began, whatever hangs (default "
                          "%g; 0: none; else at least 1): a command not started by then is skipped and reported, "
                          "one started before gets at most the time left; --timeout still bounds "
                          "each command") % DEFAULT_DEADLINE)


def _add_timeout_option(p, examples):
    """--timeout: the bound of the commands gotriage runs when given; without it each
    command has its own (docs/inputs.md: 10 s, quick probes 5 s, `su -` 15 s).  The
    inputs reader applies it (inputs/reader.py, Reader.timeout_of)."""
    p.add_argument("--timeout", type=_timeout_seconds, default=None, metavar="SECONDS",
                   help=_("kill a command it runs (%s) after this long, at least 1 (default 10 s; quick "
                          "probes at most 5 s; a command slow by nature, such as one that "
                          "loads the whole SELinux policy, keeps its own longer bound: "
                          "docs/inputs.md)") % examples)


def _seconds(text, zero_means=None):
    """A number of seconds, at least 1 (shorter, every command would look hung: `go env`
    alone may take a few hundred milliseconds on a cold cache); 0 only where it means
    something (`zero_means`)."""
    import argparse

    value = seconds_value(text, zero_means is not None)
    if value is None:
        raise argparse.ArgumentTypeError(_("needs a number of seconds, at least 1%(zero)s: not "
            "%(value)r") % {"zero": _(" (or 0: %s)") % _(zero_means) if zero_means else "", "value": text})
    return value


def seconds_value(text, zero_allowed=False):
    """float(text) when it is a usable number of seconds (>= 1, or 0 if allowed), else None."""
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    if value == 0 and zero_allowed:
        return value
    if not 1 <= value < float("inf"):
        return None
    return value


def _timeout_seconds(text):
    return _seconds(text)


def _retries(text):
    import argparse

    if not text.isdigit() or int(text) > 10:
        raise argparse.ArgumentTypeError(_("needs a whole number from 0 to 10: not %r") % text)
    return int(text)


def _deadline_seconds(text):
    return _seconds(text, zero_means=N_("no deadline"))


def _add_host_options(p, layers):
    p.add_argument("--layer", action="append", choices=layers, metavar="LAYER",
                   help=_("examine only this layer (repeatable; one of: %s)") % ", ".join(layers))
    p.add_argument("--project", metavar="DIR",
                   help=_("the Go project directory to examine (default: the current directory)"))
    p.add_argument("--user", action="append", default=[], metavar="NAME",
                   help=_("also examine NAME's login shell (runs `su - NAME -c 'env -0'`: "
                          "an explicit opt-in, needs root)"))
    _add_timeout_option(p, "go env, systemctl...")
    _add_deadline_option(p)
    p.add_argument("--network", action="store_true",
                   help=_("allow bounded network probes (a TCP connection to the configured "
                          "GOPROXY and the GETs that find its checksum database; the gpgkey= "
                          "URLs of enabled repositories, fetched with curl); "
                          "off by default: air-gapped hosts are the norm"))


def _add_root_options(p, root_help):
    """--root and --archive-limits, the same on every command that reads a snapshot."""
    group = p.add_argument_group(_("snapshot"))
    group.add_argument("--root", metavar="SNAPSHOT", help=_("%s; or a sosreport") % root_help)
    group.add_argument("--archive-limits", metavar="LIMITS",
                       help=_("what a snapshot archive may hold before it is refused unread: "
                              "any of members=10000,size=2G,member=512M,depth=64,name=1024,"
                              "ratio=200 (the defaults; docs/snapshot-format.md)"))


# Commands that live in a package of their own, each module with `add_parser(sub, kit)`
# (kit: _ParserKit) and `run(args, open_host, write, unicode_ok, colour)` raising its
# `UsageError`: a new command is one line here, not a hundred in this file.
COMMAND_MODULES = (
    "gotriage.apply.command",
    "gotriage.probe.command",
    "gotriage.collect_sh.command",
    "gotriage.fleet.command",
    "gotriage.verify.command",
)


class _ParserKit(object):
    """What a command module's add_parser gets: the options every command spells the
    same way, and the function argparse calls for it."""

    add_root_options = staticmethod(_add_root_options)
    add_timeout_option = staticmethod(_add_timeout_option)
    add_deadline_option = staticmethod(_add_deadline_option)
    add_host_options = staticmethod(_add_host_options)
    seconds_value = staticmethod(seconds_value)
    options = staticmethod(lambda args: _options(args))
    validate_subjects = staticmethod(lambda host, args: _validate_subjects(host, args))

    @staticmethod
    def runner(module_name):
        """The `func` of a command whose run() lives in `module_name` (imported when the
        command runs, so `--help` of another command does not pay for it)."""
        def run(args):
            return _run_doctor_command(__import__(module_name, fromlist=["run"]), args)
        return run


def build_parser():
    import argparse

    from gotriage.argparse_i18n import Parser  # (argparse's own words in the language chosen)
    from gotriage.checks import OFFERED

    parser = Parser(
        prog="gotriage",
        description=_("Find out why Go will not build, run or serve on this host, and how to fix it."),
        epilog=_("Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or tool error.  "
                 "Documentation: `gotriage docs` (it travels with gotriage, zipapp included); "
                 "what a finding means: `gotriage checks ID`."))
    parser.add_argument("--version", action="version", version="gotriage " + __version__,
                        help=_("show program's version number and exit"))
    parser.add_argument("--lang", choices=("en", "zh_CN"), metavar="LANG",
                        default=argparse.SUPPRESS,  # (main() takes it before argparse)
                        help=_("en or zh_CN (default: from LC_ALL, LC_MESSAGES, LANG; "
                               "docs/i18n.md); anywhere on the line"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    parser.commands = sub.choices  # name -> its parser (main() reports errors with its usage)

    p = sub.add_parser("check", help=_("examine this host (or a snapshot), layer by layer"))
    _add_host_options(p, OFFERED)
    _add_root_options(p, _("analyse a snapshot directory or .tar.gz made by `gotriage collect`"))
    p.add_argument("--json", action="store_true", help=_("print only JSON (docs/report.schema.json)"))
    from gotriage.report.output import add_options as add_format_options
    add_format_options(p)  # --format text|json|prometheus|junit, --output FILE
    p.add_argument("-v", "--verbose", action="store_true", help=_("show evidence and reasons"))
    p.add_argument("--fail-on", choices=("info", "warn", "error"), default="warn",
                   help=_("exit 1 when a finding is at least this severe (default: warn)"))
    p.add_argument("--ignore", action="append", default=[], metavar="ID",
                   help=_("skip a check or a finding by its id (repeatable)"))
    from gotriage.baseline.command import CHECK_OPTION_HELP
    p.add_argument("--baseline-repo", metavar="DIR", help=_(CHECK_OPTION_HELP))
    from gotriage.scap_results import add_option as add_scap_results_option
    add_scap_results_option(p)  # --scap-results FILE (docs/security.md)
    p.add_argument("--no-color", action="store_true", help=_("never use colour"))
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("collect", help=_("record what `check` reads into a snapshot for offline analysis"))
    _add_host_options(p, OFFERED)
    p.add_argument("-o", "--output", required=True, metavar="DIR|FILE.tar.gz",
                   help=_("a new directory, or an archive named .tar.gz, .tgz, .tar.xz, "
                          ".tar.bz2 or .tar (written mode 0600)"))
    p.set_defaults(func=cmd_collect)

    p = sub.add_parser("binary", help=_("will this Go binary run here (or on elN, or on a glibc "
                                        "version)? what will the user see if not?"))
    p.add_argument("file", metavar="FILE", help=_("the ELF program to examine (read in small parts, "
                                                  "never run)"))
    from gotriage.facts.binary import target_help

    p.add_argument("--target", default="host", metavar="TARGET",
                   help=_("where it should run: %s; default: host (this host, or the "
                          "snapshot's; elN is x86_64)") % target_help())
    _add_root_options(p, _("read FILE from a snapshot (a path on the recorded host) and target "
                           "that host"))
    p.add_argument("--json", action="store_true", help=_("print only JSON (docs/report.schema.json)"))
    p.add_argument("-v", "--verbose", action="store_true", help=_("show evidence and reasons"))
    p.add_argument("--fail-on", choices=("info", "warn", "error"), default="warn",
                   help=_("exit 1 when a finding is at least this severe (default: warn)"))
    _add_timeout_option(p, "rpm, getconf...")
    _add_deadline_option(p)
    p.add_argument("--no-color", action="store_true", help=_("never use colour"))
    p.set_defaults(func=cmd_binary)

    p = sub.add_parser("avc", help=_("explain SELinux denials in the audit log, narrowest fix first"))
    p.add_argument("logs", nargs="*", metavar="LOG",
                   help=_("audit logs to read, - for standard input (default: "
                          "/var/log/audit/audit.log and its rotations)"))
    p.add_argument("--since", metavar="TIME",
                   help=_("only denials since TIME: recent, today, yesterday, 2h, 2024-05-01 10:00, epoch"))
    p.add_argument("--module", metavar="NAME",
                   help=_("write NAME.te (and NAME.fc) for the denials nothing narrower fixes"))
    p.add_argument("--raw-rules", action="store_true",
                   help=_("print every allow rule audit2allow would write, for comparison"))
    _add_root_options(p, _("read the logs and policy of a snapshot"))
    p.add_argument("--json", action="store_true",
                   help=_("print only JSON (docs/report.schema.json; avc's detail in its avc object)"))
    p.add_argument("-v", "--verbose", action="store_true", help=_("show the evidence lines"))
    p.add_argument("--fail-on", choices=("info", "warn", "error"), default="warn",
                   help=_("exit 1 when a finding is at least this severe (default: warn)"))
    _add_timeout_option(p, "sesearch, semanage...")
    _add_deadline_option(p)
    tools = p.add_mutually_exclusive_group()
    tools.add_argument("--no-tools", action="store_true",
                       help=_("run none of audit2why, matchpathcon, sesearch, semanage, getsebool: "
                              "for a log from another host, whose policy this host's tools would "
                              "not know (a LOG whose types this policy lacks gets it by itself)"))
    tools.add_argument("--tools", action="store_true",
                       help=_("ask this host's tools even about a LOG whose types this host's "
                              "policy lacks"))
    p.add_argument("--no-color", action="store_true", help=_("never use colour"))
    p.set_defaults(func=cmd_avc)

    p = sub.add_parser("explain", help=_("paste an error message or a log: the cause, the "
                         "evidence and the fix (confirmed on a host with --host or --root)"),
                       epilog=_("Exit codes: 0 no fault, 1 a problem at or above --fail-on, "
                                "2 usage or tool error, 3 nothing recognised."))
    p.add_argument("files", nargs="*", metavar="FILE",
                   help=_("files holding the text, - for standard input (the default)"))
    p.add_argument("--text", action="append", metavar="MESSAGE",
                   help=_("the message itself (repeatable)"))
    where = p.add_mutually_exclusive_group()
    where.add_argument("--host", action="store_true",
                       help=_("confirm each cause on this host (runs only the checks that can)"))
    _add_root_options(p, _("confirm each cause on a snapshot made by `gotriage collect`"))
    p.add_argument("--json", action="store_true",
                   help=_("print only JSON (docs/report.schema.json; explain's detail in its "
                          "explain object)"))
    p.add_argument("-v", "--verbose", action="store_true", help=_("quote whole lines"))
    p.add_argument("--fail-on", choices=("info", "warn", "error"), default="warn",
                   help=_("exit 1 when a problem is at least this severe (high confidence or "
                          "confirmed: error; medium: warn; low or ruled out: info; default: warn)"))
    _add_timeout_option(p, _("the checks that confirm"))
    _add_deadline_option(p)
    p.add_argument("--no-color", action="store_true", help=_("never use colour"))
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("service", help=_("why a Go service does not start under systemd: unit, "
                                         "program, user, environment, label, journal"))
    p.add_argument("unit", metavar="UNIT", help=_("a unit name (app, app.service) or the path of a "
                                                  "unit file"))
    p.add_argument("--trace", action="store_true",
                   help=_("also START the program under strace as the unit's user for a few "
                          "seconds (it may have side effects; live host only; asks first)"))
    p.add_argument("--yes", action="store_true", help=_("do not ask before --trace"))
    p.add_argument("--journal", metavar="FILE",
                   help=_("read this saved journal text instead of `journalctl -u UNIT`"))
    _add_root_options(p, _("analyse a snapshot directory or .tar.gz made by `gotriage collect`"))
    p.add_argument("--json", action="store_true", help=_("print only JSON (docs/report.schema.json)"))
    add_format_options(p)
    p.add_argument("-v", "--verbose", action="store_true", help=_("show evidence and reasons"))
    p.add_argument("--fail-on", choices=("info", "warn", "error"), default="warn",
                   help=_("exit 1 when a finding is at least this severe (default: warn)"))
    _add_timeout_option(p, "journalctl, systemd-analyze...")
    _add_deadline_option(p)
    p.add_argument("--no-color", action="store_true", help=_("never use colour"))
    p.set_defaults(func=cmd_service)

    p = sub.add_parser("port", help=_("who can connect to PORT, which firewall rule decides, "
                                      "what a Go client sees, and the fix"))
    p.add_argument("port", metavar="PORT", type=int, help=_("the port a server listens on"))
    p.add_argument("--proto", choices=("tcp", "udp"), default="tcp", help=_("default tcp"))
    p.add_argument("--from", dest="froms", action="append", default=[], metavar="ADDR",
                   help=_("a client address (repeatable; default: a host on each interface's "
                          "network and one in each zone source binding)"))
    p.add_argument("--iface", metavar="IF", help=_("the interface the clients come in on "
                                                   "(default: the route back to them)"))
    _add_root_options(p, _("analyse a snapshot directory or .tar.gz made by `gotriage collect`"))
    p.add_argument("--json", action="store_true", help=_("print only JSON (docs/report.schema.json)"))
    add_format_options(p)
    p.add_argument("-v", "--verbose", action="store_true", help=_("show evidence and reasons"))
    _add_timeout_option(p, "firewall-cmd, nft...")
    _add_deadline_option(p)
    p.add_argument("--no-color", action="store_true", help=_("never use colour"))
    p.set_defaults(func=cmd_port)

    p = sub.add_parser("notify", help=_("send a report (any command's --json) to webhooks, "
                                        "WeCom or DingTalk robots, or email (docs/notify.md)"),
                       epilog=_("Exit codes: 0 every destination got it, 2 usage error or a "
                                "destination that did not.  A URL on the command line is "
                                "visible in `ps`: prefer --to-file or GOTRIAGE_NOTIFY_TO."))
    p.add_argument("report", nargs="?", default="-", metavar="REPORT.json",
                   help=_("the report, - for standard input (the default)"))
    p.add_argument("--to", action="append", metavar="URL",
                   help=_("a destination (repeatable): an http(s) URL, or mailto:ADDRESS"))
    p.add_argument("--to-file", metavar="FILE",
                   help=_("the destinations, one per line (without --to; default: the "
                          "environment variable GOTRIAGE_NOTIFY_TO)"))
    from gotriage.notify import KINDS

    p.add_argument("--kind", choices=KINDS, metavar="KIND",
                   help=_("the format, one of: %s (default: from the URL: WeCom's and "
                          "DingTalk's robot hosts, mailto:, else webhook)") % ", ".join(KINDS))
    p.add_argument("--secret-file", metavar="FILE",
                   help=_("the signing secret (DingTalk's SEC..., or the webhook's HMAC "
                          "key); default: the environment variable GOTRIAGE_NOTIFY_SECRET"))
    p.add_argument("--timeout", type=_timeout_seconds, default=10.0, metavar="SECONDS",
                   help=_("give up an attempt after this long (default 10, at least 1)"))
    p.add_argument("--retries", type=_retries, default=3, metavar="N",
                   help=_("attempts after the first, 1 s, 2 s, 4 s... apart (default 3, at most 10)"))
    p.add_argument("--sendmail", default="sendmail", metavar="PATH",
                   help=_("the sendmail for mailto: (default: the system's, from /usr/sbin...)"))
    p.add_argument("--dry-run", action="store_true",
                   help=_("print each request instead of sending it (secrets redacted)"))
    p.set_defaults(func=cmd_notify)

    from gotriage.baseline.command import add_parser

    add_parser(sub, _add_root_options, _add_timeout_option, _add_deadline_option, cmd_baseline)
    kit = _ParserKit()
    for module_name in COMMAND_MODULES:
        __import__(module_name, fromlist=["add_parser"]).add_parser(sub, kit)

    p = sub.add_parser("checks", help=_("list every check and the finding ids it can report; "
                                        "with IDs, what each means, its evidence and its fix"))
    p.add_argument("ids", nargs="*", metavar="ID",
                   help=_("a check or finding id (SVC-EXEC, GO-ROOT-MISMATCH): print its "
                          "documentation, as docs/findings.md has it"))
    p.add_argument("--json", action="store_true", help=_("print JSON"))
    p.set_defaults(func=cmd_checks)

    p = sub.add_parser("docs", help=_("print gotriage's documentation (the docs/ it carries): "
                                      "a list, or one document"))
    p.add_argument("name", nargs="?", metavar="NAME",
                   help=_("a document: README, architecture, findings, binary, selinux, "
                          "report.schema.json... (default: the list)"))
    p.set_defaults(func=cmd_docs)

    p = sub.add_parser("completion", help=_("print a shell completion script, generated from "
                                            "gotriage's options"))
    p.add_argument("shell", choices=("bash", "zsh"), help=_("bash: source it or put it in "
                     "/etc/bash_completion.d/gotriage; zsh: save it as _gotriage in $fpath"))
    p.set_defaults(func=cmd_completion)
    return parser


def _stdout_can_encode(text):
    encoding = getattr(sys.stdout, "encoding", None) or "ascii"
    try:
        text.encode(encoding)
        return True
    except (UnicodeEncodeError, LookupError):
        return False


def _use_colour(args):
    if getattr(args, "no_color", False) or os.environ.get("NO_COLOR"):
        return False
    return hasattr(sys.stdout, "isatty") and sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


def _write(text):
    """Write to stdout, with every character that a terminal would not show as itself
    (escape sequences and controls in a hostile file name, bytes that are not UTF-8)
    written as an escape; characters the terminal cannot encode become '?' rather than
    a crash."""
    from gotriage.quoting import visible_output

    text = visible_output(text)
    try:
        sys.stdout.write(text)
    except UnicodeEncodeError:
        encoding = getattr(sys.stdout, "encoding", None) or "ascii"
        sys.stdout.write(text.encode(encoding, "replace").decode(encoding))
    sys.stdout.flush()


def _warn(text):
    """A message on stderr: host names in it reach the terminal as escapes, never as
    control sequences, and what the terminal cannot encode becomes '?'."""
    from gotriage.quoting import visible

    text = visible(text)
    try:
        sys.stderr.write(text)
    except UnicodeEncodeError:
        encoding = getattr(sys.stderr, "encoding", None) or "ascii"
        sys.stderr.write(text.encode(encoding, "replace").decode(encoding))


def _options(args):
    return {"project": os.path.abspath(args.project) if args.project else None,
            "users": args.user, "network": args.network, "timeout": args.timeout}


def _validate_subjects(host, args):
    """--project and --user name things on the host examined (live, or the snapshot's):
    a directory and users that exist there, else a one-line usage error.  Read through
    the toolchain layer's declared inputs, as the layer itself reads them."""
    from gotriage.host.base import HostError
    from gotriage.inputs.reader import reader_of
    from gotriage.inputs.toolchain import INPUTS

    io = reader_of(host).layer(INPUTS)
    where = _("in the snapshot") if host.kind == "snapshot" else _("on this host")
    if args.project:
        project = _options(args)["project"]
        try:
            st = io.stat("project", dir=project)
        except HostError as err:
            if not err.unrecorded:  # (a snapshot that says nothing of it: the layer notes that)
                raise ToolError(_("--project %(dir)s: %(error)s %(where)s") % {
                    "dir": project, "error": err.message.lower(), "where": where}) from None
            st = None
        if st is not None and not st.is_dir:
            raise ToolError(_("--project %s is not a directory") % project)
    if args.user:
        from gotriage.facts.contexts import lookup_user

        unknown = [u for u in args.user if lookup_user(io, name=u) is None]
        if unknown:
            raise ToolError(_("--user %(names)s: no such user %(where)s (not in /etc/passwd)") % {
                "names": ", ".join(unknown), "where": where})


def _host_opener(args):
    """open_host with the command's --archive-limits (a one-line usage error when they
    do not parse), for the commands and the command modules."""
    from gotriage.host import open_host

    limits = None
    if getattr(args, "archive_limits", None) is not None:
        from gotriage.host.archive import ArchiveLimits

        try:
            limits = ArchiveLimits.parse(args.archive_limits)
        except ValueError as exc:
            raise ToolError("--archive-limits: %s" % exc) from None
    deadline = getattr(args, "deadline", None)

    def opener(root):
        host = open_host(root, limits)
        host.set_deadline(deadline)  # the live host's; a snapshot replays, unbounded
        return host
    return opener


def cmd_check(args):
    from gotriage import runner
    from gotriage.baseline import command as baseline
    from gotriage.checks import LAYERS
    from gotriage.checks_command import UsageError, validate_ids

    try:
        validate_ids(args.ignore)
    except UsageError as exc:
        raise ToolError(str(exc)) from None
    layers, options = list(args.layer or LAYERS), _options(args)
    try:  # a baseline present adds its drift (docs/baseline.md, "check and the baseline")
        note = baseline.add_to_check(args, layers, options)
    except baseline.UsageError as exc:
        raise ToolError(str(exc)) from None
    from gotriage import scap_results
    scap_results.add_to_check(args, layers, options, ToolError)
    host = _host_opener(args)(args.root)
    try:
        _validate_subjects(host, args)
        report = runner.run(host, layers, options, args.ignore, args.fail_on)
        report.notes.extend([note] if note else [])
        return _print_report(report, args)
    finally:
        host.close()


def _print_report(report, args):
    """Print a report as --format (--json) asks, or the doctor view; returns its exit code."""
    from gotriage.report import output

    try:
        return output.emit(report, args, _write, _stdout_can_encode("\u2713\u2717\u00b7"),
                           _use_colour(args))
    except output.UsageError as exc:
        raise ToolError(str(exc)) from None


def cmd_collect(args):
    from gotriage import runner
    from gotriage.checks import OFFERED
    from gotriage.host.live import LiveHost
    from gotriage.host.recorder import OTHER_ARCHIVES, RecordingHost, archive_mode

    out = args.output
    if os.path.exists(out) and not (os.path.isdir(out) and not os.listdir(out)):
        raise ToolError(_("%s already exists: give a new path") % out)
    if archive_mode(out) is None and out.lower().endswith(OTHER_ARCHIVES):
        raise ToolError(_("%s: collect writes a directory, or a .tar.gz, .tgz, .tar.xz, .tar.bz2 "
                          "or .tar archive (what check --root reads)") % out)
    # what is read in ranges (audit logs) waits in an unnamed file beside the output, not
    # in memory (and not in /tmp, which may be a tmpfs)
    spill_dir = os.path.dirname(os.path.abspath(out))
    try:
        host = RecordingHost(LiveHost(), spill_dir=spill_dir)
    except OSError as exc:
        raise ToolError(_("cannot write in %(dir)s: %(error)s") % {"dir": spill_dir, "error": exc}) from None
    host.set_deadline(args.deadline)
    try:
        _validate_subjects(host, args)
        # the layers run on request are recorded too: `check --root --layer security` works
        report = runner.run(host, args.layer or list(OFFERED), _options(args))
        try:
            host.save(out)
        except OSError as exc:
            raise ToolError(_("cannot write %(path)s: %(error)s") % {"path": out, "error": exc}) from None
    finally:
        host.close()
    _warn(_("gotriage: recorded %(paths)d paths and %(commands)d commands into %(out)s (secrets "
            "redacted)\n") % {"paths": len(host.paths), "commands": len(host.commands), "out": out})
    for note in report.notes:
        _warn("gotriage: not recorded: %s\n" % note)
    if archive_mode(out) is not None:
        advice = _archive_advice(out)
        if advice:
            _warn("gotriage: note: %s\n" % advice)
    return 0


def _archive_advice(path):
    """What `check --root PATH` needs to read an archive `collect` just wrote, when the
    default --archive-limits would refuse it (a snapshot dominated by large Go binaries,
    recorded mostly as zeros, can pass the compression ratio limit), else None."""
    import math

    from gotriage.host.archive import ArchiveError, ArchiveLimits, open_archive, scan_archive

    try:
        with open_archive(path) as f:
            scan_archive(f, path, ArchiveLimits())
        return None
    except ArchiveError as exc:
        refused = str(exc)
    if "decompression bomb" not in refused:
        return "with the default limits, check --root refuses this archive: %s" % refused
    with open_archive(path) as f:
        tally = scan_archive(f, path, ArchiveLimits(ratio=10 ** 9))
    ratio = max(ArchiveLimits().ratio + 1, int(math.ceil(tally.bytes / max(os.path.getsize(path), 1))) + 1)
    return ("this archive is mostly zeros (the unread parts of the Go binaries it records), "
            "more than the default limits let `check --root` read: give it "
            "--archive-limits ratio=%d" % ratio)


def cmd_binary(args):
    from gotriage.binary import LAYER, BinaryError, Target, analyse_binary
    from gotriage.runner import Report

    try:
        target = Target(args.target)
    except BinaryError as exc:
        raise ToolError(str(exc)) from None
    host = _host_opener(args)(args.root)
    try:
        path = args.file
        if args.root is None:
            path = os.path.abspath(path) if not os.path.isabs(path) else path
        elif not path.startswith("/"):
            raise ToolError(_("with --root, FILE is a path on the recorded host: give it "
                              "absolute (e.g. /usr/local/bin/%s)") % os.path.basename(path))
        notes = []
        try:
            findings = analyse_binary(host, path, target, notes, {"timeout": args.timeout},
                                      name=args.file)
        except BinaryError as exc:
            raise ToolError(str(exc)) from None
        errors = sum(1 for f in findings if f.id == "GOTRIAGE-CHECK-FAILED")
        return _print_report(Report(host, [LAYER], findings, notes, args.fail_on, errors),
                             args)
    finally:
        host.close()


def cmd_avc(args):
    from gotriage.selinux import command

    opener = _host_opener(args)
    try:
        return command.run(args, opener, _write,
                           unicode_ok=_stdout_can_encode("\u2713\u2717\u00b7"),
                           colour=_use_colour(args))
    except command.UsageError as exc:
        raise ToolError(str(exc)) from None


def _run_doctor_command(module, args):
    """Run a command module that prints a doctor view (`service`, `port`): its run()
    gets the host opener, the writer and the terminal's abilities."""
    opener = _host_opener(args)
    try:
        return module.run(args, opener, _write,
                          unicode_ok=_stdout_can_encode("\u2713\u2717\u00b7"),
                          colour=_use_colour(args))
    except module.UsageError as exc:
        raise ToolError(str(exc)) from None


def cmd_explain(args):
    from gotriage.explain import command

    return _run_doctor_command(command, args)


def cmd_service(args):
    from gotriage.service import command

    return _run_doctor_command(command, args)


def cmd_port(args):
    from gotriage.firewall import command

    return _run_doctor_command(command, args)


def cmd_notify(args):
    from gotriage.notify import command

    try:
        return command.run(args, _write, _warn)
    except command.UsageError as exc:
        raise ToolError(str(exc)) from None


def cmd_baseline(args):
    from gotriage.baseline import command

    return _run_doctor_command(command, args)


def cmd_checks(args):
    from gotriage import checks_command

    try:
        return checks_command.run(args, _write)
    except checks_command.UsageError as exc:
        raise ToolError(str(exc)) from None


def cmd_completion(args):
    from gotriage import completion

    _write((completion.bash if args.shell == "bash" else completion.zsh)(build_parser()))
    return 0


def cmd_docs(args):
    from gotriage import docs

    if not args.name:
        names = docs.names()
        if not names:
            raise ToolError(_("this gotriage carries no documentation (%s)") % docs.WHERE)
        _write("".join("%s\n" % n for n in names))
        return 0
    try:
        _write(docs.read(args.name))
    except LookupError as exc:
        raise ToolError(str(exc)) from None
    return 0


def main(argv=None):
    args_list = sys.argv[1:] if argv is None else list(argv)
    if args_list == ["--version"]:
        # The commonest probe of all ("is it installed?") skips argparse's import.
        _write("gotriage %s\n" % __version__)
        return 0
    from gotriage import i18n

    try:  # before argparse builds its help, in the language chosen
        _lang, args_list = i18n.take_option(args_list, os.environ, _stdout_can_encode)
    except ValueError as exc:
        _warn("gotriage: error: %s\n" % exc)
        return EXIT_USAGE
    if args_list[:1] == ["binary"]:
        # `gotriage binary` is meant to be as quick as `readelf`: it skips argparse
        # (argparse and the re it imports cost more than reading a 75 MB binary), unless
        # the arguments need it (--help, a mistake), which then go to argparse as usual.
        args = _parse_binary_fast(args_list[1:])
        if args is not None:
            return _dispatch(args)
    parser = build_parser()
    args, extra = parser.parse_known_args(args_list)
    if extra:
        # the subcommand's usage, not the top-level one (`check --bogus`, `checks -v`)
        command = parser.commands.get(getattr(args, "command", None), parser)
        command.error(_("unrecognized arguments: %s") % " ".join(extra))
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    return _dispatch(args)


class _Args(object):
    """What argparse would return for `binary` (see _parse_binary_fast)."""

    def __init__(self, **kw):
        self.__dict__.update(kw)


def _parse_binary_fast(argv):
    """The arguments of `gotriage binary` parsed by hand, or None to let argparse do it
    (help, an unknown option, a missing or invalid value)."""
    from gotriage.deadline import DEFAULT_DEADLINE

    values = {"file": None, "target": "host", "root": None, "archive_limits": None,
              "json": False, "verbose": False,
              "fail_on": "warn", "timeout": None, "deadline": DEFAULT_DEADLINE,
              "no_color": False, "func": cmd_binary,
              "command": "binary"}
    flags = {"--json": "json", "-v": "verbose", "--verbose": "verbose", "--no-color": "no_color"}
    options = {"--target": "target", "--root": "root", "--archive-limits": "archive_limits",
               "--fail-on": "fail_on", "--timeout": "timeout",
               "--deadline": "deadline"}
    i = 0
    while i < len(argv):
        arg = argv[i]
        name, eq, value = arg.partition("=")
        if arg in flags:
            values[flags[arg]] = True
        elif name in options:
            if not eq:
                i += 1
                if i >= len(argv):
                    return None
                value = argv[i]
            values[options[name]] = value
        elif arg.startswith("-") or values["file"] is not None:
            return None
        else:
            values["file"] = arg
        i += 1
    if values["file"] is None or values["fail_on"] not in ("info", "warn", "error"):
        return None
    if values["timeout"] is not None:
        values["timeout"] = seconds_value(values["timeout"])
        if values["timeout"] is None:
            return None  # argparse says why
    values["deadline"] = seconds_value(values["deadline"], zero_allowed=True)
    if values["deadline"] is None:
        return None
    return _Args(**values)


def _dispatch(args):
    if hasattr(sys.stderr, "isatty") and sys.stderr.isatty() and \
            os.environ.get("TERM") != "dumb":
        from gotriage import progress

        progress.enable(sys.stderr)  # a slow command says what it waits for (progress.py)
    try:
        return args.func(args)
    except ToolError as exc:
        _warn(_("gotriage: error: %s\n") % exc)
        return EXIT_USAGE
    except KeyboardInterrupt:
        _warn(_("gotriage: interrupted\n"))
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # never a traceback for the user; GOTRIAGE_DEBUG shows it
        # Imported only here: host.snapshot pulls in tarfile, json and more.
        from gotriage.host.snapshot import SnapshotError

        if isinstance(exc, SnapshotError):
            _warn(_("gotriage: error: %s\n") % exc)
            return EXIT_USAGE
        if os.environ.get("GOTRIAGE_DEBUG"):
            raise
        _warn(_("gotriage: internal error: %(kind)s: %(error)s (set GOTRIAGE_DEBUG=1 for details)"
                "\n") % {"kind": type(exc).__name__, "error": exc})
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
