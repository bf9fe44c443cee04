"""The language gotriage speaks: English, or Simplified Chinese (docs/i18n.md).

The language is `--lang en|zh_CN`, else the first of LC_ALL, LC_MESSAGES, LANG that is
set (as gettext and the C library read them): zh_CN and zh_SG (and plain zh, zh_Hans)
give Simplified Chinese, anything else English (zh_TW and zh_HK too: no Traditional
catalogue yet).  The catalogue is po/zh_CN.po compiled at build time (scripts/build-mo)
into gotriage/locale/zh_CN/LC_MESSAGES/gotriage.mo, and read with the standard
library's gettext from the package's data, so that it works from inside the zipapp too
(nothing is written on the host).  Without the compiled catalogue, English.

Messages are marked `_("...")` (and `ngettext`) where they are written; a message with
values uses named placeholders, `_("%(count)d problems") % {"count": n}`, so that a
translation may put them in another order.  Finding ids, JSON keys, commands, paths and
the real error messages quoted as "you will see" are never translated.

Wide characters take two columns in a terminal: `width()`, `ljust()` and `wrap()` count
columns, not characters (unicodedata.east_asian_width), so the doctor view lines up in
Chinese as in English.

>>> width("gotriage"), width("问题")
(8, 4)
>>> choose(None, {"LANG": "zh_CN.UTF-8"}), choose(None, {"LANG": "zh_TW.UTF-8"})
('zh_CN', 'en')
>>> choose("en", {"LC_ALL": "zh_CN.GB18030"}), choose(None, {"LC_ALL": "C", "LANG": "zh_CN"})
('en', 'en')
"""

LANGUAGES = ("en", "zh_CN")
DOMAIN = "gotriage"
_SIMPLIFIED = ("zh_CN", "zh_SG", "zh_Hans", "zh")



class _English(object):
    """The messages as written (gettext's NullTranslations, without importing gettext,
    whose `re` and `locale` English runs need not pay for: `gotriage binary` is meant to
    be as quick as readelf)."""

    @staticmethod
    def gettext(message):
        return message

    @staticmethod
    def ngettext(one, many, n):
        return one if n == 1 else many


_state = {"lang": "en", "catalogue": _English()}


def choose(option, environ):
    """The language: `option` (--lang) if given, else the locale's (see above)."""
    if option:
        return option
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            base = value.split(".", 1)[0].split("@", 1)[0]
            if base in _SIMPLIFIED or base.startswith("zh_Hans"):
                return "zh_CN"
            return "en"
    return "en"


def take_option(argv, environ, can_show=None):
    """(the language in effect, argv without `--lang LANG`, which may be anywhere on the
    line); ValueError for a language gotriage does not speak.  `can_show(text)`: whether
    the output can carry `text`; Chinese that would come out as "???" (Python 3.6 under
    LANG=C writes ASCII) is English instead.

    >>> take_option(["check", "--lang=en", "-v"], {})
    ('en', ['check', '-v'])
    """
    wanted, rest, i = None, [], 0
    while i < len(argv):
        name, eq, value = argv[i].partition("=")
        if name == "--lang" and (eq or i + 1 < len(argv)):
            wanted = value if eq else argv[i + 1]
            i += 1 if eq else 2
            continue
        rest.append(argv[i])
        i += 1
    if wanted is not None and wanted not in LANGUAGES:
        raise ValueError("--lang %s: one of %s" % (wanted, ", ".join(LANGUAGES)))
    lang = choose(wanted, environ)
    if lang == "zh_CN" and can_show is not None and not can_show("\u7ed3\u8bba"):
        lang = "en"
    return setup(lang), rest


def _load(lang):
    """The GNUTranslations of `lang` read from the package, or None.  In the zipapp the
    package imported from a bytecode tree (gotriage.pyz/py36/gotriage/) holds no locale/:
    its zipimporter reads the archive's gotriage/locale/ (scripts/build-pyz), as
    gotriage/docs.py does for the documents."""
    if lang == "en":
        return None
    import io
    import os
    import pkgutil
    import sys

    name = "locale/%s/LC_MESSAGES/%s.mo" % (lang, DOMAIN)
    data = None
    try:
        data = pkgutil.get_data("gotriage", name)
    except (OSError, ValueError):
        loader = getattr(sys.modules.get("gotriage"), "__loader__", None)
        archive = getattr(loader, "archive", None)  # a zipimporter's archive file
        if archive:
            try:
                data = loader.get_data(os.path.join(archive, "gotriage", *name.split("/")))
            except (OSError, ValueError):
                data = None
    if not data:
        return None
    import gettext

    try:
        return gettext.GNUTranslations(io.BytesIO(data))
    except (OSError, ValueError):  # a damaged catalogue: English, not a traceback
        return None


