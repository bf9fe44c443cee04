"""The packages layer's parsers: OpenPGP keys and signatures checked against real gpg,
repomd.xml from real createrepo_c, crypto-policy lines, and bad input of every kind (a
finding or a clear error, never a traceback)."""

import os
import subprocess

import pytest

from conftest import need
from gotriage.knowledge.packages import parse_seconds, sha1_rejected
from gotriage.parsers.crypto_policy import parse_crypto_policy
from gotriage.parsers.pgpkey import (
    PgpError,
    dearmor,
    parse_keybox,
    parse_keys,
    parse_signature,
    verify_detached,
)
from gotriage.parsers.repomd import parse_repomd
from gotriage.parsers.yumrepo import dnf_load_problems, parse_repo_file


@pytest.fixture(autouse=True, scope="module")
def _no_gpg_agent_left():
    yield
    from packages_support import stop_agents
    stop_agents()


def _gpg_available():
    from shutil import which
    return which("gpg") is not None


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    """Keys and signatures made by real gpg: RSA (SHA-512 self-signature), RSA self-signed
    with SHA-1, DSA, Ed25519."""
    need(_gpg_available(), "gpg is not installed (scripts/setup installs gnupg)")
    from packages_support import Keyring

    base = tmp_path_factory.mktemp("keys")
    out = {}
    for name, kw in (("rsa", {"algo": "rsa3072"}), ("sha1", {"algo": "rsa2048", "digest": "SHA1"}),
                     ("dsa", {"algo": "dsa2048"}), ("ed", {"algo": "ed25519"})):
        ring = Keyring(base / name, uid="%s <%s@example.invalid>" % (name, name), **kw)
        out[name] = ring
        ring.export(base / ("%s.asc" % name))
        ring.export(base / ("%s.gpg" % name), armor=False)
    doc = base / "doc"
    doc.write_bytes(b"<repomd>\n  <revision>1</revision>\n</repomd>\n")
    out["base"], out["doc"] = base, doc
    return out


def _listed_digests(ring):
    """What `gpg --list-packets` says about the self-signature's hash ("digest algo N")."""
    env = dict(os.environ, GNUPGHOME=ring.home)
    exported = subprocess.run(["gpg", "--batch", "--export", ring.uid], env=env,
                              stdout=subprocess.PIPE, timeout=60).stdout
    listing = subprocess.run(["gpg", "--batch", "--list-packets"], input=exported, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60).stdout.decode()
    return sorted({int(line.split("digest algo ")[1].split(",")[0]) for line in listing.splitlines()
                   if "digest algo" in line})


@pytest.mark.parametrize("name,algo,digest", [("rsa", "RSA 3072", None), ("sha1", "RSA 2048", 2),
                                              ("dsa", "DSA 2048", None), ("ed", "EdDSA Ed25519", None)])
def test_keys_parse_like_gpg_lists_them(keys, name, algo, digest):
    for suffix in (".asc", ".gpg"):
        [key] = parse_keys((keys["base"] / (name + suffix)).read_bytes())
        assert key.primary.describe() == algo
        assert [h for _, h in key.binding_hashes()] == _listed_digests(keys[name])
        assert key.userids == ["%s <%s@example.invalid>" % (name, name)]
        _, colons = keys[name].gpg("--list-keys", "--with-colons")
        fpr = [line.split(":")[9] for line in colons.splitlines() if line.startswith("fpr:")][0]
        assert key.fingerprint == fpr
    if digest:
        assert [h for _, h in key.binding_hashes()] == [digest]


@pytest.mark.parametrize("name,digest_algo,textmode", [
    ("rsa", "SHA256", False), ("rsa", "SHA1", False), ("rsa", "SHA512", True), ("dsa", "SHA256", False),
    ("sha1", "SHA256", False), ("ed", "SHA256", False), ("ed", "SHA512", True)])
def test_signatures_verify_as_gpg_says(keys, tmp_path, name, digest_algo, textmode):
    ring = keys[name]
    doc = tmp_path / "repomd.xml"
    doc.write_bytes(keys["doc"].read_bytes())
    ring.gpg(*(["--digest-algo", digest_algo] + (["--textmode"] if textmode else []) +
               ["--detach-sign", "--armor", "-o", str(doc) + ".asc", str(doc)]))
    everything = [k for n in ("rsa", "sha1", "dsa", "ed") for k in parse_keys((keys["base"] / (n + ".asc")).read_bytes())]
    signature = (tmp_path / "repomd.xml.asc").read_bytes()
    rc, said = ring.verify(str(doc) + ".asc", doc)
    assert rc == 0 and "Good signature" in said
    assert verify_detached(signature, doc.read_bytes(), everything).status == "good"
    tampered = doc.read_bytes().replace(b"<revision>1", b"<revision>2")
    doc.write_bytes(tampered)
    rc, said = ring.verify(str(doc) + ".asc", doc)
    assert rc != 0 and "BAD signature" in said
    assert verify_detached(signature, tampered, everything).status == "bad"
    others = [k for k in everything if name not in k.userids[0]]
    assert verify_detached(signature, tampered, others).status == "no-key"


