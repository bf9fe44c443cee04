"""The analyzer of a service denied its own log file (issue 14): a write, append, create
or add_name denial whose path is a log file a unit names (StandardOutput=append:PATH, a
`--log-file PATH` in ExecStart=), or whose directory is that file's directory.

The fix is a file context for the log directory, before any module: `semanage fcontext
-a -t TYPE 'DIR(/.*)?'` (the pattern escaped as file_contexts reads it), then
`restorecon -Rv DIR`; only if the service is still denied after that, the module.  A
directory that may not be retyped (/var/log itself and every other system directory, a
home directory, a directory another module's type labels) is never relabelled: the
log file alone gets the type, with a pattern that names only it, and `restorecon -v`.

Which domain writes decides the type:

- systemd opens StandardOutput=/StandardError= files itself, in the child it forks for
  the unit, as the unit's User= but still in its own domain init_t (the program is not
  executed yet): var_log_t, which init_t may write;
- the program opens its own log in its own domain: the log type of that domain when the
  policy has one (sesearch: the `_log_t` types the domain may append to, its own first,
  httpd_t: httpd_log_t), else var_log_t.

The explanation carries the unit and a subject ("log:DIR"): the SEL-AVC finding is then
about the unit, and the unit's journal finding (status=209/STDOUT, or the program's own
"open PATH: permission denied") names it as its cause (checks/service/svc_journal.py).
"""

import posixpath

from gotriage.findings import Action
from gotriage.i18n import _
from gotriage.knowledge import selinux as K
from gotriage.quoting import Unrepresentable, fcontext_pattern, shell_join
from gotriage.selinux.explanation import (
    MODULE_NAME,
    RANK_LABEL,
    Explanation,
    unlabelable,
)

WRITES = frozenset(("write", "append", "create", "add_name", "open"))
_PATTERN_TAIL = "(/.*)?"


def match(denial, log_paths):
    """(unit name, LogPath, directory) of the unit's log the denial is about, else None."""
    perms = set(denial.perms)
    if denial.tclass not in ("file", "dir") or not perms & WRITES or perms <= {"open"} and \
            denial.tclass == "dir":
        return None
    path = posixpath.normpath(denial.path) if denial.path else None
    for unit, lp in log_paths:
        if denial.tclass == "file":
            if path is not None and (path == lp.path and not lp.is_dir or
                                     lp.is_dir and posixpath.dirname(path) == lp.directory):
                return unit, lp, posixpath.dirname(path)
            if path is None and not lp.is_dir and denial.name == posixpath.basename(lp.path):
                return unit, lp, lp.directory
        else:
            if path is not None and path == lp.directory:
                return unit, lp, lp.directory
            if path is None and denial.name in (posixpath.basename(lp.path),
                                                posixpath.basename(lp.directory)):
                return unit, lp, lp.directory
    return None


def log_type(denial, view):
    """(type, how it was chosen, whether the policy confirmed it): what the writing domain
    may append to."""
    stype = denial.stype
    if stype in K.SYSTEM_DOMAINS:
        return "var_log_t", _("systemd's domain %(domain)s may write var_log_t files") % {
            "domain": stype}, False
    prefix = stype[:-2] if stype.endswith("_t") else stype
    candidates = []
    if view.sesearch is not None:
        candidates = [t for t in view.sesearch(stype, "file", "append") or () if t.endswith("_log_t")]
    own = [t for t in candidates if t.startswith(prefix + "_")]
    if own:
        return own[0], _("the policy lets %(domain)s append to %(type)s (sesearch)") % {
            "domain": stype, "type": own[0]}, True
    if "var_log_t" in candidates:
        return "var_log_t", _("the policy lets %(domain)s append to %(type)s (sesearch)") % {
            "domain": stype, "type": "var_log_t"}, True
    if view.types is not None and prefix + "_log_t" in view.types:
        return prefix + "_log_t", _("%(type)s is the policy's log type for %(domain)s") % {
            "type": prefix + "_log_t", "domain": stype}, False
    if candidates:
        return candidates[0], _("the policy lets %(domain)s append to %(type)s (sesearch)") % {
            "domain": stype, "type": candidates[0]}, True
    if view.sesearch is None and view.types is None:
        # the policy was not asked: a confined domain's own log type by the policy's
        # naming rule (httpd_t: httpd_log_t), said to be unconfirmed
        return prefix + "_log_t", _(
            "%(type)s by the policy's naming rule, not confirmed (no sesearch): `sesearch -A -s "
            "%(domain)s -c file -p append` lists the types %(domain)s may append to") % {
                "type": prefix + "_log_t", "domain": stype}, False
    return "var_log_t", _("the generic log type (the policy has no log type of %(domain)s)") % {
        "domain": stype}, False


