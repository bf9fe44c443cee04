"""A plan: what `gotriage fix` or `gotriage baseline restore` would change, step by step
(pure records, no I/O).  The dry run prints it as a shell script (apply/script.py); --apply
hands it to the engine (apply/engine.py).

Steps, in order:
  FileStep     write one file whole (atomically), or set only its mode, owner and label,
               or remove it; `expect` is the file's SHA-256 when the plan was made (ABSENT:
               it did not exist), checked again before anything is written
  CommandStep  a command of apply/commands.py: queried first, skipped when in effect,
               undone on rollback
  ManualStep   printed, never run: a command --apply cannot take back, or a choice

After the steps: the validations the touched files need (`visudo -c`, `systemd-analyze
verify`, `firewall-cmd --check-config`, `sshd -t`, `nginx -t`), then the reloads
(`systemctl daemon-reload`, `firewall-cmd --reload`), then, only when asked, restarts.
"""

import hashlib
import json
import posixpath

ABSENT = "absent"

UNIT_DIRS = ("/etc/systemd/system/", "/usr/lib/systemd/system/", "/lib/systemd/system/",
             "/run/systemd/system/")
RELOADS_ORDER = ("systemd", "firewalld")  # commands.RELOADS, in the order they run
UNIT_SUFFIXES = (".service", ".socket", ".timer", ".path", ".mount", ".target", ".slice")


class FileStep(object):
    kind = "file"
    __slots__ = ("path", "content", "mode", "uid", "gid", "label", "expect", "why",
                 "remove", "before")

    def __init__(self, path, content=None, mode=None, uid=None, gid=None, label=None,
                 expect=ABSENT, why="", remove=False, before=None):
        self.path, self.content, self.mode, self.uid, self.gid = path, content, mode, uid, gid
        self.label, self.expect, self.why, self.remove = label, expect, why, remove
        self.before = before  # the content the plan saw (the dry run shows the diff)

    def key(self):
        return {"kind": "file", "path": self.path, "expect": self.expect,
                "sha256": sha256(self.content) if self.content is not None else None,
                "mode": self.mode, "uid": self.uid, "gid": self.gid, "label": self.label,
                "remove": self.remove}


class CommandStep(object):
    kind = "command"
    __slots__ = ("bound", "why")

    def __init__(self, bound, why=""):
        self.bound, self.why = bound, why

    @property
    def argv(self):
        return self.bound.argv

    def key(self):
        return {"kind": "command", "argv": self.argv}


class ManualStep(object):
    kind = "manual"
    __slots__ = ("text", "argv", "reason", "why")

    def __init__(self, text, reason, argv=None, why=""):
        self.text, self.reason, self.argv, self.why = text, reason, argv, why

    def key(self):
        return {"kind": "manual", "text": self.text}


class Plan(object):
    """The steps, and what the touched files need after them."""

    def __init__(self, title, steps, restarts=(), reloads=()):
        self.title = title
        self.steps = list(steps)
        self.restarts = list(restarts)  # units to restart (only with --restart)
        self.extra_reloads = set(reloads)  # reloads a fix named itself (commands.RELOADS)
        self.extra_validations = []  # [(argv, why)] an interrupted apply did not reach

    @property
    def file_steps(self):
        return [s for s in self.steps if s.kind == "file"]

    @property
    def manual(self):
        """The steps left to a person (notes are not steps)."""
        return [s for s in self.steps if s.kind == "manual" and s.reason]

    @property
    def has_work(self):
        """Anything for --apply to do: a step, a reload a fix named, a restart."""
        return bool(self.runnable or self.restarts or self.extra_reloads
                    or self.extra_validations)

    @property
    def runnable(self):
        return [s for s in self.steps if s.kind != "manual"]

    def validations(self):
        """[(argv, why)]: run after every step, before any reload (deduplicated)."""
        out, seen = [], set()
        wanted = [pair for step in self.file_steps for pair in after_write(step.path,
                                                                           step.remove)]
        for argv, why in wanted + [tuple(pair) for pair in self.extra_validations]:
            if tuple(argv) not in seen:
                seen.add(tuple(argv))
                out.append((list(argv), why))
        return out

    def reloads(self):
        """The RELOADS keys the steps need, in a fixed order."""
        needed = set(self.extra_reloads)
        for step in self.steps:
            if step.kind == "file":
                needed.update(reloads_for(step.path))
            elif step.kind == "command":
                if step.bound.name == "firewall-cmd":
                    needed.add("firewalld")
        return sorted(needed)

    def digest(self):
        """The SHA-256 of the steps: what the user reviewed is what --apply applies."""
        text = json.dumps([s.key() for s in self.steps] + [self.restarts,
                          sorted(self.extra_reloads)], sort_keys=True)
        return sha256(text.encode("utf-8"))


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def is_sudoers(path):
    return path == "/etc/sudoers" or path.startswith("/etc/sudoers.d/")


