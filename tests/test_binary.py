"""`gotriage binary` as a process, against the real thing: what it predicts is compared
with what the kernel, bash and glibc's loader really do with the same file.

- glibc too old: a cgo binary built here (glibc 2.36) run by Debian bullseye's real glibc
  2.31 loader (scripts/fetch-old-glibc), after `--target 2.31` predicted its message;
- another architecture (ENOEXEC) and a missing ELF interpreter (ENOENT for a file that
  exists), executed for real;
- missing and too old shared libraries, with C programs and libraries built here, found
  through LD_LIBRARY_PATH, DT_RUNPATH with $ORIGIN and DT_RPATH;
- files cut short, garbage, empty, a directory, a missing and an unreadable file, a huge
  sparse file: a finding or a one-line error, never a traceback;
- a hand-built EL8 snapshot with --root.
Every JSON report is checked against docs/report.schema.json.
"""

import codecs
import json
import os
import re
import shutil
import subprocess
import sys
import time

import pytest

import binary_support
from binary_support import MUSL_LOADER, STATIC_SOURCE, built_binaries, fetch_old_glibc
from cli_support import assert_one_line_error, clean_env, parse_report, run_cli
from conftest import DATA, IN_CI, ROOT, make_snapshot, need

LOADER_LINE = re.compile(r"^(?P<prog>\S+): (?P<lib>\S+): version `(?P<version>[^']+)' not found "
                         r"\(required by (?P<by>\S+)\)$")


@pytest.fixture(scope="session")
def binaries(toolchains, tmp_path_factory):
    return built_binaries(toolchains, tmp_path_factory)


@pytest.fixture(scope="session")
def old_glibc():
    return fetch_old_glibc()


def gotriage_binary(args, cwd=None, env=None, python=None):
    """Run `gotriage binary ARGS --json`; returns (process, report)."""
    proc = run_cli(["binary"] + list(args) + ["--json"], cwd=cwd or "/", env=env, python=python)
    assert b"Traceback" not in proc.stderr, proc.stderr.decode()
    return proc, parse_report(proc)


def results(report, finding_id):
    return [r for r in report["results"] if r["id"] == finding_id]


def one(report, finding_id):
    found = results(report, finding_id)
    assert len(found) == 1, (finding_id, [(r["id"], r["title"]) for r in report["results"]])
    return found[0]


def bash_message(command, cwd):
    """What bash prints when it runs `command` (without its "line 1: " prefix)."""
    proc = subprocess.run(["bash", "-c", command], cwd=str(cwd), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT)
    text = proc.stdout.decode("utf-8", "replace").strip()
    return proc.returncode, re.sub(r"^bash: line \d+: ", "bash: ", text)


def copy_to(binary, directory, name):
    directory.mkdir(parents=True, exist_ok=True)
    dest = directory / name
    shutil.copyfile(binary.path, str(dest))
    os.chmod(str(dest), 0o755)
    return dest


def qemu_handler(machine):
    path = "/proc/sys/fs/binfmt_misc/qemu-" + machine
    try:
        with open(path) as f:
            return f.readline().strip() == "enabled"
    except OSError:
        return False


