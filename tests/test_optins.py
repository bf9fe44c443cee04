"""The two opt-ins that do more than read: --network (a TCP connection to the GOPROXY
host) and --user NAME (runs NAME's login shell).  Without them nothing is sent and no
shell is started."""

import os
import pwd
import shutil
import socket
import subprocess
import threading

import pytest

from conftest import base_env, need, run_gotriage, write_module


class Listener(object):
    """A TCP listener on loopback that counts connections (and answers nothing)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = False
        self.thread = threading.Thread(target=self._serve)
        self.thread.daemon = True
        self.thread.start()

    def _serve(self):
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self):
        self._stop = True
        self.thread.join(2)
        self.sock.close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


def _closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_network_probe_only_with_network(tmp_path, toolchains, listener):
    home = tmp_path / "home"
    home.mkdir()
    project = write_module(tmp_path / "p")
    env = base_env(home, [toolchains["1.27"].bindir],
                   GOPROXY="http://127.0.0.1:%d" % listener.port)
    quiet = run_gotriage(["check", "--json", "--project", str(project)], env=env)
    assert quiet.returncode in (0, 1), quiet.stderr
    assert listener.connections == 0
    probed = run_gotriage(["check", "--json", "--network", "--project", str(project)], env=env)
    assert listener.connections >= 1
    assert not probed.results("GO-PROXY-UNREACHABLE", context="shell")


def test_unreachable_proxy_is_reported(tmp_path, toolchains):
    home = tmp_path / "home"
    home.mkdir()
    project = write_module(tmp_path / "p")
    port = _closed_port()
    env = base_env(home, [toolchains["1.27"].bindir], GOPROXY="http://127.0.0.1:%d" % port)
    run = run_gotriage(["check", "--json", "--network", "--project", str(project)], env=env)
    [f] = run.results("GO-PROXY-UNREACHABLE", context="shell")
    assert f["severity"] == "error"
    assert f["evidence"][0]["argv"] == ["tcp-connect", "127.0.0.1", str(port)]
    assert "refused" in f["evidence"][0]["text"].lower()


def test_network_probe_goes_through_https_proxy(tmp_path, toolchains, listener):
    home = tmp_path / "home"
    home.mkdir()
    project = write_module(tmp_path / "p")
    env = base_env(home, [toolchains["1.27"].bindir], GOPROXY="https://proxy.example.invalid",
                   HTTPS_PROXY="http://127.0.0.1:%d" % listener.port)
    run_gotriage(["check", "--json", "--network", "--project", str(project)], env=env)
    assert listener.connections >= 1  # the proxy in front, not the unresolvable GOPROXY


USER = "gotriage-test"


@pytest.fixture
def login_user(tmp_path, toolchains):
    """A real user whose login shell puts go 1.21 on PATH (removed afterwards)."""
    need(os.getuid() == 0 and shutil.which("useradd") is not None, "root and useradd")
    home = "/tmp/%s-home" % USER
    subprocess.run(["userdel", "-r", USER], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.check_call(["useradd", "-m", "-d", home, "-s", "/bin/bash", USER])
    try:
        with open(os.path.join(home, ".bash_profile"), "w") as f:
            f.write('export PATH="%s:$PATH"\nexport GOFLAGS=-mod=mod\n' % toolchains["1.21"].bindir)
        yield pwd.getpwnam(USER)
    finally:
        subprocess.run(["userdel", "-r", USER], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(home, ignore_errors=True)


def test_user_login_shell_context(tmp_path, toolchains, login_user):
    home = tmp_path / "home"
    home.mkdir()
    project = write_module(tmp_path / "p")
    env = base_env(home, [toolchains["1.27"].bindir])
    without = run_gotriage(["check", "--json", "--project", str(project)], env=env)
    assert "user:" + USER not in [c["name"] for c in without.json["contexts"]]
    run = run_gotriage(["check", "--json", "--user", USER, "--project", str(project)], env=env)
    [ctx] = [c for c in run.json["contexts"] if c["name"] == "user:" + USER]
    assert ctx["path"].startswith(toolchains["1.21"].bindir + ":")
    assert ctx["user"] == USER
    [f] = run.results("GO-PATH-DIFFERS", context="user:" + USER)
    assert "go1.21.13" in f["title"] and "go1.27.3" in f["title"]
    assert f["fix"][0]["path"] == os.path.join(login_user.pw_dir, ".bash_profile")


def test_unknown_user_is_a_usage_error(tmp_path):
    run = run_gotriage(["check", "--json", "--user", "no-such-user-xyz", "--project", str(tmp_path)],
                       env=base_env(tmp_path, []))
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr == ("gotriage: error: --user no-such-user-xyz: no such user on "
                                   "this host (not in /etc/passwd)\n")


def test_netrc_readable_by_others_and_redacted_in_snapshots(tmp_path, toolchains):
    home = tmp_path / "home"
    home.mkdir()
    netrc = home / ".netrc"
    netrc.write_text("machine goproxy.corp.example login bob password hunter2-s3cret\n")
    os.chmod(str(netrc), 0o644)
    project = write_module(tmp_path / "p")
    env = base_env(home, [toolchains["1.27"].bindir])
    run = run_gotriage(["check", "--json", "--project", str(project)], env=env)
    [f] = run.results("GO-PROXY-NETRC-READABLE", context="shell")
    assert "goproxy.corp.example" in f["evidence"][0]["text"]
    assert "hunter2" not in run.stdout
    assert f["fix"][0]["argv"] == ["chmod", "600", str(netrc)]
    out = tmp_path / "snap.tar.gz"
    collected = run_gotriage(["collect", "-o", str(out), "--project", str(project)], env=env)
    assert collected.returncode == 0, collected.stderr
    import tarfile

    with tarfile.open(str(out)) as tar:
        blobs = [tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()]
    assert not any(b"hunter2" in blob for blob in blobs)
    assert any(b"machine goproxy.corp.example login bob password <redacted>" in blob for blob in blobs)
    assert os.stat(str(netrc)).st_mode & 0o777 == 0o644  # nothing on the host changed
