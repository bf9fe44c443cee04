"""Fuzzing every module of src/gotriage/parsers/ (hypothesis, bounded: tests/fuzz_support.py).

The contract: a parser returns records or raises only its documented error type, never
anything else, whatever bytes or text it is given:

  firewalld_xml (5 parsers)      ConfigError
  firewalld_rich                 RichRuleError (parse_rich_rule, rich_rule_from_xml);
                                 parse_port_range, protocol_number: None for a bad value
  elf                            ElfError
  nft_json                       NftError
  pgpkey                         PgpError
  audit, audit_records           AuditParseError (split_context, parse_avc_body)
  systemd_unit                   WordError (split_words, parse_exec); parse_unit never raises
  proc_net.parse_ip_addr_json    ValueError (its caller falls back to `ip -o addr`)
  xccdf_results                  ResultsError
  every other parser             nothing

Most examples are real files (tests/data, docstring samples, this machine's own binaries)
mutated a few times; see fuzz_support.mutated.
"""

import json
import os
import sys
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import DATA, need
from fuzz_support import (
    command_outputs,
    data_files,
    docstring_samples,
    excerpts,
    fuzz,
    fuzzed_bytes,
    fuzzed_text,
    mutated_json,
    read_data,
    text_data,
)
from gotriage.parsers import (
    audit,
    audit2why,
    audit_records,
    crypto_policy,
    elf,
    envdump,
    firewalld_cmd,
    firewalld_conf,
    firewalld_rich,
    firewalld_xml,
    gobuildinfo,
    goenv,
    gomod,
    iptables_save,
    journal,
    kmod,
    ldcache,
    limits,
    nft_json,
    os_release,
    passwd,
    pgpkey,
    proc_net,
    release_files,
    repomd,
    rpmkeys,
    security,
    seinfo,
    sudoers,
    systemd_unit,
    xccdf_results,
    yumrepo,
)

FW = os.path.join("firewall", "upstream")
GENERATED = os.path.join(DATA, "firewall", "generated")


def _scenarios():
    for backend in sorted(os.listdir(GENERATED)):
        if os.path.isdir(os.path.join(GENERATED, backend)):
            for scenario in sorted(os.listdir(os.path.join(GENERATED, backend))):
                if os.path.isdir(os.path.join(GENERATED, backend, scenario)):
                    yield backend, scenario


def _generated(name):
    """The texts of a file recorded in every firewall scenario (tests/data/firewall/generated)."""
    out = []
    for backend, scenario in _scenarios():
        path = os.path.join(GENERATED, backend, scenario, name)
        if os.path.isfile(path):
            with open(path, "rb") as f:
                out.append(f.read().decode("utf-8", "replace"))
    return out


def _generated_files(sub, suffix):
    out = []
    for backend, scenario in _scenarios():
        base = os.path.join(GENERATED, backend, scenario, "etc-firewalld", sub)
        names = sorted(os.listdir(base)) if os.path.isdir(base) else [""] if os.path.isfile(base) else []
        for name in names:
            path = os.path.join(base, name) if name else base
            if path.endswith(suffix):
                with open(path, "rb") as f:
                    out.append(f.read().decode("utf-8", "replace"))
    return out


# -- firewalld ------------------------------------------------------------------------------
ZONES = (data_files(os.path.join(FW, "firewalld-v0.6.3", "zones"), ".xml")
         + data_files(os.path.join(FW, "firewalld-v2.5.0", "zones"), ".xml")
         + _generated_files("zones", ".xml")
         + ['<?xml version="1.0" encoding="utf-8"?>\n<zone target="DROP" ingress-priority="-5">'
            '<port port="8080-8083" protocol="tcp"/><source-port port="53" protocol="udp"/>'
            '<forward-port port="80" protocol="tcp" to-port="8080" to-addr="10.0.0.1"/>'
            '<source ipset="blocked"/><source mac="00:11:22:33:44:55"/><interface name="eth0"/>'
            '<protocol value="gre"/><icmp-block name="echo-request"/><icmp-block-inversion/>'
            '<rule family="ipv4" priority="-5"><source address="10.199.1.2" invert="yes"/>'
            '<port port="8080" protocol="tcp"/><log prefix="x" level="info"><limit value="2/m" burst="4"/>'
            '</log><accept><limit value="1/s"/></accept></rule>'
            '<rule family="ipv6"><forward-port port="4011" protocol="tcp" to-port="4012" to-addr="1::2"/></rule>'
            '<rule><service name="ssh"/><audit/><reject type="tcp-reset"/></rule>'
            '<rule family="ipv4"><destination address="1.2.3.4"/><tcp-mss-clamp value="pmtu"/></rule>'
            '<rule family="ipv4"><source address="1.2.3.0/24"/><mark set="0x1/0xff"/></rule>'
            '<rule><icmp-type name="echo-request"/><nflog group="3" queue-size="9"/><drop/></rule>'
            '<masquerade/><forward/></zone>\n'])
