"""The live test bed (tests/firewall_testbed.py): a real firewalld with its own D-Bus in a
network namespace, configured with firewall-offline-cmd and firewall-cmd, real connects
from client namespaces -- and gotriage's verdict for each, which must be what the client
saw.  Scenarios beyond the recorded ones: other rich-rule forms and reject types, ipsets,
services, policies, zone targets, runtime-only changes, forward ports, UDP, IPv6, a direct
rule, a foreign nft table and iptables-legacy rule, the iptables backend, a hung
firewall-cmd, and a real Go server for `check --layer firewall`.

Needs root, network namespaces, firewalld, nftables, iptables and dbus (CI installs them;
elsewhere the tests are skipped).  Every address is inside namespaces the bed creates.
"""

import json
import os
import shutil
import stat
import subprocess
import sys

import pytest

from conftest import SHARED_GOCACHE, need
from firewall_testbed import FirewallBed, available, observed_of

pytestmark = pytest.mark.root

TCP = ("c1", "c1b", "c2", "c1v6", "c2v6")


@pytest.fixture(scope="module")
def bed():
    why = available()
    need(why is None, "live firewall test bed: %s" % why)
    tb = FirewallBed()
    try:
        tb.up()
    except Exception:
        tb.close()
        raise
    yield tb
    tb.close()


def probes(clients=TCP, ports=(8080, 8081, 8082, 8083, 8000), proto="tcp"):
    return [(c, p, proto) for c in clients for p in ports]


def compare(bed, plan, agree=True, **kw):
    """Probe for real and ask gotriage; every verdict must be what the client saw, and
    (`agree`) the firewalld model must say the same as the packets."""
    seen = bed.probe(plan)
    got = bed.gotriage(plan, **kw)
    wrong = []
    for (client, port, proto), obs, v in zip(plan, seen, got["verdicts"]):
        if observed_of(v) != obs:
            wrong.append("%s %s/%s: client saw %s, gotriage says %s (%s | %s | %s)" % (
                client, port, proto, obs, observed_of(v), v["model"], v["hit"], v["notes"][:2]))
        elif agree and v["disagreement"]:
            wrong.append("%s %s/%s: the model says %s (%s), the packets %s (%s)" % (
                client, port, proto, v["disagreement"], v["model"], obs, v["hit"]))
    assert not wrong, "\n".join(wrong)
    return dict(((c, p, pr), (o, v)) for (c, p, pr), o, v in zip(plan, seen, got["verdicts"])), got


def test_stock_configuration(bed):
    bed.reset()
    result, got = compare(bed, probes() + probes(("c1", "c1v6"), (8090, 8091, 8099), "udp"))
    obs, v = result[("c1", 8080, "tcp")]
    assert obs == "EHOSTUNREACH" and v["zone"] == "public" and "target default" in v["model"]
    assert v["go_error"] == "dial tcp 10.231.1.1:8080: connect: no route to host"
    obs, v = result[("c1v6", 8082, "tcp")]
    assert obs == "EACCES" and v["go_error"] == "dial tcp [fd31:1::1]:8082: connect: permission denied"
    assert not got["problems"]


