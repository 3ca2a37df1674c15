"""Moved to ``artpipe.run.assetcache`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.run.assetcache import asset_key, load_cached, save_cached

# The names assetcache.py defined, kept for code written against it (nothing private)
__all__ = ["asset_key", "load_cached", "save_cached"]
