"""Host values written into what gotriage prints: command lines, and lines for files.

gotriage's fixes are pasted into a root shell and into profile files, unit files and
sudoers, so every value that comes from the host (a path, a unit or user name, an
environment value) is written in the language of the place it goes to, and a value that
language cannot hold is refused with `Unrepresentable` rather than written wrong: the
caller then prints a note instead of the fix.

Strings may hold surrogate escapes (U+DC80..U+DCFF): that is how Python hands over the
bytes of a file name or environment value that are not UTF-8 (PEP 383), and they stand
for exactly those bytes.  U+FFFD is different: it is what text read with
errors="replace" holds where a byte was lost, so a value holding it would name another
file, and it is refused.

The languages, each checked against its real consumer (tests/test_quoting.py):

  bash     command lines, and lines for /etc/profile.d and ~/.bash_profile (bash is
           root's shell and /bin/sh on every EL release)
  systemd  unit files and drop-ins: systemd.syntax(7), the "Command lines" section of
           systemd.service(5) for Exec*=, and systemd.exec(5) for Environment=
  sudoers  Defaults values, as sudo's lexer reads a double-quoted string
  ini      dnf/yum .repo values and section names
"""

_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_DIGITS = "0123456789"
_SHELL_SAFE = frozenset(_LETTERS + _DIGITS + "@%+=:,./-_")
_SHELL_SAFE_TEXT = "".join(sorted(_SHELL_SAFE))  # for str.strip: "" when every character is safe
_SYSTEMD_SAFE = frozenset(_LETTERS + _DIGITS + "@+=:,./-_")
_SUDOERS_SAFE = frozenset(_LETTERS + _DIGITS + "/._:+-@")
_ENV_NAME_FIRST = frozenset(_LETTERS + "_")
_ENV_NAME_REST = _ENV_NAME_FIRST | frozenset(_DIGITS)
# Characters that change how a line reads on a terminal or in an editor without being
# seen: bidirectional overrides and isolates, zero-width marks (Trojan Source, CVE-2021-42574).
_INVISIBLE = frozenset(u"\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                       u"\u2060\u2066\u2067\u2068\u2069\ufeff")


class Unrepresentable(ValueError):
    """`value` cannot be written in `language` so that its reader gets it back exactly."""

    def __init__(self, value, language, reason):
        self.value, self.language, self.reason = value, language, reason
        ValueError.__init__(self, "%s cannot be written for %s: %s" % (
            visible(repr(value)), language, reason))


# For str.translate: deleting every hidden character tells in one C loop whether a text
# holds any (most output holds none).  ASCII text can hold only the C0 controls and DEL;
# the table of every hidden character (2,100 entries: building it was most of this
# module's import time) is built for the first text that is not ASCII.
_ASCII_HIDDEN_TABLE = dict.fromkeys([c for c in range(0x20) if c not in (0x09, 0x0a)] + [0x7f])
_HIDDEN_TABLE = {}
_is_ascii = getattr(str, "isascii", None)  # (Python 3.7+; 3.6 uses the whole table)
_SGR_START = "\033["


def _hidden_table(text):
    """The translate table that deletes every hidden character `text` may hold."""
    if _is_ascii is not None and _is_ascii(text):
        return _ASCII_HIDDEN_TABLE
    if not _HIDDEN_TABLE:
        _HIDDEN_TABLE.update(dict.fromkeys(
            [c for c in range(0x20) if c not in (0x09, 0x0a)] + list(range(0x7f, 0xa0))
            + list(range(0xd800, 0xe000)) + [0x2028, 0x2029] + [ord(c) for c in _INVISIBLE]))
    return _HIDDEN_TABLE


def _is_hidden(char):
    """A character that is not shown as itself: C0 and C1 controls, DEL, a byte that was
    not UTF-8 (surrogate escape), an invisible formatting character."""
    code = ord(char)
    return (code < 0x20 or 0x7f <= code <= 0x9f or 0xd800 <= code <= 0xdfff
            or char in _INVISIBLE or code in (0x2028, 0x2029))


def _bytes_of(char):
    """The bytes a character stands for (a surrogate escape: its one original byte)."""
    code = ord(char)
    if 0xdc80 <= code <= 0xdcff:
        return bytes([code - 0xdc00])
    return char.encode("utf-8", "surrogatepass")


def _refuse_lost(value, language):
    if u"\ufffd" in value:
        raise Unrepresentable(value, language, "a byte of it was lost when it was read "
                                               "(it is not UTF-8 text)")


def _refuse_hidden(value, language, what="control characters or bytes that are not UTF-8"):
    if any(_is_hidden(c) for c in value):
        raise Unrepresentable(value, language, "it holds %s" % what)


# -- display -------------------------------------------------------------------------------
def visible(text):
    """`text` as it may safely reach a terminal: every hidden character (controls other
    than newline and tab, escape sequences, bytes that are not UTF-8, invisible bidi
    marks) written as a \\xNN or \\uNNNN escape, so that a hostile file name can neither
    move the cursor nor hide part of a line."""
    if not any(_is_hidden(c) and c not in "\n\t" for c in text):
        return text
    out = []
    for c in text:
        if c in "\n\t" or not _is_hidden(c):
            out.append(c)
        elif ord(c) <= 0xff or 0xdc80 <= ord(c) <= 0xdcff:
            out.extend("\\x%02x" % b for b in _bytes_of(c))
        else:
            out.append("\\u%04x" % ord(c))
    return "".join(out)


def one_line(text):
    """`visible` for text that must stay on one line (a finding's title): a newline in a
    host name is written as \\x0a."""
    return visible(text).replace("\n", "\\x0a").replace("\t", "\\x09")


def visible_output(text):
    """The whole output of a command made safe for a terminal (see `visible`), keeping
    gotriage's own colour sequences (ESC [ digits m), which only change colours."""
    if len(text.translate(_hidden_table(text))) == len(text):
        return text
    if _SGR_START not in text:
        return visible(text)
    parts = text.split("\033")
    out = [visible(parts[0])]
    for part in parts[1:]:
        end = part.find("m")
        if part.startswith("[") and end > 0 and all(c in "0123456789;" for c in part[1:end]):
            out.append("\033" + part[:end + 1] + visible(part[end + 1:]))
        else:
            out.append(visible("\033" + part))
    return "".join(out)


# -- bash ----------------------------------------------------------------------------------
def shell_word(value):
    """One word for bash: bare when it holds only safe characters, in single quotes
    otherwise, and in bash's $'...' form (\\xNN escapes) when it holds characters that
    a terminal would not show as themselves or bytes that are not UTF-8."""
    value = str(value)
    _refuse_lost(value, "bash")
    if not value:
        return "''"
    if not value.strip(_SHELL_SAFE_TEXT):  # all(c in _SHELL_SAFE for c in value), in C
        return value
    if not any(_is_hidden(c) for c in value):
        return "'" + value.replace("'", "'\"'\"'") + "'"
    out = ["$'"]
    for c in value:
        if c == "\\" or c == "'":
            out.append("\\" + c)
        elif _is_hidden(c):
            out.extend("\\x%02x" % b for b in _bytes_of(c))
        else:
            out.append(c)
    out.append("'")
    return "".join(out)


def shell_join(argv):
    """A command line for bash that runs exactly `argv`.  A first word holding '=' is
    quoted even when its characters are safe: bare, it would be a variable assignment."""
    words = [shell_word(a) for a in argv]
    if words and "=" in words[0] and words[0] == str(argv[0]):
        words[0] = "'%s'" % words[0]
    return " ".join(words)


def shell_path_line(name, directory, first):
    """`export NAME="DIR:$NAME"` (or `...:DIR"` at the end) for a profile file, with DIR
    quoted for bash.  A directory holding ':' cannot be one entry of a PATH list."""
    directory = str(directory)
    _check_path_entry(directory, "a %s entry" % name)
    word = shell_word(directory)
    if word == directory:
        return ('export %s="%s:$%s"' if first else 'export %s="$%s:%s"') % (
            (name, directory, name) if first else (name, name, directory))
    return ('export %s=%s:"$%s"' % (name, word, name) if first
            else 'export %s="$%s":%s' % (name, name, word))


def _check_path_entry(directory, language):
    if ":" in directory:
        raise Unrepresentable(directory, language, "':' separates the entries of a path list, "
                                                   "so a directory whose name holds it cannot be one")
    if not directory.startswith("/"):
        raise Unrepresentable(directory, language, "it is not an absolute path")


# -- systemd -------------------------------------------------------------------------------
def _systemd_quoted(value, exec_line):
    out = ['"']
    for c in value:
        if c == "\\" or c == '"':
            out.append("\\" + c)
        elif c == "%":
            out.append("%%")
        elif c == "$" and exec_line:
            out.append("$$")
        elif _is_hidden(c):
            out.extend("\\x%02x" % b for b in _bytes_of(c))
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def systemd_exec_word(value, program=False):
    """One word of an Exec*= command line: double-quoted with C escapes (bytes that are
    not UTF-8 as \\xNN, which systemd turns back into the byte), '%' doubled (specifiers)
    and, in an argument, '$' doubled (variable expansion).  The program's path is not
    expanded by systemd (`$$` stays `$$`: systemd-analyze verify 252, systemd#23235), so
    there '$' is written once.  Bare when nothing needs it."""
    value = str(value)
    _refuse_lost(value, "systemd")
    if program and any(c in "\"'\\\x7f" or ord(c) < 0x20 for c in value):
        # systemd refuses such a program path outright ("Executable name contains special
        # characters": string_is_safe() in its sources, seen with systemd-analyze verify 252)
        raise Unrepresentable(value, "systemd", "systemd refuses a program path holding "
                                                "quotes, backslashes or control characters")
    if value and all(c in _SYSTEMD_SAFE for c in value) and value != ";":
        return value
    return _systemd_quoted(value, exec_line=not program)


def systemd_exec_line(argv, prefixes=""):
    """The value of an Exec*= setting that runs exactly `argv`; argv[0] is an absolute path."""
    if not argv or not str(argv[0]).startswith("/"):
        raise Unrepresentable(argv[0] if argv else "", "systemd",
                              "an Exec*= program must be an absolute path")
    return prefixes + " ".join([systemd_exec_word(argv[0], program=True)]
                               + [systemd_exec_word(a) for a in argv[1:]])


def systemd_environment(pairs):
    """`Environment=` with each NAME=VALUE as one quoted word.  systemd refuses an
    assignment that is not UTF-8, and a name that is not [A-Za-z_][A-Za-z0-9_]*."""
    words = []
    for name, value in pairs:
        name, value = str(name), str(value)
        if not name or name[0] not in _ENV_NAME_FIRST or any(c not in _ENV_NAME_REST for c in name):
            raise Unrepresentable(name, "systemd", "not a valid environment variable name")
        _refuse_lost(value, "systemd")
        if any(0xd800 <= ord(c) <= 0xdfff for c in value):
            raise Unrepresentable(value, "systemd", "systemd refuses an environment value that "
                                                    "is not UTF-8")
        assignment = "%s=%s" % (name, value)
        if all(c in _SYSTEMD_SAFE for c in assignment):
            words.append(assignment)
        else:
            words.append(_systemd_quoted(assignment, exec_line=False))
    return "Environment=" + " ".join(words)


def systemd_path(value):
    """A path as the value of a single-path setting (WorkingDirectory=, EnvironmentFile=):
    systemd reads it literally (no quotes, no escapes) after expanding specifiers, so '%'
    is doubled and a path it cannot read back (controls, not UTF-8, spaces at an end, a
    trailing backslash, which continues the line) is refused."""
    value = str(value)
    _refuse_lost(value, "systemd")
    _refuse_hidden(value, "systemd")
    if value != value.strip() or value.endswith("\\"):
        raise Unrepresentable(value, "systemd", "systemd strips spaces at its ends, and a "
                                                "trailing backslash continues the line")
    if not value.startswith("/"):
        raise Unrepresentable(value, "systemd", "it is not an absolute path")
    return value.replace("%", "%%")


# -- sudoers -------------------------------------------------------------------------------
def sudoers_string(value):
    """A Defaults value: bare when it holds only safe characters, else a double-quoted
    sudoers string.  sudo's lexer knows one escape
    in it, \\" for a quote (every other backslash is literal), so a value ending in a
    backslash cannot be written (it would escape the closing quote)."""
    value = str(value)
    _refuse_lost(value, "sudoers")
    _refuse_hidden(value, "sudoers")
    if value.endswith("\\"):
        raise Unrepresentable(value, "sudoers", "a trailing backslash would escape the closing quote")
    if value and all(c in _SUDOERS_SAFE for c in value):
        return value
    return '"%s"' % value.replace('"', '\\"')


def sudoers_secure_path(directories):
    """The `Defaults secure_path = "..."` line for these directories, in order."""
    for directory in directories:
        _check_path_entry(str(directory), "sudoers secure_path")
    return "Defaults    secure_path = %s" % sudoers_string(":".join(str(d) for d in directories))


# -- ini (dnf/yum .repo) ---------------------------------------------------------------------
def ini_value(value, url_list=False):
    """A .repo value: written as is (dnf's parser has no quoting); refused when it holds
    what the parser would read differently (a newline starts a continuation, spaces at the
    start are dropped; in a URL list (baseurl=, gpgkey=) white space and commas separate
    URLs: libdnf 0.69 reads `baseurl=a,b c` as three)."""
    value = str(value)
    _refuse_lost(value, "ini")
    _refuse_hidden(value, "ini")
    if value != value.lstrip():
        raise Unrepresentable(value, "ini", "leading spaces are dropped")
    if url_list and ("," in value or any(c.isspace() for c in value)):
        raise Unrepresentable(value, "ini", "white space and commas separate the URLs of a list")
    return value


def ini_section(name):
    """`[name]`; a name holding ']' or a hidden character cannot be a section name."""
    name = str(name)
    _refuse_lost(name, "ini")
    _refuse_hidden(name, "ini")
    if "]" in name or "[" in name or not name.strip():
        raise Unrepresentable(name, "ini", "a section name cannot hold brackets")
    return "[%s]" % name


# -- SELinux file_contexts ---------------------------------------------------------------
_REGEX_SPECIAL = frozenset(".^$*+?()[]{}|\\")


def fcontext_pattern(directory):
    """`DIR(/.*)?` for `semanage fcontext -a`: the directory and everything below it, with
    the characters that are special in a file_contexts regular expression escaped (a
    '.' in /opt/my.app would otherwise match any character)."""
    directory = str(directory).rstrip("/") or "/"
    _refuse_lost(directory, "file_contexts")
    _refuse_hidden(directory, "file_contexts")
    if any(c.isspace() for c in directory):
        raise Unrepresentable(directory, "file_contexts", "semanage cannot take a path with "
                                                          "white space in a rule")
    return "".join("\\" + c if c in _REGEX_SPECIAL else c for c in directory) + "(/.*)?"
