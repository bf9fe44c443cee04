"""The Go toolchain layer: can `go` build here, in every context that runs it?

Contexts (facts/contexts.py): your shell, sudo, systemd services, and with --user NAME
that user's login shell.  Each check looks at every context and says in which ones a
problem appears.  The messages quoted in `predicted_error` are what real toolchains print
(reproduced in tests/test_realgo.py).

One check per module, named after its id (GO-ROOT: go_root.py), with its private helpers
beside it; what several checks use is in _common.py.  The modules are imported here in
the order of the report: a layer's checks run and print in the order they are registered.
"""

# isort: off
# The order of the report (isort would sort them by name).
from gotriage.checks.toolchain.go_install import installs
from gotriage.checks.toolchain.go_path import go_on_path
from gotriage.checks.toolchain.go_probe import probe_runs
from gotriage.checks.toolchain.go_root import goroot
from gotriage.checks.toolchain.go_envfile import env_file
from gotriage.checks.toolchain.go_modules import modules
from gotriage.checks.toolchain.go_version import project_version
from gotriage.checks.toolchain.go_cgo import cgo
from gotriage.checks.toolchain.go_cache import caches
from gotriage.checks.toolchain.go_proxy import proxies
from gotriage.checks.toolchain.go_sumdb import sumdb
from gotriage.checks.toolchain.go_input import inputs
# isort: on

__all__ = ["installs", "go_on_path", "probe_runs", "goroot", "env_file", "modules",
           "project_version", "cgo", "caches", "proxies", "sumdb", "inputs"]
