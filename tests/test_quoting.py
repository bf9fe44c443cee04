"""gotriage.quoting against the real readers of what it writes.

Every value in HOSTILE is written by gotriage.quoting and read back by the program that
reads it on a host: bash (commands and profile lines), systemd 252 itself (`systemd
--test --system` dumps the Environment= and ExecStart= it parsed; `systemd-analyze verify`
looks the program up), sudo (secure_path, in a private mount namespace with the test's
sudoers bind-mounted over /etc/sudoers), dnf's own repository parser, and matchpathcon
(file_contexts patterns).  The value read back must be exactly the value written, and no
command hidden in a value may run (each would create MARKER).
"""

import os
import pathlib
import shlex
import shutil
import subprocess
import tempfile

import pytest

from conftest import need
from gotriage.parsers.systemd_unit import expand_env
from gotriage.quoting import (
    Unrepresentable,
    fcontext_pattern,
    ini_section,
    ini_value,
    shell_join,
    shell_path_line,
    shell_word,
    sudoers_secure_path,
    systemd_environment,
    systemd_exec_line,
    systemd_path,
    visible,
    visible_output,
)

MARKER = "/tmp/gotriage-quoting-marker"
HOSTILE = [
    "plain",
    "with space",
    "quote'single",
    'quote"double',
    "$(touch %s)" % MARKER,
    "`touch %s`" % MARKER,
    "semi;touch %s" % MARKER,
    "new\nline",
    "-leading-dash",
    "per%cent %h %%",
    "dollar $HOME ${HOME} $$",
    "back\\slash\\",
    "tab\there",
    "esc\x1b]0;title\x07",
    "not utf-8 \udcff\udcfe",
    "utf-8 \u00e9 \u2713",
    "bidi \u202e",
    "glob * ? [a]",
    "~tilde",
    "!bang",
    "a=b",
    ";",
    "",
]


def _bytes(value):
    return value.encode("utf-8", "surrogateescape")


@pytest.fixture(autouse=True)
def no_marker():
    if os.path.exists(MARKER):
        os.unlink(MARKER)
    yield
    assert not os.path.exists(MARKER), "a command hidden in a value ran"


def _bash(script, cwd, *args):
    need(shutil.which("bash"), "bash")
    return subprocess.run(["bash", "-c", script, "_"] + list(args), cwd=str(cwd),
                          env={"PATH": "/usr/bin:/bin", "HOME": str(cwd), "LC_ALL": "C"},
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)


