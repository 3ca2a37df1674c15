"""Moved to ``artpipe.run.executors`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.run.executors import *  # noqa: F403
