"""What `gotriage binary` proposes is possible for the binary in hand (issue 13,
contradictions): no CGO_ENABLED=0 rebuild for a program that is pure Go already, on a
real one built with the real toolchain."""

from binary_support import MUSL_LOADER, STATIC_SOURCE, _build, _module
from conftest import run_gotriage


def test_a_pure_go_program_with_a_foreign_loader_is_not_told_to_drop_cgo(toolchains, tmp_path):
    # CGO_ENABLED=0, yet a loader: -buildmode=pie with -ldflags -I (seen in the field:
    # a linker flag copied from an Alpine build)
    source = _module(tmp_path / "src", "pie", STATIC_SOURCE)
    program = _build(toolchains["1.21"], source, tmp_path / "app", {"CGO_ENABLED": "0"},
                     ["-buildmode=pie", "-ldflags", "-I " + MUSL_LOADER])
    run = run_gotriage(["binary", str(program), "--json"])
    assert not run.results("GOTRIAGE-CHECK-FAILED"), run.stdout
    [missing] = run.results("BIN-INTERP-MISSING")
    texts = [a.get("description", "") + " " + a.get("shell", "") for a in missing["fix"]]
    assert not any("CGO_ENABLED=0" in t and "already" not in t for t in texts), texts
    assert not any("CGO_ENABLED=1" in t for t in texts), texts
    assert texts[0].startswith("it is a pure-Go build already (CGO_ENABLED=0): rebuild it "
                               "without -ldflags -I %s and -buildmode pie" % MUSL_LOADER)
