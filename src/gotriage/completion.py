"""Shell completion and the man page, generated from the argparse definitions
(cli.build_parser), so that neither can drift from the options gotriage accepts.

    gotriage completion bash   # source it, or put it in /etc/bash_completion.d/gotriage
    gotriage completion zsh    # put it as _gotriage in a directory of $fpath
    scripts/gen-man            # man/gotriage.1 (tests/test_completion.py keeps it current)
"""

# options whose value is a path (completed as files or directories)
_PATH_OPTIONS = {"--root": "file", "--journal": "file", "--output": "file", "-o": "file",
                 "--project": "dir", "--module": None}
_PATH_POSITIONALS = {"file": "file", "logs": "file", "unit": None, "port": None, "ids": None,
                     "shell": None}


def commands(parser):
    """[(name, help, subparser)] in the order of the parser's help."""
    sub = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"][0]
    helps = {a.dest: a.help for a in sub._choices_actions}
    return [(name, helps.get(name, ""), p) for name, p in sub.choices.items()]


def options(parser):
    """[(option strings, takes a value, choices, path kind, help)] of a subparser."""
    out = []
    for action in parser._actions:
        if not action.option_strings:
            continue
        takes = action.nargs != 0
        kind = None
        for name in action.option_strings:
            kind = kind or _PATH_OPTIONS.get(name)
        out.append((list(action.option_strings), takes, list(action.choices or ()), kind,
                    action.help or ""))
    return out


def positionals(parser):
    return [(a.dest, a.metavar or a.dest.upper(), list(a.choices or ()),
             _PATH_POSITIONALS.get(a.dest), a.help or "")
            for a in parser._actions if not a.option_strings and a.dest != "help"]


def bash(parser):
    lines = ["# bash completion for gotriage, generated from its options "
             "(gotriage completion bash)",
             "_gotriage() {",
             "    local cur prev cmd i",
             "    cur=${COMP_WORDS[COMP_CWORD]}",
             "    prev=${COMP_WORDS[COMP_CWORD-1]}",
             "    cmd=",
             "    for ((i = 1; i < COMP_CWORD; i++)); do",
             "        case ${COMP_WORDS[i]} in -*) ;; *) cmd=${COMP_WORDS[i]}; break ;; esac",
             "    done",
             "    if [ -z \"$cmd\" ]; then",
             "        COMPREPLY=($(compgen -W '%s --version --help' -- \"$cur\"))" % " ".join(
                 name for name, _h, _p in commands(parser)),
             "        return",
             "    fi",
             "    case $cmd in"]
    for name, _help, sub in commands(parser):
        lines.append("    %s)" % name)
        lines.append("        case $prev in")
        for names, takes, choices, kind, _h in options(sub):
            if not takes:
                continue
            pattern = "|".join(names)
            if choices:
                lines.append("            %s) COMPREPLY=($(compgen -W '%s' -- \"$cur\")); "
                             "return ;;" % (pattern, " ".join(choices)))
            elif kind == "dir":
                lines.append("            %s) COMPREPLY=($(compgen -d -- \"$cur\")); return ;;"
                             % pattern)
            elif kind == "file":
                lines.append("            %s) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;"
                             % pattern)
            else:
                lines.append("            %s) return ;;" % pattern)
        lines.append("        esac")
        words = " ".join(n for names, _t, _c, _k, _h in options(sub) for n in names)
        pos = positionals(sub)
        choices = [c for _d, _m, cs, _k, _h in pos for c in cs]
        files = any(k == "file" for _d, _m, _cs, k, _h in pos)
        lines.append("        if [[ $cur == -* ]]; then")
        lines.append("            COMPREPLY=($(compgen -W '%s' -- \"$cur\"))" % words)
        if choices:
            lines.append("        else")
            lines.append("            COMPREPLY=($(compgen -W '%s' -- \"$cur\"))" % " ".join(choices))
        elif files:
            lines.append("        else")
            lines.append("            COMPREPLY=($(compgen -f -- \"$cur\"))")
        lines.append("        fi")
        lines.append("        ;;")
    lines += ["    esac", "}", "complete -F _gotriage gotriage", ""]
    return "\n".join(lines)


def _zsh_text(text):
    return text.replace("\\", "\\\\").replace("'", "'\\''").replace("[", "\\[").replace(
        "]", "\\]").replace(":", "\\:")


