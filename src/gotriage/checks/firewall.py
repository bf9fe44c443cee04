"""The firewall layer: for the ports Go services listen on, who can connect and why.

Three checks: the firewall configuration can be read (FW-CONFIG), Go services listen
where clients can reach them (FW-LISTEN), and clients get through the firewall (FW-PORT).
`gotriage port PORT` runs the same reasoning for one port and the clients asked for
(`port_findings`).  The verdicts come from gotriage.firewall.analysis: the live ruleset
decides (packet-level truth), the firewalld model explains, and when they disagree the
finding says so and trusts the packets.
"""

from gotriage.checks import check
from gotriage.checks.firewall_fixes import GO_LISTEN as _GO_LISTEN
from gotriage.checks.firewall_fixes import fixes_for
from gotriage.checks.unanswered import answered_title, hung_doc, hung_findings
from gotriage.findings import Action, Evidence, Finding
from gotriage.firewall.docker import docker_notes
from gotriage.i18n import N_, _, ngettext
from gotriage.knowledge.firewall import ERRNO_TEXT

LAYER = "firewall"


def _f(id, severity, title, **kw):
    return Finding(id, severity, title, layer=LAYER, **kw)


def _version_text(cfg):
    if cfg is None or cfg.version is None:
        return "firewalld"
    if (cfg.version_source or "").startswith("guessed"):
        return "firewalld %d.x" % cfg.version[0] if cfg.version[0] else "firewalld 0.x"
    return "firewalld %s" % ".".join(str(x) for x in cfg.version)


# ---------------------------------------------------------------------------------------
@check("FW-CONFIG", LAYER, "the firewall configuration can be read", findings={
    "FW-CONFIG-XML": (
        "A firewalld zone, service, policy, ipset or direct file is not valid XML, not what "
        "its directory says, or holds a port firewalld refuses (INVALID_PORT): firewalld "
        "skips it, so its ports are not opened -- and "
        "`firewall-cmd --reload` reports an error.",
        "the file and the XML parser's message",
        "correct the file (`firewall-offline-cmd --check-config` names the error), then "
        "`firewall-cmd --reload`."),
    "FW-CONFIG-RICH": (
        "A rich rule firewalld refuses (unknown element, missing family, bad limit...): "
        "firewalld does not load the file that holds it -- for a zone in /etc/firewalld it "
        "falls back to the stock /usr/lib/firewalld zone, so every port opened there is closed.",
        "the file or runtime listing and firewalld's error code (INVALID_RULE, MISSING_FAMILY...)",
        "rewrite the rule as firewalld.richlanguage(5) says, then `firewall-cmd --reload`."),
    "FW-CONFIG-NFT": (
        "The nftables ruleset could not be read as JSON, or comes from a newer nft (schema) "
        "with expressions gotriage does not know: verdicts that depend on them are marked "
        "unsure.",
        "`nft -j list ruleset` and its error or schema version",
        "nothing to fix on the host; the verdicts name the rules they could not evaluate."),
    "FW-CONFIG-DRIFT": (
        "AllowZoneDrifting=yes (firewalld 0.8/0.9, as RHEL 8 shipped it): a client of a "
        "source-bound zone that the zone does not accept falls through to the interface or "
        "default zone, which may open what the source zone closes.",
        "firewalld.conf line",
        "set AllowZoneDrifting=no in /etc/firewalld/firewalld.conf and `firewall-cmd --reload` "
        "(firewalld 1.0 removed drifting altogether)."),
    "FW-CONFIG-DEFAULT-ZONE": (
        "DefaultZone in firewalld.conf names a zone that does not exist: firewalld falls "
        "back to public (and logs an error).",
        "firewalld.conf line and the zones found",
        "`firewall-cmd --set-default-zone=ZONE` with an existing zone."),
})
def config(facts):
    """firewalld's version, backend and state; XML files and rich rules it would refuse;
    an nft ruleset that cannot be read (a command that hangs: FW-INPUT)."""
    return config_findings(facts, whole_ruleset=True)


