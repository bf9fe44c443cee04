"""collect.sh (issue 18 part 4): the POSIX sh collector for hosts without Python 3.

The committed script is what the generator makes now; it passes `sh -n` (dash, bash,
busybox) and shellcheck; its awk redaction gives what the Python recorder's does, under
mawk, gawk and busybox awk, on a corpus of secrets and on every text file of tests/data;
and run for real on this machine, under dash, busybox sh (with busybox's own awk, stat,
head... first on PATH) and bash, as root and as nobody, in a private mount namespace
whose overlay on /etc holds planted files (a GOPROXY with credentials and secrets in an
environment-style file, a file only root may read), its snapshot gives `check --root` the
findings of a `gotriage collect` snapshot made there at the same time, stores the planted
file byte for byte as the Python recorder does, records the unreadable file as EACCES as
it does, and leaks none of the planted secrets.  A command that hangs (a program that
never answers bind-mounted over the real getconf and uname) is cut at its timeout, with
coreutils' timeout and with the sh fallback.
"""

import base64
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time

import pytest

from conftest import DATA, ROOT, need, workstation
from gotriage.collect_sh import CUSTOM, LAYERS, NOT_EXAMINED, generate
from gotriage.host.redact import redact_bytes
from gotriage.host.snapshot import open_snapshot

SCRIPT = os.path.join(ROOT, "contrib", "collect.sh")
SHELLS = {"dash": ["dash"], "bash": ["bash"], "busybox": ["busybox", "sh"]}
# busybox's applets for the tools collect.sh uses itself, first on PATH in the busybox runs
BUSYBOX_TOOLS = ("awk", "head", "stat", "ls", "tr", "wc", "tail", "id", "base64", "tar",
                 "gzip", "timeout", "date", "uname", "mkdir", "chmod", "cat", "cp", "mv", "rm",
                 "find", "sleep", "dirname", "basename", "kill")
# Differences between the findings of a collect.sh snapshot and a `gotriage collect` one
# that are intended: each is "not examined" in the collect.sh snapshot, never a verdict.
INTENDED = {
    "SYS-GOBIN": NOT_EXAMINED["SYS-GOBIN"],
    "SEL-AVC": NOT_EXAMINED["SEL-AVC"],
    "SVC-GO": NOT_EXAMINED["SVC-GO"],
}

# Secrets planted in the overlay and the environment: none may be in a collect.sh snapshot.
SECRETS = ("s3cr3tTokA1", "hunter2xyzB2", "tokabcC3", "proxyPwD4", "envPwE5")
ENV_FILE = """# the environment of the go service (an EnvironmentFile kept with the limits)
GOPROXY=https://alice:s3cr3tTokA1@proxy.corp.example/go,direct
export DB_PASSWORD='hunter2xyzB2'
API_TOKEN="tokabcC3"
GOPRIVATE=corp.example
*  soft  nofile  65536
"""
PRIVATE_FILE = "*  hard  nproc  4096\n"
# a Go service planted in the /etc overlay, next to this machine's enabled units: a drop-in,
# an EnvironmentFile with secrets, an optional one that is missing, another user
UNIT = "gotriage-collect-sh.service"
UNIT_FILE = """[Unit]
Description=collect.sh's test service (never started)

[Service]
User=nobody
EnvironmentFile=/etc/default/gotriage-collect-sh
EnvironmentFile=-/etc/default/gotriage-collect-sh-missing
ExecStart=/usr/bin/prometheus-node-exporter \\
    --web.listen-address=127.0.0.1:40125

[Install]
WantedBy=multi-user.target
"""
DROPIN = "[Service]\nLimitNOFILE=4096\nEnvironment=GOMAXPROCS=2\n"
# the policy's name quoted and capitalised: collect.sh must find its store as the facts do
SELINUX_CONFIG = "SELINUX=enforcing\nSELINUXTYPE=mls\n  SELINUXTYPE = \"Targeted\"\n"
# what the prepared SELinux gives (the findings of both snapshots must hold these)
SELINUX_FINDINGS = {("SEL-MODE-MISMATCH", "warn"), ("SEL-MODE-PERMISSIVE", "info"),
                    ("SEL-PERMISSIVE-DOMAINS", "info"), ("SEL-BOOL-PENDING", "warn"),
                    ("SEL-BOOL-NOT-PERSISTENT", "warn")}


