"""Packet-level truth: what netfilter does with the first packet of a new connection.

The packet (from ADDR, arriving on IF, to a local address and PORT) is walked through
every base chain that sees it, in the kernel's order: the netdev ingress hook, then
prerouting, then (for a local destination) input; inside a hook by chain priority
(raw -300, mangle -150, dstnat -100, filter 0, firewalld's own chains at filter + 10,
security 50).  The rulesets are what the host really runs:

- `nft -j list ruleset`: every native nftables table (firewalld's `inet firewalld`,
  tables firewalld does not own, iptables-nft's tables);
- `iptables-nft-save` / `ip6tables-nft-save`: the same iptables-nft tables as text, used
  instead of their nft JSON because nft shows their matches and targets as opaque `xt`
  objects (a REJECT's type is only in the text);
- `iptables-legacy-save` / `ip6tables-legacy-save` (or `iptables-save` on EL7): legacy
  tables, which nft does not show at all but which still filter packets.

An accept ends only the base chain it is in: the next base chain still sees the packet
(so a foreign table's accept cannot override firewalld's reject); drop and reject are
final.  A match this evaluator cannot decide (an `xt` match, a newer expression) is taken
as "does not match" and noted, so the verdict says where it is unsure.
"""

import ipaddress

# Kernel hook priorities (include/uapi/linux/netfilter_ipv4.h enum nf_ip_hook_priorities;
# nft(8) "CHAINS": raw -300, mangle -150, dstnat -100, filter 0, security 50, srcnat 100).
IPT_TABLE_PRIORITY = {"raw": -300, "mangle": -150, "nat": -100, "filter": 0, "security": 50}
IPT_NAT_INPUT_PRIORITY = 100
HOOKS = ("ingress", "prerouting", "input")
IPT_HOOK_CHAINS = {"PREROUTING": "prerouting", "INPUT": "input"}
TERMINAL = ("drop", "reject", "queue")
UNKNOWN = object()  # a value this evaluator cannot know
# What reading a rule whose JSON has another shape than nft's raises (a string where a
# map belongs, a list too short, an operand of the wrong type): that rule is skipped.
_MALFORMED = (AttributeError, TypeError, KeyError, IndexError, ValueError)


class Packet(object):
    """The first packet of a new connection, and what the rules did to it so far."""

    def __init__(self, family, saddr, daddr, proto, dport, iif, sport=40000):
        self.family = family  # "ipv4" / "ipv6"
        self.saddr = ipaddress.ip_address(saddr)
        self.daddr = ipaddress.ip_address(daddr)
        self.proto = proto  # "tcp" / "udp"
        self.dport = int(dport)
        self.sport = int(sport)
        self.iif = iif
        self.mark = 0
        self.ct_mark = 0
        self.dnat = None  # (old daddr, old dport) after a DNAT/REDIRECT

    @property
    def nfproto(self):
        return self.family

    def describe(self):
        return "%s %s -> %s port %d via %s" % (self.proto, self.saddr, self.daddr, self.dport, self.iif)


class HostNet(object):
    """What the evaluator needs to know about the host: its addresses and routes (for
    `fib` and rpfilter), and ipset contents (for iptables `-m set`)."""

    def __init__(self, interfaces=(), routes=(), ipsets=None):
        self.interfaces = list(interfaces)
        self.routes = list(routes)
        self.ipsets = ipsets or {}  # name -> list of entries (strings)

    def is_local(self, address):
        addr = ipaddress.ip_address(address)
        if addr.is_loopback:
            return True
        return any(a.ip == addr for i in self.interfaces for a in i.addresses)

    def route_iface(self, address):
        """The interface a reply to `address` leaves by, or None when unknown/unroutable."""
        addr = ipaddress.ip_address(address)
        best = None
        for iface in self.interfaces:
            for a in iface.addresses:
                if a.version == addr.version and addr in a.network and not a.network.prefixlen == a.max_prefixlen:
                    if best is None or a.network.prefixlen > best[0]:
                        best = (a.network.prefixlen, iface.name)
        for route in self.routes:
            if route.network.version == addr.version and addr in route.network:
                if best is None or route.network.prefixlen > best[0]:
                    best = (route.network.prefixlen, route.iface)
        return best[1] if best else None

    @property
    def knows_routes(self):
        return bool(self.interfaces)


class Hit(object):
    """A rule that matched and did something: where it is and what it says."""

    __slots__ = ("source", "table", "chain", "text", "verdict", "reject", "trail", "handle")

    def __init__(self, source, table, chain, text, verdict, reject=None, trail=(), handle=None):
        self.source = source  # "nft", "iptables-nft", "iptables-legacy"...
        self.table = table  # "inet firewalld", "ip filter", "filter"
        self.chain = chain
        self.text = text
        self.verdict = verdict  # accept, drop, reject, queue, policy-drop...
        self.reject = reject  # Reject or None
        self.trail = list(trail)  # chains walked to get here
        self.handle = handle

    def where(self):
        if self.source == "nft":
            return "table %s chain %s" % (self.table, self.chain)
        return "%s table %s chain %s" % (self.source, self.table, self.chain)

    def describe(self):
        return "%s: %s" % (self.where(), self.text)

    def to_dict(self):
        return {"source": self.source, "table": self.table, "chain": self.chain, "rule": self.text,
                "verdict": self.verdict, "path": self.trail}


class Reject(object):
    """How a reject answers: ICMP(v6) type name, or a TCP reset."""

    __slots__ = ("kind", "code")

    def __init__(self, kind, code):
        self.kind = kind  # "icmp", "icmpv6", "icmpx", "tcp-reset"
        self.code = code  # "port-unreachable", "admin-prohibited", "host-prohibited"...

    def __str__(self):
        if self.kind == "tcp-reset":
            return "tcp reset"
        return "%s %s" % (self.kind, self.code)


class Outcome(object):
    """What happened to the packet: delivered to the host's stack (accept), dropped,
    rejected (with how), queued to userspace, or forwarded elsewhere by a DNAT."""

    def __init__(self, verdict, hit=None):
        self.verdict = verdict
        self.hit = hit
        self.accepts = []  # the accept of each base chain the packet went through
        self.notes = []
        self.malformed = 0  # rules skipped for an expression of a shape nft never prints
        self.dnat = None
        self.packet = None

    @property
    def reject(self):
        return self.hit.reject if self.hit else None


