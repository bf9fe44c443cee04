"""Denials grouped by their fix: what `gotriage avc` shows and what it and `check --layer
selinux` report is one finding per group, not one per distinct denial.

Two denials share a group when their narrowest explanations have the same id and the
same fix:

- `restorecon` on paths of one directory: the group's fix is one `restorecon -v` naming
  each path ("restorecon -v on 37 paths under /srv/app"); past RECURSIVE_PATHS paths in a
  directory that may be relabelled recursively (not a system or home directory),
  `restorecon -Rv DIR`;
- programs of one directory that may not be relabelled (/tmp), each installed under
  /usr/local/bin: their `install` commands, then one `restorecon -v` of the copies;
- any other fix whose actions are the same: the same `semanage fcontext` for a
  directory, the same boolean, the same `semanage port` on one port, and the module
  (every denial only a module fixes: one module holds all their rules, so one allow rule
  split over several permissions is one group, not one finding per permission).

Groups come commonest first within a severity (the caller orders them); a group's own
denials commonest first.
"""

import posixpath

from gotriage.findings import Action, too_wide
from gotriage.i18n import _, ngettext
from gotriage.selinux.rules import format_rule

RECURSIVE_PATHS = 24


def who(d):
    """The process of a denial in words: its command and program, else whichever of them
    the record has, else its domain (a USER_AVC of dbus-daemon has no comm).  systemd's
    child before it executes a unit's program is named "(PROGRAM)": systemd starting it."""
    comm, exe = d.comm, d.exe
    if comm and exe and comm.startswith("(") and comm.endswith(")") and len(comm) > 2 \
            and posixpath.basename(exe) == "systemd":
        return _("systemd (%(exe)s) starting %(program)s") % {"exe": exe, "program": comm[1:-1]}
    if d.comm and d.exe:
        return "%s (%s)" % (d.comm, d.exe)
    if d.comm or d.exe:
        return d.comm or d.exe
    return _("a process of domain %(domain)s") % {"domain": d.stype}


def target(d):
    """What a denial was about, in words: the path, the name (with its inode), the port,
    or the object's label."""
    if d.path:
        return "%s (%s)" % (d.path, d.ttype)
    if d.tclass in ("tcp_socket", "udp_socket", "sctp_socket") and d.port is not None:
        return _("%(protocol)s port %(port)s (%(type)s)") % {
            "protocol": d.tclass.split("_")[0], "port": d.port, "type": d.ttype}
    if d.name and d.ino:
        return _("%(name)s (name only, inode %(inode)s; %(type)s)") % {
            "name": d.name, "inode": d.ino, "type": d.ttype}
    if d.name:
        return _("%(name)s (name only; %(type)s)") % {"name": d.name, "type": d.ttype}
    if d.ttype == d.stype:
        return _("itself")
    return _("a %(class)s labelled %(type)s") % {"class": d.tclass, "type": d.ttype}


def sentence(d):
    """One denial in a sentence: 'billing-svc (/usr/local/bin/billing-svc) as httpd_t was
    denied file { getattr } on /home/alice/.config/billing-svc.toml (user_home_t)'."""
    return _("%(who)s as %(domain)s was denied %(class)s { %(perms)s } on %(target)s") % {
        "who": who(d), "domain": d.stype, "class": d.tclass, "perms": " ".join(d.perms),
        "target": target(d)}


def _restorecon_target(best):
    """(flags, path) when the fix is one `restorecon` of one path, else None."""
    fix = best.fix
    if len(fix) != 1 or fix[0].kind != "command":
        return None
    argv = fix[0].argv or []
    if len(argv) < 3 or argv[0] != "restorecon" or not argv[-1].startswith("/"):
        return None
    return tuple(argv[:-1]), argv[-1]


def _install_target(best):
    """The program path when the fix installs it under /usr/local/bin (a copy, then its
    restorecon), else None."""
    fix = best.fix
    if len(fix) != 2 or fix[0].kind != "command" or fix[1].kind != "command":
        return None
    argv = fix[0].argv or []
    if argv[:3] != ["install", "-m", "0755"] or len(argv) != 5 or (fix[1].argv or [""])[0] != "restorecon":
        return None
    return argv[3]


