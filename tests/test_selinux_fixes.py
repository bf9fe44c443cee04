"""Every fix the SELinux layer can print (issue 11 §1b), on every audit log of
tests/data/selinux -- live, with the real audit2why, matchpathcon, seinfo, sesearch and
semanage -- and on RHEL-like and reference-policy snapshots of the same logs (`avc
--root`, `check --root --layer selinux`), judged against the REAL policy: Debian's
selinux-policy-default policy.33 read with setools (python3-setools, through Debian's own
python3), matchpathcon, and the modules of its policy store.

- a boolean that changes every domain is never offered without the caution "affects the
  whole host", and comes after every narrower fix.  In policy.33 that is a boolean whose
  allow rules reach domains of 10 or more families (the next ones reach 8: httpd_*,
  virt_*); RHEL/Fedora names come from the issue's list;
- no `semanage port` gives a type to a port whose type belongs to a service: in
  policy.33 only the generic types (portcon ranges of 1000 ports or more, and the initial
  SID `port`) are not a service's; `-m` only for the user's own label;
- no `semanage fcontext` retypes a place the policy labels for another module (a type the
  store declares in a module other than base), a system directory or a home directory;
- no placeholder (`<...>`, NAME, PORT, TYPE, DIR, PATH, INODE, UNIT) in a fix;
- SEL-MODE-MISMATCH never proposes a weaker mode;
- the printed module command carries the run's log arguments, --root and --since, and
  running it writes that module.
"""

import bz2
import glob
import json
import os
import re
import shlex
import shutil
import subprocess
import sys

import pytest

from conftest import DATA, ROOT, need, run_gotriage
from gotriage.facts import selinux as selinux_facts
from gotriage.findings import is_system_dir
from gotriage.host.live import LiveHost
from gotriage.host.snapshot import SnapshotHost
from gotriage.knowledge import selinux as K
from gotriage.selinux.command import analyse, render_text
from requirements_external import install_hint
from test_selinux_avc import host_snapshot

SEL = os.path.join(DATA, "selinux")
LOGS = sorted(glob.glob(os.path.join(SEL, "*.log")) + glob.glob(os.path.join(SEL, "*.txt")))
POLICY = "/etc/selinux/default/policy/policy.33"
STORE_MODULES = "/var/lib/selinux/default/active/modules"
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's, with python3-setools
SETOOLS = "/usr/lib/python3/dist-packages/setools/__init__.py"
WIDE_FAMILIES = 10
# The list of booleans that change every domain, in RHEL/Fedora's names.
RHEL_HOST_WIDE = ("deny_execmem", "domain_can_mmap_files", "allow_execmem", "allow_execmod",
                  "selinuxuser_execmod", "selinuxuser_execstack", "selinuxuser_execheap",
                  "secure_mode", "secure_mode_insmod", "secure_mode_policyload")
PLACEHOLDER = re.compile(r"<[^<>]*>|(?<![A-Za-z0-9])(NAME|PORT|TYPE|DIR|PATH|INODE|UNIT|DOMAIN)"
                         r"(?![A-Za-z0-9])")

# What policy.33 says, read with setools: per boolean, the families (first word of the
# type name) of the domains its allow rules reach; every portcon; the port initial SID.
QUERY = r"""
import collections, json, sys
import setools
policy = setools.SELinuxPolicy(sys.argv[1])
families = collections.defaultdict(set)
for rule in policy.terules():
    if str(rule.ruletype) not in ("allow", "allowxperm"):
        continue
    conditional = getattr(rule, "conditional", None)
    if conditional is None:
        continue
    reached = set(str(t).split("_")[0] for t in rule.source.expand())
    for boolean in conditional.booleans:
        families[str(boolean)].update(reached)
print(json.dumps({
    "booleans": dict((str(b), len(families.get(str(b), ()))) for b in policy.bools()),
    "portcons": [[str(p.protocol), p.ports.low, p.ports.high, str(p.context.type_)]
                 for p in policy.portcons()],
    "port_sid": str(policy.lookup_initialsid("port").context.type_),
}))
"""