def config_findings(facts, whole_ruleset=False):
    """FW-CONFIG's findings; `whole_ruleset` reads every family's dumps (what `collect`
    must record), `gotriage port` reads only the families its clients need."""
    results = []
    facts.config  # noqa: B018  (read the configuration first: its broken files are problems too)
    for p in facts.problems:
        if p.kind == "xml":
            results.append(_f("FW-CONFIG-XML", "error", _("firewalld skips %(path)s: %(error)s") % {
                "path": p.where, "error": p.message.split(": ", 1)[-1]}, subject=p.where,
                              evidence=[Evidence.file(p.where, p.message)],
                              why=_("firewalld skips a file it cannot parse: what it should open "
                                    "stays closed."),
                              fix=[Action.note(_("correct the file; `firewall-offline-cmd "
                                                 "--check-config` names the error")),
                                   Action.command(["firewall-cmd", "--reload"])]))
        elif p.kind == "rich-rule":
            results.append(_f("FW-CONFIG-RICH", "error", _(
                "firewalld refuses a rich rule in %(path)s: %(error)s") % {
                    "path": p.where, "error": p.message.split(": ", 1)[0]},
                              subject="%s:%s" % (p.where, p.message), evidence=[Evidence.file(p.where, p.message)],
                              why=_("firewalld refuses the whole file (PARSE_ERROR in its log) and "
                                    "uses the stock zone of /usr/lib/firewalld instead, if there is "
                                    "one."),
                              fix=[Action.note(_("rewrite it as firewalld.richlanguage(5) describes, "
                                                 "then `firewall-cmd --reload`"))]))
        elif p.kind in ("nft-json", "nft-newer"):
            results.append(_f("FW-CONFIG-NFT", "warn" if p.kind == "nft-json" else "info",
                              _("nftables ruleset: %(problem)s") % {"problem": p.message},
                              subject=p.kind,
                              evidence=[Evidence.command(p.evidence)] if p.evidence is not None else
                              [Evidence.fact(p.message)],
                              why=_("Packet-level verdicts need the live ruleset."),
                              fix=[Action.note(_("nothing to change on the host"))]))
        elif p.kind == "missing-zone":
            results.append(_f("FW-CONFIG-DEFAULT-ZONE", "error", p.message, subject=p.where,
                              evidence=[Evidence.file(p.where, p.message)],
                              why=_("firewalld cannot use a default zone that does not exist."),
                              fix=[Action.command(["firewall-cmd", "--set-default-zone=public"])]))
    cfg = facts.config
    if cfg is not None and cfg.conf is not None and cfg.drifting and not cfg.modern:
        results.append(_f(
            "FW-CONFIG-DRIFT", "warn", _("AllowZoneDrifting=yes: clients of source zones fall through"),
            subject="drifting", evidence=[Evidence.file(cfg.conf.path, cfg.conf.evidence_line("AllowZoneDrifting"),
                                                        cfg.conf.lines.get("AllowZoneDrifting"))],
            why=_("A packet that its source zone does not accept goes on to the interface or "
                  "default zone, which may accept it."),
            fix=[Action.edit(cfg.conf.path, "AllowZoneDrifting=no", old=cfg.conf.evidence_line("AllowZoneDrifting"),
                             syntax="plain"),
                 Action.command(["firewall-cmd", "--reload"])]))
    if not results:
        results.append(_f("FW-CONFIG", "ok", _state_text(facts, whole_ruleset)))
    return results


def _state_text(facts, whole_ruleset=True):
    if whole_ruleset:
        facts.prefetch()
    cfg = facts.config
    parts = []
    if cfg is None:
        parts.append(_("firewalld is not installed"))
    else:
        state = {True: _("running"), False: _("not running"), None: _("state unknown")}[facts.running]
        guessed = (cfg.version_source or "").startswith("guessed")
        parts.append(_("%(firewalld)s (%(backend)s backend%(version)s) %(state)s, default zone "
                       "%(zone)s") % {
            "firewalld": _version_text(cfg), "backend": cfg.backend,
            "version": _("; version %(how)s") % {"how": cfg.version_source} if guessed else "",
            "state": state, "zone": cfg.default_zone})
    ruleset = facts.ruleset
    if ruleset is not None:
        if whole_ruleset:
            ruleset.load_all()  # every family's dumps: what `collect` records for `port --root`
        parts.append(_("live ruleset read from %(sources)s") % {
            "sources": ", ".join(sorted(set(ruleset.sources)))})
    else:
        parts.append(_("live ruleset not readable"))
    return "; ".join(parts)


# ---------------------------------------------------------------------------------------


