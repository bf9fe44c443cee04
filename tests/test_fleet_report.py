"""`gotriage fleet report` (docs/fleet.md): a fleet made of the repository's real snapshots
and of real `check --json` reports of them, copied under many host names (some hostile),
with broken inputs among them; the aggregation checked against the per-host reports; the
page opened in a real headless Chromium from file:// with the network disabled."""

import json
import os
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import zlib
from html.parser import HTMLParser
from urllib.parse import quote, urlencode

import pytest

from conftest import need, workstation

pytestmark = workstation

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "tests", "data")
SNAPSHOTS = [os.path.join(DATA, "snapshots", n) for n in ("el7-sudo-path", "el8-old-go",
                                                          "el9-goroot-envfile")] + \
            [os.path.join(DATA, "services", n) for n in ("el7-services", "el8-services",
                                                         "el9-services")]
HOSTILE = ["<script>alert(1)</script>", "quote\"s and 'apostrophes'", "amp&lt;not-a-tag&gt;",
           "</table><img src=x onerror=alert(2)>"]
NON_UTF8 = b"host-\xff\xfe-latin1"
COPIES = 4  # each real report copied this many times under other names
RED = (0xe7, 0x4c, 0x3c)  # .sev-error's background in the page's CSS
SEVERITIES = ("ok", "info", "warn", "error")


def gotriage(*argv, **kw):
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))
    return subprocess.run([sys.executable, "-m", "gotriage"] + list(argv), env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300, **kw)


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    """The fleet directory, the real report of each snapshot, what each input should be,
    and the output of `fleet report` on it."""
    top = str(tmp_path_factory.mktemp("fleet"))
    inputs = os.path.join(top, "in")
    os.mkdir(inputs)
    reports = {}
    expected = {}  # host name -> the report it must match, or "broken"
    for snap in SNAPSHOTS:
        proc = gotriage("check", "--root", snap, "--json")
        assert proc.returncode in (0, 1), proc.stderr
        reports[os.path.basename(snap)] = json.loads(proc.stdout.decode("utf-8"))
    names = sorted(reports)
    for n, name in enumerate(names):
        for copy in range(COPIES):
            host = "%s-r%d" % (name, copy)
            doc = reports[name]
            if copy == 1:  # the hostname the report names is hostile too
                doc = json.loads(json.dumps(doc))
                doc["host"]["hostname"] = HOSTILE[n % len(HOSTILE)]
            with open(os.path.join(inputs, host + ".json"), "w") as f:
                json.dump(doc, f)
            expected[host] = reports[name]
        # the snapshot itself under two names: analysed by fleet report as check --root does
        shutil.copytree(snaps_by_name()[name], os.path.join(inputs, name + "-snap"))
        expected[name + "-snap"] = reports[name]
    for n, hostile in enumerate(HOSTILE):
        name = names[n % len(names)]
        with open(os.path.join(inputs, hostile.replace("/", "\u2215") + ".json"), "w") as f:
            json.dump(reports[name], f)
        expected[hostile.replace("/", "\u2215")] = reports[name]
    fd = os.open(os.path.join(os.fsencode(inputs), NON_UTF8 + b".json"),
                 os.O_WRONLY | os.O_CREAT, 0o644)
    with os.fdopen(fd, "w") as f:
        json.dump(reports[names[0]], f)
    expected["host-\\xff\\xfe-latin1"] = reports[names[0]]
    # an archive, as collect writes one
    with tarfile.open(os.path.join(inputs, "archived.tar.gz"), "w:gz") as tar:
        tar.add(snaps_by_name()[names[-1]], arcname="archived")
    expected["archived"] = reports[names[-1]]
    # broken inputs: each listed with its error, none stopping the rest
    with open(os.path.join(inputs, "truncated.json"), "w") as f:
        f.write(json.dumps(reports[names[0]])[:500])
    with open(os.path.join(inputs, "latin1.json"), "wb") as f:
        f.write(b'{"results": ["\xff"]}')
    with open(os.path.join(inputs, "not-a-report.json"), "w") as f:
        f.write('{"hello": "world"}')
    with open(os.path.join(inputs, "corrupt.tar.gz"), "wb") as f:
        f.write(b"\x1f\x8b\x08\x00" + os.urandom(300))
    bad = os.path.join(inputs, "bad-manifest")
    shutil.copytree(snaps_by_name()[names[0]], bad)
    with open(os.path.join(bad, "gotriage-snapshot.json"), "w") as f:
        f.write("[1, 2")
    broken = ["truncated", "latin1", "not-a-report", "corrupt", "bad-manifest"]
    for b in broken:
        expected[b] = "broken"
    out = os.path.join(top, "out")
    proc = gotriage("fleet", "report", inputs, "-o", out, "-j", "2")
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    with open(os.path.join(out, "fleet.json"), encoding="utf-8") as f:
        summary = json.load(f)
    return {"top": top, "out": out, "summary": summary, "expected": expected,
            "stdout": proc.stdout.decode("utf-8"), "page": os.path.join(out, "fleet.html")}


