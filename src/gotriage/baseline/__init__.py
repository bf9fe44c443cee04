"""`gotriage baseline init|diff|lint|timer` (docs/baseline.md): what a working host's Go environment
is, recorded in a git repository, and how the host has drifted from it since.

  spec.py     the declarative spec (INI): which files, which state commands; pure
  compare.py  one recording against another: the drifts, and a commit message; pure
  lint.py     `baseline lint`'s rule file and the rules over the recorded files; pure
  timer.py    `baseline timer`'s systemd service and timer, as text; pure
  gitrepo.py  the baseline repository (the real `git`, bounded, fixed identity)
  command.py  the commands

What is recorded is read from the host by the baseline layer's facts (facts/baseline.py,
through inputs/baseline.py), so `--root SNAPSHOT` works as for `check`; only the
repository is written, never the host.
"""
