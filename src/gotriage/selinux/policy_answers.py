"""What seinfo, sesearch, `semanage port -l` and audit2why answer, computed from a
policydb.Policy (the bytes of policy.NN) instead of by running them:

- listing(policy): seinfo's `--flat -t -x -c --common` (parsers.seinfo.Listing);
- allow_targets(policy, stype, tclass, perm): the targets `sesearch -A -s T -c C -p P`
  prints, unconditional and conditional rules alike, in its order (rules sorted as text);
- port_types(policy): {(port, proto): type} of the policy's portcon statements, the
  user's own (`semanage port -a`, compiled into the policy) among them, first match first
  as the kernel looks them up;
- verdict(policy, line, scontext, tcontext, tclass, perms): audit2why's Verdict, computed
  as libsepol's sepol_compute_av_reason_buffer() and audit2why.c's analyze() do
  (libsepol/src/services.c, libselinux/src/audit2why.c): the allow rules through both
  types' attributes, enabled conditional rules, constraints (the first denying one's
  text as libsepol writes it), role allow, typebounds; a denial the TE rules refuse is a
  boolean's when flipping one boolean alone would allow it, dontaudit'd when a
  dontaudit rule covers it.

Pure.
"""

from gotriage.parsers.audit2why import (
    ALLOWED,
    BOOLEAN,
    BOUNDS,
    CONSTRAINT,
    DONTAUDIT,
    RBAC,
    TE_RULE,
    Verdict,
)
from gotriage.parsers.seinfo import Listing
from gotriage.selinux import policydb as db
from gotriage.selinux.policydb import bits_of

_TE, _CONS, _RBAC, _BOUNDS = 1, 2, 4, 8  # SEPOL_COMPUTEAV_*


def listing(policy):
    """seinfo's listing of the types (aliases, attributes) and classes (permissions)."""
    types, attributes = set(), {}
    names = policy.type_names
    for value, name in enumerate(names):
        if policy.is_attribute[value]:
            continue
        types.add(name)
        attributes[name] = frozenset(
            names[i] for i in bits_of(policy.type_attr[value]) if i != value)
    aliases = {alias: names[value - 1] for alias, value in policy.aliases.items()}
    classes = frozenset(c.name for c in policy.classes)
    perms = {c.name: frozenset(c.perms) for c in policy.classes}
    return Listing(frozenset(types), aliases, attributes, classes, perms)


def _cond_text(policy, expr):
    """A conditional expression in infix, as setools prints it ([ a && b ])."""
    ops = {db.COND_OR: "||", db.COND_AND: "&&", db.COND_XOR: "^", db.COND_EQ: "==",
           db.COND_NEQ: "!="}
    stack = []
    for op, boolean in expr:
        if op == db.COND_BOOL:
            stack.append(policy.bool_names[boolean - 1])
        elif op == db.COND_NOT:
            stack.append("! " + stack.pop())
        else:
            b, a = stack.pop(), stack.pop()
            stack.append("%s %s %s" % (a, ops[op], b))
    return stack[0] if stack else ""


def allow_rules(policy, stype, tclass):
    """[(rule text, source, target, frozenset of permissions)] of the allow rules whose
    source is type `stype` or one of its attributes, in class `tclass`, sorted as
    sesearch sorts them; [] for a type or class the policy lacks."""
    value = policy.type_by_name.get(stype)
    cls = policy.class_by_name.get(tclass)
    if value is None or cls is None:
        return []
    names = policy.type_names
    perm_names = {v: n for n, v in cls.perms.items()}
    sources = set(i + 1 for i in bits_of(policy.type_attr[value - 1]))
    found = []

    def add(key, mask, suffix):
        perms = frozenset(perm_names[i + 1] for i in bits_of(mask) if i + 1 in perm_names)
        if not perms:
            return
        text = "allow %s %s:%s %s;%s" % (
            names[key[0] - 1], names[key[1] - 1], tclass,
            "{ %s }" % " ".join(sorted(perms)) if len(perms) > 1 else next(iter(perms)), suffix)
        found.append((text, names[key[0] - 1], names[key[1] - 1], perms))

    # a question looks at its own sources' rules, not at all 80,000 (177 questions of the
    # many-denial log took 1.5 s that way)
    for source in sources:
        for target, mask in policy.allow.of(source, cls.value).items():
            add((source, target), mask, "")
        for target, entries in policy.cond_av.of(source, cls.value).items():
            for index, branch, kind, mask in entries:
                if kind == db.ALLOWED:
                    add((source, target), mask, " [ %s ]:%s" % (
                        _cond_text(policy, policy.conds[index].expr),
                        "True" if branch else "False"))
    found.sort(key=lambda rule: rule[0])
    return found


