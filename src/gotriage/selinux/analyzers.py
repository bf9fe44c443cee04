"""One small analyzer per denial pattern, in the spirit of setroubleshoot's plugins,
ranked so that the narrowest fix comes first:

  1. the file has the wrong label        restorecon, or semanage fcontext + restorecon
  2. the port has no type the domain may use    semanage port -a / -m
  3. a real boolean allows it            setsebool -P NAME VALUE (with its current value)
  4. nothing narrower: a minimal module  gotriage avc --module NAME

Each analyzer returns Explanations: plain words, the confidence, and the exact commands
(argv lists).  `View` is what the analyzers know about the host's policy: booleans and
their values, file_contexts, port types, and (live, when installed) sesearch, the labels
matchpathcon gives the denials' paths, and audit2why's verdict on each denial.

audit2why's verdict (when it ran) reviews the explanations afterwards: each records
whether audit2why confirmed it, contradicted it, or has nothing to say about it; a
boolean audit2why names that the boolean analyzer did not is added; a constraint
violation replaces the module (no allow rule can fix it).
"""

import posixpath
import re

from gotriage.findings import Action
from gotriage.knowledge import selinux as K
from gotriage.selinux.rules import format_rule

RANK_LABEL, RANK_PORT, RANK_BOOLEAN, RANK_MODULE = 1, 2, 3, 4
LABEL_CLASSES = ("file", "dir", "lnk_file", "sock_file", "fifo_file")
# Explanation.audit2why: what audit2why's verdict says of it (None: audit2why did not run)
CONFIRMED, CONTRADICTED, NEUTRAL, ADDED = "confirmed", "contradicted", "neutral", "added"


class Explanation(object):
    __slots__ = ("analyzer", "id", "rank", "confidence", "title", "why", "fix",
                 "predicted_error", "notes", "audit2why")

    def __init__(self, analyzer, id, rank, confidence, title, why, fix=(), predicted_error=None,
                 notes=()):
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

    def to_dict(self):
        d = {"analyzer": self.analyzer, "id": self.id, "rank": self.rank,
             "confidence": self.confidence, "title": self.title, "why": self.why,
             "fix": [a.to_dict() for a in self.fix], "notes": self.notes,
             "predicted_error": self.predicted_error}
        if self.audit2why is not None:
            d["audit2why"] = self.audit2why
        return d


class View(object):
    """The host's policy as far as it is known (every part may be missing)."""

    def __init__(self, booleans=None, fcontexts=None, port_types=None, sesearch=None,
                 policy_name=None, labels=None, verdicts=None, audit2why=None, types=None):
        self.booleans = booleans or {}  # name -> (current, pending)
        self.fcontexts = fcontexts
        self.port_types = port_types  # {(port, proto): type} from semanage, or None
        self.sesearch = sesearch  # callable(stype, tclass, perm) -> [target types] or None
        self.policy_name = policy_name
        self.labels = labels or {}  # path -> context or "<<none>>", from matchpathcon
        self.verdicts = verdicts or {}  # denial key -> parsers.audit2why.Verdict
        self.audit2why = audit2why  # the CommandResult of the audit2why run, or None
        self.types = types  # frozenset of the loaded policy's types (seinfo), or None

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

    def label_notes(self, path, tclass="file"):
        """Which source gave the expected label of `path`, and any disagreement."""
        if not path or path not in self.labels:
            return []
        tool, own = _context_type(self.labels[path]), self.own_type(path, tclass)
        said = tool or "<<none>> (restorecon leaves it alone)"
        if tool == own:
            return ["matchpathcon confirms the label %s for %s" % (said, path)]
        return ["matchpathcon says %s for %s; gotriage's own file_contexts reading said %s "
                "(matchpathcon's answer is used)" % (said, path, own or "no label")]

    @property
    def audit2why_policy(self):
        argv = self.audit2why.argv if self.audit2why is not None else []
        return argv[argv.index("-p") + 1] if "-p" in argv[:-1] else "the loaded policy"


