"""Moved to ``artpipe.run.batch`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.run.batch import CampaignResult, RunResult, check_writable, collect, render_job, run_request

# The names batch.py defined, kept for code written against it (nothing private)
__all__ = ["CampaignResult", "RunResult", "check_writable", "collect", "render_job", "run_request"]
