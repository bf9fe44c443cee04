"""`gotriage probe`: a bounded prober and canary gate (docs/probe.md).

targets.py (what to probe and the limits, from the command line; pure), prober.py (the
requests, with the standard library's socket and ssl, on threads), outcome.py (what a Go
client would print for each failure; pure), stats.py (rates and nearest-rank
percentiles; pure), gate.py (the pass/fail decision; pure), render.py (the doctor-style
view and --json), command.py (the command).
"""
