"""Findings: what a check concludes, with its evidence and the exact fix.

A finding is plain data so that every renderer (text, JSON, later JUnit...) shows the
same thing.  Fixes are *actions*: a command as an argv list (shell-quoted only when
printed) or a file edit.  Nothing here ever runs an action.
"""

from gotriage.i18n import _
from gotriage.quoting import Unrepresentable, shell_join, shell_word, visible

SEVERITIES = ("ok", "info", "warn", "error")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}


# Directories that no fix may change recursively (chown -R, chmod -R, restorecon -R,
# rm -r...): such a command breaks the host whatever problem it was meant to fix.
SYSTEM_DIRS = frozenset("""
/ /bin /boot /dev /etc /home /lib /lib64 /media /mnt /opt /proc /root /run /sbin /srv /sys
/tmp /usr /usr/bin /usr/lib /usr/lib64 /usr/libexec /usr/local /usr/local/bin /usr/local/lib
/usr/local/sbin /usr/sbin /usr/share /usr/src /var /var/cache /var/lib /var/log /var/opt
/var/spool /var/tmp /etc/systemd /etc/systemd/system /usr/lib/systemd /usr/lib/systemd/system
/etc/selinux /etc/pki /etc/yum.repos.d /etc/profile.d /etc/sudoers.d /etc/security
""".split())
# Programs and the options that make them recursive.
_RECURSIVE = {"chown": ("R",), "chmod": ("R",), "chgrp": ("R",), "chcon": ("R",),
              "setfacl": ("R",), "restorecon": ("R", "r"), "rm": ("r", "R"),
              "setfiles": None, "fixfiles": None}


def operands(*args):
    """Command operands taken from the host, after `--` when one of them starts with '-'
    (a unit or user named `-x` would otherwise be read as an option)."""
    args = [str(a) for a in args]
    return (["--"] + args) if any(a.startswith("-") for a in args) else args


def is_system_dir(path):
    import posixpath

    path = str(path)
    return path.startswith("/") and posixpath.normpath(path).replace("//", "/") in SYSTEM_DIRS


def too_wide(argv):
    """The system directory that `argv` would change recursively, else None."""
    if not argv:
        return None
    import posixpath

    program = posixpath.basename(str(argv[0]))
    if program not in _RECURSIVE:
        return None
    flags = _RECURSIVE[program]
    args = [str(a) for a in argv[1:]]
    recursive = flags is None or any(
        (a.startswith("-") and not a.startswith("--") and any(f in a[1:] for f in flags))
        or a == "--recursive" for a in args)
    if not recursive:
        return None
    for a in args:
        if not a.startswith("-") and is_system_dir(a):
            return a
    return None


class Evidence(object):
    """One piece of evidence: a file line, a command and its output, or a plain fact."""

    __slots__ = ("kind", "source", "line", "text", "argv", "returncode")

    def __init__(self, kind, source=None, line=None, text=None, argv=None, returncode=None):
        assert kind in ("file", "command", "env", "fact"), kind
        self.kind = kind
        self.source = source  # file path, variable name or context
        self.line = line  # 1-based line number in a file
        self.text = text  # the line, the output excerpt, or the fact
        self.argv = list(argv) if argv is not None else None
        self.returncode = returncode

    @classmethod
    def file(cls, path, text=None, line=None):
        return cls("file", source=path, line=line, text=text)

    @classmethod
    def command(cls, result, text=None):
        """Evidence from a CommandResult; `text` defaults to its combined output."""
        if text is None:
            text = result.excerpt()
        return cls("command", argv=result.argv, returncode=result.returncode, text=text,
                   source=result.context_label)

    @classmethod
    def env(cls, name, value, context=None):
        return cls("env", source=context, text="%s=%s" % (name, value))

    @classmethod
    def fact(cls, text):
        return cls("fact", text=text)

    def describe(self):
        if self.kind == "file":
            where = self.source + (":%d" % self.line if self.line else "")
            return "%s: %s" % (where, self.text) if self.text else where
        if self.kind == "command":
            head = "$ " + shell_join(self.argv)
            if self.source:
                head += "   [%s]" % self.source
            if self.returncode not in (None, 0):
                head += "   (exit %s)" % self.returncode
            return head + ("\n" + self.text if self.text else "")
        if self.kind == "env":
            return ("[%s] " % self.source if self.source else "") + self.text
        return self.text

    def to_dict(self):
        d = {"kind": self.kind}
        for key in ("source", "line", "text", "argv", "returncode"):
            value = getattr(self, key)
            if value is not None:
                d[key] = value
        return d


