"""Moved to ``artpipe.cli.inbox`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.cli.inbox import COMMANDS, CONFIG_OPTION, init, retry, status, watch

# The names cli_inbox.py defined, kept for code written against it (nothing private)
__all__ = ["COMMANDS", "CONFIG_OPTION", "init", "retry", "status", "watch"]
