"""artpipe: merchant product photos in, finished store art out."""

from __future__ import annotations

from artpipe.api import RunResult, iter_job, render_job, run_job
from artpipe.errors import ArtpipeError, ConfigError, InputError, RenderError
from artpipe.imaging.normalize import Asset, normalize
from artpipe.imaging.open import open_image
from artpipe.jobs import load_job, plan
from artpipe.render import render
from artpipe.tasks import load_asset
from artpipe.template.find import bundled_templates
from artpipe.template.load import load_template
from artpipe.version import __version__

__all__ = [
    "ArtpipeError", "Asset", "ConfigError", "InputError", "RenderError", "RunResult", "__version__",
    "bundled_templates", "iter_job", "load_asset", "load_job", "load_template", "normalize", "open_image", "plan",
    "render", "render_job", "run_job",
]
