"""Photos already in the workspace (its archive and inbox) an operator may pick for a request instead of
uploading them again."""

from __future__ import annotations

from pathlib import Path

from artpipe.api import IMAGE_EXTENSIONS, Workspace
from artpipe.paths import UnsafePath, inside
from artpipe.studio.forms import Upload

PICKABLE = 500  # workspace photos listed in the form


def workspace_photos(ws: Workspace, limit: int = PICKABLE) -> list[str]:
    """Photos in the workspace's archive and inbox (hidden ones aside), newest first, relative to its root."""
    found: list[Path] = []
    for folder in (ws.archive, ws.inbox):
        found += [p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_EXTENSIONS
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts)]
    found.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    return [p.relative_to(ws.root).as_posix() for p in found[:limit]]


def picked(ws: Workspace, names: list[str]) -> list[Upload]:
    """The workspace photos chosen in the form, read from where they are: inside archive/ or inbox/ only (any
    other name, a path leaving the workspace included, is skipped)."""
    out = []
    for rel in names:
        try:
            path = inside(ws.root, rel)
        except UnsafePath:
            continue
        if path.is_file() and any(path.is_relative_to(f) for f in (ws.archive, ws.inbox)):
            out.append(Upload(path.name, path.read_bytes()))
    return out
