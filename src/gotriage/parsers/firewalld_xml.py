"""firewalld's XML configuration files: zones, services, policies, ipsets, direct rules.

Zone (EL9 /etc/firewalld/zones/public.xml after `firewall-cmd --permanent --add-port=8080/tcp`
and a rich rule):

>>> zone = parse_zone('''<?xml version="1.0" encoding="utf-8"?>
... <zone>
...   <short>Public</short>
...   <service name="ssh"/>
...   <service name="dhcpv6-client"/>
...   <port port="8080" protocol="tcp"/>
...   <rule family="ipv4" priority="-5">
...     <source address="10.199.1.2"/>
...     <port port="8080" protocol="tcp"/>
...     <accept/>
...   </rule>
...   <forward/>
... </zone>
... ''', "public", "/etc/firewalld/zones/public.xml")
>>> zone.short, zone.target, zone.services, [(p.port, p.protocol) for p in zone.ports], zone.forward
('Public', 'default', ['ssh', 'dhcpv6-client'], [('8080', 'tcp')], True)
>>> print(zone.rules[0])
rule priority="-5" family="ipv4" source address="10.199.1.2" port port="8080" protocol="tcp" accept

Service (/usr/lib/firewalld/services/mdns.xml):

>>> service = parse_service('''<service>
...   <port protocol="udp" port="5353"/>
...   <destination ipv4="224.0.0.251" ipv6="ff02::fb"/>
... </service>
... ''', "mdns")
>>> [(p.port, p.protocol) for p in service.ports], service.destination["ipv4"], service.destination["ipv6"]
([('5353', 'udp')], '224.0.0.251', 'ff02::fb')

Policy (firewalld >= 0.9): the zone elements plus `<ingress-zone name="ANY"/>`,
`<egress-zone name="HOST"/>`, `priority` and `target` (CONTINUE, ACCEPT, REJECT, DROP).
IPSet and direct rules:

>>> ipset = parse_ipset('''<ipset type="hash:ip"><option name="family" value="inet6"/>
... <entry>2001:db8::1</entry></ipset>''', "goclients")
>>> ipset.type, ipset.family, ipset.entries
('hash:ip', 'ipv6', ['2001:db8::1'])
>>> direct = parse_direct('''<direct><rule ipv="ipv4" table="filter" chain="INPUT" priority="0">-s 10.0.0.1 -j DROP</rule></direct>''')
>>> [(r.ipv, r.table, r.chain, r.priority, r.args) for r in direct.rules]
[('ipv4', 'filter', 'INPUT', 0, '-s 10.0.0.1 -j DROP')]

The same reader takes firewalld 0.6 (EL7) files (no policies, no rich rule priorities)
and 2.x ones (zone `ingress-priority`/`egress-priority`).  A file that is not XML, or
has the wrong root element, raises ConfigError; a rich rule that firewalld would refuse
is kept in `bad_rules` (firewalld refuses to load such a zone: the check reports it) and
the rest of the file is still read:

>>> try:
...     parse_zone('<zone><port port="8080" protocol="tcp"></zone>', "public", "public.xml")
... except ConfigError as exc:
...     print(str(exc).split(" (")[0])    # then expat's message, which names line and column
public.xml: not valid XML
>>> zone = parse_zone('''<zone><port port="8080" protocol="tcp"/>
...   <rule><source address="10.0.0.0/8"/><port port="8080" protocol="tcp"/><accept/></rule></zone>''', "public")
>>> [(" ".join(text.split()), err.code) for text, err in zone.bad_rules], len(zone.ports)
([('<rule><source address="10.0.0.0/8" /><port port="8080" protocol="tcp" /><accept /></rule>', 'MISSING_FAMILY')], 1)
"""

import re
import xml.etree.ElementTree as ET

from gotriage.parsers.firewalld_rich import RichRuleError, rich_rule_from_xml


class ConfigError(ValueError):
    """A configuration file that cannot be read as what it should be."""


class PortSpec(object):
    """A port or port range with its protocol: '8080/tcp', '8080-8083/tcp'."""

    __slots__ = ("port", "protocol", "low", "high")

    def __init__(self, port, protocol):
        from gotriage.parsers.firewalld_rich import parse_port_range

        self.port, self.protocol = str(port), protocol
        rng = parse_port_range(self.port)
        self.low, self.high = rng if rng else (None, None)

    def matches(self, protocol, port):
        return protocol == self.protocol and self.low is not None and self.low <= port <= self.high

    def __str__(self):
        return "%s/%s" % (self.port, self.protocol)

    __repr__ = __str__


