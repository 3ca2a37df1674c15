"""Moved to ``artpipe.run.painted`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.run.painted import *  # noqa: F403
