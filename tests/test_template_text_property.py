"""Property: in every size of every shipped template, any text (1-200 chars, in any script a merchant types)
is drawn without tofu (every character has a face) and either stays inside its layer's box, no glyph clipped, or
fails with a clear "does not fit"; it never spills, and a text with a visible character is never left undrawn."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from artpipe.defaults import settings as defaults_settings
from artpipe.errors import RenderError
from artpipe.layers import KINDS, Scene
from artpipe.layers.template import load_template
from artpipe.reasons import tokens
from artpipe.run.render import field_values
from artpipe.template.find import bundled_templates
from artpipe.template.layout import resolve_box
from artpipe.template.model import Template

TEMPLATES = [load_template(path) for path in bundled_templates().values()]
# (template, size, layer name, the field its text comes from)
SLOTS = [(t, size.name, layer.name, ref)
         for t in TEMPLATES for size in t.sizes for layer in t.layers[size.name]
         if layer.type in ("text", "shape")
         for ref in [str(getattr(layer, "text", "")).lstrip("$")] if ref in t.fields]

def _decoded(codec: str, first: range, second: range) -> list[str]:
    out = []
    for hi in first:
        for lo in second:
            try:
                out.append(bytes([hi, lo]).decode(codec))
            except UnicodeDecodeError:
                pass
    return out


COMMON = list(" 0123456789%¥$-")
SCRIPTS = {
    "simplified": [c for c in _decoded("gbk", range(0xB0, 0xF8), range(0xA1, 0xFF))] + list("，。！（）「」"),
    "traditional": [c for c in _decoded("big5", range(0xA4, 0xF9), range(0x40, 0x7F))],
    "japanese": [chr(c) for c in range(0x3041, 0x3097)] + [chr(c) for c in range(0x30A1, 0x30FB)] +
                _decoded("euc_jis_2004", range(0xB0, 0xF4), range(0xA1, 0xFF)) + list("、。ー「」"),
    "korean": [chr(c) for c in range(0xAC00, 0xD7A4, 7)],
    "latin": list("abcdefghijklmnopqrstuvwxyzÀÉÎÕÜßçñ ABCXYZ.,!?…—"),
    "cyrillic-greek": [chr(c) for c in range(0x410, 0x450)] + [chr(c) for c in range(0x391, 0x3CA) if c != 0x3A2],
    "arabic": [chr(c) for c in range(0x627, 0x64B)],
    "thai": [chr(c) for c in range(0xE01, 0xE2F)] + list("ัิีึืุู่้๊๋"),
    "emoji": ["🔥", "🎉", "❤️", "👍🏽", "🇨🇳", "✨", "😀", "🛒", "1️⃣", "👨‍👩‍👧"],
}
text = st.sampled_from(sorted(SCRIPTS)).flatmap(
    lambda script: st.lists(st.sampled_from(SCRIPTS[script] + COMMON + SCRIPTS["latin"][:5]), min_size=1,
                            max_size=200).map("".join))


def paint_one(template: Template, size_name: str, layer_name: str, field: str, value: str) -> None:
    size = template.size(size_name)
    layer = next(layer for layer in template.layers[size_name] if layer.name == layer_name)
    scene = Scene(template, size, field_values(template, {field: value}), {}, settings=defaults_settings())
    rect = resolve_box(layer.box, size.width, size.height)
    refused: RenderError | None = None
    try:
        placed = KINDS[layer.type].paint(layer, rect, scene)
    except RenderError as exc:  # allowed, when it says why
        refused = exc
    if refused is not None:
        assert "does not fit" in refused.message or "too low for even one line" in refused.message, refused.message
        return
    if not value.strip():  # only spaces: nothing to draw (a shape may still draw itself)
        return
    assert placed is not None, f"{template.name} {size_name} {layer_name}: nothing drawn for {value!r}"
    ink = placed.image.getchannel("A").getbbox()
    assert ink is not None, f"{template.name} {size_name} {layer_name}: no ink for {value!r}"
    left, top, right, bottom = ink
    assert not [w for w in tokens(placed.warnings) if w.startswith("text_clipped")], f"a glyph is cut: {value!r}"
    # The layer's own image is its box (a shape's label is inside the shape); nothing is drawn outside it.
    assert placed.x + left >= rect.x - 1
    assert placed.y + top >= rect.y - 1
    assert placed.x + right <= rect.x + rect.w + 1
    assert placed.y + bottom <= rect.y + rect.h + 1


@settings(max_examples=200, deadline=None)
@given(slot=st.sampled_from(SLOTS), value=text)
def test_any_text_stays_in_its_box(slot: tuple[Template, str, str, str], value: str) -> None:
    template, size_name, layer_name, field = slot
    paint_one(template, size_name, layer_name, field, value)


def test_every_text_slot_is_covered() -> None:
    assert len({t.name for t, *_ in SLOTS}) >= 8
