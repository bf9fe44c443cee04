"""firewalld rich rules: the string language of firewalld.richlanguage(5), and the same
rules read from a zone or policy XML file.

Samples (from `firewall-cmd --list-all-zones`, and firewalld's own unit test):

>>> rule = parse_rich_rule('rule priority="-5" family="ipv4" source address="10.199.1.2" port port="8080" protocol="tcp" accept')
>>> rule.priority, rule.family, rule.source.address, rule.element.kind, rule.element.get("port"), rule.action.kind, rule.chain
(-5, 'ipv4', '10.199.1.2', 'port', '8080', 'accept', 'pre')
>>> rule = parse_rich_rule('rule family="ipv4" source NOT address="192.168.0.0/24" service name="dns" log prefix="dns: " level="info" limit value="2/m" drop')
>>> rule.source.invert, rule.element.get("name"), rule.log.prefix, rule.log.level, rule.log.limit.value, rule.action.kind
(True, 'dns', 'dns: ', 'info', '2/m', 'drop')
>>> rule = parse_rich_rule('rule family="ipv6" source address="1:2:3:4:6::" forward-port port="4011" protocol="tcp" to-port="4012" to-addr="1::2:3:4:7"')
>>> rule.element.kind, rule.element.get("to-port"), rule.element.get("to-addr"), rule.chain
('forward-port', '4012', '1::2:3:4:7', 'allow')
>>> print(rule)   # firewalld 1.x's canonical form
rule family="ipv6" source address="1:2:3:4:6::" forward-port port="4011" protocol="tcp" to-port="4012" to-addr="1::2:3:4:7"

A rule firewalld refuses, with its error code:

>>> try:
...     parse_rich_rule('rule source address="10.0.0.0/8" port port="8080" protocol="tcp" accept')
... except RichRuleError as exc:
...     print(exc.code)
MISSING_FAMILY

The grammar and the checks follow firewalld's `Rich_Rule` (firewall/core/rich.py): the
same elements, the same "one element, one log, one audit, one action" rules and the same
error codes (INVALID_RULE, MISSING_FAMILY, INVALID_LIMIT...), and `str(rule)` is the
canonical form firewalld 1.x prints (`firewall-cmd --list-rich-rules`).  Where newer
firewalld accepts more (a `burst` on limits) the newer grammar is followed, so that a
configuration written for a newer firewalld still reads.  Checked against the 58 rule
strings of firewalld's test suite (tests/test_firewall_rich.py).
"""

import ipaddress
import re
import shlex

# Rich rule elements and their attributes (firewalld 1.x and 2.x).
ELEMENTS = ("rule", "source", "destination", "protocol", "service", "port", "icmp-block",
            "icmp-type", "masquerade", "forward-port", "source-port", "log", "nflog", "audit",
            "accept", "drop", "reject", "mark", "limit", "not", "NOT", "tcp-mss-clamp")
ATTRIBUTES = ("priority", "family", "address", "mac", "ipset", "invert", "value", "port",
              "protocol", "to-port", "to-addr", "name", "group", "prefix", "level",
              "queue-size", "type", "set", "burst")
