"""The baseline repository: a git repository gotriage writes (docs/baseline.md).

    REPO/gotriage-baseline.json   {"format": 1, "written_by": "gotriage X.Y"}: what it is
    REPO/spec.ini                 the spec the recording followed
    REPO/metadata.json            files (mode, uid, gid, size, sha256, label, group), Go
                                  installs, the state keys recorded
    REPO/files/PATH               each recorded file's content (PATH without its leading /)
    REPO/state/KEY.txt            each state command's output

The real `git`, each run bounded (GIT_TIMEOUT), with a fixed identity and none of the
user's or the system's configuration (no hooks, no signing, no pager): the same commands
give the same repository whoever runs them.  This module writes only the repository.
"""

import json
import os
import posixpath
import subprocess

from gotriage import __version__
from gotriage.host.base import fs_path

FORMAT = 1
MARKER = "gotriage-baseline.json"
GIT_TIMEOUT = 30.0
IDENTITY = ("gotriage", "gotriage@localhost")
DEFAULT_REPO = "/var/lib/gotriage/baseline"


class RepoError(Exception):
    """The repository cannot be used: a one-line reason."""


def _env():
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, HOME=os.devnull,
               XDG_CONFIG_HOME=os.devnull, GIT_TERMINAL_PROMPT="0", LC_ALL="C", LANG="C",
               GIT_AUTHOR_NAME=IDENTITY[0], GIT_AUTHOR_EMAIL=IDENTITY[1],
               GIT_COMMITTER_NAME=IDENTITY[0], GIT_COMMITTER_EMAIL=IDENTITY[1])
    return env


def git(repo, *args, **kw):
    """Run `git -C REPO ARGS` (bytes out); RepoError when it fails or hangs."""
    argv = ["git", "-C", repo, "-c", "user.name=%s" % IDENTITY[0],
            "-c", "user.email=%s" % IDENTITY[1], "-c", "commit.gpgsign=false",
            "-c", "core.hooksPath=%s" % os.devnull, "-c", "core.pager=cat",
            "-c", "core.quotepath=false"] + list(args)
    try:
        stdin = {} if "input" in kw else {"stdin": subprocess.DEVNULL}
        done = subprocess.run(argv, input=kw.get("input"), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=_env(), timeout=GIT_TIMEOUT, **stdin)
    except FileNotFoundError:
        raise RepoError("git is not installed: the baseline is a git repository") from None
    except subprocess.TimeoutExpired:
        raise RepoError("`git %s` did not answer in %.0f s" % (args[0], GIT_TIMEOUT)) from None
    if done.returncode != 0 and kw.get("check") is not False:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RepoError("%s is not a usable baseline repository: git %s: %s" % (
            repo, args[0], message[-1] if message else "exit %d" % done.returncode))
    return done


def check_repo(repo):
    """The repository's format, RepoError when it is not a gotriage baseline or a newer
    gotriage wrote it; None when the directory is absent or empty (a new baseline)."""
    if not os.path.isdir(repo) or not os.listdir(repo):
        return None
    path = os.path.join(repo, MARKER)
    try:
        with open(path) as f:
            marker = json.load(f)
        version = int(marker["format"])
    except (OSError, ValueError, KeyError, TypeError):
        raise RepoError("%s is not a gotriage baseline (no readable %s): give an empty or "
                        "new directory" % (repo, MARKER)) from None
    if version > FORMAT:
        raise RepoError("%s was written by a newer gotriage (%s, format %d; this one reads "
                        "format %d)" % (repo, marker.get("written_by", "?"), version, FORMAT))
    return version


class Recorded(object):
    """A baseline as recorded at the repository's HEAD."""

    def __init__(self, repo, commit, short, date, spec, files, go, state):
        self.repo, self.commit, self.short, self.date = repo, commit, short, date
        self.spec, self.files, self.go, self.state = spec, files, go, state
        self.unrecorded, self.unreadable = [], {}
        self._since = None
        self._contents = {}

    def prefetch(self, paths):
        """Read the recorded contents of `paths` in one `git cat-file --batch` (a diff
        with many changed files asks git once, not once a file)."""
        wanted = [p for p in paths if p not in self._contents]
        if wanted:
            for path, blob in zip(wanted, _cat(self.repo, self.commit,
                                               [repo_path(p) for p in wanted])):
                self._contents[path] = blob

    def content(self, path):
        """The recorded bytes of `path`."""
        self.prefetch([path])
        return self._contents[path]

    def text(self, path):
        """The recorded content of `path` as text (UTF-8, undecodable bytes replaced), or
        None when the baseline holds no content for it (not a file, or too large)."""
        entry = self.files.get(path)
        if entry is None or entry.get("type") != "file" or entry.get("sha256") is None:
            return None
        return self.content(path).decode("utf-8", "replace")

    def since(self, path=None):
        """(short hash, date) of the commit that recorded `path`'s content as it is in the
        baseline (the last one that changed it), or of HEAD."""
        if path is None:
            return self.short, self.date
        if self._since is None:
            # one `git log` for every path: each path's first appearance, newest first
            out = git(self.repo, "log", "--format=%x00%h %cI", "--name-only", self.commit,
                      "--", "files").stdout.decode("utf-8", "surrogateescape")
            self._since = {}
            for record in out.split("\0")[1:]:
                lines = record.strip("\n").split("\n")
                head = tuple(lines[0].split())
                for name in lines[1:]:
                    if name and name not in self._since:
                        self._since[name] = head
        found = self._since.get(repo_path(path))
        return found if found and len(found) == 2 else (self.short, self.date)


