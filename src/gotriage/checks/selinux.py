"""The SELinux layer: mode, booleans, and the AVC denials that stop Go services."""

import datetime

from gotriage.checks import NotExamined, check
from gotriage.checks.unanswered import answered_title, hung_doc, hung_findings
from gotriage.findings import Action, Evidence, Finding
from gotriage.i18n import N_, _, ngettext
from gotriage.parsers.audit import size_text
from gotriage.selinux.analyzers import setsebool_action, verdict_summary
from gotriage.selinux.groups import group_denials, logged_only, sentence

LAYER = "selinux"
CONFIG_PATH = "/etc/selinux/config"
MAX_DENIAL_FINDINGS = 20


def _f(id, severity, title, **kw):
    return Finding(id, severity, title, layer=LAYER, **kw)


def _when(stamp):
    if stamp is None:
        return "?"
    return datetime.datetime.utcfromtimestamp(stamp).strftime("%Y-%m-%d %H:%M:%S UTC")


# ---------------------------------------------------------------------------------------
@check("SEL-MODE", LAYER, "SELinux mode, now and after a reboot", findings={
    "SEL-MODE-DISABLED": (
        "SELinux is disabled, or not in use at all (a system that is not of the EL family, "
        "whose kernel runs without SELinux: an /etc/selinux/config there has no effect): "
        "nothing is denied, and no denial explains a failure.",
        "/sys/fs/selinux (absent) or getenforce, /etc/selinux/config, /proc/filesystems "
        "(no selinuxfs), /etc/os-release",
        "nothing to fix for Go; to enable it set SELINUX=permissive in /etc/selinux/config, "
        "`touch /.autorelabel` and reboot."),
    "SEL-MODE-PERMISSIVE": (
        "SELinux is permissive: denials are logged (permissive=1) but nothing is blocked, so "
        "they will break the service once it is enforcing.",
        "/sys/fs/selinux/enforce (0)",
        "fix the logged denials (gotriage avc), then `setenforce 1`."),
    "SEL-MODE-MISMATCH": (
        "The running mode differs from SELINUX= in /etc/selinux/config: a reboot changes it "
        "(what works now may stop working, or the reverse).",
        "/sys/fs/selinux/enforce and the SELINUX= line",
        "never weaken SELinux to match: when the file says enforcing, get there safely "
        "(review the denials with `gotriage avc`, fix them, then `setenforce 1`; the file "
        "stays enforcing); when the running mode is the stronger one, write it in the file."),
    "SEL-MODE-RELABEL": (
        "SELinux is disabled now but the config enables it: files created meanwhile have no "
        "label, and booting enforcing without a relabel breaks services (and logins).",
        "/sys/fs/selinux (absent) and the SELINUX= line",
        "`touch /.autorelabel` before rebooting (the relabel takes a while), or boot permissive "
        "first; when the kernel boots with selinux=0, take it off its command line too "
        "(`grubby --update-kernel ALL --remove-args selinux`)."),
})
def mode(facts):
    """The mode from /sys/fs/selinux/enforce (or getenforce) against SELINUX= and
    SELINUXTYPE= in /etc/selinux/config."""
    current, source = facts.mode
    cfg = facts.config
    evidence = []
    if isinstance(source, str):
        evidence.append(Evidence.file(source, {"enforcing": "1", "permissive": "0"}.get(current)))
    elif source is not None:
        evidence.append(Evidence.command(source))
    if cfg and "SELINUX" in cfg.lines:
        number, text = cfg.lines["SELINUX"]
        evidence.append(Evidence.file(cfg.path, text, number))
    if current is None:
        raise NotExamined(_("SELinux mode not examined: /sys/fs/selinux/enforce unreadable and "
                            "no getenforce"))
    results = []
    configured = cfg.mode if cfg else None
    if current == "disabled":
        not_in_kernel = facts.kernel_has_selinux is False and facts.el_family is False \
            and not facts.selinux_off_at_boot
        if configured in ("enforcing", "permissive") and not_in_kernel:
            # e.g. Debian with its SELinux policy package installed but not activated: the
            # config file has no effect, and a relabel would fix nothing
            number, text = cfg.lines["SELINUX"]
            results.append(_f("SEL-MODE-DISABLED", "info",
                              _("SELinux is not in use: this kernel runs without it (no "
                                "selinuxfs in /proc/filesystems), so %(path)s (%(line)s) has no "
                                "effect") % {"path": CONFIG_PATH, "line": text.strip()},
                              evidence=evidence + [Evidence.fact(_(
                                  "/proc/filesystems lists no selinuxfs; not an EL-family "
                                  "system (/etc/os-release)"))]))
        elif configured in ("enforcing", "permissive"):
            fix = [Action.command(["touch", "/.autorelabel"],
                                  description=_("relabel the whole file system on the next boot"))]
            if facts.selinux_off_at_boot:
                evidence.append(Evidence.fact("/proc/cmdline: selinux=0"))
                fix.insert(0, Action.command(
                    ["grubby", "--update-kernel", "ALL", "--remove-args", "selinux"],
                    description=_("the kernel boots with selinux=0, which overrides the config "
                                  "file: take it off the command line of every kernel")))
            results.append(_f("SEL-MODE-RELABEL", "warn",
                              _("SELinux is disabled now; /etc/selinux/config says %(mode)s: "
                                "relabel before that reboot") % {"mode": configured},
                              evidence=evidence,
                              why=_("Files created while SELinux was off carry no label."),
                              fix=fix))
        elif cfg is None:
            results.append(_f("SEL-MODE", "ok", _("SELinux is not in use (no selinuxfs, no %(path)s)") % {
                "path": CONFIG_PATH}))
        else:
            results.append(_f("SEL-MODE-DISABLED", "info", _("SELinux is disabled"), evidence=evidence))
        return results
    if configured and configured != current:
        number, text = cfg.lines["SELINUX"]
        results.append(_f(
            "SEL-MODE-MISMATCH", "warn",
            _("SELinux is %(now)s now but %(then)s after a reboot (%(path)s line %(n)d)") % {
                "now": current, "then": configured, "path": cfg.path, "n": number},
            evidence=evidence, subject=cfg.path,
            why=_("setenforce changes only the running system; /etc/selinux/config decides at "
                  "boot.  gotriage never proposes a weaker mode: the way out is to fix what "
                  "enforcing would deny."),
            fix=_mode_fix(current, configured, cfg, text)))
    if current == "permissive":
        results.append(_f("SEL-MODE-PERMISSIVE", "info",
                          _("SELinux is permissive (policy %(policy)s): denials are logged, not "
                            "enforced") % {"policy": facts.policy_name}, evidence=evidence))
    else:
        results.append(_f("SEL-MODE", "ok", _("SELinux is %(mode)s (policy %(policy)s)") % {
            "mode": current, "policy": facts.policy_name},
                          evidence=evidence))
    return results


