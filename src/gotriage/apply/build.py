"""Plans from what gotriage found (pure): `fix` from findings' fix actions, `baseline
restore` from the drift between the baseline and the host.

The callers read the host (fix: the files its edits touch; restore: the Observation the
baseline layer makes) and pass what they read in; nothing here reads or runs anything.
"""

from gotriage.apply import commands
from gotriage.apply.plan import ABSENT, CommandStep, FileStep, ManualStep, Plan, sha256
from gotriage.host.redact_rules import MARK

REDACTED = MARK.encode("ascii")  # what a snapshot's files hold where a secret was
NO_UNDO = "--apply runs only commands it can undo (docs/apply.md); run it yourself"


class FileNow(object):
    """A file as the caller read it: content (None: it does not exist), mode, owner."""

    __slots__ = ("content", "mode", "uid", "gid")

    def __init__(self, content=None, mode=None, uid=None, gid=None):
        self.content, self.mode, self.uid, self.gid = content, mode, uid, gid


# -- fix -------------------------------------------------------------------------------
def fix_plan(findings, read, restart=False, title="fix"):
    """The Plan of the fix actions of `findings` (problems only, in the order given).
    `read(path)` -> FileNow of a file an edit touches (content None when absent), or
    raises OSError (the edit becomes a manual step saying why).

    A step with alternatives (the doctor view's A, B, C) applies A and prints the others;
    an action two findings share is one step; edits of one file are one FileStep."""
    from gotriage.report.doctor import steps as doctor_steps

    out, seen, edits, restarts, reloads = [], set(), {}, [], set()
    for finding in findings:
        if finding.severity == "ok" or not finding.fix:
            continue
        why = finding.id + (" " + finding.subject if finding.subject else "")
        for action, alternatives in doctor_steps(finding.fix):
            key = action.render()
            if key in seen:
                continue
            seen.add(key)
            _add_action(action, why, out, edits, restarts, reloads, restart, read)
            for alternative in alternatives:
                out.append(ManualStep(alternative.render(), "an alternative to the step "
                                      "above, not applied", argv=alternative.argv, why=why))
    return drop_unchanged(Plan(title, out, restarts=restarts, reloads=reloads))


def _add_action(action, why, out, edits, restarts, reloads, restart, read):
    if action.kind == "note":
        out.append(ManualStep(action.render(), None, why=why))  # a note: nothing to run
        return
    if action.kind == "edit":
        _add_edit(action, why, out, edits, read)
        return
    argv = action.argv
    reload_name = commands.reload_of(argv)
    if reload_name:
        reloads.add(reload_name)
        return
    unit = commands.restart_of(argv)
    if unit:
        if restart:
            restarts.append(unit)
        else:
            out.append(ManualStep(action.render(), "a restart: --apply restarts only with "
                                  "--restart", argv=argv, why=why))
        return
    if action.as_user and action.as_user != "root":
        out.append(ManualStep(action.render(), "runs as %s, not as root" % action.as_user,
                              argv=argv, why=why))
        return
    bound = commands.bind(argv)
    if bound is None:
        out.append(ManualStep(action.render(), NO_UNDO, argv=argv, why=why))
    else:
        out.append(CommandStep(bound, why=why))


def _add_edit(action, why, out, edits, read):
    from gotriage.apply.plan import edit_content

    path = action.path
    step = edits.get(path)
    if step is None:
        try:
            now = read(path)
        except OSError as exc:
            out.append(ManualStep(action.render(), "%s cannot be read: %s" % (
                path, exc.strerror or exc), why=why))
            return
        if now.content is None:
            step = FileStep(path, content=b"", mode="0644", uid=0, gid=0, expect=ABSENT, why=why)
        else:
            step = FileStep(path, content=now.content, expect=sha256(now.content), why=why,
                            before=now.content)
        edits[path] = step
        out.append(step)
    try:
        text = step.content.decode("utf-8")
    except UnicodeDecodeError:
        out.append(ManualStep(action.render(), "%s is not UTF-8 text" % path, why=why))
        return
    new = edit_content(text, action)
    if new is None:
        out.append(ManualStep(action.render(), "the line to replace is not in %s" % path,
                              why=why))
        return
    step.content = new.encode("utf-8")
    if why not in step.why.split("; "):
        step.why += "; " + why


