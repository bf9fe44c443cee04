"""`gotriage avc [LOG ...] [--since TIME] [--module NAME] [--raw-rules] [--root SNAPSHOT]
[--no-tools] [--json] [-v] [--fail-on LEVEL]`: read the audit logs once, explain every
distinct denial with the narrowest fix, optionally write a minimal module or print
audit2allow's rules.

Each distinct denial is a finding of the SELinux layer (checks/selinux.py: denial_finding,
the finding `check --layer selinux` reports for it), so avc's report is a runner.Report like
every command's: `--json` is the report schema (docs/report.schema.json) with avc's own
detail in its `avc` object, the exit code follows --fail-on, and the text view ends with
the same `Summary:` line."""

import datetime
import os
import re
import sys
import time

from gotriage.facts.selinux import SELinuxFacts
from gotriage.findings import shell_join
from gotriage.i18n import _, ngettext
from gotriage.knowledge import selinux as K
from gotriage.knowledge.selinux import HOST_WIDE_CAUTION
from gotriage.parsers.audit import size_text
from gotriage.report.words import count as _count
from gotriage.selinux import logread
from gotriage.selinux import module as modwriter
from gotriage.selinux.analyzers import (
    MODULE_NAME,
    explain,
    needs_module,
    valid_module_name,
)
from gotriage.selinux.rules import raw_rules

EXIT_CLEAN, EXIT_DENIALS, EXIT_ERROR = 0, 1, 2
RESERVED = frozenset("t1 t2 t3 u1 u2 u3 r1 r2 r3 l1 l2 h1 h2 allow type class module require "
                     "role user self attribute bool if else".split())


class UsageError(Exception):
    pass


def parse_since(text, now=None):
    """Epoch seconds from an ausearch-like time: `recent` (10 minutes), `today`,
    `yesterday`, `this-week`, `30m`/`2h`/`3d` ago, epoch seconds, or a local
    `YYYY-MM-DD[ HH:MM[:SS]]`."""
    now = time.time() if now is None else now
    value = text.strip().lower()
    midnight = time.mktime(datetime.date.fromtimestamp(now).timetuple())
    if value == "recent":
        return now - 600
    if value == "today":
        return midnight
    if value == "yesterday":
        return midnight - 86400
    if value == "this-week":
        return midnight - 86400 * datetime.date.fromtimestamp(now).weekday()
    match = re.match(r"^(\d+)\s*([smhd])$", value)
    if match:
        return now - int(match.group(1)) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]
    if re.match(r"^\d{9,}(\.\d+)?$", value):
        return float(value)
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            return time.mktime(time.strptime(text.strip(), fmt))
        except ValueError:
            continue
    raise UsageError("cannot read the time %r (try recent, today, 2h, 2024-05-01 10:00 or "
                     "epoch seconds)" % text)


def _when(stamp):
    if stamp is None:
        return "?"
    return datetime.datetime.utcfromtimestamp(stamp).strftime("%Y-%m-%d %H:%M:%S")


def analyse(host, logs=None, since=None, timeout=10.0, explaining=True, use_tools=True,
            rerun=None, judge=None, scan=None, read_policy=True):
    """(facts, scan, [(denial, explanations)]); `judge(scan, facts)`, when given, sees
    the scan before any denial is explained and any tool asked about them (and may raise
    UsageError, or ForeignPolicy).  `scan`: the logs as an earlier analyse read them (a
    pipe is read once).  `read_policy=False` asks the tools even when gotriage can read
    the policy file (to compare both)."""
    facts = SELinuxFacts(host, logs, since, timeout, use_tools, rerun=rerun,
                         read_policy=read_policy)
    if scan is not None:
        facts._memo["scan"] = scan
    scan = facts.scan
    if judge is not None:
        judge(scan, facts)
    denials = sorted(scan.distinct(), key=lambda d: (-d.count, d.index))
    if not explaining:
        return facts, scan, [(d, []) for d in denials]
    view = facts.view(need_ports=any(d.tclass.endswith("_socket") for d in denials),
                      denials=denials)
    explained = [(d, explain(d, view)) for d in denials]
    return facts, scan, explained