STRENGTH = {"disabled": 0, "permissive": 1, "enforcing": 2}


def _to_enforcing(configured):
    """The safe way from permissive to enforcing: what enforcing would deny is already in
    the audit log (permissive=1), so fix it first, then enforce."""
    return [Action.command(["gotriage", "avc"], description=_(
                "the denials logged while permissive: each would be blocked when enforcing")),
            Action.note(_("fix each as it says (a label, a port, a boolean for that service, or "
                          "a module), and check the service works")),
            Action.command(["setenforce", "1"], safe=False, description=_(
                "enforce now, once no denial is left; /etc/selinux/config already says "
                "enforcing") if configured == "enforcing" else _(
                "enforce now, once no denial is left; then set SELINUX=enforcing in "
                "/etc/selinux/config"))]


def _mode_fix(current, configured, cfg, text):
    """Never towards a weaker mode: when the file is stronger than the running mode, the
    steps to reach it safely; when the running mode is stronger, write it in the file."""
    if STRENGTH.get(configured, 0) > STRENGTH.get(current, 0):
        return _to_enforcing(configured) if current == "permissive" else []
    fix = [Action.edit(cfg.path, "SELINUX=%s" % current, old=text,
                       description=_("keep today's %(mode)s mode after a reboot") % {"mode": current})]
    if current == "permissive":
        fix.extend(_to_enforcing(configured))
    return fix


