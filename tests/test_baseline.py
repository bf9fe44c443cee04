"""`gotriage baseline init` and `baseline diff` (docs/baseline.md) with the real git, on
a hand-made snapshot as the host (and once on this live machine): init records, a change
made in a copy of the snapshot comes back as exactly its finding, an unchanged host is
clean, and bad repositories and specs are one-line errors."""

import base64
import json
import os
import re
import shutil
import subprocess

import pytest

from cli_support import make_snapshot, run_cli, schema_errors

UNIT = """\
[Unit]
Description=app

[Service]
ExecStart=/opt/app/bin/app
User=app
"""
FILES = {
    "/etc/profile.d/go.sh": "export PATH=$PATH:/usr/local/go/bin\n",
    "/etc/profile.d/lang.sh": "LANG=C.UTF-8\n",
    "/etc/sudoers.d/go": 'Defaults secure_path="/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/go/bin"\n',
    "/etc/selinux/config": "SELINUX=enforcing\nSELINUXTYPE=targeted\n",
    "/etc/systemd/system/app.service": UNIT,
    "/etc/security/limits.d/90-app.conf": "app soft nofile 65536\n",
    "/usr/local/go/VERSION": "go1.22.12\ntime 2025-02-04T19:54:52Z\n",
    "/usr/local/go/bin/go": "#!/bin/sh\n",
    "/usr/local/go/pkg/tool/linux_amd64/compile": "#!/bin/sh\n",
}
LABEL = "system_u:object_r:systemd_unit_file_t:s0"


def _xattr(label):
    return {"security.selinux": {"b64": base64.b64encode(label.encode() + b"\0").decode()}}


def _paths(snapshot, changes):
    """Update the snapshot's paths.json: {path: entry fields}."""
    path = os.path.join(snapshot, "paths.json")
    paths = {}
    if os.path.exists(path):
        with open(path) as f:
            paths = json.load(f)
    for key, fields in changes.items():
        paths.setdefault(key, {}).update(fields)
    with open(path, "w") as f:
        json.dump(paths, f)


def _write(snapshot, path, text):
    local = os.path.join(snapshot, "files", path.lstrip("/"))
    os.makedirs(os.path.dirname(local), exist_ok=True)
    with open(local, "w") as f:
        f.write(text)


@pytest.fixture
def host(tmp_path):
    snapshot = make_snapshot(tmp_path / "snapshot", FILES)
    _paths(snapshot, {"/etc/systemd/system/app.service": {
        "stat": {"mode": 0o100644, "size": len(UNIT)}, "lstat": {"mode": 0o100644, "size": len(UNIT)},
        "xattr": _xattr(LABEL)}})
    return snapshot


def baseline(*args):
    done = run_cli(["baseline"] + [str(a) for a in args])
    return done.returncode, done.stdout.decode(), done.stderr.decode()


def _diff_ids(repo, snapshot):
    code, out, err = baseline("diff", "--repo", repo, "--root", snapshot, "--json")
    report = json.loads(out)
    assert not schema_errors(report)
    return code, sorted((r["id"], r.get("subject")) for r in report["results"]
                        if r["severity"] != "ok"), report


def _commits(repo):
    return subprocess.run(["git", "-C", str(repo), "log", "--format=%s"], check=True,
                          stdout=subprocess.PIPE).stdout.decode().splitlines()


def _copy(host, tmp_path):
    changed = str(tmp_path / "changed")
    shutil.copytree(host, changed)
    return changed


