"""The security layer (`gotriage check --layer security`, not run by default): the host
settings a Go service's security rests on, each judged as the SCAP Security Guide rule
it is tagged with (knowledge/scap_rules.py: the rule id, and the CCE of the host's RHEL
release where the content has one).  docs/security.md lists them; tests/test_security.py
compares the verdicts with OpenSCAP's on the same files."""

from gotriage.checks import NotExamined, check
from gotriage.findings import Action, Evidence, Finding
from gotriage.i18n import _
from gotriage.knowledge.scap_rules import RULE_BY_ID, describe

LAYER = "security"
SSHD_DROPIN = "/etc/ssh/sshd_config.d/01-permitrootlogin.conf"
SSHD_DROPIN_DIR = "/etc/ssh/sshd_config.d/*.conf"


def _f(id, facts, severity, title, rules, **kw):
    """A finding tagged with its SCAP rules: "[rule (CCE)]" in the title, and each rule's
    xccdf id and CCE in `references`."""
    el = facts.el
    tags = ", ".join(describe(rule, el) for rule in rules)
    refs = []
    for rule in rules:
        cce = RULE_BY_ID[rule].cce_for(el) if el else None
        refs.append(RULE_BY_ID[rule].xccdf_id + (" %s (RHEL %d)" % (cce, el) if cce else ""))
    return Finding(id, severity, "%s [%s]" % (title, tags), layer=LAYER, references=refs, **kw)


def _plain_f(id, severity, title, **kw):
    """A finding that is not one of gotriage's rules (OpenSCAP's, --scap-results)."""
    return Finding(id, severity, title, layer=LAYER, **kw)


def _need(value, facts, key):
    if value is None:
        raise NotExamined(_("security: %(what)s: not checked") % {"what": facts.unknown(key)})
    return value


# ---------------------------------------------------------------------------------------
@check("SEC-SSH-ROOT", LAYER, "root cannot log in over ssh (sshd_disable_root_login)", findings={
    "SEC-SSH-ROOT-LOGIN": (
        "sshd lets root log in: the first PermitRootLogin that sshd reads (sshd_config and the "
        "files its Include lines name, in order; the first value wins) is not `no`, or none "
        "is set and sshd's compiled-in default, which is not `no`, applies.  SCAP rule "
        "sshd_disable_root_login.",
        "the PermitRootLogin line that wins (file and line), or that none is set",
        "set `PermitRootLogin no` where sshd reads it first: on EL9+ a drop-in "
        "`/etc/ssh/sshd_config.d/01-permitrootlogin.conf` holding `PermitRootLogin no` "
        "(sshd_config includes the drop-ins before its own lines), else the winning line "
        "replaced; then `sshd -t` and `systemctl reload sshd`."),
})
def ssh_root_login(facts):
    """PermitRootLogin, as sshd resolves it."""
    lines = _need(facts.sshd_lines, facts, "sshd")
    rules = ("sshd_disable_root_login",)
    if not lines:
        return [_f("SEC-SSH-ROOT", facts, "ok", _("no sshd_config: sshd is not installed"),
                   rules)]
    first = facts.sshd_first("PermitRootLogin")
    if first is not None and first.value.lower() == "no":
        return [_f("SEC-SSH-ROOT", facts, "ok", _("sshd refuses root logins (PermitRootLogin no)"),
                   rules, evidence=[Evidence.file(first.path, first.text, first.line)])]
    fix = []
    includes_dropins = any(line.keyword == "include" and not line.in_match and
                           SSHD_DROPIN_DIR in line.value.split() for line in lines)
    if first is not None and first.path != "/etc/ssh/sshd_config" or (
            first is None and includes_dropins) or (
            first is not None and includes_dropins and _before(lines, SSHD_DROPIN_DIR, first)):
        if first is not None and first.path.startswith("/etc/ssh/sshd_config.d/") and \
                first.path.rsplit("/", 1)[1] < "01-permitrootlogin.conf":
            fix.append(Action.edit(first.path, "PermitRootLogin no", old=first.text,
                                   description=_("the drop-in that sets it first"),
                                   syntax="plain"))
        else:
            fix.append(Action.edit(SSHD_DROPIN, "PermitRootLogin no",
                                   description=_("a drop-in sshd reads before the other lines"),
                                   syntax="plain"))
    elif first is not None:
        fix.append(Action.edit(first.path, "PermitRootLogin no", old=first.text, syntax="plain"))
    else:
        fix.append(Action.edit("/etc/ssh/sshd_config", "PermitRootLogin no",
                               description=_("above any Match block"), syntax="plain"))
    fix += [Action.command(["sshd", "-t"], _("check the configuration")),
            Action.command(["systemctl", "reload", "sshd"], _("apply it"), safe=False)]
    if first is None:
        evidence = [Evidence.fact(_("no PermitRootLogin outside a Match block in %(files)s") % {
            "files": ", ".join(_files(lines))}),
            Evidence.fact(_("sshd's compiled-in default applies: not `no`"))]
        title = _("root can log in over ssh: PermitRootLogin is not set (sshd's default)")
    else:
        evidence = [Evidence.file(first.path, first.text, first.line)]
        title = _("root can log in over ssh: PermitRootLogin %(value)s") % {"value": first.value}
    return [_f("SEC-SSH-ROOT-LOGIN", facts, "warn", title, rules, evidence=evidence, fix=fix,
               subject="sshd:PermitRootLogin",
               why=_("A Go service's host is reached over ssh; a root login is one password "
                     "or key away from everything the service holds."))]


