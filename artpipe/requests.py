"""Moved to ``artpipe.run.requests`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.run.requests import *  # noqa: F403
