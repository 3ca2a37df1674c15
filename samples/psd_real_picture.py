"""Draw the docs' picture of PSD files saved by real tools imported (docs/images/psd-real.png): for each, the
file's composite as Photoshop's rules draw it (psd-tools), and below it the imported template rendered by artpipe
with the file's own values. The files are tests/fixtures/psd/real/ (sources and licences in its SOURCES.md).

    python samples/psd_real_picture.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw
from psd_tools import PSDImage

from artpipe.api import import_psd, preview_template
from artpipe.text.fonts import get_font

HERE = Path(__file__).resolve().parent
REAL = HERE.parent / "tests" / "fixtures" / "psd" / "real"
PICTURE = HERE.parent / "docs" / "images" / "psd-real.png"
# (file, the part shown in document pixels, its width in the picture)
SHOWN = (("deepin-music-main-zh_CN.psd", (0, 0, 1072, 682), 640),
         ("opentip-explanations.psd", (60, 50, 340, 240), 300),
         ("castle-parallax-mountain.psd", (0, 0, 272, 160), 300))
LABEL = 30  # px above each column for its name
GAP = 12


def on_white(im: Image.Image) -> Image.Image:
    """A picture as it shows on a white page."""
    white = Image.new("RGBA", im.size, (255, 255, 255, 255))
    return Image.alpha_composite(white, im.convert("RGBA")).convert("RGB")


def pair(name: str, crop: tuple[int, int, int, int], width: int, work: Path) -> Image.Image:
    """The file's composite above its imported template's render, both cut to ``crop`` and scaled to ``width``."""
    path = REAL / name
    done = import_psd(path, work / path.stem)
    (_, rendered), = preview_template(done.folder)
    composite = on_white(PSDImage.open(path).composite(force=True))
    height = round((crop[3] - crop[1]) * width / (crop[2] - crop[0]))
    scale = Image.Resampling.LANCZOS if width < crop[2] - crop[0] else Image.Resampling.NEAREST
    top = composite.crop(crop).resize((width, height), scale)
    bottom = on_white(rendered).crop(crop).resize((width, height), scale)
    out = Image.new("RGB", (width, LABEL + 2 * height + GAP), (255, 255, 255))
    ImageDraw.Draw(out).text((0, 6), name, font=get_font("sans", "regular", 15), fill=(60, 60, 64))
    out.paste(top, (0, LABEL))
    out.paste(bottom, (0, LABEL + height + GAP))
    return out


def picture() -> Image.Image:
    """Every file's pair side by side: composites in the top row, renders in the bottom row."""
    with tempfile.TemporaryDirectory() as tmp:
        columns = [pair(name, crop, width, Path(tmp)) for name, crop, width in SHOWN]
    height = max(c.height for c in columns)
    out = Image.new("RGB", (sum(c.width for c in columns) + GAP * (len(columns) + 1), height + GAP),
                    (255, 255, 255))
    x = GAP
    for column in columns:
        out.paste(column, (x, 0))
        x += column.width + GAP
    return out


if __name__ == "__main__":
    picture().save(PICTURE, optimize=True)
    sys.stdout.write(f"wrote {PICTURE}\n")
