"""Every input gotriage reads from a host, declared once per layer (spec.py), and the one
reader the facts use to read them by key (reader.py).  docs/inputs.md is generated from
the declarations (scripts/gen-inputs-doc)."""
