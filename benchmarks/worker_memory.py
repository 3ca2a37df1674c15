"""Where a worker's peak memory is reached on the model path: each stage of a main image's making, its own high-water
mark, and what the process holds when it ends.

    python benchmarks/worker_memory.py [--photos 3] [--against ../main]

In one worker (main-image into Amazon, Tmall and JD, jobs=1, as cutout_budget.py measures its peak), on generated
12 MP phone photos of a mug on a coloured sweep (the model path), each stage of ``run/tasks.py`` is timed in memory:

  isolate first    the reduced decode and the model's isolation on it (_isolated_first): U²-Net's working memory,
                   then the text detector's on the same copy (the presets here refuse text)
  decode           the photo decoded at the size its boxes need (in full for a 12 MP photo drawn at 1720 px)
  normalize        the normalize pipeline on the decoded photo (the isolation taken as made)
  text             the text in the photo read and judged (photo_text), from the detector's map made before
  render           every output drawn, encoded, written and checked (render_outputs, all of them)

and for each: ``peak`` (the process's high-water mark during the stage alone: /proc/self/status VmHWM, reset
before it through /proc/self/clear_refs), ``rss`` when it ends, glibc's main heap then (``heap``: its size,
``used``: what is allocated in it; the difference is freed memory glibc keeps, reusable by later allocations
only where they fit in its holes) and ``pictures`` (the pixels of every Pillow image still alive). A peak well
above ``rss`` at the stage's start plus what the stage keeps is working memory; a ``heap`` far above ``used`` is
memory freed but retained. The photos (--photos, 3 by default) go through the same worker one after another, as
an inbox's worker takes them: the first photo's peak is the figure cutout_budget.py reports; the later ones add
what the first left (the text models, loaded once) and the heap's holes. --folder DIR takes DIR's files instead
(e.g. ../shared/photos/real-more), a row per photo. The report's own per-photo figure
(``peak_rss_mb``) is not read here: resetting the high-water mark for each stage changes it. Linux only (the
figures come from /proc and glibc).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

W, H = 4032, 3024

# Run in a child process on the checkout asked for: it wraps the stages of artpipe/run/tasks.py (by name: a
# stage that checkout lacks is left out) and prints one JSON line per stage.
_CHILD = r"""
import ctypes, gc, json, sys
from pathlib import Path
from PIL import Image
import artpipe.run.tasks as tasks
from artpipe.api import main_images

