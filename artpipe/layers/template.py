"""YAML -> Template: read, validate (collecting every problem), apply per-size overrides."""

from __future__ import annotations

import re
from pathlib import Path

from artpipe.defaults import settings
from artpipe.layers import COMMON_KEYS, KINDS, LoadContext
from artpipe.layers.base import read_asset, read_box, read_color, read_gradient
from artpipe.schema import Problems, Reader, suggest
from artpipe.template.find import merge_layer, template_file
from artpipe.template.inherit import with_parents
from artpipe.template.model import (
    FIELD_TYPES,
    FITS,
    ROLES,
    Background,
    Field,
    Layer,
    Size,
    Template,
    Visibility,
)
from artpipe.yamlsrc import YMap, load_mapping

TOP_KEYS = ("name", "description", "extends", "sizes", "fields", "background", "layers", "overrides")
FIELD_KEYS = ("type", "required", "default", "example", "description")
MAX_SIDE_PX = 20000
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def _sizes(reader: Reader) -> tuple[Size, ...]:
    node = reader.mapping("sizes", required=True)
    if node is None:
        return ()
    sizes = []
    for name, value in node.node.items():
        if isinstance(value, str) and re.fullmatch(r"\d+x\d+", value):
            w, h = (int(v) for v in value.split("x"))
        elif isinstance(value, YMap):
            size_reader = Reader(value, node.path(name), reader.problems)
            size_reader.check_keys(("width", "height"), ("width", "height"))
            w = size_reader.number("width", 0, minimum=1, maximum=MAX_SIDE_PX, integer=True) or 0
            h = size_reader.number("height", 0, minimum=1, maximum=MAX_SIDE_PX, integer=True) or 0
        else:
            node.problem(name, "must be {width, height} or \"WIDTHxHEIGHT\"")
            continue
        if not 1 <= w <= MAX_SIDE_PX or not 1 <= h <= MAX_SIDE_PX:
            node.problem(name, f"{w}x{h} is outside 1..{MAX_SIDE_PX} px")
            continue
        sizes.append(Size(name, w, h))
    if not sizes and not reader.problems.items:
        reader.problem("sizes", "a template needs at least one size")
    return tuple(sizes)


def _fields(reader: Reader) -> dict[str, Field]:
    node = reader.mapping("fields")
    out: dict[str, Field] = {}
    if node is None:
        return out
    for name, value in node.node.items():
        if not _NAME.match(name):
            node.problem(name, f"'{name}' is not a valid field name", "use letters, digits and _", at_key=True)
            continue
        if not isinstance(value, YMap):
            node.problem(name, "must be a mapping like {type: text, required: true}")
            continue
        fr = Reader(value, node.path(name), reader.problems)
        fr.check_keys(FIELD_KEYS, ("type",))
        kind = fr.choice("type", FIELD_TYPES, None) or str(fr.raw("type"))
        required = fr.flag("required", False)
        default = fr.text("default", None)
        if required and default is not None:
            fr.problem("default", "a required field cannot have a default", "drop one of them")
        out[name] = Field(name, kind, required, default, fr.text("example", None))
    return out


def _background(reader: Reader, ctx: LoadContext) -> Background:
    raw = reader.raw("background")
    if raw is None:
        return Background(color="#ffffff")
    if isinstance(raw, str):
        return Background(color=read_color(reader, "background", ctx, "#ffffff"))
    b = reader.mapping("background")
    if b is None:
        return Background(color="#ffffff")
    b.check_keys(("color", "gradient", "image", "fit"))
    given = [k for k in ("color", "gradient", "image") if b.has(k)]
    if len(given) != 1:
        b.problem(None, "give exactly one of color, gradient, image")
    g = b.mapping("gradient")
    gradient = read_gradient(g, ctx) if g is not None else None
    return Background(color=read_color(b, "color", ctx) if b.has("color") else None, gradient=gradient,
                      image=read_asset(b, "image", ctx), fit=b.choice("fit", FITS, "cover"))


def _layer(node: YMap, where: str, problems: Problems, ctx: LoadContext) -> Layer | None:
    reader = Reader(node, where, problems)
    kind = reader.choice("type", tuple(KINDS), None)
    if kind not in KINDS:
        return None
    reader.check_keys((*COMMON_KEYS, *KINDS[kind].keys), ("name", "type"))
    visible_if = _visibility(reader, ctx)
    common: dict[str, object] = {
        "name": reader.text("name", "") or "", "type": kind, "box": read_box(reader),
        "role": reader.choice("role", ROLES, "decoration"), "visible_if": visible_if,
        "opacity": reader.number("opacity", 1.0, minimum=0, maximum=1), "origin": reader.origin(),
    }
    if not reader.flag("visible", True):
        return None
    return KINDS[kind].parse(reader, common, ctx)


VISIBILITY_KEYS = ("field", "sizes", "min_width", "min_height", "max_width", "max_height")