def allow_targets(policy, stype, tclass, perm):
    """The targets of the rules of allow_rules() that grant `perm`, in their order, each
    once; None when the policy lacks the type, the class or the permission (sesearch
    fails on those)."""
    cls = policy.class_by_name.get(tclass)
    if stype not in policy.type_by_name or cls is None or perm not in cls.perms:
        return None
    targets = []
    for _text, _source, target, perms in allow_rules(policy, stype, tclass):
        if perm in perms and target not in targets:
            targets.append(target)
    return targets


def port_types(policy, widest=64):
    """{(port, proto): type} of the portcon statements, first match first; ranges of more
    than `widest` + 1 ports (the generic unreserved ones) are left out, as
    facts.selinux.parse_semanage_ports leaves them out."""
    table = {}
    for protocol, low, high, type_value in policy.portcons:
        proto = db.PROTOCOLS.get(protocol)
        if proto is None or high - low > widest or high < low:
            continue
        for number in range(low, high + 1):
            table.setdefault((number, proto), policy.type_names[type_value - 1])
    return table


# -- the access decision ------------------------------------------------------------------
class _Context(object):
    __slots__ = ("user", "role", "type", "low", "high", "text")

    def __init__(self, user, role, type_value, low, high, text):
        self.user, self.role, self.type = user, role, type_value
        self.low, self.high, self.text = low, high, text


def _dom(l1, l2):
    return l1[0] >= l2[0] and l2[1] & ~l1[1] == 0


def _level(policy, text):
    """(sensitivity, category bitset) of `s0:c0.c3,c7`, or None."""
    sens, _, cats = text.partition(":")
    if sens not in policy.sens:
        return None
    bits = 0
    for item in cats.split(",") if cats else ():
        low, dot, high = item.partition(".")
        if low not in policy.cat_by_name or (dot and high not in policy.cat_by_name):
            return None
        first = policy.cat_by_name[low]
        last = policy.cat_by_name[high] if dot else first
        if dot and first >= last:
            return None
        for value in range(first, last + 1):
            bits |= 1 << (value - 1)
    return policy.sens[sens][0], bits


def context(policy, text):
    """A _Context of `user:role:type[:level]` the policy accepts (libsepol's
    context_is_valid and mls_context_isvalid), or None."""
    parts = text.split(":", 3)
    if len(parts) < 3:
        return None
    user = policy.user_by_name.get(parts[0])
    role = policy.role_by_name.get(parts[1])
    type_value = policy.type_by_name.get(parts[2])
    if user is None or role is None or type_value is None or policy.is_attribute[type_value - 1]:
        return None
    low = high = None
    if len(parts) == 4 and not policy.mls:
        return None
    if policy.mls:
        if len(parts) < 4:
            return None
        low_text, dash, high_text = parts[3].partition("-")
        low = _level(policy, low_text)
        high = _level(policy, high_text) if dash else low
        if low is None or high is None or not _dom(high, low):
            return None
        for level in (low, high):
            allowed_cats = policy.sens[policy.sens_names[level[0] - 1]][1]
            if level[1] & ~allowed_cats:
                return None
    if role != 1:  # object_r may go with any type and user
        if not policy.role_types[role - 1] >> (type_value - 1) & 1:
            return None
        if not policy.user_roles[user - 1] >> (role - 1) & 1:
            return None
        if policy.mls:
            (ulow, uhigh) = policy.user_ranges[user - 1]
            if not (_dom(low, ulow) and _dom(uhigh, high)):
                return None
    return _Context(user, role, type_value, low, high, text)


def _enabled(policy, index, states, memo):
    if index not in memo:
        memo[index] = db.cond_value(policy, policy.conds[index].expr, states)
    return memo[index]


def _te(policy, stype, ttype, tclass, states):
    """(allowed, auditdeny) from the TE rules of every (source attribute, target
    attribute) pair, the enabled conditional ones included."""
    allowed, auditdeny = 0, 0xFFFFFFFF
    memo = {}
    target_bits = policy.type_attr[ttype - 1]  # bit value - 1 of each target attribute
    for i in bits_of(policy.type_attr[stype - 1]):
        for target, mask in policy.allow.of(i + 1, tclass).items():
            if target_bits >> (target - 1) & 1:
                allowed |= mask
        for target, mask in policy.auditdeny.of(i + 1, tclass).items():
            if target_bits >> (target - 1) & 1:
                auditdeny &= mask
        for target, entries in policy.cond_av.of(i + 1, tclass).items():
            if target_bits >> (target - 1) & 1:
                for index, branch, kind, mask in entries:
                    if _enabled(policy, index, states, memo) == branch:
                        if kind == db.ALLOWED:
                            allowed |= mask
                        elif kind == db.AUDITDENY:
                            auditdeny &= mask
    return allowed, auditdeny