def test_init_records_the_spec_and_an_unchanged_host_is_clean(host, tmp_path):
    repo = tmp_path / "repo"
    code, out, _err = baseline("init", "--repo", repo, "--root", host)
    assert code == 0 and "commit" in out, out
    with open(str(repo / "metadata.json")) as f:
        meta = json.load(f)
    files = meta["files"]
    for path in ("/etc/profile.d/go.sh", "/etc/sudoers.d/go", "/etc/selinux/config",
                 "/etc/systemd/system/app.service", "/etc/security/limits.d/90-app.conf"):
        assert path in files, path
        with open(str(repo / "files" / path.lstrip("/"))) as f:
            assert f.read() == FILES[path]
    assert files["/etc/systemd/system/app.service"]["label"] == LABEL
    assert files["/etc/systemd/system/app.service"]["mode"] == "0644"
    go = meta["go"]["/usr/local/go"]
    assert go["version"] == "go1.22.12"
    import hashlib
    assert go["go_sha256"] == hashlib.sha256(FILES["/usr/local/go/bin/go"].encode()).hexdigest()
    assert go["tree_entries"] >= 6 and len(go["tree_digest"]) == 64
    assert _commits(repo) == ["baseline: first recording (%d files, 1 Go installs, 0 state "
                              "outputs)" % len(files)]
    code, problems, report = _diff_ids(repo, host)
    assert (code, problems) == (0, [])
    assert report["layers"] == ["baseline"]
    # a second init on the unchanged host: no empty commit
    code, out, _err = baseline("init", "--repo", repo, "--root", host)
    assert code == 0 and "nothing changed" in out
    assert len(_commits(repo)) == 1


def test_a_changed_file_is_exactly_base_file_changed_with_its_diff(host, tmp_path):
    repo = tmp_path / "repo"
    baseline("init", "--repo", repo, "--root", host)
    changed = _copy(host, tmp_path)
    _write(changed, "/etc/profile.d/go.sh", "export PATH=$PATH:/opt/go/bin\n")
    code, problems, report = _diff_ids(repo, changed)
    assert (code, problems) == (1, [("BASE-FILE-CHANGED", "/etc/profile.d/go.sh")])
    finding = [r for r in report["results"] if r["id"] == "BASE-FILE-CHANGED"][0]
    short = _commits_short(repo)
    assert "since commit %s" % short in finding["title"]
    texts = "\n".join(e.get("text", "") for e in finding["evidence"])
    assert "-export PATH=$PATH:/usr/local/go/bin" in texts and "+export PATH=$PATH:/opt/go/bin" in texts
    assert "package ownership not examined" in texts  # a snapshot did not record rpm
    # the printed commands show the recorded content, and the plan that puts it back
    fix = finding["fix"][0]
    shown = subprocess.run(fix["shell"], shell=True, stdout=subprocess.PIPE, check=True)
    assert shown.stdout.decode() == FILES["/etc/profile.d/go.sh"]
    restore = finding["fix"][1]["argv"]
    assert restore == ["gotriage", "baseline", "restore", "--repo", str(repo), "--only",
                       "/etc/profile.d/go.sh"]
    code, out, err = baseline(*(restore[2:] + ["--root", changed]))
    assert code == 1 and "#   -export PATH=$PATH:/opt/go/bin" in out, err
    assert "\nexport PATH=$PATH:/usr/local/go/bin\n" in out  # the content it writes
    # -v shows the diff in the doctor view
    code, out, _err = baseline("diff", "--repo", repo, "--root", changed, "-v")
    assert code == 1 and "+export PATH=$PATH:/opt/go/bin" in out
    # the next recording says what changed
    code, out, _err = baseline("init", "--repo", repo, "--root", changed)
    assert code == 0
    assert _commits(repo)[0] == "baseline: 1 changed (/etc/profile.d/go.sh)"
    assert _diff_ids(repo, changed)[:2] == (0, [])
    # each file's "since" is the commit that recorded its content, not merely HEAD
    _write(changed, "/etc/profile.d/go.sh", "export PATH=$PATH:/srv/go/bin\n")
    _write(changed, "/etc/selinux/config", "SELINUX=permissive\n")
    _code, _problems, report = _diff_ids(repo, changed)
    titles = {r["subject"]: r["title"] for r in report["results"] if r["id"] == "BASE-FILE-CHANGED"}
    assert "since commit %s " % _commits_short(repo) in titles["/etc/profile.d/go.sh"]
    assert "since commit %s " % short in titles["/etc/selinux/config"]
    assert _commits_short(repo) != short


