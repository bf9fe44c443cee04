"""A reader of the kernel's binary SELinux policy (`policy.NN`, versions 24 to 33): the
format libsepol's policydb_read() reads and policydb_write() writes (libsepol/src/
policydb.c, avtab.c, conditional.c, ebitmap.c).  It answers from the file's bytes what
gotriage otherwise asks seinfo, sesearch, `semanage port -l` and audit2why, whose own
start-up (Python, setools, the whole policy loaded into libsepol) costs 0.6-1.7 CPU-s
each.  The access decision audit2why computes is in selinux/policydb_av.py.

Pure: bytes in, a Policy out; anything short, inconsistent or of another version raises
PolicyError (a ValueError) with what is wrong and where, never another exception.

Everything is little-endian 32-bit words.  An ebitmap (a set of values, bit N = value
N+1) is kept as one Python int.  The type enforcement rules are not kept as objects: a
RuleTable holds the permission mask of each allow (and dontaudit) entry in two flat
arrays sorted by (source, class, target), which is what both the rule listing and the
decision need (policy.33's 80,477 allow entries take 1 MB so; as a dict of tuples, 20 MB).
"""

import struct
from array import array
from bisect import bisect_left

MAGIC = 0xF97CFF8C
VERSIONS = range(24, 34)  # 24 (typebounds) .. 33 (compressed filename transitions)
_SYM_NUM = 8


def _ocon_num(version):
    """The object context tables of a version: Infiniband's two came with 31."""
    return 9 if version >= 31 else 7

# avtab entry kinds (avtab.h)
ALLOWED, AUDITALLOW, AUDITDENY = 0x0001, 0x0002, 0x0004
_AV = ALLOWED | AUDITALLOW | AUDITDENY
_TYPE_RULES = 0x0010 | 0x0020 | 0x0040
_XPERMS = 0x0100 | 0x0200 | 0x0400 | 0x0800
_ENABLED = 0x8000

# conditional expression operators (conditional.h)
COND_BOOL, COND_NOT, COND_OR, COND_AND, COND_XOR, COND_EQ, COND_NEQ = range(1, 8)

# constraint expressions (constraint.h)
CEXPR_NOT, CEXPR_AND, CEXPR_OR, CEXPR_ATTR, CEXPR_NAMES = range(1, 6)
CEXPR_USER, CEXPR_ROLE, CEXPR_TYPE, CEXPR_TARGET, CEXPR_XTARGET = 1, 2, 4, 8, 16
CEXPR_L1L2 = 32
_CEXPR_MAXDEPTH = 5

PROTOCOLS = {6: "tcp", 17: "udp", 132: "sctp", 33: "dccp"}


class PolicyError(ValueError):
    """The file is not a binary policy this reader knows, or is cut short or damaged."""


class Constraint(object):
    """One constrain/mlsconstrain statement of a class: the permissions it covers (a
    mask) and its expression in postfix order, each term (kind, attr, op, names,
    type_names): names the values it tests (an int bitset), type_names the types and
    attributes the source said (version 29 on; None before)."""

    __slots__ = ("permissions", "expr")

    def __init__(self, permissions, expr):
        self.permissions = permissions
        self.expr = expr


class Class(object):
    __slots__ = ("name", "value", "common", "perms", "constraints")

    def __init__(self, name, value, common, perms, constraints):
        self.name = name
        self.value = value
        self.common = common  # the common's name, or None
        self.perms = perms  # {permission: value}, the common's included (bit value-1)
        self.constraints = constraints  # [Constraint]


