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
from PIL import Image

_WORK_SIDE = 1024
_RADIUS_SHARE = 0.006  # the filter window's radius as a share of the working image's long side
_EPS = 1e-3  # regularization: lower follows weaker edges
_LOW, _HIGH = 0.3, 0.7  # refined values below _LOW are backdrop, above _HIGH product, linear between


def _box(a: np.ndarray, r: int) -> np.ndarray:
    """Mean over a (2r+1)^2 window (shrunk at the borders), by cumulative sums: O(1) per pixel."""
    def along(x: np.ndarray, axis: int) -> np.ndarray:
        n = x.shape[axis]
        c = np.cumsum(x, axis=axis, dtype=np.float64)
        zero = np.zeros_like(np.take(c, [0], axis=axis))
        c = np.concatenate([zero, c], axis=axis)
        hi = np.minimum(np.arange(n) + r + 1, n)
        lo = np.maximum(np.arange(n) - r, 0)
        total = np.take(c, hi, axis=axis) - np.take(c, lo, axis=axis)
        shape = [1] * x.ndim
        shape[axis] = n
        out: np.ndarray = total / (hi - lo).reshape(shape)
        return out

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
    guide_im = photo.convert("L")
    if size != photo.size:
        guide_im = guide_im.resize(size, Image.Resampling.BOX)
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
