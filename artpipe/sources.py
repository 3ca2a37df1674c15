"""Turn the paths a user names (files and folders) into the inputs to process, in a stable order.

Folders are walked recursively with the ignore rules. Links are never followed out of the folder
being walked, and a dangling link is reported, not a crash.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from artpipe.ignore import ignored
from artpipe.reasons import Reason
from artpipe.report.results import Failure, InputResult, Status


@dataclass(frozen=True)
class Source:
    """One input: where to read it, how to name it, and any verdict reached without opening it."""

    path: Path
    rel: PurePosixPath  # path below the folder it was found in (just the name for a file given directly)
    status: Status | None = None  # IGNORED or REJECTED when decided already
    reason: Reason | None = None
    message: str = ""


def digest(path: Path) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB blocks (how byte-identical copies are recognized)."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _link_verdict(path: Path, root: Path, rel: PurePosixPath) -> Source | None:
    """A Source for a link that must not be read, or None when it may be."""
    if not path.is_symlink():
        return None
    target = Path(os.path.realpath(path))
    if not target.exists():
        return Source(path, rel, Status.REJECTED, Reason.MISSING,
                      "a link to a file that does not exist; copy the file itself")
    if not target.is_relative_to(root.resolve()):
        return Source(path, rel, Status.REJECTED, Reason.UNSUPPORTED,
                      "a link pointing outside the folder is not followed; copy the file in instead")
    return None


def _special(path: Path, rel: PurePosixPath) -> Source | None:
    """A Source refusing a pipe, socket or device: opening a FIFO would wait for a writer for ever."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None  # gone or unreadable: the safe open says which
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return Source(path, rel, Status.REJECTED, Reason.UNSUPPORTED, "not a regular file (a pipe, socket or device); "
                  "copy the image file itself")


def _walk(root: Path, exclude: Path | None) -> Iterator[Source]:
    for folder, dirs, names in os.walk(root, followlinks=False):
        here = Path(folder)
        # Prune ignored folders (and the output folder) in place so os.walk does not descend into them.
        dirs[:] = sorted(d for d in dirs if not ignored(d, folder=True) and not (here / d).is_symlink()
                         and (exclude is None or (here / d).resolve() != exclude))
        for name in sorted(names):
            path = here / name
            rel = PurePosixPath(path.relative_to(root).as_posix())
            why = ignored(name)
            if why:
                yield Source(path, rel, Status.IGNORED, None, f"{why}; not processed")
                continue
            yield _link_verdict(path, root, rel) or _special(path, rel) or Source(path, rel)


def walk_sources(paths: Sequence[Path], exclude: Path | None = None) -> Iterator[Source]:
    """Every input below ``paths``: files as given, folders walked recursively (skipping ``exclude``)."""
    skip = exclude.resolve() if exclude is not None else None
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            yield from _walk(path, skip)
            continue
        rel = PurePosixPath(path.name)
        why = ignored(path.name)
        if why:
            yield Source(path, rel, Status.IGNORED, None, f"{why}; not processed")
        elif path.is_symlink() and not path.exists():
            yield Source(path, rel, Status.REJECTED, Reason.MISSING, "a link to a file that does not exist")
        else:
            yield _special(path, rel) or Source(path, rel)


def classify_sources(paths: Sequence[Path],
                     exclude: Path | None) -> Iterator[tuple[int, Source, InputResult | None]]:
    """Every input below ``paths`` in order, with its index and, when it is not to be processed, the result
    that says why: ignored, rejected without opening it, unreadable, or a byte-identical copy of an earlier one."""
    seen: dict[str, Path] = {}
    for index, source in enumerate(walk_sources(paths, exclude=exclude)):
        if source.status is not None:
            failure = Failure(source.reason, source.message) if source.reason is not None else None
            yield index, source, InputResult(source.path, source.status, failure, source.message)
            continue
        try:
            content = digest(source.path)
        except OSError as exc:
            yield index, source, InputResult(source.path, Status.REJECTED,
                                             Failure(Reason.MISSING, f"cannot read it ({exc.strerror})"))
            continue
        if content in seen:
            yield index, source, InputResult(source.path, Status.DUPLICATE, same_as=seen[content])
            continue
        seen[content] = source.path
        yield index, source, None