def setup(lang):
    """Speak `lang` from now on; returns the language in effect ("en" when its catalogue
    is not there)."""
    catalogue = _load(lang)
    if catalogue is None:
        _state.update(lang="en", catalogue=_English())
    else:
        _state.update(lang=lang, catalogue=catalogue)
    return _state["lang"]


def current():
    return _state["lang"]


def _(message):
    return _state["catalogue"].gettext(message)


def ngettext(one, many, n):
    return _state["catalogue"].ngettext(one, many, n)


def N_(message):
    """Marks a message for the catalogue where it is defined; translated where shown."""
    return message


# -- columns -----------------------------------------------------------------------
def char_width(ch):
    import unicodedata  # (here: every command chooses its language, few count columns)

    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _encodes_as_ascii(text):
    try:
        text.encode("ascii")
    except UnicodeEncodeError:
        return False
    return True


# An ASCII character takes one column and none combines, so English text (the default)
# is counted without a lookup per character; str.isascii is Python 3.7+.
_is_ascii = getattr(str, "isascii", _encodes_as_ascii)


def width(text):
    """The columns `text` takes in a terminal."""
    if _is_ascii(text):
        return len(text)
    return sum(char_width(ch) for ch in text)


def ljust(text, columns):
    return text + " " * max(0, columns - width(text))


def _units(text):
    """Breakable units: runs of non-space characters, but each wide character on its own
    (Chinese breaks between characters, not at spaces); the spaces between kept."""
    if _is_ascii(text):
        units = []
        for at, word in enumerate(text.split(" ")):
            if at:
                units.append(" ")
            if word:
                units.append(word)
        return units
    units, word = [], ""
    for ch in text:
        if ch == " ":
            if word:
                units.append(word)
                word = ""
            units.append(" ")
        elif char_width(ch) == 2:
            if word:
                units.append(word)
                word = ""
            units.append(ch)
        else:
            word += ch
    if word:
        units.append(word)
    return units


# Chinese line-breaking rules (禁则): closing punctuation never starts a line and an
# opening bracket never ends one, so each is carried with its neighbouring unit.
_CLOSING = set("，。、：；！？）」』》〉】”’")
_OPENING = set("（「『《〈【“‘")


def _keep_punctuation(units):
    """`units` in groups: closing punctuation with the unit before it, an opening bracket
    with the unit after it (not across a space); every other unit alone.

    >>> _keep_punctuation(["已", "见", "（", "已", "见", "：", "SVC-X", "）"])
    [['已'], ['见'], ['（', '已'], ['见', '：'], ['SVC-X', '）']]
    """
    groups = []
    for unit in units:
        last = groups[-1][-1] if groups else " "
        if unit != " " and last != " " and (unit[0] in _CLOSING or last[-1] in _OPENING):
            groups[-1].append(unit)
        else:
            groups.append([unit])
    return groups


def wrap(text, columns, initial_indent="", subsequent_indent=""):
    """textwrap.wrap's lines for `text`, counted in columns: words are never broken
    (a long path stays whole), Chinese may break between any two characters.

    >>> wrap("go is not on the PATH", 12, "", "  ")
    ['go is not on', '  the PATH']
    >>> wrap("go 不在 sudo 的 PATH 上", 10)
    ['go 不在', 'sudo 的', 'PATH 上']

    Closing punctuation does not start a line, an opening bracket does not end one:

    >>> wrap("有 2 行 ExecStart= 生效（已见：SVC-JOURNAL-CONFIG）", 27)
    ['有 2 行 ExecStart= 生效（已', '见：SVC-JOURNAL-CONFIG）']
    >>> wrap("没有 CAP_NET_BIND_SERVICE（已见：SVC-JOURNAL-BIND）", 33)
    ['没有 CAP_NET_BIND_SERVICE（已见：', 'SVC-JOURNAL-BIND）']

    unless the two together are wider than a line:

    >>> wrap("写 Environment=PATH=/usr/local/sbin:/usr/local/bin；然后", 24, "", "  ")
    ['写', '  Environment=PATH=/usr/local/sbin:/usr/local/bin', '  ；然后']
    """
    lines, indent = [], initial_indent
    line = indent
    units = _units(text)
    if not _is_ascii(text):
        groups, units = _keep_punctuation(units), []
        for group in groups:
            joined = "".join(group)
            # a group too wide for any line (a long path and its "；") breaks after all
            fits = len(group) == 1 or width(subsequent_indent + joined) <= columns
            units.extend([joined] if fits else group)
    for unit in units:
        if unit == " ":
            if line != indent:
                line += " "
            continue
        if line.strip() and width(line + unit) > columns:
            lines.append(line.rstrip())
            indent = subsequent_indent
            line = indent
        line += unit
    if line.strip():
        lines.append(line.rstrip())
    return lines
