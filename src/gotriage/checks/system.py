"""The system layer: will Go binaries run here, and can this host install what Go needs?
Distribution and end of life (with the archives of ended lines: CentOS, Scientific Linux,
Fedora), the kernel against
Go's minimum, kernel modules of Go network services, and limits that break the runtime."""

import datetime

from gotriage.checks import check
from gotriage.checks.unanswered import answered_title, hung_doc, hung_findings
from gotriage.findings import Action, Evidence, Finding
from gotriage.i18n import N_, _
from gotriage.knowledge.china_network import china_vault_urls
from gotriage.knowledge.go import NOFILE_MIN, NPROC_MIN
from gotriage.knowledge.go_kernel import (
    EPOLL_ENOSYS,
    format_kernel,
    kernel_fixes,
    min_kernel,
    parse_kernel,
)
from gotriage.knowledge.releases import CHECKED, archive_url, stale_url
from gotriage.parsers.limits import UNLIMITED, applicable
from gotriage.quoting import Unrepresentable, ini_value

LAYER = "system"


def _f(id, severity, title, **kw):
    return Finding(id, severity, title, layer=LAYER, **kw)


# ---------------------------------------------------------------------------------------
@check("SYS-DISTRO", LAYER, "the distribution is identified and supported", findings={
    "SYS-DISTRO-UNKNOWN": (
        "Neither os-release, a *-release file, the CPE name, the rpm database nor the "
        "repository files name the distribution.",
        "the files read",
        "nothing to fix: checks that depend on the release (glibc, end of life) are skipped."),
    "SYS-DISTRO-EOL": (
        "The release (or its openEuler service pack) is past its end of life: no more "
        "updates, and for some lines (CentOS, Scientific Linux, Fedora) the repositories "
        "moved to an archive.  Where the vendor sells extended support (RHEL ELS, Oracle "
        "Extended Support, CloudLinux ELS) the finding says until when.",
        "os-release (or the *-release file, CPE name, release package or repository file) "
        "and the end-of-life date with its source (knowledge/release_data.py)",
        "migrate to a supported release (Rocky, AlmaLinux, RHEL, CentOS Stream 9/10...); "
        "meanwhile point the repositories at the archive (see SYS-DISTRO-DEAD-MIRROR)."),
    "SYS-DISTRO-OLD-MINOR": (
        "A Rocky Linux or AlmaLinux minor release that a newer one replaced: it gets no "
        "updates of its own; the line does, once the host is upgraded.",
        "os-release VERSION_ID and the day the next minor came out",
        "`dnf upgrade` (the repositories follow the line, not the minor)."),
    "SYS-DISTRO-DEAD-MIRROR": (
        "An enabled repository of an ended release still points where its packages no "
        "longer are: CentOS's mirrorlist.centos.org and mirror.centos.org (`Could not "
        "resolve host: mirrorlist.centos.org` / `Cannot find a valid baseurl for repo`), "
        "Scientific Linux's live tree (moved to linux/scientific/obsolete/: `HTTP Error 404 "
        "- Not Found`), Fedora's mirror network (an ended release is archived: `Failed to "
        "download metadata for repo`).",
        "the .repo file, section and line",
        "comment out mirrorlist=/metalink= and set baseurl= to the release in its archive "
        "(vault.centos.org, the obsolete tree, archives.fedoraproject.org: the exact line "
        "per section), then `yum clean all` / `dnf clean all`."),
})
def distro(facts):
    """Identifies the distribution and release from os-release, *-release files, the CPE
    name, the release package or the repository files, and compares it with the release
    table (knowledge/releases.py): the line's end, a service pack's or minor's own end,
    or the host's own SUPPORT_END when the table has no date."""
    d = facts.distro
    if d is None:
        return [_f("SYS-DISTRO-UNKNOWN", "info", _("the distribution could not be identified"),
                   evidence=[Evidence.fact(_("no /etc/os-release, /usr/lib/os-release, *-release "
                                             "file, CPE name, release package or repository "
                                             "file names it"))],
                   why=_("Release-specific checks (glibc, end of life) are skipped."))]
    results = []
    release = d.release
    line = (release.line or release) if release is not None else None
    today = facts.today
    if line is not None and line.past_eol(today):
        results.append(_eol(d, line, today))
        results.extend(_dead_mirrors(facts, d, line))
    elif release is not None and release.past_eol(today) and release.id == "openEuler":
        results.append(_eol(d, release, today))
    elif release is not None and release.past_eol(today):
        results.append(_old_minor(d, release, line))
    elif (release is None or release.eol is None) and _support_end(d) and \
            _support_end(d) < today:
        results.append(_f(
            "SYS-DISTRO-EOL", "warn", _("%(release)s reached its end of life on %(date)s") % {
                "release": d.describe(), "date": _support_end(d).isoformat()},
            subject=d.describe(),
            evidence=list(d.evidence) + [Evidence.fact(_("SUPPORT_END=%(date)s in os-release") % {
                "date": d.support_end})],
            why=_("No security updates after the date the release itself names."),
            fix=[Action.note(_("migrate to a supported release"))]))
    glibc = facts.glibc[0]
    extra = _(" (EL%(major)d compatible)") % {"major": d.el} if d.el and d.id != "rhel" else ""
    if d.id == "uos" and d.variant:
        extra += _(" (%(variant)s)") % {"variant": d.variant}
    known = [part for part in ("glibc %s" % glibc if glibc else None,
                               _("kernel %(kernel)s") % {"kernel": facts.kernel}
                               if facts.kernel else None) if part]
    unknown = {(True, True): _(" (glibc and kernel unknown)"), (True, False): _(" (glibc unknown)"),
               (False, True): _(" (kernel unknown)"), (False, False): ""}[
                   (not glibc, not facts.kernel)]
    results.append(_f("SYS-DISTRO", "ok", "%s%s%s%s" % (
        d.describe(), extra, "".join(", " + k for k in known), unknown),
        evidence=list(d.evidence)))
    return results


