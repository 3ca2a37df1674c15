"""Find the subject (product) box and a plain backdrop colour, on a small copy for speed and noise immunity."""

from __future__ import annotations

from PIL import Image, ImageChops, ImageStat

from artpipe.defaults import setting


def _scale_box(box: tuple[int, int, int, int], fx: float, fy: float, w: int, h: int) -> tuple[int, int, int, int]:
    left, top, right, bottom = box
    return (max(0, int(left * fx)), max(0, int(top * fy)), min(w, int(right * fx + 0.999)),
            min(h, int(bottom * fy + 0.999)))


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
    r, g, b = (c.point(lambda v: 255 if v == 255 else 0) for c in border_strip(im.convert("RGB")).split())
    white = ImageChops.multiply(ImageChops.multiply(r, g), b)
    return white.histogram()[255] / white.width


def border_color(im: Image.Image) -> tuple[tuple[int, int, int], float]:
    """Median colour of the one-pixel border of an RGB image and how far its channels spread (max stddev)."""
    stat = ImageStat.Stat(border_strip(im))
    r, g, b = (int(v) for v in stat.median[:3])
    return (r, g, b), max(stat.stddev)


def find_subject(im: Image.Image, max_side: int | None = None,
                 ) -> tuple[tuple[int, int, int, int], tuple[int, int, int] | None]:
    """Return (subject box, backdrop colour or None). The whole frame when no subject stands out.

    The search runs on a copy at most ``max_side`` pixels long (the analysis setting by default): coarse
    enough to ignore noise, while a check of a pixel rule on a finished file measures at full size."""
    w, h = im.size
    full = (0, 0, w, h)
    if im.mode == "RGBA":
        # Alpha has no noise to average away: the box is exact at full size, and cheap.
        mask = im.getchannel("A").point(lambda a: 255 if a > setting("analyze", "alpha_threshold") else 0)
        return mask.getbbox() or full, None
    side = max_side or setting("analyze", "max_side")
    scale = min(1.0, side / max(w, h))
    small = im.resize((max(1, round(w * scale)), max(1, round(h * scale))), Image.Resampling.BOX) \
        if scale < 1 else im
    fx, fy = w / small.width, h / small.height
    rgb = small.convert("RGB")
    backdrop, spread = border_color(rgb)
    if spread > setting("analyze", "border_spread"):
        return full, None
    diff = ImageChops.difference(rgb, Image.new("RGB", rgb.size, backdrop))
    r, g, b = diff.split()
    strongest = ImageChops.lighter(ImageChops.lighter(r, g), b)
    tol = setting("analyze", "backdrop_tolerance")
    box = strongest.point(lambda v: 255 if v > tol else 0).getbbox()
    return (_scale_box(box, fx, fy, w, h) if box else full), backdrop