LOG_LEVELS = ("emerg", "alert", "crit", "error", "warning", "notice", "info", "debug")
# firewall/core/base.py REJECT_TYPES
REJECT_TYPES = {
    "ipv4": ("icmp-host-prohibited", "host-prohib", "icmp-net-unreachable", "net-unreach",
             "icmp-host-unreachable", "host-unreach", "icmp-port-unreachable", "port-unreach",
             "icmp-proto-unreachable", "proto-unreach", "icmp-net-prohibited", "net-prohib",
             "tcp-reset", "tcp-rst", "icmp-admin-prohibited", "admin-prohib"),
    "ipv6": ("icmp6-adm-prohibited", "adm-prohibited", "icmp6-no-route", "no-route",
             "icmp6-addr-unreachable", "addr-unreach", "icmp6-port-unreachable", "port-unreach",
             "tcp-reset"),
}
PORT_PROTOCOLS = ("tcp", "udp", "sctp", "dccp")
# Protocol names firewalld accepts through getprotobyname (the usual /etc/protocols).
PROTOCOL_NAMES = {
    "ip": 0, "icmp": 1, "igmp": 2, "ggp": 3, "ipencap": 4, "st": 5, "tcp": 6, "egp": 8,
    "igp": 9, "pup": 12, "udp": 17, "hmp": 20, "xns-idp": 22, "rdp": 27, "iso-tp4": 29,
    "dccp": 33, "xtp": 36, "ddp": 37, "idpr-cmtp": 38, "ipv6": 41, "ipv6-route": 43,
    "ipv6-frag": 44, "idrp": 45, "rsvp": 46, "gre": 47, "esp": 50, "ah": 51, "skip": 57,
    "ipv6-icmp": 58, "ipv6-nonxt": 59, "ipv6-opts": 60, "rspf": 73, "vmtp": 81,
    "eigrp": 88, "ospf": 89, "ax.25": 93, "ipip": 94, "etherip": 97, "encap": 98,
    "pim": 103, "ipcomp": 108, "vrrp": 112, "l2tp": 115, "isis": 124, "sctp": 132,
    "fc": 133, "mobility-header": 135, "udplite": 136, "mpls-in-ip": 137, "manet": 138,
    "hip": 139, "shim6": 140, "wesp": 141, "rohc": 142, "ethernet": 143,
}
# A few port names firewalld resolves with getservbyname (rarely used in rules).
PORT_NAMES = {"ssh": 22, "http": 80, "https": 443, "ftp": 21, "telnet": 23, "smtp": 25,
              "domain": 53, "dns": 53}


class RichRuleError(ValueError):
    """An invalid rich rule; `code` is firewalld's error name (INVALID_RULE...)."""

    def __init__(self, code, message=""):
        self.code = code
        self.message = message
        ValueError.__init__(self, "%s: %s" % (code, message) if message else code)


class Limit(object):
    __slots__ = ("value", "burst")

    def __init__(self, value, burst=None):
        if value is not None and "/" in value:
            rate, _, unit = value.partition("/")
            if unit in ("second", "minute", "hour", "day"):
                value = "%s/%s" % (rate, unit[:1])
        self.value = value
        self.burst = burst

    def check(self):
        value = self.value or ""
        parts = value.split("/")
        if len(parts) != 2:
            raise RichRuleError("INVALID_LIMIT", value)
        try:
            rate = int(parts[0])
        except ValueError:
            raise RichRuleError("INVALID_LIMIT", value) from None
        unit = parts[1]
        if rate < 1 or unit not in ("s", "m", "h", "d"):
            raise RichRuleError("INVALID_LIMIT", value)
        mult = {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit]
        if 10000 * mult // rate == 0:
            raise RichRuleError("INVALID_LIMIT", "%s too fast" % value)
        if rate == 1 and unit == "d":
            raise RichRuleError("INVALID_LIMIT", "%s too slow" % value)
        if self.burst is not None:
            if not _is_number(self.burst) or not 1 <= int(self.burst) <= 65535:
                raise RichRuleError("INVALID_LIMIT", "burst %s" % self.burst)

    def __str__(self):
        return 'limit value="%s"%s' % (self.value, ' burst="%s"' % self.burst if self.burst else "")


def _limit_suffix(limit):
    return " %s" % limit if limit else ""


class Address(object):
    """A source or destination: address, mac or ipset, maybe inverted."""

    __slots__ = ("kind", "address", "mac", "ipset", "invert")

    def __init__(self, kind, address=None, mac=None, ipset=None, invert=False):
        self.kind = kind  # "source" / "destination"
        self.address, self.mac, self.ipset, self.invert = address, mac, ipset, bool(invert)

    def __str__(self):
        head = "%s%s " % (self.kind, " NOT" if self.invert else "")
        if self.address is not None:
            return head + 'address="%s"' % self.address
        if self.mac is not None:
            return head + 'mac="%s"' % self.mac
        if self.ipset is not None:
            return head + 'ipset="%s"' % self.ipset
        return head.strip()


