"""`check --scap-results FILE`: an OpenSCAP results file (XCCDF or ARF) read for the
security layer, whose SEC-SCAP check shows its failed rules beside gotriage's own
verdicts (docs/security.md, "OpenSCAP's results beside gotriage's").  The file is the
user's, read where gotriage runs (not through the Host: it is not the examined host's
state), before the host is examined; a file that is not one is a one-line error."""

from gotriage.i18n import _
from gotriage.parsers.xccdf_results import ResultsError, parse_xccdf_results

MAX_BYTES = 256 << 20  # an ARF report of a whole profile is 5-30 MB


def add_option(parser):
    parser.add_argument("--scap-results", metavar="FILE",
                        help=_("an OpenSCAP results file (`oscap xccdf eval --results-arf FILE` "
                               "or --results): its failed rules beside the security layer's "
                               "(implies --layer security)"))


def load(path):
    """The ScanResults of the file at `path`; ResultsError (one line) otherwise."""
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ResultsError("%s: %s" % (path, exc.strerror or exc)) from None
    if len(data) > MAX_BYTES:
        raise ResultsError("%s: larger than %d MiB: not read" % (path, MAX_BYTES >> 20))
    try:
        return parse_xccdf_results(data)
    except ResultsError as exc:
        raise ResultsError("%s: %s" % (path, exc)) from None


def add_to_check(args, layers, options, usage_error):
    """With --scap-results: the parsed file in the options, and the security layer run."""
    path = getattr(args, "scap_results", None)
    if not path:
        return
    try:
        options["scap_results"] = (path, load(path))
    except ResultsError as exc:
        raise usage_error(str(exc)) from None
    if "security" not in layers:
        layers.append("security")
