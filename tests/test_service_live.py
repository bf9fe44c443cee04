"""The service layer against the real thing on this machine: real unit files checked by
the real `systemd-analyze verify` (systemd 252; it runs without systemd as PID 1), real
Go binaries (good, GOARCH=arm64, a musl loader, a missing shared library, one that never
exits) started under real strace by `gotriage service UNIT --trace`, a real noexec mount,
real security.selinux labels set with setfattr, and real `go run` in a unit's
environment.  Each predicted message is compared with what the real program prints."""

import errno
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time

import pytest

from cli_support import clean_env, parse_report, run_cli
from conftest import SHARED_GOCACHE, base_env, need
from gotriage import runner
from gotriage.findings import Evidence
from gotriage.host.live import LiveHost
from gotriage.host.recorder import RecordingHost
from gotriage.host.snapshot import open_snapshot
from gotriage.knowledge import systemd as K

SERVER = """package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"
)

func main() {
	addr := flag.String("addr", ":8080", "listen address")
	flag.Parse()
	fmt.Println("listening on", *addr)
	if err := http.ListenAndServe(*addr, nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
"""
LIBGONE = """package main

/*
#cgo LDFLAGS: -L${SRCDIR}/gone -lgone
int gone_answer(void);
*/
import "C"
import "fmt"

func main() { fmt.Println(C.gone_answer()) }
"""
THREADS = """package main

import (
	"fmt"
	"runtime"
	"time"
)

func main() {
	for i := 0; i < 64; i++ {
		go func() {
			runtime.LockOSThread()
			time.Sleep(time.Hour)
		}()
	}
	time.Sleep(2 * time.Second)
	fmt.Println("64 threads")
}
"""
CACHEDIR = """package main

import (
	"fmt"
	"os"
)

func main() {
	if _, err := os.UserCacheDir(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
"""
FOREVER = 'package main\n\nimport "time"\n\nfunc main() {\n\tfor {\n\t\ttime.Sleep(time.Hour)\n\t}\n}\n'


def _root():
    need(os.geteuid() == 0, "root (setpriv to the unit's user, mount, setfattr)")


@pytest.fixture(scope="module")
def bins(toolchains):
    """Real Go binaries in a directory every user can reach (pytest's tmp is 0700)."""
    need(shutil.which("gcc"), "gcc for the cgo binaries")
    top = tempfile.mkdtemp(prefix="gotriage-svc-")
    os.chmod(top, 0o755)
    go = toolchains["1.21"].go
    env = base_env(os.path.join(top, "home"), GOCACHE=SHARED_GOCACHE,
                   GOPATH=os.path.join(top, "gopath"), GOPROXY="off")

    def build(name, source, *flags, **extra):
        src = os.path.join(top, "src-" + name)
        os.makedirs(src)
        with open(os.path.join(src, "go.mod"), "w") as f:
            f.write("module example.com/%s\n\ngo 1.19\n" % name)
        with open(os.path.join(src, "main.go"), "w") as f:
            f.write(source)
        if name == "libgone":
            os.makedirs(os.path.join(src, "gone"))
            with open(os.path.join(src, "gone", "gone.c"), "w") as f:
                f.write("int gone_answer(void) { return 42; }\n")
            subprocess.check_call(["gcc", "-shared", "-fPIC", "-o", "gone/libgone.so.1",
                                   "-Wl,-soname,libgone.so.1", "gone/gone.c"], cwd=src)
            os.symlink("libgone.so.1", os.path.join(src, "gone", "libgone.so"))
        out = os.path.join(top, name)
        benv = dict(env, **extra)
        subprocess.check_call([go, "build", "-o", out] + list(flags) + ["."], cwd=src, env=benv,
                              stdout=subprocess.DEVNULL)
        if name == "libgone":
            shutil.rmtree(os.path.join(src, "gone"))  # the library is gone
        return out

    paths = {"server": build("server", SERVER, CGO_ENABLED="0"),
             "arm64": build("arm64", SERVER, CGO_ENABLED="0", GOARCH="arm64"),
             "musl": build("musl", SERVER, "-ldflags=-I /lib/ld-musl-x86_64.so.1", CGO_ENABLED="1"),
             "libgone": build("libgone", LIBGONE, CGO_ENABLED="1"),
             "forever": build("forever", FOREVER, CGO_ENABLED="0"),
             "threads": build("threads", THREADS, CGO_ENABLED="0"),
             "cachedir": build("cachedir", CACHEDIR, CGO_ENABLED="0"),
             "top": top, "go": go, "env": env}
    daemon = os.path.join(top, "daemonize")
    with open(daemon, "w") as f:
        f.write("#!/bin/sh\n# leaves a grandchild in its own session, then waits\n"
                "setsid %s &\nexec %s\n" % (paths["forever"], paths["forever"]))
    os.chmod(daemon, 0o755)
    paths["daemon"] = daemon
    yield paths
    shutil.rmtree(top, ignore_errors=True)


