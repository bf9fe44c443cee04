"""Ground truth: every probe of every recorded scenario (tests/data/firewall/generated,
a real firewalld 1.3.3 with the nftables and iptables backends, real clients; with a
real dockerd 20.10 beside it in docker-nftables/ and docker-iptables/).

- the packet-level verdict (live ruleset) predicts every probe;
- the firewalld model alone (configuration, no ruleset) predicts every probe except
  where a rule outside firewalld decides (a foreign nft table, iptables-legacy, Docker's
  DNAT of a published port), and there the tool says the two disagree (a published
  port: the zone never sees the connection, so there is nothing to disagree with);
- `gotriage port` on the recorded snapshot says it end to end (text and JSON).
"""

import json
import os
import re

import pytest

from cli_support import parse_report, run_cli, schema_errors
from firewall_scenarios import expected, scenario_snapshot, scenarios
from gotriage.facts.firewall import FirewallFacts
from gotriage.firewall.analysis import analyse
from gotriage.host.snapshot import SnapshotHost

SCENARIOS = scenarios()
OUTSIDE_FIREWALLD = {("nftables-backend", "M_foreign_nft_table"), ("nftables-backend", "O_iptables_legacy")}
PUBLISHED = 8088  # the port Docker publishes on every address in the docker-* scenarios


def docker_published(backend, probe):
    """A client of the host on a port Docker publishes: DNATed by Docker's rules (which
    firewalld's model does not hold) and forwarded to the container."""
    return backend.startswith("docker-") and probe["dport"] == PUBLISHED and probe["client"] in ("c1", "c2")


def observed(v):
    if v.outcome == "open":
        return "OPEN"
    if v.outcome == "timeout":
        return "TIMEOUT"
    return v.errno


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory):
    base = tmp_path_factory.mktemp("fw-scenarios")
    return {(b, n): str(scenario_snapshot(d, base / ("%s-%s" % (b, n)))) for b, n, d in SCENARIOS}


def facts_for(snapshot):
    return FirewallFacts(SnapshotHost(snapshot))


def test_there_are_34_scenarios_and_341_probes():
    assert len(SCENARIOS) == 34
    assert sum(len(expected(d)["probes"]) for _, _, d in SCENARIOS) == 341


@pytest.mark.parametrize("backend,name,directory", SCENARIOS, ids=["%s/%s" % s[:2] for s in SCENARIOS])
def test_packets_predict_every_probe(snapshots, backend, name, directory):
    facts = facts_for(snapshots[(backend, name)])
    for p in expected(directory)["probes"]:
        v = analyse(facts, p["dport"], p["proto"], [p["src"]], p["server_iif"]).verdicts[0]
        assert observed(v) == p["observed"], (p, v.outcome, v.errno,
                                              v.packet.hit.describe() if v.packet.hit else None, v.notes)
        assert v.packet is not None
        if (backend, name) in OUTSIDE_FIREWALLD and p["observed"] == "TIMEOUT" and p["dport"] == 8080:
            assert v.disagreement == ("open", None), "model and packets must disagree here"
            assert v.packet.hit.source in ("nft", "iptables-legacy")
        else:
            assert v.disagreement is None, (p, v.disagreement, v.model.describe())


@pytest.mark.parametrize("backend,name,directory", SCENARIOS, ids=["%s/%s" % s[:2] for s in SCENARIOS])
@pytest.mark.parametrize("config", ["runtime", "permanent"])
def test_model_alone_predicts_what_firewalld_decides(snapshots, backend, name, directory, config):
    facts = facts_for(snapshots[(backend, name)])
    facts._cache["ruleset"] = None  # as if nft and iptables could not be read
    if config == "permanent":
        facts._cache["runtime"] = None
    for p in expected(directory)["probes"]:
        v = analyse(facts, p["dport"], p["proto"], [p["src"]], p["server_iif"]).verdicts[0]
        if (backend, name) in OUTSIDE_FIREWALLD and p["observed"] == "TIMEOUT":
            assert observed(v) == "OPEN"  # what firewalld alone would do
            continue
        if docker_published(backend, p):
            assert v.outcome != "open" and v.model.zone == "public"  # the zone, which never sees it
            continue
        if config == "permanent" and p["client"] == "ctr":
            # dockerd binds docker0 to its zone at runtime only: the files do not hold it
            assert v.model.zone != "docker"
            continue
        assert observed(v) == p["observed"], (p, v.model.describe(), v.model.steps)