def repo_path(path):
    """Where the content of host path `path` lives in the repository."""
    rel = posixpath.normpath("/" + path).lstrip("/")
    return "files/" + rel


def load(repo, parse_spec):
    """The Recorded of `repo`'s HEAD; RepoError for anything that is not a readable
    gotriage baseline."""
    if not os.path.isdir(repo):
        raise RepoError("no baseline at %s: record one with `gotriage baseline init --repo %s`"
                        % (repo, repo))
    if check_repo(repo) is None:
        raise RepoError("%s is empty: record a baseline with `gotriage baseline init`" % repo)
    head = git(repo, "log", "-1", "--format=%H %h %cI").stdout.decode().split()
    if len(head) != 3:
        raise RepoError("%s is not a usable baseline repository: no commit" % repo)
    blobs = _cat(repo, head[0], ["metadata.json", "spec.ini"])
    try:
        meta = json.loads(blobs[0].decode("utf-8"))
        files, go, keys = meta["files"], meta["go"], meta["state"]
    except (ValueError, KeyError, TypeError, AttributeError):
        raise RepoError("%s is not a usable baseline repository: metadata.json does not "
                        "parse" % repo) from None
    try:
        spec = parse_spec(blobs[1].decode("utf-8", "replace"))
    except Exception as exc:
        raise RepoError("%s: its spec.ini: %s" % (repo, exc)) from None
    texts = _cat(repo, head[0], ["state/%s.txt" % k for k in keys]) if keys else []
    state = {k: t.decode("utf-8", "replace") for k, t in zip(keys, texts)}
    return Recorded(repo, head[0], head[1], head[2], spec, files, go, state)


def _cat(repo, commit, names):
    """The blobs `names` at `commit`, in one `git cat-file --batch`."""
    query = "".join("%s:%s\n" % (commit, n) for n in names).encode("utf-8", "surrogateescape")
    out = git(repo, "cat-file", "--batch", input=query).stdout
    blobs, at = [], 0
    for name in names:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        if len(header) != 3:
            raise RepoError("%s is not a usable baseline repository: %s is missing at %s" % (
                repo, name, commit[:12]))
        size = int(header[2])
        blobs.append(out[end + 1:end + 1 + size])
        at = end + 1 + size + 1
    return blobs


def record(repo, spec_text, seen, message):
    """Write observation `seen` as the repository's new state and commit it with
    `message`; returns the new commit's short hash, or None when nothing changed."""
    fresh = check_repo(repo) is None
    if fresh:
        os.makedirs(repo, mode=0o700, exist_ok=True)
        git(repo, "init", "-q")
    _write(os.path.join(repo, MARKER), json.dumps(
        {"format": FORMAT, "written_by": "gotriage %s" % __version__}, indent=1) + "\n")
    _write(os.path.join(repo, "spec.ini"), spec_text)
    files = {p: {k: v for k, v in e.items()} for p, e in seen.files.items()}
    _write(os.path.join(repo, "metadata.json"), json.dumps(
        {"files": files, "go": seen.go, "state": sorted(seen.state)}, indent=1,
        sort_keys=True) + "\n")
    for top in ("files", "state"):
        _clear(os.path.join(repo, top))
    for path, data in seen.contents.items():
        _write(os.path.join(repo, fs_path(repo_path(path)).decode("utf-8", "surrogateescape")),
               data)
    for key, text in seen.state.items():
        _write(os.path.join(repo, "state", key + ".txt"), text)
    git(repo, "add", "-A", "--", ".")
    if not git(repo, "status", "--porcelain").stdout.strip():
        return None
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "--short", "HEAD").stdout.decode().strip()


def commit_paths(repo, paths, message):
    """Commit `paths` (relative to the repository) with `message`: the backups a restore
    made.  The short hash, or None when there was nothing to commit."""
    git(repo, "add", "--", *paths)
    if not git(repo, "diff", "--cached", "--name-only").stdout.strip():
        return None
    git(repo, "commit", "-q", "-m", message, "--", *paths)
    return git(repo, "rev-parse", "--short", "HEAD").stdout.decode().strip()


def _clear(directory):
    import shutil

    if os.path.isdir(directory):
        shutil.rmtree(directory)


def _write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(fs_path(path), "wb") as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)