@check("FW-LISTEN", LAYER, "Go services listen where clients can reach them", findings={
    "FW-LISTEN-LOOPBACK": (
        "The server is bound to 127.0.0.1 or ::1 only: other hosts get `connection refused` "
        "whatever the firewall says (when the firewall lets them through at all).",
        "the socket from /proc/net/tcp (or ss) and its process",
        "listen on \":PORT\" (all addresses) instead of \"127.0.0.1:PORT\" -- in Go, "
        "`net.Listen(\"tcp\", \":8080\")` -- or put a reverse proxy in front on purpose."),
    "FW-LISTEN-V6ONLY": (
        "The server listens on IPv6 only: `[::]:PORT` with IPV6_V6ONLY, set by the program (Go's "
        "`net.Listen(\"tcp6\", ...)`) or, for a program that does not set it, by the host's "
        "default net.ipv6.bindv6only=1 (Go always sets it: its \"tcp\" listeners stay "
        "dual-stack).  IPv4 clients get `connection refused`.",
        "ss (`[::]:PORT` is IPv6-only, `*:PORT` dual-stack, -e's v6only:), "
        "/proc/sys/net/ipv6/bindv6only (what a socket /proc/net shows without its flag got), "
        "and the process",
        "a Go program: listen with network \"tcp\", not \"tcp6\" (`net.Listen(\"tcp\", "
        "\":PORT\")` is dual-stack); another: listen on 0.0.0.0 too or turn off its IPv6-only "
        "setting, or net.ipv6.bindv6only=0 for the whole host."),
    "FW-LISTEN-V4ONLY": (
        "The server listens on IPv4 only (`net.Listen(\"tcp4\", ...)` or \"0.0.0.0:PORT\") while "
        "the host has global IPv6 addresses: IPv6 clients get `connection refused`.",
        "the socket and the host's IPv6 addresses",
        "listen on \":PORT\" with network \"tcp\" for both families."),
    "FW-LISTEN-NONE": (
        "Nothing listens on the port in this network namespace: every client that gets "
        "through the firewall is refused.",
        "/proc/net/tcp{,6} (or udp) and ss",
        "start the service, or check the port and address it really listens on (`ss -ltnp`)."),
    "FW-LISTEN-NETNS": (
        "The server listens on the port, but inside another network namespace (a container, "
        "a podman pod, `ip netns`): the host's own port is closed.",
        "/proc/PID/net/tcp of the process and its /proc/PID/ns/net",
        "publish the port (`podman run -p PORT:PORT`, `docker run -p`), or run the service in the "
        "host's network namespace."),
})
def listen(facts):
    """Every TCP/UDP socket owned by a Go program (found by the .go.buildinfo magic of its
    executable): bound to loopback only, IPv6-only or IPv4-only."""
    services = go_services(facts)
    if not services:
        others = len(facts.sockets)
        if others and not any(s.pid for s in facts.sockets):
            # not ✓: a Go program may own one of them (the note says why none is visible)
            return [_f("FW-LISTEN", "info", ngettext(
                "no Go program found listening: the owners of the %(n)d listening socket are not "
                "visible here",
                "no Go program found listening: the owners of the %(n)d listening sockets are not "
                "visible here", others) % {"n": others},
                       evidence=[Evidence.fact(_("no /proc/PID/fd link names their inodes"))])]
        return [_f("FW-LISTEN", "ok", _("no Go program listens on a port here"),
                   evidence=[Evidence.fact(ngettext(
                       "%(n)d listening socket, none owned by a Go binary",
                       "%(n)d listening sockets, none owned by a Go binary", others) % {"n": others})])]
    results = []
    for (proto, port), sockets in sorted(services.items()):
        results.extend(listener_findings(facts, proto, port, sockets, severity="info"))
    return results


def go_services(facts):
    """{(proto, port): [sockets]} of the sockets Go programs own."""
    def compute():
        sockets = facts.attach_owners(list(facts.sockets))
        services = {}
        for sock in sockets:
            if sock.pid is None:
                continue
            version = facts.go_version_of(sock.pid)
            if version is None:
                continue
            sock.go = version
            services.setdefault((sock.proto, sock.port), []).append(sock)
        if sockets and not any(s.pid for s in sockets):
            if facts.as_root:
                # root reads every fd in /proc: what it does not see is outside this /proc
                facts.note(_("no process owns a listening socket as far as /proc/*/fd shows, "
                             "read as root: their owners run in another PID namespace (a "
                             "container, or the host outside this one) or the kernel holds them "
                             "(nfsd, lockd): which Go programs listen is unknown"))
            else:
                facts.note(_("no process owns a listening socket as far as /proc/*/fd shows: run "
                             "as root to see other users' processes"))
        return services
    return facts.memo("go_services", compute)


def _who(sock):
    parts = []
    if sock.pid:
        parts.append("pid %d" % sock.pid)
    if sock.process:
        parts.append(sock.process)
    go = getattr(sock, "go", None)
    if go:
        parts.append(go)
    return " (%s)" % ", ".join(parts) if parts else ""


_V6ONLY_FROM = {"sysctl": N_("IPV6_V6ONLY from net.ipv6.bindv6only: its own flag is not in /proc/net"),
                "go": N_("Go sets IPV6_V6ONLY itself: taken as its \"tcp\" network, dual-stack")}


def _sock_evidence(sock):
    how = _V6ONLY_FROM.get(getattr(sock, "v6only_from", None))
    return Evidence.fact("%s %s%s [%s%s]" % (sock.proto, sock.display(), _who(sock), sock.source or "/proc/net",
                                             "; " + _(how) if how else ""))


