"""What the analyzers (selinux/analyzers.py, selinux/logfile.py) return and what they
know: an Explanation (plain words, the confidence, the exact commands) and the View of the
host's policy, with the label helpers both use (what may be relabelled, the module's
command).  Apart from analyzers.py so that an analyzer in a module of its own can use them
without an import cycle."""

import posixpath

from gotriage.findings import Action, is_system_dir
from gotriage.i18n import _
from gotriage.knowledge import selinux as K

RANK_LABEL, RANK_PORT, RANK_BOOLEAN, RANK_MODULE, RANK_HOST_WIDE = 1, 2, 3, 4, 5
MODULE_NAME = "gotriage_local"  # the name the printed `gotriage avc --module` uses
LABEL_CLASSES = ("file", "dir", "lnk_file", "sock_file", "fifo_file")
# Explanation.audit2why: what audit2why's verdict says of it (None: audit2why did not run)
CONFIRMED, CONTRADICTED, NEUTRAL, ADDED = "confirmed", "contradicted", "neutral", "added"


class Explanation(object):
    __slots__ = ("analyzer", "id", "rank", "confidence", "title", "why", "fix",
                 "predicted_error", "notes", "audit2why", "module", "unit", "subject")

    def __init__(self, analyzer, id, rank, confidence, title, why, fix=(), predicted_error=None,
                 notes=(), module=False, unit=None, subject=None):
        self.analyzer = analyzer
        self.id = id
        self.rank = rank
        self.confidence = confidence
        self.title = title
        self.why = why
        self.fix = list(fix)
        self.predicted_error = predicted_error
        self.notes = list(notes)
        self.audit2why = None
        self.module = module  # its fix is the module `gotriage avc --module` writes
        # the systemd unit whose failure the denial explains (a unit's log file), and the
        # subject its finding gets, which the unit's journal finding names as its cause
        self.unit = unit
        self.subject = subject

    @property
    def host_wide(self):
        return self.rank == RANK_HOST_WIDE

    def to_dict(self):
        d = {"analyzer": self.analyzer, "id": self.id, "rank": self.rank,
             "confidence": self.confidence, "title": self.title, "why": self.why,
             "fix": [a.to_dict() for a in self.fix], "notes": self.notes,
             "predicted_error": self.predicted_error}
        if self.audit2why is not None:
            d["audit2why"] = self.audit2why
        if self.module:
            d["module"] = True
        if self.host_wide:
            d["host_wide"] = True
        if self.unit:
            d["unit"] = self.unit
        return d