def tool_lines(facts):
    """One line per real tool that was asked about the denials: the command (shell-quoted,
    stdin named), what it was asked and whether its answer was used."""
    out = []
    read = facts.policy_read
    if read is not None:
        # the policy file gotriage read in place of seinfo, sesearch, semanage and audit2why
        size = read["bytes"]
        out.append("%s read by gotriage  (%s%.2f s; %s)" % (
            read["path"], "" if size is None else "%.1f MB, " % (size / 1e6) if size >= 10 ** 5
            else "%d B, " % size, read["seconds"], "not used: %s" % read["error"]
            if read["error"] else "used: the policy's types, allow rules, port types and "
            "why each denial was denied, as seinfo, sesearch, semanage and audit2why answer"))
    for name in ("matchpathcon", "audit2why", "seinfo", "sesearch"):
        run = facts.tool_runs.get(name)
        if run is None:
            continue
        result, asked, used = run
        what = ("the labels of %s" % _count(asked, "path") if name == "matchpathcon"
                else "the policy's types" if name == "seinfo"
                else "%s of the analyzers" % _count(asked, "question") if name == "sesearch"
                else "%s on stdin" % _count(asked, "AVC line"))
        if used:
            status = "used"
        elif result.ok:
            status = "not used: no answer it could be matched with"
        elif result.error:
            status = "not used: %s" % result.excerpt(1)
        else:
            status = "not used: exit %s%s" % (result.returncode, (": " + result.errtext.strip().splitlines()[-1][:200])
                                               if result.errtext.strip() else "")
        out.append("%s  (%s, %.2f s; %s)" % (shell_join(result.argv), what, result.duration, status))
    return out


def tools_json(facts):
    out = {}
    for name, (result, count, used) in sorted(facts.tool_runs.items()):
        out[name] = {"argv": result.argv, "shell": shell_join(result.argv), "asked": count,
                     "returncode": result.returncode, "error": result.error,
                     "duration": result.duration, "used": used}
        if result.stdin_sha256:
            out[name]["stdin_sha256"] = result.stdin_sha256
    return out


def module_parts(name, explained):
    """(te text, fc text or None, the denials in it) for the denials nothing narrower fixes,
    plus .fc lines for directories the label fixes want labelled."""
    chosen = [d for d, ex in explained if needs_module(ex)]
    fc = []
    for _d, ex in explained:
        best = ex[0]
        for action in best.fix:
            argv = action.argv or []
            if argv[:4] == ["semanage", "fcontext", "-a", "-t"] and len(argv) == 6 and argv[4] != "TYPE":
                fc.append((argv[5], argv[4]))
    te = modwriter.write_te(name, modwriter.module_rules(chosen)) if chosen else None
    return te, (modwriter.write_fc(fc) if fc else None), chosen


def rerun_argv(args):
    """`gotriage avc` with the log arguments, --root, --since and --no-tools this run was
    given, as given: the module fix adds `--module NAME` to it, so the module is written
    from the same denials."""
    argv = ["gotriage", "avc"] + list(args.logs or [])
    if args.root:
        argv += ["--root", args.root]
    if getattr(args, "archive_limits", None):
        argv += ["--archive-limits", args.archive_limits]
    if args.since:
        argv += ["--since", args.since]
    if args.no_tools:
        argv.append("--no-tools")
    if getattr(args, "tools", False):
        argv.append("--tools")
    return argv