# -- bash ------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", HOSTILE)
def test_a_shell_word_is_read_back_exactly_by_bash(value, tmp_path):
    argv = ["printf", "%s\\0", value, "after"]
    line = shell_join(argv)
    assert _bash("bash -n -c \"$1\"", tmp_path, line).returncode == 0
    proc = _bash(line, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == _bytes(value) + b"\0after\0"
    if not any(ord(c) < 32 or 0xd800 <= ord(c) <= 0xdfff or c == "\u202e" for c in value):
        assert shlex.split(line) == argv
    # what reaches the terminal shows every hidden character as an escape
    assert visible_output(line) == line


def test_a_first_word_with_an_equals_sign_is_not_an_assignment(tmp_path):
    (tmp_path / "a=b").write_text("#!/bin/sh\necho ran\n")
    os.chmod(str(tmp_path / "a=b"), 0o755)
    line = shell_join(["./a=b"])
    assert _bash(line, tmp_path).stdout == b"ran\n"
    assert shell_join(["a=b", "x"]).startswith("'a=b'")


@pytest.mark.parametrize("value", [v for v in HOSTILE if ":" not in v])
@pytest.mark.parametrize("first", [True, False])
def test_a_path_line_puts_exactly_the_directory_on_path(value, first, tmp_path):
    directory = "/opt/go " + value + "/bin"
    line = shell_path_line("PATH", directory, first)
    profile = tmp_path / "go.sh"
    profile.write_bytes(_bytes(line) + b"\n")
    proc = _bash('. "$1"; printf "%s" "$PATH"', tmp_path, str(profile))
    assert proc.returncode == 0, proc.stderr
    entries = proc.stdout.split(b":")
    assert entries == ([_bytes(directory), b"/usr/bin", b"/bin"] if first
                       else [b"/usr/bin", b"/bin", _bytes(directory)])


def test_a_directory_holding_a_colon_cannot_go_on_path():
    with pytest.raises(Unrepresentable) as err:
        shell_path_line("PATH", "/opt/go:1.22/bin", True)
    assert "separates" in err.value.reason
    with pytest.raises(Unrepresentable):
        sudoers_secure_path(["/opt/go:1.22/bin", "/usr/bin"])


def test_text_lost_in_decoding_is_refused_everywhere():
    for write in (shell_word, lambda v: systemd_environment([("A", v)]), systemd_path, ini_value,
                  lambda v: sudoers_secure_path([v])):
        with pytest.raises(Unrepresentable):
            write("/opt/\ufffd/bin")


def test_visible_escapes_what_a_terminal_would_obey():
    assert visible("a\x1b]0;x\x07b\rc\u202ed\udcff") == "a\\x1b]0;x\\x07b\\x0dc\\u202ed\\xff"
    assert visible("tab\tand\nnewline \u00e9") == "tab\tand\nnewline \u00e9"
    # gotriage's own colours survive, a host's escape sequence does not
    painted = "\033[31mred\033[0m " + "\033]2;owned\007"
    assert visible_output(painted) == "\033[31mred\033[0m \\x1b]2;owned\\x07"


# -- systemd -----------------------------------------------------------------------------------
@pytest.fixture
def unit_dir():
    """A directory nobody can read (pytest's tmp_path is under a 0700 directory of root)."""
    directory = tempfile.mkdtemp(prefix="gotriage-units-", dir="/tmp")
    os.chmod(directory, 0o755)
    yield directory
    shutil.rmtree(directory)


def _systemd_test(unit_dir, unit):
    """What systemd 252 parsed: `systemd --test --system` run as nobody (it refuses root)."""
    systemd = "/lib/systemd/systemd"
    need(os.path.exists(systemd) and shutil.which("setpriv"), "systemd and setpriv (util-linux)")
    for name in os.listdir(str(unit_dir)):
        os.chmod(os.path.join(str(unit_dir), name), 0o644)
    env = {"SYSTEMD_UNIT_PATH": "%s:/lib/systemd/system" % unit_dir, "PATH": "/usr/bin:/bin",
           "SYSTEMD_LOG_LEVEL": "info"}
    proc = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", systemd,
                           "--test", "--system", "--unit=%s" % unit, "--log-target=console"],
                          env=env, cwd="/", stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          timeout=60)
    text = proc.stdout.decode("utf-8", "surrogateescape")
    head = "-> Unit %s:" % unit
    assert head in text, text[-2000:]
    block = text.split(head, 1)[1].split("\n\t-> Unit ", 1)[0]
    assert "\t\tUnit Load State: loaded\n" in block, block[:400]
    complaints = [line for line in text.splitlines() if unit in line and "ignoring" in line.lower()]
    return block, complaints


def _decode_command_line(text):
    """The words of systemd's "Command Line:" display (C escapes, \\$ for $, octal bytes)."""
    words, i, n = [], 0, len(text)
    simple = {"n": b"\n", "t": b"\t", "a": b"\a", "b": b"\b", "f": b"\f", "r": b"\r",
              "v": b"\v"}
    while i < n:
        while i < n and text[i] == " ":
            i += 1
        if i >= n:
            break
        out, quoted = bytearray(), False
        while i < n and (quoted or text[i] != " "):
            c = text[i]
            if c == '"':
                quoted = not quoted
            elif c == "\\":
                nxt = text[i + 1]
                if nxt in "01234567" and text[i + 1:i + 4].isdigit():
                    out.append(int(text[i + 1:i + 4], 8))
                    i += 3
                else:
                    out += simple.get(nxt, nxt.encode("utf-8", "surrogateescape"))
                    i += 1
            else:
                out += c.encode("utf-8", "surrogateescape")
            i += 1
        words.append(bytes(out).decode("utf-8", "surrogateescape"))
    return words


def test_systemd_reads_back_every_environment_value_and_argument(unit_dir):
    units = pathlib.Path(unit_dir)
    values = [v for v in HOSTILE]
    lines = ["[Service]", "Type=oneshot",
             "ExecStart=" + systemd_exec_line(["/bin/true"] + values)]
    refused = []
    for number, value in enumerate(values):
        try:
            lines.append(systemd_environment([("V%d" % number, value)]))
        except Unrepresentable:
            refused.append(value)
    (units / "hostile.service").write_bytes(_bytes("\n".join(lines) + "\n"))
    block, complaints = _systemd_test(units, "hostile.service")
    assert not complaints
    # systemd refuses environment values that are not UTF-8: so does gotriage
    assert refused == ["not utf-8 \udcff\udcfe"]
    for number, value in enumerate(values):
        if value not in refused:
            assert "\t\tEnvironment: V%d=%s\n" % (number, value) in block, value
    shown = [line for line in block.splitlines() if "Command Line:" in line]
    assert len(shown) == 1
    parsed = _decode_command_line(shown[0].split("Command Line: ", 1)[1])
    # systemd expands $$ (and ${NAME}) when it starts the program: the words it passes
    expanded, missing = expand_env(parsed, {})
    assert not missing
    assert expanded == ["/bin/true"] + values


