"""What every command shares: exit codes and how configuration problems are printed."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from artpipe.errors import ConfigError

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2

PRESETS_OPTION = click.option("--presets", "extra", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                              default=None, help="An agency's presets file laid over the bundled ones.")


def fail_config(exc: ConfigError) -> NoReturn:
    """Print every problem (file:line:col) and exit 2."""
    for problem in exc.problems:
        click.echo(str(problem), err=True)
    n = len(exc.problems)
    click.echo(f"error: {n} problem{'s' if n != 1 else ''}; nothing was rendered", err=True)
    sys.exit(EXIT_CONFIG)
