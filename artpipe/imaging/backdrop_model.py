"""A model of a photo's backdrop, fitted to the pixels around the product: its colour, its gradient and how much
it varies. Pure (numpy).

A studio backdrop is rarely one colour: a sweep darkens towards the top, a lamp leaves a vignette. Each channel
is fitted as a quadratic surface in x and y over the ring of pixels outside the product (robustly: a second fit
leaves out the pixels the first one explained worst, such as a shadow in the ring), so every pixel of the photo
gets the backdrop colour it would have there, and the ring's residual says how plain the backdrop is (a few
levels for a studio sweep, tens for a room).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

_MAX_SAMPLES = 20000  # the fit needs a few thousand pixels, not a million


@dataclass(frozen=True)
class BackdropModel:
    """Per channel, the coefficients of ``c0 + c1 x + c2 y + c3 x^2 + c4 x y + c5 y^2`` (x, y in -1..1), and
    the median of the ring's residual (max channel, levels): how far the backdrop strays from the fit (the
    median, so a shadow or a prop in part of the ring does not make a plain backdrop look busy)."""

    coefficients: np.ndarray  # (6, 3)
    spread: float
    mean: tuple[int, int, int]  # the ring's mean colour

    def predict(self, height: int, width: int, box: tuple[int, int, int, int] | None = None) -> np.ndarray:
        """The backdrop as the model sees it, (height, width, 3) float32; ``box`` (left, top, right, bottom): only
        that part of the (height, width) frame, the same values."""
        import numpy as np

        # Separably, row by row: (c0 + c2 y + c5 y^2) + x (c1 + c4 y) + c3 x^2, on (height, 1, 3) and
        # (1, width, 1) arrays, instead of a (height, width, 6) stack of terms times the coefficients.
        x0, y0, x1, y1 = box if box is not None else (0, 0, width, height)
        c = self.coefficients.astype(np.float32)
        x = (np.arange(x0, x1, dtype=np.float32) * np.float32(2.0 / max(1, width - 1)) - 1.0)[None, :, None]
        y = (np.arange(y0, y1, dtype=np.float32) * np.float32(2.0 / max(1, height - 1)) - 1.0)[:, None, None]
        rows = c[0] + y * c[2] + (y * y) * c[5]
        slope = c[1] + y * c[4]
        out: np.ndarray = rows + x * slope + (x * x) * c[3]
        return out

    def at(self, ys: np.ndarray, xs: np.ndarray, size: tuple[int, int]) -> np.ndarray:
        """The backdrop at pixels (``ys``, ``xs``) of a picture of ``size`` (width, height): (n, 3) float32."""
        import numpy as np

        # term by term, not as a matrix product: numpy hands a product this size to BLAS, whose threads then
        # spin for a while on every core a worker's pool has given to another worker (+130 ms of CPU time on a
        # 12 MP photo's colour path, measured)
        w, h = size
        x = (xs.astype(np.float32) * np.float32(2.0 / max(1, w - 1)) - 1.0)[:, None]
        y = (ys.astype(np.float32) * np.float32(2.0 / max(1, h - 1)) - 1.0)[:, None]
        c = self.coefficients.astype(np.float32)
        out: np.ndarray = c[0] + x * (c[1] + x * c[3] + y * c[4]) + y * (c[2] + y * c[5])
        return out

    def distance(self, rgb: np.ndarray) -> np.ndarray:
        """How far each pixel of ``rgb`` ((h, w, 3), 0-255) is from the backdrop there (max channel, float32)."""
        import numpy as np

        return channel_max(np.abs(rgb.astype(np.float32) - self.predict(*rgb.shape[:2])))


def shade_terms(f: np.ndarray, back: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For pixels ``f`` (n, 3) float32 and the backdrop ``back`` there (n, 3): each pixel's distance from the
    backdrop (max channel), its chromaticity's distance (max channel of the r, g, b shares) and its brightness
    as a share of the backdrop's: a shade of the backdrop has a small second and a third below 1."""
    import numpy as np

    back = np.clip(back, 1.0, 255.0)
    lum, lum_back = channel_sum(f) + 1.0, channel_sum(back)
    chroma = channel_max(np.abs(f / lum[:, None] - back / lum_back[:, None]))
    return channel_max(np.abs(f - back)), chroma, lum / lum_back


