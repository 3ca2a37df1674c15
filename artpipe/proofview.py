"""Moved to ``artpipe.report.proofview`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.report.proofview import *  # noqa: F403
from artpipe.report.proofview import __getattr__ as __getattr__  # noqa: F401 - the names it makes on request