def test_ecdsa_is_reported_not_verified(tmp_path):
    need(_gpg_available(), "gpg is not installed (scripts/setup installs gnupg)")
    from packages_support import Keyring
    ring = Keyring(tmp_path / "home", uid="ecdsa <ecdsa@example.invalid>", algo="nistp256")
    ring.export(tmp_path / "key.asc")
    doc = tmp_path / "repomd.xml"
    doc.write_bytes(b"<repomd/>\n")
    ring.gpg("--detach-sign", "--armor", "-o", str(doc) + ".asc", str(doc))
    [key] = parse_keys((tmp_path / "key.asc").read_bytes())
    assert key.primary.describe() == "ECDSA NIST P-256"
    verdict = verify_detached((tmp_path / "repomd.xml.asc").read_bytes(), doc.read_bytes(), [key])
    assert verdict.status == "unsupported" and "ECDSA" in verdict.reason


@pytest.mark.parametrize("data,message", [
    (b"", "empty file"),
    (b"<html><body>404 Not Found</body></html>\n", "not OpenPGP data"),
    (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64, "not OpenPGP data"),
    (b"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBGAofzYBEAC+\n", "unterminated ASCII armor"),
    (b"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n!!!!\n-----END PGP PUBLIC KEY BLOCK-----\n", "not valid base64"),
    (b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", "not OpenPGP data"),
    (b"\x99\x01\x0d\x04", "truncated"),
])
def test_key_files_that_are_not_keys(data, message):
    with pytest.raises(PgpError) as err:
        parse_keys(data)
    assert message in str(err.value)


def test_damaged_armor_fails_its_crc(keys):
    text = (keys["base"] / "rsa.asc").read_text().splitlines()
    body = [i for i, line in enumerate(text) if line and not line.startswith(("-", "=")) and ":" not in line]
    line = text[body[3]]
    text[body[3]] = ("B" if line[0] != "B" else "C") + line[1:]
    with pytest.raises(PgpError) as err:
        parse_keys("\n".join(text).encode())
    assert "CRC" in str(err.value)


def test_keybox_as_gpg_writes_it(keys):
    """GnuPG 2.1+ keeps its public keys in pubring.kbx, as dnf's per-repository keyring does."""
    for name in ("rsa", "dsa", "ed"):
        [from_kbx] = parse_keybox((keys["base"] / name / "pubring.kbx").read_bytes())
        [exported] = parse_keys((keys["base"] / (name + ".asc")).read_bytes())
        assert from_kbx.fingerprint == exported.fingerprint
    assert parse_keybox(b"") == [] and parse_keybox(b"\xff" * 100) == []
    assert parse_keybox(b"\x00\x00\x00\x20\x02" + b"\x00" * 27) == []


def test_signature_file_is_not_a_key():
    with pytest.raises(PgpError):
        parse_signature(b"garbage")
    assert dearmor(b"\x88\x00")[0][0] == "binary"


# -- repomd.xml ------------------------------------------------------------------------------
def test_repomd_from_createrepo_c(tmp_path):
    from shutil import which
    need(which("createrepo_c"), "createrepo_c is not installed (scripts/setup installs createrepo-c)")
    subprocess.run(["createrepo_c", "-q", str(tmp_path)], check=True, timeout=120)
    md = parse_repomd((tmp_path / "repodata" / "repomd.xml").read_bytes())
    assert md.error is None
    assert md.revision.isdigit()
    assert md.location("primary").startswith("repodata/") and md.location("primary").endswith("-primary.xml.gz")
    assert md.newest_timestamp == max(d.timestamp for d in md.data.values())


@pytest.mark.parametrize("data,error", [
    (b"", "empty file"),
    (b"<repomd><revision>1</rev", "not well-formed XML"),
    (b"<html/>", "root element is <html>"),
    (b"\x00\x01binary", "binary data"),
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><repomd/>', "DTD"),
    (b"<repomd><revision>1</revision></repomd>", "lists no primary metadata"),
])
def test_corrupt_repomd(data, error):
    assert error in parse_repomd(data).error


# -- crypto policy and defaults ---------------------------------------------------------------
@pytest.mark.parametrize("text,el,rejected", [
    ("DEFAULT\n", 9, True), ("DEFAULT:SHA1\n", 9, False), ("LEGACY\n", 9, False), ("FUTURE\n", 9, True),
    ("# comment\nFIPS:OSPP\n", 10, True), ("DEFAULT:NO-SHA1\n", 8, False), ("", 10, True),
    ("LEGACY:NO-SHA1", 9, True), ("MYCORP\n", 9, None), ("DEFAULT\n", 7, False)])
def test_sha1_by_policy_and_release(text, el, rejected):
    assert sha1_rejected(el, parse_crypto_policy(text)) is rejected


@pytest.mark.parametrize("value,seconds", [("6h", 21600), ("2d", 172800), ("90m", 5400), ("3600", 3600),
                                           ("never", -1), ("-1", -1), ("0", 0), ("soon", None)])
def test_metadata_expire_values(value, seconds):
    assert parse_seconds(value) == seconds


def test_repo_parser_never_raises_on_garbage():
    for data in (b"\x00\xff\xfe[", b"[[[[", b"=\n=\n", bytes(range(256)) * 4):
        dnf_load_problems(data)
        parse_repo_file(data.decode("utf-8", "replace"))

