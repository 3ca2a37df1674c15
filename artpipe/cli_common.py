"""Moved to ``artpipe.cli.common`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.cli.common import *  # noqa: F403
