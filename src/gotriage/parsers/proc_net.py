"""Sockets, addresses and routes: /proc/net/{tcp,tcp6,udp,udp6}, `ss -ltn`/`ss -lun`,
`ip -j addr` / `ip -o addr`, /proc/net/route and /proc/net/ipv6_route.

/proc/net/tcp (a Go server on 0.0.0.0:8080 and one on 127.0.0.1:8081; recorded on the
firewall test bed, tests/data/firewall/generated):

>>> for s in parse_proc_net('''  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
...    0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 181868 1 000000006fa70743 100 0 0 10 0
...    1: 0100007F:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 181869 1 00000000e31d7a65 100 0 0 10 0
... ''', "tcp", "ipv4"):
...     print(s.display(), s.inode, s.uid, s.loopback_only)
0.0.0.0:8080 181868 0 False
127.0.0.1:8081 181869 0 True

Addresses are hex in host byte order per 32-bit word (x86: little-endian), the port is
big-endian hex; state 0A is LISTEN (TCP), 07 is an unconnected bound UDP socket.  /proc
cannot tell whether an IPv6 socket on `::` also takes IPv4 (IPV6_V6ONLY); `ss` can, from
sock_diag: `*:8082` is dual-stack (what Go's `net.Listen("tcp", ":8082")` makes) and
`[::]:8083` is IPv6-only (`net.Listen("tcp6", ":8083")`):

>>> for s in parse_ss('''State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
... LISTEN 0      64           0.0.0.0:8080      0.0.0.0:*
... LISTEN 0      64                 *:8082            *:*
... LISTEN 0      64              [::]:8083         [::]:*
... ''', "tcp"):
...     print(s.display(), s.family, s.v6only)
0.0.0.0:8080 ipv4 None
*:8082 ipv6 False
[::]:8083 ipv6 True

`ss -ltune` adds `ino:` (the socket inode, for its owner), `uid:` and `v6only:0|1`, and is
much cheaper than /proc/net/tcp (which walks the whole TCP hash table: ~3 ms each on a
small VM); /proc is the fallback.  No `-H`: EL7's iproute (4.11) lacks it, the header is
skipped.  EL7's ss writes addresses the older way: `*` is the IPv4 wildcard, an IPv6
address has no brackets, and only `-e`'s `v6only:` tells a dual-stack socket (`ss -lnt`
on CentOS 7, as a public guide to ss shows it: wiki.oowy.fr/cheatsheet/command_ss):

>>> for s in parse_ss('''State      Recv-Q Send-Q Local Address:Port               Peer Address:Port
... LISTEN     0      128          *:22                       *:*
... LISTEN     0      100    127.0.0.1:25                       *:*
... LISTEN     0      128         :::22                      :::*
... LISTEN     0      100        ::1:25                      :::*
... ''', "tcp"):
...     print(s.display(), s.family, s.v6only)
0.0.0.0:22 ipv4 None
127.0.0.1:25 ipv4 None
[::]:22 ipv6 None
[::1]:25 ipv6 None
"""

import ipaddress
import json
import re
import struct

TCP_LISTEN = "0A"
UDP_BOUND = "07"


class Socket(object):
    """A listening TCP socket or a bound UDP socket."""

    __slots__ = ("proto", "family", "address", "port", "inode", "uid", "v6only", "iface",
                 "pid", "process", "exe", "source", "go", "v6only_from")

    def __init__(self, proto, family, address, port, inode=None, uid=None, v6only=None,
                 iface=None, source=None):
        self.proto = proto  # tcp / udp
        self.family = family  # ipv4 / ipv6
        self.address = address  # "0.0.0.0", "::", "127.0.0.1"...
        self.port = port
        self.inode = inode
        self.uid = uid
        self.v6only = v6only  # True / False / None (unknown)
        # how v6only is known: "socket" (its own flag, from ss), "sysctl" (the default
        # net.ipv6.bindv6only gives a socket that does not choose), "go" (Go sets it)
        self.v6only_from = None
        self.iface = iface  # SO_BINDTODEVICE as ss shows it (addr%iface)
        self.pid = None
        self.process = None
        self.exe = None
        self.source = source
        self.go = None  # the Go version of the owning program, when it is one

    @property
    def wildcard(self):
        return self.address in ("0.0.0.0", "::")

    @property
    def loopback_only(self):
        try:
            return ipaddress.ip_address(self.address).is_loopback
        except ValueError:
            return False

    def display(self):
        """The address as ss and Go show it: 0.0.0.0:8080, [::]:8083, *:8082 (dual-stack)."""
        if self.family == "ipv6":
            if self.address == "::" and self.v6only is False:
                return "*:%d" % self.port
            return "[%s]:%d" % (self.address, self.port)
        return "%s:%d" % (self.address, self.port)

    def __repr__(self):
        return "Socket(%s %s)" % (self.proto, self.display())