class Element(object):
    """The rule's one element: service, port, protocol, icmp-block, icmp-type,
    masquerade, forward-port, source-port or tcp-mss-clamp, with its attributes."""

    __slots__ = ("kind", "attrs")

    def __init__(self, kind, **attrs):
        self.kind = kind
        self.attrs = attrs

    def get(self, name):
        return self.attrs.get(name)

    def __str__(self):
        a = self.attrs
        if self.kind == "service":
            return 'service name="%s"' % a.get("name")
        if self.kind in ("port", "source-port"):
            return '%s port="%s" protocol="%s"' % (self.kind, a.get("port"), a.get("protocol"))
        if self.kind == "protocol":
            return 'protocol value="%s"' % a.get("value")
        if self.kind in ("icmp-block", "icmp-type"):
            return '%s name="%s"' % (self.kind, a.get("name"))
        if self.kind == "masquerade":
            return "masquerade"
        if self.kind == "forward-port":
            return 'forward-port port="%s" protocol="%s"%s%s' % (
                a.get("port"), a.get("protocol"),
                ' to-port="%s"' % a["to-port"] if a.get("to-port") else "",
                ' to-addr="%s"' % a["to-addr"] if a.get("to-addr") else "")
        if self.kind == "tcp-mss-clamp":
            return 'tcp-mss-clamp value="%s"' % a["value"] if a.get("value") else "tcp-mss-clamp"
        return self.kind


class Log(object):
    """log, nflog or audit, with its limit."""

    __slots__ = ("kind", "prefix", "level", "group", "queue_size", "limit")

    def __init__(self, kind, prefix=None, level=None, group=None, queue_size=None, limit=None):
        self.kind = kind
        self.prefix, self.level, self.group, self.queue_size = prefix, level, group, queue_size
        self.limit = limit

    def check(self):
        if self.prefix and len(self.prefix) > 127:
            raise RichRuleError("INVALID_LOG_PREFIX", "maximum accepted length of 'prefix' is 127.")
        if self.kind == "log" and self.level and self.level not in LOG_LEVELS:
            raise RichRuleError("INVALID_LOG_LEVEL", self.level)
        if self.kind == "nflog":
            if self.group and not _uint(self.group, 65535):
                raise RichRuleError("INVALID_NFLOG_GROUP", str(self.group))
            if self.queue_size and not _uint(self.queue_size, 65535):
                raise RichRuleError("INVALID_NFLOG_QUEUE", str(self.queue_size))
        if self.limit is not None:
            self.limit.check()

    def __str__(self):
        if self.kind == "audit":
            return "audit" + _limit_suffix(self.limit)
        if self.kind == "nflog":
            return "nflog%s%s%s%s" % (' group="%s"' % self.group if self.group else "",
                                      ' prefix="%s"' % self.prefix if self.prefix else "",
                                      ' queue-size="%s"' % self.queue_size if self.queue_size else "",
                                      _limit_suffix(self.limit))
        return "log%s%s%s" % (' prefix="%s"' % self.prefix if self.prefix else "",
                              ' level="%s"' % self.level if self.level else "",
                              _limit_suffix(self.limit))


class Action(object):
    """accept, reject [type], drop or mark set=..., with its limit."""

    __slots__ = ("kind", "type", "set", "limit")

    def __init__(self, kind, type=None, set=None, limit=None):
        self.kind, self.type, self.set, self.limit = kind, type, set, limit

    def __str__(self):
        if self.kind == "reject":
            return "reject%s%s" % (' type="%s"' % self.type if self.type else "",
                                   _limit_suffix(self.limit))
        if self.kind == "mark":
            return "mark set=%s%s" % (self.set, _limit_suffix(self.limit))
        return self.kind + _limit_suffix(self.limit)