# ---------------------------------------------------------------------------------------
# Base chains from both worlds.

class _BaseChain(object):
    source = "?"
    hook = None
    prio = 0
    order = 0

    def applies(self, packet):
        return True

    def _chain(self, chain, packet, walk):
        """Walk `chain`'s rules (nft and iptables alike): the first verdict wins, a
        `return` ends this chain; jumps deeper than 64 stop with a note."""
        walk.depth += 1
        walk.trail.append(chain.name)
        if walk.depth > 64:
            walk.outcome.notes.append("jump depth over 64 in %s: stopped" % chain.name)
            return None
        try:
            for rule in chain.rules:
                result = self._rule(rule, chain, packet, walk)
                if result is None:
                    continue
                if result.verdict == "return":
                    return None
                return result
            return None
        finally:
            walk.depth -= 1
            walk.trail.pop()


class Ruleset(object):
    """Every base chain the host runs, from nft JSON and iptables-save dumps."""

    def __init__(self, net=None, family_loader=None):
        self.net = net or HostNet()
        self.chains = []
        self.notes = []
        self.sources = []
        self._loader = family_loader  # loader(ruleset, family): adds a family's dumps on first use
        self._loaded = set()

    def load_all(self):
        """Read every family's dumps now (for a snapshot that must hold them all)."""
        for family in ("ipv4", "ipv6"):
            if self._loader is not None and family not in self._loaded:
                self._loaded.add(family)
                self._loader(self, family)

    def drop_nft_tables(self, keys):
        """Forget nft tables read better elsewhere (iptables-nft's, from iptables-nft-save)."""
        keys = set(keys)
        self.chains = [c for c in self.chains if not (c.source == "nft" and c.table.key in keys)]

    def add_nft(self, ruleset, skip_tables=()):
        """The nft ruleset's tables, except `skip_tables` ("ip filter", ...) that are read
        from an iptables-nft-save dump instead."""
        self.sources.append("nft")
        for table in ruleset.tables.values():
            if table.key in skip_tables or table.family in ("arp", "bridge"):
                continue
            for chain in table.chains.values():
                if chain.is_base and chain.hook in HOOKS:
                    self.chains.append(NftBaseChain(self, ruleset, table, chain, len(self.chains)))

    def add_iptables(self, save, source):
        """An iptables-save dump (`save.family` ipv4/ipv6) as `source` (iptables-legacy...)."""
        self.sources.append(source)
        for table in save.tables.values():
            for name, chain in table.chains.items():
                hook = IPT_HOOK_CHAINS.get(name)
                if hook is None or not chain.builtin and not chain.rules:
                    continue
                prio = IPT_TABLE_PRIORITY.get(table.name, 0)
                if table.name == "nat" and hook == "input":
                    prio = IPT_NAT_INPUT_PRIORITY
                self.chains.append(IptBaseChain(self, save, table, chain, hook, prio, source, len(self.chains)))

    def evaluate(self, packet):
        """The Outcome of `packet` through every hook."""
        if self._loader is not None and packet.family not in self._loaded:
            self._loaded.add(packet.family)
            self._loader(self, packet.family)
        outcome = Outcome("accept")
        outcome.packet = packet
        for hook in HOOKS:
            if hook == "input" and not self.net.is_local(packet.daddr) and self.net.interfaces:
                outcome.verdict = "forward"
                outcome.notes.append("%s is not an address of this host: the packet is routed "
                                     "on, not delivered" % packet.daddr)
                return outcome
            chains = sorted((c for c in self.chains if c.hook == hook and c.applies(packet)),
                            key=lambda c: (c.prio, c.order))
            for chain in chains:
                result = chain.run(packet, outcome)
                if result.verdict in TERMINAL:
                    outcome.verdict = result.verdict
                    outcome.hit = result
                    return outcome
                if result.verdict == "accept":
                    outcome.accepts.append(result)
        return outcome


# ---------------------------------------------------------------------------------------
# nftables

class _Walk(object):
    """State of one walk through a base chain's jumps."""

    def __init__(self, outcome, base):
        self.outcome = outcome
        self.trail = []
        self.base = base
        self.depth = 0


