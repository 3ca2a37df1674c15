"""Which layers' boxes cover a product slot or a text: the workbench warns on the layer drawn over, so a box
dragged onto the product or onto another text shows at once. Pure geometry on the boxes, no pixels."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from artpipe.template.model import Rect

TEXT_TYPES = ("text", "price")


@dataclass(frozen=True)
class Boxed:
    """A layer as drawn at one size: its name, kind and role, and its box in the size's pixels."""

    name: str
    type: str
    role: str
    box: Rect


def _covered_kind(layer: Boxed) -> str | None:
    """What a layer is when something over it matters: the product slot or a text; None for the rest."""
    if layer.type == "image" and layer.role == "product":
        return "the product slot"
    if layer.type in TEXT_TYPES:
        return "the text"
    return None


def _share(over: Rect, under: Rect) -> float:
    """How much of ``under``'s box ``over``'s box covers (0 to 1)."""
    w = min(over.x + over.w, under.x + under.w) - max(over.x, under.x)
    h = min(over.y + over.h, under.y + under.h) - max(over.y, under.y)
    area = under.w * under.h
    return 0.0 if w <= 0 or h <= 0 or area <= 0 else w * h / area


def covering(layers: Sequence[Boxed], min_share: float) -> dict[str, str]:
    """For each layer drawn over a product slot or a text (``layers`` bottom first) by at least ``min_share`` of
    that one's box: what it covers, in words (``covers 40% of the product slot 'product'``)."""
    out: dict[str, str] = {}
    for j, over in enumerate(layers):
        said = []
        for under in layers[:j]:
            kind = _covered_kind(under)
            share = _share(over.box, under.box) if kind else 0.0
            if kind and share >= min_share:
                said.append(f"covers {round(share * 100)}% of {kind} '{under.name}'")
        if said:
            out[over.name] = "; ".join(said)
    return out