class ForwardPort(object):
    __slots__ = ("port", "protocol", "to_port", "to_addr")

    def __init__(self, port, protocol, to_port=None, to_addr=None):
        self.port, self.protocol, self.to_port, self.to_addr = port, protocol, to_port or "", to_addr or ""

    def __str__(self):
        return "port=%s:proto=%s:toport=%s:toaddr=%s" % (self.port, self.protocol, self.to_port, self.to_addr)


class ZoneLike(object):
    """What zones and policies share: services, ports, protocols, source ports, icmp
    blocks, forward ports, masquerade and rich rules, plus where it was read from."""

    def __init__(self, name, kind="zone"):
        self.name = name
        self.kind = kind
        self.path = None
        self.target = "default" if kind == "zone" else "CONTINUE"
        self.short = None
        self.services = []
        self.ports = []
        self.protocols = []
        self.source_ports = []
        self.icmp_blocks = []
        self.icmp_block_inversion = False
        self.forward_ports = []
        self.masquerade = False
        self.forward = False
        self.rules = []
        self.bad_rules = []  # (text, error) of rules firewalld would refuse
        # zones
        self.interfaces = []
        self.sources = []  # strings: address/network, "ipset:NAME" or a MAC
        self.ingress_priority = 0
        self.egress_priority = 0
        # policies
        self.priority = -1
        self.ingress_zones = []
        self.egress_zones = []


class Service(object):
    def __init__(self, name):
        self.name = name
        self.path = None
        self.short = None
        self.ports = []
        self.protocols = []
        self.source_ports = []
        self.destination = {}  # {"ipv4": addr, "ipv6": addr}
        self.includes = []
        self.helpers = []


class IPSet(object):
    def __init__(self, name):
        self.name = name
        self.path = None
        self.type = None
        self.options = {}
        self.entries = []

    @property
    def family(self):
        return "ipv6" if self.options.get("family") == "inet6" else "ipv4"


class DirectRule(object):
    __slots__ = ("ipv", "table", "chain", "priority", "args", "path")

    def __init__(self, ipv, table, chain, priority, args, path=None):
        self.ipv, self.table, self.chain, self.args, self.path = ipv, table, chain, args, path
        try:
            self.priority = int(priority)
        except (TypeError, ValueError):
            self.priority = 0

    def __str__(self):
        return "%s %s %s %d %s" % (self.ipv, self.table, self.chain, self.priority, self.args)


class Direct(object):
    def __init__(self):
        self.path = None
        self.chains = []  # (ipv, table, chain)
        self.rules = []
        self.passthroughs = []  # (ipv, args)


def _root(text, expected, path):
    data = text.encode("utf-8") if isinstance(text, str) else text
    # firewalld's files have no DTD; refusing one keeps entity expansion (a few hundred
    # bytes that expand to gigabytes) out
    if re.search(rb"<!(DOCTYPE|ENTITY)", data):
        raise ConfigError("%s: not valid XML (has a DTD, which firewalld's files never have)" % (
            path or "file"))
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise ConfigError("%s: not valid XML (%s)" % (path or "file", exc)) from None
    except (LookupError, ValueError) as exc:
        # the XML declaration names an encoding Python lacks (encoding="q"), one that is
        # not a text encoding ("hex"), or one expat cannot take ("utf-16" declared on
        # bytes that are not): firewalld cannot load such a file either
        raise ConfigError("%s: not valid XML (encoding: %s)" % (path or "file", exc)) from None
    if root.tag not in expected:
        raise ConfigError("%s: root element is <%s>, expected <%s>" % (
            path or "file", root.tag, "> or <".join(expected)))
    return root


def _rule_text(element, depth=3, width=12):
    """The XML of a refused rule, for the report: nesting cut at `depth` and each level
    at `width` children (ET.tostring recurses, and a rule nested thousands deep would
    exhaust the stack)."""
    def copy(node, left):
        made = ET.Element(node.tag, dict(node.attrib))
        made.text, made.tail = node.text, node.tail
        if left > 0:
            for child in list(node)[:width]:
                made.append(copy(child, left - 1))
        return made

    return ET.tostring(copy(element, depth), encoding="unicode").strip()


# what getservbyname could still resolve: a service name, or a range of names and numbers
_PORT_WORDS = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+]*(?:-[A-Za-z0-9_.+]+)?\Z")
_DIGITS = re.compile(r"[0-9]+\Z")


def _port_spec(element, path):
    """The PortSpec of a <port> or <source-port>; ConfigError for a port firewalld refuses
    with INVALID_PORT (it then skips the whole file): a number past 65535, or text that
    is no port number or service name ("²", "80/tcp").  An empty port is a protocol-only
    entry of an old service file."""
    spec = PortSpec(element.get("port"), element.get("protocol"))
    port = (element.get("port") or "").strip()
    if port and spec.low is None and (not _PORT_WORDS.match(port) or any(
            _DIGITS.match(part) and int(part) > 65535 for part in port.split("-"))):
        raise ConfigError("%s: INVALID_PORT %r in <%s>: firewalld refuses the file" % (
            path or "file", port, element.tag))
    return spec


