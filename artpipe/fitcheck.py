"""Test-fit a job's texts into every size (and preset) before rendering: what will be cut with an ellipsis or fail.

Only the layers that set text (text layers, shape labels, prices) are painted, with the renderer's own
rules, so the verdict is exact; photos are never opened.
"""

from __future__ import annotations

from dataclasses import dataclass

from artpipe.errors import RenderError
from artpipe.jobs import Job
from artpipe.layers import KINDS, Scene
from artpipe.presets import overlay_roles
from artpipe.render import field_values, visible
from artpipe.template.layout import resolve_box
from artpipe.template.model import Size

TEXT_KINDS = ("text", "shape", "price")


@dataclass(frozen=True)
class FitNote:
    """One text that will not render as designed."""

    origin: str  # file:line of the product
    product: str
    template: str
    size: str
    layer: str
    kind: str  # "truncated" or "fails"
    message: str

    def __str__(self) -> str:
        if self.kind == "fails":  # the renderer's message already names the layer and size
            return f"{self.origin}: {self.product}: {self.template}: {self.message}"
        return f"warning: {self.origin}: {self.product}: {self.template}: layer {self.layer} at size {self.size}: " \
               f"{self.message}"


def test_fit(job: Job) -> list[FitNote]:
    """Every text of every product, template and size that is cut or fails."""
    notes: list[FitNote] = []
    for product in job.products:
        for jt in job.templates:
            template = jt.template
            values = field_values(template, product.values)
            # A preset draws the template's first size's layers on its own canvas, dropping (or refusing) the
            # roles it forbids.
            slots = [(name, template.size(name), (), ()) for name in jt.sizes] + [
                (template.size_names[0], Size(p.name, p.width, p.height), *overlay_roles(p)) for p in jt.presets]
            for size_name, size, dropped, refused in slots:
                scene = Scene(template, size, values, {})
                for layer in template.layers[size_name]:
                    if layer.role in dropped or not visible(layer, scene, product.images):
                        continue
                    where = (product.origin, product.sku, template.name, size.name, layer.name)
                    if layer.role in refused:
                        notes.append(FitNote(*where, "fails", f"{layer.origin}: layer '{layer.name}' is a "
                                             f"{layer.role} overlay, which {size.name} does not allow"))
                        continue
                    if layer.type not in TEXT_KINDS:
                        continue
                    rect = resolve_box(layer.box, size.width, size.height)
                    try:
                        placed = KINDS[layer.type].paint(layer, rect, scene)
                    except RenderError as exc:
                        notes.append(FitNote(*where, "fails", exc.message))
                        continue
                    if placed is not None and any(w.startswith("text_truncated") for w in placed.warnings):
                        notes.append(FitNote(*where, "truncated", "cut with an ellipsis"))
    return notes
