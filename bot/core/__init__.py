"""Core: pure functions of their arguments; no I/O."""
