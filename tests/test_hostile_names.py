"""Findings whose fixes embed a host-controlled string, on hosts whose names are hostile.

Each scenario is a snapshot in which one name (a Go install directory, a home, a unit's
working directory, environment file, program, assignment or name) holds one value of
HOSTILE_NAMES: white space, both quotes, $(), backticks, ';', a newline, a leading '-',
'%', bytes that are not UTF-8, a terminal escape.  gotriage examines it, and every fix it
prints is handed to the program that would read it on the host:

- a command: bash, which must see exactly the intended argv (printf '%s\\0');
- a line for a profile file: bash sources it, and PATH must hold exactly the directory;
- a line for sudoers: visudo accepts it and sudo (in a private mount namespace) gives
  exactly that PATH;
- a line for a unit file: systemd 252 (`systemd --test`) parses exactly the intended value.

Where a language cannot hold the name (':' in a PATH entry, a newline in sudoers, a quote
in a program path), the fix must be a note, never a line that means something else.  A
hidden command would create MARKER: it must never exist.
"""

import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

import pytest

from conftest import DATA, ROOT, make_snapshot, need
from gotriage import runner
from gotriage.findings import shell_join
from gotriage.host.snapshot import open_snapshot
from gotriage.knowledge.go import PROBE_VARS
from gotriage.parsers.systemd_unit import expand_env
from gotriage.quoting import Unrepresentable, systemd_exec_line, systemd_path
from test_quoting import MARKER, _decode_command_line, _sudo_path, _systemd_test

# one path component each: no '/', no NUL
HOSTILE_NAMES = [
    "with space", "quote'single", 'quote"double', "$(touch %s)" % MARKER.replace("/", "_"),
    "`id`", "semi;colon", "new\nline", "-dash", "per%cent", "dollar$HOME$$", "col:on",
    "back\\slash", "esc\x1b]0;x\x07", "nonutf8\udcff", "utf8\u00e9", "star*", "~tilde", "!bang",
]
OS_RELEASE = open(os.path.join(DATA, "el", "rocky-9.3", "etc", "os-release")).read()
EXE, DIR = 0o100755, 0o40755


def _b(value):
    return value.encode("utf-8", "surrogateescape")


@pytest.fixture(autouse=True)
def no_marker():
    for path in (MARKER, "/tmp/" + MARKER.replace("/", "_")):
        if os.path.exists(path):
            os.unlink(path)
    yield
    assert not os.path.exists(MARKER)


def _run(snapshot, layers, options=None):
    host = open_snapshot(str(snapshot))
    try:
        return runner.run(host, layers, options or {})
    finally:
        host.close()


def _argv_seen_by_bash(argv, cwd):
    """The words bash passes to a command when the printed line is pasted: the printed
    command is run with `printf '%s\\0'` in front of it."""
    line = "printf '%s\\0' " + shell_join(argv)
    proc = subprocess.run(["bash", "-c", line], cwd=str(cwd), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, env={"PATH": "/usr/bin:/bin", "LC_ALL": "C"},
                          timeout=30)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split(b"\0")[:-1]


def _commands(findings):
    return [a for f in findings for a in f.fix if a.kind == "command"]


