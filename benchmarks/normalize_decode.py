"""Decode cost of normalizing 12-megapixel camera JPEGs to a 2000 px asset, against a naive baseline.

    python benchmarks/normalize_decode.py [--count 6] [--repeat 3]

Both sides read the same files in the same run (best of --repeat), so the ratio holds on a noisy machine:
  naive    Image.open, full decode, exif_transpose, LANCZOS resize to 2000 px
  artpipe  safe open with DCT-scaled decoding (draft), the normalize pipeline (orientation, colour,
           analysis, quality checks), then limit_size to 2000 px
The photos are generated: 4032 x 3024 (a phone camera), textured like a product shot, EXIF 6 on half.
"""

from __future__ import annotations

import argparse
import random
import tempfile
from pathlib import Path

from baselines import best
from PIL import Image, ImageDraw, ImageFilter, ImageOps

from artpipe.defaults import settings
from artpipe.imaging.normalize import NormalizeOptions, normalize
from artpipe.imaging.open import open_image

SIDE = 2000


def camera_photo(path: Path, seed: int) -> None:
    rng = random.Random(seed)
    w, h = 4032, 3024
    im = Image.linear_gradient("L").resize((w, h)).convert("RGB")
    im = Image.blend(im, Image.new("RGB", (w, h), (230, 228, 224)), 0.8)
    d = ImageDraw.Draw(im)
    for _ in range(40):
        x, y = rng.randrange(w), rng.randrange(h)
        d.ellipse((x, y, x + rng.randrange(80, 600), y + rng.randrange(80, 600)),
                  fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    grain = Image.effect_noise((w // 4, h // 4), 30).resize((w, h)).convert("RGB")
    im = Image.blend(im, grain, 0.08).filter(ImageFilter.SMOOTH)
    exif = Image.Exif()
    if seed % 2:
        exif[0x0112] = 6
    im.save(path, quality=92, exif=exif.tobytes())


def naive(paths: list[Path]) -> None:
    for path in paths:
        with Image.open(path) as im:
            im = ImageOps.exif_transpose(im)
            im.thumbnail((SIDE, SIDE), Image.Resampling.LANCZOS, reducing_gap=None)


def artpipe(paths: list[Path]) -> None:
    options = NormalizeOptions(max_size=SIDE)
    for path in paths:
        asset = normalize(open_image(path, draft_side=SIDE), options, rules=settings())
        assert max(asset.image.size) == SIDE


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = [Path(tmp) / f"cam{i}.jpg" for i in range(args.count)]
        for i, path in enumerate(paths):
            camera_photo(path, i)
        t_naive = best(lambda: naive(paths), args.repeat)
        t_art = best(lambda: artpipe(paths), args.repeat)
    n = len(paths)
    print(f"{n} JPEGs of 4032x3024 -> {SIDE} px assets")
    print(f"naive (full decode + LANCZOS):        {t_naive / n * 1000:7.1f} ms/image")
    print(f"artpipe (draft + normalize pipeline): {t_art / n * 1000:7.1f} ms/image")
    print(f"naive / artpipe: {t_naive / t_art:.2f}x")


if __name__ == "__main__":
    main()