class NftBaseChain(_BaseChain):
    source = "nft"

    def __init__(self, owner, ruleset, table, chain, order):
        self.owner = owner
        self.ruleset = ruleset
        self.table = table
        self.chain = chain
        self.hook = chain.hook
        self.prio = chain.prio if isinstance(chain.prio, int) else _prio_value(chain.prio)
        self.order = order

    def applies(self, packet):
        fam = self.table.family
        if fam == "netdev":
            return self.chain.dev in (None, packet.iif) or packet.iif in (self.chain.dev or [])
        if fam == "inet":
            return True
        return (fam == "ip" and packet.family == "ipv4") or (fam == "ip6" and packet.family == "ipv6")

    def run(self, packet, outcome):
        walk = _Walk(outcome, self)
        result = self._chain(self.chain, packet, walk)
        if result is None or result.verdict in ("return", "continue"):
            policy = self.chain.policy or "accept"
            return Hit("nft", self.table.key, self.chain.name, "policy %s" % policy,
                       "drop" if policy == "drop" else "accept", trail=[self.chain.name])
        return result

    def _hit(self, rule, chain, verdict, walk, reject=None):
        return Hit("nft", self.table.key, chain.name, nft_rule_text(rule.expr), verdict, reject,
                   trail=walk.trail + [], handle=rule.handle)

    def _rule(self, rule, chain, packet, walk):
        """None when the rule does not decide, else a Hit (verdict accept/drop/reject/
        queue/return) -- jumps are followed here.  A rule whose expressions have a shape
        nft never prints (a damaged or hand-edited dump: a list where a map belongs, a
        match without operands) costs that rule only: it is skipped with a note."""
        try:
            return self._rule_walk(rule, chain, packet, walk)
        except _MALFORMED as exc:
            walk.outcome.notes.append("%s chain %s: rule %s has an expression nft does not print "
                                      "(%s: %s); rule skipped" % (
                                          self.table.key, chain.name, rule.handle, type(exc).__name__, exc))
            walk.outcome.malformed += 1
            return None

    def _rule_walk(self, rule, chain, packet, walk):
        for expr in rule.expr:
            if not isinstance(expr, dict) or len(expr) != 1:
                continue
            key, body = next(iter(expr.items()))
            if key == "match":
                ok = self._match(body, packet, walk, rule, chain)
                if ok is not True:
                    return None
            elif key in ("counter", "log", "quota", "notrack", "comment", "flow", "ct count",
                         "synproxy", "secmark", "tcp option", "mangle_tcp"):
                continue
            elif key == "limit":
                if isinstance(body, dict) and body.get("inv"):
                    return None  # "limit rate over": a single new connection is under it
                continue
            elif key == "mangle":
                self._mangle(body, packet, walk)
            elif key in ("dnat", "redirect"):
                self._dnat(key, body, packet, walk, rule, chain)
            elif key in ("snat", "masquerade"):
                continue
            elif key in ("accept", "drop"):
                return self._hit(rule, chain, key, walk)
            elif key == "reject":
                return self._hit(rule, chain, "reject", walk, _nft_reject(body, self.table.family, packet))
            elif key == "queue":
                return self._hit(rule, chain, "queue", walk)
            elif key == "return":
                return Hit("nft", self.table.key, chain.name, "return", "return")
            elif key == "continue":
                return None
            elif key in ("jump", "goto"):
                target = body.get("target") if isinstance(body, dict) else None
                result = self._follow(target, packet, walk)
                if key == "goto":
                    return result if result is not None else Hit("nft", self.table.key, chain.name, "goto end", "return")
                if result is not None:
                    return result
                continue
            elif key == "vmap":
                verdict = self._vmap(body, packet, walk, rule, chain)
                if verdict is None:
                    continue
                vkind, vbody = verdict
                if vkind in ("accept", "drop"):
                    return self._hit(rule, chain, vkind, walk)
                if vkind in ("jump", "goto"):
                    result = self._follow(vbody.get("target") if isinstance(vbody, dict) else None, packet, walk)
                    if vkind == "goto":
                        return result if result is not None else Hit("nft", self.table.key, chain.name, "goto end", "return")
                    if result is not None:
                        return result
                    continue
                if vkind == "return":
                    return Hit("nft", self.table.key, chain.name, "return", "return")
                continue
            elif key == "xt":
                kind = body.get("type") if isinstance(body, dict) else None
                name = body.get("name") if isinstance(body, dict) else None
                if kind == "target":
                    if name == "REJECT":
                        code = "port-unreachable"
                        walk.outcome.notes.append(
                            "%s chain %s: an iptables-nft REJECT whose type nft does not show; "
                            "taken as REJECT's default (icmp port-unreachable) -- "
                            "iptables-nft-save tells" % (self.table.key, chain.name))
                        return self._hit(rule, chain, "reject", walk,
                                         Reject("icmp" if packet.family == "ipv4" else "icmpv6", code))
                    if name in ("DROP",):
                        return self._hit(rule, chain, "drop", walk)
                    if name in ("LOG", "NFLOG", "AUDIT", "MARK", "CONNMARK", "CT", "CHECKSUM", "TCPMSS", "TRACE"):
                        continue
                    walk.outcome.notes.append("%s chain %s: iptables target %s not understood; "
                                              "skipped" % (self.table.key, chain.name, name))
                    continue
                # an xt match: unknown
                if name in ("conntrack", "state"):
                    # firewalld's iptables rules: RELATED,ESTABLISHED(,DNAT) accept and
                    # INVALID drop, neither of which a new connection matches.
                    return None
                walk.outcome.notes.append("%s chain %s: iptables match %s is not shown by nft; "
                                          "assumed not to match" % (self.table.key, chain.name, name))
                return None
            else:
                walk.outcome.notes.append("%s chain %s: statement %r not understood (newer nft?); "
                                          "rule skipped" % (self.table.key, chain.name, key))
                return None
        return None

    def _follow(self, target, packet, walk):
        if not isinstance(target, str):
            walk.outcome.notes.append("jump to %r in %s: not a chain name; skipped" % (target, self.table.key))
            return None
        chain = self.table.chains.get(target)
        if chain is None:
            walk.outcome.notes.append("jump to missing chain %s in %s" % (target, self.table.key))
            return None
        if target in walk.trail:
            # nft refuses a ruleset with a jump loop (ELOOP); walking one would take
            # 2^depth steps when a chain jumps back twice
            walk.outcome.notes.append("jump loop to %s in %s: skipped" % (target, self.table.key))
            return None
        return self._chain(chain, packet, walk)

    def _match(self, body, packet, walk, rule, chain):
        result = nft_match(body, packet, self, walk.outcome)
        if result is None:
            walk.outcome.notes.append("%s chain %s: cannot evaluate `%s`; assumed not to match" % (
                self.table.key, chain.name, nft_expr_text({"match": body})))
            return False
        return result

    def _mangle(self, body, packet, walk):
        if not isinstance(body, dict):
            return
        key = body.get("key") or {}
        value = _const(body.get("value"))
        if isinstance(value, int):
            if "meta" in key and key["meta"].get("key") == "mark":
                packet.mark = value
            elif "ct" in key and key["ct"].get("key") == "mark":
                packet.ct_mark = value

    def _dnat(self, kind, body, packet, walk, rule, chain):
        if packet.dnat is not None:
            return
        body = body or {}
        old = (packet.daddr, packet.dport)
        addr = body.get("addr")
        port = body.get("port")
        if kind == "redirect":
            addr = None
        try:
            if isinstance(addr, str):
                packet.daddr = ipaddress.ip_address(addr)
            if isinstance(port, int):
                packet.dport = port
        except ValueError:
            return
        packet.dnat = old
        walk.outcome.dnat = Hit("nft", self.table.key, chain.name, nft_rule_text(rule.expr), kind,
                                trail=walk.trail + [])

    def _vmap(self, body, packet, walk, rule, chain):
        value = nft_value(body.get("key"), packet, self, walk.outcome)
        if value is UNKNOWN:
            walk.outcome.notes.append("%s chain %s: verdict map key unknown; skipped" % (self.table.key, chain.name))
            return None
        if value is None:
            return None
        data = body.get("data")
        entries = []
        if isinstance(data, str) and data.startswith("@"):
            found = self.table.sets.get(data[1:])
            entries = [e for e in (found.elements if found else [])]
        elif isinstance(data, dict) and "set" in data:
            entries = data["set"]
        for entry in entries:
            if isinstance(entry, list) and len(entry) == 2:
                key, verdict = entry
            elif isinstance(entry, dict) and "elem" in entry:
                continue
            else:
                continue
            if _element_contains(key, value, self):
                if isinstance(verdict, dict) and len(verdict) == 1:
                    return next(iter(verdict.items()))
        return None


