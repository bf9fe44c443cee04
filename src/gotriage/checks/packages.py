"""The packages layer (dnf/yum): repositories, keys and caches, and where golang comes from.

What dnf prints in each case was measured with real dnf 4.14 against repositories built
with createrepo_c (tests/test_packages_realdnf.py); the strings are in
knowledge/packages.py.  Dead mirrors and end-of-life vault moves are the system layer's
(SYS-EOL...), not repeated here.
"""

import posixpath

from gotriage.checks import check
from gotriage.checks.unanswered import answered_title, hung_doc, hung_findings
from gotriage.findings import Action, Evidence, Finding
from gotriage.i18n import _
from gotriage.knowledge.packages import (
    MSG_BAD_SIGNATURE,
    MSG_CRASH,
    MSG_DUPLICATE,
    MSG_FILE_SKIPPED,
    MSG_KEY_MISSING,
    MSG_NO_CACHE,
    MSG_NO_MATCH,
    MSG_NO_REPOS,
    MSG_NO_URL,
    REFERENCES,
    SHA1_KEY_ERROR,
    sha1_rejected,
)
from gotriage.parsers.pgpkey import hash_name

LAYER = "packages"


def _f(id, severity, title, **kw):
    return Finding(id, severity, title, layer=LAYER, **kw)


def _pm(facts):
    return facts.manager["name"] if facts.manager else "dnf"


def _repo_evidence(repo, key=None):
    if key is not None and repo.option_line(key):
        return Evidence.file(repo.path, repo.evidence_text(key), repo.option_line(key))
    return Evidence.file(repo.path, "[%s]" % repo.id, repo.line)


def _setting_evidence(setting, what):
    if setting.path is None:
        return Evidence.fact("%s is not set: the default is %s" % (what, setting.value))
    return Evidence.file(setting.path, setting.text, setting.line)


def _no_manager(facts):
    if facts.manager is None:
        note = "packages layer: no dnf or yum on this host (not an RPM-based system)"
        if note not in facts.notes:
            facts.note(note)
        return True
    return False