# ---------------------------------------------------------------------------------------
@check("SEL-PERMISSIVE", LAYER, "permissive domains", findings={
    "SEL-PERMISSIVE-DOMAINS": (
        "Some domains are permissive (`semanage permissive -a`): their denials are logged "
        "but not enforced, even in enforcing mode.",
        "the permissive_* modules in the policy store",
        "when done debugging: `semanage permissive -d DOMAIN`."),
})
def permissive(facts):
    """Domains made permissive with semanage (modules permissive_DOMAIN in the store)."""
    current, _source = facts.mode
    if current in (None, "disabled"):
        return []
    domains = facts.permissive_domains
    if not domains:
        return [_f("SEL-PERMISSIVE", "ok", _("no permissive domains"))]
    return [_f("SEL-PERMISSIVE-DOMAINS", "info", _("permissive domains: %(domains)s") % {"domains": ", ".join(domains)},
               evidence=[Evidence.fact(_("modules permissive_%(domain)s in %(store)s/modules") % {
                   "domain": d, "store": facts.store})
                         for d in domains[:10]],
               fix=[Action.command(["semanage", "permissive", "-d", d], safe=False)
                    for d in domains[:10]])]


# ---------------------------------------------------------------------------------------
@check("SEL-BOOL", LAYER, "booleans: pending and persistent values", findings={
    "SEL-BOOL-PENDING": (
        "A boolean's pending value differs from its current one: a change was staged but not "
        "committed.",
        "/sys/fs/selinux/booleans/NAME (\"current pending\")",
        "`setsebool NAME VALUE` (add -P to keep it after a reboot)."),
    "SEL-BOOL-NOT-PERSISTENT": (
        "A boolean's running value differs from the value stored with setsebool -P: the next "
        "reboot (or policy rebuild) changes it.",
        "/sys/fs/selinux/booleans/NAME and booleans.local in the policy store",
        "`setsebool -P NAME VALUE` with the value you want to keep."),
})
def booleans(facts):
    """Current vs pending values (/sys/fs/selinux/booleans) and running vs persistent
    (booleans.local)."""
    values = facts.booleans
    if not values:
        return []
    results = []
    for name, (current, pending) in sorted(values.items()):
        if current != pending:
            results.append(_f(
                "SEL-BOOL-PENDING", "warn", _("boolean %(name)s is %(now)s, pending %(pending)s") % {
                    "name": name, "now": "on" if current else "off",
                    "pending": "on" if pending else "off"}, subject=name,
                evidence=[Evidence.file("/sys/fs/selinux/booleans/" + name, "%d %d" % (current, pending))],
                fix=[setsebool_action(name, pending, _("commit the staged value"))]))
    for name, stored in sorted(facts.persistent_booleans.items()):
        if name in values and values[name][0] != stored:
            results.append(_f(
                "SEL-BOOL-NOT-PERSISTENT", "warn", _("boolean %(name)s is %(now)s now but %(then)s after a reboot") % {
                    "name": name, "now": "on" if values[name][0] else "off",
                    "then": "on" if stored else "off"}, subject=name,
                evidence=[Evidence.file("/sys/fs/selinux/booleans/" + name, "%d %d" % values[name]),
                          Evidence.file(facts.store + "/booleans.local", "%s=%d" % (name, stored))],
                fix=[setsebool_action(name, values[name][0], _("keep today's value"))]))
    if not results:
        results.append(_f("SEL-BOOL", "ok", _("%(n)d booleans, none pending or different after a "
                                                  "reboot") % {"n": len(values)}))
    return results


