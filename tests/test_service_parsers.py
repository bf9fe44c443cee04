"""The service layer's pure parts: unit files, Exec lines, environment files, journal
text, strace output, SELinux file contexts and the ELF probe.  Samples are systemd's and
Go's own formats; malformed input gives problems, never exceptions."""

import os
import random

import pytest

from gotriage.knowledge import systemd as K
from gotriage.parsers.journal import parse_journal
from gotriage.parsers.systemd_unit import (
    WordError,
    effective,
    expand_env,
    expand_specifiers,
    order_dropins,
    parse_environment,
    parse_environment_file,
    parse_exec,
    parse_unit,
    specifiers_in,
    split_unit_name,
    split_words,
)
from gotriage.service import binprobe
from gotriage.service.labels import FileContexts, context_type, exec_ok, parse_subs
from gotriage.service.strace import parse_strace

UNIT = """\
# /etc/systemd/system/app.service
[Unit]
Description=Example Go API
After=network-online.target

[Service]
User=app
ExecStart=/usr/local/bin/app \\
    -addr :8080
Environment=A=1 "B=two words"
; a comment
Restart=on-failure

[Install]
WantedBy=multi-user.target
"""


def test_unit_sections_continuations_and_comments():
    unit = parse_unit(UNIT, "/etc/systemd/system/app.service")
    assert unit.problems == []
    assert unit.sections == ["Unit", "Service", "Install"]
    by_key = {a.key: a for a in unit.assignments}
    assert by_key["ExecStart"].value == "/usr/local/bin/app      -addr :8080"
    assert by_key["ExecStart"].line == 8
    assert by_key["Restart"].line == 12
    assert by_key["WantedBy"].section == "Install"


def test_unit_syntax_problems_are_reported_not_raised():
    unit = parse_unit(b"Description=x\n[Service\nExecStart=/bin/true\nRestart always\n[Service]\n"
                      b"Bad\xff\xfeLine=1\n\x00\x01garbage\n", "/x.service")
    kinds = [(p.kind, p.line) for p in unit.problems]
    assert ("outside-section", 1) in kinds
    assert ("bad-section", 2) in kinds
    assert ("not-utf8", 6) in kinds
    assert ("control-chars", 7) in kinds
    # after a bad header nothing is in a section until the next good one
    assert ("outside-section", 3) in kinds and ("outside-section", 4) in kinds
    assert [p.message for p in unit.problems if p.kind == "bad-section"] == ["Invalid section header '[Service'"]


def test_missing_equals_inside_a_section():
    unit = parse_unit("[Service]\nRestart always\n", "/x.service")
    assert [(p.kind, p.line, p.message) for p in unit.problems] == [
        ("missing-equals", 2, "Missing '=', ignoring line.")]


def test_random_bytes_never_raise():
    rng = random.Random(6)
    for _ in range(200):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(400)))
        parse_unit(data, "/fuzz.service")
        parse_environment_file(data)
        parse_journal(data)
        parse_strace(data.decode("latin-1"))


def test_effective_values_lists_reset_scalars_last_wins():
    fragment = parse_unit("[Service]\nExecStart=/a\nEnvironment=A=1\nUser=one\n", "/f")
    dropin1 = parse_unit("[Service]\nExecStart=\nExecStart=/b\nEnvironment=B=2\n", "/d/10.conf")
    dropin2 = parse_unit("[Service]\nUser=two\nEnvironment=\nEnvironment=C=3\n", "/d/20.conf")
    eff = effective([fragment, dropin1, dropin2])
    assert [a.value for a in eff.get("Service", "ExecStart")] == ["/b"]
    assert [a.value for a in eff.get("Service", "Environment")] == ["C=3"]
    assert eff.value("Service", "User") == "two"
    assert eff.assignment("Service", "User").path == "/d/20.conf"
    scalar_reset = effective([fragment, parse_unit("[Service]\nUser=\n", "/d")])
    assert scalar_reset.value("Service", "User") is None


def test_dropin_order_masks_by_name_and_sorts_by_name():
    found = [(6, "/usr/lib/systemd/system/a.service.d", "10-x.conf"),
             (3, "/etc/systemd/system/a.service.d", "10-x.conf"),
             (6, "/usr/lib/systemd/system/a.service.d", "05-y.conf"),
             (4, "/run/systemd/system/a.service.d", "99-z.conf")]
    assert order_dropins(found) == [("/usr/lib/systemd/system/a.service.d", "05-y.conf"),
                                    ("/etc/systemd/system/a.service.d", "10-x.conf"),
                                    ("/run/systemd/system/a.service.d", "99-z.conf")]


