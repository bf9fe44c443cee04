"""Secrets out of snapshots: what is redacted, what must be kept, and idempotence."""

import pytest

from gotriage.host.redact import MARK, redact, redact_bytes, redact_env

GH_TOKEN = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
GH_PAT = "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz"
GL_TOKEN = "glpat-xY9zAbCdEfGhIjKlMnOp"


@pytest.mark.parametrize("text, expected", [
    ("https://user:pass@proxy.corp:8080", "https://<redacted>@proxy.corp:8080"),
    ("http://user:p%40ss@proxy.corp:3128/", "http://<redacted>@proxy.corp:3128/"),
    ("https_proxy=http://bob:hunter2@10.0.0.1:3128 go build",
     "https_proxy=http://<redacted>@10.0.0.1:3128 go build"),
    ("https://%s@github.com/corp/repo.git" % GH_TOKEN, "https://<redacted>@github.com/corp/repo.git"),
    ("https://oauth2:abc@gitlab.corp/x", "https://<redacted>@gitlab.corp/x"),
    ("GOPROXY=https://u:pw@athens.corp,https://proxy.golang.org,direct",
     "GOPROXY=https://<redacted>@athens.corp,https://proxy.golang.org,direct"),
    ("url = 'git+ssh://deploy:k3y@git.corp/x'", "url = 'git+ssh://<redacted>@git.corp/x'"),
])
def test_url_credentials(text, expected):
    assert redact(text) == expected


def test_url_token_only_userinfo():
    assert redact("https://s3cr3tT0k3n@proxy.corp/") == "https://<redacted>@proxy.corp/"
    assert "s3cr3tT0k3n" not in redact("fetch https://s3cr3tT0k3n@proxy.corp/mod")


@pytest.mark.parametrize("text", [
    "https://proxy.golang.org,direct",
    "https://proxy.golang.org/github.com/pkg/errors/@v/list",
    "https://proxy.golang.org/golang.org/x/net/@v/v0.20.0.info",
    "git@github.com:corp/repo.git",
    "user@example.com",
    "https://proxy.corp:8080",
])
def test_urls_without_credentials_are_kept(text):
    assert redact(text) == text


def test_netrc_password_redacted_login_kept():
    netrc = ("machine x login bob password s3cret\n"
             "machine proxy.corp\n  login alice\n  password hunter2\n  account acct9\n"
             "default login anonymous password guest@\n")
    out = redact(netrc)
    for secret in ("s3cret", "hunter2", "acct9"):
        assert secret not in out
    assert "machine x login bob password <redacted>" in out
    assert "login alice" in out
    assert "login anonymous" in out
    assert "machine proxy.corp" in out
    assert out.count(MARK) == 4
    assert redact_bytes(netrc.encode("utf-8")) == out.encode("utf-8")


@pytest.mark.parametrize("text, secret, kept", [
    ("-ldflags=-X=main.apiToken=abc123", "abc123", "-ldflags=-X=main.apiToken="),
    ("-ldflags=-X main.apiToken=abc123 -tags=netgo", "abc123", "-tags=netgo"),
    ("-ldflags=-X=main.password=hunter2 -mod=mod", "hunter2", "-mod=mod"),
    ("token=zzTopSecret", "zzTopSecret", "token="),
    ("TOKEN: zzTopSecret", "zzTopSecret", "TOKEN: "),
    ('"api_key": "AKIA123456"', "AKIA123456", '"api_key": "'),
    ("aws_secret_access_key = wJalrXUtnFEMI", "wJalrXUtnFEMI", "aws_secret_access_key = "),
    ("db_passwd=pa55;next=1", "pa55", ";next=1"),
    ("?access_key=abc&x=1", "abc", "&x=1"),
])
def test_key_value_secrets(text, secret, kept):
    out = redact(text)
    assert secret not in out
    assert MARK in out
    assert kept in out


@pytest.mark.parametrize("token", [GH_TOKEN, "gho_" + "x" * 36, "ghs_" + "Z9" * 18, GH_PAT, GL_TOKEN])
def test_well_known_token_shapes(token):
    out = redact("export X=%s\n" % token)
    assert token not in out
    assert out == "export X=<redacted>\n"


def test_short_lookalikes_are_kept():
    assert redact("ghp_short") == "ghp_short"
    assert redact("glpat-") == "glpat-"


