"""Moved to ``artpipe.run.painted`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.run.painted import paint

# The names painted.py defined, kept for code written against it (nothing private)
__all__ = ["paint"]