def _prio_value(prio):
    names = {"raw": -300, "mangle": -150, "dstnat": -100, "filter": 0, "security": 50, "srcnat": 100}
    if isinstance(prio, str):
        return names.get(prio, 0)
    return 0


def _nft_reject(body, family, packet):
    if not isinstance(body, dict) or not body:
        # plain `reject`: icmp(v6) port-unreachable, or icmpx port-unreachable in inet
        return Reject("icmpx" if family in ("inet", "netdev", "bridge") else
                      ("icmp" if packet.family == "ipv4" else "icmpv6"), "port-unreachable")
    kind = body.get("type", "icmpx")
    if kind in ("tcp reset", "tcp-reset"):
        return Reject("tcp-reset", None)
    code = body.get("expr") or "port-unreachable"
    if isinstance(code, int):
        code = str(code)
    return Reject(kind, code)


# -- expression values ------------------------------------------------------------------

_FLAG_KEYS = {("ct", "state"), ("ct", "status"), ("tcp", "flags")}


def nft_value(expr, packet, chain, outcome):
    """The value of a left-hand expression for `packet`: an int, str, ip address, a
    frozenset of flag names, a tuple (concatenation), None when the expression does not
    apply to this packet (e.g. `udp dport` on TCP: the match is false), or UNKNOWN."""
    if not isinstance(expr, dict):
        return _const(expr)
    if len(expr) != 1:
        return UNKNOWN
    kind, body = next(iter(expr.items()))
    if kind == "payload":
        return _payload(body, packet)
    if kind == "meta":
        return _meta(body.get("key"), packet)
    if kind == "ct":
        return _ct(body, packet)
    if kind == "fib":
        return _fib(body, packet, chain.owner.net if chain else None, outcome)
    if kind == "concat":
        values = tuple(nft_value(e, packet, chain, outcome) for e in body)
        if any(v is UNKNOWN for v in values):
            return UNKNOWN
        if any(v is None for v in values):
            return None
        return values
    if kind in ("&", "|", "^", "<<", ">>"):
        left = nft_value(body[0], packet, chain, outcome)
        right = nft_value(body[1], packet, chain, outcome) if isinstance(body[1], dict) else _flags_or_const(body[1])
        if left is None or left is UNKNOWN or right is UNKNOWN:
            return left if left in (None,) else UNKNOWN
        if isinstance(left, frozenset):
            if kind == "&":
                return left & (right if isinstance(right, frozenset) else frozenset([right]))
            return UNKNOWN
        if isinstance(left, int) and isinstance(right, int):
            if kind in ("<<", ">>"):
                # a shift by a count nft cannot hold (a register is 128 bits)
                if not 0 <= right <= 128:
                    return UNKNOWN
                return left << right if kind == "<<" else left >> right
            return {"&": left & right, "|": left | right, "^": left ^ right}[kind]
        return UNKNOWN
    if kind == "exthdr":
        return None if body.get("field") else False
    if kind in ("socket", "osf", "rt", "ipsec", "numgen", "jhash", "symhash", "tcp option",
                "sctp chunk", "dccp option", "ip option", "map", "elem"):
        return UNKNOWN
    return UNKNOWN


def _flags_or_const(value):
    if isinstance(value, list):
        return frozenset(value)
    if isinstance(value, str) and not value.startswith("@"):
        return frozenset([value])
    return _const(value)


def _const(value):
    if isinstance(value, str):
        text = value.strip()
        if text.lower().startswith("0x"):
            try:
                return int(text, 16)
            except ValueError:
                return value
        return value
    return value


_PROTO_NUM = {"tcp": 6, "udp": 17, "icmp": 1, "ipv6-icmp": 58, "icmpv6": 58, "sctp": 132, "dccp": 33}


def _payload(body, packet):
    if "base" in body:  # raw payload @th,16,16
        if body.get("base") == "th" and body.get("offset") == 16 and body.get("len") == 16:
            return packet.dport
        return UNKNOWN
    proto, field = body.get("protocol"), body.get("field")
    if proto == "ip":
        if packet.family != "ipv4":
            return None
        return {"saddr": packet.saddr, "daddr": packet.daddr, "protocol": packet.proto,
                "version": 4}.get(field, UNKNOWN)
    if proto == "ip6":
        if packet.family != "ipv6":
            return None
        return {"saddr": packet.saddr, "daddr": packet.daddr, "nexthdr": packet.proto,
                "version": 6}.get(field, UNKNOWN)
    if proto in ("tcp", "udp", "sctp", "dccp", "th", "udplite"):
        if proto != "th" and proto != packet.proto:
            return None
        if field == "dport":
            return packet.dport
        if field == "sport":
            return packet.sport
        if field == "flags" and packet.proto == "tcp":
            return frozenset(["syn"])
        return UNKNOWN
    if proto in ("icmp", "icmpv6", "ah", "esp", "comp", "igmp", "gre", "arp", "vlan", "ether",
                 "mh", "rt", "frag", "dst", "hbh", "vxlan", "geneve"):
        if proto in ("ether",):
            return UNKNOWN
        return None
    return UNKNOWN


