"""tests/requirements_external.py cannot drift: every tool and file the tests name is
listed, every listed one is here in CI, each package is the one dpkg says provides it, and
scripts/setup installs every package of the list."""

import ast
import glob
import os
import re
import shutil
import subprocess
import sys

import pytest

import requirements_external as R
from conftest import ROOT, need

TESTS = os.path.join(ROOT, "tests")
SETUP = os.path.join(ROOT, "scripts", "setup")
CHECK = os.path.join(ROOT, "scripts", "check-test-deps")
RUNNERS = {"run", "Popen", "call", "check_call", "check_output", "sh", "srvx"}
WHICH = {"which", "_tool", "_need_tools"}
# Kernel interfaces, not files a package provides.
KERNEL = ("/proc/", "/sys/", "/dev/")


def _is_str(node):
    """A string literal (ast.Str on 3.6/3.7, ast.Constant since)."""
    if sys.version_info >= (3, 8):
        return isinstance(node, ast.Constant) and isinstance(node.value, str)
    return isinstance(node, ast.Str)


def _s(node):
    return node.value if hasattr(node, "value") else node.s


def _name(func):
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def _strings(node):
    return [_s(n) for n in ast.walk(node) if _is_str(n)]


def _required(condition):
    """The condition without what it requires to be absent (`not os.path.exists(P)`: a
    test that must not find P installed does not need P's package)."""
    if isinstance(condition, ast.UnaryOp) and isinstance(condition.op, ast.Not):
        return []
    if isinstance(condition, ast.BoolOp):
        return [part for value in condition.values for part in _required(value)]
    return [condition]


def _module_constants(tree):
    """NAME = "string" at module level."""
    out = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and _is_str(node.value):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    out[target.id] = _s(node.value)
    return out


def named_in(source, filename="<test>"):
    """(tools, absolute paths, names given to install_hint) a test module relies on: the
    arguments of which(), _tool(), _need_tools(); tools looped over and passed to
    which(); `command -v X`; the program of every subprocess call with a literal argv;
    absolute paths named in a need() condition (directly or through a module constant)."""
    tree = ast.parse(source, filename)
    constants = _module_constants(tree)
    tools, paths, hinted = set(), set(), set()
    loops = {}  # loop variable -> its literal tuple of strings
    for node in ast.walk(tree):
        if isinstance(node, ast.For) and isinstance(node.target, ast.Name) and \
                isinstance(node.iter, (ast.Tuple, ast.List)) and \
                all(_is_str(e) for e in node.iter.elts):
            loops[node.target.id] = [_s(e) for e in node.iter.elts]
    for node in ast.walk(tree):
        if _is_str(node):
            tools.update(re.findall(r"command -v ([\w.+-]+)", _s(node)))
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        if name == "install_hint":
            hinted.update(_s(a) for a in node.args[:1] if _is_str(a))
        elif name in WHICH:
            for arg in node.args[:None if name == "_need_tools" else 1]:
                if _is_str(arg):
                    tools.add(_s(arg))
                elif isinstance(arg, ast.Name) and arg.id in loops:
                    tools.update(loops[arg.id])
        elif name in RUNNERS and node.args and isinstance(node.args[0], ast.List) and \
                node.args[0].elts and _is_str(node.args[0].elts[0]):
            program = _s(node.args[0].elts[0])
            if program.startswith("./") or "no-such" in program:
                continue  # built by the test, or missing on purpose
            (paths if program.startswith("/") else tools).add(program)
        elif name == "need" and node.args:
            named = []
            for condition in _required(node.args[0]):
                named += _strings(condition) + [constants[n.id] for n in ast.walk(condition)
                                                if isinstance(n, ast.Name) and n.id in constants]
            paths.update(p for p in named if p.startswith("/") and not p.startswith(KERNEL)
                         and ":" not in p and " " not in p)  # not a PATH list nor prose
    return tools, paths, hinted


def _test_sources():
    for path in sorted(glob.glob(os.path.join(TESTS, "*.py"))):
        if os.path.basename(path) in ("requirements_external.py", "test_requirements_external.py"):
            continue
        with open(path, encoding="utf-8") as f:
            yield os.path.basename(path), f.read()


def _listed_path(path):
    tools = [r for r in R.REQUIREMENTS if r.kind == "tool"]
    return any(r.path == path for r in R.REQUIREMENTS) or any(
        r.name == os.path.basename(path) and (r.path is None or r.path == path) for r in tools)


def test_the_scanner_finds_each_way_a_test_names_a_tool():
    source = '''
import shutil, subprocess
AUDIT = "/usr/bin/audit2why"
def t():
    need(shutil.which("gcc") is not None, "gcc")
    _need_tools("checkmodule", "semodule")
    need(os.access(AUDIT, os.X_OK) and os.path.exists("/etc/x/policy.33"), "x")
    need(open("/proc/sys/x").read() == "1", "kernel")
    need(not os.path.exists("/usr/bin/installed-by-the-test"), "nothing installed before")
    subprocess.run(["setfattr", "-n", "x"])
    bed.srvx(["nft", "-f", "-"])
    subprocess.run(["sh", "-c", "command -v iptables-legacy"])
    subprocess.run(["/usr/bin/tr", "a", "b"])
    subprocess.run(["./app"]); LiveHost().run(["gotriage-no-such-program"])
    need(shutil.which("firewall-cmd", path="/usr/bin:/usr/sbin") is not None, install_hint("python3.6"))
    snapshot(commands=[{"argv": ["getenforce"]}])
    for tool in ("ip", "nsenter"):
        if shutil.which(tool) is None:
            pass
'''
    tools, paths, hinted = named_in(source)
    assert hinted == {"python3.6"}
    assert tools == {"gcc", "checkmodule", "semodule", "setfattr", "nft", "sh", "iptables-legacy",
                     "ip", "nsenter", "firewall-cmd"}
    assert paths == {"/usr/bin/audit2why", "/etc/x/policy.33", "/usr/bin/tr"}