class RealPolicy(object):
    def __init__(self, answer, modules):
        self.families = answer["booleans"]
        self.portcons = answer["portcons"]
        self.port_sid = answer["port_sid"]
        self.modules = modules  # type -> the store module that declares it
        self.span = {}
        for _proto, low, high, ptype in self.portcons:
            self.span[ptype] = self.span.get(ptype, 0) + high - low + 1

    def host_wide(self, boolean):
        if boolean in self.families:
            return self.families[boolean] >= WIDE_FAMILIES
        return boolean in RHEL_HOST_WIDE or boolean.startswith(("selinuxuser_", "secure_mode"))

    def port_type(self, proto, number):
        """The type policy.33 gives the port: its narrowest portcon, else the SID's."""
        found = [(high - low, ptype) for p, low, high, ptype in self.portcons
                 if p == proto and low <= number <= high]
        return min(found)[1] if found else self.port_sid

    def generic_port_type(self, ptype):
        return ptype == self.port_sid or self.span.get(ptype, 0) >= 1000


def _declaring_modules():
    """{type: module} from the CIL of every module of the policy store."""
    out = {}
    for cil in glob.glob(os.path.join(STORE_MODULES, "*", "*", "cil")):
        with bz2.open(cil) as f:
            text = f.read().decode("utf-8", "replace")
        for name in re.findall(r"^\(type (\S+)\)", text, re.M):
            out[name] = cil.split("/")[-2]
    return out


@pytest.fixture(scope="module")
def real_policy():
    need(os.path.exists(POLICY), install_hint(POLICY))
    need(os.path.exists(SETOOLS), install_hint(SETOOLS))
    need(os.path.isdir(STORE_MODULES), install_hint(STORE_MODULES))
    proc = subprocess.run([SYSTEM_PYTHON, "-c", QUERY, POLICY], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()
    policy = RealPolicy(json.loads(proc.stdout.decode()), _declaring_modules())
    assert len(policy.families) > 200 and len(policy.portcons) > 300
    assert policy.modules["httpd_sys_content_t"] == "apache" and policy.modules["usr_t"] == "base"
    return policy


# -- the reports ---------------------------------------------------------------------------
def _need_tools():
    for name in ("audit2why", "matchpathcon", "seinfo", "sesearch", "semanage"):
        need(shutil.which(name, path="/usr/sbin:/usr/bin") is not None, install_hint(name))
    need(os.path.exists(POLICY), install_hint(POLICY))


@pytest.fixture(scope="module")
def live():
    """Every log at once, live, with every tool; audit2why and matchpathcon asked about
    every denial (their per-run limits raised), so this is each log's own run together."""
    _need_tools()
    saved = selinux_facts.MAX_AUDIT2WHY, selinux_facts.MAX_MATCHPATHCON
    selinux_facts.MAX_AUDIT2WHY = selinux_facts.MAX_MATCHPATHCON = 100000
    try:
        facts, scan, explained = analyse(LiveHost(), LOGS, timeout=120.0)
    finally:
        selinux_facts.MAX_AUDIT2WHY, selinux_facts.MAX_MATCHPATHCON = saved
    assert scan.overflow == 0
    # the policy file read by gotriage answers for audit2why, seinfo, sesearch and
    # semanage port -l (issue 13)
    assert facts.policy_read["error"] is None and facts.verdicts
    assert facts.tool_runs["matchpathcon"][2], facts.tool_runs["matchpathcon"][0].excerpt(3)
    assert facts.port_types, "the policy's port types are missing"
    return explained, render_text(facts, scan, explained, None, verbose=True)


def _all_logs():
    data = b""
    for path in LOGS:
        with open(path, "rb") as f:
            data += f.read().rstrip(b"\n") + b"\n"
    return data


RHEL_BOOLEANS = {name: "0 0" for name in (
    "selinuxuser_execmod", "selinuxuser_execstack", "selinuxuser_execheap", "domain_can_mmap_files",
    "httpd_can_network_connect", "httpd_can_network_connect_db", "httpd_execmem",
    "httpd_enable_homedirs", "httpd_read_user_content", "httpd_enable_cgi", "httpd_unified",
    "nis_enabled", "samba_enable_home_dirs", "samba_export_all_ro", "samba_export_all_rw",
    "ftpd_full_access")}
RHEL_BOOLEANS["deny_execmem"] = "1 1"
REF_BOOLEANS = {name: "0 0" for name in (
    "allow_execmem", "allow_execmod", "allow_execstack", "allow_execheap", "allow_ypbind",
    "httpd_can_network_connect", "httpd_can_network_connect_db", "httpd_execmem",
    "httpd_enable_homedirs", "httpd_enable_cgi", "httpd_unified", "samba_enable_home_dirs",
    "samba_export_all_ro", "samba_export_all_rw", "allow_ftpd_full_access")}


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory):
    """{name: (explained, text)} of `avc --root` on a RHEL-like and a reference-policy
    host whose audit.log holds every log."""
    out = {}
    base = tmp_path_factory.mktemp("selinux-fixes")
    for name, booleans in (("rhel", RHEL_BOOLEANS), ("refpolicy", REF_BOOLEANS)):
        snap = host_snapshot(base, _all_logs(), booleans=booleans, name=name)
        host = SnapshotHost(str(snap))
        facts, scan, explained = analyse(host, None)
        assert len(explained) > 3000
        out[name] = (explained, render_text(facts, scan, explained, None, verbose=True))
    return out