def test_env_names_redacted_wholesale_and_go_settings_kept():
    env = {
        "GITHUB_TOKEN": "plain-value-no-shape",
        "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG",
        "DB_PASSWORD": "hunter2",
        "NPM_TOKEN": "n",
        "MY_API_KEY": "k",
        "SSH_PRIVATE_KEY": "-----BEGIN-----",
        "GOOGLE_CREDENTIALS": "{}",
        "github_token": "lowercase",
        "GOPRIVATE": "github.com/corp/*,gitlab.corp.example/*",
        "GONOSUMDB": "github.com/corp/*",
        "GONOPROXY": "none",
        "GOPROXY": "https://proxy.golang.org,direct",
        "GOFLAGS": "-mod=mod -trimpath",
        "PATH": "/usr/local/go/bin:/usr/local/bin:/usr/bin:/bin",
        "HOME": "/home/alice",
        "GOROOT": "/usr/local/go",
        "HTTPS_PROXY": "http://u:Sup3rPw@proxy.corp:3128",
        "EMPTY_TOKEN": "",
    }
    out = redact_env(env)
    for name in ("GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY", "DB_PASSWORD", "NPM_TOKEN",
                 "MY_API_KEY", "SSH_PRIVATE_KEY", "GOOGLE_CREDENTIALS", "github_token"):
        assert out[name] == MARK, name
    for name in ("GOPRIVATE", "GONOSUMDB", "GONOPROXY", "GOPROXY", "GOFLAGS", "PATH", "HOME",
                 "GOROOT"):
        assert out[name] == env[name], name
    assert out["HTTPS_PROXY"] == "http://<redacted>@proxy.corp:3128"
    assert out["EMPTY_TOKEN"] == ""
    assert sorted(out) == sorted(env)
    # the input is not modified
    assert env["DB_PASSWORD"] == "hunter2"


def test_goflags_value_is_redacted_inside():
    out = redact_env({"GOFLAGS": "-ldflags=-X=main.apiToken=abc123 -mod=vendor"})
    assert out == {"GOFLAGS": "-ldflags=-X=main.apiToken=<redacted> -mod=vendor"}


def test_redact_env_none_and_empty():
    assert redact_env(None) is None
    assert redact_env({}) == {}


def test_empty_and_plain_text():
    assert redact("") == ""
    assert redact(None) is None
    plain = "go version go1.22.1 linux/amd64\nGOARCH='amd64'\nGOOS='linux'\n"
    assert redact(plain) == plain


