"""Untrusted paths, resolved once against the folder they belong to and refused when they leave it.

A path written in a merchant's file, a template, a sidecar or an output pattern is somebody else's text: it may be
absolute, climb out with ``..``, name a Windows drive, or reach through a link. Every loader asks ``inside``.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path, PurePosixPath


def display(path: Path, absolute: bool = False) -> str:
    """A path as a report shows it: relative to the working folder when below it, else absolute; always absolute
    with ``absolute`` (a worker whose working folder is not the client's)."""
    if not absolute:
        try:
            return str(path.resolve().relative_to(Path.cwd()))
        except ValueError:
            pass
    return os.path.abspath(path)  # "..", "." folded away, links kept as named


def command(*words: str | Path) -> str:
    """A command as a hint prints it, to copy and paste: each word shell-quoted, so a path with spaces or
    quotes stays one word (``artpipe watch --config '/Users/anna/My Studio'``)."""
    return shlex.join(str(w) for w in words)


class UnsafePath(ValueError):
    """A path that would leave its folder; the message says how, for a one-line error."""


def inside(root: Path, value: str, base: Path | None = None) -> Path:
    """``value`` (written in a file that lives in ``base``, by default ``root``) as an absolute path that stays
    inside ``root``; UnsafePath when it is absolute, uses ``..``, names a drive, or leads out through a link."""
    text = value.replace("\\", "/")
    pure = PurePosixPath(text)
    if pure.is_absolute() or text[1:3] == ":/" or text.startswith("~"):
        msg = f"'{value}' is an absolute path; name a file inside the folder"
        raise UnsafePath(msg)
    if ".." in pure.parts:
        msg = f"'{value}' climbs out of the folder with '..'; name a file inside it"
        raise UnsafePath(msg)
    folder = root.resolve()
    path = ((base or root).resolve() / pure).resolve()
    if not path.is_relative_to(folder):
        msg = f"'{value}' leads outside the folder (through a link); copy the file in instead"
        raise UnsafePath(msg)
    return path
