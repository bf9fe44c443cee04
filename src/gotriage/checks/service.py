"""The service layer: systemd units of Go services, from unit file to first syscall."""
