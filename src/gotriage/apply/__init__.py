"""Changing the host, only when asked: `gotriage fix` and `gotriage baseline restore`
(docs/apply.md).  plan.py and build.py make a Plan (pure), script.py prints it, commands.py
says which fix commands can be run and undone, engine.py applies a plan."""
