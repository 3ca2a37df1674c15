"""Moved to ``artpipe.report.pagefonts`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.report.pagefonts import *  # noqa: F403
