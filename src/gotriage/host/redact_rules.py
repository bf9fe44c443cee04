"""The rules that recognise a secret, shared by redact.py and redact_audit.py.

A secret is recognised three ways (docs/snapshot-format.md, "Secrets", lists every rule
and what is deliberately kept):

- by its shape, wherever it is (`_shapes`): credentials in URLs and Go MySQL DSNs, PEM
  private key blocks, GitHub, GitLab, Stripe, Slack and AWS key shapes, JWTs;
- by the name it is assigned to (`is_secret`): `NAME=value` in environments, environment
  files, systemd `Environment=` words, INI, YAML and JSON keys, `--option value` on a
  command line (`_whole_line`, `_line_rules`); .netrc `password` and `account` (`_netrc`);
- by the command that takes it (`_judge_argv`): `mysql -pX`, `sshpass -p X`, `zip -P X`,
  `curl -u U:X`..., on a line of text and in an audit record's decoded arguments.

With the prefilter (the default), the name and command rules run only on the lines
holding a trigger word where a rule could use it (`_hot_positions`, `_each_line`), and
each shape only on text holding a word it needs; without it, every rule runs on every
line.  redact.py applies the rules to values, texts and files, and redact_audit.py to the
command records of an audit log; this module imports neither.
"""

import re

MARK = "<redacted>"

# -- judging a name -------------------------------------------------------------------------
# A name holding one of these (case folded) names a secret.
_STRONG = re.compile(r"token|secret|passw|passphrase|credential|jwt|sshpass"
                     r"|(?:api|access|private)[\s_.\-/:]*key")
# These name a secret only as the name's last word (VAULT_PASS, MYSQL_PWD, NPM_AUTH,
# DB_CRED, SSH_PRIVATE; not PASS_MAX_DAYS, SSH_AUTH_SOCK, AUTHOR, PrivateTmp, GOPRIVATE,
# GOAUTH), KEY only after another word (STRIPE_KEY, not an audit record's key=).
_WEAK = frozenset(["pass", "pwd", "auth", "authorization", "cred", "creds", "private", "key"])
# A last word that makes the name about a secret, not the secret itself
# (PASSWORD_FILE, passwd_tries, TOKEN_TYPE, --password-stdin, PASSWD_CMDS).
_QUALIFIERS = frozenset([
    "file", "files", "path", "dir", "directory", "sock", "socket", "stdin", "fd", "prompt",
    "env", "command", "commands", "cmd", "cmds", "helper", "store", "tries", "timeout",
    "attempts", "retries", "retry", "len", "length", "min", "max", "minlen", "maxlen", "age",
    "days", "warn", "expire", "expires", "expiry", "ttl", "lifetime", "type", "method",
    "mode", "policy", "url", "uri", "endpoint", "host", "server", "port", "user",
    "username", "name", "enabled", "required", "algorithm", "format", "size", "count",
    "version", "provider", "backend", "source"])
# Words before KEY that make it public (PUBLIC_KEY, GPG_KEY, HOST_KEY).
_PUBLIC = frozenset(["public", "pub", "gpg", "pgp", "host"])
# Values no secret is: a boolean, a reference to another variable, a format directive
# (%s, {name}), a mask, or the opening of a tuple (PASSWD = ("root:x:0:0..." in code).
_HARMLESS = re.compile(r"(?i)(?:(?:yes|no|true|false|on|off|enabled?|disabled?|none|null|"
                       r"nil|\(null\)|required|optional|\*+|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?"
                       r"|%[-#0-9.]*[a-z]|%\(\w+\)[a-z]|\{\w*\})\Z"
                       r"|\(\s*(?:[\"'(\[{]|\Z))")
# A path (with an optional ID: before it, as in LoadCredential=ID:PATH).
_PATH = re.compile(r"(?:[\w.-]+:(?!//))?(?:/|~/|\./|\.\./)\S*\Z")
# systemd's credential directives name files, not secrets.
_FILE_NAMES = frozenset(["loadcredential", "loadcredentialencrypted", "importcredential"])
# Name words: split at _ - . and spaces, then at case changes (apiToken, HTTPAuth).
_SEPARATORS = re.compile(r"[\s_.\-/:]+")
_CAMEL = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[^A-Z]+")
_NAME_OK = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")  # an environment variable's name


