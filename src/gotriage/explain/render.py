"""Candidates -> Findings (the fix steps filled with the values the text gave), the
doctor view and the JSON document of `gotriage explain`."""

import re

from gotriage.findings import Action, Evidence, Finding, is_system_dir
from gotriage.report.words import count

SEVERITY = {"high": "error", "medium": "warn", "low": "info"}
_FIELD = re.compile(r"\{([a-z_]+)\}")
_STAND_IN = re.compile(r"<[^<>]*>|\[[^\[\]]* [^\[\]]*\]")
# What a value the text did not give reads as in prose (never in a command).
_UNNAMED = {"unit": "the unit", "port": "the port", "addr": "the server", "path": "the program",
            "program": "the program", "goroot": "a directory", "need": "a newer release",
            "version": "the local Go", "toolchain": "a newer Go", "repo": "", "package": "the package",
            "module": "a module", "dir": "the directory", "why": "see the evidence",
            "gotoolchain": "its setting", "what": "go.mod", "lib": "a library", "glibc": "a newer glibc",
            "library": "the library", "cc": "the C compiler", "header": "a header",
            "target": "the file", "perms": "access", "tclass": "object", "message": "a crash",
            "sumdb": "the checksum database", "proxy": "the module proxy", "name": "the name",
            "server": "the DNS server", "error": "an error", "key": "a setting", "section": "its section",
            "status": "a status", "keyid": "a key", "interp": "its loader", "built": "another release",
            "lang": "an older language version", "feature": "a newer feature", "required": "the program",
            "gopath": "GOPATH", "value": "the value", "iface": "the interface", "uuid": "",
            "frame": "the function", "location": "the file and line", "threads": "many"}


def fill(template, values, prose=True):
    """`template` with its {name} fields replaced by the values; None when a field has
    no value and `prose` is False (a command never gets a stand-in)."""
    missing = []

    def one(m):
        name = m.group(1)
        if name in values:
            return values[name]
        missing.append(name)
        return _UNNAMED.get(name, "?")
    text = _FIELD.sub(one, template)
    if missing and not prose:
        return None
    return re.sub(r"\s+([,.;)])", r"\1", re.sub(r"  +", " ", text)) if missing else text


def actions(signature, values):
    """The fix of a signature as Actions, with the text's values."""
    out = []
    # a value the paste itself left as a stand-in ("/home/<user>/bin/app") makes no command,
    # and a system directory goes into no step at all: a paste naming /usr as the build
    # cache must not get `chown -R ... /usr` in a note, where Action.command's guard is not
    exact = {k: v for k, v in values.items() if not _STAND_IN.search(v) and not is_system_dir(v)}
    for step in signature.fix:
        why = fill(step.why, values) if step.why else None
        if step.kind == "command":
            argv = [fill(word, exact, prose=False) for word in step.argv]
            if None in argv:
                if step.otherwise:
                    out.append(Action.note(step.otherwise))
                continue
            out.append(Action.command(argv, description=why, safe=step.safe))
        elif step.kind == "note":
            text = fill(step.text, exact, prose=False)
            if text is None:
                text = step.otherwise or fill(step.text, exact)
            out.append(Action.note(text))
        else:
            path, line = fill(step.path, exact, prose=False), fill(step.text, exact, prose=False)
            if path is None or line is None:
                if step.otherwise:
                    out.append(Action.note(step.otherwise))
                continue
            out.append(Action.edit(path, line, description=why, syntax="plain"))
    return out


def finding_of(cand, where):
    """The Finding of a candidate (its severity from its confidence and what the host
    said), evidence the lines of the text (`where(line)` names them)."""
    if cand.finding is not None:
        base = cand.finding
        title, why, fix = base.title, base.why, list(base.fix)
        references = list(base.references)
    else:
        sig = cand.signature
        title = fill(sig.title, cand.values)
        why = fill(sig.cause, cand.values)
        fix = actions(sig, cand.values)
        references = list(sig.seen)
    if cand.status == "confirmed":
        # the host's own finding knows the exact file, unit and values: its fix instead
        host_fix = [a for f in cand.host_evidence[:1] for a in f.fix]
        if host_fix:
            fix = host_fix
    severity = SEVERITY[cand.confidence]
    if cand.status == "confirmed":
        severity = "error"
    elif cand.status == "ruled out" or cand.benign:
        severity = "info"
    evidence = [Evidence.file(where(h.line)[0], h.text, line=where(h.line)[1]) for h in cand.hits]
    if cand.extra_lines:
        evidence.append(Evidence.fact("and %s more" % count(cand.extra_lines, "line")))
    return Finding(cand.id, severity, title, check="EXPLAIN", layer=_layer(cand),
                   evidence=evidence, why=why, fix=fix, references=references)


def _layer(cand):
    from gotriage.checks import LAYER_TABLE

    for layer in LAYER_TABLE:
        if cand.id.startswith(layer.prefix + "-"):
            return layer.name
    return cand.signature.layer if cand.signature is not None else "selinux"


def candidate_json(cand, where):
    d = {"id": cand.id, "confidence": cand.confidence, "status": cand.status,
         "lines": [where(h.line)[1] for h in cand.hits],
         "values": dict(sorted(cand.values.items())),
         "explains": [{"id": c.id, "lines": [where(h.line)[1] for h in c.hits]}
                      for c in cand.consequences],
         "host": [{"id": f.id, "severity": f.severity, "title": f.title}
                  for f in cand.host_evidence]}
    if cand.signature is not None:
        d["signature"] = cand.signature.name
    if cand.harmless:
        d["harmless"] = cand.harmless
    return d
