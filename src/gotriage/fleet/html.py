"""The fleet report's one static HTML page (docs/fleet.md): pure, summary in, text out.

The page works offline from a file:// URL: its CSS and script are inline, its data is
the summary embedded as JSON in a <script type="application/json">, and its
Content-Security-Policy forbids every request (no network, no other file).  The script
builds the page with textContent and createElement only, never innerHTML: a hostile host
name or finding title is text, not markup.  The filters live in the URL's fragment
(`#layer=selinux&severity=error&id=GO-ROOT-MISMATCH&host=web1`), so that a link, or a
headless browser, opens the page filtered.
"""

from html import escape

CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
       "img-src data:; base-uri 'none'; form-action 'none'")


def script_json(text):
    """JSON text made safe inside a <script> element: no `<`, `>` or `&` (so no
    `</script>` nor `<!--`), no U+2028/U+2029; JSON.parse reads it back unchanged.

    >>> script_json('{"a": "</script><!--&"}')
    '{"a": "\\\\u003c/script\\\\u003e\\\\u003c!--\\\\u0026"}'
    """
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def render(summary_json, title="gotriage fleet report"):
    """The page, for the summary document as JSON text (report.dumps)."""
    return (_PAGE.replace("@TITLE@", escape(title))
            .replace("@CSP@", escape(CSP))
            .replace("@CSS@", _CSS)
            .replace("@SCRIPT@", _SCRIPT)
            .replace("@DATA@", script_json(summary_json)))


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="@CSP@">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>@TITLE@</title>
<style>@CSS@</style>
</head>
<body data-state="loading">
<header><h1>@TITLE@</h1><p id="totals"></p></header>
<noscript><p>This page draws its tables with JavaScript; the data is in fleet.json beside it.</p></noscript>
<form id="filters">
<label>Layer <select id="f-layer"><option value="">all</option></select></label>
<label>Severity at least <select id="f-severity"><option value="">any</option>
<option value="info">info</option><option value="warn">warn</option>
<option value="error">error</option></select></label>
<label>Finding <select id="f-id"><option value="">all</option></select></label>
<a id="f-clear" href="#">clear filters</a>
</form>
<section id="host-view" hidden></section>
<section><h2>Hosts &times; layers <span class="count" id="matrix-count"></span></h2>
<p class="hint">Worst severity per layer; with a filter, of the findings it keeps.
A host's name opens its findings.</p>
<div class="scroll"><table id="matrix"><thead></thead><tbody></tbody></table></div></section>
<section><h2>Most common findings</h2><table id="common"><thead><tr><th>Finding</th>
<th>Severity</th><th>Layer</th><th>Hosts</th><th>Title (one host's)</th><th>Hit</th></tr></thead>
<tbody></tbody></table></section>
<section><h2>Grouped by cause: same finding, same fix</h2><div id="causes"></div></section>
<footer><span id="render-ms"></span></footer>
<script type="application/json" id="fleet-data">@DATA@</script>
<script>@SCRIPT@</script>
</body>
</html>
"""

_CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:0 1.5em 2em;color:#222;background:#fff}
h1{font-size:1.4em;margin:.6em 0 .2em}h2{font-size:1.15em;margin:1.2em 0 .4em}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;
vertical-align:top}th{background:#f3f3f3}.scroll{max-height:70vh;overflow:auto}
#filters{position:sticky;top:0;background:#fff;padding:.4em 0;border-bottom:1px solid #ddd}
#filters label{margin-right:1em}
.sev-error{background:#e74c3c;color:#fff}.sev-warn{background:#f5b041}
.sev-info{background:#aed6f1}.sev-ok{background:#a9dfbf}.sev-none{background:#fff}
.broken{background:#d7bde2}td.cell{text-align:center;min-width:5em}
.count,.hint{color:#666;font-weight:normal;font-size:.9em}
pre{background:#f6f6f6;padding:4px 6px;margin:2px 0;white-space:pre-wrap;word-break:break-all}
.finding{border:1px solid #ddd;margin:.5em 0;padding:.3em .6em}.finding h4{margin:.2em 0}
.tag{display:inline-block;padding:0 .4em;border-radius:3px;margin-right:.4em}
#host-view{border:2px solid #555;padding:.2em 1em;margin:1em 0}
.cause{margin:.6em 0}
"""

_SCRIPT = r"""
"use strict";
(function () {
  var T0 = performance.now();
  var DATA = JSON.parse(document.getElementById("fleet-data").textContent);
  var RANK = {ok: 0, info: 1, warn: 2, error: 3};
  var SHOWN_HOSTS = 40;  // names listed per finding before "and N more"

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) for (var k in attrs) {
      if (k === "text") node.textContent = attrs[k]; else node.setAttribute(k, attrs[k]);
    }
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function readFilters() {
    var params = new URLSearchParams(location.search.slice(1));
    new URLSearchParams(location.hash.slice(1)).forEach(function (v, k) { params.set(k, v); });
    return {layer: params.get("layer") || "", severity: params.get("severity") || "",
            id: params.get("id") || "", host: params.get("host") || ""};
  }
  function hashOf(f) {
    var p = new URLSearchParams();
    ["layer", "severity", "id", "host"].forEach(function (k) { if (f[k]) p.set(k, f[k]); });
    return "#" + p.toString();
  }
  function keeps(f, finding) {
    return (!f.layer || finding.layer === f.layer) &&
           (!f.severity || RANK[finding.severity] >= RANK[f.severity]) &&
           (!f.id || finding.id === f.id);
  }
  function filtering(f) { return !!(f.layer || f.severity || f.id); }
  function hostLink(f, host) {
    var to = Object.assign({}, f, {host: host.name});
    return el("a", {href: hashOf(to), "class": "host", text: host.name});
  }

  function fillSelects(f) {
    var ids = {};
    DATA.common.forEach(function (c) { ids[c.id] = true; });
    [["f-layer", DATA.layers], ["f-id", Object.keys(ids).sort()]].forEach(function (pair) {
      var select = document.getElementById(pair[0]);
      pair[1].forEach(function (v) { select.appendChild(el("option", {value: v, text: v})); });
    });
    ["layer", "severity", "id"].forEach(function (k) {
      var select = document.getElementById("f-" + k);
      select.value = f[k];
      if (select.value !== f[k]) {  // a value from the URL that no host has: keep it
        select.appendChild(el("option", {value: f[k], text: f[k]}));
        select.value = f[k];
      }
      select.onchange = function () {
        var now = readFilters();
        now[k] = select.value;
        location.hash = hashOf(now);
      };
    });
  }

  function renderMatrix(f) {
    var table = document.getElementById("matrix");
    var head = table.tHead, body = table.tBodies[0];
    clear(head); clear(body);
    head.appendChild(el("tr", null, [el("th", {text: "Host"})].concat(
      DATA.layers.map(function (l) { return el("th", {text: l}); }))));
    var rows = 0, frag = document.createDocumentFragment();
    DATA.hosts.forEach(function (h) {
      var cells;
      if (h.error !== null) {
        if (filtering(f)) return;
        frag.appendChild(el("tr", {"class": "broken", "data-host": h.name}, [
          el("td", null, [hostLink(f, h)]),
          el("td", {colspan: String(DATA.layers.length), "class": "error",
                    text: "not analysed: " + h.error})]));
        rows++;
        return;
      }
      if (filtering(f)) {
        cells = {};
        h.findings.forEach(function (i) {
          var x = DATA.findings[i];
          if (keeps(f, x) && !(RANK[cells[x.layer]] >= RANK[x.severity])) cells[x.layer] = x.severity;
        });
        if (!Object.keys(cells).length) return;
      } else {
        cells = h.cells;
      }
      var tr = el("tr", {"data-host": h.name}, [el("td", null, [hostLink(f, h)])]);
      DATA.layers.forEach(function (l) {
        var s = cells[l];
        tr.appendChild(el("td", {"class": "cell sev-" + (s || "none"), "data-layer": l,
                                 text: s || (h.cells[l] === undefined ? "\u2013" : "")}));
      });
      frag.appendChild(tr);
      rows++;
    });
    body.appendChild(frag);
    document.getElementById("matrix-count").textContent =
      rows + " of " + DATA.hosts.length + " hosts";
  }

  function hostNames(numbers) {
    var names = numbers.slice(0, SHOWN_HOSTS).map(function (n) { return DATA.hosts[n].name; });
    var text = names.join(", ");
    if (numbers.length > SHOWN_HOSTS) text += " and " + (numbers.length - SHOWN_HOSTS) + " more";
    return text;
  }

  function renderCommon(f) {
    var body = document.getElementById("common").tBodies[0];
    clear(body);
    DATA.common.forEach(function (c) {
      if (!keeps(f, c)) return;
      body.appendChild(el("tr", {"data-id": c.id}, [
        el("td", null, [el("a", {href: hashOf(Object.assign({}, f, {id: c.id})), text: c.id})]),
        el("td", {"class": "sev-" + c.severity, text: c.severity}),
        el("td", {text: c.layer}), el("td", {"class": "hits", text: String(c.hosts.length)}),
        el("td", {text: c.title || ""}), el("td", {"class": "names", text: hostNames(c.hosts)})]));
    });
  }

  function renderCauses(f) {
    var box = document.getElementById("causes");
    clear(box);
    DATA.causes.forEach(function (c) {
      if (!keeps(f, c)) return;
      var div = el("div", {"class": "cause", "data-id": c.id}, [
        el("h3", null, [el("span", {"class": "tag sev-" + c.severity, text: c.severity}),
          c.id + " on " + c.hosts.length + (c.hosts.length === 1 ? " host" : " hosts") +
          (c.fix.length ? ", same fix" : ", no fix offered")]),
        el("p", {"class": "names", text: hostNames(c.hosts)})]);
      if (c.fix.length) div.appendChild(el("pre", {"class": "fix", text: c.fix.join("\n")}));
      box.appendChild(div);
    });
  }

  function renderFinding(x) {
    var div = el("div", {"class": "finding", "data-id": x.id}, [
      el("h4", null, [el("span", {"class": "tag sev-" + x.severity, text: x.severity}),
                      x.id + " (" + x.layer + "): " + (x.title || "")])]);
    if (x.why) div.appendChild(el("p", {"class": "why", text: x.why}));
    var ev = (x.evidence || []).map(function (e) {
      var where = e.source ? e.source + (e.line ? ":" + e.line : "") + ": " : "";
      return el("li", {text: where + (e.text || (e.argv || []).join(" "))});
    });
    if (ev.length) div.appendChild(el("ul", {"class": "evidence"}, ev));
    (x.fix || []).forEach(function (a) {
      var text = a.kind === "command" ? a.shell :
                 a.kind === "edit" ? "edit " + a.path + ": " + (a.line || "") : a.description;
      if (a.description && a.kind !== "note") div.appendChild(el("p", {text: a.description}));
      if (text) div.appendChild(el("pre", {"class": "fix", text: text}));
    });
    return div;
  }

  function renderHost(f) {
    var box = document.getElementById("host-view");
    clear(box);
    var host = null;
    DATA.hosts.forEach(function (h) { if (h.name === f.host) host = h; });
    box.hidden = !f.host;
    if (!f.host) return;
    var back = Object.assign({}, f, {host: ""});
    box.appendChild(el("p", null, [el("a", {href: hashOf(back), text: "close"})]));
    if (!host) { box.appendChild(el("h2", {text: "No host named " + f.host})); return; }
    box.setAttribute("data-host", host.name);
    box.appendChild(el("h2", {text: host.name}));
    box.appendChild(el("p", {text: "input: " + host.input + " (" + host.kind + ")" +
      (host.hostname ? "; hostname: " + host.hostname : "")}));
    if (host.error !== null) {
      box.appendChild(el("p", {"class": "error", text: "not analysed: " + host.error}));
      return;
    }
    var shown = host.findings.map(function (i) { return DATA.findings[i]; })
      .filter(function (x) { return keeps(f, x); })
      .sort(function (a, b) { return RANK[b.severity] - RANK[a.severity]; });
    box.appendChild(el("p", {text: shown.length + " of " + host.findings.length +
      " findings shown (" + host.counts.ok + " checks ok)"}));
    shown.forEach(function (x) { box.appendChild(renderFinding(x)); });
  }

  function render() {
    var t = performance.now(), f = readFilters();
    ["layer", "severity", "id"].forEach(function (k) {
      var s = document.getElementById("f-" + k);
      if (s.value !== f[k]) s.value = f[k];
    });
    renderHost(f); renderMatrix(f); renderCommon(f); renderCauses(f);
    var ms = document.getElementById("render-ms");
    ms.setAttribute("data-filter-ms", (performance.now() - t).toFixed(1));
    ms.setAttribute("data-total-ms", performance.now().toFixed(1));
    ms.textContent = "drawn in " + (performance.now() - t).toFixed(0) + " ms";
    var box = document.getElementById("matrix").getBoundingClientRect();
    ms.setAttribute("data-matrix-px", Math.round(box.width) + "x" + Math.round(box.height));
    document.body.setAttribute("data-state", "ready");
  }

  var t = DATA.totals;
  document.getElementById("totals").textContent = t.hosts + " hosts (" + t.broken +
    " not analysed); worst: " + ["error", "warn", "info", "ok"].map(function (s) {
      return t.worst[s] + " " + s; }).join(", ") +
    (DATA.generated ? "; generated " + DATA.generated : "");
  fillSelects(readFilters());
  document.getElementById("f-clear").onclick = function () { location.hash = "#"; return false; };
  window.addEventListener("hashchange", render);
  render();
  document.getElementById("render-ms").setAttribute("data-script-ms", (performance.now() - T0).toFixed(1));
})();
"""