def _fold(text):
    """`text` case folded the way a case-insensitive match sees it: casefold (the long s
    becomes s, the Kelvin sign k), and the dotless i and dotted capital I taken as i."""
    folded = text.casefold()
    if "\u0131" in folded or "\u0307" in folded:
        folded = folded.replace("\u0131", "i").replace("\u0307", "")
    return folded


def _words(name):
    words = []
    for part in _SEPARATORS.split(name):
        if not part:
            continue
        if part == part.upper() or part == part.lower():
            words.append(_fold(part))
        else:
            words.extend(_fold(w) for w in _CAMEL.findall(part))
    return words


def is_secret(name, value):
    """Whether `value`, assigned to `name` (an environment variable, a key, a long
    option without its dashes), is a secret to redact whole.  Judged on the value with
    its shapes redacted, as a replay sees it in the redacted file."""
    value = _shapes(value) if value else value
    if not value or value == MARK or _HARMLESS.match(value):
        return False
    words = _words(name)
    if not words:
        return False
    last = words[-1]
    if len(words) > 1 and last in _QUALIFIERS:
        return False
    if "".join(words) in _FILE_NAMES:
        return False
    if _STRONG.search(_fold(name)):
        return True
    if last not in _WEAK:
        return False
    if last == "key" and (len(words) == 1 or _PUBLIC.intersection(words)):
        return False
    return not _PATH.match(value)  # PWD=/home/alice, SSH_KEY=/root/.ssh/id_rsa


# -- where names are looked for --------------------------------------------------------------
# A line is examined by the name and command rules only when its folded text holds one of
# these words where the rules could use it (each word costs one fast substring search of
# the text; the rules, regular expressions and word splitting, run on those lines only).
_PROGRAM_WORDS = ("mysql", "mariadb", "sshpass", "zip", "7z", "redis-cli", "ldap", "smb",
                  "rpcclient", "curl", "openssl")
_TRIGGERS = ("token", "secret", "jwt", "pass", "cred", "key", "pwd", "auth", "private") + \
    _PROGRAM_WORDS
_KEY_STRONG = ("api", "access", "private")  # api_key, accessKey, private-key
_AFTER_WEAK = frozenset("=:\"' \t")
_NAME_WORDS = ("token", "secret", "jwt", "pass", "cred", "key", "pwd", "auth", "private")


def _strong_hit(folded, pos, word):
    """Whether `word` at `pos` is part of a strong name word (password, credential...)."""
    if word in _PROGRAM_WORDS:  # a program's name, not gzip for zip
        return pos == 0 or not folded[pos - 1].isalnum()
    if word in ("token", "secret", "jwt"):
        return True
    if word == "pass":
        return folded.startswith(("passw", "passphrase"), pos) or folded.endswith("ssh", 0, pos)
    if word == "cred":
        return folded.startswith("credential", pos)
    if word == "key":
        before = folded[max(0, pos - 16):pos].rstrip(" \t\n_.-/:")
        return before.endswith(_KEY_STRONG)
    return False


def _weak_hit(folded, text, pos, word):
    """Whether `word` at `pos` of the folded text can be a name's last word: a word starts
    there (or a camel-case one) and a separator follows."""
    end = pos + len(word)
    if word == "auth" and folded.startswith("orization", end):
        end += len("orization")
    elif word == "cred" and folded.startswith("s", end):
        end += 1
    before = folded[pos - 1] if pos else " "
    option = folded.startswith("--", pos - 2) if pos >= 2 else False
    after = end
    while after < len(folded) and folded[after] in " \t":
        after += 1
    if after < len(folded) and folded[after] not in _AFTER_WEAK and not (option and after > end):
        return False  # NAME=, NAME:, "NAME", --name value
    if word == "key" and before in " \t\"'\n":
        return False  # KEY names a secret only after another word (STRIPE_KEY)
    if not before.isalnum():
        return True
    if len(folded) != len(text):
        return True  # offsets differ: take the line (the rules decide)
    return text[pos].isupper() and not text[pos - 1].isupper()  # dbPass, stripeKey