def snaps_by_name():
    return {os.path.basename(s): s for s in SNAPSHOTS}


def worst_by_layer(doc):
    cells = {layer: "ok" for layer in doc["layers"]}
    for r in doc["results"]:
        layer = r["layer"] or "other"
        if SEVERITIES.index(r["severity"]) >= SEVERITIES.index(cells.get(layer, "ok")):
            cells[layer] = r["severity"]
    return cells


def test_every_input_is_a_host_and_counts_match_its_report(fleet):
    summary, expected = fleet["summary"], fleet["expected"]
    by_name = {h["name"]: h for h in summary["hosts"]}
    assert sorted(by_name) == sorted(expected)
    assert summary["totals"]["hosts"] == len(expected)
    for name, doc in expected.items():
        host = by_name[name]
        if doc == "broken":
            assert host["error"], name
            assert "Traceback" not in host["error"] and "\n" not in host["error"]
            continue
        assert host["error"] is None, (name, host["error"])
        assert host["counts"] == doc["summary"]["counts"], name
        assert host["worst"] == doc["summary"]["worst"], name
        assert host["cells"] == worst_by_layer(doc), name
        mine = sorted((summary["findings"][i]["id"], summary["findings"][i]["title"])
                      for i in host["findings"])
        assert mine == sorted((r["id"], r["title"]) for r in doc["results"]
                              if r["severity"] != "ok"), name
    assert summary["totals"]["broken"] == sum(1 for d in expected.values() if d == "broken")
    for broken in ("truncated", "corrupt", "bad-manifest"):
        assert "not analysed: %s: " % broken in fleet["stdout"]


