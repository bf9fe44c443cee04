"""gotriage avc and the SELinux layer on real audit logs (tests/data/selinux, sources in
tests/data/SOURCES.md): each analyzer on a real denial, bad input counted and reported,
the state checks on hand-built snapshots."""

import gzip
import itertools
import json
import os

import pytest

from cli_support import schema_errors
from conftest import DATA, make_snapshot, run_gotriage
from gotriage.host.live import LiveHost
from gotriage.parsers import audit
from gotriage.report.json_report import SCHEMA_VERSION
from gotriage.selinux import logread

SEL = os.path.join(DATA, "selinux")


def _log(name):
    with open(os.path.join(SEL, name), "rb") as f:
        return f.read()


def host_snapshot(tmp_path, log=b"", mode="1", config_mode="enforcing", booleans=None,
                  extra=None, paths=None, name="snap"):
    """A RHEL-like host: enforcing targeted policy, the reference policy's file contexts
    (the real file semodule writes), booleans as /sys/fs/selinux shows them."""
    files = {
        "/etc/selinux/config": "SELINUX=%s\nSELINUXTYPE=targeted\n" % config_mode,
        "/sys/fs/selinux/enforce": mode,
        "/etc/selinux/targeted/contexts/files/file_contexts": _log("refpolicy-file_contexts"),
        "/etc/selinux/targeted/contexts/files/file_contexts.homedirs":
            _log("refpolicy-file_contexts.homedirs"),
        "/var/log/audit/audit.log": log,
    }
    for bname, value in (booleans if booleans is not None else {
            "deny_execmem": "0 0", "selinuxuser_execmod": "0 0", "httpd_can_network_connect": "0 0",
            "httpd_execmem": "0 0", "domain_can_mmap_files": "0 0"}).items():
        files["/sys/fs/selinux/booleans/" + bname] = value
    files.update(extra or {})
    return make_snapshot(tmp_path / name, files=files, paths=paths)


def avc_json(args):
    """avc's own detail (the report's `avc` object) of `gotriage avc --json ARGS`, whose
    whole document is checked against the report schema first."""
    run = run_gotriage(["avc", "--json"] + list(args))
    assert run.returncode in (0, 1), run.stderr
    assert "Traceback" not in run.stderr
    report = run.json
    assert not schema_errors(report), schema_errors(report)
    assert report["summary"]["exit_code"] == run.returncode
    return report["avc"]


def best(report, **match):
    for d in report["denials"]:
        if all(d.get(k) == v for k, v in match.items()):
            return d["explanations"][0]
    raise AssertionError("no denial %r in %r" % (match, [d["tcontext"] for d in report["denials"]]))


def commands(explanation):
    return [a["shell"] for a in explanation["fix"] if a["kind"] == "command"]


# -- analyzers, each on a real log ------------------------------------------------------------
def test_go_binary_moved_from_home_is_relabelled_not_allowed(tmp_path):
    snap = host_snapshot(tmp_path, _log("go-home-exec.log"))
    report = avc_json(["--root", str(snap)])
    ex = best(report, tclass="file")
    assert ex["id"] == "SEL-AVC-EXEC-LABEL"
    assert commands(ex) == ["restorecon -v /usr/local/bin/goapi"]
    assert "status=203/EXEC" in ex["predicted_error"]
    assert "allow init_t user_home_t:file execute;" in ex["why"]  # what audit2allow would do
    assert ex["confidence"] == "high"


def test_go_binary_in_custom_directory_gets_a_file_context(tmp_path):
    snap = host_snapshot(tmp_path, _log("go-tmp-exec.log"))
    ex = best(avc_json(["--root", str(snap)]), tclass="file")
    assert ex["id"] == "SEL-AVC-EXEC-LABEL"
    assert commands(ex) == ["semanage fcontext -a -t bin_t '/srv/orders(/.*)?'",
                            "restorecon -Rv /srv/orders"]


def test_go_binary_without_path_record_says_how_to_find_it(tmp_path):
    snap = host_snapshot(tmp_path, _log("go-service-denials.log"))
    report = avc_json(["--root", str(snap)])
    ex = best(report, tclass="file")
    assert ex["id"] == "SEL-AVC-EXEC-LABEL" and ex["confidence"] == "medium"
    # a real command with the denial's inode and name, no placeholder to fill in
    assert commands(ex)[0].startswith("find / -xdev -inum 1234 -name ")


