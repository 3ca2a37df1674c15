"""Moved to ``artpipe.cli.studio`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.cli.studio import COMMANDS, CONFIG, add, listed, remove, serve, users

# The names cli_studio.py defined, kept for code written against it (nothing private)
__all__ = ["COMMANDS", "CONFIG", "add", "listed", "remove", "serve", "users"]