@pytest.mark.parametrize("value,prefixes,path,argv", [
    ("/usr/bin/app -a 1", "", "/usr/bin/app", ["/usr/bin/app", "-a", "1"]),
    ("-/usr/bin/app", "-", "/usr/bin/app", ["/usr/bin/app"]),
    ("@/usr/bin/app app-name x", "@", "/usr/bin/app", ["app-name", "x"]),
    ("+/usr/bin/install -d /x", "+", "/usr/bin/install", ["/usr/bin/install", "-d", "/x"]),
    ("!!/usr/bin/app", "!!", "/usr/bin/app", ["/usr/bin/app"]),
    ("-:/usr/bin/app $X", "-:", "/usr/bin/app", ["/usr/bin/app", "$X"]),
    ('/bin/sh -c "go build -o /tmp/x . && exec /tmp/x"', "", "/bin/sh",
     ["/bin/sh", "-c", "go build -o /tmp/x . && exec /tmp/x"]),
    ("'/opt/my app/run' --name 'a b'", "", "/opt/my app/run", ["/opt/my app/run", "--name", "a b"]),
    ("GOMAXPROCS=2 /usr/bin/app", "", "GOMAXPROCS=2", ["GOMAXPROCS=2", "/usr/bin/app"]),
    ("/bin/echo a\\;b", "", "/bin/echo", ["/bin/echo", "a;b"]),
])
def test_exec_lines(value, prefixes, path, argv):
    cmd = parse_exec(value)[0]
    assert (cmd.prefixes, cmd.path, cmd.argv) == (prefixes, path, argv)


def test_exec_semicolon_separates_commands_and_bad_quotes_raise():
    cmds = parse_exec("/bin/a 1 ; /bin/b 2")
    assert [c.argv for c in cmds] == [["/bin/a", "1"], ["/bin/b", "2"]]
    with pytest.raises(WordError):
        parse_exec('/bin/sh -c "unbalanced')
    assert split_words(r'a\x41 "b\tc"') == [("aA", False), ("b\tc", True)]


def test_exec_environment_substitution():
    argv, missing = expand_env(["/app", "${ADDR}", "$FLAGS", "x$$y", "$NOPE"],
                               {"ADDR": ":80", "FLAGS": "-v -debug"})
    assert argv == ["/app", ":80", "-v", "-debug", "x$y"]
    assert missing == ["NOPE"]


def test_specifiers():
    assert specifiers_in("%S/app %% %n") == ["S", "%", "n"]
    assert expand_specifiers("%S/app-%i %Z", {"S": "/var/lib", "i": "x"}) == ("/var/lib/app-x %Z", ["Z"])
    assert K.SPECIFIERS["S"][0] == 236 and K.SPECIFIERS["T"][0] == 239


def test_environment_lines_and_files():
    assert parse_environment('A=1 "B=two words" bad C=') == ([("A", "1"), ("B", "two words"), ("C", "")], ["bad"])
    pairs, bad = parse_environment_file(
        b"# comment\nGOMAXPROCS=2\nADDR=\":8080\"\nexport GOGC=50\n; other\nNAME='a b'\n1X=2\n")
    assert pairs == [("GOMAXPROCS", "2", 2), ("ADDR", ":8080", 3), ("NAME", "a b", 6)]
    assert bad == [(4, "export GOGC=50"), (7, "1X=2")]


def test_unit_names():
    assert split_unit_name("app@blue.service") == ("app", "blue", "service")
    assert split_unit_name("app.service") == ("app", None, "service")


def test_directive_tables_by_release():
    el7 = K.directive_table(219)[0]["Service"]
    el8 = K.directive_table(239)[0]["Service"]
    el9 = K.directive_table(252)[0]["Service"]
    assert "StateDirectory" not in el7 and "StateDirectory" in el8
    # RHEL 7 backported these into its 219
    assert {"AmbientCapabilities", "PassEnvironment", "TasksMax"} <= el7
    assert "ExecCondition" not in el8 and "ExecCondition" in el9
    assert "StartLimitIntervalSec" not in K.directive_table(219)[0]["Unit"]
    assert K.first_version_with("Service", "StateDirectory") == 239
    assert K.exit_status_name(203) == "EXEC" and K.exit_status_name(226) == "NAMESPACE"


