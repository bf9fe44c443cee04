"""The packages layer's facts about keys that live somewhere else than a key file: the keys
of the rpm database (`rpm -q gpg-pubkey`: what verifies packages), the gpgkey= URLs (read
only with --network, fetched with the host's curl and a timeout), and which copy of a
repository's key is expired where (dnf's keyring of the repository, which verifies
repomd.xml with repo_gpgcheck=1, or the rpm database).  A part of PackagesFacts
(facts/packages.py), which mixes it in: it reads through the same declared inputs
(`self.io`, inputs/packages.py) and memo.

Measured with real dnf 4.14 (librepo 1.14, gpgme) and rpm 4.18 (tests/test_packages_keys.py):
dnf imports a gpgkey= key into its keyring of the repository only when no key of that id
is there, so a key its vendor extended (a new self-signature, the same key id) is never
taken: repomd.xml then fails with `Bad GPG signature`, also after `dnf clean metadata`
and `dnf clean all`, which leave that keyring; `rpm --import` of the extended key leaves
the old copy in the rpm database too (the same gpg-pubkey-ID-CREATED name)."""

from gotriage.i18n import _
from gotriage.inputs.packages import RPM_KEYS_FORMAT
from gotriage.parsers.pgpkey import PgpError, parse_keys
from gotriage.parsers.rpmkeys import parse_rpm_keys

URL_SCHEMES = ("https://", "http://", "ftp://")


class StaleKey(object):
    """A copy of a repository's key that has expired in a keyring that uses it."""

    __slots__ = ("repo", "where", "key", "entry", "newer", "source")

    def __init__(self, repo, where, key, entry=None, newer=None, source=None):
        self.repo = repo
        self.where = where  # "rpmdb" or the path of dnf's keyring directory (pubring)
        self.key = key  # the expired copy (parsers.pgpkey.Key)
        self.entry = entry  # its RpmKey (rpmdb)
        self.newer = newer  # the gpgkey= copy that has not expired, or None
        self.source = source  # the gpgkey= URL that copy came from


class RepositoryKeys(object):
    """Mixed into PackagesFacts: needs its `io`, `options`, `_memo`, `now`, `note`,
    `enabled_repos`, `key_file` and `cache`."""

    def _fetch_key(self, kf):
        """A gpgkey=https://... key: fetched with --network, else left unexamined."""
        if not self.options.get("network"):
            kf.error = "offline"
            return
        result = self.io.run("key-fetch", url=kf.url)
        if not result.ok:
            kf.error = _("not fetched (%(error)s)") % {
                "error": result.excerpt(1) if hasattr(result, "excerpt") else result.error}
            return
        kf.read = True
        data = result.stdout if isinstance(result.stdout, bytes) else (result.stdout or "").encode()
        try:
            kf.keys = parse_keys(data)
        except PgpError as err:
            kf.error = str(err)
        except Exception as err:  # noqa: BLE001 - a key never stops the layer
            kf.error = _("cannot be parsed (%(error)s)") % {"error": err}

    @property
    def rpm_keys(self):
        """[RpmKey] of the rpm database, or None when rpm did not answer."""
        def compute():
            result = self.io.run("rpm-keys", format=RPM_KEYS_FORMAT)
            if result.ok:
                return parse_rpm_keys(result.text)
            if result.returncode == 1 and "is not installed" in (result.text or ""):
                return []  # no key imported yet
            return None
        return self._memo("rpm_keys", compute)

    def key_expired(self, key):
        expires = key.expires
        return expires is not None and expires <= self.now

    def stale_keys(self):
        """[StaleKey]: for each enabled repository that checks signatures, every copy of one
        of its keys that has expired in dnf's keyring of it (repo_gpgcheck=1) or in the rpm
        database (gpgcheck=1), with the gpgkey= copy that has not (an extended key)."""
        def compute():
            out = []
            for repo in self.enabled_repos:
                named = []  # (Key, url) of its gpgkey= files and URLs
                for url in repo.gpgkeys:
                    named.extend((k, url) for k in self.key_file(url).keys)

                def newer(key, named=named):
                    for k, url in named:
                        if k.fingerprint == key.fingerprint and not self.key_expired(k):
                            return k, url
                    return None, None
                ids = {k.keyid for k, _ in named}
                cache = self.cache(repo) if repo.repo_gpgcheck.value and repo.has_url else None
                if cache is not None and cache.dir is not None:
                    live = [k for k in cache.keyring_keys if not self.key_expired(k)]
                    signer = cache.verdict.key if cache.verdict is not None else None
                    for key in cache.keyring_keys:
                        # the key that signed the cached repomd.xml, or (no metadata: the last
                        # download failed) the keyring holds no key that has not expired
                        if self.key_expired(key) and ((signer is not None and signer.fingerprint == key.fingerprint)
                                                  or (cache.repomd is None and not live)):
                            k, url = newer(key)
                            out.append(StaleKey(repo, cache.dir + "/pubring", key, newer=k, source=url))
                if repo.gpgcheck.value and named and self.rpm_keys:
                    for entry in self.rpm_keys:
                        for key in entry.keys:
                            if key.keyid in ids and self.key_expired(key):
                                k, url = newer(key)
                                out.append(StaleKey(repo, "rpmdb", key, entry=entry, newer=k, source=url))
            return out
        return self._memo("stale_keys", compute)
