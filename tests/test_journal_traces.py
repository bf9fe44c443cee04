"""Go crashes in the journal (issue 13): the first frame of the goroutine that panicked
outside the runtime, and what to do about a core dump.

- the parser on what journalctl printed of real Go 1.19, 1.21 and 1.27 programs that
  crash, run on a real journald (tests/data/go-crashes, README.md there), as journald 252
  keeps them, as an older journald that strips the indentation keeps them, and as the
  bare stderr of the program;
- the same programs built and run again with the real toolchains, their stderr turned
  into journal lines the way journald and journalctl do it;
- what the service layer says: the frame in SVC-JOURNAL-PANIC's title, and for a core
  dump `coredumpctl info COREDUMP_UNIT=UNIT`, then GOTRACEBACK=crash for a Go program or
  `coredumpctl gdb` for another.
"""

import glob
import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import DATA, ROOT, SHARED_GOCACHE, base_env, need
from gotriage.parsers.journal import _TRACE_LINES, parse_journal
from test_service_snapshots import service as service_report

CRASHES = os.path.join(DATA, "go-crashes")
EL9 = os.path.join(DATA, "services", "el9-services")
RECORDED = sorted(os.path.basename(p)[:-len(".journal")]
                  for p in glob.glob(os.path.join(CRASHES, "*.journal")))

# program -> (kind, start of the message, frame, end of its location, caller, end of the
# caller's location); a location is "/NAME/main.go:LINE" of the program's source.
EXPECTED = {
    "nilmap": ("panic", "assignment to entry in nil map", "main.main", "/nilmap/main.go:5", None, None),
    "index": ("panic", "runtime error: index out of range [3] with length 1", "main.pick",
              "/index/main.go:6", None, None),
    "explicit": ("panic", 'config: no such key "db"', "main.main", "/explicit/main.go:9", None, None),
    "goroutine": ("panic", "runtime error: invalid memory address or nil pointer dereference",
                  "main.worker", "/goroutine/main.go:10", None, None),
    "method": ("panic", "assignment to entry in nil map", "main.(*Server).Start", "/method/main.go:11",
               None, None),
    "repanic": ("panic", "runtime error: invalid memory address or nil pointer dereference",
                "main.main.func1", "/repanic/main.go:6", None, None),
    "multiline": ("panic", 'bad config: line 3: "x"', "main.main", "/multiline/main.go:6", None, None),
    "mapwrites": ("fatal", "concurrent map writes", "main.main.func1", "/mapwrites/main.go:8", None, None),
    "regexp": ("panic", "regexp: Compile(`^/api/(v1|v2/`): error parsing regexp", "regexp.MustCompile",
               None, "main.init", "/regexp/main.go:5"),
    "segv": ("crash", "SIGSEGV: segmentation violation", "main.main", "/segv/main.go:10", None, None),
}
# Go 1.19 reports a SIGSEGV in cgo code as a runtime fatal error
SEGV_119 = ("fatal", "unexpected signal during runtime execution")


def _check(journal, version, name):
    kind, message, frame, location, caller, caller_location = EXPECTED[name]
    if name == "segv" and version.startswith("go1.19"):
        kind, message = SEGV_119
    crash = journal.first("panic", "fatal", "crash")
    assert crash is not None and crash.kind == kind, journal.events
    assert crash.get("message").startswith(message), crash.info
    assert crash.get("frame") == frame, crash.info
    if location:
        assert crash.get("location").endswith(location), crash.info
    else:  # the standard library's file, under GOROOT
        assert re.search(r"/src/regexp/regexp\.go:\d+$", crash.get("location")), crash.info
    assert crash.get("caller") == caller, crash.info
    if caller_location:
        assert crash.get("caller_location").endswith(caller_location), crash.info
    assert crash.get("goroutine") and re.search(r"goroutine \d+ .*\[", crash.get("goroutine"))
    assert crash.get("cgo") == (True if name == "segv" and not version.startswith("go1.19") else None)
    return crash


def test_every_recording_is_checked():
    assert len(RECORDED) == 36
    assert {r.split("-", 1)[1].replace("-crash", "") for r in RECORDED} == set(EXPECTED)


