"""The apply engine's SELinux commands against the real semanage, on a copy of this
machine's policy store (Debian's reference policy, /var/lib/selinux and /etc/selinux
copied and bind-mounted over the originals in a private mount namespace, so the real
store is never touched): `semanage port -a` and `semanage fcontext -a` are queried,
applied, skipped when already in effect, and undone when a later step fails."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, need

HERE = os.path.dirname(os.path.abspath(__file__))
PORT = ["semanage", "port", "-a", "-t", "http_port_t", "-p", "tcp", "8089"]
FCONTEXT = ["semanage", "fcontext", "-a", "-t", "httpd_sys_content_t", "/srv/gotriage-api(/.*)?"]

pytestmark = pytest.mark.root


@pytest.fixture
def store(tmp_path):
    need(os.geteuid() == 0, "needs root (mount namespaces)")
    need(shutil.which("semanage") is not None, "semanage (policycoreutils-python-utils)")
    need(os.path.isdir("/var/lib/selinux/default"),
         "/var/lib/selinux/default (selinux-policy-default)")
    copy = tmp_path / "store"
    shutil.copytree("/var/lib/selinux", str(copy / "var"), symlinks=True)
    shutil.copytree("/etc/selinux", str(copy / "etc"), symlinks=True)
    return tmp_path


def _in_store(tmp, steps, after="true"):
    """The driver (tests/apply_driver.py) on `steps`, then `after`, in a namespace whose
    SELinux store is the copy; (driver's JSON, after's stdout)."""
    plan = os.path.join(tmp, "plan.json")
    with open(plan, "w") as f:
        json.dump({"state_dir": os.path.join(tmp, "state"),
                   "backup_dir": os.path.join(tmp, "backup"), "steps": steps}, f)
    script = ("mount --bind {0}/store/var /var/lib/selinux && "
              "mount --bind {0}/store/etc /etc/selinux && "
              "{1} {2} {3} > {0}/out.json && {{ {4}; }} > {0}/after.txt").format(
                  tmp, sys.executable, os.path.join(HERE, "apply_driver.py"), plan, after)
    done = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600,
                          env=dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src")))
    assert done.returncode == 0, done.stderr.decode()
    with open(os.path.join(tmp, "out.json")) as f, open(os.path.join(tmp, "after.txt")) as g:
        return json.load(f), g.read()


def test_semanage_changes_apply_skip_and_roll_back_in_a_copied_store(store):
    tmp = str(store)
    listing = "semanage port -l -C; semanage fcontext -l -C"
    out, after = _in_store(tmp, [{"kind": "command", "argv": PORT},
                                 {"kind": "command", "argv": FCONTEXT}], listing)
    assert out["ok"] and out["done"] == [" ".join(PORT), "semanage fcontext -a -t "
                                         "httpd_sys_content_t '/srv/gotriage-api(/.*)?'"], out
    assert "8089" in after and "/srv/gotriage-api(/.*)?" in after
    # the same plan again: both in effect, nothing run
    out, _ = _in_store(tmp, [{"kind": "command", "argv": PORT},
                             {"kind": "command", "argv": FCONTEXT}])
    assert out["ok"] and out["done"] == [] and len(out["skipped"]) == 2, out
    # a fresh copy: the port applied, then a step that fails: the port is taken out again
    shutil.rmtree(os.path.join(tmp, "store"))
    shutil.copytree("/var/lib/selinux", os.path.join(tmp, "store", "var"), symlinks=True)
    shutil.copytree("/etc/selinux", os.path.join(tmp, "store", "etc"), symlinks=True)
    out, after = _in_store(tmp, [
        {"kind": "command", "argv": PORT},
        {"kind": "file", "path": os.path.join(tmp, "no-such-dir", "x"), "content": "x\n"},
    ], "semanage port -l -C")
    assert not out["ok"] and "No such file or directory" in out["failure"], out
    assert out["undone"] == ["undid `%s`" % " ".join(PORT)] and not out["rollback_errors"]
    assert "8089" not in after
