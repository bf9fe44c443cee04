"""The apply engine for real (docs/apply.md): `baseline restore` and `fix`, dry run and
--apply, on files in throwaway directories and, where a validator is chosen by a system
path (/etc/sudoers.d, /etc/systemd/system, /root/.config/go), inside private mount
namespaces the tests create, where tmpfs and bind mounts stand in for those directories:
the real visudo, systemd-analyze and go judge what the engine wrote.

What is asserted: the dry run changes nothing and its script, run by dash, does what
--apply does; a second --apply changes nothing; a file changed between plan and apply is
refused; a validation that fails at step 3 leaves steps 1-2 undone; kill -9 at every
step boundary and in the middle of a write leaves each file old or new, never part, and
a re-run finishes the job."""

import hashlib
import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, need, run_gotriage

HERE = os.path.dirname(os.path.abspath(__file__))
DRIVER = os.path.join(HERE, "apply_driver.py")

OLD = {"a.conf": "a=1\n", "b.conf": "b=1\nkeep=yes\n", "c.conf": "c=1\n"}
NEW = {"a.conf": "a=2\n", "b.conf": "b=2\n", "c.conf": "c=2 " + "x" * 200000 + "\n"}


def _root_only():
    need(os.geteuid() == 0, "needs root (mount namespaces, chown)")
    need(shutil.which("unshare") is not None, "unshare (util-linux)")


def _spec(tmp):
    return ("[baseline]\nformat = 1\ngo-installs = no\ngo-units = no\ncommands =\n\n"
            "[group t]\npaths = %s/etc/*.conf\noptional = yes\n" % tmp)


def _files(tmp, contents):
    etc = os.path.join(tmp, "etc")
    os.makedirs(etc, exist_ok=True)
    for name, text in contents.items():
        with open(os.path.join(etc, name), "w") as f:
            f.write(text)


def _read_all(tmp):
    etc = os.path.join(tmp, "etc")
    out = {}
    for name in sorted(os.listdir(etc)):
        if name.startswith("."):
            continue  # a temporary file (the kill test looks for them itself)
        with open(os.path.join(etc, name)) as f:
            out[name] = f.read()
    return out


@pytest.fixture
def drifted(tmp_path):
    """A baseline of three files recorded with the real git, then each file changed (c
    made large, so that a write of it is long enough to be cut in the middle)."""
    tmp = str(tmp_path)
    _files(tmp, OLD)
    with open(os.path.join(tmp, "spec.ini"), "w") as f:
        f.write(_spec(tmp))
    repo = os.path.join(tmp, "repo")
    r = run_gotriage(["baseline", "init", "--repo", repo, "--spec", os.path.join(tmp, "spec.ini")])
    assert r.returncode == 0, r.stderr
    _files(tmp, NEW)
    os.chmod(os.path.join(tmp, "etc", "b.conf"), 0o600)
    return tmp, repo


def _restore(repo, tmp, *extra, env=None):
    return run_gotriage(["baseline", "restore", "--repo", repo, "--state-dir",
                         os.path.join(tmp, "state")] + list(extra), env=env)


