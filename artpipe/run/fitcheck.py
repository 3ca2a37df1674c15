"""Test-fit a job's texts into every size (and preset) before rendering: what will be cut with an ellipsis or fail.

Only the layers that set text (text layers, shape labels, prices) are painted, with the renderer's own
rules, so the verdict is exact; photos are never opened.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from artpipe.defaults import settings
from artpipe.errors import RenderError
from artpipe.layers import KINDS, Scene
from artpipe.presets import slot_of
from artpipe.reasons import WarningKind
from artpipe.run.jobs import Job
from artpipe.run.render import field_values, refusal, slot_layers
from artpipe.template.fields import references
from artpipe.template.layout import resolve_box
from artpipe.template.model import Layer, Size

TEXT_KINDS = ("text", "shape", "price")
PROGRESS_EVERY = 1000


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


def _fields_of(layer: Layer, known: dict[int, tuple[str, ...]]) -> tuple[str, ...]:
    """The fields a layer reads anywhere (its text, a label, a colour): its verdict depends on nothing else."""
    if id(layer) not in known:
        known[id(layer)] = tuple(sorted(set(references(repr(layer)))))
    return known[id(layer)]


def fit_texts(job: Job, progress: Callable[[int, int], None] | None = None) -> list[FitNote]:
    """Every text of every product, template and size that is cut or fails. A layer is test-fitted once per
    distinct set of the values it reads: a CSV of 100,000 products sharing a badge paints that badge once.
    ``progress(done, total)`` is called every 1,000 products."""
    notes: list[FitNote] = []
    fields: dict[int, tuple[str, ...]] = {}
    verdicts: dict[tuple[object, ...], tuple[str, str] | None] = {}
    config = settings()  # read once for the whole job
    for done, product in enumerate(job.products, 1):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, len(job.products))
        for jt in job.templates:
            template = jt.template
            values = field_values(template, product.values)
            # A preset draws the template's first size's layers on its own canvas, dropping (or refusing) the
            # roles it forbids.
            slots = [(name, template.size(name), (), ()) for name in jt.sizes] + [
                (template.size_names[0], s.canvas, s.drop_roles, s.refuse_roles)
                for s in (slot_of(p) for p in jt.presets)]
            for size_name, size, dropped, refused in slots:
                scene = Scene(template, size, values, {}, settings=config)
                for layer, action in slot_layers(template, size_name, scene, dropped, refused, product.images):
                    if action == "drop":
                        continue
                    where = (product.origin, product.sku, template.name, size.name, layer.name)
                    if action == "refuse":
                        notes.append(FitNote(*where, "fails", f"{layer.origin}: {refusal(layer, size)}"))
                        continue
                    if layer.type not in TEXT_KINDS:
                        continue
                    key = (id(layer), size, tuple(values.get(f, "") for f in _fields_of(layer, fields)))
                    if key not in verdicts:
                        verdicts[key] = _verdict(layer, size, scene)
                    found = verdicts[key]
                    if found is not None:
                        notes.append(FitNote(*where, *found))
    return notes


def _verdict(layer: Layer, size: Size, scene: Scene) -> tuple[str, str] | None:
    """("fails" | "truncated", message) for one text layer at one size, or None when it fits."""
    rect = resolve_box(layer.box, size.width, size.height)
    try:
        placed = KINDS[layer.type].paint(layer, rect, scene)
    except RenderError as exc:
        return "fails", exc.message
    if placed is not None and any(w.kind == WarningKind.TEXT_TRUNCATED for w in placed.warnings):
        return "truncated", "cut with an ellipsis"
    return None
