"""What one worker does with one input: render a product into all its outputs, or normalize a file.

Both decode the input once, never raise for an expected failure (the outcome says what went wrong),
and write every output atomically.
"""

from __future__ import annotations

import math
import os
import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from PIL import Image

from artpipe.assetcache import asset_key, load_cached, save_cached
from artpipe.errors import InputError, RenderError
from artpipe.files import write_atomic
from artpipe.imaging.analyze import find_subject
from artpipe.imaging.budget import Budget, BudgetError, encode_within
from artpipe.imaging.checks import check_bytes
from artpipe.imaging.encode import EncodeOptions, encode, flatten
from artpipe.imaging.normalize import Asset, NormalizeOptions, normalize
from artpipe.imaging.open import open_image
from artpipe.jobs import Task
from artpipe.presets import Preset, overlay_roles
from artpipe.render import render
from artpipe.report import Outcome
from artpipe.template.model import Size, Template


def load_asset(path: Path, cover: int | None = None, cache: Path | None = None) -> Asset:
    """Safe-open and normalize one file (InputError when it is rejected).

    ``cover``: the most pixels the product must span in any output (the largest canvas side). A large JPEG
    is then decoded at the smallest DCT scale at which its product still spans that many: a glance at 1/8
    scale finds the product, so a trimmed product is never decoded too small. ``cache``: a folder of
    normalized photos to reuse and fill (see assetcache.py)."""
    key = asset_key(path, cover) if cache is not None and path.is_file() else None
    if cache is not None and key is not None:
        hit = load_cached(cache, key, str(path))
        if hit is not None:
            return hit
    asset = normalize(open_image(path, draft_side=_draft_side(path, cover) if cover else None))
    if cache is not None and key is not None:
        save_cached(cache, key, asset)
    return asset


def _draft_side(path: Path, cover: int) -> int | None:
    """The longest side a JPEG must be decoded at for its product to span ``cover`` pixels (None: in full)."""
    try:
        with Image.open(path) as im:  # the header only: format and size
            fmt, (w, h) = im.format, im.size
    except Exception:  # noqa: BLE001 - the safe open that follows classifies any problem
        return None
    if fmt != "JPEG" or max(w, h) < 2 * cover:  # no DCT scale of 1/2 or less could do
        return None
    try:
        glance = open_image(path, draft_side=1).image  # the smallest DCT scale: 1/8
    except InputError:
        return None
    left, top, right, bottom = find_subject(glance.convert("RGB"))[0]
    share = max(right - left, bottom - top) / max(glance.size)  # the product's span, as a share of the frame
    return min(max(w, h), math.ceil(cover / max(share, 1e-3)))


@lru_cache(maxsize=64)
def _template_file(path: str, mtime_ns: int) -> Asset:
    return load_asset(Path(path))


# Where files named by absolute path are read from instead, while a worker renders a task whose files were
# shipped to it (executors.run_shipped); empty otherwise.
_SHIPPED: dict[str, str] = {}


@contextmanager
def shipped_files(local: dict[str, str]) -> Iterator[None]:
    """Read the files named in ``local`` (absolute path -> local copy) from their copies, for one task."""
    _SHIPPED.update(local)
    try:
        yield
    finally:
        _SHIPPED.clear()


def template_assets(template: Template) -> dict[str, Asset]:
    """The template's own files (logo, background), decoded once per process."""
    out = {}
    for name in template.assets:
        path = Path(_SHIPPED.get(name, name))
        out[f"file:{name}"] = _template_file(str(path), path.stat().st_mtime_ns)
    return out


def peak_rss_mb() -> float:
    """The most memory this process has held so far (the worker's high-water mark)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux reports KiB


_ABSOLUTE: list[bool] = []  # set while a cluster worker renders: its working folder is not the client's


@contextmanager
def absolute_paths() -> Iterator[None]:
    """Report every path absolute (the client shows them relative to its own working folder)."""
    _ABSOLUTE.append(True)
    try:
        yield
    finally:
        _ABSOLUTE.pop()


def display(path: Path) -> str:
    """A path as the report shows it: relative to the working folder when below it, else absolute."""
    if not _ABSOLUTE:
        try:
            return str(path.resolve().relative_to(Path.cwd()))
        except ValueError:
            pass
    return os.path.abspath(path)  # "..", "." folded away, links kept as named


def _preset_canvas(preset: Preset | None) -> dict[str, Any]:
    """render() options for a preset: its canvas size, and the roles its no_overlays rule leaves out (or,
    with ``action: refuse``, refuses to render)."""
    if preset is None:
        return {}
    dropped, refused = overlay_roles(preset)
    return {"canvas": Size(preset.name, preset.width, preset.height), "drop_roles": dropped,
            "refuse_roles": refused}


def _preset_encoding(options: EncodeOptions, preset: Preset) -> EncodeOptions:
    """The job's encoding with the preset's format and byte rule; never shrunk below the preset's size."""
    rule = preset.rule("bytes")
    return replace(options, format=preset.format if preset.format in ("JPEG", "PNG", "WEBP") else "JPEG",
                   min_bytes=(rule.params.get("min") if rule else None) or options.min_bytes,
                   max_bytes=(rule.params.get("max") if rule else None) or options.max_bytes,
                   min_side=max(preset.width, preset.height))


