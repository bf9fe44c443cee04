"""What the firewall layer reads: the sockets and their owners, the addresses and routes,
firewalld's configuration (permanent files, runtime from firewall-cmd) and version, and
the live ruleset (nft, iptables dumps, ipset) (facts/firewall.py)."""

from gotriage.i18n import N_
from gotriage.inputs.spec import Command, File, Layer, Listing, Meta, Need

VERDICTS = ("FW-CONFIG", "FW-PORT")
NETFILTER_STUCK = N_("another program holds the netfilter lock, or the kernel does not answer")
_IPTABLES = Need(VERDICTS, NETFILTER_STUCK,
                 N_("rules added with iptables are unknown: the verdicts below may miss them"))
_FIREWALL_CMD = Need(VERDICTS, N_("D-Bus or firewalld is stuck"),
                     N_("the firewall verdicts below come from the saved configuration and the "
                     "live ruleset"))
_SS = Need(("FW-LISTEN", "FW-PORT"), N_("netlink (sock_diag) does not answer"),
           N_("the listening sockets come from /proc/net: whether an IPv6 socket on [::] takes "
           "IPv4 comes from net.ipv6.bindv6only (a Go program's: dual-stack)"))
_IP = Need(("FW-LISTEN", "FW-PORT"), N_("netlink does not answer"),
           N_("the host's addresses are unknown: interfaces and routes are guessed"))


def _iptables(tool, kind):
    return Command("%s%s" % (tool, kind), ["%s%s" % (tool, kind)],
                   "the %s rules (%s)" % ("IPv4" if tool == "iptables" else "IPv6", {
                       "-nft-save": "iptables-nft: when nft's JSON hides them",
                       "-legacy-save": "iptables-legacy, which nft never shows",
                       "-save": "where there is no -legacy/-nft variant"}[kind]),
                   need=_IPTABLES)


INPUTS = Layer("firewall", [
    # sockets
    File("arch", "/proc/sys/kernel/arch", "the byte order of /proc/net addresses (s390x)"),
    Command("ss", ["ss", "-ltune"], "listening sockets with inode, uid and IPV6_V6ONLY",
            need=_SS),
    Command("ss-tcp", ["ss", "-ltn"], "the same in an older snapshot (TCP)", need=_SS),
    Command("ss-udp", ["ss", "-lun"], "the same in an older snapshot (UDP)", need=_SS),
    File("proc-net", "/proc/net/{proto}", "the sockets, where ss is missing (tcp, tcp6, udp, "
                                          "udp6)"),
    File("bindv6only", "/proc/sys/net/ipv6/bindv6only",
         "net.ipv6.bindv6only: 1 makes a [::] socket that does not set IPV6_V6ONLY itself "
         "IPv6-only (its own flag is not in /proc/net)"),
    Listing("proc", "/proc", "the processes (who owns a socket)"),
    Listing("fds", "/proc/{pid}/fd", "a process's file descriptors (socket inodes)"),
    Meta("fd", "/proc/{pid}/fd/{fd}", "what a file descriptor is (socket:[inode])"),
    File("comm", "/proc/{pid}/comm", "a process's name"),
    Meta("exe", "/proc/{pid}/exe", "a process's program"),
    File("exe-contents", "/proc/{pid}/exe", "whether a process's program is Go (its "
                                            ".go.buildinfo)", ranged=True, redact="none"),
    Meta("netns", "/proc/{pid}/ns/net", "a process's network namespace (listeners in "
                                        "another one)"),
    File("netns-sockets", "/proc/{pid}/net/{proto}", "the sockets of another namespace"),
    # addresses and routes
    Command("ip", ["ip", "-j", "addr"], "the host's addresses", need=_IP),
    Command("ip-oneline", ["ip", "-o", "addr"], "the same on EL7 (no JSON)", need=_IP),
    File("routes", "/proc/net/route", "the IPv4 routes (the interface a client comes in on)"),
    File("routes6", "/proc/net/ipv6_route", "the IPv6 routes"),
    # firewalld
    Listing("python-dirs", "{dir}", "where firewalld's Python package is (/usr/lib, "
                                    "/usr/lib64): its version"),
    File("version-file", "{dir}/{python}/{sub}/firewall/config/__init__.py",
         "firewalld's version (VERSION = ...)"),
    Meta("config-dir", "{dir}", "whether firewalld is installed (/usr/lib/firewalld, "
                                "/etc/firewalld)"),
    File("conf", "{dir}/firewalld.conf", "DefaultZone, FirewallBackend, AllowZoneDrifting"),
    Listing("xml-dir", "{dir}/{kind}", "the zones, services, policies and ipsets (/usr/lib "
                                       "first, /etc wins)"),
    File("xml", "{dir}/{kind}/{name}", "a zone, service, policy or ipset file"),
    File("direct", "/etc/firewalld/direct.xml", "direct rules"),
    File("firewall-cmd-script", "/usr/bin/firewall-cmd", "firewall-cmd's interpreter (its #! "
                                                        "line), for firewalld-client"),
    Command("firewalld-client", ["{python}", "-Es", "-"],
            "the four runtime listings below in one process: firewall-cmd's interpreter runs "
            "firewall/client_script.py (stdin) through firewalld's client library",
            need=_FIREWALL_CMD),
    Command("firewall-cmd-zones", ["firewall-cmd", "--list-all-zones"],
            "the runtime zones (and whether firewalld runs)", need=_FIREWALL_CMD),
    Command("firewall-cmd-default-zone", ["firewall-cmd", "--get-default-zone"],
            "the runtime default zone", need=_FIREWALL_CMD),
    Command("firewall-cmd-policies", ["firewall-cmd", "--list-all-policies"],
            "the runtime policies (firewalld 0.9+)", need=_FIREWALL_CMD),
    Command("firewall-cmd-direct", ["firewall-cmd", "--direct", "--get-all-rules"],
            "the runtime direct rules", need=_FIREWALL_CMD),
    # the live ruleset
    Command("nft", ["nft", "-j", "list", "ruleset"], "the nftables ruleset (the packets' own "
                                                    "path)",
            need=Need(VERDICTS, NETFILTER_STUCK,
                      N_("the live nftables ruleset is unknown: the verdicts below come from "
                      "firewalld's configuration, not from the packets"))),
    _iptables("iptables", "-nft-save"), _iptables("ip6tables", "-nft-save"),
    _iptables("iptables", "-legacy-save"), _iptables("ip6tables", "-legacy-save"),
    _iptables("iptables", "-save"), _iptables("ip6tables", "-save"),
    Command("ipset", ["ipset", "save"], "the members of ipsets iptables rules match",
            need=Need(("FW-PORT",), NETFILTER_STUCK,
                      N_("ipset members come from firewalld's configuration only"))),
])