def _context_type(context):
    parts = (context or "").split(":")
    return parts[2] if len(parts) >= 3 and context != "<<none>>" else None


def _restorecon(path, recursive=False):
    return Action.command(["restorecon", "-Rv" if recursive else "-v", path],
                          description="give it the label the policy says it should have")


def _fcontext(directory, ftype):
    pattern = "%s(/.*)?" % directory.rstrip("/")
    return [Action.command(["semanage", "fcontext", "-a", "-t", ftype, pattern],
                           description="record the label for the directory (persistent, "
                                       "survives a relabel)"),
            Action.command(["restorecon", "-Rv", directory], description="apply it")]


def _what(denial):
    where = denial.path or (denial.name and "%s (name only; inode %s)" % (denial.name, denial.ino)) \
        or "the %s" % denial.tclass
    return where


def _audit2allow_note(denial):
    return ("audit2allow would write `%s`, which allows it for every %s labelled %s, not "
            "just this one." % (format_rule(denial.stype, denial.ttype, denial.tclass, denial.perms),
                                denial.tclass, denial.ttype))


# -- 1. labels ----------------------------------------------------------------------------
def exec_label(denial, view):
    """A service binary that kept a label it was given elsewhere (mv keeps labels): systemd
    (init_t) or another domain may not execute a user_home_t/user_tmp_t/... file."""
    if denial.tclass != "file" or not (set(denial.perms) & (K.EXEC_PERMS | {"map"})):
        return []
    if denial.ttype not in K.MISPLACED_TYPES and not (
            denial.stype == "init_t" and denial.ttype not in K.SERVICE_EXEC_TYPES):
        return []
    systemd = denial.stype == "init_t"
    path = denial.path
    expected = view.default_type(path) if path else None
    fix, notes = [], []
    confidence = "high"
    if path:
        directory = posixpath.dirname(path)
        if expected and expected != denial.ttype and (expected in K.SERVICE_EXEC_TYPES or not systemd):
            fix.append(_restorecon(path))
            title = "%s is labelled %s; its directory's label is %s: restorecon fixes it" % (
                path, denial.ttype, expected)
        elif expected is None and path.startswith(("/usr/bin/", "/usr/sbin/", "/usr/local/bin/",
                                                   "/usr/local/sbin/", "/usr/libexec/")):
            fix.append(_restorecon(path))
            title = "%s is labelled %s instead of bin_t: restorecon fixes it" % (path, denial.ttype)
        else:
            fix.extend(_fcontext(directory, "bin_t"))
            fix.append(Action.note("or install the binary under /usr/local/bin (cp, or mv then "
                                   "restorecon), where it is labelled bin_t"))
            title = "%s is labelled %s and %s is not a place for programs: label the directory bin_t" % (
                path, denial.ttype, directory)
    else:
        confidence = "medium"
        name = denial.name or "the program"
        fix.append(Action.note("find the file: `systemctl cat UNIT` (ExecStart=), or "
                               "`find / -xdev -inum %s -name %s` (inode from the denial)" % (
                                   denial.ino or "INODE", name)))
        fix.append(Action.note("then `restorecon -v PATH` if it is in a standard bin directory, "
                               "else `semanage fcontext -a -t bin_t 'DIR(/.*)?'` and "
                               "`restorecon -Rv DIR`"))
        title = "%s is labelled %s, which %s may not execute: relabel it" % (
            name, denial.ttype, "systemd" if systemd else denial.stype)
    why = ("%s may not execute files labelled %s.  A file keeps the label of the place it was "
           "created: `mv` from a home directory or /tmp keeps user_home_t/user_tmp_t, while "
           "`cp` (or install) gives it the label of its new directory.  %s" % (
               "systemd (init_t)" if systemd else denial.stype, denial.ttype,
               _audit2allow_note(denial)))
    notes.append("mv keeps labels, cp does not")
    if systemd:
        notes.append("as bin_t the service runs as unconfined_service_t (RHEL targeted policy)")
    notes.extend(view.label_notes(path))
    return [Explanation("exec_label", "SEL-AVC-EXEC-LABEL", RANK_LABEL, confidence, title, why, fix,
                        predicted_error="status=203/EXEC (systemd: Failed at step EXEC spawning "
                                        "...: Permission denied)" if systemd else None,
                        notes=notes)]