def _hot_lines(text):
    """Indices of the lines of `text` the name and command rules must see (sorted)."""
    return _line_numbers(text, _hot_positions(text))


def _line_numbers(text, positions):
    """The line index of each position (sorted, without repeats); `text` may be folded
    (case folding keeps the newlines)."""
    numbers, line, at = [], 0, 0
    for pos in sorted(positions):
        line += text.count("\n", at, pos)
        at = pos
        if not numbers or numbers[-1] != line:
            numbers.append(line)
    return numbers


def _hot_positions(text):
    """Positions in `text` (its folded form: the same newlines) of the trigger words the
    name and command rules could use; one a line is enough."""
    folded = _fold(text)
    hits = []
    for word in _TRIGGERS:
        pos = folded.find(word)
        while pos != -1:
            if _strong_hit(folded, pos, word) or _weak_hit(folded, text, pos, word):
                hits.append(pos)
                pos = folded.find("\n", pos)
                if pos == -1:
                    break
            pos = folded.find(word, pos + 1)
    if len(folded) == len(text):
        return hits
    # the positions are in the folded text: give the start of their lines in `text`
    lines = _line_numbers(folded, hits)
    starts, at, line = [], 0, 0
    for number in lines:
        while line < number:
            at = text.index("\n", at) + 1
            line += 1
        starts.append(at)
    return starts


# -- shapes ----------------------------------------------------------------------------------
# scheme://user:password@host and scheme://token@host (the last @ before the path)
_URL_USERINFO = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^/\s'\"<>]+)@")
# Go's MySQL driver: user:password@tcp(host:3306)/db
_DSN = re.compile(r"(?P<user>[\w.-]+):(?P<password>[^\s:@/'\"]+)@(?=(?:tcp6?|udp|unix)\()")
_TOKENS = re.compile(
    r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}"
    r"|gl(?:pat|rt|dt|ptt)-[A-Za-z0-9_-]{20,}"
    r"|[sr]k_(?:live|test)_[A-Za-z0-9]{10,}|whsec_[A-Za-z0-9]{20,}"
    r"|xox[abposre]-[A-Za-z0-9-]{10,}|xapp-[A-Za-z0-9-]{10,}"
    r"|(?:AKIA|ASIA)[A-Z0-9]{16}\b"
    r"|eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*)")
_TOKEN_WORDS = ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "glrt-",
                "gldt-", "glptt-", "k_live_", "k_test_", "whsec_", "xox", "xapp-", "AKIA",
                "ASIA", "eyJ")
_PEM = re.compile(r"(-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY((?: BLOCK)?)-----)(.*?)"
                  r"(-----END \2PRIVATE KEY\3-----|\Z)", re.S)


def _pem_body(match):
    body = match.group(4)
    for newline in ("\r\n", "\n", "\\n"):
        if body.startswith(newline):
            end = match.group(5)
            tail = newline if end.startswith("-----") else ""
            return match.group(1) + newline + MARK + tail + end
    return match.group(1) + MARK + match.group(5)


def _shapes_hint(text):
    """Whether a shape rule could match in `text` (its pre-checks)."""
    return ("PRIVATE KEY" in text and "-----BEGIN " in text or "@" in text
            or any(word in text for word in _TOKEN_WORDS))


def _shapes(text, prefilter=True):
    """The shape rules, each run only on text holding a word it needs (a fast substring
    search; the expressions would be tried at every character)."""
    every = not prefilter
    if every or "PRIVATE KEY" in text and "-----BEGIN " in text:
        text = _PEM.sub(_pem_body, text)
    if every or "@" in text:  # "@", one byte, is found with memchr
        if every or "://" in text:
            text = _URL_USERINFO.sub(
                lambda m: m.group(0) if m.group("userinfo") == MARK
                else m.group("scheme") + MARK + "@", text)
        if every or "@tcp" in text or "@unix(" in text or "@udp(" in text:
            text = _DSN.sub(lambda m: m.group("user") + ":" + MARK + "@", text)
    if every or any(word in text for word in _TOKEN_WORDS):
        text = _TOKENS.sub(MARK, text)
    return text


