"""Which route a file gets, from its path inside the inbox (pure)."""

from __future__ import annotations

from pathlib import PurePosixPath

from artpipe.config import Route


def _glob(path: PurePosixPath, pattern: str) -> bool:
    """Glob match where ``**`` spans folders (any depth, also none) and ``*`` stays within one."""
    parts, pats = path.parts, PurePosixPath(pattern).parts

    def match(i: int, j: int) -> bool:
        if j == len(pats):
            return i == len(parts)
        if pats[j] == "**":
            return any(match(k, j + 1) for k in range(i, len(parts) + 1))
        return i < len(parts) and PurePosixPath(parts[i]).match(pats[j]) and match(i + 1, j + 1)
    return match(0, 0)


def route_for(rel: PurePosixPath, routes: tuple[Route, ...]) -> Route | None:
    """The first route whose pattern matches ``rel`` (its path inside the inbox), or None."""
    return next((r for r in routes if _glob(rel, r.match)), None)
