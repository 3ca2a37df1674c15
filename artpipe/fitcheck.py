"""Moved to ``artpipe.run.fitcheck`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.run.fitcheck import PROGRESS_EVERY, TEXT_KINDS, FitNote, fit_texts

# The names fitcheck.py defined, kept for code written against it (nothing private)
__all__ = ["PROGRESS_EVERY", "TEXT_KINDS", "FitNote", "fit_texts"]
