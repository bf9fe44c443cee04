"""The runtime listings of firewalld in one process: a script that firewall-cmd's own
interpreter runs (from stdin), making the calls `firewall-cmd --get-default-zone`,
`--list-all-zones`, `--list-all-policies` and `--direct --get-all-rules` make, through
the same client library and the same printers, so each section is what that firewall-cmd
call prints.  Four firewall-cmd processes cost four Python start-ups and imports of
firewalld's client (dbus, gi): about 0.15 CPU-s each; this costs one.

Its output: for each listing a line `@@gotriage-section ARGS STATUS`, then what
firewall-cmd prints (parsers/firewalld_cmd.py, parse_client_sections).  STATUS is `ok`,
`absent` (this firewalld has no such call: policies before 0.9) or `error` (the call
failed: then facts/firewall.py asks firewall-cmd itself, whose exit code and message are
what the checks know).  When firewalld cannot be asked at all it fails as firewall-cmd
does, with its message and exit code (252 not running, 36 no D-Bus); it exits 125 when
the client library is not the one it knows (then firewall-cmd is asked, call by call).
It changes nothing: every call is a query.  Python 2.7 (EL7's firewalld) and 3.
"""

from gotriage.host.base import CommandResult
from gotriage.parsers.firewalld_cmd import parse_client_sections

# firewalld's exit codes (firewall/errors.py: ALREADY_ENABLED = 11 ... NOT_RUNNING = 252)
FIRST_FIREWALLD_CODE = 11

CLIENT_SCRIPT = r'''
import sys
try:
    from firewall.client import FirewallClient
    from firewall.command import FirewallCommand
    from firewall.errors import FirewallError
    from firewall.functions import joinArgs
except Exception:
    sys.exit(125)
if not hasattr(FirewallCommand, "print_zone_info"):
    sys.exit(125)
cmd = FirewallCommand(False, False)
try:
    fw = FirewallClient()
except FirewallError as msg:  # as firewall-cmd: no D-Bus is "Error: DBUS_ERROR: ...", exit 36
    cmd.print_and_exit("Error: %s" % msg, FirewallError.get_code(str(msg)))
except Exception:
    sys.exit(125)
if not fw.connected:
    cmd.print_and_exit("FirewallD is not running", 252)
if hasattr(cmd, "set_fw"):
    cmd.set_fw(fw)


def default_zone():
    cmd.print_msg(fw.getDefaultZone())


def zones():
    for zone in fw.getZones():
        cmd.print_zone_info(zone, fw.getZoneSettings(zone))
        cmd.print_msg("")


def policies():
    for policy in fw.getPolicies():
        cmd.print_policy_info(policy, fw.getPolicySettings(policy))
        cmd.print_msg("")


def direct():
    for (ipv, table, chain, priority, rule) in fw.getAllRules():
        cmd.print_msg("%s %s %s %d %s" % (ipv, table, chain, priority, joinArgs(rule)))


def supported(needs):
    if needs == "getPolicies":
        return hasattr(fw, needs) and hasattr(FirewallCommand, "print_policy_info")
    return needs is None or hasattr(fw, needs)


for args, call, needs in (("--get-default-zone", default_zone, None),
                          ("--list-all-zones", zones, None),
                          ("--list-all-policies", policies, "getPolicies"),
                          ("--direct --get-all-rules", direct, "getAllRules")):
    if not supported(needs):
        sys.stdout.write("@@gotriage-section %s absent\n" % args)
        continue
    out = sys.stdout
    pieces = []
    sys.stdout = type("Buffer", (object,), {"write": lambda self, s: pieces.append(s),
                                             "flush": lambda self: None})()
    try:
        call()
        status = "ok"
    except Exception:
        status = "error"
    sys.stdout = out
    sys.stdout.write("@@gotriage-section %s %s\n" % (args, status))
    if status == "ok":
        sys.stdout.write("".join(pieces))
sys.stdout.flush()
'''


def client_results(result, listings):
    """{firewall-cmd arguments: CommandResult} for the `listings` (argument tuples) the
    script's run (`result`, exit 0 or 252) answered, each as that firewall-cmd call would
    have: a listing that failed in the script is left out (firewall-cmd itself is asked).
    None when the run gave no such answer (firewall-cmd is asked call by call)."""
    if result.error is not None or result.returncode is None or \
            result.returncode != 0 and result.returncode < FIRST_FIREWALLD_CODE:
        return None  # 125: not the client library it knows; 1: a traceback
    found = {}
    if result.returncode != 0:  # before any listing, as firewall-cmd fails then: 252, 36...
        for args in listings:
            found[args] = CommandResult(["firewall-cmd"] + list(args), None, "/",
                                        result.returncode, result.stdout, result.stderr,
                                        result.duration)
        return found
    for args, (status, text) in parse_client_sections(result.text).items():
        argv = ["firewall-cmd"] + list(args)
        if args not in listings:
            continue
        if status == "ok":
            found[args] = CommandResult(argv, None, "/", 0, text.encode("utf-8"), b"",
                                        result.duration)
        elif status == "absent":  # firewalld < 0.9 has no --list-all-policies
            found[args] = CommandResult(argv, None, "/", 2, b"", (
                "firewall-cmd: error: unrecognized arguments: %s\n" % " ".join(args)).encode(),
                result.duration)
    return found