# ---------------------------------------------------------------------------------------
@check("PKG-REPOS", LAYER, "the repository files load and name a source", findings={
    "PKG-REPOS-NONE": (
        "No repository is enabled: every install fails (`%s`)." % (MSG_NO_REPOS % "/etc/yum.repos.d"),
        "the repository directories and files read",
        "enable the repository that should be used (`dnf config-manager --set-enabled ID`) or "
        "add a .repo file."),
    "PKG-REPOS-NO-URL": (
        "An enabled repository has no baseurl, mirrorlist or metalink (often all of them "
        "commented out): every dnf command that needs metadata fails with `Error: Cannot find "
        "a valid baseurl for repo: ID`.",
        "the [section] and its commented-out URL lines",
        "restore a baseurl= line (the commented one, or the vault/mirror the system layer "
        "names) or disable the repository (enabled=0)."),
    "PKG-REPOS-FILE-SKIPPED": (
        "dnf cannot parse a .repo file (a bare word, `key: value`, a key before the first "
        "[section], `[broken`...) and skips the WHOLE file: `Warning: failed loading "
        "'FILE', skipping.`  Every repository in it is gone.",
        "the file and the first line dnf rejects",
        "fix or delete that line (a binary or garbage file: move it out of the directory)."),
    "PKG-REPOS-CRASH": (
        "A .repo file has a section name, key or value that is not UTF-8: dnf stops every "
        "command with a Python traceback (`TypeError: in method 'OptionBinds_Item_newString'...`).",
        "the file and line",
        "rewrite the line in UTF-8 (or delete it)."),
    "PKG-REPOS-BAD-ID": (
        "A repository id has characters dnf refuses (only letters, digits and `-_.:`): `Bad id "
        "for repo: ID, byte = C N`; that repository is skipped.",
        "the [section] line",
        "rename the section (e.g. spaces to dashes)."),
    "PKG-REPOS-DUPLICATE": (
        "The same repository id is defined in two files: dnf warns `Repository ID is listed "
        "more than once in the configuration` and uses the one from the file that sorts "
        "first, ignoring the other.",
        "both [section] lines",
        "delete or rename one of them."),
})
def repos(facts):
    """Reads the dnf/yum configuration and every .repo file of its repository directories the
    way dnf's own parser takes them, and lists the repositories dnf will use."""
    if _no_manager(facts):
        return []
    results = []
    pm = _pm(facts)
    for rf in facts.repo_files:
        if rf.error is not None:
            if not rf.error.missing:
                facts.note("repositories in %s not examined: %s%s" % (
                    rf.path, rf.error.message.lower(),
                    " (run gotriage as root)" if rf.error.denied else ""))
            continue
        crash = [p for p in rf.problems if p.effect == "crash"]
        if crash:
            p = crash[0]
            results.append(_f(
                "PKG-REPOS-CRASH", "error", "%s line %d: %s, every dnf command fails" % (
                    rf.path, p.line, p.message),
                subject=rf.path, evidence=[Evidence.file(rf.path, p.text, p.line)],
                why="dnf reads repository options as text; a byte sequence that is not UTF-8 makes "
                    "its Python bindings raise, before any command runs.",
                predicted_error=MSG_CRASH.get(p.message),
                fix=[Action.note("rewrite line %d of %s in UTF-8, or delete it" % (p.line, rf.path))]))
            continue
        skipped = rf.skipped
        if skipped is not None:
            names = [s.name for s in rf.sections if s.name != "main"]
            enabled = [s.name for s in rf.sections if s.name != "main" and s.enabled]
            results.append(_f(
                "PKG-REPOS-FILE-SKIPPED", "error" if enabled else "warn",
                "dnf skips %s entirely (line %d: %s)%s" % (
                    rf.path, skipped.line, skipped.message,
                    ": repositories %s are not used" % ", ".join(enabled) if enabled else ""),
                subject=rf.path, evidence=[Evidence.file(rf.path, skipped.text, skipped.line)]
                + ([Evidence.fact("repositories defined in it: %s" % ", ".join(names))] if names else []),
                why="dnf's configuration parser rejects the whole file at the first line it cannot "
                    "read, so none of its repositories exist for dnf.",
                predicted_error=MSG_FILE_SKIPPED % rf.path,
                fix=[Action.edit(rf.path, None, old=skipped.text, syntax="ini",
                                 description="delete the line dnf cannot read (or correct it)")]
                if skipped.text.strip() and b"\0" not in (rf.data or b"")[:4096] and names else
                [Action.command(["mv", rf.path, rf.path + ".disabled"],
                                description="not a repository file: move it out of the way "
                                            "(dnf reads only *.repo)")]))
        for p in rf.problems:
            if p.effect == "repo-skipped":
                results.append(_f(
                    "PKG-REPOS-BAD-ID", "warn", "repository [%s] in %s is skipped: bad id" % (
                        p.text.strip()[1:-1], rf.path),
                    subject="%s:%d" % (rf.path, p.line),
                    evidence=[Evidence.file(rf.path, p.text, p.line)],
                    why="dnf accepts only letters, digits and -_.: in a repository id.",
                    predicted_error=p.message,
                    fix=[Action.edit(rf.path, "[%s]" % "".join(
                        c if c.isalnum() or c in "-_.:" else "-" for c in p.text.strip()[1:-1].strip()),
                        old=p.text, syntax="ini", description="a valid repository id")]))
    enabled = facts.enabled_repos
    for repo in facts.repos:
        if repo.duplicate_of is not None and repo.enabled:
            first = repo.duplicate_of
            results.append(_f(
                "PKG-REPOS-DUPLICATE", "warn", "repository %s is defined in %s and %s; dnf uses %s" % (
                    repo.id, first.path, repo.path, first.path),
                subject="dup:%s" % repo.id,
                evidence=[_repo_evidence(first), _repo_evidence(repo)],
                why="dnf keeps the first definition (file names in sorted order) and ignores the "
                    "other, whatever its settings.",
                predicted_error=MSG_DUPLICATE % repo.id,
                fix=[Action.note("delete or rename [%s] in one of the two files" % repo.id)]))
    for repo in enabled:
        if not repo.has_url:
            commented = [(k, repo.section.commented[k]) for k in ("baseurl", "mirrorlist", "metalink")
                         if k in repo.section.commented]
            evidence = [_repo_evidence(repo)] + [
                Evidence.file(repo.path, "#%s=%s" % (k, v[1]), v[0]) for k, v in commented]
            fix = []
            if commented:
                key, (number, value) = commented[0]
                fix.append(Action.edit(repo.path, "%s=%s" % (key, value), old="#%s=%s" % (key, value),
                                       syntax="ini", description="restore the commented-out URL (if that server "
                                                   "still serves it: see the system layer)"))
            fix.append(Action.command([pm, "config-manager", "--set-disabled", repo.id]
                                      if pm == "dnf" else ["yum-config-manager", "--disable", repo.id],
                                      description="or stop using this repository"))
            results.append(_f(
                "PKG-REPOS-NO-URL", "error", "repository %s has no baseurl, mirrorlist or metalink" % repo.id,
                subject="nourl:%s" % repo.id, evidence=evidence,
                why="dnf needs one of them to find the repository's metadata; it stops every command "
                    "that loads repositories.",
                predicted_error=MSG_NO_URL % repo.id, fix=fix, references=[REFERENCES["dnf.conf"]]))
    if not enabled:
        dirs, setting = facts.reposdirs
        if not facts.repo_files and not any(facts.reposdir_exists(d) for d in dirs):
            # Every EL host has /etc/yum.repos.d; without it this is a partial snapshot.
            facts.note(_("packages layer: no repository directory (%(dirs)s) on this host or "
                         "in this snapshot: repositories not examined") % {
                             "dirs": ", ".join(dirs)})
            return results
        evidence = [Evidence.fact("repository files: %s" % (
            ", ".join(rf.path for rf in facts.repo_files) or "none in %s" % ", ".join(dirs)))]
        if not setting.default:
            evidence.append(_setting_evidence(setting, "reposdir"))
        disabled = [r.id for r in facts.repos if not r.enabled]
        if disabled:
            evidence.append(Evidence.fact("disabled: %s" % ", ".join(disabled)))
        results.append(_f(
            "PKG-REPOS-NONE", "error", "no enabled repository: %s install cannot install anything" % pm,
            subject="none", evidence=evidence,
            why="Installing golang, gcc or anything else needs a repository (or a local .rpm file).",
            predicted_error=MSG_NO_REPOS % dirs[0],
            fix=[Action.command([pm, "config-manager", "--set-enabled", disabled[0]]
                                if pm == "dnf" else ["yum-config-manager", "--enable", disabled[0]],
                                description="enable a configured repository")] if disabled else
            _no_repo_fix(facts, dirs)))
    else:
        results.append(_f(
            "PKG-REPOS", "ok", "%d enabled repositories: %s" % (
                len(enabled), ", ".join(r.id for r in enabled)),
            evidence=[_repo_evidence(r) for r in enabled]))
    return results


