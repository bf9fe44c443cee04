"""OpenPGP keys and detached signatures (RFC 4880), enough for the packages layer.

What it reads: the public key files that repositories name in `gpgkey=` (ASCII-armored,
as in /etc/pki/rpm-gpg/RPM-GPG-KEY-*, or binary), and `repomd.xml.asc`.  Sample: a key
and a detached signature made by GnuPG 2.2.40 (`gpg --quick-gen-key NAME ed25519`, then
`gpg --armor --detach-sign` of the line "repomd.xml of the case repository"):

>>> [key] = parse_keys(b'''-----BEGIN PGP PUBLIC KEY BLOCK-----
...
... mDMEaxY2GhYJKwYBBAHaRw8BAQdAHOe97YsZc6MTgaPCgb0SSQA8M+lOiYbeqjot
... WWd/yai0JGdvdHJpYWdlIGRvY3MgPGRvY3NAZXhhbXBsZS5pbnZhbGlkPoiQBBMW
... CAA4FiEE/impyWYDxBAPMKHkAshin78Cqm4FAmsWNhoCGwMFCwkIBwIGFQoJCAsC
... BBYCAwECHgECF4AACgkQAshin78Cqm6k1QEA8j0O/jEQZeGNoVxkgQiY03yQsT3e
... d1mZy1N2jzL1wC4BAOBgm4lkqP4cs/Ki270VtpSlR3QY++bVhTJw7aFQakYM
... =E7y9
... -----END PGP PUBLIC KEY BLOCK-----
... ''')
>>> key.keyid, key.primary.describe(), key.userids
('02C8629FBF02AA6E', 'EdDSA Ed25519', ['gotriage docs <docs@example.invalid>'])
>>> [(what, hash_name(algo)) for what, algo in key.binding_hashes()]
[('user id "gotriage docs <docs@example.invalid>"', 'SHA256')]
>>> signature = parse_signature(b'''-----BEGIN PGP SIGNATURE-----
...
... iHUEABYIAB0WIQT+KanJZgPEEA8woeQCyGKfvwKqbgUCaxY2GgAKCRACyGKfvwKq
... bkI+AP9PmoxPgnr4jXkNn0ipBMlbpp8pzDgGQrYIjZERIZk7MgEApi9RHVP75r28
... KIHhW6cvrzCrLBwdLAoH/s0ylHlsnwI=
... =LExS
... -----END PGP SIGNATURE-----
... ''')
>>> signature.issuer, hash_name(signature.hashalgo)
('02C8629FBF02AA6E', 'SHA256')
>>> verdict = verify_detached(signature, b"repomd.xml of the case repository\\n", [key])
>>> verdict.status, verdict.key.keyid
('good', '02C8629FBF02AA6E')
>>> verdict = verify_detached(signature, b"repomd.xml, changed after it was signed\\n", [key])
>>> verdict.status, verdict.reason
('bad', 'the digest does not match (the signed data was changed)')

What it tells:

- each key's algorithm and size, fingerprint and key id, user ids, and the hash
  algorithm of its *self-signatures* (the user-id certifications and subkey bindings
  made by the key itself).  `gpg --list-packets KEYFILE` shows the same as
  "digest algo N" (2 = SHA-1, 8 = SHA-256, 10 = SHA-512);
- whether a detached signature verifies against a set of keys: RSA (PKCS#1 v1.5), DSA
  and EdDSA over Ed25519 are checked here with plain integer arithmetic, so verification
  needs no keyring, no gpg and no writable directory, and gives the same answer on a
  snapshot as on the host.  ECDSA signatures are reported as not verified.

Never raises on bad input: `parse_keys` and `parse_signature` raise only `PgpError`
with a one-line reason ("not OpenPGP data", "truncated packet"...).
"""

import base64
import binascii
import hashlib
import re

HASHES = {1: "MD5", 2: "SHA1", 3: "RIPEMD160", 8: "SHA256", 9: "SHA384", 10: "SHA512",
          11: "SHA224", 12: "SHA3-256", 14: "SHA3-512"}
PUBKEY_ALGOS = {1: "RSA", 2: "RSA", 3: "RSA", 16: "ElGamal", 17: "DSA", 18: "ECDH",
                19: "ECDSA", 22: "EdDSA", 25: "X25519", 27: "Ed25519", 28: "Ed448"}
