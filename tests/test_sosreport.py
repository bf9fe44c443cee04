"""`check --root SOSREPORT` (host/sosreport.py, host/sos_commands.py, docs/sosreport.md).

Against the real thing: a sosreport made on this machine by Debian's sos (as root, the
plugins gotriage reads that Debian's sos has, bounded by a timeout and killed by its
process group), read by `check --root` as its .tar.xz and unpacked, and compared with
`check` live; the table of sos file names checked against the real sos's _mangle_command
and the real report's manifest, and against insights-core's sos_archive specs; an
EL-shaped sosreport (tests/data/sosreport, from tests/data/el and insights-core's samples:
tests/data/SOURCES.md); bad archives through the archive safety of host/archive.py.
"""

import importlib
import io
import json
import lzma
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile

import pytest

from cli_support import ROOT, run_cli
from conftest import need
from gotriage.host import sos_commands
from gotriage.host.base import HostError
from gotriage.host.snapshot import SnapshotError, open_snapshot

EL_FIXTURE = os.path.join(ROOT, "tests", "data", "sosreport", "el9-sos3")
# the plugins gotriage reads that Debian's sos 4.0 offers (it has no selinux, firewalld,
# rpm or dnf plugin): a full run takes minutes, these about 4 s
PLUGINS = "systemd,logs,kernel,process,networking,release,host,date"
SOS_TIMEOUT = 300