def _before(lines, include, first):
    """Whether the Include of `include` comes before the line `first` (so a drop-in wins)."""
    for line in lines:
        if line is first:
            return False
        if line.keyword == "include" and include in line.value.split():
            return True
    return False


def _files(lines):
    out = []
    for line in lines:
        if line.path not in out:
            out.append(line.path)
    return out


# ---------------------------------------------------------------------------------------
@check("SEC-EMPTY-PW", LAYER, "no login with an empty password (no_empty_passwords, "
                              "no_empty_passwords_etc_shadow)", findings={
    "SEC-EMPTY-PW-NULLOK": (
        "A PAM file (system-auth or password-auth) gives pam_unix `nullok`: an account whose "
        "password is empty logs in with no password.  SCAP rule no_empty_passwords.",
        "the PAM lines with nullok",
        "on EL8+ `authselect select PROFILE without-nullok` (`authselect current` names the "
        "profile and its features) keeps authselect's files consistent; on EL7 delete the "
        "word nullok from the lines (`authconfig` rewrites them otherwise)."),
    "SEC-EMPTY-PW-ACCOUNT": (
        "An account's password field in /etc/shadow is empty: where PAM allows nullok (and "
        "for su/login on some setups) it logs in with no password.  Only the account's name "
        "is shown; gotriage never reads a hash into a report (host/redact_shadow.py).  SCAP "
        "rule no_empty_passwords_etc_shadow.",
        "the account names and their line in /etc/shadow",
        "`passwd -l NAME` locks the account (or `passwd NAME` gives it a password)."),
})
def empty_passwords(facts):
    """pam_unix's nullok, and accounts with an empty password."""
    rules = ("no_empty_passwords", "no_empty_passwords_etc_shadow")
    found = []
    nullok = facts.pam_nullok
    if nullok:
        found.append(_f("SEC-EMPTY-PW-NULLOK", facts, "warn",
                        _("PAM allows empty passwords (nullok in %(files)s)") % {
                            "files": ", ".join(sorted({p for p, _n, _l in nullok}))}, rules[:1],
                        evidence=[Evidence.file(p, text, n) for p, n, text in nullok],
                        subject="pam:nullok", fix=[
                            Action.command(["authselect", "current"], _("EL8+: which profile")),
                            Action.note(_("EL8+: `authselect select PROFILE without-nullok` "
                                          "with the features `authselect current` lists; EL7: "
                                          "delete `nullok` from the lines shown"))]))
    shadow = facts.shadow
    if shadow is None:
        facts.note(_("security: %(what)s: accounts with an empty password not checked") % {
            "what": facts.unknown("shadow")})
    empty = [(name, line) for name, state, line in shadow or () if state == "empty"]
    if empty:
        found.append(_f("SEC-EMPTY-PW-ACCOUNT", facts, "warn",
                        _("%(count)d account(s) with an empty password: %(accounts)s") % {
                            "count": len(empty),
                            "accounts": ", ".join(name for name, _line in empty)}, rules[1:],
                        evidence=[Evidence.file("/etc/shadow", "%s: empty password field"
                                                % name, line) for name, line in empty],
                        subject="shadow:empty",
                        fix=[Action.command(["passwd", "-l", name],
                                            _("lock %(account)s") % {"account": name},
                                            safe=False) for name, _line in empty]))
    if found:
        return found
    if nullok is None and shadow is None:
        raise NotExamined(_("security: %(what)s: not checked") % {"what": facts.unknown("pam")})
    return [_f("SEC-EMPTY-PW", facts, "ok", _("no empty password is accepted"), rules)]


