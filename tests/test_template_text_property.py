"""Property: in every size of every shipped template, any text (1-200 chars, mixed scripts) either stays
inside its layer's box or fails with a clear RenderError; it never spills."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from artpipe.errors import RenderError
from artpipe.layers import KINDS, Scene
from artpipe.render import field_values
from artpipe.template.find import bundled_templates
from artpipe.template.layout import resolve_box
from artpipe.template.load import load_template
from artpipe.template.model import Template

TEMPLATES = [load_template(path) for path in bundled_templates().values()]
# (template, size, layer name, the field its text comes from)
SLOTS = [(t, size.name, layer.name, ref)
         for t in TEMPLATES for size in t.sizes for layer in t.layers[size.name]
         if layer.type in ("text", "shape")
         for ref in [str(getattr(layer, "text", "")).lstrip("$")] if ref in t.fields]

text = st.text(alphabet=st.sampled_from(list("春季大促全场五折起限时优惠新品北欧陶瓷马克杯，。！（）「」") +
                                        list("Spring sale NEW up to 50% off ¥$") + list("0123456789")),
               min_size=1, max_size=200)


def paint_one(template: Template, size_name: str, layer_name: str, field: str, value: str) -> None:
    size = template.size(size_name)
    layer = next(layer for layer in template.layers[size_name] if layer.name == layer_name)
    scene = Scene(template, size, field_values(template, {field: value}), {})
    rect = resolve_box(layer.box, size.width, size.height)
    refused: RenderError | None = None
    try:
        placed = KINDS[layer.type].paint(layer, rect, scene)
    except RenderError as exc:  # allowed, when it says why
        refused = exc
    if refused is not None:
        assert "does not fit" in refused.message or "no glyph" in refused.message
        return
    if placed is None:
        return
    ink = placed.image.getchannel("A").getbbox()
    if ink is None:
        return
    left, top, right, bottom = ink
    # The layer's own image is its box (a shape's label is inside the shape); nothing is drawn outside it.
    assert placed.x + left >= rect.x - 1
    assert placed.y + top >= rect.y - 1
    assert placed.x + right <= rect.x + rect.w + 1
    assert placed.y + bottom <= rect.y + rect.h + 1


@settings(max_examples=150, deadline=None)
@given(slot=st.sampled_from(SLOTS), value=text)
def test_any_text_stays_in_its_box(slot: tuple[Template, str, str, str], value: str) -> None:
    template, size_name, layer_name, field = slot
    paint_one(template, size_name, layer_name, field, value)


def test_every_text_slot_is_covered() -> None:
    assert len({t.name for t, *_ in SLOTS}) >= 8