class RuleTable(object):
    """Entries of the type enforcement table keyed by (source, target, class) values: `keys`
    holds each key packed as source << 32 | class << 16 | target (values are 16-bit in the
    file), sorted, and `values` its entry's value at the same index: a permission mask, or
    in the conditional table, where a key may repeat, (node index << 8 | branch << 4 |
    kind) << 32 | mask.  A question looks at one source's entries in one class: of()
    makes them a dict on first use, by two bisections."""

    __slots__ = ("keys", "values", "conditional", "_of")

    def __init__(self, keys, values, conditional=False):
        self.keys, self.values, self.conditional, self._of = keys, values, conditional, {}

    def __len__(self):
        return len(set(self.keys)) if self.conditional else len(self.keys)

    def of(self, source, tclass):
        """{target: mask} of the entries of `source` (a type or attribute value) in
        `tclass`; of the conditional table, {target: [(node index, branch, kind, mask)]} in
        the file's order."""
        pair = source << 16 | tclass
        found = self._of.get(pair)
        if found is None:
            keys, values = self.keys, self.values
            start = bisect_left(keys, pair << 16)
            end = bisect_left(keys, (pair + 1) << 16, start)
            found = {}
            if self.conditional:
                for i in range(start, end):
                    info, mask = values[i] >> 32, values[i] & 0xFFFFFFFF
                    found.setdefault(keys[i] & 0xFFFF, []).append(
                        (info >> 8, bool(info >> 4 & 1), info & 0xF, mask))
            else:
                for i in range(start, end):
                    found[keys[i] & 0xFFFF] = values[i]
            self._of[pair] = found
        return found

    # a read-only mapping of (source, target, class) -> value as of() gives it
    def get(self, key, default=None):
        source, target, tclass = key
        return self.of(source, tclass).get(target, default)

    def __getitem__(self, key):
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __iter__(self):
        last = -1
        for key in self.keys:
            if key != last:
                yield key >> 32, key & 0xFFFF, key >> 16 & 0xFFFF
                last = key

    def items(self):
        for key in self:
            yield key, self[key]


def _rule_table(rows, merge):
    """A RuleTable of [key << 32 | mask] rows, the masks of a repeated key merged."""
    rows.sort()
    keys, values = array("Q"), array("I")
    last = -1
    for row in rows:
        key, mask = row >> 32, row & 0xFFFFFFFF
        if key == last:
            values[-1] = merge(values[-1], mask)
        else:
            keys.append(key)
            values.append(mask)
            last = key
    return RuleTable(keys, values)


class CondNode(object):
    """A conditional block: its boolean expression (postfix [(op, boolean value)]); the
    avtab entries of its branches are in Policy.cond_av."""

    __slots__ = ("expr",)

    def __init__(self, expr):
        self.expr = expr


class Policy(object):
    """What a binary policy holds that gotriage asks about.  Values are libsepol's (from 1);
    the *_names lists are indexed by value - 1."""

    def __init__(self):
        self.version = None
        self.mls = False
        self.handle_unknown = 0
        self.commons = {}  # name -> {permission: value}
        self.classes = []  # [Class] by value
        self.class_by_name = {}
        self.role_names, self.role_types, self.role_dominates = [], [], []
        self.role_by_name = {}
        self.type_names = []  # the primary name of each type or attribute value
        self.type_by_name = {}  # names and aliases -> value
        self.aliases = {}  # alias -> primary name
        self.is_attribute = []  # per value
        self.type_bounds = []  # per value: the bounding type's value, or 0
        self.user_names, self.user_roles, self.user_ranges = [], [], []
        self.user_by_name = {}
        self.bool_names, self.bool_states = [], []
        self.bool_by_name = {}
        self.sens = {}  # sensitivity name or alias -> (value, categories it may have)
        self.sens_names = []
        self.cat_by_name = {}  # category name or alias -> value
        self.cat_names = []
        self.allow = RuleTable(array("Q"), array("I"))  # -> permission mask of the allow entry
        self.auditdeny = RuleTable(array("Q"), array("I"))  # -> mask still audited (dontaudit)
        self.conds = []  # [CondNode]
        # -> (node index, branch, kind, mask) of each conditional entry of the key
        self.cond_av = RuleTable(array("Q"), array("Q"), conditional=True)
        self.role_allow = set()  # (role, new role)
        self.portcons = []  # [(protocol number, low, high, type value)] in the kernel's order
        self.type_attr = []  # per type value: an int bitset of its attributes and itself
        self.permissive = 0  # bitset of permissive types