def _run_sos(tmp):
    proc = subprocess.Popen(
        ["sos", "report", "--batch", "--tmp-dir", tmp, "--only-plugins", PLUGINS],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=SOS_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # sos and every command it started
        proc.communicate()
        pytest.fail("sos report did not finish in %d s" % SOS_TIMEOUT)
    assert proc.returncode == 0, out.decode("utf-8", "replace")[-2000:]
    found = [n for n in os.listdir(tmp) if n.startswith("sosreport-") and n.endswith(".tar.xz")]
    assert len(found) == 1, os.listdir(tmp)
    return os.path.join(tmp, found[0])


@pytest.fixture(scope="module")
def real_report(tmp_path_factory):
    need(shutil.which("sos") is not None, "sos (Debian's sosreport package) is not installed")
    need(os.geteuid() == 0, "sos report runs as root")
    tmp = str(tmp_path_factory.mktemp("sos"))
    archive = _run_sos(tmp)
    unpacked = os.path.join(tmp, "unpacked")
    os.mkdir(unpacked)
    subprocess.run(["tar", "-xJf", archive, "-C", unpacked], check=True, timeout=120)
    return archive, unpacked


def _cli(args):
    """run_cli with stdout and stderr as text."""
    proc = run_cli(args)
    proc.stdout, proc.stderr = proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
    return proc


def _check_json(*args):
    proc = _cli(["check", "--json"] + list(args))
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def _check_json_of(args):
    proc = _cli(args + ["--json"])
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def _not_examined(doc):
    return {note.split(" ", 1)[0] for note in doc["notes"] if " not examined: " in note}


def _results(doc, checks):
    return sorted((r["id"], r["check"], r.get("subject")) for r in doc["results"]
                  if r["check"] in checks)


def test_check_root_reads_a_real_sosreport_as_live_check_reads_the_host(real_report):
    from gotriage.checks import LAYERS, all_checks

    archive, unpacked = real_report
    live = _check_json()
    every = {chk.id for chk in all_checks(LAYERS)}
    for root in (archive, unpacked):
        doc = _check_json("--root", root)
        assert doc["host"]["source"] == "snapshot" and doc["host"]["origin"] == root
        skipped = _not_examined(doc)
        # the layers a sosreport cannot tell, each check named with its reason
        for layer in ("toolchain", "packages", "service"):
            assert {c.id for c in all_checks((layer,))} - {
                c.id for c in all_checks((layer,)) if c.id.endswith("-INPUT")} <= skipped, layer
        # Debian's sos has no selinux or firewalld plugin: those layers are not examined
        assert {"SEL-MODE", "SEL-AVC", "FW-CONFIG"} <= skipped
        # (-INPUT: whether commands answered in time; a report's were answered by sos)
        covered = {c for c in every - skipped if not c.endswith("-INPUT")}
        assert "SYS-DISTRO" in covered and _results(live, covered)
        # what it covers, it finds as the live check does: the same ids and subjects
        assert _results(doc, covered) == _results(live, covered)
        assert not [r for r in doc["results"] if r["check"] in skipped]
    text = _cli(["check", "--root", archive])
    version = json.load(open(os.path.join(
        unpacked, os.listdir(unpacked)[0], "sos_reports", "manifest.json")))["version"]
    assert re.search(r"\(sosreport \(sos %s\) of %s, \d{4}-\d\d-\d\d \d\d:\d\d:\d\d, as root\)"
                     % (re.escape(version), re.escape(os.uname()[1])), text.stdout), text.stdout


def test_a_sosreport_in_gzip_bzip2_or_plain_tar_reads_as_its_xz(real_report, tmp_path):
    archive, _ = real_report
    with lzma.open(archive) as f:
        tar = f.read()
    want = _results(_check_json("--root", archive), {"SYS-DISTRO", "SYS-MODULES"})
    assert want
    import bz2
    import gzip

    for name, data in (("r.tar.gz", gzip.compress(tar)), ("r.tar.bz2", bz2.compress(tar)),
                       ("r.tar", tar)):
        path = tmp_path / name
        path.write_bytes(data)
        doc = _check_json("--root", str(path))
        assert _results(doc, {"SYS-DISTRO", "SYS-MODULES"}) == want, name
        assert "GO-INSTALL" in _not_examined(doc)


def test_the_table_names_the_files_the_real_sos_writes(real_report):
    _, unpacked = real_report
    top = os.path.join(unpacked, os.listdir(unpacked)[0])
    manifest = json.load(open(os.path.join(top, "sos_reports", "manifest.json")))
    written = {}
    for plugin in manifest["components"]["report"]["plugins"].values():
        for entry in plugin["commands"]:
            written[entry["exec"]] = entry["filepath"]
    # sos's own mangling (Debian's sos package), row by row
    code = ("import json, sys\nfrom sos.report.plugins import _mangle_command\n"
            "print(json.dumps([_mangle_command(c, 255) for c in json.load(sys.stdin)]))")
    commands = [row[1] for row in sos_commands.SOS_COMMANDS]
    proc = subprocess.run(["/usr/bin/python3", "-c", code], input=json.dumps(commands).encode(),
                          stdout=subprocess.PIPE, timeout=60, check=True)
    theirs = json.loads(proc.stdout.decode())
    assert [sos_commands.mangle_command(c) for c in commands] == theirs
    seen = 0
    for row in sos_commands.SOS_COMMANDS:
        if row[1] in written:  # what this run of sos wrote for that command
            assert written[row[1]] == sos_commands.output_path(row)
            seen += 1
    assert seen >= 3  # systemctl show-environment, list-units --failed, ip -o addr, uname -a


def test_every_row_answers_a_command_gotriage_declares():
    from gotriage.checks import LAYER_TABLE

    decls = []
    for layer in LAYER_TABLE:
        module = importlib.import_module(layer.inputs or "gotriage.inputs." + layer.name)
        decls.extend(d for d in module.INPUTS if d.kind == "command")
    for row in sos_commands.SOS_COMMANDS:
        words = row[0].split()
        forms = [words] + [[d + words[0]] + words[1:] for d in ("/usr/sbin/", "/usr/bin/")]
        assert any(d.matches(form) for d in decls for form in forms), row[0]
        assert sos_commands.lookup(forms[-1]) is row


# insights-core's name for the sos command, where its sos_archive specs read it too
INSIGHTS_SPECS = {"firewall-cmd --list-all-zones": "firewall_cmd_list_all_zones",
                  "uname -a": "uname"}


def test_the_table_agrees_with_insights_core_where_both_name_the_command():
    spec = pytest.importorskip("insights.specs.sos_archive")
    with open(spec.__file__) as f:
        text = f.read()
    paths = dict(re.findall(r'^\s+(\w+) = simple_file\("([^"]+)"\)', text, re.M))
    rows = {row[1]: row for row in sos_commands.SOS_COMMANDS}
    for command, name in INSIGHTS_SPECS.items():
        assert paths[name] == sos_commands.output_path(rows[command]), command
    # and no other spec of theirs reads a file of our table under another name's command
    ours = {sos_commands.output_path(row) for row in sos_commands.SOS_COMMANDS}
    assert {n for n, p in paths.items() if p in ours} == set(INSIGHTS_SPECS.values())


def test_an_el_sosreport_gives_its_selinux_firewall_and_release_and_no_false_finding():
    for root in (EL_FIXTURE, os.path.join(EL_FIXTURE, os.listdir(EL_FIXTURE)[0])):
        doc = _check_json("--root", root)
        ids = {r["id"]: r for r in doc["results"]}
        assert "Rocky Linux 9.3" in ids["SYS-DISTRO"]["title"]
        assert ids["SEL-MODE"]["severity"] == "ok" and "enforcing" in ids["SEL-MODE"]["title"]
        assert not [r for r in doc["results"] if r["severity"] in ("error", "warn")]
        skipped = _not_examined(doc)
        # no audit log, no policy store, no /usr/lib/firewalld in it
        assert {"SEL-AVC", "SEL-PERMISSIVE", "FW-CONFIG", "GO-INSTALL", "PKG-REPOS"} <= skipped
    proc = _cli(["check", "--root", EL_FIXTURE])
    assert "(sosreport (sos 3.9) of vm-123, date unknown, as root)" in proc.stdout


def test_port_and_service_on_a_sosreport_say_what_they_cannot_tell(real_report):
    archive, unpacked = real_report
    for root in (EL_FIXTURE, unpacked):
        doc = _check_json_of(["port", "8080", "--root", root])
        assert not [r for r in doc["results"] if r["severity"] != "ok"], doc["results"]
        assert "FW-CONFIG" in _not_examined(doc)
    doc = _check_json_of(["service", "ssh.service", "--root", unpacked])
    assert not doc["results"] and {"SVC-UNIT", "SVC-EXEC"} <= _not_examined(doc)


def test_commands_are_answered_from_the_table_and_the_rest_not_recorded():
    host = open_snapshot(EL_FIXTURE)
    try:
        zones = host.run(["firewall-cmd", "--list-all-zones"])
        assert zones.ok and zones.text.startswith("public (active)")
        assert host.run(["/usr/sbin/getenforce"]).text == "Enforcing\n"
        assert host.run(["uname", "-m"]).text == "x86_64\n"
        for argv in (["nft", "-j", "list", "ruleset"], ["getsebool", "-a"], ["uname", "-r"]):
            assert host.run(argv).error == "not-recorded", argv
        assert host.read("/sys/fs/selinux/enforce") == b"1"
        err = pytest.raises(HostError, host.read, "/usr/lib/firewalld/zones/public.xml").value
        assert err.unrecorded and err.missing  # not in the report: unknown, not missing
    finally:
        host.close()


def test_links_are_resolved_inside_the_report_and_never_written(real_report, tmp_path):
    archive, unpacked = real_report
    top = os.listdir(unpacked)[0]
    host = open_snapshot(archive)
    try:
        assert host.directory.startswith("/") and not [
            p for p, _, files in os.walk(host.directory) for f in files
            if os.path.islink(os.path.join(p, f))]
        with open(os.path.join(unpacked, top, "usr", "lib", "os-release"), "rb") as f:
            assert host.read("/etc/os-release") == f.read()  # etc/os-release -> ../usr/lib/...
        assert host.lstat("/etc/os-release").is_link
        assert host.readlink("/etc/os-release") == "../usr/lib/os-release"
        assert host.realpath("/etc/os-release") == "/usr/lib/os-release"
    finally:
        host.close()
    assert not os.path.exists(host.directory)


def _tar_xz(path, members):
    """A .tar.xz of (name, data or ('link', target)) members."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            if isinstance(data, tuple):
                info.type, info.linkname = tarfile.SYMTYPE, data[1]
                tar.addfile(info)
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    with open(path, "wb") as f:
        f.write(lzma.compress(raw.getvalue()))


SOS_SHAPE = [("sosreport-h-1/version.txt", b"sosreport: 3.9\n"),
             ("sosreport-h-1/sos_commands/host/hostname", b"h\n")]


def _one_line_error(root):
    proc = _cli(["check", "--root", root])
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("gotriage: error: ") and proc.stderr.count("\n") == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc.stderr


def test_bad_sosreports_are_one_line_errors(real_report, tmp_path):
    archive, _ = real_report
    with open(archive, "rb") as f:
        data = f.read()
    truncated = tmp_path / "sosreport-cut.tar.xz"
    truncated.write_bytes(data[:len(data) // 2])
    assert "truncated archive" in _one_line_error(str(truncated))
    escape = tmp_path / "sosreport-escape.tar.xz"
    _tar_xz(str(escape), SOS_SHAPE + [("sosreport-h-1/../../etc/cron.d/x", b"evil\n")])
    assert "would escape the snapshot: refused" in _one_line_error(str(escape))
    hard = tmp_path / "sosreport-dev.tar.xz"
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        for name, payload in SOS_SHAPE:
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
        info = tarfile.TarInfo("sosreport-h-1/etc/shadow")
        info.type, info.linkname = tarfile.LNKTYPE, "/etc/shadow"
        tar.addfile(info)
    hard.write_bytes(lzma.compress(raw.getvalue()))
    assert "is a link: refused" in _one_line_error(str(hard))
    neither = tmp_path / "neither"
    (neither / "etc").mkdir(parents=True)
    (neither / "etc" / "os-release").write_text("ID=rocky\n")
    assert "nor a sosreport" in _one_line_error(str(neither))
    linked = tmp_path / "links.tar.xz"  # a symlink outside a sosreport: refused as before
    _tar_xz(str(linked), [("x/etc/os-release", ("link", "/etc/os-release"))])
    assert "is a link: refused" in _one_line_error(str(linked))


def test_a_link_that_leads_out_of_the_report_is_not_recorded(tmp_path):
    archive = tmp_path / "sosreport-out.tar.xz"
    _tar_xz(str(archive), SOS_SHAPE + [
        ("sosreport-h-1/etc/passwd", ("link", "../../../../../../etc/passwd")),
        ("sosreport-h-1/etc/group", ("link", "/etc/../../group")),
        ("sosreport-h-1/etc/loop", ("link", "loop")),
    ])
    host = open_snapshot(str(archive))
    try:
        for path in ("/etc/passwd", "/etc/group", "/etc/loop"):
            with pytest.raises(HostError) as err:
                host.read(path)
            assert err.value.unrecorded, path
        assert host.hostname() == "h"
    finally:
        host.close()


def test_a_directory_that_is_no_sosreport_is_refused_by_the_host_too(tmp_path):
    with pytest.raises(SnapshotError) as err:
        open_snapshot(str(tmp_path))
    assert "nor a sosreport" in str(err.value)


def test_docs_list_every_row_and_every_check_not_examined():
    from gotriage.host.sosreport import NOT_EXAMINED, REQUIRES

    with open(os.path.join(ROOT, "docs", "sosreport.md")) as f:
        text = f.read()
    table = [line for line in text.splitlines() if line.startswith("| `")]
    for row in sos_commands.SOS_COMMANDS:
        assert any(line.startswith("| `%s` |" % row[0]) and "`%s`" % sos_commands.output_path(row)
                   in line for line in table), row[0]
    assert len(table) == len(sos_commands.SOS_COMMANDS)
    for name in list(NOT_EXAMINED) + list(REQUIRES):
        assert re.search(r"^\| [^|]*\b%s\b" % re.escape(name), text, re.M), name


def test_the_table_s_functions_answer_their_real_samples():
    import doctest

    results = doctest.testmod(sos_commands)
    assert results.attempted >= 10 and not results.failed


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))
