"""Render the standard workload and compare artpipe with baselines measured in the same run.

    python benchmarks/render.py [--count 20] [--repeat 1] [--jobs N]

The workload (benchmarks/workload.py: 12-megapixel JPEGs, some EXIF 6, some CMYK, some RGBA PNG cut-outs)
is rendered into product-main (800 and 2000 px) and promo-banner (1920x600, 750x390, 800x800): 5 outputs
per photo. Measured, best of --repeat:
  floor        decode each input at the DCT scale artpipe chose + encode each output's final pixels at its
               quality: nothing else
  naive        per output: open, full decode, exif_transpose, LANCZOS resize, paste on a canvas, save
  ImageMagick  per output: convert -auto-orient -resize -extent (when `magick` or `convert` is installed)
  artpipe      `artpipe render` with --jobs 1 and --jobs N, from a clean output folder, and a re-run with
               nothing changed
Prints images/s, ms per output, the peak RSS of a worker, and the ratios.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from baselines import best, naive  # noqa: E402
from workload import workload  # noqa: E402

from artpipe.api import render_job  # noqa: E402
from artpipe.imaging.decoding import draft_side  # noqa: E402
from artpipe.imaging.geometry import Fitted  # noqa: E402
from artpipe.imaging.open import open_image  # noqa: E402
from artpipe.run.incremental import CACHE_DIR  # noqa: E402
from artpipe.run.jobs import load_job, plan  # noqa: E402
from artpipe.run.pool import default_jobs  # noqa: E402

SIZES = [(800, 800), (2000, 2000), (1920, 600), (750, 390), (800, 800)]


def write_job(folder: Path, photos: list[Path]) -> Path:
    (folder / "banner.yaml").write_text("extends: promo-banner\nname: banner\n", encoding="utf-8")
    lines = ["templates:", "  - template: product-main", "    sizes: all", "  - template: banner.yaml",
             "    sizes: all", 'output: "{sku}/{template}-{size}.jpg"', "format: {quality: 90}", "products:"]
    for i, p in enumerate(photos):
        lines.append(f"  - {{sku: p{i:04d}, product: {p}, headline: 新品上市 限时特惠, price: ¥{99 + i}}}")
    job = folder / "job.yaml"
    job.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return job


def floor(photos: list[Path], boxes: dict[Path, tuple[Fitted, ...]], finals: list[Image.Image]) -> None:
    for path in photos:
        open_image(path, draft_side=draft_side(path, boxes.get(path, ())))
    for im in finals:
        im.save(io.BytesIO(), "JPEG", quality=90, optimize=True)


def magick() -> list[str] | None:
    """The ImageMagick command, if ImageMagick is installed."""
    for cmd in (["magick"], ["convert"]):
        if shutil.which(cmd[0]):
            done = subprocess.run([*cmd, "-version"], capture_output=True, text=True, check=False)
            if "ImageMagick" in done.stdout:
                return cmd
    return None


def imagemagick(cmd: list[str], photos: list[Path], out: Path) -> None:
    for k, src in enumerate(photos):
        for j, (w, h) in enumerate(SIZES):
            subprocess.run([*cmd, str(src), "-auto-orient", "-colorspace", "sRGB", "-resize", f"{w}x{h}",
                            "-background", "white", "-gravity", "center", "-extent", f"{w}x{h}", "-quality", "90",
                            str(out / f"{k}-{j}.jpg")], check=True)


def peak_rss_mb(report: Path) -> float:
    items = json.loads(report.read_text(encoding="utf-8"))["items"]
    return max((i.get("peak_rss_mb", 0.0) for i in items), default=0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--artpipe-only", action="store_true",
                        help="skip the floor, naive and ImageMagick runs (for memory scaling on many photos)")
    args = parser.parse_args()
    photos = workload(args.count)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        job = load_job(write_job(tmp, photos))
        n = sum(len(t.renders) for t in plan(job, tmp / "x"))
        boxes = {t.product.primary: t.picture_boxes().get("product", ()) for t in plan(job, tmp / "x")
                 if t.product.primary is not None}

        def artpipe(jobs: int) -> Callable[[], object]:
            def run() -> object:  # from a clean output folder, recording for incremental re-runs
                out = tmp / f"out{jobs}"
                shutil.rmtree(out, ignore_errors=True)
                return render_job(job, out, jobs=jobs, cache=out / CACHE_DIR)
            return run

        if args.artpipe_only:
            t_all = best(artpipe(args.jobs), args.repeat)
            rss_all = peak_rss_mb(tmp / f"out{args.jobs}" / "report.json")
            print(f"workload: {len(photos)} photos of 12 MP -> {n} outputs; artpipe --jobs {args.jobs}: "
                  f"{t_all:.2f} s, {t_all / n * 1000:.1f} ms/output; peak RSS of a worker {rss_all:.0f} MB")
            return
        t_one = best(artpipe(1), args.repeat)
        rss_one = peak_rss_mb(tmp / "out1" / "report.json")
        t_all = best(artpipe(args.jobs), args.repeat)
        rss_all = peak_rss_mb(tmp / f"out{args.jobs}" / "report.json")
        again = tmp / f"out{args.jobs}"
        t_again = best(lambda: render_job(job, again, jobs=args.jobs, cache=again / CACHE_DIR), args.repeat)
        # one template changes: only its 3 outputs per photo are rendered again, photos decoded or kept
        t_changed: dict[bool, float] = {}
        for keep in (False, True):
            out = tmp / f"changed{keep}"
            render_job(job, out, jobs=args.jobs, cache=out / CACHE_DIR, keep_photos=keep)
            (tmp / "banner.yaml").write_text("extends: promo-banner\nname: banner\nfields:\n"
                                             "  accent: {type: color, default: \"#1f9d55\"}\n", encoding="utf-8")
            changed = load_job(tmp / "job.yaml")
            started = time.perf_counter()
            render_job(changed, out, jobs=args.jobs, cache=out / CACHE_DIR, keep_photos=keep)
            t_changed[keep] = time.perf_counter() - started
            (tmp / "banner.yaml").write_text("extends: promo-banner\nname: banner\n", encoding="utf-8")
        finals = []
        for path in sorted((tmp / "out1").rglob("*.jpg")):
            with Image.open(path) as im:
                finals.append(im.convert("RGB"))
        t_floor = best(lambda: floor(photos, boxes, finals), args.repeat)
        (tmp / "naive").mkdir()
        t_naive = best(lambda: naive([(p, s) for p in photos for s in SIZES], tmp / "naive"), args.repeat)
        cmd = magick()
        t_magick = None
        if cmd is not None:
            (tmp / "magick").mkdir()
            t_magick = best(lambda: imagemagick(cmd, photos, tmp / "magick"), args.repeat)
    print(f"workload: {len(photos)} photos of 12 MP -> {n} outputs; {args.jobs} jobs, {os.cpu_count()} CPUs seen")
    print(f"{'':26}{'seconds':>9}{'images/s':>10}{'ms/output':>11}")
    rows = [("floor (decode+encode)", t_floor), ("naive Pillow", t_naive)]
    if t_magick is not None:
        rows.append(("ImageMagick", t_magick))
    rows += [("artpipe --jobs 1", t_one), (f"artpipe --jobs {args.jobs}", t_all),
             ("artpipe re-run, no change", t_again), ("one template changed", t_changed[False]),
             ("  ... with --keep-photos", t_changed[True])]
    for name, t in rows:
        print(f"{name:26}{t:9.2f}{len(photos) / t:10.2f}{t / n * 1000:11.1f}")
    print(f"peak RSS of a worker: {rss_one:.0f} MB (--jobs 1: the whole process), {rss_all:.0f} MB "
          f"(--jobs {args.jobs})")
    print(f"artpipe --jobs 1 / floor:        {t_one / t_floor:.2f}x   (target <= 1.5x)")
    print(f"naive / artpipe --jobs 1:        {t_naive / t_one:.2f}x   (target >= 4x)")
    if t_magick is not None:
        print(f"ImageMagick / artpipe --jobs 1:  {t_magick / t_one:.2f}x   (target > 1x)")
    print(f"--jobs {args.jobs} speed-up over --jobs 1:  {t_one / t_all:.2f}x   (target >= 1.8x)")
    print(f"no-change re-run / full run:     {t_again / t_all:.1%}   (target < 5 %)")
    print(f"template change, kept photos:    {t_changed[True] / t_changed[False]:.2f}x the time of decoding again")


if __name__ == "__main__":
    main()
