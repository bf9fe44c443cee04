"""The redaction rules of host/redact_rules.py that collect.sh applies, in POSIX awk.

awk, not sed: the name rule needs a function (a name split into words at `_`, `-`, `.`
and case changes, judged by its last word).  Written for the awks of the hosts it runs
on: gawk (EL7), mawk (Debian; no `{n,}` intervals, so the token shapes are spelled out by
`_repeat`) and busybox awk.  Run with LC_ALL=C: a byte is a character.

What it implements, as the Python recorder does (tests/test_collect_sh.py compares both
on the same texts): the shapes (credentials in URLs, Go MySQL DSNs, GitHub, GitLab,
Stripe, Slack, AWS keys and JWTs, PEM private key bodies), a whole `NAME=value` line
(with `export`, quotes) and `NAME=value`, `NAME: value`, `"NAME": "value"`, `--NAME=value`
anywhere in a line, judged by the same name rule (`is_secret`).  What it does not: the
command rules (`mysql -pX`, `--password X`), .netrc, audit records, `env -0` dumps and
values continued over lines: collect.sh records no file and no command output that
needs them (tests/test_collect_sh.py checks the declarations it records), and with
`-v strict=1` (the service layer's unit files, scripts, environment files and command
outputs) it fails on a text holding a word a command rule looks for (mysql, curl...):
collect.sh leaves that text out and says so.
"""

from gotriage.host.redact_rules import _PROGRAMS


def _repeat(cls, count):
    """`cls` `count` times then `cls*`: `{count,}` for awks without intervals."""
    return cls * count + cls + "*"


_W = "[A-Za-z0-9]"
_WU = "[A-Za-z0-9_]"
_WD = "[A-Za-z0-9_-]"
TOKEN_RE = "|".join([
    "gh[pousr]_" + _repeat(_W, 20),
    "github_pat_" + _repeat(_WU, 20),
    "gl(pat|rt|dt|ptt)-" + _repeat(_WD, 20),
    "[sr]k_(live|test)_" + _repeat(_W, 10),
    "whsec_" + _repeat(_W, 20),
    "xox[abposre]-" + _repeat("[A-Za-z0-9-]", 10),
    "xapp-" + _repeat("[A-Za-z0-9-]", 10),
    "(AKIA|ASIA)" + "[A-Z0-9]" * 16,
    "eyJ" + _repeat(_WD, 4) + "[.]eyJ" + _repeat(_WD, 4) + "[.]" + _WD + "*",
])

# the programs the command rules know (host/redact_rules.py): a line naming one as a word
# is refused in strict mode (the longest first)
PROGRAMS_RE = "|".join(sorted(_PROGRAMS, key=lambda p: (-len(p), p)))

