"""Moved to ``artpipe.cli.presets`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.cli.presets import COMMANDS, approve, check, main_image, presets, request

# The names cli_presets.py defined, kept for code written against it (nothing private)
__all__ = ["COMMANDS", "approve", "check", "main_image", "presets", "request"]
