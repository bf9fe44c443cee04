"""Fuzzing the parse functions that live outside src/gotriage/parsers/, and the firewall
evaluator that reads what the parsers kept (hypothesis, bounded: tests/fuzz_support.py).

Contracts: parse_since raises only UsageError (a one-line error, exit 2); the others
never raise.  The evaluator (firewall/netfilter/, firewall/firewalld.py) must give a
verdict, whatever a mutated `nft -j list ruleset` or iptables dump holds.
"""

import json
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import DATA
from firewall_scenarios import scenario_snapshot, scenarios
from fuzz_support import (
    JSON_VALUES,
    data_files,
    docstring_samples,
    excerpts,
    fuzz,
    fuzz_share,
    fuzzed_bytes,
    fuzzed_text,
    mutated,
    text_data,
)
from gotriage import versions
from gotriage.facts.selinux import parse_config
from gotriage.firewall import firewalld as fw_model
from gotriage.firewall import goexe
from gotriage.knowledge import go_kernel, loader, packages
from gotriage.selinux import fcontext, rules
from gotriage.selinux.command import UsageError, parse_since
from gotriage.service import binprobe, labels, strace

# -- SELinux ---------------------------------------------------------------------------------
FILE_CONTEXTS = excerpts([text_data("selinux", "refpolicy-file_contexts"),
                          text_data("selinux", "refpolicy-file_contexts.homedirs")], 30)


@fuzz
@given(fuzzed_text(FILE_CONTEXTS), st.sampled_from(["/usr/bin/go", "/home/alice/.cache/x", "/srv/app",
                                                    "/var/lib/x/²", "", "/\0"]),
       st.sampled_from([None, "file", "dir", "lnk_file"]))
def test_file_contexts(text, path, tclass):
    specs = fcontext.parse_file_contexts(text, "fuzzed")
    fcontext.FileContexts(specs).lookup(path, tclass or "file")


@fuzz
@given(fuzzed_text(FILE_CONTEXTS), fuzzed_text(["/usr/local/go /usr\n/opt/x /usr # alias\n", "a b c\n"]),
       st.sampled_from(["/usr/local/go/bin/go", "/opt/x/bin", "", "/"]))
def test_label_aliases(text, subs, path):
    labels.FileContexts([("fuzzed", text)], labels.parse_subs(subs)).lookup(path, "file")


RULES = ["allow httpd_t http_port_t:tcp_socket name_connect;\n"
         "allow init_t user_home_t:file { execute open read };\nallow a_t self:process execmem;\n"
         "role system_r types goapp_t;\n"]


@fuzz
@given(fuzzed_text(RULES))
def test_parse_rules(text):
    rules.parse_rules(text)


@fuzz
@given(fuzzed_text(data_files("services", "config") + ["SELINUX=enforcing\nSELINUXTYPE=targeted\n"]))
def test_selinux_config(text):
    parse_config(text)


@fuzz
@given(fuzzed_text(["recent", "today", "yesterday", "this-week", "30m", "2h", "3d", "1700000000",
                    "2024-05-01 10:00", "2024-05-01T10:00:00", "2024-05-01"]))
def test_parse_since(text):
    try:
        parse_since(text, now=1700000000.0)
    except UsageError:
        pass


# -- services ------------------------------------------------------------------------------------
STRACE = ['1201  execve("/usr/local/bin/app", ["/usr/local/bin/app", "-addr", ":80"], 0x7ffd /* 9 vars */) = 0\n'
          '1201  openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory)\n'
          '1201  bind(3, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("0.0.0.0")}, 16) = -1 EACCES '
          '(Permission denied)\n1202  +++ exited with 1 +++\n1201  --- SIGSEGV {si_signo=SIGSEGV} ---\n'
          '1201  write(2, "panic: \\x41\\377 boom\\n", 18) = 18\n1201  +++ killed by SIGKILL +++\n']


@fuzz
@given(fuzzed_text(STRACE), st.sampled_from([None, "/usr/local/bin/app", ""]),
       fuzzed_text(["", "error while loading shared libraries: libx.so.1: cannot open shared object file"]))
def test_parse_strace(text, program, stderr):
    strace.parse_strace(text, program, stderr)


def _programs():
    base = os.path.join(DATA, "services", "el9-services", "files", "usr", "local", "bin")
    out = []
    for name in sorted(os.listdir(base))[:3]:
        with open(os.path.join(base, name), "rb") as f:
            out.append(f.read())
    return out


PROGRAMS = _programs()


def _reader(data):
    return lambda offset, length: data[max(0, offset):max(0, offset) + max(0, length)]


@st.composite
def damaged_program(draw):
    data = bytearray(draw(st.sampled_from(PROGRAMS + [b"#!/bin/sh\necho\n", b""])))
    for _ in range(draw(st.integers(0, 6))):
        if not data:
            break
        at = draw(st.one_of(st.integers(0, min(4095, len(data) - 1)), st.integers(0, len(data) - 1)))
        data[at] = draw(st.integers(0, 255))
    if draw(st.integers(0, 4)) == 0:
        data = data[:draw(st.integers(0, len(data)))]
    return bytes(data)


