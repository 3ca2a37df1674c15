from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from artpipe.text import fonts
from artpipe.text.fit import TextDoesNotFit, block_height, fit_text, line_pitch, phrase_units, wrap


def measure(text: str, size: int) -> float:
    return fonts.get_font("sans", "bold", size).getlength(text)


@pytest.mark.parametrize("text", ["一二三四五六七八九，十一二三四。", "「春季」大促（限时）优惠！《新品》"])
def test_cjk_punctuation_rules_hold_at_every_width(text: str) -> None:
    for width in range(60, 600, 17):
        lines = wrap(text, width, 30, measure, char_break=True)
        assert lines is not None
        for line in lines:
            assert line[:1] not in "，。、；：！？）」』》", (width, lines)
            assert line[-1:] not in "（「『《", (width, lines)


def test_shrinks_to_the_largest_size_that_fits() -> None:
    block = fit_text("Spring refresh sale up to fifty percent off", 400, 120, size=80, min_size=10,
                     max_lines=2, overflow="shrink", line_height=1.2, measure=measure)
    assert len(block.lines) <= 2
    assert max(block.widths) <= 400
    assert block.height <= 120
    bigger = block.size + 1
    assert wrap(" ".join(block.lines), 400, bigger, measure) is None or \
        len(wrap(" ".join(block.lines), 400, bigger, measure) or []) > 2 or \
        (len(block.lines) - 1) * round(bigger * 1.2) + bigger > 120


def test_shrink_then_error_names_the_box() -> None:
    with pytest.raises(TextDoesNotFit, match=r"does not fit the 100x30 px box within 1 line even at 20 px"):
        fit_text("a very long headline that cannot fit", 100, 30, size=28, min_size=20, max_lines=1,
                 overflow="shrink", line_height=1.2, measure=measure)


def test_error_overflow_does_not_shrink() -> None:
    with pytest.raises(TextDoesNotFit, match="even at 40 px"):
        fit_text("春季焕新大促", 100, 60, size=40, min_size=10, max_lines=1, overflow="error",
                 line_height=1.2, measure=measure)


def test_ellipsis_cuts_and_marks_truncated() -> None:
    block = fit_text("今天天气很好我们一起去公园散步然后吃饭看电影", 200, 40, size=30, min_size=30, max_lines=1,
                     overflow="ellipsis", line_height=1.2, measure=measure)
    assert block.truncated
    assert len(block.lines) == 1
    assert block.lines[0].endswith("…")
    assert measure(block.lines[0], 30) <= 200


def test_phrases_stay_whole_and_balance_evens_lines() -> None:
    block = fit_text("北欧陶瓷马克杯 早春新品", 460, 240, size=120, min_size=40, max_lines=2, overflow="shrink",
                     line_height=1.1, measure=measure, balance=True)
    assert block.lines == ("北欧陶瓷马克杯", "早春新品")
    block = fit_text("春季焕新 全场五折起", 460, 240, size=120, min_size=40, max_lines=2, overflow="shrink",
                     line_height=1.1, measure=measure, balance=True)
    assert block.lines == ("春季焕新", "全场五折起")


mixed = st.text(alphabet=st.sampled_from(list("春季大促全场五折起限时优惠新品，。！") + list("Sale 50% off NEW ¥$")),
                min_size=1, max_size=200)


@settings(max_examples=60, deadline=None)
@given(text=mixed, w=st.integers(80, 900), h=st.integers(30, 400), lines=st.integers(1, 4))
def test_fitted_text_never_leaves_its_box(text: str, w: int, h: int, lines: int) -> None:
    try:
        block = fit_text(text, w, h, size=64, min_size=12, max_lines=lines, overflow="ellipsis",
                         line_height=1.2, measure=measure)
    except TextDoesNotFit:
        assert h < 12  # only a box lower than one line at min_size may refuse
        return
    assert len(block.lines) <= lines
    assert all(width <= w for width in block.widths)
    assert block.height <= h


@pytest.mark.parametrize(("lines", "size", "pitch", "height"), [(0, 40, 48, 0), (1, 40, 48, 40), (3, 40, 48, 136)])
def test_a_blocks_height_is_its_pitches_and_one_em(lines: int, size: int, pitch: int, height: int) -> None:
    assert block_height(lines, size, pitch) == height


def test_line_pitch_rounds_and_is_never_zero() -> None:
    assert [line_pitch(40, 1.2), line_pitch(25, 1.25), line_pitch(1, 0.1)] == [48, 31, 1]


def test_phrase_units_break_only_at_the_authors_spaces() -> None:
    assert phrase_units("春季焕新 全场五折起") == ["春季焕新 ", "全场五折起"]
    assert phrase_units("a  b") == ["a ", "b"]  # runs of spaces give no empty unit
    assert phrase_units("") == []


def test_wrap_without_char_break_refuses_a_word_wider_than_the_box_and_keeps_hard_breaks() -> None:
    def mono(text: str, size: int) -> float:
        return float(len(text) * 10)

    assert wrap("extraordinary", 50, 10, mono) is None
    assert wrap("extraordinary", 50, 10, mono, char_break=True) == ["extra", "ordin", "ary"]
    assert wrap("one two\nthree", 70, 10, mono) == ["one two", "three"]
    assert wrap("one two three", 70, 10, mono) == ["one two", "three"]
