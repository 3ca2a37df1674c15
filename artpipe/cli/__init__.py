"""The command line, one shell over ``artpipe.api``: ``commands`` (the ``artpipe`` group and the render, normalize,
inspect, validate, preview and template commands), ``presets``, ``inbox``, ``fonts`` and ``studio`` (their command
groups), ``common`` (exit codes, executor options, how problems are printed).

``artpipe.cli:main`` (the console script) and everything ``artpipe/cli.py`` exported still import from here,
loaded when first asked for.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from artpipe.cli.commands import main as main


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    return getattr(import_module("artpipe.cli.commands"), name)