class View(object):
    """The host's policy as far as it is known (every part may be missing)."""

    def __init__(self, booleans=None, fcontexts=None, port_types=None, sesearch=None,
                 policy_name=None, labels=None, verdicts=None, audit2why=None, types=None,
                 local_ports=None, rerun=None, log_paths=None, verdicts_from=None):
        self.booleans = booleans or {}  # name -> (current, pending)
        self.fcontexts = fcontexts
        self.port_types = port_types  # {(port, proto): type} from semanage, or None
        self.sesearch = sesearch  # callable(stype, tclass, perm) -> [target types] or None
        self.policy_name = policy_name
        self.labels = labels or {}  # path -> context or "<<none>>", from matchpathcon
        self.verdicts = verdicts or {}  # denial key -> parsers.audit2why.Verdict
        self.audit2why = audit2why  # the CommandResult of the audit2why run, or None
        # the policy file the verdicts were computed from when gotriage read it itself
        # (selinux/policy_answers.py: audit2why's reasoning, no audit2why run)
        self.verdicts_from = verdicts_from
        self.types = types  # frozenset of the loaded policy's types (seinfo), or None
        # callable() -> {(port, proto): type} of the user's own port labels (`semanage port
        # -l -C`), or None when unknown
        self.local_ports = local_ports
        # the argv that runs this analysis again (`gotriage avc` with the same logs,
        # --root, --since): the module fix adds `--module NAME` to it
        self.rerun = list(rerun or ["gotriage", "avc"])
        # [(unit name, service.logpaths.LogPath)]: the log files the host's units name
        self.log_paths = list(log_paths or ())

    @property
    def flavor(self):
        names = self.booleans
        if "deny_execmem" in names or "selinuxuser_execmod" in names:
            return "rhel"
        if "allow_execmem" in names or "allow_execmod" in names:
            return "refpolicy"
        return None

    def port_type(self, port, proto):
        table = self.port_types if self.port_types is not None else K.PORT_TYPES
        return table.get((port, proto))

    def local_port_type(self, port, proto):
        """The type the user gave this port (`semanage port -a/-m`), or None."""
        table = self.local_ports() if self.local_ports is not None else None
        return (table or {}).get((port, proto))

    def own_type(self, path, tclass="file"):
        """The type gotriage's own reading of file_contexts gives `path`."""
        if self.fcontexts is None or not path:
            return None
        return self.fcontexts.type_of(path, tclass)

    def default_type(self, path, tclass="file"):
        """The type `path` should have: matchpathcon's answer when it gave one (it knows
        the host's substitutions and compiled rules), else gotriage's own lookup."""
        if path and path in self.labels:
            return _context_type(self.labels[path])
        return self.own_type(path, tclass)

    def label_notes(self, path, tclass="file", instead=None):
        """Which source gave the expected label of `path`, and any disagreement.
        `instead`, (current label, type, place, why), when the fix does not give `path` that
        label: the note then says what the fix gives where, and why."""
        if not path or path not in self.labels:
            return []
        tool, own = _context_type(self.labels[path]), self.own_type(path, tclass)
        said = tool or _("<<none>> (restorecon leaves it alone)")
        values = {"said": said, "path": path, "own": own or _("no label")}
        if instead is not None and instead[1] != tool:
            current, ftype, place, why = instead
            if tool != own:
                note = _("matchpathcon says %(said)s for %(path)s; gotriage's own file_contexts "
                         "reading said %(own)s (matchpathcon's answer is used)") % values
            elif tool == current:
                note = _("matchpathcon says %(said)s for %(path)s, the label it has, so restorecon "
                         "alone changes nothing") % values
            else:
                note = _("matchpathcon says %(said)s for %(path)s") % values
            return [note + _("; the fix gives %(place)s %(type)s instead: %(why)s") % {
                "place": place, "type": ftype, "why": why}]
        if tool == own:
            return [_("matchpathcon confirms the label %(said)s for %(path)s") % values]
        return [_("matchpathcon says %(said)s for %(path)s; gotriage's own file_contexts reading "
                  "said %(own)s (matchpathcon's answer is used)") % values]

    @property
    def audit2why_policy(self):
        argv = self.audit2why.argv if self.audit2why is not None else []
        if "-p" in argv[:-1]:
            return argv[argv.index("-p") + 1]
        return self.verdicts_from or _("the loaded policy")


def _context_type(context):
    parts = (context or "").split(":")
    return parts[2] if len(parts) >= 3 and context != "<<none>>" else None


def _restorecon(path, recursive=False):
    # never recursive on a system or home directory: its own label is what was denied
    recursive = recursive and not is_system_dir(path) and not _home_dir(path)
    return Action.command(["restorecon", "-Rv" if recursive else "-v", path],
                          description=_("give it the label the policy says it should have"))


def _home_dir(path):
    """True for a home directory itself (/home/NAME, /root): retyping one relabels
    everything its user keeps."""
    parts = posixpath.normpath(path or "/").split("/")
    return path in ("/root", "/home") or (len(parts) == 3 and parts[1] == "home")


def unlabelable(directory, view):
    """Why `semanage fcontext` must not retype `directory` (and all below it), or None:
    a system directory, a home directory, a pseudo file system, or a place the policy
    already labels with a type of its own (another module's)."""
    if not directory or not directory.startswith("/"):
        return _("it is not an absolute path")
    if is_system_dir(directory):
        return _("%(path)s is a system directory") % {"path": directory}
    if _home_dir(directory):
        return _("%(path)s is a home directory") % {"path": directory}
    if directory.startswith(("/proc/", "/sys/", "/dev/")) or directory in ("/proc", "/sys", "/dev"):
        return _("%(path)s is a kernel file system, not labelled by file_contexts") % {
            "path": directory}
    owner = view.default_type(directory, "dir")
    if owner is not None and owner not in K.GENERIC_FILE_TYPES:
        return _("the policy labels %(path)s %(type)s (a module's type: other programs rely on "
                 "it)") % {"path": directory, "type": owner}
    return None


def _module_action(view):
    return Action.command(view.rerun + ["--module", MODULE_NAME],
                          description=_("write %(name)s.te (and .fc) with the rules of the "
                                        "denials only a module fixes, and the commands to build "
                                        "and load it") % {"name": MODULE_NAME}, safe=False)