@pytest.mark.parametrize("recording", RECORDED)
def test_recorded_crash(recording):
    """journalctl 252's lines, an older journald's (indentation stripped), and the same
    messages without the journal's prefix."""
    version, name = recording.split("-", 1)
    with open(os.path.join(CRASHES, recording + ".journal")) as f:
        text = f.read()
    crash = _check(parse_journal(text), version, name.replace("-crash", ""))
    assert [line for line in text.splitlines() if line.startswith(crash.get("frame_text")[0])]
    stripped = "\n".join(re.sub(r"(\]: )\s+", r"\1", line) for line in text.splitlines())
    _check(parse_journal(stripped), version, name.replace("-crash", ""))
    bare = "\n".join(line.split("]: ", 1)[1] for line in text.splitlines())
    _check(parse_journal(bare), version, name.replace("-crash", ""))


def _journal_lines(stderr, ident, pid):
    """What journald keeps of a service's stderr (no empty line), as journalctl -o
    short-iso prints it (each tab as 8 spaces)."""
    return "".join("2025-03-02T11:00:00+0100 web1 %s[%d]: %s\n" % (ident, pid, line.replace("\t", " " * 8))
                   for line in stderr.splitlines() if line.strip())


@pytest.fixture(scope="module")
def gocache():
    return SHARED_GOCACHE