def run(args, open_host, write, unicode_ok=True, colour=False):
    """The command; returns its exit code.  Bad input (a time, a module name, a module
    file that exists, a log that cannot be read or is not an audit log) is a UsageError:
    one line, nothing on stdout, exit 2."""
    since = parse_since(args.since) if args.since else None
    if args.module is not None:
        check_module_name(args.module)
        refuse_existing(module_files(args.module))
    logs = None
    if args.logs:
        if "-" in args.logs and args.root:
            raise UsageError("LOG - (standard input) is read on this host: it cannot come "
                             "from --root %s" % args.root)
        # `-` is standard input (a pipe: live.read_range reads it once, as it streams)
        logs = ["/dev/stdin" if p == "-" else p if (args.root or p.startswith("/"))
                else os.path.abspath(p) for p in args.logs]
    fail_on = getattr(args, "fail_on", "warn")
    host = open_host(args.root)
    try:
        # --raw-rules alone needs no explanation: at --fail-on info or warn every denial
        # fails the run whatever explains it (each is a warning or an error)
        explaining = bool(args.json or args.module or not args.raw_rules or fail_on == "error")
        use_tools = not args.no_tools

        def judge(scan, facts):
            judge_logs(scan, explicit=bool(logs), snapshot=bool(args.root))
            # a LOG named on a live host may come from another host's policy: this host's
            # tools would judge it against the wrong one
            if (use_tools and explaining and logs and not args.root
                    and not getattr(args, "tools", False) and scan.denials):
                found = foreign_policy(scan.distinct(), facts.policy_types(), facts.policy_file)
                if found is not None:
                    raise ForeignPolicy(found, scan)

        foreign = None
        try:
            facts, scan, explained = analyse(host, logs, since, args.timeout, explaining,
                                             use_tools=use_tools, rerun=rerun_argv(args), judge=judge)
        except ForeignPolicy as exc:
            foreign = exc.found
            facts, scan, explained = analyse(host, logs, since, args.timeout, explaining,
                                             use_tools=False, rerun=rerun_argv(args), scan=exc.scan)
        module = None
        if args.module:
            te, fc, chosen = module_parts(args.module, explained)
            module = {"name": args.module, "denials": len(chosen), "files": [], "commands": []}
            if te:
                module["files"] = write_module_files(args.module, ((".te", te), (".fc", fc)))
                module["commands"] = [a.render() for a in
                                      modwriter.build_commands(args.module, with_fc=bool(fc))]
                module["te"], module["fc"] = te, fc
        report = grouped = None
        if explaining:
            # the host's mode says how a denial without permissive= was enforced, for its
            # own logs only (a LOG named on a live host may come from anywhere)
            grouped = group_all(facts, explained, own_logs=not logs or bool(args.root))
            report = make_report(host, facts, scan, grouped, fail_on)
        if args.json:
            write(to_json(report, details(facts, scan, explained, args, module, grouped, foreign)))
        elif args.raw_rules:
            write(raw_rules(scan.rules, scan.role_types))
            sys.stderr.write("gotriage: %s\n" % summary_line(scan))
            _stderr_problems(scan)
        else:
            from gotriage.report.text import Style

            write(render_text(facts, scan, explained, module, verbose=args.verbose, report=report,
                              style=Style(unicode_ok=unicode_ok, colour=colour), grouped=grouped,
                              foreign=foreign))
        if report is None:
            return EXIT_DENIALS if explained else EXIT_CLEAN
        return report.exit_code
    finally:
        host.close()


# -- a log from another host's policy ---------------------------------------------------------
FOREIGN_SHARE = 10  # one distinct denial in FOREIGN_SHARE naming a type the policy lacks


class ForeignPolicy(Exception):
    """The logs name types the loaded policy does not have (foreign_policy's dict)."""

    def __init__(self, found, scan=None):
        Exception.__init__(self, found)
        self.found = found
        self.scan = scan  # the logs as read: analysed again without the tools, not reread


def foreign_policy(denials, types, policy=None):
    """{unknown_types, denials, distinct_denials, policy} when at least one distinct
    denial in FOREIGN_SHARE names a source or target type the loaded policy (seinfo's
    `types`) does not have: the log was written under another policy, which this host's
    tools (audit2why, matchpathcon, sesearch, seinfo) do not know.  None when the policy's
    types are unknown or the share is smaller."""
    if not types or not denials:
        return None
    unknown, bad = [], 0
    for d in denials:
        missing = [t for t in (d.stype, d.ttype) if t not in types]
        bad += bool(missing)
        unknown.extend(t for t in missing if t not in unknown)
    if not bad or bad * FOREIGN_SHARE < len(denials):
        return None
    return {"unknown_types": unknown, "denials": bad, "distinct_denials": len(denials),
            "policy": policy}


def foreign_note(found):
    """The one note a foreign log gets, in words."""
    types = found["unknown_types"]
    return ("%d of the %s name %s this host's policy%s does not have (%s): the logs seem to "
            "come from another host's policy, so this host's tools were not asked (as with "
            "--no-tools) and the answers below rest on gotriage's own knowledge; --tools asks "
            "them anyway" % (
                found["denials"], _count(found["distinct_denials"], "distinct denial"),
                _count(len(types), "type"), " (%s)" % found["policy"] if found.get("policy") else "",
                ", ".join(types[:4]) + (", +%d" % (len(types) - 4) if len(types) > 4 else "")))


def group_all(facts, explained, own_logs=True):
    """[(Group, Finding)] of the explained denials (checks/selinux.py: group_findings),
    as `check --layer selinux` makes them: the denials that share a fix in one finding."""
    from gotriage.checks import selinux as layer

    current = facts.mode[0] if own_logs else None
    run = facts.tool_runs.get("audit2why")
    audit2why = run[0] if run and facts.verdicts else None
    return layer.group_findings(explained, current, facts.verdicts, audit2why)