def log_file(denial, view):
    found = match(denial, view.log_paths)
    if found is None:
        return []
    unit, lp, directory = found
    ftype, chosen, confirmed = log_type(denial, view)
    if denial.ttype == ftype:
        return []  # the label is already the log type: not what a relabel fixes
    path = posixpath.normpath(denial.path) if denial.path else None
    refused = unlabelable(directory, view)
    notes = [chosen]
    subject = "log:" + directory
    if refused is None:
        where = directory
        if view.default_type(directory, "dir") == ftype:
            fix = [Action.command(["restorecon", "-Rv", directory],
                                  description=_("the policy already says %(type)s there: apply "
                                                "it") % {"type": ftype})]
        else:
            try:
                pattern = fcontext_pattern(directory)
            except Unrepresentable:
                return []  # file_label's notes cover a directory semanage cannot name
            fix = [Action.command(["semanage", "fcontext", "-a", "-t", ftype, pattern],
                                  description=_("record the log type for %(path)s and everything "
                                                "in it (persistent: a relabel and new files keep "
                                                "it)") % {"path": directory}, safe=False),
                   Action.command(["restorecon", "-Rv", directory], description=_("apply it"))]
    elif denial.tclass == "file" and path is not None:
        # /var/log itself (a system directory) or another module's directory: only the file
        where, subject = path, "log:" + path
        notes.append(_("%(path)s is not relabelled: %(why)s") % {"path": directory, "why": refused})
        try:
            pattern = fcontext_pattern(path)[:-len(_PATTERN_TAIL)]
        except Unrepresentable:
            return []
        fix = [Action.command(["semanage", "fcontext", "-a", "-t", ftype, pattern],
                              description=_("record the log type for this file only"), safe=False),
               Action.command(["restorecon", "-v", path], description=_("apply it"))]
    else:
        return []
    fix.append(Action.note(_("only if %(unit)s is still denied after `systemctl restart %(unit)s`: "
                             "a module, `%(command)s`") % {
                                 "unit": unit,
                                 "command": shell_join(view.rerun + ["--module", MODULE_NAME])}))
    what = path or "%s (%s)" % (directory, denial.name or _("the directory"))
    if lp.by_systemd or denial.stype in K.SYSTEM_DOMAINS:
        who = _("systemd opens %(path)s itself (%(setting)s), in the child it forks for %(unit)s, "
                "as the unit's user but still in its own domain %(domain)s: the program is not "
                "executed yet") % {"path": lp.path, "setting": lp.setting, "unit": unit,
                                   "domain": denial.stype}
        predicted = ("%s: Failed to set up standard %s: Permission denied (status=209/%s)" % (
            unit, "error" if lp.setting.startswith("StandardError") else "output",
            "STDERR" if lp.setting.startswith("StandardError") else "STDOUT"))
    else:
        who = _("%(program)s opens its log %(path)s itself (%(setting)s), in its domain "
                "%(domain)s") % {"program": denial.comm or unit, "path": lp.path,
                                 "setting": lp.setting, "domain": denial.stype}
        predicted = "open %s: permission denied" % lp.path
    values = {"who": who, "what": what, "type": denial.ttype, "domain": denial.stype,
              "perms": " ".join(denial.perms), "log": ftype, "where": where}
    why = _("%(who)s; %(what)s is labelled %(type)s, which %(domain)s may not %(perms)s.  A file "
            "context for the log directory gives every log there, and each one rotated or created "
            "later, the type %(log)s; audit2allow's rule would instead let %(domain)s %(perms)s "
            "every file labelled %(type)s.") % values
    # (the unit first, as every service finding's title: checks/selinux.py looks for it)
    title = "%s: %s" % (unit, _("its log %(what)s is labelled %(type)s, which %(domain)s may not "
                                "%(perms)s: label %(where)s %(log)s") % values)
    return [Explanation("log_file", "SEL-AVC-FILE-LABEL", RANK_LABEL,
                        "high" if confirmed or denial.stype in K.SYSTEM_DOMAINS
                        else "medium", title, why, fix, predicted_error=predicted, notes=notes,
                        unit=unit, subject=subject)]
