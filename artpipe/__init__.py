"""artpipe: merchant product photos in, finished store art out."""

from __future__ import annotations

__version__ = "0.1.0"

from artpipe.api import RunResult, iter_job, render_job, run_job  # noqa: E402
from artpipe.errors import ArtpipeError, ConfigError, InputError, RenderError  # noqa: E402
from artpipe.imaging.normalize import Asset, normalize  # noqa: E402
from artpipe.imaging.open import open_image  # noqa: E402
from artpipe.jobs import load_job, plan  # noqa: E402
from artpipe.render import render  # noqa: E402
from artpipe.run import load_asset  # noqa: E402
from artpipe.template.load import bundled_templates, load_template  # noqa: E402

__all__ = [
    "ArtpipeError", "Asset", "ConfigError", "InputError", "RenderError", "RunResult", "__version__",
    "bundled_templates", "iter_job", "load_asset", "load_job", "load_template", "normalize", "open_image", "plan",
    "render", "render_job", "run_job",
]