def _awk_script():
    """The awk redaction program as the committed script writes it."""
    with open(SCRIPT, encoding="utf-8") as f:
        text = f.read()
    start = text.index("cat > \"$work/redact.awk\" <<'AWK_EOF'\n") + len(
        "cat > \"$work/redact.awk\" <<'AWK_EOF'\n")
    return text[start:text.index("AWK_EOF\n", start)]


def _awks():
    found = []
    for argv in (["mawk"], ["gawk"], ["busybox", "awk"], ["original-awk"]):
        if shutil.which(argv[0]):
            found.append(argv)
    return found


def _redact_with(awk, program, data):
    proc = subprocess.run(awk + ["-f", program], input=data, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"})
    out = proc.stdout
    if data and not data.endswith(b"\n") and out.endswith(b"\n"):
        out = out[:-1]  # what redact_file in collect.sh does
    return proc.returncode, out


# -- the script itself ------------------------------------------------------------------
def test_the_committed_script_is_the_generated_one():
    with open(SCRIPT, encoding="utf-8") as f:
        assert f.read() == generate(), "contrib/collect.sh is out of date: run scripts/gen-collect-sh"
    assert os.stat(SCRIPT).st_mode & 0o111


def test_gotriage_collect_sh_prints_or_writes_the_same_script(tmp_path):
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))
    argv = [sys.executable, "-m", "gotriage", "collect-sh"]
    proc = subprocess.run(argv, env=env, stdout=subprocess.PIPE)
    assert proc.returncode == 0 and proc.stdout == generate().encode("utf-8")
    target = tmp_path / "collect.sh"
    assert subprocess.run(argv + ["-o", str(target)], env=env).returncode == 0
    assert target.read_bytes() == proc.stdout and target.stat().st_mode & 0o777 == 0o755
    again = subprocess.run(argv + ["-o", str(target)], env=env, stderr=subprocess.PIPE)
    assert again.returncode == 2 and again.stderr.decode().count("\n") == 1
    assert "File exists" in again.stderr.decode()


@pytest.mark.parametrize("shell", sorted(SHELLS))
def test_the_script_parses_under_each_shell(shell):
    need(shutil.which(SHELLS[shell][0]), "%s (apt: %s)" % (shell, SHELLS[shell][0]))
    proc = subprocess.run(SHELLS[shell] + ["-n", SCRIPT], stderr=subprocess.PIPE)
    assert proc.returncode == 0, proc.stderr.decode()


def test_shellcheck_finds_nothing_as_posix_sh():
    need(shutil.which("shellcheck"), "shellcheck (apt: shellcheck)")
    proc = subprocess.run(["shellcheck", "--shell=sh", SCRIPT], stdout=subprocess.PIPE)
    assert proc.returncode == 0, proc.stdout.decode()


def test_every_recorded_layer_declaration_is_recorded_or_said_to_be_not():
    """A declaration of a recorded layer is a recording step or a note: none is silently
    left out (of the system and firewall layers, all of them are recorded)."""
    text = generate()
    for layer, spec in LAYERS:
        custom = CUSTOM.get(layer, ((),))[0]  # recorded by the layer's own module
        for decl in spec:
            assert "# %s:" % decl.id in text or decl.id + " (" in text or \
                decl.key in custom, decl.id
        assert set(custom) <= set(spec.inputs), layer