# ---------------------------------------------------------------------------------------
EL9_JOURNAL = """\
2025-03-02T10:14:07+0100 web1 systemd[1]: Started api.service - Example Go API.
2025-03-02T10:14:07+0100 web1 (api)[2211]: api.service: Failed to locate executable /usr/local/bin/api: Permission denied
2025-03-02T10:14:07+0100 web1 (api)[2211]: api.service: Failed at step EXEC spawning /usr/local/bin/api: Permission denied
2025-03-02T10:14:07+0100 web1 systemd[1]: api.service: Main process exited, code=exited, status=203/EXEC
2025-03-02T10:14:07+0100 web1 systemd[1]: api.service: Failed with result 'exit-code'.
"""


def test_journal_252_exec_failure():
    j = parse_journal(EL9_JOURNAL)
    assert j.entries == 5 and j.garbage == 0
    step = j.first("step")
    assert (step.get("step"), step.get("path"), step.get("error")) == ("EXEC", "/usr/local/bin/api", "Permission denied")
    assert j.first("locate").get("path") == "/usr/local/bin/api"
    exit_ = j.first("exit")
    assert (exit_.get("status"), exit_.get("name"), exit_.get("who")) == (203, "EXEC", "main")


@pytest.mark.parametrize("line,kind,info", [
    ("Mar 02 08:00:01 c7 systemd[4101]: Failed at step CHDIR spawning /usr/local/bin/x: No such file or directory",
     "step", {"step": "CHDIR", "error": "No such file or directory"}),
    ("Mar 02 08:00:01 c7 systemd[1]: x.service: main process exited, code=exited, status=217/USER",
     "exit", {"status": 217, "name": "USER"}),
    ("2025-03-02T09:00:00+0100 app8 systemd[3101]: billing.service: Failed to determine user credentials: No such process",
     "credentials", {"what": "user", "error": "No such process"}),
    ("2025-03-02T10:20:01+0100 h (w)[2301]: w.service: Changing to the requested working directory failed: No such file or directory",
     "chdir", {"error": "No such file or directory"}),
    ("2025-03-02T10:22:11+0100 h (s)[2330]: s.service: Failed to set up mount namespacing: /run/systemd/unit-root/var/lib/x: No such file or directory",
     "namespace", {"path": "/run/systemd/unit-root/var/lib/x"}),
    ("2025-03-02T11:10:00+0100 h systemd[1]: c.service: Main process exited, code=dumped, status=11/SEGV",
     "signal", {"status": 11, "name": "SEGV", "code": "dumped"}),
    ("2025-03-02T11:10:00+0100 h systemd[1]: c.service: Main process exited, code=killed, status=9/KILL",
     "signal", {"status": 9, "name": "KILL", "code": "killed"}),
    ("2025-03-02T11:00:00+0100 h crashy[2401]: panic: runtime error: index out of range [3] with length 3",
     "panic", {"message": "runtime error: index out of range [3] with length 3"}),
    ("2025-03-02T11:00:00+0100 h app[1]: fatal error: concurrent map writes", "fatal", {"message": "concurrent map writes"}),
    ("2025-03-02T11:00:00+0100 h app[1]: runtime: failed to create new OS thread (have 8 already; errno=11)", "thread", {}),
    ("2025-03-02T11:20:00+0100 h web[2501]: 2025/03/02 11:20:00 listen tcp :80: bind: permission denied",
     "bind", {"port": 80, "error": "permission denied"}),
    ("2025-03-02T11:20:00+0100 h web[2501]: listen tcp 0.0.0.0:8080: bind: address already in use",
     "bind", {"port": 8080, "error": "address already in use"}),
    ("2025-03-02T11:20:00+0100 h web[2501]: http: Accept error: accept tcp [::]:8080: accept4: too many open files; retrying in 5ms",
     "nofile", {}),
    ("2025-03-02T11:20:00+0100 h app[2501]: /usr/local/bin/app: error while loading shared libraries: libgone.so.1: cannot open shared object file: No such file or directory",
     "loader", {"lib": "libgone.so.1"}),
    ("2025-03-02T11:20:00+0100 h app[2501]: /usr/local/bin/app: /lib64/libc.so.6: version `GLIBC_2.34' not found (required by /usr/local/bin/app)",
     "glibc", {"version": "GLIBC_2.34"}),
    ("2025-03-02T11:50:00+0100 h systemd[1]: d.service: Service has more than one ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.",
     "config", None),
    ("Mar 02 08:10:00 c7 systemd[1]: t.service lacks both ExecStart= and ExecStop= setting. Refusing.", "no-execstart", {}),
    ("2025-03-02T11:00:05+0100 h systemd[1]: c.service: Start request repeated too quickly.", "start-limit", {}),
    ("2025-03-02T11:00:05+0100 h systemd[1]: c.service: Failed with result 'oom-kill'.", "oom", {}),
    ("2025-03-02T11:40:00+0100 h go[2701]: build cache is required, but could not be located: GOCACHE is not defined and neither $XDG_CACHE_HOME nor $HOME are defined",
     "no-home", {}),
])
def test_journal_lines(line, kind, info):
    events = parse_journal(line).events
    if info is None:  # a systemd message without a dedicated kind: not mistaken for another
        assert [e.kind for e in events if e.kind not in ("config",)] == []
        return
    assert [e.kind for e in events] == [kind]
    for key, value in info.items():
        assert events[0].get(key) == value, (key, events[0].info)