class RichRule(object):
    __slots__ = ("priority", "family", "source", "destination", "element", "log", "audit",
                 "action", "origin")

    PRIORITY_MIN, PRIORITY_MAX = -32768, 32767

    def __init__(self):
        self.priority = 0
        self.family = None
        self.source = None
        self.destination = None
        self.element = None
        self.log = None
        self.audit = None
        self.action = None
        self.origin = None  # (path, line) or a description, filled by whoever read it

    # -- where firewalld puts it ------------------------------------------------------------
    @property
    def chain(self):
        """The zone or policy sub-chain firewalld puts the rule's action in: pre
        (priority < 0), post (> 0), else by action: deny (reject, drop, icmp-block),
        allow (accept, mark, masquerade, forward-port), or log for a rule that only logs
        (firewall/core/nftables.py _rich_rule_chain_suffix)."""
        if self.priority < 0:
            return "pre"
        if self.priority > 0:
            return "post"
        kind = self.element.kind if self.element else None
        if kind in ("masquerade", "forward-port") or (self.action and self.action.kind in ("accept", "mark")):
            return "allow"
        if kind == "icmp-block" or (self.action and self.action.kind in ("reject", "drop")):
            return "deny"
        return "log"

    def __str__(self):
        out = "rule"
        if self.priority:
            out += ' priority="%d"' % self.priority
        if self.family:
            out += ' family="%s"' % self.family
        for part in (self.source, self.destination, self.element, self.log, self.audit, self.action):
            if part is not None:
                out += " %s" % part
        return out

    __repr__ = __str__

    # -- validation (firewalld's Rich_Rule.check) --------------------------------------------
    def check(self):
        if self.family is not None and self.family not in ("ipv4", "ipv6"):
            raise RichRuleError("INVALID_FAMILY", self.family)
        if self.family is None:
            if (self.source is not None and self.source.address is not None) or \
                    self.destination is not None:
                raise RichRuleError("MISSING_FAMILY")
            if self.element is not None and self.element.kind == "forward-port":
                raise RichRuleError("MISSING_FAMILY")
        if not self.PRIORITY_MIN <= self.priority <= self.PRIORITY_MAX:
            raise RichRuleError("INVALID_PRIORITY", "'priority' attribute must be between %d and %d."
                                % (self.PRIORITY_MIN, self.PRIORITY_MAX))
        kind = self.element.kind if self.element else None
        if self.element is None and (self.log is None or self.priority == 0):
            if self.action is None:
                raise RichRuleError("INVALID_RULE", "no element, no action")
            if self.source is None and self.destination is None and self.priority == 0:
                raise RichRuleError("INVALID_RULE", "no element, no source, no destination")
        if kind not in ("icmp-block", "forward-port", "masquerade", "tcp-mss-clamp"):
            if self.log is None and self.audit is None and self.action is None:
                raise RichRuleError("INVALID_RULE", "no action, no log, no audit")
        for where in (self.source, self.destination):
            if where is None:
                continue
            if where.address is not None:
                if self.family is None:
                    raise RichRuleError("INVALID_FAMILY")
                if where.mac is not None or where.ipset is not None:
                    raise RichRuleError("INVALID_RULE" if where.kind == "source" else "INVALID_DESTINATION",
                                        "address and %s" % ("mac" if where.mac is not None else "ipset"))
                if not _check_network(self.family, where.address):
                    raise RichRuleError("INVALID_ADDR", where.address)
            elif where.mac is not None:
                if where.ipset is not None:
                    raise RichRuleError("INVALID_RULE", "mac and ipset")
                if not re.match(r"^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$", where.mac):
                    raise RichRuleError("INVALID_MAC", where.mac)
            elif where.ipset is not None:
                if len(where.ipset) > 31:
                    raise RichRuleError("INVALID_IPSET", where.ipset)
            else:
                raise RichRuleError("INVALID_RULE", "invalid %s" % where.kind)
        a = self.element.attrs if self.element else {}
        if kind == "service":
            if not a.get("name"):
                raise RichRuleError("INVALID_SERVICE", str(a.get("name")))
        elif kind in ("port", "source-port"):
            if parse_port_range(a.get("port")) is None:
                raise RichRuleError("INVALID_PORT", str(a.get("port")))
            if a.get("protocol") not in PORT_PROTOCOLS:
                raise RichRuleError("INVALID_PROTOCOL", str(a.get("protocol")))
        elif kind == "protocol":
            if protocol_number(a.get("value")) is None:
                raise RichRuleError("INVALID_PROTOCOL", str(a.get("value")))
        elif kind == "masquerade":
            if self.action is not None:
                raise RichRuleError("INVALID_RULE", "masquerade and action")
            if self.source is not None and self.source.mac is not None:
                raise RichRuleError("INVALID_RULE", "masquerade and mac source")
        elif kind in ("icmp-block", "icmp-type"):
            if not a.get("name"):
                raise RichRuleError("INVALID_ICMPTYPE", str(a.get("name")))
            if kind == "icmp-block" and self.action:
                raise RichRuleError("INVALID_RULE", "icmp-block and action")
        elif kind == "forward-port":
            if parse_port_range(a.get("port")) is None:
                raise RichRuleError("INVALID_PORT", str(a.get("port")))
            if a.get("protocol") not in PORT_PROTOCOLS:
                raise RichRuleError("INVALID_PROTOCOL", str(a.get("protocol")))
            if not a.get("to-port") and not a.get("to-addr"):
                raise RichRuleError("INVALID_PORT", "")
            if a.get("to-port") and parse_port_range(a["to-port"]) is None:
                raise RichRuleError("INVALID_PORT", a["to-port"])
            if a.get("to-addr") and not _check_address(self.family, a["to-addr"]):
                raise RichRuleError("INVALID_ADDR", a["to-addr"])
            if self.action is not None:
                raise RichRuleError("INVALID_RULE", "forward-port and action")
        elif kind == "tcp-mss-clamp":
            if self.action is not None:
                raise RichRuleError("INVALID_RULE", "tcp-mss-clamp and action")
            value = a.get("value")
            if value and not (value == "pmtu" or (_is_number(value) and int(value) >= 536)):
                raise RichRuleError("INVALID_RULE", value)
        if self.log is not None:
            self.log.check()
        if self.audit is not None:
            if self.action is None or self.action.kind not in ("accept", "reject", "drop"):
                raise RichRuleError("INVALID_AUDIT_TYPE", str(self.action.kind if self.action else None))
            if self.audit.limit is not None:
                self.audit.limit.check()
        if self.action is not None:
            if self.action.kind == "reject" and self.action.type:
                if not self.family:
                    raise RichRuleError("INVALID_RULE", "When using reject type you must specify also rule family.")
                if self.action.type not in REJECT_TYPES[self.family]:
                    raise RichRuleError("INVALID_RULE", "Wrong reject type %s." % self.action.type)
            if self.action.kind == "mark":
                if not _check_mark(self.action.set):
                    raise RichRuleError("INVALID_MARK", str(self.action.set))
            if self.action.limit is not None:
                self.action.limit.check()
        return self


