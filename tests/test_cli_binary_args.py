"""`gotriage binary` parses its arguments by hand (for start-up time) and falls back to
argparse for help and mistakes: both must read every valid command line the same way."""

import pytest

from gotriage import cli

VALID = [
    ["app"],
    ["app", "--json"],
    ["app", "--target", "el7"],
    ["app", "--target=2.28", "-v"],
    ["--json", "--target", "el9:aarch64", "app"],
    ["app", "--root", "/tmp/snap", "--fail-on", "error", "--no-color"],
    ["app", "--timeout", "3", "--verbose"],
]


@pytest.mark.parametrize("argv", VALID, ids=lambda a: " ".join(a))
def test_fast_parser_agrees_with_argparse(argv):
    fast = cli._parse_binary_fast(argv)
    assert fast is not None, "a valid command line fell back to argparse"
    slow = cli.build_parser().parse_args(["binary"] + argv)
    expected = {k: v for k, v in vars(slow).items()}
    got = {k: getattr(fast, k) for k in expected}
    assert got == expected


@pytest.mark.parametrize("argv", [[], ["--help"], ["a", "b"], ["app", "--bogus"],
                                  ["app", "--fail-on", "never"], ["app", "--timeout", "x"],
                                  ["app", "--target"]])
def test_everything_else_goes_to_argparse(argv):
    assert cli._parse_binary_fast(argv) is None