class _Info(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in
                "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split()]

try:
    _libc = ctypes.CDLL("libc.so.6")
    _libc.mallinfo2.restype = _Info
except (OSError, AttributeError):
    _libc = None

def _status(key):
    with open("/proc/self/status", encoding="ascii") as f:
        return next(int(line.split()[1]) / 1024 for line in f if line.startswith(key + ":"))

def _reset():
    with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
        f.write("5")  # resets VmHWM to the current RSS (Linux 4.0+)

def _pictures():
    gc.collect()
    return sum(im.width * im.height * (4 if len(im.getbands()) >= 3 else len(im.getbands()))
               for im in gc.get_objects() if isinstance(im, Image.Image)) / 2**20

rows, depth, photo, names = [], [0], [0], []

def _wrap(name, label):
    fn = getattr(tasks, name, None)
    if fn is None:
        return
    def staged(*args, **kwargs):
        if depth[0]:  # a stage called inside another (the checks ask for the photo's text again) is that one's
            return fn(*args, **kwargs)
        depth[0] += 1
        _reset()
        try:
            return fn(*args, **kwargs)
        finally:
            depth[0] -= 1
            info = _libc.mallinfo2() if _libc is not None else None
            rows.append({"photo": photo[0], "stage": label, "peak": _status("VmHWM"), "rss": _status("VmRSS"),
                         "heap": info.arena / 2**20 if info else None,
                         "used": info.uordblks / 2**20 if info else None, "pictures": _pictures()})
    setattr(tasks, name, staged)

for name, label in [("_isolated_first", "isolate first"), ("decode", "decode"), ("normalize", "normalize"),
                    ("photo_text", "text"), ("render_outputs", "render")]:
    _wrap(name, label)

_render_product = tasks.render_product
def _counted(task):
    result = _render_product(task)
    names.append(task.product.primary.name)
    photo[0] += 1
    return result
tasks.render_product = _counted
import artpipe.run.executors as executors
if getattr(executors, "render_product", None) is _render_product:
    executors.render_product = _counted

paths = [Path(p) for p in sys.argv[2:]]
main_images(paths, Path(sys.argv[1]), ["amazon.main", "tmall.white_bg", "jd.main"], jobs=1)
print(json.dumps({"rows": rows, "names": names, "code": str(Path(tasks.__file__).resolve().parent.parent)}))
"""


def photo(folder: Path, index: int) -> Path:
    """A 12 MP phone photo of a mug (a handle the backdrop shows through) on a coloured sweep, a little different
    for each ``index`` (hue, place), so a worker given several has no two alike."""
    hues = [(30, 120, 130), (120, 60, 140), (60, 130, 60), (150, 120, 60), (40, 80, 150)]
    hue, left = hues[index % len(hues)], 0.25 + 0.05 * (index % 5)
    ramp = Image.linear_gradient("L").resize((W, H)).point(lambda v: 100 + v // 6)
    im = Image.merge("RGB", tuple(ramp.point(lambda v, c=c: min(255, v * c // 128)) for c in hue))
    draw = ImageDraw.Draw(im)
    red = (200, 40 + 30 * (index % 5), 40)
    draw.rounded_rectangle((W * left, H * 0.2, W * (left + 0.25), H * 0.85), radius=160, fill=red)
    draw.ellipse((W * (left + 0.22), H * 0.35, W * (left + 0.38), H * 0.62), outline=red, width=90)
    im = Image.blend(im, Image.effect_noise((W, H), 12).convert("RGB"), 0.04)
    path = folder / f"photo-{index}.jpg"
    im.save(path, quality=90)
    return path


def measure(checkout: Path | None, photos: list[Path], folder: Path) -> dict[str, Any]:
    """The stage rows of one checkout (its code imported in a child process run from the photos' folder, so
    "-c" puts no other checkout first on the path)."""
    env = {**os.environ, "PYTHONPATH": str(checkout.resolve())} if checkout is not None else dict(os.environ)
    out = folder / f"out-{len(list(folder.glob('out-*')))}"
    done = subprocess.run([sys.executable, "-c", _CHILD, str(out), *map(str, photos)], capture_output=True,
                          text=True, check=False, cwd=folder, env=env)
    if done.returncode != 0:
        sys.exit(f"the worker on {checkout} failed: {done.stderr.strip().splitlines()[-1:]}")
    figures: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return figures


def _heap(row: dict[str, Any]) -> str:
    return f"{row['heap']:6.0f} {row['used']:6.0f}" if row["heap"] is not None else f"{'-':>6} {'-':>6}"


def report(name: str, figures: dict[str, Any]) -> None:
    """One checkout's table: a row per photo and stage (the render row is every output of the photo); past
    three photos, a row per photo (its highest stage, and the heap when it is done)."""
    print(f"{name} ({figures['code']}):")
    merged: dict[tuple[int, str], dict[str, Any]] = {}
    for row in figures["rows"]:
        key = (row["photo"], row["stage"])
        seen = merged.get(key)
        merged[key] = row if seen is None else {**row, "peak": max(seen["peak"], row["peak"])}
    names = figures.get("names", [])
    if len(names) <= 3:
        print(f"  {'photo':>5} {'stage':14} {'peak':>6} {'rss':>6} {'heap':>6} {'used':>6} {'pictures':>8}  (MiB)")
        for (index, stage), row in merged.items():
            print(f"  {index + 1:>5} {stage:14} {row['peak']:6.0f} {row['rss']:6.0f} {_heap(row)} "
                  f"{row['pictures']:8.0f}")
    else:
        print(f"  {'photo':>5} {'name':34} {'highest stage':14} {'peak':>6} {'heap':>6} {'used':>6}  (MiB, when done)")
        for index, photo_name in enumerate(names):
            own = {stage: row for (i, stage), row in merged.items() if i == index}
            if not own:
                continue  # decided without rendering (a duplicate, a rejected file)
            stage, top_row = max(own.items(), key=lambda kv: kv[1]["peak"])
            print(f"  {index + 1:>5} {photo_name[:34]:34} {stage:14} {top_row['peak']:6.0f} "
                  f"{_heap(list(own.values())[-1])}")
    top = max(merged.items(), key=lambda kv: kv[1]["peak"])
    rendered = sorted({index for (index, stage) in merged if stage == "render"})  # a rejected file renders nothing
    first = max(row["peak"] for (index, _), row in merged.items() if index == (rendered or [0])[0])
    print(f"  the worker's peak: {top[1]['peak']:.0f} MiB, reached in '{top[0][1]}' of photo {top[0][0] + 1}; "
          f"{first:.0f} MiB on the first photo it rendered (budget 250 MiB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--photos", type=int, default=3, help="12 MP photos through one worker, one after another")
    parser.add_argument("--folder", type=Path, help="these photos (every file, by name) instead of generated ones")
    parser.add_argument("--against", type=Path, help="another checkout (e.g. ../main) measured in the same run")
    args = parser.parse_args()
    if not Path("/proc/self/clear_refs").exists():
        sys.exit("worker_memory.py reads its figures from /proc (Linux only)")
    folder = Path(tempfile.mkdtemp(prefix="artpipe-memory-"))
    try:
        photos = sorted(p.resolve() for p in args.folder.iterdir() if p.is_file()) if args.folder is not None \
            else [photo(folder, i) for i in range(max(1, args.photos))]
        here = Path(__file__).resolve().parent.parent
        report("this checkout", measure(here, photos, folder))
        if args.against is not None:
            report(str(args.against), measure(args.against, photos, folder))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