def _names_text(policy, kind, bits):
    names = {db.CEXPR_USER: policy.user_names, db.CEXPR_ROLE: policy.role_names,
             db.CEXPR_TYPE: policy.type_names}[kind]
    return [names[i] for i in bits_of(bits) if i < len(names)]


_MLS_ATTRS = {32: ("l1", "l2", 0, 0), 64: ("l1", "h2", 0, 1), 128: ("h1", "l2", 1, 0),
              256: ("h1", "h2", 1, 1), 512: ("l1", "h1", 0, 1), 1024: ("l2", "h2", 0, 1)}
_OPS = {1: "==", 2: "!=", 3: "dom", 4: "domby", 5: "incomp"}
_MLS_OPS = {1: "eq", 2: "!=", 3: "dom", 4: "domby", 5: "incomp"}


def _constraint(policy, constraint, cls, s, t):
    """(passes, text): a constraint's value for contexts s and t and, as libsepol's
    constraint_expr_eval_reason writes it, its text with each failing term marked."""
    stack, texts = [], []
    for kind, attr, op, names, type_names in constraint.expr:
        if kind == db.CEXPR_NOT:
            stack.append(not stack.pop())
            b = texts.pop()
            texts.append("not (%s)" % b if b.startswith("not") else "not" + b)
            continue
        if kind in (db.CEXPR_AND, db.CEXPR_OR):
            b, a = stack.pop(), stack.pop()
            stack.append(a and b if kind == db.CEXPR_AND else a or b)
            tb, ta = texts.pop(), texts.pop()
            texts.append("%s %s %s" % (ta, "and" if kind == db.CEXPR_AND else "or", tb))
            continue
        if kind == db.CEXPR_ATTR:
            if attr in _MLS_ATTRS:
                src, tgt, i1, i2 = _MLS_ATTRS[attr]
                c1 = t if attr == 1024 else s
                c2 = s if attr == 512 else t
                l1 = (c1.low, c1.high)[i1]
                l2 = (c2.low, c2.high)[i2]
                value = {1: l1 == l2, 2: l1 != l2, 3: _dom(l1, l2), 4: _dom(l2, l1),
                         5: not _dom(l1, l2) and not _dom(l2, l1)}.get(op)
                word = _MLS_OPS.get(op)
            else:
                field = {db.CEXPR_USER: "user", db.CEXPR_TYPE: "type", db.CEXPR_ROLE: "role"}.get(attr)
                if field is None:
                    raise db.PolicyError("a constraint tests unknown attribute %d" % attr)
                src, tgt = field[0] + "1", field[0] + "2"
                v1, v2 = getattr(s, field), getattr(t, field)
                if field == "role" and op in (3, 4, 5):
                    d1 = policy.role_dominates[v1 - 1] >> (v2 - 1) & 1
                    d2 = policy.role_dominates[v2 - 1] >> (v1 - 1) & 1
                    value = {3: bool(d1), 4: bool(d2), 5: not d1 and not d2}[op]
                else:
                    value = {1: v1 == v2, 2: v1 != v2}.get(op)
                word = _OPS.get(op)
            if value is None:
                raise db.PolicyError("a constraint uses unknown operator %d" % op)
            stack.append(value)
            texts.append("(%s %s %s%s) " % (src, word, tgt, "" if value else " -Fail-"))
            continue
        # CEXPR_NAMES
        c = t if attr & db.CEXPR_TARGET else s
        number = 2 if attr & db.CEXPR_TARGET else 1
        if attr & db.CEXPR_XTARGET:
            raise db.PolicyError("a constraint names a third context")
        field = db.CEXPR_USER if attr & db.CEXPR_USER else (
            db.CEXPR_ROLE if attr & db.CEXPR_ROLE else db.CEXPR_TYPE)
        value_of = {db.CEXPR_USER: c.user, db.CEXPR_ROLE: c.role, db.CEXPR_TYPE: c.type}[field]
        member = bool(names >> (value_of - 1) & 1)
        value = member if op == 1 else not member
        listed = _names_text(policy, field, type_names if field == db.CEXPR_TYPE
                             and type_names is not None else names)
        text = "(%s%d %s" % ("urt"[{1: 0, 2: 1, 4: 2}[field]], number, "==" if op == 1 else "!=")
        if not listed:
            text += "<empty_set> "
        elif len(listed) > 1:
            text += " {" + "".join(" " + n for n in listed) + " }"
        else:
            text += " " + listed[0]
        stack.append(value)
        texts.append(text + (" -Fail-) " if not value else ") "))
    passes = bool(stack and stack[0])
    mls = any(kind == db.CEXPR_ATTR and attr >= db.CEXPR_L1L2
              for kind, attr, _o, _n, _t in constraint.expr)
    perm_names = {v: n for n, v in cls.perms.items()}
    perms = "".join(" " + perm_names[i + 1] for i in bits_of(constraint.permissions)
                    if i + 1 in perm_names)
    text = "%s%s {%s } (%s); Constraint %s" % (
        "mlsconstrain " if mls else "constrain ", cls.name, perms, texts[0] if texts else "",
        "GRANTED" if passes else "DENIED")
    return passes, text


