"""`gotriage baseline lint`: a rule file's policies over the baseline repository's
recorded files (docs/baseline.md, "Lint"), for CI.

These checks belong to the baseline layer but judge the recording, not the host: they
run only when `baseline lint` gives the facts its rules (`lint_rules`); `baseline diff`
and `check` give none, and then they report nothing.  The rules' evaluation is pure
(baseline/lint.py); a rule whose section the rule file leaves out is not evaluated.
"""

from gotriage.checks import NotExamined, check
from gotriage.findings import Action, Evidence, Finding
from gotriage.i18n import _, ngettext

LAYER = "baseline"
# the check ids `baseline lint` runs (runner.run's `only`)
LINT_CHECKS = ("BASE-LINT-GOROOT", "BASE-LINT-SUDO", "BASE-LINT-SELINUX", "BASE-LINT-PORT",
               "BASE-LINT-ROOT")


def _rules_note(setting):
    return _("or, if this is intended, say so in the rule file (%(setting)s)") % {
        "setting": setting}


def _f(id, severity, title, **kw):
    return Finding(id, severity, title, layer=LAYER, **kw)


def _rules(facts, name):
    """The rules when `baseline lint` runs and rule `name` is on, else None."""
    rules = facts.lint_rules
    if rules is None or name not in rules.enabled:
        return None
    rec = facts.recorded
    rec.prefetch([p for p, e in rec.files.items()
                  if e.get("type") == "file" and e.get("sha256") is not None])
    return rules


def _where(source, line):
    return "%s:%d" % (source, line) if line else source


@check("BASE-LINT-GOROOT", LAYER, "no recorded GOROOT is under a forbidden directory", findings={
    "BASE-LINT-GOROOT-UNSAFE": (
        "A recorded Go install, or a GOROOT= line in a recorded file (profile script, go env "
        "file, unit), is under a directory the rule file forbids ([rule goroot] "
        "forbidden-under, by default /home and /tmp): a home or a temporary directory is "
        "not where the system's Go belongs (another user's, cleaned, mounted noexec).",
        "the install or the file and line",
        "install Go under /usr/local/go (or use the golang package) and point GOROOT there; "
        "then record the host again with `gotriage baseline init`"),
})
def base_lint_goroot(facts):
    """Each recorded Go install and GOROOT= line against [rule goroot] forbidden-under."""
    from gotriage.baseline.lint import goroot_violations

    rules = _rules(facts, "goroot")
    if rules is None:
        return []
    out = []
    for value, source, line in goroot_violations(facts.recorded, rules):
        prefix = [p for p in rules.forbidden_under if value == p or value.startswith(
            p.rstrip("/") + "/")]
        out.append(_f("BASE-LINT-GOROOT-UNSAFE", "error", _("GOROOT %(root)s is under %(dir)s "
                                                            "(%(where)s)") % {
            "root": value, "dir": prefix[0] if prefix else _("a forbidden directory"),
            "where": _where(source, line)},
            subject="%s@%s" % (value, _where(source, line)),
            evidence=[Evidence.file(source, line=line) if line else Evidence.fact(source)],
            fix=[Action.note(_("install Go outside %(dirs)s (/usr/local/go, or the golang "
                               "package) and set GOROOT there, then record the host again; ") % {
                                   "dirs": " and ".join(rules.forbidden_under)} +
                             _rules_note("[rule goroot] forbidden-under"))]))
    if not out:
        out.append(_f("BASE-LINT-GOROOT", "ok", _("no recorded GOROOT under %(dirs)s") % {
            "dirs": " or ".join(rules.forbidden_under)}))
    return out


