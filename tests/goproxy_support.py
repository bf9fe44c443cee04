"""A module proxy and checksum database stand-in on 127.0.0.1, for the tests that run the
real go against them (tests/test_realgo_sumdb.py).

`ModuleProxy` serves the GOPROXY protocol (go.dev/ref/mod#goproxy-protocol) for a few
small modules it builds itself, and the proxied checksum database paths
(`/sumdb/NAME/supported`, `/sumdb/NAME/lookup/...`) with the answer each test asks
for: 200, 404 or 410 Gone (what sum.golang.org answers for a module it cannot fetch,
such as a private one).  It runs in a thread of the test process, on a port the kernel
picks, and is shut down by the test (a `with` block).

`go_sum_lines` computes the go.sum lines of a module as go does (dirhash's Hash1), so a
test can write a go.sum that go accepts, or one that does not match (SECURITY ERROR).

`run_offline(spec)` runs commands in a new network namespace with only the loopback
interface, the stand-in started inside it: an air-gapped host, made by the test (root
only; nothing leaves it, and everything it started ends with it).
"""

import base64
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, HTTPServer


def module_files(path, version, go="1.19"):
    """The files of a small module: go.mod and one package file."""
    name = path.rsplit("/", 1)[-1].replace("-", "_").replace(".", "_")
    return {"go.mod": "module %s\n\ngo %s\n" % (path, go),
            "%s.go" % name: "package %s\n\nconst Name = %s\n" % (
                name, json.dumps(path + "@" + version))}


def _hash1(files):
    """dirhash.Hash1 over {name: content}: h1: + base64(sha256 of the sorted
    "SHA256HEX  NAME\\n" lines)."""
    summary = "".join("%s  %s\n" % (hashlib.sha256(files[n].encode()).hexdigest(), n)
                      for n in sorted(files))
    return "h1:" + base64.b64encode(hashlib.sha256(summary.encode()).digest()).decode()


def go_sum_lines(path, version, files=None):
    files = files or module_files(path, version)
    prefix = "%s@%s/" % (path, version)
    zipped = {prefix + n: c for n, c in files.items()}
    return ["%s %s %s" % (path, version, _hash1(zipped)),
            "%s %s/go.mod %s" % (path, version, _hash1({"go.mod": files["go.mod"]}))]


def module_zip(path, version, files=None):
    files = files or module_files(path, version)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name in sorted(files):
            z.writestr("%s@%s/%s" % (path, version, name), files[name])
    return out.getvalue()


class ModuleProxy(object):
    """GOPROXY on 127.0.0.1:PORT.  `modules`: {(path, version): files}; `sumdb`: what
    /sumdb/NAME/supported answers (200, 404, 410); `lookup`: what /sumdb/NAME/lookup/...
    answers (410 with sum.golang.org's body by default).  `requests` lists the paths go
    asked for, in order."""

    def __init__(self, modules=(), sumdb=404, lookup=410):
        self.modules = {}
        for path, version in modules:
            self.modules[(path, version)] = module_files(path, version)
        self.sumdb, self.lookup = sumdb, lookup
        self.requests = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                proxy.requests.append(self.path)
                status, body = proxy.answer(self.path)
                data = body.encode() if isinstance(body, str) else body
                self.send_response(status)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = "http://127.0.0.1:%d" % self.port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, path):
        from urllib.parse import unquote

        # the module path as go escapes it: an upper-case letter is "!" and its lower case
        path = re.sub(r"!([a-z])", lambda m: m.group(1).upper(), unquote(path))
        if path.startswith("/sumdb/"):
            if path.endswith("/supported"):
                return self.sumdb, "" if self.sumdb == 200 else "not found\n"
            if path.endswith("/latest") and self.sumdb == 200:
                return 200, "go.sum database tree\n1\nAAAA\n\n(a stand-in: no signature)\n"
            if "/lookup/" in path:
                what = path.split("/lookup/", 1)[1]
                if self.lookup == 410:
                    return 410, ("not found: %s: invalid version: git ls-remote -q origin in "
                                 "/tmp/gopath/pkg/mod/cache/vcs/0: exit status 128:\n\tfatal: "
                                 "could not read Username for 'https://%s': terminal prompts "
                                 "disabled\n" % (what, what.split("/")[0]))
                return self.lookup, "not found\n"
            return 404, "not found\n"
        for (mpath, version), files in self.modules.items():
            base = "/%s/@v/" % mpath
            if not path.startswith(base):
                continue
            rest = path[len(base):]
            if rest == "list":
                return 200, "".join(v + "\n" for (p, v) in self.modules if p == mpath)
            if rest == version + ".info":
                return 200, json.dumps({"Version": version, "Time": "2024-01-02T03:04:05Z"})
            if rest == version + ".mod":
                return 200, files["go.mod"]
            if rest == version + ".zip":
                return 200, module_zip(mpath, version, files)
        return 404, "not found: %s\n" % path

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)


def have_netns():
    return os.geteuid() == 0 and shutil.which("unshare") is not None and \
        shutil.which("ip") is not None


def scenario(spec):
    """Inside the namespace `offline` made: lo up, the stand-in started, each command of
    spec["run"] run in turn (a "{proxy}" in its argv or env is the stand-in's URL), and
    what each printed returned as JSON on stdout.  spec: {"modules": [[path, version]],
    "sumdb": 404, "lookup": 410, "run": [{"argv": [...], "env": {...}, "cwd": DIR}]}."""
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    out = []
    with ModuleProxy([tuple(m) for m in spec.get("modules", [])], sumdb=spec.get("sumdb", 404),
                     lookup=spec.get("lookup", 410)) as proxy:
        for step in spec["run"]:
            fill = lambda v: v.replace("{proxy}", proxy.url)  # noqa: E731
            proc = subprocess.run([fill(a) for a in step["argv"]],
                                  env={k: fill(v) for k, v in step["env"].items()},
                                  cwd=step.get("cwd"), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, timeout=step.get("timeout", 120))
            out.append({"code": proc.returncode, "stdout": proc.stdout.decode("utf-8", "replace"),
                        "stderr": proc.stderr.decode("utf-8", "replace"), "proxy": proxy.url})
        requests = list(proxy.requests)
    json.dump({"steps": out, "requests": requests}, sys.stdout)


def run_offline(spec, timeout=300):
    """`scenario(spec)` in a network namespace of its own (root only): returns its
    result.  The namespace, the stand-in and the commands end with the process."""
    proc = subprocess.run(["unshare", "--net", sys.executable, os.path.abspath(__file__),
                           "--scenario"], input=json.dumps(spec).encode(),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    return json.loads(proc.stdout.decode())


if __name__ == "__main__" and sys.argv[1:] == ["--scenario"]:
    scenario(json.load(sys.stdin))
elif __name__ == "__main__":  # serve by hand: python3 tests/goproxy_support.py PATH@VERSION...
    args = sys.argv[1:]
    codes = {"--sumdb": 404, "--lookup": 410}
    while args and args[0] in codes:
        codes[args[0]] = int(args[1])
        args = args[2:]
    mods = [tuple(a.split("@", 1)) for a in args]
    with ModuleProxy(mods, sumdb=codes["--sumdb"], lookup=codes["--lookup"]) as p:
        print(p.url, flush=True)
        for m in mods:
            print("\n".join(go_sum_lines(*m)))
        threading.Event().wait()