def unit_file(directory, name, text):
    path = os.path.join(str(directory), name)
    with open(path, "w") as f:
        f.write(text)
    return path


def service(path, *extra, journal=True):
    """`gotriage service PATH --json` (with an empty saved journal: this machine has none)."""
    args = ["service", path, "--json"] + list(extra)
    if journal:
        empty = os.path.join(os.path.dirname(path), "empty.journal")
        open(empty, "w").close()
        args += ["--journal", empty]
    proc = run_cli(args, env=clean_env(), timeout=120)
    report = parse_report(proc)
    return {r["id"]: r for r in report["results"]}, proc


def alive(path):
    """PIDs of processes running the program at `path`."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            if os.readlink("/proc/%s/exe" % pid) == path:
                found.append(int(pid))
        except OSError:
            pass
    return found


# -- systemd-analyze verify --------------------------------------------------------------
def verify(root, name):
    proc = subprocess.run(["systemd-analyze", "--root=%s" % root, "verify", "--man=no", name],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    return [line for line in proc.stdout.decode().splitlines() if "sysinit.target" not in line]


CASES = {
    "missing-equals": ("[Unit]\nDefaultDependencies=no\n[Service]\nRestart always\nExecStart=/bin/true\n",
                       "Missing '=', ignoring line.", "SVC-UNIT-SYNTAX"),
    "bad-section": ("[Unit]\nDefaultDependencies=no\n[Service\nExecStart=/bin/true\n",
                    "Invalid section header '[Service'", "SVC-UNIT-SYNTAX"),
    "unknown-key": ("[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/true\nRestrat=always\n",
                    "Unknown key 'Restrat' in section [Service], ignoring.", "SVC-UNIT-UNKNOWN-KEY"),
    "env-prefix": ("[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=GOMAXPROCS=2 /bin/true\n",
                   "Command GOMAXPROCS=2 is not executable", "SVC-EXEC-ENV-PREFIX"),
    "quoted-workdir": ("[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/true\n"
                       "WorkingDirectory=\"/srv/my app\"\n",
                       "WorkingDirectory= path is not absolute", "SVC-WORKDIR-QUOTED"),
    "specifier": ("[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/echo %Z\n",
                  "Failed to resolve unit specifiers", "SVC-UNIT-SPECIFIER"),
    "two-execstart": ("[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/true\nExecStart=/bin/false\n",
                      "more than one ExecStart= setting", "SVC-UNIT-MULTIPLE-EXECSTART"),
}


def _snapshot_of(root, tmp_path):
    """A snapshot whose files are the root tree (paths as on the host)."""
    import json

    snap = tmp_path / "snap"
    shutil.copytree(root, str(snap / "files"), symlinks=True)
    (snap / "gotriage-snapshot.json").write_text(json.dumps({"format": 1, "hostname": "t"}))
    (snap / "commands").mkdir()
    (snap / "commands" / "0001.json").write_text(json.dumps(
        {"argv": ["systemctl", "--version"], "returncode": 0, "stdout": "systemd 252 (252)\n"}))
    return str(snap)


@pytest.mark.parametrize("case", sorted(CASES))
def test_systemd_analyze_verify_and_gotriage_agree(tmp_path, case):
    need(shutil.which("systemd-analyze"), "systemd-analyze (apt: systemd)")
    text, systemd_says, gotriage_id = CASES[case]
    root = tmp_path / "root"
    (root / "etc" / "systemd" / "system").mkdir(parents=True)
    (root / "etc" / "systemd" / "system" / "t.service").write_text(text)
    said = verify(str(root), "t.service")
    assert any(systemd_says in line for line in said), said
    host = open_snapshot(_snapshot_of(str(root), tmp_path))
    report = runner.run(host, ["service"], {"units": ["t.service"], "journal_text": ""})
    assert gotriage_id in {f.id for f in report.findings}, [f.id for f in report.findings]


def test_a_good_unit_is_clean_for_both(tmp_path):
    need(shutil.which("systemd-analyze"), "systemd-analyze (apt: systemd)")
    root = tmp_path / "root"
    (root / "etc" / "systemd" / "system").mkdir(parents=True)
    (root / "etc" / "systemd" / "system" / "t.service").write_text(
        "[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/true\nEnvironment=A=1\n")
    (root / "bin").mkdir()
    shutil.copy("/bin/true", str(root / "bin" / "true"))
    assert verify(str(root), "t.service") == []
    host = open_snapshot(_snapshot_of(str(root), tmp_path))
    report = runner.run(host, ["service"], {"units": ["t.service"], "journal_text": ""})
    assert not [f for f in report.findings if f.id.startswith("SVC-UNIT-") and f.severity != "ok"]


@pytest.mark.parametrize("etc_dropin", [True, False])
def test_dropin_precedence_matches_systemd(tmp_path, etc_dropin):
    """A drop-in in /etc masks the vendor's drop-in of the same name: systemd then sees two
    ExecStart= lines; without it the vendor's reset applies.  gotriage's effective values
    agree with the real systemd in both cases."""
    need(shutil.which("systemd-analyze"), "systemd-analyze (apt: systemd)")
    root = tmp_path / "root"
    vendor = root / "usr" / "lib" / "systemd" / "system"
    (vendor / "dual.service.d").mkdir(parents=True)
    (vendor / "dual.service").write_text("[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/true 1\n")
    (vendor / "dual.service.d" / "10-args.conf").write_text("[Service]\nExecStart=\nExecStart=/bin/true vendor\n")
    if etc_dropin:
        (root / "etc" / "systemd" / "system" / "dual.service.d").mkdir(parents=True)
        (root / "etc" / "systemd" / "system" / "dual.service.d" / "10-args.conf").write_text(
            "[Service]\nExecStart=/bin/true 2\n")
    said = verify(str(root), "dual.service")
    host = open_snapshot(_snapshot_of(str(root), tmp_path))
    report = runner.run(host, ["service"], {"units": ["dual.service"], "journal_text": ""})
    ids = {f.id for f in report.findings}
    systemd_refuses = any("more than one ExecStart=" in line for line in said)
    assert systemd_refuses == etc_dropin
    assert ("SVC-UNIT-MULTIPLE-EXECSTART" in ids) == systemd_refuses


def test_every_directive_of_the_252_table_is_known_to_the_real_systemd(tmp_path):
    """knowledge/systemd.py's table for 252 against this machine's systemd 252, and a key
    that is in no table is refused by both."""
    need(shutil.which("systemd-analyze"), "systemd-analyze (apt: systemd)")
    version = subprocess.run(["systemd-analyze", "--version"], stdout=subprocess.PIPE).stdout.decode()
    need(version.startswith("systemd 252"), "systemd 252's systemd-analyze (Debian 12)")
    table = K.DIRECTIVES[252][0]
    root = tmp_path / "root"
    (root / "etc" / "systemd" / "system").mkdir(parents=True)
    lines = ["[Unit]"] + ["%s=" % k for k in sorted(table["Unit"])] + ["NotADirective="]
    lines += ["[Service]"] + ["%s=" % k for k in sorted(table["Service"])] + ["ExecStart=/bin/true"]
    lines += ["[Install]"] + ["%s=" % k for k in sorted(table["Install"])]
    (root / "etc" / "systemd" / "system" / "t.service").write_text("\n".join(lines) + "\n")
    said = verify(str(root), "t.service")
    unknown = [line for line in said if "Unknown key" in line]
    assert unknown and all("NotADirective" in line for line in unknown), unknown


# -- live: the program ---------------------------------------------------------------------
def test_good_binary_runs_under_trace_and_is_stopped(bins, tmp_path):
    _root()
    need(shutil.which("strace"), "strace (apt: strace)")
    path = unit_file(tmp_path, "good.service", "[Service]\nUser=nobody\nExecStart=%s -addr :18081\n" % bins["server"])
    found, proc = service(path, "--trace", "--yes")
    assert found["SVC-EXEC"]["severity"] == "ok" and "go1.21.13" in found["SVC-EXEC"]["title"]
    assert "still running after" in found["SVC-TRACE"]["title"]
    assert "--trace will START" in proc.stderr.decode()
    assert alive(bins["server"]) == []


def test_program_that_never_exits_and_its_setsid_grandchild_are_killed(bins, tmp_path):
    _root()
    need(shutil.which("strace"), "strace (apt: strace)")
    path = unit_file(tmp_path, "daemon.service", "[Service]\nUser=nobody\nExecStart=%s\n" % bins["daemon"])
    started = time.time()
    found, _ = service(path, "--trace", "--yes")
    assert time.time() - started < 60
    assert "still running after" in found["SVC-TRACE"]["title"]
    time.sleep(0.5)
    assert alive(bins["forever"]) == []


def test_wrong_architecture(bins, tmp_path):
    _root()
    need(shutil.which("strace"), "strace (apt: strace)")
    path = unit_file(tmp_path, "arm.service", "[Service]\nExecStart=%s\n" % bins["arm64"])
    found, _ = service(path, "--trace", "--yes")
    assert "built for aarch64" in found["SVC-EXEC-ARCH"]["title"]
    assert found["SVC-TRACE-ENOEXEC"]["severity"] == "error"
    with pytest.raises(OSError) as err:
        subprocess.run([bins["arm64"]])
    assert err.value.errno == errno.ENOEXEC  # "Exec format error"
    assert "Exec format error" in found["SVC-EXEC-ARCH"]["predicted_error"]


def test_missing_musl_loader(bins, tmp_path):
    _root()
    need(shutil.which("strace"), "strace (apt: strace)")
    need(not os.path.exists("/lib/ld-musl-x86_64.so.1"), "a host without musl")
    path = unit_file(tmp_path, "musl.service", "[Service]\nUser=nobody\nExecStart=%s\n" % bins["musl"])
    found, _ = service(path, "--trace", "--yes")
    assert "/lib/ld-musl-x86_64.so.1" in found["SVC-EXEC-INTERP"]["title"]
    assert "ENOENT although it exists" in found["SVC-TRACE-INTERP"]["title"]
    with pytest.raises(OSError) as err:
        subprocess.run([bins["musl"]])
    assert err.value.errno == errno.ENOENT  # "No such file or directory", for a file that exists


def test_missing_shared_library(bins, tmp_path):
    _root()
    need(shutil.which("strace"), "strace (apt: strace)")
    path = unit_file(tmp_path, "lib.service", "[Service]\nUser=nobody\nExecStart=%s\n" % bins["libgone"])
    found, _ = service(path, "--trace", "--yes")
    trace = found["SVC-TRACE-LIBRARY"]
    assert "libgone.so.1" in trace["title"]
    real = subprocess.run([bins["libgone"]], stderr=subprocess.PIPE).stderr.decode()
    assert trace["predicted_error"] in real
    try:
        import gotriage.binary  # noqa: F401  (the binary layer, when it is installed)
    except ImportError:
        return
    assert "libgone.so.1" in found["SVC-EXEC-BINARY"]["title"]


def test_privileged_port_as_nobody(bins, tmp_path):
    _root()
    need(shutil.which("strace"), "strace (apt: strace)")
    need(open("/proc/sys/net/ipv4/ip_unprivileged_port_start").read().strip() == "1024",
         "net.ipv4.ip_unprivileged_port_start=1024")
    path = unit_file(tmp_path, "web.service", "[Service]\nUser=nobody\nExecStart=%s -addr :80\n" % bins["server"])
    found, _ = service(path, "--trace", "--yes")
    port = found["SVC-PORT-PRIVILEGED"]
    assert "port 80 as nobody" in port["title"]
    trace = found["SVC-TRACE-EXIT"]
    assert "exited with status 1; last failing call: bind(port 80) = -1 EACCES (Permission denied)" in trace["title"]
    real = subprocess.run(["setpriv", "--reuid", "nobody", "--regid", "nogroup", "--clear-groups",
                           bins["server"], "-addr", ":80"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=30)
    assert port["predicted_error"] in real.stderr.decode()
    # the capability gives it back
    path = unit_file(tmp_path, "web2.service", "[Service]\nUser=nobody\nAmbientCapabilities=CAP_NET_BIND_SERVICE\n"
                     "ExecStart=%s -addr :80\n" % bins["server"])
    found, _ = service(path, "--trace", "--yes")
    assert "SVC-PORT-PRIVILEGED" not in found and found["SVC-PORT"]["severity"] == "ok"
    # under --trace the ambient capability is handed over (setpriv): it binds and runs
    assert "still running after" in found["SVC-TRACE"]["title"]
    assert alive(bins["server"]) == []


def test_limit_nproc_starves_the_go_runtime(bins, tmp_path):
    """LimitNPROC=16 for nobody: the check predicts what the Go runtime prints, --trace
    applies the unit's limit (prlimit) and sees the program die, and the real program
    under the same limit prints the predicted lines."""
    import re

    _root()
    need(shutil.which("strace") and shutil.which("prlimit"), "strace and prlimit")
    path = unit_file(tmp_path, "threads.service", "[Service]\nUser=nobody\nLimitNPROC=16\n"
                     "ExecStart=%s\n" % bins["threads"])
    found, _ = service(path, "--trace", "--yes")
    nproc = found["SVC-LIMITS-NPROC"]
    assert "LimitNPROC=16 for nobody" in nproc["title"]
    assert "exited with status 2" in found["SVC-TRACE-EXIT"]["title"]
    real = subprocess.run(["setpriv", "--reuid", "nobody", "--regid", "nogroup", "--clear-groups",
                           "prlimit", "--nproc=16:16", bins["threads"]], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=60).stdout.decode()
    pattern = re.escape(nproc["predicted_error"]).replace("N", r"\d+")
    assert re.search(pattern, real), (nproc["predicted_error"], real[:400])
    # and the journal line it leaves is read as such
    from gotriage.parsers.journal import parse_journal

    assert parse_journal(real).first("thread") is not None
    assert parse_journal(real).first("fatal").get("message") == "newosproc"


def test_binary_the_user_cannot_reach(bins, tmp_path):
    _root()
    need(shutil.which("strace"), "strace (apt: strace)")
    private = os.path.join(bins["top"], "private")
    os.makedirs(private, exist_ok=True)
    os.chmod(private, 0o700)
    target = os.path.join(private, "server")
    shutil.copy(bins["server"], target)
    path = unit_file(tmp_path, "priv.service", "[Service]\nUser=nobody\nExecStart=%s\n" % target)
    found, _ = service(path, "--trace", "--yes")
    assert "User=nobody cannot reach" in found["SVC-EXEC-DENIED"]["title"]
    assert found["SVC-TRACE-EACCES"]["severity"] == "error"


def test_noexec_mount(bins, tmp_path):
    _root()
    need(shutil.which("strace"), "strace (apt: strace)")
    mnt = tempfile.mkdtemp(prefix="gotriage-noexec-")
    os.chmod(mnt, 0o755)
    if subprocess.call(["mount", "-t", "tmpfs", "-o", "noexec,size=64m,mode=0755", "tmpfs", mnt]) != 0:
        os.rmdir(mnt)
        need(False, "permission to mount a tmpfs")
    try:
        target = os.path.join(mnt, "server")
        shutil.copy(bins["server"], target)
        path = unit_file(tmp_path, "noexec.service", "[Service]\nExecStart=%s\n" % target)
        found, _ = service(path, "--trace", "--yes")
        assert "mounted noexec" in found["SVC-EXEC-NOEXEC"]["title"]
        assert found["SVC-TRACE-EACCES"]["severity"] == "error"
        with pytest.raises(PermissionError):
            subprocess.run([target])
    finally:
        subprocess.call(["umount", mnt])
        os.rmdir(mnt)


def test_selinux_label_set_with_setfattr(bins, tmp_path):
    """A real security.selinux xattr (what `mv` from a home leaves), read back by the
    live host and judged as under enforcing; the expected label comes from the real
    matchpathcon when it is installed."""
    _root()
    need(shutil.which("setfattr"), "setfattr (apt: attr)")
    target = os.path.join(bins["top"], "labelled")
    shutil.copy(bins["server"], target)
    rc = subprocess.call(["setfattr", "-n", "security.selinux", "-v",
                          "unconfined_u:object_r:user_home_t:s0", target])
    need(rc == 0, "a file system that stores security.selinux without SELinux")
    path = unit_file(tmp_path, "label.service", "[Service]\nExecStart=%s\n" % target)
    from gotriage.checks import service as checks
    from gotriage.facts.service import ServiceFacts

    facts = ServiceFacts(LiveHost(), units=[path], journal_text="")
    facts._cache["selinux"] = ("enforcing", Evidence.fact("enforcing (set by the test)"))
    findings = checks.label(facts)
    denied = [f for f in findings if f.id == "SVC-LABEL-DENIED"]
    assert denied and denied[0].severity == "error" and "user_home_t" in denied[0].title
    # /tmp has no executable type in any policy: install it where it gets bin_t
    assert denied[0].fix[0].argv[:3] == ["install", "-m", "0755"]
    facts._cache["selinux"] = ("permissive", Evidence.fact("permissive"))
    # what the checks derived from the mode (facts.memo, facts/base.py) is derived again
    facts._check_memo = {k: v for k, v in facts._check_memo.items() if k[:2] != ("svc", "label")}
    assert [f.severity for f in checks.label(facts) if f.id == "SVC-LABEL-DENIED"] == ["warn"]


def test_unit_that_runs_go_without_home(toolchains, tmp_path):
    """`go run` in a unit without User=: the toolchain layer's cache check in the unit's
    environment, and the real go under that environment prints what it predicts."""
    project = tmp_path / "proj"
    project.mkdir()
    (project / "go.mod").write_text("module example.com/proj\n\ngo 1.19\n")
    (project / "main.go").write_text("package main\n\nfunc main() {}\n")
    go = toolchains["1.21"].go
    path = unit_file(tmp_path, "gorun.service", "[Service]\nWorkingDirectory=%s\nExecStart=%s run .\n"
                     % (project, go))
    found, _ = service(path)
    cache = found["SVC-GO-CACHE"]
    from gotriage.facts.service import ServiceFacts

    facts = ServiceFacts(LiveHost(), units=[path], journal_text="")
    env = dict(facts.environment(facts.units[0])[0], GOTOOLCHAIN="local", GOPROXY="off")
    real = subprocess.run([go, "run", "."], cwd=str(project), env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=120).stdout.decode()
    assert cache["predicted_error"] in real


def test_go_binary_without_home_prints_what_the_journal_parser_knows(bins, tmp_path):
    """A unit without User= has no HOME: Go's os.UserCacheDir fails with the message the
    journal parser maps to SVC-JOURNAL-EXIT's cache fix."""
    from gotriage.facts.service import ServiceFacts
    from gotriage.parsers.journal import parse_journal

    path = unit_file(tmp_path, "cache.service", "[Service]\nExecStart=%s\n" % bins["cachedir"])
    facts = ServiceFacts(LiveHost(), units=[path], journal_text="")
    env = facts.environment(facts.units[0])[0]
    assert "HOME" not in env
    real = subprocess.run([bins["cachedir"]], env=env, stderr=subprocess.PIPE).stderr.decode()
    assert parse_journal("2025-03-02T11:40:00+0100 h cache[1]: " + real).first("no-home") is not None


