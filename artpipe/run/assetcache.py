"""Normalized photos kept between runs, so re-rendering after a template change skips decoding (pictures many
products draw are kept in memory for the run by the worker's cache: ``WorkerCache.picture`` in workcache.py).

An entry is keyed by content: the input's bytes, how large the outputs need it (decoding depends on that),
every normalization setting, how the product is isolated and the artpipe version. It is the raw pixels, then the
product mask when the model made one (``<key>.px``), and what normalization learned (``<key>.json``): reading it
back is a copy from disk, far cheaper than decoding a camera JPEG, converting its colours and running the model
again; the price is disk space (3 bytes per pixel, 4 with alpha or a mask).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path

from PIL import Image

from artpipe.defaults import defaults
from artpipe.files import write_atomic, write_text_atomic
from artpipe.imaging.normalize import Asset
from artpipe.imaging.review import Doubt, Review
from artpipe.reasons import notes, tokens
from artpipe.sources import digest
from artpipe.version import __version__


def asset_key(path: Path, decoding: str, isolation: str = "") -> str:
    """The cache key of ``path`` normalized for the boxes it is drawn into (``decoding``: they set the decode
    size), its product isolated as ``isolation`` says (mode and model)."""
    settings = json.dumps(defaults(), sort_keys=True, default=str)
    return hashlib.sha256(f"{digest(path)}|{decoding}|{isolation}|{settings}|{__version__}".encode()).hexdigest()


def load_cached(folder: Path, key: str, source: str) -> Asset | None:
    """The asset stored under ``key`` (reported as coming from ``source``), or None."""
    try:
        meta = json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
        data = (folder / f"{key}.px").read_bytes()
        size = tuple(meta["size"])
        pixels = size[0] * size[1] * len(meta["mode"])
        image = Image.frombytes(meta["mode"], size, data[:pixels])
        mask_size = tuple(meta["mask"]) if isinstance(meta.get("mask"), list) else size  # its own, or the image's
        end = pixels + (mask_size[0] * mask_size[1] if meta.get("mask") else 0)
        mask = Image.frombytes("L", mask_size, data[pixels:end]) if meta.get("mask") else None
        clear_end = end + (meta["clear"][0] * meta["clear"][1] if meta.get("clear") else 0)
        clear = Image.frombytes("L", tuple(meta["clear"]), data[end:clear_end]) if meta.get("clear") else None
        text_map = Image.frombytes("F", tuple(meta["text_map"]), data[clear_end:]) if meta.get("text_map") \
            else None
        review = _review(meta["review"]) if meta.get("review") else None
    except (OSError, ValueError, KeyError, TypeError):
        return None  # absent or damaged: normalize again
    backdrop = tuple(meta["backdrop"]) if meta["backdrop"] is not None else None
    return Asset(image, source, meta["format"], tuple(meta["original_size"]), tuple(meta["subject"]),
                 backdrop, tuple(meta["steps"]), notes(meta["warnings"]), mask, meta.get("isolation", "none"),
                 review, clear, text_map)


def _review(data: dict[str, object]) -> Review:
    """A stored review (lists back to tuples, doubt kinds back to their enum)."""
    fields = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
    kinds = data.get("kinds", [])
    fields["kinds"] = tuple(Doubt(k) for k in kinds) if isinstance(kinds, list) else ()
    return Review(**fields)  # type: ignore[arg-type]


def save_cached(folder: Path, key: str, asset: Asset) -> None:
    """Keep ``asset`` under ``key`` (pixels first: an entry counts only once its description is written).
    A cache that cannot be written (a full disk) costs speed on the next run, never this render."""
    meta = {"mode": asset.image.mode, "size": list(asset.image.size), "format": asset.format,
            "original_size": list(asset.original_size), "subject": list(asset.subject),
            "backdrop": list(asset.backdrop) if asset.backdrop is not None else None,
            "steps": list(asset.steps), "warnings": tokens(asset.warnings),
            "mask": list(asset.mask.size) if asset.mask is not None else None,
            "isolation": asset.isolation,
            "review": {**asdict(asset.review), "kinds": [k.value for k in asset.review.kinds]}
            if asset.review is not None else None,
            "clear": list(asset.clear.size) if asset.clear is not None else None,
            "text_map": list(asset.text_map.size) if asset.text_map is not None else None}
    pixels = asset.image.tobytes() + b"".join(part.tobytes() for part in (asset.mask, asset.clear, asset.text_map)
                                              if part is not None)
    try:
        write_atomic(folder / f"{key}.px", pixels)
        write_text_atomic(folder / f"{key}.json", json.dumps(meta))
    except OSError:
        pass
