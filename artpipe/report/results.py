"""What a worker produced, as types with real paths: a product's result (``ProductResult``) with one
``OutputResult`` per output (where its byte budget landed, its preset's verdict), a normalized file's result
(``FileResult``), and why something failed (``Failure``). ``report.py`` alone turns them into report items,
showing each path the way the client shows paths."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from artpipe.imaging.checks import CheckResult
from artpipe.reasons import Note, Reason, notes, tokens


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

    def to_json(self) -> dict[str, Any]:
        return {"reason": self.reason, "message": self.message, "path": _path(self.path)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Failure:
        return cls(Reason(data["reason"]), str(data["message"]), Path(data["path"]) if data.get("path") else None)


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

    def to_json(self) -> dict[str, Any]:
        return {"path": _path(self.path), "failure": self.failure.to_json() if self.failure else None,
                "warnings": tokens(self.warnings), "encoded": self.encoded.to_json() if self.encoded else None,
                "check": self.check.to_json() if self.check else None, "fonts": [list(f) for f in self.fonts]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OutputResult:
        return cls(Path(data["path"]), Failure.from_json(data["failure"]) if data.get("failure") else None,
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

    def moved(self, where: Mapping[Path, Path]) -> ProductResult:
        """The result with every path looked up in ``where`` (a shipped worker's copies -> the client's files)."""
        return replace(self, input=where.get(self.input, self.input) if self.input else None,
                       failure=self.failure.moved(where) if self.failure else None,
                       outputs=tuple(o.moved(where) for o in self.outputs))

    def to_json(self) -> dict[str, Any]:
        """The result as a record (paths absolute), for ``from_json`` to read back in a later run."""
        return {"input": _path(self.input), "sku": self.sku, "status": str(self.status),
                "failure": self.failure.to_json() if self.failure else None,
                "outputs": [o.to_json() for o in self.outputs], "warnings": tokens(self.warnings),
                "steps": list(self.steps), "elapsed_ms": self.elapsed_ms, "peak_rss_mb": self.peak_rss_mb}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ProductResult:
        """A record written by ``to_json``; KeyError, TypeError or ValueError when it is of another shape."""
        return cls(Path(data["input"]) if data.get("input") else None, str(data["sku"]), Status(data["status"]),
                   Failure.from_json(data["failure"]) if data.get("failure") else None,
                   tuple(OutputResult.from_json(o) for o in data["outputs"]),
                   notes(data.get("warnings", [])), tuple(str(s) for s in data.get("steps", [])),
                   data.get("elapsed_ms"), data.get("peak_rss_mb"))


def _path(path: Path | None) -> str | None:
    return os.path.abspath(path) if path is not None else None


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
