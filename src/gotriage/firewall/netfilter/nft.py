"""A base chain of the nft ruleset (`nft -j list ruleset`): its rules walked for a
packet (jumps, verdict maps, marks, DNAT), the value of each expression for that packet,
and matching against literals, prefixes, ranges and sets."""

import ipaddress

from gotriage.firewall.netfilter.base import _PROTO_NUM, Hit, Reject, _BaseChain, _Walk
from gotriage.firewall.netfilter.nft_text import nft_expr_text, nft_rule_text

UNKNOWN = object()  # a value this evaluator cannot know
# What reading a rule whose JSON has another shape than nft's raises (a string where a
# map belongs, a list too short, an operand of the wrong type): that rule is skipped.
_MALFORMED = (AttributeError, TypeError, KeyError, IndexError, ValueError)


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
        return packet.oif  # None for input traffic: it is not routed out
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
