"""One recording against another (pure): the drifts, and the message of a commit.

A recording and an observation have the same shape (facts/baseline.py): files by path
with their metadata and SHA-256, Go installs by root, state command outputs by key.
"""

KINDS = ("changed", "missing", "new", "mode", "label", "go", "state")
_OWNERSHIP = ("mode", "uid", "gid", "type", "target")


class Drift(object):
    """One difference: `kind` (KINDS), the path, Go root or state key it is about, and
    what was recorded and what is there now (for mode: the fields that differ)."""

    __slots__ = ("kind", "subject", "old", "new", "group")

    def __init__(self, kind, subject, old=None, new=None, group=None):
        assert kind in KINDS, kind
        self.kind, self.subject, self.old, self.new, self.group = kind, subject, old, new, group

    def __repr__(self):
        return "Drift(%s, %s)" % (self.kind, self.subject)


def compare(old, new):
    """The drifts from `old` (what was recorded) to `new` (the host now), in a stable
    order: by kind, then subject.  Paths the new side could not see (a snapshot that did
    not record them, a file it could not read) are not drifts.

    >>> from types import SimpleNamespace as R
    >>> a = R(files={"/e/a": {"sha256": "1", "mode": "0644", "uid": 0, "gid": 0}}, go={},
    ...       state={}, unrecorded=[], unreadable={})
    >>> b = R(files={"/e/a": {"sha256": "2", "mode": "0600", "uid": 0, "gid": 0}}, go={},
    ...       state={}, unrecorded=[], unreadable={})
    >>> compare(a, b)
    [Drift(changed, /e/a), Drift(mode, /e/a)]
    """
    drifts = []
    unseen = set(getattr(new, "unrecorded", ())) | set(getattr(new, "unreadable", {}))
    for path, was in sorted(old.files.items()):
        now = new.files.get(path)
        if now is None:
            if path not in unseen:
                drifts.append(Drift("missing", path, was, None, was.get("group")))
            continue
        if was.get("sha256") != now.get("sha256") and path not in unseen \
                and was.get("sha256") is not None and now.get("sha256") is not None:
            drifts.append(Drift("changed", path, was, now, was.get("group")))
        fields = [k for k in _OWNERSHIP if was.get(k) != now.get(k)]
        if fields:
            drifts.append(Drift("mode", path, {k: was.get(k) for k in fields},
                                {k: now.get(k) for k in fields}, was.get("group")))
        if was.get("label") and now.get("label") and was["label"] != now["label"]:
            drifts.append(Drift("label", path, was["label"], now["label"], was.get("group")))
    for path, now in sorted(new.files.items()):
        if path not in old.files:
            drifts.append(Drift("new", path, None, now, now.get("group")))
    for root in sorted(set(old.go) | set(new.go)):
        was, now = old.go.get(root), new.go.get(root)
        if was != now:
            drifts.append(Drift("go", root, was, now))
    for key in sorted(set(old.state) | set(new.state)):
        if key in old.state and key in new.state and old.state[key] != new.state[key]:
            drifts.append(Drift("state", key, old.state[key], new.state[key]))
    drifts.sort(key=lambda d: (KINDS.index(d.kind), d.subject))
    return drifts


def summary(drifts):
    """A one-line account of `drifts` for a commit message: 'baseline: 2 files changed
    (/etc/a, /etc/b), 1 new (/etc/c)'."""
    words = {"changed": "changed", "missing": "gone", "new": "new", "mode": "mode/owner changed",
             "label": "label changed", "go": "Go install changed", "state": "state changed"}
    parts = []
    for kind in KINDS:
        subjects = [d.subject for d in drifts if d.kind == kind]
        if subjects:
            shown = ", ".join(subjects[:5]) + (", ..." if len(subjects) > 5 else "")
            parts.append("%d %s (%s)" % (len(subjects), words[kind], shown))
    return "; ".join(parts) if parts else "nothing changed"
