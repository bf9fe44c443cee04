"""The mainland China alternatives (knowledge/china_network.py): offered as a later
step (B, C) of the proxy, checksum database and dead-mirror fixes, never as the first,
never to a host whose GOPROXY already serves China; explain offers them only when the
text names proxy.golang.org or sum.golang.org; and the real go accepts the printed
`go env -w` commands."""

import json
import os
import subprocess

import pytest

from conftest import need, run_gotriage
from gotriage.explain.match import explain_text
from gotriage.explain.render import finding_of
from gotriage.findings import Action
from gotriage.report.doctor import is_alternative, steps

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CASES = os.path.join(ROOT, "tests", "cases")
CHINA = ("goproxy.cn", "mirrors.aliyun.com", "sum.golang.google.cn",
         "mirrors.tuna.tsinghua.edu.cn")


def case_findings(name, finding_id):
    with open(os.path.join(CASES, name, "case.json")) as f:
        command = [a.replace("{case}", os.path.join(CASES, name)) for a in json.load(f)["command"]]
    run = run_gotriage(command + ["--json"])
    assert run.returncode == 1, run.stderr
    found = run.results(finding_id)
    assert found, run.stdout
    return found


def actions_of(result):
    out = []
    for d in result["fix"]:
        a = Action(d["kind"], description=d.get("description"), argv=d.get("argv"),
                   path=d.get("path"), line=d.get("line"), old=d.get("old"))
        out.append(a)
    return out


def china_text(action):
    return " ".join([action.description or ""] + (action.argv or []) + [action.line or ""])


def assert_china_only_as_alternatives(actions):
    """Every step naming a China host is an alternative (B or later) to a first step that
    names none."""
    grouped = steps(actions)
    seen = False
    for first, alternatives in grouped:
        assert not any(h in china_text(first) for h in CHINA), china_text(first)
        for alt in alternatives:
            if any(h in china_text(alt) for h in CHINA):
                seen = True
                assert is_alternative(alt)
                assert "mainland China" in alt.description
    return seen


def test_proxy_golang_org_unreachable_offers_china_proxies_as_b_and_c():
    [f] = case_findings("go-proxy-unreachable", "GO-PROXY-UNREACHABLE")
    actions = actions_of(f)
    assert assert_china_only_as_alternatives(actions)
    [(first, alternatives)] = steps(actions)
    assert [a.argv for a in alternatives] == [
        ["go", "env", "-w", "GOPROXY=https://goproxy.cn,direct"],
        ["go", "env", "-w", "GOPROXY=https://mirrors.aliyun.com/goproxy/,direct"]]


def test_the_text_view_shows_the_china_proxy_as_step_b():
    run = run_gotriage(["check", "--root", os.path.join(CASES, "go-proxy-unreachable", "snapshot"),
                        "--layer", "toolchain", "--network"])
    lines = run.stdout.splitlines()
    a = [i for i, line in enumerate(lines) if line.strip().startswith("A: use a reachable proxy")]
    b = [i for i, line in enumerate(lines)
         if line.strip() == "B: go env -w GOPROXY=https://goproxy.cn,direct"]
    assert a and b and a[0] < b[0], run.stdout


def test_a_goproxy_already_in_china_is_respected():
    [f] = case_findings("go-proxy-unreachable-goproxy-cn", "GO-PROXY-UNREACHABLE")
    text = " ".join(china_text(a) for a in actions_of(f))
    assert "proxy.golang.org" not in text and "aliyun" not in text
    assert "goproxy.cn" not in text  # nothing tells it to set what it has


def test_sum_golang_org_unreachable_direct_offers_the_china_database():
    [f] = case_findings("go-sumdb-unreachable", "GO-SUMDB-UNREACHABLE")
    actions = actions_of(f)
    assert assert_china_only_as_alternatives(actions)
    assert ["go", "env", "-w", "GOSUMDB=sum.golang.google.cn"] in [a.argv for a in actions]


def test_dead_centos_mirror_offers_the_domestic_vaults_as_alternatives():
    results = case_findings("sys-distro-dead-mirror", "SYS-DISTRO-DEAD-MIRROR")
    for f in results:
        actions = actions_of(f)
        assert assert_china_only_as_alternatives(actions)
        vault = [a.line for a in actions if a.kind == "edit" and a.line and
                 a.line.startswith("baseurl=https://vault.centos.org/")]
        china = [a.line for a in actions if a.kind == "edit" and a.line and "centos-vault" in a.line]
        assert vault and len(china) == 2
        rest = vault[0][len("baseurl=https://vault.centos.org/"):]
        assert china == ["baseurl=https://mirrors.aliyun.com/centos-vault/" + rest,
                         "baseurl=https://mirrors.tuna.tsinghua.edu.cn/centos-vault/" + rest]


def _explain_fix(text, sig_id):
    result = explain_text(text)
    [cand] = [c for c in result.candidates if c.id == sig_id]
    return finding_of(cand, lambda n: ("text", n)).fix


@pytest.mark.parametrize("text", [
    # withlin/canal-go#57 (tests/data/explain/corpus/toolchain-046)
    "go: github.com/gogo/protobuf@v1.3.1: Get https://proxy.golang.org/github.com/gogo/"
    "protobuf/@v/v1.3.1.mod: dial tcp 172.217.160.81:443: i/o timeout",
    "dial tcp: lookup proxy.golang.org on 127.0.0.53:53: server misbehaving",
])
def test_explain_offers_china_proxies_when_the_text_names_proxy_golang_org(text):
    fix = _explain_fix(text, "GO-PROXY-UNREACHABLE")
    assert assert_china_only_as_alternatives(fix)
    assert ["go", "env", "-w", "GOPROXY=https://goproxy.cn,direct"] in [a.argv for a in fix]