def _support_end(d):
    try:
        return datetime.date(*(int(p) for p in d.support_end.split("-"))) if d.support_end else None
    except (TypeError, ValueError):
        return None


def _eol(d, release, today):
    phase = release.phase(today)
    name = release.name
    extended = _(" Extended support (paid) runs to %(date)s.") % {
        "date": release.extended.isoformat()} if phase == "extended" else ""
    fix = [Action.note(_("migrate to a supported release"))]
    if release.id == "openEuler" and not release.is_line:
        fix = [Action.note(_("move to a service pack or LTS release that is still maintained "
                             "(openEuler's download archive lists them)"))]
    if release.vault:
        fix.append(Action.note(_("meanwhile the packages stay at %(vault)s") % {
            "vault": release.vault}))
    return _f(
        "SYS-DISTRO-EOL", "warn", _("%(release)s reached its end of life on %(date)s") % {
            "release": name, "date": release.eol.isoformat()}, subject=name,
        evidence=list(d.evidence) + [Evidence.fact(_(
            "end of life %(date)s (%(source)s; checked %(checked)s)") % {
                "date": release.eol.isoformat(), "source": release.source, "checked": CHECKED})],
        why=_("No security updates; repositories move to archives, so installing gcc, "
              "glibc-devel or golang fails until the repo files are changed.") + extended,
        fix=fix)


def _old_minor(d, release, line):
    return _f(
        "SYS-DISTRO-OLD-MINOR", "info", _("%(release)s stopped getting updates on %(date)s: "
                                          "%(line)s has newer minor releases") % {
            "release": release.name, "date": release.eol.isoformat(), "line": line.name},
        subject=release.name,
        evidence=list(d.evidence) + [Evidence.fact(_(
            "%(release)s ended %(date)s (%(source)s; checked %(checked)s)") % {
                "release": release.name, "date": release.eol.isoformat(),
                "source": release.source, "checked": CHECKED})],
        why=_("Each minor release ends when the next one is out; its packages move to "
              "%(vault)s.") % {"vault": release.vault or _("the vault")},
        fix=[Action.command(["dnf", "upgrade"], description=_(
            "brings the host to the current minor release of %(line)s") % {"line": line.name})])


def _repo_edit(section, key, value, old):
    """KEY=VALUE for a .repo section, or a note when the value cannot be written there."""
    try:
        line = "%s=%s" % (key, ini_value(value, url_list=key in ("baseurl", "gpgkey", "mirrorlist")))
    except Unrepresentable as exc:
        return Action.note(_("in [%(section)s] of %(path)s, set %(key)s to the vault's address "
                             "(%(reason)s)") % {"section": section.name, "path": section.path,
                                                "key": key, "reason": exc.reason})
    return Action.edit(section.path, line, old=old, syntax="ini", description="[%s]" % section.name)


