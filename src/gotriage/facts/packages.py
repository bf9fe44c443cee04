"""Facts for the packages layer (dnf/yum), gathered through the Host.

What is read, all of it read-only:

- the package manager's configuration: /etc/dnf/dnf.conf (dnf) or /etc/yum.conf (yum), its
  [main] options (reposdir, cachedir, gpgcheck, repo_gpgcheck, metadata_expire...), the
  variable files of /etc/dnf/vars and /etc/yum/vars, and every *.repo file of the repo
  directories, both as gotriage parses them and as dnf's stricter parser takes them;
- the keys that `gpgkey=file://...` names (with --network also `gpgkey=https://...`, fetched
  with curl), the keys of the rpm database and of dnf's keyring of each repository (which
  copy of a key has expired where: facts/packages_keys.py), and /etc/crypto-policies/config;
- each enabled repository's cached metadata: dnf keeps it in
  CACHEDIR/<repoid>-<16 hex digits>/repodata/ (repomd.xml, repomd.xml.asc, primary...),
  yum in CACHEDIR/<repoid>/ with a `cachecookie` whose age is the cache's age;
- the golang entries of cached primary metadata, with the host's own `gzip`/`xz` and
  `grep` (one bounded command per repository; only a few lines come back, so a snapshot
  stays small).

gotriage never runs dnf or yum: measured with real dnf 4.14, even `dnf --cacheonly` writes
its logs and solv caches, and when a cached repomd.xml fails its signature check it
deletes that repository's cached metadata.  Signatures are verified here instead
(parsers/pgpkey.py: RSA, DSA and Ed25519 in plain Python, against the keys the repository names),
so the verdict needs no keyring, no writable directory, and is the same on a snapshot.
"""

import hashlib
import posixpath
import re
import time

from gotriage.facts.base import Facts
from gotriage.facts.inputs import Inputs, Words
from gotriage.facts.packages_keys import URL_SCHEMES, RepositoryKeys
from gotriage.host.base import HostError
from gotriage.i18n import N_, _
from gotriage.inputs.packages import GOLANG_NEED, INPUTS
from gotriage.inputs.reader import reader_of
from gotriage.knowledge.packages import DNF, YUM, golang_source, parse_seconds
from gotriage.parsers.crypto_policy import parse_crypto_policy
from gotriage.parsers.pgpkey import (
    PgpError,
    parse_keybox,
    parse_keys,
    parse_signature,
    verify_detached,
)
from gotriage.parsers.repomd import parse_repomd
from gotriage.parsers.yumrepo import dnf_load_problems, expand, parse_repo_file

URL_KEYS = ("baseurl", "mirrorlist", "metalink")
BASEARCH = {"i386": "i386", "i486": "i386", "i586": "i386", "i686": "i386",
            "armv7l": "armhfp", "armv7hl": "armhfp", "armv8l": "armhfp"}
_GOLANG_ENTRY = re.compile(
    r'<name>golang</name>\s*<arch>([^<]*)</arch>\s*<version epoch="(\d*)" ver="([^"]+)" rel="([^"]+)"')
_DECOMPRESSORS = {".gz": "gzip", ".xz": "xz", ".bz2": "bzip2", ".zst": "zstd"}


GOLANG_LOOKUP_ENV = {"LC_ALL": "C", "PATH": "/usr/bin:/bin"}


def golang_lookup_argv(primary):
    """The command that prints the golang entries of a primary metadata file, with the host's
    own decompressor and grep (each entry: name, arch and version lines), or None for a
    format only dnf reads (zchunk)."""
    suffix = posixpath.splitext(primary)[1]
    if suffix == ".xml":
        return INPUTS["golang-grep"].argv({"primary": primary})
    tool = _DECOMPRESSORS.get(suffix)
    if tool is None:
        return None
    return INPUTS["golang-unpack-grep"].argv({"tool": tool, "primary": primary})


