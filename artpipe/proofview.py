"""Moved to ``artpipe.report.proofview`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.report.proofview import RULE_WORDS, ProductView, Proof, Shot, approval, read_proof
from artpipe.report.proofview import __getattr__ as __getattr__  # noqa: F401 - PLATFORM_NAMES, made on request

# The names proofview.py defined, kept for code written against it (nothing private)
__all__ = ["RULE_WORDS", "ProductView", "Proof", "Shot", "approval", "read_proof"]
