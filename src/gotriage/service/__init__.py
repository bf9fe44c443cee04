"""`gotriage service UNIT`: the pieces of the service layer that are neither facts nor
checks: the probe of the ExecStart binary (binprobe.py), SELinux file context matching
(labels.py), the strace parser (strace.py) and the opt-in `--trace` runner (trace.py)."""
