"""What product isolation costs: the segmentation model and its refinement per photo, against rendering.

    python benchmarks/cutout.py [--count 10] [--repeat 3]

On one core (as each worker runs), best of --repeat, measured in the same run:
  decode+normalize   the workload's 12 MP photos (benchmarks/workload.py) normalized as before (cutout never)
  + isolation        the same with cutout auto: which path each photo took, and the added time per photo
  model alone        inference of the bundled model at its 320 px input, and the guided-filter refinement,
                     both from the 1024 px copy of the photo they work on
  busy 12 MP photo   a product on a striped coloured cloth (always the model): normalize with and without
And as ratios: the isolation's added time to the sample job's render time (--jobs 1) per product, and to the
workload's render time per photo (5 outputs each).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from baselines import best
from PIL import Image, ImageDraw
from workload import workload

from artpipe.api import render_job
from artpipe.defaults import settings
from artpipe.imaging.analyze import shrunk
from artpipe.imaging.matting import WORK_SIDE, refine
from artpipe.imaging.normalize import NormalizeOptions, normalize
from artpipe.imaging.open import open_image
from artpipe.imaging.segment import load_segmenter, saliency
from artpipe.run.jobs import load_job

ROOT = Path(__file__).resolve().parent.parent
W, H = 4032, 3024


def busy_photo(folder: Path) -> Path:
    """A 12 MP phone photo of a red mug on a striped teal cloth."""
    path = folder / "busy.jpg"
    im = Image.new("RGB", (W, H), (40, 150, 150))
    d = ImageDraw.Draw(im)
    for x in range(0, W, 240):
        d.line((x, 0, x + 800, H), fill=(60, 170, 165), width=56)
    d.rounded_rectangle((W * 0.35, H * 0.2, W * 0.65, H * 0.85), radius=160, fill=(210, 40, 40))
    d.ellipse((W * 0.62, H * 0.35, W * 0.78, H * 0.6), outline=(210, 40, 40), width=88)
    im = Image.blend(im, Image.effect_noise((W, H), 8).convert("RGB"), 0.05)
    im.save(path, quality=90)
    return path


def per_photo(paths: list[Path], mode: str, repeat: int) -> tuple[float, list[str]]:
    """Seconds per photo to decode and normalize ``paths`` with ``mode``, and the isolation path of each."""
    seen: list[str] = []

    def run() -> None:
        seen.clear()
        for p in paths:
            seen.append(normalize(open_image(p), NormalizeOptions(cutout=mode), rules=settings()).isolation)

    return best(run, repeat) / len(paths), list(seen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    photos = workload(args.count)
    load_segmenter(None)  # loaded once per worker; not part of a photo's cost
    with tempfile.TemporaryDirectory() as tmp:
        busy = busy_photo(Path(tmp))
        plain_s, _ = per_photo(photos, "never", args.repeat)
        auto_s, paths = per_photo(photos, "auto", args.repeat)
        busy_plain, _ = per_photo([busy], "never", args.repeat)
        busy_auto, busy_path = per_photo([busy], "auto", args.repeat)
        im = shrunk(open_image(busy).image, WORK_SIDE).convert("RGB")  # what the model and refinement see
        model = load_segmenter(None)
        infer = best(lambda: saliency(im, model), args.repeat)
        coarse, _ = saliency(im, model)
        refining = best(lambda: refine(im, coarse), args.repeat)
        job = load_job(ROOT / "samples" / "jobs" / "spring-sale.yaml")
        started = time.perf_counter()
        render_job(job, Path(tmp) / "out", jobs=1)
        sample_per_product = (time.perf_counter() - started) / len(job.products)
    counts = {k: paths.count(k) for k in sorted(set(paths))}
    print(f"workload ({len(photos)} photos of 12 MP): paths {counts}")
    print(f"  decode+normalize      {plain_s * 1000:7.0f} ms/photo")
    print(f"  + isolation (auto)    {auto_s * 1000:7.0f} ms/photo  (+{(auto_s - plain_s) * 1000:.0f} ms)")
    print(f"busy 12 MP photo ({busy_path[0]}): {busy_plain * 1000:.0f} -> {busy_auto * 1000:.0f} ms "
          f"(+{(busy_auto - busy_plain) * 1000:.0f} ms)")
    print(f"  model inference ({model.name}, 320 px)  {infer * 1000:6.0f} ms")
    print(f"  guided-filter refinement (at {max(im.size)} px)  {refining * 1000:6.0f} ms")
    added = busy_auto - busy_plain
    print(f"sample job, --jobs 1: {sample_per_product * 1000:.0f} ms per product (9 outputs each)")
    print(f"ratios: model photo's isolation / sample product render = {added / sample_per_product:.2f}; "
          f"workload isolation added / decode+normalize = {(auto_s - plain_s) / plain_s:.2f}")


if __name__ == "__main__":
    main()