def _china_vault_edits(section, vault_url, old):
    """The same baseurl on the domestic copies of vault.centos.org, as alternatives for a
    host in mainland China (knowledge/china_network.py); none for other archives."""
    out = []
    for url, who in china_vault_urls(vault_url):
        action = _repo_edit(section, "baseurl", url, old)
        if action.kind == "edit":
            action.description = _("or, from mainland China: [%(section)s] on %(who)s's copy "
                                   "of the vault") % {"section": section.name, "who": who}
            out.append(action)
    return out


def _dead_mirrors(facts, distro, release):
    if not release.vault:
        return []
    manager = "yum" if (release.el or 8) <= 7 else "dnf"
    results = []
    for section in facts.repo_sections:
        if not section.enabled:
            continue
        dead = [(key, url) for key in ("mirrorlist", "baseurl", "metalink")
                for url in section.urls(key) if stale_url(release, url)]
        if not dead:
            continue
        lines = facts.repo_lines(section.path)
        fix = []
        new_base = None
        commented = section.commented.get("baseurl")
        for key, url in dead:
            line_no = section.lines.get(key)
            old = lines[line_no - 1] if line_no and line_no <= len(lines) else "%s=%s" % (key, url)
            if key == "baseurl":
                new_base = new_base or archive_url(release, url)
                if new_base:
                    fix.append(_repo_edit(section, "baseurl", new_base, old))
                    fix.extend(_china_vault_edits(section, new_base, old))
            else:
                fix.append(Action.edit(section.path, "#" + old, old=old, syntax="ini",
                                       description=_("[%(section)s]: the %(key)s no longer lists "
                                                     "%(release)s") % {
                                                         "section": section.name, "key": key,
                                                         "release": release.name}))
                if "baseurl" not in section.options:
                    source = commented[1] if commented else url
                    new_base = archive_url(release, source) or archive_url(release, url)
                    if new_base:
                        old_line = lines[commented[0] - 1] if commented and commented[0] <= len(lines) else None
                        fix.append(_repo_edit(section, "baseurl", new_base, old_line))
                        fix.extend(_china_vault_edits(section, new_base, old_line))
        fix.append(Action.command([manager, "clean", "all"],
                                  description=_("drop the cached mirror lists, then retry")))
        key, url = dead[0]
        host = url.split("/")[2] if url.count("/") >= 2 else url
        gone = host in release.dead_hosts
        # Fedora's mirrors drop an ended release some weeks after its end: a warning
        results.append(_f(
            "SYS-DISTRO-DEAD-MIRROR", "warn" if release.id == "fedora" else "error",
            _("repo [%(section)s] in %(path)s still uses %(host)s") % {
                "section": section.name, "path": section.path, "host": host} if gone else
            _("repo [%(section)s] in %(path)s still points at %(release)s's tree on %(host)s, "
              "which moved to the archive") % {
                  "section": section.name, "path": section.path, "release": release.name,
                  "host": host},
            subject="%s:%s" % (section.path, section.name),
            evidence=[Evidence.file(section.path, "%s=%s" % (key, url), section.lines.get(key))],
            why=_("%(release)s's mirrors stopped serving it at its end of life; its packages "
                  "are kept at %(vault)s.") % {"release": release.name, "vault": release.vault},
            predicted_error=_predicted(manager, key, url, section, gone),
            fix=fix))
    return results


def _predicted(manager, key, url, section, gone):
    if manager == "dnf" and not gone:
        return "Error: Failed to download metadata for repo '%s'" % section.name
    if key == "mirrorlist" or key == "metalink":
        return "Could not retrieve mirrorlist %s" % url
    if gone:
        return "Cannot find a valid baseurl for repo: %s" % section.name
    return "%srepodata/repomd.xml: [Errno 14] HTTP Error 404 - Not Found" % (
        url if url.endswith("/") else url + "/")


