"""Placing a picture in a box: crop to the subject, scale (contain/cover/fill), matte cards. Pure."""

from __future__ import annotations

from PIL import Image, ImageChops, ImageDraw, ImageFilter

from artpipe.imaging.geometry import crop_window, fit_size, window_around

_SUPERSAMPLE = 4  # Pillow draws curves without anti-aliasing; masks are drawn 4x and reduced


def subject_window(size: tuple[int, int], subject: tuple[int, int, int, int],
                   padding: float) -> tuple[int, int, int, int]:
    """The subject box with ``padding`` (a fraction of the subject's size) around it, inside the picture."""
    left, top, right, bottom = subject
    pad_x, pad_y = int((right - left) * padding), int((bottom - top) * padding)
    return max(0, left - pad_x), max(0, top - pad_y), min(size[0], right + pad_x), min(size[1], bottom + pad_y)


def crop_to_subject(im: Image.Image, subject: tuple[int, int, int, int], padding: float) -> Image.Image:
    """``im`` cropped to the subject box, keeping ``padding`` (a fraction of the subject's size) around it."""
    return im.crop(subject_window(im.size, subject, padding))


def matte_from_photo(im: Image.Image, window: tuple[int, int, int, int], pic_size: tuple[int, int], w: int, h: int,
                     x: int, y: int, backdrop: tuple[int, int, int], tolerance: int) -> Image.Image:
    """A w x h card for a trimmed picture (``window`` of ``im``, scaled to ``pic_size`` and placed at (x, y)):
    around it the photo's own surroundings at the same scale, as far as the photo reaches, and only beyond
    that its edges continued (``extend_edges``). A studio sweep with a gradient or vignette then reads as one
    backdrop, where continuing the tight crop's edges would leave visible bands."""
    left, top, right, bottom = window
    kx, ky = pic_size[0] / (right - left), pic_size[1] / (bottom - top)
    sx0, sy0 = left - x / kx, top - y / ky  # the card's corner in the photo's pixels
    ax0, ay0 = max(0.0, sx0), max(0.0, sy0)
    ax1, ay1 = min(float(im.width), sx0 + w / kx), min(float(im.height), sy0 + h / ky)
    dx0, dy0 = round((ax0 - sx0) * kx), round((ay0 - sy0) * ky)
    dw, dh = max(1, round((ax1 - sx0) * kx) - dx0), max(1, round((ay1 - sy0) * ky) - dy0)
    region = im.resize((dw, dh), Image.Resampling.LANCZOS, box=(ax0, ay0, ax1, ay1), reducing_gap=3.0)
    return extend_edges(region.convert("RGBA"), w, h, dx0, dy0, backdrop, tolerance)


def fitted(im: Image.Image, w: int, h: int, fit: str, focus: tuple[float, float]) -> Image.Image:
    """``im`` scaled for the box: contain (inside), cover (cropped around ``focus``), fill (stretched)."""
    tw, th = fit_size(im.width, im.height, w, h, fit)
    if fit == "cover":
        # Crop in source pixels first, then resize once: cheaper and sharper than resize-then-crop.
        src_w, src_h = max(1, round(w * im.width / tw)), max(1, round(h * im.height / th))
        x, y = crop_window(im.width, im.height, src_w, src_h, focus)
        return im.resize((w, h), Image.Resampling.LANCZOS, box=(x, y, x + src_w, y + src_h),
                         reducing_gap=3.0)
    if (tw, th) == im.size:
        return im
    return im.resize((tw, th), Image.Resampling.LANCZOS, reducing_gap=3.0)


def rounded_mask(w: int, h: int, radius: int) -> Image.Image:
    """An anti-aliased rounded-rectangle mask (drawn large, then shrunk: Pillow does not anti-alias)."""
    k = _SUPERSAMPLE
    big = Image.new("L", (w * k, h * k), 0)
    ImageDraw.Draw(big).rounded_rectangle((0, 0, w * k - 1, h * k - 1), radius=radius * k, fill=255)
    return big.reduce(k)


def ellipse_mask(w: int, h: int) -> Image.Image:
    """An anti-aliased ellipse filling w x h."""
    k = _SUPERSAMPLE
    big = Image.new("L", (w * k, h * k), 0)
    ImageDraw.Draw(big).ellipse((0, 0, w * k - 1, h * k - 1), fill=255)
    return big.reduce(k)


