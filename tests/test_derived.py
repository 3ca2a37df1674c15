"""Things derived from an image, made once (artpipe/imaging/derived.py over the worker cache)."""

from __future__ import annotations

import gc

from PIL import Image

from artpipe.imaging.derived import derived
from artpipe.workcache import worker_cache


def test_a_derived_value_is_made_once_per_image_and_what() -> None:
    made: list[str] = []

    def make(what: str) -> str:
        made.append(what)
        return what.upper()

    im, other = Image.new("L", (4, 4)), Image.new("L", (4, 4))  # equal pixels, different images
    assert derived(im, "grey", lambda: make("grey")) == "GREY"
    assert derived(im, "grey", lambda: make("again")) == "GREY"  # kept: make is not called
    assert derived(im, "mask", lambda: make("mask")) == "MASK"
    assert derived(other, "grey", lambda: make("other")) == "OTHER"
    assert made == ["grey", "mask", "other"]


def test_the_image_itself_is_never_kept_and_an_entry_goes_with_its_image() -> None:
    def use_and_let_go() -> None:
        im = Image.new("L", (4, 4))
        assert derived(im, "same", lambda: im) is im
        assert len(worker_cache().derived) == 0  # keeping it would hold the image forever
        derived(im, "small", lambda: im.resize((2, 2)))
        assert len(worker_cache().derived) == 1

    use_and_let_go()
    gc.collect()
    assert len(worker_cache().derived) == 0
