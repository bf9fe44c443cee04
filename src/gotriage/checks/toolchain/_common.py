"""What several checks of the toolchain layer share: the layer's name, the finding
constructor, the contexts whose go answers, and a setting's evidence and removal."""

from gotriage.findings import Action, Evidence, Finding
from gotriage.i18n import _

LAYER = "toolchain"


def _f(id, severity, title, ctx=None, **kw):
    contexts = [ctx.name] if ctx is not None else kw.pop("contexts", [])
    return Finding(id, severity, title, layer=LAYER, contexts=contexts, **kw)


def _probes(facts):
    """(context, probe) for every context whose PATH has a go."""
    for ctx in facts.contexts:
        probe = facts.probe(ctx)
        if probe is not None:
            yield ctx, probe


def _working_probes(facts):
    for ctx, probe in _probes(facts):
        if probe.ok:
            yield ctx, probe


def _env_evidence(ctx, name, value, where, facts):
    """Evidence for a setting, from the environment or the line of the go env file."""
    if where == "env":
        return Evidence.env(name, value, ctx.label)
    envfile = facts.env_file(ctx)
    if envfile is not None and where == envfile.path and name in envfile.values:
        entry = envfile.values[name]
        return Evidence.file(envfile.path, entry.text, entry.line)
    return Evidence.file(where, "%s=%s" % (name, value))


def _unset_action(ctx, name, where, facts):
    """How to remove a setting: unset it in the environment, or `go env -u` it."""
    if where == "env":
        return Action.note(_("remove %(name)s from the environment of %(context)s (unset "
                             "%(name)s, and the line that exports it in your profile)")
                           % {"name": name, "context": ctx.label})
    envfile = facts.env_file(ctx)
    if envfile is not None and where == envfile.path and name in envfile.values:
        return Action.edit(envfile.path, None, old=envfile.values[name].text, syntax="plain",
                           description=_("every installed Go reads this file; edit it by hand: "
                                         "`go env -u %(name)s` fails while the value is broken, "
                                         "and Go 1.27 refuses it (`go: GOROOT cannot be "
                                         "modified`)") % {"name": name}
                           if name == "GOROOT" else
                           _("every installed Go reads this file; `go env -u %(name)s` does the "
                             "same") % {"name": name})
    return Action.note(_("remove %(name)s from %(where)s") % {"name": name, "where": where})


def china_proxy_actions(ctx):
    """The fix's alternative steps for mainland China (after the first step, never
    instead of it): a domestic module proxy, with `go env -w`."""
    from gotriage.knowledge.china_network import CHINA_GOPROXIES
    overridden = (_(" (GOPROXY is set in the environment of %(context)s, which `go env -w` "
                    "does not override: set it there)") % {"context": ctx.label}
                  ) if ctx.env.get("GOPROXY") else ""
    (first, who), rest = CHINA_GOPROXIES[0], CHINA_GOPROXIES[1:]
    actions = [Action.command(["go", "env", "-w", "GOPROXY=%s" % first],
                              description=_("or, from mainland China, where proxy.golang.org "
                                            "usually does not answer: %(who)s%(overridden)s")
                              % {"who": who, "overridden": overridden})]
    actions.extend(Action.command(["go", "env", "-w", "GOPROXY=%s" % value],
                                  description=_("or, from mainland China: %(who)s") % {"who": who})
                   for value, who in rest)
    return actions


def china_sumdb_action(ctx):
    """The alternative step for mainland China: sum.golang.org's database served there."""
    from gotriage.knowledge.china_network import CHINA_GOSUMDB
    overridden = (_(" (GOSUMDB is set in the environment of %(context)s, which `go env -w` "
                    "does not override: set it there)") % {"context": ctx.label}
                  ) if ctx.env.get("GOSUMDB") else ""
    return Action.command(["go", "env", "-w", "GOSUMDB=%s" % CHINA_GOSUMDB],
                          description=_("or, from mainland China: the same sum.golang.org "
                                        "database served from China (go knows its "
                                        "key)%(overridden)s") % {"overridden": overridden})


def china_download_action():
    """The alternative step for mainland China after an "install Go from go.dev/dl" step:
    the same download pages served there."""
    from gotriage.knowledge.china_network import CHINA_GO_DOWNLOAD_URL
    return Action.note(_("or, from mainland China, where go.dev usually does not answer: the "
                         "same releases and checksums at %(url)s") % {"url": CHINA_GO_DOWNLOAD_URL})

