"""How many copies of one product its printed words show (imaging/copies.py), on text as the finder reports it."""

from __future__ import annotations

from artpipe.imaging.copies import Copies, printed_copies
from artpipe.imaging.textfind import Box, Place, TextBox
from artpipe.imaging.textkind import TextKind


def _text(words: str, box: Box, *, kind: TextKind = TextKind.PRINTED, place: Place = Place.INSIDE,
          thickness: float | None = None) -> TextBox:
    band = (float(box[2] - box[0]), thickness) if thickness is not None else None
    return TextBox(box, 0.9, band=band, words=words, confidence=0.95, place=place, kind=kind)


def test_the_same_words_printed_twice_at_one_size_are_two_copies() -> None:
    # two bottles of one drink side by side, each label read
    texts = [_text("100% APPLE", (100, 300, 190, 330)), _text("Truly", (110, 400, 170, 430)),
             _text("100% APPLE", (400, 310, 490, 340)), _text("Truly", (405, 410, 465, 440))]
    assert printed_copies(texts) == Copies(2, ("100APPLE", "TRULY"))


def test_a_copy_partly_hidden_reads_the_start_or_end_of_the_word() -> None:
    texts = [_text("/COFF", (120, 170, 290, 240), thickness=52), _text("/COFFEE", (330, 190, 570, 265), thickness=48)]
    assert printed_copies(texts) == Copies(2, ("COFFEE",))


def test_three_copies_fanned_out_are_three() -> None:
    texts = [_text("ROBOTICA", (x, 700, x + 150, 740)) for x in (100, 300, 500)]
    assert printed_copies(texts).count == 3


def test_one_product_printing_its_brand_large_and_small_is_one() -> None:
    # the brand on the front panel and on the side, at different sizes; one word found twice over itself
    texts = [_text("SOLIDUS", (100, 100, 400, 180)), _text("SOLIDUS", (450, 120, 520, 140)),
             _text("ORGANIC", (100, 300, 200, 330)), _text("ORGANIC", (110, 302, 205, 331))]
    assert printed_copies(texts) == Copies()


def test_only_words_printed_on_the_product_and_long_enough_count() -> None:
    far = [(100, 100, 200, 130), (500, 100, 600, 130)]
    assert printed_copies([_text("100%", box) for box in far]) == Copies()  # a short word repeats on one label
    assert printed_copies([_text("iStock", box, kind=TextKind.STOCK) for box in far]) == Copies()
    assert printed_copies([_text("SALE NOW", box, place=Place.OUTSIDE) for box in far]) == Copies()
    assert printed_copies([_text("APPLE", far[0]), _text("APPLE", far[1], place=Place.CROSSING)]).count == 2
