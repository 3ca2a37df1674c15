"""artpipe against careful hand-written Pillow on the same design, interleaved in one run.

    python benchmarks/reference_job.py [--count 12] [--reps 2] [--workers 1 2]

The design (two templates): an 800x800 white main image with the photo trimmed and fitted "contain" into a
720x640 slot, a logo and a price line; a 1920x600 banner with the photo in a 900x560 slot, a logo and a
headline. Every input (benchmarks/workload.py: 12 MP JPEGs, some EXIF 6, some CMYK, some RGBA PNG cut-outs)
becomes both, as JPEG q85, and with --webp also as WebP q80. Methods, per input, in a fresh random order each
rep so a noisy machine slows them alike:
  floor     decode at the DCT scale careful Pillow chooses + encode the final canvases: nothing else
  careful   hand-written Pillow: draft() to twice the largest fit, orientation and ICC at that size with
            cached transforms, trim box on a small copy, one resize chain (the largest fit first), cached
            logo, font and template bases
  naive     full decode, exif_transpose, ICC and trim at full size, LANCZOS per template from full size
  artpipe   the same templates as artpipe YAML, rendered by artpipe's worker function (JPEG + WebP: one
            job with two formats)
Prints ms per input (median), x floor, artpipe / careful, then throughput with 1 and 2 worker processes, and
the peak RSS of a fresh worker after setting up only and after 20 and 200 products.
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from PIL import Image, ImageChops, ImageCms, ImageDraw, ImageFont, ImageOps

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workload import workload  # noqa: E402

from artpipe.run.jobs import Task, load_job, plan  # noqa: E402
from artpipe.run.tasks import peak_rss_mb, render_product  # noqa: E402
from artpipe.text.fonts import face_path  # noqa: E402

FONT = str(face_path("sans", "regular"))
TEMPLATES = [  # name, canvas, background, slot (x, y, w, h), logo (x, y, w, h), text, px, anchor point, colour
    ("sq", (800, 800), (255, 255, 255), (40, 40, 720, 640), (24, 728, 120, 48), "Acme Trail Runner 2 - $129.99",
     28, (400, 760), "ms", (34, 34, 34)),
    ("bn", (1920, 600), (244, 241, 236), (1000, 20, 900, 560), (60, 60, 240, 96), "Summer Sale - up to 40% off",
     56, (60, 330), "ls", (20, 60, 140)),
]
TRIM_TOLERANCE = 24
SRGB = ImageCms.createProfile("sRGB")


def make_logo(path: Path) -> None:
    logo = Image.new("RGBA", (480, 192), (0, 0, 0, 0))
    draw = ImageDraw.Draw(logo)
    draw.rounded_rectangle((0, 0, 479, 191), radius=40, fill=(20, 60, 140, 255))
    draw.text((240, 96), "ACME", font=ImageFont.truetype(FONT, 110), anchor="mm", fill=(255, 255, 255, 255))
    logo.save(path)


def artpipe_templates(folder: Path) -> list[Path]:
    """The design as artpipe templates (the same boxes, colours and texts)."""
    out = []
    for name, (w, h), bg, (sx, sy, sw, sh), (lx, ly, lw, lh), text, px, (tx, ty), anchor, color in TEMPLATES:
        top = ty - px if anchor == "ms" else ty - round(px * 0.88)
        text_box = f"{{left: 0, right: 0, top: {top}, height: {round(px * 1.3)}}}" if anchor == "ms" else \
            f"{{left: {tx}, width: 900, top: {top}, height: {round(px * 1.3)}}}"
        align = "center" if anchor == "ms" else "left"
        (folder / f"{name}.yaml").write_text(f"""\
name: ref-{name}
sizes: {{main: {w}x{h}}}
fields: {{product: {{type: image, required: true}}}}
background: "#{bg[0]:02x}{bg[1]:02x}{bg[2]:02x}"
layers:
  - {{name: product, type: image, role: product, source: $product, trim: true, fit: contain, cutout: never,
     box: {{left: {sx}, top: {sy}, width: {sw}, height: {sh}}}}}
  - {{name: logo, type: image, role: logo, source: logo.png, fit: contain, box: {{left: {lx}, top: {ly}, width: {lw},
     height: {lh}}}}}
  - {{name: line, type: text, text: "{text}", font: {{size: {px}}},
     color: "#{color[0]:02x}{color[1]:02x}{color[2]:02x}", align: {align}, box: {text_box}}}
