"""collect.sh: a POSIX sh collector for hosts without Python 3, generated from the same
declared inputs the recorder (`gotriage collect`) reads through.

EL7 minimal hosts often have only Python 2.7 and repositories that are gone, so
`gotriage collect` cannot run there.  `generate()` writes a shell script that records the
declared files, listings and commands of the layers in LAYERS (stat, read, listdir and
run as host/recorder.py records them, with the same size limits and timeouts, and secrets
redacted by the awk program of redact_awk.py) into the snapshot format
(docs/snapshot-format.md), for `gotriage check --root` elsewhere.  The snapshot's
manifest names the layers it recorded (`layers`): check --root runs only those and says
so for the others, never taking what the script did not record for what the host lacks.

A declaration becomes a recording step when the script can fill its template the way
the facts do: a template without parameters; `DIR/{name}` where the layer lists DIR (every
entry of the listing is read: a superset of what the facts pick); or a parameter whose
values SH_VALUES gives (constants the facts use, or a shell expression).  Any other
declaration of a recorded layer is written to the snapshot's notes as not recorded
(tests/test_collect_sh.py holds the list).  The committed script (contrib/collect.sh) is
compared with generate() by the tests: `scripts/gen-collect-sh` rewrites it.
"""

from gotriage import __version__
from gotriage.collect_sh import firewall_sh, selinux_sh, service_sh
from gotriage.collect_sh.redact_awk import REDACT_AWK
from gotriage.collect_sh.template import HEAD, TAIL
from gotriage.deadline import DEFAULT_DEADLINE
from gotriage.host.base import DEFAULT_MAX_READ, DEFAULT_TIMEOUT, QUICK_TIMEOUT
from gotriage.host.live import MAX_OUTPUT
from gotriage.inputs import firewall, selinux, service, system
from gotriage.inputs.spec import QUICK
from gotriage.quoting import shell_word

# The layers collect.sh records, with their declarations.
LAYERS = (("system", system.INPUTS), ("firewall", firewall.INPUTS),
          ("selinux", selinux.INPUTS), ("service", service.INPUTS))
# the declarations of a layer that its own module records (what the facts find on the
# host, found the same way in sh): layer -> (keys, lines(quote), shell functions, or
# functions(quote) making them); service_sh uses firewall_sh's rec_readlink
CUSTOM = {"firewall": (firewall_sh.KEYS, firewall_sh.lines, firewall_sh.FUNCTIONS),
          "selinux": (selinux_sh.KEYS, selinux_sh.lines, selinux_sh.FUNCTIONS),
          "service": (service_sh.KEYS, service_sh.lines, service_sh.functions)}
# declarations of a recorded layer left out on purpose: layer -> {key: why} (a note each)
SKIPPED = {"selinux": selinux_sh.SKIPPED}

# The checks of a recorded layer that rest on what collect.sh does not record: the
# snapshot's manifest says so (`not_examined`), and check --root reports them as not
# examined rather than judging them without it.
NOT_EXAMINED = {
    "SYS-GOBIN": "the Go installs are found by the toolchain layer, which collect.sh does "
                 "not record",
    "SEL-AVC": "the audit logs are not recorded (collect.sh has no audit record redaction)",
    "SVC-GO": "the go env of a unit is probed by the toolchain layer, which collect.sh does "
              "not record",
}

# Values of template parameters the facts compute: ("words", [...]) a fixed list, or
# ("sh", "shell assignment of $VALUE") computed on the host.
SH_VALUES = {
    # facts/system.py reads the *-release files in this order where os-release is missing
    ("system", "release-file", "path"): ("words", system.RELEASE_FILES),
    # the running kernel's modules directory: /proc/sys/kernel/osrelease, stripped
    ("system", "modules-builtin", "kernel"): ("sh", "kernel"),
    ("system", "modules-dep", "kernel"): ("sh", "kernel"),
    # the /proc/sys settings checks/system.py asks for (SYS-CONNTRACK)
    ("system", "sysctl", "name"): ("words", ("net/netfilter/nf_conntrack_count",
                                             "net/netfilter/nf_conntrack_max")),
}
# shell code setting each ("sh", NAME) value, run before the steps
SH_SETUP = {
    "kernel": "kernel=$(head -c 4096 \"$files_root/proc/sys/kernel/osrelease\" 2>/dev/null"
              " | tr -d ' \\n')",
}


def _q(word):
    """A word of the script: shell-quoted (gotriage.quoting), variables expanded where the
    template had a parameter."""
    quoted = shell_word(word)
    assert not quoted.startswith("$'"), word  # bash's form: not POSIX sh
    return quoted


def _max(decl):
    return decl.max_bytes or DEFAULT_MAX_READ


def _timeout_word(decl):
    if decl.timeout == QUICK:
        return "quick"
    if decl.timeout is None:
        return "default"
    return str(int(decl.timeout))


def _path_expr(template, name, var):
    """The template with {name} replaced by "$var" (quoted around it)."""
    before, _sep, after = template.partition("{%s}" % name)
    return (_q(before) if before else "") + '"$%s"' % var + (_q(after) if after else "")