def test_summary_follows_its_schema(fleet):
    import jsonschema

    with open(os.path.join(ROOT, "docs", "fleet.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft7Validator.check_schema(schema)
    errors = ["%s: %s" % ("/".join(str(p) for p in e.absolute_path), e.message)
              for e in jsonschema.Draft7Validator(schema).iter_errors(fleet["summary"])]
    assert errors == []
    hosts, findings = len(fleet["summary"]["hosts"]), len(fleet["summary"]["findings"])
    for h in fleet["summary"]["hosts"]:
        assert all(0 <= i < findings for i in h["findings"])
    for group in fleet["summary"]["common"] + fleet["summary"]["causes"]:
        assert all(0 <= i < hosts for i in group["hosts"])


def test_common_findings_and_causes_count_the_hosts_they_hit(fleet):
    summary, expected = fleet["summary"], fleet["expected"]
    names = [h["name"] for h in summary["hosts"]]
    hit = {}
    for name, doc in expected.items():
        if doc != "broken":
            for r in doc["results"]:
                if r["severity"] != "ok":
                    hit.setdefault(r["id"], set()).add(name)
    assert {c["id"]: {names[i] for i in c["hosts"]} for c in summary["common"]} == hit
    counts = [len(c["hosts"]) for c in summary["common"]]
    assert counts == sorted(counts, reverse=True)
    # a cause's hosts all have that finding with exactly that fix; the causes of one id
    # together cover the hosts of its common entry
    for cause in summary["causes"]:
        for number in cause["hosts"]:
            doc = expected[names[number]]
            fixes = [[a.get("shell") or a.get("path") for a in r["fix"]]
                     for r in doc["results"] if r["id"] == cause["id"]]
            assert fixes, (cause["id"], names[number])
    for entry in summary["common"]:
        covered = set()
        for cause in summary["causes"]:
            if cause["id"] == entry["id"]:
                covered.update(cause["hosts"])
        assert covered == set(entry["hosts"])
    # the real fleet has one fix shared by many hosts (dnf upgrade of an old minor release)
    top = max(summary["causes"], key=lambda c: len(c["hosts"]))
    assert len(top["hosts"]) >= COPIES + 1 and top["fix"]


def test_page_embeds_the_summary_and_no_hostile_markup(fleet):
    with open(fleet["page"], encoding="utf-8") as f:
        page = f.read()
    parsed = _Page()
    parsed.feed(page)
    assert parsed.tags.count("script") == 2  # the data and the code: no other
    assert not [a for a in parsed.attrs if a[0].startswith("on")]
    assert not [a for a in parsed.attrs if a[0] in ("src", "href") and a[1] != "#"]
    assert json.loads(parsed.data) == fleet["summary"]
    assert ("http-equiv", "Content-Security-Policy") in parsed.attrs
    assert [v for k, v in parsed.attrs if k == "content" and v.startswith("default-src 'none';")]
    for hostile in HOSTILE:
        assert hostile not in page


# -- in a real browser ------------------------------------------------------------------
def chromium():
    path = shutil.which("chromium")
    need(path, "chromium (Debian package chromium) opens the fleet page")
    return path


def browse(url, *flags):
    """Chromium headless on `url`, with the network disabled; returns its stdout."""
    profile = tempfile.mkdtemp(prefix="gotriage-chromium-")
    try:
        proc = subprocess.run(
            [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--user-data-dir=" + profile, "--host-resolver-rules=MAP * ~NOTFOUND",
             "--window-size=1200,900", "--virtual-time-budget=5000"] + list(flags) + [url],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        assert proc.returncode == 0, proc.stderr[-2000:]
        return proc.stdout
    finally:
        shutil.rmtree(profile, ignore_errors=True)


class _Page(HTMLParser):
    """What a test reads from the page: tags, attributes, matrix rows, host view."""

    def __init__(self):
        HTMLParser.__init__(self, convert_charrefs=True)
        self.tags, self.attrs, self.data = [], [], ""
        self.rows, self.common, self.causes, self.timing = [], [], [], {}
        self.host_view, self.host_findings, self.state = None, [], None
        self._in_data = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        a = dict(attrs)
        self.attrs.extend(attrs)
        if tag == "script" and a.get("id") == "fleet-data":
            self._in_data = True
        if tag == "body":
            self.state = a.get("data-state")
        if tag == "tr" and "data-host" in a:
            self.rows.append(a["data-host"])
        if tag == "tr" and "data-id" in a:
            self.common.append(a["data-id"])
        if tag == "div" and a.get("class") == "cause":
            self.causes.append(a["data-id"])
        if tag == "div" and a.get("class") == "finding":
            self.host_findings.append(a["data-id"])
        if tag == "section" and a.get("id") == "host-view" and "hidden" not in a:
            self.host_view = a.get("data-host")
        if tag == "span" and a.get("id") == "render-ms":
            self.timing = a

    def handle_endtag(self, tag):
        self._in_data = False

    def handle_data(self, data):
        if self._in_data:
            self.data += data


def dom(fleet, fragment=""):
    page = _Page()
    page.feed(browse("file://" + quote(fleet["page"]) + fragment, "--dump-dom")
              .decode("utf-8"))
    assert page.state == "ready"
    return page


def matching(summary, layer=None, severity=None, id=None):
    def keeps(f):
        return ((layer is None or f["layer"] == layer)
                and (severity is None or SEVERITIES.index(f["severity"]) >= SEVERITIES.index(severity))
                and (id is None or f["id"] == id))
    hosts = [h["name"] for h in summary["hosts"]
             if any(keeps(summary["findings"][i]) for i in h["findings"])]
    ids = [c["id"] for c in summary["common"] if keeps(c)]
    return hosts, ids


def test_page_unfiltered_lists_every_host_with_hostile_names_as_text(fleet):
    page = dom(fleet)
    summary = fleet["summary"]
    assert page.rows == [h["name"] for h in summary["hosts"]]
    assert page.tags.count("script") == 2 and "img" not in page.tags
    assert page.common == [c["id"] for c in summary["common"]]
    assert page.causes == [c["id"] for c in summary["causes"]]
    for hostile in HOSTILE:
        assert hostile.replace("/", "\u2215") in page.rows


@pytest.mark.parametrize("layer,severity", [("service", "error"), ("toolchain", "warn"),
                                            ("system", None), (None, "error")])
def test_page_filters_by_layer_and_severity_from_the_url(fleet, layer, severity):
    fragment = "#" + "&".join("%s=%s" % (k, v) for k, v in (("layer", layer),
                                                           ("severity", severity)) if v)
    page = dom(fleet, fragment)
    hosts, ids = matching(fleet["summary"], layer, severity)
    assert hosts and ids
    assert page.rows == hosts
    assert page.common == ids
    assert len(hosts) < len(fleet["summary"]["hosts"])


def test_page_filters_by_finding_id(fleet):
    summary = fleet["summary"]
    rare = summary["common"][-1]["id"]
    page = dom(fleet, "#id=" + rare)
    hosts, ids = matching(summary, id=rare)
    assert page.rows == hosts and ids == [rare] and page.common == [rare]
    assert set(page.causes) == {rare}


def test_drill_down_shows_one_hostile_hosts_findings(fleet):
    summary = fleet["summary"]
    name = HOSTILE[3].replace("/", "\u2215")
    host = [h for h in summary["hosts"] if h["name"] == name][0]
    page = dom(fleet, "#host=" + quote(name, safe=""))
    assert page.host_view == name
    assert sorted(page.host_findings) == sorted(summary["findings"][i]["id"]
                                                for i in host["findings"])
    assert "img" not in page.tags
    broken = dom(fleet, "#host=corrupt")
    assert broken.host_view == "corrupt" and broken.host_findings == []


def png_pixels(data):
    """(width, height, rows of RGB tuples) of an 8-bit RGB or RGBA PNG, with zlib alone."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0
    bpp = 3 if colour == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, bpp)])
        prev = line
    return width, height, rows


def test_screenshot_shows_the_matrix(fleet, tmp_path):
    shot = str(tmp_path / "fleet.png")
    browse("file://" + quote(fleet["page"]) + "#severity=error", "--screenshot=" + shot,
           "--hide-scrollbars")
    with open(shot, "rb") as f:
        width, height, rows = png_pixels(f.read())
    assert (width, height) == (1200, 900)
    colours = {p for row in rows for p in row}
    assert len(colours) > 20  # text, cells, borders: not a blank page
    red = [(x, y) for y, row in enumerate(rows) for x, p in enumerate(row) if p == RED]
    assert len(red) > 500  # the error cells are drawn
    # the matrix as the page measured it: as wide as its six layer columns, as high as
    # one row per host with an error (at least 15 px each)
    page = dom(fleet, "#severity=error")
    w, h = (int(v) for v in page.timing["data-matrix-px"].split("x"))
    rows_shown = len(page.rows)
    assert 6 * 60 < w < 1200 and rows_shown * 15 < h < (rows_shown + 1) * 60


# -- no request leaves the page: Chromium's DevTools protocol over a pipe -----------------
class DevTools(object):
    """Chromium started with --remote-debugging-pipe: commands in on fd 3, answers and
    events out on fd 4, each a JSON message ended by a NUL byte."""

    def __init__(self):
        to_child, self._send_fd = os.pipe()
        self._recv_fd, from_child = os.pipe()
        self.profile = tempfile.mkdtemp(prefix="gotriage-chromium-")

        def wire():
            os.dup2(to_child, 3)
            os.dup2(from_child, 4)
        self.proc = subprocess.Popen(
            [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--user-data-dir=" + self.profile, "--host-resolver-rules=MAP * ~NOTFOUND",
             "--remote-debugging-pipe", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, close_fds=False,
            preexec_fn=wire)
        os.close(to_child)
        os.close(from_child)
        self._buf, self._next, self.events = b"", 0, []

    def _read(self):
        import select

        while b"\0" not in self._buf:
            ready, _, _ = select.select([self._recv_fd], [], [], 30)
            assert ready, "chromium said nothing for 30 s"
            chunk = os.read(self._recv_fd, 65536)
            assert chunk, "chromium closed its pipe"
            self._buf += chunk
        message, self._buf = self._buf.split(b"\0", 1)
        return json.loads(message.decode("utf-8"))

    def call(self, method, session=None, **params):
        self._next += 1
        message = {"id": self._next, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._send_fd, json.dumps(message).encode("utf-8") + b"\0")
        while True:
            answer = self._read()
            if answer.get("id") == self._next:
                assert "error" not in answer, answer
                return answer["result"]
            self.events.append(answer)

    def wait_for(self, method):
        for event in self.events:
            if event.get("method") == method:
                return event
        while True:
            event = self._read()
            self.events.append(event)
            if event.get("method") == method:
                return event

    def close(self):
        try:
            self.call("Browser.close")
        except (AssertionError, OSError):
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._send_fd)
        os.close(self._recv_fd)
        shutil.rmtree(self.profile, ignore_errors=True)


def test_page_makes_no_request_but_its_own_file_and_its_drop_downs_filter(fleet):
    chromium()
    tools = DevTools()
    try:
        target = tools.call("Target.createTarget", url="about:blank")["targetId"]
        session = tools.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        tools.call("Network.enable", session)
        tools.call("Page.enable", session)
        url = "file://" + quote(fleet["page"]) + "#host=" + quote(HOSTILE[0], safe="")
        tools.call("Page.navigate", session, url=url)
        tools.wait_for("Page.loadEventFired")
        state = tools.call("Runtime.evaluate", session,
                           expression="document.body.dataset.state + ' ' + "
                                      "document.querySelectorAll('#matrix tbody tr').length")
        requests = [e["params"]["request"]["url"] for e in tools.events
                    if e.get("method") == "Network.requestWillBeSent"]
        # the page would try: an injected <img> of a hostile name would show here
        blocked = tools.call("Runtime.evaluate", session, expression=(
            "fetch('http://example.com/').then(function(){return 'sent'},"
            "function(e){return 'refused'})"), awaitPromise=True)
        # the drop-downs: choosing a severity rewrites the fragment, which redraws the page
        chosen = tools.call("Runtime.evaluate", session, awaitPromise=True, expression=(
            "new Promise(function (done) {"
            " window.addEventListener('hashchange', function () { setTimeout(function () {"
            "  done(location.hash + ' ' + Array.prototype.map.call("
            "   document.querySelectorAll('#matrix tbody tr'),"
            "   function (tr) { return tr.dataset.host; }).join('\\n')); }, 0); });"
            " var s = document.getElementById('f-severity'); s.value = 'error';"
            " s.dispatchEvent(new Event('change')); })"))
    finally:
        tools.close()
    fragment, _, rows = chosen["result"]["value"].partition(" ")
    assert fragment == "#" + urlencode([("severity", "error"), ("host", HOSTILE[0])])
    assert rows.split("\n") == matching(fleet["summary"], severity="error")[0]
    assert state["result"]["value"] == "ready %d" % len(fleet["summary"]["hosts"])
    assert requests and all(u.startswith("file://") for u in requests), requests
    assert blocked["result"]["value"] == "refused"  # the page's CSP refuses it


def test_a_fleet_run_directory_is_read_host_by_host(fleet, tmp_path):
    """`fleet run -o DIR` (fleet/run.py) writes DIR/HOST/report.json, snapshot.tar.gz or
    error.json, and DIR/run.json: each HOST is one host, run.json none."""
    run = tmp_path / "run"
    names = sorted(snaps_by_name())
    for host, name in (("web1", names[0]), ("web2", names[-1])):
        (run / host).mkdir(parents=True)
        shutil.copy(os.path.join(fleet["top"], "in", name + "-r0.json"),
                    str(run / host / "report.json"))
    (run / "old-el7").mkdir()
    with tarfile.open(str(run / "old-el7" / "snapshot.tar.gz"), "w:gz") as tar:
        tar.add(snaps_by_name()[names[1]], arcname="snapshot")
    (run / "down1").mkdir()
    (run / "down1" / "error.json").write_text(json.dumps(
        {"host": "down1", "status": "down", "message": "ssh: connect to host 10.0.0.9 port 22: "
                                                       "No route to host"}))
    (run / "run.json").write_text(json.dumps({"hosts": {"web1": {"status": "ok"}}}))
    out = tmp_path / "out"
    proc = gotriage("fleet", "report", str(run), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((out / "fleet.json").read_text())
    hosts = {h["name"]: h for h in summary["hosts"]}
    assert sorted(hosts) == ["down1", "old-el7", "web1", "web2"]
    assert hosts["down1"]["error"] == ("fleet run: down: ssh: connect to host 10.0.0.9 port "
                                       "22: No route to host")
    assert hosts["web1"]["kind"] == "report" and hosts["old-el7"]["kind"] == "snapshot"
    assert hosts["old-el7"]["counts"] == fleet["expected"][names[1] + "-snap"]["summary"]["counts"]
    assert hosts["web2"]["counts"] == fleet["expected"][names[-1] + "-snap"]["summary"]["counts"]
    # written into the directory it reads, its own fleet.json is no host the next time
    proc = gotriage("fleet", "report", str(run), "-o", str(run))
    assert proc.returncode == 0, proc.stderr
    proc = gotriage("fleet", "report", str(run), "-o", str(run))
    again = json.loads((run / "fleet.json").read_text())
    assert sorted(h["name"] for h in again["hosts"]) == sorted(hosts)


def test_fleet_needs_an_action_and_inputs(tmp_path):
    proc = gotriage("fleet")
    assert proc.returncode == 2 and b"fleet needs an action" in proc.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = gotriage("fleet", "report", str(empty), "-o", str(tmp_path / "out"))
    assert proc.returncode == 2 and b"Traceback" not in proc.stderr
    assert proc.stderr.decode().count("\n") == 1


def test_script_json_round_trips():
    from gotriage.fleet.html import script_json

    hostile = {"a": "</script><!--<script>&\u2028\u2029", "b": HOSTILE}
    text = script_json(json.dumps(hostile, ensure_ascii=False))
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == hostile