def _no_repo_fix(facts, dirs):
    distro = facts.distro
    if distro is not None and distro.id == "rhel":
        # RHEL's repositories come with the subscription: redhat.repo is written by
        # subscription-manager once the system is registered.
        return [Action.command(["subscription-manager", "register"],
                               description="RHEL's repositories appear in /etc/yum.repos.d/redhat.repo "
                                           "once the system is registered (or configure a local mirror)")]
    return [Action.note("add a .repo file for the distribution's repositories to %s" % dirs[0])]


# ---------------------------------------------------------------------------------------
@check("PKG-GPG", LAYER, "package signatures can be checked", findings={
    "PKG-GPG-OFF": (
        "An enabled repository has gpgcheck=0: its packages are installed without checking "
        "who made them.",
        "the gpgcheck line (or [main]'s, or the default)",
        "set gpgcheck=1 with the vendor's gpgkey= (only leave it off for a repository you build "
        "yourself)."),
    "PKG-GPG-NO-KEY": (
        "gpgcheck=1 but the repository names no gpgkey: installs work only if its key was "
        "imported into the rpm database before, otherwise `Public key for PACKAGE is not "
        "installed`.",
        "the [section] and its gpgcheck setting",
        "add gpgkey=file:///etc/pki/rpm-gpg/<the vendor's key> (or `rpm --import` it)."),
    "PKG-GPG-KEY-MISSING": (
        "A gpgkey=file:// key does not exist on the host: dnf cannot import it, so every "
        "package from that repository fails its signature check (and with repo_gpgcheck=1 "
        "the metadata too).",
        "the gpgkey line and the missing path",
        "restore the key file (reinstall the package that ships it) or point gpgkey= at the "
        "right file."),
    "PKG-GPG-KEY-INVALID": (
        "A gpgkey=file:// file is not an OpenPGP public key (HTML error page, truncated "
        "download, a certificate...): the key import fails.",
        "the file and what it holds",
        "replace it with the vendor's armored public key."),
    "PKG-GPG-KEY-SHA1": (
        "A repository key's self-signatures use SHA-1 and this host's crypto policy rejects "
        "SHA-1 (EL9 and EL10 with DEFAULT, FUTURE, FIPS or NO-SHA1): rpm cannot import the "
        "key (EL9: `warning: Signature not supported. Hash algorithm SHA1 not available.`; "
        "EL10: `because: SHA1 is not considered secure`), so the packages cannot be installed.",
        "the key (id, algorithm, user id), the signature and its hash, and the policy line",
        "get the vendor's current key (re-signed with SHA-256 or stronger); as a stopgap "
        "`update-crypto-policies --set DEFAULT:SHA1` (weakens the whole system)."),
    "PKG-GPG-KEY-EXPIRED": (
        "A repository's key has expired in the keyring that uses it: dnf's keyring of the "
        "repository (it verifies repomd.xml when repo_gpgcheck=1: `Bad GPG signature`, also "
        "after `dnf clean metadata` or `dnf clean all`, which leave that keyring) or the rpm "
        "database (`rpm -q gpg-pubkey`: it verifies packages; rpm built with rpm-sequoia, "
        "Fedora 38+ and EL10, refuses an expired key).  After the vendor extends the key (the "
        "same key id, a later expiry in gpgkey=) neither keyring takes the new copy by itself: "
        "dnf imports only keys whose id it lacks, and `rpm --import` keeps the copy it has.",
        "the expired copy (keyring, gpg-pubkey-ID-CREATED, expiry) and the gpgkey= copy",
        "rpm database: `rpm -e gpg-pubkey-XXXXXXXX-YYYYYYYY` then `rpm --import` the gpgkey= "
        "file or URL; dnf's keyring: remove that repository's pubring directory, then `dnf "
        "makecache` imports the key from gpgkey= again (not `dnf clean metadata`)."),
})
def gpg(facts):
    """Follows every enabled repository's gpgcheck and gpgkey settings, reads the key files
    (armored or binary OpenPGP) and compares their self-signature hashes with what the
    crypto policy of this release accepts."""
    if _no_manager(facts):
        return []
    results = []
    policy, policy_path = facts.crypto_policy
    distro = facts.distro
    el = distro.el if distro is not None else None
    rejected = sha1_rejected(el, policy)
    checked, keys_seen = [], {}
    for repo in facts.enabled_repos:
        if not repo.gpgcheck.value:
            results.append(_f(
                "PKG-GPG-OFF", "info", "repository %s installs packages without checking signatures "
                "(gpgcheck=0)" % repo.id, subject="off:%s" % repo.id,
                evidence=[_setting_evidence(repo.gpgcheck, "gpgcheck")],
                why="A package from this repository is installed whoever built it.",
                fix=[Action.note("set gpgcheck=1 and gpgkey= to the vendor's key in [%s] of %s "
                                 "(unless you build this repository yourself)" % (repo.id, repo.path))]))
            continue
        checked.append(repo.id)
        if not repo.gpgkeys:
            results.append(_f(
                "PKG-GPG-NO-KEY", "warn", "repository %s checks signatures but names no gpgkey" % repo.id,
                subject="nokey:%s" % repo.id,
                evidence=[_repo_evidence(repo), _setting_evidence(repo.gpgcheck, "gpgcheck")],
                why="dnf imports a repository's keys from gpgkey=; without it only keys already in "
                    "the rpm database (rpm -q gpg-pubkey) can verify its packages.",
                predicted_error="Public key for <package>.rpm is not installed",
                fix=[Action.note("in [%s] of %s, add gpgkey=file:///etc/pki/rpm-gpg/ followed by "
                                 "the name of the vendor's key file there (ls /etc/pki/rpm-gpg)"
                                 % (repo.id, repo.path))]))
            continue
        for url in repo.gpgkeys:
            kf = facts.key_file(url)
            if kf.path is None and not kf.read:
                if kf.error == "offline":
                    facts.note("gpgkey=%s of %s is not examined offline (dnf fetches it when it imports "
                               "the key): --network fetches and reads it" % (url, repo.id))
                elif kf.error:
                    facts.note("gpgkey=%s of %s: %s" % (url, repo.id, kf.error))
                continue
            if kf.error == "denied":
                continue  # reported as "could not read" by the host
            if kf.error == "missing":
                results.append(_f(
                    "PKG-GPG-KEY-MISSING", "error", "%s (gpgkey of %s) does not exist" % (kf.path, repo.id),
                    subject="missing:%s" % kf.path,
                    evidence=[_repo_evidence(repo, "gpgkey"), Evidence.fact("%s: no such file" % kf.path)],
                    why="dnf imports the key from this file before it installs the repository's first "
                        "package; without it every package from %s fails its signature check." % repo.id,
                    predicted_error=MSG_KEY_MISSING % (repo.id, kf.path, kf.path),
                    fix=_restore_key_fix(facts, kf.path, repo)))
                continue
            where = kf.path or url
            if kf.error:
                results.append(_f(
                    "PKG-GPG-KEY-INVALID", "error", "%s (gpgkey of %s) is not an OpenPGP public key: %s" % (
                        where, repo.id, kf.error),
                    subject="invalid:%s" % where,
                    evidence=[_repo_evidence(repo, "gpgkey"), Evidence.fact("%s %s" % (where, kf.error))],
                    why="rpm and dnf import only OpenPGP public keys; this file is something else "
                        "(an error page saved by curl, a truncated download, an X.509 certificate).",
                    predicted_error="error: %s: key 1 import failed." % where,
                    fix=_restore_key_fix(facts, where, repo)))
                continue
            for key in kf.keys:
                keys_seen[key.fingerprint] = (key, where)
                if rejected is False:
                    continue
                weak = [(what, algo) for what, algo in key.binding_hashes() if algo in (1, 2, 3)]
                if not weak:
                    continue
                policy_ev = Evidence.file(policy_path, policy.text, policy.line) if policy_path else \
                    Evidence.fact("/etc/crypto-policies/config is absent: the policy is DEFAULT")
                severity = "error" if rejected else "warn"
                results.append(_f(
                    "PKG-GPG-KEY-SHA1", severity,
                    "key %s in %s is self-signed with %s, which the %s policy of EL%s rejects" % (
                        key.keyid, where, hash_name(weak[0][1]), policy.name, el),
                    subject="sha1:%s" % key.fingerprint,
                    evidence=[_repo_evidence(repo, "gpgkey"),
                              Evidence.fact("%s %s \"%s\"" % (key.keyid, key.primary.describe(),
                                                               key.userids[0] if key.userids else ""))]
                    + [Evidence.fact("%s: self-signature hash %s" % (what, hash_name(algo)))
                       for what, algo in weak] + [policy_ev],
                    why=("EL9 and later check package keys against the system crypto policy, which "
                         "does not accept SHA-1 signatures; the key cannot be imported, so nothing "
                         "signed by it installs." if rejected else
                         "The crypto policy %s is a custom one; if it leaves SHA-1 out (as DEFAULT "
                         "does on EL9+), this key cannot be imported." % policy.name),
                    predicted_error=SHA1_KEY_ERROR.get(min(el, 10) if el else 9),
                    fix=[Action.note("ask the repository's vendor for its current key (re-signed with "
                                     "SHA-256 or stronger) and replace %s" % where),
                         Action.command(["update-crypto-policies", "--set",
                                         "DEFAULT:SHA1" if (el or 9) < 10 else "LEGACY"], safe=False,
                                        description="stopgap only: accepts SHA-1 signatures system-wide")],
                    references=[REFERENCES["sha1"], REFERENCES["crypto-policies"]]))
    results.extend(_expired(facts))
    if checked:
        results.append(_f("PKG-GPG", "ok", "signatures checked for %s (%d keys read; crypto policy %s)" % (
            ", ".join(checked), len(keys_seen), policy.name),
            evidence=[Evidence.fact("%s from %s: %s" % (k.keyid, path, ", ".join(
                sorted({hash_name(a) for _, a in k.binding_hashes()})))) for k, path in keys_seen.values()]))
    return results


