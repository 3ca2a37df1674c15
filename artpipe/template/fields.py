"""Plain ``$name`` / ``${name}`` substitution: no expressions, no code. ``$$`` is a literal dollar sign."""

from __future__ import annotations

import re
from collections.abc import Mapping

_REF = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*)|(\$))")


def references(text: str) -> list[str]:
    """Field names ``text`` refers to, in order of appearance."""
    return [m.group(1) or m.group(2) for m in _REF.finditer(text) if not m.group(3)]


def substitute(text: str, values: Mapping[str, str]) -> str:
    """Replace every reference with its value (missing values become empty text)."""
    def repl(m: re.Match[str]) -> str:
        if m.group(3):
            return "$"
        return values.get(m.group(1) or m.group(2), "")
    return _REF.sub(repl, text)


def single_reference(text: str) -> str | None:
    """The field name when ``text`` is exactly one reference (``$logo``), else None."""
    m = _REF.fullmatch(text.strip())
    return (m.group(1) or m.group(2)) if m and not m.group(3) else None