def test_port_of_another_service_is_never_retyped(tmp_path):
    """8080 is http_cache_port_t (squid's): `semanage port -m` would take it from squid.
    The fix is a module allowing httpd_t exactly that, run on the same snapshot."""
    snap = host_snapshot(tmp_path, _log("go-8080.log"))
    report = avc_json(["--root", str(snap)])
    ex = best(report, tclass="tcp_socket")
    assert ex["id"] == "SEL-AVC-PORT" and ex["module"] is True
    assert commands(ex) == ["gotriage avc --root %s --module gotriage_local" % snap]
    assert "http_cache_port_t" in ex["title"] and "do not retype" in ex["title"]
    assert not [c for d in report["denials"] for e in d["explanations"] for c in commands(e)
                if c.startswith("semanage port")]
    # and `gotriage avc --module` writes exactly that rule
    run = run_gotriage(["avc", "--root", str(snap), "--module", "gotriage_local"], cwd=str(tmp_path))
    assert "allow httpd_t http_cache_port_t:tcp_socket name_bind;" in \
        (tmp_path / "gotriage_local.te").read_text(), run.stdout


SEMANAGE_PORTS = """\
SELinux Port Type              Proto    Port Number

http_cache_port_t              tcp      3128, 8080, 8118, 10001-10010
http_port_t                    tcp      80, 443, 488, 8008, 8009, 8443, 8448
postgresql_port_t              tcp      5432
"""


def _semanage_snapshot(tmp_path, local):
    """A host whose semanage answered `port -l` and `port -l -C` (`local`: its local
    customisations, in semanage's format)."""
    snap = host_snapshot(tmp_path, _log("go-8080.log"), name="semanage-" + str(bool(local)),
                         paths={"/usr/sbin/semanage": {"stat": {"mode": 0o100755}}})
    for number, (args, out) in enumerate(((["port", "-l"], SEMANAGE_PORTS),
                                          (["port", "-l", "-C"], local)), 1):
        (snap / "commands").mkdir(exist_ok=True)
        (snap / "commands" / ("%04d.json" % number)).write_text(json.dumps(
            {"argv": ["/usr/sbin/semanage"] + args, "returncode": 0, "stdout": out}))
    return snap


def test_a_port_the_user_labelled_may_be_relabelled(tmp_path):
    """-m only for the user's own label (`semanage port -l -C` lists it)."""
    own = _semanage_snapshot(tmp_path, "SELinux Port Type              Proto    Port Number\n\n"
                                       "http_cache_port_t              tcp      8080\n")
    ex = best(avc_json(["--root", str(own)]), tclass="tcp_socket")
    assert commands(ex) == ["semanage port -m -t http_port_t -p tcp 8080"]
    assert any("your own" in n for n in ex["notes"])
    theirs = _semanage_snapshot(tmp_path, "")
    ex = best(avc_json(["--root", str(theirs)]), tclass="tcp_socket")
    assert ex["module"] is True and not any("semanage port" in c for c in commands(ex))


def test_the_ports_the_user_labelled_are_read_from_the_policy_store(tmp_path):
    """The store's ports.local (written by the real `semanage port -a/-m`, with what `semanage
    port -l -C` printed of it: tests/data/selinux/ports-local) answers as semanage does,
    and semanage is not asked; a store without the file has no labels of the user's."""
    from gotriage.facts.selinux import parse_semanage_ports
    from gotriage.parsers.ports_local import parse_ports_local

    recorded = os.path.join(DATA, "selinux", "ports-local")
    with open(os.path.join(recorded, "ports.local")) as f:
        ports_local = f.read()
    with open(os.path.join(recorded, "semanage-port-l-C.txt")) as f:
        assert parse_ports_local(ports_local) == parse_semanage_ports(f.read())
    assert (9101, "tcp") in parse_ports_local(ports_local)  # a range: `9100 - 9102`
    store = "/var/lib/selinux/targeted/active/"
    own = host_snapshot(tmp_path, _log("go-8080.log"), name="store-own", extra={
        store + "ports.local": ports_local.replace("tcp 8888", "tcp 8080").replace(
            "http_port_t:s0\n", "http_cache_port_t:s0\n", 1),
        store + "modules/400/base/cil": ""},
        paths={"/usr/sbin/semanage": {"stat": {"mode": 0o100755}}})
    (own / "commands").mkdir()
    (own / "commands" / "0001.json").write_text(json.dumps(
        {"argv": ["/usr/sbin/semanage", "port", "-l"], "returncode": 0, "stdout": SEMANAGE_PORTS}))
    report = avc_json(["--root", str(own)])
    ex = best(report, tclass="tcp_socket")
    assert commands(ex) == ["semanage port -m -t http_port_t -p tcp 8080"]
    assert any("your own" in n for n in ex["notes"])
    os.remove(str(own / "files" / store.lstrip("/") / "ports.local"))
    ex = best(avc_json(["--root", str(own)]), tclass="tcp_socket")
    assert ex["module"] is True and not any("semanage port" in c for c in commands(ex))


def test_setroubleshoot_bind_ports(tmp_path):
    snap = host_snapshot(tmp_path, _log("bind_ports.log"))
    ex = best(avc_json(["--root", str(snap)]), tclass="tcp_socket")
    assert commands(ex) == ["semanage port -a -t http_port_t -p tcp 81"]