@check("BASE-LINT-SUDO", LAYER, "the recorded secure_path reaches go", findings={
    "BASE-LINT-SUDO-NO-GO": (
        "The recorded sudoers' secure_path does not contain the Go bin directory ([rule "
        "secure-path] go-bin; auto: a recorded Go install's bin, /usr/bin for the golang "
        "package): `sudo go ...` answers `sudo: go: command not found`.",
        "the secure_path line (file and line) and the directories it lacks",
        "add the directory to secure_path with visudo, then record the host again"),
})
def base_lint_sudo(facts):
    """secure_path, as sudo reads the recorded /etc/sudoers and /etc/sudoers.d, against the Go bin directories."""
    from gotriage.baseline.lint import secure_path_verdict

    rules = _rules(facts, "secure-path")
    if rules is None:
        return []
    verdict = secure_path_verdict(facts.recorded, rules)
    if verdict is None:
        raise NotExamined(_("lint [rule secure-path] not evaluated: the baseline records no "
                            "sudoers file, or no Go install (and the rule names no go-bin)"))
    value, line, wanted, missing = verdict
    if value is None:
        return [_f("BASE-LINT-SUDO", "ok", _("the recorded sudoers set no secure_path: sudo "
                                             "keeps the caller's PATH"))]
    if not missing:
        return [_f("BASE-LINT-SUDO", "ok", _("secure_path contains %(dirs)s") % {
            "dirs": " or ".join(wanted)})]
    from gotriage import quoting

    try:
        fixed = quoting.sudoers_secure_path([e for e in value.split(":") if e] + missing)
    except quoting.Unrepresentable:
        fixed = None
    fix = []
    # the line replaced whole only when it sets secure_path alone (not `Defaults
    # env_reset, secure_path=...`, whose other settings the edit would drop)
    alone = line.text.replace(" ", "").replace("\t", "").startswith("Defaultssecure_path=") \
        and line.text.rstrip().endswith((value, '"%s"' % value))
    if fixed and alone:
        fix.append(Action.edit(line.source, fixed, old=line.text, syntax="sudoers",
                               description=_("with %(command)s") % {
                                   "command": "visudo -f %s" % line.source}))
    fix.append(Action.note(_("add %(dirs)s to secure_path (visudo), then record the host "
                             "again; ") % {"dirs": " and ".join(missing)}
                           + _rules_note("[rule secure-path] go-bin")))
    return [_f("BASE-LINT-SUDO-NO-GO", "error", _("secure_path (%(where)s) lacks %(dirs)s") % {
        "where": "%s:%d" % (line.source, line.line), "dirs": " and ".join(missing)},
        subject=line.source,
        evidence=[Evidence.file(line.source, line.text, line.line)], fix=fix)]


@check("BASE-LINT-SELINUX", LAYER, "the recorded SELinux mode is one the rules allow", findings={
    "BASE-LINT-SELINUX-WEAK": (
        "The recorded /etc/selinux/config (SELINUX=) or `getenforce` output is a mode the "
        "rule file does not allow ([rule selinux] modes, by default enforcing only).",
        "the file and line, or the recorded getenforce output",
        "SELINUX=enforcing in /etc/selinux/config (a relabel may be needed after disabled), "
        "`setenforce 1`, then record the host again"),
})
def base_lint_selinux(facts):
    """SELINUX= in the recorded /etc/selinux/config and the recorded getenforce, against [rule selinux] modes."""
    from gotriage.baseline.lint import selinux_modes

    rules = _rules(facts, "selinux")
    if rules is None:
        return []
    seen = selinux_modes(facts.recorded)
    if not seen:
        raise NotExamined(_("lint [rule selinux] not evaluated: the baseline records neither "
                            "/etc/selinux/config nor getenforce"))
    out = []
    for source, line, mode in seen:
        if mode in rules.selinux_modes:
            continue
        fix = [Action.note(_("make SELinux %(mode)s again (%(how)s), then record the host "
                             "again; ") % {
            "mode": rules.selinux_modes[0],
            "how": _("SELINUX=%(mode)s in /etc/selinux/config") % {
                "mode": rules.selinux_modes[0]} if line else "setenforce 1"}
            + _rules_note("[rule selinux] modes"))]
        out.append(_f("BASE-LINT-SELINUX-WEAK", "error", _("SELinux is %(mode)s in %(where)s "
                                                           "(the rules allow %(allowed)s)") % {
                          "mode": mode, "where": _where(source, line),
                          "allowed": ", ".join(rules.selinux_modes)},
                      subject=source,
                      evidence=[Evidence.file(source, "SELINUX=" + mode, line) if line
                                else Evidence.fact("%s: %s" % (source, mode))], fix=fix))
    if not out:
        out.append(_f("BASE-LINT-SELINUX", "ok", _("SELinux is %(modes)s as recorded") % {
            "modes": " / ".join(sorted({m for _s, _l, m in seen}))}))
    return out


