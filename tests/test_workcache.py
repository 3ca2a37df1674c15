"""What one worker keeps between products (workcache.py): things derived from an image, shared pictures and
painted layers, each within its limit."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from PIL import Image
from PIL import _imaging as pillow_core

from artpipe.defaults import MemorySettings, settings
from artpipe.imaging.normalize import NormalizeOptions
from artpipe.run.jobs import load_job, plan
from artpipe.run.tasks import NormalizeTask, normalize_file, render_product
from artpipe.workcache import Derived, Kept, WorkerCache, pixels_of, use_image_blocks, worker_cache

from conftest import product_photo

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def test_shared_pictures_stay_inside_their_budget(tmp_path: Path) -> None:
    from artpipe.defaults import MemorySettings
    from artpipe.run.tasks import load_asset

    cache = WorkerCache(MemorySettings(shared_pixels=300 * 300, painted_pixels=0))
    paths = []
    for i, side in enumerate((200, 200, 400)):
        path = tmp_path / f"{i}.png"
        Image.new("RGB", (side, side), (i, 0, 0)).save(path)
        paths.append(path)
    first = cache.picture(paths[0], "", lambda: load_asset(paths[0]))
    assert cache.picture(paths[0], "", lambda: load_asset(paths[0])) is first
    second = cache.picture(paths[1], "", lambda: load_asset(paths[1]))
    assert cache.shared.values() == [first, second]  # 80,000 px: both fit
    large = cache.picture(paths[2], "", lambda: load_asset(paths[2]))
    assert large.image.size == (400, 400)
    assert cache.shared.values() == [first, second]  # 160,000 px is never kept, and pushes nothing out
    assert cache.shared.holds(first)
    assert not cache.shared.holds(large)
    cache.shared.budget_px = 50_000
    third = cache.picture(paths[1], "x", lambda: load_asset(paths[1]))  # another key: the oldest make room
    assert cache.shared.values() == [third]


def test_the_worker_cache_takes_its_limits_from_settings_and_clears_in_one_call(tmp_path: Path) -> None:
    from artpipe.defaults import settings

    cache = worker_cache()
    assert cache is worker_cache()  # one per process
    assert (cache.shared.budget_px, cache.painted.budget_px) == (settings().memory.shared_pixels,
                                                                 settings().memory.painted_pixels)
    tasks = plan(load_job(_one_product_job(tmp_path)), tmp_path / "out")
    assert render_product(tasks[0]).failure is None
    assert cache.shared.values()
    assert cache.painted.values()
    assert len(cache.derived)
    cache.clear()
    assert (cache.shared.values(), cache.painted.values(), len(cache.derived)) == ([], [], 0)


@pytest.fixture
def pillow_blocks(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Pillow's own block size (16 MiB), as a fresh worker has it, and no PILLOW_BLOCK_SIZE; as it was after."""
    before = pillow_core.get_block_size()
    monkeypatch.delenv("PILLOW_BLOCK_SIZE", raising=False)
    pillow_core.set_block_size(16 << 20)
    yield
    pillow_core.set_block_size(before)


def _blocks_of_a_canvas() -> int:
    """How many blocks Pillow allocates a 2000 px RGB canvas (15 MB) in now."""
    before = pillow_core.get_stats()["allocated_blocks"]
    Image.new("RGB", (2000, 2000))
    blocks: int = pillow_core.get_stats()["allocated_blocks"] - before
    return blocks


@pytest.mark.usefixtures("pillow_blocks")
def test_a_worker_allocates_its_images_in_one_megabyte_blocks(tmp_path: Path) -> None:
    assert _blocks_of_a_canvas() == 1  # Pillow's default: one 15 MB piece, which few holes in a heap fit
    tasks = plan(load_job(_one_product_job(tmp_path)), tmp_path / "out")
    assert render_product(tasks[0]).failure is None
    assert settings().memory.image_block_bytes == 1 << 20
    assert pillow_core.get_block_size() == 1 << 20
    assert _blocks_of_a_canvas() == 16  # 15.3 MB in pieces of at most 1 MB


@pytest.mark.usefixtures("pillow_blocks")
def test_a_normalizing_worker_allocates_its_images_in_small_blocks_too(tmp_path: Path) -> None:
    product_photo((300, 200)).save(tmp_path / "a.jpg")
    task = NormalizeTask(0, tmp_path / "a.jpg", tmp_path / "out" / "a", NormalizeOptions(), "auto", 90)
    assert normalize_file(task).failure is None
    assert pillow_core.get_block_size() == settings().memory.image_block_bytes


@pytest.mark.usefixtures("pillow_blocks")
def test_pillow_block_size_from_the_environment_or_zero_is_left_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    use_image_blocks(replace(settings().memory, image_block_bytes=0))
    assert pillow_core.get_block_size() == 16 << 20  # 0: Pillow's own
    monkeypatch.setenv("PILLOW_BLOCK_SIZE", "4m")  # read by Pillow itself when it is imported
    pillow_core.set_block_size(4 << 20)
    use_image_blocks(settings().memory)
    assert pillow_core.get_block_size() == 4 << 20