def test_rich_rule_forms_and_reject_types(bed):
    bed.reset()
    bed.offline("--zone=public", "--add-port=8080-8083/tcp", "--add-port=8000/tcp")
    for rule in (
            'rule family="ipv4" source address="10.231.1.3" port port="8080" protocol="tcp" reject type="icmp-host-prohibited"',
            'rule family="ipv4" source address="10.231.2.2" port port="8082" protocol="tcp" reject type="tcp-reset"',
            'rule family="ipv6" source address="fd31:1::2" port port="8082" protocol="tcp" drop',
            'rule family="ipv4" source NOT address="10.231.1.0/24" port port="8081" protocol="tcp" drop',
            'rule family="ipv4" destination address="10.231.2.1" port port="8000" protocol="tcp" reject type="icmp-net-unreachable"',
            'rule family="ipv6" source address="fd31:2::/64" port port="8080" protocol="tcp" reject type="icmp6-no-route"',
            'rule priority="-10" family="ipv4" source address="10.231.1.2" port port="8083" protocol="tcp" log prefix="go " level="info" limit value="5/m" drop',
            'rule priority="5" family="ipv4" source address="10.231.1.3" port port="9000" protocol="tcp" accept'):
        bed.offline("--zone=public", "--add-rich-rule=" + rule)
    bed.fw("--reload")
    result, _ = compare(bed, probes() + [("c1b", 9000, "tcp"), ("c1", 9000, "tcp")])
    assert result[("c1b", 8080, "tcp")][0] == "EHOSTUNREACH"
    assert result[("c2", 8082, "tcp")][0] == "ECONNREFUSED"
    assert result[("c1v6", 8082, "tcp")][0] == "TIMEOUT"
    assert result[("c2", 8081, "tcp")][0] == "TIMEOUT"
    assert result[("c2", 8000, "tcp")][0] == "ENETUNREACH"
    assert result[("c2v6", 8080, "tcp")][0] == "ENETUNREACH"  # icmp6 no-route (not EHOSTUNREACH)
    assert result[("c1", 8083, "tcp")][0] == "TIMEOUT"
    assert "icmp-host-prohibited" in result[("c1b", 8080, "tcp")][1]["model"]
    assert result[("c1b", 9000, "tcp")][0] == "ECONNREFUSED"  # accepted, nothing listens


def test_ipset_source_zone_and_custom_service(bed):
    bed.reset()
    bed.offline("--new-ipset=goclients", "--type=hash:ip")
    bed.offline("--ipset=goclients", "--add-entry=10.231.1.3")
    bed.offline("--new-service=goapi")
    bed.offline("--service=goapi", "--add-port=8080/tcp", "--add-port=8090/udp")
    bed.offline("--new-zone=gozone")
    bed.offline("--zone=gozone", "--add-source=ipset:goclients")
    bed.offline("--zone=gozone", "--add-service=goapi")
    bed.fw("--reload")
    plan = probes(("c1", "c1b", "c2")) + probes(("c1", "c1b"), (8090,), "udp")
    result, _ = compare(bed, plan)
    assert result[("c1b", 8080, "tcp")][0] == "OPEN" and result[("c1b", 8080, "tcp")][1]["zone"] == "gozone"
    assert "service goapi" in result[("c1b", 8080, "tcp")][1]["model"]
    assert result[("c1", 8080, "tcp")][0] == "EHOSTUNREACH"
    assert result[("c1b", 8090, "udp")][0] == "OPEN"


def test_policies(bed):
    bed.reset()
    bed.offline("--zone=internal", "--add-interface=" + bed.s1)
    bed.offline("--zone=internal", "--add-port=8080/tcp")
    bed.offline("--new-policy=allowpub")
    bed.offline("--policy=allowpub", "--add-ingress-zone=public")
    bed.offline("--policy=allowpub", "--add-egress-zone=HOST")
    bed.offline("--policy=allowpub", "--set-priority=-20")
    bed.offline("--policy=allowpub", "--add-port=8082/tcp")
    bed.offline("--new-policy=blockc1b")
    bed.offline("--policy=blockc1b", "--add-ingress-zone=ANY")
    bed.offline("--policy=blockc1b", "--add-egress-zone=HOST")
    bed.offline("--policy=blockc1b", "--set-priority=-50")
    bed.offline("--policy=blockc1b", "--add-rich-rule="
                'rule family="ipv4" source address="10.231.1.3" port port="8080" protocol="tcp" reject')
    bed.fw("--reload")
    result, _ = compare(bed, probes(("c1", "c1b", "c2", "c2v6")))
    # public is the default zone but has no binding of its own: firewalld 1.3.3 makes no
    # dispatch rule for a policy whose ingress zone has none, so allowpub does not apply
    assert result[("c2", 8082, "tcp")][0] == "EHOSTUNREACH"
    bed.fw("--zone=public", "--add-interface=" + bed.s2)  # runtime: now it has one
    result, _ = compare(bed, probes(("c1", "c1b", "c2", "c2v6")))
    assert result[("c2", 8082, "tcp")][0] == "OPEN" and "policy allowpub" in result[("c2", 8082, "tcp")][1]["model"]
    assert result[("c1", 8082, "tcp")][0] == "EHOSTUNREACH"
    assert result[("c1", 8080, "tcp")][0] == "OPEN" and result[("c1b", 8080, "tcp")][0] == "ECONNREFUSED"
    assert "policy blockc1b" in result[("c1b", 8080, "tcp")][1]["model"]


