"""The packages layer (dnf/yum): repositories, keys and caches, and where golang comes from.

What dnf prints in each case was measured with real dnf 4.14 against repositories built
with createrepo_c (tests/test_packages_realdnf.py); the strings are in
knowledge/packages.py.  Dead mirrors and end-of-life vault moves are the system layer's
(SYS-EOL...), not repeated here.
"""

from gotriage.checks import check
from gotriage.checks.packages_keys import expired_key_findings, pm_name, restore_key_fix
from gotriage.checks.unanswered import answered_title, hung_doc, hung_findings
from gotriage.findings import Action, Evidence, Finding
from gotriage.i18n import N_, _
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

# What parsers/yumrepo.py says of a line dnf cannot load (in English there: its messages
# are keys, of MSG_CRASH); a title shows them translated.
LOAD_PROBLEMS = (N_("not a section header"), N_("the section name is not UTF-8"),
                 N_("the key is not UTF-8"), N_("the value is not UTF-8"),
                 N_("indented line that continues no key=value line"),
                 N_("neither key=value, [section] nor comment"),
                 N_("key=value before the first [section]"))


def _f(id, severity, title, **kw):
    return Finding(id, severity, title, layer=LAYER, **kw)


_pm = pm_name


def _repo_evidence(repo, key=None):
    if key is not None and repo.option_line(key):
        return Evidence.file(repo.path, repo.evidence_text(key), repo.option_line(key))
    return Evidence.file(repo.path, "[%s]" % repo.id, repo.line)


def _setting_evidence(setting, what):
    if setting.path is None:
        return Evidence.fact(_("%(setting)s is not set: the default is %(value)s") % {
            "setting": what, "value": setting.value})
    return Evidence.file(setting.path, setting.text, setting.line)


