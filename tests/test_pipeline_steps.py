from __future__ import annotations

from dataclasses import replace

from PIL import Image, ImageDraw

from artpipe.defaults import settings
from artpipe.imaging.backdrop import edge_connected, whiten
from artpipe.imaging.normalize import Work, analyze, limit_size, trim


def white_mug_on_off_white() -> Image.Image:
    """The hard case: a white product on an off-white backdrop, separated only by its shaded outline."""
    im = Image.new("RGB", (400, 300), (236, 234, 230))
    d = ImageDraw.Draw(im)
    d.rounded_rectangle((120, 60, 280, 250), radius=20, fill=(250, 250, 250), outline=(170, 170, 172), width=4)
    d.ellipse((130, 255, 270, 275), fill=(200, 198, 194))  # a soft floor shadow
    return im


def test_whiten_cleans_the_backdrop_and_keeps_a_light_product_whole() -> None:
    im = white_mug_on_off_white()
    out = whiten(im, (236, 234, 230), tolerance=28)
    assert out.getpixel((5, 5)) == (255, 255, 255)
    assert out.getpixel((395, 150)) == (255, 255, 255)
    assert out.getpixel((200, 150)) == (250, 250, 250)  # the mug's white body is not backdrop
    assert out.getpixel((122, 150)) == (170, 170, 172)  # nor its outline
    shadow = out.getpixel((200, 265))
    assert isinstance(shadow, tuple)
    assert shadow[0] < 235  # the floor shadow stays a shadow


def test_edge_connected_ignores_enclosed_regions() -> None:
    near = Image.new("L", (10, 10), 255)
    ImageDraw.Draw(near).rectangle((2, 2, 7, 7), outline=0)  # a closed ring; its inside is 255 too
    out = edge_connected(near)
    assert out.getpixel((0, 0)) == 255
    assert out.getpixel((5, 5)) == 0


def test_trim_moves_the_subject_box() -> None:
    work = analyze(Work(white_mug_on_off_white(), rules=settings()))
    assert work.subject is not None
    trimmed = trim(work, margin=0.0)
    assert trimmed.subject == (0, 0, *trimmed.image.size)


def test_the_steps_measure_with_the_settings_the_work_carries() -> None:
    # Other rules are data on the Work, not a patched global: a tolerance wider than the mug's outline (170 on
    # 236) finds no product, and a border this uneven is no plain backdrop at all.
    bundled = settings()
    found = analyze(Work(white_mug_on_off_white(), rules=bundled))
    assert found.subject is not None
    assert found.subject != (0, 0, 400, 300)
    assert found.backdrop is not None
    wide = replace(bundled, analyze=replace(bundled.analyze, backdrop_tolerance=100))
    assert analyze(Work(white_mug_on_off_white(), rules=wide)).subject == (0, 0, 400, 300)
    fussy = replace(bundled, analyze=replace(bundled.analyze, border_spread=-1))
    assert analyze(Work(white_mug_on_off_white(), rules=fussy)).backdrop is None
    assert settings() == bundled


def test_limit_size_never_upscales_and_scales_the_subject() -> None:
    work = analyze(Work(white_mug_on_off_white(), rules=settings()))
    assert limit_size(work, 1000) is work
    half = limit_size(work, 200)
    assert half.image.size == (200, 150)
    assert work.subject is not None
    assert half.subject == tuple(round(v / 2) for v in work.subject)


def test_subject_box_holds_a_light_product_and_its_shadow() -> None:
    work = analyze(Work(white_mug_on_off_white(), rules=settings()))
    assert work.backdrop is not None
    assert max(abs(a - b) for a, b in zip(work.backdrop, (236, 234, 230), strict=True)) <= 2
    assert work.subject is not None
    left, top, right, bottom = work.subject
    # the mug spans 120..280 x 60..250 and its floor shadow reaches 275: all inside, with little slack
    assert 110 <= left <= 120
    assert 281 <= right <= 292
    assert 50 <= top <= 60
    assert 270 <= bottom <= 285
