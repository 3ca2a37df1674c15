"""A photo is decoded once, as large as its boxes need, and no file stays open; a product's smaller fits are
resized from its larger ones."""

from __future__ import annotations

import gc
import os
import weakref
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from artpipe.defaults import settings
from artpipe.imaging import decoding
from artpipe.imaging.geometry import Fitted
from artpipe.imaging.open import open_image
from artpipe.layers import image as image_layer
from artpipe.reasons import tokens
from artpipe.run.tasks import load_asset


def _shot(path: Path, product: tuple[int, int, int, int], orientation: int = 1) -> None:
    im = Image.new("RGB", (4000, 3000), (236, 234, 230))
    im.paste((40, 90, 170), product)
    exif = Image.Exif()
    exif[0x0112] = orientation
    im.save(path, quality=90, exif=exif.tobytes())


def _count_decodes(monkeypatch: pytest.MonkeyPatch) -> list[int | None]:
    calls: list[int | None] = []

    def counted(path: Path, **kwargs: int | None) -> object:
        calls.append(kwargs.get("draft_side"))
        return open_image(path, **kwargs)  # type: ignore[arg-type]
    monkeypatch.setattr(decoding, "open_image", counted)
    return calls


def test_a_photo_is_decoded_once_unless_its_product_is_small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _shot(tmp_path / "large.jpg", (400, 100, 3600, 2900))
    _shot(tmp_path / "small.jpg", (1700, 1200, 2300, 1800))  # the product spans 600 of 4000 px
    calls = _count_decodes(monkeypatch)
    asset = load_asset(tmp_path / "large.jpg", (Fitted(400, 300), Fitted(300, 300, trim=True)))
    assert calls == [800]  # one decode, at twice the whole frame's fit: no separate look at the product first
    assert asset.image.size == (1000, 750)
    calls.clear()
    asset = load_asset(tmp_path / "small.jpg", (Fitted(400, 300), Fitted(300, 300, trim=True)))
    assert len(calls) == 2  # the product is small in its frame: decoded again, larger, rather than enlarged
    span = asset.subject[2] - asset.subject[0]
    assert span >= 300 - 4


