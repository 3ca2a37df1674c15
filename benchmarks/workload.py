"""The standard render workload: N product photos as a phone camera takes them (4032 x 3024 JPEG, 12 MP).

    python benchmarks/workload.py --count 20 [--out benchmarks/.workload]

Every 5th photo is stored sideways with EXIF orientation 6, every 10th (from the 4th) is CMYK, every 10th
(from the 8th) an RGBA PNG cut-out. Photos are deterministic per index and written once: a folder that has
them already is reused.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

W, H = 4032, 3024
DEFAULT_FOLDER = Path(__file__).resolve().parent / ".workload"


def _kind(i: int) -> str:
    if i % 10 == 3:
        return "cmyk"
    if i % 10 == 7:
        return "cutout"
    return "sideways" if i % 5 == 1 else "plain"


def name(i: int) -> str:
    """The file name of photo ``i``."""
    return f"p{i:04d}.{'png' if _kind(i) == 'cutout' else 'jpg'}"


def photo(i: int) -> Image.Image:
    """Photo ``i``: a product (a rounded body, a lid, a label) on a light sweep with a floor shadow and grain."""
    rng = random.Random(i)
    base = (rng.randrange(225, 245),) * 3
    im = Image.linear_gradient("L").resize((W, H)).point(lambda v: base[0] - v * 18 // 255).convert("RGB")
    pw, ph = rng.randrange(1100, 1700), rng.randrange(1500, 2100)
    x, y = (W - pw) // 2 + rng.randrange(-300, 300), (H - ph) // 2 + rng.randrange(-120, 120)
    shadow = Image.new("L", (W, H), 0)
    ImageDraw.Draw(shadow).ellipse((x - 60, y + ph - 60, x + pw + 60, y + ph + 90), fill=120)
    im.paste((90, 86, 80), (0, 0), shadow.filter(ImageFilter.GaussianBlur(40)))
    color = (rng.randrange(20, 200), rng.randrange(20, 200), rng.randrange(20, 200))
    mask = Image.new("L", (W, H), 0)
    d = ImageDraw.Draw(mask)
    d.rounded_rectangle((x, y, x + pw, y + ph), radius=pw // 8, fill=255)
    d.rectangle((x + pw // 4, y - 160, x + 3 * pw // 4, y + 10), fill=255)
    body = Image.linear_gradient("L").rotate(90).resize((W, H)).convert("RGB")
    body = Image.blend(Image.new("RGB", (W, H), color), body, 0.25)
    im.paste(body, (0, 0), mask)
    label = ImageDraw.Draw(im)
    label.rectangle((x + pw // 6, y + ph // 3, x + 5 * pw // 6, y + ph // 2), fill=(244, 242, 236))
    label.text((x + pw // 5, y + ph // 3 + 60), f"No. {i}", fill=color, font_size=140)
    grain = Image.effect_noise((W // 2, H // 2), 24).resize((W, H)).convert("RGB")
    im = Image.blend(im, grain, 0.05)
    if _kind(i) == "cutout":
        cut = im.convert("RGBA")
        cut.putalpha(mask.filter(ImageFilter.GaussianBlur(2)))
        return cut
    return im


def write(i: int, folder: Path) -> Path:
    path = folder / name(i)
    if path.is_file():
        return path
    im = photo(i)
    tmp = path.with_name(f".{path.name}.tmp")
    kind = _kind(i)
    if kind == "cutout":
        im.save(tmp, "PNG", compress_level=3)
    elif kind == "cmyk":
        im.convert("CMYK").save(tmp, "JPEG", quality=90)
    elif kind == "sideways":
        exif = Image.Exif()
        exif[0x0112] = 6  # stored rotated; viewers turn it upright
        im.transpose(Image.Transpose.ROTATE_90).save(tmp, "JPEG", quality=90, exif=exif.tobytes())
    else:
        im.save(tmp, "JPEG", quality=90)
    tmp.replace(path)
    return path


def workload(count: int, folder: Path = DEFAULT_FOLDER) -> list[Path]:
    """The first ``count`` photos of the workload, generated where missing."""
    folder.mkdir(parents=True, exist_ok=True)
    return [write(i, folder) for i in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--out", type=Path, default=DEFAULT_FOLDER)
    args = parser.parse_args()
    paths = workload(args.count, args.out)
    print(f"{len(paths)} photos in {args.out} ({sum(p.stat().st_size for p in paths) // 2**20} MB)")


if __name__ == "__main__":
    main()