_HEX8 = re.compile(r"[0-9A-Fa-f]{8}\Z")
_HEX32 = re.compile(r"[0-9A-Fa-f]{32}\Z")
_HEXNUM = re.compile(r"[0-9A-Fa-f]{1,8}\Z")


def _hex(text):
    """An int from at most 8 hex digits (int(text, 16) also takes "٣" and any length);
    ValueError otherwise."""
    if not _HEXNUM.match(text):
        raise ValueError("not a hex number: %r" % text[:40])
    return int(text, 16)


def _hex_ipv4(text, byteorder="little"):
    if not _HEX8.match(text):
        raise ValueError("not an IPv4 address in hex: %r" % text[:40])
    order = "<I" if byteorder == "little" else ">I"
    return str(ipaddress.IPv4Address(struct.pack(order, int(text, 16))))


def _hex_ipv6(text, byteorder="little"):
    if not _HEX32.match(text):
        raise ValueError("not an IPv6 address in hex: %r" % text[:40])
    words = [int(text[i:i + 8], 16) for i in range(0, 32, 8)]
    order = "<I" if byteorder == "little" else ">I"
    return str(ipaddress.IPv6Address(b"".join(struct.pack(order, w) for w in words)))


def parse_proc_net(text, proto, family, byteorder="little"):
    """Listening (tcp) or bound (udp) sockets from /proc/net/{tcp,tcp6,udp,udp6}.
    `byteorder` is the recorded host's (big only on s390x)."""
    sockets = []
    want = TCP_LISTEN if proto == "tcp" else UDP_BOUND
    for line in (text or "").splitlines()[1:]:
        fields = line.split()
        if len(fields) < 10 or ":" not in fields[1]:
            continue
        if fields[3].upper() != want:
            continue
        addr_hex, _, port_hex = fields[1].partition(":")
        try:
            address = (_hex_ipv4(addr_hex, byteorder) if family == "ipv4"
                       else _hex_ipv6(addr_hex, byteorder))
            port = _hex(port_hex)
        except ValueError:
            continue
        if port > 65535:
            continue
        if family == "ipv6":
            mapped = ipaddress.IPv6Address(address).ipv4_mapped
            if mapped is not None:
                address = "::ffff:%s" % mapped
        try:
            uid, inode = int(fields[7]), int(fields[9])
        except ValueError:
            uid, inode = None, None
        sockets.append(Socket(proto, family, address, port, inode, uid,
                              source="/proc/net/%s%s" % (proto, "6" if family == "ipv6" else "")))
    return sockets


_SS_ADDR = re.compile(r"^(?P<addr>\*|\[[^\]]+\]|[^\s%\[]*?)(?:%(?P<iface>[^:\s]+))?:(?P<port>[0-9]{1,5}|\*)$")
_SS_PROC = re.compile(r'\("(?P<name>[^"]*)",pid=(?P<pid>\d+)')
_SS_EXT = re.compile(r"\b(ino|uid|v6only):(\d+)")


def _old_format(lines):
    """Whether ss wrote addresses as iproute2 before 4.12 (EL7) did: IPv6 without brackets
    (`:::22`), `*` for 0.0.0.0.  The newer ss brackets IPv6 and writes 0.0.0.0."""
    for line in lines:
        for field in line.split()[3:6]:
            if field.startswith(("[", "0.0.0.0:")):
                return False
            if field.count(":") >= 2:
                return True
    return False


def parse_ss(text, proto):
    """Sockets from `ss -ltn` (proto tcp) or `ss -lun` (udp), with or without -H, -p or a
    Netid column.  v6only is known here in the newer format (`*` is dual-stack, `[::]`
    IPv6-only); in EL7's only `-e`'s `v6only:` says it."""
    sockets = []
    lines = (text or "").splitlines()
    old = _old_format(lines)
    for line in lines:
        fields = line.split()
        if not fields or fields[0] in ("State", "Netid"):
            continue
        if fields[0] in ("tcp", "udp", "raw", "u_str", "u_dgr", "sctp"):
            if fields[0] != proto:
                continue
            fields = fields[1:]
        if len(fields) < 5:
            continue
        match = _SS_ADDR.match(fields[3])
        if not match or match.group("port") == "*" or int(match.group("port")) > 65535:
            continue
        raw, port = match.group("addr"), int(match.group("port"))
        if raw == "*" and old:
            sock = Socket(proto, "ipv4", "0.0.0.0", port, source="ss")
        elif raw == "*":
            sock = Socket(proto, "ipv6", "::", port, v6only=False, source="ss")
        elif old and ":" in raw:
            sock = Socket(proto, "ipv6", _norm6(raw), port, source="ss")
        elif raw.startswith("["):
            inner = raw[1:-1]
            sock = Socket(proto, "ipv6", _norm6(inner), port, v6only=True if inner == "::" else None,
                          source="ss")
        else:
            sock = Socket(proto, "ipv4", raw or "0.0.0.0", port, source="ss")
        sock.iface = match.group("iface")
        for key, value in _SS_EXT.findall(line):  # `ss -e`: ino:123 uid:1000 v6only:1
            if key == "ino":
                sock.inode = int(value)
            elif key == "uid":
                sock.uid = int(value)
            elif sock.family == "ipv6":
                sock.v6only = value == "1"
        proc = _SS_PROC.search(line)
        if proc:
            sock.process, sock.pid = proc.group("name"), int(proc.group("pid"))
        sockets.append(sock)
    return sockets


