"""Moved to ``artpipe.cli.fonts`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.cli.fonts import COMMANDS, fonts

# The names cli_fonts.py defined, kept for code written against it (nothing private)
__all__ = ["COMMANDS", "fonts"]