""", encoding="utf-8")
        out.append(folder / f"{name}.yaml")
    return out


def artpipe_tasks(folder: Path, photos: list[Path], webp: bool) -> dict[Path, Task]:
    return {t.product.primary: t for t in artpipe_plan(folder, photos, webp) if t.product.primary is not None}


def artpipe_plan(folder: Path, photos: list[Path], webp: bool) -> list[Task]:
    """One task per photo (a photo listed twice is two products)."""
    rows = "".join(f"  - {{sku: p{i:04d}, product: {p}}}\n" for i, p in enumerate(photos))
    formats = "{type: jpeg, quality: 85}" + (", {type: webp, quality: 80}" if webp else "")
    job = folder / f"job-{int(webp)}-{os.getpid()}.yaml"  # worker processes plan their own share
    job.write_text(
        f"templates: [sq.yaml, bn.yaml]\ncutout: never\noutput: '{{sku}}-{{template}}.jpg'\n"
        f"format: [{formats}]\nproducts:\n{rows}", encoding="utf-8")
    return plan(load_job(job), folder / "out" / "artpipe")


# Worker processes start fresh (spawned, not forked from this process): their peak RSS is their own.
FRESH = multiprocessing.get_context("spawn")


# careful Pillow ----------------------------------------------------------------------------------------------------

_TRANSFORMS: dict[tuple[bytes, str], ImageCms.ImageCmsTransform] = {}
_BASES: dict[str, Image.Image] = {}


def _fit(w: int, h: int, box_w: int, box_h: int) -> tuple[int, int]:
    s = min(box_w / w, box_h / h)
    return max(1, round(w * s)), max(1, round(h * s))


def _to_srgb(im: Image.Image) -> Image.Image:
    icc = im.info.get("icc_profile")
    if im.mode == "CMYK" or icc:
        key = (icc or b"", im.mode)
        if key not in _TRANSFORMS:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc)) if icc else ImageCms.createProfile("sRGB")
            if im.mode == "CMYK" and not icc:
                return im.convert("RGB")
            out_mode = "RGBA" if im.mode == "RGBA" else "RGB"
            _TRANSFORMS[key] = ImageCms.buildTransform(source, SRGB, im.mode, out_mode)
        return ImageCms.applyTransform(im, _TRANSFORMS[key])
    return im.convert("RGBA" if "A" in im.getbands() else "RGB")


def _trim_box(im: Image.Image) -> tuple[int, int, int, int]:
    small = im.reduce(4) if min(im.size) > 400 else im
    k = im.width / small.width
    if small.mode == "RGBA":
        box = small.getchannel("A").point(lambda a: 255 if a > 10 else 0).getbbox()
    else:
        corner = small.getpixel((0, 0))
        diff = ImageChops.difference(small, Image.new("RGB", small.size, corner)).convert("L")
        box = diff.point(lambda v: 255 if v > TRIM_TOLERANCE else 0).getbbox()
    if box is None:
        return 0, 0, im.width, im.height
    return (max(0, int(box[0] * k)), max(0, int(box[1] * k)), min(im.width, int(box[2] * k + k)),
            min(im.height, int(box[3] * k + k)))


def _base(name: str, logo: Path) -> Image.Image:
    if name not in _BASES:
        _, size, bg, _, (lx, ly, lw, lh), text, px, xy, anchor, color = next(t for t in TEMPLATES if t[0] == name)
        base = Image.new("RGB", size, bg)
        with Image.open(logo) as opened:
            mark = opened.convert("RGBA")
        mark = mark.resize(_fit(mark.width, mark.height, lw, lh), Image.Resampling.LANCZOS)
        base.paste(mark, (lx, ly), mark)
        ImageDraw.Draw(base).text(xy, text, font=ImageFont.truetype(FONT, px), anchor=anchor, fill=color)
        _BASES[name] = base
    return _BASES[name]


def careful(path: Path, out: Path, logo: Path, webp: bool, decode_only: bool = False) -> None:
    with Image.open(path) as im:
        orientation = im.getexif().get(0x0112, 1)
        w, h = im.size
        if im.format == "JPEG":
            # the largest fit of the whole frame bounds every fit of a part of it: draft to twice that
            dw, dh = (h, w) if orientation in (5, 6, 7, 8) else (w, h)
            need = max(max(_fit(dw, dh, t[3][2], t[3][3])) for t in TEMPLATES) * 2
            k = need / max(w, h)
            if k < 1:
                im.draft(im.mode, (int(w * k) + 1, int(h * k) + 1))
        im.load()
        if decode_only:
            return
        im = ImageOps.exif_transpose(im)
        im = _to_srgb(im)
    product = im.crop(_trim_box(im))
    fits = sorted(((t, _fit(product.width, product.height, t[3][2], t[3][3])) for t in TEMPLATES),
                  key=lambda pair: -pair[1][0])
    source = product
    for template, (fw, fh) in fits:  # one resize chain: the largest first, the smaller from it
        source = source.resize((fw, fh), Image.Resampling.LANCZOS, reducing_gap=2.0)
        canvas = _base(template[0], logo).copy()
        x, y, sw, sh = template[3]
        position = (x + (sw - fw) // 2, y + (sh - fh) // 2)
        canvas.paste(source, position, source if source.mode == "RGBA" else None)
        canvas.save(out / f"{path.stem}-{template[0]}.jpg", quality=85)
        if webp:
            canvas.save(out / f"{path.stem}-{template[0]}.webp", quality=80)


def naive(path: Path, out: Path, logo: Path, webp: bool) -> None:
    for template in TEMPLATES:
        with Image.open(path) as opened:
            im = ImageOps.exif_transpose(opened)
            im = _to_srgb(im)
        box = _trim_box(im)
        product = im.crop(box)
        fw, fh = _fit(product.width, product.height, template[3][2], template[3][3])
        product = product.resize((fw, fh), Image.Resampling.LANCZOS)
        canvas = Image.new("RGB", template[1], template[2])
        with Image.open(logo) as opened:
            mark = opened.convert("RGBA")
        lx, ly, lw, lh = template[4]
        mark = mark.resize(_fit(mark.width, mark.height, lw, lh), Image.Resampling.LANCZOS)
        canvas.paste(mark, (lx, ly), mark)
        ImageDraw.Draw(canvas).text(template[7], template[5], font=ImageFont.truetype(FONT, template[6]),
                                    anchor=template[8], fill=template[9])
        x, y, sw, sh = template[3]
        canvas.paste(product, (x + (sw - fw) // 2, y + (sh - fh) // 2), product if product.mode == "RGBA" else None)
        canvas.save(out / f"{path.stem}-{template[0]}.jpg", quality=85)
        if webp:
            canvas.save(out / f"{path.stem}-{template[0]}.webp", quality=80)


def floor(path: Path, finals: list[Image.Image], webp: bool) -> None:
    careful(path, Path(), Path(), webp, decode_only=True)
    for im in finals:
        im.save(io.BytesIO(), "JPEG", quality=85)
        if webp:
            im.save(io.BytesIO(), "WEBP", quality=80)


# the run -----------------------------------------------------------------------------------------------------------

def methods(folder: Path, photos: list[Path], webp: bool, floors: bool = True) -> dict[str, Callable[[Path], None]]:
    logo = folder / "logo.png"
    outs = {name: folder / "out" / name for name in ("careful", "naive")}
    for o in outs.values():
        o.mkdir(parents=True, exist_ok=True)
    tasks = artpipe_tasks(folder, photos, webp)
    finals: dict[Path, list[Image.Image]] = {}
    for p in photos if floors else ():  # the floor encodes careful Pillow's final canvases
        careful(p, outs["careful"], logo, False)
        finals[p] = [Image.open(outs["careful"] / f"{p.stem}-{t[0]}.jpg").convert("RGB") for t in TEMPLATES]

    def run_artpipe(p: Path) -> None:
        render_product(tasks[p])  # every output rendered once, encoded in each format

    return {"floor": lambda p: floor(p, finals[p], webp), "careful": lambda p: careful(p, outs["careful"], logo, webp),
            "naive": lambda p: naive(p, outs["naive"], logo, webp), "artpipe": run_artpipe}


def interleaved(folder: Path, photos: list[Path], webp: bool, reps: int) -> dict[str, float]:
    runs = methods(folder, photos, webp)
    for fn in runs.values():  # warm-up: imports, fonts, transforms, the photo's first read from disk
        fn(photos[0])
    times: dict[str, list[float]] = {name: [] for name in runs}
    rng = random.Random(0)
    for _ in range(reps):
        for p in photos:
            order = list(runs)
            rng.shuffle(order)
            for name in order:
                started = time.perf_counter()
                runs[name](p)
                times[name].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(v) for name, v in times.items()}


def _worker(args: tuple[str, str, list[str], bool]) -> tuple[float, float, float]:
    """(started, finished, peak RSS in MiB) of one worker's share, its set-up done first."""
    name, folder, photos, webp = args
    runs = methods(Path(folder), [Path(p) for p in photos], webp, floors=False)
    runs[name](Path(photos[0]))  # warm-up, as the interleaved run does
    started = time.time()
    for p in photos:
        runs[name](Path(p))
    return started, time.time(), peak_rss_mb()


