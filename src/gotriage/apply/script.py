"""A plan as one reviewable POSIX shell script (pure): what the dry run prints.

The script does what --apply does, in the same order, with the same guards: each file
is checked against the hash the plan saw, written to a temporary file in its directory,
validated where a validator exists, then renamed over the old one; the validations and
reloads follow.  What the script cannot do is what the engine adds: backups, undo of the
commands, rollback on a failure, and the re-check of the findings (docs/apply.md).
Manual steps are comments.
"""

import hashlib

from gotriage.apply.plan import ABSENT, RELOADS_ORDER, before_rename
from gotriage.quoting import shell_join, shell_word


def render(plan, header=()):
    from gotriage.apply.commands import RELOADS

    lines = ["#!/bin/sh", "# %s: %d steps, plan sha256:%s" % (
        plan.title, len(plan.steps), plan.digest()[:16])]
    lines += ["# " + h for h in header]
    lines += ["# Nothing has changed yet.  Review this script; `--apply` runs the same steps",
              "# with backups, validation and rollback (docs/apply.md).", "set -eu", ""]
    if not plan.steps and not plan.has_work:
        lines.append("# nothing to do")
    late = []
    for number, step in enumerate(plan.steps, 1):
        if step.kind == "command" and step.bound.after_reload:
            late.append((number, step))  # after the reloads, as --apply runs it
            continue
        lines.append("# %d. %s" % (number, step.why or step.kind))
        if step.kind == "file":
            lines += _file(step)
        elif step.kind == "command":
            lines.append(shell_join(step.argv))
        elif step.reason is None:
            lines.append("# note:")
            lines += ["#   " + line for line in step.text.splitlines()]
        else:
            lines.append("# by hand (%s):" % step.reason)
            lines += ["#   " + line for line in step.text.splitlines()]
        lines.append("")
    for argv, why in plan.validations():
        lines.append("%s   # validates %s" % (shell_join(argv), why))
    for name in sorted(plan.reloads(), key=RELOADS_ORDER.index):
        lines.append(shell_join(RELOADS[name]))
    for number, step in late:
        lines.append("%s   # %d. %s" % (shell_join(step.argv), number, step.why))
    for unit in plan.restarts:
        lines.append(shell_join(["systemctl", "restart", unit]))
    return "\n".join(lines).rstrip("\n") + "\n"


def _guard(step):
    path = shell_word(step.path)
    if step.expect == ABSENT:
        return ["[ ! -e %s ] || { echo %s >&2; exit 1; }" % (
            path, shell_word("gotriage: %s appeared since the plan was made" % step.path))]
    return ["[ \"$(sha256sum < %s | cut -d ' ' -f 1)\" = %s ] || { echo %s >&2; exit 1; }" % (
        path, step.expect, shell_word("gotriage: %s changed since the plan was made" %
                                      step.path))]


MAX_DIFF_LINES = 80


def _diff(step):
    """The change as commented unified-diff lines (what a reviewer reads first)."""
    import difflib

    if step.before is None or step.content is None:
        return []
    old = step.before.decode("utf-8", "replace").splitlines()
    new = step.content.decode("utf-8", "replace").splitlines()
    lines = list(difflib.unified_diff(old, new, step.path, step.path + " (new)", n=1,
                                      lineterm=""))
    if len(lines) > MAX_DIFF_LINES:
        lines = lines[:MAX_DIFF_LINES] + ["... (%d more lines of diff)" % (
            len(lines) - MAX_DIFF_LINES)]
    return ["#   " + line for line in lines]


def _file(step):
    out = _diff(step) + _guard(step)
    path = shell_word(step.path)
    if step.remove:
        return out + ["rm -f -- %s" % path]
    if step.content is None:
        return out + _metadata(step, path)
    directory, _, name = step.path.rpartition("/")
    out.append("tmp=$(mktemp %s)" % shell_word("%s/.%s.gotriage.XXXXXX" % (directory or "",
                                                                          name)))
    out += _content(step.content)
    out += _metadata(step, '"$tmp"', creating=step.expect == ABSENT)
    for argv in before_rename(step.path):
        out.append(shell_join(argv).replace(shell_word("{file}"), '"$tmp"'))
    out.append("mv -f -- \"$tmp\" %s" % path)
    return out


def _content(data):
    """Lines writing `data` to "$tmp": a quoted here-document for text, base64 else."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    tag = "GOTRIAGE_EOF_" + hashlib.sha256(data).hexdigest()[:8]
    if text is not None and "\0" not in text and (text == "" or text.endswith("\n")) \
            and tag not in text and "\r" not in text:
        if text == "":
            return [": > \"$tmp\""]
        return ["cat > \"$tmp\" <<'%s'" % tag] + text[:-1].split("\n") + [tag]
    import base64

    encoded = base64.b64encode(data).decode("ascii")
    return ["base64 -d > \"$tmp\" <<'%s'" % tag] + [
        encoded[i:i + 76] for i in range(0, len(encoded), 76)] + [tag]


def _metadata(step, target, creating=False):
    """chmod, chown, chcon of `target`: what the plan sets, else (a new content for an
    existing file: mktemp makes it 0600) what the old file has."""
    out, path = [], shell_word(step.path)
    keep = target == '"$tmp"' and not creating
    mode = step.mode or ("0644" if creating else None)
    if mode:
        out.append("chmod %s %s" % (shell_word(mode), target))
    elif keep:
        out.append("chmod --reference=%s %s" % (path, target))
    if step.uid is not None and step.gid is not None:
        out.append("chown %d:%d %s" % (step.uid, step.gid, target))
    elif keep:
        out.append("chown --reference=%s %s" % (path, target))
    if step.label:
        out.append("chcon %s %s" % (shell_word(step.label), target))
    elif keep:
        out.append("chcon --reference=%s %s 2>/dev/null || :" % (path, target))
    return out