POLICIES = data_files(os.path.join(FW, "firewalld-v2.5.0", "policies"), ".xml")
SERVICES = data_files(os.path.join(FW, "firewalld-v1.3.3", "services"), ".xml", limit=40) + \
    _generated_files("services", ".xml")
IPSETS = ['<?xml version="1.0" encoding="utf-8"?>\n<ipset type="hash:ip"><option name="family" '
          'value="inet6"/><entry>1.2.3.4</entry><entry>10.0.0.0/8</entry></ipset>\n']
DIRECT = _generated_files("direct.xml", ".xml") + [
    '<direct><chain ipv="ipv4" table="filter" chain="x"/><rule ipv="ipv4" table="filter" '
    'chain="INPUT" priority="0">-s 10.0.0.1 -j DROP</rule><passthrough ipv="ipv4">-A x</passthrough></direct>\n']


def _config_error_only(parse):
    try:
        parse()
    except firewalld_xml.ConfigError:
        pass


@fuzz
@given(fuzzed_text(ZONES))
def test_parse_zone(text):
    _config_error_only(lambda: firewalld_xml.parse_zone(text, "public", "/etc/firewalld/zones/public.xml"))


@fuzz
@given(fuzzed_bytes([z.encode("utf-8") for z in ZONES]))
def test_parse_zone_bytes(data):
    _config_error_only(lambda: firewalld_xml.parse_zone(data, "public"))


@fuzz
@given(fuzzed_text(POLICIES + ZONES[:3]))
def test_parse_policy(text):
    _config_error_only(lambda: firewalld_xml.parse_policy(text, "allow-host-ipv6"))


@fuzz
@given(fuzzed_text(SERVICES))
def test_parse_service(text):
    _config_error_only(lambda: firewalld_xml.parse_service(text, "ssh"))


@fuzz
@given(fuzzed_text(IPSETS))
def test_parse_ipset(text):
    _config_error_only(lambda: firewalld_xml.parse_ipset(text, "blocked"))


@fuzz
@given(fuzzed_text(DIRECT))
def test_parse_direct(text):
    _config_error_only(lambda: firewalld_xml.parse_direct(text))


def _rule_strings():
    with open(os.path.join(DATA, FW, "firewalld-rich-rules", "rich-rule-strings.json")) as f:
        data = json.load(f)
    out = []

    def walk(node):
        if isinstance(node, str):
            if node.strip().startswith("rule"):
                out.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(data)
    return out


RICH = _rule_strings()


def test_the_rich_rule_corpus_is_firewalld_s():
    assert len(RICH) >= 50


@fuzz
@given(fuzzed_text(RICH))
def test_parse_rich_rule(text):
    try:
        rule = firewalld_rich.parse_rich_rule(text)
    except firewalld_rich.RichRuleError:
        return
    str(rule), rule.chain  # a rule it accepts can be printed and placed


def _rule_elements():
    out = []
    for text in ZONES + POLICIES:
        try:
            root = ET.fromstring(text.encode("utf-8"))
        except ET.ParseError:
            continue
        out.extend(ET.tostring(r, encoding="unicode") for r in root.iter("rule"))
    return out


RULE_XML = _rule_elements()


@fuzz
@given(fuzzed_text(RULE_XML))
def test_rich_rule_from_xml(text):
    try:
        element = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError:
        return
    try:
        rule = firewalld_rich.rich_rule_from_xml(element)
    except firewalld_rich.RichRuleError:
        return
    str(rule), rule.chain


PORTS = ["8080", "8080-8083", "ssh", "ssh-http", "0", "65535", "1-65535", " 22 ", "22-21"]


@fuzz
@given(st.one_of(fuzzed_text(PORTS), st.text(max_size=12), st.integers(-10, 70000), st.none()))
def test_parse_port_range(value):
    got = firewalld_rich.parse_port_range(value)
    assert got is None or (0 <= got[0] <= got[1] <= 65535), got


@fuzz
@given(st.one_of(fuzzed_text(["tcp", "6", "ipv6-icmp", "255", "GRE", " 17 "]), st.text(max_size=12),
                 st.integers(-10, 300), st.none()))
def test_protocol_number(value):
    got = firewalld_rich.protocol_number(value)
    assert got is None or 0 <= got <= 255, got


@fuzz
@given(fuzzed_text(_generated("fwcmd-list-all-zones.txt")[:6] + _generated("fwcmd-list-all-policies.txt")[:3]
                   + _generated("fwcmd-permanent-list-all-zones.txt")[:3]),
       st.sampled_from(["zone", "policy"]))
def test_parse_list_all(text, kind):
    for zone in firewalld_cmd.parse_list_all(text, kind):
        for spec in zone.ports:
            str(spec)


@fuzz
@given(fuzzed_text(_generated("fwcmd-get-active-zones.txt") + _generated("fwcmd-direct-get-all-rules.txt")))
def test_parse_active_zones_and_direct_rules(text):
    firewalld_cmd.parse_active_zones(text)
    for rule in firewalld_cmd.parse_direct_rules(text):
        str(rule)


