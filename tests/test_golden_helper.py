"""The golden comparison itself (conftest.assert_matches_golden): a visible defect fails, codec noise passes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from conftest import GOLDEN, assert_matches_golden, difference_stats

GOLDENS = sorted(p.stem for p in GOLDEN.glob("*.png"))


def golden(name: str) -> Image.Image:
    with Image.open(GOLDEN / f"{name}.png") as im:
        return im.convert("RGB")


def with_blob(im: Image.Image, side: int, at: tuple[int, int] | None = None) -> Image.Image:
    """``im`` with a grey square of ``side`` px pasted on it (centred unless ``at`` is its top-left corner)."""
    out = im.copy()
    x, y = at if at is not None else ((im.width - side) // 2, (im.height - side) // 2)
    ImageDraw.Draw(out).rectangle((x, y, x + side - 1, y + side - 1), fill=(128, 128, 128))
    return out


def jpeg_again(im: Image.Image, quality: int = 90) -> Image.Image:
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=quality, subsampling="4:4:4")
    with Image.open(buf) as again:
        return again.convert("RGB")


def test_the_largest_renders_have_goldens_at_their_own_size() -> None:
    assert len(GOLDENS) >= 31
    assert golden("product-main-large").size == (2000, 2000)  # stored as rendered, never shrunk
    assert golden("promo-banner-wide").size == (1920, 600)


@pytest.mark.parametrize("name", GOLDENS)
def test_a_60_px_grey_blob_fails(name: str, tmp_path: Path) -> None:
    """The defect a 320 px thumbnail let through: 60 x 60 px of grey pasted on the render."""
    im = golden(name)
    with pytest.raises(pytest.fail.Exception, match=rf"^{name}: the 8x8 px at \(\d+, \d+\) differ by"):
        assert_matches_golden(with_blob(im, 60), name, update=False, failures=tmp_path)
    assert {p.name for p in tmp_path.iterdir()} == {f"{name}-{kind}.png" for kind in ("expected", "actual", "diff")}


def test_a_small_defect_on_a_large_render_fails_where_it_is(tmp_path: Path) -> None:
    im = golden("product-main-large")
    window, mean, corner = difference_stats(im, with_blob(im, 12, at=(1000, 600)))
    assert mean < 0.01  # over 2000 x 2000 px a 12 px square is nothing on average...
    assert window > 80  # ...and everything in its window
    assert 1000 <= corner[0] <= 1004  # the worst window lies on the square
    assert 600 <= corner[1] <= 604
    with pytest.raises(pytest.fail.Exception):
        assert_matches_golden(with_blob(im, 12, at=(1000, 600)), "product-main-large", update=False,
                              failures=tmp_path)


@pytest.mark.parametrize("name", GOLDENS)
def test_a_jpeg_re_encode_passes(name: str, tmp_path: Path) -> None:
    """JPEG noise at quality 90 (no chroma subsampling) is within the tolerance: the gate is not pixel-exact."""
    im = golden(name)
    again = jpeg_again(im)
    assert again.tobytes() != im.tobytes()
    assert_matches_golden(again, name, update=False, failures=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_background_shifted_everywhere_fails(tmp_path: Path) -> None:
    """No window moves much, but the whole picture does: the mean gate."""
    im = golden("promo-banner-square")
    tinted = im.point(lambda v: max(0, v - 6))
    window, mean, _ = difference_stats(im, tinted)
    assert window <= 6
    with pytest.raises(pytest.fail.Exception, match="the whole image by"):
        assert_matches_golden(tinted, "promo-banner-square", update=False, failures=tmp_path)