def test_the_deciding_rule_is_named(snapshots):
    facts = facts_for(snapshots[("nftables-backend", "E_priority_negative")])
    v = analyse(facts, 8080, "tcp", ["10.199.1.2"], "rfw-s1").verdicts[0]
    assert v.outcome == "open" and v.model.zone == "public" and v.model.by == "rich rule"
    assert v.model.text == 'rule priority="-5" family="ipv4" source address="10.199.1.2" port port="8080" protocol="tcp" accept'
    facts = facts_for(snapshots[("nftables-backend", "G_source_beats_interface")])
    v = analyse(facts, 8080, "tcp", ["10.199.2.2"], "rfw-s2").verdicts[0]
    assert v.model.zone == "work" and v.model.zone_reason == "source 10.199.2.2"
    assert v.errno == "EHOSTUNREACH" and v.go_error == "dial tcp 10.199.2.1:8080: connect: no route to host"
    assert v.packet.hit.table == "inet firewalld" and v.packet.hit.chain == "filter_IN_work"


def run_port(snapshot, *args):
    proc = run_cli(["port"] + list(args) + ["--root", snapshot])
    return proc, proc.stdout.decode("utf-8", "replace")


def test_cli_zone_reject_fix_names_the_source_zone(snapshots):
    proc, out = run_port(snapshots[("nftables-backend", "G_source_beats_interface")], "8080",
                         "--from", "10.199.2.2", "--iface", "rfw-s2")
    assert proc.returncode == 1, out
    assert "FW-PORT-UNREACHABLE" in out and "zone work (source 10.199.2.2)" in out
    assert "dial tcp 10.199.2.1:8080: connect: no route to host" in out
    assert "firewall-cmd --permanent --zone=work --add-port=8080/tcp" in out
    assert "firewall-cmd --reload" in out
    assert "systemctl stop" not in out


def test_cli_rich_reject_fix_removes_the_rule(snapshots):
    proc, out = run_port(snapshots[("nftables-backend", "B_rich_reject")], "8080", "--from", "10.199.1.2",
                         "--iface", "rfw-s1")
    assert proc.returncode == 1
    assert "FW-PORT-REFUSED" in out and "connect: connection refused" in out
    assert ("firewall-cmd --permanent --zone=public '--remove-rich-rule=rule family=\"ipv4\" source "
            "address=\"10.199.1.0/24\" port port=\"8080\" protocol=\"tcp\" reject'") in out


def test_cli_drop_is_a_timeout(snapshots):
    proc, out = run_port(snapshots[("nftables-backend", "C_rich_drop")], "8080", "--from", "10.199.1.2",
                         "--iface", "rfw-s1")
    assert "FW-PORT-TIMEOUT" in out and "dial tcp 10.199.1.1:8080: i/o timeout" in out


def test_cli_foreign_table_and_legacy_rule_are_named_and_disagree(snapshots):
    proc, out = run_port(snapshots[("nftables-backend", "M_foreign_nft_table")], "8080", "--from", "10.199.1.2",
                         "--iface", "rfw-s1")
    assert "FW-PORT-TIMEOUT" in out and "table inet rfwtest chain input" in out
    assert "FW-PORT-MISMATCH" in out
    assert "nft delete rule inet rfwtest input handle" in out
    proc, out = run_port(snapshots[("nftables-backend", "O_iptables_legacy")], "8080", "--from", "10.199.2.2",
                         "--iface", "rfw-s2")
    assert "FW-PORT-TIMEOUT" in out and "iptables-legacy" in out and "FW-PORT-MISMATCH" in out
    assert "iptables-legacy -t filter -D INPUT -s 10.199.2.2/32 -p tcp -m tcp --dport 8080 -j DROP" in out