class _Reader(object):
    __slots__ = ("data", "pos", "end")

    def __init__(self, data):
        self.data = memoryview(data)
        self.pos = 0
        self.end = len(data)

    def need(self, size, what):
        if size < 0 or self.pos + size > self.end:
            raise PolicyError("truncated at byte %d: %s needs %d bytes, %d left"
                              % (self.pos, what, size, self.end - self.pos))

    def u32(self, what="a number"):
        self.need(4, what)
        value = struct.unpack_from("<I", self.data, self.pos)[0]
        self.pos += 4
        return value

    def u32s(self, count, what="numbers"):
        self.need(4 * count, what)
        values = struct.unpack_from("<%dI" % count, self.data, self.pos)
        self.pos += 4 * count
        return values

    def count(self, what, item_size=4):
        """A number of items that follow, each at least item_size bytes (a corrupt count
        must not make the reader loop or allocate for billions of items)."""
        n = self.u32(what)
        if n * item_size > self.end - self.pos:
            raise PolicyError("%s: %d items cannot fit in the %d bytes left" % (
                what, n, self.end - self.pos))
        return n

    def string(self, length, what="a name"):
        if length > 4096:
            raise PolicyError("%s of %d bytes at byte %d" % (what, length, self.pos))
        self.need(length, what)
        raw = bytes(self.data[self.pos:self.pos + length])
        self.pos += length
        try:
            return raw.decode("ascii")
        except UnicodeDecodeError:
            raise PolicyError("%s is not ASCII at byte %d" % (what, self.pos - length)) from None

    def ebitmap(self, what="a bitmap"):
        mapsize, highbit, count = self.u32s(3, what)
        if mapsize != 64:
            raise PolicyError("%s: map size %d, not 64, at byte %d" % (what, mapsize, self.pos))
        if not highbit:
            return 0
        if highbit % 64 or not count:
            raise PolicyError("%s: high bit %d with %d nodes at byte %d"
                              % (what, highbit, count, self.pos))
        self.need(12 * count, what)
        bits = 0
        last = -1
        data, pos = self.data, self.pos
        for _ in range(count):
            start, low, high = struct.unpack_from("<III", data, pos)
            pos += 12
            if start % 64 or start > highbit - 64 or start <= last or not (low or high):
                raise PolicyError("%s: bad node (start %d) at byte %d" % (what, start, pos))
            last = start
            bits |= (low | high << 32) << start
        self.pos = pos
        return bits


def bits_of(bitset):
    """The positions set in an int bitset, lowest first."""
    out = []
    while bitset:
        low = bitset & -bitset
        out.append(low.bit_length() - 1)
        bitset ^= low
    return out


def read_policy(data, symbols_only=False):
    """A Policy from the bytes of a policy.NN file; PolicyError when they are not one.
    `symbols_only`: stop after the symbol tables (the names of the types, classes,
    roles, users and booleans; no rules, no attributes of types), about a tenth of the
    work, for a question such as which types the policy has."""
    try:
        return _read(_Reader(data), symbols_only)
    except PolicyError:
        raise
    except (struct.error, IndexError, KeyError, OverflowError, MemoryError) as err:
        raise PolicyError("damaged policy: %s" % (err,)) from None


