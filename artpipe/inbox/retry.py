"""Moving failed inputs back into the inbox for another try."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from artpipe.config import Workspace
from artpipe.files import move_into


@dataclass(frozen=True)
class Retried:
    """One file asked to be retried: where it went back to in the inbox, or why it could not."""

    path: Path
    dest: Path | None = None
    error: str = ""


def retry_failed(ws: Workspace, files: list[Path]) -> list[Retried]:
    """``files`` (all of failed/ when none are named) back into the inbox at the same place, their error
    reports dropped; a file outside failed/ is refused, never moved."""
    chosen = [f.resolve() for f in files] or [p for p in sorted(ws.failed.rglob("*"))
                                               if p.is_file() and not p.name.endswith(".error.json")]
    out = []
    for path in chosen:
        if not path.is_relative_to(ws.failed) or not path.is_file():
            out.append(Retried(path, error=f"not a file in {ws.failed}"))
            continue
        rel = path.relative_to(ws.failed)
        path.with_name(path.name + ".error.json").unlink(missing_ok=True)
        out.append(Retried(path, move_into(path, ws.inbox, rel)))
    return out
