"""Shared fixtures: synthetic product photos, golden-image comparison with a tolerance, processes read from /proc."""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageChops, ImageDraw

# Real merchant photos live beside the checkout (../shared/photos, see their SOURCES.md), never in the project.
PHOTOS = Path(__file__).resolve().parents[2] / "shared" / "photos"
GOLDEN = Path(__file__).parent / "golden"
FAILURES = Path(__file__).parent / "golden-failures"
# Goldens are stored at the render's own size and compared pixel for pixel (see assert_matches_golden).
WINDOW_PX = 8
MAX_WINDOW_MEAN = 24.0
MAX_MEAN = 3.0


pytest_plugins = ("studiocase",)  # the studio service tests' ws and studio fixtures


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", help="rewrite golden images (look at each one!)")


@pytest.fixture(autouse=True)
def _fresh_worker_cache() -> None:
    """Every test starts with an empty worker cache: nothing decoded, derived or painted by an earlier one."""
    from artpipe.workcache import worker_cache

    worker_cache().clear()


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


def real_photos(folder: str) -> Path:
    """``../shared/photos/<folder>``; a test that needs it skips where it is absent, and fails instead when
    ``ARTPIPE_REQUIRE_PHOTOS`` is set (CI sets it where the photos are, so they cannot be skipped silently)."""
    path = PHOTOS / folder
    if not path.is_dir():
        why = f"no real photos at {path}"
        if os.environ.get("ARTPIPE_REQUIRE_PHOTOS"):
            pytest.fail(f"{why} (ARTPIPE_REQUIRE_PHOTOS is set)", pytrace=False)
        pytest.skip(why)
    return path


def grain(size: tuple[int, int], sigma: float, seed: int = 0) -> Image.Image:
    """Gaussian grey noise around 128 (as Image.effect_noise makes), but seeded: the same every run."""
    rng = np.random.default_rng(seed)
    values = np.clip(rng.normal(128, sigma, (size[1], size[0])), 0, 255).astype(np.uint8)
    return Image.fromarray(values, "L")


def product_photo(size: tuple[int, int] = (600, 450), backdrop: tuple[int, int, int] = (236, 236, 236)) -> Image.Image:
    """A product-like test photo: a blue body with a red stripe on a plain backdrop (made in code)."""
    w, h = size
    im = Image.new("RGB", size, backdrop)
    d = ImageDraw.Draw(im)
    d.rounded_rectangle((w * 0.3, h * 0.2, w * 0.7, h * 0.85), radius=int(w * 0.04), fill=(30, 80, 170))
    d.rectangle((w * 0.3, h * 0.45, w * 0.7, h * 0.55), fill=(220, 50, 40))
    return im


def difference_stats(a: Image.Image, b: Image.Image) -> tuple[float, float, tuple[int, int]]:
    """(the largest mean difference of any WINDOW_PX x WINDOW_PX window, the mean difference of the whole image,
    that window's top-left corner) of two same-size images, in 8-bit levels of the channel that differs most."""
    worst = np.abs(np.asarray(a.convert("RGB"), np.int16) - np.asarray(b.convert("RGB"), np.int16)).max(axis=2)
    w = min(WINDOW_PX, *worst.shape)
    # Every window at every offset (overlapping), from one summed-area table: a defect is never split between
    # two fixed blocks and halved.
    table = np.pad(worst.astype(np.int64), ((1, 0), (1, 0))).cumsum(0).cumsum(1)
    sums = table[w:, w:] - table[:-w, w:] - table[w:, :-w] + table[:-w, :-w]
    y, x = np.unravel_index(int(sums.argmax()), sums.shape)
    return float(sums[y, x]) / (w * w), float(worst.mean()), (int(x), int(y))