def _v6only_finding(facts, proto, port, v6_public, severity, evidence):
    """FW-LISTEN-V6ONLY: the flag set by the program (Go's "tcp6"), or the host's default
    (net.ipv6.bindv6only=1) for a program that does not choose."""
    subject = "%s/%d" % (proto, port)
    listen = _GO_LISTEN % (port, port)
    go = [s for s in v6_public if getattr(s, "go", None) or s.v6only_from == "go"]
    sysctl = facts.bindv6only
    shown = ", ".join(s.display() for s in v6_public)
    if sysctl == 1 and not go:
        evidence = evidence + [Evidence.file("/proc/sys/net/ipv6/bindv6only", "1")]
        why = (_("net.ipv6.bindv6only=1 makes every IPv6 socket that does not set IPV6_V6ONLY "
                 "itself IPv6-only: this [::] listener takes no IPv4 connection.  A Go program sets "
                 "the flag itself (its \"tcp\" listeners stay dual-stack); this one is not Go.")
               if any(s.pid for s in v6_public) else
               _("net.ipv6.bindv6only=1 makes every IPv6 socket that does not set IPV6_V6ONLY "
                 "itself IPv6-only: this [::] listener takes no IPv4 connection.  A Go program sets "
                 "the flag itself (its \"tcp\" listeners stay dual-stack); this one is of an "
                 "unknown program."))
        if all(s.v6only_from == "sysctl" for s in v6_public):
            why += _("  The socket's own flag is not visible here (no ss: /proc/net does not "
                     "show it): this is the default it was given.")
        fix = [Action.note(_("make the server take IPv4 too: listen on 0.0.0.0:%(port)d as well, "
                             "or clear IPV6_V6ONLY on its socket (its own setting, e.g. nginx "
                             "`listen [::]:%(port)d ipv6only=off`)") % {"port": port}),
               Action.command(["sysctl", "-w", "net.ipv6.bindv6only=0"], safe=False,
                              description=_("or make dual-stack the default of the whole host "
                                            "again (every program that does not choose), then "
                                            "restart the server: the setting applies to sockets "
                                            "made after it")),
               Action.note(_("and where net.ipv6.bindv6only = 1 is set (grep -r bindv6only "
                             "/etc/sysctl.conf /etc/sysctl.d /usr/lib/sysctl.d), set it to 0, or "
                             "it comes back at the next boot"))]
    elif go or not any(s.pid for s in v6_public):
        why = _("An IPv6 socket with IPV6_V6ONLY (Go's \"tcp6\" network) does not take IPv4 "
                "connections; ss shows it as [::]:%(port)d, a dual-stack one as *:%(port)d.") % {
                    "port": port}
        fix = [Action.note(_('listen with network "tcp", not "tcp6": %(code)s') % {"code": listen})]
    else:
        why = _("The program set IPV6_V6ONLY on its [::] socket itself (net.ipv6.bindv6only is "
                "%(value)s): it takes no IPv4 connection; ss shows it as [::]:%(port)d, a "
                "dual-stack one as *:%(port)d.") % {
                    "value": sysctl if sysctl is not None else _("unknown"), "port": port}
        fix = [Action.note(_("make the server take IPv4 too: listen on 0.0.0.0:%(port)d as well, "
                             "or turn off its IPv6-only setting (e.g. nginx `listen [::]:%(port)d "
                             "ipv6only=off`)") % {"port": port})]
    return _f("FW-LISTEN-V6ONLY", severity, _(
        "%(port)d/%(proto)s listens on IPv6 only (%(sockets)s): IPv4 clients are refused") % {
            "port": port, "proto": proto, "sockets": shown}, subject=subject, evidence=evidence,
        why=why,
        predicted_error="dial %s %s: connect: connection refused" % (proto, _host_port(facts, port, 4)),
        fix=fix)


def _host_port(facts, port, family=None):
    """ADDRESS:PORT as a client of another host dials it: the host's first global address
    (of `family`, 4 or 6, when given), else "<host>" (the one placeholder the predicted
    errors use when the host's addresses are unknown)."""
    for iface in facts.interfaces:
        if iface.loopback:
            continue
        for address in iface.addresses:
            ip = address.ip
            if (family is None or ip.version == family) and not ip.is_link_local \
                    and not ip.is_loopback:
                return "[%s]:%d" % (ip, port) if ip.version == 6 else "%s:%d" % (ip, port)
    return "[<host>]:%d" % port if family == 6 else "<host>:%d" % port


