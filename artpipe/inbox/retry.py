"""Moving failed inputs back into the inbox for another try."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from artpipe.config import Workspace
from artpipe.files import ERROR_REPORT_SUFFIX, error_report_path, move_into


@dataclass(frozen=True)
class Retried:
    """One file asked to be retried: where it went back to in the inbox, or why it could not."""

    path: Path
    dest: Path | None = None
    error: str = ""


def retry_failed(ws: Workspace, files: list[Path]) -> list[Retried]:
    """``files`` (all of failed/ when none are named) back into the inbox at the same place, their error
    reports dropped; an error report named (``failed/*`` names them all) stands for its input and is never
    moved; a file outside failed/ is refused, never moved."""
    named = [f.resolve() for f in files] or [p for p in sorted(ws.failed.rglob("*"))
                                             if p.is_file() and not p.name.endswith(ERROR_REPORT_SUFFIX)]
    chosen: list[Path] = []
    out = []
    for path in named:
        if path.is_file() and path.name.endswith(ERROR_REPORT_SUFFIX):
            source = _input_of(path)
            if source is None:
                out.append(Retried(path, error="an error report whose input is no longer beside it; "
                                   "nothing to retry"))
                continue
            path = source
        if path not in chosen:
            chosen.append(path)
    for path in chosen:
        if not path.is_relative_to(ws.failed) or not path.is_file():
            out.append(Retried(path, error=f"not a file in {ws.failed}"))
            continue
        rel = path.relative_to(ws.failed)
        error_report_path(path).unlink(missing_ok=True)
        out.append(Retried(path, move_into(path, ws.inbox, rel)))
    return out


def _input_of(report: Path) -> Path | None:
    """The input beside ``report`` whose error report it is, if any."""
    plain = report.with_name(report.name.removesuffix(ERROR_REPORT_SUFFIX))
    if plain.is_file():
        return plain
    return next((p for p in report.parent.iterdir() if p.is_file() and p != report
                 and error_report_path(p) == report), None)
