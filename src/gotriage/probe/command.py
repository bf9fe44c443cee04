"""`gotriage probe TARGET...`: probe http://, https:// or tcp:// targets a bounded number of
times, report each one's success rate, latency percentiles and Go-worded errors, and gate
on them (docs/probe.md).

Exit codes (the house's): 0 the gate passed, 1 it failed, 2 a usage or tool error.  It
contacts only the targets given (and --baseline), at most --count times each, and ends
about --deadline seconds after it began.
"""

from gotriage.i18n import _

DEFAULT_COUNT = "20"
DEFAULT_CONCURRENCY = "4"
DEFAULT_TIMEOUT = "5"


class UsageError(Exception):
    """A one-line usage error (exit 2)."""


def add_parser(sub, kit):
    p = sub.add_parser(
        "probe", help=_("probe http(s):// or tcp:// targets a bounded number of times: success "
                        "rate, p50/p95/p99, Go-worded errors; a gate and canary check for deploys"))
    p.add_argument("targets", nargs="+", metavar="TARGET",
                   help=_("http://HOST[:PORT]/PATH, https://... or tcp://HOST:PORT (only these are "
                          "contacted)"))
    p.add_argument("--count", default=DEFAULT_COUNT, metavar="N",
                   help=_("requests per target, 1 to 10000 (default %s)") % DEFAULT_COUNT)
    p.add_argument("--concurrency", default=DEFAULT_CONCURRENCY, metavar="N",
                   help=_("requests at once, 1 to 64 (default %s)") % DEFAULT_CONCURRENCY)
    p.add_argument("--timeout", default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help=_("bound of one request, connect to last byte, as Go's Client.Timeout "
                          "(default %s)") % DEFAULT_TIMEOUT)
    p.add_argument("--interval", default="0", metavar="SECONDS",
                   help=_("pause of each worker between its requests (default 0)"))
    kit.add_deadline_option(p)
    p.add_argument("--cacert", metavar="FILE",
                   help=_("trust the CA certificates (PEM) in FILE for https:// instead of the "
                          "system's store"))
    gate = p.add_argument_group(_("gate (exit 1 when a rule fails)"))
    gate.add_argument("--max-error-rate", metavar="PCT",
                      help=_("fail when a target's error rate is above PCT percent"))
    gate.add_argument("--max-p95", metavar="MS",
                      help=_("fail when a target's p95 latency is above MS milliseconds"))
    gate.add_argument("--baseline", metavar="URL",
                      help=_("also probe URL, interleaved with the targets, and judge each target "
                             "(the canary) against it"))
    gate.add_argument("--max-error-increase", metavar="POINTS",
                      help=_("with --baseline: fail when a canary's error rate exceeds the "
                             "baseline's by more than POINTS percentage points (default 1)"))
    gate.add_argument("--max-p95-ratio", metavar="R",
                      help=_("with --baseline: fail when a canary's p95 is more than R times the "
                             "baseline's (default 1.5)"))
    p.add_argument("--json", action="store_true", help=_("print only JSON (docs/probe.schema.json)"))
    p.add_argument("-v", "--verbose", action="store_true",
                   help=_("also min/mean/max and samples of each error"))
    p.add_argument("--no-color", action="store_true", help=_("never use colour"))
    p.set_defaults(func=kit.runner(__name__))


def parse(args):
    """(targets, roles, Limits, Thresholds) from the arguments; UsageError when one is
    wrong."""
    from gotriage.probe import gate
    from gotriage.probe import targets as targets_module

    try:
        targets = [targets_module.parse_target(t) for t in args.targets]
        roles = ["canary"] * len(targets)
        if args.baseline:
            targets.append(targets_module.parse_target(args.baseline))
            roles.append("baseline")
        if len(targets) > targets_module.MAX_TARGETS:
            raise ValueError(_("at most %d targets at once") % targets_module.MAX_TARGETS)
        limits = targets_module.parse_limits(args.count, args.concurrency, args.timeout,
                                             args.interval, args.deadline)
        values = {}
        for option, name, parse_value in (
                ("--max-error-rate", "max_error_rate", targets_module.parse_percent),
                ("--max-error-increase", "max_error_increase", targets_module.parse_percent),
                ("--max-p95", "max_p95_ms", lambda o, t: targets_module.parse_positive(
                    o, t, "a number of milliseconds")),
                ("--max-p95-ratio", "max_p95_ratio", lambda o, t: targets_module.parse_positive(
                    o, t, "a ratio"))):
            text = getattr(args, name.replace("_ms", ""))
            if text is not None:
                values[name] = parse_value(option, text)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if not args.baseline:
        for option, name in (("--max-error-increase", "max_error_increase"),
                             ("--max-p95-ratio", "max_p95_ratio")):
            if name in values:
                raise UsageError(_("%s compares with a baseline: give --baseline URL") % option)
    else:
        values.setdefault("max_error_increase", gate.DEFAULT_ERROR_INCREASE)
        values.setdefault("max_p95_ratio", gate.DEFAULT_P95_RATIO)
    return targets, roles, limits, gate.Thresholds(**values)


def run(args, open_host, write, unicode_ok=True, colour=False):
    from gotriage.probe import gate, prober, render, stats

    targets, roles, limits, thresholds = parse(args)
    context = None
    if any(t.scheme == "https" for t in targets) or args.cacert:
        try:
            context = prober.ssl_context(args.cacert)
        except (OSError, ValueError) as exc:  # ssl.SSLError is an OSError
            raise UsageError("--cacert %s: %s" % (args.cacert, getattr(exc, "strerror", None)
                                                  or exc)) from None
    result = prober.run_probes(targets, limits, context)
    by_target = [[] for _ in targets]
    for attempt in result.attempts:
        by_target[attempt.target].append(attempt)
    summaries = [stats.summarize(attempts, limits.count) for attempts in by_target]
    canaries = [(t.url, s) for t, r, s in zip(targets, roles, summaries) if r == "canary"]
    baseline = None
    if "baseline" in roles:
        index = roles.index("baseline")
        baseline = (targets[index].url, summaries[index])
    decisions = gate.judge(canaries, thresholds, baseline)
    probed = render.Probed(targets, roles, summaries, limits, thresholds, decisions, result)
    if args.json:
        write(render.render_json(probed))
    else:
        write(render.text(probed, verbose=args.verbose, unicode_ok=unicode_ok, colour=colour))
    return probed.exit_code