def _no_manager(facts):
    if facts.manager is None:
        note = _("packages layer: no dnf or yum on this host (not an RPM-based system)")
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
                values = {"path": rf.path, "error": rf.error.message.lower()}
                facts.note((_("repositories in %(path)s not examined: %(error)s (run gotriage as "
                              "root)") if rf.error.denied else
                            _("repositories in %(path)s not examined: %(error)s")) % values)
            continue
        crash = [p for p in rf.problems if p.effect == "crash"]
        if crash:
            p = crash[0]
            results.append(_f(
                "PKG-REPOS-CRASH", "error", _("%(path)s line %(line)d: %(error)s, every dnf "
                                              "command fails") % {
                    "path": rf.path, "line": p.line, "error": _(p.message)},
                subject=rf.path, evidence=[Evidence.file(rf.path, p.text, p.line)],
                why=_("dnf reads repository options as text; a byte sequence that is not UTF-8 "
                      "makes its Python bindings raise, before any command runs."),
                predicted_error=MSG_CRASH.get(p.message),
                fix=[Action.note(_("rewrite line %(line)d of %(path)s in UTF-8, or delete it") % {
                    "line": p.line, "path": rf.path})]))
            continue
        skipped = rf.skipped
        if skipped is not None:
            names = [s.name for s in rf.sections if s.name != "main"]
            enabled = [s.name for s in rf.sections if s.name != "main" and s.enabled]
            results.append(_f(
                "PKG-REPOS-FILE-SKIPPED", "error" if enabled else "warn",
                (_("dnf skips %(path)s entirely (line %(line)d: %(error)s): repositories "
                   "%(repos)s are not used") if enabled else
                 _("dnf skips %(path)s entirely (line %(line)d: %(error)s)")) % {
                    "path": rf.path, "line": skipped.line, "error": _(skipped.message),
                    "repos": ", ".join(enabled)},
                subject=rf.path, evidence=[Evidence.file(rf.path, skipped.text, skipped.line)]
                + ([Evidence.fact(_("repositories defined in it: %(repos)s") % {
                    "repos": ", ".join(names)})] if names else []),
                why=_("dnf's configuration parser rejects the whole file at the first line it "
                      "cannot read, so none of its repositories exist for dnf."),
                predicted_error=MSG_FILE_SKIPPED % rf.path,
                fix=[Action.edit(rf.path, None, old=skipped.text, syntax="ini",
                                 description=_("delete the line dnf cannot read (or correct it)"))]
                if skipped.text.strip() and b"\0" not in (rf.data or b"")[:4096] and names else
                [Action.command(["mv", rf.path, rf.path + ".disabled"],
                                description=_("not a repository file: move it out of the way "
                                              "(dnf reads only *.repo)"))]))
        for p in rf.problems:
            if p.effect == "repo-skipped":
                results.append(_f(
                    "PKG-REPOS-BAD-ID", "warn", _("repository [%(repo)s] in %(path)s is skipped: "
                                                  "bad id") % {
                        "repo": p.text.strip()[1:-1], "path": rf.path},
                    subject="%s:%d" % (rf.path, p.line),
                    evidence=[Evidence.file(rf.path, p.text, p.line)],
                    why=_("dnf accepts only letters, digits and -_.: in a repository id."),
                    predicted_error=p.message,
                    fix=[Action.edit(rf.path, "[%s]" % "".join(
                        c if c.isalnum() or c in "-_.:" else "-" for c in p.text.strip()[1:-1].strip()),
                        old=p.text, syntax="ini", description=_("a valid repository id"))]))
    enabled = facts.enabled_repos
    for repo in facts.repos:
        if repo.duplicate_of is not None and repo.enabled:
            first = repo.duplicate_of
            results.append(_f(
                "PKG-REPOS-DUPLICATE", "warn", _("repository %(repo)s is defined in %(first)s and "
                                                 "%(second)s; dnf uses %(first)s") % {
                    "repo": repo.id, "first": first.path, "second": repo.path},
                subject="dup:%s" % repo.id,
                evidence=[_repo_evidence(first), _repo_evidence(repo)],
                why=_("dnf keeps the first definition (file names in sorted order) and ignores the "
                      "other, whatever its settings."),
                predicted_error=MSG_DUPLICATE % repo.id,
                fix=[Action.note(_("delete or rename [%(repo)s] in one of the two files") % {
                    "repo": repo.id})]))
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
                                       syntax="ini", description=_(
                                           "restore the commented-out URL (if that server still "
                                           "serves it: see the system layer)")))
            fix.append(Action.command([pm, "config-manager", "--set-disabled", repo.id]
                                      if pm == "dnf" else ["yum-config-manager", "--disable", repo.id],
                                      description=_("or stop using this repository")))
            results.append(_f(
                "PKG-REPOS-NO-URL", "error", _("repository %(repo)s has no baseurl, mirrorlist or "
                                               "metalink") % {"repo": repo.id},
                subject="nourl:%s" % repo.id, evidence=evidence,
                why=_("dnf needs one of them to find the repository's metadata; it stops every "
                      "command that loads repositories."),
                predicted_error=MSG_NO_URL % repo.id, fix=fix, references=[REFERENCES["dnf.conf"]]))
    if not enabled:
        dirs, setting = facts.reposdirs
        if not facts.repo_files and not any(facts.reposdir_exists(d) for d in dirs):
            # Every EL host has /etc/yum.repos.d; without it this is a partial snapshot.
            facts.note(_("packages layer: no repository directory (%(dirs)s) on this host or "
                         "in this snapshot: repositories not examined") % {
                             "dirs": ", ".join(dirs)})
            return results
        evidence = [Evidence.fact(_("repository files: %(files)s") % {
            "files": ", ".join(rf.path for rf in facts.repo_files) or _("none in %(dirs)s") % {
                "dirs": ", ".join(dirs)}})]
        if not setting.default:
            evidence.append(_setting_evidence(setting, "reposdir"))
        disabled = [r.id for r in facts.repos if not r.enabled]
        if disabled:
            evidence.append(Evidence.fact(_("disabled: %(repos)s") % {"repos": ", ".join(disabled)}))
        results.append(_f(
            "PKG-REPOS-NONE", "error", _("no enabled repository: %(pm)s install cannot install "
                                         "anything") % {"pm": pm},
            subject="none", evidence=evidence,
            why=_("Installing golang, gcc or anything else needs a repository (or a local .rpm "
                  "file)."),
            predicted_error=MSG_NO_REPOS % dirs[0],
            fix=[Action.command([pm, "config-manager", "--set-enabled", disabled[0]]
                                if pm == "dnf" else ["yum-config-manager", "--enable", disabled[0]],
                                description=_("enable a configured repository"))] if disabled else
            _no_repo_fix(facts, dirs)))
    else:
        results.append(_f(
            "PKG-REPOS", "ok", _("%(n)d enabled repositories: %(repos)s") % {
                "n": len(enabled), "repos": ", ".join(r.id for r in enabled)},
            evidence=[_repo_evidence(r) for r in enabled]))
    return results


