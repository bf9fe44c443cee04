"""`gotriage verify [--spec FILE] [--build] [--archive FILE]` (docs/verify.md): one report
and one exit code over the integrity of the Go installs, their runtime (--build) and the
probes of the spec.  Exit codes (the house's): 0 verified, 1 a finding at or above
--fail-on, 2 a usage or tool error."""

import os
import posixpath
import time

from gotriage.i18n import _


class UsageError(Exception):
    """A one-line usage error (exit 2)."""


def add_parser(sub, kit):
    p = sub.add_parser(
        "verify", help=_("verify the Go installs (their files, VERSION, rpm -V, release "
                         "archives), with --build that go builds and runs hello programs in "
                         "each context, and the spec's probes: one report, one exit code"))
    p.add_argument("--spec", metavar="FILE",
                   help=_("an INI spec: [go NAME] root/version to require, [probe NAME] "
                          "target/count/max-error-rate/max-p95, [verify] archives "
                          "(docs/verify.md); default: the Go installs `check` finds"))
    p.add_argument("--build", action="store_true",
                   help=_("build and run a pure-Go and a cgo hello program with each go in "
                          "each context's environment (in a private temporary directory, "
                          "removed afterwards)"))
    p.add_argument("--archive", action="append", default=[], metavar="FILE",
                   help=_("check a go1.N.linux-ARCH.tar.gz against Go's published SHA-256 "
                          "(repeatable)"))
    p.add_argument("--goroot", action="append", default=[], metavar="DIR",
                   help=_("verify this Go install instead of those `check` finds (repeatable)"))
    p.add_argument("--baseline-repo", metavar="DIR",
                   help=_("also verify that the files recorded in this baseline (`gotriage "
                          "baseline init`) are unchanged; default: /var/lib/gotriage/baseline "
                          "when it holds one"))
    p.add_argument("--build-timeout", type=kit.seconds_value, default=120.0, metavar="SECONDS",
                   help=_("bound of one `go build` with --build (default 120)"))
    kit.add_timeout_option(p, "rpm -V, go build's program run")
    kit.add_deadline_option(p)
    p.add_argument("--json", action="store_true", help=_("print only JSON (docs/report.schema.json)"))
    from gotriage.report.output import add_options as add_format_options
    add_format_options(p)
    p.add_argument("-v", "--verbose", action="store_true", help=_("show evidence and reasons"))
    p.add_argument("--fail-on", choices=("info", "warn", "error"), default="warn",
                   help=_("exit 1 when a finding is at least this severe (default: warn)"))
    p.add_argument("--no-color", action="store_true", help=_("never use colour"))
    p.set_defaults(func=kit.runner(__name__))


def read_spec(path):
    from gotriage.verify.spec import SpecError, parse_spec

    if path is None:
        return parse_spec("")
    try:
        with open(path, "rb") as f:
            text = f.read(1 << 20).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError("--spec %s: %s" % (path, getattr(exc, "strerror", None) or exc)) from None
    try:
        return parse_spec(text, source=path)
    except SpecError as exc:
        raise UsageError(str(exc)) from None


def run(args, open_host, write, unicode_ok=True, colour=False):
    spec = read_spec(args.spec)
    archives = list(args.archive) + list(spec.archives)
    for path in archives:
        if not os.path.isfile(path):
            raise UsageError(_("--archive %s: no such file") % path)
    probes = _parse_probes(spec, args.deadline)
    host = open_host(None)
    try:
        started = time.monotonic()
        report = build_report(host, args, spec, archives, probes)
        report.duration = time.monotonic() - started
        from gotriage.report import output

        try:
            return output.emit(report, args, write, unicode_ok, colour)
        except output.UsageError as exc:
            raise UsageError(str(exc)) from None
    finally:
        host.close()


def _parse_probes(spec, deadline):
    from gotriage.probe import gate
    from gotriage.probe import targets as targets_module

    parsed = []
    for probe in spec.probes:
        try:
            target = targets_module.parse_target(probe.target)
            limits = targets_module.parse_limits(probe.count, "4", "5", "0", deadline)
            values = {}
            if probe.max_error_rate is not None:
                values["max_error_rate"] = targets_module.parse_percent(
                    "max-error-rate", probe.max_error_rate)
            if probe.max_p95 is not None:
                values["max_p95_ms"] = targets_module.parse_positive(
                    "max-p95", probe.max_p95, "a number of milliseconds")
        except ValueError as exc:
            raise UsageError("[probe %s] %s" % (probe.name, exc)) from None
        parsed.append((probe.name, target, limits, gate.Thresholds(**values)))
    return parsed


def workers():
    """Threads that hash programs: one per core (hashlib lets go of the GIL)."""
    return os.cpu_count() or 1


