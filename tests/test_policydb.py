"""selinux/policydb.py (the binary policy read by gotriage) and selinux/policy_answers.py
(what seinfo, sesearch, semanage port -l and audit2why answer from it), with the real
tools as oracles: Debian's reference policy (policy.33, scripts/setup installs
selinux-policy-default), the same policy written by real `checkpolicy -b -c N` as every
version from 24 to 33, and a small policy compiled by real checkpolicy from
tests/data/selinux/policydb/small-policy.conf, made to reach every reason audit2why gives
(a boolean, two booleans, a missing rule, dontaudit, a constraint, role allow, an
invalid context).
"""

import glob
import os
import random
import shutil
import subprocess

import pytest
from hypothesis import given

from conftest import DATA, need
from fuzz_support import fuzz_share, mutated
from gotriage.facts.selinux import parse_semanage_ports
from gotriage.parsers.audit2why import parse_audit2why
from gotriage.parsers.audit_records import AuditParseError, parse_avc_body
from gotriage.parsers.seinfo import parse_seinfo_listing
from gotriage.parsers.sesearch import parse_sesearch_allow
from gotriage.selinux import policy_answers as answers
from gotriage.selinux.policydb import PolicyError, read_policy
from reference_outputs import run_reference

POLICY = "/etc/selinux/default/policy/policy.33"
SMALL = os.path.join(DATA, "selinux", "policydb", "small-policy.conf")
SMALL_AVC = os.path.join(DATA, "selinux", "policydb", "small-policy-avc.log")


def _tool(name):
    path = shutil.which(name) or (os.path.join("/usr/sbin", name)
                                  if os.path.exists(os.path.join("/usr/sbin", name)) else None)
    need(path, "%s is not installed" % name)
    return path


def _run(argv, stdin=None):
    # the tools' answers are kept for this checkout's next run (the other Python's)
    return run_reference(argv, stdin)


@pytest.fixture(scope="module")
def real():
    need(os.path.exists(POLICY), "no %s (selinux-policy-default)" % POLICY)
    with open(POLICY, "rb") as f:
        return read_policy(f.read())