def make_report(host, facts, scan, grouped, fail_on="warn"):
    """The runner.Report of the run: a finding of the SELinux layer for each group of
    denials that share a fix (group_all: made as `check --layer selinux` makes them), the
    layer's ok result when the logs hold none, what was not read as notes."""
    from gotriage.checks import selinux as layer
    from gotriage.runner import Report

    findings = [finding for _group, finding in grouped]
    if not findings:
        findings = layer.no_denial_findings(scan)
    notes = []
    for note in [p for p in problem_lines(scan) if not p.startswith(" ")] + facts.notes:
        if note not in notes:
            notes.append(note)
    return Report(host, [layer.LAYER], findings, notes, fail_on)


# -- bad input: one line, exit 2 ----------------------------------------------------------------
def check_module_name(name):
    """What semodule and checkmodule accept, narrowed to what is also a plain file name and
    a policy identifier: letters, digits and _, starting with a letter, not a keyword."""
    if not valid_module_name(name) or name.lower() in RESERVED:
        raise UsageError("--module %r: module names are letters, digits and _, starting "
                         "with a letter, and not a policy keyword" % name)


def module_files(name):
    """The files `--module NAME` writes (.te, .fc) and those its printed commands write
    (.mod, .pp), in the current directory."""
    return [name + suffix for suffix in (".te", ".fc", ".mod", ".pp")]


def refuse_existing(paths):
    """The rule of `collect -o`: an existing file is never overwritten."""
    for path in paths:
        if os.path.lexists(path):
            raise UsageError("%s already exists: give a new module name" % path)


def write_module_files(name, parts):
    """Write each (suffix, text) with text, as a new file (never over one that appeared
    since the check); returns the names written."""
    written = []
    try:
        for suffix, text in parts:
            if text:
                path = name + suffix
                with open(path, "x") as f:
                    written.append(path)
                    f.write(text)
    except OSError as exc:
        for path in written:
            try:
                os.unlink(path)
            except OSError:
                pass
        if isinstance(exc, FileExistsError):
            raise UsageError("%s already exists: give a new module name" % exc.filename) from None
        raise UsageError("cannot write %s: %s" % (exc.filename or name, exc.strerror or exc)) from None
    return written


def log_problem(entry, snapshot=False):
    """Why one log read (a ScanResult.files entry) is no audit log, in a line; None when
    it is one."""
    path, code = entry["path"], entry.get("error")
    if code in ("ENOENT", "ENOTDIR"):
        return "%s: no such file%s" % (path, " in the snapshot" if snapshot else "")
    if code == "EISDIR":
        return "%s is a directory, not an audit log" % path
    if code == "EBINARY":
        return "%s is not an audit log (binary data)" % path
    if code:
        denied = code in ("EACCES", "EPERM") and not snapshot
        return "cannot read %s: %s%s" % (path, entry.get("message") or code,
                                         " (audit logs are for root to read)" if denied else "")
    if not entry.get("records"):
        return "no audit records in %s" % path
    return None


def judge_logs(scan, explicit, snapshot=False):
    """Every log given on the command line must be an audit log that can be read; of the
    default logs, audit.log must be readable (an empty one, as rotation leaves it, is a
    clean result), a rotation that is not is reported under "Not read".  Raises
    UsageError with one line naming every log at fault."""
    if explicit:
        bad = [log_problem(e, snapshot) for e in scan.files]
    else:
        bad = [log_problem(e, snapshot) for e in scan.files
               if e["path"] == logread.AUDIT_LOG and e.get("error")]
        if bad and not snapshot and scan.files[-1].get("error") in ("ENOENT", "ENOTDIR"):
            bad[-1] += " (is auditd running? else name the logs to read)"
    bad = [b for b in bad if b]
    if bad:
        raise UsageError("; ".join(bad))


def summary_line(scan):
    read = [e for e in scan.files if not e.get("error")]
    return _("%(denials)s (%(records)s%(user_avc)s) in %(logs)s (%(size)s)%(span)s") % {
        "denials": ngettext("%(n)d distinct denial", "%(n)d distinct denials",
                            len(scan.denials)) % {"n": len(scan.denials)},
        "records": ngettext("%(n)d denial record", "%(n)d denial records",
                            scan.avc_records) % {"n": scan.avc_records},
        "user_avc": ", %d USER_AVC" % scan.user_avc_records if scan.user_avc_records else "",
        "logs": ngettext("%(n)d log", "%(n)d logs", len(read)) % {"n": len(read)},
        "size": size_text(scan.bytes),
        "span": ", %s .. %s UTC" % (_when(scan.first), _when(scan.last)) if scan.first else ""}