@fuzz
@given(fuzzed_text(data_files(os.path.join(FW), "firewalld.conf") + _generated_files("firewalld.conf", ".conf")[:3]))
def test_parse_firewalld_conf(text):
    conf = firewalld_conf.parse_firewalld_conf(text)
    conf.get("DefaultZone")
    conf.flag("AllowZoneDrifting", False)


def _nft_windows(documents, size=12):
    """Each ruleset cut into windows of `size` objects (with its metainfo): a mutation
    then lands on a table, chain or rule, not on the walk of a 300-object tree."""
    out = []
    for doc in documents:
        items = doc["nftables"]
        head = [i for i in items if "metainfo" in i]
        for start in range(0, len(items), size):
            out.append({"nftables": head + [i for i in items[start:start + size] if "metainfo" not in i]})
    return out


NFT = _nft_windows([json.loads(t) for t in _generated("nft-list-ruleset.json")[:4]]
                   + [json.loads(text_data("firewall", "nft-features", "ruleset.json"))])


@fuzz
@given(st.one_of(mutated_json(NFT), fuzzed_text([json.dumps(d) for d in NFT[:2]], max_ops=3)))
def test_parse_nft_json(text):
    try:
        nft_json.parse_nft_json(text)
    except nft_json.NftError:
        pass


IPTABLES = data_files(os.path.join(FW, "iptables-dumps")) + _generated("iptables-nft-save.txt")[:4] + \
    _generated("iptables-legacy-save.txt")[:4]


@fuzz
@given(fuzzed_text(excerpts(IPTABLES)), st.sampled_from(["ipv4", "ipv6"]))
def test_parse_iptables_save(text, family):
    iptables_save.parse_iptables_save(text, family, "iptables-nft")


@fuzz
@given(st.lists(st.one_of(st.sampled_from(["-p", "tcp", "-m", "multiport", "--dports", "80,443:445", "-j",
                                           "REJECT", "--reject-with", "-s", "!", "-g", "set",
                                           "--match-set", "x", "src", "²", ""]), st.text(max_size=8)),
                max_size=12))
def test_parse_rule_args(args):
    iptables_save.parse_rule_args(args)


# -- sockets, addresses, routes -----------------------------------------------------------------
@fuzz
@given(fuzzed_text(_generated("proc-net-tcp.txt")[:3] + _generated("proc-net-tcp6.txt")[:3]),
       st.sampled_from(["tcp", "udp"]), st.sampled_from(["ipv4", "ipv6"]), st.sampled_from(["little", "big"]))
def test_parse_proc_net(text, proto, family, byteorder):
    proc_net.parse_proc_net(text, proto, family, byteorder)


SS = _generated("ss-ltn.txt")[:4] + docstring_samples(proc_net)


@fuzz
@given(fuzzed_text(SS), st.sampled_from(["tcp", "udp"]))
def test_parse_ss(text, proto):
    proc_net.parse_ss(text, proto)


@fuzz
@given(st.one_of(mutated_json([json.loads(t) for t in _generated("ip-addr.json")[:3]]),
                 fuzzed_text(_generated("ip-addr.json")[:1], max_ops=3)))
def test_parse_ip_addr_json(text):
    try:
        proc_net.parse_ip_addr_json(text)
    except ValueError:
        pass  # its caller falls back to `ip -o addr`


ROUTES = [
    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
    "eth0\t00000000\t0100A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
    "eth0\t0000A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n",
    "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
    "fe800000000000000000000000000001 00000064 00000001 00000000 00000003 eth0\n"
    "fe800000000000000000000000000000 40 00000000000000000000000000000000 00 "
    "00000000000000000000000000000000 00000100 00000001 00000000 00000001 eth0\n",
    "2: eth0    inet 10.0.0.5/24 brd 10.0.0.255 scope global eth0\\       valid_lft forever\n"
    "2: eth0    inet6 fe80::1/64 scope link \\       valid_lft forever preferred_lft forever\n",
]


@fuzz
@given(fuzzed_text(ROUTES), st.sampled_from(["little", "big"]))
def test_parse_routes_and_oneline_addresses(text, byteorder):
    proc_net.parse_proc_route(text, byteorder)
    proc_net.parse_proc_ipv6_route(text)
    proc_net.parse_ip_addr_oneline(text)


@fuzz
@given(st.dictionaries(st.text(max_size=12), st.one_of(st.sampled_from(
    ["socket:[1234]", "socket:[]", "socket:[²]", "pipe:[1]", "/dev/null", "socket:[99999999999999999999]"]),
    st.text(max_size=16)), max_size=8))
def test_socket_inodes(links):
    proc_net.socket_inodes(links)


# -- SELinux and audit ---------------------------------------------------------------------------
AUDIT_LOGS = [read_data("selinux", name) for name in sorted(os.listdir(os.path.join(DATA, "selinux")))
              if name.endswith(".log") and name != "sample-1mb.log"]


