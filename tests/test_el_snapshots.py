"""Snapshots modelled on EL7, EL8 and EL9 hosts (tests/data/snapshots, made by
make_el_snapshots.py from the real release files in tests/data/el)."""

import os

import pytest

from conftest import DATA, run_gotriage

SNAPSHOTS = os.path.join(DATA, "snapshots")


def check(name, project):
    run = run_gotriage(["check", "--json", "--root", os.path.join(SNAPSHOTS, name),
                        "--project", project], env={"PATH": "/usr/bin:/bin"})
    assert run.returncode in (0, 1), run.stderr
    return run


def test_el7_go_missing_from_sudo_secure_path():
    run = check("el7-sudo-path", "/root")
    [f] = run.results("GO-PATH-NOT-FOUND", context="sudo")
    assert f["severity"] == "warn" and "go1.22.12 at /usr/local/go" in f["title"]
    evidence = f["evidence"][0]
    assert (evidence["source"], evidence["line"]) == ("/etc/sudoers", 88)
    assert evidence["text"] == "Defaults    secure_path = /sbin:/bin:/usr/sbin:/usr/bin"
    assert f["fix"][0]["line"] == "Defaults    secure_path = /sbin:/bin:/usr/sbin:/usr/bin:/usr/local/go/bin"
    # EL7's systemd (219) is a split-/usr build: its PATH ends in /sbin:/bin, still without Go.
    [s] = run.results("GO-PATH-NOT-FOUND", context="systemd")
    assert s["severity"] == "info"
    # the generic systemd context knows no unit: a note with the exact line, no edit of a made-up path
    assert s["fix"][0]["kind"] == "note"
    assert 'Environment=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/local/go/bin' in s["fix"][0]["description"]
    assert run.results("GO-PATH", context="shell")
    assert run.json["host"]["hostname"] == "centos7-build"


def test_el8_appstream_go_is_too_old_for_the_project():
    run = check("el8-old-go", "/srv/app")
    messages = sorted(f["title"].split(": ", 1)[1] for f in run.results("GO-VERSION-SYNTAX", "shell"))
    assert messages == ["invalid go version '1.21.1': must match format 1.23",
                        "unknown directive: toolchain"]
    [embed] = run.results("GO-VERSION-FEATURE", "shell")
    assert embed["evidence"][0]["source"] == "/srv/app/main.go" and embed["evidence"][0]["line"] == 5
    [cgo] = run.results("GO-CGO-NO-CC", "shell")
    # Go 1.15 keeps cgo on without gcc (the silent switch-off came in 1.20): an error.
    assert cgo["severity"] == "error"
    assert cgo["fix"][0]["argv"] == ["dnf", "install", "-y", "gcc", "glibc-devel"]
    # Go 1.15 prints no GOVERSION: the version comes from /usr/lib/golang/VERSION.
    assert "go1.15.14" in run.results("GO-PATH", "shell")[0]["title"]


def test_el9_goroot_in_env_file_and_root_owned_cache_as_non_root():
    run = check("el9-goroot-envfile", "/home/alice")
    [mismatch] = run.results("GO-ROOT-MISMATCH", "shell")
    assert mismatch["predicted_error"] == \
        'compile: version "go1.22.12" does not match go tool version "go1.21.13"'
    assert mismatch["fix"][0] == {
        "kind": "edit", "safe": True, "syntax": "plain", "path": "/home/alice/.config/go/env", "old": "GOROOT=/usr/local/go",
        "description": mismatch["fix"][0]["description"]}
    [shadow] = run.results("GO-PATH-SHADOWED", "shell")
    assert shadow["fix"][0]["line"] == 'export PATH="/usr/local/go/bin:$PATH"'
    [cache] = run.results("GO-CACHE-NOT-WRITABLE", "shell")
    assert cache["fix"][0]["argv"] == ["chown", "-R", "alice:", "/home/alice/.cache"]
    # Run as alice, gotriage could not read sudoers: it says so and carries on.
    assert any("/etc/sudoers" in n for n in run.json["notes"])
    assert "sudo" not in [c["name"] for c in run.json["contexts"]]


def _tree(root):
    out = {}
    for directory, _, names in os.walk(root):
        for name in names:
            path = os.path.join(directory, name)
            with open(path, "rb") as f:
                out[os.path.relpath(path, root)] = f.read()
    return out


@pytest.mark.parametrize("name", ["el7-sudo-path", "el8-old-go", "el9-goroot-envfile"])
def test_fixtures_are_up_to_date(tmp_path, name):
    """The committed fixtures are exactly what make_el_snapshots.py writes."""
    import shutil
    import subprocess
    import sys

    copy = tmp_path / "snapshots"
    shutil.copytree(SNAPSHOTS, str(copy))
    shutil.copytree(os.path.join(DATA, "el"), str(tmp_path / "el"))
    subprocess.check_call([sys.executable, str(copy / "make_el_snapshots.py")])
    assert _tree(os.path.join(SNAPSHOTS, name)) == _tree(str(copy / name))


def test_go_install_at_version_with_go_115(tmp_path):
    import json

    from conftest import make_snapshot

    with open(os.path.join(SNAPSHOTS, "el8-old-go", "commands", "0001.json")) as f:
        probe = json.load(f)
    del probe["env"]  # a hand-made command without env matches any environment
    with open(os.path.join(DATA, "el", "rocky-8.4", "etc", "os-release")) as f:
        os_release = f.read()
    snap = make_snapshot(tmp_path / "s", files={
        "/etc/os-release": os_release,
        "/usr/lib/golang/bin/go": "x", "/usr/lib/golang/VERSION": "go1.15.14\n",
        "/usr/lib/golang/pkg/tool/linux_amd64/compile": "x",
        "/srv/tool/Makefile": "tools:\n\tgo install golang.org/x/tools/cmd/goimports@v0.1.0\n",
    }, paths={"/usr/bin/go": {"stat": {"mode": 0o100755}, "realpath": "/usr/lib/golang/bin/go"}},
        environ={"PATH": "/usr/bin", "HOME": "/root"}, commands=[probe])
    run = run_gotriage(["check", "--json", "--root", str(snap), "--project", "/srv/tool"],
                       env={"PATH": "/usr/bin:/bin"})
    found = run.results("GO-VERSION-FEATURE", "shell")
    assert len(found) == 1, (run.ids("shell"), run.json["notes"])
    f = found[0]
    assert f["evidence"][0]["source"] == "/srv/tool/Makefile" and f["evidence"][0]["line"] == 2
    assert "go install pkg@version" in f["title"]