# ---------------------------------------------------------------------------------------
@check("SEL-AVC", LAYER, "AVC denials in the audit log, explained", findings={
    "SEL-AVC-EXEC-LABEL": (
        "A program is denied execute because of its label, typically a Go binary moved with "
        "`mv` from a home directory or /tmp: systemd (init_t) may not execute user_home_t or "
        "user_tmp_t, so the unit fails with status=203/EXEC.",
        "the AVC record, its SYSCALL/PATH records, and the label the path should have",
        "`restorecon -v PATH`; for a custom directory `semanage fcontext -a -t bin_t "
        "'DIR(/.*)?'` then `restorecon -Rv DIR` (not audit2allow's `allow init_t "
        "user_home_t:file execute`)."),
    "SEL-AVC-FILE-LABEL": (
        "A service is denied a file because of the file's label (moved with mv, created "
        "elsewhere, or kept in a directory that is not labelled for the service).  A unit's "
        "own log file (StandardOutput=append:PATH, `--log-file PATH` in ExecStart=) denied a "
        "write is that unit's: the finding names it, and the unit's failure in the journal "
        "(status=209/STDOUT, or the program's `open PATH: permission denied`) folds under it.",
        "the AVC record and the label its path should have (file_contexts); for a log, the "
        "unit's setting that names it",
        "`restorecon -v PATH`, or `semanage fcontext -a -t TYPE 'DIR(/.*)?'` then "
        "`restorecon -Rv DIR` with a type the service may use; for a unit's log the log "
        "type its writer may append to (var_log_t for systemd's StandardOutput=, the domain's "
        "own `_log_t` for the program), never on /var/log itself, and only then a module."),
    "SEL-AVC-PORT": (
        "A service may not bind or connect to a port because of the port's type.",
        "the AVC record (src= or dest= port) and the port's current type",
        "`semanage port -a -t TYPE -p tcp PORT`, or `-m` when the port already has a type "
        "(8080 is http_cache_port_t, 9090 websm_port_t, 9100 hplip_port_t)."),
    "SEL-AVC-BOOLEAN": (
        "A policy boolean allows the denied access; its current value is shown.",
        "the AVC record and /sys/fs/selinux/booleans/NAME",
        "`setsebool -P NAME on` (RHEL and reference policy names differ; go_execmem and an "
        "execmod boolean do not exist)."),
    "SEL-AVC-CONSTRAINT": (
        "audit2why says a policy constraint refuses the access: the type rules allow it, but "
        "the SELinux users, roles or MLS levels of the process and the target differ in a way "
        "a constrain/mlsconstrain rule forbids, so no allow rule, module or boolean fixes it.",
        "the AVC record and audit2why's verdict (the constraint and its possible cause)",
        "`restorecon -F -v PATH` when the file's user, role or level is not the policy's; "
        "otherwise run the program as an SELinux user, role or level the constraint accepts."),
    "SEL-AVC-MODULE": (
        "No label, port or boolean explains the denial: only a local policy module allows it.",
        "the AVC record and the exact allow rule",
        "`gotriage avc --module NAME` writes NAME.te with only these rules and the commands to "
        "build and load it."),
    "SEL-AVC-UNREADABLE": (
        "The audit log could not be read, so denials cannot be examined.",
        "the log path and the error",
        "run gotriage as root (audit.log is mode 0600), or pass a copy: `gotriage avc FILE`."),
    "SEL-AVC-UNPARSED": (
        "Some lines of the audit log are not audit records, or AVC records could not be "
        "parsed (truncated writes, binary garbage, a stray ENRICHED separator); they are "
        "counted, never dropped silently.",
        "counts and the first lines, with their file and line number",
        "nothing to fix in most cases; check the log's integrity if the count is large."),
    "SEL-AVC-DONTAUDIT": (
        "A hint, not a denial found: a service failed while no denial was logged near that "
        "time, and the policy's dontaudit rules deny some accesses without logging them.  "
        "Whether one did here is only seen by making them log.",
        "the SERVICE_START res=failed record",
        "`semodule -DB` (rebuild the policy without its dontaudit rules: hidden denials are "
        "logged), reproduce the failure, `gotriage avc --since recent` to read them, then "
        "`semodule -B` (dontaudit rules back: they silence noise)."),
})
def avc(facts):
    """Denials in /var/log/audit/audit.log and its rotations (one streaming pass),
    deduplicated, each explained by the narrowest fix (selinux/analyzers.py); the denials
    that share a fix are one finding (selinux/groups.py)."""
    current, _source = facts.mode
    scan = facts.scan
    results = []
    for path, code, message in facts.log_errors():
        if code == "ENOENT" and path == "/var/log/audit/audit.log" and current in (None, "disabled"):
            continue
        results.append(_f("SEL-AVC-UNREADABLE", "warn" if code != "ENOENT" else "info",
                          _("cannot read %(path)s: %(error)s") % {
                              "path": path, "error": message or code}, subject=path,
                          evidence=[Evidence.fact("%s: %s" % (path, code))]))
    results.extend(denial_findings(facts, scan, current))
    results.extend(scan_findings(scan, current))
    if not any(f.id.startswith("SEL-AVC-") and f.id not in ("SEL-AVC-UNPARSED",) for f in results):
        results.extend(no_denial_findings(scan))
    return results


