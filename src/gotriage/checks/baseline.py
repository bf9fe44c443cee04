"""The baseline layer: how the host drifted from its recorded baseline
(`gotriage baseline diff`, docs/baseline.md).

`baseline diff` runs this layer, and `check` when a baseline repository is present (the
command gives the facts its HEAD: cli.cmd_check, baseline/command.py), on the facts of
facts/baseline.py, whose `drifts` compare the repository's HEAD with the
host now (baseline/compare.py).  Each finding says what changed, since which commit, and
for a file whether a package owns it (`rpm -qf`, `rpm -V`), so that a package update is
told apart from a hand edit.  A changed or missing file's fix shows the recorded content
with git and prints `gotriage baseline restore --only PATH`, whose --apply puts it back
(docs/apply.md).
"""

import difflib

from gotriage.checks import check
from gotriage.findings import Action, Evidence, Finding
from gotriage.i18n import N_, _, ngettext

LAYER = "baseline"
MAX_DIFF_LINES = 80
NO_RESTORE = N_("gotriage restores regular files only: put this one back by hand, as the "
                "baseline records it")

NO_GO_RESTORE = N_("gotriage records a Go install's digest, not its files: reinstall the "
                   "recorded release (its version and bin/go SHA-256 above), or accept this "
                   "one with `gotriage baseline init`")


def _f(id, severity, title, **kw):
    return Finding(id, severity, title, layer=LAYER, **kw)


def _since(facts, path=None):
    short, date = facts.recorded.since(path)
    return _("since commit %(commit)s (%(date)s)") % {"commit": short, "date": date[:10]}


def _show(facts, where):
    """The command that shows the recorded `where` (files/PATH, state/KEY.txt)."""
    rec = facts.recorded
    return Action.command(["git", "-C", rec.repo, "show", "%s:%s" % (rec.short, where)],
                          description=_("the recorded content"))


def _unified(old, new, old_name, new_name):
    lines = list(difflib.unified_diff(old.splitlines(), new.splitlines(), old_name, new_name,
                                      lineterm=""))
    if len(lines) > MAX_DIFF_LINES:
        lines = lines[:MAX_DIFF_LINES] + ["... (%d more lines)" % (len(lines) - MAX_DIFF_LINES)]
    return "\n".join(lines)


def _restore(facts, path):
    return Action.command(["gotriage", "baseline", "restore", "--repo", facts.recorded.repo,
                           "--only", path],
                          description=_("print the plan that puts it back as recorded "
                                        "(nothing changes; add --apply to run it: validated, "
                                        "backed up, rolled back on failure; docs/apply.md)"))


def _text(data):
    return data.decode("utf-8", "replace") if data is not None else ""


def _package(facts, path):
    return Evidence.fact(facts.package_of(path)[1])


def _drifts(facts, *kinds):
    return [d for d in facts.drifts if d.kind in kinds]


def _repo_path(path):
    return "files/" + path.lstrip("/")


