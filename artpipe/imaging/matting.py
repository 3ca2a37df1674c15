"""From a segmentation model's coarse mask to a product mask at the photo's size. Pure (numpy + Pillow).

The model sees the photo at 320 px, so its mask is soft and blocky at full size. A guided filter (He, Sun and
Tang, "Guided Image Filtering", 2010/2013) makes the mask follow the photo's own edges: inside each small window
the mask is fitted as a linear function of the photo's brightness, so a mask edge snaps to the nearest image edge
and thin gaps (between a stroller's wheels, under a handle) open where the photo shows backdrop. It runs at a
working size of about 1024 px (the "fast guided filter" of He and Sun 2015: the coefficients are smooth, so they
are computed small and only the final blend is full size).
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter

_WORK_SIDE = 1024
_RADIUS_SHARE = 0.006  # the filter window's radius as a share of the working image's long side
_EPS = 1e-3  # regularization: lower follows weaker edges
_SOLID_ALPHA = 250  # from here up a mask pixel is the product itself
_LOW, _HIGH = 0.3, 0.7  # refined values below _LOW are backdrop, above _HIGH product, linear between


def _box(a: np.ndarray, r: int) -> np.ndarray:
    """Mean over a (2r+1)^2 window (shrunk at the borders), by cumulative sums: O(1) per pixel."""
    def along(x: np.ndarray, axis: int) -> np.ndarray:
        x = np.moveaxis(x, axis, 0)
        n = x.shape[0]
        c = np.zeros((n + 1, *x.shape[1:]), dtype=np.float32)
        np.cumsum(x, axis=0, dtype=np.float32, out=c[1:])
        # window [i - r, i + r] clipped to [0, n): sums from the cumulative sums at its clipped ends
        hi = np.concatenate([c[r + 1:], np.repeat(c[-1:], min(r, n), axis=0)])[:n]
        lo = np.concatenate([np.repeat(c[:1], min(r, n), axis=0), c[:n - r if n > r else 1]])[:n]
        count = (np.minimum(np.arange(n) + r + 1, n) - np.maximum(np.arange(n) - r, 0)).astype(np.float32)
        out: np.ndarray = (hi - lo) / count.reshape((n,) + (1,) * (x.ndim - 1))
        return np.moveaxis(out, 0, axis)

    return along(along(a, 0), 1)


def guided_filter(guide: np.ndarray, src: np.ndarray, radius: int, eps: float) -> np.ndarray:
    """Edge-preserving smoothing of ``src`` steered by ``guide`` (both float arrays in 0-1, same shape)."""
    mean_i, mean_p = _box(guide, radius), _box(src, radius)
    var_i = _box(guide * guide, radius) - mean_i * mean_i
    cov_ip = _box(guide * src, radius) - mean_i * mean_p
    a = cov_ip / (var_i + eps)
    b = mean_p - a * mean_i
    out: np.ndarray = _box(a, radius) * guide + _box(b, radius)
    return out


def refine(photo: Image.Image, coarse: Image.Image) -> Image.Image:
    """The product mask (L, photo's size): ``coarse`` (any size) fitted to ``photo``'s edges."""
    w, h = photo.size
    k = min(1.0, _WORK_SIDE / max(w, h))
    size = (max(1, round(w * k)), max(1, round(h * k)))
    # An integer box reduction first (fast, in C), then the last step and the grey conversion on few pixels.
    factor = max(1, int(1 / k))
    small = photo.reduce(factor) if factor > 1 else photo
    guide_im = (small.resize(size, Image.Resampling.BOX) if small.size != size else small).convert("L")
    guide = np.asarray(guide_im, dtype=np.float32) / 255.0
    src = np.asarray(coarse.resize(size, Image.Resampling.BILINEAR), dtype=np.float32) / 255.0
    radius = max(2, round(max(size) * _RADIUS_SHARE))
    q = guided_filter(guide, src, radius, _EPS)
    alpha = np.clip((q - _LOW) / (_HIGH - _LOW), 0.0, 1.0)
    mask = Image.fromarray(np.round(alpha * 255).astype(np.uint8), "L")
    return mask.resize(photo.size, Image.Resampling.BILINEAR) if size != photo.size else mask


def mask_facts(mask: Image.Image) -> tuple[float, float]:
    """(share of the frame that is product, how sure the mask is: the share of pixels clearly in or out)."""
    small = mask.resize((min(mask.width, 256), min(mask.height, 256)), Image.Resampling.BOX)
    m = np.asarray(small, dtype=np.float32) / 255.0
    share = float((m > 0.5).mean())
    sure = float(((m < 0.1) | (m > 0.9)).mean())
    return share, sure


def cut_sides(mask: Image.Image, share: float = 0.1, threshold: int = 128) -> tuple[str, ...]:
    """The sides of the frame (top, bottom, left, right) that the product runs into along more than ``share``
    of their length: the photo cut it off there."""
    w, h = mask.size
    edges = {"top": mask.crop((0, 0, w, 1)), "bottom": mask.crop((0, h - 1, w, h)),
             "left": mask.crop((0, 0, 1, h)), "right": mask.crop((w - 1, 0, w, h))}
    out = []
    for side, strip in edges.items():
        hist = strip.histogram()
        if sum(hist[threshold:]) > share * (strip.width * strip.height):
            out.append(side)
    return tuple(out)


def decontaminate(photo: Image.Image, mask: Image.Image) -> Image.Image:
    """``photo`` (RGB) with the colour of its product's soft edge pixels (0 < mask < 250) taken from the product
    nearby instead of the backdrop they blend with, so a cut-out on white has no fringe of the old backdrop
    (a teal halo around a red mug). The estimate is a normalized convolution (the product's opaque pixels,
    box-blurred, divided by how many there were), made at up to 1024 px: it only has to be right near edges,
    where it is smooth; edges with no opaque product near keep their colour."""
    rgb = photo.convert("RGB")
    w, h = rgb.size
    k = min(1.0, _WORK_SIDE / max(w, h))
    size = (max(1, round(w * k)), max(1, round(h * k)))
    small_rgb = rgb.resize(size, Image.Resampling.BOX) if k < 1 else rgb
    small_mask = mask.resize(size, Image.Resampling.BOX) if k < 1 else mask
    solid = small_mask.point(lambda a: 255 if a >= _SOLID_ALPHA else 0)
    spread = ImageFilter.BoxBlur(max(2, round(max(size) * 0.006)))
    colour = np.asarray(Image.composite(small_rgb, Image.new("RGB", size), solid).filter(spread), dtype=np.float32)
    weight = np.asarray(solid.filter(spread), dtype=np.float32)[..., np.newaxis]
    estimate = np.where(weight > 8, colour * 255.0 / np.maximum(weight, 1.0), np.asarray(small_rgb, np.float32))
    guess = Image.fromarray(np.clip(estimate, 0, 255).astype(np.uint8), "RGB")
    edge = mask.point(lambda a: 255 if 0 < a < _SOLID_ALPHA else 0)
    if edge.getbbox() is None:
        return rgb
    return Image.composite(guess.resize((w, h), Image.Resampling.BILINEAR) if k < 1 else guess, rgb, edge)
