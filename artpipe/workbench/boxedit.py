"""Move a layer's box in a template's own text: the ``box:`` of one size's override is written (or added) where
it belongs, and every other byte of the file, comments included, stays as the designer wrote it.

A dump of the parsed YAML would lose the comments and the designer's layout, so this is a text edit located by
PyYAML's node marks (``yaml.compose`` gives each node's start and end in the text). Pure: text in, text out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import Enum

import yaml

from artpipe.yamlsrc import parse_yaml

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_YAML11_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}  # read as booleans or null if plain


class BoxEditError(ValueError):
    """The text cannot take the box where it belongs (an override written as something other than a mapping)."""


class Pin(Enum):
    """Which edges of its canvas a box keeps its distance to along one axis, as its YAML says: ``left:`` (or
    ``top:``) is START, ``right:`` (``bottom:``) alone is END, both with no width (height) is BOTH."""

    START = "start"
    END = "end"
    BOTH = "both"


def pin_of(start: object, end: object, length: object) -> Pin:
    """How a box's axis is pinned, from which of its sides and length it gives (None where it gives none)."""
    if end is not None and start is None:
        return Pin.END
    if end is not None and start is not None and length is None:
        return Pin.BOTH
    return Pin.START


@dataclass(frozen=True)
class PercentBox:
    """A box in percent of its size's sides: what a drag or a resize on the page asks for."""

    left: float
    top: float
    width: float
    height: float
    aspect: float | None = None  # a box that keeps its shape (a round badge): width follows the height
    across: Pin = Pin.START  # written as left+width, right+width or left+right, as the box was
    down: Pin = Pin.START  # top+height, bottom+height or top+bottom

    def flow(self) -> str:
        """The box as a one-line YAML flow mapping: ``{left: 8%, top: 16%, width: 44%, height: 36%}``; with an
        aspect ``{left: 8%, top: 16%, height: 36%, aspect: 1}``; pinned to the right ``{right: 4%, ...}``."""
        right, bottom = 100 - self.left - self.width, 100 - self.top - self.height
        # a box that keeps its aspect gives one length and derives the other: stretching it between both
        # edges would give neither, so it keeps its start edge then
        across = Pin.START if self.aspect is not None and self.across == Pin.BOTH else self.across
        down = Pin.START if self.aspect is not None and self.down == Pin.BOTH else self.down
        width = [] if self.aspect is not None else [("width", self.width)]
        x = {Pin.START: [("left", self.left), *width], Pin.END: [("right", right), *width],
             Pin.BOTH: [("left", self.left), ("right", right)]}[across]
        y = {Pin.START: [("top", self.top), ("height", self.height)],
             Pin.END: [("bottom", bottom), ("height", self.height)],
             Pin.BOTH: [("top", self.top), ("bottom", bottom)]}[down]
        order = ("left", "right", "top", "bottom", "width", "height")
        parts = [f"{k}: {_percent(v)}" for k, v in sorted([*x, *y], key=lambda kv: order.index(kv[0]))]
        if self.aspect is not None:
            parts.append(f"aspect: {self.aspect:g}")
        return "{" + ", ".join(parts) + "}"


def percent_box(x: int, y: int, w: int, h: int, width: int, height: int, aspect: float | None = None,
                across: Pin = Pin.START, down: Pin = Pin.START) -> PercentBox:
    """A pixel rectangle on a ``width`` x ``height`` canvas in percent, two decimals (0.01 % of 20,000 px is
    2 px; of the usual sizes, under half a pixel, so the box resolves back to the same pixels)."""
    return PercentBox(100 * x / width, 100 * y / height, 100 * w / width, 100 * h / height, aspect, across, down)


def _percent(value: float) -> str:
    rounded = round(value, 2) or 0.0  # never "-0%"
    return f"{rounded:.2f}".rstrip("0").rstrip(".") + "%"


def _key(name: str) -> str:
    """A mapping key as YAML reads it back as the same text: plain when it can be, else JSON-quoted."""
    if _PLAIN.fullmatch(name) and name.lower() not in _YAML11_WORDS:
        return name
    return json.dumps(name, ensure_ascii=False)