def _visibility(reader: Reader, ctx: LoadContext) -> Visibility | None:
    """``visible_if: FIELD`` or ``[FIELD, ...]`` (all filled), or a mapping that may also test the canvas (sizes,
    min/max width/height in px)."""
    if not reader.has("visible_if"):
        return None
    raw = reader.raw("visible_if")
    v = reader.mapping("visible_if") if isinstance(raw, dict) else None
    where, key = (v, "field") if v is not None else (reader, "visible_if")
    fields = tuple(where.names(key, "a field name or a list of field names") or ())
    for name in fields:
        if name not in ctx.fields:
            where.problem(key, f"unknown field '{name}'", suggest(name, ctx.fields))
    if v is None:
        return Visibility(fields=fields)
    v.check_keys(VISIBILITY_KEYS)
    sizes: list[object] = list(v.sequence("sizes") or [])
    return Visibility(
        fields=fields, sizes=tuple(str(s) for s in sizes),
        min_width=v.number("min_width", 0, minimum=0, integer=True),
        min_height=v.number("min_height", 0, minimum=0, integer=True),
        max_width=v.number("max_width", None, minimum=0, integer=True),
        max_height=v.number("max_height", None, minimum=0, integer=True))


def _layer_nodes(reader: Reader) -> list[tuple[str, YMap, str]]:
    """(name, node, display path) of each layer, checking names are present and unique."""
    seq = reader.sequence("layers", required=True)
    out: list[tuple[str, YMap, str]] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(seq or []):
        name = item.get("name") if isinstance(item, YMap) else None
        where = f"layers[{i}] ({name})" if name else f"layers[{i}]"
        layer_reader = reader.item(seq, i, where) if seq is not None else None
        if layer_reader is None:
            continue
        if isinstance(name, str) and name in seen:
            layer_reader.problem("name", f"duplicate layer name '{name}' (first at line {seen[name]})",
                                 "names must be unique")
            continue
        if isinstance(name, str):
            seen[name] = layer_reader.mark("name")[0]
        out.append((str(name or ""), item, where))
    return out


def _overrides(reader: Reader, sizes: tuple[Size, ...], names: list[str]) -> dict[str, dict[str, YMap]]:
    node = reader.mapping("overrides")
    out: dict[str, dict[str, YMap]] = {}
    if node is None:
        return out
    size_names = [s.name for s in sizes]
    for size_name in node.node:
        if size_name not in size_names:
            node.problem(size_name, f"no size '{size_name}'", suggest(size_name, size_names), at_key=True)
            continue
        per = node.mapping(size_name)
        if per is None:
            continue
        for layer_name, value in per.node.items():
            if layer_name not in names:
                per.problem(layer_name, f"no layer '{layer_name}'", suggest(layer_name, names), at_key=True)
            elif not isinstance(value, YMap):
                per.problem(layer_name, "must be a mapping of layer keys to change")
            elif "name" in value or "type" in value:
                per.problem(layer_name, "an override cannot change a layer's name or type")
            else:
                out.setdefault(size_name, {})[layer_name] = value
    return out


def load_template(path: Path, display: str | None = None, *, licensed: frozenset[str] = frozenset(),
                  text: str | None = None) -> Template:
    """Load and validate a template file (or folder); raise ConfigError listing every problem. ``licensed``: font
    file names in template folders that a workspace or job says are licensed although no licence is found.
    ``text``: the file's text as it is being edited (not saved yet), read as if the file held it."""
    file = template_file(path)
    display = display or str(file)
    root = file.parent
    data = load_mapping(file, "a template", display, text=text)
    problems = Problems()
    data = with_parents(data, file)
    reader = Reader(data, "", problems)
    reader.check_keys(TOP_KEYS, ("name", "sizes", "layers"))
    sizes = _sizes(reader)
    fields = _fields(reader)
    ctx = LoadContext(root=root, fields=fields, licensed=licensed, text=settings().text)  # read once per file
    background = _background(reader, ctx)
    nodes = _layer_nodes(reader)
    overrides = _overrides(reader, sizes, [n for n, _, _ in nodes])
    base = [(_layer(node, where, problems, ctx), name, node, where) for name, node, where in nodes]
    by_size: dict[str, tuple[Layer, ...]] = {}
    for size in sizes:
        changes = overrides.get(size.name, {})
        layers = []
        for layer, name, node, where in base:
            if name in changes:
                layer = _layer(merge_layer(node, changes[name]), where, problems, ctx)
            if layer is not None:
                layers.append(layer)
        by_size[size.name] = tuple(layers)
    # An override re-reads its whole layer, so a problem in the base layer can be found twice.
    problems.items = list(dict.fromkeys(problems.items))
    problems.raise_if_any()
    return Template(name=reader.text("name", file.stem) or file.stem, description=reader.text("description", "") or "",
                    path=file, root=root, sizes=sizes, fields=fields, background=background,
                    layers=by_size, assets=tuple(ctx.assets), fonts=tuple(ctx.fonts))