@check("BASE-FILE", LAYER, "the recorded files are as the baseline has them", findings={
    "BASE-FILE-CHANGED": (
        "A file the baseline recorded has other content now.",
        "the recorded and current SHA-256 and size, the commit that recorded it, whether a "
        "package owns it (rpm -qf, rpm -V), and (-v) the unified diff",
        "review the change; the recorded content is `git -C REPO show COMMIT:files/PATH`; "
        "`gotriage baseline restore --only PATH` prints the plan that puts it back, "
        "--apply runs it; to accept the change, `gotriage baseline init`"),
    "BASE-FILE-MISSING": (
        "A file the baseline recorded is gone.",
        "its recorded metadata, the commit that recorded it, whether a package owned it",
        "the recorded content is `git -C REPO show COMMIT:files/PATH`; `gotriage baseline "
        "restore --only PATH` prints the plan that puts it back, --apply runs it; to accept "
        "its removal, `gotriage baseline init`"),
    "BASE-FILE-NEW": (
        "A file the spec's globs match that the baseline did not record (a new drop-in, "
        "profile script or zone file).",
        "its metadata and group",
        "review it; to accept it, `gotriage baseline init`"),
})
def base_file(facts):
    """Each recorded file against the same path now: its content, and whether it is there."""
    out = []
    rec = facts.recorded
    rec.prefetch([d.subject for d in _drifts(facts, "changed")])
    for d in _drifts(facts, "changed"):
        evidence = [Evidence.fact("recorded SHA-256 %s (%s bytes), now %s (%s bytes)" % (
            d.old["sha256"][:16], d.old.get("size"), d.new["sha256"][:16], d.new.get("size"))),
            _package(facts, d.subject)]
        current = facts.now.contents.get(d.subject)
        diff = _unified(_text(rec.content(d.subject)), _text(current),
                        "baseline " + d.subject, "now " + d.subject)
        if diff:
            evidence.append(Evidence.file(d.subject, "\n" + diff))
        out.append(_f("BASE-FILE-CHANGED", "warn", _("%(path)s changed %(since)s") % {
            "path": d.subject, "since": _since(facts, d.subject)}, subject=d.subject,
            evidence=evidence,
            fix=[_show(facts, _repo_path(d.subject)), _restore(facts, d.subject)]))
    for d in _drifts(facts, "missing"):
        short, date = facts.recorded.since(d.subject)
        out.append(_f("BASE-FILE-MISSING", "warn",
                      _("%(path)s is gone (recorded at commit %(commit)s, %(date)s)") % {
                          "path": d.subject, "commit": short, "date": date[:10]},
                      subject=d.subject,
            evidence=[Evidence.fact("recorded: %s %s, uid %s gid %s, group %s" % (
                d.old.get("type"), d.old.get("mode"), d.old.get("uid"), d.old.get("gid"),
                d.group)), _package(facts, d.subject)],
            fix=[_show(facts, _repo_path(d.subject)), _restore(facts, d.subject)]
            if d.old.get("type") == "file" else [Action.note(_(NO_RESTORE))]))
    for d in _drifts(facts, "new"):
        out.append(_f("BASE-FILE-NEW", "warn", _("%(path)s is new: the spec's group %(group)s "
                                                 "matches it and the baseline (commit "
                                                 "%(commit)s) does not have it") % {
                          "path": d.subject, "group": d.group, "commit": rec.short},
                      subject=d.subject,
                      evidence=[Evidence.fact("now: %s %s, uid %s gid %s, %s bytes" % (
                          d.new.get("type"), d.new.get("mode"), d.new.get("uid"),
                          d.new.get("gid"), d.new.get("size")))],
                      fix=[Action.command(["gotriage", "baseline", "init", "--repo", rec.repo],
                                          description=_("if it belongs there: record the host "
                                                        "as it is now as the baseline"))]))
    if not out:
        out.append(_f("BASE-FILE", "ok", ngettext(
            "%(count)d recorded file as the baseline (commit %(commit)s) has it",
            "%(count)d recorded files as the baseline (commit %(commit)s) has them",
            len(rec.files)) % {"count": len(rec.files), "commit": rec.short}))
    return out


@check("BASE-MODE", LAYER, "the recorded files keep their mode, owner and group", findings={
    "BASE-MODE-CHANGED": (
        "A recorded file's mode, owner, group or type (a file now a symlink) differs from "
        "the baseline.",
        "each field recorded and now, the commit, whether a package owns it",
        "chmod/chown it back to the recorded values (printed), after checking why it "
        "changed"),
})
def base_mode(facts):
    """Each recorded path's mode, uid, gid, type and symlink target against the same path now."""
    out = []
    for d in _drifts(facts, "mode"):
        changes = ", ".join("%s %s -> %s" % (k, d.old[k], d.new[k]) for k in sorted(d.old))
        fix = []
        if "type" not in d.old and "target" not in d.old:
            if "mode" in d.old and d.old["mode"]:
                fix.append(Action.command(["chmod", d.old["mode"], "--", d.subject],
                                          description=_("the recorded mode")))
            if "uid" in d.old or "gid" in d.old:
                rec = facts.recorded.files[d.subject]
                fix.append(Action.command(["chown", "%s:%s" % (rec["uid"], rec["gid"]), "--",
                                           d.subject],
                                          description=_("the recorded owner and group")))
        else:
            fix.append(Action.note(_(NO_RESTORE)))
        out.append(_f("BASE-MODE-CHANGED", "warn", "%s: %s %s" % (
            d.subject, changes, _since(facts)), subject=d.subject,
            evidence=[Evidence.fact(changes), _package(facts, d.subject)], fix=fix))
    if not out:
        out.append(_f("BASE-MODE", "ok", _("every recorded file keeps its mode, owner and "
                                           "group")))
    return out