def compute_av(policy, s, t, cls, requested, states=None):
    """(reason bits, allowed, auditdeny, the first denying constraint's text or None) as
    libsepol's context_struct_compute_av computes them."""
    states = policy.bool_states if states is None else states
    allowed, auditdeny = _te(policy, s.type, t.type, cls.value, states)
    reason = 0
    if requested & ~allowed:
        reason |= _TE
        requested &= allowed
    text = None
    for constraint in cls.constraints:
        if constraint.permissions & allowed:
            passes, said = _constraint(policy, constraint, cls, s, t)
            if not passes:
                allowed &= ~constraint.permissions
                text = text or said
    if requested & ~allowed:
        reason |= _CONS
        requested &= allowed
    if cls.name == "process" and s.role != t.role:
        trans = 0
        for name in ("transition", "dyntransition"):
            if name in cls.perms:
                trans |= 1 << (cls.perms[name] - 1)
        if allowed & trans and (s.role, t.role) not in policy.role_allow:
            allowed &= ~trans
    if requested & ~allowed:
        reason |= _RBAC
        requested &= allowed
    bound = policy.type_bounds[s.type - 1]
    if bound:
        lo_s = _Context(s.user, s.role, bound, s.low, s.high, s.text)
        tbound = policy.type_bounds[t.type - 1]
        lo_t = _Context(t.user, t.role, tbound, t.low, t.high, t.text) if tbound else t
        lo_allowed = compute_av(policy, lo_s, lo_t, cls, requested, states)[1]
        masked = ~lo_allowed & allowed
        if masked:
            allowed &= ~masked
            reason |= _BOUNDS
    return reason, allowed, auditdeny, text


def verdict(policy, line, scontext, tcontext, tclass, perms):
    """audit2why's Verdict on one AVC line, or None when audit2why gives it none (a
    context, class or permission the policy does not know)."""
    s = context(policy, scontext)
    t = context(policy, tcontext)
    cls = policy.class_by_name.get(tclass)
    if s is None or t is None or cls is None or not perms:
        return None
    requested = 0
    for perm in perms:
        if perm not in cls.perms:
            return None
        requested |= 1 << (cls.perms[perm] - 1)
    reason, _allowed, auditdeny, text = compute_av(policy, s, t, cls, requested)
    found = Verdict(line)
    if not reason:
        found.reason = ALLOWED
        return found
    if reason & _TE:
        states = list(policy.bool_states)
        for value in _candidate_booleans(policy, s.type, t.type, cls.value):
            states[value - 1] ^= 1
            if not compute_av(policy, s, t, cls, requested, states)[0]:
                found.booleans.append((policy.bool_names[value - 1], states[value - 1], None))
            states[value - 1] ^= 1
        if found.booleans:
            found.reason = BOOLEAN
        else:
            found.reason = DONTAUDIT if requested & ~auditdeny else TE_RULE
        return found
    if reason & _CONS:
        found.reason = CONSTRAINT
        found.constraint = text
        su, sr, _st, slevel = (scontext.split(":", 3) + [None])[:4]
        tu, tr, _tt, tlevel = (tcontext.split(":", 3) + [None])[:4]
        if su != tu:
            found.causes.append("source user (%s) and target user (%s) are different" % (su, tu))
        if sr != tr and tr != "object_r":
            found.causes.append("source role (%s) and target role (%s) are different" % (sr, tr))
        if slevel != tlevel:
            found.causes.append("source level (%s) and target level (%s) are different"
                                % (slevel, tlevel))
        return found
    found.reason = RBAC if reason & _RBAC else BOUNDS
    return found


def _candidate_booleans(policy, stype, ttype, tclass):
    """The booleans, by value, of the conditionals that hold a rule on some (source
    attribute, target attribute, class) of this decision: flipping any other boolean
    cannot change it.  In value order, the order audit2why tries them in."""
    found = set()
    target_bits = policy.type_attr[ttype - 1]
    for i in bits_of(policy.type_attr[stype - 1]):
        for target, entries in policy.cond_av.of(i + 1, tclass).items():
            if target_bits >> (target - 1) & 1:
                for index, _branch, _kind, _mask in entries:
                    found.update(b for op, b in policy.conds[index].expr if op == db.COND_BOOL)
    return sorted(found)
