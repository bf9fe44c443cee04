"""Execution contexts: the environments in which Go is run on a host.

A Go problem is often not in the shell you are typing in but in the environment that
really runs go: `sudo make install` (sudoers resets the environment and replaces PATH
with secure_path), a systemd unit (systemd's compiled-in PATH, no HOME), or another
user's login shell.  Each context carries the environment go would see there, who it
runs as, where its PATH comes from (as evidence), and how to add a directory to that
PATH (as a fix).
"""

import posixpath

from gotriage.findings import Action, Evidence
from gotriage.host.base import Identity
from gotriage.i18n import N_, _
from gotriage.inputs.spec import Need, Words
from gotriage.knowledge.go import systemd_default_path
from gotriage.parsers.envdump import parse_env0
from gotriage.parsers.passwd import parse_group, parse_passwd
from gotriage.parsers.sudoers import effective_policy, parse_sudoers, sudo_environment
from gotriage.quoting import (
    Unrepresentable,
    shell_path_line,
    shell_word,
    sudoers_secure_path,
    systemd_environment,
)

SUDOERS = "/etc/sudoers"
SYSTEMD_SYSTEM_CONF = "/etc/systemd/system.conf"


class Context(object):
    """One environment in which go runs."""

    def __init__(self, name, label, env, identity, path_evidence=None, severity_weight="error"):
        self.name = name
        self.label = label
        self.env = env
        self.identity = identity
        self.path_evidence = path_evidence or []
        # How much a broken go matters here: "error" where people run go by hand,
        # "warn" for sudo, "info" for services (most run a built binary, not go).
        self.severity_weight = severity_weight
        self.path_fix = None  # callable(dir) -> [Action]

    @property
    def path(self):
        return self.env.get("PATH", "")

    def fix_path(self, directory, first=False):
        """Actions that put `directory` on this context's PATH (at its front when `first`,
        to win over another go earlier on PATH)."""
        return self.path_fix(directory, first) if self.path_fix else []

    def severity(self, wanted):
        """`wanted` lowered to this context's weight (error > warn > info)."""
        order = ["info", "warn", "error"]
        return order[min(order.index(wanted), order.index(self.severity_weight))]

    def __repr__(self):
        return "Context(%s)" % self.name


def _users(io):
    return parse_passwd(io.read_text("passwd") or "")


def lookup_user(io, name=None, uid=None):
    """The /etc/passwd entry of a user, by name or uid (`io`: the toolchain layer's
    reader, or any layer's that declares "passwd")."""
    for entry in _users(io):
        if (name is not None and entry.name == name) or (uid is not None and entry.uid == uid):
            return entry
    return None


def _identity_for(io, entry):
    groups = parse_group(io.read_text("group") or "")
    gids = [gid for gname, (gid, members) in groups.items() if entry.name in members]
    return Identity(entry.name, entry.uid, entry.gid, gids, entry.home, entry.shell)


def shell_context(io):
    """The environment gotriage itself was started in."""
    identity = io.host.identity()
    env = io.host.environ()
    ctx = Context("shell", _("your shell (%(user)s)") % {"user": identity.user}, env, identity,
                  [Evidence.env("PATH", env.get("PATH", ""), "shell")])

    def fix(directory, first=False):
        try:
            line = shell_path_line("PATH", directory, first)
        except Unrepresentable as exc:
            return [_cannot_add(directory, exc)]
        fix = [Action.edit("/etc/profile.d/go.sh", line, syntax="bash",
                           description=_("for every login shell (then log in again)"))]
        if identity.home and identity.home.startswith("/"):
            fix.append(Action.edit(posixpath.join(identity.home, ".bash_profile"), line,
                                   syntax="bash", description=_("or only for %(user)s") % {
                                       "user": identity.user}))
        return fix
    ctx.path_fix = fix
    return ctx


def _cannot_add(directory, exc):
    """What to do when a directory cannot be written onto a PATH line."""
    return Action.note(_("%(dir)s cannot be put on PATH as it is (%(reason)s): link its go "
                         "where PATH already looks, e.g. %(command)s") % {
                             "dir": shell_word(directory), "reason": exc.reason,
                             "command": "ln -s %s /usr/local/bin/go" % shell_word(
                                 posixpath.join(directory, "go"))})


def read_sudoers(io):
    """Parse /etc/sudoers and the files it includes (sudoers.d: files without '.' or '~')."""
    text = io.read_text("sudoers")
    if text is None:
        return None
    sudoers = parse_sudoers(text, SUDOERS)
    done = set()
    index = 0
    while index < len(sudoers.includes):
        kind, path, source, _line = sudoers.includes[index]
        index += 1
        path = path.replace("%h", "")
        if not path.startswith("/"):
            path = posixpath.join(posixpath.dirname(source), path)
        if path in done:
            continue
        done.add(path)
        if kind == "include":
            parse_sudoers(io.read_text("sudoers-include", path=path) or "", path, sudoers)
        else:
            for name in io.try_listdir("sudoers-includedir", dir=path):
                if "." in name or name.endswith("~"):
                    continue  # sudo skips these in an includedir
                full = posixpath.join(path, name)
                parse_sudoers(io.read_text("sudoers-include", path=full) or "", full, sudoers)
    return sudoers


