"""Find the subject (product) box and a plain backdrop colour, on a small copy for speed and noise immunity."""

from __future__ import annotations

from PIL import Image, ImageChops, ImageStat

from artpipe.defaults import setting


def _scale_box(box: tuple[int, int, int, int], fx: float, fy: float, w: int, h: int) -> tuple[int, int, int, int]:
    left, top, right, bottom = box
    return (max(0, int(left * fx)), max(0, int(top * fy)), min(w, int(right * fx + 0.999)),
            min(h, int(bottom * fy + 0.999)))


def border_color(im: Image.Image) -> tuple[tuple[int, int, int], float]:
    """Median colour of the one-pixel border of an RGB image and how far its channels spread (max stddev)."""
    w, h = im.size
    rows = [im.crop((0, 0, w, 1)), im.crop((0, h - 1, w, h)),
            im.crop((0, 0, 1, h)).transpose(Image.Transpose.ROTATE_90),
            im.crop((w - 1, 0, w, h)).transpose(Image.Transpose.ROTATE_90)]
    frame = Image.new("RGB", (2 * w + 2 * h, 1))
    x = 0
    for row in rows:
        frame.paste(row, (x, 0))
        x += row.width
    stat = ImageStat.Stat(frame)
    r, g, b = (int(v) for v in stat.median[:3])
    return (r, g, b), max(stat.stddev)


def find_subject(im: Image.Image) -> tuple[tuple[int, int, int, int], tuple[int, int, int] | None]:
    """Return (subject box, backdrop colour or None). The whole frame when no subject stands out."""
    w, h = im.size
    full = (0, 0, w, h)
    side = setting("analyze", "max_side")
    scale = min(1.0, side / max(w, h))
    small = im.resize((max(1, round(w * scale)), max(1, round(h * scale))), Image.Resampling.BOX) \
        if scale < 1 else im
    fx, fy = w / small.width, h / small.height
    if small.mode == "RGBA":
        mask = small.getchannel("A").point(lambda a: 255 if a > setting("analyze", "alpha_threshold") else 0)
        box = mask.getbbox()
        return (_scale_box(box, fx, fy, w, h) if box else full), None
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
