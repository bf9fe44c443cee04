"""A note about a label agrees with the fix beside it (issue 13): where the fix does not
give a path the label matchpathcon says it should have (systemd may not execute that one
either: the fix labels its directory bin_t), the note says what the fix gives where, and
why, instead of 'matchpathcon confirms the label var_t' beside a fix to bin_t."""

import os
import shutil

from conftest import DATA, need, run_gotriage
from gotriage.host.live import LiveHost
from gotriage.selinux import logread
from gotriage.selinux.analyzers import View, explain
from requirements_external import install_hint

SEL = os.path.join(DATA, "selinux")


def _scan(tmp_path, text):
    log = tmp_path / "audit.log"
    log.write_text(text)
    scan = logread.scan(LiveHost(), [str(log)])
    return sorted(scan.distinct(), key=lambda d: (-d.count, d.index))


def _moved():
    """go-home-exec.log with the program in /var/lib/goapi, a place the policy labels
    var_lib_t."""
    with open(os.path.join(SEL, "go-home-exec.log")) as f:
        return f.read().replace("/usr/local/bin/goapi", "/var/lib/goapi/goapi")


def test_the_matchpathcon_note_speaks_of_the_label_the_fix_gives(tmp_path):
    """systemd denied executing /var/lib/goapi/goapi (user_home_t); the policy labels it
    var_lib_t, which systemd may not execute either: the fix labels the directory bin_t,
    and the note says so instead of 'matchpathcon confirms the label var_lib_t'."""
    (d,) = _scan(tmp_path, _moved())
    view = View(labels={"/var/lib/goapi/goapi": "system_u:object_r:var_lib_t:s0"})
    best = explain(d, view)[0]
    assert [a.render() for a in best.fix if a.kind == "command"] == [
        "semanage fcontext -a -t bin_t '/var/lib/goapi(/.*)?'", "restorecon -Rv /var/lib/goapi"]
    notes = [n for n in best.notes if "matchpathcon" in n]
    assert notes == ["matchpathcon says var_lib_t for /var/lib/goapi/goapi; gotriage's own "
                     "file_contexts reading said no label (matchpathcon's answer is used); the "
                     "fix gives /var/lib/goapi (and all below it) bin_t instead: systemd may not "
                     "execute var_lib_t; it may execute bin_t"]
    # the label it has already: restorecon alone would change nothing
    view = View(labels={"/var/lib/goapi/goapi": "unconfined_u:object_r:user_home_t:s0"})
    notes = [n for n in explain(d, view)[0].notes if "matchpathcon" in n]
    assert notes[0].startswith("matchpathcon says user_home_t for /var/lib/goapi/goapi; ")
    assert not any("confirms" in n for n in notes)


def test_the_matchpathcon_note_with_the_real_matchpathcon(tmp_path):
    need(shutil.which("matchpathcon", path="/usr/sbin:/usr/bin") is not None,
         install_hint("matchpathcon"))
    (tmp_path / "audit.log").write_text(_moved())
    run = run_gotriage(["avc", "--json", str(tmp_path / "audit.log")])
    assert run.returncode == 1, run.stderr
    detail = run.json["avc"]
    assert detail["tools"]["matchpathcon"]["used"] is True
    best = detail["denials"][0]["explanations"][0]
    assert "bin_t" in best["fix"][0]["argv"]
    notes = [n for n in best["notes"] if n.startswith("matchpathcon")]
    assert len(notes) == 1 and "the fix gives /var/lib/goapi (and all below it) bin_t" in notes[0]
    assert not any("confirms the label var" in n for n in notes)


def test_a_program_installed_elsewhere_gets_a_note_about_its_copy(tmp_path):
    """/tmp may not be relabelled: the program is installed under /usr/local/bin, and the
    note says the copy gets bin_t, not that matchpathcon confirms user_tmp_t."""
    (d,) = _scan(tmp_path, _moved().replace("/var/lib/goapi/goapi", "/tmp/goapi"))
    view = View(labels={"/tmp/goapi": "unconfined_u:object_r:user_home_t:s0"})
    best = explain(d, view)[0]
    assert best.fix[0].argv == ["install", "-m", "0755", "/tmp/goapi", "/usr/local/bin/goapi"]
    notes = [n for n in best.notes if "matchpathcon" in n]
    assert notes == ["matchpathcon says user_home_t for /tmp/goapi; gotriage's own file_contexts "
                     "reading said no label (matchpathcon's answer is used); the fix gives its "
                     "copy /usr/local/bin/goapi bin_t instead: /tmp is not relabelled"]
