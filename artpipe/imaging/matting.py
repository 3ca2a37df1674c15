"""From a segmentation model's coarse mask to a product mask at the photo's size. Pure (numpy + Pillow).

The model sees the photo at 320 px, so its mask is soft and blocky at full size. A guided filter (He, Sun and
Tang, "Guided Image Filtering", 2010/2013) makes the mask follow the photo's own edges: inside each small window
the mask is fitted as a linear function of the photo's brightness, so a mask edge snaps to the nearest image edge
and thin gaps (between a stroller's wheels, under a handle) open where the photo shows backdrop. It runs at a
guide of about 1024 px (the "fast guided filter" of He and Sun 2015: the coefficients are smooth, so they are
fitted at 512 px and only the final blend is made at 1024 px).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from PIL import Image, ImageFilter

from artpipe.imaging.analyze import box_reduced, reduced, reduced_size, shrunk, whole_factor
from artpipe.imaging.backdrop import faint_cleared_array
from artpipe.imaging.derived import derived
from artpipe.imaging.enlarge import enlarged_mask
from artpipe.imaging.morphology import near
from artpipe.imaging.tiles import boxes, cell_ranges, grown_box, spread

if TYPE_CHECKING:
    import numpy as np

WORK_SIDE = 1024  # the guide's long side
_FIT_SIDE = 512  # where the coefficients are fitted
_RADIUS_SHARE = 0.006  # the filter window's radius as a share of the working image's long side
_EPS = 1e-3  # regularization: lower follows weaker edges
_SOLID_ALPHA = 250  # from here up a mask pixel is the product itself
_LOW, _HIGH = 0.3, 0.7  # refined values below _LOW are backdrop, above _HIGH product, linear between
_SOLID = [255 if a >= _SOLID_ALPHA else 0 for a in range(256)]
_CLEAR = [255 if a == 0 else 0 for a in range(256)]
_SPREAD = [255 if w > 8 else 0 for w in range(256)]  # enough opaque pixels near for their colour to spread
_MISS_OK, _MISS_RAMP = 16.0, 16.0  # levels (0-255): a spread colour explaining the photo this well is kept


def _box(a: np.ndarray, r: int) -> np.ndarray:
    """Mean over a (2r+1)^2 window (shrunk at the borders) of the last two axes (a stack of images at once),
    by cumulative sums: O(1) per pixel."""
    import numpy as np  # here, not at the top: a worker that never refines a mask does not load numpy
    def along(x: np.ndarray, axis: int) -> np.ndarray:
        n = x.shape[axis]

        def part(start: int, stop: int) -> tuple[slice, ...]:
            where = [slice(None)] * x.ndim
            where[axis] = slice(start, stop)
            return tuple(where)

        # the window [i - r, i + r] clipped to [0, n): c[min(i + r, n - 1)] - c[i - r - 1] (nothing before the
        # start), the sums a zero-padded copy's cumulative sum gives (adding zeros first changes no bit), without
        # the copy
        c = np.cumsum(x, axis=axis, dtype=np.float32)
        out = np.empty_like(c)
        inside = max(0, n - r)
        out[part(0, inside)] = c[part(r, r + inside)]
        out[part(inside, n)] = c[part(n - 1, n)]
        if n > r + 1:
            out[part(r + 1, n)] -= c[part(0, n - r - 1)]
        count = (np.minimum(np.arange(n) + r + 1, n) - np.maximum(np.arange(n) - r, 0)).astype(np.float32)
        shape = [1] * x.ndim
        shape[axis] = n
        out /= count.reshape(shape)
        return out

    return along(along(a, a.ndim - 2), a.ndim - 1)


def coefficients(guide: np.ndarray, src: np.ndarray, radius: int, eps: float) -> tuple[np.ndarray, np.ndarray]:
    """The guided filter's smoothed linear coefficients (a, b): the filtered ``src`` is ``a * guide + b``.

    Where ``src`` is 0 over a pixel's window, its mean and the mean of ``guide * src`` are exactly 0 (sums of
    zeros), and so are a and b: only ``src``'s box is worked on, grown by three window radii (a and b reach one
    beyond it, their means two, and those have their whole window inside). Each of the sums of ``src``,
    starting past zeros only, has the bits the whole frame's has; the guide's means are summed from a radius
    around the part rather than from the frame's edge (a 1008 px work copy's product on a fifth of it: 0.8 ms
    instead of 2.5), so they differ from the whole frame's in their last bits (below 1e-6)."""
    import numpy as np  # here, not at the top: a worker that never refines a mask does not load numpy
    rows, cols = np.nonzero(src.any(axis=1))[0], np.nonzero(src.any(axis=0))[0]
    if rows.size == 0:
        return np.zeros_like(src), np.zeros_like(src)
    reach = 3 * radius + 1
    part = (slice(max(0, rows[0] - reach), rows[-1] + reach + 1), slice(max(0, cols[0] - reach), cols[-1] + reach + 1))
    # the guide's means on the part, from the part and a radius around it (every window of the part within it)
    h, w = src.shape
    top, left = max(0, part[0].start - radius), max(0, part[1].start - radius)
    around = guide[top:min(h, part[0].stop + radius), left:min(w, part[1].stop + radius)]
    inner = (slice(part[0].start - top, min(h, part[0].stop) - top),
             slice(part[1].start - left, min(w, part[1].stop) - left))
    mean_i, mean_ii = (m[inner] for m in _box(np.stack([around, around * around]), radius))
    mean_p, mean_ip = _box(np.stack([src[part], guide[part] * src[part]]), radius)
    a = (mean_ip - mean_i * mean_p) / (mean_ii - mean_i * mean_i + eps)
    b = mean_p - a * mean_i
    mean_a, mean_b = np.zeros_like(src), np.zeros_like(src)
    mean_a[part], mean_b[part] = _box(np.stack([a, b]), radius)
    return mean_a, mean_b


