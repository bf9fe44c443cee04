"""`gotriage binary --target` by release name (rocky8, alinux3, openeuler22.03, centos7: the
release table's glibc, kernel and loaders) and `--target musl` (an Alpine container: no
glibc, no glibc loader), with the real binaries of tests/binary_support.py (issue 14).
What busybox ash (Alpine's shell) prints for a missing loader is measured with Debian's
busybox."""

import os
import shutil
import subprocess

import pytest

from binary_support import MUSL_LOADER, built_binaries
from cli_support import assert_one_line_error, parse_report, run_cli
from conftest import need


@pytest.fixture(scope="session")
def binaries(toolchains, tmp_path_factory):
    return built_binaries(toolchains, tmp_path_factory)


def binary(args, cwd="/"):
    proc = run_cli(["binary"] + list(args) + ["--json"], cwd=str(cwd))
    assert b"Traceback" not in proc.stderr, proc.stderr.decode()
    return proc, parse_report(proc)


def ids(report):
    return {r["id"]: r for r in report["results"]}


# The cgo binary (built on Debian 12, glibc 2.36) fails on el7 and el8 and runs on el9
# (tests/test_binary.py): the releases named after the same lines agree, and a release
# with its own glibc (Alibaba Cloud Linux 3: 2.32) is judged by that glibc.
@pytest.mark.parametrize("target,code,glibc", [
    ("centos7", 1, "2.17"), ("rocky8", 1, "2.28"), ("alinux3", 1, "2.32"),
    ("openeuler22.03", 0, "2.34"), ("almalinux9", 0, "2.34"), ("fedora40", 0, "2.39"),
    ("amzn2", 1, "2.26"),
])
def test_cgo_binary_against_releases_by_name(binaries, target, code, glibc):
    proc, report = binary([binaries["cgo"].path, "--target", target])
    assert proc.returncode == code, proc.stdout.decode()
    found = ids(report)
    finding = found["BIN-GLIBC-TOO-OLD" if code else "BIN-GLIBC"]
    assert target in finding["title"] and "glibc %s" % glibc in finding["title"]
    if code:
        assert any(target in (a.get("description") or "") for a in finding["fix"])


def test_release_name_with_an_architecture(binaries):
    proc, report = binary([binaries["static"].path, "--target", "rocky9:aarch64"])
    assert proc.returncode == 1 and "BIN-ARCH-MISMATCH" in ids(report) or \
        any(r["id"].startswith("BIN-ARCH") and r["severity"] != "ok" for r in report["results"])


def test_kernel_of_a_release_by_name(binaries):
    proc, report = binary([binaries["go127"].path, "--target", "centos6"])
    assert "2.6.32" in ids(report)["BIN-KERNEL-TOO-OLD"]["title"]
    proc, report = binary([binaries["go127"].path, "--target", "alinux3"])
    assert "BIN-KERNEL" not in ids(report)  # Alibaba's own kernel: not known, not guessed


@pytest.mark.parametrize("target,expect", [("rocky7", "rocky is known as rocky8, rocky9, rocky10"),
                                           ("fedora", "fedora is known as fedora19, ..., fedora44"),
                                           ("ubuntu22.04", "ubuntu22.04")])
def test_unknown_release_names(tmp_path, target, expect):
    proc = run_cli(["binary", str(tmp_path), "--target", target])
    assert_one_line_error(proc, expect)
    assert b"rocky8, alinux3, openeuler22.03" in proc.stderr  # the one usage message


def test_glibc_binary_on_musl(binaries, tmp_path):
    """A cgo binary linked against glibc in an Alpine container: no loader, and Alpine's
    shell says "not found" for a file that exists."""
    need(shutil.which("busybox") is not None, "busybox (Alpine's shell)")
    app = tmp_path / "app"
    shutil.copyfile(binaries["musl"].path, str(app))
    os.chmod(str(app), 0o755)
    proc, report = binary([binaries["cgo"].path, "--target", "musl"])
    assert proc.returncode == 1
    finding = ids(report)["BIN-INTERP-MISSING"]
    assert "/lib64/ld-linux-x86-64.so.2" in finding["title"] and "musl" in finding["title"]
    assert "BIN-GLIBC-TOO-OLD" not in ids(report)  # no glibc to compare with
    fixes = [a.get("argv") or a.get("description") for a in finding["fix"]]
    assert any("CGO_ENABLED=0" in (f or []) for f in fixes)
    assert any("gcompat" in str(f) for f in fixes)
    # busybox ash's message for a program whose loader is missing (measured here with the
    # musl-linked binary, whose loader this glibc host lacks)
    need(not os.path.exists(MUSL_LOADER), "a machine without %s" % MUSL_LOADER)
    said = subprocess.run(["busybox", "sh", "-c", "./app"], cwd=str(tmp_path), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT).stdout.decode().strip()
    predicted = finding["predicted_error"].splitlines()
    assert said == predicted[0].replace(binaries["cgo"].path, "./app"), (said, predicted)


def test_static_and_musl_binaries_on_musl(binaries):
    proc, report = binary([binaries["static"].path, "--target", "musl"])
    assert proc.returncode == 0 and ids(report)["BIN-INTERP"]["severity"] == "ok"
    proc, report = binary([binaries["musl"].path, "--target", "musl"])
    assert proc.returncode == 0, proc.stdout.decode()
    assert MUSL_LOADER in ids(report)["BIN-INTERP"]["title"]


def test_kernel_no_go_release_supports(binaries):
    """EL5's 2.6.18 is older than every Go release's minimum: the fix says what runs Go,
    not "build with an older Go" (issue 14)."""
    proc, report = binary([binaries["go119"].path, "--target", "centos5"])
    finding = ids(report)["BIN-KERNEL-TOO-OLD"]
    texts = [a["description"] for a in finding["fix"]]
    assert texts[0].startswith("no Go release supports Linux 2.6.18")
    assert not any("older Go" in t for t in texts)
    proc, report = binary([binaries["go127"].path, "--target", "el6"])
    texts = [a["description"] for a in ids(report)["BIN-KERNEL-TOO-OLD"]["fix"]]
    assert texts[0] == "build with Go 1.23 or older (the last releases for Linux 2.6.32)"