SIG_TYPES = {0x00: "binary document", 0x01: "text document", 0x10: "generic certification",
             0x11: "persona certification", 0x12: "casual certification",
             0x13: "positive certification", 0x18: "subkey binding",
             0x19: "primary key binding", 0x1F: "direct key", 0x20: "key revocation",
             0x28: "subkey revocation", 0x30: "certification revocation"}
CERTIFICATIONS = (0x10, 0x11, 0x12, 0x13)

# EMSA-PKCS1-v1_5 DigestInfo prefixes (RFC 4880 section 5.2.2).
_DIGEST_INFO = {
    1: "3020300c06082a864886f70d020505000410",
    2: "3021300906052b0e03021a05000414",
    3: "3021300906052b2403020105000414",
    8: "3031300d060960864801650304020105000420",
    9: "3041300d060960864801650304020205000430",
    10: "3051300d060960864801650304020305000440",
    11: "302d300d06096086480165030402040500041c",
}
_HASHLIB = {1: "md5", 2: "sha1", 3: "ripemd160", 8: "sha256", 9: "sha384", 10: "sha512",
            11: "sha224", 12: "sha3_256", 14: "sha3_512"}

_ARMOR = re.compile(r"-----BEGIN PGP ([A-Z ,0-9/]+)-----[ \t]*\r?\n(.*?)-----END PGP \1-----",
                    re.S)


class PgpError(Exception):
    """The data is not (valid) OpenPGP; the message says why in a few words."""


def hash_name(algo):
    return HASHES.get(algo, "hash #%s" % algo)


# -- armor and packets ---------------------------------------------------------------------
def _crc24(data):
    crc = 0xB704CE
    for byte in data:
        crc ^= byte << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
    return crc & 0xFFFFFF


def dearmor(data):
    """The binary blocks of `data`: every ASCII-armored block it holds, or the data itself
    when it is already binary OpenPGP.  Returns a list of (kind, bytes), kind being the
    armor header word ("PUBLIC KEY BLOCK", "SIGNATURE", ...) or "binary"."""
    if isinstance(data, str):
        data = data.encode("utf-8", "replace")
    if not data:
        raise PgpError("empty file")
    if data[0] & 0x80 and b"-----BEGIN PGP" not in data[:64]:
        return [("binary", data)]
    text = data.decode("ascii", "replace")
    blocks = []
    for match in _ARMOR.finditer(text):
        kind, body = match.group(1), match.group(2)
        lines = body.replace("\r", "").split("\n")
        # Armor headers ("Version: GnuPG v1", "Comment: ...") end at the first empty line;
        # base64 lines never hold a colon.
        if "" in lines:
            blank = lines.index("")
            if all(":" in line for line in lines[:blank]):
                lines = lines[blank + 1:]
        crc = None
        payload = []
        for line in lines:
            line = line.strip()
            if not line:
                continue
            if line.startswith("=") and len(line) == 5:
                crc = line[1:]
                continue
            payload.append(line)
        try:
            raw = base64.b64decode("".join(payload).encode("ascii"), validate=True)
        except (binascii.Error, ValueError):
            raise PgpError("armored %s is not valid base64" % kind.lower()) from None
        if crc is not None:
            try:
                expected = int.from_bytes(base64.b64decode(crc), "big")
            except (binascii.Error, ValueError):
                expected = None
            if expected is not None and expected != _crc24(raw):
                raise PgpError("armored %s fails its CRC check (damaged)" % kind.lower())
        blocks.append((kind, raw))
    if not blocks:
        if b"-----BEGIN PGP" in data:
            raise PgpError("unterminated ASCII armor")
        raise PgpError("not OpenPGP data")
    return blocks


class Packet(object):
    __slots__ = ("tag", "body")

    def __init__(self, tag, body):
        self.tag = tag
        self.body = body


def parse_packets(data):
    """The packets of binary OpenPGP data, as Packet(tag, body)."""
    packets = []
    pos, end = 0, len(data)
    while pos < end:
        head = data[pos]
        if not head & 0x80:
            raise PgpError("not OpenPGP data (bad packet header at byte %d)" % pos)
        pos += 1
        if head & 0x40:  # new format
            tag = head & 0x3F
            body, pos = _new_length_body(data, pos)
        else:
            tag = (head >> 2) & 0x0F
            kind = head & 3
            if kind == 3:
                length = end - pos
            else:
                size = (1, 2, 4)[kind]
                if pos + size > end:
                    raise PgpError("truncated packet header")
                length = int.from_bytes(data[pos:pos + size], "big")
                pos += size
            if pos + length > end:
                raise PgpError("truncated packet (tag %d)" % tag)
            body, pos = data[pos:pos + length], pos + length
        packets.append(Packet(tag, body))
    return packets


