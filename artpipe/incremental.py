"""Moved to ``artpipe.run.incremental`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.run.incremental import CACHE_DIR, PARTS, Cache, Decision

# The names incremental.py defined, kept for code written against it (nothing private)
__all__ = ["CACHE_DIR", "PARTS", "Cache", "Decision"]