def listener_findings(facts, proto, port, sockets, severity="error", elsewhere=()):
    """FW-LISTEN findings for one port: `severity` is for problems (error when the user
    asked about this port, info when the check looks at every Go service)."""
    subject = "%s/%d" % (proto, port)
    if not sockets:
        if elsewhere:
            ns, sock = elsewhere[0]
            return [_f("FW-LISTEN-NETNS", severity, _(
                "%(port)d/%(proto)s: the server listens in another network namespace "
                "(%(ns)s%(who)s)") % {"port": port, "proto": proto, "ns": ns, "who": _who(sock)},
                subject=subject,
                       evidence=[Evidence.fact("%s %s in %s%s" % (proto, sock.display(), ns, _who(sock)))],
                       why=_("Each network namespace has its own ports: the host's "
                             "%(port)d/%(proto)s has no listener, so clients of the host are "
                             "refused.") % {"port": port, "proto": proto},
                       predicted_error="dial %s %s: connect: connection refused" % (
                           proto, _host_port(facts, port)),
                       fix=[Action.note(_("publish the port from the namespace (podman/docker "
                                          "`-p %(port)d:%(port)d`) or run the service with the "
                                          "host's network") % {"port": port})])]
        if not facts.sockets_known:
            facts.note(_("the socket tables were not read (no `ss -ltune`, no /proc/net/%(proto)s; "
                         "a snapshot that did not record them): whether anything listens on "
                         "%(port)d/%(proto)s is unknown") % {"proto": proto, "port": port})
            return []
        return [_f("FW-LISTEN-NONE", severity, _("nothing listens on %(port)d/%(proto)s") % {
            "port": port, "proto": proto}, subject=subject,
                   evidence=[Evidence.fact(_("no %(proto)s socket on port %(port)d in /proc/net/%(proto)s{,6}") % {
                       "proto": proto, "port": port})],
                   why=_("A connection the firewall lets through finds no socket: the kernel "
                         "answers with a reset (TCP) or port unreachable (UDP)."),
                   predicted_error="dial %s %s: connect: connection refused" % (
                           proto, _host_port(facts, port)),
                   fix=[Action.note(_("start the service, or check the port it really listens "
                                      "on: %(command)s") % {"command": "ss -l%snp" % proto[0]})])]
    results = []
    evidence = [_sock_evidence(s) for s in sockets]
    v4 = [s for s in sockets if s.family == "ipv4" or (s.family == "ipv6" and s.address == "::" and s.v6only is not True)
          or s.address.startswith("::ffff:")]
    v4_public = [s for s in v4 if not s.loopback_only]
    v6 = [s for s in sockets if s.family == "ipv6" and not s.address.startswith("::ffff:")]
    v6_public = [s for s in v6 if not s.loopback_only]
    if all(s.loopback_only for s in sockets):
        addr = sockets[0].display()
        results.append(_f(
            "FW-LISTEN-LOOPBACK", severity, _(
                "%(port)d/%(proto)s listens on %(sockets)s only: other hosts are refused") % {
                    "port": port, "proto": proto,
                    "sockets": ", ".join(s.display() for s in sockets)},
            subject=subject, evidence=evidence,
            why=_("A socket bound to a loopback address takes only connections made on this host."),
            predicted_error="dial %s %s: connect: connection refused" % (
                proto, _host_port(facts, port)),
            fix=[Action.note(_('listen on ":%(port)d" instead of "%(address)s" -- in Go: %(code)s') % {
                "port": port, "address": addr, "code": _GO_LISTEN % (port, port)})]))
        return results
    if not v4_public and v6_public:
        results.append(_v6only_finding(facts, proto, port, v6_public, severity, evidence))
    elif v4_public and not v6_public and _has_global_v6(facts):
        results.append(_f(
            "FW-LISTEN-V4ONLY", "info", _(
                "%(port)d/%(proto)s listens on IPv4 only (%(sockets)s): IPv6 clients are refused") % {
                    "port": port, "proto": proto,
                    "sockets": ", ".join(s.display() for s in v4_public)},
            subject=subject, evidence=evidence,
            why=_("The host has global IPv6 addresses, but the socket takes IPv4 only (Go's "
                  "\"tcp4\" network, or an IPv4 address)."),
            predicted_error="dial %s %s: connect: connection refused" % (
                proto, _host_port(facts, port, 6)),
            fix=[Action.note(_('listen on ":%(port)d" with network "tcp" for both families') % {
                "port": port})]))
    if not results:
        results.append(_f("FW-LISTEN", "ok", "%d/%s: %s" % (port, proto, "; ".join(
            "%s%s" % (s.display(), _who(s)) for s in sockets)), subject=subject, evidence=evidence))
    return results


def _has_global_v6(facts):
    for iface in facts.interfaces:
        for a in iface.addresses:
            if a.version == 6 and not a.ip.is_link_local and not a.ip.is_loopback:
                return True
    return False


# ---------------------------------------------------------------------------------------
_OUTCOME_ID = {"refused": "FW-PORT-REFUSED", "unreachable": "FW-PORT-UNREACHABLE",
               "timeout": "FW-PORT-TIMEOUT"}


def _blocked(outcome, severity, title, **kw):
    if outcome == "refused":
        return _f("FW-PORT-REFUSED", severity, title, **kw)
    if outcome == "unreachable":
        return _f("FW-PORT-UNREACHABLE", severity, title, **kw)
    return _f("FW-PORT-TIMEOUT", severity, title, **kw)
# (translated where shown; "connection refused" is the error the client prints)
_OUTCOME_TEXT = {"open": N_("open"), "refused": "connection refused", "unreachable": N_("unreachable"),
                 "timeout": N_("dropped (the client times out)"),
                 "forwarded": N_("forwarded elsewhere"), "unknown": N_("undecided")}


def _outcome_text(outcome):
    text = _OUTCOME_TEXT.get(outcome, outcome)
    return text if outcome == "refused" else _(text)


