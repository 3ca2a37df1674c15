"""Moved to ``artpipe.run.main_images`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.run.main_images import *  # noqa: F403