def test_zone_targets_and_wildcard_interface(bed):
    bed.reset()
    bed.offline("--new-zone=gozone")
    bed.offline("--zone=gozone", "--add-interface=" + bed.tag + "-s+")
    bed.offline("--zone=gozone", "--set-target=DROP")
    bed.offline("--zone=gozone", "--add-port=8080/tcp")
    bed.offline("--zone=block", "--add-source=10.231.1.3")
    bed.offline("--zone=trusted", "--add-source=fd31:2::/64")
    bed.fw("--reload")
    result, _ = compare(bed, probes())
    assert result[("c1", 8080, "tcp")][0] == "OPEN" and result[("c2", 8000, "tcp")][0] == "TIMEOUT"
    assert result[("c1b", 8080, "tcp")][1]["zone"] == "block"
    assert result[("c2v6", 8000, "tcp")][0] == "ECONNREFUSED"  # trusted: accepted, nothing listens


def test_runtime_only_changes(bed):
    bed.reset()
    bed.fw("--zone=public", "--add-port=8080/tcp")  # runtime only
    bed.fw("--permanent", "--zone=public", "--add-port=8082/tcp")  # permanent, not reloaded
    result, got = compare(bed, probes(("c1", "c2"), (8080, 8082)))
    obs, v = result[("c1", 8080, "tcp")]
    assert obs == "OPEN" and v["runtime_only"] == "unreachable"
    obs, v = result[("c1", 8082, "tcp")]
    assert obs == "EHOSTUNREACH" and v["runtime_only"] == "open"


def test_forward_port_to_a_local_port(bed):
    bed.reset()
    bed.offline("--zone=public", "--add-forward-port=port=80:proto=tcp:toport=8080")
    bed.fw("--reload")
    result, _ = compare(bed, probes(("c1", "c2"), (80, 8080)))
    assert result[("c1", 80, "tcp")][0] == "OPEN" and result[("c1", 8080, "tcp")][0] == "EHOSTUNREACH"


def test_udp(bed):
    bed.reset()
    bed.offline("--zone=public", "--add-port=8090/udp", "--add-port=8099/udp")
    bed.fw("--reload")
    plan = probes(("c1", "c2", "c1v6"), (8090, 8091, 8099), "udp")
    result, _ = compare(bed, plan)
    assert result[("c1", 8090, "udp")][0] == "OPEN"
    assert result[("c1", 8099, "udp")][0] == "ECONNREFUSED"
    assert result[("c1", 8091, "udp")][0] == "EHOSTUNREACH"
    assert result[("c1v6", 8091, "udp")][0] == "EACCES"


def test_direct_accept_does_not_bypass_firewalld_on_nftables(bed):
    bed.reset()
    bed.offline("--direct", "--add-rule", "ipv4", "filter", "INPUT", "0", "-s", "10.231.1.2", "-p", "tcp",
                "--dport", "8080", "-j", "ACCEPT")
    bed.offline("--direct", "--add-rule", "ipv4", "filter", "INPUT", "1", "-s", "10.231.1.3", "-p", "tcp",
                "--dport", "8082", "-j", "REJECT", "--reject-with", "tcp-reset")
    bed.offline("--zone=public", "--add-port=8082/tcp")
    bed.fw("--reload")
    result, _ = compare(bed, probes(("c1", "c1b", "c2"), (8080, 8082)))
    assert result[("c1", 8080, "tcp")][0] == "EHOSTUNREACH"
    assert result[("c1b", 8082, "tcp")][0] == "ECONNREFUSED" and "direct rule" in result[("c1b", 8082, "tcp")][1]["model"]


