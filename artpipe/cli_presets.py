"""Moved to ``artpipe.cli.presets`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.cli.presets import *  # noqa: F403