def test_every_tool_and_file_the_tests_name_is_listed():
    unlisted = []
    for filename, source in _test_sources():
        tools, paths, hinted = named_in(source, filename)
        unlisted.extend("%s: install_hint(%r)" % (filename, n) for n in sorted(hinted - set(R.BY_NAME)))
        unlisted.extend("%s: tool %s" % (filename, t) for t in sorted(tools)
                        if t not in R.BY_NAME or R.BY_NAME[t].kind != "tool")
        unlisted.extend("%s: %s" % (filename, p) for p in sorted(paths) if not _listed_path(p))
    assert not unlisted, ("add these to tests/requirements_external.py with the package that "
                          "provides them (dpkg -S PATH):\n  " + "\n  ".join(unlisted))


def test_every_requirement_is_here():
    """On a developer machine what is missing is skipped by the tests that need it; in CI
    nothing may be missing (need() fails there)."""
    missing = R.missing()
    need(not missing, "\n".join(R.advice(r) for r in missing))


def test_check_test_deps_names_the_package_to_install(tmp_path):
    """The script's verdict and its advice, on the real list and on one with a tool and a
    file that are not there and one that must be absent but is."""
    proc = subprocess.run([CHECK], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.returncode == (1 if R.missing() else 0), proc.stderr.decode()
    gone = R.tool("gotriage-test-no-such-tool", "no-such-package", "this test")
    lost = R.file(str(tmp_path / "no-such-file"), "other-package", "this test")
    there = R.absent(str(tmp_path), "unwanted-package", "this test")
    assert R.missing([gone, lost, there, R.BY_NAME["/etc/sudoers"]]) == [gone, lost, there]
    assert R.advice(gone) == ("gotriage-test-no-such-tool is missing: apt-get install "
                              "no-such-package (needed by this test)")
    assert R.advice(there).startswith("%s must not exist: apt-get remove unwanted-package" % tmp_path)
    assert "apt-get install selinux-policy-dev" in R.install_hint("/usr/share/selinux/devel/policy.xml")
    with pytest.raises(KeyError):
        R.install_hint("not-listed")


def _twins(path):
    """The path and its /usr-merged twin (dpkg knows /bin/cat, not /usr/bin/cat)."""
    if path.startswith("/usr/"):
        return [path, path[len("/usr"):]]
    if path.startswith(("/bin/", "/sbin/", "/lib/")):
        return [path, "/usr" + path]
    return [path]


def dpkg_owners(paths):
    """{path: the package dpkg says owns it (or its twin)}, from one dpkg-query -S run."""
    asked = [t for p in paths for t in _twins(p)]
    proc = subprocess.run(["dpkg-query", "-S"] + asked, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL)
    owned = {}
    for line in proc.stdout.decode().splitlines():
        if line.startswith("diversion by"):
            continue
        owners, _, path = line.partition(": ")
        owned.setdefault(path, owners.split(",")[0].split(":")[0].strip())
    return dict((p, next((owned[t] for t in _twins(p) if t in owned), None)) for p in paths)


def _debian():
    need(shutil.which("dpkg-query") is not None and shutil.which("apt-cache") is not None,
         "dpkg-query and apt-cache (a Debian machine, like CI)")


def test_each_package_is_the_one_dpkg_names():
    _debian()
    wrong = []
    checked = [(r, R.tool_path(r) if r.kind == "tool" else r.path) for r in R.REQUIREMENTS
               if r.kind in ("tool", "file") and " " not in r.package and R.present(r)]
    owners = dpkg_owners([path for _r, path in checked])
    assert len(checked) > 50 and sum(1 for o in owners.values() if o) > 50
    for r, path in checked:
        owner = owners[path]
        if r.generated:
            installed = subprocess.run(["dpkg-query", "-W", "-f", "${Status}", r.package],
                                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            if owner is not None or not installed.stdout.endswith(b" installed"):
                wrong.append("%s: written by %s's scripts, but dpkg says %s" % (path, r.package, owner))
        elif owner != r.package:
            wrong.append("%s: listed as %s, dpkg -S says %s" % (path, r.package, owner))
    assert not wrong, "\n".join(wrong)


def _setup_packages():
    with open(SETUP) as f:
        text = f.read()
    block = re.search(r'^apt_packages="([^"]*)"', text, re.M)
    assert block, "scripts/setup has no apt_packages=\"...\" list"
    return block.group(1).split()


def test_setup_installs_every_package_of_the_list():
    """Each Debian package of the list is in setup's apt_packages, or one of them depends
    on it, or every Debian system has it (Essential, or Priority required)."""
    _debian()
    listed = _setup_packages()
    proc = subprocess.run(["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests",
                           "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances"] + listed,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()
    pulled = set(listed) | set(re.findall(r"^\s*(?:Pre)?Depends: <?([\w.+-]+)", proc.stdout.decode(), re.M))
    wanted = sorted(set(r.package for r in R.REQUIREMENTS
                        if r.kind in ("tool", "file") and " " not in r.package) - pulled)
    base = subprocess.run(["dpkg-query", "-W", "-f", "${Package} ${Essential} ${Priority}\n"] + wanted,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.decode()
    everywhere = {line.split()[0] for line in base.splitlines()
                  if line.split()[1:2] == ["yes"] or line.endswith(" required")}
    assert set(wanted) <= everywhere, (
        "scripts/setup does not install %s: add them to its apt_packages"
        % sorted(set(wanted) - everywhere))
