"""The SELinux layer: mode, booleans, and the AVC denials that stop Go services."""
