"""Moved to ``artpipe.report.pagefonts`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.report.pagefonts import (
    EMOJI_FAMILY,
    FAMILY,
    STACK,
    WEIGHTS,
    PageFont,
    embed_fonts,
    font_css,
    link_fonts,
    linked_font,
    page_chars,
    page_fonts,
    subset_bytes,
)

# The names pagefonts.py defined, kept for code written against it (nothing private)
__all__ = [
    "EMOJI_FAMILY", "FAMILY", "STACK", "WEIGHTS", "PageFont", "embed_fonts", "font_css", "link_fonts", "linked_font",
    "page_chars", "page_fonts", "subset_bytes"
]