def test_a_photo_decoded_in_full_is_not_decoded_again_for_its_small_product(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A box that needs nearly the whole frame leaves no DCT scale to take (1/2 would be too small): the first
    decode is the full frame, so a product drawn larger than it is in the photo finds nothing more to decode."""
    _shot(tmp_path / "small.jpg", (1700, 1200, 2300, 1800))
    calls = _count_decodes(monkeypatch)
    asset = load_asset(tmp_path / "small.jpg", (Fitted(1999, 1499), Fitted(1000, 1000, trim=True)))
    assert calls == [3998]  # 2 x 1999/4000 x 4000: the full frame, once
    assert asset.image.size == (4000, 3000)
    assert asset.subject[::2] == pytest.approx((1700, 2300), abs=16)  # the product's box, in the full frame's pixels


def test_a_sideways_photo_is_sized_by_its_upright_frame(tmp_path: Path) -> None:
    """EXIF 6: the stored 4000x3000 frame stands 3000x4000; a 1500x200 banner box then needs 2 x 200/4000 of
    its height, not of its width."""
    _shot(tmp_path / "side.jpg", (400, 100, 3600, 2900), orientation=6)
    assert decoding.draft_side(tmp_path / "side.jpg", (Fitted(1500, 200),)) == 400
    _shot(tmp_path / "flat.jpg", (400, 100, 3600, 2900))
    assert decoding.draft_side(tmp_path / "flat.jpg", (Fitted(1500, 200),)) == 534  # 2 x 200/3000 x 4000


def _open_files() -> set[str]:
    return {os.readlink(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd")
            if os.path.exists(f"/proc/self/fd/{fd}")}


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
@pytest.mark.parametrize(("name", "frames"), [("a.jpg", 1), ("a.png", 1), ("a.gif", 3), ("a.tif", 2),
                                              ("a.webp", 1), ("a.bmp", 1)])
def test_decoding_lets_every_file_go(tmp_path: Path, name: str, frames: int) -> None:
    path = tmp_path / name
    first = Image.new("RGB", (64, 48), (200, 30, 30))
    first.save(path, save_all=frames > 1, append_images=[Image.new("RGB", (64, 48), (0, 0, 200))] * (frames - 1))
    before = _open_files()
    decoded = open_image(path)
    assert str(path) not in _open_files() - before
    assert decoded.image.size == (64, 48)
    assert decoded.image.convert("RGB").getpixel((3, 3)) == pytest.approx((200, 30, 30), abs=3)
    assert ("multi_frame" in tokens(decoded.warnings)) == (frames > 1)


def test_smaller_fits_of_a_photo_are_resized_from_its_larger_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    photo = Image.linear_gradient("L").resize((900, 1000)).convert("RGB")
    window = (0, 0, *photo.size)
    sources: list[tuple[int, int]] = []
    real = Image.Image.resize

    def spied(self: Image.Image, size: tuple[int, int], *args: object, **kwargs: object) -> Image.Image:
        sources.append(self.size)
        return real(self, size, *args, **kwargs)  # type: ignore[arg-type]
    monkeypatch.setattr(Image.Image, "resize", spied)
    large = image_layer._chained_fit(photo, window, photo, 700, 640)
    small = image_layer._chained_fit(photo, window, photo, 500, 560)
    again = image_layer._chained_fit(photo, window, photo, 700, 640)
    assert (large.size, small.size) == ((576, 640), (500, 556))
    assert again is large
    assert sources == [(900, 1000), (576, 640)]  # the second from the first, the third not resized at all
    direct = real(photo, small.size, Image.Resampling.LANCZOS)
    assert max(ImageStat.Stat(ImageChops.difference(small, direct)).mean) < 1  # as sharp as from the photo
    bigger = image_layer._chained_fit(photo, window, photo, 1800, 2000)  # an enlargement is never a source
    assert bigger.size == (1800, 2000)
    sources.clear()
    image_layer._chained_fit(photo, window, photo, 1200, 1300)
    assert sources == [(900, 1000)]


def _record(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What happens in order: the full decodes (decoding.open_image) and the model's runs."""
    from artpipe.imaging import normalize as normalizing

    events: list[str] = []
    model = normalizing._model

    def decoded(path: Path, **kwargs: int | None) -> object:
        events.append("full decode")
        return open_image(path, **kwargs)  # type: ignore[arg-type]

    def run(name: str | None, im: Image.Image) -> tuple[Image.Image, float, str]:
        events.append(f"model on {max(im.size)} px")
        return model(name, im)
    monkeypatch.setattr(decoding, "open_image", decoded)
    monkeypatch.setattr(normalizing, "_model", run)
    return events


def _mug(path: Path, size: tuple[int, int], backdrop: tuple[int, int, int]) -> tuple[int, int, int, int]:
    w, h = size
    im = Image.new("RGB", size, backdrop)
    box = (int(w * 0.35), int(h * 0.2), int(w * 0.62), int(h * 0.85))
    im.paste((200, 40, 40), box)
    im.save(path, quality=92)
    return box


def test_a_large_photo_meets_the_model_before_its_full_size_decode(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from artpipe.cutout import Isolate
    from artpipe.imaging.normalize import NormalizeOptions, normalize

    box = _mug(tmp_path / "teal.jpg", (3000, 2250), (40, 150, 140))
    events = _record(monkeypatch)
    asset = load_asset(tmp_path / "teal.jpg", (), isolation=Isolate("auto"))
    # the model ran on the analysis copy of a reduced decode; the full-size photo was decoded after it
    assert events == ["model on 1024 px", "full decode"]
    assert asset.isolation == "model"
    assert asset.image.size == (3000, 2250)
    assert asset.mask is not None
    assert asset.mask.size == (1024, 768)
    # the subject box is in the full photo's pixels, as isolating the full-size photo gives it
    whole = normalize(open_image(tmp_path / "teal.jpg"), NormalizeOptions(cutout="auto"), rules=settings())
    assert all(abs(a - b) <= 6 for a, b in zip(asset.subject, whole.subject, strict=True))
    assert all(abs(a - b) <= 12 for a, b in zip(asset.subject, box, strict=True))
    assert asset.review is not None
    assert [s.split(":")[:2] for s in asset.steps if s.startswith("cutout")] == [["cutout", "model"]]


def test_a_colour_path_photo_and_a_small_one_are_isolated_as_a_whole(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from artpipe.cutout import Isolate

    _mug(tmp_path / "light.jpg", (3000, 2250), (236, 236, 234))
    _mug(tmp_path / "small.jpg", (1600, 1200), (40, 150, 140))
    events = _record(monkeypatch)
    light = load_asset(tmp_path / "light.jpg", (), isolation=Isolate("auto"))
    assert events == ["full decode"]  # the colour path: no model, and the photo decoded once
    assert light.isolation == "color"
    events.clear()
    small = load_asset(tmp_path / "small.jpg", (), isolation=Isolate("auto"))
    assert events == ["full decode", "model on 1024 px"]  # too small for a reduced decode to save anything
    assert small.isolation == "model"


def test_a_large_jpeg_is_decoded_only_as_large_as_its_boxes_need(tmp_path: Path) -> None:
    """The smallest DCT scale at which the frame keeps twice the pixels of its largest fit (Pillow's reducing
    gap, so the final resize stays sharp) and a trimmed product is never enlarged."""
    _shot(tmp_path / "small.jpg", (1700, 1200, 2300, 1800))  # the product spans 600 of 4000 px
    _shot(tmp_path / "large.jpg", (400, 100, 3600, 2900))  # the product spans 3200 px
    cases = [("small.jpg", Fitted(100, 100, trim=True), (1000, 750)),  # 1/4: the product spans 150 >= 100
             ("small.jpg", Fitted(200, 200, trim=True), (2000, 1500)),  # 1/4 would give 150 < 200: 1/2
             ("small.jpg", Fitted(400, 400, trim=True), (4000, 3000)),  # at 1/2 only 300 < 400: in full
             ("large.jpg", Fitted(100, 100, trim=True), (500, 375)),  # 1/8: frame 500 >= 2 x 133, product 400
             ("large.jpg", Fitted(400, 300), (1000, 750)),  # the whole frame fitted into 400x300: 2 x 400 -> 1/4
             ("large.jpg", Fitted(1500, 1500, trim=True), (4000, 3000))]
    for name, box, size in cases:
        asset = load_asset(tmp_path / name, (box,))
        assert asset.image.size == size, (name, box)
        assert asset.original_size == (4000, 3000)  # quality judged on the file's real size
        if box.trim:
            span = max(asset.subject[2] - asset.subject[0], asset.subject[3] - asset.subject[1])
            assert span >= min(box.width, 3200) - 8  # never so small that the product must be enlarged
    two = load_asset(tmp_path / "large.jpg", (Fitted(100, 100, trim=True), Fitted(400, 300)))
    assert two.image.size == (1000, 750)  # the largest need of all its boxes
    png = tmp_path / "cut.png"
    Image.new("RGB", (4000, 3000), (236, 234, 230)).save(png)
    # No DCT scaling: decoded in full, then reduced by the largest whole factor the same rules allow.
    assert load_asset(png, (Fitted(100, 100),)).image.size == (200, 150)  # 2 x the 100 x 75 fit
    assert load_asset(png, (Fitted(1500, 1500),)).image.size == (4000, 3000)  # 3000 needed: not even 1/2
    cut = Image.new("RGBA", (4000, 3000), (0, 0, 0, 0))
    cut.paste((200, 40, 40, 255), (1700, 1200, 2300, 1800))  # the product spans 600 px
    cut.save(tmp_path / "cut-out.png")
    trimmed = load_asset(tmp_path / "cut-out.png", (Fitted(300, 300, trim=True),))
    assert trimmed.image.size == (2000, 1500)  # 1/2 keeps the product at 300 px, its box: never enlarged
    assert trimmed.subject[2] - trimmed.subject[0] >= 298


def test_the_smaller_decode_is_let_go_before_the_larger_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A small product in a large frame is decoded again, larger: the first decode must not live through the
    second (both at once set a worker's peak)."""
    _shot(tmp_path / "small.jpg", (1700, 1200, 2300, 1800))
    made: list[weakref.ref[Image.Image]] = []
    alive_at_second: list[int] = []

    def tracked(path: Path, **kwargs: int | None) -> object:
        if made:
            gc.collect()
            alive_at_second.append(sum(ref() is not None for ref in made))
        decoded = open_image(path, **kwargs)  # type: ignore[arg-type]
        made.append(weakref.ref(decoded.image))
        return decoded
    monkeypatch.setattr(decoding, "open_image", tracked)
    load_asset(tmp_path / "small.jpg", (Fitted(400, 300), Fitted(300, 300, trim=True)))
    assert alive_at_second == [0]
