"""The exception tree; every user-facing message is one line.

    ArtpipeError                 base class; never raised itself
    ├── ConfigError              a template, job or workspace file is wrong (exit 2; `validate` exits 1)
    │   │                        .problems: every Problem found, reported all at once
    │   └── WatcherRunning       another watcher holds the workspace (exit 2; `watch --once` notes it, exit 0)
    ├── InputError               an input file is rejected (item status "rejected", exit 1)
    │                            .reason: one of REJECT_REASONS
    └── RenderError              a template cannot be rendered with these fields at this size
                                 (item status "failed", reason "render", exit 1)

A Problem formats compiler style: ``file:line:col: where: what (hint)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from artpipe.reasons import REJECT_REASONS as REJECT_REASONS  # reasons an input is rejected (see reasons.Reason)
from artpipe.reasons import Reason


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a configuration file, with where it is."""

    file: str
    line: int
    col: int
    where: str
    what: str
    hint: str = ""

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}:{self.col}" if self.line else self.file
        where = f" {self.where}:" if self.where else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{place}:{where} {self.what}{hint}"


class ArtpipeError(Exception):
    """Base of every expected failure; its str() is the one line a user sees."""


class ConfigError(ArtpipeError):
    """A template, job or workspace file has one or more problems."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class WatcherRunning(ConfigError):
    """Another ``artpipe watch`` holds this workspace's lock."""


class InputError(ArtpipeError):
    """An input file cannot be used; ``reason`` classifies why."""

    def __init__(self, path: str, reason: Reason | str, message: str) -> None:
        if reason not in REJECT_REASONS:
            msg = f"unknown reject reason {reason!r}"
            raise ValueError(msg)
        self.path = path
        self.reason = Reason(reason)
        self.message = message
        super().__init__(f"{path}: {message}")


class RenderError(ArtpipeError):
    """A template cannot be rendered with these values at this size."""

    def __init__(self, origin: str, message: str) -> None:
        self.origin = origin
        self.message = message
        super().__init__(f"{origin}: {message}")