def test_cli_direct_rule_fix(snapshots):
    proc, out = run_port(snapshots[("nftables-backend", "K_direct_rule")], "8080", "--from", "10.199.1.2",
                         "--iface", "rfw-s1")
    assert "FW-PORT-REFUSED" in out
    assert "firewall-cmd --permanent --direct --remove-rule ipv4 filter INPUT 0 -s 10.199.1.2 -p tcp --dport 8080 -j REJECT" in out


def test_cli_listener_findings(snapshots):
    snap = snapshots[("nftables-backend", "N_bind_address")]
    proc, out = run_port(snap, "8081", "--from", "10.199.1.2", "--iface", "rfw-s1")
    assert "FW-LISTEN-LOOPBACK" in out and '":8081"' in out
    assert "FW-PORT-REFUSED" in out and "no socket takes 10.199.1.1:8081" in out
    proc, out = run_port(snap, "8083", "--from", "10.199.1.2", "--iface", "rfw-s1")
    assert "FW-LISTEN-V6ONLY" in out and 'network "tcp", not "tcp6"' in out
    proc, out = run_port(snap, "8082", "--from", "10.199.1.2", "--iface", "rfw-s1")
    assert "FW-LISTEN " in out and "*:8082" in out and proc.returncode == 0, out
    proc, out = run_port(snap, "8000", "--from", "10.199.1.2", "--iface", "rfw-s1")
    assert "FW-LISTEN-NONE" in out


def test_cli_udp_instead_of_tcp(snapshots):
    proc, out = run_port(snapshots[("nftables-backend", "W_udp_instead_of_tcp")], "8080", "--from", "10.199.1.2",
                         "--iface", "rfw-s1")
    assert "FW-PORT-UNREACHABLE" in out and "opens port 8080/udp, not 8080/tcp" in out


def test_cli_default_clients(snapshots):
    """Without --from: a client on each interface's network and one per source binding."""
    proc, out = run_port(snapshots[("nftables-backend", "H_source_zone")], "8080")
    assert "8080/tcp from 10.199.1.2 via rfw-s1: open" in out  # source 10.199.1.0/24 -> goapp
    assert "8080/tcp from 10.199.2.2 via rfw-s2" in out and "zone work (source 10.199.2.2)" in out


def test_cli_json_is_a_valid_report(snapshots):
    proc = run_cli(["port", "8080", "--json", "--from", "10.199.1.2", "--from", "10.199.2.2", "--iface", "rfw-s1",
                    "--root", snapshots[("nftables-backend", "B_rich_reject")]])
    report = parse_report(proc)
    assert schema_errors(report) == []
    assert report["layers"] == ["firewall"]
    ids = [r["id"] for r in report["results"]]
    assert "FW-PORT-REFUSED" in ids and "FW-PORT" in ids
    refused = [r for r in report["results"] if r["id"] == "FW-PORT-REFUSED"][0]
    assert refused["predicted_error"] == "dial tcp 10.199.1.1:8080: connect: connection refused"
    assert refused["fix"][0]["argv"][:3] == ["firewall-cmd", "--permanent", "--zone=public"]
    assert report["summary"]["exit_code"] == proc.returncode == 1


def test_cli_usage_errors(snapshots):
    snap = snapshots[("nftables-backend", "A_port_open")]
    for args in (["70000"], ["8080", "--from", "not-an-ip"], ["8080", "--proto", "sctp"]):
        proc = run_cli(["port"] + args + ["--root", snap])
        assert proc.returncode == 2, args
        assert proc.stdout == b""


# -- bad input: a finding or a clear note, and the rest of the analysis still runs ---------

def _variant(tmp_path, name="B_rich_reject", files=None, commands=()):
    directory = [d for b, n, d in SCENARIOS if n == name and b == "nftables-backend"][0]
    return str(scenario_snapshot(directory, tmp_path / "variant", extra_files=files, extra_commands=commands))


