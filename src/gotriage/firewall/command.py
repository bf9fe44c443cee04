"""`gotriage port PORT [--proto tcp|udp] [--from ADDR ...] [--iface IF] [--root SNAPSHOT]
[--json] [-v]`: who listens on PORT, which zone and rule decide for each client, what a
Go client prints, and the exact fix.

The report is the same as `check --layer firewall`'s (doctor view or the JSON of
docs/report.schema.json): FW-CONFIG (firewalld's state), FW-LISTEN (the listener),
and one FW-PORT result per client.  Exit 0 when every client gets in, 1 when one is
blocked (or the model and the packets disagree), 2 on a usage error.
"""

import ipaddress
import time

from gotriage.facts.firewall import FirewallFacts


class UsageError(Exception):
    pass


def run(args, open_host, write, unicode_ok=True, colour=False):
    if not 0 < args.port < 65536:
        raise UsageError("PORT must be between 1 and 65535, not %d" % args.port)
    for addr in args.froms:
        try:
            ipaddress.ip_address(addr)
        except ValueError:
            raise UsageError("--from needs an IP address, not %r" % addr) from None
    host = open_host(args.root)
    try:
        started = time.monotonic()
        report = build_report(host, args.port, args.proto, args.froms, args.iface,
                              timeout=args.timeout)
        report.duration = time.monotonic() - started  # (gotriage_run_duration_seconds)
        from gotriage.report import output  # --json, --format, --output (docs/metrics.md)

        def view(style):
            from gotriage.report import text

            head, sep, rest = text.render(report, style, verbose=args.verbose).partition("\n")
            from gotriage.i18n import _

            header = "port %d/%s%s%s" % (
                args.port, args.proto,
                _(" from %(clients)s") % {"clients": ", ".join(args.froms)} if args.froms else "",
                _(" on %(interface)s") % {"interface": args.iface} if args.iface else "")
            return head + sep + header + "\n" + rest
        try:
            return output.emit(report, args, write, unicode_ok, colour, text_view=view)
        except output.UsageError as exc:
            raise UsageError(str(exc)) from None
    finally:
        host.close()


def build_report(host, port, proto="tcp", froms=(), iface=None, timeout=10.0):
    from gotriage.checks.firewall import port_findings
    from gotriage.i18n import _
    from gotriage.runner import Report, settle_inputs

    facts = FirewallFacts(host, timeout=timeout)
    names = [i.name for i in facts.interfaces]
    if iface and names and iface not in names:  # (none known: the notes say why)
        raise UsageError("--iface %s: no such interface on %s (it has %s)" % (
            iface, "the recorded host" if host.kind == "snapshot" else "this host",
            ", ".join(names)))
    findings = port_findings(facts, port, proto, froms, iface)
    notes = list(facts.notes)
    for op, path, message in host.denied:
        note = _("could not %(op)s %(path)s: %(error)s") % {
            "op": op, "path": path, "error": message.lower()}
        if note not in notes:
            notes.append(note)
    for f in findings:
        f.check = f.check or f.id.split("-")[0] + "-" + f.id.split("-")[1]
    # what the host cannot tell (a sosreport: host/sosreport.py), as runner.run skips it
    cannot = getattr(host, "not_examined", None) or {}
    for check in sorted({f.check for f in findings}, key=lambda c: c.split("-")[1]):
        why = cannot.get(check) or cannot.get("firewall")
        if why:
            notes.append(_("%(check)s not examined: %(why)s") % {"check": check, "why": why})
    findings = [f for f in findings if not (cannot.get(f.check) or cannot.get("firewall"))]
    # FW-INPUT: what hung, first; the verdicts resting on it are not ✓
    findings, errors = settle_inputs(findings, {"firewall": facts}, ["firewall"])
    return Report(host, ["firewall"], findings, notes, fail_on="warn", tool_errors=errors)
