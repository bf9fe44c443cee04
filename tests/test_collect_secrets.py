"""Issue 11 §2: `gotriage collect` leaks no secret, and redaction damages no data.

A real `gotriage collect` of this machine, in a private mount namespace where overlays
on /etc and /var/log hold planted files (nothing on the host changes): secrets in the
environment collect runs with (the manifest, and every command's environment), the go
env file, .netrc, an enabled unit that runs go with Environment= lines, a drop-in and
EnvironmentFiles (so they are also in the environment of the unit's `go env` probe), dnf
repo files and dnf.conf, and two audit logs (plain and hex EXECVE, PROCTITLE, USER_CMD and
TTY records).  Every byte of the snapshot, directory and .tar.gz, is searched for every
planted secret, as it is and in hex (and inside JSON strings and base64 outputs); the
replay of the snapshot gives the findings of the live check (the unit's probe, keyed by
its redacted environment, is found again); and the real files of tests/data come out of
redaction byte for byte, but for the passwords of Go's own test .netrc.
"""

import base64
import json
import os
import random
import re
import shutil
import string
import subprocess
import sys
import tarfile
import tempfile

import pytest

from conftest import DATA, ROOT, base_env, need
from gotriage.host.redact import MARK, redact_bytes

RND = random.Random(2611)
_USED = set()


def _random(n=18, alphabet=string.ascii_letters + string.digits):
    while True:
        value = RND.choice(string.ascii_letters) + "".join(RND.choice(alphabet) for _ in range(n - 1))
        if value not in _USED:
            _USED.add(value)
            return value


class Corpus(object):
    """Planted secrets: each with where it was put, and the unique random part that must
    not be found anywhere in the snapshot."""

    def __init__(self):
        self.planted = []  # (where, needle)

    def plant(self, where, shape="%s", n=18, alphabet=string.ascii_letters + string.digits):
        needle = _random(n, alphabet)
        self.planted.append((where, needle))
        return shape % needle

    def jwt(self, where):
        return "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ%s.%s" % (
            self.plant(where, n=24), self.plant(where, n=20))


def _hex(text):
    return text.encode("utf-8").hex().upper()


def _audit(serial, rtype, body):
    return "type=%s msg=audit(1700000100.%03d:%d): %s\n" % (rtype, serial % 1000, serial, body)