def _byte_excerpts(blobs, max_lines=25):
    out = []
    for blob in blobs:
        lines = blob.splitlines(True)
        for start in range(0, len(lines), max_lines):
            out.append(b"".join(lines[start:start + max_lines]))
    return out


AUDIT_PIECES = _byte_excerpts(AUDIT_LOGS)


@fuzz
@given(fuzzed_bytes(AUDIT_PIECES), st.lists(st.integers(1, 4096), min_size=1, max_size=4))
def test_audit_scanner(data, cuts):
    """The whole scanner, fed in pieces of random sizes: counts, never raises."""
    scanner = audit.Scanner()
    scanner.start_file("/var/log/audit/audit.log")
    pos, index = 0, 0
    while pos < len(data):
        size = cuts[index % len(cuts)]
        scanner.feed(data[pos:pos + size])
        pos, index = pos + size, index + 1
    scanner.finish()
    result = scanner.result
    json.dumps(result.to_dict())
    for denial in result.distinct():
        json.dumps(denial.to_dict())
        for value in (denial.path, denial.exe, denial.comm, denial.scontext, denial.tclass):
            assert value is None or "\0" not in value, value  # a NUL is never a value


AVC_LINES = [line.decode("utf-8", "replace") for blob in AUDIT_LOGS for line in blob.splitlines()
             if b"avc:" in line][:300]


@fuzz
@given(fuzzed_text(AVC_LINES))
def test_audit_fields_and_bodies(line):
    audit.parse_fields(line)
    audit.parse_header(line.encode("utf-8", "replace"))
    audit.parse_compute_sid(line)
    at = line.find("avc:")
    try:
        record = audit.parse_avc_body(line[at if at >= 0 else 0:])
    except audit.AuditParseError:
        return
    assert record.stype and record.ttype


@fuzz
@given(fuzzed_text(["system_u:system_r:httpd_t:s0", "staff_u:staff_r:staff_t:s0-s0:c0.c1023", "a:b"]))
def test_split_context(text):
    try:
        assert audit.split_context(text)[2]
    except audit.AuditParseError:
        pass


@fuzz
@given(st.sampled_from(sorted(audit.HEX_FIELDS) + ["saddr", "x"]),
       fuzzed_text(['"/usr/bin/go"', "2F7573722F62696E2F676F", "676F00617070", "(null)", "'x", "?"]))
def test_decode_value_and_fields(name, value):
    audit.decode_value(name, value)
    for got in audit.parse_fields("%s=%s x=1" % (name, value)).values():
        assert "\0" not in got  # a value with a NUL would reach argv (matchpathcon) and fail there


@fuzz
@given(fuzzed_text(["020000507F0000010000000000000000", "0A001F90000000000000000000000000000000000000000100000000",
                    "01002F746D70"]),
       fuzzed_text(["", "SADDR={ saddr_fam=inet laddr=127.0.0.1 lport=80 }", "lport=99999999999999999999"]))
def test_parse_sockaddr(saddr, enriched):
    audit.parse_sockaddr({"saddr": saddr}, enriched)


@fuzz
@given(fuzzed_text(excerpts([text_data("selinux", "audit2why-debian12.txt")], 30)))
def test_parse_audit2why(text):
    for verdict in audit2why.parse_audit2why(text):
        assert isinstance(verdict.line, str)


@fuzz
@given(fuzzed_text(docstring_samples(seinfo) + ["httpd_t\nhttp_port_t\n", "Types: 3\n   a_t\n"]))
def test_parse_seinfo_names(text):
    seinfo.parse_seinfo_names(text)


# -- binaries ------------------------------------------------------------------------------------
def _elf_samples():
    """Real ELF files of this machine: a dynamic executable, a library, the loader, and the
    Go binaries of the service snapshots (static Go, cgo)."""
    found = []
    for path in ("/bin/true", "/usr/bin/env", "/lib/x86_64-linux-gnu/libc.so.6",
                 "/lib64/ld-linux-x86-64.so.2"):
        if os.path.isfile(path):
            with open(path, "rb") as f:
                found.append(f.read())
    base = os.path.join(DATA, "services", "el9-services", "files", "usr", "local", "bin")
    for name in sorted(os.listdir(base)):
        data = read_data("services", "el9-services", "files", "usr", "local", "bin", name)
        if data[:4] == b"\x7fELF":
            found.append(data)
    return found


ELFS = _elf_samples()


def test_elf_samples_are_there():
    need(len(ELFS) >= 4, "the ELF samples: /bin/true, /usr/bin/env, libc.so.6 and the test "
                         "data's Go binaries (have %d)" % len(ELFS))


@st.composite
def mutated_elf(draw):
    """An ELF with a few bytes of its headers (the first 4 KiB: ELF header, program
    headers) or anywhere else replaced, or cut short."""
    data = bytearray(draw(st.sampled_from(ELFS)))
    for _ in range(draw(st.integers(1, 8))):
        where = draw(st.one_of(st.integers(0, min(len(data), 4096) - 1), st.integers(0, len(data) - 1)))
        value = draw(st.one_of(st.integers(0, 255), st.sampled_from([0, 0xFF, 0x7F, 0x80])))
        width = draw(st.sampled_from([1, 1, 2, 4, 8]))
        for i in range(width):
            if where + i < len(data):
                data[where + i] = value if i == 0 else draw(st.sampled_from([0, 0xFF, value]))
    if draw(st.integers(0, 5)) == 0:
        data = data[:draw(st.integers(0, len(data)))]
    return bytes(data)