def no_denial_findings(scan):
    """The ok result of logs read with no denial in them ([] when none could be read)."""
    read = [e["path"] for e in scan.files if not e.get("error")]
    if not read:
        return []
    return [_f("SEL-AVC", "ok", _("no AVC denials in %(paths)s (%(size)s)") % {
        "paths": ", ".join(read), "size": size_text(scan.bytes)},
               check="SEL-AVC")]


def denial_findings(facts, scan, current):
    """The findings of the denials: one per group of denials that share a fix (the
    MAX_DENIAL_FINDINGS first), as `gotriage avc` reports them."""
    denials = sorted(scan.distinct(), key=lambda d: (-d.count, d.index))
    if not denials:
        return []
    explained, view = facts.explained()
    grouped = group_findings(explained, current, view.verdicts, view.audit2why)
    if len(grouped) > MAX_DENIAL_FINDINGS:
        rest = grouped[MAX_DENIAL_FINDINGS:]
        distinct = sum(len(g.members) for g, _f in rest)
        facts.note(_("%(groups)s (%(denials)s) not shown: run `gotriage avc`") % {
            "groups": ngettext("%(n)d more group", "%(n)d more groups", len(rest)) % {
                "n": len(rest)},
            "denials": ngettext("%(n)d distinct denial", "%(n)d distinct denials", distinct) % {
                "n": distinct}})
    return [f for _g, f in grouped[:MAX_DENIAL_FINDINGS]]


SEVERITY_ORDER = {"error": 0, "warn": 1, "info": 2, "ok": 3}
# what a denial only logged says first (issue 14: it blocked nothing); translated where used
LOGGED_ONLY = N_("logged, not blocked (permissive=1): ")
# the confidence of an explanation (selinux/explanation.py), as a note words it
CONFIDENCE = {"high": N_("high"), "medium": N_("medium"), "low": N_("low")}


def _confidence(word):
    return _(CONFIDENCE[word]) if word in CONFIDENCE else word


def group_findings(explained, current, verdicts=None, audit2why=None):
    """[(Group, Finding)] of [(denial, explanations)] (commonest first): the denials that
    share a fix in one finding each (selinux/groups.py), errors first, then the groups
    with the most denial records.  `check --layer selinux` and `gotriage avc` both report
    these."""
    out = []
    for number, group in enumerate(group_denials(explained)):
        out.append((number, group, group_finding(group, current, verdicts, audit2why)))
    # a group only logged (permissive=1) after every real block of its severity
    out.sort(key=lambda item: (SEVERITY_ORDER[item[2].severity], item[1].logged_only,
                               -item[1].records, item[0]))
    return [(group, finding) for _n, group, finding in out]


def group_finding(group, current, verdicts=None, audit2why=None):
    """The finding of a group of denials: the finding of its denial when it is alone
    (denial_finding), else the group's fix and title, the worst severity of its denials,
    the evidence of the commonest and a line for each other (the first 10)."""
    d, ex = group.members[0]
    first = denial_finding(d, ex, current, verdicts, audit2why)
    if len(group.members) == 1:
        return first
    # the others' findings are not made: only their severities count
    severity = min((denial_severity(d, ex[0], current) for d, ex in group.members),
                   key=SEVERITY_ORDER.get)
    evidence = list(first.evidence)
    others = group.denials[1:]
    evidence.extend(Evidence.fact(ngettext(
        "and %(denial)s, %(n)d time", "and %(denial)s, %(n)d times", d.count) % {
            "denial": sentence(d), "n": d.count}) for d in others[:MAX_GROUP_EVIDENCE])
    if len(others) > MAX_GROUP_EVIDENCE:
        more = len(others) - MAX_GROUP_EVIDENCE
        evidence.append(Evidence.fact(ngettext(
            "and %(n)d more denial (`gotriage avc --json` lists every one)",
            "and %(n)d more denials (`gotriage avc --json` lists every one)", more) % {"n": more}))
    best = group.best
    # a unit's log: its fix already ends with the module, the one other way
    fix = list(group.fix) + ([] if best.unit else alternatives(group))
    notes = common_notes(group)
    title = group.title
    if best.unit and not title.startswith(best.unit + ": "):
        title = "%s: %s" % (best.unit, title)  # the unit whose log it is, as one denial's title
    return _denial(best.id, severity, "%s%s  [%s, %s, %d×]" % (
        _(LOGGED_ONLY) if group.logged_only else "", title, _processes(group),
        ngettext("%(n)d denial", "%(n)d denials", len(group.members)) % {"n": len(group.members)},
        group.records),
        subject=best.subject or group.subject, unit=best.unit, evidence=evidence,
        why=best.why + ("  " + "; ".join(notes) if notes else ""),
        predicted_error=best.predicted_error, fix=fix, check="SEL-AVC")


