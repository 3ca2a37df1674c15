"""What people look at to approve: layer boxes over a render, contact sheets, the proof page of a request.

The proof page (a Jinja2 template in pages/, every value escaped) and the sheet read the finished outputs (to
show and measure them); they write nothing.
"""

from __future__ import annotations

import base64
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, ImageDraw

from artpipe.imaging.formats import mime_of
from artpipe.report.pagefonts import embed_fonts
from artpipe.report.proofview import approval, read_proof
from artpipe.report.results import ProductResult
from artpipe.template.layout import resolve_box
from artpipe.template.model import Template
from artpipe.text.fonts import get_font

if TYPE_CHECKING:
    from jinja2 import Environment

# Guide colours, as layout apps use them (magenta, cyan...): unlike brand colours, they stand out on any art.
_BOX_COLORS = [(255, 0, 200), (0, 170, 255), (110, 210, 0), (255, 120, 0), (150, 70, 255), (0, 200, 170)]
_SHEET_BACKGROUND = (236, 236, 238)
_LABEL_PX = 16


def draw_boxes(image: Image.Image, template: Template, size_name: str) -> Image.Image:
    """A copy of ``image`` with every layer's box outlined and named (hidden layers dashed grey)."""
    out = image.convert("RGBA")
    overlay = Image.new("RGBA", out.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    size = template.size(size_name)
    font = get_font("sans", "regular", max(11, min(size.width, size.height) // 40))
    for i, layer in enumerate(template.layers[size_name]):
        r = resolve_box(layer.box, size.width, size.height)
        color = _BOX_COLORS[i % len(_BOX_COLORS)]
        draw.rectangle((r.x, r.y, r.x + max(r.w - 1, 0), r.y + max(r.h - 1, 0)), outline=(*color, 255), width=2)
        label = f"{layer.name} ({layer.type})"
        tw = int(draw.textlength(label, font=font)) + 8
        th = int(font.size * 1.4)
        ly = r.y if r.y >= th else r.y + max(r.h, 0)
        draw.rectangle((r.x, ly - th if r.y >= th else ly, r.x + tw, ly if r.y >= th else ly + th),
                       fill=(*color, 220))
        draw.text((r.x + 4, (ly - th if r.y >= th else ly) + 2), label, font=font, fill=(255, 255, 255, 255))
    return Image.alpha_composite(out, overlay)


def contact_sheet(items: list[tuple[str, Image.Image]], *, max_width: int = 1600, gap: int = 24) -> Image.Image:
    """The images stacked top to bottom at most ``max_width`` wide, each captioned."""
    font = get_font("sans", "regular", _LABEL_PX)
    scaled = []
    for label, im in items:
        k = min(1.0, (max_width - 2 * gap) / im.width)
        scaled.append((label, im.convert("RGB").resize((max(1, round(im.width * k)), max(1, round(im.height * k))),
                                                       Image.Resampling.LANCZOS) if k < 1 else im.convert("RGB")))
    width = max(im.width for _, im in scaled) + 2 * gap
    caption = int(_LABEL_PX * 1.8)
    height = gap + sum(im.height + caption + gap for _, im in scaled)
    sheet = Image.new("RGB", (width, height), _SHEET_BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    y = gap
    for label, im in scaled:
        draw.text((gap, y), label, font=font, fill=(60, 60, 64))
        sheet.paste(im, (gap, y + caption))
        y += im.height + caption + gap
    return sheet


def proof_page(root: Path, campaign: str, merchant: str, deadline: str, *, embed: bool = False,
               pages: Environment | None = None) -> str:
    """The proof page of the campaign at ``root``: every image with its slot's title, its checks and notes in
    words, what changed since approval, the shop sign once, a click for full size. Images are linked relative
    to ``root`` (the page is the index of the folder, zipped or not), or with ``embed`` carried inside the page
    (one file to send). ``pages``: the environment to find ``proof.html`` in (the studio's, which also holds its
    own pages), else this package's. Its fonts are always inside it: the bundled ones cut to the characters it
    shows."""
    proof = read_proof(root)

    def src(rel: str) -> str:
        if not embed:
            return rel
        path = root / rel
        if not path.is_file():
            return rel
        return f"data:{mime_of(path.name)};base64,{base64.b64encode(path.read_bytes()).decode()}"

    changed = [s.title for s in proof.shots if s.change in ("changed", "new")]
    return embed_fonts((pages or _pages()).get_template("proof.html").render(
        campaign=campaign, merchant=merchant, deadline=deadline, proof=proof, src=src, count=len(proof.shots),
        approval=approval(root), changed=changed))


@cache
def _pages() -> Environment:
    # Jinja2 imported here: a worker rendering outputs (which imports this module with the API) never writes a
    # proof page, and the import costs it ~2 MB resident
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(loader=PackageLoader("artpipe", "pages"), autoescape=select_autoescape(default=True))


def proof_sheet(products: list[ProductResult], *, thumb: int = 260) -> Image.Image:
    """A contact sheet for chat apps: every output as a captioned thumbnail (PASS/FAIL when checked)."""
    tiles: list[tuple[str, Image.Image]] = []
    for product in products:
        for output in product.written:
            with Image.open(output.path) as opened:
                small = opened.convert("RGB")
            small.thumbnail((thumb, thumb))
            check = output.check
            verdict = "" if check is None else (" PASS" if check.passed else " FAIL")
            slot = check.preset if check is not None else output.path.parent.name
            tiles.append((f"{product.sku} · {slot}{verdict}", small))
    font = get_font("sans", "regular", 14)
    cols = max(1, min(6, len(tiles)))
    cell_w, cell_h = thumb + 16, thumb + 40
    rows = max(1, (len(tiles) + cols - 1) // cols)
    sheet = Image.new("RGB", (cols * cell_w + 16, rows * cell_h + 16), _SHEET_BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    for i, (label, im) in enumerate(tiles):
        x, y = 16 + (i % cols) * cell_w, 16 + (i // cols) * cell_h
        sheet.paste(im, (x + (thumb - im.width) // 2, y + (thumb - im.height) // 2))
        draw.text((x, y + thumb + 6), label, font=font, fill=(228, 57, 60) if label.endswith("FAIL") else (60, 60, 64))
    return sheet
