"""artpipe: merchant product photos in, finished store art out.

The names below are imported when first used, so a worker process that imports one module (``artpipe.run.tasks``)
does not load the whole package (the web pages, the command line, the batch runner).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from artpipe import threads as threads  # BLAS thread limits, before anything imports numpy
from artpipe.version import __version__

import_module("artpipe.render")  # the old module path first, so that importing it later cannot take the name
from artpipe.run.render import render  # noqa: E402 - eager: the name is also a submodule's, which would shadow a lazy one

if TYPE_CHECKING:
    from artpipe.api import RunResult, iter_job, normalize, render_job, run_job
    from artpipe.errors import ArtpipeError, ConfigError, InputError, RenderError
    from artpipe.imaging.normalize import Asset
    from artpipe.imaging.open import open_image
    from artpipe.layers.template import load_template
    from artpipe.run.jobs import load_job, plan
    from artpipe.run.tasks import load_asset
    from artpipe.template.find import bundled_templates

_WHERE = {
    "RunResult": "artpipe.api", "iter_job": "artpipe.api", "render_job": "artpipe.api", "run_job": "artpipe.api",
    "ArtpipeError": "artpipe.errors", "ConfigError": "artpipe.errors", "InputError": "artpipe.errors",
    "RenderError": "artpipe.errors", "Asset": "artpipe.imaging.normalize", "normalize": "artpipe.api",
    "open_image": "artpipe.imaging.open", "load_job": "artpipe.run.jobs", "plan": "artpipe.run.jobs",
    "load_asset": "artpipe.run.tasks", "bundled_templates": "artpipe.template.find",
    "load_template": "artpipe.layers.template",
}

__all__ = [
    "ArtpipeError", "Asset", "ConfigError", "InputError", "RenderError", "RunResult", "__version__",
    "bundled_templates", "iter_job", "load_asset", "load_job", "load_template", "normalize", "open_image", "plan",
    "render", "render_job", "run_job",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(_WHERE[name]), name)
    msg = f"module 'artpipe' has no attribute {name!r}"
    raise AttributeError(msg)