def test_foreign_table_and_legacy_rule(bed):
    need(subprocess.run(["sh", "-c", "command -v iptables-legacy"], stdout=subprocess.DEVNULL).returncode == 0,
         "iptables-legacy")
    bed.reset()
    bed.offline("--zone=public", "--add-port=8080-8083/tcp")
    bed.fw("--reload")
    bed.srvx(["nft", "-f", "-"], input=b"table inet gtftest {\n chain input { type filter hook input priority -5; "
                                        b"policy accept;\n  ip saddr 10.231.2.2 tcp dport 8082 drop\n }\n}\n")
    bed.srvx(["iptables-legacy", "-A", "INPUT", "-s", "10.231.1.3", "-p", "tcp", "--dport", "8080", "-j", "REJECT",
              "--reject-with", "tcp-reset"])
    try:
        result, _ = compare(bed, probes(("c1", "c1b", "c2"), (8080, 8082)), agree=False)
    finally:
        bed.srvx(["nft", "delete", "table", "inet", "gtftest"], check=False)
        bed.srvx(["iptables-legacy", "-F", "INPUT"], check=False)
    obs, v = result[("c2", 8082, "tcp")]
    assert obs == "TIMEOUT" and v["disagreement"] == ["open", None] and "inet gtftest" in v["hit"]
    obs, v = result[("c1b", 8080, "tcp")]
    assert obs == "ECONNREFUSED" and v["disagreement"] == ["open", None] and "iptables-legacy" in v["hit"]


def test_zone_file_refused_for_a_bad_rule(bed):
    """One unknown element in a rich rule: firewalld 1.3.3 refuses the whole
    /etc/firewalld/zones/public.xml (PARSE_ERROR) and runs the stock public zone, so the
    port opened there is closed.  gotriage reads the files the same way."""
    bed.reset()
    bed.offline("--zone=public", "--add-port=8080/tcp")
    path = os.path.join(bed.etc, "zones", "public.xml")
    with open(path) as f:
        text = f.read()
    with open(path, "w") as f:
        f.write(text.replace("</zone>", '<rule family="ipv4"><source address="10.231.1.3"/><teleport/>'
                                        '<accept/></rule></zone>'))
    bed.fw("--reload", check=False)
    result, got = compare(bed, probes(("c1",), (8080,)))
    assert result[("c1", 8080, "tcp")][0] == "EHOSTUNREACH"
    assert ["rich-rule", "/etc/firewalld/zones/public.xml"] == got["problems"][0][:2]
    assert "FW-CONFIG-RICH" in got["ids"]