def test_dry_run_changes_nothing_and_its_script_does_what_apply_does(drifted, tmp_path):
    _root_only()
    tmp, repo = drifted
    before = _read_all(tmp)
    dry = _restore(repo, tmp)
    assert dry.returncode == 1, dry.stderr  # steps to apply
    assert _read_all(tmp) == before
    assert "#   -a=2" in dry.stdout and "#   +a=1" in dry.stdout  # the diff, for review
    need(shutil.which("dash") is not None, "dash")
    check = subprocess.run(["dash", "-n"], input=dry.stdout.encode(), stderr=subprocess.PIPE)
    assert check.returncode == 0, check.stderr
    ran = subprocess.run(["dash"], input=dry.stdout.encode(), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    assert ran.returncode == 0, ran.stderr
    assert _read_all(tmp) == OLD
    assert oct(os.stat(os.path.join(tmp, "etc", "b.conf")).st_mode & 0o777) == "0o644"
    # the host now matches the baseline: nothing left to do
    again = _restore(repo, tmp)
    assert again.returncode == 0, again.stdout
    assert "# nothing to do" in again.stdout
    # the script refuses to run over a file that changed since it was printed
    _files(tmp, {"a.conf": "a=3\n"})
    stale = subprocess.run(["dash"], input=dry.stdout.encode(), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
    assert stale.returncode == 1
    assert b"a.conf changed since the plan was made" in stale.stderr
    assert _read_all(tmp)["a.conf"] == "a=3\n"


def test_apply_restores_commits_backups_and_a_second_apply_changes_nothing(drifted):
    _root_only()
    tmp, repo = drifted
    r = _restore(repo, tmp, "--apply", "--yes")
    assert r.returncode == 0, r.stdout + r.stderr
    assert _read_all(tmp) == OLD
    assert os.stat(os.path.join(tmp, "etc", "b.conf")).st_mode & 0o777 == 0o644
    for name in OLD:
        assert "fixed: drift: " in r.stdout and os.path.join(tmp, "etc", name) in r.stdout
    # the replaced contents are committed in the baseline repository
    log = subprocess.run(["git", "-C", repo, "log", "--format=%s", "-1"], stdout=subprocess.PIPE)
    assert log.stdout.decode().startswith("restore: backups of 3 files replaced")
    shown = subprocess.run(["git", "-C", repo, "ls-files", "backups"], stdout=subprocess.PIPE)
    assert sorted(os.path.basename(p) for p in shown.stdout.decode().split()) == [
        "a.conf", "b.conf", "c.conf", "manifest.json"]
    stats = {n: os.stat(os.path.join(tmp, "etc", n)) for n in OLD}
    again = _restore(repo, tmp, "--apply", "--yes")
    assert again.returncode == 0, again.stdout
    assert "nothing for --apply to run" in again.stdout
    for name, st in stats.items():
        now = os.stat(os.path.join(tmp, "etc", name))
        assert (now.st_ino, now.st_mtime_ns) == (st.st_ino, st.st_mtime_ns)


def test_a_redacted_copy_in_the_baseline_is_never_written_back(drifted):
    """A baseline recorded from a snapshot holds its files with the secrets replaced by
    <redacted>: restore leaves such a file to a person, and restores the others."""
    tmp, repo = drifted
    target = os.path.join(tmp, "etc", "a.conf")
    copy = os.path.join(repo, "files", target.lstrip("/"))
    secret = b"GOPROXY=https://<redacted>@proxy.example.com\n"
    with open(copy, "wb") as f:
        f.write(secret)
    meta_path = os.path.join(repo, "metadata.json")
    with open(meta_path) as f:
        meta = json.load(f)
    meta["files"][target]["sha256"] = hashlib.sha256(secret).hexdigest()
    with open(meta_path, "w") as f:
        json.dump(meta, f)
    subprocess.run(["git", "-C", repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit",
                    "-qam", "as recorded from a snapshot"], check=True)
    dry = _restore(repo, tmp)
    assert "# by hand (the baseline's copy holds <redacted>" in dry.stdout, dry.stdout
    assert "<redacted>@proxy" not in dry.stdout
    if os.geteuid() == 0:
        r = _restore(repo, tmp, "--apply", "--yes")
        assert r.returncode == 1, r.stdout  # a manual step is left
        assert _read_all(tmp) == dict(OLD, **{"a.conf": NEW["a.conf"]})


def test_a_file_changed_between_plan_and_apply_is_refused(tmp_path):
    sys.path.insert(0, os.path.join(ROOT, "src"))
    from gotriage.apply.engine import ApplyError, Engine
    from gotriage.apply.plan import FileStep, Plan, sha256

    one, two = tmp_path / "one", tmp_path / "two"
    one.write_text("1\n")
    two.write_text("2\n")
    plan = Plan("t", [FileStep(str(one), b"one\n", expect=sha256(b"1\n")),
                      FileStep(str(two), b"two\n", expect=sha256(b"2\n"))])
    two.write_text("changed by someone\n")  # after the plan, before the apply
    with pytest.raises(ApplyError, match="two changed since the plan was made"):
        Engine(plan, str(tmp_path / "b"), state_dir=str(tmp_path / "s")).apply()
    assert one.read_text() == "1\n"  # nothing applied, the first step included
    assert not (tmp_path / "s" / "apply.journal").exists()  # refused before the journal


def test_a_second_apply_while_one_runs_is_refused(tmp_path):
    import fcntl

    sys.path.insert(0, os.path.join(ROOT, "src"))
    from gotriage.apply.engine import ApplyError, Engine
    from gotriage.apply.plan import FileStep, Plan, sha256

    one = tmp_path / "one"
    one.write_text("1\n")
    state = tmp_path / "s"
    state.mkdir()
    with open(str(state / "apply.lock"), "w") as held:  # as a running apply holds it
        fcntl.flock(held, fcntl.LOCK_EX)
        plan = Plan("t", [FileStep(str(one), b"2\n", expect=sha256(b"1\n"))])
        with pytest.raises(ApplyError, match="another gotriage --apply is running"):
            Engine(plan, str(tmp_path / "b"), state_dir=str(state)).apply()
        assert one.read_text() == "1\n"
    assert Engine(plan, str(tmp_path / "b"), state_dir=str(state)).apply().ok
    assert one.read_text() == "2\n"


def test_links_are_not_replaced_and_acls_are_kept(tmp_path):
    """A plan over a symbolic link is refused before anything changes (a rename would
    put a file where the link was); a file's POSIX ACL survives its replacement."""
    sys.path.insert(0, os.path.join(ROOT, "src"))
    from gotriage.apply.engine import ApplyError, Engine
    from gotriage.apply.plan import FileStep, Plan, sha256

    real, link = tmp_path / "real", tmp_path / "link"
    real.write_text("1\n")
    link.symlink_to(real)
    plan = Plan("t", [FileStep(str(link), b"2\n", expect=sha256(b"1\n"))])
    with pytest.raises(ApplyError, match="is a symbolic link"):
        Engine(plan, str(tmp_path / "b"), state_dir=str(tmp_path / "s")).apply()
    assert link.is_symlink() and real.read_text() == "1\n"
    need(shutil.which("setfacl") is not None, "setfacl (acl)")
    if subprocess.run(["setfacl", "-m", "u:nobody:r", str(real)]).returncode != 0:
        pytest.skip("this file system keeps no ACLs")
    plan = Plan("t", [FileStep(str(real), b"2\n", expect=sha256(b"1\n"))])
    assert Engine(plan, str(tmp_path / "b"), state_dir=str(tmp_path / "s")).apply().ok
    acl = subprocess.run(["getfacl", "-c", str(real)], stdout=subprocess.PIPE).stdout.decode()
    assert "user:nobody:r--" in acl and real.read_text() == "2\n"


def test_a_write_that_fails_undoes_the_steps_before_it(tmp_path):
    """An OSError on the way (here a directory that is gone) fails the apply like a
    refused validation: the earlier steps are put back, no traceback."""
    sys.path.insert(0, os.path.join(ROOT, "src"))
    from gotriage.apply.engine import Engine
    from gotriage.apply.plan import ABSENT, FileStep, Plan, sha256

    one = tmp_path / "one"
    one.write_text("1\n")
    gone = str(tmp_path / "gone" / "two")
    plan = Plan("t", [FileStep(str(one), b"one\n", expect=sha256(b"1\n")),
                      FileStep(gone, b"two\n", expect=ABSENT)])
    out = Engine(plan, str(tmp_path / "b"), state_dir=str(tmp_path / "s")).apply()
    assert not out.ok and out.failure.startswith(str(tmp_path / "gone")), out.failure
    assert "No such file or directory" in out.failure
    assert out.undone == ["put back %s" % one] and not out.rollback_errors
    assert one.read_text() == "1\n"


def _in_namespace(tmp, mounts, script, timeout=120):
    """`script` (sh) in a private mount namespace where each (target) of `mounts` is a
    fresh tmpfs or a bind mount of a directory under tmp: the real directories stay as
    they are."""
    lines = ["set -e"]
    for target, source in mounts:
        if source is None:
            lines.append("mount -t tmpfs -o mode=0755 tmpfs %s" % target)
        else:
            lines.append("mount --bind %s %s" % (source, target))
    lines += ["set +e", script]
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))
    return subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c",
                           "\n".join(lines)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=timeout, env=env, cwd=tmp)


