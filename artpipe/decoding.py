"""Moved to ``artpipe.imaging.decoding`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.imaging.decoding import REDUCING_GAP, decode, draft_side, trimmed_side

# The names decoding.py defined, kept for code written against it (nothing private)
__all__ = ["REDUCING_GAP", "decode", "draft_side", "trimmed_side"]