def unit_of(path):
    """The unit a unit file or drop-in under a systemd unit directory belongs to."""
    for directory in UNIT_DIRS:
        if path.startswith(directory):
            rel = path[len(directory):]
            if "/" not in rel and rel.endswith(UNIT_SUFFIXES):
                return rel
            head, _, tail = rel.partition("/")
            if head.endswith(".d") and tail.endswith(".conf") and "/" not in tail:
                return head[:-2] if head[:-2].endswith(UNIT_SUFFIXES) else None
    return None


def before_rename(path):
    """[argv with "{file}" for the temporary file]: what must accept the new content
    before it replaces the old (a broken sudoers locks sudo out at once)."""
    if is_sudoers(path):
        return [["visudo", "-c", "-f", "{file}"]]
    if path == "/etc/ssh/sshd_config":
        return [["sshd", "-t", "-f", "{file}"]]
    return []


def after_write(path, removed=False):
    """[(argv, why)]: what validates the configuration the file belongs to, once every
    file of the plan is written."""
    unit = unit_of(path)
    if unit and not (removed and unit_of(path) == posixpath.basename(path)):
        target = path if posixpath.basename(path) == unit else unit
        # --man=no: a Documentation=man: page that is not installed is not an error of
        # the unit (the engine drops the option for a systemd older than 235)
        return [(["systemd-analyze", "verify", "--man=no", target], "the unit %s" % unit)]
    if is_sudoers(path):
        return [(["visudo", "-c", "-q"], "sudo's configuration")]
    if path.startswith("/etc/firewalld/"):
        return [(["firewall-cmd", "--check-config"], "firewalld's permanent configuration")]
    if path == "/etc/ssh/sshd_config" or path.startswith("/etc/ssh/sshd_config.d/"):
        return [(["sshd", "-t"], "sshd's configuration")]
    if path.startswith("/etc/nginx/"):
        return [(["nginx", "-t"], "nginx's configuration")]
    return []


def reloads_for(path):
    if unit_of(path):
        return ["systemd"]
    if path.startswith("/etc/firewalld/"):
        return ["firewalld"]
    return []


def edit_content(text, action):
    """The text of a file after an edit action (findings.Action.edit), or None when the
    edit cannot be made as written (the line to replace is not there).  An edit already
    in effect gives the text unchanged.

    >>> edit_content("a\\nb\\n", _Edit("c"))
    'a\\nb\\nc\\n'
    >>> edit_content("a\\nc\\n", _Edit("c"))
    'a\\nc\\n'
    >>> edit_content("a\\nb\\n", _Edit("B", old="b"))
    'a\\nB\\n'
    >>> edit_content("a\\nB\\n", _Edit("B", old="b"))
    'a\\nB\\n'
    >>> edit_content("a\\n", _Edit("B", old="b")) is None
    True
    >>> edit_content("a\\nb\\n", _Edit(None, old="b"))
    'a\\n'
    """
    lines = text.split("\n")
    trailing = lines and lines[-1] == ""
    if trailing:
        lines = lines[:-1]
    if action.old is not None:
        hits = [i for i, line in enumerate(lines) if line.strip() == action.old.strip()]
        if not hits:
            if action.line is None or any(line.strip() == action.line.strip()
                                          for line in lines):
                return text  # already done
            return None
        if action.line is None:
            lines = [line for i, line in enumerate(lines) if i not in hits]
        else:
            for i in hits:
                lines[i] = action.line
    elif action.line is not None:
        if any(line.strip() == action.line.strip() for line in lines):
            return text
        lines.append(action.line)
    return "\n".join(lines) + "\n" if lines else ""


class _Edit(object):
    """A stand-in for findings.Action in the doctests above."""

    def __init__(self, line, old=None):
        self.line, self.old = line, old

