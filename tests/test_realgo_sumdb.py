"""GOSUMDB (issue 14): the checksum database go verifies downloads against, as the real
go1.21.13 and go1.27.3 meet it.  A module proxy and checksum database stand-in runs on
127.0.0.1 (tests/goproxy_support.py); the air-gapped host is a network namespace of the
test's own with only lo, where go's `lookup sum.golang.org` fails at once."""

import os

import pytest

from conftest import ROOT, base_env, need, run_go
from goproxy_support import ModuleProxy, go_sum_lines, have_netns, run_offline
from test_realgo import gotriage

VERSIONS = ["1.21", "1.27"]
SUM_GOLANG_ORG_KEY = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8"


def project_requiring(directory, path, version="v1.0.0"):
    directory.mkdir(parents=True)
    name = path.rsplit("/", 1)[-1]
    (directory / "go.mod").write_text("module example.com/app\n\ngo 1.21\n\nrequire %s %s\n"
                                      % (path, version))
    (directory / "main.go").write_text('package main\n\nimport "%s"\n\nfunc main() { '
                                       'println(%s.Name) }\n' % (path, name))
    return directory


@pytest.fixture
def home(tmp_path):
    h = tmp_path / "home"
    h.mkdir()
    return h


def found(run, finding_id):
    return run.results(finding_id, context="shell")


# -- a private module and no GONOSUMDB --------------------------------------------------
@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("signal", ["suffix", "netrc"])
def test_private_module_left_to_the_checksum_database(tmp_path, home, toolchains, version,
                                                      signal):
    t = toolchains[version]
    path = "git.internal/team/lib" if signal == "suffix" else "git.corp.example.com/team/lib"
    if signal == "netrc":
        netrc = home / ".netrc"
        netrc.write_text("machine git.corp.example.com login ci password s3cret\n")
        netrc.chmod(0o600)
    project = project_requiring(tmp_path / "app", path)
    with ModuleProxy([(path, "v1.0.0")], sumdb=200, lookup=410) as proxy:
        env = base_env(home, [t.bindir], GOPROXY=proxy.url)
        code, out = run_go(t.go, ["mod", "tidy"], env, project)
        assert code != 0 and "410 Gone" in out, out
        run = gotriage(env, project)
        [f] = found(run, "GO-SUMDB-PRIVATE")
        assert f["severity"] == "error"
        assert f["predicted_error"] in out  # (the route of a 127.0.0.1 proxy is not known)
        assert f["evidence"][0]["line"] == 5
        pattern = path.split("/")[0]
        assert f["fix"][0]["argv"] == ["go", "env", "-w", "GONOSUMDB=%s" % pattern]
        if signal == "netrc":
            assert "s3cret" not in str(f)
        # with --network the route is known, and the whole line is what go printed
        run = gotriage(env, project, "--network")
        [f] = found(run, "GO-SUMDB-PRIVATE")
        assert f["predicted_error"].endswith(
            "reading %s/sumdb/sum.golang.org/lookup/%s@v1.0.0" % (proxy.url, path))
        assert f["predicted_error"] in out
        assert not found(run, "GO-SUMDB-UNREACHABLE")
        # the fix: go env -w GONOSUMDB=..., as given
        code, out = run_go(t.go, f["fix"][0]["argv"][1:], env, project)
        assert code == 0, out
        code, out = run_go(t.go, ["mod", "tidy"], env, project)
        assert code == 0, out
        assert not found(gotriage(env, project), "GO-SUMDB-PRIVATE")


def test_a_module_already_in_go_sum_is_not_looked_up(tmp_path, home, toolchains):
    t = toolchains["1.27"]
    path = "git.internal/team/lib"
    project = project_requiring(tmp_path / "app", path)
    (project / "go.sum").write_text("\n".join(go_sum_lines(path, "v1.0.0")) + "\n")
    with ModuleProxy([(path, "v1.0.0")], sumdb=200, lookup=410) as proxy:
        env = base_env(home, [t.bindir], GOPROXY=proxy.url)
        code, out = run_go(t.go, ["build", "-o", os.devnull, "."], env, project)
        assert code == 0, out
        assert not any("lookup" in r for r in proxy.requests), proxy.requests
        run = gotriage(env, project)
    assert not found(run, "GO-SUMDB-PRIVATE")
    assert "go.sum lists every required module" in found(run, "GO-SUMDB")[0]["title"]