def test_setroubleshoot_connect_ports(tmp_path):
    snap = host_snapshot(tmp_path, _log("connect_ports.log"))
    ex = best(avc_json(["--root", str(snap)]), tclass="tcp_socket")
    assert ex["id"] == "SEL-AVC-PORT"
    assert commands(ex) == ["semanage port -a -t smbd_port_t -p tcp 81"]


def test_setroubleshoot_restorecon(tmp_path):
    snap = host_snapshot(tmp_path, _log("restorecon.log"))
    ex = best(avc_json(["--root", str(snap)]), tclass="file")
    assert ex["id"] == "SEL-AVC-FILE-LABEL"
    assert commands(ex) == ["restorecon -v /opt/real/RealPlayer/mozilla/nphelix.so"]
    assert "lib_t" in ex["title"]


def test_setroubleshoot_allow_execmod_label_first_then_real_boolean(tmp_path):
    """The policy labels /usr/lib/libGL.so.1.2 textrel_shlib_t already: restorecon.  The
    boolean (every user domain may execmod) comes last, after the module, with its caution."""
    snap = host_snapshot(tmp_path, _log("allow_execmod.log"))
    report = avc_json(["--root", str(snap)])
    explanations = report["denials"][0]["explanations"]
    assert [e["analyzer"] for e in explanations] == ["textrel_label", "boolean"]
    assert commands(explanations[0]) == ["restorecon -v /usr/lib/libGL.so.1.2"]
    assert "should be textrel_shlib_t" in explanations[0]["title"]
    assert commands(explanations[1]) == ["setsebool -P selinuxuser_execmod on"]
    assert "now off" in explanations[1]["title"] and explanations[1]["host_wide"]
    assert explanations[1]["fix"][0]["safe"] is False
    assert "affects the whole host" in explanations[1]["fix"][0]["description"]
    assert any("not a boolean" in n for n in explanations[0]["notes"])


def _process_explanations(report):
    for d in report["denials"]:
        if d["tclass"] == "process":
            return d["explanations"]
    raise AssertionError("no process denial")


def test_execmem_boolean_uses_the_hosts_names_and_value(tmp_path):
    """deny_execmem and allow_execmem change every domain: offered after the module that
    allows only this service execmem, marked as affecting the whole host."""
    log = _log("go-service-denials.log")
    rhel = _process_explanations(avc_json(["--root", str(host_snapshot(tmp_path, log, booleans={
        "deny_execmem": "1 1"}, name="rhel"))]))
    assert [e["analyzer"] for e in rhel] == ["module", "boolean"]
    assert commands(rhel[1]) == ["setsebool -P deny_execmem off"] and "now on" in rhel[1]["title"]
    assert rhel[1]["host_wide"] and "affects the whole host" in rhel[1]["title"]
    assert any("go_execmem" in n for n in rhel[1]["notes"])
    ref = _process_explanations(avc_json(["--root", str(host_snapshot(tmp_path, log, booleans={
        "allow_execmem": "0 0"}, name="ref"))]))
    assert [commands(e) for e in ref][1:] == [["setsebool -P allow_execmem on"]]
    assert ref[0]["id"] == "SEL-AVC-MODULE"


def test_module_when_nothing_narrower_fixes_it(tmp_path):
    # deny_execmem is already off, so no boolean explains this execmem
    snap = host_snapshot(tmp_path, _log("go-socket-module.log"))
    report = avc_json(["--root", str(snap)])
    assert best(report, tclass="process")["id"] == "SEL-AVC-MODULE"


def test_module_files_and_commands(tmp_path):
    snap = host_snapshot(tmp_path, _log("go-socket-module.log") + _log("go-tmp-exec.log"))
    run = run_gotriage(["avc", "--root", str(snap), "--module", "goapi_local"], cwd=str(tmp_path))
    assert run.returncode == 1, run.stderr
    te = (tmp_path / "goapi_local.te").read_text()
    assert "allow unconfined_service_t self:process execmem;" in te
    assert "allow unconfined_service_t var_run_t:sock_file write;" in te
    assert "user_tmp_t" not in te  # the label fix is narrower: not in the module
    assert (tmp_path / "goapi_local.fc").read_text() == "/srv/orders(/.*)?\tsystem_u:object_r:bin_t:s0\n"
    assert "checkmodule -M -m -o goapi_local.mod goapi_local.te" in run.stdout
    assert "semodule_package -o goapi_local.pp -m goapi_local.mod -f goapi_local.fc" in run.stdout
    assert "semodule -i goapi_local.pp" in run.stdout


def test_module_name_must_be_valid():
    run = run_gotriage(["avc", os.path.join(SEL, "bind_ports.log"), "--module", "t1"])
    assert run.returncode == 2 and "module names" in run.stderr


