"""Generate the sample merchant photos in samples/photos/ (deterministic; run from anywhere).

    python samples/make_samples.py

Each photo is drawn with Pillow (shapes, gradients, highlights, sensor noise) so it looks like a product
shot, and carries one problem real merchants send:

    mug-sideways.jpg       upright mug stored rotated, with EXIF orientation 6 (a phone held sideways)
    sneaker-cmyk.jpg       a CMYK JPEG without a profile (a print-shop export)
    bottle-grey.jpg        a bottle on a grey backdrop with a soft floor shadow
    bag-cutout.png         an RGBA cut-out with soft alpha edges
    watch-small.jpg        a 360 x 360 thumbnail (too small for large outputs)
    headphones-palette.png a palette PNG whose transparent index is magenta (must never show)
    logo-maison.png        a merchant's logo: a wordmark on transparency
"""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

OUT = Path(__file__).resolve().parent / "photos"
SS = 2  # draw at twice the size, then downsample: smooth edges


def vertical_gradient(w: int, h: int, top: tuple[int, int, int], bottom: tuple[int, int, int]) -> Image.Image:
    ramp = Image.linear_gradient("L").resize((w, h))
    return Image.composite(Image.new("RGB", (w, h), bottom), Image.new("RGB", (w, h), top), ramp)


def horizontal_shade(w: int, h: int, base: tuple[int, int, int], light: float = 0.35,
                     dark: float = 0.45) -> Image.Image:
    """A cylinder-like shading: dark edges, a highlight left of centre."""
    row = Image.new("RGB", (w, 1))
    px = []
    for x in range(w):
        t = x / max(1, w - 1)
        # highlight near t=0.3, darker towards both edges
        k = 1 + light * max(0.0, 1 - abs(t - 0.3) / 0.18) - dark * (abs(t - 0.5) * 2) ** 2
        px.append(tuple(max(0, min(255, int(c * k))) for c in base))
    row.putdata(px)
    return row.resize((w, h))


def noise(im: Image.Image, sigma: float, seed: int) -> Image.Image:
    """Add deterministic grain (a tiled Gaussian noise patch), as a camera sensor would."""
    rng = random.Random(seed)
    tile = Image.new("L", (97, 89))
    tile.putdata([max(0, min(255, round(128 + rng.gauss(0, sigma)))) for _ in range(97 * 89)])
    grain = Image.new("L", im.size)
    for y in range(0, im.height, tile.height):
        for x in range(0, im.width, tile.width):
            grain.paste(tile, (x, y))
    return ImageChops.add(im, Image.merge("RGB", (grain, grain, grain)), scale=1.0, offset=-128)


def backdrop(w: int, h: int, color: tuple[int, int, int], floor: tuple[int, int, int]) -> Image.Image:
    return vertical_gradient(w, h, color, floor)


def shadow(size: tuple[int, int], box: tuple[int, int, int, int], blur: int, strength: int) -> Image.Image:
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).ellipse(box, fill=strength)
    return mask.filter(ImageFilter.GaussianBlur(blur))


def rounded_body(size: tuple[int, int], color: tuple[int, int, int], radius: int) -> tuple[Image.Image, Image.Image]:
    """A shaded cylinder-like body and its rounded-rectangle mask."""
    body = horizontal_shade(size[0], size[1], color)
    mask = Image.new("L", body.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, body.width - 1, body.height - 1), radius=radius, fill=255)
    return body, mask