def _where(port, proto, clients):
    """The clients of a verdict as its title names them."""
    return _("%(port)d/%(proto)s from %(clients)s") % {"port": port, "proto": proto,
                                                        "clients": clients}


def _client(v):
    return _("%(address)s via %(interface)s") % {"address": v.saddr, "interface": v.iif}


@check("FW-PORT", LAYER, "clients get through the firewall to the Go services", findings={
    "FW-PORT-REFUSED": (
        "Clients are refused: a firewall rule rejects with port-unreachable or a TCP reset, or "
        "the firewall lets them in and no socket takes the connection.",
        "the rule that decided (zone and rich rule, or table/chain/rule) and the listener",
        "the exact firewall-cmd --permanent command for the zone that applies (plus --reload), "
        "the rule to remove, or the listen address to change."),
    "FW-PORT-UNREACHABLE": (
        "Clients are rejected with an ICMP error: `no route to host` (firewalld's zone reject "
        "with the nftables backend, host-prohibited on EL7), or `permission denied` for IPv6 "
        "clients (admin-prohibited).",
        "the rule that decided and the zone that applies",
        "open the port in the zone that really handles the client: "
        "`firewall-cmd --permanent --zone=ZONE --add-port=PORT/PROTO` and `firewall-cmd --reload`."),
    "FW-PORT-TIMEOUT": (
        "The first packet is dropped: the client waits until its timeout (`i/o timeout` in Go).",
        "the drop rule (a rich rule drop, a DROP target, a rule outside firewalld)",
        "remove the drop rule, or open the port in the zone that applies."),
    "FW-PORT-MISMATCH": (
        "firewalld's configuration and the live packet filter disagree: a rule outside "
        "firewalld (another nft table, iptables-legacy, a direct rule) or a stale ruleset "
        "decides.  The packets win.",
        "what firewalld's configuration says and the rule the packet really meets",
        "remove or change the rule the packets meet; firewalld's configuration alone is not the truth."),
    "FW-PORT-RUNTIME-ONLY": (
        "The runtime configuration differs from the permanent one for this port: the next "
        "`firewall-cmd --reload` or reboot changes the verdict.",
        "the runtime decision (firewall-cmd) and the permanent one (the XML files)",
        "make it permanent (`firewall-cmd --permanent ...` or `--runtime-to-permanent`) or reload."),
})
def reach(facts):
    """For every port a Go program listens on (not loopback-only), one client on each
    interface's network and one inside each zone source binding: the packet-level verdict,
    the firewalld zone and rule that explain it, and the fix."""
    results = []
    for (proto, port), sockets in sorted(go_services(facts).items()):
        if all(s.loopback_only for s in sockets):
            continue
        from gotriage.firewall.analysis import analyse

        analysis = facts.memo(("analysis", proto, port),
                               lambda port=port, proto=proto: analyse(facts, port, proto))
        results.extend(verdict_findings(facts, analysis, severity="warn", group=True))
    return results


def port_findings(facts, port, proto="tcp", froms=(), iface=None):
    """Every finding `gotriage port PORT` shows: the firewall state, the listeners, and one
    verdict per client (errors for blocked clients)."""
    from gotriage.firewall.analysis import analyse

    analysis = analyse(facts, port, proto, froms, iface)
    results = config_findings(facts)
    listeners = listener_findings(facts, proto, port, analysis.listeners, severity="error",
                                  elsewhere=analysis.elsewhere)
    results.extend(listeners)
    results.extend(verdict_findings(facts, analysis, severity="error", group=False,
                                    listeners=listeners))
    results.extend(firewall_docker.port_docker_findings(facts, port, proto))
    for note in analysis.notes:
        facts.note(note)
    return results


# -- verdict findings ----------------------------------------------------------------------

def _zone_words(decision):
    if decision is None or not decision.zone:
        return ""
    from gotriage.firewall.firewalld import zone_reason_text

    return _("zone %(zone)s (%(reason)s)") % {"zone": decision.zone,
                                               "reason": zone_reason_text(decision.zone_reason)}


def _accept_reason(v):
    if v.published is not None:
        return _("published by Docker: %(rule)s, forwarded to the container -- no zone port "
                 "needed") % {"rule": v.published.describe()}
    m = v.model
    if m is not None and m.verdict == "accept" and not v.disagreement:
        return m.describe()
    if v.packet is not None and v.packet.accepts:
        for hit in v.packet.accepts:
            if hit.text.startswith("policy"):
                continue
            return hit.describe()
        return _("the chains' policy accept")
    return _("no firewall rule blocks it")


def _block_reason(v):
    """The rule that blocked, in firewalld's words when it is firewalld's."""
    m = v.model
    hit = v.packet.hit if v.packet is not None else None
    if m is not None and not v.disagreement and m.verdict in ("reject", "drop"):
        return m.describe()
    if hit is not None:
        return hit.describe()
    return m.describe() if m is not None else "?"


