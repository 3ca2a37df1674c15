"""Every market's price drawn into every size of every bundled template with a price layer, to look at.

    python benchmarks/price_sheet.py [-o out/price-sheet]

For each input (a price as a market writes it, or a bare number with the market's locale) renders every size of
every bundled template whose layers include a ``price`` layer, with samples/photos/mug-sideways.jpg as the product,
and writes one PNG per input: the price box of each template@size cut out at full scale (a blue frame marks the
box; anything past it is clipped), labelled. ``prices.md`` is the table ``input | locale | template@size | drawn
text | faces used | fits?``; the last line counts what did not render. Exit 1 when one did not.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image, ImageDraw

from artpipe.errors import RenderError
from artpipe.files import write_png, write_text_atomic
from artpipe.layers.price import PriceLayer
from artpipe.layers.template import load_template
from artpipe.run.render import render
from artpipe.run.tasks import load_asset, template_assets
from artpipe.template.find import bundled_templates
from artpipe.template.layout import resolve_box
from artpipe.template.model import Rect, Template
from artpipe.text import fonts
from artpipe.text.draw import Setting, draw_line
from artpipe.text.prices import Market, format_discount, read_original, read_price

ROOT = Path(__file__).resolve().parent.parent
MARGIN = 10  # px shown around each price box, so a sign or stroke past the box shows


@dataclass(frozen=True)
class Case:
    """One price as a merchant writes it (``was``: the original price), for ``locale``'s market."""

    value: str
    locale: str
    was: str = ""
    discount: bool = False  # the price layers' ``discount: true``: "-20%" after the original price


CASES = (
    Case("45 ر.س", "ar-SA"), Case("฿390", "th-TH"), Case("₪49", "he-IL"), Case("₹499", "hi-IN"),
    Case("₹1,29,999", "en-IN"), Case("990 ₽", "ru-RU"), Case("99.000₫", "vi-VN"), Case("1.299,00 €", "de-DE"),
    Case("1 299,00 zł", "pl-PL"), Case("CHF 1'299.–", "de-CH"), Case("R$ 1.299,90", "pt-BR"),
    Case("¥1,299起", "ja-JP"), Case("¥1,299起", "zh-CN"), Case("US$12.99", "en-US"), Case("¥39-59", "zh-CN"),
    Case("¥79", "zh-CN", "¥99", discount=True), Case("79,00 €", "de-DE", "99,00 €", discount=True),
    Case("45", "ar-SA"), Case("45", "ar-SA", "60", discount=True), Case("49", "he-IL", "69", discount=True),
    Case("₩39,000", "ko-KR"), Case("NT$1,299", "zh-Hant-TW"),
)


@dataclass(frozen=True)
class Row:
    """What one case drew into one template@size."""

    case: Case
    where: str
    drawn: str
    faces: tuple[str, ...]
    fits: str  # "yes", or the render error


def price_templates() -> dict[str, Template]:
    """Every bundled template with a price layer at some size."""
    found = {name: load_template(path) for name, path in bundled_templates().items()}
    return {name: t for name, t in found.items()
            if any(isinstance(layer, PriceLayer) for layers in t.layers.values() for layer in layers)}


def _field(ref: str) -> str:
    return ref.strip().lstrip("$").strip("{}")


def _with_discount(template: Template) -> Template:
    layers = {size: tuple(replace(layer, discount=True) if isinstance(layer, PriceLayer) else layer
                          for layer in found) for size, found in template.layers.items()}
    return replace(template, layers=layers)


def drawn_text(case: Case) -> str:
    """The price as the layer sets it for the case's market (a locale alone brings its own currency)."""
    market = Market(case.locale, "")
    price = read_price(case.value, market)
    if price is None:
        return "(not a price)"
    was = read_original(case.was, price, market) if case.was else None
    off = format_discount(price.amount, was.amount, case.locale) if case.discount and was is not None else ""
    return " ".join(part for part in (price.text, f"~~{was.text}~~" if was else "", off) if part)