def _meta(key, packet):
    if key == "l4proto":
        return packet.proto
    if key == "protocol":
        return "ip" if packet.family == "ipv4" else "ip6"
    if key == "nfproto":
        return packet.family
    if key in ("iifname", "iif"):
        return packet.iif
    if key in ("oifname", "oif"):
        return None  # not routed out: input traffic has no output interface
    if key == "mark":
        return packet.mark
    if key == "pkttype":
        return "host"
    if key == "iiftype":
        return "loopback" if packet.iif == "lo" else "ether"
    if key in ("skuid", "skgid"):
        return None
    return UNKNOWN


def _ct(body, packet):
    key = body.get("key")
    if key == "state":
        return frozenset(["new"])
    if key == "status":
        return frozenset(["dnat"]) if packet.dnat is not None else frozenset()
    if key == "mark":
        return packet.ct_mark
    if key == "direction":
        return "original"
    if key in ("l3proto",):
        return packet.family
    if key == "protocol":
        return packet.proto
    if key in ("saddr", "ip saddr", "ip6 saddr"):
        return packet.saddr
    if key in ("daddr", "ip daddr", "ip6 daddr"):
        return packet.dnat[0] if packet.dnat else packet.daddr
    if key in ("proto-dst",):
        return packet.dnat[1] if packet.dnat else packet.dport
    if key == "zone":
        return 0
    if key == "helper":
        return ""
    return UNKNOWN


def _fib(body, packet, net, outcome):
    flags = set(body.get("flags") or [])
    result = body.get("result")
    if net is None or not net.knows_routes:
        return UNKNOWN
    if result == "type" and "daddr" in flags:
        return "local" if net.is_local(packet.daddr) else "unicast"
    if result in ("oif", "oifname") and "saddr" in flags:
        if packet.iif == "lo":
            return "lo"
        iface = net.route_iface(packet.saddr)
        if iface is None:
            return False
        if "iif" in flags and iface != packet.iif:
            return False
        return iface
    if result in ("oif", "oifname") and "daddr" in flags:
        return "lo" if net.is_local(packet.daddr) else (net.route_iface(packet.daddr) or False)
    return UNKNOWN


# -- matching ---------------------------------------------------------------------------

def nft_match(body, packet, chain, outcome):
    """True / False, or None when it cannot be decided."""
    if not isinstance(body, dict):
        return None
    op = body.get("op", "==")
    left_expr, right = body.get("left"), body.get("right")
    left = nft_value(left_expr, packet, chain, outcome)
    if left is UNKNOWN:
        return None
    flag_key = _is_flag_key(left_expr)
    if left is None:
        # the expression does not exist for this packet: nft's implicit dependency
        # (e.g. `meta l4proto tcp` before `tcp dport`) fails, whatever the operator.
        return False
    if op in ("==", "in", "implicit"):
        if flag_key and op == "in" or (flag_key and isinstance(left, frozenset) and left_expr.get("ct", {}).get("key") == "status"):
            wanted = _flag_set(right)
            if wanted is None:
                return None
            return bool(left & wanted)
        return _contains(right, left, chain)
    if op == "!=":
        found = _contains(right, left, chain)
        return None if found is None else not found
    if op in ("<", ">", "<=", ">="):
        value = _const(right)
        if not isinstance(left, int) or not isinstance(value, int):
            return None
        return {"<": left < value, ">": left > value, "<=": left <= value, ">=": left >= value}[op]
    return None


def _is_flag_key(expr):
    if not isinstance(expr, dict):
        return False
    if "ct" in expr:
        return expr["ct"].get("key") in ("state", "status")
    if "payload" in expr:
        return expr["payload"].get("protocol") == "tcp" and expr["payload"].get("field") == "flags"
    if "&" in expr:
        return _is_flag_key(expr["&"][0])
    return False


def _flag_set(right):
    if isinstance(right, str):
        return frozenset([right])
    if isinstance(right, list):
        return frozenset(right)
    if isinstance(right, dict) and "set" in right:
        return frozenset(x for x in right["set"] if isinstance(x, str))
    return None


def _contains(right, value, chain):
    """Whether `value` is (in) `right`: a literal, prefix, range, set or @set."""
    if isinstance(right, dict) and "set" in right:
        items = right["set"]
        if not isinstance(items, list):
            items = [items]
        results = [_element_contains(item, value, chain) for item in items]
        if any(r is True for r in results):
            return True
        return None if any(r is None for r in results) else False
    if isinstance(right, str) and right.startswith("@"):
        found = chain.table.sets.get(right[1:]) if chain is not None else None
        if found is None:
            return None
        results = [_element_contains(e, value, chain) for e in found.elements]
        if any(r is True for r in results):
            return True
        return None if any(r is None for r in results) else False
    return _element_contains(right, value, chain)


def _element_contains(element, value, chain):
    if isinstance(element, dict):
        if "elem" in element:
            inner = element["elem"]
            return _element_contains(inner.get("val") if isinstance(inner, dict) else inner, value, chain)
        if "prefix" in element:
            return _in_prefix(element["prefix"], value)
        if "range" in element:
            low, high = element["range"]
            return _in_range(low, high, value)
        if "concat" in element:
            if not isinstance(value, tuple) or len(value) != len(element["concat"]):
                return False
            parts = [_element_contains(e, v, chain) for e, v in zip(element["concat"], value)]
            if all(p is True for p in parts):
                return True
            return None if any(p is None for p in parts) else False
        if "set" in element:
            return _contains(element, value, chain)
        return None
    if isinstance(element, list):
        return any(_element_contains(e, value, chain) is True for e in element)
    return _equal(element, value)