def test_usage_errors_are_one_line_and_exit_2(tmp_path):
    need(shutil.which("dash"), "dash")
    out = tmp_path / "exists"
    out.mkdir()
    for args, message in ((["-o", str(out)], "already exists"),
                          (["--timeout", "x"], "--timeout takes whole seconds"),
                          (["--bogus"], "unknown argument")):
        proc = subprocess.run(["dash", SCRIPT] + args, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
        assert proc.returncode == 2
        assert message in proc.stderr.decode().splitlines()[-1]


# -- redaction: the same as the Python recorder's -----------------------------------------
CORPUS = b"""GOPROXY=https://alice:s3cr3tTok@proxy.corp.example/go,direct
export DB_PASSWORD='hunter2-xyz'
API_TOKEN="tok-abc"
apiKey: abcdef123
  "client_secret": "zzz-top",
Authorization: Bearer abc.def.ghi
url = https://user:p@ss@host.example/path
dsn=app:pw123@tcp(db:3306)/app
token ghp_abcdefghijklmnopqrstuvwxyz0123
AKIAABCDEFGHIJKLMNOP is a key
jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig_part-x
PASSWORD_FILE=/run/secrets/pw
SSH_KEY=/root/.ssh/id_rsa
STRIPE_KEY=sk_live_abcdefghijk
PUBLIC_KEY=abc
passwd: files sss
PASS_MAX_DAYS 99999
GOPRIVATE=corp.example
-X main.apiToken=abc123 -X main.version=1
password=yes
password=${PW}
VAULT_PASS=xyz
x-access-key=123
mysql_pwd = 'q'
sslclientkey=/etc/pki/key.pem
proxy_password=hunter3
Environment=FOO=bar SECRET_TOKEN=abc
-----BEGIN RSA PRIVATE KEY-----
MIIEowIBAAKCAQEA
abcdef
-----END RSA PRIVATE KEY-----
after, and no newline at the end"""


def test_the_awk_redaction_is_the_python_one_on_a_corpus(tmp_path):
    awks = _awks()
    need(len(awks) >= 2, "two awks at least (apt: mawk, gawk, busybox)")
    program = tmp_path / "redact.awk"
    program.write_text(_awk_script())
    expected = redact_bytes(CORPUS)
    assert expected.count(b"<redacted>") == 19  # the corpus holds secrets of every kind
    for awk in awks:
        code, out = _redact_with(awk, str(program), CORPUS)
        assert code == 0
        assert out == expected, awk


def test_the_strict_redaction_refuses_what_a_command_rule_could_need(tmp_path):
    """The service layer's texts: a program a command rule knows, named as a word, makes
    the awk fail (collect.sh leaves the text out); `gzip` and systemctl's +CURL do not, and
    what passes is the Python recorder's redaction."""
    program = tmp_path / "redact.awk"
    program.write_text(_awk_script())
    passing = b"systemd 252 (252.18)\n+PAM +AUDIT +CURL +GCRYPT\nExecStartPre=/bin/gzip -k /var/log/x\n" \
        b"API_TOKEN=tokabc\n"
    refused = [b"ExecStart=/usr/bin/mysql -pS3cret db\n", b"x; curl -u bob:pw https://h/\n",
               b"ExecStart=sshpass -p pw ssh host\n", b"zip -P pw out.zip in\n"]
    for awk in _awks():
        strict = awk + ["-v", "strict=1"]
        code, out = _redact_with(strict, str(program), passing)
        assert code == 0 and out == redact_bytes(passing), awk
        for text in refused:
            assert _redact_with(strict, str(program), text)[0] == 3, (awk, text)
            assert _redact_with(awk, str(program), text)[0] == 0, (awk, text)  # not strict


# A text file whose redaction needs a rule collect.sh does not have (it records none).
NOT_SH_RULES = {
    os.path.join("go", "netrc_test.go"): ".netrc passwords (collect.sh records no .netrc)",
}
_HOT = re.compile(rb"(?i)token|secret|jwt|pass|cred|key|pwd|auth|private|@|eyJ|AKIA|ASIA")


@workstation  # the shells' behaviour: once, under the default Python
def test_the_awk_redaction_is_the_python_one_on_every_text_file_of_tests_data(tmp_path):
    """Every text file of tests/data with a word any rule looks for (the others pass
    through both unchanged by construction)."""
    need(shutil.which("mawk"), "mawk (apt: mawk), Debian's awk")
    program = tmp_path / "redact.awk"
    program.write_text(_awk_script())
    same, differ = 0, []
    for directory, _dirs, names in os.walk(DATA):
        for name in sorted(names):
            path = os.path.join(directory, name)
            with open(path, "rb") as f:
                data = f.read(4 * 1024 * 1024)
            if data[:8192].count(b"\0") > 8 or not _HOT.search(data):
                continue
            code, out = _redact_with(["mawk"], str(program), data)
            if code == 0 and out == redact_bytes(data):
                same += 1
            else:
                differ.append(os.path.relpath(path, DATA))
    assert sorted(differ) == sorted(NOT_SH_RULES)
    assert same >= 200


# -- the real thing ---------------------------------------------------------------------
NAMESPACE = r"""
set -e
mount --make-rprivate /
mkdir -p "$TOP/etc-work"
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$TOP/etc-up,workdir=$TOP/etc-work" /etc
# a network namespace of the test's own: its listeners only (the machine's come and go
# with other tests): a Go program (node_exporter) on loopback and on [::]
ip link set lo up
/usr/bin/prometheus-node-exporter --collector.disable-defaults \
    --web.listen-address=127.0.0.1:40123 --web.listen-address=[::]:40124 > "$TOP/listener.log" 2>&1 &
listener=$!
trap 'kill $listener' EXIT
tries=0
until ss -ltn | grep -q ':40124 '; do
    tries=$((tries + 1)); [ "$tries" -lt 100 ] || { cat "$TOP/listener.log" >&2; exit 1; }
    sleep 0.1
done
# an SELinux this kernel does not have, the same for every collector: selinuxfs as files
# over /sys/fs (cgroup kept), the policy store over /var/lib/selinux, the config in the
# /etc overlay: permissive now and enforcing after a reboot, a boolean pending, one not
# persistent, a permissive domain
sel=$TOP/sel
mkdir -p "$sel/fs/cgroup" "$sel/fs/selinux/booleans" "$sel/store/targeted/active/modules/100/base" \
    "$sel/store/targeted/active/modules/400/permissive_httpd_t"
printf '0' > "$sel/fs/selinux/enforce"
printf '0 1' > "$sel/fs/selinux/booleans/httpd_can_network_connect"
printf '1 1' > "$sel/fs/selinux/booleans/ftpd_full_access"
printf '0 0' > "$sel/fs/selinux/booleans/nis_enabled"
printf 'ftpd_full_access=0\nnis_enabled=0\n' > "$sel/store/targeted/active/booleans.local"
chmod -R a+rX "$sel"
mount --rbind /sys/fs/cgroup "$sel/fs/cgroup"
mount --rbind "$sel/fs" /sys/fs
mount --bind "$sel/store" /var/lib/selinux
cd /
"$PY" -m gotriage collect -o "$TOP/py"
# the script forks per file and per process: on this loaded machine a run takes longer than
# the default 60 s deadline, after which the service layer's commands would not be started
# (recorded as such: SVC-INPUT-HUNG); the findings compared are those of whole runs
PATH="$TOP/mawk:$PATH" dash "$TOP/collect.sh" --deadline 0 -o "$TOP/dash" 2> "$TOP/dash.err"
PATH="$TOP/bb:$PATH" busybox sh "$TOP/collect.sh" --deadline 0 -o "$TOP/busybox" 2> "$TOP/busybox.err"
bash "$TOP/collect.sh" --deadline 0 -o "$TOP/bash" 2> "$TOP/bash.err"
setpriv --reuid 65534 --regid 65534 --clear-groups "$PY" -m gotriage collect -o "$OPEN/py-nobody"
setpriv --reuid 65534 --regid 65534 --clear-groups dash "$OPEN/collect.sh" --deadline 0 -o "$OPEN/sh-nobody" 2> "$OPEN/sh-nobody.err"
"""


def _python_for_nobody():
    for python in (sys.executable, "/usr/bin/python3"):
        if python and os.path.exists(python) and subprocess.run(
                ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", python,
                 "-c", "import json"], stderr=subprocess.DEVNULL).returncode == 0:
            return python
    return None


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    need(os.geteuid() == 0, "root, to mount an overlay on /etc in a private mount namespace")
    for tool in ("unshare", "setpriv", "dash", "bash", "busybox", "mawk", "ip", "ss"):
        need(shutil.which(tool), "%s (scripts/setup installs it)" % tool)
    need(os.path.exists("/usr/bin/prometheus-node-exporter"),
         "a Go program that listens (apt: prometheus-node-exporter)")
    python = _python_for_nobody()
    need(python is not None, "a Python that the user nobody can run")
    top = str(tmp_path_factory.mktemp("collect-sh"))
    limits = os.path.join(top, "etc-up", "security", "limits.d")
    os.makedirs(limits)
    os.makedirs(os.path.join(top, "etc-up", "selinux"))
    with open(os.path.join(top, "etc-up", "selinux", "config"), "w") as f:
        f.write(SELINUX_CONFIG)
    with open(os.path.join(limits, "90-goenv.conf"), "w") as f:
        f.write(ENV_FILE)
    units = os.path.join(top, "etc-up", "systemd", "system")
    os.makedirs(os.path.join(units, "multi-user.target.wants"))
    os.makedirs(os.path.join(units, UNIT + ".d"))
    os.makedirs(os.path.join(top, "etc-up", "default"))
    with open(os.path.join(units, UNIT), "w") as f:
        f.write(UNIT_FILE)
    with open(os.path.join(units, UNIT + ".d", "limits.conf"), "w") as f:
        f.write(DROPIN)
    os.symlink("../" + UNIT, os.path.join(units, "multi-user.target.wants", UNIT))
    with open(os.path.join(top, "etc-up", "default", "gotriage-collect-sh"), "w") as f:
        f.write(ENV_FILE)
    private = os.path.join(limits, "99-private.conf")
    with open(private, "w") as f:
        f.write(PRIVATE_FILE)
    os.chmod(private, 0o600)
    shutil.copy(SCRIPT, os.path.join(top, "collect.sh"))
    os.mkdir(os.path.join(top, "mawk"))  # dash with Debian's awk, bash with gawk (EL7's)
    os.symlink(shutil.which("mawk"), os.path.join(top, "mawk", "awk"))
    os.mkdir(os.path.join(top, "bb"))
    for tool in BUSYBOX_TOOLS:
        os.symlink(shutil.which("busybox"), os.path.join(top, "bb", tool))
    # what nobody writes to: a directory of its own outside pytest's (0700) tree
    open_dir = tempfile.mkdtemp(prefix="gotriage-collect-sh-")
    os.chmod(open_dir, 0o1777)
    shutil.copy(SCRIPT, os.path.join(open_dir, "collect.sh"))
    os.chmod(os.path.join(open_dir, "collect.sh"), 0o644)
    env = dict(os.environ, TOP=top, OPEN=open_dir, PY=python,
               PYTHONPATH=os.path.join(ROOT, "src"),
               GOPROXY="https://bob:proxyPwD4@proxy.corp.example/go",
               SERVICE_PASSWORD="envPwE5")
    try:
        proc = subprocess.run(["unshare", "-m", "-n", "sh", "-c", NAMESPACE], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
        assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")[-3000:]
        assert not os.path.exists("/etc/security/limits.d/90-goenv.conf")  # host untouched
        snaps = {"py": os.path.join(top, "py"), "py-nobody": os.path.join(top, "py-nobody")}
        for name in ("dash", "busybox", "bash"):
            snaps[name] = os.path.join(top, name)
        shutil.copytree(os.path.join(open_dir, "py-nobody"), snaps["py-nobody"])
        shutil.copytree(os.path.join(open_dir, "sh-nobody"), os.path.join(top, "sh-nobody"))
        shutil.copy(os.path.join(open_dir, "sh-nobody.tar.gz"), os.path.join(top, "sh-nobody.tar.gz"))
        snaps["sh-nobody"] = os.path.join(top, "sh-nobody")
    finally:
        shutil.rmtree(open_dir, ignore_errors=True)
    return {"top": top, "snaps": snaps}


def _check(root, *args):
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))
    proc = subprocess.run([sys.executable, "-m", "gotriage", "check", "--root", root, "--json"]
                          + list(args), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return json.loads(proc.stdout.decode())


def _by_layer(report):
    out = {}
    for r in report["results"]:
        out.setdefault(r["layer"], set()).add((r["id"], r.get("subject"), r["severity"]))
    return out


def _intended(finding_id):
    """Whether a finding is of a check collect.sh's snapshot leaves not examined (a
    check's findings are named after it: SEL-AVC-UNREADABLE is SEL-AVC's)."""
    return any(finding_id == c or finding_id.startswith(c + "-") for c in INTENDED)


def _compare(py_report, sh_report):
    layers = [name for name, _spec in LAYERS]
    py, sh = _by_layer(py_report), _by_layer(sh_report)
    for layer in layers:
        expected = set(f for f in py.get(layer, ()) if not _intended(f[0]))
        assert sh.get(layer, set()) == expected, layer
    assert set(sh) <= set(layers)  # no verdict on a layer it did not record
    for check_id, why in INTENDED.items():
        if any(f[0] == check_id or f[0].startswith(check_id + "-")
               for layer in layers for f in py.get(layer, ())):
            assert "%s not examined: %s" % (check_id, why) in sh_report["notes"]
    for name, _spec in LAYERS:
        assert not any(n.startswith("%s" % name) and "layer is not recorded" in n
                       for n in sh_report["notes"])
    assert any("the toolchain layer is not recorded in this snapshot" in n for n in sh_report["notes"])


@workstation  # the shells' behaviour: once, under the default Python
@pytest.mark.parametrize("shell", ["dash", "busybox", "bash"])
def test_check_root_gives_the_findings_of_gotriage_collect(collected, shell):
    snaps = collected["snaps"]
    py_report = _check(snaps["py"])
    assert py_report["results"], "the Python snapshot gives findings"
    listeners = [(r["id"], r.get("subject")) for r in py_report["results"]
                 if r["id"].startswith("FW-LISTEN")]
    assert ("FW-LISTEN-LOOPBACK", "tcp/40123") in listeners  # the test's own listener
    assert SELINUX_FINDINGS <= set((r["id"], r["severity"]) for r in py_report["results"])
    planted = set(r["id"] for r in py_report["results"] if (r.get("subject") or "").startswith(UNIT))
    # its program, user, limits, and the line of its EnvironmentFile that is not NAME=value
    assert {"SVC-EXEC", "SVC-USER", "SVC-LIMITS", "SVC-ENV-BAD"} <= planted, planted
    _compare(py_report, _check(snaps[shell]))
    _compare(py_report, _check(snaps[shell] + ".tar.gz"))


@workstation  # the shells' behaviour: once, under the default Python
def test_as_nobody_the_findings_and_the_unreadable_file_are_the_python_recorders(collected):
    snaps = collected["snaps"]
    _compare(_check(snaps["py-nobody"]), _check(snaps["sh-nobody"]))
    path = "/etc/security/limits.d/99-private.conf"
    for name in ("py-nobody", "sh-nobody"):
        with open(os.path.join(snaps[name], "paths.json")) as f:
            assert json.load(f)[path] == {"read": {"error": "EACCES"}}, name
        notes = _check(snaps[name])["notes"]
        assert any(path in n and "permission denied" in n for n in notes), name
    with open(os.path.join(snaps["sh-nobody"], "gotriage-snapshot.json")) as f:
        assert json.load(f)["identity"]["uid"] == 65534
    with open(os.path.join(snaps["py"], "paths.json")) as f:
        assert json.load(f)[path] == {"read": True}  # root reads it


def _all_bytes(snapshot):
    """Every byte of a snapshot directory and of its .tar.gz, base64 outputs decoded."""
    chunks = []
    for directory, _dirs, names in os.walk(snapshot):
        for name in names:
            with open(os.path.join(directory, name), "rb") as f:
                data = f.read()
            chunks.append(data)
            if name.endswith(".json"):
                for value in re.findall(rb'_b64": "([A-Za-z0-9+/=]*)"', data):
                    chunks.append(base64.b64decode(value))
    with tarfile.open(snapshot + ".tar.gz") as tar:
        for member in tar.getmembers():
            if member.isfile():
                chunks.append(tar.extractfile(member).read())
    return b"\n".join(chunks)


@workstation  # the shells' behaviour: once, under the default Python
@pytest.mark.parametrize("shell", ["dash", "busybox", "bash", "sh-nobody"])
def test_the_planted_secrets_are_redacted_as_the_python_recorder_does(collected, shell):
    snaps = collected["snaps"]
    for stored in ("files/etc/security/limits.d/90-goenv.conf",
                   "files/etc/default/gotriage-collect-sh"):  # the service's EnvironmentFile
        with open(os.path.join(snaps["py"], stored), "rb") as f:
            expected = f.read()
        assert expected != ENV_FILE.encode() and b"<redacted>" in expected
        with open(os.path.join(snaps[shell], stored), "rb") as f:
            assert f.read() == expected, stored
    everything = _all_bytes(snaps[shell])
    for secret in SECRETS:
        assert secret.encode() not in everything, secret
        assert secret.encode().hex().encode() not in everything.lower(), secret
    with open(os.path.join(snaps[shell], "gotriage-snapshot.json")) as f:
        environ = json.load(f)["environ"]
    with open(os.path.join(snaps["py"], "gotriage-snapshot.json")) as f:
        py_environ = json.load(f)["environ"]
    for name in ("GOPROXY", "SERVICE_PASSWORD"):
        assert environ[name] == py_environ[name], name
    assert environ["GOPROXY"] == "https://<redacted>@proxy.corp.example/go"


def _awk_dir(tmp_path, awk):
    directory = tmp_path / ("awk-" + awk[0])
    directory.mkdir()
    os.symlink(shutil.which(awk[0]), str(directory / "awk"))
    return str(directory)


def test_names_and_values_that_are_not_utf8_are_recorded_as_python_records_them(tmp_path):
    """A file name and an environment value with a byte that is not UTF-8 come out as
    surrogate escapes (what gotriage records: host/base.fs_text), under every awk, and a
    control character as a JSON escape, a backslash escaped under every awk; the snapshot host reads the file by that name."""
    need(shutil.which("dash"), "dash")
    root = tmp_path / "root"
    limits = root / "etc" / "security" / "limits.d"
    limits.mkdir(parents=True)
    name = b"caf\xe9-$(x)\\x2d.conf"  # and a backslash (systemd's unit names have them)
    with open(os.path.join(bytes(limits), name), "wb") as f:
        f.write(b"*  hard  nofile  1234\n")
    for awk in _awks():
        out = str(tmp_path / ("snap-" + awk[0]))
        env = dict(os.environ, PATH=_awk_dir(tmp_path, awk) + ":" + os.environ["PATH"])
        env["ODD_VALUE"] = "v\udcffw\tz"  # os.environ takes the byte 0xff this way
        proc = subprocess.run(["dash", SCRIPT, "--files-root", str(root), "-o", out], env=env,
                              stderr=subprocess.PIPE)
        assert proc.returncode == 0, proc.stderr.decode()
        with open(os.path.join(out, "paths.json"), encoding="utf-8") as f:
            paths = json.load(f)
        assert paths["/etc/security/limits.d"] == {"listdir": ["caf\udce9-$(x)\\x2d.conf"]}, awk
        assert paths["/etc/security/limits.d/caf\udce9-$(x)\\x2d.conf"] == {"read": True}
        with open(os.path.join(out, "gotriage-snapshot.json"), encoding="utf-8") as f:
            assert json.load(f)["environ"]["ODD_VALUE"] == "v\udcffw\tz", awk
        host = open_snapshot(out)
        try:
            assert host.read("/etc/security/limits.d/caf\udce9-$(x)\\x2d.conf") == \
                b"*  hard  nofile  1234\n"
        finally:
            host.close()


# -- a command that hangs -----------------------------------------------------------------
FAKE_HUNG = """#!/bin/sh
echo "$$" >> {log}
sleep 100000 &
echo "$!" >> {log}
wait
"""
HANG = r"""
set -e
mount --make-rprivate /
mount --bind "$FAKE" /usr/bin/getconf
mount --bind "$FAKE" /usr/bin/uname
exec "$@"
"""


@workstation  # the shells' behaviour: once, under the default Python
@pytest.mark.parametrize("how", ["timeout", "busybox", "fallback"])
def test_a_hung_command_is_cut_at_its_timeout(tmp_path, how):
    """coreutils' timeout (dash), busybox's (busybox sh, its applets first on PATH), and
    the background kill (COLLECT_SH_NO_TIMEOUT)."""
    need(os.geteuid() == 0 and shutil.which("unshare"), "root and unshare")
    need(shutil.which("dash") and shutil.which("busybox"), "dash and busybox")
    need(os.path.exists("/usr/bin/getconf") and os.path.exists("/usr/bin/uname"),
         "getconf and uname in /usr/bin")
    log = tmp_path / "hung.log"
    fake = tmp_path / "hung"
    fake.write_text(FAKE_HUNG.format(log=log))
    fake.chmod(0o755)
    env = dict(os.environ, FAKE=str(fake))
    shell = ["dash"]
    if how == "fallback":
        env["COLLECT_SH_NO_TIMEOUT"] = "1"
    if how == "busybox":
        applets = tmp_path / "bb"
        applets.mkdir()
        for tool in BUSYBOX_TOOLS:
            os.symlink(shutil.which("busybox"), str(applets / tool))
        env["PATH"] = str(applets) + ":" + env["PATH"]
        shell = ["busybox", "sh"]
    out = str(tmp_path / "snap")
    started = time.monotonic()
    proc = subprocess.run(["unshare", "-m", "sh", "-c", HANG, "sh"] + shell + [SCRIPT, "-o", out,
                           "--timeout", "2"], env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=120)
    elapsed = time.monotonic() - started
    assert proc.returncode == 0, proc.stderr.decode()
    # uname -m and getconf are quick probes: min(5, --timeout 2) each (their durations
    # below); the whole run, with the firewall layer's commands and the fd scan on a busy
    # machine, far from the fakes' 100000 s
    assert elapsed < 120
    commands = {}
    for name in sorted(os.listdir(os.path.join(out, "commands"))):
        with open(os.path.join(out, "commands", name)) as f:
            entry = json.load(f)
        commands[entry["argv"][0]] = entry
    for tool in ("uname", "getconf"):
        entry = commands[tool]
        assert entry["error"] == "timeout" and entry["returncode"] is None, entry
        assert 1.9 <= entry["duration"] < 5, entry
    report = _check(out, "--layer", "system")
    hung = [r for r in report["results"] if r["id"] == "SYS-INPUT-HUNG"]
    assert hung and any("getconf" in " ".join(e.get("argv") or []) for r in hung
                        for e in r["evidence"])
    with open(str(log)) as f:
        pids = [int(line) for line in f]
    assert len(pids) == 4  # two fakes, each with its child
    left = [pid for pid in pids if _alive(pid)]
    for pid in left:  # busybox and the fallback kill the command, not its children
        os.kill(pid, signal.SIGKILL)
    if how == "timeout":
        assert not left  # coreutils' timeout kills the command's process group


def _alive(pid):
    """Whether `pid` is a live process (not a zombie)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return False


@workstation  # the shells' behaviour: once, under the default Python
def test_the_deadline_skips_the_commands_after_it(tmp_path):
    need(os.geteuid() == 0 and shutil.which("unshare"), "root and unshare")
    need(shutil.which("dash"), "dash")
    fake = tmp_path / "hung"
    log = tmp_path / "hung.log"
    fake.write_text(FAKE_HUNG.format(log=log))
    fake.chmod(0o755)
    out = str(tmp_path / "snap")
    proc = subprocess.run(["unshare", "-m", "sh", "-c", HANG, "sh", "dash", SCRIPT, "-o", out,
                           "--deadline", "2"], env=dict(os.environ, FAKE=str(fake)),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()
    errors = {}
    for name in sorted(os.listdir(os.path.join(out, "commands"))):
        with open(os.path.join(out, "commands", name)) as f:
            entry = json.load(f)
        errors[entry["argv"][0]] = entry["error"]
    # rpm runs first (not found, or answers), uname hangs to the deadline, getconf is not
    # started
    assert errors["uname"] == "timeout" and errors["getconf"] == "deadline", errors
    with open(str(log)) as f:
        assert not [pid for pid in (int(line) for line in f) if _alive(pid)]