def _norm6(text):
    try:
        addr = ipaddress.IPv6Address(text)
    except ValueError:
        return text
    if addr.ipv4_mapped is not None:
        return "::ffff:%s" % addr.ipv4_mapped
    return str(addr)


class Interface(object):
    __slots__ = ("name", "index", "addresses", "up", "loopback")

    def __init__(self, name, index=None):
        self.name, self.index = name, index
        self.addresses = []  # ipaddress.IPv4Interface / IPv6Interface
        self.up = True
        self.loopback = name == "lo"

    def networks(self, version=None):
        return [a.network for a in self.addresses if version is None or a.version == version]


def parse_ip_addr_json(text):
    """Interfaces from `ip -j addr` (iproute2 >= 4.13; not on EL7)."""
    data = json.loads(text)
    if not isinstance(data, list):
        raise ValueError("not a JSON array: not the output of `ip -j addr`")
    interfaces = []
    for item in data:
        if not isinstance(item, dict) or not isinstance(item.get("ifname"), str) or not item["ifname"]:
            continue
        index = item.get("ifindex")
        iface = Interface(item["ifname"], index if isinstance(index, int) else None)
        flags = item.get("flags") if isinstance(item.get("flags"), list) else []
        iface.up = "UP" in flags
        iface.loopback = "LOOPBACK" in flags or iface.name == "lo"
        infos = item.get("addr_info")
        for info in infos if isinstance(infos, list) else []:
            if not isinstance(info, dict) or not isinstance(info.get("local"), str):
                continue
            try:
                iface.addresses.append(ipaddress.ip_interface("%s/%s" % (info["local"], info.get("prefixlen", 128))))
            except ValueError:
                continue
        interfaces.append(iface)
    return interfaces


_IP_O = re.compile(r"^(?P<index>\d+):\s+(?P<name>[^\s:@]+)(?:@\S+)?:?\s+(?P<fam>inet6?)\s+(?P<addr>\S+)")


def parse_ip_addr_oneline(text):
    """Interfaces from `ip -o addr` (every iproute2, EL7 included)."""
    by_name = {}
    for line in (text or "").splitlines():
        match = _IP_O.match(line.strip())
        if not match:
            continue
        name = match.group("name")
        iface = by_name.get(name)
        if iface is None:
            iface = by_name[name] = Interface(name, int(match.group("index")))
        try:
            iface.addresses.append(ipaddress.ip_interface(match.group("addr")))
        except ValueError:
            continue
    return list(by_name.values())


class Route(object):
    __slots__ = ("network", "iface", "gateway")

    def __init__(self, network, iface, gateway=None):
        self.network, self.iface, self.gateway = network, iface, gateway


def parse_proc_route(text, byteorder="little"):
    """IPv4 routes from /proc/net/route (destination and mask hex, host byte order)."""
    routes = []
    for line in (text or "").splitlines()[1:]:
        fields = line.split()
        if len(fields) < 8:
            continue
        try:
            dest, gateway, mask = [_hex_ipv4(fields[i], byteorder) for i in (1, 2, 7)]
            network = ipaddress.IPv4Network("%s/%s" % (dest, mask), strict=False)
        except ValueError:
            continue
        routes.append(Route(network, fields[0], gateway if gateway != "0.0.0.0" else None))
    return routes


def parse_proc_ipv6_route(text):
    """IPv6 routes from /proc/net/ipv6_route (destination in network order, prefix hex)."""
    routes = []
    for line in (text or "").splitlines():
        fields = line.split()
        if len(fields) < 10 or len(fields[0]) != 32:
            continue
        try:
            if not (_HEX32.match(fields[0]) and _HEX32.match(fields[4])):
                continue
            dest = ipaddress.IPv6Address(bytes.fromhex(fields[0]))
            network = ipaddress.IPv6Network("%s/%d" % (dest, _hex(fields[1])), strict=False)
            gateway = ipaddress.IPv6Address(bytes.fromhex(fields[4]))
        except ValueError:
            continue
        if fields[9] == "lo":
            continue
        routes.append(Route(network, fields[9], str(gateway) if int(gateway) else None))
    return routes


def socket_inodes(links):
    """{inode: fd path} from {fd path: readlink target} of /proc/PID/fd entries."""
    found = {}
    for path, target in links.items():
        if target and target.startswith("socket:["):
            try:
                found[int(target[8:-1])] = path
            except ValueError:
                continue
    return found