# ---------------------------------------------------------------------------------------
@check("SYS-KERNEL", LAYER, "the kernel is new enough for the installed Go", findings={
    "SYS-KERNEL-TOO-OLD": (
        "The running kernel is older than the installed Go supports (Go up to 1.23 needs "
        "Linux 2.6.32, Go 1.24+ needs 3.2): its programs die at start-up.",
        "/proc/sys/kernel/osrelease and the Go install's VERSION",
        "a Go release that still supports this kernel (Go 1.23 or older on 2.6.32), or, "
        "below 2.6.32 where no Go release runs (EL5's 2.6.18), a newer kernel (EL6+)."),
})
def kernel(facts):
    """The running kernel against the minimum of every installed Go (knowledge/go_kernel.py)."""
    running = parse_kernel(facts.kernel)
    if running is None:
        return []
    results = []
    for install in facts.toolchain.installs:
        need = min_kernel(install.version)
        if need is None or running >= need:
            continue
        results.append(_f(
            "SYS-KERNEL-TOO-OLD", "error",
            _("kernel %(kernel)s is older than %(go)s needs (Linux %(need)s)") % {
                "kernel": facts.kernel, "go": install.version, "need": format_kernel(need)},
            subject=install.root,
            evidence=[Evidence.file("/proc/sys/kernel/osrelease", facts.kernel),
                      Evidence.file(install.root + "/VERSION", install.version, 1)],
            why=_("Go's runtime uses system calls this kernel lacks (epoll_create1...)."),
            predicted_error=EPOLL_ENOSYS,
            fix=[Action.note(text) for text in kernel_fixes(running)]))
    if not results:
        results.append(_f("SYS-KERNEL", "ok", _("kernel %(kernel)s runs %(what)s") % {
            "kernel": facts.kernel,
            "what": ", ".join(i.version for i in facts.toolchain.installs if i.version)
            or _("Go binaries (Go 1.24+ needs 3.2, older 2.6.32)")}))
    return results


# ---------------------------------------------------------------------------------------
# Modules that Go network services (and the firewall in front of them) rely on.
NETWORK_MODULES = ("nf_conntrack",)
MERGED_CONNTRACK = ("nf_conntrack_ipv4", "nf_conntrack_ipv6")


@check("SYS-MODULES", LAYER, "kernel modules for network services", findings={
    "SYS-MODULES-MISSING": (
        "A module that firewalling and NAT in front of Go services need (nf_conntrack) is "
        "neither loaded, built in, nor available for the running kernel.",
        "/proc/modules, /lib/modules/RELEASE/modules.builtin and modules.dep",
        "install the kernel-modules package of the running kernel, or boot the kernel the "
        "modules are for."),
    "SYS-MODULES-MERGED": (
        "A script or modules-load.d file loads nf_conntrack_ipv4/ipv6, which were merged "
        "into nf_conntrack (kernel 4.19, RHEL 8.3+): `modprobe: FATAL: Module "
        "nf_conntrack_ipv4 not found`.",
        "the file and line that names it",
        "load nf_conntrack instead."),
    "SYS-MODULES-CONNTRACK-FULL": (
        "The conntrack table is nearly full: new connections to Go servers are dropped "
        "(`nf_conntrack: table full, dropping packet` in the kernel log; clients time out).",
        "nf_conntrack_count and nf_conntrack_max",
        "raise net.netfilter.nf_conntrack_max (sysctl.d) or lower the connection churn."),
})
def modules(facts):
    """Whether nf_conntrack is loaded, built in or available; old module names in
    modules-load.d; conntrack table use."""
    results = []
    for name in NETWORK_MODULES:
        state = facts.module(name)
        if not state.known:
            facts.note(
                _("kernel modules not examined: no /proc/modules nor /lib/modules/%(kernel)s")
                % {"kernel": facts.kernel} if facts.kernel else
                _("kernel modules not examined: no /proc/modules, and the kernel release is "
                  "unknown"))
            continue
        if state.loaded or state.builtin:
            results.append(_f("SYS-MODULES", "ok", (
                _("%(module)s loaded") if state.loaded else
                _("%(module)s built into the kernel")) % {"module": name}))
        elif state.available:
            results.append(_f("SYS-MODULES", "ok", _("%(module)s available (loads on demand)") % {
                "module": name}))
        else:
            results.append(_f(
                "SYS-MODULES-MISSING", "warn",
                _("%(module)s is not available for kernel %(kernel)s") % {
                    "module": name, "kernel": facts.kernel}, subject=name,
                evidence=[Evidence.fact(_("not in /proc/modules, /lib/modules/%(kernel)s/"
                                          "modules.builtin or modules.dep") % {
                                              "kernel": facts.kernel})],
                why=_("firewalld, iptables/nftables NAT and connection tracking need it."),
                fix=[Action.command(["dnf", "install", "-y",
                                     "kernel-modules-core-%s" % facts.kernel
                                     if (facts.distro and (facts.distro.el or 0) >= 9)
                                     else "kernel-modules-%s" % facts.kernel])]))
    for path, lines in facts.modules_load:
        for number, line in enumerate(lines, 1):
            word = line.split("#", 1)[0].strip()
            if word in MERGED_CONNTRACK and (facts.distro is None or (facts.distro.el or 99) >= 8):
                results.append(_f(
                    "SYS-MODULES-MERGED", "warn",
                    _("%(path)s line %(line)d loads %(module)s, which no longer exists") % {
                        "path": path, "line": number, "module": word},
                    subject="%s:%d" % (path, number),
                    evidence=[Evidence.file(path, line, number)],
                    why=_("nf_conntrack_ipv4 and nf_conntrack_ipv6 were merged into nf_conntrack "
                          "(Linux 4.19; RHEL 8.3 and later)."),
                    predicted_error="modprobe: FATAL: Module %s not found in directory "
                                    "/lib/modules/%s" % (word, facts.kernel or "$(uname -r)"),
                    fix=[Action.edit(path, "nf_conntrack", old=line, syntax="plain")]))
    count, limit = facts.sysctl("net/netfilter/nf_conntrack_count"), facts.sysctl(
        "net/netfilter/nf_conntrack_max")
    if count and limit and count.isdecimal() and limit.isdecimal() and int(limit) > 0:
        used = int(count) / float(limit)
        if used >= 0.9:
            results.append(_f(
                "SYS-MODULES-CONNTRACK-FULL", "error" if used >= 0.99 else "warn",
                _("conntrack table %(percent)d%% full (%(count)s of %(limit)s)") % {
                    "percent": used * 100, "count": count, "limit": limit},
                evidence=[Evidence.file("/proc/sys/net/netfilter/nf_conntrack_count", count),
                          Evidence.file("/proc/sys/net/netfilter/nf_conntrack_max", limit)],
                why=_("When it is full the kernel drops new connections: Go clients see "
                      "`i/o timeout`."),
                predicted_error="nf_conntrack: table full, dropping packet",
                fix=[Action.edit("/etc/sysctl.d/90-conntrack.conf",
                                 "net.netfilter.nf_conntrack_max = %d" % (int(limit) * 4),
                                 syntax="plain"),
                     Action.command(["sysctl", "--system"])]))
    return results


