"""Moved to ``artpipe.report.results`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.report.results import Encoded, Failure, FileResult, OutputCheck, OutputResult, ProductResult, Status

# The names results.py defined, kept for code written against it (nothing private)
__all__ = ["Encoded", "Failure", "FileResult", "OutputCheck", "OutputResult", "ProductResult", "Status"]
