"""A built-in chain of an iptables-save dump (legacy or -nft): its rules walked for a
packet, with the matches (addresses, ports, multiport, conntrack, set, addrtype,
mark, rpfilter...) and targets (REJECT and its answer, MARK, DNAT) it understands."""

import ipaddress

from gotriage.firewall.netfilter.base import _PROTO_NUM, Hit, Reject, _BaseChain, _Walk


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
            return packet.oif is not None and _iface_match(value or "", packet.oif)
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