@pytest.mark.parametrize("name", ["my app", "per%cent", "dollar$$x", "u\u00e9", "semi;colon",
                                  "not\udcffutf8", "-dash", "glob*?[x]"])
def test_systemd_finds_the_program_at_exactly_the_path_written(name, tmp_path):
    need(shutil.which("systemd-analyze"), "systemd-analyze (systemd)")
    directory = tmp_path / "bin dir"
    directory.mkdir()
    program = os.path.join(str(directory).encode(), _bytes(name))
    with open(program, "wb") as f:
        f.write(b"#!/bin/sh\n")
    os.chmod(program, 0o755)
    path = os.fsdecode(program)
    unit = tmp_path / "prog.service"
    unit.write_bytes(_bytes("[Service]\nExecStart=%s\n" % systemd_exec_line([path, "arg"])))
    proc = subprocess.run(["systemd-analyze", "verify", "--man=no", str(unit)],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    text = proc.stdout.decode("utf-8", "replace")
    assert "prog.service" not in text, text
    # and a file next to it that is not the one written is not what systemd looks for
    os.unlink(program)
    proc = subprocess.run(["systemd-analyze", "verify", "--man=no", str(unit)],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    assert b"is not executable" in proc.stdout


@pytest.mark.parametrize("name", ["quote'x", 'quote"x', "back\\slash", "new\nline", "del\x7f"])
def test_a_program_path_systemd_refuses_is_refused(name, tmp_path):
    """systemd 252 refuses these outright ("Executable name contains special characters")."""
    need(shutil.which("systemd-analyze"), "systemd-analyze (systemd)")
    unit = tmp_path / "prog.service"
    unit.write_bytes(_bytes('[Service]\nExecStart="/opt/%s" arg\n' % name.replace(
        "\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\x7f", "\\x7f")))
    proc = subprocess.run(["systemd-analyze", "verify", "--man=no", str(unit)],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    assert b"Executable name contains special characters" in proc.stdout, proc.stdout
    with pytest.raises(Unrepresentable):
        systemd_exec_line(["/opt/" + name, "arg"])


@pytest.mark.parametrize("value", ["/srv/my app", "/srv/per%cent", "/srv/quote\"x",
                                   "/srv/back\\x20slash", "/srv/dollar$x"])
def test_a_single_path_setting_reads_back_literally(value, unit_dir):
    units = pathlib.Path(unit_dir)
    (units / "wd.service").write_bytes(_bytes(
        "[Service]\nExecStart=/bin/true\nWorkingDirectory=%s\n" % systemd_path(value)))
    block, complaints = _systemd_test(units, "wd.service")
    assert not complaints
    assert "\t\tWorkingDirectory: %s\n" % value in block


@pytest.mark.parametrize("value", ["/srv/new\nline", " /srv/lead", "/srv/trail ", "/srv/end\\",
                                   "relative/dir", "/srv/\udcff"])
def test_a_path_systemd_cannot_read_back_is_refused(value):
    with pytest.raises(Unrepresentable):
        systemd_path(value)


# -- sudoers -------------------------------------------------------------------------------------
def _sudo_path(tmp_path, line):
    need(os.getuid() == 0 and shutil.which("sudo") and shutil.which("visudo") and
         shutil.which("unshare"), "root, sudo, visudo and unshare (util-linux)")
    sudoers = tmp_path / "sudoers"
    sudoers.write_bytes(_bytes("Defaults env_reset\n%s\nroot ALL=(ALL:ALL) ALL\n" % line))
    os.chmod(str(sudoers), 0o440)
    check = subprocess.run(["visudo", "-c", "-q", "-f", str(sudoers)], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=30)
    assert check.returncode == 0, check.stdout
    proc = subprocess.run(["unshare", "--mount", "sh", "-c",
                           'mount --bind "$1" /etc/sudoers && exec sudo -n /usr/bin/env', "_",
                           str(sudoers)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=30)
    assert proc.returncode == 0, proc.stderr
    [path] = [line[5:] for line in proc.stdout.split(b"\n") if line.startswith(b"PATH=")]
    return path


@pytest.mark.parametrize("value", [v for v in HOSTILE
                                   if ":" not in v and "\n" not in v and not v.endswith("\\")
                                   and not any(ord(c) < 32 or 0xd800 <= ord(c) <= 0xdfff
                                               or c == "\u202e" for c in v)])
def test_sudo_reads_back_the_secure_path_written(value, tmp_path):
    directory = "/opt/go " + value + "/bin"
    line = sudoers_secure_path([directory, "/usr/sbin", "/usr/bin"])
    assert _sudo_path(tmp_path, line) == _bytes(directory) + b":/usr/sbin:/usr/bin"


@pytest.mark.parametrize("value", ["/opt/new\nline", "/opt/end\\", "/opt/esc\x1b", "/opt/\udcff"])
def test_sudoers_refuses_what_it_cannot_hold(value):
    with pytest.raises(Unrepresentable):
        sudoers_secure_path([value])


# -- dnf's .repo files -------------------------------------------------------------------------
def test_dnf_reads_back_a_repo_value_and_section(tmp_path):
    python = "/usr/bin/python3"
    need(os.path.exists(python) and subprocess.run([python, "-c", "import dnf"]).returncode == 0,
         "Debian's python3-dnf (scripts/setup installs dnf)")
    repos = tmp_path / "repos"
    repos.mkdir()
    url = "https://vault.centos.org/8.5.2111/BaseOS/$basearch/os/?a=b%20c&d=$(x);`y`"
    (repos / "x.repo").write_text("%s\nname=x\nbaseurl=%s\nenabled=1\n" % (
        ini_section("vault-base_1.x:y"), ini_value(url, url_list=True)))
    script = ("import dnf, sys; b = dnf.Base(); b.conf.reposdir = [sys.argv[1]]; "
              "b.conf.substitutions.update(basearch='x86_64', releasever='8', arch='x86_64'); "
              "b.read_all_repos(); "
              "r = b.repos['vault-base_1.x:y']; print(r.baseurl[0])")
    proc = subprocess.run([python, "-c", script, str(repos)], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode().strip() == url.replace("$basearch", "x86_64")
    for bad in ("https://x\nbaseurl=https://evil", " lead"):
        with pytest.raises(Unrepresentable):
            ini_value(bad)
    for bad in ("https://a/b,c", "https://a/b c"):
        with pytest.raises(Unrepresentable):
            ini_value(bad, url_list=True)
    with pytest.raises(Unrepresentable):
        ini_section("a]b")


# -- file_contexts ------------------------------------------------------------------------------
def test_matchpathcon_matches_the_directory_written_and_nothing_else(tmp_path):
    need(shutil.which("matchpathcon"), "matchpathcon (selinux-utils)")
    pattern = fcontext_pattern("/opt/my.app+x[1]/")
    (tmp_path / "file_contexts").write_text("%s\tsystem_u:object_r:bin_t:s0\n" % pattern)
    paths = ["/opt/my.app+x[1]", "/opt/my.app+x[1]/bin/prog", "/opt/myXapp+x[1]/prog",
             "/opt/my.appx1/prog", "/opt/my.app+x[1]other"]
    proc = subprocess.run(["matchpathcon", "-f", str(tmp_path / "file_contexts")] + paths,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
    labels = dict(line.split("\t") for line in proc.stdout.decode().splitlines())
    assert [labels[p] for p in paths] == ["system_u:object_r:bin_t:s0"] * 2 + ["<<none>>"] * 3
    with pytest.raises(Unrepresentable):
        fcontext_pattern("/opt/with space")


def test_visible_output_finds_every_hidden_character_in_ascii_and_other_text():
    # ASCII text is checked against a small table (C0 and DEL), other text against the
    # table of every hidden character: both must find what `visible` escapes
    hidden = [chr(c) for c in range(0x20) if c not in (0x09, 0x0a)] + [
        "\x7f", "\x85", "\x9f", "\udc80", "\ud800", "\u2028", "\u2029", "\u202e", "\ufeff"]
    for c in hidden:
        for text in ("plain " + c + " text", "caf\u00e9 " + c, c):
            assert visible_output(text) == visible(text) != text, repr(text)
    for text in ("plain\ttext\n", "caf\u00e9 \u95ee\u9898\n", ""):
        assert visible_output(text) == text