def throughput(folder: Path, photos: list[Path], webp: bool, workers: int, name: str) -> tuple[float, float]:
    """(ms per input, peak RSS of a worker in MiB) with ``workers`` processes over the photos: from the first
    worker's start to the last one's end, once every worker has set up (process start-up is not per image)."""
    chunks = [[str(p) for p in photos[i::workers]] for i in range(workers)]
    with ProcessPoolExecutor(max_workers=workers, mp_context=FRESH) as pool:
        spans = list(pool.map(_worker, [(name, str(folder), c, webp) for c in chunks]))
    busy = max(end for _, end, _ in spans) - min(start for start, _, _ in spans)
    return busy * 1000 / len(photos), max(rss for _, _, rss in spans)


def _rss_worker(args: tuple[str, str, list[str], int]) -> float:
    """Peak RSS (MiB) of a fresh worker rendering ``count`` products, the photos taken in turn."""
    name, folder, photos, count = args
    cycle = [Path(photos[i % len(photos)]) for i in range(count)]
    if name == "artpipe" and cycle:
        for task in artpipe_plan(Path(folder), cycle, False):
            render_product(task)
    else:
        out = Path(folder) / "out" / "careful"
        out.mkdir(parents=True, exist_ok=True)
        for p in cycle:
            careful(p, out, Path(folder) / "logo.png", False)
    return peak_rss_mb()