def _bool_attr(value):
    return (value or "").lower() in ("yes", "true", "1")


def _read_common(obj, child):
    tag = child.tag
    if tag == "short":
        obj.short = (child.text or "").strip()
    elif tag == "service":
        if child.get("name"):
            obj.services.append(child.get("name"))
    elif tag == "port":
        obj.ports.append(_port_spec(child, obj.path))
    elif tag == "protocol":
        obj.protocols.append(child.get("value"))
    elif tag == "source-port":
        obj.source_ports.append(_port_spec(child, obj.path))
    elif tag == "icmp-block":
        obj.icmp_blocks.append(child.get("name"))
    elif tag == "icmp-block-inversion":
        obj.icmp_block_inversion = True
    elif tag == "forward-port":
        obj.forward_ports.append(ForwardPort(child.get("port"), child.get("protocol"),
                                             child.get("to-port"), child.get("to-addr")))
    elif tag == "masquerade":
        obj.masquerade = True
    elif tag == "forward":
        obj.forward = True
    elif tag == "rule":
        try:
            rule = rich_rule_from_xml(child)
            rule.origin = obj.path
            obj.rules.append(rule)
        except RichRuleError as exc:
            obj.bad_rules.append((_rule_text(child), exc))
    else:
        return False
    return True


def parse_zone(text, name, path=None):
    """A ZoneLike from a zone file's text; `name` is the file name without .xml."""
    root = _root(text, ("zone",), path)
    zone = ZoneLike(name, "zone")
    zone.path = path
    target = root.get("target")
    if target:
        zone.target = target
    for attr in ("ingress-priority", "egress-priority"):
        if root.get(attr):
            try:
                setattr(zone, attr.replace("-", "_"), int(root.get(attr)))
            except ValueError:
                pass
    for child in root:
        if _read_common(zone, child):
            continue
        if child.tag == "interface" and child.get("name"):
            zone.interfaces.append(child.get("name"))
        elif child.tag == "source":
            if child.get("address"):
                zone.sources.append(child.get("address"))
            elif child.get("mac"):
                zone.sources.append(child.get("mac"))
            elif child.get("ipset"):
                zone.sources.append("ipset:" + child.get("ipset"))
    return zone


def parse_policy(text, name, path=None):
    root = _root(text, ("policy",), path)
    policy = ZoneLike(name, "policy")
    policy.path = path
    policy.target = root.get("target") or "CONTINUE"
    try:
        policy.priority = int(root.get("priority", "-1"))
    except ValueError:
        policy.priority = -1
    for child in root:
        if _read_common(policy, child):
            continue
        if child.tag == "ingress-zone" and child.get("name"):
            policy.ingress_zones.append(child.get("name"))
        elif child.tag == "egress-zone" and child.get("name"):
            policy.egress_zones.append(child.get("name"))
    return policy


def parse_service(text, name, path=None):
    root = _root(text, ("service",), path)
    service = Service(name)
    service.path = path
    for child in root:
        tag = child.tag
        if tag == "short":
            service.short = (child.text or "").strip()
        elif tag == "port":
            service.ports.append(_port_spec(child, path))
        elif tag == "protocol":
            service.protocols.append(child.get("value"))
        elif tag == "source-port":
            service.source_ports.append(_port_spec(child, path))
        elif tag == "destination":
            for family in ("ipv4", "ipv6"):
                if child.get(family):
                    service.destination[family] = child.get(family)
        elif tag == "include" and child.get("service"):
            service.includes.append(child.get("service"))
        elif tag in ("helper", "module") and child.get("name"):
            service.helpers.append(child.get("name"))
    return service


def parse_ipset(text, name, path=None):
    root = _root(text, ("ipset",), path)
    ipset = IPSet(name)
    ipset.path = path
    ipset.type = root.get("type")
    for child in root:
        if child.tag == "option" and child.get("name"):
            ipset.options[child.get("name")] = child.get("value")
        elif child.tag == "entry" and child.text:
            ipset.entries.append(child.text.strip())
    return ipset


def parse_direct(text, path=None):
    root = _root(text, ("direct",), path)
    direct = Direct()
    direct.path = path
    for child in root:
        if child.tag == "chain":
            direct.chains.append((child.get("ipv"), child.get("table"), child.get("chain")))
        elif child.tag == "rule":
            direct.rules.append(DirectRule(child.get("ipv"), child.get("table"), child.get("chain"),
                                           child.get("priority"), (child.text or "").strip(), path))
        elif child.tag == "passthrough":
            direct.passthroughs.append((child.get("ipv"), (child.text or "").strip()))
    return direct