# -- assignments in a line -------------------------------------------------------------------
# NAME=value, NAME = value, NAME: value, "NAME": "value", "NAME=value in quotes", --NAME=value
_ASSIGN = re.compile(
    r"(?P<open>[\"']?)(?<![\w.-])(?P<name>-{0,2}[^\W\d][\w.-]*)(?P<close>[\"']?)"
    r"(?P<sep>[ \t]*[=:][ \t]*)")
_PLAIN_VALUE = re.compile(r"[^\s\"'&,;}\]]+")
_AUTH_SCHEMES = frozenset(["basic", "bearer", "token", "digest", "negotiate", "apikey"])
_NOT_A_KEY = frozenset(["passwd", "nopasswd"])  # sudoers tags, nsswitch.conf: "passwd: files"


def _quoted_end(line, start, quote):
    """Index of the quote closing a value opened at `start` (None: unclosed)."""
    i = start
    while i < len(line):
        c = line[i]
        if c == quote:
            return i
        i += 2 if c == "\\" and quote == '"' else 1
    return None


def _value_span(line, match):
    """(start, end) of the value assigned by `match`, without its quotes, or None."""
    start = match.end()
    sep = match.group("sep")
    if ":" in sep and not (match.group("close") or match.group("open") or (
            sep.endswith((" ", "\t")) and
            line[:match.start("name")].rstrip(" \t-")[-1:] in ("", "{", ",", "["))):
        return None  # "KEY": value, "Header: value", or KEY: value starting a line
    if start < len(line) and line[start] in "\"'":
        end = _quoted_end(line, start + 1, line[start])
        return (start + 1, end) if end is not None else None
    if match.group("open") and not match.group("close") and "=" in sep:
        end = _quoted_end(line, start, match.group("open"))  # "NAME=value in quotes"
        return (start, end) if end is not None else None
    plain = _PLAIN_VALUE.match(line, start)
    return (start, plain.end()) if plain else None


def _assignments(line, prefilter=True):
    out, last = [], 0
    for match in _ASSIGN.finditer(line):
        if match.start() < last:
            continue  # inside a value already redacted
        name = match.group("name").lstrip("-")
        folded = _fold(name)
        if prefilter and not any(word in folded for word in _NAME_WORDS):
            continue
        if ":" in match.group("sep") and folded in _NOT_A_KEY:
            continue
        span = _value_span(line, match)
        if span is None:
            continue
        start, end = span
        value = line[start:end]
        if value.lower() in _AUTH_SCHEMES and _words(name)[-1:] == ["authorization"]:
            credential = _PLAIN_VALUE.match(line, end + 1) if line[end:end + 1] == " " else None
            if credential is None:
                continue
            start, end = credential.span()  # Authorization: Bearer <redacted>
            value = line[start:end]
        if value.startswith(MARK) or not is_secret(name, value):
            continue
        out.append(line[last:start])
        out.append(MARK)
        last = end
    if not out:
        return line
    out.append(line[last:])
    return "".join(out)


# -- command lines -------------------------------------------------------------------------
_MYSQL = frozenset(["mysql", "mysqldump", "mysqladmin", "mysqlimport", "mysqlshow",
                    "mysqlcheck", "mysqlbinlog", "mysqlpump", "mysqlslap", "mariadb",
                    "mariadb-dump", "mariadb-admin", "mariadb-import", "mariadb-show",
                    "mariadb-check", "mariadb-binlog", "mariadb-slap"])
_ZIP = frozenset(["zip", "unzip", "zipcloak", "funzip"])
_SEVENZIP = frozenset(["7z", "7za", "7zr"])
_LDAP = frozenset(["ldapsearch", "ldapmodify", "ldapadd", "ldapdelete", "ldapwhoami",
                   "ldappasswd", "ldapcompare", "ldapmodrdn", "ldapexop", "ldapurl"])
_SMB = frozenset(["smbclient", "rpcclient", "smbget", "smbcacls", "smbtree", "net"])
_PROGRAMS = _MYSQL | _ZIP | _SEVENZIP | _LDAP | _SMB | frozenset(
    ["sshpass", "redis-cli", "curl", "openssl"])
