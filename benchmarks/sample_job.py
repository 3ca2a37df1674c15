"""Time the bundled sample job and compare it with baselines measured in the same run.

    python benchmarks/sample_job.py [--repeat 3]

Prints wall times (best of --repeat) and ratios, which stay meaningful on a shared, noisy machine:
  floor   decode each input once + encode every output's final pixels (taken from a first artpipe run) at
          the same quality: the cost no renderer can avoid
  naive   per output: open, full decode, exif_transpose, LANCZOS resize, paste on a canvas, save
  artpipe the real job with --jobs 1 and with every core
"""

from __future__ import annotations

import argparse
import io
import os
import tempfile
from pathlib import Path

from baselines import best, naive
from PIL import Image

from artpipe.api import render_job
from artpipe.run.jobs import load_job, plan
from artpipe.run.pool import default_jobs

ROOT = Path(__file__).resolve().parent.parent
JOB = ROOT / "samples" / "jobs" / "spring-sale.yaml"


def outputs() -> list[tuple[Path, tuple[int, int]]]:
    """(input, output size) for every output of the sample job."""
    job = load_job(JOB)
    pairs = []
    for task in plan(job, Path(tempfile.gettempdir())):
        src = task.product.primary
        assert src is not None
        for spec in task.renders:
            size = task.templates[spec.template].size(spec.size)
            pairs.append((src, (size.width, size.height)))
    return pairs


def final_pixels(out: Path) -> list[Image.Image]:
    """Every output of a finished artpipe run, decoded into memory."""
    images = []
    for path in sorted(out.rglob("*.jpg")):
        with Image.open(path) as im:
            images.append(im.convert("RGB"))
    return images


def floor(inputs: list[Path], canvases: list[Image.Image]) -> None:
    for src in inputs:
        with Image.open(src) as im:
            im.load()
    for canvas in canvases:
        canvas.save(io.BytesIO(), "JPEG", quality=90, optimize=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    pairs = outputs()
    cores = default_jobs()
    job = load_job(JOB)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        render_job(job, out / "first", jobs=cores)
        inputs = sorted({src for src, _ in pairs})
        canvases = final_pixels(out / "first")
        t_floor = best(lambda: floor(inputs, canvases), args.repeat)
        t_naive = best(lambda: naive(pairs, out), args.repeat)
        t_one = best(lambda: render_job(job, out / "one", jobs=1), args.repeat)
        t_all = best(lambda: render_job(job, out / "all", jobs=cores), args.repeat)
    n = len(pairs)
    print(f"sample job: {len(job.products)} products, {n} outputs, {cores} cores, {os.cpu_count()} CPUs seen")
    print(f"{'':22}{'seconds':>9}{'ms/output':>11}")
    for name, t in [("floor (decode+encode)", t_floor), ("naive Pillow", t_naive), ("artpipe --jobs 1", t_one),
                    (f"artpipe --jobs {cores}", t_all)]:
        print(f"{name:22}{t:9.2f}{t / n * 1000:11.1f}")
    print(f"artpipe --jobs 1 / floor:   {t_one / t_floor:.2f}x")
    print(f"artpipe --jobs 1 / naive:   {t_one / t_naive:.2f}x  (naive only fits and pastes; artpipe also draws "
          "text, shapes, shadows)")
    print(f"speed-up --jobs {cores} vs 1:   {t_one / t_all:.2f}x")


if __name__ == "__main__":
    main()
