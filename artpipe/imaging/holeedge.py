"""The edge of what cleaning removes from a mask (backdrop seen through the product, the floor's shadow), drawn at
the mask's own size from the photo's colours rather than scaled up from the cleaning side. Pure (numpy + Pillow).

Cleaning decides at 512 px; the mask is kept at up to 1024 px. A removed piece scaled up bilinearly is a blocky
shape whose soft rim lies where the small grid put it, not where the photo's edge is: in the 3 px gap between a
navy tote's handle strands (1.5 px at the cleaning side, taken as shadow there) the rim fell a pixel off, so the
strand beside the gap became a third transparent (a grey bar on white) and the gap's light backdrop stayed half
opaque, and the edge repaint coloured both with the navy around them: a grey, rectangular frame.

Along the rim (where the scaled-up piece is neither 0 nor 255) each pixel is judged by its own colour against the
backdrop model: one clearly of the product (far from the backdrop and not its shade) is not removed at all; one
of the backdrop or its shade is removed whole; only the pixels between keep the scaled-up value.
"""

from __future__ import annotations

from PIL import Image

from artpipe.defaults import CleanupSettings
from artpipe.imaging.backdrop_model import BackdropModel, shade_terms


def removal_at(rgb: Image.Image, removal: Image.Image, model: BackdropModel, tolerance: float,
               rules: CleanupSettings, *, darkest_shade: float | None = None) -> Image.Image:
    """``removal`` (L, ``rgb``'s size: 255 where a cleaned-away piece is, soft along its rim after scaling up)
    with its rim pixels set from ``rgb``'s colours (see the module's docstring): 0 on a pixel clearly of the
    product, 255 on one within ``tolerance`` of the backdrop ``model`` (fitted in the frame's -1..1 coordinates,
    so at any size) or of its shade (``rules``' shadow chromaticity, and a brightness at least ``darkest_shade``
    of the backdrop's, ``rules.shadow_darkest`` by default). A darker neutral pixel keeps the scaled-up value: on
    white, the anti-aliased edge of a dark grey product is as neutral as a shadow, and removed whole it was
    bitten out of a cap's crown, while a shadow's faint outer rim left as scaled stayed as a speckled arc."""
    import numpy as np

    found = removal.getbbox()
    if found is None:
        return removal
    box = (max(0, found[0] - 1), max(0, found[1] - 1), min(removal.width, found[2] + 1),
           min(removal.height, found[3] + 1))
    r = np.asarray(removal.crop(box))
    # the rim, and the pixels just outside it: where the small grid's piece stopped short of the photo's edge
    some = r > 0
    near = some.copy()
    near[1:] |= some[:-1]
    near[:-1] |= some[1:]
    near[:, 1:] |= near[:, :-1].copy()
    near[:, :-1] |= near[:, 1:].copy()
    rim = near & (r < 255)
    ys, xs = np.nonzero(rim)
    f = np.asarray(rgb.crop(box).convert("RGB"))[ys, xs].astype(np.float32)
    distance, chroma, ratio = shade_terms(f, model.at(ys + box[1], xs + box[0], rgb.size))
    darkest = rules.shadow_darkest if darkest_shade is None else darkest_shade
    shade = (chroma <= rules.shadow_chroma) & (ratio >= darkest) & (ratio < 1.0)
    backdrop = (distance <= tolerance) | shade
    # "Clearly product": as far from the backdrop as an outline the edge weighing trusts, and not a neutral shade
    # of it (a blend of a dark strand and a light gap is neutral: it is removed with the gap).
    product = (distance >= rules.edge_contrast) & ~((chroma <= 2 * rules.shadow_chroma) &
                                                   (ratio >= rules.shadow_darkest))
    values = r[ys, xs].copy()
    values[backdrop] = 255
    values[product & ~backdrop] = 0
    out = r.copy()
    out[ys, xs] = values
    result = removal.copy()
    result.paste(Image.fromarray(out, "L"), box[:2])
    return result