def test_what_is_derived_from_an_image_goes_with_it() -> None:
    import gc

    from artpipe.imaging.analyze import preview

    memo: Derived = worker_cache().derived
    start = len(memo)
    small = Image.new("RGB", (300, 200), (1, 2, 3))
    assert preview(small) is small  # small enough already: nothing is copied, and nothing kept that holds it
    assert len(memo) == start
    large = Image.new("RGBA", (3000, 2000), (1, 2, 3, 255))
    kept = preview(large)
    assert kept.size == (1000, 667)
    assert preview(large) is kept
    assert len(memo) == start + 1
    del small, large, kept
    gc.collect()
    assert len(memo) == start


def test_derived_lets_go_what_it_is_told_of_one_image_and_keeps_the_rest() -> None:
    memo: Derived = worker_cache().derived
    photo, other = Image.new("RGB", (8, 8)), Image.new("RGB", (8, 8))
    for what in ("reduced:2", "reduced:3", "preview", "work-copy"):
        memo.get(photo, what, lambda what=what: what)
    memo.get(other, "reduced:3", lambda: "other's")
    memo.let_go(photo, "reduced:", "preview")  # "reduced:" is every reduction
    made: list[str] = []
    assert memo.get(photo, "work-copy", lambda: made.append("work-copy") or "again") == "work-copy"
    assert memo.get(other, "reduced:3", lambda: made.append("other") or "again") == "other's"
    assert memo.get(photo, "reduced:3", lambda: made.append("reduced:3") or "again") == "again"  # made anew
    assert memo.get(photo, "preview", lambda: made.append("preview") or "again") == "again"
    assert made == ["reduced:3", "preview"]
    memo.let_go(photo, "reduced")  # a name without ":" is that name only: "reduced:3" stays
    assert memo.get(photo, "reduced:3", lambda: "third") == "again"
    memo.let_go(photo)  # no name: everything made of it
    assert memo.get(photo, "work-copy", lambda: "new") == "new"
    assert memo.get(other, "reduced:3", lambda: "no") == "other's"


def test_kept_lets_the_least_recently_used_go_first() -> None:
    kept = Kept(budget_px=10)
    made: list[str] = []

    def make(name: str, size: int) -> Callable[[], tuple[str, int]]:
        return lambda: made.append(name) or (name, size)  # type: ignore[func-returns-value]

    def size(value: tuple[str, int]) -> int:
        return value[1]

    kept.get("a", make("a", 4), size)
    kept.get("b", make("b", 4), size)
    assert kept.get("a", make("a again", 4), size) == ("a", 4)  # asked again: kept, and now the most recent
    kept.get("c", make("c", 4), size)  # 12 px: one must go, the least recently used (b)
    assert kept.values() == [("a", 4), ("c", 4)]
    assert made == ["a", "b", "c"]
    assert kept.get("huge", make("huge", 11), size) == ("huge", 11)  # over the whole budget: made, not kept
    assert kept.values() == [("a", 4), ("c", 4)]
    kept.clear()
    assert kept.values() == []


def test_derived_never_keeps_the_image_itself() -> None:
    derived = Derived()
    image = Image.new("L", (4, 4))
    assert derived.get(image, "same", lambda: image) is image
    assert len(derived) == 0  # kept, it would hold its own image alive
    first = derived.get(image, "half", lambda: image.resize((2, 2)))
    assert derived.get(image, "half", lambda: Image.new("L", (1, 1))) is first
    assert derived.get(image, "other", lambda: 7) == 7
    assert len(derived) == 2
    derived.clear()
    assert len(derived) == 0


def test_a_shared_picture_is_read_again_when_its_file_changes_and_never_kept_when_missing(tmp_path: Path) -> None:
    cache = WorkerCache(MemorySettings(shared_pixels=10_000, painted_pixels=0))
    path = tmp_path / "logo.png"
    Image.new("RGB", (10, 10), (255, 0, 0)).save(path)
    red = cache.picture(path, "", lambda: _read(path))
    assert cache.picture(path, "", lambda: _read(path)) is red
    Image.new("RGB", (10, 12), (0, 0, 255)).save(path)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    blue = cache.picture(path, "", lambda: _read(path))
    assert blue is not red
    assert blue.image.getpixel((0, 0)) == (0, 0, 255)
    assert cache.picture(path, "boxes", lambda: _read(path)) is not blue  # another box: its own
    missing = tmp_path / "gone.png"
    assert cache.picture(missing, "", lambda: Asset(Image.new("RGB", (1, 1)))).image.size == (1, 1)
    assert len(cache.shared.values()) == 3  # red, blue and blue for other boxes; nothing for the missing file
    assert pixels_of(None) == 0


@dataclass(frozen=True)
class Asset:
    """Anything with a picture, as the cache sees it."""

    image: Image.Image


def _read(path: Path) -> Asset:
    with Image.open(path) as im:
        return Asset(im.convert("RGB"))


def _one_product_job(tmp_path: Path) -> Path:
    """A promo banner with a logo (a shared picture) and a fixed badge (a painted layer) for one product."""
    (tmp_path / "photos").mkdir(exist_ok=True)
    shutil.copy(SAMPLES / "logo-maison.png", tmp_path / "logo.png")
    product_photo((600, 500)).save(tmp_path / "photos" / "a.jpg")
    path = tmp_path / "job.yaml"
    path.write_text("templates: [{template: promo-banner, sizes: [wide]}]\ndefaults: {logo: logo.png}\n"
                    "products:\n  - {sku: a, product: photos/a.jpg, headline: 春季大促, badge: '限时'}\n",
                    encoding="utf-8")
    return path
