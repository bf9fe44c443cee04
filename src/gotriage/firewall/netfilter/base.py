"""What the nft and iptables evaluators share: the first packet of a new connection,
what the host knows of its network, the rule that decided (Hit, with a Reject's
answer), the Outcome, and the walk through one base chain's rules and jumps."""

import ipaddress


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
        self.oif = None  # the interface a forwarded packet leaves by (None: delivered here)
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
    rejected (with how), queued to userspace, or forwarded elsewhere by a DNAT: then
    `forward` is the interface it leaves by, when the forward hook was walked."""

    def __init__(self, verdict, hit=None):
        self.verdict = verdict
        self.hit = hit
        self.accepts = []  # the accept of each base chain the packet went through
        self.notes = []
        self.malformed = 0  # rules skipped for an expression of a shape nft never prints
        self.dnat = None
        self.packet = None
        self.forward = None  # the output interface of a DNATed packet the forward hook passed

    @property
    def reject(self):
        return self.hit.reject if self.hit else None


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


class _Walk(object):
    """State of one walk through a base chain's jumps."""

    def __init__(self, outcome, base):
        self.outcome = outcome
        self.trail = []
        self.base = base
        self.depth = 0


# IP protocol numbers (/etc/protocols): a match may name a protocol either way
# (`meta l4proto 6`, `-p tcp`).
_PROTO_NUM = {"tcp": 6, "udp": 17, "icmp": 1, "ipv6-icmp": 58, "icmpv6": 58, "sctp": 132, "dccp": 33}
