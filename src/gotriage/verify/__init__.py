"""`gotriage verify` (docs/verify.md): one report and one exit code over the integrity of
the Go installs, their runtime (with --build) and the connectivity the spec names.

`spec.py` (the INI spec; pure), `integrity.py` (a Go tree's files, VERSION and archive
against what the release says; pure over bytes and records), `runtime.py` (hello programs
built and run per context with --build, failures explained by explain's catalogue),
`gather.py` (what the checks need, read through the Host), `parallel.py` (the threads
that hash while the service layer's commands run), `findings.py` (the VERIFY-*
ids with their meaning, evidence and fix), `command.py`.
"""
