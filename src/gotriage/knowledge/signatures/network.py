"""Signatures of reachability: what a Go client (net.Dial, net/http) prints when the
connection fails, what a Go server prints when it cannot listen, DNS and TLS, and the
kernel's netfilter messages.  The dial errors are Go's own (`dial tcp ADDR: connect:
ERRNO`), as the firewall layer predicts them from recorded firewalld outcomes
(tests/data/firewall: real clients against real firewalld and nftables)."""

from gotriage.knowledge.signatures import LOW, MEDIUM, C, N, Signature

ADDR = r"(?P<addr>\[[0-9A-Fa-f:.%\w]+\]|[\w.-]+):(?P<port>\d+)"
OPEN_PORT = (C("firewall-cmd", "--permanent", "--add-port={port}/tcp",
               otherwise="firewall-cmd --permanent --add-port=PORT/tcp"),
             C("firewall-cmd", "--reload"))

SIGNATURES = [
    Signature(
        "FW-PORT-UNREACHABLE", "firewall", "the server's firewall rejects the port (no route to host)",
        keys=("no route to host", "No route to host", "_REJECT: IN="),
        patterns=(r"dial (?:tcp|udp)[46]? " + ADDR + r": (?:connect|getsockopt): no route to host",
                  r"(?i)no route to host",
                  r"(?P<chain>\w+_REJECT): IN=\S* OUT=\S*.* DST=(?P<addr>\S+)(?:.* DPT=(?P<port>\d+))?"),
        cause="`no route to host` for a host that answers ping is an ICMP reject from its "
              "firewall: firewalld rejects every port its zone does not open "
              "(host-prohibited).  {port}/tcp is not open on {addr}.",
        fix=OPEN_PORT + (N("on the server (or a rich rule for the clients that need it): "
                           "gotriage port {port} there shows which rule decides",
                           otherwise="on the server: gotriage port PORT there shows which rule decides"),),
        confirm=("FW-PORT-UNREACHABLE", "FW-DOCKER-ZONE", "FW-DOCKER-PUBLISHED", "FW-PORT-MISMATCH",
                 "FW-PORT-RUNTIME-ONLY"),
        examples=("dial tcp 192.168.122.10:8080: connect: no route to host",)),
    Signature(
        "FW-PORT-TIMEOUT", "firewall", "packets to the port are dropped (i/o timeout)",
        keys=("i/o timeout", "connection timed out", "Connection timed out", "_DROP: IN="),
        patterns=(r"dial (?:tcp|udp)[46]? " + ADDR + r": (?:i/o timeout|connect: connection timed out)",
                  r"(?:Failed to connect to|connect to host) (?P<addr>\S+) port (?P<port>\d+)(?: after \d+ ms)?: "
                  r"(?:Connection timed out|Operation timed out)",
                  r"(?P<chain>\w+_DROP): IN=\S* OUT=\S*.* DST=(?P<addr>\S+).* DPT=(?P<port>\d+)"),
        cause="The connection attempt got no answer at all: a firewall drops the packets (a "
              "firewalld zone with target DROP, a cloud security group), or {addr} is the "
              "wrong address.",
        fix=(N("on the server, open {port}/tcp: firewall-cmd --permanent --add-port={port}/tcp "
               "&& firewall-cmd --reload (gotriage port {port} shows which rule drops it)",
               otherwise="on the server, open the port in firewalld (gotriage port PORT shows "
                         "which rule drops it)"),
             N("and check the network's own filters (cloud security groups, switches)")),
        confirm=("FW-PORT-TIMEOUT", "FW-PORT-MISMATCH", "FW-PORT-RUNTIME-ONLY", "GO-PROXY-UNREACHABLE"),
        confidence=MEDIUM,
        examples=("dial tcp 10.0.0.5:8080: i/o timeout",
                  "dial tcp 10.0.0.5:8080: connect: connection timed out")),
    Signature(
        "FW-LISTEN-NONE", "firewall", "nothing accepts connections on the port (connection refused)",
        keys=("connection refused", "Connection refused", "ECONNREFUSED", "actively refused it"),
        patterns=(r"dial (?:tcp|udp)[46]? " + ADDR + r": (?:connect|getsockopt): connection refused",
                  r"(?:Failed (?:to )?connect to|connect to host) (?P<addr>[^\s:;]+)(?::| port )(?P<port>\d+)"
                  r"(?: after \d+ ms)?[:;] Connection refused",
                  r"ECONNREFUSED (?P<addr>[\d.]+):(?P<port>\d+)",
                  r"(?i)connection refused",
                  r"target machine actively refused it"),
        cause="The host answered that nothing takes connections on {addr}:{port}: the "
              "server is not running (or crashed), listens on another port or only on "
              "127.0.0.1, or an iptables REJECT sends a reset.",
        fix=(C("ss", "-ltnp", "sport = :{port}", otherwise="ss -ltnp (on the server)",
               why="on the server: is anything listening there, and on which address?"),
             N("start the service (systemctl status UNIT says why it stopped); a server that "
               "must take other hosts listens on \":{port}\", not \"127.0.0.1:{port}\"",
               otherwise="start the service; a server that must take other hosts listens on "
                         "\":PORT\", not \"127.0.0.1:PORT\"")),
        confirm=("FW-LISTEN-NONE", "FW-LISTEN-LOOPBACK", "FW-PORT-REFUSED", "FW-LISTEN-V4ONLY",
                 "FW-LISTEN-V6ONLY", "FW-LISTEN-NETNS", "FW-PORT-MISMATCH", "FW-PORT-RUNTIME-ONLY",
                 "GO-PROXY-UNREACHABLE"),
        confidence=MEDIUM,
        examples=("dial tcp 10.0.0.5:8080: connect: connection refused",
                  "Get \"http://127.0.0.1:8080/healthz\": dial tcp 127.0.0.1:8080: connect: connection refused")),
    Signature(
        "FW-LISTEN-V4ONLY", "firewall", "the client dials IPv6 (::1) and the server listens on IPv4 only",
        keys=("::1",),
        patterns=(r"dial tcp6? \[::1\]:(?P<port>\d+): connect: connection refused",
                  r"ECONNREFUSED ::1:(?P<port>\d+)",
                  r"(?:connect to|Failed to connect to) (?:::1|\[::1\])(?: port |:)(?P<port>\d+).*Connection refused"),
        cause="localhost resolves to ::1 first, and the server listens on 127.0.0.1 (IPv4) only: "
              "the IPv6 attempt is refused.",
        fix=(N("listen on both families (\":{port}\" with network \"tcp\" in Go), or dial "
               "127.0.0.1:{port} instead of localhost"),),
        confirm=("FW-LISTEN-V4ONLY",),
        beats=("FW-LISTEN-NONE",),
        confidence=MEDIUM,
        examples=("Error: connect ECONNREFUSED ::1:8080", "dial tcp [::1]:8080: connect: connection refused")),
    Signature(
        "FW-CLIENT-NETNS", "firewall", "the client dials 0.0.0.0: its own network namespace",
        keys=("dial tcp 0.0.0.0:",),
        patterns=(r"dial tcp (?P<addr>0\.0\.0\.0):(?P<port>\d+): (?:connect|getsockopt): connection refused",),
        cause="0.0.0.0 is no address to dial: it means \"this host\" in the client's own network "
              "namespace, which for a client in a container is the container, not the host where "
              "the server listens.",
        fix=(N("dial an address of the server's host that the client can reach (the host's IP; "
               "host.docker.internal / host-gateway from a container), or run the client with the "
               "host's network"),),
        confirm=("FW-LISTEN-NETNS",),
        beats=("FW-LISTEN-NONE",),
        confidence=MEDIUM,
        examples=("Get http://0.0.0.0:9100/metrics: dial tcp 0.0.0.0:9100: getsockopt: connection refused",)),
    Signature(
        "FW-LISTEN-LOOPBACK", "firewall", "a published container port whose program listens on the container's loopback",
        variant="container",
        keys=("Connection reset by peer",),
        patterns=(r"Recv failure: Connection reset by peer",
                  r"Read error \(Connection reset by peer\) in headers"),
        cause="The connection is accepted and at once reset: the typical sign of a published "
              "container port (docker-proxy or podman's port forwarder accepts) whose program "
              "inside the container listens only on its own 127.0.0.1, or on another port.",
        fix=(N("make the program in the container listen on 0.0.0.0 (all addresses) and on the "
               "port the -p/--publish option maps to"),),
        confirm=("FW-LISTEN-LOOPBACK", "FW-DOCKER-PUBLISHED"),
        confidence=MEDIUM,
        examples=("curl: (56) Recv failure: Connection reset by peer",)),
    Signature(
        "FW-PORT-TIMEOUT", "firewall", "a request timed out (context deadline exceeded)",
        variant="deadline",
        keys=("context deadline exceeded", "Client.Timeout exceeded"),
        patterns=(r"context deadline exceeded", r"Client\.Timeout exceeded while awaiting headers"),
        cause="A Go client gave up waiting: when the connection itself never completed, a "
              "firewall drops the packets (a DROP zone, a cloud security group); when it "
              "completed, the server answers too slowly.",
        fix=(N("from the client's host: nc -vz -w 5 HOST PORT tells a dropped connection (time "
               "out) from a slow server (connects)"),
             N("if dropped: open the port on the server (firewall-cmd --permanent --add-port=PORT/tcp "
               "&& firewall-cmd --reload) and in the network's filters")),
        confirm=("FW-PORT-TIMEOUT",),
        confidence=LOW,
        examples=("context deadline exceeded",)),
    Signature(
        "FW-CONFIG-XML", "firewall", "firewalld cannot load one of its XML files",
        keys=("Failed to load ", "INVALID_ZONE", "not a valid service file", "not a valid zone file"),
        patterns=(r"Failed to load (?P<what>zone|service|icmptype|ipset|policy|helper) file '(?P<path>[^']+)': (?P<why>.+)",
                  r"INVALID_ZONE: (?P<zone>\S+)"),
        cause="firewalld could not load {path} ({why}): that zone or service does not exist for "
              "it, so what it should open stays closed.",
        fix=(C("firewall-cmd", "--check-config", why="names every file it cannot read, and why"),
             N("fix or remove the file, then firewall-cmd --reload")),
        confirm=("FW-CONFIG-XML",),
        beats=("FW-CONFIG-UNKNOWN-SERVICE",),
        confidence=MEDIUM,
        examples=("ERROR: Failed to load zone file '/etc/firewalld/zones/public.xml': INVALID_TARGET",)),
    Signature(
        "FW-CONFIG-DRIFT", "firewall", "AllowZoneDrifting is on",
        keys=("AllowZoneDrifting is enabled",),
        patterns=(r"AllowZoneDrifting is enabled",),
        cause="With AllowZoneDrifting=yes a packet that a source-based zone does not accept drifts "
              "to the interface's zone, so a zone's rules admit more (or other) clients than it "
              "shows; firewalld warns and later releases drop the option.",
        fix=(N("set AllowZoneDrifting=no in /etc/firewalld/firewalld.conf, then systemctl restart "
               "firewalld, and check that every client still gets in (gotriage port PORT --from ADDR)"),),
        confidence=MEDIUM,
        examples=("WARNING: AllowZoneDrifting is enabled. This is considered an insecure configuration "
                  "option. It will be removed in a future release. Please consider disabling it now.",)),
    Signature(
        "FW-LISTEN-LOOPBACK", "firewall", "the server listens on 127.0.0.1 only",
        keys=("127.0.0.1:", "localhost:"),
        patterns=(r"(?i:listen(?:ing)?|serving|server (?:started|listening)|started server)\b[^\n]*?"
                  r"(?:https?://)?(?P<addr>127\.0\.0\.1|localhost):(?P<port>\d+)",
                  r"(?i:listen[-_.]?addr(?:ess)?|bind[-_.]?addr(?:ess)?|--bind|--host|--addr(?:ess)?|"
                  r"--publish|-p)[= ]\"?(?P<addr>127\.0\.0\.1|localhost):(?P<port>\d+)"),
        cause="The server listens on {addr}:{port}: only this host can connect; every other "
              "host is refused.",
        fix=(N("listen on \":{port}\" (all addresses) or the host's own address: in Go, "
               "http.ListenAndServe(\":{port}\", h), or the program's listen/addr option"),),
        confirm=("FW-LISTEN-LOOPBACK",),
        beats=("FW-LISTEN-NONE",),
        confidence=MEDIUM,
        examples=("2024/05/02 10:00:00 listening on 127.0.0.1:8080",)),
    Signature(
        "FW-PORT-UNREACHABLE", "firewall", "the connection is refused by policy (permission denied)",
        variant="denied",
        keys=("connect: permission denied",),
        patterns=(r"dial (?:tcp|udp)[46]? " + ADDR + r": connect: permission denied",),
        cause="connect() itself was refused on this host: SELinux forbids the program's "
              "domain to connect to that port (an AVC name_connect), or an IPv6 firewall "
              "answers admin-prohibited.",
        fix=(C("ausearch", "-m", "AVC", "-ts", "recent", why="a name_connect denial is SELinux's"),
             N("then gotriage avc, which gives the narrowest fix (a port type or a boolean)")),
        confirm=("SEL-AVC-PORT", "SEL-AVC-BOOLEAN", "FW-PORT-UNREACHABLE"),
        confidence=MEDIUM,
        examples=("dial tcp 10.0.0.7:5432: connect: permission denied",)),
    Signature(
        "FW-CLIENT-NO-IPV6", "firewall", "the client dials IPv6 and has no IPv6 route",
        keys=("network is unreachable", "Network is unreachable", "NetworkUnreachable"),
        patterns=(r"dial (?:tcp|udp)[46]? (?P<addr>\[[0-9A-Fa-f:.%\w]+\]):(?P<port>\d+): connect: network is unreachable",
                  r"(?i)connect (?:fail|to) (?:for )?\S*(?P<addr>[0-9a-f]*:[0-9a-f:]+)\S*.*network is unreachable",
                  r"kind: NetworkUnreachable"),
        cause="The client chose an IPv6 address ({addr}) and this host (or its container's "
              "network) has no IPv6 route.",
        fix=(N("enable IPv6 on the host or Docker network, or make the client use IPv4 (a "
               "\"tcp4\" dial in Go, an IPv4 address)"),),
        confidence=MEDIUM,
        examples=("dial tcp [2a00:1450:4001:80b::2011]:443: connect: network is unreachable",)),
    Signature(
        "NET-NO-ROUTE", "firewall", "no route to that network",
        keys=("network is unreachable",),
        patterns=(r"dial (?:tcp|udp)[46]? " + ADDR + r": connect: network is unreachable",
                  r"connect: network is unreachable"),
        cause="This host has no route to {addr}: a missing default route or a network this "
              "host is not connected to.",
        fix=(C("ip", "route", "get", "{addr}", otherwise="ip route",
               why="shows the route (or its absence)"),
             N("prefer IPv4 for that name, or fix the route; Go tries both families of a name "
               "(Happy Eyeballs) only when it has both")),
        confidence=MEDIUM,
        beats=(),
        examples=("dial tcp 10.9.0.1:443: connect: network is unreachable",)),
    Signature(
        "NET-DNS-NXDOMAIN", "firewall", "the name does not resolve",
        keys=("no such host",),
        patterns=(r"lookup (?P<name>\S+?)(?: on (?P<server>\S+))?: no such host",),
        cause="The DNS server ({server}) says {name} does not exist: a typo, a name only an "
              "internal DNS knows, or /etc/hosts missing an entry on an isolated host.",
        fix=(C("getent", "hosts", "{name}", otherwise="getent hosts NAME",
               why="how this host resolves it (/etc/hosts, then DNS)"),
             N("fix the name, or add it to /etc/hosts, or point /etc/resolv.conf at the DNS "
               "that knows it")),
        confidence=MEDIUM,
        examples=("dial tcp: lookup api.internal on 10.0.0.2:53: no such host",)),
    Signature(
        "NET-DNS-UNREACHABLE", "firewall", "the DNS server does not answer",
        keys=("server misbehaving", ":53: read udp", ":53: dial udp", ":53: read: connection refused"),
        patterns=(r"lookup (?P<name>\S+?) on (?P<server>\S+): (?:server misbehaving|read udp \S+->\S+: "
                  r"(?:i/o timeout|read: connection refused)|dial udp \S+: connect: .+)",),
        cause="The DNS server {server} in /etc/resolv.conf does not answer for {name} (an "
              "isolated host, a stopped systemd-resolved, a firewall on port 53).",
        fix=(N("check /etc/resolv.conf and that {server} answers: getent hosts {name}",
               otherwise="check /etc/resolv.conf and the DNS server"),),
        confidence=MEDIUM,
        beats=("FW-LISTEN-NONE",),
        examples=("dial tcp: lookup proxy.example.com on 127.0.0.53:53: server misbehaving",)),
    Signature(
        "SVC-JOURNAL-BIND", "firewall", "another process already listens on the port",
        keys=("address already in use", "Address already in use"),
        patterns=(r"listen (?:tcp|udp)[46]? (?P<addr>\S*?):(?P<port>\d+): bind: address already in use",
                  r"bind: address already in use"),
        cause="Another process (an old instance, another service, a container's published "
              "port) holds {port}.",
        fix=(C("ss", "-ltnp", "sport = :{port}", otherwise="ss -ltnp", why="names the process that holds it"),
             N("stop that one, or give this service another port")),
        examples=("listen tcp :8080: bind: address already in use",)),
    Signature(
        "NET-LISTEN-BAD-ADDR", "firewall", "the server listens on an address this host does not have",
        keys=("cannot assign requested address",),
        patterns=(r"listen (?:tcp|udp)[46]? (?P<addr>\S+?):(?P<port>\d+): bind: cannot assign requested address",),
        cause="{addr} is not an address of this host (another host's, or one that comes up "
              "later than the service).",
        fix=(N("listen on \":{port}\" or on an address `ip -br addr` lists; for an address "
               "that comes up late, start after network-online.target"),),
        examples=("listen tcp 10.0.0.9:8080: bind: cannot assign requested address",)),
    Signature(
        "SYS-CA-UNTRUSTED", "system", "the server's certificate is signed by a CA this host does not trust",
        keys=("certificate signed by unknown authority",),
        patterns=(r"x509: certificate signed by unknown authority",),
        cause="The certificate chain ends at a CA that is not in this host's trust store: an "
              "internal CA, or a TLS-inspecting proxy (common for go get behind a company proxy).",
        fix=(N("add the CA's certificate (PEM) to /etc/pki/ca-trust/source/anchors/ and run "
               "update-ca-trust extract (Go reads the system store)"),),
        examples=("x509: certificate signed by unknown authority",)),
    Signature(
        "SYS-CERT-EXPIRED", "system", "a certificate is expired, or the clock is wrong",
        keys=("certificate has expired or is not yet valid",),
        patterns=(r"x509: certificate has expired or is not yet valid",),
        cause="Either the server's certificate really expired, or this host's clock is wrong "
              "(a VM restored from a snapshot, no NTP).",
        fix=(C("date", why="is the time right?"),
             N("if not: chronyc makestep (chronyd running); else renew the server's certificate")),
        confidence=MEDIUM,
        examples=("x509: certificate has expired or is not yet valid: current time 2026-12-07T10:00:00Z "
                  "is after 2025-01-01T00:00:00Z",)),
    Signature(
        "NET-TLS-PLAIN", "firewall", "TLS spoken to a plain-HTTP port (or the reverse)",
        keys=("first record does not look like a TLS handshake", "server gave HTTP response to HTTPS client"),
        patterns=(r"first record does not look like a TLS handshake",
                  r"server gave HTTP response to HTTPS client"),
        cause="One side speaks TLS and the other plain HTTP: an https:// URL for an http "
              "port, or a proxy URL with the wrong scheme.",
        fix=(N("use the scheme the server speaks (http:// or https://); for a plain-HTTP module "
               "proxy: GOINSECURE=HOST or an http:// GOPROXY"),),
        examples=("http: server gave HTTP response to HTTPS client",)),
    Signature(
        "SYS-MODULES-CONNTRACK-FULL", "firewall", "the connection-tracking table is full",
        keys=("table full, dropping packet",),
        patterns=(r"nf_conntrack: (?:nf_conntrack: )?table full, dropping packet",),
        cause="The kernel tracks every connection and its table is full: new connections are "
              "dropped (clients time out) until entries expire.",
        fix=(N("raise net.netfilter.nf_conntrack_max (a line in /etc/sysctl.d/90-conntrack.conf, "
               "then sysctl --system)"),),
        confirm=("SYS-MODULES-CONNTRACK-FULL",),
        examples=("nf_conntrack: table full, dropping packet",)),
    Signature(
        "SYS-MODULES-MERGED", "system", "a kernel module that newer kernels merged into another",
        keys=("modprobe: FATAL: Module nf_conntrack_ipv", "modprobe: FATAL: Module nf_defrag_ipv"),
        patterns=(r"modprobe: FATAL: Module (?P<module>nf_conntrack_ipv[46]|nf_defrag_ipv[46]) not found",),
        cause="{module} was merged into nf_conntrack in Linux 4.19 (EL8's 4.18 still has it; EL9 "
              "and EL10 do not): a script or modules-load.d file written for an older kernel "
              "asks for it.",
        fix=(N("load nf_conntrack instead, and replace the name in /etc/modules-load.d/*.conf"),),
        confirm=("SYS-MODULES-MERGED",),
        beats=("SYS-MODULES-MISSING",),
        examples=("modprobe: FATAL: Module nf_conntrack_ipv4 not found in directory "
                  "/lib/modules/5.14.0-427.el9.x86_64",)),
    Signature(
        "SYS-MODULES-MISSING", "system", "a kernel module is not installed for this kernel",
        keys=("modprobe: FATAL: Module",),
        patterns=(r"modprobe: FATAL: Module (?P<module>\S+) not found in directory (?P<dir>\S+)",),
        cause="{module} is not in {dir}: the kernel was updated and not rebooted (the running "
              "kernel's modules were removed), or the module is in a package not installed "
              "(kernel-modules-extra).",
        fix=(N("reboot into the installed kernel, or dnf install -y kernel-modules-extra-$(uname -r)"),),
        confirm=("SYS-MODULES-MISSING",),
        examples=("modprobe: FATAL: Module nf_conntrack not found in directory /lib/modules/5.14.0-427.el9.x86_64",)),
    Signature(
        "FW-DOCKER-ZONE-CONFLICT", "firewall", "firewalld and Docker disagree about docker0",
        keys=("ZONE_CONFLICT",),
        patterns=(r"ZONE_CONFLICT: '?(?P<iface>[\w.-]+)'? already bound to",),
        cause="docker0 is bound to one firewalld zone and Docker (or a script) tries to add it "
              "to another: newer firewalld has a `docker` zone that Docker manages.",
        fix=(N("remove {iface} from the other zone: firewall-cmd --permanent --zone=ZONE "
               "--remove-interface={iface}, then firewall-cmd --reload and restart docker",
               otherwise="remove the interface from the other zone and reload firewalld"),),
        confirm=("FW-DOCKER-ZONE",),
        examples=("ERROR: ZONE_CONFLICT: 'docker0' already bound to a zone",)),
    Signature(
        "FW-DOCKER-CHAINS-FLUSHED", "firewall", "firewalld removed Docker's iptables chains",
        keys=("No chain/target/match by that name", "Chain 'DOCKER' does not exist",
              "Chain 'DOCKER-"),
        patterns=(r"iptables.*-[AIt] (?:nat )?(?:-A |-I )?DOCKER.*No chain/target/match by that name",
                  r"Chain '(?P<chain>DOCKER[\w-]*)' does not exist",
                  r"No chain/target/match by that name"),
        cause="firewalld (or an iptables reload) started or reloaded after dockerd and removed "
              "Docker's DOCKER chains: publishing ports fails and published ports stop working.",
        fix=(C("systemctl", "restart", "docker", why="it creates its chains again"),
             N("and start docker after firewalld (Docker's unit orders itself After=firewalld.service)")),
        confirm=("FW-DOCKER-PUBLISHED",),
        confidence=MEDIUM,
        examples=("driver failed programming external connectivity on endpoint web: iptables failed: "
                  "iptables --wait -t nat -A DOCKER -p tcp -d 0/0 --dport 8080 -j DNAT: iptables: No "
                  "chain/target/match by that name.",)),
    Signature(
        "FW-CONFIG-UNKNOWN-SERVICE", "firewall", "firewalld does not know that service name",
        keys=("INVALID_SERVICE",),
        patterns=(r"INVALID_SERVICE: '?(?P<service>[^' ]+)'? not among existing services",
                  r"INVALID_SERVICE: (?P<service>\S+)"),
        cause="This firewalld defines no service {service} (names differ between versions and "
              "packages): nothing was opened.",
        fix=(C("firewall-cmd", "--get-services", why="the names it knows"),
             N("or open the port itself: firewall-cmd --permanent --add-port=PORT/tcp")),
        examples=("Error: INVALID_SERVICE: 'pscheduler' not among existing services",)),
    Signature(
        "FW-CLIENT-BANNED", "firewall", "fail2ban banned the client's address",
        keys=("] Ban ", "fail2ban"),
        patterns=(r"\[(?P<jail>[\w-]+)\] Ban (?P<addr>\S+)",),
        cause="fail2ban banned {addr} in the {jail} jail after failed logins: the firewall "
              "rejects (or drops) it until the ban expires.",
        fix=(C("fail2ban-client", "set", "{jail}", "unbanip", "{addr}",
               otherwise="fail2ban-client set JAIL unbanip ADDRESS"),
             N("and add admin addresses to ignoreip in /etc/fail2ban/jail.local")),
        beats=("FW-LISTEN-NONE", "FW-PORT-TIMEOUT"),
        examples=("2024-01-02 10:00:00,123 fail2ban.actions [811]: NOTICE [sshd] Ban 192.0.2.7",)),
    Signature(
        "NET-TLS-NAME", "firewall", "the certificate is for another name",
        keys=("certificate is valid for", "legacy Common Name field"),
        patterns=(r"x509: certificate is valid for (?P<names>.+), not (?P<name>\S+)",
                  r"x509: certificate relies on legacy Common Name field"),
        cause="The server's certificate does not name {name}, the name the client dialed (or, "
              "since Go 1.15, names it only in the Common Name, which Go no longer reads).",
        fix=(N("dial one of the names the certificate holds, or reissue the certificate with "
               "{name} in its subjectAltName (SAN)", otherwise="reissue the certificate with the "
               "name in its subjectAltName (SAN), or dial a name it holds"),),
        examples=("tls: failed to verify certificate: x509: certificate is valid for api.internal, not 10.0.0.5",
                  "x509: certificate relies on legacy Common Name field, use SANs instead")),
]