SAMPLES = [
    "https://user:pass@proxy.corp:8080",
    "https://<redacted>@proxy.corp:8080",
    "machine x login bob password s3cret",
    "password <redacted>",
    "-ldflags=-X=main.apiToken=abc123",
    "token=<redacted>",
    "token=token=abc",
    "token=https://u:p@h/x",
    "secret: password hunter2",
    "passwd account x",
    "TOKEN=a<redacted>b",
    GH_TOKEN + " " + GL_TOKEN,
    "password\nfoo\ntoken:\n bar",
    "https://a:b@c https://d@e password f token=g",
    "",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_idempotent(text):
    once = redact(text)
    assert redact(once) == once
    data = text.encode("utf-8")
    assert redact_bytes(redact_bytes(data)) == redact_bytes(data)


def test_idempotent_env():
    env = {"GITHUB_TOKEN": "x", "HTTPS_PROXY": "http://u:p@h:1", "GOFLAGS": "-X=a.token=b",
           "PATH": "/bin", "SECRET": MARK}
    once = redact_env(env)
    assert redact_env(once) == once


def test_idempotent_on_generated_text():
    import random

    atoms = ["https://", "u", ":", "p", "@", "h", " ", "\n", "password", "token", "=", "'",
             '"', MARK, GH_TOKEN, "login", "bob", "secret", "/", ",", "-X", "main.", "<", ">"]
    rnd = random.Random(4)
    for _ in range(3000):
        text = "".join(rnd.choice(atoms) for _ in range(rnd.randint(1, 12)))
        once = redact(text)
        assert redact(once) == once, text


def test_binary_data_with_nul_is_untouched():
    data = b"\x7fELF\x02\x01\x01\x00" + b"password=hunter2 https://u:p@h " + GH_TOKEN.encode("ascii")
    assert redact_bytes(data) == data


def test_undecodable_bytes_are_untouched():
    data = b"\xff\xfe token=abc \xc3\x28"
    assert redact_bytes(data) == data


def test_text_bytes_are_redacted():
    data = b"export GITHUB=" + GH_TOKEN.encode("ascii") + b"\npassword=hunter2\n"
    out = redact_bytes(data)
    assert isinstance(out, bytes)
    assert GH_TOKEN.encode("ascii") not in out and b"hunter2" not in out
    assert out == b"export GITHUB=<redacted>\npassword=<redacted>\n"
    assert redact_bytes(b"") == b""
    clean = b"nothing secret here\n"
    assert redact_bytes(clean) == clean


def test_utf8_text_survives():
    text = "caf\u00e9 na\u00efve token=\u00e9t\u00e9 \u2713\n"
    out = redact_bytes(text.encode("utf-8"))
    assert out.decode("utf-8") == "caf\u00e9 na\u00efve token=<redacted> \u2713\n"


def _timed(func, *args):
    import time

    started = time.monotonic()
    value = func(*args)
    return value, time.monotonic() - started


@pytest.mark.parametrize("blob", ["c" * 20000, "tokentoken" * 2000, "x_" * 10000,
                                  "https://" + "a" * 20000])
def test_long_runs_of_letters_are_linear(blob):
    # a base64 blob on one line (a kubeconfig, a certificate) once took minutes to redact
    out, seconds = _timed(redact, blob)
    assert out == blob
    assert seconds < 1.5, "redact took %.1f s on %d characters" % (seconds, len(blob))


def test_secret_after_a_long_blob_is_still_found():
    text = "data: " + "QUJD" * 5000 + "\napi_token=abc123\n"
    out, seconds = _timed(redact_bytes, text.encode("ascii"))
    assert out.endswith(b"\napi_token=<redacted>\n")
    assert seconds < 1.5


def _redact_every_expression(text):
    """The four expressions with no pre-check: what redact() must equal."""
    from gotriage.host import redact as module

    text = module._URL_USERINFO.sub(lambda m: m.group("scheme") + MARK + "@", text)
    text = module._NETRC.sub(lambda m: m.group("key") + MARK, text)
    text = module._KEY_VALUE.sub(lambda m: m.group("key") + MARK
                                 if m.group("value") != MARK else m.group(0), text)
    return module._TOKENS.sub(MARK, text)


def _case_variants(word):
    """word with each letter in turn replaced by every character that the engine's
    case-insensitive matching takes for it (upper case, the long s, the Kelvin sign,
    dotless and dotted i...)."""
    import re

    out = []
    for i, letter in enumerate(word):
        if not letter.isalpha():
            continue
        rx = re.compile("(?i)" + re.escape(letter))
        for c in map(chr, range(0x10000)):
            if c != letter and rx.fullmatch(c):
                out.append(word[:i] + c + word[i + 1:])
    return out


def test_pre_checks_skip_nothing_the_expressions_would_redact():
    """redact() looks for each expression's words before running it (the expressions
    cost about 0.25 s per MB of log); on every sample of this file, on case variants of
    every key word (including the non-ASCII letters the engine folds), and on the real
    files of tests/data, it gives exactly what the four expressions give."""
    import os

    from conftest import DATA

    samples = ["https://u:pw@h/", "http://x@y", "password hunter2", "account acct9",
               GH_TOKEN, GH_PAT, GL_TOKEN, "gho_" + "x" * 36]
    for word in ("token", "passwd", "password", "secret", "apikey", "api_key", "api-key",
                 "accesskey", "access_key", "access-key"):
        for variant in [word] + _case_variants(word):
            samples.append("my_%s=s3cr3tValue" % variant)
    for text in samples:
        assert redact(text) == _redact_every_expression(text), text
        assert redact(text) != text, text
    files = 0
    for directory, _dirs, names in os.walk(DATA):
        for name in names:
            with open(os.path.join(directory, name), "rb") as f:
                data = f.read(1 << 20)
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                continue
            assert redact(text) == _redact_every_expression(text), name
            files += 1
    assert files > 300


def test_stream_equals_whole_file_and_keeps_lines_together():
    """redact_stream, given a text in arbitrary pieces, redacts a secret cut by a piece
    boundary and gives what redact_bytes gives for the whole (secrets are on one line);
    a long run without a line end is passed on."""
    from gotriage.host.redact import redact_stream

    line = b"type=EXECVE msg=audit(1.2:3): argc=3 a0=\"curl\" a1=\"-H\" a2=\"token=%s\"\n"
    data = b"".join(line % (b"s3cr3t%05d" % i) for i in range(3000))
    whole = redact_bytes(data)
    assert b"s3cr3t" not in whole
    for cut in (1, 7, 100, 4096):
        pieces = [data[i:i + cut * 13] for i in range(0, len(data), cut * 13)]
        assert b"".join(redact_stream(pieces, piece_size=1000)) == whole
    blob = b"x" * 50000
    assert b"".join(redact_stream([blob[:20000], blob[20000:]], piece_size=1000)) == blob
    assert list(redact_stream([])) == []