# The options of known programs that take a secret: (programs, option, what of its value is
# the secret, how the value is given: in the same argument, after "=", or as the next one).
_ALL, _AFTER_PERCENT, _AFTER_COLON, _PASS_PREFIX = "all", "%", ":", "pass:"
_OPTIONS = [
    (_MYSQL | _SEVENZIP, "-p", _ALL, ("attached",)),  # a bare mysql -p asks for it
    (frozenset(["sshpass"]), "-p", _ALL, ("attached", "next")),
    (_ZIP, "-P", _ALL, ("attached", "next")),
    (frozenset(["redis-cli"]), "-a", _ALL, ("attached", "next")),
    (_LDAP, "-w", _ALL, ("attached", "next")),
    (_SMB, "-U", _AFTER_PERCENT, ("attached", "next")),
    (_SMB, "--user", _AFTER_PERCENT, ("equals", "next")),
    (frozenset(["curl"]), "-u", _AFTER_COLON, ("attached", "next")),
    (frozenset(["curl"]), "-U", _AFTER_COLON, ("attached", "next")),
    (frozenset(["curl"]), "--user", _AFTER_COLON, ("equals", "next")),
    (frozenset(["curl"]), "--proxy-user", _AFTER_COLON, ("equals", "next")),
    (frozenset(["openssl"]), "-passin", _PASS_PREFIX, ("next",)),
    (frozenset(["openssl"]), "-passout", _PASS_PREFIX, ("next",)),
    (frozenset(["openssl"]), "-pass", _PASS_PREFIX, ("next",)),
    (frozenset(["openssl"]), "-k", _ALL, ("next",)),
]
_PROGRAM_PREFIX = re.compile(r"^[-@+!:|]+")
_ARG_QUOTES = "\"'`"
_ARG_TAIL = "\"'`;,)|&"


def _program(arg):
    base = arg.rsplit("/", 1)[-1].rsplit("=", 1)[-1]
    base = _PROGRAM_PREFIX.sub("", base.strip(_ARG_QUOTES + "()"))
    return base if base in _PROGRAMS else None


def _hide(value, part):
    """`value` with its secret `part` redacted, or None when it holds none."""
    if value == MARK or value.endswith(MARK):
        return None
    if part == _ALL:
        return MARK if value else None
    if part == _PASS_PREFIX:
        return _PASS_PREFIX + MARK if value.startswith(_PASS_PREFIX) else None
    cut = value.find(part)
    return value[:cut + 1] + MARK if cut != -1 else None


def _program_option(program, arg):
    """(part, where the value is: "attached", "equals", "next"; how many characters
    precede it in `arg`) for an option of `program` that takes a secret, or None."""
    for programs, option, part, forms in _OPTIONS:
        if program not in programs or not arg.startswith(option):
            continue
        if arg == option and "next" in forms:
            return part, "next", 0
        if option.startswith("--") and arg[len(option):len(option) + 1] == "=" and "equals" in forms:
            return part, "equals", len(option) + 1
        if len(option) == 2 and len(arg) > 2 and "attached" in forms:
            return part, "attached", 2
    return None


def _judge_argv(args):
    """`args` (a command line, or the words of a line) with each secret argument
    redacted: a copy, same length."""
    out = list(args)
    program = None
    i = 0
    while i < len(args):
        arg = args[i]
        found = _program(arg)
        if found:
            program = found
            i += 1
            continue
        rule = _program_option(program, arg) if program else None
        if rule is not None:
            part, where, skip = rule
            if where == "next":
                if i + 1 < len(args):
                    i += 1
                    out[i] = _hide(args[i], part) or args[i]
            else:
                out[i] = arg[:skip] + (_hide(arg[skip:], part) or arg[skip:])
        elif arg.startswith("--") and len(arg) > 2 and not arg.startswith("--no-"):
            name, eq, value = arg[2:].partition("=")
            if eq:
                if is_secret(name, value):
                    out[i] = "--" + name + "=" + MARK
            elif (program not in _MYSQL and i + 1 < len(args)  # mysql --password asks
                  and not args[i + 1].startswith("-") and is_secret(name, args[i + 1])):
                i += 1
                out[i] = MARK
        i += 1
    return out


_ARG = re.compile(r"\S+")


