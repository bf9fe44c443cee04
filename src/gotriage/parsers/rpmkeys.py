"""The keys in the rpm database: `rpm -q gpg-pubkey --qf
'%{NAME}-%{VERSION}-%{RELEASE}\\t%{SUMMARY}\\n%{DESCRIPTION}\\n'`.  rpm keeps each imported
key as a package `gpg-pubkey-VERSION-RELEASE`: VERSION is the key id's last 8 hex digits,
RELEASE the key's creation time in hex, SUMMARY its user id (rpm 4.11 on EL7 writes
`gpg(NAME <MAIL>)`), DESCRIPTION the key itself, armored.  So a key whose vendor extended
it (a new self-signature, the same key) keeps its name, and `rpm --import` of the new copy
leaves the old one in place (measured with rpm 4.18: tests/test_packages_keys.py).

Sample (rpm 4.18, an Ed25519 key made on 2024-01-01 that expired a year later):

>>> [entry] = parse_rpm_keys('''gpg-pubkey-e346a877-65920080\\tgotriage docs <docs@example.invalid> public key
... -----BEGIN PGP PUBLIC KEY BLOCK-----
... Version: rpm-4.18.0
...
... mDMEZZIAgBYJKwYBBAHaRw8BAQdAiGElavBzldY+cGBrSnGH9i5ny5EHIVjvKChZ
... TH2ugMS0JGdvdHJpYWdlIGRvY3MgPGRvY3NAZXhhbXBsZS5pbnZhbGlkPoiWBBMW
... CAA+FiEEppZo6vfwYN2FIN37CTSOceNGqHcFAmWSAIACGwMFCQHhM4AFCwkIBwIG
... FQoJCAsCBBYCAwECHgECF4AACgkQCTSOceNGqHckbAEAk1nKRPAw/VlOyyUoC4ZD
... W7YNTOwYQZTaprhWAqLD+ScA/RQj9snRrJaSiPhztoQfZ2y65SQRi8g60Hke0pX6
... mrMJ
... =OKYJ
... -----END PGP PUBLIC KEY BLOCK-----
... ''')
>>> entry.name, entry.summary, entry.keyid_suffix, entry.error
('gpg-pubkey-e346a877-65920080', 'gotriage docs <docs@example.invalid> public key', 'E346A877', None)
>>> [key] = entry.keys
>>> key.keyid, key.primary.created == 0x65920080, key.expires - key.primary.created
('09348E71E346A877', True, 31536000)

Never raises: an entry whose key does not parse keeps its name and an `error`.
"""

import re

from gotriage.parsers.pgpkey import PgpError, parse_keys

_HEAD = re.compile(r"^(gpg-pubkey-([0-9a-fA-F]+)-([0-9a-fA-F]+))\t(.*)$")


class RpmKey(object):
    """One gpg-pubkey package of the rpm database."""

    __slots__ = ("name", "version", "release", "summary", "keys", "error")

    def __init__(self, name, version, release, summary):
        self.name, self.version, self.release, self.summary = name, version, release, summary
        self.keys = []
        self.error = None

    @property
    def keyid_suffix(self):
        """The key id's end that the name holds (8 hex digits, upper case)."""
        return self.version.upper()


def parse_rpm_keys(text):
    """[RpmKey] from the query above, in its order."""
    entries, block = [], []

    def finish():
        if entries and block:
            try:
                entries[-1].keys = parse_keys("\n".join(block).encode("utf-8", "replace"))
            except PgpError as err:
                entries[-1].error = str(err)
            except Exception as err:  # noqa: BLE001 - a damaged key never stops the layer
                entries[-1].error = "cannot be parsed (%s)" % err
        del block[:]

    for line in (text or "").splitlines():
        head = _HEAD.match(line)
        if head:
            finish()
            entries.append(RpmKey(head.group(1), head.group(2), head.group(3), head.group(4)))
        elif entries:
            block.append(line)
    finish()
    return entries