def _evidence(facts, v):
    ev = []
    m = v.model
    if m is not None:
        walk = list(m.steps)
        if m.text and m.text not in " ".join(walk):
            walk.append(m.text if m.verdict != "accept" else _("%(rule)s accepts") % {"rule": m.text})
        ev.append(Evidence.fact(_("firewalld (%(origin)s configuration): %(walk)s") % {
            "origin": facts.config.origin if facts.config else "?", "walk": " -> ".join(walk)}))
        if m.rule is not None and m.rule.origin:
            ev.append(Evidence.file(m.rule.origin, str(m.rule)))
    if v.packet is not None:
        out = v.packet
        if out.hit is not None:
            ev.append(Evidence.fact(_("packets: %(where)s: %(rule)s  (path: %(path)s)") % {
                "where": out.hit.where(), "rule": out.hit.text, "path": " -> ".join(out.hit.trail)}))
        else:
            for hit in out.accepts:
                if not hit.text.startswith(("policy ", ":")):
                    ev.append(Evidence.fact(_("packets: %(where)s: %(rule)s accepts (path: %(path)s)") % {
                        "where": hit.where(), "rule": hit.text, "path": " -> ".join(hit.trail)}))
        if out.dnat is not None:
            ev.append(Evidence.fact(_("rewritten by %(rule)s") % {"rule": out.dnat.describe()}))
    if v.listener is not None:
        ev.append(_sock_evidence(v.listener))
    for note in v.notes:
        ev.append(Evidence.fact(_("note: %(note)s") % {"note": note}))
    return ev


def _listener_cause(listeners, v):
    """The FW-LISTEN problem that explains a client the listener refuses: nothing listens,
    another namespace, loopback only (for a client from elsewhere), or the other family."""
    if v.outcome != "refused" or v.decider != "listener":
        return None
    wanted = ["FW-LISTEN-NONE", "FW-LISTEN-NETNS",
              "FW-LISTEN-V6ONLY" if v.family == "ipv4" else "FW-LISTEN-V4ONLY"]
    if v.iif != "lo":
        wanted.append("FW-LISTEN-LOOPBACK")
    return next((f for f in listeners if f.id in wanted), None)


def verdict_findings(facts, analysis, severity="error", group=False, listeners=()):
    results = []
    grouped = {}
    for v in analysis.verdicts:
        fix = fixes_for(facts, v) + docker_notes(facts, v)
        cause = _listener_cause(listeners, v)
        if cause is not None:
            fix = list(cause.fix)
        # (`where` names the clients in the subject, a key: in English; `shown` in the title)
        where = "%d/%s from %s via %s" % (v.port, v.proto, v.saddr, v.iif)
        shown = _where(v.port, v.proto, _client(v))
        zone = " [%s]" % _zone_words(v.model) if v.model is not None and v.model.zone else ""
        if v.outcome == "open":
            f = _f("FW-PORT", "ok", _("%(where)s: open (%(reason)s)") % {
                "where": shown, "reason": _accept_reason(v)},
                   subject="%s %s" % (where, v.outcome), evidence=_evidence(facts, v))
        elif v.outcome in _OUTCOME_ID:
            if v.decider == "listener":
                reason = _("the firewall lets it in (%(reason)s) but no socket takes "
                           "%(address)s:%(port)d") % {
                               "reason": _accept_reason(v), "address": v.daddr,
                               "port": v.delivered_port}
            else:
                reason = _block_reason(v)
            why = {"refused": _("The client gets a TCP reset or ICMP port unreachable at once."),
                   "unreachable": _("The client gets an ICMP administratively prohibited error at "
                                    "once.") if v.errno in ("EHOSTUNREACH", "EACCES") else
                   _("The client gets an ICMP unreachable error at once."),
                   "timeout": _("Nothing answers: the client retransmits its SYN until its own "
                                "timeout.")}[v.outcome]
            if v.model is not None and v.model.near_misses and v.outcome != "open":
                fix = [Action.note(_("%(misses)s: the client connects with %(proto)s") % {
                    "misses": "; ".join(v.model.near_misses), "proto": v.proto})] + fix
            f = _blocked(v.outcome, severity, "%s: %s -- %s%s" % (
                shown, ERRNO_TEXT.get(v.errno, _outcome_text(v.outcome)) if v.errno
                else _outcome_text(v.outcome),
                reason, zone), subject="%s %s" % (where, v.outcome), evidence=_evidence(facts, v), why=why,
                predicted_error=v.go_error, fix=fix, cause=cause)
        else:
            f = _f("FW-PORT", "info", "%s: %s" % (shown, _outcome_text(v.outcome)),
                   subject="%s %s" % (where, v.outcome), evidence=_evidence(facts, v))
        if group:
            # one finding for the clients that meet the same end (same rule, same error)
            key = (f.id, v.port, v.proto, v.model.zone if v.model else None, _block_key(v), v.errno)
            if key in grouped:
                kept, clients, shown_clients = grouped[key]
                before = _where(v.port, v.proto, ", ".join(shown_clients))
                clients.append("%s via %s" % (v.saddr, v.iif))
                shown_clients.append(_client(v))
                kept.title = kept.title.replace(before, _where(v.port, v.proto, ", ".join(
                    shown_clients)), 1)
                kept.subject = "%d/%s from %s %s" % (v.port, v.proto, ", ".join(clients), v.outcome)
                continue
            grouped[key] = (f, ["%s via %s" % (v.saddr, v.iif)], [_client(v)])
        results.append(f)
        extra = _mismatch_findings(facts, v, where, shown)
        results.extend(extra)
    return results


