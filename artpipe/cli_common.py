"""Moved to ``artpipe.cli.common`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.cli.common import (
    JOBS_OPTION,
    PRESETS_OPTION,
    PROGRESS_LINE_SECONDS,
    SCHEDULER_ADDRESS,
    ConfigProblems,
    executor_from,
    executor_options,
    fail_config,
    progress_line,
    with_progress,
)

# The names cli_common.py defined, kept for code written against it (nothing private)
__all__ = [
    "JOBS_OPTION", "PRESETS_OPTION", "PROGRESS_LINE_SECONDS", "SCHEDULER_ADDRESS", "ConfigProblems", "executor_from",
    "executor_options", "fail_config", "progress_line", "with_progress"
]
