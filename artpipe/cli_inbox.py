"""Moved to ``artpipe.cli.inbox`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.cli.inbox import *  # noqa: F403
