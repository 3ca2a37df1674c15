"""How many copies of one product its printed labels show (imaging/copies.py), on text as the finder reports it."""

from __future__ import annotations

from artpipe.imaging.copies import Copies, printed_copies
from artpipe.imaging.textfind import Box, Place, TextBox
from artpipe.imaging.textkind import TextKind


def _text(words: str, box: Box, *, kind: TextKind = TextKind.PRINTED, place: Place = Place.INSIDE,
          thickness: float | None = None, angle: float = 0.0) -> TextBox:
    band = (float(box[2] - box[0]), thickness) if thickness is not None else None
    return TextBox(box, 0.9, angle=angle, band=band, words=words, confidence=0.95, place=place, kind=kind)


def _label(dx: int, dy: int, *, apple: str = "100% APPLE", place: Place = Place.INSIDE) -> list[TextBox]:
    """A drink's label (two lines) moved by (dx, dy)."""
    return [_text(apple, (100 + dx, 300 + dy, 190 + dx, 330 + dy), place=place),
            _text("Truly Open", (110 + dx, 400 + dy, 200 + dx, 430 + dy), place=place)]


def test_a_label_standing_again_moved_as_a_whole_is_a_second_copy() -> None:
    # two bottles of one drink side by side, each label read
    assert printed_copies(_label(0, 0) + _label(300, 10)) == Copies(2, ("100% APPLE", "Truly Open"))
    # the copy behind partly hidden ("APP" of APPLE), across the product's outline
    assert printed_copies(_label(0, 0) + _label(300, 10, apple="100% APP", place=Place.CROSSING)).count == 2
    # three fanned out
    assert printed_copies(_label(0, 0) + _label(250, 0) + _label(500, 0)).count == 3


def test_a_label_turned_with_its_copy_is_seen_turned() -> None:
    # the second copy turned 90 degrees counter-clockwise: its lines read at 90 degrees, and the second line lies
    # to the right of the first instead of below it
    turned = [_text("100% APPLE", (500, 200, 530, 290), angle=90.0),
              _text("Truly Open", (600, 200, 630, 290), angle=90.0)]
    assert printed_copies(_label(0, 0) + turned).count == 2


def test_a_chinese_label_counts_its_characters() -> None:
    first = [_text("龙井绿茶", (100, 100, 300, 160)), _text("西湖", (120, 200, 220, 250))]
    second = [_text("龙井绿茶", (500, 110, 700, 170)), _text("西湖", (520, 210, 620, 260))]
    assert printed_copies(first + second).count == 2


def test_one_product_printing_a_word_twice_is_one() -> None:
    # a T-shirt's print on the chest and on a sleeve; a brand large on the front and small on the side; one word
    # found twice over itself
    assert printed_copies([_text("NORDIC", (300, 300, 500, 360)), _text("NORDIC", (80, 150, 150, 175))]) == Copies()
    assert printed_copies([_text("SOLIDUS", (100, 100, 400, 180)), _text("SOLIDUS", (450, 120, 520, 140))]) == Copies()
    assert printed_copies([_text("ORGANIC", (100, 300, 200, 330)), _text("ORGANIC", (110, 302, 205, 331))]) == Copies()


def test_two_words_repeated_in_another_arrangement_are_one_product() -> None:
    # a book: title and author on the cover (author below), and on the spine turned (author further down it,
    # not where a turned cover would put it)
    cover = [_text("ATLAS", (250, 120, 450, 180)), _text("MARA JENSEN", (240, 475, 460, 525))]
    spine = [_text("ATLAS", (100, 130, 140, 270), angle=-90.0), _text("MARA JENSEN", (100, 420, 140, 620), angle=-90.0)]
    assert printed_copies(cover + spine) == Copies()


def test_only_words_printed_on_the_product_and_long_enough_count() -> None:
    assert printed_copies(_label(0, 0, apple="100%") + _label(300, 0, apple="100%")) == Copies()  # one word left
    stock = [_text(words, box, kind=TextKind.STOCK) for words, box in
             (("iStock", (100, 100, 200, 130)), ("Credit", (100, 200, 200, 230)),
              ("iStock", (400, 100, 500, 130)), ("Credit", (400, 200, 500, 230)))]
    assert printed_copies(stock) == Copies()
    assert printed_copies(_label(0, 0, place=Place.OUTSIDE) + _label(300, 0, place=Place.OUTSIDE)) == Copies()
