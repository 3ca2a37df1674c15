"""Warnings a designer should see about an input: too small, blurry, too dark. Pure; thresholds are data."""

from __future__ import annotations

from PIL import Image, ImageFilter, ImageStat

from artpipe.imaging.analyze import preview
from artpipe.reasons import Note, WarningKind

_LAPLACIAN = ImageFilter.Kernel((3, 3), [0, 1, 0, 1, -4, 1, 0, 1, 0], scale=1, offset=128)
_SAMPLE_SIDE = 512
_FLAT_STDDEV = 3.0  # grey levels; below this an image has nothing to be sharp or blurry about


def edge_strength(im: Image.Image) -> int:
    """The 99.5th percentile of |Laplacian| on a 512 px grey copy: how sharp the sharpest edges are.

    A plain product shot is mostly flat backdrop, so the mean (the usual "variance of the Laplacian")
    calls every clean studio photo blurry; the sharpest edges tell focus apart from flatness.
    """
    return _edges(_grey(im))


def _grey(im: Image.Image) -> Image.Image:
    """``im`` in grey as it will be seen: a cut-out on white (the colour under transparent pixels is arbitrary)."""
    if im.mode == "RGBA":
        flat = Image.new("RGB", im.size, (255, 255, 255))
        flat.paste(im, (0, 0), im.getchannel("A"))
        return flat.convert("L")
    return im.convert("L")


def _edges(grey: Image.Image) -> int:
    grey = grey.copy()
    grey.thumbnail((_SAMPLE_SIDE, _SAMPLE_SIDE), Image.Resampling.BOX)
    if min(grey.size) < 3:
        return 255
    # Pillow's kernel filters copy the outermost pixels unfiltered; drop that frame.
    lap = grey.filter(_LAPLACIAN).crop((1, 1, grey.width - 1, grey.height - 1))
    # |v - 128| folded into one histogram of magnitudes.
    hist = lap.histogram()
    magnitude = [0] * 129
    for value, count in enumerate(hist):
        magnitude[min(abs(value - 128), 128)] += count
    total, seen = sum(magnitude), 0
    for level in range(128, -1, -1):
        seen += magnitude[level]
        if seen >= total * 0.005:
            return level
    return 0


def assess(im: Image.Image, *, size: tuple[int, int], min_side: int, blur_edge: int,
           dark_mean: int) -> tuple[Note, ...]:
    """``low_resolution`` (judged on the input's real ``size``), ``blurry`` and ``dark`` warnings."""
    warnings: list[Note] = []
    if max(size) < min_side:
        warnings.append(Note(WarningKind.LOW_RESOLUTION, f"{size[0]}x{size[1]}<{min_side}"))
    # Every measure below is a statistic of the whole frame: the analysis copy (at most 1024 px) gives the same
    # verdicts at a fraction of the cost of a 12-megapixel image.
    im = preview(im)
    grey = _grey(im)
    edges = _edges(grey)
    # A flat image (a colour swatch, an empty frame) has no edges to be sharp; that is not blur.
    flat = max(ImageStat.Stat(grey).stddev) < _FLAT_STDDEV
    if edges < blur_edge and not flat:
        warnings.append(Note(WarningKind.BLURRY, f"edge_{edges}<{blur_edge}"))
    mask = im.getchannel("A").point(lambda a: 255 if a > 8 else 0) if im.mode == "RGBA" else None
    mean = ImageStat.Stat(im.convert("L"), mask).mean[0] if mask is None or mask.getbbox() else 255.0
    if mean < dark_mean:
        warnings.append(Note(WarningKind.DARK, f"mean_{mean:.0f}<{dark_mean}"))
    return tuple(warnings)