def assert_matches_golden(actual: Image.Image, name: str, update: bool, failures: Path = FAILURES) -> None:
    """Compare a render, at its own size, with tests/golden/<name>.png; on failure write expected, actual and an
    amplified diff to ``failures``.

    The tolerance, in the render's own pixels and 8-bit levels (of whichever of R, G, B differs most):
    - every 8 x 8 window, at every offset, may differ by at most 24 levels on average, so any visible defect of
      8 x 8 px or more fails (a 60 x 60 grey blob on a 2000 x 2000 render differs by 90 or more), and so does
      a smaller one that is strong enough (a 4 x 4 spot off by more than 96: a stray dot, a wrong small glyph);
    - the whole image may differ by at most 3 levels on average, so a tint or a background colour shifted by a
      few levels everywhere fails.
    What passes: the anti-aliasing drift of another FreeType or zlib, and noise as large as a JPEG re-encode at
    quality 90 without chroma subsampling (at most 13 in a window, 2 on average, on every shipped template).
    """
    path = GOLDEN / f"{name}.png"
    if update:
        GOLDEN.mkdir(exist_ok=True)
        actual.convert("RGB").save(path, optimize=True)
        return
    assert path.is_file(), f"missing golden {path}; run pytest --update-goldens and look at it"
    with Image.open(path) as stored:
        expected = stored.convert("RGB")
    assert expected.size == actual.size, f"{name}: size {actual.size} != golden {expected.size}"
    window, mean, (x, y) = difference_stats(expected, actual)
    if window > MAX_WINDOW_MEAN or mean > MAX_MEAN:
        failures.mkdir(exist_ok=True)
        expected.save(failures / f"{name}-expected.png")
        actual.convert("RGB").save(failures / f"{name}-actual.png")
        amplified = ImageChops.difference(expected, actual.convert("RGB")).point(lambda v: min(255, v * 8))
        amplified.save(failures / f"{name}-diff.png")
        pytest.fail(f"{name}: the {WINDOW_PX}x{WINDOW_PX} px at ({x}, {y}) differ by {window:.1f} on average "
                    f"(at most {MAX_WINDOW_MEAN:g}), the whole image by {mean:.2f} (at most {MAX_MEAN:g}); "
                    f"see {failures}")

# A process as /proc names it: its id and its start time (clock ticks after boot), so that a number the kernel
# gave to a newer process after the old one ended is never taken for it (nor killed in its place).
Proc = tuple[int, int]


def processes() -> dict[Proc, tuple[int, str]]:
    """Every live process (zombies count as gone): its parent's id and its command line, read from /proc."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # it exited while we looked
        if fields[0] != "Z":  # fields[0] is stat's third field (state); start time is its 22nd
            found[(int(entry.name), int(fields[19]))] = (int(fields[1]), cmdline)
    return found


def descendants(pid: int) -> set[Proc]:
    """The live children of ``pid``, their children, and so on."""
    table = processes()
    found: set[Proc] = set()
    todo = [pid]
    while todo:
        parent = todo.pop()
        kids = {proc for proc, (ppid, _) in table.items() if ppid == parent}
        found |= kids
        todo += [p for p, _ in kids]
    return found


def naming(text: str) -> set[Proc]:
    """The live processes whose command line contains ``text`` (a workspace's path, say)."""
    return {proc for proc, (_, cmdline) in processes().items() if text in cmdline}


def alive(proc: Proc) -> bool:
    """Whether that very process still runs (not a zombie, and its id not given to another since)."""
    try:
        fields = Path(f"/proc/{proc[0]}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] != "Z" and int(fields[19]) == proc[1]


def end_processes(procs: set[Proc]) -> None:
    """SIGKILL those of ``procs`` still alive (a test's clean-up: nothing it started outlives it)."""
    for proc in procs:
        if alive(proc):
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc[0], signal.SIGKILL)


# --- a studio served for a real browser ----------------------------------------------------------------------------

def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on now."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@contextlib.contextmanager
def served(app: object, port: int) -> Iterator[None]:
    """``app`` served by uvicorn on 127.0.0.1:``port`` in a thread, from when it listens until the block ends."""
    import threading
    import time

    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))  # type: ignore[arg-type]
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def screenshot(page: object, name: str, *, whole: bool = False) -> None:
    """A full-page screenshot into $ARTPIPE_SCREENSHOTS when it is set (to look at the pages); with ``whole``, after
    scrolling to the end and waiting for the network, so lazy images are in it."""
    folder = os.environ.get("ARTPIPE_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    if whole:
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # type: ignore[attr-defined]
        page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    page.evaluate("document.fonts.ready")  # type: ignore[attr-defined]
    page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]
