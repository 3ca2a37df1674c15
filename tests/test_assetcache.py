"""Normalized photos kept between runs (artpipe/run/assetcache.py): keyed by content and settings, read back
exactly, and a damaged or missing entry is normalized again."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageChops
from test_isolate import asset, mug_on_teal

from artpipe.defaults import settings
from artpipe.imaging.normalize import normalize
from artpipe.imaging.open import open_image
from artpipe.reasons import tokens
from artpipe.run.assetcache import asset_key, load_cached, save_cached


def test_the_mask_is_cached_with_the_photo(tmp_path: Path) -> None:
    a = asset(mug_on_teal())
    save_cached(tmp_path, "k", a)
    back = load_cached(tmp_path, "k", "photo.png")
    assert back is not None
    assert back.mask is not None
    assert back.isolation == "model"
    assert a.mask is not None
    assert back.mask.tobytes() == a.mask.tobytes()
    assert back.image.tobytes() == a.image.tobytes()


def test_the_text_detectors_map_is_cached_with_the_photo_and_its_mask_and_clearing(tmp_path: Path) -> None:
    """What the detector saw before the full-size decode reads back as it was, bit for bit, after the mask and
    the colour path's clearing (a photo read back from the cache finds its text as the first run did)."""
    from dataclasses import replace

    import numpy as np

    a = asset(mug_on_teal())
    assert a.mask is not None
    ramp = np.linspace(0.0, 1.0, 640 * 480, dtype=np.float32).reshape(480, 640) ** 3
    a = replace(a, text_map=Image.fromarray(ramp, "F"), clear=Image.new("L", (40, 30), 7))
    save_cached(tmp_path, "k", a)
    back = load_cached(tmp_path, "k", "photo.png")
    assert back is not None
    assert back.text_map is not None
    assert back.text_map.size == (640, 480)
    assert np.array_equal(np.asarray(back.text_map), ramp)
    assert back.mask is not None
    assert back.mask.tobytes() == a.mask.tobytes()
    assert back.clear is not None
    assert back.clear.size == (40, 30)
    assert back.clear.tobytes() == bytes([7]) * 1200
    save_cached(tmp_path, "p", replace(a, text_map=None))
    plain = load_cached(tmp_path, "p", "photo.png")
    assert plain is not None
    assert plain.text_map is None


def test_the_key_changes_with_the_files_bytes_its_decoding_and_its_isolation(tmp_path: Path) -> None:
    photo = tmp_path / "a.png"
    Image.new("RGB", (8, 8), (1, 2, 3)).save(photo)
    key = asset_key(photo, "boxes-1")
    assert key == asset_key(photo, "boxes-1")
    assert len(key) == 64
    assert asset_key(photo, "boxes-2") != key
    assert asset_key(photo, "boxes-1", "model:u2netp") != key
    copy = tmp_path / "b.png"
    copy.write_bytes(photo.read_bytes())
    assert asset_key(copy, "boxes-1") == key  # by content, not by name
    Image.new("RGB", (8, 8), (1, 2, 4)).save(photo)
    assert asset_key(photo, "boxes-1") != key


def test_a_plain_photo_reads_back_with_what_normalizing_learned(tmp_path: Path) -> None:
    photo = tmp_path / "p.png"
    im = Image.new("RGB", (120, 80), (236, 234, 230))
    im.paste((40, 90, 170), (30, 20, 90, 60))
    im.save(photo)
    kept = normalize(open_image(photo), rules=settings())
    save_cached(tmp_path / "cache", "k", kept)
    back = load_cached(tmp_path / "cache", "k", "shown-as.png")
    assert back is not None
    assert ImageChops.difference(back.image, kept.image).getbbox() is None
    assert back.source == "shown-as.png"
    assert (back.subject, back.backdrop, back.steps, back.original_size, back.format) == (
        kept.subject, kept.backdrop, kept.steps, kept.original_size, kept.format)
    assert tokens(back.warnings) == tokens(kept.warnings)
    assert back.mask is None


def test_a_missing_or_damaged_entry_is_none(tmp_path: Path) -> None:
    assert load_cached(tmp_path, "absent", "x") is None
    (tmp_path / "k.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "k.px").write_bytes(b"\0" * 10)
    assert load_cached(tmp_path, "k", "x") is None
    (tmp_path / "k.json").write_text('{"mode": "RGB", "size": [100, 100]}', encoding="utf-8")
    assert load_cached(tmp_path, "k", "x") is None  # too few pixels and no description


def test_a_cache_that_cannot_be_written_costs_nothing_but_speed(tmp_path: Path) -> None:
    (tmp_path / "cache").write_text("a file where the folder should be", encoding="utf-8")
    save_cached(tmp_path / "cache", "k", normalize(open_image(_photo(tmp_path)), rules=settings()))  # no error
    assert load_cached(tmp_path / "cache", "k", "x") is None


def _photo(tmp_path: Path) -> Path:
    path = tmp_path / "q.png"
    Image.new("RGB", (16, 16), (200, 10, 10)).save(path)
    return path
