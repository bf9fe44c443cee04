"""Run the checks of some layers against a host and collect a Report.

The runner is the one place that builds a layer's facts (from the layer table,
checks.LAYER_TABLE) and runs its checks, each inside the one crash wrapper (run_check):
`check` runs the chosen layers (run), `gotriage binary` and the layers that meet a Go
binary run one layer on one subject (examine).
"""

from gotriage.checks import ALL_LAYERS, LAYER_BY_NAME, NotExamined, all_checks, load
from gotriage.facts.base import view_of
from gotriage.findings import SEVERITY_RANK, Evidence, Finding
from gotriage.i18n import _

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


class Report(object):
    def __init__(self, host, layers, findings, notes, fail_on="warn", tool_errors=0, ignored=0):
        self.host = host
        self.ignored = ignored  # problems --ignore left out of the findings (not ok results)
        self.layers = list(layers)
        self.findings = findings
        self.notes = notes
        self.fail_on = fail_on
        self.tool_errors = tool_errors
        self.contexts = []
        self.duration = 0.0  # seconds the run took (runner.run sets it)

    def counts(self):
        counts = {s: 0 for s in SEVERITY_RANK}
        for f in self.findings:
            counts[f.severity] += 1
        return counts

    @property
    def worst(self):
        ranked = [f for f in self.findings if f.severity != "ok"]
        return max(ranked, key=lambda f: f.rank).severity if ranked else "ok"

    @property
    def exit_code(self):
        if self.tool_errors:
            return EXIT_ERROR
        threshold = SEVERITY_RANK[self.fail_on]
        if any(f.rank >= threshold and f.severity != "ok" for f in self.findings):
            return EXIT_FINDINGS
        return EXIT_CLEAN


class NotExaminable(Exception):
    """A layer's facts cannot be built for the subject they were given (the binary layer:
    a file that is missing, a directory or unreadable, or a target it does not know): a
    one-line reason for the user."""


def make_facts(layer, host, options):
    """The facts object of `layer` (its record's "module:Class", built with
    Class.from_options(host, options))."""
    module, _colon, name = LAYER_BY_NAME[layer].facts.partition(":")
    return getattr(load(module), name).from_options(host, options)


def merge(findings):
    """One finding per (id, subject): the same problem seen in several contexts is
    reported once, naming every context, with the highest severity."""
    merged, order = {}, []
    for f in findings:
        key = (f.id, f.subject or f.title)
        if key not in merged:
            merged[key] = f
            order.append(key)
            continue
        kept = merged[key]
        for ctx in f.contexts:
            if ctx not in kept.contexts:
                kept.contexts.append(ctx)
        if f.rank > kept.rank:
            kept.severity = f.severity
    return [merged[k] for k in order]


def run_check(chk, facts):
    """(findings, failed) of one check: a crashing check becomes GOTRIAGE-CHECK-FAILED.
    Every check gotriage runs runs through here."""
    try:
        produced = list(chk.func(view_of(facts)) or [])
        failed = False
    except NotExamined as why:
        facts.note(str(why))
        produced, failed = [], False
    except Exception as exc:  # a bug in one check must not hide the others
        import traceback

        failed = True
        produced = [Finding(
            "GOTRIAGE-CHECK-FAILED", "error",
            _("internal error in check %(check)s: %(type)s: %(error)s") % {
                "check": chk.id, "type": type(exc).__name__, "error": exc},
            evidence=[Evidence.fact(traceback.format_exc(limit=4).strip())],
            why=_("A bug in gotriage stopped this check; the other checks ran.  Please "
                  "report it with this output."))]
    for f in produced:
        f.check = f.check or chk.id
        f.layer = f.layer or chk.layer
    return produced, failed


def is_input_check(chk):
    """The `<PREFIX>-INPUT` check of a layer reports the commands its verdicts read that
    gave no answer (facts/inputs.py): it runs after every other check, so that it sees
    every command they read."""
    return chk.id == LAYER_BY_NAME[chk.layer].prefix + "-INPUT"


def settle_inputs(findings, facts_by_layer, layers, ignore=()):
    """The findings with what the layers' commands did not answer settled: the input
    check of every layer that has facts runs (of a layer not asked for, only its
    problems: another layer read its commands), the ok results of the checks resting on
    an unanswered command become `info` marked unconfirmed (never ✓), and each layer's
    -INPUT-HUNG findings come first in it.  Returns (findings, checks that crashed)."""
    errors = 0
    order = [layer for layer in ALL_LAYERS if layer in facts_by_layer]
    for chk in all_checks(tuple(order)):
        if not is_input_check(chk) or chk.id in ignore:
            continue
        produced, failed = run_check(chk, facts_by_layer[chk.layer])
        errors += failed
        if chk.layer not in layers:
            produced = [f for f in produced if f.severity != "ok"]
        findings.extend(f for f in produced if f.id not in ignore)
    unconfirmed = {}  # id(finding) -> [what did not answer]
    for layer, facts in facts_by_layer.items():
        inputs = getattr(facts, "inputs", None)
        for item in (inputs.unanswered if inputs is not None else ()):
            need = item.need
            for f in findings:
                if f.severity != "ok" or (need.checks is None and f.layer != layer) or \
                        (need.checks is not None and f.check not in need.checks) or \
                        (need.context is not None and need.context not in f.contexts):
                    continue
                tools = unconfirmed.setdefault(id(f), [])
                if item.tool not in tools:
                    tools.append(item.tool)
    for f in findings:
        tools = unconfirmed.get(id(f))
        if tools:
            f.severity = "info"
            more = _(" and %(n)d more") % {"n": len(tools) - 3} if len(tools) > 3 else ""
            f.title += _(" (unconfirmed: no answer from %(tools)s%(more)s)") % {
                "tools": ", ".join(tools[:3]), "more": more}
    rank = {layer: i for i, layer in enumerate(layers)}
    # stable: the order of the checks within a layer stays
    findings = sorted(findings, key=lambda f: (rank.get(f.layer, len(rank)),
                                               not f.id.endswith("-INPUT-HUNG")))
    return findings, errors


