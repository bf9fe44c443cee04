"""Rich rules: firewalld's own test strings (tests/data/firewall/upstream/firewalld-rich-rules,
with what firewalld 1.3.3 made of each), the XML form, and where firewalld puts a rule."""

import json
import os
import xml.etree.ElementTree as ET

import pytest

from conftest import DATA
from gotriage.parsers.firewalld_rich import RichRuleError, parse_rich_rule, rich_rule_from_xml

with open(os.path.join(DATA, "firewall", "upstream", "firewalld-rich-rules", "rich-rule-strings.json")) as _f:
    STRINGS = json.load(_f)


@pytest.mark.parametrize("entry", STRINGS, ids=[e["input"][:60] or "(empty)" for e in STRINGS])
def test_firewalld_test_strings(entry):
    """Valid rules print as firewalld 1.3.3 prints them; invalid ones fail with 1.3.3's
    error code.  Where newer firewalld differs, the newer grammar wins: a `burst` on a
    limit is accepted (1.3.3 refused it), a limit too fast to express is refused (1.3.3's
    check never fired under Python 3), and `EOL` is not a hidden end-of-rule keyword; an
    empty string is no rule (1.3.3's constructor skipped parsing and printed `rule`)."""
    head, old = entry["upstream_head_expect"], entry["firewalld_1_3_3"]
    try:
        got = str(parse_rich_rule(entry["input"]))
    except RichRuleError as exc:
        assert head == "INVALID", (entry["input"], exc)
        if old.startswith("INVALID ") and entry["input"]:
            assert "INVALID " + exc.code == old
        return
    assert head != "INVALID"
    if not old.startswith("INVALID"):
        assert got == old


def test_all_58_strings_are_covered():
    assert len(STRINGS) == 58


def test_chain_placement():
    """Where firewalld puts the action: pre/post by priority, else deny/allow/log."""
    cases = {
        'rule family="ipv4" source address="10.0.0.1" port port="8080" protocol="tcp" reject': "deny",
        'rule family="ipv4" source address="10.0.0.1" drop': "deny",
        'rule family="ipv4" source address="10.0.0.1" accept': "allow",
        'rule priority="-5" family="ipv4" source address="10.0.0.1" accept': "pre",
        'rule priority="10" family="ipv4" source address="10.0.0.1" reject': "post",
        'rule service name="ssh" log prefix="ssh " level="info"': "log",
        'rule family="ipv4" port port="222" protocol="tcp" mark set=0xff': "allow",
        'rule family="ipv4" forward-port port="80" protocol="tcp" to-port="8080"': "allow",
        'rule icmp-block name="echo-request"': "deny",
    }
    for text, chain in cases.items():
        assert parse_rich_rule(text).chain == chain, text


def test_not_and_invert_forms():
    rule = parse_rich_rule('rule family="ipv4" source not address="10.0.0.0/8" port port="22" protocol="tcp" drop')
    assert rule.source.invert and rule.source.address == "10.0.0.0/8"
    assert str(rule).startswith('rule family="ipv4" source NOT address="10.0.0.0/8"')
    rule = parse_rich_rule('rule family="ipv6" destination NOT address="fd00::/8" service name="http" accept')
    assert rule.destination.invert


@pytest.mark.parametrize("text,code", [
    ('rule family="ipv4" source address="10.0.0.1" frobnicate accept', "INVALID_RULE"),
    ('rule source address="10.0.0.1" accept', "MISSING_FAMILY"),
    ('rule family="ipv4" source address="300.0.0.1" accept', "INVALID_ADDR"),
    ('rule family="ipv4" port port="70000" protocol="tcp" accept', "INVALID_PORT"),
    ('rule family="ipv4" port port="80" protocol="icmp" accept', "INVALID_PROTOCOL"),
    ('rule family="ipv4" source address="10.0.0.1" reject type="icmp6-no-route"', "INVALID_RULE"),
    ('rule family="ipv4" source address="10.0.0.1" mark set=nope', "INVALID_MARK"),
    ('rule priority="99999" family="ipv4" source address="10.0.0.1" accept', "INVALID_PRIORITY"),
    ('rule family="ipv4" source mac="zz:00:00:00:00:00" accept', "INVALID_MAC"),
    ('rule family="ipv4" source address="10.0.0.1" accept limit value="0/m"', "INVALID_LIMIT"),
    ('rule family="ipv4" source address="10.0.0.1" service name="ssh" audit mark set=1', "INVALID_AUDIT_TYPE"),
])
def test_refused_rules(text, code):
    with pytest.raises(RichRuleError) as err:
        parse_rich_rule(text)
    assert err.value.code == code


def test_xml_rule_same_as_string():
    xml = ('<rule family="ipv4" priority="-5"><source address="10.199.1.2"/>'
           '<port port="8080" protocol="tcp"/><log prefix="go " level="info"><limit value="3/minute"/></log>'
           '<accept/></rule>')
    rule = rich_rule_from_xml(ET.fromstring(xml))
    assert str(rule) == ('rule priority="-5" family="ipv4" source address="10.199.1.2" port port="8080" '
                         'protocol="tcp" log prefix="go " level="info" limit value="3/m" accept')
    assert str(parse_rich_rule(str(rule))) == str(rule)


def test_xml_inverted_source_and_reject_type():
    xml = ('<rule family="ipv4"><source address="10.0.0.0/8" invert="True"/><service name="http"/>'
           '<reject type="icmp-host-prohibited"/></rule>')
    rule = rich_rule_from_xml(ET.fromstring(xml))
    assert rule.source.invert and rule.action.type == "icmp-host-prohibited"


def test_xml_unknown_element():
    with pytest.raises(RichRuleError) as err:
        rich_rule_from_xml(ET.fromstring('<rule family="ipv4"><frob/><accept/></rule>'))
    assert err.value.code == "INVALID_RULE"