def _driver(tmp, steps, name="plan.json"):
    plan = os.path.join(tmp, name)
    with open(plan, "w") as f:
        json.dump({"state_dir": os.path.join(tmp, "state"),
                   "backup_dir": os.path.join(tmp, "backup"), "steps": steps}, f)
    return "%s %s %s" % (sys.executable, DRIVER, plan)


def test_a_validation_refusing_step_3_leaves_steps_1_and_2_undone(tmp_path):
    _root_only()
    need(shutil.which("visudo") is not None, "visudo (sudo)")
    tmp = str(tmp_path)
    os.makedirs(os.path.join(tmp, "sudoers.d"))
    with open(os.path.join(tmp, "sudoers.d", "go"), "w") as f:
        f.write("Defaults secure_path=/usr/sbin:/usr/bin\n")
    os.chmod(os.path.join(tmp, "sudoers.d", "go"), 0o440)
    steps = [
        {"kind": "file", "path": "/etc/profile.d/gotriage-test-go.sh",
         "content": "export PATH=$PATH:/usr/local/go/bin\n"},
        {"kind": "file", "path": "/etc/sudoers.d/go",
         "content": "Defaults secure_path=/usr/sbin:/usr/bin:/usr/local/go/bin\n"},
        {"kind": "file", "path": "/etc/sudoers.d/broken", "content": "this is not sudoers\n",
         "mode": "0440"},
    ]
    script = _driver(tmp, steps) + "\nls -a /etc/sudoers.d /etc/profile.d/ > listing\n" \
        "cat /etc/sudoers.d/go > go-after\nstat -c %a /etc/sudoers.d/go >> go-after"
    done = _in_namespace(tmp, [("/etc/sudoers.d", os.path.join(tmp, "sudoers.d")),
                               ("/etc/profile.d", None)], script)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.decode())
    assert not out["ok"] and "refused by `visudo`" in out["failure"], out
    assert out["undone"] == ["put back /etc/sudoers.d/go",
                             "put back /etc/profile.d/gotriage-test-go.sh"], out
    with open(os.path.join(tmp, "go-after")) as f:
        assert f.read() == "Defaults secure_path=/usr/sbin:/usr/bin\n440\n"
    with open(os.path.join(tmp, "listing")) as f:
        listing = f.read()
    assert "gotriage-test-go.sh" not in listing and "broken" not in listing
    assert ".gotriage." not in listing  # no temporary file left behind


