"""What `firewall-cmd` prints about the runtime configuration.

`firewall-cmd --list-all-zones` (firewalld 1.3.3; `--list-all-policies` is alike, with
`priority:`, `ingress-zones:` and `egress-zones:`); the forward-port and rich rule lines
are indented with a tab:

>>> [zone] = parse_list_all('''goapp (active)
...   target: DROP
...   icmp-block-inversion: no
...   interfaces: rfw-s2
...   sources: 10.199.1.0/24
...   services:
...   ports: 8080/tcp
...   protocols:
...   forward: yes
...   masquerade: no
...   forward-ports:
... \\tport=80:proto=tcp:toport=8080:toaddr=
...   source-ports:
...   icmp-blocks:
...   rich rules:
... \\trule priority="-5" family="ipv4" source address="10.199.1.2" port port="8080" protocol="tcp" accept
... ''')
>>> zone.name, zone.active, zone.target, zone.interfaces, zone.sources, zone.forward
('goapp', True, 'DROP', ['rfw-s2'], ['10.199.1.0/24'], True)
>>> [(p.port, p.protocol) for p in zone.ports], [str(f) for f in zone.forward_ports]
([('8080', 'tcp')], ['port=80:proto=tcp:toport=8080:toaddr='])
>>> print(zone.rules[0])
rule priority="-5" family="ipv4" source address="10.199.1.2" port port="8080" protocol="tcp" accept

firewalld 0.6 prints forward ports and rich rules on the key's own line or on
tab-indented lines; both are read.  `--get-active-zones`:

>>> parse_active_zones('''goapp
...   interfaces: rfw-s2
...   sources: 10.199.1.0/24
... ''')["goapp"]["sources"]
['10.199.1.0/24']

`--direct --get-all-rules`:

>>> [rule] = parse_direct_rules("ipv4 filter INPUT 0 -s 10.199.1.2 -p tcp --dport 8080 -j REJECT\\n")
>>> rule.ipv, rule.table, rule.chain, rule.priority, rule.args
('ipv4', 'filter', 'INPUT', 0, '-s 10.199.1.2 -p tcp --dport 8080 -j REJECT')
"""

import re

from gotriage.parsers.firewalld_rich import RichRuleError, parse_rich_rule
from gotriage.parsers.firewalld_xml import DirectRule, ForwardPort, PortSpec, ZoneLike

_HEADER = re.compile(r"^(?P<name>[^\s()]+)(?:\s+\((?P<flags>[^)]*)\))?\s*$")


def _split_blocks(text):
    blocks, current = [], None
    for raw in (text or "").splitlines():
        if not raw.strip():
            continue
        if raw[0] not in " \t":
            match = _HEADER.match(raw.strip())
            if not match:
                continue
            current = {"name": match.group("name"),
                       "flags": [f.strip() for f in (match.group("flags") or "").split(",") if f.strip()],
                       "items": []}
            blocks.append(current)
        elif current is not None:
            current["items"].append(raw)
    return blocks


def _items(lines):
    """[(key, [values...])] from '  key: v1 v2' lines and tab-indented continuation lines."""
    out, key = [], None
    for raw in lines:
        if raw.startswith("\t") or raw.startswith("        ") and key in ("rich rules", "forward-ports"):
            if key is not None:
                out[-1][1].append(raw.strip())
            continue
        stripped = raw.strip()
        name, sep, value = stripped.partition(":")
        if not sep:
            if key is not None:
                out[-1][1].append(stripped)
            continue
        key = name.strip()
        out.append((key, [value.strip()] if value.strip() else []))
    return out


def _ports(values):
    ports = []
    for value in values:
        for word in value.split():
            port, _, proto = word.partition("/")
            if proto:
                ports.append(PortSpec(port, proto))
    return ports


def _forward_ports(values):
    found = []
    for value in values:
        for word in value.split():
            fields = dict(part.split("=", 1) for part in word.split(":") if "=" in part)
            if "port" in fields:
                found.append(ForwardPort(fields.get("port"), fields.get("proto"),
                                         fields.get("toport"), fields.get("toaddr")))
    return found