# ---------------------------------------------------------------------------------------
@check("SEC-FIREWALLD", LAYER, "firewalld is enabled, its default zone is not trusted "
                               "(service_firewalld_enabled)", findings={
    "SEC-FIREWALLD-DISABLED": (
        "firewalld.service is not enabled (no multi-user.target.wants link): after a reboot "
        "nothing filters what reaches the host's ports.  SCAP rule service_firewalld_enabled.",
        "the missing /etc/systemd/system/multi-user.target.wants/firewalld.service link",
        "`systemctl enable --now firewalld`, after opening the ports the Go services need "
        "(`gotriage port PORT` shows what blocks one)."),
    "SEC-FIREWALLD-TRUSTED": (
        "firewalld's DefaultZone is `trusted`: every connection to an interface in no other "
        "zone is accepted, which is no firewall.  (SCAP's set_firewalld_default_zone asks "
        "for `drop`; gotriage asks only that it is not trusted.)",
        "the DefaultZone= line of /etc/firewalld/firewalld.conf",
        "`firewall-cmd --set-default-zone=public` (and `--add-port` for the services' ports)."),
})
def firewalld(facts):
    """firewalld.service enabled, and its default zone."""
    enabled = _need(facts.firewalld_enabled, facts, "firewalld")
    found = []
    if not enabled:
        found.append(_f("SEC-FIREWALLD-DISABLED", facts, "warn", _("firewalld is not enabled"),
                        ("service_firewalld_enabled",), subject="firewalld.service",
                        evidence=[Evidence.fact(_("%(path)s does not exist") % {
                            "path": "/etc/systemd/system/multi-user.target.wants/firewalld.service"})],
                        fix=[Action.command(["systemctl", "enable", "--now", "firewalld"],
                                            _("after opening the services' ports"),
                                            safe=False)]))
    zone = facts.firewalld_default_zone
    if enabled and zone is not None and zone[0] == "trusted":
        found.append(_f("SEC-FIREWALLD-TRUSTED", facts, "warn",
                        _("firewalld's default zone is trusted: it accepts everything"),
                        ("set_firewalld_default_zone",), subject="firewalld:DefaultZone",
                        evidence=[Evidence.file(zone[2], "DefaultZone=trusted", zone[1])],
                        fix=[Action.command(["firewall-cmd", "--set-default-zone=public"],
                                            safe=False)]))
    return found or [_f("SEC-FIREWALLD", facts, "ok", _("firewalld is enabled"),
                        ("service_firewalld_enabled",))]