def _commits_short(repo):
    return subprocess.run(["git", "-C", str(repo), "rev-parse", "--short", "HEAD"], check=True,
                          stdout=subprocess.PIPE).stdout.decode().strip()


def test_a_mode_and_a_label_change_are_found_and_nothing_else(host, tmp_path):
    repo = tmp_path / "repo"
    baseline("init", "--repo", repo, "--root", host)
    changed = _copy(host, tmp_path)
    _paths(changed, {"/etc/systemd/system/app.service": {
        "stat": {"mode": 0o100666, "size": len(UNIT)}, "lstat": {"mode": 0o100666, "size": len(UNIT)},
        "xattr": _xattr("unconfined_u:object_r:user_home_t:s0")}})
    code, problems, report = _diff_ids(repo, changed)
    assert (code, problems) == (1, [("BASE-LABEL-CHANGED", "/etc/systemd/system/app.service"),
                                    ("BASE-MODE-CHANGED", "/etc/systemd/system/app.service")])
    shells = [a["shell"] for r in report["results"] for a in r["fix"] if "shell" in a]
    assert "chmod 0644 -- /etc/systemd/system/app.service" in shells
    assert "chcon -- %s /etc/systemd/system/app.service" % LABEL in shells


def test_gone_new_go_and_go_install_changes(host, tmp_path):
    repo = tmp_path / "repo"
    baseline("init", "--repo", repo, "--root", host)
    changed = _copy(host, tmp_path)
    os.remove(os.path.join(changed, "files", "etc", "sudoers.d", "go"))
    _write(changed, "/etc/profile.d/zz-go.sh", "export GOROOT=/usr/local/go\n")
    _write(changed, "/usr/local/go/VERSION", "go1.23.4\n")
    _paths(changed, {"/etc/sudoers.d/go": {"stat": {"error": "ENOENT"},
                                           "lstat": {"error": "ENOENT"}}})
    code, problems, _report = _diff_ids(repo, changed)
    assert (code, problems) == (1, [("BASE-FILE-MISSING", "/etc/sudoers.d/go"),
                                    ("BASE-FILE-NEW", "/etc/profile.d/zz-go.sh"),
                                    ("BASE-GO-CHANGED", "/usr/local/go")])


def test_a_path_the_snapshot_did_not_record_is_not_reported_gone(host, tmp_path):
    repo = tmp_path / "repo"
    baseline("init", "--repo", repo, "--root", host)
    changed = _copy(host, tmp_path)
    os.remove(os.path.join(changed, "files", "etc", "selinux", "config"))
    code, problems, _report = _diff_ids(repo, changed)
    assert (code, problems) == (0, [])


def _one_line_error(code, out, err, *words):
    assert code == 2 and out == "", (code, out, err)
    assert err.count("\n") == 1 and err.startswith("gotriage: error: "), err
    for word in words:
        assert word in err, err


