"""The firewall and reachability model behind `gotriage port` and the firewall layer.

- netfilter/: packet-level truth -- a new connection walked through the live nft and
  iptables (legacy and -nft) rulesets in the kernel's hook and priority order (nft.py,
  iptables.py, what both share in base.py, the order in ruleset.py);
- firewalld.py: the firewalld model -- which zone handles a client and which rule of it
  decides, in firewalld's real order, for the permanent and the runtime configuration;
- analysis.py: listeners, clients and one verdict per client (packets first, the model
  to explain, a disagreement reported);
- goexe.py: is a process's executable a Go program (its .go.buildinfo);
- command.py: the `gotriage port` command.
"""