YOUNG_THRESHOLD = 50000  # gc's first threshold during a run (see run)


def run(host, layers, options=None, ignore=(), fail_on="warn", only=None):
    """The Report of `layers` on `host`.  `only`, a set of check ids: run just those
    checks of the layers (`explain` confirms its candidates with the few checks that can),
    their layers' input checks still settling what the commands did not answer."""
    import gc
    import time

    started = time.monotonic()  # the report's duration (gotriage_run_duration_seconds)
    # A run makes thousands of objects that live until it ends (units, their files, the
    # findings): at the default threshold (700) the collector walked them over and over,
    # a third of `check --root` on 1,000 units (docs/benchmarks.md, "Many units").
    threshold = gc.get_threshold()
    if threshold[0] < YOUNG_THRESHOLD:
        gc.set_threshold(YOUNG_THRESHOLD, *threshold[1:])
    options = dict(options or {})
    ignore = set(ignore)
    findings, notes, errors = [], [], 0
    facts_by_layer = {}

    def facts_of(layer):
        """One facts object per layer, shared: the system layer asks the toolchain's."""
        if layer not in facts_by_layer:
            facts_by_layer[layer] = make_facts(layer, host, options)
        return facts_by_layer[layer]

    options["facts_of"] = facts_of
    ignored = 0
    # what the host cannot tell (a sosreport: host/sosreport.py), by layer or check id
    cannot = getattr(host, "not_examined", None) or {}
    for chk in all_checks(layers):
        if is_input_check(chk) or (only is not None and chk.id not in only):
            continue
        why = cannot.get(chk.id) or cannot.get(chk.layer)
        if why:
            notes.append(_("%(check)s not examined: %(why)s") % {"check": chk.id, "why": why})
            continue
        produced, failed = run_check(chk, facts_of(chk.layer))
        if chk.id in ignore:  # run all the same, to say how many problems were left out
            ignored += sum(1 for f in produced if f.severity != "ok")
            continue
        errors += failed
        ignored += sum(1 for f in produced if f.id in ignore and f.severity != "ok")
        findings.extend(f for f in produced if f.id not in ignore)
    # a layer the host cannot examine (not in a collect.sh snapshot) whose facts another
    # layer asked (the service layer, the toolchain's): its input check says only problems
    examined = [layer for layer in layers if not cannot.get(layer)]
    findings, failed = settle_inputs(findings, facts_by_layer, examined, ignore)
    errors += failed
    for facts in facts_by_layer.values():
        notes.extend(n for n in facts.notes if n not in notes)
    for op, path, message in host.denied:
        # a layer that already said what it could not examine because of this path says it
        # better ("sudo context not examined: /etc/sudoers is not readable"): once is enough
        if any(_names(note, path) for note in notes):
            continue
        note = _("could not %(op)s %(path)s: %(error)s") % {
            "op": op, "path": path, "error": message.lower()}
        if note not in notes:
            notes.append(note)
    report = Report(host, layers, merge(findings), notes, fail_on, errors, ignored)
    toolchain = facts_by_layer.get("toolchain") if "toolchain" in layers else None
    if toolchain is not None:
        report.contexts = toolchain.contexts
    report.duration = time.monotonic() - started
    return report


def _wide(ch):
    return ch >= "\u2e80"  # CJK and its full-width punctuation


def _names(note, path):
    """Whether `note` names `path` as a whole word (/etc/sudoers, not /etc/sudoers.d/x)."""
    at = note.find(path)
    while at >= 0:
        end = at + len(path)
        # (a wide character is a boundary too: Chinese puts no space before "：" or "，")
        if (at == 0 or note[at - 1] in " (`'\"" or _wide(note[at - 1])) and \
                (end == len(note) or note[end] in " :,)`'\"" or _wide(note[end])):
            return True
        at = note.find(path, end)
    return False


def examine(layer, host, options, notes=None):
    """The findings of one layer about one subject, which `options` name (the binary
    layer: "path", "target", "name"; checks.LAYER_TABLE): its facts built as `check`
    builds them, its checks run through run_check and settled as in `check`.  Raises
    NotExaminable when the facts cannot be built for that subject.  What could not be
    examined is appended to `notes` when a list is given."""
    facts = make_facts(layer, host, options)
    findings = []
    for chk in all_checks((layer,)):
        if not is_input_check(chk):
            findings.extend(run_check(chk, facts)[0])
    findings, _failed = settle_inputs(findings, {layer: facts}, [layer])
    if notes is not None:
        for note in facts.notes:
            if note not in notes:
                notes.append(note)
    return findings