# ---------------------------------------------------------------------------------------
@check("SEC-SELINUX", LAYER, "SELinux enforcing with the targeted policy (selinux_state, "
                             "selinux_policytype)", findings={
    "SEC-SELINUX-NOT-ENFORCING": (
        "/etc/selinux/config does not say SELINUX=enforcing (or does not exist): after a "
        "reboot SELinux does not confine the services.  SCAP rule selinux_state.",
        "the SELINUX= line (and /sys/fs/selinux/enforce, SELinux's mode now)",
        "`gotriage check --layer selinux` first (what enforcing would deny), then set "
        "SELINUX=enforcing in /etc/selinux/config; from disabled, `touch /.autorelabel` "
        "before the reboot."),
    "SEC-SELINUX-NOT-TARGETED": (
        "/etc/selinux/config's SELINUXTYPE is not `targeted`, the policy the services' "
        "types and gotriage's SELinux layer assume.  SCAP rule selinux_policytype.",
        "the SELINUXTYPE= line",
        "SELINUXTYPE=targeted in /etc/selinux/config (selinux-policy-targeted installed), "
        "then a reboot."),
})
def selinux(facts):
    """SELINUX= and SELINUXTYPE= of /etc/selinux/config."""
    config = _need(facts.selinux_config, facts, "selinux")
    found = []
    mode = getattr(config, "mode", None)
    if mode != "enforcing":
        line = config.lines.get("SELINUX") if mode else None
        evidence = [Evidence.file("/etc/selinux/config", line[1], line[0]) if line else
                    Evidence.fact("/etc/selinux/config %s" % (
                        "sets no SELINUX=" if hasattr(config, "lines") else "does not exist"))]
        now = facts.selinux_enforcing_now
        if now is not None:
            evidence.append(Evidence.file("/sys/fs/selinux/enforce", "1" if now else "0"))
        fix = [Action.edit("/etc/selinux/config", "SELINUX=enforcing",
                           old=line[1] if line else None, syntax="plain", safe=False)]
        found.append(_f("SEC-SELINUX-NOT-ENFORCING", facts, "warn",
                        _("SELinux is not set to enforcing (%(mode)s)") % {
                            "mode": mode or _("not configured")},
                        ("selinux_state",), evidence=evidence, fix=fix,
                        subject="selinux:SELINUX"))
    policy = getattr(config, "policy", None)
    if hasattr(config, "lines") and policy != "targeted":
        line = config.lines.get("SELINUXTYPE")
        found.append(_f("SEC-SELINUX-NOT-TARGETED", facts, "warn",
                        _("SELinux's policy is not targeted (%(policy)s)") % {
                            "policy": policy or _("not set")},
                        ("selinux_policytype",), subject="selinux:SELINUXTYPE",
                        evidence=[Evidence.file("/etc/selinux/config", line[1], line[0]) if line
                                  else Evidence.fact("/etc/selinux/config sets no SELINUXTYPE=")],
                        fix=[Action.edit("/etc/selinux/config", "SELINUXTYPE=targeted",
                                         old=line[1] if line else None, syntax="plain",
                                         safe=False)]))
    return found or [_f("SEC-SELINUX", facts, "ok", _("SELinux is enforcing, policy targeted"),
                        ("selinux_state", "selinux_policytype"))]


# ---------------------------------------------------------------------------------------
@check("SEC-GPGCHECK", LAYER, "packages are signature-checked (ensure_gpgcheck_globally_"
                              "activated, ensure_gpgcheck_never_disabled)", findings={
    "SEC-GPGCHECK-MAIN-OFF": (
        "dnf.conf's (yum.conf's on EL7) [main] does not set gpgcheck=1: packages from a "
        "repository that does not set it are installed unsigned.  SCAP rule "
        "ensure_gpgcheck_globally_activated.",
        "the gpgcheck line of [main], or its absence",
        "gpgcheck=1 in [main] of /etc/dnf/dnf.conf (/etc/yum.conf on EL7)."),
    "SEC-GPGCHECK-REPO-OFF": (
        "A repository file sets gpgcheck=0: its packages (a Go toolchain, the services' "
        "dependencies) are installed without a signature check.  SCAP rule "
        "ensure_gpgcheck_never_disabled.",
        "each .repo file, section and line with gpgcheck=0",
        "gpgcheck=1 in the section, with the repository's gpgkey= (`gotriage check --layer "
        "packages` checks the keys)."),
})
def gpgcheck(facts):
    """gpgcheck in [main] and in every repository."""
    main = _need(facts.main_conf, facts, "main-conf")
    rules_main, rules_repo = ("ensure_gpgcheck_globally_activated",), (
        "ensure_gpgcheck_never_disabled",)
    found = []
    path, section = main
    if section is None or not section.flag("gpgcheck"):
        line = section.lines.get("gpgcheck") if section is not None else None
        found.append(_f("SEC-GPGCHECK-MAIN-OFF", facts, "warn",
                        _("%(path)s does not turn gpgcheck on in [main]") % {"path": path},
                        rules_main,
                        subject=path + ":gpgcheck",
                        evidence=[Evidence.file(path, facts.line_text(path, line), line) if line
                                  else Evidence.fact("%s: no gpgcheck= in [main]" % path)],
                        fix=[Action.edit(path, "gpgcheck=1",
                                         old=facts.line_text(path, line) if line else None,
                                         description=_("in [main]"), syntax="ini")]))
    sections = facts.repo_sections
    if sections is None:
        facts.note(_("security: %(what)s: the repositories' gpgcheck not checked") % {
            "what": facts.unknown("repos")})
    off = [s for s in sections or () if "gpgcheck" in s.options and not s.flag("gpgcheck")]
    for s in off:
        found.append(_f("SEC-GPGCHECK-REPO-OFF", facts, "warn",
                        _("repository %(repo)s: gpgcheck=%(value)s") % {
                            "repo": s.name, "value": s.get("gpgcheck")}, rules_repo,
                        subject="%s:%s" % (s.path, s.name),
                        evidence=[Evidence.file(s.path, "[%s] %s" % (s.name, facts.line_text(
                            s.path, s.lines.get("gpgcheck"))), s.lines.get("gpgcheck"))],
                        fix=[Action.edit(s.path, "gpgcheck=1", old=facts.line_text(
                            s.path, s.lines.get("gpgcheck")),
                            description=_("in [%(section)s]") % {"section": s.name},
                            syntax="ini")]))
    return found or [_f("SEC-GPGCHECK", facts, "ok", _("gpgcheck is on in [main] and no "
                                                       "repository turns it off"),
                        rules_main + rules_repo)]


