"""Minimal policy modules: NAME.te with exactly the allow rules of the denials nothing
narrower fixes, NAME.fc when directories need a label the module can carry, and the
commands that build and load them:

    checkmodule -M -m -o NAME.mod NAME.te
    semodule_package -o NAME.pp -m NAME.mod [-f NAME.fc]
    semodule -i NAME.pp

The .te is the non-reference-policy form that checkmodule compiles on its own: a
`require` block naming every type and class (with the permissions used) and the rules.
"""

from gotriage.findings import Action
from gotriage.selinux.rules import format_rule


def module_rules(denials):
    """{(stype, ttype, tclass): perms} of the given denials."""
    rules = {}
    for d in denials:
        rules.setdefault((d.stype, d.ttype, d.tclass), set()).update(d.perms)
    return rules


def write_te(name, rules, version="1.0"):
    types = set()
    classes = {}
    for (stype, ttype, tclass), perms in rules.items():
        types.update((stype, ttype))
        classes.setdefault(tclass, set()).update(perms)
    lines = ["module %s %s;" % (name, version), "", "require {"]
    for t in sorted(types):
        lines.append("\ttype %s;" % t)
    for c in sorted(classes):
        lines.append("\tclass %s { %s };" % (c, " ".join(sorted(classes[c]))))
    lines.append("}")
    current = None
    for key in sorted(rules):
        if key[0] != current:
            current = key[0]
            lines.extend(["", "#============= %s ==============" % current])
        lines.append(format_rule(key[0], key[1], key[2], rules[key]))
    return "\n".join(lines) + "\n"


def write_fc(entries, level="s0"):
    """.fc lines for (regex, type) pairs: `REGEX  system_u:object_r:TYPE:s0`."""
    lines = []
    for regex, ftype in sorted(set(entries)):
        ctx = "system_u:object_r:%s" % ftype + (":%s" % level if level else "")
        lines.append("%s\t%s" % (regex, ctx))
    return "\n".join(lines) + ("\n" if lines else "")


def build_commands(name, with_fc=False):
    package = ["semodule_package", "-o", name + ".pp", "-m", name + ".mod"]
    if with_fc:
        package += ["-f", name + ".fc"]
    return [Action.command(["checkmodule", "-M", "-m", "-o", name + ".mod", name + ".te"],
                           description="compile"),
            Action.command(package, description="package"),
            Action.command(["semodule", "-i", name + ".pp"], description="load (as root; "
                           "`semodule -r %s` removes it)" % name, safe=False)]
