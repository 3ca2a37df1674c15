"""A product's contact shadow, drawn from its own outline: clean, soft, and made of no photo pixel. Pure.

A photo's own shadow is the backdrop darkened, so isolation leaves it out (cleanup.py); where a marketplace slot
allows a shadow (``shadow: contact``), one is drawn instead: the bottom of the product's silhouette, squashed
flat, blurred and laid under its base, the way light from above grounds an object on a white sweep.
"""

from __future__ import annotations

from PIL import Image, ImageChops, ImageFilter

from artpipe.defaults import ShadowSettings
from artpipe.imaging.analyze import ink

_OPAQUE = 255


def _see_through(pic: Image.Image) -> bool:
    """Whether ``pic`` is a cut-out (some of it transparent), not an opaque picture."""
    if pic.mode != "RGBA":
        return False
    lowest = pic.getchannel("A").getextrema()[0]
    return isinstance(lowest, int | float) and lowest < _OPAQUE


def _silhouette(pic: Image.Image, ink_min: int) -> Image.Image:
    """The product in ``pic`` (L): a cut-out's alpha, or what differs from white by more than ``ink_min`` in an
    opaque picture on white."""
    if _see_through(pic):
        return pic.getchannel("A")
    return ink(pic.convert("RGB"), (255, 255, 255), ink_min)


def contact_shadow(pic: Image.Image, rules: ShadowSettings) -> Image.Image:
    """``pic`` (RGB or RGBA, a product on white or a cut-out) with a soft contact shadow under the product's
    base, as RGBA of the same size: outside the product only, never over it. ``pic`` itself (as RGBA) when
    there is no product to ground. ``rules``: its depth, blur and darkness (``shadow:`` in defaults.yaml)."""
    out = pic.convert("RGBA")
    shape = _silhouette(pic, rules.ink)
    box = shape.getbbox()
    if box is None:
        return out
    left, top, right, bottom = box
    height = bottom - top
    base = shape.crop((left, max(top, bottom - max(2, round(height * rules.base))), right, bottom))
    flat_h = max(2, round(height * rules.depth))
    blur = max(1.0, height * rules.blur)
    # the base, squashed flat and blurred, centred a little below the product's lowest row
    foot = base.resize((right - left, flat_h), Image.Resampling.BOX)
    layer = Image.new("L", out.size, 0)
    layer.paste(foot, (left, bottom - flat_h // 3))
    strength = round(255 * rules.opacity)
    layer = layer.filter(ImageFilter.GaussianBlur(blur)).point(lambda v: v * strength // 255)
    layer = ImageChops.multiply(layer, ImageChops.invert(shape))  # outside the product only
    shade = Image.new("RGBA", out.size, (0, 0, 0, 0))
    shade.putalpha(layer)
    if _see_through(pic):
        return Image.alpha_composite(shade, out)  # under a cut-out
    return Image.alpha_composite(out, shade)  # onto the white around an opaque product