def _equal(literal, value):
    if isinstance(value, frozenset):
        return literal in value if isinstance(literal, str) else None
    if isinstance(value, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
        try:
            return ipaddress.ip_address(literal) == value
        except ValueError:
            return False
    if isinstance(value, bool) or isinstance(literal, bool):
        if isinstance(literal, bool) and not isinstance(value, bool):
            return literal == bool(value)
        return literal == value
    if isinstance(value, int):
        literal = _const(literal)
        if isinstance(literal, int):
            return literal == value
        if isinstance(literal, str):
            if literal in _PROTO_NUM:
                return _PROTO_NUM[literal] == value
            from gotriage.parsers.firewalld_rich import PORT_NAMES

            return PORT_NAMES.get(literal) == value
        return False
    if isinstance(value, str):
        if isinstance(literal, int):
            return _PROTO_NUM.get(value) == literal
        if isinstance(literal, str):
            if literal.endswith("*") and not literal.endswith("\\*"):
                return value.startswith(literal[:-1])
            return literal.replace("\\*", "*") == value or _PROTO_ALIASES.get(literal) == value
    return False


_PROTO_ALIASES = {"icmpv6": "ipv6-icmp", "ipv4": "ipv4", "ip": "ipv4", "ip6": "ipv6"}


def _in_prefix(prefix, value):
    if not isinstance(value, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
        return False
    try:
        net = ipaddress.ip_network("%s/%s" % (prefix["addr"], prefix["len"]), strict=False)
    except (ValueError, KeyError):
        return None
    return net.version == value.version and value in net


def _in_range(low, high, value):
    if isinstance(value, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
        try:
            a, b = ipaddress.ip_address(low), ipaddress.ip_address(high)
        except ValueError:
            return None
        return a.version == value.version and a <= value <= b
    if isinstance(value, int):
        low, high = _const(low), _const(high)
        if isinstance(low, int) and isinstance(high, int):
            return low <= value <= high
    return None


# -- text ------------------------------------------------------------------------------

def nft_rule_text(exprs):
    """A rule's expressions in nft's own syntax (close to `nft list ruleset`)."""
    return " ".join(t for t in (nft_expr_text(e) for e in exprs) if t)


def _v(value):
    if isinstance(value, dict):
        if "set" in value:
            items = value["set"] if isinstance(value["set"], list) else [value["set"]]
            return "{ %s }" % ", ".join(_v(i) for i in items)
        if "prefix" in value:
            return "%s/%s" % (value["prefix"].get("addr"), value["prefix"].get("len"))
        if "range" in value:
            return "%s-%s" % tuple(_v(x) for x in value["range"])
        if "concat" in value:
            return " . ".join(_v(x) for x in value["concat"])
        if "elem" in value:
            return _v(value["elem"].get("val"))
        if "payload" in value:
            p = value["payload"]
            if "base" in p:
                return "@%s,%s,%s" % (p.get("base"), p.get("offset"), p.get("len"))
            return "%s %s" % (p.get("protocol"), p.get("field"))
        if "meta" in value:
            key = value["meta"].get("key")
            return key if key in ("iifname", "oifname", "iif", "oif", "mark", "l4proto", "nfproto") else "meta " + key
        if "ct" in value:
            c = value["ct"]
            return "ct %s%s" % (c.get("dir") + " " if c.get("dir") else "", c.get("key"))
        if "fib" in value:
            return "fib %s %s" % (" . ".join(value["fib"].get("flags") or []), value["fib"].get("result"))
        if "&" in value:
            return "%s & %s" % (_v(value["&"][0]), _v(value["&"][1]))
        if "|" in value:
            return "%s | %s" % (_v(value["|"][0]), _v(value["|"][1]))
        if len(value) == 1:
            k, b = next(iter(value.items()))
            return "%s %s" % (k, _v(b) if not isinstance(b, dict) else "")
        return str(value)
    if isinstance(value, list):
        return ",".join(_v(v) for v in value)
    if isinstance(value, bool):
        return "exists" if value else "missing"
    if isinstance(value, str):
        if value.startswith("@"):
            return value
        if any(c in value for c in " -") or value in ("lo",) or value.startswith("rfw") or "*" in value:
            return '"%s"' % value
        return value
    return str(value)


def nft_expr_text(expr):
    if not isinstance(expr, dict) or len(expr) != 1:
        return str(expr)
    key, body = next(iter(expr.items()))
    if key == "match":
        op = body.get("op", "==")
        left, right = _v(body.get("left")), _v(body.get("right"))
        if op in ("==", "in", "implicit"):
            return "%s %s" % (left, right)
        return "%s %s %s" % (left, op, right)
    if key in ("accept", "drop", "return", "continue"):
        return key
    if key in ("jump", "goto"):
        return "%s %s" % (key, body.get("target"))
    if key == "reject":
        if not body:
            return "reject"
        if body.get("type") in ("tcp reset", "tcp-reset"):
            return "reject with tcp reset"
        return "reject with %s %s" % (body.get("type", "icmpx"), body.get("expr", "port-unreachable"))
    if key == "counter":
        return ""
    if key == "log":
        return "log" + (' prefix "%s"' % body.get("prefix") if isinstance(body, dict) and body.get("prefix") else "")
    if key == "limit":
        return "limit rate %s%s/%s" % ("over " if body.get("inv") else "", body.get("rate"), body.get("per"))
    if key == "xt":
        return "xt %s %s" % (body.get("type"), body.get("name"))
    if key == "vmap":
        return "%s vmap %s" % (_v(body.get("key")), _v(body.get("data")))
    if key == "mangle":
        return "%s set %s" % (_v(body.get("key")), _v(body.get("value")))
    if key in ("dnat", "snat", "redirect", "masquerade"):
        body = body or {}
        target = "%s%s" % (body.get("addr", ""), ":%s" % body.get("port") if body.get("port") else "")
        return "%s%s" % (key, " to " + target if target else "")
    if key == "queue":
        return "queue"
    return key


# ---------------------------------------------------------------------------------------
# iptables (legacy or -nft, from iptables-save)

class IptBaseChain(_BaseChain):
    def __init__(self, owner, save, table, chain, hook, prio, source, order):
        self.owner = owner
        self.save = save
        self.table = table
        self.chain = chain
        self.hook = hook
        self.prio = prio
        self.source = source
        self.order = order

    def applies(self, packet):
        return packet.family == self.save.family

    def run(self, packet, outcome):
        walk = _Walk(outcome, self)
        result = self._chain(self.chain, packet, walk)
        if result is None or result.verdict == "return":
            policy = (self.chain.policy or "ACCEPT").lower()
            return Hit(self.source, self.table.name, self.chain.name, ":%s %s" % (self.chain.name, policy.upper()),
                       "drop" if policy == "drop" else "accept", trail=[self.chain.name])
        return result

    def _hit(self, rule, verdict, walk, reject=None):
        return Hit(self.source, self.table.name, rule.chain, rule.text, verdict, reject, trail=walk.trail + [])

    def _rule(self, rule, chain, packet, walk):
        if "rpfilter" in rule.modules:
            ok = _rpfilter(rule, packet, self.owner.net)
            if ok is None:
                walk.outcome.notes.append("%s %s: reverse-path filter `%s` not evaluated (no routes "
                                          "known); assumed to pass" % (self.source, self.table.name, rule.text))
                return None
            if not ok:
                return None
        for match in rule.matches:
            if match.module == "rpfilter":
                continue
            ok = ipt_match(match, packet, self.owner.net, walk.outcome, self.save.family)
            if ok is None:
                walk.outcome.notes.append("%s %s: cannot evaluate `%s%s %s` in `%s`; assumed not to match" % (
                    self.source, self.table.name, "! " if match.negated else "", match.option,
                    " ".join(match.values), rule.text))
                return None
            if not ok:
                return None
        target = rule.target
        if target is None:
            return None
        if target == "ACCEPT":
            return self._hit(rule, "accept", walk)
        if target == "DROP":
            return self._hit(rule, "drop", walk)
        if target == "REJECT":
            kind = rule.target_options.get("--reject-with")
            return self._hit(rule, "reject", walk, _ipt_reject(kind, self.save.family))
        if target == "RETURN":
            return Hit(self.source, self.table.name, chain.name, rule.text, "return")
        if target in ("QUEUE", "NFQUEUE"):
            return self._hit(rule, "queue", walk)
        if target in ("MARK", "CONNMARK"):
            _ipt_mark(rule, packet, target)
            return None
        if target in ("DNAT", "REDIRECT"):
            _ipt_dnat(rule, packet, target, walk, self)
            return None
        if target in ("LOG", "NFLOG", "ULOG", "AUDIT", "CT", "NOTRACK", "CHECKSUM", "TCPMSS", "TRACE",
                      "SNAT", "MASQUERADE", "TOS", "DSCP", "TTL", "HL", "SECMARK", "CONNSECMARK",
                      "CLASSIFY", "SET", "TEE", "IDLETIMER", "LED", "RATEEST", "SYNPROXY"):
            return None
        sub = self.table.chains.get(target)
        if sub is None:
            walk.outcome.notes.append("%s %s: target %s not understood in `%s`; skipped" % (
                self.source, self.table.name, target, rule.text))
            return None
        if target in walk.trail:
            # iptables-restore refuses a jump loop (ELOOP): a dump that has one is damaged
            walk.outcome.notes.append("%s %s: jump loop to %s in `%s`; skipped" % (
                self.source, self.table.name, target, rule.text))
            return None
        result = self._chain(sub, packet, walk)
        if rule.goto:
            return result if result is not None else Hit(self.source, self.table.name, chain.name, "goto end", "return")
        return result


def _ipt_reject(kind, family):
    if not kind:
        kind = "icmp-port-unreachable" if family == "ipv4" else "icmp6-port-unreachable"
    kind = {"tcp-rst": "tcp-reset", "port-unreach": "icmp-port-unreachable"}.get(kind, kind)
    if kind == "tcp-reset":
        return Reject("tcp-reset", None)
    if family == "ipv6":
        code = {"icmp6-no-route": "no-route", "no-route": "no-route",
                "icmp6-adm-prohibited": "admin-prohibited", "adm-prohibited": "admin-prohibited",
                "icmp6-addr-unreachable": "addr-unreachable", "addr-unreach": "addr-unreachable",
                "icmp6-port-unreachable": "port-unreachable", "port-unreach": "port-unreachable",
                "icmp6-policy-fail": "policy-fail", "icmp6-reject-route": "reject-route"}.get(kind, kind)
        return Reject("icmpv6", code)
    code = kind[5:] if kind.startswith("icmp-") else kind
    code = {"host-prohib": "host-prohibited", "net-unreach": "net-unreachable",
            "host-unreach": "host-unreachable", "proto-unreach": "prot-unreachable",
            "proto-unreachable": "prot-unreachable", "net-prohib": "net-prohibited",
            "admin-prohib": "admin-prohibited"}.get(code, code)
    return Reject("icmp", code)


def _ipt_mark(rule, packet, target):
    opts = rule.target_options
    for key in ("--set-mark", "--set-xmark"):
        if key in opts and isinstance(opts[key], str):
            value = opts[key].split("/")[0]
            try:
                number = int(value, 0)
            except ValueError:
                return
            if target == "MARK":
                packet.mark = number
            else:
                packet.ct_mark = number


def _ipt_dnat(rule, packet, target, walk, base):
    if packet.dnat is not None:
        return
    old = (packet.daddr, packet.dport)
    opts = rule.target_options
    if target == "REDIRECT":
        ports = opts.get("--to-ports")
        if isinstance(ports, str) and ports.split("-")[0].isdecimal():
            packet.dport = int(ports.split("-")[0])
    else:
        dest = opts.get("--to-destination")
        if not isinstance(dest, str):
            return
        if dest.startswith("["):
            addr, _, rest = dest[1:].partition("]")
            port = rest.lstrip(":")
        elif dest.count(":") == 1:
            addr, _, port = dest.partition(":")
        else:
            addr, port = dest, ""
        try:
            if addr:
                packet.daddr = ipaddress.ip_address(addr.split("-")[0])
            if port and port.split("-")[0].isdigit():
                packet.dport = int(port.split("-")[0])
        except ValueError:
            return
    packet.dnat = old
    walk.outcome.dnat = Hit(base.source, base.table.name, rule.chain, rule.text, target.lower(), trail=walk.trail + [])


def _rpfilter(rule, packet, net):
    """Whether `-m rpfilter [--loose] [--invert]` matches: the reverse path check."""
    if net is None or not net.knows_routes:
        return None
    options = {m.option for m in rule.matches if m.module == "rpfilter"}
    if packet.iif == "lo":
        valid = True
    else:
        iface = net.route_iface(packet.saddr)
        valid = iface is not None and (iface == packet.iif or "loose" in options)
    return (not valid) if "invert" in options else valid


def _ports_match(spec, port):
    for part in spec.split(","):
        low, sep, high = part.partition(":")
        try:
            lo = int(low) if low else 0
            hi = int(high) if sep and high else (65535 if sep else lo)
        except ValueError:
            from gotriage.parsers.firewalld_rich import PORT_NAMES

            if part in PORT_NAMES:
                if PORT_NAMES[part] == port:
                    return True
                continue
            return None
        if lo <= port <= hi:
            return True
    return False


def _iface_match(pattern, name):
    if pattern.endswith("+"):
        return (name or "").startswith(pattern[:-1])
    return pattern == name


def _ipset_contains(entries, value):
    for entry in entries:
        first = entry.split(",")[0].split()[0]
        try:
            if "-" in first and "/" not in first:
                a, b = first.split("-", 1)
                if ipaddress.ip_address(a) <= value <= ipaddress.ip_address(b):
                    return True
            elif value in ipaddress.ip_network(first, strict=False):
                return True
        except (ValueError, TypeError):
            continue
    return False


def ipt_match(match, packet, net, outcome, family):
    """True / False / None (cannot decide) for one iptables match, negation applied."""
    result = _ipt_match(match, packet, net, family)
    if result is None:
        return None
    return (not result) if match.negated else result


def _ipt_match(match, packet, net, family):
    opt, value, module = match.option, match.value, match.module
    if module is None:
        if opt in ("source", "destination"):
            addr = packet.saddr if opt == "source" else packet.daddr
            try:
                return any(addr in ipaddress.ip_network(v, strict=False) for v in (value or "").split(","))
            except ValueError:
                return None
        if opt == "protocol":
            val = (value or "").lower()
            if val in ("all", "0"):
                return True
            return val == packet.proto or str(_PROTO_NUM.get(packet.proto)) == val or (
                val in ("icmpv6", "ipv6-icmp", "58") and packet.proto == "ipv6-icmp")
        if opt == "in-interface":
            return _iface_match(value or "", packet.iif)
        if opt == "out-interface":
            return False
        if opt == "fragment":
            return False
        return None
    if module in ("tcp", "udp", "implicit", "sctp", "dccp", "udplite"):
        if module not in ("implicit",) and module != packet.proto:
            return False
        if opt in ("dport", "destination-port"):
            return _ports_match(value or "", packet.dport)
        if opt in ("sport", "source-port"):
            return _ports_match(value or "", packet.sport)
        if opt == "syn":
            return packet.proto == "tcp"
        if opt == "tcp-flags":
            if packet.proto != "tcp" or len(match.values) < 2:
                return None
            mask = set(match.values[0].upper().split(","))
            comp = set(match.values[1].upper().split(","))
            if "ALL" in mask:
                mask = {"SYN", "ACK", "FIN", "RST", "URG", "PSH"}
            present = {"SYN"} & mask
            return present == (comp - {"NONE"}) & mask if "NONE" not in comp else not present
        if opt in ("icmp-type", "icmpv6-type"):
            return False
        return None
    if module == "multiport":
        if packet.proto not in ("tcp", "udp", "sctp", "dccp", "udplite"):
            return False
        if opt in ("dports", "destination-ports"):
            return _ports_match(value or "", packet.dport)
        if opt in ("sports", "source-ports"):
            return _ports_match(value or "", packet.sport)
        if opt == "ports":
            return _ports_match(value or "", packet.dport) or _ports_match(value or "", packet.sport)
        return None
    if module in ("conntrack", "state"):
        if opt in ("ctstate", "state"):
            states = set((value or "").upper().split(","))
            have = {"NEW"}
            if packet.dnat is not None:
                have.add("DNAT")
            return bool(states & have)
        if opt == "ctstatus":
            return bool(set((value or "").upper().split(",")) & ({"DNAT"} if packet.dnat else set()))
        if opt == "ctdir":
            return (value or "").upper() == "ORIGINAL"
        if opt == "ctproto":
            return (value or "").lower() == packet.proto
        if opt == "ctorigdst":
            addr = packet.dnat[0] if packet.dnat else packet.daddr
            try:
                return addr in ipaddress.ip_network(value, strict=False)
            except ValueError:
                return None
        return None
    if module == "comment":
        return True
    if module in ("limit", "hashlimit"):
        return True
    if module == "set":
        if opt != "match-set" or not match.values:
            return None
        entries = net.ipsets.get(match.values[0]) if net else None
        if entries is None:
            return None
        direction = (match.values[1] if len(match.values) > 1 else "src").split(",")[0]
        return _ipset_contains(entries, packet.saddr if direction == "src" else packet.daddr)
    if module == "addrtype":
        if opt == "dst-type":
            if net is None or not net.interfaces:
                return None
            kind = "LOCAL" if net.is_local(packet.daddr) else "UNICAST"
            return kind in (value or "").upper().split(",")
        if opt == "src-type":
            return "UNICAST" in (value or "").upper().split(",")
        if opt == "limit-iface-in":
            return True
        return None
    if module in ("mark", "connmark"):
        if opt == "mark":
            return _mark_matches(value, packet.mark if module == "mark" else packet.ct_mark)
        return None
    if module == "iprange":
        addr = packet.saddr if opt == "src-range" else packet.daddr if opt == "dst-range" else None
        if addr is None:
            return None
        try:
            low, high = (value or "").split("-", 1)
            return ipaddress.ip_address(low) <= addr <= ipaddress.ip_address(high)
        except ValueError:
            return None
    if module == "pkttype":
        return (value or "").lower() == "unicast"
    if module in ("icmp", "icmp6"):
        return False
    if module == "physdev":
        return False
    return None


def _mark_matches(value, mark):
    """iptables `--mark VALUE[/MASK]` against a packet or connection mark (None when the
    value cannot be read)."""
    raw, _, mask = (value or "").partition("/")
    try:
        want = int(raw, 0)
        msk = int(mask, 0) if mask else 0xFFFFFFFF
    except ValueError:
        return None
    return (mark & msk) == want
