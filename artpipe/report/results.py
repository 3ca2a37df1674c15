"""What a run produced, as types with real paths: a product's result (``ProductResult``) with one
``OutputResult`` per output (where its byte budget landed, its preset's verdict), a normalized file's result
(``FileResult``), an input decided without opening it (``InputResult``: ignored, a duplicate, a dangling link),
and why something failed (``Failure``). Batch, inbox, studio, proof and command line all read these;
``report/outcome.py`` alone turns them into report items and words, showing each path the way the client shows
paths."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from artpipe.imaging.checks import CheckResult
from artpipe.reasons import Note, Reason, WarningKind, notes, tokens


class Status(StrEnum):
    """An input's status; part of the report contract (extend, never rename). ``failed``: the input was fine but
    an output could not be made (reasons render, budget, write, corrupt)."""

    OK = "ok"
    REJECTED = "rejected"
    IGNORED = "ignored"
    DUPLICATE = "duplicate"
    FAILED = "failed"


@dataclass(frozen=True)
class Encoded:
    """Where an output with a byte budget landed (``output``: as the report shows it, set by the report)."""

    bytes: int
    quality: int | None
    subsampling: str | None
    size: tuple[int, int]
    output: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"output": self.output, "bytes": self.bytes, "quality": self.quality,
                "subsampling": self.subsampling, "size": list(self.size)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Encoded:
        size = data.get("size") or (0, 0)
        return cls(int(data.get("bytes", 0)), data.get("quality"), data.get("subsampling"),
                   (int(size[0]), int(size[1])), str(data.get("output", "")))


@dataclass(frozen=True)
class OutputCheck:
    """A marketplace preset's rules checked on one written output (``output``: the file as shown)."""

    preset: str
    platform: str
    results: tuple[CheckResult, ...]
    output: str = ""

    @property
    def passed(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def failing(self) -> tuple[CheckResult, ...]:
        return tuple(r for r in self.results if not r.ok)

    def to_json(self) -> dict[str, Any]:
        return {"output": self.output, "preset": self.preset, "platform": self.platform, "pass": self.passed,
                "rules": [r.__dict__ for r in self.results]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OutputCheck:
        return cls(str(data.get("preset", "")), str(data.get("platform", "")),
                   tuple(CheckResult(**r) for r in data.get("rules", [])), str(data.get("output", "")))


@dataclass(frozen=True)
class Failure:
    """Why an input or an output failed: a reason class and what to do. ``path``: the file it is about, which
    the report names before the message (so a worker never writes a path into text)."""

    reason: Reason
    message: str
    path: Path | None = None

    def moved(self, where: Mapping[Path, Path]) -> Failure:
        return self if self.path is None else replace(self, path=where.get(self.path, self.path))

    def to_json(self, base: Path | None = None) -> dict[str, Any]:
        return {"reason": self.reason, "message": self.message, "path": _path(self.path, base)}

    @classmethod
    def from_json(cls, data: dict[str, Any], base: Path | None = None) -> Failure:
        return cls(Reason(data["reason"]), str(data["message"]), _read_path(data.get("path"), base))


@dataclass(frozen=True)
class OutputResult:
    """One output of a product: written (where its byte budget landed, its preset's verdict) or why not."""

    path: Path
    failure: Failure | None = None
    warnings: tuple[Note, ...] = ()  # the render's own (a text cut, a layer dropped by a preset)
    encoded: Encoded | None = None  # when the output has a byte budget
    check: OutputCheck | None = None  # when it was rendered into a marketplace preset
    fonts: tuple[tuple[str, str], ...] = ()  # (text layer, face) for every face that drew its text

    def moved(self, where: Mapping[Path, Path]) -> OutputResult:
        return replace(self, path=where.get(self.path, self.path),
                       failure=self.failure.moved(where) if self.failure else None)

    def to_json(self, base: Path | None = None) -> dict[str, Any]:
        return {"path": _path(self.path, base), "failure": self.failure.to_json(base) if self.failure else None,
                "warnings": tokens(self.warnings), "encoded": self.encoded.to_json() if self.encoded else None,
                "check": self.check.to_json() if self.check else None, "fonts": [list(f) for f in self.fonts]}

    @classmethod
    def from_json(cls, data: dict[str, Any], base: Path | None = None) -> OutputResult:
        return cls(_read_path(data["path"], base) or Path(),
                   Failure.from_json(data["failure"], base) if data.get("failure") else None,
                   notes(data.get("warnings", [])),
                   Encoded.from_json(data["encoded"]) if data.get("encoded") else None,
                   OutputCheck.from_json(data["check"]) if data.get("check") else None,
                   tuple((str(layer), str(face)) for layer, face in data.get("fonts", [])))


@dataclass(frozen=True)
class ProductResult:
    """What rendering one product produced. ``input``: its primary photo, or the file that was rejected (None
    when the product has no photo and its sku names it); ``failure`` when it was rejected or lost, or the first
    of its outputs' failures."""

    input: Path | None
    sku: str
    status: Status
    failure: Failure | None = None
    outputs: tuple[OutputResult, ...] = ()
    warnings: tuple[Note, ...] = ()
    steps: tuple[str, ...] = ()
    elapsed_ms: float | None = None  # None: the product never rendered (rejected before, or lost)
    peak_rss_mb: float | None = None
    cached: bool = False  # nothing was rendered: this is the product's last result, kept (incremental runs)

    @property
    def written(self) -> tuple[OutputResult, ...]:
        return tuple(o for o in self.outputs if o.failure is None)

    @property
    def failures(self) -> tuple[Failure, ...]:
        return tuple(o.failure for o in self.outputs if o.failure is not None)

    @property
    def problem(self) -> Failure | None:
        """Why the product failed: its own failure (rejected, lost), else its first output's."""
        return self.failure or next(iter(self.failures), None)

    @property
    def notes(self) -> tuple[Note, ...]:
        """Every warning of the product, each once: its photo's, its written outputs', and a ``check_failed``
        for each marketplace rule a written output fails (in that order, as the report lists them)."""
        out = list(self.warnings)
        for o in self.written:
            out.extend(w for w in o.warnings if w not in out)
            if o.check is not None:
                out.extend(Note(WarningKind.CHECK_FAILED, f"{o.check.preset}:{c.rule}") for c in o.check.failing)
        return tuple(out)

    @property
    def checks(self) -> tuple[OutputCheck, ...]:
        """The marketplace verdicts of the written outputs."""
        return tuple(o.check for o in self.written if o.check is not None)

    def moved(self, where: Mapping[Path, Path]) -> ProductResult:
        """The result with every path looked up in ``where`` (a shipped worker's copies -> the client's files)."""
        return replace(self, input=where.get(self.input, self.input) if self.input else None,
                       failure=self.failure.moved(where) if self.failure else None,
                       outputs=tuple(o.moved(where) for o in self.outputs))

    def to_json(self, base: Path | None = None) -> dict[str, Any]:
        """The result as a record, for ``from_json`` to read back in a later run: paths absolute, or relative to
        ``base`` (a campaign folder, which may be moved with its record)."""
        return {"input": _path(self.input, base), "sku": self.sku, "status": str(self.status),
                "failure": self.failure.to_json(base) if self.failure else None,
                "outputs": [o.to_json(base) for o in self.outputs], "warnings": tokens(self.warnings),
                "steps": list(self.steps), "elapsed_ms": self.elapsed_ms, "peak_rss_mb": self.peak_rss_mb}

    @classmethod
    def from_json(cls, data: dict[str, Any], base: Path | None = None) -> ProductResult:
        """A record written by ``to_json`` (with the same ``base``); KeyError, TypeError or ValueError when it is
        of another shape."""
        return cls(_read_path(data.get("input"), base), str(data["sku"]), Status(data["status"]),
                   Failure.from_json(data["failure"], base) if data.get("failure") else None,
                   tuple(OutputResult.from_json(o, base) for o in data["outputs"]),
                   notes(data.get("warnings", [])), tuple(str(s) for s in data.get("steps", [])),
                   data.get("elapsed_ms"), data.get("peak_rss_mb"))


def _path(path: Path | None, base: Path | None = None) -> str | None:
    if path is None:
        return None
    if base is None:
        return os.path.abspath(path)
    return Path(os.path.relpath(os.path.abspath(path), os.path.abspath(base))).as_posix()


def _read_path(text: object, base: Path | None) -> Path | None:
    if not text:
        return None
    return Path(str(text)) if base is None else base / str(text)


@dataclass(frozen=True)
class FileResult:
    """What normalizing one file produced: the file written (``output``) or why not."""

    input: Path
    status: Status
    failure: Failure | None = None
    output: Path | None = None
    warnings: tuple[Note, ...] = ()
    format: str = ""
    size: tuple[int, int] = (0, 0)
    original_size: tuple[int, int] = (0, 0)
    subject: tuple[int, int, int, int] = (0, 0, 0, 0)
    steps: tuple[str, ...] = ()
    elapsed_ms: float | None = None


@dataclass(frozen=True)
class InputResult:
    """An input decided without opening it: ignored by name (``note`` says why), a byte-identical copy of an
    earlier input (``same_as``), or refused for what its path alone shows (a dangling link, a pipe)."""

    input: Path
    status: Status
    failure: Failure | None = None
    note: str = ""
    same_as: Path | None = None


ItemResult = ProductResult | FileResult | InputResult  # one input of a run, as every command streams them


def problem_of(result: ItemResult) -> Failure | None:
    """Why an input failed or was refused, None when it did not."""
    return result.problem if isinstance(result, ProductResult) else result.failure


def notes_of(result: ItemResult) -> tuple[Note, ...]:
    """Every warning of an input, as its report item lists them."""
    if isinstance(result, ProductResult):
        return result.notes
    return result.warnings if isinstance(result, FileResult) else ()


def written_of(result: ItemResult) -> tuple[Path, ...]:
    """The files an input's run wrote."""
    if isinstance(result, ProductResult):
        return tuple(o.path for o in result.written)
    return (result.output,) if isinstance(result, FileResult) and result.output is not None else ()


SETTLED = frozenset({Status.OK, Status.IGNORED, Status.DUPLICATE})  # statuses that leave nothing to do
