"""Which file and folder names are never processed: temporary, partial and system files.

The rules are data (``ignore`` in defaults.yaml) shared by ``normalize`` and the watched inbox, so a
half-copied or half-downloaded file is never mistaken for a broken photo.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from artpipe.defaults import settings

_WHY = {
    "*.part": "a partial download", "*.crdownload": "a partial download", "*.download": "a partial download",
    "*.tmp": "a temporary file", "~$*": "an office lock file", "._*": "macOS metadata",
    ".*": "a hidden or temporary file (rsync writes .name.XXXXXX while copying)",
}


def ignored(name: str, *, folder: bool = False) -> str | None:
    """Why ``name`` is ignored (a short phrase), or None when it is processed."""
    if not folder and name in settings().ignore.names:
        return "a system file"
    for pattern in (settings().ignore.folders if folder else settings().ignore.files):
        if fnmatchcase(name.lower(), pattern.lower()):
            return _WHY.get(pattern, f"matches {pattern}")
    return None