# ---------------------------------------------------------------------------------------
@check("SEC-UPDATES", LAYER, "security updates are applied automatically (timer_dnf-"
                             "automatic_enabled, dnf-automatic_apply_updates, dnf-automatic_"
                             "security_updates_only)", findings={
    "SEC-UPDATES-OFF": (
        "No automatic update runs: on EL8+ neither dnf-automatic.timer nor "
        "dnf-automatic-install.timer is enabled (SCAP rule timer_dnf-automatic_enabled); on "
        "EL7 yum-cron.service is not.",
        "the missing timers.target.wants (multi-user.target.wants) links, the configuration",
        "`dnf install dnf-automatic` and `systemctl enable --now dnf-automatic.timer` (EL7: "
        "`yum install yum-cron`, `systemctl enable --now yum-cron`)."),
    "SEC-UPDATES-NOT-APPLIED": (
        "The automatic updates only download: apply_updates is not yes in [commands] of "
        "/etc/dnf/automatic.conf (/etc/yum/yum-cron.conf on EL7), and dnf-automatic-install"
        ".timer, which applies them anyway, is not the one enabled.  SCAP rule "
        "dnf-automatic_apply_updates.",
        "the apply_updates line",
        "apply_updates = yes in [commands]."),
    "SEC-UPDATES-NOT-SECURITY": (
        "The automatic updates install every update, not only security ones: upgrade_type "
        "(update_cmd on EL7) is not `security`.  A Go service's runtime dependencies move "
        "under it with every update; SCAP asks for security only (rule "
        "dnf-automatic_security_updates_only).",
        "the upgrade_type (update_cmd) line",
        "upgrade_type = security in [commands] (EL7: update_cmd = security)."),
})
def auto_updates(facts):
    """dnf-automatic (EL8+) or yum-cron (EL7): enabled, applying, security only."""
    state = _need(facts.auto_updates, facts, "updates")
    tool, conf, path = state["tool"], state["conf"], state["path"]
    if state["enabled"] is None:
        return [_f("SEC-UPDATES-OFF", facts, "warn",
                   _("no automatic update is enabled (%(tool)s)") % {"tool": tool},
                   ("timer_dnf-automatic_enabled",), subject="updates",
                   evidence=[Evidence.fact(_("no %(tool)s unit enabled") % {"tool": tool})] + (
                       [Evidence.fact(_("%(path)s does not exist (%(tool)s not installed)") % {
                           "path": path, "tool": tool})]
                       if conf.__class__.__name__ == "Missing" else []),
                   fix=[Action.command(["dnf", "install", "-y", "dnf-automatic"] if tool !=
                                       "yum-cron" else ["yum", "install", "-y", "yum-cron"],
                                       safe=False),
                        Action.command(["systemctl", "enable", "--now", "dnf-automatic.timer"
                                        if tool != "yum-cron" else "yum-cron"], safe=False)])]
    found = []
    section = conf if hasattr(conf, "options") else None
    type_key = "update_cmd" if tool == "yum-cron" else "upgrade_type"
    applies = state["enabled"] == "dnf-automatic-install.timer" or (
        section is not None and section.flag("apply_updates"))
    if not applies:
        line = section.lines.get("apply_updates") if section is not None else None
        found.append(_f("SEC-UPDATES-NOT-APPLIED", facts, "warn",
                        _("%(tool)s downloads updates but does not apply them") % {"tool": tool},
                        ("dnf-automatic_apply_updates",), subject="updates:apply",
                        evidence=[Evidence.file(path, facts.line_text(path, line), line)
                                  if line else Evidence.fact(
                            "%s: no apply_updates in [commands] (default no)" % path)],
                        fix=[Action.edit(path, "apply_updates = yes", old=facts.line_text(
                            path, line), description=_("in [commands]"), syntax="ini")]))
    kind = (section.get(type_key) or "default") if section is not None else "default"
    if kind != "security":
        line = section.lines.get(type_key) if section is not None else None
        found.append(_f("SEC-UPDATES-NOT-SECURITY", facts, "info",
                        _("%(tool)s installs every update, not only security ones (%(setting)s)")
                        % {"tool": tool, "setting": "%s = %s" % (type_key, kind)},
                        ("dnf-automatic_security_updates_only",),
                        subject="updates:type",
                        evidence=[Evidence.file(path, facts.line_text(path, line), line)
                                  if line else Evidence.fact("%s: no %s in [commands]" % (
                                      path, type_key))],
                        fix=[Action.edit(path, "%s = security" % type_key, old=facts.line_text(
                            path, line),
                            description=_("in [commands]"), syntax="ini")]))
    return found or [_f("SEC-UPDATES", facts, "ok", _("%(tool)s applies security updates "
                                                      "(%(unit)s)") % {
        "tool": tool, "unit": state["enabled"]}, ("timer_dnf-automatic_enabled",
                                                  "dnf-automatic_apply_updates",
                                  "dnf-automatic_security_updates_only"))]