def _wanted_content_type(denial):
    prefix = denial.stype[:-2].split("_")[0] if denial.stype.endswith("_t") else denial.stype
    perms = set(denial.perms)
    need = "exec" if perms & K.EXEC_PERMS else "write" if perms & K.WRITE_PERMS else "read"
    return K.CONTENT_TYPES.get((prefix, need))


def file_label(denial, view):
    """A file or directory whose label is not the one its path should have (restorecon),
    or that sits in a place the service may not use (semanage fcontext for the directory)."""
    if denial.tclass not in ("file", "dir", "lnk_file", "sock_file", "fifo_file"):
        return []
    perms = set(denial.perms)
    if denial.tclass == "file" and perms & (K.EXEC_PERMS | {"map"}) and (
            denial.ttype in K.MISPLACED_TYPES or denial.stype == "init_t"):
        return []  # exec_label's case
    if denial.tclass == "file" and "execmod" in perms:
        return _textrel(denial, view)
    path = denial.path
    expected = view.default_type(path, denial.tclass) if path else None
    if path and expected and expected != denial.ttype:
        why = ("%s is labelled %s but the policy's file contexts say %s: it was moved (mv keeps "
               "labels) or created by something that did not label it.  %s" % (
                   path, denial.ttype, expected, _audit2allow_note(denial)))
        return [Explanation("file_label", "SEL-AVC-FILE-LABEL", RANK_LABEL, "high",
                            "%s is labelled %s, should be %s: restorecon" % (path, denial.ttype, expected),
                            why, [_restorecon(path, recursive=denial.tclass == "dir")],
                            notes=["mv keeps labels, cp does not"] +
                            view.label_notes(path, denial.tclass))]
    if denial.ttype not in K.MISPLACED_TYPES or denial.stype in K.USER_DOMAINS:
        return []
    wanted = _wanted_content_type(denial)
    candidates = []
    if view.sesearch and wanted is None:
        candidates = view.sesearch(denial.stype, denial.tclass, denial.perms[0]) or []
    if wanted is None and candidates:
        prefixed = [t for t in candidates if t.startswith(denial.stype[:-2])]
        wanted = (prefixed or candidates)[0]
    what = _what(denial)
    if path:
        directory = path if denial.tclass == "dir" else posixpath.dirname(path)
        fix = _fcontext(directory, wanted or "TYPE")
    else:
        fix = [Action.note("find it (`find / -xdev -inum %s`), then `semanage fcontext -a -t %s "
                           "'DIR(/.*)?'` and `restorecon -Rv DIR`" % (denial.ino or "INODE",
                                                                      wanted or "TYPE"))]
    why = ("%s is labelled %s, a type for %s, which %s may not use.  Keep the service's files "
           "in a directory labelled for it%s.  %s" % (
               what, denial.ttype, "users' files" if "home" in denial.ttype or "tmp" in denial.ttype
               else "unlabelled or generic files", denial.stype,
               " (%s)" % wanted if wanted else "", _audit2allow_note(denial)))
    return [Explanation("file_label", "SEL-AVC-FILE-LABEL", RANK_LABEL,
                        "high" if wanted and path else "medium",
                        "%s is labelled %s, which %s may not %s: label its directory %s" % (
                            what, denial.ttype, denial.stype, " ".join(denial.perms),
                            wanted or "with a type the service may use"), why, fix,
                        notes=(["types %s may %s: %s" % (denial.stype, denial.perms[0],
                                                          ", ".join(candidates[:8]))] if candidates else [])
                        + view.label_notes(path, denial.tclass))]