def test_hung_firewall_cmd(bed, tmp_path):
    """A firewall-cmd that never answers (bind-mounted over the real one): kept as an
    unanswered input (FW-INPUT-HUNG) after the timeout, and the verdicts still come, from
    the live ruleset and the files."""
    bed.reset()
    bed.offline("--zone=public", "--add-port=8080/tcp")
    bed.fw("--reload")
    fake = tmp_path / "firewall-cmd"
    fake.write_text("#!/bin/sh\nsleep 60\n")
    fake.chmod(0o755)
    os.chmod(str(tmp_path), stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
    plan = probes(("c1", "c2"), (8080, 8000))
    seen = bed.probe(plan)
    got = bed.gotriage(plan, timeout=1.0, hung=[(str(fake), shutil.which("firewall-cmd"))])
    assert got["problems"] == []
    assert set(got["unanswered"]) == {"firewall-cmd"}  # each call the prefetch made too
    assert "FW-INPUT-HUNG" in got["ids"]
    assert got["seconds"] < 8
    assert [observed_of(v) for v in got["verdicts"]] == seen


def _recorded_argvs(snapshot):
    found = []
    for name in sorted(os.listdir(os.path.join(snapshot, "commands"))):
        with open(os.path.join(snapshot, "commands", name)) as f:
            found.append(json.load(f)["argv"])
    return found


def test_one_firewalld_client_says_what_the_four_firewall_cmd_calls_say(bed, tmp_path):
    """The runtime listings asked in one process (firewall/client_script.py, run by
    firewall-cmd's own interpreter) are, section by section, what firewall-cmd prints for
    each of the four calls, on a configuration with every kind they list (a source zone,
    rich rules, policies, direct rules, a runtime-only change); and the verdicts, findings
    and problems are the same as when firewall-cmd is asked four times (its interpreter
    hidden behind a shell wrapper, bind-mounted over it: then gotriage asks it call by call)."""
    from gotriage.firewall.client_script import CLIENT_SCRIPT
    from gotriage.parsers.firewalld_cmd import parse_client_sections, shebang_interpreter

    bed.reset()
    bed.offline("--zone=public", "--add-port=8080/tcp")
    bed.offline("--zone=public", "--add-rich-rule="
                'rule family="ipv4" source address="10.231.1.3" port port="8080" protocol="tcp" reject')
    bed.offline("--new-zone=goapp")
    bed.offline("--zone=goapp", "--add-source=10.231.2.0/24")
    bed.offline("--zone=goapp", "--add-service=http")
    bed.offline("--new-policy=allowpub")
    bed.offline("--policy=allowpub", "--add-ingress-zone=public")
    bed.offline("--policy=allowpub", "--add-egress-zone=HOST")
    bed.offline("--policy=allowpub", "--add-port=8082/tcp")
    bed.offline("--direct", "--add-rule", "ipv4", "filter", "INPUT", "1", "-s", "10.231.1.3", "-p", "tcp",
                "--dport", "8082", "-j", "REJECT", "--reject-with", "tcp-reset")
    bed.fw("--reload")
    bed.fw("--zone=goapp", "--add-port=8083/tcp")  # runtime only
    firewall_cmd = shutil.which("firewall-cmd")
    with open(firewall_cmd) as f:
        python = shebang_interpreter(f.read(4096))
    assert python is not None, "firewall-cmd's #! line names no interpreter"
    out = bed.srvx([python, "-Es", "-"], input=CLIENT_SCRIPT.encode())
    sections = parse_client_sections(out)
    calls = [("--get-default-zone",), ("--list-all-zones",), ("--list-all-policies",),
             ("--direct", "--get-all-rules")]
    assert sorted(sections) == sorted(calls)
    for args in calls:
        assert sections[args] == ("ok", bed.fw(*args)), args
    assert "allowpub" in sections[("--list-all-policies",)][1] and "8083/tcp" in sections[("--list-all-zones",)][1]
    assert "tcp-reset" in sections[("--direct", "--get-all-rules")][1]

    plan = probes(("c1", "c1b", "c2"), (8080, 8082, 8083))
    one = bed.gotriage(plan)
    wrapper = tmp_path / "firewall-cmd"
    copy = tmp_path / "firewall-cmd.real"
    shutil.copy(firewall_cmd, str(copy))
    wrapper.write_text('#!/bin/sh\nexec %s %s "$@"\n' % (python, copy))
    wrapper.chmod(0o755)
    os.chmod(str(tmp_path), stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
    four = bed.gotriage(plan, hung=[(str(wrapper), firewall_cmd)])
    asked_once = [a for a in _recorded_argvs(one["snapshot"]) if a[:1] == [python] or a[:1] == ["firewall-cmd"]]
    asked_four = [a for a in _recorded_argvs(four["snapshot"]) if a[:1] == [python] or a[:1] == ["firewall-cmd"]]
    assert asked_once == [[python, "-Es", "-"]]
    assert sorted(asked_four) == sorted(["firewall-cmd"] + list(args) for args in calls)
    for key in ("verdicts", "ids", "problems", "unanswered"):
        assert one[key] == four[key], key
    assert [observed_of(v) for v in one["verdicts"]] == bed.probe(plan)


def test_stuck_d_bus_costs_one_timeout_of_the_one_process(bed):
    """D-Bus stuck (the bed's dbus-daemon stopped with SIGSTOP): the one process that asks
    firewalld hangs, is cut at the timeout and kept as the unanswered input
    (FW-INPUT-HUNG); firewall-cmd is not tried after it, and the verdicts still come
    from the live ruleset and the files."""
    import signal

    from gotriage.parsers.firewalld_cmd import shebang_interpreter

    bed.reset()
    bed.offline("--zone=public", "--add-port=8080/tcp")
    bed.fw("--reload")
    with open(shutil.which("firewall-cmd")) as f:
        python = shebang_interpreter(f.read(4096))
    with open(os.path.join(bed.dir, "dbus.pid")) as f:
        dbus = int(f.read().strip())
    plan = probes(("c1", "c2"), (8080, 8000))
    seen = bed.probe(plan)
    os.kill(dbus, signal.SIGSTOP)
    try:
        got = bed.gotriage(plan, timeout=1.0)
    finally:
        os.kill(dbus, signal.SIGCONT)
    assert got["unanswered"] == [os.path.basename(python)]
    assert "FW-INPUT-HUNG" in got["ids"] and got["seconds"] < 8
    assert [observed_of(v) for v in got["verdicts"]] == seen
    asked = [a for a in _recorded_argvs(got["snapshot"]) if a[:1] in ([python], ["firewall-cmd"])]
    assert asked == [[python, "-Es", "-"]]


def test_without_d_bus_the_client_fails_as_firewall_cmd_does(tmp_path):
    """Where firewalld cannot be asked at all (here: no system D-Bus, in a mount namespace
    whose /run is empty), the one process fails with firewall-cmd's own exit code and
    message, which facts/firewall.py gives as each listing's answer (no fallback: four
    more start-ups for the same error)."""
    from gotriage.firewall.client_script import CLIENT_SCRIPT, client_results
    from gotriage.host.base import CommandResult
    from gotriage.parsers.firewalld_cmd import shebang_interpreter

    need(os.geteuid() == 0 and shutil.which("unshare") and shutil.which("firewall-cmd"),
         "root, unshare and firewall-cmd")
    firewall_cmd = shutil.which("firewall-cmd")
    with open(firewall_cmd) as f:
        python = shebang_interpreter(f.read(4096))
    script = tmp_path / "client.py"
    script.write_text(CLIENT_SCRIPT)

    def no_dbus(argv, stdin=None):
        proc = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                               'mount -t tmpfs tmpfs /run && exec "$@"', "sh"] + argv,
                              stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        return CommandResult(argv, None, "/", proc.returncode, proc.stdout, proc.stderr)
    with open(str(script), "rb") as stdin:
        client = no_dbus([python, "-Es", "-"], stdin)
    answers = client_results(client, [("--list-all-zones",), ("--get-default-zone",)])
    for args in answers:
        real = no_dbus([firewall_cmd] + list(args))
        assert real.returncode not in (0, None) and real.returncode >= 11, real.errtext
        assert (answers[args].returncode, answers[args].errtext, answers[args].text) == \
            (real.returncode, real.errtext, real.text)
    assert sorted(answers) == [("--get-default-zone",), ("--list-all-zones",)]


def test_iptables_backend(bed):
    need(subprocess.run(["sh", "-c", "command -v iptables-nft"], stdout=subprocess.DEVNULL).returncode == 0,
         "iptables-nft")
    bed.restart(backend="iptables")
    try:
        bed.offline("--zone=public", "--add-port=8080/tcp")
        bed.offline("--zone=public", "--add-rich-rule="
                    'rule family="ipv4" source address="10.231.1.3" port port="8080" protocol="tcp" drop')
        bed.fw("--reload")
        result, _ = compare(bed, probes(("c1", "c1b", "c2", "c1v6"), (8080, 8082, 8000)))
        assert result[("c1", 8000, "tcp")][0] == "ECONNREFUSED"  # 1.x iptables zones reject port-unreachable
        assert result[("c1b", 8080, "tcp")][0] == "TIMEOUT"
    finally:
        bed.restart(backend="nftables")


def test_recorded_snapshot_gives_the_same_verdicts(bed, tmp_path):
    """The driver records what it read; `gotriage port --root` on it says the same."""
    bed.reset()
    bed.offline("--zone=public", "--add-port=8080/tcp")
    bed.offline("--zone=public", "--add-rich-rule="
                'rule family="ipv4" source address="10.231.1.3" port port="8080" protocol="tcp" reject')
    bed.fw("--reload")
    plan = [("c1b", 8080, "tcp")]
    got = bed.gotriage(plan)
    proc = subprocess.run([sys.executable, "-m", "gotriage", "port", "8080", "--from", "10.231.1.3", "--iface",
                           bed.s1, "--json", "--root", got["snapshot"]], stdout=subprocess.PIPE,
                          env=dict(os.environ, PYTHONPATH=os.path.join(os.path.dirname(os.path.dirname(
                              os.path.abspath(__file__))), "src")))
    report = json.loads(proc.stdout.decode())
    refused = [r for r in report["results"] if r["id"] == "FW-PORT-REFUSED"]
    assert refused and refused[0]["predicted_error"] == got["verdicts"][0]["go_error"]


GO_SERVER = r'''package main

import (
	"net"
	"os"
	"time"
)

func main() {
	for _, spec := range [][2]string{{"tcp", ":9100"}, {"tcp4", "127.0.0.1:9101"}, {"tcp6", ":9102"}} {
		l, err := net.Listen(spec[0], spec[1])
		if err != nil {
			os.Exit(1)
		}
		go func(l net.Listener) {
			for {
				c, err := l.Accept()
				if err == nil {
					c.Close()
				}
			}
		}(l)
	}
	time.Sleep(600 * time.Second)
}
'''


def test_check_layer_finds_the_go_server(bed, toolchains, tmp_path):
    """A real Go server in the server namespace: `check --layer firewall` finds its ports
    by the .go.buildinfo of its executable and judges each."""
    bed.reset()
    bed.offline("--zone=public", "--add-port=9100/tcp")
    bed.fw("--reload")
    go = toolchains["1.21"]
    src = tmp_path / "srv"
    src.mkdir()
    (src / "go.mod").write_text("module example.com/srv\n\ngo 1.21\n")
    (src / "main.go").write_text(GO_SERVER)
    env = dict(os.environ, GOTOOLCHAIN="local", GOFLAGS="-mod=mod", GOPROXY="off", CGO_ENABLED="0",
               GOCACHE=SHARED_GOCACHE, HOME=str(tmp_path))
    subprocess.run([go.go, "build", "-o", str(tmp_path / "goserver"), "."], cwd=str(src), env=env, check=True,
                   timeout=300)
    server = subprocess.Popen(["ip", "netns", "exec", bed.srv, str(tmp_path / "goserver")])
    try:
        import time

        time.sleep(1.0)
        out = bed.srvx([sys.executable, "-m", "gotriage", "check", "--layer", "firewall", "--json"], check=False)
    finally:
        server.kill()
        server.wait(10)
    report = json.loads(out)
    by_id = {}
    for r in report["results"]:
        by_id.setdefault(r["id"], []).append(r)
    assert any("9101" in r["title"] for r in by_id.get("FW-LISTEN-LOOPBACK", [])), by_id.keys()
    assert any("9102" in r["title"] for r in by_id.get("FW-LISTEN-V6ONLY", [])), by_id.keys()
    assert any("9100" in r["title"] and "go1.21" in json.dumps(r) for r in by_id.get("FW-LISTEN", []))
    assert any("9100/tcp" in r["title"] for r in by_id.get("FW-PORT", []))  # open from both networks
    assert any("9102/tcp" in r["title"] for r in by_id.get("FW-PORT-UNREACHABLE", []))


def test_collect_then_port_root_says_what_port_says_live(bed):
    """`gotriage collect --layer firewall` records what `gotriage port` needs: the port
    asked about later gets the same verdicts from the snapshot as live."""
    bed.reset()
    bed.offline("--zone=public", "--add-port=8080/tcp")
    bed.offline("--zone=public", "--add-rich-rule="
                'rule family="ipv4" source address="10.231.1.3" port port="8080" protocol="tcp" reject')
    bed.offline("--new-zone=goapp")
    bed.offline("--zone=goapp", "--add-source=10.231.2.0/24")
    bed.offline("--zone=goapp", "--add-port=8080/udp")
    bed.fw("--reload")
    snap = os.path.join(bed.dir, "collected")
    bed.srvx([sys.executable, "-m", "gotriage", "collect", "--layer", "firewall", "-o", snap])
    results = []
    for extra in ([], ["--root", snap]):
        out = bed.srvx([sys.executable, "-m", "gotriage", "port", "8080", "--json"] + extra, check=False)
        results.append([(r["id"], r["title"], r.get("predicted_error")) for r in json.loads(out)["results"]])
    live, replay = results
    assert live == replay
    ids = [r[0] for r in live]
    assert "FW-PORT-UNREACHABLE" in ids and "FW-PORT" in ids
