"""One small analyzer per denial pattern, in the spirit of setroubleshoot's plugins,
ranked so that the narrowest fix comes first:

  1. the file has the wrong label        restorecon, or semanage fcontext + restorecon
  2. the port has no type the domain may use    semanage port -a (an unlabelled port),
                                         -m (only a port the user labelled), or a
                                         module for a port another service owns
  3. a real boolean allows it            setsebool -P NAME VALUE (with its current value)
  4. nothing narrower: a minimal module  gotriage avc LOG... --module gotriage_local
  5. a boolean that changes every domain (deny_execmem, allow_ypbind...): last, marked
     "affects the whole host"

Nothing here weakens or breaks the host to fix one service: a port type that belongs to
another service is never changed (its owner would lose it), a directory the policy
labels for a module, a system directory or a home directory is never retyped with
semanage fcontext, and every command names the host's own values (no placeholder).

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
from gotriage.i18n import N_, _, ngettext
from gotriage.knowledge import selinux as K
from gotriage.selinux.explanation import (  # noqa: F401  (names the callers import from here)
    ADDED,
    CONFIRMED,
    CONTRADICTED,
    LABEL_CLASSES,
    MODULE_NAME,
    NEUTRAL,
    RANK_BOOLEAN,
    RANK_HOST_WIDE,
    RANK_LABEL,
    RANK_MODULE,
    RANK_PORT,
    Explanation,
    View,
    _context_type,
    _home_dir,
    _module_action,
    _restorecon,
    unlabelable,
)
from gotriage.selinux.logfile import log_file
from gotriage.selinux.rules import format_rule


def _fcontext(directory, ftype):
    pattern = "%s(/.*)?" % directory.rstrip("/")
    return [Action.command(["semanage", "fcontext", "-a", "-t", ftype, pattern],
                           description=_("record the label for the directory (persistent, "
                                         "survives a relabel)")),
            Action.command(["restorecon", "-Rv", directory], description=_("apply it"))]


def _what(denial):
    where = denial.path or (denial.name and _("%(name)s (name only; inode %(ino)s)") % {
        "name": denial.name, "ino": denial.ino}) or _("the %(class)s") % {"class": denial.tclass}
    return where


def _find_command(denial):
    """A concrete `find` for a file the denial names only by name and inode."""
    argv = ["find", "/", "-xdev"]
    if denial.ino:
        argv += ["-inum", str(denial.ino)]
    if denial.name:
        argv += ["-name", denial.name]
    return argv if len(argv) > 3 else None


def _audit2allow_note(denial):
    return _("audit2allow would write `%(rule)s`, which allows it for every %(class)s labelled "
             "%(type)s, not just this one.") % {
                 "rule": format_rule(denial.stype, denial.ttype, denial.tclass, denial.perms),
                 "class": denial.tclass, "type": denial.ttype}


# -- 1. labels ----------------------------------------------------------------------------
def _install_elsewhere(path):
    """Copy a program to /usr/local/bin, where it gets bin_t (cp and install label a new
    file for its directory; mv keeps the old label)."""
    target = "/usr/local/bin/" + posixpath.basename(path)
    return [Action.command(["install", "-m", "0755", path, target],
                           description=_("copy it where programs are labelled bin_t, then "
                                         "point the unit's ExecStart= at %(path)s") % {
                                             "path": target}, safe=False),
            Action.command(["restorecon", "-v", target], description=_("make sure of its label"))]


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
    instead = None  # (label, type, place, why) when the fix does not give the path its own label
    runner = "systemd" if systemd else denial.stype
    if path:
        directory = posixpath.dirname(path)
        refused = unlabelable(directory, view)
        if expected and expected != denial.ttype and (expected in K.SERVICE_EXEC_TYPES or not systemd):
            fix.append(_restorecon(path))
            title = _("%(path)s is labelled %(type)s; its directory's label is %(expected)s: "
                      "restorecon fixes it") % {"path": path, "type": denial.ttype,
                                                "expected": expected}
        elif expected is None and path.startswith(("/usr/bin/", "/usr/sbin/", "/usr/local/bin/",
                                                   "/usr/local/sbin/", "/usr/libexec/")):
            fix.append(_restorecon(path))
            title = _("%(path)s is labelled %(type)s instead of bin_t: restorecon fixes it") % {
                "path": path, "type": denial.ttype}
        elif refused is None:
            fix.extend(_fcontext(directory, "bin_t"))
            fix.append(Action.note(_("or install the binary under /usr/local/bin (cp, or mv then "
                                     "restorecon), where it is labelled bin_t")))
            title = _("%(path)s is labelled %(type)s and %(directory)s is not a place for "
                      "programs: label the directory bin_t") % {
                          "path": path, "type": denial.ttype, "directory": directory}
            instead = (denial.ttype, "bin_t", _("%(path)s (and all below it)") % {"path": directory},
                       _("%(runner)s may not execute %(type)s; it may execute bin_t") % {
                           "runner": runner, "type": expected or denial.ttype})
        else:
            fix.extend(_install_elsewhere(path))
            notes.append(_("%(path)s is not relabelled: %(why)s") % {
                "path": directory, "why": refused})
            instead = (denial.ttype, "bin_t", _("its copy /usr/local/bin/%(name)s") % {
                "name": posixpath.basename(path)},
                       _("%(path)s is not relabelled") % {"path": directory})
            title = _("%(path)s is labelled %(type)s in %(directory)s, which is no place for "
                      "programs: install it under /usr/local/bin") % {
                          "path": path, "type": denial.ttype, "directory": directory}
    else:
        confidence = "medium"
        name = denial.name or _("the program")
        find = _find_command(denial)
        if find:
            fix.append(Action.command(find, description=_(
                "find the file (name and inode from the denial); the unit's ExecStart= names it "
                "too")))
        else:
            fix.append(Action.note(_("find the file: the failed unit's ExecStart= names it "
                                     "(`systemctl cat` that unit)")))
        fix.append(Action.note(_("then restorecon -v on it if it is in a standard bin directory; "
                                 "elsewhere install it under /usr/local/bin (install -m 0755), "
                                 "where programs are labelled bin_t")))
        title = _("%(name)s is labelled %(type)s, which %(runner)s may not execute: relabel it") % {
            "name": name, "type": denial.ttype, "runner": "systemd" if systemd else denial.stype}
    why = _("%(runner)s may not execute files labelled %(type)s.  A file keeps the label of the "
            "place it was created: `mv` from a home directory or /tmp keeps "
            "user_home_t/user_tmp_t, while `cp` (or install) gives it the label of its new "
            "directory.  %(audit2allow)s") % {
                "runner": "systemd (init_t)" if systemd else denial.stype, "type": denial.ttype,
                "audit2allow": _audit2allow_note(denial)}
    notes.append(_(MV_KEEPS_LABELS))
    if systemd:
        notes.append(_("as bin_t the service runs as unconfined_service_t (RHEL targeted "
                       "policy)"))
    notes.extend(view.label_notes(path, instead=instead))
    return [Explanation("exec_label", "SEL-AVC-EXEC-LABEL", RANK_LABEL, confidence, title, why, fix,
                        predicted_error="status=203/EXEC (systemd: Failed at step EXEC spawning "
                                        "...: Permission denied)" if systemd else None,
                        notes=notes)]


MV_KEEPS_LABELS = N_("mv keeps labels, cp does not")

# Types a domain's files may not be labelled with: programs, ports, and what the domain
# itself creates at run time (init_t may read init_runtime_t: systemd's, under /run).
NOT_CONTENT = ("_exec_t", "_port_t", "_runtime_t", "_var_run_t", "_tmp_t", "_tmpfs_t", "_lock_t")


def _wanted_content_type(denial):
    prefix = denial.stype[:-2].split("_")[0] if denial.stype.endswith("_t") else denial.stype
    perms = set(denial.perms)
    need = "exec" if perms & K.EXEC_PERMS else "write" if perms & K.WRITE_PERMS else "read"
    return K.CONTENT_TYPES.get((prefix, need))


def file_label(denial, view):
    """A file or directory whose label is not the one its path should have (restorecon),
    or that sits in a place the service may not use (semanage fcontext for the directory,
    when the directory is the service's own: never a system, home or module-owned one)."""
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
        why = _("%(path)s is labelled %(type)s but the policy's file contexts say %(expected)s: "
                "it was moved (mv keeps labels) or created by something that did not label it.  "
                "%(audit2allow)s") % {"path": path, "type": denial.ttype, "expected": expected,
                                      "audit2allow": _audit2allow_note(denial)}
        return [Explanation("file_label", "SEL-AVC-FILE-LABEL", RANK_LABEL, "high",
                            _("%(path)s is labelled %(type)s, should be %(expected)s: restorecon")
                            % {"path": path, "type": denial.ttype, "expected": expected},
                            why, [_restorecon(path, recursive=denial.tclass == "dir")],
                            notes=[_(MV_KEEPS_LABELS)] +
                            view.label_notes(path, denial.tclass))]
    if denial.ttype not in K.MISPLACED_TYPES or denial.stype in K.USER_DOMAINS:
        return []
    wanted = _wanted_content_type(denial)
    candidates = []
    if view.sesearch and wanted is None and denial.stype not in K.SYSTEM_DOMAINS:
        candidates = view.sesearch(denial.stype, denial.tclass, denial.perms[0]) or []
    if wanted is None and candidates:
        # only a content type of the domain's own (httpd_t: httpd_*): any other type it
        # may read belongs to something else (init_t may read initrc_exec_t, a program's)
        own = [t for t in candidates if t.startswith(denial.stype[:-2] + "_")
               and not t.endswith(NOT_CONTENT)]
        wanted = own[0] if own else None
    what = _what(denial)
    search = ["sesearch", "-A", "-s", denial.stype, "-c", denial.tclass, "-p", denial.perms[0]]
    notes = []
    instead = None  # (label, type, place, why): the fix does not give the path its own label
    if path:
        directory = path if denial.tclass == "dir" else posixpath.dirname(path)
        refused = unlabelable(directory, view)
        if refused is not None and denial.tclass == "dir":
            return []  # the directory itself is not the service's to relabel
        unusable = _("%(domain)s may not %(perms)s %(type)s") % {
            "domain": denial.stype, "perms": " ".join(denial.perms),
            "type": expected or denial.ttype}
        if refused is not None:
            fix = [Action.note((_("move %(path)s into a directory of the service's own and label "
                                  "that directory with semanage fcontext -a -t %(type)s, then "
                                  "restorecon -Rv it") if wanted else
                                _("move %(path)s into a directory of the service's own and label "
                                  "that directory with semanage fcontext, then restorecon -Rv "
                                  "it")) % {"path": path, "type": wanted})]
            notes.append(_("%(path)s is not relabelled: %(why)s") % {
                "path": directory, "why": refused})
            instead = (denial.ttype, wanted or _("a type the service may use"),
                       _("a directory of the service's own"), unusable)
        elif wanted:
            fix = _fcontext(directory, wanted)
            instead = (denial.ttype, wanted, _("%(path)s (and all below it)") % {"path": directory},
                       unusable)
        else:
            instead = (denial.ttype, _("a type %(domain)s may use (sesearch)") % {
                "domain": denial.stype},
                _("%(path)s (and all below it)") % {"path": directory}, unusable)
            fix = [Action.command(search, description=_("the types %(domain)s may %(perm)s: "
                                                        "choose one") % {
                                                            "domain": denial.stype,
                                                            "perm": denial.perms[0]}),
                   Action.note(_("then give %(path)s that type (semanage fcontext -a -t with the "
                                 "pattern '%(pattern)s(/.*)?') and apply it with restorecon -Rv "
                                 "%(path)s") % {"path": directory,
                                               "pattern": directory.rstrip("/")})]
    else:
        find = _find_command(denial)
        fix = [Action.command(find, description=_("find the file (name and inode from the "
                                                  "denial)"))] if find else []
        fix.append(Action.note((_("then label its directory %(type)s with semanage fcontext "
                                  "(unless it is a system or home directory) and restorecon -Rv "
                                  "it") if wanted else
                                _("then label its directory with a type the service may use with "
                                  "semanage fcontext (unless it is a system or home directory) "
                                  "and restorecon -Rv it")) % {"type": wanted}))
        if not wanted:
            fix.append(Action.command(search, description=_("the types %(domain)s may %(perm)s")
                                      % {"domain": denial.stype, "perm": denial.perms[0]}))
    users = "home" in denial.ttype or "tmp" in denial.ttype
    why = (_("%(what)s is labelled %(type)s, a type for users' files, which %(domain)s may not "
             "use.  Keep the service's files in a directory labelled for it%(wanted)s.  "
             "%(audit2allow)s") if users else
           _("%(what)s is labelled %(type)s, a type for unlabelled or generic files, which "
             "%(domain)s may not use.  Keep the service's files in a directory labelled for "
             "it%(wanted)s.  %(audit2allow)s")) % {
               "what": what, "type": denial.ttype, "domain": denial.stype,
               "wanted": " (%s)" % wanted if wanted else "",
               "audit2allow": _audit2allow_note(denial)}
    if candidates:
        notes.append(_("types %(domain)s may %(perm)s: %(types)s") % {
            "domain": denial.stype, "perm": denial.perms[0], "types": ", ".join(candidates[:8])})
    return [Explanation("file_label", "SEL-AVC-FILE-LABEL", RANK_LABEL,
                        "high" if wanted and path and not notes else "medium",
                        (_("%(what)s is labelled %(type)s, which %(domain)s may not %(perms)s: "
                           "label its directory %(wanted)s")
                         if wanted and fix[0].kind == "command" else
                         _("%(what)s is labelled %(type)s, which %(domain)s may not %(perms)s: "
                           "keep it in a directory labelled for the service")) % {
                               "what": what, "type": denial.ttype, "domain": denial.stype,
                               "perms": " ".join(denial.perms), "wanted": wanted}, why, fix,
                        notes=notes + view.label_notes(path, denial.tclass, instead))]


def _textrel(denial, view):
    path = denial.path
    if not path:
        return []
    owner = view.default_type(path, "file")
    if owner == "textrel_shlib_t" and denial.ttype != owner:
        why = _("%(path)s has text relocations: loading it needs execmod, which the policy "
                "grants to libraries labelled textrel_shlib_t, and the policy's file contexts "
                "already label this one so; it lost the label (mv, or unpacked without it).") % {
                    "path": path}
        return [Explanation("textrel_label", "SEL-AVC-FILE-LABEL", RANK_LABEL, "high",
                            _("%(path)s is labelled %(type)s, should be textrel_shlib_t: "
                              "restorecon") % {"path": path, "type": denial.ttype},
                            why, [_restorecon(path)],
                            notes=[_(K.NOT_BOOLEANS["execmod"])] + view.label_notes(path))]
    if owner is not None and owner not in K.GENERIC_FILE_TYPES:
        return []  # the policy labels it for a module: not retyped (the boolean or a module)
    why = _("%(path)s has text relocations: loading it needs execmod, which the policy grants "
            "only to libraries labelled textrel_shlib_t.  Labelling this one library is narrower "
            "than any boolean.  (Go binaries do not use text relocations; this is a C library "
            "loaded through cgo or by another program.)") % {"path": path}
    return [Explanation("textrel_label", "SEL-AVC-FILE-LABEL", RANK_LABEL, "medium",
                        _("%(path)s needs execmod: label it textrel_shlib_t") % {"path": path}, why,
                        [Action.command(["semanage", "fcontext", "-a", "-t", "textrel_shlib_t",
                                         path], description=_("record the label")),
                         _restorecon(path)],
                        notes=[_(K.NOT_BOOLEANS["execmod"])])]


# -- 2. ports -----------------------------------------------------------------------------
def port(denial, view):
    """name_bind / name_connect on a port whose type the domain may not use.  An unlabelled
    port (unreserved_port_t, reserved_port_t...) gets the type the domain may use; one the
    user labelled may be relabelled; one that belongs to another service is left alone:
    a module allows exactly this access to its type."""
    perms = set(denial.perms)
    if denial.tclass not in ("tcp_socket", "udp_socket", "sctp_socket") or not (
            perms & {"name_bind", "name_connect"}):
        return []
    proto = denial.tclass.split("_")[0]
    number = denial.port
    binds = "name_bind" in perms
    verb = "bind" if binds else "connect to"
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
    if number is not None and current in K.UNDEFINED_PORT_TYPES:
        current = view.port_type(number, proto) or current
    search = ["sesearch", "-A", "-s", denial.stype, "-c", "%s_socket" % proto, "-p", perm]
    if current not in K.UNDEFINED_PORT_TYPES:
        own = number is not None and view.local_port_type(number, proto) == current
        if not own:
            return [_owned_port(denial, view, proto, number, verb, current)]
    port_text = str(number) if number is not None else None
    flag = "-a" if current in K.UNDEFINED_PORT_TYPES else "-m"
    fix, notes = [], []
    if wanted and port_text:
        fix.append(Action.command(["semanage", "port", flag, "-t", wanted, "-p", proto, port_text],
                                  description=(_("give port %(port)s the type %(domain)s may bind")
                                               if binds else
                                               _("give port %(port)s the type %(domain)s may "
                                                 "connect to")) % {
                                                   "port": port_text, "domain": denial.stype}))
    else:
        if not wanted:
            fix.append(Action.command(search, description=(
                _("the port types %(domain)s may bind") if binds else
                _("the port types %(domain)s may connect to")) % {"domain": denial.stype}))
        if port_text:
            fix.append(Action.note(_("then give port %(port)s one of them (`semanage port -a -t` "
                                     "with the type, `-p %(proto)s %(port)s`)") % {
                                         "port": port_text, "proto": proto}))
        else:
            fix.append(Action.note((_("the denial does not record the port (the program's "
                                      "configuration names it): give it %(type)s with `semanage "
                                      "port -a -t`, `-p %(proto)s` and the number, if no service "
                                      "owns it (`semanage port -l`)") if wanted else
                                    _("the denial does not record the port (the program's "
                                      "configuration names it): give it one of those types with "
                                      "`semanage port -a -t`, `-p %(proto)s` and the number, if no "
                                      "service owns it (`semanage port -l`)")) % {
                                          "type": wanted, "proto": proto}))
    if flag == "-m":
        notes.append(_("port %(port)s is %(type)s by your own `semanage port` (semanage port -l "
                       "-C), so -m changes only your label") % {"port": port_text, "type": current})
    if wanted and candidates:
        notes.append((_("port types %(domain)s may bind: %(types)s") if binds else
                      _("port types %(domain)s may connect to: %(types)s")) % {
                          "domain": denial.stype, "types": ", ".join(candidates[:8])})
    why = (_("%(domain)s may bind only ports of certain types; %(proto)s %(port)s is %(type)s, a "
             "type no service owns.  Giving this one port a type the domain may use is narrower "
             "than a boolean (httpd_can_network_connect opens every port) or an allow rule for "
             "%(type)s.  Or choose a port that already has that type.") if binds else
           _("%(domain)s may connect to only ports of certain types; %(proto)s %(port)s is "
             "%(type)s, a type no service owns.  Giving this one port a type the domain may use "
             "is narrower than a boolean (httpd_can_network_connect opens every port) or an allow "
             "rule for %(type)s.  Or choose a port that already has that type.")) % {
                 "domain": denial.stype, "proto": proto,
                 "port": port_text or _("(port not recorded)"), "type": current}
    return [Explanation("port", "SEL-AVC-PORT", RANK_PORT, "high" if wanted and port_text else "medium",
                        (_("%(domain)s may not bind %(proto)s port %(port)s (%(type)s): %(fix)s")
                         if binds else
                         _("%(domain)s may not connect to %(proto)s port %(port)s (%(type)s): "
                           "%(fix)s")) % {
                             "domain": denial.stype, "proto": proto,
                             "port": port_text or _("(not recorded)"), "type": current,
                             "fix": "semanage port %s -t %s" % (flag, wanted) if wanted and port_text
                             else _("label the port")},
                        why, fix, notes=notes)]


def _owned_port(denial, view, proto, number, verb, current):
    """The port's type belongs to another service: never retype it (every domain that uses
    the port would lose it); a module allows exactly this domain this access to it."""
    port_text = str(number) if number is not None else _("(not recorded)")
    rule = format_rule(denial.stype, current, denial.tclass, denial.perms)
    binds = verb == "bind"
    values = {"proto": proto, "port": port_text, "type": current, "rule": rule,
              "domain": denial.stype}
    why = (_("%(proto)s %(port)s is %(type)s, a type the policy gives another service: `semanage "
             "port -m` would take the port from every domain that uses it (its own service "
             "breaks).  A module with exactly `%(rule)s` lets %(domain)s bind it and changes "
             "nothing else; a boolean below may allow it too.  Or move the service to a port no "
             "service owns.") if binds else
           _("%(proto)s %(port)s is %(type)s, a type the policy gives another service: `semanage "
             "port -m` would take the port from every domain that uses it (its own service "
             "breaks).  A module with exactly `%(rule)s` lets %(domain)s connect to it and "
             "changes nothing else; a boolean below may allow it too.  Or move the service to a "
             "port no service owns.")) % values
    return Explanation("port", "SEL-AVC-PORT", RANK_PORT, "medium",
                       (_("%(domain)s may not bind %(proto)s port %(port)s: it is %(type)s, "
                          "another service's port type; do not retype it, allow it with a module")
                        if binds else
                        _("%(domain)s may not connect to %(proto)s port %(port)s: it is %(type)s, "
                          "another service's port type; do not retype it, allow it with a "
                          "module")) % values,
                       why, [_module_action(view)], notes=[
                           _("never `semanage port -m` a port whose type belongs to another "
                             "service (%(type)s)") % {"type": current}], module=True)


# -- 3. booleans --------------------------------------------------------------------------
def setsebool_action(name, allow, description=None):
    """`setsebool -P NAME on|off`; a boolean that changes every domain carries the caution
    instead of `description` (by default: persistent, and broader than a label or port)."""
    value = "on" if allow else "off"
    if description is None:
        description = _("persistent; broader than a label or port fix")
    return Action.command(["setsebool", "-P", name, value], safe=False,
                          description=_(K.HOST_WIDE_CAUTION) if K.host_wide(name) else description)


def _boolean_title(name, state, allow, source=""):
    title = _("boolean %(name)s allows it (%(state)s%(source)s): setsebool -P %(name)s "
              "%(value)s") % {"name": name, "state": state, "source": source,
                              "value": "on" if allow else "off"}
    if K.host_wide(name):
        title += _("; it affects the whole host")
    return title


def boolean(denial, view):
    """A real boolean that allows this access, with its current value; one that changes
    every domain ranks last, with its caution."""
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
        state = (_("now %(value)s") % {"value": "on" if value[0] else "off"}) \
            if value is not None else _("value unknown")
        notes = []
        other = ref if name == rhel else rhel
        if other and other != name:
            notes.append((_("the reference (Debian) policy calls it %(name)s") if other == ref else
                          _("the RHEL/Fedora policy calls it %(name)s")) % {"name": other})
        if "execmem" in denial.perms:
            notes.append(_(K.NOT_BOOLEANS["go_execmem"]))
        if "execmod" in denial.perms:
            notes.append(_(K.NOT_BOOLEANS["execmod"]))
        wide = K.host_wide(name)
        if wide:
            notes.append(_(K.HOST_WIDE_CAUTION))
        why = _("%(meaning)s (%(state)s; %(source)s).") % {
            "meaning": _(info.meaning) if info else name, "state": state,
            "source": info.source if info else _("policy")}
        out.append(Explanation(
            "boolean", "SEL-AVC-BOOLEAN", RANK_HOST_WIDE if wide else RANK_BOOLEAN,
            "medium" if value is None else "high", _boolean_title(name, state, allow), why,
            [setsebool_action(name, allow)], notes=notes))
    return out


# -- 4. module ----------------------------------------------------------------------------
def module(denial, view):
    rule = format_rule(denial.stype, denial.ttype, denial.tclass, denial.perms)
    why = _("No label, port or boolean that changes only this service explains it: a local "
            "policy module with exactly this rule allows it and nothing else.  Check first "
            "that the access is wanted.")
    return [Explanation("module", "SEL-AVC-MODULE", RANK_MODULE, "low",
                        _("no narrower fix: a minimal module with `%(rule)s`") % {"rule": rule}, why,
                        [_module_action(view)], module=True)]


# -- audit2why's verdict ------------------------------------------------------------------
def _boolean_of(explanation):
    argv = explanation.fix[0].argv if explanation.fix else None
    return argv[2] if argv and argv[:2] == ["setsebool", "-P"] and len(argv) == 4 else None


def _audit2why_boolean(denial, view, name, value, description):
    """An explanation for a boolean audit2why names and the boolean analyzer did not."""
    current = view.booleans.get(name)
    state = (_("now %(value)s") % {"value": "on" if current[0] else "off"}) \
        if current is not None else _("value unknown")
    notes = []
    confidence = "medium"
    if current is not None and current[0] == value:
        confidence = "low"
        notes.append(_("it is already %(value)s here: the denial was logged before it was set, or "
                       "the running value differs from the policy file's") % {
                           "value": "on" if value else "off"})
    why = _("%(meaning)s (%(state)s; named by audit2why from %(policy)s).") % {
        "meaning": description or _("boolean %(name)s") % {"name": name}, "state": state,
        "policy": view.audit2why_policy}
    wide = K.host_wide(name)
    if wide:
        notes.append(_(K.HOST_WIDE_CAUTION))
    e = Explanation("audit2why", "SEL-AVC-BOOLEAN", RANK_HOST_WIDE if wide else RANK_BOOLEAN,
                    confidence, _boolean_title(name, state, value, "; audit2why"), why,
                    [setsebool_action(name, value)], notes=notes)
    e.audit2why = ADDED
    return e


def _constraint(denial, view, verdict):
    """audit2why says a constraint denies it: the type rules allow it, so no allow rule,
    module or boolean can; the SELinux user, role or level of one side is what differs."""
    causes = "; ".join(verdict.causes) or "see the constraint"
    fix = []
    if denial.path and denial.tclass in LABEL_CLASSES:
        fix.append(Action.command(["restorecon", "-F", "-v", denial.path],
                                  description=_("if the file's SELinux user, role or level is not "
                                                "the policy's: reset the whole context, not only "
                                                "the type")))
    fix.append(Action.note(_("or run the program as the SELinux user, role or level the "
                             "constraint accepts (`ps -eZ`, `id -Z`, semanage login/user); an "
                             "allow rule, a module or a boolean cannot fix a constraint")))
    why = _("audit2why (policy %(policy)s) says this is a constraint violation: the type "
            "enforcement rules allow %(domain)s this access on %(type)s, but a "
            "constrain/mlsconstrain rule compares the SELinux users, roles or levels of "
            "%(source)s and %(target)s and refuses it.%(rule)s") % {
                "policy": view.audit2why_policy, "domain": denial.stype, "type": denial.ttype,
                "source": denial.scontext, "target": denial.tcontext,
                "rule": _("  The rule: %(rule)s") % {"rule": verdict.constraint[:600]}
                if verdict.constraint else ""}
    e = Explanation("constraint", "SEL-AVC-CONSTRAINT", RANK_LABEL, "high",
                    _("a policy constraint forbids it (%(causes)s): an allow rule will not fix "
                      "it") % {"causes": causes},
                    why, fix)
    e.audit2why = CONFIRMED
    return e


def verdict_summary(verdict):
    """audit2why's verdict in its own words, and which of the booleans it names change
    every domain (audit2why does not say)."""
    wide = [name for name in verdict.boolean_names if K.host_wide(name)]
    return verdict.summary() + ("  [%s: affects the whole host]" % ", ".join(wide) if wide else "")


def review(denial, explanations, view):
    """The explanations checked against audit2why's verdict on the denial (when it ran):
    each says whether audit2why confirmed it; booleans it names are added; a constraint
    violation replaces the module.  Without a verdict they are returned unchanged."""
    verdict = view.verdicts.get(denial.key)
    if verdict is None:
        return explanations
    said = "audit2why (%s): %s" % (view.audit2why_policy, verdict_summary(verdict))
    reason = verdict.reason
    out = []
    if reason == "constraint":
        out.append(_constraint(denial, view, verdict))
    # a boolean audit2why names is narrower than a module unless it changes every domain
    narrow_boolean = any(not K.host_wide(n) for n in verdict.boolean_names)
    for e in explanations:
        name = _boolean_of(e) if e.analyzer == "boolean" else None
        if reason == "boolean":
            if e.analyzer == "module" and narrow_boolean:
                continue  # a boolean is narrower than a module, and audit2why names it
            if name is not None:
                e.audit2why = CONFIRMED if name in verdict.boolean_names else CONTRADICTED
                other = [n for pair in K.boolean_candidates(denial) if name in pair
                         for n in pair if n and n != name and n in verdict.boolean_names]
                if other:
                    e.notes.append(_("this policy calls it %(other)s (audit2why): %(name)s may "
                                     "not exist here") % {"other": other[0], "name": name})
            else:
                e.audit2why = NEUTRAL
                said_here = said + _(" (broader than this fix)")
                e.notes.append(said_here)
                out.append(e)
                continue
        elif reason == "te-rule":
            e.audit2why = CONTRADICTED if name is not None else CONFIRMED
        elif reason == "constraint":
            if e.module:
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


ANALYZERS = (log_file, exec_label, file_label, port, boolean)


def explain(denial, view):
    """Every explanation of a denial, narrowest fix first (the module after every fix
    for this service, booleans that change the whole host last), reviewed against
    audit2why's verdict when there is one."""
    out = []
    for analyzer in ANALYZERS:
        out.extend(analyzer(denial, view))
    if not any(e.rank < RANK_MODULE or e.module for e in out):
        out.extend(module(denial, view))
    out.sort(key=lambda e: e.rank)
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
        explanation.notes.append(ngettext(
            "seinfo: %(types)s is not a type of the loaded policy%(policy)s, so the command would "
            "fail (`Type %(first)s is invalid`); use a type this policy has (seinfo -t NAME, or "
            "sesearch)",
            "seinfo: %(types)s are not a type of the loaded policy%(policy)s, so the command would "
            "fail (`Type %(first)s is invalid`); use a type this policy has (seinfo -t NAME, or "
            "sesearch)", len(missing)) % {
                "types": ", ".join(missing), "policy": " (%s)" % policy_name if policy_name else "",
                "first": missing[0]})


def needs_module(explanations):
    """True when the best explanation is a module (nothing narrower, or a port that
    belongs to another service)."""
    return bool(explanations) and explanations[0].module


_WORD = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def valid_module_name(name):
    return bool(_WORD.match(name or ""))