def _reports(live, snapshots):
    return [("live", live)] + sorted(snapshots.items())


def _actions(explained):
    for denial, explanations in explained:
        for index, e in enumerate(explanations):
            for action in e.fix:
                yield denial, explanations, index, e, action


# -- booleans ------------------------------------------------------------------------------
def test_gotriages_host_wide_booleans_are_the_real_policys(real_policy):
    """Every boolean of policy.33: gotriage calls it host-wide exactly when its rules reach
    domains of 10 or more families; and every RHEL name of the issue is host-wide."""
    wrong = sorted((name, families, K.host_wide(name))
                   for name, families in real_policy.families.items()
                   if K.host_wide(name) != (families >= WIDE_FAMILIES))
    assert not wrong, wrong
    assert all(K.host_wide(name) for name in RHEL_HOST_WIDE)
    assert not K.host_wide("httpd_can_network_connect_db") and not K.host_wide("httpd_enable_cgi")


def test_every_host_wide_boolean_is_cautioned_and_comes_last(real_policy, live, snapshots):
    offered = set()
    for name, (explained, text) in _reports(live, snapshots):
        for _d, explanations, index, e, action in _actions(explained):
            argv = action.argv or []
            if argv[:2] != ["setsebool", "-P"]:
                continue
            wide = real_policy.host_wide(argv[2])
            assert e.host_wide == wide, (name, argv, e.title)
            if not wide:
                continue
            offered.add(argv[2])
            assert action.safe is False and action.description == K.HOST_WIDE_CAUTION, argv
            assert "affects the whole host" in e.title
            assert all(later.host_wide for later in explanations[index:]), \
                (name, [(x.analyzer, x.title) for x in explanations])
            assert any(not x.host_wide for x in explanations), "no narrower fix before %s" % argv
        for line in text.splitlines():
            for boolean in re.findall(r"setsebool -P (\w+)", line):
                if real_policy.host_wide(boolean):
                    assert "affects the whole host" in line, (name, line)
    # the logs do ask for them: the test is not empty
    assert {"allow_ypbind", "deny_execmem", "allow_execmem", "domain_can_mmap_files"} <= offered, offered


# -- ports ---------------------------------------------------------------------------------
def test_no_port_that_belongs_to_a_service_is_retyped(real_policy, live, snapshots):
    proc = subprocess.run(["semanage", "port", "-l", "-C"], stdout=subprocess.PIPE, timeout=120)
    assert proc.stdout.strip() == b"", "this machine has its own port labels: -m would be right"
    given, owned = [], []
    for name, (explained, _text) in _reports(live, snapshots):
        for denial, explanations in explained:
            commands = [a.argv for e in explanations for a in e.fix if a.argv]
            retypes = [c for c in commands if c[:2] == ["semanage", "port"]]
            if denial.port is not None and denial.tclass.endswith("_socket"):
                proto = denial.tclass.split("_")[0]
                real = real_policy.port_type(proto, denial.port)
                if not real_policy.generic_port_type(real) or \
                        not real_policy.generic_port_type(denial.ttype):
                    owned.append((denial.port, real))
                    assert not retypes, (name, denial.port, real, denial.ttype, retypes)
            for argv in retypes:
                flag, ptype, proto, number = argv[2], argv[4], argv[6], int(argv[7])
                assert argv[3] == "-t" and argv[5] == "-p" and len(argv) == 8, argv
                assert flag == "-a", argv  # no port here is the user's own
                real = real_policy.port_type(proto, number)
                assert real_policy.generic_port_type(real), (argv, real)
                assert ptype in real_policy.modules, (argv, "not a type of policy.33")
                given.append(number)
    assert given and (5432, "postgresql_port_t") in owned and (8080, "http_cache_port_t") in owned


