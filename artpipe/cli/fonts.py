"""``artpipe fonts``: the faces text may be drawn with, what each covers and under which licence."""

from __future__ import annotations

import json
from pathlib import Path

import click

from artpipe.api import font_catalogue, load_workspace
from artpipe.cli.common import fail_config
from artpipe.errors import ConfigError


@click.command()
@click.argument("templates", nargs=-1)
@click.option("--config", "workspace", type=click.Path(exists=True, path_type=Path), default=None,
              help="A workspace: its system_fonts and licensed_fonts settings apply.")
@click.option("--system", is_flag=True, help="Also list this machine's fonts (fontconfig).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def fonts(templates: tuple[str, ...], workspace: Path | None, system: bool, as_json: bool) -> None:
    """List the bundled fonts in fallback order, the fonts in the folders of TEMPLATES (names or paths) and,
    with --system or a workspace that allows them, the system's fonts: coverage, scripts and licence.

    \b
    Example:
      artpipe fonts
      artpipe fonts templates/my-banner --json
    """
    try:
        ws = load_workspace(workspace) if workspace is not None else None
        rows = font_catalogue(list(templates), system=system or bool(ws and ws.lettering.system_fonts),
                              licensed=ws.licensed_fonts if ws else frozenset())
    except ConfigError as exc:
        fail_config(exc, "nothing was listed")
    if as_json:
        click.echo(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=2))
        return
    for r in rows:
        scripts = ", ".join(r.scripts) or "-"
        click.echo(f"{r.name}  [{r.source}]  {r.code_points} characters: {scripts}")
        click.echo(f"  {r.file}  licence: {r.licence}")


COMMANDS = (fonts,)
