"""Pictures for people to check: layer boxes drawn over a render, and contact sheets of several renders. Pure."""

from __future__ import annotations

from PIL import Image, ImageDraw

from artpipe.template.layout import resolve_box
from artpipe.template.model import Template
from artpipe.text.fonts import get_font

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
