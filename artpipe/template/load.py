"""Moved to ``artpipe.layers.template`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.layers.template import FIELD_KEYS, MAX_SIDE_PX, TOP_KEYS, VISIBILITY_KEYS, load_template

# The names load.py defined, kept for code written against it (nothing private)
__all__ = ["FIELD_KEYS", "MAX_SIDE_PX", "TOP_KEYS", "VISIBILITY_KEYS", "load_template"]