@fuzz
@given(damaged_program(), st.booleans())
def test_binprobe_and_goexe(data, with_size):
    binprobe.probe(_reader(data), len(data) if with_size else None)
    goexe.go_version(_reader(data), max_scan=1 << 21)


# -- versions, machines, times ------------------------------------------------------------------
VERSIONS = ["go1.21.13", "GLIBC_2.34", "GLIBC_ABI_DT_RELR", "5.14.0-362.el9.x86_64", "2.6.32", "1.3.3",
            "0.6.3-8.el7", "2.28", "el9", "1.22rc1", "6h", "2d", "never", "-1", "1e308d", "inf"]


@fuzz
@given(fuzzed_text(VERSIONS))
def test_version_readers(text):
    parts = versions.dotted_numbers(text)
    assert all(isinstance(p, int) for p in parts)
    versions.version_tuple(text)
    loader.glibc_need_version(text)
    fw_model.version_tuple(text)
    go_kernel.parse_kernel(text)
    packages.parse_seconds(text)
    loader.normalise_machine(text)
    binprobe.normalise_machine(text)


# -- the firewall evaluator over mutated rulesets ------------------------------------------------
@pytest.fixture(scope="module")
def firewall_case(tmp_path_factory):
    """A recorded scenario (nftables backend, a rich reject) as a snapshot host, with its
    nft JSON and iptables dump."""
    from gotriage.host.snapshot import SnapshotHost

    backend, name, directory = [s for s in scenarios() if s[1] == "B_rich_reject" and s[0] == "nftables-backend"][0]
    snap = str(scenario_snapshot(directory, tmp_path_factory.mktemp("fw") / "snap"))
    with open(os.path.join(directory, "nft-list-ruleset.json")) as f:
        nft = json.load(f)
    with open(os.path.join(directory, "iptables-nft-save.txt")) as f:
        ipt = f.read()
    return SnapshotHost(snap), nft, ipt


CLIENTS = [([], None), (["10.199.1.2"], "rfw-s1"), (["fd00::2"], None), (["10.199.2.2"], "rfw-s2")]


def _verdicts(host, client, nft=None, ipt=None):
    """The verdicts for one client, the live ruleset replaced by `nft` / `ipt`."""
    from gotriage.facts.firewall import FirewallFacts
    from gotriage.firewall.analysis import analyse
    from gotriage.parsers.iptables_save import parse_iptables_save
    from gotriage.parsers.nft_json import NftError, parse_nft_json

    facts = FirewallFacts(host)
    if nft is not None:
        try:
            facts._cache["nft"] = parse_nft_json(nft)
        except NftError:
            facts._cache["nft"] = None
    if ipt is not None:
        facts._cache[("iptables", "ipv4")] = {"iptables-nft": parse_iptables_save(ipt, "ipv4", "iptables-nft")}
    froms, iface = client
    for verdict in analyse(facts, 8080, "tcp", froms, iface).verdicts:
        assert verdict.outcome in ("open", "refused", "unreachable", "timeout", "forwarded", "unknown")


@st.composite
def mutated_rules(draw, document):
    """The nft document with a few of its rules' expressions (or other objects) replaced
    in part by random JSON."""
    doc = json.loads(json.dumps(document))
    items = doc["nftables"]
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, len(items) - 1))
        body = next(iter(items[index].values())) if isinstance(items[index], dict) and items[index] else None
        if isinstance(body, dict) and isinstance(body.get("expr"), list) and body["expr"] and draw(st.booleans()):
            at = draw(st.integers(0, len(body["expr"]) - 1))
            expr = body["expr"][at]
            if isinstance(expr, dict) and expr:
                key = next(iter(expr))
                inner = expr[key]
                if isinstance(inner, dict) and inner and draw(st.booleans()):
                    field = draw(st.sampled_from(sorted(inner)))
                    inner[field] = draw(JSON_VALUES)
                else:
                    expr[key] = draw(JSON_VALUES)
            else:
                body["expr"][at] = draw(JSON_VALUES)
        elif isinstance(body, dict) and body:
            body[draw(st.sampled_from(sorted(body)))] = draw(JSON_VALUES)
        else:
            items[index] = draw(JSON_VALUES)
    return json.dumps(doc)


@fuzz_share(1 / 3)  # a verdict walks the whole ruleset (~0.1 s)
@given(st.data(), st.sampled_from(CLIENTS))
def test_evaluator_with_a_mutated_nft_ruleset(firewall_case, data, client):
    host, nft, _ = firewall_case
    _verdicts(host, client, nft=data.draw(mutated_rules(nft)))


@fuzz_share(1 / 3)
@given(st.data(), st.sampled_from(CLIENTS))
def test_evaluator_with_a_mutated_iptables_dump(firewall_case, data, client):
    host, _, ipt = firewall_case
    _verdicts(host, client, nft="{}", ipt=data.draw(mutated([ipt], max_ops=5)))