# -- a Go install under a hostile directory: profile.d and sudoers lines ----------------------
def _go_install_snapshot(directory, name):
    root = "/opt/go-" + name
    files = {"/etc/os-release": OS_RELEASE,
             "/etc/passwd": "root:x:0:0:root:/root:/bin/bash\n",
             "/etc/sudoers": "Defaults env_reset\nDefaults secure_path = /sbin:/bin:/usr/sbin:/usr/bin\n"
                             "root ALL=(ALL) ALL\n",
             root + "/VERSION": "go1.22.12\n", root + "/bin/go": "(ELF binary not recorded)\n"}
    paths = {root + "/bin/go": {"stat": {"mode": EXE}}, root + "/pkg/tool": {"stat": {"mode": DIR}},
             "/etc/sudoers": {"stat": {"mode": 0o100440}}}
    make_snapshot(directory, files=files, paths=paths,
                  environ={"PATH": "/usr/bin:/bin", "HOME": "/root"},
                  identity={"user": "root", "uid": 0, "gid": 0, "home": "/root", "shell": "/bin/bash"})
    return root + "/bin"


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_path_lines_for_a_go_install_in_a_hostile_directory(name, tmp_path):
    need(shutil.which("bash"), "bash")
    bindir = _go_install_snapshot(tmp_path / "snap", name)
    report = _run(tmp_path / "snap", ["toolchain"])
    found = {tuple(f.contexts): f for f in report.findings if f.id == "GO-PATH-NOT-FOUND"}
    assert set(found) == {("shell",), ("sudo",), ("systemd",)}
    assert not [f for f in report.findings if f.id == "GOTRIAGE-CHECK-FAILED"]
    shell_fix, sudo_fix = found[("shell",)].fix, found[("sudo",)].fix
    if ":" in name:
        # ':' separates PATH entries: no line can put this directory on PATH
        assert all(a.kind == "note" for a in shell_fix + sudo_fix)
        return
    profile = shell_fix[0]
    assert (profile.kind, profile.path, profile.syntax) == ("edit", "/etc/profile.d/go.sh", "bash")
    (tmp_path / "go.sh").write_bytes(_b(profile.line) + b"\n")
    proc = subprocess.run(["bash", "-c", '. "$1"; printf "%s" "$PATH"', "_", str(tmp_path / "go.sh")],
                          env={"PATH": "/usr/bin:/bin"}, stdout=subprocess.PIPE, timeout=30)
    assert proc.stdout.split(b":") == [b"/usr/bin", b"/bin", _b(bindir)]
    hidden = any(ord(c) < 32 or 0xd800 <= ord(c) <= 0xdfff for c in name) or name.endswith("\\")
    if hidden:
        assert sudo_fix[0].kind == "note"  # sudoers cannot hold it: say so
    else:
        assert sudo_fix[0].syntax == "sudoers"
        assert _sudo_path(tmp_path, sudo_fix[0].line) == b"/sbin:/bin:/usr/sbin:/usr/bin:" + _b(bindir)
    # the systemd context names no unit: words only, with the line a unit would need
    assert [a.kind for a in found[("systemd",)].fix] == ["note"]


# -- a home that does not exist: create it for the user, never chown -R a system directory ---
@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_missing_hostile_home_is_created_for_its_user(name, tmp_path):
    home = "/home/" + name
    env = {"PATH": "/usr/local/go/bin:/usr/bin:/bin", "HOME": home, "USER": "alice"}
    out = {v: "" for v in PROBE_VARS}
    out.update(GOROOT="/usr/local/go", GOVERSION="go1.22.12", GOPATH=home + "/go",
               GOCACHE=home + "/.cache/go-build", GOMODCACHE=home + "/go/pkg/mod",
               GOENV=home + "/.config/go/env", GOOS="linux", GOARCH="amd64", CGO_ENABLED="0")
    probe = {"argv": ["/usr/local/go/bin/go", "env", "-json"] + list(PROBE_VARS),
             "env": dict(env, GOTOOLCHAIN="local"), "cwd": "/", "returncode": 0,
             "stdout": json.dumps(out, indent="\t", sort_keys=True) + "\n", "stderr": "",
             "duration": 0.01}
    make_snapshot(tmp_path / "snap", files={
        "/etc/os-release": OS_RELEASE, "/usr/local/go/VERSION": "go1.22.12\n",
        "/usr/local/go/bin/go": "(ELF binary not recorded)\n",
        "/etc/passwd": "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n"},
        paths={"/usr/local/go/bin/go": {"stat": {"mode": EXE}},
               "/usr/local/go/pkg/tool": {"stat": {"mode": DIR}},
               "/home": {"stat": {"mode": DIR, "uid": 0, "gid": 0}}},
        environ=env, commands=[probe],
        identity={"user": "alice", "uid": 1000, "gid": 1000, "home": home, "shell": "/bin/bash"})
    report = _run(tmp_path / "snap", ["toolchain"])
    cache = [f for f in report.findings if f.id == "GO-CACHE-NOT-WRITABLE"]
    assert cache, [f.id for f in report.findings]
    for command in _commands(cache):
        assert command.argv[:2] != ["chown", "-R"] or command.argv[-1] not in ("/", "/home")
    creates = [a for a in _commands(cache) if a.argv[0] == "install"]
    assert creates, [a.render() for f in cache for a in f.fix]
    assert _argv_seen_by_bash(creates[0].argv, tmp_path) == [
        b"install", b"-d", b"-m", b"0700", b"-o", b"alice", _b(home)]