MAX_GROUP_EVIDENCE = 10


def common_notes(group):
    """The notes of the narrowest explanation that every denial of the group has."""
    notes = list(group.best.notes)
    for _d, ex in group.members[1:]:
        notes = [n for n in notes if n in ex[0].notes]
    return notes


def _processes(group):
    names = []
    for d in group.denials:
        name = d.comm or d.stype
        if name not in names:
            names.append(name)
    return ", ".join(names[:3]) + (", +%d" % (len(names) - 3) if len(names) > 3 else "")


def alternatives(group, limit=2):
    """The next explanations of a group's denials as notes, 'or (medium): TITLE', the
    first `limit` in the order of its commonest denial's; one that applies to only some
    of the denials says to how many."""
    seen = {}
    for _d, ex in group.members:
        for other in ex[1:3]:
            entry = seen.setdefault(other.title, [other.confidence, 0, len(seen)])
            entry[1] += 1
    n = len(group.members)
    out = []
    for title, (confidence, times, _order) in sorted(seen.items(), key=lambda kv: kv[1][2])[:limit]:
        out.append(Action.note((
            _("or (%(confidence)s): %(title)s") if times == n or n == 1 else
            _("or (%(confidence)s, for %(k)d of the %(n)d denials): %(title)s")) % {
                "confidence": _confidence(confidence), "k": times, "n": n, "title": title}))
    return out


def denial_finding(d, explanations, current, verdicts=None, audit2why=None):
    """The finding of one distinct denial from its explanations (the narrowest first),
    as `check --layer selinux` and `gotriage avc` both report it: an execute or a port
    denied while enforcing is an error, any other denial a warning.  `current` is the
    SELinux mode of the host the log comes from (None when unknown); `verdicts` and
    `audit2why` are audit2why's verdicts by denial key and its run, when it answered."""
    best = explanations[0]
    severity = denial_severity(d, best, current)
    evidence = [Evidence.file(d.where[0], d.lines[0]) if d.where else
                Evidence.fact(d.lines[0])]
    evidence.extend(Evidence.fact(line) for line in d.lines[1:4])
    verdict = verdicts.get(d.key) if verdicts else None
    if verdict is not None and audit2why is not None:
        evidence.append(Evidence.command(audit2why, text="(its AVC line on stdin) %s%s" % (
            verdict_summary(verdict), "; %s the explanation" % best.audit2why
            if best.audit2why in ("confirmed", "contradicted") else "")))
    seen = ngettext("seen %(n)d time, first %(first)s, last %(last)s",
                    "seen %(n)d times, first %(first)s, last %(last)s", d.count) % {
                        "n": d.count, "first": _when(d.first), "last": _when(d.last)}
    evidence.append(Evidence.fact(seen + (_(" (permissive=1: logged, not blocked)")
                                          if d.permissive == {1} else "")))
    fix = list(best.fix)
    for other in explanations[1:3] if not best.unit else ():
        fix.append(Action.note(_("or (%(confidence)s): %(title)s") % {
            "confidence": _confidence(other.confidence), "title": other.title}))
    return _denial(best.id, severity, "%s%s  [%s, %d×]" % (
        _(LOGGED_ONLY) if logged_only(d) else "", best.title, d.comm or d.stype, d.count),
        subject=best.subject or denial_subject(d), unit=best.unit,
        evidence=evidence, why=best.why + ("  " + "; ".join(best.notes) if best.notes else ""),
        predicted_error=best.predicted_error, fix=fix, check="SEL-AVC")