def test_a_rule_of_a_shape_nft_never_prints_costs_that_rule(firewall_case):
    """One damaged rule is skipped with a note naming it; the verdict still comes from
    the rest of the ruleset (a reject of 10.199.1.0/24 in the public zone)."""
    from gotriage.facts.firewall import FirewallFacts
    from gotriage.firewall.analysis import analyse
    from gotriage.parsers.nft_json import parse_nft_json

    host, nft, _ = firewall_case
    doc = json.loads(json.dumps(nft))
    damaged = 0
    for item in doc["nftables"]:
        rule = item.get("rule")
        if rule and rule["chain"] == "filter_IN_public_allow":
            rule["expr"].insert(0, {"match": {"op": "==", "left": {"payload": "tcp"}, "right": 22}})
            damaged += 1
    assert damaged
    facts = FirewallFacts(host)
    facts._cache["nft"] = parse_nft_json(json.dumps(doc))
    verdict = analyse(facts, 8080, "tcp", ["10.199.1.2"], "rfw-s1").verdicts[0]
    assert verdict.outcome == "refused"
    assert verdict.packet.malformed == 0  # the deny chain decides before the damaged rules


def test_the_samples_are_there():
    assert FILE_CONTEXTS and PROGRAMS and docstring_samples(strace) is not None
    assert fuzzed_bytes([b"x"]) is not None


def test_a_jump_loop_is_skipped_not_walked(firewall_case):
    """nft refuses a ruleset whose chains jump in a loop; a damaged dump with one (two
    rules of a chain jumping back to it) must not take 2^64 steps."""
    from gotriage.facts.firewall import FirewallFacts
    from gotriage.firewall.analysis import analyse
    from gotriage.parsers.nft_json import parse_nft_json

    host, nft, _ = firewall_case
    doc = json.loads(json.dumps(nft))
    loop = {"rule": {"family": "inet", "table": "firewalld", "chain": "filter_IN_public_pre",
                     "handle": 9000, "expr": [{"jump": {"target": "filter_IN_public"}}]}}
    doc["nftables"] += [loop, json.loads(json.dumps(loop))]
    facts = FirewallFacts(host)
    facts._cache["nft"] = parse_nft_json(json.dumps(doc))
    verdict = analyse(facts, 8080, "tcp", ["10.199.1.2"], "rfw-s1").verdicts[0]
    assert verdict.outcome == "refused"
    assert any("jump loop to filter_IN_public" in n for n in verdict.packet.notes)


# -- audit logs through the reader (rotations, gzip) -------------------------------------------
class _LogHost(object):
    """Just what selinux/logread.scan asks of a Host: the logs, read in ranges."""

    def __init__(self, files):
        self.files = files

    def read_range(self, path, offset, length):
        return self.files[path][offset:offset + length]

    def try_listdir(self, path):
        return sorted(p.rsplit("/", 1)[1] for p in self.files if p.startswith(path + "/"))

    def _note_denied(self, err):
        pass


def _compressed_logs():
    import gzip

    out = []
    for name in ("go-8080.log", "httpd_bad_labels.log", "auparse-test.log"):
        with open(os.path.join(DATA, "selinux", name), "rb") as f:
            data = f.read()
        out.append(gzip.compress(data))
        out.append(gzip.compress(data[:len(data) // 2]) + gzip.compress(data[len(data) // 2:]))  # two members
    return out


GZ_LOGS = _compressed_logs()


@fuzz
@given(fuzzed_bytes(GZ_LOGS, max_ops=3), fuzzed_bytes(GZ_LOGS[:1], max_ops=1))
def test_audit_log_rotations_damaged(rotated, current):
    """A damaged audit.log.1.gz is recorded as EBADGZ (or read as far as it goes) and the
    other logs are still read: selinux/logread.scan never raises."""
    from gotriage.selinux import logread

    host = _LogHost({"/var/log/audit/audit.log.1.gz": rotated, "/var/log/audit/audit.log": current})
    result = logread.scan(host)
    assert [f["path"] for f in result.files] == ["/var/log/audit/audit.log.1.gz", "/var/log/audit/audit.log"]


@fuzz
@given(fuzzed_text(["app", "app.service", "/etc/systemd/system/app.service", "x@y.service", "a/", ""]),
       fuzzed_text(["/srv/my\\040dir", "/mnt/a\\011b", "\\777", "/x"]))
def test_unit_names_and_mount_paths(name, mount):
    from gotriage.facts.service import normalise_unit_name
    from gotriage.facts.service_labels import _unescape_mount

    normalise_unit_name(name)
    _unescape_mount(mount)


def test_found_by_fuzzing_a_time_float_reads_and_dnf_does_not():
    """The long run found metadata_expire=1e999 (float() reads inf) raising OverflowError
    out of parse_seconds: an amount dnf cannot read is None (unknown)."""
    assert [packages.parse_seconds(v) for v in ("6h", "never", "inf", "1e999", "nan", "1e308d")] == [
        21600, -1, None, None, None, None]