class Action(object):
    """One step of a fix: a command to run, or an edit of a file.

    `safe` means it changes nothing that could break something else (e.g. restorecon,
    adding a PATH entry); unsafe actions are shown with a caution.
    """

    __slots__ = ("kind", "argv", "path", "line", "old", "description", "safe", "as_user",
                 "syntax")

    def __init__(self, kind, description=None, argv=None, path=None, line=None, old=None,
                 safe=True, as_user=None):
        assert kind in ("command", "edit", "note"), kind
        self.kind = kind
        self.description = description
        self.argv = list(argv) if argv is not None else None
        self.path = path
        self.line = line  # the line to add (or the new text when `old` is set)
        self.old = old  # the line to replace, if any
        self.safe = safe
        self.as_user = as_user
        self.syntax = None

    @classmethod
    def command(cls, argv, description=None, safe=True, as_user=None):
        wide = too_wide(argv)
        if wide is not None:
            # The last line of defence: the checks are written (and tested on every
            # fixture) never to build such a command.
            return cls.note(_("(not printed: a fix that changes %(path)s recursively; change "
                              "only what the finding names)") % {"path": wide})
        try:
            shell_join(argv)
        except Unrepresentable as exc:
            # a name that lost a byte when it was read (text that is not UTF-8): the
            # command would name another file
            return cls.note(_("(not printed: %(name)s holds a byte that was lost when it was "
                              "read, so a command would name another file; `ls -b` shows its "
                              "real name)") % {"name": visible(str(exc.value))})
        return cls("command", description=description, argv=argv, safe=safe, as_user=as_user)

    @classmethod
    def edit(cls, path, line, old=None, description=None, safe=True, syntax=None):
        """Add `line` to the file at `path`, or replace `old` with it, or (line None) delete
        `old`.  `syntax` names the language of the file (bash, systemd, sudoers, ini, plain:
        see gotriage.quoting), whose quoting `line` must already follow."""
        action = cls("edit", description=description, path=path, line=line, old=old, safe=safe)
        action.syntax = syntax
        return action

    @classmethod
    def note(cls, text):
        return cls("note", description=text)

    def render(self):
        """The action as a user reads it (commands shell-quoted)."""
        if self.kind == "command":
            text = shell_join(self.argv)
            if self.as_user:
                text += _("   # as %(user)s") % {"user": self.as_user}
            return text
        if self.kind == "edit":
            path = shell_word(self.path)
            if self.line is None:
                return _("in %(path)s, delete the line\n    %(old)s") % {
                    "path": path, "old": visible(self.old)}
            if self.old is not None:
                return _("in %(path)s, replace the line\n    %(old)s\n  with\n    %(new)s") % {
                    "path": path, "old": visible(self.old), "new": visible(self.line)}
            return _("add to %(path)s the line\n    %(line)s") % {
                "path": path, "line": visible(self.line)}
        return self.description

    def to_dict(self):
        d = {"kind": self.kind, "safe": self.safe}
        for key in ("description", "argv", "path", "line", "old", "as_user", "syntax"):
            value = getattr(self, key)
            if value is not None:
                d[key] = value
        if self.kind == "command":
            d["shell"] = shell_join(self.argv)
        return d


class Finding(object):
    """The result of one check about one thing (an ok result is a finding too)."""

    __slots__ = ("id", "check", "layer", "severity", "title", "contexts", "evidence", "why",
                 "fix", "predicted_error", "references", "subject", "unit", "cause")

    def __init__(self, id, severity, title, check=None, layer=None, contexts=(), evidence=(),
                 why=None, fix=(), predicted_error=None, references=(), subject=None, unit=None,
                 cause=None):
        assert severity in SEVERITIES, severity
        self.id = id
        self.check = check
        self.layer = layer
        self.severity = severity
        self.title = title
        self.contexts = list(contexts)
        self.evidence = list(evidence)
        self.why = why
        self.fix = list(fix)
        self.predicted_error = predicted_error
        self.references = list(references)
        self.subject = subject  # what the finding is about (a path, a context...): dedupe key
        self.unit = unit  # the systemd unit it is about, if any: the doctor view groups by it
        # The finding that explains this one, as (id, subject): a failure the journal shows
        # (SVC-JOURNAL-EXEC) names the problem that causes it (SVC-LABEL-DENIED), and the
        # doctor view folds it under that cause and counts the two as one problem.
        self.cause = (cause.id, cause.subject) if isinstance(cause, Finding) else cause

    @property
    def rank(self):
        return SEVERITY_RANK[self.severity]

    def to_dict(self):
        d = {
            "id": self.id,
            "check": self.check,
            "layer": self.layer,
            "severity": self.severity,
            "title": self.title,
            "contexts": self.contexts,
            "evidence": [e.to_dict() for e in self.evidence],
            "fix": [a.to_dict() for a in self.fix],
            "references": self.references,
        }
        if self.why:
            d["why"] = self.why
        if self.predicted_error:
            d["predicted_error"] = self.predicted_error
        if self.subject:
            d["subject"] = self.subject
        if self.unit:
            d["unit"] = self.unit
        if self.cause:
            d["caused_by"] = {"id": self.cause[0], "subject": self.cause[1]}
        return d

    def __repr__(self):
        return "Finding(%s, %s, %r)" % (self.id, self.severity, self.title)