def plant_everything(top, corpus):
    """Lay out the planted host under `top`: the overlays' upper directories, HOME, the
    project; returns the environment collect runs with."""
    up = os.path.join(top, "etc-up")
    home = os.path.join(top, "home")
    files = {}
    c = corpus

    # -- the environment collect is started with (manifest environ, command env) ------------
    env = base_env(home, GOPROXY=None)
    env.update({
        "MY_PASSPHRASE": c.plant("environ"), "SSHPASS": c.plant("environ"),
        "VAULT_PASS": c.plant("environ"), "NPM_AUTH": c.plant("environ"),
        "CI_JOB_JWT": c.jwt("environ"), "GITHUB_TOKEN": c.plant("environ", "ghp_%s", n=36),
        "DB_PASSWORD": c.plant("environ", "two words %s"), "MYSQL_PWD": c.plant("environ"),
        "AWS_SECRET_ACCESS_KEY": c.plant("environ", n=40),
        "AWS_ACCESS_KEY_ID": c.plant("environ", "AKIA%s", 16, string.ascii_uppercase + string.digits),
        "PAYMENTS": c.plant("environ", "sk_live_%s"),
        "BOT": c.plant("environ", "xoxb-17653672481-%s"),
        "GITLAB": c.plant("environ", "glpat-%s", n=20),
        "HTTPS_PROXY": c.plant("environ", "http://proxyuser:%s@proxy.corp:3128"),
        "GOFLAGS": c.plant("environ", "-ldflags=-X=main.apiToken=%s"),
        "LAST_COMMAND": c.plant("environ", "mysql -uroot -p%s app"),
        "SSH_PRIVATE_KEY": "-----BEGIN OPENSSH PRIVATE KEY-----\n%s\n%s\n-----END OPENSSH PRIVATE KEY-----\n"
        % (c.plant("environ", n=60), c.plant("environ", n=40)),
        "DATABASE_DSN": c.plant("environ", "app:%s@tcp(db:3306)/app"),
        "SESSION": c.jwt("environ"),
    })

    # -- the go env file and .netrc of HOME ------------------------------------------------
    files[os.path.join(home, ".config", "go", "env")] = (
        "GOPROXY=%s\nGONOSUMDB=corp.example/*\nGOPRIVATE=corp.example/*\n"
        "GOFLAGS=%s\n" % (c.plant("go env file", "https://gouser:%s@athens.corp,direct"),
                          c.plant("go env file", "-ldflags=-X=main.dbPassword=%s")))
    files[os.path.join(home, ".netrc")] = (
        "machine git.corp login bob password %s\n"
        "machine proxy.corp\n  login alice\n  account %s\n  password\n    %s\n"
        "default login anonymous password %s\n" % (
            c.plant(".netrc"), c.plant(".netrc"), c.plant(".netrc"), c.plant(".netrc")))

    # -- an enabled unit that runs go, a drop-in, EnvironmentFiles --------------------------
    app = os.path.join(top, "srv", "app")
    system = os.path.join(up, "systemd", "system")
    files[os.path.join(system, "app.service")] = (
        "[Unit]\nDescription=billing (the password database is /etc/app/passwd.db)\n"
        "[Service]\n"
        "Environment=STRIPE=%s \"DB_PASSWORD=two words %s\" API_TOKEN=%s\n"
        "Environment=DATABASE_URL=%s\n"
        "EnvironmentFile=/etc/app/app.env\nEnvironmentFile=-/etc/app/extra.env\n"
        "WorkingDirectory=%s\n"
        "ExecStartPre=/usr/bin/mysqldump -uroot -p%s app\n"
        "ExecStart=/usr/bin/go run . --password %s\n"
        "# the token is never written here: see LoadCredential\n"
        "[Install]\nWantedBy=multi-user.target\n" % (
            c.plant("unit file", "sk_live_%s"), c.plant("unit file"), c.plant("unit file"),
            c.plant("unit file", "postgres://app:%s@db/app"), app, c.plant("unit file"),
            c.plant("unit file")))
    files[os.path.join(system, "app.service.d", "10-secrets.conf")] = (
        "[Service]\nEnvironment=NPM_AUTH=%s\nEnvironment=\"DSN=app:%s@tcp(db:3306)/app\"\n"
        "Environment=CI_JOB_JWT=%s\n" % (
            c.plant("drop-in"), c.plant("drop-in"), c.jwt("drop-in")))
    files[os.path.join(up, "app", "app.env")] = (
        "# billing\nSTRIPE_KEY=%s\nMY_PASSPHRASE=correct horse battery %s\nSLACK=%s\n"
        "GH_PAT=%s\nAWS_KEY_ID=%s\nVAULT_PASS=\"quoted %s\"\nCONTINUED_SECRET=first \\\n  %s\n"
        "SIGNING_KEY=%s\nPWD=/srv/app\n" % (
            c.plant("EnvironmentFile", "rk_live_%s"), c.plant("EnvironmentFile"),
            c.plant("EnvironmentFile", "xoxp-123456789012-%s"),
            c.plant("EnvironmentFile", "github_pat_11AB%s", n=40),
            c.plant("EnvironmentFile", "ASIA%s", 16, string.ascii_uppercase + string.digits),
            c.plant("EnvironmentFile"), c.plant("EnvironmentFile"), c.plant("EnvironmentFile")))
    files[os.path.join(up, "app", "extra.env")] = "PRIVATE_TOKEN='%s'\n" % c.plant("EnvironmentFile")
    os.makedirs(os.path.join(system, "multi-user.target.wants"))
    os.symlink("../app.service", os.path.join(system, "multi-user.target.wants", "app.service"))

    # -- dnf: a Rocky 9 host as far as the packages layer sees ----------------------------
    with open(os.path.join(DATA, "el", "rocky-9.3", "etc", "os-release")) as f:
        files[os.path.join(up, "os-release")] = f.read()
    files[os.path.join(up, "dnf", "dnf.conf")] = (
        "[main]\ngpgcheck=1\nproxy=%s\nproxy_username=dnf\nproxy_password=%s\n" % (
            c.plant("dnf.conf", "http://dnfproxy:%s@proxy.corp:3128"), c.plant("dnf.conf")))
    files[os.path.join(up, "yum.repos.d", "corp.repo")] = (
        "[corp]\nname=Corp $releasever\nbaseurl=%s\nmirrorlist=%s\nusername=repo\npassword=%s\n"
        "proxy_password=%s\nsslclientkey=/etc/pki/corp/client.key\ngpgcheck=0\n" % (
            c.plant("repo file", "https://repouser:%s@repo.corp/el9/$basearch/"),
            c.plant("repo file", "https://mluser:%s@mirrors.corp/list"),
            c.plant("repo file"), c.plant("repo file")))

    # -- audit logs: a real RHEL sample, then records that carry secrets ------------------
    # (the sample's records but its AVC denials, whose SELinux tool runs take 9 s a collect)
    with open(os.path.join(DATA, "selinux", "sample-1mb.log"), "rb") as f:
        real = b"".join(line for line in f.read(200 * 1024).splitlines(True)
                        if b"avc:" not in line and line.endswith(b"\n"))
    planted_log = "".join([
        _audit(1, "EXECVE", 'argc=3 a0="mysql" a1="-uroot" a2="-p%s"' % c.plant("audit.log raw")),
        _audit(2, "EXECVE", "argc=3 a0=\"git\" a1=\"clone\" a2=%s"
               % _hex(c.plant("audit.log hex", "https://bob:%s@git.corp/x y"))),
        _audit(3, "PROCTITLE", "proctitle=%s"
               % _hex(c.plant("audit.log hex", "mysqldump\0--password=%s\0app"))),
        _audit(4, "USER_CMD", "pid=1 uid=1000 auid=1000 ses=3 msg='cwd=\"/root\" cmd=%s "
               "exe=\"/usr/bin/sudo\" terminal=pts/0 res=success'"
               % _hex(c.plant("audit.log hex", "sshpass -p %s ssh db"))),
        _audit(5, "TTY", 'tty pid=1 uid=0 major=136 minor=0 comm="bash" data=%s'
               % _hex(c.plant("audit.log hex", "mysql -p%s\r"))),
        _audit(6, "EXECVE", 'argc=3 a0="curl" a1="-u" a2="bob:%s"' % c.plant("audit.log raw")),
        _audit(7, "PROCTITLE", "proctitle=%s" % _hex(c.plant("audit.log hex", "app\0--token\0%s"))),
    ])
    rotated = "".join([
        _audit(8, "EXECVE", 'argc=2 a0="sshpass" a1="-p%s"' % c.plant("audit.log.1 raw")),
        _audit(9, "PROCTITLE", "proctitle=%s"
               % _hex(c.plant("audit.log.1 hex", "redis-cli\0-a\0%s\0ping"))),
        _audit(10, "EXECVE", "argc=2 a0=\"app\" a1=%s"
               % _hex(c.plant("audit.log.1 hex", "--api-key=with space %s"))),
        _audit(11, "PROCTITLE", "proctitle=%s" % _hex(
            "curl\0-H\0Authorization: token %s" % c.plant("audit.log.1 hex", "ghp_%s", n=36))),
    ])
    logs = os.path.join(top, "log-up", "audit")
    files[os.path.join(logs, "audit.log")] = real + planted_log.encode("utf-8")
    files[os.path.join(logs, "audit.log.1")] = rotated

    # -- a user whose login shell exports secrets (collect --user corpus), and its go env
    # file; the user exists only in the overlay's /etc/passwd, its home is world-readable
    user_home = tempfile.mkdtemp(prefix="gotriage-corpus-user-")
    os.chmod(user_home, 0o755)
    for name in ("passwd", "group", "shadow"):
        with open(os.path.join("/etc", name)) as f:
            files[os.path.join(up, name)] = f.read()
    files[os.path.join(up, "passwd")] += "%s:x:4242:4242::%s:/bin/bash\n" % (USER, user_home)
    files[os.path.join(up, "group")] += "%s:x:4242:\n" % USER
    files[os.path.join(up, "shadow")] += "%s:!:19000:0:99999:7:::\n" % USER
    files[os.path.join(user_home, ".bash_profile")] = (
        "export DB_PASSWORD='login shell %s'\nexport GITHUB_TOKEN=%s\n"
        "export HTTPS_PROXY=%s\nexport MY_API_KEY=%s\n" % (
            c.plant("login shell"), c.plant("login shell", "ghp_%s", n=36),
            c.plant("login shell", "http://u:%s@proxy.corp:3128"), c.plant("login shell")))
    files[os.path.join(user_home, ".config", "go", "env")] = (
        "GOPROXY=%s\n" % c.plant("go env file of the user", "https://u:%s@athens.corp"))

    for path, content in files.items():
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(content if isinstance(content, bytes) else content.encode("utf-8"))
    os.makedirs(app)
    with open(os.path.join(app, "go.mod"), "w") as f:
        f.write("module example.com/app\n\ngo 1.19\n")
    project = os.path.join(top, "project")
    os.makedirs(project)
    with open(os.path.join(project, "go.mod"), "w") as f:
        f.write("module example.com/project\n\ngo 1.19\n")
    for directory, _dirs, names in os.walk(user_home):
        for name in [directory] + [os.path.join(directory, n) for n in names]:
            os.chown(name, 4242, 4242)
    return env, project, real, user_home


