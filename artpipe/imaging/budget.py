"""Encode inside a byte budget: a cap (``max_bytes``) and a floor (``min_bytes``, e.g. Tmall's 38 KB). Pure.

JPEG and WebP: binary search on quality between a floor and a ceiling; over the cap at the lowest quality,
chroma subsampling 4:2:0, then smaller sizes in 10 % steps, never below ``min_side``. Under the floor,
quality goes up (and subsampling off); a JPEG still under it at quality 100 (a very plain image) is padded with
comment segments, which leave every pixel as it is. PNG: palette quantization, then smaller sizes. Failing to land is an
error that says how close it got, never a silent oversize file.

A budget may also ask for a pure white border (marketplace main images): when the canvas's border is exactly
white but 4:2:0 chroma subsampling bleeds the product into it (254, 253...), the image is landed again with
full chroma resolution, so the file is fixed here rather than shipped failing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace

from PIL import Image

from artpipe.imaging.analyze import border_white_share
from artpipe.imaging.color import srgb_icc_bytes
from artpipe.imaging.encode import EncodeOptions, encode, flatten
from artpipe.imaging.formats import BY_NAME

QUALITY_FLOOR, QUALITY_CEILING = 50, 100
SHRINK_STEP = 0.9


class BudgetError(Exception):
    """The image cannot be encoded inside the budget."""


@dataclass(frozen=True)
class Budget:
    """Bytes allowed, and the smallest long side the image may be shrunk to."""

    min_bytes: int | None = None
    max_bytes: int | None = None
    min_side: int = 0
    white_border: bool = False  # keep an exactly white border exactly white through JPEG encoding


@dataclass(frozen=True)
class Landed:
    """Where the encoder landed."""

    data: bytes
    quality: int
    subsampling: str
    size: tuple[int, int]
    padded: int = 0  # comment bytes added to reach a byte floor


_COM = b"\xff\xfe"  # a JPEG comment segment: decoders skip it, the pixels are untouched
_COM_MAX = 65533  # a segment's length field counts itself: 65535 at most
_PAD_TEXT = b"padding to the platform's minimum file size; the image is not changed "


def pad_jpeg(data: bytes, min_bytes: int) -> bytes:
    """``data`` (a JPEG) grown to ``min_bytes`` with comment segments after its start marker: a marketplace's
    byte floor (Tmall's 38 KB) met by a plain image without changing a pixel, in a way every decoder reads."""
    missing = min_bytes - len(data)
    segments = []
    while missing > 0:
        body = min(_COM_MAX, max(1, missing - 4))
        text = (_PAD_TEXT * (body // len(_PAD_TEXT) + 1))[:body]
        segments.append(_COM + (body + 2).to_bytes(2, "big") + text)
        missing -= body + 4
    return data[:2] + b"".join(segments) + data[2:]


def _fits(n: int, budget: Budget) -> bool:
    return (budget.min_bytes is None or n >= budget.min_bytes) and (budget.max_bytes is None or n <= budget.max_bytes)


def _search(im: Image.Image, options: EncodeOptions, lo: int, hi: int, budget: Budget) -> Landed | None:
    """The highest quality in [lo, hi] that fits (size grows with quality, so binary search)."""
    best = None
    while lo <= hi:
        q = (lo + hi) // 2
        data = encode(im, replace(options, quality=q))
        if budget.max_bytes is not None and len(data) > budget.max_bytes:
            hi = q - 1
        elif budget.min_bytes is not None and len(data) < budget.min_bytes:
            lo = q + 1
        else:
            best = Landed(data, q, options.subsampling, im.size)
            lo = q + 1
    return best


def _lossy(im: Image.Image, options: EncodeOptions, budget: Budget) -> Landed:
    first = encode(im, options)
    if _fits(len(first), budget):
        return Landed(first, options.quality, options.subsampling, im.size)
    if budget.min_bytes is not None and len(first) < budget.min_bytes:
        # Too small: more quality, then full chroma resolution.
        for opts in (options, replace(options, subsampling="4:4:4")):
            found = _search(im, opts, options.quality, QUALITY_CEILING, budget)
            if found is not None:
                return found
        top = replace(options, quality=QUALITY_CEILING, subsampling="4:4:4")
        best = encode(im, top)
        if options.format == "JPEG":  # a very plain image: the finest encoding padded with comments (see pad_jpeg)
            return Landed(pad_jpeg(best, budget.min_bytes), QUALITY_CEILING, "4:4:4", im.size,
                          budget.min_bytes - len(best))
        msg = f"even at quality {QUALITY_CEILING} the file is {len(best)} bytes, under the {budget.min_bytes} floor"
        raise BudgetError(msg)
    current = im
    while True:
        for opts in (options, replace(options, subsampling="4:2:0")):
            found = _search(current, opts, QUALITY_FLOOR, options.quality, budget)
            if found is not None:
                return found
        smaller = (round(current.width * SHRINK_STEP), round(current.height * SHRINK_STEP))
        if max(smaller) < budget.min_side or min(smaller) < 1:
            size = len(encode(current, replace(options, quality=QUALITY_FLOOR, subsampling="4:2:0")))
            msg = (f"even at quality {QUALITY_FLOOR} and {current.width}x{current.height} px the file is "
                   f"{size} bytes, over the {budget.max_bytes} cap")
            raise BudgetError(msg)
        current = current.resize(smaller, Image.Resampling.LANCZOS)


def _png(im: Image.Image, options: EncodeOptions, budget: Budget) -> Landed:
    current = im
    while True:
        full = encode(current, options)
        if _fits(len(full), budget):
            return Landed(full, 0, "", current.size)
        if budget.min_bytes is not None and len(full) < budget.min_bytes:
            msg = f"a lossless PNG of this image is {len(full)} bytes, under the {budget.min_bytes} floor; use JPEG"
            raise BudgetError(msg)
        # 256 colours keep flat art and most banners looking the same at a fraction of the bytes.
        palette = current.quantize(256, method=Image.Quantize.FASTOCTREE)
        buf = io.BytesIO()
        palette.save(buf, "PNG", optimize=True, icc_profile=srgb_icc_bytes())
        if _fits(len(buf.getvalue()), budget):
            return Landed(buf.getvalue(), 0, "", current.size)
        smaller = (round(current.width * SHRINK_STEP), round(current.height * SHRINK_STEP))
        if max(smaller) < budget.min_side or min(smaller) < 1:
            msg = (f"even with 256 colours at {current.width}x{current.height} px the PNG is over the "
                   f"{budget.max_bytes} cap")
            raise BudgetError(msg)
        current = current.resize(smaller, Image.Resampling.LANCZOS)


def _land(im: Image.Image, options: EncodeOptions, budget: Budget) -> Landed:
    if budget.min_bytes is None and budget.max_bytes is None:
        return Landed(encode(im, options), options.quality, options.subsampling, im.size)
    if not BY_NAME[options.format].lossy:  # no quality to search: fewer colours, then fewer pixels
        return _png(im, options, budget)
    return _lossy(im, options, budget)


def _white_border(data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as im:
        return border_white_share(im) == 1.0


def encode_within(im: Image.Image, options: EncodeOptions, budget: Budget) -> Landed:
    """Encode ``im`` so its size lands in the budget; BudgetError when it cannot."""
    landed = _land(im, options, budget)
    if (not budget.white_border or options.format != "JPEG" or landed.subsampling == "4:4:4"
            or _white_border(landed.data) or border_white_share(flatten(im, options.background)) < 1.0):
        return landed
    try:
        full = _land(im, replace(options, subsampling="4:4:4"), budget)
    except BudgetError:
        return landed  # the check on the file reports the border
    return full if _white_border(full.data) else landed