def _home_or_system(directory):
    parts = posixpath.normpath(directory).split("/")
    return (too_wide(["restorecon", "-R", directory]) is not None or directory == "/root"
            or (len(parts) == 3 and parts[1] == "home"))


class Group(object):
    """Denials whose narrowest explanation is the same fix.  `members` are
    (denial, explanations) pairs, commonest first."""

    __slots__ = ("key", "kind", "directory", "members", "_fix")

    def __init__(self, key, kind, directory=None):
        self.key = key
        self.kind = kind  # "restorecon", "install", "module" or "same"
        self.directory = directory  # of a restorecon or install group
        self.members = []
        self._fix = None

    @property
    def best(self):
        """The narrowest explanation of the group's commonest denial."""
        return self.members[0][1][0]

    @property
    def id(self):
        return self.best.id

    @property
    def denials(self):
        return [d for d, _ex in self.members]

    @property
    def records(self):
        return sum(d.count for d in self.denials)

    @property
    def logged_only(self):
        """Every denial of the group was logged, not blocked (permissive=1): its finding
        says so first and comes after the real blocks (checks/selinux.py); a group with
        one real block among them is a block (one allow rule stays one finding)."""
        return all(logged_only(d) for d in self.denials)

    @property
    def first(self):
        stamps = [d.first for d in self.denials if d.first is not None]
        return min(stamps) if stamps else None

    @property
    def last(self):
        stamps = [d.last for d in self.denials if d.last is not None]
        return max(stamps) if stamps else None

    @property
    def subject(self):
        """The subject of the group's finding: a denial's own key when it is alone (as
        before groups), else the group's key."""
        if len(self.members) == 1:
            return "|".join(str(x) for x in self.members[0][0].key)
        return "|".join(str(x) for x in self.key)

    def paths(self):
        """The distinct paths of the group's restorecon or install, in order."""
        out = []
        for _d, ex in self.members:
            path = (_install_target(ex[0]) if self.kind == "install"
                    else _restorecon_target(ex[0])[1])
            if path not in out:
                out.append(path)
        return out

    @property
    def fix(self):
        """The group's fix: its denials' common fix, one restorecon for all the paths of
        a restorecon group."""
        if self._fix is None:
            self._fix = self._make_fix()
        return self._fix

    def _make_fix(self):
        if self.kind not in ("restorecon", "install"):
            return list(self.best.fix)
        paths = self.paths()
        if len(paths) == 1:
            return list(self.best.fix)
        if self.kind == "install":
            fix, copies = [], []
            for _d, ex in self.members:
                if ex[0].fix[0].argv[3] not in [a.argv[3] for a in fix]:
                    fix.append(ex[0].fix[0])
                    copies.append(ex[0].fix[0].argv[4])
            return fix + [Action.command(["restorecon", "-v"] + copies,
                                         description=_("make sure of their labels"))]
        flags = list(_restorecon_target(self.best)[0])
        if len(paths) > RECURSIVE_PATHS and not _home_or_system(self.directory):
            return [Action.command(["restorecon", "-Rv", self.directory],
                                   description=_("give everything under %(path)s the label the "
                                                 "policy says it should have (%(n)d paths there "
                                                 "were denied)") % {
                                                     "path": self.directory, "n": len(paths)})]
        return [Action.command(flags + paths, description=_("give each the label the policy says "
                                                           "it should have"))]

    def rules(self):
        """[(rule text, denials, records)] of a module group: one allow rule per (source,
        target, class), its permissions merged, commonest first."""
        merged = {}
        for d in self.denials:
            entry = merged.setdefault(d.rule(), [set(), 0, 0, len(merged)])
            entry[0].update(d.perms)
            entry[1] += 1
            entry[2] += d.count
        ordered = sorted(merged.items(), key=lambda kv: (-kv[1][2], kv[1][3]))
        return [(format_rule(s, t, c, perms), n, records)
                for (s, t, c), (perms, n, records, _i) in ordered]

    @property
    def title(self):
        """The title of the group's finding: the explanation's own for one denial, or when
        every denial has the same one; else what the fix does for how many."""
        titles = set(ex[0].title for _d, ex in self.members)
        if len(titles) == 1:
            return self.best.title
        n = len(self.members)
        if self.kind == "restorecon":
            paths = self.paths()
            if len(paths) == 1:
                return self.best.title
            flag = self.fix[0].argv[1] if self.fix[0].kind == "command" else "-v"
            if flag == "-Rv" and self.fix[0].argv[-1] == self.directory:
                return _("restorecon -Rv %(path)s: %(paths)s under it are not labelled as the "
                         "policy says") % {"path": self.directory, "paths": _paths(len(paths))}
            return _("restorecon %(flag)s on %(paths)s under %(path)s, not labelled as the policy "
                     "says") % {"flag": flag, "paths": _paths(len(paths)), "path": self.directory}
        if self.kind == "module" and self.id == "SEL-AVC-PORT":
            ports = []
            for d in self.denials:
                port = "%s %s" % (d.ttype, d.port if d.port is not None else _("(not recorded)"))
                if port not in ports:
                    ports.append(port)
            return _("%(denials)s on ports whose type another service owns (%(ports)s): do not "
                     "retype them, allow them with a module") % {
                         "denials": _denials(n),
                         "ports": ", ".join(ports[:4]) + (", +%d" % (len(ports) - 4)
                                                          if len(ports) > 4 else "")}
        if self.kind == "module":
            rules = self.rules()
            if len(rules) == 1:
                return _("no narrower fix: a minimal module with `%(rule)s`") % {"rule": rules[0][0]}
            return _("no narrower fix for %(denials)s: a minimal module with %(rules)s") % {
                "denials": _denials(n),
                "rules": ngettext("%(n)d allow rule", "%(n)d allow rules", len(rules)) % {
                    "n": len(rules)}}
        if self.kind == "install" and len(self.paths()) > 1:
            return _("%(programs)s in %(path)s, labelled %(types)s, where programs do not belong: "
                     "install them under /usr/local/bin") % {
                         "programs": ngettext("%(n)d program", "%(n)d programs",
                                              len(self.paths())) % {"n": len(self.paths())},
                         "path": self.directory,
                         "types": ", ".join(sorted(set(d.ttype for d in self.denials)))}
        argv = self.fix[0].argv if self.fix and self.fix[0].kind == "command" else None
        if argv and argv[:4] == ["semanage", "fcontext", "-a", "-t"]:
            directory = argv[5][:-len("(/.*)?")] if argv[5].endswith("(/.*)?") else argv[5]
            labels = sorted(set(d.ttype for d in self.denials))
            return _("%(paths)s under %(path)s, labelled %(types)s: label the directory "
                     "%(type)s") % {"paths": _paths(len(set(d.path for d in self.denials))),
                                    "path": directory, "types": ", ".join(labels),
                                    "type": argv[4]}
        return _("%(title)s (and %(more)s with the same fix)") % {
            "title": self.best.title,
            "more": ngettext("%(n)d more denial", "%(n)d more denials", n - 1) % {"n": n - 1}}