# -- reading the log ----------------------------------------------------------------------------
def test_events_in_any_order_hex_fields_and_enriched_tails():
    result = logread.scan(LiveHost(), [os.path.join(SEL, "sample-1mb.log")])
    truth = {}
    with open(os.path.join(SEL, "sample-1mb.truth.tsv")) as f:
        for line in f:
            serial, scon, tcon, tclass, perms = line.rstrip("\n").split("\t")
            key = (scon, tcon, tclass)
            truth[key] = truth.get(key, 0) + 1
    assert result.avc_records == 290
    assert result.unrecognized == 0 and result.bad_avc == 0
    seen = {}
    for d in result.distinct():
        key = (d.scontext, d.tcontext, d.tclass)
        seen[key] = seen.get(key, 0) + d.count
    assert seen == truth


def test_records_grouped_by_event_across_interleaving_and_old_formats():
    result = logread.scan(LiveHost(), [os.path.join(SEL, "audit2allow-test.log")])
    by_comm = {d.comm: d for d in result.distinct()}
    assert by_comm["httpd"].exe in ("/usr/sbin/httpd", "/usr/sbin/smbd")
    assert by_comm["automount"].path == "/etc/auto.net"  # PATH record glued to CWD
    assert by_comm["qemu-kvm"].exe == "/usr/bin/qemu-kvm"  # SYSCALL glued after the AVC
    assert by_comm["npviewer.bin"].path == "/opt/real/RealPlayer/mozilla/nphelix.so"


def test_user_avc_dbus_and_mls_contexts():
    result = logread.scan(LiveHost(), [os.path.join(SEL, "sepolgen-httpd.log")])
    assert result.user_avc_records == 3335  # plus 1 "received policyload notice"
    assert result.notices == 1 and result.bad_avc == 0
    dbus = [d for d in result.distinct() if d.kind == "USER_AVC"]
    assert dbus and all(d.tclass == "dbus" and d.exe == "/bin/dbus-daemon" for d in dbus)
    assert ("staff_r", "staff_userhelper_t") in result.role_types


def test_hex_proctitle_and_sockaddr():
    fields = audit.parse_fields('proctitle=2F7573722F6C6F63616C2F62696E2F676F617069002D2D6C697374656E comm="a b"')
    assert fields["proctitle"] == "/usr/local/bin/goapi --listen" and fields["comm"] == "a b"
    assert audit.parse_sockaddr({"saddr": "02001F95000000000000000000000000"}) == ("inet", "0.0.0.0", 8085)
    assert audit.split_context("staff_u:staff_r:staff_t:s0-s0:c0.c1023") == (
        "staff_u", "staff_r", "staff_t", "s0-s0:c0.c1023")


def test_dedup_counts_first_and_last_seen():
    line = ('type=AVC msg=audit(17000000%02d.000:%d): avc:  denied  { read } for  pid=%d comm="goapi" '
            'name="cfg" dev="dm-0" ino=7 scontext=system_u:system_r:httpd_t:s0 '
            'tcontext=unconfined_u:object_r:user_home_t:s0 tclass=file permissive=0\n')
    data = "".join(line % (i, i, 100 + i) for i in range(10, 40)).encode()
    scanner = audit.Scanner()
    scanner.start_file("x")
    for i in range(0, len(data), 97):  # chunks that cut lines anywhere
        scanner.feed(data[i:i + 97])
    scanner.finish()
    (d,) = scanner.result.distinct()
    assert d.count == 30 and d.first == 1700000010.0 and d.last == 1700000039.0
    assert d.where == ("x", 0) and scanner.result.bytes == len(data)
    assert (scanner.result.first, scanner.result.last) == (d.first, d.last)


def _scan_summary(data, chunk, general=False):
    scanner = audit.Scanner()
    if general:  # every region read the general way (bytes.find for each avc:)
        scanner._process = scanner._process_general
    scanner.start_file("mixed.log")
    for i in range(0, len(data), chunk):
        scanner.feed(data[i:i + chunk])
    scanner.finish()
    res = scanner.result
    denials = [(d.key, d.count, d.first, d.last, d.where, d.lines, sorted(d.permissive),
                sorted(d.nodes)) for d in res.distinct()]
    return (denials, res.to_dict(), sorted((k, sorted(v)) for k, v in res.rules.items()),
            sorted(res.role_types.items()), res.first, res.last)


