"""Moved to ``artpipe.report.proof`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.report.proof import contact_sheet, draw_boxes, proof_page, proof_sheet

# The names proof.py defined, kept for code written against it (nothing private)
__all__ = ["contact_sheet", "draw_boxes", "proof_page", "proof_sheet"]