def _paths(n):
    return ngettext("%(n)d path", "%(n)d paths", n) % {"n": n}


def _denials(n):
    return ngettext("%(n)d denial", "%(n)d denials", n) % {"n": n}


def group_key(best):
    """(key, kind, directory) of the group a denial whose narrowest explanation is `best`
    belongs to."""
    target = _restorecon_target(best)
    if target is not None:
        directory = posixpath.dirname(target[1].rstrip("/")) or "/"
        return (best.id, "restorecon") + target[0] + (directory,), "restorecon", directory
    program = _install_target(best)
    if program is not None:
        directory = posixpath.dirname(program) or "/"
        return (best.id, "install", directory), "install", directory
    rendered = tuple(a.render() for a in best.fix)
    return (best.id,) + rendered, "module" if best.module else "same", None


def logged_only(d):
    """Whether every record of the denial says permissive=1: logged, not blocked."""
    return d.permissive == {1}


def group_denials(explained):
    """[Group] of [(denial, explanations)], in the order of their first denial."""
    groups = {}
    order = []
    for d, ex in explained:
        if not ex:
            continue
        key, kind, directory = group_key(ex[0])
        group = groups.get(key)
        if group is None:
            group = groups[key] = Group(key, kind, directory)
            order.append(group)
        group.members.append((d, ex))
    return order
