"""The exact fix of a blocked FW-PORT verdict (checks/firewall.py): the firewall-cmd
--permanent command for the zone or policy that applies (and --reload), the rich or
direct rule to remove, a rule of another program to delete where it is loaded from,
or the listen address to change; never `systemctl stop firewalld`."""

from gotriage.findings import Action
from gotriage.firewall.docker import container_fixes
from gotriage.i18n import _

# How a Go server listens on every address: what a fix for a loopback-only one says.
GO_LISTEN = 'net.Listen("tcp", ":%d")  /  http.ListenAndServe(":%d", handler)'


def _firewalld_owned(hit):
    if hit is None:
        return False
    if hit.source == "nft":
        return hit.table == "inet firewalld"
    if hit.source in ("iptables-nft", "iptables-legacy", "iptables"):
        return any(c.startswith(("IN_", "INPUT_ZONES", "INPUT_POLICIES")) for c in hit.trail) or \
            (hit.chain == "INPUT" and "REJECT --reject-with icmp-host-prohibited" in hit.text)
    return False


def _zone_fix(cfg_zone, v, owner_kind="zone", owner=None):
    name = owner or cfg_zone
    flag = "--policy=%s" % name if owner_kind == "policy" else "--zone=%s" % name
    return [Action.command(["firewall-cmd", "--permanent", flag, "--add-port=%d/%s" % (v.delivered_port, v.proto)],
                           description=(_("open %(port)d/%(proto)s in the policy that handles "
                                          "%(client)s") if owner_kind == "policy" else
                                        _("open %(port)d/%(proto)s in the zone that handles "
                                          "%(client)s")) % {
                                            "port": v.delivered_port, "proto": v.proto,
                                            "client": v.saddr}),
            Action.command(["firewall-cmd", "--reload"],
                           description=_("apply the permanent configuration"))]


def _direct_fix(rule):
    import shlex

    return [Action.command(["firewall-cmd", "--permanent", "--direct", "--remove-rule", rule.ipv, rule.table,
                            rule.chain, str(rule.priority)] + shlex.split(rule.args),
                           description=_("the direct rule that blocks")),
            Action.command(["firewall-cmd", "--reload"])]


def fixes_for(facts, v):
    """The exact fix for a blocked verdict (never `systemctl stop firewalld`)."""
    if v.outcome == "open":
        return []
    docker = container_fixes(facts, v) if v.model is not None else None
    if docker:
        return docker
    if v.decider == "listener":
        if v.outcome == "refused":
            if any(s for s in facts.sockets if s.proto == v.proto and s.port == v.delivered_port):
                return [Action.note(_('make the server listen on ":%(port)d" (all addresses): '
                                      '%(code)s') % {
                    "port": v.delivered_port,
                    "code": GO_LISTEN % (v.delivered_port, v.delivered_port)})]
            return [Action.note(_("start the service on %(port)d/%(proto)s (nothing listens: "
                                  "%(command)s)") % {
                "port": v.delivered_port, "proto": v.proto, "command": "ss -l%snp" % v.proto[0]})]
        return []
    hit = v.packet.hit if v.packet is not None else None
    m = v.model
    in_runtime_only = False
    agreed_direct = m is not None and m.by == "direct rule" and not v.disagreement
    if _firewalld_owned(hit) or (hit is None and m is not None) or agreed_direct:
        if m is None:
            return [Action.note(_("open the port in the zone that applies, then `firewall-cmd "
                                  "--reload`"))]
        if m.by == "rich rule" and m.rule is not None:
            kind, name = m.owner
            flag = "--policy=%s" % name if kind == "policy" else "--zone=%s" % name
            perm = facts.permanent
            perm_obj = (perm.policies if kind == "policy" else perm.zones).get(name) if perm is not None else None
            in_perm = perm_obj is not None and any(str(r) == str(m.rule) for r in perm_obj.rules)
            in_runtime_only = facts.runtime is not None and not in_perm
            if in_runtime_only:
                return [Action.command(["firewall-cmd", flag, "--remove-rich-rule=%s" % m.rule],
                                       description=_("a runtime-only rule: gone at the next reload "
                                                     "anyway"))]
            return [Action.command(["firewall-cmd", "--permanent", flag, "--remove-rich-rule=%s" % m.rule],
                                   description=(_("the rule that drops %(client)s")
                                                if m.verdict == "drop" else
                                                _("the rule that rejects %(client)s")
                                                if m.verdict == "reject" else
                                                "the rule that %ss %%(client)s" % m.verdict) % {
                                                    "client": v.saddr}),
                    Action.command(["firewall-cmd", "--reload"]),
                    Action.note(_("or, to keep it for others, add before it a rule for this client: "
                                  "%(command)s") % {"command": (
                                      "firewall-cmd --permanent %s --add-rich-rule='rule "
                                      "priority=\"-1\" family=\"%s\" source address=\"%s\" port "
                                      "port=\"%d\" protocol=\"%s\" accept'" % (
                                          flag, v.family, v.saddr, v.delivered_port, v.proto))})]
        if m.by == "direct rule" and m.direct is not None:
            return _direct_fix(m.direct)
        if m.by == "target" and m.owner and m.owner[0] == "policy":
            return _zone_fix(m.zone, v, "policy", m.owner[1])
        refused = [path for path, _error in (facts.permanent.errors if facts.permanent is not None else [])
                   if path.endswith("/zones/%s.xml" % m.zone)]
        if refused:
            return [Action.note(_("firewalld refused %(path)s (see FW-CONFIG above) and runs the "
                                  "stock zone instead: correct that file, then `firewall-cmd "
                                  "--reload`") % {"path": refused[0]})]
        return _zone_fix(m.zone, v)
    # a rule firewalld does not own
    if hit is None:
        return []
    if hit.source == "nft":
        family, _space, table = hit.table.partition(" ")
        handle = v.packet.hit.handle
        actions = []
        if handle is not None:
            actions.append(Action.command(["nft", "delete", "rule", family, table, hit.chain, "handle", str(handle)],
                                          description=_("the rule that blocks (table %(table)s is not "
                                                        "firewalld's)") % {"table": hit.table}))
        actions.append(Action.note(_("and remove it where it is loaded from (/etc/nftables.conf, "
                                     "/etc/sysconfig/nftables.conf, a container runtime...), or it "
                                     "comes back")))
        return actions
    if hit.source.startswith("iptables"):
        tool = "iptables" if v.family == "ipv4" else "ip6tables"
        if hit.source == "iptables-legacy":
            tool += "-legacy"
        args = hit.text.split()
        if args and args[0] in ("-A", "--append"):
            args = ["-D"] + args[1:]
        return [Action.command([tool, "-t", hit.table] + args, description=_(
                    "the %(source)s rule that blocks") % {"source": hit.source}),
                Action.note(_("and remove it where it is loaded from (/etc/sysconfig/iptables, a "
                              "script, a container runtime), or it comes back"))]
    return []