def _command_line(line):
    """The command-line rules on a line of text, word by word (quotes and a trailing
    `;` stay around a redacted argument)."""
    spans = [m.span() for m in _ARG.finditer(line)]
    cores = []
    for start, end in spans:
        word = line[start:end]
        lead = len(word) - len(word.lstrip(_ARG_QUOTES))
        tail = len(word) - len(word.rstrip(_ARG_TAIL))
        cores.append((start + lead, max(start + lead, end - tail)))
    args = [line[a:b] for a, b in cores]
    judged = _judge_argv(args)
    if judged == args:
        return line
    out, last = [], 0
    for (a, b), old, new in zip(cores, args, judged):
        if old != new:
            out.append(line[last:a])
            out.append(new)
            last = b
    out.append(line[last:])
    return "".join(out)


def _line_rules(line, prefilter=True):
    """The name and command rules on one line (not judged as a whole assignment)."""
    line = _assignments(line, prefilter)
    if not prefilter or "--" in line or any(word in _fold(line) for word in _PROGRAM_WORDS):
        line = _command_line(line)
    return line


# -- whole-line assignments: environment files, shell, INI, YAML, systemd Environment= ------
_ENVIRONMENT_LINE = re.compile(r"(?P<lead>[ \t]*Environment[ \t]*=[ \t]*)(?P<rest>.*)\Z")
_ENV_LINE = re.compile(
    r"(?P<lead>[ \t]*(?:export[ \t]+)?)(?P<name>[A-Za-z_][A-Za-z0-9_.-]*)"
    r"(?P<sep>[ \t]*=[ \t]*|:[ \t]+)(?P<value>.*?)(?P<trail>[ \t\r]*)\Z")
_UNESCAPE = re.compile(r"\\(.)")


def _unquoted(raw):
    """A value as an EnvironmentFile= reader takes it (parsers.systemd_unit)."""
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'":
        return _UNESCAPE.sub(r"\1", raw[1:-1]) if raw[0] == '"' else raw[1:-1]
    return raw


def _inside_quotes(raw, prefilter):
    """The line rules on a value as the environment holds it: inside the quotes that the
    file's syntax puts around it, its escapes undone (written again only if it changed)."""
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'":
        inner = raw[1:-1]
        if raw[0] == '"' and "\\" in inner:
            value = _UNESCAPE.sub(r"\1", inner)
            new = _line_rules(value, prefilter)
            if new == value:
                return raw
            return '"' + new.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return raw[0] + _line_rules(inner, prefilter) + raw[-1]
    return _line_rules(raw, prefilter)


def _ends_in_backslash(line):
    stripped = line.rstrip("\r")
    return (len(stripped) - len(stripped.rstrip("\\"))) % 2 == 1


def _systemd_words(text):
    """[(start, end, word)] of an Environment= value as systemd splits it (quotes group
    and are removed, a backslash escapes); None when a quote is not closed."""
    words = []
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in " \t":
            i += 1
        if i >= n:
            return words
        start, out, quote = i, [], None
        while i < n:
            c = text[i]
            if quote:
                if c == quote:
                    quote = None
                elif c == "\\" and i + 1 < n:
                    i += 1
                    out.append(text[i])
                else:
                    out.append(c)
            elif c in " \t":
                break
            elif c in "\"'":
                quote = c
            elif c == "\\" and i + 1 < n:
                i += 1
                out.append(text[i])
            else:
                out.append(c)
            i += 1
        if quote:
            return None
        words.append((start, i, "".join(out)))


def _environment_line(match, prefilter):
    rest = match.group("rest")
    words = _systemd_words(rest)
    if words is None:
        return match.group("lead") + _line_rules(rest, prefilter)
    out, last = [match.group("lead")], 0
    for start, end, word in words:
        name, sep, value = word.partition("=")
        out.append(rest[last:start])
        raw = rest[start:end]
        if sep and _NAME_OK.match(name) and is_secret(name, value):
            out.append(name + "=" + MARK)
        elif sep and _NAME_OK.match(name):  # the rules see the value, as in the environment
            cut = raw.index("=") + 1
            if raw[:1] in "\"'" and raw[-1:] == raw[:1] and len(raw) > cut:  # "NAME=value"
                out.append(raw[:cut] + _line_rules(raw[cut:-1], prefilter) + raw[-1])
            else:
                out.append(raw[:cut] + _inside_quotes(raw[cut:], prefilter))
        else:
            out.append(_line_rules(raw, prefilter))
        last = end
    out.append(rest[last:])
    return "".join(out)


