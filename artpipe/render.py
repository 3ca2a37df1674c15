"""Moved to ``artpipe.run.render`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.run.render import Rendered, composite, field_values, refusal, render, slot_layers, visible

# The names render.py defined, kept for code written against it (nothing private)
__all__ = ["Rendered", "composite", "field_values", "refusal", "render", "slot_layers", "visible"]