def test_explain_offers_the_china_database_when_the_text_names_sum_golang_org():
    # valyala/fasthttp#681 (tests/data/explain/corpus/toolchain-027)
    fix = _explain_fix("verifying github.com/valyala/fasthttp@v1.5.0: github.com/valyala/"
                       "fasthttp@v1.5.0: Get https://sum.golang.org/lookup/github.com/valyala/"
                       "fasthttp@v1.5.0: dial tcp 172.217.27.145:443: i/o timeout",
                       "GO-SUMDB-UNREACHABLE")
    assert assert_china_only_as_alternatives(fix)
    argvs = [a.argv for a in fix]
    assert ["go", "env", "-w", "GOSUMDB=sum.golang.google.cn"] in argvs
    assert ["go", "env", "-w", "GOPROXY=https://goproxy.cn,direct"] in argvs


def test_explain_offers_nothing_from_china_for_another_proxy():
    fix = _explain_fix('go: example.com/dep@v1.0.0: Get "https://goproxy.corp.example/example.com/'
                       'dep/@v/v1.0.0.mod": dial tcp 10.0.0.9:443: i/o timeout',
                       "GO-PROXY-UNREACHABLE")
    assert not any(h in china_text(a) for a in fix for h in CHINA)


def _real_go():
    for go in ("/usr/lib/go-1.19/bin/go", os.path.join(ROOT, ".cache", "toolchains", "go1.21.13",
                                                        "bin", "go")):
        if os.access(go, os.X_OK):
            return go
    return None


def test_the_real_go_accepts_the_printed_commands(tmp_path):
    go = _real_go()
    need(go is not None, "a real go (Debian golang-go 1.19 or .cache/toolchains)")
    [proxy] = case_findings("go-proxy-unreachable", "GO-PROXY-UNREACHABLE")
    [sumdb] = case_findings("go-sumdb-unreachable", "GO-SUMDB-UNREACHABLE")
    commands = [a.argv for a in actions_of(proxy) + actions_of(sumdb)
                if a.kind == "command" and a.argv[:3] == ["go", "env", "-w"]]
    assert len(commands) == 3
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "GOENV": str(tmp_path / "env")}
    for argv in commands:
        name, _, value = argv[3].partition("=")
        subprocess.check_call([go] + argv[1:], env=env, timeout=60)
        got = subprocess.check_output([go, "env", name], env=env, timeout=60).decode().strip()
        assert got == value
    with open(str(tmp_path / "env")) as f:
        assert "GOSUMDB=sum.golang.google.cn" in f.read()


TOOLCHAIN_AND_SYSTEM = [name for name in sorted(os.listdir(CASES))
                        if name.startswith(("go-", "sys-"))]


@pytest.mark.parametrize("name", TOOLCHAIN_AND_SYSTEM)
def test_no_case_gets_china_first(name, tmp_path_factory):
    """On every toolchain and system case: a step naming a mainland China host is an
    alternative (B, C...) to a first step that names none."""
    import test_cases as cases

    with open(os.path.join(CASES, name, "case.json")) as f:
        spec = json.load(f)
    _code, document = cases.run_case(cases.argv_of(name, spec["command"], tmp_path_factory))
    for result in document["results"]:
        assert_china_only_as_alternatives(actions_of(result))


def test_go_version_and_install_findings_offer_the_china_download_page():
    """The findings that send the user to go.dev/dl offer golang.google.cn/dl as B."""
    import test_cases as cases

    seen = 0
    for name in TOOLCHAIN_AND_SYSTEM:
        with open(os.path.join(CASES, name, "case.json")) as f:
            spec = json.load(f)
        _code, document = cases.run_case(cases.argv_of(name, spec["command"], None))
        for result in document["results"]:
            for first, alternatives in steps(actions_of(result)):
                if "https://go.dev/dl/" in (first.description or ""):
                    assert any("https://golang.google.cn/dl/" in (a.description or "")
                               for a in alternatives), (name, result["id"])
                    seen += 1
    assert seen >= 3


def test_no_china_proxy_advice_behind_a_failing_https_proxy(tmp_path, toolchains):
    """GOPROXY is proxy.golang.org but go reaches it through an HTTPS_PROXY that refuses
    (a closed port on loopback, probed for real): another GOPROXY would fail the same way,
    so no China proxy is offered."""
    import socket

    from conftest import base_env, write_module

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    home = tmp_path / "home"
    home.mkdir()
    project = write_module(tmp_path / "p")
    env = base_env(home, [toolchains["1.27"].bindir], GOPROXY="https://proxy.golang.org,direct",
                   HTTPS_PROXY="http://127.0.0.1:%d" % port)
    run = run_gotriage(["check", "--json", "--network", "--layer", "toolchain",
                        "--project", str(project)], env=env)
    [f] = run.results("GO-PROXY-UNREACHABLE", context="shell")
    assert f["evidence"][0]["argv"] == ["tcp-connect", "127.0.0.1", str(port)]
    assert not any(h in china_text(a) for a in actions_of(f) for h in CHINA)
