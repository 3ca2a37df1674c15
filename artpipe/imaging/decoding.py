"""How large a photo is decoded: a large JPEG only as large as the boxes it is drawn into need.

A JPEG is decoded at the smallest DCT scale (1/2, 1/4, 1/8) at which, in every box, the whole frame keeps
``REDUCING_GAP`` times the pixels of its fit (careful Pillow's rule: the final resize stays sharp). The frame's
size and orientation come from its header, so this costs no decoding. A picture trimmed to its product must
also keep at least the pixels its product is drawn at (never enlarged): that is checked on the decoded frame,
and only a photo whose product is small in its frame is decoded again, larger. Other formats are decoded in
full and reduced by a whole factor by the same rules.
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

from artpipe.defaults import AnalyzeSettings, settings
from artpipe.imaging.analyze import find_subject, preview, reduced
from artpipe.imaging.geometry import Fitted
from artpipe.imaging.open import Decoded, bomb_guard, open_image, open_untrusted

REDUCING_GAP = 2.0  # decode at least this many times the pixels the largest fit needs
_SIDEWAYS = (5, 6, 7, 8)  # EXIF orientations that swap the axes
_REDUCIBLE = ("L", "LA", "RGB", "RGBA")  # modes Pillow's reduce takes (a palette is converted later)


def _header(path: Path) -> tuple[str, tuple[int, int], int] | None:
    """(format, stored size, EXIF orientation) from the file's header, or None when it does not open."""
    try:
        with bomb_guard():
            im = open_untrusted(path, str(path))
            with im:
                orientation = im.getexif().get(0x0112, 1) if im.format == "JPEG" else 1
                return im.format or "", im.size, orientation if isinstance(orientation, int) else 1
    except Exception:  # noqa: BLE001 - the decode that follows classifies any problem
        return None


def _whole_side(size: tuple[int, int], orientation: int, boxes: tuple[Fitted, ...]) -> float:
    """The longest side a stored frame of ``size`` needs for its whole picture to keep ``REDUCING_GAP`` times
    the pixels of its fit in every box (its upright axes: EXIF ``orientation`` may swap them)."""
    w, h = size
    uw, uh = (h, w) if orientation in _SIDEWAYS else (w, h)
    return max(REDUCING_GAP * box.scale(uw, uh) * max(uw, uh) for box in boxes)


def draft_side(path: Path, boxes: tuple[Fitted, ...]) -> int | None:
    """The longest side a JPEG must be decoded at for the whole frame to keep ``REDUCING_GAP`` times the pixels
    of its fit in every box (None: in full, or not a JPEG)."""
    header = _header(path) if boxes else None
    if header is None or header[0] != "JPEG":
        return None
    _, (w, h), orientation = header
    side = math.ceil(_whole_side((w, h), orientation, boxes))
    return None if side >= max(w, h) else side


def reduced_side(path: Path, side: int) -> int | None:
    """``side`` when ``path`` is a JPEG at least twice as large on its long side, so a reduced decode (a DCT
    scale of 1/2 or less, never below ``side``) is a fraction of the full one; None otherwise."""
    header = _header(path)
    if header is None or header[0] != "JPEG" or max(header[1]) < 2 * side:
        return None
    return side


def trimmed_side(decoded: Decoded, boxes: tuple[Fitted, ...], rules: AnalyzeSettings) -> int:
    """The longest side the decoded frame needs so that no picture trimmed to its product is enlarged (0: none
    is trimmed). The product is found on a small copy (with the analysis ``rules``): its share of the frame is
    all that counts."""
    trims = [box for box in boxes if box.trim]
    if not trims:
        return 0
    image = decoded.image
    if image.mode not in _REDUCIBLE:  # a palette, CMYK, 16 bits: an estimate in RGB(A) is all this needs
        alpha = image.mode in ("PA", "La", "RGBa") or "transparency" in image.info
        image = image.convert("RGBA" if alpha else "RGB")
    # From the analysis copy, which normalizing an upright sRGB photo uses again: a cut-out's product is the
    # copy's alpha, a photo's is found as normalizing finds it.
    cut_out = image.mode == "RGBA"
    seen = preview(image) if cut_out else image
    left, top, right, bottom = find_subject(seen, small=None if cut_out else preview(image), rules=rules)[0]
    share_w, share_h = max(1, right - left) / seen.width, max(1, bottom - top) / seen.height
    w, h = seen.size
    if decoded.orientation in _SIDEWAYS:
        share_w, share_h, w, h = share_h, share_w, h, w
    aspect_w, aspect_h = w / max(w, h), h / max(w, h)
    return math.ceil(max(box.scale(share_w * aspect_w, share_h * aspect_h) for box in trims))


def decode(path: Path, boxes: tuple[Fitted, ...] = (), rules: AnalyzeSettings | None = None) -> Decoded:
    """Safe-open and decode ``path`` as large as ``boxes`` need (in full without boxes); InputError when it is
    rejected. A format without DCT scaling (PNG, WebP, TIFF...) is decoded in full, then reduced by the largest
    whole factor the boxes allow, so the rest of the work (and the memory it holds) is on fewer pixels.
    ``rules``: the analysis settings a trimmed product is found with (the bundled ones when not given)."""
    side = draft_side(path, boxes)
    decoded = open_image(path, draft_side=side)
    if not boxes:
        return decoded
    need = trimmed_side(decoded, boxes, rules or settings().analyze)
    if side is not None:
        # A small product in a large frame: decode more of it, never enlarge it; unless the frame was decoded in
        # full already (a DCT scale of 1/2 would have been smaller than the boxes need), which a second decode
        # only repeats (27 ms and 48 MB more at 12 MP).
        if need > max(decoded.image.size) and decoded.image.size != decoded.original_size:
            larger = need if need < max(decoded.original_size) else None
            del decoded  # let the smaller decode go first: both at once set a worker's peak (+44 MiB at 12 MP)
            return open_image(path, draft_side=larger)
        return decoded
    image = decoded.image
    need = max(need, math.ceil(_whole_side(image.size, decoded.orientation, boxes)))
    factor = max(image.size) // max(1, need)
    if factor < 2 or image.mode not in _REDUCIBLE:
        return decoded
    return replace(decoded, image=reduced(image, factor))