# -- units with hostile names and values ------------------------------------------------------
def _service_snapshot(directory, units, programs=(), paths=None):
    """The EL9 service fixture (systemd 252) with `units` {name: text} added."""
    shutil.copytree(os.path.join(DATA, "services", "el9-services"), str(directory))
    unit_dir = os.path.join(str(directory), "files", "etc", "systemd", "system")
    for name, text in units.items():
        with open(os.path.join(unit_dir, name), "wb") as f:
            f.write(_b(text))
    extra = dict(paths or {})
    for program, mode in programs:
        target = os.path.join(str(directory).encode(), b"files", _b(program.lstrip("/")))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            f.write(b"#!/bin/sh\n")
        extra[program] = {"stat": {"mode": mode}}
    with open(os.path.join(str(directory), "paths.json")) as f:
        recorded = json.load(f)
    recorded.update(extra)
    # a path added here only in paths.json (a symlink, a program's mode) is in its
    # directory's listing too, as `gotriage collect` records the unit directories it
    # lists (the service layer finds unit files by that listing)
    for path in extra:
        parent = os.path.join(str(directory), "files", os.path.dirname(path).lstrip("/"))
        if os.path.isdir(parent):
            entry = recorded.setdefault(os.path.dirname(path), {})
            names = entry.get("listdir", sorted(os.listdir(parent)))
            entry["listdir"] = sorted(set(names) | {os.path.basename(path)})
    with open(os.path.join(str(directory), "paths.json"), "w") as f:
        json.dump(recorded, f)


@pytest.fixture
def unit_dir():
    directory = tempfile.mkdtemp(prefix="gotriage-units-", dir="/tmp")
    os.chmod(directory, 0o755)
    yield pathlib.Path(directory)
    shutil.rmtree(directory)


def _parsed_by_systemd(unit_dir, lines):
    """systemd's reading of a unit made of the fix's lines."""
    unit = "check-%d.service" % len(os.listdir(str(unit_dir)))
    (unit_dir / unit).write_bytes(_b("[Service]\n" + "\n".join(lines) + "\n"))
    block, complaints = _systemd_test(unit_dir, unit)
    assert not complaints, complaints
    return block


def _writable(write, value):
    try:
        write(value)
        return True
    except Unrepresentable:
        return False


# the names a unit file can hold in the first place (as a path setting, as a program)
IN_UNIT_PATHS = [n for n in HOSTILE_NAMES if _writable(systemd_path, "/srv/" + n)]
IN_PROGRAMS = [n for n in HOSTILE_NAMES if _writable(systemd_exec_line, ["/usr/local/bin/" + n])]


def test_the_hostile_names_reach_every_unit_scenario():
    """The filters above keep most names, so the unit scenarios are not empty shells."""
    assert len(IN_UNIT_PATHS) >= len(HOSTILE_NAMES) - 3
    assert len(IN_PROGRAMS) >= len(HOSTILE_NAMES) - 5


@pytest.mark.parametrize("name", IN_UNIT_PATHS)
def test_unit_fixes_for_hostile_paths_read_back_in_systemd(name, tmp_path, unit_dir):
    need(shutil.which("bash"), "bash")
    workdir = "/srv/" + name
    envfile = "/etc/" + name + ".env"
    quoted_workdir = '"%s"' % systemd_path(workdir)
    envfile_line = systemd_path(envfile)
    _service_snapshot(tmp_path / "snap", {
        "wd.service": "[Service]\nExecStart=/usr/local/bin/api\nWorkingDirectory=%s\n" % quoted_workdir,
        "ef.service": "[Service]\nExecStart=/usr/local/bin/api\nEnvironmentFile=%s\n" % envfile_line})
    wd, _ = _service(tmp_path / "snap", "wd")
    [fix] = [a for a in wd["SVC-WORKDIR-QUOTED"].fix if a.kind == "edit"]
    block = _parsed_by_systemd(unit_dir, ["ExecStart=/bin/true", fix.line])
    assert "\t\tWorkingDirectory: %s\n" % workdir in block
    ef, _ = _service(tmp_path / "snap", "ef")
    finding = ef["SVC-ENV-FILE-MISSING"]
    [touch] = _commands([finding])
    assert _argv_seen_by_bash(touch.argv, tmp_path) == [b"touch", _b(envfile)]
    [optional] = [a for a in finding.fix if a.kind == "edit"]
    block = _parsed_by_systemd(unit_dir, ["ExecStart=/bin/true", optional.line])
    assert "\t\tEnvironmentFile: -%s\n" % envfile in block


