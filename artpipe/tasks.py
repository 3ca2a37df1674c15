"""Moved to ``artpipe.run.tasks`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.run.tasks import (
    NormalizeTask,
    check_output,
    filled,
    fit_budget,
    load_asset,
    lost_normalized,
    lost_product,
    normalize_file,
    peak_rss_mb,
    photo_text,
    placeholder_product,
    render_outputs,
    render_product,
    template_assets,
)

# The names tasks.py defined, kept for code written against it (nothing private)
__all__ = [
    "NormalizeTask", "check_output", "filled", "fit_budget", "load_asset", "lost_normalized", "lost_product",
    "normalize_file", "peak_rss_mb", "photo_text", "placeholder_product", "render_outputs", "render_product",
    "template_assets"
]