class RepoFile(object):
    """One .repo file (or the config file's [main])."""

    def __init__(self, path):
        self.path = path
        self.data = None  # bytes, None when unreadable
        self.error = None  # HostError when it could not be read
        self.sections = []
        self.problems = []  # parsers.yumrepo.LoadProblem
        self.mtime = None

    @property
    def skipped(self):
        """The problem for which dnf skips the whole file, or None."""
        for p in self.problems:
            if p.effect == "file-skipped":
                return p
        return None


class Setting(object):
    """An option's effective value and where it came from."""

    __slots__ = ("value", "path", "line", "text")

    def __init__(self, value, path=None, line=None, text=None):
        self.value, self.path, self.line, self.text = value, path, line, text

    @property
    def default(self):
        return self.path is None


class Repo(object):
    def __init__(self, section, repo_file):
        self.section = section
        self.id = section.name
        self.file = repo_file
        self.path = section.path
        self.line = section.line
        self.name = section.get("name") or self.id
        self.enabled = section.enabled
        self.urls = {}  # key -> [expanded urls]
        self.raw_urls = {}  # key -> [urls as written]
        self.gpgcheck = None
        self.repo_gpgcheck = None
        self.gpgkeys = []  # expanded urls
        self.metadata_expire = None  # Setting, seconds (-1 never)
        self.skipped = None  # why dnf does not load it (bad id), else None
        self.duplicate_of = None  # the Repo that dnf uses instead
        self.cache = None  # RepoCache, filled on demand

    @property
    def has_url(self):
        return any(self.urls.get(k) for k in URL_KEYS)

    def option_line(self, key):
        return self.section.lines.get(key)

    def evidence_text(self, key):
        number = self.section.lines.get(key)
        if number is None or self.file.data is None:
            return None
        lines = self.file.data.decode("utf-8", "replace").splitlines()
        return lines[number - 1].strip() if number <= len(lines) else None


class RepoCache(object):
    """What is cached for one repository."""

    def __init__(self, directory):
        self.dir = directory
        self.exists = False
        self.repomd_path = None
        self.repomd = None  # parsers.repomd.Repomd, None when there is no repomd.xml
        self.repomd_data = None
        self.repomd_mtime = None
        self.asc_path = None
        self.asc_data = None
        self.primary_path = None
        self.primary_mtime = None
        self.age_from = None  # (path, mtime) the age is measured from
        self.verdict = None  # parsers.pgpkey.Verdict of repomd.xml.asc, or None
        self.verify_note = None  # why it was not verified
        self.pubring = False  # dnf's per-repository keyring is there
        self.keyring_keys = []  # the keys in it
        self.candidates = []  # other cache directories of the same repo id

    @property
    def has_metadata(self):
        return self.repomd is not None


class KeyFile(object):
    def __init__(self, url):
        self.url = url
        self.path = url[len("file://"):] if url.startswith("file://") else None
        self.keys = []
        self.error = None  # why it cannot be used: "missing", "denied", or a PgpError text
        self.read = False


class GolangOffer(object):
    """golang packages found in one repository's cached metadata."""

    def __init__(self, repo, versions, result):
        self.repo = repo
        self.versions = versions  # [(version, release)] of binary packages
        self.result = result  # the CommandResult

    @property
    def newest(self):
        return max(self.versions, key=lambda vr: _vtuple(vr[0])) if self.versions else None


def _vtuple(version):
    out = []
    for part in re.split(r"[.\-~^]", version or ""):
        m = re.match(r"\d+", part)
        out.append(int(m.group(0)) if m else 0)
    return tuple(out)