@pytest.fixture(scope="module")
def versions(tmp_path_factory, real):
    """{N: the path of the real policy written as version N by checkpolicy}."""
    checkpolicy = _tool("checkpolicy")
    out = tmp_path_factory.mktemp("versions")
    paths = {}
    for version in range(24, 34):
        path = str(out / ("policy.%d" % version))
        subprocess.run([checkpolicy, "-b", "-M", "-c", str(version), "-o", path, POLICY],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
        paths[version] = path
    return paths


def _compile_small(directory, version=33):
    path = os.path.join(str(directory), "small.%d" % version)
    subprocess.run([_tool("checkpolicy"), "-c", str(version), "-o", path, SMALL],
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
    return path


def _avc_lines(paths):
    """The distinct printable AVC denial lines of the logs, as facts.selinux gives them
    to audit2why."""
    lines = []
    seen = set()
    for path in paths:
        with open(path, "rb") as f:
            text = f.read().decode("ascii", "replace")
        for line in text.splitlines():
            line = line.rstrip()
            if ("avc:" in line and "denied" in line and line not in seen
                    and all(" " <= c <= "~" or c in "\t\x1d" for c in line)):
                seen.add(line)
                lines.append(line)
    return lines


def _verdicts(policy, lines):
    out = {}
    for line in lines:
        try:
            avc = parse_avc_body(line[line.index("avc:"):])
        except AuditParseError:
            continue
        verdict = answers.verdict(policy, line, avc.scontext, avc.tcontext, avc.tclass,
                                  avc.perms)
        if verdict is not None:
            out[line] = verdict.to_dict()
    return out


def _audit2why(policy_path, lines):
    text = _run([_tool("audit2why"), "-p", policy_path], "".join(line + "\n" for line in lines))
    out = {}
    for verdict in parse_audit2why(text):
        d = verdict.to_dict()
        for boolean in d.get("booleans", ()):
            boolean["description"] = None  # sepolicy's text, not the policy's
        out[verdict.line] = d
    return out


# -- seinfo --------------------------------------------------------------------------------
def test_listing_equals_seinfo(real):
    ref = parse_seinfo_listing(_run([_tool("seinfo"), POLICY, "--flat", "-t", "-x", "-c",
                                     "--common"]))
    mine = answers.listing(real)
    assert len(mine.types) > 3000
    assert mine.types == ref.types
    assert mine.aliases == ref.aliases
    assert mine.attributes == ref.attributes
    assert mine.classes == ref.classes
    assert mine.perms == ref.perms


# -- sesearch ------------------------------------------------------------------------------
def _questions(policy, listing, seed=13, sources=10):
    """(type, class, permission) questions: for a few types, permissions of random
    classes (mostly without a rule) and permissions of rules the type has."""
    rnd = random.Random(seed)
    types = sorted(listing.types)
    asked = []
    for stype in rnd.sample(types, sources) + ["httpd_t", "init_t", "sshd_t", "unconfined_t"]:
        for tclass in rnd.sample(sorted(listing.classes), 6) + ["file", "dir", "tcp_socket"]:
            perms = sorted(listing.perms[tclass])
            for perm in rnd.sample(perms, min(2, len(perms))):
                asked.append((stype, tclass, perm))
        value = policy.type_by_name[stype]
        sources_of = policy.type_attr[value - 1]
        rules = sorted(key for key in policy.allow if sources_of >> (key[0] - 1) & 1)
        for key in rnd.sample(rules, min(10, len(rules))):
            cls = policy.classes[key[2] - 1]
            granted = [n for n, v in cls.perms.items() if policy.allow[key] >> (v - 1) & 1]
            asked.append((stype, cls.name, rnd.choice(sorted(granted))))
    return asked


def test_allow_targets_equal_sesearch(real):
    """For a few hundred (source, class, permission) drawn from the policy, the targets
    are those facts.selinux.sesearch_all finds in real sesearch output, in its order."""
    sesearch = _tool("sesearch")
    listing = answers.listing(real)
    asked = _questions(real, listing)
    by_type = {}
    for question in asked:
        by_type.setdefault(question[0], []).append(question)
    compared = answered = 0
    for stype, questions in sorted(by_type.items()):
        classes = sorted(set(q[1] for q in questions))
        text = _run([sesearch, "-A", "-rs", "-s", "^(%s)$" % stype, "-c", ",".join(classes),
                     POLICY])
        rules = {}
        for place, (source, target, tclass, perms) in enumerate(parse_sesearch_allow(text)):
            rules.setdefault((source, tclass), []).append((place, target, perms))
        for _stype, tclass, perm in questions:
            found = []
            for source in (stype,) + tuple(sorted(listing.attributes[stype])):
                found.extend(rules.get((source, tclass), ()))
            expected = []
            for _place, target, perms in sorted(found, key=lambda r: r[0]):
                if perm in perms and target not in expected:
                    expected.append(target)
            assert answers.allow_targets(real, stype, tclass, perm) == expected, (
                stype, tclass, perm)
            compared += 1
            answered += bool(expected)
    assert compared >= 300 and answered >= 140
    assert answers.allow_targets(real, "no_such_t", "file", "read") is None
    assert answers.allow_targets(real, "httpd_t", "file", "no_such_perm") is None


# -- ports ---------------------------------------------------------------------------------
def test_portcons_equal_seinfo(real):
    text = _run([_tool("seinfo"), POLICY, "--portcon"])
    ref = []
    for line in text.splitlines():
        parts = line.split()
        if parts[:1] == ["portcon"]:
            low, _, high = parts[2].partition("-")
            ref.append((parts[1], int(low), int(high or low), parts[3].split(":")[2]))
    mine = [(answers.db.PROTOCOLS[proto], low, high, real.type_names[t - 1])
            for proto, low, high, t in real.portcons]
    assert len(mine) > 400
    assert sorted(mine) == sorted(ref)


def test_port_types_agree_with_semanage(real):
    """semanage port -l groups ports by type, so where two statements overlap its
    listing's first line is not the one the kernel uses; everywhere else the table is
    the one facts.selinux made of it."""
    result = subprocess.run([_tool("semanage"), "port", "-l"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, universal_newlines=True)
    need(result.returncode == 0, "semanage port -l fails here: %s" % result.stderr.strip())
    ref = parse_semanage_ports(result.stdout)
    mine = answers.port_types(real)
    assert set(mine) == set(ref)
    differ = [key for key in mine if mine[key] != ref[key]]
    for number, proto in differ:  # an overlap: the kernel takes the first statement
        first = [t for p, lo, hi, t in real.portcons
                 if answers.db.PROTOCOLS.get(p) == proto and lo <= number <= hi][0]
        assert mine[(number, proto)] == real.type_names[first - 1]
    assert mine[(80, "tcp")] == "http_port_t"
    assert len(differ) < len(mine) // 10


# -- audit2why -----------------------------------------------------------------------------
def test_verdicts_equal_audit2why_on_the_real_logs(real):
    """Every distinct AVC line of tests/data/selinux's logs: the same verdict, boolean
    names and values, constraint text and causes as real audit2why, and no verdict where
    it gives none."""
    lines = _avc_lines(sorted(glob.glob(os.path.join(DATA, "selinux", "*.log"))))
    ref = _audit2why(POLICY, lines)
    mine = _verdicts(real, lines)
    assert len(ref) > 1000
    reasons = set(v["reason"] for v in ref.values())
    assert {"allowed", "te-rule", "boolean", "dontaudit", "constraint"} <= reasons
    assert sorted(mine) == sorted(ref)
    for line in ref:
        assert mine[line] == ref[line], line


def test_small_policy_every_reason(tmp_path):
    lines = _avc_lines([SMALL_AVC])
    for version in (24, 29, 31, 33):
        path = _compile_small(tmp_path, version)
        with open(path, "rb") as f:
            policy = read_policy(f.read())
        assert policy.version == version
        ref = _audit2why(path, lines)
        mine = _verdicts(policy, lines)
        assert sorted(r["reason"] for r in ref.values()) == sorted(
            ["allowed"] * 4 + ["boolean"] * 2 + ["te-rule"] * 3 + ["dontaudit", "constraint",
                                                                      "rbac"])
        assert mine == ref
        assert answers.port_types(policy)[(80, "tcp")] == "c_t"
        assert answers.listing(policy).aliases == {"c_alias_t": "c_t"}


# -- versions ------------------------------------------------------------------------------
def test_every_version_24_to_33_reads_the_same(real, versions):
    listing = answers.listing(real)
    asked = _questions(real, listing, seed=5, sources=4)
    lines = _avc_lines([os.path.join(DATA, "selinux", name) for name in (
        "httpd_can_network_connect.log", "sepolgen-short.log", "allow_execmod.log")])
    expected = _verdicts(real, lines)
    for version, path in sorted(versions.items()):
        with open(path, "rb") as f:
            policy = read_policy(f.read())
        assert policy.version == version
        mine = answers.listing(policy)
        assert (mine.types, mine.aliases, mine.attributes, mine.perms) == (
            listing.types, listing.aliases, listing.attributes, listing.perms), version
        for question in asked:
            assert answers.allow_targets(policy, *question) == answers.allow_targets(
                real, *question), (version, question)
        assert policy.portcons == real.portcons
        verdicts = _verdicts(policy, lines)
        wanted = {line: dict(verdict) for line, verdict in expected.items()}
        if version < 29:  # no constraint names yet: libsepol lists the types themselves
            for verdict in list(verdicts.values()) + list(wanted.values()):
                verdict.pop("constraint", None)
        assert verdicts == wanted, version


def test_an_old_version_against_the_real_tools(versions):
    """Version 24 (before filename transitions and constraint names) checked against
    seinfo and audit2why themselves, not only against version 33."""
    path = versions[24]
    with open(path, "rb") as f:
        policy = read_policy(f.read())
    ref = parse_seinfo_listing(_run([_tool("seinfo"), path, "--flat", "-t", "-x", "-c",
                                     "--common"]))
    mine = answers.listing(policy)
    assert (mine.types, mine.attributes, mine.perms) == (ref.types, ref.attributes, ref.perms)
    lines = _avc_lines([os.path.join(DATA, "selinux", "sepolgen-short.log")])
    assert _verdicts(policy, lines) == _audit2why(path, lines)


# -- refusals ------------------------------------------------------------------------------
def _small_bytes(tmp_path):
    with open(_compile_small(tmp_path), "rb") as f:
        return f.read()


def test_truncated_files_are_refused(tmp_path):
    data = _small_bytes(tmp_path)
    read_policy(data)
    for end in range(0, len(data)):
        with pytest.raises(PolicyError):
            read_policy(data[:end])


def test_unknown_versions_and_other_files_are_refused(tmp_path):
    data = _small_bytes(tmp_path)
    for version in (15, 23, 34, 35, 2 ** 32 - 1):
        changed = data[:16] + version.to_bytes(4, "little") + data[20:]
        with pytest.raises(PolicyError) as err:
            read_policy(changed)
        assert "version %d" % version in str(err.value)
    for other in (b"", b"\x7fELF" + bytes(60), data[4:], b"\x8c\xff\x7c\xf9" + bytes(100)):
        with pytest.raises(PolicyError):
            read_policy(other)


@pytest.fixture(scope="module")
def small_sample(tmp_path_factory):
    return [_small_bytes(tmp_path_factory.mktemp("small"))]


def test_fuzzed_policies_are_read_or_refused(small_sample):
    """Mutated real policies (checkpolicy's output): a Policy or a PolicyError, never
    another exception."""

    @fuzz_share(1 / 2)
    @given(data=mutated(small_sample, max_ops=4, binary=True))
    def check(data):
        try:
            policy = read_policy(data)
        except PolicyError:
            return
        answers.listing(policy)
        answers.port_types(policy)
        for line in _avc_lines([SMALL_AVC]):
            avc = parse_avc_body(line[line.index("avc:"):])
            try:
                answers.verdict(policy, line, avc.scontext, avc.tcontext, avc.tclass,
                                avc.perms)
            except PolicyError:
                pass

    check()


def test_the_symbol_tables_alone_name_the_same_types(real):
    with open(POLICY, "rb") as f:
        symbols = read_policy(f.read(), symbols_only=True)
    assert symbols.type_names == real.type_names and len(symbols.allow) == 0
    types = frozenset(n for v, n in enumerate(symbols.type_names) if not symbols.is_attribute[v])
    assert types == answers.listing(real).types