def _day(seconds):
    import time
    return time.strftime("%Y-%m-%d", time.gmtime(seconds))


def _expired(facts, repo=None):
    """The PKG-GPG-KEY-EXPIRED findings (once per run), or those of dnf's keyring of `repo`."""
    found = facts.memo("pkg-expired-keys", lambda: expired_key_findings(facts))
    if repo is None:
        return found
    mine = "expired:%s/pubring:" % facts.cache(repo).dir
    return [f for f in found if f.subject.startswith(mine)]


def expired_key_findings(facts):
    """PKG-GPG-KEY-EXPIRED: each expired copy of a repository's key, once per keyring, with
    the repositories it verifies."""
    grouped = {}
    for stale in facts.stale_keys():
        grouped.setdefault((stale.where, stale.key.fingerprint), []).append(stale)
    out = []
    for (where, _kind), stales in sorted(grouped.items()):
        first = stales[0]
        key, repos = first.key, sorted({s.repo.id for s in stales})
        newer = next((s for s in stales if s.newer is not None), None)
        source = newer.source if newer is not None else (first.repo.gpgkeys or [None])[0]
        src = source[len("file://"):] if source and source.startswith("file://") else source
        evidence = [Evidence.fact("%s \"%s\" expired on %s" % (
            key.keyid, key.userids[0] if key.userids else "", _day(key.expires)))]
        if newer is not None:
            evidence.append(Evidence.fact("gpgkey=%s has the same key, valid %s" % (
                newer.source, "until %s" % _day(newer.newer.expires) if newer.newer.expires else "with no end")))
        else:
            evidence.append(Evidence.fact("gpgkey= (%s) has no copy of it that has not expired" % ", ".join(
                first.repo.gpgkeys) if first.repo.gpgkeys else "the repository names no gpgkey="))
        current = [] if newer is not None else [Action.note(
            "first get the vendor's current key: gpgkey= gives the expired one too")]
        if where == "rpmdb":
            entry = first.entry
            evidence.insert(0, Evidence.fact("rpm database: %s (%s)" % (entry.name, entry.summary)))
            title = "key %s of %s expired on %s and is still %s in the rpm database" % (
                key.keyid, ", ".join(repos), _day(key.expires), entry.name)
            why = ("rpm verifies packages with the keys of its database; rpm built with rpm-sequoia "
                   "(Fedora 38+, EL10) refuses a signature by an expired key.  `rpm --import` of the "
                   "vendor's extended key (the same key, so the same name %s) keeps the expired copy: "
                   "remove it first." % entry.name)
            fix = current + [Action.command(["rpm", "-e", entry.name], description="the expired copy"),
                             Action.command(["rpm", "--import", src], description="the vendor's current key, "
                                            "from gpgkey=") if src else
                             Action.note("then rpm --import the vendor's current key")]
            severity, predicted = "warn", None
        else:
            title = "key %s of %s expired on %s in dnf's keyring of the repository (%s)" % (
                key.keyid, ", ".join(repos), _day(key.expires), where)
            why = ("With repo_gpgcheck=1 dnf verifies repomd.xml with its own keyring of the "
                   "repository, and refuses a signature by an expired key.  It imports a gpgkey= key "
                   "only when no key of its id is there, so it never takes the vendor's extended key; "
                   "`dnf clean metadata` and `dnf clean all` leave that keyring as it is.")
            fix = current + [Action.command(["rm", "-r", "--", where],
                                            description="dnf's keyring of %s: the expired copy" % ", ".join(repos)),
                             Action.command([_pm(facts), "makecache"],
                                            description="imports the key from gpgkey= again (answer y)")]
            severity, predicted = "error", MSG_BAD_SIGNATURE % first.repo.id
        out.append(_f("PKG-GPG-KEY-EXPIRED", severity, title, subject="expired:%s:%s" % (where, key.fingerprint),
                      evidence=evidence, why=why, predicted_error=predicted, fix=fix))
    return out