def test_a_unit_systemd_analyze_refuses_undoes_every_step(tmp_path):
    _root_only()
    need(shutil.which("systemd-analyze") is not None, "systemd-analyze (systemd)")
    tmp = str(tmp_path)
    steps = [
        {"kind": "file", "path": "/etc/systemd/system/gt-good.service",
         "content": "[Service]\nExecStart=/bin/true\n"},
        {"kind": "file", "path": "/etc/systemd/system/gt-bad.service",
         "content": "[Service]\nExecStart=/nonexistent/bin/api\n"},
    ]
    script = _driver(tmp, steps) + "\nls -a /etc/systemd/system > listing"
    done = _in_namespace(tmp, [("/etc/systemd/system", None)], script)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.decode())
    assert not out["ok"], out
    assert "systemd-analyze verify --man=no /etc/systemd/system/gt-bad.service" in out["failure"]
    assert "is not executable" in out["failure"]
    assert len(out["undone"]) == 2 and not out["rollback_errors"], out
    with open(os.path.join(tmp, "listing")) as f:
        assert ".service" not in f.read()


def test_kill_9_at_every_point_leaves_old_or_new_and_a_rerun_finishes(drifted):
    _root_only()
    tmp, repo = drifted
    points = ["before-validate", "before-reload"]
    for n in (1, 2, 3):
        points += ["before-step-%d" % n, "mid-write-%d" % n, "before-rename-%d" % n,
                   "after-step-%d" % n]
    for point in points:
        _files(tmp, NEW)
        env = dict(os.environ, GOTRIAGE_FAILPOINT=point)
        killed = _restore(repo, tmp, "--apply", "--yes", env=env)
        assert killed.returncode == -9, (point, killed.returncode, killed.stderr)
        now = _read_all(tmp)
        assert sorted(now) == sorted(OLD), (point, sorted(now))
        for name, text in now.items():
            assert text in (OLD[name], NEW[name]), (point, name, len(text))
        if point.startswith("mid-write-"):
            stray = [n for n in os.listdir(os.path.join(tmp, "etc")) if n.startswith(".")]
            assert len(stray) == 1, (point, stray)  # the half-written temporary file
        rerun = _restore(repo, tmp, "--apply", "--yes")
        assert rerun.returncode == 0, (point, rerun.stdout, rerun.stderr)
        assert "was killed after" in rerun.stdout, point
        assert _read_all(tmp) == OLD, point
        assert not [n for n in os.listdir(os.path.join(tmp, "etc")) if n.startswith(".")]


