"""Moved to ``artpipe.run.tasks`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.run.tasks import *  # noqa: F403