def _reader(data):
    def read(offset, length):
        if offset < 0 or length < 0:
            raise AssertionError("negative read(%d, %d)" % (offset, length))
        return data[offset:offset + length]
    return read


@fuzz
@given(st.one_of(mutated_elf(), mutated_elf(), mutated_elf(), st.binary(max_size=200)), st.booleans())
def test_parse_elf_and_build_info(data, with_size):
    try:
        parsed = elf.parse_elf(_reader(data), len(data) if with_size else None)
    except elf.ElfError:
        return
    for need_ in parsed.verneed[:8]:
        elf.symbols_needing(parsed, need_)
    info = gobuildinfo.read_buildinfo(parsed, _reader(data), max_scan=1 << 22)
    if info is not None:
        assert info.go_version is None or isinstance(info.go_version, str)


@fuzz
@given(st.binary(max_size=80))
def test_parse_elf_header(data):
    try:
        elf.parse_header(data)
    except elf.ElfError:
        pass


MODINFO = ["path\texample.com/app\nmod\texample.com/app\t(devel)\t\ndep\tgolang.org/x/sys\tv0.20.0\th1:abc=\n"
           "=>\t../sys\t\t\nbuild\t-ldflags=\"-s -w\"\nbuild\tCGO_ENABLED=1\nbuild\tvcs.revision=abc\n"]


@fuzz
@given(fuzzed_text(MODINFO), fuzzed_text(["CGO_ENABLED=1", '-ldflags="-s -w"', '"-tags=a b"=x', "GOARCH"]))
def test_parse_modinfo_and_settings(text, setting):
    gobuildinfo.parse_modinfo(text, gobuildinfo.BuildInfo("go1.21.13", text, "inline", 0, 0))
    gobuildinfo.parse_build_setting(setting)


def _ld_cache():
    path = "/etc/ld.so.cache"
    if os.path.isfile(path):
        with open(path, "rb") as f:
            return [f.read()]
    return []


LDCACHE = _ld_cache()


@fuzz
@given(st.data())
def test_ld_cache_lookup(data):
    need(LDCACHE, "/etc/ld.so.cache (every glibc system has it)")
    blob = data.draw(st.one_of(fuzzed_bytes(LDCACHE, max_ops=4), st.binary(max_size=100)))
    ldcache.lookup(blob, ["libc.so.6", "libpthread.so.0", "", "²"])


# -- OpenPGP --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def pgp_samples(tmp_path_factory):
    """Keys (armored and binary) and a detached signature made by real gpg, and the
    system's Debian keyring."""
    from shutil import which

    need(which("gpg"), "gpg is not installed (scripts/setup installs gnupg)")
    from packages_support import Keyring, stop_agents

    base = tmp_path_factory.mktemp("pgp")
    ring = Keyring(base / "home", uid="fuzz <fuzz@example.invalid>", algo="ed25519")
    try:
        ring.export(base / "key.asc")
        ring.export(base / "key.gpg", armor=False)
        doc = base / "repomd.xml"
        doc.write_bytes(b"<repomd/>\n")
        ring.sign(doc)
        out = {"keys": [(base / "key.asc").read_bytes(), (base / "key.gpg").read_bytes()],
               "signature": (base / "repomd.xml.asc").read_bytes(), "doc": doc.read_bytes()}
    finally:
        stop_agents()
    keyring = "/usr/share/keyrings/debian-archive-keyring.gpg"
    if os.path.isfile(keyring):
        with open(keyring, "rb") as f:
            out["keys"].append(f.read()[:6000])
    return out


@fuzz
@given(st.data())
def test_pgp_keys_and_signatures(pgp_samples, data):
    blob = data.draw(fuzzed_bytes(pgp_samples["keys"] + [pgp_samples["signature"]], max_ops=4))
    try:
        keys = pgpkey.parse_keys(blob)
    except pgpkey.PgpError:
        keys = pgpkey.parse_keys(pgp_samples["keys"][1])
    for key in keys:
        key.expires  # noqa: B018 - must not raise
    try:
        signature = pgpkey.parse_signature(blob)
    except pgpkey.PgpError:
        return
    pgpkey.verify_detached(signature, pgp_samples["doc"], keys)


@fuzz
@given(st.data())
def test_pgp_keybox_dearmor_packets(pgp_samples, data):
    blob = data.draw(fuzzed_bytes(pgp_samples["keys"], max_ops=4))
    for parse in (pgpkey.dearmor, pgpkey.parse_packets, pgpkey.parse_keybox):
        try:
            parse(blob)
        except pgpkey.PgpError:
            pass