def test_refusals_are_one_line_errors(host, tmp_path):
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine\n")
    _one_line_error(*baseline("init", "--repo", foreign, "--root", host), "not a gotriage baseline")
    assert os.listdir(str(foreign)) == ["notes.txt"]
    _one_line_error(*baseline("diff", "--repo", tmp_path / "none", "--root", host), "no baseline at")
    repo = tmp_path / "repo"
    baseline("init", "--repo", repo, "--root", host)
    # newer format
    newer = tmp_path / "newer"
    shutil.copytree(str(repo), str(newer))
    (newer / "gotriage-baseline.json").write_text('{"format": 99, "written_by": "gotriage 9"}')
    for action in ("init", "diff"):
        _one_line_error(*baseline(action, "--repo", newer, "--root", host), "newer gotriage")
    # a corrupt repository: its objects gone
    corrupt = tmp_path / "corrupt"
    shutil.copytree(str(repo), str(corrupt))
    shutil.rmtree(str(corrupt / ".git" / "objects"))
    os.makedirs(str(corrupt / ".git" / "objects"))
    for action in ("init", "diff"):
        _one_line_error(*baseline(action, "--repo", corrupt, "--root", host),
                        "not a usable baseline repository")
    # a committed metadata.json that does not parse
    bad = tmp_path / "bad"
    shutil.copytree(str(repo), str(bad))
    (bad / "metadata.json").write_text("{")
    subprocess.run(["git", "-C", str(bad), "-c", "user.name=t", "-c", "user.email=t@t",
                    "commit", "-qam", "break"], check=True)
    _one_line_error(*baseline("diff", "--repo", bad, "--root", host), "metadata.json")


def test_a_spec_naming_missing_files_is_refused(host, tmp_path):
    spec = tmp_path / "spec.ini"
    spec.write_text("[baseline]\ngo-installs = no\ngo-units = no\n\n[group app]\n"
                    "paths = /etc/profile.d/go.sh\n        /etc/app/missing.conf\n")
    repo = tmp_path / "repo"
    _one_line_error(*baseline("init", "--repo", repo, "--spec", spec, "--root", host),
                    "/etc/app/missing.conf")
    assert not repo.exists()
    spec.write_text("[baseline]\ncommands = rm-rf\n")
    _one_line_error(*baseline("init", "--repo", repo, "--spec", spec, "--root", host),
                    "unknown command rm-rf")
    spec.write_text("[baseline]\n[group x]\npaths = etc/relative\n")
    _one_line_error(*baseline("init", "--repo", repo, "--spec", spec, "--root", host),
                    "not an absolute path")


def test_live_host_with_a_spec_and_real_rpm(tmp_path):
    """On this machine, a spec naming files in a temporary directory: real lstat, real
    labels where SELinux gives them, real `rpm -qf` when rpm is installed."""
    area = tmp_path / "area"
    area.mkdir()
    (area / "app.conf").write_text("port = 8080\n")
    (area / "go.env").write_text("GOPROXY=off\n")
    spec = tmp_path / "spec.ini"
    spec.write_text("[baseline]\ngo-installs = no\ngo-units = no\n\n[group app]\npaths = %s/*\n"
                    % area)
    repo = tmp_path / "repo"
    code, out, err = baseline("init", "--repo", repo, "--spec", spec)
    assert code == 0, err
    assert _live_diff(repo)[:2] == (0, [])
    (area / "app.conf").write_text("port = 9090\n")
    os.chmod(str(area / "go.env"), 0o600)
    code, problems, report = _live_diff(repo)
    assert (code, problems) == (1, [("BASE-FILE-CHANGED", str(area / "app.conf")),
                                    ("BASE-MODE-CHANGED", str(area / "go.env"))])
    texts = [e.get("text", "") for r in report["results"] for e in r["evidence"]]
    if shutil.which("rpm"):
        assert any("no package owns it" in t for t in texts), texts
    else:
        assert any("package ownership not examined" in t for t in texts), texts


def _live_diff(repo):
    code, out, err = baseline("diff", "--repo", repo, "--json")
    report = json.loads(out)
    assert not schema_errors(report)
    return code, sorted((r["id"], r.get("subject")) for r in report["results"]
                        if r["severity"] != "ok"), report


def test_the_pure_modules_doctests_and_the_default_spec():
    import doctest

    from gotriage.baseline import compare, spec
    from gotriage.baseline.command import _parse_spec

    for module in (spec, compare):
        failed, tried = doctest.testmod(module)
        assert tried and not failed, module
    default = _parse_spec(spec.DEFAULT_SPEC)
    assert default.go_installs and default.go_units
    assert "firewall-policies" in default.commands
    assert all(g.optional for g in default.groups)