def _textrel(denial, view):
    path = denial.path
    if not path:
        return []
    why = ("%s has text relocations: loading it needs execmod, which the policy grants only "
           "to libraries labelled textrel_shlib_t.  Labelling this one library is narrower "
           "than any boolean.  (Go binaries do not use text relocations; this is a C library "
           "loaded through cgo or by another program.)" % path)
    return [Explanation("textrel_label", "SEL-AVC-FILE-LABEL", RANK_LABEL, "medium",
                        "%s needs execmod: label it textrel_shlib_t" % path, why,
                        [Action.command(["semanage", "fcontext", "-a", "-t", "textrel_shlib_t",
                                         path], description="record the label"),
                         _restorecon(path)],
                        notes=[K.NOT_BOOLEANS["execmod"]])]


# -- 2. ports -----------------------------------------------------------------------------
def port(denial, view):
    """name_bind / name_connect on a port whose type the domain may not use."""
    perms = set(denial.perms)
    if denial.tclass not in ("tcp_socket", "udp_socket", "sctp_socket") or not (
            perms & {"name_bind", "name_connect"}):
        return []
    proto = denial.tclass.split("_")[0]
    number = denial.port
    verb = "bind" if "name_bind" in perms else "connect to"
    perm = "name_bind" if "name_bind" in perms else "name_connect"
    wanted = K.DOMAIN_PORTS.get(denial.stype)
    candidates = []
    if view.sesearch and wanted is None:
        candidates = [t for t in (view.sesearch(denial.stype, "%s_socket" % proto, perm) or [])
                      if t.endswith("port_t") and t not in K.UNDEFINED_PORT_TYPES]
        if candidates and wanted not in candidates:
            prefixed = [t for t in candidates if t.startswith(denial.stype[:-2])]
            wanted = (prefixed or candidates)[0]
    current = denial.ttype
    defined = current not in K.UNDEFINED_PORT_TYPES
    if number is not None and not defined:
        known = view.port_type(number, proto)
        if known:
            current, defined = known, True
    port_text = str(number) if number is not None else "PORT"
    flag = "-m" if defined else "-a"
    fix = [Action.command(["semanage", "port", flag, "-t", wanted or "TYPE", "-p", proto, port_text],
                          description="give port %s the type %s may %s" % (
                              port_text, denial.stype, verb))]
    notes = []
    if defined:
        notes.append("port %s already has a type (%s), so `semanage port -a` fails with "
                     "\"already defined\": use -m" % (port_text, current))
    if not wanted:
        notes.append("find the port types %s may %s: sesearch -A -s %s -c %s_socket -p %s" % (
            denial.stype, verb, denial.stype, proto, perm))
    elif candidates:
        notes.append("port types %s may %s: %s" % (denial.stype, verb, ", ".join(candidates[:8])))
    why = ("%s may %s only ports of certain types; %s %s is %s.  Giving this one port a type "
           "the domain may use is narrower than a boolean (httpd_can_network_connect opens "
           "every port) or an allow rule for %s.  Or choose a port that already has that type." % (
               denial.stype, verb, proto, port_text, current, current))
    return [Explanation("port", "SEL-AVC-PORT", RANK_PORT, "high" if wanted and number else "medium",
                        "%s may not %s %s port %s (%s): %s" % (
                            denial.stype, verb, proto, port_text, current,
                            "semanage port %s -t %s" % (flag, wanted) if wanted else "label the port"),
                        why, fix, notes=notes)]


# -- 3. booleans --------------------------------------------------------------------------
def boolean(denial, view):
    """A real boolean that allows this access, with its current value."""
    out = []
    flavor = view.flavor
    for rhel, ref in K.boolean_candidates(denial):
        names = [n for n in (rhel, ref) if n]
        if view.booleans:
            present = [n for n in names if n in view.booleans]
            if not present:
                continue
            name = present[0]
        else:
            name = ref if flavor == "refpolicy" and ref else rhel or ref
        info = K.BOOLEANS.get(name)
        allow = info.allows_when if info else 1
        value = view.booleans.get(name)
        if value is not None and value[0] == allow and value[1] == allow:
            continue  # already set that way: it is not why this was denied
        state = ("now %s" % ("on" if value[0] else "off")) if value is not None else "value unknown"
        notes = []
        other = ref if name == rhel else rhel
        if other and other != name:
            notes.append("the %s policy calls it %s" % (
                "reference (Debian)" if other == ref else "RHEL/Fedora", other))
        if "execmem" in denial.perms:
            notes.append(K.NOT_BOOLEANS["go_execmem"])
        if "execmod" in denial.perms:
            notes.append(K.NOT_BOOLEANS["execmod"])
        why = "%s (%s; %s)." % (info.meaning if info else name, state,
                                info.source if info else "policy")
        out.append(Explanation(
            "boolean", "SEL-AVC-BOOLEAN", RANK_BOOLEAN, "medium" if value is None else "high",
            "boolean %s allows it (%s): setsebool -P %s %s" % (
                name, state, name, "on" if allow else "off"), why,
            [Action.command(["setsebool", "-P", name, "on" if allow else "off"],
                            description="persistent; broader than a label or port fix",
                            safe=False)], notes=notes))
    return out