def test_journal_binary_garbage_is_counted_and_skipped():
    data = (b"2025-03-02T11:30:00+0100 web1 noisy[2601]: starting\n" + bytes(range(256)) * 4 + b"\n"
            + b"2025-03-02T11:30:01+0100 web1 systemd[1]: noisy.service: Main process exited, code=exited, status=1/FAILURE\n")
    j = parse_journal(data)
    assert j.garbage >= 1
    assert [e.kind for e in j.events] == ["exit"]
    assert j.program_before(j.events[0].line) == "starting"


# ---------------------------------------------------------------------------------------
STRACE = """\
4242 execve("/usr/bin/setpriv", ["setpriv", "--reuid", "65534", "--", "/srv/app"], 0x7ffc /* 3 vars */) = 0
4242 openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3
4242 execve("/srv/app", ["/srv/app", "-addr", ":80"], 0x7ffe /* 3 vars */) = 0
4242 openat(AT_FDCWD, "/lib/x86_64-linux-gnu/libgone.so.1", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory)
4242 writev(2, [{iov_base="/srv/app", iov_len=8}, {iov_base=": ", iov_len=2}, {iov_base="error while loading shared libraries", iov_len=36}, {iov_base=": ", iov_len=2}, {iov_base="libgone.so.1", iov_len=12}, {iov_base=": ", iov_len=2}, {iov_base="cannot open shared object file", iov_len=30}], 7) = 92
4242 exit_group(127)                   = ?
4242 +++ exited with 127 +++
"""


def test_strace_missing_library():
    a = parse_strace(STRACE, "/srv/app")
    assert a.exec_errno is None
    assert a.missing_library == "libgone.so.1"
    assert a.exit_status == 127
    assert a.exec_call.first_string() == "/srv/app"


def test_strace_execve_errors_unfinished_and_signals():
    text = ("10 execve(\"/srv/app\", [\"/srv/app\"], 0x7 /* 1 var */) = -1 ENOEXEC (Exec format error)\n"
            "10 +++ exited with 1 +++\n")
    assert parse_strace(text, "/srv/app").exec_errno == "ENOEXEC"
    text = ("11 execve(\"/srv/app\", [\"/srv/app\"], 0x7 /* 1 var */) = 0\n"
            "12 bind(3, {sa_family=AF_INET6, sin6_port=htons(80)}, 28 <unfinished ...>\n"
            "11 futex(0x1, FUTEX_WAIT, 0, NULL) = -1 EAGAIN (Resource temporarily unavailable)\n"
            "12 <... bind resumed>) = -1 EACCES (Permission denied)\n"
            "11 --- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL} ---\n"
            "11 +++ killed by SIGSEGV (core dumped) +++\n")
    a = parse_strace(text, "/srv/app")
    assert a.signal == "SIGSEGV (core dumped)"
    assert a.failures[-1].name == "bind" and a.failures[-1].errno == "EACCES"
    assert a.last_failure == "bind(port 80) = -1 EACCES (Permission denied)"
    assert "EAGAIN" not in [c.errno for c in a.failures]
    assert a.pids == {11, 12}


