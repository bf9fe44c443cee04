"""Findings: what a check concludes, with its evidence and the exact fix.

A finding is plain data so that every renderer (text, JSON, later JUnit...) shows the
same thing.  Fixes are *actions*: a command as an argv list (shell-quoted only when
printed) or a file edit.  Nothing here ever runs an action.
"""

SEVERITIES = ("ok", "info", "warn", "error")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}


def shell_join(argv):
    """Quote an argv for a POSIX shell (shlex.join is 3.8+)."""
    import shlex  # here: it imports re, which most runs never need

    return " ".join(shlex.quote(str(a)) for a in argv)


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

    __slots__ = ("kind", "argv", "path", "line", "old", "description", "safe", "as_user")

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

    @classmethod
    def command(cls, argv, description=None, safe=True, as_user=None):
        return cls("command", description=description, argv=argv, safe=safe, as_user=as_user)

    @classmethod
    def edit(cls, path, line, old=None, description=None, safe=True):
        return cls("edit", description=description, path=path, line=line, old=old, safe=safe)

    @classmethod
    def note(cls, text):
        return cls("note", description=text)

    def render(self):
        """The action as a user reads it (commands shell-quoted)."""
        if self.kind == "command":
            text = shell_join(self.argv)
            if self.as_user:
                text += "   # as %s" % self.as_user
            return text
        if self.kind == "edit":
            if self.line is None:
                return "in %s, delete the line\n    %s" % (self.path, self.old)
            if self.old is not None:
                return "in %s, replace the line\n    %s\n  with\n    %s" % (self.path, self.old, self.line)
            return "add to %s the line\n    %s" % (self.path, self.line)
        return self.description

    def to_dict(self):
        d = {"kind": self.kind, "safe": self.safe}
        for key in ("description", "argv", "path", "line", "old", "as_user"):
            value = getattr(self, key)
            if value is not None:
                d[key] = value
        if self.kind == "command":
            d["shell"] = shell_join(self.argv)
        return d


class Finding(object):
    """The result of one check about one thing (an ok result is a finding too)."""

    __slots__ = ("id", "check", "layer", "severity", "title", "contexts", "evidence", "why",
                 "fix", "predicted_error", "references", "subject")

    def __init__(self, id, severity, title, check=None, layer=None, contexts=(), evidence=(),
                 why=None, fix=(), predicted_error=None, references=(), subject=None):
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
        return d

    def __repr__(self):
        return "Finding(%s, %s, %r)" % (self.id, self.severity, self.title)