# ---------------------------------------------------------------------------------------
# systemd.exec(5): these settings imply NoNewPrivileges=yes
IMPLY_NNP = ("SystemCallFilter", "SystemCallArchitectures", "RestrictAddressFamilies",
             "RestrictNamespaces", "PrivateDevices", "ProtectKernelTunables",
             "ProtectKernelModules", "ProtectKernelLogs", "ProtectClock",
             "MemoryDenyWriteExecute", "RestrictRealtime", "RestrictSUIDSGID", "DynamicUser",
             "LockPersonality")
TRUE = ("yes", "true", "on", "1")


def _no_new_privileges(unit):
    """Whether the unit runs with NoNewPrivileges (set, or implied); the setting that says."""
    value = (unit.value("NoNewPrivileges") or "").lower()
    if value:
        return value in TRUE, "NoNewPrivileges"
    for key in IMPLY_NNP:
        setting = (unit.value(key) or "").strip()
        if setting and (setting.lower() in TRUE or key in ("SystemCallFilter",
                                                           "SystemCallArchitectures",
                                                           "RestrictAddressFamilies")):
            return True, key
    return False, None


@check("SEC-GOSVC", LAYER, "Go services run as a user of their own, with NoNewPrivileges",
       findings={
    "SEC-GOSVC-ROOT": (
        "A Go service runs as root: no User= (or User=root) and no DynamicUser=.  A flaw in "
        "the program, or in any module it imports, is then root's.  (No SCAP rule: the "
        "SCAP Security Guide does not judge a site's own units.)",
        "the unit file, its User= (or that it has none)",
        "a system user for it (`useradd --system --no-create-home --shell /sbin/nologin "
        "NAME`) and `User=NAME` in a drop-in (`systemctl edit UNIT`), with "
        "AmbientCapabilities=CAP_NET_BIND_SERVICE if it listens on a port below 1024; or "
        "DynamicUser=yes."),
    "SEC-GOSVC-NNP": (
        "A Go service runs without NoNewPrivileges=yes (set, or implied by a setting such "
        "as SystemCallFilter= or DynamicUser=): a setuid program it starts can gain "
        "privileges.  A Go program seldom needs to.",
        "the unit's files, and that neither NoNewPrivileges= nor a setting implying it is set",
        "NoNewPrivileges=yes in a drop-in (`systemctl edit UNIT`), then `systemctl restart "
        "UNIT`; not for a service that must run a setuid helper (sudo, ping on old kernels)."),
})
def go_services(facts):
    """User= and NoNewPrivileges= of the Go services the service layer finds."""
    services = facts.go_services
    if services is None:
        raise NotExamined(_("security: the service layer's facts are not available: Go "
                            "services not checked"))
    found = []
    for unit, _target in services:
        user = (unit.value("User") or "").strip()
        dynamic = (unit.value("DynamicUser") or "").lower() in TRUE
        where = unit.files[0].path if unit.files else unit.name
        if user in ("", "root", "0") and not dynamic:
            found.append(_plain_f(
                "SEC-GOSVC-ROOT", "warn", _("%(unit)s runs as root") % {"unit": unit.name},
                unit=unit.name,
                subject=unit.name, evidence=[unit.evidence("User") or Evidence.file(
                    where, "no User= (root)")],
                fix=[Action.command(["systemctl", "edit", unit.name], _(
                    "a drop-in with [Service] and User=NAME, NAME a system user of its own "
                    "(useradd --system), or DynamicUser=yes"), safe=False),
                     Action.command(["systemctl", "restart", unit.name], safe=False)]))
        nnp, key = _no_new_privileges(unit)
        if not nnp:
            found.append(_plain_f(
                "SEC-GOSVC-NNP", "info", _("%(unit)s runs without NoNewPrivileges") % {
                    "unit": unit.name},
                unit=unit.name, subject=unit.name, evidence=[
                    unit.evidence(key) if key else Evidence.file(
                        where, "no NoNewPrivileges= nor a setting that implies it")],
                fix=[Action.command(["systemctl", "edit", unit.name], _(
                    "a drop-in with [Service] and NoNewPrivileges=yes"), safe=False),
                     Action.command(["systemctl", "restart", unit.name], safe=False)]))
    if found:
        return found
    return [_plain_f("SEC-GOSVC", "ok", _("%(count)d Go service(s), none as root, each with "
                                          "NoNewPrivileges") % {"count": len(services)})]