# ---------------------------------------------------------------------------------------
def test_file_contexts_last_match_wins_and_plain_specs_last():
    fc = FileContexts([("fc", "/usr/local/bin(/.*)?\tsystem_u:object_r:bin_t:s0\n"
                              "/home/[^/]+/.+\tunconfined_u:object_r:user_home_t:s0\n"
                              "/usr/local/bin/special\t--\tsystem_u:object_r:special_exec_t:s0\n"
                              "/usr/local/bin/.*\\.sh\t--\tsystem_u:object_r:shell_exec_t:s0\n"
                              "/tmp/.*\t<<none>>\n")],
                      parse_subs("/usr/local/sbin /usr/local/bin\n"))
    assert fc.lookup("/usr/local/bin/app")[0] == "system_u:object_r:bin_t:s0"
    assert fc.lookup("/usr/local/bin/special")[0] == "system_u:object_r:special_exec_t:s0"
    assert fc.lookup("/usr/local/bin/run.sh")[0] == "system_u:object_r:shell_exec_t:s0"
    assert fc.lookup("/usr/local/sbin/app")[0] == "system_u:object_r:bin_t:s0"  # alias
    assert fc.lookup("/tmp/x") == (None, fc.lookup("/tmp/x")[1])
    assert context_type("unconfined_u:object_r:user_home_t:s0\0") == "user_home_t"
    assert exec_ok("bin_t") and exec_ok("httpd_exec_t") and not exec_ok("user_home_t")


def test_file_contexts_agree_with_real_matchpathcon():
    """The policy installed on this machine, read the way libselinux does, gives what the
    real matchpathcon gives for the places Go binaries live."""
    import subprocess

    from conftest import need

    base = "/etc/selinux/default/contexts/files/"
    need(os.path.exists(base + "file_contexts") and os.path.exists("/usr/sbin/matchpathcon"),
         "selinux-utils and a policy (selinux-policy-default) for matchpathcon")
    files = [(base + n, open(base + n).read()) for n in ("file_contexts", "file_contexts.homedirs")
             if os.path.exists(base + n)]
    subs = parse_subs(open(base + "file_contexts.subs_dist").read()) if os.path.exists(base + "file_contexts.subs_dist") else []
    fc = FileContexts(files, subs)
    for path in ("/usr/local/bin/app", "/home/alice/app", "/tmp/app", "/opt/app/bin/app", "/srv/app/app",
                 "/usr/bin/go", "/root/app", "/var/lib/app/app", "/usr/local/go/bin/go", "/usr/sbin/nginx",
                 "/data/app", "/usr/libexec/app/app"):
        real = subprocess.run(["matchpathcon", "-n", path], stdout=subprocess.PIPE).stdout.decode().strip()
        assert (fc.lookup(path)[0] or "<<none>>") == real, path


# ---------------------------------------------------------------------------------------
def _reader(path):
    with open(path, "rb") as f:
        data = f.read()
    return lambda offset, length: data[offset:offset + length], len(data)


def test_probe_on_the_fixture_binaries():
    here = os.path.join(os.path.dirname(__file__), "data", "services")
    read, size = _reader(os.path.join(here, "el8-services", "files", "usr", "local", "bin", "report"))
    p = binprobe.probe(read, size)
    assert (p.kind, p.machine, p.go, p.go_version) == ("elf", "aarch64", True, "go1.22.12")
    read, size = _reader(os.path.join(here, "el8-services", "files", "usr", "local", "bin", "alpine-built"))
    assert binprobe.probe(read, size).interp == "/lib/ld-musl-x86_64.so.1"


def test_probe_scripts_garbage_and_truncation():
    assert binprobe.probe(lambda o, n: b"#!/bin/bash -e\necho\n"[o:o + n]).shebang == "/bin/bash -e"
    assert binprobe.probe(lambda o, n: b"").kind == "empty"
    assert binprobe.probe(lambda o, n: b"MZ\x90\x00"[o:o + n]).kind == "other"
    truncated = b"\x7fELF\x02\x01\x01" + b"\0" * 9 + b"\x02\x00\x3e\x00" + b"\0" * 40
    p = binprobe.probe(lambda o, n: truncated[o:o + n])
    assert p.kind == "elf" and p.machine == "x86_64"
