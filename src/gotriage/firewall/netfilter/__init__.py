"""Packet-level truth: what netfilter does with the first packet of a new connection.

The packet (from ADDR, arriving on IF, to a local address and PORT) is walked through
every base chain that sees it, in the kernel's order: the netdev ingress hook, then
prerouting, then input for a local destination, or forward for one a DNAT made another
host's (a container's published port); inside a hook by chain priority
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

By concern: base.py (the packet, the host's network, a Hit, a Reject, the Outcome, the
walk through a chain, shared by both evaluators), nft.py (nft's base chains, expressions
and matching) with nft_text.py (a rule in nft's syntax), iptables.py (iptables-save's
chains, matches and targets) and ruleset.py (every base chain in the kernel's order).
The names below are the package's interface.
"""

from gotriage.firewall.netfilter.base import Hit, HostNet, Outcome, Packet, Reject
from gotriage.firewall.netfilter.iptables import IptBaseChain, _ipt_reject, ipt_match
from gotriage.firewall.netfilter.nft import UNKNOWN, NftBaseChain, nft_match, nft_value
from gotriage.firewall.netfilter.nft_text import nft_expr_text, nft_rule_text
from gotriage.firewall.netfilter.ruleset import (
           HOOKS,
           IPT_HOOK_CHAINS,
           IPT_NAT_INPUT_PRIORITY,
           IPT_TABLE_PRIORITY,
           LOADED_HOOKS,
           TERMINAL,
           Ruleset,
)

# _ipt_reject: firewalld.py answers a direct rule's REJECT with it
__all__ = ["Hit", "HostNet", "Outcome", "Packet", "Reject", "IptBaseChain", "ipt_match",
           "_ipt_reject", "UNKNOWN", "NftBaseChain", "nft_match", "nft_value", "nft_expr_text",
           "nft_rule_text", "HOOKS", "LOADED_HOOKS", "IPT_HOOK_CHAINS", "IPT_NAT_INPUT_PRIORITY",
           "IPT_TABLE_PRIORITY", "TERMINAL", "Ruleset"]
