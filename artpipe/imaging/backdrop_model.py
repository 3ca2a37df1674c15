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

    def predict(self, height: int, width: int) -> np.ndarray:
        """The backdrop as the model sees it, (height, width, 3) float32."""
        import numpy as np

        y, x = np.mgrid[0:height, 0:width].astype(np.float32)
        x = x * (2.0 / max(1, width - 1)) - 1.0
        y = y * (2.0 / max(1, height - 1)) - 1.0
        terms = np.stack([np.ones_like(x), x, y, x * x, x * y, y * y], axis=-1)
        out: np.ndarray = terms @ self.coefficients.astype(np.float32)
        return out

    def distance(self, rgb: np.ndarray) -> np.ndarray:
        """How far each pixel of ``rgb`` ((h, w, 3), 0-255) is from the backdrop there (max channel, float32)."""
        import numpy as np

        return channel_max(np.abs(rgb.astype(np.float32) - self.predict(*rgb.shape[:2])))


def channel_max(a: np.ndarray) -> np.ndarray:
    """The largest of the three channels of ``a`` (h, w, 3), per pixel: ``a.max(axis=-1)`` reduces over an axis
    of three, which numpy does several times slower than two element-wise maxima."""
    import numpy as np

    out: np.ndarray = np.maximum(np.maximum(a[..., 0], a[..., 1]), a[..., 2])
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


def fit_backdrop(rgb: np.ndarray, outside: np.ndarray) -> BackdropModel | None:
    """The backdrop model of ``rgb`` ((h, w, 3) uint8) fitted on the ``outside`` pixels (bool); None when there
    are too few of them to say anything."""
    import numpy as np

    ys, xs = np.nonzero(outside)
    if len(ys) < 200:
        return None
    step = max(1, len(ys) // _MAX_SAMPLES)
    ys, xs = ys[::step], xs[::step]
    h, w = outside.shape
    terms = _terms(ys, xs, h, w)
    values = rgb[ys, xs].astype(np.float32)
    keep = np.ones(len(ys), dtype=bool)
    coefficients = np.zeros((6, 3), dtype=np.float32)
    for _ in range(2):  # refit without the worst-explained fifth (a shadow or a prop in the ring)
        coefficients, *_ = np.linalg.lstsq(terms[keep], values[keep], rcond=None)
        residual = np.abs(terms @ coefficients - values).max(axis=-1)
        keep = residual <= np.percentile(residual, 80)
    residual = np.abs(terms @ coefficients - values).max(axis=-1)
    mean = values.mean(axis=0)
    return BackdropModel(coefficients.astype(np.float32), float(np.median(residual)),
                         (int(mean[0]), int(mean[1]), int(mean[2])))
