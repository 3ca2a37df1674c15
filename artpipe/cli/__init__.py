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

# The names cli.py defined, kept for code written against it; nothing private is reached through this path.
OLD_NAMES = frozenset({"copy_template_command", "import_template_command", "inspect", "main", "normalize", "preview",
                       "render", "show_template", "templates", "validate"})


def __getattr__(name: str) -> Any:
    if name not in OLD_NAMES:
        msg = f"module 'artpipe.cli' has no attribute '{name}'"
        raise AttributeError(msg)
    return getattr(import_module("artpipe.cli.commands"), name)