def _block_key(v):
    if v.packet is not None and v.packet.hit is not None:
        return v.packet.hit.text
    return v.model.text if v.model is not None else None


def _describe_model(decision, outcome, errno):
    text = decision.describe()
    result = _outcome_text(outcome)
    if errno:
        result = ERRNO_TEXT.get(errno, errno)
    return "%s -> %s" % (text, result)


def _mismatch_findings(facts, v, where, shown):
    results = []
    if v.disagreement is not None and v.model is not None:
        outcome, errno = v.disagreement
        hit = v.packet.hit if v.packet is not None else None
        truth = hit.describe() if hit is not None else _accept_reason(v)
        results.append(_f(
            "FW-PORT-MISMATCH", "warn", _(
                "%(where)s: firewalld's configuration says %(model)s, the packets meet %(truth)s") % {
                    "where": shown, "model": _describe_model(v.model, outcome, errno),
                    "truth": truth},
            subject="%s mismatch" % where, evidence=_evidence(facts, v),
            why=_("A rule outside firewalld's model decides (another nft table, iptables-legacy "
                  "rules that nft does not show, a direct rule, or a ruleset that is not what "
                  "firewalld loaded): gotriage trusts the packets."),
            predicted_error=v.go_error,
            fix=fixes_for(facts, v) or [Action.note(_("nothing blocks: no change needed"))]))
    if v.runtime_only is not None and v.model is not None and v.permanent is not None:
        now = v.outcome
        later = v.runtime_only
        if now == "open" and later != "open":
            fix = [Action.command(["firewall-cmd", "--permanent", "--zone=%s" % v.model.zone,
                                   "--add-port=%d/%s" % (v.port, v.proto)],
                                  description=_("keep what the runtime configuration does")),
                   Action.note(_("or save every runtime change: %(command)s") % {
                       "command": "firewall-cmd --runtime-to-permanent"})]
            title = _("%(where)s is open only in the runtime configuration (%(model)s): a reload or "
                      "reboot closes it") % {"where": shown, "model": v.model.describe()}
        else:
            fix = [Action.command(["firewall-cmd", "--reload"],
                                  description=_("load the permanent configuration"))]
            title = _("%(where)s: the permanent configuration says %(outcome)s (%(model)s) but it is "
                      "not loaded") % {"where": shown, "outcome": _outcome_text(later),
                                       "model": v.permanent.describe()}
        results.append(_f("FW-PORT-RUNTIME-ONLY", "warn", title, subject="%s runtime" % where,
                          evidence=[Evidence.fact("runtime: %s" % v.model.describe()),
                                    Evidence.fact("permanent: %s" % v.permanent.describe())],
                          why=_("firewall-cmd without --permanent changes only the running "
                                "firewall; --permanent without --reload changes only the files."),
                          fix=fix))
    return results


# ---------------------------------------------------------------------------------------
# FW-DOCKER: registered here, after FW-PORT (its module words what the analysis found)
from gotriage.checks import firewall_docker  # noqa: E402


# ---------------------------------------------------------------------------------------
# What to do about a firewall tool that hangs, before the generic steps (made when a run
# needs them: their words are in the run's language).
def _hung_fixes():
    return {
        "firewall-cmd": [
            Action.command(["journalctl", "-u", "firewalld", "-u", "dbus", "-n", "50"],
                           description=_("why it is stuck: every firewall-cmd (and "
                                         "NetworkManager's zone changes) hangs with firewalld or "
                                         "D-Bus")),
            Action.command(["systemctl", "restart", "firewalld"], safe=False,
                           description=_("reloads the rules from the configuration; never just "
                                         "stop it"))],
    }


@check("FW-INPUT", LAYER, "the commands the firewall verdicts read answered", findings={
    "FW-INPUT-HUNG": hung_doc("the firewall verdicts (firewall-cmd, nft, iptables-save, ipset, "
                              "ss, ip)"),
})
def inputs(facts):
    """Runs after the other firewall checks (the runner's rule for -INPUT checks): every
    command they read that timed out or was not started before the run's deadline."""
    hung = [_f("FW-INPUT-HUNG", "warn", title, **kw)
            for title, kw in hung_findings(facts.inputs, _hung_fixes())]
    if hung or not facts.inputs.answered:
        return hung
    return [_f("FW-INPUT", "ok", answered_title(facts.inputs))]