def test_fast_path_chunking_and_general_reading_agree():
    """The same bytes give the same result whatever the chunk size (the in-place and the
    joined buffering) and when every region is read the general way: counts, first/last
    seen, byte offsets, evidence, samples."""
    glued = (b'type=SYSCALL msg=audit(1718000600.1:90): arch=c000003e syscall=59 succtype=AVC '
             b'msg=audit(1718000600.2:91): avc:  denied  { execute } for  pid=9 comm="goapi" '
             b'name="goapi" dev="dm-0" ino=5 scontext=system_u:system_r:init_t:s0 '
             b'tcontext=unconfined_u:object_r:user_tmp_t:s0 tclass=file permissive=0\n')
    syslog = (b'Jun 10 10:00:00 web1 kernel: type=1400 audit(1718000700.5:95): avc:  denied  '
              b'{ name_bind } for  pid=7 comm="goapi" src=8081 scontext=system_u:system_r:httpd_t:s0 '
              b'tcontext=system_u:object_r:unreserved_port_t:s0 tclass=tcp_socket permissive=1\n')
    # a plain denial with another glued after it (two denials on one line)
    two = (b'type=AVC msg=audit(1718000650.1:93): avc:  denied  { read } for  pid=9 comm="goapi" '
           b'name="cfg" dev="dm-0" ino=6 scontext=system_u:system_r:httpd_t:s0 '
           b'tcontext=system_u:object_r:goapi_conf_t:s0 tclass=file permissive=0 type=AVC '
           b'msg=audit(1718000650.2:94): avc:  denied  { write } for  pid=9 comm="goapi" '
           b'name="cfg" dev="dm-0" ino=6 scontext=system_u:system_r:httpd_t:s0 '
           b'tcontext=system_u:object_r:goapi_conf_t:s0 tclass=file permissive=0\n')
    parts = [_log("sample-1mb.log"), _log("sepolgen-httpd.log"), glued, two, _log("audit2allow-test.log"),
             b"garbage \x00\xff line\n", syslog, _log("go-home-exec.log"), _log("sepolgen-audit.log")]
    data = b"".join(parts) * 2
    reference = _scan_summary(data, 1 << 20)
    assert reference[1]["glued_records"] == 4 and reference[1]["unrecognized_lines"] == 2
    rules = dict(reference[2])
    assert rules[("httpd_t", "goapi_conf_t", "file")] == ["read", "write"]
    assert reference[1]["denial_records"] > 3000
    for chunk in (64 * 1024 + 7, 200 * 1024, 7 * 1024 + 3):
        assert _scan_summary(data, chunk) == reference, chunk
    assert _scan_summary(data, 1 << 20, general=True) == reference
    for d in reference[0]:
        path, offset = d[4]
        assert data[offset:].split(b"\n", 1)[0].decode("utf-8", "replace")[:2000] == d[5][0] or \
            d[5][0] in data[offset:offset + 4200].decode("utf-8", "replace")


