"""The allow rules audit2allow would write for a set of denials (`--raw-rules`), in its
layout: grouped by source type, `self` when the target type is the source type,
permissions sorted, `{ }` around more than one.  Role statements come from SELINUX_ERR
`security_compute_sid` records, as audit2allow writes them."""


def format_rule(stype, ttype, tclass, perms):
    perms = sorted(perms)
    target = "self" if ttype == stype else ttype
    perm_text = perms[0] if len(perms) == 1 else "{ %s }" % " ".join(perms)
    return "allow %s %s:%s %s;" % (stype, target, tclass, perm_text)


def raw_rules(rules, role_types=()):
    """Text of every allow rule ({(stype, ttype, tclass): perms}) and role statement."""
    lines = []
    current = None
    for (stype, ttype, tclass) in sorted(rules):
        if stype != current:
            if current is not None:
                lines.append("")
            lines.append("#============= %s ==============" % stype)
            current = stype
        lines.append(format_rule(stype, ttype, tclass, rules[(stype, ttype, tclass)]))
    if role_types:
        lines.append("")
        lines.append("#============= ROLES ==============")
        for role, rtype in sorted(role_types):
            lines.append("role %s types %s;" % (role, rtype))
    return "\n".join(lines) + ("\n" if lines else "")


def parse_rules(text):
    """The set of (source, target, class, permission) and of ("role", role, type) in
    audit2allow-style text: one tuple per permission, `self` resolved."""
    import re

    out = set()
    for line in text.splitlines():
        line = line.strip()
        match = re.match(r"^allow (\S+) (\S+):(\S+) (?:\{ ([^}]*) \}|(\S+));$", line)
        if match:
            stype, ttype, tclass = match.group(1), match.group(2), match.group(3)
            ttype = stype if ttype == "self" else ttype
            for perm in (match.group(4) or match.group(5)).split():
                out.add((stype, ttype, tclass, perm))
            continue
        match = re.match(r"^role (\S+) types (?:\{ ([^}]*) \}|(\S+));$", line)
        if match:
            for rtype in (match.group(2) or match.group(3)).split():
                out.add(("role", match.group(1), rtype))
    return out