def render_case(case: Case, templates: dict[str, Template], photo: Path) -> tuple[list[Row], Image.Image]:
    """Render ``case`` everywhere; its rows and its sheet of price boxes."""
    asset = load_asset(photo)
    rows: list[Row] = []
    crops: list[tuple[str, Image.Image]] = []
    for name, template in templates.items():
        t = _with_discount(template) if case.discount else template
        images = {**template_assets(t), **{n: asset for n, f in t.fields.items() if f.type == "image"}}
        for size in t.size_names:
            priced = [lay for lay in t.layers[size] if isinstance(lay, PriceLayer)]
            layer = priced[0]
            values = {n: f.example for n, f in t.fields.items() if f.example and f.type != "image"}
            for other in ("c2", "c3", "badge", "ribbon", "tag", "was"):  # only this price: no other words
                values.pop(other, None)
            values[_field(layer.value)] = case.value
            was = next((ref for lay in priced for ref in (lay.was, lay.value) if _field(ref) == "was"), "")
            if was:  # a was key of the price layer, or a price layer of its own (sale-badge-tile)
                values["was"] = case.was
            shown = [lay for lay in priced if values.get(_field(lay.value))]
            where = f"{name}@{size}"
            try:
                out = render(t, size, values, images, locale=case.locale)
            except RenderError as exc:
                rows.append(Row(case, where, drawn_text(case), (), str(exc)))
                continue
            faces = tuple(dict.fromkeys(face for lay, face in out.fonts if lay in {s.name for s in shown}))
            rows.append(Row(case, where, drawn_text(case), faces, "yes"))
            boxes = [resolve_box(lay.box, t.size(size).width, t.size(size).height) for lay in shown]
            crops.append((f"{where}  " + ", ".join(f"{b.w}x{b.h}" for b in boxes), _cut(out.image, boxes)))
    return rows, _sheet(f"{case.value}  ({case.locale})" + (f"  was {case.was}" if case.was else ""), crops)


def _cut(image: Image.Image, boxes: list[Rect]) -> Image.Image:
    """The price boxes and a margin around them, at full scale, each box framed in blue outside its pixels."""
    x0, y0 = min(b.x for b in boxes) - MARGIN, min(b.y for b in boxes) - MARGIN
    x1, y1 = max(b.x + b.w for b in boxes) + MARGIN, max(b.y + b.h for b in boxes) + MARGIN
    canvas = image.convert("RGB").crop((x0, y0, x1, y1))
    draw = ImageDraw.Draw(canvas)
    for b in boxes:
        draw.rectangle((b.x - x0 - 1, b.y - y0 - 1, b.x - x0 + b.w, b.y - y0 + b.h), outline="#1e6bff")
    return canvas


def _sheet(title: str, crops: list[tuple[str, Image.Image]]) -> Image.Image:
    """The crops one under another, labelled ``template@size WxH``."""
    label = fonts.font_of(fonts.chain("sans", "regular")[0], 18)
    width = max((im.width for _, im in crops), default=400) + 20
    height = 40 + sum(im.height + 34 for _, im in crops)
    sheet = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(sheet)
    # the title holds the input as written (Arabic, Thai...): set by the font chain, as a layer would be
    draw_line(sheet, 10, 30, title, Setting(fonts.chain("sans", "bold"), 20, None, 0.0, 0.8), (0, 0, 0, 255))
    y = 40
    for text, im in crops:
        draw.text((10, y + 4), text, fill="#444444", font=label)
        sheet.paste(im, (10, y + 28))
        y += im.height + 34
    return sheet


def table(rows: list[Row]) -> str:
    """The rows as a markdown table, then how many did not render."""
    lines = ["| input | locale | template@size | drawn text | faces used | fits? |", "|---|---|---|---|---|---|"]
    for r in rows:
        shown = r.case.value + (f" (was {r.case.was}{', discount' if r.case.discount else ''})" if r.case.was else "")
        cells = (shown, r.case.locale, r.where, r.drawn, ", ".join(r.faces), r.fits)
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    failed = sum(1 for r in rows if r.fits != "yes")
    lines += ["", f"{len(rows)} renders, {failed} did not render"]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--out", type=Path, default=ROOT / "out" / "price-sheet")
    args = parser.parse_args()
    templates = price_templates()
    photo = ROOT / "samples" / "photos" / "mug-sideways.jpg"
    rows: list[Row] = []
    for i, case in enumerate(CASES, 1):
        found, sheet = render_case(case, templates, photo)
        rows += found
        write_png(args.out / f"{i:02d}-{case.locale}.png", sheet)
    write_text_atomic(args.out / "prices.md", table(rows))
    print(f"{len(CASES)} prices x {sum(len(t.sizes) for t in templates.values())} template sizes "
          f"({', '.join(templates)}): {args.out / 'prices.md'}")
    print(table(rows).splitlines()[-1])
    sys.exit(1 if any(r.fits != "yes" for r in rows) else 0)


if __name__ == "__main__":
    main()