def parse_list_all(text, kind="zone"):
    """ZoneLike records (runtime) from --list-all-zones / --list-all-policies output.
    Each gets `active` and `default` attributes from the header flags."""
    results = []
    for block in _split_blocks(text):
        obj = ZoneLike(block["name"], kind)
        obj.path = "firewall-cmd (runtime)"
        obj.active = "active" in block["flags"]
        obj.default = "default" in block["flags"]
        for key, values in _items(block["items"]):
            words = " ".join(values).split()
            if key == "target":
                obj.target = words[0] if words else obj.target
            elif key == "icmp-block-inversion":
                obj.icmp_block_inversion = words[:1] == ["yes"]
            elif key == "interfaces":
                obj.interfaces = words
            elif key == "sources":
                obj.sources = words
            elif key == "services":
                obj.services = words
            elif key == "ports":
                obj.ports = _ports(values)
            elif key == "protocols":
                obj.protocols = words
            elif key == "source-ports":
                obj.source_ports = _ports(values)
            elif key == "icmp-blocks":
                obj.icmp_blocks = words
            elif key == "forward":
                obj.forward = words[:1] == ["yes"]
            elif key == "masquerade":
                obj.masquerade = words[:1] == ["yes"]
            elif key == "forward-ports":
                obj.forward_ports = _forward_ports(values)
            elif key == "priority":
                try:
                    obj.priority = int(words[0])
                except (IndexError, ValueError):
                    pass
            elif key == "ingress-zones":
                obj.ingress_zones = words
            elif key == "egress-zones":
                obj.egress_zones = words
            elif key == "ingress-priority":
                obj.ingress_priority = int(words[0]) if words and re.match(r"-?[0-9]+\Z", words[0]) else 0
            elif key == "rich rules":
                for value in values:
                    if not value.startswith("rule"):
                        continue
                    try:
                        rule = parse_rich_rule(value)
                        rule.origin = "firewall-cmd (runtime)"
                        obj.rules.append(rule)
                    except RichRuleError as exc:
                        obj.bad_rules.append((value, exc))
        results.append(obj)
    return results


def parse_active_zones(text):
    """{zone: {"interfaces": [...], "sources": [...]}} from --get-active-zones."""
    zones = {}
    for block in _split_blocks(text):
        entry = {"interfaces": [], "sources": []}
        for key, values in _items(block["items"]):
            if key in entry:
                entry[key] = " ".join(values).split()
        zones[block["name"]] = entry
    return zones


def parse_direct_rules(text):
    """DirectRule records from `firewall-cmd --direct --get-all-rules`."""
    rules = []
    for line in (text or "").splitlines():
        parts = line.strip().split(None, 4)
        if len(parts) >= 4 and parts[0] in ("ipv4", "ipv6", "eb"):
            rules.append(DirectRule(parts[0], parts[1], parts[2], parts[3],
                                    parts[4] if len(parts) > 4 else "", "firewall-cmd (runtime)"))
    return rules


_SECTION = "@@gotriage-section "


def parse_client_sections(text):
    """{firewall-cmd arguments: (status, text)} from the output of firewall/client_script.py
    (status ok, absent or error; the text is what that firewall-cmd call prints).

    >>> sample = ("@@gotriage-section --get-default-zone ok\\npublic\\n"
    ...           "@@gotriage-section --list-all-zones ok\\npublic (active)\\n"
    ...           "  target: default\\n  ports: 8080/tcp\\n\\n"
    ...           "@@gotriage-section --list-all-policies absent\\n"
    ...           "@@gotriage-section --direct --get-all-rules error\\n")
    >>> sections = parse_client_sections(sample)
    >>> sections[("--get-default-zone",)]
    ('ok', 'public\\n')
    >>> sections[("--list-all-zones",)][1].splitlines()[2]
    '  ports: 8080/tcp'
    >>> sections[("--list-all-policies",)], sections[("--direct", "--get-all-rules")]
    (('absent', ''), ('error', ''))
    """
    sections, current, lines = {}, None, []
    for line in (text or "").splitlines(True):
        if line.startswith(_SECTION):
            if current is not None:
                sections[current[0]] = (current[1], "".join(lines))
            words = line[len(_SECTION):].split()
            current, lines = (tuple(words[:-1]), words[-1] if words else "error"), []
        elif current is not None:
            lines.append(line)
    if current is not None:
        sections[current[0]] = (current[1], "".join(lines))
    return sections


def shebang_interpreter(text):
    """The interpreter of a script's `#!` line when it is an absolute path (not `env`).

    >>> shebang_interpreter("#!/usr/libexec/platform-python -s\\n# -*- coding: utf-8 -*-\\n")
    '/usr/libexec/platform-python'
    >>> shebang_interpreter("#!/usr/bin/python3\\n"), shebang_interpreter("#!/usr/bin/env python3\\n")
    ('/usr/bin/python3', None)
    """
    first = (text or "").split("\n", 1)[0]
    if not first.startswith("#!"):
        return None
    words = first[2:].split()
    if not words or not words[0].startswith("/") or words[0].rsplit("/", 1)[-1] == "env":
        return None
    return words[0]
