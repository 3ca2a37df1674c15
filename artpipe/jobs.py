"""Moved to ``artpipe.run.jobs`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.run.jobs import (
    DEFAULT_OUTPUT,
    ENTRY_KEYS,
    JOB_KEYS,
    PATTERN_KEYS,
    PRESET_OUTPUT,
    Job,
    JobTemplate,
    RenderSpec,
    Task,
    load_job,
    missing_inputs,
    output_formats,
    plan,
)

# The names jobs.py defined, kept for code written against it (nothing private)
__all__ = [
    "DEFAULT_OUTPUT", "ENTRY_KEYS", "JOB_KEYS", "PATTERN_KEYS", "PRESET_OUTPUT", "Job", "JobTemplate", "RenderSpec",
    "Task", "load_job", "missing_inputs", "output_formats", "plan"
]
