"""Every base chain the host runs, nft and iptables alike, walked in the kernel's hook
and priority order: the Ruleset a packet is evaluated against."""

from gotriage.firewall.netfilter.base import HostNet, Outcome
from gotriage.firewall.netfilter.iptables import IptBaseChain
from gotriage.firewall.netfilter.nft import NftBaseChain

# Kernel hook priorities (include/uapi/linux/netfilter_ipv4.h enum nf_ip_hook_priorities;
# nft(8) "CHAINS": raw -300, mangle -150, dstnat -100, filter 0, security 50, srcnat 100).
IPT_TABLE_PRIORITY = {"raw": -300, "mangle": -150, "nat": -100, "filter": 0, "security": 50}
IPT_NAT_INPUT_PRIORITY = 100
HOOKS = ("ingress", "prerouting", "input")
# A connection DNATed to an address that is not the host's (a container behind docker0,
# a forward port) goes on through the forward hook instead of input.
LOADED_HOOKS = HOOKS + ("forward",)
IPT_HOOK_CHAINS = {"PREROUTING": "prerouting", "INPUT": "input", "FORWARD": "forward"}
TERMINAL = ("drop", "reject", "queue")


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
                if chain.is_base and chain.hook in LOADED_HOOKS:
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
                return self._forward(packet, outcome)
            if self._hook(hook, packet, outcome):
                return outcome
        return outcome

    def _hook(self, hook, packet, outcome):
        """Walk the base chains of `hook`: True when one of them ended the packet."""
        chains = sorted((c for c in self.chains if c.hook == hook and c.applies(packet)),
                        key=lambda c: (c.prio, c.order))
        for chain in chains:
            result = chain.run(packet, outcome)
            if result.verdict in TERMINAL:
                outcome.verdict = result.verdict
                outcome.hit = result
                return True
            if result.verdict == "accept":
                outcome.accepts.append(result)
        return False

    def _forward(self, packet, outcome):
        """A packet for an address that is not the host's: routed on.  After a DNAT (a
        published container port, a forward port) the forward hook decides -- its chains
        (iptables' FORWARD, firewalld's filter_FORWARD) must all pass it; the interface it
        leaves by is the route to the new address."""
        outcome.verdict = "forward"
        oif = self.net.route_iface(packet.daddr) if packet.dnat is not None else None
        if oif is None:
            outcome.notes.append("%s is not an address of this host: the packet is routed "
                                 "on, not delivered" % packet.daddr)
            return outcome
        packet.oif = oif
        if not self._hook("forward", packet, outcome):
            outcome.forward = oif
        return outcome
