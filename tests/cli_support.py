"""Helpers for the tests that run the real command line (test_json_output,
test_output_conventions, test_zipapp): hand-made snapshots, running gotriage as a
process, and the report schema."""

import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEMA_PATH = os.path.join(ROOT, "docs", "report.schema.json")
VENV36_PYTHON = os.path.join(ROOT, ".venv36", "bin", "python")
IN_CI = os.environ.get("CI") == "true"

ROCKY9_OS_RELEASE = """\
NAME="Rocky Linux"
VERSION="9.3 (Blue Onyx)"
ID="rocky"
ID_LIKE="rhel centos fedora"
VERSION_ID="9.3"
PLATFORM_ID="platform:el9"
PRETTY_NAME="Rocky Linux 9.3 (Blue Onyx)"
ANSI_COLOR="0;32"
LOGO="fedora-logo-icon"
CPE_NAME="cpe:/o:rocky:rocky:9::baseos"
HOME_URL="https://rockylinux.org/"
BUG_REPORT_URL="https://bugs.rockylinux.org/"
SUPPORT_END="2032-05-31"
ROCKY_SUPPORT_PRODUCT="Rocky-Linux-9"
ROCKY_SUPPORT_PRODUCT_VERSION="9.3"
REDHAT_SUPPORT_PRODUCT="Rocky Linux"
REDHAT_SUPPORT_PRODUCT_VERSION="9.3"
"""

MANIFEST = {
    "format": 1,
    "identity": {"user": "root", "uid": 0, "gid": 0, "home": "/root"},
    "environ": {"PATH": "/usr/bin:/bin", "HOME": "/root"},
    "hostname": "el9-test",
}


def make_snapshot(directory, files=None):
    """A minimal hand-made snapshot of a Rocky 9 host with no Go at all, plus `files`
    ({absolute path: text}).  Returns the directory as a str."""
    directory = str(directory)
    os.makedirs(directory)
    with open(os.path.join(directory, "gotriage-snapshot.json"), "w") as f:
        json.dump(MANIFEST, f)
    contents = {"/etc/os-release": ROCKY9_OS_RELEASE}
    contents.update(files or {})
    for path, text in contents.items():
        local = os.path.join(directory, "files", path.lstrip("/"))
        if not os.path.isdir(os.path.dirname(local)):
            os.makedirs(os.path.dirname(local))
        with open(local, "w") as f:
            f.write(text)
    return directory


def make_no_go_snapshot(directory):
    """No Go install anywhere: deterministically an `info` GO-INSTALL-NONE and nothing
    worse."""
    return make_snapshot(directory)


def make_broken_go_snapshot(directory):
    """/usr/local/go has bin/go but no pkg/tool nor VERSION (a half-copied install), and
    a complete go1.22.12 in /usr/lib/golang is not on PATH: GO-INSTALL-BROKEN (warn),
    GO-PATH-NOT-FOUND (error in the shell, info for systemd) naming /usr/lib/golang."""
    return make_snapshot(directory, {
        "/usr/local/go/bin/go": "#!/bin/sh\n",
        "/usr/lib/golang/bin/go": "#!/bin/sh\n",
        "/usr/lib/golang/VERSION": "go1.22.12\n",
        "/usr/lib/golang/pkg/tool/linux_amd64/compile": "#!/bin/sh\n",
    })


def clean_env(**overrides):
    """The environment for a gotriage process: this one without what changes its output
    (NO_COLOR, GOTRIAGE_DEBUG, PYTHON* settings), in a UTF-8 locale, plus `overrides`
    (a value of None removes the variable)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("NO_COLOR", "GOTRIAGE_DEBUG", "TERM")
           and not k.startswith(("PYTHON", "LC_"))}
    env.update(LANG="C.UTF-8", LC_ALL="C.UTF-8")
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run_cli(args, python=None, env=None, cwd=ROOT, timeout=120):
    """Run `python -m gotriage ARGS` (the interpreter of this test run by default) and
    return the CompletedProcess, with stdout and stderr as bytes."""
    argv = [python or sys.executable, "-m", "gotriage"] + list(args)
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          stdin=subprocess.DEVNULL, env=env if env is not None else clean_env(),
                          cwd=cwd, timeout=timeout)


def load_schema():
    with open(SCHEMA_PATH) as f:
        return json.load(f)


def validator():
    import jsonschema

    schema = load_schema()
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def schema_errors(document):
    """Every schema violation of `document`, as readable strings."""
    return ["%s: %s" % ("/".join(str(p) for p in e.absolute_path) or "(top)", e.message)
            for e in validator().iter_errors(document)]


def parse_report(proc):
    """The report in a `check --json` run's stdout, which must be one JSON document and
    nothing else; checks it against the schema and against the exit code."""
    text = proc.stdout.decode("utf-8")
    assert text.startswith("{") and text.endswith("}\n"), text[:200]
    report = json.loads(text)  # the whole of stdout: raises on anything extra
    errors = schema_errors(report)
    assert not errors, "\n".join(errors)
    assert report["summary"]["exit_code"] == proc.returncode, (report["summary"], proc.returncode)
    return report


def assert_one_line_error(proc, *fragments):
    """A usage or tool error: exit 2, nothing on stdout, one line on stderr."""
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 2, (proc.returncode, err)
    assert proc.stdout == b"", proc.stdout
    assert "Traceback" not in err, err
    assert err.endswith("\n") and err.count("\n") == 1, repr(err)
    assert err.startswith("gotriage: error: "), err
    for fragment in fragments:
        assert fragment in err, (fragment, err)


ANSI = re.compile(rb"\x1b\[[0-9;]*m")


BASELINE_FILES = {
    "/etc/profile.d/go.sh": "export PATH=$PATH:/usr/local/go/bin\n",
    "/etc/selinux/config": "SELINUX=enforcing\nSELINUXTYPE=targeted\n",
}


def recorded_and_drifted(tmp_path, files=None):
    """(baseline repository, the snapshot it recorded, a copy of the snapshot whose go.sh
    was edited) for the baseline tests: `gotriage baseline init` run for real."""
    import shutil

    snapshot = make_snapshot(tmp_path / "snapshot", BASELINE_FILES if files is None else files)
    repo = str(tmp_path / "repo")
    done = run_cli(["baseline", "init", "--repo", repo, "--root", snapshot])
    assert done.returncode == 0, done.stderr
    drifted = str(tmp_path / "drifted")
    shutil.copytree(snapshot, drifted)
    with open(os.path.join(drifted, "files", "etc", "profile.d", "go.sh"), "w") as f:
        f.write("export PATH=$PATH:/opt/go/bin\n")
    return repo, snapshot, drifted
