"""Real dnf in a sandbox, for the packages-layer tests.

`DnfSandbox` runs the machine's real dnf (Debian's dnf 4) with an isolated configuration:
`--installroot=TMP/root` (so the default cachedir, logdir and persistdir all live under
TMP/root: dnf prefixes them with the installroot), `--setopt=reposdir=TMP/repos.d` and
`--config=TMP/dnf.conf`.  Never `--setopt=cachedir=`: measured with dnf 4.14, an explicit
cachedir is NOT prefixed for the repositories' caches, which then land in the machine's
own /var/cache/dnf.  `machine_state()` is compared before and after every test.  Repositories are built with createrepo_c and served over
HTTP on 127.0.0.1 (dnf uses file:// repositories in place and caches nothing for them).

`snapshot_of()` turns what dnf left behind into a gotriage snapshot: the repo files become
/etc/yum.repos.d/*, dnf's cache /var/cache/dnf, with every file's real mtime in
paths.json, so gotriage judges exactly the files real dnf wrote.
"""

import http.server
import json
import os
import posixpath
import shutil
import socketserver
import subprocess
import threading
import time

from conftest import DATA, need

GNUPG_BATCH = ["--batch", "--yes", "--pinentry-mode", "loopback", "--passphrase", ""]
_GNUPG_HOMES = []  # every GnuPG home a test used (its own keyrings, dnf's pubring dirs)


def stop_agents():
    """Stop the gpg-agent that gpg (and dnf's gpgme, in each pubring dir) started for every
    home a test used: they outlive the test otherwise."""
    while _GNUPG_HOMES:
        home = _GNUPG_HOMES.pop()
        if os.path.isdir(home):
            subprocess.run(["gpgconf", "--homedir", home, "--kill", "gpg-agent"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)


def require_tools():
    for tool in ("dnf", "createrepo_c", "gpg", "rpmbuild"):
        need(shutil.which(tool), "%s is not installed (scripts/setup installs dnf, createrepo-c, "
                                 "gnupg and rpm)" % tool)


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


class RepoServer(object):
    """A repository directory served on 127.0.0.1 (a random free port).  Python 3.6 has no
    ThreadingHTTPServer nor the handler's `directory`: both are spelled out."""

    def __init__(self, directory):
        base = str(directory)
        self.requests = []  # the paths dnf asked for, in order
        requests = self.requests

        class Handler(http.server.SimpleHTTPRequestHandler):
            def translate_path(self, path):
                requests.append(path)
                path = path.split("?", 1)[0].split("#", 1)[0]
                parts = [p for p in posixpath.normpath(path).split("/") if p not in ("", ".", "..")]
                return os.path.join(base, *parts)

            def log_message(self, *args):
                pass

        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class Keyring(object):
    """A throwaway GnuPG home with one signing key."""

    def __init__(self, home, uid="gotriage test repo <repo@example.invalid>", digest=None,
                 algo="rsa2048"):
        self.home = str(home)
        os.makedirs(self.home, mode=0o700, exist_ok=True)
        _GNUPG_HOMES.append(self.home)
        extra = ["--cert-digest-algo", digest] if digest else []
        self.gpg(*(extra + ["--quick-gen-key", uid, algo, "sign", "never"]))
        self.uid = uid

    def gpg(self, *args, check=True):
        env = dict(os.environ, GNUPGHOME=self.home)
        proc = subprocess.run(["gpg"] + GNUPG_BATCH + list(args), env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=120)
        if check:
            assert proc.returncode == 0, proc.stdout.decode()
        return proc.returncode, proc.stdout.decode("utf-8", "replace")

    def export(self, path, armor=True):
        env = dict(os.environ, GNUPGHOME=self.home)
        data = subprocess.run(["gpg", "--batch"] + (["--armor"] if armor else []) + ["--export", self.uid],
                              env=env, stdout=subprocess.PIPE, timeout=60).stdout
        with open(str(path), "wb") as f:
            f.write(data)
        return path

    def sign(self, path):
        self.gpg("--detach-sign", "--armor", "-o", str(path) + ".asc", str(path))

    def verify(self, signature, data):
        """What real gpg says about a detached signature (with this keyring)."""
        return self.gpg("--verify", str(signature), str(data), check=False)


def build_rpm(tmp, name, version, release="1.el9"):
    """A real (empty, noarch) rpm built with rpmbuild."""
    top = os.path.join(str(tmp), "rpmbuild")
    os.makedirs(os.path.join(top, "SPECS"), exist_ok=True)
    spec = os.path.join(top, "SPECS", name + ".spec")
    with open(spec, "w") as f:
        f.write("Name: %s\nVersion: %s\nRelease: %s\nSummary: gotriage test package\nLicense: MIT\n"
                "BuildArch: noarch\n%%description\nEmpty package for repository metadata tests.\n"
                "%%files\n" % (name, version, release))
    proc = subprocess.run(["rpmbuild", "-bb", "--nodeps", "--define", "_topdir " + top, spec],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    assert proc.returncode == 0, proc.stdout.decode()
    return os.path.join(top, "RPMS", "noarch", "%s-%s-%s.noarch.rpm" % (name, version, release))


class DnfSandbox(object):
    def __init__(self, tmp):
        self.tmp = tmp
        self.repo = tmp / "repo"
        self.repo.mkdir()
        self.reposd = tmp / "repos.d"
        self.reposd.mkdir()
        self.root = tmp / "root"
        self.root.mkdir()
        self.conf = tmp / "dnf.conf"
        self.conf.write_text("[main]\ngpgcheck=1\n")
        self.server = None

    @property
    def cachedir(self):
        return self.root / "var" / "cache" / "dnf"

    def createrepo(self, rpms=()):
        for rpm in rpms:
            shutil.copy(rpm, str(self.repo))
        proc = subprocess.run(["createrepo_c", "-q", str(self.repo)], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=120)
        assert proc.returncode == 0, proc.stdout.decode()
        return self.repo / "repodata" / "repomd.xml"

    def serve(self):
        self.server = RepoServer(self.repo)
        return self.server.url

    def write_repo(self, name, text):
        path = self.reposd / name
        path.write_text(text)
        return path

    def dnf(self, *args, timeout=120):
        argv = ["dnf", "--installroot=%s" % self.root, "--setopt=reposdir=%s" % self.reposd,
                "--config=%s" % self.conf, "--releasever=9", "--noplugins"] + list(args)
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(self.tmp)}
        proc = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=timeout)
        return proc.returncode, proc.stdout.decode("utf-8", "replace")

    def close(self):
        if self.server is not None:
            self.server.close()
        if self.cachedir.is_dir():
            for name in os.listdir(str(self.cachedir)):
                pubring = self.cachedir / name / "pubring"
                if pubring.is_dir():
                    _GNUPG_HOMES.append(str(pubring))
        stop_agents()


