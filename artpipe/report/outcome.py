"""The edge where typed results become words: report items (``Outcome``, a view of one ``ItemResult``), the
JSON report every input-processing command writes, and the lines the console prints. Paths become display
strings here and nowhere else; everything before this module passes ``results`` types."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from artpipe.files import write_text_atomic
from artpipe.paths import display
from artpipe.reasons import Reason, tokens
from artpipe.report.results import (
    Encoded,
    Failure,
    FileResult,
    InputResult,
    ItemResult,
    OutputCheck,
    ProductResult,
    Status,
    notes_of,
    problem_of,
    written_of,
)

if TYPE_CHECKING:
    from artpipe.approval import Change

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
        """An item read back from a report (``extra`` added), for tools that read reports."""
        typed = ("input", "status", "reason", "message", "outputs", "warnings", "encoded", "checks", "errors")
        rest = {k: v for k, v in data.items() if k not in typed}
        return cls(str(data["input"]), str(data["status"]), data.get("reason"), str(data.get("message") or ""),
                   tuple(data.get("outputs", [])), tuple(data.get("warnings", [])), {**rest, **extra},
                   tuple(Encoded.from_json(e) for e in data.get("encoded", [])),
                   tuple(OutputCheck.from_json(c) for c in data.get("checks", [])),
                   tuple(str(m) for m in data.get("errors", [])))


Show = Callable[[Path], str]  # a path as this report shows it
Approvals = Mapping[Path, "Change"]  # a campaign's outputs (resolved) compared with their approved versions


def item(result: ItemResult, show: Show = display, approvals: Approvals | None = None) -> Outcome:
    """The report item of any input; with ``approvals`` (a campaign compared with its approved set), the
    state of each of its outputs as ``approval``."""
    if isinstance(result, ProductResult):
        return product_item(result, show, approvals)
    view = file_item(result, show) if isinstance(result, FileResult) else input_item(result, show)
    return view if approvals is None else replace(view, extra={**view.extra, "approval": []})


def what_went_wrong(result: ItemResult, show: Show = display) -> str:
    """A failed or rejected input in one line: a render failure already names its product's line in the job
    (``job.yaml:4: mug-01: promo-banner: layer price at size wide: ...``, as validate says it), which says
    more than the photo; anything else is about its input, named first."""
    view = item(result, show)
    problem = problem_of(result)
    if problem is not None and problem.reason is Reason.RENDER:
        return view.message
    return f"{view.input}: {view.message}"


def problem_line(result: ItemResult, show: Show = display) -> str:
    """One failed or rejected input as the console prints it: ``rejected: photos/a.jpg: the file is cut short``."""
    return f"{result.status}: {what_went_wrong(result, show)}"


def said(result: ItemResult, show: Show = display) -> str:
    """What the report item says of an input (``message``): why it failed, or what it made."""
    return item(result, show).message


def name_of(result: ItemResult, show: Show = display) -> str:
    """How people know an input: a product by its sku, any other input by its file."""
    return result.sku if isinstance(result, ProductResult) else show(result.input)


def told(failure: Failure, show: Show = display) -> str:
    """A failure's message, naming its file first when it is about one."""
    return f"{show(failure.path)}: {failure.message}" if failure.path is not None else failure.message


def product_item(result: ProductResult, show: Show = display, approvals: Approvals | None = None) -> Outcome:
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
    written = result.written
    if approvals is not None:
        extra["approval"] = [{"output": show(o.path), "state": c.state, "diff": c.diff} for o in written
                             if (c := approvals.get(o.path.resolve())) is not None]
    warned = tuple(tokens(result.notes))  # typed until here: spelt as report.json spells them
    outputs = tuple(show(o.path) for o in written)
    encoded = tuple(replace(o.encoded, output=show(o.path)) for o in written if o.encoded is not None)
    checks = tuple(replace(o.check, output=show(o.path)) for o in written if o.check is not None)
    errors = tuple(told(f, show) for f in result.failures)
    failure = result.failure or (result.failures[0] if errors else None)
    if failure is None:
        return Outcome(name, str(result.status), None, count(len(outputs), "output"), outputs, warned, extra,
                       encoded, checks)
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return Outcome(name, str(result.status), failure.reason, told(failure, show) + more, outputs, warned,
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


def input_item(result: InputResult, show: Show = display) -> Outcome:
    """The report item of an input decided without opening it (ignored, a duplicate, a dangling link)."""
    if result.failure is not None:
        return Outcome(show(result.input), str(result.status), result.failure.reason, told(result.failure, show))
    message = f"same bytes as {show(result.same_as)}; processed once" if result.same_as is not None else result.note
    return Outcome(show(result.input), str(result.status), None, message)


def count(n: int, noun: str) -> str:
    """``1 file``, ``12 files``: for summary lines."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def warnings_note(results: Iterable[ItemResult]) -> str:
    """For a summary line: ``, 16 warnings (see the report)``, or nothing when there are none."""
    n = sum(len(notes_of(r)) for r in results)
    return f", {count(n, 'warning')} (see the report)" if n else ""


def summarize(results: Iterable[ItemResult]) -> dict[str, int]:
    """Counts per status plus the number of files written."""
    items = list(results)
    counts = Counter(r.status for r in items)
    summary = {str(status): counts.get(status, 0) for status in Status}
    summary["outputs"] = sum(len(written_of(r)) for r in items)
    return summary


def write_report(path: Path, results: Iterable[ItemResult], meta: dict[str, Any], *,
                 approvals: Approvals | None = None, show: Show = display) -> None:
    """Write ``{"items": [...], "summary": {...}, ...meta}`` atomically (``approvals``: see ``item``)."""
    items = list(results)
    doc = {**meta, "summary": summarize(items), "items": [item(r, show, approvals).to_json() for r in items]}
    write_text_atomic(path, json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
