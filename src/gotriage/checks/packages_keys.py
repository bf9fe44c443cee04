"""The packages layer's findings about a repository key's copies that have expired
(PKG-GPG-KEY-EXPIRED, for PKG-GPG and PKG-CACHE) and how to restore a missing key file:
kept apart from checks/packages.py so that the layer stays under 800 lines."""

import posixpath
import time

from gotriage.findings import Action, Evidence, Finding
from gotriage.i18n import _
from gotriage.knowledge.packages import MSG_BAD_SIGNATURE

LAYER = "packages"


def pm_name(facts):
    return facts.manager["name"] if facts.manager else "dnf"


def _day(seconds):
    return time.strftime("%Y-%m-%d", time.gmtime(seconds))


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
        evidence = [Evidence.fact(_("%(key)s \"%(user)s\" expired on %(day)s") % {
            "key": key.keyid, "user": key.userids[0] if key.userids else "", "day": _day(key.expires)})]
        if newer is not None:
            evidence.append(Evidence.fact((
                _("gpgkey=%(source)s has the same key, valid until %(day)s") if newer.newer.expires
                else _("gpgkey=%(source)s has the same key, valid with no end")) % {
                    "source": newer.source,
                    "day": _day(newer.newer.expires) if newer.newer.expires else ""}))
        else:
            evidence.append(Evidence.fact(_("gpgkey= (%(urls)s) has no copy of it that has not "
                                            "expired") % {"urls": ", ".join(first.repo.gpgkeys)}
                                          if first.repo.gpgkeys else
                                          _("the repository names no gpgkey=")))
        current = [] if newer is not None else [Action.note(
            _("first get the vendor's current key: gpgkey= gives the expired one too"))]
        values = {"key": key.keyid, "repos": ", ".join(repos), "day": _day(key.expires)}
        if where == "rpmdb":
            entry = first.entry
            evidence.insert(0, Evidence.fact(_("rpm database: %(name)s (%(summary)s)") % {
                "name": entry.name, "summary": entry.summary}))
            values["name"] = entry.name
            title = _("key %(key)s of %(repos)s expired on %(day)s and is still %(name)s in the "
                      "rpm database") % values
            why = _("rpm verifies packages with the keys of its database; rpm built with "
                    "rpm-sequoia (Fedora 38+, EL10) refuses a signature by an expired key.  `rpm "
                    "--import` of the vendor's extended key (the same key, so the same name "
                    "%(name)s) keeps the expired copy: remove it first.") % {"name": entry.name}
            fix = current + [Action.command(["rpm", "-e", entry.name], description=_("the expired copy")),
                             Action.command(["rpm", "--import", src], description=_(
                                 "the vendor's current key, from gpgkey=")) if src else
                             Action.note(_("then rpm --import the vendor's current key"))]
            severity, predicted = "warn", None
        else:
            values["keyring"] = where
            title = _("key %(key)s of %(repos)s expired on %(day)s in dnf's keyring of the "
                      "repository (%(keyring)s)") % values
            why = _("With repo_gpgcheck=1 dnf verifies repomd.xml with its own keyring of the "
                    "repository, and refuses a signature by an expired key.  It imports a gpgkey= "
                    "key only when no key of its id is there, so it never takes the vendor's "
                    "extended key; `dnf clean metadata` and `dnf clean all` leave that keyring as "
                    "it is.")
            fix = current + [Action.command(["rm", "-r", "--", where], description=_(
                                 "dnf's keyring of %(repos)s: the expired copy") % values),
                             Action.command([pm_name(facts), "makecache"], description=_(
                                 "imports the key from gpgkey= again (answer y)"))]
            severity, predicted = "error", MSG_BAD_SIGNATURE % first.repo.id
        out.append(Finding("PKG-GPG-KEY-EXPIRED", severity, title, layer=LAYER,
                           subject="expired:%s:%s" % (where, key.fingerprint),
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


def restore_key_fix(facts, path, repo):
    """Reinstall the package that ships the key file (a distribution's own key), or put the
    key back by hand."""
    name = posixpath.basename(path)
    fix = []
    for prefix, package in _KEY_PACKAGES:
        if name.startswith(prefix):
            fix.append(Action.command([pm_name(facts), "reinstall", "-y", package],
                                      description=_("%(package)s ships %(file)s") % {
                                          "package": package, "file": name}))
            break
    fix.append(Action.note(_("or put the vendor's public key at %(path)s, or correct the gpgkey= "
                             "line of [%(repo)s] in %(file)s") % {
                                 "path": path, "repo": repo.id, "file": repo.path}))
    return fix