def _no_repo_fix(facts, dirs):
    distro = facts.distro
    if distro is not None and distro.id == "rhel":
        # RHEL's repositories come with the subscription: redhat.repo is written by
        # subscription-manager once the system is registered.
        return [Action.command(["subscription-manager", "register"],
                               description=_("RHEL's repositories appear in "
                                             "/etc/yum.repos.d/redhat.repo once the system is "
                                             "registered (or configure a local mirror)"))]
    return [Action.note(_("add a .repo file for the distribution's repositories to %(dir)s") % {
        "dir": dirs[0]})]


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
                "PKG-GPG-OFF", "info", _("repository %(repo)s installs packages without checking "
                                         "signatures (gpgcheck=0)") % {"repo": repo.id},
                subject="off:%s" % repo.id,
                evidence=[_setting_evidence(repo.gpgcheck, "gpgcheck")],
                why=_("A package from this repository is installed whoever built it."),
                fix=[Action.note(_("set gpgcheck=1 and gpgkey= to the vendor's key in [%(repo)s] "
                                   "of %(path)s (unless you build this repository yourself)") % {
                                       "repo": repo.id, "path": repo.path})]))
            continue
        checked.append(repo.id)
        if not repo.gpgkeys:
            results.append(_f(
                "PKG-GPG-NO-KEY", "warn", _("repository %(repo)s checks signatures but names no "
                                            "gpgkey") % {"repo": repo.id},
                subject="nokey:%s" % repo.id,
                evidence=[_repo_evidence(repo), _setting_evidence(repo.gpgcheck, "gpgcheck")],
                why=_("dnf imports a repository's keys from gpgkey=; without it only keys already "
                      "in the rpm database (rpm -q gpg-pubkey) can verify its packages."),
                predicted_error="Public key for <package>.rpm is not installed",
                fix=[Action.note(_("in [%(repo)s] of %(path)s, add gpgkey=file:///etc/pki/rpm-gpg/ "
                                   "followed by the name of the vendor's key file there (ls "
                                   "/etc/pki/rpm-gpg)") % {"repo": repo.id, "path": repo.path})]))
            continue
        for url in repo.gpgkeys:
            kf = facts.key_file(url)
            if kf.path is None and not kf.read:
                if kf.error == "offline":
                    facts.note(_("gpgkey=%(url)s of %(repo)s is not examined offline (dnf fetches "
                                 "it when it imports the key): --network fetches and reads it") % {
                                     "url": url, "repo": repo.id})
                elif kf.error:
                    facts.note(_("gpgkey=%(url)s of %(repo)s: %(error)s") % {
                        "url": url, "repo": repo.id, "error": kf.error})
                continue
            if kf.error == "denied":
                continue  # reported as "could not read" by the host
            if kf.error == "missing":
                results.append(_f(
                    "PKG-GPG-KEY-MISSING", "error", _("%(path)s (gpgkey of %(repo)s) does not "
                                                      "exist") % {"path": kf.path, "repo": repo.id},
                    subject="missing:%s" % kf.path,
                    evidence=[_repo_evidence(repo, "gpgkey"), Evidence.fact(_("%(path)s: no such file") % {"path": kf.path})],
                    why=_("dnf imports the key from this file before it installs the repository's "
                          "first package; without it every package from %(repo)s fails its "
                          "signature check.") % {"repo": repo.id},
                    predicted_error=MSG_KEY_MISSING % (repo.id, kf.path, kf.path),
                    fix=restore_key_fix(facts, kf.path, repo)))
                continue
            where = kf.path or url
            if kf.error:
                results.append(_f(
                    "PKG-GPG-KEY-INVALID", "error", _("%(path)s (gpgkey of %(repo)s) is not an "
                                                      "OpenPGP public key: %(error)s") % {
                        "path": where, "repo": repo.id, "error": kf.error},
                    subject="invalid:%s" % where,
                    evidence=[_repo_evidence(repo, "gpgkey"), Evidence.fact("%s %s" % (where, kf.error))],
                    why=_("rpm and dnf import only OpenPGP public keys; this file is something "
                          "else (an error page saved by curl, a truncated download, an X.509 "
                          "certificate)."),
                    predicted_error="error: %s: key 1 import failed." % where,
                    fix=restore_key_fix(facts, where, repo)))
                continue
            for key in kf.keys:
                keys_seen[key.fingerprint] = (key, where)
                if rejected is False:
                    continue
                weak = [(what, algo) for what, algo in key.binding_hashes() if algo in (1, 2, 3)]
                if not weak:
                    continue
                policy_ev = Evidence.file(policy_path, policy.text, policy.line) if policy_path else \
                    Evidence.fact(_("/etc/crypto-policies/config is absent: the policy is DEFAULT"))
                severity = "error" if rejected else "warn"
                results.append(_f(
                    "PKG-GPG-KEY-SHA1", severity,
                    _("key %(key)s in %(path)s is self-signed with %(hash)s, which the %(policy)s "
                      "policy of EL%(el)s rejects") % {
                        "key": key.keyid, "path": where, "hash": hash_name(weak[0][1]),
                        "policy": policy.name, "el": el},
                    subject="sha1:%s" % key.fingerprint,
                    evidence=[_repo_evidence(repo, "gpgkey"),
                              Evidence.fact("%s %s \"%s\"" % (key.keyid, key.primary.describe(),
                                                               key.userids[0] if key.userids else ""))]
                    + [Evidence.fact(_("%(what)s: self-signature hash %(hash)s") % {
                        "what": what, "hash": hash_name(algo)})
                       for what, algo in weak] + [policy_ev],
                    why=(_("EL9 and later check package keys against the system crypto policy, "
                           "which does not accept SHA-1 signatures; the key cannot be imported, so "
                           "nothing signed by it installs.") if rejected else
                         _("The crypto policy %(policy)s is a custom one; if it leaves SHA-1 out (as "
                           "DEFAULT does on EL9+), this key cannot be imported.") % {
                               "policy": policy.name}),
                    predicted_error=SHA1_KEY_ERROR.get(min(el, 10) if el else 9),
                    fix=[Action.note(_("ask the repository's vendor for its current key "
                                       "(re-signed with SHA-256 or stronger) and replace %(path)s") % {
                                           "path": where}),
                         Action.command(["update-crypto-policies", "--set",
                                         "DEFAULT:SHA1" if (el or 9) < 10 else "LEGACY"], safe=False,
                                        description=_("stopgap only: accepts SHA-1 signatures "
                                                      "system-wide"))],
                    references=[REFERENCES["sha1"], REFERENCES["crypto-policies"]]))
    results.extend(_expired(facts))
    if checked:
        results.append(_f("PKG-GPG", "ok", _("signatures checked for %(repos)s (%(n)d keys read; "
                                             "crypto policy %(policy)s)") % {
            "repos": ", ".join(checked), "n": len(keys_seen), "policy": policy.name},
            evidence=[Evidence.fact(_("%(key)s from %(source)s: %(hashes)s") % {
                "key": k.keyid, "source": path,
                "hashes": ", ".join(sorted({hash_name(a) for _, a in k.binding_hashes()}))})
                for k, path in keys_seen.values()]))
    return results