def _read(r, symbols_only=False):
    p = Policy()
    magic, length = r.u32s(2, "the header")
    if magic != MAGIC:
        raise PolicyError("not a kernel binary policy (magic %#010x)" % magic)
    if r.string(length, "the policy string") != "SE Linux":
        raise PolicyError("not an SELinux policy (a Xen one, or damaged)")
    version, config, sym_num, ocon_num = r.u32s(4, "the version")
    if version not in VERSIONS:
        raise PolicyError("policy version %d: this reader knows %d to %d"
                          % (version, VERSIONS[0], VERSIONS[-1]))
    if (sym_num, ocon_num) != (_SYM_NUM, _ocon_num(version)):
        raise PolicyError("table sizes (%d, %d) are not SELinux's" % (sym_num, ocon_num))
    p.version, p.mls, p.handle_unknown = version, bool(config & 1), config & 6
    r.ebitmap("the policy capabilities")
    p.permissive = r.ebitmap("the permissive types")
    readers = (_common, _class, _role, _type, _user, _bool, _sens, _cat)
    for i, read_one in enumerate(readers):
        nprim, nel = r.u32s(2, "a symbol table")
        if nel and not nprim or nel > r.end:
            raise PolicyError("symbol table %d: %d items, %d values" % (i, nel, nprim))
        if i == 3:
            p.type_names = [None] * nprim
            p.is_attribute = [False] * nprim
            p.type_bounds = [0] * nprim
        for _ in range(nel):
            read_one(p, r, nprim)
    _check_values(p)
    if symbols_only:
        return p
    _avtab(p, r)
    _conds(p, r)
    for _ in range(r.count("role transitions", 12)):  # (role, type, new role[, class])
        r.u32s(4 if version >= 26 else 3, "a role transition")
    for _ in range(r.count("role allow rules", 8)):
        p.role_allow.add(tuple(r.u32s(2, "a role allow rule")))
    if version >= 25:
        _filename_trans(p, r)
    _ocontexts(p, r)
    _genfs(p, r)
    for _ in range(r.count("range transitions", 12)):
        r.u32s(3, "a range transition")
        _range(p, r)
    ntypes = len(p.type_names)
    for value in range(ntypes):
        bits = r.ebitmap("a type's attributes")
        if bits >> ntypes:
            raise PolicyError("type %d has attributes past the last type" % (value + 1))
        p.type_attr.append(bits | (0 if p.is_attribute[value] else 1 << value))
    return p


def _check_values(p):
    for names, what in ((p.type_names, "type"), (p.role_names, "role"),
                        (p.user_names, "user"), (p.bool_names, "boolean")):
        if None in names:
            raise PolicyError("a %s value has no name" % what)
    if any(c is None for c in p.classes):
        raise PolicyError("a class value has no class")
    if None in p.sens_names:
        raise PolicyError("a sensitivity value has no name")
    if any(bound > len(p.type_names) for bound in p.type_bounds):
        raise PolicyError("a type is bounded by a type past the last")


def _place(table, value, item, what):
    if not 1 <= value <= len(table) or table[value - 1] is not None:
        raise PolicyError("%s value %d out of range or repeated" % (what, value))
    table[value - 1] = item


def _perms(r, count, nprim, what):
    perms = {}
    for _ in range(count):
        length, value = r.u32s(2, what)
        name = r.string(length, what)
        if not 1 <= value <= min(nprim, 32):
            raise PolicyError("%s %s has value %d of %d" % (what, name, value, nprim))
        perms[name] = value
    return perms


def _common(p, r, nprim):
    length, _value, perm_prim, nel = r.u32s(4, "a common")
    name = r.string(length, "a common's name")
    p.commons[name] = _perms(r, nel, perm_prim, "a permission of common " + name)