# -- 4. module ----------------------------------------------------------------------------
def module(denial, view):
    rule = format_rule(denial.stype, denial.ttype, denial.tclass, denial.perms)
    why = ("No label, port or boolean explains it: a local policy module with exactly this "
           "rule allows it and nothing else.  Check first that the access is wanted.")
    return [Explanation("module", "SEL-AVC-MODULE", RANK_MODULE, "low",
                        "no narrower fix: a minimal module with `%s`" % rule, why,
                        [Action.command(["gotriage", "avc", "--module", "local_NAME"],
                                        description="write the module and the commands to build "
                                                    "and load it", safe=False)])]


# -- audit2why's verdict ------------------------------------------------------------------
def _boolean_of(explanation):
    argv = explanation.fix[0].argv if explanation.fix else None
    return argv[2] if argv and argv[:2] == ["setsebool", "-P"] and len(argv) == 4 else None


def _audit2why_boolean(denial, view, name, value, description):
    """An explanation for a boolean audit2why names and the boolean analyzer did not."""
    current = view.booleans.get(name)
    state = ("now %s" % ("on" if current[0] else "off")) if current is not None else "value unknown"
    notes = []
    confidence = "medium"
    if current is not None and current[0] == value:
        confidence = "low"
        notes.append("it is already %s here: the denial was logged before it was set, or the "
                     "running value differs from the policy file's" % ("on" if value else "off"))
    why = "%s (%s; named by audit2why from %s)." % (
        description or "boolean %s" % name, state, view.audit2why_policy)
    e = Explanation("audit2why", "SEL-AVC-BOOLEAN", RANK_BOOLEAN, confidence,
                    "boolean %s allows it (%s; audit2why): setsebool -P %s %s" % (
                        name, state, name, "on" if value else "off"), why,
                    [Action.command(["setsebool", "-P", name, "on" if value else "off"],
                                    description="persistent; broader than a label or port fix",
                                    safe=False)], notes=notes)
    e.audit2why = ADDED
    return e


def _constraint(denial, view, verdict):
    """audit2why says a constraint denies it: the type rules allow it, so no allow rule,
    module or boolean can; the SELinux user, role or level of one side is what differs."""
    causes = "; ".join(verdict.causes) or "see the constraint"
    fix = []
    if denial.path and denial.tclass in LABEL_CLASSES:
        fix.append(Action.command(["restorecon", "-F", "-v", denial.path],
                                  description="if the file's SELinux user, role or level is not "
                                              "the policy's: reset the whole context, not only "
                                              "the type"))
    fix.append(Action.note("or run the program as the SELinux user, role or level the constraint "
                           "accepts (`ps -eZ`, `id -Z`, semanage login/user); an allow rule, a "
                           "module or a boolean cannot fix a constraint"))
    why = ("audit2why (policy %s) says this is a constraint violation: the type enforcement "
           "rules allow %s this access on %s, but a constrain/mlsconstrain rule compares the "
           "SELinux users, roles or levels of %s and %s and refuses it.%s" % (
               view.audit2why_policy, denial.stype, denial.ttype, denial.scontext,
               denial.tcontext, "  The rule: %s" % verdict.constraint[:600] if verdict.constraint
               else ""))
    e = Explanation("constraint", "SEL-AVC-CONSTRAINT", RANK_LABEL, "high",
                    "a policy constraint forbids it (%s): an allow rule will not fix it" % causes,
                    why, fix)
    e.audit2why = CONFIRMED
    return e