# -- file contexts -------------------------------------------------------------------------
def _home(path):
    parts = os.path.normpath(path).split("/")
    return path in ("/root", "/home") or (len(parts) == 3 and parts[1] == "home")


def test_no_place_another_module_owns_is_retyped(real_policy, live, snapshots):
    places = {}
    for name, (explained, _text) in _reports(live, snapshots):
        for _d, _ex, _i, _e, action in _actions(explained):
            argv = action.argv or []
            if argv[:4] == ["semanage", "fcontext", "-a", "-t"]:
                target = argv[5]
                place = target[:-len("(/.*)?")] if target.endswith("(/.*)?") else target
                places.setdefault(place, []).append((name, argv))
    assert places
    ordered = sorted(places)
    proc = subprocess.run(["matchpathcon", "-n"] + ordered, stdout=subprocess.PIPE, timeout=120)
    labels = proc.stdout.decode().splitlines()
    assert len(labels) == len(ordered), proc.stdout
    for place, label in zip(ordered, labels):
        assert not is_system_dir(place) and not _home(place), places[place]
        ptype = label.split(":")[2] if label != "<<none>>" else None
        owner = real_policy.modules.get(ptype, "base") if ptype else "base"
        assert owner == "base", (place, ptype, owner, places[place])


# -- placeholders --------------------------------------------------------------------------
def _texts(action):
    if action.kind == "command":
        return list(action.argv)
    if action.kind == "edit":
        return [action.line or "", action.old or ""]
    return [action.description or ""]


def _placeholder(text):
    """A placeholder left in a fix; matchpathcon's own answer <<none>> is not one."""
    return PLACEHOLDER.search(text.replace("<<none>>", ""))


def test_no_placeholder_in_any_fix(live, snapshots):
    for name, (explained, _text) in _reports(live, snapshots):
        for _d, _ex, _i, e, action in _actions(explained):
            for text in _texts(action):
                assert not _placeholder(text), (name, e.analyzer, action.render())
            for note in e.notes:
                assert not _placeholder(note), (name, e.analyzer, note)


@pytest.mark.parametrize("mode,config", [("1", "enforcing"), ("1", "permissive"), ("1", "disabled"),
                                         ("0", "enforcing"), ("0", "permissive"), ("0", "disabled")])
def test_check_never_weakens_the_mode_and_cautions_host_wide_booleans(tmp_path, mode, config):
    """`check --layer selinux` on snapshots with each running mode and configured mode, a
    pending and a not-persistent host-wide boolean, and every log: no fix lowers SELINUX=,
    runs `setenforce 0`, holds a placeholder, or turns a host-wide boolean without the
    caution."""
    snap = host_snapshot(tmp_path, _all_logs(), mode=mode, config_mode=config,
                         booleans=dict(RHEL_BOOLEANS, deny_execmem="1 0", nis_enabled="1 1"),
                         extra={"/var/lib/selinux/targeted/active/booleans.local": "nis_enabled=0\n"})
    run = run_gotriage(["check", "--root", str(snap), "--layer", "selinux", "--json"])
    assert run.returncode in (0, 1), run.stderr
    strength = {"disabled": 0, "permissive": 1, "enforcing": 2}
    results = run.json["results"]
    assert {"SEL-BOOL-PENDING", "SEL-BOOL-NOT-PERSISTENT"} <= {r["id"] for r in results}
    for result in results:
        for action in result["fix"]:
            for text in _texts_of(action):
                assert not _placeholder(text), (result["id"], action)
            if action["kind"] == "edit" and (action.get("line") or "").startswith("SELINUX="):
                new = action["line"].split("=", 1)[1]
                assert strength[new] >= strength[config], action
                assert strength[new] >= strength["enforcing" if mode == "1" else "permissive"]
            argv = action.get("argv") or []
            assert argv[:2] != ["setenforce", "0"]
            if argv[:2] == ["setsebool", "-P"] and K.host_wide(argv[2]):
                assert not action["safe"] and action["description"] == K.HOST_WIDE_CAUTION
    if mode == "0" and config == "enforcing":
        (mismatch,) = [r for r in results if r["id"] == "SEL-MODE-MISMATCH"]
        assert [a["shell"] for a in mismatch["fix"] if a["kind"] == "command"] == [
            "gotriage avc", "setenforce 1"]


