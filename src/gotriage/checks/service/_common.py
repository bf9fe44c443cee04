"""What several checks of the service layer share: the layer's name and references,
the finding constructor, the per-unit memo, and the small fixes more than one check
proposes (a drop-in, daemon-reload, a directory owned by the unit's user, a
single-path setting)."""

import re

from gotriage.findings import Action, Finding
from gotriage.i18n import _
from gotriage.knowledge import systemd as K
from gotriage.quoting import Unrepresentable, shell_word, systemd_path

LAYER = "service"
REFS = [K.SOURCES["service"], K.SOURCES["exec"]]


def _f(id, severity, title, unit=None, subject=None, **kw):
    if unit is not None:
        subject = "%s:%s" % (unit.name, subject) if subject else unit.name
        kw.setdefault("unit", unit.name)
    return Finding(id, severity, title, layer=LAYER, subject=subject, **kw)


def _dropin(unit):
    return "/etc/systemd/system/%s.d/override.conf" % unit.name


def _reload(unit):
    return Action.command(["systemctl", "daemon-reload"],
                          description=_("then `systemctl restart %(unit)s`") % {"unit": unit.name})


def _memo(facts, name, unit, compute):
    return facts.memo(("svc", name, unit.name), compute)


def _loaded(facts):
    """The units that exist and can be examined further."""
    return [u for u in facts.units if u.found and not u.masked]


def _step(step, path, error):
    return "Failed at step %s spawning %s: %s" % (step, path, error)


_USER_NAME = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")


def _owner_args(unit):
    """`-o USER [-g GROUP]` for `install -d`: the unit's own User= and Group=."""
    args = ["-o", unit.value("User") or "root"]
    if unit.value("Group"):
        args += ["-g", unit.value("Group")]
    return args


def _setting_fix(a, key, path, prefix="", description=None):
    """Replace the line `a` with KEY=PREFIXPATH, the path written as systemd reads a
    single path (literally, '%' doubled)."""
    try:
        line = "%s=%s%s" % (key, prefix, systemd_path(path))
    except Unrepresentable as exc:
        return [Action.note(_("write %(key)s= with the path %(path)s (%(reason)s)") % {
            "key": key, "path": shell_word(path), "reason": exc.reason})]
    return [Action.edit(a.path, line, old=a.text, syntax="systemd", description=description)]


def _goarch(machine):
    return {"x86_64": "amd64", "aarch64": "arm64", "i686": "386", "ppc64le": "ppc64le",
            "s390x": "s390x", "armv7l": "arm"}.get(machine, machine)