def plan(layer, spec):
    """(shell lines, notes) recording the declarations of one layer."""
    lines, notes, done = [], [], set()
    listings = {d.template: d for d in spec if d.kind == "listing" and not d.params()}
    children = {}  # a listing's template -> the file/meta declarations of its entries
    for decl in spec:
        params = decl.params()
        if (params == ["name"] and isinstance(decl.template, str)
                and decl.template.endswith("/{name}")
                and decl.template[:-len("/{name}")] in listings
                and decl.kind == "file"):
            children.setdefault(decl.template[:-len("/{name}")], []).append(decl)
    custom_keys, custom_lines, _functions = CUSTOM.get(layer, ((), None, ""))
    done.update(custom_keys)
    for key, why in sorted(SKIPPED.get(layer, {}).items()):
        done.add(key)
        decl = spec.inputs[key]
        notes.append("%s (%s) not recorded: %s" % (decl.id, decl.shown(), why))
    for number, decl in enumerate(spec):
        if decl.key in done:
            continue
        params = decl.params()
        lines.append("# %s: %s" % (decl.id, decl.reason.replace("\n", " ")))
        if not params and decl.kind == "file":
            lines.append("rec_read %s %d" % (_q(decl.template), _max(decl)))
        elif not params and decl.kind == "listing":
            var = "entries_%d" % number
            lines.append("if rec_list %s; then" % _q(decl.template))
            kids = children.get(decl.template, [])
            if kids:
                lines.append('    cp "$work/list" "$work/%s"' % var)
                lines.append("    while IFS= read -r entry; do")
                for kid in kids:
                    done.add(kid.key)
                    lines.append("        # %s: %s" % (kid.id, kid.reason))
                    path = _path_expr(kid.template, "name", "entry")
                    lines.append('        if [ ! -d "$files_root"%s ]; then rec_read %s %d; fi'
                                 % (path, path, _max(kid)))
                lines.append('    done < "$work/%s"' % var)
            else:
                lines.append("    :")
            lines.append("fi")
        elif not params and decl.kind == "meta":
            lines.append("rec_stat stat %s" % _q(decl.template))
            lines.append("rec_stat lstat %s" % _q(decl.template))
        elif decl.kind == "command" and not params:
            lines.append("rec_cmd %s %s" % (_timeout_word(decl),
                                            " ".join(_q(w) for w in decl.template)))
        elif decl.kind == "file" and len(params) == 1 and (layer, decl.key, params[0]) in SH_VALUES:
            how, values = SH_VALUES[(layer, decl.key, params[0])]
            if how == "words":
                lines.append("for value in %s; do" % " ".join(_q(v) for v in values))
                path = _path_expr(decl.template, params[0], "value")
            else:
                lines.append('value=$%s' % values)
                lines.append('if [ -n "$value" ]; then')
                path = _path_expr(decl.template, params[0], "value")
            lines.append("    rec_read %s %d" % (path, _max(decl)))
            lines.append("done" if how == "words" else "fi")
        else:
            lines.pop()
            notes.append("%s (%s) not recorded: collect.sh cannot find its %s the way "
                         "gotriage does" % (decl.id, decl.shown(), ", ".join(params) or "path"))
    if custom_lines is not None:
        lines.extend(custom_lines(_q))
    return lines, notes


def _and(words):
    return ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else words[0]


def generate():
    """The text of collect.sh."""
    body, notes = [], []
    for layer, spec in LAYERS:
        lines, layer_notes = plan(layer, spec)
        body.append("\n# -- the %s layer (src/gotriage/inputs/%s.py) --" % (layer, layer))
        body.extend(lines)
        notes.extend(layer_notes)
    setup = ["", "# values the facts compute, found the same way here"]
    setup.extend(SH_SETUP[name] for name in sorted(SH_SETUP))
    for note in notes:
        setup.append("note %s" % _q(note))
    functions = "".join(
        CUSTOM[name][2](_q) if callable(CUSTOM[name][2]) else CUSTOM[name][2]
        for name, _spec in LAYERS if name in CUSTOM)
    head = (HEAD.replace("@REDACT_AWK@", REDACT_AWK)
            .replace("@DEADLINE@", "%d" % DEFAULT_DEADLINE)
            .replace("@QUICK@", "%d" % QUICK_TIMEOUT)
            .replace("@DEFAULT@", "%d" % DEFAULT_TIMEOUT)
            .replace("@MAX_OUTPUT@", "%d" % MAX_OUTPUT)
            .replace("@LAYERS@", _and([name for name, _spec in LAYERS]))
            .replace("@VERSION@", __version__))
    import json

    not_examined = json.dumps(NOT_EXAMINED, sort_keys=True).replace("'", "")
    tail = (TAIL.replace("@LAYER_LIST@", ", ".join('"%s"' % name for name, _spec in LAYERS))
            .replace("@NOT_EXAMINED@", not_examined)
            .replace("@VERSION@", __version__))
    return head + functions + "\n".join(setup + body) + "\n" + tail