def test_trace_asks_and_refuses_without_a_terminal(bins, tmp_path):
    path = unit_file(tmp_path, "ask.service", "[Service]\nExecStart=%s\n" % bins["forever"])
    proc = run_cli(["service", path, "--trace"], env=clean_env())  # stdin is /dev/null
    err = proc.stderr.decode()
    assert proc.returncode == 2
    assert "--trace will START" in err
    assert err.strip().splitlines()[-1].startswith("gotriage: error: --trace starts the service's program")
    assert "Traceback" not in err
    assert alive(bins["forever"]) == []


def test_trace_answered_no_on_a_terminal(bins, tmp_path):
    """On a terminal the question is asked; anything but yes starts nothing."""
    import pty

    path = unit_file(tmp_path, "tty.service", "[Service]\nExecStart=%s\n" % bins["forever"])
    pid, fd = pty.fork()
    if pid == 0:
        env = clean_env(PYTHONPATH=os.path.join(os.path.dirname(os.path.dirname(__file__)), "src"))
        os.execve(sys.executable, [sys.executable, "-m", "gotriage", "service", path, "--trace"], env)
    out = b""
    deadline = time.time() + 60
    while b"[y/N]" not in out and time.time() < deadline:
        try:
            out += os.read(fd, 4096)
        except OSError:
            break
    os.write(fd, b"n\n")
    while time.time() < deadline:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 2
    assert b"not confirmed: nothing was started" in out
    assert alive(bins["forever"]) == []


