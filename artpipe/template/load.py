"""Moved to ``artpipe.layers.template`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.layers.template import *  # noqa: F403