def _stderr_problems(scan):
    for line in problem_lines(scan):
        sys.stderr.write("gotriage: %s\n" % line)


def problem_lines(scan):
    """What was not read, a line each (samples indented): default logs that could not
    be read, lines that are not audit records, records that could not be parsed."""
    out = []
    for entry in scan.files:
        if entry.get("error"):
            out.append(log_problem(entry))
    if scan.unrecognized:
        out.append("%s%s" % (_count(scan.unrecognized, "line is not an audit record",
                                    "lines are not audit records"),
                             "" if not scan.too_long else
                             " (%d longer than 1 MB)" % scan.too_long))
        out.extend("  %s, byte %d: %s" % s for s in scan.unrecognized_samples)
    if scan.bad_avc:
        out.append(_count(scan.bad_avc, "AVC record could not be parsed",
                          "AVC records could not be parsed"))
        out.extend("  %s, byte %d: %s" % s for s in scan.bad_avc_samples)
    if scan.stray_gs:
        out.append(_count(scan.stray_gs,
                          "record has a stray 0x1D (ENRICHED separator) and was read as one line",
                          "records have a stray 0x1D (ENRICHED separator) and were read as one line"))
        out.extend("  %s, byte %d: %s" % s for s in scan.stray_gs_samples)
    if scan.glued:
        out.append(_count(scan.glued, "record starts inside another line",
                          "records start inside another line") +
                   " (a truncated write before %s)" % ("it" if scan.glued == 1 else "them"))
    if scan.overflow:
        out.append(_count(scan.overflow, "denial record beyond the first 5000 distinct denials "
                          "is in the totals and rules only", "denial records beyond the first "
                          "5000 distinct denials are in the totals and rules only"))
    if scan.skipped_since:
        out.append("%s older than --since skipped" % _count(scan.skipped_since, "denial record"))
    out.extend(scan.notes)
    return out


def render_text(facts, scan, explained, module, verbose=False, report=None, style=None,
                grouped=None, foreign=None):
    """avc's doctor view (selinux/textview.py), every line within 100 columns but the raw
    records of -v: its header lines, the TOP_GROUPS first groups of denials that share a
    fix (-v: every group, and every denial of each with its evidence), what was not read,
    hints, the module; with `report`, the Summary line every doctor view ends with."""
    from gotriage.checks.selinux import dontaudit_hint
    from gotriage.report.text import Style
    from gotriage.selinux import textview as view

    style = style or Style()
    if grouped is None:
        grouped = group_all(facts, explained)
    lines = view.wrap("gotriage avc: " + summary_line(scan), "", "  ")
    mode = facts.mode[0]
    if mode:
        lines.append(_("SELinux on this host: %(mode)s (policy %(policy)s)") % {
            "mode": mode, "policy": facts.policy_name})
    for number, tool in enumerate(tool_lines(facts)):
        lines.extend(view.wrap(tool if verbose else _short_tool_line(facts, tool),
                               "       " if number else _("asked: "), "         "))
    if foreign is not None:
        lines.extend(view.wrap(foreign_note(foreign), _("note: "), "      "))
    shown = grouped if verbose else grouped[:view.TOP_GROUPS]
    for group, finding in shown:
        lines.append("")
        lines.extend(view.group_lines(group, finding, style, facts.verdicts, _verdict_words,
                                      _caution, verbose))
    if len(grouped) > len(shown):
        rest = grouped[len(shown):]
        lines.append("")
        hidden = sum(len(g.members) for g, _f in rest)
        lines.append(_("%(groups)s (%(denials)s) not shown: -v or --json") % {
            "groups": ngettext("%(n)d more group", "%(n)d more groups", len(rest)) % {"n": len(rest)},
            "denials": ngettext("%(n)d distinct denial", "%(n)d distinct denials", hidden) % {
                "n": hidden}})
    problems = problem_lines(scan)
    if problems:
        lines.append("")
        lines.append(_("Not read"))
        for p in problems:
            lines.extend(view.wrap(p.lstrip(" "), "  " + " " * (len(p) - len(p.lstrip(" "))),
                                   "      "))
    if scan.failed_units and mode == "enforcing":
        for unit in scan.failed_units.values():
            if not unit.explained:
                lines.append("")
                lines.extend(view.wrap(dontaudit_hint(unit), "", "      "))
    if module is not None:
        lines.append("")
        if module["files"]:
            lines.extend(view.wrap(_("Module %(name)s (%(denials)s nothing narrower fixes): wrote "
                                     "%(files)s") % {
                "name": module["name"], "files": ", ".join(module["files"]),
                "denials": ngettext("%(n)d denial", "%(n)d denials", module["denials"]) % {
                    "n": module["denials"]}}, "", "    "))
            lines.extend("    " + c for c in module["commands"])
        elif explained:
            lines.append(_("Module %(name)s: not written, every denial has a narrower fix above")
                         % {"name": module["name"]})
        else:
            lines.append(_("Module %(name)s: not written, the logs hold no denial") % {
                "name": module["name"]})
    elif any(needs_module(ex) for _d, ex in explained):
        lines.append("")
        lines.append(_("For the denials only a module fixes:"))
        lines.extend(view.wrap_command(facts.rerun + ["--module", MODULE_NAME], "    ", "      "))
    if report is not None:
        from gotriage.report import text

        lines.append("")
        lines.append(text.summary_line(report, style))
    return "\n".join(lines) + "\n"