class PackagesFacts(Facts, RepositoryKeys):
    def __init__(self, host, options=None):
        self.host = host
        self.options = options or {}
        self.notes = []
        self.inputs = Inputs()
        self._cache = {}
        # every read of the host goes through the declared inputs (inputs/packages.py)
        self.io = reader_of(host, self.options).layer(INPUTS, self.inputs)

    @classmethod
    def from_options(cls, host, options):
        return cls(host, options)

    def _memo(self, key, compute):
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    # -- other layers -------------------------------------------------------------------
    def _layer(self, name, build):
        facts_of = self.options.get("facts_of")
        if facts_of is not None:
            return facts_of(name)
        return self._memo("layer:" + name, build)

    @property
    def system(self):
        def build():
            from gotriage.facts.system import SystemFacts
            return SystemFacts.from_options(self.host, self.options)
        return self._layer("system", build)

    @property
    def toolchain(self):
        def build():
            from gotriage.facts.toolchain import ToolchainFacts
            return ToolchainFacts.from_options(self.host, self.options)
        return self._layer("toolchain", build)

    @property
    def distro(self):
        return self.system.distro

    @property
    def now(self):
        """The time the host was examined: now, or when the snapshot was made."""
        def compute():
            if self.options.get("now") is not None:
                return float(self.options["now"])
            manifest = getattr(self.host, "manifest", None)
            created = manifest.get("created") if isinstance(manifest, dict) else None
            if isinstance(created, str):
                import calendar
                try:
                    return float(calendar.timegm(time.strptime(created, "%Y-%m-%dT%H:%M:%SZ")))
                except ValueError:
                    pass
            return time.time()
        return self._memo("now", compute)

    # -- the package manager ----------------------------------------------------------------
    @property
    def manager(self):
        """DNF or YUM (knowledge.packages), or None when this is no dnf/yum host."""
        def compute():
            distro = self.distro
            if distro is not None and not distro.el and distro.id != "fedora" and \
                    not {"rhel", "centos", "fedora"} & set(distro.like):
                return None  # Debian, Ubuntu, SUSE...: dnf there is not the system's
            for path, defaults in (("/usr/bin/dnf", DNF), ("/usr/bin/yum", YUM)):
                if self.io.exists("manager", path=path):
                    return defaults
            if distro is not None and distro.el:
                return DNF if distro.el >= 8 else YUM
            if self.io.is_dir("repo-dir", dir="/etc/yum.repos.d"):
                return DNF
            return None
        return self._memo("manager", compute)

    @property
    def config(self):
        """The config file as a RepoFile (with its [main]), or None when there is none."""
        def compute():
            if self.manager is None:
                return None
            for path in self.manager["config"]:
                rf = self._read_repo_file(path)
                if rf is not None and (rf.data is not None or rf.error is not None and not rf.error.missing):
                    return rf
            return None
        return self._memo("config", compute)

    def main_setting(self, key, default):
        """An option of [main] (Setting), or the package manager's default."""
        config = self.config
        if config is not None:
            for section in config.sections:
                if section.name == "main" and key in section.options:
                    number = section.lines.get(key)
                    return Setting(section.options[key], config.path, number,
                                   "%s=%s" % (key, section.options[key]))
        return Setting(default)

    @property
    def variables(self):
        """$releasever, $basearch and the variables of the vars directories."""
        def compute():
            values = {}
            distro = self.distro
            if distro is not None and distro.major is not None:
                values["releasever"] = str(distro.major)
            machine = self.system.machine
            if machine:
                values["arch"] = machine
                values["basearch"] = BASEARCH.get(machine, machine)
            for directory in (self.manager or DNF)["varsdir"]:
                for path in self.io.glob("vars-dir", dir=directory):
                    text = self.io.read_text("var", path=path)
                    name = posixpath.basename(path)
                    if text is not None and re.match(r"^[A-Za-z0-9_]+$", name):
                        values.setdefault(name, text.strip().splitlines()[0] if text.strip() else "")
            return values
        return self._memo("variables", compute)

    def reposdir_exists(self, path):
        """Whether a reposdir is a directory on the host (or in the snapshot)."""
        return self.io.is_dir("repo-dir", dir=path)

    @property
    def reposdirs(self):
        """(directories, Setting) where the repo files are."""
        setting = self.main_setting("reposdir", None)
        if setting.value is None:
            return list(self.manager["reposdir"]), setting
        dirs = [d for d in re.split(r"[\s,]+", setting.value) if d]
        return dirs, setting

    @property
    def repo_files(self):
        def compute():
            if self.manager is None:
                return []
            files = []
            dirs, _setting = self.reposdirs
            seen = set()
            for directory in dirs:
                for path in sorted(self.io.glob("repos-dir", lambda n: n.endswith(".repo"),
                                                dir=directory)):
                    real = self.io.realpath("repo-file-real", path=path)
                    if real in seen:
                        continue
                    seen.add(real)
                    rf = self._read_repo_file(path)
                    if rf is not None:
                        files.append(rf)
            return files
        return self._memo("repo_files", compute)

    def _read_repo_file(self, path):
        rf = RepoFile(path)
        try:
            rf.data = self.io.read("config", path=path)
        except HostError as err:
            self.host._note_denied(err)
            rf.error = err
            if err.missing:
                return None if path.endswith((".conf",)) else rf
            return rf
        st = self.io.try_stat("config-stat", path=path)
        rf.mtime = st.mtime if st is not None else None
        rf.problems = dnf_load_problems(rf.data) if self.manager is DNF else []
        rf.sections = parse_repo_file(rf.data.decode("utf-8", "replace"), path)
        return rf

    @property
    def repos(self):
        """Every repository section of every repo file dnf loads, in dnf's order; a
        repository listed twice appears twice, the later one with `duplicate_of` set."""
        def compute():
            out, by_id = [], {}
            gpgcheck = self.main_setting("gpgcheck", self.manager["gpgcheck"]) if self.manager else None
            repo_gpgcheck = self.main_setting("repo_gpgcheck", self.manager["repo_gpgcheck"]) \
                if self.manager else None
            expire = self.main_setting("metadata_expire", None) if self.manager else None
            for rf in self.repo_files:
                if rf.data is None or rf.skipped is not None:
                    continue
                if any(p.effect == "crash" for p in rf.problems):
                    continue
                merged = {}
                for section in rf.sections:
                    if section.name == "main":
                        continue
                    if section.name in merged:  # the same section twice in one file: merged
                        first = merged[section.name]
                        first.options.update(section.options)
                        for key, number in section.lines.items():
                            first.lines[key] = number
                        continue
                    merged[section.name] = section
                for section in merged.values():
                    repo = Repo(section, rf)
                    bad = [p for p in rf.problems if p.effect == "repo-skipped" and p.line == section.line]
                    if bad:
                        repo.skipped = bad[0]
                    self._resolve(repo, gpgcheck, repo_gpgcheck, expire)
                    if repo.id in by_id:
                        repo.duplicate_of = by_id[repo.id]
                    else:
                        by_id[repo.id] = repo
                    out.append(repo)
            return out
        return self._memo("repos", compute)

    def _resolve(self, repo, gpgcheck, repo_gpgcheck, expire):
        variables = self.variables
        for key in URL_KEYS:
            raw = repo.section.urls(key)
            repo.raw_urls[key] = raw
            repo.urls[key] = [expand(u, variables) for u in raw]
        repo.gpgkeys = [expand(u, variables) for u in repo.section.urls("gpgkey")]

        def setting(key, inherited):
            if key in repo.section.options:
                value = repo.section.options[key]
                return Setting(value, repo.path, repo.section.lines.get(key), "%s=%s" % (key, value))
            return inherited

        def flag(s):
            if s is None:
                return False
            value = s.value
            if isinstance(value, bool):
                return value
            return str(value).strip().lower() in ("1", "yes", "true", "on")

        g = setting("gpgcheck", gpgcheck)
        repo.gpgcheck = Setting(flag(g), g.path, g.line, g.text)
        rg = setting("repo_gpgcheck", repo_gpgcheck)
        repo.repo_gpgcheck = Setting(flag(rg), rg.path, rg.line, rg.text)
        e = setting("metadata_expire", expire)
        if e is None or e.value is None:
            repo.metadata_expire = Setting(self.manager["metadata_expire"])
        else:
            seconds = parse_seconds(e.value)
            repo.metadata_expire = Setting(seconds if seconds is not None else self.manager["metadata_expire"],
                                           e.path, e.line, e.text)

    @property
    def enabled_repos(self):
        """The repositories dnf uses: enabled, loaded, and the first of duplicates."""
        return [r for r in self.repos if r.enabled and r.skipped is None and r.duplicate_of is None]

    # -- keys and policy ----------------------------------------------------------------------
    def key_file(self, url):
        cache = self._cache.setdefault("keys", {})
        if url in cache:
            return cache[url]
        kf = KeyFile(url)
        cache[url] = kf
        if kf.path is None:
            if url.startswith(URL_SCHEMES):
                self._fetch_key(kf)  # with --network only
            return kf
        try:
            data = self.io.read("key", path=kf.path)
        except HostError as err:
            self.host._note_denied(err)
            kf.error = "missing" if err.missing else ("denied" if err.denied else err.message)
            return kf
        kf.read = True
        try:
            kf.keys = parse_keys(data)
        except PgpError as err:
            kf.error = str(err)
        except Exception as err:  # a key file must never stop the layer
            kf.error = _("cannot be parsed (%(error)s)") % {"error": err}
        return kf

    @property
    def crypto_policy(self):
        """(Policy, path or None): /etc/crypto-policies/config, DEFAULT when absent."""
        def compute():
            path = self.io.decl("crypto-policy").template
            text = self.io.read_text("crypto-policy")
            policy = parse_crypto_policy(text or "")
            return policy, (path if text is not None else None)
        return self._memo("crypto_policy", compute)

    # -- caches ------------------------------------------------------------------------------
    @property
    def cachedir(self):
        setting = self.main_setting("cachedir", self.manager["cachedir"])
        return expand(setting.value, self.variables).rstrip("/") or "/", setting

    def cache(self, repo):
        if repo.cache is None:
            try:
                repo.cache = self._load_cache(repo)
            except HostError as err:
                self.host._note_denied(err)
                repo.cache = RepoCache(None)
        return repo.cache

    def _dnf_cache_dir(self, repo, base):
        source = None
        for key in ("metalink", "mirrorlist"):
            if repo.urls.get(key):
                source = repo.section.get(key).strip()
                source = expand(source, self.variables)
                break
        if source is None:
            source = repo.urls["baseurl"][0] if repo.urls.get("baseurl") else repo.id
        digest = hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]
        expected = "%s-%s" % (repo.id, digest)
        pattern = re.compile(r"^%s-[0-9a-f]{16}$" % re.escape(repo.id))
        found = [n for n in self.io.try_listdir("cache-dir", dir=base) if pattern.match(n)]
        return expected, found

    def _load_cache(self, repo):
        base, _rest = self.cachedir
        if self.manager is YUM:
            cache = RepoCache(posixpath.join(base, repo.id))
            cache.repomd_path = posixpath.join(cache.dir, "repomd.xml")
            cache.asc_path = cache.repomd_path + ".asc"
            cookie = posixpath.join(cache.dir, "cachecookie")
        else:
            expected, found = self._dnf_cache_dir(repo, base)
            if expected in found or not found:
                name = expected
            else:
                # The URL hashed differently ($releasever, $basearch...): the newest one.
                def mtime(n):
                    st = self.io.try_stat("cache", path=posixpath.join(base, n, "repodata",
                                                                       "repomd.xml"))
                    return st.mtime if st is not None else 0
                name = max(found, key=mtime)
            cache = RepoCache(posixpath.join(base, name))
            cache.candidates = [posixpath.join(base, n) for n in found if n != name]
            cache.repomd_path = posixpath.join(cache.dir, "repodata", "repomd.xml")
            cache.asc_path = cache.repomd_path + ".asc"
            cookie = None
            cache.pubring = self.io.is_dir("cache", path=posixpath.join(cache.dir, "pubring"))
            if cache.pubring:
                # dnf's own keyring for this repository: the keys it imported from gpgkey=
                # (also https:// ones), which verify repomd.xml before any gpgkey= file
                kbx = posixpath.join(cache.dir, "pubring", "pubring.kbx")
                try:
                    cache.keyring_keys = parse_keybox(self.io.read("keyring", path=kbx))
                except HostError as err:
                    self.host._note_denied(err)
        cache.exists = self.io.is_dir("cache", path=cache.dir)
        if not cache.exists:
            return cache
        st = self.io.try_stat("cache", path=cache.repomd_path)
        if st is None:
            return cache
        cache.repomd_mtime = st.mtime
        try:
            cache.repomd_data = self.io.read("repomd", path=cache.repomd_path)
        except HostError as err:
            self.host._note_denied(err)
            return cache
        cache.repomd = parse_repomd(cache.repomd_data)
        try:
            cache.asc_data = self.io.read("repomd-signature", path=cache.asc_path)
        except HostError as err:
            self.host._note_denied(err)
        # yum keeps sqlite databases, fetched lazily, under names of its own: only dnf's
        # cache is expected to hold the primary file repomd.xml lists.
        location = cache.repomd.location("primary") if self.manager is DNF else None
        if location:
            cache.primary_path = posixpath.normpath(posixpath.join(cache.dir, location))
            pst = self.io.try_stat("cache", path=cache.primary_path)
            cache.primary_mtime = pst.mtime if pst is not None else None
        if cookie is not None:
            cst = self.io.try_stat("cache", path=cookie)
            cache.age_from = (cookie, cst.mtime) if cst is not None else (cache.repomd_path, st.mtime)
        elif cache.primary_mtime is not None:
            cache.age_from = (cache.primary_path, cache.primary_mtime)
        else:
            cache.age_from = (cache.repomd_path, st.mtime)
        if cache.asc_data is not None and cache.repomd.error is None:
            self._verify(repo, cache)
        return cache

    def _verify(self, repo, cache):
        # as dnf: its keyring's keys, and a gpgkey= key only where no key of its id is there
        # (dnf imports those alone: an extended key of the same id is never taken)
        keys, ids = list(cache.keyring_keys), {k.keyid for k in cache.keyring_keys}
        for url in repo.gpgkeys:
            keys.extend(k for k in self.key_file(url).keys if k.keyid not in ids)
        try:
            signature = parse_signature(cache.asc_data)
        except PgpError as err:
            from gotriage.parsers.pgpkey import Verdict
            cache.verdict = Verdict("bad", reason="repomd.xml.asc %s" % err)
            return
        if not keys:
            cache.verify_note = ("no readable key to verify it with (gpgkey: %s; no keyring of "
                                 "dnf's in the cache)" % (", ".join(repo.gpgkeys) or "none"))
            return
        try:
            cache.verdict = verify_detached(signature, cache.repomd_data, keys)
        except Exception as err:  # never a traceback for a damaged signature
            cache.verify_note = "could not be verified (%s)" % err
            return
        if cache.verdict.status == "good" and self.key_expired(cache.verdict.key):
            from gotriage.parsers.pgpkey import Verdict

            key = cache.verdict.key  # dnf (gpgme) refuses a signature by an expired key
            cache.verdict = Verdict("expired", key=key, signer=cache.verdict.signer,
                                    hashalgo=cache.verdict.hashalgo,
                                    reason="key %s expired on %s" % (key.keyid, time.strftime(
                                        "%Y-%m-%d", time.gmtime(key.expires))))

    def age(self, cache):
        if cache.age_from is None:
            return None
        return max(0.0, self.now - cache.age_from[1])

    def expired(self, repo):
        """(expired, why) for a repository with cached metadata."""
        cache = self.cache(repo)
        limit = repo.metadata_expire.value
        age = self.age(cache)
        if age is None:
            return False, None
        if limit != -1 and age > limit:
            return True, _("metadata is %(age)s old; metadata_expire is %(limit)s") % {
                "age": duration(age), "limit": duration(limit)}
        # dnf's check_config_file_age (on by default): the repository's .repo file newer than
        # the cache.  yum (yumRepo.withinCacheAge) compares with the newest .repo file and
        # yum.conf.
        if self.manager is DNF:
            changed = [repo.file] if repo.file.mtime else []
        else:
            changed = [rf for rf in self.repo_files + ([self.config] if self.config else []) if rf.mtime]
        newer = [rf for rf in changed if cache.age_from and rf.mtime > cache.age_from[1]]
        if newer:
            return True, _("%(path)s was changed after the metadata was downloaded") % {
                "path": newer[0].path}
        return False, None

    # -- golang -------------------------------------------------------------------------------
    @property
    def golang_source(self):
        distro = self.distro
        if distro is None:
            return None
        return golang_source(distro.id, distro.el)

    def golang_offers(self):
        """GolangOffer for each enabled repository whose cached primary metadata could be
        searched (dnf only: yum keeps sqlite databases)."""
        def compute():
            offers = []
            if self.manager is not DNF:
                return offers
            for repo in self.enabled_repos:
                cache = self.cache(repo)
                if cache.primary_path is None or cache.primary_mtime is None:
                    continue
                primary = cache.primary_path
                tool = _DECOMPRESSORS.get(posixpath.splitext(primary)[1])
                if not primary.endswith(".xml") and tool is None:
                    self.notes.append(_("golang not looked up in %(repo)s: %(file)s metadata "
                                        "cannot be read without dnf") % {
                                            "repo": repo.id, "file": posixpath.basename(primary)})
                    continue
                need = GOLANG_NEED.for_context(None, Words(
                    N_("whether %(repo)s offers golang is unknown"), repo=repo.id))
                if primary.endswith(".xml"):
                    result = self.io.run("golang-grep", env=GOLANG_LOOKUP_ENV, need=need,
                                         primary=primary)
                else:
                    result = self.io.run("golang-unpack-grep", env=GOLANG_LOOKUP_ENV, need=need,
                                         tool=tool, primary=primary)
                if result.timed_out:
                    continue  # PKG-INPUT reports it
                if result.error == "not-recorded":
                    self.notes.append(_("the snapshot has no golang lookup for %(repo)s") % {
                        "repo": repo.id})
                    continue
                if result.error or result.returncode not in (0, 1) or result.errtext.strip():
                    self.notes.append(_("could not search %(file)s for golang: %(error)s") % {
                        "file": cache.primary_path, "error": result.excerpt(2)})
                    continue
                versions = [(m.group(3), m.group(4)) for m in _GOLANG_ENTRY.finditer(result.text)
                            if m.group(1) != "src"]
                offers.append(GolangOffer(repo, versions, result))
            return offers
        return self._memo("golang", compute)

    @property
    def project_go(self):
        """(go version, go.mod path, line) the project asks for, or None."""
        def compute():
            try:
                project = self.toolchain.project
            except Exception:  # the toolchain layer reports its own problems
                return None
            mod = getattr(project, "gomod", None)
            if mod is None or not mod.go:
                return None
            return mod.go, project.gomod_path, mod.go_line
        return self._memo("project_go", compute)


def duration(seconds):
    """48 h, 3 d 4 h, 5 min: a readable span."""
    seconds = int(seconds)
    if seconds < 0:
        return "never"
    if seconds < 3600:
        return "%d min" % (seconds // 60) if seconds >= 60 else "%d s" % seconds
    if seconds < 3 * 86400:
        hours = seconds / 3600.0
        text = "%d" % round(hours) if hours >= 10 else ("%.1f" % hours).replace(".0", "")
        return text + " h"
    days, rest = divmod(seconds, 86400)
    return "%d d %d h" % (days, rest // 3600) if rest >= 3600 else "%d d" % days


def vtuple(version):
    return _vtuple(version)
