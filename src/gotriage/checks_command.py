"""`gotriage checks [ID ...] [--json]`: every check and the finding ids it can report,
or what the named ids mean, their evidence and their fix (as docs/findings.md has them)."""


from gotriage.i18n import _


class UsageError(Exception):
    """A one-line error for the user (exit 2)."""


def validate_ids(ids):
    """UsageError naming the ids that are no check's or finding's (`--ignore ID`)."""
    if not ids:
        return  # (known_ids imports every layer's checks: not for nothing)
    from gotriage.checks import known_ids

    known = known_ids()
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise UsageError(_("unknown check or finding id: %s (see `gotriage checks`)")
                         % ", ".join(unknown))


def run(args, write):
    from gotriage.checks import command_checks, documented_checks, known_ids

    if args.ids:
        known = known_ids()
        # the commands' own ids (`gotriage verify`'s: checks.COMMAND_CHECKS), which the
        # runner never reports
        for c in command_checks():
            for finding_id in c.ids():
                known.setdefault(finding_id, c)
        return _explain_ids(args, known, write)
    checks = documented_checks()
    if args.json:
        import json

        write(json.dumps([{"id": c.id, "layer": c.layer, "title": _(c.title),
                            "findings": {k: {"meaning": _(d.meaning), "evidence": _(d.evidence),
                                             "fix": _(d.fix)} for k, d in c.findings.items()}}
                           for c in checks], indent=2) + "\n")
        return 0
    for c in checks:
        write("%-12s %-10s %s\n" % (c.id, c.layer, _(c.title)))
        for finding_id, doc in sorted(c.findings.items()):
            write("    %-30s %s\n" % (finding_id, _(doc.meaning)))
    return 0


def _explain_ids(args, known, write):
    """`gotriage checks ID...`: the meaning, evidence and fix of each id (a check's id
    gives the check and every finding id it can report)."""
    wanted = [i.strip().upper() for i in args.ids]
    unknown = [i for i in wanted if i not in known]
    if unknown:
        raise UsageError(_("unknown check or finding id: %s (see `gotriage checks`)") % ", ".join(unknown))
    entries = []
    for ident in wanted:
        chk = known[ident]
        ids = chk.ids() if ident == chk.id else [ident]
        for finding_id in ids:
            doc = chk.findings.get(finding_id)
            entries.append({"id": finding_id, "check": chk.id, "layer": chk.layer,
                            "title": _(chk.title),
                            "meaning": _(doc.meaning) if doc else _(
                                "the check's own result: %(title)s") % {"title": _(chk.title)},
                            "evidence": _(doc.evidence) if doc and doc.evidence else "",
                            "fix": _(doc.fix) if doc and doc.fix else ""})
    if args.json:
        import json

        write(json.dumps(entries, indent=2) + "\n")
        return 0
    import textwrap

    from gotriage.i18n import ljust, width, wrap

    labels = {"meaning": _("meaning:"), "evidence": _("evidence:"), "fix": _("fix:")}
    for number, e in enumerate(entries):
        write(("\n" if number else "") + _("%(id)s  (check %(check)s, layer %(layer)s: "
                                           "%(title)s)") % e + "\n")
        for label in ("meaning", "evidence", "fix"):
            if not e[label]:
                continue
            first = "  " + ljust(labels[label], 10)
            if width(e[label]) == len(e[label]):
                write(textwrap.fill(e[label], 96, initial_indent=first,
                                    subsequent_indent=" " * 12) + "\n")
            else:  # wide characters: wrapped by columns
                write("\n".join(wrap(e[label], 96, first, " " * 12)) + "\n")
    return 0