# -- packages -------------------------------------------------------------------------------------
REPOS = data_files("el", ".repo")


@fuzz
@given(fuzzed_text(REPOS))
def test_yum_repo_files(text):
    yumrepo.parse_repo_file(text, "/etc/yum.repos.d/x.repo")
    yumrepo.dnf_load_problems(text.encode("utf-8", "surrogateescape"))


@fuzz
@given(fuzzed_text(["http://mirror/$releasever/$basearch/${infra}/$contentdir", "$", "${", "$$x"]),
       st.dictionaries(st.sampled_from(["releasever", "basearch", "infra", "x", ""]), st.text(max_size=8)))
def test_yum_expand(value, variables):
    yumrepo.expand(value, variables)


@fuzz
@given(fuzzed_text(docstring_samples(repomd)))
def test_parse_repomd(text):
    parsed = repomd.parse_repomd(text.encode("utf-8"))
    assert parsed.error is None or isinstance(parsed.error, str)


@fuzz
@given(fuzzed_text(docstring_samples(crypto_policy) + ["LEGACY\n", "# comment\nFIPS:OSPP\n", ""]))
def test_parse_crypto_policy(text):
    crypto_policy.parse_crypto_policy(text)


OS_RELEASES = data_files("el", "os-release")
RELEASE_LINES = [t for t in data_files("el", "-release") if "=" not in t]


@fuzz
@given(fuzzed_text(OS_RELEASES))
def test_parse_os_release(text):
    values = os_release.parse_os_release(text)
    os_release.el_major(values)
    os_release.package_manager(values)


@fuzz
@given(fuzzed_text(RELEASE_LINES + docstring_samples(release_files)))
def test_parse_release_line(text):
    release_files.parse_release_line(text)


@fuzz
@given(fuzzed_text(docstring_samples(kmod)))
def test_kmod(text):
    kmod.parse_proc_modules(text)
    kmod.parse_module_paths(text)
    for line in text.splitlines()[:5]:
        kmod.module_name(line)


# -- users, sudo, limits, environment -----------------------------------------------------------
PASSWD = data_files("snapshots", "passwd") + data_files("services", "passwd")
GROUP = data_files("services", "group")


@fuzz
@given(fuzzed_text(PASSWD + GROUP))
def test_passwd_and_group(text):
    passwd.parse_passwd(text)
    passwd.parse_group(text)


SUDOERS = data_files("el", "sudoers") + data_files("snapshots", "sudoers")


@fuzz
@given(fuzzed_text(excerpts(SUDOERS, 30)), st.sampled_from([None, "alice", "root", "%wheel", "²"]))
def test_sudoers(text, user):
    parsed = sudoers.parse_sudoers(text)
    policy = sudoers.effective_policy(parsed, user, ("wheel", "²"))
    sudoers.sudo_environment(policy, {"PATH": "/usr/bin", "HOME": "/home/alice", "TERM": "xterm",
                                      "GOPATH": "/x", "LD_PRELOAD": "/x.so"})


@fuzz
@given(fuzzed_text(docstring_samples(limits)), st.sampled_from(["alice", "root", "²"]))
def test_limits(text, user):
    rules, _bad = limits.parse_limits_conf(text)
    limits.applicable(rules, user, ("wheel",))
    limits.parse_proc_limits(text)
    limits.limit_pair(limits.parse_show(text), "LimitNOFILE")
    limits.cgroup_unit(text)


@fuzz
@given(fuzzed_text(docstring_samples(rpmkeys)))
def test_rpm_keys(text):
    for entry in rpmkeys.parse_rpm_keys(text):
        assert entry.keyid_suffix is not None
        for key in entry.keys:
            key.expires  # noqa: B018 - must not raise


@fuzz
@given(fuzzed_bytes([s.replace("\\\\0", "\0").encode() for s in docstring_samples(envdump)]
                    + [b"A=1\0B=2\0\0=x\0NOEQUALS\0"]))
def test_parse_env0(data):
    envdump.parse_env0(data)
    envdump.parse_env0(data.decode("utf-8", "replace"))


@fuzz
@given(fuzzed_text(command_outputs("systemctl") + docstring_samples(envdump)[1:]))
def test_parse_show_environment(text):
    for name, value in envdump.parse_show_environment(text).items():
        assert name and "\0" not in name + value  # a NUL would reach stat() through PATH


# -- Go -----------------------------------------------------------------------------------------
GO_ENV_FILES = data_files("snapshots", "env")
GO_JSON = command_outputs("go")
GO_MODS = data_files("snapshots", "go.mod") + data_files("services", "go.mod") + docstring_samples(gomod)


@fuzz
@given(fuzzed_text(GO_ENV_FILES + ["GOROOT=/usr/local/go\nGOFLAGS=-mod=mod\n#x\nbad line\n"]))
def test_go_env_file(text):
    goenv.env_file_values(goenv.parse_go_env_file(text))


