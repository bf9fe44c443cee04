"""`gotriage notify`: read a report (any command's --json) and send it.

Destinations come from --to (repeatable), else --to-file (one per line), else the
environment variable GOTRIAGE_NOTIFY_TO (whitespace-separated); the signing secret from
--secret-file, else GOTRIAGE_NOTIFY_SECRET.  A URL given with --to is visible to every
user in `ps` while gotriage runs, and a robot URL is its credential: docs/notify.md says
how to keep it out of argv.  Exit 0 when every destination got the message, 2 otherwise
(and for usage errors), with one line per destination on stderr.
"""

import os
import sys

from gotriage.i18n import _

ENV_TO = "GOTRIAGE_NOTIFY_TO"
ENV_SECRET = "GOTRIAGE_NOTIFY_SECRET"
MAX_REPORT = 64 * 1024 * 1024  # a report larger than this is not one gotriage wrote


class UsageError(Exception):
    """A one-line usage error (exit 2)."""


def add_destination_options(p, title, notify_help, to_file_default=""):
    """--notify, --to, --to-file, --kind, --secret-file: the same on every command that
    can send (baseline diff and restore, fix --apply)."""
    from gotriage.notify import KINDS

    group = p.add_argument_group(title)  # (title, notify_help: translated by the caller)
    group.add_argument("--notify", action="store_true",
                       help=_("%s, to --to, --to-file or GOTRIAGE_NOTIFY_TO") % notify_help)
    group.add_argument("--to", action="append", metavar="URL",
                       help=_("a destination (repeatable): an http(s) URL, or mailto:ADDRESS "
                              "(visible in `ps`: prefer --to-file)"))
    to_file_help = _("the destinations, one per line (default: the environment "
                     "variable GOTRIAGE_NOTIFY_TO)")
    if to_file_default:
        to_file_help = _("the destinations, one per line (default: the environment "
                         "variable GOTRIAGE_NOTIFY_TO; %s)") % to_file_default
    group.add_argument("--to-file", metavar="FILE", help=to_file_help)
    group.add_argument("--kind", choices=KINDS, metavar="KIND",
                       help=_("the format, one of: %s (default: from the URL)") % ", ".join(KINDS))
    group.add_argument("--secret-file", metavar="FILE",
                       help=_("the signing secret (default: the environment variable "
                              "GOTRIAGE_NOTIFY_SECRET)"))
    return group


def read_report(name, stdin=None):
    """The report document in file `name` ('-': standard input)."""
    import json

    try:
        if name == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            data = stream.read(MAX_REPORT + 1)
            where = "standard input"
        else:
            with open(name, "rb") as f:
                data = f.read(MAX_REPORT + 1)
            where = name
    except OSError as exc:
        raise UsageError(_("cannot read the report %(path)s: %(error)s") % {
            "path": name, "error": exc.strerror or exc}) from None
    if len(data) > MAX_REPORT:
        raise UsageError(_("%(path)s: larger than %(mb)d MB: not a gotriage report") % {
            "path": where, "mb": MAX_REPORT >> 20})
    if not data.strip():
        raise UsageError(_("%s is empty: give the --json output of a gotriage command") % where)
    try:
        return json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise UsageError(_("%(path)s is not JSON (%(error)s): give the --json output of a "
                           "gotriage command") % {"path": where,
                                                  "error": str(exc).split(":")[0]}) from None


def _read_secret_file(path):
    try:
        with open(path, encoding="utf-8") as f:
            value = f.read().strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError("--secret-file %s: %s" % (path, getattr(exc, "strerror", None) or exc)) \
            from None
    if not value or "\n" in value:
        raise UsageError(_("--secret-file %s must hold the secret alone, on one line") % path)
    return value


def _read_to_file(path):
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError("--to-file %s: %s" % (path, getattr(exc, "strerror", None) or exc)) \
            from None
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def destinations(args, environ):
    """The Destinations of the command line, the --to-file or the environment."""
    from gotriage.notify.deliver import Destination

    urls = list(args.to or [])
    if not urls and args.to_file:
        urls = _read_to_file(args.to_file)
    if not urls:
        urls = environ.get(ENV_TO, "").split()
    if not urls:
        raise UsageError(_("no destination: give --to URL, --to-file FILE or set %s") % ENV_TO)
    secret = _read_secret_file(args.secret_file) if args.secret_file else \
        environ.get(ENV_SECRET) or None
    found = []
    for url in urls:
        destination = Destination(url, args.kind, secret)
        if destination.kind == "email":
            addresses = destination.recipients() if url.startswith("mailto:") else []
            if not addresses or not all(_plain_address(a) for a in addresses):
                raise UsageError(_("an email destination is mailto:ADDRESS[,ADDRESS...], each "
                                   "address ASCII, user@domain"))
        elif not url.startswith(("http://", "https://")):
            raise UsageError(_("%(destination)s: a %(kind)s destination is an http:// or "
                               "https:// URL") % {"destination": destination.shown,
                                                  "kind": destination.kind})
        found.append(destination)
    return found


def _plain_address(address):
    local, at, domain = address.rpartition("@")
    return bool(at and local and domain) and all(
        33 <= ord(c) < 127 and c not in '<>(),;:"[]\\' for c in address)


def dry_run_text(destination, message):
    """What --dry-run prints for one destination: the request, secrets redacted."""
    from gotriage.notify.deliver import build_request
    from gotriage.notify.redaction import redact_url

    request = build_request(destination, message)
    if destination.kind == "email":
        text = "# %s: sendmail -t -i with this message on its standard input\n%s" % (
            destination.shown, request.body.decode("utf-8", "replace"))
    else:
        headers = "".join("%s: %s\n" % item for item in sorted(request.headers.items()))
        text = "# %s (%s)\nPOST %s\n%s\n%s\n" % (
            destination.shown, destination.kind, redact_url(request.url), headers,
            request.body.decode("utf-8"))
    return destination.scrub(text)


def run(args, write, warn, environ=None, stdin=None):
    """The command: returns its exit code (0 all sent, 2 any not)."""
    from gotriage.notify.deliver import deliver
    from gotriage.notify.message import ReportError, message_from_document

    environ = os.environ if environ is None else environ
    found = destinations(args, environ)
    try:
        message = message_from_document(read_report(args.report, stdin))
    except ReportError as exc:
        raise UsageError(str(exc)) from None
    if args.dry_run:
        write("\n".join(dry_run_text(d, message) for d in found))
        return 0
    failed = 0
    for destination in found:
        delivery = deliver(destination, message, timeout=args.timeout, retries=args.retries,
                           sendmail_path=args.sendmail)
        if delivery.ok:
            warn("gotriage: notify: %s\n" % delivery.line())
        else:
            failed += 1
            warn("gotriage: error: notify: %s\n" % delivery.line())
    return 0 if not failed else 2


def send_all(message, destinations, code):
    """Send `message` (None: no drift, nothing to send); one line per destination on
    stderr.  The exit code: a failed notification makes it 2 only when no finding
    already makes it 1 (drift at or above --fail-on is what the caller acts on, and the
    line in the journal says the message did not go)."""
    from gotriage.notify.deliver import deliver

    if message is None:
        sys.stderr.write("gotriage: notify: no drift, nothing sent\n")
        return code
    failed = 0
    for destination in destinations:
        delivery = deliver(destination, message)
        if delivery.ok:
            sys.stderr.write("gotriage: notify: %s\n" % delivery.line())
        else:
            failed += 1
            sys.stderr.write("gotriage: error: notify: %s\n" % delivery.line())
    if failed and code == 0:
        return 2
    return code