def _texts_of(action):
    if action["kind"] == "command":
        return action["argv"]
    if action["kind"] == "edit":
        return [action.get("line") or "", action.get("old") or ""]
    return [action.get("description") or ""]


# -- the printed module command ------------------------------------------------------------
def _run_printed(command, cwd):
    """Run a printed `gotriage ...` line as a user pastes it (shell words)."""
    argv = shlex.split(command)
    assert argv[0] == "gotriage"
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))
    return subprocess.run([sys.executable, "-m", "gotriage"] + argv[1:], cwd=str(cwd), env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)


def test_printed_module_command_keeps_the_logs_and_since(tmp_path):
    """Run on a relative log whose name needs quoting, with --since: the module fix and
    the closing line name the same log and --since, shell-quoted; pasted, they write the
    module of exactly the denials that need one."""
    (tmp_path / "my logs").mkdir()
    shutil.copyfile(os.path.join(SEL, "go-socket-module.log"), str(tmp_path / "my logs" / "a b.log"))
    args = ["avc", "my logs/a b.log", "--since", "2000-01-01 00:00", "--no-tools"]
    report = run_gotriage(args + ["--json"], cwd=str(tmp_path)).json["avc"]
    fixes = [e["fix"][0] for d in report["denials"] for e in d["explanations"] if e.get("module")]
    assert fixes
    expected = ["gotriage", "avc", "my logs/a b.log", "--since", "2000-01-01 00:00", "--no-tools",
                "--module", "gotriage_local"]
    assert all(f["argv"] == expected for f in fixes), fixes
    text = run_gotriage(args, cwd=str(tmp_path)).stdout
    lines = text.splitlines()
    # the command on the lines below, wrapped at 100 columns between shell words (` \`)
    at = lines.index("For the denials only a module fixes:") + 1
    words = [lines[at].strip()]
    while words[-1].endswith(" \\"):
        words[-1] = words[-1][:-2]
        at += 1
        words.append(lines[at].strip())
    assert all(len(line) <= 100 for line in lines)
    printed = [" ".join(words)]
    assert printed == ["gotriage avc 'my logs/a b.log' --since '2000-01-01 00:00' --no-tools "
                       "--module gotriage_local"]
    proc = _run_printed(printed[0], tmp_path)
    assert proc.returncode == 1, proc.stderr
    chosen = [d for d in report["denials"] if d["explanations"][0].get("module")]
    assert "Module gotriage_local (%d denials nothing narrower fixes): wrote gotriage_local.te" % (
        len(chosen)) in proc.stdout.decode()
    assert "allow unconfined_service_t self:process execmem;" in (tmp_path / "gotriage_local.te").read_text()


def test_printed_module_command_keeps_the_snapshot(tmp_path):
    """`avc --root` and `check --root` print the module command with the snapshot."""
    snap = host_snapshot(tmp_path, open(os.path.join(SEL, "go-socket-module.log"), "rb").read(),
                         name="a snapshot")
    report = run_gotriage(["avc", "--root", str(snap), "--json"]).json["avc"]
    fixes = [e["fix"][0] for d in report["denials"] for e in d["explanations"] if e.get("module")]
    assert fixes
    for fix in fixes:
        assert fix["argv"] == ["gotriage", "avc", "--root", str(snap), "--module", "gotriage_local"]
    work = tmp_path / "work"
    work.mkdir()
    proc = _run_printed(fix["shell"], work)
    assert proc.returncode == 1 and (work / "gotriage_local.te").exists(), proc.stderr
    check = run_gotriage(["check", "--root", str(snap), "--layer", "selinux", "--json"])
    shells = [a.get("shell") for r in check.results() for a in r["fix"]]
    assert shlex.quote(str(snap)) in " ".join(s for s in shells if s and "--module" in s)