def _constraints(p, r, count, what):
    out = []
    for _ in range(count):
        permissions, nexpr = r.u32s(2, what)
        if nexpr > r.end - r.pos:
            raise PolicyError("%s: %d terms" % (what, nexpr))
        expr, depth = [], -1
        for _ in range(nexpr):
            kind, attr, op = r.u32s(3, what)
            names = type_names = None
            if kind == CEXPR_NOT:
                if depth < 0:
                    raise PolicyError("%s: 'not' of nothing" % what)
            elif kind in (CEXPR_AND, CEXPR_OR):
                if depth < 1:
                    raise PolicyError("%s: 'and'/'or' of one term" % what)
                depth -= 1
            elif kind in (CEXPR_ATTR, CEXPR_NAMES):
                if depth == _CEXPR_MAXDEPTH - 1:
                    raise PolicyError("%s: nested too deep" % what)
                depth += 1
                if kind == CEXPR_NAMES:
                    names = r.ebitmap(what)
                    if p.version >= 29:
                        type_names = r.ebitmap(what)
                        r.ebitmap(what)  # the negated set
                        r.u32(what)  # its flags
            else:
                raise PolicyError("%s: unknown term %d" % (what, kind))
            expr.append((kind, attr, op, names, type_names))
        if depth != 0:
            raise PolicyError("%s: unbalanced expression" % what)
        out.append(Constraint(permissions, expr))
    return out


def _class(p, r, nprim):
    if not p.classes:
        p.classes = [None] * nprim
    length, common_length, value, perm_prim, nel, ncons = r.u32s(6, "a class")
    name = r.string(length, "a class's name")
    common = r.string(common_length, "a class's common") if common_length else None
    if common is not None and common not in p.commons:
        raise PolicyError("class %s inherits unknown common %s" % (name, common))
    perms = dict(p.commons.get(common, {}))
    perms.update(_perms(r, nel, perm_prim, "a permission of class " + name))
    constraints = _constraints(p, r, ncons, "a constraint of class " + name)
    _constraints(p, r, r.u32("validatetrans"), "a validatetrans of class " + name)
    if p.version >= 27:
        r.u32s(3, "a class's defaults")
    if p.version >= 28:
        r.u32("a class's default type")
    cls = Class(name, value, common, perms, constraints)
    _place(p.classes, value, cls, "class")
    p.class_by_name[name] = cls


def _role(p, r, nprim):
    if not p.role_names:
        p.role_names, p.role_types, p.role_dominates = [None] * nprim, [0] * nprim, [0] * nprim
    length, value, _bounds = r.u32s(3, "a role")
    name = r.string(length, "a role's name")
    dominates = r.ebitmap("a role's dominance")
    types = r.ebitmap("a role's types")
    _place(p.role_names, value, name, "role")
    p.role_types[value - 1] = types
    p.role_dominates[value - 1] = dominates
    p.role_by_name[name] = value


def _type(p, r, nprim):
    length, value, properties, bounds = r.u32s(4, "a type")
    name = r.string(length, "a type's name")
    if not 1 <= value <= nprim:
        raise PolicyError("type %s has value %d of %d" % (name, value, nprim))
    p.type_by_name[name] = value
    if properties & 1:  # primary: the type's (or attribute's) own name
        _place(p.type_names, value, name, "type")
        p.is_attribute[value - 1] = bool(properties & 2)
        p.type_bounds[value - 1] = bounds
    else:
        p.aliases[name] = value  # resolved to names once every primary is read


def _user(p, r, nprim):
    if not p.user_names:
        p.user_names, p.user_roles, p.user_ranges = [None] * nprim, [0] * nprim, [None] * nprim
    length, value, _bounds = r.u32s(3, "a user")
    name = r.string(length, "a user's name")
    roles = r.ebitmap("a user's roles")
    user_range = _range(p, r)
    r.u32("a user's default level")
    r.ebitmap("a user's default categories")
    _place(p.user_names, value, name, "user")
    p.user_roles[value - 1] = roles
    p.user_ranges[value - 1] = user_range
    p.user_by_name[name] = value


def _bool(p, r, nprim):
    if not p.bool_names:
        p.bool_names, p.bool_states = [None] * nprim, [0] * nprim
    value, state, length = r.u32s(3, "a boolean")
    name = r.string(length, "a boolean's name")
    if state > 1:
        raise PolicyError("boolean %s has state %d" % (name, state))
    _place(p.bool_names, value, name, "boolean")
    p.bool_states[value - 1] = state
    p.bool_by_name[name] = value