def _expired(facts, repo=None):
    """The PKG-GPG-KEY-EXPIRED findings (once per run), or those of dnf's keyring of `repo`."""
    found = facts.memo("pkg-expired-keys", lambda: expired_key_findings(facts))
    if repo is None:
        return found
    mine = "expired:%s/pubring:" % facts.cache(repo).dir
    return [f for f in found if f.subject.startswith(mine)]


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
            fix = [Action.command([pm, "makecache"], description=_("while %(repo)s is reachable") % {
                "repo": repo.id})]
            expired = _expired(facts, repo) if repo.repo_gpgcheck.value else []
            if expired:
                why = _("Its last download stopped at the signature: %(title)s.") % {
                    "title": expired[0].title}
                fix = list(expired[0].fix)
            elif repo.repo_gpgcheck.value and c.pubring:
                why = _("Only dnf's keyring for it is there (%(dir)s/pubring): its last download "
                        "stopped, e.g. at a signature that did not verify (`%(error)s`).") % {
                            "dir": c.dir, "error": MSG_BAD_SIGNATURE % repo.id}
            else:
                why = _("dnf has never downloaded it here, or `dnf clean` removed it; offline "
                        "nothing from it can be installed.")
            results.append(_f(
                "PKG-CACHE-MISSING", "info", _("no cached metadata for %(repo)s") % {"repo": repo.id},
                subject="nocache:%s" % repo.id,
                evidence=[Evidence.fact(_("%(path)s does not exist") % {"path": c.repomd_path})]
                + ([_setting_evidence(cachedir_setting, "cachedir")] if not cachedir_setting.default else []),
                why=why, predicted_error=MSG_NO_CACHE % repo.id if pm == "dnf" else None, fix=fix,
                cause=expired[0] if expired else None))
            continue
        md = c.repomd
        if md.error is not None or (c.primary_path and c.primary_mtime is None):
            problem = md.error or "%s (listed in repomd.xml) is missing" % c.primary_path
            results.append(_f(
                "PKG-CACHE-CORRUPT", "warn", _("the cached metadata of %(repo)s is damaged: "
                                               "%(problem)s") % {"repo": repo.id, "problem": problem},
                subject="corrupt:%s" % repo.id,
                evidence=[Evidence.file(c.repomd_path, problem)],
                why=_("dnf cannot read packages from a cache whose index is damaged; it downloads "
                      "it again, which fails offline."),
                fix=[Action.command([pm, "clean", "metadata"]), Action.command([pm, "makecache"])]))
            continue
        if repo.repo_gpgcheck.value:
            if c.asc_data is None:
                results.append(_f(
                    "PKG-CACHE-NO-SIGNATURE", "error",
                    _("repo_gpgcheck=1 but the cached metadata of %(repo)s is not signed") % {
                        "repo": repo.id},
                    subject="nosig:%s" % repo.id,
                    evidence=[_setting_evidence(repo.repo_gpgcheck, "repo_gpgcheck"),
                              Evidence.fact(_("%(path)s does not exist") % {"path": c.asc_path})],
                    why=_("dnf verifies repomd.xml.asc whenever it loads the cache; without it dnf "
                          "discards the cached metadata (and deletes it) and downloads again."),
                    predicted_error=MSG_NO_CACHE % repo.id + "  (with -C)",
                    fix=[Action.command([pm, "clean", "metadata"]),
                         Action.command([pm, "makecache", "--refresh"],
                                        description=_("downloads repomd.xml with its "
                                                      "signature"))]))
                continue
            verdict = c.verdict
            if verdict is not None and verdict.status in ("bad", "expired"):
                keys = ", ".join(repo.gpgkeys)
                expired = _expired(facts, repo) if verdict.status == "expired" else []
                results.append(_f(
                    "PKG-CACHE-BAD-SIGNATURE", "error",
                    (_("the cached repomd.xml of %(repo)s is signed by a key that has expired")
                     if expired else
                     _("the cached repomd.xml of %(repo)s does not match its signature")) % {
                        "repo": repo.id},
                    subject="badsig:%s" % repo.id,
                    evidence=[Evidence.file(c.asc_path, "signed by %s with %s: %s" % (
                        verdict.signer or "?", hash_name(verdict.hashalgo), verdict.reason)),
                        Evidence.file(repo.path, "gpgkey=%s" % keys, repo.option_line("gpgkey"))],
                    why=_("dnf verifies the cached repomd.xml against the repository's keys every "
                          "time it loads it; a signature by an expired key is refused as a bad one.")
                    if verdict.status == "expired" else
                    _("dnf verifies the cached repomd.xml against the repository's keys every time "
                      "it loads it; a file changed after signing is refused (and deleted)."),
                    predicted_error=MSG_BAD_SIGNATURE % repo.id,
                    fix=list(expired[0].fix) if expired else [
                        Action.command([pm, "clean", "metadata"]),
                        Action.command([pm, "makecache", "--refresh"]),
                        Action.note(_("if the download then fails with `Bad GPG signature`, the "
                                      "mirror serves altered metadata or gpgkey= names the wrong "
                                      "key: fix the mirror or the key (`dnf clean all` would not "
                                      "help: it leaves dnf's per-repository keyring alone)"))],
                    cause=expired[0] if expired else None))
                continue
        expired, why = facts.expired(repo)
        age = facts.age(c)
        if expired:
            path, mtime = c.age_from
            results.append(_f(
                "PKG-CACHE-EXPIRED", "info", _("the cached metadata of %(repo)s has expired "
                                               "(%(why)s)") % {"repo": repo.id, "why": why},
                subject="expired:%s" % repo.id,
                evidence=[Evidence.file(path, "modified %s" % _utc(mtime)),
                          _setting_evidence(repo.metadata_expire, "metadata_expire"),
                          _repomd_evidence(c)],
                why=_("dnf downloads expired metadata before it resolves anything; on a host "
                      "without access to the mirror that download fails, while `dnf -C` keeps "
                      "using the cache."),
                predicted_error="Failed to download metadata for repo '%s'  (when the mirror is "
                                "unreachable)" % repo.id,
                fix=[Action.command([pm, "makecache", "--refresh"] if pm == "dnf" else [pm, "makecache"],
                                    description=_("when the mirror is reachable")),
                     Action.note(_("offline: `%(pm)s -C install ...` uses the cached metadata") % {
                         "pm": pm})]))
            continue
        if repo.repo_gpgcheck.value:
            if c.verdict is not None and c.verdict.status == "good":
                verified = _("%(repo)s %(age)s old, signature good (%(key)s)")
            else:
                verified = _("%(repo)s %(age)s old, signature not verified (%(why)s)")
        else:
            verified = _("%(repo)s %(age)s old")
        verdict = c.verdict
        fine.append(verified % {
            "repo": repo.id, "age": facts_duration(age),
            "key": verdict.key.keyid if verdict is not None and verdict.status == "good" else "",
            "why": (verdict.reason or verdict.status) if verdict is not None else
            (c.verify_note or _("no key"))})
        fine_evidence.append(_repomd_evidence(c))
    if fine:
        results.append(_f("PKG-CACHE", "ok", _("cached metadata: %(repos)s") % {
                              "repos": "; ".join(fine)},
                          evidence=[Evidence.fact(_("cache: %(dir)s") % {"dir": base})] + fine_evidence))
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
                _("%(pm)s install golang gives Go %(version)s (%(repo)s); %(gomod)s needs go "
                  "%(go)s") % {"pm": pm, "version": version, "repo": best.repo.id, "gomod": path,
                               "go": go},
                subject="golang-old",
                evidence=evidence + [Evidence.file(path, "go %s" % go, line)],
                why=_("The distribution's golang lags behind Go releases; a module that declares "
                      "a newer go line does not build with it (go: go.mod requires go >= %(go)s).")
                % {"go": go},
                predicted_error="go: go.mod requires go >= %s (running go %s; GOTOOLCHAIN=local)" % (
                    go, version),
                fix=[Action.note(_("install Go %(go)s or later from %(url)s into /usr/local/go and "
                                   "put /usr/local/go/bin first on PATH") % {
                                       "go": go, "url": REFERENCES["go"]})],
                references=[REFERENCES["go"]]))
        else:
            results.append(_f("PKG-GOLANG", "ok", _("golang %(version)s-%(release)s available from "
                                                    "%(repo)s") % {
                "version": version, "release": release, "repo": best.repo.id}, evidence=evidence))
        return results
    if source is None or not enabled:
        return results
    providing = [r for r in enabled if _matches(r.id, source.match)]
    if providing:
        results.append(_f("PKG-GOLANG", "ok", _("golang comes from %(source)s (%(repos)s enabled; "
                                                "version not known without cached metadata)") % {
                              "source": source.repo, "repos": ", ".join(r.id for r in providing)},
                          evidence=[_repo_evidence(r) for r in providing]))
        return results
    distro = facts.distro
    disabled = [r for r in facts.repos if not r.enabled and _matches(r.id, source.match)]
    if disabled:
        fix = [Action.command([pm, "config-manager", "--set-enabled", disabled[0].id] if pm == "dnf"
                              else ["yum-config-manager", "--enable", disabled[0].id],
                              description=_("it is configured but disabled (%(path)s)") % {
                                  "path": disabled[0].path})]
    elif source.enable:
        fix = [Action.command(source.enable, description=_("the repository golang comes from"))]
    else:
        fix = []
    fix.append(Action.note(_("or install Go from %(url)s into /usr/local/go") % {
        "url": REFERENCES["go"]}))
    results.append(_f(
        "PKG-GOLANG-NO-REPO", "warn", _("golang comes from %(source)s on %(distro)s, which is not "
                                        "enabled") % {"source": source.repo,
                                                      "distro": distro.describe()},
        subject="golang-repo",
        evidence=[Evidence.fact(_("%(release)s: golang is in %(repo)s (%(source)s)") % {
            "release": distro.describe(), "repo": source.repo, "source": source.source}),
                  Evidence.fact(_("enabled: %(repos)s") % {"repos": ", ".join(r.id for r in enabled)})],
        why=_("The distribution's own repositories do not carry golang on this release, or the "
              "one that does is off."),
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