# Which package ships a distribution's key (by key file name prefix).
_KEY_PACKAGES = (
    ("RPM-GPG-KEY-EPEL", "epel-release"),
    ("RPM-GPG-KEY-Rocky", "rocky-gpg-keys"),
    ("RPM-GPG-KEY-rockyofficial", "rocky-gpg-keys"),
    ("RPM-GPG-KEY-centosofficial", "centos-gpg-keys"),
    ("RPM-GPG-KEY-CentOS", "centos-release"),
    ("RPM-GPG-KEY-AlmaLinux", "almalinux-release"),
    ("RPM-GPG-KEY-redhat", "redhat-release"),
    ("RPM-GPG-KEY-oracle", "oraclelinux-release"),
    ("RPM-GPG-KEY-openEuler", "openEuler-gpg-keys"),
)


def _restore_key_fix(facts, path, repo):
    name = posixpath.basename(path)
    fix = []
    for prefix, package in _KEY_PACKAGES:
        if name.startswith(prefix):
            fix.append(Action.command([_pm(facts), "reinstall", "-y", package],
                                      description="%s ships %s" % (package, name)))
            break
    fix.append(Action.note("or put the vendor's public key at %s, or correct the gpgkey= line of "
                           "[%s] in %s" % (path, repo.id, repo.path)))
    return fix


