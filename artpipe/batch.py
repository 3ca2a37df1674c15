"""Moved to ``artpipe.run.batch`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.run.batch import *  # noqa: F403
