"""What the doctor view says, before it is laid out: the problems in causal order with
their consequences folded under them, the passing checks collapsed, the fixes as
numbered steps.  Pure: a Report in, plain records out (report/text.py lays them out).

Causal order.  A problem whose consequence was seen (a cause the journal confirms:
SVC-LABEL-DENIED with the journal's status=203/EXEC folded under it) is the most likely
cause of what the user is looking at; then what was seen without a known cause (a Go
panic in the journal); then what gotriage predicts from the configuration; errors before
warnings; a general condition of the host (GENERAL_CONDITIONS: an end-of-life release)
after the direct causes of its severity; then in the order of the layers and checks.

Fixes.  An action whose description (or note) begins with "or " is an alternative to the
step before it (the checks' convention, e.g. SVC-PORT-PRIVILEGED: a drop-in, or setcap,
or another port): a step with alternatives is shown as A, B, C.
"""

import re

from gotriage.i18n import _

# Checks that report what happened (a journal line, a denial in the audit log, a traced
# system call), not what would happen: their problems are observed failures.
OBSERVED_CHECKS = ("SVC-JOURNAL", "SVC-TRACE", "SEL-AVC")

# States of the host that make failures likely but cause none by themselves: among
# problems of one severity they come after the direct causes (a CentOS 7 host: golang in
# no enabled repository first, the release's end of life after it).
GENERAL_CONDITIONS = frozenset((
    "SYS-DISTRO-EOL",  # old, but what fails is a repository, a glibc, a kernel: said apart
    "SYS-DISTRO-UNKNOWN",  # gotriage's knowledge, not the host's fault
    "GO-CGO-NO-CC",  # as a warning cgo is off: only packages that need it fail
    "GO-CGO-NO-HEADERS",
    "SEL-MODE-PERMISSIVE",  # nothing is denied while permissive
    "SEL-MODE-DISABLED",
    "SEL-PERMISSIVE-DOMAINS",
    "GO-PROXY-SUMDB-OFF",  # a weaker check, not a failure
    "PKG-GPG-OFF",
    "PKG-CACHE-EXPIRED",  # dnf fetches it again
))

# The tools a non-root user runs with sudo in a printed fix (the others, and any command
# on a path in the user's home, run as the user).
ROOT_TOOLS = frozenset((
    "systemctl", "restorecon", "semanage", "setsebool", "semodule", "chcon", "firewall-cmd",
    "dnf", "yum", "rpm", "setcap", "install", "grubby", "touch", "chown", "chmod", "mkdir",
    "ln", "cp", "mv", "rm", "ausearch", "coredumpctl", "nft", "iptables", "ip6tables",
    "modprobe", "update-crypto-policies", "usermod", "useradd", "groupadd", "loginctl",
    "dnf-3", "yum-config-manager", "alternatives", "update-alternatives", "sysctl"))


class Problem(object):
    """One problem of the verdict: a finding (error or warning) and the findings it
    causes, folded under it (the consequences' fixes are the cause's)."""

    __slots__ = ("finding", "consequences", "number")

    def __init__(self, finding):
        self.finding = finding
        self.consequences = []
        self.number = None

    @property
    def severity(self):
        ranked = [self.finding] + self.consequences
        return max(ranked, key=lambda f: f.rank).severity

    @property
    def observed(self):
        return bool(self.consequences) or is_observed(self.finding)


def is_observed(finding):
    return (finding.check or finding.id).startswith(OBSERVED_CHECKS)


def cause_title(finding):
    """A consequence's title without the "; cause: ID (...)" its check appends (the view
    shows it under that cause)."""
    if finding.cause:
        # (svc_journal's words, in the language they were written in)
        marker = _("; cause: %(id)s (%(title)s)").split("%(id)s", 1)[0] + finding.cause[0]
        return finding.title.split(marker, 1)[0]
    return finding.title