def review(denial, explanations, view):
    """The explanations checked against audit2why's verdict on the denial (when it ran):
    each says whether audit2why confirmed it; booleans it names are added; a constraint
    violation replaces the module.  Without a verdict they are returned unchanged."""
    verdict = view.verdicts.get(denial.key)
    if verdict is None:
        return explanations
    said = "audit2why (%s): %s" % (view.audit2why_policy, verdict.summary())
    reason = verdict.reason
    out = []
    if reason == "constraint":
        out.append(_constraint(denial, view, verdict))
    for e in explanations:
        name = _boolean_of(e) if e.analyzer == "boolean" else None
        if reason == "boolean":
            if e.rank == RANK_MODULE:
                continue  # a boolean is narrower than a module, and audit2why names it
            if name is not None:
                e.audit2why = CONFIRMED if name in verdict.boolean_names else CONTRADICTED
                other = [n for pair in K.boolean_candidates(denial) if name in pair
                         for n in pair if n and n != name and n in verdict.boolean_names]
                if other:
                    e.notes.append("this policy calls it %s (audit2why): %s may not exist here" % (
                        other[0], name))
            else:
                e.audit2why = NEUTRAL
                said_here = said + " (broader than this fix)"
                e.notes.append(said_here)
                out.append(e)
                continue
        elif reason == "te-rule":
            e.audit2why = CONTRADICTED if name is not None else CONFIRMED
        elif reason == "constraint":
            if e.rank == RANK_MODULE:
                continue  # no allow rule can fix a constraint
            e.audit2why = CONTRADICTED  # the type rules allow it: neither type nor boolean is why
        else:
            e.audit2why = NEUTRAL
        if e.audit2why == CONTRADICTED:
            e.confidence = "low"
        e.notes.append(said)
        out.append(e)
    if reason == "boolean":
        ours = set(_boolean_of(e) for e in out if e.analyzer == "boolean")
        for name, value, description in verdict.booleans:
            if name not in ours:
                out.append(_audit2why_boolean(denial, view, name, value, description))
    out.sort(key=lambda e: e.rank)
    return out or explanations


ANALYZERS = (exec_label, file_label, port, boolean)


def explain(denial, view):
    """Every explanation of a denial, narrowest fix first (the module last), reviewed
    against audit2why's verdict when there is one."""
    out = []
    for analyzer in ANALYZERS:
        out.extend(analyzer(denial, view))
    out.sort(key=lambda e: e.rank)
    if not out:
        out.extend(module(denial, view))
    out = review(denial, out, view)
    if view.types:
        for explanation in out:
            check_types(explanation, view.types, view.policy_name)
    return out


def check_types(explanation, types, policy_name=None):
    """A fix that names a type the loaded policy does not have (seinfo's list) would fail:
    `semanage ... -t X` answers `ValueError: Type X is invalid`.  Say so, and lower the
    explanation's confidence (the type came from the knowledge table of another policy)."""
    missing = []
    for action in explanation.fix:
        argv = action.argv or []
        for i, word in enumerate(argv[:-1]):
            name = argv[i + 1]
            if word == "-t" and name != "TYPE" and name not in types and name not in missing:
                missing.append(name)
    if missing:
        explanation.confidence = "low"
        explanation.notes.append(
            "seinfo: %s %s not a type of the loaded policy%s, so the command would fail "
            "(`Type %s is invalid`); use a type this policy has (seinfo -t NAME, or sesearch)"
            % (", ".join(missing), "is" if len(missing) == 1 else "are",
               " (%s)" % policy_name if policy_name else "", missing[0]))


def needs_module(explanations):
    return bool(explanations) and explanations[0].rank == RANK_MODULE


_WORD = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def valid_module_name(name):
    return bool(_WORD.match(name or ""))