def zsh(parser):
    lines = ["#compdef gotriage",
             "# zsh completion for gotriage, generated from its options "
             "(gotriage completion zsh)",
             "_gotriage() {",
             "    local -a cmds",
             "    cmds=("]
    for name, help_text, _sub in commands(parser):
        lines.append("        '%s:%s'" % (name, _zsh_text(help_text or name)))
    lines += ["    )",
              "    if (( CURRENT == 2 )); then",
              "        _describe 'command' cmds",
              "        return",
              "    fi",
              "    local cmd=${words[2]}",
              "    shift words; (( CURRENT-- ))",
              "    case $cmd in"]
    for name, _help, sub in commands(parser):
        specs = []
        for names, takes, choices, kind, help_text in options(sub):
            action = ""
            if takes:
                action = ":value:(%s)" % " ".join(choices) if choices else (
                    ":directory:_files -/" if kind == "dir" else
                    ":file:_files" if kind == "file" else ":value:")
            label = _zsh_text(help_text.split(" (")[0][:70])
            if len(names) > 1:
                specs.append("'(%s)'{%s}'[%s]%s'" % (" ".join(names), ",".join(names), label,
                                                      action))
            else:
                specs.append("'%s[%s]%s'" % (names[0], label, action))
        for dest, metavar, choices, kind, _h in positionals(sub):
            rep = "*" if dest in ("logs", "ids") else ""
            what = "(%s)" % " ".join(choices) if choices else (
                "_files" if kind == "file" else " ")
            specs.append("'%s:%s:%s'" % (rep, metavar.lower(), what))
        lines.append("    %s) _arguments %s ;;" % (name, " ".join(specs)))
    lines += ["    esac", "}", "_gotriage \"$@\"", ""]
    return "\n".join(lines)


def synopsis(parser):
    """The command's options and operands on one line, written here rather than taken
    from argparse's usage, whose wording differs between Python versions."""
    words = []
    for action in parser._actions:
        if action.dest == "help":
            continue
        if action.option_strings:
            name = action.option_strings[-1]
            if action.nargs == 0:
                word = name
            else:
                word = "%s %s" % (name, "{%s}" % ",".join(action.choices) if action.choices
                                  else action.metavar or action.dest.upper())
            words.append(word if action.required else "[%s]" % word)
        else:
            metavar = "{%s}" % ",".join(action.choices) if action.choices else (
                action.metavar or action.dest.upper())
            words.append({"*": "[%s ...]" % metavar, "?": "[%s]" % metavar}.get(
                action.nargs, metavar))
    return " ".join(words)


def _roff(text):
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\n".join(("\\&" + line) if line.startswith((".", "'")) else line
                     for line in text.split("\n"))


def man(parser, version):
    """gotriage(1) in roff, from the parser's commands, options and help texts."""
    out = [".TH GOTRIAGE 1 \"\" \"gotriage %s\" \"User Commands\"" % version,
           ".nh", ".ad l",  # no hyphenation inside option names, ragged right
           ".SH NAME", "gotriage \\- " + _roff(parser.description or ""),
           ".SH SYNOPSIS"]
    for name, _help, sub in commands(parser):
        out += [".B gotriage %s" % name, _roff(synopsis(sub)), ".br"]
    out += [".SH DESCRIPTION",
            _roff("gotriage finds out why Go will not build, run or serve on a RHEL-family "
                  "host, layer by layer, and says how to fix it.  It never changes the host."),
            ".SH COMMANDS"]
    for name, help_text, sub in commands(parser):
        out += [".SS gotriage %s" % name, _roff(help_text or "")]
        for _dest, metavar, _choices, _kind, help_pos in positionals(sub):
            out += [".TP", ".I %s" % metavar, _roff(help_pos)]
        for names, takes, choices, _kind, help_opt in options(sub):
            if names == ["-h", "--help"]:
                continue
            value = " {%s}" % ",".join(choices) if choices else (" VALUE" if takes else "")
            out += [".TP", ".B %s" % _roff(", ".join(names) + value), _roff(help_opt)]
    out += [".SH EXIT STATUS", _roff(parser.epilog or ""),
            ".SH ENVIRONMENT", ".TP", ".B NO_COLOR", "never use colour.",
            ".SH SEE ALSO", _roff("gotriage docs (the documentation it carries), "
                                  "gotriage checks ID (what a finding means)"), ""]
    return "\n".join(out)
