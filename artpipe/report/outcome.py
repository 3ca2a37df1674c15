"""Report items (``Outcome``) made from a worker's typed results, and the JSON report every input-processing
command writes. Paths become display strings here and nowhere else."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from artpipe.files import write_text_atomic
from artpipe.paths import display
from artpipe.reasons import Note, Reason, WarningKind, tokens
from artpipe.report.results import Encoded, Failure, FileResult, OutputCheck, ProductResult, Status

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


Show = Callable[[Path], str]  # a path as this report shows it


def what_went_wrong(outcome: Outcome) -> str:
    """A failed or rejected item in one line: a render failure already names its product's line in the job
    (``job.yaml:4: mug-01: promo-banner: layer price at size wide: ...``, as validate says it), which says
    more than the photo; anything else is about its input, named first."""
    if outcome.reason == Reason.RENDER:
        return outcome.message
    return f"{outcome.input}: {outcome.message}"


def told(failure: Failure, show: Show = display) -> str:
    """A failure's message, naming its file first when it is about one."""
    return f"{show(failure.path)}: {failure.message}" if failure.path is not None else failure.message


def product_item(result: ProductResult, show: Show = display) -> Outcome:
    """The report item of a rendered (or rejected, or lost) product."""
    name = show(result.input) if result.input is not None else result.sku
    extra: dict[str, Any] = {"sku": result.sku}
    if result.steps:
        extra["steps"] = list(result.steps)
    if result.elapsed_ms is not None:
        extra["elapsed_ms"] = result.elapsed_ms
        extra["peak_rss_mb"] = result.peak_rss_mb
    fonts: dict[str, list[str]] = {}
    for out in result.written:
        for layer, face in out.fonts:
            fonts.setdefault(layer, [])
            if face not in fonts[layer]:
                fonts[layer].append(face)
    if fonts:
        extra["fonts"] = fonts  # which faces drew each text layer
    if result.cached:
        extra["cached"] = True
    warnings = list(result.warnings)
    for out in result.written:
        warnings.extend(w for w in out.warnings if w not in warnings)
        if out.check is not None:
            warnings.extend(Note(WarningKind.CHECK_FAILED, f"{out.check.preset}:{c.rule}") for c in out.check.failing)
    said = tuple(tokens(warnings))  # typed until here: spelt as report.json spells them
    written = result.written
    outputs = tuple(show(o.path) for o in written)
    encoded = tuple(replace(o.encoded, output=show(o.path)) for o in written if o.encoded is not None)
    checks = tuple(replace(o.check, output=show(o.path)) for o in written if o.check is not None)
    errors = tuple(told(f, show) for f in result.failures)
    failure = result.failure or (result.failures[0] if errors else None)
    if failure is None:
        return Outcome(name, str(result.status), None, count(len(outputs), "output"), outputs, said, extra,
                       encoded, checks)
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return Outcome(name, str(result.status), failure.reason, told(failure, show) + more, outputs, said,
                   extra, encoded, checks, errors if errors else ())


def file_item(result: FileResult, show: Show = display) -> Outcome:
    """The report item of a normalized (or rejected) file."""
    name = show(result.input)
    if result.failure is not None:
        return Outcome(name, str(result.status), result.failure.reason, told(result.failure, show),
                       warnings=tuple(tokens(result.warnings)))
    extra = {"format": result.format, "size": list(result.size), "original_size": list(result.original_size),
             "subject": list(result.subject), "steps": list(result.steps), "elapsed_ms": result.elapsed_ms}
    return Outcome(name, str(result.status), None, f"{result.size[0]}x{result.size[1]} {result.format}",
                   (show(result.output),) if result.output else (), tuple(tokens(result.warnings)), extra)


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