def _service(snapshot, unit):
    report = _run(snapshot, ["service"], {"units": [unit]})
    assert not [f for f in report.findings if f.id == "GOTRIAGE-CHECK-FAILED"], report.findings
    return {f.id: f for f in report.findings if f.severity != "ok"}, report


@pytest.mark.parametrize("name", IN_PROGRAMS)
def test_a_program_with_a_hostile_name_gets_exactly_its_chmod(name, tmp_path):
    program = "/usr/local/bin/" + name
    line = systemd_exec_line([program])
    _service_snapshot(tmp_path / "snap", {"prog.service": "[Service]\nExecStart=%s\n" % line},
                      programs=[(program, 0o100644)])
    found, _ = _service(tmp_path / "snap", "prog")
    [chmod] = _commands([found["SVC-EXEC-NOT-EXECUTABLE"]])
    assert _argv_seen_by_bash(chmod.argv, tmp_path) == [b"chmod", b"0755", _b(program)]


@pytest.mark.parametrize("name", [n for n in HOSTILE_NAMES if "\n" not in n])
def test_an_assignment_moved_out_of_execstart_keeps_its_value(name, tmp_path, unit_dir):
    """ExecStart=FOO=VALUE prog ARG: the fix moves FOO to Environment= and keeps the rest
    as it was written; systemd reads the same values from the two new lines."""
    words = systemd_exec_line(["/usr/local/bin/api", "FOO=" + name, "arg " + name]).split(" ", 1)[1]
    # the line as a user wrote it: the assignment first (systemd takes it as the program)
    assignment, rest = words.split(" ", 1) if not words.startswith('"') else _split_first(words)
    text = "[Service]\nExecStart=%s /usr/local/bin/api %s\n" % (assignment, rest)
    _service_snapshot(tmp_path / "snap", {"envp.service": text})
    found, _ = _service(tmp_path / "snap", "envp")
    fix = found["SVC-EXEC-ENV-PREFIX"].fix
    edits = [a for a in fix if a.kind == "edit"]
    if "$" in name or "\udcff" in name:
        # $$ means $ in ExecStart= and $$ in Environment=, and Environment= refuses bytes
        # that are not UTF-8: the value cannot move unchanged, and the fix says so in words
        assert not edits and fix[0].kind == "note"
        return
    environment, execstart = edits
    block = _parsed_by_systemd(unit_dir, [environment.line, execstart.line])
    assert "\t\tEnvironment: FOO=%s\n" % name in block
    [shown] = [line for line in block.splitlines() if "Command Line:" in line]
    argv, _ = expand_env(_decode_command_line(shown.split("Command Line: ", 1)[1]), {})
    assert argv == ["/usr/local/bin/api", "arg " + name]


def _split_first(words):
    end = 1
    while words[end] != '"' or words[end - 1] == "\\":
        end += 1
    return words[:end + 1], words[end + 2:]


@pytest.mark.parametrize("name", ["-dash", "x\\x2dy"])
def test_a_masked_unit_named_like_an_option_is_unmasked_by_name(name, tmp_path):
    unit = name + ".service"
    _service_snapshot(tmp_path / "snap", {}, paths={
        "/etc/systemd/system/" + unit: {"lstat": {"mode": 0o120777}, "readlink": "/dev/null"}})
    found, _ = _service(tmp_path / "snap", name)
    [unmask] = _commands([found["SVC-UNIT-MASKED"]])
    seen = _argv_seen_by_bash(unmask.argv, tmp_path)
    assert seen[-1] == _b(unit)
    if name.startswith("-"):
        assert seen[-2] == b"--"