# ---------------------------------------------------------------------------------------
def _uint(text, maximum):
    try:
        value = int(text)
    except (TypeError, ValueError):
        return False
    return 0 <= value <= maximum


def _check_mark(value):
    if value is None:
        return False
    parts = value.split("/")
    if len(parts) > 2:
        return False
    for part in parts:
        try:
            number = int(part, 0)
        except ValueError:
            return False
        if not 0 <= number <= 0xFFFFFFFF:
            return False
    return True


def _check_network(family, text):
    try:
        net = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return net.version == (4 if family == "ipv4" else 6)


def _check_address(family, text):
    try:
        addr = ipaddress.ip_address(text)
    except ValueError:
        return False
    return addr.version == (4 if family == "ipv4" else 6)


_NUMBER = re.compile(r"[0-9]+\Z")


def _is_number(text):
    """Digits 0-9 only: str.isdigit() is also true for "²" or "٣", which int() refuses
    or reads as another number, and firewalld takes neither."""
    return _NUMBER.match(text) is not None


def protocol_number(value):
    """A protocol name or number as its number, or None when firewalld would refuse it."""
    if value is None:
        return None
    text = str(value).strip()
    if _is_number(text):
        number = int(text)
        return number if 0 <= number <= 255 else None
    return PROTOCOL_NAMES.get(text.lower())


def parse_port_range(text):
    """'8080' -> (8080, 8080); '8080-8083' -> (8080, 8083); 'ssh' -> (22, 22); None if bad."""
    if text is None:
        return None
    text = str(text).strip()
    if _is_number(text):
        value = int(text)
        return (value, value) if 0 <= value <= 65535 else None
    if text in PORT_NAMES:
        return (PORT_NAMES[text], PORT_NAMES[text])
    parts = text.split("-")
    if len(parts) == 2 and all(p in PORT_NAMES or _is_number(p) for p in parts):
        low, high = [PORT_NAMES[p] if p in PORT_NAMES else int(p) for p in parts]
        if max(low, high) > 65535:
            return None
        return (min(low, high), max(low, high))
    return None


# ---------------------------------------------------------------------------------------
_NONPRINT = dict.fromkeys(list(range(0, 32)) + list(range(127, 160)), None)


