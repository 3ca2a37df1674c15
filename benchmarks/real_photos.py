"""Evaluate main images on a folder of real product photos: what artpipe isolates, renders and calls PASS.

    python benchmarks/real_photos.py [FOLDER] [-o OUT] [-p amazon.main -p tmall.white_bg -p jd]

FOLDER defaults to ../shared/photos/real (skipped with a message when absent). Writes into OUT (a temporary
folder by default, printed at the end):
  contact-NN.png  one row per photo: source | product mask (how it was isolated) | each preset's main image,
                  framed green for PASS and red for FAIL with the failing rules written under it
  table.md        the same as a table: how the product was isolated, per-preset verdict and failing rules, and
                  the time per photo
  outline/NAME--PRESET.png  for every PASS, the output at full resolution cut into tiles along the product's
                  outline (where backdrop remnants, fringes, erased parts and shadows show), two tiles a row
Every result is meant to be looked at: a PASS must be a whole product on pure white. Judge PASSes on the outline
sheets, not the thumbnails: a 250 px thumbnail hides a grey slab, a coloured fringe or an erased leg.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

from artpipe.api import ProductResult, Status, main_images
from artpipe.defaults import settings
from artpipe.imaging.normalize import NormalizeOptions, normalize
from artpipe.imaging.open import open_image

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "photos" / "real"
THUMB = 220
ROWS_PER_SHEET = 8
TILE = 700  # outline sheets: full-resolution tiles this large


def _mask_view(path: Path) -> tuple[Image.Image, str]:
    """The product as artpipe isolates it (checkerboard where it is cut away) and how it was isolated."""
    asset = normalize(open_image(path), NormalizeOptions(cutout="auto"), rules=settings())
    picture = asset.cutout()
    how = asset.isolation + "".join(f" {w}" for w in asset.warnings if str(w) in ("no_subject", "scene_photo"))
    board = Image.new("RGBA", picture.size, (255, 255, 255, 255))
    cell = max(4, max(picture.size) // 24)
    draw = ImageDraw.Draw(board)
    for y in range(0, picture.height, cell):
        for x in range((y // cell) % 2 * cell, picture.width, 2 * cell):
            draw.rectangle((x, y, x + cell - 1, y + cell - 1), fill=(204, 204, 204, 255))
    if picture.mode == "RGBA":
        board.alpha_composite(picture)
    else:
        board = picture.convert("RGBA")
    return board.convert("RGB"), how


def _thumb(im: Image.Image) -> Image.Image:
    out = im.convert("RGB")
    out.thumbnail((THUMB, THUMB))
    return out


def _sheets(rows: list[dict[str, object]], presets: list[str], out: Path) -> list[Path]:
    cols = 2 + len(presets)
    written = []
    for start in range(0, len(rows), ROWS_PER_SHEET):
        chunk = rows[start:start + ROWS_PER_SHEET]
        sheet = Image.new("RGB", (cols * (THUMB + 8), len(chunk) * (THUMB + 40)), (70, 70, 70))
        draw = ImageDraw.Draw(sheet)
        for r, row in enumerate(chunk):
            y = r * (THUMB + 40)
            cells: list[tuple[Image.Image, str, tuple[int, int, int]]] = [
                (row["source_im"], str(row["name"])[:34], (70, 70, 70)),  # type: ignore[list-item]
                (row["mask_im"], str(row["how"]), (70, 70, 70)),  # type: ignore[list-item]
            ]
            for preset in presets:
                verdict = row["verdicts"].get(preset)  # type: ignore[attr-defined]
                if verdict is None:
                    cells.append((Image.new("RGB", (THUMB, THUMB), (40, 40, 40)), "not rendered", (70, 70, 70)))
                    continue
                ok, failed, file = verdict
                colour = (40, 170, 70) if ok else (210, 50, 50)
                cells.append((Image.open(file), "PASS" if ok else "FAIL " + ",".join(failed), colour))
            for c, (im, label, colour) in enumerate(cells):
                x = c * (THUMB + 8)
                draw.rectangle((x, y, x + THUMB + 7, y + THUMB + 7), fill=colour)
                t = _thumb(im)
                sheet.paste(t, (x + 4 + (THUMB - t.width) // 2, y + 4 + (THUMB - t.height) // 2))
                draw.text((x + 4, y + THUMB + 10), label[:38], fill=(255, 255, 255))
        path = out / f"contact-{start // ROWS_PER_SHEET + 1:02d}.png"
        sheet.save(path)
        written.append(path)
    return written


def outline_sheet(output: Path, sheet: Path) -> None:
    """The tiles of ``output`` (full resolution) that hold the product's outline, two a row, into ``sheet``."""
    im = Image.open(output).convert("RGB")
    ink = ImageChops.difference(im, Image.new("RGB", im.size, (255, 255, 255))).convert("L")
    marks = ink.point(lambda v: 255 if v > 6 else 0)
    outline = ImageChops.subtract(marks, marks.filter(ImageFilter.MinFilter(3)))
    box = marks.getbbox()
    if box is None:
        return
    tiles = []
    for y in range(box[1], box[3], TILE):
        for x in range(box[0], box[2], TILE):
            cell = (x, y, min(im.width, x + TILE), min(im.height, y + TILE))
            if outline.crop(cell).getbbox() is not None:
                tiles.append(im.crop(cell))
    out = Image.new("RGB", (2 * TILE + 12, ((len(tiles) + 1) // 2) * (TILE + 12)), (255, 0, 255))
    for i, tile in enumerate(tiles):  # magenta between tiles, so a white tile edge is not taken for the product's
        out.paste(tile, ((i % 2) * (TILE + 12), (i // 2) * (TILE + 12)))
    sheet.parent.mkdir(parents=True, exist_ok=True)
    out.save(sheet)


def evaluate(folder: Path, out: Path, presets: list[str]) -> tuple[list[dict[str, object]], list[Path]]:
    """Render every photo of ``folder`` into ``presets``; rows for the table and the contact sheets."""
    result = main_images([folder], out / "main", presets, jobs=1)
    rows: list[dict[str, object]] = []
    for item in result.results:
        if not isinstance(item, ProductResult) or item.input is None or (item.status is not Status.OK
                                                                         and not item.written):
            continue
        source = item.input
        verdicts = {o.check.preset: (o.check.passed, [r.rule for r in o.check.failing], o.path)
                    for o in item.written if o.check is not None}
        for preset, (ok, _, file) in verdicts.items():
            if ok:
                outline_sheet(file, out / "outline" / f"{source.stem}--{preset}.png")
        started = time.perf_counter()
        mask_im, how = _mask_view(source)
        rows.append({"name": source.name, "source_im": Image.open(source), "mask_im": mask_im, "how": how,
                     "verdicts": verdicts, "ms": item.elapsed_ms,
                     "isolate_ms": round((time.perf_counter() - started) * 1000)})
    return rows, _sheets(rows, presets, out)


def table(rows: list[dict[str, object]], presets: list[str]) -> str:
    """A Markdown table: isolation, verdict per preset, time."""
    lines = ["| photo | isolated by | " + " | ".join(presets) + " | render ms (all presets) |",
             "|---|---|" + "---|" * len(presets) + "---|"]
    passes = {p: 0 for p in presets}
    for row in rows:
        cells = []
        for p in presets:
            v = row["verdicts"].get(p)  # type: ignore[attr-defined]
            if v is None:
                cells.append("-")
                continue
            passes[p] += v[0]
            cells.append("PASS" if v[0] else "FAIL " + ", ".join(v[1]))
        lines.append(f"| {row['name']} | {row['how']} | " + " | ".join(cells) + f" | {row['ms']} |")
    lines.append("| **passes** | | " + " | ".join(f"{passes[p]} of {len(rows)}" for p in presets) + " | |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("-o", "--out", type=Path, default=None)
    parser.add_argument("-p", "--preset", action="append", default=None)
    args = parser.parse_args()
    if not args.folder.is_dir():
        print(f"skipped: no folder {args.folder}")
        return
    presets = args.preset or ["amazon.main", "tmall.white_bg", "jd.main"]
    out = args.out or Path(tempfile.mkdtemp(prefix="artpipe-real-"))
    out.mkdir(parents=True, exist_ok=True)
    rows, sheets = evaluate(args.folder, out, presets)
    text = table(rows, presets)
    (out / "table.md").write_text(text, encoding="utf-8")
    (out / "rows.json").write_text(json.dumps([{k: v for k, v in r.items() if not k.endswith("_im")} for r in rows],
                                              default=str, indent=1), encoding="utf-8")
    print(text)
    print("contact sheets:", *[str(s) for s in sheets], sep="\n  ")


if __name__ == "__main__":
    main()
