"""Environment dumps: `env -0` output (NUL-separated NAME=value records) and `systemctl
show-environment` (one NAME=value a line).

Sample (``su - alice -c 'env -0'`` on EL9):

>>> env = parse_env0(b"HOME=/home/alice\\0PATH=/home/alice/.local/bin:/home/alice/bin:/usr/local/bin:/usr/bin\\0")
>>> print(env["HOME"], env["PATH"])
/home/alice /home/alice/.local/bin:/home/alice/bin:/usr/local/bin:/usr/bin

Sample (`systemctl show-environment` on EL7):

>>> env = parse_show_environment('''LANG=en_US.UTF-8
... PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
... ''')
>>> print(env["LANG"], env["PATH"])
en_US.UTF-8 /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
"""


def parse_env0(data):
    """A dict from `env -0` output (bytes or str); records without '=' are skipped."""
    if isinstance(data, bytes):
        data = data.decode("utf-8", "replace")
    env = {}
    for record in data.split("\0"):
        if "=" not in record:
            continue
        name, _, value = record.partition("=")
        name = name.lstrip("\n")
        if name:
            env[name] = value
    return env


def parse_show_environment(text):
    """A dict from `systemctl show-environment` output.  A line without '=' or holding a
    NUL byte is skipped: no environment can hold a NUL (execve ends a string there), and
    a PATH with one would reach stat() and fail there."""
    env = {}
    for line in (text or "").splitlines():
        name, sep, value = line.partition("=")
        if sep and name and "\0" not in line:
            env[name] = value
    return env