def _tokens(text):
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise RichRuleError("INVALID_RULE", str(exc)) from None
    tokens = []
    for word in words:
        if "=" in word:
            parts = word.split("=")
            if len(parts) != 2 or not parts[0] or not parts[1]:
                raise RichRuleError("INVALID_RULE", "bad token %s" % word)
            tokens.append((None, parts[0], parts[1]))
        else:
            tokens.append((word, None, None))
    tokens.append(("<EOL>", None, None))
    return tokens


def parse_rich_rule(text):
    """A RichRule from its string, checked; RichRuleError (with firewalld's code) if invalid."""
    if not text or not text.strip():
        raise RichRuleError("INVALID_RULE", "empty rule")
    tokens = _tokens(text.translate(_NONPRINT))
    rule = RichRule()
    stack, attrs, index = [], {}, 0
    while True:
        element, name, value = tokens[index]
        if element == "<EOL>" and stack == ["rule"]:
            break
        if name is not None:
            if name not in ATTRIBUTES:
                raise RichRuleError("INVALID_RULE", "bad attribute '%s'" % name)
        elif element != "<EOL>":
            if element not in ELEMENTS:
                raise RichRuleError("INVALID_RULE", "unknown element %s" % element)
            if element == "source" and rule.source:
                raise RichRuleError("INVALID_RULE", "more than one 'source' element")
            if element == "destination" and rule.destination:
                raise RichRuleError("INVALID_RULE", "more than one 'destination' element")
            if element in ("protocol", "service", "port", "icmp-block", "icmp-type",
                           "masquerade", "forward-port", "source-port", "tcp-mss-clamp") and rule.element:
                raise RichRuleError("INVALID_RULE", "more than one element: '%s' and '%s'" % (
                    element, rule.element.kind))
            if element in ("log", "nflog") and rule.log:
                raise RichRuleError("INVALID_RULE", "more than one logging element")
            if element == "audit" and rule.audit:
                raise RichRuleError("INVALID_RULE", "more than one 'audit' element")
            if element in ("accept", "drop", "reject", "mark") and rule.action:
                raise RichRuleError("INVALID_RULE", "more than one action: '%s' and '%s'" % (
                    element, rule.action.kind))
        where = stack[-1] if stack else ""
        if where == "":
            if name is not None:
                raise RichRuleError("INVALID_RULE", "'%s' outside of rule" % name)
            if element != "rule":
                raise RichRuleError("INVALID_RULE", "'%s' outside of rule" % element)
            stack.append("rule")
        elif where == "rule":
            if name == "family":
                if value not in ("ipv4", "ipv6"):
                    raise RichRuleError("INVALID_RULE", "'family' cannot be '%s'" % value)
                rule.family = value
            elif name == "priority":
                try:
                    rule.priority = int(value)
                except ValueError:
                    raise RichRuleError("INVALID_PRIORITY", value) from None
            elif name is not None:
                raise RichRuleError("INVALID_RULE", "attribute '%s' outside of any element" % name)
            elif element == "<EOL>":
                raise RichRuleError("INVALID_RULE", "unexpected end of rule")
            else:
                stack.append(element)
        elif where in ("source", "destination"):
            allowed = ("address", "mac", "ipset", "invert") if where == "source" else ("address", "ipset", "invert")
            if name in allowed:
                attrs[name] = value
            elif element in ("not", "NOT"):
                attrs["invert"] = True
            else:
                invert = attrs.get("invert", False)
                if isinstance(invert, str):
                    invert = invert.lower() in ("true", "yes", "1")
                made = Address(where, attrs.get("address"), attrs.get("mac"), attrs.get("ipset"), invert)
                if where == "source":
                    rule.source = made
                else:
                    rule.destination = made
                stack.pop()
                attrs.clear()
                index -= 1
        elif where in ("protocol", "service", "icmp-block", "icmp-type"):
            key = "value" if where == "protocol" else "name"
            if name != key:
                raise RichRuleError("INVALID_RULE", "invalid '%s' element" % where)
            rule.element = Element(where, **{key: value})
            stack.pop()
        elif where in ("port", "source-port", "forward-port", "tcp-mss-clamp"):
            allowed = {"port": ("port", "protocol"), "source-port": ("port", "protocol"),
                       "forward-port": ("port", "protocol", "to-port", "to-addr"),
                       "tcp-mss-clamp": ("value",)}[where]
            if name in allowed:
                attrs[name] = value
            else:
                rule.element = Element(where, **dict(attrs))
                stack.pop()
                attrs.clear()
                index -= 1
        elif where == "masquerade":
            rule.element = Element("masquerade")
            stack.pop()
            attrs.clear()
            index -= 1
        elif where in ("log", "nflog", "audit", "accept", "drop", "reject", "mark"):
            allowed = {"log": ("prefix", "level"), "nflog": ("group", "prefix", "queue-size"),
                       "reject": ("type",), "mark": ("set",)}.get(where, ())
            if name in allowed:
                attrs[name] = value
            elif element == "limit":
                stack.append("limit")
            else:
                limit = attrs.get("limit")
                if where == "log":
                    rule.log = Log("log", prefix=attrs.get("prefix"), level=attrs.get("level"), limit=limit)
                elif where == "nflog":
                    rule.log = Log("nflog", prefix=attrs.get("prefix"), group=attrs.get("group"),
                                   queue_size=attrs.get("queue-size"), limit=limit)
                elif where == "audit":
                    rule.audit = Log("audit", limit=limit)
                else:
                    rule.action = Action(where, type=attrs.get("type"), set=attrs.get("set"), limit=limit)
                stack.pop()
                attrs.clear()
                index -= 1
        elif where == "limit":
            if name == "value":
                attrs["limit"] = Limit(value, attrs.pop("_burst", None))
                if tokens[index + 1][1] == "burst":
                    attrs["limit"].burst = tokens[index + 1][2]
                    index += 1
                stack.pop()
            elif name == "burst":
                attrs["_burst"] = value
            else:
                raise RichRuleError("INVALID_RULE", "invalid 'limit' element")
        index += 1
    return rule.check()


