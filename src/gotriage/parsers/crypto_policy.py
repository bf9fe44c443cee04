"""/etc/crypto-policies/config: the system-wide cryptographic policy of EL8 and later.

Sample (a RHEL 9 host that re-allowed SHA-1 for third-party packages):

>>> policy = parse_crypto_policy("DEFAULT:SHA1\\n")
>>> policy.base, policy.modules, policy.name, policy.line
('DEFAULT', ['SHA1'], 'DEFAULT:SHA1', 1)
>>> parse_crypto_policy("").name   # no file: the default
'DEFAULT'

One line: a base policy (DEFAULT, LEGACY, FUTURE, FIPS, or a custom name) and optional
sub-policy modules after colons (`:SHA1`, `:NO-SHA1`, `:AD-SUPPORT`...).  `#` starts a
comment.  `update-crypto-policies --set POLICY` writes it; a missing file means DEFAULT
(crypto-policies(7)).
"""


class Policy(object):
    __slots__ = ("base", "modules", "line", "text")

    def __init__(self, base, modules=(), line=None, text=None):
        self.base = base
        self.modules = list(modules)
        self.line = line  # 1-based line of the policy in the file, None when defaulted
        self.text = text

    @property
    def name(self):
        return ":".join([self.base] + self.modules)


def parse_crypto_policy(text):
    """The Policy the config file names (DEFAULT when it names none)."""
    for number, raw in enumerate((text or "").splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = [p.strip() for p in line.split(":") if p.strip()]
        if not parts:
            continue
        return Policy(parts[0].upper(), [m.upper() for m in parts[1:]], number, raw.strip())
    return Policy("DEFAULT")