def extend_edges(pic: Image.Image, w: int, h: int, x: int, y: int, backdrop: tuple[int, int, int],
                 tolerance: int) -> Image.Image:
    """A w x h image with ``pic`` at (x, y) and its edge pixels stretched out to every side.

    A studio backdrop is a smooth sweep, so continuing its outermost pixels (averaged a few pixels deep
    and blurred along the edge, so sensor noise does not turn into streaks) hides where the photo ends.
    An edge that is not backdrop (the product touches it) is continued with the plain backdrop colour
    instead, so the product is never smeared outward. ``tolerance`` is how far (max channel) an edge
    may stray from ``backdrop`` and still count as backdrop.
    """
    pw, ph = pic.size
    out = Image.new("RGBA", (w, h), (*backdrop, 255))
    depth = max(1, min(pw, ph) // 100)
    blur = ImageFilter.GaussianBlur(max(2, min(pw, ph) // 60))

    def strip(box: tuple[int, int, int, int], size: tuple[int, int]) -> Image.Image:
        band = pic.crop(box).convert("RGB")
        extrema = ImageChops.difference(band, Image.new("RGB", band.size, backdrop)).getextrema()
        if max(int(channel[1]) for channel in extrema if isinstance(channel, tuple)) > tolerance:
            return Image.new("RGBA", size, (*backdrop, 255))
        return band.convert("RGBA").resize(size, Image.Resampling.BOX).filter(blur)

    left, right = strip((0, 0, depth, ph), (1, ph)), strip((pw - depth, 0, pw, ph), (1, ph))
    top, bottom = strip((0, 0, pw, depth), (pw, 1)), strip((0, ph - depth, pw, ph), (pw, 1))
    if x > 0:
        out.paste(left.resize((x, ph)), (0, y))
    if w - x - pw > 0:
        out.paste(right.resize((w - x - pw, ph)), (x + pw, y))
    if y > 0:
        out.paste(top.resize((pw, y)), (x, 0))
    if h - y - ph > 0:
        out.paste(bottom.resize((pw, h - y - ph)), (x, y + ph))
    corners = ((0, 0, x, y, (0, 0)), (x + pw, 0, w, y, (pw - 1, 0)), (0, y + ph, x, h, (0, ph - 1)),
               (x + pw, y + ph, w, h, (pw - 1, ph - 1)))
    for x0, y0, x1, y1, (px, py) in corners:
        corner = pic.getpixel((px, py))
        near = isinstance(corner, tuple) and max(abs(a - b) for a, b in zip(corner[:3], backdrop, strict=True)) \
            <= tolerance
        if x1 > x0 and y1 > y0 and near:
            out.paste(corner, (x0, y0, x1, y1))  # type: ignore[arg-type]
    out.paste(pic, (x, y))
    return out


def cover_subject(im: Image.Image, w: int, h: int, subject: tuple[int, int, int, int],
                  backdrop: tuple[int, int, int] | None, tolerance: int,
                  focus: tuple[float, float] | None = None) -> Image.Image:
    """Fill a w x h box like ``cover``, but never crop through the product (``subject``).

    The crop window is moved to hold the whole product (as near as it can to ``focus``, fractions of the
    picture, when given); when the product is larger than any window,
    the picture is zoomed out to show it whole and the photo's backdrop is continued to fill the box
    (transparent around a cut-out).
    """
    tw, th = fit_size(im.width, im.height, w, h, "cover")
    src_w, src_h = max(1, round(w * im.width / tw)), max(1, round(h * im.height / th))
    left, top, right, bottom = subject
    x = window_around(im.width, src_w, left, right, focus[0] * im.width if focus else None)
    y = window_around(im.height, src_h, top, bottom, focus[1] * im.height if focus else None)
    if x is not None and y is not None:
        return im.resize((w, h), Image.Resampling.LANCZOS, box=(x, y, x + src_w, y + src_h), reducing_gap=3.0)
    pic = fitted(crop_to_subject(im, subject, 0.04), w, h, "contain", (0.5, 0.5)).convert("RGBA")
    px, py = (w - pic.width) // 2, (h - pic.height) // 2
    if backdrop is not None:
        return extend_edges(pic, w, h, px, py, backdrop, tolerance)
    out = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    out.alpha_composite(pic, (px, py))
    return out
