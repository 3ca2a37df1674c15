"""Outcomes (report items) and the JSON report every input-processing command writes."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from artpipe.files import write_text_atomic
from artpipe.results import Encoded, OutputCheck, Status, renamed

STATUSES = tuple(str(s) for s in Status)  # item statuses, part of the report contract (see results.Status)


@dataclass(frozen=True)
class Outcome:
    """What happened to one input: ``{input, status, reason, message, outputs, warnings}``."""

    input: str
    status: str
    reason: str | None = None
    message: str = ""
    outputs: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. sku, steps, elapsed_ms
    encoded: tuple[Encoded, ...] = ()  # where the outputs with a byte budget landed
    checks: tuple[OutputCheck, ...] = ()  # marketplace rules on the outputs rendered into presets
    errors: tuple[str, ...] = ()  # every output that could not be made, when there were several

    def to_json(self) -> dict[str, Any]:
        """The item as written in the report."""
        data: dict[str, Any] = {"input": self.input, "status": str(self.status), "reason": self.reason,
                                "message": self.message, "outputs": list(self.outputs),
                                "warnings": list(self.warnings), **self.extra}
        if self.encoded:
            data["encoded"] = [e.to_json() for e in self.encoded]
        if self.checks:
            data["checks"] = [c.to_json() for c in self.checks]
        if self.errors:
            data["errors"] = list(self.errors)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any], **extra: Any) -> Outcome:
        """An item read back from a report (``extra`` added, e.g. cached=True)."""
        typed = ("input", "status", "reason", "message", "outputs", "warnings", "encoded", "checks", "errors")
        rest = {k: v for k, v in data.items() if k not in typed}
        return cls(str(data["input"]), str(data["status"]), data.get("reason"), str(data.get("message") or ""),
                   tuple(data.get("outputs", [])), tuple(data.get("warnings", [])), {**rest, **extra},
                   tuple(Encoded.from_json(e) for e in data.get("encoded", [])),
                   tuple(OutputCheck.from_json(c) for c in data.get("checks", [])),
                   tuple(str(m) for m in data.get("errors", [])))

    def shown(self, name: Callable[[str], str]) -> Outcome:
        """The outcome with every output path (outputs, encoded, checks) shown through ``name``."""
        return replace(self, outputs=tuple(name(o) for o in self.outputs),
                       encoded=tuple(renamed(e, name) for e in self.encoded),
                       checks=tuple(renamed(c, name) for c in self.checks))


def count(n: int, noun: str) -> str:
    """``1 file``, ``12 files``: for summary lines."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def warnings_note(outcomes: Iterable[Outcome]) -> str:
    """For a summary line: ``, 16 warnings (see the report)``, or nothing when there are none."""
    n = sum(len(o.warnings) for o in outcomes)
    return f", {count(n, 'warning')} (see the report)" if n else ""


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
