"""Colour values: ``#rgb``, ``#rrggbb``, ``#rrggbbaa`` or a CSS name, to an RGBA tuple."""

from __future__ import annotations

from PIL import ImageColor

RGBA = tuple[int, int, int, int]


def parse_color(value: str) -> RGBA:
    """Parse a colour; raise ValueError with a readable message when it is not one."""
    text = value.strip()
    try:
        rgba = ImageColor.getcolor(text, "RGBA")
    except ValueError:
        msg = f"'{value}' is not a colour (use #rrggbb, #rrggbbaa or a CSS name like white)"
        raise ValueError(msg) from None
    assert isinstance(rgba, tuple)
    return (rgba[0], rgba[1], rgba[2], rgba[3])


def is_color(value: str) -> bool:
    """True when ``value`` parses as a colour."""
    try:
        parse_color(value)
    except ValueError:
        return False
    return True
