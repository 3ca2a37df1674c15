"""Shared fixtures: synthetic product photos, golden-image comparison with a tolerance, processes read from /proc."""

from __future__ import annotations

import contextlib
import os
import signal
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageChops, ImageDraw

GOLDEN = Path(__file__).parent / "golden"
FAILURES = Path(__file__).parent / "golden-failures"
# A golden matches when at most 0.1 % of pixels differ by more than 16 (any channel) and the mean
# difference stays under 1.0: enough slack for FreeType/zlib version drift, none for layout changes.
MAX_OFF_SHARE = 0.001
OFF_LEVEL = 16
MAX_MEAN = 1.0


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", help="rewrite golden images (look at each one!)")


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


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


def difference_stats(a: Image.Image, b: Image.Image) -> tuple[float, float]:
    """(share of pixels off by more than OFF_LEVEL, mean absolute difference) of two same-size images."""
    diff = ImageChops.difference(a.convert("RGB"), b.convert("RGB"))
    r, g, b_ = diff.split()
    worst = ImageChops.lighter(ImageChops.lighter(r, g), b_)
    hist = worst.histogram()
    total = a.width * a.height
    off = sum(hist[OFF_LEVEL + 1:]) / total
    mean = sum(i * n for i, n in enumerate(hist)) / total
    return off, mean


def assert_matches_golden(actual: Image.Image, name: str, update: bool) -> None:
    """Compare with tests/golden/<name>.png; on failure write expected/actual/amplified diff images."""
    path = GOLDEN / f"{name}.png"
    if update:
        GOLDEN.mkdir(exist_ok=True)
        actual.convert("RGB").save(path, optimize=True)
        return
    assert path.is_file(), f"missing golden {path}; run pytest --update-goldens and look at it"
    with Image.open(path) as stored:
        expected = stored.convert("RGB")
    assert expected.size == actual.size, f"{name}: size {actual.size} != golden {expected.size}"
    off, mean = difference_stats(expected, actual)
    if off > MAX_OFF_SHARE or mean > MAX_MEAN:
        FAILURES.mkdir(exist_ok=True)
        expected.save(FAILURES / f"{name}-expected.png")
        actual.convert("RGB").save(FAILURES / f"{name}-actual.png")
        amplified = ImageChops.difference(expected, actual.convert("RGB")).point(lambda v: min(255, v * 8))
        amplified.save(FAILURES / f"{name}-diff.png")
        pytest.fail(f"{name}: {off:.4%} of pixels off by >{OFF_LEVEL}, mean {mean:.2f}; see {FAILURES}")


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
