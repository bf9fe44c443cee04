"""argparse in the language gotriage speaks (docs/i18n.md): its own words ("usage: ",
"positional arguments", "the following arguments are required: %s"...) from gotriage's
catalogue.

The standard library's argparse asks `gettext.gettext` and `ngettext` (the global
domain, whose catalogue no host carries) for them, through its module-level names `_`
and `ngettext`, when it builds a parser and when it reports an error.  `speak()` points
those two names at a function that answers from gotriage's catalogue while gotriage
speaks Chinese, and hands the message to the original function otherwise: English is
what argparse always printed, byte for byte (the man page and the completion scripts are
generated from it).  The words are listed below so that scripts/gen-pot puts them in
the catalogue: Python 3.6 says "optional arguments" where 3.10+ says "options", and 3.6
writes "argument --x: " itself where 3.9+ asks gettext (Parser.error translates it).
"""

import argparse

from gotriage import i18n
from gotriage.i18n import N_, _

ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),  # Python 3.10+
    N_("optional arguments"),  # Python 3.6 to 3.9
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("not allowed with argument %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("unrecognized arguments: %s"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("ignored explicit argument %r"),
    N_("unexpected option string: %s"),
)


def speak():
    """Have argparse take its words from gotriage's catalogue when gotriage speaks
    another language than English (once per process; English stays argparse's own)."""
    if getattr(argparse, "_gotriage_speaks", False):
        return
    original_gettext, original_ngettext = argparse._, argparse.ngettext

    def gettext(message):
        if i18n.current() == "en":
            return original_gettext(message)
        return i18n._(message)

    def ngettext(one, many, n):
        # (Python 3.6 asks for "expected %s argument(s)" with nargs None, then drops it:
        # a catalogue's plural formula would raise on None)
        if i18n.current() == "en" or not isinstance(n, int):
            return original_ngettext(one, many, n)
        return i18n.ngettext(one, many, n)

    argparse._, argparse.ngettext = gettext, ngettext
    argparse._gotriage_speaks = True


class HelpFormatter(argparse.HelpFormatter):
    """argparse's, but in Chinese it wraps by columns (a Chinese character takes two) and
    between characters, as i18n.wrap does for the doctor view; English is argparse's."""

    def _split_lines(self, text, width):
        if i18n.current() == "en":
            return super(HelpFormatter, self)._split_lines(text, width)
        return i18n.wrap(" ".join(text.split()), width) or [""]

    def _fill_text(self, text, width, indent):
        if i18n.current() == "en":
            return super(HelpFormatter, self)._fill_text(text, width, indent)
        return "\n".join(i18n.wrap(" ".join(text.split()), width, indent, indent))

    def _format_usage(self, usage, actions, groups, prefix):
        if i18n.current() == "en" or prefix is not None:
            return super(HelpFormatter, self)._format_usage(usage, actions, groups, prefix)
        # argparse lines the usage up under its first line by counting characters: a
        # stand-in as wide as "用法：" in columns keeps it lined up
        label = _("usage: ")
        stand_in = "\0" * i18n.width(label)
        return super(HelpFormatter, self)._format_usage(
            usage, actions, groups, stand_in).replace(stand_in, label, 1)

    def start_section(self, heading):
        if i18n.current() != "en" and heading:
            self._headings = getattr(self, "_headings", []) + [heading]
        super(HelpFormatter, self).start_section(heading)

    def format_help(self):
        text = super(HelpFormatter, self).format_help()
        headings = set(getattr(self, "_headings", ()))
        if not headings:
            return text
        # argparse writes "HEADING:"; Chinese puts a full-width colon after a heading
        return "\n".join(line[:-1] + "\uff1a" if line.endswith(":") and line[:-1] in headings
                         else line for line in text.split("\n"))


class Parser(argparse.ArgumentParser):
    """gotriage's ArgumentParser (its subcommands' too: add_subparsers makes parsers of
    the parent's class)."""

    def __init__(self, *args, **kwargs):
        speak()  # before argparse's __init__ writes the help of -h
        kwargs.setdefault("formatter_class", HelpFormatter)
        super(Parser, self).__init__(*args, **kwargs)

    def error(self, message):
        # Python 3.6-3.8 write "argument --x: ..." without asking gettext
        if i18n.current() != "en" and message.startswith("argument "):
            name, colon, rest = message[len("argument "):].partition(": ")
            if colon and " " not in name:
                message = _("argument %(argument_name)s: %(message)s") % {
                    "argument_name": name, "message": rest}
        super(Parser, self).error(message)
