"""What rendering a product produced, as types: the status of an input, where a byte budget landed for an
output, and a marketplace preset's verdict on an output. ``report.py`` turns them into the JSON report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from artpipe.imaging.checks import CheckResult


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
    """Where an output with a byte budget landed."""

    output: str
    bytes: int
    quality: int | None
    subsampling: str | None
    size: tuple[int, int]

    def to_json(self) -> dict[str, Any]:
        return {"output": self.output, "bytes": self.bytes, "quality": self.quality,
                "subsampling": self.subsampling, "size": list(self.size)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Encoded:
        size = data.get("size") or (0, 0)
        return cls(str(data["output"]), int(data.get("bytes", 0)), data.get("quality"), data.get("subsampling"),
                   (int(size[0]), int(size[1])))


@dataclass(frozen=True)
class OutputCheck:
    """A marketplace preset's rules checked on one written output."""

    output: str
    preset: str
    platform: str
    results: tuple[CheckResult, ...]

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
        return cls(str(data["output"]), str(data.get("preset", "")), str(data.get("platform", "")),
                   tuple(CheckResult(**r) for r in data.get("rules", [])))


def renamed(entry: Encoded | OutputCheck, name: Callable[[str], str]) -> Any:
    """``entry`` with its output path shown another way (a worker's path as the client shows it)."""
    return replace(entry, output=name(entry.output))
