"""Small typed readers over parsed YAML that collect every problem, then raise once.

A ``Reader`` wraps one ``YMap`` and a display path such as ``layers[2] (headline).font``. Each accessor
returns a usable value (the default on error) and records a ``Problem`` instead of raising, so one
``validate`` run lists every mistake in a file, compiler style.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from artpipe.errors import ConfigError, Problem
from artpipe.yamlsrc import Mark, YList, YMap

T = TypeVar("T")
_MISSING: Any = object()


class Problems:
    """An ordered collection of problems found while reading configuration."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, problem: Problem) -> None:
        """Record one problem."""
        self.items.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        """Record problems raised elsewhere (e.g. by a nested file)."""
        self.items.extend(problems)

    def raise_if_any(self) -> None:
        """Raise one ConfigError carrying every problem, if there were any."""
        if self.items:
            raise ConfigError(self.items)


def suggest(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str:
    """Return a "did you mean X?" hint, or "" when nothing is close enough (difflib ratio >= ``cutoff``)."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return f"did you mean {close[0]}?" if close else ""


def type_name(value: Any) -> str:
    """Name a YAML value's type the way a template author would say it."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    if value is None:
        return "empty"
    if isinstance(value, int | float):
        return "a number"
    return "text"


class Reader:
    """Typed access to one YAML mapping, recording problems with file:line:col."""

    def __init__(self, node: YMap, where: str, problems: Problems) -> None:
        self.node = node
        self.where = where
        self.problems = problems

    @property
    def file(self) -> str:
        return self.node.file

    def path(self, key: str | None) -> str:
        """The display path of ``key`` below this mapping."""
        if key is None:
            return self.where
        return f"{self.where}.{key}" if self.where else key

    def mark(self, key: str | None = None, *, at_key: bool = False) -> Mark:
        """Where ``key``'s value (or the key itself) stands; the mapping's own mark for None or absent keys."""
        if key is None:
            return self.node.mark
        marks = self.node.key_marks if at_key else self.node.value_marks
        return marks.get(key, self.node.mark)

    def origin(self, key: str | None = None) -> str:
        """``file:line`` of ``key`` (or of the mapping), for render-time messages."""
        return f"{self.file}:{self.mark(key)[0]}"

    def problem(self, key: str | None, what: str, hint: str = "", *, at_key: bool = False) -> None:
        """Record a problem about ``key`` (or about the whole mapping when None)."""
        line, col = self.mark(key, at_key=at_key)
        self.problems.add(Problem(self.file, line, col, self.path(key), what, hint))

    def check_keys(self, allowed: Iterable[str], required: Sequence[str] = ()) -> None:
        """Flag unknown keys (with a did-you-mean hint) and missing required ones."""
        allowed = list(allowed)
        for key in self.node:
            if key not in allowed:
                hint = suggest(key, allowed) or f"known keys: {', '.join(sorted(allowed))}"
                self.problem(key, "unknown key", hint, at_key=True)
        for key in required:
            if key not in self.node:
                self.problem(None, f"missing required key '{key}'")

    def has(self, key: str) -> bool:
        return key in self.node

    def raw(self, key: str, default: Any = None) -> Any:
        """The value as parsed, unchecked."""
        return self.node.get(key, default)

    def typed(self, key: str, kind: type[T] | tuple[type, ...], what: str, default: Any = _MISSING) -> Any:
        """The value if it is of ``kind``; otherwise record '<key> must be <what>' and return ``default``."""
        if key not in self.node:
            if default is _MISSING:
                self.problem(None, f"missing required key '{key}'")
                return None
            return default
        value = self.node[key]
        # bool is an int in Python; a YAML `yes` must not pass as a number.
        if isinstance(value, kind) and not (isinstance(value, bool) and bool not in _as_tuple(kind)):
            return value
        self.problem(key, f"must be {what}, not {type_name(value)}")
        return None if default is _MISSING else default

    def text(self, key: str, default: Any = _MISSING) -> Any:
        """A string value (numbers are accepted and turned into text)."""
        value = self.typed(key, (str, int, float), "text", default)
        return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value

    def number(self, key: str, default: Any = _MISSING, *, minimum: float | None = None,
               maximum: float | None = None, integer: bool = False) -> Any:
        """A number within [minimum, maximum]."""
        kind: tuple[type, ...] = (int,) if integer else (int, float)
        value = self.typed(key, kind, "a whole number" if integer else "a number", default)
        if isinstance(value, float) and not math.isfinite(value) and key in self.node:  # .nan, .inf in YAML
            self.problem(key, f"{value} is not a finite number", "write a plain number")
            return default if default is not _MISSING else (minimum or 0)
        if isinstance(value, int | float) and not isinstance(value, bool) and key in self.node:
            if minimum is not None and value < minimum:
                self.problem(key, f"{value} is below the minimum {minimum:g}")
                return default if default is not _MISSING else minimum
            if maximum is not None and value > maximum:
                self.problem(key, f"{value} is above the maximum {maximum:g}")
                return default if default is not _MISSING else maximum
        return value

    def flag(self, key: str, default: bool) -> bool:
        """A true/false value."""
        value = self.typed(key, bool, "true or false", default)
        return bool(value)

    def choice(self, key: str, choices: Sequence[str], default: Any = _MISSING) -> Any:
        """One of ``choices``; a near miss gets a did-you-mean hint."""
        value = self.text(key, default)
        if key in self.node and value is not None and value not in choices:
            hint = suggest(str(value), choices)
            self.problem(key, f"'{value}' is not one of {', '.join(choices)}", hint)
            return default if default is not _MISSING else choices[0]
        return value

    def names(self, key: str, what: str, default: Any = None) -> list[str] | None:
        """One name or a list of names (``platforms: tmall`` or ``[tmall, jd]``); None when absent.
        Anything else is recorded as '<key> must be <what>' and reads as an empty list."""
        raw = self.node.get(key, default)
        if raw is None:
            return None
        names = [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, list) else None
        if names is None or not all(isinstance(n, str) for n in names):
            self.problem(key, f"must be {what}")
            return []
        return names

    def mapping(self, key: str, *, required: bool = False) -> Reader | None:
        """A nested mapping as a Reader, or None when absent (or wrong, which is recorded)."""
        if key not in self.node:
            if required:
                self.problem(None, f"missing required key '{key}'")
            return None
        value = self.node[key]
        if not isinstance(value, YMap):
            self.problem(key, f"must be a mapping, not {type_name(value)}")
            return None
        return Reader(value, self.path(key), self.problems)

    def sequence(self, key: str, *, required: bool = False) -> YList | None:
        """A nested list, or None when absent (or wrong, which is recorded)."""
        if key not in self.node:
            if required:
                self.problem(None, f"missing required key '{key}'")
            return None
        value = self.node[key]
        if not isinstance(value, YList):
            self.problem(key, f"must be a list, not {type_name(value)}")
            return None
        return value

    def item(self, seq: YList, index: int, where: str) -> Reader | None:
        """Item ``index`` of ``seq`` as a Reader when it is a mapping (else recorded)."""
        value = seq[index]
        if not isinstance(value, YMap):
            line, col = seq.item_marks[index]
            self.problems.add(Problem(seq.file, line, col, where, f"must be a mapping, not {type_name(value)}"))
            return None
        return Reader(value, where, self.problems)


def single(like: YMap, key: str, value: Any, mark: Mark) -> YMap:
    """A one-key mapping holding ``value`` at ``mark``, so a list item can be read like a mapping's value."""
    node = YMap(like.file, mark, like.folder)
    node[key] = value
    node.value_marks[key] = mark
    node.key_marks[key] = mark
    node.value_folders[key] = like.folder
    return node


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)