# ---------------------------------------------------------------------------------------
# the kinds of limit, as the titles name them (translated where shown)
_LIMIT_KINDS = (N_("hard"), N_("soft"))


def _limits_edit(user, item, value):
    """A limits.d line for `user` (pam_limits splits on white space: a name holding any
    cannot be written there)."""
    if not user or any(c.isspace() or not c.isprintable() for c in user) or user.startswith(("@", "%", "#")):
        return Action.note(_("raise %(item)s for the user that runs Go (limits.d), or "
                             "Limit%(ITEM)s= in a service's unit") % {
                                 "item": item, "ITEM": item.upper()})
    return Action.edit("/etc/security/limits.d/90-go.conf", "%s  -  %s  %d" % (user, item, value),
                       syntax="plain", description=_("for logins (then log in again); for a "
                                                     "service: Limit%(ITEM)s= in its unit") % {
                                                         "ITEM": item.upper()})


@check("SYS-LIMITS", LAYER, "limits leave the Go runtime room", findings={
    "SYS-LIMITS-NOFILE": (
        "The open-files limit is low for a Go server: Go 1.19+ raises the soft limit to the "
        "hard one at start, so a low hard limit ends in `accept4: too many open files`.",
        "limits.conf/limits.d rule or /proc/self/limits",
        "raise nofile for the user (limits.d) or LimitNOFILE= for the service."),
    "SYS-LIMITS-NPROC": (
        "The process limit is low: the Go runtime starts OS threads as it needs them and "
        "dies with `runtime: failed to create new OS thread` / `fatal error: newosproc`.",
        "limits.conf/limits.d rule or /proc/self/limits",
        "raise nproc for the user (limits.d) or LimitNPROC= for the service."),
    "SYS-LIMITS-BAD-LINE": (
        "A limits.conf line pam_limits cannot use (wrong field count or value).",
        "the file and line",
        "fix or delete the line."),
})
def limits(facts):
    """nofile and nproc for the user gotriage runs as: the rules of limits.conf and
    limits.d (what a new login gets) and the limits of this session (/proc/self/limits)."""
    results = []
    identity = facts.identity
    rules, bad = facts.limit_rules
    for path, number, line in bad:
        results.append(_f("SYS-LIMITS-BAD-LINE", "info",
                          _("%(path)s line %(line)d cannot be parsed") % {
                              "path": path, "line": number},
                          subject="%s:%d" % (path, number), evidence=[Evidence.file(path, line, number)],
                          why=_("pam_limits skips it, so the limit it meant to set is not set."),
                          fix=[Action.edit(path, None, old=line, syntax="plain")]))
    rule_for = applicable(rules, identity.user)
    own = facts.own_limits
    for item, proc_name, minimum, predicted in (
            ("nofile", "Max open files", NOFILE_MIN, "accept4: too many open files"),
            ("nproc", "Max processes", NPROC_MIN, "runtime: failed to create new OS thread")):
        # The hard limit bounds what Go can raise itself to; a soft nproc counts at once.
        kind = "hard" if item == "nofile" else "soft"
        rule = rule_for.get((item, kind))
        value, evidence = None, None
        if rule is not None:
            value, evidence = rule.value, Evidence.file(rule.path, rule.text, rule.line)
        elif proc_name in own:
            value = own[proc_name][1 if kind == "hard" else 0]
            evidence = Evidence.file("/proc/self/limits", "%s %s %s" % (proc_name, own[proc_name][0],
                                                                         own[proc_name][1]))
        if value is None:
            continue
        if value != UNLIMITED and value < minimum:
            common = dict(
                subject="%s:%s" % (item, identity.user), evidence=[evidence],
                why=_("A busy Go server needs more: each connection is a file descriptor and "
                      "blocking system calls take OS threads."),
                predicted_error=predicted,
                fix=[_limits_edit(identity.user, item, minimum * 16)])
            title = _("%(item)s %(kind)s limit for %(user)s is %(value)d") % {
                "item": item, "kind": _(kind), "user": identity.user, "value": value}
            if item == "nofile":
                results.append(_f("SYS-LIMITS-NOFILE", "warn", title, **common))
            else:
                results.append(_f("SYS-LIMITS-NPROC", "warn", title, **common))
        else:
            results.append(_f("SYS-LIMITS", "ok", _("%(item)s %(kind)s limit %(value)s") % {
                "item": item, "kind": _(kind),
                "value": _("unlimited") if value == UNLIMITED else value}, subject=item))
    return results