def build_report(host, args, spec, archives, probes):
    from gotriage.knowledge import go_checksums
    from gotriage.runner import Report
    from gotriage.verify import checks, gather, integrity
    from gotriage.verify.parallel import Pool

    findings, notes = [], []
    options = {"project": None, "users": [], "network": False, "timeout": args.timeout}
    explicit = list(args.goroot) + [r.root for r in spec.installs if r.root]
    pool = Pool(workers())
    # independent steps at once: the service layer's commands (systemd-analyze...)
    # run while the trees and archives are hashed; the report keeps its order
    service_notes = []
    services = pool.submit(_services, host, options, spec.services, service_notes)
    try:
        sums = [pool.submit(gather.archive_sha256, host, os.path.abspath(path))
                for path in archives]
        roots = gather.go_roots(host, options, explicit)
        if not roots:
            notes.append("no Go install found: nothing to verify" + (
                "" if explicit else " (give --goroot DIR)"))
        records = []
        for root, given in roots:
            record = gather.read_install(host, root, given, pool)
            records.append(record)
            for what, message in record.problems:
                findings.append(checks.input_finding(what, message))
            findings.extend(checks.tree_findings(record))
        findings.extend(checks.required_findings(spec.installs, records))
        for path, sha in zip(archives, sums):
            name = posixpath.basename(path)
            state, expected = integrity.archive_verdict(name, sha.result(), go_checksums.SHA256)
            findings.extend(checks.archive_findings(path, name, sha.result(), state, expected,
                                                    go_checksums.SOURCE))
        if args.build:
            findings.extend(_builds(host, args, options, records))
        for name, target, limits, thresholds in probes:
            findings.extend(_probe(name, target, limits, thresholds))
    except BaseException:
        services.wait()  # the host is closed next: not while that thread uses it
        raise
    service_findings = services.result()
    notes.extend(n for n in service_notes if n not in notes)
    layers = ["verify"]
    if service_findings:
        findings.extend(service_findings)
        layers.append("service")
    recorded = _baseline(args, notes)
    if recorded is not None:
        # the baseline layer's own comparison (baseline/compare.py through its checks),
        # as `check` adds it: its BASE-* drift findings join this report
        from gotriage import runner

        drift = runner.run(host, ["baseline"], dict(options, baseline=recorded),
                           fail_on=args.fail_on)
        findings.extend(drift.findings)
        notes.extend(drift.notes)
        layers.append("baseline")
    report = Report(host, layers, findings, notes, fail_on=args.fail_on)
    return report


def _services(host, options, names, notes):
    """The Go services (the spec's `services`, else those the service layer finds):
    the service layer's own SVC-UNIT and SVC-EXEC checks (the unit loads; its ExecStart=
    program runs here, with the binary layer's verdict), run by the runner, and whether
    each is running (facts/service_running.py: systemd's MainPID, else /proc)."""
    from gotriage import runner
    from gotriage.verify import checks

    # (the service layer starts every unit's `systemd-analyze verify` at once itself:
    # facts/service.py's prefetch)
    opts = dict(options, units=list(names) or None)
    report = runner.run(host, ["service"], opts, only={"SVC-UNIT", "SVC-EXEC"})
    out = list(report.findings)
    notes.extend(n for n in report.notes if n not in notes)
    facts = runner.make_facts("service", host, opts)
    units = [u for u in facts.units if u.found]
    if units and not facts.booted:
        notes.append("systemd is not running here: whether %s %s running is not examined" % (
            ", ".join(u.name for u in units), "is" if len(units) == 1 else "are"))
    elif units:
        for unit in units:
            out.extend(checks.service_findings(unit.name, facts.running(unit)))
    return out


def _baseline(args, notes):
    """The recorded baseline to compare the host with, or None (docs/baseline.md: the
    repository `check` uses; an explicit one that cannot be read is a usage error)."""
    from gotriage.baseline import command as baseline

    try:
        recorded, note = baseline.baseline_for_check(args.baseline_repo, None)
    except baseline.UsageError as exc:
        raise UsageError(str(exc)) from None
    if note:
        notes.append(note)
    return recorded


def _builds(host, args, options, records):
    from gotriage.runner import make_facts
    from gotriage.verify import checks, runtime

    contexts = [(c.label, c.env, c.severity("error"))
                for c in make_facts("toolchain", host, options).contexts]
    gos = [posixpath.join(r.root, "bin", "go") for r in records]
    attempts, _ = runtime.run_builds(host, gos, contexts, build_timeout=args.build_timeout,
                                     run_timeout=args.timeout or 10.0)
    out = []
    for attempt in attempts:
        out.extend(checks.build_findings(attempt))
    return out


def _probe(name, target, limits, thresholds):
    from gotriage.probe import gate, prober, stats
    from gotriage.verify import checks

    context = prober.ssl_context() if target.scheme == "https" else None
    result = prober.run_probes([target], limits, context)
    summary = stats.summarize(result.attempts, limits.count)
    decisions = gate.judge([(target.url, summary)], thresholds)
    return checks.probe_findings(name, target.url, decisions, summary.errors)