def drop_unchanged(plan):
    """The plan without the file steps that would write what is already there."""
    kept = []
    for step in plan.steps:
        if step.kind == "file" and not step.remove and step.expect != ABSENT \
                and step.content is not None and sha256(step.content) == step.expect \
                and step.mode is None and step.label is None:
            continue
        kept.append(step)
    plan.steps = kept
    return plan


# -- baseline restore ------------------------------------------------------------------
def restore_plan(recorded, seen, drifts, only=(), title="baseline restore"):
    """The Plan that puts the drifted files back as `recorded` has them.  `seen` is the
    Observation of the host now, `drifts` compare(recorded, seen); `only`: just these
    paths (a new file is removed only when named here).  Go installs and state outputs
    are not files gotriage can put back: manual steps say so."""
    only = set(only)
    by_path = {}
    for drift in drifts:
        by_path.setdefault(drift.subject, []).append(drift)
    out = []
    for path in sorted(by_path):
        if only and path not in only:
            continue
        kinds = set(d.kind for d in by_path[path])
        step = _restore_step(recorded, seen, path, kinds, path in only)
        if step is not None:
            out.append(step)
    return Plan(title, out)


def _restore_step(recorded, seen, path, kinds, named):
    why = "drift: " + ", ".join(sorted(kinds))
    if kinds & {"go"}:
        return ManualStep("reinstall the Go install at %s as recorded" % path,
                          "gotriage records a Go install's digest, not its files", why=why)
    if kinds & {"state"}:
        return ManualStep("bring back the recorded `%s` state (`git show` it in the "
                          "baseline)" % path, "state outputs are recorded, not restorable",
                          why=why)
    now = seen.files.get(path)
    if kinds == {"new"}:
        if not named:
            return ManualStep("%s is new since the baseline" % path, "restore removes a new "
                              "file only when --only names it", why=why)
        if now.get("type") != "file":
            return ManualStep("remove %s" % path, "not a regular file", why=why)
        return FileStep(path, remove=True, expect=now.get("sha256") or ABSENT,
                        why="new since the baseline: removed (kept in the backup)")
    entry = recorded.files.get(path)
    if entry is None or entry.get("type") != "file":
        return ManualStep("recreate %s as recorded (%s)" % (
            path, entry.get("type") if entry else "unknown"), "only regular files are "
            "restored", why=why)
    if entry.get("sha256") is None:
        return ManualStep("restore %s" % path, "its content was too large to record",
                          why=why)
    if now is not None and now.get("type") not in ("file", None):
        return ManualStep("restore %s" % path, "it is now a %s, not a file" % now["type"],
                          why=why)
    expect = now.get("sha256") if now is not None else ABSENT
    if now is not None and expect is None:
        return ManualStep("restore %s" % path, "its content could not be read", why=why)
    content = None
    if kinds & {"changed", "missing"}:
        content = recorded.content(path)
        if REDACTED in content:
            # a baseline recorded from a snapshot holds the snapshot's copy, its secrets
            # replaced: written back, it would break the file
            return ManualStep("restore %s from your own copy" % path, "the baseline's copy "
                              "holds %s (recorded from a snapshot, whose secrets were "
                              "removed): gotriage does not write it back" % (
                                  REDACTED.decode()), why=why)
    return FileStep(path, content=content, mode=entry.get("mode"), uid=entry.get("uid"),
                    gid=entry.get("gid"), label=entry.get("label"), expect=expect, why=why,
                    before=seen.contents.get(path))