def render_product(task: Task) -> Outcome:
    """Render one product into all its outputs; never raises for an expected failure."""
    started = time.perf_counter()
    product = task.product
    name = display(product.primary) if product.primary else product.sku
    extra: dict[str, object] = {"sku": product.sku}
    images: dict[str, Asset] = {}
    warnings: list[str] = []
    cover = task.largest_side() or None
    try:
        for field, path in product.images.items():
            asset = load_asset(path, cover, task.assets)
            images[field] = asset
            # Warnings about other pictures (a brand logo) say which field they are about.
            own = path == product.primary
            warnings.extend(w if own else f"{field}:{w}" for w in asset.warnings if w not in warnings)
    except InputError as exc:
        return Outcome(display(Path(exc.path)), "rejected", exc.reason, exc.message, extra=extra)
    outputs: list[str] = []
    errors: list[tuple[str, str]] = []  # (reason, message)
    encoded: list[dict[str, object]] = []  # where byte budgets landed
    checks: list[dict[str, object]] = []  # marketplace rules on outputs rendered into presets
    for spec in task.renders:
        template = task.templates[spec.template]
        preset = spec.preset
        try:
            rendered = render(template, spec.size, product.values, {**template_assets(template), **images},
                              **_preset_canvas(preset))
        except RenderError as exc:
            errors.append(("render", str(exc)))
            continue
        except InputError as exc:
            errors.append(("render", f"{template.path}: template file {exc.path}: {exc.message}"))
            continue
        opts = task.encode if preset is None else _preset_encoding(task.encode, preset)
        try:
            white = preset is not None and preset.rule("white_background") is not None
            landed = encode_within(rendered.image, opts, Budget(opts.min_bytes, opts.max_bytes, opts.min_side, white))
            write_atomic(spec.output, landed.data)
        except BudgetError as exc:
            errors.append(("budget", f"{display(spec.output)}: {exc}; widen the byte budget or lower min_side"))
            continue
        except OSError as exc:
            errors.append(("write", f"{display(spec.output)}: cannot write ({exc.strerror or exc}); "
                           "check space and permissions of the output folder"))
            continue
        if opts.min_bytes is not None or opts.max_bytes is not None:
            encoded.append({"output": display(spec.output), "bytes": len(landed.data), "quality": landed.quality,
                            "subsampling": landed.subsampling, "size": list(landed.size)})
        outputs.append(display(spec.output))
        warnings.extend(w for w in rendered.warnings if w not in warnings)
        if preset is not None:
            results = check_bytes(landed.data, preset)
            checks.append({"output": display(spec.output), "preset": preset.name, "platform": spec.platform,
                           "pass": all(r.ok for r in results), "rules": [r.__dict__ for r in results]})
            warnings.extend(f"check_failed:{preset.name}:{r.rule}" for r in results if not r.ok)
    extra["elapsed_ms"] = round((time.perf_counter() - started) * 1000, 1)
    extra["peak_rss_mb"] = peak_rss_mb()
    if encoded:
        extra["encoded"] = encoded
    if checks:
        extra["checks"] = checks
    if errors:
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        reason, message = errors[0]
        return Outcome(name, "failed", reason, message + more, tuple(outputs), tuple(warnings),
                       {**extra, "errors": [m for _, m in errors]})
    return Outcome(name, "ok", None, f"{len(outputs)} outputs", tuple(outputs), tuple(warnings), extra)


def lost_product(task: Task, why: str) -> Outcome:
    """The outcome of a product whose worker hung or died (run_guarded's ``lost``)."""
    name = display(task.product.primary) if task.product.primary else task.product.sku
    return Outcome(name, "failed", "corrupt", f"{why}; the file may be damaged or hostile, re-export it",
                   extra={"sku": task.product.sku})


@dataclass(frozen=True)
class NormalizeTask:
    """One file for ``artpipe normalize``: where it is, where its result goes, and how."""

    index: int
    source: Path
    output: Path  # the suffix is replaced when the format is chosen per image ("auto")
    options: NormalizeOptions
    format: str  # "auto", "png", "jpeg" or "webp"
    quality: int


_SUFFIX = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp"}


def normalize_file(task: NormalizeTask) -> Outcome:
    """Normalize one file and write the result; inputs are only ever read."""
    started = time.perf_counter()
    name = display(task.source)
    try:
        # Decode at a reduced DCT scale only when the whole frame is kept: a trim crops after decoding,
        # and the product would lose pixels it needs.
        draft = task.options.max_size if not task.options.trim else None
        asset = normalize(open_image(task.source, draft_side=draft), task.options)
    except InputError as exc:
        return Outcome(name, "rejected", exc.reason, exc.message)
    image, warnings = asset.image, list(asset.warnings)
    fmt = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}.get(task.format)
    if fmt is None:
        fmt = "PNG" if image.mode == "RGBA" else "JPEG"
    if fmt == "JPEG" and image.mode == "RGBA":
        image = flatten(image, (255, 255, 255))
        warnings.append("alpha_flattened")
    output = task.output.with_suffix(_SUFFIX[fmt])
    try:
        write_atomic(output, encode(image, EncodeOptions(format=fmt, quality=task.quality)))
    except OSError as exc:
        return Outcome(name, "failed", "write", f"{display(output)}: cannot write ({exc.strerror or exc}); "
                       "check space and permissions of the output folder", (), tuple(warnings))
    extra = {"format": fmt, "size": list(image.size), "original_size": list(asset.original_size),
             "subject": list(asset.subject), "steps": list(asset.steps),
             "elapsed_ms": round((time.perf_counter() - started) * 1000, 1)}
    return Outcome(name, "ok", None, f"{image.width}x{image.height} {fmt}", (display(output),), tuple(warnings),
                   extra)