# -- glibc: predicted, then seen with a real older glibc ------------------------------------
def test_glibc_2_31_loader_prints_what_was_predicted(binaries, old_glibc, tmp_path):
    root, loader, libdir = old_glibc
    copy_to(binaries["cgo"], tmp_path, "app")
    proc, report = gotriage_binary(["./app", "--target", "2.31"], cwd=tmp_path)
    assert proc.returncode == 1
    finding = one(report, "BIN-GLIBC-TOO-OLD")
    assert finding["severity"] == "error"
    predicted = [LOADER_LINE.match(line) for line in finding["predicted_error"].splitlines()]
    assert all(predicted), finding["predicted_error"]
    assert "pthread_create" in json.dumps(finding["evidence"])
    # ... and only now run it with the real glibc 2.31 loader
    real = subprocess.run([loader, "--library-path", libdir, "./app"], cwd=str(tmp_path),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert real.returncode == 1
    seen = [LOADER_LINE.match(line) for line in real.stderr.decode().splitlines()]
    assert seen and all(seen), real.stderr
    # the same versions in the same order, the same program; only libc's path differs
    assert [m.group("version") for m in seen] == [m.group("version") for m in predicted] \
        == ["GLIBC_2.32", "GLIBC_2.34"]
    for p, s in zip(predicted, seen):
        assert p.group("prog") == s.group("prog") == "./app"
        assert p.group("by") == s.group("by") == "./app"
        assert p.group("lib").endswith("/libc.so.6") and s.group("lib").endswith("/libc.so.6")
    # the static build runs under the same old glibc root's kernel: nothing to say about glibc
    proc, report = gotriage_binary([binaries["static"].path, "--target", "2.31"])
    assert proc.returncode == 0 and one(report, "BIN-GLIBC")["severity"] == "ok"


def test_host_with_the_old_libc_reads_what_its_libc_defines(binaries, old_glibc, tmp_path):
    """A snapshot whose libc.so.6 is bullseye's: the missing versions come from that
    libc's own version definitions, and the message names where the loader finds it."""
    root, loader, libdir = old_glibc
    with open(os.path.join(libdir, "libc.so.6"), "rb") as f:
        libc = f.read()
    with open(binaries["cgo"].path, "rb") as f:
        app = f.read()
    snap = make_snapshot(tmp_path / "snap", files={
        "/etc/os-release": 'ID=debian\nVERSION_ID="11"\nNAME="Debian GNU/Linux"\n',
        "/lib/x86_64-linux-gnu/libc.so.6": libc, "/opt/app/app": app})
    proc, report = gotriage_binary(["/opt/app/app", "--root", str(snap)])
    finding = one(report, "BIN-GLIBC-TOO-OLD")
    lines = finding["predicted_error"].splitlines()
    assert lines == [
        "/opt/app/app: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.32' not found "
        "(required by /opt/app/app)",
        "/opt/app/app: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.34' not found "
        "(required by /opt/app/app)"]
    # glibc 2.31 added no symbols, so its libc.so.6 defines versions up to GLIBC_2.30
    assert finding["title"].endswith("has libc.so.6 with symbol versions up to GLIBC_2.30")
    assert "up to GLIBC_2.30" in json.dumps(finding["evidence"])
    assert report["host"]["source"] == "snapshot"
    # the loader itself is not in the snapshot: not examined, not called missing
    assert not results(report, "BIN-INTERP-MISSING")
    assert any("/lib64/ld-linux-x86-64.so.2" in n for n in report["notes"])


@pytest.mark.parametrize("target,expected", [("el7", 1), ("el8", 1), ("el9", 0), ("el10", 0),
                                             ("2.33", 1), ("2.34", 0)])
def test_cgo_binary_against_each_release(binaries, target, expected):
    proc, report = gotriage_binary([binaries["cgo"].path, "--target", target])
    assert proc.returncode == expected, report["results"]
    if expected:
        finding = one(report, "BIN-GLIBC-TOO-OLD")
        assert "GLIBC_2.34" in finding["title"]
        assert finding["fix"][0]["argv"] == ["env", "CGO_ENABLED=0", "go", "build", "-o",
                                             "cgo", "."]
        if target.startswith("el"):
            assert "/lib64/libc.so.6: version `GLIBC_2.34' not found" in finding["predicted_error"]
    else:
        assert one(report, "BIN-GLIBC")["severity"] == "ok"


def test_static_binary_runs_everywhere(binaries):
    for target in ("host", "el7", "el10", "2.17"):
        proc, report = gotriage_binary([binaries["static"].path, "--target", target])
        assert proc.returncode == 0, report["results"]
        assert {r["severity"] for r in report["results"]} == {"ok"}
    assert subprocess.run([binaries["static"].path], stdout=subprocess.PIPE).stdout == b"hello\n"


def test_cgo_binary_on_this_host_runs_as_predicted(binaries):
    proc, report = gotriage_binary([binaries["cgo"].path])
    assert proc.returncode == 0, report["results"]
    assert one(report, "BIN-LIBS")["severity"] == "ok"
    assert one(report, "BIN-INTERP")["severity"] == "ok"
    glibc = one(report, "BIN-GLIBC")
    assert "GLIBC_2.34" in glibc["title"]
    real = subprocess.run([binaries["cgo"].path], stdout=subprocess.PIPE)
    assert real.returncode == 0 and real.stdout == b"cgo 0\n"


# -- the kernel and bash ----------------------------------------------------------------------
BINFMT = "/proc/sys/fs/binfmt_misc"
# Architectures Go builds for that an x86_64 kernel does not run, with gotriage's name
FOREIGN = (("arm64", "aarch64"), ("s390x", "s390x"), ("ppc64le", "ppc64le"))


def binfmt_handlers():
    """{entry name: (offset, magic, mask)} of the enabled binfmt_misc handlers that match
    on bytes (not on a file name extension)."""
    found = {}
    try:
        with open(os.path.join(BINFMT, "status")) as f:
            if f.read().strip() != "enabled":
                return found
        names = os.listdir(BINFMT)
    except OSError:
        return found  # binfmt_misc not mounted: the kernel runs native ELF only
    for name in names:
        if name in ("status", "register"):
            continue
        try:
            with open(os.path.join(BINFMT, name)) as f:
                lines = f.read().splitlines()
        except OSError:
            continue
        fields = dict(line.split(" ", 1) for line in lines[1:] if " " in line)
        if lines[:1] != ["enabled"] or "magic" not in fields:
            continue
        magic = bytes.fromhex(fields["magic"])
        mask = bytes.fromhex(fields.get("mask", "ff" * len(magic)))
        found[name] = (int(fields.get("offset", "0")), magic, mask)
    return found


def handler_for(path, handlers):
    """The binfmt_misc handler the kernel would run `path` with, or None."""
    with open(path, "rb") as f:
        head = f.read(256)
    for name, (offset, magic, mask) in sorted(handlers.items()):
        data = head[offset:offset + len(magic)]
        if len(data) == len(magic) and all(d & m == g & m for d, g, m in zip(data, magic, mask)):
            return name
    return None


def foreign_binary(binaries, toolchains, directory):
    """(path, gotriage's machine name) of a static Go binary for an architecture this
    kernel does not run and no binfmt_misc handler takes (qemu-user-binfmt registers
    qemu-aarch64 on many machines: then s390x or ppc64le)."""
    handlers = binfmt_handlers()
    taken = []
    for goarch, machine in FOREIGN:
        if goarch == "arm64":
            path = binaries["arm64"].path
        else:
            module = binary_support._module(directory / ("src-" + goarch), "static", STATIC_SOURCE)
            path = str(binary_support._build(toolchains["1.21"], module, directory / goarch,
                                             {"CGO_ENABLED": "0", "GOARCH": goarch}))
        handler = handler_for(path, handlers)
        if handler is None:
            return path, machine
        taken.append("%s (%s)" % (handler, goarch))
    need(False, "every foreign architecture has a binfmt_misc handler here: %s; unregister one "
                "(`echo -1 > %s/NAME`, or remove qemu-user-binfmt) so that ENOEXEC can be seen"
         % (", ".join(taken), BINFMT))


def registered(conf):
    """{name: (offset, magic, mask)} of a binfmt.d line (`:name:M:offset:magic:mask:...`),
    the string written to binfmt_misc's register file."""
    with open(os.path.join(DATA, "binfmt", conf)) as f:
        _, name, kind, offset, magic, mask = f.read().strip().split(":")[:6]
    assert kind == "M"

    def raw(text):
        return codecs.decode(text, "unicode_escape").encode("latin-1")
    return {name: (int(offset or "0"), raw(magic), raw(mask))}


def test_handler_matching_on_qemus_own_registrations(binaries):
    """The magic and mask Debian's qemu-user-binfmt registers take the arm64 binary and not
    the amd64 one; the s390x registration takes neither (so, with qemu-aarch64 registered,
    an s390x binary still shows ENOEXEC)."""
    aarch64, s390x = registered("qemu-aarch64.conf"), registered("qemu-s390x.conf")
    assert handler_for(binaries["arm64"].path, aarch64) == "qemu-aarch64"
    assert handler_for(binaries["static"].path, aarch64) is None
    assert handler_for(binaries["arm64"].path, s390x) is None
    assert handler_for(binaries["static"].path, dict(aarch64, **s390x)) is None


def test_other_architecture_is_exec_format_error(binaries, toolchains, tmp_path):
    if qemu_handler("aarch64"):
        # qemu runs arm64 programs here: gotriage says so instead of predicting a failure
        copy_to(binaries["arm64"], tmp_path / "qemu", "app")
        _proc, report = gotriage_binary(["./app"], cwd=tmp_path / "qemu")
        assert one(report, "BIN-ARCH-WRONG")["severity"] == "info"
    path, machine = foreign_binary(binaries, toolchains, tmp_path)
    arm = copy_to(binary_support.Binary("foreign", path), tmp_path, "app")
    proc, report = gotriage_binary(["./app"], cwd=tmp_path)
    finding = one(report, "BIN-ARCH-WRONG")
    assert finding["severity"] == "error" and proc.returncode == 1
    assert machine in finding["title"], finding["title"]
    assert finding["fix"][0]["argv"][:4] == ["env", "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64"]
    with pytest.raises(OSError) as err:
        subprocess.run([str(arm)])
    assert err.value.errno == 8  # ENOEXEC
    code, said = bash_message("./app", tmp_path)
    assert code == 126
    assert said in finding["predicted_error"].splitlines(), (said, finding["predicted_error"])
    # for a target of that architecture it is fine
    proc, report = gotriage_binary(["./app", "--target", "el9:" + machine], cwd=tmp_path)
    assert proc.returncode == 0 and one(report, "BIN-ARCH")["severity"] == "ok"


def test_missing_interpreter_is_enoent_for_a_file_that_exists(binaries, tmp_path):
    need(not os.path.exists(MUSL_LOADER), "a machine without %s" % MUSL_LOADER)
    app = copy_to(binaries["musl"], tmp_path, "app")
    proc, report = gotriage_binary(["./app"], cwd=tmp_path)
    finding = one(report, "BIN-INTERP-MISSING")
    assert finding["severity"] == "error" and MUSL_LOADER in finding["title"]
    argvs = [a.get("argv") for a in finding["fix"] if a["kind"] == "command"]
    assert ["env", "CGO_ENABLED=0", "go", "build", "-o", "app", "."] in argvs
    assert os.path.exists(str(app))
    with pytest.raises(FileNotFoundError):
        subprocess.run([str(app)])
    code, said = bash_message("./app", tmp_path)
    assert code == 127
    assert said in finding["predicted_error"].splitlines(), (said, finding["predicted_error"])
    # on EL the interpreter line comes first (Red Hat's bash patch)
    proc, report = gotriage_binary(["./app", "--target", "el9"], cwd=tmp_path)
    lines = one(report, "BIN-INTERP-MISSING")["predicted_error"].splitlines()
    assert lines[0] == "bash: ./app: %s: bad ELF interpreter: No such file or directory" % MUSL_LOADER


def test_kernel_minimum_follows_the_go_release(binaries):
    proc, report = gotriage_binary([binaries["go127"].path, "--target", "el6"])
    finding = one(report, "BIN-KERNEL-TOO-OLD")
    assert "Linux 3.2" in finding["title"] and "2.6.32" in finding["title"]
    proc, report = gotriage_binary([binaries["go119"].path, "--target", "el6"])
    assert proc.returncode == 0 and one(report, "BIN-KERNEL")["severity"] == "ok"
    proc, report = gotriage_binary([binaries["go127"].path, "--target", "el7"])
    assert one(report, "BIN-KERNEL")["severity"] == "ok"


def test_go_information_in_the_report(binaries):
    proc, report = gotriage_binary([binaries["go127"].path])
    go = one(report, "BIN-GO")
    assert go["title"].startswith(binaries["go127"].go + ", example.com/vcs")
    assert "vcs.revision=" in go["title"] and "vcs.modified=false" in go["title"]
    summary = one(report, "BIN-ELF")
    assert "static" in summary["title"] and binaries["go127"].go in summary["title"]
    proc, report = gotriage_binary([binaries["go117"].path])
    assert "pointer format" in json.dumps(one(report, "BIN-GO")["evidence"])
    proc, report = gotriage_binary([binaries["notgo"].path])
    assert one(report, "BIN-GO-NOT-GO")["severity"] == "info"
    assert proc.returncode == 0  # info is below the default --fail-on warn
    proc, report = gotriage_binary([binaries["notgo"].path, "--fail-on", "info"])
    assert proc.returncode == 1
    proc, report = gotriage_binary([binaries["nosections"].path])
    summary = one(report, "BIN-ELF")
    assert "section headers stripped" in json.dumps(summary["evidence"])
    assert binaries["cgo"].go in one(report, "BIN-GO")["title"]


# -- shared libraries, built here -------------------------------------------------------------
LIB_C = "int gtt_answer(void) { return 42; }\n"
LIB_C_V2 = LIB_C + "int gtt_new(void) { return 2; }\n"
APP_C = '#include <stdio.h>\nint gtt_answer(void);\nint main(void) { printf("%d\\n", gtt_answer()); return 0; }\n'
APP_C_V2 = ('#include <stdio.h>\nint gtt_new(void);\n'
            'int main(void) { printf("%d\\n", gtt_new()); return 0; }\n')


def cc(args, cwd):
    need(shutil.which("gcc") is not None, "gcc")
    proc = subprocess.run(["gcc"] + args, cwd=str(cwd), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT)
    assert proc.returncode == 0, proc.stdout.decode()


@pytest.fixture
def library_programs(tmp_path):
    """libgtt.so.1 in lib/, and programs that need it: app (no path), app_runpath
    (RUNPATH $ORIGIN/lib), app_rpath (RPATH $ORIGIN/lib)."""
    (tmp_path / "lib").mkdir()
    (tmp_path / "gtt.c").write_text(LIB_C)
    (tmp_path / "app.c").write_text(APP_C)
    cc(["-shared", "-fPIC", "-Wl,-soname,libgtt.so.1", "-o", "lib/libgtt.so.1", "gtt.c"], tmp_path)
    os.symlink("libgtt.so.1", str(tmp_path / "lib" / "libgtt.so"))
    cc(["-o", "app", "app.c", "-Llib", "-lgtt"], tmp_path)
    cc(["-o", "app_runpath", "app.c", "-Llib", "-lgtt", "-Wl,--enable-new-dtags,-rpath,$ORIGIN/lib"],
       tmp_path)
    cc(["-o", "app_rpath", "app.c", "-Llib", "-lgtt", "-Wl,--disable-new-dtags,-rpath,$ORIGIN/lib"],
       tmp_path)
    return tmp_path


def test_missing_library_message_is_the_loaders(library_programs):
    d = library_programs
    proc, report = gotriage_binary(["./app"], cwd=d)
    finding = one(report, "BIN-LIBS-MISSING")
    assert "libgtt.so.1" in finding["title"] and proc.returncode == 1
    real = subprocess.run(["./app"], cwd=str(d), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert real.returncode == 127
    assert real.stderr.decode().strip() == finding["predicted_error"]
    assert finding["fix"][0]["argv"] == ["dnf", "provides", "libgtt.so.1()(64bit)"]
    if not os.path.exists("/var/lib/rpm/rpmdb.sqlite"):
        assert any("no rpm database" in n for n in report["notes"])


@pytest.mark.parametrize("program,via", [("app_runpath", "DT_RUNPATH"), ("app_rpath", "DT_RPATH")])
def test_library_found_through_origin(library_programs, program, via):
    d = library_programs
    proc, report = gotriage_binary(["./" + program], cwd=d)
    assert proc.returncode == 0, report["results"]
    libs = one(report, "BIN-LIBS")
    assert "%s/lib/libgtt.so.1, via %s" % (d, via) in json.dumps(libs["evidence"])
    real = subprocess.run(["./" + program], cwd=str(d), stdout=subprocess.PIPE)
    assert real.returncode == 0 and real.stdout == b"42\n"


def test_library_found_through_ld_library_path(library_programs):
    d = library_programs
    env = clean_env(LD_LIBRARY_PATH=str(d / "lib"))
    proc, report = gotriage_binary(["./app"], cwd=d, env=env)
    assert proc.returncode == 0, report["results"]
    assert "via LD_LIBRARY_PATH" in json.dumps(one(report, "BIN-LIBS")["evidence"])


def test_library_of_another_machine_is_skipped(library_programs, binaries):
    """An aarch64 ELF named libgtt.so.1 first on LD_LIBRARY_PATH is passed over, as the
    loader passes over it (the program still runs)."""
    d = library_programs
    (d / "foreign").mkdir()
    shutil.copyfile(binaries["arm64"].path, str(d / "foreign" / "libgtt.so.1"))
    env = clean_env(LD_LIBRARY_PATH="%s:%s" % (d / "foreign", d / "lib"))
    proc, report = gotriage_binary(["./app"], cwd=d, env=env)
    assert proc.returncode == 0, report["results"]
    evidence = json.dumps(one(report, "BIN-LIBS")["evidence"])
    assert "%s/lib/libgtt.so.1, via LD_LIBRARY_PATH" % d in evidence
    real = subprocess.run(["./app"], cwd=str(d), env=env, stdout=subprocess.PIPE)
    assert real.returncode == 0 and real.stdout == b"42\n"


def test_library_too_old_for_a_version_the_binary_needs(tmp_path):
    """app needs GTT_2 from libgtt.so.1; the library on the host defines only GTT_1."""
    d = tmp_path
    (d / "new").mkdir()
    (d / "old").mkdir()
    (d / "v2.map").write_text("GTT_1 { global: gtt_answer; local: *; };\nGTT_2 { global: gtt_new; } GTT_1;\n")
    (d / "v1.map").write_text("GTT_1 { global: gtt_answer; local: *; };\n")
    (d / "gtt2.c").write_text(LIB_C_V2)
    (d / "gtt1.c").write_text(LIB_C)
    (d / "app.c").write_text(APP_C_V2)
    cc(["-shared", "-fPIC", "-Wl,-soname,libgtt.so.1", "-Wl,--version-script,v2.map", "-o",
        "new/libgtt.so.1", "gtt2.c"], d)
    os.symlink("libgtt.so.1", str(d / "new" / "libgtt.so"))
    cc(["-shared", "-fPIC", "-Wl,-soname,libgtt.so.1", "-Wl,--version-script,v1.map", "-o",
        "old/libgtt.so.1", "gtt1.c"], d)
    cc(["-o", "app", "app.c", "-Lnew", "-lgtt", "-Wl,--enable-new-dtags,-rpath,$ORIGIN/old"], d)
    proc, report = gotriage_binary(["./app"], cwd=d)
    finding = one(report, "BIN-LIBS-TOO-OLD")
    assert "GTT_2" in finding["title"] and proc.returncode == 1
    assert "gtt_new" in json.dumps(finding["evidence"])
    real = subprocess.run(["./app"], cwd=str(d), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert real.returncode != 0
    assert real.stderr.decode().strip() == finding["predicted_error"]


def test_rpm_names_the_installed_package_in_a_snapshot(tmp_path, library_programs):
    """On a snapshot of an rpm host, a missing library is looked up with rpm (replayed)."""
    with open(str(library_programs / "app"), "rb") as f:
        app = f.read()
    candidates = ["/lib64/libgtt.so.1", "/usr/lib64/libgtt.so.1",
                  "/lib/x86_64-linux-gnu/libgtt.so.1", "/usr/lib/x86_64-linux-gnu/libgtt.so.1"]
    paths = {p: {"stat": {"error": "ENOENT"}} for p in candidates}
    paths["/etc/ld.so.cache"] = {"read": {"error": "ENOENT"}}
    snap = make_snapshot(tmp_path / "snap", files={
        "/etc/os-release": open(os.path.join(DATA, "el", "rocky-8.4", "etc", "os-release")).read(),
        "/var/lib/rpm/Packages": b"\0" * 16, "/opt/app": app}, paths=paths,
        commands=[{"argv": ["rpm", "-q", "--whatprovides", "libgtt.so.1()(64bit)"],
                   "returncode": 0, "stdout": "gtt-libs-1.0-1.el8.x86_64\n", "stderr": ""}])
    proc, report = gotriage_binary(["/opt/app", "--root", str(snap)])
    finding = one(report, "BIN-LIBS-MISSING")
    assert "gtt-libs-1.0-1.el8.x86_64" in finding["title"]
    assert any(e["kind"] == "command" and e["argv"][:2] == ["rpm", "-q"] for e in finding["evidence"])


# -- damaged and odd input ----------------------------------------------------------------------
def test_cut_short_files(binaries, tmp_path):
    from gotriage.parsers.elf import parse_elf
    from gotriage.parsers.gobuildinfo import read_buildinfo

    with open(binaries["cgo"].path, "rb") as f:
        data = f.read()
    reader = lambda o, n: data[o:o + n]  # noqa: E731
    elf = parse_elf(reader, len(data))
    info = read_buildinfo(elf, reader)
    cuts = {"elf-header": 20, "program-headers": elf.phoff + 20,
            "dynamic": elf.dynamic_segment.offset + 40, "buildinfo": info.offset + 20}
    for where, cut in cuts.items():
        path = tmp_path / where
        path.write_bytes(data[:cut])
        os.chmod(str(path), 0o755)
        proc, report = gotriage_binary(["./" + where], cwd=tmp_path)
        assert proc.returncode == 1, where
        finding = one(report, "BIN-ELF-TRUNCATED")
        assert finding["severity"] == "error"
        if where in ("elf-header", "program-headers"):
            code, said = bash_message("./" + where, tmp_path)
            assert code == 126 and said == finding["predicted_error"], (where, said)
        else:
            # the kernel maps segments past the end of the file: a fault at start
            real = subprocess.run(["./" + where], cwd=str(tmp_path), stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT)
            assert real.returncode < 0, (where, real.returncode)
            assert "Segmentation fault" in finding["predicted_error"]


@pytest.mark.parametrize("name,content,severity", [
    ("empty", b"", "error"),
    ("garbage", bytes(range(256)) * 8, "error"),
    ("page.html", b"<!DOCTYPE html>\n<html><body>Not Found</body></html>\n", "error"),
    ("app.tar.gz", b"\x1f\x8b\x08\x00" + b"\0" * 60, "error"),
    ("wrapper.sh", b"#!/bin/sh\nexec /opt/app/real \"$@\"\n", "info"),
])
def test_not_elf(tmp_path, name, content, severity):
    (tmp_path / name).write_bytes(content)
    proc, report = gotriage_binary(["./" + name], cwd=tmp_path)
    finding = one(report, "BIN-ELF-NOT-ELF")
    assert finding["severity"] == severity
    assert proc.returncode == (1 if severity == "error" else 0)
    assert [r["id"] for r in report["results"]] == ["BIN-ELF-NOT-ELF"]
    if name == "page.html":
        assert "HTML page" in finding["title"]
    if name == "garbage":
        os.chmod(str(tmp_path / name), 0o755)
        code, said = bash_message("./garbage", tmp_path)
        assert said == finding["predicted_error"]


def test_unusable_paths_are_one_line_errors(tmp_path):
    (tmp_path / "dir").mkdir()
    proc = run_cli(["binary", str(tmp_path / "dir")])
    assert_one_line_error(proc, "is a directory")
    proc = run_cli(["binary", str(tmp_path / "missing"), "--json"])
    assert_one_line_error(proc, "no such file")
    proc = run_cli(["binary", "/dev/null"])
    assert_one_line_error(proc, "not a regular file")
    proc = run_cli(["binary", str(tmp_path / "dir"), "--target", "el99"])
    assert_one_line_error(proc, "el99")
    proc = run_cli(["binary", str(tmp_path / "dir"), "--target", "fedora"])
    assert_one_line_error(proc, "fedora")


def test_unreadable_file_as_nobody(binaries):
    need(shutil.which("setpriv") is not None, "setpriv (util-linux) to run as another user")
    need(os.getuid() == 0, "root, to run a command as nobody")
    import tempfile

    prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
    python = None
    for candidate in (sys.executable, "/usr/bin/python3"):
        if subprocess.run(prefix + [candidate, "-c", "pass"], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode == 0:
            python = candidate
            break
    need(python is not None, "a Python that user nobody can run")
    public = tempfile.mkdtemp(prefix="gotriage-test-")
    try:
        os.chmod(public, 0o755)
        secret = os.path.join(public, "app")
        shutil.copyfile(binaries["static"].path, secret)
        os.chmod(secret, 0o700)  # root's: nobody can stat it, not read it
        env = clean_env(PYTHONPATH=os.path.join(ROOT, "src"), HOME=public)
        proc = subprocess.run(prefix + [python, "-m", "gotriage", "binary", secret, "--json"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=public)
        assert_one_line_error(proc, "cannot read", "ermission denied")
    finally:
        shutil.rmtree(public, ignore_errors=True)


def test_huge_sparse_files_are_quick(binaries, tmp_path):
    zeros = tmp_path / "zeros"
    with open(str(zeros), "wb") as f:
        f.truncate(8 << 30)
    started = time.monotonic()
    proc, report = gotriage_binary([str(zeros)])
    assert one(report, "BIN-ELF-NOT-ELF")["severity"] == "error"
    padded = tmp_path / "padded"
    shutil.copyfile(binaries["static"].path, str(padded))
    os.chmod(str(padded), 0o755)
    with open(str(padded), "r+b") as f:
        f.truncate(8 << 30)
    proc, report = gotriage_binary([str(padded)])
    assert proc.returncode == 0 and one(report, "BIN-GO")["severity"] == "ok"
    assert time.monotonic() - started < (30 if IN_CI else 10)


# -- snapshots and the command line -------------------------------------------------------------
def test_el8_snapshot_falls_back_to_the_release_glibc(binaries, tmp_path):
    with open(os.path.join(DATA, "el", "rocky-8.4", "etc", "os-release")) as f:
        os_release = f.read()
    with open(binaries["cgo"].path, "rb") as f:
        app = f.read()
    snap = make_snapshot(tmp_path / "el8", files={"/etc/os-release": os_release,
                                                   "/usr/local/bin/app": app})
    proc, report = gotriage_binary(["/usr/local/bin/app", "--root", str(snap)])
    assert proc.returncode == 1
    assert report["layers"] == ["binary"] and report["host"]["origin"] == str(snap)
    finding = one(report, "BIN-GLIBC-TOO-OLD")
    assert finding["title"].endswith("this host has glibc 2.28")
    assert "Rocky Linux 8.4 ships glibc 2.28" in json.dumps(finding["evidence"])
    lines = finding["predicted_error"].splitlines()
    assert [LOADER_LINE.match(line).group("version") for line in lines] == ["GLIBC_2.32", "GLIBC_2.34"]
    assert lines[0].startswith("/usr/local/bin/app: /lib64/libc.so.6: version")
    # the snapshot records no uname, no loader, no libraries: said, not guessed
    assert not results(report, "BIN-INTERP-MISSING") and not results(report, "BIN-LIBS-MISSING")
    assert any("architecture is unknown" in n for n in report["notes"])
    proc = run_cli(["binary", "usr/local/bin/app", "--root", str(snap)])
    assert_one_line_error(proc, "absolute")
    proc = run_cli(["binary", "/usr/local/bin/nothere", "--root", str(snap)])
    assert_one_line_error(proc, "no such file")


def test_text_output_and_help(binaries, tmp_path):
    app = copy_to(binaries["cgo"], tmp_path, "app")
    proc = run_cli(["binary", "./app", "--target", "el8"], cwd=str(tmp_path))
    out = proc.stdout.decode()
    assert proc.returncode == 1 and proc.stderr == b""
    assert "Go binary" in out and "BIN-GLIBC-TOO-OLD" in out
    assert "you will see: ./app: /lib64/libc.so.6: version `GLIBC_2.32' not found" in out
    assert "A: env CGO_ENABLED=0 go build -o app ." in out
    proc = run_cli(["binary", "--help"])
    assert proc.returncode == 0 and b"--target" in proc.stdout
    proc = run_cli(["binary"])
    assert proc.returncode == 2 and b"usage:" in proc.stderr
    # the hand-written argument parser and argparse agree
    for args in (["--target=el8", "./app"], ["./app", "--fail-on", "error", "--target", "el8"],
                 ["-v", "./app", "--timeout=3", "--no-color", "--target", "el8"]):
        proc = run_cli(["binary"] + args, cwd=str(tmp_path))
        assert proc.returncode in (0, 1) and b"BIN-GLIBC" in proc.stdout, (args, proc.stderr)
    proc = run_cli(["binary", "./app", "--fail-on", "error", "--target", "el8"], cwd=str(tmp_path))
    assert proc.returncode == 1
    assert os.path.exists(str(app))


def test_json_encoder_writes_what_json_dumps_writes(binaries):
    """report/json_report.dumps (no json import) against json.dumps, on real reports."""
    from gotriage.binary import analyse_binary
    from gotriage.host.live import LiveHost
    from gotriage.report.json_report import dumps, to_dict
    from gotriage.runner import Report

    host = LiveHost()
    for name in ("cgo", "musl", "arm64", "notgo"):
        for target in ("host", "el7"):
            notes = []
            findings = analyse_binary(host, binaries[name].path, target, notes)
            doc = to_dict(Report(host, ["binary"], findings, notes))
            assert dumps(doc) == json.dumps(doc, indent=2)
    odd = {"a": [1.5, -0.0, 1e300, None, True, False, "\u2713\x00\"\\"], "b": {}, "c": []}
    assert dumps(odd) == json.dumps(odd, indent=2)


def test_checks_lists_the_binary_findings():
    proc = run_cli(["checks"])
    out = proc.stdout.decode()
    for finding_id in ("BIN-ELF", "BIN-GLIBC-TOO-OLD", "BIN-ARCH-WRONG", "BIN-INTERP-MISSING",
                       "BIN-LIBS-MISSING", "BIN-KERNEL-TOO-OLD", "BIN-ELF-NOT-ELF",
                       "BIN-ELF-TRUNCATED", "BIN-GO-NOT-GO"):
        assert finding_id in out