@fuzz
@given(st.one_of(mutated_json([json.loads(t) for t in GO_JSON]), fuzzed_text(GO_JSON, max_ops=3)))
def test_go_env_json(text):
    goenv.parse_go_env_json(text)


@fuzz
@given(fuzzed_text(["go1.21.13", "1.22", "1.22rc1", "go1.23beta2", "go1.21.13\ntime 2024-08-06T00:00:00Z\n",
                    "devel go1.24-abc"]))
def test_go_versions(text):
    parsed = goenv.parse_version(text)
    if parsed is not None:
        goenv.format_version(parsed)
    goenv.language_version(text)
    goenv.read_version_file(text)


@fuzz
@given(st.one_of(fuzzed_text(GO_MODS), fuzzed_bytes([t.encode() for t in GO_MODS])))
def test_parse_gomod(data):
    gomod.parse_gomod(data)


# -- systemd --------------------------------------------------------------------------------------
UNITS = data_files("services", ".service") + data_files("services", ".conf")
JOURNALS = command_outputs("journalctl") + docstring_samples(journal)


@fuzz
@given(st.one_of(fuzzed_text(UNITS), fuzzed_bytes([u.encode() for u in UNITS])))
def test_parse_unit(data):
    unit = systemd_unit.parse_unit(data, "/etc/systemd/system/app.service")
    systemd_unit.effective([unit])


EXEC_VALUES = [line.split("=", 1)[1] for u in UNITS for line in u.splitlines()
               if line.startswith(("ExecStart=", "ExecStartPre=", "Environment="))] + [
    '-/usr/bin/app --flag="a b" \\x41\\;', "@/bin/sh sh -c 'echo $$HOME; exit'", "+!!/bin/true ; /bin/false",
    '"A=1 2" B=3 C=', "/bin/echo ${HOME}x $PATH %h %%"]


@fuzz
@given(fuzzed_text(EXEC_VALUES))
def test_exec_words_environment(value):
    try:
        systemd_unit.split_words(value)
    except systemd_unit.WordError:
        pass
    try:
        commands = systemd_unit.parse_exec(value)
    except systemd_unit.WordError:
        commands = []
    for command in commands:
        systemd_unit.expand_env(list(command.argv), {"HOME": "/root", "PATH": "/bin"})
    systemd_unit.parse_environment(value)
    systemd_unit.specifiers_in(value)
    systemd_unit.expand_specifiers(value, {"h": "/root", "n": "app.service", "i": ""})


@fuzz
@given(st.one_of(fuzzed_bytes([b"A=1\n# c\n; c\nB='x y'\nC=\"a\\\"b\"\nexport D=1\nE=a\\\nb\n"]),
                 fuzzed_text(["A=1\nB='x y'\n"])))
def test_parse_environment_file(data):
    systemd_unit.parse_environment_file(data)


@fuzz
@given(fuzzed_text(["app@x.service", "app.service", "a@.service", "@", "x.y.z"]))
def test_split_unit_name(name):
    systemd_unit.split_unit_name(name)


@fuzz
@given(st.lists(st.tuples(st.integers(-2, 5), st.sampled_from(["/etc/systemd/system/a.service.d", "/run/x"]),
                          st.text(max_size=10)), max_size=6))
def test_order_dropins(found):
    systemd_unit.order_dropins(found)


@fuzz
@given(st.one_of(fuzzed_text(excerpts(JOURNALS, 30)), fuzzed_bytes([j.encode() for j in JOURNALS[:4]])))
def test_parse_journal(data):
    journal.parse_journal(data)


def test_the_fuzzed_corpora_are_there():
    """Every strategy above draws from real samples: an empty corpus would fuzz nothing."""
    corpora = {"zones": ZONES, "policies": POLICIES, "services": SERVICES, "direct": DIRECT, "rich": RICH,
               "rule xml": RULE_XML, "nft": NFT, "iptables": IPTABLES, "ss": SS, "audit": AUDIT_PIECES,
               "avc lines": AVC_LINES, "repos": REPOS, "os-release": OS_RELEASES,
               "release lines": RELEASE_LINES, "passwd": PASSWD, "group": GROUP, "sudoers": SUDOERS,
               "go env files": GO_ENV_FILES, "go env json": GO_JSON, "go.mod": GO_MODS, "units": UNITS,
               "exec values": EXEC_VALUES, "journals": JOURNALS}
    assert {name: len(c) for name, c in corpora.items() if not c} == {}
    assert sys.version_info >= (3, 6)


@pytest.mark.parametrize("parse", [lambda t: firewalld_xml.parse_zone(t, "z"), firewalld_xml.parse_direct,
                                   lambda t: repomd.parse_repomd(t).error or "parsed"],
                         ids=["zone", "direct", "repomd"])
