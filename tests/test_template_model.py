"""What a template is (artpipe/template/model.py): lengths resolved to pixels, sizes looked up by name, its own
images apart from its fonts, and values that cannot change once loaded."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from artpipe.template.model import Background, Box, Length, Size, Template


@pytest.mark.parametrize(("length", "total", "pixels"), [
    (Length(120), 1000, 120),
    (Length(12.5), 1000, 13),                  # half rounds away from zero...
    (Length(-12.5), 1000, -13),                # ...on both sides
    (Length(25, percent=True), 750, 188),      # 187.5
    (Length(-5, percent=True), 750, -38),      # -37.5
    (Length(33.3, percent=True), 1000, 333),
    (Length(0, percent=True), 1000, 0),
])
def test_a_length_resolves_to_whole_pixels(length: Length, total: int, pixels: int) -> None:
    assert length.pixels(total) == pixels


def template(assets: tuple[str, ...] = (), fonts: tuple[str, ...] = ()) -> Template:
    return Template(name="t", description="", path=Path("t.yaml"), root=Path(), sizes=(Size("wide", 1200, 400),
                    Size("square", 600, 600)), fields={}, background=Background(color="#ffffff"), assets=assets,
                    fonts=fonts)


def test_sizes_are_looked_up_by_name_in_their_order() -> None:
    t = template()
    assert t.size("square") == Size("square", 600, 600)
    assert t.size_names == ("wide", "square")
    with pytest.raises(KeyError):
        t.size("tall")


def test_a_templates_images_are_its_files_that_are_not_fonts() -> None:
    t = template(assets=("/t/logo.png", "/t/brand.ttf", "/t/bg.jpg"), fonts=("/t/brand.ttf",))
    assert t.images == ("/t/logo.png", "/t/bg.jpg")


def test_loaded_values_are_frozen() -> None:
    box = Box(left=Length(1))
    with pytest.raises(dataclasses.FrozenInstanceError):
        box.left = Length(2)  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        template().name = "other"  # type: ignore[misc]
