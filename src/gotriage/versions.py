"""Dotted version numbers, without `re` (importing it costs more than a whole
`gotriage binary` run does otherwise)."""


def dotted_numbers(text):
    """The leading dotted integers of `text`, after any non-digit prefix:
    'GLIBC_2.3.2' -> (2, 3, 2), 'go1.22rc1' -> (1, 22), '5.14.0-362.el9' -> (5, 14, 0),
    '' -> ().  A piece with a non-digit tail keeps its digits and ends the number."""
    text = text or ""
    start = 0
    while start < len(text) and not "0" <= text[start] <= "9":
        start += 1
    parts = []
    for piece in text[start:].split("."):
        digits = ""
        for ch in piece:
            if not "0" <= ch <= "9":  # not str.isdigit(): "²" is a digit to it, not to int()
                break
            digits += ch
        if not digits:
            break
        parts.append(int(digits))
        if len(digits) != len(piece):
            break
    return tuple(parts)


def version_tuple(text):
    """A version of at least two numbers, or None: '2.34' -> (2, 34), 'GLIBC_2.3.2' ->
    (2, 3, 2), 'GLIBC_PRIVATE' and '7' -> None."""
    parts = dotted_numbers(text)
    return parts if len(parts) >= 2 else None
