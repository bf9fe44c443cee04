"""SELinux: reading the audit log (logread), explaining each denial (analyzers), the
allow rules audit2allow would write (rules) and minimal policy modules (module)."""