@check("SEC-WORLD-WRITABLE", LAYER, "no world-writable file under GOROOT or a Go service's "
                                    "directories (file_permissions_unauthorized_world_"
                                    "writable)", findings={
    "SEC-WORLD-WRITABLE-FILE": (
        "A file (or a directory without the sticky bit) everyone can write, under a Go "
        "install's GOROOT, a Go service's WorkingDirectory= or its program's directory: any "
        "local user can change what go builds or what the service runs.  SCAP rule "
        "file_permissions_unauthorized_world_writable (which walks every local file "
        "system; gotriage walks only these directories, at most 40,000 entries, never "
        "following a symlink).",
        "each path, its mode and why it was walked",
        "`chmod o-w PATH` for each (the finding lists them)."),
})
def world_writable(facts):
    """A bounded walk of the Go installs' and services' directories."""
    found, seen, stopped = facts.world_writable
    if stopped:
        facts.note(_("security: the world-writable walk stopped after %(count)d entries") % {
            "count": seen})
    rules = ("file_permissions_unauthorized_world_writable",)
    if not found:
        return [_f("SEC-WORLD-WRITABLE", facts, "ok", _("no world-writable file in %(count)d "
                                                        "entries under %(dirs)d directories") % {
            "count": seen, "dirs": len(facts.walk_roots)}, rules)]
    shown = found[:20]
    return [_f("SEC-WORLD-WRITABLE-FILE", facts, "warn",
               _("%(count)d world-writable path(s) under %(where)s") % {
                   "count": len(found),
                   "where": ", ".join(sorted({why for _p, _m, _d, why in found}))}, rules,

        subject="world-writable", evidence=[
            Evidence.fact("%s %04o%s (%s)" % (path, mode, "/" if is_dir else "", why))
            for path, mode, is_dir, why in shown] + ([Evidence.fact(
                "and %d more" % (len(found) - len(shown)))] if len(found) > len(shown) else []),
        fix=[Action.command(["chmod", "o-w", path], safe=True)
             for path, _mode, _is_dir, _why in shown])]


