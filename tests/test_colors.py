"""Colour values (colors.py): ``#rgb``, ``#rrggbb``, ``#rrggbbaa`` or a CSS name, to an RGBA tuple."""

from __future__ import annotations

import pytest

from artpipe.colors import is_color, parse_color


@pytest.mark.parametrize(("value", "rgba"), [
    ("#fff", (255, 255, 255, 255)), ("#102030", (16, 32, 48, 255)), ("#10203080", (16, 32, 48, 128)),
    ("white", (255, 255, 255, 255)), ("  RebeccaPurple ", (102, 51, 153, 255)), ("#0000", (0, 0, 0, 0)),
])
def test_a_colour_is_read_into_rgba(value: str, rgba: tuple[int, int, int, int]) -> None:
    assert parse_color(value) == rgba
    assert is_color(value)


@pytest.mark.parametrize("value", ["#12345", "sky", "", "rgb(1,2)", "#gggggg"])
def test_what_is_not_a_colour_says_how_to_write_one(value: str) -> None:
    with pytest.raises(ValueError, match="is not a colour") as refused:
        parse_color(value)
    assert str(refused.value) == f"'{value}' is not a colour (use #rrggbb, #rrggbbaa or a CSS name like white)"
    assert not is_color(value)