def denial_severity(d, best, current):
    """The severity of a denial's finding (denial_finding), `best` its narrowest
    explanation: an execute or a port denied while enforcing is an error, any other
    denial a warning."""
    enforced = 0 in d.permissive or (not d.permissive and current == "enforcing")
    # a unit's log file denied stops that unit (status=209/STDOUT, or the program exits)
    severity = "error" if enforced and (best.id in ("SEL-AVC-EXEC-LABEL", "SEL-AVC-PORT") or
                                        best.unit) else "warn"
    if current == "permissive" or d.permissive == {1}:
        severity = "warn"
    return severity


def denial_subject(d):
    """The subject of a denial's finding: its key, as one string."""
    return "|".join(str(x) for x in d.key)


def _denial(id, severity, title, **kw):
    """The finding of an analyzer's explanation (ids spelled out for the registry test)."""
    makers = {
        "SEL-AVC-EXEC-LABEL": lambda: _f("SEL-AVC-EXEC-LABEL", severity, title, **kw),
        "SEL-AVC-FILE-LABEL": lambda: _f("SEL-AVC-FILE-LABEL", severity, title, **kw),
        "SEL-AVC-PORT": lambda: _f("SEL-AVC-PORT", severity, title, **kw),
        "SEL-AVC-BOOLEAN": lambda: _f("SEL-AVC-BOOLEAN", severity, title, **kw),
        "SEL-AVC-CONSTRAINT": lambda: _f("SEL-AVC-CONSTRAINT", severity, title, **kw),
        "SEL-AVC-MODULE": lambda: _f("SEL-AVC-MODULE", severity, title, **kw),
    }
    return makers[id]()


def scan_findings(scan, current):
    results = []
    bad = scan.unrecognized + scan.bad_avc + scan.stray_gs
    if bad:
        samples = scan.unrecognized_samples + scan.bad_avc_samples + scan.stray_gs_samples
        results.append(_f(
            "SEL-AVC-UNPARSED", "info",
            _("%(n)d lines not read as audit records (%(other)d not audit records, %(bad)d AVC "
              "records unparsable, %(gs)d with a stray 0x1D, %(long)d too long)") % {
                  "n": bad, "other": scan.unrecognized, "bad": scan.bad_avc,
                  "gs": scan.stray_gs, "long": scan.too_long},
            evidence=[Evidence.file(path, text, line) for path, line, text in samples[:5]]))
    if current == "enforcing":
        for unit in scan.failed_units.values():
            if unit.explained:
                continue
            results.append(_f(
                "SEL-AVC-DONTAUDIT", "info",
                dontaudit_hint(unit), subject=unit.unit,
                evidence=[Evidence.file(unit.where[0], unit.line)],
                why=_("Policies silence some denials with dontaudit rules; they still deny.  "
                      "No denial was logged from 10 s before to 1 s after the failure, so "
                      "nothing here says SELinux caused it: this is where to look next."),
                fix=[Action.command(["semodule", "-DB"], description=_("log dontaudit denials too"),
                                    safe=False),
                     Action.command(["systemctl", "restart", unit.unit], description=_("reproduce")),
                     Action.command(["gotriage", "avc", "--since", "recent"]),
                     Action.command(["semodule", "-B"], description=_("restore dontaudit rules"))]))
    return results


def dontaudit_hint(unit):
    """What to do about a unit that failed with no denial near it, in a sentence."""
    return _("hint: unit %(unit)s failed %(times)s with no denial logged near it; to see a "
             "denial a dontaudit rule may hide, run `semodule -DB`, reproduce the failure, read it "
             "with `gotriage avc --since recent`, then `semodule -B`") % {
                 "unit": unit.unit,
                 "times": ngettext("%(n)d time", "%(n)d times", unit.count) % {"n": unit.count}}


# ---------------------------------------------------------------------------------------
@check("SEL-INPUT", LAYER, "the SELinux tools the verdicts read answered", findings={
    "SEL-INPUT-HUNG": hung_doc("the SELinux verdicts (getenforce, getsebool, audit2why, "
                               "matchpathcon, sesearch, seinfo, semanage)"),
})
def inputs(facts):
    """Runs after the other SELinux checks (the runner's rule for -INPUT checks): every
    tool they asked that timed out or was not started before the run's deadline."""
    hung = [_f("SEL-INPUT-HUNG", "warn", title, **kw) for title, kw in hung_findings(facts.inputs)]
    if hung or not facts.inputs.answered:
        return hung
    return [_f("SEL-INPUT", "ok", answered_title(facts.inputs))]
