"""The layer table and the check registry.

Every layer is one record of LAYER_TABLE (its name, its title, its id prefix, its checks
and facts modules, whether `check` runs it).  A check is a function from a layer's facts
to findings, registered with

    @check("GO-PATH", "toolchain", "go is on PATH in every context",
           findings={"GO-PATH-NOT-FOUND": (meaning, evidence, fix), ...})
    def go_on_path(facts): ...

The check's own id is the id of its ok result; `findings` names every problem id it can
report, with its meaning, evidence and fix, from which docs/findings.md is generated.  Checks do no
I/O: everything comes from the facts object.
"""


class Layer(object):
    """One layer of gotriage, everything the rest of the code needs to know about it: the
    CLI's --layer choices, the runner, the doctor view, `gotriage checks` and
    docs/findings.md all read the table below.  Adding a layer is adding a record."""

    __slots__ = ("name", "title", "prefix", "checks", "facts", "in_check", "inputs", "on_request")

    def __init__(self, name, title, prefix, checks, facts, in_check=True, inputs=None,
                 on_request=False):
        self.name = name  # --layer NAME, a finding's layer, docs/findings.md's heading
        self.title = title  # its heading in the doctor view
        self.prefix = prefix  # every check id of the layer is PREFIX-..., its -INPUT check PREFIX-INPUT
        self.checks = checks  # the module that registers its checks, imported when they run
        self.facts = facts  # "module:Class", built with Class.from_options(host, options)
        self.in_check = in_check  # whether `gotriage check` runs it (and offers it as --layer)
        self.inputs = inputs  # the module whose INPUTS declares what it reads (docs/inputs.md)
        # not run by `check` by default, but offered as `check --layer NAME` (and collect's)
        self.on_request = on_request

    def __repr__(self):
        return "Layer(%r)" % self.name


# In the order `check` runs them and reports them.  Modules are named, not imported: a
# layer's modules are loaded only when it runs, and none of them imports this table's
# users (tests/test_import_graph.py).
LAYER_TABLE = (
    Layer("toolchain", "Go toolchain", "GO", "gotriage.checks.toolchain",
          "gotriage.facts.toolchain:ToolchainFacts", inputs="gotriage.inputs.toolchain"),
    Layer("system", "System", "SYS", "gotriage.checks.system", "gotriage.facts.system:SystemFacts",
          inputs="gotriage.inputs.system"),
    Layer("packages", "Packages (dnf/yum)", "PKG", "gotriage.checks.packages",
          "gotriage.facts.packages:PackagesFacts", inputs="gotriage.inputs.packages"),
    Layer("selinux", "SELinux", "SEL", "gotriage.checks.selinux",
          "gotriage.facts.selinux:SELinuxFacts", inputs="gotriage.inputs.selinux"),
    Layer("firewall", "Firewall and reachability", "FW", "gotriage.checks.firewall",
          "gotriage.facts.firewall:FirewallFacts", inputs="gotriage.inputs.firewall"),
    Layer("service", "Services (systemd)", "SVC", "gotriage.checks.service",
          "gotriage.facts.service:ServiceFacts", inputs="gotriage.inputs.service"),
    # One ELF file against a target: `gotriage binary FILE` runs it, and the layers that
    # meet a Go binary ask it (runner.examine); `check` has no file to give it on its own.
    Layer("binary", "Go binary", "BIN", "gotriage.checks.binary", "gotriage.facts.binary:BinaryFacts",
          in_check=False, inputs="gotriage.inputs.binary"),
    # The host against its recorded baseline: `gotriage baseline diff` runs it with the
    # repository's HEAD (docs/baseline.md); `check` adds it when a baseline is present.
    Layer("baseline", "Baseline drift", "BASE", "gotriage.checks.baseline",
          "gotriage.facts.baseline:BaselineFacts", in_check=False,
          inputs="gotriage.inputs.baseline"),
    # The host's security settings tagged with their SCAP rules (docs/security.md): a Go
    # triage run does not lecture about ssh unless asked, `check --layer security`.
    Layer("security", "Security settings (SCAP)", "SEC", "gotriage.checks.security",
          "gotriage.facts.security:SecurityFacts", in_check=False, on_request=True,
          inputs="gotriage.inputs.security"),
)
LAYER_BY_NAME = {layer.name: layer for layer in LAYER_TABLE}
# What `check` runs by default and --layer offers, in order.
LAYERS = tuple(layer.name for layer in LAYER_TABLE if layer.in_check)
ALL_LAYERS = tuple(layer.name for layer in LAYER_TABLE)
# What --layer offers: the default ones and those run only on request.
OFFERED = tuple(layer.name for layer in LAYER_TABLE if layer.in_check or layer.on_request)


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
_SELECTED = {}  # (layers, len(_REGISTRY)) -> all_checks' answer


class NotExamined(Exception):
    """Raised by a check that cannot judge what it is about: the snapshot did not record
    it, or the host did not answer.  The runner adds the message to the report's notes
    (so a reader tells "not recorded" from "absent") and the check produces no finding.
    `raise NotExamined("the snapshot does not record the loader %s: not checked" % p)`."""


def check(id, layer, title, findings=None):
    def register(func):
        _REGISTRY.append(Check(id, layer, title, findings or {}, func))
        return func
    return register


def load(module):
    """The module named `module` ("gotriage.checks.binary"), imported if it is not yet.
    (Not importlib.import_module: importing importlib imports warnings, a cost `gotriage
    binary` does without.)"""
    import sys

    loaded = sys.modules.get(module)  # (imported already: most calls, one per unit)
    if loaded is None:
        __import__(module)
        loaded = sys.modules[module]
    return loaded


def all_checks(layers=ALL_LAYERS):
    """The registered checks of `layers` (their modules are imported here)."""
    for layer in layers:
        load(LAYER_BY_NAME[layer].checks)
    # In the order of `layers`, then of the module: the same whatever imported first.
    # Kept by the registry's length (it only grows): the binary layer asks once per unit.
    key = (tuple(layers), len(_REGISTRY))
    found = _SELECTED.get(key)
    if found is None:
        order = {layer: i for i, layer in enumerate(layers)}
        found = _SELECTED[key] = sorted((c for c in _REGISTRY if c.layer in order),
                                        key=lambda c: order[c.layer])
    return list(found)


# Checks a command runs itself, not the runner: `gotriage verify`'s (over a tree's bytes,
# go builds, probes; docs/verify.md), each (name, "module:function" returning its Check
# records).  `gotriage checks`, docs/findings.md and po/gotriage.pot list them after the
# layer table's, under their name; they are no layer: `check` never runs them, --layer
# does not offer them, and known_ids() (what `check --ignore` accepts) leaves them out.
COMMAND_CHECKS = (("verify", "gotriage.verify.findings:registry"),)


def command_checks(names=None):
    """The Check records of COMMAND_CHECKS (of `names` only, when given)."""
    out = []
    for name, where in COMMAND_CHECKS:
        if names is None or name in names:
            module, _, function = where.partition(":")
            out.extend(getattr(load(module), function)())
    return out


def documented_checks():
    """Every check `gotriage checks` and docs/findings.md list: the layer table's, then
    the commands' own."""
    return all_checks() + command_checks()


def known_ids():
    ids = {}
    for c in all_checks():
        for finding_id in c.ids():
            ids[finding_id] = c
    return ids