def test_malformed_zone_file(tmp_path):
    snap = _variant(tmp_path, files={"/etc/firewalld/zones/work.xml": "<zone><service name='ssh'>"})
    proc, out = run_port(snap, "8080", "--from", "10.199.1.2", "--iface", "rfw-s1")
    assert "FW-CONFIG-XML" in out and "/etc/firewalld/zones/work.xml" in out
    assert "FW-PORT-REFUSED" in out  # the verdict is still there
    report = parse_report(run_cli(["port", "8080", "--json", "--from", "10.199.1.2", "--root", snap]))
    assert schema_errors(report) == []


def test_unknown_rich_rule_element(tmp_path):
    zone = ('<?xml version="1.0" encoding="utf-8"?>\n<zone><service name="ssh"/><port port="8080" protocol="tcp"/>'
            '<rule family="ipv4"><source address="10.199.1.0/24"/><port port="8080" protocol="tcp"/>'
            '<reject/></rule><rule family="ipv4"><source address="10.199.2.0/24"/><teleport/><accept/></rule></zone>')
    snap = _variant(tmp_path, files={"/etc/firewalld/zones/public.xml": zone})
    proc, out = run_port(snap, "8080", "--from", "10.199.1.2", "--iface", "rfw-s1")
    assert "FW-CONFIG-RICH" in out and "INVALID_RULE" in out
    assert "FW-PORT-REFUSED" in out


def test_nft_json_from_a_newer_nft(tmp_path):
    directory = [d for b, n, d in SCENARIOS if n == "C_rich_drop"][0]
    with open(os.path.join(directory, "nft-list-ruleset.json")) as f:
        data = json.load(f)
    data["nftables"][0]["metainfo"]["json_schema_version"] = 2
    data["nftables"][0]["metainfo"]["version"] = "9.0.0"
    data["nftables"].append({"flowtable": {"family": "inet", "table": "firewalld", "name": "ft"}})
    for item in data["nftables"]:
        rule = item.get("rule")
        if rule and rule["chain"] == "filter_IN_public_deny":
            rule["expr"].insert(0, {"quantum-match": {"entangled": True}})
    commands = [{"argv": ["nft", "-j", "list", "ruleset"], "returncode": 0, "stdout": json.dumps(data), "stderr": ""}]
    snap = _variant(tmp_path, "C_rich_drop", commands=commands)
    proc, out = run_port(snap, "8080", "--from", "10.199.1.2", "--iface", "rfw-s1", "-v")
    assert "FW-CONFIG-NFT" in out and "schema version 2" in out
    assert "'quantum-match' not understood" in out
    assert "FW-PORT" in out  # a verdict still comes (and says where it was unsure)


def test_nft_not_json(tmp_path):
    commands = [{"argv": ["nft", "-j", "list", "ruleset"], "returncode": 1, "stdout": "",
                 "stderr": "Error: syntax error, unexpected junk\n"}]
    snap = _variant(tmp_path, commands=commands)
    proc, out = run_port(snap, "8080", "--from", "10.199.1.2", "--iface", "rfw-s1")
    assert "FW-CONFIG-NFT" in out and "unexpected junk" in out
    assert "FW-PORT-REFUSED" in out  # from iptables-nft and the firewalld model


def test_hung_firewall_cmd_in_a_snapshot(tmp_path):
    commands = [{"argv": ["firewall-cmd", "--list-all-zones"], "returncode": None, "stdout": "", "stderr": "",
                 "error": "timeout", "duration": 10.0}]
    snap = _variant(tmp_path, commands=commands)
    proc, out = run_port(snap, "8080", "--from", "10.199.1.2", "--iface", "rfw-s1")
    flat = re.sub(r"\n {6,}", " ", out)  # a title wrapped at 100 columns, as one line
    assert "FW-INPUT-HUNG  `firewall-cmd --list-all-zones` did not answer in 10 s: D-Bus or " \
        "firewalld is stuck; the firewall verdicts below come from the saved configuration" in flat
    assert "systemctl restart firewalld" in out and "systemctl stop" not in out
    [config] = [line for line in out.splitlines() if " FW-CONFIG  " in line]
    assert config.split()[0] in ("\u00b7", "i"), config  # info, not ✓: its input hung
    assert "FW-PORT-REFUSED" in out  # from the packets and the permanent configuration
