"""Messages that look alarming and are no fault: explain says so and exits clean when a
paste holds nothing else.  Each `cause` says why it is harmless (and when it would not
be)."""

from gotriage.knowledge.signatures import Signature


def _benign(id, title, keys, patterns, why, examples):
    return Signature(id, "benign", title, keys=keys, patterns=patterns, cause=why, benign=True,
                     examples=examples)


SIGNATURES = [
    _benign("OK-GO-DOWNLOADING", "go downloading or resolving modules",
            ("go: downloading ", "go: finding module", "go: found ", "go: added ", "go: upgraded ",
             "go: extracting "),
            (r"^go: (?:downloading|finding module for package|found|added|upgraded|extracting) \S+",),
            "go reports its progress while it fetches modules (or a toolchain); an error, if "
            "any, comes on a line of its own.",
            ("go: downloading github.com/google/uuid v1.6.0",
             "go: finding module for package github.com/gorilla/mux")),
    _benign("OK-DNF-METADATA", "dnf's metadata age, progress and results",
            ("Last metadata expiration check", "上次元数据过期检查", "Dependencies resolved",
             "Nothing to do", "Complete!", "Loaded plugins:", "Determining fastest mirrors",
             "Package ", "无需任何处理", "完毕！", "依赖关系解决"),
            (r"^(?:Last metadata expiration check: .+|上次元数据过期检查：.+|Dependencies resolved\.?|"
             r"Nothing to do\.?|Complete!|Loaded plugins: .+|Determining fastest mirrors|"
             r"无需任何处理。?|完毕！|依赖关系解决。?)\s*$",
             r"^Package \S+ is already installed\.?\s*$"),
            "dnf (or yum) reporting what it did; no error.",
            ("Last metadata expiration check: 0:12:03 ago on Mon 07 Dec 2026 10:00:00 AM UTC.",
             "Dependencies resolved.", "Nothing to do.", "Complete!",
             "Loaded plugins: fastestmirror, ovl")),
    _benign("OK-SYSTEMD-STARTED", "systemd started or stopped a unit normally",
            ("Started ", "Deactivated successfully", "Succeeded.", "Stopped ", "Starting ",
             "Stopping "),
            (r"(?:^|: )(?:Started|Starting|Stopped|Stopping) [^:]+\.{1,3}\s*$",
             r"(?:^|: )(?:\S+\.service: )?(?:Deactivated successfully|Succeeded)\.\s*$"),
            "systemd reporting a normal start or stop.",
            ("Started api.service - Example Go API.", "api.service: Deactivated successfully.")),
    _benign("OK-LISTEN-ALL", "a listener on every address (IPv6 [::] also takes IPv4)",
            ("LISTEN", "*:", ":::"),
            (r"^(?:tcp6?\s+\d+\s+\d+\s+(?:::|\[::\]|0\.0\.0\.0|\*):(?P<port>\d+)\s+\S+\s+LISTEN"
             r"|LISTEN\s+\d+\s+\d+\s+(?:\[::\]|\*|0\.0\.0\.0|:::?):(?P<port2>\d+)\s)",),
            "A socket on [::] (or *) takes IPv4 clients too unless net.ipv6.bindv6only=1: it "
            "listens on every address.",
            ("tcp6       0      0 :::8080                 :::*                    LISTEN      2211/api",
             "LISTEN 0      4096               *:8080            *:*    users:((\"api\",pid=2211,fd=3))")),
    _benign("OK-GO-ENV-WARNING", "go env -w does not override the environment",
            ("does not override conflicting OS environment variable",),
            (r"warning: go env -w \S+ does not override conflicting OS environment variable",),
            "go env -w wrote the setting, and the environment variable of the same name "
            "still wins in this shell: not an error, but the setting has no effect until it "
            "is unset.",
            ("warning: go env -w GOPROXY=https://goproxy.cn,direct does not override conflicting "
             "OS environment variable",)),
    _benign("OK-ALREADY-ENABLED", "firewalld: already open",
            ("ALREADY_ENABLED",),
            (r"ALREADY_ENABLED: (?P<what>\S+)",),
            "firewall-cmd was asked to open what is already open; nothing changed.",
            ("Warning: ALREADY_ENABLED: 8080:tcp",)),
    _benign("OK-TLS-HANDSHAKE-EOF", "a Go server's TLS handshake error from a client that hung up",
            ("TLS handshake error from",),
            (r"http: TLS handshake error from \S+: (?:EOF|read: connection reset by peer|"
             r"tls: client offered only unsupported versions.*|remote error: tls: \w+ certificate)",),
            "A client (a load balancer's health check, a scanner, a browser that does not trust "
            "the certificate) opened a connection and left during the handshake; the server goes on.",
            ("http: TLS handshake error from 10.0.0.7:51234: EOF",)),
    _benign("OK-FIREWALLD-STOPPED", "firewalld is not running",
            ("FirewallD is not running", "firewalld is not running"),
            (r"(?i)firewalld is not running",),
            "firewall-cmd talks to the running daemon: firewalld is stopped, so it filters "
            "nothing and blocks no port (configure it while stopped with firewall-offline-cmd; "
            "systemctl enable --now firewalld starts it).",
            ("FirewallD is not running",)),
]
