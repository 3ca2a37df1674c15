"""Moved to ``artpipe.cli.fonts`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.cli.fonts import *  # noqa: F403