def _sens(p, r, nprim):
    length, is_alias = r.u32s(2, "a sensitivity")
    name = r.string(length, "a sensitivity's name")
    value = r.u32("a sensitivity's level")
    cats = r.ebitmap("a sensitivity's categories")
    if not 1 <= value <= nprim:
        raise PolicyError("sensitivity %s has value %d of %d" % (name, value, nprim))
    p.sens[name] = (value, cats)
    if not is_alias:
        if not p.sens_names:
            p.sens_names = [None] * nprim
        p.sens_names[value - 1] = name


def _cat(p, r, nprim):
    length, value, is_alias = r.u32s(3, "a category")
    name = r.string(length, "a category's name")
    if not 1 <= value <= nprim:
        raise PolicyError("category %s has value %d of %d" % (name, value, nprim))
    p.cat_by_name[name] = value
    if not is_alias:
        if not p.cat_names:
            p.cat_names = [None] * nprim
        p.cat_names[value - 1] = name


def _range(p, r):
    """An MLS range ((low sensitivity, categories), (high ...))."""
    items = r.u32("a range")
    if not 1 <= items <= 2:
        raise PolicyError("a range of %d levels at byte %d" % (items, r.pos))
    sens = r.u32s(items, "a range")
    low = (sens[0], r.ebitmap("a range's low categories"))
    high = (sens[-1], r.ebitmap("a range's high categories")) if items > 1 else low
    return low, high


def _avtab_entries(p, r, count, what):
    """(key, kind, mask) of each of `count` avtab entries (the key packed as RuleTable's),
    one at a time (80,000 of them
    at once would be 10 MB more at the peak); extended permissions are skipped.  The
    reader's position is past them once all are taken."""
    data, pos, end = r.data, r.pos, r.end
    unpack = struct.Struct("<HHHHI").unpack_from
    ntypes, nclasses = len(p.type_names), len(p.classes)
    for _ in range(count):
        if pos + 12 > end:
            r.pos = pos
            r.need(12, what)
        source, target, tclass, kind, mask = unpack(data, pos)
        plain = kind & ~_ENABLED
        if plain & ~(_AV | _TYPE_RULES | _XPERMS) or plain & (plain - 1) or not plain:
            raise PolicyError("%s: bad kind %#x at byte %d" % (what, kind, pos))
        if plain & _XPERMS:
            if p.version < 30:
                raise PolicyError("%s: extended permissions in version %d" % (what, p.version))
            pos += 8 + 2 + 32
            if pos > end:
                r.pos = end
                r.need(1, what)
            continue
        pos += 12
        if not (0 < source <= ntypes and 0 < target <= ntypes and 0 < tclass <= nclasses):
            raise PolicyError("%s: (%d, %d, %d) out of range at byte %d"
                              % (what, source, target, tclass, pos - 12))
        yield (source << 16 | tclass) << 16 | target, plain, mask
    r.pos = pos


def _avtab(p, r):
    count = r.count("the type enforcement table", 12)
    allow, auditdeny = [], []
    for key, kind, mask in _avtab_entries(p, r, count, "a type enforcement rule"):
        if kind == ALLOWED:
            allow.append(key << 32 | mask)
        elif kind == AUDITDENY:
            auditdeny.append(key << 32 | mask)
    p.allow = _rule_table(allow, lambda a, b: a | b)
    p.auditdeny = _rule_table(auditdeny, lambda a, b: a & b)