@check("BASE-LINT-PORT", LAYER, "the recorded zone opens only the ports the rules list", findings={
    "BASE-LINT-PORT-UNLISTED": (
        "A port (or forward port) the recorded firewalld zone ([rule firewall] zone, by "
        "default public) opens is not in the rule file's allowed-ports.",
        "the zone file (or the recorded firewall-cmd --list-all-zones) and the port",
        "close it (`firewall-cmd --permanent --zone=ZONE --remove-port=PORT/PROTO`), or list "
        "it in [rule firewall] allowed-ports"),
})
def base_lint_port(facts):
    """The ports of the recorded zone file (else the recorded --list-all-zones) against [rule firewall] allowed-ports."""
    from gotriage.baseline.lint import unlisted_ports, zone_ports

    rules = _rules(facts, "firewall")
    if rules is None:
        return []
    found = zone_ports(facts.recorded, rules.zone)
    if found is None:
        if not any(p.startswith("/etc/firewalld/") for p in facts.recorded.files):
            raise NotExamined(_("lint [rule firewall] not evaluated: the baseline records no "
                                "firewalld file"))
        return [_f("BASE-LINT-PORT", "ok", _("zone %(zone)s is not customised in the baseline "
                                             "(firewalld's own zone opens services, no "
                                             "ports)") % {"zone": rules.zone})]
    source, ports = found
    if ports is None:
        raise NotExamined(_("lint [rule firewall] not evaluated: %(path)s does not parse") % {
            "path": source})
    out = []
    for text, _low, _high, _proto in unlisted_ports(ports, rules.allowed_ports):
        out.append(_f("BASE-LINT-PORT-UNLISTED", "error", _("zone %(zone)s opens %(port)s, which "
                                                            "the rules do not list (%(path)s)") % {
                          "zone": rules.zone, "port": text, "path": source}, subject=text,
                      evidence=[Evidence.fact("%s: %s" % (source, text))],
                      fix=[Action.command(["firewall-cmd", "--permanent", "--zone=" + rules.zone,
                                           "--remove-port=" + text],
                                          description=_("if nothing should listen there"),
                                          safe=False) if "port=" not in text else
                           Action.note(_("remove the forward port %(port)s from zone %(zone)s") % {
                               "port": text, "zone": rules.zone}),
                           Action.note(_rules_note("[rule firewall] allowed-ports"))]))
    if not out:
        out.append(_f("BASE-LINT-PORT", "ok", (
            _("zone %(zone)s opens only listed ports") if ports else
            _("zone %(zone)s opens no port")) % {"zone": rules.zone}))
    return out


@check("BASE-LINT-ROOT", LAYER, "no recorded service runs as root unless the rules declare it",
       findings={
    "BASE-LINT-ROOT-SERVICE": (
        "A recorded .service unit (with its recorded drop-ins) has no User= (systemd runs it "
        "as root) or User=root, and the rule file's [rule services] root-allowed does not "
        "name it.",
        "the unit's files and its User= setting",
        "give it a user (`User=` in a drop-in, or DynamicUser=yes), or declare it in [rule "
        "services] root-allowed"),
})
def base_lint_root(facts):
    """User= of each recorded .service unit (fragment and drop-ins) against [rule services] root-allowed."""
    from gotriage.baseline.lint import service_users

    rules = _rules(facts, "services")
    if rules is None:
        return []
    users = service_users(facts.recorded)
    out = []
    for unit, (user, dynamic, read) in sorted(users.items()):
        if dynamic or (user not in (None, "root", "0")) or unit in rules.root_allowed:
            continue
        title = (_("%(unit)s has no User= (runs as root)") if user is None else
                 _("%(unit)s runs as User=%(user)s")) % {"unit": unit, "user": user}
        out.append(_f("BASE-LINT-ROOT-SERVICE", "error", title, subject=unit,
                      evidence=[Evidence.fact("read: %s" % ", ".join(read))],
                      fix=[Action.note(_("give %(unit)s its own user (User= in a drop-in such "
                                         "as /etc/systemd/system/%(unit)s.d/user.conf, or "
                                         "DynamicUser=yes); ") % {"unit": unit} +
                                       _rules_note("[rule services] root-allowed"))]))
    if not out:
        out.append(_f("BASE-LINT-ROOT", "ok", ngettext(
            "%(count)d recorded service, none as root undeclared",
            "%(count)d recorded services, none as root undeclared", len(users)) % {
                "count": len(users)}))

    return out
