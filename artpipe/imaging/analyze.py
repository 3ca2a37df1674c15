"""Find the subject (product) box and a plain backdrop colour, on a small copy for speed and noise immunity."""

from __future__ import annotations

import math

from PIL import Image, ImageChops, ImageStat

from artpipe.defaults import AnalyzeSettings
from artpipe.imaging.derived import derived

_CORNER_FILLED = 0.9  # a corner patch this full is a photo's square corner
_SIDE_STRAIGHT = 0.6  # a side covered along this share of its length runs straight


def scale_box(box: tuple[int, int, int, int], fx: float, fy: float, w: int, h: int) -> tuple[int, int, int, int]:
    left, top, right, bottom = box
    return (max(0, int(left * fx)), max(0, int(top * fy)), min(w, int(right * fx + 0.999)),
            min(h, int(bottom * fy + 0.999)))


_BAND_ROWS = 256


def reduced(im: Image.Image, factor: int) -> Image.Image:
    """``im.reduce(factor)``; one with alpha band by band: Pillow premultiplies a copy of what it reduces, and a
    copy of a whole 12 MP cut-out would double the memory it takes."""
    if factor <= 1:
        return im
    if im.mode not in ("RGBA", "LA"):
        return im.reduce(factor)
    out = Image.new(im.mode, (-(-im.width // factor), -(-im.height // factor)))
    band = factor * max(1, _BAND_ROWS // factor)
    for top in range(0, im.height, band):
        out.paste(im.crop((0, top, im.width, min(im.height, top + band))).reduce(factor), (0, top // factor))
    out.info = im.info
    return out


def shrunk(im: Image.Image, side: int, *, keep: bool = False) -> Image.Image:
    """``im`` box-averaged to at most ``side`` px on its long side (the same size ``round`` gives every caller):
    an integer reduction first, which is fast, then the last step on few pixels. ``im`` itself when small.
    ``keep``: the integer reduction is kept with ``im`` for the next caller that asks for the same one (a 12 MP
    photo's work copy and the text detector's copy both start from its reduction by 3: 15 ms each)."""
    k = min(1.0, side / max(im.size))
    if k >= 1:
        return im
    size = (max(1, round(im.width * k)), max(1, round(im.height * k)))
    factor = max(1, min(im.width // size[0], im.height // size[1]))
    small = derived(im, f"reduced:{factor}", lambda: reduced(im, factor)) if keep and factor > 1 else \
        reduced(im, factor)
    return small.resize(size, Image.Resampling.BOX) if small.size != size else small


WHOLE = 63 / 64  # a reduction by a whole factor that keeps this share of the side asked for stands for that side
# (a 12 MP photo by 4 for 1024 px: 1008; at 15/16 a 1920 px photo's copy became 960 px, and the model's certainty
# of a borderline scene photo crossed its line)


def whole_factor(size: tuple[int, int], side: int) -> int:
    """The whole factor a picture of ``size`` is reduced by to stand for itself at ``side`` px, when the
    reduction keeps ``WHOLE`` of ``side`` (a 12 MP photo by 4 for 1024 px: 1008 px, with no resampling after the
    reduction); 1 when none does (it is box-resampled to ``side``, see ``shrunk``)."""
    factor = math.ceil(max(size) / side)
    return factor if factor > 1 and max(size) / factor >= WHOLE * side else 1


def reduced_size(size: tuple[int, int], factor: int) -> tuple[int, int]:
    """The size ``Image.reduce(factor)`` gives a picture of ``size``."""
    return -(-size[0] // factor), -(-size[1] // factor)


def box_reduced(im: Image.Image, size: tuple[int, int]) -> Image.Image:
    """``im`` box-averaged to ``size``: by ``Image.reduce`` when ``size`` is ``im``'s divided by a whole factor
    (4x faster than a box resampling, which rounds a pixel in five a level apart), resampled otherwise; ``im``
    itself when it has that size."""
    if im.size == size:
        return im
    factor = im.width // size[0]
    if factor > 1 and reduced_size(im.size, factor) == size and im.width % factor == 0 and im.height % factor == 0:
        return reduced(im, factor)
    return im.resize(size, Image.Resampling.BOX)


def border_strip(im: Image.Image) -> Image.Image:
    """The one-pixel border of an image laid out as a single row (corners counted twice)."""
    w, h = im.size
    rows = [im.crop((0, 0, w, 1)), im.crop((0, h - 1, w, h)),
            im.crop((0, 0, 1, h)).transpose(Image.Transpose.ROTATE_90),
            im.crop((w - 1, 0, w, h)).transpose(Image.Transpose.ROTATE_90)]
    frame = Image.new(im.mode, (2 * w + 2 * h, 1))
    x = 0
    for row in rows:
        frame.paste(row, (x, 0))
        x += row.width
    return frame


def border_white_share(im: Image.Image) -> float:
    """Share of the one-pixel border that is exactly (255, 255, 255)."""
    r, g, b = (c.point(lambda v: 255 if v == 255 else 0) for c in border_strip(as_rgb(im)).split())
    white = ImageChops.multiply(ImageChops.multiply(r, g), b)
    return white.histogram()[255] / white.width


def border_color(im: Image.Image) -> tuple[tuple[int, int, int], float]:
    """Median colour of the one-pixel border of an RGB image and how far its channels spread (max stddev)."""
    stat = ImageStat.Stat(border_strip(im))
    r, g, b = (int(v) for v in stat.median[:3])
    return (r, g, b), max(stat.stddev)


def visible_box(im: Image.Image, mask: Image.Image | None, tolerance: int, max_side: int = 1024,
                backdrop: tuple[int, int, int] = (255, 255, 255), *, keep: bool = False,
                ) -> tuple[int, int, int, int] | None:
    """The box of what stays visible when ``im`` (its alpha, or ``mask`` as alpha) is put on pure white: pixels
    differing from white by more than ``tolerance``. This is how a check sees a product on a finished white
    image, so a layout that trusts this box and the check agree (a faint shadow counts for neither). ``keep``:
    ``im`` is a photo whose whole-factor reduction is kept for others (see ``shrunk``)."""
    alpha = mask if mask is not None else im.getchannel("A") if im.mode == "RGBA" else None
    w, h = im.size
    small = as_rgb(shrunk(im, max_side, keep=keep))
    if alpha is None:
        box = ink(small, backdrop, tolerance).getbbox()
        return scale_box(box, w / small.width, h / small.height, w, h) if box else None
    # Where the alpha is 0 the picture is the backdrop's colour: only the alpha's box is put on it and looked at
    # (a product is a third of its frame or less, as a rule)
    shown = shrunk(alpha, max_side)
    part = shown.getbbox()
    if part is None:
        return None
    flat = Image.new("RGB", (part[2] - part[0], part[3] - part[1]), backdrop)
    flat.paste(small.crop(part), (0, 0), shown.crop(part))
    found = ink(flat, backdrop, tolerance).getbbox()
    if found is None:
        return None
    box = (found[0] + part[0], found[1] + part[1], found[2] + part[0], found[3] + part[1])
    return scale_box(box, w / small.width, h / small.height, w, h)


def ink(im: Image.Image, backdrop: tuple[int, int, int], tolerance: int) -> Image.Image:
    """255 where ``im`` (RGB) differs from ``backdrop`` by more than ``tolerance`` in any channel, else 0. Channel
    by channel: on a 2000 px output a difference image and a flat one took 32 MB at once beside its bands,
    and twice the time."""
    out: Image.Image | None = None
    # One band at a time (getchannel, not split): a 2000 px output's check held seven 4 MB bands at once.
    for index, level in enumerate(backdrop):
        band = im.getchannel(index).point([255 if abs(v - level) > tolerance else 0 for v in range(256)])
        out = band if out is None else ImageChops.lighter(out, band)
    assert out is not None
    return out


def as_rgb(im: Image.Image) -> Image.Image:
    """``im`` as RGB, for reading only: ``im`` itself when it is RGB already (``convert`` copies it even then,
    16 MB for a 2000 px output, several times over in its checks)."""
    return im if im.mode == "RGB" else im.convert("RGB")


PREVIEW_SIDE = 1024


def preview(im: Image.Image) -> Image.Image:
    """A photo's analysis copy: box-reduced by a whole factor (fast) to at most PREVIEW_SIDE px. Its subject, blur
    and darkness are judged on it; ``im`` itself when it is that small. Made once per image however many steps
    ask."""
    return derived(im, "preview", lambda: reduced(im, math.ceil(max(im.size) / PREVIEW_SIDE)))


def find_subject(im: Image.Image, max_side: int | None = None, small: Image.Image | None = None, *,
                 rules: AnalyzeSettings) -> tuple[tuple[int, int, int, int], tuple[int, int, int] | None]:
    """Return (subject box, backdrop colour or None). The whole frame when no subject stands out.

    The search runs on a copy at most ``max_side`` pixels long (``rules.max_side`` by default): coarse
    enough to ignore noise, while a check of a pixel rule on a finished file measures at full size. ``small``:
    a reduced copy of ``im`` (its ``preview``) to make that copy from. ``rules``: the analysis settings (the
    alpha threshold, the border's spread, the backdrop tolerance)."""
    w, h = im.size
    full = (0, 0, w, h)
    if im.mode == "RGBA":
        # Alpha has no noise to average away: the box is exact at full size, and cheap.
        mask = im.getchannel("A").point(lambda a: 255 if a > rules.alpha_threshold else 0)
        return mask.getbbox() or full, None
    side = max_side or rules.max_side
    source = small if small is not None else im
    small = derived(source, f"shrunk:{side}", lambda: shrunk(source, side))
    fx, fy = w / small.width, h / small.height
    rgb = as_rgb(small)
    backdrop, spread = border_color(rgb)
    if spread > rules.border_spread:
        return full, None
    box = ink(rgb, backdrop, rules.backdrop_tolerance).getbbox()
    return (scale_box(box, fx, fy, w, h) if box else full), backdrop


def off_backdrop_share(im: Image.Image, region: Image.Image, backdrop: tuple[int, int, int], tolerance: int) -> float:
    """Of the backdrop ``region`` (255 where backdrop, any size), the share further than ``tolerance`` from the
    ``backdrop`` colour: a grey box, a floor or a gradient left around a product."""
    small = as_rgb(im).resize(region.size, Image.Resampling.BOX) if im.size != region.size else im
    off = ImageChops.multiply(ink(as_rgb(small), backdrop, tolerance), region)
    return off.histogram()[255] / max(1, region.histogram()[255])


def framed_photo(im: Image.Image, tolerance: int, max_side: int = 1024) -> tuple[bool, str]:
    """Whether what stands on white in ``im`` is a photo pasted in a frame rather than a product: the box of
    everything that is not white has filled, square corners (two or more; or one whose two sides run straight
    along most of their length). A product's silhouette leaves its box's corners white (rounded corners, a
    bag's handles, a garment's shoulders), while a photo keeps its corners even where parts of its scene were
    light enough to be whitened. Returns (framed, what was seen)."""
    rgb = as_rgb(im)
    k = min(1.0, max_side / max(rgb.size))
    if k < 1:
        rgb = rgb.resize((max(1, round(rgb.width * k)), max(1, round(rgb.height * k))), Image.Resampling.BOX)
    marks = ink(rgb, (255, 255, 255), tolerance)
    box = marks.getbbox()
    if box is None:
        return False, "nothing but white"
    inside = marks.crop(box)
    w, h = inside.size
    if w < 8 or h < 8:
        return False, "a tiny mark"

    def covered(b: tuple[int, int, int, int]) -> float:
        return inside.crop(b).histogram()[255] / max(1, (b[2] - b[0]) * (b[3] - b[1]))

    d = max(2, min(w, h) // 100)  # a few pixels in, past a JPEG's soft edge
    top, bottom = covered((0, d, w, 2 * d)), covered((0, h - 2 * d, w, h - d))
    left, right = covered((d, 0, 2 * d, h)), covered((w - 2 * d, 0, w - d, h))
    c = max(2, min(w, h) // 40)  # corner patches
    corners = [((top, left), covered((0, 0, c, c))), ((top, right), covered((w - c, 0, w, c))),
               ((bottom, left), covered((0, h - c, c, h))), ((bottom, right), covered((w - c, h - c, w, h)))]
    square = [sides for sides, filled in corners if filled >= _CORNER_FILLED]
    framed = len(square) >= 2 or any(min(sides) >= _SIDE_STRAIGHT for sides in square)
    seen = f"{len(square)} square corner(s); sides covered {min(top, bottom, left, right):.0%}-" \
           f"{max(top, bottom, left, right):.0%}"
    return framed, seen
