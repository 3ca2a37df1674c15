"""Moved to ``artpipe.imaging.decoding`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.imaging.decoding import *  # noqa: F403
