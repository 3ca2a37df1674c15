"""Moved to ``artpipe.run.fitcheck`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.run.fitcheck import *  # noqa: F403
