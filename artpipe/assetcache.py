"""Moved to ``artpipe.run.assetcache`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.run.assetcache import *  # noqa: F403
