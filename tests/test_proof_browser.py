"""The proof page in a real headless browser: every image it shows loads, and a missing one is visible."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image, ImageStat

from artpipe.cli.commands import main

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
BROWSER = next((b for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)

if BROWSER is None:
    if os.environ.get("ARTPIPE_REQUIRE_BROWSER"):  # CI installs Chromium: there, a missing browser is a failure
        pytest.fail("no headless browser (chromium) installed", pytrace=False)
    pytest.skip("no headless browser (chromium) installed", allow_module_level=True)


def browser(*args: str) -> str:
    assert BROWSER is not None
    done = subprocess.run([BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           "--virtual-time-budget=5000", *args], capture_output=True, text=True, timeout=120,
                          check=True)
    return done.stdout


@pytest.fixture(scope="module")
def campaign(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("proof")
    shutil.copytree(SAMPLES, tmp / "samples")
    request = tmp / "samples" / "requests" / "small.yaml"
    request.write_text("campaign: small\nbrand: ../brands/maison.yaml\npresets: [tmall.white_bg, jd.main, "
                       "mobile.banner]\nproducts:\n  - {sku: mug-01, product: ../photos/mug-sideways.jpg, "
                       "headline: 双11 马克杯, price: ¥29.90}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["request", str(request), "-o", str(tmp / "out"), "-j", "1"])
    assert result.exit_code == 0, result.output
    return tmp / "out" / "small"


def test_every_image_of_the_proof_page_loads(campaign: Path) -> None:
    dom = browser("--dump-dom", (campaign / "proof.html").as_uri())
    assert dom.count("<figure") == 3
    assert 'class="missing"' not in dom  # each <img> marks its figure when it fails to load


def test_a_missing_image_shows_on_the_page(campaign: Path, tmp_path: Path) -> None:
    copy = tmp_path / "small"
    shutil.copytree(campaign, copy)
    (copy / "jd" / "jd.main" / "mug-01.jpg").unlink()
    dom = browser("--dump-dom", (copy / "proof.html").as_uri())
    assert len(re.findall(r'<figure [^>]*class="missing"', dom)) == 1


def test_the_page_renders_with_its_images(campaign: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    browser("--window-size=1000,900", f"--screenshot={shot}", (campaign / "proof.html").as_uri())
    with Image.open(shot) as im:
        assert im.size == (1000, 900)
        # the blue mug of the main images is on the page, not just text on white
        blue = im.convert("RGB").crop((0, 150, 1000, 900)).point(lambda v: 255 if v > 120 else 0)
        r, g, b = blue.split()
        assert ImageStat.Stat(b).mean[0] > ImageStat.Stat(r).mean[0] + 5
