"""Facts about firewalls and what a Go client sees, each with its source.

Measured facts are marked "test bed": firewalld 1.3.3 (Debian 12 package) with nft 1.0.6
and iptables 1.8.9, real TCP connects between network namespaces (tests/data/firewall,
tests/test_firewall_live.py).
"""

# -- what a client's connect() returns ----------------------------------------------------
# Linux answers an ICMP error to a SYN_SENT socket by failing connect() with the errno of
# icmp_err_convert[] (net/ipv4/icmp.c) / icmpv6_err_convert() (net/ipv6/icmp.c); TCP reports
# it at once in SYN_SENT (tcp_v4_err / tcp_v6_err), fatal or not.
ICMP4_ERRNO = {
    "net-unreachable": "ENETUNREACH", "host-unreachable": "EHOSTUNREACH",
    "prot-unreachable": "ENOPROTOOPT", "port-unreachable": "ECONNREFUSED",
    "net-prohibited": "ENETUNREACH", "host-prohibited": "EHOSTUNREACH",
    "admin-prohibited": "EHOSTUNREACH",  # ICMP_PKT_FILTERED (13)
}
ICMP6_ERRNO = {
    "no-route": "ENETUNREACH",  # test bed: reject type="icmp6-no-route" -> ENETUNREACH
    "admin-prohibited": "EACCES", "addr-unreachable": "EHOSTUNREACH",
    "port-unreachable": "ECONNREFUSED", "policy-fail": "EACCES", "reject-route": "EACCES",
}
# nft's icmpx codes become ICMP or ICMPv6 by the packet's family (nft(8) "REJECT STATEMENT";
# net/netfilter/nft_reject.c nft_reject_icmp_code / nft_reject_icmpv6_code).
ICMPX = {
    "port-unreachable": ("port-unreachable", "port-unreachable"),
    "admin-prohibited": ("admin-prohibited", "admin-prohibited"),
    "no-route": ("net-unreachable", "no-route"),
    "host-unreachable": ("host-unreachable", "addr-unreachable"),
}

# Go's net package wraps the errno: `dial tcp 10.0.0.5:8080: connect: connection refused`
# (syscall.Errno strings from the C library's strerror, lower-case: go/src/syscall/zerrors_linux_*.go).
ERRNO_TEXT = {
    "ECONNREFUSED": "connection refused",
    "EHOSTUNREACH": "no route to host",
    "ENETUNREACH": "network is unreachable",
    "EACCES": "permission denied",
    "ENOPROTOOPT": "protocol not available",
}
# The outcome class for each errno, as the issue names them.
ERRNO_VERDICT = {
    "ECONNREFUSED": "refused", "EHOSTUNREACH": "unreachable", "ENETUNREACH": "unreachable",
    "EACCES": "unreachable", "ENOPROTOOPT": "unreachable",
}
# A dropped SYN: the client retransmits until its own timeout (Go's net.Dialer.Timeout or
# the context's deadline); without one, Linux gives up after net.ipv4.tcp_syn_retries (6:
# about 127 s) with ETIMEDOUT.
GO_TIMEOUT = "dial tcp %s: i/o timeout"
GO_TIMEOUT_NO_DEADLINE = "dial tcp %s: connect: connection timed out"


def reject_errno(reject, family):
    """The errno a TCP client's connect() gets for a netfilter reject (a Reject record)."""
    if reject is None:
        return "ECONNREFUSED"
    if reject.kind == "tcp-reset":
        return "ECONNREFUSED"
    code = reject.code or "port-unreachable"
    if reject.kind == "icmpx":
        code = ICMPX.get(code, (code, code))[0 if family == "ipv4" else 1]
    elif reject.kind == "icmp" and family == "ipv6":
        family = "ipv4"  # an ip-family reject never sees IPv6 packets
    table = ICMP4_ERRNO if family == "ipv4" else ICMP6_ERRNO
    return table.get(code, "EHOSTUNREACH")


