"""The only module that writes to disk: atomic writes and temp-name cleanup."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import tempfile
from pathlib import Path

from PIL import Image

TEMP_PREFIX = ".artpipe-"
_NAME_BYTES = 255  # the longest file name ext4, APFS and NTFS take
TEMP_SUFFIX = ".tmp"


def _file_mode() -> int:
    """The mode a plainly created file gets (0o666 less the umask); mkstemp's own 0o600 would hide
    outputs from the other designers on a shared folder."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


_MODE = _file_mode()


def write_atomic(path: Path, data: bytes, *, private: bool = False) -> None:
    """Write ``data`` to ``path`` so readers see the old file or the whole new one, never a part (``private``:
    readable by its owner only, from the first byte on: a key).

    The bytes go to a temp file in the same folder (same filesystem, so ``os.replace`` is atomic),
    are flushed to disk, then renamed over the target.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        os.fchmod(fd, 0o600 if private else _MODE)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def writable_folder(folder: Path) -> str | None:
    """Create ``folder`` if needed and prove a file can be written in it; None when fine, else why not (a
    read-only share, a full disk, a path through a file), in words for a one-line error."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=folder)
        os.close(fd)
        os.unlink(probe)  # our own empty probe file, never anybody's data
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


ERROR_REPORT_SUFFIX = ".error.json"


def error_report_path(failed: Path) -> Path:
    """Where the error report of the input ``failed`` is: ``<name>.error.json`` beside it, or for a name too
    long for the suffix (names are limited to 255 bytes) a shortened one keeping a hash of the whole name."""
    name = f"{failed.name}{ERROR_REPORT_SUFFIX}"
    if len(name.encode("utf-8")) > _NAME_BYTES:
        short = failed.name.encode("utf-8")[:_NAME_BYTES - 40].decode("utf-8", errors="ignore")
        name = f"{short}-{hashlib.sha256(failed.name.encode('utf-8')).hexdigest()[:12]}{ERROR_REPORT_SUFFIX}"
    return failed.with_name(name)


def write_error_report(failed: Path, error: dict[str, str]) -> Path:
    """Write the error report beside a file moved to failed/ (the one place it is written; see
    ``error_report_path``)."""
    path = error_report_path(failed)
    write_text_atomic(path, json.dumps(error, ensure_ascii=False, indent=2) + "\n")
    return path


def write_text_atomic(path: Path, text: str) -> None:
    """Write UTF-8 text atomically."""
    write_atomic(path, text.encode("utf-8"))


def clean_temp_files(folder: Path) -> list[Path]:
    """Remove temp files a killed run left below ``folder``; return what was removed."""
    removed = []
    if folder.is_dir():
        for tmp in folder.rglob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
                removed.append(tmp)
    return removed


def remove_output(path: Path) -> None:
    """Remove a file artpipe wrote that no longer applies (a stale diff); never used on inputs."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def make_private(path: Path) -> None:
    """Make ``path`` readable by its owner only, creating it empty first when missing (a database of password
    hashes and sessions: SQLite gives its -wal and -shm files the same mode)."""
    if not path.exists():
        write_atomic(path, b"", private=True)
    path.chmod(0o600)


def remove_folder(folder: Path) -> None:
    """Remove a folder artpipe made and everything in it (an abandoned form's photos); never used on inputs."""
    shutil.rmtree(folder, ignore_errors=True)


def write_png(path: Path, image: Image.Image) -> None:
    """Write an image as PNG, atomically (previews and sheets)."""
    buf = io.BytesIO()
    image.save(buf, "PNG", optimize=False)
    write_atomic(path, buf.getvalue())


def fsync_dir(folder: Path) -> None:
    """Make a folder's entries (new names, renames) durable, not just the files' bytes."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def move_into(src: Path, dest_root: Path, rel: Path) -> Path:
    """Move ``src`` to ``dest_root/rel`` (never over an existing file: ``-2``, ``-3``... are added) and make
    the move durable. The inbox uses it to archive or fail inputs after their outputs are on disk."""
    dest = dest_root / rel
    dest.parent.mkdir(parents=True, exist_ok=True)
    n = 1
    while dest.exists():
        n += 1
        dest = dest_root / rel.parent / f"{rel.stem}-{n}{rel.suffix}"
    os.replace(src, dest)
    fsync_dir(dest.parent)
    fsync_dir(src.parent)
    return dest


class Revertible:
    """Writes that can all be taken back: a form that is refused leaves its folder as it found it (the files it
    added removed, the ones it replaced put back, the folders it made gone); kept, the replaced versions go."""

    def __init__(self, root: Path, aside: Path) -> None:
        self.root = root  # folders made inside it are removed again on revert; it and its parents never
        self.aside = aside  # where replaced files wait until the writes are kept or reverted
        self.created: list[Path] = []
        self.replaced: dict[Path, Path] = {}
        self.folders: list[Path] = []

    def write(self, path: Path, data: bytes) -> None:
        """Write ``data`` to ``path``, remembering what was there."""
        self._folder(path.parent)
        if path.exists() and path not in self.created and path not in self.replaced:
            self._folder(self.aside)
            kept = self.aside / str(len(self.replaced))
            os.replace(path, kept)
            self.replaced[path] = kept
        elif path not in self.replaced and path not in self.created:
            self.created.append(path)
        write_atomic(path, data)

    def remove(self, path: Path) -> None:
        """Remove a file this writer wrote (a photo found unusable), putting back what it replaced."""
        if path in self.replaced:
            os.replace(self.replaced.pop(path), path)
        elif path in self.created:
            self.created.remove(path)
            path.unlink(missing_ok=True)

    def revert(self) -> None:
        """Take every write back."""
        for path in self.created:
            path.unlink(missing_ok=True)
        for path, kept in self.replaced.items():
            os.replace(kept, path)
        self._drop_aside()
        for folder in reversed(self.folders):
            with contextlib.suppress(OSError):  # not empty: something else put a file there
                folder.rmdir()

    def keep(self) -> None:
        """Keep every write; what they replaced is deleted."""
        for kept in self.replaced.values():
            kept.unlink(missing_ok=True)
        self._drop_aside()

    def _folder(self, folder: Path) -> None:
        missing = [p for p in (folder, *folder.parents) if not p.exists() and p.is_relative_to(self.root)
                   and p != self.root]
        folder.mkdir(parents=True, exist_ok=True)
        self.folders += reversed(missing)  # outermost first, so revert removes the innermost first

    def _drop_aside(self) -> None:
        if self.aside in self.folders:
            self.folders.remove(self.aside)
        with contextlib.suppress(OSError):
            self.aside.rmdir()