def guided_filter(guide: np.ndarray, src: np.ndarray, radius: int, eps: float) -> np.ndarray:
    """Edge-preserving smoothing of ``src`` steered by ``guide`` (both float arrays in 0-1, same shape)."""
    a, b = coefficients(guide, src, radius, eps)
    out: np.ndarray = a * guide + b
    return out


def work_copy(photo: Image.Image) -> Image.Image:
    """``photo`` at up to ``WORK_SIDE`` px (RGB), made once per photo: the model, the refinement and the cleaning
    work on it, and a cut-out drawn later takes its edge colours and its visible box from it. A reduction by a
    whole factor is the copy when it keeps most of ``WORK_SIDE`` (``analyze.whole_factor``: a 12 MP photo
    reduced by 4 to 1008 px, 9 ms, where its reduction by 3 and a box resampling to 1024 px took 15; the model
    sees 320 px, the filters and the cleaning work at exactly half the copy's size, and 2 % fewer pixels show
    nowhere); otherwise the photo box-resampled to ``WORK_SIDE``."""
    def make() -> Image.Image:
        factor = whole_factor(photo.size, WORK_SIDE)
        small = reduced(photo, factor) if factor > 1 else shrunk(photo, WORK_SIDE, keep=True)
        return small.convert("RGB") if small.mode != "RGB" or small is photo else small

    return derived(photo, "work-copy", make)


def work_size(size: tuple[int, int]) -> tuple[int, int]:
    """The size of the work copy of a photo of ``size``."""
    factor = whole_factor(size, WORK_SIDE)
    return reduced_size(size, factor) if factor > 1 else _scaled(size, WORK_SIDE)


def _scaled(size: tuple[int, int], side: int) -> tuple[int, int]:
    k = min(1.0, side / max(size))
    return max(1, round(size[0] * k)), max(1, round(size[1] * k))


def _float(im: Image.Image) -> np.ndarray:
    import numpy as np  # here, not at the top: a worker that never refines a mask does not load numpy
    return np.asarray(im, dtype=np.float32) / 255.0