def test_fix_apply_removes_a_stale_goroot_and_the_findings_go(tmp_path):
    """A live finding on this machine, in a mount namespace: root's go env file sets a
    GOROOT that does not exist; `fix` plans the edit, --apply makes it, and the real go
    then answers (the recheck runs the toolchain checks again)."""
    _root_only()
    need(shutil.which("go") is not None, "go (golang-go)")
    tmp = str(tmp_path)
    os.makedirs(os.path.join(tmp, "goenv"))
    with open(os.path.join(tmp, "goenv", "env"), "w") as f:
        f.write("GOROOT=/usr/local/go-old\nGOFLAGS=-mod=mod\n")
    state = os.path.join(tmp, "state")
    gt = "%s -m gotriage fix --layer toolchain --state-dir %s" % (sys.executable, state)
    script = ("mkdir -p /root/.config/go && mount --bind %s /root/.config/go\n"
              "%s > dry.out; echo $? > dry.rc\n"
              "%s --apply > apply.out 2> apply.err; echo $? > apply.rc\n"
              "%s --apply > again.out; echo $? > again.rc\n"
              "cat /root/.config/go/env > env.after\n") % (
                  os.path.join(tmp, "goenv"), gt, gt, gt)
    done = _in_namespace(tmp, [], script)
    assert done.returncode == 0, done.stderr

    def read(name):
        with open(os.path.join(tmp, name)) as f:
            return f.read()
    assert read("dry.rc").strip() == "1"
    assert "#   -GOROOT=/usr/local/go-old" in read("dry.out")
    # stdin is not a terminal: --apply without --yes is refused, nothing changed yet
    assert read("apply.rc").strip() == "2"
    assert "add --yes" in read("apply.err")
    script = script.replace("--apply >", "--apply --yes >")
    done = _in_namespace(tmp, [], script.replace("%s > dry.out" % gt, "true"))
    assert done.returncode == 0, done.stderr
    assert read("apply.rc").strip() == "0", read("apply.out")
    assert "fixed: GO-ENVFILE-GOROOT /root/.config/go/env" in read("apply.out")
    assert read("env.after") == "GOFLAGS=-mod=mod\n"
    assert read("again.rc").strip() == "0" and "nothing for --apply to run" in read("again.out")
    # the backup holds what was replaced
    backups = os.path.join(state, "backups")
    (stamp,) = os.listdir(backups)
    with open(os.path.join(backups, stamp, "files", "root", ".config", "go", "env")) as f:
        assert f.read() == "GOROOT=/usr/local/go-old\nGOFLAGS=-mod=mod\n"


@pytest.mark.parametrize("argv, message", [
    (["fix", "--yes"], "--yes goes with --apply"),
    (["fix", "--apply", "--yes", "--root", "tests/data/snapshots/el7-sudo-path"],
     "a plan made from a snapshot is printed only"),
    (["fix", "--only", "NO-SUCH-ID"], "unknown check or finding id: NO-SUCH-ID"),
    (["baseline", "restore", "--repo", "/nonexistent/repo"], "no baseline at /nonexistent/repo"),
    (["baseline", "restore", "--repo", "/", "--only", "etc/x"], "absolute paths"),
    (["baseline", "diff", "--apply"], "--apply is an option of `baseline restore` and "
                                      "`baseline timer`"),
    (["baseline", "timer", "--yes"], "--yes and --state-dir go with --apply"),
])
def test_bad_usage_is_one_line_exit_2(argv, message):
    r = run_gotriage(argv, cwd=ROOT)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert message in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_a_baseline_from_a_newer_gotriage_is_refused(drifted):
    tmp, repo = drifted
    with open(os.path.join(repo, "gotriage-baseline.json"), "w") as f:
        json.dump({"format": 99, "written_by": "gotriage 9.0"}, f)
    r = _restore(repo, tmp, "--apply", "--yes")
    assert r.returncode == 2 and "written by a newer gotriage (gotriage 9.0" in r.stderr
    assert _read_all(tmp) == NEW  # nothing changed


