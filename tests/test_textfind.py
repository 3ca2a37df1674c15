"""Text in product photos: the detector's regions, reading, and watermark/overlay verdicts (artpipe/imaging/textfind.py).

Photos are drawn in code (a product on white, a caption or a watermark drawn over it with the bundled fonts); the
real-photo tests draw watermarks over ``../shared/photos/real`` and skip where that folder is absent.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from artpipe.imaging.textfind import (
    Place,
    TextBox,
    boxes_from_map,
    components,
    find_text,
    place_of,
    read_text,
    text_findings,
)
from artpipe.imaging.textkind import TextKind, classify, is_overlay, kind_of_words

from conftest import grain

FONTS = Path(__file__).resolve().parent.parent / "artpipe" / "fonts"
REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "photos" / "real"
Box = tuple[int, int, int, int]


def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / name), size)


def textured_bag(size: tuple[int, int] = (800, 800)) -> tuple[Image.Image, Image.Image, Box]:
    """A brown leather-like bag (a rounded body with a grainy, shaded surface) on white, its mask, and its box."""
    w, h = size
    box = (int(w * 0.18), int(h * 0.25), int(w * 0.82), int(h * 0.88))
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).rounded_rectangle(box, radius=60, fill=255)
    # a vertical shading from a lit top to a darker bottom, plus grain: a surface that varies under a watermark
    shade = np.linspace(175, 70, h, dtype=np.float32)[:, None, None] * np.array([1.0, 0.7, 0.45], np.float32)
    noise = (np.asarray(grain(size, 14), dtype=np.float32)[:, :, None] - 128) * 0.8
    body = Image.fromarray(np.clip(shade + noise + np.zeros((h, w, 3), np.float32), 0, 255).astype(np.uint8))
    im = Image.new("RGB", size, (255, 255, 255))
    im.paste(body, (0, 0), mask)
    ImageDraw.Draw(im).arc((box[0] + 120, int(h * 0.08), box[2] - 120, box[1] + 140), 180, 360,
                           fill=(90, 60, 40), width=18)
    ImageDraw.Draw(mask).arc((box[0] + 120, int(h * 0.08), box[2] - 120, box[1] + 140), 180, 360,
                             fill=255, width=18)
    return im, mask, box


def carton(size: tuple[int, int] = (800, 800), brand: str = "ACME Tea",
           face: str = "NotoSans-Bold.ttf") -> tuple[Image.Image, Image.Image]:
    """A cardboard carton on white with its brand printed on the front in dark ink, and its mask."""
    w, h = size
    im = Image.new("RGB", size, (255, 255, 255))
    d = ImageDraw.Draw(im)
    front = (int(w * 0.22), int(h * 0.3), int(w * 0.7), int(h * 0.85))
    top = [(front[0], front[1]), (front[0] + 80, front[1] - 70), (front[2] + 80, front[1] - 70), (front[2], front[1])]
    side = [(front[2], front[1]), (front[2] + 80, front[1] - 70), (front[2] + 80, front[3] - 70), (front[2], front[3])]
    d.rectangle(front, fill=(196, 154, 108))
    d.polygon(top, fill=(214, 176, 132))
    d.polygon(side, fill=(160, 120, 80))
    d.text(((front[0] + front[2]) // 2, (front[1] + front[3]) // 2), brand, font=font(face, 46),
           fill=(40, 30, 90), anchor="mm")
    mask = Image.new("L", size, 0)
    md = ImageDraw.Draw(mask)
    md.rectangle(front, fill=255)
    md.polygon(top, fill=255)
    md.polygon(side, fill=255)
    return im, mask


def with_text(im: Image.Image, text: str, at: tuple[int, int], *, face: str = "NotoSans-Bold.ttf", px: int = 56,
              fill: tuple[int, int, int] = (255, 255, 255), opacity: float = 1.0, angle: float = 0) -> Image.Image:
    """``im`` with ``text`` drawn centred at ``at`` as a layer of ``fill`` at ``opacity``, turned by ``angle``."""
    layer = Image.new("RGBA", im.size, (0, 0, 0, 0))
    ImageDraw.Draw(layer).text(at, text, font=font(face, px), fill=(*fill, round(255 * opacity)), anchor="mm")
    if angle:
        layer = layer.rotate(angle, center=at, resample=Image.Resampling.BICUBIC)
    return Image.alpha_composite(im.convert("RGBA"), layer).convert("RGB")


def failing(found: tuple[TextBox, ...]) -> list[TextBox]:
    return [f for f in found if f.fails]


# --- the pieces, exactly -------------------------------------------------------------------------------------------

def test_components_label_8_connected_regions() -> None:
    bitmap = np.zeros((6, 8), dtype=bool)
    bitmap[0, 0:3] = True  # region A: a run ...
    bitmap[1, 3] = True  # ... joined diagonally
    bitmap[4:6, 5:8] = True  # region B: a block
    bitmap[5, 0] = True  # region C: one pixel
    rows, starts, ends, labels = components(bitmap)
    regions = {}
    for r, s, e, k in zip(rows, starts, ends, labels, strict=True):
        regions.setdefault(int(k), set()).update((int(r), x) for x in range(s, e))
    assert sorted(sorted(p) for p in regions.values()) == sorted([
        [(0, 0), (0, 1), (0, 2), (1, 3)],
        [(4, 5), (4, 6), (4, 7), (5, 5), (5, 6), (5, 7)],
        [(5, 0)],
    ])


def test_boxes_from_map_scores_unclips_and_scales() -> None:
    prob = np.zeros((64, 64), dtype=np.float32)
    prob[10:20, 10:50] = 0.9  # a line of text: 40 x 10 in the map
    prob[40:42, 5:7] = 0.9  # a speck: narrower than the minimum side
    prob[50:60, 20:40] = 0.4  # a faint region: over the pixel threshold, under the box score
    found = boxes_from_map(prob, (128, 128))
    assert len(found) == 1
    (x0, y0, x1, y1), score = found[0]
    # the 2x2 dilation makes the region x 9..50, y 9..20 (41 x 11); unclip grows it by 41*11*1.5/(2*52) = 6.5
    # map px per side; the map is half the image: x (9 - 6.5) * 2 = 5.0 floored to 4, (50 + 6.5) * 2 = 113.0 ceiled
    assert (x0, y0, x1, y1) == (4, 4, 114, 54)
    assert score == pytest.approx(0.9 * 400 / 451, abs=1e-3)


@pytest.mark.parametrize(("share", "place"), [(1.0, Place.INSIDE), (0.9, Place.INSIDE), (0.5, Place.CROSSING),
                                              (0.1, Place.OUTSIDE), (0.0, Place.OUTSIDE)])
def test_place_of_a_box_against_the_mask(share: float, place: Place) -> None:
    mask = Image.new("L", (100, 10), 0)
    mask.paste(255, (0, 0, round(100 * share), 10))
    assert place_of((0, 0, 100, 10), mask) is place
    assert place_of((0, 0, 100, 10), None) is Place.UNKNOWN


@pytest.mark.parametrize(("words", "kind"), [
    ("iStock", TextKind.STOCK), ("Credit: Getty Images", TextKind.STOCK), ("shutterstock 12345", TextKind.STOCK),
    ("Adobe Stock", TextKind.STOCK), ("dreamstime.com", TextKind.STOCK), ("123RF", TextKind.STOCK),
    ("视觉中国", TextKind.STOCK),
    ("www.example.com", TextKind.DOMAIN), ("https://shop.example", TextKind.DOMAIN), ("myshop.cn", TextKind.DOMAIN),
    ("¥99", TextKind.PRICE), ("$ 19.99", TextKind.PRICE), ("50%", TextKind.PRICE), ("到手价 199元", TextKind.PRICE),
    ("8.5折", TextKind.PRICE),
    ("SALE", TextKind.PROMO), ("Free Shipping", TextKind.PROMO),
    ("FREESHIPPING", TextKind.PROMO),  # the recognizer often drops the space of a word pair
    ("包邮", TextKind.PROMO), ("限时特价", TextKind.PROMO), ("新品上市", TextKind.PROMO), ("促销", TextKind.PROMO),
    # printed brands and labels: "off" is not in "coffee", nor "sale" in "wholesaler"
    ("COFFEE", TextKind.PRINTED), ("Wholesaler's Blend", TextKind.PRINTED), ("ACME Tea", TextKind.PRINTED),
    ("NANJIREN", TextKind.PRINTED), ("南极人", TextKind.PRINTED), ("折叠椅", TextKind.PRINTED), ("", TextKind.PRINTED),
])
def test_kind_of_words(words: str, kind: TextKind) -> None:
    assert kind_of_words(words) is kind