def _upsampled(a: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    import numpy as np  # here, not at the top: a worker that never refines a mask does not load numpy
    return np.asarray(Image.fromarray(a, "F").resize(size, Image.Resampling.BILINEAR), dtype=np.float32)


def refine(photo: Image.Image, coarse: Image.Image) -> Image.Image:
    """The product mask (L, photo's size): ``coarse`` (any size) fitted to ``photo``'s edges. The coefficients
    are fitted at up to 512 px, then applied to a guide of up to 1024 px."""
    guide_im = shrunk(photo, WORK_SIDE).convert("L")
    size = guide_im.size
    fit = _fit_size(size)
    fit_guide = box_reduced(guide_im, fit)
    radius = max(2, round(max(fit) * _RADIUS_SHARE))
    a, b = coefficients(_float(fit_guide), _float(coarse.resize(fit, Image.Resampling.BILINEAR)), radius, _EPS)
    if size == (2 * fit[0], 2 * fit[1]):
        mask = _blended_part(a, b, guide_im)
    else:
        if fit != size:
            a, b = _upsampled(a, size), _upsampled(b, size)
        mask = _blended(a, b, _float(guide_im))
    return mask.resize(photo.size, Image.Resampling.BILINEAR) if size != photo.size else mask


def _fit_size(size: tuple[int, int]) -> tuple[int, int]:
    """Where the coefficients are fitted for a guide of ``size``: at up to ``_FIT_SIDE`` px, at exactly half the
    guide when that keeps most of it (``analyze.whole_factor``: a 1008 px work copy, 504 px), so only the box
    around the mask is enlarged (``_blended_part``)."""
    if whole_factor(size, _FIT_SIDE) == 2 and size[0] % 2 == 0 and size[1] % 2 == 0:
        return reduced_size(size, 2)
    return _scaled(size, _FIT_SIDE)


def _blended(a: np.ndarray, b: np.ndarray, guide: np.ndarray) -> Image.Image:
    """The guided filter's output ``a * guide + b`` made a mask (L): backdrop below _LOW, product above _HIGH."""
    import numpy as np  # here, not at the top: a worker that never refines a mask does not load numpy
    alpha = np.clip((a * guide + b - _LOW) / (_HIGH - _LOW), 0.0, 1.0)
    return Image.fromarray(np.round(alpha * 255).astype(np.uint8), "L")


def _blended_part(a: np.ndarray, b: np.ndarray, guide: Image.Image) -> Image.Image:
    """``_blended`` of ``a`` and ``b`` (at half ``guide``'s size) enlarged to ``guide``'s size, on the box where
    either is not 0 only: elsewhere the coarse mask is 0 over every window that reaches, so both are exactly 0
    (sums of zeros), enlarged they stay 0 and so does the mask. The box, a pixel wider than that (what a bilinear
    enlargement reads beyond it: zeros, as the whole enlargement reads), is enlarged by exactly 2, so each pixel
    is the whole enlargement's."""
    import numpy as np  # here, not at the top: a worker that never refines a mask does not load numpy
    some = (a != 0) | (b != 0)
    rows, cols = np.nonzero(some.any(axis=1))[0], np.nonzero(some.any(axis=0))[0]
    out = np.zeros((guide.height, guide.width), dtype=np.uint8)
    if rows.size == 0:
        return Image.fromarray(out, "L")
    h, w = a.shape
    x0, y0, x1, y1 = max(0, cols[0] - 1), max(0, rows[0] - 1), min(w, cols[-1] + 2), min(h, rows[-1] + 2)
    size = (2 * (x1 - x0), 2 * (y1 - y0))
    ab = [np.asarray(Image.fromarray(np.ascontiguousarray(c[y0:y1, x0:x1]), "F")
                     .resize(size, Image.Resampling.BILINEAR), dtype=np.float32) for c in (a, b)]
    part = _blended(ab[0], ab[1], _float(guide.crop((2 * x0, 2 * y0, 2 * x1, 2 * y1))))
    out[2 * y0:2 * y1, 2 * x0:2 * x1] = np.asarray(part)
    return Image.fromarray(out, "L")


def mask_facts(mask: Image.Image) -> tuple[float, float]:
    """(share of the frame that is product, how sure the mask is: the share of pixels clearly in or out)."""
    import numpy as np  # here, not at the top: a worker that never refines a mask does not load numpy
    m = np.asarray(shrunk(mask, 256), dtype=np.float32) / 255.0
    share = float((m > 0.5).mean())
    sure = float(((m < 0.1) | (m > 0.9)).mean())
    return share, sure


def decontaminate(photo: Image.Image, mask: Image.Image) -> Image.Image:
    """``photo`` (RGB) with the colour of its product's soft edge pixels (0 < mask < 250) taken from the product
    nearby instead of the backdrop they blend with, so a cut-out on white has no fringe of the old backdrop
    (a teal halo around a red mug). The estimate is a normalized convolution (the product's opaque pixels,
    box-blurred, divided by how many there were), made at up to 1024 px: it only has to be right near edges,
    where it is smooth; edges with no opaque product near keep their colour."""
    out = photo.convert("RGB") if photo.mode != "RGB" else photo.copy()
    _paste_edge_colours(out, photo, mask)
    return out


def cut_out(photo: Image.Image, mask: Image.Image) -> Image.Image:
    """The product alone: ``photo`` as RGBA with ``mask`` as its alpha and its edges decontaminated (one pass
    over the full image; the rest works on the edge's box)."""
    out = photo.convert("RGBA")
    _paste_edge_colours(out, photo, mask)
    out.putalpha(mask)
    return out


def edge_colours(photo: Image.Image, mask: Image.Image) -> Image.Image:
    """The colour of the product near each pixel of ``photo`` (RGB, at up to ``WORK_SIDE`` px): its opaque
    pixels (``mask`` >= 250), box-blurred and divided by how many there were (a normalized convolution), the
    photo's own colour where no opaque product is near. It only has to be right near the product's edges,
    where it is smooth, so one small copy serves the cut-out at every size (see decontaminate)."""
    import numpy as np  # here, not at the top: a worker that never refines a mask does not load numpy
    small_rgb, small_mask = shrunk(photo, WORK_SIDE).convert("RGB"), shrunk(mask, WORK_SIDE)
    solid = small_mask.point(_SOLID)
    radius = max(2, round(max(small_rgb.size) * 0.006))
    # Beyond the blur's reach from every opaque pixel the weight is 0 and the photo keeps its colour: only the
    # opaque pixels' box, grown by that reach, is worked on (the blur sees zeros past its edges either way).
    box = solid.getbbox()
    if box is None:
        return small_rgb
    box = grown_box(box, radius + 2, small_rgb.size)
    rgb, opaque = small_rgb.crop(box), solid.crop(box)
    spread = ImageFilter.BoxBlur(radius)
    # the opaque pixels' colours and their count blurred in one pass: as the alpha of the RGB picture (Pillow
    # blurs the four bytes of an RGB pixel anyway, and each channel alone: the same bytes as two blurs)
    both = Image.composite(rgb, Image.new("RGB", rgb.size), opaque)
    both.putalpha(opaque)
    both = both.filter(spread)
    blurred, weight_im = both.convert("RGB"), both.getchannel("A")
    # the spread colour where enough opaque pixels are near, the photo's own elsewhere (Pillow's composite with
    # a 0/255 mask picks whole pixels: np.where's result, 4x faster)
    guess = np.array(Image.composite(blurred, rgb, weight_im.point(_SPREAD)))
    weight = np.asarray(weight_im)
    spread_in = weight > 8
    # colour * 255 / weight, both 8-bit: looked up in a 256 x 256 table rather than divided in floats per pixel,
    # and only where the weight is not full (a band along the outline): at 255 it is the colour itself
    mid = np.nonzero(spread_in & (weight < 255))
    guess[mid] = _ratios()[(weight[mid].astype(np.uint16)[:, np.newaxis] << 8) | np.asarray(blurred)[mid]]
    fixed = _consistent(guess, spread_in, rgb, small_mask.crop(box), radius)
    small_rgb.paste(Image.fromarray(fixed, "RGB"), box[:2])
    return small_rgb


def _consistent(guess: np.ndarray, spread_in: np.ndarray, rgb: Image.Image, mask: Image.Image,
                radius: int) -> np.ndarray:
    """``guess`` (the product's colour spread from its opaque pixels where ``spread_in``) kept where it explains
    the photo, and the colour solved from the photo where it does not. A soft pixel is I = a F + (1 - a) B (B
    the backdrop, spread the same way from the pixels the mask leaves out): where a F_guess + (1 - a) B misses I
    by more than a texture's worth, the product there is not the colour around it (a thin red lining beside a
    navy body) and F = (I - (1 - a) B) / a is taken instead, blended in over a ramp. Faint pixels (a < 0.25),
    where that division magnifies noise, keep the guess (the compositing equation of Levin, Lischinski and
    Weiss 2008 solved per pixel with B known, where pymatting's estimate_foreground_ml fits F and B together)."""
    import numpy as np  # here, not at the top: a worker that never refines a mask does not load numpy
    a8 = np.asarray(mask)
    # Only the soft pixels and the opaque ones beside them (cut_out_at repaints those too) are worked on,
    # gathered: a few percent of the box.
    soft = (a8 > 0) & (a8 < 255)
    near = soft.copy()
    near[1:] |= soft[:-1]
    near[:-1] |= soft[1:]
    near[:, 1:] |= near[:, :-1].copy()
    near[:, :-1] |= near[:, 1:].copy()
    where = np.nonzero(near & (a8 > 0))
    if not where[0].size:
        return guess
    # The backdrop is smooth: it is spread at half the size (a quarter of the blurs' cost) and looked up there.
    clear = mask.point(_CLEAR)
    half = ImageFilter.BoxBlur(max(1, round(radius / 2)))
    spread_rgb = Image.composite(rgb, Image.new("RGB", rgb.size), clear).reduce(2).filter(half)
    at = (np.minimum(where[0] // 2, spread_rgb.height - 1), np.minimum(where[1] // 2, spread_rgb.width - 1))
    b_weight = np.asarray(clear.reduce(2).filter(half))[at][:, np.newaxis]
    b_colour = np.asarray(spread_rgb)[at]
    backdrop = _ratios()[(b_weight.astype(np.uint16) << 8) | b_colour].astype(np.float32)
    a = (a8[where].astype(np.float32) / 255.0)[:, np.newaxis]
    photo, f = np.asarray(rgb)[where].astype(np.float32), guess[where].astype(np.float32)
    diff = photo - a * f - (1.0 - a) * backdrop
    miss = np.abs(diff).max(axis=1, keepdims=True)
    solved = np.clip((photo - (1.0 - a) * backdrop) / a, 0, 255)
    # A pixel darker than the blend in every channel is the backdrop in the product's shadow (a dark line where a
    # duck sits on its floor), no colour of the product: the guess stays there.
    shade = (diff < 0).all(axis=1, keepdims=True) & spread_in[where][:, np.newaxis]
    take = np.clip((miss - _MISS_OK) / _MISS_RAMP, 0, 1) * np.clip((a - 0.25) / 0.15, 0, 1) * (b_weight > 8) * ~shade
    out = guess.copy()
    out[where] = np.round(f + take * (solved - f)).astype(np.uint8)
    return out


@lru_cache(maxsize=1)
def _ratios() -> np.ndarray:
    """``c * 255 / max(w, 1)`` in float32, clipped to 0-255 and truncated, at index ``w * 256 + c``."""
    import numpy as np  # here, not at the top: a worker that never refines a mask does not load numpy
    c = np.arange(256, dtype=np.float32)[np.newaxis, :]
    w = np.arange(256, dtype=np.float32)[:, np.newaxis]
    out: np.ndarray = np.clip(c * 255.0 / np.maximum(w, 1.0), 0, 255).astype(np.uint8).ravel()
    return out


def _paste_edge_colours(out: Image.Image, photo: Image.Image, mask: Image.Image) -> None:
    """Paste into ``out`` (``photo``'s size) the product's own colour where ``mask`` is soft (see decontaminate)."""
    edge = mask.point(lambda a: 255 if 0 < a < _SOLID_ALPHA else 0)
    box = edge.getbbox()
    if box is None:
        return
    guess = edge_colours(photo, mask)
    size = guess.size
    kx, ky = size[0] / photo.width, size[1] / photo.height
    part = guess.resize((box[2] - box[0], box[3] - box[1]), Image.Resampling.BILINEAR,
                        box=(box[0] * kx, box[1] * ky, box[2] * kx, box[3] * ky)) if size != photo.size \
        else guess.crop(box)
    out.paste(part.convert(out.mode) if out.mode != "RGB" else part, box[:2], edge.crop(box))


def cut_out_at(photo: Image.Image, mask: Image.Image, box: tuple[float, float, float, float],
               size: tuple[int, int], colours: Image.Image | None = None, *,
               faint: tuple[int, int] | None = None) -> Image.Image:
    """The cut-out of ``box`` of ``photo`` (RGB; ``box`` in its pixels) drawn at ``size``: what ``cut_out``
    gives, cropped and resized, made at the size it is drawn rather than the photo's. The photo and ``mask``
    (L, any size: it is scaled to the photo) are resized first, then the edges are decontaminated and the
    mask put in as alpha, so a 12 MP photo drawn at 1500 px costs a fifth of the pixels. ``colours``: the
    photo's ``edge_colours`` when they are at hand (made once per photo, whatever the sizes drawn). ``faint``:
    (tolerance, reach) to clear the faint pixels as ``backdrop.clear_faint`` does (for a white background),
    along the same cells of the alpha, before it is put in.

    A product pixel next to the edge takes in some backdrop when the photo alone is resized (the resize's
    kernel reaches a pixel or two out, where a resize of the cut-out would have weighed the backdrop by its
    alpha of 0): the edge colours are pasted a pixel further in than the soft edge, so no fringe shows."""
    import numpy as np  # here, not at the top: a worker that never refines a mask does not load numpy

    rgb = photo.convert("RGB") if photo.mode != "RGB" else photo
    out = rgb.resize(size, Image.Resampling.LANCZOS, box=box, reducing_gap=3.0) \
        if size != rgb.size or box != (0, 0, *rgb.size) else rgb.copy()
    mx, my = mask.width / photo.width, mask.height / photo.height
    alpha = enlarged_mask(mask, size, (box[0] * mx, box[1] * my, box[2] * mx, box[3] * my))
    guess = None
    gx = gy = 1.0
    kx, ky = (box[2] - box[0]) / size[0], (box[3] - box[1]) / size[1]  # photo pixels per drawn pixel
    # The pixels repainted have some alpha and lie within a pixel of one that is not solid: only cells along the
    # outline hold them. Each box is judged with a margin of 2 px, so it gets what the whole picture would.
    lo, hi = cell_ranges(alpha)
    found = boxes(spread(lo < _SOLID_ALPHA) & (hi > 0), size)
    a = np.asarray(alpha)
    for where in found:
        outer = grown_box(where, 1, size)
        x0, y0, x1, y1 = where
        # the box's pixels with some alpha within a pixel of one not solid (numpy: Pillow's per-call cost made
        # most of the time over ~60 boxes)
        edge = near(a[outer[1]:outer[3], outer[0]:outer[2]] < _SOLID_ALPHA, 1)[
            y0 - outer[1]:y1 - outer[1], x0 - outer[0]:x1 - outer[0]] & (a[y0:y1, x0:x1] > 0)
        if not edge.any():
            continue
        if guess is None:
            guess = colours if colours is not None else edge_colours(photo, mask)
            gx, gy = guess.width / photo.width, guess.height / photo.height
        part = guess.resize((x1 - x0, y1 - y0), Image.Resampling.BILINEAR,
                            box=((box[0] + x0 * kx) * gx, (box[1] + y0 * ky) * gy,
                                 (box[0] + x1 * kx) * gx, (box[1] + y1 * ky) * gy))
        out.paste(part, where[:2], Image.fromarray(edge.astype(np.uint8) * 255, "L"))
    cleared = faint_cleared_array(a, out, *faint, cells=(lo, hi)) if faint is not None else None
    out.putalpha(Image.fromarray(cleared, "L") if cleared is not None else alpha)
    return out