# ---------------------------------------------------------------------------------------
@check("SYS-GOBIN", LAYER, "the installed Go toolchains run on this host", findings={
    "SYS-GOBIN-WONT-RUN": (
        "An installed go binary will not start here: another architecture, a missing "
        "loader, a library or glibc version the host lacks (the binary layer's analysis, as "
        "`gotriage binary $GOROOT/bin/go`).",
        "the binary layer's evidence (ELF header, PT_INTERP, version needs)",
        "install the release built for this host (go.dev/dl: linux-amd64 or linux-arm64 "
        "tarball), or the distribution's golang package."),
})
def go_install_binaries(facts):
    """Runs the binary analysis on the bin/go of every Go install found by the toolchain
    layer, against this host."""
    results = []
    for install in facts.toolchain.installs:
        if not install.valid:
            continue
        found = facts.install_binary_findings(install)
        if found is None:
            continue  # not examined (not recorded, unreadable): a note says so, no ✓
        problems = [f for f in found if f.severity in ("warn", "error")]
        if not problems:
            results.append(_f("SYS-GOBIN", "ok", _("%(go)s runs here (%(version)s)") % {
                "go": install.go, "version": install.version_text},
                              subject=install.root))
            continue
        first = problems[0]
        results.append(_f(
            "SYS-GOBIN-WONT-RUN", first.severity,
            _("%(go)s (%(version)s) will not run here: %(problem)s") % {
                "go": install.go, "version": install.version_text, "problem": first.title},

            subject=install.root, evidence=[e for p in problems for e in p.evidence],
            why=first.why, predicted_error=first.predicted_error,
            fix=list(first.fix), references=list(first.references)))
    return results


# ---------------------------------------------------------------------------------------
@check("SYS-INPUT", LAYER, "the commands the system verdicts read answered", findings={
    "SYS-INPUT-HUNG": hung_doc("the system verdicts (getconf, uname)"),
})
def inputs(facts):
    """Runs after the other checks (the runner's rule for -INPUT checks): every command
    the system facts read that timed out or was not started before the run's deadline."""
    hung = [_f("SYS-INPUT-HUNG", "warn", title, **kw) for title, kw in hung_findings(facts.inputs)]
    if hung or not facts.inputs.answered:
        return hung
    return [_f("SYS-INPUT", "ok", answered_title(facts.inputs))]