def sudo_context(io, shell):
    """`sudo CMD` run from the shell context, as root."""
    sudoers = read_sudoers(io)
    root = lookup_user(io, uid=0)
    root_identity = Identity("root", 0, 0, (), root.home if root else "/root",
                             root.shell if root else "/bin/bash")
    if sudoers is None:
        return None
    policy = effective_policy(sudoers, shell.identity.user)
    env = sudo_environment(policy, shell.env, root_identity.home, "root", root_identity.shell)
    evidence = []
    if policy.secure_path_line is not None:
        d = policy.secure_path_line
        evidence.append(Evidence.file(d.source, d.text, d.line))
    else:
        evidence.append(Evidence.fact("no secure_path in sudoers: sudo keeps the caller's PATH"))
    if policy.env_reset_line is not None:
        d = policy.env_reset_line
        evidence.append(Evidence.file(d.source, d.text, d.line))
    label = _("sudo (root, secure_path)") if policy.secure_path else _("sudo (root)")
    ctx = Context("sudo", label, env, root_identity, evidence, severity_weight="warn")
    ctx.sudo_policy = policy

    def fix(directory, first=False):
        if policy.secure_path:
            d = policy.secure_path_line
            entries = policy.secure_path.split(":")
            entries = [directory] + entries if first else entries + [directory]
            full_path = shell_word(posixpath.join(directory, "go"))
            try:
                new = sudoers_secure_path(entries)
            except Unrepresentable as exc:
                return [_cannot_add(directory, exc),
                        Action.note(_("or call go by its full path: %(command)s") % {
                            "command": "sudo %s ..." % full_path})]
            return [Action.edit(d.source, new, old=d.text, syntax="sudoers",
                                description=_("edit with %(command)s") % {
                                    "command": "visudo" + (
                                        "" if d.source == SUDOERS else " -f %s" % shell_word(
                                            d.source))}),
                    Action.note(_("or call go by its full path: %(command)s") % {
                        "command": "sudo %s ..." % full_path})]
        return [Action.note(_("sudo keeps your PATH here: fix the shell's PATH"))]
    ctx.path_fix = fix
    return ctx


def systemd_context(io, el_major):
    """A system service with no Environment= lines: systemd's default environment
    (`systemctl show-environment`; if it hangs, the layer's -INPUT check says so)."""
    result = io.run("systemd-environment")
    env = {}
    evidence = []
    if result.ok:
        from gotriage.parsers.envdump import parse_show_environment

        env.update(parse_show_environment(result.text))
        result.context_label = "systemd"
        evidence.append(Evidence.command(result, "PATH=%s" % env.get("PATH", "")))
    if "PATH" not in env:
        env["PATH"] = systemd_default_path(el_major)
        evidence.append(Evidence.fact(
            _("systemd's compiled-in PATH for services on this release: %(path)s") % {
                "path": env["PATH"]}))
    # System services get no HOME, USER or XDG_* unless User= is set (systemd.exec(5)).
    for name in ("HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "USER", "LOGNAME"):
        env.pop(name, None)
    env.setdefault("LANG", "C")
    root = lookup_user(io, uid=0)
    identity = Identity("root", 0, 0, (), None, root.shell if root else None)
    ctx = Context("systemd", _("systemd services (default environment, no HOME)"), env, identity,
                  evidence, severity_weight="info")

    def fix(directory, first=False):
        # The generic context knows no unit: say what a unit that runs go needs, and
        # leave the exact drop-in to `gotriage service NAME`, which knows the unit.
        parts = [directory, env["PATH"]] if first else [env["PATH"], directory]
        try:
            line = systemd_environment([("PATH", ":".join(parts))])
        except Unrepresentable:
            line = None
        return [Action.note(
            _("a unit that runs go needs its full path in ExecStart= (%(go)s)%(or_line)s; "
              "`gotriage service NAME` prints the exact drop-in for a unit") % {
                  "go": posixpath.join(directory, "go"),
                  "or_line": _(", or %(line)s under [Service] in its drop-in") % {"line": line}
                  if line else ""})]
    ctx.path_fix = fix
    return ctx


def login_context(io, user):
    """The login shell of `user` (opt-in: runs `su - USER -c 'env -0'`): (context, None),
    or (None, why not).  A su that hangs is the layer's -INPUT finding (then why not is
    None)."""
    entry = lookup_user(io, name=user)
    if entry is None:
        return None, _("no user %(user)r in /etc/passwd") % {"user": user}
    result = io.run("login-environment", user=user, need=Need(
        (), Words(N_("the login shell of %(user)s waits (a profile script that reads input or "
                     "hangs)"), user=user),
        Words(N_("the login shell of %(user)s is not examined"), user=user)))
    result.context_label = "login shell of %s" % user
    if result.timed_out:
        return None, None
    if not result.ok:
        return None, _("could not read the login environment of %(user)s: %(error)s") % {
            "user": user, "error": result.excerpt(2)}
    env = parse_env0(result.stdout)
    identity = _identity_for(io, entry)
    ctx = Context("user:" + user, _("login shell of %(user)s") % {"user": user}, env, identity,
                  [Evidence.command(result, "PATH=%s" % env.get("PATH", ""))])

    def fix(directory, first=False):
        try:
            line = shell_path_line("PATH", directory, first)
        except Unrepresentable as exc:
            return [_cannot_add(directory, exc)]
        if not (entry.home or "").startswith("/"):
            return [Action.note(_("add %(line)s to the login profile of %(user)s") % {
                "line": line, "user": user})]
        return [Action.edit(posixpath.join(entry.home, ".bash_profile"), line, syntax="bash",
                            description=_("then log in again as %(user)s") % {"user": user})]

    ctx.path_fix = fix
    return ctx, None