def test_a_new_repository_is_private(host, tmp_path):
    import stat

    repo = tmp_path / "repo"
    baseline("init", "--repo", repo, "--root", host)
    assert stat.S_IMODE(os.stat(str(repo)).st_mode) == 0o700


def test_diff_as_prometheus_textfile_and_junit(host, tmp_path):
    """`baseline diff --format prometheus|junit [--output FILE]` (docs/metrics.md): check's
    renderers over the drift report, read by the real promtool, prometheus_client's
    parser and junitparser; the textfile written with --output is what stdout gets."""
    import shutil as _shutil

    import junitparser  # the test extra (4.x on 3.6, 5.x on 3.11)
    from prometheus_client.parser import text_string_to_metric_families  # the test extra

    from conftest import need

    repo = tmp_path / "repo"
    baseline("init", "--repo", repo, "--root", host)
    changed = _copy(host, tmp_path)
    _write(changed, "/etc/profile.d/go.sh", "export PATH=$PATH:/opt/go/bin\n")
    code, prom, err = baseline("diff", "--repo", repo, "--root", changed, "--format",
                               "prometheus")
    assert (code, err) == (1, "")
    promtool = _shutil.which("promtool")
    need(promtool, "promtool (Debian package prometheus)")
    done = subprocess.run([promtool, "check", "metrics"], input=prom.encode(),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert done.returncode == 0, done.stdout.decode()
    samples = {(f.name, tuple(sorted(s.labels.items()))): s.value
               for f in text_string_to_metric_families(prom) for s in f.samples}
    assert samples[("gotriage_exit_code", ())] == 1
    assert samples[("gotriage_check_status", (("check", "BASE-FILE"), ("layer", "baseline")))] == 2
    assert samples[("gotriage_findings", (("id", "BASE-FILE-CHANGED"), ("layer", "baseline"),
                                          ("severity", "warn")))] == 1

    textfile = tmp_path / "gotriage.prom"
    code, out, err = baseline("diff", "--repo", repo, "--root", changed, "--format",
                              "prometheus", "--output", textfile)
    assert (code, out, err) == (1, "", "")
    assert oct(os.stat(str(textfile)).st_mode & 0o777) == "0o644"
    written = textfile.read_text()
    strip = re.compile(r"^gotriage_(last_run_timestamp|run_duration)_seconds .*$", re.M)
    assert strip.sub("", written) == strip.sub("", prom)

    report = tmp_path / "junit.xml"
    code, out, err = baseline("diff", "--repo", repo, "--root", changed, "--format", "junit",
                              "--output", report)
    assert (code, out, err) == (1, "", "")
    xml = junitparser.JUnitXml.fromfile(str(report))
    suites = list(xml) if hasattr(xml, "__iter__") else [xml]
    cases = {case.name.split(" ")[0]: case for suite in suites for case in suite}
    failed = sorted(name for name, case in cases.items()
                    if any(isinstance(r, junitparser.Failure) for r in case.result))
    assert failed == ["BASE-FILE"]
    failure, = cases["BASE-FILE"].result
    assert failure.type == "BASE-FILE-CHANGED" and "/etc/profile.d/go.sh" in failure.message
    assert {"BASE-MODE", "BASE-LABEL", "BASE-GO"} <= set(cases)
    assert sum(suite.failures for suite in suites) == 1

    # an unchanged host: every check passes, exit 0
    code, out, err = baseline("diff", "--repo", repo, "--root", host, "--format", "junit")
    assert (code, err) == (0, "") and "<failure" not in out
    # the options are diff's: elsewhere a one-line usage error
    code, out, err = baseline("init", "--repo", repo, "--root", host, "--format", "junit")
    assert code == 2 and err.strip().endswith("--format is an option of `baseline diff`")
    assert len(err.strip().splitlines()) == 1