def test_denial_count_equals_bytes_count_on_every_region():
    """_count_denied (memchr on the `{` of DENIED) is bytes.count(DENIED) exactly: for
    regions that cut a denial at either end, and for a region with so many other braces
    that it falls back to bytes.count; a denial glued into such a region is still read."""
    data = _log("sepolgen-httpd.log") + _log("go-home-exec.log") + _log("sample-1mb.log")[:200000]
    total = data.count(audit.DENIED)
    assert total > 100
    first = data.find(audit.DENIED)
    for start, limit in ((0, len(data)), (first, len(data)), (first + 1, len(data)),
                         (0, first + len(audit.DENIED)), (0, first + len(audit.DENIED) - 1),
                         (first + 3, first + 900), (len(data) // 3, len(data) // 2)):
        assert audit._count_denied(data, start, limit, 0) == data.count(audit.DENIED, start, limit)
    braces = b"type=EXECVE msg=audit(1718000600.1:1): argc=2 a0=\"jq\" a1=\"{.a}{.b}{}\"\n" * 400
    assert audit._count_denied(braces + data, 0, len(braces) + len(data), 0) == total
    glued = (b'type=PATH msg=audit(1718000600.1:90): item=0 name="{x}" natype=AVC '
             b'msg=audit(1718000600.2:91): avc:  denied  { execute } for  pid=9 comm="goapi" '
             b'name="goapi" dev="dm-0" ino=5 scontext=system_u:system_r:init_t:s0 '
             b'tcontext=unconfined_u:object_r:user_tmp_t:s0 tclass=file permissive=0\n')
    summary = _scan_summary(braces + glued + braces, 1 << 20)
    assert summary[1]["denial_records"] == 1 and summary[1]["glued_records"] == 1


def test_each_port_is_its_own_denial(tmp_path):
    """The same service denied binding two unlabelled ports: two denials, a semanage port
    command for each port (merged, the second port would have no fix)."""
    def on_port(port, serial, stamp):
        return (_log("go-8080.log").replace(b"8080", b"%d" % port)
                .replace(b"0A001F90", b"0A00%04X" % port).replace(b":4630)", b":%d)" % serial)
                .replace(b"1718000200.502", stamp).replace(b"http_cache_port_t", b"unreserved_port_t"))
    log = tmp_path / "two-ports.log"
    log.write_bytes(on_port(9443, 4700, b"1718000260.100") + on_port(9444, 4701, b"1718000261.100")
                    + on_port(9443, 4702, b"1718000262.100"))
    report = avc_json([str(log)])
    assert sorted((d["port"], d["count"]) for d in report["denials"]) == [(9443, 2), (9444, 1)]
    for port in (9443, 9444):
        assert "semanage port -a -t http_port_t -p tcp %d" % port in commands(best(report, port=port))


def test_since_skips_older_denials():
    log = os.path.join(SEL, "go-service-denials.log")
    run = run_gotriage(["avc", log, "--since", "1700000001", "--json"])
    report = run.json["avc"]
    assert len(report["denials"]) == 2 and report["scan"]["older_than_since"] == 1


def test_rotations_and_gzip_oldest_first(tmp_path):
    one = _log("bind_ports.log")
    two = _log("connect_ports.log")
    snap = host_snapshot(tmp_path, _log("go-8080.log"), extra={
        "/var/log/audit/audit.log.1": two,
        "/var/log/audit/audit.log.2.gz": gzip.compress(one[:200]) + gzip.compress(one[200:]),
    })
    report = avc_json(["--root", str(snap)])
    assert [f["path"] for f in report["scan"]["files"]] == [
        "/var/log/audit/audit.log.2.gz", "/var/log/audit/audit.log.1", "/var/log/audit/audit.log"]
    assert len(report["denials"]) == 3


# -- bad input ---------------------------------------------------------------------------------
def test_garbage_truncated_and_stray_separator_are_counted(tmp_path):
    good = _log("go-8080.log")
    stray = (b'type=AVC msg=audit(1718000400.1:9): avc:  denied  { read } for  pid=1 comm="x" '
             b'scontext=system_u:system_r:httpd_t:s0\x1d tcontext=system_u:object_r:var_t:s0 '
             b'tclass=file permissive=0\x1dUID="root"\n')
    truncated = b'type=AVC msg=audit(1718000401.1:10): avc:  denied  { read } for  pid=1 comm="x" sco\n'
    garbage = bytes(bytearray(range(256))) * 40 + b"\n\x00\xff\xfe junk\n"
    snap = host_snapshot(tmp_path, garbage + good + stray + truncated + b"type=SYSCALL msg=audit(1")
    run = run_gotriage(["avc", "--root", str(snap), "--json"])
    assert run.returncode == 1 and "Traceback" not in run.stderr
    scan = run.json["avc"]["scan"]
    assert scan["unrecognized_lines"] >= 2
    assert scan["unparsed_avc_records"] == 1
    assert scan["stray_separator_records"] == 1
    assert len(run.json["avc"]["denials"]) == 2  # the 8080 denial and the stray-0x1D one, read whole
    text = run_gotriage(["avc", "--root", str(snap)]).stdout
    assert "are not audit records" in text and "could not be parsed" in text


def test_empty_logs_and_a_truncated_gzip(tmp_path):
    """An empty audit.log (what rotation leaves) and an empty rotation are read as empty,
    promptly; a gzip rotation cut short is an error for that file, the others are read."""
    cut = gzip.compress(_log("bind_ports.log"))
    snap = host_snapshot(tmp_path, b"", extra={
        "/var/log/audit/audit.log.1": b"",
        "/var/log/audit/audit.log.2.gz": cut[:len(cut) // 2],
        "/var/log/audit/audit.log.3.gz": gzip.compress(b""),
    })
    run = run_gotriage(["avc", "--root", str(snap), "--json"], timeout=30)
    assert "Traceback" not in run.stderr
    files = {f["path"]: f for f in run.json["avc"]["scan"]["files"]}
    assert files["/var/log/audit/audit.log"]["bytes"] == 0 and "error" not in files["/var/log/audit/audit.log"]
    assert files["/var/log/audit/audit.log.1"]["bytes"] == 0
    assert files["/var/log/audit/audit.log.3.gz"]["bytes"] == 0
    bad = files["/var/log/audit/audit.log.2.gz"]
    assert bad["error"] == "EBADGZ" and "end-of-stream" in bad["message"]
    check = run_gotriage(["check", "--root", str(host_snapshot(tmp_path, b"", name="s2")),
                          "--layer", "selinux", "--json"], timeout=30)
    assert check.returncode in (0, 1) and "Traceback" not in check.stderr


def test_rare_records_beside_avcs_and_aggregated_node_logs():
    """SELINUX_ERR, MAC_POLICY_LOAD and failed SERVICE_START records are found in plain
    logs and in node=-prefixed (aggregated) ones alike, and the AVCs are the same."""
    plain = (_log("go-home-exec.log")
             + b"type=MAC_POLICY_LOAD msg=audit(1718000500.100:77): auid=4294967295 ses=4294967295 "
               b"lsm=selinux res=1\x1dAUID=\"unset\"\n"
             + b"type=SELINUX_ERR msg=audit(1718000500.200:78): op=security_compute_sid "
               b"invalid_context=\"system_u:system_r:goapi_t:s0\" scontext=system_u:system_r:init_t:s0 "
               b"tcontext=system_u:object_r:goapi_exec_t:s0 tclass=process\n"
             + b"\n")
    prefixed = b"".join(b"node=web1 " + line if line.strip() else line
                        for line in plain.splitlines(True))
    results = []
    for data in (plain, prefixed):
        scanner = audit.Scanner()
        scanner.start_file("x")
        for i in range(0, len(data), 61):
            scanner.feed(data[i:i + 61])
        scanner.finish()
        res = scanner.result
        assert res.policy_loads == 1 and res.last_policy_load == 1718000500.1
        assert res.unrecognized == 0, res.unrecognized_samples
        assert list(res.failed_units) and all(u.explained for u in res.failed_units.values())
        results.append(sorted((d.key, d.count) for d in res.distinct()))
    assert results[0] == results[1] and results[0]


def test_unreadable_log_is_reported(tmp_path):
    snap = host_snapshot(tmp_path, b"", paths={"/var/log/audit/audit.log": {"read": {"error": "EACCES"}}})
    run = run_gotriage(["avc", "--root", str(snap)])
    assert run.returncode == 2 and "Traceback" not in run.stderr + run.stdout
    assert (run.stdout, run.stderr) == (
        "", "gotriage: error: cannot read /var/log/audit/audit.log: Permission denied\n")
    check = run_gotriage(["check", "--root", str(snap), "--layer", "selinux", "--json"])
    assert "SEL-AVC-UNREADABLE" in check.ids()


def test_missing_explicit_log():
    run = run_gotriage(["avc", "/nonexistent/audit.log"])
    assert (run.returncode, run.stdout, run.stderr) == (
        2, "", "gotriage: error: /nonexistent/audit.log: no such file\n")


def test_big_log_with_one_avc_stays_flat(tmp_path):
    """~40 MB of SYSCALL/PROCTITLE noise, one AVC in the middle, one line longer than
    MAX_LINE; the same gzip'd (a 2 GB file behaves the same: memory is one chunk)."""
    noise = _log("auparse-test4.log")
    path = tmp_path / "big.log"
    with open(str(path), "wb") as f:
        for _ in range(1800):
            f.write(noise)
        f.write(_log("go-8080.log"))
        f.write(b"x" * (3 * audit.MAX_LINE) + b"\n")
        for _ in range(1800):
            f.write(noise)
    run = run_gotriage(["avc", str(path), "--json"])
    report = run.json["avc"]
    assert len(report["denials"]) == 1 and report["denials"][0]["port"] == 8080
    assert report["scan"]["lines_too_long"] == 1


# -- the check layer ---------------------------------------------------------------------------
def test_check_layer_state_and_denials(tmp_path):
    snap = host_snapshot(tmp_path, _log("go-home-exec.log"), mode="0", config_mode="enforcing",
                         booleans={"httpd_execmem": "0 1", "deny_execmem": "0 0"},
                         extra={"/var/lib/selinux/targeted/active/booleans.local": "deny_execmem=1\n",
                                "/var/lib/selinux/targeted/active/modules/400/permissive_httpd_t/cil": "x"})
    run = run_gotriage(["check", "--root", str(snap), "--layer", "selinux", "--json"])
    ids = run.ids()
    for expected in ("SEL-MODE-MISMATCH", "SEL-MODE-PERMISSIVE", "SEL-PERMISSIVE-DOMAINS",
                     "SEL-BOOL-PENDING", "SEL-BOOL-NOT-PERSISTENT", "SEL-AVC-EXEC-LABEL"):
        assert expected in ids, ids
    mismatch = run.results("SEL-MODE-MISMATCH")[0]
    # permissive now, enforcing in the file: never "SELINUX=permissive"; the way to enforcing
    assert not [a for a in mismatch["fix"] if a["kind"] == "edit"]
    assert [a["shell"] for a in mismatch["fix"] if a["kind"] == "command"] == [
        "gotriage avc", "setenforce 1"]
    assert "already says enforcing" in mismatch["fix"][-1]["description"]
    text = run_gotriage(["check", "--root", str(snap), "--layer", "selinux"]).stdout
    assert "SELINUX=permissive" not in text and "setenforce 1" in text
    # enforcing now, permissive in the file: the file is made to say enforcing
    snap = host_snapshot(tmp_path, b"", mode="1", config_mode="permissive", name="weaker-file")
    mismatch = run_gotriage(["check", "--root", str(snap), "--layer", "selinux", "--json"]).results(
        "SEL-MODE-MISMATCH")[0]
    assert [(a["kind"], a.get("old"), a.get("line")) for a in mismatch["fix"]] == [
        ("edit", "SELINUX=permissive", "SELINUX=enforcing")]
    # disabled in the file, permissive now: permissive in the file, then the way to enforcing
    snap = host_snapshot(tmp_path, b"", mode="0", config_mode="disabled", name="disabled-file")
    fix = run_gotriage(["check", "--root", str(snap), "--layer", "selinux", "--json"]).results(
        "SEL-MODE-MISMATCH")[0]["fix"]
    assert fix[0]["line"] == "SELINUX=permissive" and fix[0]["old"] == "SELINUX=disabled"
    assert fix[-1]["shell"] == "setenforce 1"


def test_dontaudit_hint_when_a_unit_fails_without_denial(tmp_path):
    failed = _log("go-home-exec.log").splitlines(True)[-1]
    snap = host_snapshot(tmp_path, failed)
    run = run_gotriage(["check", "--root", str(snap), "--layer", "selinux", "--json"])
    (hint,) = run.results("SEL-AVC-DONTAUDIT")
    assert any(a.get("shell") == "semodule -DB" for a in hint["fix"])
    assert "SEL-AVC-DONTAUDIT" not in run_gotriage(
        ["check", "--root", str(host_snapshot(tmp_path, _log("go-home-exec.log"), name="s2")),
         "--layer", "selinux", "--json"]).ids()


@pytest.mark.parametrize("log", ["go-service-denials.log", "sepolgen-short.log"])
def test_text_and_json_agree(log):
    path = os.path.join(SEL, log)
    text = run_gotriage(["avc", path]).stdout
    report = json.loads(run_gotriage(["avc", path, "--json"]).stdout)
    assert not schema_errors(report)
    assert report["schema_version"] == SCHEMA_VERSION and report["layers"] == ["selinux"]
    lines = text.splitlines()
    # the header line, wrapped at 100 columns (continued at 2)
    header = [lines[0]] + list(itertools.takewhile(lambda line: line.startswith("  "), lines[1:]))
    assert all(len(line) <= 100 for line in header)
    assert " ".join(line.strip() for line in header) == "gotriage avc: " + report["avc"]["summary"]
    counts = report["summary"]["counts"]
    assert text.splitlines()[-1] == "Summary: %d error%s, %d warning%s, %d info, %d ok" % (
        counts["error"], "" if counts["error"] == 1 else "s", counts["warn"],
        "" if counts["warn"] == 1 else "s", counts["info"], counts["ok"])
    for d in report["avc"]["denials"]:
        assert d["explanations"][0]["id"] in text
        with open(d["file"], "rb") as f:
            f.seek(d["offset"])
            assert f.readline().decode("utf-8", "replace").rstrip("\n") == d["evidence"][0]


def test_avc_results_are_the_findings_check_reports(tmp_path):
    """One path from a denial to its finding: on the same snapshot, `avc` and `check
    --layer selinux` report each denial as the same finding (id, severity, title,
    evidence, why, fix), avc for every denial, check for the 20 commonest."""
    snap = host_snapshot(tmp_path, _log("go-service-denials.log") + _log("go-tmp-exec.log") +
                         _log("go-8080.log"))
    avc = run_gotriage(["avc", "--root", str(snap), "--json"])
    check = run_gotriage(["check", "--root", str(snap), "--layer", "selinux", "--json"])
    assert not schema_errors(avc.json) and avc.returncode == avc.json["summary"]["exit_code"]
    mine = {r["subject"]: r for r in avc.json["results"]}
    theirs = {r["subject"]: r for r in check.json["results"]
              if r["check"] == "SEL-AVC" and r["id"] != "SEL-AVC"}
    assert len(mine) == len(avc.json["avc"]["denials"]) >= 5
    assert mine == theirs
    assert {r["severity"] for r in mine.values()} == {"warn", "error"}


def test_fail_on_error_counts_only_what_enforcing_blocked(tmp_path):
    """A snapshot in permissive mode: every denial is a warning (logged, not blocked),
    so `--fail-on error` is clean; enforcing, the execute and the port are errors."""
    log = _log("go-home-exec.log").replace(b"permissive=0", b"permissive=1")
    snap = host_snapshot(tmp_path, log, mode="0", config_mode="permissive")
    run = run_gotriage(["avc", "--root", str(snap), "--fail-on", "error"])
    assert run.returncode == 0, run.stdout
    assert run.stdout.splitlines()[-1] == "Summary: 0 errors, 1 warning, 0 info, 0 ok"
    assert run_gotriage(["avc", "--root", str(snap)]).returncode == 1
    snap = host_snapshot(tmp_path, _log("go-home-exec.log"), name="enforcing")
    assert run_gotriage(["avc", "--root", str(snap), "--fail-on", "error"]).returncode == 1