# ---------------------------------------------------------------------------------------
@check("PKG-CACHE", LAYER, "the metadata cache is usable", findings={
    "PKG-CACHE-MISSING": (
        "An enabled repository has no cached metadata: the next dnf command downloads it, and "
        "offline (`dnf -C`, an air-gapped host) it fails with `Error: Cache-only enabled but "
        "no cache for 'ID'`.",
        "the cache directory dnf would use",
        "`dnf makecache` while the repository is reachable."),
    "PKG-CACHE-EXPIRED": (
        "The cached metadata is older than metadata_expire (dnf: 48 h by default, yum: 6 h; "
        "age from the primary metadata's time, yum's cachecookie) or the .repo file changed "
        "since: the next dnf command downloads it again, which fails where the mirror is "
        "unreachable.",
        "the cached file and its time, the metadata_expire setting",
        "`dnf makecache --refresh` when the repository is reachable; offline, `dnf -C` still "
        "uses the old metadata."),
    "PKG-CACHE-NO-SIGNATURE": (
        "repo_gpgcheck=1 but the cached repomd.xml has no repomd.xml.asc: dnf refuses the "
        "cache (with -C: `Cache-only enabled but no cache`), and even deletes the cached "
        "metadata when it finds this.",
        "the cache directory and the repo_gpgcheck line",
        "`dnf clean metadata` and `dnf makecache --refresh`; if the server has no signature, "
        "repo_gpgcheck=1 cannot work with it."),
    "PKG-CACHE-BAD-SIGNATURE": (
        "The cached repomd.xml.asc does not verify against the repository's key (gotriage "
        "checks RSA, DSA and Ed25519 signatures itself): the metadata was changed after it was signed, "
        "or the key changed.  dnf refuses it: `repomd.xml GPG signature verification error: "
        "Bad GPG signature`.",
        "the signature's key id and hash, the key files, the verdict",
        "`dnf clean metadata` then `dnf makecache --refresh`; if it fails again the mirror "
        "serves altered metadata or the gpgkey= is not the one that signs it."),
    "PKG-CACHE-CORRUPT": (
        "The cached repomd.xml is not a repository index (truncated, not XML), or the primary "
        "metadata it lists is missing: dnf cannot use this cache.",
        "the file and what is wrong with it",
        "`dnf clean metadata` then `dnf makecache`."),
})
def cache(facts):
    """Reads each enabled repository's cached repomd.xml (dnf: CACHEDIR/ID-HASH/repodata, yum:
    CACHEDIR/ID), its age against metadata_expire, and verifies repomd.xml.asc with the
    repository's own keys when repo_gpgcheck=1."""
    if _no_manager(facts):
        return []
    results, fine, fine_evidence = [], [], []
    pm = _pm(facts)
    base, cachedir_setting = facts.cachedir
    for repo in facts.enabled_repos:
        if not repo.has_url:
            continue
        c = facts.cache(repo)
        if c.dir is None:
            continue
        if not c.has_metadata:
            fix = [Action.command([pm, "makecache"], description="while %s is reachable" % repo.id)]
            expired = _expired(facts, repo) if repo.repo_gpgcheck.value else []
            if expired:
                why = ("Its last download stopped at the signature: %s." % expired[0].title)
                fix = list(expired[0].fix)
            elif repo.repo_gpgcheck.value and c.pubring:
                why = ("Only dnf's keyring for it is there (%s/pubring): its last download stopped, "
                       "e.g. at a signature that did not verify (`%s`)." % (c.dir, MSG_BAD_SIGNATURE % repo.id))
            else:
                why = ("dnf has never downloaded it here, or `dnf clean` removed it; offline nothing "
                       "from it can be installed.")
            results.append(_f(
                "PKG-CACHE-MISSING", "info", "no cached metadata for %s" % repo.id,
                subject="nocache:%s" % repo.id,
                evidence=[Evidence.fact("%s does not exist" % c.repomd_path)]
                + ([_setting_evidence(cachedir_setting, "cachedir")] if not cachedir_setting.default else []),
                why=why, predicted_error=MSG_NO_CACHE % repo.id if pm == "dnf" else None, fix=fix,
                cause=expired[0] if expired else None))
            continue
        md = c.repomd
        if md.error is not None or (c.primary_path and c.primary_mtime is None):
            problem = md.error or "%s (listed in repomd.xml) is missing" % c.primary_path
            results.append(_f(
                "PKG-CACHE-CORRUPT", "warn", "the cached metadata of %s is damaged: %s" % (repo.id, problem),
                subject="corrupt:%s" % repo.id,
                evidence=[Evidence.file(c.repomd_path, problem)],
                why="dnf cannot read packages from a cache whose index is damaged; it downloads it "
                    "again, which fails offline.",
                fix=[Action.command([pm, "clean", "metadata"]), Action.command([pm, "makecache"])]))
            continue
        if repo.repo_gpgcheck.value:
            if c.asc_data is None:
                results.append(_f(
                    "PKG-CACHE-NO-SIGNATURE", "error",
                    "repo_gpgcheck=1 but the cached metadata of %s is not signed" % repo.id,
                    subject="nosig:%s" % repo.id,
                    evidence=[_setting_evidence(repo.repo_gpgcheck, "repo_gpgcheck"),
                              Evidence.fact("%s does not exist" % c.asc_path)],
                    why="dnf verifies repomd.xml.asc whenever it loads the cache; without it dnf "
                        "discards the cached metadata (and deletes it) and downloads again.",
                    predicted_error=MSG_NO_CACHE % repo.id + "  (with -C)",
                    fix=[Action.command([pm, "clean", "metadata"]),
                         Action.command([pm, "makecache", "--refresh"],
                                        description="downloads repomd.xml with its signature")]))
                continue
            verdict = c.verdict
            if verdict is not None and verdict.status in ("bad", "expired"):
                keys = ", ".join(repo.gpgkeys)
                expired = _expired(facts, repo) if verdict.status == "expired" else []
                results.append(_f(
                    "PKG-CACHE-BAD-SIGNATURE", "error",
                    ("the cached repomd.xml of %s is signed by a key that has expired" if expired else
                     "the cached repomd.xml of %s does not match its signature") % repo.id,
                    subject="badsig:%s" % repo.id,
                    evidence=[Evidence.file(c.asc_path, "signed by %s with %s: %s" % (
                        verdict.signer or "?", hash_name(verdict.hashalgo), verdict.reason)),
                        Evidence.file(repo.path, "gpgkey=%s" % keys, repo.option_line("gpgkey"))],
                    why="dnf verifies the cached repomd.xml against the repository's keys every time "
                        "it loads it; %s" % ("a signature by an expired key is refused as a bad one." if
                                             verdict.status == "expired" else
                                             "a file changed after signing is refused (and deleted)."),
                    predicted_error=MSG_BAD_SIGNATURE % repo.id,
                    fix=list(expired[0].fix) if expired else [
                        Action.command([pm, "clean", "metadata"]),
                        Action.command([pm, "makecache", "--refresh"]),
                        Action.note("if the download then fails with `Bad GPG signature`, the mirror "
                                    "serves altered metadata or gpgkey= names the wrong key: fix the "
                                    "mirror or the key (`dnf clean all` would not help: it leaves "
                                    "dnf's per-repository keyring alone)")],
                    cause=expired[0] if expired else None))
                continue
        expired, why = facts.expired(repo)
        age = facts.age(c)
        if expired:
            path, mtime = c.age_from
            results.append(_f(
                "PKG-CACHE-EXPIRED", "info", "the cached metadata of %s has expired (%s)" % (repo.id, why),
                subject="expired:%s" % repo.id,
                evidence=[Evidence.file(path, "modified %s" % _utc(mtime)),
                          _setting_evidence(repo.metadata_expire, "metadata_expire"),
                          _repomd_evidence(c)],
                why="dnf downloads expired metadata before it resolves anything; on a host without "
                    "access to the mirror that download fails, while `dnf -C` keeps using the cache.",
                predicted_error="Failed to download metadata for repo '%s'  (when the mirror is "
                                "unreachable)" % repo.id,
                fix=[Action.command([pm, "makecache", "--refresh"] if pm == "dnf" else [pm, "makecache"],
                                    description="when the mirror is reachable"),
                     Action.note("offline: `%s -C install ...` uses the cached metadata" % pm)]))
            continue
        verified = ""
        if repo.repo_gpgcheck.value:
            if c.verdict is not None and c.verdict.status == "good":
                verified = ", signature good (%s)" % c.verdict.key.keyid
            elif c.verdict is not None:
                verified = ", signature not verified (%s)" % (c.verdict.reason or c.verdict.status)
            else:
                verified = ", signature not verified (%s)" % (c.verify_note or "no key")
        fine.append("%s %s old%s" % (repo.id, facts_duration(age), verified))
        fine_evidence.append(_repomd_evidence(c))
    if fine:
        results.append(_f("PKG-CACHE", "ok", "cached metadata: %s" % "; ".join(fine),
                          evidence=[Evidence.fact("cache: %s" % base)] + fine_evidence))
    return results


