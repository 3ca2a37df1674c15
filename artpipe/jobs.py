"""Moved to ``artpipe.run.jobs`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.run.jobs import *  # noqa: F403
