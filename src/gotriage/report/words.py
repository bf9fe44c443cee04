"""Counts in words: `count(1, "denial")` is "1 denial", `count(2, "denial")` "2 denials".

A phrase whose verb agrees with the count gives both forms:
`count(n, "line is not an audit record", "lines are not audit records")`.
"""


def plural(n, one, many=None):
    """`one` when n is 1, else `many` (default: `one` + "s")."""
    return one if n == 1 else (many if many is not None else one + "s")


def count(n, one, many=None):
    """"N WORD(S)": the number, then the word in the form it takes after it."""
    return "%d %s" % (n, plural(n, one, many))