REDACT_AWK = r'''# redact.awk: secrets out of a text (collect.sh; gotriage.collect_sh.redact_awk)
function setup(   i, n, w) {
    MARK = "<redacted>"
    n = split("pass pwd auth authorization cred creds private key", w, " ")
    for (i = 1; i <= n; i++) WEAK[w[i]] = 1
    n = split("file files path dir directory sock socket stdin fd prompt env command " \
        "commands cmd cmds helper store tries timeout attempts retries retry len length " \
        "min max minlen maxlen age days warn expire expires expiry ttl lifetime type " \
        "method mode policy url uri endpoint host server port user username name enabled " \
        "required algorithm format size count version provider backend source", w, " ")
    for (i = 1; i <= n; i++) QUAL[w[i]] = 1
    n = split("public pub gpg pgp host", w, " ")
    for (i = 1; i <= n; i++) PUBLIC[w[i]] = 1
    n = split("loadcredential loadcredentialencrypted importcredential", w, " ")
    for (i = 1; i <= n; i++) FILENAMES[w[i]] = 1
    n = split("basic bearer token digest negotiate apikey", w, " ")
    for (i = 1; i <= n; i++) SCHEMES[w[i]] = 1
    TOKENS = "(@TOKENS@)"
    pem = 0
}
function isupper(c) { return c ~ /^[A-Z]$/ }
# the words of a name: split at separators, then at case changes (apiToken, HTTPAuth)
function words(name, W,   n, parts, k, i, p, len, j, c, e) {
    n = 0
    k = split(name, parts, /[ \t_.\/:-]+/)
    for (i = 1; i <= k; i++) {
        p = parts[i]
        if (p == "") continue
        if (p == toupper(p) || p == tolower(p)) { W[++n] = tolower(p); continue }
        len = length(p); j = 1
        while (j <= len) {
            c = substr(p, j, 1)
            if (isupper(c)) {
                e = j
                while (e <= len && isupper(substr(p, e, 1))) e++
                if (e > len || substr(p, e, 1) !~ /^[a-z]$/) { W[++n] = tolower(substr(p, j, e - j)); j = e; continue }
                if (e - 1 > j) { W[++n] = tolower(substr(p, j, e - 1 - j)); j = e - 1; continue }
                e = j + 1
            } else e = j
            while (e <= len && !isupper(substr(p, e, 1))) e++
            W[++n] = tolower(substr(p, j, e - j)); j = e
        }
    }
    return n
}
function harmless(v,   l) {
    l = tolower(v)
    if (l ~ /^(yes|no|true|false|on|off|enabled?|disabled?|none|null|nil|\(null\)|required|optional|\*+|\$\{?[a-z_][a-z0-9_]*\}?|%[-#0-9.]*[a-z]|%\([a-z0-9_]+\)[a-z]|\{[a-z0-9_]*\})$/) return 1
    return l ~ /^\([ \t]*(["'([{]|$)/
}
function pathlike(v,   rest) {
    if (v ~ /^(\/|~\/|\.\/|\.\.\/)[^ \t]*$/) return 1
    if (v ~ /^[A-Za-z0-9_.-]+:(\/|~\/|\.\/|\.\.\/)[^ \t]*$/) {
        rest = v; sub(/^[A-Za-z0-9_.-]+:/, "", rest)
        return substr(rest, 1, 2) != "//"
    }
    return 0
}
function is_secret(name, value,   W, n, last, i, joined) {
    value = shapes(value)
    if (value == "" || value == MARK || harmless(value)) return 0
    n = words(name, W)
    if (n == 0) return 0
    last = W[n]
    if (n > 1 && (last in QUAL)) return 0
    joined = ""
    for (i = 1; i <= n; i++) joined = joined W[i]
    if (joined in FILENAMES) return 0
    if (tolower(name) ~ /token|secret|passw|passphrase|credential|jwt|sshpass|(api|access|private)[ \t_.\/:-]*key/) return 1
    if (!(last in WEAK)) return 0
    if (last == "key") {
        if (n == 1) return 0
        for (i = 1; i <= n; i++) if (W[i] in PUBLIC) return 0
    }
    return !pathlike(value)
}
# the shape rules on one line: URL credentials, MySQL DSNs, tokens
function shapes(s,   out, m, scheme, info, at) {
    if (index(s, "://") && index(s, "@")) {
        out = ""
        while (match(s, /[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\/ \t\r\n'"<>]+@/)) {
            m = substr(s, RSTART, RLENGTH)
            at = index(m, "://")
            scheme = substr(m, 1, at + 2)
            info = substr(m, at + 3, length(m) - at - 3)
            out = out substr(s, 1, RSTART - 1) scheme (info == MARK ? info : MARK) "@"
            s = substr(s, RSTART + RLENGTH)
        }
        s = out s
    }
    if (index(s, "@tcp") || index(s, "@unix(") || index(s, "@udp(")) {
        out = ""
        while (match(s, /[A-Za-z0-9_.-]+:[^ \t:@\/'"]+@(tcp6?|udp|unix)\(/)) {
            m = substr(s, RSTART, RLENGTH)
            out = out substr(s, 1, RSTART - 1) substr(m, 1, index(m, ":")) MARK "@"
            s = substr(s, RSTART + index(m, "@"))
        }
        s = out s
    }
    if (s ~ /gh[pousr]_|github_pat_|gl(pat|rt|dt|ptt)-|k_live_|k_test_|whsec_|xox|xapp-|AKIA|ASIA|eyJ/) {
        out = ""
        while (match(s, TOKENS)) {
            # a word boundary before it (the expression has none: \b is not POSIX)
            if (RSTART > 1 && substr(s, RSTART - 1, 1) ~ /[A-Za-z0-9_]/) {
                out = out substr(s, 1, RSTART); s = substr(s, RSTART + 1); continue
            }
            m = substr(s, RSTART, RLENGTH)
            if (m ~ /^(AKIA|ASIA)/ && substr(s, RSTART + 20, 1) ~ /[A-Za-z0-9_]/) {
                out = out substr(s, 1, RSTART); s = substr(s, RSTART + 1); continue
            }
            out = out substr(s, 1, RSTART - 1) MARK
            s = substr(s, RSTART + RLENGTH)
        }
        s = out s
    }
    return s
}
function unquoted(v,   q) {
    q = substr(v, 1, 1)
    if (length(v) >= 2 && (q == "\"" || q == "'") && substr(v, length(v), 1) == q)
        return substr(v, 2, length(v) - 2)
    return v
}
function quoted_end(line, start, q,   i, c) {
    for (i = start; i <= length(line); i++) {
        c = substr(line, i, 1)
        if (c == q) return i
        if (c == "\\" && q == "\"") i++
    }
    return 0
}
# NAME=value, NAME: value, "NAME": "value", --NAME=value anywhere in a line
function assignments(line,   out, i, rest, m, oq, cq, name, sep, before, vs, ve, e, value, plain, fold) {
    out = ""; i = 1
    while (i <= length(line)) {
        rest = substr(line, i)
        if (!match(rest, /^["']?-?-?[A-Za-z_][A-Za-z0-9_.-]*["']?[ \t]*[=:][ \t]*/)) { i++; continue }
        m = substr(rest, 1, RLENGTH)
        oq = substr(m, 1, 1); if (oq != "\"" && oq != "'") oq = ""
        before = substr(line, i + length(oq) - 1, 1)
        if (i + length(oq) > 1 && before ~ /[A-Za-z0-9_.-]/) { i++; continue }
        name = substr(m, 1 + length(oq))
        match(name, /^-?-?[A-Za-z_][A-Za-z0-9_.-]*/)
        sep = substr(name, RLENGTH + 1); name = substr(name, 1, RLENGTH)
        cq = substr(sep, 1, 1); if (cq == "\"" || cq == "'") sep = substr(sep, 2); else cq = ""
        e = i + length(m)            # the value starts here
        sub(/^-+/, "", name)
        fold = tolower(name)
        if (fold !~ /token|secret|jwt|pass|cred|key|pwd|auth|private/) { i = e; continue }
        if (index(sep, ":") && (fold == "passwd" || fold == "nopasswd")) { i = e; continue }
        vs = 0
        if (index(sep, ":") && !(cq != "" || oq != "" || (sep ~ /[ \t]$/ && lead_ok(substr(line, 1, i + length(oq) - 1))))) { i = e; continue }
        if (substr(line, e, 1) == "\"" || substr(line, e, 1) == "'") {
            ve = quoted_end(line, e + 1, substr(line, e, 1))
            if (!ve) { i = e; continue }
            vs = e + 1
        } else if (oq != "" && cq == "" && index(sep, "=")) {
            ve = quoted_end(line, e, oq)
            if (!ve) { i = e; continue }
            vs = e
        } else {
            if (!match(substr(line, e), /^[^] \t"'&,;}]+/)) { i = e; continue }
            vs = e; ve = e + RLENGTH
        }
        value = substr(line, vs, ve - vs)
        if (tolower(value) in SCHEMES && last_word(name) == "authorization") {
            if (substr(line, ve, 1) != " " || !match(substr(line, ve + 1), /^[^] \t"'&,;}]+/)) { i = e; continue }
            vs = ve + 1; ve = vs + RLENGTH
            value = substr(line, vs, ve - vs)
        }
        if (index(value, MARK) == 1 || !is_secret(name, value)) { i = e; continue }
        out = out substr(line, 1, vs - 1) MARK
        line = substr(line, ve); i = 1
    }
    return out line
}
function last_word(name,   W, n) { n = words(name, W); return n ? W[n] : "" }
function lead_ok(text,   c) {
    sub(/[ \t-]+$/, "", text)
    c = substr(text, length(text), 1)
    return text == "" || c == "{" || c == "," || c == "["
}
# one line: a whole NAME=value line (an environment file, a shell profile), else the
# assignments in it
function redact_line(line,   lead, name, sep, value, trail, m) {
    line = shapes(line)
    if (tolower(line) !~ /token|secret|jwt|pass|cred|key|pwd|auth|private/) return line
    if (match(line, /^[ \t]*(export[ \t]+)?[A-Za-z_][A-Za-z0-9_.-]*([ \t]*=[ \t]*|:[ \t]+)/)) {
        m = substr(line, 1, RLENGTH)
        value = substr(line, RLENGTH + 1)
        match(m, /^[ \t]*(export[ \t]+)?/); lead = substr(m, 1, RLENGTH)
        name = substr(m, RLENGTH + 1)
        match(name, /^[A-Za-z_][A-Za-z0-9_.-]*/); sep = substr(name, RLENGTH + 1)
        name = substr(name, 1, RLENGTH)
        if (!(index(sep, ":") && (tolower(name) == "passwd" || tolower(name) == "nopasswd"))) {
            match(value, /[ \t\r]*$/); trail = substr(value, RSTART); value = substr(value, 1, RSTART - 1)
            if (substr(value, length(value), 1) == "\\") return "\001"   # continued: not judged here
            if (is_secret(name, unquoted(value))) return lead name sep MARK trail
        }
    }
    return assignments(line)
}
BEGIN { setup() }
{
    if (pem) {
        if ($0 ~ /-----END ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----/) { print MARK; pem = 0; sub(/^.*-----END/, "-----END"); print; next }
        next
    }
    if ($0 ~ /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----$/) { print; pem = 1; next }
    out = redact_line($0)
    if (out == "\001") { failed = 1; out = $0 }
    # strict (the service layer's texts): a line a command rule could need is not judged
    # (a program's name as a word: "gzip" and systemd's "+CURL" are not)
    if (strict && tolower($0) ~ /(^|[ \t\/"'=;|&(`])(@PROGRAMS@)([ \t"';|&)`]|$)/) failed = 1
    print out
}
END {
    if (pem) print MARK
    if (failed) exit 3
}
'''.replace("@TOKENS@", TOKEN_RE).replace("@PROGRAMS@", PROGRAMS_RE)
