"""Moved to ``artpipe.cli.studio`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.cli.studio import *  # noqa: F403
