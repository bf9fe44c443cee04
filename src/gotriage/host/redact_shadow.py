"""/etc/shadow without its password hashes: the redaction class "shadow" (inputs/spec.py).

The live host applies it as it reads the file (host/live.py), so no hash reaches the
facts, a report or a snapshot: what is kept of each account's password field is only
whether it is empty, locked ("!" or "*" in front) and whether a hash followed.  The other
fields (ageing) are kept as they are.
"""

HASH = "<hash>"


def redact_shadow(data):
    """The bytes of a shadow file with every password hash replaced by <hash>.

    >>> redact_shadow(b"root:$6$salt$abc:19000:0:99999:7:::\\n"
    ...               b"bin:*:19000:0:99999:7:::\\nguest::19000::::::\\nold:!!$6$x$y:1::::::\\n")
    b'root:<hash>:19000:0:99999:7:::\\nbin:*:19000:0:99999:7:::\\nguest::19000::::::\\nold:!!<hash>:1::::::\\n'
    """
    out = []
    for line in data.split(b"\n"):
        name, colon, rest = line.partition(b":")
        if not colon:
            out.append(b"" if line.strip() == b"" else b"<not an account line>")
            continue
        password, colon2, tail = rest.partition(b":")
        marks = password[:len(password) - len(password.lstrip(b"!*"))]
        kept = marks + (HASH.encode() if password[len(marks):] else b"")
        out.append(name + b":" + kept + colon2 + tail)
    return b"\n".join(out)