USER = "corpus"
NAMESPACE = r"""
set -e
mount --make-rprivate /
mkdir -p "$TOP/etc-work" "$TOP/log-work"
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$TOP/etc-up,workdir=$TOP/etc-work" /etc
mount -t overlay overlay -o "lowerdir=/var/log,upperdir=$TOP/log-up,workdir=$TOP/log-work" /var/log
cd /
"$PY" -m gotriage check --json $ARGS > "$TOP/live.json" 2> "$TOP/live.err" || true
"$PY" -m gotriage collect $ARGS -o "$TOP/snap"
"$PY" -m gotriage collect $ARGS -o "$TOP/snap.tar.gz"
"""


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    need(os.geteuid() == 0, "root, to mount the overlays in a private mount namespace")
    need(shutil.which("unshare"), "unshare(1) (apt: util-linux)")
    need(os.path.exists("/usr/bin/go"), "/usr/bin/go, the unit's program (apt: golang-go)")
    top = str(tmp_path_factory.mktemp("planted"))
    corpus = Corpus()
    need(shutil.which("su"), "su(1) (apt: util-linux)")
    env, project, real, user_home = plant_everything(top, corpus)
    args = ["--project", project, "--user", USER]
    run_env = dict(env, TOP=top, PY=sys.executable, ARGS=" ".join(args),
                   PYTHONPATH=os.path.join(ROOT, "src"))
    try:
        proc = subprocess.run(["unshare", "-m", "sh", "-c", NAMESPACE], env=run_env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    finally:
        shutil.rmtree(user_home, ignore_errors=True)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    assert not os.path.exists("/etc/app/app.env")  # the host itself is untouched
    with open(os.path.join(top, "live.json")) as f:
        live = json.load(f)
    return {"top": top, "corpus": corpus, "live": live, "args": args, "real_log": real}


def _strings(value):
    """Every string inside a JSON value, base64 outputs and xattrs decoded."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            if key.endswith("_b64") or key == "b64":
                yield base64.b64decode(item).decode("utf-8", "replace")
            else:
                for text in _strings(item):
                    yield text
    elif isinstance(value, list):
        for item in value:
            for text in _strings(item):
                yield text
    elif isinstance(value, str):
        yield value


def _members(snapshot):
    """(name, bytes) of every file of a snapshot directory or archive."""
    if os.path.isdir(snapshot):
        for directory, _dirs, names in os.walk(snapshot):
            for name in names:
                path = os.path.join(directory, name)
                with open(path, "rb") as f:
                    yield os.path.relpath(path, snapshot), f.read()
    else:
        with tarfile.open(snapshot, "r:gz") as tar:
            for member in tar.getmembers():
                if member.isfile():
                    yield member.name.split("/", 1)[1], tar.extractfile(member).read()


def _forms(needle):
    raw = needle.encode("utf-8")
    return [raw, raw.hex().encode(), raw.hex().upper().encode()]


def test_the_corpus_has_every_place_and_at_least_60_secrets(collected):
    places = {where.split(" ")[0] for where, _needle in collected["corpus"].planted}
    assert places >= {"environ", "go", ".netrc", "unit", "drop-in", "EnvironmentFile", "dnf.conf",
                      "repo", "audit.log", "audit.log.1", "login"}
    assert len(collected["corpus"].planted) >= 60


@pytest.mark.parametrize("form", ["snap", "snap.tar.gz"])
def test_no_planted_secret_is_in_the_snapshot(collected, form):
    snapshot = os.path.join(collected["top"], form)
    leaks, searched = [], 0
    needles = [(where, needle, _forms(needle)) for where, needle in collected["corpus"].planted]
    for name, data in _members(snapshot):
        searched += 1
        texts = [data]
        if name.endswith(".json"):
            texts.extend(s.encode("utf-8", "surrogateescape") for s in _strings(json.loads(data.decode("utf-8"))))
        for where, needle, forms in needles:
            if any(f in text for text in texts for f in forms):
                leaks.append((where, needle, name))
    assert searched > 50
    assert leaks == [], "%d of %d planted secrets leaked: %s" % (
        len(leaks), len(needles), leaks)


def test_every_planted_place_was_recorded_and_redacted(collected):
    """The search above is not vacuous: collect read every place a secret was put, and
    stored it with the secret redacted."""
    top = collected["top"]
    snap = os.path.join(top, "snap")

    def stored(path):
        with open(os.path.join(snap, "files", path.lstrip("/")), "rb") as f:
            return f.read()

    home = os.path.join(top, "home")
    for path in (home + "/.config/go/env", home + "/.netrc", "/etc/systemd/system/app.service",
                 "/etc/systemd/system/app.service.d/10-secrets.conf", "/etc/app/app.env",
                 "/etc/app/extra.env", "/etc/dnf/dnf.conf", "/etc/yum.repos.d/corp.repo",
                 "/var/log/audit/audit.log", "/var/log/audit/audit.log.1"):
        assert MARK.encode() in stored(path) or _hex(MARK).encode() in stored(path), path
    with open(os.path.join(snap, "gotriage-snapshot.json")) as f:
        environ = json.load(f)["environ"]
    for name in ("MY_PASSPHRASE", "SSHPASS", "VAULT_PASS", "NPM_AUTH", "CI_JOB_JWT", "PAYMENTS",
                 "SESSION", "SSH_PRIVATE_KEY", "MYSQL_PWD"):
        assert environ[name] == MARK, name
    assert environ["HTTPS_PROXY"] == "http://<redacted>@proxy.corp:3128"
    assert environ["LAST_COMMAND"] == "mysql -uroot -p<redacted> app"
    # the unit's go env probe ran with the unit's environment, stored redacted
    entries = []
    for name in os.listdir(os.path.join(snap, "commands")):
        with open(os.path.join(snap, "commands", name)) as f:
            entries.append(json.load(f))
    probes = [e["env"] for e in entries
              if e["argv"][1:3] == ["env", "-json"] and "STRIPE" in (e.get("env") or {})]
    assert len(probes) == 1
    for name in ("STRIPE", "DB_PASSWORD", "API_TOKEN", "NPM_AUTH", "STRIPE_KEY", "MY_PASSPHRASE",
                 "SLACK", "GH_PAT", "AWS_KEY_ID", "VAULT_PASS", "CONTINUED_SECRET", "SIGNING_KEY",
                 "PRIVATE_TOKEN", "CI_JOB_JWT"):
        assert probes[0][name] == MARK, name
    assert probes[0]["DSN"] == "app:<redacted>@tcp(db:3306)/app"
    assert probes[0]["PWD"] == "/srv/app"
    # the login shell of --user: `env -0`, stored redacted, and the probe in it
    from gotriage.parsers.envdump import parse_env0

    login = [e for e in entries if e["argv"][:2] == ["su", "-"]]
    assert len(login) == 1 and login[0]["returncode"] == 0
    dumped = parse_env0(login[0]["stdout"])
    assert dumped["DB_PASSWORD"] == dumped["GITHUB_TOKEN"] == dumped["MY_API_KEY"] == MARK
    assert dumped["HTTPS_PROXY"] == "http://<redacted>@proxy.corp:3128"
    assert [e for e in entries if e["argv"][1:3] == ["env", "-json"]
            and (e.get("env") or {}).get("USER") == USER and e["env"]["DB_PASSWORD"] == MARK]


def test_the_real_log_around_the_planted_records_is_stored_as_it_was(collected):
    with open(os.path.join(collected["top"], "snap", "files", "var", "log", "audit", "audit.log"), "rb") as f:
        stored = f.read()
    real = collected["real_log"]
    assert stored.startswith(real) and len(stored.splitlines()) == len(real.splitlines()) + 7


# Two differences that redaction makes, both documented (docs/snapshot-format.md, Known
# limits): dnf names a repo's cache directory after a hash of its URL, here one with a
# password, and the replay hashes the redacted URL (a cache that exists is still found:
# the newest directory of the repo is taken; only the name of a missing one differs); a
# redacted audit log is shorter, and SEL-AVC says how much it read.
_DNF_CACHE = re.compile(r"(/var/cache/dnf/corp-)[0-9a-f]{16}")
_LOG_SIZE = re.compile(r"(audit\.log )\(\d+\.\d KB\)")


def _comparable(report, redacted=False):
    """The findings, with the texts of a live report redacted as a snapshot holds them;
    not the firewall layer's, which follow the sockets other processes of this machine
    open and close between the live check and each collect."""
    keep = ("id", "severity", "title", "evidence", "fix", "predicted_error", "check")
    results = []
    for r in report["results"]:
        if r["id"].startswith("FW-"):
            continue
        # one per context: two secrets redacted alike make the same finding, merged
        for context in r.get("contexts") or [None]:
            results.append(dict({k: r.get(k) for k in keep}, context=context))
    if redacted:
        results = _redact_strings(results)
    texts = [_LOG_SIZE.sub(r"\1(SIZE)", _DNF_CACHE.sub(r"\1HASH", json.dumps(r, sort_keys=True)))
             for r in results]
    return sorted(texts)


def _redact_strings(value):
    from gotriage.host.redact import redact

    if isinstance(value, dict):
        return dict((k, _redact_strings(v)) for k, v in value.items())
    if isinstance(value, list):
        return [_redact_strings(v) for v in value]
    return redact(value) if isinstance(value, str) else value


def test_the_replay_gives_the_live_findings(collected, tmp_path):
    """Redaction is deterministic: `check --root` rebuilds each environment (the shell's
    from the manifest, the unit's from the redacted unit file, drop-in and
    EnvironmentFiles) and finds the commands recorded with it; a probe not found would
    change the unit's findings (SVC-GO-CACHE)."""
    from conftest import run_gotriage

    live = collected["live"]
    other = base_env(tmp_path / "elsewhere", [], GOPROXY=None, GOTOOLCHAIN=None)
    for form in ("snap", "snap.tar.gz"):
        run = run_gotriage(["check", "--json"] + collected["args"] + [
            "--root", os.path.join(collected["top"], form)], env=other)
        replay = run.json
        assert [n for n in replay["notes"] if "not recorded" in n] == []
        assert _comparable(replay) == _comparable(live, redacted=True), form
    ids = {r["id"] for r in live["results"] if r["title"].startswith("app.service")}
    assert {"SVC-ENV", "SVC-GO-CACHE"} <= ids  # the unit was examined, its probe answered


# -- real data files -------------------------------------------------------------------------
# Files of tests/data that hold a real secret, and the secrets: nothing else may change.
REAL_SECRETS = {
    # Go's own .netrc test (cmd/go/internal/auth): the values after `password`, in order
    # (Go ignores those of a macdef body, and so do its tests; redaction takes them too)
    os.path.join("go", "netrc_test.go"): ["none", "pwd", "pwd2", "pwd3", "nothing", "pwd4",
                                          "nothing", "gopher@golang.org", "too-late-in-file"],
}


def test_real_data_files_pass_through_unchanged_but_for_real_secrets():
    unchanged, changed = 0, []
    for directory, _dirs, names in sorted(os.walk(DATA)):
        for name in sorted(names):
            path = os.path.join(directory, name)
            rel = os.path.relpath(path, DATA)
            with open(path, "rb") as f:
                data = f.read()
            out = redact_bytes(data)
            if rel in REAL_SECRETS:
                secrets = REAL_SECRETS[rel]
                assert out.count(MARK.encode()) == len(secrets), rel
                restored = out
                for secret in secrets:  # put each back where its mark is: the file again
                    restored = restored.replace(MARK.encode(), secret.encode(), 1)
                assert restored == data, rel
                continue
            if out == data:
                unchanged += 1
            else:
                changed.append(rel)
    assert changed == [], "redaction changed real files: %s" % changed
    assert unchanged > 900
    assert all(os.path.exists(os.path.join(DATA, rel)) for rel in REAL_SECRETS)