def channel_max(a: np.ndarray) -> np.ndarray:
    """The largest of the three channels of ``a`` (h, w, 3), per pixel: ``a.max(axis=-1)`` reduces over an axis
    of three, which numpy does several times slower than two element-wise maxima."""
    import numpy as np

    out: np.ndarray = np.maximum(np.maximum(a[..., 0], a[..., 1]), a[..., 2])
    return out


def channel_sum(a: np.ndarray) -> np.ndarray:
    """The sum of the three channels of ``a`` (h, w, 3), per pixel, in the order ``a.sum(axis=-1)`` adds them
    (the same values), as element-wise additions: ten times faster than reducing over an axis of three."""
    out: np.ndarray = a[..., 0] + a[..., 1] + a[..., 2]
    return out


def _terms(ys: np.ndarray, xs: np.ndarray, height: int, width: int) -> np.ndarray:
    import numpy as np

    x = xs.astype(np.float32) * (2.0 / max(1, width - 1)) - 1.0
    y = ys.astype(np.float32) * (2.0 / max(1, height - 1)) - 1.0
    return np.stack([np.ones_like(x), x, y, x * x, x * y, y * y], axis=-1)


def ring(product: np.ndarray, width_px: int) -> np.ndarray:
    """The pixels outside ``product`` (bool) within ``width_px`` of it: where the backdrop meets the product."""
    from scipy import ndimage

    # a square neighbourhood: separable, so its cost does not grow with the width as repeated dilations do
    grown = ndimage.maximum_filter(product, size=2 * max(1, width_px) + 1)
    out: np.ndarray = grown & ~product
    return out


def _least_squares(terms: np.ndarray, values: np.ndarray) -> np.ndarray:
    """The coefficients (6, 3) that best fit ``values`` (n, 3) as ``terms`` (n, 6) times them: by the normal
    equations, a 6 x 6 system, in float64 (the terms are within -1..1, so it is well conditioned); several times
    faster than an SVD of the n x 6 terms, which ``lstsq`` makes. ``lstsq`` still answers a singular system
    (samples along one line)."""
    import numpy as np

    t = terms.astype(np.float64)
    gram = t.T @ t
    try:
        out: np.ndarray = np.linalg.solve(gram, t.T @ values.astype(np.float64))
    except np.linalg.LinAlgError:
        out, *_ = np.linalg.lstsq(terms, values, rcond=None)
    return out.astype(np.float32)


def fit_backdrop(rgb: np.ndarray, outside: np.ndarray, frame: tuple[int, int, int, int] | None = None,
                 ) -> BackdropModel | None:
    """The backdrop model of ``rgb`` ((h, w, 3) uint8) fitted on the ``outside`` pixels (bool); None when there
    are too few of them to say anything. ``frame``: ``rgb`` is a part of a larger frame, at (left, top) in a
    frame (width, height) big, whose coordinates the model is fitted in; the whole frame's model when every
    ``outside`` pixel of it lies in the part."""
    import numpy as np

    ys, xs = np.nonzero(outside)
    if len(ys) < 200:
        return None
    step = max(1, len(ys) // _MAX_SAMPLES)
    ys, xs = ys[::step], xs[::step]
    values = rgb[ys, xs].astype(np.float32)
    left, top, w, h = frame if frame is not None else (0, 0, outside.shape[1], outside.shape[0])
    terms = _terms(ys + top, xs + left, h, w)
    coefficients = _least_squares(terms, values)
    residual = channel_max(np.abs(terms @ coefficients - values))
    # refit without the worst-explained fifth (a shadow or a prop in the ring); the residual of the refit is
    # the model's (computed once: 20 000 samples by 3 channels, 1 ms each time)
    keep = residual <= np.percentile(residual, 80)
    coefficients = _least_squares(terms[keep], values[keep])
    residual = channel_max(np.abs(terms @ coefficients - values))
    mean = values.mean(axis=0)
    return BackdropModel(coefficients.astype(np.float32), float(np.median(residual)),
                         (int(mean[0]), int(mean[1]), int(mean[2])))