SANDBOX_REPO_IDS = ("local", "appstream", "nourl", "t", "a", "b")


def machine_state():
    """What the sandbox's repositories left in the machine's own dnf cache (must stay
    empty: the leak measured with an explicit cachedir).  Only names of the sandbox's own
    repository ids count, so other work on the machine does not disturb the check."""
    try:
        names = os.listdir("/var/cache/dnf")
    except OSError:
        return []
    return sorted(n for n in names if n.split("-")[0].split(".")[0] in SANDBOX_REPO_IDS)


def _stat(path):
    st = os.stat(path)
    return {"mode": st.st_mode, "uid": 0, "gid": 0, "size": st.st_size, "mtime": st.st_mtime}


def snapshot_of(dest, mapping, files=None, commands=(), created=None, os_release="rocky-9.3"):
    """A snapshot (docs/snapshot-format.md) whose files are real files of this machine:
    `mapping` is {host path: local file or directory}, copied with their mtimes into
    paths.json; `files` adds {host path: text or bytes}."""
    dest.mkdir(parents=True, exist_ok=True)
    paths = {}
    root = dest / "files"

    def put(host_path, local):
        target = root / host_path.lstrip("/")
        if os.path.isdir(local):
            target.mkdir(parents=True, exist_ok=True)
            names = sorted(os.listdir(local))
            paths[host_path] = {"stat": _stat(local), "listdir": names}
            for name in names:
                put(host_path.rstrip("/") + "/" + name, os.path.join(local, name))
        elif os.path.isfile(local):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(local, str(target))
            paths[host_path] = {"stat": _stat(local), "read": True}

    for host_path, local in mapping.items():
        put(host_path, str(local))
    release = os.path.join(DATA, "el", os_release, "etc", "os-release")
    all_files = {"/etc/os-release": open(release).read()}
    all_files.update(files or {})
    for host_path, content in all_files.items():
        target = root / host_path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content)
    # Parent directories list their entries (the layer lists reposdir and cachedir).
    for directory, _dirs, _names in os.walk(str(root)):
        host_dir = "/" + os.path.relpath(directory, str(root)).replace(os.sep, "/")
        host_dir = "/" if host_dir == "/." else host_dir
        entry = paths.setdefault(host_dir, {})
        entry.setdefault("listdir", sorted(os.listdir(directory)))
    (dest / "paths.json").write_text(json.dumps(paths))
    manifest = {"format": 1, "hostname": "dnf-sandbox",
                "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(created or time.time())),
                "identity": {"user": "root", "uid": 0, "gid": 0, "home": "/root"},
                "environ": {"PATH": "/usr/bin:/bin", "HOME": "/root"}}
    (dest / "gotriage-snapshot.json").write_text(json.dumps(manifest))
    if commands:
        (dest / "commands").mkdir(exist_ok=True)
        for number, entry in enumerate(commands, 1):
            (dest / "commands" / ("%04d.json" % number)).write_text(json.dumps(entry))
    return dest


def golang_lookup(host_primary, local_primary):
    """The golang lookup gotriage runs on the host (facts.packages.golang_lookup_argv), run
    for real on the local copy of the file and recorded under the host path."""
    from gotriage.facts.packages import GOLANG_LOOKUP_ENV, golang_lookup_argv

    argv = golang_lookup_argv(host_primary)
    local = argv[:-1] + [local_primary]
    proc = subprocess.run(local, env=GOLANG_LOOKUP_ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=60)
    return {"argv": argv, "env": GOLANG_LOOKUP_ENV, "cwd": "/", "returncode": proc.returncode,
            "stdout": proc.stdout.decode(), "stderr": proc.stderr.decode(), "duration": 0.01}