def test_found_by_fuzzing_xml(parse):
    """What the long fuzz runs found in the XML readers: an encoding Python does not
    know ("TF-8": LookupError), one that is not a text encoding ("hex"), one expat
    refuses ("utf-16" on UTF-8 bytes: ValueError), and a DTD (entity expansion)."""
    for text in ('<?xml version="1.0" encoding="TF-8"?><zone/>', '<?xml version="1.0" encoding="hex"?><zone/>',
                 '<?xml version="1.0" encoding="utf-16"?><zone/>',
                 '<!DOCTYPE z [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><zone>&b;</zone>'):
        try:
            got = parse(text)
        except firewalld_xml.ConfigError as exc:
            assert "not valid XML" in str(exc)
            continue
        assert isinstance(got, str) and got != "parsed"  # repomd: an error, not an exception


def test_found_by_fuzzing_numbers():
    """str.isdigit() is true for "²" and "٣"; int() refuses the first and reads the
    second: only ASCII digits are numbers in these formats."""
    assert firewalld_rich.parse_port_range("²") is None
    assert firewalld_rich.parse_port_range("1-²") is None
    assert firewalld_rich.parse_port_range("٣") is None
    assert firewalld_rich.parse_port_range("ssh-99999") is None
    assert firewalld_rich.protocol_number("²6") is None
    with pytest.raises(firewalld_xml.ConfigError, match="INVALID_PORT"):
        firewalld_xml.parse_zone('<zone><port port="²" protocol="tcp"/></zone>', "z")
    assert proc_net.parse_proc_route("h\neth0\t٣0000000\t00000000\t0001\t0\t0\t0\t00FFFFFF\n") == []
    with pytest.raises(ValueError):
        proc_net.parse_ip_addr_json("null")
    assert limits.parse_proc_limits("Limit Soft Hard Units\nMax open files ² ² files\n") is not None
    assert os_release.el_major({"PLATFORM_ID": "platform:el²"}) is None


def test_found_by_fuzzing_a_journal_line_is_read_up_to_max_line():
    """The mutation run found `check --root` spinning for over ten minutes on a journal
    with a 300 KB line: expressions with an optional `\\S+: ` prefix, used with search(),
    rescanned the rest of the line from every position.  A line is read up to MAX_LINE
    characters (journald's own LineMax is 48 KiB), and what follows is not looked at."""
    tail = "app.service: Main process exited, code=exited, status=203/EXEC"
    parsed = journal.parse_journal("A" * (journal.MAX_LINE - 10) + " " + tail + "\n" + tail + "\n")
    assert [e.line for e in parsed.events] == [2]
    assert parsed.events[0].get("status") == 203
    assert not any(p.pattern.startswith("(?:(?P<unit>") for p in vars(journal).values()
                   if hasattr(p, "pattern"))


def test_found_by_fuzzing_field_names_start_where_a_word_does():
    """A long run of letters in a record made parse_fields quadratic (12 s for two 20 KB
    lines; audit lines go up to 1 MB): a name now starts only after a non-word character,
    which reads every line of tests/data/selinux exactly as before."""
    assert audit.parse_fields('a=1 comm="go" x-y=2 1abc=3 key=k\x1dARCH=x86_64') == {
        "a": "1", "comm": "go", "x-y": "2", "key": "k", "ARCH": "x86_64"}
    assert audit_records._FIELD.pattern.startswith("(?<![\\w-])")


def test_found_by_fuzzing_a_time_no_kernel_writes():
    """The long mutation run found `gotriage avc` stopping with "OverflowError: timestamp
    out of range" on audit(99999999999999999999.123:5): such a record is counted as one
    that could not be read; the next one is read."""
    scanner = audit.Scanner()
    scanner.start_file("audit.log")
    record = (b"type=AVC msg=audit(%s:5): avc:  denied  { read } for  pid=1 comm=\"x\" "
              b"scontext=a:b:c_t:s0 tcontext=a:b:d_t:s0 tclass=file permissive=0\n")
    scanner.feed(record % b"99999999999999999999.123" + record % b"1700000000.123")
    scanner.finish()
    assert scanner.result.avc_records == 1 and scanner.result.bad_avc == 1
    assert scanner.result.first == scanner.result.last == 1700000000.123


# -- the security layer -------------------------------------------------------------------
@fuzz
@given(fuzzed_text(docstring_samples(security) + [
    "Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin=no\nMatch Address 10.0.0.0/8\n",
    "root:<hash>:19700:0:99999:7:::\nguest::1::::::\n"]))
def test_security_parsers(text):
    for line in security.parse_sshd_config(text):
        assert line.keyword == line.keyword.lower() and line.line >= 1
    for number, line in security.nullok_lines(text):
        assert "nullok" in line and number >= 1
    for _account, state, _line in security.parse_shadow(text):
        assert state in ("empty", "locked", "password")


@fuzz
@given(fuzzed_bytes([s.encode("utf-8") for s in docstring_samples(xccdf_results)] + [
    read_data(os.path.join("scap", "debian11-testresult.xml"))]))
def test_parse_xccdf_results(data):
    try:
        scan = xccdf_results.parse_xccdf_results(data)
    except xccdf_results.ResultsError as exc:
        assert "\n" not in str(exc)
        return
    assert all(isinstance(rule, str) for rule, _result in scan.results)