@check("BASE-LABEL", LAYER, "the recorded files keep their SELinux labels", findings={
    "BASE-LABEL-CHANGED": (
        "A recorded file's SELinux label differs from the baseline's (compared only where "
        "both have one).",
        "the recorded and current security.selinux labels",
        "chcon it back to the recorded label (printed); `restorecon -v PATH` applies the "
        "policy's label instead, which may be neither"),
})
def base_label(facts):
    """Each recorded path's SELinux label, where both the baseline and the host now have one."""
    out = []
    for d in _drifts(facts, "label"):
        out.append(_f("BASE-LABEL-CHANGED", "warn", _("%(path)s: label %(old)s -> %(new)s "
                                                      "%(since)s") % {
            "path": d.subject, "old": d.old, "new": d.new, "since": _since(facts)},
            subject=d.subject,
            evidence=[Evidence.fact("recorded %s, now %s" % (d.old, d.new))],
            fix=[Action.command(["chcon", "--", d.old, d.subject],
                                description=_("the recorded label"))]))
    if not out:
        out.append(_f("BASE-LABEL", "ok", _("every recorded label is unchanged (where "
                                            "recorded)")))
    return out


_GO_FIELDS = {"version": "version", "go_sha256": "bin/go SHA-256",
              "tree_digest": "tree digest", "tree_entries": "tree entries"}


def _short(value):
    """A digest as its first 16 hex digits, anything else as it is."""
    return value[:16] if isinstance(value, str) and len(value) == 64 else value


def _go_text(install):
    if install is None:
        return "(none)"
    return ", ".join("%s %s" % (_GO_FIELDS[k], _short(install.get(k))) for k in sorted(_GO_FIELDS))


@check("BASE-GO", LAYER, "the recorded Go installs are unchanged", findings={
    "BASE-GO-CHANGED": (
        "A Go install differs from the baseline: its version, its bin/go (SHA-256), its "
        "tree (a digest of names, types, sizes and mtimes), or it appeared or went.",
        "what was recorded and what is there now",
        "review it (a package update, a new tarball); to accept it, `gotriage baseline "
        "init`"),
})
def base_go(facts):
    """Each recorded Go install (version, bin/go's SHA-256, the tree's digest) against the installs found now."""
    out = []
    for d in _drifts(facts, "go"):
        if d.old is None:
            what = _("is new (%(version)s)") % {
                "version": (d.new or {}).get("version") or _("unknown version")}
        elif d.new is None:
            what = _("is gone (was %(version)s)") % {
                "version": d.old.get("version") or _("unknown version")}
        else:
            parts = ["%s %s -> %s" % (_GO_FIELDS[k], _short(d.old.get(k)), _short(d.new.get(k)))
                     for k in sorted(_GO_FIELDS) if d.old.get(k) != d.new.get(k)]
            what = _("changed: %(changes)s") % {"changes": "; ".join(parts)}
        out.append(_f("BASE-GO-CHANGED", "warn", _("Go install %(root)s %(since)s %(what)s") % {
            "root": d.subject, "since": _since(facts), "what": what}, subject=d.subject,
            evidence=[Evidence.fact("%s: %s" % (side, _go_text(value)))
                      for side, value in (("recorded", d.old), ("now", d.new))],
            fix=[Action.note(_(NO_GO_RESTORE))]))
    if not out:
        out.append(_f("BASE-GO", "ok", ngettext(
            "%(count)d recorded Go install unchanged", "%(count)d recorded Go installs unchanged",
            len(facts.recorded.go)) % {"count": len(facts.recorded.go)}))
    return out


@check("BASE-STATE", LAYER, "the recorded runtime state is unchanged", findings={
    "BASE-STATE-CHANGED": (
        "A state command (getenforce, semanage ... -l -C, firewall-cmd --list-all-zones) "
        "prints something else than when the baseline was recorded.",
        "(-v) the unified diff of its output",
        "review it; the recorded output is `git -C REPO show COMMIT:state/KEY.txt`"),
})
def base_state(facts):
    """Each recorded state command's output against its output now."""
    out = []
    for d in _drifts(facts, "state"):
        diff = _unified(d.old, d.new, "baseline " + d.subject, "now " + d.subject)
        out.append(_f("BASE-STATE-CHANGED", "warn", _("%(command)s prints other state "
                                                      "%(since)s") % {
            "command": d.subject, "since": _since(facts)}, subject=d.subject,
            evidence=[Evidence.fact("\n" + diff)],
            fix=[_show(facts, "state/%s.txt" % d.subject)]))
    if not out:
        out.append(_f("BASE-STATE", "ok", ngettext(
            "%(count)d recorded state output unchanged",
            "%(count)d recorded state outputs unchanged",
            len(facts.recorded.state)) % {"count": len(facts.recorded.state)}))

    return out


# the lint rules' checks (`baseline lint`), registered after the drift checks: silent
# unless the command gives the facts its rules
from gotriage.checks import baseline_lint  # noqa: E402,F401
