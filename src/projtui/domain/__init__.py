"""Plain types and rules, no I/O. Imports nothing else from projtui."""
