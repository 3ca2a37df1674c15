"""Moved to ``artpipe.report.results`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.report.results import *  # noqa: F403
