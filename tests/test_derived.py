"""Things derived from an image, made once (artpipe/imaging/derived.py): the image code's way into the worker's
``derived`` cache. How that cache lets values go with their images is in test_workcache.py."""

from __future__ import annotations

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
    assert len(worker_cache().derived) == 3  # kept in this worker's cache, which the tests empty between them