def test_unit_file_with_syntax_errors_live(tmp_path):
    path = unit_file(tmp_path, "bad.service", "[Service\nExecStart=/bin/true\n\xff\xfe\n")
    found, proc = service(path)
    report = parse_report(proc)
    assert "error" in [r["severity"] for r in report["results"] if r["id"] == "SVC-UNIT-SYNTAX"]
    assert b"Traceback" not in proc.stderr


def test_recording_gives_the_same_service_findings(bins, tmp_path):
    path = unit_file(tmp_path, "rec.service", "[Service]\nUser=nobody\nWorkingDirectory=/nonexistent\n"
                     "ExecStart=%s -addr :80\n" % bins["arm64"])
    options = {"units": [path], "journal_text": ""}
    live = runner.run(LiveHost(), ["service"], dict(options))
    recorder = RecordingHost(LiveHost())
    runner.run(recorder, ["service"], dict(options))
    out = str(tmp_path / "snap")
    recorder.save(out)
    host = open_snapshot(out)
    replay = runner.run(host, ["service"], dict(options))
    key = lambda r: [(f.id, f.severity, f.title) for f in r.findings]  # noqa: E731
    assert key(replay) == key(live)
    assert {"SVC-EXEC-ARCH", "SVC-WORKDIR-MISSING", "SVC-PORT-PRIVILEGED"} <= {f.id for f in live.findings}


def test_unit_file_modes(tmp_path):
    """A program without the x bit, and a directory as the program."""
    target = tmp_path / "noexec-bit"
    target.write_bytes(b"\x7fELF")
    os.chmod(str(target), stat.S_IRUSR | stat.S_IWUSR)
    path = unit_file(tmp_path, "mode.service", "[Service]\nExecStart=%s\n" % target)
    found, _ = service(path)
    assert "is not executable (mode 0600)" in found["SVC-EXEC-NOT-EXECUTABLE"]["title"]
    path = unit_file(tmp_path, "missing.service", "[Service]\nExecStart=/nonexistent/app\n")
    found, _ = service(path)
    assert "Failed at step EXEC spawning /nonexistent/app: No such file or directory" in \
        found["SVC-EXEC-MISSING"]["predicted_error"]