def _whole_line(lines, i, prefilter=True):
    """The line `i` of a text, redacted; may blank the continuation lines of a secret
    (kept as empty lines, so line numbers do not move)."""
    line = lines[i]
    match = _ENVIRONMENT_LINE.match(line)
    if match:
        lines[i] = _environment_line(match, prefilter)
        return
    match = _ENV_LINE.match(line)
    if match is None or (match.group("sep").strip() == ":" and
                         match.group("name").lower() in _NOT_A_KEY):
        lines[i] = _line_rules(line, prefilter)
        return
    raw = match.group("value")
    value, last = raw, i
    while _ends_in_backslash(value) and last + 1 < len(lines):
        last += 1
        value = value.rstrip("\r")[:-1] + lines[last].rstrip("\r")
    if is_secret(match.group("name"), _unquoted(value.strip())):
        lines[i] = (match.group("lead") + match.group("name") + match.group("sep") + MARK +
                    (match.group("trail") if last == i else ""))
        for j in range(i + 1, last + 1):
            lines[j] = ""
        return
    if last == i:
        lines[i] = (line[:match.start("value")] + _inside_quotes(raw, prefilter) +
                    line[match.end("value"):])
        return
    joined = value.strip()  # continued on the next lines: judged, and written, whole
    new = _inside_quotes(joined, prefilter)
    if new != joined:
        lines[i] = match.group("lead") + match.group("name") + match.group("sep") + new
        for j in range(i + 1, last + 1):
            lines[j] = ""


def _each_line(text, rule, prefilter):
    """`rule(lines, i)` on the hot lines of `text` (all lines without the prefilter)."""
    if prefilter:
        hot = _hot_lines(text)
        if not hot:
            return text
    lines = text.split("\n")
    before = list(lines)
    for i in (hot if prefilter else range(len(lines))):
        while i > 0 and _ends_in_backslash(before[i - 1]):
            i -= 1  # a continued line is judged from its first line
        if lines[i] == before[i]:  # not done already, nor blanked as a continuation
            rule(lines, i, prefilter)
    return text if lines == before else "\n".join(lines)


def _value_rule(lines, i, prefilter):
    lines[i] = _line_rules(lines[i], prefilter)


# Fields of an audit record that carry a command line or typed text (redact_audit.py).
AUDIT_HINTS = (" proctitle=", " cmd=", " cmdline=", " data=", "type=EXECVE ")


# -- .netrc -------------------------------------------------------------------------------
def _has_token(text, words, line_start=False):
    """Whether one of `words` stands alone in `text`, white space on both sides (and only
    white space before it on its line)."""
    for word in words:
        pos = text.find(word)
        while pos != -1:
            end = pos + len(word)
            if (end == len(text) or text[end].isspace()) and (
                    text[text.rfind("\n", 0, pos) + 1:pos].strip() == "" if line_start
                    else pos == 0 or text[pos - 1].isspace()):
                return True
            pos = text.find(word, end)
    return False


def _netrc_like(text):
    """A .netrc: an entry starts a line (`machine NAME` or `default`), and a password or
    an account is given."""
    return (_has_token(text, ("machine", "default"), line_start=True) and
            _has_token(text, ("password", "passwd", "account")))


def _netrc(text):
    """The values of `password` and `account` in the entries of a .netrc (tokens
    separated by any white space, as Go, curl and ftp read it); login names are kept.
    Inside a `macdef` body too (Go reads the tokens after the macro's name)."""
    out, last, entry = [], 0, False
    tokens = iter(re.finditer(r"\"(?:[^\"\\]|\\.)*\"|\S+", text))
    for token in tokens:
        word = token.group()
        if word in ("machine", "default"):
            entry = True
        elif entry and word in ("password", "passwd", "account"):
            value = next(tokens, None)
            if value is None:
                break
            if value.group() not in (MARK, '"%s"' % MARK):
                out.append(text[last:value.start()])
                out.append(MARK)
                last = value.end()
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)
