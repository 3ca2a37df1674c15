"""Pieces per size -> template data (the first size is the design size, the others overrides), the pictures to
write beside it, and the import report. Pure: the caller writes the files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageChops

from artpipe.defaults import settings
from artpipe.psdimport.pieces import Action, Kind, Note, Piece, Rect
from artpipe.psdimport.read import classified, open_psd
from artpipe.psdimport.walk import Canvas, canvases, slug, unique

ROLES = {"product": "product", "price": "price", "logo": "logo"}


@dataclass(frozen=True)
class Imported:
    """A template made from a Photoshop file: its data, the pictures it names, and what the import did."""

    source: str
    template: dict[str, Any]
    pictures: dict[str, Image.Image]  # path in the template folder -> picture
    notes: tuple[Note, ...]

    def report(self) -> dict[str, Any]:
        """The import report as JSON data."""
        counts = {a.value: sum(1 for n in self.notes if n.action == a) for a in Action}
        return {"source": self.source, "template": self.template["name"], "sizes": self.template["sizes"],
                "fields": sorted(self.template.get("fields", {})), "counts": counts,
                "layers": [{"layer": n.layer, "size": n.size, "action": n.action.value, "detail": n.detail}
                           for n in self.notes]}


def build_template(path: Path, folder_fonts: tuple[str, ...] = ()) -> Imported:
    """Read the Photoshop file at ``path`` and make a template of it (every failure a classified InputError)."""
    rules = settings().psd  # read once; the steps below are given it
    psd = open_psd(path, rules)
    with classified(path):
        sizes, notes = canvases(psd, folder_fonts, rules)
        return _assemble(path, sizes, notes, rules.text_min_share)
    raise AssertionError  # pragma: no cover  (classified re-raises)


def percent(px: int, total: int) -> str:
    """``px`` as the shortest percentage of ``total`` that resolves back to exactly ``px`` pixels."""
    for digits in range(1, 7):
        value = round(px * 100 / total, digits)
        raw = total * value / 100
        if (int(raw + 0.5) if raw >= 0 else -int(-raw + 0.5)) == px:
            return f"{value:g}%"
    return f"{px * 100 / total}%"


def box_of(rect: Rect, canvas: Canvas) -> dict[str, str]:
    """A layer's box in percent of its canvas, so the same numbers serve a scaled size."""
    left, top, right, bottom = rect
    return {"left": percent(left, canvas.width), "top": percent(top, canvas.height),
            "width": percent(right - left, canvas.width), "height": percent(bottom - top, canvas.height)}


def _assemble(path: Path, sizes: list[Canvas], notes: list[Note], text_min_share: float) -> Imported:
    pictures: dict[str, Image.Image] = {}
    fields: dict[str, dict[str, Any]] = {}
    layers: dict[str, dict[str, Any]] = {}
    overrides: dict[str, dict[str, dict[str, Any]]] = {}
    for index, canvas in enumerate(sizes):
        used: set[str] = set()
        for piece in canvas.pieces:
            name = unique(piece.name, used)
            data = _layer(piece, name, canvas, pictures, fields, text_min_share)
            if index == 0:
                layers[name] = data
                continue
            changed = _changes(layers.get(name), data)
            if name not in layers:
                layers[name] = {**data, "visible": False}
                changed = {**changed, "visible": True}
            if changed:
                overrides.setdefault(canvas.name, {})[name] = changed
        for name in layers:
            if index and name not in used:
                overrides.setdefault(canvas.name, {})[name] = {"visible": False}
    template: dict[str, Any] = {
        "name": slug(path.stem), "description": f"Imported from {path.name}.",
        "sizes": {c.name: {"width": c.width, "height": c.height} for c in sizes},
        "fields": fields, "layers": list(layers.values())}
    if overrides:
        template["overrides"] = overrides
    return Imported(str(path), template, pictures, tuple(notes))


def _changes(base: dict[str, Any] | None, data: dict[str, Any]) -> dict[str, Any]:
    if base is None:
        return {k: v for k, v in data.items() if k not in ("name", "type")}
    return {k: v for k, v in data.items() if k not in ("name", "type") and base.get(k) != v}


def _picture(pictures: dict[str, Image.Image], folder: str, name: str, image: Image.Image) -> str:
    """Store ``image`` once under ``folder``; the same pixels in another size reuse the file."""
    for path, known in pictures.items():
        if path.startswith(folder + "/") and known.size == image.size and \
                ImageChops.difference(known, image).getbbox(alpha_only=False) is None:
            # alpha_only=False: an RGBA difference of two opaque pictures has alpha 0 everywhere, which
            # getbbox() would read as "no difference" however different their colours are
            return path
    path = f"{folder}/{name}.png"
    n = 2
    while path in pictures:
        path, n = f"{folder}/{name}-{n}.png", n + 1
    pictures[path] = image
    return path


def _layer(piece: Piece, name: str, canvas: Canvas, pictures: dict[str, Image.Image],
           fields: dict[str, dict[str, Any]], text_min_share: float) -> dict[str, Any]:
    data: dict[str, Any] = {"name": name}
    if piece.kind in (Kind.PRODUCT, Kind.IMAGE):
        field_name = piece.field or name
        spec: dict[str, Any] = {"type": "image"}
        if piece.kind == Kind.PRODUCT:
            spec["required"] = True
        if piece.picture is not None and field_name not in fields:
            spec["example"] = _picture(pictures, "examples", field_name, piece.picture.convert("RGBA"))
        fields.setdefault(field_name, spec)
        data.update(type="image", role=ROLES.get(field_name, "product" if piece.kind == Kind.PRODUCT else "promo"),
                    source=f"${field_name}", fit="contain")
        if piece.kind == Kind.PRODUCT:
            data["trim"] = True  # the placeholder's box is where the product goes, not its photo's backdrop
    elif piece.kind == Kind.TEXT and piece.text is not None:
        t = piece.text
        if piece.field:
            fields.setdefault(piece.field, {"type": "text", "example": t.text})
        smallest = max(1, round(t.size_px * text_min_share))
        font: dict[str, Any] = {"family": t.family, "weight": t.weight, "size": percent(round(t.size_px),
                                canvas.height), "min_size": percent(smallest, canvas.height)}
        data.update(type="text", role=ROLES.get(piece.field or "", "promo" if piece.field else "decoration"),
                    text=f"${piece.field}" if piece.field else t.text.replace("$", "$$"), font=font, color=t.color,
                    align=t.align, valign="top", max_lines=t.max_lines, line_height=t.line_height)
        if t.letter_spacing_pct:
            data["letter_spacing"] = f"{t.letter_spacing_pct:g}%"
    elif piece.kind == Kind.SHAPE and piece.shape is not None:
        shape = piece.shape
        data.update(type="shape", role="decoration", shape=shape.shape, fill=shape.fill)
        if shape.radius_px:  # in percent of the box's shorter side, as the shape layer reads it, so it scales
            left, top, right, bottom = piece.box
            data["radius"] = percent(round(shape.radius_px), min(right - left, bottom - top))
        if shape.stroke:
            data["stroke"] = {"color": shape.stroke, "width": shape.stroke_px}
    elif piece.picture is not None:
        data.update(type="image", role="decoration", source=_picture(pictures, "art", name, piece.picture),
                    fit="fill")
    data["box"] = box_of(piece.box, canvas)
    if piece.opacity < 1:
        data["opacity"] = round(piece.opacity, 3)
    return data