def test_the_doctor_view_shows_hostile_names_as_escapes(tmp_path):
    """What reaches the terminal holds no escape sequence, control character or byte that is
    not UTF-8 from the host, and each finding stays on its one line."""
    name = "x $(id)\n\x1b]0;pwned\x07\udcff\u202e"
    _go_install_snapshot(tmp_path / "snap", name)
    proc = subprocess.run(
        [sys.executable, "-m", "gotriage", "check", "--root", str(tmp_path / "snap"), "--layer",
         "toolchain"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120,
        env=dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"), LANG="C.UTF-8"))
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout
    assert b"\x1b" not in out and b"\x07" not in out and b"\xff" not in out
    assert "\u202e".encode() not in out
    out.decode("utf-8")  # all of it is UTF-8
    # the result lines (the verdict names them too, on lines of its own)
    # (a title wrapped at 100 columns goes on, indented, on the next line)
    flat = re.sub(r"\n {6,}(?=\S)", " ", out.decode())
    titles = [line for line in flat.splitlines() if "GO-PATH-NOT-FOUND" in line
              and not re.match(r"^\s+\d+\. |Summary: ", line)]
    assert len(titles) == 3 and all("\\x1b]0;pwned\\x07\\xff\\u202e" in t for t in titles)


@pytest.mark.parametrize("python", ["default", "3.6"])
def test_names_that_are_not_ascii_under_the_c_locale(python, tmp_path):
    """Python 3.6 under LANG=C (EL7 and EL8 from cron, `env -i`, an ssh without a locale)
    encodes a str path as ASCII: the Host hands the kernel UTF-8 bytes instead, live and
    from a snapshot."""
    from cli_support import VENV36_PYTHON

    interpreter = sys.executable if python == "default" else VENV36_PYTHON
    need(os.path.exists(interpreter), "Python 3.6 (.venv36, scripts/setup)")
    name = "caf\u00e9 \udcff"
    program = "/usr/local/bin/" + name
    _service_snapshot(tmp_path / "snap", {"cafe.service": "[Service]\nExecStart=%s\n"
                                          % systemd_exec_line([program])},
                      programs=[(program, 0o100644)])
    env = {"PATH": "/usr/bin:/bin", "LANG": "C", "LC_ALL": "C",
           "PYTHONPATH": os.path.join(ROOT, "src")}
    proc = subprocess.run([interpreter, "-m", "gotriage", "service", "--root", str(tmp_path / "snap"),
                           "cafe", "--json"], env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=120)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout.decode("ascii"))
    [chmod] = [r for r in report["results"] if r["id"] == "SVC-EXEC-NOT-EXECUTABLE"]
    assert chmod["fix"][0]["argv"] == ["chmod", "0755", program]
    # live: a unit file naming a program whose path is not ASCII, read through the live
    # Host (the path comes out of the file as UTF-8 text, not from argv)
    directory = os.path.join(str(tmp_path).encode(), _b(name))
    os.mkdir(directory)
    live_program = os.path.join(directory, b"prog")
    with open(live_program, "wb") as f:
        f.write(b"#!/bin/sh\n")
    os.chmod(live_program, 0o644)
    unit = tmp_path / "cafe.service"
    unit.write_bytes(_b("[Service]\nExecStart=%s\n" % systemd_exec_line([os.fsdecode(live_program)])))
    proc = subprocess.run([interpreter, "-m", "gotriage", "service", str(unit), "--json"],
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    assert b"internal error" not in proc.stderr and b"Traceback" not in proc.stderr, proc.stderr
    report = json.loads(proc.stdout.decode("ascii"))
    assert not [r for r in report["results"] if r["id"] == "GOTRIAGE-CHECK-FAILED"]
    [chmod] = [r for r in report["results"] if r["id"] == "SVC-EXEC-NOT-EXECUTABLE"]
    assert _b(chmod["fix"][0]["argv"][-1]) == live_program


@pytest.mark.parametrize("output", ["snap", "snap.tar.gz"])
def test_collect_records_a_path_that_is_not_ascii_under_the_c_locale(output, tmp_path):
    """`collect` under Python 3.6 and LANG=C writes a recorded path that is not ASCII
    (here the project directory), and `check --root` reads it back the same."""
    from cli_support import VENV36_PYTHON

    need(os.path.exists(VENV36_PYTHON), "Python 3.6 (.venv36, scripts/setup)")
    # a home that is not ASCII: its go env file is read (and recorded) by a path built
    # from HOME, which gotriage decodes as UTF-8 text
    home = os.path.join(str(tmp_path).encode(), _b("caf\u00e9 \udcff"))
    os.makedirs(os.path.join(home, b".config", b"go"))
    with open(os.path.join(home, b".config", b"go", b"env"), "w") as f:
        f.write("GOFLAGS=-mod=mod\n")
    project = os.path.join(home, b"proj")
    os.mkdir(project)
    with open(os.path.join(project, b"main.go"), "w") as f:
        f.write("package main\n")
    env = {"PATH": "/usr/bin:/bin", "LANG": "C", "LC_ALL": "C", "HOME": home,
           "PYTHONPATH": os.path.join(ROOT, "src").encode()}
    out = str(tmp_path / output)
    args = ["--layer", "toolchain", "--project", project]
    proc = subprocess.run([VENV36_PYTHON, "-m", "gotriage", "collect", "-o", out] + args,
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    assert proc.returncode == 0, proc.stderr
    proc = subprocess.run([VENV36_PYTHON, "-m", "gotriage", "check", "--root", out, "--json"] + args,
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    assert b"Traceback" not in proc.stderr, proc.stderr
    report = json.loads(proc.stdout.decode("ascii"))
    [missing] = [r for r in report["results"] if r["id"] == "GO-MODULES-NO-GOMOD"]
    assert _b(missing["subject"]) == project
    recorded = os.path.join(out.encode(), b"files") if output == "snap" else None
    if recorded:
        assert os.path.exists(recorded + os.path.join(home, b".config", b"go", b"env"))


def test_a_name_that_lost_a_byte_when_read_gets_no_command(tmp_path):
    """`go env` printing a path that is not UTF-8: the text gotriage decodes holds U+FFFD
    where the byte was, so a command built from it would name another file.  It is not
    printed (a note says why), and the run does not fail."""
    import base64

    home = b"/home/ali\xffce"
    env = {"PATH": "/usr/local/go/bin:/usr/bin:/bin", "HOME": "/home/alice", "USER": "alice"}
    out = {v: "" for v in PROBE_VARS}
    out.update(GOROOT="/usr/local/go", GOVERSION="go1.22.12", GOOS="linux", GOARCH="amd64")
    stdout = json.dumps(out).encode().replace(b'"GOCACHE": ""', b'"GOCACHE": "' + home + b'/.cache"')
    make_snapshot(tmp_path / "snap", files={
        "/etc/os-release": OS_RELEASE, "/usr/local/go/VERSION": "go1.22.12\n",
        "/usr/local/go/bin/go": "(ELF binary not recorded)\n",
        "/etc/passwd": "alice:x:1000:1000::/home/alice:/bin/bash\n"},
        paths={"/usr/local/go/bin/go": {"stat": {"mode": EXE}},
               "/usr/local/go/pkg/tool": {"stat": {"mode": DIR}},
               "/home": {"stat": {"mode": DIR, "uid": 0, "gid": 0}}},
        environ=env, commands=[{
            "argv": ["/usr/local/go/bin/go", "env", "-json"] + list(PROBE_VARS),
            "env": dict(env, GOTOOLCHAIN="local"), "cwd": "/", "returncode": 0,
            "stdout_b64": base64.b64encode(stdout).decode(), "stderr": "", "duration": 0.01}],
        identity={"user": "alice", "uid": 1000, "gid": 1000, "home": "/home/alice",
                  "shell": "/bin/bash"})
    report = _run(tmp_path / "snap", ["toolchain"])
    assert not [f for f in report.findings if f.id == "GOTRIAGE-CHECK-FAILED"]
    [cache] = [f for f in report.findings if f.id == "GO-CACHE-NOT-WRITABLE"]
    assert not _commands([cache])
    assert any("lost when it was read" in (a.description or "") for a in cache.fix)
    from gotriage.report import json_report, text

    json_report.render(report)
    text.render(report, text.Style())
