"""YAML -> Template: read, validate (collecting every problem), apply per-size overrides."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

from artpipe.errors import ConfigError, Problem
from artpipe.layers import COMMON_KEYS, KINDS, LoadContext
from artpipe.layers.base import read_asset, read_box, read_color, read_gradient
from artpipe.schema import Problems, Reader, suggest
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
from artpipe.yamlsrc import YList, YMap, load_yaml

TOP_KEYS = ("name", "description", "extends", "sizes", "fields", "background", "layers", "overrides")
MAX_EXTENDS = 8  # how deep inheritance may go
FIELD_KEYS = ("type", "required", "default", "example", "description")
MAX_SIDE_PX = 20000
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
# Keys whose mappings an override merges into (others, like box, are replaced whole).
_DEEP_MERGE = ("font", "stroke", "shadow")


def bundled_dir() -> Path:
    """The folder of templates shipped with artpipe (the repo's templates/ in a source checkout)."""
    # Installed: templates/ is packaged as artpipe/bundled (see pyproject.toml). Ask the regular
    # artpipe package for it: files() on the namespace package would give a MultiplexedPath.
    installed = Path(str(files("artpipe").joinpath("bundled")))
    if installed.is_dir():
        return installed
    # Editable installs and source checkouts do not map templates/ into the package.
    return Path(__file__).resolve().parents[2] / "templates"


def template_file(path: Path) -> Path:
    """A template is a YAML file, or a folder holding ``template.yaml``."""
    return path / "template.yaml" if path.is_dir() else path


def bundled_templates() -> dict[str, Path]:
    """Name -> file of every bundled template, sorted by name."""
    root = bundled_dir()
    found: dict[str, Path] = {}
    if root.is_dir():
        for entry in sorted(root.iterdir()):
            if entry.is_dir() and (entry / "template.yaml").is_file():
                found[entry.name] = entry / "template.yaml"
            elif entry.suffix in (".yaml", ".yml"):
                found[entry.stem] = entry
    return found


def find_template(ref: str, search: list[Path]) -> Path | None:
    """Resolve a template reference: a path, else a name in each ``search`` folder, else a bundled name."""
    looks_like_path = "/" in ref or "\\" in ref or ref.endswith((".yaml", ".yml"))
    for base in search:
        candidate = base / ref
        if template_file(candidate).is_file():
            return template_file(candidate)
        for name in (ref, f"{ref}.yaml"):
            if not looks_like_path and template_file(base / "templates" / name).is_file():
                return template_file(base / "templates" / name)
    if not looks_like_path:
        return bundled_templates().get(ref)
    return None


def _sizes(r: Reader) -> tuple[Size, ...]:
    node = r.mapping("sizes", required=True)
    if node is None:
        return ()
    sizes = []
    for name, value in node.node.items():
        if isinstance(value, str) and re.fullmatch(r"\d+x\d+", value):
            w, h = (int(v) for v in value.split("x"))
        elif isinstance(value, YMap):
            sr = Reader(value, node.path(name), r.problems)
            sr.check_keys(("width", "height"), ("width", "height"))
            w = sr.number("width", 0, minimum=1, maximum=MAX_SIDE_PX, integer=True) or 0
            h = sr.number("height", 0, minimum=1, maximum=MAX_SIDE_PX, integer=True) or 0
        else:
            node.problem(name, "must be {width, height} or \"WIDTHxHEIGHT\"")
            continue
        if not 1 <= w <= MAX_SIDE_PX or not 1 <= h <= MAX_SIDE_PX:
            node.problem(name, f"{w}x{h} is outside 1..{MAX_SIDE_PX} px")
            continue
        sizes.append(Size(name, w, h))
    if not sizes and not r.problems.items:
        r.problem("sizes", "a template needs at least one size")
    return tuple(sizes)


def _fields(r: Reader) -> dict[str, Field]:
    node = r.mapping("fields")
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
        fr = Reader(value, node.path(name), r.problems)
        fr.check_keys(FIELD_KEYS, ("type",))
        kind = fr.choice("type", FIELD_TYPES, None) or str(fr.raw("type"))
        required = fr.flag("required", False)
        default = fr.text("default", None)
        if required and default is not None:
            fr.problem("default", "a required field cannot have a default", "drop one of them")
        out[name] = Field(name, kind, required, default, fr.text("example", None))
    return out


def _background(r: Reader, ctx: LoadContext) -> Background:
    raw = r.raw("background")
    if raw is None:
        return Background(color="#ffffff")
    if isinstance(raw, str):
        return Background(color=read_color(r, "background", ctx, "#ffffff"))
    b = r.mapping("background")
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
    r = Reader(node, where, problems)
    kind = r.choice("type", tuple(KINDS), None)
    if kind not in KINDS:
        return None
    r.check_keys((*COMMON_KEYS, *KINDS[kind].keys), ("name", "type"))
    visible_if = _visibility(r, ctx)
    common: dict[str, object] = {
        "name": r.text("name", "") or "", "type": kind, "box": read_box(r),
        "role": r.choice("role", ROLES, "decoration"), "visible_if": visible_if,
        "opacity": r.number("opacity", 1.0, minimum=0, maximum=1), "origin": r.origin(),
    }
    if not r.flag("visible", True):
        return None
    return KINDS[kind].parse(r, common, ctx)


VISIBILITY_KEYS = ("field", "sizes", "min_width", "min_height", "max_width", "max_height")


def _visibility(r: Reader, ctx: LoadContext) -> Visibility | None:
    """``visible_if: FIELD``, or a mapping that may also test the canvas (sizes, min/max width/height in px)."""
    if not r.has("visible_if"):
        return None
    raw = r.raw("visible_if")
    v = r.mapping("visible_if") if isinstance(raw, dict) else None
    field_ = v.text("field", None) if v is not None else r.text("visible_if", None)
    if field_ is not None and field_ not in ctx.fields:
        (v or r).problem("field" if v else "visible_if", f"unknown field '{field_}'", suggest(field_, ctx.fields))
    if v is None:
        return Visibility(field=field_)
    v.check_keys(VISIBILITY_KEYS)
    sizes: list[object] = list(v.sequence("sizes") or [])
    return Visibility(
        field=field_, sizes=tuple(str(s) for s in sizes),
        min_width=v.number("min_width", 0, minimum=0, integer=True),
        min_height=v.number("min_height", 0, minimum=0, integer=True),
        max_width=v.number("max_width", None, minimum=0, integer=True),
        max_height=v.number("max_height", None, minimum=0, integer=True))


def _merge(base: YMap, override: YMap, *, origin: YMap | None = None) -> YMap:
    merged = base.merged(override, origin=origin)
    for key in _DEEP_MERGE:
        if isinstance(base.get(key), YMap) and isinstance(override.get(key), YMap):
            merged[key] = base[key].merged(override[key])
    return merged


def _layer_nodes(r: Reader) -> list[tuple[str, YMap, str]]:
    """(name, node, display path) of each layer, checking names are present and unique."""
    seq = r.sequence("layers", required=True)
    out: list[tuple[str, YMap, str]] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(seq or []):
        name = item.get("name") if isinstance(item, YMap) else None
        where = f"layers[{i}] ({name})" if name else f"layers[{i}]"
        lr = r.item(seq, i, where) if seq is not None else None
        if lr is None:
            continue
        if isinstance(name, str) and name in seen:
            lr.problem("name", f"duplicate layer name '{name}' (first at line {seen[name]})", "names must be unique")
            continue
        if isinstance(name, str):
            seen[name] = lr.mark("name")[0]
        out.append((str(name or ""), item, where))
    return out


def _overrides(r: Reader, sizes: tuple[Size, ...], names: list[str]) -> dict[str, dict[str, YMap]]:
    node = r.mapping("overrides")
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


def _copy_list(items: YList, like: YList) -> YList:
    out = YList(like.file, like.mark)
    out.extend(items)
    out.item_marks.extend(items.item_marks)
    return out


def _merge_layers(parent: YList, child: YList) -> YList:
    """The parent's layers with the child's merged in by name; new child layers go on top (at the end)."""
    out = _copy_list(parent, child)
    index = {item.get("name"): i for i, item in enumerate(out) if isinstance(item, YMap)}
    for item, mark in zip(child, child.item_marks, strict=True):
        name = item.get("name") if isinstance(item, YMap) else None
        if isinstance(item, YMap) and name in index and isinstance(out[index[name]], YMap):
            # A child layer may leave out its type: it changes the parent's layer of that name, and
            # messages about the layer point at the child, where the change was made.
            out[index[name]] = _merge(out[index[name]], item, origin=item)
            out.item_marks[index[name]] = mark
        else:
            out.append(item)
            out.item_marks.append(mark)
    return out


def _merge_overrides(parent: YMap, child: YMap) -> YMap:
    out = parent.merged(child)
    for size, per in child.items():
        if isinstance(per, YMap) and isinstance(parent.get(size), YMap):
            merged = parent[size].merged(per)
            for layer, change in per.items():
                if isinstance(change, YMap) and isinstance(parent[size].get(layer), YMap):
                    merged[layer] = _merge(parent[size][layer], change)
            out[size] = merged
    return out


def merge_templates(parent: YMap, child: YMap) -> YMap:
    """``child`` laid over ``parent``: sizes and fields by name, layers by name, overrides by size and
    layer; other keys (name, description, background) replaced. Every value keeps its own file:line."""
    out = parent.merged(child, origin=child)
    for key in ("sizes", "fields"):
        if isinstance(parent.get(key), YMap) and isinstance(child.get(key), YMap):
            out[key] = parent[key].merged(child[key])
    if isinstance(parent.get("layers"), YList) and isinstance(child.get("layers"), YList):
        out["layers"] = _merge_layers(parent["layers"], child["layers"])
    if isinstance(parent.get("overrides"), YMap) and isinstance(child.get("overrides"), YMap):
        out["overrides"] = _merge_overrides(parent["overrides"], child["overrides"])
    out.pop("extends", None)
    return out


def _with_parents(data: YMap, file: Path, seen: tuple[Path, ...] = ()) -> YMap:
    """Resolve ``extends`` (recursively): the parent is a template beside this one, or a bundled one."""
    if "extends" not in data:
        return data
    ref, (line, col) = data["extends"], data.value_marks["extends"]
    if not isinstance(ref, str) or not ref:
        raise ConfigError([Problem(data.file, line, col, "extends", "must be a template name or path")])
    parent = find_template(ref, [file.parent, file.parent.parent])
    if parent is None:
        hint = suggest(ref, bundled_templates()) or "name a template beside this one, or a bundled one"
        raise ConfigError([Problem(data.file, line, col, "extends", f"no template '{ref}'", hint)])
    parent = parent.resolve()
    if parent in seen or parent == file.resolve():
        raise ConfigError([Problem(data.file, line, col, "extends", f"'{ref}' extends this template again "
                                   "(a loop)", "break the chain of extends")])
    if len(seen) >= MAX_EXTENDS:
        raise ConfigError([Problem(data.file, line, col, "extends", f"more than {MAX_EXTENDS} levels of extends")])
    parent_data = load_yaml(parent)
    if not isinstance(parent_data, YMap):
        raise ConfigError([Problem(str(parent), 1, 1, "", "a template must be a mapping of keys")])
    merged = merge_templates(_with_parents(parent_data, parent, (*seen, file.resolve())), data)
    if "name" not in data:
        merged["name"] = file.parent.name if file.name == "template.yaml" else file.stem
    return merged


def load_template(path: Path, display: str | None = None) -> Template:
    """Load and validate a template file (or folder); raise ConfigError listing every problem."""
    file = template_file(path)
    display = display or str(file)
    root = file.parent
    data = load_yaml(file, display)
    problems = Problems()
    if not isinstance(data, YMap):
        raise ConfigError([Problem(display, 1, 1, "", "a template must be a mapping of keys")])
    data = _with_parents(data, file)
    r = Reader(data, "", problems)
    r.check_keys(TOP_KEYS, ("name", "sizes", "layers"))
    sizes = _sizes(r)
    fields = _fields(r)
    ctx = LoadContext(root=root, fields=fields)
    background = _background(r, ctx)
    nodes = _layer_nodes(r)
    overrides = _overrides(r, sizes, [n for n, _, _ in nodes])
    base = [(_layer(node, where, problems, ctx), name, node, where) for name, node, where in nodes]
    by_size: dict[str, tuple[Layer, ...]] = {}
    for size in sizes:
        changes = overrides.get(size.name, {})
        layers = []
        for layer, name, node, where in base:
            if name in changes:
                layer = _layer(_merge(node, changes[name]), where, problems, ctx)
            if layer is not None:
                layers.append(layer)
        by_size[size.name] = tuple(layers)
    # An override re-reads its whole layer, so a problem in the base layer can be found twice.
    problems.items = list(dict.fromkeys(problems.items))
    problems.raise_if_any()
    return Template(name=r.text("name", file.stem) or file.stem, description=r.text("description", "") or "",
                    path=file, root=root, sizes=sizes, fields=fields, background=background,
                    layers=by_size, assets=tuple(ctx.assets))
