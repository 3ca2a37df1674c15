"""What a text in a product photo is (artpipe/imaging/textkind.py): its words' kind, whether it is a layer laid
over the photo, and the verdict from both. The photos are drawn in code by test_textfind.py's helpers."""

from __future__ import annotations

import dataclasses

import pytest
from PIL import Image
from test_textfind import carton, textured_bag, with_text

from artpipe.imaging.textfind import find_text
from artpipe.imaging.textkind import TextKind, classify, finder_rules, flattened, is_overlay, kind_of_words


@pytest.mark.parametrize(("words", "kind"), [
    ("iStock", TextKind.STOCK), ("Credit: Getty Images", TextKind.STOCK), ("shutterstock 12345", TextKind.STOCK),
    ("Adobe Stock", TextKind.STOCK), ("dreamstime.com", TextKind.STOCK), ("123RF", TextKind.STOCK),
    ("视觉中国", TextKind.STOCK),
    ("www.example.com", TextKind.DOMAIN), ("https://shop.example", TextKind.DOMAIN), ("myshop.cn", TextKind.DOMAIN),
    ("¥99", TextKind.PRICE), ("$ 19.99", TextKind.PRICE), ("-30%", TextKind.PRICE), ("到手价 199元", TextKind.PRICE),
    ("50% off", TextKind.PRICE), ("UP TO 70%", TextKind.PRICE), ("100% APPLE", TextKind.PRINTED),
    ("100% cotton", TextKind.PRINTED),
    ("8.5折", TextKind.PRICE),
    # a watermark read with a letter or two wrong is still its agency; short or unlike words are not
    ("utterstook", TextKind.STOCK), ("Gettylmages", TextKind.STOCK), ("in stock", TextKind.PRINTED),
    ("Stockholm", TextKind.PRINTED), ("Stocking", TextKind.PRINTED),
    # a mark half over a light backdrop is read in part: a long run of an agency's name still names it
    ("nutterste", TextKind.STOCK), ("istockpho", TextKind.STOCK), ("Powered by Ruby", TextKind.PRINTED),
    ("Sweet Dreams", TextKind.PRINTED),
    ("SALE", TextKind.PROMO), ("Free Shipping", TextKind.PROMO),
    ("FREESHIPPING", TextKind.PROMO),  # the recognizer often drops the space of a word pair
    ("包邮", TextKind.PROMO), ("限时特价", TextKind.PROMO), ("新品上市", TextKind.PROMO), ("促销", TextKind.PROMO),
    # printed brands and labels: "off" is not in "coffee", nor "sale" in "wholesaler"
    ("COFFEE", TextKind.PRINTED), ("Wholesaler's Blend", TextKind.PRINTED), ("ACME Tea", TextKind.PRINTED),
    ("NANJIREN", TextKind.PRINTED), ("南极人", TextKind.PRINTED), ("折叠椅", TextKind.PRINTED), ("", TextKind.PRINTED),
])
def test_kind_of_words(words: str, kind: TextKind) -> None:
    assert kind_of_words(words, rules=finder_rules()) is kind


def test_the_words_are_the_rules_given() -> None:
    # The finder's vocabulary is an argument: without the stock agencies' names a stamped name is print.
    rules = finder_rules()
    assert kind_of_words("shutterstock", rules) is TextKind.STOCK
    bare = dataclasses.replace(rules, words={**rules.words, "stock": []},
                               patterns=tuple(p for p in rules.patterns if p[0] is not TextKind.STOCK))
    assert kind_of_words("shutterstock", bare) is TextKind.PRINTED


# --- whole photos drawn in code ------------------------------------------------------------------------------------


def test_a_translucent_layer_on_a_plain_surface_cannot_be_told_from_ink() -> None:
    """On a single-colour grey surface a translucent white layer looks exactly like light grey ink: the look test
    says no (its words would still decide)."""
    im = Image.new("RGB", (600, 300), (120, 120, 120))
    im = with_text(im, "HELLO", (300, 150), px=80, opacity=0.4)
    (one,) = find_text(im, rules=finder_rules())
    assert not is_overlay(im, one.box, rules=finder_rules())


def test_classify_trusts_words_only_with_confidence() -> None:
    im, _ = carton()
    box = (255, 440, 480, 486)
    assert classify(im, box, "iStock", 0.9, rules=finder_rules()) == (TextKind.STOCK, False)
    assert classify(im, box, "iStock", 0.2, rules=finder_rules()) == (TextKind.ILLEGIBLE, False)
    assert classify(im, box, "!", 0.9, rules=finder_rules()) == (TextKind.ILLEGIBLE, False)  # one mark is not a word
    assert classify(im, box, "¥9", 0.9, rules=finder_rules()) == (TextKind.PRICE, False)


def test_an_overlay_needs_legible_words() -> None:
    bag, _, _ = textured_bag()
    marked = with_text(bag, "PHOTO ANNA K", (400, 440), px=54, opacity=0.3)
    (one,) = find_text(marked, rules=finder_rules())
    assert classify(marked, one.box, "PHOTO ANNA K", 0.9, rules=finder_rules()) == (TextKind.OVERLAY, True)
    assert classify(marked, one.box, "", 0.0, rules=finder_rules()) == (TextKind.ILLEGIBLE, True)


def test_a_cut_out_is_seen_on_white_whatever_colour_hides_under_its_transparency() -> None:
    cut = Image.new("RGBA", (2, 1), (0, 0, 0, 0))  # black, but invisible
    cut.putpixel((1, 0), (200, 10, 10, 255))
    flat = flattened(cut)
    assert flat.mode == "RGB"
    assert [flat.getpixel((x, 0)) for x in range(2)] == [(255, 255, 255), (200, 10, 10)]
    grey = Image.new("L", (1, 1), 7)
    assert flattened(grey).getpixel((0, 0)) == (7, 7, 7)
    rgb = Image.new("RGB", (1, 1), (1, 2, 3))
    assert flattened(rgb) is rgb  # no copy of a crop about to be resized: every caller makes a new image of it
