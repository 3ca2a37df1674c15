"""Drawing shaped text (artpipe/text/draw.py): line widths across faces, tracking, ink and right-to-left order."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from artpipe.text import fonts
from artpipe.text.draw import Setting, draw_line, ink, line_width, visual

BRAND = Path(__file__).parent / "data" / "brand-latin.ttf"


def test_a_line_measures_as_the_sum_of_its_faces() -> None:
    whole = line_width("Sale 大促", Setting(fonts.chain((str(BRAND),), "bold"), 40))
    latin = fonts.get_font(str(BRAND), "bold", 40).getlength("Sale ")
    parts = latin + fonts.get_font("sans", "bold", 40).getlength("大促")
    assert whole == pytest.approx(parts)


SANS = fonts.chain("sans", "regular")


def test_tracking_adds_the_gap_between_clusters_but_never_inside_a_joined_script() -> None:
    plain, tracked = Setting(SANS, 40), Setting(SANS, 40, gap=5)
    assert line_width("Sale", tracked) == pytest.approx(sum(line_width(c, plain) for c in "Sale") + 3 * 5)
    arabic = "تخفيضات"
    assert line_width(arabic, tracked) == pytest.approx(line_width(arabic, plain))  # letters that join keep joined


def test_draw_line_advances_as_far_as_line_width_measures_and_draws_inside_its_ink() -> None:
    setting = Setting(SANS, 40)
    out = Image.new("RGBA", (300, 80), (0, 0, 0, 0))
    end = draw_line(out, 10, 60, "Hello 大促", setting, (0, 0, 0, 255))
    assert end == pytest.approx(10 + line_width("Hello 大促", setting))
    above, below = ink("Hello 大促", setting)
    box = out.getchannel("A").getbbox()
    assert box is not None
    assert 60 - above - 1 <= box[1]
    assert box[3] <= 60 + below + 1
    assert ink("ace", setting)[1] <= 1  # no descender: nothing below the baseline but a rounding
    assert ink("gyp", setting)[1] > 5


def test_a_right_to_left_line_draws_its_runs_from_the_right_and_keeps_spaces_between_words() -> None:
    chain = fonts.chain("sans", "regular")
    pieces = fonts.runs("SALE تخفيض", chain)
    assert [r.text for r in visual(pieces, rtl=False)] == [r.text for r in pieces]
    drawn = [r.text for r in visual(pieces, rtl=True)]
    assert drawn[0] == "تخفيض"  # first from the left in a right-to-left paragraph
    assert drawn[-1] == "SALE"
    assert " " in drawn  # the space against the paragraph's direction became a run of its own


def test_an_emoji_is_a_colour_picture_in_the_em_box_or_grey_when_asked() -> None:
    chain = fonts.chain("sans", "regular")
    colour, grey = (Image.new("RGBA", (80, 80), (0, 0, 0, 0)) for _ in range(2))
    draw_line(colour, 10, 60, "🔥", Setting(chain, 48), (0, 0, 0, 255))
    draw_line(grey, 10, 60, "🔥", Setting(chain, 48, mono_emoji=True), (0, 0, 0, 255))
    box = colour.getchannel("A").getbbox()
    assert box is not None
    assert box[3] - box[1] <= 48  # inside the em box
    r, g, b, _ = colour.getpixel(((box[0] + box[2]) // 2, (box[1] + box[3]) // 2 + 8))
    assert r - b > 60  # a flame is orange
    gr, gg, gb, _ = grey.getpixel(((box[0] + box[2]) // 2, (box[1] + box[3]) // 2 + 8))
    assert gr == gg == gb