def _new_length(data, pos):
    """(length, partial, new position) of a new-format length."""
    if pos >= len(data):
        raise PgpError("truncated packet header")
    first = data[pos]
    if first < 192:
        return first, False, pos + 1
    if first < 224:
        if pos + 1 >= len(data):
            raise PgpError("truncated packet header")
        return ((first - 192) << 8) + data[pos + 1] + 192, False, pos + 2
    if first == 255:
        if pos + 5 > len(data):
            raise PgpError("truncated packet header")
        return int.from_bytes(data[pos + 1:pos + 5], "big"), False, pos + 5
    return 1 << (first & 0x1F), True, pos + 1


def _new_length_body(data, pos):
    chunks = []
    while True:
        length, partial, pos = _new_length(data, pos)
        if pos + length > len(data):
            raise PgpError("truncated packet")
        chunks.append(data[pos:pos + length])
        pos += length
        if not partial:
            return b"".join(chunks), pos


def _mpi(body, pos):
    if pos + 2 > len(body):
        raise PgpError("truncated number")
    bits = int.from_bytes(body[pos:pos + 2], "big")
    size = (bits + 7) // 8
    if pos + 2 + size > len(body):
        raise PgpError("truncated number")
    return int.from_bytes(body[pos + 2:pos + 2 + size], "big"), pos + 2 + size


