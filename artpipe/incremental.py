"""Moved to ``artpipe.run.incremental`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.run.incremental import *  # noqa: F403
