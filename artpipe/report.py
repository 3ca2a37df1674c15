"""Outcomes (report items) and the JSON report every input-processing command writes."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from artpipe.files import write_text_atomic

# Item statuses; part of the report contract (extend, never rename). "failed": the input was fine but
# a template could not be rendered with its fields (reason "render").
STATUSES = ("ok", "rejected", "ignored", "duplicate", "failed")


@dataclass(frozen=True)
class Outcome:
    """What happened to one input: ``{input, status, reason, message, outputs, warnings}``."""

    input: str
    status: str
    reason: str | None = None
    message: str = ""
    outputs: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. sku, elapsed_ms

    def to_json(self) -> dict[str, Any]:
        """The item as written in the report."""
        data = asdict(self)
        extra = data.pop("extra")
        data["outputs"] = list(self.outputs)
        data["warnings"] = list(self.warnings)
        data.update(extra)
        return data


def count(n: int, noun: str) -> str:
    """``1 file``, ``12 files``: for summary lines."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def summarize(outcomes: Iterable[Outcome]) -> dict[str, int]:
    """Counts per status plus the number of files written."""
    items = list(outcomes)
    counts = Counter(o.status for o in items)
    summary = {status: counts.get(status, 0) for status in STATUSES}
    summary["outputs"] = sum(len(o.outputs) for o in items)
    return summary


def write_report(path: Path, outcomes: Iterable[Outcome], meta: dict[str, Any]) -> None:
    """Write ``{"items": [...], "summary": {...}, ...meta}`` atomically."""
    items = list(outcomes)
    doc = {**meta, "summary": summarize(items), "items": [o.to_json() for o in items]}
    write_text_atomic(path, json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
