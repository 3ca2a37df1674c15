"""Moved to ``artpipe.run.render`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.run.render import *  # noqa: F403
