"""The backdrop model (artpipe/imaging/backdrop_model.py): a quadratic surface per channel fitted to the ring
around a product, robust to a shadow in the ring."""

from __future__ import annotations

import numpy as np
import pytest

from artpipe.imaging.backdrop_model import BackdropModel, channel_max, channel_sum, fit_backdrop, ring, shade_terms


def sweep(h: int = 120, w: int = 160) -> np.ndarray:
    """A studio sweep: lighter to the right, darker to the top, a vignette towards the corners (exact quadratic)."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    xs, ys = x / (w - 1) * 2 - 1, y / (h - 1) * 2 - 1
    base = 200 + 20 * xs + 15 * ys - 10 * xs * xs - 8 * ys * ys
    return np.stack([base, base - 5, base - 12], axis=-1)


def product(h: int = 120, w: int = 160) -> np.ndarray:
    inside = np.zeros((h, w), dtype=bool)
    inside[40:80, 60:100] = True
    return inside


def test_a_quadratic_backdrop_is_fitted_exactly_under_the_product_too() -> None:
    truth = sweep()
    rgb = truth.round().astype(np.uint8)
    rgb[product()] = (30, 60, 200)  # the product itself is never sampled
    model = fit_backdrop(rgb, ~product())
    assert model is not None
    assert model.spread <= 1.0  # rounding to whole levels is all that is left
    predicted = model.predict(120, 160)
    assert predicted.shape == (120, 160, 3)
    assert predicted.dtype == np.float32
    assert np.abs(predicted - truth).max() < 1.5  # under the product as well: the surface, not the pixels
    distance = model.distance(rgb)
    assert distance[product()].min() > 100
    assert distance[~product()].max() < 1.5


def test_a_shadow_beside_the_product_is_left_out_of_the_fit() -> None:
    rgb = np.full((120, 160, 3), 220, dtype=np.uint8)
    rgb[40:80, 100:130] = 120  # a dark cast shadow right of the product, a sixteenth of the backdrop
    model = fit_backdrop(rgb, ~product())
    assert model is not None
    assert np.abs(model.predict(120, 160) - 220).max() < 2  # the backdrop, not dragged towards the shadow
    assert model.spread < 1
    assert model.mean[0] < 215  # the plain mean of the samples does see it


def _fitted_twice(rgb: np.ndarray, outside: np.ndarray) -> tuple[np.ndarray, float]:
    """The fit as first written: every sample, then all but the worst-explained fifth, each by least squares,
    and the median residual of the second."""
    ys, xs = np.nonzero(outside)
    h, w = outside.shape
    x, y = xs * (2.0 / (w - 1)) - 1.0, ys * (2.0 / (h - 1)) - 1.0
    terms = np.stack([np.ones_like(x), x, y, x * x, x * y, y * y], axis=-1)
    values = rgb[ys, xs].astype(np.float64)
    keep = np.ones(len(ys), dtype=bool)
    for _ in range(2):
        coefficients = np.linalg.lstsq(terms[keep], values[keep], rcond=None)[0]
        residual = np.abs(terms @ coefficients - values).max(axis=-1)
        keep = residual <= np.percentile(residual, 80)
    return coefficients, float(np.median(residual))


@pytest.mark.parametrize("seed", range(4))
def test_the_fit_leaves_out_the_worst_explained_fifth_once(seed: int) -> None:
    """A sweep with grain and a shadow in the ring: the model is the second fit's, its spread the median residual
    of that fit (computed once, not again after it)."""
    rng = np.random.default_rng(seed)
    rgb = np.clip(sweep() + rng.normal(0, 3, (120, 160, 1)), 0, 255).astype(np.uint8)
    rgb[40:80, 100:100 + 10 * (seed + 1)] = 120  # a shadow beside the product, of growing width
    model = fit_backdrop(rgb, ~product())
    assert model is not None
    coefficients, spread = _fitted_twice(rgb, ~product())
    assert np.abs(model.coefficients - coefficients).max() < 1e-3
    assert model.spread == pytest.approx(spread, abs=1e-3)


def test_too_few_backdrop_pixels_say_nothing() -> None:
    rgb = np.zeros((20, 20, 3), dtype=np.uint8)
    outside = np.zeros((20, 20), dtype=bool)
    outside[0, :] = outside[1, :] = outside[2, :] = True  # 60 pixels
    assert fit_backdrop(rgb, outside) is None


def test_samples_along_one_line_still_give_a_model() -> None:
    rgb = np.full((300, 300, 3), 180, dtype=np.uint8)
    outside = np.zeros((300, 300), dtype=bool)
    outside[10, :] = True  # one row: the normal equations are singular
    model = fit_backdrop(rgb, outside)
    assert isinstance(model, BackdropModel)
    assert abs(float(model.predict(300, 300)[10, 150, 0]) - 180) < 1


def test_the_ring_is_the_band_outside_the_product_within_its_width() -> None:
    inside = np.zeros((9, 9), dtype=bool)
    inside[4, 4] = True
    band = ring(inside, 2)
    assert band.sum() == 5 * 5 - 1  # a square neighbourhood, the product itself left out
    assert not band[4, 4]
    assert band[2, 2]
    assert not band[1, 4]


@pytest.mark.parametrize("dtype", [np.float32, np.int32])
def test_channel_max_and_sum_are_numpys_reductions(dtype: type) -> None:
    a = np.random.default_rng(0).integers(0, 255, (7, 5, 3)).astype(dtype)
    assert np.array_equal(channel_max(a), a.max(axis=-1))
    assert np.array_equal(channel_sum(a), a.sum(axis=-1))


def test_the_model_at_some_pixels_is_the_model_of_the_whole_frame_there() -> None:
    truth = sweep()
    model = fit_backdrop(truth.round().astype(np.uint8), ~product())
    assert model is not None
    ys, xs = np.array([0, 5, 60, 119, 119]), np.array([0, 159, 80, 3, 159])
    whole = model.predict(120, 160)
    np.testing.assert_allclose(model.at(ys, xs, (160, 120)), whole[ys, xs], atol=1e-3)


def test_shade_terms_tell_a_shade_of_the_backdrop_from_a_colour() -> None:
    back = np.array([[240.0, 235.0, 225.0]] * 3, dtype=np.float32)
    f = np.array([[120.0, 117.5, 112.5], [240.0, 235.0, 225.0], [200.0, 60.0, 60.0]], dtype=np.float32)
    distance, chroma, ratio = shade_terms(f, back)
    assert distance.tolist() == pytest.approx([120.0, 0.0, 175.0])
    assert chroma[:2].max() < 0.005  # the shade keeps the backdrop's hue
    assert chroma[2] > 0.2
    assert ratio.tolist()[:2] == pytest.approx([0.5, 1.0], abs=0.01)


def test_a_part_of_the_frame_gets_the_whole_frames_model_and_prediction() -> None:
    # Fitted on a part of the frame holding every ring pixel, in the frame's coordinates: the same model, and
    # the prediction over a part is that part of the whole prediction.
    rng = np.random.default_rng(3)
    yy, xx = np.mgrid[0:120, 0:160]
    truth = 180 + 20 * (xx / 159) - 15 * (yy / 119) ** 2
    rgb = np.clip(np.dstack([truth, truth - 10, truth + 5]) + rng.normal(0, 2, (120, 160, 3)), 0, 255)
    rgb = rgb.round().astype(np.uint8)
    ring = (np.abs(yy - 60) < 30) & (np.abs(xx - 90) < 40) & ~product()
    whole = fit_backdrop(rgb, ring)
    part = fit_backdrop(rgb[25:95, 45:135], ring[25:95, 45:135], (45, 25, 160, 120))
    assert whole is not None
    assert part is not None
    assert np.array_equal(whole.coefficients, part.coefficients)
    assert whole.spread == part.spread
    assert np.array_equal(whole.predict(120, 160, (45, 25, 135, 95)), whole.predict(120, 160)[25:95, 45:135])