def test_gonoproxy_without_gonosumdb_puts_goprivate_first(tmp_path, home, toolchains):
    """GONOPROXY set alone: go fetches the module from its repository and still asks the
    checksum database; GOPRIVATE is then the one setting that covers both."""
    t = toolchains["1.27"]
    project = project_requiring(tmp_path / "app", "example.com/team/lib")
    env = base_env(home, [t.bindir], GOPROXY="https://proxy.golang.org,direct",
                   GONOPROXY="example.com/team")
    [f] = found(gotriage(env, project), "GO-SUMDB-PRIVATE")
    assert f["fix"][0]["argv"] == ["go", "env", "-w", "GOPRIVATE=example.com"]
    # proxy.golang.org serves sum.golang.org: the URL go reads is known without asking
    assert f["predicted_error"].endswith(
        "reading https://proxy.golang.org/sumdb/sum.golang.org/lookup/example.com/team/lib@v1.0.0")


# -- the database out of reach ------------------------------------------------------------
def _closed_port():
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.mark.parametrize("version", VERSIONS)
def test_gosumdb_url_that_refuses(tmp_path, home, toolchains, version):
    t = toolchains[version]
    path = "example.com/dep"
    project = project_requiring(tmp_path / "app", path)
    url = "http://127.0.0.1:%d" % _closed_port()
    with ModuleProxy([(path, "v1.0.0")]) as proxy:
        env = base_env(home, [t.bindir], GOPROXY=proxy.url,
                       GOSUMDB="%s %s" % (SUM_GOLANG_ORG_KEY, url))
        code, out = run_go(t.go, ["mod", "tidy"], env, project)
        assert code != 0
        assert not found(gotriage(env, project), "GO-SUMDB-UNREACHABLE")  # only --network asks
        run = gotriage(env, project, "--network")
    [f] = found(run, "GO-SUMDB-UNREACHABLE")
    assert f["severity"] == "error"
    assert f["predicted_error"] == ('example.com/dep@v1.0.0: verifying module: '
                                    'example.com/dep@v1.0.0: Get "%s/lookup/example.com/dep@v1.0.0": '
                                    'dial tcp' % url)
    assert f["predicted_error"] in out, out
    assert f["evidence"][0]["argv"] == ["http-get", url + "/latest"]
    assert "connection refused" in f["evidence"][0]["text"]


def test_a_proxy_that_refuses_is_the_cause(tmp_path, home, toolchains):
    t = toolchains["1.27"]
    project = project_requiring(tmp_path / "app", "example.com/dep")
    proxy = "http://127.0.0.1:%d" % _closed_port()
    env = base_env(home, [t.bindir], GOPROXY=proxy)
    run = gotriage(env, project, "--network")
    [unreachable] = found(run, "GO-PROXY-UNREACHABLE")
    [f] = found(run, "GO-SUMDB-UNREACHABLE")
    assert f["caused_by"] == {"id": "GO-PROXY-UNREACHABLE", "subject": unreachable["subject"]}
    assert f["evidence"][0]["argv"] == ["http-get", proxy + "/sumdb/sum.golang.org/supported"]


def test_a_proxy_that_serves_the_database_is_the_route(tmp_path, home, toolchains):
    t = toolchains["1.27"]
    project = project_requiring(tmp_path / "app", "example.com/dep")
    with ModuleProxy([("example.com/dep", "v1.0.0")], sumdb=200) as proxy:
        env = base_env(home, [t.bindir], GOPROXY=proxy.url)
        run = gotriage(env, project, "--network")
        assert proxy.requests[-2:] == ["/sumdb/sum.golang.org/supported",
                                       "/sumdb/sum.golang.org/latest"]
    assert not found(run, "GO-SUMDB-UNREACHABLE")
    assert "answers through %s" % proxy.url in found(run, "GO-SUMDB")[0]["title"]


