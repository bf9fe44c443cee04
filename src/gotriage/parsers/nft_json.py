"""`nft -j list ruleset`: the live nftables ruleset as JSON (libnftables-json(5)).

Sample (nft 1.0.6 with firewalld 1.3.3; nft prints it on one line, here one object a
line and only a few of them):

>>> ruleset = parse_nft_json('''{"nftables": [
...   {"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}},
...   {"table": {"family": "inet", "name": "firewalld", "handle": 1}},
...   {"chain": {"family": "inet", "table": "firewalld", "name": "filter_INPUT", "handle": 6,
...              "type": "filter", "hook": "input", "prio": 10, "policy": "accept"}},
...   {"rule": {"family": "inet", "table": "firewalld", "chain": "filter_INPUT", "handle": 34,
...             "expr": [{"reject": {"type": "icmpx", "expr": "admin-prohibited"}}]}},
...   {"set": {"family": "inet", "table": "firewalld", "name": "goclients", "type": "ipv4_addr",
...            "flags": ["interval"], "elem": [{"prefix": {"addr": "10.0.0.0", "len": 8}}]}}
... ]}''')
>>> ruleset.version, ruleset.schema, ruleset.newer_schema, sorted(ruleset.tables), ruleset.unknown
('1.0.6', 1, False, ['inet firewalld'], [])
>>> table = ruleset.table("inet", "firewalld")
>>> chain = table.chains["filter_INPUT"]
>>> chain.hook, chain.prio, chain.policy, chain.is_base, [(r.handle, r.index) for r in chain.rules]
('input', 10, 'accept', True, [(34, 0)])
>>> print(json.dumps(chain.rules[0].expr, sort_keys=True))
[{"reject": {"expr": "admin-prohibited", "type": "icmpx"}}]
>>> table.sets["goclients"].type, table.sets["goclients"].flags
('ipv4_addr', ['interval'])

The parser keeps every table, chain, rule, set and map; rule expressions stay as the
JSON objects nft printed (the evaluator in gotriage.firewall.netfilter reads them).
Nothing is dropped for being unknown: an expression or object kind this version does not
know (a newer nft, a newer schema) is kept and reported by the evaluator when it matters.
iptables-nft rules show their matches and targets as opaque `xt` objects here; their
text comes from `iptables-nft-save` (parsers/iptables_save.py).
"""

import json

KNOWN_SCHEMA = 1


class NftError(ValueError):
    pass


class NftChain(object):
    __slots__ = ("family", "table", "name", "type", "hook", "prio", "policy", "dev", "rules")

    def __init__(self, d):
        self.family = d.get("family")
        self.table = d.get("table")
        self.name = d.get("name")
        self.type = d.get("type")
        self.hook = d.get("hook")
        self.prio = d.get("prio")
        self.policy = d.get("policy", "accept")
        self.dev = d.get("dev")
        self.rules = []

    @property
    def is_base(self):
        return self.hook is not None


class NftRule(object):
    __slots__ = ("family", "table", "chain", "handle", "expr", "comment", "index")

    def __init__(self, d, index):
        self.family = d.get("family")
        self.table = d.get("table")
        self.chain = d.get("chain")
        self.handle = d.get("handle")
        self.expr = d.get("expr") or []
        self.comment = d.get("comment")
        self.index = index


class NftSet(object):
    __slots__ = ("family", "table", "name", "type", "flags", "elements", "map")

    def __init__(self, d, is_map=False):
        self.family = d.get("family")
        self.table = d.get("table")
        self.name = d.get("name")
        self.type = d.get("type")
        self.flags = d.get("flags") or []
        self.elements = d.get("elem") or []
        self.map = d.get("map") if is_map else None


class NftTable(object):
    __slots__ = ("family", "name", "flags", "chains", "sets")

    def __init__(self, d):
        self.family = d.get("family")
        self.name = d.get("name")
        self.flags = d.get("flags") or []
        self.chains = {}  # name -> NftChain (insertion order kept)
        self.sets = {}  # name -> NftSet (sets and maps)

    @property
    def key(self):
        return "%s %s" % (self.family, self.name)