def mug() -> Image.Image:
    w, h = 1400 * SS, 1100 * SS
    im = backdrop(w, h, (238, 236, 232), (214, 211, 205))
    im.paste((120, 110, 100), (0, 0), shadow((w, h), (420 * SS, 900 * SS, 1050 * SS, 990 * SS), 30 * SS, 120))
    body, mask = rounded_body((460 * SS, 560 * SS), (38, 92, 168), 40 * SS)
    im.paste(body, (470 * SS, 380 * SS), mask)
    d = ImageDraw.Draw(im)
    d.arc((860 * SS, 470 * SS, 1090 * SS, 800 * SS), -80, 80, fill=(30, 74, 140), width=46 * SS)
    d.ellipse((470 * SS, 350 * SS, 930 * SS, 420 * SS), fill=(24, 60, 118))
    d.ellipse((490 * SS, 360 * SS, 910 * SS, 410 * SS), fill=(70, 44, 30))
    d.rectangle((560 * SS, 560 * SS, 840 * SS, 700 * SS), fill=(240, 240, 236))
    d.text((590 * SS, 600 * SS), "COFFEE", fill=(38, 92, 168), font_size=56 * SS)
    return noise(im.resize((w // SS, h // SS), Image.Resampling.LANCZOS), 3, 1)


def sneaker() -> Image.Image:
    w, h = 1600 * SS, 1200 * SS
    im = backdrop(w, h, (246, 246, 246), (226, 226, 228))
    im.paste((110, 110, 115), (0, 0), shadow((w, h), (300 * SS, 820 * SS, 1350 * SS, 930 * SS), 28 * SS, 140))
    d = ImageDraw.Draw(im)
    d.polygon([(330 * SS, 820 * SS), (360 * SS, 560 * SS), (640 * SS, 470 * SS), (860 * SS, 600 * SS),
               (1180 * SS, 660 * SS), (1330 * SS, 760 * SS), (1320 * SS, 850 * SS), (340 * SS, 860 * SS)],
              fill=(226, 62, 52))
    d.rounded_rectangle((320 * SS, 820 * SS, 1340 * SS, 900 * SS), radius=30 * SS, fill=(250, 250, 250))
    d.line((330 * SS, 870 * SS, 1330 * SS, 870 * SS), fill=(210, 210, 210), width=6 * SS)
    for i in range(5):
        x = 640 * SS + i * 60 * SS
        d.line((x, 520 * SS + i * 14 * SS, x + 70 * SS, 560 * SS + i * 14 * SS), fill=(255, 255, 255), width=12 * SS)
    d.polygon([(700 * SS, 700 * SS), (1150 * SS, 700 * SS), (980 * SS, 760 * SS)], fill=(255, 255, 255))
    return noise(im.resize((w // SS, h // SS), Image.Resampling.LANCZOS), 3, 2)


def bottle() -> Image.Image:
    w, h = 1100 * SS, 1400 * SS
    im = backdrop(w, h, (168, 170, 172), (140, 142, 145))
    im.paste((70, 70, 72), (0, 0), shadow((w, h), (330 * SS, 1190 * SS, 800 * SS, 1290 * SS), 26 * SS, 150))
    body, mask = rounded_body((340 * SS, 760 * SS), (46, 139, 87), 70 * SS)
    im.paste(body, (380 * SS, 480 * SS), mask)
    neck = horizontal_shade(120 * SS, 200 * SS, (46, 139, 87))
    im.paste(neck, (490 * SS, 300 * SS))
    d = ImageDraw.Draw(im)
    d.rounded_rectangle((480 * SS, 230 * SS, 620 * SS, 310 * SS), radius=14 * SS, fill=(230, 190, 60))
    d.rectangle((380 * SS, 740 * SS, 720 * SS, 980 * SS), fill=(248, 244, 230))
    d.text((420 * SS, 810 * SS), "GREEN", fill=(46, 100, 60), font_size=70 * SS)
    d.text((430 * SS, 900 * SS), "tea 500 ml", fill=(90, 90, 80), font_size=36 * SS)
    return noise(im.resize((w // SS, h // SS), Image.Resampling.LANCZOS), 4, 3)


def bag() -> Image.Image:
    w, h = 1200 * SS, 1200 * SS
    im = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    body = horizontal_shade(760 * SS, 620 * SS, (176, 112, 62), light=0.2, dark=0.3).convert("RGBA")
    mask = Image.new("L", body.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, body.width - 1, body.height - 1), radius=60 * SS, fill=255)
    im.paste(body, (220 * SS, 420 * SS), mask)
    d = ImageDraw.Draw(im)
    d.arc((400 * SS, 160 * SS, 800 * SS, 640 * SS), 180, 360, fill=(120, 72, 38, 255), width=40 * SS)
    d.rectangle((540 * SS, 560 * SS, 660 * SS, 640 * SS), fill=(214, 180, 90, 255))
    d.line((220 * SS, 700 * SS, 980 * SS, 700 * SS), fill=(150, 92, 50, 255), width=8 * SS)
    small = im.resize((w // SS, h // SS), Image.Resampling.LANCZOS)
    # Soft (feathered) alpha edge, as real cut-out tools produce.
    alpha = small.getchannel("A").filter(ImageFilter.GaussianBlur(1.5))
    small.putalpha(alpha)
    return small


def watch() -> Image.Image:
    w = h = 360 * SS
    im = backdrop(w, h, (250, 250, 250), (236, 236, 238))
    d = ImageDraw.Draw(im)
    d.rounded_rectangle((150 * SS, 20 * SS, 210 * SS, 340 * SS), radius=20 * SS, fill=(40, 40, 44))
    d.ellipse((80 * SS, 80 * SS, 280 * SS, 280 * SS), fill=(190, 190, 196))
    d.ellipse((95 * SS, 95 * SS, 265 * SS, 265 * SS), fill=(18, 28, 48))
    d.line((180 * SS, 180 * SS, 180 * SS, 120 * SS), fill=(240, 240, 240), width=6 * SS)
    d.line((180 * SS, 180 * SS, 225 * SS, 200 * SS), fill=(240, 240, 240), width=5 * SS)
    return noise(im.resize((w // SS, h // SS), Image.Resampling.LANCZOS), 2, 4)


def headphones() -> Image.Image:
    w, h = 900, 900
    im = Image.new("RGBA", (w * SS, h * SS), (255, 0, 255, 0))
    d = ImageDraw.Draw(im)
    d.arc((170 * SS, 120 * SS, 730 * SS, 700 * SS), 180, 360, fill=(30, 30, 34, 255), width=46 * SS)
    for x in (140, 600):
        d.rounded_rectangle((x * SS, 380 * SS, (x + 160) * SS, 640 * SS), radius=50 * SS, fill=(30, 30, 34, 255))
        d.rounded_rectangle(((x + 30) * SS, 420 * SS, (x + 130) * SS, 600 * SS), radius=30 * SS,
                            fill=(244, 196, 48, 255))
    small = im.resize((w, h), Image.Resampling.NEAREST)
    # Palette with index 0 = magenta marked transparent: its colour must never reach an output.
    rgb = Image.new("RGB", small.size, (255, 0, 255))
    rgb.paste(small, (0, 0), small.getchannel("A").point(lambda a: 255 if a > 127 else 0))
    pal = rgb.quantize(colors=16, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    palette = pal.getpalette() or []
    magenta = next(i for i in range(16) if tuple(palette[3 * i:3 * i + 3]) == (255, 0, 255))
    pal.info["transparency"] = magenta
    return pal


def logo() -> Image.Image:
    w, h = 520 * SS, 140 * SS
    im = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    d.ellipse((6 * SS, 10 * SS, 126 * SS, 130 * SS), fill=(33, 37, 41, 255))
    d.polygon([(40 * SS, 100 * SS), (66 * SS, 36 * SS), (92 * SS, 100 * SS)], fill=(255, 196, 0, 255))
    d.text((146 * SS, 22 * SS), "MAISON", fill=(33, 37, 41, 255), font_size=86 * SS)
    return im.resize((w // SS, h // SS), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    random.seed(7)
    m = mug()
    exif = Image.Exif()
    exif[0x0112] = 6  # stored rotated 90 degrees counter-clockwise; viewers rotate it back
    m.transpose(Image.Transpose.ROTATE_90).save(OUT / "mug-sideways.jpg", quality=86, exif=exif.tobytes())
    sneaker().convert("CMYK").save(OUT / "sneaker-cmyk.jpg", quality=86)
    bottle().save(OUT / "bottle-grey.jpg", quality=86)
    bag().save(OUT / "bag-cutout.png", optimize=True)
    watch().save(OUT / "watch-small.jpg", quality=88)
    hp = headphones()
    hp.save(OUT / "headphones-palette.png", transparency=hp.info["transparency"], optimize=True)
    logo().save(OUT.parent / "logo-maison.png", optimize=True)
    for path in [*sorted(OUT.iterdir()), OUT.parent / "logo-maison.png"]:
        print(f"{path.name:28} {path.stat().st_size // 1024:5d} KB")


if __name__ == "__main__":
    main()
