"""Line-break opportunities (artpipe/text/breaking.py): UAX #14 with CJK rules."""

from __future__ import annotations

from artpipe.text.breaking import break_units, paragraphs


def test_chinese_breaks_between_ideographs_and_keeps_latin_words() -> None:
    assert break_units("春季大促Spring sale") == ("春", "季", "大", "促", "Spring ", "sale")


def test_paragraphs_split_on_every_kind_of_hard_line_break() -> None:
    assert paragraphs("one\ntwo\r\nthree\rfour") == ["one", "two", "three", "four"]
    assert paragraphs("") == [""]
    assert paragraphs("end\n") == ["end", ""]


def test_spaces_stay_on_the_unit_before_them_and_nothing_is_lost() -> None:
    text = "Big  sale, 50% off — today only!"
    units = break_units(text)
    assert "".join(units) == text
    assert units[:2] == ("Big  ", "sale, ")
    assert break_units("") == ()


def test_no_unit_starts_with_closing_punctuation_or_ends_with_an_opening_bracket() -> None:
    units = break_units("「春季」大促（限时）！")
    assert all(u[:1] not in "」）！" for u in units)
    assert all(u[-1:] not in "「（" for u in units)
    assert "「春" in units  # an opening bracket holds on to what follows it