class NftRuleset(object):
    def __init__(self):
        self.version = None
        self.schema = None
        self.tables = {}  # "family name" -> NftTable
        self.unknown = []  # object kinds not understood (e.g. from a newer nft)

    @property
    def newer_schema(self):
        return self.schema is not None and self.schema > KNOWN_SCHEMA

    def table(self, family, name):
        return self.tables.get("%s %s" % (family, name))

    def chains(self):
        for table in self.tables.values():
            for chain in table.chains.values():
                yield table, chain


# The fields that name an object, which must be strings: an object with another value
# there (a number, a list, null) is not what nft prints and is skipped (kept in `unknown`).
_NAMES = {"table": ("family", "name"), "chain": ("family", "table", "name"),
          "rule": ("family", "table", "chain"), "set": ("family", "table", "name"),
          "map": ("family", "table", "name")}
# Fields whose type the evaluator relies on: (name, types, may be absent).
_TYPED = {"chain": (("hook", str), ("type", str), ("policy", str), ("prio", (int, str))),
          "rule": (("expr", list), ("handle", int), ("comment", str)),
          "set": (("flags", list), ("elem", list)), "map": (("flags", list), ("elem", list)),
          "table": (("flags", list),)}


def _well_formed(kind, body):
    if not all(isinstance(body.get(name), str) for name in _NAMES[kind]):
        return False
    for name, kind_of in _TYPED.get(kind, ()):
        value = body.get(name)
        if value is not None and (not isinstance(value, kind_of) or isinstance(value, bool)):
            return False
    if kind == "rule" and not all(isinstance(e, dict) for e in body.get("expr") or ()):
        return False
    return True


def parse_nft_json(text):
    """An NftRuleset from `nft -j list ruleset` output; NftError when it is not that."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise NftError("not JSON: %s" % exc) from None
    if not isinstance(data, dict) or not isinstance(data.get("nftables"), list):
        raise NftError('no "nftables" array: not the output of `nft -j list ruleset`')
    ruleset = NftRuleset()
    for item in data["nftables"]:
        if not isinstance(item, dict) or len(item) != 1:
            ruleset.unknown.append(repr(item)[:80])
            continue
        kind, body = next(iter(item.items()))
        if not isinstance(body, dict):
            ruleset.unknown.append(kind)
            continue
        if kind in _NAMES and not _well_formed(kind, body):
            ruleset.unknown.append("%s (malformed)" % kind)
            continue
        if kind == "metainfo":
            version, schema = body.get("version"), body.get("json_schema_version")
            ruleset.version = version if isinstance(version, str) else None
            ruleset.schema = schema if isinstance(schema, int) and not isinstance(schema, bool) else None
        elif kind == "table":
            table = NftTable(body)
            ruleset.tables.setdefault(table.key, table)
        elif kind in ("chain", "rule", "set", "map"):
            key = "%s %s" % (body.get("family"), body.get("table"))
            table = ruleset.tables.get(key)
            if table is None:
                table = ruleset.tables[key] = NftTable({"family": body.get("family"), "name": body.get("table")})
            if kind == "chain":
                chain = table.chains.get(body.get("name"))
                if chain is None:
                    table.chains[body.get("name")] = NftChain(body)
                elif body.get("hook"):
                    rules = chain.rules
                    table.chains[body.get("name")] = NftChain(body)
                    table.chains[body.get("name")].rules = rules
            elif kind == "rule":
                chain = table.chains.get(body.get("chain"))
                if chain is None:
                    chain = table.chains[body.get("chain")] = NftChain(
                        {"family": body.get("family"), "table": body.get("table"), "name": body.get("chain")})
                chain.rules.append(NftRule(body, len(chain.rules)))
            else:
                table.sets[body.get("name")] = NftSet(body, is_map=(kind == "map"))
        else:
            ruleset.unknown.append(kind)
    return ruleset