def _conds(p, r):
    nbools = len(p.bool_names)
    rows = []  # (key, its order in the file, (node index, branch, kind) << 32 | mask)
    for index in range(r.count("the conditional rules", 12)):
        r.u32("a conditional's state")
        expr = []
        for _ in range(r.count("a conditional expression", 8)):
            op, boolean = r.u32s(2, "a conditional expression")
            if not COND_BOOL <= op <= COND_NEQ or boolean > nbools or (
                    op == COND_BOOL and not boolean):
                raise PolicyError("a conditional expression: operator %d, boolean %d"
                                  % (op, boolean))
            expr.append((op, boolean))
        for branch in (1, 0):
            for key, kind, mask in _avtab_entries(p, r, r.count("a conditional's rules", 12),
                                                  "a conditional rule"):
                if kind & _AV:
                    rows.append((key, len(rows), (index << 8 | branch << 4 | kind) << 32 | mask))
        p.conds.append(CondNode(expr))
    rows.sort()
    p.cond_av = RuleTable(array("Q", [row[0] for row in rows]),
                          array("Q", [row[2] for row in rows]), conditional=True)


def cond_value(p, expr, states):
    """The value of a conditional expression with the boolean states given (a list by
    value - 1); None when it is malformed."""
    stack = []
    for op, boolean in expr:
        if op == COND_BOOL:
            if not 1 <= boolean <= len(states):
                return None
            stack.append(bool(states[boolean - 1]))
        elif op == COND_NOT:
            if not stack:
                return None
            stack.append(not stack.pop())
        else:
            if len(stack) < 2:
                return None
            b, a = stack.pop(), stack.pop()
            stack.append({COND_OR: a or b, COND_AND: a and b, COND_XOR: a != b,
                          COND_EQ: a == b, COND_NEQ: a != b}[op])
    return stack[0] if len(stack) == 1 else None


def _filename_trans(p, r):
    for _ in range(r.count("the filename transitions", 16)):
        r.string(r.u32("a filename transition"), "a filename transition's name")
        if p.version < 33:
            r.u32s(4, "a filename transition")
            continue
        _ttype, _tclass, ndatum = r.u32s(3, "a filename transition")
        if not ndatum or ndatum > r.end - r.pos:
            raise PolicyError("a filename transition with %d results" % ndatum)
        for _ in range(ndatum):
            r.ebitmap("a filename transition's sources")
            r.u32("a filename transition's result")


def _context(p, r):
    user, role, type_value = r.u32s(3, "a context")
    _range(p, r)
    if not (1 <= user <= len(p.user_names) and 1 <= role <= len(p.role_names)
            and 1 <= type_value <= len(p.type_names)):
        raise PolicyError("an invalid context (%d, %d, %d) at byte %d"
                          % (user, role, type_value, r.pos))
    return type_value


def _ocontexts(p, r):
    for kind in range(_ocon_num(p.version)):
        for _ in range(r.count("the object contexts", 4)):
            if kind == 0:  # initial SIDs
                r.u32("an initial SID")
                _context(p, r)
            elif kind in (1, 3):  # file systems, network interfaces: two contexts
                r.string(r.u32("a name"), "a name")
                _context(p, r)
                _context(p, r)
            elif kind == 2:  # ports
                protocol, low, high = r.u32s(3, "a port context")
                p.portcons.append((protocol, low, high, _context(p, r)))
            elif kind == 4:  # IPv4 nodes
                r.u32s(2, "a node context")
                _context(p, r)
            elif kind == 5:  # fs_use
                r.u32("an fs_use")
                r.string(r.u32("an fs_use"), "an fs_use's file system")
                _context(p, r)
            elif kind == 6:  # IPv6 nodes
                r.u32s(8, "a node context")
                _context(p, r)
            elif kind == 7:  # Infiniband partition keys
                r.u32s(4, "a pkey context")
                _context(p, r)
            else:  # Infiniband end ports
                length, _port = r.u32s(2, "an end port context")
                r.string(length, "an end port's device")
                _context(p, r)


def _genfs(p, r):
    for _ in range(r.count("the genfs contexts", 8)):
        r.string(r.u32("a genfs"), "a genfs file system")
        for _ in range(r.count("a genfs's paths", 8)):
            r.string(r.u32("a genfs path"), "a genfs path")
            r.u32("a genfs class")
            _context(p, r)