# ---------------------------------------------------------------------------------------
# rule -> (the check that evaluates it, the finding that is its fail)
EVALUATED = {
    "sshd_disable_root_login": (ssh_root_login, "SEC-SSH-ROOT-LOGIN"),
    "no_empty_passwords": (empty_passwords, "SEC-EMPTY-PW-NULLOK"),
    "no_empty_passwords_etc_shadow": (empty_passwords, "SEC-EMPTY-PW-ACCOUNT"),
    "service_firewalld_enabled": (firewalld, "SEC-FIREWALLD-DISABLED"),
    "selinux_state": (selinux, "SEC-SELINUX-NOT-ENFORCING"),
    "selinux_policytype": (selinux, "SEC-SELINUX-NOT-TARGETED"),
    "ensure_gpgcheck_globally_activated": (gpgcheck, "SEC-GPGCHECK-MAIN-OFF"),
    "ensure_gpgcheck_never_disabled": (gpgcheck, "SEC-GPGCHECK-REPO-OFF"),
    "timer_dnf-automatic_enabled": (auto_updates, "SEC-UPDATES-OFF"),
    "dnf-automatic_apply_updates": (auto_updates, "SEC-UPDATES-NOT-APPLIED"),
    "dnf-automatic_security_updates_only": (auto_updates, "SEC-UPDATES-NOT-SECURITY"),
}


@check("SEC-SCAP", LAYER, "OpenSCAP's results beside gotriage's (--scap-results)", findings={
    "SEC-SCAP-FAILED": (
        "A rule OpenSCAP's results file says the host fails (fail, error or unknown) that "
        "gotriage does not evaluate: shown as OpenSCAP's, not confirmed by gotriage.",
        "the results file, the rule's XCCDF id, its title and result",
        "the rule's own remediation in the SCAP content (`oscap xccdf generate fix`), or the "
        "SCAP Security Guide's description of the rule."),
    "SEC-SCAP-DISAGREES": (
        "OpenSCAP and gotriage judge a rule both evaluate differently: the results file may "
        "be older than the host's state, or the content reads other files (Debian 11's "
        "content reads PermitRootLogin in sshd_config only, gotriage the drop-ins too: "
        "docs/security.md).",
        "the rule, OpenSCAP's result, gotriage's verdict and its finding",
        "scan again (`oscap xccdf eval`) and compare; gotriage's finding shows the file and "
        "line it judged."),
})
def scap_results(facts):
    """The failed rules of an OpenSCAP results file, matched to gotriage's by rule id."""
    given = facts.scap_results
    if given is None:
        return []
    path, scan = given
    found = []
    verdicts = {}
    for rule, (func, finding_id) in sorted(EVALUATED.items()):
        try:
            ids = {f.id for f in func(facts)}
        except NotExamined:
            continue
        verdicts[rule] = (finding_id in ids, finding_id)
    failed = scan.failed()
    for rule, result in scan.results:
        if rule in verdicts and result in ("pass", "fail"):
            gotriage_fails, finding_id = verdicts[rule]
            if gotriage_fails != (result == "fail"):
                found.append(_f("SEC-SCAP-DISAGREES", facts, "info",
                                _("OpenSCAP says %(scap)s, gotriage says %(ours)s: %(rule)s") % {
                                    "scap": result, "rule": rule,
                                    "ours": "fail (%s)" % finding_id if gotriage_fails
                                    else "pass"}, (rule,), subject="scap:" + rule,
                                evidence=[Evidence.file(path, "%s: %s" % (
                                    RULE_BY_ID[rule].xccdf_id, result))]))
        elif rule not in EVALUATED and (rule, result) in failed:
            title = scan.titles.get(rule)
            found.append(_plain_f(
                "SEC-SCAP-FAILED", "warn", _("from OpenSCAP: %(rule)s %(result)s%(title)s") % {
                    "rule": rule, "result": result,
                    "title": " (%s)" % title if title else ""},
                subject="scap:" + rule, references=["xccdf_org.ssgproject.content_rule_" + rule],
                evidence=[Evidence.file(path, "xccdf_org.ssgproject.content_rule_%s: %s" % (
                    rule, result))]))
    both = sorted(rule for rule, _ in failed if rule in EVALUATED)
    found.append(_plain_f("SEC-SCAP", "ok", _("OpenSCAP's results: %(failed)d rule(s) failed, "
                                             "%(both)d of them evaluated by gotriage "
                                             "too%(rules)s") % {
                                               "failed": len(failed), "both": len(both),
                                               "rules": (": " + ", ".join(both)) if both else ""},

                         subject="scap",
                         evidence=[Evidence.file(path, "%s%s, started %s, target %s" % (
                             scan.benchmark, ", profile %s" % scan.profile if scan.profile
                             else "", scan.start, scan.target))]))
    return found