@pytest.mark.parametrize("version", VERSIONS)
def test_air_gapped_host_reaches_no_sum_golang_org(tmp_path, home, toolchains, version):
    """The internal proxy serves modules but not the checksum database (404): go goes to
    sum.golang.org itself, which an air-gapped host cannot resolve."""
    need(have_netns(), "root, unshare and ip: a network namespace of the test's own")
    t = toolchains[version]
    path = "example.com/dep"
    project = project_requiring(tmp_path / "app", path)
    env = base_env(home, [t.bindir], GOPROXY="{proxy}")
    check = dict(env, PYTHONPATH=os.path.join(ROOT, "src"))
    cmd = [__import__("sys").executable, "-m", "gotriage", "check", "--json", "--layer",
           "toolchain", "--project", str(project), "--network"]
    result = run_offline({"modules": [[path, "v1.0.0"]], "sumdb": 404, "run": [
        {"argv": [t.go, "mod", "tidy"], "env": env, "cwd": str(project)},
        {"argv": cmd, "env": check, "cwd": str(project)},
        {"argv": [t.go, "mod", "tidy"], "env": dict(env, GOSUMDB="off"), "cwd": str(project)},
    ]})
    tidy, report, off = result["steps"]
    out = tidy["stdout"] + tidy["stderr"]
    assert tidy["code"] != 0 and "lookup sum.golang.org" in out, out
    import json

    results = [r for r in json.loads(report["stdout"])["results"]
               if r["id"] == "GO-SUMDB-UNREACHABLE" and "shell" in r["contexts"]]
    assert len(results) == 1, report
    f = results[0]
    assert f["predicted_error"] == (
        'example.com/dep@v1.0.0: verifying module: example.com/dep@v1.0.0: Get '
        '"https://sum.golang.org/lookup/example.com/dep@v1.0.0": dial tcp: lookup sum.golang.org')
    assert f["predicted_error"] in out
    # the route as go walks it: the proxy first (404), then the database itself
    assert [e["argv"] for e in f["evidence"][:2]] == [
        ["http-get", tidy["proxy"] + "/sumdb/sum.golang.org/supported"],
        ["http-get", "https://sum.golang.org/latest"]]
    # GOSUMDB=off, one of the fixes given, builds (nothing verified)
    assert off["code"] == 0, off


# -- the route, as sumdb.go walks it (no network) ----------------------------------------
def _answers(table):
    from gotriage.host.base import CommandResult

    asked = []

    def get(url, proxy):
        asked.append((url, proxy))
        answer = table.get(url)
        if isinstance(answer, int):
            return CommandResult(["http-get", url], returncode=0,
                                 stdout=("%d X\n" % answer).encode())
        return CommandResult(["http-get", url], returncode=1, stderr=b"lookup x: no such host\n")
    return get, asked


@pytest.mark.parametrize("goproxy,gosumdb,table,base,failed", [
    # proxy.golang.org serves sum.golang.org: go never dials the database itself
    ("https://proxy.golang.org,direct", "sum.golang.org",
     {"https://proxy.golang.org/sumdb/sum.golang.org/supported": 200,
      "https://proxy.golang.org/sumdb/sum.golang.org/latest": 200},
     "https://proxy.golang.org/sumdb/sum.golang.org", None),
    # 404 (or 410): the next entry; direct: the database itself
    ("corp.example.com,direct", "sum.golang.org",
     {"https://corp.example.com/sumdb/sum.golang.org/supported": 404},
     "https://sum.golang.org", "https://sum.golang.org/latest"),
    # an error after ',' stops: the database is unavailable; after '|' it falls through
    ("https://a.example,https://b.example", "sum.golang.org", {},
     None, "https://a.example/sumdb/sum.golang.org/supported"),
    ("https://a.example|https://b.example", "sum.golang.org",
     {"https://b.example/sumdb/sum.golang.org/supported": 200,
      "https://b.example/sumdb/sum.golang.org/latest": 200},
     "https://b.example/sumdb/sum.golang.org", None),
    # GOSUMDB's own URL bypasses every proxy; the China alias is one
    ("https://proxy.golang.org", SUM_GOLANG_ORG_KEY + " https://mirror.example/sumdb",
     {"https://mirror.example/sumdb/latest": 200}, "https://mirror.example/sumdb", None),
    ("https://goproxy.cn", "sum.golang.google.cn",
     {"https://sum.golang.google.cn/latest": 200}, "https://sum.golang.google.cn", None),
    # a file:// proxy serves no database
    ("file:///srv/mods", "sum.golang.org", {"https://sum.golang.org/latest": 200},
     "https://sum.golang.org", None),
])
def test_the_route_to_the_database(goproxy, gosumdb, table, base, failed):
    from gotriage.facts.toolchain_sumdb import probe_route

    get, asked = _answers(table)
    route = probe_route(get, {}, goproxy, gosumdb)
    assert route.name == "sum.golang.org"
    assert route.base == base
    assert (route.failed.url if route.failed else None) == failed
    assert all("/lookup/" not in url for url, _ in asked)  # never names a module