def _entry(mapping: yaml.MappingNode, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    for k, v in mapping.value:
        if isinstance(k, yaml.ScalarNode) and str(k.value) == key:
            return k, v
    return None


def _end(node: yaml.Node) -> int:
    """Where a node's own text ends: a block collection's end mark lies past the comments after it, so its last
    value's end is taken instead."""
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and not node.flow_style and node.value:
        last = node.value[-1]
        return _end(last[1] if isinstance(last, tuple) else last)
    return int(node.end_mark.index)


def _insert_entry(text: str, mapping: yaml.Node, entry: str, where: str) -> str:
    """``text`` with ``entry`` (``key: value``) added as the first entry of ``mapping`` (flow or block)."""
    if not isinstance(mapping, yaml.MappingNode):
        msg = f"{where} is not a mapping; write it as one (key: value) to move a box into it"
        raise BoxEditError(msg)
    start = int(mapping.start_mark.index)
    if mapping.flow_style:
        brace = text.index("{", start)
        return f"{text[:brace + 1]}{entry}{', ' if mapping.value else ''}{text[brace + 1:]}"
    if not mapping.value:  # an empty block mapping cannot be: PyYAML reads one as a null scalar
        msg = f"{where} is empty; write its entries to move a box into it"
        raise BoxEditError(msg)
    first = mapping.value[0][0]
    indent = " " * first.start_mark.column
    at = int(first.start_mark.index)
    return f"{text[:at]}{entry.replace(chr(10), chr(10) + indent)}\n{indent}{text[at:]}"


def set_box(text: str, size: str, layer: str, box: PercentBox, file: str = "template.yaml") -> str:
    """``text`` with ``overrides: {size: {layer: {box: ...}}}`` set to ``box``: the override's box replaced in
    place, or the missing levels added. ConfigError when the text does not parse; BoxEditError when an override
    there is not a mapping."""
    parse_yaml(text, file)  # the safe reader first: no anchors, aliases, tags or over-deep nesting reach compose
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(root, yaml.MappingNode):
        msg = "the template is not a mapping of keys"
        raise BoxEditError(msg)
    flow = box.flow()
    found = _entry(root, "overrides")
    if found is None:
        if root.flow_style:
            return _insert_entry(text, root, f"overrides: {{{_key(size)}: {{{_key(layer)}: {{box: {flow}}}}}}}",
                                 "the template")
        tail = "" if text.endswith("\n") or not text else "\n"
        return f"{text}{tail}overrides:\n  {_key(size)}:\n    {_key(layer)}: {{box: {flow}}}\n"
    overrides = found[1]
    per_size = _entry(overrides, size) if isinstance(overrides, yaml.MappingNode) else None
    if per_size is None:
        nested = f"{{{_key(layer)}: {{box: {flow}}}}}" if getattr(overrides, "flow_style", False) \
            else f"\n  {_key(layer)}: {{box: {flow}}}"
        return _insert_entry(text, overrides, f"{_key(size)}:{' ' if nested[0] == '{' else ''}{nested}", "overrides")
    per_layer = _entry(per_size[1], layer) if isinstance(per_size[1], yaml.MappingNode) else None
    if per_layer is None:
        return _insert_entry(text, per_size[1], f"{_key(layer)}: {{box: {flow}}}", f"overrides.{size}")
    old = _entry(per_layer[1], "box") if isinstance(per_layer[1], yaml.MappingNode) else None
    if old is None:
        return _insert_entry(text, per_layer[1], f"box: {flow}", f"overrides.{size}.{layer}")
    key, value = old
    if isinstance(value, yaml.MappingNode) and not value.flow_style:
        start = int(key.end_mark.index)  # a block box: 'box:' keeps its line, the flow box follows it
        colon = text.index(":", start)
        return f"{text[:colon + 1]} {flow}{text[_end(value):]}"
    return f"{text[:value.start_mark.index]}{flow}{text[_end(value):]}"
