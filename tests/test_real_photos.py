"""Main images from real merchant photos (../shared/photos/real, see its SOURCES.md); skipped where absent.

The photos are read in place, never copied into the project. ``benchmarks/real_photos.py`` runs all of them and
writes contact sheets to look at; this test keeps a few telling ones honest."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from artpipe.cli import main
from artpipe.imaging.analyze import border_white_share, framed_photo

REAL = Path(__file__).resolve().parents[2] / "shared" / "photos" / "real"
PICKED = {
    "saleor_mirumee-bag.jpg": "none",  # a canvas bag on blue cloth, the cloth seen between its handles: doubted
    "skimage_coffee.png": "none",  # a cup on a wooden table: cut out of a busy scene, doubted
    "shopxo_1691999334494128.png": "none",  # a bag among props the model cannot tell apart: must not pass
    "solidus_ruby_mug.jpg": "color",  # a packshot on white: no model
    "spree_030.jpg": "none",  # a 240 px sweater on a textured light blue: doubted, and too small anyway
}

pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason=f"no real photos at {REAL}")


def test_every_pass_is_a_product_on_white_and_scenes_fail(tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    photos.mkdir()
    for name in PICKED:
        shutil.copy(REAL / name, photos / name)  # a temporary copy for the run, never into the project
    out = tmp_path / "out"
    CliRunner().invoke(main, ["main-image", str(photos), "-o", str(out), "-j", "1",
                              "-p", "amazon.main", "-p", "tmall.white_bg", "-p", "jd"])
    items = {Path(i["input"]).name: i for i in json.loads((out / "report.json").read_text())["items"]}
    assert set(items) == set(PICKED)
    for name, how in PICKED.items():
        steps = items[name]["steps"]
        assert any(s.startswith(f"cutout:{how}") for s in steps), (name, steps)
        for check in items[name]["checks"]:
            if not check["pass"]:
                continue
            with Image.open(check["output"]) as im:
                rgb = im.convert("RGB")
            assert not framed_photo(rgb, 28)[0], (name, check["preset"])
            assert border_white_share(rgb) == 1.0
    assert not any(c["pass"] for c in items["shopxo_1691999334494128.png"]["checks"])
    assert "scene_photo" in items["shopxo_1691999334494128.png"]["warnings"]
    bag = {r["rule"]: r for c in items["saleor_mirumee-bag.jpg"]["checks"] for r in c["rules"]}
    assert bag["uncertain_cutout"]["ok"] is False  # the blue cloth between the handles is not signed off
    assert "needs a retoucher" in bag["uncertain_cutout"]["measured"]
    tiny = {r["rule"]: r["ok"] for c in items["spree_030.jpg"]["checks"] for r in c["rules"]}
    assert tiny["low_resolution"] is False


def test_a_white_sleeve_the_backdrop_swallowed_is_doubted() -> None:
    # The polo's left sleeve is white on white: the colour path takes it for backdrop and whitens its grey
    # folds with it (they are the backdrop's tone, smooth). What is left is a sleeve-shaped hole with a cuff:
    # the review must doubt it, not sign it off.
    from artpipe.imaging.normalize import NormalizeOptions, normalize
    from artpipe.imaging.open import open_image
    from artpipe.imaging.review import Doubt

    asset = normalize(open_image(REAL / "solidus_ruby_polo.jpg"), NormalizeOptions(cutout="auto"))
    assert asset.isolation == "color"
    assert asset.review is not None
    assert Doubt.ERASED in asset.review.kinds, asset.review