def _repomd_evidence(c):
    """When the repository's metadata was made (dnf: "using metadata from <date>")."""
    stamp = c.repomd.newest_timestamp
    made = "made %s" % _utc(stamp) if stamp else "no timestamps"
    return Evidence.file(c.repomd_path, "revision %s, %s" % (c.repomd.revision or "?", made))


def facts_duration(seconds):
    from gotriage.facts.packages import duration
    return duration(seconds) if seconds is not None else "?"


def _utc(mtime):
    import time
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(mtime))


# ---------------------------------------------------------------------------------------
@check("PKG-GOLANG", LAYER, "golang can be installed from the repositories", findings={
    "PKG-GOLANG-NO-REPO": (
        "None of the enabled repositories is the one this release's golang comes from (EL7: "
        "EPEL; EL8 and later: AppStream) and no cached metadata lists golang: `dnf install "
        "golang` finds nothing.",
        "the release, the enabled repositories and where golang comes from",
        "enable that repository (EL7: `yum install epel-release`; EL8+: enable AppStream), or "
        "install Go from go.dev."),
    "PKG-GOLANG-TOO-OLD": (
        "The newest golang in the cached metadata is older than the project's go.mod asks for: "
        "`dnf install golang` gives a Go that cannot build it.",
        "the golang versions found (repository and cache file) and the go line of go.mod",
        "install a current Go from go.dev into /usr/local/go (or let Go 1.21+ download the "
        "toolchain, where the network allows)."),
})
def golang(facts):
    """Finds the repository that provides golang on this release and, from the cached primary
    metadata, the newest golang version it offers, against the project's go.mod."""
    if _no_manager(facts):
        return []
    pm = _pm(facts)
    enabled = facts.enabled_repos
    source = facts.golang_source
    offers = [o for o in facts.golang_offers() if o.versions]
    results = []
    if offers:
        best = max(offers, key=lambda o: _digits(o.newest[0]))
        version, release = best.newest
        want = facts.project_go
        evidence = [Evidence.command(o.result, "golang %s" % ", ".join(
            "%s-%s" % vr for vr in sorted(set(o.versions), key=lambda vr: _digits(vr[0]))))
            for o in offers]
        if want is not None and _digits(version)[:3] < _digits(want[0])[:3]:
            go, path, line = want
            results.append(_f(
                "PKG-GOLANG-TOO-OLD", "warn",
                "%s install golang gives Go %s (%s); %s needs go %s" % (pm, version, best.repo.id, path, go),
                subject="golang-old",
                evidence=evidence + [Evidence.file(path, "go %s" % go, line)],
                why="The distribution's golang lags behind Go releases; a module that declares a "
                    "newer go line does not build with it (go: go.mod requires go >= %s)." % go,
                predicted_error="go: go.mod requires go >= %s (running go %s; GOTOOLCHAIN=local)" % (
                    go, version),
                fix=[Action.note("install Go %s or later from %s into /usr/local/go and put "
                                 "/usr/local/go/bin first on PATH" % (go, REFERENCES["go"]))],
                references=[REFERENCES["go"]]))
        else:
            results.append(_f("PKG-GOLANG", "ok", "golang %s-%s available from %s" % (
                version, release, best.repo.id), evidence=evidence))
        return results
    if source is None or not enabled:
        return results
    providing = [r for r in enabled if _matches(r.id, source.match)]
    if providing:
        results.append(_f("PKG-GOLANG", "ok", "golang comes from %s (%s enabled; version not known "
                          "without cached metadata)" % (source.repo, ", ".join(r.id for r in providing)),
                          evidence=[_repo_evidence(r) for r in providing]))
        return results
    distro = facts.distro
    disabled = [r for r in facts.repos if not r.enabled and _matches(r.id, source.match)]
    if disabled:
        fix = [Action.command([pm, "config-manager", "--set-enabled", disabled[0].id] if pm == "dnf"
                              else ["yum-config-manager", "--enable", disabled[0].id],
                              description="it is configured but disabled (%s)" % disabled[0].path)]
    elif source.enable:
        fix = [Action.command(source.enable, description="the repository golang comes from")]
    else:
        fix = []
    fix.append(Action.note("or install Go from %s into /usr/local/go" % REFERENCES["go"]))
    results.append(_f(
        "PKG-GOLANG-NO-REPO", "warn", "golang comes from %s on %s, which is not enabled" % (
            source.repo, distro.describe()),
        subject="golang-repo",
        evidence=[Evidence.fact("%s: golang is in %s (%s)" % (distro.describe(), source.repo, source.source)),
                  Evidence.fact("enabled: %s" % ", ".join(r.id for r in enabled))],
        why="The distribution's own repositories do not carry golang on this release, or the one "
            "that does is off.",
        predicted_error=MSG_NO_MATCH.get(pm), fix=fix,
        references=[REFERENCES["epel"]] if source.repo == "EPEL" else []))
    return results


def _digits(version):
    from gotriage.facts.packages import vtuple
    return vtuple(version)


def _matches(repo_id, patterns):
    rid = repo_id.lower()
    return any(rid == p or rid.startswith(p) or ("-" + p) in rid or ("_" + p) in rid for p in patterns)


# ---------------------------------------------------------------------------------------
@check("PKG-INPUT", LAYER, "the commands the package verdicts read answered", findings={
    "PKG-INPUT-HUNG": hung_doc("the package verdicts (the golang lookup in the cached "
                               "repository metadata)"),
})
def inputs(facts):
    """Runs after the other package checks (the runner's rule for -INPUT checks): every
    command they read that timed out or was not started before the run's deadline."""
    hung = [_f("PKG-INPUT-HUNG", "warn", title, **kw) for title, kw in hung_findings(facts.inputs)]
    if hung or not facts.inputs.answered:
        return hung
    return [_f("PKG-INPUT", "ok", answered_title(facts.inputs))]