def peak_rss(folder: Path, photos: list[Path], name: str, count: int) -> float:
    with ProcessPoolExecutor(max_workers=1, mp_context=FRESH) as pool:
        return pool.submit(_rss_worker, (name, str(folder), [str(p) for p in photos], count)).result()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=12)
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--throughput-count", type=int, default=24,
                        help="inputs per throughput measure (the photos taken in turn)")
    parser.add_argument("--rss", type=int, nargs="*", default=[0, 20, 200],
                        help="products a fresh worker renders for each peak RSS measure (0: set up only)")
    args = parser.parse_args()
    photos = workload(args.count)
    with tempfile.TemporaryDirectory() as tmp_name:
        folder = Path(tmp_name)
        make_logo(folder / "logo.png")
        artpipe_templates(folder)
        print(f"{len(photos)} inputs of 12 MP (EXIF 6, CMYK, RGBA PNG among them), 2 outputs each")
        print(f"{'ms per input (median)':<24}{'JPEG q85':>10}{'x floor':>9}{'+ WebP q80':>12}{'x floor':>9}")
        rows = {webp: interleaved(folder, photos, webp, args.reps) for webp in (False, True)}
        for name in ("floor", "careful", "naive", "artpipe"):
            j, w = rows[False][name], rows[True][name]
            print(f"{name:<24}{j:>10.0f}{j / rows[False]['floor']:>9.2f}{w:>12.0f}{w / rows[True]['floor']:>9.2f}")
        for webp in (False, True):
            ratio = rows[webp]["artpipe"] / rows[webp]["careful"]
            print(f"artpipe / careful Pillow, {'JPEG + WebP' if webp else 'JPEG'}: {ratio:.2f}")
        inputs = [photos[i % len(photos)] for i in range(args.throughput_count)]
        speed: dict[tuple[str, int], float] = {}
        for workers in args.workers:  # each worker sets up its own caches, as a batch's workers do
            for name in ("careful", "artpipe"):
                ms, rss = throughput(folder, inputs, False, workers, name)
                speed[name, workers] = ms
                print(f"{workers} worker(s), {name}: {ms:.0f} ms per input (JPEG, {len(inputs)} inputs), "
                      f"peak RSS of a worker {rss:.0f} MiB")
        if len(args.workers) > 1:
            low, high = min(args.workers), max(args.workers)
            for name in ("careful", "artpipe"):
                print(f"{name}: {high} workers are x{speed[name, low] / speed[name, high]:.2f} of {low}")
        for name in ("careful", "artpipe"):
            sizes = ", ".join(f"{count} products {peak_rss(folder, photos, name, count):.0f} MiB" for count in args.rss)
            print(f"peak RSS of a fresh worker, {name}: {sizes}")


if __name__ == "__main__":
    main()