def _short_tool_line(facts, line):
    """A tool line of the default view: a command longer than 60 columns cut after its
    last word that fits, '...' for the rest (the line says how many items it was asked
    about; -v prints it whole)."""
    for result, _asked, _used in facts.tool_runs.values():
        full = shell_join(result.argv)
        if line.startswith(full + "  ") and len(full) > 60:
            words = []
            for word in result.argv:
                if len(shell_join(words + [word])) > 56:
                    break
                words.append(word)
            return shell_join(words) + " ..." + line[len(full):]
    return line


def _verdict_words(verdict):
    """audit2why's verdict in its own words, '(affects the whole host)' beside the
    command of each boolean that changes every domain."""
    text = verdict.summary()
    for name in verdict.boolean_names:
        if K.host_wide(name):
            text, found = re.subn(r"(setsebool -P %s \S+)" % re.escape(name),
                                  r"\1 (affects the whole host)", text)
            if not found:
                text += "  [%s: affects the whole host]" % name
    return text


def _caution(action):
    """A boolean that changes every domain says so wherever its command is printed."""
    # (setsebool_action writes the caution in the language of the run)
    caution = _(HOST_WIDE_CAUTION)
    return caution if action.description == caution else None


def details(facts, scan, explained, args, module, grouped=None, foreign=None):
    """avc's own detail, the report's `avc` object (docs/report.schema.json): the scan,
    every distinct denial with all its explanations and its group, the groups (each the
    result whose subject is the group's `subject`), the tools asked, what was not read,
    the raw rules and the module when asked, and why the tools were not asked when the
    logs come from another host's policy."""
    from gotriage.checks.selinux import denial_subject

    out = {"summary": summary_line(scan), "mode": facts.mode[0], "policy": facts.policy_name,
           "scan": scan.to_dict(), "denials": [], "groups": []}
    verdicts = facts.verdicts
    tools = tools_json(facts)
    if tools:
        out["tools"] = tools
    if facts.policy_read is not None:
        out["policy_read"] = dict(facts.policy_read, used=facts.policy_read["error"] is None)
    if foreign is not None:
        out["foreign_policy"] = dict(foreign, note=foreign_note(foreign))
    index = {}
    for number, (group, _finding) in enumerate(grouped or []):
        for d in group.denials:
            index[d.key] = number
    for d, ex in explained:
        item = d.to_dict()
        item["subject"] = denial_subject(d)
        if d.key in index:
            item["group"] = index[d.key]
        if d.key in verdicts:
            item["audit2why"] = verdicts[d.key].to_dict()
        item["explanations"] = [e.to_dict() for e in ex]
        out["denials"].append(item)
    position = dict((d.key, n) for n, (d, _ex) in enumerate(explained))
    for group, finding in grouped or []:
        out["groups"].append({
            "subject": finding.subject, "id": finding.id, "severity": finding.severity,
            "title": group.title, "denials": [position[d.key] for d in group.denials],
            "records": group.records, "fix": [a.to_dict() for a in group.fix]})
    if args.raw_rules:
        out["raw_rules"] = raw_rules(scan.rules, scan.role_types).splitlines()
    if module is not None:
        out["module"] = module
    out["problems"] = problem_lines(scan)
    return out


def to_json(report, avc):
    """The report as `--json` prints it (report/json_report.py), with `avc` (details())
    as its `avc` object."""
    from gotriage.report import json_report

    doc = json_report.to_dict(report)
    doc["avc"] = avc
    return json_report.dumps(doc) + "\n"