def test_sshd_refuses_a_bad_drop_in_and_the_write_is_undone(tmp_path):
    """The real sshd judges /etc/ssh (a copy, bind-mounted in a private mount namespace,
    /run a tmpfs holding sshd's privilege separation directory): a drop-in with a value
    sshd does not know is written, refused by `sshd -t`, and removed again."""
    _root_only()
    need(shutil.which("sshd") is not None, "sshd (openssh-server)")
    tmp = str(tmp_path)
    shutil.copytree("/etc/ssh", os.path.join(tmp, "ssh"), symlinks=True)
    os.makedirs(os.path.join(tmp, "ssh", "sshd_config.d"), exist_ok=True)
    with open(os.path.join(tmp, "ssh", "sshd_config")) as f:
        main = f.read()
    if "sshd_config.d" not in main:  # Debian 12's includes it; make sure the copy does
        with open(os.path.join(tmp, "ssh", "sshd_config"), "w") as f:
            f.write("Include /etc/ssh/sshd_config.d/*.conf\n" + main)
    bad = {"kind": "file", "path": "/etc/ssh/sshd_config.d/01-gotriage.conf",
           "content": "PermitRootLogin maybe\n"}
    good = dict(bad, content="PermitRootLogin no\n")
    script = ("mkdir -p /run/sshd\n%s > bad.json\nls /etc/ssh/sshd_config.d > listing\n"
              "%s > good.json\ncat /etc/ssh/sshd_config.d/01-gotriage.conf > good.txt") % (
                  _driver(tmp, [bad], "bad.plan"), _driver(tmp, [good], "good.plan"))
    done = _in_namespace(tmp, [("/etc/ssh", os.path.join(tmp, "ssh")), ("/run", None)], script)
    assert done.returncode == 0, done.stderr

    def read(name):
        with open(os.path.join(tmp, name)) as f:
            return f.read()
    out = json.loads(read("bad.json"))
    assert not out["ok"] and "`sshd -t` refuses sshd's configuration" in out["failure"], out
    assert 'unsupported option "maybe"' in out["failure"], out
    assert "01-gotriage.conf" not in read("listing")
    out = json.loads(read("good.json"))
    assert out["ok"] and out["validated"] == ["sshd -t"], out
    assert read("good.txt") == "PermitRootLogin no\n"


def test_a_corrupt_baseline_repository_is_one_line(drifted):
    tmp, repo = drifted
    with open(os.path.join(repo, "gotriage-baseline.json"), "w") as f:
        f.write("{not json")
    r = _restore(repo, tmp)
    assert r.returncode == 2 and "is not a gotriage baseline" in r.stderr, r.stderr


def test_timer_apply_writes_verifies_and_rolls_back_when_systemd_cannot_take_it(tmp_path):
    """`baseline timer --apply` in a mount namespace whose /etc/systemd/system is a tmpfs:
    the real systemd-analyze verifies the units, then systemctl cannot load them (no
    systemd as PID 1 here; with one, PID 1 does not see this namespace's files and
    `enable --now` fails): either way the failure undoes every step, and the output says
    so."""
    _root_only()
    need(shutil.which("systemd-analyze") is not None, "systemd-analyze (systemd)")
    need(shutil.which("systemctl") is not None, "systemctl (systemd)")
    tmp = str(tmp_path)
    gt = "%s -m gotriage baseline timer --repo %s --to-file %s" % (
        sys.executable, os.path.join(tmp, "repo"), os.path.join(tmp, "to"))
    script = ("%s > dry.out; echo $? > dry.rc\n%s --apply --yes --state-dir %s > apply.out "
              "2>&1; echo $? > apply.rc\nls -a /etc/systemd/system > listing\n") % (
                  gt, gt, os.path.join(tmp, "state"))
    done = _in_namespace(tmp, [("/etc/systemd/system", None)], script)
    assert done.returncode == 0, done.stderr

    def read(name):
        with open(os.path.join(tmp, name)) as f:
            return f.read()
    assert read("dry.rc").strip() == "0" and "# ---- /etc/systemd/system/" in read("dry.out")
    out = read("apply.out")
    assert read("apply.rc").strip() == "2", out
    assert "validated: systemd-analyze verify --man=no /etc/systemd/system/gotriage-baseline." \
        in out
    assert "FAILED: " in out and "systemctl" in out, out
    assert "rolled back: put back /etc/systemd/system/gotriage-baseline.service" in out
    assert "rolled back: put back /etc/systemd/system/gotriage-baseline.timer" in out
    assert "the host is as it was" in out
    assert "gotriage-baseline" not in read("listing")
