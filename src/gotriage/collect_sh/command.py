"""`gotriage collect-sh`: print (or write) collect.sh, the POSIX sh collector for a host
without Python 3 (docs/collect-sh.md), as this gotriage generates it from its declared
inputs: the same script as contrib/collect.sh of its release."""

import os
import sys

from gotriage.i18n import _


class UsageError(Exception):
    """A one-line usage error (exit 2)."""


def add_parser(sub, kit):
    p = sub.add_parser(
        "collect-sh", help=_("print collect.sh, the POSIX sh collector for a host without "
                             "Python 3 (copy it there, `sh collect.sh -o /tmp/snap`, then "
                             "`check --root` here: docs/collect-sh.md)"))
    p.add_argument("-o", "--output", metavar="FILE",
                   help=_("write it to FILE (a new file, mode 0755) instead of stdout"))
    p.set_defaults(func=kit.runner("gotriage.collect_sh.command"))


def run(args, open_host, write, unicode_ok=True, colour=False):
    from gotriage.collect_sh import generate

    data = generate().encode("utf-8")
    if not args.output:
        # as bytes: the script's tabs and backslashes are not for a terminal's escaping
        out = getattr(sys.stdout, "buffer", None)
        if out is None:
            sys.stdout.write(data.decode("utf-8"))
        else:
            sys.stdout.flush()
            out.write(data)
            out.flush()
        return 0
    try:
        fd = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o755)
    except OSError as exc:
        raise UsageError(_("cannot write %(path)s: %(error)s") % {
            "path": args.output, "error": exc.strerror or exc}) from None
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(args.output, 0o755)
    return 0
