"""A contact shadow drawn from the product's outline (imaging/shadow.py) and a slot's say over it."""

from __future__ import annotations

from dataclasses import replace

from PIL import Image, ImageDraw

from artpipe.defaults import settings
from artpipe.imaging.shadow import contact_shadow


def _bottle(mode: str) -> Image.Image:
    """A green bottle standing at the bottom of its picture: a cut-out (RGBA) or on white (RGB)."""
    im = Image.new("RGBA", (300, 400), (255, 255, 255, 0 if mode == "RGBA" else 255))
    ImageDraw.Draw(im).rounded_rectangle((100, 60, 200, 340), 20, fill=(30, 140, 60, 255))
    return im if mode == "RGBA" else im.convert("RGB")


def test_a_contact_shadow_lies_under_the_base_and_never_over_the_product() -> None:
    for mode in ("RGBA", "RGB"):
        before = _bottle(mode)
        out = contact_shadow(before, settings().shadow)
        flat = Image.new("RGB", out.size, (255, 255, 255))
        flat.paste(out, (0, 0), out)
        under = flat.getpixel((150, 343))
        assert isinstance(under, tuple)
        assert max(under) < 245, (mode, under)  # a visible shadow just below the base
        assert flat.getpixel((150, 200)) == (30, 140, 60)  # the product untouched
        assert flat.getpixel((150, 20)) == (255, 255, 255)  # nothing above it
        assert flat.getpixel((20, 343)) == (255, 255, 255)  # nor far to the side
        assert flat.getpixel((150, 390)) == (255, 255, 255)  # and it fades out below


def test_a_picture_with_nothing_in_it_gets_no_shadow() -> None:
    empty = Image.new("RGBA", (100, 100), (0, 0, 0, 0))
    assert contact_shadow(empty, settings().shadow).getchannel("A").getextrema() == (0, 0)


def test_the_shadow_follows_the_rules_it_is_given() -> None:
    # No global to patch: other rules are an argument. No darkness draws nothing; a deeper one reaches lower.
    before = _bottle("RGBA")
    rules = settings().shadow
    faint = contact_shadow(before, replace(rules, opacity=0.0))
    assert faint.getchannel("A").tobytes() == before.getchannel("A").tobytes()
    shallow, deep = (contact_shadow(before, replace(rules, depth=d)).getchannel("A") for d in (0.02, 0.2))
    assert (shallow.getbbox() or (0, 0, 0, 0))[3] < (deep.getbbox() or (0, 0, 0, 0))[3]


def test_a_slot_decides_the_shadow_of_product_pictures() -> None:
    from artpipe.presets import load_presets, slot_of

    known = load_presets()[0]
    assert known["tmall.white_bg"].shadow == "none"
    assert slot_of(known["tmall.white_bg"]).render_options()["shadow"] == "none"
    assert known["amazon.main"].shadow is None  # as the template says, unless an agency turns it on


def test_a_main_image_draws_a_contact_shadow_only_when_its_slot_asks(tmp_path: object) -> None:
    from pathlib import Path

    from artpipe.cutout import Isolate
    from artpipe.layers.template import load_template
    from artpipe.run.render import render
    from artpipe.run.tasks import load_asset
    from artpipe.template.find import bundled_templates

    photo = Path(str(tmp_path)) / "bottle.png"
    _bottle("RGBA").save(photo)
    asset = load_asset(photo, isolation=Isolate("auto"))
    template = load_template(bundled_templates()["product-main"])

    def below_base(shadow: str | None) -> int:
        im = render(template, "square", {}, {"product": asset}, shadow=shadow).image.convert("L")
        box = im.point(lambda v: 255 if v < 120 else 0).getbbox()  # the bottle itself
        assert box is not None
        third = (box[2] - box[0]) // 3  # the middle of the base, away from its rounded corners
        band = im.crop((box[0] + third, box[3] + 4, box[2] - third, min(im.height, box[3] + 12)))
        return band.getextrema()[0]  # the darkest pixel just under it

    # LANCZOS rings a faint 250 a few pixels past a hard base (as before shadows were a slot's decision): no shadow
    assert below_base("none") >= 248
    assert below_base(None) >= 248  # product-main draws none of its own
    assert below_base("contact") < 220
