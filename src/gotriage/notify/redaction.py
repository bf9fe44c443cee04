"""Webhook keys, access tokens and signing secrets out of everything gotriage prints.

A robot's URL is its credential: WeCom's `key=`, DingTalk's `access_token=`, a Slack or
Feishu hook's last path segments.  `redact_url` writes a URL with those replaced by
REDACTED (every query value of an unknown webhook, since any may be a token; the
password of user:password@); `Scrubber` removes every secret it was told about, in the
forms it can take in a text (as is, URL-quoted, inside a URL), from any message before it
is printed.  Pure.
"""

REDACTED = "REDACTED"

# (host suffix, path prefix, how many path segments after it are the token)
TOKEN_PATHS = (
    ("hooks.slack.com", "/services/", 3),
    ("open.feishu.cn", "/open-apis/bot/v2/hook/", 1),
    ("open.larksuite.com", "/open-apis/bot/v2/hook/", 1),
    ("discord.com", "/api/webhooks/", 2),
    ("discordapp.com", "/api/webhooks/", 2),
)

# query names whose value is never secret (left readable: they say which format)
PUBLIC_QUERY = frozenset(["msgtype", "debug"])


def redact_url(url):
    """`url` with its credentials replaced by REDACTED: every query value except the
    few known to be harmless, a password, the token segments of a known robot path.
    A string that does not parse as a URL is redacted whole."""
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(url)
        hostname = parts.hostname or ""
        netloc = parts.netloc
    except ValueError:
        return REDACTED
    if parts.scheme == "mailto":
        return url  # an address is not a credential
    if parts.password is not None:
        netloc = netloc.replace(":" + parts.password + "@", ":" + REDACTED + "@", 1)
    path = parts.path
    for suffix, prefix, count in TOKEN_PATHS:
        if (hostname == suffix or hostname.endswith("." + suffix)) and path.startswith(prefix):
            rest = path[len(prefix):].split("/")
            path = prefix + "/".join([REDACTED] * min(count, len(rest)) + rest[count:])
    query = "&".join(_redact_pair(pair) for pair in parts.query.split("&")) if parts.query \
        else ""
    return urlunsplit((parts.scheme, netloc, path, query, ""))


def _redact_pair(pair):
    name, eq, value = pair.partition("=")
    if not eq or name in PUBLIC_QUERY or not value:
        return pair
    return name + "=" + REDACTED


def url_secrets(url):
    """The credential strings inside `url` (query values, a password, token path
    segments): what a Scrubber must remove from texts that may quote the URL."""
    from urllib.parse import unquote, urlsplit

    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return [url]
    if parts.scheme == "mailto":
        return []
    found = [password] if password else []
    for pair in parts.query.split("&"):
        name, eq, value = pair.partition("=")
        if eq and value and name not in PUBLIC_QUERY:
            found.extend([value, unquote(value)])
    kept = redact_url(url).split("/")
    for mine, theirs in zip(url.split("/"), kept):
        if theirs.startswith(REDACTED) and mine != theirs:
            found.append(mine.split("?")[0])
    return [s for s in found if s]


class Scrubber(object):
    """Removes the secrets it knows from a text.  Each secret is also looked for
    URL-quoted (quote and quote_plus: a DingTalk sign and a key in a logged URL) so a
    library's error text that quotes the request cannot leak it."""

    MIN_LENGTH = 4  # shorter "secrets" would redact ordinary words

    def __init__(self, secrets=()):
        self.secrets = []
        for secret in secrets:
            self.add(secret)

    def add(self, secret):
        from urllib.parse import quote, quote_plus

        if not secret or len(secret) < self.MIN_LENGTH:
            return
        for form in (secret, quote(secret, safe=""), quote_plus(secret)):
            if form not in self.secrets:
                self.secrets.append(form)
        self.secrets.sort(key=len, reverse=True)  # the longest first: no half-redacted form

    def add_url(self, url):
        for secret in url_secrets(url):
            self.add(secret)

    def __call__(self, text):
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text