def go_dial_error(proto, address, port, errno=None, family="ipv4"):
    """What a Go client prints, e.g. `dial tcp 10.0.0.5:8080: connect: connection refused`."""
    host = "[%s]" % address if family == "ipv6" or ":" in str(address) else str(address)
    target = "%s:%s" % (host, port)
    if errno is None:
        return GO_TIMEOUT % target if proto == "tcp" else \
            "read udp ->%s: i/o timeout (no answer: the datagram was dropped)" % target
    if proto == "udp":
        return "read udp ->%s: %s" % (target, ERRNO_TEXT.get(errno, errno.lower()))
    return "dial tcp %s: connect: %s" % (target, ERRNO_TEXT.get(errno, errno.lower()))


# -- firewalld ------------------------------------------------------------------------------
FIREWALLD = {
    # Zone dispatch: source bindings are tried before interface bindings, and the default zone
    # takes what neither matched (firewalld.zones(5) "How to set or change a zone for a
    # connection"; the INPUT_ZONES chains firewalld generates, test bed cases F, G and H).
    "zone_order": "source bindings, then interface bindings, then the default zone",
    # Inside a zone, 1.x: policies of priority < 0, then the zone's _pre (rich rules with
    # priority < 0), _log, _deny, _allow (services, ports, protocols, rich accepts), _post
    # (priority > 0), policies of priority > 0, then the target (firewall/core/nftables.py
    # build_zone_chain_rules / _rich_rule_chain_suffix; test bed cases E and E3).
    "chain_order": ("pre", "log", "deny", "allow", "post"),
    # Rich rule priorities: firewalld 0.7.0 ("Rich Rule Priorities", firewalld.org blog).
    "rich_priority_since": (0, 7, 0),
    # Policy objects: firewalld 0.9.0 (firewalld.org blog "firewalld 0.9.0 release").
    "policies_since": (0, 9, 0),
    # AllowZoneDrifting: added in 0.8 (default "no" from v0.8.2's firewalld.conf; RHEL 8
    # ships "yes"), removed in 1.0 (firewalld 1.0.0 NEWS: "zone drifting removed").
    "drifting_options": ((0, 8, 0), (1, 0, 0)),
    # firewalld 1.0.0 release notes: "Default target is now similar to reject".
    # Before 1.0, a zone whose target is "default" did not reject itself: INPUT ended with
    # `REJECT --reject-with icmp-host-prohibited` (iptables) / `reject with icmpx type
    # admin-prohibited` (nftables), so clients saw "no route to host" (upstream
    # iptables-dumps/fedora27, test bed).
    "zone_reject_since": (1, 0, 0),
}

# What firewalld's zone target does to a TCP connection that no rule accepted, by backend,
# measured on the test bed (expected.json of A_port_open, I_target_*, T_default_zone_trusted).
ZONE_TARGET_REJECT = {
    # firewalld 1.x nftables: `reject with icmpx admin-prohibited`
    "nftables": {"ipv4": "EHOSTUNREACH", "ipv6": "EACCES"},
    # firewalld 1.x iptables: `-j REJECT --reject-with icmp-port-unreachable` in IN_<zone>
    "iptables": {"ipv4": "ECONNREFUSED", "ipv6": "ECONNREFUSED"},
    # firewalld < 1.0 (both backends): INPUT's final host-prohibited / admin-prohibited
    "legacy": {"ipv4": "EHOSTUNREACH", "ipv6": "EACCES"},
}

# firewalld's own chain names, to say which zone/policy a packet-level rule belongs to.
# nftables backend: filter_IN_<zone>[_pre|_log|_deny|_allow|_post], filter_IN_policy_<name>;
# iptables backend: IN_<zone>[...], IN_<policy> (firewalld 1.x), INPUT_direct for direct rules.
NFT_ZONE_CHAIN = "filter_IN_"
IPT_ZONE_CHAIN = "IN_"

# Where the configuration lives (firewalld.conf(5), firewalld.zone(5)): files in
# /etc/firewalld override the same-named ones in /usr/lib/firewalld (EL7 also reads
# /usr/lib/firewalld; some builds use /usr/share/firewalld: not RHEL).
CONFIG_DIRS = ("/usr/lib/firewalld", "/etc/firewalld")

# The .go.buildinfo section starts with this magic (go/src/debug/buildinfo/buildinfo.go):
# every Go binary since Go 1.13 has it, and it sits near the start of the data segment.
GO_BUILDINFO_MAGIC = b"\xff Go buildinf:"
GO_SCAN_BYTES = 32 * 1024 * 1024