def rich_rule_from_xml(element):
    """A RichRule from a zone or policy file's <rule> (an ElementTree element), checked."""
    rule = RichRule()
    family = element.get("family")
    if family:
        rule.family = family
    if element.get("priority"):
        try:
            rule.priority = int(element.get("priority"))
        except ValueError:
            raise RichRuleError("INVALID_PRIORITY", element.get("priority")) from None

    def _limit(child):
        found = child.find("limit")
        if found is None:
            return None
        return Limit(found.get("value"), found.get("burst"))

    def _invert(child):
        return (child.get("invert") or "").lower() in ("true", "yes", "1")

    for child in element:
        tag = child.tag
        if tag == "source":
            rule.source = Address("source", child.get("address"), child.get("mac"),
                                  child.get("ipset"), _invert(child))
        elif tag == "destination":
            rule.destination = Address("destination", child.get("address"), None,
                                       child.get("ipset"), _invert(child))
        elif tag in ("service", "icmp-block", "icmp-type"):
            rule.element = Element(tag, name=child.get("name"))
        elif tag == "protocol":
            rule.element = Element(tag, value=child.get("value"))
        elif tag in ("port", "source-port"):
            rule.element = Element(tag, port=child.get("port"), protocol=child.get("protocol"))
        elif tag == "forward-port":
            rule.element = Element(tag, **{"port": child.get("port"), "protocol": child.get("protocol"),
                                           "to-port": child.get("to-port"), "to-addr": child.get("to-addr")})
        elif tag == "masquerade":
            rule.element = Element(tag)
        elif tag == "tcp-mss-clamp":
            rule.element = Element(tag, value=child.get("value"))
        elif tag == "log":
            rule.log = Log("log", prefix=child.get("prefix"), level=child.get("level"), limit=_limit(child))
        elif tag == "nflog":
            rule.log = Log("nflog", prefix=child.get("prefix"), group=child.get("group"),
                           queue_size=child.get("queue-size"), limit=_limit(child))
        elif tag == "audit":
            rule.audit = Log("audit", limit=_limit(child))
        elif tag in ("accept", "drop", "reject", "mark"):
            rule.action = Action(tag, type=child.get("type"), set=child.get("set"), limit=_limit(child))
        else:
            raise RichRuleError("INVALID_RULE", "unknown element <%s>" % tag)
    return rule.check()
