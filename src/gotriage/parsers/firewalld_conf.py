"""/etc/firewalld/firewalld.conf: KEY=value lines, `#` comments.

Sample (firewalld 1.3.3, as shipped):

>>> conf = parse_firewalld_conf('''# default zone
... DefaultZone=public
... FirewallBackend=nftables
... AllowZoneDrifting=no
... ''')
>>> conf.get("DefaultZone"), conf.get("FirewallBackend"), conf.flag("AllowZoneDrifting")
('public', 'nftables', False)
>>> conf.lines["DefaultZone"], conf.evidence_line("FirewallBackend")
(2, 'FirewallBackend=nftables')

Only the keys that change what reaches a port matter here: DefaultZone, FirewallBackend
(nftables from 0.6.0, the default from 0.8 / RHEL 8; iptables before), AllowZoneDrifting
(0.8.x and 0.9.x only; ignored from 1.0), LogDenied, IPv6_rpfilter.
"""


class FirewalldConf(object):
    def __init__(self, values, lines, path=None):
        self.values = values  # KEY -> value (the last one wins, as in firewalld)
        self.lines = lines  # KEY -> 1-based line number
        self.path = path

    def get(self, key, default=None):
        return self.values.get(key, default)

    def flag(self, key, default=False):
        value = self.values.get(key)
        if value is None:
            return default
        return value.strip().lower() in ("yes", "true", "1")

    def evidence_line(self, key):
        if key not in self.values:
            return None
        return "%s=%s" % (key, self.values[key])


def parse_firewalld_conf(text, path="/etc/firewalld/firewalld.conf"):
    values, lines = {}, {}
    for number, raw in enumerate((text or "").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key] = value
        lines[key] = number
    return FirewalldConf(values, lines, path)