# -- keys ------------------------------------------------------------------------------------
class PublicKey(object):
    """A primary key or subkey packet."""

    def __init__(self, body, subkey=False):
        self.body = body
        self.subkey = subkey
        self.version = body[0] if body else None
        self.created = None
        self.algo = None
        self.bits = None
        self.params = ()
        self.curve = None
        if self.version in (2, 3):
            if len(body) < 8:
                raise PgpError("truncated key packet")
            self.created = int.from_bytes(body[1:5], "big")
            self.algo = body[7]
            pos = 8
        elif self.version in (4, 5, 6):
            if len(body) < 6:
                raise PgpError("truncated key packet")
            self.created = int.from_bytes(body[1:5], "big")
            self.algo = body[5]
            pos = 6 if self.version == 4 else 10
        else:
            raise PgpError("unknown key packet version %s" % self.version)
        if self.algo in (1, 2, 3):
            n, pos = _mpi(body, pos)
            e, pos = _mpi(body, pos)
            self.params, self.bits = (n, e), n.bit_length()
        elif self.algo == 17:
            p, pos = _mpi(body, pos)
            q, pos = _mpi(body, pos)
            g, pos = _mpi(body, pos)
            y, pos = _mpi(body, pos)
            self.params, self.bits = (p, q, g, y), p.bit_length()
        elif self.algo == 16:
            p, pos = _mpi(body, pos)
            self.bits = p.bit_length()
        elif self.algo in (18, 19, 22) and pos < len(body):
            size = body[pos]
            self.curve = _CURVES.get(bytes(body[pos + 1:pos + 1 + size]), "unknown curve")
            self.bits = _CURVE_BITS.get(self.curve)
            if self.algo == 22 and self.curve == "Ed25519":
                point, _ = _mpi(body, pos + 1 + size)
                raw = point.to_bytes((point.bit_length() + 7) // 8, "big")
                if len(raw) == 33 and raw[0] == 0x40:  # native point, 0x40-prefixed
                    self.params = (raw[1:],)

    @property
    def algo_name(self):
        return PUBKEY_ALGOS.get(self.algo, "algorithm #%s" % self.algo)

    def describe(self):
        if self.curve:
            return "%s %s" % (self.algo_name, self.curve)
        return "%s %s" % (self.algo_name, self.bits) if self.bits else self.algo_name

    @property
    def fingerprint(self):
        if self.version == 4:
            return hashlib.sha1(b"\x99" + len(self.body).to_bytes(2, "big") + self.body).hexdigest().upper()
        if self.version in (5, 6):
            prefix = b"\x9a" if self.version == 5 else b"\x9b"
            return hashlib.sha256(prefix + len(self.body).to_bytes(4, "big") + self.body).hexdigest().upper()
        if self.version in (2, 3) and self.algo in (1, 2, 3):
            n = self.params[0]
            raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
            e = self.params[1]
            return hashlib.md5(raw + e.to_bytes((e.bit_length() + 7) // 8, "big")).hexdigest().upper()
        return ""

    @property
    def keyid(self):
        """The 16-hex-digit key id (what dnf prints as 0x...)."""
        if self.version in (2, 3) and self.algo in (1, 2, 3):
            return "%016X" % (self.params[0] & 0xFFFFFFFFFFFFFFFF)
        if self.version in (5, 6):
            return self.fingerprint[:16]
        return self.fingerprint[-16:]

    def hashed_form(self):
        """How the key enters a certification or binding hash."""
        if self.version in (5, 6):
            return (b"\x9a" if self.version == 5 else b"\x9b") + len(self.body).to_bytes(4, "big") + self.body
        return b"\x99" + len(self.body).to_bytes(2, "big") + self.body


_CURVES = {
    bytes.fromhex("2a8648ce3d030107"): "NIST P-256",
    bytes.fromhex("2b81040022"): "NIST P-384",
    bytes.fromhex("2b81040023"): "NIST P-521",
    bytes.fromhex("2b06010401da470f01"): "Ed25519",
    bytes.fromhex("2b060104019755010501"): "Curve25519",
    bytes.fromhex("2b2403030208010107"): "brainpoolP256r1",
}
_CURVE_BITS = {"NIST P-256": 256, "NIST P-384": 384, "NIST P-521": 521, "Ed25519": 255,
               "Curve25519": 255, "brainpoolP256r1": 256}


class Signature(object):
    """A signature packet (v3 or v4; v5/v6 are read as far as their version)."""

    def __init__(self, body):
        self.body = body
        self.version = body[0] if body else None
        self.created = None
        self.key_expires = None  # a self-signature's key expiration: seconds after key creation
        self.issuer = None  # 16 hex digits
        self.issuer_fpr = None
        self.hashed = b""  # the hashed part, as it enters the hash (v4)
        self.values = ()
        self.left16 = b""
        if self.version == 3:
            if len(body) < 19 or body[1] != 5:
                raise PgpError("malformed v3 signature")
            self.type = body[2]
            self.created = int.from_bytes(body[3:7], "big")
            self.issuer = body[7:15].hex().upper()
            self.pubalgo, self.hashalgo = body[15], body[16]
            self.left16 = body[17:19]
            pos = 19
        elif self.version == 4:
            if len(body) < 6:
                raise PgpError("truncated signature")
            self.type, self.pubalgo, self.hashalgo = body[1], body[2], body[3]
            hashed_len = int.from_bytes(body[4:6], "big")
            pos = 6 + hashed_len
            if pos + 2 > len(body):
                raise PgpError("truncated signature")
            self.hashed = body[:pos]
            self._subpackets(body[6:pos])
            unhashed_len = int.from_bytes(body[pos:pos + 2], "big")
            unhashed = body[pos + 2:pos + 2 + unhashed_len]
            self._subpackets(unhashed, hashed=False)
            pos += 2 + unhashed_len
            self.left16 = body[pos:pos + 2]
            pos += 2
        elif self.version in (5, 6):
            if len(body) < 4:
                raise PgpError("truncated signature")
            self.type, self.pubalgo, self.hashalgo = body[1], body[2], body[3]
            return
        else:
            raise PgpError("unknown signature version %s" % self.version)
        values = []
        try:
            while pos < len(body):
                value, pos = _mpi(body, pos)
                values.append(value)
        except PgpError:
            pass
        self.values = tuple(values)

    def _subpackets(self, data, hashed=True):
        pos = 0
        while pos < len(data):
            try:
                length, _, pos = _new_length(data, pos)
            except PgpError:
                return
            if length == 0 or pos + length > len(data):
                return
            kind = data[pos] & 0x7F
            value = data[pos + 1:pos + length]
            pos += length
            if kind == 2 and len(value) == 4 and hashed:
                self.created = int.from_bytes(value, "big")
            elif kind == 9 and len(value) == 4 and hashed:
                self.key_expires = int.from_bytes(value, "big")
            elif kind == 16 and len(value) == 8:
                self.issuer = self.issuer or value.hex().upper()
            elif kind == 33 and len(value) >= 21:
                self.issuer_fpr = value[1:].hex().upper()
                self.issuer = self.issuer or self.issuer_fpr[-16:]

    @property
    def hash_name(self):
        return hash_name(self.hashalgo)

    @property
    def type_name(self):
        return SIG_TYPES.get(self.type, "type 0x%02x" % self.type)

    def trailer(self):
        if self.version == 3:
            return bytes([self.type]) + self.created.to_bytes(4, "big")
        return self.hashed + b"\x04\xff" + len(self.hashed).to_bytes(4, "big")


class SelfSig(object):
    """A self-signature: what it binds, its type and its hash algorithm."""

    __slots__ = ("what", "sig")

    def __init__(self, what, sig):
        self.what = what  # 'user id "..."' or "subkey ABCD..."
        self.sig = sig


class Key(object):
    """A transferable public key: primary key, user ids, subkeys and their self-signatures."""

    def __init__(self, primary):
        self.primary = primary
        self.userids = []
        self.subkeys = []
        self.self_sigs = []  # SelfSig, every one found
        self._current = None  # (kind, payload) the next signatures apply to

    @property
    def keyid(self):
        return self.primary.keyid

    @property
    def fingerprint(self):
        return self.primary.fingerprint

    def all_keys(self):
        return [self.primary] + self.subkeys

    def binding_hashes(self):
        """The hash algorithm of the newest self-signature of each user id and subkey:
        [(what, hash algo id)].  The newest one is what OpenPGP implementations use."""
        newest = {}
        for ss in self.self_sigs:
            if ss.sig.type not in CERTIFICATIONS + (0x18, 0x1F):
                continue
            previous = newest.get(ss.what)
            if previous is None or (ss.sig.created or 0) >= (previous.sig.created or 0):
                newest[ss.what] = ss
        return [(what, ss.sig.hashalgo) for what, ss in sorted(newest.items())]

    def describe(self):
        uid = self.userids[0] if self.userids else "(no user id)"
        return "%s %s %s" % (self.keyid, self.primary.describe(), uid)

    @property
    def expires(self):
        """When the key expires (seconds since the epoch) by its newest self-signature of a
        user id or the key itself (what a vendor re-issues to extend it), or None: never."""
        newest = None
        for ss in self.self_sigs:
            if ss.sig.type in CERTIFICATIONS + (0x1F,) and \
                    (newest is None or (ss.sig.created or 0) >= (newest.created or 0)):
                newest = ss.sig
        if newest is None or not newest.key_expires or self.primary.created is None:
            return None
        return self.primary.created + newest.key_expires


def parse_keys(data):
    """Every public key in `data` (armored or binary, one or more keys).  Raises PgpError
    when the data holds no public key."""
    blocks = dearmor(data)
    keys = []
    secret = False
    for kind, raw in blocks:
        if kind not in ("binary", "PUBLIC KEY BLOCK", "PRIVATE KEY BLOCK"):
            continue
        for packet in parse_packets(raw):
            if packet.tag in (6, 5):
                secret = secret or packet.tag == 5
                key = Key(PublicKey(packet.body))
                keys.append(key)
                key._current = ("key", None)
            elif not keys:
                continue
            elif packet.tag in (14, 7):
                sub = PublicKey(packet.body, subkey=True)
                keys[-1].subkeys.append(sub)
                keys[-1]._current = ("subkey", sub)
            elif packet.tag == 13:
                uid = packet.body.decode("utf-8", "replace")
                keys[-1].userids.append(uid)
                keys[-1]._current = ("uid", packet.body)
            elif packet.tag == 17:
                keys[-1]._current = ("attr", packet.body)
            elif packet.tag == 2:
                try:
                    sig = Signature(packet.body)
                except PgpError:
                    continue
                key = keys[-1]
                if sig.issuer and sig.issuer != key.keyid and sig.type != 0x18:
                    continue  # a third-party certification
                kind_, payload = key._current
                if kind_ == "uid":
                    what = 'user id "%s"' % payload.decode("utf-8", "replace")
                elif kind_ == "subkey":
                    what = "subkey %s" % payload.keyid
                elif kind_ == "attr":
                    what = "photo id"
                else:
                    what = "key %s" % key.keyid
                key.self_sigs.append(SelfSig(what, sig))
    if not keys:
        kinds = sorted({k for k, _ in blocks})
        if kinds and kinds != ["binary"]:
            raise PgpError("holds no public key (%s)" % ", ".join(k.lower() for k in kinds))
        raise PgpError("holds no public key")
    if secret:
        for key in keys:
            key.secret = True
    return keys


def parse_keybox(data):
    """The public keys of a GnuPG keybox (pubring.kbx), e.g. the keyring dnf keeps for
    repo_gpgcheck in CACHEDIR/<repo>/pubring/.  A keybox is a list of blobs: a 4-byte
    length, a type (1 header, 2 OpenPGP, 3 X.509), and for OpenPGP blobs the offset and
    length of the raw key block (GnuPG kbx/keybox-blob.c).  Damaged blobs are skipped."""
    keys = []
    pos = 0
    while pos + 16 <= len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        if length < 16 or pos + length > len(data):
            break
        if data[pos + 4] == 2:
            offset = int.from_bytes(data[pos + 8:pos + 12], "big")
            size = int.from_bytes(data[pos + 12:pos + 16], "big")
            block = data[pos + offset:pos + offset + size]
            if offset + size <= length and block:
                try:
                    keys.extend(parse_keys(block))
                except PgpError:
                    pass
        pos += length
    return keys


def parse_signature(data):
    """The first signature packet of a detached signature (armored or binary)."""
    for _kind, raw in dearmor(data):
        for packet in parse_packets(raw):
            if packet.tag == 2:
                return Signature(packet.body)
    raise PgpError("holds no signature")


# -- verification --------------------------------------------------------------------------
class Verdict(object):
    """The result of verifying a signature: `status` is one of

    good         the signature verifies with `key`
    bad          a key with the signature's key id is there and the signature does not
                 verify with it (the data or the signature was changed)
    no-key       none of the keys has the signer's key id
    unsupported  the algorithm or version is not implemented here (not verified)
    """

    __slots__ = ("status", "key", "signer", "reason", "hashalgo")

    def __init__(self, status, key=None, signer=None, reason="", hashalgo=None):
        self.status, self.key, self.signer, self.reason = status, key, signer, reason
        self.hashalgo = hashalgo


def _digest(sig, data):
    name = _HASHLIB.get(sig.hashalgo)
    if name is None:
        return None
    try:
        h = hashlib.new(name)
    except ValueError:  # e.g. ripemd160 missing from this OpenSSL
        return None
    h.update(data)
    h.update(sig.trailer())
    return h.digest()


def _verify_rsa(key, sig, digest):
    n, e = key.params
    if not sig.values:
        return False
    k = (n.bit_length() + 7) // 8
    s = sig.values[0]
    if s >= n:
        return False
    em = pow(s, e, n).to_bytes(k, "big")
    prefix = _DIGEST_INFO.get(sig.hashalgo)
    if prefix is None:
        return False
    t = bytes.fromhex(prefix) + digest
    if k < len(t) + 11:
        return False
    expected = b"\x00\x01" + b"\xff" * (k - len(t) - 3) + b"\x00" + t
    return em == expected


def _verify_dsa(key, sig, digest):
    p, q, g, y = key.params
    if len(sig.values) < 2:
        return False
    r, s = sig.values[0], sig.values[1]
    if not (0 < r < q and 0 < s < q):
        return False
    n = q.bit_length()
    z = int.from_bytes(digest, "big")
    if len(digest) * 8 > n:
        z >>= len(digest) * 8 - n
    w = pow(s, q - 2, q)
    u1, u2 = (z * w) % q, (r * w) % q
    return (pow(g, u1, p) * pow(y, u2, p) % p) % q == r


# Ed25519 (RFC 8032 section 5.1.7), in extended coordinates; only verification, only public
# data, so plain (not constant-time) arithmetic is fine.
_P = 2 ** 255 - 19
_L = 2 ** 252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)


def _ed_add(a, b):
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    aa = (y1 - x1) * (y2 - x2) % _P
    bb = (y1 + x1) * (y2 + x2) % _P
    cc = 2 * t1 * t2 * _D % _P
    dd = 2 * z1 * z2 % _P
    e, f, g, h = bb - aa, dd - cc, dd + cc, bb + aa
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _ed_mul(scalar, point):
    result = (0, 1, 1, 0)
    while scalar:
        if scalar & 1:
            result = _ed_add(result, point)
        point = _ed_add(point, point)
        scalar >>= 1
    return result


def _ed_decode(raw):
    if len(raw) != 32:
        return None
    y = int.from_bytes(raw, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P) % _P
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P:
        return None
    if x == 0 and sign:
        return None
    if x & 1 != sign:
        x = _P - x
    return (x, y, 1, x * y % _P)


def _ed_equal(a, b):
    return (a[0] * b[2] - b[0] * a[2]) % _P == 0 and (a[1] * b[2] - b[1] * a[2]) % _P == 0


_ED_BASE = _ed_decode((4 * pow(5, _P - 2, _P) % _P).to_bytes(32, "little"))


def _verify_ed25519(key, sig, digest):
    """OpenPGP's (legacy) EdDSA: R and S are MPIs of the native 32-byte strings, and the
    message Ed25519 signs is the digest."""
    if len(sig.values) < 2:
        return False
    try:
        r_raw = sig.values[0].to_bytes(32, "big")
        s_raw = sig.values[1].to_bytes(32, "big")
    except OverflowError:
        return False
    public = key.params[0]
    a_point, r_point = _ed_decode(public), _ed_decode(r_raw)
    s = int.from_bytes(s_raw, "little")
    if a_point is None or r_point is None or s >= _L:
        return False
    h = int.from_bytes(hashlib.sha512(r_raw + public + digest).digest(), "little") % _L
    return _ed_equal(_ed_mul(s, _ED_BASE), _ed_add(r_point, _ed_mul(h, a_point)))


def verify_detached(signature, data, keys):
    """Verify a detached signature (bytes of the .asc file, or a Signature) over `data`
    with any of `keys` (Key objects).  Returns a Verdict."""
    sig = signature if isinstance(signature, Signature) else parse_signature(signature)
    if sig.version not in (3, 4):
        return Verdict("unsupported", signer=sig.issuer, reason="signature version %s" % sig.version,
                       hashalgo=sig.hashalgo)
    if sig.type == 0x01:
        data = re.sub(rb"\r?\n", b"\r\n", data)
    elif sig.type != 0x00:
        return Verdict("bad", signer=sig.issuer, reason="not a document signature (%s)" % sig.type_name)
    candidates = []
    for key in keys:
        for pk in key.all_keys():
            if sig.issuer is None or pk.keyid == sig.issuer or \
                    (sig.issuer_fpr and pk.fingerprint == sig.issuer_fpr):
                candidates.append((key, pk))
    if not candidates:
        return Verdict("no-key", signer=sig.issuer, hashalgo=sig.hashalgo)
    digest = _digest(sig, data)
    if digest is None:
        return Verdict("unsupported", signer=sig.issuer, hashalgo=sig.hashalgo,
                       reason="hash %s not available" % sig.hash_name)
    unsupported = None
    for key, pk in candidates:
        if pk.algo != sig.pubalgo and not (pk.algo in (1, 2, 3) and sig.pubalgo in (1, 2, 3)):
            continue
        if digest[:2] != sig.left16:
            return Verdict("bad", key=key, signer=sig.issuer, hashalgo=sig.hashalgo,
                           reason="the digest does not match (the signed data was changed)")
        if pk.algo in (1, 2, 3):
            ok = _verify_rsa(pk, sig, digest)
        elif pk.algo == 17:
            ok = _verify_dsa(pk, sig, digest)
        elif pk.algo == 22 and pk.params:
            ok = _verify_ed25519(pk, sig, digest)
        else:
            unsupported = pk.algo_name
            continue
        if ok:
            return Verdict("good", key=key, signer=sig.issuer, hashalgo=sig.hashalgo)
        return Verdict("bad", key=key, signer=sig.issuer, hashalgo=sig.hashalgo,
                       reason="the signature does not verify")
    if unsupported:
        return Verdict("unsupported", signer=sig.issuer, hashalgo=sig.hashalgo,
                       reason="%s signatures are not verified by gotriage" % unsupported)
    return Verdict("bad", signer=sig.issuer, hashalgo=sig.hashalgo,
                   reason="the key's algorithm does not match the signature's")