class Plan(object):
    """problems: [Problem] in causal order, numbered from 1; folded: {id(finding): the
    Problem it is folded under}; shown_ok: the ok findings shown one per line, per layer;
    ok_by_unit: {layer: [(unit, [check ids])]} (the ok results collapsed per unit)."""

    def __init__(self):
        self.problems = []
        self.folded = {}
        self.problem_of = {}


def plan(report):
    findings = report.findings
    by_key = {}
    for f in findings:
        if f.severity in ("error", "warn"):
            by_key.setdefault((f.id, f.subject), f)

    def root(f, seen=()):
        # the first cause up the chain that is itself a problem of this report
        cause = by_key.get(f.cause) if f.cause else None
        if cause is None or cause is f or id(cause) in seen:
            return None
        return root(cause, seen + (id(f),)) or cause

    result = Plan()
    problems = {}
    for f in findings:
        if f.severity not in ("error", "warn"):
            continue
        cause = root(f)
        if cause is None:
            problems.setdefault(id(f), Problem(f))
    for f in findings:
        if f.severity not in ("error", "warn"):
            continue
        cause = root(f)
        if cause is not None:
            problem = problems.setdefault(id(cause), Problem(cause))
            problem.consequences.append(f)
            result.folded[id(f)] = problem
    layer_rank = {name: i for i, name in enumerate(report.layers)}
    position = {id(f): i for i, f in enumerate(findings)}

    def order(problem):
        f = problem.finding
        # seen failing: an observed error (a warning seen, such as a denial only logged
        # with permissive=1, blocked nothing: it ranks with the predictions)
        tier = 0 if problem.consequences else 1 if is_observed(f) and problem.severity == "error" else 2
        return (tier, 0 if problem.severity == "error" else 1, f.id in GENERAL_CONDITIONS,
                layer_rank.get(f.layer, len(layer_rank)), position[id(f)])

    result.problems = sorted(problems.values(), key=order)
    for number, problem in enumerate(result.problems, 1):
        problem.number = number
        result.problem_of[id(problem.finding)] = problem
    return result


def collapse_ok(items):
    """(single, per_unit) of a layer's ok findings: those about a unit collapse to one
    (unit, [check ids]) per unit, in order of first appearance; the input checks' ok
    results ("answered in time") are left out; the rest are shown one per line."""
    single, per_unit, order = [], {}, []
    for f in items:
        if f.severity != "ok":
            continue
        if (f.check or "").endswith("-INPUT"):
            continue
        if f.unit:
            if f.unit not in per_unit:
                per_unit[f.unit] = []
                order.append(f.unit)
            if f.id not in per_unit[f.unit]:
                per_unit[f.unit].append(f.id)
        else:
            single.append(f)
    return single, [(unit, per_unit[unit]) for unit in order]


def steps(actions):
    """The fix as steps: [(action, [alternatives])]; the alternatives' leading "or " is
    kept on the actions (render with without_or)."""
    out = []
    for action in actions:
        if out and is_alternative(action):
            out[-1][1].append(action)
        else:
            out.append((action, []))
    return out


_OR = re.compile(r"^or,? ")


def is_alternative(action):
    return bool(_OR.match(action.description or ""))


def without_or(text):
    return _OR.sub("", text, count=1) if text else text


def fix_key(actions):
    return tuple(a.render() for a in actions)


def needs_root(action, user, home):
    """Whether a non-root `user` must run this action as root: a command of ROOT_TOOLS
    (or an edit) on something outside the user's home."""
    if user in (None, "root") or action.as_user:
        return False
    home = (home or "").rstrip("/")
    if action.kind == "edit":
        return not (home and (action.path or "").startswith(home + "/"))
    if action.kind != "command" or not action.argv:
        return False
    if action.argv[0] not in ROOT_TOOLS:
        return False
    if action.argv[0] == "systemctl" and "--user" in action.argv:
        return False
    paths = [a for a in action.argv[1:] if a.startswith("/")]
    return not (home and paths and all(p.startswith(home + "/") for p in paths))