@pytest.mark.parametrize("env,url,proxy", [
    ({"HTTPS_PROXY": "proxy.corp:3128"}, "https://sum.golang.org/latest", "http://proxy.corp:3128"),
    ({"https_proxy": "http://p:1"}, "http://plain.example/x", None),
    ({"HTTP_PROXY": "http://p:1"}, "http://plain.example/x", "http://p:1"),
    ({"HTTPS_PROXY": "http://p:1", "NO_PROXY": ".golang.org"}, "https://sum.golang.org/x", None),
    ({"HTTPS_PROXY": "http://p:1", "no_proxy": "*"}, "https://sum.golang.org/x", None),
    ({"HTTPS_PROXY": "http://p:1", "NO_PROXY": "10.0.0.0/8"}, "https://10.1.2.3/x", None),
    ({"HTTP_PROXY": "http://p:1"}, "http://127.0.0.1:8080/x", None),
])
def test_which_proxy_go_uses(env, url, proxy):
    from gotriage.facts.toolchain_sumdb import proxy_for

    assert proxy_for(env, url) == proxy


# -- the live GET (host/httpget.py) ---------------------------------------------------------
def test_http_get_follows_a_redirect_and_keeps_the_status():
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from gotriage.host.httpget import http_get

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/a":
                self.send_response(302)
                self.send_header("Location", "/b")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = b"tree head\n"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = "http://127.0.0.1:%d/a" % server.server_address[1]
        result = http_get(url, timeout=5)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
    assert result.ok and result.argv == ["http-get", url]
    assert result.text == "200 OK\ntree head\n"


def test_http_get_of_a_server_that_never_answers_is_a_timeout():
    import socket

    from gotriage.host.httpget import http_get

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # the kernel completes the connection; nobody ever answers
    try:
        result = http_get("http://127.0.0.1:%d/latest" % silent.getsockname()[1], timeout=0.5)
    finally:
        silent.close()
    assert result.error == "timeout" and not result.ok
    assert "i/o timeout" in result.errtext or "no answer" in result.errtext


def test_http_get_refused_and_the_proxy_in_its_argv():
    from gotriage.host.httpget import http_get

    port = _closed_port()
    result = http_get("http://sum.example/latest", proxy="http://user:pw@127.0.0.1:%d" % port,
                      timeout=2)
    assert result.returncode == 1 and "connection refused" in result.errtext
    assert result.argv == ["http-get", "http://sum.example/latest", "--proxy",
                           "http://127.0.0.1:%d" % port]


# -- go.sum against the module cache ----------------------------------------------------------
@pytest.mark.parametrize("version", VERSIONS)
def test_go_sum_that_does_not_match_the_cached_module(tmp_path, home, toolchains, version):
    """The module is in the cache (an upper-case path: escaped there), go.sum holds another
    hash (a re-tagged version): go stops every build with SECURITY ERROR."""
    t = toolchains[version]
    path = "example.com/Dep"
    project = project_requiring(tmp_path / "app", path)
    (project / "main.go").write_text('package main\n\nimport dep "example.com/Dep"\n\n'
                                     'func main() { println(dep.Name) }\n')
    good = go_sum_lines(path, "v1.0.0")
    (project / "go.sum").write_text("\n".join(good) + "\n")
    with ModuleProxy([(path, "v1.0.0")]) as proxy:
        env = base_env(home, [t.bindir], GOPROXY=proxy.url, GONOSUMDB="example.com")
        code, out = run_go(t.go, ["build", "-o", os.devnull, "."], env, project)
        assert code == 0, out
        assert not found(gotriage(env, project), "GO-SUMDB-MISMATCH")
        other = "%s v1.0.0 h1:%s=" % (path, "A" * 43)
        (project / "go.sum").write_text(other + "\n" + good[1] + "\n")
        code, out = run_go(t.go, ["build", "-o", os.devnull, "."], env, project)
        assert code != 0 and "SECURITY ERROR" in out
        run = gotriage(env, project)
    [f] = found(run, "GO-SUMDB-MISMATCH")
    for line in f["predicted_error"].splitlines():
        assert line in out, (line, out)
    assert f["evidence"][0] == {"kind": "file", "source": str(project / "go.sum"), "line": 1,
                                "text": other}
    assert f["evidence"][1]["source"].endswith("/cache/download/example.com/!dep/@v/v1.0.0.ziphash")
    assert ["go", "clean", "-modcache"] in [a.get("argv") for a in f["fix"]]