@pytest.mark.parametrize("version", ["1.19", "1.21", "1.27"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_crash(toolchains, tmp_path, gocache, version, name):
    """Built and run again: each toolchain's own stderr, read as the journal shows it."""
    t = toolchains[version]
    if name == "segv":
        need(shutil.which("gcc"), "gcc (a cgo program)")
    src = tmp_path / name
    src.mkdir()
    shutil.copy(os.path.join(CRASHES, "src", name, "main.go"), str(src / "main.go"))
    (src / "go.mod").write_text("module svc/%s\n\ngo 1.19\n" % name)
    env = base_env(tmp_path, [t.bindir], GOCACHE=gocache, CGO_ENABLED=int(name == "segv"))
    subprocess.run([t.go, "build", "-o", name, "."], cwd=str(src), env=env, check=True,
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
    proc = subprocess.run([str(src / name)], cwd=str(src), env={"PATH": "/usr/bin:/bin"},
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    assert proc.returncode == 2, proc.stderr  # GOTRACEBACK unset: the runtime exits with 2
    text = _journal_lines(proc.stderr.decode(), name, 2401)
    _check(parse_journal(text), t.version, name)


# ---------------------------------------------------------------------------------------
PANIC = ["panic: assignment to entry in nil map", "goroutine 1 [running]:", "main.main()",
         "\t/build/main.go:12 +0x1d"]


def _lines(messages, ident="app[2401]"):
    return "".join("2025-03-02T11:00:00+0100 web1 %s: %s\n" % (ident, m) for m in messages)


def test_lines_of_other_processes_do_not_break_the_trace():
    text = (_lines(PANIC[:2]) + _lines(["app.service: Main process exited, code=exited, "
                                        "status=2/INVALIDARGUMENT"], "systemd[1]")
            + _lines(["main.main()", "\t/elsewhere/other.go:3 +0x1"], "other[77]")
            + _lines(PANIC[2:]))
    panic = parse_journal(text).first("panic")
    assert (panic.get("frame"), panic.get("location")) == ("main.main", "/build/main.go:12")


def test_each_crash_keeps_its_own_frame():
    text = _lines(PANIC) + _lines([PANIC[0].replace("nil map", "nil map 2"), PANIC[1], "main.serve()",
                                   "\t/build/serve.go:40 +0x2"], "app[2402]")
    panics = parse_journal(text).of("panic")
    assert [(p.get("frame"), p.get("location")) for p in panics] == [
        ("main.main", "/build/main.go:12"), ("main.serve", "/build/serve.go:40")]


def test_only_the_panicking_goroutine_is_read():
    """Runtime frames only, then the next goroutine: no frame (GOTRACEBACK=system prints
    the runtime's own)."""
    text = _lines(["fatal error: out of memory", "goroutine 1 [running]:", "runtime.throw({0x1, 0x2})",
                   "\t/usr/local/go/src/runtime/panic.go:1077 +0x5d", "created by runtime.gcenable",
                   "\t/usr/local/go/src/runtime/mgc.go:200 +0x66", "goroutine 2 [select]:",
                   "main.main()", "\t/build/main.go:12 +0x1d"])
    fatal = parse_journal(text).first("fatal")
    assert fatal.get("frame") is None and fatal.get("goroutine").endswith("goroutine 1 [running]:")


def test_a_trace_is_read_for_a_bounded_number_of_lines():
    filler = ["runtime.gopark(0x0?)", "\t/usr/local/go/src/runtime/proc.go:398 +0xce"] * _TRACE_LINES
    text = _lines(PANIC[:2] + filler + PANIC[2:])
    assert parse_journal(text).first("panic").get("frame") is None


@pytest.mark.parametrize("lines", [
    # a program's own message that looks like a panic: no goroutine follows
    ["panic: not really", "main.main()", "\t/build/main.go:12 +0x1d"],
    # a line number int() would take but Go never prints
    ["panic: x", "goroutine 1 [running]:", "main.main()", "\t/build/main.go:\u00b2 +0x1d"],
    ["panic: x", "goroutine 1 [running]:", "main.main()", "\t/build/main.go:99999999999 +0x1d"],
    # not a frame's function line
    ["panic: x", "goroutine 1 [running]:", "main main()", "\t/build/main.go:12 +0x1d"],
    ["panic: x", "goroutine 1 [running]:", "main.main(()", "\t/build/main.go:12 +0x1d"],
    ["panic: x", "goroutine 1 [running]:", "\t/build/main.go:12 +0x1d"],
])
def test_what_is_not_a_frame(lines):
    panic = parse_journal(_lines(lines)).first("panic")
    assert panic is not None and panic.get("frame") is None


def test_a_program_printing_sigterm_is_no_crash():
    """Only the runtime's own names of the signals it cannot turn into a panic."""
    journal = parse_journal(_lines(["SIGTERM: shutting down", "SIGSEGV: segmentation violation"]))
    assert [e.kind for e in journal.events] == ["go-signal", "crash"]


def test_goroutine_header_of_go_1_23_with_gotraceback_system():
    journal = parse_journal(_lines(["goroutine 1 gp=0xc000002380 m=0 mp=0x5365a0 [running, locked to thread]:"]))
    assert journal.first("goroutine").get("state") == "running, locked to thread"


# ---------------------------------------------------------------------------------------
def service(snapshot, unit, journal_text=None):
    """{id: finding} of the service layer's problems (test_service_snapshots' helper)."""
    return service_report(snapshot, unit, journal_text)[0]


def _recorded_as(recording, ident="crashy[2401]"):
    with open(os.path.join(CRASHES, recording + ".journal")) as f:
        return "".join(re.sub(r"^(\S+ \S+) [^\[ ]+\[\d+\]:", r"\1 %s:" % ident, line) + "\n"
                       for line in f.read().splitlines())


def test_panic_title_names_the_frame_and_keeps_the_message():
    text = _recorded_as("go1.21.13-method") + _lines(
        ["crashy.service: Main process exited, code=exited, status=2/INVALIDARGUMENT"], "systemd[1]")
    panic = service(EL9, "crashy", text)["SVC-JOURNAL-PANIC"]
    assert panic.title == ("crashy.service: panicked in main.(*Server).Start (/srv/method/main.go:11): "
                           "assignment to entry in nil map")
    assert [e.text.split(": ", 1)[1].strip() for e in panic.evidence if e.kind == "fact"] == [
        "panic: assignment to entry in nil map", "goroutine 1 [running]:",
        "main.(*Server).Start(0xc00002a718, 0x3)", "/srv/method/main.go:11 +0x36"]


def test_a_library_panic_names_its_caller():
    panic = service(EL9, "crashy", _recorded_as("go1.27.3-regexp"))["SVC-JOURNAL-PANIC"]
    assert ("panicked in regexp.MustCompile (/usr/local/go/src/regexp/regexp.go:312) called from "
            "main.init (/srv/regexp/main.go:5): regexp: Compile(") in panic.title


def test_cgo_sigsegv_is_a_crash_with_gotraceback_advice():
    text = _recorded_as("go1.27.3-segv") + _lines(
        ["crashy.service: Main process exited, code=exited, status=2/INVALIDARGUMENT"], "systemd[1]")
    found = service(EL9, "crashy", text)
    assert "SVC-JOURNAL-EXIT" not in found  # the crash explains the exit status 2
    panic = found["SVC-JOURNAL-PANIC"]
    assert panic.title == ("crashy.service: crashed in main.main (/srv/segv/main.go:10): SIGSEGV: "
                           "segmentation violation (signal arrived during cgo execution)")
    assert [a.line for a in panic.fix if a.kind == "edit"] == ["Environment=GOTRACEBACK=crash"]


def test_core_dump_of_a_go_program():
    """cgo-app.service (a Go program, no GOTRACEBACK) dumped core with SIGSEGV."""
    signal = service(EL9, "cgo-app")["SVC-JOURNAL-SIGNAL"]
    assert signal.fix[0].argv == ["coredumpctl", "info", "COREDUMP_UNIT=cgo-app.service"]
    assert [(a.path, a.line) for a in signal.fix if a.kind == "edit"] == [
        ("/etc/systemd/system/cgo-app.service.d/override.conf", "Environment=GOTRACEBACK=crash")]
    assert signal.fix[-1].argv == ["systemctl", "daemon-reload"]
    assert "could not catch it" in signal.why


def test_core_dump_of_a_go_program_that_has_gotraceback_crash(tmp_path):
    """A unit with Environment=GOTRACEBACK=crash: the stacks are in the journal, gdb next."""
    found = _case_service(tmp_path, ["Environment=GOTRACEBACK=crash"], go=True, status="6/ABRT")
    signal = found["SVC-JOURNAL-SIGNAL"]
    assert [a.argv for a in signal.fix if a.kind == "command"] == [
        ["coredumpctl", "info", "COREDUMP_UNIT=app.service"], ["coredumpctl", "gdb", "COREDUMP_UNIT=app.service"]]
    assert "GOTRACEBACK=crash is set" in signal.why


def test_core_dump_of_another_program(tmp_path):
    found = _case_service(tmp_path, [], go=False, status="11/SEGV")
    signal = found["SVC-JOURNAL-SIGNAL"]
    assert [a.argv for a in signal.fix] == [
        ["coredumpctl", "info", "COREDUMP_UNIT=app.service"], ["coredumpctl", "gdb", "COREDUMP_UNIT=app.service"]]
    assert "bt" in signal.fix[1].description


def test_a_hostile_unit_name_is_quoted(tmp_path):
    found = _case_service(tmp_path, [], go=False, status="11/SEGV", name="a b$(id).service")
    info = found["SVC-JOURNAL-SIGNAL"].fix[0]
    assert info.argv == ["coredumpctl", "info", "COREDUMP_UNIT=a b$(id).service"]
    assert info.render().startswith("coredumpctl info 'COREDUMP_UNIT=a b$(id).service'")


def test_killed_without_a_core_has_no_coredumpctl():
    text = _lines(["cgo-app.service: Main process exited, code=killed, status=9/KILL"], "systemd[1]")
    signal = service(EL9, "cgo-app", text)["SVC-JOURNAL-SIGNAL"]
    assert signal.fix == [] and "OOM killer" in signal.why


def _case_service(tmp_path, service_lines, go, status, name="app.service"):
    """A Rocky 9 snapshot (the cases' recipes) with one unit that dumped core."""
    sys.path.insert(0, os.path.join(ROOT, "tests", "cases"))
    try:
        from recipes import service as R
        from recipes.build import elf
    finally:
        sys.path.pop(0)
    s = R.host()
    s.exe("/usr/local/bin/app", elf(go_version="go1.22.12" if go else None), label=R.BIN_T)
    s.command(["matchpathcon", "-n", "/usr/local/bin/app"], R.BIN_T + "\n")
    R.unit(s, R.simple(service_lines + ["ExecStart=/usr/local/bin/app"]), name=name)
    R.logged(s, ["systemd[1]: %s: Main process exited, code=dumped, status=%s" % (name, status),
                 "systemd[1]: %s: Failed with result 'core-dump'." % name], name=name)
    R.save(s, str(tmp_path))
    return service(str(tmp_path / "snapshot"), name)
