"""The check registry.

A check is a function from a layer's facts to findings, registered with

    @check("GO-PATH", "toolchain", "go is on PATH in every context",
           findings={"GO-PATH-NOT-FOUND": (meaning, evidence, fix), ...})
    def go_on_path(facts): ...

The check's own id is the id of its ok result; `findings` names every problem id it can
report, with its meaning, evidence and fix, from which docs/findings.md is generated.  Checks do no
I/O: everything comes from the facts object.
"""

LAYERS = ("toolchain", "system", "packages", "selinux", "firewall", "service")
_MODULES = {
    "toolchain": "gotriage.checks.toolchain",
    "system": "gotriage.checks.system",
    "packages": "gotriage.checks.packages",
    "selinux": "gotriage.checks.selinux",
    "firewall": "gotriage.checks.firewall",
    "service": "gotriage.checks.service",
}
# `gotriage binary` (gotriage/binary.py) registers its checks under this layer so that
# `gotriage checks` and docs/findings.md list them; it is not a host layer, so `check`
# never runs it (it is not in LAYERS) and it has no FACTS entry.
BINARY_LAYER = "binary"
_MODULES[BINARY_LAYER] = "gotriage.checks.binary"
# The facts class of each layer: "module:Class", built with Class.from_options(host, options).
FACTS = {
    "toolchain": "gotriage.facts.toolchain:ToolchainFacts",
    "system": "gotriage.facts.system:SystemFacts",
    "packages": "gotriage.facts.packages:PackagesFacts",
    "selinux": "gotriage.facts.selinux:SELinuxFacts",
    "firewall": "gotriage.facts.firewall:FirewallFacts",
    "service": "gotriage.facts.service:ServiceFacts",
}


class FindingDoc(object):
    """What a finding id means, what evidence it shows, and how it is fixed (for
    `gotriage checks` and docs/findings.md)."""

    __slots__ = ("meaning", "evidence", "fix")

    def __init__(self, meaning, evidence="", fix=""):
        self.meaning, self.evidence, self.fix = meaning, evidence, fix


class Check(object):
    def __init__(self, id, layer, title, findings, func):
        self.id = id
        self.layer = layer
        self.title = title
        self.findings = {k: FindingDoc(*v) if isinstance(v, tuple) else FindingDoc(v)
                         for k, v in findings.items()}
        self.func = func
        self.doc = (func.__doc__ or "").strip()

    def ids(self):
        return [self.id] + sorted(self.findings)


_REGISTRY = []


def check(id, layer, title, findings=None):
    def register(func):
        _REGISTRY.append(Check(id, layer, title, findings or {}, func))
        return func
    return register


def all_checks(layers=LAYERS + (BINARY_LAYER,)):
    """The registered checks of `layers` (imports lazily)."""
    import importlib  # here: it imports warnings, a cost `gotriage binary` does without

    for layer in layers:
        importlib.import_module(_MODULES[layer])
    # In the order of `layers`, then of the module: the same whatever imported first.
    order = {layer: i for i, layer in enumerate(layers)}
    return sorted((c for c in _REGISTRY if c.layer in order), key=lambda c: order[c.layer])


def known_ids():
    ids = {}
    for c in all_checks():
        for finding_id in c.ids():
            ids[finding_id] = c
    return ids
