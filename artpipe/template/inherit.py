"""Template inheritance: ``extends`` lays a child template over its parent, key by key.

Sizes and fields merge by name, layers by name, overrides by size and layer; everything else is replaced.
Every value keeps the file, line and folder it came from, so messages and file paths stay right.
"""

from __future__ import annotations

from pathlib import Path

from artpipe.errors import ConfigError, Problem
from artpipe.schema import suggest
from artpipe.template.find import bundled_templates, find_template, merge_layer
from artpipe.yamlsrc import YList, YMap, load_mapping

MAX_EXTENDS = 8  # how deep inheritance may go


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
            out[index[name]] = merge_layer(out[index[name]], item, origin=item)
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
                    merged[layer] = merge_layer(parent[size][layer], change)
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


def with_parents(data: YMap, file: Path, seen: tuple[Path, ...] = ()) -> YMap:
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
    parent_data = load_mapping(parent, "a template")
    merged = merge_templates(with_parents(parent_data, parent, (*seen, file.resolve())), data)
    if "name" not in data:
        merged["name"] = file.parent.name if file.name == "template.yaml" else file.stem
    return merged
