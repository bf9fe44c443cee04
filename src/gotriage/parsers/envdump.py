"""Environment dumps: `env -0` output (NUL-separated NAME=value records).

Sample (``su - alice -c 'env -0'`` on EL9, NULs shown as ``\\0``)::

    HOME=/home/alice\\0PATH=/home/alice/.local/bin:/home/alice/bin:/usr/local/bin:/usr/bin\\0
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
