"""Moved to ``artpipe.report.proof`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.report.proof import *  # noqa: F403
