"""Numbers the code uses, read once from ``defaults.yaml`` beside this file."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

import yaml


@cache
def defaults() -> dict[str, Any]:
    """Return the bundled defaults as a nested dict (cached per process)."""
    text = files("artpipe").joinpath("defaults.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def setting(section: str, key: str) -> Any:
    """Return one default, e.g. ``setting("image", "max_pixels")``."""
    return defaults()[section][key]
